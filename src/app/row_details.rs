//! The details the list's tag and custom-field columns need (which columns
//! it shows: `State::shown_columns`). List rows carry neither tags nor fields: they come from
//! details already seen (the detail pane, PATCH answers: `triage::known`)
//! and, only while such a column is shown, from `GET /tickets/{id}` for
//! the rows on screen, in the background and lowest in priority: one
//! request at a time, only when nothing else is loading or waiting, none
//! during a rate-limit wait, and at most one per row per refresh interval
//! (again only when the row's `updated_at` moved or the last answer failed).
//! A `requester` column asks the rows' contacts the same way, through
//! `contacts` (which knows whether the server has the route).

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::Instant;
use uuid::Uuid;

use crate::api::types::{Ticket, TicketDetail};
use crate::columns::Column;

use super::msg::Effect;
use super::source::FetchError;
use super::state::{State, TablePane};

/// How often a row's detail may be asked when no refresh interval is set.
const FALLBACK_INTERVAL: Duration = Duration::from_secs(60);

/// The background details of the rows on screen.
#[derive(Debug, Clone, Default)]
pub struct RowDetails {
    /// When each row's detail was last asked, and its `updated_at` then.
    asked: HashMap<Uuid, (Instant, Option<DateTime<Utc>>)>,
    /// The one request on its way.
    in_flight: Option<Uuid>,
    /// The server has no `GET /tickets/{id}`: nothing more is asked.
    unsupported: bool,
    /// When each contact was last asked for a `requester` cell.
    contacts_asked: HashMap<Uuid, Instant>,
    /// The last contact asked for a cell (one at a time, like details).
    contact_in_flight: Option<Uuid>,
}

/// Asks for the next row's detail (or contact) if one is due and nothing
/// of higher priority is going on. Called by `update` after every
/// message while a column shows such cells.
pub(super) fn pump(state: &mut State, now: Instant, fx: &mut Vec<Effect>) {
    let contact_out = state
        .row_details
        .contact_in_flight
        .is_some_and(|id| state.contacts.is_asked(id));
    if state.row_details.in_flight.is_some() || contact_out || !quiet(state, fx) {
        return;
    }
    let columns = state.shown_columns();
    let every = super::poll::interval(state).unwrap_or(FALLBACK_INTERVAL);
    if columns.iter().any(|s| s.column.needs_detail()) && !state.row_details.unsupported {
        ask_detail(state, now, every, fx);
    }
    if columns.iter().any(|s| s.column == Column::Requester) && fx.is_empty() {
        ask_contact(state, now, every, fx);
    }
}

/// The rows on screen.
fn visible(state: &State) -> &[Ticket] {
    let tickets = state.list.table.tickets();
    let fit = state.areas().table_rows().max(1);
    let offset = state.list.offset.min(tickets.len().saturating_sub(fit));
    let end = (offset + fit).min(tickets.len());
    &tickets[offset..end]
}

fn ask_detail(state: &mut State, now: Instant, every: Duration, fx: &mut Vec<Effect>) {
    if !matches!(state.list.table, TablePane::Loaded(_)) {
        return;
    }
    let due = visible(state).iter().find(|t| {
        let known = state
            .triage
            .known
            .get(&t.id)
            .is_some_and(|k| k.tags.is_some() && k.fields.is_some());
        match state.row_details.asked.get(&t.id) {
            None => !known,
            Some((at, updated)) => {
                (!known || *updated != t.updated_at)
                    && at.checked_add(every).is_none_or(|next| next <= now)
            }
        }
    });
    if let Some(t) = due {
        let (id, updated) = (t.id, t.updated_at);
        state.row_details.asked.insert(id, (now, updated));
        state.row_details.in_flight = Some(id);
        fx.push(Effect::FetchRowDetail { id });
    }
}

/// The first row on screen whose contact is unknown and was not asked
/// within `every` (a contact that failed is not asked again at once).
fn ask_contact(state: &mut State, now: Instant, every: Duration, fx: &mut Vec<Effect>) {
    if state.contacts.route() == super::contacts::Route::Absent {
        return;
    }
    let asked = &state.row_details.contacts_asked;
    let due = visible(state)
        .iter()
        .filter_map(|t| t.contact_id)
        .find(|id| {
            state.contacts.display_name(*id).is_none()
                && !state.contacts.is_asked(*id)
                && asked
                    .get(id)
                    .is_none_or(|at| at.checked_add(every).is_some_and(|next| next <= now))
        });
    if let Some(id) = due {
        state.row_details.contacts_asked.insert(id, now);
        state.row_details.contact_in_flight = Some(id);
        let limited = state.rate_limit.is_some();
        state.contacts.want(Some(id), limited, fx);
    }
}

/// Nothing else is on its way or waiting: rows' details go last.
fn quiet(state: &State, fx: &[Effect]) -> bool {
    state.rate_limit.is_none()
        && state.list.loading_since.is_none()
        && !state.list.refreshing
        && state.list.in_flight.is_empty()
        && !super::detail::detail_loading(state)
        && super::triage::jobs::pending_ids(&state.triage).is_empty()
        && !fx.iter().any(is_request)
}

/// Effects that send a request: any of them this update goes first.
fn is_request(e: &Effect) -> bool {
    matches!(
        e,
        Effect::FetchPage { .. }
            | Effect::FetchDetail { .. }
            | Effect::FetchMessages { .. }
            | Effect::FetchContact { .. }
            | Effect::FetchRowDetail { .. }
            | Effect::LoadNames { .. }
            | Effect::UpdateTicket { .. }
            | Effect::PostMessage { .. }
            | Effect::FetchViewCount { .. }
    )
}

/// A row's detail arrived (or did not).
pub(super) fn on_loaded(
    state: &mut State,
    id: Uuid,
    result: Result<TicketDetail, FetchError>,
    now: Instant,
) {
    if state.row_details.in_flight == Some(id) {
        state.row_details.in_flight = None;
    }
    match result {
        Ok(detail) => super::triage::known::learn_detail(state, &detail),
        Err(FetchError::NotSupported) => state.row_details.unsupported = true,
        // Everything waits, this row asked again when the wait is over.
        Err(FetchError::RateLimited { retry_at }) => {
            state.row_details.asked.remove(&id);
            super::gate::gate(state, retry_at.max(now), None);
        }
        // Asked again after an interval.
        Err(_) => {}
    }
}
