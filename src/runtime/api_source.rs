//! The real ticket source: `api::ApiClient` plus the catalog that resolves
//! names in the filter. Filters become query pairs here, at request time,
//! so relative dates ("updated:<7d") are relative to the moment of sending.

use std::sync::{Arc, PoisonError, RwLock};

use chrono::Utc;
use uuid::Uuid;

use crate::api::types::{Contact, Message, PageMeta, TicketDetail};
use crate::api::{ApiClient, ApiError, Catalog, Endpoint, EndpointState};
use crate::app::source::{
    Directory, FetchError, FieldError, NamesLoaded, TicketPage, TicketSource,
};
use crate::app::triage::WriteError;
use crate::filter::TicketFilter;
use crate::text::sanitize;

#[derive(Clone)]
pub struct ApiSource {
    client: ApiClient,
    /// The current catalog, swapped whole when a reload brings names; the
    /// UI holds the same `Arc` as its `Directory`.
    catalog: Arc<RwLock<Arc<Catalog>>>,
    /// One catalog load at a time (the UI's, or a page's that needs names).
    loading: Arc<tokio::sync::Mutex<()>>,
}

impl ApiSource {
    /// How a write to ticket `id` failed, as triage tells the cases apart.
    async fn write_error(&self, id: Uuid, error: ApiError) -> WriteError {
        match error {
            ApiError::RateLimited { retry_at, .. } => WriteError::RateLimited { retry_at },
            ApiError::InsufficientScope { message } => WriteError::ReadOnly { message },
            ApiError::NotSupported { .. } => WriteError::NotSupported,
            ApiError::Conflict { current } => WriteError::Conflict { current },
            // A 404 is a gone ticket or a server without the route: when the
            // same ticket reads fine, or the server has none of the
            // companion routes, it is the route that is missing.
            ApiError::NotFound { message } => {
                if self.lacks_companions() || self.client.ticket(id).await.is_ok() {
                    WriteError::NotSupported
                } else {
                    WriteError::Failed {
                        message: format!("not found: {message}"),
                        hint: Some("the ticket may have been deleted: press r to refresh".into()),
                    }
                }
            }
            other => WriteError::Failed {
                // ApiError's text is sanitized and key-free already.
                message: other.to_string(),
                hint: other.hint().map(str::to_string),
            },
        }
    }
    /// `catalog` may be empty (`Catalog::from_aliases`): the UI then loads
    /// it in the background (`load_names`) and the names appear when it
    /// arrives.
    pub fn new(client: ApiClient, catalog: Arc<Catalog>) -> ApiSource {
        ApiSource {
            client,
            catalog: Arc::new(RwLock::new(catalog)),
            loading: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    /// The catalog as it is now.
    pub fn catalog(&self) -> Arc<Catalog> {
        // A plain `Arc` swap cannot leave the value half-written.
        Arc::clone(&self.catalog.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// True when every companion list answered "not supported".
    fn lacks_companions(&self) -> bool {
        let catalog = self.catalog();
        Endpoint::CATALOG.iter().all(|e| !catalog.supports(*e))
    }

    fn pairs(&self, filter: &TicketFilter) -> Result<Vec<(String, String)>, FetchError> {
        filter
            .to_query_pairs(self.catalog().as_ref(), Utc::now())
            .map_err(|e| FetchError::Failed {
                message: sanitize(&e.to_string()).into_owned(),
                hint: Some(
                    "fix the filter (names resolve through the catalog or [aliases])".into(),
                ),
            })
    }
}

impl ApiSource {
    /// The filter's query pairs. The UI may open before the catalog is
    /// asked, or its first load may have been cut short (a 429): a filter
    /// that names people or inboxes waits for the missing names, then
    /// resolves; still rate limited, it waits for the window like any
    /// request instead of failing "unknown name".
    async fn resolved_pairs(
        &self,
        filter: &TicketFilter,
    ) -> Result<Vec<(String, String)>, FetchError> {
        match self.pairs(filter) {
            Ok(pairs) => Ok(pairs),
            Err(_) if names_worth_waiting_for(&self.catalog()) => {
                let loaded = self.load_names().await;
                match self.pairs(filter) {
                    Ok(pairs) => Ok(pairs),
                    Err(_) if let Some(retry_at) = loaded.and_then(|l| l.retry_at) => {
                        Err(FetchError::RateLimited { retry_at })
                    }
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }
}

/// True when the missing names may still come: the catalog was never
/// asked, or a rate limit cut its load short. (A 401 or a dead route will
/// not heal by asking again for every page.)
fn names_worth_waiting_for(catalog: &Catalog) -> bool {
    let never_asked = Endpoint::CATALOG
        .iter()
        .all(|e| matches!(catalog.state(*e), EndpointState::Unknown));
    never_asked
        || catalog
            .failures()
            .any(|(_, e)| matches!(e, ApiError::RateLimited { .. }))
}

impl From<ApiError> for FetchError {
    fn from(e: ApiError) -> FetchError {
        match e {
            ApiError::RateLimited { retry_at, .. } => FetchError::RateLimited { retry_at },
            ApiError::NotSupported { .. } => FetchError::NotSupported,
            ApiError::BadRequest { ref details, .. } if !details.is_empty() => {
                FetchError::Invalid {
                    message: e.to_string(),
                    hint: e.hint().map(str::to_string),
                    fields: details
                        .iter()
                        .map(|d| FieldError {
                            param: sanitize(&d.field).into_owned(),
                            message: sanitize(&d.message).into_owned(),
                        })
                        .collect(),
                }
            }
            other => FetchError::Failed {
                // ApiError's text is sanitized and key-free already.
                message: other.to_string(),
                hint: other.hint().map(str::to_string),
            },
        }
    }
}

impl TicketSource for ApiSource {
    async fn page(
        &self,
        filter: &TicketFilter,
        page: u64,
        per_page: u64,
    ) -> Result<TicketPage, FetchError> {
        let pairs = self.resolved_pairs(filter).await?;
        let loaded = self.client.list_tickets(&pairs, page, per_page).await?;
        if loaded.skipped > 0 {
            tracing::warn!(
                skipped = loaded.skipped,
                page,
                "rows of the page were not tickets"
            );
        }
        Ok(TicketPage {
            tickets: loaded.tickets,
            meta: loaded.meta,
        })
    }

    async fn detail(&self, id: Uuid) -> Result<TicketDetail, FetchError> {
        match self.client.ticket(id).await {
            // A 404 here is ambiguous (gone ticket, or no such route). On a
            // server without any of the companion lists, it is the route:
            // say so instead of "the ticket may have been deleted".
            Err(ApiError::NotFound { .. }) if self.lacks_companions() => {
                Err(FetchError::NotSupported)
            }
            other => Ok(other?),
        }
    }

    async fn messages(
        &self,
        id: Uuid,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<Message>, PageMeta), FetchError> {
        Ok(self.client.messages(id, page, per_page).await?)
    }

    async fn contact(&self, id: Uuid) -> Result<Option<Contact>, FetchError> {
        match self.client.contact(id).await {
            Ok(c) => Ok(Some(c)),
            // On a server with other companion routes, a 404 reads as this
            // contact being gone (the book stops after a few in a row with
            // none found); without any, it is the route.
            Err(ApiError::NotSupported { .. }) if !self.lacks_companions() => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn count(&self, filter: &TicketFilter) -> Result<u64, FetchError> {
        // Names resolve like a page's: a count asked before the catalog
        // waits for it (one load at a time, shared with the list's).
        let pairs = self.resolved_pairs(filter).await?;
        let loaded = self.client.list_tickets(&pairs, 1, 1).await?;
        Ok(loaded.meta.total)
    }

    fn names_incomplete(&self) -> bool {
        self.catalog().incomplete()
    }

    async fn load_names(&self) -> Option<NamesLoaded> {
        let _one_at_a_time = self.loading.lock().await;
        let current = self.catalog();
        if !current.incomplete() {
            // Loaded meanwhile (by a page that needed names).
            return Some(NamesLoaded {
                names: current,
                incomplete: false,
                retry_at: None,
            });
        }
        let fresh = Arc::new(current.reload_failed(&self.client).await);
        let retry_at = fresh.failures().find_map(|(_, e)| match e {
            ApiError::RateLimited { retry_at, .. } => Some(*retry_at),
            _ => None,
        });
        let incomplete = fresh.incomplete();
        *self.catalog.write().unwrap_or_else(PoisonError::into_inner) = Arc::clone(&fresh);
        Some(NamesLoaded {
            names: fresh,
            incomplete,
            retry_at,
        })
    }

    async fn update_ticket(
        &self,
        id: Uuid,
        patch: &crate::api::types::TicketPatch,
        since: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<crate::api::types::UpdatedTicket, WriteError> {
        match self.client.update_ticket_if(id, patch, since).await {
            Ok(ticket) => Ok(ticket),
            Err(e) => Err(self.write_error(id, e).await),
        }
    }

    async fn post_message(
        &self,
        id: Uuid,
        message: &crate::api::types::NewMessage,
    ) -> Result<Message, WriteError> {
        match self.client.post_message(id, message).await {
            Ok(posted) => Ok(posted),
            Err(e) => Err(self.write_error(id, e).await),
        }
    }

    fn clear_rate_limit(&self) {
        self.client.clear_rate_limit();
    }

    fn curl_command(
        &self,
        filter: &TicketFilter,
        page: u64,
        per_page: u64,
    ) -> Result<String, String> {
        let pairs = self.pairs(filter).map_err(|e| match e {
            FetchError::Failed { message, .. } => message,
            other => format!("{other:?}"),
        })?;
        Ok(self.client.curl_command(&pairs, page, per_page))
    }
}

impl Directory for Catalog {
    fn user_name(&self, id: Uuid) -> Option<String> {
        Catalog::user_name(self, id).map(str::to_string)
    }

    fn inbox_name(&self, id: Uuid) -> Option<String> {
        Catalog::inbox_name(self, id).map(str::to_string)
    }

    fn field_label(&self, key: &str) -> Option<String> {
        self.field(key)
            .map(|f| f.label.clone())
            .filter(|l| !l.trim().is_empty())
    }

    fn field_type(&self, key: &str) -> Option<crate::model::FieldType> {
        self.field(key).map(|f| f.field_type.clone())
    }

    fn option_label(&self, key: &str, option: Uuid) -> Option<String> {
        self.field(key)?
            .options
            .iter()
            .find(|o| o.id == option)
            .map(|o| o.label.clone())
    }

    fn catalog(&self) -> Option<&Catalog> {
        Some(self)
    }
}
