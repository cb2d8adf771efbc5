//! The last question before a note or reply goes to one ticket: a reply
//! always asks (the customer gets it), a note asks only when the traffic
//! cop (`cop`) found something new. What is new is shown above the
//! question; the answers are send (anyway), edit again (the editor
//! reopens with the text and the news as comments) and keep as draft.

use crossterm::event::{KeyCode, KeyEvent};

use super::after_reply::{self, Offer};
use super::compose::{self, ComposeRequest, PendingPost, Reopen};
use super::cop::News;
use super::{Change, Targets};
use crate::app::modal::DialogOutcome;
use crate::app::msg::Effect;
use crate::app::state::State;
use crate::config::DraftId;
use crate::model::MessageKind;

#[derive(Debug, Clone, PartialEq)]
pub struct SendDialog {
    pub post: PendingPost,
    /// The draft it was saved as.
    pub draft: Option<DraftId>,
    /// Why it could not be kept as a draft: a failed send loses it.
    pub unkept: Option<String>,
    /// "Send reply to #1042 (customer sees it)?"
    pub question: String,
    /// What the traffic cop found.
    pub news: Option<News>,
    /// What it could not check, one line each.
    pub unchecked: Vec<String>,
    /// A reply that still holds `{{…}}` (a placeholder without a value,
    /// or typed): said above the question, so it never goes unseen.
    pub leftovers: Option<String>,
    /// A reply's "send and set" keys (none for a note).
    pub offer: Offer,
}

impl SendDialog {
    pub fn new(
        post: PendingPost,
        draft: Option<DraftId>,
        unkept: Option<String>,
        news: Option<News>,
        unchecked: Vec<String>,
    ) -> SendDialog {
        let number = match &post.targets {
            Targets::One(t) => t.ticket_number,
            Targets::Marked(rows) => rows.first().map(|t| t.ticket_number).unwrap_or_default(),
        };
        let question = match post.kind {
            MessageKind::Reply => format!("Send reply to #{number} (customer sees it)?"),
            MessageKind::Note => format!("Add the note to #{number}?"),
        };
        let leftovers = match post.kind {
            MessageKind::Reply => crate::app::replies::leftover_warning(&post.body),
            MessageKind::Note => None,
        };
        SendDialog {
            post,
            draft,
            unkept,
            question,
            news,
            unchecked,
            leftovers,
            offer: Offer::default(),
        }
    }

    /// With the "send and set" keys of the settings in force, for a reply.
    pub fn offering(mut self, state: &State) -> SendDialog {
        if self.post.kind == MessageKind::Reply {
            self.offer = after_reply::offer(state);
        }
        self
    }

    /// "keep as draft", or what declining does when there is no draft.
    pub fn decline_label(&self) -> &'static str {
        if self.draft.is_some() {
            "keep as draft"
        } else {
            "don't send (the text is lost)"
        }
    }
}

/// `y` send; a status's key: send, then set it; `Enter` the default of
/// the two; `e` edit again (when there is news); `n`/`Esc` keep as draft.
/// Other keys leave the question open.
pub fn on_key(
    state: &mut State,
    dialog: &mut SendDialog,
    ev: &KeyEvent,
    fx: &mut Vec<Effect>,
) -> DialogOutcome {
    let chosen = |i: Option<usize>| i.and_then(|i| dialog.offer.choices.get(i));
    let then = match ev.code {
        KeyCode::Char('y') | KeyCode::Char('Y') => None,
        KeyCode::Enter => chosen(dialog.offer.default).map(|c| c.status.clone()),
        KeyCode::Char('e') | KeyCode::Char('E') if dialog.news.is_some() => {
            edit_again(state, dialog.clone(), fx);
            return DialogOutcome::Close;
        }
        KeyCode::Char('n')
        | KeyCode::Char('N')
        | KeyCode::Char('d')
        | KeyCode::Char('q')
        | KeyCode::Esc => {
            compose::declined(state, dialog.post.kind, dialog.draft);
            return DialogOutcome::Close;
        }
        KeyCode::Char(c) => match dialog.offer.choices.iter().find(|o| o.key == c) {
            Some(o) => Some(o.status.clone()),
            None => return DialogOutcome::Stay,
        },
        _ => return DialogOutcome::Stay,
    };
    let post = dialog.post.clone();
    compose::send_then(
        state,
        post.kind,
        post.body,
        post.targets,
        dialog.draft,
        then.map(Change::Status),
        fx,
    );
    DialogOutcome::Close
}

/// "Edit again": the editor reopens on the text, the news below it as
/// comments, measured from now on against the ticket as it is now.
fn edit_again(state: &mut State, dialog: SendDialog, fx: &mut Vec<Effect>) {
    let SendDialog {
        post, draft, news, ..
    } = dialog;
    let Some(news) = news else {
        return;
    };
    let text = format!("{}\n{}", post.body, news.as_comments());
    let targets = match news.ticket {
        Some(now) => Targets::One(Box::new(now)),
        None => post.targets,
    };
    fx.push(Effect::Compose(Box::new(ComposeRequest {
        kind: post.kind,
        targets,
        template: text.clone(),
        drafts: state.triage.drafts.clone(),
        editor: state.triage.editor.clone(),
        seen: Some(news.seen),
        reopen: Some(Reopen { text, draft }),
        prefilled: false,
    })));
}
