//! The helpdesk API: wire types, the HTTP client, typed errors.

pub mod types;
