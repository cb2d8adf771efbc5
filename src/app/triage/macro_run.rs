//! Running a macro from the list: `m` (a picker of them) or a macro's own
//! key. The macro is resolved against the workspace and the clock of the
//! moment (a snooze of `4h` means four hours from now), checked before
//! anything is sent (a bad token gets carets under it), and then runs as
//! one action: one PATCH per ticket carrying every change, confirmed over
//! marks, undone by `U`, and its note posted after the PATCH.

use super::actions::{apply, messages_allowed, targets_or_notice, writes_allowed};
use super::change::{Change, MacroChange, Named};
use super::choices::me_id;
use super::jobs::{self, Item, Job};
use super::{Dialog, PickKind, Targets, routing};
use crate::api::Catalog;
use crate::api::types::NewMessage;
use crate::app::clock::Clock;
use crate::app::macros::{Lookup, MacroEntry, Plan, resolve};
use crate::app::modal::Modal;
use crate::app::msg::Effect;
use crate::app::picker::{PickItem, Picker};
use crate::app::state::{ErrorView, NamesStatus, State};
use crate::model::MessageKind;
use crate::text::sanitize;

/// `m`: every macro in a picker, its key and what it does beside it; a
/// broken one is listed too, so choosing it says what is wrong.
pub(super) fn open_picker(state: &mut State) {
    if state.macros.is_empty() {
        state.notice =
            Some("no macros yet: add [[macros]] to the config (see config.example.toml)".into());
        return;
    }
    if !writes_allowed(state) {
        return;
    }
    let Some(targets) = targets_or_notice(state) else {
        return;
    };
    let items = state
        .macros
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let what = match &m.steps {
                Ok(_) => sanitize(&m.def.actions).into_owned(),
                Err(e) => format!("broken: {e}"),
            };
            let note = match m.key {
                Some(key) => format!("{key} · {what}"),
                None => what,
            };
            PickItem::new(i.to_string(), &sanitize(m.name())).note(&note)
        })
        .collect();
    let title = match &targets {
        Targets::One(t) => format!("macro for #{}", t.ticket_number),
        Targets::Marked(v) => format!("macro for {}", super::change::tickets(v.len())),
    };
    state.modal = Some(Modal::Triage(Dialog::Pick {
        kind: PickKind::Macro,
        picker: Box::new(Picker::single(title, items).space_types()),
        targets,
    }));
}

/// Runs macro `index` on the marks (after one confirmation) or on the
/// focused ticket.
pub fn run(state: &mut State, index: usize, clock: Clock, fx: &mut Vec<Effect>) {
    let Some(entry) = state.macros.get(index).cloned() else {
        return;
    };
    if !writes_allowed(state) {
        return;
    }
    let Some(targets) = targets_or_notice(state) else {
        return;
    };
    run_on(state, &entry, targets, clock, fx);
}

/// Runs `entry` on `targets` (the picker chose them when it opened).
pub(super) fn run_on(
    state: &mut State,
    entry: &MacroEntry,
    targets: Targets,
    clock: Clock,
    fx: &mut Vec<Effect>,
) {
    let change = match prepare(state, entry, clock) {
        Ok(change) => change,
        Err(Unready::Loading) => {
            let again = match entry.key {
                Some(key) => format!("press {key} again in a moment"),
                None => "run it again in a moment".into(),
            };
            state.last_error = Some(ErrorView {
                message: format!(
                    "macro '{}': the workspace's names are still loading: {again}",
                    sanitize(entry.name())
                ),
                hint: None,
            });
            return;
        }
        Err(Unready::Wrong(problem)) => {
            state.modal = Some(Modal::Triage(Dialog::Problem {
                title: format!("macro '{}'", sanitize(entry.name())),
                text: problem,
            }));
            return;
        }
    };
    for r in change.routings() {
        if state.triage.off.contains(&r) {
            let (message, hint) = super::write::routing_refusal(r);
            state.last_error = Some(ErrorView {
                message: format!("macro '{}': {message}", sanitize(entry.name())),
                hint: Some(hint.into()),
            });
            return;
        }
    }
    let Change::Macro(m) = &change else {
        return;
    };
    if m.note.is_some() && !messages_allowed(state) {
        return;
    }
    apply(state, change, targets, fx);
}

/// Why a macro cannot run now.
enum Unready {
    /// A name did not resolve while the catalog is still on its way: the
    /// name may well exist, so saying "unknown" would send the user to fix
    /// a config that is fine (as `A` does, the user is asked to retry).
    Loading,
    /// The text of what is wrong (the actions, a caret line under the bad
    /// token, the message).
    Wrong(String),
}

/// The macro as a change, or why it cannot run.
fn prepare(state: &State, entry: &MacroEntry, clock: Clock) -> Result<Change, Unready> {
    let steps = entry
        .steps
        .as_ref()
        .map_err(|e| Unready::Wrong(entry.error_text(e)))?;
    let loading = state.names_status != NamesStatus::Complete;
    let catalog = state.names.catalog().cloned().unwrap_or_default();
    let lookup = Lookup {
        me: me_id(state, Some(&catalog)),
        catalog: &catalog,
        now: clock.local(),
    };
    let plan = resolve(steps, &entry.def.actions, &lookup).map_err(|e| {
        if loading {
            Unready::Loading
        } else {
            Unready::Wrong(entry.error_text(&e))
        }
    })?;
    to_macro(entry.name(), plan, &catalog, clock)
        .map(|m| Change::Macro(Box::new(m)))
        .map_err(Unready::Wrong)
}

/// A resolved plan as one macro change: its parts in a fixed order, the
/// snooze read against `clock`.
pub fn to_macro(
    name: &str,
    plan: Plan,
    catalog: &Catalog,
    clock: Clock,
) -> Result<MacroChange, String> {
    let mut parts = Vec::new();
    if let Some(s) = plan.status {
        parts.push(Change::Status(s));
    }
    if let Some(p) = plan.priority {
        parts.push(Change::Priority(p));
    }
    if let Some((id, name)) = plan.assignee {
        parts.push(Change::Assign { id, name });
    }
    if let Some((id, name)) = plan.inbox {
        parts.push(Change::Inbox(Named { id, name }));
    }
    if !plan.add_tags.is_empty() || !plan.remove_tags.is_empty() {
        let named = |v: Vec<(uuid::Uuid, String)>| {
            v.into_iter()
                .map(|(id, name)| Named { id, name })
                .collect::<Vec<_>>()
        };
        parts.push(Change::Tags {
            add: named(plan.add_tags),
            remove: named(plan.remove_tags),
        });
    }
    let defs = routing::fields_with_scope(Some(catalog));
    for (key, value) in plan.fields {
        let change = match defs.iter().find(|(d, _)| d.key == key) {
            Some((def, _)) => routing::field_change(def, value),
            None => Change::Field {
                value: super::FieldSetting {
                    label: sanitize(&key).into_owned(),
                    shown: sanitize(&value.to_string()).into_owned(),
                    value,
                },
                key,
            },
        };
        parts.push(change);
    }
    if let Some(text) = plan.snooze {
        let until = super::snooze::parse_remind_at(&text, &clock.local())
            .map_err(|e| format!("snooze:{text}: {e}"))?;
        // Where `z` sends it by default.
        let (waiting, back_to) = super::actions::snooze_statuses(Some(catalog));
        let back_to = back_to.first().and_then(|s| s.id);
        parts.push(Change::Snooze {
            until,
            waiting,
            back_to,
        });
    }
    Ok(MacroChange {
        name: sanitize(name).into_owned(),
        parts,
        note: plan.note,
    })
}

/// A macro that only writes a note: posted like `n` (but from the config,
/// so no draft is kept or removed); over marks it was confirmed first.
pub(super) fn note_only(
    state: &mut State,
    name: &str,
    body: String,
    rows: &[crate::api::types::Ticket],
    bulk: bool,
    fx: &mut Vec<Effect>,
) {
    let items = note_items(rows);
    for i in &items {
        state.triage.handled.insert(i.before.id);
    }
    state.last_error = None;
    let message = NewMessage {
        kind: MessageKind::Note,
        body,
    };
    let job = Job::posting(sanitize(name).into_owned(), message, items, bulk);
    jobs::start(state, job, fx);
}

/// One item per ticket for a note (rows do not change).
pub(super) fn note_items(rows: &[crate::api::types::Ticket]) -> Vec<Item> {
    rows.iter()
        .map(|t| Item {
            before: t.clone(),
            after: t.clone(),
            patch: Default::default(),
            known: Default::default(),
        })
        .collect()
}
