//! The detail pane: every field of the ticket, its tags and custom field
//! values, and the conversation. Lines are wrapped here (not by ratatui) so
//! the pane knows its exact height and can tell `update` how far it scrolls.

use std::borrow::Cow;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::table::{REMINDER_MARK, priority_label, status_label};
use super::text::{fit, stamp, time_left, width};
use super::{ColorMode, RenderContext, Theme};
use crate::api::types::Ticket;
use crate::app::Clock;
use crate::app::State;
pub use crate::app::detail::inner_width;
use crate::app::detail::{is_current, wrap_detail};
use crate::app::state::{DetailPane, Loadable, WrappedDetail};
use crate::model::{AuthorType, FieldType};
use crate::text::sanitize;

const LABEL_W: usize = 10;
/// Below this many inner lines the field block is compact (several fields
/// a line) so the conversation starts on the first screen.
pub const COMPACT_BELOW: usize = 24;

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

/// The wrapped text of the pane at this width: `update`'s, made once per
/// change; made here only for a state that did not pass through it (or a
/// pane whose width it did not foresee).
fn wrapped_for(pane: &DetailPane, inner_w: usize) -> Cow<'_, WrappedDetail> {
    match &pane.wrapped {
        Some(w) if is_current(w, pane, inner_w) => Cow::Borrowed(w),
        _ => Cow::Owned(wrap_detail(pane, inner_w)),
    }
}

/// How far the open detail scrolls in `area` at `clock`: its lines (the
/// ones drawn; colors change none of them) beyond the rows inside the
/// border. Pure, so the key handler knows the end of the pane without
/// asking the last frame.
pub fn max_scroll(state: &State, area: Rect, clock: &Clock) -> usize {
    let Some(pane) = &state.detail else {
        return 0;
    };
    let ctx = RenderContext {
        now: clock.now,
        wall_now: clock.wall,
        theme: Theme::new(ColorMode::NoColor),
    };
    let (inner_w, inner_h) = (inner_width(area), inner_height(area));
    let wrapped = wrapped_for(pane, inner_w);
    let content = lines(
        state,
        pane,
        &wrapped,
        &ctx,
        inner_w,
        inner_h < COMPACT_BELOW,
    );
    content.len().saturating_sub(inner_h)
}

fn inner_height(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(2))
}

pub fn render(state: &State, ctx: &RenderContext, frame: &mut Frame, area: Rect) {
    let Some(pane) = &state.detail else {
        return;
    };
    let theme = &ctx.theme;
    let (inner_w, inner_h) = (inner_width(area), inner_height(area));
    let wrapped = wrapped_for(pane, inner_w);
    let content = lines(state, pane, &wrapped, ctx, inner_w, inner_h < COMPACT_BELOW);
    let total = content.len();
    let max_scroll = total.saturating_sub(inner_h);
    let scroll = pane.scroll.min(max_scroll);
    let shown = content.window(scroll, inner_h);

    let t = &pane.ticket;
    let title = format!(" #{} ", t.ticket_number);
    let position = scroll_position(scroll, inner_h, total);
    frame.render_widget(Clear, area);
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

/// The pane's lines: drawn ones, and runs of wrapped text borrowed from
/// [`WrappedDetail`] that become lines only when scrolled into view (a
/// long conversation is thousands of lines, a frame shows a screenful).
#[derive(Default)]
struct Content<'w> {
    chunks: Vec<Chunk<'w>>,
    len: usize,
}

enum Chunk<'w> {
    Line(Line<'w>),
    Text(&'w [String]),
}

impl<'w> Content<'w> {
    fn push(&mut self, line: Line<'w>) {
        self.len += 1;
        self.chunks.push(Chunk::Line(line));
    }

    fn text(&mut self, lines: &'w [String]) {
        self.len += lines.len();
        self.chunks.push(Chunk::Text(lines));
    }

    fn len(&self) -> usize {
        self.len
    }

    /// Lines `first..first + height`.
    fn window(self, first: usize, height: usize) -> Vec<Line<'w>> {
        let mut skip = first;
        let mut shown = Vec::with_capacity(height);
        for chunk in self.chunks {
            if shown.len() == height {
                break;
            }
            match chunk {
                Chunk::Line(_) if skip > 0 => skip -= 1,
                Chunk::Line(line) => shown.push(line),
                Chunk::Text(text) if skip >= text.len() => skip -= text.len(),
                Chunk::Text(text) => {
                    let room = height - shown.len();
                    shown.extend(
                        text[skip..]
                            .iter()
                            .take(room)
                            .map(|l| Line::raw(l.as_str())),
                    );
                    skip = 0;
                }
            }
        }
        shown
    }
}

impl<'w> Extend<Line<'w>> for Content<'w> {
    fn extend<I: IntoIterator<Item = Line<'w>>>(&mut self, lines: I) {
        for line in lines {
            self.push(line);
        }
    }
}

fn field<'a>(label: &str, value: Vec<Span<'a>>) -> Line<'a> {
    let mut spans = vec![Span::raw(format!("{label:<LABEL_W$}"))];
    spans.extend(value);
    Line::from(spans)
}

fn text_field(label: &str, value: &str, w: usize, style: Style) -> Line<'static> {
    field(
        label,
        vec![Span::styled(
            fit(value, w.saturating_sub(LABEL_W)).into_owned(),
            style,
        )],
    )
}

/// Every line of the pane's content.
fn lines<'w>(
    state: &State,
    pane: &DetailPane,
    wrapped: &'w WrappedDetail,
    ctx: &RenderContext,
    w: usize,
    compact: bool,
) -> Content<'w> {
    let theme = &ctx.theme;
    let t: &Ticket = &pane.ticket;
    let mut out = Content::default();
    for l in &wrapped.subject_lines {
        out.push(Line::styled(l.as_str(), theme.title()));
    }
    out.push(Line::raw(""));

    let status_name = status_label(t);
    let priority_name = priority_label(t);
    let names = state.names.as_ref();
    let assignee = match t.assignee_id {
        None => "— (unassigned)".to_string(),
        Some(id) => names
            .user_name(id)
            .map(|n| sanitize(&n).into_owned())
            .unwrap_or_else(|| id.to_string()),
    };
    let inbox = t.inbox_id.map(|id| {
        names
            .inbox_name(id)
            .map(|n| sanitize(&n).into_owned())
            .unwrap_or_else(|| id.to_string())
    });
    let when = |at: Option<chrono::DateTime<chrono::Utc>>| match at {
        Some(at) => stamp(at, ctx.wall_now),
        None => "—".to_string(),
    };
    let reminder = t.remind_at.map(|r| {
        format!(
            "{} ({REMINDER_MARK} {})",
            r.format("%Y-%m-%d %H:%M UTC"),
            time_left(r, ctx.wall_now)
        )
    });
    let badge = Span::styled(
        format!(
            " {} ",
            fit(&status_name, w.saturating_sub(LABEL_W + 2 + 14))
        ),
        theme.badge(t.status_color.as_deref(), &t.status),
    );
    let priority_style = theme.priority(t.priority_color.as_deref(), &t.priority);

    if compact {
        // Several fields a line, short times: the conversation must start
        // on the first screen of an 80×24 terminal.
        let sep = || Span::styled(" · ", theme.dim());
        let mut first = vec![badge, sep(), Span::styled(priority_name, priority_style)];
        first.push(sep());
        first.push(Span::raw(assignee));
        if let Some(inbox) = inbox {
            first.push(sep());
            first.push(Span::raw(inbox));
        }
        out.extend(wrap_spans(first, w));
        let ago = |at: Option<chrono::DateTime<chrono::Utc>>| {
            at.map_or("—".to_string(), |a| super::text::ago(a, ctx.wall_now))
        };
        let mut times = vec![Span::styled(
            format!(
                "created {} · updated {}",
                ago(t.created_at),
                ago(t.updated_at)
            ),
            theme.dim(),
        )];
        if let Some(r) = t.remind_at {
            times.push(sep());
            times.push(Span::styled(
                format!("{REMINDER_MARK} reminder in {}", time_left(r, ctx.wall_now)),
                theme.accent(),
            ));
        }
        out.extend(wrap_spans(times, w));
    } else {
        // One column less: the badge's own padding aligns its text with
        // the values below.
        out.push(Line::from(vec![
            Span::raw(format!("{:<w$}", "status", w = LABEL_W - 1)),
            badge,
            Span::styled(format!(" {}", sanitize(t.status.as_str())), theme.dim()),
        ]));
        out.push(text_field("priority", &priority_name, w, priority_style));
        out.push(text_field("assignee", &assignee, w, Style::new()));
        if let Some(inbox) = inbox {
            out.push(text_field("inbox", &inbox, w, Style::new()));
        }
        out.push(text_field("created", &when(t.created_at), w, Style::new()));
        out.push(text_field("updated", &when(t.updated_at), w, Style::new()));
        if let Some(text) = reminder {
            out.push(text_field("reminder", &text, w, theme.accent()));
        }
        if let Some(c) = t.contact_id {
            out.push(text_field("contact", &c.to_string(), w, theme.dim()));
        }
        out.push(text_field("id", &t.id.to_string(), w, theme.dim()));
    }

    match &pane.detail {
        Loadable::Loaded(detail) => {
            if !detail.tags.is_empty() {
                let mut spans = Vec::new();
                let mut used = LABEL_W;
                let mut label = "tags";
                for tag in &detail.tags {
                    let name = format!(
                        " {} ",
                        fit(&sanitize(&tag.name), w.saturating_sub(LABEL_W + 3))
                    );
                    if used > LABEL_W && used + width(&name) + 1 > w {
                        out.push(field(label, std::mem::take(&mut spans)));
                        label = "";
                        used = LABEL_W;
                    }
                    used += width(&name) + 1;
                    spans.push(Span::styled(name, theme.tag(tag.color.as_deref())));
                    spans.push(Span::raw(" "));
                }
                out.push(field(label, spans));
            }
            if !detail.custom_fields.is_empty() {
                if !compact {
                    out.push(Line::raw(""));
                    out.push(Line::styled("fields", theme.column_header()));
                }
                // Labels from the catalog, select values as option labels.
                let rows: Vec<(String, String)> = detail
                    .custom_fields
                    .iter()
                    .map(|(key, value)| {
                        let label = names.field_label(key).unwrap_or_else(|| key.clone());
                        let kind = names.field_type(key);
                        let value = field_value(value, kind.as_ref(), ctx.wall_now, &|id| {
                            names.option_label(key, id)
                        });
                        (sanitize(&label).into_owned(), sanitize(&value).into_owned())
                    })
                    .collect();
                let key_w = rows
                    .iter()
                    .map(|(k, _)| width(k))
                    .max()
                    .unwrap_or(0)
                    .min(w / 3);
                for (key, value) in rows {
                    let key = fit(&key, key_w).into_owned();
                    let pad = " ".repeat(key_w.saturating_sub(width(&key)));
                    let indent = if compact { "" } else { "  " };
                    out.push(Line::from(vec![
                        Span::styled(format!("{indent}{key}{pad}  "), theme.dim()),
                        Span::raw(fit(&value, w.saturating_sub(key_w + 4)).into_owned()),
                    ]));
                }
            }
        }
        Loadable::Loading => out.push(Line::styled("loading tags and fields…", theme.dim())),
        Loadable::Waiting => out.push(Line::styled(
            "tags and fields wait for the rate limit",
            theme.dim(),
        )),
        Loadable::NotSupported => out.push(Line::styled(
            "tags and fields: not available on this server",
            theme.dim(),
        )),
        Loadable::Failed(e) => out.push(Line::styled(
            fit(&format!("details: {}", sanitize(&e.message)), w).into_owned(),
            theme.error(),
        )),
    }

    if compact {
        // The id, last of the fields, on one dim line.
        out.push(Line::styled(
            fit(&format!("id {}", t.id), w).into_owned(),
            theme.dim(),
        ));
    }
    for (kind, action) in [
        (
            crate::model::MessageKind::Note,
            crate::app::keymap::Action::AddNote,
        ),
        (
            crate::model::MessageKind::Reply,
            crate::app::keymap::Action::Reply,
        ),
    ] {
        if state.triage.draft_ids.contains(&(t.id, kind)) {
            let line = format!(
                "unsent {} draft kept: {} opens it",
                kind.as_str(),
                state.keymap.label(action)
            );
            out.push(Line::styled(fit(&line, w).into_owned(), theme.accent()));
        }
    }
    out.push(Line::raw(""));
    match &pane.messages {
        Loadable::Loaded(conv) => {
            let shown = conv.messages.len();
            let total = conv.meta.total.max(shown as u64);
            let heading = if (shown as u64) < total {
                format!("── conversation ({shown} of {total} messages) ")
            } else {
                format!(
                    "── conversation ({}) ",
                    super::text::count(total, "message")
                )
            };
            let rule = "─".repeat(w.saturating_sub(width(&heading)));
            out.push(Line::styled(format!("{heading}{rule}"), theme.dim()));
            if conv.messages.is_empty() {
                out.push(Line::styled("no messages", theme.dim()));
            }
            for (i, m) in conv.messages.iter().enumerate() {
                out.push(Line::raw(""));
                let author = m
                    .author_name
                    .as_deref()
                    .map(|a| sanitize(a).into_owned())
                    .unwrap_or_else(|| "unknown".into());
                let kind = match &m.author_type {
                    AuthorType::Agent => "agent",
                    AuthorType::Contact => "customer",
                    AuthorType::Note => "internal note",
                    AuthorType::Other(o) => o.as_str(),
                };
                let when = m
                    .created_at
                    .map(|c| format!(" · {}", super::text::ago(c, ctx.wall_now)))
                    .unwrap_or_default();
                let head = format!("{author} ({}){when}", sanitize(kind));
                let style = if matches!(m.author_type, AuthorType::Note) {
                    theme.accent()
                } else {
                    theme.title()
                };
                out.push(Line::styled(fit(&head, w).into_owned(), style));
                if let Some(body) = wrapped.bodies.get(i) {
                    out.text(body);
                }
            }
        }
        Loadable::Loading => out.push(Line::styled("loading conversation…", theme.dim())),
        Loadable::Waiting => out.push(Line::styled(
            "conversation waits for the rate limit",
            theme.dim(),
        )),
        Loadable::NotSupported => out.push(Line::styled(
            "conversation: not available on this server",
            theme.dim(),
        )),
        Loadable::Failed(e) => out.push(Line::styled(
            fit(&format!("conversation: {}", sanitize(&e.message)), w).into_owned(),
            theme.error(),
        )),
    }
    out
}

/// A custom field value as text, whatever JSON type the server used;
/// strings that are option ids become their labels, dates read like the
/// ticket's own times ("2026-11-20" for date fields).
fn field_value(
    v: &serde_json::Value,
    kind: Option<&FieldType>,
    now: chrono::DateTime<chrono::Utc>,
    option: &dyn Fn(uuid::Uuid) -> Option<String>,
) -> String {
    match v {
        serde_json::Value::Null => "—".into(),
        serde_json::Value::Bool(true) => "yes".into(),
        serde_json::Value::Bool(false) => "no".into(),
        serde_json::Value::String(s) => date_value(s, kind, now)
            .or_else(|| uuid::Uuid::parse_str(s).ok().and_then(option))
            .unwrap_or_else(|| s.clone()),
        // 47000.0 reads as 47000; 12.5 stays 12.5.
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            _ => n.to_string(),
        },
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| field_value(i, kind, now, option))
            .collect::<Vec<_>>()
            .join(", "),
        serde_json::Value::Object(_) => v.to_string(),
    }
}

/// A date or date-time string in the pane's format; `None` when `s` is not
/// one (or the field is known to be something else).
fn date_value(
    s: &str,
    kind: Option<&FieldType>,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<String> {
    use chrono::{DateTime, NaiveDate, Utc};
    let s = s.trim();
    let instant = DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc));
    let day = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    match kind {
        Some(FieldType::Date) => day
            .or_else(|| instant.map(|i| i.date_naive()))
            .map(|d| d.format("%Y-%m-%d").to_string()),
        Some(FieldType::DateTime) => match (instant, day) {
            (Some(i), _) => Some(stamp(i, now)),
            (None, Some(d)) => Some(d.format("%Y-%m-%d").to_string()),
            _ => None,
        },
        // Unknown type (no catalog): recognise the shapes themselves.
        None => instant
            .map(|i| stamp(i, now))
            .or_else(|| day.map(|d| d.format("%Y-%m-%d").to_string())),
        Some(_) => None,
    }
}

/// Spans laid out on as many lines of `w` cells as they need (a span is
/// not split; one wider than a line is cut with "…").
fn wrap_spans(spans: Vec<Span<'static>>, w: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut line: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for span in spans {
        let sw = width(&span.content);
        let is_sep = span.content.trim() == "·";
        if used > 0 && used + sw > w {
            // A separator does not start a line.
            if is_sep {
                continue;
            }
            lines.push(Line::from(std::mem::take(&mut line)));
            used = 0;
        }
        if used == 0 && is_sep {
            continue;
        }
        let span = if sw > w {
            Span::styled(fit(&span.content, w).into_owned(), span.style)
        } else {
            span
        };
        used += width(&span.content);
        line.push(span);
    }
    if !line.is_empty() {
        lines.push(Line::from(line));
    }
    lines
}
