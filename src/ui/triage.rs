//! Triage dialogs over the list: the pickers (drawn by `ui::picker`), the
//! snooze input, the bulk confirmation, the progress bar of a bulk run and
//! its per-ticket report; and the footer's marks / next-mode note.

use chrono::Local;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Gauge, Paragraph};

use super::RenderContext;
use super::picker::{self, PickerLook, centered};
use super::text::{countdown, fit, time_left, width, wrap};
use crate::app::picker::Picker;
use crate::app::triage::conflict::ConflictDialog;
use crate::app::triage::jobs::{Job, marks_line, progress_line, report_size};
use crate::app::triage::snooze::{PRESETS, parse_remind_at};
use crate::app::triage::{Dialog, FieldEdit, FieldEditKind, Outcome, SnoozeDialog, Targets};
use crate::app::{Modal, State};
use crate::text::sanitize;
use tui_input::Input;

/// "3 marked · next mode" for the footer's status line; empty when neither.
pub fn footer_note(state: &State) -> String {
    let mut parts = Vec::new();
    let marked = state.triage.marks.len();
    if marked > 0 {
        parts.push(format!("{marked} marked"));
    }
    if state.triage.next_mode {
        parts.push("next mode".to_string());
    }
    let pending = crate::app::triage::jobs::pending_ids(&state.triage).len();
    if pending > 0 && !matches!(state.modal, Some(Modal::Triage(_))) {
        parts.push(format!("{pending} saving"));
    }
    parts.iter().map(|p| format!(" · {p}")).collect()
}

pub fn render(state: &State, ctx: &RenderContext, frame: &mut Frame, screen: Rect) {
    let Some(Modal::Triage(overlay)) = &state.modal else {
        return;
    };
    match overlay {
        Dialog::Pick { picker: p, .. } => pick_popup(p, ctx, frame, screen),
        Dialog::FieldEdit(edit) => match &edit.kind {
            FieldEditKind::Pick(p) => pick_popup(p, ctx, frame, screen),
            FieldEditKind::Input(input) => field_input(edit, input, ctx, frame, screen),
        },
        Dialog::Snooze(dialog) => snooze(dialog, ctx, frame, screen),
        Dialog::Confirm { question, .. } => {
            // Wrapped, never cut: the end of a question is what is asked.
            let text = sanitize(question).into_owned();
            let room = usize::from(screen.width).saturating_sub(6).clamp(10, 90);
            let asked = crate::text::cells::wrap(&text, room);
            let text_w = asked.iter().map(|l| width(l)).max().unwrap_or(0);
            let w = (text_w + 6).clamp(30, usize::from(screen.width)) as u16;
            let h = (asked.len() + 4).min(usize::from(screen.height)) as u16;
            let area = centered(screen, w, h);
            let inner = boxed(frame, area, " confirm ", ctx);
            let mut lines: Vec<Line> = asked
                .into_iter()
                .map(|l| {
                    Line::styled(
                        fit(&l, usize::from(inner.width)).into_owned(),
                        ctx.theme.title(),
                    )
                })
                .collect();
            lines.push(Line::raw(""));
            lines.push(Line::from(vec![
                Span::styled("y", ctx.theme.key()),
                Span::raw("/"),
                Span::styled("Enter", ctx.theme.key()),
                Span::raw(" yes   "),
                Span::styled("n", ctx.theme.key()),
                Span::raw("/"),
                Span::styled("Esc", ctx.theme.key()),
                Span::raw(" no"),
            ]));
            frame.render_widget(Paragraph::new(lines), inner);
        }
        Dialog::Problem { title, text } => problem(title, text, ctx, frame, screen),
        Dialog::Conflict(dialog) => conflict(dialog, ctx, frame, screen),
        Dialog::Send(dialog) => super::send::render(dialog, ctx, frame, screen),
        Dialog::Progress { job } => {
            if let Some(job) = state.triage.jobs.iter().find(|j| j.id == *job) {
                progress(state, job, ctx, frame, screen);
            }
        }
        Dialog::Report { job, scroll } => {
            let unmark = state.keymap.label(crate::app::Action::ClearMarks);
            report(job, *scroll, &unmark, ctx, frame, screen)
        }
    }
}

/// A picker in a popup sized to its items (status, inbox, tags, fields).
fn pick_popup(p: &Picker, ctx: &RenderContext, frame: &mut Frame, screen: Rect) {
    let groups = {
        let mut g: Vec<&str> = p
            .items()
            .iter()
            .filter_map(|i| i.group.as_deref())
            .collect();
        g.dedup();
        g.len()
    };
    let widest = p
        .items()
        .iter()
        .map(|i| width(&i.label) + i.note.as_deref().map_or(0, |n| width(n) + 1))
        .max()
        .unwrap_or(0)
        .max(width(&p.title) + 4);
    let w = (widest + 10).clamp(30, 60) as u16;
    // Borders, one line for the query, the items under their headings.
    let h = (p.items().len() + groups + 3).min(24) as u16;
    let area = centered(screen, w.min(screen.width), h.min(screen.height));
    picker::render(
        p,
        &ctx.theme,
        frame,
        area,
        PickerLook {
            focused: true,
            popup: true,
        },
    );
}

/// The typed-value editor of `e` (number, date, date-time, text): the
/// input, what it expects (or why the text is not that yet), the keys.
fn field_input(
    edit: &FieldEdit,
    input: &Input,
    ctx: &RenderContext,
    frame: &mut Frame,
    screen: Rect,
) {
    let theme = &ctx.theme;
    let area = centered(screen, 60.min(screen.width), 6.min(screen.height));
    let title = format!(
        " {} of {} ",
        sanitize(&edit.field.label),
        targets_label(&edit.targets)
    );
    let inner = boxed(frame, area, &title, ctx);
    let w = usize::from(inner.width);
    let label = "value: ";
    let shown = fit(input.value(), w.saturating_sub(width(label) + 1)).into_owned();
    let mut lines = vec![Line::from(vec![
        Span::styled(label, theme.dim()),
        Span::raw(shown),
    ])];
    match &edit.error {
        Some(e) => lines.extend(two_lines(&sanitize(e), w, theme.error())),
        None => lines.push(Line::styled(
            fit(
                &format!("{} · empty clears the field", edit.field.input_hint()),
                w,
            )
            .into_owned(),
            theme.dim(),
        )),
    }
    lines.push(Line::styled("Enter sets · Esc cancels", theme.dim()));
    frame.render_widget(Paragraph::new(lines), inner);
    let x = inner.x
        + (width(label)
            + input
                .visual_cursor()
                .min(w.saturating_sub(width(label) + 1))) as u16;
    if inner.height > 0 && x < inner.right() {
        frame.set_cursor_position(Position::new(x, inner.y));
    }
}

/// What is wrong, line by line as given (a caret line must stay under its
/// token): a line wider than the popup is shown from the same column in
/// every line, so the carets still point at the right place.
fn problem(title: &str, text: &str, ctx: &RenderContext, frame: &mut Frame, screen: Rect) {
    let lines: Vec<String> = text.lines().map(|l| sanitize(l).into_owned()).collect();
    let widest = lines.iter().map(|l| width(l)).max().unwrap_or(0);
    let w = (widest + 4).clamp(30, usize::from(screen.width)) as u16;
    let h = (lines.len() as u16 + 4).min(screen.height);
    let area = centered(screen, w, h);
    let inner = boxed(frame, area, &format!(" {} ", sanitize(title)), ctx);
    let room = usize::from(inner.width);
    // The first column with a caret, kept in view.
    let caret = lines
        .iter()
        .find_map(|l| {
            l.trim_start()
                .starts_with('^')
                .then(|| l.chars().take_while(|c| *c == ' ').count())
        })
        .unwrap_or(0);
    let skip = if widest > room {
        caret.saturating_sub(room / 3)
    } else {
        0
    };
    let mut out: Vec<Line> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            // The message (last line) is prose: wrapped, not shifted.
            let shown: String = if i + 1 == lines.len() {
                l.clone()
            } else {
                l.chars().skip(skip).collect()
            };
            let style = if i + 1 == lines.len() || shown.trim_start().starts_with('^') {
                ctx.theme.error()
            } else {
                Style::default()
            };
            Line::styled(fit(&shown, room).into_owned(), style)
        })
        .collect();
    out.push(Line::raw(""));
    out.push(Line::from(vec![
        Span::styled("any key", ctx.theme.key()),
        Span::raw(" closes"),
    ]));
    frame.render_widget(Paragraph::new(out), inner);
}

/// A bordered popup; returns its inside.
pub(super) fn boxed(frame: &mut Frame, area: Rect, title: &str, ctx: &RenderContext) -> Rect {
    super::popup::clear(frame, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(ctx.theme.accent())
        .title(Span::styled(
            fit(title, usize::from(area.width.saturating_sub(2))).into_owned(),
            ctx.theme.title(),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

fn targets_label(t: &Targets) -> String {
    match t {
        Targets::One(t) => format!("#{}", t.ticket_number),
        Targets::Marked(v) => crate::app::triage::change::tickets(v.len()),
    }
}

fn snooze(d: &SnoozeDialog, ctx: &RenderContext, frame: &mut Frame, screen: Rect) {
    let theme = &ctx.theme;
    let area = centered(screen, 60.min(screen.width), 8.min(screen.height));
    let title = format!(" Snooze {} ", targets_label(&d.targets));
    let inner = boxed(frame, area, &title, ctx);
    let w = usize::from(inner.width);
    let value = d.input.value();
    let label = "until: ";
    let shown = fit(value, w.saturating_sub(width(label) + 1)).into_owned();
    // A live reading of what was typed, in the agent's own time zone.
    // An error may take the empty line under it too (it names the forms
    // that work, which the agent needs whole).
    let reading: Vec<Line> = match (&d.error, value.trim().is_empty()) {
        (Some(e), _) => two_lines(&sanitize(e), w, theme.error()),
        (None, true) => vec![Line::styled(
            fit(&format!("↑/↓ {}", PRESETS.join(" · ")), w).into_owned(),
            theme.dim(),
        )],
        (None, false) => {
            let local = ctx.wall_now.with_timezone(&Local);
            match parse_remind_at(value, &local) {
                Ok(at) => vec![Line::styled(
                    fit(
                        &format!(
                            "→ {} (in {})",
                            at.with_timezone(&Local).format("%a %d %b %H:%M"),
                            time_left(at, ctx.wall_now)
                        ),
                        w,
                    )
                    .into_owned(),
                    theme.accent(),
                )],
                Err(e) => two_lines(&sanitize(&e.to_string()), w, theme.dim()),
            }
        }
    };
    let back = match d.back_to.get(d.back_idx) {
        Some(s) => sanitize(&s.label()).into_owned(),
        None => "an open status (the server's choice)".into(),
    };
    let waiting = sanitize(&d.waiting.label()).into_owned();
    let mut lines = vec![Line::from(vec![
        Span::styled(label, theme.dim()),
        Span::raw(shown),
    ])];
    let used = reading.len();
    lines.extend(reading);
    if used < 2 {
        lines.push(Line::raw(""));
    }
    lines.extend([
        Line::from(vec![
            Span::styled("status: ", theme.dim()),
            Span::raw(fit(&waiting, w.saturating_sub(8)).into_owned()),
        ]),
        Line::from(vec![
            Span::styled("then:   ", theme.dim()),
            Span::raw(fit(&back, w.saturating_sub(20)).into_owned()),
            Span::styled(
                if d.back_to.len() > 1 {
                    "  (Tab changes)"
                } else {
                    ""
                },
                theme.dim(),
            ),
        ]),
        Line::styled("Enter snoozes · Esc cancels", theme.dim()),
    ]);
    frame.render_widget(Paragraph::new(lines), inner);
    let x = inner.x
        + (width(label)
            + d.input
                .visual_cursor()
                .min(w.saturating_sub(width(label) + 1))) as u16;
    if inner.height > 0 && x < inner.right() {
        frame.set_cursor_position(Position::new(x, inner.y));
    }
}

/// `text` wrapped on at most two lines of `w` cells (the second cut with
/// "…" if it still does not fit).
fn two_lines(text: &str, w: usize, style: Style) -> Vec<Line<'static>> {
    let mut wrapped = wrap(text, w);
    if wrapped.len() > 2 {
        let rest = wrapped.split_off(1).join(" ");
        wrapped.push(rest);
    }
    wrapped
        .into_iter()
        .map(|l| Line::styled(fit(&l, w).into_owned(), style))
        .collect()
}

fn progress(state: &State, job: &Job, ctx: &RenderContext, frame: &mut Frame, screen: Rect) {
    let theme = &ctx.theme;
    let area = centered(screen, 60.min(screen.width), 7.min(screen.height));
    let title = format!(" {} ", sanitize(&job.label));
    let inner = boxed(frame, area, &title, ctx);
    if inner.height == 0 {
        return;
    }
    let total = job.items.len().max(1);
    let ratio = job.done() as f64 / total as f64;
    let gauge = Gauge::default()
        .gauge_style(theme.accent())
        .ratio(ratio.clamp(0.0, 1.0))
        .label(format!("{}/{}", job.done(), job.items.len()));
    frame.render_widget(gauge, Rect::new(inner.x, inner.y, inner.width, 1));
    let w = usize::from(inner.width);
    let mut lines = vec![Line::raw(fit(&progress_line(job), w).into_owned())];
    match &state.rate_limit {
        Some(rl) if !job.queue.is_empty() => lines.push(Line::styled(
            fit(
                &format!(
                    "{} waiting for the rate limit · sent in {}",
                    job.queue.len(),
                    countdown(rl.until.saturating_duration_since(ctx.now))
                ),
                w,
            )
            .into_owned(),
            theme.error(),
        )),
        _ if job.stopped => lines.push(Line::styled("stopping: waiting for answers", theme.dim())),
        _ => lines.push(Line::raw("")),
    }
    lines.push(Line::styled("Esc stops what is not sent yet", theme.dim()));
    let rest = Rect::new(
        inner.x,
        inner.y + 1,
        inner.width,
        inner.height.saturating_sub(1),
    );
    frame.render_widget(Paragraph::new(lines), rest);
}

fn report(
    job: &Job,
    scroll: usize,
    unmark_key: &str,
    ctx: &RenderContext,
    frame: &mut Frame,
    screen: Rect,
) {
    let theme = &ctx.theme;
    let w = 72.min(screen.width);
    let (h, _) = report_size(job.items.len(), screen.height);
    let area = centered(screen, w, h);
    let changed = job.count(|o| matches!(o, Outcome::Changed));
    let title = format!(
        " {}: {changed} of {} {} ",
        sanitize(&job.label),
        job.items.len(),
        job.done_word()
    );
    let inner = boxed(frame, area, &title, ctx);
    let inner_w = usize::from(inner.width);
    let mut lines = vec![
        Line::raw(fit(&progress_line(job), inner_w).into_owned()),
        Line::styled(
            fit(&marks_line(job, &sanitize(unmark_key)), inner_w).into_owned(),
            theme.dim(),
        ),
    ];
    let rows = usize::from(inner.height.saturating_sub(3));
    let scroll = scroll.min(job.items.len().saturating_sub(rows));
    // "#1003   failed   subject   why": the reasons get the room they need
    // (what the agent must read), as long as the subject keeps 20 columns;
    // the subject gets all the rest.
    let parts: Vec<(&str, String, Style)> = job
        .outcomes
        .iter()
        .map(|o| match o {
            Some(Outcome::Changed) => (job.done_word(), String::new(), theme.accent()),
            Some(Outcome::Failed(why)) => ("failed", sanitize(why).into_owned(), theme.error()),
            Some(Outcome::Skipped(why)) => ("skipped", sanitize(why).into_owned(), theme.dim()),
            Some(Outcome::Already) => (
                "skipped",
                format!("{} · no request sent", sanitize(&job.already())),
                theme.dim(),
            ),
            Some(Outcome::Conflict { what, .. }) => (
                "theirs",
                format!("changed by someone else: {}", sanitize(what)),
                theme.error(),
            ),
            None => ("pending", String::new(), theme.dim()),
        })
        .collect();
    let number_w = job
        .items
        .iter()
        .map(|i| width(&format!("#{:<6}", i.before.ticket_number)))
        .max()
        .unwrap_or(7);
    let avail = inner_w.saturating_sub(number_w + 1 + 8);
    let why_need = parts.iter().map(|p| width(&p.1)).max().unwrap_or(0);
    let why_w = why_need.min(avail.saturating_sub(2 + 20));
    let subject_w = avail.saturating_sub(if why_w > 0 { why_w + 2 } else { 0 });
    for (item, (word, why, style)) in job.items.iter().zip(&parts).skip(scroll).take(rows) {
        let number = format!("#{:<6}", item.before.ticket_number);
        let number = format!("{number:<number_w$}");
        let subject = fit(&sanitize(&item.before.subject), subject_w).into_owned();
        let pad = " ".repeat(subject_w.saturating_sub(width(&subject)));
        lines.push(Line::from(vec![
            Span::styled(number, theme.dim()),
            Span::raw(" "),
            Span::styled(format!("{word:<8}"), *style),
            Span::raw(format!("{subject}{pad}")),
            Span::raw(if why_w > 0 { "  " } else { "" }),
            Span::styled(fit(why, why_w).into_owned(), *style),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    let more = if job.items.len() > rows {
        "j/k g/G scroll · "
    } else {
        ""
    };
    let force = if crate::app::triage::conflict::count(job) > 0 {
        "F applies yours anyway on theirs · "
    } else {
        ""
    };
    let foot = format!(" {more}{force}Esc closes ");
    let y = area.bottom().saturating_sub(1);
    let fw = width(&foot) as u16;
    if area.width > fw + 2 {
        frame.buffer_mut().set_stringn(
            area.right() - fw - 1,
            y,
            &foot,
            usize::from(fw),
            theme.dim(),
        );
    }
}

/// A single write refused because someone changed the ticket first: what
/// they changed, field by field in names, when, and the two ways on.
fn conflict(dialog: &ConflictDialog, ctx: &RenderContext, frame: &mut Frame, screen: Rect) {
    let theme = &ctx.theme;
    let when = dialog
        .when
        .map(|t| format!(" {}", seconds_ago(t, ctx.wall_now)))
        .unwrap_or_default();
    let headline = format!(
        "#{} changed{when}: {}",
        dialog.number,
        crate::app::triage::conflict::words(&dialog.diffs)
    );
    let mine = format!(
        "yours ({}) was not applied; the row shows theirs",
        sanitize(&dialog.label)
    );
    let field_w = dialog
        .diffs
        .iter()
        .map(|d| width(d.field))
        .max()
        .unwrap_or(0);
    let mut body: Vec<String> = dialog
        .diffs
        .iter()
        .map(|d| format!("  {:<field_w$}  {} → {}", d.field, d.mine, d.theirs))
        .collect();
    body.insert(0, mine);
    let widest = body
        .iter()
        .map(|l| width(l))
        .chain([width(&headline)])
        .max()
        .unwrap_or(0);
    let w = (widest + 4).clamp(40, usize::from(screen.width)) as u16;
    let h = (body.len() + 5).min(usize::from(screen.height)) as u16;
    let area = centered(screen, w, h);
    let inner = boxed(frame, area, " changed by someone else ", ctx);
    let iw = usize::from(inner.width);
    let mut lines = vec![Line::styled(fit(&headline, iw).into_owned(), theme.title())];
    lines.extend(body.iter().map(|l| Line::raw(fit(l, iw).into_owned())));
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("a", theme.key()),
        Span::raw(" apply mine anyway   "),
        Span::styled("k", theme.key()),
        Span::raw("/"),
        Span::styled("Esc", theme.key()),
        Span::raw(" keep theirs"),
    ]));
    frame.render_widget(Paragraph::new(lines), inner);
}

/// "40 s ago", "5m ago": how long ago they changed it (seconds count
/// here: the collision was just now).
pub(super) fn seconds_ago(
    when: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let secs = (now - when).num_seconds();
    if secs < 0 {
        return "just now".into();
    }
    if secs < 60 {
        return format!("{secs} s ago");
    }
    super::text::ago(when, now)
}
