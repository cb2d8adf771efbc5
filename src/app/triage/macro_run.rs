//! Running a macro from the list: `m` (a picker of them) or a macro's own
//! key. The macro is resolved against the workspace and the clock of the
//! moment (a snooze of `4h` means four hours from now), checked before
//! anything is sent (a bad token gets carets under it), and then runs as
//! one action: one PATCH per ticket carrying every change, confirmed over
//! marks, undone by `U`, and its note posted after the PATCH.

use super::actions::targets_or_notice;
use super::actions::{messages_allowed, writes_allowed};
use super::change::{Change, MacroChange, MacroReply, Named};
use super::choices::me_id;
use super::jobs::{self, Item, Job};
use super::run::apply;
use super::{Confirmed, Dialog, PickKind, Targets, routing};
use crate::api::Catalog;
use crate::api::types::NewMessage;
use crate::app::clock::Clock;
use crate::app::macros::{Lookup, MacroEntry, Plan, resolve};
use crate::app::modal::Modal;
use crate::app::msg::Effect;
use crate::app::picker::{PickItem, Picker};
use crate::app::state::{NamesStatus, State};
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
            state.fail(
                format!(
                    "macro '{}': the workspace's names are still loading: {again}",
                    sanitize(entry.name())
                ),
                None,
            );
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
            state.fail(
                format!("macro '{}': {message}", sanitize(entry.name())),
                Some(hint.into()),
            );
            return;
        }
    }
    let Change::Macro(m) = &change else {
        return;
    };
    if (m.note.is_some() || m.reply.is_some()) && !messages_allowed(state) {
        return;
    }
    // A reply reaches the customer: asked first even on one ticket (over
    // marks the bulk question names it).
    let warning = m
        .reply
        .as_ref()
        .and_then(|r| crate::app::replies::bulk_warning(state, &r.body, &targets.rows()));
    if let (Some(reply), Targets::One(ticket)) = (&m.reply, &targets) {
        let mut question = format!(
            "Run '{}' on #{}? It sends the reply '{}' (the customer sees it).",
            m.name, ticket.ticket_number, reply.name
        );
        if let Some(w) = warning {
            question = format!("{question} {w}");
        }
        state.modal = Some(Modal::Triage(Dialog::Confirm {
            question,
            then: Confirmed::Single {
                change,
                ticket: ticket.clone(),
            },
        }));
        return;
    }
    apply(state, change, targets, fx);
    // Over marks `apply` asked: the question names what a reply would leave.
    if let (Some(w), Some(Modal::Triage(Dialog::Confirm { question, .. }))) =
        (warning, state.modal.as_mut())
    {
        question.push(' ');
        question.push_str(&w);
    }
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
    let replies: Vec<String> = state.replies.iter().map(|r| r.def.name.clone()).collect();
    let lookup = Lookup {
        me: me_id(state, Some(&catalog)),
        catalog: &catalog,
        now: clock.local(),
        replies: &replies,
    };
    let plan = resolve(steps, &entry.def.actions, &lookup).map_err(|e| {
        if loading {
            Unready::Loading
        } else {
            Unready::Wrong(entry.error_text(&e))
        }
    })?;
    let reply = match &plan.reply {
        None => None,
        Some(name) => {
            let r = state
                .replies
                .iter()
                .find(|r| &r.def.name == name)
                .ok_or_else(|| Unready::Wrong(format!("no reply named '{}'", sanitize(name))))?;
            if let Some(lines) = r.problem_lines() {
                return Err(Unready::Wrong(format!(
                    "its reply '{}' cannot be used:\n{}",
                    sanitize(name),
                    lines.join("\n")
                )));
            }
            Some(MacroReply {
                name: sanitize(name).into_owned(),
                body: r.def.body.clone(),
            })
        }
    };
    let mut m = to_macro(entry.name(), plan, &catalog, clock).map_err(Unready::Wrong)?;
    m.reply = reply;
    Ok(Change::Macro(Box::new(m)))
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
        // The caller attaches the reply: it knows the `[[replies]]`.
        reply: None,
    })
}

/// A macro that only writes a note and/or a reply: posted like `n`/`R`
/// (but from the config, so no draft is kept or removed); it was
/// confirmed first over marks, and on one ticket when it has a reply.
pub(super) fn messages_only(
    state: &mut State,
    m: &MacroChange,
    rows: &[crate::api::types::Ticket],
    bulk: bool,
    fx: &mut Vec<Effect>,
) {
    for t in rows {
        state.triage.handled.insert(t.id);
    }
    state.last_error = None;
    if let Some(body) = m.note.clone() {
        let message = NewMessage {
            kind: MessageKind::Note,
            body,
        };
        let job = Job::posting(m.name.clone(), message, note_items(rows), bulk);
        jobs::start(state, job, fx);
    }
    if let Some(reply) = &m.reply {
        let job = start_reply(state, &m.name, reply, rows, bulk, false);
        jobs::start(state, job, fx);
    }
}

/// A macro's canned reply to `rows`, each copy filled for its ticket;
/// `follow_up` when it goes after the macro's PATCH.
pub(super) fn start_reply(
    state: &mut State,
    macro_name: &str,
    reply: &MacroReply,
    rows: &[crate::api::types::Ticket],
    bulk: bool,
    follow_up: bool,
) -> Job {
    let message = NewMessage {
        kind: MessageKind::Reply,
        body: reply.body.clone(),
    };
    let items = note_items(rows);
    let mut job = Job::posting(
        format!("{}: reply '{}'", sanitize(macro_name), reply.name),
        message,
        items,
        bulk,
    );
    job.bodies = crate::app::replies::fill_each(state, &reply.body, rows)
        .map(|each| each.into_iter().map(|f| f.text).collect())
        .unwrap_or_default();
    job.follow_up = follow_up;
    job
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
