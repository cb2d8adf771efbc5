//! Derived structures that make a filtered page cheap at 100 000 tickets:
//! one token sequence per ticket with an inverted index over it, the three
//! sort orders precomputed, and the status category / priority rank of each
//! ticket as small columns. Rebuilt whole after a test edits the dataset;
//! a PATCH only refreshes the columns and the orders.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::data::{Dataset, FieldValue, ServerTicket};
use super::search::{Atom, Literal, SEGMENT_BREAK, STOP, SearchQuery, TermId, Vocabulary};
use crate::api::types::StatusCategory;

/// Bit of a status category in [`Columns::category_bits`]; 0 for a category
/// the server does not know, so no filter can select it by accident.
pub fn category_bit(c: &StatusCategory) -> u8 {
    match c {
        StatusCategory::Open => 1,
        StatusCategory::InProgress => 2,
        StatusCategory::Waiting => 4,
        StatusCategory::Resolved => 8,
        StatusCategory::Closed => 16,
        StatusCategory::Other(_) => 0,
    }
}

/// Per-ticket values that filters read, kept contiguous so that a filter
/// walking 100 000 tickets does not chase a pointer per ticket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Columns {
    pub category_bits: Vec<u8>,
    pub priority_rank: Vec<u8>,
    pub inbox: Vec<Uuid>,
    pub assignee: Vec<Option<Uuid>>,
    pub created: Vec<DateTime<Utc>>,
    pub updated: Vec<DateTime<Utc>>,
}

impl Columns {
    pub fn len(&self) -> usize {
        self.category_bits.len()
    }

    pub fn is_empty(&self) -> bool {
        self.category_bits.is_empty()
    }
}

pub struct Index {
    pub vocab: Vocabulary,
    /// Tokens of ticket `i` are `tokens[offsets[i]..offsets[i + 1]]`.
    tokens: Vec<TermId>,
    offsets: Vec<usize>,
    /// term → ascending ticket positions containing it.
    postings: Vec<Vec<u32>>,
    /// What filters read, one entry per ticket position.
    pub columns: Columns,
    /// `field_key` → each ticket's stored value. PATCH cannot change these.
    pub custom: HashMap<String, Vec<Option<FieldValue>>>,
    /// Ticket positions in ascending order of (key, ticket_number).
    pub by_created: Vec<u32>,
    pub by_updated: Vec<u32>,
    pub by_priority: Vec<u32>,
    /// Ticket id → position in `Dataset::tickets`.
    pub positions: HashMap<Uuid, u32>,
}

impl Index {
    pub fn build(data: &Dataset) -> Index {
        let mut vocab = Vocabulary::new();
        let mut tokens = Vec::with_capacity(data.tickets.len() * 64);
        let mut offsets = Vec::with_capacity(data.tickets.len() + 1);
        let mut postings: Vec<Vec<u32>> = Vec::new();
        let mut distinct: Vec<TermId> = Vec::new();
        for (pos, t) in data.tickets.iter().enumerate() {
            let start = tokens.len();
            offsets.push(start);
            tokenize_ticket(&mut vocab, t, &mut tokens);
            distinct.clear();
            distinct.extend(
                tokens[start..]
                    .iter()
                    .copied()
                    .filter(|&id| id != STOP && id != SEGMENT_BREAK),
            );
            distinct.sort_unstable();
            distinct.dedup();
            if postings.len() < vocab.len() {
                postings.resize_with(vocab.len(), Vec::new);
            }
            for &term in &distinct {
                postings[term as usize].push(pos as u32);
            }
        }
        offsets.push(tokens.len());
        let positions = data
            .tickets
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id, i as u32))
            .collect();
        let mut index = Index {
            vocab,
            tokens,
            offsets,
            postings,
            columns: Columns::default(),
            custom: custom_columns(data),
            by_created: Vec::new(),
            by_updated: Vec::new(),
            by_priority: Vec::new(),
            positions,
        };
        index.refresh_columns(data);
        index
    }

    /// Recomputes the columns and the sort orders from the records.
    pub fn refresh_columns(&mut self, data: &Dataset) {
        let status_bits: HashMap<Uuid, u8> = data
            .statuses
            .iter()
            .map(|s| (s.id, category_bit(&s.category)))
            .collect();
        let ranks: HashMap<Uuid, u8> = data
            .priorities
            .iter()
            .map(|p| (p.id, p.level.rank()))
            .collect();
        let tickets = &data.tickets;
        let columns = Columns {
            category_bits: tickets
                .iter()
                .map(|t| status_bits.get(&t.status_id).copied().unwrap_or(0))
                .collect(),
            priority_rank: tickets
                .iter()
                .map(|t| ranks.get(&t.priority_id).copied().unwrap_or(0))
                .collect(),
            inbox: tickets.iter().map(|t| t.inbox_id).collect(),
            assignee: tickets.iter().map(|t| t.assignee_id).collect(),
            created: tickets.iter().map(|t| t.created_at).collect(),
            updated: tickets.iter().map(|t| t.updated_at).collect(),
        };
        let number: Vec<i64> = tickets.iter().map(|t| t.ticket_number).collect();
        let all: Vec<u32> = (0..tickets.len() as u32).collect();
        let sorted_by = |key: &dyn Fn(usize) -> (i64, i64)| {
            let mut order = all.clone();
            order.sort_unstable_by_key(|&i| key(i as usize));
            order
        };
        let by_created = sorted_by(&|i| (columns.created[i].timestamp_micros(), number[i]));
        let by_updated = sorted_by(&|i| (columns.updated[i].timestamp_micros(), number[i]));
        let by_priority = sorted_by(&|i| (i64::from(columns.priority_rank[i]), number[i]));
        self.columns = columns;
        self.by_created = by_created;
        self.by_updated = by_updated;
        self.by_priority = by_priority;
    }

    /// After a PATCH of the ticket at `pos`: updates its column entries and
    /// moves it within the orders whose key can change (O(n) moves, no sort).
    pub fn ticket_changed(&mut self, data: &Dataset, pos: usize) {
        let Some(t) = data.tickets.get(pos) else {
            return;
        };
        if pos >= self.columns.len() {
            return;
        }
        let c = &mut self.columns;
        c.category_bits[pos] = data
            .status(t.status_id)
            .map_or(0, |s| category_bit(&s.category));
        c.priority_rank[pos] = data.priority(t.priority_id).map_or(0, |p| p.level.rank());
        c.inbox[pos] = t.inbox_id;
        c.assignee[pos] = t.assignee_id;
        c.created[pos] = t.created_at;
        c.updated[pos] = t.updated_at;
        let number = |i: usize| data.tickets.get(i).map_or(0, |t| t.ticket_number);
        let c = &self.columns;
        reposition(&mut self.by_created, pos, |i| {
            (c.created[i].timestamp_micros(), number(i))
        });
        reposition(&mut self.by_updated, pos, |i| {
            (c.updated[i].timestamp_micros(), number(i))
        });
        reposition(&mut self.by_priority, pos, |i| {
            (i64::from(c.priority_rank[i]), number(i))
        });
    }

    pub fn tokens_of(&self, pos: usize) -> &[TermId] {
        match (self.offsets.get(pos), self.offsets.get(pos + 1)) {
            (Some(&a), Some(&b)) => &self.tokens[a..b],
            _ => &[],
        }
    }

    fn posting(&self, term: TermId) -> &[u32] {
        self.postings
            .get(term as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// One literal at one ticket: terms through their postings, phrases by
    /// scanning the ticket's tokens.
    fn holds_at(&self, lit: &Literal, pos: u32) -> bool {
        match &lit.atom {
            Atom::Term(Some(id)) => self.posting(*id).binary_search(&pos).is_ok() != lit.negated,
            Atom::Term(None) | Atom::Absent => lit.negated,
            Atom::Phrase(_) => lit.holds_in(self.tokens_of(pos as usize)),
        }
    }

    /// The tickets matching `query`, as a membership bitmap over positions.
    /// Each OR clause starts from the intersection of its positive terms'
    /// postings (or every ticket when it has none) and verifies the rest
    /// against the candidate's token sequence.
    pub fn search(&self, query: &SearchQuery) -> Vec<bool> {
        let n = self.offsets.len().saturating_sub(1);
        let mut hit = vec![false; n];
        for clause in &query.clauses {
            let mut required: Vec<Option<TermId>> = clause
                .iter()
                .filter(|l| !l.negated)
                .flat_map(|l| l.atom.required_terms())
                .collect();
            if required.iter().any(Option::is_none) {
                continue; // a positive literal that no document has
            }
            required.sort_unstable();
            required.dedup();
            let mut lists: Vec<&[u32]> = required
                .iter()
                .flatten()
                .map(|&t| self.posting(t))
                .collect();
            lists.sort_by_key(|l| l.len());
            let needs_verify = clause
                .iter()
                .any(|l| l.negated || matches!(l.atom, Atom::Phrase(_)));
            let (first, rest): (Option<&[u32]>, &[&[u32]]) = match lists.split_first() {
                Some((f, r)) => (Some(*f), r),
                None => (None, &[]),
            };
            let mut check = |pos: u32| {
                let p = pos as usize;
                if hit[p] {
                    return;
                }
                if rest.iter().all(|l| l.binary_search(&pos).is_ok())
                    && (!needs_verify || clause.iter().all(|l| self.holds_at(l, pos)))
                {
                    hit[p] = true;
                }
            };
            match first {
                Some(shortest) => {
                    for &pos in shortest {
                        check(pos);
                    }
                }
                None => {
                    for pos in 0..n as u32 {
                        check(pos);
                    }
                }
            }
        }
        hit
    }
}

/// Moves `pos` to its place in an order sorted by `key`, the rest being
/// sorted already.
fn reposition(order: &mut Vec<u32>, pos: usize, key: impl Fn(usize) -> (i64, i64)) {
    if let Some(at) = order.iter().position(|&p| p as usize == pos) {
        order.remove(at);
    }
    let k = key(pos);
    let at = order.partition_point(|&p| key(p as usize) < k);
    order.insert(at, pos as u32);
}

fn custom_columns(data: &Dataset) -> HashMap<String, Vec<Option<FieldValue>>> {
    data.fields
        .iter()
        .map(|f| {
            let column = data
                .tickets
                .iter()
                .map(|t| t.custom_fields.get(&f.field_key).cloned())
                .collect();
            (f.field_key.clone(), column)
        })
        .collect()
}

/// Subject, body and every message body as one document, with a break
/// between texts so that phrases stay inside one text.
pub fn tokenize_ticket(vocab: &mut Vocabulary, t: &ServerTicket, out: &mut Vec<TermId>) {
    vocab.tokenize_into(&t.subject, out);
    out.push(SEGMENT_BREAK);
    vocab.tokenize_into(&t.body, out);
    for m in &t.messages {
        out.push(SEGMENT_BREAK);
        vocab.tokenize_into(&m.body, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::generate::generate;
    use chrono::Duration;

    #[test]
    fn indexed_search_agrees_with_scanning_every_ticket() {
        let now = DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap();
        let data = generate(400, 9, now);
        let index = Index::build(&data);
        for q in [
            "refund",
            "refund invoice",
            "refund -invoice",
            "-refund",
            "\"cannot log\" or invoice -spam",
            "\"the refund\" or crashes",
            "screenshot or -error",
            "zyzzyva or -zyzzyva",
            "the",
            "",
        ] {
            let parsed = SearchQuery::parse(q, &index.vocab);
            let hits = index.search(&parsed);
            for (pos, hit) in hits.iter().enumerate() {
                assert_eq!(*hit, parsed.matches(index.tokens_of(pos)), "{q} at {pos}");
            }
        }
    }

    #[test]
    fn a_patched_ticket_lands_where_a_rebuild_puts_it() {
        let now = DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap();
        let mut data = generate(200, 5, now);
        let mut index = Index::build(&data);
        for (pos, hours) in [(17usize, 1i64), (150, -2000), (0, 5), (199, -1)] {
            let urgent = data.priorities[3].id;
            let closed = data.statuses[7].id;
            let t = &mut data.tickets[pos];
            t.updated_at = now + Duration::hours(hours);
            t.priority_id = urgent;
            t.status_id = closed;
            t.assignee_id = None;
            index.ticket_changed(&data, pos);
            let fresh = Index::build(&data);
            assert_eq!(index.columns, fresh.columns);
            assert_eq!(index.by_created, fresh.by_created);
            assert_eq!(index.by_updated, fresh.by_updated);
            assert_eq!(index.by_priority, fresh.by_priority);
        }
    }
}
