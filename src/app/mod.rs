//! The interactive queue: state, messages, the update step, the key table,
//! the page cache, and the runtime loop that executes effects.
//!
//! `update` does no I/O and knows no terminal; `runtime` is the only part
//! that touches the terminal, the clock and the network (through
//! [`TicketSource`]).

pub mod api_source;
pub mod cache;
pub mod clock;
pub mod completion;
pub mod filter_line;
pub mod filter_panel;
pub mod filter_tokens;
pub mod keymap;
pub mod layout;
pub mod modal;
pub mod msg;
pub mod picker;
pub mod runtime;
pub mod search;
pub mod source;
pub mod state;
pub mod triage;
pub mod update;
pub mod views;

pub use api_source::ApiSource;
pub use clock::Clock;
pub use keymap::{Action, Keymap, KeymapError};
pub use modal::Modal;
pub use msg::{Effect, Msg};
pub use runtime::{RunContext, run};
pub use source::{
    Directory, FetchError, FieldError, NameTable, NamesLoaded, NoNames, TicketPage, TicketSource,
};
pub use state::State;
pub use update::{next_wake, update};
