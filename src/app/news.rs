//! What is new in the open list: rows created or changed since the agent
//! last looked, compared with what the list held before a refresh (a poll
//! or `r`) of the same query. A marked row shows a dot and a bold number
//! until the cursor lands on it or its detail opens; `Tab` jumps to the
//! next one; the header counts them, the terminal title says so, and a
//! poll that brings new ones may ring (see [`notification`]).
//!
//! Marks are kept by ticket id, so they survive refreshes and page moves of
//! the same query; a new query (filter, sort, view) starts with none. The
//! agent's own writes are never news: each answered write's `updated_at`
//! is remembered, and a row that comes back with exactly it is not marked.
//!
//! Memory is bounded for a day of polling a busy queue: past
//! [`MAX_REMEMBERED`] tickets, those shown longest ago are forgotten (with
//! their marks); such a ticket coming back later is taken for new.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::api::types::Ticket;
use crate::filter::TicketFilter;

/// `notify` of a view (or `[ui] notify`): how a poll that brings new
/// tickets is told.
pub use crate::config::Notify;

/// Subjects in a desktop notification are cut to this many cells.
pub const NOTIFY_SUBJECT_CELLS: usize = 60;
/// The terminal title while nothing is new.
pub const TITLE: &str = "triage";
/// Tickets whose last shown `updated_at` is remembered per query, at most.
pub const MAX_REMEMBERED: usize = 1000;

/// The query marks belong to: the filter with sort and order spelled out,
/// and the page size (`ListState::query_key`).
pub type QueryKey = (TicketFilter, u64);

/// What is new, for the one query it was counted in. Its callers hand in
/// the list's query (and rows, where needed): it reads nothing else.
#[derive(Debug, Clone, Default)]
pub struct News {
    query: Option<QueryKey>,
    /// Each ticket's `updated_at` as last shown in this query, and when
    /// (`shown`'s count then: the oldest are forgotten first).
    seen: HashMap<Uuid, (Option<DateTime<Utc>>, u64)>,
    shown: u64,
    /// Read by `update`, which leaves the title and the row under the
    /// cursor alone while there are none; changed only here.
    pub(super) marked: HashSet<Uuid>,
    /// `updated_at` of the agent's own answered writes, by ticket.
    own: HashMap<Uuid, Option<DateTime<Utc>>>,
    /// The title we last wrote; `None` until news first appeared (the
    /// terminal's own title is left alone until there is something to say).
    pub title_shown: Option<String>,
}

/// How a poll that gained new tickets is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notification {
    Bell,
    /// OSC 777 / OSC 9: text already safe inside the sequence.
    Desktop {
        title: String,
        body: String,
    },
}

impl News {
    fn is_current(&self, query: &QueryKey) -> bool {
        self.query.as_ref() == Some(query)
    }

    /// Rows marked new in the list of `query`.
    pub fn count(&self, query: &QueryKey) -> usize {
        if self.is_current(query) {
            self.marked.len()
        } else {
            0
        }
    }

    pub fn is_new(&self, query: &QueryKey, id: Uuid) -> bool {
        self.is_current(query) && self.marked.contains(&id)
    }

    /// The agent saw this row (the cursor landed on it, its detail opened).
    pub fn seen(&mut self, id: Uuid) {
        self.marked.remove(&id);
    }

    /// An answered write of ours: the row as it now is is not news.
    pub fn own_write(&mut self, ticket: &Ticket) {
        self.own.insert(ticket.id, ticket.updated_at);
        if let Some((at, _)) = self.seen.get_mut(&ticket.id) {
            *at = ticket.updated_at;
        }
        if self.own.len() > MAX_REMEMBERED {
            let seen = &self.seen;
            self.own.retain(|id, _| seen.contains_key(id));
        }
    }

    /// The collections' sizes (seen, marked, own): for the soak test.
    pub fn footprint(&self) -> (usize, usize, usize) {
        (self.seen.len(), self.marked.len(), self.own.len())
    }

    /// Forgets the tickets shown longest ago, down to three quarters of the
    /// bound (so this runs once in a while, not on every page), and their
    /// marks and own writes.
    fn forget_oldest(&mut self) {
        if self.seen.len() <= MAX_REMEMBERED {
            return;
        }
        let mut ages: Vec<u64> = self.seen.values().map(|(_, n)| *n).collect();
        let keep = MAX_REMEMBERED * 3 / 4;
        let cut = ages.len() - keep;
        let (_, oldest_kept, _) = ages.select_nth_unstable(cut);
        let oldest_kept = *oldest_kept;
        self.seen.retain(|_, (_, n)| *n >= oldest_kept);
        let seen = &self.seen;
        self.marked.retain(|id| seen.contains_key(id));
        self.own.retain(|id, _| seen.contains_key(id));
    }

    /// A page of `query` is on screen. After a refresh, rows that were not
    /// there before or whose `updated_at` moved forward are marked; on any
    /// page, a row seen before that changed since is marked. Returns the
    /// rows newly marked (for the notification). A new query starts over
    /// and marks nothing.
    pub fn on_shown(
        &mut self,
        query: QueryKey,
        tickets: &[Ticket],
        refreshed: bool,
    ) -> Vec<Ticket> {
        if self.query.as_ref() != Some(&query) {
            self.query = Some(query);
            self.marked.clear();
            self.shown += 1;
            let shown = self.shown;
            self.seen = tickets
                .iter()
                .map(|t| (t.id, (t.updated_at, shown)))
                .collect();
            return Vec::new();
        }
        self.shown += 1;
        let shown = self.shown;
        let mut gained = Vec::new();
        for t in tickets {
            let changed = match self.seen.get(&t.id) {
                None => refreshed,
                Some((before, _)) => t.updated_at > *before,
            };
            let ours = self.own.get(&t.id).is_some_and(|at| *at == t.updated_at);
            self.seen.insert(t.id, (t.updated_at, shown));
            if changed && !ours && self.marked.insert(t.id) {
                gained.push(t.clone());
            }
        }
        self.forget_oldest();
        gained
    }

    /// `Tab`: the row of the next new ticket after `selected` among `rows`
    /// (the page on screen), wrapping around; `None` when it has none.
    pub fn next_row(&self, query: &QueryKey, rows: &[Ticket], selected: usize) -> Option<usize> {
        let len = rows.len();
        (1..=len)
            .map(|step| (selected + step) % len)
            .find(|row| self.is_new(query, rows[*row].id))
    }

    /// The title to write now, when it changed (never before the first
    /// news: until then the terminal keeps its own).
    pub fn title_to_write(&mut self, query: &QueryKey) -> Option<String> {
        let n = self.count(query);
        let wanted = title(n);
        let shown = &mut self.title_shown;
        if shown.as_deref() == Some(wanted.as_str()) || (shown.is_none() && n == 0) {
            return None;
        }
        *shown = Some(wanted.clone());
        Some(wanted)
    }
}

/// What a poll that newly marked `gained` should make the terminal do.
/// Nothing when nothing was gained or notifying is off.
pub fn notification(mode: Notify, gained: &[Ticket]) -> Option<Notification> {
    let newest = gained.iter().max_by_key(|t| t.updated_at)?;
    match mode {
        Notify::Off => None,
        Notify::Bell => Some(Notification::Bell),
        Notify::Desktop => {
            let subject = crate::text::cells::fit(&osc_safe(&newest.subject), NOTIFY_SUBJECT_CELLS)
                .into_owned();
            let body = match gained.len() {
                1 => format!("1 new ticket: {subject}"),
                n => format!("{n} new tickets: {subject}"),
            };
            Some(Notification::Desktop {
                title: TITLE.to_string(),
                body,
            })
        }
    }
}

/// Text that cannot end or split an OSC sequence: sanitized for the
/// screen, then without `;` (the field separator) and without any control
/// character left.
pub fn osc_safe(text: &str) -> String {
    crate::text::sanitize(text)
        .chars()
        .filter(|c| *c != ';' && !c.is_control())
        .collect()
}

/// The terminal title for `count` new rows.
pub fn title(count: usize) -> String {
    if count == 0 {
        TITLE.to_string()
    } else {
        format!("{TITLE} ({count} new)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(subject: &str, minute: u32) -> Ticket {
        let updated = format!("2026-01-01T10:{minute:02}:00Z");
        Ticket {
            ticket_number: 7,
            subject: subject.into(),
            updated_at: Some(updated.parse().expect("a time")),
            ..crate::fixtures::ticket(u128::from(minute))
        }
    }

    #[test]
    fn nothing_gained_or_off_tells_nothing() {
        assert_eq!(notification(Notify::Bell, &[]), None);
        assert_eq!(notification(Notify::Off, &[ticket("a", 1)]), None);
    }

    #[test]
    fn bell_rings() {
        assert_eq!(
            notification(Notify::Bell, &[ticket("a", 1)]),
            Some(Notification::Bell)
        );
    }

    #[test]
    fn desktop_says_the_count_and_the_newest_subject_cut_and_safe() {
        let long = format!("Refund;\x1b]0;pwned\x07 {}", "é".repeat(80));
        let gained = [ticket("older", 1), ticket(&long, 5), ticket("mid", 3)];
        let Some(Notification::Desktop { title, body }) = notification(Notify::Desktop, &gained)
        else {
            panic!("a desktop notification");
        };
        assert_eq!(title, "triage");
        assert!(body.starts_with("3 new tickets: Refund"), "{body}");
        assert!(
            !body.contains(';') && !body.chars().any(char::is_control),
            "{body:?}"
        );
        let subject = body.trim_start_matches("3 new tickets: ");
        assert_eq!(crate::text::cells::width(subject), NOTIFY_SUBJECT_CELLS);
        assert!(subject.ends_with('…'));
    }

    #[test]
    fn the_title_counts_what_is_new() {
        assert_eq!(title(0), "triage");
        assert_eq!(title(3), "triage (3 new)");
    }
}
