//! What the server allows: how a write can end, as the triage actions
//! tell them apart, and the words when writes are off (the check itself is
//! the actions', beside the targets it guards).

use tokio::time::Instant;

use super::change::Routing;

/// The outcome of `PATCH /tickets/{id}` when it is not the updated ticket.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WriteError {
    /// 429 (or the client's gate, closed by an earlier 429): the change was
    /// not applied; it may be sent once when the wait is over.
    #[error("rate limited")]
    RateLimited { retry_at: Instant },
    /// 403 `insufficient_scope`: the key can read but not write.
    #[error("{message}")]
    ReadOnly { message: String },
    /// 412: the ticket changed after the `updated_at` the write named;
    /// nothing was applied. The ticket as the server has it now.
    #[error("changed by someone else")]
    Conflict {
        current: Box<crate::api::types::UpdatedTicket>,
    },
    /// The server has no `PATCH /tickets/{id}` (404/405).
    #[error("this server does not accept changes to tickets")]
    NotSupported,
    /// Anything else, in one line (sanitized, key-free), with what to do.
    #[error("{message}")]
    Failed {
        message: String,
        hint: Option<String>,
    },
}

/// What `n`/`R` say once the server answered 404/405 to a note or reply.
pub const MESSAGES_OFF: (&str, &str) = (
    "this server does not take notes or replies (no POST /tickets/{id}/messages): n and R are off",
    "browsing and the other triage keys work as usual; drafts stay where they are",
);

/// Whether this session may send changes, as learned from the first write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum WriteAccess {
    /// Nothing refused yet.
    #[default]
    Unknown,
    /// A 403 `insufficient_scope`: browsing only.
    ReadOnly,
    /// No PATCH on this server: browsing only.
    NoPatch,
}

impl WriteAccess {
    /// The status line when an action key is pressed while writes are off.
    pub fn refusal(&self) -> Option<(&'static str, &'static str)> {
        match self {
            WriteAccess::Unknown => None,
            WriteAccess::ReadOnly => Some((
                "this API key is read-only: triage actions are off (browsing works as usual)",
                "use a key with write access (TRIAGE_API_KEY or api_key_cmd) to change tickets",
            )),
            WriteAccess::NoPatch => Some((
                "this server does not accept changes (no PATCH /tickets/{id}): triage actions are off",
                "browsing works as usual; change tickets in the helpdesk's web app",
            )),
        }
    }
}

/// The status line when the server turned off one of the later actions
/// (404/405 on a PATCH with its fields), and what to do instead.
pub fn routing_refusal(routing: Routing) -> (String, &'static str) {
    (
        format!(
            "this server does not accept {} (404/405 on PATCH /tickets/{{id}}): that action is off",
            routing.what()
        ),
        "browsing and the other actions work as usual; do this one in the helpdesk's web app",
    )
}
