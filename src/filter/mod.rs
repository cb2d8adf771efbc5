//! The filter model: every parameter of `GET /tickets` in one value, its
//! query pairs, and its compact text form. Knows nothing of HTTP or terminals.

mod query;
pub mod resolve;
pub mod text;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::model::{PriorityLevel, StatusCategory};
pub(crate) use query::unknown_message;
pub use query::{FilterError, MAX_CUSTOM_FIELDS};
pub use resolve::{Aliases, FieldAlias, FieldSpec, NameKind, Resolver};
pub use text::{ParseError, format, parse, parse_key_value};

/// A reference to a named workspace entity (tag, inbox, user, field option):
/// either its UUID, or a name resolved through the catalog at request time.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityRef {
    Id(Uuid),
    Name(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssigneeFilter {
    Unassigned,
    User(EntityRef),
}

/// Value wanted for one custom field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// `__empty__`: tickets with no stored value.
    Empty,
    /// Raw text as typed: for select/multi_select an option label or UUID
    /// (resolved through the catalog), otherwise sent as is.
    Value(String),
}

/// One end of a date range. Relative bounds resolve at request time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateBound {
    /// `2026-11-01` (midnight UTC) .
    Date(NaiveDate),
    /// A full ISO 8601 instant.
    Instant(DateTime<Utc>),
    /// `7d`, `24h`, `30m`: that long before now.
    Ago(RelativeSpan),
    /// `today`: midnight UTC of the current day.
    Today,
    /// `yesterday`: midnight UTC of the day before the current one.
    Yesterday,
}

impl DateBound {
    /// The words a user types for it (`2026-11-01`, `today`, `7d`): what
    /// the filter line writes after its `>`/`<` and a date pane starts with.
    pub fn typed(&self) -> String {
        match self {
            DateBound::Date(d) => d.format("%Y-%m-%d").to_string(),
            DateBound::Instant(t) => t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            DateBound::Today => "today".into(),
            DateBound::Yesterday => "yesterday".into(),
            DateBound::Ago(span) => {
                let unit = match span.unit {
                    SpanUnit::Minutes => 'm',
                    SpanUnit::Hours => 'h',
                    SpanUnit::Days => 'd',
                    SpanUnit::Weeks => 'w',
                };
                format!("{}{unit}", span.amount)
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelativeSpan {
    pub amount: u32,
    pub unit: SpanUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanUnit {
    Minutes,
    Hours,
    Days,
    Weeks,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortField {
    CreatedAt,
    #[default]
    UpdatedAt,
    Priority,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    Asc,
    #[default]
    Desc,
}

/// Every filter parameter of `GET /tickets` (page and per_page live outside).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TicketFilter {
    /// Full-text search in websearch syntax, as typed.
    pub query: Option<String>,
    /// Status categories (any of).
    pub statuses: Vec<StatusCategory>,
    pub priority: Option<PriorityLevel>,
    pub assignee: Option<AssigneeFilter>,
    pub inbox: Option<EntityRef>,
    /// Tags the ticket must all carry.
    pub tags: Vec<EntityRef>,
    pub created_after: Option<DateBound>,
    pub created_before: Option<DateBound>,
    pub updated_after: Option<DateBound>,
    pub updated_before: Option<DateBound>,
    /// `field_key` → wanted value.
    pub custom_fields: BTreeMap<String, FieldValue>,
    pub sort: Option<SortField>,
    pub order: Option<SortOrder>,
}

impl TicketFilter {
    /// True when the filter sets nothing: every ticket matches, default order.
    pub fn is_empty(&self) -> bool {
        *self == TicketFilter::default()
    }

    /// Combines `other` into this filter, as command-line flags refine a
    /// `--filter` or a saved view: statuses and tags are added, custom
    /// fields merged, search text appended, and every single value `other`
    /// sets replaces this one's.
    pub fn merge(&mut self, other: TicketFilter) {
        let TicketFilter {
            query,
            statuses,
            priority,
            assignee,
            inbox,
            tags,
            created_after,
            created_before,
            updated_after,
            updated_before,
            custom_fields,
            sort,
            order,
        } = other;
        self.query = match (self.query.take(), query) {
            (Some(a), Some(b)) => Some(format!("{a} {b}")),
            (a, b) => b.or(a),
        };
        for s in statuses {
            self.add_status(s);
        }
        for t in tags {
            self.add_tag(t);
        }
        self.custom_fields.extend(custom_fields);
        fn replace<T>(slot: &mut Option<T>, new: Option<T>) {
            if new.is_some() {
                *slot = new;
            }
        }
        replace(&mut self.priority, priority);
        replace(&mut self.assignee, assignee);
        replace(&mut self.inbox, inbox);
        replace(&mut self.created_after, created_after);
        replace(&mut self.created_before, created_before);
        replace(&mut self.updated_after, updated_after);
        replace(&mut self.updated_before, updated_before);
        replace(&mut self.sort, sort);
        replace(&mut self.order, order);
    }

    /// Adds a status category unless it is already there.
    pub fn add_status(&mut self, status: StatusCategory) {
        if !self.statuses.contains(&status) {
            self.statuses.push(status);
        }
    }

    /// Removes a status category if present; says whether it was.
    pub fn remove_status(&mut self, status: &StatusCategory) -> bool {
        let before = self.statuses.len();
        self.statuses.retain(|s| s != status);
        self.statuses.len() != before
    }

    /// Adds a tag unless it is already there.
    pub fn add_tag(&mut self, tag: EntityRef) {
        if !self.tags.contains(&tag) {
            self.tags.push(tag);
        }
    }

    /// Removes a tag if present; says whether it was.
    pub fn remove_tag(&mut self, tag: &EntityRef) -> bool {
        let before = self.tags.len();
        self.tags.retain(|t| t != tag);
        self.tags.len() != before
    }

    /// Sets or clears (`None`) one custom field.
    pub fn set_field(&mut self, key: impl Into<String>, value: Option<FieldValue>) {
        let key = key.into();
        match value {
            Some(v) => {
                self.custom_fields.insert(key, v);
            }
            None => {
                self.custom_fields.remove(&key);
            }
        }
    }

    /// Sets the search text; blank text clears it.
    pub fn set_query(&mut self, text: &str) {
        self.query = (!text.trim().is_empty()).then(|| text.to_string());
    }
}

impl EntityRef {
    /// A UUID when the text is one, a name otherwise: how a bare value of
    /// the text form, a CLI flag or a picker entry is read.
    pub fn from_text(text: &str) -> EntityRef {
        match Uuid::parse_str(text.trim()) {
            Ok(id) => EntityRef::Id(id),
            Err(_) => EntityRef::Name(text.to_string()),
        }
    }
}

impl RelativeSpan {
    /// The span as a duration; `None` if it does not fit one.
    pub fn duration(&self) -> Option<chrono::TimeDelta> {
        let amount = i64::from(self.amount);
        match self.unit {
            SpanUnit::Minutes => chrono::TimeDelta::try_minutes(amount),
            SpanUnit::Hours => chrono::TimeDelta::try_hours(amount),
            SpanUnit::Days => chrono::TimeDelta::try_days(amount),
            SpanUnit::Weeks => chrono::TimeDelta::try_weeks(amount),
        }
    }
}

impl DateBound {
    /// The instant this bound stands for at `now`; `None` when it falls
    /// outside the representable range.
    pub fn resolve(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            DateBound::Date(d) => Some(d.and_hms_opt(0, 0, 0)?.and_utc()),
            DateBound::Instant(t) => Some(*t),
            DateBound::Ago(span) => now.checked_sub_signed(span.duration()?),
            DateBound::Today => Some(now.date_naive().and_hms_opt(0, 0, 0)?.and_utc()),
            DateBound::Yesterday => {
                Some(now.date_naive().pred_opt()?.and_hms_opt(0, 0, 0)?.and_utc())
            }
        }
    }
}
