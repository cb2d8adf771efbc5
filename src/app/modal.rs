//! What takes the keys while it is open: at most one thing at a time, so
//! routing is one `match` in `update` and no feature looks at another's
//! fields to decide whether a key is its own.

use super::filter_line::FilterLine;
use super::filter_panel::FilterPanel;
use super::search::SearchBox;

/// Every overlay and input line. `None` in `State::modal` means the list
/// (and the detail beside it) has the keys and the mouse.
// One value in `State`, never in a collection: its size costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Modal {
    /// `?`: the key table; over the filter panes it keeps them as they were.
    Help(Help),
    /// `/`: search as you type.
    Search(SearchBox),
    /// `:`: the filter line.
    FilterLine(FilterLine),
    /// `f`: the filter panes.
    FilterPanel(Box<FilterPanel>),
    /// Triage pickers, the snooze input, confirmations, progress, reports.
    Triage(super::triage::Dialog),
    /// The views list (`v`) and the name prompt (`w`).
    Views(super::views::Dialog),
}

#[derive(Debug, Default)]
pub struct Help {
    /// First line shown (when it needs scrolling).
    pub scroll: usize,
    /// What was open when `?` was pressed, back when help closes.
    pub under: Option<Box<Modal>>,
}

impl Modal {
    /// The filter panes, open or under help.
    pub fn filter_panel(&self) -> Option<&FilterPanel> {
        match self {
            Modal::FilterPanel(panel) => Some(panel),
            Modal::Help(Help { under: Some(m), .. }) => m.filter_panel(),
            _ => None,
        }
    }

    /// The filter panes, open or under help (kept in step with names and
    /// pages that arrive while help is read).
    pub fn filter_panel_mut(&mut self) -> Option<&mut FilterPanel> {
        match self {
            Modal::FilterPanel(panel) => Some(panel),
            Modal::Help(Help { under: Some(m), .. }) => m.filter_panel_mut(),
            _ => None,
        }
    }
}
