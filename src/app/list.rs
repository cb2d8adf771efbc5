//! The list and its query: selection, pages (cache, prefetch, landing),
//! new filters, refresh.

use std::collections::HashSet;
use std::sync::Arc;

use tokio::time::Instant;

use super::cache::CachedPage;
use super::detail::{open_detail, request_detail};
use super::gate::{gate, send_waiting};
use super::msg::Effect;
use super::names::load_names;
use super::source::{FetchError, TicketPage};
use super::state::{ErrorView, Landing, PageView, State, TablePane, Waiting};
use crate::api::types::Ticket;

pub(super) fn select(state: &mut State, row: usize) {
    let len = state.list.table.tickets().len();
    state.list.selected = if len == 0 { 0 } else { row.min(len - 1) };
    keep_selection_visible(state);
}

pub(super) fn keep_selection_visible(state: &mut State) {
    let rows = state.areas().table_rows().max(1);
    let len = state.list.table.tickets().len();
    if state.list.selected < state.list.offset {
        state.list.offset = state.list.selected;
    } else if state.list.selected >= state.list.offset + rows {
        state.list.offset = state.list.selected + 1 - rows;
    }
    // No empty space below the last row when the window could show more.
    state.list.offset = state.list.offset.min(len.saturating_sub(rows));
}

/// One row up or down; past the last row moves to the next page's first row,
/// above the first row to the previous page's last row.
pub(super) fn move_by(state: &mut State, delta: isize, now: Instant, fx: &mut Vec<Effect>) {
    let len = state.list.table.tickets().len();
    if delta > 0 {
        if state.list.selected + 1 < len {
            select(state, state.list.selected + 1);
        } else if has_next_page(state) && matches!(state.list.table, TablePane::Loaded(_)) {
            show_page(state, state.list.page + 1, Landing::First, now, fx);
        }
    } else if state.list.selected > 0 {
        select(state, state.list.selected - 1);
    } else if state.list.page > 1 && matches!(state.list.table, TablePane::Loaded(_)) {
        show_page(state, state.list.page - 1, Landing::Last, now, fx);
    }
}

pub(super) fn has_next_page(state: &State) -> bool {
    match state.list.table.meta() {
        Some(meta) => state.list.page < meta.page_count(),
        // Unknown total (error or loading): allow stepping on.
        None => !matches!(state.list.table, TablePane::Blank),
    }
}

/// Makes `page` the current page: from the cache at once, or by a request.
pub(super) fn show_page(
    state: &mut State,
    page: u64,
    landing: Landing,
    now: Instant,
    fx: &mut Vec<Effect>,
) {
    state.list.page = page.max(1);
    state.list.refreshing = false;
    state.list.poll.polling = false;
    state.list.landing = landing;
    // A page change abandons what a rate limit was holding for the old one.
    if let Some(rl) = state.rate_limit.as_mut() {
        rl.waiting.retain(|w| !matches!(w, Waiting::Page(_)));
    }
    if let Some(cached) = state.list.cached(state.list.page) {
        display(state, state.list.page, cached);
        // The open view's count is this page's total; no count need be due
        // for it (`update` runs the counts' pump only when one may be).
        super::views::sync_active_count(state);
        selected_seen(state);
        shown_news(state, false);
        follow_detail(state, fx);
        prefetch(state, fx);
    } else {
        state.list.from_disk = None;
        state.list.table = TablePane::Loading {
            page: state.list.page,
        };
        // While rate limited the banner counts down instead of a spinner.
        state.list.loading_since = state.rate_limit.is_none().then_some(now);
        request_page(state, state.list.page, fx);
    }
}

pub(super) fn request_page(state: &mut State, page: u64, fx: &mut Vec<Effect>) {
    if let Some(rl) = state.rate_limit.as_mut() {
        // Only the page the user looks at waits; prefetches are not queued.
        if page == state.list.page && !rl.waiting.contains(&Waiting::Page(page)) {
            rl.waiting.push(Waiting::Page(page));
        }
        return;
    }
    if state.list.in_flight.contains(&page) {
        return;
    }
    state.list.in_flight.push(page);
    fx.push(Effect::FetchPage {
        generation: state.list.query_gen,
        filter: state.list.filter.clone(),
        page,
        per_page: state.list.per_page,
    });
}

/// The rows now on screen, compared with what was seen before: the rows
/// newly marked new.
fn shown_news(state: &mut State, refreshed: bool) -> Vec<Ticket> {
    let shown = match &state.list.table {
        TablePane::Loaded(view) => view.tickets.clone(),
        _ => Arc::default(),
    };
    let query = state.list.query_key();
    state.news.on_shown(query, &shown, refreshed)
}

/// Fetches the next page in the background once the current one is shown.
pub(super) fn prefetch(state: &mut State, fx: &mut Vec<Effect>) {
    if state.rate_limit.is_some() || !matches!(state.list.table, TablePane::Loaded(_)) {
        return;
    }
    if !has_next_page(state) {
        return;
    }
    let next = state.list.page + 1;
    let key = state.list.key(next);
    if !state.list.cache.contains(&key) {
        request_page(state, next, fx);
    }
}

/// `J`/`K` crossed a page with the detail open: it shows the landing row.
pub(super) fn follow_detail(state: &mut State, fx: &mut Vec<Effect>) {
    if std::mem::take(&mut state.list.detail_follows) && state.detail.is_some() {
        open_detail(state, fx);
    }
}

pub(super) fn display(state: &mut State, page: u64, cached: CachedPage) {
    let cached = without_previous_page(state, page, cached);
    state.list.loading_since = None;
    // Whatever is shown now came in this run (`persist::start` marks the
    // page it shows from disk after this).
    state.list.from_disk = None;
    state.list.table = if cached.tickets.is_empty() {
        TablePane::Empty {
            page,
            meta: cached.meta,
        }
    } else {
        TablePane::Loaded(PageView {
            page,
            meta: cached.meta,
            tickets: cached.tickets,
        })
    };
    let len = state.list.table.tickets().len();
    let row = match state.list.landing {
        Landing::First => 0,
        Landing::Last => len.saturating_sub(1),
        Landing::Keep => state.list.selected,
        Landing::Ticket(id) => state
            .list
            .table
            .tickets()
            .iter()
            .position(|t| t.id == id)
            .unwrap_or(state.list.selected),
    };
    // A refresh keeps the window where it was; a new page starts at its top.
    if !matches!(state.list.landing, Landing::Keep | Landing::Ticket(_)) {
        state.list.offset = 0;
    }
    state.list.refreshing = false;
    select(state, row);
}

pub(super) fn on_page(
    state: &mut State,
    generation: u64,
    page: u64,
    result: Result<TicketPage, FetchError>,
    now: Instant,
    fx: &mut Vec<Effect>,
) {
    if let Err(FetchError::RateLimited { retry_at }) = &result {
        // A fact about the server, whatever the request was for.
        let current = generation == state.list.query_gen && page == state.list.page;
        if generation == state.list.query_gen {
            state.list.in_flight.retain(|p| *p != page);
        }
        gate(state, *retry_at, current.then_some(Waiting::Page(page)));
        let _ = now;
        return;
    }
    if generation != state.list.query_gen {
        return; // an answer for a query that is no longer current
    }
    state.list.in_flight.retain(|p| *p != page);
    match result {
        Ok(loaded) => {
            let cached = CachedPage {
                tickets: Arc::new(dedupe(loaded.tickets)),
                meta: loaded.meta,
            };
            let key = state.list.key(page);
            state.list.cache.insert(key, cached.clone());
            // The server took this query: nothing in it is wrong any more.
            state.filter_errors.clear();
            let waiting_for_it = page == state.list.page
                && (state.list.refreshing
                    || matches!(
                        state.list.table,
                        TablePane::Loading { .. } | TablePane::Error { .. } | TablePane::Blank
                    ));
            if waiting_for_it {
                let refreshed = state.list.refreshing;
                let polled = std::mem::take(&mut state.list.poll.polling);
                display(state, page, cached);
                if !refreshed {
                    // A page gone to: the cursor's landing row is seen.
                    selected_seen(state);
                }
                let gained = shown_news(state, refreshed);
                if polled {
                    let mode = super::views::notify_mode(state);
                    fx.extend(super::news::notification(mode, &gained).map(Effect::Notify));
                }
                follow_detail(state, fx);
                // A poll asks for the page on screen only: prefetching the
                // next one again every interval doubled the background
                // requests (benches/live_requests.rs: 120 an hour at 60 s,
                // now 60); it comes when the agent goes there.
                if !polled {
                    prefetch(state, fx);
                }
                super::poll::schedule(state, now);
            }
        }
        Err(err) => {
            if page == state.list.page {
                state.list.poll.polling = false;
            }
            if let FetchError::Invalid { fields, .. } = &err {
                // The panes and the filter line point at what was rejected.
                state.filter_errors = fields.clone();
            }
            if page == state.list.page && state.list.refreshing {
                // The list as it was stays; the footer says the refresh failed.
                state.list.refreshing = false;
                state.list.loading_since = None;
                state.last_error = Some(ErrorView::from_fetch(&err));
            } else if page == state.list.page {
                let error = ErrorView::from_fetch(&err);
                state.list.loading_since = None;
                state.list.table = TablePane::Error {
                    page,
                    error: error.clone(),
                };
                state.last_error = Some(error);
            }
            // A failed prefetch is not the user's concern: the page is
            // fetched again when they go there.
        }
    }
}

/// Tickets shift between pages while browsing (new tickets push older ones
/// down): a ticket already on the previous page as we have it is not shown
/// again at the top of this one, so reading page after page never shows
/// one twice. It stays visible where it was first seen.
pub(super) fn without_previous_page(state: &State, page: u64, cached: CachedPage) -> CachedPage {
    let Some(previous) = page
        .checked_sub(1)
        .filter(|p| *p >= 1)
        .and_then(|p| state.list.cache.peek(&state.list.key(p)))
    else {
        return cached;
    };
    let seen: HashSet<_> = previous.tickets.iter().map(|t| t.id).collect();
    if !cached.tickets.iter().any(|t| seen.contains(&t.id)) {
        return cached;
    }
    let tickets = cached
        .tickets
        .iter()
        .filter(|t| !seen.contains(&t.id))
        .cloned()
        .collect();
    CachedPage {
        tickets: Arc::new(tickets),
        meta: cached.meta,
    }
}

/// No ticket twice on one screen, even if the server repeats one.
pub(super) fn dedupe(tickets: Vec<Ticket>) -> Vec<Ticket> {
    let mut seen = HashSet::with_capacity(tickets.len());
    tickets.into_iter().filter(|t| seen.insert(t.id)).collect()
}

/// The filter itself changed (panes, filter line, search): a new query, and
/// an open detail closes, as its ticket may not be in the new list (keys
/// would act on a ticket out of sight).
pub(super) fn new_filter(state: &mut State, now: Instant, fx: &mut Vec<Effect>) {
    state.detail = None;
    new_query(state, now, fx);
}

/// Sort or order changed: a new query, from page 1.
pub(super) fn new_query(state: &mut State, now: Instant, fx: &mut Vec<Effect>) {
    if state.list.pages_stale {
        // Tickets were changed since these pages came: leaving the list
        // they were changed in, none of them is trustworthy any more.
        state.list.cache = super::cache::PageCache::new(super::state::CACHE_PAGES);
        state.list.pages_stale = false;
    }
    state.list.new_query();
    show_page(state, 1, Landing::First, now, fx);
}

pub(super) fn refresh(state: &mut State, now: Instant, fx: &mut Vec<Effect>) {
    if let Some(rl) = state.rate_limit.take() {
        // "Retry now", on purpose: the waiting requests go out at once.
        fx.push(Effect::ClearRateLimit);
        if rl.waiting.is_empty() {
            state.last_error = None;
            reload_current(state, now, fx);
        } else {
            send_waiting(state, rl.waiting, now, fx);
        }
        load_names(state, fx);
        return;
    }
    // Asked for: what went wrong before is no longer the news. (A poll
    // reloads too, and leaves an unread error where it is.)
    state.last_error = None;
    reload_current(state, now, fx);
    state.list.poll.polling = false;
    if let Some(d) = state.detail.as_ref() {
        let id = d.ticket.id;
        request_detail(state, id, fx);
    }
    load_names(state, fx);
}

/// Drops the current query's cached pages and fetches the current one again.
pub(super) fn reload_current(state: &mut State, now: Instant, fx: &mut Vec<Effect>) {
    let filter = state.list.query_filter();
    state.list.cache.remove_query(&filter, state.list.per_page);
    state.list.new_query();
    // Tickets move when they change: the cursor follows its ticket.
    let landing = state
        .selected_ticket()
        .map_or(Landing::Keep, |t| Landing::Ticket(t.id));
    if matches!(&state.list.table, TablePane::Loaded(v) if v.page == state.list.page) {
        // The list stays on screen while its fresh copy loads (the footer
        // says so): no blank flash on every `r`.
        state.list.landing = landing;
        state.list.refreshing = true;
        state.list.loading_since = state.rate_limit.is_none().then_some(now);
        request_page(state, state.list.page, fx);
    } else {
        show_page(state, state.list.page, landing, now, fx);
    }
}

/// The row under the cursor has been seen (what is new forgets it).
pub(super) fn selected_seen(state: &mut State) {
    if let Some(id) = state.selected_ticket().map(|t| t.id) {
        state.news.seen(id);
    }
}
