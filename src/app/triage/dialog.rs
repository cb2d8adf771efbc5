//! Keys while a triage dialog is open: pickers, the snooze input, the
//! confirmation, the progress of a bulk run and its report.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;

use super::actions::{apply, run_bulk, run_undo};
use super::change::Change;
use super::choices::change_for;
use super::jobs;
use super::snooze::{PRESETS, parse_remind_at};
use super::{Confirmed, Overlay};
use crate::app::msg::Effect;
use crate::app::picker::PickerEvent;
use crate::app::state::State;

pub fn on_key(state: &mut State, ev: &KeyEvent, fx: &mut Vec<Effect>) {
    // Ctrl-c quits from anywhere.
    if ev.code == KeyCode::Char('c') && ev.modifiers.contains(KeyModifiers::CONTROL) {
        fx.push(Effect::Quit);
        return;
    }
    let Some(overlay) = state.triage.overlay.take() else {
        return;
    };
    match overlay {
        Overlay::Pick {
            kind,
            mut picker,
            targets,
        } => match picker.handle_key(ev) {
            PickerEvent::Accepted => {
                let catalog = state.names.catalog().cloned();
                let picked = picker
                    .chosen()
                    .into_iter()
                    .next()
                    .and_then(|key| change_for(kind, &key, catalog.as_ref()));
                if let Some(change) = picked {
                    apply(state, change, targets, fx);
                } else {
                    // Nothing matched the query: stay open.
                    state.triage.overlay = Some(Overlay::Pick {
                        kind,
                        picker,
                        targets,
                    });
                }
            }
            PickerEvent::Cancelled => {}
            _ => {
                state.triage.overlay = Some(Overlay::Pick {
                    kind,
                    picker,
                    targets,
                })
            }
        },
        Overlay::Snooze(mut dialog) => match ev.code {
            KeyCode::Esc => {}
            KeyCode::Enter => {
                let now_local = chrono::Local::now();
                match parse_remind_at(dialog.input.value(), &now_local) {
                    Ok(until) => {
                        let change = Change::Snooze {
                            until,
                            waiting: dialog.waiting.clone(),
                            back_to: dialog.back_to.get(dialog.back_idx).and_then(|s| s.id),
                        };
                        apply(state, change, dialog.targets, fx);
                    }
                    Err(e) => {
                        dialog.error = Some(e.to_string());
                        state.triage.overlay = Some(Overlay::Snooze(dialog));
                    }
                }
            }
            KeyCode::Tab | KeyCode::BackTab => {
                let n = dialog.back_to.len().max(1);
                dialog.back_idx = if ev.code == KeyCode::Tab {
                    (dialog.back_idx + 1) % n
                } else {
                    (dialog.back_idx + n - 1) % n
                };
                state.triage.overlay = Some(Overlay::Snooze(dialog));
            }
            KeyCode::Down | KeyCode::Up => {
                // Cycle the presets into the input.
                let pos = PRESETS.iter().position(|p| *p == dialog.input.value());
                let next = match (pos, ev.code == KeyCode::Down) {
                    (None, true) => 0,
                    (None, false) => PRESETS.len() - 1,
                    (Some(i), true) => (i + 1) % PRESETS.len(),
                    (Some(i), false) => (i + PRESETS.len() - 1) % PRESETS.len(),
                };
                dialog.input = tui_input::Input::new(PRESETS[next].to_string());
                dialog.error = None;
                state.triage.overlay = Some(Overlay::Snooze(dialog));
            }
            _ => {
                if dialog.input.handle_event(&Event::Key(*ev)).is_some() {
                    dialog.error = None;
                }
                state.triage.overlay = Some(Overlay::Snooze(dialog));
            }
        },
        Overlay::Confirm { question, then } => match ev.code {
            KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => match then {
                Confirmed::Bulk { change, targets } => run_bulk(state, change, targets, fx),
                Confirmed::Undo => run_undo(state, fx),
            },
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc | KeyCode::Char('q') => {
                state.notice = Some("cancelled: nothing was changed".into());
            }
            _ => state.triage.overlay = Some(Overlay::Confirm { question, then }),
        },
        Overlay::Progress { job } => {
            state.triage.overlay = Some(Overlay::Progress { job });
            if ev.code == KeyCode::Esc {
                let skipped = jobs::stop(state, job, "stopped (Esc)");
                state.notice = Some(format!("stopped: {skipped} not sent"));
                jobs::pump(state, fx);
            }
        }
        Overlay::Report { job, scroll } => match ev.code {
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => {}
            KeyCode::Char('j') | KeyCode::Down => {
                let max = jobs::report_max_scroll(job.items.len(), state.size.height);
                state.triage.overlay = Some(Overlay::Report {
                    job,
                    scroll: (scroll + 1).min(max),
                });
            }
            // The ends of a long report.
            KeyCode::Char('G') | KeyCode::End => {
                let last = jobs::report_max_scroll(job.items.len(), state.size.height);
                state.triage.overlay = Some(Overlay::Report { job, scroll: last });
            }
            KeyCode::Char('g') | KeyCode::Home => {
                state.triage.overlay = Some(Overlay::Report { job, scroll: 0 });
            }
            KeyCode::Char('k') | KeyCode::Up => {
                state.triage.overlay = Some(Overlay::Report {
                    job,
                    scroll: scroll.saturating_sub(1),
                });
            }
            _ => state.triage.overlay = Some(Overlay::Report { job, scroll }),
        },
    }
}
