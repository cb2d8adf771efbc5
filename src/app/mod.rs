//! The interactive queue: state, messages, the update step, the key table,
//! the page cache.
//!
//! `update` does no I/O, reads no clock and knows no terminal; the
//! [`runtime`](crate::runtime) beside it runs the effects, touches the
//! terminal, reads the clock and talks to the network (through
//! [`TicketSource`]). Nothing here imports `ui`: what both need (the
//! detail's layout, labels, times) lives here or in `text`, and `ui` only
//! draws it.

pub mod cache;
pub mod clock;
pub mod commands;
pub mod completion;
pub mod contacts;
pub mod detail;
pub mod detail_layout;
pub mod dialog_keys;
pub mod filter_line;
pub mod filter_panel;
pub mod filter_tokens;
pub mod gate;
pub mod help;
pub mod history;
pub mod keymap;
pub mod keys;
pub mod labels;
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
pub mod replies;
pub mod row_details;
pub mod search;
pub mod source;
pub mod state;
mod tell;
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Every `.rs` file under `dir` that names the `ui` module.
    fn importers_of_ui(dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("src/app is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                importers_of_ui(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                // Spelled in two halves so this test does not find itself.
                let needles = [concat!("crate::", "ui"), concat!("super::", "ui")];
                for (n, line) in text.lines().enumerate() {
                    if needles.iter().any(|n| line.contains(n)) {
                        found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }

    #[test]
    fn app_never_imports_ui() {
        let mut found = Vec::new();
        importers_of_ui(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app"),
            &mut found,
        );
        assert!(found.is_empty(), "app imports ui:\n{}", found.join("\n"));
    }
}
