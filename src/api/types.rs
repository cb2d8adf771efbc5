//! Wire types of the helpdesk API (CONTRACT.md §2 and §6).
//!
//! Shared by the client (which decodes them leniently) and the local server
//! (which encodes them). Decoding never fails on a surprising value that a
//! server could plausibly send: unknown fields are ignored, nulls become
//! defaults, unknown categories survive as `Other(..)`, unparsable timestamps
//! become `None`. Strings are kept as the server sent them up to a size cap
//! ([`MAX_SHORT_TEXT_BYTES`], [`MAX_BODY_TEXT_BYTES`] for a message body;
//! longer ones end in [`CUT_MARKER`]); they are untrusted and go through
//! `crate::text::sanitize` before reaching a screen.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use uuid::Uuid;

pub use crate::model::{AuthorType, FieldType, MessageKind, PriorityLevel, StatusCategory};
pub use crate::text::{CUT_MARKER, MAX_BODY_TEXT_BYTES, MAX_SHORT_TEXT_BYTES, cap_text};

/// `{ "data": ..., "meta": ... }`, the envelope of every answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub data: T,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<PageMeta>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PageMeta {
    #[serde(default, deserialize_with = "lenient_u64")]
    pub page: u64,
    #[serde(default, deserialize_with = "lenient_u64")]
    pub per_page: u64,
    #[serde(default, deserialize_with = "lenient_u64")]
    pub total: u64,
}

impl PageMeta {
    /// Number of pages, at least 1 (an empty result is still "page 1/1").
    pub fn page_count(&self) -> u64 {
        if self.per_page == 0 {
            return 1;
        }
        self.total.div_ceil(self.per_page).max(1)
    }
}

/// One row of `GET /tickets`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: Uuid,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub ticket_number: i64,
    #[serde(default, deserialize_with = "lenient_string")]
    pub subject: String,
    #[serde(default, deserialize_with = "lenient_uuid")]
    pub inbox_id: Option<Uuid>,
    pub status: StatusCategory,
    #[serde(default, deserialize_with = "lenient_uuid")]
    pub status_id: Option<Uuid>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub status_name: String,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub status_color: Option<String>,
    pub priority: PriorityLevel,
    #[serde(default, deserialize_with = "lenient_uuid")]
    pub priority_id: Option<Uuid>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub priority_name: String,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub priority_color: Option<String>,
    #[serde(default, deserialize_with = "lenient_uuid")]
    pub assignee_id: Option<Uuid>,
    #[serde(default, deserialize_with = "lenient_uuid")]
    pub contact_id: Option<Uuid>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub remind_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "lenient_uuid")]
    pub remind_transition_status_id: Option<Uuid>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub updated_at: Option<DateTime<Utc>>,
}

/// `GET /tickets/{id}`: a ticket with its tags and custom field values
/// (every string in them capped like a short string).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketDetail {
    #[serde(flatten)]
    pub ticket: Ticket,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub tags: Vec<Tag>,
    /// `field_key` → value as the server sent it (type depends on the field).
    #[serde(default, deserialize_with = "lenient_object")]
    pub custom_fields: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Status {
    pub id: Uuid,
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: String,
    #[serde(rename = "type")]
    pub category: StatusCategory,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub color: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Priority {
    pub id: Uuid,
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: String,
    pub level: PriorityLevel,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub color: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tag {
    pub id: Uuid,
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: String,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub color: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    pub id: Uuid,
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: Uuid,
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: String,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub email: Option<String>,
}

/// `GET /contacts/{id}`: the customer who wrote a ticket (its `contact_id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub id: Uuid,
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: String,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub company: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldOption {
    pub id: Uuid,
    #[serde(default, deserialize_with = "lenient_string")]
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketField {
    pub id: Uuid,
    #[serde(default, deserialize_with = "lenient_string")]
    pub field_key: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub label: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub options: Vec<FieldOption>,
    /// Empty means the field applies to every inbox.
    #[serde(default, deserialize_with = "lenient_vec")]
    pub inbox_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub id: Uuid,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub author_name: Option<String>,
    pub author_type: AuthorType,
    #[serde(default, deserialize_with = "lenient_body")]
    pub body: String,
    #[serde(default, deserialize_with = "lenient_time")]
    pub created_at: Option<DateTime<Utc>>,
}

/// Body of `POST /tickets/{id}/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMessage {
    #[serde(rename = "type")]
    pub kind: MessageKind,
    pub body: String,
}

/// Body of `PATCH /tickets/{id}`. `None` fields are not sent;
/// `Some(None)` sends an explicit `null` (e.g. to unassign).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TicketPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusCategory>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<PriorityLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_id: Option<Uuid>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "double_option"
    )]
    pub assignee_id: Option<Option<Uuid>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "double_option"
    )]
    pub remind_at: Option<Option<DateTime<Utc>>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "double_option"
    )]
    pub remind_transition_status_id: Option<Option<Uuid>>,
    /// Move to this inbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbox_id: Option<Uuid>,
    /// Tags to add and to remove, relative to what each ticket has (so a
    /// bulk change never needs every ticket's tags).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_tag_ids: Vec<Uuid>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_tag_ids: Vec<Uuid>,
    /// `field_key` → new value, merged into the ticket's (`null` clears).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub custom_fields: serde_json::Map<String, serde_json::Value>,
}

impl TicketPatch {
    /// One body doing both: `later`'s values win where both set one; tags
    /// and custom fields add up. How several changes (a macro) become one
    /// PATCH per ticket.
    pub fn merged(mut self, later: TicketPatch) -> TicketPatch {
        fn take<T>(mine: &mut Option<T>, theirs: Option<T>) {
            if theirs.is_some() {
                *mine = theirs;
            }
        }
        take(&mut self.status, later.status);
        take(&mut self.status_id, later.status_id);
        take(&mut self.priority, later.priority);
        take(&mut self.priority_id, later.priority_id);
        take(&mut self.assignee_id, later.assignee_id);
        take(&mut self.remind_at, later.remind_at);
        take(
            &mut self.remind_transition_status_id,
            later.remind_transition_status_id,
        );
        take(&mut self.inbox_id, later.inbox_id);
        // A tag added later is no longer removed, and the other way round.
        self.remove_tag_ids
            .retain(|t| !later.add_tag_ids.contains(t));
        self.add_tag_ids
            .retain(|t| !later.remove_tag_ids.contains(t));
        for (list, more) in [
            (&mut self.add_tag_ids, later.add_tag_ids),
            (&mut self.remove_tag_ids, later.remove_tag_ids),
        ] {
            for t in more {
                if !list.contains(&t) {
                    list.push(t);
                }
            }
        }
        self.custom_fields.extend(later.custom_fields);
        self
    }

    /// True when the body uses the routing fields (inbox, tags, custom
    /// fields): a server may lack those while it takes the others.
    pub fn routes(&self) -> bool {
        self.inbox_id.is_some()
            || !self.add_tag_ids.is_empty()
            || !self.remove_tag_ids.is_empty()
            || !self.custom_fields.is_empty()
    }
}

/// The answer of `PATCH /tickets/{id}`: the ticket, with its tags and
/// custom fields when the server sends them. `None` is "not said" (a server
/// answering a bare Ticket), never "none".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdatedTicket {
    #[serde(flatten)]
    pub ticket: Ticket,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_opt_vec"
    )]
    pub tags: Option<Vec<Tag>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_opt_object"
    )]
    pub custom_fields: Option<serde_json::Map<String, serde_json::Value>>,
}

impl From<Ticket> for UpdatedTicket {
    fn from(ticket: Ticket) -> UpdatedTicket {
        UpdatedTicket {
            ticket,
            tags: None,
            custom_fields: None,
        }
    }
}

/// Error body shapes seen on the vendor page (CONTRACT.md §3). Every field
/// is optional and of loose type: `code` may be a number or a string.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<serde_json::Value>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "lenient_vec"
    )]
    pub details: Vec<ErrorDetail>,
    #[serde(
        default,
        rename = "retryAfter",
        skip_serializing_if = "Option::is_none"
    )]
    pub retry_after: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    #[serde(default, deserialize_with = "lenient_string")]
    pub field: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub message: String,
}

// ---- size caps -----------------------------------------------------------------

/// Caps every string in `v` (nested ones too) at [`MAX_SHORT_TEXT_BYTES`].
fn cap_value(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => *s = cap_text(std::mem::take(s), MAX_SHORT_TEXT_BYTES),
        serde_json::Value::Array(items) => items.iter_mut().for_each(cap_value),
        serde_json::Value::Object(map) => map.values_mut().for_each(cap_value),
        _ => {}
    }
}

// ---- lenient decoders -------------------------------------------------------

/// A string, or `""` for null/missing; numbers and bools are stringified.
/// Capped at [`MAX_SHORT_TEXT_BYTES`].
pub fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(lenient_opt_string(d)?.unwrap_or_default())
}

/// [`lenient_string`], with `None` for null/missing.
pub fn lenient_opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(loose_string(d)?.map(|s| cap_text(s, MAX_SHORT_TEXT_BYTES)))
}

/// A message body: [`lenient_string`] capped at [`MAX_BODY_TEXT_BYTES`].
pub fn lenient_body<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(loose_string(d)?
        .map(|s| cap_text(s, MAX_BODY_TEXT_BYTES))
        .unwrap_or_default())
}

fn loose_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Null => None,
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

pub fn lenient_uuid<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Uuid>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Uuid::parse_str(&s).ok(),
        _ => None,
    })
}

pub fn lenient_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => DateTime::parse_from_rfc3339(&s)
            .ok()
            .map(|t| t.with_timezone(&Utc)),
        _ => None,
    })
}

pub fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .unwrap_or(0),
        serde_json::Value::String(s) => s.trim().parse().unwrap_or(0),
        _ => 0,
    })
}

pub fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(lenient_i64(d)?.max(0) as u64)
}

/// A list whose malformed elements are skipped rather than failing the whole.
pub fn lenient_vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Array(items) => items
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect(),
        _ => Vec::new(),
    })
}

pub fn lenient_object<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<serde_json::Map<String, serde_json::Value>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Object(mut m) => {
            m.values_mut().for_each(cap_value);
            m
        }
        _ => serde_json::Map::new(),
    })
}

/// [`lenient_vec`], with `None` when the value is missing or not a list.
pub fn lenient_opt_vec<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    Ok(match serde_json::Value::deserialize(d)? {
        v @ serde_json::Value::Array(_) => Some(lenient_vec(v).unwrap_or_default()),
        _ => None,
    })
}

/// [`lenient_object`], with `None` when the value is missing or not an object.
pub fn lenient_opt_object<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<serde_json::Map<String, serde_json::Value>>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        v @ serde_json::Value::Object(_) => Some(lenient_object(v).unwrap_or_default()),
        _ => None,
    })
}

mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_decodes_leniently() {
        let json = r##"{
            "id": "123e4567-e89b-12d3-a456-426614174000",
            "ticket_number": "42",
            "subject": null,
            "inbox_id": "not-a-uuid",
            "status": "escalated",
            "status_color": 7,
            "priority": "urgent",
            "priority_color": "#fa0",
            "assignee_id": null,
            "created_at": "yesterday",
            "updated_at": "2024-12-25T10:00:00Z",
            "brand_new_field": {"x": 1}
        }"##;
        let t: Ticket = serde_json::from_str(json).unwrap();
        assert_eq!(t.ticket_number, 42);
        assert_eq!(t.subject, "");
        assert_eq!(t.inbox_id, None);
        assert_eq!(t.status, StatusCategory::Other("escalated".into()));
        assert_eq!(t.status_color.as_deref(), Some("7"));
        assert_eq!(t.priority, PriorityLevel::Urgent);
        assert_eq!(t.created_at, None);
        assert!(t.updated_at.is_some());
    }

    #[test]
    fn patch_distinguishes_absent_from_null() {
        let p = TicketPatch {
            assignee_id: Some(None),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"assignee_id":null}"#
        );
        let back: TicketPatch = serde_json::from_str(r#"{"assignee_id":null}"#).unwrap();
        assert_eq!(back.assignee_id, Some(None));
        let none: TicketPatch = serde_json::from_str("{}").unwrap();
        assert_eq!(none.assignee_id, None);
    }

    #[test]
    fn an_update_answer_tells_unsaid_tags_from_no_tags() {
        let bare =
            r#"{"id":"123e4567-e89b-12d3-a456-426614174000","status":"open","priority":"low"}"#;
        let u: UpdatedTicket = serde_json::from_str(bare).unwrap();
        assert_eq!((u.tags, u.custom_fields), (None, None));
        let rich = r#"{"id":"123e4567-e89b-12d3-a456-426614174000","status":"open","priority":"low",
            "tags":[{"id":"123e4567-e89b-12d3-a456-426614174001","name":"vip"}, 7],"custom_fields":{"seats":3}}"#;
        let u: UpdatedTicket = serde_json::from_str(rich).unwrap();
        assert_eq!(u.tags.unwrap().len(), 1, "a malformed tag is skipped");
        assert_eq!(u.custom_fields.unwrap()["seats"], 3);
        let empty = r#"{"id":"123e4567-e89b-12d3-a456-426614174000","status":"open","priority":"low","tags":[]}"#;
        let u: UpdatedTicket = serde_json::from_str(empty).unwrap();
        assert_eq!(u.tags, Some(Vec::new()));
    }

    #[test]
    fn merged_patches_add_up_and_later_wins() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let first = TicketPatch {
            priority: Some(PriorityLevel::Low),
            add_tag_ids: vec![a],
            remove_tag_ids: vec![b],
            ..Default::default()
        };
        let mut fields = serde_json::Map::new();
        fields.insert("plan".into(), serde_json::Value::Null);
        let later = TicketPatch {
            priority: Some(PriorityLevel::Urgent),
            add_tag_ids: vec![b],
            custom_fields: fields,
            ..Default::default()
        };
        let both = first.merged(later);
        assert_eq!(both.priority, Some(PriorityLevel::Urgent));
        assert_eq!(both.add_tag_ids, vec![a, b]);
        assert!(both.remove_tag_ids.is_empty());
        assert!(both.routes());
        assert_eq!(
            serde_json::to_value(&both).unwrap()["custom_fields"],
            serde_json::json!({"plan": null})
        );
    }

    #[test]
    fn cap_text_cuts_on_a_char_boundary() {
        assert_eq!(cap_text("short".into(), 5), "short");
        // 6 bytes of room: "ab返" (5) and not half of the next "返".
        let cut = cap_text(format!("ab{}", "返".repeat(5)), 6 + CUT_MARKER.len());
        assert_eq!(cut, format!("ab返{CUT_MARKER}"));
    }

    #[test]
    fn page_count_rounds_up() {
        let m = PageMeta {
            page: 1,
            per_page: 25,
            total: 51,
        };
        assert_eq!(m.page_count(), 3);
        let empty = PageMeta {
            page: 1,
            per_page: 25,
            total: 0,
        };
        assert_eq!(empty.page_count(), 1);
    }
}
