//! The `?` overlay, generated from the keymap so it cannot drift.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::RenderContext;
use super::text::{fit, width};
use crate::app::State;
use crate::text::sanitize;

pub fn render(state: &State, ctx: &RenderContext, frame: &mut Frame, screen: Rect) {
    let theme = &ctx.theme;
    // Key labels come from the config file: sanitized like server text.
    let mut rows: Vec<(String, &str)> = state
        .keymap
        .help_rows(&state.hidden_actions())
        .into_iter()
        .map(|(k, d)| (sanitize(&k).into_owned(), d))
        .collect();
    rows.push(("(detail open)".into(), "movement keys scroll the detail"));
    rows.push(("Ctrl-z".into(), "suspend to the shell (fg to come back)"));
    rows.push(("wheel / click".into(), "scroll / select a row"));
    // Too many rows for the screen: say so instead of cutting silently.
    let fit_rows = usize::from(screen.height.saturating_sub(2));
    if rows.len() > fit_rows && fit_rows > 0 {
        rows.truncate(fit_rows - 1);
        rows.push(("…".into(), "more keys: make the terminal taller"));
    }
    let key_w = rows.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    let desc_w = rows.iter().map(|(_, d)| width(d)).max().unwrap_or(0);
    let w = (key_w + desc_w + 6).min(usize::from(screen.width)) as u16;
    let h = (rows.len() + 2).min(usize::from(screen.height)) as u16;
    let area = Rect::new(
        screen.x + (screen.width - w) / 2,
        screen.y + (screen.height - h) / 2,
        w,
        h,
    );
    let inner_w = usize::from(w.saturating_sub(2));
    let lines: Vec<Line> = rows
        .into_iter()
        .map(|(k, d)| {
            let pad = " ".repeat(key_w.saturating_sub(width(&k)));
            let desc = fit(d, inner_w.saturating_sub(key_w + 3)).into_owned();
            Line::from(vec![
                Span::raw(" "),
                Span::styled(format!("{k}{pad}"), theme.key()),
                Span::raw("  "),
                Span::raw(desc),
            ])
        })
        .collect();
    let close = sanitize(&format!(
        " {} or {} closes ",
        state.keymap.label(crate::app::Action::Back),
        state.keymap.label(crate::app::Action::Help)
    ))
    .into_owned();
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::new()
                .borders(Borders::ALL)
                .border_style(theme.border())
                .title(Span::styled(" keys ", theme.title()))
                .title_bottom(Line::styled(close, theme.dim()).right_aligned()),
        ),
        area,
    );
}
