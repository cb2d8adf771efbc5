//! The question before a note or reply to one ticket goes out, with what
//! the traffic cop found new on it since the editor opened (see
//! `app::triage::cop`). Everything from the server was sanitized when the
//! news was built; it is sanitized again here, where it meets the screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::RenderContext;
use super::picker::centered;
use super::text::fit;
use super::triage::{boxed, seconds_ago};
use crate::app::triage::conflict;
use crate::app::triage::send::SendDialog;
use crate::text::sanitize;

pub fn render(dialog: &SendDialog, ctx: &RenderContext, frame: &mut Frame, screen: Rect) {
    let theme = &ctx.theme;
    let mut body: Vec<Line> = Vec::new();
    if let Some(why) = &dialog.unkept {
        body.push(Line::styled(
            format!(
                "cannot be kept as a draft ({}): if sending fails, the text is lost",
                sanitize(why)
            ),
            theme.error(),
        ));
    }
    if let Some(news) = &dialog.news {
        if !news.diffs.is_empty() {
            body.push(Line::raw(conflict::words(&news.diffs)));
        }
        for a in &news.arrivals {
            let when =
                a.at.map(|t| format!(", {}", seconds_ago(t, ctx.wall_now)))
                    .unwrap_or_default();
            body.push(Line::styled(
                format!("{} ({}){when}:", sanitize(&a.author), a.kind),
                theme.title(),
            ));
            for l in &a.lines {
                body.push(Line::raw(format!("  {}", sanitize(l))));
            }
        }
        if news.more > 0 {
            body.push(Line::styled(
                format!("and {} more", crate::text::count(news.more, "new message")),
                theme.dim(),
            ));
        }
        body.push(Line::raw(""));
    }
    for l in &dialog.unchecked {
        body.push(Line::styled(sanitize(l).into_owned(), theme.dim()));
    }
    if let Some(l) = &dialog.leftovers {
        body.push(Line::styled(sanitize(l).into_owned(), theme.error()));
    }
    body.push(Line::styled(
        sanitize(&dialog.question).into_owned(),
        theme.title(),
    ));
    body.push(Line::raw(""));
    for name in &dialog.offer.unknown {
        body.push(Line::styled(
            format!("after_reply: no status called '{}' here", sanitize(name)),
            theme.dim(),
        ));
    }
    body.extend(key_lines(
        dialog,
        ctx,
        usize::from(screen.width).saturating_sub(4),
    ));
    let widest = body.iter().map(|l| l.width()).max().unwrap_or(0);
    let w = (widest + 4).clamp(40, usize::from(screen.width)) as u16;
    let h = (body.len() + 2).min(usize::from(screen.height)) as u16;
    let area = centered(screen, w, h);
    let title = match &dialog.news {
        Some(n) => format!(" new on #{} since you started writing ", n.number),
        None => " confirm ".to_string(),
    };
    let inner = boxed(frame, area, &title, ctx);
    let room = usize::from(inner.width);
    let lines: Vec<Line> = body
        .into_iter()
        .map(|l| {
            if l.width() <= room {
                return l;
            }
            // One span per line except the keys, which fit by design.
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            let style = l.spans.first().map(|s| s.style).unwrap_or_default();
            Line::styled(fit(&text, room).into_owned(), style.patch(l.style))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The keys, packed into as few lines as fit `room`: send, each "send and
/// set", edit again, keep as draft. `Enter` is named on the default.
fn key_lines<'a>(dialog: &SendDialog, ctx: &RenderContext, room: usize) -> Vec<Line<'a>> {
    let theme = &ctx.theme;
    let anyway = if dialog.news.is_some() { " anyway" } else { "" };
    let enter_on = dialog.offer.default;
    let mut groups: Vec<Vec<Span>> = Vec::new();
    let key = |k: String| Span::styled(k, theme.key());
    let mut send = Vec::new();
    if enter_on.is_none() {
        send.extend([key("Enter".into()), Span::raw("/")]);
    }
    send.extend([key("y".into()), Span::raw(format!(" send{anyway}"))]);
    groups.push(send);
    for (i, c) in dialog.offer.choices.iter().enumerate() {
        let mut g = Vec::new();
        if enter_on == Some(i) {
            g.extend([key("Enter".into()), Span::raw("/")]);
        }
        g.extend([
            key(c.key.to_string()),
            Span::raw(format!(
                " send{anyway} and set {}",
                sanitize(&c.status.label())
            )),
        ]);
        groups.push(g);
    }
    if dialog.news.is_some() {
        groups.push(vec![key("e".into()), Span::raw(" edit again")]);
    }
    groups.push(vec![
        key("n".into()),
        Span::raw("/"),
        key("Esc".into()),
        Span::raw(format!(" {}", dialog.decline_label())),
    ]);
    let mut lines: Vec<Line> = Vec::new();
    let mut current: Vec<Span> = Vec::new();
    for g in groups {
        let w: usize = g.iter().map(Span::width).sum();
        let used: usize = current.iter().map(Span::width).sum();
        if !current.is_empty() && used + 3 + w > room {
            lines.push(Line::from(std::mem::take(&mut current)));
        }
        if !current.is_empty() {
            current.push(Span::raw("   "));
        }
        current.extend(g);
    }
    if !current.is_empty() {
        lines.push(Line::from(current));
    }
    lines
}
