//! Writes: one job per action (one ticket, or a bulk run over a snapshot of
//! marked tickets), sent a few at a time, each PATCH at most once per
//! attempt and never retried by itself.
//!
//! The bookkeeping is what makes a 429 safe: a ticket is in exactly one of
//! `queue` (not sent), `in_flight` (sent, no answer yet) or `outcomes`
//! (answered). A 429 answer means the server did not apply the change, so
//! that ticket goes back to the front of the queue and the whole job waits
//! in the rate-limit queue with everything else; when the wait ends the
//! queue is sent again, each ticket once. Nothing is lost (every ticket
//! ends with an outcome) and nothing is done twice (an answered ticket is
//! never queued again).

use std::collections::{HashSet, VecDeque};

use uuid::Uuid;

use super::change::{Change, Fields, Routing, tickets};
use super::known::{self, Known};
use super::rows;
use super::undo::{UndoRecord, UndoRow};
use super::write::{WriteAccess, WriteError};
use super::{Dialog, Triage};
use crate::api::types::{NewMessage, Ticket, TicketPatch, UpdatedTicket};
use crate::app::modal::Modal;
use crate::app::msg::Effect;
use crate::app::state::{ErrorView, State, Waiting};

/// Writes in flight at once: a few, so a bulk run is quick without
/// spending the whole rate budget in one burst.
pub const MAX_IN_FLIGHT: usize = 4;

/// One ticket of a job.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The row before the change (rollback, undo).
    pub before: Ticket,
    /// The row as it will be (shown at once).
    pub after: Ticket,
    pub patch: TicketPatch,
    /// Its tags and fields as known when the job began (undo, no-ops).
    pub known: Known,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Changed,
    Failed(String),
    Skipped(String),
    /// The ticket already had the value: no request was sent.
    Already,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: u64,
    /// Over marked tickets: confirmed first, reported at the end.
    pub bulk: bool,
    /// Puts back a previous action (not undoable itself).
    pub undo: bool,
    /// The action, for words: `None` for an undo.
    pub change: Option<Change>,
    pub fields: Fields,
    /// "Set to Urgent", "Undo: set to Urgent".
    pub label: String,
    pub items: Vec<Item>,
    /// Indexes into `items` not sent yet, in order.
    pub queue: VecDeque<usize>,
    /// (write id, index) sent and not answered.
    pub in_flight: Vec<(u64, usize)>,
    /// One per item once answered (or skipped).
    pub outcomes: Vec<Option<Outcome>>,
    /// `Esc`: what is not sent yet is skipped.
    pub stopped: bool,
    /// A note or a reply posted to every ticket instead of a PATCH (rows
    /// do not change; it cannot be undone).
    pub post: Option<NewMessage>,
    /// The post was written in the editor and kept as a draft until the
    /// server has it (a macro's note is in the config: no draft to drop).
    pub drafted: bool,
    /// A macro's note, posted after its PATCH: it leaves the macro as
    /// the action `U` undoes.
    pub follow_up: bool,
}

impl Job {
    pub fn new(
        id: u64,
        label: String,
        change: Option<Change>,
        fields: Fields,
        items: Vec<Item>,
        bulk: bool,
    ) -> Job {
        let n = items.len();
        Job {
            id,
            bulk,
            undo: change.is_none(),
            change,
            fields,
            label,
            queue: (0..n).collect(),
            in_flight: Vec::new(),
            outcomes: vec![None; n],
            items,
            stopped: false,
            post: None,
            drafted: false,
            follow_up: false,
        }
    }

    /// A job that posts `message` to each item's ticket.
    pub fn posting(label: String, message: NewMessage, items: Vec<Item>, bulk: bool) -> Job {
        let mut job = Job::new(0, label, None, Fields::default(), items, bulk);
        job.undo = false;
        job.post = Some(message);
        job.drafted = true;
        job
    }

    /// What an answered ticket is counted as: "sent" or "changed".
    pub fn done_word(&self) -> &'static str {
        if self.post.is_some() {
            "sent"
        } else {
            "changed"
        }
    }

    /// Decided before sending: a ticket that already has the value gets
    /// no request (and is not counted as changed).
    pub fn skip_no_ops(mut self) -> Job {
        let Some(change) = &self.change else {
            return self;
        };
        let no_op: Vec<bool> = self
            .items
            .iter()
            .map(|i| change.is_no_op(&i.before, &i.known))
            .collect();
        self.queue.retain(|&i| !no_op[i]);
        for (i, skip) in no_op.into_iter().enumerate() {
            if skip {
                self.outcomes[i] = Some(Outcome::Already);
            }
        }
        self
    }

    /// "already Urgent" (what a no-op ticket is reported as).
    pub fn already(&self) -> String {
        match &self.change {
            Some(Change::Assign { id: None, .. }) => "already unassigned".into(),
            Some(Change::Assign { .. }) => {
                format!("already assigned to {}", self.change_target())
            }
            Some(Change::Inbox(_)) => format!("already in {}", self.change_target()),
            Some(Change::Tags { .. }) => "already tagged so".into(),
            Some(Change::Macro(_)) => "already so".into(),
            Some(_) => format!("already {}", self.change_target()),
            None => "already as it was".into(),
        }
    }

    fn change_target(&self) -> String {
        self.change.as_ref().map(Change::target).unwrap_or_default()
    }

    pub fn done(&self) -> usize {
        self.outcomes.iter().filter(|o| o.is_some()).count()
    }

    pub fn finished(&self) -> bool {
        self.queue.is_empty() && self.in_flight.is_empty()
    }

    pub fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.outcomes.iter().flatten().filter(|o| f(o)).count()
    }
}

/// Starts a job: every row changes at once, then the writes go out as the
/// rate limit allows.
pub fn start(state: &mut State, mut job: Job, fx: &mut Vec<Effect>) {
    state.triage.next_job += 1;
    job.id = state.triage.next_job;
    for item in &job.items {
        rows::replace(state, &item.after);
    }
    if job.bulk {
        state.modal = Some(Modal::Triage(Dialog::Progress { job: job.id }));
    }
    state.triage.jobs.push(job);
    pump(state, fx);
}

/// Sends queued writes up to `MAX_IN_FLIGHT`, or, while rate limited,
/// registers them as waiting (sent when the wait ends, or dropped by `Esc`).
pub fn pump(state: &mut State, fx: &mut Vec<Effect>) {
    finish_jobs(state);
    if state.triage.undo_queued && !state.triage.jobs.iter().any(|j| !j.undo) {
        state.triage.undo_queued = false;
        super::actions::undo(state, fx);
    }
    if !state.triage.jobs.iter().any(|j| !j.queue.is_empty()) {
        // Nothing waits any more (answered, stopped, refused): the banner
        // must not name writes.
        if let Some(rl) = state.rate_limit.as_mut() {
            rl.waiting.retain(|w| *w != Waiting::Writes);
        }
        return;
    }
    if let Some(rl) = state.rate_limit.as_mut() {
        if !rl.waiting.contains(&Waiting::Writes) {
            rl.waiting.push(Waiting::Writes);
        }
        return;
    }
    let Triage {
        jobs,
        writes,
        next_write,
        drafts,
        ..
    } = &mut state.triage;
    let mut flying: usize = jobs.iter().map(|j| j.in_flight.len()).sum();
    for job in jobs.iter_mut() {
        while flying < MAX_IN_FLIGHT {
            let Some(idx) = job.queue.pop_front() else {
                break;
            };
            *next_write += 1;
            let write = *next_write;
            job.in_flight.push((write, idx));
            writes.insert(write, job.id);
            flying += 1;
            let item = &job.items[idx];
            fx.push(match &job.post {
                Some(message) => Effect::PostMessage {
                    write,
                    id: item.before.id,
                    message: message.clone(),
                    // Never the agent's own draft of a note on this ticket.
                    drafts: drafts.clone().filter(|_| job.drafted),
                },
                None => Effect::UpdateTicket {
                    write,
                    id: item.before.id,
                    patch: item.patch.clone(),
                },
            });
        }
    }
}

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
            if let Some(kind) = job.post.as_ref().map(|m| m.kind)
                && job.drafted
            {
                state.triage.draft_ids.remove(&(id, kind));
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
            let (bulk, kind, drafted) = (job.bulk, job.post.as_ref().map(|m| m.kind), job.drafted);
            rows::replace(state, &before);
            if !bulk {
                state.last_error = Some(match kind {
                    Some(kind) => ErrorView {
                        message: format!(
                            "#{number}: the {} was not sent: {message}",
                            kind.as_str()
                        ),
                        hint: Some(if drafted {
                            draft_kept_hint(state, kind)
                        } else {
                            "it is the macro's: running the macro again sends it".into()
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

/// A note or reply that failed: where its text is.
fn draft_kept_hint(state: &State, kind: crate::model::MessageKind) -> String {
    let action = match kind {
        crate::model::MessageKind::Note => crate::app::keymap::Action::AddNote,
        crate::model::MessageKind::Reply => crate::app::keymap::Action::Reply,
    };
    if state.triage.drafts.is_some() {
        format!(
            "the draft is kept: {} on this ticket opens it again",
            state.keymap.label(action)
        )
    } else {
        "no draft could be kept (no state directory)".into()
    }
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
    let (message, hint) = super::write::MESSAGES_OFF;
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
    let (message, hint) = super::write::routing_refusal(routing);
    state.last_error = Some(ErrorView {
        message,
        hint: Some(hint.into()),
    });
}

/// `Esc` during a bulk run: what is not sent yet is skipped and its rows go
/// back; what is in flight ends normally. Returns how many were skipped.
pub fn stop(state: &mut State, job_id: u64, reason: &str) -> usize {
    let Some(job) = state.triage.jobs.iter_mut().find(|j| j.id == job_id) else {
        return 0;
    };
    job.stopped = true;
    let mut restore = Vec::new();
    while let Some(i) = job.queue.pop_front() {
        job.outcomes[i] = Some(Outcome::Skipped(reason.into()));
        restore.push(job.items[i].before.clone());
    }
    for before in &restore {
        rows::replace(state, before);
    }
    restore.len()
}

/// Drops every write waiting for the rate limit (`Esc`); returns how many.
pub fn drop_waiting(state: &mut State) -> usize {
    let ids: Vec<u64> = state
        .triage
        .jobs
        .iter()
        .filter(|j| !j.queue.is_empty())
        .map(|j| j.id)
        .collect();
    let dropped = ids
        .into_iter()
        .map(|id| stop(state, id, "dropped while rate limited"))
        .sum();
    if let Some(rl) = state.rate_limit.as_mut() {
        rl.waiting.retain(|w| *w != Waiting::Writes);
    }
    finish_jobs(state);
    dropped
}

/// Number of writes waiting for the rate limit to end.
pub fn waiting_count(triage: &Triage) -> usize {
    triage.jobs.iter().map(|j| j.queue.len()).sum()
}

/// Tickets with a write queued or in flight (drawn as pending).
pub fn pending_ids(triage: &Triage) -> HashSet<Uuid> {
    triage
        .jobs
        .iter()
        .flat_map(|j| {
            j.queue
                .iter()
                .copied()
                .chain(j.in_flight.iter().map(|(_, i)| *i))
                .map(|i| j.items[i].before.id)
        })
        .collect()
}

/// Ends finished jobs: single ones say what happened on the status line,
/// bulk ones turn their progress into the report; both become the action
/// `U` undoes (an undo does not).
fn finish_jobs(state: &mut State) {
    while let Some(pos) = state.triage.jobs.iter().position(Job::finished) {
        let job = state.triage.jobs.remove(pos);
        let changed: Vec<&Item> = job
            .items
            .iter()
            .zip(&job.outcomes)
            .filter(|(_, o)| matches!(o, Some(Outcome::Changed)))
            .map(|(i, _)| i)
            .collect();
        if job.follow_up {
            follow_up_done(state, &job);
            continue;
        }
        if job.post.is_some() && !changed.is_empty() {
            // `U` must not reach past it to the action before.
            state.triage.undo = None;
            state.triage.undo_refusal = Some(format!(
                "notes and replies cannot be undone ('{}' was sent)",
                job.label
            ));
        } else if !job.undo && !changed.is_empty() {
            state.triage.undo_refusal = None;
            state.triage.undo = Some(UndoRecord {
                label: job.label.clone(),
                fields: job.fields,
                change: job.change.clone(),
                rows: changed
                    .iter()
                    .map(|i| UndoRow {
                        before: i.before.clone(),
                        after: i.after.clone(),
                        known: i.known.clone(),
                    })
                    .collect(),
            });
        }
        if !job.undo {
            start_macro_note(state, &job);
        }
        if job.bulk && !job.undo {
            // Done with: unmarked, so the next action does not reach them
            // again. Failed and skipped ones stay marked to be retried.
            for (item, outcome) in job.items.iter().zip(&job.outcomes) {
                if matches!(outcome, Some(Outcome::Changed | Outcome::Already)) {
                    state.triage.marks.remove(item.before.id);
                }
            }
        }
        if job.bulk {
            let showing = matches!(
                state.modal,
                Some(Modal::Triage(Dialog::Progress { job: id })) if id == job.id
            );
            // The report opens in place of the progress bar or over the
            // list; it never replaces what the agent opened meanwhile (a
            // search half typed), which gets a one-line summary instead.
            if showing || state.modal.is_none() {
                state.modal = Some(Modal::Triage(Dialog::Report {
                    job: Box::new(job),
                    scroll: 0,
                }));
            } else {
                state.notice = Some(format!(
                    "{}: {} {}",
                    job.label,
                    crate::text::count(changed.len() as u64, "ticket"),
                    job.done_word()
                ));
            }
        } else if !changed.is_empty() {
            let number = job.items[0].before.ticket_number;
            state.notice = Some(match (&job.change, job.undo, &job.post) {
                (_, _, Some(m)) => format!("#{number}: {} sent", m.kind.as_str()),
                (Some(c), false, _) => c.done(number),
                // "#468: Undo: assign to Ada García" (names as spelled).
                _ => format!("#{number}: {}", job.label),
            });
        } else if let Some(Some(Outcome::Skipped(why))) = job.outcomes.first() {
            let number = job.items[0].before.ticket_number;
            if state.last_error.is_none() {
                state.notice = Some(format!("#{number} not changed: {why}"));
            }
        }
    }
}

/// A macro's note goes out once its PATCH is answered, to the tickets the
/// PATCH reached (changed, or already as the macro leaves them).
fn start_macro_note(state: &mut State, job: &Job) {
    let Some(Change::Macro(m)) = &job.change else {
        return;
    };
    let Some(body) = m.note.clone() else {
        return;
    };
    let rows: Vec<Ticket> = job
        .items
        .iter()
        .zip(&job.outcomes)
        .filter(|(_, o)| matches!(o, Some(Outcome::Changed | Outcome::Already)))
        .map(|(i, _)| i.after.clone())
        .collect();
    if rows.is_empty() || state.triage.messages_off {
        return;
    }
    let message = NewMessage {
        kind: crate::model::MessageKind::Note,
        body,
    };
    let items = super::macro_run::note_items(&rows);
    let mut note = Job::posting(format!("{}: note", m.name), message, items, job.bulk);
    note.drafted = false;
    note.follow_up = true;
    state.triage.next_job += 1;
    note.id = state.triage.next_job;
    state.triage.jobs.push(note);
}

/// A macro's note answered everywhere: said on the status line (the
/// macro's report, if any, stays open); the macro stays undoable.
fn follow_up_done(state: &mut State, job: &Job) {
    let sent = job.count(|o| matches!(o, Outcome::Changed));
    let failed = job.items.len() - sent;
    if !job.bulk {
        let number = job.items[0].before.ticket_number;
        if failed == 0 {
            state.notice = Some(format!(
                "#{number}: {} (note sent)",
                job.label.trim_end_matches(": note")
            ));
        }
        // A failure already said why (last_error).
        return;
    }
    let text = if failed == 0 {
        format!(
            "{}: {} sent",
            job.label,
            crate::text::count(sent as u64, "note")
        )
    } else {
        format!(
            "{}: {sent} sent, {failed} not sent (running the macro again on them sends it)",
            job.label
        )
    };
    if failed > 0 && state.last_error.is_none() {
        state.last_error = Some(ErrorView {
            message: text,
            hint: None,
        });
    } else {
        state.notice = Some(text);
    }
}

/// Height of the report popup on a screen `screen_h` rows high, and how
/// many ticket lines fit in it (borders, two lines of summary and the
/// bottom border's hint take the rest).
pub fn report_size(items: usize, screen_h: u16) -> (u16, usize) {
    let h = (items.min(usize::from(u16::MAX)) as u16)
        .saturating_add(5)
        .min(screen_h.saturating_sub(2))
        .max(6);
    (h, usize::from(h.saturating_sub(5)))
}

/// The last useful scroll of the report: its last page.
pub fn report_max_scroll(items: usize, screen_h: u16) -> usize {
    items.saturating_sub(report_size(items, screen_h).1)
}

/// "12 of 23 · 11 changed · 1 failed".
pub fn progress_line(job: &Job) -> String {
    let changed = job.count(|o| matches!(o, Outcome::Changed));
    let failed = job.count(|o| matches!(o, Outcome::Failed(_)));
    let skipped = job.count(|o| matches!(o, Outcome::Skipped(_)));
    let already = job.count(|o| matches!(o, Outcome::Already));
    let mut s = format!(
        "{} of {} · {changed} {}",
        job.done(),
        tickets(job.items.len()),
        job.done_word()
    );
    if failed > 0 {
        s.push_str(&format!(" · {failed} failed"));
    }
    if skipped > 0 {
        s.push_str(&format!(" · {skipped} skipped"));
    }
    if already > 0 {
        s.push_str(&format!(" · {already} {}", job.already()));
    }
    s
}

/// What happened to the marks after a bulk run over them (the report's
/// second line); empty for an undo, which does not run over marks.
pub fn marks_line(job: &Job, unmark_key: &str) -> String {
    if job.undo {
        return String::new();
    }
    let left = job.count(|o| matches!(o, Outcome::Failed(_) | Outcome::Skipped(_)));
    match left {
        0 => "marks cleared".into(),
        n => format!(
            "{} failed or skipped: still marked to retry ({unmark_key} unmarks)",
            tickets(n)
        ),
    }
}

/// What the rate-limit banner says waits: "3 changes (Esc drops them)".
pub fn describe_waiting(triage: &Triage) -> String {
    match waiting_count(triage) {
        1 => "1 change (Esc drops it)".into(),
        n => format!("{n} changes (Esc drops them)"),
    }
}
