//! The API client over real HTTP on 127.0.0.1, against scripted answers
//! (wiremock): error mapping, 429 handling and the shared gate, retries,
//! key hygiene, URL policy.

use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use triage::api::types::{
    CUT_MARKER, MAX_BODY_TEXT_BYTES, MAX_SHORT_TEXT_BYTES, PriorityLevel, StatusCategory,
    TicketPatch,
};
use triage::api::{
    ApiClient, ApiError, ApiKey, Backoff, ClientOptions, Endpoint, EndpointState, load_catalog,
};
use triage::filter::{Aliases, Resolver};
use uuid::Uuid;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "ixk_test_5up3rs3cr3t_value";
const PREFIX: &str = "/api/v1";

fn options(server: &MockServer) -> ClientOptions {
    let mut o = ClientOptions::new(format!("{}{PREFIX}", server.uri()), ApiKey::new(KEY));
    // Retries are exercised for their count; their timing is unit-tested
    // (`api::retry`), so no real sleeping here.
    o.backoff = Backoff {
        base: Duration::ZERO,
        cap: Duration::ZERO,
    };
    o
}

fn client(server: &MockServer) -> ApiClient {
    ApiClient::new(options(server)).expect("valid options")
}

fn p(route: &str) -> String {
    format!("{PREFIX}{route}")
}

fn ticket_json(n: u128) -> Value {
    json!({
        "id": Uuid::from_u128(n).to_string(),
        "ticket_number": n,
        "subject": format!("Printer on fire #{n}"),
        "inbox_id": Uuid::from_u128(100).to_string(),
        "status": "waiting",
        "status_id": Uuid::from_u128(200).to_string(),
        "status_name": "Awaiting parts",
        "status_color": "#f59e0b",
        "priority": "urgent",
        "priority_id": Uuid::from_u128(300).to_string(),
        "priority_name": "P1",
        "priority_color": "#fa0",
        "assignee_id": null,
        "contact_id": Uuid::from_u128(400).to_string(),
        "remind_at": "2026-12-01T09:00:00Z",
        "remind_transition_status_id": null,
        "created_at": "2026-11-01T10:00:00Z",
        "updated_at": "2026-11-02T10:00:00Z",
        "sla_breached": true
    })
}

fn error_body(status: u16, error: &str, message: &str) -> Value {
    json!({"error": error, "message": message, "code": status})
}

async fn mount(server: &MockServer, verb: &str, route: &str, response: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(p(route)))
        .respond_with(response)
        .mount(server)
        .await;
}

/// As [`mount`], answering only the first request: those after it go to
/// the other mounts.
async fn mount_once(server: &MockServer, verb: &str, route: &str, response: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(p(route)))
        .respond_with(response)
        .up_to_n_times(1)
        .mount(server)
        .await;
}

/// Mounts the API's error answer: `status`, with a body naming it as
/// `error` and saying `message`.
async fn mount_error(
    server: &MockServer,
    verb: &str,
    route: &str,
    status: u16,
    error: &str,
    message: &str,
) {
    let body = error_body(status, error, message);
    mount(
        server,
        verb,
        route,
        ResponseTemplate::new(status).set_body_json(body),
    )
    .await;
}

async fn sent(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

// ---- the happy path ---------------------------------------------------------

#[tokio::test]
async fn list_sends_key_agent_and_query_and_decodes_the_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("/tickets")))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header(
            "user-agent",
            concat!("triage/", env!("CARGO_PKG_VERSION")),
        ))
        .and(query_param("status", "open,waiting"))
        .and(query_param("query", "refund \"late fee\""))
        .and(query_param("page", "2"))
        .and(query_param("per_page", "25"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [ticket_json(1), {"id": 17, "status": "open"}, ticket_json(2)],
            "meta": {"page": 2, "per_page": 25, "total": 42}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let query = vec![
        ("status".to_string(), "open,waiting".to_string()),
        ("query".to_string(), "refund \"late fee\"".to_string()),
    ];
    let page = client(&server).list_tickets(&query, 2, 25).await.unwrap();
    assert_eq!(page.tickets.len(), 2);
    assert_eq!(page.skipped, 1);
    assert_eq!(page.meta.total, 42);
    let t = &page.tickets[0];
    assert_eq!(t.status, StatusCategory::Waiting);
    assert_eq!(t.status_name, "Awaiting parts");
    assert_eq!(t.priority, PriorityLevel::Urgent);
}

#[tokio::test]
async fn list_json_keeps_tickets_exactly_as_sent() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/tickets",
        ResponseTemplate::new(200).set_body_json(json!({"data": [ticket_json(1)]})),
    )
    .await;
    let (rows, meta) = client(&server).list_tickets_json(&[], 1, 25).await.unwrap();
    assert_eq!(rows, vec![ticket_json(1)]);
    assert_eq!((meta.page, meta.per_page, meta.total), (1, 25, 1));
}

#[tokio::test]
async fn detail_messages_and_patch() {
    let server = MockServer::start().await;
    let id = Uuid::from_u128(1);
    let mut detail = ticket_json(1);
    detail["tags"] = json!([{"id": Uuid::from_u128(9).to_string(), "name": "vip", "color": null}]);
    detail["custom_fields"] = json!({"plan": "Enterprise"});
    mount(
        &server,
        "GET",
        &format!("/tickets/{id}"),
        ResponseTemplate::new(200).set_body_json(json!({ "data": detail })),
    )
    .await;
    Mock::given(method("GET"))
        .and(path(p(&format!("/tickets/{id}/messages"))))
        .and(query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": Uuid::from_u128(5).to_string(), "author_name": "Ada",
                      "author_type": "contact", "body": "hi\nthere", "created_at": null}],
            "meta": {"page": 1, "per_page": 50, "total": 1}
        })))
        .mount(&server)
        .await;
    let mut updated = ticket_json(1);
    updated["status"] = json!("closed");
    Mock::given(method("PATCH"))
        .and(path(p(&format!("/tickets/{id}"))))
        .and(header("content-type", "application/json"))
        .and(wiremock::matchers::body_json(
            json!({"status": "closed", "assignee_id": null}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "data": updated })))
        .expect(1)
        .mount(&server)
        .await;

    let c = client(&server);
    let d = c.ticket(id).await.unwrap();
    assert_eq!(d.tags.len(), 1);
    assert_eq!(d.custom_fields["plan"], "Enterprise");
    let (messages, meta) = c.messages(id, 1, 50).await.unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(meta.total, 1);
    let patch = TicketPatch {
        status: Some(StatusCategory::Closed),
        assignee_id: Some(None),
        ..Default::default()
    };
    let t = c.update_ticket(id, &patch).await.unwrap();
    assert_eq!(t.ticket.status, StatusCategory::Closed);
}

#[tokio::test]
async fn paginated_companion_lists_are_walked() {
    let server = MockServer::start().await;
    let user =
        |n: u128| json!({"id": Uuid::from_u128(n).to_string(), "name": format!("agent {n}")});
    Mock::given(method("GET"))
        .and(path(p("/users")))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [user(3)], "meta": {"page": 2, "per_page": 2, "total": 3}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/users")))
        .and(wiremock::matchers::query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [user(1), user(2)], "meta": {"page": 1, "per_page": 2, "total": 3}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let users = client(&server).users().await.unwrap();
    assert_eq!(users.len(), 3);
}

// ---- error mapping ------------------------------------------------------------

#[tokio::test]
async fn every_error_kind_is_mapped() {
    let server = MockServer::start().await;
    let c = client(&server);
    let id = Uuid::from_u128(77);

    mount(
        &server,
        "GET",
        "/tickets",
        ResponseTemplate::new(400).set_body_json(json!({
            "error": "Bad Request", "message": "The request contains invalid parameters", "code": 400,
            "details": [
                {"field": "per_page", "message": "must be between 1 and 100"},
                {"field": "custom_field_plan", "message": "unknown custom field key"}
            ]
        })),
    )
    .await;
    let e = c.list_tickets(&[], 1, 500).await.unwrap_err();
    let ApiError::BadRequest { details, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(details.len(), 2);
    assert_eq!(
        e.to_string(),
        "bad request: per_page: must be between 1 and 100; custom_field_plan: unknown custom field key"
    );

    server.reset().await;
    mount_error(
        &server,
        "GET",
        "/tickets",
        401,
        "Unauthorized",
        "Authentication required. Please provide a valid API token",
    )
    .await;
    let e = c.list_tickets(&[], 1, 25).await.unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized { .. }), "{e:?}");
    assert_eq!(e.hint(), Some("check TRIAGE_API_KEY or api_key_cmd"));

    // 403: the word may be in `code` (string), `error` or `message`, and
    // `code` may be numeric.
    let scope_bodies = [
        json!({"error": "Forbidden", "message": "nope", "code": "insufficient_scope"}),
        json!({"error": "insufficient_scope", "message": "nope", "code": 403}),
        json!({"error": "Forbidden", "message": "insufficient_scope: this key is read-only", "code": 403}),
    ];
    for body in scope_bodies {
        server.reset().await;
        mount(
            &server,
            "PATCH",
            &format!("/tickets/{id}"),
            ResponseTemplate::new(403).set_body_json(&body),
        )
        .await;
        let e = c
            .update_ticket(id, &TicketPatch::default())
            .await
            .unwrap_err();
        assert!(
            matches!(e, ApiError::InsufficientScope { .. }),
            "{body}: {e:?}"
        );
    }
    for body in [
        error_body(
            403,
            "Forbidden",
            "You don't have permission to access this resource",
        ),
        json!({"code": "forbidden"}),
    ] {
        server.reset().await;
        mount(
            &server,
            "GET",
            "/tickets",
            ResponseTemplate::new(403).set_body_json(&body),
        )
        .await;
        let e = c.list_tickets(&[], 1, 25).await.unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "{body}: {e:?}");
        assert_eq!(e.hint(), Some("ask a workspace admin to enable API access"));
    }

    server.reset().await;
    mount_error(
        &server,
        "GET",
        &format!("/tickets/{id}"),
        404,
        "Not Found",
        "no such ticket",
    )
    .await;
    let e = c.ticket(id).await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");

    server.reset().await;
    mount_error(&server, "GET", "/tickets", 418, "Teapot", "short and stout").await;
    let e = c.list_tickets(&[], 1, 25).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "server answered 418 I'm a teapot: short and stout"
    );
}

#[tokio::test]
async fn companion_endpoints_answering_404_or_405_are_not_supported() {
    let server = MockServer::start().await;
    let c = client(&server);
    let id = Uuid::from_u128(1);
    for status in [404u16, 405] {
        server.reset().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
        let results = [
            (Endpoint::Statuses, c.statuses().await.map(drop)),
            (Endpoint::Priorities, c.priorities().await.map(drop)),
            (Endpoint::Tags, c.tags().await.map(drop)),
            (Endpoint::Inboxes, c.inboxes().await.map(drop)),
            (Endpoint::Users, c.users().await.map(drop)),
            (Endpoint::TicketFields, c.ticket_fields().await.map(drop)),
            (Endpoint::Messages, c.messages(id, 1, 50).await.map(drop)),
        ];
        for (endpoint, result) in results {
            match result {
                Err(ApiError::NotSupported { endpoint: e }) => assert_eq!(e, endpoint.label()),
                other => panic!("{endpoint} answering {status}: {other:?}"),
            }
        }
        let e = c
            .update_ticket(id, &TicketPatch::default())
            .await
            .unwrap_err();
        if status == 405 {
            assert_eq!(
                e.to_string(),
                "PATCH /tickets/{id} is not supported by this server"
            );
        } else {
            assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
        }
    }
}

#[tokio::test]
async fn html_bad_gateway_is_a_short_clean_excerpt_after_retries() {
    let server = MockServer::start().await;
    let page = format!(
        "<html><head><title>502 Bad Gateway</title></head><body>\u{1b}]0;owned\u{7}<h1>502 Bad Gateway</h1>{}<hr>nginx</body></html>",
        "padding ".repeat(200)
    );
    mount(
        &server,
        "GET",
        "/tickets",
        ResponseTemplate::new(502).set_body_raw(page, "text/html"),
    )
    .await;
    let e = client(&server).list_tickets(&[], 1, 25).await.unwrap_err();
    let ApiError::Server { status, excerpt } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(*status, 502);
    assert!(excerpt.starts_with("502 Bad Gateway"), "{excerpt}");
    assert!(excerpt.chars().count() <= 200);
    assert!(!e.to_string().contains(['\u{1b}', '\u{7}', '<']), "{e}");
    assert_eq!(sent(&server).await, 4, "one try and three retries");
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let server = MockServer::start().await;
    let whole = json!({"data": [ticket_json(1), ticket_json(2)], "meta": {"total": 2}}).to_string();
    let cut = whole[..whole.len() - 40].to_string();
    mount(
        &server,
        "GET",
        "/tickets",
        ResponseTemplate::new(200).set_body_raw(cut, "application/json"),
    )
    .await;
    let e = client(&server).list_tickets(&[], 1, 25).await.unwrap_err();
    assert!(matches!(e, ApiError::Decode(_)), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("could not read the server's answer: EOF"),
        "{e}"
    );
}

/// A base URL that lands on an echo service answers 200 with our own
/// request: the decode error quotes the body's start, never the key.
#[tokio::test]
async fn an_echoed_request_in_a_decode_error_is_scrubbed() {
    let server = MockServer::start().await;
    let echo = format!("Authorization: Bearer {KEY}\r\nAccept: application/json\r\n");
    for route in ["/tickets", "/tags"] {
        mount(
            &server,
            "GET",
            route,
            ResponseTemplate::new(200).set_body_raw(echo.clone(), "text/plain"),
        )
        .await;
    }
    let c = client(&server);
    let list = c.list_tickets(&[], 1, 25).await.unwrap_err();
    let tags = c.tags().await.unwrap_err();
    for e in [list, tags] {
        assert!(matches!(e, ApiError::Decode(_)), "{e:?}");
        assert!(e.to_string().contains("Bearer ixk_…redacted"), "{e}");
        assert!(!e.to_string().contains(KEY) && !format!("{e:?}").contains(KEY));
    }
}

/// The first 8 characters of the key anywhere in an error's `Display` or
/// `Debug`: a key cut by an excerpt before it was scrubbed.
fn shows_key_start(e: &ApiError) -> bool {
    let start = &KEY[..8];
    e.to_string().contains(start) || format!("{e:?}").contains(start)
}

/// Every cut of an excerpt (the quoted start of a body that is not JSON,
/// the 200-character reason, the bytes read of a long error body) happens
/// after the key is scrubbed: a key straddling a cut leaves nothing behind.
#[tokio::test]
async fn a_key_straddling_an_excerpt_cut_leaves_no_prefix() {
    let server = MockServer::start().await;
    let c = client(&server);
    let answer =
        |status: u16, body: String| ResponseTemplate::new(status).set_body_raw(body, "text/plain");
    // Not JSON: the quoted start of the answer is 80 characters.
    for pad in 60..90 {
        server.reset().await;
        let body = format!("{}{KEY} and more", "x".repeat(pad));
        mount(&server, "GET", "/tickets", answer(200, body)).await;
        let e = c.list_tickets(&[], 1, 25).await.unwrap_err();
        assert!(matches!(e, ApiError::Decode(_)), "{e:?}");
        assert!(!shows_key_start(&e), "pad {pad}: {e}");
    }
    // JSON, but a string: serde quotes it in the reason, which is cut to
    // 200 characters.
    let id = Uuid::from_u128(1);
    for pad in 150..200 {
        server.reset().await;
        let body = json!(format!("{}{KEY} and more", "x".repeat(pad))).to_string();
        mount(&server, "GET", &format!("/tickets/{id}"), answer(200, body)).await;
        let e = c.ticket(id).await.unwrap_err();
        assert!(matches!(e, ApiError::Decode(_)), "{e:?}");
        assert!(!shows_key_start(&e), "pad {pad}: {e}");
    }
    // A long error body is read only so far: zero-width characters (which
    // sanitizing removes) push the key to the end of what is read, so its
    // start would be all that is left to show.
    for zero_widths in 1355..1366 {
        server.reset().await;
        let body = format!("{}{KEY} and more", "\u{200b}".repeat(zero_widths));
        mount(&server, "GET", "/tags", answer(500, body.clone())).await;
        let e = c.tags().await.unwrap_err();
        assert!(matches!(e, ApiError::Server { status: 500, .. }), "{e:?}");
        assert!(!shows_key_start(&e), "{zero_widths} zero-widths: {e}");
        mount(&server, "GET", "/tickets", answer(200, body)).await;
        let e = c.list_tickets(&[], 1, 25).await.unwrap_err();
        assert!(!shows_key_start(&e), "{zero_widths} zero-widths: {e}");
    }
}

/// `s` was cut at decode: at most `max` bytes, marked, the kept part the
/// original's start.
fn assert_capped(s: &str, original: &str, max: usize) {
    assert!(s.len() <= max, "{} bytes > {max}", s.len());
    let kept = s.strip_suffix(CUT_MARKER).expect("marked as cut");
    assert!(original.starts_with(kept), "kept the start");
    assert!(
        kept.len() + CUT_MARKER.len() + 4 > max,
        "cut no shorter than needed"
    );
}

/// Oversized strings are cut where they are decoded (64 KB for a subject,
/// a name or a label, 1 MB for a message body), on a character boundary,
/// ending in `CUT_MARKER`; strings at the limit are kept whole.
#[tokio::test]
async fn oversized_fields_are_capped_at_decode() {
    let server = MockServer::start().await;
    // 3-byte characters, so a cut at a round byte count falls inside one.
    let huge = "返".repeat(MAX_SHORT_TEXT_BYTES);
    let exact = "a".repeat(MAX_SHORT_TEXT_BYTES);
    let mut long = ticket_json(1);
    long["subject"] = json!(huge);
    long["status_name"] = json!(huge);
    long["priority_color"] = json!(huge);
    long["status"] = json!(huge);
    let mut at_limit = ticket_json(2);
    at_limit["subject"] = json!(exact);
    // A malformed row sends the page down the row-by-row path: same caps.
    for rows in [json!([long, at_limit]), json!([long, at_limit, 42])] {
        server.reset().await;
        mount(
            &server,
            "GET",
            "/tickets",
            ResponseTemplate::new(200).set_body_json(json!({ "data": rows })),
        )
        .await;
        let page = client(&server).list_tickets(&[], 1, 25).await.unwrap();
        let t = &page.tickets[0];
        assert_capped(&t.subject, &huge, MAX_SHORT_TEXT_BYTES);
        assert_capped(&t.status_name, &huge, MAX_SHORT_TEXT_BYTES);
        assert_capped(
            t.priority_color.as_deref().unwrap(),
            &huge,
            MAX_SHORT_TEXT_BYTES,
        );
        assert_capped(t.status.as_str(), &huge, MAX_SHORT_TEXT_BYTES);
        assert_eq!(page.tickets[1].subject, exact, "at the limit: whole");
    }

    let id = Uuid::from_u128(1);
    let mut detail = ticket_json(1);
    detail["tags"] = json!([{"id": Uuid::from_u128(9).to_string(), "name": huge}]);
    detail["custom_fields"] = json!({"notes": huge, "choices": [huge, "ok"]});
    let body = "é".repeat(MAX_BODY_TEXT_BYTES);
    let message = json!({
        "id": Uuid::from_u128(5).to_string(), "author_type": "contact",
        "author_name": huge, "body": body, "created_at": "2026-11-01T10:00:00Z"
    });
    mount(
        &server,
        "GET",
        &format!("/tickets/{id}"),
        ResponseTemplate::new(200).set_body_json(json!({ "data": detail })),
    )
    .await;
    mount(
        &server,
        "GET",
        &format!("/tickets/{id}/messages"),
        ResponseTemplate::new(200).set_body_json(json!({ "data": [message] })),
    )
    .await;
    let c = client(&server);
    let d = c.ticket(id).await.unwrap();
    assert_capped(&d.tags[0].name, &huge, MAX_SHORT_TEXT_BYTES);
    assert_capped(
        d.custom_fields["notes"].as_str().unwrap(),
        &huge,
        MAX_SHORT_TEXT_BYTES,
    );
    let choices = d.custom_fields["choices"].as_array().unwrap();
    assert_capped(choices[0].as_str().unwrap(), &huge, MAX_SHORT_TEXT_BYTES);
    assert_eq!(choices[1], "ok");
    let (messages, _) = c.messages(id, 1, 25).await.unwrap();
    assert_capped(&messages[0].body, &body, MAX_BODY_TEXT_BYTES);
    assert_capped(
        messages[0].author_name.as_deref().unwrap(),
        &huge,
        MAX_SHORT_TEXT_BYTES,
    );
}

// ---- retries --------------------------------------------------------------------

#[tokio::test]
async fn a_burst_of_503_is_retried_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("/tickets")))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    mount(
        &server,
        "GET",
        "/tickets",
        ResponseTemplate::new(200).set_body_json(json!({"data": [ticket_json(1)]})),
    )
    .await;
    let page = client(&server).list_tickets(&[], 1, 25).await.unwrap();
    assert_eq!(page.tickets.len(), 1);
    assert_eq!(sent(&server).await, 3);
}

#[tokio::test]
async fn retries_stop_at_the_configured_count() {
    let server = MockServer::start().await;
    mount(&server, "GET", "/tags", ResponseTemplate::new(504)).await;
    let mut o = options(&server);
    o.max_get_retries = 1;
    let e = ApiClient::new(o).unwrap().tags().await.unwrap_err();
    assert!(matches!(e, ApiError::Server { status: 504, .. }), "{e:?}");
    assert_eq!(sent(&server).await, 2);
}

#[tokio::test]
async fn writes_are_never_retried() {
    let server = MockServer::start().await;
    let id = Uuid::from_u128(1);
    mount(
        &server,
        "PATCH",
        &format!("/tickets/{id}"),
        ResponseTemplate::new(503),
    )
    .await;
    let e = client(&server)
        .update_ticket(id, &TicketPatch::default())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Server { status: 503, .. }), "{e:?}");
    assert_eq!(sent(&server).await, 1);
}

#[tokio::test]
async fn connection_refused_is_a_network_error_after_retries() {
    // A port that was just free: nothing listens there.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut o = ClientOptions::new(format!("http://127.0.0.1:{port}/api/v1"), ApiKey::new(KEY));
    o.backoff = Backoff {
        base: Duration::ZERO,
        cap: Duration::ZERO,
    };
    let e = ApiClient::new(o)
        .unwrap()
        .list_tickets(&[], 1, 25)
        .await
        .unwrap_err();
    let ApiError::Network(msg) = &e else {
        panic!("{e:?}")
    };
    assert!(msg.starts_with("could not connect"), "{msg}");
    assert!(!msg.contains(KEY));
    assert_eq!(e.hint(), Some("check the base URL and your connection"));
}

/// A listener that accepts connections and hangs up at once, counting them.
async fn hang_up_server() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(socket);
        }
    });
    (format!("http://{addr}/api/v1"), accepted)
}

#[tokio::test]
async fn dropped_connections_are_retried_for_reads_only() {
    let (base, accepted) = hang_up_server().await;
    let mut o = ClientOptions::new(base, ApiKey::new(KEY));
    o.backoff = Backoff {
        base: Duration::ZERO,
        cap: Duration::ZERO,
    };
    let c = ApiClient::new(o).unwrap();
    let e = c.statuses().await.unwrap_err();
    assert!(matches!(e, ApiError::Network(_)), "{e:?}");
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 4);

    let e = c
        .update_ticket(Uuid::from_u128(1), &TicketPatch::default())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Network(_)), "{e:?}");
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 5);
}

// ---- 429: the retry instant and the gate ---------------------------------------------

/// Makes one request answered by a 429 and returns its wait.
async fn wait_after_429(template: ResponseTemplate) -> Duration {
    let server = MockServer::start().await;
    mount(&server, "GET", "/tickets", template).await;
    let e = client(&server).list_tickets(&[], 1, 25).await.unwrap_err();
    assert_eq!(sent(&server).await, 1, "a 429 is never retried");
    match e {
        ApiError::RateLimited { wait, .. } => wait,
        other => panic!("{other:?}"),
    }
}

fn assert_about(wait: Duration, secs: u64) {
    let want = Duration::from_secs(secs);
    assert!(
        wait <= want && wait + Duration::from_secs(3) > want,
        "wait {wait:?}, expected about {secs}s"
    );
}

fn too_many(retry_after_body: Option<u64>) -> ResponseTemplate {
    let mut body = error_body(
        429,
        "Too Many Requests",
        "Rate limit exceeded. Please try again later",
    );
    if let Some(s) = retry_after_body {
        body["retryAfter"] = json!(s);
    }
    ResponseTemplate::new(429).set_body_json(body)
}

#[tokio::test]
async fn rate_limit_header_seconds_versus_body() {
    assert_about(
        wait_after_429(too_many(Some(30)).insert_header("Retry-After", "120")).await,
        120,
    );
    assert_about(
        wait_after_429(too_many(Some(3600)).insert_header("Retry-After", "120")).await,
        3600,
    );
    assert_about(wait_after_429(too_many(Some(45))).await, 45);
}

#[tokio::test]
async fn rate_limit_http_date_versus_body() {
    let in_5_min = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(300));
    assert_about(
        wait_after_429(too_many(Some(60)).insert_header("Retry-After", in_5_min.as_str())).await,
        300,
    );
    let in_2_min = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
    assert_about(
        wait_after_429(too_many(Some(900)).insert_header("Retry-After", in_2_min.as_str())).await,
        900,
    );
}

#[tokio::test]
async fn rate_limit_without_hints_or_with_garbage_waits_sixty_seconds() {
    assert_about(wait_after_429(too_many(None)).await, 60);
    assert_about(
        wait_after_429(ResponseTemplate::new(429).set_body_string("slow down")).await,
        60,
    );
    assert_about(
        wait_after_429(too_many(None).insert_header("Retry-After", "tomorrow-ish")).await,
        60,
    );
    assert_about(
        wait_after_429(too_many(Some(15)).insert_header("Retry-After", "-4")).await,
        15,
    );
}

#[tokio::test]
async fn the_gate_blocks_every_request_until_cleared() {
    let server = MockServer::start().await;
    mount_once(&server, "GET", "/tickets", too_many(Some(3600))).await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .mount(&server)
        .await;
    let c = client(&server);
    let other_handle = c.clone();
    assert!(c.rate_limited_until().is_none());

    let e = c.list_tickets(&[], 1, 25).await.unwrap_err();
    let ApiError::RateLimited { retry_at, .. } = e else {
        panic!("{e:?}")
    };
    assert_eq!(c.rate_limited_until(), Some(retry_at));
    assert_eq!(
        other_handle.rate_limited_until(),
        Some(retry_at),
        "clones share the gate"
    );

    let id = Uuid::from_u128(1);
    let blocked = [
        c.list_tickets(&[], 2, 25).await.map(drop),
        c.list_tickets_json(&[], 1, 25).await.map(drop),
        other_handle.statuses().await.map(drop),
        c.users().await.map(drop),
        c.ticket(id).await.map(drop),
        c.messages(id, 1, 10).await.map(drop),
        c.update_ticket(id, &TicketPatch::default()).await.map(drop),
    ];
    for r in blocked {
        match r {
            Err(ApiError::RateLimited { retry_at: at, wait }) => {
                assert_eq!(at, retry_at);
                assert!(wait > Duration::from_secs(3590), "{wait:?}");
            }
            other => panic!("expected a local refusal, got {other:?}"),
        }
    }
    assert_eq!(sent(&server).await, 1, "nothing was sent while blocked");

    other_handle.clear_rate_limit();
    assert!(c.rate_limited_until().is_none());
    c.list_tickets(&[], 1, 25).await.unwrap();
    assert_eq!(sent(&server).await, 2);
}

#[tokio::test]
async fn concurrent_429s_keep_the_later_instant() {
    let server = MockServer::start().await;
    mount(&server, "GET", "/tags", too_many(Some(3600))).await;
    mount(&server, "GET", "/users", too_many(Some(10))).await;
    let c = client(&server);
    let (tags, users) = tokio::join!(c.tags(), c.users());
    assert!(tags.unwrap_err().is_rate_limited());
    assert!(users.unwrap_err().is_rate_limited());
    assert_eq!(sent(&server).await, 2, "both were in flight");
    let until = c.rate_limited_until().expect("gate closed");
    let left = until - tokio::time::Instant::now();
    assert!(left > Duration::from_secs(3590), "{left:?}");
}

#[tokio::test]
async fn the_gate_opens_when_the_instant_passes() {
    let server = MockServer::start().await;
    mount_once(&server, "GET", "/tickets", too_many(Some(30))).await;
    mount(
        &server,
        "GET",
        "/tickets",
        ResponseTemplate::new(200).set_body_json(json!({"data": []})),
    )
    .await;
    let c = client(&server);
    assert!(
        c.list_tickets(&[], 1, 25)
            .await
            .unwrap_err()
            .is_rate_limited()
    );

    // Move the clock without real sleeping. The clock must run again
    // before real sockets are used (a paused clock would fire timeouts).
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(29)).await;
    assert!(
        c.list_tickets(&[], 1, 25)
            .await
            .unwrap_err()
            .is_rate_limited()
    );
    assert_eq!(sent(&server).await, 1);
    tokio::time::advance(Duration::from_secs(2)).await;
    tokio::time::resume();
    assert!(c.rate_limited_until().is_none());
    c.list_tickets(&[], 1, 25).await.unwrap();
    assert_eq!(sent(&server).await, 2);
}

/// A 429 means the change was not applied; the client sends it once, closes
/// the gate and leaves the resend to the write job (which sends it again
/// once the wait is over): the client never sends it a second time itself.
#[tokio::test]
async fn a_patch_answered_429_is_sent_once_and_again_only_when_asked() {
    let server = MockServer::start().await;
    let id = Uuid::from_u128(1);
    mount_once(
        &server,
        "PATCH",
        &format!("/tickets/{id}"),
        too_many(Some(30)),
    )
    .await;
    mount(
        &server,
        "PATCH",
        &format!("/tickets/{id}"),
        ResponseTemplate::new(200).set_body_json(json!({"data": ticket_json(1)})),
    )
    .await;
    let c = client(&server);
    let patch = TicketPatch {
        priority: Some(PriorityLevel::Urgent),
        ..TicketPatch::default()
    };
    let e = c.update_ticket(id, &patch).await.unwrap_err();
    assert!(e.is_rate_limited(), "{e:?}");
    assert_eq!(sent(&server).await, 1, "not resent by the client");
    assert!(c.rate_limited_until().is_some());

    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(31)).await;
    tokio::time::resume();
    let t = c.update_ticket(id, &patch).await.unwrap();
    assert_eq!(t.ticket.id, id);
    assert_eq!(
        sent(&server).await,
        2,
        "once more, when asked after the wait"
    );
}

// ---- the key and the URL -----------------------------------------------------------

#[tokio::test]
async fn the_key_never_shows() {
    let server = MockServer::start().await;
    mount_error(
        &server,
        "GET",
        "/tickets",
        401,
        "Unauthorized",
        &format!("token {KEY} is revoked"),
    )
    .await;
    let o = options(&server);
    assert!(!format!("{o:?}").contains(KEY));
    let c = ApiClient::new(o).unwrap();
    assert!(!format!("{c:?}").contains(KEY));
    let e = c.list_tickets(&[], 1, 25).await.unwrap_err();
    assert!(!format!("{e:?}").contains(KEY), "{e:?}");
    assert!(!e.to_string().contains(KEY), "{e}");

    let query = vec![("query".to_string(), "it's late".to_string())];
    let curl = c.curl_command(&query, 1, 25);
    assert!(curl.contains("$TRIAGE_API_KEY"), "{curl}");
    assert!(!curl.contains(KEY));
    assert_eq!(
        curl,
        format!(
            "curl -H \"Authorization: Bearer $TRIAGE_API_KEY\" '{}/api/v1/tickets?query=it%27s+late&page=1&per_page=25'",
            server.uri()
        )
    );
}

#[test]
fn plain_http_only_to_loopback() {
    let new = |url: &str| ApiClient::new(ClientOptions::new(url, ApiKey::new(KEY)));
    let e = new("http://example.com/api/v1").unwrap_err();
    assert_eq!(
        e.to_string(),
        "refusing to send the API key over plain http to example.com; use https://"
    );
    assert!(!format!("{e:?}").contains(KEY));
    for ok in [
        "http://127.0.0.1:4010/api/v1",
        "http://localhost:4010/api/v1",
        "http://[::1]:4010/api/v1",
        "https://acme.example.com/api/v1/",
    ] {
        let c = new(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        assert!(!c.base_url().ends_with('/'));
    }
    assert!(matches!(
        ApiClient::new(ClientOptions::new("https://x.example", ApiKey::new("  "))),
        Err(ApiError::Config(_))
    ));
}

/// A key pasted into the base URL (as a query parameter, or as user info)
/// is refused without being quoted back, and `Debug` of the options hides
/// it too: only the scheme, host and path of a base URL are ever shown.
#[test]
fn a_key_inside_the_base_url_is_never_quoted() {
    for url in [
        format!("https://acme.example.com/api/v1?api_key={KEY}"),
        format!("https://acme.example.com/api/v1#{KEY}"),
        format!("https://agent:{KEY}@acme.example.com/api/v1"),
        format!("https://{KEY}@acme.example.com:99999/api/v1"),
        format!("https://agent:{KEY}@/api/v1"),
        format!("{KEY}@acme.example.com/api/v1"),
        format!("http://{KEY}@example.com/api/v1"),
    ] {
        let opts = ClientOptions::new(url.clone(), ApiKey::new("ixk_other_key"));
        let debug = format!("{opts:?}");
        assert!(!debug.contains(&KEY[..8]), "{url}: {debug}");
        let e = ApiClient::new(opts).unwrap_err();
        assert!(matches!(e, ApiError::Config(_)), "{url}: {e:?}");
        assert!(!shows_key_start(&e), "{url}: {e}");
    }
    let e = ApiClient::new(ClientOptions::new(
        format!("https://acme.example.com/api/v1?api_key={KEY}"),
        ApiKey::new(KEY),
    ))
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "base URL \"https://acme.example.com/api/v1?…\" must not contain a query (?...) or fragment (#...)"
    );
}

#[tokio::test]
async fn redirects_stay_on_the_same_origin() {
    let elsewhere = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/tags",
        ResponseTemplate::new(302)
            .insert_header("Location", format!("{}/steal", elsewhere.uri()).as_str()),
    )
    .await;
    mount(
        &server,
        "GET",
        "/inboxes",
        ResponseTemplate::new(301).insert_header("Location", p("/inboxes2").as_str()),
    )
    .await;
    Mock::given(method("GET"))
        .and(path(p("/inboxes2")))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"id": Uuid::from_u128(1).to_string(), "name": "Support"}
        ]})))
        .mount(&server)
        .await;
    let c = client(&server);
    let e = c.tags().await.unwrap_err();
    assert!(matches!(e, ApiError::Network(_)), "{e:?}");
    assert!(e.to_string().contains("another origin"), "{e}");
    assert_eq!(sent(&elsewhere).await, 0);
    assert_eq!(c.inboxes().await.unwrap().len(), 1);
}

#[tokio::test]
async fn redirect_loops_end() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/tickets",
        ResponseTemplate::new(302).insert_header("Location", p("/tickets").as_str()),
    )
    .await;
    let mut o = options(&server);
    o.max_get_retries = 0;
    let e = ApiClient::new(o)
        .unwrap()
        .list_tickets(&[], 1, 25)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("too many redirects"), "{e}");
    assert!(sent(&server).await <= 7, "{}", sent(&server).await);
}

// ---- the catalog ---------------------------------------------------------------------

#[tokio::test]
async fn catalog_uses_what_exists_and_falls_back_to_aliases() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/tags",
        ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"id": Uuid::from_u128(5).to_string(), "name": "Billing", "color": "#123456"},
            {"id": "garbage", "name": "skipped"}
        ]})),
    )
    .await;
    mount(
        &server,
        "GET",
        "/users",
        ResponseTemplate::new(500).set_body_string("boom"),
    )
    .await;
    // Everything else: 404.
    let mut aliases = Aliases::default();
    aliases
        .inboxes
        .insert("Support".into(), Uuid::from_u128(70));
    aliases.tags.insert("billing".into(), Uuid::from_u128(71));
    let mut o = options(&server);
    o.max_get_retries = 0;
    let c = ApiClient::new(o).unwrap();
    let mut catalog = load_catalog(&c, &aliases).await;

    assert!(matches!(
        catalog.state(Endpoint::Tags),
        EndpointState::Loaded
    ));
    assert_eq!(catalog.tags().len(), 1);
    assert!(catalog.supports(Endpoint::Tags));
    assert!(!catalog.supports(Endpoint::Inboxes));
    assert!(!catalog.supports(Endpoint::Statuses));
    assert!(
        catalog.supports(Endpoint::Users),
        "a 500 is not 'unsupported'"
    );
    let failures: Vec<_> = catalog.failures().map(|(e, _)| e).collect();
    assert_eq!(failures, [Endpoint::Users]);

    assert_eq!(
        catalog.tag_id("billing"),
        Some(Uuid::from_u128(5)),
        "live first"
    );
    assert_eq!(
        catalog.inbox_id("support"),
        Some(Uuid::from_u128(70)),
        "then aliases"
    );
    assert_eq!(catalog.inbox_name(Uuid::from_u128(70)), Some("Support"));

    let page: Vec<_> = vec![serde_json::from_value(ticket_json(1)).unwrap()];
    catalog.learn_from_tickets(&page);
    assert_eq!(catalog.statuses().len(), 1);
    assert_eq!(catalog.statuses()[0].name, "Awaiting parts");
    assert_eq!(catalog.priorities()[0].name, "P1");
}

// ---- logging ----------------------------------------------------------------------------

/// Collects formatted log lines in memory.
#[derive(Clone, Default)]
struct LogSink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One process-wide subscriber writing into memory. Global rather than
/// scoped: a thread-local subscriber misses events whose call sites other
/// test threads registered first (tracing caches call-site interest), which
/// made a scoped version flaky. Every test of the `it` binary (all modules,
/// one process) logs here once it is installed, so the "no key" check below
/// covers whatever ran alongside; no other test may install a subscriber.
fn log_sink() -> &'static LogSink {
    static SINK: std::sync::OnceLock<LogSink> = std::sync::OnceLock::new();
    SINK.get_or_init(|| {
        let sink = LogSink::default();
        let writer = sink.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other test installs a global subscriber");
        sink
    })
}

#[tokio::test]
async fn requests_are_logged_at_debug_without_the_key() {
    let sink = log_sink();
    let server = MockServer::start().await;
    mount_error(
        &server,
        "GET",
        "/tickets",
        401,
        "Unauthorized",
        &format!("bad token {KEY}"),
    )
    .await;
    let query = vec![("status".to_string(), "log_probe".to_string())];
    let _ = client(&server).list_tickets(&query, 1, 25).await;

    let logged =
        String::from_utf8_lossy(&sink.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned();
    let line = logged
        .lines()
        .find(|l| l.contains("/api/v1/tickets?status=log_probe&page=1&per_page=25"))
        .unwrap_or_else(|| panic!("no request line in {logged}"));
    assert!(line.contains("DEBUG"), "{line}");
    assert!(line.contains("method=GET"), "{line}");
    assert!(line.contains("status=401"), "{line}");
    assert!(line.contains("elapsed_ms="), "{line}");
    assert!(!logged.contains(KEY), "{logged}");
    assert!(!logged.to_lowercase().contains("authorization"), "{logged}");
}

// ---- against the real local server (crate::server) -------------------------------------
//
// The same error kinds, produced by the helpdesk server the demo uses rather
// than by scripted answers.

mod real_server {
    use super::*;
    use chrono::{DateTime, Utc};
    use triage::server::{
        DEMO_KEY, DEMO_READONLY_KEY, RateBudget, RateLimitFault, ServerConfig, ServerHandle,
    };

    use crate::support::server as helpdesk;

    fn fixed_now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
            .expect("valid date")
            .with_timezone(&Utc)
    }

    fn config() -> ServerConfig {
        ServerConfig {
            tickets: 120,
            now: fixed_now(),
            ..ServerConfig::default()
        }
    }

    fn client_for(server: &ServerHandle, key: &str) -> ApiClient {
        let mut o = ClientOptions::new(server.base_url(), ApiKey::new(key));
        o.backoff = Backoff {
            base: Duration::ZERO,
            cap: Duration::ZERO,
        };
        ApiClient::new(o).expect("valid options")
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[tokio::test]
    async fn lists_filters_and_pages() {
        let server = helpdesk::spawn(config()).await;
        let c = client_for(&server, DEMO_KEY);
        let all = c.list_tickets(&[], 1, 100).await.unwrap();
        assert_eq!(all.meta.total, 120);
        assert_eq!(all.tickets.len(), 100);
        assert_eq!(all.skipped, 0);
        let second = c.list_tickets(&[], 2, 100).await.unwrap();
        assert_eq!(second.tickets.len(), 20);

        let open = c
            .list_tickets(
                &pairs(&[("status", "open"), ("priority", "urgent")]),
                1,
                100,
            )
            .await
            .unwrap();
        assert!(open.meta.total < 120);
        assert!(
            open.tickets
                .iter()
                .all(|t| t.status == StatusCategory::Open && t.priority == PriorityLevel::Urgent)
        );
        let (raw, meta) = c
            .list_tickets_json(
                &pairs(&[("status", "open"), ("priority", "urgent")]),
                1,
                100,
            )
            .await
            .unwrap();
        assert_eq!(raw.len(), open.tickets.len());
        assert_eq!(meta, open.meta);
    }

    #[tokio::test]
    async fn detail_messages_and_a_patch_that_sticks() {
        let server = helpdesk::spawn(config()).await;
        let c = client_for(&server, DEMO_KEY);
        let first = c.list_tickets(&[], 1, 1).await.unwrap().tickets[0].clone();
        let detail = c.ticket(first.id).await.unwrap();
        assert_eq!(detail.ticket.id, first.id);
        let (messages, meta) = c.messages(first.id, 1, 50).await.unwrap();
        assert!(!messages.is_empty());
        assert!(meta.total as usize >= messages.len(), "{meta:?}");
        assert_eq!((meta.page, meta.per_page), (1, 50));

        let target = if first.status == StatusCategory::Closed {
            StatusCategory::Open
        } else {
            StatusCategory::Closed
        };
        let patch = TicketPatch {
            status: Some(target.clone()),
            assignee_id: Some(None),
            ..Default::default()
        };
        let updated = c.update_ticket(first.id, &patch).await.unwrap();
        assert_eq!(updated.ticket.status, target);
        assert_eq!(updated.ticket.assignee_id, None);
        assert_eq!(c.ticket(first.id).await.unwrap().ticket.status, target);

        let e = c.ticket(Uuid::from_u128(0xdead)).await.unwrap_err();
        assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
    }

    /// A server that takes longer than the client's total timeout: a
    /// network error naming the timeout, after one attempt (a timeout has
    /// already spent the budget, so it is not retried).
    ///
    /// On the real clock: reqwest's timeout is what is under test. The
    /// server answers after 60 s and the client gives up after 150 ms; the
    /// bound in between (20 s) only has to tell "timed out" from "waited
    /// for the answer", so a loaded 2-core machine (six builds at once)
    /// cannot make it fail.
    #[tokio::test]
    async fn a_slow_answer_times_out_once() {
        let server = helpdesk::spawn(ServerConfig {
            latency: Duration::from_secs(60),
            ..config()
        })
        .await;
        let mut o = ClientOptions::new(server.base_url(), ApiKey::new(DEMO_KEY));
        o.timeout = Duration::from_millis(150);
        o.backoff = Backoff {
            base: Duration::ZERO,
            cap: Duration::ZERO,
        };
        let c = ApiClient::new(o).expect("valid options");
        let started = std::time::Instant::now();
        let e = c.list_tickets(&[], 1, 5).await.unwrap_err();
        assert!(matches!(e, ApiError::Network(_)), "{e:?}");
        assert!(e.to_string().contains("no answer within"), "{e}");
        assert!(started.elapsed() < Duration::from_secs(20), "{e}");
        assert_eq!(server.request_count(), 1, "a timeout is not retried");
    }

    /// The newcomer's slip: the server's address without `/api/v1`.
    #[tokio::test]
    async fn a_base_url_without_the_api_path_says_so() {
        let server = helpdesk::spawn(config()).await;
        let root = server.base_url().trim_end_matches("/api/v1").to_string();
        let mut o = ClientOptions::new(root, ApiKey::new(DEMO_KEY));
        o.max_get_retries = 0;
        let e = ApiClient::new(o)
            .expect("valid options")
            .list_tickets(&[], 1, 5)
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
        assert_eq!(
            e.to_string(),
            "not found: there is no ticket list at this base URL"
        );
        assert!(e.hint().is_some_and(|h| h.contains("/api/v1")), "{e:?}");
    }

    #[tokio::test]
    async fn auth_errors() {
        let server = helpdesk::spawn(config()).await;
        let e = client_for(&server, "ixk_not_a_real_key")
            .list_tickets(&[], 1, 25)
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Unauthorized { .. }), "{e:?}");
        assert!(!e.to_string().contains("ixk_not_a_real_key"));

        let readonly = client_for(&server, DEMO_READONLY_KEY);
        let id = readonly.list_tickets(&[], 1, 1).await.unwrap().tickets[0].id;
        let e = readonly
            .update_ticket(
                id,
                &TicketPatch {
                    priority: Some(PriorityLevel::Low),
                    ..Default::default()
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::InsufficientScope { .. }), "{e:?}");
        assert!(e.hint().is_some_and(|h| h.contains("read-only")));

        let no_api = helpdesk::spawn(ServerConfig {
            api_access: false,
            ..config()
        })
        .await;
        let e = client_for(&no_api, DEMO_KEY)
            .list_tickets(&[], 1, 25)
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
        assert_eq!(e.hint(), Some("ask a workspace admin to enable API access"));
    }

    #[tokio::test]
    async fn bad_request_names_every_parameter() {
        let server = helpdesk::spawn(config()).await;
        let c = client_for(&server, DEMO_KEY);
        let e = c
            .list_tickets(
                &pairs(&[
                    ("status", "open,sleeping"),
                    ("custom_field_no_such_key", "x"),
                ]),
                1,
                500,
            )
            .await
            .unwrap_err();
        let ApiError::BadRequest { details, .. } = &e else {
            panic!("{e:?}")
        };
        let fields: Vec<&str> = details.iter().map(|d| d.field.as_str()).collect();
        for wanted in ["status", "custom_field_no_such_key", "per_page"] {
            assert!(fields.contains(&wanted), "{wanted} missing in {e}");
        }
        assert!(e.to_string().starts_with("bad request: "), "{e}");
        assert_eq!(e.to_string().matches("; ").count(), details.len() - 1);
    }

    #[tokio::test]
    async fn the_rate_limiter_closes_the_gate() {
        let server = helpdesk::spawn(ServerConfig {
            rate_limit: Some(RateBudget {
                requests: 2,
                per: Duration::from_secs(60),
            }),
            ..config()
        })
        .await;
        let c = client_for(&server, DEMO_KEY);
        c.list_tickets(&[], 1, 5).await.unwrap();
        c.tags().await.unwrap();
        let e = c.list_tickets(&[], 2, 5).await.unwrap_err();
        let ApiError::RateLimited { wait, retry_at } = e else {
            panic!("{e:?}")
        };
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        assert_eq!(server.request_count(), 3);
        // Nothing reaches the server until the instant or an explicit retry.
        assert!(c.users().await.unwrap_err().is_rate_limited());
        assert!(
            c.update_ticket(Uuid::from_u128(1), &TicketPatch::default())
                .await
                .unwrap_err()
                .is_rate_limited()
        );
        assert_eq!(c.rate_limited_until(), Some(retry_at));
        assert_eq!(server.request_count(), 3);
        c.clear_rate_limit();
        assert!(
            c.list_tickets(&[], 1, 5)
                .await
                .unwrap_err()
                .is_rate_limited()
        );
        assert_eq!(server.request_count(), 4, "the override sent exactly one");
    }

    #[tokio::test]
    async fn injected_429_precedence() {
        let server = helpdesk::spawn(config()).await;
        let c = client_for(&server, DEMO_KEY);
        let cases = [
            (Some(30), Some("120".to_string()), 120),
            (Some(900), Some("120".to_string()), 900),
            (
                Some(60),
                Some(httpdate::fmt_http_date(
                    SystemTime::now() + Duration::from_secs(600),
                )),
                600,
            ),
            (None, None, 60),
            (Some(20), Some("in a bit".to_string()), 20),
        ];
        for (body, header, expected) in cases {
            c.clear_rate_limit();
            server.inject_rate_limit(RateLimitFault {
                retry_after: body,
                retry_after_header: header.clone(),
                times: 1,
            });
            let before = server.request_count();
            match c.list_tickets(&[], 1, 5).await {
                Err(ApiError::RateLimited { wait, .. }) => assert_about(wait, expected),
                other => panic!("{body:?}/{header:?}: {other:?}"),
            }
            assert_eq!(server.request_count(), before + 1, "429 is not retried");
        }
    }

    #[tokio::test]
    async fn injected_server_failures() {
        let server = helpdesk::spawn(config()).await;
        let c = client_for(&server, DEMO_KEY);

        server.inject_status(503, "upstream busy".into(), 2);
        assert_eq!(c.list_tickets(&[], 1, 5).await.unwrap().tickets.len(), 5);
        assert_eq!(server.request_count(), 3);

        let html = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx/1.27</body></html>";
        server.inject_status(502, html.into(), 4);
        let e = c.statuses().await.unwrap_err();
        assert_eq!(
            e.to_string(),
            "server answered 502 Bad Gateway: 502 Bad Gateway 502 Bad Gateway nginx/1.27"
        );
        assert_eq!(server.request_count(), 7);

        let id = Uuid::from_u128(1);
        server.inject_status(503, "{}".into(), 1);
        let e = c
            .update_ticket(id, &TicketPatch::default())
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Server { status: 503, .. }), "{e:?}");
        assert_eq!(server.request_count(), 8, "the write went out once");

        server.inject_status(200, r#"{"data": [{"id": "12"#.into(), 1);
        let e = c.list_tickets(&[], 1, 5).await.unwrap_err();
        assert!(matches!(e, ApiError::Decode(_)), "{e:?}");
    }

    #[tokio::test]
    async fn catalog_from_the_companion_endpoints() {
        let server = helpdesk::spawn(config()).await;
        let c = client_for(&server, DEMO_KEY);
        let catalog = load_catalog(&c, &Aliases::default()).await;
        for e in Endpoint::CATALOG {
            assert!(
                matches!(catalog.state(e), EndpointState::Loaded),
                "{e}: {:?}",
                catalog.state(e)
            );
        }
        assert!(catalog.statuses().len() >= 8);
        assert_eq!(catalog.priorities().len(), 4);
        assert!(catalog.tags().len() >= 20);
        let tag = &catalog.tags()[0];
        assert_eq!(catalog.tag_id(&tag.name.to_uppercase()), Some(tag.id));
        assert_eq!(catalog.tag_name(tag.id), Some(tag.name.as_str()));
        let user = &catalog.users()[0];
        assert_eq!(catalog.user_id(&user.name), Some(user.id));
        let field = &catalog.fields()[0];
        assert!(Resolver::field(&catalog, &field.field_key).is_some());
    }

    #[tokio::test]
    async fn catalog_without_companion_endpoints_falls_back() {
        let server = helpdesk::spawn(ServerConfig {
            companion_endpoints: false,
            ..config()
        })
        .await;
        let c = client_for(&server, DEMO_KEY);
        let mut aliases = Aliases::default();
        aliases.tags.insert("vip".into(), Uuid::from_u128(1));
        aliases.users.insert("Ada".into(), Uuid::from_u128(2));
        let mut catalog = load_catalog(&c, &aliases).await;
        for e in Endpoint::CATALOG {
            assert!(!catalog.supports(e), "{e}");
        }
        assert_eq!(catalog.failures().count(), 0);
        assert_eq!(catalog.tag_id("VIP"), Some(Uuid::from_u128(1)));
        assert_eq!(catalog.user_name(Uuid::from_u128(2)), Some("Ada"));
        assert!(catalog.statuses().is_empty());

        let page = c.list_tickets(&[], 1, 100).await.unwrap();
        catalog.learn_from_tickets(&page.tickets);
        assert!(catalog.statuses().len() >= 3, "{:?}", catalog.statuses());
        assert!(catalog.statuses().iter().all(|s| !s.name.is_empty()));
        assert!(!catalog.priorities().is_empty());

        let e = c.messages(page.tickets[0].id, 1, 10).await.unwrap_err();
        assert!(matches!(e, ApiError::NotSupported { .. }), "{e:?}");
    }
}
