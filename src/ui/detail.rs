//! The detail pane drawn: its lines are laid out by
//! [`crate::app::detail_layout`] (which `update` also measures to know
//! how far the pane scrolls); here they get the theme's colors and a border.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{RenderContext, Theme};
use crate::app::State;
pub use crate::app::detail::inner_width;
pub use crate::app::detail_layout::{COMPACT_BELOW, max_scroll};
use crate::app::detail_layout::{DetailLine, Tone, inner_height, lines, wrapped_for};

/// Where the view is in the content: "" when it all fits, else the last
/// visible line of the total and which way there is more ("↓ 16/40",
/// "↕ 30/40", "↑ 40/40").
pub fn scroll_position(scroll: usize, height: usize, total: usize) -> String {
    if total <= height {
        return String::new();
    }
    let last = (scroll + height).min(total);
    let arrow = match (scroll > 0, last < total) {
        (false, _) => "↓ more",
        (true, true) => "↕",
        (true, false) => "↑ end",
    };
    format!(" {arrow} {last}/{total} ")
}

pub fn render(state: &State, ctx: &RenderContext, frame: &mut Frame, area: Rect) {
    let Some(pane) = &state.detail else {
        return;
    };
    let theme = &ctx.theme;
    let (inner_w, inner_h) = (inner_width(area), inner_height(area));
    let wrapped = wrapped_for(pane, inner_w);
    let content = lines(
        state,
        pane,
        &wrapped,
        ctx.wall_now,
        inner_w,
        inner_h < COMPACT_BELOW,
    );
    let total = content.len();
    let max_scroll = total.saturating_sub(inner_h);
    let scroll = pane.scroll.min(max_scroll);
    let shown: Vec<Line> = content
        .window(scroll, inner_h)
        .into_iter()
        .map(|l| line(l, theme))
        .collect();

    let t = &pane.ticket;
    let title = format!(" #{} ", t.ticket_number);
    let position = scroll_position(scroll, inner_h, total);
    super::popup::clear(frame, area);
    frame.render_widget(
        Paragraph::new(shown).block(
            Block::new()
                .borders(Borders::ALL)
                .border_style(theme.border())
                .title(Span::styled(title, theme.title()))
                .title_bottom(Line::styled(position, theme.dim()).right_aligned()),
        ),
        area,
    );
}

/// A laid-out line in the theme's colors.
fn line<'w>(l: DetailLine<'w>, theme: &Theme) -> Line<'w> {
    let spans: Vec<Span<'w>> = l
        .pieces
        .into_iter()
        .flat_map(|p| {
            let fill = match &p.tone {
                Tone::Badge { color, category } => {
                    Some(Theme::status_fill(color.as_deref(), category))
                }
                Tone::Tag { color } => Some(theme.tag_fill(color.as_deref())),
                _ => None,
            };
            // A badge that melts into the background: edges for its padding.
            let text = p.text.as_ref();
            match fill {
                Some(fill) if theme.edge(fill, theme.palette.background).is_some() => theme
                    .badge_spans(
                        text.strip_prefix(' ')
                            .and_then(|t| t.strip_suffix(' '))
                            .unwrap_or(text),
                        fill,
                        theme.palette.background,
                    ),
                _ => vec![Span::styled(p.text, style(&p.tone, theme))],
            }
        })
        .collect();
    Line::from(spans).style(style(&l.tone, theme))
}

fn style(tone: &Tone, theme: &Theme) -> Style {
    match tone {
        Tone::Plain => Style::new(),
        Tone::Title => theme.title(),
        Tone::Dim => theme.dim(),
        Tone::Accent => theme.accent(),
        Tone::Error => theme.error(),
        Tone::ColumnHeader => theme.column_header(),
        Tone::Badge { color, category } => theme.badge(color.as_deref(), category),
        Tone::Priority { color, level } => theme.priority(color.as_deref(), level),
        Tone::Tag { color } => theme.tag(color.as_deref()),
    }
}
