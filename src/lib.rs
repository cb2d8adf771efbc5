//! `triage`: a keyboard-driven terminal client for a helpdesk's ticket API.
//!
//! Layers, with dependencies pointing downwards only:
//! - `ui` draws `app::State`; `app` holds state and the `update` step;
//! - `api` speaks HTTP; `filter` is the query model; `text` sanitizes;
//! - `server` is the local helpdesk used by `triage serve`, the demo and tests.

pub mod api;
pub mod app;
pub mod columns;
pub mod config;
pub mod filter;
#[cfg(test)]
mod fixtures;
pub mod model;
pub mod runtime;
pub mod server;
pub mod text;
pub mod ui;
