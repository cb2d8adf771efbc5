//! Two lines: where we are (workspace · view or "custom filter") and the
//! filter's text form, each said once.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::RenderContext;
use crate::app::State;
use crate::filter::TicketFilter;
use crate::text::sanitize;

/// The second line when nothing filters.
pub const NO_FILTER: &str = "no filter: every ticket";

pub fn render(state: &State, ctx: &RenderContext, frame: &mut Frame, area: Rect) {
    let theme = &ctx.theme;
    let scope = &state.scope;
    let workspace = sanitize(&scope.workspace);
    let mut title = vec![Span::styled(" triage", theme.title())];
    if !workspace.is_empty() {
        title.push(Span::styled(" · ", theme.dim()));
        title.push(Span::raw(workspace.into_owned()));
    }
    // Sorting alone does not make a filter (the footer shows the sort).
    let unfiltered = TicketFilter {
        sort: None,
        order: None,
        ..state.list.filter.clone()
    }
    .is_empty();
    let view = match &scope.view {
        Some(view) => Some(sanitize(view).into_owned()),
        None if unfiltered => None,
        None => Some("custom filter".to_string()),
    };
    if let Some(view) = view {
        title.push(Span::styled(" · ", theme.dim()));
        title.push(Span::styled(view, theme.accent()));
        if crate::app::views::is_modified(state) {
            // The open view was changed since it was saved (`w` saves it).
            title.push(Span::styled("*", theme.accent()));
        }
    }
    let new = state.news.count(&state.list.query_key());
    if new > 0 {
        // The rows marked • below: `Tab` goes to them.
        title.push(Span::styled(" · ", theme.dim()));
        title.push(Span::styled(format!("{new} new"), theme.accent()));
    }
    if let Some(saved_at) = state.list.kept_since() {
        // Kept from an earlier run: read-only until the fresh page is in.
        title.push(Span::styled(" · ", theme.dim()));
        title.push(Span::styled(
            crate::app::state::kept_label(saved_at, ctx.wall_now),
            theme.error(),
        ));
    }
    let title = super::text::fit_spans(title, usize::from(area.width));

    let filter_line = if unfiltered {
        Line::styled(format!(" {NO_FILTER}"), theme.dim())
    } else {
        // The filter as it is now (sort keys included), in its text form:
        // what can be pasted into `triage list --filter` or a saved view.
        let room = usize::from(area.width).saturating_sub(9);
        let mut spans = vec![Span::styled(" filter: ", theme.dim())];
        spans.extend(super::filter_text::spans(state, theme, room));
        Line::from(spans)
    };
    frame.render_widget(Paragraph::new(vec![title, filter_line]), area);
}
