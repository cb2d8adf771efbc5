//! The helpdesk API: wire types, the HTTP client, typed errors, the catalog
//! of workspace names.
//!
//! - [`ApiClient`] (`client`): one `reqwest::Client`, the shared rate-limit
//!   gate (after a 429 nothing is sent before the retry instant unless
//!   [`ApiClient::clear_rate_limit`] is called), GET retries with jittered
//!   backoff, one method per endpoint.
//! - [`ApiError`] (`error`): what went wrong, as a sanitized one-liner with a
//!   [`hint`](ApiError::hint); the mapping from status and body.
//! - `retry`: the 429 wait and the backoff schedule, as pure functions.
//! - `decode`: lenient decoding of pages (bad rows skipped and counted).
//! - [`Catalog`] (`catalog`): statuses, priorities, tags, inboxes, users and
//!   fields from the companion endpoints, falling back to learned values and
//!   config aliases; implements `filter::Resolver`.
//! - `base_url`: which base URLs may carry the key; "copy as curl".
//! - `precondition`: whether the server enforces `If-Unmodified-Since`
//!   (`config check --online`).

pub mod base_url;
pub mod catalog;
pub mod client;
pub mod decode;
pub mod endpoint;
pub mod error;
pub mod key;
pub mod precondition;
pub mod retry;
pub mod types;

pub use catalog::{Catalog, EndpointState, load_catalog};
pub use client::{ApiClient, ClientOptions};
pub use decode::{TicketPage, decode_raw_page, decode_ticket_page};
pub use endpoint::Endpoint;
pub use error::{ApiError, ErrorDetail};
pub use key::ApiKey;
pub use retry::{Backoff, rate_limit_wait};
