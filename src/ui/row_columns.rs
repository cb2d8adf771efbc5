//! The list's chosen columns (`[ui] columns`, a view's own `columns`): the
//! text of each cell and the widths of a layout. Today's six columns keep
//! their tuned layout ([`super::table::columns`]); any other list is laid
//! out here: fixed widths as given, automatic ones as wide as their widest
//! visible value within the column's bounds, growing ones share what is
//! left, and columns that do not fit are dropped from the right rather
//! than squeezed unreadable.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::text::{relative, time_left, width};
use crate::api::types::Ticket;
use crate::app::labels::{priority_label, status_label};
use crate::app::source::Directory;
use crate::app::triage::known::Known;
use crate::columns::{Column, ColumnSpec, Width, default_columns};
use crate::text::sanitize;

/// Shown in a tag or field cell until the ticket's detail is known.
pub const UNKNOWN: &str = "…";
/// Narrowest useful subject; below it columns on the right give way.
pub const MIN_SUBJECT: u16 = 20;
/// No automatic column grows wider than this, whatever its values.
const AUTO_CAP: u16 = 24;

/// One column as drawn: what, how wide, its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub column: Column,
    pub width: u16,
    pub label: String,
    /// Times and counts sit at the right of their cell.
    pub right: bool,
}

/// What a cell's text is made from besides the ticket.
pub struct CellSource<'a> {
    pub names: &'a dyn Directory,
    /// Tags and field values learned from details (see `app::row_details`).
    pub known: &'a HashMap<Uuid, Known>,
    /// Requesters' names, once loaded (the id until then).
    pub contacts: &'a crate::app::contacts::ContactBook,
    pub now: DateTime<Utc>,
    pub relative_times: bool,
}

impl CellSource<'_> {
    /// The sanitized text of one cell (the status and priority as their
    /// labels: the table styles them).
    pub fn text(&self, column: &Column, t: &Ticket) -> String {
        let time = |at: Option<DateTime<Utc>>| match at {
            Some(at) if self.relative_times => relative(at, self.now),
            Some(at) => at.format("%m-%d %H:%M").to_string(),
            None => "—".into(),
        };
        let short = |id: Uuid| id.to_string()[..8].to_string();
        match column {
            Column::Number => format!("#{}", t.ticket_number),
            Column::Status => status_label(t),
            Column::Priority => priority_label(t),
            Column::Subject => sanitize(&t.subject).into_owned(),
            Column::Assignee => assignee_name(t, self.names),
            Column::Inbox => match t.inbox_id {
                None => "—".into(),
                Some(id) => self
                    .names
                    .inbox_name(id)
                    .map(|n| sanitize(&n).into_owned())
                    .unwrap_or_else(|| short(id)),
            },
            // The list row names the contact by id: its name once loaded.
            Column::Requester => match t.contact_id {
                None => "—".into(),
                Some(id) => self
                    .contacts
                    .display_name(id)
                    .map_or_else(|| short(id), str::to_string),
            },
            Column::Created => time(t.created_at),
            Column::Updated => time(t.updated_at),
            Column::Reminder => t
                .remind_at
                .map(|at| time_left(at, self.now))
                .unwrap_or_default(),
            Column::Age => t.created_at.map_or("—".into(), |at| relative(at, self.now)),
            Column::Tag => match self.known.get(&t.id).and_then(|k| k.tags.as_ref()) {
                None => UNKNOWN.into(),
                Some(tags) if tags.is_empty() => "—".into(),
                Some(tags) => {
                    let catalog = self.names.catalog();
                    let names: Vec<String> = tags
                        .iter()
                        .map(|id| {
                            catalog
                                .and_then(|c| c.tag_name(*id))
                                .map(|n| sanitize(n).into_owned())
                                .unwrap_or_else(|| short(*id))
                        })
                        .collect();
                    names.join(", ")
                }
            },
            Column::Field(key) => match self.known.get(&t.id).and_then(|k| k.fields.as_ref()) {
                None => UNKNOWN.into(),
                Some(fields) => match fields.get(key) {
                    None | Some(serde_json::Value::Null) => "—".into(),
                    Some(value) => field_text(value, key, self.names),
                },
            },
        }
    }
}

/// The assignee's name, a short id when the name is not known, "—" when
/// nobody is assigned.
pub fn assignee_name(t: &Ticket, names: &dyn Directory) -> String {
    match t.assignee_id {
        None => "—".to_string(),
        Some(id) => names
            .user_name(id)
            .map(|n| sanitize(&n).into_owned())
            // Unknown name: a short id beats a blank.
            .unwrap_or_else(|| id.to_string()[..8].to_string()),
    }
}

/// A custom field's value: an option's label where known, lists joined.
fn field_text(value: &serde_json::Value, key: &str, names: &dyn Directory) -> String {
    use serde_json::Value;
    match value {
        Value::String(s) => {
            let label = s.parse().ok().and_then(|id| names.option_label(key, id));
            sanitize(label.as_deref().unwrap_or(s)).into_owned()
        }
        Value::Array(items) => items
            .iter()
            .map(|v| field_text(v, key, names))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        other => sanitize(&other.to_string()).into_owned(),
    }
}

/// Header labels of a column, longest first: the widest that fits is drawn.
pub fn labels(column: &Column, names: &dyn Directory) -> Vec<String> {
    let words: &[&str] = match column {
        Column::Number => &["#"],
        Column::Status => &["status"],
        Column::Priority => super::table::PRIORITY_LABELS,
        Column::Subject => &["subject"],
        Column::Assignee => &["assignee"],
        Column::Inbox => &["inbox"],
        Column::Requester => &["requester", "req."],
        Column::Created => &["created", "crtd"],
        Column::Updated => super::table::UPDATED_LABELS,
        Column::Reminder => &["reminder", "rem."],
        Column::Age => &["age"],
        Column::Tag => &["tags", "tag"],
        Column::Field(key) => {
            let label = names
                .field_label(key)
                .map(|l| sanitize(&l).into_owned())
                .unwrap_or_else(|| key.clone());
            return vec![label];
        }
    };
    words.iter().map(|w| w.to_string()).collect()
}

/// The longest label that fits in `w` cells, else the shortest cut to it.
pub fn label_in(labels: &[String], w: u16) -> String {
    labels
        .iter()
        .find(|l| width(l) <= usize::from(w))
        .cloned()
        .unwrap_or_else(|| {
            let last = labels.last().map(String::as_str).unwrap_or("");
            super::text::fit(last, usize::from(w)).into_owned()
        })
}

fn right_aligned(column: &Column) -> bool {
    matches!(
        column,
        Column::Created | Column::Updated | Column::Reminder | Column::Age
    )
}

/// The narrowest and widest an automatic column is drawn.
fn bounds(column: &Column, labels: &[String]) -> (u16, u16) {
    let shortest = labels.iter().map(|l| width(l)).min().unwrap_or(1) as u16;
    let (floor, cap) = match column {
        Column::Number => (1, 12),
        // Badge padding included.
        Column::Status => (10, 24),
        Column::Priority => (4, 12),
        Column::Subject => (MIN_SUBJECT, u16::MAX),
        Column::Assignee => (10, 22),
        Column::Inbox => (8, 20),
        Column::Requester => (8, 22),
        Column::Created | Column::Updated | Column::Age | Column::Reminder => (4, 11),
        Column::Tag | Column::Field(_) => (4, AUTO_CAP),
    };
    (floor.max(shortest).min(cap), cap)
}

/// Whether `specs` are today's layout, drawn by the tuned six-column code.
pub fn is_default(specs: &[ColumnSpec]) -> bool {
    specs == default_columns().as_slice()
}

/// Lays `specs` out in `total` cells for the `visible` rows: one gap after
/// every column but the last; what does not fit is dropped from the right.
pub fn layout(
    specs: &[ColumnSpec],
    visible: &[Ticket],
    cells: &CellSource,
    total: u16,
) -> Vec<Placed> {
    let explicit_flex = specs
        .iter()
        .any(|s| matches!(s.width, Width::Grow | Width::Min(_)));
    let planned: Vec<(Placed, u16, bool)> = specs
        .iter()
        .map(|spec| {
            let labels = labels(&spec.column, cells.names);
            let (floor, cap) = bounds(&spec.column, &labels);
            let natural = || {
                let widest = visible
                    .iter()
                    .map(|t| width(&cells.text(&spec.column, t)))
                    .max()
                    .unwrap_or(0)
                    .min(usize::from(u16::MAX)) as u16;
                let badge = if spec.column == Column::Status { 2 } else { 0 };
                let longest_label = labels.iter().map(|l| width(l)).max().unwrap_or(0) as u16;
                // Times and tags read better under their whole header word.
                let wanted = match spec.column {
                    Column::Number | Column::Status | Column::Priority => widest + badge,
                    _ => (widest + badge).max(longest_label),
                };
                wanted.clamp(floor, cap)
            };
            let subject_auto = spec.column == Column::Subject && spec.width == Width::Auto;
            let (need, flex) = match spec.width {
                Width::Fixed(n) => (n, false),
                Width::Min(n) => (n, true),
                Width::Grow => (floor, true),
                Width::Auto if subject_auto => (MIN_SUBJECT, true),
                Width::Auto => (natural(), false),
            };
            // An automatic subject grows only when nothing else was asked to.
            let flex = flex && !(subject_auto && explicit_flex);
            let placed = Placed {
                right: right_aligned(&spec.column),
                column: spec.column.clone(),
                width: need,
                label: String::new(),
            };
            (placed, need, flex)
        })
        .collect();
    let used = |n: usize| -> u32 {
        let widths: u32 = planned[..n]
            .iter()
            .map(|(_, need, _)| u32::from(*need))
            .sum();
        widths + n.saturating_sub(1) as u32
    };
    let mut keep = planned.len();
    while keep > 1 && used(keep) > u32::from(total) {
        keep -= 1;
    }
    let spare = u32::from(total).saturating_sub(used(keep)) as u16;
    let mut placed: Vec<(Placed, bool)> = planned
        .into_iter()
        .take(keep)
        .map(|(p, _, flex)| (p, flex))
        .collect();
    let growing = placed.iter().filter(|(_, flex)| *flex).count() as u16;
    if let Some(share) = spare.checked_div(growing) {
        let mut rest = spare % growing;
        for (p, _) in placed.iter_mut().filter(|(_, flex)| *flex) {
            p.width += share + u16::from(rest > 0);
            rest = rest.saturating_sub(1);
        }
    }
    // The only column left, wider than the screen: cut to it.
    if let Some((p, _)) = placed.first_mut()
        && keep == 1
    {
        p.width = p.width.min(total);
    }
    placed
        .into_iter()
        .map(|(mut p, _)| {
            p.label = label_in(&labels(&p.column, cells.names), p.width);
            p
        })
        .collect()
}
