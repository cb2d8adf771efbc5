//! Everything the screen shows, as plain data: no I/O, no terminal.

use std::sync::Arc;

use ratatui::layout::Rect;
use tokio::time::Instant;
use uuid::Uuid;

use super::cache::{CachedPage, PageCache, PageKey};
use super::keymap::{Action, Keymap};
use super::layout::{Areas, Chrome};
use super::modal::Modal;
use super::source::{Directory, FetchError, FieldError, NoNames};
use crate::api::types::{Message, PageMeta, Ticket, TicketDetail};
use crate::filter::{EntityRef, SortField, SortOrder, TicketFilter};

/// Pages kept for going back instantly.
pub const CACHE_PAGES: usize = 32;
/// Messages fetched for the conversation in the detail pane.
pub const MESSAGES_PER_PAGE: u64 = 100;

/// What the header says about where we are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    /// Workspace or profile label.
    pub workspace: String,
    /// Name of the saved view, `None` for a custom filter.
    pub view: Option<String>,
}

/// An error as shown to the user: one line and what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorView {
    pub message: String,
    pub hint: Option<String>,
}

impl ErrorView {
    pub fn from_fetch(err: &FetchError) -> ErrorView {
        match err {
            FetchError::Failed { message, hint } | FetchError::Invalid { message, hint, .. } => {
                ErrorView {
                    message: message.clone(),
                    hint: hint.clone(),
                }
            }
            FetchError::NotSupported => ErrorView {
                message: "not available on this server".into(),
                hint: None,
            },
            FetchError::RateLimited { .. } => ErrorView {
                message: "rate limited".into(),
                hint: Some("press r to retry now".into()),
            },
        }
    }
}

/// The page on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct PageView {
    pub page: u64,
    pub meta: PageMeta,
    pub tickets: Arc<Vec<Ticket>>,
}

/// The ticket pane, one state at a time (drawn inside the pane).
#[derive(Debug, Clone, PartialEq)]
pub enum TablePane {
    /// Nothing asked yet.
    Blank,
    Loading {
        page: u64,
    },
    /// The query matched nothing (or the page is past the end).
    Empty {
        page: u64,
        meta: PageMeta,
    },
    Loaded(PageView),
    Error {
        page: u64,
        error: ErrorView,
    },
}

impl TablePane {
    pub fn tickets(&self) -> &[Ticket] {
        match self {
            TablePane::Loaded(v) => v.tickets.as_slice(),
            _ => &[],
        }
    }

    pub fn meta(&self) -> Option<PageMeta> {
        match self {
            TablePane::Loaded(v) => Some(v.meta),
            TablePane::Empty { meta, .. } => Some(*meta),
            _ => None,
        }
    }
}

/// A part of the detail pane that arrives on its own.
#[derive(Debug, Clone, PartialEq)]
pub enum Loadable<T> {
    Loading,
    /// Held back by a rate limit; sent when it lifts.
    Waiting,
    Loaded(T),
    NotSupported,
    Failed(ErrorView),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub messages: Vec<Message>,
    pub meta: PageMeta,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DetailPane {
    /// The list row: shown at once, and all we have if the server lacks
    /// `GET /tickets/{id}`.
    pub ticket: Ticket,
    pub generation: u64,
    pub detail: Loadable<TicketDetail>,
    pub messages: Loadable<Conversation>,
    /// First visible line of the pane's content.
    pub scroll: usize,
    /// The subject and message bodies wrapped to the pane's width, made by
    /// `update` (see [`WrappedDetail`]); `None` until then.
    pub wrapped: Option<WrappedDetail>,
    /// The conversation's next page is on its way (asked by scrolling).
    pub loading_more: bool,
}

/// The detail's long text, sanitized and wrapped for a pane `width` cells
/// wide: refilled by `update` when the subject, the conversation or the
/// width changes, so a frame only copies its visible lines (wrapping a
/// 1 MB body cost about 12 ms a frame).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WrappedDetail {
    pub width: usize,
    /// The subject `subject_lines` were made from.
    pub subject: String,
    pub subject_lines: Vec<String>,
    /// The lines of each message of the loaded conversation, in order;
    /// empty while it is not loaded.
    pub bodies: Vec<Vec<String>>,
}

/// A request held back by a rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    Page(u64),
    Detail(Uuid),
    /// Triage changes (PATCH) refused by a 429, sent once when it lifts.
    Writes,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RateLimit {
    pub until: Instant,
    /// Sent once, by themselves, when `until` passes (or at once on `r`).
    pub waiting: Vec<Waiting>,
}

/// Where the names catalog (assignees, inboxes, fields) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamesStatus {
    Complete,
    /// Some parts failed or were never asked: loaded when the gate allows.
    Incomplete,
    /// A load of this generation is on its way.
    Loading(u64),
}

/// Which row to select when a page arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Landing {
    First,
    Last,
    Keep,
    /// The same ticket where it is now (a refresh), else the same row.
    Ticket(Uuid),
}

/// The list and the query behind it: what is asked, what is on screen,
/// where the cursor is, and what is on its way.
pub struct ListState {
    pub filter: TicketFilter,
    pub per_page: u64,
    /// Current page number, 1-based.
    pub page: u64,
    /// Bumped whenever the query changes (sort, order, refresh): answers
    /// carrying an older generation are dropped. Only [`ListState::new_query`]
    /// bumps it.
    pub query_gen: u64,
    pub table: TablePane,
    pub selected: usize,
    pub offset: usize,
    pub landing: Landing,
    pub cache: PageCache,
    /// Pages of the current generation being fetched (no duplicate requests).
    pub in_flight: Vec<u64>,
    /// The shown page is being fetched again (`r`): it stays on screen
    /// until the fresh copy replaces it.
    pub refreshing: bool,
    /// Set while the current page is being fetched (drives the spinner).
    pub loading_since: Option<Instant>,
    /// A ticket was changed since the cached pages came: the next query
    /// change starts from an empty cache.
    pub pages_stale: bool,
    /// `J`/`K` moved onto another page with the detail open: the detail
    /// shows the landing row once that page is on screen.
    pub detail_follows: bool,
    /// The list's own refresh, every `[ui] refresh_secs`.
    pub poll: super::poll::Poll,
    /// The page on screen was kept from an earlier run, at this time: it
    /// is read-only until the fresh copy replaces it (see `app::persist`).
    pub from_disk: Option<chrono::DateTime<chrono::Utc>>,
}

impl ListState {
    pub fn new(filter: TicketFilter, per_page: u64) -> ListState {
        ListState {
            filter,
            per_page: per_page.clamp(1, 100),
            page: 1,
            query_gen: 0,
            table: TablePane::Blank,
            selected: 0,
            offset: 0,
            landing: Landing::First,
            cache: PageCache::new(CACHE_PAGES),
            in_flight: Vec::new(),
            refreshing: false,
            loading_since: None,
            pages_stale: false,
            detail_follows: false,
            poll: Default::default(),
            from_disk: None,
        }
    }

    /// The query changed (filter, sort, refresh): answers already on their
    /// way are for the old one and will be dropped, none is awaited.
    pub fn new_query(&mut self) {
        self.query_gen += 1;
        self.in_flight.clear();
    }

    pub fn sort(&self) -> SortField {
        self.filter.sort.unwrap_or_default()
    }

    pub fn order(&self) -> SortOrder {
        self.filter.order.unwrap_or_default()
    }

    /// The filter with sort and order spelled out, so that "default" and
    /// an explicit default are the same query for the cache.
    pub fn query_filter(&self) -> TicketFilter {
        TicketFilter {
            sort: Some(self.sort()),
            order: Some(self.order()),
            ..self.filter.clone()
        }
    }

    /// The query what is new is counted for (`News`): the filter as
    /// [`Self::query_filter`] spells it, and the page size.
    pub fn query_key(&self) -> super::news::QueryKey {
        (self.query_filter(), self.per_page)
    }

    pub fn key(&self, page: u64) -> PageKey {
        PageKey {
            filter: self.query_filter(),
            per_page: self.per_page,
            page,
        }
    }

    pub fn cached(&mut self, page: u64) -> Option<CachedPage> {
        let key = self.key(page);
        self.cache.get(&key)
    }

    /// When the page on screen was kept, while it is the one kept from an
    /// earlier run (read-only until the fresh copy replaces it).
    pub fn kept_since(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.from_disk
            .filter(|_| matches!(self.table, TablePane::Loaded(_)))
    }
}

/// "cached 3m ago": how the kept page is named (header, refusals).
pub fn kept_label(
    saved_at: chrono::DateTime<chrono::Utc>,
    wall: chrono::DateTime<chrono::Utc>,
) -> String {
    format!(
        "cached {}",
        crate::text::time::ago(saved_at.min(wall), wall)
    )
}

pub struct State {
    pub scope: Scope,
    pub list: ListState,
    pub rate_limit: Option<RateLimit>,
    pub detail: Option<DetailPane>,
    pub detail_gen: u64,
    /// The one overlay or input line that has the keys, if any.
    pub modal: Option<super::modal::Modal>,
    /// The last error not shown in a pane of its own.
    pub last_error: Option<ErrorView>,
    /// A short confirmation ("copied #42"), cleared by the next key.
    pub notice: Option<String>,
    pub size: Rect,
    pub keymap: Keymap,
    /// `web_url` template with `{number}` / `{id}`; `o` is hidden without it.
    pub web_url: Option<String>,
    /// `[ui] relative_times`: "5m" (true) or "11-29 10:46" (false).
    pub relative_times: bool,
    pub names: Arc<dyn Directory>,
    pub names_status: NamesStatus,
    /// Bumped per catalog load: only the latest load's answer is used.
    pub names_gen: u64,
    /// Parameters the server rejected (400) in the current query, for the
    /// panes and the filter line to point at; cleared by the next good page.
    pub filter_errors: Vec<FieldError>,
    /// The agent using the client (`me` in the config): "Me" in pickers,
    /// `me` in filters. A name or a UUID, resolved through the catalog.
    pub me: Option<EntityRef>,
    /// Triage actions: marks, dialogs, writes under way, undo.
    pub triage: super::triage::Triage,
    /// Filters applied from the `:` line, oldest first (`↑` recalls them;
    /// kept across runs).
    pub filter_history: Vec<String>,
    /// Searches kept from the `/` line, oldest first (`↑` recalls them;
    /// kept across runs).
    pub search_history: Vec<String>,
    /// Where the session is remembered, and what the start opens on.
    pub remember: super::persist::Remember,
    /// The pane focused when the panes were last closed: `f` reopens there.
    pub filter_panel_focus: Option<super::filter_panel::pane::PaneKind>,
    /// Something visible changed since the last draw.
    pub dirty: bool,
    /// Saved views, their counts, and the views list / name prompt.
    pub views: super::views::ViewsState,
    /// Rows new since the agent last looked (see `app::news`).
    pub news: super::news::News,
    /// `[ui] notify`: for lists without a view's own `notify`.
    pub notify: super::news::Notify,
    /// The terminal has focus (always, if it never reports focus).
    pub focused: bool,
    /// `[[macros]]`, with their keys (`m` lists them).
    pub macros: Vec<super::macros::MacroEntry>,
    /// `[[replies]]`, with their keys (`R` offers them).
    pub replies: Vec<super::replies::ReplyEntry>,
    /// Requesters by contact id (`contacts.display_name(id)` for columns).
    pub contacts: super::contacts::ContactBook,
    /// `[ui] columns` (a view's own win: `State::shown_columns`).
    pub columns: Vec<crate::columns::ColumnSpec>,
    /// The rows' details asked in the background for tag/field columns.
    pub row_details: super::row_details::RowDetails,
    /// `[[commands]]`, with their keys (`!` lists them).
    pub commands: Vec<super::commands::CommandEntry>,
}

impl State {
    pub fn new(scope: Scope, filter: TicketFilter, per_page: u64, keymap: Keymap) -> State {
        State {
            scope,
            list: ListState::new(filter, per_page),
            rate_limit: None,
            detail: None,
            detail_gen: 0,
            modal: None,
            last_error: None,
            notice: None,
            size: Rect::new(0, 0, 80, 24),
            keymap,
            web_url: None,
            relative_times: true,
            names: Arc::new(NoNames),
            names_status: NamesStatus::Complete,
            names_gen: 0,
            filter_errors: Vec::new(),
            me: None,
            triage: Default::default(),
            filter_history: Vec::new(),
            search_history: Vec::new(),
            remember: Default::default(),
            filter_panel_focus: None,
            dirty: true,
            views: super::views::ViewsState::default(),
            news: Default::default(),
            notify: Default::default(),
            focused: true,
            macros: Vec::new(),
            replies: Vec::new(),
            contacts: Default::default(),
            columns: crate::columns::default_columns(),
            row_details: Default::default(),
            commands: Vec::new(),
        }
    }

    pub fn with_names(mut self, names: Arc<dyn Directory>) -> State {
        self.names = names;
        self
    }

    pub fn with_web_url(mut self, web_url: Option<String>) -> State {
        self.web_url = web_url.filter(|u| !u.trim().is_empty());
        self
    }

    /// The columns the list shows: the open view's own `columns` when it
    /// has usable ones, else `[ui] columns` (today's six by default).
    pub fn shown_columns(&self) -> Vec<crate::columns::ColumnSpec> {
        let own = self
            .views
            .active_entry()
            .and_then(|e| e.view.columns.as_deref())
            .map(|entries| crate::columns::resolve(entries).0)
            .filter(|specs| !specs.is_empty());
        own.unwrap_or_else(|| self.columns.clone())
    }

    pub fn areas(&self) -> Areas {
        Areas::compute(
            self.size,
            Chrome {
                detail: self.detail.is_some(),
                banner: self.rate_limit.is_some(),
                side_panel: self.filter_panel().is_some(),
                // A broken config file keeps its message in the bar's row.
                views_bar: !self.views.entries.is_empty() || self.views.broken.is_some(),
            },
        )
    }

    /// The help overlay, if open.
    pub fn help(&self) -> Option<&super::modal::Help> {
        match &self.modal {
            Some(Modal::Help(help)) => Some(help),
            _ => None,
        }
    }

    /// The `/` search line, if open.
    pub fn search(&self) -> Option<&super::search::SearchBox> {
        match &self.modal {
            Some(Modal::Search(search)) => Some(search),
            _ => None,
        }
    }

    /// The `:` filter line, if open.
    pub fn filter_line(&self) -> Option<&super::filter_line::FilterLine> {
        match &self.modal {
            Some(Modal::FilterLine(line)) => Some(line),
            _ => None,
        }
    }

    /// The filter panes (`f`), if open (also under help).
    pub fn filter_panel(&self) -> Option<&super::filter_panel::FilterPanel> {
        self.modal.as_ref().and_then(Modal::filter_panel)
    }

    /// The filter panes, mutably (also under help).
    pub fn filter_panel_mut(&mut self) -> Option<&mut super::filter_panel::FilterPanel> {
        self.modal.as_mut().and_then(Modal::filter_panel_mut)
    }

    /// The open triage dialog, if any.
    pub fn triage_dialog(&self) -> Option<&super::triage::Dialog> {
        match &self.modal {
            Some(Modal::Triage(dialog)) => Some(dialog),
            _ => None,
        }
    }

    /// The open views dialog (list or name prompt), if any.
    pub fn views_dialog(&self) -> Option<&super::views::Dialog> {
        match &self.modal {
            Some(Modal::Views(dialog)) => Some(dialog),
            _ => None,
        }
    }

    /// The ticket under the cursor.
    pub fn selected_ticket(&self) -> Option<&Ticket> {
        self.list.table.tickets().get(self.list.selected)
    }

    /// The ticket `y`/`o` act on: the open detail's, else the selected row's.
    pub fn focused_ticket(&self) -> Option<&Ticket> {
        self.detail
            .as_ref()
            .map(|d| &d.ticket)
            .or_else(|| self.selected_ticket())
    }

    /// Actions without effect in this session, hidden from help and hints.
    pub fn hidden_actions(&self) -> Vec<Action> {
        let mut hidden = if self.web_url.is_some() {
            Vec::new()
        } else {
            vec![Action::OpenBrowser]
        };
        hidden.extend(super::views::hidden_actions(self));
        hidden
    }

    /// "Urgent", "custom filter", or "all tickets" when nothing filters.
    pub fn view_label(&self) -> &str {
        match &self.scope.view {
            Some(view) => view,
            // Sorting alone does not make a filter.
            None if self.list.filter.statuses.is_empty()
                && TicketFilter {
                    sort: None,
                    order: None,
                    ..self.list.filter.clone()
                }
                .is_empty() =>
            {
                "all tickets"
            }
            None => "custom filter",
        }
    }

    /// "page 3 of Urgent" / "ticket #42": what a rate limit holds back.
    pub fn describe_waiting(&self, w: Waiting) -> String {
        match w {
            Waiting::Page(p) => format!("page {p} of {}", self.view_label()),
            Waiting::Detail(id) => match self.detail.as_ref().filter(|d| d.ticket.id == id) {
                Some(d) => format!("ticket #{}", d.ticket.ticket_number),
                None => "ticket details".to_string(),
            },
            Waiting::Writes => super::triage::jobs::describe_waiting(&self.triage),
        }
    }
}

/// Name of a sort field as the API spells it.
pub fn sort_name(f: SortField) -> &'static str {
    match f {
        SortField::CreatedAt => "created_at",
        SortField::UpdatedAt => "updated_at",
        SortField::Priority => "priority",
    }
}

pub fn order_name(o: SortOrder) -> &'static str {
    match o {
        SortOrder::Asc => "asc",
        SortOrder::Desc => "desc",
    }
}
