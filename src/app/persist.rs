//! The queue remembers: at quit, `update` asks the runtime (one
//! [`Effect::Remember`]) to keep where the agent was (view or filter, sort,
//! page, selected ticket, the `:` and `/` histories) and the page on screen;
//! the next start opens there, drawing that page at once. A page read from
//! disk is marked `cached 3m ago` and is read-only: triage actions wait for
//! the fresh copy, which replaces it like a refresh's (the cursor staying on
//! its ticket). If the fresh copy cannot be had, the kept page stays, still
//! marked, with the error under it.
//!
//! No I/O here: the files are `config::SessionStore`'s, read by the command
//! before the UI starts and written by the runtime.

use std::sync::Arc;

use tokio::time::Instant;
use uuid::Uuid;

use super::cache::CachedPage;
use super::clock::Clock;
use super::list::{dedupe, display, request_page, show_page};
use super::msg::Effect;
use super::state::{Landing, State, TablePane};
use crate::config::{DiskPage, SavedPage, SavedSession, SessionStore};
use crate::filter::{TicketFilter, format};

/// What the state keeps for remembering: where to write, and what the
/// start opens on until `Msg::Start` takes it.
#[derive(Debug, Clone, Default)]
pub struct Remember {
    /// `None`: nothing is remembered (no state directory; tests).
    pub store: Option<SessionStore>,
    /// The ticket to put the cursor on when the first page is shown.
    pub selected: Option<Uuid>,
    /// The page kept on disk for the query the run opens on.
    pub disk_page: Option<DiskPage>,
}

/// Everything to write at quit, for the runtime.
#[derive(Debug, Clone, PartialEq)]
pub struct Remembrance {
    pub store: SessionStore,
    pub session: SavedSession,
    /// The page on screen, unless it is the kept page itself (its age
    /// stays honest) or none is shown.
    pub page: Option<SavedPage>,
}

/// Where a run opens when the session file decides it.
#[derive(Debug, Clone, PartialEq)]
pub struct Resume {
    pub view: Option<String>,
    pub filter: TicketFilter,
    pub page: u64,
    /// The page size `page` was counted in.
    pub per_page: u64,
    pub selected: Option<Uuid>,
}

/// What a run starts from besides its filter: applied by [`restore`].
#[derive(Debug, Clone, Default)]
pub struct Restored {
    pub store: Option<SessionStore>,
    /// 1-based; 0 counts as 1.
    pub page: u64,
    pub selected: Option<Uuid>,
    pub disk_page: Option<DiskPage>,
    /// As read from the session file (untrusted: cleaned by [`restore`]).
    pub filter_history: Vec<String>,
    pub search_history: Vec<String>,
}

/// The start the saved session asks for, unless the command line named a
/// view or a filter (`overridden`) or there is none. A view that is gone
/// from the config leaves its filter as a custom one; a filter that does
/// not parse any more (a file edited by hand, an older triage) is ignored
/// with a log line.
pub fn resume(
    saved: Option<&SavedSession>,
    overridden: bool,
    view_exists: impl Fn(&str) -> bool,
) -> Option<Resume> {
    let saved = saved.filter(|_| !overridden)?;
    let filter = match crate::filter::parse(&saved.filter) {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!(error = %e.message, "ignoring the saved filter, which does not parse");
            return None;
        }
    };
    Some(Resume {
        view: saved.view.clone().filter(|v| view_exists(v)),
        filter,
        page: saved.page.max(1),
        per_page: saved.per_page,
        selected: saved.selected,
    })
}

/// The text that names a query on disk: the filter with its sort and
/// order spelled out (as the page cache keys it).
pub fn query_text(filter: &TicketFilter) -> String {
    format(&TicketFilter {
        sort: Some(filter.sort.unwrap_or_default()),
        order: Some(filter.order.unwrap_or_default()),
        ..filter.clone()
    })
}

/// Applies what was restored to a new state (before `Msg::Start`).
pub fn restore(state: &mut State, restored: Restored) {
    state.list.page = restored.page.max(1);
    state.filter_history = super::history::from_disk(restored.filter_history);
    state.search_history = super::history::from_disk(restored.search_history);
    state.remember = Remember {
        store: restored.store,
        selected: restored.selected,
        disk_page: restored
            .disk_page
            .filter(|p| p.page == state.list.page && !p.tickets.is_empty()),
    };
}

/// `Msg::Start`: the kept page at once (the fresh one asked for at once
/// too), else the first page as usual; the cursor lands on the remembered
/// ticket either way when it is on that page.
pub(super) fn start(state: &mut State, now: Instant, fx: &mut Vec<Effect>) {
    let landing = state
        .remember
        .selected
        .take()
        .map_or(Landing::First, Landing::Ticket);
    let Some(kept) = state.remember.disk_page.take() else {
        show_page(state, state.list.page, landing, now, fx);
        return;
    };
    let page = state.list.page;
    state.list.landing = landing;
    let tickets = Arc::new(dedupe(kept.tickets));
    display(
        state,
        page,
        CachedPage {
            tickets: Arc::clone(&tickets),
            meta: kept.meta,
        },
    );
    state.list.from_disk = Some(kept.saved_at);
    // What the kept page showed is what was seen: the fresh copy marks
    // what changed since as new.
    let query = state.list.query_key();
    state.news.on_shown(query, &tickets, false);
    super::list::selected_seen(state);
    // As after `r`: the kept rows stay until the fresh ones replace them,
    // the cursor following its ticket.
    state.list.landing = state
        .selected_ticket()
        .map_or(Landing::Keep, |t| Landing::Ticket(t.id));
    state.list.refreshing = true;
    state.list.loading_since = state.rate_limit.is_none().then_some(now);
    request_page(state, page, fx);
}

/// What to write at quit; `None` when nothing is remembered.
pub fn remembrance(state: &State, clock: Clock) -> Option<Remembrance> {
    let store = state.remember.store.clone()?;
    let session = SavedSession {
        version: crate::config::REMEMBER_VERSION,
        view: state.scope.view.clone(),
        filter: format(&state.list.filter),
        per_page: state.list.per_page,
        page: state.list.page,
        selected: state.selected_ticket().map(|t| t.id),
        filter_history: state.filter_history.clone(),
        search_history: state.search_history.clone(),
    };
    let page = match &state.list.table {
        TablePane::Loaded(view)
            if view.page == state.list.page && state.list.kept_since().is_none() =>
        {
            Some(SavedPage {
                version: crate::config::REMEMBER_VERSION,
                saved_at: clock.wall,
                query: query_text(&state.list.filter),
                per_page: state.list.per_page,
                page: view.page,
                data: view.tickets.as_ref().clone(),
                meta: view.meta,
            })
        }
        _ => None,
    };
    Some(Remembrance {
        store,
        session,
        page,
    })
}

/// Puts the [`Effect::Remember`] before the first `Quit` among `fx`.
pub(super) fn before_quit(state: &State, clock: Clock, fx: &mut Vec<Effect>) {
    let Some(at) = fx.iter().position(|e| *e == Effect::Quit) else {
        return;
    };
    if let Some(r) = remembrance(state, clock) {
        fx.insert(at, Effect::Remember(Box::new(r)));
    }
}
