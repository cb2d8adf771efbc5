//! Keys while a triage dialog is open: pickers, the snooze input, the
//! confirmation, the progress of a bulk run and its report.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use super::change::Change;
use super::choices::change_for;
use super::compose;
use super::jobs;
use super::run::{apply, run_bulk};
use super::snooze::{PRESETS, parse_remind_at};
use super::undo::run_undo;
use super::{Confirmed, Dialog, FieldEdit, FieldEditKind, PickKind, Targets, routing};
use crate::app::clock::Clock;
use crate::app::modal::{DialogOutcome, Modal};
use crate::app::msg::Effect;
use crate::app::picker::Picker;
use crate::app::picker::{PickerEvent, list_step};
use crate::app::state::State;

/// A key for the open dialog, handed over by `update`'s router, which puts
/// the dialog back, or not, as the returned [`DialogOutcome`] says.
pub fn on_key(
    state: &mut State,
    dialog: &mut Dialog,
    ev: &KeyEvent,
    clock: Clock,
    fx: &mut Vec<Effect>,
) -> DialogOutcome {
    match dialog {
        Dialog::Pick {
            kind,
            picker,
            targets,
        } => {
            let kind = *kind;
            match picker.handle_key(ev) {
                PickerEvent::Accepted(_) if kind == PickKind::Field => {
                    pick_field(state, picker, targets)
                }
                // An empty choice, or `Esc`, starts blank: `R` as without
                // canned replies.
                PickerEvent::Accepted(chosen) if kind == PickKind::Reply => {
                    let key = chosen.into_iter().next();
                    super::canned::picked(state, key.as_deref(), targets.clone(), fx);
                    DialogOutcome::Close
                }
                PickerEvent::Cancelled if kind == PickKind::Reply => {
                    super::canned::picked(state, None, targets.clone(), fx);
                    DialogOutcome::Close
                }
                PickerEvent::Accepted(chosen) if kind == PickKind::Command => {
                    let index = chosen
                        .into_iter()
                        .next()
                        .and_then(|key| key.parse::<usize>().ok());
                    match index {
                        Some(i) => {
                            crate::app::commands::start(state, i, fx);
                            DialogOutcome::Close
                        }
                        // Nothing matched the query: stay open.
                        None => DialogOutcome::Stay,
                    }
                }
                PickerEvent::Accepted(chosen) if kind == PickKind::Macro => {
                    let entry = chosen
                        .into_iter()
                        .next()
                        .and_then(|key| key.parse::<usize>().ok())
                        .and_then(|i| state.macros.get(i).cloned());
                    match entry {
                        Some(entry) => {
                            super::macro_run::run_on(state, &entry, targets.clone(), clock, fx);
                            DialogOutcome::Close
                        }
                        // Nothing matched the query: stay open.
                        None => DialogOutcome::Stay,
                    }
                }
                PickerEvent::Accepted(chosen) => {
                    let catalog = state.names.catalog().cloned();
                    let picked = match kind {
                        PickKind::Tags => routing::tags_change(picker, catalog.as_ref()),
                        _ => chosen
                            .into_iter()
                            .next()
                            .and_then(|key| change_for(kind, &key, catalog.as_ref())),
                    };
                    if let Some(change) = picked {
                        apply(state, change, targets.clone(), fx);
                        return DialogOutcome::Close;
                    }
                    if kind == PickKind::Tags {
                        state.say("nothing marked: Space marks a tag to add, again to remove");
                    }
                    // Nothing matched the query: stay open.
                    DialogOutcome::Stay
                }
                PickerEvent::Cancelled => DialogOutcome::Close,
                _ => DialogOutcome::Stay,
            }
        }
        Dialog::Snooze(dialog) => match ev.code {
            KeyCode::Esc => DialogOutcome::Close,
            KeyCode::Enter => match parse_remind_at(dialog.input.value(), &clock.local()) {
                Ok(until) => {
                    let change = Change::Snooze {
                        until,
                        waiting: dialog.waiting.clone(),
                        back_to: dialog.back_to.get(dialog.back_idx).and_then(|s| s.id),
                    };
                    apply(state, change, dialog.targets.clone(), fx);
                    DialogOutcome::Close
                }
                Err(e) => {
                    dialog.error = Some(e.to_string());
                    DialogOutcome::Stay
                }
            },
            KeyCode::Tab | KeyCode::BackTab => {
                let n = dialog.back_to.len().max(1);
                dialog.back_idx = if ev.code == KeyCode::Tab {
                    (dialog.back_idx + 1) % n
                } else {
                    (dialog.back_idx + n - 1) % n
                };
                DialogOutcome::Stay
            }
            // Cycle the presets into the input: the keys that move in every
            // picker.
            _ if list_step(ev).is_some() => {
                let down = list_step(ev) == Some(true);
                let pos = PRESETS.iter().position(|p| *p == dialog.input.value());
                let next = match (pos, down) {
                    (None, true) => 0,
                    (None, false) => PRESETS.len() - 1,
                    (Some(i), true) => (i + 1) % PRESETS.len(),
                    (Some(i), false) => (i + PRESETS.len() - 1) % PRESETS.len(),
                };
                dialog.input = tui_input::Input::new(PRESETS[next].to_string());
                dialog.error = None;
                DialogOutcome::Stay
            }
            _ => {
                if dialog.input.handle_event(&Event::Key(*ev)).is_some() {
                    dialog.error = None;
                }
                DialogOutcome::Stay
            }
        },
        Dialog::FieldEdit(edit) => field_edit_key(state, edit, ev, fx),
        Dialog::Confirm { then, .. } => match ev.code {
            KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => {
                match then.clone() {
                    Confirmed::Bulk { change, targets } => run_bulk(state, change, targets, fx),
                    Confirmed::Single { change, ticket } => {
                        apply(state, change, super::Targets::One(ticket), fx)
                    }
                    Confirmed::Undo => run_undo(state, fx),
                    Confirmed::Command(run) => fx.push(Effect::RunCommand(run)),
                    Confirmed::Post {
                        kind,
                        body,
                        targets,
                        draft,
                    } => compose::send(state, kind, body, targets, draft, fx),
                }
                DialogOutcome::Close
            }
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc | KeyCode::Char('q') => {
                match then {
                    Confirmed::Post { kind, draft, .. } => compose::declined(state, *kind, *draft),
                    Confirmed::Command(_) => state.say("cancelled: nothing was run"),
                    _ => state.say("cancelled: nothing was changed"),
                }
                DialogOutcome::Close
            }
            _ => DialogOutcome::Stay,
        },
        Dialog::Conflict(dialog) => super::conflict::on_key(state, dialog, ev, fx),
        Dialog::Send(dialog) => super::send::on_key(state, dialog, ev, fx),
        // Read, then any key closes it.
        Dialog::Problem { .. } => DialogOutcome::Close,
        Dialog::Progress { job } => {
            if ev.code == KeyCode::Esc {
                let skipped = jobs::stop(state, *job, "stopped (Esc)");
                state.say(format!("stopped: {skipped} not sent"));
                // The run's end may open its report here: newer, it stays.
                jobs::pump(state, fx);
            }
            DialogOutcome::Stay
        }
        Dialog::Report { job, scroll } => match ev.code {
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => DialogOutcome::Close,
            // Theirs were kept; this overwrites them, on the agent's word.
            KeyCode::Char('F') if super::conflict::count(job) > 0 => {
                let n = super::conflict::rerun_conflicts(state, job, fx);
                state.say(format!(
                    "applying yours anyway on {}",
                    crate::text::count(n as u64, "ticket")
                ));
                DialogOutcome::Close
            }
            KeyCode::Char('j') | KeyCode::Down => {
                let max = jobs::report_max_scroll(job.items.len(), state.size.height);
                *scroll = (*scroll + 1).min(max);
                DialogOutcome::Stay
            }
            // The ends of a long report.
            KeyCode::Char('G') | KeyCode::End => {
                *scroll = jobs::report_max_scroll(job.items.len(), state.size.height);
                DialogOutcome::Stay
            }
            KeyCode::Char('g') | KeyCode::Home => {
                *scroll = 0;
                DialogOutcome::Stay
            }
            KeyCode::Char('k') | KeyCode::Up => {
                *scroll = scroll.saturating_sub(1);
                DialogOutcome::Stay
            }
            _ => DialogOutcome::Stay,
        },
    }
}

/// `Enter` on the field list of `e`: a field limited to inboxes some
/// targets are not in is refused (the list stays, saying why); another
/// opens its editor.
fn pick_field(state: &mut State, picker: &Picker, targets: &Targets) -> DialogOutcome {
    let catalog = state.names.catalog().cloned();
    let fields = routing::fields_with_scope(catalog.as_ref());
    let key = picker.current().map(|i| i.key.clone());
    let Some((def, ids)) = fields
        .into_iter()
        .find(|(d, _)| Some(&d.key) == key.as_ref())
    else {
        return DialogOutcome::Stay;
    };
    let rows = targets.rows();
    if let Some(why) = routing::scope_refusal(&def, &ids, &rows) {
        state.say(format!("{}: {why}", def.label));
        return DialogOutcome::Stay;
    }
    let known = match targets {
        Targets::One(t) => state.triage.known.get(&t.id),
        Targets::Marked(_) => None,
    };
    let edit = routing::editor(def, targets.clone(), known);
    DialogOutcome::Replace(Modal::Triage(Dialog::FieldEdit(Box::new(edit))))
}

/// Keys of a field's editor: a list (Enter takes the pick) or a typed
/// value (checked by type; empty clears the field).
fn field_edit_key(
    state: &mut State,
    edit: &mut FieldEdit,
    ev: &KeyEvent,
    fx: &mut Vec<Effect>,
) -> DialogOutcome {
    let value = match &mut edit.kind {
        FieldEditKind::Pick(picker) => match picker.handle_key(ev) {
            PickerEvent::Cancelled => return DialogOutcome::Close,
            PickerEvent::Accepted(_) => routing::picked_value(&edit.field, picker).ok_or(None),
            _ => Err(None),
        },
        FieldEditKind::Input(input) => match ev.code {
            KeyCode::Esc => return DialogOutcome::Close,
            KeyCode::Enter => routing::typed_value(&edit.field, input.value()).map_err(Some),
            _ => {
                if input.handle_event(&Event::Key(*ev)).is_some() {
                    edit.error = None;
                }
                Err(None)
            }
        },
    };
    match value {
        Ok(value) => {
            let change = routing::field_change(&edit.field, value);
            apply(state, change, edit.targets.clone(), fx);
            DialogOutcome::Close
        }
        Err(error) => {
            if error.is_some() {
                edit.error = error;
            }
            DialogOutcome::Stay
        }
    }
}
