//! Which columns the list shows, and the details its tag and custom-field
//! columns need. List rows carry neither tags nor fields: they come from
//! details already seen (the detail pane, PATCH answers: `triage::known`)
//! and, only while such a column is shown, from `GET /tickets/{id}` for
//! the rows on screen, in the background and lowest in priority.

use crate::columns::{ColumnSpec, resolve};

use super::state::State;

/// The open view's own `columns` when it has usable ones, else `[ui]
/// columns` (today's six by default).
pub fn shown_columns(state: &State) -> Vec<ColumnSpec> {
    let own = state
        .views
        .active_entry()
        .and_then(|e| e.view.columns.as_deref())
        .map(|entries| resolve(entries).0)
        .filter(|specs| !specs.is_empty());
    own.unwrap_or_else(|| state.columns.clone())
}
