//! The columns a ticket list can show, by the names the config and the
//! command line use (`triage list --columns number,status,field:plan`).
//! Shared so that a name means the same column everywhere: the UI's
//! `[ui] columns` and a view's own `columns` hold the same names, each with
//! an optional [`Width`].

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// One column of a ticket list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    Number,
    Status,
    Priority,
    Subject,
    Assignee,
    Inbox,
    Requester,
    Created,
    Updated,
    Reminder,
    Age,
    /// The ticket's tags (only in its detail, not in list rows).
    Tag,
    /// A custom field by key (only in the ticket's detail).
    Field(String),
}

impl Column {
    /// Every name, as an error message lists them.
    pub const NAMES: &'static [&'static str] = &[
        "number",
        "status",
        "priority",
        "subject",
        "assignee",
        "inbox",
        "requester",
        "created",
        "updated",
        "reminder",
        "age",
        "tag",
        "field:KEY",
    ];

    pub fn parse(name: &str) -> Result<Column, String> {
        let name = name.trim();
        Ok(match name {
            "number" => Column::Number,
            "status" => Column::Status,
            "priority" => Column::Priority,
            "subject" => Column::Subject,
            "assignee" => Column::Assignee,
            "inbox" => Column::Inbox,
            "requester" => Column::Requester,
            "created" => Column::Created,
            "updated" => Column::Updated,
            "reminder" => Column::Reminder,
            "age" => Column::Age,
            "tag" => Column::Tag,
            _ => match name.strip_prefix("field:") {
                Some(key) if !key.trim().is_empty() => Column::Field(key.trim().to_string()),
                _ => {
                    return Err(format!(
                        "unknown column '{name}' (columns: {})",
                        Column::NAMES.join(", ")
                    ));
                }
            },
        })
    }

    /// `number,status,field:plan`: at least one, each once.
    pub fn parse_list(list: &str) -> Result<Vec<Column>, String> {
        let mut columns: Vec<Column> = Vec::new();
        for name in list.split(',') {
            let column = Column::parse(name)?;
            if columns.contains(&column) {
                return Err(format!("column '{column}' is given twice"));
            }
            columns.push(column);
        }
        Ok(columns)
    }

    /// Whether its value comes from the ticket's detail (tags, custom
    /// fields), one more request per ticket, rather than the list row.
    pub fn needs_detail(&self) -> bool {
        matches!(self, Column::Tag | Column::Field(_))
    }

    /// Whether its cells are asked row by row in the background (the
    /// ticket's detail, or the requester's contact): see `app::row_details`.
    pub fn fetched_per_row(&self) -> bool {
        self.needs_detail() || *self == Column::Requester
    }
}

/// How wide a column is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Width {
    /// As wide as its widest visible value, within the column's own
    /// bounds (the subject: whatever the others leave).
    #[default]
    Auto,
    /// Exactly this many cells.
    Fixed(u16),
    /// Whatever the other columns leave, shared with the other growing
    /// columns.
    Grow,
    /// At least this many cells, and a share of what is left.
    Min(u16),
}

impl Width {
    /// Wider is a typo: no terminal column is this wide.
    pub const MAX: u16 = 500;

    /// `12`, `"grow"`, `"min:12"` (as a string too: `"12"`).
    pub fn parse(text: &str) -> Result<Width, String> {
        let text = text.trim();
        let cells = |n: &str| -> Result<u16, String> {
            match n.trim().parse::<u16>() {
                Ok(n) if (1..=Width::MAX).contains(&n) => Ok(n),
                _ => Err(format!(
                    "width '{text}': a number of cells from 1 to {} is expected",
                    Width::MAX
                )),
            }
        };
        match text {
            "grow" => Ok(Width::Grow),
            "auto" => Ok(Width::Auto),
            _ => match text.strip_prefix("min:") {
                Some(n) => cells(n).map(Width::Min),
                None if text.chars().all(|c| c.is_ascii_digit()) && !text.is_empty() => {
                    cells(text).map(Width::Fixed)
                }
                None => Err(format!(
                    "width '{text}': use a number of cells, \"grow\" or \"min:N\""
                )),
            },
        }
    }
}

impl fmt::Display for Width {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Width::Auto => f.write_str("auto"),
            Width::Fixed(n) => write!(f, "{n}"),
            Width::Grow => f.write_str("grow"),
            Width::Min(n) => write!(f, "min:{n}"),
        }
    }
}

impl Serialize for Width {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Width::Fixed(n) => s.serialize_u16(*n),
            other => s.serialize_str(&other.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for Width {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct WidthVisitor;
        impl Visitor<'_> for WidthVisitor {
            type Value = Width;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number of cells, \"grow\" or \"min:N\"")
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Width, E> {
                Width::parse(&n.to_string()).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Width, E> {
                Width::parse(&n.to_string()).map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Width, E> {
                Width::parse(s).map_err(E::custom)
            }
        }
        d.deserialize_any(WidthVisitor)
    }
}

/// One entry of a `columns` list as written: `"subject"` or
/// `{ name = "subject", width = "grow" }`. The name is kept as text: an
/// unknown one is a warning with its line (see [`resolve`]), never a
/// reason to refuse the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnEntry {
    pub name: String,
    pub width: Width,
}

impl Serialize for ColumnEntry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        if self.width == Width::Auto {
            return s.serialize_str(&self.name);
        }
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("name", &self.name)?;
        map.serialize_entry("width", &self.width)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for ColumnEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = ColumnEntry;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a column name or { name = \"…\", width = … }")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ColumnEntry, E> {
                Ok(ColumnEntry {
                    name: s.to_string(),
                    width: Width::Auto,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ColumnEntry, A::Error> {
                let (mut name, mut width) = (None, Width::Auto);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "name" => name = Some(map.next_value::<String>()?),
                        "width" => width = map.next_value::<Width>()?,
                        other => {
                            return Err(de::Error::unknown_field(other, &["name", "width"]));
                        }
                    }
                }
                let name = name.ok_or_else(|| de::Error::missing_field("name"))?;
                Ok(ColumnEntry { name, width })
            }
        }
        d.deserialize_any(EntryVisitor)
    }
}

/// A column to draw and how wide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSpec {
    pub column: Column,
    pub width: Width,
}

/// Today's layout: what `[ui] columns` is when not set.
pub const DEFAULT_COLUMNS: &[&str] = &[
    "number", "status", "priority", "subject", "assignee", "updated",
];

/// [`DEFAULT_COLUMNS`], each at its automatic width.
pub fn default_columns() -> Vec<ColumnSpec> {
    DEFAULT_COLUMNS
        .iter()
        .filter_map(|n| Column::parse(n).ok())
        .map(|column| ColumnSpec {
            column,
            width: Width::Auto,
        })
        .collect()
}

/// The columns of a list as written, and what is wrong with the entries
/// left out (an unknown name, a column given twice), by index.
pub fn resolve(entries: &[ColumnEntry]) -> (Vec<ColumnSpec>, Vec<(usize, String)>) {
    let mut specs: Vec<ColumnSpec> = Vec::new();
    let mut problems = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        match Column::parse(&entry.name) {
            Ok(column) if specs.iter().any(|s| s.column == column) => {
                problems.push((i, format!("column '{column}' is given twice (ignored)")))
            }
            Ok(column) => specs.push(ColumnSpec {
                column,
                width: entry.width,
            }),
            Err(e) => problems.push((i, format!("{e} (ignored)"))),
        }
    }
    (specs, problems)
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Column::Number => "number",
            Column::Status => "status",
            Column::Priority => "priority",
            Column::Subject => "subject",
            Column::Assignee => "assignee",
            Column::Inbox => "inbox",
            Column::Requester => "requester",
            Column::Created => "created",
            Column::Updated => "updated",
            Column::Reminder => "reminder",
            Column::Age => "age",
            Column::Tag => "tag",
            Column::Field(key) => return write!(f, "field:{key}"),
        };
        f.write_str(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        let list = "number,status,priority,subject,assignee,inbox,requester,created,updated,reminder,age,tag,field:plan";
        let columns = Column::parse_list(list).unwrap();
        assert_eq!(columns.len(), 13);
        let back: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        assert_eq!(back.join(","), list);
    }

    #[test]
    fn widths_parse_and_read_back() {
        for (text, width) in [
            ("12", Width::Fixed(12)),
            ("grow", Width::Grow),
            ("min:12", Width::Min(12)),
            ("auto", Width::Auto),
        ] {
            assert_eq!(Width::parse(text), Ok(width));
            assert_eq!(width.to_string(), text);
        }
        for bad in ["0", "min:0", "min:", "wide", "-3", "501"] {
            assert!(Width::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn entries_resolve_with_their_problems_by_index() {
        let entry = |name: &str, width| ColumnEntry {
            name: name.into(),
            width,
        };
        let (specs, problems) = resolve(&[
            entry("number", Width::Auto),
            entry("stauts", Width::Auto),
            entry("subject", Width::Grow),
            entry("number", Width::Fixed(3)),
        ]);
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[1].width, Width::Grow);
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].0, 1);
        assert!(problems[0].1.contains("unknown column 'stauts'"));
        assert!(problems[1].1.contains("twice"));
        assert_eq!(default_columns().len(), DEFAULT_COLUMNS.len());
    }

    #[test]
    fn mistakes_are_named() {
        assert!(
            Column::parse_list("number,stauts")
                .unwrap_err()
                .contains("unknown column 'stauts'")
        );
        assert!(Column::parse_list("field:").is_err());
        assert!(Column::parse_list("tag,tag").unwrap_err().contains("twice"));
        assert!(Column::parse_list("").is_err());
    }
}
