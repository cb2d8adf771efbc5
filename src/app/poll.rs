//! The open list refreshes itself: every `[ui] refresh_secs` (or the open
//! view's own `refresh_secs`), one request for the page on screen, the
//! cursor staying on its ticket as after `r`. Polls are the lowest priority:
//! none while something is open on top of the list (being typed into, or a
//! dialog whose targets must not move), during a rate-limit wait, while the
//! page is loading, or while a write for a row on screen is unanswered; and
//! after a 429 the interval doubles until a poll succeeds. Between polls
//! there is one timer and nothing else.
//!
//! While the terminal says it is not focused, polls come at most every
//! `[ui] unfocused_refresh_secs`; on focus regain an overdue poll goes out
//! at once. A terminal that never reports focus counts as focused.

use std::time::Duration;

use tokio::time::Instant;

use super::list::reload_current;
use super::modal::Modal;
use super::msg::Effect;
use super::state::{State, TablePane};

/// Doublings after 429s at most: 32 times the interval.
const MAX_SLOWDOWN: u32 = 5;

/// When the list is next refreshed, and how much 429s slowed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poll {
    /// `[ui] refresh_secs`: `None` is off.
    pub every: Option<Duration>,
    /// The next poll; `None` until a page of the current query is on screen.
    pub due: Option<Instant>,
    /// 429s since the last good page: the interval is doubled this often.
    pub slowed: u32,
    /// `[ui] unfocused_refresh_secs`: the slowest pace while unfocused;
    /// `None`: no polls until focus returns.
    pub unfocused: Option<Duration>,
    /// When the page on screen arrived, and the wait (backoff included)
    /// chosen then: focus changes reschedule from these.
    pub shown: Option<(Instant, Duration)>,
    /// The request on its way is a poll (not `r`, not a page move): what
    /// it brings may be notified.
    pub polling: bool,
}

impl Default for Poll {
    fn default() -> Self {
        Poll {
            every: None,
            due: None,
            slowed: 0,
            unfocused: Some(Duration::from_secs(300)),
            shown: None,
            polling: false,
        }
    }
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
    let wait = interval(state).map(|every| every.saturating_mul(slowdown));
    let poll = &mut state.list.poll;
    poll.shown = wait.map(|wait| (now, wait));
    poll.slowed = 0;
    reschedule(state);
}

/// The next poll from when the page arrived: the chosen wait while
/// focused, at least the unfocused pace while not.
fn reschedule(state: &mut State) {
    let focused = state.focused;
    let poll = &mut state.list.poll;
    let Some((since, wait)) = poll.shown else {
        poll.due = None;
        return;
    };
    let wait = if focused {
        Some(wait)
    } else {
        poll.unfocused.map(|slowest| slowest.max(wait))
    };
    poll.due = wait.and_then(|wait| since.checked_add(wait));
}

/// The terminal gained or lost focus: the next poll moves to the pace of
/// the new state, and a poll overdue at the focused pace goes out now.
pub(super) fn on_focus(state: &mut State, focused: bool, now: Instant, fx: &mut Vec<Effect>) {
    state.focused = focused;
    // Nothing scheduled: polling is off, a poll is on its way, or 429s
    // hold it; the next page schedules at the new pace.
    if state.list.poll.shown.is_some() {
        reschedule(state);
        if focused {
            on_tick(state, now, fx);
        }
    }
}

/// The server said 429: polls back off until one succeeds.
pub(super) fn slow_down(state: &mut State) {
    let poll = &mut state.list.poll;
    poll.slowed = (poll.slowed + 1).min(MAX_SLOWDOWN);
    poll.due = None;
    poll.shown = None;
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
        state.list.poll.shown = None;
        reload_current(state, now, fx);
        state.list.poll.polling = true;
    } else {
        state.list.poll.shown = interval(state).map(|every| (now, every));
        reschedule(state);
    }
}

pub(super) fn may_poll(state: &State) -> bool {
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
