//! The traffic cop: before a note or reply to one ticket goes out, the
//! ticket and its newest messages are fetched (two GETs, side by side) and
//! compared with the ticket as the screen showed it when the editor
//! opened. A message that arrived since, or a status or assignee someone
//! changed, is shown above the confirmation (`send::SendDialog`), with
//! send anyway, edit again and keep as draft. Nothing new: the usual path,
//! with no extra question. A failed check never stops a message: it says
//! so in one line and the usual path goes on.
//!
//! The check runs after the draft is saved (or found impossible to keep),
//! so the text is on disk before the network is asked anything. Marked
//! tickets are not checked: one text to many tickets would need two GETs
//! per ticket, and the bulk confirmation says they are not checked.

use chrono::{DateTime, Utc};

use super::compose::{self, PendingPost};
use super::conflict::{self, FieldDiff};
use super::send::SendDialog;
use super::{Dialog, Targets};
use crate::api::types::{Message, PageMeta, Ticket, TicketDetail};
use crate::app::modal::Modal;
use crate::app::msg::Effect;
use crate::app::source::FetchError;
use crate::app::state::{Loadable, State};
use crate::config::DraftId;
use crate::model::AuthorType;
use crate::text::{sanitize, sanitize_multiline};

/// Messages shown, newest last; the others are counted.
const SHOWN: usize = 3;
/// First lines shown of each message.
const FIRST_LINES: usize = 3;
/// The messages page asked for when the conversation's length is known:
/// it starts at the first message not seen.
const PER_PAGE_KNOWN: u64 = 20;
/// When it is not known, the largest page the API gives (CONTRACT §2).
const PER_PAGE_UNKNOWN: u64 = 100;

/// The ticket as the screen showed it when the editor opened: what "new"
/// is measured against.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    /// The latest server time shown for the ticket: its `updated_at`, or
    /// its newest message loaded in the detail. Our own notes and changes
    /// move the row's `updated_at` when answered, so they are not news.
    pub since: Option<DateTime<Utc>>,
    /// Messages in its conversation, when the detail had loaded it.
    pub messages: Option<u64>,
}

/// The baseline for a note or reply about to be written on `targets`;
/// `None` for marked tickets (not checked).
pub fn seen_at_open(state: &State, targets: &Targets) -> Option<Seen> {
    let Targets::One(ticket) = targets else {
        return None;
    };
    let conversation = state
        .detail
        .as_ref()
        .filter(|d| d.ticket.id == ticket.id)
        .and_then(|d| match &d.messages {
            Loadable::Loaded(c) => Some(c),
            _ => None,
        });
    let newest = conversation
        .filter(|c| c.meta.total as usize <= c.messages.len())
        .and_then(|c| c.messages.iter().filter_map(|m| m.created_at).max());
    Some(Seen {
        since: ticket.updated_at.max(newest),
        messages: conversation.map(|c| c.meta.total),
    })
}

/// What the runtime fetches before asking: the ticket and one page of its
/// messages, the page that holds the first one not seen.
#[derive(Debug, Clone, PartialEq)]
pub struct NewsCheck {
    pub post: PendingPost,
    /// The draft it was saved as, or why it could not be kept.
    pub draft: Result<DraftId, String>,
    pub page: u64,
    pub per_page: u64,
}

impl NewsCheck {
    pub fn new(post: PendingPost, draft: Result<DraftId, String>) -> NewsCheck {
        let known = post.seen.as_ref().and_then(|s| s.messages);
        let (page, per_page) = match known {
            Some(n) => (n / PER_PAGE_KNOWN + 1, PER_PAGE_KNOWN),
            None => (1, PER_PAGE_UNKNOWN),
        };
        NewsCheck {
            post,
            draft,
            page,
            per_page,
        }
    }

    /// The ticket checked.
    pub fn id(&self) -> uuid::Uuid {
        match &self.post.targets {
            Targets::One(t) => t.id,
            Targets::Marked(rows) => rows.first().map(|t| t.id).unwrap_or_default(),
        }
    }
}

/// One message that arrived while the agent was writing, as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrival {
    /// Sanitized; "someone" when the server gave no name.
    pub author: String,
    pub kind: AuthorType,
    pub at: Option<DateTime<Utc>>,
    /// Its first non-empty lines, sanitized.
    pub lines: Vec<String>,
}

/// What is new on the ticket since the editor opened.
#[derive(Debug, Clone, PartialEq)]
pub struct News {
    pub number: i64,
    /// Status and assignee, as they were shown → as they are.
    pub diffs: Vec<FieldDiff>,
    /// Newest last, the last three at most.
    pub arrivals: Vec<Arrival>,
    /// New messages not shown (older ones beyond those, or past the
    /// page fetched).
    pub more: u64,
    /// The ticket as the server has it now, when it was read.
    pub ticket: Option<Ticket>,
    /// The baseline for another check after "edit again".
    pub seen: Seen,
}

impl News {
    /// Messages that arrived, shown or not.
    pub fn count(&self) -> u64 {
        self.arrivals.len() as u64 + self.more
    }

    /// The news as comment lines for the editor ("edit again").
    pub fn as_comments(&self) -> String {
        let mut out = format!("#\n# New on #{} since you started writing:\n", self.number);
        if !self.diffs.is_empty() {
            out.push_str(&format!("#   {}\n", conflict::words(&self.diffs)));
        }
        for a in &self.arrivals {
            out.push_str(&format!("#   {} ({}):\n", a.author, a.kind));
            for l in &a.lines {
                out.push_str(&format!("#   > {l}\n"));
            }
        }
        if self.more > 0 {
            out.push_str(&format!(
                "#   and {} more\n",
                crate::text::count(self.more, "message")
            ));
        }
        out
    }
}

/// What the check found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Verdict {
    pub news: Option<News>,
    /// What could not be checked, one line each ("new messages not
    /// checked: the server has no conversation endpoint").
    pub unchecked: Vec<String>,
}

/// Compares what the server has now with what was shown when the editor
/// opened (`mine`, `seen`).
pub fn judge(
    catalog: Option<&crate::api::Catalog>,
    mine: &Ticket,
    seen: &Seen,
    check: (u64, u64),
    ticket: Result<&TicketDetail, &FetchError>,
    messages: Result<&(Vec<Message>, PageMeta), &FetchError>,
) -> Verdict {
    let mut unchecked = Vec::new();
    let now = match ticket {
        Ok(d) => Some(d.ticket.clone()),
        Err(e) => {
            unchecked.push(format!("status and assignee not checked: {}", why(e)));
            None
        }
    };
    let diffs: Vec<FieldDiff> = now
        .as_ref()
        .map(|now| {
            conflict::differences(catalog, mine, now)
                .into_iter()
                .filter(|d| d.field == "status" || d.field == "assignee")
                .collect()
        })
        .unwrap_or_default();
    let (page, per_page) = check;
    let mut arrived: Vec<&Message> = Vec::new();
    let mut beyond = 0;
    let mut newest = seen.since;
    let mut total = None;
    match messages {
        Ok((list, meta)) => {
            let first = (page - 1) * per_page;
            let known = seen.messages;
            for (i, m) in list.iter().enumerate() {
                let new = match (m.created_at, seen.since, known) {
                    (Some(at), Some(since), _) => at > since,
                    (_, _, Some(n)) => first + i as u64 >= n,
                    _ => false,
                };
                if new {
                    arrived.push(m);
                }
                newest = newest.max(m.created_at);
            }
            let end = first + list.len() as u64;
            let past = meta.total.saturating_sub(end);
            let last_is_new = list
                .last()
                .is_some_and(|l| arrived.last().is_some_and(|a| std::ptr::eq(*a, l)));
            if past > 0 {
                if last_is_new {
                    // Oldest first: after a new one, every later one is new.
                    beyond = past;
                } else {
                    unchecked.push(format!(
                        "the newest {} not checked (a long conversation)",
                        crate::text::count(past, "message")
                    ));
                }
            } else {
                total = Some(meta.total);
            }
            if seen.since.is_none() && known.is_none() {
                unchecked
                    .push("new messages not checked: the ticket has no time to compare".into());
            }
        }
        Err(e) => unchecked.push(format!("new messages not checked: {}", why(e))),
    }
    if diffs.is_empty() && arrived.is_empty() && beyond == 0 {
        return Verdict {
            news: None,
            unchecked,
        };
    }
    let shown_from = arrived.len().saturating_sub(SHOWN);
    let arrivals = arrived[shown_from..].iter().map(|m| arrival(m)).collect();
    let since = now.as_ref().and_then(|t| t.updated_at).max(newest);
    Verdict {
        news: Some(News {
            number: mine.ticket_number,
            diffs,
            arrivals,
            more: shown_from as u64 + beyond,
            seen: Seen {
                since,
                messages: total,
            },
            ticket: now,
        }),
        unchecked,
    }
}

fn arrival(m: &Message) -> Arrival {
    let body = sanitize_multiline(&m.body);
    Arrival {
        author: m
            .author_name
            .as_deref()
            .map(|n| sanitize(n).trim().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "someone".into()),
        kind: m.author_type.clone(),
        at: m.created_at,
        lines: body
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.trim().is_empty())
            .take(FIRST_LINES)
            .map(str::to_string)
            .collect(),
    }
}

/// Why a GET of the check failed, in a few words.
fn why(e: &FetchError) -> String {
    match e {
        FetchError::NotSupported => "the server does not have it".into(),
        FetchError::RateLimited { .. } => "rate limited".into(),
        FetchError::Failed { message, .. } | FetchError::Invalid { message, .. } => {
            sanitize(message).into_owned()
        }
    }
}

/// True when the cop looks at `post` before it goes: one ticket, with
/// what the screen showed when the editor opened.
pub fn wanted(post: &PendingPost) -> bool {
    post.seen.is_some() && matches!(post.targets, Targets::One(_))
}

/// Asks the runtime for the check (answered by `Msg::NewsChecked`).
pub fn ask(post: PendingPost, draft: Result<DraftId, String>, fx: &mut Vec<Effect>) {
    fx.push(Effect::CheckNews(Box::new(NewsCheck::new(post, draft))));
}

/// The check's answers: news asks; nothing new goes the usual way.
pub fn on_checked(
    state: &mut State,
    check: NewsCheck,
    ticket: Result<Box<TicketDetail>, FetchError>,
    messages: Result<(Vec<Message>, PageMeta), FetchError>,
    fx: &mut Vec<Effect>,
) {
    let NewsCheck {
        post,
        draft,
        page,
        per_page,
    } = check;
    let (Targets::One(mine), Some(seen)) = (&post.targets, &post.seen) else {
        return;
    };
    let verdict = judge(
        state.names.catalog(),
        mine,
        seen,
        (page, per_page),
        ticket.as_deref(),
        messages.as_ref(),
    );
    let Some(news) = verdict.news else {
        compose::after_check(state, post, draft, verdict.unchecked, fx);
        return;
    };
    if let Some(now) = &news.ticket
        && !news.diffs.is_empty()
        && !super::is_pending(&state.triage, now.id)
    {
        // Their status or assignee, in the row at once.
        super::jobs::replace_row(state, now);
    }
    state.notice = post.notice.clone();
    let (draft, unkept) = match draft {
        Ok(id) => (Some(id), None),
        Err(why) => (None, Some(why)),
    };
    let dialog =
        SendDialog::new(post, draft, unkept, Some(news), verdict.unchecked).offering(state);
    state.modal = Some(Modal::Triage(Dialog::Send(Box::new(dialog))));
}
