//! Derived structures that make a filtered page cheap at 100 000 tickets:
//! an inverted index from each term to the tickets containing it, the three
//! sort orders precomputed, and the status category / priority rank of each
//! ticket as small columns. Token sequences are not kept (at 100 000
//! tickets they were the largest structure of all): a phrase is checked by
//! re-reading the texts of the few tickets that have all its words. Rebuilt whole after a test edits the dataset;
//! a PATCH only refreshes the columns and the orders.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::data::{Dataset, ServerTicket};
use super::search::{Atom, Literal, SEGMENT_BREAK, STOP, SearchQuery, TermId, Vocabulary, words};
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

/// The ticket positions containing one term. A rare term keeps them as an
/// ascending list; a term in more than one ticket in 32 as a bitmap over
/// all positions, which is then the smaller (common words are in most
/// tickets: as lists they were the bulk of the index).
enum Posting {
    Sparse(Vec<u32>),
    Dense { bits: Vec<u64>, count: usize },
}

static NO_TICKETS: Posting = Posting::Sparse(Vec::new());

impl Posting {
    fn len(&self) -> usize {
        match self {
            Posting::Sparse(list) => list.len(),
            Posting::Dense { count, .. } => *count,
        }
    }

    fn contains(&self, pos: u32) -> bool {
        match self {
            Posting::Sparse(list) => list.binary_search(&pos).is_ok(),
            Posting::Dense { bits, .. } => bits
                .get(pos as usize / 64)
                .is_some_and(|word| word & (1 << (pos % 64)) != 0),
        }
    }

    /// Adds a position greater than every one so far; turns dense once the
    /// list would outgrow the bitmap over `tickets` positions.
    fn push(&mut self, pos: u32, tickets: usize) {
        match self {
            Posting::Sparse(list) if (list.len() + 1) * 32 > tickets => {
                let mut bits = vec![0u64; tickets.div_ceil(64)];
                for &p in list.iter().chain([&pos]) {
                    bits[p as usize / 64] |= 1 << (p % 64);
                }
                *self = Posting::Dense {
                    bits,
                    count: list.len() + 1,
                };
            }
            Posting::Sparse(list) => list.push(pos),
            Posting::Dense { bits, count } => {
                bits[pos as usize / 64] |= 1 << (pos % 64);
                *count += 1;
            }
        }
    }

    /// Adds a position anywhere (a no-op when it is there already); a
    /// bitmap grows to cover a position past its end.
    fn insert(&mut self, pos: u32) {
        match self {
            Posting::Sparse(list) => {
                if let Err(at) = list.binary_search(&pos) {
                    list.insert(at, pos);
                }
            }
            Posting::Dense { bits, count } => {
                let word = pos as usize / 64;
                if word >= bits.len() {
                    bits.resize(word + 1, 0);
                }
                if bits[word] & (1 << (pos % 64)) == 0 {
                    bits[word] |= 1 << (pos % 64);
                    *count += 1;
                }
            }
        }
    }

    /// Every position, ascending.
    fn for_each(&self, mut f: impl FnMut(u32)) {
        match self {
            Posting::Sparse(list) => list.iter().copied().for_each(f),
            Posting::Dense { bits, .. } => {
                for (i, &word) in bits.iter().enumerate() {
                    let mut rest = word;
                    while rest != 0 {
                        f(i as u32 * 64 + rest.trailing_zeros());
                        rest &= rest - 1;
                    }
                }
            }
        }
    }

    fn shrink_to_fit(&mut self) {
        if let Posting::Sparse(list) = self {
            list.shrink_to_fit();
        }
    }
}

pub struct Index {
    pub vocab: Vocabulary,
    /// Tickets indexed (positions `0..len` of `Dataset::tickets`).
    len: usize,
    /// term → the ticket positions containing it.
    postings: Vec<Posting>,
    /// What filters read, one entry per ticket position.
    pub columns: Columns,
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
        let mut postings: Vec<Posting> = Vec::new();
        let mut tokens: Vec<TermId> = Vec::new();
        for (pos, t) in data.tickets.iter().enumerate() {
            tokens.clear();
            tokenize_ticket(&mut vocab, t, &mut tokens);
            tokens.retain(|&id| id != STOP && id != SEGMENT_BREAK);
            tokens.sort_unstable();
            tokens.dedup();
            if postings.len() < vocab.len() {
                postings.resize_with(vocab.len(), || Posting::Sparse(Vec::new()));
            }
            for &term in &tokens {
                postings[term as usize].push(pos as u32, data.tickets.len());
            }
        }
        // Growth by doubling leaves a posting list up to half empty.
        for posting in &mut postings {
            posting.shrink_to_fit();
        }
        let positions = data
            .tickets
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id, i as u32))
            .collect();
        let mut index = Index {
            vocab,
            len: data.tickets.len(),
            postings,
            columns: Columns::default(),
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

    /// After a ticket was pushed at the end of `data.tickets` (the server's
    /// live activity): indexes its words, its id and its columns and orders.
    pub fn ticket_appended(&mut self, data: &Dataset) {
        let Some(pos) = data.tickets.len().checked_sub(1) else {
            return;
        };
        if pos != self.len {
            // Not a single push: rebuild rather than guess what changed.
            *self = Index::build(data);
            return;
        }
        self.len += 1;
        self.positions.insert(data.tickets[pos].id, pos as u32);
        self.index_words(data, pos);
        self.refresh_columns(data);
    }

    /// After text was added to the ticket at `pos` (a new message) and its
    /// fields may have changed: its new words become findable. Words it no
    /// longer has would stay indexed, so this is only for text that grew.
    pub fn ticket_text_grew(&mut self, data: &Dataset, pos: usize) {
        if pos >= self.len {
            return;
        }
        self.index_words(data, pos);
        self.ticket_changed(data, pos);
    }

    fn index_words(&mut self, data: &Dataset, pos: usize) {
        let Some(t) = data.tickets.get(pos) else {
            return;
        };
        let mut tokens = Vec::new();
        tokenize_ticket(&mut self.vocab, t, &mut tokens);
        tokens.retain(|&id| id != STOP && id != SEGMENT_BREAK);
        if self.postings.len() < self.vocab.len() {
            self.postings
                .resize_with(self.vocab.len(), || Posting::Sparse(Vec::new()));
        }
        for term in tokens {
            self.postings[term as usize].insert(pos as u32);
        }
    }

    /// The token sequence of a ticket as indexed, read again from its texts
    /// (see [`tokenize_ticket`]): what a scan of every ticket would match.
    pub fn tokens_of(&self, t: &ServerTicket) -> Vec<TermId> {
        let mut out = Vec::new();
        for (i, text) in ticket_texts(t).enumerate() {
            if i > 0 {
                out.push(SEGMENT_BREAK);
            }
            out.extend(words(&text).map(|w| self.vocab.indexed_id(&w)));
        }
        out
    }

    /// Whether one of the ticket's texts has the phrase (a phrase stays
    /// within one text). Texts are read in order and the first that has it
    /// ends the search: the conversation, which a generated ticket has to
    /// write out, is read only when the subject and body do not have it.
    fn phrase_in(&self, phrase: &Atom, t: &ServerTicket) -> bool {
        let mut tokens = Vec::new();
        let mut has_it = |text: &str| {
            tokens.clear();
            tokens.extend(words(text).map(|w| self.vocab.indexed_id(&w)));
            phrase.present_in(&tokens)
        };
        has_it(&t.subject) || has_it(&t.body) || t.messages.bodies().iter().any(|b| has_it(b))
    }

    fn contains(&self, term: TermId, pos: u32) -> bool {
        self.posting(term).contains(pos)
    }

    fn posting(&self, term: TermId) -> &Posting {
        self.postings.get(term as usize).unwrap_or(&NO_TICKETS)
    }

    /// One literal at one ticket: terms through their postings, phrases by
    /// their words' postings first and the ticket's texts only when it has
    /// every one of them.
    fn holds_at(&self, lit: &Literal, pos: u32, data: &Dataset) -> bool {
        let present = match &lit.atom {
            Atom::Term(Some(id)) => self.contains(*id, pos),
            Atom::Term(None) | Atom::Absent => false,
            Atom::Phrase(slots) => {
                slots.iter().flatten().all(|&id| self.contains(id, pos))
                    && data
                        .tickets
                        .get(pos as usize)
                        .is_some_and(|t| self.phrase_in(&lit.atom, t))
            }
        };
        present != lit.negated
    }

    /// The tickets matching `query`, as a membership bitmap over positions.
    /// Each OR clause starts from the intersection of its positive terms'
    /// postings (or every ticket when it has none) and verifies the rest
    /// against the candidate's token sequence.
    pub fn search(&self, query: &SearchQuery, data: &Dataset) -> Vec<bool> {
        let n = self.len;
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
            let mut lists: Vec<&Posting> = required
                .iter()
                .flatten()
                .map(|&t| self.posting(t))
                .collect();
            lists.sort_by_key(|l| l.len());
            let needs_verify = clause
                .iter()
                .any(|l| l.negated || matches!(l.atom, Atom::Phrase(_)));
            let (first, rest): (Option<&Posting>, &[&Posting]) = match lists.split_first() {
                Some((f, r)) => (Some(*f), r),
                None => (None, &[]),
            };
            let mut check = |pos: u32| {
                let p = pos as usize;
                if hit[p] {
                    return;
                }
                if rest.iter().all(|l| l.contains(pos))
                    && (!needs_verify || clause.iter().all(|l| self.holds_at(l, pos, data)))
                {
                    hit[p] = true;
                }
            };
            match first {
                Some(shortest) => shortest.for_each(&mut check),
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

/// Subject, body and every message body as one document, with a break
/// between texts so that phrases stay inside one text.
pub fn tokenize_ticket(vocab: &mut Vocabulary, t: &ServerTicket, out: &mut Vec<TermId>) {
    for (i, text) in ticket_texts(t).enumerate() {
        if i > 0 {
            out.push(SEGMENT_BREAK);
        }
        vocab.tokenize_into(&text, out);
    }
}

/// What search reads of a ticket, in order: subject, body, message bodies.
fn ticket_texts(t: &ServerTicket) -> impl Iterator<Item = Cow<'_, str>> {
    [
        Cow::Borrowed(t.subject.as_str()),
        Cow::Borrowed(t.body.as_str()),
    ]
    .into_iter()
    .chain(t.messages.bodies())
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
            let hits = index.search(&parsed, &data);
            for (pos, hit) in hits.iter().enumerate() {
                let tokens = index.tokens_of(&data.tickets[pos]);
                assert_eq!(*hit, parsed.matches(&tokens), "{q} at {pos}");
            }
        }
    }

    #[test]
    fn a_phrase_is_found_within_one_text_only() {
        use crate::api::types::AuthorType;
        use crate::server::data::ServerMessage;
        let now = DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap();
        let mut data = generate(3, 2, now);
        let message = |body: &str| ServerMessage {
            id: Uuid::nil(),
            author_name: None,
            author_type: AuthorType::Agent,
            body: body.to_string(),
            created_at: now,
        };
        let texts: [(&str, &str, &[&str]); 3] = [
            ("Zork cannot", "log in", &["we cannot", "log it"]),
            ("Zork", "", &["first", "second", "it cannot log today"]),
            ("Zork cannot log", "", &[]),
        ];
        for (t, (subject, body, messages)) in data.tickets.iter_mut().zip(texts) {
            t.subject = subject.to_string();
            t.body = body.to_string();
            t.messages = messages.iter().map(|m| message(m)).collect();
        }
        let index = Index::build(&data);
        let hits = index.search(&SearchQuery::parse("\"cannot log\"", &index.vocab), &data);
        assert_eq!(hits, [false, true, true]);
    }

    #[test]
    fn a_posting_answers_the_same_sparse_or_dense() {
        let tickets = 1000;
        let positions: Vec<u32> = (0..tickets as u32).filter(|p| p % 7 == 3).collect();
        let mut posting = Posting::Sparse(Vec::new());
        for &p in &positions {
            posting.push(p, tickets);
        }
        assert!(
            matches!(posting, Posting::Dense { .. }),
            "143 of 1000 is dense"
        );
        assert_eq!(posting.len(), positions.len());
        let mut seen = Vec::new();
        posting.for_each(|p| seen.push(p));
        assert_eq!(seen, positions);
        assert!((0..tickets as u32 + 70).all(|p| posting.contains(p) == (p % 7 == 3 && p < 1000)));
        let mut rare = Posting::Sparse(Vec::new());
        rare.push(5, tickets);
        assert!(matches!(rare, Posting::Sparse(_)) && rare.contains(5) && !rare.contains(6));
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
