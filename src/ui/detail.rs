//! The detail pane: every field of the ticket, its tags and custom field
//! values, and the conversation. Lines are wrapped here (not by ratatui) so
//! the pane knows its exact height and can tell `update` how far it scrolls.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::RenderContext;
use super::text::{fit, relative, time_left, width, wrap};
use crate::api::types::{AuthorType, Ticket};
use crate::app::State;
use crate::app::state::{DetailPane, Loadable};
use crate::text::{sanitize, sanitize_multiline};

const LABEL_W: usize = 10;

pub fn render(state: &State, ctx: &RenderContext, frame: &mut Frame, area: Rect) {
    let Some(pane) = &state.detail else {
        return;
    };
    let theme = &ctx.theme;
    let inner_w = usize::from(area.width.saturating_sub(2)).max(1);
    let inner_h = usize::from(area.height.saturating_sub(2));
    let lines = lines(state, pane, ctx, inner_w);
    let max_scroll = lines.len().saturating_sub(inner_h);
    pane.max_scroll.set(max_scroll);
    let scroll = pane.scroll.min(max_scroll);
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(inner_h).collect();

    let t = &pane.ticket;
    let title = format!(" #{} ", t.ticket_number);
    let position = (scroll * 100)
        .checked_div(max_scroll)
        .map(|pct| format!(" {pct}% "))
        .unwrap_or_default();
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

fn lines(state: &State, pane: &DetailPane, ctx: &RenderContext, w: usize) -> Vec<Line<'static>> {
    let theme = &ctx.theme;
    let t: &Ticket = &pane.ticket;
    let mut out: Vec<Line<'static>> = Vec::new();
    for l in wrap(&sanitize(&t.subject), w) {
        out.push(Line::styled(l, theme.title()));
    }
    out.push(Line::raw(""));

    let status_name = sanitize(&t.status_name).into_owned();
    let status_name = if status_name.is_empty() {
        t.status.as_str().to_string()
    } else {
        status_name
    };
    // One column less: the badge's own padding aligns its text with the
    // values below.
    out.push(Line::from(
        std::iter::once(Span::raw(format!("{:<w$}", "status", w = LABEL_W - 1)))
            .chain([
                Span::styled(
                    format!(
                        " {} ",
                        fit(&status_name, w.saturating_sub(LABEL_W + 2 + 14))
                    ),
                    theme.badge(t.status_color.as_deref(), &t.status),
                ),
                Span::styled(format!(" {}", t.status.as_str()), theme.dim()),
            ])
            .collect::<Vec<_>>(),
    ));
    let priority_name = sanitize(&t.priority_name).into_owned();
    out.push(text_field(
        "priority",
        if priority_name.is_empty() {
            t.priority.as_str()
        } else {
            &priority_name
        },
        w,
        theme.priority(t.priority_color.as_deref(), &t.priority),
    ));
    let names = state.names.as_ref();
    let assignee = match t.assignee_id {
        None => "— (unassigned)".to_string(),
        Some(id) => names
            .user_name(id)
            .map(|n| sanitize(&n).into_owned())
            .unwrap_or_else(|| id.to_string()),
    };
    out.push(text_field("assignee", &assignee, w, Style::new()));
    if let Some(id) = t.inbox_id {
        let inbox = names
            .inbox_name(id)
            .map(|n| sanitize(&n).into_owned())
            .unwrap_or_else(|| id.to_string());
        out.push(text_field("inbox", &inbox, w, Style::new()));
    }
    let when = |at: Option<chrono::DateTime<chrono::Utc>>| match at {
        Some(at) => format!(
            "{} ({} ago)",
            at.format("%Y-%m-%d %H:%M UTC"),
            relative(at, ctx.wall_now)
        ),
        None => "—".to_string(),
    };
    out.push(text_field("created", &when(t.created_at), w, Style::new()));
    out.push(text_field("updated", &when(t.updated_at), w, Style::new()));
    if let Some(r) = t.remind_at {
        let left = time_left(r, ctx.wall_now);
        let text = format!("{} (⏰ {left})", r.format("%Y-%m-%d %H:%M UTC"));
        out.push(text_field("reminder", &text, w, theme.accent()));
    }
    if let Some(c) = t.contact_id {
        out.push(text_field("contact", &c.to_string(), w, theme.dim()));
    }
    out.push(text_field("id", &t.id.to_string(), w, theme.dim()));

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
                out.push(Line::raw(""));
                out.push(Line::styled("fields", theme.column_header()));
                // Labels from the catalog, select values as option labels.
                let rows: Vec<(String, String)> = detail
                    .custom_fields
                    .iter()
                    .map(|(key, value)| {
                        let label = names.field_label(key).unwrap_or_else(|| key.clone());
                        let value = field_value(value, &|id| names.option_label(key, id));
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
                    out.push(Line::from(vec![
                        Span::styled(format!("  {key}{pad}  "), theme.dim()),
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

    out.push(Line::raw(""));
    match &pane.messages {
        Loadable::Loaded(conv) => {
            let shown = conv.messages.len();
            let total = conv.meta.total.max(shown as u64);
            let heading = if (shown as u64) < total {
                format!("── conversation ({shown} of {total} messages) ")
            } else {
                format!("── conversation ({total} messages) ")
            };
            let rule = "─".repeat(w.saturating_sub(width(&heading)));
            out.push(Line::styled(format!("{heading}{rule}"), theme.dim()));
            if conv.messages.is_empty() {
                out.push(Line::styled("no messages", theme.dim()));
            }
            for m in &conv.messages {
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
                    .map(|c| format!(" · {} ago", relative(c, ctx.wall_now)))
                    .unwrap_or_default();
                let head = format!("{author} ({}){when}", sanitize(kind));
                let style = if matches!(m.author_type, AuthorType::Note) {
                    theme.accent()
                } else {
                    theme.title()
                };
                out.push(Line::styled(fit(&head, w).into_owned(), style));
                for para in sanitize_multiline(&m.body).split('\n') {
                    for l in wrap(para, w) {
                        out.push(Line::raw(l));
                    }
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
/// strings that are option ids become their labels.
fn field_value(v: &serde_json::Value, option: &dyn Fn(uuid::Uuid) -> Option<String>) -> String {
    match v {
        serde_json::Value::Null => "—".into(),
        serde_json::Value::Bool(true) => "yes".into(),
        serde_json::Value::Bool(false) => "no".into(),
        serde_json::Value::String(s) => uuid::Uuid::parse_str(s)
            .ok()
            .and_then(option)
            .unwrap_or_else(|| s.clone()),
        // 47000.0 reads as 47000; 12.5 stays 12.5.
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            _ => n.to_string(),
        },
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| field_value(i, option))
            .collect::<Vec<_>>()
            .join(", "),
        serde_json::Value::Object(_) => v.to_string(),
    }
}
