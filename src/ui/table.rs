//! The ticket table. Rows are built only for the visible window (ratatui's
//! `Table` collects every row it is given, each frame), so frame time does
//! not grow with the number of tickets loaded.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::text::{fit, relative, time_left, width};
use super::{RenderContext, spinner};
use crate::api::types::Ticket;
use crate::app::State;
use crate::app::source::Directory;
use crate::app::state::TablePane;
use crate::text::sanitize;

/// Columns of one layout; `None` means the column is dropped at this width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    pub number: u16,
    pub status: u16,
    pub priority: u16,
    pub subject: u16,
    pub assignee: Option<u16>,
    pub updated: u16,
    pub reminder: Option<u16>,
}

const MIN_SUBJECT: u16 = 16;

/// Widths for the visible tickets at a given total width: content-sized
/// columns with caps that tighten as the screen narrows; the subject takes
/// what is left; the assignee and reminder columns go before the subject
/// gets too short.
pub fn columns(
    visible: &[Ticket],
    names: &dyn Directory,
    total: u16,
    relative_times: bool,
) -> Columns {
    let (status_cap, priority_cap, assignee_cap) = match total {
        160.. => (24, 14, 22),
        120..=159 => (20, 12, 16),
        100..=119 => (16, 10, 12),
        _ => (14, 8, 10),
    };
    let max_w = |f: &dyn Fn(&Ticket) -> usize| visible.iter().map(f).max().unwrap_or(0);
    let number = max_w(&|t| width(&format!("#{}", t.ticket_number))).max(1) as u16;
    let status =
        (max_w(&|t| width(&sanitize(&t.status_name)).max(1)) + 2).clamp(8, status_cap) as u16;
    // Room for the word "priority" in the header once the screen allows.
    let priority_min = if total >= 100 { 8 } else { 4 };
    let priority =
        max_w(&|t| width(&sanitize(&t.priority_name))).clamp(priority_min, priority_cap) as u16;
    let assignee = max_w(&|t| width(&assignee_name(t, names))).clamp(8, assignee_cap) as u16;
    let updated = match (relative_times, total >= 100) {
        (false, _) => 11,
        (true, true) => 7,
        (true, false) => 4,
    };
    let any_reminder = visible.iter().any(|t| t.remind_at.is_some());
    let reminder = any_reminder.then_some(6u16);

    let mut cols = Columns {
        number,
        status,
        priority,
        subject: 0,
        assignee: Some(assignee),
        updated,
        reminder,
    };
    for drop in 0..3 {
        match drop {
            1 => cols.assignee = None,
            2 => cols.reminder = None,
            _ => {}
        }
        let fixed = [
            Some(cols.number),
            Some(cols.status),
            Some(cols.priority),
            cols.assignee,
            Some(cols.updated),
            cols.reminder,
        ];
        let count = fixed.iter().flatten().count() as u16; // gaps: one per column but the subject's own
        let used: u16 = fixed.iter().flatten().sum::<u16>() + count;
        cols.subject = total.saturating_sub(used);
        if cols.subject >= MIN_SUBJECT {
            break;
        }
    }
    cols
}

fn assignee_name(t: &Ticket, names: &dyn Directory) -> String {
    match t.assignee_id {
        None => "—".to_string(),
        Some(id) => names
            .user_name(id)
            .map(|n| sanitize(&n).into_owned())
            // Unknown name: a short id beats a blank.
            .unwrap_or_else(|| id.to_string()[..8].to_string()),
    }
}

pub fn render(state: &State, ctx: &RenderContext, frame: &mut Frame, area: Rect) {
    let theme = &ctx.theme;
    let message = |frame: &mut Frame, lines: Vec<Line<'static>>| {
        let y = area.y + area.height / 3;
        let h = area.height.saturating_sub(y - area.y);
        frame.render_widget(
            Paragraph::new(lines)
                .alignment(Alignment::Center)
                .wrap(Wrap { trim: true }),
            Rect::new(area.x, y, area.width, h),
        );
    };
    match &state.table {
        TablePane::Blank => {}
        TablePane::Loading { page } => {
            let spin = state.loading_since.map(|s| spinner(s, ctx.now));
            let text = match (spin, &state.rate_limit) {
                (_, Some(_)) => format!("page {page} is waiting for the rate limit"),
                (Some(c), None) => format!("{c} loading page {page}…"),
                (None, None) => format!("loading page {page}…"),
            };
            message(frame, vec![Line::styled(text, theme.dim())]);
        }
        TablePane::Empty { page, meta } => {
            let text = if *page > 1 && meta.total > 0 {
                format!(
                    "page {page} is past the end ({} pages): press [ to go back",
                    meta.page_count()
                )
            } else {
                "no tickets match this filter".to_string()
            };
            message(frame, vec![Line::styled(text, theme.dim())]);
        }
        TablePane::Error { page, error } => {
            let mut lines = vec![Line::styled(
                format!(
                    "page {page} could not be loaded: {}",
                    sanitize(&error.message)
                ),
                theme.error(),
            )];
            if let Some(hint) = &error.hint {
                lines.push(Line::raw(sanitize(hint).into_owned()));
            }
            message(frame, lines);
        }
        TablePane::Loaded(view) => draw_rows(state, ctx, frame, area, &view.tickets),
    }
}

/// One column: its width and how its text sits in it.
struct Column {
    width: u16,
    right: bool,
}

fn draw_rows(
    state: &State,
    ctx: &RenderContext,
    frame: &mut Frame,
    area: Rect,
    tickets: &[Ticket],
) {
    let theme = &ctx.theme;
    let rows_fit = usize::from(area.height.saturating_sub(1));
    // The state keeps the selection visible; clamp anyway so a stale offset
    // can never draw an empty window.
    let offset = state
        .offset
        .min(tickets.len().saturating_sub(rows_fit.max(1)));
    let end = (offset + rows_fit).min(tickets.len());
    let visible = &tickets[offset..end];
    let cols = columns(
        visible,
        state.names.as_ref(),
        area.width,
        state.relative_times,
    );

    let priority_label = if cols.priority >= 8 {
        "priority"
    } else {
        "prio"
    };
    let mut layout = vec![
        (
            "#",
            Column {
                width: cols.number,
                right: false,
            },
        ),
        (
            "status",
            Column {
                width: cols.status,
                right: false,
            },
        ),
        (
            priority_label,
            Column {
                width: cols.priority,
                right: false,
            },
        ),
        (
            "subject",
            Column {
                width: cols.subject,
                right: false,
            },
        ),
    ];
    if let Some(w) = cols.assignee {
        layout.push((
            "assignee",
            Column {
                width: w,
                right: false,
            },
        ));
    }
    let updated_label = if cols.updated >= 7 { "updated" } else { "upd" };
    layout.push((
        updated_label,
        Column {
            width: cols.updated,
            right: true,
        },
    ));
    if let Some(w) = cols.reminder {
        layout.push((
            "remind",
            Column {
                width: w,
                right: false,
            },
        ));
    }

    // Drawn cell by cell at computed offsets rather than through `Table`:
    // the widths are ours already, and `Table` would run the constraint
    // solver every frame (ratatui's layout cache is not enabled here).
    let buf = frame.buffer_mut();
    let draw_line = |buf: &mut ratatui::buffer::Buffer, y: u16, spans: Vec<Span<'_>>| {
        let mut x = area.x;
        for ((_, col), span) in layout.iter().zip(spans) {
            let w = col.width.min(area.right().saturating_sub(x));
            if w == 0 {
                break;
            }
            let cell = Rect::new(x, y, w, 1);
            let line = Line::from(span);
            let line = if col.right {
                line.alignment(Alignment::Right)
            } else {
                line
            };
            line.render(cell, buf);
            x = x.saturating_add(col.width + 1);
        }
    };
    let header: Vec<Span> = layout
        .iter()
        .map(|(label, _)| Span::styled(*label, theme.column_header()))
        .collect();
    draw_line(buf, area.y, header);

    for (i, t) in visible.iter().enumerate() {
        let y = area.y + 1 + i as u16;
        if offset + i == state.selected {
            // The cursor is the row's own style, under its cells, so the
            // colored badge keeps its color on the selected row.
            buf.set_style(Rect::new(area.x, y, area.width, 1), theme.selected_row());
        }
        let status_name = sanitize(&t.status_name);
        let status_name = if status_name.trim().is_empty() {
            t.status.as_str().to_string()
        } else {
            status_name.into_owned()
        };
        let badge = format!(
            " {} ",
            fit(&status_name, usize::from(cols.status).saturating_sub(2))
        );
        let priority_name = sanitize(&t.priority_name);
        let priority_name = if priority_name.trim().is_empty() {
            t.priority.as_str().to_string()
        } else {
            priority_name.into_owned()
        };
        let mut spans = vec![
            Span::styled(format!("#{}", t.ticket_number), theme.dim()),
            Span::styled(badge, theme.badge(t.status_color.as_deref(), &t.status)),
            Span::styled(
                fit(&priority_name, usize::from(cols.priority)).into_owned(),
                theme.priority(t.priority_color.as_deref(), &t.priority),
            ),
            Span::raw(fit(&sanitize(&t.subject), usize::from(cols.subject)).into_owned()),
        ];
        if let Some(w) = cols.assignee {
            let name = assignee_name(t, state.names.as_ref());
            let style = if t.assignee_id.is_none() {
                theme.dim()
            } else {
                Default::default()
            };
            spans.push(Span::styled(fit(&name, usize::from(w)).into_owned(), style));
        }
        let updated = match t.updated_at {
            Some(u) if state.relative_times => relative(u, ctx.wall_now),
            Some(u) => u.format("%m-%d %H:%M").to_string(),
            None => "—".into(),
        };
        spans.push(Span::raw(updated));
        if cols.reminder.is_some() {
            let mark = t
                .remind_at
                .map(|r| format!("⏰ {}", time_left(r, ctx.wall_now)))
                .unwrap_or_default();
            spans.push(Span::styled(mark, theme.accent()));
        }
        draw_line(buf, y, spans);
    }
}
