//! The real ticket source: `api::ApiClient` plus the catalog that resolves
//! names in the filter. Filters become query pairs here, at request time,
//! so relative dates ("updated:<7d") are relative to the moment of sending.

use std::sync::Arc;

use chrono::Utc;
use uuid::Uuid;

use super::source::{Directory, FetchError, TicketPage, TicketSource};
use crate::api::types::{Message, PageMeta, TicketDetail};
use crate::api::{ApiClient, ApiError, Catalog, Endpoint};
use crate::filter::TicketFilter;
use crate::text::sanitize;

#[derive(Clone)]
pub struct ApiSource {
    client: ApiClient,
    catalog: Arc<Catalog>,
}

impl ApiSource {
    pub fn new(client: ApiClient, catalog: Arc<Catalog>) -> ApiSource {
        ApiSource { client, catalog }
    }

    /// True when every companion list answered "not supported".
    fn lacks_companions(&self) -> bool {
        Endpoint::CATALOG.iter().all(|e| !self.catalog.supports(*e))
    }

    fn pairs(&self, filter: &TicketFilter) -> Result<Vec<(String, String)>, FetchError> {
        filter
            .to_query_pairs(self.catalog.as_ref(), Utc::now())
            .map_err(|e| FetchError::Failed {
                message: sanitize(&e.to_string()).into_owned(),
                hint: Some(
                    "fix the filter (names resolve through the catalog or [aliases])".into(),
                ),
            })
    }
}

impl From<ApiError> for FetchError {
    fn from(e: ApiError) -> FetchError {
        match e {
            ApiError::RateLimited { retry_at, .. } => FetchError::RateLimited { retry_at },
            ApiError::NotSupported { .. } => FetchError::NotSupported,
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
        let pairs = self.pairs(filter)?;
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

    fn option_label(&self, key: &str, option: Uuid) -> Option<String> {
        self.field(key)?
            .options
            .iter()
            .find(|o| o.id == option)
            .map(|o| o.label.clone())
    }
}
