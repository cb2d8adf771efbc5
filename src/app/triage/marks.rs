//! Marked tickets: ids, not row positions, so marks survive paging, sorting
//! and filter changes. Each mark keeps the row as last seen, which is what
//! a bulk change shows in its report and what undo sends back.

use std::collections::HashMap;

use uuid::Uuid;

use crate::api::types::Ticket;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marks {
    /// In the order they were marked (a bulk run follows it).
    order: Vec<Uuid>,
    rows: HashMap<Uuid, Ticket>,
    /// The last ticket marked by hand: where `V` starts its range.
    anchor: Option<Uuid>,
}

impl Marks {
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    pub fn contains(&self, id: Uuid) -> bool {
        self.rows.contains_key(&id)
    }

    pub fn anchor(&self) -> Option<Uuid> {
        self.anchor
    }

    /// Marks or unmarks one ticket; returns true when it is now marked.
    pub fn toggle(&mut self, ticket: &Ticket) -> bool {
        if self.rows.remove(&ticket.id).is_some() {
            self.order.retain(|id| *id != ticket.id);
            if self.anchor == Some(ticket.id) {
                self.anchor = None;
            }
            false
        } else {
            self.insert(ticket);
            self.anchor = Some(ticket.id);
            true
        }
    }

    /// Unmarks a ticket; returns true when it was marked.
    pub fn remove(&mut self, id: Uuid) -> bool {
        if self.rows.remove(&id).is_none() {
            return false;
        }
        self.order.retain(|i| *i != id);
        if self.anchor == Some(id) {
            self.anchor = None;
        }
        true
    }

    /// Marks a ticket (no-op when marked already, but the row is refreshed).
    pub fn insert(&mut self, ticket: &Ticket) {
        if self.rows.insert(ticket.id, ticket.clone()).is_none() {
            self.order.push(ticket.id);
        }
    }

    /// Marks every row between the anchor and `to` (both included) on the
    /// page `rows`; without an anchor on this page, just `to`. Returns how
    /// many marks were added.
    pub fn range(&mut self, rows: &[Ticket], to: usize) -> usize {
        let Some(end) = rows.get(to) else {
            return 0;
        };
        let start = self
            .anchor
            .and_then(|a| rows.iter().position(|t| t.id == a))
            .unwrap_or(to);
        let (lo, hi) = (start.min(to), start.max(to));
        let before = self.len();
        for t in &rows[lo..=hi] {
            self.insert(t);
        }
        self.anchor = Some(end.id);
        self.len() - before
    }

    /// Marks every ticket of `rows`; returns how many were new.
    pub fn all(&mut self, rows: &[Ticket]) -> usize {
        let before = self.len();
        for t in rows {
            self.insert(t);
        }
        self.len() - before
    }

    pub fn clear(&mut self) -> usize {
        let n = self.len();
        *self = Marks::default();
        n
    }

    /// Keeps the stored row fresh when a newer copy is seen.
    pub fn refresh(&mut self, ticket: &Ticket) {
        if let Some(row) = self.rows.get_mut(&ticket.id) {
            *row = ticket.clone();
        }
    }

    /// The marked rows, in marking order: the snapshot a bulk change runs on.
    pub fn snapshot(&self) -> Vec<Ticket> {
        self.order
            .iter()
            .filter_map(|id| self.rows.get(id).cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::fixtures::ticket as t;

    #[test]
    fn toggle_range_all_clear() {
        let page: Vec<Ticket> = (1..=6).map(t).collect();
        let mut m = Marks::default();
        assert!(m.toggle(&page[1]));
        assert_eq!(m.range(&page, 4), 3, "2..=5 with 2 already marked");
        assert_eq!(m.len(), 4);
        assert_eq!(m.anchor(), Some(page[4].id));
        // Backwards from the new anchor.
        assert_eq!(m.range(&page, 0), 1);
        assert!(!m.toggle(&page[2]));
        assert!(!m.contains(page[2].id));
        assert_eq!(m.all(&page), 2);
        let order: Vec<i64> = m.snapshot().iter().map(|t| t.ticket_number).collect();
        assert_eq!(order, vec![2, 4, 5, 1, 3, 6]);
        assert_eq!(m.clear(), 6);
        assert!(m.is_empty());
    }

    #[test]
    fn range_without_anchor_on_the_page_marks_one() {
        let page: Vec<Ticket> = (1..=3).map(t).collect();
        let other: Vec<Ticket> = (10..=12).map(t).collect();
        let mut m = Marks::default();
        m.toggle(&other[0]);
        assert_eq!(m.range(&page, 2), 1);
        assert!(m.contains(page[2].id));
        assert!(!m.contains(page[1].id));
    }
}
