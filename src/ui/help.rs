//! The `?` overlay, generated from the keymap so it cannot drift: keys under
//! their section headings, in as many columns as the screen holds, and
//! scrolled with the movement keys when even that is not enough.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::RenderContext;
use super::text::{fit, width};
use crate::app::State;
use crate::text::sanitize;

/// Narrowest description worth a column of its own.
const MIN_DESC: usize = 34;

enum Row {
    Heading(&'static str),
    Key(String, &'static str),
}

pub fn render(state: &State, ctx: &RenderContext, frame: &mut Frame, screen: Rect) {
    let theme = &ctx.theme;
    let mut rows: Vec<Row> = Vec::new();
    for (section, keys) in state.keymap.help_sections(&state.hidden_actions()) {
        rows.push(Row::Heading(section));
        // Key labels come from the config file: sanitized like server text.
        rows.extend(
            keys.into_iter()
                .map(|(k, d)| Row::Key(sanitize(&k).into_owned(), d)),
        );
    }
    rows.push(Row::Heading("Also"));
    for (k, d) in [
        ("(detail open)", "movement keys scroll the detail"),
        ("Ctrl-z", "suspend to the shell (fg to come back)"),
        ("wheel / click", "scroll / select a row"),
    ] {
        rows.push(Row::Key(k.into(), d));
    }

    let key_w = rows
        .iter()
        .map(|r| match r {
            Row::Key(k, _) => width(k),
            Row::Heading(_) => 0,
        })
        .max()
        .unwrap_or(0);
    let desc_w = rows
        .iter()
        .map(|r| match r {
            Row::Key(_, d) => width(d),
            Row::Heading(h) => width(h),
        })
        .max()
        .unwrap_or(0);
    let avail_w = usize::from(screen.width.saturating_sub(2));
    let avail_h = usize::from(screen.height.saturating_sub(2)).max(1);
    // One column: " key  description "; more only when each keeps a
    // readable description.
    let col_full = key_w + desc_w + 4;
    let col_min = key_w + MIN_DESC.min(desc_w) + 4;
    let max_cols = (avail_w / col_min.max(1)).max(1);
    let cols = rows.len().div_ceil(avail_h).clamp(1, max_cols);
    let splits = split_columns(&rows, cols);
    let col_h = splits.iter().map(|c| c.len()).max().unwrap_or(0);
    let col_w = col_full.min(avail_w / cols);
    let w = (col_w * cols + 2).min(usize::from(screen.width)) as u16;
    let h = (col_h + 2).min(usize::from(screen.height)) as u16;
    let area = Rect::new(
        screen.x + (screen.width - w) / 2,
        screen.y + (screen.height - h) / 2,
        w,
        h,
    );
    let inner_h = usize::from(h.saturating_sub(2));
    let max_scroll = col_h.saturating_sub(inner_h);
    state.help_max_scroll.set(max_scroll);
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
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let desc_room = col_w.saturating_sub(key_w + 4);
    for (i, column) in splits.iter().enumerate() {
        let x = inner.x + (i * col_w) as u16;
        if x >= inner.x + inner.width {
            break;
        }
        let lines: Vec<Line> = column
            .iter()
            .skip(scroll)
            .take(inner_h)
            .map(|row| match row {
                Row::Heading(h) => Line::styled(
                    format!(" {}", fit(h, col_w.saturating_sub(1))),
                    theme.column_header().add_modifier(Modifier::UNDERLINED),
                ),
                Row::Key(k, d) => {
                    let pad = " ".repeat(key_w.saturating_sub(width(k)));
                    Line::from(vec![
                        Span::raw(" "),
                        Span::styled(format!("{k}{pad}"), theme.key()),
                        Span::raw("  "),
                        Span::raw(fit(d, desc_room).into_owned()),
                    ])
                }
            })
            .collect();
        let cw = (col_w as u16).min(inner.x + inner.width - x);
        frame.render_widget(
            Paragraph::new(lines),
            Rect::new(x, inner.y, cw, inner.height),
        );
    }
}

/// Splits rows into `cols` columns of about equal height, never leaving a
/// heading at the foot of a column with its keys in the next.
fn split_columns(rows: &[Row], cols: usize) -> Vec<&[Row]> {
    let target = rows.len().div_ceil(cols.max(1));
    let mut out = Vec::new();
    let mut rest = rows;
    while !rest.is_empty() {
        if out.len() + 1 == cols {
            out.push(rest);
            break;
        }
        let mut cut = target.min(rest.len());
        // Move a trailing heading to the next column, and start a column at
        // a heading when one is just below the cut.
        if cut < rest.len() && matches!(rest[cut - 1], Row::Heading(_)) {
            cut -= 1;
        } else if cut + 1 < rest.len() && matches!(rest[cut + 1], Row::Heading(_)) {
            cut += 1;
        }
        let cut = cut.max(1);
        out.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    out
}
