//! Keys while the filter panel is open. The panel takes every key (but
//! Ctrl-c and Ctrl-z, handled before it): typing narrows lists and fills
//! inputs, so letters cannot also be list-wide shortcuts.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::backend::crossterm::to_input_request;
use tui_input::{Input, InputRequest};

use super::dates::{DateSlot, parse_date_input};
use super::fields::{FieldDef, FieldRefusal, set_field};
use super::pane::PaneKind;
use super::{
    EditorKind, FieldEditor, FilterPanel, PanelMessage, apply_panes, list_index, resolver,
};
use crate::api::Catalog;
use crate::app::clock::Clock;
use crate::app::modal::{DialogOutcome, Help, Modal};
use crate::app::msg::Effect;
use crate::app::picker::{Picker, PickerEvent};
use crate::app::state::State;
use crate::filter::{FieldValue, TicketFilter};
use crate::model::FieldType;

/// What a key asks of the app beyond the panel.
enum Outcome {
    Stay,
    Apply,
    Close,
    Help,
}

/// `f`: opens the panel on the list's filter.
pub fn open(state: &mut State) {
    let mut panel = FilterPanel::open(&state.list.filter);
    // Back on the pane used last, so Tab / Shift-Tab go on from there.
    if let Some(pane) = state.filter_panel_focus {
        panel.focus = pane;
    }
    state.modal = Some(Modal::FilterPanel(Box::new(panel)));
    sync(state);
}

/// Keeps an open panel in step with what arrived (names, pages, filter
/// errors): called by `update` after the messages that may bring them
/// while the panel is open (its own keys sync it through `sync_panel`).
pub fn sync(state: &mut State) {
    let names = Arc::clone(&state.names);
    let tickets = state.list.table.tickets();
    if let Some(panel) = state.modal.as_mut().and_then(Modal::filter_panel_mut) {
        panel.sync(
            names.catalog(),
            state.me.as_ref(),
            tickets,
            &state.filter_errors,
        );
    }
}

/// [`sync`] for the panel whose key is being handled (out of `State`).
fn sync_panel(state: &State, panel: &mut FilterPanel) {
    panel.sync(
        state.names.catalog(),
        state.me.as_ref(),
        state.list.table.tickets(),
        &state.filter_errors,
    );
}

/// The panel's keys for what has focus now, as (key, what it does): the
/// one hint line of the panel. The list's keymap does not apply while the
/// panel is open (it takes every key), so these are all there is.
pub fn hints(panel: &FilterPanel) -> Vec<(&'static str, &'static str)> {
    let typing = panel.takes_text();
    if panel.focus == PaneKind::Fields
        && let Some(editor) = &panel.fields.editor
    {
        return match &editor.kind {
            EditorKind::Pick(p) if p.is_typing() => vec![
                ("↑/↓", "move"),
                ("Space/Enter", "choose"),
                ("Esc", "clear text"),
            ],
            EditorKind::Pick(_) => vec![
                ("↑/↓", "move"),
                ("Space/Enter", "choose"),
                ("Esc", "back"),
                ("?", "help"),
            ],
            EditorKind::Input { .. } => {
                vec![("Enter", "set"), ("↑", "is empty"), ("Esc", "back")]
            }
        };
    }
    let mut out = vec![("Tab", "pane")];
    match panel.focus {
        PaneKind::Fields => out.extend([("Space", "edit"), ("Del", "drop field")]),
        PaneKind::Dates => out.extend([("↑/↓", "input"), ("Ctrl-u", "clear input")]),
        _ => out.push(("Space", "toggle")),
    }
    if !typing && panel.focus != PaneKind::Dates {
        out.push(("a-z", "narrow"));
    }
    out.push(("Enter", "apply"));
    if typing {
        out.push(("Esc", "clear text"));
    } else {
        out.extend([
            ("Esc", "close"),
            ("Ctrl-x/r", "clear pane/all"),
            ("?", "help"),
        ]);
    }
    out
}

/// Handles one key press while the panel is open (the router hands it
/// over and puts it back as the returned outcome says): the panel's own
/// work is [`FilterPanel::handle_key`]; this is what the app does with
/// its answer.
pub fn on_key(
    state: &mut State,
    panel: &mut FilterPanel,
    ev: KeyEvent,
    clock: Clock,
    fx: &mut Vec<Effect>,
) -> DialogOutcome {
    state.notice = None;
    let names = Arc::clone(&state.names);
    match panel.handle_key(ev, names.catalog(), &state.list.filter, clock.wall) {
        PanelOutcome::Stay => {}
        PanelOutcome::Close => {
            state.filter_panel_focus = Some(panel.focus);
            return DialogOutcome::Close;
        }
        // Help is drawn over the panel and takes the keys until closed;
        // the panel stays as it was (a copy, once per `?`).
        PanelOutcome::Help => {
            let under = Modal::FilterPanel(Box::new(panel.clone()));
            return DialogOutcome::Replace(Modal::Help(Help {
                scroll: 0,
                under: Some(Box::new(under)),
            }));
        }
        // An open saved view stays named: the header and the bar mark it
        // modified (`*`), and `w` saves the change into it.
        PanelOutcome::Apply(next) => {
            state.list.filter = *next;
            state.filter_errors.clear();
            crate::app::list::new_filter(state, clock.now, fx);
        }
    }
    sync_panel(state, panel);
    DialogOutcome::Stay
}

/// What a key in the panel asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum PanelOutcome {
    Stay,
    Close,
    Help,
    /// `Enter` with a draft that can be sent and differs from the list's
    /// filter: the list's new filter.
    Apply(Box<TicketFilter>),
}

impl FilterPanel {
    /// One key, given what the panel reads of the app (the names, the
    /// list's filter, the time): it changes the panel and nothing else.
    pub fn handle_key(
        &mut self,
        ev: KeyEvent,
        catalog: Option<&Catalog>,
        filter: &TicketFilter,
        wall: DateTime<Utc>,
    ) -> PanelOutcome {
        self.message = None;
        let outcome = match ev.code {
            // `?` is help wherever it is not text being typed (no date form
            // and no list key has it).
            KeyCode::Char('?') if plain_char(&ev).is_some() && !self.takes_text() => Outcome::Help,
            KeyCode::Tab => {
                self.focus = self.focus.next();
                Outcome::Stay
            }
            KeyCode::BackTab => {
                self.focus = self.focus.prev();
                Outcome::Stay
            }
            _ => match self.focus {
                PaneKind::Fields => fields_key(self, catalog, ev, wall),
                PaneKind::Dates => dates_key(self, ev),
                pane => list_key(self, pane, catalog, ev),
            },
        };
        match outcome {
            Outcome::Stay => PanelOutcome::Stay,
            Outcome::Close => PanelOutcome::Close,
            Outcome::Help => PanelOutcome::Help,
            Outcome::Apply => match apply(self, catalog, filter, wall) {
                Some(next) => PanelOutcome::Apply(Box::new(next)),
                None => PanelOutcome::Stay,
            },
        }
    }
}

fn plain_char(ev: &KeyEvent) -> Option<char> {
    match ev.code {
        KeyCode::Char(c)
            if !ev
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(c)
        }
        _ => None,
    }
}

/// The row under a picker's cursor, as an index into its items.
fn current_index(picker: &Picker) -> Option<usize> {
    picker.visible().get(picker.cursor()).copied()
}

/// `Ctrl-x` clears the focused pane, `Ctrl-r` every pane: control keys,
/// because every printable key narrows (the one rule of every picker).
fn clear_key(panel: &mut FilterPanel, pane: PaneKind, ev: &KeyEvent) {
    if !ev.modifiers.contains(KeyModifiers::CONTROL) {
        return;
    }
    match ev.code {
        KeyCode::Char('x') => panel.clear_pane(pane),
        KeyCode::Char('r') => panel.clear_all(),
        _ => {}
    }
}

fn list_key(
    panel: &mut FilterPanel,
    pane: PaneKind,
    catalog: Option<&Catalog>,
    ev: KeyEvent,
) -> Outcome {
    let Some(i) = list_index(pane) else {
        return Outcome::Stay;
    };
    // Enter applies the whole panel; a single picker would take it as
    // "choose the row under the cursor".
    if ev.code == KeyCode::Enter {
        return Outcome::Apply;
    }
    let under = current_index(&panel.pickers[i]);
    match panel.pickers[i].handle_key(&ev) {
        PickerEvent::Toggled => {
            if let Some(row) = under.and_then(|r| panel.rows[i].get(r)) {
                let choice = row.choice.clone();
                choice.toggle(&mut panel.draft, resolver(catalog));
            }
        }
        PickerEvent::Cancelled => return Outcome::Close,
        PickerEvent::Ignored => clear_key(panel, pane, &ev),
        PickerEvent::Consumed | PickerEvent::Accepted(_) => {}
    }
    Outcome::Stay
}

// ---- custom fields -------------------------------------------------------------

fn fields_key(
    panel: &mut FilterPanel,
    catalog: Option<&Catalog>,
    ev: KeyEvent,
    wall: DateTime<Utc>,
) -> Outcome {
    if let Some(key) = panel.fields.editor.as_ref().map(|e| e.key.clone()) {
        match panel.fields.defs.iter().find(|d| d.key == key).cloned() {
            Some(def) => editor_key(panel, &def, catalog, ev, wall),
            None => panel.fields.editor = None,
        }
        return Outcome::Stay;
    }
    if ev.code == KeyCode::Enter {
        return Outcome::Apply;
    }
    let under = current_index(&panel.fields.picker).and_then(|i| panel.fields.defs.get(i).cloned());
    let typing = panel.fields.picker.is_typing();
    // Del (or Backspace when not typing) drops the field under the cursor.
    if ev.code == KeyCode::Delete || (ev.code == KeyCode::Backspace && !typing) {
        if let Some(def) = under {
            panel.draft.set_field(def.key, None);
        }
        return Outcome::Stay;
    }
    match panel.fields.picker.handle_key(&ev) {
        // Space opens the field's editor rather than marking it.
        PickerEvent::Toggled => {
            if let Some(def) = under {
                // An 11th field is refused before its editor opens, not
                // after a value was typed into it.
                match super::fields::room_for(&panel.draft, &def.key) {
                    Err(refusal) => {
                        panel.message = Some(PanelMessage {
                            text: refusal.to_string(),
                            error: true,
                        });
                    }
                    Ok(()) => {
                        let current = panel.draft.custom_fields.get(&def.key);
                        panel.fields.editor = Some(open_editor(&def, current));
                    }
                }
            }
        }
        PickerEvent::Cancelled => return Outcome::Close,
        PickerEvent::Ignored => clear_key(panel, PaneKind::Fields, &ev),
        PickerEvent::Consumed | PickerEvent::Accepted(_) => {}
    }
    Outcome::Stay
}

/// An editor opened on the field's current value.
fn open_editor(def: &FieldDef, current: Option<&FieldValue>) -> FieldEditor {
    let kind = if def.is_pick() {
        let choices = def.pick_choices();
        let items = choices
            .iter()
            .enumerate()
            .map(|(n, (label, _))| crate::app::picker::PickItem::new(n.to_string(), label))
            .collect();
        let chosen = current
            .and_then(|v| {
                choices
                    .iter()
                    .position(|(_, c)| def.value_text(c) == def.value_text(v))
            })
            .map(|n| n.to_string());
        // A multi_select filter names one option the ticket's set must hold.
        let title = match def.field_type {
            Some(FieldType::MultiSelect) => format!("{} · has", def.label),
            _ => def.label.clone(),
        };
        EditorKind::Pick(Picker::single(title, items).with_chosen(chosen))
    } else {
        let (row, text) = match current {
            Some(FieldValue::Empty) => (0, String::new()),
            Some(FieldValue::Value(v)) => (1, v.clone()),
            None => (1, String::new()),
        };
        EditorKind::Input {
            row,
            input: Input::new(text),
        }
    };
    FieldEditor {
        key: def.key.clone(),
        kind,
    }
}

fn editor_key(
    panel: &mut FilterPanel,
    def: &FieldDef,
    catalog: Option<&Catalog>,
    ev: KeyEvent,
    wall: DateTime<Utc>,
) {
    let Some(editor) = panel.fields.editor.as_mut() else {
        return;
    };
    let value = match &mut editor.kind {
        EditorKind::Pick(picker) => {
            let under = current_index(picker);
            match picker.handle_key(&ev) {
                PickerEvent::Toggled | PickerEvent::Accepted(_) => {
                    under.and_then(|n| def.pick_choices().into_iter().nth(n).map(|(_, v)| v))
                }
                PickerEvent::Cancelled => {
                    panel.fields.editor = None;
                    return;
                }
                _ => return,
            }
        }
        EditorKind::Input { row, input } => match ev.code {
            KeyCode::Esc => {
                panel.fields.editor = None;
                return;
            }
            KeyCode::Up => {
                *row = 0;
                return;
            }
            KeyCode::Down => {
                *row = 1;
                return;
            }
            KeyCode::Enter | KeyCode::Char(' ') if *row == 0 => Some(FieldValue::Empty),
            KeyCode::Enter => {
                let text = input.value().trim().to_string();
                if text.is_empty() {
                    // Nothing typed: the field is no longer filtered on.
                    panel.draft.set_field(def.key.clone(), None);
                    panel.fields.editor = None;
                    return;
                }
                Some(FieldValue::Value(text))
            }
            _ => {
                if let Some(req) = to_input_request(&Event::Key(ev)) {
                    *row = 1;
                    input.handle(req);
                }
                return;
            }
        },
    };
    let Some(value) = value else {
        return;
    };
    match set_field(&mut panel.draft, &def.key, value, resolver(catalog), wall) {
        Ok(()) => panel.fields.editor = None,
        Err(e) => {
            if matches!(e, FieldRefusal::TooMany { .. }) {
                panel.fields.editor = None;
            }
            panel.message = Some(PanelMessage {
                text: e.to_string(),
                error: true,
            });
        }
    }
}

// ---- dates -------------------------------------------------------------------------

fn dates_key(panel: &mut FilterPanel, ev: KeyEvent) -> Outcome {
    let last = DateSlot::ALL.len() - 1;
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    let dates = &mut panel.dates;
    match (ev.code, plain_char(&ev)) {
        (KeyCode::Enter, _) => return Outcome::Apply,
        (KeyCode::Esc, _) => return Outcome::Close,
        // The inputs take every printable key, as every picker does.
        (KeyCode::Down, _) => dates.cursor = (dates.cursor + 1).min(last),
        (KeyCode::Up, _) => dates.cursor = dates.cursor.saturating_sub(1),
        (KeyCode::Char('n'), _) if ctrl => dates.cursor = (dates.cursor + 1).min(last),
        (KeyCode::Char('p'), _) if ctrl => dates.cursor = dates.cursor.saturating_sub(1),
        (KeyCode::Char('x' | 'r'), _) if ctrl => clear_key(panel, PaneKind::Dates, &ev),
        _ => {
            let n = dates.cursor.min(last);
            let input = &mut dates.inputs[n];
            let req = match ev.code {
                KeyCode::Char('u') if ev.modifiers.contains(KeyModifiers::CONTROL) => {
                    Some(InputRequest::DeleteLine)
                }
                _ => to_input_request(&Event::Key(ev)),
            };
            if let Some(req) = req {
                input.handle(req);
                // Valid text takes effect in the draft at once; invalid text
                // leaves the draft as it was and blocks Enter.
                if let Ok(bound) = parse_date_input(input.value()) {
                    DateSlot::ALL[n].set(&mut panel.draft, bound);
                }
            }
        }
    }
    Outcome::Stay
}

// ---- apply -----------------------------------------------------------------------

/// `Enter`: the draft as the list's next filter, unless something in it
/// cannot be sent or nothing changed; the panel says which.
fn apply(
    panel: &mut FilterPanel,
    catalog: Option<&Catalog>,
    filter: &TicketFilter,
    wall: DateTime<Utc>,
) -> Option<TicketFilter> {
    if let Some((slot, _)) = panel.dates.first_invalid() {
        panel.focus = PaneKind::Dates;
        panel.dates.cursor = DateSlot::ALL.iter().position(|s| *s == slot).unwrap_or(0);
        // Short: the forms a date may take are shown under the input, and
        // a long message here would push the inputs off a small screen.
        let text = panel.date_input(slot).value().trim();
        panel.message = Some(PanelMessage {
            text: format!("{}: '{text}' is not a date, nothing sent", slot.label()),
            error: true,
        });
        return None;
    }
    let mut next = filter.clone();
    apply_panes(&panel.draft, &mut next);
    if let Err(e) = next.to_query_pairs(resolver(catalog), wall) {
        panel.message = Some(PanelMessage {
            text: super::request::why_not_sent(&e, catalog),
            error: true,
        });
        return None;
    }
    if next == *filter {
        panel.message = Some(PanelMessage {
            text: "no change to apply".into(),
            error: false,
        });
        return None;
    }
    panel.message = Some(PanelMessage {
        text: "applied".into(),
        error: false,
    });
    Some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn the_panel_answers_with_the_filter_to_apply_and_changes_only_itself() {
        let filter = TicketFilter::default();
        let wall = DateTime::from_timestamp(1_796_000_000, 0).unwrap();
        let mut panel = FilterPanel::open(&filter);
        panel.sync(None, None, &[], &[]);
        let mut press =
            |code, filter: &TicketFilter| panel.handle_key(key(code), None, filter, wall);
        assert_eq!(press(KeyCode::Char(' '), &filter), PanelOutcome::Stay);
        let PanelOutcome::Apply(next) = press(KeyCode::Enter, &filter) else {
            panic!("Enter after a toggle applies the draft");
        };
        assert_eq!(next.statuses.len(), 1, "{next:?}");
        assert_eq!(press(KeyCode::Enter, &next), PanelOutcome::Stay);
        assert_eq!(
            panel.message.as_ref().map(|m| m.text.as_str()),
            Some("no change to apply")
        );
        let mut press =
            |code, filter: &TicketFilter| panel.handle_key(key(code), None, filter, wall);
        assert_eq!(press(KeyCode::Char('?'), &next), PanelOutcome::Help);
        assert_eq!(press(KeyCode::Esc, &next), PanelOutcome::Close);
        assert_eq!(
            panel.message.as_ref().map(|m| m.text.as_str()),
            None,
            "each key starts without the last one's message"
        );
    }

    #[test]
    fn a_draft_that_cannot_be_sent_is_kept_and_says_why() {
        let filter = TicketFilter::default();
        let wall = DateTime::from_timestamp(1_796_000_000, 0).unwrap();
        let mut panel = FilterPanel::open(&filter);
        panel.focus = PaneKind::Dates;
        for c in "soon".chars() {
            panel.handle_key(key(KeyCode::Char(c)), None, &filter, wall);
        }
        assert_eq!(
            panel.handle_key(key(KeyCode::Enter), None, &filter, wall),
            PanelOutcome::Stay
        );
        let message = panel.message.clone().expect("the panel says why");
        assert!(
            message.error && message.text.contains("'soon' is not a date"),
            "{message:?}"
        );
    }
}
