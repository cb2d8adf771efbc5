//! The helpdesk API: wire types, the HTTP client, typed errors.

pub mod key;
pub mod types;

pub use key::ApiKey;
