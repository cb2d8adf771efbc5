//! Rows changed in place: the optimistic copy of a ticket replaces the old
//! one wherever the screen can show it (the page on screen, cached pages,
//! the detail pane, the marks), so the change is visible at once and
//! paging away and back does not bring the old values back.
//!
//! A row never disappears here: one that left the filter is only dimmed,
//! until the next refresh (a new query generation), so the cursor stays
//! where the agent's fingers expect it.

use std::sync::Arc;

use crate::api::types::Ticket;
use crate::app::state::{State, TablePane};

/// Puts `ticket` everywhere its older copy is shown, and dims or undims it
/// by whether it still matches the current filter.
pub fn replace(state: &mut State, ticket: &Ticket) {
    if let TablePane::Loaded(view) = &mut state.list.table
        && let Some(pos) = view.tickets.iter().position(|t| t.id == ticket.id)
    {
        Arc::make_mut(&mut view.tickets)[pos] = ticket.clone();
    }
    state.list.cache.replace_ticket(ticket);
    if let Some(d) = state.detail.as_mut().filter(|d| d.ticket.id == ticket.id) {
        d.ticket = ticket.clone();
        if let crate::app::state::Loadable::Loaded(detail) = &mut d.detail {
            detail.ticket = ticket.clone();
        }
    }
    state.triage.marks.refresh(ticket);
    let catalog = state.names.catalog();
    let resolver = catalog.map(|c| c as &dyn crate::filter::Resolver);
    if super::change::still_matches(&state.list.filter, ticket, resolver) {
        state.triage.dimmed.remove(&ticket.id);
    } else {
        state.triage.dimmed.insert(ticket.id, state.list.query_gen);
    }
}

/// True when the row left the filter since the list was last fetched.
pub fn is_dimmed(state: &State, id: uuid::Uuid) -> bool {
    state
        .triage
        .dimmed
        .get(&id)
        .is_some_and(|g| *g == state.list.query_gen)
}
