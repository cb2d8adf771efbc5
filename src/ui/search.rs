//! The `/` search line: drawn over the footer's key-hint row, so the status
//! row above it keeps counting the results while you type. The syntax
//! hints name what the server understands (websearch syntax).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::RenderContext;
use super::input_line;
use super::text::width;
use crate::app::State;

/// Narrowest input kept before the hints give way.
const MIN_INPUT: usize = 24;

pub fn render(state: &State, ctx: &RenderContext, frame: &mut Frame, footer: Rect) {
    let Some(search) = state.search() else {
        return;
    };
    if footer.height == 0 {
        return;
    }
    let theme = &ctx.theme;
    let row = Rect::new(footer.x, footer.bottom() - 1, footer.width, 1);
    super::popup::clear(frame, row);
    // `status:open` typed here is searched as words: say where it belongs.
    let filter_key = search.input.value().split_whitespace().find_map(|w| {
        let (key, _) = w.trim_start_matches('-').split_once(':')?;
        let key = key.to_ascii_lowercase();
        crate::filter::text::KEYS
            .contains(&key.as_str())
            .then_some(key)
    });
    let hints: Vec<Span> = if let Some(key) = filter_key {
        vec![
            Span::styled(format!("{key}: is searched as text · "), theme.dim()),
            Span::styled(":", theme.key()),
            Span::styled(" filters by it ", theme.dim()),
        ]
    } else {
        let mut hints = vec![
            Span::styled("\"phrase\"", theme.key()),
            Span::styled("  ", theme.dim()),
            Span::styled("or", theme.key()),
            Span::styled("  ", theme.dim()),
            Span::styled("-word", theme.key()),
            Span::styled("   ", theme.dim()),
            Span::styled("Enter", theme.key()),
            Span::styled(" keep  ", theme.dim()),
            Span::styled("Esc", theme.key()),
            Span::styled(" restore ", theme.dim()),
        ];
        if !state.search_history.is_empty() {
            // Searches kept from before (this run or earlier ones).
            hints.push(Span::styled(" ↑", theme.key()));
            hints.push(Span::styled(" history ", theme.dim()));
        }
        hints
    };
    let hints_w: usize = hints.iter().map(|s| width(&s.content)).sum();
    let mut input_area = row;
    if usize::from(row.width) >= hints_w + MIN_INPUT {
        let w = hints_w as u16;
        input_area.width -= w;
        frame.render_widget(
            Paragraph::new(Line::from(hints)),
            Rect::new(row.right() - w, row.y, w, 1),
        );
    }
    input_line::render(
        frame,
        input_area,
        Span::styled(" / ", theme.key()),
        &search.input,
        Style::default(),
        &[],
        true,
    );
}
