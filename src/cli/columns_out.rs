//! `triage list --columns …` and `--no-header`: the chosen columns, by the
//! names the UI's columns use (`triage::columns`), as a table for people
//! or CSV for scripts. Table cells read like the UI (`#42`, `3d`, `due`);
//! CSV cells are for programs (`42`, RFC 3339 instants, ages in seconds).

use std::collections::HashMap;
use std::io::{self, Write};

use chrono::{DateTime, Utc};
use unicode_width::UnicodeWidthStr;
use uuid::Uuid;

use triage::api::Catalog;
use triage::api::types::{Ticket, TicketDetail};
use triage::columns::Column;
use triage::text::sanitize;
use triage::text::time::{relative, time_left};
use triage::ui::text::fit;

use super::output::{csv_io, inert_cell};

/// Who reads the cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Person,
    Program,
}

/// Everything a cell may need besides the ticket.
pub struct Sources<'a> {
    pub catalog: &'a Catalog,
    /// Tags and custom fields, for the columns that need them.
    pub details: &'a HashMap<Uuid, TicketDetail>,
    /// Requesters' names (sanitized) by contact id, where contacts answered.
    pub contacts: &'a HashMap<Uuid, String>,
    pub now: DateTime<Utc>,
}

/// One sanitized cell per column.
pub fn row(t: &Ticket, columns: &[Column], from: &Sources, reader: Reader) -> Vec<String> {
    columns.iter().map(|c| cell(t, c, from, reader)).collect()
}

fn cell(t: &Ticket, column: &Column, from: &Sources, reader: Reader) -> String {
    let person = reader == Reader::Person;
    let none = if person { "—" } else { "" };
    let instant = |at: Option<DateTime<Utc>>| match at {
        None => none.to_string(),
        Some(at) if person => at.format("%Y-%m-%d %H:%M").to_string(),
        Some(at) => at.to_rfc3339(),
    };
    let named = |id: Option<Uuid>, name: fn(&Catalog, Uuid) -> Option<&str>| match id {
        None => none.to_string(),
        Some(id) => name(from.catalog, id)
            .map(|n| sanitize(n).into_owned())
            .unwrap_or_else(|| id.to_string()),
    };
    match column {
        Column::Number if person => format!("#{}", t.ticket_number),
        Column::Number => t.ticket_number.to_string(),
        Column::Status => label(&t.status_name, t.status.as_str()),
        Column::Priority => label(&t.priority_name, t.priority.as_str()),
        Column::Subject => sanitize(&t.subject).into_owned(),
        Column::Assignee => named(t.assignee_id, Catalog::user_name),
        Column::Inbox => named(t.inbox_id, Catalog::inbox_name),
        Column::Requester => match t.contact_id {
            None => none.to_string(),
            Some(id) => from
                .contacts
                .get(&id)
                .cloned()
                .unwrap_or_else(|| id.to_string()),
        },
        Column::Created => instant(t.created_at),
        Column::Updated => instant(t.updated_at),
        Column::Reminder => match t.remind_at {
            Some(at) if person => time_left(at, from.now),
            at => instant(at),
        },
        Column::Age => match t.created_at {
            None => none.to_string(),
            Some(at) if person => relative(at, from.now),
            Some(at) => (from.now - at).num_seconds().max(0).to_string(),
        },
        Column::Tag => match from.details.get(&t.id) {
            None => none.to_string(),
            Some(d) => {
                let names: Vec<String> = d
                    .tags
                    .iter()
                    .map(|tag| sanitize(&tag.name).into_owned())
                    .collect();
                names.join(", ")
            }
        },
        Column::Field(key) => match from
            .details
            .get(&t.id)
            .and_then(|d| d.custom_fields.get(key))
        {
            None | Some(serde_json::Value::Null) => none.to_string(),
            Some(value) => field_text(value, key, from.catalog),
        },
    }
}

fn label(custom: &str, category: &str) -> String {
    sanitize(if custom.trim().is_empty() {
        category
    } else {
        custom
    })
    .into_owned()
}

/// A custom field's value as text: an option's label where the catalog
/// knows it, numbers as the server wrote them, lists joined.
fn field_text(value: &serde_json::Value, key: &str, catalog: &Catalog) -> String {
    use serde_json::Value;
    let option_label = |s: &str| -> String {
        let label = catalog.field(key).and_then(|f| {
            let id: Uuid = s.parse().ok()?;
            f.options
                .iter()
                .find(|o| o.id == id)
                .map(|o| o.label.clone())
        });
        sanitize(label.as_deref().unwrap_or(s)).into_owned()
    };
    match value {
        Value::String(s) => option_label(s),
        Value::Array(items) => items
            .iter()
            .map(|v| field_text(v, key, catalog))
            .collect::<Vec<_>>()
            .join(", "),
        other => sanitize(&other.to_string()).into_owned(),
    }
}

/// An aligned table; with `max_width` (a terminal's), the subject column
/// is cut to what the others leave (at least 10 cells).
pub fn write_table(
    out: &mut impl Write,
    columns: &[Column],
    rows: &[Vec<String>],
    header: bool,
    max_width: Option<usize>,
) -> io::Result<()> {
    let head: Vec<String> = columns
        .iter()
        .map(|c| c.to_string().to_uppercase())
        .collect();
    let mut widths: Vec<usize> = if header {
        head.iter().map(|h| h.width()).collect()
    } else {
        vec![0; columns.len()]
    };
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    if let (Some(max), Some(subject)) = (
        max_width,
        columns.iter().position(|c| *c == Column::Subject),
    ) {
        let others: usize = widths
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != subject)
            .map(|(_, w)| w + 2)
            .sum();
        widths[subject] = widths[subject].min(max.saturating_sub(others).max(10));
    }
    let line = |cells: &[String]| -> String {
        let mut s = String::new();
        for (cell, &w) in cells.iter().zip(&widths) {
            let cell = if cell.width() > w {
                fit(cell, w).into_owned()
            } else {
                cell.clone()
            };
            s.push_str(&cell);
            s.extend(std::iter::repeat_n(' ', w.saturating_sub(cell.width()) + 2));
        }
        s.trim_end().to_string()
    };
    if header {
        writeln!(out, "{}", line(&head))?;
    }
    for row in rows {
        writeln!(out, "{}", line(row))?;
    }
    Ok(())
}

/// CSV with the column names as the header; cells a spreadsheet would run
/// as formulas are defused as in the default CSV.
pub fn write_csv(
    out: impl Write,
    columns: &[Column],
    rows: &[Vec<String>],
    header: bool,
) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    if header {
        w.write_record(columns.iter().map(|c| c.to_string()))
            .map_err(csv_io)?;
    }
    for row in rows {
        w.write_record(row.iter().map(|c| inert_cell(c).into_owned()))
            .map_err(csv_io)?;
    }
    w.flush()
}
