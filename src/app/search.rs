//! `/`: full-text search as you type. The text goes to the filter's
//! `query` untouched (websearch syntax: words, `"phrases"`, `or`, `-word`)
//! once typing pauses for [`DEBOUNCE`]; `Enter` keeps it (and remembers it
//! for `↑`, across runs), `Esc` puts back the search there was before `/`.
//! `↑`/`↓` browse the searches kept, as in the `:` line; `Ctrl-p`/`Ctrl-n`
//! move in the list meanwhile.
//!
//! Only the newest query is ever drawn: each one bumps the query generation
//! (answers for older generations are dropped by `update`, and their
//! requests aborted by the runtime).

use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tokio::time::Instant;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::clock::Clock;
use super::list::{move_by, new_filter, request_page};
use super::modal::{DialogOutcome, Modal};
use super::msg::Effect;
use super::state::{Landing, State, TablePane};

/// Quiet time after the last key before the search is sent.
pub const DEBOUNCE: Duration = Duration::from_millis(250);

/// The search line while it is open.
#[derive(Debug, Clone)]
pub struct SearchBox {
    pub input: Input,
    /// The search before `/`, restored by `Esc`.
    pub before: Option<String>,
    /// When the typed text is due to be sent; `None` when nothing waits.
    pub due: Option<Instant>,
    /// Position in `State::search_history` while `↑`/`↓` browse it, and
    /// the text typed before browsing began.
    pub recalled: Option<(usize, String)>,
}

/// Opens the search line on the current search text.
pub fn open(state: &mut State) {
    let before = state.list.filter.query.clone();
    state.modal = Some(Modal::Search(SearchBox {
        input: Input::new(before.clone().unwrap_or_default()),
        before,
        due: None,
        recalled: None,
    }));
}

/// Keys while the search line is open (`update` routes them here and puts
/// the line back as the returned outcome says).
pub fn on_key(
    state: &mut State,
    search: &mut SearchBox,
    ev: KeyEvent,
    clock: Clock,
    fx: &mut Vec<Effect>,
) -> DialogOutcome {
    let now = clock.now;
    state.notice = None;
    match ev.code {
        KeyCode::Enter => {
            let text = search.input.value().to_string();
            super::history::remember(&mut state.search_history, &text);
            apply(state, &text, now, fx);
            return DialogOutcome::Close;
        }
        KeyCode::Esc => {
            let before = search.before.clone();
            apply(state, before.as_deref().unwrap_or(""), now, fx);
            return DialogOutcome::Close;
        }
        // The list stays reachable while typing (the arrows are the
        // history's, as in the `:` line).
        KeyCode::Char('p') if ev.modifiers.contains(KeyModifiers::CONTROL) => {
            move_by(state, -1, now, fx)
        }
        KeyCode::Char('n') if ev.modifiers.contains(KeyModifiers::CONTROL) => {
            move_by(state, 1, now, fx)
        }
        KeyCode::Up | KeyCode::Down => {
            let typed = search.input.value().to_string();
            let older = ev.code == KeyCode::Up;
            let history = &state.search_history;
            if let Some(text) = super::history::recall(history, &mut search.recalled, &typed, older)
                && text != typed
            {
                // Sent like typed text: the list follows after the pause.
                search.input = Input::new(text);
                search.due = Some(now + DEBOUNCE);
            }
        }
        _ => {
            let before = search.input.value().to_string();
            search.input.handle_event(&Event::Key(ev));
            if search.input.value() != before {
                search.due = Some(now + DEBOUNCE);
                search.recalled = None;
            }
        }
    }
    DialogOutcome::Stay
}

/// Sends the typed search once its quiet time has passed.
pub fn on_tick(state: &mut State, now: Instant, fx: &mut Vec<Effect>) {
    let Some(Modal::Search(search)) = &mut state.modal else {
        return;
    };
    if search.due.is_some_and(|due| due <= now) {
        search.due = None;
        let text = search.input.value().to_string();
        apply(state, &text, now, fx);
    }
}

/// When the runtime must wake us to send a typed search.
pub fn wake(state: &State) -> Option<Instant> {
    state.search().and_then(|s| s.due)
}

/// Makes `text` the search, as typed; a search equal to the current one
/// sends nothing.
fn apply(state: &mut State, text: &str, now: Instant, fx: &mut Vec<Effect>) {
    if let Some(Modal::Search(search)) = &mut state.modal {
        search.due = None;
    }
    let mut filter = state.list.filter.clone();
    filter.set_query(text);
    if filter == state.list.filter {
        return;
    }
    state.list.filter = filter;
    requery_keeping_rows(state, now, fx);
}

/// A new query from page 1. The rows on screen stay until the answer
/// replaces them (the footer's spinner says it is coming), so results
/// follow the typing without the list blinking empty at every pause.
fn requery_keeping_rows(state: &mut State, now: Instant, fx: &mut Vec<Effect>) {
    let cached = state.list.cached(1).is_some();
    if cached || state.rate_limit.is_some() || !matches!(state.list.table, TablePane::Loaded(_)) {
        new_filter(state, now, fx);
        return;
    }
    state.list.new_query();
    state.list.page = 1;
    state.list.landing = Landing::First;
    state.list.refreshing = true;
    state.list.loading_since = Some(now);
    request_page(state, 1, fx);
}
