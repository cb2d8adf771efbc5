//! `:`: the whole filter in its text form (`triage::filter::format`),
//! editable in one line. `Enter` applies it; a parse error keeps the line
//! open with a caret under the offending token and sends nothing; `Tab`
//! completes keys and names (see `completion`). A 400 from the server is
//! shown here too, on the tokens that made the parameter it names.

use std::ops::Range;

use chrono::{DateTime, Utc};
use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::clock::Clock;
use super::completion::{Candidate, Vocabulary, common_prefix, complete};
use super::filter_tokens::{byte_of_char, spans_for_param, token_params};
use super::list::new_filter;
use super::modal::{DialogOutcome, Modal};
use super::msg::Effect;
use super::picker::{PickItem, Picker};
use super::state::State;
use crate::filter::{
    FilterError, MAX_CUSTOM_FIELDS, NameKind, ParseError, TicketFilter, format, parse,
};

/// The filter line while it is open.
#[derive(Debug, Clone)]
pub struct FilterLine {
    pub input: Input,
    /// Why the last `Enter` was refused, for the text as it was then;
    /// editing clears it.
    pub error: Option<LineError>,
    /// Candidates listed by `Tab`, while the user picks among them.
    pub menu: Option<CompletionMenu>,
    /// A short word on the last action ("nothing to complete").
    pub note: Option<String>,
    /// Position in `State::filter_history` while `↑`/`↓` browse it, and
    /// the text typed before browsing began (`↓` past the newest returns it).
    pub recalled: Option<(usize, String)>,
}

/// A refusal pointing at part of the line.
#[derive(Debug, Clone, PartialEq)]
pub struct LineError {
    /// Byte range of the offending text (may be empty where something is
    /// missing).
    pub span: Range<usize>,
    pub message: String,
}

impl From<ParseError> for LineError {
    fn from(e: ParseError) -> LineError {
        LineError {
            span: e.span,
            message: e.message,
        }
    }
}

#[derive(Debug, Clone)]
pub struct CompletionMenu {
    pub candidates: Vec<Candidate>,
    /// The list as drawn (the shared picker), its cursor on `selected`.
    pub picker: Picker,
    /// The candidate in the line now; `None` before the first cycle.
    pub selected: Option<usize>,
    /// Byte range of the line the completion fills now.
    pub filled: Range<usize>,
    pub title: String,
}

/// The candidates as a picker list; the one in the line is marked.
fn picker(title: &str, candidates: &[Candidate], selected: Option<usize>) -> Picker {
    let items = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let item = PickItem::new(i.to_string(), &c.label).color(c.color.as_deref());
            match &c.note {
                Some(note) => item.note(note),
                None => item,
            }
        })
        .collect();
    Picker::single(title, items)
        .with_chosen(selected.map(|i| i.to_string()))
        .without_marks()
}

/// Opens the line on the active filter, cursor at the end, ready for one
/// more token.
pub fn open(state: &mut State) {
    let mut text = format(&state.list.filter);
    if !text.is_empty() {
        text.push(' ');
    }
    state.modal = Some(Modal::FilterLine(FilterLine {
        input: Input::new(text),
        error: None,
        menu: None,
        note: None,
        recalled: None,
    }));
}

/// Keys while the line is open (`update` routes them here and puts the
/// line back as the returned outcome says).
pub fn on_key(
    state: &mut State,
    line: &mut FilterLine,
    ev: KeyEvent,
    clock: Clock,
    fx: &mut Vec<Effect>,
) -> DialogOutcome {
    state.notice = None;
    line.note = None;
    match ev.code {
        KeyCode::Tab => tab(state, line, true),
        KeyCode::BackTab => tab(state, line, false),
        // The completion menu moves on the keys every picker moves on.
        _ if line.menu.is_some() && crate::app::picker::list_step(&ev).is_some() => {
            tab(
                state,
                line,
                crate::app::picker::list_step(&ev) == Some(true),
            );
        }
        KeyCode::Up => recall(state, line, true),
        KeyCode::Down => recall(state, line, false),
        KeyCode::Esc if line.menu.is_some() => line.menu = None,
        KeyCode::Esc => return DialogOutcome::Close,
        // Enter on a listed candidate takes it; the next Enter applies.
        KeyCode::Enter if line.menu.as_ref().is_some_and(|m| m.selected.is_some()) => {
            line.menu = None;
        }
        KeyCode::Enter => return apply(state, line, clock, fx),
        _ => {
            line.menu = None;
            let before = line.input.value().to_string();
            line.input.handle_event(&Event::Key(ev));
            if line.input.value() != before {
                line.error = None;
                line.recalled = None;
            }
        }
    }
    DialogOutcome::Stay
}

/// Parses the line; applies it when it parses and its names resolve, else
/// points at the error.
fn apply(
    state: &mut State,
    line: &mut FilterLine,
    clock: Clock,
    fx: &mut Vec<Effect>,
) -> DialogOutcome {
    let text = line.input.value().to_string();
    let checked = parse(&text).map_err(LineError::from).and_then(|filter| {
        match unresolved(state, &text, &filter, clock.wall) {
            Some(err) => Err(err),
            None => Ok(filter),
        }
    });
    line.menu = None;
    match checked {
        Err(e) => {
            line.error = Some(e);
            DialogOutcome::Stay
        }
        Ok(filter) => {
            remember(state, &text);
            if filter != state.list.filter {
                state.list.filter = filter;
                new_filter(state, clock.now, fx);
            }
            DialogOutcome::Close
        }
    }
}

/// Keeps an applied line for `↑`, once, newest last.
fn remember(state: &mut State, text: &str) {
    super::history::remember(&mut state.filter_history, text);
}

/// `↑` (older) / `↓` (newer) through the filters applied before (in this
/// run and earlier ones), like a shell's history; `↓` past the newest
/// brings back what was typed.
fn recall(state: &State, line: &mut FilterLine, older: bool) {
    let history = &state.filter_history;
    let typed = line.input.value().to_string();
    if let Some(text) = super::history::recall(history, &mut line.recalled, &typed, older) {
        line.input = Input::new(text);
    }
    line.error = None;
}

/// A name, option or field value the catalog cannot turn into the query
/// (`tag:biling`), found before anything is sent and pointed at like a
/// parse error. Only with a catalog that has answered everything it will
/// (else the names may simply not be there yet: the request path checks
/// again when it sends).
fn unresolved(
    state: &State,
    text: &str,
    filter: &TicketFilter,
    wall: DateTime<Utc>,
) -> Option<LineError> {
    let catalog = state.names.catalog().filter(|c| !c.incomplete())?;
    // Checked as the panes check it: against the same clock (relative
    // dates are resolved again when sent).
    let err = filter.to_query_pairs(catalog, wall).err()?;
    let field = |key: &str| format!("custom_field_{key}");
    let span = match &err {
        FilterError::UnknownName { kind, name, .. } => {
            let param = match kind {
                NameKind::Tag => "tag_ids",
                NameKind::Inbox => "inbox_id",
                NameKind::User => "assignee_id",
            };
            item_span(text, param, name)
        }
        FilterError::UnknownOption {
            field: key, label, ..
        } => item_span(text, &field(key), label),
        FilterError::InvalidFieldValue {
            field: key, value, ..
        } => item_span(text, &field(key), value),
        FilterError::TooManyCustomFields { .. } => token_params(text)
            .into_iter()
            .filter(|(_, params)| params.iter().any(|p| p.starts_with("custom_field_")))
            .nth(MAX_CUSTOM_FIELDS)
            .map(|(span, _)| span),
        FilterError::DateOutOfRange { parameter } => {
            spans_for_param(text, parameter).into_iter().next()
        }
    };
    Some(LineError {
        span: span.unwrap_or(text.len()..text.len()),
        message: err.to_string(),
    })
}

/// Where `value` is written in the first token that makes `param`: its own
/// bytes when found as typed (any case), else the whole token.
fn item_span(text: &str, param: &str, value: &str) -> Option<Range<usize>> {
    let spans = spans_for_param(text, param);
    let lower_value = value.to_lowercase();
    for span in &spans {
        let token = &text[span.clone()];
        let lower = token.to_lowercase();
        // Offsets carry over only when lowercasing kept the byte lengths.
        if lower.len() == token.len()
            && lower_value.len() == value.len()
            && !value.is_empty()
            && let Some(at) = lower.find(&lower_value)
        {
            return Some(span.start + at..span.start + at + value.len());
        }
    }
    spans.into_iter().next()
}

/// `Tab` (forward) / `Shift-Tab`: cycles a listed menu, else completes the
/// word before the cursor.
fn tab(state: &State, line: &mut FilterLine, forward: bool) {
    let vocab = vocabulary(state);
    if let Some(menu) = line.menu.as_mut() {
        let n = menu.candidates.len();
        if n > 0 {
            let next = match (menu.selected, forward) {
                (None, true) => 0,
                (None, false) => n - 1,
                (Some(i), true) => (i + 1) % n,
                (Some(i), false) => (i + n - 1) % n,
            };
            menu.filled = replace(
                &mut line.input,
                menu.filled.clone(),
                &menu.candidates[next].insert,
            );
            menu.selected = Some(next);
            menu.picker = picker(&menu.title, &menu.candidates, Some(next));
        }
        return;
    }
    let value = line.input.value().to_string();
    let cursor = byte_of_char(&value, line.input.cursor());
    let found = complete(&value, cursor, &vocab);
    match found.candidates.len() {
        0 => line.note = Some("nothing to complete here".into()),
        1 => {
            replace(&mut line.input, found.replace, &found.candidates[0].insert);
        }
        _ => {
            let typed = &value[found.replace.clone()];
            let prefix = common_prefix(&found.candidates);
            let filled = if extends(&prefix, typed) {
                replace(&mut line.input, found.replace, &prefix)
            } else {
                found.replace
            };
            line.menu = Some(CompletionMenu {
                picker: picker(&found.title, &found.candidates, None),
                title: found.title,
                candidates: found.candidates,
                selected: None,
                filled,
            });
        }
    }
}

/// True when `prefix` is `typed` made longer (case and an opening quote
/// aside), so inserting it loses nothing the user typed.
fn extends(prefix: &str, typed: &str) -> bool {
    let norm = |s: &str| s.trim_start_matches('"').to_lowercase();
    let (p, t) = (norm(prefix), norm(typed));
    p.len() > t.len() && p.starts_with(&t)
}

/// Puts `text` in place of `range` of the input, cursor after it; returns
/// the range `text` now fills.
fn replace(input: &mut Input, range: Range<usize>, text: &str) -> Range<usize> {
    let value = input.value();
    let end = range.end.min(value.len());
    let start = range.start.min(end);
    let mut next = String::with_capacity(value.len() + text.len());
    next.push_str(&value[..start]);
    next.push_str(text);
    let cursor = next.chars().count();
    next.push_str(&value[end..]);
    *input = Input::new(next).with_cursor(cursor);
    start..start + text.len()
}

/// What completion can offer in this session: the catalog's names and
/// the configured `me`.
pub fn vocabulary(state: &State) -> Vocabulary {
    Vocabulary::from_catalog(state.names.catalog(), state.me.as_ref())
}

/// Byte ranges of the line's tokens the server refused, with its message,
/// for the open line (an error whose parameter no token makes has no
/// range and is still said).
pub fn server_errors(state: &State) -> Vec<(Vec<Range<usize>>, String)> {
    let Some(line) = state.filter_line() else {
        return Vec::new();
    };
    state
        .filter_errors
        .iter()
        .map(|e| {
            (
                spans_for_param(line.input.value(), &e.param),
                format!("{}: {}", e.param, e.message),
            )
        })
        .collect()
}
