//! What the test modules share: the UI fixtures (also the render bench's,
//! which includes `ui_fixtures.rs` by path, so it must not reach outside
//! itself), the triage fixtures built on them, the key helpers, drawing to
//! a test screen, and the local server with clients and sources for it.

pub mod cli;
pub mod headless;
pub mod keys;
pub mod live;
pub mod screen;
pub mod server;
pub mod strategies;
pub mod triage_fixtures;
pub mod ui_fixtures;
