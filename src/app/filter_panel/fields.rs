//! The Custom fields pane: which fields exist (from `/ticket-fields`, else
//! `[aliases.fields]` of the config), and the editor each type gets.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::api::Catalog;
use crate::api::endpoint::Endpoint;
use crate::app::picker::PickItem;
use crate::filter::{FieldValue, FilterError, MAX_CUSTOM_FIELDS, Resolver, TicketFilter};
use crate::model::FieldType;

/// One custom field as the pane lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDef {
    pub key: String,
    /// Display label (the key when the server gives none).
    pub label: String,
    /// `None`: known only from the filter (a `--filter field:x=y`); the
    /// server judges the value.
    pub field_type: Option<FieldType>,
    /// `(label, option id)` for select and multi_select.
    pub options: Vec<(String, Uuid)>,
    /// Names (or ids) of the inboxes the field is limited to; empty = all.
    pub inboxes: Vec<String>,
}

/// Every field the pane offers: live fields (or the config's aliases when
/// the server lists none), then keys that are only in the draft.
pub fn field_defs(catalog: Option<&Catalog>, draft: &TicketFilter) -> Vec<FieldDef> {
    let mut defs = Vec::new();
    if let Some(c) = catalog {
        if !c.supports(Endpoint::TicketFields) || c.fields().is_empty() {
            for (key, alias) in &c.aliases().fields {
                defs.push(FieldDef {
                    key: key.clone(),
                    label: key.clone(),
                    field_type: Some(alias.field_type.clone()),
                    options: alias
                        .options
                        .iter()
                        .map(|(l, id)| (l.clone(), *id))
                        .collect(),
                    inboxes: Vec::new(),
                });
            }
        }
        for f in c.fields() {
            if f.field_key.trim().is_empty() || defs.iter().any(|d| d.key == f.field_key) {
                continue;
            }
            defs.push(FieldDef {
                key: f.field_key.clone(),
                label: if f.label.trim().is_empty() {
                    f.field_key.clone()
                } else {
                    f.label.clone()
                },
                field_type: Some(f.field_type.clone()),
                options: f.options.iter().map(|o| (o.label.clone(), o.id)).collect(),
                inboxes: f
                    .inbox_ids
                    .iter()
                    .map(|id| {
                        c.inbox_name(*id)
                            .map_or_else(|| id.to_string(), str::to_string)
                    })
                    .collect(),
            });
        }
    }
    for key in draft.custom_fields.keys() {
        if !defs.iter().any(|d| &d.key == key) {
            defs.push(FieldDef {
                key: key.clone(),
                label: key.clone(),
                field_type: None,
                options: Vec::new(),
                inboxes: Vec::new(),
            });
        }
    }
    defs
}

/// A field for a key typed into the list that no field has: on a server
/// that lists no fields (and no `[aliases.fields]`), any key can still be
/// filtered on, its value judged by the server.
pub fn typed_key_def(typed: &str, defs: &[FieldDef]) -> Option<FieldDef> {
    let key = typed.trim();
    let key_shaped = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !key_shaped || defs.iter().any(|d| d.key == key) {
        return None;
    }
    Some(FieldDef {
        key: key.to_string(),
        label: key.to_string(),
        field_type: None,
        options: Vec::new(),
        inboxes: Vec::new(),
    })
}

impl FieldDef {
    /// The field list's entry: label, then type, inbox scope and value.
    pub fn pick_item(&self, draft: &TicketFilter) -> PickItem {
        let mut note = vec![self.type_name().to_string()];
        if !self.inboxes.is_empty() {
            note.push(format!("only in {}", self.inboxes.join(", ")));
        }
        if let Some(v) = draft.custom_fields.get(&self.key) {
            note.push(format!("= {}", self.value_text(v)));
        }
        PickItem::new(self.key.clone(), &self.label).note(&note.join(" · "))
    }

    /// True for types edited by picking from a list rather than typing.
    pub fn is_pick(&self) -> bool {
        matches!(
            self.field_type,
            Some(FieldType::Select | FieldType::MultiSelect | FieldType::Checkbox)
        )
    }

    /// "select", "multi_select", ...: shown beside the label.
    pub fn type_name(&self) -> &str {
        self.field_type.as_ref().map_or("any", FieldType::as_str)
    }

    /// The choices of a picking editor, "is empty" first: `(label, value)`.
    pub fn pick_choices(&self) -> Vec<(String, FieldValue)> {
        let mut out = vec![("is empty".to_string(), FieldValue::Empty)];
        match self.field_type {
            Some(FieldType::Checkbox) => {
                out.push(("checked".into(), FieldValue::Value("true".into())));
                out.push(("unchecked".into(), FieldValue::Value("false".into())));
            }
            Some(FieldType::Select | FieldType::MultiSelect) => {
                for (label, id) in &self.options {
                    // By label when it leads back to this option, else by id.
                    let value = if self
                        .options
                        .iter()
                        .find(|(l, _)| l.to_lowercase() == label.to_lowercase())
                        .map(|(_, i)| *i)
                        == Some(*id)
                        && !label.trim().is_empty()
                    {
                        label.clone()
                    } else {
                        id.to_string()
                    };
                    out.push((label.clone(), FieldValue::Value(value)));
                }
            }
            _ => {}
        }
        out
    }

    /// What a typing editor expects, shown under its input.
    pub fn input_hint(&self) -> &'static str {
        match self.field_type {
            Some(FieldType::Number) => "a number, e.g. 12 or 2.5",
            Some(FieldType::Date) => "a date: YYYY-MM-DD",
            Some(FieldType::DateTime) => "ISO 8601, e.g. 2026-11-01T09:30:00Z",
            _ => "text",
        }
    }

    /// The value as the pane shows it: option labels for option ids.
    pub fn value_text(&self, value: &FieldValue) -> String {
        match value {
            FieldValue::Empty => "is empty".into(),
            FieldValue::Value(v) => match self.field_type {
                Some(FieldType::Checkbox) if v == "true" => "checked".into(),
                Some(FieldType::Checkbox) if v == "false" => "unchecked".into(),
                _ => Uuid::parse_str(v.trim())
                    .ok()
                    .and_then(|id| self.options.iter().find(|(_, o)| *o == id))
                    .map_or_else(|| v.clone(), |(l, _)| l.clone()),
            },
        }
    }
}

/// Why a field value cannot be set: too many fields, or a value the
/// field's type refuses (checked with the same code that builds the request).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldRefusal {
    #[error(
        "at most {MAX_CUSTOM_FIELDS} custom fields per request: clear one (Del on it) before adding '{key}'"
    )]
    TooMany { key: String },
    #[error("{0}")]
    Invalid(String),
}

/// Whether the draft has room for a value of `key`: one it filters on
/// already, or an 11th field refused (the API takes ten).
pub fn room_for(draft: &TicketFilter, key: &str) -> Result<(), FieldRefusal> {
    if !draft.custom_fields.contains_key(key) && draft.custom_fields.len() >= MAX_CUSTOM_FIELDS {
        return Err(FieldRefusal::TooMany { key: key.into() });
    }
    Ok(())
}

/// Sets `key` to `value` in the draft, or says why not. Nothing is sent:
/// the 11th field and a malformed value are refused here.
pub fn set_field(
    draft: &mut TicketFilter,
    key: &str,
    value: FieldValue,
    resolver: &dyn Resolver,
    now: DateTime<Utc>,
) -> Result<(), FieldRefusal> {
    room_for(draft, key)?;
    check_value(key, &value, resolver, now)?;
    draft.set_field(key, Some(value));
    Ok(())
}

/// Validates one field value the way the request builder will.
pub fn check_value(
    key: &str,
    value: &FieldValue,
    resolver: &dyn Resolver,
    now: DateTime<Utc>,
) -> Result<(), FieldRefusal> {
    if matches!(value, FieldValue::Value(v) if v.trim().is_empty()) {
        return Err(FieldRefusal::Invalid(format!(
            "field '{key}': type a value, or choose \"is empty\""
        )));
    }
    // The request builder leaves numbers and checkboxes to the server;
    // the pane knows the type, so a typo is caught before a 400.
    if let (FieldValue::Value(v), Some(spec)) = (value, resolver.field(key)) {
        let v = v.trim();
        let refused = match spec.field_type {
            FieldType::Number => !v.parse::<f64>().is_ok_and(f64::is_finite),
            FieldType::Checkbox => !matches!(v, "true" | "false"),
            _ => false,
        };
        if refused {
            let expected = match spec.field_type {
                FieldType::Number => "a number",
                _ => "true or false",
            };
            return Err(FieldRefusal::Invalid(format!(
                "field '{key}' is a {} field: expected {expected}, got '{v}'",
                spec.field_type
            )));
        }
    }
    let mut one = TicketFilter::default();
    one.set_field(key, Some(value.clone()));
    one.to_query_pairs(resolver, now)
        .map(|_| ())
        .map_err(|e: FilterError| FieldRefusal::Invalid(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::{Aliases, FieldAlias};

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn aliases() -> Aliases {
        let mut a = Aliases::default();
        let field = |t: FieldType, opts: &[(&str, u128)]| FieldAlias {
            field_type: t,
            options: opts.iter().map(|(l, n)| (l.to_string(), id(*n))).collect(),
        };
        a.fields.insert(
            "plan".into(),
            field(FieldType::Select, &[("Free", 1), ("Pro", 2)]),
        );
        a.fields
            .insert("seats".into(), field(FieldType::Number, &[]));
        a.fields
            .insert("vip".into(), field(FieldType::Checkbox, &[]));
        a.fields.insert("due".into(), field(FieldType::Date, &[]));
        a
    }

    fn def(key: &str) -> FieldDef {
        let catalog = Catalog::from_aliases(aliases());
        field_defs(Some(&catalog), &TicketFilter::default())
            .into_iter()
            .find(|d| d.key == key)
            .unwrap()
    }

    #[test]
    fn pick_editors_offer_is_empty_first_then_their_values() {
        let labels = |d: &FieldDef| -> Vec<String> {
            d.pick_choices().into_iter().map(|(l, _)| l).collect()
        };
        assert_eq!(labels(&def("plan")), ["is empty", "Free", "Pro"]);
        assert_eq!(labels(&def("vip")), ["is empty", "checked", "unchecked"]);
        assert!(!def("seats").is_pick());
        let plan = def("plan");
        assert_eq!(
            plan.value_text(&FieldValue::Value(id(2).to_string())),
            "Pro"
        );
        assert_eq!(plan.value_text(&FieldValue::Empty), "is empty");
    }

    #[test]
    fn a_typed_key_no_field_has_becomes_a_field() {
        let defs = vec![def("plan")];
        let typed = typed_key_def("cost_center", &defs).unwrap();
        assert_eq!(typed.key, "cost_center");
        assert!(!typed.is_pick());
        assert_eq!(typed.type_name(), "any");
        assert!(typed_key_def("plan", &defs).is_none());
        assert!(typed_key_def("two words", &defs).is_none());
        assert!(typed_key_def("", &defs).is_none());
    }

    #[test]
    fn values_are_checked_by_type_before_anything_is_sent() {
        let a = aliases();
        let now = chrono::DateTime::from_timestamp(1_796_000_000, 0).unwrap();
        let ok = |k: &str, v: &str| check_value(k, &FieldValue::Value(v.into()), &a, now);
        assert!(ok("seats", "12.5").is_ok());
        assert!(ok("seats", "twelve").is_err());
        assert!(ok("seats", "NaN").is_err());
        assert!(ok("vip", "true").is_ok());
        assert!(ok("vip", "yes").is_err());
        assert!(ok("due", "2026-12-24").is_ok());
        assert!(ok("due", "24.12.2026").is_err());
        assert!(ok("plan", "pro").is_ok());
        assert!(ok("plan", "Gold").is_err());
        assert!(
            ok("anything", "goes").is_ok(),
            "unknown fields: the server judges"
        );
        assert!(ok("seats", "  ").is_err());
        assert!(check_value("seats", &FieldValue::Empty, &a, now).is_ok());
    }

    #[test]
    fn an_eleventh_field_is_refused_and_a_tenth_replaced() {
        let a = aliases();
        let mut f = TicketFilter::default();
        for i in 0..10 {
            set_field(
                &mut f,
                &format!("f{i}"),
                FieldValue::Empty,
                &a,
                chrono::DateTime::from_timestamp(1_796_000_000, 0).unwrap(),
            )
            .unwrap();
        }
        let err = set_field(
            &mut f,
            "f10",
            FieldValue::Empty,
            &a,
            chrono::DateTime::from_timestamp(1_796_000_000, 0).unwrap(),
        )
        .unwrap_err();
        assert!(matches!(err, FieldRefusal::TooMany { .. }));
        assert_eq!(f.custom_fields.len(), 10);
        // Changing one of the ten is not an eleventh.
        set_field(
            &mut f,
            "f3",
            FieldValue::Value("x".into()),
            &a,
            chrono::DateTime::from_timestamp(1_796_000_000, 0).unwrap(),
        )
        .unwrap();
        assert_eq!(f.custom_fields.len(), 10);
    }
}
