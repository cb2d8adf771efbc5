//! [`TicketFilter`] → the query pairs of `GET /tickets` (CONTRACT.md §2).

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use uuid::Uuid;

use super::resolve::{NameKind, Resolver};
use super::{AssigneeFilter, DateBound, EntityRef, FieldValue, SortField, SortOrder, TicketFilter};
use crate::model::FieldType;

/// The API accepts at most this many distinct `custom_field_<key>` per request.
pub const MAX_CUSTOM_FIELDS: usize = 10;

/// Why a filter cannot become a request. Found before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error(
        "too many custom fields: {count} (the API accepts at most {MAX_CUSTOM_FIELDS} per request)"
    )]
    TooManyCustomFields { count: usize },
    #[error("{}", unknown_message(.kind.noun(), .name, .known))]
    UnknownName {
        kind: NameKind,
        name: String,
        known: Vec<String>,
    },
    #[error("{}", unknown_message(&format!("option for field '{}':", .field), .label, .options))]
    UnknownOption {
        field: String,
        label: String,
        options: Vec<String>,
    },
    #[error("field '{field}' is a {field_type} field: expected {expected}, got '{value}'")]
    InvalidFieldValue {
        field: String,
        field_type: &'static str,
        expected: &'static str,
        value: String,
    },
    #[error("the {parameter} bound is out of the representable date range")]
    DateOutOfRange { parameter: &'static str },
}

impl TicketFilter {
    /// The exact query parameters of `GET /tickets` for this filter.
    ///
    /// Pairs come out in one fixed order, so equal filters give equal URLs
    /// (and cache keys): `query`, `status`, `priority`, `assignee_id`,
    /// `inbox_id`, `tag_ids`, `created_after`, `created_before`,
    /// `updated_after`, `updated_before`, `custom_field_<key>` by key,
    /// `sort`, `order`. Unset parameters are left out; `page` and
    /// `per_page` are the client's to add.
    ///
    /// Names resolve through `resolver`
    /// (a bare UUID in a name position is accepted as is); relative dates
    /// resolve against `now`. Instants are RFC 3339 UTC with a `Z`, to the
    /// second.
    pub fn to_query_pairs(
        &self,
        resolver: &dyn Resolver,
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, String)>, FilterError> {
        if self.custom_fields.len() > MAX_CUSTOM_FIELDS {
            return Err(FilterError::TooManyCustomFields {
                count: self.custom_fields.len(),
            });
        }
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: String| pairs.push((k.to_string(), v));

        if let Some(q) = self.query.as_deref().filter(|q| !q.trim().is_empty()) {
            push("query", q.to_string());
        }
        if !self.statuses.is_empty() {
            let mut seen: Vec<&str> = Vec::new();
            for s in &self.statuses {
                if !seen.contains(&s.as_str()) {
                    seen.push(s.as_str());
                }
            }
            push("status", seen.join(","));
        }
        if let Some(p) = &self.priority {
            push("priority", p.as_str().to_string());
        }
        match &self.assignee {
            Some(AssigneeFilter::Unassigned) => push("assignee_id", "__unassigned__".into()),
            Some(AssigneeFilter::User(r)) => push(
                "assignee_id",
                resolve(resolver, NameKind::User, r)?.to_string(),
            ),
            None => {}
        }
        if let Some(r) = &self.inbox {
            push(
                "inbox_id",
                resolve(resolver, NameKind::Inbox, r)?.to_string(),
            );
        }
        if !self.tags.is_empty() {
            let mut ids: Vec<Uuid> = Vec::new();
            for r in &self.tags {
                let id = resolve(resolver, NameKind::Tag, r)?;
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
            push("tag_ids", ids.join(","));
        }
        let bounds = [
            ("created_after", &self.created_after),
            ("created_before", &self.created_before),
            ("updated_after", &self.updated_after),
            ("updated_before", &self.updated_before),
        ];
        for (name, bound) in bounds {
            if let Some(b) = bound {
                push(name, instant(b, now, name)?);
            }
        }
        for (key, value) in &self.custom_fields {
            let value = field_value(resolver, key, value)?;
            push(&format!("custom_field_{key}"), value);
        }
        if let Some(s) = self.sort {
            let s = match s {
                SortField::CreatedAt => "created_at",
                SortField::UpdatedAt => "updated_at",
                SortField::Priority => "priority",
            };
            push("sort", s.into());
        }
        if let Some(o) = self.order {
            push(
                "order",
                if o == SortOrder::Asc { "asc" } else { "desc" }.into(),
            );
        }
        Ok(pairs)
    }
}

fn resolve(resolver: &dyn Resolver, kind: NameKind, r: &EntityRef) -> Result<Uuid, FilterError> {
    match r {
        EntityRef::Id(id) => Ok(*id),
        EntityRef::Name(name) => resolver
            .id_of(kind, name)
            .or_else(|| Uuid::parse_str(name.trim()).ok())
            .ok_or_else(|| FilterError::UnknownName {
                kind,
                name: name.clone(),
                known: resolver.known_names(kind),
            }),
    }
}

fn instant(
    b: &DateBound,
    now: DateTime<Utc>,
    parameter: &'static str,
) -> Result<String, FilterError> {
    b.resolve(now)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .ok_or(FilterError::DateOutOfRange { parameter })
}

fn field_value(
    resolver: &dyn Resolver,
    key: &str,
    value: &FieldValue,
) -> Result<String, FilterError> {
    let raw = match value {
        FieldValue::Empty => return Ok("__empty__".into()),
        FieldValue::Value(v) => v,
    };
    // Without the field's type the server is the judge.
    let Some(spec) = resolver.field(key) else {
        return Ok(raw.clone());
    };
    let invalid = |field_type, expected| FilterError::InvalidFieldValue {
        field: key.to_string(),
        field_type,
        expected,
        value: raw.clone(),
    };
    match spec.field_type {
        FieldType::Select | FieldType::MultiSelect => spec
            .option_id(raw)
            .or_else(|| Uuid::parse_str(raw.trim()).ok())
            .map(|id| id.to_string())
            .ok_or_else(|| FilterError::UnknownOption {
                field: key.to_string(),
                label: raw.clone(),
                options: spec.options.iter().map(|(l, _)| l.clone()).collect(),
            }),
        FieldType::Date => NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
            .map(|d| d.format("%Y-%m-%d").to_string())
            .map_err(|_| invalid("date", "a date like 2026-11-01")),
        FieldType::DateTime => date_time_value(raw.trim())
            .ok_or_else(|| invalid("date_time", "an instant like 2026-11-01T09:30:00Z")),
        _ => Ok(raw.clone()),
    }
}

/// An RFC 3339 instant is sent as typed; one without an offset is read as
/// UTC (as in the text form's date bounds) and sent with a `Z`.
fn date_time_value(raw: &str) -> Option<String> {
    if DateTime::parse_from_rfc3339(raw).is_ok() {
        return Some(raw.to_string());
    }
    match crate::filter::text::parse::date_bound(raw)? {
        DateBound::Instant(t) => Some(t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        _ => None,
    }
}

/// "unknown tag 'biling' (did you mean 'billing'? known: billing, vip, …)"
pub(crate) fn unknown_message(what: &str, name: &str, known: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut msg = format!("unknown {what} '{name}'");
    if known.is_empty() {
        return msg;
    }
    let mut hints = Vec::new();
    if let Some(close) = closest(name, known) {
        hints.push(format!("did you mean '{close}'?"));
    }
    let mut list: Vec<&str> = known.iter().take(SHOWN).map(String::as_str).collect();
    if known.len() > SHOWN {
        list.push("…");
    }
    hints.push(format!("known: {}", list.join(", ")));
    msg.push_str(&format!(" ({})", hints.join(" ")));
    msg
}

/// The known name nearest to `name` by edit distance, if it is near enough
/// to be a plausible typo.
fn closest<'a>(name: &str, known: &'a [String]) -> Option<&'a str> {
    let wanted: Vec<char> = name.to_lowercase().chars().collect();
    known
        .iter()
        .map(|k| {
            (
                edit_distance(&wanted, &k.to_lowercase().chars().collect::<Vec<_>>()),
                k,
            )
        })
        .filter(|(d, _)| *d > 0 && *d <= 1 + wanted.len() / 4)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.as_str())
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::resolve::{Aliases, FieldAlias};
    use crate::filter::text::parse;
    use std::collections::BTreeMap;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-29T10:20:30.75Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn aliases() -> Aliases {
        let mut a = Aliases::default();
        a.tags.insert("billing".into(), id(1));
        a.tags.insert("vip".into(), id(2));
        a.inboxes.insert("Support".into(), id(10));
        a.users.insert("Ana Lima".into(), id(20));
        a.fields.insert(
            "plan".into(),
            FieldAlias {
                field_type: FieldType::Select,
                options: BTreeMap::from([("Enterprise".into(), id(30)), ("Free".into(), id(31))]),
            },
        );
        a.fields.insert(
            "due".into(),
            FieldAlias {
                field_type: FieldType::Date,
                options: BTreeMap::new(),
            },
        );
        a.fields.insert(
            "seen".into(),
            FieldAlias {
                field_type: FieldType::DateTime,
                options: BTreeMap::new(),
            },
        );
        a.fields.insert(
            "seats".into(),
            FieldAlias {
                field_type: FieldType::Number,
                options: BTreeMap::new(),
            },
        );
        a
    }

    fn pairs(s: &str) -> Result<Vec<(String, String)>, FilterError> {
        parse(s).unwrap().to_query_pairs(&aliases(), now())
    }

    fn ok(s: &str) -> Vec<(String, String)> {
        pairs(s).unwrap()
    }

    fn p(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn every_parameter_in_the_documented_order() {
        let got = ok(
            r#"order:asc sort:created "refund policy" -spam field:region=empty field:plan=enterprise updated:>2w updated:<24h created:<2026-11-02T09:30:00+01:00 created:>2026-11-01 tag:vip,billing inbox:support assignee:"ana lima" priority:urgent status:open,waiting,open"#,
        );
        assert_eq!(
            got,
            vec![
                p("query", "\"refund policy\" -spam"),
                p("status", "open,waiting"),
                p("priority", "urgent"),
                p("assignee_id", &id(20).to_string()),
                p("inbox_id", &id(10).to_string()),
                p("tag_ids", &format!("{},{}", id(2), id(1))),
                p("created_after", "2026-11-01T00:00:00Z"),
                p("created_before", "2026-11-02T08:30:00Z"),
                p("updated_after", "2026-11-28T10:20:30Z"),
                p("updated_before", "2026-11-15T10:20:30Z"),
                p("custom_field_plan", &id(30).to_string()),
                p("custom_field_region", "__empty__"),
                p("sort", "created_at"),
                p("order", "asc"),
            ]
        );
    }

    #[test]
    fn empty_filter_sends_nothing() {
        assert!(ok("").is_empty());
        let f = TicketFilter {
            query: Some("  ".into()),
            ..TicketFilter::default()
        };
        assert!(f.to_query_pairs(&aliases(), now()).unwrap().is_empty());
    }

    #[test]
    fn unassigned_and_uuids_pass_through() {
        assert_eq!(
            ok("assignee:none"),
            vec![p("assignee_id", "__unassigned__")]
        );
        let raw = id(99).to_string();
        assert_eq!(ok(&format!("tag:{raw}")), vec![p("tag_ids", &raw)]);
        // A quoted UUID is a name; when no tag has that name it is still the id.
        assert_eq!(ok(&format!("inbox:\"{raw}\"")), vec![p("inbox_id", &raw)]);
    }

    #[test]
    fn relative_dates_resolve_against_now() {
        assert_eq!(
            ok("updated:<7d"),
            vec![p("updated_after", "2026-11-22T10:20:30Z")]
        );
        assert_eq!(
            ok("updated:>30m"),
            vec![p("updated_before", "2026-11-29T09:50:30Z")]
        );
        assert_eq!(
            ok("created:>today"),
            vec![p("created_after", "2026-11-29T00:00:00Z")]
        );
        assert_eq!(
            ok("created:<today"),
            vec![p("created_before", "2026-11-29T00:00:00Z")]
        );
        assert_eq!(
            ok("created:>2026-11-01T10:00:00.123456Z"),
            vec![p("created_after", "2026-11-01T10:00:00Z")]
        );
        assert_eq!(
            pairs("updated:<4294967295w"),
            Err(FilterError::DateOutOfRange {
                parameter: "updated_after"
            })
        );
    }

    #[test]
    fn custom_field_values_by_type() {
        assert_eq!(
            ok("field:due=2026-12-24"),
            vec![p("custom_field_due", "2026-12-24")]
        );
        assert_eq!(
            ok("field:seen=2026-12-24T08:00:00+01:00"),
            vec![p("custom_field_seen", "2026-12-24T08:00:00+01:00")]
        );
        assert_eq!(ok("field:seats=12"), vec![p("custom_field_seats", "12")]);
        assert_eq!(
            ok("field:anything=whatever"),
            vec![p("custom_field_anything", "whatever")]
        );
        let opt = id(77).to_string();
        assert_eq!(
            ok(&format!("field:plan={opt}")),
            vec![p("custom_field_plan", &opt)]
        );
        assert_eq!(
            pairs("field:due=24/12/2026").unwrap_err().to_string(),
            "field 'due' is a date field: expected a date like 2026-11-01, got '24/12/2026'"
        );
        assert!(matches!(
            pairs("field:seen=tomorrow"),
            Err(FilterError::InvalidFieldValue { .. })
        ));
        assert!(matches!(
            pairs("field:seen=2026-12-24"),
            Err(FilterError::InvalidFieldValue { .. })
        ));
        assert_eq!(
            ok("field:seen=2026-12-24T08:00"),
            vec![p("custom_field_seen", "2026-12-24T08:00:00Z")]
        );
        assert_eq!(
            pairs("field:plan=Enterprse").unwrap_err().to_string(),
            "unknown option for field 'plan': 'Enterprse' (did you mean 'Enterprise'? known: Enterprise, Free)"
        );
    }

    #[test]
    fn more_than_ten_custom_fields_is_refused() {
        let ten: String = (0..10).map(|i| format!("field:f{i}=x ")).collect();
        assert_eq!(ok(&ten).len(), 10);
        assert_eq!(
            pairs(&format!("{ten} field:f10=x")),
            Err(FilterError::TooManyCustomFields { count: 11 })
        );
    }

    #[test]
    fn unknown_names_are_named_with_suggestions() {
        assert_eq!(
            pairs("tag:biling").unwrap_err().to_string(),
            "unknown tag 'biling' (did you mean 'billing'? known: billing, vip)"
        );
        assert_eq!(
            pairs("inbox:Nowhere").unwrap_err().to_string(),
            "unknown inbox 'Nowhere' (known: Support)"
        );
        struct Blind;
        impl Resolver for Blind {
            fn tag_id(&self, _: &str) -> Option<Uuid> {
                None
            }
            fn inbox_id(&self, _: &str) -> Option<Uuid> {
                None
            }
            fn user_id(&self, _: &str) -> Option<Uuid> {
                None
            }
            fn field(&self, _: &str) -> Option<crate::filter::FieldSpec> {
                None
            }
        }
        let f = parse(r#"assignee:"Bo Chen" field:plan=Gold"#).unwrap();
        assert_eq!(
            f.to_query_pairs(&Blind, now()).unwrap_err().to_string(),
            "unknown user 'Bo Chen'"
        );
        let f = parse("field:plan=Gold").unwrap();
        assert_eq!(
            f.to_query_pairs(&Blind, now()).unwrap(),
            vec![p("custom_field_plan", "Gold")]
        );
    }

    #[test]
    fn long_known_lists_are_cut() {
        let known: Vec<String> = (0..20).map(|i| format!("t{i}")).collect();
        let msg = unknown_message("tag", "zzz", &known);
        assert!(msg.ends_with("t7, …)"), "{msg}");
    }
}
