//! `U`: the last action (single or bulk) undone by sending the previous
//! values of the fields it changed, under the same rules as any write.

use uuid::Uuid;

use super::actions::writes_allowed;
use super::change::{Change, Fields, tickets};
use super::jobs::{self, Item, Job};
use super::known::Known;
use super::{Confirmed, Dialog};
use crate::api::types::{Ticket, TicketPatch};
use crate::app::modal::Modal;
use crate::app::msg::Effect;
use crate::app::state::State;
use crate::model::{PriorityLevel, StatusCategory};

/// What the last finished action changed, ticket by ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct UndoRecord {
    /// "Set to Urgent".
    pub label: String,
    pub fields: Fields,
    /// The action (tags and fields are undone from it, not from the row).
    pub change: Option<Change>,
    pub rows: Vec<UndoRow>,
}

/// One changed ticket: its row before, its row as the server answered,
/// and its tags and fields as known before.
#[derive(Debug, Clone, PartialEq)]
pub struct UndoRow {
    pub before: Ticket,
    pub after: Ticket,
    pub known: Known,
}

impl UndoRecord {
    /// "Undo 'Set to Urgent' on 23 tickets?".
    pub fn question(&self) -> String {
        format!("Undo '{}' on {}?", self.label, tickets(self.rows.len()))
    }

    /// The job that puts every row back; rows whose old value cannot be
    /// named to the server are left out (and counted).
    pub fn job(&self, current: impl Fn(&Ticket) -> Ticket) -> (Job, usize) {
        let mut items = Vec::new();
        let mut guards = Vec::new();
        let mut unnamed = 0;
        for row in &self.rows {
            // The freshest copy we hold is the "before" of the undo.
            let now = current(&row.after);
            let extras = match &self.change {
                Some(change) => restore_extras(change, &row.known),
                None => Some(Default::default()),
            };
            match (restore(&now, &row.before, self.fields), extras) {
                (Some((back, patch)), Some(extras)) => {
                    items.push(Item {
                        before: now,
                        after: back,
                        patch: patch.merged(extras),
                        known: Known::default(),
                    });
                    // What the server answered to the change undone: any
                    // later change, seen since or not, stops the undo.
                    guards.push(row.after.updated_at);
                }
                _ => unnamed += 1,
            }
        }
        let bulk = self.rows.len() > 1;
        let mut job = Job::new(
            0,
            format!("Undo: {}", lower_first(&self.label)),
            None,
            self.fields,
            items,
            bulk,
        );
        job.guards = guards;
        (job, unnamed)
    }
}

/// "Assign to Ada García" → "assign to Ada García": only the verb is
/// lowered; names stay as the workspace spells them.
fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Undo of `fields` on a ticket now at `current`, back to `original`: the
/// row as it will be and the body that puts it back; `None` when there is
/// no way to name the old value to the server (a status without id or
/// known category).
pub fn restore(
    current: &Ticket,
    original: &Ticket,
    fields: Fields,
) -> Option<(Ticket, TicketPatch)> {
    let mut t = current.clone();
    let mut patch = TicketPatch::default();
    if fields.status {
        match (original.status_id, &original.status) {
            (Some(id), _) => patch.status_id = Some(id),
            (None, StatusCategory::Other(_)) => return None,
            (None, category) => patch.status = Some(category.clone()),
        }
        t.status = original.status.clone();
        t.status_id = original.status_id;
        t.status_name = original.status_name.clone();
        t.status_color = original.status_color.clone();
    }
    if fields.priority {
        match (original.priority_id, &original.priority) {
            (Some(id), _) => patch.priority_id = Some(id),
            (None, PriorityLevel::Other(_)) => return None,
            (None, level) => patch.priority = Some(level.clone()),
        }
        t.priority = original.priority.clone();
        t.priority_id = original.priority_id;
        t.priority_name = original.priority_name.clone();
        t.priority_color = original.priority_color.clone();
    }
    if fields.assignee {
        patch.assignee_id = Some(original.assignee_id);
        t.assignee_id = original.assignee_id;
    }
    if fields.inbox {
        // A ticket is always in an inbox: an unknown one cannot be put back.
        patch.inbox_id = Some(original.inbox_id?);
        t.inbox_id = original.inbox_id;
    }
    if fields.reminder {
        patch.remind_at = Some(original.remind_at);
        patch.remind_transition_status_id = Some(original.remind_transition_status_id);
        t.remind_at = original.remind_at;
        t.remind_transition_status_id = original.remind_transition_status_id;
    }
    Some((t, patch))
}

/// The part of an undo the row cannot tell: for tags, the inverse of the
/// relative change, worked out from what the ticket had where that is
/// known (a tag it already had stays; one it lacked and lost stays lost),
/// else the plain inverse; for a custom field, its value before (`None`
/// when that was never seen: it cannot be named to the server).
pub fn restore_extras(change: &Change, before: &Known) -> Option<TicketPatch> {
    match change {
        Change::Tags { add, remove } => {
            let had = |id: Uuid| before.tags.as_ref().map(|t| t.contains(&id));
            Some(TicketPatch {
                remove_tag_ids: add
                    .iter()
                    .filter(|t| had(t.id) != Some(true))
                    .map(|t| t.id)
                    .collect(),
                add_tag_ids: remove
                    .iter()
                    .filter(|t| had(t.id) != Some(false))
                    .map(|t| t.id)
                    .collect(),
                ..TicketPatch::default()
            })
        }
        Change::Field { key, .. } => {
            let old = before.fields.as_ref()?.get(key).cloned();
            Some(TicketPatch {
                custom_fields: [(key.clone(), old.unwrap_or(serde_json::Value::Null))]
                    .into_iter()
                    .collect(),
                ..TicketPatch::default()
            })
        }
        // Every part's way back, or none if one part cannot be named.
        Change::Macro(m) => m
            .parts
            .iter()
            .map(|c| restore_extras(c, before))
            .try_fold(TicketPatch::default(), |all, p| Some(all.merged(p?))),
        _ => Some(TicketPatch::default()),
    }
}

/// The `U` pressed while its action was still being saved, once that
/// action's answers are all in: called by `update` after every message
/// while one is queued, so the write queue never calls back into the actions.
pub fn run_queued(state: &mut State, fx: &mut Vec<Effect>) {
    if state.triage.undo_queued && !state.triage.jobs.iter().any(|j| !j.undo) {
        state.triage.undo_queued = false;
        undo(state, fx);
    }
}

/// `U`: undoes the last action (after a confirmation when it was a bulk
/// one), or queues the undo while that action is still being saved.
pub(super) fn undo(state: &mut State, fx: &mut Vec<Effect>) {
    if !writes_allowed(state) {
        return;
    }
    if state.triage.jobs.iter().any(|j| !j.undo) {
        // The last action is the one still being saved: undo that one when
        // its answers are in.
        state.triage.undo_queued = true;
        state.say("undo queued: it runs once the change being saved is answered");
        return;
    }
    let Some(record) = state.triage.undo.as_ref() else {
        state.say(match &state.triage.undo_refusal {
            Some(why) => why.clone(),
            None => "nothing to undo".into(),
        });
        return;
    };
    if record.rows.len() > 1 {
        state.modal = Some(Modal::Triage(Dialog::Confirm {
            question: record.question(),
            then: Confirmed::Undo,
        }));
    } else {
        run_undo(state, fx);
    }
}

/// Sends the previous values of the last action back.
pub(super) fn run_undo(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(record) = state.triage.undo.take() else {
        return;
    };
    let (job, unnamed) = {
        let shown = state.list.table.tickets().to_vec();
        record.job(|after| {
            shown
                .iter()
                .find(|t| t.id == after.id)
                .cloned()
                .unwrap_or_else(|| after.clone())
        })
    };
    if job.items.is_empty() {
        state.fail(
            "cannot undo: the previous values cannot be named to the server",
            None,
        );
        return;
    }
    if unnamed > 0 {
        state.say(format!(
            "{} left as they are: their previous values cannot be named to the server",
            tickets(unnamed)
        ));
    }
    state.last_error = None;
    if let Some(Change::Macro(m)) = &record.change
        && m.note.is_some()
        && state.notice.is_none()
    {
        state.say("its note stays: notes cannot be undone");
    }
    jobs::start(state, job, fx);
}
