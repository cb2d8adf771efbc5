//! Running a change: on one ticket at once, on the marked ones after one
//! confirmation; each becomes a write job (see [`super::jobs`]).

use super::change::{Change, tickets};
use super::jobs::{self, Item, Job};
use super::{Confirmed, Dialog, Targets, next};
use crate::api::types::Ticket;
use crate::app::modal::Modal;
use crate::app::msg::Effect;
use crate::app::state::State;

/// Runs an action on its targets: a single ticket at once, marked tickets
/// after one confirmation naming the count.
pub(super) fn apply(state: &mut State, change: Change, targets: Targets, fx: &mut Vec<Effect>) {
    match targets {
        Targets::One(ticket) => run_single(state, change, *ticket, fx),
        Targets::Marked(rows) => {
            // Marks outlive paging, sorting and searches: say when the
            // action reaches tickets the agent cannot see right now.
            let shown = state.list.table.tickets();
            let hidden = rows
                .iter()
                .filter(|r| !shown.iter().any(|t| t.id == r.id))
                .count();
            let what = if hidden == 0 {
                tickets(rows.len())
            } else {
                format!("{} ({hidden} not on this page)", tickets(rows.len()))
            };
            state.modal = Some(Modal::Triage(Dialog::Confirm {
                question: change.question_about(&what),
                then: Confirmed::Bulk {
                    change,
                    targets: rows,
                },
            }));
        }
    }
}

/// The job of one change to one ticket, as shown now.
pub(super) fn single_job(state: &State, change: &Change, ticket: Ticket) -> Job {
    job_over(state, change, vec![ticket], false)
}

/// The job of one change to each of `rows`, as shown now (`bulk`: with a
/// progress bar and a report).
pub(super) fn job_over(state: &State, change: &Change, rows: Vec<Ticket>, bulk: bool) -> Job {
    let plan = change.plan(rows);
    let items: Vec<Item> = plan
        .rows
        .into_iter()
        .map(|row| Item {
            known: known_of(state, row.before.id),
            before: row.before,
            after: row.after,
            patch: row.patch,
        })
        .collect();
    Job::new(
        0,
        plan.label,
        Some(change.clone()),
        plan.fields,
        items,
        bulk,
    )
}

fn run_single(state: &mut State, change: Change, ticket: Ticket, fx: &mut Vec<Effect>) {
    if let Some(m) = messages_alone(&change) {
        let on_selected = state.selected_ticket().is_some_and(|t| t.id == ticket.id);
        super::macro_run::messages_only(state, &m, &[ticket], false, fx);
        if state.triage.next_mode && on_selected {
            let from = state.list.selected;
            next::advance(state, from, fx);
        }
        return;
    }
    let id = ticket.id;
    let job = single_job(state, &change, ticket);
    state.last_error = None;
    state.triage.handled.insert(id);
    let on_selected = state.selected_ticket().is_some_and(|t| t.id == id);
    jobs::start(state, job, fx);
    if state.triage.next_mode && on_selected {
        let from = state.list.selected;
        next::advance(state, from, fx);
    }
}

/// Starts a confirmed bulk run over exactly the snapshot taken.
pub(super) fn run_bulk(state: &mut State, change: Change, rows: Vec<Ticket>, fx: &mut Vec<Effect>) {
    if let Some(m) = messages_alone(&change) {
        return super::macro_run::messages_only(state, &m, &rows, true, fx);
    }
    for t in &rows {
        state.triage.handled.insert(t.id);
    }
    state.last_error = None;
    let job = job_over(state, &change, rows, true).skip_no_ops();
    jobs::start(state, job, fx);
}

/// A macro that changes nothing but writes a note or a reply.
fn messages_alone(change: &Change) -> Option<super::change::MacroChange> {
    match change {
        Change::Macro(m) if m.parts.is_empty() && (m.note.is_some() || m.reply.is_some()) => {
            Some((**m).clone())
        }
        _ => None,
    }
}

fn known_of(state: &State, id: uuid::Uuid) -> super::known::Known {
    state.triage.known.get(&id).cloned().unwrap_or_default()
}
