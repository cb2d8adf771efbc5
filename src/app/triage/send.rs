//! The last question before a note or reply goes to one ticket: a reply
//! always asks (the customer gets it), a note asks only when the traffic
//! cop (`cop`) found something new. What is new is shown above the
//! question; the answers are send (anyway), edit again (the editor
//! reopens with the text and the news as comments) and keep as draft.

use crossterm::event::{KeyCode, KeyEvent};

use super::Targets;
use super::compose::{self, ComposeRequest, PendingPost, Reopen};
use super::cop::News;
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
        }
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

/// `y`/`Enter` send; `e` edit again (when there is news); `n`/`Esc`
/// keep as draft. Other keys leave the question open.
pub fn on_key(
    state: &mut State,
    dialog: &mut SendDialog,
    ev: &KeyEvent,
    fx: &mut Vec<Effect>,
) -> DialogOutcome {
    match ev.code {
        KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Char('s') | KeyCode::Enter => {
            let post = dialog.post.clone();
            compose::send(state, post.kind, post.body, post.targets, dialog.draft, fx);
        }
        KeyCode::Char('e') | KeyCode::Char('E') if dialog.news.is_some() => {
            edit_again(state, dialog.clone(), fx);
        }
        KeyCode::Char('n')
        | KeyCode::Char('N')
        | KeyCode::Char('d')
        | KeyCode::Char('q')
        | KeyCode::Esc => compose::declined(state, dialog.post.kind, dialog.draft),
        _ => return DialogOutcome::Stay,
    }
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
