//! The two halves of `GET /tickets` agree: any filter a user can write over
//! the workspace's real names becomes query pairs that the local server's
//! parser accepts (no 400) and reads back as the same filter.
//!
//! The client builds pairs in `triage::filter`, the server parses them in
//! `triage::server::query`; they were written apart, so this is the test
//! that a parameter name, a list separator or a value format drifting on
//! one side is caught.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use proptest::prelude::*;
use triage::api::types::{FieldType, PriorityLevel, StatusCategory};
use triage::filter::{
    Aliases, AssigneeFilter, DateBound, EntityRef, FieldAlias, FieldValue, RelativeSpan, SortField,
    SortOrder, TicketFilter,
};
use triage::server::Dataset;
use triage::server::generate::generate;
use triage::server::query::{self as server_query, FieldMatch, Order, SortKey};
use uuid::Uuid;

use crate::support::strategies::span_unit;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
        .expect("valid date")
        .with_timezone(&Utc)
}

fn dataset() -> &'static Dataset {
    static DATA: std::sync::OnceLock<Dataset> = std::sync::OnceLock::new();
    DATA.get_or_init(|| generate(40, 7, now()))
}

/// What the config file's `[aliases]` would say for this workspace: the
/// same resolver interface the live catalog implements.
fn aliases(d: &Dataset) -> Aliases {
    let mut a = Aliases::default();
    for t in &d.tags {
        a.tags.insert(t.name.clone(), t.id);
    }
    for i in &d.inboxes {
        a.inboxes.insert(i.name.clone(), i.id);
    }
    for u in &d.users {
        a.users.insert(u.name.clone(), u.id);
    }
    for f in &d.fields {
        a.fields.insert(
            f.field_key.clone(),
            FieldAlias {
                field_type: f.field_type.clone(),
                options: f.options.iter().map(|o| (o.label.clone(), o.id)).collect(),
            },
        );
    }
    a
}

/// A name (or sometimes the bare UUID) of one entry of `map`.
fn entity_of(map: &BTreeMap<String, Uuid>) -> impl Strategy<Value = (EntityRef, Uuid)> + use<> {
    let entries: Vec<(String, Uuid)> = map.iter().map(|(k, v)| (k.clone(), *v)).collect();
    (prop::sample::select(entries), any::<bool>()).prop_map(|((name, id), by_id)| {
        if by_id {
            (EntityRef::Id(id), id)
        } else {
            (EntityRef::Name(name), id)
        }
    })
}

/// A value the field's type admits, as a user would type it.
fn value_for(alias: &FieldAlias) -> BoxedStrategy<FieldValue> {
    let typed: BoxedStrategy<String> = match &alias.field_type {
        FieldType::Text => "[a-zA-Z][a-zA-Z ]{0,10}".boxed(),
        FieldType::Number => prop_oneof![
            (-1000i32..1000).prop_map(|n| n.to_string()),
            (-1000i32..1000, 1u8..99).prop_map(|(n, f)| format!("{n}.{f}")),
        ]
        .boxed(),
        FieldType::Checkbox => {
            prop::sample::select(vec!["true".to_string(), "false".into()]).boxed()
        }
        FieldType::Select | FieldType::MultiSelect => {
            let labels: Vec<String> = alias.options.keys().cloned().collect();
            prop::sample::select(labels).boxed()
        }
        FieldType::Date => (2000i32..2030, 1u32..=12, 1u32..=28)
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
            .boxed(),
        FieldType::DateTime => (0i64..2_000_000_000)
            .prop_map(|s| {
                DateTime::<Utc>::from_timestamp(s, 0)
                    .map(|t| t.to_rfc3339())
                    .unwrap_or_default()
            })
            .boxed(),
        FieldType::Other(_) => Just(String::new()).boxed(),
    };
    prop_oneof![1 => Just(FieldValue::Empty), 4 => typed.prop_map(FieldValue::Value)].boxed()
}

fn bound() -> impl Strategy<Value = DateBound> {
    let unit = span_unit();
    prop_oneof![
        (1990i32..2040, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| DateBound::Date(
            NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
        )),
        (0i64..2_200_000_000).prop_map(|s| DateBound::Instant(
            DateTime::<Utc>::from_timestamp(s, 0).unwrap_or_default()
        )),
        (0u32..5000, unit).prop_map(|(amount, unit)| DateBound::Ago(RelativeSpan { amount, unit })),
        Just(DateBound::Today),
    ]
}

/// A filter over the dataset's names, and the ids its names stand for.
#[derive(Debug, Clone)]
struct Case {
    filter: TicketFilter,
    inbox: Option<Uuid>,
    assignee: Option<Option<Uuid>>,
    tags: Vec<Uuid>,
}

fn case() -> impl Strategy<Value = Case> {
    let a = aliases(dataset());
    let fields: Vec<(String, FieldAlias)> = a.fields.clone().into_iter().collect();
    let field_filters = prop::sample::subsequence(fields.clone(), 0..=fields.len().min(10))
        .prop_flat_map(|chosen| {
            chosen
                .into_iter()
                .map(|(key, alias)| value_for(&alias).prop_map(move |v| (key.clone(), v)))
                .collect::<Vec<_>>()
        });
    let assignee = prop_oneof![
        1 => Just(None),
        1 => Just(Some(None)),
        2 => entity_of(&a.users).prop_map(|u| Some(Some(u))),
    ];
    (
        prop::option::of("[a-z\"\\- ]{1,20}"),
        prop::collection::vec(prop::sample::select(StatusCategory::KNOWN.to_vec()), 0..4),
        prop::option::of(prop::sample::select(PriorityLevel::KNOWN.to_vec())),
        assignee,
        prop::option::of(entity_of(&a.inboxes)),
        prop::collection::vec(entity_of(&a.tags), 0..4),
        [
            prop::option::of(bound()),
            prop::option::of(bound()),
            prop::option::of(bound()),
            prop::option::of(bound()),
        ],
        field_filters,
        prop::option::of(prop::sample::select(vec![
            SortField::CreatedAt,
            SortField::UpdatedAt,
            SortField::Priority,
        ])),
        prop::option::of(prop::sample::select(vec![SortOrder::Asc, SortOrder::Desc])),
    )
        .prop_map(
            |(query, statuses, priority, assignee, inbox, tags, bounds, fields, sort, order)| {
                let [created_after, created_before, updated_after, updated_before] = bounds;
                let mut tag_ids: Vec<Uuid> = Vec::new();
                for (_, id) in &tags {
                    if !tag_ids.contains(id) {
                        tag_ids.push(*id);
                    }
                }
                Case {
                    inbox: inbox.as_ref().map(|(_, id)| *id),
                    assignee: assignee.as_ref().map(|a| a.as_ref().map(|(_, id)| *id)),
                    tags: tag_ids,
                    filter: TicketFilter {
                        query,
                        statuses,
                        priority,
                        assignee: assignee.map(|a| match a {
                            None => AssigneeFilter::Unassigned,
                            Some((r, _)) => AssigneeFilter::User(r),
                        }),
                        inbox: inbox.map(|(r, _)| r),
                        tags: tags.into_iter().map(|(r, _)| r).collect(),
                        created_after,
                        created_before,
                        updated_after,
                        updated_before,
                        custom_fields: fields.into_iter().collect(),
                        sort,
                        order,
                    },
                }
            },
        )
}

fn category_bits(statuses: &[StatusCategory]) -> u8 {
    // The server's bit order is its own; compare through a one-category
    // parse instead of assuming it.
    statuses
        .iter()
        .map(|s| {
            let pairs = vec![("status".to_string(), s.as_str().to_string())];
            server_query::parse_list_query(&pairs, dataset())
                .map(|q| q.category_mask)
                .unwrap_or(0)
        })
        .fold(0, |acc, b| acc | b)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn the_server_reads_back_what_the_client_sends(c in case()) {
        let data = dataset();
        let resolver = aliases(data);
        let f = &c.filter;
        let mut pairs = f.to_query_pairs(&resolver, now()).expect("a filter over real names builds");
        pairs.push(("page".into(), "2".into()));
        pairs.push(("per_page".into(), "25".into()));

        let q = match server_query::parse_list_query(&pairs, data) {
            Ok(q) => q,
            Err(details) => {
                return Err(TestCaseError::fail(format!("server refused {pairs:?}: {details:?}")));
            }
        };
        prop_assert_eq!(q.search.as_deref(), f.query.as_deref().filter(|s| !s.trim().is_empty()));
        prop_assert_eq!(q.category_mask, category_bits(&f.statuses));
        prop_assert_eq!(q.priority_rank, f.priority.as_ref().map(PriorityLevel::rank));
        prop_assert_eq!(q.inbox_id, c.inbox);
        let assignee = q.assignee.as_ref().map(|a| match a {
            server_query::AssigneeFilter::Unassigned => None,
            server_query::AssigneeFilter::User(id) => Some(*id),
        });
        prop_assert_eq!(assignee, c.assignee);
        prop_assert_eq!(&q.tag_ids, &c.tags);
        for (got, wanted) in [
            (q.created_after, &f.created_after),
            (q.created_before, &f.created_before),
            (q.updated_after, &f.updated_after),
            (q.updated_before, &f.updated_before),
        ] {
            // Instants travel to the second.
            let wanted = wanted.as_ref().and_then(|b| b.resolve(now())).map(|t| t.timestamp());
            prop_assert_eq!(got.map(|t| t.timestamp()), wanted);
        }
        let sort = match f.sort.unwrap_or_default() {
            SortField::CreatedAt => SortKey::CreatedAt,
            SortField::UpdatedAt => SortKey::UpdatedAt,
            SortField::Priority => SortKey::Priority,
        };
        prop_assert_eq!(q.sort, sort);
        let order = match f.order.unwrap_or_default() {
            SortOrder::Asc => Order::Asc,
            SortOrder::Desc => Order::Desc,
        };
        prop_assert_eq!(q.order, order);
        prop_assert_eq!((q.paging.page, q.paging.per_page), (2, 25));

        // Every custom field arrives under its key, `__empty__` as empty and
        // an option label as that option's id.
        prop_assert_eq!(q.custom.len(), f.custom_fields.len());
        for cond in &q.custom {
            let sent = f.custom_fields.get(&cond.key);
            prop_assert!(sent.is_some(), "{} was not sent", cond.key);
            let alias = &resolver.fields[&cond.key];
            match (sent, &cond.matcher) {
                (Some(FieldValue::Empty), FieldMatch::Empty) => {}
                (Some(FieldValue::Value(label)), FieldMatch::Option(id)) => {
                    prop_assert_eq!(alias.options.get(label), Some(id));
                }
                (Some(FieldValue::Value(_)), m) => {
                    prop_assert!(!matches!(m, FieldMatch::Empty | FieldMatch::Option(_)), "{:?}", m);
                }
                (sent, m) => prop_assert!(false, "{:?} read as {:?}", sent, m),
            }
        }
    }
}
