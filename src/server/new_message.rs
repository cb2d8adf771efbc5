//! `POST /tickets/{id}/messages`: a note (internal, `author_type` `note`)
//! or a reply (`agent`) appended to the ticket's conversation. The body is
//! validated whole first (every problem named by its field), so a 400
//! leaves the ticket untouched.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::conversation::Conversation;
use super::data::{ServerMessage, ServerTicket};
use super::generate::new_id;
use super::patch::bad;
use crate::api::types::{AuthorType, ErrorDetail, MessageKind};

/// The longest body accepted, in bytes: longer is a 400 naming `body`.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// Who the messages posted through the API key are signed by.
const API_AUTHOR: &str = "API agent";

/// A valid body of the request.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    pub kind: MessageKind,
    pub body: String,
}

/// Reads the request body; `Err` names each bad field.
pub fn validate(obj: &Map<String, Value>) -> Result<NewMessage, Vec<ErrorDetail>> {
    let mut errors = Vec::new();
    let kind = match obj.get("type") {
        None | Some(Value::Null) => {
            errors.push(bad("type", "is required: \"note\" or \"reply\""));
            None
        }
        Some(Value::String(s)) => {
            let kind = MessageKind::from_wire(s);
            if kind.is_none() {
                errors.push(bad("type", "must be \"note\" or \"reply\""));
            }
            kind
        }
        Some(_) => {
            errors.push(bad("type", "must be a string: \"note\" or \"reply\""));
            None
        }
    };
    let body = match obj.get("body") {
        Some(Value::String(s)) if s.trim().is_empty() => {
            errors.push(bad("body", "must not be empty"));
            None
        }
        Some(Value::String(s)) if s.len() > MAX_MESSAGE_BYTES => {
            errors.push(bad(
                "body",
                format!("must be at most {MAX_MESSAGE_BYTES} bytes"),
            ));
            None
        }
        Some(Value::String(s)) => Some(s.clone()),
        None | Some(Value::Null) => {
            errors.push(bad("body", "is required"));
            None
        }
        Some(_) => {
            errors.push(bad("body", "must be a string"));
            None
        }
    };
    match (kind, body) {
        (Some(kind), Some(body)) if errors.is_empty() => Ok(NewMessage { kind, body }),
        _ => Err(errors),
    }
}

impl NewMessage {
    /// Appends the message to `t` at `now` (the ticket's `updated_at`
    /// moves, never backwards) and answers it as stored.
    pub fn append(self, t: &mut ServerTicket, now: DateTime<Utc>) -> ServerMessage {
        let message = ServerMessage {
            id: new_id(&mut rand::rng()),
            author_name: Some(Arc::from(API_AUTHOR)),
            author_type: match self.kind {
                MessageKind::Note => AuthorType::Note,
                MessageKind::Reply => AuthorType::Agent,
            },
            body: self.body,
            created_at: now,
        };
        let mut messages = t.messages.to_vec();
        messages.push(message.clone());
        t.messages = Conversation::Stored(messages);
        t.updated_at = t.updated_at.max(now);
        message
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fields(body: Value) -> Vec<String> {
        let Value::Object(obj) = body else {
            unreachable!()
        };
        match validate(&obj) {
            Ok(_) => Vec::new(),
            Err(details) => details.into_iter().map(|d| d.field).collect(),
        }
    }

    #[test]
    fn each_bad_field_is_named() {
        assert!(fields(json!({"type": "note", "body": "hi"})).is_empty());
        assert_eq!(fields(json!({"type": "memo", "body": "hi"})), ["type"]);
        assert_eq!(fields(json!({"body": "hi"})), ["type"]);
        assert_eq!(fields(json!({"type": "reply", "body": "  \n"})), ["body"]);
        let long = "x".repeat(MAX_MESSAGE_BYTES + 1);
        assert_eq!(fields(json!({"type": "reply", "body": long})), ["body"]);
        assert_eq!(fields(json!({"type": 1, "body": 2})), ["type", "body"]);
    }
}
