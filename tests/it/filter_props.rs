//! Property tests of the filter's text form: `parse(format(f)) == f` for every
//! expressible filter, formatting is stable, and no input makes the parser or
//! the query builder panic.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use proptest::prelude::*;
use triage::api::types::{PriorityLevel, StatusCategory};
use triage::filter::{
    Aliases, AssigneeFilter, DateBound, EntityRef, FieldValue, RelativeSpan, SortField, SortOrder,
    TicketFilter, format, parse,
};
use uuid::Uuid;

use crate::support::strategies::span_unit;

/// Text with everything that needs care: spaces, quotes, backslashes,
/// separators, colons, keywords, wide and combining characters, tabs.
fn tricky_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z0-9 \"\\\\,=:<>é日本🎫\u{301}\t-]{0,14}",
        1 => prop::sample::select(vec![
            "none", "unassigned", "empty", "today", "Empty", "TODAY", "status:open", "-tag:x",
            "3f2a6c1e-8b7d-4c2a-9e1f-0a1b2c3d4e5f", "\"", "\\", ",", "=", "a=b", "x y",
        ])
        .prop_map(String::from),
    ]
}

fn name() -> impl Strategy<Value = String> {
    tricky_text().prop_filter("names are not blank", |s| !s.trim().is_empty())
}

fn entity() -> impl Strategy<Value = EntityRef> {
    prop_oneof![
        any::<u128>().prop_map(|n| EntityRef::Id(Uuid::from_u128(n))),
        name().prop_map(EntityRef::Name),
    ]
}

fn status() -> impl Strategy<Value = StatusCategory> {
    prop::sample::select(StatusCategory::KNOWN.to_vec())
}

fn priority() -> impl Strategy<Value = PriorityLevel> {
    prop::sample::select(PriorityLevel::KNOWN.to_vec())
}

fn bound() -> impl Strategy<Value = DateBound> {
    let unit = span_unit();
    prop_oneof![
        (1i32..=9999, 1u32..=12, 1u32..=28)
            .prop_map(|(y, m, d)| DateBound::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())),
        (
            0i64..253_402_300_799,
            prop_oneof![Just(0u32), 0u32..1_000_000_000]
        )
            .prop_map(|(s, ns)| DateBound::Instant(
                DateTime::<Utc>::from_timestamp(s, ns).unwrap()
            )),
        (any::<u32>(), unit)
            .prop_map(|(amount, unit)| DateBound::Ago(RelativeSpan { amount, unit })),
        Just(DateBound::Today),
    ]
}

fn field_value() -> impl Strategy<Value = FieldValue> {
    prop_oneof![
        Just(FieldValue::Empty),
        tricky_text().prop_map(FieldValue::Value),
    ]
}

prop_compose! {
    fn filter()(
        query in prop::option::of(tricky_text()),
        statuses in prop::collection::vec(status(), 0..4),
        priority in prop::option::of(priority()),
        assignee in prop::option::of(prop_oneof![
            Just(AssigneeFilter::Unassigned),
            entity().prop_map(AssigneeFilter::User),
        ]),
        inbox in prop::option::of(entity()),
        tags in prop::collection::vec(entity(), 0..4),
        bounds in (
            prop::option::of(bound()),
            prop::option::of(bound()),
            prop::option::of(bound()),
            prop::option::of(bound()),
        ),
        custom_fields in prop::collection::btree_map(name(), field_value(), 0..4),
        sort in prop::option::of(prop::sample::select(vec![
            SortField::CreatedAt, SortField::UpdatedAt, SortField::Priority,
        ])),
        order in prop::option::of(prop::sample::select(vec![SortOrder::Asc, SortOrder::Desc])),
    ) -> TicketFilter {
        let (created_after, created_before, updated_after, updated_before) = bounds;
        TicketFilter {
            query, statuses, priority, assignee, inbox, tags,
            created_after, created_before, updated_after, updated_before,
            custom_fields, sort, order,
        }
    }
}

/// Inputs a person might type, typos included.
fn typed_input() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        prop::sample::select(vec![
            "status:",
            "priority:",
            "assignee:",
            "inbox:",
            "tag:",
            "field:",
            "created:",
            "updated:",
            "sort:",
            "order:",
            "query:",
            "foo:",
            "-status:",
            "-",
            "\"",
            ">",
            "<",
            "=",
            ",",
            "open",
            "in-progress",
            "urgent",
            "none",
            "empty",
            "today",
            "7d",
            "2w",
            "2026-11-01",
            "2026-11-01T09:30:00Z",
            "created",
            "asc",
            "é",
            "日本",
        ])
        .prop_map(String::from),
        "[a-z\" ,=:<>\\\\]{1,4}",
    ];
    prop::collection::vec(token, 0..10).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn parse_inverts_format(f in filter()) {
        let text = format(&f);
        let back = parse(&text);
        prop_assert_eq!(back.as_ref(), Ok(&f), "text: {}", text);
    }

    #[test]
    fn display_and_from_str_agree_with_format_and_parse(f in filter()) {
        let text = f.to_string();
        prop_assert_eq!(&text, &format(&f));
        prop_assert_eq!(text.parse::<TicketFilter>(), Ok(f));
    }

    #[test]
    fn format_of_parse_is_stable(s in typed_input()) {
        if let Ok(f) = parse(&s) {
            let once = format(&f);
            let again = parse(&once).map(|g| format(&g));
            prop_assert_eq!(again.as_ref(), Ok(&once), "input: {}", s);
        }
    }

    #[test]
    fn errors_point_inside_the_input(s in typed_input()) {
        if let Err(e) = parse(&s) {
            prop_assert!(e.span.start <= e.span.end && e.span.end <= s.len(), "{:?} in {:?}", e, s);
            prop_assert!(s.is_char_boundary(e.span.start) && s.is_char_boundary(e.span.end));
            prop_assert!(!e.message.is_empty());
            let carets = e.caret_line(&s);
            prop_assert!(carets.ends_with('^'));
        }
    }

    #[test]
    fn query_pairs_never_panic(f in filter()) {
        let now = DateTime::parse_from_rfc3339("2026-11-29T10:00:00Z").unwrap().with_timezone(&Utc);
        if let Ok(pairs) = f.to_query_pairs(&Aliases::default(), now) {
            let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
            let mut unique = keys.clone();
            unique.dedup();
            prop_assert_eq!(keys.len(), unique.len());
        }
    }
}

#[test]
fn is_empty_and_setters() {
    let mut f = TicketFilter::default();
    assert!(f.is_empty());
    f.add_status(StatusCategory::Open);
    f.add_status(StatusCategory::Open);
    assert_eq!(f.statuses.len(), 1);
    f.add_tag(EntityRef::from_text("vip"));
    f.set_field("plan", Some(FieldValue::Value("Gold".into())));
    f.set_query("refund");
    assert_eq!(format(&f), "status:open tag:vip field:plan=Gold refund");
    assert!(f.remove_status(&StatusCategory::Open));
    assert!(f.remove_tag(&EntityRef::Name("vip".into())));
    f.set_field("plan", None);
    f.set_query("   ");
    assert!(f.is_empty());
    assert_eq!(f.custom_fields, BTreeMap::new());
}

#[test]
fn flags_parse_one_key_with_an_unsplit_value() {
    use triage::filter::parse_key_value as kv;
    assert_eq!(
        kv("assignee", "Ana Lima").unwrap().assignee,
        Some(AssigneeFilter::User(EntityRef::Name("Ana Lima".into())))
    );
    assert_eq!(
        kv("assignee", " none ").unwrap().assignee,
        Some(AssigneeFilter::Unassigned)
    );
    assert_eq!(kv("tag", "a,b c").unwrap().tags.len(), 2);
    assert_eq!(
        kv("field", "region=empty").unwrap().custom_fields["region"],
        FieldValue::Empty
    );
    assert_eq!(
        kv("created", ">today").unwrap().created_after,
        Some(DateBound::Today)
    );
    assert_eq!(
        kv("query", "\"refund policy\" -spam")
            .unwrap()
            .query
            .as_deref(),
        Some("\"refund policy\" -spam")
    );
    let e = kv("priority", "urgnt").unwrap_err();
    assert_eq!(
        e.to_string(),
        "urgnt: unknown priority 'urgnt' (low, normal, high, urgent)"
    );
    assert_eq!(e.span, 0..5);
    assert!(
        kv("colour", "red")
            .unwrap_err()
            .to_string()
            .starts_with("unknown filter key 'colour'")
    );
    assert_eq!(
        kv("status", "").unwrap_err().message,
        "missing value for status"
    );
}

#[test]
fn merge_refines_a_filter() {
    let mut f = parse("status:open priority:low tag:vip refund").unwrap();
    f.merge(parse("status:open,waiting priority:urgent tag:billing tag:vip later").unwrap());
    assert_eq!(
        format(&f),
        "status:open,waiting priority:urgent tag:vip tag:billing refund later"
    );
    let mut empty = TicketFilter::default();
    empty.merge(f.clone());
    assert_eq!(empty, f);
}
