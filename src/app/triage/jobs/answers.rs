//! The server's answers to writes: rows updated, refusals that turn a
//! kind of write off for the session, a 429 that puts the write back.

use chrono::{DateTime, Utc};

use super::queue::{Outcome, pump, replace_row};
use crate::api::types::{Ticket, UpdatedTicket};
use crate::app::msg::Effect;
use crate::app::state::{ErrorView, State, Waiting};
use crate::app::triage::change::{Change, Routing};
use crate::app::triage::known;
use crate::app::triage::write::{WriteAccess, WriteError};

/// The server answered one PATCH.
pub fn on_written(
    state: &mut State,
    write: u64,
    result: Result<UpdatedTicket, WriteError>,
    fx: &mut Vec<Effect>,
) {
    on_answer(state, write, result.map(Some), fx)
}

/// The server answered one note or reply (its draft is gone on `Ok`),
/// with the message's `created_at` when the server said it.
pub fn on_posted(
    state: &mut State,
    write: u64,
    result: Result<Option<DateTime<Utc>>, WriteError>,
    fx: &mut Vec<Effect>,
) {
    if let Ok(Some(at)) = &result
        && let Some((ticket, sent)) = ticket_of_write(state, write)
    {
        // Our own message moved the ticket's `updated_at`: a change made
        // next, from the row read before it, must not be taken for a
        // colleague's.
        own_write(state, ticket.id, sent, *at);
        if ticket.updated_at.is_none_or(|t| t < *at) {
            let mut newer = ticket;
            newer.updated_at = Some(*at);
            replace_row(state, &newer);
        }
        // The job's own copy too: what follows the message ("send and
        // set") starts from it when the row is on no page shown.
        if let Some(job_id) = state.triage.writes.get(&write).copied()
            && let Some(job) = state.triage.jobs.iter_mut().find(|j| j.id == job_id)
            && let Some(&(_, idx)) = job.in_flight.iter().find(|(w, _)| *w == write)
        {
            let after = &mut job.items[idx].after;
            after.updated_at = after.updated_at.max(Some(*at));
        }
    }
    on_answer(state, write, result.map(|_| None), fx)
}

/// The row a write in flight is for, as shown now, and the `updated_at`
/// the write was based on.
fn ticket_of_write(state: &State, write: u64) -> Option<(Ticket, Option<DateTime<Utc>>)> {
    let job_id = state.triage.writes.get(&write)?;
    let job = state.triage.jobs.iter().find(|j| j.id == *job_id)?;
    let (_, idx) = job.in_flight.iter().find(|(w, _)| *w == write)?;
    let id = job.items[*idx].before.id;
    let shown = state.list.table.tickets().iter().find(|t| t.id == id);
    let row = shown
        .cloned()
        .unwrap_or_else(|| job.items[*idx].after.clone());
    Some((row, job.guards[*idx]))
}

/// The server took one of our writes on ticket `id`, based on the read
/// `sent`, and the ticket is now as of `at`: writes still queued on it,
/// built from that read or an older one, name `at` instead.
fn own_write(state: &mut State, id: uuid::Uuid, sent: Option<DateTime<Utc>>, at: DateTime<Utc>) {
    for job in state.triage.jobs.iter_mut() {
        for &i in &job.queue {
            if job.items[i].before.id == id && job.guards[i] <= sent {
                job.guards[i] = Some(at);
            }
        }
    }
}

/// One write answered: the updated row of a PATCH, nothing for a POST.
fn on_answer(
    state: &mut State,
    write: u64,
    result: Result<Option<UpdatedTicket>, WriteError>,
    fx: &mut Vec<Effect>,
) {
    let Some(job_id) = state.triage.writes.remove(&write) else {
        return;
    };
    let Some(job) = state.triage.jobs.iter_mut().find(|j| j.id == job_id) else {
        return;
    };
    let Some(pos) = job.in_flight.iter().position(|(w, _)| *w == write) else {
        return;
    };
    let (_, idx) = job.in_flight.remove(pos);
    let routing = job.change.as_ref().and_then(Change::routing);
    match result {
        Ok(Some(answer)) => {
            job.outcomes[idx] = Some(Outcome::Changed);
            job.items[idx].after = answer.ticket.clone();
            let (id, sent) = (job.items[idx].before.id, job.guards[idx]);
            replace_row(state, &answer.ticket);
            known::learn_answer(state, &answer);
            if let Some(at) = answer.ticket.updated_at {
                own_write(state, id, sent, at);
            }
        }
        Err(WriteError::Conflict { current }) => {
            let mine = job.items[idx].before.clone();
            let what = crate::app::triage::conflict::summary(state, &mine, &current.ticket);
            let Some(job) = state.triage.jobs.iter_mut().find(|j| j.id == job_id) else {
                return;
            };
            job.outcomes[idx] = Some(Outcome::Conflict {
                theirs: Box::new(current.ticket.clone()),
                what,
            });
            let single = !job.bulk;
            // Theirs at once, in the row and the open detail.
            replace_row(state, &current.ticket);
            known::learn_answer(state, &current);
            if single {
                crate::app::triage::conflict::ask(state, job_id, idx);
            }
        }
        Err(WriteError::NotSupported) if routing.is_some() => {
            refuse_routing(state, job_id, idx, routing.unwrap_or(Routing::Inbox))
        }
        Ok(None) => {
            job.outcomes[idx] = Some(Outcome::Changed);
            let id = job.items[idx].before.id;
            // The version sent goes, once every target has it (a bulk
            // draft is one text for all); a newer one stays.
            let all_sent = job
                .outcomes
                .iter()
                .all(|o| matches!(o, Some(Outcome::Changed)));
            if let Some(draft) = job.draft.filter(|_| all_sent) {
                if let crate::config::DraftOwner::Ticket(id) = draft.owner {
                    state.triage.draft_ids.remove(&(id, draft.kind));
                }
                if let Some(drafts) = state.triage.drafts.clone() {
                    fx.push(Effect::RemoveDraft { drafts, draft });
                }
            }
            // The open detail shows the new message (and no draft line).
            crate::app::detail::request_detail(state, id, fx);
        }
        Err(WriteError::RateLimited { retry_at }) => {
            // Not applied: it goes first again, after the wait. A stopped
            // job does not send it again.
            if job.stopped {
                let before = job.items[idx].before.clone();
                job.outcomes[idx] = Some(Outcome::Skipped("stopped while rate limited".into()));
                replace_row(state, &before);
            } else {
                job.queue.push_front(idx);
            }
            crate::app::gate::gate(state, retry_at, Some(Waiting::Writes));
        }
        Err(WriteError::ReadOnly { .. }) => refuse(state, job_id, idx, WriteAccess::ReadOnly),
        Err(WriteError::NotSupported) if job.post.is_some() => refuse_messages(state, job_id, idx),
        Err(WriteError::NotSupported) => refuse(state, job_id, idx, WriteAccess::NoPatch),
        Err(WriteError::Failed { message, hint }) => {
            let before = job.items[idx].before.clone();
            let number = before.ticket_number;
            job.outcomes[idx] = Some(Outcome::Failed(message.clone()));
            let (bulk, kind, draft) = (job.bulk, job.post.as_ref().map(|m| m.kind), job.draft);
            let from_editor = job.from_editor;
            replace_row(state, &before);
            if !bulk {
                state.last_error = Some(match kind {
                    Some(kind) => ErrorView {
                        message: format!(
                            "#{number}: the {} was not sent: {message}",
                            kind.as_str()
                        ),
                        hint: Some(match (draft, from_editor) {
                            (Some(_), _) => draft_kept_hint(state, kind),
                            (None, false) => {
                                "it is the macro's: running the macro again sends it".into()
                            }
                            (None, true) => {
                                "it was sent without a draft (none could be kept): the text is gone"
                                    .into()
                            }
                        }),
                    },
                    None => ErrorView {
                        message: format!("#{number} was not changed: {message}"),
                        hint,
                    },
                });
            }
        }
    }
    pump(state, fx);
}

/// Writes are off for this session: this ticket and everything not sent
/// yet, in every job, go back as they were.
fn refuse(state: &mut State, job_id: u64, idx: usize, access: WriteAccess) {
    let reason = match access {
        WriteAccess::ReadOnly => "read-only API key",
        _ => "the server does not accept changes",
    };
    let mut restore = Vec::new();
    for job in state.triage.jobs.iter_mut() {
        if job.id == job_id {
            job.outcomes[idx] = Some(Outcome::Failed(reason.into()));
            restore.push(job.items[idx].before.clone());
        }
        while let Some(i) = job.queue.pop_front() {
            job.outcomes[i] = Some(Outcome::Skipped(reason.into()));
            restore.push(job.items[i].before.clone());
        }
    }
    for before in &restore {
        replace_row(state, before);
    }
    if let Some((message, hint)) = access.refusal() {
        state.fail(message, Some(hint.into()));
    }
    state.triage.access = access;
}

/// A note or reply that failed and was saved first: where its text is.
fn draft_kept_hint(state: &State, kind: crate::model::MessageKind) -> String {
    let action = match kind {
        crate::model::MessageKind::Note => crate::app::keymap::Action::AddNote,
        crate::model::MessageKind::Reply => crate::app::keymap::Action::Reply,
    };
    format!(
        "the draft is kept: {} on this ticket opens it again",
        state.keymap.label(action)
    )
}

/// The server has no `POST /tickets/{id}/messages`: notes and replies are
/// off for this session (the other writes are not); this one and every
/// message not sent yet are skipped, their drafts kept.
fn refuse_messages(state: &mut State, job_id: u64, idx: usize) {
    let reason = "the server does not take notes or replies";
    for job in state.triage.jobs.iter_mut().filter(|j| j.post.is_some()) {
        if job.id == job_id {
            job.outcomes[idx] = Some(Outcome::Failed(reason.into()));
        }
        while let Some(i) = job.queue.pop_front() {
            job.outcomes[i] = Some(Outcome::Skipped(reason.into()));
        }
    }
    let (message, hint) = crate::app::triage::write::MESSAGES_OFF;
    state.fail(message, Some(hint.into()));
    state.triage.messages_off = true;
}

/// The server has no PATCH for this action's fields (404/405): this
/// action is off for the session (the others and browsing stay), and the
/// rest of its job goes back as it was.
fn refuse_routing(state: &mut State, job_id: u64, idx: usize, routing: Routing) {
    let reason = format!("the server does not accept {}", routing.what());
    let mut restore = Vec::new();
    if let Some(job) = state.triage.jobs.iter_mut().find(|j| j.id == job_id) {
        job.outcomes[idx] = Some(Outcome::Failed(reason.clone()));
        restore.push(job.items[idx].before.clone());
        while let Some(i) = job.queue.pop_front() {
            job.outcomes[i] = Some(Outcome::Skipped(reason.clone()));
            restore.push(job.items[i].before.clone());
        }
    }
    for before in &restore {
        replace_row(state, before);
    }
    state.triage.off.insert(routing);
    let (message, hint) = crate::app::triage::write::routing_refusal(routing);
    state.fail(message, Some(hint.into()));
}
