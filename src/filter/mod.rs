//! The filter model: every parameter of `GET /tickets` in one value, its
//! query pairs, and its compact text form. Knows nothing of HTTP or terminals.

pub mod resolve;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::api::types::{PriorityLevel, StatusCategory};
pub use resolve::{Aliases, FieldAlias, FieldSpec, Resolver};

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
