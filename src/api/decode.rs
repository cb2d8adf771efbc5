//! Turning a 2xx body into wire types, leniently (CONTRACT.md §2): one
//! malformed ticket is skipped and counted, not a failed page; a missing
//! `meta` is derived; a body that is not JSON at all is a `Decode` error
//! with a short, sanitized reason, never a panic.
//!
//! A reason may quote the body (its start, or a string serde found where an
//! object belongs), and a misrouted base URL (an echo service, a debugging
//! proxy) can answer 200 with our own request, key included: reasons are
//! scrubbed of the key before they are cut short, never after, so a key
//! straddling the cut leaves nothing behind.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::api::error::{ApiError, Scrub, body_head};
use crate::api::types::{Envelope, PageMeta, Ticket};

/// One page of `GET /tickets`.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketPage {
    pub tickets: Vec<Ticket>,
    pub meta: PageMeta,
    /// Rows of `data` that were not tickets (no usable `id`, not an
    /// object, ...) and were left out of `tickets`.
    pub skipped: usize,
}

/// Decodes a `GET /tickets` page as the client does. `page`/`per_page` are
/// what was asked for; they fill in a missing or partial `meta`.
pub fn decode_ticket_page(body: &[u8], page: u64, per_page: u64) -> Result<TicketPage, ApiError> {
    ticket_page(body, page, per_page, &Scrub::NONE)
}

/// [`decode_ticket_page`], scrubbing `scrub`'s key out of an error.
pub(crate) fn ticket_page(
    body: &[u8],
    page: u64,
    per_page: u64,
    scrub: &Scrub<'_>,
) -> Result<TicketPage, ApiError> {
    // Fast path: a well-formed page decodes in one pass, about twice as
    // fast as going through `Value`s (benches/decode.rs). Field-level
    // surprises are already absorbed by the lenient `Ticket`; only a row
    // that is not a ticket at all sends us down the row-by-row path.
    if let Ok(envelope) = serde_json::from_slice::<Envelope<Vec<Ticket>>>(body) {
        let rows = envelope.data.len();
        return Ok(TicketPage {
            tickets: envelope.data,
            meta: complete_page_meta(envelope.meta, page, per_page, rows),
            skipped: 0,
        });
    }
    let (rows, meta) = raw_page(body, page, per_page, scrub)?;
    let total_rows = rows.len();
    let tickets: Vec<Ticket> = rows
        .into_iter()
        .filter_map(|row| serde_json::from_value(row).ok())
        .collect();
    let skipped = total_rows - tickets.len();
    if skipped > 0 {
        tracing::debug!(skipped, "skipped malformed ticket rows");
    }
    Ok(TicketPage {
        tickets,
        meta,
        skipped,
    })
}

/// The rows of a paginated list exactly as the server sent them, with the
/// page's `meta` (derived when absent).
pub fn decode_raw_page(
    body: &[u8],
    page: u64,
    per_page: u64,
) -> Result<(Vec<Value>, PageMeta), ApiError> {
    raw_page(body, page, per_page, &Scrub::NONE)
}

/// [`decode_raw_page`], scrubbing `scrub`'s key out of an error.
pub(crate) fn raw_page(
    body: &[u8],
    page: u64,
    per_page: u64,
    scrub: &Scrub<'_>,
) -> Result<(Vec<Value>, PageMeta), ApiError> {
    let (rows, meta) = split_envelope(parse(body, scrub)?, scrub)?;
    let meta = complete_meta(meta, page, per_page, rows.len());
    Ok((rows, meta))
}

/// A companion list (`GET /statuses`, ...): elements that do not decode are
/// skipped. Returns the list, the `meta` if any, and the skip count.
pub(crate) fn decode_list<T: DeserializeOwned>(
    body: &[u8],
    scrub: &Scrub<'_>,
) -> Result<(Vec<T>, Option<Value>, usize), ApiError> {
    let (rows, meta) = split_envelope(parse(body, scrub)?, scrub)?;
    let total = rows.len();
    let items: Vec<T> = rows
        .into_iter()
        .filter_map(|row| serde_json::from_value(row).ok())
        .collect();
    let skipped = total - items.len();
    Ok((items, meta, skipped))
}

/// A single object, `{"data": {...}}` or (tolerated) the bare object.
pub(crate) fn decode_one<T: DeserializeOwned>(
    body: &[u8],
    what: &str,
    scrub: &Scrub<'_>,
) -> Result<T, ApiError> {
    let value = match parse(body, scrub)? {
        Value::Object(mut obj) if obj.get("data").is_some_and(Value::is_object) => {
            obj.remove("data").unwrap_or(Value::Null)
        }
        other => other,
    };
    serde_json::from_value(value).map_err(|e| decode_error(&format!("{what}: {e}"), scrub))
}

pub(crate) fn complete_meta(
    meta: Option<Value>,
    page: u64,
    per_page: u64,
    rows: usize,
) -> PageMeta {
    let parsed: Option<PageMeta> = meta.and_then(|m| serde_json::from_value(m).ok());
    complete_page_meta(parsed, page, per_page, rows)
}

fn complete_page_meta(meta: Option<PageMeta>, page: u64, per_page: u64, rows: usize) -> PageMeta {
    let rows = rows as u64;
    match meta {
        Some(mut m) => {
            if m.page == 0 {
                m.page = page.max(1);
            }
            if m.per_page == 0 {
                m.per_page = per_page.max(1);
            }
            m
        }
        None => {
            // Without a total we only know what we have seen. A full page
            // suggests there may be another, so claim one more row: a
            // caller walking pages then asks once more and stops at the
            // first short page.
            let page = page.max(1);
            let per_page = per_page.max(1);
            let seen = (page - 1).saturating_mul(per_page).saturating_add(rows);
            let total = if rows >= per_page { seen + 1 } else { seen };
            PageMeta {
                page,
                per_page,
                total,
            }
        }
    }
}

/// Characters of the body quoted when it is not JSON.
const QUOTED_START_CHARS: usize = 80;

fn parse(body: &[u8], scrub: &Scrub<'_>) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        let (head, cut) = body_head(body);
        let start = scrub.head_excerpt(&head, cut, QUOTED_START_CHARS);
        decode_error(&format!("{e} (answer starts with {start:?})"), scrub)
    })
}

fn split_envelope(v: Value, scrub: &Scrub<'_>) -> Result<(Vec<Value>, Option<Value>), ApiError> {
    match v {
        Value::Object(mut obj) => {
            let meta = obj.remove("meta");
            match obj.remove("data") {
                Some(Value::Array(rows)) => Ok((rows, meta)),
                Some(Value::Null) => Ok((Vec::new(), meta)),
                Some(_) => Err(decode_error("`data` is not a list", scrub)),
                None => Err(decode_error("no `data` list in the answer", scrub)),
            }
        }
        // Some servers answer a bare array; take it.
        Value::Array(rows) => Ok((rows, None)),
        _ => Err(decode_error(
            "expected a JSON object with a `data` list",
            scrub,
        )),
    }
}

fn decode_error(reason: &str, scrub: &Scrub<'_>) -> ApiError {
    ApiError::Decode(scrub.clean(reason))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ticket(n: i64) -> Value {
        json!({
            "id": uuid::Uuid::from_u128(n as u128).to_string(),
            "ticket_number": n, "subject": format!("ticket {n}"),
            "status": "open", "priority": "high"
        })
    }

    #[test]
    fn malformed_rows_are_skipped_and_counted() {
        let body = json!({
            "data": [ticket(1), {"id": "nope", "status": "open"}, 42, ticket(2), {"subject": "no id"}],
            "meta": {"page": 1, "per_page": 25, "total": 5}
        });
        let p = decode_ticket_page(body.to_string().as_bytes(), 1, 25).unwrap();
        assert_eq!(p.tickets.len(), 2);
        assert_eq!(p.skipped, 3);
        assert_eq!(p.meta.total, 5);
    }

    #[test]
    fn missing_meta_is_derived() {
        let full = json!({"data": [ticket(1), ticket(2)]});
        let p = decode_ticket_page(full.to_string().as_bytes(), 3, 2).unwrap();
        assert_eq!(
            p.meta,
            PageMeta {
                page: 3,
                per_page: 2,
                total: 7
            }
        );
        let short = json!({"data": [ticket(1)]});
        let p = decode_ticket_page(short.to_string().as_bytes(), 3, 2).unwrap();
        assert_eq!(p.meta.total, 5);
        assert_eq!(p.meta.page_count(), 3);
        let partial = json!({"data": [], "meta": {"total": 9}});
        let p = decode_ticket_page(partial.to_string().as_bytes(), 2, 5).unwrap();
        assert_eq!(
            p.meta,
            PageMeta {
                page: 2,
                per_page: 5,
                total: 9
            }
        );
    }

    #[test]
    fn truncated_or_foreign_bodies_are_decode_errors() {
        let whole = json!({"data": [ticket(1), ticket(2)]}).to_string();
        let cut = &whole.as_bytes()[..whole.len() / 2];
        for body in [
            cut,
            b"<html>hi</html>".as_slice(),
            b"",
            b"\"str\"",
            b"{\"data\": 5}",
        ] {
            let e = decode_ticket_page(body, 1, 25).unwrap_err();
            assert!(matches!(e, ApiError::Decode(_)), "{e:?}");
            assert!(e.to_string().chars().count() < 260);
        }
    }

    #[test]
    fn one_object_with_or_without_envelope() {
        let t: Ticket = decode_one(
            json!({"data": ticket(7)}).to_string().as_bytes(),
            "ticket",
            &Scrub::NONE,
        )
        .unwrap();
        assert_eq!(t.ticket_number, 7);
        let t: Ticket =
            decode_one(ticket(8).to_string().as_bytes(), "ticket", &Scrub::NONE).unwrap();
        assert_eq!(t.ticket_number, 8);
        assert!(decode_one::<Ticket>(b"{\"data\": {}}", "ticket", &Scrub::NONE).is_err());
    }
}
