//! `PATCH /tickets/{id}`: validation of the whole body first (every problem
//! reported), then the change applied at once, so a 400 leaves the ticket
//! untouched.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::data::{Dataset, FieldValue, ServerTicket};
use super::query::{clip, parse_date, parse_instant};
use crate::api::types::{ErrorDetail, FieldType, PriorityLevel, StatusCategory, TicketField};

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
    "inbox_id",
    "add_tag_ids",
    "remove_tag_ids",
    "custom_fields",
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
    inbox_id: Option<Uuid>,
    add_tags: Vec<Uuid>,
    remove_tags: Vec<Uuid>,
    /// `field_key` → the new value, `None` clearing it.
    fields: Vec<(Arc<str>, Option<FieldValue>)>,
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
    let inbox_id = inbox(obj, data, &mut errors);
    let add_tags = tag_ids(obj, "add_tag_ids", data, &mut errors);
    let remove_tags = tag_ids(obj, "remove_tag_ids", data, &mut errors);
    for (i, id) in remove_tags.iter().enumerate() {
        if add_tags.contains(id) {
            errors.push(bad(
                &format!("remove_tag_ids[{i}]"),
                "also in add_tag_ids: add or remove, not both",
            ));
        }
    }
    // Scopes are judged against the inbox the ticket will be in.
    let fields = custom_fields(obj, data, inbox_id.unwrap_or(current.inbox_id), &mut errors);
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
        inbox_id,
        add_tags,
        remove_tags,
        fields,
    })
}

fn inbox(obj: &Map<String, Value>, data: &Dataset, errors: &mut Vec<ErrorDetail>) -> Option<Uuid> {
    let value = obj.get("inbox_id")?;
    let Some(id) = value.as_str().and_then(|s| Uuid::parse_str(s).ok()) else {
        errors.push(bad("inbox_id", "must be an inbox UUID"));
        return None;
    };
    if !data.inboxes.iter().any(|i| i.id == id) {
        errors.push(bad("inbox_id", "unknown inbox"));
        return None;
    }
    Some(id)
}

/// `add_tag_ids` or `remove_tag_ids`: known tag UUIDs, each element's
/// problem named by its index (`add_tag_ids[2]`).
fn tag_ids(
    obj: &Map<String, Value>,
    field: &str,
    data: &Dataset,
    errors: &mut Vec<ErrorDetail>,
) -> Vec<Uuid> {
    let Some(value) = obj.get(field) else {
        return Vec::new();
    };
    let Some(items) = value.as_array() else {
        errors.push(bad(field, "must be an array of tag UUIDs"));
        return Vec::new();
    };
    let mut ids = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let name = format!("{field}[{i}]");
        match item.as_str().and_then(|s| Uuid::parse_str(s).ok()) {
            None => errors.push(bad(&name, "must be a tag UUID")),
            Some(id) if !data.tags.iter().any(|t| t.id == id) => {
                errors.push(bad(&name, "unknown tag"))
            }
            Some(id) if !ids.contains(&id) => ids.push(id),
            Some(_) => {}
        }
    }
    ids
}

/// `custom_fields`: `{field_key: value | null}`, each value checked against
/// its field's type and scope; problems named `custom_fields.<key>`.
fn custom_fields(
    obj: &Map<String, Value>,
    data: &Dataset,
    inbox: Uuid,
    errors: &mut Vec<ErrorDetail>,
) -> Vec<(Arc<str>, Option<FieldValue>)> {
    let Some(value) = obj.get("custom_fields") else {
        return Vec::new();
    };
    let Some(map) = value.as_object() else {
        errors.push(bad(
            "custom_fields",
            "must be an object of field_key: value",
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in map {
        let name = format!("custom_fields.{key}");
        let Some(def) = data.field(key) else {
            errors.push(bad(&name, format!("unknown custom field '{}'", clip(key))));
            continue;
        };
        if !def.inbox_ids.is_empty() && !def.inbox_ids.contains(&inbox) {
            errors.push(bad(
                &name,
                "this field does not apply to the ticket's inbox",
            ));
            continue;
        }
        if value.is_null() {
            out.push((Arc::from(key.as_str()), None));
            continue;
        }
        match field_value(def, value) {
            Ok(v) => out.push((Arc::from(key.as_str()), Some(v))),
            Err(what) => errors.push(bad(&name, format!("must be {what}"))),
        }
    }
    out
}

/// A JSON value as a stored value of `def`'s type; `Err` names what it
/// must be. Typed as the filters type them: an option UUID (a list of them
/// for `multi_select`), `YYYY-MM-DD`, ISO 8601, a number, a boolean, text.
pub(crate) fn field_value(def: &TicketField, value: &Value) -> Result<FieldValue, String> {
    let option = |v: &Value| {
        v.as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
            .filter(|id| def.options.iter().any(|o| o.id == *id))
    };
    let fail = |what: &str| Err(what.to_string());
    match &def.field_type {
        FieldType::Text => match value.as_str() {
            Some(s) => Ok(FieldValue::Text(s.to_string())),
            None => fail("text"),
        },
        FieldType::Number => match value.as_f64() {
            Some(n) if n.is_finite() => Ok(FieldValue::Number(n)),
            _ => fail("a number"),
        },
        FieldType::Checkbox => match value.as_bool() {
            Some(b) => Ok(FieldValue::Checkbox(b)),
            None => fail("true or false"),
        },
        FieldType::Select => match option(value) {
            Some(id) => Ok(FieldValue::Select(id)),
            None => fail("the UUID of an option of this field"),
        },
        FieldType::MultiSelect => {
            let items = match value {
                Value::Array(items) => items.clone(),
                one => vec![one.clone()],
            };
            let ids: Option<Vec<Uuid>> = items.iter().map(option).collect();
            match ids {
                Some(ids) => Ok(FieldValue::MultiSelect(ids)),
                None => fail("a list of UUIDs of options of this field"),
            }
        }
        FieldType::Date => match value.as_str().and_then(parse_date) {
            Some(d) => Ok(FieldValue::Date(d)),
            None => fail("a date (YYYY-MM-DD)"),
        },
        FieldType::DateTime => match value.as_str().and_then(parse_instant) {
            Some(t) => Ok(FieldValue::DateTime(t)),
            None => fail("an ISO 8601 date-time"),
        },
        FieldType::Other(t) => Err(format!("of a type this server can store (not '{t}')")),
    }
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
        if let Some(inbox) = self.inbox_id {
            t.inbox_id = inbox;
        }
        t.tag_ids.retain(|id| !self.remove_tags.contains(id));
        for id in self.add_tags {
            if !t.tag_ids.contains(&id) {
                t.tag_ids.push(id);
            }
        }
        for (key, value) in self.fields {
            match value {
                Some(v) => {
                    t.custom_fields.insert(key, v);
                }
                None => {
                    t.custom_fields.remove(&key);
                }
            }
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
