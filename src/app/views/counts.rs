//! The views' counts: `meta.total` of a one-row page per view. They go out
//! last and a few at a time: never while the list on screen waits for its
//! own page, never during a rate limit, at most [`MAX_IN_FLIGHT`] at once.
//! A view with `refresh_secs` is counted again on that interval, and also
//! asked how many of its tickets changed since the agent last looked.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use super::super::msg::Effect;
use super::super::source::FetchError;
use super::super::state::{State, TablePane};
use super::ViewEntry;

/// Counts in flight at once: the list's requests always have room.
pub const MAX_IN_FLIGHT: usize = 2;
/// Opening a view recounts the others only when their count is older.
pub const FRESH_FOR: Duration = Duration::from_secs(30);

/// A count as it arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ViewCount {
    pub total: u64,
    /// Tickets new or changed since the agent last looked (polled views).
    pub new: Option<u64>,
}

/// A view's count as the bar shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CountState {
    pub total: Option<u64>,
    /// "3 new": tickets updated since `last_looked` (views with `refresh_secs`).
    pub new: Option<u64>,
    /// When the count last arrived (or failed): the poll interval runs from here.
    pub counted_at: Option<Instant>,
    /// When the agent last saw the view's list.
    pub last_looked: Option<Instant>,
    /// The request on its way, by generation.
    pub pending: Option<u64>,
    /// The last attempt failed: one line.
    pub failed: Option<String>,
}

/// Which views wait for a count, and what is on its way.
#[derive(Debug, Default)]
pub struct Scheduler {
    pub queue: VecDeque<String>,
    pub in_flight: Vec<u64>,
    pub generation: u64,
}

impl Scheduler {
    pub fn queue(&mut self, name: &str) {
        if !self.queue.iter().any(|n| n == name) {
            self.queue.push_back(name.to_string());
        }
    }

    pub fn queue_all(&mut self, entries: &[ViewEntry]) {
        for e in entries {
            if e.count.pending.is_none() {
                self.queue(&e.view.name);
            }
        }
    }
}

/// A view was opened (or marked open at start): what is new in it has been
/// seen, and the other counts are refreshed when they are not fresh. Its
/// own count comes with its first page (see `sync_active`).
pub fn on_open(state: &mut State, index: usize, now: Instant) {
    let views = &mut state.views;
    if let Some(e) = views.entries.get_mut(index) {
        e.count.last_looked = Some(now);
        e.count.new = None;
    }
    let stale: Vec<String> = views
        .entries
        .iter()
        .enumerate()
        .filter(|(i, e)| {
            *i != index
                && e.count
                    .counted_at
                    .is_none_or(|t| now.saturating_duration_since(t) >= FRESH_FOR)
        })
        .filter(|(_, e)| e.count.pending.is_none())
        .map(|(_, e)| e.view.name.clone())
        .collect();
    for name in stale {
        views.scheduler.queue(&name);
    }
}

/// `r`: every count again, and the open view's list has been seen.
pub fn on_refresh(state: &mut State, now: Instant) {
    if let Some(i) = state.views.active
        && let Some(e) = state.views.entries.get_mut(i)
    {
        e.count.last_looked = Some(now);
        e.count.new = None;
    }
    let views = &mut state.views;
    views.scheduler.queue_all(&views.entries);
}

/// True while the list on screen waits for its page: counts hold back.
fn list_busy(state: &State) -> bool {
    state.list.in_flight.contains(&state.list.page)
        || state.list.refreshing
        || matches!(
            state.list.table,
            TablePane::Loading { .. } | TablePane::Blank
        )
}

/// Queues due polls and sends what may go now. Run by `update` after the
/// messages that can give it work (see `counts_may_be_due` there) and
/// whenever counts are queued.
pub fn pump(state: &mut State, now: Instant, fx: &mut Vec<Effect>) {
    sync_active(state);
    let due: Vec<String> = state
        .views
        .entries
        .iter()
        .filter(|e| poll_due(e).is_some_and(|t| t <= now))
        .map(|e| e.view.name.clone())
        .collect();
    for name in due {
        state.views.scheduler.queue(&name);
    }
    if state.rate_limit.is_some() || list_busy(state) {
        return;
    }
    while state.views.scheduler.in_flight.len() < MAX_IN_FLIGHT {
        let Some(name) = state.views.scheduler.queue.pop_front() else {
            break;
        };
        let views = &mut state.views;
        let Some(entry) = views.entries.iter_mut().find(|e| e.view.name == name) else {
            continue; // deleted or renamed meanwhile
        };
        let Ok(filter) = entry.filter.clone() else {
            continue; // told at start; nothing to count
        };
        views.scheduler.generation += 1;
        let generation = views.scheduler.generation;
        views.scheduler.in_flight.push(generation);
        entry.count.pending = Some(generation);
        // A polled view never opened yet counts its news from its first
        // count on (what was there when triage started is not news).
        let new_since = match (entry.view.refresh_secs, entry.count.last_looked) {
            (Some(_), Some(t)) => Some(now.saturating_duration_since(t)),
            (Some(_), None) => {
                entry.count.last_looked = Some(now);
                None
            }
            (None, _) => None,
        };
        fx.push(Effect::FetchViewCount {
            name,
            generation,
            filter,
            new_since,
        });
    }
}

/// The open, unmodified view's count is the total of its own page: free.
/// Run by `pump`, and where a page is shown from the cache (a key or a
/// 429's end can do that without any count being due).
pub(crate) fn sync_active(state: &mut State) {
    let Some(meta) = state.list.table.meta() else {
        return;
    };
    if state.list.refreshing || super::is_modified(state) {
        return;
    }
    if let Some(i) = state.views.active
        && let Some(e) = state.views.entries.get_mut(i)
        && e.count.total != Some(meta.total)
    {
        e.count.total = Some(meta.total);
    }
}

/// When a polled view is next counted (`None`: not polled, or on its way).
fn poll_due(e: &ViewEntry) -> Option<Instant> {
    let secs = e.view.refresh_secs?;
    if e.count.pending.is_some() {
        return None;
    }
    let at = e.count.counted_at?;
    // Checked: the interval comes from the config file, unbounded there.
    at.checked_add(Duration::from_secs(secs))
}

/// The next poll that is not queued yet: the runtime's timer wakes us then.
pub fn next_wake(state: &State) -> Option<Instant> {
    let queued = &state.views.scheduler.queue;
    state
        .views
        .entries
        .iter()
        .filter(|e| !queued.iter().any(|n| *n == e.view.name))
        .filter_map(poll_due)
        .min()
}

/// A count arrived. A 429 closes the gate for everything and puts the view
/// back in the queue; stale answers (a view renamed, recounted) are dropped.
pub fn on_count(
    state: &mut State,
    name: String,
    generation: u64,
    result: Result<ViewCount, FetchError>,
    now: Instant,
) {
    state.views.scheduler.in_flight.retain(|g| *g != generation);
    if let Err(FetchError::RateLimited { retry_at }) = &result {
        super::super::gate::gate(state, *retry_at, None);
    }
    let Some(entry) = state
        .views
        .entries
        .iter_mut()
        .find(|e| e.view.name == name && e.count.pending == Some(generation))
    else {
        return;
    };
    entry.count.pending = None;
    match result {
        Ok(count) => {
            entry.count.total = Some(count.total);
            if count.new.is_some() {
                entry.count.new = count.new;
            }
            entry.count.failed = None;
            entry.count.counted_at = Some(now);
        }
        Err(FetchError::RateLimited { .. }) => {
            // Sent again, first, when the window ends.
            state.views.scheduler.queue.push_front(name);
        }
        Err(e) => {
            entry.count.failed = Some(match e {
                FetchError::Failed { message, .. } | FetchError::Invalid { message, .. } => message,
                FetchError::NotSupported => "not available on this server".into(),
                FetchError::RateLimited { .. } => "rate limited".into(),
            });
            entry.count.counted_at = Some(now);
        }
    }
}
