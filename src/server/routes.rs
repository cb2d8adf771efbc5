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
use super::query::{pairs, parse_instant, parse_paging_pairs};
use super::state::{Fault, ServerState};
use super::{DEMO_KEY, DEMO_READONLY_KEY};
use crate::api::types::{
    Envelope, ErrorDetail, PageMeta, PriorityLevel, StatusCategory, Ticket, TicketDetail,
};

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
            .route("/tickets/{id}/messages", get(messages));
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

async fn gate(State(state): State<Shared>, request: Request, next: Next) -> Response {
    state.count_request();
    let latency = state.config.latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if let Some(fault) = state.next_fault() {
        return fault_response(fault);
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
fn position(state: &ServerState, id: &str) -> Result<usize, ApiError> {
    let uuid = Uuid::parse_str(id).map_err(|_| ticket_not_found(id))?;
    state
        .read()
        .index
        .positions
        .get(&uuid)
        .map(|&p| p as usize)
        .ok_or_else(|| ticket_not_found(id))
}

async fn ticket(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    let pos = match position(&state, &id) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let detail: Option<TicketDetail> =
        state.with_data(|d| d.tickets.get(pos).map(|t| d.to_detail(t)));
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
    let pos = match position(&state, &id) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let paging = match parse_paging_pairs(&pairs(raw.as_deref())) {
        Ok(p) => p,
        Err(details) => return ApiError::BadRequest(details).into_response(),
    };
    let page = state.with_data(|d| {
        d.tickets.get(pos).map(|t| {
            let skip = (paging.page - 1).saturating_mul(paging.per_page);
            let rows: Vec<_> = t
                .messages
                .iter()
                .skip(usize::try_from(skip).unwrap_or(usize::MAX))
                .take(paging.per_page as usize)
                .map(|m| m.to_wire())
                .collect();
            (rows, t.messages.len() as u64)
        })
    });
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

fn bad(field: &str, message: impl Into<String>) -> ErrorDetail {
    ErrorDetail {
        field: field.to_string(),
        message: message.into(),
    }
}

/// A field that may be absent, `null` or a value.
enum Change<T> {
    Keep,
    Clear,
    Set(T),
}

fn nullable<T>(
    obj: &serde_json::Map<String, Value>,
    field: &str,
    errors: &mut Vec<ErrorDetail>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Change<T> {
    match obj.get(field) {
        None => Change::Keep,
        Some(Value::Null) => Change::Clear,
        Some(Value::String(s)) => match parse(s) {
            Ok(v) => Change::Set(v),
            Err(msg) => {
                errors.push(bad(field, msg));
                Change::Keep
            }
        },
        Some(_) => {
            errors.push(bad(field, "must be a string or null"));
            Change::Keep
        }
    }
}

/// Applies a PATCH body: every field validated (all errors reported), then
/// written at once, so a 400 leaves the ticket untouched.
async fn patch_ticket(
    State(state): State<Shared>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let pos = match position(&state, &id) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
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
    let mut store = state.write();
    let data = &store.data;
    let mut errors = Vec::new();
    let uuid = |s: &str| Uuid::parse_str(s).map_err(|_| format!("'{s}' is not a valid UUID"));

    let status_by_id = match nullable(&obj, "status_id", &mut errors, uuid) {
        Change::Set(sid) => match data.status(sid) {
            Some(s) => Some(s.clone()),
            None => {
                errors.push(bad("status_id", "unknown status"));
                None
            }
        },
        Change::Clear => {
            errors.push(bad("status_id", "cannot be null"));
            None
        }
        Change::Keep => None,
    };
    let category = match nullable(&obj, "status", &mut errors, |s| {
        StatusCategory::parse_known(s).ok_or_else(|| format!("unknown status '{s}'"))
    }) {
        Change::Set(c) => Some(c),
        Change::Clear => {
            errors.push(bad("status", "cannot be null"));
            None
        }
        Change::Keep => None,
    };
    let Some(current) = data.tickets.get(pos) else {
        return ticket_not_found(&id).into_response();
    };
    let new_status = match (status_by_id, category) {
        (Some(s), Some(c)) if s.category != c => {
            errors.push(bad("status", "does not match the category of status_id"));
            None
        }
        (Some(s), _) => Some(s.id),
        (None, Some(c)) => {
            // Keep the custom status when it already has this category.
            if data.category_of(current) == c {
                Some(current.status_id)
            } else {
                data.statuses.iter().find(|s| s.category == c).map(|s| s.id)
            }
        }
        (None, None) => None,
    };

    let priority_by_id = match nullable(&obj, "priority_id", &mut errors, uuid) {
        Change::Set(pid) => match data.priority(pid) {
            Some(p) => Some(p.clone()),
            None => {
                errors.push(bad("priority_id", "unknown priority"));
                None
            }
        },
        Change::Clear => {
            errors.push(bad("priority_id", "cannot be null"));
            None
        }
        Change::Keep => None,
    };
    let level = match nullable(&obj, "priority", &mut errors, |s| {
        PriorityLevel::parse_known(s).ok_or_else(|| format!("unknown priority '{s}'"))
    }) {
        Change::Set(l) => Some(l),
        Change::Clear => {
            errors.push(bad("priority", "cannot be null"));
            None
        }
        Change::Keep => None,
    };
    let new_priority = match (priority_by_id, level) {
        (Some(p), Some(l)) if p.level != l => {
            errors.push(bad("priority", "does not match the level of priority_id"));
            None
        }
        (Some(p), _) => Some(p.id),
        (None, Some(l)) => data.priorities.iter().find(|p| p.level == l).map(|p| p.id),
        (None, None) => None,
    };

    let assignee = match nullable(&obj, "assignee_id", &mut errors, uuid) {
        Change::Set(uid) if !data.users.iter().any(|u| u.id == uid) => {
            errors.push(bad("assignee_id", "unknown user"));
            Change::Keep
        }
        other => other,
    };
    let remind_at = nullable(&obj, "remind_at", &mut errors, |s| {
        parse_instant(s).ok_or_else(|| format!("'{s}' is not an ISO 8601 date-time"))
    });
    let transition = match nullable(&obj, "remind_transition_status_id", &mut errors, uuid) {
        Change::Set(sid) if data.status(sid).is_none() => {
            errors.push(bad("remind_transition_status_id", "unknown status"));
            Change::Keep
        }
        other => other,
    };
    if !errors.is_empty() {
        return ApiError::BadRequest(errors).into_response();
    }

    let leaves_waiting = new_status
        .and_then(|sid| data.status(sid))
        .is_some_and(|s| s.category != StatusCategory::Waiting);
    let store = &mut *store;
    let Some(t) = store.data.tickets.get_mut(pos) else {
        return ticket_not_found(&id).into_response();
    };
    if let Some(sid) = new_status {
        t.status_id = sid;
    }
    if let Some(pid) = new_priority {
        t.priority_id = pid;
    }
    match assignee {
        Change::Set(uid) => t.assignee_id = Some(uid),
        Change::Clear => t.assignee_id = None,
        Change::Keep => {}
    }
    // A reminder belongs to a waiting ticket: leaving `waiting` drops it
    // unless the same request sets one.
    match remind_at {
        Change::Set(at) => t.remind_at = Some(at),
        Change::Clear => t.remind_at = None,
        Change::Keep if leaves_waiting => t.remind_at = None,
        Change::Keep => {}
    }
    match transition {
        Change::Set(sid) => t.remind_transition_status_id = Some(sid),
        Change::Clear => t.remind_transition_status_id = None,
        Change::Keep if leaves_waiting => t.remind_transition_status_id = None,
        Change::Keep => {}
    }
    t.updated_at = now.max(t.updated_at);
    let wire: Ticket = store.data.to_wire(&store.data.tickets[pos]);
    store.index.refresh_columns(&store.data);
    json(Envelope {
        data: wire,
        meta: None,
    })
}
