//! The views' counts: `meta.total` of a one-row page per view. They go out
//! last and a few at a time: never while the list on screen waits for its
//! own page, never during a rate limit, at most [`MAX_IN_FLIGHT`] at once.
//! A view with `refresh_secs` is counted again on that interval, and also
//! asked how many of its tickets changed since the agent last looked.
//!
//! The counts are the views' own state: these are methods of
//! [`ViewsState`] that never see `State`; what they read of the rest (the
//! open view's page total, whether a count may go now) is passed in, and a
//! 429 is handed back for `update` to close the gate.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use super::super::msg::Effect;
use super::super::source::FetchError;
use super::super::state::{ListState, TablePane};
use super::{ViewEntry, ViewsState};

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

impl ViewsState {
    /// A view was opened (or marked open at start): what is new in it has
    /// been seen, and the other counts are refreshed when they are not
    /// fresh. Its own count comes with its first page (see
    /// [`ViewsState::sync_active_count`]).
    pub fn counts_after_open(&mut self, index: usize, now: Instant) {
        if let Some(e) = self.entries.get_mut(index) {
            e.count.last_looked = Some(now);
            e.count.new = None;
        }
        let stale: Vec<String> = self
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
            self.scheduler.queue(&name);
        }
    }

    /// `r`: every count again, and the open view's list has been seen.
    pub fn counts_after_refresh(&mut self, now: Instant) {
        if let Some(i) = self.active
            && let Some(e) = self.entries.get_mut(i)
        {
            e.count.last_looked = Some(now);
            e.count.new = None;
        }
        self.scheduler.queue_all(&self.entries);
    }

    /// Queues due polls and sends what may go now (`may_send`: no rate
    /// limit, the list not waiting for its page; see [`may_send`]). Run by
    /// `update` after the messages that can give it work (see
    /// `counts_may_be_due` there) and whenever counts are queued.
    /// `active_total`: see [`ViewsState::sync_active_count`].
    pub fn pump_counts(
        &mut self,
        active_total: Option<u64>,
        may_send: bool,
        now: Instant,
        fx: &mut Vec<Effect>,
    ) {
        self.sync_active_count(active_total);
        let due: Vec<String> = self
            .entries
            .iter()
            .filter(|e| poll_due(e).is_some_and(|t| t <= now))
            .map(|e| e.view.name.clone())
            .collect();
        for name in due {
            self.scheduler.queue(&name);
        }
        if !may_send {
            return;
        }
        while self.scheduler.in_flight.len() < MAX_IN_FLIGHT {
            let Some(name) = self.scheduler.queue.pop_front() else {
                break;
            };
            let Some(entry) = self.entries.iter_mut().find(|e| e.view.name == name) else {
                continue; // deleted or renamed meanwhile
            };
            let Ok(filter) = entry.filter.clone() else {
                continue; // told at start; nothing to count
            };
            self.scheduler.generation += 1;
            let generation = self.scheduler.generation;
            self.scheduler.in_flight.push(generation);
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

    /// The open, unmodified view's count is the total of its own page:
    /// free. `total`: that page's total, when the list shows the open view
    /// as saved and is not refreshing (`views::active_total` works it out).
    /// Run by the pump, and where a page is shown from the cache (a key or
    /// a 429's end can do that without any count being due).
    pub fn sync_active_count(&mut self, total: Option<u64>) {
        let Some(total) = total else {
            return;
        };
        if let Some(i) = self.active
            && let Some(e) = self.entries.get_mut(i)
            && e.count.total != Some(total)
        {
            e.count.total = Some(total);
        }
    }

    /// The next poll that is not queued yet: the runtime's timer wakes us
    /// then.
    pub fn next_count_due(&self) -> Option<Instant> {
        let queued = &self.scheduler.queue;
        self.entries
            .iter()
            .filter(|e| !queued.iter().any(|n| *n == e.view.name))
            .filter_map(poll_due)
            .min()
    }

    /// A count arrived; stale answers (a view renamed, recounted) are
    /// dropped. A 429 puts the view back in the queue and is handed back:
    /// the instant `update` closes the gate until, for everything.
    pub fn on_count(
        &mut self,
        name: String,
        generation: u64,
        result: Result<ViewCount, FetchError>,
        now: Instant,
    ) -> Option<Instant> {
        self.scheduler.in_flight.retain(|g| *g != generation);
        let retry_at = match &result {
            Err(FetchError::RateLimited { retry_at }) => Some(*retry_at),
            _ => None,
        };
        // A stale 429 still closes the gate: the server said so.
        let Some(entry) = self
            .entries
            .iter_mut()
            .find(|e| e.view.name == name && e.count.pending == Some(generation))
        else {
            return retry_at;
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
                self.scheduler.queue.push_front(name);
            }
            Err(e) => {
                entry.count.failed = Some(match e {
                    FetchError::Failed { message, .. } | FetchError::Invalid { message, .. } => {
                        message
                    }
                    FetchError::NotSupported => "not available on this server".into(),
                    FetchError::RateLimited { .. } => "rate limited".into(),
                });
                entry.count.counted_at = Some(now);
            }
        }
        retry_at
    }
}

/// Counts may go now: no rate limit, and the list on screen is not waiting
/// for its page (its requests always come first).
pub fn may_send(list: &ListState, rate_limited: bool) -> bool {
    let list_busy = list.in_flight.contains(&list.page)
        || list.refreshing
        || matches!(list.table, TablePane::Loading { .. } | TablePane::Blank);
    !rate_limited && !list_busy
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

#[cfg(test)]
mod tests {
    use super::super::ViewsSetup;
    use super::*;
    use crate::app::keymap::Keymap;
    use crate::config::SavedView;

    fn views(names: &[&str]) -> ViewsState {
        let views = names
            .iter()
            .map(|name| SavedView {
                name: name.to_string(),
                filter: "status:open".into(),
                ..SavedView::default()
            })
            .collect();
        let setup = ViewsSetup {
            views,
            per_page: 25,
            ..ViewsSetup::default()
        };
        ViewsState::new(setup, &Keymap::default())
    }

    fn sent(fx: &[Effect]) -> Vec<&str> {
        fx.iter()
            .filter_map(|e| match e {
                Effect::FetchViewCount { name, .. } => Some(name.as_str()),
                _ => None,
            })
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn counts_go_a_few_at_a_time_and_only_when_they_may() {
        let now = Instant::now();
        let mut v = views(&["a", "b", "c"]);
        let mut fx = Vec::new();
        v.pump_counts(None, false, now, &mut fx);
        assert!(fx.is_empty(), "held back while the list waits: {fx:?}");
        v.pump_counts(None, true, now, &mut fx);
        assert_eq!(sent(&fx), ["a", "b"], "at most {MAX_IN_FLIGHT} at once");
        assert_eq!(v.scheduler.queue, ["c"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_goes_back_first_and_is_handed_back_even_when_stale() {
        let now = Instant::now();
        let retry_at = now + Duration::from_secs(30);
        let mut v = views(&["a", "b", "c"]);
        let mut fx = Vec::new();
        v.pump_counts(None, true, now, &mut fx);
        let limited = || Err(FetchError::RateLimited { retry_at });
        assert_eq!(v.on_count("a".into(), 1, limited(), now), Some(retry_at));
        assert_eq!(v.scheduler.queue, ["a", "c"], "sent again first");
        // An answer to a count no longer wanted still says the server is
        // limiting: the gate closes all the same.
        assert_eq!(v.on_count("gone".into(), 9, limited(), now), Some(retry_at));
        let ok = Ok(ViewCount {
            total: 7,
            new: None,
        });
        assert_eq!(v.on_count("b".into(), 2, ok, now), None);
        assert_eq!(v.entries[1].count.total, Some(7));
        assert!(v.scheduler.in_flight.is_empty());
    }
}
