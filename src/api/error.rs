//! What can go wrong talking to the helpdesk, as values the UI can show
//! (CONTRACT.md §3), and the mapping from an HTTP answer to one of them.
//!
//! Every string inside an `ApiError` has already been sanitized and cut
//! short, and scrubbed of the API key, so `Display` is safe to print
//! anywhere: terminal, log file, stderr after the terminal is restored.

use std::time::Duration;

use reqwest::StatusCode;

pub use crate::api::types::ErrorDetail;
use crate::api::types::{ErrorBody, UpdatedTicket};
use crate::text;

/// Longest excerpt of a server body kept in an error.
pub const EXCERPT_CHARS: usize = 200;

#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// 400: every `details[]` entry, each naming the offending parameter.
    #[error("{}", bad_request_line(message, details))]
    BadRequest {
        message: String,
        details: Vec<ErrorDetail>,
    },
    /// 401: missing, invalid or revoked key.
    #[error("unauthorized: {message}")]
    Unauthorized { message: String },
    /// 403 `forbidden`: the workspace has no API entitlement.
    #[error("forbidden: {message}")]
    Forbidden { message: String },
    /// 403 `insufficient_scope`: a read-only key tried to write.
    #[error("insufficient scope: {message}")]
    InsufficientScope { message: String },
    /// 404 on a route that exists: the ticket is gone, or the base URL is wrong.
    #[error("not found: {message}")]
    NotFound { message: String },
    /// A companion endpoint (CONTRACT.md §6) answered 404 or 405: the server
    /// simply lacks it. Not a failure; the caller falls back.
    #[error("{endpoint} is not supported by this server")]
    NotSupported { endpoint: String },
    /// 429, or a request refused locally because an earlier 429's retry
    /// instant has not passed yet. `wait` is measured when the error is made.
    #[error("rate limited by the server: retry in {}", whole_seconds(*wait))]
    RateLimited {
        retry_at: tokio::time::Instant,
        wait: Duration,
    },
    /// 412 on a write with `If-Unmodified-Since`: someone changed the
    /// ticket after it was read; nothing was applied. `current` is the
    /// ticket as the server has it now (sanitized like any answer).
    #[error("changed by someone else since it was loaded")]
    Conflict { current: Box<UpdatedTicket> },
    /// Any other non-2xx answer.
    #[error("{}", server_line(*status, excerpt))]
    Server { status: u16, excerpt: String },
    /// No answer: connection refused, DNS, TLS, timeout, reset.
    #[error("network error: {0}")]
    Network(String),
    /// A 2xx answer that is not the JSON we expect (truncated, HTML, ...).
    #[error("could not read the server's answer: {0}")]
    Decode(String),
    /// The client was set up wrong (base URL, key); nothing was sent.
    #[error("{0}")]
    Config(String),
}

impl ApiError {
    /// What the user can do about it, one short line.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self {
            ApiError::BadRequest { .. } => "check the filter: the server named what it rejected",
            ApiError::Unauthorized { .. } => "check TRIAGE_API_KEY or api_key_cmd",
            ApiError::Forbidden { .. } => "ask a workspace admin to enable API access",
            ApiError::InsufficientScope { .. } => {
                "this key is read-only: use a key with write access to change tickets"
            }
            ApiError::NotFound { .. } => {
                "check the base URL (it usually ends in /api/v1), or the ticket was deleted"
            }
            ApiError::NotSupported { .. } => return None,
            ApiError::Conflict { .. } => {
                "look at what changed, then apply yours anyway or keep theirs"
            }
            ApiError::RateLimited { .. } => "wait for the countdown, or retry now to override",
            ApiError::Server { .. } => "the server failed: try again later",
            ApiError::Network(_) => "check the base URL and your connection",
            ApiError::Decode(_) => {
                "the answer is not the helpdesk API's JSON: check the base URL (it usually ends in /api/v1)"
            }
            ApiError::Config(_) => return None,
        })
    }

    /// True for the 429 family, the one error that blocks every request.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, ApiError::RateLimited { .. })
    }
}

fn whole_seconds(d: Duration) -> String {
    let secs = text::ceil_secs(d);
    // Short waits read best as seconds; longer ones as the same clock the
    // UI's countdown shows.
    if secs < 120 {
        format!("{secs}s")
    } else {
        text::clock(secs)
    }
}

fn bad_request_line(message: &str, details: &[ErrorDetail]) -> String {
    if details.is_empty() {
        return format!("bad request: {message}");
    }
    let parts: Vec<String> = details
        .iter()
        .map(|d| match (d.field.is_empty(), d.message.is_empty()) {
            (false, false) => format!("{}: {}", d.field, d.message),
            (false, true) => format!("{}: invalid", d.field),
            (true, _) => d.message.clone(),
        })
        .collect();
    format!("bad request: {}", parts.join("; "))
}

fn server_line(status: u16, excerpt: &str) -> String {
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("error");
    if excerpt.is_empty() {
        format!("server answered {status} {reason}")
    } else {
        format!("server answered {status} {reason}: {excerpt}")
    }
}

/// Which kind of route a request went to; decides what 404/405 mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RouteKind {
    /// `GET /tickets`: the one route every helpdesk has, so a 404 means the
    /// base URL points somewhere else.
    List,
    /// `GET/PATCH /tickets/{id}`: a 404 is "not found".
    Core,
    /// A companion list (statuses, ..., ticket-fields, messages): 404/405
    /// mean the server lacks it.
    Companion,
}

/// Something that scrubs the API key out of server-provided text, in case a
/// server echoes the token back in an error message.
pub(crate) struct Scrub<'a>(pub &'a str);

/// Bytes of a long body read for an excerpt: enough for the text of an
/// HTML error page's start, far more than an excerpt keeps.
pub(crate) const BODY_WINDOW: usize = 4096;

/// What replaces the key wherever a server quotes it.
const REDACTED: &str = "ixk_…redacted";

impl Scrub<'_> {
    /// Nothing to scrub: for decoding without a client (benches).
    pub(crate) const NONE: Scrub<'static> = Scrub("");

    /// Sanitizes, scrubs, then cuts to [`EXCERPT_CHARS`].
    pub(crate) fn clean(&self, s: &str) -> String {
        self.excerpt(s, EXCERPT_CHARS)
    }

    /// Sanitizes, scrubs, then cuts to `max_chars`. The key is replaced
    /// before the text is cut, or a key straddling the cut would leave its
    /// first characters behind; and after sanitizing, so a key split by
    /// invisible characters (which sanitizing removes) is found too.
    pub(crate) fn excerpt(&self, s: &str, max_chars: usize) -> String {
        text::excerpt(&self.redact(&text::sanitize(s)), max_chars)
    }

    /// Like [`excerpt`](Self::excerpt) for `head`, the first
    /// [`BODY_WINDOW`] bytes of a longer body (`cut`): the key may go on
    /// past the window's end, so a start of the key ending `head` is
    /// dropped as well.
    pub(crate) fn head_excerpt(&self, head: &str, cut: bool, max_chars: usize) -> String {
        let clean = self.redact(&text::sanitize(head));
        let kept = if cut {
            self.without_trailing_key_start(&clean)
        } else {
            &clean
        };
        text::excerpt(kept, max_chars)
    }

    fn redact(&self, clean: &str) -> String {
        if self.guards() && clean.contains(self.0) {
            clean.replace(self.0, REDACTED)
        } else {
            clean.to_string()
        }
    }

    fn without_trailing_key_start<'s>(&self, s: &'s str) -> &'s str {
        if !self.guards() {
            return s;
        }
        (1..self.0.len())
            .rev()
            .filter_map(|n| self.0.get(..n))
            .find_map(|start| s.strip_suffix(start))
            .unwrap_or(s)
    }

    /// A key this short would match ordinary words; none is that short.
    fn guards(&self) -> bool {
        self.0.len() >= 4
    }
}

/// The first [`BODY_WINDOW`] bytes of `body` as text, and whether that is
/// less than all of it. A character cut in half by the window is left out
/// rather than decoded as `�`, which would hide a key's start behind it.
pub(crate) fn body_head(body: &[u8]) -> (std::borrow::Cow<'_, str>, bool) {
    if body.len() <= BODY_WINDOW {
        return (String::from_utf8_lossy(body), false);
    }
    let mut end = BODY_WINDOW;
    // UTF-8 continuation bytes are 0b10xxxxxx; a character has at most 3.
    for _ in 0..3 {
        if body[end] & 0xC0 != 0x80 {
            break;
        }
        end -= 1;
    }
    (String::from_utf8_lossy(&body[..end]), true)
}

/// Maps a non-2xx answer that is not a 429 (handled by the client, which
/// owns the clock) to an error. `endpoint` names the route for
/// `NotSupported`, e.g. `GET /statuses`.
pub(crate) fn classify(
    status: StatusCode,
    body: &[u8],
    route: RouteKind,
    endpoint: &str,
    scrub: &Scrub<'_>,
) -> ApiError {
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let message = parsed
        .as_ref()
        .and_then(|b| value_text(b.message.as_ref()).or_else(|| value_text(b.error.as_ref())))
        .map(|m| scrub.clean(&m))
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| default_message(status).to_string());

    match status.as_u16() {
        400 => ApiError::BadRequest {
            message,
            details: parsed
                .map(|b| {
                    b.details
                        .into_iter()
                        .map(|d| ErrorDetail {
                            field: scrub.clean(&d.field),
                            message: scrub.clean(&d.message),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        },
        401 => ApiError::Unauthorized { message },
        403 => {
            if parsed
                .as_ref()
                .is_some_and(|b| mentions(b, "insufficient_scope"))
            {
                ApiError::InsufficientScope { message }
            } else {
                ApiError::Forbidden { message }
            }
        }
        404 | 405 if route == RouteKind::Companion => ApiError::NotSupported {
            endpoint: endpoint.to_string(),
        },
        405 => ApiError::NotSupported {
            endpoint: endpoint.to_string(),
        },
        404 if route == RouteKind::List => ApiError::NotFound {
            message: "there is no ticket list at this base URL".into(),
        },
        404 => ApiError::NotFound { message },
        code => ApiError::Server {
            status: code,
            excerpt: body_excerpt(body, parsed.as_ref(), scrub),
        },
    }
}

/// Said when the server's body has no message of its own.
fn default_message(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "the server rejected the request",
        401 => "the server did not accept the API key",
        403 => "access denied",
        404 => "no such resource",
        _ => "no message",
    }
}

/// A JSON error's message when there is one, else the start of the raw
/// body (an HTML page from a proxy, plain text, ...).
fn body_excerpt(body: &[u8], parsed: Option<&ErrorBody>, scrub: &Scrub<'_>) -> String {
    if let Some(m) =
        parsed.and_then(|b| value_text(b.message.as_ref()).or_else(|| value_text(b.error.as_ref())))
    {
        return scrub.clean(&m);
    }
    let (head, cut) = body_head(body);
    scrub.head_excerpt(&strip_markup(&head), cut, EXCERPT_CHARS)
}

/// Drops HTML tags and collapses whitespace so a proxy's error page reads
/// as its text ("502 Bad Gateway nginx") rather than as `<html><head>`.
fn strip_markup(s: &str) -> String {
    if !s.trim_start().starts_with('<') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn value_text(v: Option<&serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Whether a problem code such as `insufficient_scope` appears in `code`,
/// `error` or `message`, as a string or inside one ("Insufficient scope:
/// this key is read-only"). Case, `_`, `-` and spaces are not significant.
fn mentions(body: &ErrorBody, word: &str) -> bool {
    let wanted = normalize(word);
    [&body.code, &body.error, &body.message]
        .into_iter()
        .filter_map(|v| value_text(v.as_ref()))
        .any(|s| normalize(&s).contains(&wanted))
}

fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Describes a transport failure without its URL's query (which may hold
/// search text) and with its causes, e.g. "could not connect: Connection
/// refused (os error 111)".
pub(crate) fn network_error(e: &reqwest::Error, timeout: Duration) -> ApiError {
    let kind = if e.is_timeout() {
        format!("no answer within {}", whole_seconds(timeout))
    } else if e.is_connect() {
        "could not connect".to_string()
    } else if e.is_redirect() {
        "redirect refused".to_string()
    } else {
        "the connection failed".to_string()
    };
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let line = s.to_string();
        if !causes.contains(&line) {
            causes.push(line);
        }
        source = s.source();
    }
    let detail = if causes.is_empty() {
        kind
    } else {
        format!("{kind}: {}", causes.join(": "))
    };
    ApiError::Network(text::excerpt(&detail, EXCERPT_CHARS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const KEY: &str = "ixk_live_supersecret";

    fn run(status: u16, body: serde_json::Value, route: RouteKind) -> ApiError {
        classify(
            StatusCode::from_u16(status).unwrap(),
            body.to_string().as_bytes(),
            route,
            "GET /statuses",
            &Scrub(KEY),
        )
    }

    #[test]
    fn forbidden_versus_insufficient_scope_wherever_the_word_is() {
        let core = RouteKind::Core;
        let scope_bodies = [
            json!({"error": "insufficient_scope", "message": "read-only key", "code": 403}),
            json!({"error": "Forbidden", "message": "x", "code": "insufficient_scope"}),
            json!({"error": "Forbidden", "message": "Insufficient scope: this key is read-only", "code": 403}),
            json!({"code": "INSUFFICIENT-SCOPE"}),
        ];
        for b in scope_bodies {
            assert!(
                matches!(
                    run(403, b.clone(), core),
                    ApiError::InsufficientScope { .. }
                ),
                "{b}"
            );
        }
        let forbidden_bodies = [
            json!({"error": "Forbidden", "message": "You don't have permission to access this resource", "code": 403}),
            json!({"error": "forbidden", "code": "403"}),
            json!({"code": "forbidden"}),
            json!("not even an object"),
        ];
        for b in forbidden_bodies {
            assert!(
                matches!(run(403, b.clone(), core), ApiError::Forbidden { .. }),
                "{b}"
            );
        }
    }

    #[test]
    fn bad_request_lists_every_detail() {
        let e = run(
            400,
            json!({"error": "Bad Request", "message": "invalid", "code": 400, "details": [
                {"field": "per_page", "message": "must be between 1 and 100"},
                {"field": "custom_field_plan", "message": "unknown custom field key"}
            ]}),
            RouteKind::Core,
        );
        assert_eq!(
            e.to_string(),
            "bad request: per_page: must be between 1 and 100; custom_field_plan: unknown custom field key"
        );
        let bare = run(400, json!({"message": "nope"}), RouteKind::Core);
        assert_eq!(bare.to_string(), "bad request: nope");
    }

    #[test]
    fn not_found_versus_not_supported() {
        assert!(matches!(
            run(404, json!({}), RouteKind::Core),
            ApiError::NotFound { .. }
        ));
        for s in [404, 405] {
            let e = run(s, json!({}), RouteKind::Companion);
            assert_eq!(
                e.to_string(),
                "GET /statuses is not supported by this server"
            );
        }
        assert!(matches!(
            run(405, json!({}), RouteKind::Core),
            ApiError::NotSupported { .. }
        ));
    }

    #[test]
    fn html_page_becomes_short_clean_text() {
        let page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\n<body>\u{1b}[31m<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>".to_string()
            + &"x".repeat(1000)
            + "</body></html>";
        let e = classify(
            StatusCode::BAD_GATEWAY,
            page.as_bytes(),
            RouteKind::Core,
            "GET /tickets",
            &Scrub(KEY),
        );
        let ApiError::Server { status, excerpt } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(*status, 502);
        assert!(excerpt.starts_with("502 Bad Gateway "), "{excerpt}");
        assert!(excerpt.contains("nginx"), "{excerpt}");
        assert!(!excerpt.contains('<'), "{excerpt}");
        assert!(excerpt.chars().count() <= EXCERPT_CHARS);
        assert!(!excerpt.contains('\u{1b}'));
        assert!(
            e.to_string()
                .starts_with("server answered 502 Bad Gateway: ")
        );
    }

    #[test]
    fn echoed_key_is_scrubbed() {
        let e = run(
            401,
            json!({"message": format!("token {KEY} is revoked")}),
            RouteKind::Core,
        );
        let shown = e.to_string();
        assert!(!shown.contains(KEY), "{shown}");
        assert!(!format!("{e:?}").contains(KEY));
        assert_eq!(shown, "unauthorized: token ixk_…redacted is revoked");
    }

    #[test]
    fn a_key_cut_by_the_excerpt_leaves_nothing_behind() {
        // The key starts a few characters before the excerpt's end: cutting
        // first and scrubbing second would keep "ixk_live_su".
        let padding = "x".repeat(EXCERPT_CHARS - 13);
        let e = run(
            401,
            json!({"message": format!("{padding} {KEY} is revoked")}),
            RouteKind::Core,
        );
        let shown = e.to_string();
        assert!(!shown.contains("ixk_live"), "{shown}");

        // A key split by a zero-width space is still the key once sanitized.
        let hidden = "bad token ixk_live_\u{200b}supersecret";
        let e = run(401, json!({ "message": hidden }), RouteKind::Core);
        assert!(!e.to_string().contains("supersecret"), "{e}");
    }

    #[test]
    fn a_body_head_never_ends_in_half_a_character() {
        let body = format!("{}é and more", "a".repeat(BODY_WINDOW - 1));
        let (head, cut) = body_head(body.as_bytes());
        assert!(cut);
        assert_eq!(head, "a".repeat(BODY_WINDOW - 1));
        let (whole, cut) = body_head(b"short");
        assert_eq!((whole.as_ref(), cut), ("short", false));
        // The start of the key ending a cut head goes; a whole word stays.
        let s = Scrub(KEY);
        assert_eq!(s.head_excerpt("token ixk_live_su", true, 100), "token");
        assert_eq!(
            s.head_excerpt("token ixk_live_su", false, 100),
            "token ixk_live_su"
        );
        assert_eq!(s.head_excerpt("plain words", true, 100), "plain words");
    }

    #[test]
    fn rate_limit_line_counts_whole_seconds() {
        let e = ApiError::RateLimited {
            retry_at: tokio::time::Instant::now(),
            wait: Duration::from_millis(41_200),
        };
        assert_eq!(e.to_string(), "rate limited by the server: retry in 42s");
        let long = ApiError::RateLimited {
            retry_at: tokio::time::Instant::now(),
            wait: Duration::from_secs(3600),
        };
        assert_eq!(
            long.to_string(),
            "rate limited by the server: retry in 1:00:00"
        );
    }

    #[test]
    fn every_kind_has_a_hint_or_deliberately_none() {
        assert_eq!(
            ApiError::Unauthorized {
                message: String::new()
            }
            .hint(),
            Some("check TRIAGE_API_KEY or api_key_cmd")
        );
        assert_eq!(
            ApiError::Forbidden {
                message: String::new()
            }
            .hint(),
            Some("ask a workspace admin to enable API access")
        );
        assert!(
            ApiError::InsufficientScope {
                message: String::new()
            }
            .hint()
            .is_some_and(|h| h.contains("read-only"))
        );
    }
}
