//! Keys while the filter panel is open. The panel takes every key (but
//! Ctrl-c and Ctrl-z, handled before it): typing narrows lists and fills
//! inputs, so letters cannot also be list-wide shortcuts.

use std::sync::Arc;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tokio::time::Instant;
use tui_input::backend::crossterm::to_input_request;
use tui_input::{Input, InputRequest};

use super::choice::Choice;
use super::dates::{DateSlot, parse_date_input};
use super::fields::{FieldDef, FieldRefusal, field_defs, set_field};
use super::pane::PaneKind;
use super::rows::{self, Row};
use super::{FieldEditor, FilterPanel, PanelMessage, apply_panes, resolver, wall_now};
use crate::api::Catalog;
use crate::api::types::Ticket;
use crate::app::msg::Effect;
use crate::app::state::State;
use crate::filter::{EntityRef, FieldValue};

/// What a key asks of the app beyond the panel.
enum Outcome {
    Stay,
    Apply,
    Close,
}

/// Everything a key handler reads besides the panel.
struct Ctx<'a> {
    catalog: Option<&'a Catalog>,
    me: Option<&'a EntityRef>,
}

/// Handles one key press while the panel is open.
pub fn on_key(state: &mut State, ev: KeyEvent, now: Instant, fx: &mut Vec<Effect>) {
    if ev.modifiers.contains(KeyModifiers::CONTROL) && ev.code == KeyCode::Char('c') {
        fx.push(Effect::Quit);
        return;
    }
    let names = Arc::clone(&state.names);
    let me = state.me.clone();
    let ctx = Ctx {
        catalog: names.catalog(),
        me: me.as_ref(),
    };
    let tickets = state.table.tickets();
    let Some(panel) = state.filter_panel.as_mut() else {
        return;
    };
    panel.learn(tickets);
    state.dirty = true;
    panel.message = None;
    let outcome = match ev.code {
        KeyCode::Tab => {
            panel.focus = panel.focus.next();
            Outcome::Stay
        }
        KeyCode::BackTab => {
            panel.focus = panel.focus.prev();
            Outcome::Stay
        }
        _ => match panel.focus {
            PaneKind::Fields => fields_key(panel, &ctx, ev),
            PaneKind::Dates => dates_key(panel, ev),
            pane => list_key(panel, pane, &ctx, ev),
        },
    };
    match outcome {
        Outcome::Stay => {}
        Outcome::Close => state.filter_panel = None,
        Outcome::Apply => apply(state, ctx.catalog, now, fx),
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

/// The rows a list pane shows now, a typed UUID included. `tickets` is
/// the page on screen (statuses and priorities are learned from it).
pub fn pane_rows(
    panel: &FilterPanel,
    pane: PaneKind,
    catalog: Option<&Catalog>,
    me: Option<&EntityRef>,
    tickets: &[Ticket],
) -> Vec<Row> {
    let learned = panel.learned_with(tickets);
    let mut rows = rows::rows(pane, catalog, me, &learned, &panel.draft);
    if let Some(list) = panel.list(pane)
        && let Some(row) = rows::typed_id_row(pane, &list.narrow, &rows)
    {
        rows.push(row);
    }
    rows
}

fn list_key(panel: &mut FilterPanel, pane: PaneKind, ctx: &Ctx<'_>, ev: KeyEvent) -> Outcome {
    let rows = pane_rows(panel, pane, ctx.catalog, ctx.me, &[]);
    let Some(list) = panel.list_mut(pane) else {
        return Outcome::Stay;
    };
    let narrowing = !list.narrow.is_empty();
    let len = list.visible(&rows).len();
    match (ev.code, plain_char(&ev)) {
        (KeyCode::Enter, _) => return Outcome::Apply,
        (KeyCode::Esc, _) if narrowing => {
            list.narrow.clear();
            list.cursor = 0;
        }
        (KeyCode::Esc, _) => return Outcome::Close,
        (KeyCode::Down, _) => list.cursor = (list.cursor + 1).min(len.saturating_sub(1)),
        (KeyCode::Up, _) => list.cursor = list.cursor.saturating_sub(1),
        (KeyCode::Home, _) => list.cursor = 0,
        (KeyCode::End, _) => list.cursor = len.saturating_sub(1),
        (KeyCode::Backspace, _) => {
            list.narrow.pop();
            list.cursor = 0;
        }
        (_, Some(' ')) => {
            let picked = list
                .visible(&rows)
                .get(list.cursor)
                .map(|(_, r)| r.choice.clone());
            if let Some(choice) = picked {
                toggle(panel, ctx, &choice);
            }
        }
        (_, Some('j')) if !narrowing => list.cursor = (list.cursor + 1).min(len.saturating_sub(1)),
        (_, Some('k')) if !narrowing => list.cursor = list.cursor.saturating_sub(1),
        (_, Some('x')) if !narrowing => panel.clear_pane(pane),
        (_, Some('X')) if !narrowing => panel.clear_all(),
        (_, Some(c)) => {
            list.narrow.push(c);
            list.cursor = 0;
        }
        _ => {}
    }
    Outcome::Stay
}

fn toggle(panel: &mut FilterPanel, ctx: &Ctx<'_>, choice: &Choice) {
    choice.toggle(&mut panel.draft, resolver(ctx.catalog));
}

// ---- custom fields -------------------------------------------------------------

/// The fields the pane lists, narrowed by what was typed.
pub fn visible_fields(panel: &FilterPanel, catalog: Option<&Catalog>) -> Vec<FieldDef> {
    let (defs, _) = field_defs(catalog, &panel.draft);
    let wanted = panel.fields.list.narrow.to_lowercase();
    defs.into_iter()
        .filter(|d| {
            wanted.is_empty()
                || d.label.to_lowercase().contains(&wanted)
                || d.key.to_lowercase().contains(&wanted)
        })
        .collect()
}

fn fields_key(panel: &mut FilterPanel, ctx: &Ctx<'_>, ev: KeyEvent) -> Outcome {
    let defs = visible_fields(panel, ctx.catalog);
    if let Some(editor) = panel.fields.editor.as_ref() {
        let Some(def) = defs.iter().find(|d| d.key == editor.key).cloned().or_else(|| {
            field_defs(ctx.catalog, &panel.draft)
                .0
                .into_iter()
                .find(|d| d.key == editor.key)
        }) else {
            panel.fields.editor = None;
            return Outcome::Stay;
        };
        return editor_key(panel, &def, ctx, ev);
    }
    let list = &mut panel.fields.list;
    let narrowing = !list.narrow.is_empty();
    let len = defs.len();
    match (ev.code, plain_char(&ev)) {
        (KeyCode::Enter, _) => return Outcome::Apply,
        (KeyCode::Esc, _) if narrowing => {
            list.narrow.clear();
            list.cursor = 0;
        }
        (KeyCode::Esc, _) => return Outcome::Close,
        (KeyCode::Down, _) => list.cursor = (list.cursor + 1).min(len.saturating_sub(1)),
        (KeyCode::Up, _) => list.cursor = list.cursor.saturating_sub(1),
        (KeyCode::Home, _) => list.cursor = 0,
        (KeyCode::End, _) => list.cursor = len.saturating_sub(1),
        (KeyCode::Backspace, _) if narrowing => {
            list.narrow.pop();
            list.cursor = 0;
        }
        // Del (or Backspace when not narrowing) drops the field under the cursor.
        (KeyCode::Delete | KeyCode::Backspace, _) => {
            if let Some(def) = defs.get(list.cursor) {
                panel.draft.set_field(def.key.clone(), None);
            }
        }
        (_, Some(' ')) => {
            if let Some(def) = defs.get(list.cursor) {
                panel.fields.editor = Some(open_editor(def, panel.draft.custom_fields.get(&def.key)));
            }
        }
        (_, Some('j')) if !narrowing => list.cursor = (list.cursor + 1).min(len.saturating_sub(1)),
        (_, Some('k')) if !narrowing => list.cursor = list.cursor.saturating_sub(1),
        (_, Some('x')) if !narrowing => panel.clear_pane(PaneKind::Fields),
        (_, Some('X')) if !narrowing => panel.clear_all(),
        (_, Some(c)) => {
            list.narrow.push(c);
            list.cursor = 0;
        }
        _ => {}
    }
    Outcome::Stay
}

/// An editor opened on the field's current value.
fn open_editor(def: &FieldDef, current: Option<&FieldValue>) -> FieldEditor {
    if def.is_pick() {
        let cursor = current
            .and_then(|v| def.pick_choices().iter().position(|(_, c)| c == v || def.value_text(c) == def.value_text(v)))
            .unwrap_or(0);
        return FieldEditor {
            key: def.key.clone(),
            cursor,
            input: Input::default(),
        };
    }
    let (cursor, text) = match current {
        Some(FieldValue::Empty) => (0, String::new()),
        Some(FieldValue::Value(v)) => (1, v.clone()),
        None => (1, String::new()),
    };
    FieldEditor {
        key: def.key.clone(),
        cursor,
        input: Input::new(text),
    }
}

fn editor_key(panel: &mut FilterPanel, def: &FieldDef, ctx: &Ctx<'_>, ev: KeyEvent) -> Outcome {
    let Some(editor) = panel.fields.editor.as_mut() else {
        return Outcome::Stay;
    };
    let choose: Option<FieldValue>;
    if def.is_pick() {
        let choices = def.pick_choices();
        let len = choices.len();
        match (ev.code, plain_char(&ev)) {
            (KeyCode::Esc, _) => {
                panel.fields.editor = None;
                return Outcome::Stay;
            }
            (KeyCode::Down, _) | (_, Some('j')) => {
                editor.cursor = (editor.cursor + 1).min(len.saturating_sub(1));
                return Outcome::Stay;
            }
            (KeyCode::Up, _) | (_, Some('k')) => {
                editor.cursor = editor.cursor.saturating_sub(1);
                return Outcome::Stay;
            }
            (_, Some('x')) => {
                panel.draft.set_field(def.key.clone(), None);
                panel.fields.editor = None;
                return Outcome::Stay;
            }
            (KeyCode::Enter, _) | (_, Some(' ')) => {
                choose = choices.get(editor.cursor).map(|(_, v)| v.clone());
            }
            _ => return Outcome::Stay,
        }
    } else {
        match ev.code {
            KeyCode::Esc => {
                panel.fields.editor = None;
                return Outcome::Stay;
            }
            KeyCode::Up => {
                editor.cursor = 0;
                return Outcome::Stay;
            }
            KeyCode::Down => {
                editor.cursor = 1;
                return Outcome::Stay;
            }
            KeyCode::Enter if editor.cursor == 0 => choose = Some(FieldValue::Empty),
            KeyCode::Char(' ') if editor.cursor == 0 => choose = Some(FieldValue::Empty),
            KeyCode::Enter => {
                let text = editor.input.value().trim().to_string();
                if text.is_empty() {
                    // Nothing typed: the field is no longer filtered on.
                    panel.draft.set_field(def.key.clone(), None);
                    panel.fields.editor = None;
                    return Outcome::Stay;
                }
                choose = Some(FieldValue::Value(text));
            }
            _ => {
                if let Some(req) = to_input_request(&Event::Key(ev)) {
                    editor.cursor = 1;
                    editor.input.handle(req);
                }
                return Outcome::Stay;
            }
        }
    }
    let Some(value) = choose else {
        return Outcome::Stay;
    };
    match set_field(
        &mut panel.draft,
        &def.key,
        value,
        resolver(ctx.catalog),
        wall_now(),
    ) {
        Ok(()) => panel.fields.editor = None,
        Err(e) => {
            panel.message = Some(PanelMessage {
                text: e.to_string(),
                error: true,
            });
            if matches!(e, FieldRefusal::TooMany { .. }) {
                panel.fields.editor = None;
            }
        }
    }
    Outcome::Stay
}

// ---- dates -------------------------------------------------------------------------

fn dates_key(panel: &mut FilterPanel, ev: KeyEvent) -> Outcome {
    let rows = DateSlot::ALL.len();
    let dates = &mut panel.dates;
    match (ev.code, plain_char(&ev)) {
        (KeyCode::Enter, _) => return Outcome::Apply,
        (KeyCode::Esc, _) => return Outcome::Close,
        // No date form has j, k or x in it: they keep their list meaning.
        (KeyCode::Down, _) | (_, Some('j')) => dates.cursor = (dates.cursor + 1).min(rows - 1),
        (KeyCode::Up, _) | (_, Some('k')) => dates.cursor = dates.cursor.saturating_sub(1),
        (_, Some('x')) => panel.clear_pane(PaneKind::Dates),
        (_, Some('X')) => panel.clear_all(),
        _ => {
            let slot = DateSlot::ALL[dates.cursor.min(rows - 1)];
            let input = &mut dates.inputs[dates.cursor.min(rows - 1)];
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
                    slot.set(&mut panel.draft, bound);
                }
            }
        }
    }
    Outcome::Stay
}

// ---- apply -----------------------------------------------------------------------

/// `Enter`: the draft becomes the list's filter, unless something in it
/// cannot be sent; then the pane at fault says why and nothing is sent.
fn apply(state: &mut State, catalog: Option<&Catalog>, now: Instant, fx: &mut Vec<Effect>) {
    let Some(panel) = state.filter_panel.as_mut() else {
        return;
    };
    if let Some((slot, message)) = panel.dates.first_invalid() {
        panel.focus = PaneKind::Dates;
        panel.dates.cursor = DateSlot::ALL.iter().position(|s| *s == slot).unwrap_or(0);
        panel.message = Some(PanelMessage {
            text: format!("{}: {message}", slot.label()),
            error: true,
        });
        return;
    }
    let mut next = state.filter.clone();
    apply_panes(&panel.draft, &mut next);
    if let Err(e) = next.to_query_pairs(resolver(catalog), wall_now()) {
        panel.message = Some(PanelMessage {
            text: crate::text::sanitize(&e.to_string()).into_owned(),
            error: true,
        });
        return;
    }
    if next == state.filter {
        panel.message = Some(PanelMessage {
            text: "already applied".into(),
            error: false,
        });
        return;
    }
    panel.message = Some(PanelMessage {
        text: "applied".into(),
        error: false,
    });
    state.filter = next;
    // The list no longer shows the saved view it was opened on.
    state.scope.view = None;
    state.filter_errors.clear();
    crate::app::update::new_query(state, now, fx);
}
