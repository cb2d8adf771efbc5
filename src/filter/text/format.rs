//! [`TicketFilter`] → canonical text form.

use uuid::Uuid;

use super::lex::{TokenKind, classify, key_slip, tokens};
use super::parse::KEYS;
use crate::filter::{
    AssigneeFilter, DateBound, EntityRef, FieldValue, SortField, SortOrder, TicketFilter,
};

/// Writes the canonical text form: keys in a fixed order, values quoted only
/// where needed, search text last.
pub fn format(f: &TicketFilter) -> String {
    let mut out: Vec<String> = Vec::new();
    if !f.statuses.is_empty() {
        let list: Vec<&str> = f.statuses.iter().map(|s| s.as_str()).collect();
        out.push(format!("status:{}", list.join(",")));
    }
    if let Some(p) = &f.priority {
        out.push(format!("priority:{}", p.as_str()));
    }
    match &f.assignee {
        Some(AssigneeFilter::Unassigned) => out.push("assignee:none".into()),
        Some(AssigneeFilter::User(r)) => out.push(format!("assignee:{}", entity(r))),
        None => {}
    }
    if let Some(r) = &f.inbox {
        out.push(format!("inbox:{}", entity(r)));
    }
    for r in &f.tags {
        out.push(format!("tag:{}", entity(r)));
    }
    for (key, value) in &f.custom_fields {
        let value = match value {
            FieldValue::Empty => "empty".to_string(),
            FieldValue::Value(v) => value_text(v),
        };
        out.push(format!("field:{}={value}", value_text(key)));
    }
    let bounds = [
        ("created", &f.created_after, true),
        ("created", &f.created_before, false),
        ("updated", &f.updated_after, true),
        ("updated", &f.updated_before, false),
    ];
    for (key, bound, is_after) in bounds {
        if let Some(b) = bound {
            out.push(format!("{key}:{}", bound_text(b, is_after)));
        }
    }
    if let Some(s) = f.sort {
        let s = match s {
            SortField::CreatedAt => "created",
            SortField::UpdatedAt => "updated",
            SortField::Priority => "priority",
        };
        out.push(format!("sort:{s}"));
    }
    if let Some(o) = f.order {
        out.push(format!(
            "order:{}",
            if o == SortOrder::Asc { "asc" } else { "desc" }
        ));
    }
    if let Some(q) = &f.query {
        out.push(if is_plain_search_text(q) {
            q.clone()
        } else {
            format!("query:{}", quote(q))
        });
    }
    out.join(" ")
}

fn entity(r: &EntityRef) -> String {
    match r {
        EntityRef::Id(id) => id.hyphenated().to_string(),
        EntityRef::Name(n) => value_text(n),
    }
}

/// Bare when it reads back as the same literal, quoted otherwise.
pub(crate) fn value_text(s: &str) -> String {
    const KEYWORDS: &[&str] = &["none", "unassigned", "empty", "today"];
    let needs_quotes = s.is_empty()
        || s.chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\\' | ',' | '='))
        || KEYWORDS.contains(&s.to_ascii_lowercase().as_str())
        || Uuid::parse_str(s).is_ok();
    if needs_quotes {
        quote(s)
    } else {
        s.to_string()
    }
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

fn bound_text(b: &DateBound, is_after: bool) -> String {
    // Spans compare ages, so their operator is the reverse (see module doc).
    let op = match b {
        DateBound::Ago(_) => !is_after,
        _ => is_after,
    };
    format!("{}{}", if op { '>' } else { '<' }, b.typed())
}

/// Search text that parses back to itself when written bare: non-empty, no
/// token that looks like a filter key, single spaces between tokens.
fn is_plain_search_text(q: &str) -> bool {
    let Ok(toks) = tokens(q) else {
        return false;
    };
    let known = |k: &str| KEYS.contains(&k);
    !toks.is_empty()
        && toks
            .iter()
            .all(|t| classify(t.text, known) == TokenKind::Free && key_slip(t.text, KEYS).is_none())
        && toks.iter().map(|t| t.text).collect::<Vec<_>>().join(" ") == q
}
