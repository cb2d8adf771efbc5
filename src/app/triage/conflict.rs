//! A write refused with 412: someone changed the ticket after we read it.
//! The row already shows their ticket (`jobs::answers`); here is what the
//! agent is told, field by field in names, and the one way to overwrite
//! it: their word, which sends the same change again without the
//! precondition. Nothing here resends by itself.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent};

use super::Dialog;
use super::jobs::{self, Item, Job, Outcome};
use crate::api::Catalog;
use crate::api::types::Ticket;
use crate::app::modal::{DialogOutcome, Modal};
use crate::app::msg::Effect;
use crate::app::state::State;
use crate::text::sanitize;

/// One field the colleague changed: as we had it, as it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDiff {
    pub field: &'static str,
    pub mine: String,
    pub theirs: String,
}

/// The question after a single write met a newer ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictDialog {
    pub number: i64,
    /// When they changed it (their `updated_at`).
    pub when: Option<DateTime<Utc>>,
    pub diffs: Vec<FieldDiff>,
    /// What we tried: "Set to Urgent".
    pub label: String,
    /// The same change over their ticket, sent without the precondition
    /// if the agent says so.
    pub retry: Box<Job>,
}

const NOBODY: &str = "—";

/// Field by field, what differs between the ticket as we read it and as
/// the server has it now, in the names the agent knows (`triage apply`
/// words its conflicts with this too).
pub fn differences(catalog: Option<&Catalog>, mine: &Ticket, theirs: &Ticket) -> Vec<FieldDiff> {
    let user = |id: Option<uuid::Uuid>| match id {
        None => NOBODY.to_string(),
        Some(id) => catalog
            .and_then(|c| c.user_name(id))
            .map(|n| sanitize(n).into_owned())
            .unwrap_or_else(|| short_id(id)),
    };
    let inbox = |id: Option<uuid::Uuid>| match id {
        None => NOBODY.to_string(),
        Some(id) => catalog
            .and_then(|c| c.inbox_name(id))
            .map(|n| sanitize(n).into_owned())
            .unwrap_or_else(|| short_id(id)),
    };
    let when = |t: Option<DateTime<Utc>>| match t {
        None => NOBODY.to_string(),
        Some(t) => t.format("%Y-%m-%d %H:%M UTC").to_string(),
    };
    let mut out = Vec::new();
    let mut push = |field, a: String, b: String| {
        if a != b {
            out.push(FieldDiff {
                field,
                mine: a,
                theirs: b,
            });
        }
    };
    if mine.status_id != theirs.status_id || mine.status_name != theirs.status_name {
        push(
            "status",
            sanitize(&mine.status_name).into_owned(),
            sanitize(&theirs.status_name).into_owned(),
        );
    }
    if mine.priority_id != theirs.priority_id || mine.priority_name != theirs.priority_name {
        push(
            "priority",
            sanitize(&mine.priority_name).into_owned(),
            sanitize(&theirs.priority_name).into_owned(),
        );
    }
    if mine.assignee_id != theirs.assignee_id {
        push("assignee", user(mine.assignee_id), user(theirs.assignee_id));
    }
    if mine.inbox_id != theirs.inbox_id {
        push("inbox", inbox(mine.inbox_id), inbox(theirs.inbox_id));
    }
    if mine.remind_at != theirs.remind_at {
        push("reminder", when(mine.remind_at), when(theirs.remind_at));
    }
    out
}

fn short_id(id: uuid::Uuid) -> String {
    let s = id.to_string();
    s[..8].to_string()
}

/// "status New → Solved · assignee — → Grace Hopper"; when none of the
/// row's fields moved, what else can have: a message, tags or fields.
pub fn words(diffs: &[FieldDiff]) -> String {
    if diffs.is_empty() {
        return "updated (a message, tags or fields)".into();
    }
    diffs
        .iter()
        .map(|d| format!("{} {} → {}", d.field, d.mine, d.theirs))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// [`differences`] in words, for the report's line.
pub fn summary(state: &State, mine: &Ticket, theirs: &Ticket) -> String {
    words(&differences(state.names.catalog(), mine, theirs))
}

/// A job sending the same changes again over their tickets, without the
/// precondition. `picks` are the items to retry and their tickets now.
pub fn forced(job: &Job, picks: &[(usize, Ticket)]) -> Job {
    let items: Vec<Item> = picks
        .iter()
        .map(|(i, theirs)| {
            let item = &job.items[*i];
            let after = match &job.change {
                Some(change) => change.apply(theirs),
                None => item.after.clone(),
            };
            Item {
                before: theirs.clone(),
                after,
                patch: item.patch.clone(),
                known: item.known.clone(),
            }
        })
        .collect();
    let mut retry = Job::new(
        0,
        job.label.clone(),
        job.change.clone(),
        job.fields,
        items,
        job.bulk,
    );
    retry.undo = job.undo;
    retry.force = true;
    retry
}

/// Opens the question for item `idx` of single job `job_id` (its outcome
/// is the conflict). With another dialog open, it says so on the status
/// line instead of taking the screen from it.
pub fn ask(state: &mut State, job_id: u64, idx: usize) {
    let Some(job) = state.triage.jobs.iter().find(|j| j.id == job_id) else {
        return;
    };
    let Some(Some(Outcome::Conflict { theirs, .. })) = job.outcomes.get(idx) else {
        return;
    };
    let mine = job.items[idx].before.clone();
    let theirs = (**theirs).clone();
    let retry = forced(job, &[(idx, theirs.clone())]);
    let dialog = ConflictDialog {
        number: mine.ticket_number,
        when: theirs.updated_at,
        diffs: differences(state.names.catalog(), &mine, &theirs),
        label: job.label.clone(),
        retry: Box::new(retry),
    };
    if state.modal.is_some() {
        state.fail(
            format!(
                "#{} was changed by someone else: {} (yours was not applied)",
                dialog.number,
                words(&dialog.diffs)
            ),
            Some("their change is shown; do yours again to apply it".into()),
        );
        return;
    }
    state.modal = Some(Modal::Triage(Dialog::Conflict(Box::new(dialog))));
}

/// `a`: apply mine anyway (sent again, without the precondition); `k`,
/// `n`, `Esc`: keep theirs. Other keys leave the question open.
pub fn on_key(
    state: &mut State,
    dialog: &mut ConflictDialog,
    ev: &KeyEvent,
    fx: &mut Vec<Effect>,
) -> DialogOutcome {
    match ev.code {
        KeyCode::Char('a') | KeyCode::Char('A') => {
            state.say(format!("#{}: applying yours anyway", dialog.number));
            jobs::start(state, (*dialog.retry).clone(), fx);
            DialogOutcome::Close
        }
        KeyCode::Char('k') | KeyCode::Char('K') | KeyCode::Char('n') | KeyCode::Esc => {
            state.say(format!("#{}: kept theirs", dialog.number));
            DialogOutcome::Close
        }
        _ => DialogOutcome::Stay,
    }
}

/// The report's `F`: every ticket of `job` changed by someone else gets
/// the change again, forced; they are the marked ones left to retry.
pub fn rerun_conflicts(state: &mut State, job: &Job, fx: &mut Vec<Effect>) -> usize {
    let picks: Vec<(usize, Ticket)> = job
        .outcomes
        .iter()
        .enumerate()
        .filter_map(|(i, o)| match o {
            Some(Outcome::Conflict { theirs, .. }) => Some((i, (**theirs).clone())),
            _ => None,
        })
        .collect();
    if picks.is_empty() {
        return 0;
    }
    let n = picks.len();
    jobs::start(state, forced(job, &picks), fx);
    n
}

/// Conflicts in a finished job, for the report's hint.
pub fn count(job: &Job) -> usize {
    job.count(|o| matches!(o, Outcome::Conflict { .. }))
}
