//! The helpdesk API: wire types, the HTTP client, typed errors, the catalog
//! of workspace names.

pub mod base_url;
pub mod catalog;
pub mod client;
pub mod decode;
pub mod endpoint;
pub mod error;
pub mod key;
pub mod retry;
pub mod types;

pub use catalog::{Catalog, EndpointState, load_catalog};
pub use client::{ApiClient, ClientOptions};
pub use decode::{TicketPage, decode_ticket_page};
pub use endpoint::Endpoint;
pub use error::{ApiError, ErrorDetail};
pub use key::ApiKey;
pub use retry::{Backoff, rate_limit_wait};
