//! One row under the header: every saved view with its key and count, the
//! open one highlighted (and starred when modified), "3 new" beside a
//! polled view with news. Geometry comes from `app::views::bar`, which
//! clicks use too.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

use super::RenderContext;
use super::text::fit;
use crate::app::State;
use crate::app::views::bar::layout;

pub use crate::app::views::bar::{count_label, new_label};

pub fn render(state: &State, ctx: &RenderContext, frame: &mut Frame, area: Rect) {
    let theme = &ctx.theme;
    if state.views.entries.is_empty()
        && let Some(broken) = &state.views.broken
    {
        // Stays in sight until the file is fixed: nothing can be saved.
        let line = format!(
            " views unavailable: {} (fix the file, then restart)",
            crate::text::sanitize(broken)
        );
        frame.render_widget(
            Paragraph::new(Span::styled(
                fit(&line, usize::from(area.width)).into_owned(),
                theme.error(),
            )),
            area,
        );
        return;
    }
    let modified = crate::app::views::is_modified(state);
    let room = usize::from(area.width);
    let (segments, name_w) = layout(state, room);
    let mut spans = Vec::new();
    for (i, s) in segments.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled("│", theme.dim()));
        }
        let base = if s.active {
            theme.selected_row()
        } else {
            Style::new()
        };
        spans.push(Span::styled(" ", base));
        if let Some(k) = &s.key {
            spans.push(Span::styled(k.clone(), theme.key().patch(base)));
            spans.push(Span::styled(" ", base));
        }
        let mut name = fit(&s.name, name_w).into_owned();
        if s.active && modified {
            name.push('*');
        }
        spans.push(Span::styled(name, base));
        spans.push(Span::styled(" ", base));
        spans.push(Span::styled(s.count.clone(), theme.dim().patch(base)));
        if let Some(new) = &s.new {
            spans.push(Span::styled(" ", base));
            spans.push(Span::styled(new.clone(), theme.accent().patch(base)));
        }
        spans.push(Span::styled(" ", base));
    }
    frame.render_widget(Paragraph::new(super::text::fit_spans(spans, room)), area);
}
