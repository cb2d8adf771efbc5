//! Error answers in the vendor's shapes (CONTRACT.md §3).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::api::types::{ErrorBody, ErrorDetail, TicketDetail};

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    BadRequest(Vec<ErrorDetail>),
    Unauthorized,
    /// The workspace has no API entitlement.
    Forbidden,
    /// A read-only key tried to write.
    InsufficientScope,
    NotFound(String),
    MethodNotAllowed,
    /// `retry_after_body` goes in `retryAfter`; `header` is sent verbatim as
    /// `Retry-After` (tests use it to send dates or garbage).
    RateLimited {
        retry_after_body: Option<u64>,
        header: Option<String>,
    },
    /// `If-Unmodified-Since` is older than the ticket: nothing changed,
    /// and the answer carries the ticket as it is now (CONTRACT.md §6).
    PreconditionFailed(Box<TicketDetail>),
}

fn body(error: &str, message: &str, code: Value) -> ErrorBody {
    ErrorBody {
        error: Some(Value::String(error.to_string())),
        message: Some(Value::String(message.to_string())),
        code: Some(code),
        ..ErrorBody::default()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, payload, retry_header) = match self {
            ApiError::PreconditionFailed(current) => {
                // `ErrorBody` has no `data`: this one error carries a payload.
                let body = json!({
                    "error": "Precondition Failed",
                    "message": "The ticket changed after the time in If-Unmodified-Since",
                    "code": 412,
                    "data": current,
                });
                return (StatusCode::PRECONDITION_FAILED, axum::Json(body)).into_response();
            }
            ApiError::BadRequest(details) => (
                StatusCode::BAD_REQUEST,
                ErrorBody {
                    details,
                    ..body(
                        "Bad Request",
                        "The request contains invalid parameters or malformed data",
                        json!(400),
                    )
                },
                None,
            ),
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                body(
                    "Unauthorized",
                    "Authentication required. Please provide a valid API token",
                    json!(401),
                ),
                None,
            ),
            ApiError::Forbidden => (
                StatusCode::FORBIDDEN,
                body(
                    "Forbidden",
                    "You don't have permission to access this resource",
                    json!(403),
                ),
                None,
            ),
            ApiError::InsufficientScope => (
                StatusCode::FORBIDDEN,
                body(
                    "Forbidden",
                    "insufficient_scope: this API key is read-only",
                    json!("insufficient_scope"),
                ),
                None,
            ),
            ApiError::NotFound(what) => (
                StatusCode::NOT_FOUND,
                body("Not Found", &what, json!(404)),
                None,
            ),
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                body(
                    "Method Not Allowed",
                    "This method is not supported on this resource",
                    json!(405),
                ),
                None,
            ),
            ApiError::RateLimited {
                retry_after_body,
                header,
            } => (
                StatusCode::TOO_MANY_REQUESTS,
                ErrorBody {
                    retry_after: retry_after_body.map(Value::from),
                    ..body(
                        "Too Many Requests",
                        "Rate limit exceeded. Please try again later",
                        json!(429),
                    )
                },
                header,
            ),
        };
        let mut response = (status, axum::Json(payload)).into_response();
        if let Some(h) = retry_header.and_then(|h| HeaderValue::from_str(&h).ok()) {
            response.headers_mut().insert(header::RETRY_AFTER, h);
        }
        response
    }
}
