//! How `triage list` prints tickets: an aligned table for people, CSV and
//! JSON for scripts. Every server string is sanitized before it is printed,
//! except in JSON, where serde escapes control characters itself.

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use triage::api::types::Ticket;
use triage::text::sanitize;

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

/// Cuts `s` to at most `width` terminal cells, ending in `…` when cut.
pub fn truncate_to_width(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

fn pad(s: &str, width: usize) -> String {
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(s.width())));
    out
}

/// Writes an aligned table. `max_width` (the terminal's, when stdout is one)
/// shortens the subject column so rows don't wrap.
pub fn write_table(out: &mut impl Write, rows: &[Row], max_width: Option<usize>) -> io::Result<()> {
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
                    Some(w) => s.push_str(&truncate_to_width(cell, w)),
                    None => s.push_str(cell),
                }
            } else {
                s.push_str(&pad(cell, widths[i]));
                s.push_str("  ");
            }
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{}", line(HEADERS))?;
    for row in rows {
        writeln!(out, "{}", line(row.cells()))?;
    }
    Ok(())
}

pub fn write_csv(out: impl Write, rows: &[Row], tickets: &[Ticket]) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let header = [
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
    w.write_record(header)?;
    for (row, t) in rows.iter().zip(tickets) {
        let rfc = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
        w.write_record([
            t.ticket_number.to_string().as_str(),
            &t.id.to_string(),
            &sanitize(t.status.as_str()),
            &row.status,
            &sanitize(t.priority.as_str()),
            &row.priority,
            if t.assignee_id.is_some() {
                &row.assignee
            } else {
                ""
            },
            &rfc(t.updated_at),
            &rfc(t.created_at),
            &row.subject,
        ])?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_respects_display_width() {
        assert_eq!(truncate_to_width("hello", 10), "hello");
        assert_eq!(truncate_to_width("hello world", 6), "hello…");
        // CJK characters are two cells wide.
        let cut = truncate_to_width("返金の件について", 7);
        assert_eq!(cut, "返金の…");
        assert!(cut.width() <= 7);
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
        write_table(&mut out, &rows, None).unwrap();
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
