//! `n` (internal note) and `R` (reply): the text is written in the agent's
//! editor, which the runtime runs (`Effect::Compose`, answered by
//! `Msg::Composed`); `update` only decides. A reply asks first (the
//! customer gets it); a note does not; marked tickets get one message each,
//! the same text, after the bulk confirmation.
//!
//! The draft promise: the text is saved as a draft (`Effect::SaveDraft`,
//! answered by `Msg::DraftSaved`) before anything is sent, and nothing is
//! sent until it is, unless the agent, told that it cannot be kept, sends
//! it anyway. Only the version the server answered 201 for is removed. A
//! single ticket's draft is its own; a bulk note or reply has the draft of
//! its set of marked tickets and never reads or writes a ticket's own.
//! While a note or reply to a ticket is being sent, `n`/`R` on it say so
//! and open nothing (its draft is the text in flight: opening it again
//! would send it twice).

use chrono::{DateTime, Utc};

use super::actions::messages_allowed;
use super::actions::targets_or_notice;
use super::change::tickets;
use super::cop::{self, Seen};
use super::jobs::{self, Item, Job};
use super::send::SendDialog;
use super::{Confirmed, Dialog, Targets, next};
use crate::api::types::{Message, NewMessage, Ticket};
use crate::app::clock::Clock;
use crate::app::modal::Modal;
use crate::app::msg::Effect;
use crate::app::state::{Loadable, State};
use crate::config::{DraftId, DraftOwner, Drafts};
use crate::model::MessageKind;
use crate::text::sanitize;

/// Lines of the last message quoted in the template, at most.
const QUOTED_LINES: usize = 20;
/// Marked tickets listed by subject in a bulk template, at most.
const LISTED_TICKETS: usize = 10;

/// What the runtime needs to open the editor.
#[derive(Debug, Clone, PartialEq)]
pub struct ComposeRequest {
    pub kind: MessageKind,
    pub targets: Targets,
    /// What the editor opens with when no draft is found.
    pub template: String,
    /// Where drafts are kept; `None` keeps none (no state directory).
    pub drafts: Option<Drafts>,
    /// The editor command; `None`: `$VISUAL`, `$EDITOR` or `vi`.
    pub editor: Option<String>,
    /// The ticket as shown when the editor opened (the traffic cop's
    /// baseline); `None` for marked tickets.
    pub seen: Option<Seen>,
    /// "Edit again": the editor opens with this text instead of a draft
    /// or the template.
    pub reopen: Option<Reopen>,
    /// The template holds a canned reply: sent even unchanged (after the
    /// question), as a restored draft is.
    pub prefilled: bool,
}

/// The text an "edit again" opens with, and the draft it was saved as
/// (emptying the text discards that version).
#[derive(Debug, Clone, PartialEq)]
pub struct Reopen {
    pub text: String,
    pub draft: Option<DraftId>,
}

impl ComposeRequest {
    /// Whose draft the editor opens and the text is saved as.
    pub fn owner(&self) -> DraftOwner {
        owner_of(&self.targets)
    }
}

fn owner_of(targets: &Targets) -> DraftOwner {
    match targets {
        Targets::One(t) => DraftOwner::Ticket(t.id),
        Targets::Marked(rows) => DraftOwner::marked(&rows.iter().map(|t| t.id).collect::<Vec<_>>()),
    }
}

/// The editor's result, as the runtime read it back.
#[derive(Debug, Clone, PartialEq)]
pub struct Composed {
    /// The file as the editor left it.
    pub text: String,
    /// What the file held when the editor opened.
    pub opened_with: String,
    /// It opened with a draft (saved then) instead of the template.
    pub restored: Option<DateTime<Utc>>,
    /// That draft's version (emptying the text discards that version).
    pub draft: Option<DraftId>,
}

/// A written text on its way: saved as a draft first, then asked about
/// or sent.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingPost {
    pub kind: MessageKind,
    pub body: String,
    pub targets: Targets,
    /// What the status line says once it goes on ("draft from … restored").
    pub notice: Option<String>,
    /// The ticket as shown when the editor opened (see `cop`).
    pub seen: Option<Seen>,
}

impl PendingPost {
    pub fn owner(&self) -> DraftOwner {
        owner_of(&self.targets)
    }
}

/// `n` / `R`: asks the runtime to open the editor on the targets.
pub(super) fn open(state: &mut State, kind: MessageKind, fx: &mut Vec<Effect>) {
    let Some(targets) = targets_for(state, kind) else {
        return;
    };
    // With canned replies, `R` offers them first (`canned`).
    if kind == MessageKind::Reply && super::canned::offer(state, &targets, fx) {
        return;
    }
    open_on(state, kind, targets, None, fx);
}

/// The targets of a new note or reply, or `None` (said why) when messages
/// are off, nothing is focused, or one of them has one being sent.
pub(super) fn targets_for(state: &mut State, kind: MessageKind) -> Option<Targets> {
    if !messages_allowed(state) {
        return None;
    }
    let targets = targets_or_notice(state)?;
    if let Some(number) = being_sent(state, &targets) {
        let key = state.keymap.label(match kind {
            MessageKind::Note => crate::app::keymap::Action::AddNote,
            MessageKind::Reply => crate::app::keymap::Action::Reply,
        });
        state.say(format!(
            "#{number}: a note or reply is still being sent; wait for the server's answer, then press {key} again"
        ));
        return None;
    }
    Some(targets)
}

/// Opens the editor on `targets`: with `canned` (a canned reply, filled
/// in) on the first lines, else an empty first line; the template's
/// comments follow. A ticket's draft, when there is one, still opens
/// instead (the runtime reads it).
pub(super) fn open_on(
    state: &mut State,
    kind: MessageKind,
    targets: Targets,
    canned: Option<String>,
    fx: &mut Vec<Effect>,
) {
    let last = match &targets {
        Targets::One(t) => last_message(state, t),
        Targets::Marked(_) => None,
    };
    let mut template = template(kind, &targets, last);
    if let Targets::Marked(rows) = &targets {
        let own = rows
            .iter()
            .filter(|t| state.triage.draft_ids.contains(&(t.id, kind)))
            .count();
        if own > 0 {
            // Left alone: said, so the agent knows they are still there.
            template.push_str(&format!(
                "# {} of these tickets {} their own unsent {} (left as they are)\n",
                own,
                if own == 1 { "has" } else { "have" },
                if own == 1 { "draft" } else { "drafts" },
            ));
        }
    }
    let prefilled = canned.is_some();
    if let Some(text) = canned {
        // The template starts with the empty line to write on.
        template = format!("{}{template}", text.trim_end_matches('\n'));
    }
    let seen = cop::seen_at_open(state, &targets);
    fx.push(Effect::Compose(Box::new(ComposeRequest {
        kind,
        targets,
        template,
        drafts: state.triage.drafts.clone(),
        editor: state.triage.editor.clone(),
        seen,
        reopen: None,
        prefilled,
    })));
}

/// A target with a note or reply queued or in flight (its number).
fn being_sent(state: &State, targets: &Targets) -> Option<i64> {
    let rows = targets.rows();
    state
        .triage
        .jobs
        .iter()
        .filter(|j| j.post.is_some())
        .flat_map(|j| {
            j.queue
                .iter()
                .copied()
                .chain(j.in_flight.iter().map(|(_, i)| *i))
                .map(move |i| &j.items[i].before)
        })
        .find(|t| rows.iter().any(|r| r.id == t.id))
        .map(|t| t.ticket_number)
}

/// The last message of the ticket open in the detail, when its whole
/// conversation is loaded (the last one loaded is not the last otherwise).
fn last_message<'a>(state: &'a State, ticket: &Ticket) -> Option<&'a Message> {
    let detail = state.detail.as_ref().filter(|d| d.ticket.id == ticket.id)?;
    match &detail.messages {
        Loadable::Loaded(c) if c.meta.total as usize <= c.messages.len() => c.messages.last(),
        _ => None,
    }
}

/// "note" / "reply", for messages.
fn noun(kind: MessageKind) -> &'static str {
    kind.as_str()
}

/// The file the editor opens: an empty first line to write on, then the
/// ticket's subject and last message as comment lines (sanitized: they
/// come from the server).
pub fn template(kind: MessageKind, targets: &Targets, last: Option<&Message>) -> String {
    let what = match kind {
        MessageKind::Note => "Internal note (agents only)",
        MessageKind::Reply => "Reply (the customer gets it)",
    };
    let mut lines = vec![String::new()];
    match targets {
        Targets::One(t) => {
            lines.push(format!("{what} on #{}", t.ticket_number));
            lines.push(format!("Subject: {}", sanitize(&t.subject)));
        }
        Targets::Marked(rows) => {
            lines.push(format!(
                "{what} on {}, the same text on each:",
                tickets(rows.len())
            ));
            for t in rows.iter().take(LISTED_TICKETS) {
                lines.push(format!("  #{} {}", t.ticket_number, sanitize(&t.subject)));
            }
            if rows.len() > LISTED_TICKETS {
                lines.push(format!("  and {} more", rows.len() - LISTED_TICKETS));
            }
        }
    }
    if let Some(m) = last {
        let who = m.author_name.as_deref().map(sanitize).unwrap_or_default();
        lines.push(String::new());
        lines.push(format!("Last message ({who}, {}):", m.author_type));
        let body = crate::text::sanitize_multiline(&m.body);
        let quoted: Vec<&str> = body.lines().collect();
        for line in quoted.iter().take(QUOTED_LINES) {
            lines.push(format!("> {line}"));
        }
        if quoted.len() > QUOTED_LINES {
            lines.push("> …".into());
        }
    }
    lines.push(String::new());
    lines.push(
        "Lines starting with \"# \" are left out. Empty, or left as it is: nothing is sent.".into(),
    );
    let mut text = String::from("\n");
    for line in &lines[1..] {
        text.push_str(if line.is_empty() { "#" } else { "# " });
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// The message in an edited file: comment lines (`#` alone or `# ...`)
/// left out, blank lines around it trimmed. `#1042 is a duplicate` is text.
pub fn strip_comments(text: &str) -> String {
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| *l != "#" && !l.starts_with("# "))
        .collect();
    kept.join("\n")
        .trim_matches(['\n', ' ', '\t', '\r'])
        .to_string()
}

/// The editor closed (or could not run).
pub fn on_composed(
    state: &mut State,
    request: ComposeRequest,
    result: Result<Composed, String>,
    clock: Clock,
    fx: &mut Vec<Effect>,
) {
    let kind = request.kind;
    let composed = match result {
        Ok(c) => c,
        Err(message) => {
            state.fail(
                format!("{}: nothing was sent", sanitize(&message)),
                Some("set $VISUAL or $EDITOR to your editor (e.g. EDITOR=\"code -w\")".into()),
            );
            return;
        }
    };
    let restored = composed.restored.map(|at| {
        format!(
            "draft from {} restored",
            at.with_timezone(&clock.offset).format("%Y-%m-%d %H:%M")
        )
    });
    let body = strip_comments(&composed.text);
    // An "edit again" left as it was is the agent's word that it stands.
    let reopened = request.reopen.is_some();
    if composed.restored.is_none()
        && !reopened
        && !request.prefilled
        && composed.text == composed.opened_with
    {
        state.say(format!(
            "cancelled: the {} was left as it was, nothing was sent",
            noun(kind)
        ));
        return;
    }
    if body.is_empty() {
        // Emptied on purpose: the draft it opened with goes too.
        if let (Some(draft), Some(drafts)) = (composed.draft, request.drafts.clone()) {
            if let DraftOwner::Ticket(id) = draft.owner {
                state.triage.draft_ids.remove(&(id, kind));
            }
            fx.push(Effect::RemoveDraft { drafts, draft });
            state.say(format!(
                "cancelled: the {} is empty (its draft is discarded)",
                noun(kind)
            ));
        } else {
            state.say(format!(
                "cancelled: the {} is empty, nothing was sent",
                noun(kind)
            ));
        }
        return;
    }
    let post = PendingPost {
        kind,
        body,
        targets: request.targets,
        notice: restored,
        seen: request.seen,
    };
    match request.drafts {
        Some(drafts) => fx.push(Effect::SaveDraft {
            drafts,
            post: Box::new(post),
        }),
        None if cop::wanted(&post) => cop::ask(post, Err("there is no state directory".into()), fx),
        None => cannot_keep(state, post, "there is no state directory"),
    }
}

/// The draft is saved (or could not be): ask, send, or ask to send anyway.
pub fn on_draft_saved(
    state: &mut State,
    post: PendingPost,
    result: Result<DraftId, String>,
    fx: &mut Vec<Effect>,
) {
    match result {
        Ok(draft) => {
            if let DraftOwner::Ticket(id) = draft.owner {
                state.triage.draft_ids.insert((id, post.kind));
            }
            if cop::wanted(&post) {
                // Kept: now the traffic cop looks before anything is asked.
                cop::ask(post, Ok(draft), fx);
                return;
            }
            state.notice = post.notice.clone();
            ask_or_send(state, post, Some(draft), Vec::new(), fx);
        }
        Err(why) if cop::wanted(&post) => cop::ask(post, Err(why), fx),
        Err(why) => cannot_keep(state, post, &why),
    }
}

/// The traffic cop found nothing new: the usual way on, with what it could
/// not check said in one line.
pub(super) fn after_check(
    state: &mut State,
    post: PendingPost,
    draft: Result<DraftId, String>,
    unchecked: Vec<String>,
    fx: &mut Vec<Effect>,
) {
    state.notice = post.notice.clone();
    match draft {
        Ok(draft) => ask_or_send(state, post, Some(draft), unchecked, fx),
        Err(why) => {
            if let Some(line) = unchecked.first() {
                state.say(line.clone());
            }
            cannot_keep(state, post, &why)
        }
    }
}

/// Nothing is sent without its draft unless the agent says so, knowing
/// that a failed send then loses the text.
fn cannot_keep(state: &mut State, post: PendingPost, why: &str) {
    let to = match &post.targets {
        Targets::One(t) => format!("#{}", t.ticket_number),
        Targets::Marked(rows) => tickets(rows.len()),
    };
    let question = format!(
        "The {kind} cannot be kept as a draft ({why}): if sending fails, the text is lost. Send the {kind} to {to} anyway?",
        kind = noun(post.kind),
        why = sanitize(why),
    );
    state.modal = Some(Modal::Triage(Dialog::Confirm {
        question,
        then: Confirmed::Post {
            kind: post.kind,
            body: post.body,
            targets: post.targets,
            draft: None,
        },
    }));
}

/// A reply and a bulk post ask first; a note on one ticket goes at once.
/// `unchecked`: what the traffic cop could not check, said in one line.
fn ask_or_send(
    state: &mut State,
    post: PendingPost,
    draft: Option<DraftId>,
    unchecked: Vec<String>,
    fx: &mut Vec<Effect>,
) {
    match (&post.targets, post.kind) {
        (Targets::One(_), MessageKind::Reply) => {
            let dialog = SendDialog::new(post, draft, None, None, unchecked).offering(state);
            state.modal = Some(Modal::Triage(Dialog::Send(Box::new(dialog))));
            return;
        }
        (Targets::One(_), MessageKind::Note) => {
            if let Some(line) = unchecked.first() {
                state.say(line.clone());
            }
        }
        // The same question as for one ticket, "send and set" keys
        // included: the status goes to each ticket whose reply went.
        (Targets::Marked(rows), MessageKind::Reply) => {
            // Marked tickets are not looked at by the traffic cop (two GETs
            // per ticket before one send): the question says so.
            let mut question = format!(
                "Send this reply to {} (each customer sees it; not checked for news)?",
                tickets(rows.len())
            );
            if let Some(w) = crate::app::replies::bulk_warning(state, &post.body, rows) {
                question = format!("{question} {w}");
            }
            let mut dialog = SendDialog::new(post, draft, None, None, unchecked).offering(state);
            dialog.question = question;
            // Each copy is filled for its ticket when sent: what is left
            // unfilled is the bulk warning's to say, in the question.
            dialog.leftovers = None;
            state.modal = Some(Modal::Triage(Dialog::Send(Box::new(dialog))));
            return;
        }
        // Marked tickets are not looked at by the traffic cop either.
        (Targets::Marked(rows), MessageKind::Note) => {
            let question = format!(
                "Add this note to {} (not checked for news)?",
                tickets(rows.len())
            );
            let PendingPost {
                kind,
                body,
                targets,
                ..
            } = post;
            state.modal = Some(Modal::Triage(Dialog::Confirm {
                question,
                then: Confirmed::Post {
                    kind,
                    body,
                    targets,
                    draft,
                },
            }));
            return;
        }
    }
    // A note to one ticket: no question.
    send(state, post.kind, post.body, post.targets, draft, fx)
}

/// What a declined confirmation says: where the text is, if anywhere.
pub(super) fn declined(state: &mut State, kind: MessageKind, draft: Option<DraftId>) {
    let key = state.keymap.label(match kind {
        MessageKind::Note => crate::app::keymap::Action::AddNote,
        MessageKind::Reply => crate::app::keymap::Action::Reply,
    });
    state.say(match draft {
        Some(_) => format!("not sent: the draft is kept ({key} opens it again)"),
        None => format!("not sent, and not kept: the {} is gone", noun(kind)),
    });
}

/// Sends the message to every target, one POST each, through the same
/// queue (rate limit, progress, report, next mode) as every write.
pub(super) fn send(
    state: &mut State,
    kind: MessageKind,
    body: String,
    targets: Targets,
    draft: Option<DraftId>,
    fx: &mut Vec<Effect>,
) {
    send_then(state, kind, body, targets, draft, None, fx)
}

/// [`send`], and `then` (a status, for "send and set") once the server
/// took the message.
pub(super) fn send_then(
    state: &mut State,
    kind: MessageKind,
    body: String,
    targets: Targets,
    draft: Option<DraftId>,
    then: Option<super::Change>,
    fx: &mut Vec<Effect>,
) {
    let bulk = matches!(targets, Targets::Marked(_));
    let rows = targets.rows();
    let single = (!bulk).then(|| rows[0].id);
    // A reply to several tickets: each copy filled for its own ticket.
    let bodies: Vec<String> = match (bulk, kind) {
        (true, MessageKind::Reply) => crate::app::replies::fill_each(state, &body, &rows)
            .map(|each| each.into_iter().map(|f| f.text).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let items: Vec<Item> = rows
        .into_iter()
        .map(|t| Item {
            after: t.clone(),
            patch: Default::default(),
            known: Default::default(),
            before: t,
        })
        .collect();
    for i in &items {
        state.triage.handled.insert(i.before.id);
    }
    state.last_error = None;
    let label = match kind {
        MessageKind::Note => "Add note",
        MessageKind::Reply => "Send reply",
    };
    let mut job = Job::posting(label.into(), NewMessage { kind, body }, items, bulk);
    job.bodies = bodies;
    job.draft = draft;
    job.from_editor = true;
    job.after_post = then;
    let on_selected = single.is_some_and(|id| state.selected_ticket().is_some_and(|t| t.id == id));
    jobs::start(state, job, fx);
    if state.triage.next_mode && on_selected {
        let from = state.list.selected;
        next::advance(state, from, fx);
    }
}
