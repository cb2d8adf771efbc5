//! Key presses through the update step, at the fixtures' clock. Each returns
//! the effects the key produced.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use triage::app::{Effect, Msg, State, update};

use super::ui_fixtures::clock;

/// Any key event, modifiers and all.
pub fn key(state: &mut State, event: KeyEvent) -> Vec<Effect> {
    update(state, Msg::Key(event), clock())
}

/// A key without modifiers.
pub fn press(state: &mut State, code: KeyCode) -> Vec<Effect> {
    key(state, KeyEvent::new(code, KeyModifiers::NONE))
}

/// A character key without modifiers.
pub fn ch(state: &mut State, c: char) -> Vec<Effect> {
    press(state, KeyCode::Char(c))
}

/// Ctrl and a character.
pub fn ctrl(state: &mut State, c: char) -> Vec<Effect> {
    key(
        state,
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
    )
}

/// Each character of `text` pressed in turn; the effects of all of them.
pub fn type_text(state: &mut State, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| ch(state, c)).collect()
}
