//! `config check --online`: whether the server enforces
//! `If-Unmodified-Since`, found by a harmless probe (an empty change dated
//! 1970 to the first ticket). The local server enforces it; a server that
//! ignores the header (wiremock: the local server cannot be made to) is
//! said to, and so are the cases where it cannot be told.

use serde_json::{Value, json};
use triage::api::precondition::{Precondition, probe};
use triage::api::{ApiClient, ApiKey, ClientOptions};
use triage::server::{DEMO_KEY, ServerConfig};
use uuid::Uuid;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::cli::{Var, run, triage_command};
use crate::support::server as helpdesk;

fn ticket_json() -> Value {
    json!({
        "id": Uuid::from_u128(1).to_string(),
        "ticket_number": 1,
        "subject": "Printer on fire",
        "inbox_id": Uuid::from_u128(100).to_string(),
        "status": "open",
        "status_id": Uuid::from_u128(200).to_string(),
        "status_name": "New",
        "priority": "normal",
        "priority_id": Uuid::from_u128(300).to_string(),
        "priority_name": "Normal",
        "assignee_id": null,
        "created_at": "2026-11-01T10:00:00Z",
        "updated_at": "2026-11-02T10:00:00Z"
    })
}

fn client_of(base: &str) -> ApiClient {
    ApiClient::new(ClientOptions::new(base, ApiKey::new("ixk_test"))).unwrap()
}

/// A server that lists one ticket and answers its PATCH with `patch`.
async fn mock(patch: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/tickets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [ticket_json()],
            "meta": {"page": 1, "per_page": 1, "total": 1}
        })))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!("/tickets/{}", Uuid::from_u128(1))))
        // Read whole: wiremock's `header` matcher splits values at commas.
        .and(|r: &wiremock::Request| {
            r.headers
                .get("if-unmodified-since")
                .is_some_and(|v| v == "Thu, 01 Jan 1970 00:00:00 GMT")
        })
        .respond_with(patch)
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn the_local_server_enforces_it_and_the_probe_changes_nothing() {
    let handle = helpdesk::spawn(ServerConfig {
        tickets: 20,
        ..ServerConfig::default()
    })
    .await;
    let before = handle.with_data(|d| d.tickets.clone());
    let client = helpdesk::client(&handle, DEMO_KEY);
    assert_eq!(probe(&client).await, Precondition::Enforced);
    assert_eq!(handle.requests_to("PATCH /tickets/{id}"), 1);
    assert_eq!(
        handle.with_data(|d| d.tickets.clone()),
        before,
        "nothing changed, updated_at included"
    );
    handle.shutdown().await;
}

#[tokio::test]
async fn a_server_that_ignores_the_header_is_said_to() {
    let server =
        mock(ResponseTemplate::new(200).set_body_json(json!({"data": ticket_json()}))).await;
    let found = probe(&client_of(&server.uri())).await;
    assert_eq!(found, Precondition::Ignored);
    assert!(found.words().contains("ignores If-Unmodified-Since"));
}

#[tokio::test]
async fn what_cannot_be_told_is_said_and_why() {
    let server = mock(ResponseTemplate::new(405)).await;
    assert_eq!(
        probe(&client_of(&server.uri())).await,
        Precondition::NoPatch
    );

    let server = mock(ResponseTemplate::new(403).set_body_json(json!({
        "error": "insufficient_scope", "message": "read-only key", "code": 403
    })))
    .await;
    assert_eq!(
        probe(&client_of(&server.uri())).await,
        Precondition::Unknown("the API key is read-only".into())
    );

    let empty = helpdesk::spawn(ServerConfig {
        tickets: 0,
        ..ServerConfig::default()
    })
    .await;
    let client = helpdesk::client(&empty, DEMO_KEY);
    assert_eq!(probe(&client).await, Precondition::NoTicket);
    assert_eq!(empty.requests_to("PATCH /tickets/{id}"), 0);
    empty.shutdown().await;
}

/// Through the binary: a note line, and the check still passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_check_online_says_so_and_offline_asks_nothing() {
    let handle = helpdesk::spawn(ServerConfig {
        tickets: 10,
        ..ServerConfig::default()
    })
    .await;
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let env: [Var; 4] = [
        ("HOME", &h),
        ("XDG_CONFIG_HOME", &h.join("xdg-config")),
        ("XDG_STATE_HOME", &h.join("xdg-state")),
        ("TRIAGE_API_KEY", &DEMO_KEY),
    ];
    let base = handle.base_url().to_string();
    let requests = handle.request_count();
    let out = run(triage_command(
        &["config", "check", "--base-url", &base],
        &env,
    ))
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}");
    assert!(!stdout.contains("If-Unmodified-Since"), "{stdout}");
    assert_eq!(handle.request_count(), requests, "offline: nothing asked");

    let out = run(triage_command(
        &["config", "check", "--online", "--base-url", &base],
        &env,
    ))
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout
            .contains("note: the server enforces If-Unmodified-Since (412 on a write dated 1970)"),
        "{stdout}"
    );
    assert_eq!(handle.requests_to("PATCH /tickets/{id}"), 1);
    handle.shutdown().await;
}
