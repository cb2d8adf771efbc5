//! Recently seen pages, so going back is instant. Keyed by the whole filter
//! (sort and order included), the page size and the page number; bounded,
//! least recently used out first.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::api::types::{PageMeta, Ticket};
use crate::filter::TicketFilter;

#[derive(Debug, Clone, PartialEq)]
pub struct PageKey {
    pub filter: TicketFilter,
    pub per_page: u64,
    pub page: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CachedPage {
    pub tickets: Arc<Vec<Ticket>>,
    pub meta: PageMeta,
}

/// A small LRU. Linear scans are fine: capacity is a few dozen pages, and
/// `TicketFilter` has no `Hash`.
#[derive(Debug, Clone)]
pub struct PageCache {
    entries: VecDeque<(PageKey, CachedPage)>,
    capacity: usize,
}

impl PageCache {
    pub fn new(capacity: usize) -> PageCache {
        PageCache {
            entries: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    /// Looks a page up and marks it most recently used.
    pub fn get(&mut self, key: &PageKey) -> Option<CachedPage> {
        let pos = self.entries.iter().position(|(k, _)| k == key)?;
        let entry = self.entries.remove(pos)?;
        let page = entry.1.clone();
        self.entries.push_front(entry);
        Some(page)
    }

    /// Looks a page up without changing its recency.
    pub fn peek(&self, key: &PageKey) -> Option<&CachedPage> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, p)| p)
    }

    pub fn contains(&self, key: &PageKey) -> bool {
        self.entries.iter().any(|(k, _)| k == key)
    }

    pub fn insert(&mut self, key: PageKey, page: CachedPage) {
        self.entries.retain(|(k, _)| *k != key);
        self.entries.push_front((key, page));
        self.entries.truncate(self.capacity);
    }

    /// Puts a changed ticket into every cached page that shows it.
    pub fn replace_ticket(&mut self, ticket: &Ticket) {
        for (_, page) in self.entries.iter_mut() {
            if let Some(pos) = page.tickets.iter().position(|t| t.id == ticket.id) {
                Arc::make_mut(&mut page.tickets)[pos] = ticket.clone();
            }
        }
    }

    /// Drops every page of one query (a refresh replaces them).
    pub fn remove_query(&mut self, filter: &TicketFilter, per_page: u64) {
        self.entries
            .retain(|(k, _)| !(k.filter == *filter && k.per_page == per_page));
    }

    /// Keeps only the pages of one query. After a ticket changed, other
    /// queries' pages may hold it in the wrong place or not at all: going
    /// back to them must fetch them fresh.
    pub fn keep_only_query(&mut self, filter: &TicketFilter, per_page: u64) {
        self.entries
            .retain(|(k, _)| k.filter == *filter && k.per_page == per_page);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::SortField;

    fn key(page: u64) -> PageKey {
        PageKey {
            filter: TicketFilter::default(),
            per_page: 50,
            page,
        }
    }

    fn entry(total: u64) -> CachedPage {
        CachedPage {
            tickets: Arc::new(Vec::new()),
            meta: PageMeta {
                page: 1,
                per_page: 50,
                total,
            },
        }
    }

    #[test]
    fn least_recently_used_goes_first() {
        let mut c = PageCache::new(2);
        c.insert(key(1), entry(1));
        c.insert(key(2), entry(2));
        assert!(c.get(&key(1)).is_some()); // 1 is now the freshest
        c.insert(key(3), entry(3));
        assert!(c.contains(&key(1)));
        assert!(!c.contains(&key(2)));
        assert!(c.contains(&key(3)));
    }

    #[test]
    fn keep_only_query_drops_the_other_lists() {
        let mut c = PageCache::new(8);
        c.insert(key(1), entry(1));
        c.insert(key(2), entry(2));
        let mut other = key(1);
        other.filter.sort = Some(SortField::Priority);
        c.insert(other.clone(), entry(9));
        let mut smaller = key(1);
        smaller.per_page = 10;
        c.insert(smaller.clone(), entry(9));
        c.keep_only_query(&TicketFilter::default(), 50);
        assert!(c.contains(&key(1)) && c.contains(&key(2)));
        assert!(!c.contains(&other) && !c.contains(&smaller));
    }

    #[test]
    fn remove_query_keeps_other_sorts() {
        let mut c = PageCache::new(8);
        c.insert(key(1), entry(1));
        let mut other = key(1);
        other.filter.sort = Some(SortField::Priority);
        c.insert(other.clone(), entry(9));
        c.remove_query(&TicketFilter::default(), 50);
        assert!(!c.contains(&key(1)));
        assert!(c.contains(&other));
        assert_eq!(c.len(), 1);
    }
}
