//! How `triage list` prints tickets: an aligned table for people, CSV and
//! JSON for scripts. Every server string is sanitized before it is printed,
//! except in JSON, which keeps the server's values exactly but writes every
//! character the sanitizer would change as a `\uXXXX` escape.

use std::borrow::Cow;
use std::io::{self, Write};

use chrono::{DateTime, Utc};
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use triage::api::types::Ticket;
use triage::text::{needs_sanitizing, sanitize};
// The same cutting rule as the UI's columns: one implementation.
use triage::ui::text::fit;

/// One printable row, already sanitized.
pub struct Row {
    pub number: String,
    pub status: String,
    pub priority: String,
    pub assignee: String,
    pub updated: String,
    pub subject: String,
}

impl Row {
    pub fn new(t: &Ticket, assignee_name: Option<&str>) -> Row {
        let assignee = match (t.assignee_id, assignee_name) {
            (None, _) => "—".to_string(),
            (Some(_), Some(name)) => sanitize(name).into_owned(),
            (Some(id), None) => id.to_string(),
        };
        Row {
            number: format!("#{}", t.ticket_number),
            status: display_name(&t.status_name, t.status.as_str()),
            priority: display_name(&t.priority_name, t.priority.as_str()),
            assignee,
            updated: t.updated_at.map(format_time).unwrap_or_default(),
            subject: sanitize(&t.subject).into_owned(),
        }
    }

    fn cells(&self) -> [&str; 6] {
        [
            &self.number,
            &self.status,
            &self.priority,
            &self.assignee,
            &self.updated,
            &self.subject,
        ]
    }
}

const HEADERS: [&str; 6] = ["#", "STATUS", "PRIORITY", "ASSIGNEE", "UPDATED", "SUBJECT"];

fn display_name(custom: &str, category: &str) -> String {
    let name = if custom.trim().is_empty() {
        category
    } else {
        custom
    };
    sanitize(name).into_owned()
}

fn format_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

fn pad(s: &str, width: usize) -> String {
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(s.width())));
    out
}

/// Writes an aligned table. `max_width` (the terminal's, when stdout is one)
/// shortens the subject column so rows don't wrap.
pub fn write_table(
    out: &mut impl Write,
    rows: &[Row],
    max_width: Option<usize>,
    header: bool,
) -> io::Result<()> {
    let mut widths = HEADERS.map(|h| h.width());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row.cells()) {
            *w = (*w).max(cell.width());
        }
    }
    // Subject is last: it takes whatever the terminal leaves, at least 10.
    let fixed: usize = widths[..5].iter().map(|w| w + 2).sum();
    let subject_width = max_width.map(|m| m.saturating_sub(fixed).max(10));
    let line = |cells: [&str; 6]| -> String {
        let mut s = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i == 5 {
                match subject_width {
                    Some(w) => s.push_str(&fit(cell, w)),
                    None => s.push_str(cell),
                }
            } else {
                s.push_str(&pad(cell, widths[i]));
                s.push_str("  ");
            }
        }
        s.trim_end().to_string()
    };
    if header {
        writeln!(out, "{}", line(HEADERS))?;
    }
    for row in rows {
        writeln!(out, "{}", line(row.cells()))?;
    }
    Ok(())
}

pub fn write_csv(
    out: impl Write,
    rows: &[Row],
    tickets: &[Ticket],
    header: bool,
) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let names = [
        "ticket_number",
        "id",
        "status",
        "status_name",
        "priority",
        "priority_name",
        "assignee",
        "updated_at",
        "created_at",
        "subject",
    ];
    if header {
        w.write_record(names).map_err(csv_io)?;
    }
    for (row, t) in rows.iter().zip(tickets) {
        let rfc = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
        w.write_record([
            t.ticket_number.to_string().as_str(),
            &t.id.to_string(),
            &inert_cell(&sanitize(t.status.as_str())),
            &inert_cell(&row.status),
            &inert_cell(&sanitize(t.priority.as_str())),
            &inert_cell(&row.priority),
            &if t.assignee_id.is_some() {
                inert_cell(&row.assignee)
            } else {
                Cow::Borrowed("")
            },
            &rfc(t.updated_at),
            &rfc(t.created_at),
            &inert_cell(&row.subject),
        ])
        .map_err(csv_io)?;
    }
    w.flush()
}

/// Writes `value` as compact JSON. serde escapes C0 controls itself but
/// writes DEL, C1 controls (U+009B is a CSI on many terminals), bidi
/// overrides and zero-width characters raw; here they become `\uXXXX`
/// escapes: the same value for any JSON parser, inert on a terminal.
pub fn write_json(out: &mut impl Write, value: &serde_json::Value) -> serde_json::Result<()> {
    value.serialize(&mut serde_json::Serializer::with_formatter(
        out,
        TerminalSafe,
    ))
}

/// serde_json's compact formatter, escaping what the sanitizer would change.
struct TerminalSafe;

impl serde_json::ser::Formatter for TerminalSafe {
    /// A run of string characters serde does not escape itself.
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((at, c)) = rest.char_indices().find(|&(_, c)| needs_sanitizing(c)) {
            writer.write_all(&rest.as_bytes()[..at])?;
            for unit in c.encode_utf16(&mut [0; 2]) {
                write!(writer, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }
}

/// A customer-written cell that a spreadsheet would run as a formula
/// (`=HYPERLINK(...)`, `+cmd`, `@SUM`, `-2+3`) gets a leading `'`, the usual
/// defence against CSV injection; everything else is left as written.
pub(super) fn inert_cell(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// csv wraps a failed write in its own error, which hides the io error from
/// an error chain; unwrapped, `triage list --format csv | head` can tell a
/// closed pipe from a real failure.
pub(super) fn csv_io(e: csv::Error) -> io::Error {
    if !e.is_io_error() {
        return io::Error::other(e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused() {
        assert_eq!(
            inert_cell("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(inert_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert_cell("+1"), "'+1");
        assert_eq!(inert_cell("Refund = yes"), "Refund = yes");
        assert_eq!(inert_cell(""), "");
    }

    #[test]
    fn json_escapes_only_what_the_sanitizer_would_change() {
        let json = |v: &serde_json::Value| {
            let mut out = Vec::new();
            write_json(&mut out, v).unwrap();
            String::from_utf8(out).unwrap()
        };
        let plain = serde_json::json!({"subject": "Refund \"late\" — 返金 🎉", "n": [1, null]});
        assert_eq!(json(&plain), serde_json::to_string(&plain).unwrap());
        let hostile = serde_json::json!({"k\u{202e}": "a\u{9b}b\u{1b}c\u{7f}"});
        let text = json(&hostile);
        assert_eq!(text, r#"{"k\u202e":"a\u009bb\u001bc\u007f"}"#);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            hostile
        );
    }

    #[test]
    fn a_terminal_width_cuts_the_subject_only() {
        let rows = vec![Row {
            number: "#7".into(),
            status: "Open".into(),
            priority: "High".into(),
            assignee: "Ana".into(),
            updated: "2026-11-28 10:00".into(),
            subject: "返金の件について、まだ返事がありません".repeat(3),
        }];
        let mut out = Vec::new();
        write_table(&mut out, &rows, Some(60), true).unwrap();
        let text = String::from_utf8(out).unwrap();
        for line in text.lines() {
            assert!(line.width() <= 60, "{line}");
        }
        let row = text.lines().nth(1).unwrap();
        assert!(row.starts_with("#7") && row.ends_with('…'), "{row}");
    }

    #[test]
    fn table_aligns_wide_characters() {
        let rows = vec![
            Row {
                number: "#1".into(),
                status: "Open".into(),
                priority: "High".into(),
                assignee: "Ana".into(),
                updated: "2026-11-28 10:00".into(),
                subject: "返金".into(),
            },
            Row {
                number: "#22".into(),
                status: "Awaiting parts".into(),
                priority: "Low".into(),
                assignee: "—".into(),
                updated: "2026-11-28 10:00".into(),
                subject: "plain".into(),
            },
        ];
        let mut out = Vec::new();
        write_table(&mut out, &rows, None, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let col = |l: &str| {
            l.find("SUBJECT")
                .or_else(|| l.find("返金"))
                .or_else(|| l.find("plain"))
        };
        let starts: Vec<usize> = lines.iter().map(|l| l[..col(l).unwrap()].width()).collect();
        assert!(starts.windows(2).all(|w| w[0] == w[1]), "{text}");
    }
}
