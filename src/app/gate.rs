//! The rate-limit gate: after a 429 nothing is sent until the instant it
//! names; what was held back goes out once, by itself, when it passes.

use tokio::time::Instant;

use super::detail::request_detail;
use super::list::{display, follow_detail, prefetch, request_page};
use super::msg::Effect;
use super::state::{RateLimit, State, Waiting};

pub(super) fn send_waiting(
    state: &mut State,
    waiting: Vec<Waiting>,
    now: Instant,
    fx: &mut Vec<Effect>,
) {
    for w in waiting {
        match w {
            Waiting::Page(p) if p == state.list.page => {
                if let Some(cached) = state.list.cached(p) {
                    display(state, p, cached);
                    // As in `show_page`: the open view's count is its total.
                    super::views::sync_active_count(state);
                    follow_detail(state, fx);
                } else {
                    state.list.loading_since = Some(now);
                    request_page(state, p, fx);
                }
            }
            Waiting::Page(_) => {}
            Waiting::Detail(id) => {
                if state.detail.as_ref().is_some_and(|d| d.ticket.id == id) {
                    request_detail(state, id, fx);
                }
            }
            Waiting::Writes => super::triage::jobs::pump(state, fx),
        }
    }
    prefetch(state, fx);
}

/// Closes the gate until `until` (the later instant wins) and records what waits.
pub(super) fn gate(state: &mut State, until: Instant, waiting: Option<Waiting>) {
    let rl = state.rate_limit.get_or_insert(RateLimit {
        until,
        waiting: Vec::new(),
    });
    rl.until = rl.until.max(until);
    if let Some(w) = waiting
        && !rl.waiting.contains(&w)
    {
        rl.waiting.push(w);
    }
    state.list.loading_since = None;
    super::poll::slow_down(state);
}
