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
    // ten times a second). Nor do keys and clicks: while the panes are open
    // they take every key and sync themselves after it (and when they
    // open), and a click over them does nothing.
    let panes_may_change = !matches!(
        msg,
        Msg::Tick
            | Msg::Resize(..)
            | Msg::Resumed
            | Msg::ViewCount { .. }
            | Msg::Focus(_)
            | Msg::Key(_)
            | Msg::Mouse(_)
    );
    // Counts go out from their queue (checked after the message), so with
    // nothing queued only these give them work: the clock making a poll due
    // (`next_wake` schedules a Tick for it; a key at that moment leaves the
    // poll to that Tick, right after it), an answer freeing a slot or
    // correcting the open view's total, the list's page arriving (the list
    // is no longer busy; the open view's total comes with it), view edits
    // (counts queued, the open view changed) and the start. A page shown
    // from the cache syncs the open view's total where it is shown.
    let counts_may_be_due = matches!(
        msg,
        Msg::Tick
            | Msg::ViewCount { .. }
            | Msg::PageLoaded { .. }
            | Msg::ViewsEdited { .. }
            | Msg::Start
    );
    let title_before = title_inputs(state);
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
            if let Some(retry_at) = state.contacts.on_loaded(id, result, &mut fx) {
                super::gate::gate(state, retry_at, None);
            }
            super::triage::canned::on_contact(state, &mut fx);
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
                state.news.own_write(&ticket.ticket);
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
        } => {
            if let Some(retry_at) = state.views.on_count(name, generation, result, now) {
                super::gate::gate(state, retry_at, None);
            }
        }
        Msg::ViewsEdited { edit, result } => views::on_edited(state, edit, result, now),
        Msg::Exiting => fx.push(Effect::Quit),
    }
    // A `U` pressed while its action was still being saved waits for that
    // action's last answer, which comes in any of the messages that end
    // jobs (answers, a 429's wait ending, `Esc`); until then the flag is all
    // there is to check. Run here, not where a job finishes, so the write
    // queue never calls back into the actions that start jobs.
    if state.triage.undo_queued {
        super::triage::undo::run_queued(state, &mut fx);
    }
    // Names, tickets or filter errors may have arrived for the open panes'
    // lists; with no panes open there is nothing to keep in step.
    if panes_may_change && state.filter_panel().is_some() {
        super::filter_panel::sync(state);
    }
    // Counts of saved views go last, after whatever the list asked for (see
    // `counts_may_be_due` for why these messages).
    if counts_may_be_due || !state.views.scheduler.queue.is_empty() {
        views::pump_counts(state, now, &mut fx);
    }
    // The rows' tags, fields and requesters last of all, and only while a
    // column shows them. Not by message: a row asked before is due again
    // after an interval that no timer marks, so whatever message comes
    // next (a key, an answer) may find it due.
    if state
        .shown_columns()
        .iter()
        .any(|s| s.column.fetched_per_row())
    {
        super::row_details::pump(state, now, &mut fx);
    }
    // What the detail is wrapped from (its subject, its messages, the
    // pane's width) changes in many places: answers, optimistic rows, a
    // resize, the side panel opening. The check is three comparisons; with
    // no detail open there is nothing to wrap.
    if state.detail.is_some() {
        rewrap_detail(state);
    }
    // The title counts the new rows of the current query: it changes only
    // with the marks, with the query (every change of filter, sort or page
    // size starts a new `query_gen`), or when the terminal lost it.
    if title_inputs(state) != title_before {
        let query = state.list.query_key();
        fx.extend(state.news.title_to_write(&query).map(Effect::SetTitle));
    }
    // Whatever quits, where the agent was is remembered first: a quit is
    // decided by a key (`q`, Ctrl-c, `q` in help) or `Msg::Exiting`, and
    // this finds it among the effects wherever it was decided.
    if fx.contains(&Effect::Quit) {
        super::persist::before_quit(state, clock, &mut fx);
    }
    fx
}

/// What the terminal title is worked out from (see `News::title_to_write`).
fn title_inputs(state: &State) -> (u64, usize, bool) {
    (
        state.list.query_gen,
        state.news.marked.len(),
        state.news.title_shown.is_none(),
    )
}

/// The agent acted on the list: the row under the cursor has been seen
/// (whatever moved it there), as long as the list has the keys. Only a
/// marked row can be seen: with no marks there is nothing to clear.
fn cursor_seen(state: &mut State) {
    if state.modal.is_none() && !state.news.marked.is_empty() {
        super::list::selected_seen(state);
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
    if let Some(poll) = state.views.next_count_due() {
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
