//! The server's own records. Catalog entries reuse the wire types; tickets
//! carry what the list endpoint leaves out (body, tags, custom field values,
//! messages), and are turned into wire `Ticket`s only for the rows answered.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::conversation::Conversation;

use crate::api::types::{
    AuthorType, Inbox, Message, Priority, PriorityLevel, Status, StatusCategory, Tag, Ticket,
    TicketDetail, TicketField, User,
};

/// A customer who writes in.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub company: String,
}

impl Contact {
    pub fn to_wire(&self) -> crate::api::types::Contact {
        crate::api::types::Contact {
            id: self.id,
            name: self.name.clone(),
            email: Some(self.email.clone()),
            company: Some(self.company.clone()),
        }
    }
}

/// One stored custom field value. Which variant is valid depends on the
/// field's type; a ticket without a value has no entry at all.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Text(String),
    Number(f64),
    Checkbox(bool),
    Select(Uuid),
    MultiSelect(Vec<Uuid>),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
}

impl FieldValue {
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            FieldValue::Text(s) => Value::String(s.clone()),
            FieldValue::Number(n) => serde_json::Number::from_f64(*n)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            FieldValue::Checkbox(b) => Value::Bool(*b),
            FieldValue::Select(id) => Value::String(id.to_string()),
            FieldValue::MultiSelect(ids) => {
                Value::Array(ids.iter().map(|i| Value::String(i.to_string())).collect())
            }
            FieldValue::Date(d) => Value::String(d.format("%Y-%m-%d").to_string()),
            FieldValue::DateTime(t) => Value::String(rfc3339(t)),
        }
    }
}

fn rfc3339(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A ticket's custom field values by `field_key`, sorted by key. A ticket
/// has a handful, so a sorted vector whose keys are shared with every other
/// ticket's (one `Arc` per field) costs a fraction of a map with a tree node
/// and a key string per ticket, and finds a key as fast.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldValues {
    entries: Vec<(Arc<str>, FieldValue)>,
}

impl FieldValues {
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| (**k).cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&FieldValue> {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key`'s value; answers the one it replaces.
    pub fn insert(&mut self, key: Arc<str>, value: FieldValue) -> Option<FieldValue> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Drops `key`'s value; answers it.
    pub fn remove(&mut self, key: &str) -> Option<FieldValue> {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// In key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &FieldValue)> {
        self.entries.iter().map(|(k, v)| (&**k, v))
    }
}

impl FromIterator<(Arc<str>, FieldValue)> for FieldValues {
    /// A key given twice keeps its last value, as a map's `collect` does.
    fn from_iter<I: IntoIterator<Item = (Arc<str>, FieldValue)>>(items: I) -> Self {
        let mut values = FieldValues::default();
        for (k, v) in items {
            values.insert(k, v);
        }
        values.entries.shrink_to_fit();
        values
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerMessage {
    pub id: Uuid,
    /// Shared with the contact's or agent's other messages.
    pub author_name: Option<Arc<str>>,
    pub author_type: AuthorType,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl ServerMessage {
    pub fn to_wire(&self) -> Message {
        Message {
            id: self.id,
            author_name: self.author_name.as_deref().map(str::to_string),
            author_type: self.author_type.clone(),
            body: self.body.clone(),
            created_at: Some(self.created_at),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerTicket {
    pub id: Uuid,
    pub ticket_number: i64,
    pub subject: String,
    /// Text of the ticket besides its conversation, searched with it. Empty
    /// in generated tickets, whose opening text is their first message.
    pub body: String,
    pub inbox_id: Uuid,
    pub status_id: Uuid,
    pub priority_id: Uuid,
    pub assignee_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub remind_at: Option<DateTime<Utc>>,
    pub remind_transition_status_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub tag_ids: Vec<Uuid>,
    /// `field_key` → stored value.
    pub custom_fields: FieldValues,
    /// Oldest first.
    pub messages: Conversation,
}

/// Everything the server knows. Tests read it through
/// `ServerHandle::with_data` and change it through `with_data_mut`.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub statuses: Vec<Status>,
    pub priorities: Vec<Priority>,
    pub tags: Vec<Tag>,
    pub inboxes: Vec<Inbox>,
    pub users: Vec<User>,
    pub contacts: Vec<Contact>,
    pub fields: Vec<TicketField>,
    pub tickets: Vec<ServerTicket>,
}

impl Dataset {
    pub fn status(&self, id: Uuid) -> Option<&Status> {
        self.statuses.iter().find(|s| s.id == id)
    }

    pub fn priority(&self, id: Uuid) -> Option<&Priority> {
        self.priorities.iter().find(|p| p.id == id)
    }

    pub fn field(&self, key: &str) -> Option<&TicketField> {
        self.fields.iter().find(|f| f.field_key == key)
    }

    pub fn ticket(&self, id: Uuid) -> Option<&ServerTicket> {
        self.tickets.iter().find(|t| t.id == id)
    }

    /// The status category of a ticket; a dangling status id (possible after
    /// a test edits the data) reads as an unknown category.
    pub fn category_of(&self, t: &ServerTicket) -> StatusCategory {
        self.status(t.status_id)
            .map(|s| s.category.clone())
            .unwrap_or_else(|| StatusCategory::Other(String::new()))
    }

    pub fn level_of(&self, t: &ServerTicket) -> PriorityLevel {
        self.priority(t.priority_id)
            .map(|p| p.level.clone())
            .unwrap_or_else(|| PriorityLevel::Other(String::new()))
    }

    /// The list row of a ticket, with status/priority names and colors taken
    /// from the catalog so they always agree with the ids.
    pub fn to_wire(&self, t: &ServerTicket) -> Ticket {
        let status = self.status(t.status_id);
        let priority = self.priority(t.priority_id);
        Ticket {
            id: t.id,
            ticket_number: t.ticket_number,
            subject: t.subject.clone(),
            inbox_id: Some(t.inbox_id),
            status: status
                .map(|s| s.category.clone())
                .unwrap_or_else(|| StatusCategory::Other(String::new())),
            status_id: Some(t.status_id),
            status_name: status.map(|s| s.name.clone()).unwrap_or_default(),
            status_color: status.and_then(|s| s.color.clone()),
            priority: priority
                .map(|p| p.level.clone())
                .unwrap_or_else(|| PriorityLevel::Other(String::new())),
            priority_id: Some(t.priority_id),
            priority_name: priority.map(|p| p.name.clone()).unwrap_or_default(),
            priority_color: priority.and_then(|p| p.color.clone()),
            assignee_id: t.assignee_id,
            contact_id: t.contact_id,
            remind_at: t.remind_at,
            remind_transition_status_id: t.remind_transition_status_id,
            created_at: Some(t.created_at),
            updated_at: Some(t.updated_at),
        }
    }

    pub fn to_detail(&self, t: &ServerTicket) -> TicketDetail {
        TicketDetail {
            ticket: self.to_wire(t),
            tags: t
                .tag_ids
                .iter()
                .filter_map(|id| self.tags.iter().find(|tag| tag.id == *id).cloned())
                .collect(),
            custom_fields: t
                .custom_fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_json()))
                .collect(),
        }
    }
}
