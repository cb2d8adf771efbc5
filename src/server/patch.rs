//! `PATCH /tickets/{id}`: validation of the whole body first (every problem
//! reported), then the change applied at once, so a 400 leaves the ticket
//! untouched.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::data::{Dataset, ServerTicket};
use super::query::{clip, parse_instant};
use crate::api::types::{ErrorDetail, PriorityLevel, StatusCategory};

pub(crate) fn bad(field: &str, message: impl Into<String>) -> ErrorDetail {
    ErrorDetail {
        field: field.to_string(),
        message: message.into(),
    }
}

/// A field that may be absent, `null` or a value.
enum Change<T> {
    Keep,
    Clear,
    Set(T),
}

fn nullable<T>(
    obj: &Map<String, Value>,
    field: &str,
    errors: &mut Vec<ErrorDetail>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Change<T> {
    match obj.get(field) {
        None => Change::Keep,
        Some(Value::Null) => Change::Clear,
        Some(Value::String(s)) => match parse(s) {
            Ok(v) => Change::Set(v),
            Err(msg) => {
                errors.push(bad(field, msg));
                Change::Keep
            }
        },
        Some(_) => {
            errors.push(bad(field, "must be a string or null"));
            Change::Keep
        }
    }
}

/// The body's allowed fields (the OpenAPI schema has
/// `additionalProperties: false`).
const PATCHABLE: &[&str] = &[
    "status",
    "status_id",
    "priority",
    "priority_id",
    "assignee_id",
    "remind_at",
    "remind_transition_status_id",
];

/// A checked PATCH, ready to apply.
pub(crate) struct ValidPatch {
    status_id: Option<Uuid>,
    priority_id: Option<Uuid>,
    assignee: Change<Uuid>,
    remind_at: Change<DateTime<Utc>>,
    transition: Change<Uuid>,
    /// The new status is not a `waiting` one.
    leaves_waiting: bool,
}

/// Checks a PATCH body against the catalog. `status` alone keeps the
/// ticket's custom status when it already has that category, else takes
/// the first status of the category; `priority` alone takes the priority of
/// that level. Given both an id and a category, they must agree.
pub(crate) fn validate(
    obj: &Map<String, Value>,
    data: &Dataset,
    current: &ServerTicket,
) -> Result<ValidPatch, Vec<ErrorDetail>> {
    let mut errors: Vec<ErrorDetail> = obj
        .keys()
        .filter(|k| !PATCHABLE.contains(&k.as_str()))
        .map(|k| bad(k, "not a field that can be changed"))
        .collect();
    let uuid =
        |s: &str| Uuid::parse_str(s).map_err(|_| format!("'{}' is not a valid UUID", clip(s)));

    let status_by_id = match nullable(obj, "status_id", &mut errors, uuid) {
        Change::Set(sid) => match data.status(sid) {
            Some(s) => Some(s.clone()),
            None => {
                errors.push(bad("status_id", "unknown status"));
                None
            }
        },
        Change::Clear => {
            errors.push(bad("status_id", "cannot be null"));
            None
        }
        Change::Keep => None,
    };
    let category = match nullable(obj, "status", &mut errors, |s| {
        StatusCategory::parse_known(s).ok_or_else(|| format!("unknown status '{}'", clip(s)))
    }) {
        Change::Set(c) => Some(c),
        Change::Clear => {
            errors.push(bad("status", "cannot be null"));
            None
        }
        Change::Keep => None,
    };
    let new_status = match (status_by_id, category) {
        (Some(s), Some(c)) if s.category != c => {
            errors.push(bad("status", "does not match the category of status_id"));
            None
        }
        (Some(s), _) => Some(s.id),
        (None, Some(c)) => {
            // Keep the custom status when it already has this category.
            if data.category_of(current) == c {
                Some(current.status_id)
            } else {
                data.statuses.iter().find(|s| s.category == c).map(|s| s.id)
            }
        }
        (None, None) => None,
    };

    let priority_by_id = match nullable(obj, "priority_id", &mut errors, uuid) {
        Change::Set(pid) => match data.priority(pid) {
            Some(p) => Some(p.clone()),
            None => {
                errors.push(bad("priority_id", "unknown priority"));
                None
            }
        },
        Change::Clear => {
            errors.push(bad("priority_id", "cannot be null"));
            None
        }
        Change::Keep => None,
    };
    let level = match nullable(obj, "priority", &mut errors, |s| {
        PriorityLevel::parse_known(s).ok_or_else(|| format!("unknown priority '{}'", clip(s)))
    }) {
        Change::Set(l) => Some(l),
        Change::Clear => {
            errors.push(bad("priority", "cannot be null"));
            None
        }
        Change::Keep => None,
    };
    let new_priority = match (priority_by_id, level) {
        (Some(p), Some(l)) if p.level != l => {
            errors.push(bad("priority", "does not match the level of priority_id"));
            None
        }
        (Some(p), _) => Some(p.id),
        (None, Some(l)) => data.priorities.iter().find(|p| p.level == l).map(|p| p.id),
        (None, None) => None,
    };

    let assignee = match nullable(obj, "assignee_id", &mut errors, uuid) {
        Change::Set(uid) if !data.users.iter().any(|u| u.id == uid) => {
            errors.push(bad("assignee_id", "unknown user"));
            Change::Keep
        }
        other => other,
    };
    let remind_at = nullable(obj, "remind_at", &mut errors, |s| {
        parse_instant(s).ok_or_else(|| format!("'{}' is not an ISO 8601 date-time", clip(s)))
    });
    let transition = match nullable(obj, "remind_transition_status_id", &mut errors, uuid) {
        Change::Set(sid) if data.status(sid).is_none() => {
            errors.push(bad("remind_transition_status_id", "unknown status"));
            Change::Keep
        }
        other => other,
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let leaves_waiting = new_status
        .and_then(|sid| data.status(sid))
        .is_some_and(|s| s.category != StatusCategory::Waiting);
    Ok(ValidPatch {
        status_id: new_status,
        priority_id: new_priority,
        assignee,
        remind_at,
        transition,
        leaves_waiting,
    })
}

impl ValidPatch {
    pub(crate) fn apply(self, t: &mut ServerTicket, now: DateTime<Utc>) {
        if let Some(sid) = self.status_id {
            t.status_id = sid;
        }
        if let Some(pid) = self.priority_id {
            t.priority_id = pid;
        }
        match self.assignee {
            Change::Set(uid) => t.assignee_id = Some(uid),
            Change::Clear => t.assignee_id = None,
            Change::Keep => {}
        }
        // A reminder belongs to a waiting ticket: leaving `waiting` drops it
        // unless the same request sets one.
        match self.remind_at {
            Change::Set(at) => t.remind_at = Some(at),
            Change::Clear => t.remind_at = None,
            Change::Keep if self.leaves_waiting => t.remind_at = None,
            Change::Keep => {}
        }
        match self.transition {
            Change::Set(sid) => t.remind_transition_status_id = Some(sid),
            Change::Clear => t.remind_transition_status_id = None,
            Change::Keep if self.leaves_waiting => t.remind_transition_status_id = None,
            Change::Keep => {}
        }
        t.updated_at = now.max(t.updated_at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::generate::generate;
    use serde_json::json;

    fn body(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn a_category_keeps_the_custom_status_it_already_has() {
        let now = Utc::now();
        let data = generate(60, 11, now);
        let t = data
            .tickets
            .iter()
            .find(|t| data.category_of(t) == StatusCategory::Waiting)
            .unwrap()
            .clone();
        let p = validate(&body(json!({"status": "waiting"})), &data, &t).unwrap();
        assert_eq!(p.status_id, Some(t.status_id));
        assert!(!p.leaves_waiting);
        let p = validate(&body(json!({"status": "closed"})), &data, &t).unwrap();
        let closed = data.status(p.status_id.unwrap()).unwrap();
        assert_eq!(closed.category, StatusCategory::Closed);
        assert!(p.leaves_waiting);
    }

    #[test]
    fn ids_and_categories_must_agree_and_nulls_are_refused_where_required() {
        let data = generate(10, 11, Utc::now());
        let t = data.tickets[0].clone();
        let urgent = data
            .priorities
            .iter()
            .find(|p| p.level == PriorityLevel::Urgent)
            .unwrap()
            .id;
        let errors = validate(
            &body(
                json!({"priority_id": urgent, "priority": "low", "status": null, "remind_at": 5}),
            ),
            &data,
            &t,
        )
        .err()
        .unwrap();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["status", "priority", "remind_at"]);
    }

    #[test]
    fn apply_never_moves_updated_at_backwards() {
        let data = generate(5, 1, Utc::now());
        let mut t = data.tickets[0].clone();
        let before = t.updated_at;
        let p = validate(&body(json!({"assignee_id": null})), &data, &t).unwrap();
        p.apply(&mut t, before - chrono::Duration::days(1));
        assert_eq!(t.updated_at, before);
        assert_eq!(t.assignee_id, None);
    }
}
