//! Triage keys outside dialogs: the actions (`t p a A z`), marks
//! (`Space V * u`), next mode (`N`), undo (`U`), and `Esc` dropping writes
//! that wait for a rate limit; what an action acts on, and whether it may
//! write now (every action that writes asks here first).

use super::change::{Change, Routing, StatusChoice};
use super::choices::{me_id, status_choice};
use super::jobs;
use super::write::{MESSAGES_OFF, WriteAccess, routing_refusal};
use super::{Dialog, PickKind, SnoozeDialog, Targets};
use crate::api::Catalog;
use crate::app::keymap::Action;
use crate::app::modal::Modal;
use crate::app::msg::Effect;
use crate::app::state::State;
use crate::filter::EntityRef;
use crate::model::StatusCategory;
use crate::text::sanitize;

use super::run::apply;
use super::undo::undo;

/// A list action that is triage's (`keys::resolve` says which are). (Keys
/// of an open triage dialog go to `dialog::on_key`.)
pub fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::SetStatus => open_picker(state, PickKind::Status),
        Action::SetPriority => open_picker(state, PickKind::Priority),
        Action::Assign => open_picker(state, PickKind::Assign),
        Action::AssignMe => assign_me(state, fx),
        Action::Snooze => open_snooze(state),
        Action::MoveInbox => open_picker(state, PickKind::Inbox),
        Action::Tag => open_picker(state, PickKind::Tags),
        Action::SetField => open_picker(state, PickKind::Field),
        Action::ToggleMark => toggle_mark(state),
        Action::MarkRange => {
            let rows = state.list.table.tickets().to_vec();
            let added = state.triage.marks.range(&rows, state.list.selected);
            // The footer shows the total: the notice says only what changed.
            state.say(format!("marked {added} more"));
        }
        Action::MarkPage => {
            let rows = state.list.table.tickets().to_vec();
            // `*` toggles: a page already fully marked is unmarked.
            let all_marked =
                !rows.is_empty() && rows.iter().all(|t| state.triage.marks.contains(t.id));
            let said = if all_marked {
                let removed = rows
                    .iter()
                    .filter(|t| state.triage.marks.remove(t.id))
                    .count();
                format!("unmarked {removed} on this page")
            } else {
                let added = state.triage.marks.all(&rows);
                format!("marked {added} on this page")
            };
            state.say(said);
        }
        Action::ClearMarks => {
            let n = state.triage.marks.clear();
            state.say(if n == 0 {
                "no marks to clear".into()
            } else {
                format!("cleared {}", marks_word(n))
            });
        }
        Action::NextMode => {
            state.triage.next_mode = !state.triage.next_mode;
            state.say(if state.triage.next_mode {
                // The footer says "next mode" from now on: explain, don't repeat.
                "the cursor moves on after each action"
            } else {
                "next mode off"
            });
        }
        Action::AddNote => super::compose::open(state, crate::model::MessageKind::Note, fx),
        Action::Reply => super::compose::open(state, crate::model::MessageKind::Reply, fx),
        Action::RunMacro => super::macro_run::open_picker(state),
        Action::Undo => undo(state, fx),
        Action::Back => {
            let n = jobs::drop_waiting(state);
            state.say(format!(
                "dropped {} waiting for the rate limit",
                changes_word(n)
            ));
        }
        _ => {}
    }
}

fn marks_word(n: usize) -> String {
    crate::text::count(n as u64, "mark")
}

fn changes_word(n: usize) -> String {
    crate::text::count(n as u64, "change")
}

fn toggle_mark(state: &mut State) {
    let Some(t) = state.selected_ticket().cloned() else {
        return;
    };
    let marked = state.triage.marks.toggle(&t);
    // The footer shows how many are marked.
    state.say(format!(
        "{} #{}",
        if marked { "marked" } else { "unmarked" },
        t.ticket_number
    ));
    // Marking walks down the list, as in a file manager.
    if marked && state.list.selected + 1 < state.list.table.tickets().len() {
        crate::app::list::select(state, state.list.selected + 1);
    }
}

/// The tickets an action applies to: the marked ones, else the focused one.
fn targets(state: &State) -> Option<Targets> {
    if !state.triage.marks.is_empty() {
        // The freshest copy of each marked row we hold.
        let mut rows = state.triage.marks.snapshot();
        for row in rows.iter_mut() {
            if let Some(t) = state.list.table.tickets().iter().find(|t| t.id == row.id) {
                *row = t.clone();
            }
        }
        return Some(Targets::Marked(rows));
    }
    state
        .focused_ticket()
        .cloned()
        .map(|t| Targets::One(Box::new(t)))
}

/// What an action that writes acts on, when writing is allowed and there
/// is something to act on; else the reason is shown and `None` returned.
fn writable_targets(state: &mut State) -> Option<Targets> {
    if !writes_allowed(state) {
        return None;
    }
    targets_or_notice(state)
}

/// [`targets`], saying so when there is no ticket to act on.
pub(super) fn targets_or_notice(state: &mut State) -> Option<Targets> {
    let found = targets(state);
    if found.is_none() {
        state.say("no ticket here to act on");
    }
    found
}

/// True when this session may send changes; else says why.
pub(super) fn writes_allowed(state: &mut State) -> bool {
    let refusal = state.triage.access.refusal();
    allowed_unless(state, refusal)
}

/// Notes and replies need a key that writes and a server with
/// `POST /tickets/{id}/messages` (a server without PATCH may have it).
pub(super) fn messages_allowed(state: &mut State) -> bool {
    let refusal = match state.triage.access.refusal() {
        Some(refusal) if state.triage.access == WriteAccess::ReadOnly => Some(refusal),
        _ if state.triage.messages_off => Some(MESSAGES_OFF),
        _ => None,
    };
    allowed_unless(state, refusal)
}

/// True without a refusal; with one, says it (message and what to do).
fn allowed_unless(state: &mut State, refusal: Option<(&str, &str)>) -> bool {
    let Some((message, hint)) = refusal else {
        return true;
    };
    state.fail(message, Some(hint.into()));
    false
}

/// Refuses an action the server turned off (404/405 on its fields).
pub(super) fn routing_allowed(state: &mut State, routing: Option<Routing>) -> bool {
    match routing.filter(|r| state.triage.off.contains(r)) {
        Some(r) => {
            let (message, hint) = routing_refusal(r);
            state.fail(message, Some(hint.into()));
            false
        }
        None => true,
    }
}

fn catalog(state: &State) -> Option<Catalog> {
    state.names.catalog().cloned()
}

fn open_picker(state: &mut State, kind: PickKind) {
    let routing = match kind {
        PickKind::Inbox => Some(Routing::Inbox),
        PickKind::Tags => Some(Routing::Tags),
        PickKind::Field => Some(Routing::Field),
        // Macros have their own picker (it lists the config, not the catalog).
        PickKind::Macro => return super::macro_run::open_picker(state),
        // `R` opens the replies' picker (`canned::offer`), never this way;
        // `!` opens the commands' picker (`commands::open_picker`).
        PickKind::Reply | PickKind::Command => return,
        PickKind::Status | PickKind::Priority | PickKind::Assign => None,
    };
    if !routing_allowed(state, routing) {
        return;
    }
    let Some(targets) = writable_targets(state) else {
        return;
    };
    let catalog = catalog(state);
    let Some(picker) = super::choices::picker(kind, state, catalog.as_ref(), &targets) else {
        return;
    };
    if routing.is_some() && picker.items().is_empty() {
        state.say(match kind {
            PickKind::Inbox => "no inboxes listed: the server has no /inboxes (add [aliases.inboxes] to the config)",
            PickKind::Tags => "no tags listed: the server has no /tags (add [aliases.tags] to the config)",
            _ => "no custom fields listed: the server has no /ticket-fields (add [aliases.fields] to the config)",
        });
        return;
    }
    if kind == PickKind::Assign && picker.items().len() == 1 {
        // Only "Unassigned": say why nobody else is listed.
        state.say("no agents listed: the server has no /users (add [aliases.users] to the config)");
    }
    state.modal = Some(Modal::Triage(Dialog::Pick {
        kind,
        picker: Box::new(picker),
        targets,
    }));
}

fn assign_me(state: &mut State, fx: &mut Vec<Effect>) {
    if !writes_allowed(state) {
        return;
    }
    let catalog = catalog(state);
    let Some(me) = state.me.clone() else {
        state.fail(
            "A assigns to you, but the config does not say who you are",
            Some(
                "add me = \"Your Name\" to the config file (triage config path shows where)".into(),
            ),
        );
        return;
    };
    let Some(id) = me_id(state, catalog.as_ref()) else {
        if state.names_status != crate::app::state::NamesStatus::Complete {
            state.fail(
                "the list of agents is still loading: press A again in a moment",
                None,
            );
            return;
        }
        let name = match &me {
            EntityRef::Name(n) => sanitize(n).into_owned(),
            EntityRef::Id(id) => id.to_string(),
        };
        state.fail(
            format!("me = \"{name}\" is not an agent of this workspace"),
            Some(
                "check the name in the config file (as /users lists it), or use your user's UUID"
                    .into(),
            ),
        );
        return;
    };
    let name = catalog
        .as_ref()
        .and_then(|c| c.user_name(id))
        .map(|n| sanitize(n).into_owned())
        .unwrap_or_else(|| "me".into());
    let change = Change::Assign { id: Some(id), name };
    if let Some(targets) = targets_or_notice(state) {
        apply(state, change, targets, fx);
    }
}

/// The `waiting` status a snooze sets (the workspace's first, else the bare
/// category) and the statuses it may return to: open ones first (the
/// default), then in-progress ones. `z` and a macro's `snooze:` share it.
pub(super) fn snooze_statuses(catalog: Option<&Catalog>) -> (StatusChoice, Vec<StatusChoice>) {
    let statuses = catalog.map(Catalog::statuses).unwrap_or_default();
    let waiting = statuses
        .iter()
        .find(|s| s.category == StatusCategory::Waiting)
        .map(status_choice)
        .unwrap_or(StatusChoice {
            id: None,
            category: StatusCategory::Waiting,
            name: String::new(),
            color: None,
        });
    let back_to = statuses
        .iter()
        .filter(|s| s.category == StatusCategory::Open)
        .chain(
            statuses
                .iter()
                .filter(|s| s.category == StatusCategory::InProgress),
        )
        .map(status_choice)
        .collect();
    (waiting, back_to)
}

fn open_snooze(state: &mut State) {
    let Some(targets) = writable_targets(state) else {
        return;
    };
    let catalog = catalog(state);
    let (waiting, back_to) = snooze_statuses(catalog.as_ref());
    state.modal = Some(Modal::Triage(Dialog::Snooze(Box::new(SnoozeDialog {
        input: tui_input::Input::default(),
        error: None,
        waiting,
        back_to,
        back_idx: 0,
        targets,
    }))));
}
