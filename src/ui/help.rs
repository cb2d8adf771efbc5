//! The `?` overlay, generated from the keymap so it cannot drift: keys under
//! their section headings, in as many columns as the screen holds, long
//! descriptions wrapped under themselves, and scrolled with the movement
//! keys when even that is not enough (layout: `app::help`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::RenderContext;
use super::text::{fit, width};
use crate::app::State;
use crate::app::help::{HelpLayout, HelpLine, help_layout};
use crate::text::sanitize;

pub fn render(state: &State, ctx: &RenderContext, frame: &mut Frame, screen: Rect) {
    let theme = &ctx.theme;
    let HelpLayout {
        columns,
        key_w,
        col_w,
        col_h,
        area,
        inner_h,
        max_scroll,
    } = help_layout(state, screen);
    let scroll = state.help().map_or(0, |h| h.scroll).min(max_scroll);

    let close = sanitize(&format!(
        " {} or {} closes ",
        state.keymap.label(crate::app::Action::Back),
        state.keymap.label(crate::app::Action::Help)
    ))
    .into_owned();
    let mut block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(" keys ", theme.title()))
        .title_bottom(Line::styled(close, theme.dim()).right_aligned());
    if max_scroll > 0 {
        let more = format!(
            " j/k scroll · {}-{} of {} ",
            scroll + 1,
            (scroll + inner_h).min(col_h),
            col_h
        );
        block = block.title_bottom(Line::styled(more, theme.dim()).left_aligned());
    }
    let inner = block.inner(area);
    super::popup::clear(frame, area);
    frame.render_widget(block, area);
    let desc_room = col_w.saturating_sub(key_w + 4);
    for (i, column) in columns.iter().enumerate() {
        let x = inner.x + (i * col_w) as u16;
        if x >= inner.x + inner.width {
            break;
        }
        let blank_key = " ".repeat(key_w);
        let lines: Vec<Line> = column
            .iter()
            .skip(scroll)
            .take(inner_h)
            .map(|line| match line {
                HelpLine::Heading(h) => Line::styled(
                    format!(" {}", fit(h, col_w.saturating_sub(1))),
                    theme.column_header().add_modifier(Modifier::UNDERLINED),
                ),
                HelpLine::Key(k, d) => {
                    let pad = " ".repeat(key_w.saturating_sub(width(k)));
                    Line::from(vec![
                        Span::raw(" "),
                        Span::styled(format!("{k}{pad}"), theme.key()),
                        Span::raw("  "),
                        Span::raw(fit(d, desc_room).into_owned()),
                    ])
                }
                HelpLine::More(d) => Line::from(vec![
                    Span::raw(" "),
                    Span::raw(blank_key.clone()),
                    Span::raw("  "),
                    Span::raw(fit(d, desc_room).into_owned()),
                ]),
            })
            .collect();
        let cw = (col_w as u16).min(inner.x + inner.width - x);
        frame.render_widget(
            Paragraph::new(lines),
            Rect::new(x, inner.y, cw, inner.height),
        );
    }
}
