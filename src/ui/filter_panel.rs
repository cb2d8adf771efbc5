//! Draws the filter panel (`f`): one line per pane with its active values,
//! the focused pane opened below its line (a picker, the field editor or
//! the date inputs), and at the foot the exact request the draft makes.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use tui_input::Input;

use super::picker::{self, PickerLook};
use super::text::{fit, width, wrap};
use super::{RenderContext, Theme};
use crate::api::Catalog;
use crate::app::State;
use crate::app::filter_panel::dates::{DATE_FORMS, DateSlot, parse_date_input, resolved_text};
use crate::app::filter_panel::fields::{FieldDef, check_value};
use crate::app::filter_panel::pane::PaneKind;
use crate::app::filter_panel::request::{ParamPlace, request_line, why_not_sent};
use crate::app::filter_panel::{EditorKind, FilterPanel, keys, list_index, resolver};
use crate::app::source::FieldError;
use crate::filter::{FieldValue, MAX_CUSTOM_FIELDS};
use crate::text::sanitize;

/// Lines of the request at the foot, at most.
const REQUEST_LINES: usize = 4;

pub fn render(state: &State, ctx: &RenderContext, frame: &mut Frame, area: Rect) {
    let Some(panel) = state.filter_panel() else {
        return;
    };
    if area.width < 12 || area.height < 6 {
        return;
    }
    let theme = &ctx.theme;
    super::popup::clear(frame, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent())
        .title(Span::styled(" Filters ", theme.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = usize::from(inner.width);
    let catalog = state.names.catalog();

    let foot = foot_lines(state, panel, catalog, ctx.wall_now, theme, w);
    let foot_h =
        (foot.len() as u16).min(inner.height.saturating_sub(PaneKind::ALL.len() as u16 + 3));
    let foot_area = Rect::new(
        inner.x,
        inner.y + inner.height - foot_h,
        inner.width,
        foot_h,
    );
    let skip = foot.len().saturating_sub(usize::from(foot_h));
    frame.render_widget(
        Paragraph::new(foot.into_iter().skip(skip).collect::<Vec<_>>()),
        foot_area,
    );

    // Panes above the foot: collapsed lines, the focused one opened.
    let panes_h = inner.height - foot_h;
    let collapsed = PaneKind::ALL.len() as u16 - 1;
    // On a short screen the focused pane comes first: the other panes'
    // lines give way before it shrinks below a usable box.
    const MIN_OPEN: u16 = 5;
    let others = panes_h >= collapsed + MIN_OPEN;
    let open_h = if others { panes_h - collapsed } else { panes_h };
    let mut y = inner.y;
    for pane in PaneKind::ALL {
        if pane != panel.focus && !others && open_h >= 3 {
            continue;
        }
        if pane == panel.focus && open_h >= 3 {
            let r = Rect::new(inner.x, y, inner.width, open_h);
            focused_pane(state, panel, catalog, ctx, frame, r);
            y += open_h;
        } else if y < inner.y + panes_h {
            let line = summary_line(state, panel, pane, theme, w);
            frame.render_widget(Paragraph::new(line), Rect::new(inner.x, y, inner.width, 1));
            y += 1;
        }
    }
}

/// Server errors (400 `details`) for a pane.
fn errors_for(state: &State, pane: PaneKind) -> Vec<(&FieldError, ParamPlace)> {
    state
        .filter_errors
        .iter()
        .filter_map(|e| ParamPlace::of(&e.param).map(|p| (e, p)))
        .filter(|(_, p)| p.pane() == pane)
        .collect()
}

/// "▸ Status (2)  Open, Waiting": a closed pane, its count and values.
fn summary_line(
    state: &State,
    panel: &FilterPanel,
    pane: PaneKind,
    theme: &Theme,
    w: usize,
) -> Line<'static> {
    let count = panel.active_count(pane);
    let title = match (pane, count) {
        (_, 0) => format!("▸ {}", pane.title()),
        (_, n) => format!("▸ {} ({n})", pane.title()),
    };
    let errors = errors_for(state, pane);
    let values = summary(panel, pane);
    let mut spans = vec![Span::styled(
        title.clone(),
        if errors.is_empty() {
            theme.title()
        } else {
            theme.error()
        },
    )];
    let room = w.saturating_sub(width(&title) + 2);
    let text = match errors.first() {
        Some((e, _)) => format!("⚠ {}", sanitize(&e.message)),
        None => values,
    };
    if room > 1 && !text.is_empty() {
        spans.push(Span::raw("  "));
        let style = if errors.is_empty() {
            theme.dim()
        } else {
            theme.error()
        };
        spans.push(Span::styled(fit(&text, room).into_owned(), style));
    }
    Line::from(spans)
}

/// The active values of a pane, short.
fn summary(panel: &FilterPanel, pane: PaneKind) -> String {
    let d = &panel.draft;
    match pane {
        PaneKind::Fields => {
            let mut parts: Vec<String> = Vec::new();
            for (key, value) in &d.custom_fields {
                let def = panel.fields.defs.iter().find(|f| &f.key == key);
                let label = def.map_or(key.as_str(), |f| f.label.as_str());
                let value = def.map_or_else(
                    || match value {
                        FieldValue::Empty => "is empty".to_string(),
                        FieldValue::Value(v) => v.clone(),
                    },
                    |f| f.value_text(value),
                );
                parts.push(format!("{label} {value}"));
            }
            if parts.is_empty() {
                String::new()
            } else {
                format!(
                    "{}/{MAX_CUSTOM_FIELDS} · {}",
                    d.custom_fields.len(),
                    sanitize(&parts.join(", "))
                )
            }
        }
        PaneKind::Dates => DateSlot::ALL
            .iter()
            .filter(|s| !panel.date_input(**s).value().trim().is_empty())
            .map(|s| format!("{} {}", s.label(), panel.date_input(*s).value().trim()))
            .collect::<Vec<_>>()
            .join(", "),
        pane => {
            let Some(picker) = panel.picker(pane) else {
                return String::new();
            };
            let mut names: Vec<String> = Vec::new();
            for row in panel.rows(pane) {
                if !picker.is_chosen(&row.choice.key()) {
                    continue;
                }
                // A status category is named once, by its heading.
                let name = row.group.clone().unwrap_or_else(|| row.label.clone());
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            sanitize(&names.join(", ")).into_owned()
        }
    }
}

fn focused_pane(
    state: &State,
    panel: &FilterPanel,
    catalog: Option<&Catalog>,
    ctx: &RenderContext,
    frame: &mut Frame,
    area: Rect,
) {
    let theme = &ctx.theme;
    let w = usize::from(area.width);
    // Under the box: the server's complaints about this pane, then a hint.
    let mut below: Vec<Line> = Vec::new();
    for (e, place) in errors_for(state, panel.focus) {
        let what = match &place {
            ParamPlace::Field(key) => format!("{key}: "),
            ParamPlace::Date(slot) => format!("{}: ", slot.label()),
            ParamPlace::Pane(_) => String::new(),
        };
        // The key and the message are the server's words: both sanitized.
        for l in wrap(&sanitize(&format!("⚠ {what}{}", e.message)), w) {
            below.push(Line::styled(l, theme.error()));
        }
    }
    match panel.focus {
        // What the pane means; its keys are on the panel's one hint line.
        PaneKind::Fields => below.push(Line::styled(
            format!(
                "{}/{MAX_CUSTOM_FIELDS} fields",
                panel.draft.custom_fields.len()
            ),
            theme.dim(),
        )),
        PaneKind::Tags => below.push(Line::styled("a ticket must carry all of them", theme.dim())),
        PaneKind::Assignee | PaneKind::Inbox => below.push(Line::styled(
            "one at a time · type a UUID to use it",
            theme.dim(),
        )),
        _ => {}
    }
    let below_h = (below.len() as u16).min(area.height.saturating_sub(3));
    let box_area = Rect::new(area.x, area.y, area.width, area.height - below_h);
    frame.render_widget(
        Paragraph::new(
            below
                .into_iter()
                .take(usize::from(below_h))
                .collect::<Vec<_>>(),
        ),
        Rect::new(area.x, area.y + box_area.height, area.width, below_h),
    );
    let look = PickerLook {
        focused: true,
        popup: false,
    };
    match panel.focus {
        PaneKind::Dates => dates_box(state, panel, ctx, frame, box_area),
        PaneKind::Fields => match &panel.fields.editor {
            None => picker::render(&panel.fields.picker, theme, frame, box_area, look),
            Some(editor) => {
                let def = panel.fields.defs.iter().find(|d| d.key == editor.key);
                match (&editor.kind, def) {
                    (EditorKind::Pick(p), _) => picker::render(p, theme, frame, box_area, look),
                    (EditorKind::Input { row, input }, Some(def)) => {
                        let empty_chosen =
                            panel.draft.custom_fields.get(&def.key) == Some(&FieldValue::Empty);
                        let look = (*row, empty_chosen);
                        input_editor(def, look, input, catalog, ctx, frame, box_area)
                    }
                    (EditorKind::Input { .. }, None) => {}
                }
            }
        },
        pane => {
            if let Some(i) = list_index(pane) {
                picker::render(&panel.pickers[i], theme, frame, box_area, look);
            }
        }
    }
}

/// The editor of a typed field: "is empty", the input, and whether what is
/// typed would be accepted (checked by the request builder's own rules).
/// `(row, empty_chosen)`: the cursor's row, and whether "is empty" is set.
fn input_editor(
    def: &FieldDef,
    (row, empty_chosen): (usize, bool),
    input: &Input,
    catalog: Option<&Catalog>,
    ctx: &RenderContext,
    frame: &mut Frame,
    area: Rect,
) {
    let theme = &ctx.theme;
    let title = format!(" {} · {} ", def.label, def.type_name());
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent())
        .title(Span::styled(
            fit(&sanitize(&title), usize::from(area.width).saturating_sub(2)).into_owned(),
            theme.title(),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    const PROMPT: &str = "value: ";
    let room = usize::from(inner.width).saturating_sub(PROMPT.len() + 1);
    let mark = |on: bool| if on { "(•) " } else { "( ) " };
    let scroll = input.visual_scroll(room);
    let shown: String = input.value().chars().skip(scroll).collect();
    let typed = input.value().trim();
    let check = if typed.is_empty() {
        Line::styled(def.input_hint(), theme.dim())
    } else {
        match check_value(
            &def.key,
            &FieldValue::Value(typed.to_string()),
            resolver(catalog),
            ctx.wall_now,
        ) {
            Ok(()) => Line::styled("✓ Enter sets it", theme.accent()),
            Err(e) => Line::styled(sanitize(&e.to_string()).into_owned(), theme.error()),
        }
    };
    let lines = vec![
        row_line(format!("{}is empty", mark(empty_chosen)), row == 0, theme),
        row_line(
            format!("{PROMPT}{}", fit(&sanitize(&shown), room)),
            row == 1,
            theme,
        ),
        check,
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if row == 1 && inner.height > 1 {
        let col = input.visual_cursor().saturating_sub(scroll).min(room);
        frame.set_cursor_position(Position::new(
            inner.x + (PROMPT.len() + col) as u16,
            inner.y + 1,
        ));
    }
}

fn row_line(text: String, cursor: bool, theme: &Theme) -> Line<'static> {
    let line = Line::raw(text);
    if cursor {
        line.style(theme.selected_row())
    } else {
        line
    }
}

/// The four date inputs, each with what it resolves to (or why not).
fn dates_box(
    state: &State,
    panel: &FilterPanel,
    ctx: &RenderContext,
    frame: &mut Frame,
    area: Rect,
) {
    let theme = &ctx.theme;
    let count = panel.active_count(PaneKind::Dates);
    let title = if count == 0 {
        " Dates ".to_string()
    } else {
        format!(" Dates ({count}) ")
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent())
        .title(Span::styled(title, theme.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let iw = usize::from(inner.width);
    const LABEL: usize = 15;
    let mut lines: Vec<Line> = Vec::new();
    let mut cursor_at = None;
    // The line after the focused input's own lines.
    let mut focused_end = 0;
    for (n, slot) in DateSlot::ALL.into_iter().enumerate() {
        let input = panel.date_input(slot);
        let focused = panel.dates.cursor == n;
        let server_error = state
            .filter_errors
            .iter()
            .find(|e| ParamPlace::of(&e.param) == Some(ParamPlace::Date(slot)));
        let room = iw.saturating_sub(LABEL + 1);
        let scroll = input.visual_scroll(room);
        let shown = sanitize(&input.value().chars().skip(scroll).collect::<String>()).into_owned();
        let label_style = if server_error.is_some() {
            theme.error()
        } else if focused {
            theme.key()
        } else {
            theme.dim()
        };
        let mut line = Line::from(vec![
            Span::styled(format!("{:<LABEL$}", slot.label()), label_style),
            Span::raw(" "),
            Span::raw(fit(&shown, room).into_owned()),
        ]);
        if focused {
            line = line.style(theme.selected_row());
            cursor_at = Some((
                lines.len(),
                LABEL + 1 + input.visual_cursor().saturating_sub(scroll).min(room),
            ));
        }
        lines.push(line);
        let resolved = match parse_date_input(input.value()) {
            Ok(None) => Line::styled(
                if focused {
                    "  2026-11-01, ISO 8601, 7d, 24h, today…"
                } else {
                    ""
                },
                theme.dim(),
            ),
            Ok(Some(bound)) => match resolved_text(&bound, ctx.wall_now) {
                Ok(t) => Line::styled(format!("  → {t}"), theme.accent()),
                Err(e) => Line::styled(format!("  {e}"), theme.error()),
            },
            // Said right under the input (not at the end of the box, which
            // a short screen cuts off): in full for the input being typed,
            // on one line for the others.
            Err(_) if focused => {
                for l in wrap(&format!("not a date: {DATE_FORMS}"), iw.saturating_sub(2)) {
                    lines.push(Line::styled(format!("  {l}"), theme.error()));
                }
                focused_end = lines.len();
                continue;
            }
            Err(_) => Line::styled(
                fit(&format!("  not a date: {DATE_FORMS}"), iw).into_owned(),
                theme.error(),
            ),
        };
        let resolved = match server_error {
            Some(e) => Line::styled(
                fit(&format!("  ⚠ {}", sanitize(&e.message)), iw).into_owned(),
                theme.error(),
            ),
            None => resolved,
        };
        lines.push(resolved);
        if focused {
            focused_end = lines.len();
        }
    }
    // In a short box, scroll so the focused input and what it says under
    // it stay in view (the input first, if not all of it fits).
    let height = usize::from(inner.height);
    let offset = cursor_at.map_or(0, |(row, _)| focused_end.saturating_sub(height).min(row));
    frame.render_widget(
        Paragraph::new(lines.into_iter().skip(offset).collect::<Vec<_>>()),
        inner,
    );
    if let Some((row, col)) = cursor_at
        && row >= offset
        && row - offset < height
    {
        frame.set_cursor_position(Position::new(
            inner.x + col as u16,
            inner.y + (row - offset) as u16,
        ));
    }
}

/// Message, the request the draft makes, and the keys.
fn foot_lines(
    state: &State,
    panel: &FilterPanel,
    catalog: Option<&Catalog>,
    now: DateTime<Utc>,
    theme: &Theme,
    w: usize,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    lines.push(Line::styled("─".repeat(w), theme.border()));
    if let Some(m) = &panel.message {
        let style = if m.error {
            theme.error()
        } else {
            theme.accent()
        };
        for l in wrap(&sanitize(&m.text), w) {
            lines.push(Line::styled(l, style));
        }
    }
    let mut preview = state.list.filter.clone();
    crate::app::filter_panel::apply_panes(&panel.draft, &mut preview);
    // Not applied yet: the request is what Enter would send.
    let pending = preview != state.list.filter;
    match request_line(&preview, resolver(catalog), now, state.list.per_page) {
        Ok(line) => {
            let mut wrapped = wrap_hard(&line, w);
            if wrapped.len() > REQUEST_LINES {
                wrapped.truncate(REQUEST_LINES);
                if let Some(last) = wrapped.last_mut() {
                    last.pop();
                    last.push('…');
                }
            }
            let style = if pending { theme.key() } else { theme.dim() };
            for l in wrapped {
                lines.push(Line::styled(l, style));
            }
        }
        Err(e) => {
            for l in wrap(&format!("cannot send: {}", why_not_sent(&e, catalog)), w) {
                lines.push(Line::styled(l, theme.error()));
            }
        }
    }
    lines.extend(hint_lines(&keys::hints(panel), theme, w));
    lines
}

/// "Tab pane · Space toggle · Enter apply …", wrapped between hints (a
/// hint is never split), each key in the key style.
fn hint_lines(hints: &[(&str, &str)], theme: &Theme, w: usize) -> Vec<Line<'static>> {
    const SEP: &str = " · ";
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for (key, what) in hints {
        let text = format!("{key} {what}");
        let need = width(&text) + if spans.is_empty() { 0 } else { width(SEP) };
        if !spans.is_empty() && used + need > w {
            lines.push(Line::from(std::mem::take(&mut spans)));
            used = 0;
        }
        if !spans.is_empty() {
            spans.push(Span::styled(SEP, theme.dim()));
            used += width(SEP);
        }
        let key = fit(key, w.saturating_sub(used)).into_owned();
        used += width(&key);
        let what = fit(&format!(" {what}"), w.saturating_sub(used)).into_owned();
        used += width(&what);
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::styled(what, theme.dim()));
    }
    if !spans.is_empty() {
        lines.push(Line::from(spans));
    }
    lines
}

/// Splits at exactly `w` columns: a URL has no spaces to wrap at.
fn wrap_hard(s: &str, w: usize) -> Vec<String> {
    if w == 0 {
        return Vec::new();
    }
    let chars: Vec<char> = s.chars().collect();
    chars.chunks(w).map(|c| c.iter().collect()).collect()
}
