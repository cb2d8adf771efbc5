//! The local server's live activity (`--new-every`): arrivals and replies
//! seen over real HTTP, on tokio's paused clock so that no test sleeps.

use std::net::SocketAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use triage::server::{ActivityEvent, DEMO_KEY, ServerConfig, ServerHandle, spawn};
use uuid::Uuid;

use crate::support::cli::triage_command;

const EVERY: Duration = Duration::from_secs(20);

fn config(new_every: Option<Duration>) -> ServerConfig {
    ServerConfig {
        tickets: 200,
        seed: 42,
        now: DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .expect("fixed instant"),
        new_every,
        ..ServerConfig::default()
    }
}

async fn start(new_every: Option<Duration>) -> ServerHandle {
    let addr: SocketAddr = "127.0.0.1:0".parse().expect("loopback");
    spawn(config(new_every), addr).await.expect("server starts")
}

async fn get(handle: &ServerHandle, path: &str) -> Value {
    let resp = reqwest::Client::new()
        .get(format!("{}{path}", handle.base_url()))
        .bearer_auth(DEMO_KEY)
        .send()
        .await
        .expect("request reaches the server");
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
    resp.json().await.expect("JSON body")
}

async fn total(handle: &ServerHandle, query: &str) -> u64 {
    let body = get(handle, &format!("/tickets?per_page=1&{query}")).await;
    body["meta"]["total"].as_u64().expect("meta.total")
}

async fn first_id(handle: &ServerHandle, query: &str) -> String {
    let body = get(handle, &format!("/tickets?per_page=1&{query}")).await;
    body["data"][0]["id"].as_str().expect("a row").to_string()
}

fn ticket_count(handle: &ServerHandle) -> usize {
    handle.with_data(|d| d.tickets.len())
}

/// Lets the activity's task run after the clock moved.
async fn advance(by: Duration) {
    tokio::time::advance(by).await;
    for _ in 0..4 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test(start_paused = true)]
async fn the_timer_brings_a_ticket_every_interval_and_a_reply_halfway_between() {
    let handle = start(Some(EVERY)).await;
    let before = ticket_count(&handle);
    advance(EVERY - Duration::from_secs(1)).await;
    assert_eq!(ticket_count(&handle), before, "nothing before the interval");
    advance(Duration::from_secs(1)).await;
    assert_eq!(ticket_count(&handle), before + 1, "one arrival after it");
    let newest = handle.with_data(|d| d.tickets.last().map(|t| (t.id, t.created_at)));
    let (new_id, created_at) = newest.expect("a new ticket");
    let messages_before =
        handle.with_data(|d| d.tickets.iter().map(|t| t.messages.len()).sum::<usize>());
    advance(EVERY / 2).await;
    assert_eq!(ticket_count(&handle), before + 1, "a reply adds no ticket");
    let replied = handle.with_data(|d| {
        let t = d
            .tickets
            .iter()
            .max_by_key(|t| (t.updated_at, t.ticket_number))
            .expect("tickets");
        (t.id, t.updated_at)
    });
    assert_ne!(replied.0, new_id, "the reply is on an existing ticket");
    assert!(replied.1 > created_at, "the reply comes after the arrival");
    let messages_after =
        handle.with_data(|d| d.tickets.iter().map(|t| t.messages.len()).sum::<usize>());
    assert_eq!(messages_after, messages_before + 1);
    advance(EVERY / 2).await;
    assert_eq!(ticket_count(&handle), before + 2, "the next arrival");
    handle.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn an_arrival_and_a_reply_are_what_a_poller_sees_first() {
    let handle = start(None).await;
    let listed_before = total(&handle, "").await;
    let open_before = total(&handle, "status=open").await;
    let newest_stamp = handle.with_data(|d| d.tickets.iter().map(|t| t.updated_at).max());

    let Some(ActivityEvent::Arrived(new_id)) = handle.step_activity() else {
        panic!("the first event is an arrival");
    };
    let new_id = new_id.to_string();
    assert_eq!(
        first_id(&handle, "sort=created_at&order=desc").await,
        new_id
    );
    assert_eq!(total(&handle, "").await, listed_before + 1);
    assert_eq!(total(&handle, "status=open").await, open_before + 1);
    let detail = get(&handle, &format!("/tickets/{new_id}")).await;
    let data = &detail["data"];
    assert_eq!(data["status"], "open");
    assert_eq!(data["created_at"], data["updated_at"]);
    let stamp: DateTime<Utc> = data["created_at"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("created_at");
    assert!(Some(stamp) > newest_stamp, "after every generated ticket");
    let messages = get(&handle, &format!("/tickets/{new_id}/messages")).await;
    assert_eq!(messages["meta"]["total"], 1);
    assert_eq!(messages["data"][0]["author_type"], "contact");

    let subject = data["subject"].as_str().expect("subject").to_string();
    let word = subject
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 4)
        .max_by_key(|w| w.len())
        .expect("a word in the subject");
    let found = get(&handle, &format!("/tickets?per_page=100&query={word}")).await;
    let ids: Vec<&str> = found["data"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert!(ids.contains(&new_id.as_str()), "{word:?} finds {subject:?}");

    tokio::time::advance(EVERY / 2).await;
    let Some(ActivityEvent::Replied(replied)) = handle.step_activity() else {
        panic!("the second event is a reply");
    };
    let replied = replied.to_string();
    assert_ne!(replied, new_id);
    assert_eq!(
        first_id(&handle, "sort=updated_at&order=desc").await,
        replied
    );
    assert_eq!(total(&handle, "").await, listed_before + 1);
    let messages = get(
        &handle,
        &format!("/tickets/{replied}/messages?per_page=100"),
    )
    .await;
    let rows = messages["data"].as_array().expect("rows");
    let last = rows.last().expect("messages");
    assert_eq!(last["author_type"], "contact");
    let reply_body = last["body"].as_str().expect("body").to_string();
    let detail = get(&handle, &format!("/tickets/{replied}")).await;
    assert_eq!(last["created_at"], detail["data"]["updated_at"]);
    assert!(
        matches!(
            detail["data"]["status"].as_str(),
            Some("open" | "in_progress")
        ),
        "a reply leaves the ticket open: {}",
        detail["data"]["status"]
    );
    // The reply's words are searchable like the rest of the conversation.
    let phrase = format!("\"{}\"", reply_body.replace('"', " "));
    let found = get(
        &handle,
        &format!("/tickets?per_page=100&query={}", urlencode(&phrase)),
    )
    .await;
    let found: Vec<&str> = found["data"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert!(found.contains(&replied.as_str()), "{reply_body:?}");
    handle.shutdown().await;
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn without_the_flag_the_workspace_stays_still() {
    let handle = start(None).await;
    let listed = total(&handle, "").await;
    let newest = first_id(&handle, "sort=updated_at&order=desc").await;
    advance(Duration::from_secs(3600)).await;
    assert_eq!(total(&handle, "").await, listed);
    assert_eq!(
        first_id(&handle, "sort=updated_at&order=desc").await,
        newest
    );
    handle.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn the_same_seed_makes_the_same_events() {
    let subjects = |handle: &ServerHandle, id: Uuid| {
        handle.with_data(|d| d.ticket(id).map(|t| (t.subject.clone(), t.ticket_number)))
    };
    let a = start(None).await;
    let b = start(None).await;
    for _ in 0..4 {
        let (ea, eb) = (a.step_activity(), b.step_activity());
        assert_eq!(ea, eb);
        let (Some(ActivityEvent::Arrived(id) | ActivityEvent::Replied(id)), Some(_)) = (ea, eb)
        else {
            panic!("an event each time");
        };
        assert_eq!(subjects(&a, id), subjects(&b, id));
    }
    a.shutdown().await;
    b.shutdown().await;
}

/// `--new-every 18446744073709551615` once panicked the activity task
/// ("overflow when adding duration to instant"): the pace is bounded to a
/// day, and requests are still answered.
#[tokio::test(start_paused = true)]
async fn an_absurd_pace_is_bounded_and_the_server_keeps_answering() {
    let handle = start(Some(Duration::from_secs(u64::MAX))).await;
    let before = ticket_count(&handle);
    assert_eq!(total(&handle, "").await, before as u64);
    advance(triage::server::MAX_NEW_EVERY).await;
    assert_eq!(ticket_count(&handle), before + 1, "one arrival a day");
    assert_eq!(total(&handle, "").await, before as u64 + 1);
}

#[test]
fn serve_refuses_a_pace_past_a_day() {
    let out = triage_command(&["serve", "--new-every", "18446744073709551615"], &[])
        .output()
        .expect("run triage");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1..=86400"), "{err}");
}

/// `triage demo` remembers its first start and anchors the generated data
/// there, so a restart two seconds later serves the same tickets with the
/// same timestamps: only what really changed looks new.
#[tokio::test]
async fn a_demo_restart_serves_the_same_timestamps() {
    use chrono::{Duration as ChronoDuration, TimeZone, Utc};
    use triage::server::ServerConfig;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state/demo-epoch");
    let first_start = Utc.with_ymd_and_hms(2026, 12, 5, 21, 57, 54).unwrap();
    let restart = first_start + ChronoDuration::seconds(2);
    let epoch = triage::config::demo_epoch(&path, first_start);
    assert_eq!(epoch, first_start);
    assert_eq!(triage::config::demo_epoch(&path, restart), first_start);

    let stamps = |now, data_epoch| async move {
        let handle = crate::support::server::spawn(ServerConfig {
            tickets: 50,
            now,
            data_epoch,
            ..ServerConfig::default()
        })
        .await;
        let stamps: Vec<_> = handle.with_data(|d| {
            d.tickets
                .iter()
                .map(|t| (t.ticket_number, t.created_at, t.updated_at))
                .collect()
        });
        handle.shutdown().await;
        stamps
    };
    assert_eq!(
        stamps(first_start, Some(epoch)).await,
        stamps(restart, Some(epoch)).await,
        "same epoch, same data"
    );
    // Anchored at each start (as before), every timestamp moved.
    assert_ne!(stamps(first_start, None).await, stamps(restart, None).await);

    // An epoch in the future (a clock set back) is not trusted.
    let earlier = first_start - ChronoDuration::days(1);
    assert_eq!(triage::config::demo_epoch(&path, earlier), earlier);
}
