//! What a job is: its tickets (before, after, the PATCH), where each one
//! stands (queued, in flight, answered) and what became of it. Data only:
//! `queue` sends, `answers` records, `report` ends and words it.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

use crate::api::types::{NewMessage, Ticket, TicketPatch};
use crate::app::triage::change::{Change, Fields};
use crate::app::triage::known::Known;

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
