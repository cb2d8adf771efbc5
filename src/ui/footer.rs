//! Status line ("page 2/17 · 412 tickets · sort updated_at desc", spinner,
//! last error or notice) and key hints from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::text::{fit, width};
use super::{RenderContext, spinner};
use crate::app::State;
use crate::app::state::{TablePane, order_name, sort_name};
use crate::text::sanitize;

pub fn render(state: &State, ctx: &RenderContext, frame: &mut Frame, area: Rect) {
    let theme = &ctx.theme;
    let mut status = String::from(" ");
    if let Some(since) = state.list.loading_since {
        status.push(spinner(since, ctx.now));
        status.push(' ');
    }
    match state.list.table.meta() {
        Some(meta) => status.push_str(&format!(
            "page {}/{} · {} {}",
            state.list.page,
            meta.page_count(),
            meta.total,
            if meta.total == 1 { "ticket" } else { "tickets" }
        )),
        None => status.push_str(&format!("page {}", state.list.page)),
    }
    if state.list.refreshing {
        status.push_str(if state.rate_limit.is_some() {
            " · refresh waiting"
        } else if state.search().is_some() {
            // The rows of the last search stay while the next one loads.
            " · searching"
        } else {
            " · refreshing"
        });
    } else if matches!(state.list.table, TablePane::Loading { .. }) {
        status.push_str(if state.rate_limit.is_some() {
            " · waiting"
        } else {
            " · loading"
        });
    }
    status.push_str(&format!(
        " · sort {} {}",
        sort_name(state.list.sort()),
        order_name(state.list.order())
    ));
    status.push_str(&super::triage::footer_note(state));

    let mut first = vec![Span::raw(status.clone())];
    let room = usize::from(area.width).saturating_sub(width(&status) + 3);
    // An error the table pane already shows in full is not repeated here.
    let in_pane = matches!(&state.list.table, TablePane::Error { error, .. }
        if Some(error) == state.last_error.as_ref());
    if let Some(refused) = super::filter_line::status_text(state) {
        // A 400 names what it refused: say which token, and where to fix it.
        first.push(Span::styled(" · ", theme.dim()));
        first.push(Span::styled(
            fit(&refused, room).into_owned(),
            theme.error(),
        ));
    } else if let Some(err) = state.last_error.as_ref().filter(|_| !in_pane) {
        let mut msg = sanitize(&err.message).into_owned();
        if let Some(hint) = &err.hint {
            msg.push_str(" — ");
            msg.push_str(&sanitize(hint));
        }
        first.push(Span::styled(" · ", theme.dim()));
        first.push(Span::styled(fit(&msg, room).into_owned(), theme.error()));
    } else if let Some(notice) = &state.notice {
        first.push(Span::styled(" · ", theme.dim()));
        first.push(Span::styled(
            fit(&sanitize(notice), room).into_owned(),
            theme.accent(),
        ));
    }

    let mut hints = vec![Span::raw(" ")];
    let mut used = 1;
    let mut hidden = state.hidden_actions();
    if state.detail.is_none() && state.help().is_none() {
        hidden.push(crate::app::Action::Back);
    }
    // The filter panes take every key and name them at their own foot: the
    // list's hints (Enter detail…) would lie while they are open.
    let list_keys_apply = state.filter_panel().is_none() || state.help().is_some();
    if !list_keys_apply {
        hints.push(Span::styled(
            "filter panes open: their keys are listed at the panel's foot",
            theme.dim(),
        ));
    }
    // A dialog has the keys: its keys, not the list's.
    let dialog = crate::app::dialog_keys::dialog_keys(state);
    let list_hints: Vec<(String, &str)> = match dialog {
        Some(keys) => keys.into_iter().map(|(k, d)| (k.to_string(), d)).collect(),
        None if list_keys_apply => state.keymap.footer_hints(&hidden),
        None => Vec::new(),
    };
    for (key, label) in list_hints {
        let w = width(&key) + 1 + width(label) + 3;
        if used + w > usize::from(area.width) {
            break;
        }
        used += w;
        hints.push(Span::styled(sanitize(&key).into_owned(), theme.key()));
        hints.push(Span::styled(format!(" {label}   "), theme.dim()));
    }
    frame.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(hints)]),
        area,
    );
}
