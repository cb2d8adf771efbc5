//! What the UI needs from the outside world, as a trait: the runtime executes
//! fetch effects through it, tests feed results as messages without it, and
//! `api::ApiClient` implements it (see `api_source.rs`).

use std::future::Future;
use std::sync::Arc;

use tokio::time::Instant;
use uuid::Uuid;

use crate::api::types::{Message, PageMeta, Ticket, TicketDetail};
use crate::filter::TicketFilter;
use crate::model::FieldType;

/// One page of `GET /tickets` as the UI keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketPage {
    pub tickets: Vec<Ticket>,
    pub meta: PageMeta,
}

/// The three outcomes the UI treats differently; everything else is a
/// message plus what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchError {
    /// 429: nothing may be sent before `retry_at`.
    RateLimited { retry_at: Instant },
    /// A companion endpoint the server does not have (404/405).
    NotSupported,
    /// Any other failure: a one-line message (already sanitized by the
    /// producer, sanitized again when drawn) and a hint on what to do.
    Failed {
        message: String,
        hint: Option<String>,
    },
    /// 400: the server rejected parameters of the query, each named, so the
    /// UI can point at the pane or token they came from.
    Invalid {
        message: String,
        hint: Option<String>,
        fields: Vec<FieldError>,
    },
}

/// One parameter the server rejected (`details[]` of a 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The query parameter as the server named it: `created_after`,
    /// `custom_fields[plan]`, `status`.
    pub param: String,
    /// The server's message, sanitized.
    pub message: String,
}

impl FetchError {
    pub fn failed(message: impl Into<String>) -> FetchError {
        FetchError::Failed {
            message: message.into(),
            hint: None,
        }
    }
}

/// Where tickets come from. Futures are `Send` so the runtime can spawn them.
pub trait TicketSource: Clone + Send + Sync + 'static {
    fn page(
        &self,
        filter: &TicketFilter,
        page: u64,
        per_page: u64,
    ) -> impl Future<Output = Result<TicketPage, FetchError>> + Send;

    fn detail(&self, id: Uuid) -> impl Future<Output = Result<TicketDetail, FetchError>> + Send;

    fn messages(
        &self,
        id: Uuid,
        page: u64,
        per_page: u64,
    ) -> impl Future<Output = Result<(Vec<Message>, PageMeta), FetchError>> + Send;

    /// `GET /contacts/{id}`: the contact, `Ok(None)` when the server has
    /// the route but not this contact, `NotSupported` without the route.
    fn contact(
        &self,
        _id: Uuid,
    ) -> impl Future<Output = Result<Option<crate::api::types::Contact>, FetchError>> + Send {
        std::future::ready(Err(FetchError::NotSupported))
    }

    /// True when the names catalog is missing parts worth loading again.
    fn names_incomplete(&self) -> bool {
        false
    }

    /// Loads the parts of the names catalog that failed (or were never
    /// asked); `None` when there is nothing to load.
    fn load_names(&self) -> impl Future<Output = Option<NamesLoaded>> + Send {
        std::future::ready(None)
    }

    /// `PATCH /tickets/{id}`, sent once: the updated ticket, or why not.
    /// With `since`, only if the ticket is unchanged since then (else
    /// `WriteError::Conflict` with the ticket as it is). Sources that
    /// cannot write say `NotSupported` (triage actions off).
    fn update_ticket(
        &self,
        _id: Uuid,
        _patch: &crate::api::types::TicketPatch,
        _since: Option<chrono::DateTime<chrono::Utc>>,
    ) -> impl Future<Output = Result<crate::api::types::UpdatedTicket, super::triage::WriteError>> + Send
    {
        std::future::ready(Err(super::triage::WriteError::NotSupported))
    }

    /// `POST /tickets/{id}/messages`, sent once: the message as stored,
    /// or why not. Sources that cannot write say `NotSupported`.
    fn post_message(
        &self,
        _id: Uuid,
        _message: &crate::api::types::NewMessage,
    ) -> impl Future<Output = Result<Message, super::triage::WriteError>> + Send {
        std::future::ready(Err(super::triage::WriteError::NotSupported))
    }

    /// How many tickets match `filter` (`meta.total` of a one-row page), for
    /// the saved views' counts. The default asks for that one-row page.
    fn count(&self, filter: &TicketFilter) -> impl Future<Output = Result<u64, FetchError>> + Send {
        let page = self.page(filter, 1, 1);
        async move { page.await.map(|p| p.meta.total) }
    }

    /// The user asked to retry now: forget any rate-limit gate.
    fn clear_rate_limit(&self);

    /// The current query as a `curl` command with `$TRIAGE_API_KEY` in place
    /// of the key; `Err` with a message when the filter cannot be sent.
    fn curl_command(
        &self,
        filter: &TicketFilter,
        page: u64,
        per_page: u64,
    ) -> Result<String, String>;
}

/// A (re)loaded names catalog.
#[derive(Clone)]
pub struct NamesLoaded {
    pub names: Arc<dyn Directory>,
    /// Some parts failed again: worth another try later.
    pub incomplete: bool,
    /// One of them was a 429: nothing goes out before this.
    pub retry_at: Option<Instant>,
}

impl std::fmt::Debug for NamesLoaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NamesLoaded")
            .field("incomplete", &self.incomplete)
            .field("retry_at", &self.retry_at)
            .finish_non_exhaustive()
    }
}

/// Names of workspace entities, for display only (the catalog implements it).
pub trait Directory: Send + Sync {
    fn user_name(&self, id: Uuid) -> Option<String>;
    fn inbox_name(&self, id: Uuid) -> Option<String>;
    /// A custom field's display label by its `field_key`.
    fn field_label(&self, _key: &str) -> Option<String> {
        None
    }
    /// The label of a select option (values of select fields are option ids).
    fn option_label(&self, _key: &str, _option: Uuid) -> Option<String> {
        None
    }
    /// A custom field's type by its `field_key` (dates are drawn as dates).
    fn field_type(&self, _key: &str) -> Option<FieldType> {
        None
    }
    /// The whole catalog (statuses, priorities, tags, people, inboxes,
    /// fields; it resolves names too), when this directory is one. Pickers
    /// and panes list from it.
    fn catalog(&self) -> Option<&crate::api::Catalog> {
        None
    }
}

/// A directory that knows no names: rows then show "—"/ids.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoNames;

impl Directory for NoNames {
    fn user_name(&self, _: Uuid) -> Option<String> {
        None
    }
    fn inbox_name(&self, _: Uuid) -> Option<String> {
        None
    }
}

/// A fixed table of names (tests, benches, the demo before the catalog).
#[derive(Debug, Clone, Default)]
pub struct NameTable {
    pub users: std::collections::HashMap<Uuid, String>,
    pub inboxes: std::collections::HashMap<Uuid, String>,
}

impl Directory for NameTable {
    fn user_name(&self, id: Uuid) -> Option<String> {
        self.users.get(&id).cloned()
    }
    fn inbox_name(&self, id: Uuid) -> Option<String> {
        self.inboxes.get(&id).cloned()
    }
}
