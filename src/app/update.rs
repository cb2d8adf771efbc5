//! The one place behaviour lives: `update(state, msg, clock) -> effects`
//! dispatches each message to the module that owns it; `next_wake` says
//! when the runtime must wake us.

use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::MouseEventKind;
use ratatui::layout::Rect;
use tokio::time::Instant;

use super::clock::Clock;
use super::detail::{detail_loading, part_loaded, rewrap_detail};
use super::gate::send_waiting;
use super::keys::{on_key, on_mouse};
use super::list::{keep_selection_visible, on_page};
use super::msg::{Effect, Msg};
use super::names::{load_names, on_names};
use super::state::{ErrorView, Loadable, State};
use super::views;

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
        Msg::Tick | Msg::Resize(..) | Msg::Resumed | Msg::ViewCount { .. } | Msg::Focus(_)
    );
    match msg {
        Msg::Start => {
            super::persist::start(state, now, &mut fx);
            load_names(state, &mut fx);
        }
        Msg::NamesLoaded { generation, loaded } => on_names(state, generation, loaded),
        Msg::CommandDone { name, result } => super::commands::on_done(state, &name, result),
        Msg::RowDetailLoaded { id, result } => {
            super::row_details::on_loaded(state, id, result.map(|d| *d), now)
        }
        Msg::ContactLoaded { id, result } => {
            super::contacts::on_loaded(state, id, result, &mut fx);
            super::triage::canned::on_contact(state, id, &mut fx);
        }
        Msg::Key(ev) => {
            state.dirty |= on_key(state, ev, clock, &mut fx);
            cursor_seen(state);
        }
        Msg::Mouse(ev) => {
            on_mouse(state, ev, clock, &mut fx);
            cursor_seen(state);
        }
        Msg::Focus(focused) => super::poll::on_focus(state, focused, now, &mut fx),
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
                if let Loadable::Loaded(detail) = &loadable {
                    super::triage::known::learn_detail(state, detail);
                }
                if let Some(d) = state.detail.as_mut() {
                    d.detail = loadable;
                }
            }
        }
        Msg::MessagesLoaded { generation, result } => {
            super::detail::messages_loaded(state, generation, result)
        }
        Msg::Tick => on_tick(state, now, &mut fx),
        // Leaving the terminal gave its title back: ours is written again.
        Msg::Resumed => state.news.title_shown = None,
        Msg::EffectFailed(message) => {
            state.notice = None;
            state.last_error = Some(ErrorView {
                message,
                hint: None,
            });
        }
        Msg::TicketUpdated { write, result } => {
            if let Ok(ticket) = &result {
                // What we wrote is not news when a refresh brings it back.
                super::news::own_write(state, &ticket.ticket);
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
        Msg::Composed { request, result } => {
            super::triage::on_composed(state, *request, result, clock, &mut fx)
        }
        Msg::DraftSaved { post, result } => {
            super::triage::compose::on_draft_saved(state, *post, result, &mut fx)
        }
        Msg::NewsChecked {
            check,
            ticket,
            messages,
        } => super::triage::cop::on_checked(state, *check, ticket, messages, &mut fx),
        Msg::MessagePosted { write, result } => {
            super::triage::on_posted(state, write, result, &mut fx)
        }
        Msg::ViewCount {
            name,
            generation,
            result,
        } => views::counts::on_count(state, name, generation, result, now),
        Msg::ViewsEdited { edit, result } => views::on_edited(state, edit, result, now),
        Msg::Exiting => fx.push(Effect::Quit),
    }
    // Follow-ups the message made due, run here rather than called back
    // from deep inside another feature.
    super::triage::undo::run_queued(state, &mut fx);
    // Names or tickets may have arrived for the filter panes' lists.
    if panes_may_change {
        super::filter_panel::sync(state);
    }
    // Counts of saved views go last, after whatever the list asked for.
    views::counts::pump(state, now, &mut fx);
    // The rows' tags, fields and requesters last of all.
    super::row_details::pump(state, now, &mut fx);
    rewrap_detail(state);
    super::news::sync_title(state, &mut fx);
    // Whatever quits, where the agent was is remembered first.
    super::persist::before_quit(state, clock, &mut fx);
    fx
}

/// The agent acted on the list: the row under the cursor has been seen
/// (whatever moved it there), as long as the list has the keys.
fn cursor_seen(state: &mut State) {
    if state.modal.is_none() {
        super::news::selected_seen(state);
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
    if let Some(poll) = super::poll::wake(state) {
        at(poll);
    }
    // Reminder marks count down even with absolute "updated" times.
    let relative_times_shown = state.detail.is_some()
        || state.list.kept_since().is_some()
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

pub(super) fn on_tick(state: &mut State, now: Instant, fx: &mut Vec<Effect>) {
    // Countdowns, spinners and relative times all changed.
    super::search::on_tick(state, now, fx);
    super::poll::on_tick(state, now, fx);
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
