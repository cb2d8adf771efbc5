//! The rate-limit banner: a live countdown and what is waiting for it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::RenderContext;
use super::text::{countdown, fit};
use crate::app::State;
use crate::app::keymap::Action;
use crate::app::state::NamesStatus;
use crate::text::sanitize;

pub fn render(state: &State, ctx: &RenderContext, frame: &mut Frame, area: Rect) {
    let Some(rl) = &state.rate_limit else {
        return;
    };
    let left = rl.until.saturating_duration_since(ctx.now);
    let mut text = format!(" rate limited · retrying in {}", countdown(left));
    let mut waiting: Vec<String> = rl
        .waiting
        .iter()
        .map(|w| state.describe_waiting(*w))
        .collect();
    if state.names_status == NamesStatus::Incomplete {
        // Loaded again when the window ends; ids stand in meanwhile.
        waiting.push("names".into());
    }
    if !waiting.is_empty() {
        text.push_str(" · waiting: ");
        text.push_str(&waiting.join(", "));
    }
    let retry = state.keymap.label(Action::Refresh);
    if !retry.is_empty() {
        text.push_str(&format!(" · {retry} retry now"));
    }
    // The view name comes from the config file: sanitized like the rest.
    let text = fit(&sanitize(&text), usize::from(area.width)).into_owned();
    frame.render_widget(
        Paragraph::new(Line::from(Span::raw(text))).style(ctx.theme.banner()),
        area,
    );
}
