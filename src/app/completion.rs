//! Tab completion for the filter line: filter keys (`status:`, `tag:`, ...)
//! and their values from the workspace's catalog (tag, agent and inbox
//! names, field keys and options), like a shell: a unique match is
//! inserted, several insert their common prefix and are listed, and more
//! Tabs cycle through them.

use std::collections::BTreeMap;
use std::ops::Range;

use super::filter_tokens::word_before;
use crate::api::Catalog;
use crate::filter::text::KEYS;
use crate::filter::{EntityRef, NameKind, Resolver};
use crate::model::{FieldType, PriorityLevel, StatusCategory};

/// Every word completion can offer besides the fixed keywords.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vocabulary {
    pub tags: Vec<String>,
    /// Tag colors by name, for swatches in the list.
    pub tag_colors: BTreeMap<String, String>,
    pub inboxes: Vec<String>,
    /// Agents by display name.
    pub users: Vec<String>,
    /// The configured `me` agent's name, offered first for `assignee:`.
    pub me: Option<String>,
    pub fields: Vec<FieldWords>,
    /// The workspace's own names for each status category and priority
    /// level ("open" → "New, Reopened"; "urgent" → "On fire"), with a
    /// color, shown beside the category and matched when typed.
    pub workspace_names: BTreeMap<String, (Vec<String>, Option<String>)>,
}

/// What completion knows of one custom field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldWords {
    pub key: String,
    /// Display label ("Plan"), shown beside the key.
    pub label: Option<String>,
    pub field_type: FieldType,
    /// Option labels of select / multi_select fields.
    pub options: Vec<String>,
}

impl Vocabulary {
    /// The words of a catalog (live lists, then the config's aliases) and
    /// the `me` setting. Without a catalog only keywords complete.
    pub fn from_catalog(catalog: Option<&Catalog>, me: Option<&EntityRef>) -> Vocabulary {
        let Some(c) = catalog else {
            return Vocabulary {
                me: me.map(|m| match m {
                    EntityRef::Name(n) => n.clone(),
                    EntityRef::Id(id) => id.to_string(),
                }),
                ..Vocabulary::default()
            };
        };
        let mut fields: Vec<FieldWords> = c
            .fields()
            .iter()
            .filter(|f| !f.field_key.trim().is_empty())
            .map(|f| FieldWords {
                key: f.field_key.clone(),
                label: Some(f.label.clone()).filter(|l| !l.trim().is_empty()),
                field_type: f.field_type.clone(),
                options: f.options.iter().map(|o| o.label.clone()).collect(),
            })
            .collect();
        for (key, alias) in &c.aliases().fields {
            if !fields.iter().any(|f| &f.key == key) {
                fields.push(FieldWords {
                    key: key.clone(),
                    label: None,
                    field_type: alias.field_type.clone(),
                    options: alias.options.keys().cloned().collect(),
                });
            }
        }
        let me = me.map(|m| match m {
            EntityRef::Name(n) => n.clone(),
            EntityRef::Id(id) => c
                .user_name(*id)
                .map_or_else(|| id.to_string(), str::to_string),
        });
        let tag_colors = c
            .tags()
            .iter()
            .filter_map(|t| Some((t.name.clone(), t.color.clone()?)))
            .collect();
        Vocabulary {
            tags: c.known_names(NameKind::Tag),
            tag_colors,
            workspace_names: workspace_names(c),
            inboxes: c.known_names(NameKind::Inbox),
            users: c.known_names(NameKind::User),
            me,
            fields,
        }
    }
}

/// One possible completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Text that replaces the word being completed (quoted where needed).
    pub insert: String,
    /// What the list shows.
    pub label: String,
    /// A dim note beside the label ("unassigned", "select field", ...).
    pub note: Option<String>,
    /// The workspace's color for it (tags), drawn as a swatch.
    pub color: Option<String>,
}

impl Candidate {
    fn new(insert: impl Into<String>, label: impl Into<String>) -> Candidate {
        Candidate {
            insert: insert.into(),
            label: label.into(),
            note: None,
            color: None,
        }
    }

    fn note(mut self, note: impl Into<String>) -> Candidate {
        self.note = Some(note.into());
        self
    }
}

/// What Tab found for the cursor's position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completions {
    /// What is being completed ("filter keys", "tags", "values of plan").
    pub title: String,
    /// Byte range of the input the candidates replace.
    pub replace: Range<usize>,
    pub candidates: Vec<Candidate>,
}

/// Candidates for the word before `cursor` (a byte offset) in `input`.
pub fn complete(input: &str, cursor: usize, vocab: &Vocabulary) -> Completions {
    let word = word_before(input, cursor);
    let text = &input[word.clone()];
    let none = |at: usize| Completions {
        title: String::new(),
        replace: at..at,
        candidates: Vec::new(),
    };
    // Search text (`"phrase"`, `-word`) has nothing to complete.
    if text.starts_with('"') || text.starts_with('-') {
        return none(word.end);
    }
    let Some(colon) = text.find(':') else {
        let typed = text.to_ascii_lowercase();
        let candidates = KEYS
            .iter()
            .filter(|k| k.starts_with(&typed))
            .map(|k| Candidate::new(format!("{k}:"), format!("{k}:")))
            .collect();
        return Completions {
            title: "filter keys".into(),
            replace: word,
            candidates,
        };
    };
    let key = text[..colon].to_ascii_lowercase();
    let value_start = word.start + colon + 1;
    let value = &input[value_start..word.end];
    let found = match key.as_str() {
        "status" => list_item(value_start, value, status_words(vocab)),
        "tag" => list_item(
            value_start,
            value,
            vocab.tags.iter().map(|t| Candidate {
                color: vocab.tag_colors.get(t).cloned(),
                ..Candidate::new(quote(t), t)
            }),
        ),
        "priority" => single(value_start, value, priority_words(vocab)),
        "assignee" => single(value_start, value, assignee_words(vocab)),
        "inbox" => single(
            value_start,
            value,
            vocab.inboxes.iter().map(|i| Candidate::new(quote(i), i)),
        ),
        "field" => field(value_start, value, vocab),
        "created" | "updated" => single(value_start, value, date_words()),
        "sort" => single(
            value_start,
            value,
            ["created", "updated", "priority"]
                .into_iter()
                .map(|s| Candidate::new(s, s)),
        ),
        "order" => single(
            value_start,
            value,
            ["asc", "desc"].into_iter().map(|s| Candidate::new(s, s)),
        ),
        _ => return none(word.end),
    };
    let title = match key.as_str() {
        "tag" => "tags".to_string(),
        "field" => match last_unquoted(value, '=') {
            Some(eq) => format!("values of {}", unquote(&value[..eq])),
            None => "custom fields".to_string(),
        },
        "created" | "updated" => format!("{key} (or a date: >2026-11-01)"),
        _ => key,
    };
    Completions { title, ..found }
}

/// The longest prefix all candidates' insert texts share (whole characters).
pub fn common_prefix(candidates: &[Candidate]) -> String {
    let Some(first) = candidates.first() else {
        return String::new();
    };
    let mut len = first.insert.len();
    for c in &candidates[1..] {
        len = first
            .insert
            .char_indices()
            .zip(c.insert.chars())
            .find(|((_, a), b)| a != b)
            .map_or(len.min(c.insert.len()), |((i, _), _)| i.min(len));
    }
    first.insert[..len].to_string()
}

/// A value that is one item (`priority:`, `assignee:`, ...).
fn single(start: usize, typed: &str, words: impl IntoIterator<Item = Candidate>) -> Completions {
    Completions {
        title: String::new(),
        replace: start..start + typed.len(),
        candidates: matching(typed, words),
    }
}

/// A comma-separated list (`status:`, `tag:`): completes the last item.
fn list_item(start: usize, typed: &str, words: impl IntoIterator<Item = Candidate>) -> Completions {
    let item_start = last_unquoted(typed, ',').map_or(0, |i| i + 1);
    let item = &typed[item_start..];
    let done: Vec<String> = typed[..item_start]
        .split(',')
        .map(|s| unquote(s).to_lowercase())
        .collect();
    let words = words
        .into_iter()
        .filter(|c| !done.contains(&c.label.to_lowercase()));
    single(start + item_start, item, words)
}

/// `field:` completes the key (with its `=`), then the value.
fn field(start: usize, typed: &str, vocab: &Vocabulary) -> Completions {
    let Some(eq) = last_unquoted(typed, '=') else {
        let keys = vocab.fields.iter().map(|f| {
            let c = Candidate::new(format!("{}=", quote(&f.key)), f.key.clone());
            match &f.label {
                Some(label) => c.note(format!("{label} · {}", f.field_type.as_str())),
                None => c.note(f.field_type.as_str()),
            }
        });
        return single(start, typed, keys);
    };
    let key = unquote(&typed[..eq]);
    let mut words: Vec<Candidate> = Vec::new();
    if let Some(f) = vocab.fields.iter().find(|f| f.key == key) {
        words.extend(f.options.iter().map(|o| Candidate::new(quote(o), o)));
        if f.field_type == FieldType::Checkbox {
            words.extend(["true", "false"].map(|b| Candidate::new(b, b)));
        }
    }
    words.push(Candidate::new("empty", "empty").note("no value"));
    single(start + eq + 1, &typed[eq + 1..], words)
}

/// Custom status and priority names by the category / level they mean.
fn workspace_names(c: &Catalog) -> BTreeMap<String, (Vec<String>, Option<String>)> {
    let mut out: BTreeMap<String, (Vec<String>, Option<String>)> = BTreeMap::new();
    let named = c
        .statuses()
        .iter()
        .map(|s| (s.category.as_str().to_string(), &s.name, &s.color))
        .chain(
            c.priorities()
                .iter()
                .map(|p| (p.level.as_str().to_string(), &p.name, &p.color)),
        );
    for (key, name, color) in named {
        let entry = out.entry(key).or_default();
        if !name.trim().is_empty() && !entry.0.contains(name) {
            entry.0.push(name.clone());
        }
        if entry.1.is_none() {
            entry.1.clone_from(color);
        }
    }
    out
}

/// A status category or priority level, with the workspace's names for it.
fn category_word(word: &str, vocab: &Vocabulary) -> Candidate {
    let c = Candidate::new(word, word);
    match vocab.workspace_names.get(word) {
        Some((names, color)) => Candidate {
            color: color.clone(),
            note: (!names.is_empty()).then(|| names.join(", ")),
            ..c
        },
        None => c,
    }
}

fn status_words(vocab: &Vocabulary) -> impl Iterator<Item = Candidate> {
    [
        StatusCategory::Open,
        StatusCategory::InProgress,
        StatusCategory::Waiting,
        StatusCategory::Resolved,
        StatusCategory::Closed,
    ]
    .into_iter()
    .map(|s| category_word(s.as_str(), vocab))
}

fn priority_words(vocab: &Vocabulary) -> impl Iterator<Item = Candidate> {
    [
        PriorityLevel::Low,
        PriorityLevel::Normal,
        PriorityLevel::High,
        PriorityLevel::Urgent,
    ]
    .into_iter()
    .map(|p| category_word(p.as_str(), vocab))
}

fn assignee_words(vocab: &Vocabulary) -> Vec<Candidate> {
    let mut words = vec![Candidate::new("none", "none").note("unassigned")];
    if let Some(me) = &vocab.me {
        words.push(Candidate::new(quote(me), "me").note(me.clone()));
    }
    words.extend(vocab.users.iter().map(|u| Candidate::new(quote(u), u)));
    words
}

fn date_words() -> Vec<Candidate> {
    [
        (">today", "since midnight UTC"),
        ("<24h", "in the last day"),
        ("<7d", "in the last week"),
        ("<30d", "in the last 30 days"),
        (">7d", "more than a week ago"),
        (">30d", "more than 30 days ago"),
    ]
    .into_iter()
    .map(|(w, note)| Candidate::new(w, w).note(note))
    .collect()
}

/// Typed characters from which a word inside a name also matches (fewer
/// match too much to help: `>2` would offer `<24h`).
const MIN_INFIX: usize = 3;

/// Candidates whose label (or insert text) starts with what was typed,
/// case-insensitively; when none does, those that contain it.
fn matching(typed: &str, words: impl IntoIterator<Item = Candidate>) -> Vec<Candidate> {
    let typed = unquote(typed).to_lowercase();
    let words: Vec<Candidate> = words.into_iter().collect();
    // The note counts too: "On fire" finds `urgent`, "unassigned" `none`.
    let keys = |c: &Candidate| {
        [
            c.label.to_lowercase(),
            unquote(&c.insert).to_lowercase(),
            c.note.as_deref().unwrap_or("").to_lowercase(),
        ]
    };
    let prefixed: Vec<Candidate> = words
        .iter()
        .filter(|c| keys(c).iter().any(|k| k.starts_with(&typed)))
        .cloned()
        .collect();
    if !prefixed.is_empty() || typed.chars().count() < MIN_INFIX {
        return dedup(prefixed);
    }
    dedup(
        words
            .into_iter()
            .filter(|c| keys(c).iter().any(|k| k.contains(&typed)))
            .collect(),
    )
}

fn dedup(words: Vec<Candidate>) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::with_capacity(words.len());
    for w in words {
        if !out.iter().any(|o| o.insert == w.insert) {
            out.push(w);
        }
    }
    out
}

/// Quotes a value of the text form where it would not read back as itself
/// (the formatter's own rule, so a completion reads back as it is shown).
fn quote(s: &str) -> String {
    crate::filter::text::value_text(s)
}

/// A value as typed, without its quotes and escapes (an open quote too).
fn unquote(s: &str) -> String {
    let Some(inner) = s.strip_prefix('"') else {
        return s.to_string();
    };
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Byte offset of the last `sep` outside quotes.
fn last_unquoted(s: &str, sep: char) -> Option<usize> {
    super::filter_tokens::outside_quotes(s)
        .filter(|&(_, c)| c == sep)
        .last()
        .map(|(i, _)| i)
}
