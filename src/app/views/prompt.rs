//! `w`: one line asking the view's name. On a filter that is not a view
//! yet it starts empty; on a changed view it starts on that view's name, so
//! `Enter` updates it and another name saves a new view beside it (a view is
//! never overwritten by one key).

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::super::modal::DialogOutcome;
use super::super::msg::Effect;
use super::super::state::State;
use super::{request_edit, view_of};
use crate::config::ViewEdit;

/// Longest name accepted: the bar has to show several.
pub const MAX_NAME: usize = 60;

#[derive(Debug, Default)]
pub struct NamePrompt {
    pub input: Input,
    /// Why Enter did not save (empty, taken): shown under the input.
    pub error: Option<String>,
    /// The open view this prompt can update (its name is the input's start).
    pub updating: Option<String>,
}

impl NamePrompt {
    pub fn new() -> NamePrompt {
        NamePrompt::default()
    }

    /// A prompt on the open view's name: `Enter` updates that view.
    pub fn updating(name: &str) -> NamePrompt {
        NamePrompt {
            input: Input::new(name.to_string()),
            error: None,
            updating: Some(name.to_string()),
        }
    }

    /// True when `Enter` now would update the open view.
    pub fn would_update(&self) -> bool {
        self.updating
            .as_deref()
            .is_some_and(|n| n == self.input.value().trim())
    }
}

/// A name typed for a view, checked against the views we know (the file
/// checks again when it is written). `Err` is one line.
pub fn check_name(state: &State, name: &str, except: Option<&str>) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("type a name (Esc cancels)".into());
    }
    if name.chars().count() > MAX_NAME {
        return Err(format!("at most {MAX_NAME} characters"));
    }
    if name.chars().any(char::is_control) {
        return Err("no control characters".into());
    }
    let taken = state
        .views
        .all
        .iter()
        .any(|v| v.name == name && Some(v.name.as_str()) != except);
    if taken {
        return Err(format!("a view named '{name}' exists already"));
    }
    Ok(name.to_string())
}

pub(super) fn on_key(
    state: &mut State,
    prompt: &mut NamePrompt,
    ev: &KeyEvent,
    fx: &mut Vec<Effect>,
) -> DialogOutcome {
    match ev.code {
        KeyCode::Esc => return DialogOutcome::Close,
        KeyCode::Enter if prompt.would_update() => {
            super::edit::update_active(state, fx);
            return DialogOutcome::Close;
        }
        KeyCode::Enter => match check_name(state, prompt.input.value(), None) {
            Ok(name) => {
                let view = view_of(state, &name);
                request_edit(
                    state,
                    ViewEdit::Save {
                        view,
                        overwrite: false,
                    },
                    fx,
                );
                state.say(format!("saving view '{name}'…"));
                return DialogOutcome::Close;
            }
            Err(e) => prompt.error = Some(e),
        },
        _ => {
            if prompt.input.handle_event(&Event::Key(*ev)).is_some() {
                prompt.error = None;
            }
        }
    }
    DialogOutcome::Stay
}
