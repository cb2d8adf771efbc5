//! `GET /tickets` parameters: parsing with every error collected, and the
//! query itself over the dataset and its index.
//!
//! Readings of the contract where it leaves room (documented for clients):
//! - An empty value (`status=`) means the parameter was not sent. Unknown
//!   parameters are ignored. A known parameter sent twice is a 400, and so
//!   is a search text (`query`, or `q`) longer than 1000 characters.
//! - `*_after` bounds are inclusive, `*_before` bounds exclusive, so
//!   `created_after=D&created_before=D+1` is exactly one day. Bounds accept
//!   RFC 3339, a zone-less date-time (read as UTC) or a plain date (midnight
//!   UTC).
//! - Default order: `sort=updated_at&order=desc`. Ties are broken by
//!   `ticket_number` in the same direction. `priority` sorts by level.
//! - Custom fields: `text` matches case-insensitive equality (trimmed);
//!   `number` numeric equality; `checkbox` `true`/`false`; `select` an option
//!   UUID of that field; `multi_select` tickets whose set contains the
//!   option; `date` `YYYY-MM-DD`; `date_time` the same instant when a time is
//!   given, the same UTC day when only a date is. A field scoped to some
//!   inboxes only applies to tickets in those inboxes: filtering on it
//!   (`__empty__` included) excludes every ticket outside them.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use uuid::Uuid;

use super::data::{Dataset, FieldValue, ServerTicket};
use super::index::{Index, category_bit};
use super::search::SearchQuery;
use crate::api::types::{ErrorDetail, FieldType, PriorityLevel, StatusCategory, Ticket};

pub const DEFAULT_PER_PAGE: u64 = 25;
pub const MAX_PER_PAGE: u64 = 100;
pub const MAX_CUSTOM_KEYS: usize = 10;
/// Longest search text (`query` / `q`) accepted, in characters: far beyond
/// any typed search, short enough that no query costs noticeable CPU.
pub const MAX_QUERY_CHARS: usize = 1000;
pub const EMPTY: &str = "__empty__";
pub const UNASSIGNED: &str = "__unassigned__";
const CUSTOM_PREFIX: &str = "custom_field_";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    CreatedAt,
    UpdatedAt,
    Priority,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Asc,
    Desc,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AssigneeFilter {
    User(Uuid),
    Unassigned,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FieldMatch {
    Empty,
    Text(String),
    Number(f64),
    Checkbox(bool),
    /// `select`: equal; `multi_select`: contained.
    Option(Uuid),
    Date(NaiveDate),
    Instant(DateTime<Utc>),
    Day(NaiveDate),
}

#[derive(Debug, Clone, PartialEq)]
pub struct CustomCondition {
    pub key: String,
    /// Empty: the field applies to every inbox.
    pub inbox_ids: Vec<Uuid>,
    pub matcher: FieldMatch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: u64,
    pub per_page: u64,
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    pub search: Option<String>,
    /// Bits of the accepted categories; 0 = any.
    pub category_mask: u8,
    pub inbox_id: Option<Uuid>,
    pub assignee: Option<AssigneeFilter>,
    pub priority_rank: Option<u8>,
    pub tag_ids: Vec<Uuid>,
    pub created_after: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
    pub updated_after: Option<DateTime<Utc>>,
    pub updated_before: Option<DateTime<Utc>>,
    pub sort: SortKey,
    pub order: Order,
    pub paging: Paging,
    pub custom: Vec<CustomCondition>,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            search: None,
            category_mask: 0,
            inbox_id: None,
            assignee: None,
            priority_rank: None,
            tag_ids: Vec::new(),
            created_after: None,
            created_before: None,
            updated_after: None,
            updated_before: None,
            sort: SortKey::UpdatedAt,
            order: Order::Desc,
            paging: Paging::default(),
            custom: Vec::new(),
        }
    }
}

/// Decoded `(name, value)` pairs of a raw query string, in order.
pub fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|r| {
        form_urlencoded::parse(r.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    })
    .unwrap_or_default()
}

fn detail(field: &str, message: impl Into<String>) -> ErrorDetail {
    ErrorDetail {
        field: field.to_string(),
        message: message.into(),
    }
}

/// The names this endpoint understands (besides `custom_field_*`).
const KNOWN: &[&str] = &[
    "query",
    "q",
    "status",
    "inbox_id",
    "assignee_id",
    "priority",
    "tag_ids",
    "created_after",
    "created_before",
    "updated_after",
    "updated_before",
    "sort",
    "order",
    "page",
    "per_page",
];

/// Values of known parameters, each at most once; duplicates reported.
struct Params<'a> {
    values: Vec<(&'a str, &'a str)>,
}

impl<'a> Params<'a> {
    fn get(&self, name: &str) -> Option<&'a str> {
        self.values
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
    }
}

pub fn parse_uuid(field: &str, value: &str, errors: &mut Vec<ErrorDetail>) -> Option<Uuid> {
    match Uuid::parse_str(value.trim()) {
        Ok(id) => Some(id),
        Err(_) => {
            errors.push(detail(
                field,
                format!("'{}' is not a valid UUID", clip(value)),
            ));
            None
        }
    }
}

/// Echoes user input in messages without letting a huge value bloat them.
pub(crate) fn clip(value: &str) -> String {
    const MAX: usize = 64;
    if value.chars().count() <= MAX {
        value.to_string()
    } else {
        let mut s: String = value.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

/// RFC 3339, a zone-less date-time (UTC), or a plain date (midnight UTC).
pub fn parse_instant(value: &str) -> Option<DateTime<Utc>> {
    let v = value.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(v, fmt) {
            return Some(t.and_utc());
        }
    }
    parse_date(v)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// Strictly `YYYY-MM-DD`.
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    let v = value.trim();
    let b = v.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()
}

fn parse_bound(
    field: &str,
    value: Option<&str>,
    errors: &mut Vec<ErrorDetail>,
) -> Option<DateTime<Utc>> {
    let v = value?;
    let t = parse_instant(v);
    if t.is_none() {
        errors.push(detail(
            field,
            format!("'{}' is not an ISO 8601 date or date-time", clip(v)),
        ));
    }
    t
}

/// `page` and `per_page`, shared by every paginated endpoint.
pub fn parse_paging(
    page: Option<&str>,
    per_page: Option<&str>,
    errors: &mut Vec<ErrorDetail>,
) -> Paging {
    let mut paging = Paging::default();
    if let Some(v) = page {
        match v.trim().parse::<u64>() {
            Ok(p) if p >= 1 => paging.page = p,
            _ => errors.push(detail(
                "page",
                format!("must be an integer of at least 1, got '{}'", clip(v)),
            )),
        }
    }
    if let Some(v) = per_page {
        match v.trim().parse::<u64>() {
            Ok(p) if (1..=MAX_PER_PAGE).contains(&p) => paging.per_page = p,
            _ => errors.push(detail(
                "per_page",
                format!(
                    "must be an integer between 1 and {MAX_PER_PAGE}, got '{}'",
                    clip(v)
                ),
            )),
        }
    }
    paging
}

/// Parses `page`/`per_page` out of raw pairs (for the messages endpoint).
pub fn parse_paging_pairs(pairs: &[(String, String)]) -> Result<Paging, Vec<ErrorDetail>> {
    let mut errors = Vec::new();
    let mut get = |name: &str| {
        let mut found = pairs
            .iter()
            .filter(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str());
        let first = found.next();
        if found.next().is_some() {
            errors.push(detail(name, "given more than once"));
        }
        first
    };
    let page = get("page");
    let per_page = get("per_page");
    let paging = parse_paging(page, per_page, &mut errors);
    if errors.is_empty() {
        Ok(paging)
    } else {
        Err(errors)
    }
}

/// The parameters a request sent, split into known ones and custom field
/// filters (key without the prefix), each name kept at its first value.
struct SentParams<'a> {
    known: Vec<(&'a str, &'a str)>,
    custom: Vec<(&'a str, &'a str)>,
}

/// Sorts the pairs and reports every name sent twice, once, in the order
/// the duplicates appear. Sets keep it linear in the number of pairs: a
/// query string of thousands of `custom_field_*` pairs costs no more than
/// reading it.
fn sent_params<'a>(pairs: &'a [(String, String)], errors: &mut Vec<ErrorDetail>) -> SentParams<'a> {
    let mut sent = SentParams {
        known: Vec::new(),
        custom: Vec::new(),
    };
    let mut seen: HashSet<&str> = HashSet::new();
    let mut reported: HashSet<&str> = HashSet::new();
    for (k, v) in pairs {
        if v.is_empty() {
            continue;
        }
        let custom_key = k.strip_prefix(CUSTOM_PREFIX);
        if custom_key.is_none() && !KNOWN.contains(&k.as_str()) {
            continue;
        }
        if !seen.insert(k) {
            if reported.insert(k) {
                let message = match custom_key {
                    Some(_) => "custom field filter given more than once",
                    None => "given more than once",
                };
                errors.push(detail(k, message));
            }
            continue;
        }
        match custom_key {
            Some(key) => sent.custom.push((key, v)),
            None => sent.known.push((k, v)),
        }
    }
    sent
}

/// `query` (or its alias `q` when `query` is not sent), at most
/// [`MAX_QUERY_CHARS`] characters.
fn parse_search(params: &Params<'_>, errors: &mut Vec<ErrorDetail>) -> Option<String> {
    let (name, text) = match params.get("query") {
        Some(text) => ("query", text),
        None => ("q", params.get("q")?),
    };
    if text.chars().nth(MAX_QUERY_CHARS).is_some() {
        errors.push(detail(
            name,
            format!("longer than {MAX_QUERY_CHARS} characters"),
        ));
        return None;
    }
    Some(text.to_string())
}

/// Parses a `GET /tickets` query string against the dataset's catalog.
/// Every problem is reported, not just the first.
pub fn parse_list_query(
    pairs: &[(String, String)],
    data: &Dataset,
) -> Result<ListQuery, Vec<ErrorDetail>> {
    let mut errors = Vec::new();
    let SentParams { known, custom } = sent_params(pairs, &mut errors);
    let params = Params { values: known };
    let mut q = ListQuery {
        search: parse_search(&params, &mut errors),
        ..ListQuery::default()
    };

    if let Some(v) = params.get("status") {
        for item in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match StatusCategory::parse_known(item) {
                Some(c) => q.category_mask |= category_bit(&c),
                None => errors.push(detail(
                    "status",
                    format!(
                        "unknown status '{}': expected open, in_progress, waiting, resolved or closed",
                        clip(item)
                    ),
                )),
            }
        }
    }
    if let Some(v) = params.get("inbox_id") {
        q.inbox_id = parse_uuid("inbox_id", v, &mut errors);
    }
    if let Some(v) = params.get("assignee_id") {
        q.assignee = if v.trim() == UNASSIGNED {
            Some(AssigneeFilter::Unassigned)
        } else {
            parse_uuid("assignee_id", v, &mut errors).map(AssigneeFilter::User)
        };
    }
    if let Some(v) = params.get("priority") {
        match PriorityLevel::parse_known(v.trim()) {
            Some(p) => q.priority_rank = Some(p.rank()),
            None => errors.push(detail(
                "priority",
                format!(
                    "unknown priority '{}': expected low, normal, high or urgent",
                    clip(v)
                ),
            )),
        }
    }
    if let Some(v) = params.get("tag_ids") {
        for item in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if let Some(id) = parse_uuid("tag_ids", item, &mut errors)
                && !q.tag_ids.contains(&id)
            {
                q.tag_ids.push(id);
            }
        }
    }
    q.created_after = parse_bound("created_after", params.get("created_after"), &mut errors);
    q.created_before = parse_bound("created_before", params.get("created_before"), &mut errors);
    q.updated_after = parse_bound("updated_after", params.get("updated_after"), &mut errors);
    q.updated_before = parse_bound("updated_before", params.get("updated_before"), &mut errors);
    if let Some(v) = params.get("sort") {
        match v.trim() {
            "created_at" => q.sort = SortKey::CreatedAt,
            "updated_at" => q.sort = SortKey::UpdatedAt,
            "priority" => q.sort = SortKey::Priority,
            other => errors.push(detail(
                "sort",
                format!(
                    "unknown sort '{}': expected created_at, updated_at or priority",
                    clip(other)
                ),
            )),
        }
    }
    if let Some(v) = params.get("order") {
        match v.trim() {
            "asc" => q.order = Order::Asc,
            "desc" => q.order = Order::Desc,
            other => errors.push(detail(
                "order",
                format!("unknown order '{}': expected asc or desc", clip(other)),
            )),
        }
    }
    q.paging = parse_paging(params.get("page"), params.get("per_page"), &mut errors);

    for (n, (key, value)) in custom.iter().enumerate() {
        let field_name = format!("{CUSTOM_PREFIX}{key}");
        if n >= MAX_CUSTOM_KEYS {
            errors.push(detail(
                &field_name,
                format!("at most {MAX_CUSTOM_KEYS} distinct custom field filters per request"),
            ));
            continue;
        }
        let Some(def) = data.field(key) else {
            errors.push(detail(
                &field_name,
                format!("unknown custom field '{}'", clip(key)),
            ));
            continue;
        };
        if let Some(matcher) = parse_field_value(&field_name, def, value, &mut errors) {
            q.custom.push(CustomCondition {
                key: key.to_string(),
                inbox_ids: def.inbox_ids.clone(),
                matcher,
            });
        }
    }

    if errors.is_empty() {
        Ok(q)
    } else {
        Err(errors)
    }
}

fn parse_field_value(
    name: &str,
    def: &crate::api::types::TicketField,
    value: &str,
    errors: &mut Vec<ErrorDetail>,
) -> Option<FieldMatch> {
    if value == EMPTY {
        return Some(FieldMatch::Empty);
    }
    let v = value.trim();
    let mut fail = |what: &str| {
        errors.push(detail(name, format!("'{}' is not {what}", clip(value))));
        None
    };
    match &def.field_type {
        FieldType::Text => Some(FieldMatch::Text(v.to_lowercase())),
        FieldType::Number => match v.parse::<f64>() {
            Ok(n) if n.is_finite() => Some(FieldMatch::Number(n)),
            _ => fail("a number"),
        },
        FieldType::Checkbox => match v {
            "true" => Some(FieldMatch::Checkbox(true)),
            "false" => Some(FieldMatch::Checkbox(false)),
            _ => fail("true or false"),
        },
        FieldType::Select | FieldType::MultiSelect => match Uuid::parse_str(v) {
            Ok(id) if def.options.iter().any(|o| o.id == id) => Some(FieldMatch::Option(id)),
            Ok(_) => fail("an option of this field"),
            Err(_) => fail("an option UUID"),
        },
        FieldType::Date => match parse_date(v) {
            Some(d) => Some(FieldMatch::Date(d)),
            None => fail("a date (YYYY-MM-DD)"),
        },
        FieldType::DateTime => {
            if let Some(d) = parse_date(v) {
                Some(FieldMatch::Day(d))
            } else if let Some(t) = parse_instant(v) {
                Some(FieldMatch::Instant(t))
            } else {
                fail("an ISO 8601 date-time")
            }
        }
        FieldType::Other(t) => fail(&format!("filterable (field type '{t}')")),
    }
}

impl FieldMatch {
    pub fn matches(&self, stored: Option<&FieldValue>) -> bool {
        match (self, stored) {
            (FieldMatch::Empty, v) => v.is_none(),
            (_, None) => false,
            (FieldMatch::Text(want), Some(FieldValue::Text(s))) => s
                .trim()
                .chars()
                .flat_map(char::to_lowercase)
                .eq(want.chars()),
            (FieldMatch::Number(want), Some(FieldValue::Number(n))) => n == want,
            (FieldMatch::Checkbox(want), Some(FieldValue::Checkbox(b))) => b == want,
            (FieldMatch::Option(want), Some(FieldValue::Select(id))) => id == want,
            (FieldMatch::Option(want), Some(FieldValue::MultiSelect(ids))) => ids.contains(want),
            (FieldMatch::Date(want), Some(FieldValue::Date(d))) => d == want,
            (FieldMatch::Instant(want), Some(FieldValue::DateTime(t))) => t == want,
            (FieldMatch::Day(want), Some(FieldValue::DateTime(t))) => t.date_naive() == *want,
            _ => false,
        }
    }
}

impl CustomCondition {
    pub fn matches(&self, t: &ServerTicket) -> bool {
        if !self.inbox_ids.is_empty() && !self.inbox_ids.contains(&t.inbox_id) {
            return false;
        }
        self.matcher.matches(t.custom_fields.get(&self.key))
    }
}

impl ListQuery {
    /// Every condition except search, for the ticket at `p` (a valid
    /// position). Reads the index's columns, contiguous and cheap to scan,
    /// and touches the ticket record only for custom fields and tags.
    fn matches_at(&self, p: usize, index: &Index, data: &Dataset) -> bool {
        let c = &index.columns;
        if self.category_mask != 0 && c.category_bits[p] & self.category_mask == 0 {
            return false;
        }
        if self.priority_rank.is_some_and(|r| c.priority_rank[p] != r) {
            return false;
        }
        if self.inbox_id.is_some_and(|id| c.inbox[p] != id) {
            return false;
        }
        match &self.assignee {
            Some(AssigneeFilter::Unassigned) if c.assignee[p].is_some() => return false,
            Some(AssigneeFilter::User(id)) if c.assignee[p] != Some(*id) => return false,
            _ => {}
        }
        let (created, updated) = (c.created[p], c.updated[p]);
        if self.created_after.is_some_and(|b| created < b)
            || self.created_before.is_some_and(|b| created >= b)
            || self.updated_after.is_some_and(|b| updated < b)
            || self.updated_before.is_some_and(|b| updated >= b)
        {
            return false;
        }
        if self.custom.is_empty() && self.tag_ids.is_empty() {
            return true;
        }
        data.tickets.get(p).is_some_and(|t| {
            self.custom.iter().all(|cond| cond.matches(t))
                && self.tag_ids.iter().all(|id| t.tag_ids.contains(id))
        })
    }
}

/// One page of results and the total number of matches.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPage {
    pub tickets: Vec<Ticket>,
    pub total: u64,
}

/// Runs a parsed query: walks the precomputed order for the sort, keeps
/// what passes every filter, counts them all and renders only the page.
pub fn run_list(q: &ListQuery, data: &Dataset, index: &Index) -> ListPage {
    let hits = q
        .search
        .as_deref()
        .map(|s| index.search(&SearchQuery::parse(s, &index.vocab), data));
    let order = match q.sort {
        SortKey::CreatedAt => &index.by_created,
        SortKey::UpdatedAt => &index.by_updated,
        SortKey::Priority => &index.by_priority,
    };
    let skip = q
        .paging
        .page
        .saturating_sub(1)
        .saturating_mul(q.paging.per_page);
    let take = q.paging.per_page;
    let mut total: u64 = 0;
    let mut page = Vec::new();
    let rows = index.columns.len().min(data.tickets.len());
    let mut visit = |pos: u32| {
        let p = pos as usize;
        if p >= rows
            || hits
                .as_ref()
                .is_some_and(|h| !h.get(p).copied().unwrap_or(false))
            || !q.matches_at(p, index, data)
        {
            return;
        }
        if total >= skip
            && total < skip.saturating_add(take)
            && let Some(t) = data.tickets.get(p)
        {
            page.push(data.to_wire(t));
        }
        total += 1;
    };
    match q.order {
        Order::Asc => order.iter().copied().for_each(&mut visit),
        Order::Desc => order.iter().rev().copied().for_each(&mut visit),
    }
    ListPage {
        tickets: page,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::generate::generate;

    fn data() -> Dataset {
        let now = DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap();
        generate(40, 3, now)
    }

    fn parse(q: &str, d: &Dataset) -> Result<ListQuery, Vec<String>> {
        parse_list_query(&pairs(Some(q)), d).map_err(|e| e.into_iter().map(|d| d.field).collect())
    }

    #[test]
    fn instants_accept_rfc3339_naive_and_plain_dates() {
        let z = parse_instant("2026-11-01T10:00:00Z").unwrap();
        assert_eq!(parse_instant("2026-11-01T12:00:00+02:00"), Some(z));
        assert_eq!(parse_instant("2026-11-01T10:00:00"), Some(z));
        assert_eq!(parse_instant("2026-11-01T10:00"), Some(z));
        assert_eq!(
            parse_instant("2026-11-01"),
            Some(parse_instant("2026-11-01T00:00:00Z").unwrap())
        );
        for bad in ["", "yesterday", "2026-11-31", "2026-1-1", "1700000000"] {
            assert_eq!(parse_instant(bad), None, "{bad}");
        }
        assert_eq!(parse_date("2026-02-29"), None);
        assert!(parse_date("2028-02-29").is_some());
    }

    #[test]
    fn defaults_and_empty_values() {
        let d = data();
        let q = parse("status=&query=&priority=", &d).unwrap();
        assert_eq!(q, ListQuery::default());
        assert_eq!(q.sort, SortKey::UpdatedAt);
        assert_eq!(q.order, Order::Desc);
        assert_eq!(
            q.paging,
            Paging {
                page: 1,
                per_page: 25
            }
        );
    }

    #[test]
    fn query_beats_q() {
        let d = data();
        assert_eq!(
            parse("q=a&query=b", &d).unwrap().search.as_deref(),
            Some("b")
        );
        assert_eq!(parse("q=a", &d).unwrap().search.as_deref(), Some("a"));
        assert_eq!(
            parse("q=a&query=", &d).unwrap().search.as_deref(),
            Some("a")
        );
    }

    #[test]
    fn every_error_is_collected_once() {
        let d = data();
        let fields = parse(
            "status=open,nope,worse&priority=x&page=0&per_page=500&custom_field_x=1&custom_field_x=2&sort=a&order=b",
            &d,
        )
        .unwrap_err();
        assert_eq!(
            fields,
            vec![
                "custom_field_x",
                "status",
                "status",
                "priority",
                "sort",
                "order",
                "page",
                "per_page",
                // Both duplicated and unknown: two distinct problems.
                "custom_field_x"
            ]
        );
    }

    #[test]
    fn each_duplicated_name_is_reported_once_in_order() {
        let d = data();
        let mut raw: Vec<String> = Vec::new();
        for round in 0..50 {
            raw.push(format!("custom_field_region=r{round}"));
            raw.push(format!("custom_field_vip={}", round % 2 == 0));
            raw.push("sort=created_at".to_string());
        }
        raw.push("custom_field_seats=3".to_string());
        assert_eq!(
            parse(&raw.join("&"), &d).unwrap_err(),
            vec!["custom_field_region", "custom_field_vip", "sort"]
        );
        // The first value of each name is the one parsed.
        let q = parse("custom_field_region=EU&custom_field_vip=true", &d).unwrap();
        assert_eq!(q.custom[0].matcher, FieldMatch::Text("eu".into()));
    }

    #[test]
    fn distinct_custom_keys_past_ten_are_each_refused() {
        let d = data();
        let raw: Vec<String> = (0..500).map(|i| format!("custom_field_k{i}=x")).collect();
        let fields = parse(&raw.join("&"), &d).unwrap_err();
        assert_eq!(fields.len(), 500, "10 unknown + 490 over the limit");
        assert_eq!(fields[0], "custom_field_k0");
        assert_eq!(fields[499], "custom_field_k499");
    }

    #[test]
    fn a_search_text_over_the_cap_is_refused_naming_its_parameter() {
        let d = data();
        let at_cap = "a".repeat(MAX_QUERY_CHARS);
        assert!(parse(&format!("query={at_cap}"), &d).is_ok());
        // Characters, not bytes: 1000 accented letters are fine.
        assert!(parse(&format!("query={}", "é".repeat(MAX_QUERY_CHARS)), &d).is_ok());
        let over = "a-".repeat(MAX_QUERY_CHARS);
        assert_eq!(
            parse(&format!("query={over}"), &d).unwrap_err(),
            vec!["query"]
        );
        assert_eq!(parse(&format!("q={over}"), &d).unwrap_err(), vec!["q"]);
        // An ignored `q` is not judged.
        assert!(parse(&format!("q={over}&query=refund"), &d).is_ok());
    }

    #[test]
    fn custom_values_are_typed() {
        let d = data();
        let plan = d.field("plan").unwrap().clone();
        let q = parse(&format!("custom_field_plan={}", plan.options[1].id), &d).unwrap();
        assert_eq!(q.custom[0].matcher, FieldMatch::Option(plan.options[1].id));
        let q = parse("custom_field_region=%20eu%20&custom_field_vip=false", &d).unwrap();
        assert_eq!(q.custom[0].matcher, FieldMatch::Text("eu".into()));
        assert_eq!(q.custom[1].matcher, FieldMatch::Checkbox(false));
        let q = parse("custom_field_seats=12.5", &d).unwrap();
        assert_eq!(q.custom[0].matcher, FieldMatch::Number(12.5));
        assert!(parse("custom_field_seats=NaN", &d).is_err());
        assert!(parse("custom_field_seats=inf", &d).is_err());
        let q = parse("custom_field_renewal_date=__empty__", &d).unwrap();
        assert_eq!(q.custom[0].matcher, FieldMatch::Empty);
        assert!(!q.custom[0].inbox_ids.is_empty());
    }

    #[test]
    fn text_matching_is_case_insensitive_equality() {
        let m = FieldMatch::Text("eu".into());
        assert!(m.matches(Some(&FieldValue::Text(" EU ".into()))));
        assert!(!m.matches(Some(&FieldValue::Text("EU-West".into()))));
        assert!(!m.matches(None));
        assert!(FieldMatch::Empty.matches(None));
    }

    #[test]
    fn empty_dataset_lists_nothing() {
        let d = Dataset::default();
        let index = Index::build(&d);
        let q = ListQuery {
            search: Some("refund".into()),
            ..ListQuery::default()
        };
        assert_eq!(run_list(&q, &d, &index).total, 0);
        assert_eq!(run_list(&ListQuery::default(), &d, &index).total, 0);
    }

    fn shared() -> &'static (Dataset, Index) {
        static SHARED: std::sync::OnceLock<(Dataset, Index)> = std::sync::OnceLock::new();
        SHARED.get_or_init(|| {
            let d = data();
            let index = Index::build(&d);
            (d, index)
        })
    }

    fn param_name() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let mut names: Vec<String> = KNOWN.iter().map(|s| s.to_string()).collect();
        for key in [
            "plan",
            "region",
            "seats",
            "vip",
            "affected_areas",
            "renewal_date",
        ] {
            names.push(format!("{CUSTOM_PREFIX}{key}"));
        }
        names.push(format!("{CUSTOM_PREFIX}incident_started_at"));
        prop_oneof![
            4 => proptest::sample::select(names),
            1 => "\\PC{0,12}",
        ]
    }

    fn param_value() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            "\\PC{0,24}",
            Just(EMPTY.to_string()),
            Just(UNASSIGNED.to_string()),
            "[0-9a-f-]{30,40}",
            "-?[0-9]{1,25}",
            "(open|waiting|bogus|,){0,4}",
            "20[0-9]{2}-[01][0-9]-[0-3][0-9](T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z)?",
        ]
    }

    proptest::proptest! {
        #[test]
        fn any_parameters_answer_or_explain_without_panicking(
            params in proptest::collection::vec((param_name(), param_value()), 0..8)
        ) {
            let (d, index) = shared();
            let raw: String = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(params.iter())
                .finish();
            match parse_list_query(&pairs(Some(&raw)), d) {
                Ok(q) => {
                    let page = run_list(&q, d, index);
                    proptest::prop_assert!(page.tickets.len() as u64 <= q.paging.per_page);
                    proptest::prop_assert!(page.total <= d.tickets.len() as u64);
                }
                Err(details) => proptest::prop_assert!(!details.is_empty()),
            }
        }

        #[test]
        fn any_raw_query_string_is_handled(raw in "\\PC{0,80}") {
            let (d, index) = shared();
            if let Ok(q) = parse_list_query(&pairs(Some(&raw)), d) {
                let page = run_list(&q, d, index);
                proptest::prop_assert!(page.tickets.len() as u64 <= q.paging.per_page);
                proptest::prop_assert!(page.total <= d.tickets.len() as u64);
                for t in &page.tickets {
                    proptest::prop_assert!(d.ticket(t.id).is_some(), "#{} is no ticket", t.ticket_number);
                }
            }
        }

        #[test]
        fn any_search_text_is_a_query(text in "\\PC{0,60}") {
            let (d, index) = shared();
            let q = SearchQuery::parse(&text, &index.vocab);
            let hits = index.search(&q, d);
            // One answer per ticket; a query without a word matches none.
            proptest::prop_assert_eq!(hits.len(), d.tickets.len());
            if q.clauses.is_empty() {
                proptest::prop_assert!(hits.iter().all(|h| !h), "{:?} matched without a word", text);
            }
        }
    }

    #[test]
    fn an_empty_workspace_serves_empty_pages() {
        let state = crate::server::ServerState::new(crate::server::ServerConfig {
            tickets: 0,
            ..crate::server::ServerConfig::default()
        });
        let page = state
            .list_tickets(Some("query=refund&sort=priority"))
            .unwrap();
        assert!(page.data.is_empty());
        assert_eq!(page.meta.map(|m| m.total), Some(0));
    }

    #[test]
    fn huge_pages_do_not_overflow() {
        let d = data();
        let index = Index::build(&d);
        let q = parse("page=18446744073709551615&per_page=100", &d).unwrap();
        let page = run_list(&q, &d, &index);
        assert_eq!((page.total, page.tickets.len()), (40, 0));
    }
}
