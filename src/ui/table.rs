//! The ticket table. Rows are built only for the visible window (ratatui's
//! `Table` collects every row it is given, each frame), so frame time does
//! not grow with the number of tickets loaded.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::row_columns::{self, CellSource, Placed, is_default};
use super::text::{fit, time_left, width};
use super::theme::{BADGE_LEFT_EDGE, BADGE_RIGHT_EDGE};
use super::{RenderContext, spinner};
use crate::api::types::Ticket;
use crate::app::State;
pub use crate::app::labels::{REMINDER_MARK, priority_label, status_label};
use crate::app::source::Directory;
use crate::app::state::TablePane;
use crate::columns::Column;
use crate::text::sanitize;

/// Columns of one layout; `None` means the column is dropped at this width.
/// Reminders have no column of their own: the few rows with one show the
/// mark at the right end of their subject cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    pub number: u16,
    pub status: u16,
    pub priority: u16,
    pub subject: u16,
    pub assignee: Option<u16>,
    pub updated: u16,
}

/// Narrowest useful subject; below it the optional columns give way.
const MIN_SUBJECT: u16 = 20;
/// Widest a name column grows (longest visible value, up to this).
const STATUS_CAP: u16 = 24; // badge padding included
const PRIORITY_CAP: u16 = 12;
const ASSIGNEE_CAP: u16 = 22;
/// Floors when the screen is too narrow for natural widths; each is at
/// least as wide as the column's shortest header label.
const STATUS_FLOOR: u16 = 10;
const ASSIGNEE_FLOOR: u16 = 10;
const PRIORITY_FLOOR: u16 = 4;
/// How far long names shrink before a column is dropped.
const STATUS_SOFT: u16 = 14;
const ASSIGNEE_SOFT: u16 = 12;

/// Header labels of a column, longest first: the widest that fits is
/// drawn, so a label is never cut into nonsense.
pub const PRIORITY_LABELS: &[&str] = &["priority", "prio"];
pub const UPDATED_LABELS: &[&str] = &["updated", "upd."];

/// The longest label of `labels` that fits in `w` cells (the last one
/// otherwise; column floors make sure it fits).
pub fn label_for(labels: &[&'static str], w: u16) -> &'static str {
    labels
        .iter()
        .copied()
        .find(|l| width(l) <= usize::from(w))
        .unwrap_or(labels[labels.len() - 1])
}

/// Widths for the visible tickets at a given total width. Status, priority
/// and assignee get their natural width (longest visible value, capped)
/// and the subject takes the rest; on narrow screens the assignee, then the
/// status, shrink to their floors, then the assignee goes, before the
/// subject gets shorter than `MIN_SUBJECT`.
pub fn columns(
    visible: &[Ticket],
    names: &dyn Directory,
    total: u16,
    relative_times: bool,
) -> Columns {
    let max_w =
        |f: &dyn Fn(&Ticket) -> usize| visible.iter().map(f).max().unwrap_or(0).min(200) as u16;
    let number = max_w(&|t| width(&format!("#{}", t.ticket_number))).max(1);
    let status = (max_w(&|t| width(&status_label(t))) + 2).clamp(STATUS_FLOOR, STATUS_CAP);
    // Room for the word "priority" in the header once the screen allows.
    let priority_min = if total >= 100 { 8 } else { PRIORITY_FLOOR };
    let priority = max_w(&|t| width(&priority_label(t))).clamp(priority_min, PRIORITY_CAP);
    let assignee = max_w(&|t| width(&assignee_name(t, names))).clamp(ASSIGNEE_FLOOR, ASSIGNEE_CAP);
    let updated = if relative_times {
        // "now", "59m", "23h", "13d", "51w", "2y": at most 3 cells; the
        // long label when the screen has room for it.
        if total >= 120 { 7 } else { 4 }
    } else {
        11 // "11-29 10:46"
    };
    let mut cols = Columns {
        number,
        status,
        priority,
        subject: 0,
        assignee: Some(assignee),
        updated,
    };
    let subject_of = |c: &Columns| {
        let fixed = [
            Some(c.number),
            Some(c.status),
            Some(c.priority),
            c.assignee,
            Some(c.updated),
        ];
        // One gap after every column but the last.
        let gaps = fixed.iter().flatten().count() as u16;
        total.saturating_sub(fixed.iter().flatten().sum::<u16>() + gaps)
    };
    // Takes up to `short` cells from a column, down to `floor`.
    let give = |w: &mut u16, floor: u16, short: &mut u16| {
        let d = w.saturating_sub(floor).min(*short);
        *w -= d;
        *short -= d;
    };
    // First a little from long names (still readable), then the assignee
    // goes, then status and priority down to their floors.
    let shrink = |cols: &mut Columns| {
        let mut short = MIN_SUBJECT.saturating_sub(subject_of(cols));
        if let Some(a) = cols.assignee.as_mut() {
            give(a, ASSIGNEE_SOFT, &mut short);
        }
        give(&mut cols.status, STATUS_SOFT, &mut short);
        short
    };
    let natural = cols;
    if shrink(&mut cols) > 0 {
        cols = Columns {
            assignee: None,
            ..natural
        };
        let mut short = shrink(&mut cols);
        give(&mut cols.status, STATUS_FLOOR, &mut short);
        give(&mut cols.priority, PRIORITY_FLOOR, &mut short);
    }
    cols.subject = subject_of(&cols);
    cols
}

use super::row_columns::assignee_name;

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
    match &state.list.table {
        TablePane::Blank => {}
        TablePane::Loading { page } => {
            let spin = state.list.loading_since.map(|s| spinner(s, ctx.now));
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
            // What failed, the server's words, then what to do: three
            // lines that read at a glance, not one run-on sentence.
            let mut lines = vec![
                Line::styled(format!("page {page} could not be loaded"), theme.error()),
                Line::raw(sanitize(&error.message).into_owned()),
            ];
            if let Some(hint) = &error.hint {
                lines.push(Line::raw(""));
                lines.push(Line::styled(
                    format!("→ {}", sanitize(hint)),
                    theme.accent(),
                ));
            }
            let retry = state.keymap.label(crate::app::Action::Refresh);
            if !retry.is_empty() {
                lines.push(Line::styled(
                    format!("{} to try again", sanitize(&retry)),
                    theme.dim(),
                ));
            }
            message(frame, lines);
        }
        TablePane::Loaded(view) => draw_rows(state, ctx, frame, area, &view.tickets),
    }
}

/// Today's six columns, as the general layout's placed columns.
fn default_placed(cols: Columns) -> Vec<Placed> {
    let place = |column: Column, width: u16, label: &str, right: bool| Placed {
        column,
        width,
        label: label.to_string(),
        right,
    };
    let mut placed = vec![
        place(Column::Number, cols.number, "#", false),
        place(Column::Status, cols.status, "status", false),
        place(
            Column::Priority,
            cols.priority,
            label_for(PRIORITY_LABELS, cols.priority),
            false,
        ),
        place(Column::Subject, cols.subject, "subject", false),
    ];
    if let Some(w) = cols.assignee {
        placed.push(place(Column::Assignee, w, "assignee", false));
    }
    placed.push(place(
        Column::Updated,
        cols.updated,
        label_for(UPDATED_LABELS, cols.updated),
        true,
    ));
    placed
}

fn draw_rows(
    state: &State,
    ctx: &RenderContext,
    frame: &mut Frame,
    area: Rect,
    tickets: &[Ticket],
) {
    let theme = &ctx.theme;
    // Triage's marks column (mark, pending), only while anything is marked,
    // pending or dimmed: the rest of the time the table is as before.
    let full = area;
    let gutter = if crate::app::triage::shows_gutter(&state.triage)
        || state.news.count(&state.list.query_key()) > 0
    {
        GUTTER.min(area.width)
    } else {
        0
    };
    let area = Rect::new(area.x + gutter, area.y, area.width - gutter, area.height);
    let rows_fit = usize::from(area.height.saturating_sub(1));
    // The state keeps the selection visible; clamp anyway so a stale offset
    // can never draw an empty window.
    let offset = state
        .list
        .offset
        .min(tickets.len().saturating_sub(rows_fit.max(1)));
    let end = (offset + rows_fit).min(tickets.len());
    let visible = &tickets[offset..end];
    // A gap between the last column and a detail pane beside the list.
    let beside = state.detail.is_some() && !state.areas().detail_covers_table();
    let cols_w = area.width.saturating_sub(u16::from(beside));
    let cells = CellSource {
        names: state.names.as_ref(),
        known: &state.triage.known,
        contacts: &state.contacts,
        now: ctx.wall_now,
        relative_times: state.relative_times,
    };
    let specs = state.shown_columns();
    let layout = if is_default(&specs) {
        default_placed(columns(
            visible,
            state.names.as_ref(),
            cols_w,
            state.relative_times,
        ))
    } else {
        row_columns::layout(&specs, visible, &cells, cols_w)
    };
    // Where each column starts.
    let xs: Vec<u16> = layout
        .iter()
        .scan(area.x, |x, p| {
            let at = *x;
            *x = x.saturating_add(p.width + 1);
            Some(at)
        })
        .collect();
    let x_of = |column: &Column| {
        layout
            .iter()
            .position(|p| p.column == *column)
            .map(|i| (xs[i], layout[i].width))
    };

    // Drawn cell by cell at computed offsets rather than through `Table`:
    // the widths are ours already, and `Table` would run the constraint
    // solver every frame (ratatui's layout cache is not enabled here).
    let buf = frame.buffer_mut();
    let draw_line = |buf: &mut ratatui::buffer::Buffer, y: u16, spans: Vec<Span<'_>>| {
        for ((col, &x), span) in layout.iter().zip(&xs).zip(spans) {
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
        }
    };
    let header: Vec<Span> = layout
        .iter()
        .map(|p| Span::styled(p.label.as_str(), theme.column_header()))
        .collect();
    draw_line(buf, area.y, header);

    // The reminder has a column of its own when chosen; otherwise the few
    // rows with one show the mark at the right end of their subject cell.
    let subject = x_of(&Column::Subject).filter(|_| x_of(&Column::Reminder).is_none());
    let status = x_of(&Column::Status);
    let mut marks: Vec<(u16, String)> = Vec::new();
    let mut edges: Vec<(u16, u16, ratatui::style::Style)> = Vec::new();
    // What is new is counted for this query (asked once, not per row).
    let query = state.list.query_key();
    for (i, t) in visible.iter().enumerate() {
        let y = area.y + 1 + i as u16;
        let selected = offset + i == state.list.selected;
        let under = theme.row_background(selected);
        if selected {
            // The cursor is the row's own style, under its cells, so the
            // colored badge keeps its color on the selected row.
            buf.set_style(Rect::new(full.x, y, full.width, 1), theme.selected_row());
        }
        if gutter > 0 {
            draw_gutter(
                state,
                &query,
                theme,
                buf,
                Rect::new(full.x, y, gutter, 1),
                t.id,
            );
        }
        // The reminder sits at the right end of the subject cell, the
        // subject cut shorter on that row only.
        let mark = subject.and_then(|(_, w)| {
            t.remind_at
                .map(|r| format!(" {REMINDER_MARK} {}", time_left(r, ctx.wall_now)))
                .filter(|m| width(m) + 4 <= usize::from(w))
        });
        let spans: Vec<Span> = layout
            .iter()
            .map(|p| {
                let w = usize::from(p.width);
                match &p.column {
                    Column::Number => {
                        let style = if state.news.is_new(&query, t.id) {
                            ratatui::style::Style::new()
                                .add_modifier(ratatui::style::Modifier::BOLD)
                        } else {
                            theme.dim()
                        };
                        Span::styled(format!("#{}", t.ticket_number), style)
                    }
                    Column::Status => {
                        let badge = format!(" {} ", fit(&status_label(t), w.saturating_sub(2)));
                        let fill = super::Theme::status_fill(t.status_color.as_deref(), &t.status);
                        if let Some(edge) = theme.edge(fill, under) {
                            edges.push((y, width(&badge) as u16, edge));
                        }
                        Span::styled(badge, theme.badge(t.status_color.as_deref(), &t.status))
                    }
                    Column::Priority => Span::styled(
                        fit(&priority_label(t), w).into_owned(),
                        theme.priority_on(t.priority_color.as_deref(), &t.priority, under),
                    ),
                    Column::Subject => {
                        let room = mark.as_ref().map_or(w, |m| w - width(m));
                        Span::raw(fit(&sanitize(&t.subject), room).into_owned())
                    }
                    Column::Reminder => Span::styled(
                        fit(&cells.text(&p.column, t), w).into_owned(),
                        theme.accent(),
                    ),
                    column => {
                        let text = cells.text(column, t);
                        let quiet = text == "—" || text == row_columns::UNKNOWN;
                        let style = if quiet {
                            theme.dim()
                        } else {
                            Default::default()
                        };
                        Span::styled(fit(&text, w).into_owned(), style)
                    }
                }
            })
            .collect();
        if let Some(mark) = mark {
            marks.push((y, mark));
        }
        draw_line(buf, y, spans);
    }
    // A badge too close to the background gets thin edges in its padding.
    if let Some((status_x, _)) = status {
        for (y, w, style) in edges {
            if w >= 2 && status_x + w <= area.right() {
                buf.set_stringn(status_x, y, BADGE_LEFT_EDGE, 1, style);
                buf.set_stringn(status_x + w - 1, y, BADGE_RIGHT_EDGE, 1, style);
            }
        }
    }
    // Drawn after the rows so the mark keeps the row's selected style under it.
    if let Some((subject_x, subject_w)) = subject {
        for (y, mark) in marks {
            let w = width(&mark) as u16;
            let x = subject_x + subject_w.saturating_sub(w);
            if x + w <= area.right() {
                buf.set_stringn(x, y, &mark, usize::from(w), theme.accent());
            }
        }
    }
    // Rows that left the filter stay until the next refresh, dimmed (their
    // colors kept, so what changed is still readable).
    for (i, t) in visible.iter().enumerate() {
        if crate::app::triage::jobs::is_dimmed(state, t.id) {
            let y = area.y + 1 + i as u16;
            buf.set_style(
                Rect::new(full.x, y, full.width, 1),
                ratatui::style::Style::new().add_modifier(ratatui::style::Modifier::DIM),
            );
        }
    }
}

/// Width of the marks column: the mark and the pending sign.
pub const GUTTER: u16 = 2;
/// A marked row.
pub const MARK: &str = "●";
/// A row whose change is on its way (or waiting for the rate limit).
pub const PENDING_MARK: &str = "…";
/// A row new since the agent last looked (the pending sign wins its cell).
pub const NEW_MARK: &str = "•";

fn draw_gutter(
    state: &State,
    query: &crate::app::news::QueryKey,
    theme: &super::Theme,
    buf: &mut ratatui::buffer::Buffer,
    cell: Rect,
    id: uuid::Uuid,
) {
    if state.triage.marks.contains(id) {
        buf.set_stringn(cell.x, cell.y, MARK, 1, theme.mark());
    }
    if cell.width > 1 && crate::app::triage::is_pending(&state.triage, id) {
        let style = if state.rate_limit.is_some() {
            theme.error()
        } else {
            theme.dim()
        };
        buf.set_stringn(cell.x + 1, cell.y, PENDING_MARK, 1, style);
    } else if cell.width > 1 && state.news.is_new(query, id) {
        buf.set_stringn(cell.x + 1, cell.y, NEW_MARK, 1, theme.new_mark());
    }
}
