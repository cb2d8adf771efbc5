//! Next mode (`N`): after an action, the cursor moves on to the next ticket
//! in view order that still needs attention, and the detail pane follows.

use crate::api::types::Ticket;
use crate::app::msg::Effect;
use crate::app::state::State;
use crate::model::StatusCategory;

/// A ticket still needs attention when it is not done (resolved/closed),
/// not snoozed, still in the filter, and not acted on in this session.
pub fn needs_attention(state: &State, t: &Ticket) -> bool {
    let done = matches!(t.status, StatusCategory::Resolved | StatusCategory::Closed);
    let snoozed = t.status == StatusCategory::Waiting && t.remind_at.is_some();
    !done
        && !snoozed
        && !state.triage.handled.contains(&t.id)
        && !super::jobs::is_dimmed(state, t.id)
}

/// Moves the selection after `from` to the next ticket needing attention
/// on this page; says so when none is left.
pub fn advance(state: &mut State, from: usize, fx: &mut Vec<Effect>) {
    let next = state
        .list
        .table
        .tickets()
        .iter()
        .enumerate()
        .skip(from + 1)
        .find(|(_, t)| needs_attention(state, t))
        .map(|(i, _)| i);
    let Some(row) = next else {
        let said = match state.notice.take() {
            Some(n) => format!("{n} · nothing left on this page that needs attention"),
            None => "nothing left on this page that needs attention".into(),
        };
        state.say(said);
        return;
    };
    crate::app::list::select(state, row);
    if state.detail.is_some() {
        crate::app::detail::open_detail(state, fx);
    }
}
