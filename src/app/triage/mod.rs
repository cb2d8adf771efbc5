//! Triage from the list: status, priority, assignee and reminders in one
//! key, marks for bulk changes, a "next ticket" flow and undo.
//!
//! State lives in [`Triage`] (one field of `State`); keys arrive through
//! [`on_action`] (the actions `keys::resolve` gives triage), answers through
//! [`on_written`]. Every change is optimistic: the row changes at once, the
//! PATCH goes out (see [`jobs`] for how writes are queued, rate limited and
//! never sent twice), and a failure puts the row back and says why.

mod actions;
pub mod after_reply;
pub mod canned;
pub mod change;
mod choices;
pub mod compose;
pub mod conflict;
pub mod cop;
mod dialog;
pub mod jobs;
pub mod known;
pub mod macro_run;
pub mod marks;
mod next;
mod routing;
mod run;
pub mod send;
pub mod snooze;
pub mod undo;
pub mod write;

use std::collections::HashMap;

use tui_input::Input;
use uuid::Uuid;

pub use actions::on_action;
pub use change::{Change, FieldSetting, Named, PriorityChoice, Routing, StatusChoice};
pub use compose::{ComposeRequest, Composed, on_composed};
pub use dialog::on_key as on_dialog_key;
pub use jobs::{Job, Outcome, on_posted, on_written};
pub use marks::Marks;
pub use undo::UndoRecord;
pub use write::{WriteAccess, WriteError};

use crate::api::types::Ticket;
use crate::app::picker::Picker;
use crate::config::Drafts;
use crate::model::MessageKind;

/// Everything triage adds to the screen's state.
#[derive(Debug, Clone, Default)]
pub struct Triage {
    pub marks: Marks,
    pub access: WriteAccess,
    /// Actions whose writes are not all answered yet.
    pub jobs: Vec<Job>,
    pub next_job: u64,
    pub next_write: u64,
    /// Write id → job id, for answers.
    pub writes: HashMap<u64, u64>,
    /// Rows that left the filter, with the query generation they left it
    /// in: dimmed until the list is fetched again.
    pub dimmed: HashMap<Uuid, u64>,
    /// What `U` puts back.
    pub undo: Option<UndoRecord>,
    /// `U` pressed while an action was still being saved: it undoes that
    /// action once its answers are in (not the one before it).
    pub undo_queued: bool,
    /// `N`: after an action the cursor moves to the next ticket that
    /// still needs attention.
    pub next_mode: bool,
    /// Tickets acted on in this session (next mode passes them by).
    pub handled: std::collections::HashSet<Uuid>,
    /// Where notes and replies are kept until the server has them
    /// (`None`: no state directory, nothing kept).
    pub drafts: Option<Drafts>,
    /// The editor for notes and replies, when not the environment's
    /// (tests, which may not set variables).
    pub editor: Option<String>,
    /// The drafts known to exist (the detail says so).
    pub draft_ids: std::collections::HashSet<(Uuid, MessageKind)>,
    /// A 404/405 on `POST /tickets/{id}/messages`: `n` and `R` are off.
    pub messages_off: bool,
    /// The last action was a note or a reply: what `U` says instead.
    pub undo_refusal: Option<String>,
    /// Tags and custom fields seen per ticket (details, PATCH answers).
    pub known: HashMap<Uuid, known::Known>,
    /// Actions the server turned off (404/405 on their PATCH fields).
    pub off: std::collections::HashSet<Routing>,
    /// A canned reply waiting for its requester's contact (`canned`).
    pub reply_waiting: Option<Box<canned::WaitingReply>>,
    /// `[ui] after_reply`: the reply confirmation's "send and set" keys
    /// (a view's own wins while it is open).
    pub after_reply: crate::config::AfterReply,
}

/// What an action applies to.
#[derive(Debug, Clone, PartialEq)]
pub enum Targets {
    /// The selected ticket (or the one open in the detail pane).
    One(Box<Ticket>),
    /// A snapshot of the marked tickets, taken when the action began.
    Marked(Vec<Ticket>),
}

impl Targets {
    pub fn len(&self) -> usize {
        match self {
            Targets::One(_) => 1,
            Targets::Marked(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn rows(&self) -> Vec<Ticket> {
        match self {
            Targets::One(t) => vec![(**t).clone()],
            Targets::Marked(v) => v.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickKind {
    Status,
    Priority,
    Assign,
    Inbox,
    /// Three-state: add, remove, leave.
    Tags,
    /// Which custom field to set (its editor follows).
    Field,
    /// Which macro to run (keys are indexes into `State::macros`).
    Macro,
    /// Which canned reply `R` opens (keys are indexes into
    /// `State::replies`, or "blank").
    Reply,
    /// Which `[[commands]]` command runs (keys are indexes into
    /// `State::commands`).
    Command,
}

/// The editor of one custom field for `e`: a list for select,
/// multi_select and checkbox, a typed value for the others.
#[derive(Debug, Clone)]
pub struct FieldEdit {
    pub field: crate::app::filter_panel::fields::FieldDef,
    pub kind: FieldEditKind,
    /// Why the typed text is not a value yet (under the input).
    pub error: Option<String>,
    pub targets: Targets,
}

#[derive(Debug, Clone)]
pub enum FieldEditKind {
    /// Keys: `null` ("empty"), `true`/`false`, option ids.
    Pick(Box<Picker>),
    /// Empty text clears the field.
    Input(Input),
}

/// The `z` dialog: when the ticket comes back, and to which status.
#[derive(Debug, Clone)]
pub struct SnoozeDialog {
    pub input: Input,
    /// Why the text is not a time yet (shown under the input).
    pub error: Option<String>,
    /// The `waiting` status it goes to.
    pub waiting: StatusChoice,
    /// Statuses it may return to (open ones first); `Tab` cycles.
    pub back_to: Vec<StatusChoice>,
    pub back_idx: usize,
    pub targets: Targets,
}

/// What a confirmation leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum Confirmed {
    /// A `[[commands]]` command with `confirm = true`.
    Command(Box<crate::app::commands::CommandRun>),
    Bulk {
        change: Change,
        targets: Vec<Ticket>,
    },
    Undo,
    /// A change to one ticket that asks first (a macro with a reply).
    Single {
        change: Change,
        ticket: Box<Ticket>,
    },
    /// A note or a reply, the same text to every target.
    Post {
        kind: MessageKind,
        body: String,
        targets: Targets,
        /// The draft it was saved as; `None`: the agent was told it could
        /// not be kept.
        draft: Option<crate::config::DraftId>,
    },
}

#[derive(Debug, Clone)]
pub enum Dialog {
    Pick {
        kind: PickKind,
        picker: Box<Picker>,
        targets: Targets,
    },
    Snooze(Box<SnoozeDialog>),
    FieldEdit(Box<FieldEdit>),
    Confirm {
        question: String,
        then: Confirmed,
    },
    /// A bulk run under way: progress bar; `Esc` stops what is not sent.
    Progress {
        job: u64,
    },
    /// The end of a bulk run: one line per ticket, scrolled by `j`/`k`.
    Report {
        job: Box<Job>,
        scroll: usize,
    },
    /// The question before a note or reply to one ticket goes out, with
    /// what the traffic cop found new on it.
    Send(Box<send::SendDialog>),
    /// A single write refused with 412: what the colleague changed, and
    /// apply mine anyway / keep theirs.
    Conflict(Box<conflict::ConflictDialog>),
    /// Why something was not run, in lines kept as they are (a macro's
    /// actions with a caret line under the bad token). Any key closes it.
    Problem {
        title: String,
        text: String,
    },
}

/// Asks `question` before `run` goes to the runtime (`confirm = true`).
pub fn confirm_command(
    state: &mut crate::app::State,
    question: String,
    run: crate::app::commands::CommandRun,
) {
    state.modal = Some(crate::app::modal::Modal::Triage(Dialog::Confirm {
        question,
        then: Confirmed::Command(Box::new(run)),
    }));
}

/// True when a ticket has a write queued or in flight.
pub fn is_pending(triage: &Triage, id: Uuid) -> bool {
    triage.jobs.iter().any(|j| {
        j.queue
            .iter()
            .chain(j.in_flight.iter().map(|(_, i)| i))
            .any(|&i| j.items[i].before.id == id)
    })
}

/// True when the table needs its marks column (marks, pending or dimmed
/// rows): without any, the table looks exactly as it did before triage.
pub fn shows_gutter(triage: &Triage) -> bool {
    !triage.marks.is_empty() || !triage.jobs.is_empty() || !triage.dimmed.is_empty()
}
