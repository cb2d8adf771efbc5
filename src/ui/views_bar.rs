//! One row under the header: every saved view with its key and count, the
//! open one highlighted, "3 new" beside a polled view with news.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::RenderContext;
use super::text::{fit, width};
use crate::app::State;
use crate::app::views::ViewEntry;
use crate::text::sanitize;

/// Names are shortened down to this many cells before the row is cut.
const MIN_NAME: usize = 6;

/// The count as the bar shows it: a number, "…" while the first one
/// loads, "!" when it failed, "·" before anything was asked.
pub fn count_label(entry: &ViewEntry) -> String {
    let c = &entry.count;
    match (c.total, &c.failed, c.pending) {
        (_, Some(_), None) => "!".into(),
        (Some(n), _, _) => n.to_string(),
        (None, _, Some(_)) => "…".into(),
        (None, _, None) => "·".into(),
    }
}

/// "3 new" for a polled view with news since the agent last looked.
pub fn new_label(entry: &ViewEntry) -> Option<String> {
    entry
        .count
        .new
        .filter(|n| *n > 0)
        .map(|n| format!("{n} new"))
}

struct Segment {
    key: Option<String>,
    name: String,
    count: String,
    new: Option<String>,
    active: bool,
}

impl Segment {
    fn width(&self, name_w: usize) -> usize {
        let key = self.key.as_ref().map_or(0, |k| width(k) + 1);
        let new = self.new.as_ref().map_or(0, |n| width(n) + 1);
        // " key name count new " and a separator.
        1 + key + name_w.min(width(&self.name)) + 1 + width(&self.count) + new + 1 + 1
    }
}

pub fn render(state: &State, ctx: &RenderContext, frame: &mut Frame, area: Rect) {
    let theme = &ctx.theme;
    let modified = crate::app::views::is_modified(state);
    let segments: Vec<Segment> = state
        .views
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| Segment {
            key: e.key_label(i).map(|k| sanitize(&k).into_owned()),
            name: sanitize(e.name()).into_owned(),
            count: count_label(e),
            new: new_label(e),
            active: state.views.active == Some(i),
        })
        .collect();
    let room = usize::from(area.width);
    // The longest names give way first, so every view keeps its key.
    let longest = segments.iter().map(|s| width(&s.name)).max().unwrap_or(0);
    let mut name_w = longest;
    while name_w > MIN_NAME && segments.iter().map(|s| s.width(name_w)).sum::<usize>() > room {
        name_w -= 1;
    }
    let mut spans = Vec::new();
    for (i, s) in segments.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled("│", theme.dim()));
        }
        let base = if s.active {
            theme.selected_row()
        } else {
            ratatui::style::Style::new()
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
    frame.render_widget(Paragraph::new(cut(spans, room)), area);
}

/// Cuts a row of spans at `max` cells, the last one ending in "…".
fn cut(spans: Vec<Span<'static>>, max: usize) -> Line<'static> {
    let mut used = 0;
    let mut out = Vec::with_capacity(spans.len());
    for span in spans {
        let w = width(&span.content);
        if used + w <= max {
            used += w;
            out.push(span);
            continue;
        }
        out.push(Span::styled(
            fit(&span.content, max - used).into_owned(),
            span.style,
        ));
        break;
    }
    Line::from(out)
}
