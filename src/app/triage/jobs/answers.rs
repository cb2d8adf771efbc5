//! The server's answers to writes: rows updated, refusals that turn a
//! kind of write off for the session, a 429 that puts the write back.

use super::queue::{Outcome, pump};
use crate::api::types::UpdatedTicket;
use crate::app::msg::Effect;
use crate::app::state::{ErrorView, State, Waiting};
use crate::app::triage::change::{Change, Routing};
use crate::app::triage::known;
use crate::app::triage::rows;
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

/// The server answered one note or reply (its draft is gone on `Ok`).
pub fn on_posted(
    state: &mut State,
    write: u64,
    result: Result<(), WriteError>,
    fx: &mut Vec<Effect>,
) {
    on_answer(state, write, result.map(|()| None), fx)
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
            rows::replace(state, &answer.ticket);
            known::learn_answer(state, &answer);
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
                rows::replace(state, &before);
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
            rows::replace(state, &before);
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
        rows::replace(state, before);
    }
    if let Some((message, hint)) = access.refusal() {
        state.last_error = Some(ErrorView {
            message: message.into(),
            hint: Some(hint.into()),
        });
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
    state.last_error = Some(ErrorView {
        message: message.into(),
        hint: Some(hint.into()),
    });
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
        rows::replace(state, before);
    }
    state.triage.off.insert(routing);
    let (message, hint) = crate::app::triage::write::routing_refusal(routing);
    state.last_error = Some(ErrorView {
        message,
        hint: Some(hint.into()),
    });
}
