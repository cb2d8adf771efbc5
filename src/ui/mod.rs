//! Drawing: a pure function of `app::State` and a `RenderContext` (clock and
//! theme passed in, so tests are deterministic). One file per pane.

pub mod banner;
pub mod color;
pub mod detail;
pub mod filter_line;
pub mod filter_panel;
pub mod filter_text;
pub mod footer;
pub mod header;
pub mod help;
pub mod input_line;
pub mod palette;
pub mod picker;
pub mod popup;
pub mod row_columns;
pub mod search;
pub mod send;
pub mod table;
pub mod text;
pub mod theme;
pub mod triage;
pub mod views_bar;
pub mod views_list;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use tokio::time::Instant;

use crate::app::State;
pub use color::ColorMode;
pub use theme::Theme;

/// What a frame depends on besides the state.
#[derive(Debug, Clone, Copy)]
pub struct RenderContext {
    /// Monotonic now: countdowns and the spinner.
    pub now: Instant,
    /// Wall-clock now: relative times of tickets.
    pub wall_now: DateTime<Utc>,
    pub theme: Theme,
}

pub fn render(state: &State, ctx: &RenderContext, frame: &mut Frame) {
    let areas = state.areas();
    header::render(state, ctx, frame, areas.header);
    if let Some(area) = areas.views_bar {
        views_bar::render(state, ctx, frame, area);
    }
    if let Some(area) = areas.banner {
        banner::render(state, ctx, frame, area);
    }
    if !areas.detail_covers_table() && !areas.side_panel_covers_table() {
        table::render(state, ctx, frame, areas.table);
    }
    if let Some(area) = areas.detail {
        detail::render(state, ctx, frame, area);
    }
    if let Some(area) = areas.side_panel {
        filter_panel::render(state, ctx, frame, area);
    }
    footer::render(state, ctx, frame, areas.footer);
    search::render(state, ctx, frame, areas.footer);
    filter_line::render(state, ctx, frame, areas.footer);
    triage::render(state, ctx, frame, frame.area());
    views_list::render(state, ctx, frame, frame.area());
    if state.help().is_some() {
        help::render(state, ctx, frame, frame.area());
    }
}

/// Braille spinner frame for something loading since `since`.
pub fn spinner(since: Instant, now: Instant) -> char {
    const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let ticks = now.saturating_duration_since(since).as_millis()
        / crate::app::update::SPINNER_FRAME.as_millis().max(1);
    FRAMES[(ticks % FRAMES.len() as u128) as usize]
}
