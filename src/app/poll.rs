//! The open list refreshes itself: every `[ui] refresh_secs` (or the open
//! view's own `refresh_secs`), one request for the page on screen, the
//! cursor staying on its ticket as after `r`. Polls are the lowest priority:
//! none while something is open on top of the list (being typed into, or a
//! dialog whose targets must not move), during a rate-limit wait, while the
//! page is loading, or while a write for a row on screen is unanswered; and
//! after a 429 the interval doubles until a poll succeeds. Between polls
//! there is one timer and nothing else.

use std::time::Duration;

use tokio::time::Instant;

use super::list::reload_current;
use super::modal::Modal;
use super::msg::Effect;
use super::state::{State, TablePane};

/// Doublings after 429s at most: 32 times the interval.
const MAX_SLOWDOWN: u32 = 5;

/// When the list is next refreshed, and how much 429s slowed it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Poll {
    /// `[ui] refresh_secs`: `None` is off.
    pub every: Option<Duration>,
    /// The next poll; `None` until a page of the current query is on screen.
    pub due: Option<Instant>,
    /// 429s since the last good page: the interval is doubled this often.
    pub slowed: u32,
}

/// The interval for the list on screen: the open view's `refresh_secs`,
/// else `[ui] refresh_secs`.
pub fn interval(state: &State) -> Option<Duration> {
    let own = state
        .views
        .active
        .and_then(|i| state.views.entries.get(i))
        .and_then(|e| e.view.refresh_secs)
        .map(Duration::from_secs);
    own.or(state.list.poll.every)
}

/// A page of the current query is on screen: the next poll is one interval
/// (doubled per 429 since the last good page) from now, and the slowdown is
/// over.
pub(super) fn schedule(state: &mut State, now: Instant) {
    let slowdown = 1u32 << state.list.poll.slowed.min(MAX_SLOWDOWN);
    let every = interval(state);
    let poll = &mut state.list.poll;
    poll.due = every.and_then(|every| now.checked_add(every.saturating_mul(slowdown)));
    poll.slowed = 0;
}

/// The server said 429: polls back off until one succeeds.
pub(super) fn slow_down(state: &mut State) {
    let poll = &mut state.list.poll;
    poll.slowed = (poll.slowed + 1).min(MAX_SLOWDOWN);
    poll.due = None;
}

/// When the runtime must wake us for the next poll.
pub fn wake(state: &State) -> Option<Instant> {
    state.list.poll.due
}

/// Polls when due, if nothing of higher priority is going on; otherwise
/// tries again an interval later (no busy timer while the agent types).
pub(super) fn on_tick(state: &mut State, now: Instant, fx: &mut Vec<Effect>) {
    if state.list.poll.due.is_none_or(|due| due > now) {
        return;
    }
    if may_poll(state) {
        state.list.poll.due = None;
        reload_current(state, now, fx);
    } else {
        state.list.poll.due = interval(state).and_then(|every| now.checked_add(every));
    }
}

fn may_poll(state: &State) -> bool {
    let nothing_open = matches!(state.modal, None | Some(Modal::Help(_)));
    let on_screen = match &state.list.table {
        TablePane::Loaded(view) => view.tickets.as_slice(),
        _ => return false,
    };
    let pending = super::triage::jobs::pending_ids(&state.triage);
    nothing_open
        && state.rate_limit.is_none()
        && state.list.loading_since.is_none()
        && !state.list.refreshing
        && !on_screen.iter().any(|t| pending.contains(&t.id))
}
