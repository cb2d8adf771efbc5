//! `i` `l` `e`: what their pickers offer (inboxes; tags with how many of
//! the targets carry each; custom fields with their scope) and how a pick
//! or a typed value becomes a [`Change`].

use serde_json::Value;
use uuid::Uuid;

use super::change::{Change, FieldSetting, Named};
use super::known::Known;
use super::{FieldEdit, FieldEditKind, Targets};
use crate::api::Catalog;
use crate::api::types::Ticket;
use crate::app::filter_panel::fields::{FieldDef, field_defs};
use crate::app::picker::{PickItem, Picker};
use crate::filter::TicketFilter;
use crate::model::FieldType;
use crate::text::sanitize;

/// `(id, name)` of every inbox: `/inboxes`, else the config's aliases.
fn inboxes(catalog: Option<&Catalog>) -> Vec<(Uuid, String)> {
    match catalog {
        Some(c) if !c.inboxes().is_empty() => {
            c.inboxes().iter().map(|i| (i.id, i.name.clone())).collect()
        }
        Some(c) => c
            .aliases()
            .inboxes
            .iter()
            .map(|(n, id)| (*id, n.clone()))
            .collect(),
        None => Vec::new(),
    }
}

/// `(id, name, color)` of every tag: `/tags`, else the config's aliases.
fn tags(catalog: Option<&Catalog>) -> Vec<(Uuid, String, Option<String>)> {
    match catalog {
        Some(c) if !c.tags().is_empty() => c
            .tags()
            .iter()
            .map(|t| (t.id, t.name.clone(), t.color.clone()))
            .collect(),
        Some(c) => c
            .aliases()
            .tags
            .iter()
            .map(|(n, id)| (*id, n.clone(), None))
            .collect(),
        None => Vec::new(),
    }
}

pub(super) fn inbox_items(catalog: Option<&Catalog>) -> Vec<PickItem> {
    inboxes(catalog)
        .into_iter()
        .map(|(id, name)| PickItem::new(id.to_string(), &name))
        .collect()
}

/// "3/5": how many of the targets carry the tag, of how many; with some
/// targets' tags never seen, "2/5 · 3 unknown"; with none seen, "unknown".
pub fn carried(tag: Uuid, known: &[Option<&Known>]) -> String {
    let seen: Vec<&Vec<Uuid>> = known
        .iter()
        .filter_map(|k| k.and_then(|k| k.tags.as_ref()))
        .collect();
    let total = known.len();
    let with = seen.iter().filter(|t| t.contains(&tag)).count();
    match total - seen.len() {
        _ if seen.is_empty() => "unknown".into(),
        0 => format!("{with}/{total}"),
        unknown => format!("{with}/{total} · {unknown} unknown"),
    }
}

pub(super) fn tag_items(
    catalog: Option<&Catalog>,
    rows: &[Ticket],
    known: &std::collections::HashMap<Uuid, Known>,
) -> Vec<PickItem> {
    let of: Vec<Option<&Known>> = rows.iter().map(|t| known.get(&t.id)).collect();
    tags(catalog)
        .into_iter()
        .map(|(id, name, color)| {
            PickItem::new(id.to_string(), &name)
                .color(color.as_deref())
                .note(&carried(id, &of))
        })
        .collect()
}

pub(super) fn inbox_change(key: &str, catalog: Option<&Catalog>) -> Option<Change> {
    let id = Uuid::parse_str(key).ok()?;
    let name = inboxes(catalog)
        .into_iter()
        .find(|(i, _)| *i == id)
        .map_or_else(|| id.to_string()[..8].to_string(), |(_, n)| n);
    Some(Change::Inbox(Named {
        id,
        name: sanitize(&name).into_owned(),
    }))
}

/// The three-state tag picker's choice as a relative change; `None` when
/// nothing is marked to add or remove.
pub(super) fn tags_change(picker: &Picker, catalog: Option<&Catalog>) -> Option<Change> {
    let all = tags(catalog);
    let named = |keys: Vec<String>| -> Vec<Named> {
        keys.iter()
            .filter_map(|k| Uuid::parse_str(k).ok())
            .map(|id| Named {
                id,
                name: all.iter().find(|(t, _, _)| *t == id).map_or_else(
                    || id.to_string()[..8].to_string(),
                    |(_, n, _)| sanitize(n).into_owned(),
                ),
            })
            .collect()
    };
    let (add, remove) = (named(picker.chosen()), named(picker.removed()));
    (!add.is_empty() || !remove.is_empty()).then_some(Change::Tags { add, remove })
}

/// Why `field` cannot be set on these tickets: it is limited to inboxes
/// some of them are not in (or whose inbox is unknown).
pub fn scope_refusal(field: &FieldDef, ids: &[Uuid], rows: &[Ticket]) -> Option<String> {
    if ids.is_empty() {
        return None;
    }
    let outside: Vec<String> = rows
        .iter()
        .filter(|t| !t.inbox_id.is_some_and(|i| ids.contains(&i)))
        .map(|t| format!("#{}", t.ticket_number))
        .collect();
    if outside.is_empty() {
        return None;
    }
    let shown = if outside.len() > 3 {
        format!("{} and {} more", outside[..3].join(", "), outside.len() - 3)
    } else {
        outside.join(", ")
    };
    Some(format!(
        "only in {}: not for {shown}",
        field.inboxes.join(", ")
    ))
}

/// The field list of `e`, and the inbox ids each field is limited to.
pub(super) fn fields_with_scope(catalog: Option<&Catalog>) -> Vec<(FieldDef, Vec<Uuid>)> {
    field_defs(catalog, &TicketFilter::default())
        .into_iter()
        .map(|d| {
            let ids = catalog
                .and_then(|c| c.fields().iter().find(|f| f.field_key == d.key))
                .map(|f| f.inbox_ids.clone())
                .unwrap_or_default();
            (d, ids)
        })
        .collect()
}

/// One entry per field: type, scope, and (one ticket) its value; fields
/// scoped to other inboxes dimmed with the reason.
pub(super) fn field_items(
    fields: &[(FieldDef, Vec<Uuid>)],
    rows: &[Ticket],
    known: Option<&Known>,
) -> Vec<PickItem> {
    fields
        .iter()
        .map(|(def, ids)| {
            let refusal = scope_refusal(def, ids, rows);
            let mut note = vec![def.type_name().to_string()];
            match &refusal {
                Some(why) => note.push(why.clone()),
                None if !def.inboxes.is_empty() => {
                    note.push(format!("only in {}", def.inboxes.join(", ")))
                }
                None => {}
            }
            if let Some(v) = known
                .and_then(|k| k.fields.as_ref())
                .and_then(|f| f.get(&def.key))
            {
                note.push(format!("= {}", shown(def, v)));
            }
            PickItem::new(def.key.clone(), &def.label)
                .note(&note.join(" · "))
                .dimmed(refusal.is_some())
        })
        .collect()
}

/// The editor for `def`: a list for select, multi_select and checkbox
/// (built from the filter panes' choices), a typed value otherwise.
pub(super) fn editor(def: FieldDef, targets: Targets, known: Option<&Known>) -> FieldEdit {
    let current = known
        .and_then(|k| k.fields.as_ref())
        .and_then(|f| f.get(&def.key))
        .cloned();
    let title = format!("{} of {}", def.label, targets_word(&targets));
    let kind = match def.field_type {
        Some(FieldType::MultiSelect) => {
            // Space picks options, Enter sets exactly those (none clears).
            let items = def
                .options
                .iter()
                .map(|(label, id)| PickItem::new(id.to_string(), label))
                .collect();
            let chosen: Vec<String> = match &current {
                Some(Value::Array(ids)) => ids
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            };
            FieldEditKind::Pick(Box::new(Picker::multi(title, items).with_chosen(chosen)))
        }
        _ if def.is_pick() => {
            let items = def
                .pick_choices()
                .into_iter()
                .map(|(label, value)| {
                    let key = match value {
                        crate::filter::FieldValue::Empty => "null".to_string(),
                        crate::filter::FieldValue::Value(v) => option_key(&def, &v),
                    };
                    let label = if key == "null" { "empty" } else { &label };
                    PickItem::new(key, label)
                })
                .collect();
            let chosen = current.map(|v| match v {
                Value::Bool(b) => b.to_string(),
                Value::String(s) => s,
                other => other.to_string(),
            });
            FieldEditKind::Pick(Box::new(Picker::single(title, items).with_chosen(chosen)))
        }
        _ => {
            let text = match &current {
                Some(Value::String(s)) => s.clone(),
                Some(v @ Value::Number(_)) => shown(&def, v),
                _ => String::new(),
            };
            FieldEditKind::Input(tui_input::Input::new(text))
        }
    };
    FieldEdit {
        field: def,
        kind,
        error: None,
        targets,
    }
}

fn targets_word(t: &Targets) -> String {
    match t {
        Targets::One(t) => format!("#{}", t.ticket_number),
        Targets::Marked(v) => super::change::tickets(v.len()),
    }
}

/// A pick choice's key: the option's id (the panes pick by label when it
/// leads back), `true`/`false` for a checkbox.
fn option_key(def: &FieldDef, v: &str) -> String {
    def.options
        .iter()
        .find(|(label, id)| label == v || id.to_string() == v)
        .map_or_else(|| v.to_string(), |(_, id)| id.to_string())
}

/// The value as the agent reads it: option labels, "checked", "empty".
pub fn shown(def: &FieldDef, v: &Value) -> String {
    let label = |s: &str| {
        def.options
            .iter()
            .find(|(_, id)| id.to_string() == s)
            .map_or_else(|| s.to_string(), |(l, _)| l.clone())
    };
    let text = match v {
        Value::Null => "empty".to_string(),
        Value::Bool(true) => "checked".into(),
        Value::Bool(false) => "unchecked".into(),
        Value::String(s) => label(s),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), label))
            .collect::<Vec<_>>()
            .join(", "),
        // `106`, not the `106.0` a server storing floats sends.
        Value::Number(n) => match n.as_f64() {
            Some(f) => number(f).to_string(),
            None => n.to_string(),
        },
        other => other.to_string(),
    };
    sanitize(&text).into_owned()
}

/// The change a picked choice stands for (`null`, `true`, an option id).
pub(super) fn picked_value(def: &FieldDef, picker: &Picker) -> Option<Value> {
    if matches!(def.field_type, Some(FieldType::MultiSelect)) {
        let ids = picker.chosen();
        return Some(if ids.is_empty() {
            Value::Null
        } else {
            Value::Array(ids.into_iter().map(Value::String).collect())
        });
    }
    Some(match picker.chosen().into_iter().next()?.as_str() {
        "null" => Value::Null,
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        id => Value::String(id.to_string()),
    })
}

/// A typed value as its field's type sends it; empty text clears. Checked
/// here so a typo is caught before a 400.
pub fn typed_value(def: &FieldDef, text: &str) -> Result<Value, String> {
    let v = text.trim();
    if v.is_empty() {
        return Ok(Value::Null);
    }
    match def.field_type {
        Some(FieldType::Number) => v
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(number)
            .ok_or_else(|| format!("'{v}' is not a number")),
        Some(FieldType::Date) => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
            .map_err(|_| format!("'{v}' is not a date (YYYY-MM-DD)")),
        Some(FieldType::DateTime) => chrono::DateTime::parse_from_rfc3339(v)
            .map(|t| Value::String(t.to_rfc3339()))
            .map_err(|_| format!("'{v}' is not an ISO 8601 date-time")),
        _ => Ok(Value::String(v.to_string())),
    }
}

/// A whole number as an integer (`12`, not `12.0`): as typed, as read.
fn number(n: f64) -> Value {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if n.fract() == 0.0 && n.abs() < EXACT {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

pub(super) fn field_change(def: &FieldDef, value: Value) -> Change {
    Change::Field {
        key: def.key.clone(),
        value: FieldSetting {
            label: sanitize(&def.label).into_owned(),
            shown: shown(def, &value),
            value,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carried_counts_only_what_is_known() {
        let tag = Uuid::from_u128(5);
        let with = Known {
            tags: Some(vec![tag]),
            fields: None,
        };
        let without = Known {
            tags: Some(vec![]),
            fields: None,
        };
        assert_eq!(carried(tag, &[Some(&with), Some(&without)]), "1/2");
        assert_eq!(carried(tag, &[Some(&with), None, None]), "1/3 · 2 unknown");
        assert_eq!(carried(tag, &[None, None]), "unknown");
    }

    #[test]
    fn a_field_scoped_to_other_inboxes_is_refused_naming_the_tickets() {
        let def = FieldDef {
            key: "renewal".into(),
            label: "Renewal".into(),
            field_type: Some(FieldType::Date),
            options: vec![],
            inboxes: vec!["Billing".into()],
        };
        let billing = Uuid::from_u128(0xb);
        let mut inside = crate::api::types::Ticket {
            ticket_number: 7,
            inbox_id: Some(billing),
            priority: crate::model::PriorityLevel::Low,
            ..crate::fixtures::ticket(1)
        };
        assert_eq!(
            scope_refusal(&def, &[billing], std::slice::from_ref(&inside)),
            None
        );
        assert_eq!(
            scope_refusal(&def, &[], std::slice::from_ref(&inside)),
            None
        );
        let mut outside = inside.clone();
        outside.ticket_number = 8;
        outside.inbox_id = Some(Uuid::from_u128(0xc));
        assert_eq!(
            scope_refusal(&def, &[billing], &[inside.clone(), outside]).as_deref(),
            Some("only in Billing: not for #8")
        );
        inside.inbox_id = None;
        assert!(
            scope_refusal(&def, &[billing], &[inside]).is_some(),
            "unknown inbox: refused"
        );
        let items = field_items(&[(def, vec![billing])], &[], None);
        assert!(!items[0].dimmed);
    }

    #[test]
    fn typed_values_follow_the_field_type() {
        let def = |t: FieldType| FieldDef {
            key: "k".into(),
            label: "K".into(),
            field_type: Some(t),
            options: vec![],
            inboxes: vec![],
        };
        assert_eq!(
            typed_value(&def(FieldType::Number), "12.5"),
            Ok(12.5.into())
        );
        assert!(typed_value(&def(FieldType::Number), "twelve").is_err());
        assert_eq!(
            typed_value(&def(FieldType::Date), "2026-12-24"),
            Ok("2026-12-24".into())
        );
        assert!(typed_value(&def(FieldType::Date), "24.12.2026").is_err());
        assert!(typed_value(&def(FieldType::DateTime), "2026-12-24").is_err());
        assert_eq!(typed_value(&def(FieldType::Text), "  "), Ok(Value::Null));
        assert_eq!(
            shown(&def(FieldType::Number), &serde_json::json!(106.0)),
            "106"
        );
        assert_eq!(
            shown(&def(FieldType::Number), &serde_json::json!(2.5)),
            "2.5"
        );
    }
}
