//! Does the server enforce `If-Unmodified-Since` on `PATCH /tickets/{id}`?
//! `config check --online` asks it with a harmless probe: an empty change
//! (`{}`) to the first ticket, dated 1970. A server that enforces the
//! precondition answers 412 and changes nothing; one that ignores it
//! applies the empty change (which sets no field, though such a server may
//! still stamp the ticket's `updated_at`) and conflicts between agents go
//! undetected there. Two requests: `GET /tickets?per_page=1`, one `PATCH`.

use chrono::{DateTime, Utc};

use super::client::ApiClient;
use super::error::ApiError;
use super::types::TicketPatch;

/// What the probe found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// 412 on a write dated 1970: conflicts are detected.
    Enforced,
    /// The write dated 1970 was applied: conflicts are not detected.
    Ignored,
    /// No ticket to probe with.
    NoTicket,
    /// The server takes no `PATCH` (404/405): nothing to protect.
    NoPatch,
    /// It could not be told (a read-only key, a 400 on the empty change,
    /// a failure): why, in one sanitized line.
    Unknown(String),
}

impl Precondition {
    /// One line for `config check`.
    pub fn words(&self) -> String {
        match self {
            Precondition::Enforced => "the server enforces If-Unmodified-Since (412 on a write dated 1970): changes made meanwhile by someone else are detected".into(),
            Precondition::Ignored => "the server ignores If-Unmodified-Since (it applied an empty change dated 1970): a change by someone else since you loaded a ticket is overwritten without a warning".into(),
            Precondition::NoTicket => "whether the server enforces If-Unmodified-Since is unknown: there is no ticket to probe".into(),
            Precondition::NoPatch => "the server takes no PATCH /tickets/{id}: triage's changes are off, so there is nothing to protect".into(),
            Precondition::Unknown(why) => format!("whether the server enforces If-Unmodified-Since is unknown: {why}"),
        }
    }
}

/// The date the probe names: before anything could have been written.
fn epoch() -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH
}

/// Probes `client`'s server (see the module's documentation).
pub async fn probe(client: &ApiClient) -> Precondition {
    let first = match client.list_tickets(&[], 1, 1).await {
        Ok(page) => page.tickets.into_iter().next(),
        Err(e) => {
            return Precondition::Unknown(format!(
                "the ticket list failed: {}",
                crate::text::sanitize(&e.to_string())
            ));
        }
    };
    let Some(ticket) = first else {
        return Precondition::NoTicket;
    };
    match client
        .update_ticket_if(ticket.id, &TicketPatch::default(), Some(epoch()))
        .await
    {
        Err(ApiError::Conflict { .. }) => Precondition::Enforced,
        Ok(_) => Precondition::Ignored,
        Err(ApiError::NotFound { .. } | ApiError::NotSupported { .. }) => Precondition::NoPatch,
        Err(ApiError::InsufficientScope { .. }) => {
            Precondition::Unknown("the API key is read-only".into())
        }
        Err(e) => Precondition::Unknown(format!(
            "the probe failed: {}",
            crate::text::sanitize(&e.to_string())
        )),
    }
}
