//! The columns a ticket list can show, by the names the config and the
//! command line use (`triage list --columns number,status,field:plan`).
//! Shared so that a name means the same column everywhere.

use std::fmt;

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
