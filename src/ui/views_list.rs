//! The `v` overlay (every view with its key, count and filter; delete,
//! rename, move) and the `w` prompt for a new view's name.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use tui_input::Input;

use super::RenderContext;
use super::text::{fit, pad, pad_left, width};
use super::views_bar::{count_label, new_label};
use crate::app::views::list::{ListMode, ViewsList};
use crate::app::views::{Dialog, NamePrompt};
use crate::app::{Modal, State};
use crate::text::sanitize;

pub fn render(state: &State, ctx: &RenderContext, frame: &mut Frame, screen: Rect) {
    match &state.modal {
        Some(Modal::Views(Dialog::List(list))) => render_list(state, list, ctx, frame, screen),
        Some(Modal::Views(Dialog::Name(prompt))) => render_prompt(prompt, ctx, frame, screen),
        _ => {}
    }
}

/// `picker::centered` for sizes counted in cells as `usize`.
fn centered(screen: Rect, w: usize, h: usize) -> Rect {
    let cells = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
    super::picker::centered(screen, cells(w), cells(h))
}

fn render_list(
    state: &State,
    list: &ViewsList,
    ctx: &RenderContext,
    frame: &mut Frame,
    screen: Rect,
) {
    let theme = &ctx.theme;
    let entries = &state.views.entries;
    let rows: Vec<(String, String, String, String)> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut count = count_label(e);
            if let Some(new) = new_label(e) {
                count.push_str(&format!(" ({new})"));
            }
            // Why there is no count says more than the filter here.
            let filter = match (&e.filter, &e.count.failed) {
                (Err(err), _) => format!("invalid: {err}"),
                (Ok(_), Some(why)) => format!("count failed: {why}"),
                (Ok(f), None) => f.to_string(),
            };
            (
                sanitize(&state.views.key_label(i).unwrap_or_default()).into_owned(),
                sanitize(e.name()).into_owned(),
                count,
                sanitize(&filter).into_owned(),
            )
        })
        .collect();
    let key_w = rows.iter().map(|r| width(&r.0)).max().unwrap_or(0);
    let name_w = rows.iter().map(|r| width(&r.1)).max().unwrap_or(0).min(30);
    let count_w = rows.iter().map(|r| width(&r.2)).max().unwrap_or(0);
    let w = usize::from(screen.width).saturating_sub(4).min(100);
    let h = (rows.len() + 4).min(usize::from(screen.height));
    let area = centered(screen, w, h);
    let inner_w = usize::from(area.width.saturating_sub(2));
    let visible = usize::from(area.height.saturating_sub(4)).max(1);
    let first = list.selected.saturating_sub(visible - 1);
    let mut lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(first)
        .take(visible)
        .map(|(i, (key, name, count, filter))| {
            let selected = i == list.selected;
            let style = if selected {
                theme.selected_row()
            } else {
                ratatui::style::Style::new()
            };
            let active = state.views.active == Some(i);
            let mark = if active { "▸" } else { " " };
            // Padded by cells: format's `{:<w$}` counts characters.
            let head = format!(
                "{mark}{}  {}  {}  ",
                pad_left(key, key_w),
                pad(name, name_w),
                pad_left(count, count_w),
            );
            let rest = inner_w.saturating_sub(width(&head));
            Line::from(vec![
                Span::styled(head, style),
                Span::styled(pad(filter, rest), theme.dim().patch(style)),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    let name = rows.get(list.selected).map_or("", |r| r.1.as_str());
    let (hint, input) = match &list.mode {
        ListMode::Browse => (
            Line::styled(
                " Enter open · d delete · R rename · J/K move down/up · Esc close",
                theme.dim(),
            ),
            None,
        ),
        ListMode::ConfirmDelete => (
            Line::styled(
                format!(
                    " delete '{}'? y deletes, any other key keeps it",
                    fit(name, 30)
                ),
                theme.error(),
            ),
            None,
        ),
        ListMode::Rename { input, error } => (
            match error {
                Some(e) => Line::styled(format!(" new name: {}", sanitize(e)), theme.error()),
                None => Line::styled(" new name: ", theme.accent()),
            },
            Some(input),
        ),
    };
    lines.push(hint);
    super::popup::clear(frame, area);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.accent())
        .title(Span::styled(" saved views ", theme.title()));
    frame.render_widget(Paragraph::new(lines).block(block), area);
    if let Some(input) = input {
        // The input takes the hint row, after its label (or the error).
        let label = match &list.mode {
            ListMode::Rename { error: Some(e), .. } => {
                width(&format!(" new name: {}", sanitize(e))) + 1
            }
            _ => width(" new name: "),
        };
        let y = area.y + area.height.saturating_sub(2);
        let x = area.x + 1 + label as u16;
        let room = usize::from((area.x + area.width).saturating_sub(x + 1));
        draw_input(input, frame, Rect::new(x, y, room as u16, 1));
    }
}

fn render_prompt(prompt: &NamePrompt, ctx: &RenderContext, frame: &mut Frame, screen: Rect) {
    let theme = &ctx.theme;
    let w = usize::from(screen.width).saturating_sub(4).min(76);
    let area = centered(screen, w, 4);
    super::popup::clear(frame, area);
    let hint = match &prompt.error {
        Some(e) => Line::styled(format!(" {}", sanitize(e)), theme.error()),
        None if prompt.would_update() => Line::styled(
            " Enter updates this view · another name saves a new one · Esc cancels",
            theme.dim(),
        ),
        None => Line::styled(" Enter saves · Esc cancels", theme.dim()),
    };
    let title = match &prompt.updating {
        Some(_) => " save the changed view ",
        None => " save as a view ",
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.accent())
        .title(Span::styled(title, theme.title()));
    frame.render_widget(
        Paragraph::new(vec![Line::styled(" name: ", theme.accent()), hint]).block(block),
        area,
    );
    let x = area.x + 1 + width(" name: ") as u16;
    let room = (area.x + area.width).saturating_sub(x + 1);
    draw_input(&prompt.input, frame, Rect::new(x, area.y + 1, room, 1));
}

/// The name being typed, through the one input drawer (scrolling, cursor).
fn draw_input(input: &Input, frame: &mut Frame, area: Rect) {
    if area.width == 0 {
        return;
    }
    super::input_line::render(
        frame,
        area,
        Span::raw(""),
        input,
        ratatui::style::Style::new(),
        &[],
        true,
    );
}
