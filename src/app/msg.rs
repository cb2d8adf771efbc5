//! What goes into `update` (messages) and what comes out (effects).

use crossterm::event::{KeyEvent, MouseEvent};
use uuid::Uuid;

use super::source::{FetchError, NamesLoaded, TicketPage};
use crate::api::types::{Message, PageMeta, TicketDetail};
use crate::filter::TicketFilter;

#[derive(Debug)]
pub enum Msg {
    /// The UI is up: ask for the first page.
    Start,
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    PageLoaded {
        generation: u64,
        page: u64,
        result: Result<TicketPage, FetchError>,
    },
    DetailLoaded {
        generation: u64,
        /// Boxed: a detail is big, and messages move by value.
        result: Result<Box<TicketDetail>, FetchError>,
    },
    MessagesLoaded {
        generation: u64,
        result: Result<(Vec<Message>, PageMeta), FetchError>,
    },
    /// The names catalog (re)loaded; `None` when the source has none.
    NamesLoaded {
        generation: u64,
        loaded: Option<NamesLoaded>,
    },
    /// `Effect::FetchContact` answered (`Ok(None)`: no such contact).
    ContactLoaded {
        id: Uuid,
        result: Result<Option<crate::api::types::Contact>, FetchError>,
    },
    /// `Effect::FetchRowDetail` answered.
    RowDetailLoaded {
        id: Uuid,
        /// Boxed: a detail is big, and messages move by value.
        result: Result<Box<TicketDetail>, FetchError>,
    },
    /// `Effect::RunCommand` ended: the first line of its output (`Ok`),
    /// or why it failed, in one line.
    CommandDone {
        name: String,
        result: Result<String, String>,
    },
    /// A timer asked for by `next_wake` fired.
    Tick,
    /// Back from Ctrl-z: everything must be drawn again.
    Resumed,
    /// The terminal gained (`true`) or lost focus (only terminals that
    /// report focus send it).
    Focus(bool),
    /// An effect failed in the runtime (clipboard, browser, curl).
    EffectFailed(String),
    /// A triage write (`Effect::UpdateTicket`) was answered.
    TicketUpdated {
        write: u64,
        /// Boxed: a ticket is big, and messages move by value.
        result: Result<Box<crate::api::types::UpdatedTicket>, super::triage::WriteError>,
    },
    /// The editor of `Effect::Compose` closed (`Err`: it could not run,
    /// or it failed; one line).
    Composed {
        request: Box<super::triage::ComposeRequest>,
        result: Result<super::triage::Composed, String>,
    },
    /// `Effect::SaveDraft` is done: the version saved, or why not (one
    /// line).
    DraftSaved {
        post: Box<super::triage::compose::PendingPost>,
        result: Result<crate::config::DraftId, String>,
    },
    /// The traffic cop's two reads (`Effect::CheckNews`) are back.
    NewsChecked {
        check: Box<super::triage::cop::NewsCheck>,
        ticket: Result<Box<TicketDetail>, FetchError>,
        messages: Result<(Vec<Message>, PageMeta), FetchError>,
    },
    /// A note or a reply (`Effect::PostMessage`) was answered.
    MessagePosted {
        write: u64,
        /// The message's `created_at`, when the server said it.
        result: Result<Option<chrono::DateTime<chrono::Utc>>, super::triage::WriteError>,
    },
    /// A saved view's count (and what is new in it) arrived.
    ViewCount {
        name: String,
        generation: u64,
        result: Result<super::views::ViewCount, FetchError>,
    },
    /// An edit of the config file's views finished (`Err`: one line).
    ViewsEdited {
        edit: crate::config::ViewEdit,
        result: Result<crate::config::EditOutcome, String>,
    },
    /// The loop ends without a `q` (a signal, the end of input): what is
    /// remembered is asked for as at a quit.
    Exiting,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    FetchPage {
        generation: u64,
        filter: TicketFilter,
        page: u64,
        per_page: u64,
    },
    FetchDetail {
        generation: u64,
        id: Uuid,
    },
    FetchMessages {
        generation: u64,
        id: Uuid,
        page: u64,
        per_page: u64,
    },
    /// Load the failed (or never asked) parts of the names catalog.
    LoadNames {
        generation: u64,
    },
    /// `GET /contacts/{id}`, answered by `Msg::ContactLoaded`.
    FetchContact {
        id: Uuid,
    },
    /// `GET /tickets/{id}` for a row's tag or field cells (not the detail
    /// pane's), answered by `Msg::RowDetailLoaded`.
    FetchRowDetail {
        id: Uuid,
    },
    /// Run a `[[commands]]` command's scripts (`sh -c`), in the terminal
    /// handed over or in the background; answered by `Msg::CommandDone`.
    RunCommand(Box<super::commands::CommandRun>),
    /// The user retries on purpose while rate limited.
    ClearRateLimit,
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    /// Copy the current query as a curl command (built by the source).
    CopyCurl {
        filter: TicketFilter,
        page: u64,
        per_page: u64,
    },
    OpenUrl(String),
    /// `PATCH /tickets/{id}`: sent once, never retried by the runtime.
    UpdateTicket {
        write: u64,
        id: Uuid,
        patch: crate::api::types::TicketPatch,
        /// `If-Unmodified-Since`: the `updated_at` last seen for the
        /// ticket; `None` only when the agent said "apply mine anyway".
        since: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Open the agent's editor on a note or a reply (the terminal is
    /// handed over meanwhile); answered by `Msg::Composed`.
    Compose(Box<super::triage::ComposeRequest>),
    /// Save the text as its draft before anything is sent; answered by
    /// `Msg::DraftSaved`, which carries the post on.
    SaveDraft {
        drafts: crate::config::Drafts,
        post: Box<super::triage::compose::PendingPost>,
    },
    /// Before a note or reply to one ticket goes out: `GET /tickets/{id}`
    /// and one page of its messages, side by side; answered by
    /// `Msg::NewsChecked`.
    CheckNews(Box<super::triage::cop::NewsCheck>),
    /// Remove this version of a draft (sent, or emptied by the agent); a
    /// newer text saved since stays.
    RemoveDraft {
        drafts: crate::config::Drafts,
        draft: crate::config::DraftId,
    },
    /// `POST /tickets/{id}/messages`: sent once, never retried by the
    /// runtime.
    PostMessage {
        write: u64,
        id: Uuid,
        message: crate::api::types::NewMessage,
    },
    /// Count a saved view's tickets; with `new_since`, also those updated
    /// within that long before now (the runtime turns it into an instant).
    FetchViewCount {
        name: String,
        generation: u64,
        filter: TicketFilter,
        new_since: Option<std::time::Duration>,
    },
    /// Apply an edit to the views of the config file (a write: never
    /// inside `update`).
    EditViews {
        path: std::path::PathBuf,
        edit: crate::config::ViewEdit,
        loaded: Option<crate::config::Fingerprint>,
    },
    /// The terminal's title (OSC 2), already safe to write.
    SetTitle(String),
    /// A background refresh brought new tickets: a bell or a desktop
    /// notification.
    Notify(super::news::Notification),
    /// Write what the next start opens on (session and page files), before
    /// `Quit` (a small write, done before the loop ends).
    Remember(Box<super::persist::Remembrance>),
    /// Ctrl-z: leave the terminal and stop the process.
    Suspend,
    Quit,
}
