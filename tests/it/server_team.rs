//! The local server's team endpoints (CONTRACT.md §6) over real HTTP: the
//! `If-Unmodified-Since` precondition on `PATCH /tickets/{id}`, cut to the
//! second on both sides; `GET /contacts/{id}`; and the simulated agents of
//! `--agents N`.

use std::net::SocketAddr;
use std::time::{Duration, UNIX_EPOCH};

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use triage::api::types::{Contact, PriorityLevel, TicketDetail};
use triage::server::{
    AgentAction, AgentsConfig, DEMO_KEY, ServerConfig, ServerHandle, ServerTicket, spawn,
};
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .expect("fixed instant")
}

fn config() -> ServerConfig {
    ServerConfig {
        tickets: 120,
        seed: 7,
        now: now(),
        ..ServerConfig::default()
    }
}

async fn start(config: ServerConfig) -> ServerHandle {
    let addr: SocketAddr = "127.0.0.1:0".parse().expect("loopback");
    spawn(config, addr).await.expect("server starts")
}

fn http_date(t: DateTime<Utc>) -> String {
    let secs = u64::try_from(t.timestamp()).expect("after 1970");
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs))
}

async fn patch(
    handle: &ServerHandle,
    id: Uuid,
    since: Option<&str>,
    body: Value,
) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new()
        .patch(format!("{}/tickets/{id}", handle.base_url()))
        .bearer_auth(DEMO_KEY)
        .json(&body);
    if let Some(since) = since {
        req = req.header("If-Unmodified-Since", since);
    }
    let resp = req.send().await.expect("reaches the server");
    let status = resp.status();
    (status, resp.json().await.expect("a JSON body"))
}

async fn get(handle: &ServerHandle, path: &str) -> (StatusCode, Value) {
    let resp = reqwest::Client::new()
        .get(format!("{}{path}", handle.base_url()))
        .bearer_auth(DEMO_KEY)
        .send()
        .await
        .expect("reaches the server");
    let status = resp.status();
    (status, resp.json().await.expect("a JSON body"))
}

/// A ticket with tags and a custom field, so a 412's `data` can be checked
/// for both.
fn rich_ticket(handle: &ServerHandle) -> ServerTicket {
    handle.with_data(|d| {
        d.tickets
            .iter()
            .find(|t| !t.tag_ids.is_empty() && !t.custom_fields.is_empty())
            .expect("a ticket with tags and fields")
            .clone()
    })
}

fn not_urgent(t: &ServerTicket, handle: &ServerHandle) -> bool {
    handle.with_data(|d| d.level_of(t) != PriorityLevel::Urgent)
}

#[tokio::test]
async fn a_write_with_the_current_time_applies() {
    let handle = start(config()).await;
    let t = rich_ticket(&handle);
    let since = http_date(t.updated_at);
    let (s, body) = patch(&handle, t.id, Some(&since), json!({"priority": "urgent"})).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let level = handle.with_data(|d| d.level_of(d.ticket(t.id).unwrap()));
    assert_eq!(level, PriorityLevel::Urgent);
}

#[tokio::test]
async fn a_write_older_than_the_ticket_is_412_with_the_ticket_and_changes_nothing() {
    let handle = start(config()).await;
    let t = rich_ticket(&handle);
    assert!(not_urgent(&t, &handle));
    let before = handle.with_data(|d| d.to_detail(d.ticket(t.id).unwrap()));
    let since = http_date(t.updated_at - ChronoDuration::seconds(1));
    let (s, body) = patch(&handle, t.id, Some(&since), json!({"priority": "urgent"})).await;
    assert_eq!(s, StatusCode::PRECONDITION_FAILED, "{body}");
    assert_eq!(body["error"], "Precondition Failed");
    assert_eq!(body["code"], 412);
    let current: TicketDetail = serde_json::from_value(body["data"].clone()).expect("ticket");
    assert_eq!(current, before, "the 412 carries the ticket as it is");
    assert!(!current.tags.is_empty() && !current.custom_fields.is_empty());
    let after = handle.with_data(|d| d.to_detail(d.ticket(t.id).unwrap()));
    assert_eq!(after, before, "nothing changed");
}

#[tokio::test]
async fn without_the_header_there_is_no_check() {
    let handle = start(config()).await;
    let t = rich_ticket(&handle);
    // Someone else changed it a minute ago; a write without a precondition
    // still applies, as on a server that ignores the header.
    handle.with_data_mut(|d| {
        let t = d.tickets.iter_mut().find(|x| x.id == t.id).unwrap();
        t.updated_at = now() + ChronoDuration::seconds(60);
    });
    let (s, body) = patch(&handle, t.id, None, json!({"priority": "urgent"})).await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn the_check_is_cut_to_the_second_on_both_sides() {
    let handle = start(config()).await;
    let t = rich_ticket(&handle);
    let whole = now() - ChronoDuration::seconds(30);
    // Changed 900 ms into a second: a header naming that second is not
    // older than the ticket (an HTTP-date cannot say more) ...
    handle.with_data_mut(|d| {
        let x = d.tickets.iter_mut().find(|x| x.id == t.id).unwrap();
        x.updated_at = whole + ChronoDuration::milliseconds(900);
    });
    let (s, body) = patch(
        &handle,
        t.id,
        Some(&http_date(whole)),
        json!({"priority": "low"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "same second: {body}");

    // ... and one naming the second before it is.
    handle.with_data_mut(|d| {
        let x = d.tickets.iter_mut().find(|x| x.id == t.id).unwrap();
        x.updated_at = whole + ChronoDuration::milliseconds(100);
    });
    let earlier = http_date(whole - ChronoDuration::seconds(1));
    let (s, body) = patch(&handle, t.id, Some(&earlier), json!({"priority": "high"})).await;
    assert_eq!(s, StatusCode::PRECONDITION_FAILED, "second before: {body}");
}

#[tokio::test]
async fn a_header_that_is_not_a_date_is_ignored_and_a_bad_body_is_400_first() {
    let handle = start(config()).await;
    let t = rich_ticket(&handle);
    let stale = http_date(t.updated_at - ChronoDuration::days(1));
    let (s, body) = patch(&handle, t.id, Some(&stale), json!({"priority": 7})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    let (s, body) = patch(
        &handle,
        t.id,
        Some("yesterday-ish"),
        json!({"priority": "low"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn a_write_that_applies_moves_the_time_a_second_write_must_name() {
    let handle = start(config()).await;
    let t = rich_ticket(&handle);
    let read = http_date(t.updated_at);
    let (s, first) = patch(&handle, t.id, Some(&read), json!({"priority": "low"})).await;
    assert_eq!(s, StatusCode::OK);
    // The server's clock is after every generated time: the first write
    // made the ticket newer than what the second writer read.
    let (s, body) = patch(&handle, t.id, Some(&read), json!({"priority": "high"})).await;
    assert_eq!(s, StatusCode::PRECONDITION_FAILED, "{body}");
    assert_eq!(body["data"]["priority_id"], first["data"]["priority_id"]);
    assert_eq!(body["data"]["updated_at"], first["data"]["updated_at"]);
}

#[tokio::test]
async fn contacts_answer_name_email_and_company_and_404_otherwise() {
    let handle = start(config()).await;
    let (id, expected) = handle.with_data(|d| {
        let t = d.tickets.iter().find(|t| t.contact_id.is_some()).unwrap();
        let c = d
            .contacts
            .iter()
            .find(|c| Some(c.id) == t.contact_id)
            .unwrap();
        (c.id, c.clone())
    });
    let (s, body) = get(&handle, &format!("/contacts/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let c: Contact = serde_json::from_value(body["data"].clone()).expect("contact");
    assert_eq!(c.name, expected.name);
    assert_eq!(c.email.as_deref(), Some(expected.email.as_str()));
    assert_eq!(c.company.as_deref(), Some(expected.company.as_str()));
    assert!(!expected.company.is_empty());

    let (s, body) = get(&handle, &format!("/contacts/{}", Uuid::nil())).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
    let (s, _) = get(&handle, "/contacts/not-a-uuid").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let bare = start(ServerConfig {
        companion_endpoints: false,
        ..config()
    })
    .await;
    let (s, _) = get(&bare, &format!("/contacts/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn simulated_agents_take_turns_on_the_top_of_the_queue_and_make_reads_stale() {
    let handle = start(ServerConfig {
        agents: Some(AgentsConfig {
            count: 2,
            every: Duration::from_secs(3600),
        }),
        ..config()
    })
    .await;
    let (users, before) = handle.with_data(|d| (d.users.clone(), d.clone()));
    let mut agents_seen = Vec::new();
    for _ in 0..6 {
        let event = handle.step_agents().expect("an agent acts");
        agents_seen.push(event.agent);
        let after = handle.with_data(|d| d.ticket(event.ticket).unwrap().clone());
        let was = before.ticket(event.ticket).unwrap();
        assert!(after.updated_at >= was.updated_at);
        match event.action {
            AgentAction::Status(s) => assert_eq!(after.status_id, s),
            AgentAction::Took => assert_eq!(after.assignee_id, Some(event.agent)),
            AgentAction::Replied => {
                let last = after.messages.to_vec().pop().unwrap();
                let name = users.iter().find(|u| u.id == event.agent).unwrap();
                assert_eq!(last.author_name.as_deref(), Some(name.name.as_str()));
            }
        }
    }
    // Users 1 and 2 in turn; user 0 is the demo's "me" and never acts.
    let expected: Vec<Uuid> = [1, 2, 1, 2, 1, 2].iter().map(|&i| users[i].id).collect();
    assert_eq!(agents_seen, expected);

    // A client that read a ticket before an agent touched it gets a 412.
    let event = handle.step_agents().expect("an agent acts");
    let read = before.ticket(event.ticket).unwrap().updated_at;
    let (s, body) = patch(
        &handle,
        event.ticket,
        Some(&http_date(read)),
        json!({"priority": "low"}),
    )
    .await;
    assert_eq!(s, StatusCode::PRECONDITION_FAILED, "{body}");

    // Without agents, nothing happens.
    let still = start(config()).await;
    assert!(still.step_agents().is_none());
}

#[tokio::test(start_paused = true)]
async fn agents_act_on_their_own_timer() {
    let handle = start(ServerConfig {
        agents: Some(AgentsConfig {
            count: 2,
            every: Duration::from_secs(20),
        }),
        ..config()
    })
    .await;
    let first_change =
        || handle.with_data(|d| d.tickets.iter().map(|t| t.updated_at).max().unwrap());
    let start_max = first_change();
    // One agent every 10 s: nothing before, a change after.
    tokio::time::sleep(Duration::from_secs(9)).await;
    assert_eq!(first_change(), start_max);
    tokio::time::sleep(Duration::from_secs(2)).await;
    for _ in 0..100 {
        if first_change() > start_max {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(first_change() > start_max, "an agent acted after 10 s");
}
