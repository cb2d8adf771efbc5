//! `R` with canned replies (`app::replies`): a picker of them before the
//! editor opens, or a reply's own key straight to the editor. What happens
//! once the editor closes is `compose`'s, exactly as for a reply written
//! from scratch: saved as a draft first, asked before it is sent.
//!
//! - **One ticket**: the editor opens with the body filled in for it; a
//!   placeholder without a value is left as written, with a comment line
//!   saying so, and the question before sending names it.
//! - **Marked tickets**: the editor opens with the body as written
//!   (placeholders and all): the bulk text is the same for every ticket
//!   and never reads a ticket's own draft; each ticket's copy is filled for
//!   that ticket when it is sent (`compose::send`), so each customer gets
//!   their own name.
//! - **The requester not known yet**: the picker asks for the ticket's
//!   contact as it opens, so `{{requester_name}}` is usually there by the
//!   time a reply is chosen; a reply that needs it while the contact is
//!   still on its way waits for the answer (any key gives up waiting) and
//!   then opens, filled in or with the placeholder left to fill.
//! - **A ticket with its own unsent reply draft**: the picker is not
//!   offered and the draft opens, as without canned replies (a reply's own
//!   key says the draft opened instead): a draft is never overwritten.

use super::compose;
use super::{Dialog, PickKind, Targets};
use crate::app::modal::Modal;
use crate::app::msg::Effect;
use crate::app::picker::{PickItem, Picker};
use crate::app::replies::{self, ReplyEntry};
use crate::app::state::State;
use crate::model::MessageKind;
use crate::text::sanitize;

/// The picker's key of "start blank".
const BLANK: &str = "blank";

/// `R` with replies configured: opens the picker and says `true`, unless
/// the one target has its own reply draft (that opens, as always).
pub(super) fn offer(state: &mut State, targets: &Targets, fx: &mut Vec<Effect>) -> bool {
    if state.replies.is_empty() || own_draft(state, targets) {
        return false;
    }
    if let Targets::One(t) = targets {
        // While the agent chooses, the requester's name loads.
        let limited = state.rate_limit.is_some();
        state.contacts.want(t.contact_id, limited, fx);
    }
    let mut items = vec![PickItem::new(BLANK, "blank reply").note("start from an empty editor")];
    items.extend(state.replies.iter().enumerate().map(|(i, r)| {
        let what = match r.problem_lines() {
            Some(lines) => format!("broken: {}", lines.first().cloned().unwrap_or_default()),
            None => one_line(&r.def.body),
        };
        let note = match r.key {
            Some(key) => format!("{key} · {what}"),
            None => what,
        };
        PickItem::new(i.to_string(), r.name()).note(&note)
    }));
    let title = match targets {
        Targets::One(t) => format!("Reply to #{}", t.ticket_number),
        Targets::Marked(v) => format!("Reply to {}", super::change::tickets(v.len())),
    };
    state.modal = Some(Modal::Triage(Dialog::Pick {
        kind: PickKind::Reply,
        picker: Box::new(Picker::single(title, items).space_types()),
        targets: targets.clone(),
    }));
    true
}

/// The picker's `Enter` (`key` the chosen item's, `None` when nothing
/// matched the query) or `Esc` (`None`): a reply opens filled in, anything
/// else starts blank.
pub(super) fn picked(state: &mut State, key: Option<&str>, targets: Targets, fx: &mut Vec<Effect>) {
    let entry = key
        .and_then(|k| k.parse::<usize>().ok())
        .and_then(|i| state.replies.get(i).cloned());
    match entry {
        Some(entry) => open_reply(state, &entry, targets, fx),
        None => compose::open_on(state, MessageKind::Reply, targets, None, fx),
    }
}

/// A reply's own key (`keys::Command::Reply`): the editor with that reply,
/// on the marks or the focused ticket.
pub fn run_key(state: &mut State, index: usize, fx: &mut Vec<Effect>) {
    let Some(entry) = state.replies.get(index).cloned() else {
        return;
    };
    let Some(targets) = compose::targets_for(state, MessageKind::Reply) else {
        return;
    };
    if own_draft(state, &targets) {
        state.say(format!(
            "your unsent reply draft opens instead of '{}'",
            sanitize(entry.name())
        ));
        compose::open_on(state, MessageKind::Reply, targets, None, fx);
        return;
    }
    open_reply(state, &entry, targets, fx);
}

/// The editor pre-filled with `entry` for `targets`; a broken body is
/// refused with carets under the bad placeholder, and nothing opens.
fn open_reply(state: &mut State, entry: &ReplyEntry, targets: Targets, fx: &mut Vec<Effect>) {
    if let Some(lines) = entry.problem_lines() {
        state.modal = Some(Modal::Triage(Dialog::Problem {
            title: format!("reply '{}'", sanitize(entry.name())),
            text: lines.join("\n"),
        }));
        return;
    }
    if let Targets::One(t) = &targets
        && let Some(contact) = t.contact_id
        && needs_requester(entry)
        && state.contacts.requester(contact).is_none()
    {
        let limited = state.rate_limit.is_some();
        state.contacts.want(Some(contact), limited, fx);
        if state.contacts.is_coming(contact) {
            state.say(format!(
                "'{}' waits for the requester of #{} (any key: stop waiting)",
                sanitize(entry.name()),
                t.ticket_number
            ));
            state.triage.reply_waiting = Some(Box::new(WaitingReply {
                contact,
                entry: entry.clone(),
                targets,
            }));
            return;
        }
    }
    let text = match &targets {
        Targets::One(t) => {
            let Some(filled) = replies::fill(entry, state, t) else {
                return;
            };
            let mut text = filled.text.trim_end().to_string();
            text.push('\n');
            if !filled.missing.is_empty() {
                let names: Vec<String> = filled
                    .missing
                    .iter()
                    .map(|n| format!("{{{{{n}}}}}"))
                    .collect();
                text.push_str(&format!(
                    "# {} {} no value here: fill {} in (a reply still holding \"{{{{\" asks before it is sent)\n",
                    names.join(", "),
                    if names.len() == 1 { "has" } else { "have" },
                    if names.len() == 1 { "it" } else { "them" },
                ));
            }
            text
        }
        Targets::Marked(_) => {
            let mut text = entry.def.body.trim_end().to_string();
            text.push('\n');
            if entry.template.as_ref().is_ok_and(|t| !t.names().is_empty()) {
                text.push_str("# The placeholders are filled for each ticket when it is sent\n");
            }
            text
        }
    };
    compose::open_on(state, MessageKind::Reply, targets, Some(text), fx);
}

/// A canned reply for one ticket whose requester was still loading.
#[derive(Debug, Clone)]
pub struct WaitingReply {
    contact: uuid::Uuid,
    entry: ReplyEntry,
    targets: Targets,
}

/// A contact's answer came (found, missing or failed), for the reply's
/// contact or another (whose answer may have found the route missing, so
/// the one waited for is never asked): once the reply's contact is no
/// longer on its way, the reply opens, filled in as far as it can be.
pub fn on_contact(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(contact) = state.triage.reply_waiting.as_ref().map(|w| w.contact) else {
        return;
    };
    if state.contacts.is_coming(contact) {
        return;
    }
    let Some(waiting) = state.triage.reply_waiting.take() else {
        return;
    };
    state.notice = None;
    open_reply(state, &waiting.entry, waiting.targets, fx);
}

impl WaitingReply {
    /// What the footer says when a key or a click gave the wait up
    /// (`keys::give_up_reply`).
    pub fn given_up(&self) -> String {
        format!(
            "stopped waiting: '{}' was not opened",
            sanitize(self.entry.name())
        )
    }
}

/// The reply's body names the requester (`{{requester_name}}`,
/// `{{requester_email}}`).
fn needs_requester(entry: &ReplyEntry) -> bool {
    entry
        .template
        .as_ref()
        .is_ok_and(|t| t.names().iter().any(|n| n.starts_with("requester_")))
}

/// The one target has an unsent reply draft of its own.
fn own_draft(state: &State, targets: &Targets) -> bool {
    match targets {
        Targets::One(t) => state.triage.draft_ids.contains(&(t.id, MessageKind::Reply)),
        Targets::Marked(_) => false,
    }
}

fn one_line(body: &str) -> String {
    // The whole body on one line (the picker cuts it at its edge): a
    // greeting alone ("Hi {{requester_name}},") would tell replies apart
    // by nothing.
    body.split_whitespace().collect::<Vec<_>>().join(" ")
}
