//! [`Step`]s → a [`Plan`]: names looked up in the workspace's catalog,
//! values typed for their custom field, and contradictions refused, all
//! before anything is sent. Every error points at the token it is about.

use chrono::{DateTime, NaiveDate, SecondsFormat, TimeZone, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::parse::{Spanned, Step};
use crate::api::Catalog;
use crate::app::triage::snooze::parse_remind_at;
use crate::app::triage::{PriorityChoice, StatusChoice};
use crate::filter::text::ParseError;
use crate::filter::text::lex::Item;
use crate::filter::unknown_message;
use crate::filter::{FieldSpec, NameKind, Resolver};
use crate::model::{FieldType, PriorityLevel, StatusCategory};
use crate::text::sanitize;

/// The longest note a macro may carry (the server's own cap may be lower;
/// then its 400 says so).
pub const MAX_NOTE_BYTES: usize = 10_000;

/// What a macro does to each ticket: one PATCH (every field but the note)
/// and, if given, one internal note.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    pub status: Option<StatusChoice>,
    pub priority: Option<PriorityChoice>,
    /// `Some(None)` unassigns; the name is for the words only.
    pub assignee: Option<(Option<Uuid>, String)>,
    pub inbox: Option<(Uuid, String)>,
    pub add_tags: Vec<(Uuid, String)>,
    pub remove_tags: Vec<(Uuid, String)>,
    /// `field_key` → typed value; `Null` clears. In the order written.
    pub fields: Vec<(String, Value)>,
    /// The snooze as written (`4h`, `"tomorrow 9:00"`): read against the
    /// clock when the macro runs, so a macro means the same thing tomorrow.
    pub snooze: Option<String>,
    pub note: Option<String>,
    /// A canned reply's name as the config spells it: posted to the
    /// customer after the change (the UI asks first; `apply` wants
    /// `--send-replies`).
    pub reply: Option<String>,
}

impl Plan {
    /// True when there is something to PATCH (a note alone is not).
    pub fn patches(&self) -> bool {
        self.status.is_some()
            || self.priority.is_some()
            || self.assignee.is_some()
            || self.inbox.is_some()
            || !self.add_tags.is_empty()
            || !self.remove_tags.is_empty()
            || !self.fields.is_empty()
            || self.snooze.is_some()
    }
}

/// What the names are looked up in. `now` only checks that a snooze reads
/// as a time in the future; the macro reads it again when it runs.
pub struct Lookup<'a, Tz: TimeZone> {
    pub catalog: &'a Catalog,
    pub me: Option<Uuid>,
    pub now: DateTime<Tz>,
    /// The names of the `[[replies]]` a `reply:` may name.
    pub replies: &'a [String],
}

/// The config's `me` (a name, an email or a UUID) as a user id.
pub fn me_id(me: Option<&str>, catalog: &Catalog) -> Option<Uuid> {
    let me = me?.trim();
    Uuid::parse_str(me).ok().or_else(|| catalog.user_id(me))
}

/// Resolves every step, or says what is wrong with the first bad one.
pub fn resolve<Tz: TimeZone>(
    steps: &[Spanned],
    input: &str,
    lookup: &Lookup<'_, Tz>,
) -> Result<Plan, ParseError> {
    let mut plan = Plan::default();
    for Spanned { step, span } in steps {
        let token = &input[span.clone()];
        let twice =
            |what: &str| ParseError::new(span.clone(), token, format!("{what} given twice"));
        match step {
            Step::Status(item) => {
                if plan.snooze.is_some() {
                    return Err(snooze_and_status(span, token));
                }
                if plan.status.is_some() {
                    return Err(twice("status"));
                }
                plan.status = Some(status(item, token, lookup.catalog)?);
            }
            Step::Priority(item) => {
                if plan.priority.is_some() {
                    return Err(twice("priority"));
                }
                plan.priority = Some(priority(item, token, lookup.catalog)?);
            }
            Step::Assignee(item) => {
                if plan.assignee.is_some() {
                    return Err(twice("assignee"));
                }
                plan.assignee = Some(assignee(item, token, lookup)?);
            }
            Step::Inbox(item) => {
                if plan.inbox.is_some() {
                    return Err(twice("inbox"));
                }
                let id = entity(item, token, lookup.catalog, NameKind::Inbox)?;
                plan.inbox = Some((id, name_of(lookup.catalog.inbox_name(id), item)));
            }
            Step::Tags { add, items } => {
                for item in items {
                    let id = entity(item, token, lookup.catalog, NameKind::Tag)?;
                    let (mine, other) = if *add {
                        (&mut plan.add_tags, &plan.remove_tags)
                    } else {
                        (&mut plan.remove_tags, &plan.add_tags)
                    };
                    if other.iter().any(|(t, _)| *t == id) {
                        return Err(ParseError::new(
                            item.span.clone(),
                            token,
                            format!("tag '{}' is both added and removed", item.text),
                        ));
                    }
                    if !mine.iter().any(|(t, _)| *t == id) {
                        mine.push((id, name_of(lookup.catalog.tag_name(id), item)));
                    }
                }
            }
            Step::Field { key, value } => {
                if plan.fields.iter().any(|(k, _)| *k == key.text) {
                    return Err(ParseError::new(
                        key.span.clone(),
                        token,
                        format!("field '{}' given twice", key.text),
                    ));
                }
                let typed = field_value(key, value.as_ref(), token, lookup.catalog)?;
                plan.fields.push((key.text.clone(), typed));
            }
            Step::Snooze(item) => {
                if plan.status.is_some() {
                    return Err(snooze_and_status(span, token));
                }
                if plan.snooze.is_some() {
                    return Err(twice("snooze"));
                }
                parse_remind_at(&item.text, &lookup.now)
                    .map_err(|e| ParseError::new(item.span.clone(), token, e.to_string()))?;
                plan.snooze = Some(item.text.clone());
            }
            Step::Note(item) => {
                if plan.note.is_some() {
                    return Err(twice("note"));
                }
                if item.text.trim().is_empty() {
                    return Err(ParseError::new(
                        item.span.clone(),
                        token,
                        "the note is empty",
                    ));
                }
                if item.text.len() > MAX_NOTE_BYTES {
                    return Err(ParseError::new(
                        item.span.clone(),
                        token,
                        format!("the note is longer than {MAX_NOTE_BYTES} bytes"),
                    ));
                }
                plan.note = Some(item.text.clone());
            }
            Step::Reply(item) => {
                if plan.reply.is_some() {
                    return Err(twice("reply"));
                }
                let found = lookup
                    .replies
                    .iter()
                    .find(|r| r.trim().eq_ignore_ascii_case(item.text.trim()));
                let Some(name) = found else {
                    let known = if lookup.replies.is_empty() {
                        "there are no [[replies]] in the config".to_string()
                    } else {
                        let names: Vec<String> = lookup
                            .replies
                            .iter()
                            .map(|r| format!("'{}'", sanitize(r)))
                            .collect();
                        format!("replies: {}", names.join(", "))
                    };
                    return Err(ParseError::new(
                        item.span.clone(),
                        token,
                        format!("unknown reply '{}' ({known})", sanitize(&item.text)),
                    ));
                };
                plan.reply = Some(name.clone());
            }
        }
    }
    Ok(plan)
}

fn snooze_and_status(span: &std::ops::Range<usize>, token: &str) -> ParseError {
    ParseError::new(
        span.clone(),
        token,
        "snooze sets a waiting status itself: give status: or snooze:, not both",
    )
}

/// A status by the workspace's name for it, else by category
/// (`status:open`, `status:in-progress`).
fn status(item: &Item, token: &str, catalog: &Catalog) -> Result<StatusChoice, ParseError> {
    let wanted = item.text.to_lowercase();
    if let Some(s) = catalog
        .statuses()
        .iter()
        .find(|s| s.name.to_lowercase() == wanted)
    {
        return Ok(StatusChoice {
            id: Some(s.id),
            category: s.category.clone(),
            name: s.name.clone(),
            color: s.color.clone(),
        });
    }
    if let Some(category) = StatusCategory::parse_known(&wanted.replace('-', "_")) {
        return Ok(StatusChoice {
            id: None,
            category,
            name: String::new(),
            color: None,
        });
    }
    let mut known: Vec<String> = catalog.statuses().iter().map(|s| s.name.clone()).collect();
    known.extend(StatusCategory::KNOWN.iter().map(|c| c.as_str().to_string()));
    Err(ParseError::new(
        item.span.clone(),
        token,
        unknown_message("status", &item.text, &known),
    ))
}

fn priority(item: &Item, token: &str, catalog: &Catalog) -> Result<PriorityChoice, ParseError> {
    let wanted = item.text.to_lowercase();
    if let Some(p) = catalog
        .priorities()
        .iter()
        .find(|p| p.name.to_lowercase() == wanted)
    {
        return Ok(PriorityChoice {
            id: Some(p.id),
            level: p.level.clone(),
            name: p.name.clone(),
            color: p.color.clone(),
        });
    }
    if let Some(level) = PriorityLevel::parse_known(&wanted) {
        // The workspace's priority of that level, so the row shows its name
        // and color at once; the bare level when there is none.
        let named = catalog.priorities().iter().find(|p| p.level == level);
        return Ok(PriorityChoice {
            id: named.map(|p| p.id),
            name: named.map(|p| p.name.clone()).unwrap_or_default(),
            color: named.and_then(|p| p.color.clone()),
            level,
        });
    }
    let mut known: Vec<String> = catalog
        .priorities()
        .iter()
        .map(|p| p.name.clone())
        .collect();
    known.extend(PriorityLevel::KNOWN.iter().map(|l| l.as_str().to_string()));
    known.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    Err(ParseError::new(
        item.span.clone(),
        token,
        unknown_message("priority", &item.text, &known),
    ))
}

fn assignee<Tz: TimeZone>(
    item: &Item,
    token: &str,
    lookup: &Lookup<'_, Tz>,
) -> Result<(Option<Uuid>, String), ParseError> {
    if !item.quoted {
        match item.text.to_lowercase().as_str() {
            "none" | "unassigned" => return Ok((None, "unassigned".into())),
            "me" => {
                let id = lookup.me.ok_or_else(|| {
                    ParseError::new(
                        item.span.clone(),
                        token,
                        "assignee:me needs `me` in the config (your name, email or id)",
                    )
                })?;
                return Ok((Some(id), name_of(lookup.catalog.user_name(id), item)));
            }
            _ => {}
        }
    }
    let id = entity(item, token, lookup.catalog, NameKind::User)?;
    Ok((Some(id), name_of(lookup.catalog.user_name(id), item)))
}

/// A tag, inbox or user by name, or by UUID when written as one.
fn entity(item: &Item, token: &str, catalog: &Catalog, kind: NameKind) -> Result<Uuid, ParseError> {
    if let Some(id) = catalog.id_of(kind, &item.text) {
        return Ok(id);
    }
    if !item.quoted
        && let Ok(id) = Uuid::parse_str(item.text.trim())
    {
        return Ok(id);
    }
    Err(ParseError::new(
        item.span.clone(),
        token,
        unknown_message(kind.noun(), &item.text, &catalog.known_names(kind)),
    ))
}

/// The catalog's name (sanitized), else the text as written.
fn name_of(known: Option<&str>, item: &Item) -> String {
    sanitize(known.unwrap_or(&item.text)).into_owned()
}

fn field_value(
    key: &Item,
    value: Option<&Item>,
    token: &str,
    catalog: &Catalog,
) -> Result<Value, ParseError> {
    let spec = Resolver::field(catalog, &key.text);
    if spec.is_none() && (!catalog.fields().is_empty() || !catalog.aliases().fields.is_empty()) {
        let known: Vec<String> = catalog
            .fields()
            .iter()
            .map(|f| f.field_key.clone())
            .chain(catalog.aliases().fields.keys().cloned())
            .collect();
        return Err(ParseError::new(
            key.span.clone(),
            token,
            unknown_message("field", &key.text, &known),
        ));
    }
    let Some(value) = value else {
        return Ok(Value::Null);
    };
    // Without the field's type the server is the judge: sent as text.
    let Some(spec) = spec else {
        return Ok(Value::String(value.text.clone()));
    };
    typed_field_value(&spec, &value.text)
        .map_err(|message| ParseError::new(value.span.clone(), token, message))
}

/// A custom field's value as `PATCH` takes it, typed as for filters:
/// option UUID, `YYYY-MM-DD`, ISO 8601, number, boolean, text. The error is
/// one line naming what was expected.
pub fn typed_field_value(spec: &FieldSpec, raw: &str) -> Result<Value, String> {
    let text = raw.trim();
    let option = |label: &str| {
        spec.option_id(label)
            .or_else(|| Uuid::parse_str(label.trim()).ok())
            .map(|id| Value::String(id.to_string()))
            .ok_or_else(|| {
                let labels: Vec<String> = spec.options.iter().map(|(l, _)| l.clone()).collect();
                unknown_message("option", label, &labels)
            })
    };
    match spec.field_type {
        FieldType::Select => option(text),
        FieldType::MultiSelect => text
            .split(',')
            .map(option)
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        FieldType::Date => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
            .map_err(|_| format!("'{text}' is not a date like 2026-11-01")),
        FieldType::DateTime => DateTime::parse_from_rfc3339(text)
            .map(|t| {
                Value::String(
                    t.with_timezone(&Utc)
                        .to_rfc3339_opts(SecondsFormat::AutoSi, true),
                )
            })
            .map_err(|_| format!("'{text}' is not an instant like 2026-11-01T09:30:00Z")),
        FieldType::Number => text
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .and_then(serde_json::Number::from_f64)
            .map(|n| match text.parse::<i64>() {
                Ok(i) => Value::from(i),
                Err(_) => Value::Number(n),
            })
            .ok_or_else(|| format!("'{text}' is not a number")),
        FieldType::Checkbox => match text.to_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Ok(Value::Bool(true)),
            "false" | "no" | "off" | "0" => Ok(Value::Bool(false)),
            _ => Err(format!("'{text}' is not true or false")),
        },
        FieldType::Text | FieldType::Other(_) => Ok(Value::String(raw.to_string())),
    }
}
