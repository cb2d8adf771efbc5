//! HTTP routes under `/api/v1`, and the gate every request passes first:
//! counting, latency, injected faults, auth, entitlement, rate limit, scope.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::errors::ApiError;
use super::new_message;
use super::patch::{self, bad};
use super::query::{pairs, parse_paging_pairs};
use super::state::{Fault, ServerState, Store};
use super::{DEMO_KEY, DEMO_READONLY_KEY};
use crate::api::types::{Envelope, PageMeta, TicketDetail};

type Shared = Arc<ServerState>;

/// The whole application: `/api/v1/...`, JSON 404/405 for anything else.
pub fn router(state: Shared) -> Router {
    let mut api = Router::new().route("/tickets", get(list_tickets));
    if state.config.companion_endpoints {
        api = api
            .route("/statuses", get(statuses))
            .route("/priorities", get(priorities))
            .route("/tags", get(tags))
            .route("/inboxes", get(inboxes))
            .route("/users", get(users))
            .route("/ticket-fields", get(ticket_fields))
            .route("/tickets/{id}", get(ticket).patch(patch_ticket))
            .route("/tickets/{id}/messages", get(messages).post(post_message))
            .route("/contacts/{id}", get(contact));
    }
    Router::new()
        .nest("/api/v1", api)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), gate))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::NotFound("No such resource".to_string())
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

enum Access {
    ReadWrite,
    ReadOnly,
}

fn access(headers: &HeaderMap) -> Option<Access> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    match key.trim() {
        DEMO_KEY => Some(Access::ReadWrite),
        DEMO_READONLY_KEY => Some(Access::ReadOnly),
        _ => None,
    }
}

fn fault_response(fault: Fault) -> Response {
    match fault {
        Fault::RateLimit {
            retry_after,
            header,
        } => ApiError::RateLimited {
            retry_after_body: retry_after,
            header,
        }
        .into_response(),
        Fault::Status { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let trimmed = body.trim_start();
            let content_type = if trimmed.starts_with('{') || trimmed.starts_with('[') {
                "application/json"
            } else if trimmed.starts_with('<') {
                "text/html; charset=utf-8"
            } else {
                "text/plain; charset=utf-8"
            };
            (
                status,
                [(header::CONTENT_TYPE, content_type)],
                Body::from(body),
            )
                .into_response()
        }
    }
}

/// Order matters and is part of the server's behaviour:
/// 1. every request is counted and delayed by `latency`;
/// 2. an injected fault answers before anything else (tests use it to
///    script 429s and 5xx pages regardless of key or route); a route's own
///    fault (`route_fault.rs`) waits and may answer next;
/// 3. a missing or unknown key is 401, even without entitlement, since the
///    key is what names the workspace;
/// 4. a workspace without API access is 403 `forbidden` for every key;
/// 5. then the key's rate budget, then the read-only scope on writes.
async fn gate(State(state): State<Shared>, request: Request, next: Next) -> Response {
    state.count_request(request.method().as_str(), request.uri().path());
    let latency = state.config.latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if let Some(fault) = state.next_fault() {
        return fault_response(fault);
    }
    if let Some(fault) = state.next_route_fault(request.method().as_str(), request.uri().path()) {
        tokio::time::sleep(fault.delay).await;
        if let Some(status) = fault.status {
            let body =
                format!(r#"{{"error":"injected","message":"injected fault","code":{status}}}"#);
            return fault_response(Fault::Status { status, body });
        }
    }
    let Some(access) = access(request.headers()) else {
        return ApiError::Unauthorized.into_response();
    };
    if !state.config.api_access {
        return ApiError::Forbidden.into_response();
    }
    if let Some(budget) = state.config.rate_limit {
        let key = match access {
            Access::ReadWrite => DEMO_KEY,
            Access::ReadOnly => DEMO_READONLY_KEY,
        };
        if let Err(seconds) = state.admit(key, budget) {
            return ApiError::RateLimited {
                retry_after_body: Some(seconds),
                header: Some(seconds.to_string()),
            }
            .into_response();
        }
    }
    let writes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if writes && matches!(access, Access::ReadOnly) {
        return ApiError::InsufficientScope.into_response();
    }
    next.run(request).await
}

fn json<T: Serialize>(value: T) -> Response {
    axum::Json(value).into_response()
}

fn catalog<T: Serialize>(items: Vec<T>) -> Response {
    json(Envelope {
        data: items,
        meta: None,
    })
}

async fn list_tickets(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    match state.list_tickets(raw.as_deref()) {
        Ok(envelope) => json(envelope),
        Err(e) => e.into_response(),
    }
}

async fn statuses(State(state): State<Shared>) -> Response {
    catalog(state.with_data(|d| d.statuses.clone()))
}

async fn priorities(State(state): State<Shared>) -> Response {
    catalog(state.with_data(|d| d.priorities.clone()))
}

async fn tags(State(state): State<Shared>) -> Response {
    catalog(state.with_data(|d| d.tags.clone()))
}

async fn inboxes(State(state): State<Shared>) -> Response {
    catalog(state.with_data(|d| d.inboxes.clone()))
}

async fn users(State(state): State<Shared>) -> Response {
    catalog(state.with_data(|d| d.users.clone()))
}

async fn ticket_fields(State(state): State<Shared>) -> Response {
    catalog(state.with_data(|d| d.fields.clone()))
}

fn ticket_not_found(id: &str) -> ApiError {
    let shown: String = id.chars().take(64).collect();
    ApiError::NotFound(format!("No ticket with id '{shown}'"))
}

/// Position of a ticket by its path id; malformed ids are simply not found.
/// Looked up under the same lock guard as the use that follows, so a
/// concurrent rebuild cannot shift positions in between.
fn position(store: &Store, id: &str) -> Result<usize, ApiError> {
    let uuid = Uuid::parse_str(id).map_err(|_| ticket_not_found(id))?;
    store
        .index
        .positions
        .get(&uuid)
        .map(|&p| p as usize)
        .ok_or_else(|| ticket_not_found(id))
}

async fn ticket(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    let detail: Option<TicketDetail> = {
        let store = state.read();
        let pos = match position(&store, &id) {
            Ok(p) => p,
            Err(e) => return e.into_response(),
        };
        let d = &store.data;
        d.tickets.get(pos).map(|t| d.to_detail(t))
    };
    match detail {
        Some(d) => json(Envelope {
            data: d,
            meta: None,
        }),
        None => ticket_not_found(&id).into_response(),
    }
}

async fn messages(
    State(state): State<Shared>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let paging = match parse_paging_pairs(&pairs(raw.as_deref())) {
        Ok(p) => p,
        Err(details) => return ApiError::BadRequest(details).into_response(),
    };
    let page = {
        let store = state.read();
        let pos = match position(&store, &id) {
            Ok(p) => p,
            Err(e) => return e.into_response(),
        };
        store.data.tickets.get(pos).map(|t| {
            let skip = paging
                .page
                .saturating_sub(1)
                .saturating_mul(paging.per_page);
            let rows: Vec<_> = t
                .messages
                .iter()
                .skip(usize::try_from(skip).unwrap_or(usize::MAX))
                .take(paging.per_page as usize)
                .map(|m| m.to_wire())
                .collect();
            (rows, t.messages.len() as u64)
        })
    };
    match page {
        Some((rows, total)) => json(Envelope {
            data: rows,
            meta: Some(PageMeta {
                page: paging.page,
                per_page: paging.per_page,
                total,
            }),
        }),
        None => ticket_not_found(&id).into_response(),
    }
}

async fn contact(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    let found = Uuid::parse_str(&id).ok().and_then(|uuid| {
        state.with_data(|d| {
            d.contacts
                .iter()
                .find(|c| c.id == uuid)
                .map(|c| c.to_wire())
        })
    });
    match found {
        Some(c) => json(Envelope {
            data: c,
            meta: None,
        }),
        None => {
            let shown: String = id.chars().take(64).collect();
            ApiError::NotFound(format!("No contact with id '{shown}'")).into_response()
        }
    }
}

/// The second `If-Unmodified-Since` names, if it is a valid HTTP-date.
/// RFC 9110 §13.1.4: a recipient ignores an invalid date, so a garbled
/// header means "no precondition", not an error.
fn unmodified_since(headers: &HeaderMap) -> Option<i64> {
    let value = headers.get(header::IF_UNMODIFIED_SINCE)?.to_str().ok()?;
    let at = httpdate::parse_http_date(value.trim()).ok()?;
    let secs = at.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    i64::try_from(secs).ok()
}

/// Applies a PATCH body (see `patch.rs`) and answers the updated ticket
/// with its tags and custom fields (the detail's shape). With
/// `If-Unmodified-Since`, a ticket changed in a later second than the
/// header answers 412 with the ticket as it is, and nothing changes. Both
/// sides are cut to the second, as HTTP-dates are: a change in the same
/// second as the client's read passes (the header cannot say otherwise).
/// The check comes after the body is validated, so a malformed request is
/// a 400 whatever its precondition (RFC 9110 §13.2.1).
async fn patch_ticket(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let obj = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(obj)) => obj,
        Ok(_) => {
            return ApiError::BadRequest(vec![bad("body", "must be a JSON object")])
                .into_response();
        }
        Err(e) => {
            return ApiError::BadRequest(vec![bad("body", format!("invalid JSON: {e}"))])
                .into_response();
        }
    };
    let now = state.clock();
    let mut guard = state.write();
    let store = &mut *guard;
    let pos = match position(store, &id) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let Some(current) = store.data.tickets.get(pos) else {
        return ticket_not_found(&id).into_response();
    };
    let patch = match patch::validate(&obj, &store.data, current) {
        Ok(p) => p,
        Err(details) => return ApiError::BadRequest(details).into_response(),
    };
    if let Some(since) = unmodified_since(&headers)
        && current.updated_at.timestamp() > since
    {
        let detail = store.data.to_detail(current);
        return ApiError::PreconditionFailed(Box::new(detail)).into_response();
    }
    let Some(t) = store.data.tickets.get_mut(pos) else {
        return ticket_not_found(&id).into_response();
    };
    patch.apply(t, now);
    store.index.ticket_changed(&store.data, pos);
    let Some(row) = store.data.tickets.get(pos).map(|t| store.data.to_detail(t)) else {
        return ticket_not_found(&id).into_response();
    };
    json(Envelope {
        data: row,
        meta: None,
    })
}

/// Appends a note or a reply (see `new_message.rs`); answers 201 with it.
async fn post_message(
    State(state): State<Shared>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let obj = match json_object(&body) {
        Ok(obj) => obj,
        Err(e) => return e.into_response(),
    };
    let now = state.clock();
    let mut guard = state.write();
    let store = &mut *guard;
    let pos = match position(store, &id) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let message = match new_message::validate(&obj) {
        Ok(m) => m,
        Err(details) => return ApiError::BadRequest(details).into_response(),
    };
    let Some(t) = store.data.tickets.get_mut(pos) else {
        return ticket_not_found(&id).into_response();
    };
    let stored = message.append(t, now);
    // Searchable at once, and sorted by its new `updated_at`.
    store.index.ticket_text_grew(&store.data, pos);
    (
        StatusCode::CREATED,
        axum::Json(Envelope {
            data: stored.to_wire(),
            meta: None,
        }),
    )
        .into_response()
}

/// A request body that must be one JSON object.
fn json_object(body: &[u8]) -> Result<serde_json::Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(obj)) => Ok(obj),
        Ok(_) => Err(ApiError::BadRequest(vec![bad(
            "body",
            "must be a JSON object",
        )])),
        Err(e) => Err(ApiError::BadRequest(vec![bad(
            "body",
            format!("invalid JSON: {e}"),
        )])),
    }
}
