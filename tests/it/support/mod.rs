//! What the test modules share: the UI fixtures (also the render bench's,
//! which includes `ui_fixtures.rs` by path, so it must not reach outside
//! itself), the triage fixtures built on them, and the key helpers.

pub mod keys;
pub mod triage_fixtures;
pub mod ui_fixtures;
