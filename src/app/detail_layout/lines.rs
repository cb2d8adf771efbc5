//! Every line of the detail pane, in order: subject, fields (compact on
//! a short pane), tags, custom fields, drafts kept, the conversation.

use chrono::{DateTime, Utc};

use super::{Content, DetailLine, Piece, Tone};
use crate::api::types::Ticket;
use crate::app::labels::{REMINDER_MARK, priority_label, status_label};
use crate::app::state::{DetailPane, Loadable, State, WrappedDetail};
use crate::model::{AuthorType, FieldType};
use crate::text::cells::{fit, width};
use crate::text::sanitize;
use crate::text::time::{ago, stamp, time_left};

const LABEL_W: usize = 10;

fn field<'a>(label: &str, value: Vec<Piece<'a>>) -> DetailLine<'a> {
    let mut pieces = vec![Piece::plain(format!("{label:<LABEL_W$}"))];
    pieces.extend(value);
    DetailLine::from(pieces)
}

fn text_field(label: &str, value: &str, w: usize, tone: Tone) -> DetailLine<'static> {
    field(
        label,
        vec![Piece::new(
            fit(value, w.saturating_sub(LABEL_W)).into_owned(),
            tone,
        )],
    )
}

/// Every line of the pane's content.
pub fn lines<'w>(
    state: &State,
    pane: &DetailPane,
    wrapped: &'w WrappedDetail,
    wall_now: DateTime<Utc>,
    w: usize,
    compact: bool,
) -> Content<'w> {
    let t: &Ticket = &pane.ticket;
    let mut out = Content::default();
    for l in &wrapped.subject_lines {
        out.push(DetailLine::styled(l.as_str(), Tone::Title));
    }
    out.push(DetailLine::raw(""));

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
    // Sanitized on arrival (`Requester::from_contact`); the id until then,
    // or for good on a server without contacts.
    let requester = t.contact_id.map(|id| match state.contacts.requester(id) {
        Some(r) => {
            let mut text = r.display_name().unwrap_or("—").to_string();
            if let Some(email) = r.email.as_deref().filter(|e| *e != text) {
                text.push_str(&format!(" <{email}>"));
            }
            if let Some(company) = &r.company {
                text.push_str(&format!(" · {company}"));
            }
            (text, true)
        }
        None => (id.to_string(), false),
    });
    let when = |at: Option<chrono::DateTime<chrono::Utc>>| match at {
        Some(at) => stamp(at, wall_now),
        None => "—".to_string(),
    };
    let reminder = t.remind_at.map(|r| {
        format!(
            "{} ({REMINDER_MARK} {})",
            r.format("%Y-%m-%d %H:%M UTC"),
            time_left(r, wall_now)
        )
    });
    let badge = Piece::new(
        format!(
            " {} ",
            fit(&status_name, w.saturating_sub(LABEL_W + 2 + 14))
        ),
        Tone::Badge {
            color: t.status_color.clone(),
            category: t.status.clone(),
        },
    );
    let priority_tone = Tone::Priority {
        color: t.priority_color.clone(),
        level: t.priority.clone(),
    };

    if compact {
        // Several fields a line, short times: the conversation must start
        // on the first screen of an 80×24 terminal.
        let sep = || Piece::new(" · ", Tone::Dim);
        let mut first = vec![badge, sep(), Piece::new(priority_name, priority_tone)];
        first.push(sep());
        first.push(Piece::plain(assignee));
        if let Some(inbox) = inbox {
            first.push(sep());
            first.push(Piece::plain(inbox));
        }
        out.extend(wrap_spans(first, w));
        let ago = |at: Option<chrono::DateTime<chrono::Utc>>| {
            at.map_or("—".to_string(), |a| ago(a, wall_now))
        };
        let mut times = vec![Piece::new(
            format!(
                "created {} · updated {}",
                ago(t.created_at),
                ago(t.updated_at)
            ),
            Tone::Dim,
        )];
        if let Some(r) = t.remind_at {
            times.push(sep());
            times.push(Piece::new(
                format!("{REMINDER_MARK} reminder in {}", time_left(r, wall_now)),
                Tone::Accent,
            ));
        }
        out.extend(wrap_spans(times, w));
        if let Some((text, true)) = &requester {
            out.extend(wrap_spans(
                vec![Piece::new("from ", Tone::Dim), Piece::plain(text.clone())],
                w,
            ));
        }
    } else {
        // One column less: the badge's own padding aligns its text with
        // the values below.
        out.push(DetailLine::from(vec![
            Piece::plain(format!("{:<w$}", "status", w = LABEL_W - 1)),
            badge,
            Piece::new(format!(" {}", sanitize(t.status.as_str())), Tone::Dim),
        ]));
        out.push(text_field("priority", &priority_name, w, priority_tone));
        out.push(text_field("assignee", &assignee, w, Tone::Plain));
        if let Some(inbox) = inbox {
            out.push(text_field("inbox", &inbox, w, Tone::Plain));
        }
        out.push(text_field("created", &when(t.created_at), w, Tone::Plain));
        out.push(text_field("updated", &when(t.updated_at), w, Tone::Plain));
        if let Some(text) = reminder {
            out.push(text_field("reminder", &text, w, Tone::Accent));
        }
        match &requester {
            Some((text, true)) => out.push(text_field("requester", text, w, Tone::Plain)),
            Some((id, false)) => out.push(text_field("contact", id, w, Tone::Dim)),
            None => {}
        }
        out.push(text_field("id", &t.id.to_string(), w, Tone::Dim));
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
                    spans.push(Piece::new(
                        name,
                        Tone::Tag {
                            color: tag.color.clone(),
                        },
                    ));
                    spans.push(Piece::plain(" "));
                }
                out.push(field(label, spans));
            }
            if !detail.custom_fields.is_empty() {
                if !compact {
                    out.push(DetailLine::raw(""));
                    out.push(DetailLine::styled("fields", Tone::ColumnHeader));
                }
                // Labels from the catalog, select values as option labels.
                let rows: Vec<(String, String)> = detail
                    .custom_fields
                    .iter()
                    .map(|(key, value)| {
                        let label = names.field_label(key).unwrap_or_else(|| key.clone());
                        let kind = names.field_type(key);
                        let value = field_value(value, kind.as_ref(), wall_now, &|id| {
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
                    out.push(DetailLine::from(vec![
                        Piece::new(format!("{indent}{key}{pad}  "), Tone::Dim),
                        Piece::plain(fit(&value, w.saturating_sub(key_w + 4)).into_owned()),
                    ]));
                }
            }
        }
        Loadable::Loading => out.push(DetailLine::styled("loading tags and fields…", Tone::Dim)),
        Loadable::Waiting => out.push(DetailLine::styled(
            "tags and fields wait for the rate limit",
            Tone::Dim,
        )),
        Loadable::NotSupported => out.push(DetailLine::styled(
            "tags and fields: not available on this server",
            Tone::Dim,
        )),
        Loadable::Failed(e) => out.push(DetailLine::styled(
            fit(&format!("details: {}", sanitize(&e.message)), w).into_owned(),
            Tone::Error,
        )),
    }

    if compact {
        // The id, last of the fields, on one dim line.
        out.push(DetailLine::styled(
            fit(&format!("id {}", t.id), w).into_owned(),
            Tone::Dim,
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
            out.push(DetailLine::styled(fit(&line, w).into_owned(), Tone::Accent));
        }
    }
    out.push(DetailLine::raw(""));
    match &pane.messages {
        Loadable::Loaded(conv) => {
            let shown = conv.messages.len();
            let total = conv.meta.total.max(shown as u64);
            let heading = if (shown as u64) < total {
                format!("── conversation ({shown} of {total} messages) ")
            } else {
                format!(
                    "── conversation ({}) ",
                    crate::text::count(total, "message")
                )
            };
            let rule = "─".repeat(w.saturating_sub(width(&heading)));
            out.push(DetailLine::styled(format!("{heading}{rule}"), Tone::Dim));
            if conv.messages.is_empty() {
                out.push(DetailLine::styled("no messages", Tone::Dim));
            }
            for (i, m) in conv.messages.iter().enumerate() {
                out.push(DetailLine::raw(""));
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
                    .map(|c| format!(" · {}", ago(c, wall_now)))
                    .unwrap_or_default();
                let head = format!("{author} ({}){when}", sanitize(kind));
                let style = if matches!(m.author_type, AuthorType::Note) {
                    Tone::Accent
                } else {
                    Tone::Title
                };
                out.push(DetailLine::styled(fit(&head, w).into_owned(), style));
                if let Some(body) = wrapped.bodies.get(i) {
                    out.text(body);
                }
            }
        }
        Loadable::Loading => out.push(DetailLine::styled("loading conversation…", Tone::Dim)),
        Loadable::Waiting => out.push(DetailLine::styled(
            "conversation waits for the rate limit",
            Tone::Dim,
        )),
        Loadable::NotSupported => out.push(DetailLine::styled(
            "conversation: not available on this server",
            Tone::Dim,
        )),
        Loadable::Failed(e) => out.push(DetailLine::styled(
            fit(&format!("conversation: {}", sanitize(&e.message)), w).into_owned(),
            Tone::Error,
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
fn wrap_spans(spans: Vec<Piece<'static>>, w: usize) -> Vec<DetailLine<'static>> {
    let mut lines = Vec::new();
    let mut line: Vec<Piece<'static>> = Vec::new();
    let mut used = 0;
    for span in spans {
        let sw = width(&span.text);
        let is_sep = span.text.trim() == "·";
        if used > 0 && used + sw > w {
            // A separator does not start a line.
            if is_sep {
                continue;
            }
            lines.push(DetailLine::from(std::mem::take(&mut line)));
            used = 0;
        }
        if used == 0 && is_sep {
            continue;
        }
        let span = if sw > w {
            Piece::new(fit(&span.text, w).into_owned(), span.tone)
        } else {
            span
        };
        used += width(&span.text);
        line.push(span);
    }
    if !line.is_empty() {
        lines.push(DetailLine::from(line));
    }
    lines
}
