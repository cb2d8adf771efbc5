//! End to end: the real `triage` binary in a pseudo-terminal against the
//! local server, driven by key presses, read back through a VT100 parser.
//! Every wait is for a screen condition with a deadline, never a fixed sleep.
//! One test binary; one module per feature.

mod support;

// The one way tests run the binary outside a terminal, shared with tests/it
// (this crate uses only part of it).
#[path = "../it/support/cli.rs"]
#[allow(dead_code)]
mod cli;
mod commands;

mod drafts;
mod drafts_shared;
mod filters;
mod macros;
mod persist;
mod queue;
mod replies;
mod search;
mod team;
mod terminal;
mod themes;
mod triage;
mod views;
mod writing;
