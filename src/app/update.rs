//! The one place behaviour lives: `update(state, msg, now) -> effects`.

use std::cell::Cell;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use ratatui::layout::Rect;
use tokio::time::Instant;

use super::cache::CachedPage;
use super::clock::Clock;
use super::keymap::Action;
use super::modal::{Help, Modal};
use super::msg::{Effect, Msg};
use super::source::{FetchError, TicketPage};
use super::state::NamesStatus;
use super::state::{
    Conversation, DetailPane, ErrorView, Landing, Loadable, MESSAGES_PER_PAGE, PageView, RateLimit,
    State, TablePane, Waiting,
};
use super::views;
use crate::api::types::Ticket;
use crate::filter::{SortField, SortOrder};

/// Rows moved by one mouse wheel notch.
const WHEEL_ROWS: usize = 3;
/// Spinner frame length while loading.
pub const SPINNER_FRAME: Duration = Duration::from_millis(100);

pub fn update(state: &mut State, msg: Msg, clock: Clock) -> Vec<Effect> {
    let now = clock.now;
    let mut fx = Vec::new();
    // Redraw is decided here, once: every message may change what is on
    // screen (the runtime draws only when its queue is empty, and an idle
    // queue gets no messages), except input that meant nothing: an unbound
    // key, a mouse move.
    state.dirty |= match &msg {
        Msg::Key(_) => false,
        Msg::Mouse(ev) => matches!(
            ev.kind,
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp | MouseEventKind::Down(_)
        ),
        _ => true,
    };
    // Timers, sizes and view counts bring no names, tickets or filter
    // errors: the panes' lists need no rebuild for them (the spinner ticks
    // ten times a second).
    let panes_may_change = !matches!(
        msg,
        Msg::Tick | Msg::Resize(..) | Msg::Resumed | Msg::ViewCount { .. }
    );
    match msg {
        Msg::Start => {
            show_page(state, state.list.page, Landing::First, now, &mut fx);
            load_names(state, &mut fx);
        }
        Msg::NamesLoaded { generation, loaded } => on_names(state, generation, loaded),
        Msg::Key(ev) => state.dirty |= on_key(state, ev, clock, &mut fx),
        Msg::Mouse(ev) => on_mouse(state, ev, now, &mut fx),
        Msg::Resize(w, h) => {
            state.size = Rect::new(0, 0, w, h);
            keep_selection_visible(state);
        }
        Msg::PageLoaded {
            generation,
            page,
            result,
        } => on_page(state, generation, page, result, now, &mut fx),
        Msg::DetailLoaded { generation, result } => {
            let result = result.map(|detail| *detail);
            if let Some(loadable) = part_loaded(state, generation, result) {
                if let (Some(d), Loadable::Loaded(detail)) = (state.detail.as_mut(), &loadable) {
                    // The fresher row replaces the list's copy.
                    d.ticket = detail.ticket.clone();
                }
                if let Some(d) = state.detail.as_mut() {
                    d.detail = loadable;
                }
            }
        }
        Msg::MessagesLoaded { generation, result } => {
            let result = result.map(|(messages, meta)| Conversation { messages, meta });
            if let Some(loadable) = part_loaded(state, generation, result)
                && let Some(d) = state.detail.as_mut()
            {
                d.messages = loadable;
                d.wrapped = None; // made again below, for these messages
            }
        }
        Msg::Tick => on_tick(state, now, &mut fx),
        Msg::Resumed => {}
        Msg::EffectFailed(message) => {
            state.notice = None;
            state.last_error = Some(ErrorView {
                message,
                hint: None,
            });
        }
        Msg::TicketUpdated { write, result } => {
            if result.is_ok() {
                // The change moves the ticket in other lists: their cached
                // pages are stale; this list keeps its rows (and its pages
                // for paging) until it is left or refreshed.
                let filter = state.list.query_filter();
                state
                    .list
                    .cache
                    .keep_only_query(&filter, state.list.per_page);
                state.list.pages_stale = true;
            }
            super::triage::on_written(state, write, result.map(|t| *t), &mut fx)
        }
        Msg::ViewCount {
            name,
            generation,
            result,
        } => views::counts::on_count(state, name, generation, result, now),
        Msg::ViewsEdited { edit, result } => views::on_edited(state, edit, result, now),
    }
    // Names or tickets may have arrived for the filter panes' lists.
    if panes_may_change {
        super::filter_panel::sync(state);
    }
    // Counts of saved views go last, after whatever the list asked for.
    views::counts::pump(state, now, &mut fx);
    rewrap_detail(state);
    fx
}

/// Wraps the detail's subject and conversation again when what they were
/// wrapped from, or the pane's width, changed since: once per change, not
/// once per frame.
fn rewrap_detail(state: &mut State) {
    let Some(area) = state.areas().detail else {
        return;
    };
    let width = crate::ui::detail::inner_width(area);
    let Some(d) = state.detail.as_mut() else {
        return;
    };
    let detail = crate::ui::detail::is_current;
    if !d.wrapped.as_ref().is_some_and(|w| detail(w, d, width)) {
        d.wrapped = Some(crate::ui::detail::wrap_detail(d, width));
    }
}

/// When the runtime must wake us with `Msg::Tick`, if ever: each second of a
/// countdown, spinner frames while loading, and once a minute (on the wall
/// clock's minute boundary) while relative times are on screen. `None` means
/// nothing on screen changes by itself: no timer at all.
pub fn next_wake(state: &State, now: Instant, wall: DateTime<Utc>) -> Option<Instant> {
    let mut wake: Option<Instant> = None;
    let mut at = |t: Instant| wake = Some(wake.map_or(t, |w| w.min(t)));
    if let Some(rl) = &state.rate_limit {
        let left = rl.until.saturating_duration_since(now);
        // The shown value is the remaining time rounded up to whole
        // seconds; it changes when `left` crosses a whole second.
        let sub = Duration::from_nanos((left.as_nanos() % 1_000_000_000) as u64);
        at(now
            + if sub.is_zero() {
                left.min(Duration::from_secs(1))
            } else {
                sub
            });
    }
    if let Some(due) = super::search::wake(state) {
        at(due);
    }
    if state.list.loading_since.is_some() || detail_loading(state) {
        at(now + SPINNER_FRAME);
    }
    if let Some(poll) = views::counts::next_wake(state) {
        at(poll);
    }
    // Reminder marks count down even with absolute "updated" times.
    let relative_times_shown = state.detail.is_some()
        || (state.relative_times && !state.list.table.tickets().is_empty())
        || state
            .list
            .table
            .tickets()
            .iter()
            .any(|t| t.remind_at.is_some());
    if relative_times_shown {
        let into_minute = wall.timestamp_millis().rem_euclid(60_000) as u64;
        at(now + Duration::from_millis(60_000 - into_minute));
    }
    wake
}

/// Turns a detail-pane answer into what the pane shows; `None` when it
/// belongs to a detail that is no longer open. A 429 gates everything.
fn part_loaded<T>(
    state: &mut State,
    generation: u64,
    result: Result<T, FetchError>,
) -> Option<Loadable<T>> {
    let current = state
        .detail
        .as_ref()
        .filter(|d| d.generation == generation)
        .map(|d| d.ticket.id);
    if let Err(FetchError::RateLimited { retry_at }) = &result {
        gate(state, *retry_at, current.map(Waiting::Detail));
    }
    current?;
    Some(match result {
        Ok(v) => Loadable::Loaded(v),
        Err(FetchError::RateLimited { .. }) => Loadable::Waiting,
        Err(FetchError::NotSupported) => Loadable::NotSupported,
        Err(e) => Loadable::Failed(ErrorView::from_fetch(&e)),
    })
}

fn detail_loading(state: &State) -> bool {
    state.detail.as_ref().is_some_and(|d| {
        matches!(d.detail, Loadable::Loading) || matches!(d.messages, Loadable::Loading)
    })
}

// ---- keys and mouse -----------------------------------------------------------

/// The one router for keys: global keys first, then the open modal (which
/// owns every key it gets), then the list. False when the key meant nothing.
fn on_key(state: &mut State, ev: KeyEvent, clock: Clock, fx: &mut Vec<Effect>) -> bool {
    let now = clock.now;
    if ev.kind == KeyEventKind::Release {
        return false;
    }
    let global = match ev.code {
        _ if !ev.modifiers.contains(KeyModifiers::CONTROL) => None,
        // Ctrl-c quits from anywhere, whatever is being typed.
        KeyCode::Char('c') => Some(Effect::Quit),
        // Ctrl-z is the shell's, not the keymap's.
        KeyCode::Char('z') => Some(Effect::Suspend),
        _ => None,
    };
    if let Some(effect) = global {
        fx.push(effect);
        return false;
    }
    match state.modal.take() {
        Some(Modal::Help(help)) => on_help_key(state, help, &ev, fx),
        Some(Modal::Triage(dialog)) => {
            super::triage::on_dialog_key(state, dialog, &ev, clock, fx);
        }
        Some(Modal::Views(dialog)) => views::on_dialog_key(state, dialog, &ev, now, fx),
        // These edit in place: put back, then handled where they are.
        Some(modal) => {
            let route: fn(&mut State, KeyEvent, Clock, &mut Vec<Effect>) = match &modal {
                Modal::Search(_) => super::search::on_key,
                Modal::FilterLine(_) => super::filter_line::on_key,
                _ => super::filter_panel::on_key,
            };
            state.modal = Some(modal);
            route(state, ev, clock, fx);
        }
        None => return on_list_key(state, ev, now, fx),
    }
    true
}

/// Keys with nothing open: a view's own key, triage's, then the keymap's.
fn on_list_key(state: &mut State, ev: KeyEvent, now: Instant, fx: &mut Vec<Effect>) -> bool {
    if views::own_key(state, &ev, now, fx) || super::triage::on_key(state, &ev, fx) {
        return true;
    }
    let Some(action) = state.keymap.action_for(&ev) else {
        return false;
    };
    state.notice = None;
    if state.detail.is_some() && on_detail_key(state, action) {
        return true;
    }
    match action {
        Action::MoveDown => move_by(state, 1, now, fx),
        Action::MoveUp => move_by(state, -1, now, fx),
        Action::First => select(state, 0),
        Action::Last => select(state, state.list.table.tickets().len().saturating_sub(1)),
        // By a screen; from the last (first) row on, like `j` (`k`), on to
        // the next (previous) page.
        Action::ScreenDown => {
            let n = state.areas().table_rows().max(1);
            let last = state.list.table.tickets().len().saturating_sub(1);
            if state.list.selected >= last {
                move_by(state, 1, now, fx);
            } else {
                select(state, (state.list.selected + n).min(last));
            }
        }
        Action::ScreenUp => {
            let n = state.areas().table_rows().max(1);
            if state.list.selected == 0 {
                move_by(state, -1, now, fx);
            } else {
                select(state, state.list.selected.saturating_sub(n));
            }
        }
        Action::NextPage => {
            if has_next_page(state) {
                show_page(state, state.list.page + 1, Landing::First, now, fx);
            } else if state.list.table.meta().is_some() {
                state.notice = Some("this is the last page".into());
            }
        }
        Action::PrevPage => {
            if state.list.page > 1 {
                show_page(state, state.list.page - 1, Landing::First, now, fx);
            } else {
                state.notice = Some("this is the first page".into());
            }
        }
        Action::OpenDetail => open_detail(state, fx),
        Action::NextTicket | Action::PrevTicket => {
            let delta = if action == Action::NextTicket { 1 } else { -1 };
            let (page, row) = (state.list.page, state.list.selected);
            move_by(state, delta, now, fx);
            if state.list.page != page {
                // The detail follows once the other page is on screen.
                state.list.detail_follows = state.detail.is_some();
            } else if state.list.selected != row && state.detail.is_some() {
                open_detail(state, fx);
            }
        }
        Action::Back => state.last_error = None,
        Action::Refresh => {
            refresh(state, now, fx);
            views::counts::on_refresh(state, now);
        }
        Action::CycleSort => {
            state.list.filter.sort = Some(match state.list.sort() {
                SortField::UpdatedAt => SortField::CreatedAt,
                SortField::CreatedAt => SortField::Priority,
                SortField::Priority => SortField::UpdatedAt,
            });
            new_query(state, now, fx);
        }
        Action::FlipOrder => {
            state.list.filter.order = Some(match state.list.order() {
                SortOrder::Asc => SortOrder::Desc,
                SortOrder::Desc => SortOrder::Asc,
            });
            new_query(state, now, fx);
        }
        Action::OpenBrowser => open_browser(state, fx),
        Action::CopyNumber => copy_number(state, fx),
        Action::CopyCurl => {
            fx.push(Effect::CopyCurl {
                filter: state.list.filter.clone(),
                page: state.list.page,
                per_page: state.list.per_page,
            });
            state.notice = Some("copied the query as a curl command".into());
        }
        Action::Help => state.modal = Some(Modal::Help(Help::default())),
        Action::FilterPanes => super::filter_panel::open(state),
        Action::Quit => fx.push(Effect::Quit),
        // Triage keys are handled by `triage::on_key` above.
        Action::SetStatus
        | Action::SetPriority
        | Action::Assign
        | Action::AssignMe
        | Action::Snooze
        | Action::ToggleMark
        | Action::MarkRange
        | Action::MarkPage
        | Action::ClearMarks
        | Action::NextMode
        | Action::Undo => {}
        Action::Search => super::search::open(state),
        Action::FilterLine => super::filter_line::open(state),
        Action::View1
        | Action::View2
        | Action::View3
        | Action::View4
        | Action::View5
        | Action::View6
        | Action::View7
        | Action::View8
        | Action::View9
        | Action::ViewsList
        | Action::SaveView => {
            views::on_action(state, action, now, fx);
        }
    }
    true
}

/// Keys while help is open: movement scrolls it, quit quits, any other key
/// closes it (Esc and ? are the documented ones).
fn on_help_key(state: &mut State, mut help: Help, ev: &KeyEvent, fx: &mut Vec<Effect>) {
    let max = state.help_max_scroll.get();
    let cur = help.scroll.min(max);
    let page = usize::from(state.size.height.saturating_sub(4)).max(1);
    help.scroll = match state.keymap.action_for(ev) {
        Some(Action::Quit) => {
            fx.push(Effect::Quit);
            cur
        }
        Some(Action::MoveDown) => (cur + 1).min(max),
        Some(Action::MoveUp) => cur.saturating_sub(1),
        Some(Action::ScreenDown) => (cur + page).min(max),
        Some(Action::ScreenUp) => cur.saturating_sub(page),
        Some(Action::First) => 0,
        Some(Action::Last) => max,
        // Closed: what was under it (the filter panes) is back as it was.
        _ => {
            state.modal = help.under.map(|m| *m);
            return;
        }
    };
    state.modal = Some(Modal::Help(help));
}

/// Keys while the detail pane is open: movement scrolls the pane. Returns
/// false for actions that keep their list meaning.
fn on_detail_key(state: &mut State, action: Action) -> bool {
    let screen = state
        .areas()
        .detail
        .map_or(1, |r| usize::from(r.height.saturating_sub(2)).max(1));
    let Some(d) = state.detail.as_mut() else {
        return false;
    };
    let max = d.max_scroll.get();
    let cur = d.scroll.min(max);
    d.scroll = match action {
        Action::MoveDown => (cur + 1).min(max),
        Action::MoveUp => cur.saturating_sub(1),
        Action::ScreenDown => (cur + screen).min(max),
        Action::ScreenUp => cur.saturating_sub(screen),
        Action::First => 0,
        Action::Last => max,
        Action::Back => {
            state.detail = None;
            return true;
        }
        Action::OpenDetail => cur,
        _ => return false,
    };
    true
}

fn on_mouse(
    state: &mut State,
    ev: crossterm::event::MouseEvent,
    now: Instant,
    fx: &mut Vec<Effect>,
) {
    if state.modal.is_some() {
        // Whatever is open has the input: the list and the views bar under
        // it stay put (a click there would act behind the agent's back).
        return;
    }
    if views::bar::on_mouse(state, &ev, now, fx) {
        return;
    }
    let areas = state.areas();
    let inside = |r: Rect| {
        ev.column >= r.x && ev.column < r.x + r.width && ev.row >= r.y && ev.row < r.y + r.height
    };
    let over_detail = areas.detail.is_some_and(inside);
    match ev.kind {
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let down = ev.kind == MouseEventKind::ScrollDown;
            if over_detail {
                if let Some(d) = state.detail.as_mut() {
                    let max = d.max_scroll.get();
                    let cur = d.scroll.min(max);
                    d.scroll = if down {
                        (cur + WHEEL_ROWS).min(max)
                    } else {
                        cur.saturating_sub(WHEEL_ROWS)
                    };
                }
            } else if inside(areas.table) {
                let step = if down {
                    WHEEL_ROWS as isize
                } else {
                    -(WHEEL_ROWS as isize)
                };
                // The wheel stays within the page; crossing pages is a key.
                let last = state.list.table.tickets().len().saturating_sub(1);
                let target = (state.list.selected as isize + step).clamp(0, last as isize) as usize;
                select(state, target);
            } else {
                return;
            }
        }
        MouseEventKind::Down(MouseButton::Left) => {
            if over_detail || !inside(areas.table) || ev.row <= areas.table.y {
                return;
            }
            let row = state.list.offset + usize::from(ev.row - areas.table.y - 1);
            if row < state.list.table.tickets().len() {
                state.notice = None;
                select(state, row);
                // With the detail beside the list, a click shows that ticket.
                let shown = state.detail.as_ref().map(|d| d.ticket.id);
                if shown.is_some() && shown != state.selected_ticket().map(|t| t.id) {
                    open_detail(state, fx);
                }
            }
        }
        _ => {}
    }
    let _ = now;
}

// ---- selection ------------------------------------------------------------------

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

fn has_next_page(state: &State) -> bool {
    match state.list.table.meta() {
        Some(meta) => state.list.page < meta.page_count(),
        // Unknown total (error or loading): allow stepping on.
        None => !matches!(state.list.table, TablePane::Blank),
    }
}

// ---- pages ----------------------------------------------------------------------

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
    state.list.landing = landing;
    // A page change abandons what a rate limit was holding for the old one.
    if let Some(rl) = state.rate_limit.as_mut() {
        rl.waiting.retain(|w| !matches!(w, Waiting::Page(_)));
    }
    if let Some(cached) = state.list.cached(state.list.page) {
        display(state, state.list.page, cached);
        follow_detail(state, fx);
        prefetch(state, fx);
    } else {
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
fn follow_detail(state: &mut State, fx: &mut Vec<Effect>) {
    if std::mem::take(&mut state.list.detail_follows) && state.detail.is_some() {
        open_detail(state, fx);
    }
}

pub(super) fn display(state: &mut State, page: u64, cached: CachedPage) {
    let cached = without_previous_page(state, page, cached);
    state.list.loading_since = None;
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

fn on_page(
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
                display(state, page, cached);
                follow_detail(state, fx);
                prefetch(state, fx);
            }
        }
        Err(err) => {
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
fn without_previous_page(state: &State, page: u64, cached: CachedPage) -> CachedPage {
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
fn dedupe(tickets: Vec<Ticket>) -> Vec<Ticket> {
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
            reload_current(state, now, fx);
        } else {
            send_waiting(state, rl.waiting, now, fx);
        }
        load_names(state, fx);
        return;
    }
    reload_current(state, now, fx);
    if let Some(d) = state.detail.as_ref() {
        let id = d.ticket.id;
        request_detail(state, id, fx);
    }
    load_names(state, fx);
}

/// Asks for the missing parts of the names catalog, once, if the gate is
/// open and no load is on its way.
pub(super) fn load_names(state: &mut State, fx: &mut Vec<Effect>) {
    if state.names_status != NamesStatus::Incomplete || state.rate_limit.is_some() {
        return;
    }
    state.names_gen += 1;
    state.names_status = NamesStatus::Loading(state.names_gen);
    fx.push(Effect::LoadNames {
        generation: state.names_gen,
    });
}

fn on_names(state: &mut State, generation: u64, loaded: Option<super::source::NamesLoaded>) {
    if state.names_status != NamesStatus::Loading(generation) {
        return; // an older load's answer
    }
    let Some(loaded) = loaded else {
        state.names_status = NamesStatus::Complete;
        return;
    };
    state.names = loaded.names;
    state.names_status = if loaded.incomplete {
        NamesStatus::Incomplete
    } else {
        NamesStatus::Complete
    };
    if let Some(at) = loaded.retry_at {
        // The rest waits for the window to end, like any request.
        gate(state, at, None);
    }
}

/// Drops the current query's cached pages and fetches the current one again.
pub(super) fn reload_current(state: &mut State, now: Instant, fx: &mut Vec<Effect>) {
    let filter = state.list.query_filter();
    state.list.cache.remove_query(&filter, state.list.per_page);
    state.list.new_query();
    state.last_error = None;
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

fn send_waiting(state: &mut State, waiting: Vec<Waiting>, now: Instant, fx: &mut Vec<Effect>) {
    for w in waiting {
        match w {
            Waiting::Page(p) if p == state.list.page => {
                if let Some(cached) = state.list.cached(p) {
                    display(state, p, cached);
                    follow_detail(state, fx);
                } else {
                    state.list.loading_since = Some(now);
                    request_page(state, p, fx);
                }
            }
            Waiting::Page(_) => {}
            Waiting::Detail(id) => {
                if state.detail.as_ref().is_some_and(|d| d.ticket.id == id) {
                    request_detail(state, id, fx);
                }
            }
            Waiting::Writes => super::triage::jobs::pump(state, fx),
        }
    }
    prefetch(state, fx);
}

/// Closes the gate until `until` (the later instant wins) and records what waits.
pub(super) fn gate(state: &mut State, until: Instant, waiting: Option<Waiting>) {
    let rl = state.rate_limit.get_or_insert(RateLimit {
        until,
        waiting: Vec::new(),
    });
    rl.until = rl.until.max(until);
    if let Some(w) = waiting
        && !rl.waiting.contains(&w)
    {
        rl.waiting.push(w);
    }
    state.list.loading_since = None;
}

fn on_tick(state: &mut State, now: Instant, fx: &mut Vec<Effect>) {
    // Countdowns, spinners and relative times all changed.
    super::search::on_tick(state, now, fx);
    if let Some(rl) = &state.rate_limit
        && rl.until <= now
    {
        let waiting = state
            .rate_limit
            .take()
            .map(|rl| rl.waiting)
            .unwrap_or_default();
        send_waiting(state, waiting, now, fx);
        load_names(state, fx);
    }
}

// ---- detail and actions -----------------------------------------------------------

pub(super) fn open_detail(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(ticket) = state.selected_ticket().cloned() else {
        return;
    };
    state.detail_gen += 1;
    let id = ticket.id;
    state.detail = Some(DetailPane {
        ticket,
        generation: state.detail_gen,
        detail: Loadable::Loading,
        messages: Loadable::Loading,
        scroll: 0,
        max_scroll: Cell::new(0),
        wrapped: None,
    });
    request_detail(state, id, fx);
}

pub(super) fn request_detail(state: &mut State, id: uuid::Uuid, fx: &mut Vec<Effect>) {
    let limited = state.rate_limit.is_some();
    let Some(d) = state.detail.as_mut().filter(|d| d.ticket.id == id) else {
        return;
    };
    if limited {
        d.detail = Loadable::Waiting;
        d.messages = Loadable::Waiting;
        if let Some(rl) = state.rate_limit.as_mut()
            && !rl.waiting.contains(&Waiting::Detail(id))
        {
            rl.waiting.push(Waiting::Detail(id));
        }
        return;
    }
    d.detail = Loadable::Loading;
    d.messages = Loadable::Loading;
    fx.push(Effect::FetchDetail {
        generation: d.generation,
        id,
    });
    fx.push(Effect::FetchMessages {
        generation: d.generation,
        id,
        page: 1,
        per_page: MESSAGES_PER_PAGE,
    });
}

fn copy_number(state: &mut State, fx: &mut Vec<Effect>) {
    if let Some(t) = state.focused_ticket() {
        let text = format!("#{}", t.ticket_number);
        state.notice = Some(format!("copied {text}"));
        fx.push(Effect::Copy(text));
    }
}

fn open_browser(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(template) = state.web_url.as_ref() else {
        state.notice = Some(
            "no web_url in this profile: set web_url = \"https://…/tickets/{number}\" to open tickets"
                .into(),
        );
        return;
    };
    let Some(t) = state.focused_ticket() else {
        return;
    };
    let url = template
        .replace("{number}", &t.ticket_number.to_string())
        .replace("{id}", &t.id.to_string());
    state.notice = Some(format!("opening #{}", t.ticket_number));
    fx.push(Effect::OpenUrl(url));
}
