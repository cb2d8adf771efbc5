//! Derived structures that make a filtered page cheap at 100 000 tickets:
//! one token sequence per ticket with an inverted index over it, the three
//! sort orders precomputed, and the status category / priority rank of each
//! ticket as small columns. Rebuilt whole after a test edits the dataset;
//! a PATCH only refreshes the columns and the orders.

use std::collections::HashMap;

use uuid::Uuid;

use super::data::{Dataset, ServerTicket};
use super::search::{Atom, SEGMENT_BREAK, STOP, SearchQuery, TermId, Vocabulary};
use crate::api::types::StatusCategory;

/// Bit of a status category in [`Index::category_bits`]; 0 for a category
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

pub struct Index {
    pub vocab: Vocabulary,
    /// Tokens of ticket `i` are `tokens[offsets[i]..offsets[i + 1]]`.
    tokens: Vec<TermId>,
    offsets: Vec<usize>,
    /// term → ascending ticket positions containing it.
    postings: Vec<Vec<u32>>,
    pub category_bits: Vec<u8>,
    pub priority_rank: Vec<u8>,
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
            category_bits: Vec::new(),
            priority_rank: Vec::new(),
            by_created: Vec::new(),
            by_updated: Vec::new(),
            by_priority: Vec::new(),
            positions,
        };
        index.refresh_columns(data);
        index
    }

    /// Recomputes what a PATCH can change: category and priority columns and
    /// the sort orders.
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
        self.category_bits = tickets
            .iter()
            .map(|t| status_bits.get(&t.status_id).copied().unwrap_or(0))
            .collect();
        self.priority_rank = tickets
            .iter()
            .map(|t| ranks.get(&t.priority_id).copied().unwrap_or(0))
            .collect();
        let all: Vec<u32> = (0..tickets.len() as u32).collect();
        let mut by_created = all.clone();
        by_created.sort_unstable_by_key(|&i| {
            let t = &tickets[i as usize];
            (t.created_at, t.ticket_number)
        });
        let mut by_updated = all.clone();
        by_updated.sort_unstable_by_key(|&i| {
            let t = &tickets[i as usize];
            (t.updated_at, t.ticket_number)
        });
        let mut by_priority = all;
        let rank = &self.priority_rank;
        by_priority
            .sort_unstable_by_key(|&i| (rank[i as usize], tickets[i as usize].ticket_number));
        self.by_created = by_created;
        self.by_updated = by_updated;
        self.by_priority = by_priority;
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
                    && (!needs_verify || clause.iter().all(|l| l.holds_in(self.tokens_of(p))))
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
