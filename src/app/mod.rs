//! The interactive queue: state, messages, the update step, the key table,
//! the page cache.
//!
//! `update` does no I/O, reads no clock and knows no terminal; the
//! [`runtime`](crate::runtime) beside it runs the effects, touches the
//! terminal, reads the clock and talks to the network (through
//! [`TicketSource`]).

pub mod cache;
pub mod clock;
pub mod completion;
pub mod detail;
pub mod filter_line;
pub mod filter_panel;
pub mod filter_tokens;
pub mod gate;
pub mod help;
pub mod history;
pub mod keymap;
pub mod keys;
pub mod layout;
pub mod list;
pub mod macros;
pub mod modal;
pub mod msg;
pub mod names;
pub mod news;
pub mod persist;
pub mod picker;
pub mod poll;
pub mod search;
pub mod source;
pub mod state;
pub mod triage;
pub mod update;
pub mod views;

pub use clock::Clock;
pub use keymap::{Action, Keymap, KeymapError};
pub use modal::Modal;
pub use msg::{Effect, Msg};
pub use source::{
    Directory, FetchError, FieldError, NameTable, NamesLoaded, NoNames, TicketPage, TicketSource,
};
pub use state::State;
pub use update::{next_wake, update};
