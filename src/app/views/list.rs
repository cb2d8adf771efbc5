//! `v`: the saved views as a list. Enter opens, `d` deletes (after a `y`),
//! `R` renames, `J`/`K` move a view down/up (the bar's and the digits'
//! order is the file's order).

use crossterm::event::{Event, KeyCode, KeyEvent};
use tokio::time::Instant;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::super::keymap::Action;
use super::super::modal::DialogOutcome;
use super::super::msg::Effect;
use super::super::state::State;
use super::prompt::check_name;
use super::{ViewsState, open, request_edit};
use crate::config::ViewEdit;

#[derive(Debug)]
pub struct ViewsList {
    pub selected: usize,
    pub mode: ListMode,
}

#[derive(Debug)]
pub enum ListMode {
    Browse,
    /// `d` pressed: `y` (or Enter) deletes, anything else keeps.
    ConfirmDelete,
    /// `R` pressed: the new name, and why Enter refused it.
    Rename {
        input: Input,
        error: Option<String>,
    },
}

impl ViewsList {
    pub fn new(selected: usize) -> ViewsList {
        ViewsList {
            selected,
            mode: ListMode::Browse,
        }
    }

    /// After an edit the selection stays on the view it was on.
    pub(super) fn follow(&mut self, edit: &ViewEdit, views: &ViewsState) {
        let name = match edit {
            ViewEdit::Move { name, .. } => Some(name.as_str()),
            ViewEdit::Rename { to, .. } => Some(to.as_str()),
            _ => None,
        };
        if let Some(i) = name.and_then(|n| views.position(n)) {
            self.selected = i;
        }
        self.selected = self.selected.min(views.entries.len().saturating_sub(1));
    }
}

pub(super) fn on_key(
    state: &mut State,
    list: &mut ViewsList,
    ev: &KeyEvent,
    now: Instant,
    fx: &mut Vec<Effect>,
) -> DialogOutcome {
    let Some(name) = state
        .views
        .entries
        .get(list.selected)
        .map(|e| e.view.name.clone())
    else {
        return DialogOutcome::Close; // nothing left to list
    };
    match std::mem::replace(&mut list.mode, ListMode::Browse) {
        ListMode::ConfirmDelete => {
            if matches!(ev.code, KeyCode::Char('y') | KeyCode::Enter) {
                request_edit(state, ViewEdit::Delete { name }, fx);
            } else {
                state.say(format!("kept '{name}'"));
            }
        }
        ListMode::Rename { mut input, error } => match ev.code {
            KeyCode::Esc => {}
            KeyCode::Enter => match check_name(state, input.value(), Some(&name)) {
                Ok(to) if to == name => {}
                Ok(to) => request_edit(state, ViewEdit::Rename { from: name, to }, fx),
                Err(e) => {
                    list.mode = ListMode::Rename {
                        input,
                        error: Some(e),
                    }
                }
            },
            _ => {
                let changed = input.handle_event(&Event::Key(*ev)).is_some();
                list.mode = ListMode::Rename {
                    input,
                    error: if changed { None } else { error },
                };
            }
        },
        ListMode::Browse => {
            let last = state.views.entries.len().saturating_sub(1);
            match (ev.code, state.keymap.action_for(ev)) {
                (KeyCode::Char('d'), _) => list.mode = ListMode::ConfirmDelete,
                (KeyCode::Char('R'), _) => {
                    list.mode = ListMode::Rename {
                        input: Input::new(name),
                        error: None,
                    }
                }
                (KeyCode::Char('J'), _) => move_view(state, &name, list.selected, 1, fx),
                (KeyCode::Char('K'), _) => move_view(state, &name, list.selected, -1, fx),
                // No text input here: `j`/`k` move, and so do the keys that
                // move in every picker.
                (_, Some(Action::MoveDown)) => list.selected = (list.selected + 1).min(last),
                (_, Some(Action::MoveUp)) => list.selected = list.selected.saturating_sub(1),
                _ if crate::app::picker::list_step(ev) == Some(true) => {
                    list.selected = (list.selected + 1).min(last)
                }
                _ if crate::app::picker::list_step(ev) == Some(false) => {
                    list.selected = list.selected.saturating_sub(1)
                }
                (_, Some(Action::First)) => list.selected = 0,
                (_, Some(Action::Last)) => list.selected = last,
                (KeyCode::Enter, _) | (_, Some(Action::OpenDetail)) => {
                    open(state, list.selected, now, fx);
                    return DialogOutcome::Close;
                }
                (_, Some(a)) if a.view_slot().is_some() => {
                    if let Some(i) = a.view_slot().and_then(|n| state.views.slot(n)) {
                        open(state, i, now, fx);
                    }
                    return DialogOutcome::Close;
                }
                (KeyCode::Esc, _) | (_, Some(Action::Back | Action::Quit | Action::ViewsList)) => {
                    return DialogOutcome::Close;
                }
                _ => {}
            }
        }
    }
    if state.views.entries.is_empty() {
        DialogOutcome::Close
    } else {
        DialogOutcome::Stay
    }
}

/// Moves the view past its shown neighbour (views of other profiles, not
/// shown, are stepped over).
fn move_view(state: &mut State, name: &str, at: usize, by: isize, fx: &mut Vec<Effect>) {
    let Some(neighbour) = at
        .checked_add_signed(by)
        .and_then(|i| state.views.entries.get(i))
    else {
        return;
    };
    let all = &state.views.all;
    let (Some(from), Some(to)) = (
        all.iter().position(|v| v.name == name),
        all.iter().position(|v| v.name == neighbour.view.name),
    ) else {
        return;
    };
    let by = to as isize - from as isize;
    request_edit(
        state,
        ViewEdit::Move {
            name: name.to_string(),
            by,
        },
        fx,
    );
}
