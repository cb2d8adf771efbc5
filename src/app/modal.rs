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

/// What a modal's key handler says should become of it. The handler gets
/// `&mut` its own dialog (taken out of `State::modal` while the key is
/// handled) and returns this; `keys::on_key` is the one place that puts
/// the dialog back, so a forgotten re-insert cannot close it silently.
///
/// A modal opened by the key's own work (a confirmation after a pick, the
/// progress of a run, its report) is newer than the dialog that asked for
/// it and stays open: `Stay` and `Close` leave it alone.
// Returned once per key and applied at once: its size costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum DialogOutcome {
    /// The dialog stays open, as the handler left it.
    Stay,
    /// The dialog is done (what was under it is the list again).
    Close,
    /// Another modal takes its place (the next step of the same question,
    /// or what was under help).
    Replace(Modal),
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
