//! The local server against CONTRACT.md, over real HTTP on 127.0.0.1.
//! Expected results are computed independently from the server's dataset
//! with plain predicates, then compared with what the API answers.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;

use chrono::{DateTime, Duration as ChronoDuration, NaiveDate, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use triage::api::types::{Envelope, FieldType, PriorityLevel, StatusCategory, Ticket};
use triage::server::{
    DEMO_KEY, DEMO_READONLY_KEY, Dataset, FieldValue, RateBudget, RateLimitFault, ServerConfig,
    ServerHandle, ServerMessage, ServerTicket, spawn, spawn_on_own_thread,
};
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .expect("fixed instant")
}

fn config() -> ServerConfig {
    ServerConfig {
        tickets: 300,
        seed: 42,
        now: now(),
        ..ServerConfig::default()
    }
}

async fn start(config: ServerConfig) -> ServerHandle {
    let addr: SocketAddr = "127.0.0.1:0".parse().expect("loopback");
    spawn(config, addr).await.expect("server starts")
}

struct Api {
    handle: ServerHandle,
    http: reqwest::Client,
}

impl Api {
    async fn new() -> Api {
        Api::with(config()).await
    }

    async fn with(config: ServerConfig) -> Api {
        Api {
            handle: start(config).await,
            http: reqwest::Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.handle.base_url(), path)
    }

    async fn send(
        &self,
        req: reqwest::RequestBuilder,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let resp = req.send().await.expect("request reaches the server");
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, headers, body)
    }

    async fn get_as(&self, key: &str, path: &str) -> (StatusCode, Value) {
        let (s, _, b) = self
            .send(self.http.get(self.url(path)).bearer_auth(key))
            .await;
        (s, b)
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.get_as(DEMO_KEY, path).await
    }

    async fn patch_as(&self, key: &str, id: Uuid, body: Value) -> (StatusCode, Value) {
        let (s, _, b) = self
            .send(
                self.http
                    .patch(self.url(&format!("/tickets/{id}")))
                    .bearer_auth(key)
                    .json(&body),
            )
            .await;
        (s, b)
    }

    async fn post_message_as(&self, key: &str, id: Uuid, body: Value) -> (StatusCode, Value) {
        let (s, _, b) = self
            .send(
                self.http
                    .post(self.url(&format!("/tickets/{id}/messages")))
                    .bearer_auth(key)
                    .json(&body),
            )
            .await;
        (s, b)
    }

    /// One page of `GET /tickets?{query}`.
    async fn page(&self, query: &str) -> Envelope<Vec<Ticket>> {
        let (status, body) = self.get(&format!("/tickets?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        serde_json::from_value(body).expect("ticket page decodes")
    }

    /// Every ticket id of a query, walking all pages, in answer order.
    async fn all_ids(&self, query: &str) -> Vec<Uuid> {
        let mut ids = Vec::new();
        for page in 1.. {
            let sep = if query.is_empty() { "" } else { "&" };
            let env = self
                .page(&format!("{query}{sep}per_page=100&page={page}"))
                .await;
            let meta = env.meta.expect("list has meta");
            ids.extend(env.data.iter().map(|t| t.id));
            if env.data.is_empty() || ids.len() as u64 >= meta.total {
                assert_eq!(ids.len() as u64, meta.total, "{query}");
                break;
            }
        }
        ids
    }

    async fn id_set(&self, query: &str) -> BTreeSet<Uuid> {
        let ids = self.all_ids(query).await;
        let set: BTreeSet<Uuid> = ids.iter().copied().collect();
        assert_eq!(set.len(), ids.len(), "no ticket twice: {query}");
        set
    }

    fn expected(&self, pred: impl Fn(&Dataset, &ServerTicket) -> bool) -> BTreeSet<Uuid> {
        self.handle.with_data(|d| {
            d.tickets
                .iter()
                .filter(|t| pred(d, t))
                .map(|t| t.id)
                .collect()
        })
    }

    async fn bad_fields(&self, query: &str) -> Vec<String> {
        let (status, body) = self.get(&format!("/tickets?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(body["error"], "Bad Request");
        assert_eq!(body["code"], 400);
        body["details"]
            .as_array()
            .expect("details")
            .iter()
            .map(|d| d["field"].as_str().unwrap_or_default().to_string())
            .collect()
    }
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn category(d: &Dataset, t: &ServerTicket) -> StatusCategory {
    d.statuses
        .iter()
        .find(|s| s.id == t.status_id)
        .map(|s| s.category.clone())
        .expect("status exists")
}

fn level(d: &Dataset, t: &ServerTicket) -> PriorityLevel {
    d.priorities
        .iter()
        .find(|p| p.id == t.priority_id)
        .map(|p| p.level.clone())
        .expect("priority exists")
}

// ---- plain filters ----------------------------------------------------------

#[tokio::test]
async fn no_filter_lists_everything_newest_update_first() {
    let api = Api::new().await;
    let ids = api.all_ids("").await;
    let expected: Vec<Uuid> = api.handle.with_data(|d| {
        let mut ts: Vec<&ServerTicket> = d.tickets.iter().collect();
        ts.sort_by_key(|t| std::cmp::Reverse((t.updated_at, t.ticket_number)));
        ts.iter().map(|t| t.id).collect()
    });
    assert_eq!(ids.len(), 300);
    assert_eq!(ids, expected);
    let first = api.page("").await;
    let meta = first.meta.expect("meta");
    assert_eq!((meta.page, meta.per_page, meta.total), (1, 25, 300));
    assert_eq!(first.data.len(), 25);
}

#[tokio::test]
async fn status_categories_are_ored() {
    let api = Api::new().await;
    for q in [
        "open",
        "waiting",
        "open,waiting",
        "in_progress,resolved,closed",
    ] {
        let wanted: Vec<StatusCategory> = q.split(',').map(StatusCategory::from_wire).collect();
        let got = api.id_set(&format!("status={q}")).await;
        let want = api.expected(|d, t| wanted.contains(&category(d, t)));
        assert!(!want.is_empty(), "{q}");
        assert_eq!(got, want, "{q}");
    }
}

#[tokio::test]
async fn priority_inbox_and_assignee() {
    let api = Api::new().await;
    for p in ["low", "normal", "high", "urgent"] {
        let got = api.id_set(&format!("priority={p}")).await;
        let want = api.expected(|d, t| level(d, t) == PriorityLevel::from_wire(p));
        assert!(!want.is_empty());
        assert_eq!(got, want, "{p}");
    }
    let data = api.handle.data();
    let inbox = data.inboxes[1].id;
    assert_eq!(
        api.id_set(&format!("inbox_id={inbox}")).await,
        api.expected(|_, t| t.inbox_id == inbox)
    );
    let user = data.users[0].id;
    let mine = api.id_set(&format!("assignee_id={user}")).await;
    assert!(!mine.is_empty());
    assert_eq!(mine, api.expected(|_, t| t.assignee_id == Some(user)));
    let unassigned = api.id_set("assignee_id=__unassigned__").await;
    assert!(unassigned.len() > 10);
    assert_eq!(unassigned, api.expected(|_, t| t.assignee_id.is_none()));
}

#[tokio::test]
async fn tags_are_all_of() {
    let api = Api::new().await;
    let data = api.handle.data();
    let pair = data
        .tickets
        .iter()
        .find(|t| t.tag_ids.len() >= 2)
        .map(|t| (t.tag_ids[0], t.tag_ids[1]))
        .expect("a ticket with two tags");
    let got = api.id_set(&format!("tag_ids={},{}", pair.0, pair.1)).await;
    let want = api.expected(|_, t| t.tag_ids.contains(&pair.0) && t.tag_ids.contains(&pair.1));
    assert!(!want.is_empty());
    assert_eq!(got, want);
    let one = api.id_set(&format!("tag_ids={}", pair.0)).await;
    assert!(one.len() > want.len());
    assert_eq!(one, api.expected(|_, t| t.tag_ids.contains(&pair.0)));
}

#[tokio::test]
async fn date_bounds_after_inclusive_before_exclusive() {
    let api = Api::new().await;
    let data = api.handle.data();
    let pivot = data.tickets[150].created_at;
    let p = enc(&pivot.to_rfc3339());
    let after = api.id_set(&format!("created_after={p}")).await;
    assert_eq!(after, api.expected(|_, t| t.created_at >= pivot));
    assert!(after.contains(&data.tickets[150].id));
    let before = api.id_set(&format!("created_before={p}")).await;
    assert_eq!(before, api.expected(|_, t| t.created_at < pivot));
    assert_eq!(after.len() + before.len(), 300);

    // A plain date is midnight UTC; a zone offset is honoured.
    let day = (now() - ChronoDuration::days(10)).date_naive();
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    assert_eq!(
        api.id_set(&format!("updated_after={day}")).await,
        api.expected(|_, t| t.updated_at >= midnight)
    );
    let offset_bound = DateTime::parse_from_rfc3339("2026-11-10T00:00:00Z")
        .map(|x| x.with_timezone(&Utc))
        .expect("instant");
    assert_eq!(
        api.id_set(&format!(
            "updated_before={}",
            enc("2026-11-10T02:00:00+02:00")
        ))
        .await,
        api.expected(|_, t| t.updated_at < offset_bound)
    );
    let lo = now() - ChronoDuration::days(30);
    let hi = now() - ChronoDuration::days(20);
    assert_eq!(
        api.id_set(&format!(
            "created_after={}&created_before={}",
            enc(&lo.to_rfc3339()),
            enc(&hi.to_rfc3339())
        ))
        .await,
        api.expected(|_, t| t.created_at >= lo && t.created_at < hi)
    );
}

#[tokio::test]
async fn all_three_sorts_both_ways() {
    let api = Api::new().await;
    let data = api.handle.data();
    for sort in ["created_at", "updated_at", "priority"] {
        for order in ["asc", "desc"] {
            let got = api.all_ids(&format!("sort={sort}&order={order}")).await;
            let mut ts: Vec<&ServerTicket> = data.tickets.iter().collect();
            ts.sort_by(|a, b| {
                let key = |t: &ServerTicket| match sort {
                    "created_at" => (t.created_at.timestamp(), t.ticket_number),
                    "updated_at" => (t.updated_at.timestamp(), t.ticket_number),
                    _ => (i64::from(level(&data, t).rank()), t.ticket_number),
                };
                key(a).cmp(&key(b))
            });
            if order == "desc" {
                ts.reverse();
            }
            let want: Vec<Uuid> = ts.iter().map(|t| t.id).collect();
            assert_eq!(got, want, "{sort} {order}");
        }
    }
    // `order` alone keeps the default sort key.
    let asc = api.all_ids("order=asc").await;
    let mut desc = api.all_ids("").await;
    desc.reverse();
    assert_eq!(asc, desc);
}

#[tokio::test]
async fn pagination_slices_the_same_order() {
    let api = Api::new().await;
    let all = api.all_ids("status=open,in_progress").await;
    let mut walked = Vec::new();
    for page in 1..=20 {
        let env = api
            .page(&format!("status=open,in_progress&per_page=7&page={page}"))
            .await;
        let meta = env.meta.expect("meta");
        assert_eq!(
            (meta.page, meta.per_page, meta.total),
            (page, 7, all.len() as u64)
        );
        walked.extend(env.data.iter().map(|t| t.id));
    }
    assert_eq!(walked, all.iter().take(140).copied().collect::<Vec<_>>());
    let beyond = api.page("page=999&per_page=100").await;
    assert!(beyond.data.is_empty());
    assert_eq!(beyond.meta.expect("meta").total, 300);
    let one = api.page("per_page=1").await;
    assert_eq!(one.data.len(), 1);
    let max = api.page("per_page=100").await;
    assert_eq!(max.data.len(), 100);
}

#[tokio::test]
async fn rows_carry_consistent_names_and_colors() {
    let api = Api::new().await;
    let data = api.handle.data();
    let env = api.page("per_page=100").await;
    for row in &env.data {
        let t = data
            .tickets
            .iter()
            .find(|t| t.id == row.id)
            .expect("known id");
        let s = data
            .statuses
            .iter()
            .find(|s| s.id == t.status_id)
            .expect("status");
        let p = data
            .priorities
            .iter()
            .find(|p| p.id == t.priority_id)
            .expect("priority");
        assert_eq!(row.status, s.category);
        assert_eq!(row.status_name, s.name);
        assert_eq!(row.status_color, s.color);
        assert_eq!(row.priority, p.level);
        assert_eq!(row.priority_name, p.name);
        assert_eq!(row.priority_color, p.color);
        assert_eq!(row.subject, t.subject);
        assert_eq!(row.ticket_number, t.ticket_number);
        assert_eq!(row.remind_at, t.remind_at);
        assert_eq!(row.created_at, Some(t.created_at));
    }
}

#[tokio::test]
async fn filters_combine_with_and() {
    let api = Api::new().await;
    let data = api.handle.data();
    let user = data.users[2].id;
    let q = format!("status=open,waiting&priority=normal&assignee_id={user}&sort=priority");
    let got = api.id_set(&q).await;
    let want = api.expected(|d, t| {
        matches!(
            category(d, t),
            StatusCategory::Open | StatusCategory::Waiting
        ) && level(d, t) == PriorityLevel::Normal
            && t.assignee_id == Some(user)
    });
    assert_eq!(got, want);
    let got = api.id_set("query=refund&status=resolved,closed").await;
    let want = api.expected(|d, t| {
        matches!(
            category(d, t),
            StatusCategory::Resolved | StatusCategory::Closed
        ) && mentions(t, "refund")
    });
    assert!(!want.is_empty());
    assert_eq!(got, want);
}

// ---- custom fields ----------------------------------------------------------

fn field_type(d: &Dataset, key: &str) -> FieldType {
    d.fields
        .iter()
        .find(|f| f.field_key == key)
        .map(|f| f.field_type.clone())
        .expect("field")
}

/// A query value matching `v` as the contract's types say.
fn wire_value(v: &FieldValue) -> String {
    match v {
        FieldValue::Text(s) => s.to_uppercase(), // case-insensitive equality
        FieldValue::Number(n) => n.to_string(),
        FieldValue::Checkbox(b) => b.to_string(),
        FieldValue::Select(id) => id.to_string(),
        FieldValue::MultiSelect(ids) => ids[0].to_string(),
        FieldValue::Date(d) => d.format("%Y-%m-%d").to_string(),
        FieldValue::DateTime(t) => t.to_rfc3339(),
    }
}

fn value_matches(stored: Option<&FieldValue>, probe: &FieldValue) -> bool {
    match (stored, probe) {
        (Some(FieldValue::Text(a)), FieldValue::Text(b)) => a.eq_ignore_ascii_case(b),
        (Some(FieldValue::MultiSelect(a)), FieldValue::MultiSelect(b)) => a.contains(&b[0]),
        (Some(a), b) => a == b,
        (None, _) => false,
    }
}

#[tokio::test]
async fn custom_fields_by_each_type_and_empty() {
    let api = Api::new().await;
    let data = api.handle.data();
    let mut types_seen = BTreeSet::new();
    for field in &data.fields {
        let key = field.field_key.clone();
        let scope = field.inbox_ids.clone();
        let in_scope = |t: &ServerTicket| scope.is_empty() || scope.contains(&t.inbox_id);
        let probe = data
            .tickets
            .iter()
            .find_map(|t| t.custom_fields.get(&key))
            .cloned()
            .expect("some ticket has a value");
        let got = api
            .id_set(&format!("custom_field_{key}={}", enc(&wire_value(&probe))))
            .await;
        let want =
            api.expected(|_, t| in_scope(t) && value_matches(t.custom_fields.get(&key), &probe));
        assert!(!want.is_empty(), "{key}");
        assert_eq!(got, want, "{key}");
        types_seen.insert(field_type(&data, &key).to_string());

        let empty = api.id_set(&format!("custom_field_{key}=__empty__")).await;
        let want = api.expected(|_, t| in_scope(t) && !t.custom_fields.contains_key(&key));
        assert!(!want.is_empty(), "{key} has empty values");
        assert_eq!(empty, want, "{key} empty");
    }
    assert_eq!(types_seen.len(), 7, "{types_seen:?}");
}

#[tokio::test]
async fn scoped_field_excludes_tickets_of_other_inboxes() {
    let api = Api::new().await;
    let data = api.handle.data();
    let field = data
        .fields
        .iter()
        .find(|f| f.field_key == "renewal_date")
        .expect("scoped field")
        .clone();
    assert_eq!(field.inbox_ids.len(), 1);
    let scoped_inbox = field.inbox_ids[0];
    // A ticket outside the inbox that somehow has a value still never matches.
    let outsider = data
        .tickets
        .iter()
        .find(|t| t.inbox_id != scoped_inbox)
        .expect("ticket elsewhere")
        .id;
    let date = NaiveDate::from_ymd_opt(2030, 1, 2).expect("date");
    api.handle.with_data_mut(|d| {
        if let Some(t) = d.tickets.iter_mut().find(|t| t.id == outsider) {
            t.custom_fields
                .insert("renewal_date".into(), FieldValue::Date(date));
        }
    });
    let got = api.id_set("custom_field_renewal_date=2030-01-02").await;
    assert!(got.is_empty(), "{got:?}");
    let empty = api.id_set("custom_field_renewal_date=__empty__").await;
    assert!(!empty.is_empty());
    assert!(empty.iter().all(|id| {
        data.tickets
            .iter()
            .any(|t| t.id == *id && t.inbox_id == scoped_inbox)
    }));
}

#[tokio::test]
async fn date_time_field_matches_instant_or_day() {
    let api = Api::new().await;
    let data = api.handle.data();
    let (stored, _) = data
        .tickets
        .iter()
        .find_map(|t| match t.custom_fields.get("incident_started_at") {
            Some(FieldValue::DateTime(at)) => Some((*at, t.id)),
            _ => None,
        })
        .expect("a date_time value");
    let scope = data
        .fields
        .iter()
        .find(|f| f.field_key == "incident_started_at")
        .expect("field")
        .inbox_ids
        .clone();
    let day = stored.date_naive();
    let got = api
        .id_set(&format!("custom_field_incident_started_at={day}"))
        .await;
    let want = api.expected(|_, t| {
        scope.contains(&t.inbox_id)
            && matches!(t.custom_fields.get("incident_started_at"), Some(FieldValue::DateTime(at)) if at.date_naive() == day)
    });
    assert_eq!(got, want);
    // Same instant written with an offset.
    let shifted = stored.with_timezone(&chrono::FixedOffset::east_opt(3600).expect("offset"));
    let got = api
        .id_set(&format!(
            "custom_field_incident_started_at={}",
            enc(&shifted.to_rfc3339())
        ))
        .await;
    assert_eq!(
        got,
        api.expected(|_, t| scope.contains(&t.inbox_id)
            && t.custom_fields.get("incident_started_at") == Some(&FieldValue::DateTime(stored)))
    );
}

// ---- full-text search -------------------------------------------------------

/// Whether any text of the ticket has `word` or one of its regular
/// inflections (the ones the English stemmer folds together).
fn mentions(t: &ServerTicket, word: &str) -> bool {
    let stemmed = |text: &str| {
        text.split(|c: char| !c.is_alphanumeric()).any(|w| {
            let w = w.to_lowercase();
            ["", "s", "es", "ed", "ing"]
                .iter()
                .any(|suffix| w == format!("{word}{suffix}"))
        })
    };
    stemmed(&t.subject) || stemmed(&t.body) || t.messages.iter().any(|m| stemmed(&m.body))
}

/// Inserts tickets with known text (and no other generated ticket uses
/// these made-up words) and returns their ids.
fn plant(api: &Api, texts: &[(&str, &str, &[&str])]) -> Vec<Uuid> {
    let mut ids = Vec::new();
    api.handle.with_data_mut(|d| {
        let template = d.tickets[0].clone();
        for (i, (subject, body, messages)) in texts.iter().enumerate() {
            let mut t = template.clone();
            t.id = Uuid::from_u128(0xfeed_0000 + i as u128);
            t.ticket_number = 10_000 + i as i64;
            t.subject = subject.to_string();
            t.body = body.to_string();
            t.messages = messages
                .iter()
                .map(|m| ServerMessage {
                    id: Uuid::from_u128(0xbeef_0000 + i as u128),
                    author_name: None,
                    author_type: triage::api::types::AuthorType::Agent,
                    body: m.to_string(),
                    created_at: t.created_at,
                })
                .collect();
            ids.push(t.id);
            d.tickets.push(t);
        }
    });
    ids
}

#[tokio::test]
async fn websearch_syntax_over_subject_body_and_messages() {
    let api = Api::new().await;
    let ids = plant(
        &api,
        &[
            ("Zorbles refunds pending", "The quibbit was lost", &[]), // 0
            ("Quibbit broken", "nothing else", &["we sent zorbles"]), // 1
            ("Flarnish of the gizmo", "", &[]),                       // 2
            ("Gizmo flarnish", "", &["no zorbles here"]),             // 3
            ("Wobbly \u{1f525} 退款 zorble", "Crème brûlée", &[]),    // 4
        ],
    );
    let q = |s: &str| format!("query={}", enc(s));
    let set = |idx: &[usize]| idx.iter().map(|&i| ids[i]).collect::<BTreeSet<_>>();

    // Stemming: "zorbles" and "zorble" share a stem; matches messages too.
    assert_eq!(api.id_set(&q("zorble")).await, set(&[0, 1, 3, 4]));
    // AND of words, across subject, body and messages.
    assert_eq!(api.id_set(&q("zorbles quibbit")).await, set(&[0, 1]));
    assert_eq!(api.id_set(&q("zorble refunding")).await, set(&[0]));
    // or
    assert_eq!(
        api.id_set(&q("quibbit or flarnish")).await,
        set(&[0, 1, 2, 3])
    );
    // -exclude
    assert_eq!(api.id_set(&q("zorbles -quibbit")).await, set(&[3, 4]));
    // Phrases: adjacent and in order, stop words keep their slot.
    assert_eq!(api.id_set(&q("\"gizmo flarnish\"")).await, set(&[3]));
    assert_eq!(api.id_set(&q("\"flarnish of the gizmo\"")).await, set(&[2]));
    assert_eq!(api.id_set(&q("\"flarnish gizmo\"")).await, set(&[]));
    // Stop words alone in a query are dropped; case does not matter.
    assert_eq!(api.id_set(&q("THE Flarnish")).await, set(&[2, 3]));
    // Other scripts and accents.
    assert_eq!(api.id_set(&q("退款")).await, set(&[4]));
    assert_eq!(api.id_set(&q("brûlée")).await, set(&[4]));
    // q is an alias, and query beats q.
    assert_eq!(api.id_set("q=flarnish").await, set(&[2, 3]));
    assert_eq!(api.id_set("q=flarnish&query=quibbit").await, set(&[0, 1]));
    assert_eq!(api.id_set("query=quibbit&q=flarnish").await, set(&[0, 1]));
    // Only stop words: nothing matches.
    assert!(api.id_set(&q("the of and")).await.is_empty());
}

#[tokio::test]
async fn search_agrees_with_a_naive_scan_on_generated_text() {
    let api = Api::new().await;
    for word in ["refund", "invoice", "crash", "export", "webhook"] {
        let got = api.id_set(&format!("query={word}")).await;
        let want = api.expected(|_, t| mentions(t, word));
        assert!(!want.is_empty(), "{word}");
        assert_eq!(got, want, "{word}");
    }
}

// ---- errors -----------------------------------------------------------------

#[tokio::test]
async fn every_invalid_parameter_is_a_400_naming_it() {
    let api = Api::new().await;
    let data = api.handle.data();
    let plan = "custom_field_plan";
    let cases: Vec<(String, Vec<&str>)> = vec![
        ("inbox_id=nope".into(), vec!["inbox_id"]),
        ("assignee_id=12345".into(), vec!["assignee_id"]),
        ("tag_ids=not-a-uuid".into(), vec!["tag_ids"]),
        ("status=open,pending".into(), vec!["status"]),
        ("priority=critical".into(), vec!["priority"]),
        ("sort=subject".into(), vec!["sort"]),
        ("order=up".into(), vec!["order"]),
        ("created_after=yesterday".into(), vec!["created_after"]),
        ("created_before=2026-13-01".into(), vec!["created_before"]),
        (
            "updated_after=2026-11-01T25:00:00Z".into(),
            vec!["updated_after"],
        ),
        ("updated_before=soon".into(), vec!["updated_before"]),
        ("page=0".into(), vec!["page"]),
        ("page=two".into(), vec!["page"]),
        ("page=-1".into(), vec!["page"]),
        ("per_page=0".into(), vec!["per_page"]),
        ("per_page=101".into(), vec!["per_page"]),
        ("per_page=99999999999999999999999".into(), vec!["per_page"]),
        (
            "custom_field_colour=red".into(),
            vec!["custom_field_colour"],
        ),
        (format!("{plan}=Enterprise"), vec![plan]),
        (format!("{plan}={}", Uuid::from_u128(7)), vec![plan]),
        ("custom_field_seats=many".into(), vec!["custom_field_seats"]),
        ("custom_field_vip=yes".into(), vec!["custom_field_vip"]),
        (
            "custom_field_renewal_date=2026-11-20T00:00:00Z".into(),
            vec!["custom_field_renewal_date"],
        ),
        (
            "custom_field_incident_started_at=noon".into(),
            vec!["custom_field_incident_started_at"],
        ),
        (
            format!("custom_field_affected_areas={}", data.tags[0].id),
            vec!["custom_field_affected_areas"],
        ),
        (
            "custom_field_region=EU&custom_field_region=US".into(),
            vec!["custom_field_region"],
        ),
        ("status=open&status=closed".into(), vec!["status"]),
        // Every error at once, in parameter order.
        (
            "priority=x&inbox_id=y&page=0&custom_field_nope=1".into(),
            vec!["inbox_id", "priority", "page", "custom_field_nope"],
        ),
    ];
    for (query, fields) in cases {
        let got = api.bad_fields(&query).await;
        let mut got_sorted = got.clone();
        got_sorted.sort();
        let mut want: Vec<String> = fields.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(got_sorted, want, "{query}");
    }
}

#[tokio::test]
async fn a_search_text_over_1000_characters_is_a_400_naming_it() {
    let api = Api::new().await;
    // `a-a-a-…`: one word of stop words, the shape that once cost seconds.
    let long = "a-".repeat(20_000);
    let (status, body) = api.get(&format!("/tickets?query={long}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["details"][0]["field"], "query");
    assert_eq!(body["details"][0]["message"], "longer than 1000 characters");
    assert_eq!(api.bad_fields(&format!("q={long}")).await, vec!["q"]);
    // At the cap it is an ordinary search.
    let at_cap = format!("refund {}", "x".repeat(993));
    assert_eq!(at_cap.chars().count(), 1000);
    let (status, body) = api.get(&format!("/tickets?query={}", enc(&at_cap))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn more_than_ten_custom_keys_is_a_400() {
    let api = Api::new().await;
    let keys = [
        "plan",
        "region",
        "seats",
        "vip",
        "affected_areas",
        "renewal_date",
        "incident_started_at",
        "deal_size",
    ];
    let mut parts: Vec<String> = keys
        .iter()
        .map(|k| format!("custom_field_{k}=__empty__"))
        .collect();
    // Two more valid-looking keys than there are fields would already be
    // unknown; 11 distinct keys must be refused for the count itself.
    parts.push("custom_field_extra_one=x".into());
    parts.push("custom_field_extra_two=x".into());
    parts.push("custom_field_extra_three=x".into());
    let fields = api.bad_fields(&parts.join("&")).await;
    assert!(
        fields.contains(&"custom_field_extra_three".to_string()),
        "{fields:?}"
    );
    assert!(fields.iter().all(|f| f.starts_with("custom_field_")));
    // Ten distinct known-or-unknown keys are not refused for the count.
    let ten = api.bad_fields(&parts[..10].join("&")).await;
    assert_eq!(
        ten,
        vec!["custom_field_extra_one", "custom_field_extra_two"]
    );
}

#[tokio::test]
async fn hostile_inputs_never_break_the_server() {
    let api = Api::new().await;
    for query in [
        "query=%00%1b%5b31m",
        "query=%22",
        "query=-",
        "query=%E2%80%AE%F0%9F%94%A5",
        "status=&priority=&query=",
        "status=,,,",
        "custom_field_=x",
        "custom_field_plan=",
        "%ff%fe=%ff",
        "page=1&page=1",
        "per_page=1e3",
        "tag_ids=,",
        "created_after=%2B275760-09-13T00:00:00Z",
        "q=&&&==&",
    ] {
        let (status, body) = api.get(&format!("/tickets?{query}")).await;
        assert!(
            status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
            "{query}: {status} {body}"
        );
        assert!(body.is_object(), "{query}: JSON body");
    }
    let long = "a".repeat(20_000);
    let (status, _) = api
        .get(&format!("/tickets?query={long}&status={long}"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

// ---- auth, entitlement, rate limits, faults ---------------------------------

#[tokio::test]
async fn auth_read_only_and_entitlement() {
    let api = Api::new().await;
    let (s, _, body) = api.send(api.http.get(api.url("/tickets"))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "Unauthorized");
    assert_eq!(body["code"], 401);
    let (s, _) = api.get_as("ixk_not_a_real_key", "/tickets").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, _) = api
        .send(
            api.http
                .get(api.url("/tickets"))
                .header("Authorization", DEMO_KEY),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "the Bearer scheme is required");

    let (s, _) = api.get_as(DEMO_READONLY_KEY, "/tickets").await;
    assert_eq!(s, StatusCode::OK);
    let id = api.handle.with_data(|d| d.tickets[0].id);
    let before = api.handle.with_data(|d| d.tickets[0].clone());
    let (s, body) = api
        .patch_as(DEMO_READONLY_KEY, id, json!({"priority": "urgent"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "insufficient_scope");
    assert_eq!(api.handle.with_data(|d| d.tickets[0].clone()), before);

    let closed = Api::with(ServerConfig {
        api_access: false,
        ..config()
    })
    .await;
    for path in ["/tickets", "/statuses", "/nope"] {
        let (s, body) = closed.get(path).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(body["error"], "Forbidden");
        assert_eq!(body["code"], 403);
    }
}

#[tokio::test]
async fn rate_limit_per_key_sends_both_retry_signals() {
    let api = Api::with(ServerConfig {
        rate_limit: Some(RateBudget {
            requests: 3,
            per: Duration::from_secs(60),
        }),
        ..config()
    })
    .await;
    for _ in 0..3 {
        assert_eq!(api.get("/tickets?per_page=1").await.0, StatusCode::OK);
    }
    let (s, headers, body) = api
        .send(api.http.get(api.url("/tickets")).bearer_auth(DEMO_KEY))
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"], "Too Many Requests");
    assert_eq!(body["code"], 429);
    let secs = body["retryAfter"].as_u64().expect("retryAfter seconds");
    assert!((1..=60).contains(&secs), "{secs}");
    let header: u64 = headers
        .get("retry-after")
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.parse().ok())
        .expect("Retry-After delta-seconds");
    assert_eq!(header, secs);
    // The other key has its own budget.
    assert_eq!(
        api.get_as(DEMO_READONLY_KEY, "/tickets").await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn injected_faults_answer_exactly_as_told() {
    let api = Api::new().await;
    api.handle.inject_rate_limit(RateLimitFault {
        retry_after: None,
        retry_after_header: Some("Wed, 21 Oct 2015 07:28:00 GMT".into()),
        times: 1,
    });
    api.handle.inject_rate_limit(RateLimitFault {
        retry_after: Some(7),
        retry_after_header: None,
        times: 1,
    });
    let (s, headers, body) = api
        .send(api.http.get(api.url("/tickets")).bearer_auth(DEMO_KEY))
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        headers.get("retry-after").and_then(|h| h.to_str().ok()),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );
    assert!(body.get("retryAfter").is_none());
    let (s, headers, body) = api.send(api.http.get(api.url("/statuses"))).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "any key, any route");
    assert!(headers.get("retry-after").is_none());
    assert_eq!(body["retryAfter"], 7);

    let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    api.handle.inject_status(502, page.into(), 2);
    for _ in 0..2 {
        let (s, headers, body) = api
            .send(api.http.get(api.url("/tickets")).bearer_auth(DEMO_KEY))
            .await;
        assert_eq!(s, StatusCode::BAD_GATEWAY);
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap_or_default()
                .starts_with("text/html")
        );
        assert_eq!(body, Value::String(page.into()));
    }
    assert_eq!(api.get("/tickets").await.0, StatusCode::OK);
    assert_eq!(api.handle.request_count(), 5);
}

#[tokio::test]
async fn latency_is_added() {
    let api = Api::with(ServerConfig {
        latency: Duration::from_millis(40),
        tickets: 20,
        ..config()
    })
    .await;
    let started = std::time::Instant::now();
    assert_eq!(api.get("/statuses").await.0, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(40));
}

// ---- companion endpoints ----------------------------------------------------

#[tokio::test]
async fn catalog_endpoints_answer_the_dataset() {
    let api = Api::new().await;
    let data = api.handle.data();
    let (s, body) = api.get("/statuses").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        body["data"].as_array().map(Vec::len),
        Some(data.statuses.len())
    );
    assert!(body["data"][0]["type"].is_string());
    for (path, len) in [
        ("/priorities", data.priorities.len()),
        ("/tags", data.tags.len()),
        ("/inboxes", data.inboxes.len()),
        ("/users", data.users.len()),
        ("/ticket-fields", data.fields.len()),
    ] {
        let (s, body) = api.get(path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert_eq!(body["data"].as_array().map(Vec::len), Some(len), "{path}");
    }
    let (_, fields) = api.get("/ticket-fields").await;
    let plan = fields["data"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["field_key"] == "plan"))
        .expect("plan field");
    assert_eq!(plan["type"], "select");
    assert_eq!(plan["options"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn ticket_detail_and_messages() {
    let api = Api::new().await;
    let data = api.handle.data();
    let t = data
        .tickets
        .iter()
        .find(|t| t.messages.len() >= 4 && !t.tag_ids.is_empty() && !t.custom_fields.is_empty())
        .expect("a rich ticket");
    let (s, body) = api.get(&format!("/tickets/{}", t.id)).await;
    assert_eq!(s, StatusCode::OK);
    let d = &body["data"];
    assert_eq!(d["id"], t.id.to_string());
    assert_eq!(d["tags"].as_array().map(Vec::len), Some(t.tag_ids.len()));
    assert_eq!(
        d["custom_fields"].as_object().map(|o| o.len()),
        Some(t.custom_fields.len())
    );

    let (s, body) = api
        .get(&format!("/tickets/{}/messages?per_page=2&page=2", t.id))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["meta"]["total"], t.messages.len());
    let page: Vec<&Value> = body["data"].as_array().expect("messages").iter().collect();
    assert_eq!(page.len(), 2);
    let messages = t.messages.to_vec();
    assert_eq!(page[0]["id"], messages[2].id.to_string());
    assert_eq!(page[1]["id"], messages[3].id.to_string());
    let (s, _) = api.get(&format!("/tickets/{}/messages?page=0", t.id)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    for missing in [Uuid::from_u128(1).to_string(), "not-a-uuid".to_string()] {
        let (s, body) = api.get(&format!("/tickets/{missing}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(body["code"], 404);
    }
}

#[tokio::test]
async fn patch_changes_what_later_lists_show() {
    let api = Api::new().await;
    let data = api.handle.data();
    let t = data
        .tickets
        .iter()
        .find(|t| category(&data, t) == StatusCategory::Waiting && t.remind_at.is_some())
        .expect("a waiting ticket with a reminder")
        .clone();
    let solved = data
        .statuses
        .iter()
        .find(|s| s.category == StatusCategory::Resolved)
        .expect("resolved status")
        .clone();
    let (s, body) = api
        .patch_as(
            DEMO_KEY,
            t.id,
            json!({"status_id": solved.id, "priority": "urgent", "assignee_id": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let row: Ticket = serde_json::from_value(body["data"].clone()).expect("ticket");
    assert_eq!(row.status, StatusCategory::Resolved);
    assert_eq!(row.status_name, solved.name);
    assert_eq!(row.status_color, solved.color);
    assert_eq!(row.priority, PriorityLevel::Urgent);
    assert_eq!(row.assignee_id, None);
    assert_eq!(row.remind_at, None, "leaving waiting drops the reminder");
    assert!(row.updated_at > Some(t.updated_at));

    // The default order (updated_at desc) now starts with it, and filters see it.
    let first = api.page("per_page=1").await;
    assert_eq!(first.data[0].id, t.id);
    assert_eq!(first.data[0].status_name, solved.name);
    assert!(
        api.id_set("status=resolved&priority=urgent")
            .await
            .contains(&t.id)
    );
    assert!(!api.id_set("status=waiting").await.contains(&t.id));
    assert!(
        api.id_set("assignee_id=__unassigned__")
            .await
            .contains(&t.id)
    );

    // Back to waiting with a reminder, by category.
    let user = data.users[0].id;
    let remind = "2026-12-01T09:00:00Z";
    let (s, body) = api
        .patch_as(
            DEMO_KEY,
            t.id,
            json!({"status": "waiting", "remind_at": remind, "assignee_id": user,
                   "remind_transition_status_id": solved.id}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["status"], "waiting");
    assert_eq!(body["data"]["remind_at"], remind);
    assert_eq!(body["data"]["assignee_id"], user.to_string());

    // Invalid writes: 400 naming every field, ticket untouched.
    let before = api.handle.with_data(|d| d.ticket(t.id).cloned());
    let (s, body) = api
        .patch_as(
            DEMO_KEY,
            t.id,
            json!({"status": "pending", "priority_id": Uuid::from_u128(9), "assignee_id": "x",
                   "remind_at": "later", "subject": "renamed"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let mut fields: Vec<&str> = body["details"]
        .as_array()
        .expect("details")
        .iter()
        .filter_map(|d| d["field"].as_str())
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "assignee_id",
            "priority_id",
            "remind_at",
            "status",
            "subject"
        ]
    );
    assert_eq!(api.handle.with_data(|d| d.ticket(t.id).cloned()), before);

    let (s, _) = api.patch_as(DEMO_KEY, Uuid::from_u128(3), json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, body) = api
        .send(
            api.http
                .patch(api.url(&format!("/tickets/{}", t.id)))
                .bearer_auth(DEMO_KEY)
                .body("{not json"),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["details"][0]["field"], "body");
}

#[tokio::test]
async fn a_posted_note_or_reply_is_listed_after_and_moves_updated_at() {
    let api = Api::new().await;
    let t = api.handle.with_data(|d| d.tickets[5].clone());
    let listed_before = t.messages.to_vec().len();
    for (kind, author_type) in [("note", "note"), ("reply", "agent")] {
        let body = format!("a {kind} ✓");
        let (s, answer) = api
            .post_message_as(DEMO_KEY, t.id, json!({"type": kind, "body": body}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{answer}");
        // The same shape as the conversation's items.
        let posted: triage::api::types::Message =
            serde_json::from_value(answer["data"].clone()).expect("a Message");
        assert_eq!(posted.body, body);
        assert_eq!(posted.author_type.as_str(), author_type);
        assert_eq!(posted.created_at, Some(now()));
        let (s, page) = api.get(&format!("/tickets/{}/messages", t.id)).await;
        assert_eq!(s, StatusCode::OK);
        let last = page["data"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["id"], answer["data"]["id"]);
        assert_eq!(last["author_type"], author_type);
    }
    let (_, page) = api.get(&format!("/tickets/{}/messages", t.id)).await;
    assert_eq!(page["meta"]["total"], json!(listed_before + 2));
    let updated = api.handle.with_data(|d| d.ticket(t.id).unwrap().updated_at);
    assert_eq!(updated, now().max(t.updated_at));
    // The default order (updated_at desc) puts it first when it moved.
    if t.updated_at < now() {
        assert_eq!(api.page("per_page=1").await.data[0].id, t.id);
    }
}

#[tokio::test]
async fn a_bad_message_is_a_400_per_field_and_changes_nothing() {
    let api = Api::new().await;
    let t = api.handle.with_data(|d| d.tickets[0].clone());
    let long = "x".repeat(64 * 1024 + 1);
    let cases = [
        (json!({"type": "memo", "body": "hi"}), vec!["type"]),
        (json!({"body": "hi"}), vec!["type"]),
        (json!({"type": "note", "body": ""}), vec!["body"]),
        (json!({"type": "note", "body": " \n "}), vec!["body"]),
        (json!({"type": "reply", "body": long}), vec!["body"]),
        (json!({"type": 3}), vec!["type", "body"]),
        (json!(["note"]), vec!["body"]),
    ];
    for (body, fields) in cases {
        let (s, answer) = api.post_message_as(DEMO_KEY, t.id, body.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {answer}");
        let named: Vec<&str> = answer["details"]
            .as_array()
            .expect("details")
            .iter()
            .map(|d| d["field"].as_str().unwrap())
            .collect();
        assert_eq!(named, fields, "{body}");
    }
    let after = api.handle.with_data(|d| d.ticket(t.id).unwrap().clone());
    assert_eq!(after, t, "a 400 leaves the ticket untouched");
}

#[tokio::test]
async fn a_message_needs_a_key_that_writes_and_a_ticket_that_exists() {
    let api = Api::new().await;
    let t = api.handle.with_data(|d| d.tickets[0].clone());
    let note = json!({"type": "note", "body": "hi"});
    let (s, body) = api
        .post_message_as(DEMO_READONLY_KEY, t.id, note.clone())
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "insufficient_scope", "{body}");
    let (s, _) = api
        .post_message_as(DEMO_KEY, Uuid::from_u128(1), note.clone())
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let after = api.handle.with_data(|d| d.ticket(t.id).unwrap().clone());
    assert_eq!(after, t);
}

#[tokio::test]
async fn unknown_routes_and_methods() {
    let api = Api::new().await;
    let (s, body) = api.get("/nope").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], 404);
    let (s, _, body) = api
        .send(api.http.delete(api.url("/tickets")).bearer_auth(DEMO_KEY))
        .await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body["code"], 405);
}

#[tokio::test]
async fn without_companion_endpoints_only_the_list_exists() {
    let api = Api::with(ServerConfig {
        companion_endpoints: false,
        ..config()
    })
    .await;
    assert_eq!(api.get("/tickets").await.0, StatusCode::OK);
    let id = api.handle.with_data(|d| d.tickets[0].id);
    for path in [
        "/statuses".to_string(),
        "/priorities".into(),
        "/tags".into(),
        "/inboxes".into(),
        "/users".into(),
        "/ticket-fields".into(),
        format!("/tickets/{id}"),
        format!("/tickets/{id}/messages"),
    ] {
        assert_eq!(api.get(&path).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    let (s, _) = api.patch_as(DEMO_KEY, id, json!({"priority": "low"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = api
        .post_message_as(DEMO_KEY, id, json!({"type": "note", "body": "hi"}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn same_seed_same_answers_and_shutdown() {
    let a = Api::new().await;
    let b = Api::new().await;
    assert_eq!(
        a.all_ids("sort=priority").await,
        b.all_ids("sort=priority").await
    );
    let addr = a.handle.addr();
    let state = a.handle.state().clone();
    let served = state.request_count();
    a.handle.shutdown().await;
    // Refused, or (if a parallel test got the port since) answered by
    // another server: either way this one saw nothing.
    let _ = reqwest::get(format!("http://{addr}/api/v1/tickets")).await;
    assert_eq!(state.request_count(), served);
}

/// A blocking HTTP/1.1 GET on a plain socket, for a caller that must not
/// yield to its runtime. The read timeout only bounds a failure.
fn blocking_get(addr: SocketAddr, path: &str) -> std::io::Result<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "GET /api/v1{path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {DEMO_KEY}\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer)
}

#[tokio::test]
async fn a_server_on_its_own_thread_answers_while_the_callers_runtime_is_blocked() {
    let addr: SocketAddr = "127.0.0.1:0".parse().expect("loopback");
    let handle = spawn_on_own_thread(config(), addr)
        .await
        .expect("server starts");
    // This test's runtime has one thread, blocked in the read below: only a
    // server with a runtime of its own can answer (one from `spawn` cannot).
    let answer = blocking_get(handle.addr(), "/tickets?per_page=1").expect("answered");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""total":300"#), "{answer}");
    assert_eq!(handle.with_data(|d| d.tickets.len()), 300);

    let addr = handle.addr();
    let state = handle.state().clone();
    let served = state.request_count();
    handle.shutdown().await;
    // Its thread is joined: refused, or (if a parallel test got the port
    // since) answered by another server; either way this one saw nothing.
    let _ = blocking_get(addr, "/tickets");
    assert_eq!(state.request_count(), served);
}

// ---- PATCH: inbox, relative tags, custom fields -----------------------------------

fn detail_fields(body: &Value) -> Vec<String> {
    let mut fields: Vec<String> = body["details"]
        .as_array()
        .expect("details")
        .iter()
        .filter_map(|d| d["field"].as_str().map(str::to_string))
        .collect();
    fields.sort();
    fields
}

fn inbox_id(d: &Dataset, name: &str) -> Uuid {
    d.inboxes.iter().find(|i| i.name == name).expect("inbox").id
}

#[tokio::test]
async fn patch_moves_inbox_tags_and_fields_and_filters_agree() {
    let api = Api::new().await;
    let data = api.handle.data();
    let billing = inbox_id(&data, "Billing");
    let t = data
        .tickets
        .iter()
        .find(|t| t.inbox_id != billing && t.tag_ids.len() >= 2 && t.custom_fields.len() >= 2)
        .expect("a ticket with tags and fields outside Billing")
        .clone();
    let kept_tag = t.tag_ids[0];
    let dropped_tag = t.tag_ids[1];
    let new_tag = data
        .tags
        .iter()
        .find(|g| !t.tag_ids.contains(&g.id))
        .expect("a tag it lacks")
        .id;
    let plan = data.field("plan").expect("plan").clone();
    let enterprise = plan.options[2].id;
    let (cleared_key, _) = t.custom_fields.iter().next().expect("a field value");
    let cleared_key = cleared_key.to_string();
    let untouched: Vec<(String, Value)> = t
        .custom_fields
        .iter()
        .filter(|(k, _)| *k != cleared_key && *k != "plan" && *k != "renewal_date")
        .map(|(k, v)| (k.to_string(), v.to_json()))
        .collect();

    let (s, body) = api
        .patch_as(
            DEMO_KEY,
            t.id,
            json!({
                "inbox_id": billing,
                "add_tag_ids": [new_tag, kept_tag],
                "remove_tag_ids": [dropped_tag],
                "custom_fields": {"plan": enterprise, "renewal_date": "2027-01-31", cleared_key.clone(): null},
            }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let answer = &body["data"];
    assert_eq!(answer["inbox_id"], billing.to_string());
    let tags: Vec<String> = answer["tags"]
        .as_array()
        .expect("tags in the answer")
        .iter()
        .map(|g| g["id"].as_str().expect("id").to_string())
        .collect();
    assert!(tags.contains(&kept_tag.to_string()) && tags.contains(&new_tag.to_string()));
    assert!(!tags.contains(&dropped_tag.to_string()));
    assert_eq!(
        tags.iter().filter(|g| **g == kept_tag.to_string()).count(),
        1,
        "adding a tag it has does not repeat it"
    );
    let fields = answer["custom_fields"].as_object().expect("custom_fields");
    assert_eq!(fields["plan"], enterprise.to_string());
    assert_eq!(fields["renewal_date"], "2027-01-31");
    if cleared_key != "plan" && cleared_key != "renewal_date" {
        assert!(!fields.contains_key(&cleared_key), "null clears");
    }
    for (k, v) in &untouched {
        assert_eq!(&fields[k], v, "merged: {k} untouched");
    }

    // Every filter reads the new values.
    let with = |q: &str| format!("{q}&inbox_id={billing}");
    assert!(
        api.id_set(&with(&format!("tag_ids={new_tag}")))
            .await
            .contains(&t.id)
    );
    assert!(
        !api.id_set(&format!("tag_ids={dropped_tag}"))
            .await
            .contains(&t.id)
    );
    assert!(
        api.id_set(&format!(
            "custom_field_plan={enterprise}&custom_field_renewal_date=2027-01-31"
        ))
        .await
        .contains(&t.id)
    );
    assert!(
        !api.id_set(&format!("inbox_id={}", t.inbox_id))
            .await
            .contains(&t.id)
    );
    // And agree with the records, for every ticket.
    let expected = api.expected(|_, x| x.inbox_id == billing && x.tag_ids.contains(&new_tag));
    assert_eq!(
        api.id_set(&with(&format!("tag_ids={new_tag}"))).await,
        expected
    );
    // GET /tickets/{id} says the same as the PATCH answer.
    let (_, got) = api.get(&format!("/tickets/{}", t.id)).await;
    assert_eq!(got["data"], *answer);
}

#[tokio::test]
async fn patch_400_names_each_new_field_and_changes_nothing() {
    let api = Api::new().await;
    let data = api.handle.data();
    let billing = inbox_id(&data, "Billing");
    let t = data
        .tickets
        .iter()
        .find(|t| {
            t.inbox_id != billing
                && data
                    .inboxes
                    .iter()
                    .any(|i| i.name == "Security" && i.id != t.inbox_id)
        })
        .expect("a ticket outside Billing and Security")
        .clone();
    let tag = data.tags[0].id;
    let other_option = data.field("affected_areas").expect("areas").options[0].id;
    let before = api.handle.with_data(|d| d.ticket(t.id).cloned());
    let (s, body) = api
        .patch_as(
            DEMO_KEY,
            t.id,
            json!({
                "inbox_id": Uuid::from_u128(77),
                "add_tag_ids": [tag, "not-a-uuid", Uuid::from_u128(78)],
                "remove_tag_ids": [tag],
                "custom_fields": {
                    "plan": other_option,
                    "seats": "many",
                    "vip": "yes",
                    "cost_center": "X1",
                    "incident_started_at": "2026-11-01T10:00:00Z",
                    "region": 5,
                },
            }),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        detail_fields(&body),
        vec![
            "add_tag_ids[1]",
            "add_tag_ids[2]",
            "custom_fields.cost_center",
            "custom_fields.incident_started_at",
            "custom_fields.plan",
            "custom_fields.region",
            "custom_fields.seats",
            "custom_fields.vip",
            "inbox_id",
            "remove_tag_ids[0]",
        ]
    );
    assert_eq!(api.handle.with_data(|d| d.ticket(t.id).cloned()), before);

    // Wrong shapes for the containers themselves.
    let (s, body) = api
        .patch_as(
            DEMO_KEY,
            t.id,
            json!({"add_tag_ids": tag, "remove_tag_ids": {}, "custom_fields": [], "inbox_id": 4}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        detail_fields(&body),
        vec!["add_tag_ids", "custom_fields", "inbox_id", "remove_tag_ids"]
    );

    // A scoped field is fine once the same PATCH moves the ticket there.
    let (s, body) = api
        .patch_as(
            DEMO_KEY,
            t.id,
            json!({"inbox_id": billing, "custom_fields": {"renewal_date": "2027-02-01"}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");

    // A read-only key changes none of it.
    let before = api.handle.with_data(|d| d.ticket(t.id).cloned());
    let (s, body) = api
        .patch_as(
            DEMO_READONLY_KEY,
            t.id,
            json!({"add_tag_ids": [tag], "custom_fields": {"seats": 3}, "inbox_id": t.inbox_id}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "insufficient_scope");
    assert_eq!(api.handle.with_data(|d| d.ticket(t.id).cloned()), before);
}

#[tokio::test]
async fn relative_tags_on_many_tickets_keep_each_tickets_other_tags() {
    let api = Api::new().await;
    let data = api.handle.data();
    let (add, remove) = (data.tags[0].id, data.tags[1].id);
    let targets: Vec<ServerTicket> = data.tickets.iter().take(40).cloned().collect();
    for t in &targets {
        let (s, body) = api
            .patch_as(
                DEMO_KEY,
                t.id,
                json!({"add_tag_ids": [add], "remove_tag_ids": [remove]}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
    }
    for t in &targets {
        let now: Vec<Uuid> = api
            .handle
            .with_data(|d| d.ticket(t.id).expect("ticket").tag_ids.clone());
        let mut want: Vec<Uuid> = t.tag_ids.iter().copied().filter(|g| *g != remove).collect();
        if !want.contains(&add) {
            want.push(add);
        }
        assert_eq!(now, want, "#{}", t.ticket_number);
    }
    let tagged = api.id_set(&format!("tag_ids={add}")).await;
    assert!(targets.iter().all(|t| tagged.contains(&t.id)));
    assert_eq!(tagged, api.expected(|_, t| t.tag_ids.contains(&add)));
    let untagged = api.id_set(&format!("tag_ids={remove}")).await;
    assert!(targets.iter().all(|t| !untagged.contains(&t.id)));
    let (s, body) = api
        .patch_as(
            DEMO_KEY,
            targets[0].id,
            json!({"custom_fields": {"affected_areas": [data.field("affected_areas").expect("f").options[1].id], "seats": 12, "vip": true}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["custom_fields"]["seats"], 12.0);
    assert!(
        api.id_set("custom_field_seats=12&custom_field_vip=true")
            .await
            .contains(&targets[0].id)
    );
}
