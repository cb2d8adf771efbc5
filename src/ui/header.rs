//! Two lines: where we are (workspace, view) and the filter's text form.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::RenderContext;
use super::text::fit;
use crate::app::State;
use crate::text::sanitize;

pub fn render(state: &State, ctx: &RenderContext, frame: &mut Frame, area: Rect) {
    let theme = &ctx.theme;
    let scope = &state.scope;
    let workspace = sanitize(&scope.workspace);
    let view = sanitize(state.view_label());
    let mut title = vec![Span::styled(" triage", theme.title())];
    if !workspace.is_empty() {
        title.push(Span::styled(" · ", theme.dim()));
        title.push(Span::raw(workspace.into_owned()));
    }
    title.push(Span::styled(" · ", theme.dim()));
    title.push(Span::styled(view.into_owned(), theme.accent()));

    // The filter as it is now (sort keys included), in its text form.
    let text = state.filter.to_string();
    let filter = sanitize(&text);
    let filter = if filter.trim().is_empty() {
        "(all tickets)".into()
    } else {
        filter
    };
    let room = usize::from(area.width).saturating_sub(9);
    let filter_line = Line::from(vec![
        Span::styled(" filter: ", theme.dim()),
        Span::raw(fit(&filter, room).into_owned()),
    ]);
    frame.render_widget(Paragraph::new(vec![Line::from(title), filter_line]), area);
}
