//! Full-text search as PostgreSQL's `english` configuration does it, close
//! enough for a faithful local server.
//!
//! - Tokenizing: maximal runs of alphanumeric characters (any script), lower-
//!   cased. Stop words (PostgreSQL's `english.stop`, in `assets/data`) keep
//!   their position but are never indexed; every other word is reduced with
//!   the Snowball English stemmer (the one PostgreSQL uses).
//! - Queries use `websearch_to_tsquery` syntax: words are ANDed, `"a quoted
//!   phrase"` means the words adjacent and in order (stop words inside keep
//!   their slot, as `<2>` would), `or` between two operands is OR (binding
//!   looser than AND), `-word` / `-"phrase"` excludes. Other punctuation
//!   separates words; `e-mail` inside a word is the phrase `e <-> mail`.
//! - A query with no searchable word at all (only stop words or punctuation)
//!   matches nothing, as `@@` does with an empty tsquery. An empty `query=`
//!   is no query at all (see `query.rs`).
//! - What is searched: a ticket's subject, body and every message body as
//!   one document (so `refund invoice` finds a ticket whose subject says
//!   refund and whose reply says invoice, and `-spam` excludes a ticket that
//!   mentions spam anywhere). A phrase stays within one of those texts.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

/// Id of a stemmed term in a [`Vocabulary`].
pub type TermId = u32;

/// Marks a stop word's position in a token sequence: phrases may step over
/// it, nothing can search for it.
pub const STOP: TermId = u32::MAX;
/// Separates two texts of one ticket (subject, body, each message), so a
/// phrase never spans the end of one and the start of the next.
pub const SEGMENT_BREAK: TermId = u32::MAX - 1;
/// A word that was not in the text when it was indexed: matches no term.
pub const UNINDEXED: TermId = u32::MAX - 2;

fn stop_words() -> &'static HashSet<&'static str> {
    static WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        include_str!("../../assets/data/english.stop")
            .lines()
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .collect()
    })
}

pub fn is_stop_word(lowercase_word: &str) -> bool {
    stop_words().contains(lowercase_word)
}

/// Splits text into lowercase words, the way the indexer and the query
/// parser both see it.
pub fn words(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w.chars().any(char::is_uppercase) {
                Cow::Owned(w.to_lowercase())
            } else {
                Cow::Borrowed(w)
            }
        })
}

/// What one lowercase word becomes: a stop word or a stem.
pub fn lexeme(stemmer: &Stemmer, lowercase_word: &str) -> Option<String> {
    if is_stop_word(lowercase_word) {
        None
    } else {
        Some(stemmer.stem(lowercase_word).into_owned())
    }
}

pub fn english_stemmer() -> Stemmer {
    Stemmer::create(Algorithm::English)
}

/// Stems and their ids, plus a cache from surface word to id so that the
/// indexer stems each distinct word once.
pub struct Vocabulary {
    stemmer: Stemmer,
    stems: HashMap<String, TermId>,
    /// lowercase surface word → term id (or [`STOP`]).
    surface: HashMap<String, TermId>,
}

impl Default for Vocabulary {
    fn default() -> Self {
        Self::new()
    }
}

impl Vocabulary {
    pub fn new() -> Self {
        Vocabulary {
            stemmer: english_stemmer(),
            stems: HashMap::new(),
            surface: HashMap::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.stems.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stems.is_empty()
    }

    /// Interns one lowercase word (indexing side).
    pub fn intern(&mut self, lowercase_word: &str) -> TermId {
        if let Some(&id) = self.surface.get(lowercase_word) {
            return id;
        }
        let id = match lexeme(&self.stemmer, lowercase_word) {
            None => STOP,
            Some(stem) => {
                let next = self.stems.len() as TermId;
                *self.stems.entry(stem).or_insert(next)
            }
        };
        self.surface.insert(lowercase_word.to_string(), id);
        id
    }

    /// Appends the token sequence of `text` to `out`.
    pub fn tokenize_into(&mut self, text: &str, out: &mut Vec<TermId>) {
        for w in words(text) {
            out.push(self.intern(&w));
        }
    }

    /// The id [`Vocabulary::intern`] gave a word of indexed text, without
    /// growing the vocabulary: [`STOP`] for a stop word, [`UNINDEXED`] for
    /// a word no indexed text had (so that it equals no query term).
    pub fn indexed_id(&self, lowercase_word: &str) -> TermId {
        match self.surface.get(lowercase_word) {
            Some(&id) => id,
            None if is_stop_word(lowercase_word) => STOP,
            None => UNINDEXED,
        }
    }

    /// Looks a query word up without growing the vocabulary. `Ok(None)` is a
    /// stem no document contains; `Err(())` a stop word.
    fn lookup(&self, lowercase_word: &str) -> Result<Option<TermId>, StopWord> {
        if let Some(&id) = self.surface.get(lowercase_word) {
            return if id == STOP {
                Err(StopWord)
            } else {
                Ok(Some(id))
            };
        }
        match lexeme(&self.stemmer, lowercase_word) {
            None => Err(StopWord),
            Some(stem) => Ok(self.stems.get(&stem).copied()),
        }
    }
}

struct StopWord;

/// One operand of a conjunction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Atom {
    /// A single lexeme; `None` when no document contains it.
    Term(Option<TermId>),
    /// Adjacent lexemes in order; `None` entries are stop-word slots that
    /// match any word. Starts and ends with a real lexeme.
    Phrase(Vec<Option<TermId>>),
    /// A phrase naming a stem that no document contains: never present.
    Absent,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Literal {
    pub negated: bool,
    pub atom: Atom,
}

/// A parsed query: OR of ANDs. An empty disjunction matches nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchQuery {
    pub clauses: Vec<Vec<Literal>>,
}

/// A query operand before lookup: one word, or a run of words from a quoted
/// phrase or from a word with inner punctuation.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RawOperand {
    Words(Vec<String>),
    Or,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct RawLiteral {
    negated: bool,
    words: Vec<String>,
}

/// Splits `websearch_to_tsquery` syntax into operands and `or` markers.
fn scan(input: &str) -> Vec<(bool, RawOperand)> {
    let mut out = Vec::new();
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let mut negated = false;
        if c == '-' {
            negated = true;
            i += 1;
            if i >= chars.len() {
                break;
            }
        }
        if chars[i] == '"' {
            let start = i + 1;
            let mut end = start;
            while end < chars.len() && chars[end] != '"' {
                end += 1;
            }
            let text: String = chars[start..end].iter().collect();
            let ws: Vec<String> = words(&text).map(Cow::into_owned).collect();
            out.push((negated, RawOperand::Words(ws)));
            i = (end + 1).min(chars.len());
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '"' {
            i += 1;
        }
        let text: String = chars[start..i].iter().collect();
        if !negated && text.eq_ignore_ascii_case("or") {
            out.push((false, RawOperand::Or));
            continue;
        }
        let ws: Vec<String> = words(&text).map(Cow::into_owned).collect();
        out.push((negated, RawOperand::Words(ws)));
    }
    out
}

/// Groups operands into OR-of-AND, dropping `or` markers that have no
/// operand on one side (as PostgreSQL does).
fn group(tokens: Vec<(bool, RawOperand)>) -> Vec<Vec<RawLiteral>> {
    let mut clauses: Vec<Vec<RawLiteral>> = vec![Vec::new()];
    let mut pending_or = false;
    for (negated, op) in tokens {
        match op {
            RawOperand::Or => pending_or = true,
            RawOperand::Words(ws) => {
                if ws.is_empty() {
                    continue;
                }
                let current_has_operand = clauses.last().is_some_and(|c| !c.is_empty());
                if pending_or && current_has_operand {
                    clauses.push(Vec::new());
                }
                pending_or = false;
                if let Some(last) = clauses.last_mut() {
                    last.push(RawLiteral { negated, words: ws });
                }
            }
        }
    }
    clauses.retain(|c| !c.is_empty());
    clauses
}

/// Drops the stop-word slots at either end: they constrain nothing. One
/// pass whatever their number (a word like `a-a-a-…` is all stop words).
fn trim_stop_slots(slots: &mut Vec<Option<TermId>>) {
    let Some(first) = slots.iter().position(Option::is_some) else {
        slots.clear();
        return;
    };
    let last = slots.iter().rposition(Option::is_some).unwrap_or(first);
    slots.truncate(last + 1);
    slots.drain(..first);
}

impl SearchQuery {
    /// Parses `input` against `vocab`. Stop words vanish from the query; an
    /// operand left with no lexeme vanishes too (`-the` is nothing).
    pub fn parse(input: &str, vocab: &Vocabulary) -> SearchQuery {
        let mut clauses = Vec::new();
        for raw_clause in group(scan(input)) {
            let mut clause = Vec::new();
            for raw in raw_clause {
                let mut slots: Vec<Option<TermId>> = Vec::new();
                let mut absent = false;
                for w in &raw.words {
                    match vocab.lookup(w) {
                        Err(StopWord) => slots.push(None),
                        Ok(Some(id)) => slots.push(Some(id)),
                        Ok(None) => {
                            absent = true;
                            // Keep the slot so the shape stays right; the
                            // literal is absent anyway.
                            slots.push(Some(SEGMENT_BREAK));
                        }
                    }
                }
                trim_stop_slots(&mut slots);
                if slots.is_empty() {
                    continue;
                }
                let atom = if absent {
                    if slots.len() == 1 {
                        Atom::Term(None)
                    } else {
                        Atom::Absent
                    }
                } else if slots.len() == 1 {
                    Atom::Term(slots[0])
                } else {
                    Atom::Phrase(slots)
                };
                clause.push(Literal {
                    negated: raw.negated,
                    atom,
                });
            }
            if !clause.is_empty() {
                clauses.push(clause);
            }
        }
        SearchQuery { clauses }
    }

    /// Whether a document's token sequence satisfies the query. The
    /// straightforward evaluation: used for verification and in tests.
    pub fn matches(&self, tokens: &[TermId]) -> bool {
        self.clauses
            .iter()
            .any(|clause| clause.iter().all(|lit| lit.holds_in(tokens)))
    }
}

impl Literal {
    pub fn holds_in(&self, tokens: &[TermId]) -> bool {
        self.atom.present_in(tokens) != self.negated
    }
}

impl Atom {
    pub fn present_in(&self, tokens: &[TermId]) -> bool {
        match self {
            Atom::Term(None) | Atom::Absent => false,
            Atom::Term(Some(id)) => tokens.contains(id),
            Atom::Phrase(slots) => phrase_at_any(tokens, slots),
        }
    }

    /// The real lexemes a document must contain for this atom to be present.
    pub fn required_terms(&self) -> Vec<Option<TermId>> {
        match self {
            Atom::Term(t) => vec![*t],
            Atom::Absent => vec![None],
            Atom::Phrase(slots) => slots.iter().filter(|s| s.is_some()).copied().collect(),
        }
    }
}

fn phrase_at_any(tokens: &[TermId], slots: &[Option<TermId>]) -> bool {
    if slots.len() > tokens.len() {
        return false;
    }
    tokens.windows(slots.len()).any(|window| {
        window.iter().zip(slots).all(|(&tok, slot)| match slot {
            Some(id) => tok == *id,
            // A stop-word slot takes any word, but not a text boundary.
            None => tok != SEGMENT_BREAK,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab_of(texts: &[&str]) -> (Vocabulary, Vec<Vec<TermId>>) {
        let mut v = Vocabulary::new();
        let docs = texts
            .iter()
            .map(|t| {
                let mut out = Vec::new();
                v.tokenize_into(t, &mut out);
                out
            })
            .collect();
        (v, docs)
    }

    fn hits(texts: &[&str], query: &str) -> Vec<usize> {
        let (v, docs) = vocab_of(texts);
        let q = SearchQuery::parse(query, &v);
        docs.iter()
            .enumerate()
            .filter(|(_, d)| q.matches(d))
            .map(|(i, _)| i)
            .collect()
    }

    const DOCS: &[&str] = &[
        "Refund for my order",            // 0
        "Refunds are processed weekly",   // 1
        "The invoice was wrong",          // 2
        "Invoice and refund both needed", // 3
        "Cannot log in after reset",      // 4
        "Log in cannot work",             // 5
        "Spam: refund offer",             // 6
    ];

    #[test]
    fn words_are_anded_and_stemmed() {
        assert_eq!(hits(DOCS, "refund"), vec![0, 1, 3, 6]);
        assert_eq!(hits(DOCS, "REFUNDING"), vec![0, 1, 3, 6]);
        assert_eq!(hits(DOCS, "refund invoice"), vec![3]);
        assert_eq!(hits(DOCS, "invoices"), vec![2, 3]);
    }

    #[test]
    fn stop_words_are_ignored_in_queries() {
        assert_eq!(hits(DOCS, "the refund"), vec![0, 1, 3, 6]);
        // Only stop words: an empty tsquery matches nothing.
        assert!(hits(DOCS, "the and of").is_empty());
        assert!(hits(DOCS, "!!! ???").is_empty());
    }

    #[test]
    fn or_binds_looser_than_and() {
        assert_eq!(hits(DOCS, "invoice or log"), vec![2, 3, 4, 5]);
        assert_eq!(hits(DOCS, "refund invoice or cannot"), vec![3, 4, 5]);
        assert_eq!(hits(DOCS, "invoice OR log"), vec![2, 3, 4, 5]);
        // Dangling `or` is ignored.
        assert_eq!(hits(DOCS, "or invoice or"), vec![2, 3]);
    }

    #[test]
    fn minus_excludes() {
        assert_eq!(hits(DOCS, "refund -spam"), vec![0, 1, 3]);
        assert_eq!(hits(DOCS, "-refund -invoice"), vec![4, 5]);
        // A hyphen inside a word is no exclusion.
        assert_eq!(hits(&["e-mail bounced", "mail only"], "e-mail"), vec![0]);
    }

    #[test]
    fn quoted_phrases_need_adjacent_words_in_order() {
        assert_eq!(hits(DOCS, "\"cannot log\""), vec![4]);
        assert_eq!(hits(DOCS, "\"log in\""), vec![4, 5]);
        assert_eq!(hits(DOCS, "-\"cannot log\" log"), vec![5]);
        // Stop words keep their slot: "refund for order" is refund <2> order.
        assert_eq!(
            hits(
                &["refund for order", "refund order", "refund the order"],
                "\"refund for order\""
            ),
            vec![0, 2]
        );
        // Unclosed quote runs to the end.
        assert_eq!(hits(DOCS, "\"cannot log"), vec![4]);
    }

    #[test]
    fn stop_word_slots_are_trimmed_at_the_ends_only() {
        let mut slots = vec![None, None, Some(1), None, Some(2), None];
        trim_stop_slots(&mut slots);
        assert_eq!(slots, vec![Some(1), None, Some(2)]);
        let mut only_stops = vec![None; 5];
        trim_stop_slots(&mut only_stops);
        assert!(only_stops.is_empty());
        let mut none_to_trim = vec![Some(3)];
        trim_stop_slots(&mut none_to_trim);
        assert_eq!(none_to_trim, vec![Some(3)]);
    }

    #[test]
    fn a_phrase_keeps_its_inner_stop_words_and_loses_the_outer_ones() {
        let (v, _) = vocab_of(DOCS);
        let refund = v.lookup("refund").ok().flatten();
        let order = v.lookup("order").ok().flatten();
        let q = SearchQuery::parse("\"the refund for the order of\" a-a-a-a", &v);
        assert_eq!(
            q.clauses,
            vec![vec![Literal {
                negated: false,
                atom: Atom::Phrase(vec![refund, None, None, order]),
            }]]
        );
        // A word of nothing but stop words is no operand at all.
        let long = "a-".repeat(5000);
        assert_eq!(SearchQuery::parse(&long, &v), SearchQuery::default());
    }

    #[test]
    fn phrases_do_not_span_texts() {
        let mut v = Vocabulary::new();
        let mut doc = Vec::new();
        v.tokenize_into("cannot", &mut doc);
        doc.push(SEGMENT_BREAK);
        v.tokenize_into("log", &mut doc);
        assert!(!SearchQuery::parse("\"cannot log\"", &v).matches(&doc));
        assert!(SearchQuery::parse("cannot log", &v).matches(&doc));
    }

    #[test]
    fn unknown_words_match_nothing_but_can_be_excluded() {
        assert!(hits(DOCS, "zyzzyva").is_empty());
        assert_eq!(hits(DOCS, "-zyzzyva").len(), DOCS.len());
        assert_eq!(hits(DOCS, "zyzzyva or invoice"), vec![2, 3]);
    }

    #[test]
    fn any_script_is_a_word() {
        assert_eq!(
            hits(&["退款 申请", "Réclamation facture"], "réclamation"),
            vec![1]
        );
        assert_eq!(hits(&["退款 申请", "Réclamation facture"], "退款"), vec![0]);
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for q in [
            "",
            "-",
            "\"",
            "\"\"",
            "- -",
            "or",
            "-or",
            "\u{202e}x",
            "\0\u{1b}[31m",
            "\"-\"",
        ] {
            // None of these has a word any document holds (or a word at
            // all): nothing matches, rather than everything.
            assert_eq!(hits(DOCS, q), Vec::<usize>::new(), "{q:?}");
        }
    }

    #[test]
    fn stemmer_is_porter2() {
        let s = english_stemmer();
        assert_eq!(s.stem("refunds"), "refund");
        assert_eq!(s.stem("processing"), "process");
        assert_eq!(lexeme(&s, "the"), None);
    }
}
