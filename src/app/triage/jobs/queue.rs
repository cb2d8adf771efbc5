//! A job, the jobs waiting and in flight, and the rows they show.
//!
//! A job is one change over its tickets: each ticket's row before and
//! after, its PATCH, where it stands (queued, in flight, answered) and what
//! became of it. Starting a job changes its rows at once wherever the
//! screen can show them (the page, cached pages, the detail, the marks),
//! so paging away and back does not bring the old values back; a row that
//! left the filter is only dimmed, until the next refresh (a new query
//! generation), so the cursor stays where the agent's fingers expect it.
//! Then its writes go out a few at a time, as the rate limit allows.
//! `answers` takes the server's answers back, `report` ends finished jobs
//! and words them.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::report::finish_jobs;
use crate::api::types::{NewMessage, Ticket, TicketPatch};
use crate::app::modal::Modal;
use crate::app::msg::Effect;
use crate::app::state::{Loadable, State, TablePane, Waiting};
use crate::app::triage::change::{Change, Fields};
use crate::app::triage::known::Known;
use crate::app::triage::{Dialog, Triage};

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
    /// 412: someone else changed the ticket first; nothing was applied.
    /// Their ticket, and what they changed in words.
    Conflict {
        theirs: Box<Ticket>,
        what: String,
    },
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
    /// Per item, its own text of the post (a reply to several tickets
    /// filled for each); empty: `post` as it is for every item.
    pub bodies: Vec<String>,
    /// The draft the post was saved as before it was sent: that version
    /// (and no other) is removed once the server has it. `None`: a macro's
    /// note (in the config), or a text the agent sent knowing it could not
    /// be kept.
    pub draft: Option<crate::config::DraftId>,
    /// Written in the editor (else a macro's note, from the config).
    pub from_editor: bool,
    /// A macro's note, posted after its PATCH: it leaves the macro as
    /// the action `U` undoes.
    pub follow_up: bool,
    /// Per item, the `updated_at` its PATCH names in `If-Unmodified-Since`:
    /// the one last seen for the ticket (for an undo, the one the server
    /// answered to the change undone, so a later change by anyone stops it).
    pub guards: Vec<Option<DateTime<Utc>>>,
    /// "Apply mine anyway": sent without the precondition.
    pub force: bool,
    /// A reply's "send and set": this change goes to the ticket once the
    /// server took the reply (one PATCH, guarded by the reply's time).
    pub after_post: Option<Change>,
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
        let guards = items.iter().map(|i| i.before.updated_at).collect();
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
            bodies: Vec::new(),
            draft: None,
            from_editor: false,
            follow_up: false,
            guards,
            force: false,
            after_post: None,
        }
    }

    /// A job that posts `message` to each item's ticket.
    pub fn posting(label: String, message: NewMessage, items: Vec<Item>, bulk: bool) -> Job {
        let mut job = Job::new(0, label, None, Fields::default(), items, bulk);
        job.undo = false;
        job.post = Some(message);
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

/// Writes in flight at once: a few, so a bulk run is quick without
/// spending the whole rate budget in one burst.
pub const MAX_IN_FLIGHT: usize = 4;

/// Starts a job: every row changes at once, then the writes go out as the
/// rate limit allows.
pub fn start(state: &mut State, mut job: Job, fx: &mut Vec<Effect>) {
    state.triage.next_job += 1;
    job.id = state.triage.next_job;
    if !job.undo {
        freshen(state, &mut job);
    }
    for item in &job.items {
        replace_row(state, &item.after);
    }
    if job.bulk {
        state.modal = Some(Modal::Triage(Dialog::Progress { job: job.id }));
    }
    state.triage.jobs.push(job);
    pump(state, fx);
}

/// A job's tickets were read when its dialog opened; answers to our own
/// earlier writes may have come in since (a picker left open while the
/// last change was saved). The precondition names the newest time shown
/// for each ticket, and the optimistic row keeps it rather than going back.
/// An undo keeps its own guard: the time the server gave the change undone.
fn freshen(state: &State, job: &mut Job) {
    let shown = state.list.table.tickets();
    let detail = state.detail.as_ref().map(|d| &d.ticket);
    for (i, item) in job.items.iter_mut().enumerate() {
        let id = item.before.id;
        let seen = shown
            .iter()
            .chain(detail)
            .filter(|t| t.id == id)
            .filter_map(|t| t.updated_at)
            .max();
        if seen > job.guards[i] {
            job.guards[i] = seen;
            item.after.updated_at = item.after.updated_at.max(seen);
        }
    }
}

/// Sends queued writes up to `MAX_IN_FLIGHT`, or, while rate limited,
/// registers them as waiting (sent when the wait ends, or dropped by `Esc`).
pub fn pump(state: &mut State, fx: &mut Vec<Effect>) {
    // A queued `U` this makes due is run by `update` after the message
    // (`undo::run_queued`), not from here: sending never calls back into
    // the actions that start jobs. Jobs all answered leave first (report,
    // undo record, follow-ups), when there are any.
    if state.triage.jobs.iter().any(Job::finished) {
        finish_jobs(state);
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
        ..
    } = &mut state.triage;
    let mut flying: usize = jobs.iter().map(|j| j.in_flight.len()).sum();
    // One write per ticket at a time: the second names the `updated_at`
    // the first one's answer brings (see `answers::own_write`), so an
    // agent's quick second key on a ticket is not taken for a colleague's.
    let mut busy: HashSet<Uuid> = jobs
        .iter()
        .flat_map(|j| j.in_flight.iter().map(|(_, i)| j.items[*i].before.id))
        .collect();
    for job in jobs.iter_mut() {
        while flying < MAX_IN_FLIGHT {
            let Some(at) = job
                .queue
                .iter()
                .position(|&i| !busy.contains(&job.items[i].before.id))
            else {
                break;
            };
            let Some(idx) = job.queue.remove(at) else {
                break;
            };
            busy.insert(job.items[idx].before.id);
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
                    message: match job.bodies.get(idx) {
                        Some(body) => NewMessage {
                            kind: message.kind,
                            body: body.clone(),
                        },
                        None => message.clone(),
                    },
                },
                None => Effect::UpdateTicket {
                    write,
                    id: item.before.id,
                    patch: item.patch.clone(),
                    since: if job.force { None } else { job.guards[idx] },
                },
            });
        }
    }
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
        replace_row(state, before);
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

/// What the rate-limit banner says waits: "3 changes (Esc drops them)".
pub fn describe_waiting(triage: &Triage) -> String {
    match waiting_count(triage) {
        1 => "1 change (Esc drops it)".into(),
        n => format!("{n} changes (Esc drops them)"),
    }
}

/// Puts `ticket` everywhere its older copy is shown, and dims or undims it
/// by whether it still matches the current filter.
pub fn replace_row(state: &mut State, ticket: &Ticket) {
    if let TablePane::Loaded(view) = &mut state.list.table
        && let Some(pos) = view.tickets.iter().position(|t| t.id == ticket.id)
    {
        Arc::make_mut(&mut view.tickets)[pos] = ticket.clone();
    }
    state.list.cache.replace_ticket(ticket);
    if let Some(d) = state.detail.as_mut().filter(|d| d.ticket.id == ticket.id) {
        d.ticket = ticket.clone();
        if let Loadable::Loaded(detail) = &mut d.detail {
            detail.ticket = ticket.clone();
        }
    }
    state.triage.marks.refresh(ticket);
    let catalog = state.names.catalog();
    let resolver = catalog.map(|c| c as &dyn crate::filter::Resolver);
    if crate::app::triage::change::still_matches(&state.list.filter, ticket, resolver) {
        state.triage.dimmed.remove(&ticket.id);
    } else {
        state.triage.dimmed.insert(ticket.id, state.list.query_gen);
    }
}

/// True when the row left the filter since the list was last fetched.
pub fn is_dimmed(state: &State, id: Uuid) -> bool {
    state
        .triage
        .dimmed
        .get(&id)
        .is_some_and(|g| *g == state.list.query_gen)
}

#[cfg(test)]
mod tests {
    use tokio::time::{Duration, Instant};

    use chrono::{DateTime, Utc};

    use super::*;
    use crate::api::types::UpdatedTicket;
    use crate::app::keymap::Keymap;
    use crate::app::state::Scope;
    use crate::app::triage::PriorityChoice;
    use crate::app::triage::change::{Change, Fields};
    use crate::app::triage::jobs::on_written;
    use crate::app::triage::known::Known;
    use crate::app::triage::write::WriteError;
    use crate::filter::TicketFilter;
    use crate::fixtures::ticket;
    use crate::model::PriorityLevel;

    fn state() -> State {
        State::new(
            Scope::default(),
            TicketFilter::default(),
            25,
            Keymap::default(),
        )
    }

    fn urgent() -> Change {
        Change::Priority(PriorityChoice {
            id: Some(Uuid::from_u128(0x74)),
            level: PriorityLevel::Urgent,
            name: "Urgent".into(),
            color: None,
        })
    }

    /// A bulk job setting tickets `1..=n` to Urgent.
    fn job(n: u128) -> Job {
        let change = urgent();
        let items = (1..=n)
            .map(|i| {
                let before = ticket(i);
                Item {
                    after: change.apply(&before),
                    patch: change.patch(),
                    before,
                    known: Known::default(),
                }
            })
            .collect();
        Job::new(
            0,
            "Set to Urgent".into(),
            Some(change),
            Fields::default(),
            items,
            true,
        )
    }

    /// The write ids of the PATCHes in `fx`, with the ticket each is for.
    fn sent(fx: &[Effect]) -> Vec<(u64, Uuid)> {
        fx.iter()
            .filter_map(|e| match e {
                Effect::UpdateTicket { write, id, .. } => Some((*write, *id)),
                _ => None,
            })
            .collect()
    }

    fn answer(state: &mut State, write: u64, id: Uuid, fx: &mut Vec<Effect>) {
        let ticket = state.triage.jobs[0]
            .items
            .iter()
            .find(|i| i.before.id == id)
            .map(|i| i.after.clone())
            .expect("an item of the job");
        let updated = UpdatedTicket {
            ticket,
            tags: None,
            custom_fields: None,
        };
        on_written(state, write, Ok(updated), fx);
    }

    #[test]
    fn sends_a_few_at_a_time_and_the_next_as_each_is_answered() {
        let mut state = state();
        let mut fx = Vec::new();
        start(&mut state, job(6), &mut fx);
        let first = sent(&fx);
        assert_eq!(first.len(), MAX_IN_FLIGHT);
        assert_eq!(waiting_count(&state.triage), 6 - MAX_IN_FLIGHT);
        assert_eq!(pending_ids(&state.triage).len(), 6);

        let mut fx = Vec::new();
        answer(&mut state, first[0].0, first[0].1, &mut fx);
        let next = sent(&fx);
        assert_eq!(next.len(), 1, "one answered, one more sent");
        assert_eq!(next[0].1, Uuid::from_u128(MAX_IN_FLIGHT as u128 + 1));
        assert!(!pending_ids(&state.triage).contains(&first[0].1));
    }

    #[test]
    fn a_429_puts_the_ticket_first_again_and_nothing_goes_out_until_the_wait_ends() {
        let mut state = state();
        let mut fx = Vec::new();
        start(&mut state, job(2), &mut fx);
        let out = sent(&fx);
        assert_eq!(out.len(), 2);

        let mut fx = Vec::new();
        let retry_at = Instant::now() + Duration::from_secs(30);
        on_written(
            &mut state,
            out[1].0,
            Err(WriteError::RateLimited { retry_at }),
            &mut fx,
        );
        assert!(sent(&fx).is_empty(), "nothing is sent while rate limited");
        assert_eq!(waiting_count(&state.triage), 1);
        assert!(
            state
                .rate_limit
                .as_ref()
                .is_some_and(|rl| rl.waiting.contains(&Waiting::Writes))
        );

        // The other write is answered meanwhile: it is not sent again.
        answer(&mut state, out[0].0, out[0].1, &mut Vec::new());
        state.rate_limit = None;
        let mut fx = Vec::new();
        pump(&mut state, &mut fx);
        let again = sent(&fx);
        assert_eq!(again.len(), 1, "each ticket once: {again:?}");
        assert_eq!(again[0].1, out[1].1);
        assert_ne!(again[0].0, out[1].0, "a new write id for the new attempt");
    }

    #[test]
    fn dropping_the_waiting_writes_skips_them_and_puts_their_rows_back() {
        let mut state = state();
        state.rate_limit = Some(crate::app::state::RateLimit {
            until: Instant::now() + Duration::from_secs(30),
            waiting: Vec::new(),
        });
        let mut fx = Vec::new();
        start(&mut state, job(3), &mut fx);
        assert!(sent(&fx).is_empty());
        assert_eq!(
            describe_waiting(&state.triage),
            "3 changes (Esc drops them)"
        );

        assert_eq!(drop_waiting(&mut state), 3);
        assert_eq!(waiting_count(&state.triage), 0);
        assert!(state.triage.jobs.is_empty(), "the job ended");
        assert!(
            state
                .rate_limit
                .as_ref()
                .is_some_and(|rl| !rl.waiting.contains(&Waiting::Writes))
        );
        let Some(Modal::Triage(Dialog::Report { job, .. })) = &state.modal else {
            panic!("the report opens in place of the progress bar");
        };
        assert_eq!(
            job.count(|o| matches!(o, Outcome::Skipped(_))),
            3,
            "{:?}",
            job.outcomes
        );
    }

    #[test]
    fn a_ticket_that_already_has_the_value_gets_no_request() {
        let mut state = state();
        let mut j = job(2);
        j.items[0].before = j.items[0].after.clone();
        let mut fx = Vec::new();
        start(&mut state, j.skip_no_ops(), &mut fx);
        let out = sent(&fx);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].1, Uuid::from_u128(2));
        assert_eq!(state.triage.jobs[0].outcomes[0], Some(Outcome::Already));
    }

    /// The `since` of each PATCH in `fx`, by write id.
    fn sinces(fx: &[Effect]) -> Vec<(u64, Option<DateTime<Utc>>)> {
        fx.iter()
            .filter_map(|e| match e {
                Effect::UpdateTicket { write, since, .. } => Some((*write, *since)),
                _ => None,
            })
            .collect()
    }

    fn read_at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    /// Ticket `n` alone, as read at [`read_at`].
    fn single(n: u128) -> Job {
        let mut j = job(n);
        j.items.drain(..(n as usize - 1));
        j.items[0].before.updated_at = Some(read_at());
        Job::new(0, j.label, j.change, j.fields, j.items, false)
    }

    fn answered_at(state: &mut State, write: u64, at: DateTime<Utc>, fx: &mut Vec<Effect>) {
        let mut ticket = ticket(1);
        ticket.updated_at = Some(at);
        let updated = UpdatedTicket {
            ticket,
            tags: None,
            custom_fields: None,
        };
        on_written(state, write, Ok(updated), fx);
    }

    #[test]
    fn quick_writes_on_one_ticket_go_one_at_a_time_each_naming_the_last_answer() {
        let mut state = state();
        let read = Some(read_at());
        let (t1, t2) = (
            read_at() + chrono::Duration::seconds(5),
            read_at() + chrono::Duration::seconds(9),
        );
        // Three keys on ticket 1 before any answer: one goes out.
        let mut fx = Vec::new();
        for _ in 0..3 {
            start(&mut state, single(1), &mut fx);
        }
        let first = sinces(&fx);
        assert_eq!(first.len(), 1, "one write per ticket at a time");
        assert_eq!(first[0].1, read, "the updated_at last seen");

        let mut fx = Vec::new();
        answered_at(&mut state, first[0].0, t1, &mut fx);
        let second = sinces(&fx);
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].1, Some(t1), "our own change is not a colleague's");

        let mut fx = Vec::new();
        answered_at(&mut state, second[0].0, t2, &mut fx);
        let third = sinces(&fx);
        assert_eq!(third.len(), 1);
        assert_eq!(third[0].1, Some(t2));
    }

    #[test]
    fn a_forced_job_sends_no_precondition() {
        let mut state = state();
        let mut j = job(1);
        j.force = true;
        let mut fx = Vec::new();
        start(&mut state, j, &mut fx);
        assert_eq!(sinces(&fx)[0].1, None);
    }
}
