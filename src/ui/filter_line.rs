//! The `:` filter line: a panel over the bottom of the screen (footer
//! included) with the editable text form, carets under a token the parser
//! refused, the server's word on tokens it rejected (400), and the Tab
//! completion list (the shared picker) above the word being completed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::RenderContext;
use super::input_line::{self, Placed, caret_row, column_of};
use super::picker::{PickerLook, render as render_picker};
use super::text::{width, wrap};
use crate::app::State;
use crate::app::filter_line::{FilterLine, server_errors};
use crate::app::filter_tokens::spans_for_param;
use crate::app::keymap::Action;
use crate::filter::format;
use crate::text::sanitize;

/// Server errors listed at most (the rest are counted).
const MAX_SERVER_ROWS: usize = 3;
/// Rows a parse error's message may wrap to.
const MAX_MESSAGE_ROWS: usize = 3;
/// Completion candidates shown at once (the list scrolls).
const MENU_ROWS: u16 = 8;

pub fn render(state: &State, ctx: &RenderContext, frame: &mut Frame, footer: Rect) {
    let Some(line) = state.filter_line() else {
        return;
    };
    let theme = &ctx.theme;
    let screen = frame.area();
    let server = server_errors(state);
    let mut message_rows: Vec<Line> = Vec::new();
    // Messages wrap (under one space of margin) rather than lose their end,
    // which is usually the part that says what to write instead.
    let wrap_width = usize::from(footer.width).saturating_sub(2).max(1);
    if let Some(err) = &line.error {
        for part in wrap(&sanitize(&err.message), wrap_width)
            .into_iter()
            .take(MAX_MESSAGE_ROWS)
        {
            message_rows.push(Line::styled(format!(" {part}"), theme.error()));
        }
    } else {
        for (_, message) in server.iter().take(MAX_SERVER_ROWS) {
            let text = format!("server: {}", sanitize(message));
            for part in wrap(&text, wrap_width).into_iter().take(2) {
                message_rows.push(Line::styled(format!(" {part}"), theme.error()));
            }
        }
        if server.len() > MAX_SERVER_ROWS {
            message_rows.push(Line::styled(
                format!(" and {} more", server.len() - MAX_SERVER_ROWS),
                theme.dim(),
            ));
        }
    }
    // Carets go under the parser's token, else under what the server refused.
    let caret_spans: Vec<_> = match &line.error {
        Some(err) => vec![err.span.clone()],
        None => server.iter().flat_map(|(s, _)| s.iter().cloned()).collect(),
    };
    let caret = u16::from(!caret_spans.is_empty());
    // Rule, input, carets, messages, hints; never over the header.
    let wanted = 3 + caret + message_rows.len() as u16;
    let bottom = footer.bottom();
    let height = wanted.min(bottom.saturating_sub(screen.y + 2)).max(1);
    let panel = Rect::new(footer.x, bottom - height, footer.width, height);
    super::popup::clear(frame, panel);
    let mut y = panel.y;
    let mut row = |frame: &mut Frame, l: Line| {
        if y < panel.bottom() {
            frame.render_widget(Paragraph::new(l), Rect::new(panel.x, y, panel.width, 1));
        }
        y += 1;
    };
    let rule = format!(
        "─ filter {}",
        "─".repeat(usize::from(panel.width).saturating_sub(9))
    );
    row(frame, Line::styled(rule, theme.border()));
    let input_y = panel.y + 1;
    if input_y >= panel.bottom() {
        return;
    }
    // Tokens the server refused are marked in the text itself.
    let marked = theme.error().add_modifier(Modifier::UNDERLINED);
    let marks: Vec<_> = server
        .iter()
        .flat_map(|(spans, _)| spans.iter().cloned())
        .map(|r| (r, marked))
        .collect();
    let placed = input_line::render(
        frame,
        Rect::new(panel.x, input_y, panel.width, 1),
        Span::styled(" : ", theme.key()),
        &line.input,
        Style::default(),
        &marks,
        true,
    );
    y = input_y + 1;
    if caret == 1 {
        for span in &caret_spans {
            let (x, carets) = caret_row(line.input.value(), span, placed);
            if y < panel.bottom() && x < panel.right() {
                let w = (width(&carets) as u16).min(panel.right() - x);
                frame.render_widget(
                    Paragraph::new(Span::styled(carets, theme.error())),
                    Rect::new(x, y, w, 1),
                );
            }
        }
        y += 1;
    }
    for l in message_rows {
        let l = fit_line(l, usize::from(panel.width));
        if y < panel.bottom().saturating_sub(1) {
            frame.render_widget(Paragraph::new(l), Rect::new(panel.x, y, panel.width, 1));
        }
        y += 1;
    }
    if panel.height >= 3 {
        frame.render_widget(
            Paragraph::new(hints(
                line,
                !state.filter_history.is_empty(),
                ctx,
                usize::from(panel.width),
            )),
            Rect::new(panel.x, panel.bottom() - 1, panel.width, 1),
        );
    }
    render_menu(line, ctx, frame, placed, panel);
}

/// The key hints, or what the last key did.
fn hints(line: &FilterLine, history: bool, ctx: &RenderContext, room: usize) -> Line<'static> {
    let theme = &ctx.theme;
    let picking = line.menu.as_ref().map(|m| m.selected.is_some());
    let pairs: &[(&str, &str)] = if picking == Some(true) {
        &[
            ("Tab", " next  "),
            ("Shift-Tab", " previous  "),
            ("Enter", " take  "),
            ("Esc", " close list"),
        ]
    } else if picking == Some(false) {
        &[
            ("Tab", " pick  "),
            ("Esc", " close list  "),
            ("Enter", " apply"),
        ]
    } else {
        &[
            ("Enter", " apply  "),
            ("Esc", " cancel  "),
            ("Tab", " complete"),
        ]
    };
    let mut spans = vec![Span::raw(" ")];
    for (k, label) in pairs {
        spans.push(Span::styled(*k, theme.key()));
        spans.push(Span::styled(*label, theme.dim()));
    }
    if history && picking.is_none() {
        spans.push(Span::styled("  ↑", theme.key()));
        spans.push(Span::styled(" earlier filters", theme.dim()));
    }
    if let Some(note) = &line.note {
        spans.push(Span::styled("  · ", theme.dim()));
        spans.push(Span::styled(sanitize(note).into_owned(), theme.accent()));
    }
    fit_line(Line::from(spans), room)
}

/// The completion list, above the word it completes.
fn render_menu(
    line: &FilterLine,
    ctx: &RenderContext,
    frame: &mut Frame,
    placed: Placed,
    panel: Rect,
) {
    let Some(menu) = &line.menu else {
        return;
    };
    let screen = frame.area();
    let widest = menu
        .candidates
        .iter()
        .map(|c| width(&c.label) + c.note.as_ref().map_or(0, |n| width(n) + 1))
        .max()
        .unwrap_or(0)
        .max(width(&menu.title) + 4);
    // Borders, the picker's mark, a swatch.
    let w = ((widest + 8) as u16).min(screen.width).min(60);
    let h = (menu.candidates.len() as u16).min(MENU_ROWS) + 2;
    let top_room = panel.y.saturating_sub(screen.y + 2);
    if top_room < 3 {
        return;
    }
    let h = h.min(top_room);
    let value = line.input.value();
    let word_col = column_of(value, menu.filled.start).saturating_sub(placed.scroll);
    let x = (placed.x + word_col as u16)
        .saturating_sub(1)
        .min(screen.right().saturating_sub(w));
    let area = Rect::new(x, panel.y - h, w, h);
    render_picker(
        &menu.picker,
        &ctx.theme,
        frame,
        area,
        PickerLook {
            focused: menu.selected.is_some(),
            popup: true,
        },
    );
}

/// Cuts a line of spans to `max` cells, keeping the line's style.
fn fit_line(line: Line<'static>, max: usize) -> Line<'static> {
    super::text::fit_spans(line.spans, max).style(line.style)
}

/// The status line's word on a 400 while the filter line is closed: the
/// first refused token with the server's message, and the key to fix it.
pub fn status_text(state: &State) -> Option<String> {
    if state.filter_line().is_some() {
        return None;
    }
    let first = state.filter_errors.first()?;
    let text = format(&state.list.filter);
    let token = spans_for_param(&text, &first.param)
        .first()
        .map(|r| text[r.clone()].to_string());
    let what = token.unwrap_or_else(|| first.param.clone());
    let more = match state.filter_errors.len() {
        1 => String::new(),
        n => format!(" (+{} more)", n - 1),
    };
    let key = state.keymap.label(Action::FilterLine);
    let fix = if key.is_empty() {
        String::new()
    } else {
        format!(" — {key} to fix")
    };
    Some(
        sanitize(&format!(
            "server refused {what}: {}{more}{fix}",
            first.message
        ))
        .into_owned(),
    )
}
