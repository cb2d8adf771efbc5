//! What the agent is told, in one place: [`State::say`] for the footer's
//! one line, [`State::fail`] for the error shown with what to do next.
//!
//! When each clears:
//! - what is said lasts until the agent's next key over the list or in a
//!   dialog (`keys::on_list_key` and the dialogs clear it first), or until
//!   something else is said;
//! - a failure lasts until the thing that failed works (the next page, write
//!   or view edit that succeeds clears it), or until another failure.
//!
//! There is no third kind (a "warning"): nothing would draw it differently
//! from what is said, so a refusal or a "nothing was changed" is said.

use super::state::{ErrorView, State};

impl State {
    /// The footer's one line: what happened, or why nothing did.
    pub fn say(&mut self, text: impl Into<String>) {
        self.notice = Some(text.into());
    }

    /// An error and, when there is one, what to do about it.
    pub fn fail(&mut self, message: impl Into<String>, hint: Option<String>) {
        self.last_error = Some(ErrorView {
            message: message.into(),
            hint,
        });
    }
}
