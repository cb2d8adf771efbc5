//! Draws an `app::picker::Picker` into a box: title with the chosen count,
//! the query line while narrowing, group headings, a mark per item, the
//! workspace color as a swatch.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Theme;
use super::color::parse_hex;
use super::text::{fit, width};
use crate::app::picker::Picker;

/// How the box looks around the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PickerLook {
    /// Keys go here: the cursor row is highlighted and the border accented.
    pub focused: bool,
    /// Clear what is under the box first (popups over the list).
    pub popup: bool,
}

pub fn render(picker: &Picker, theme: &Theme, frame: &mut Frame, area: Rect, look: PickerLook) {
    if area.width < 4 || area.height < 3 {
        return;
    }
    if look.popup {
        super::popup::clear(frame, area);
    }
    // A count says something only where several can be chosen. Titles can
    // carry server text (a custom field's label): sanitized like the rest.
    let name = crate::text::sanitize(&picker.title);
    let title = match picker.chosen_count() {
        n if n > 0 && picker.is_multi() => format!(" {name} ({n}) "),
        _ => format!(" {name} "),
    };
    let border = if look.focused {
        theme.accent()
    } else {
        theme.border()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(Span::styled(
            fit(&title, usize::from(area.width.saturating_sub(2))).into_owned(),
            theme.title(),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let inner_w = usize::from(inner.width);
    let mut lines: Vec<Line> = Vec::new();
    let mut list_area = inner;
    // Every picker narrows by typing: the focused one always shows where
    // the typing goes; others only what was typed.
    if (look.focused && picker.has_search_line()) || picker.is_typing() {
        // The one input drawer: scrolls long text, keeps the cursor in view.
        super::input_line::render(
            frame,
            Rect::new(inner.x, inner.y, inner.width, 1),
            Span::styled("/ ", theme.key()),
            picker.input(),
            Style::new(),
            &[],
            look.focused,
        );
        lines.push(Line::raw(""));
        list_area.y += 1;
        list_area.height = list_area.height.saturating_sub(1);
    }
    let rows = item_lines(picker, theme, inner_w, look.focused);
    let cursor_line = rows.iter().position(|(_, is_cursor)| *is_cursor);
    let height = usize::from(list_area.height);
    let mut offset = picker.offset.get();
    if let Some(c) = cursor_line {
        if c < offset {
            offset = c;
        } else if height > 0 && c >= offset + height {
            offset = c + 1 - height;
        }
        // A heading right above the cursor stays visible with it, when
        // there is room for both.
        if offset == c
            && c > 0
            && height > 1
            && rows[c - 1]
                .0
                .style
                .add_modifier
                .contains(Modifier::UNDERLINED)
        {
            offset -= 1;
        }
    }
    offset = offset.min(rows.len().saturating_sub(height));
    picker.offset.set(offset);
    if picker.visible().is_empty() {
        let why = if picker.items().is_empty() {
            "nothing to choose from"
        } else {
            "no match (Esc clears)"
        };
        lines.push(Line::styled(why, theme.dim()));
    }
    let head = lines.len();
    frame.render_widget(
        Paragraph::new(lines),
        Rect::new(inner.x, inner.y, inner.width, inner.height.min(head as u16)),
    );
    let body: Vec<Line> = rows
        .into_iter()
        .skip(offset)
        .take(height)
        .map(|(l, _)| l)
        .collect();
    frame.render_widget(Paragraph::new(body), list_area);
    if offset > 0 || offset + height < total_lines(picker) {
        // More above or below: say where we are on the border.
        let pos = format!(" {}/{} ", picker.cursor() + 1, picker.visible().len());
        let w = width(&pos) as u16;
        if w + 2 < area.width {
            frame.render_widget(
                Paragraph::new(Span::styled(pos, theme.dim())),
                Rect::new(area.x + area.width - w - 1, area.y + area.height - 1, w, 1),
            );
        }
    }
}

fn total_lines(picker: &Picker) -> usize {
    let mut last_group = None;
    let mut n = 0;
    for &i in picker.visible() {
        let g = picker.items()[i].group.as_deref();
        if g.is_some() && g != last_group {
            n += 1;
        }
        last_group = g;
        n += 1;
    }
    n
}

/// One line per heading and item; the flag marks the cursor's line.
fn item_lines<'a>(
    picker: &'a Picker,
    theme: &Theme,
    inner_w: usize,
    focused: bool,
) -> Vec<(Line<'a>, bool)> {
    let mut out = Vec::new();
    let mut last_group: Option<&str> = None;
    let swatch = |item: &crate::app::picker::PickItem| {
        item.color
            .as_deref()
            .and_then(parse_hex)
            .and_then(|rgb| theme.swatch(rgb))
    };
    // When some items have a color, the others keep its room: labels stay
    // in one column.
    let swatches = picker.items().iter().any(|i| swatch(i).is_some());
    for (pos, &i) in picker.visible().iter().enumerate() {
        let item = &picker.items()[i];
        let group = item.group.as_deref();
        if let Some(g) = group
            && group != last_group
        {
            out.push((
                Line::styled(
                    fit(g, inner_w).into_owned(),
                    theme.column_header().add_modifier(Modifier::UNDERLINED),
                ),
                false,
            ));
        }
        last_group = group;
        let chosen = picker.is_chosen(&item.key);
        let removed = picker.is_removed(&item.key);
        let mark = match (picker.is_three_state(), picker.is_multi(), chosen) {
            (true, _, true) => "[+] ",
            (true, _, false) if removed => "[-] ",
            (_, true, true) => "[x] ",
            (_, true, false) => "[ ] ",
            (_, false, true) => "(•) ",
            (_, false, false) => "( ) ",
        };
        let chosen = chosen || removed;
        let indent = if group.is_some() { " " } else { "" };
        let mark = if picker.has_marks() { mark } else { " " };
        let mut spans = vec![
            Span::raw(indent),
            Span::styled(mark, if chosen { theme.accent() } else { theme.dim() }),
        ];
        let mut used = width(indent) + width(mark);
        if let Some(c) = swatch(item) {
            spans.push(Span::styled("● ", Style::new().fg(c)));
            used += 2;
        } else if swatches {
            spans.push(Span::raw("  "));
            used += 2;
        }
        let label = fit(&item.label, inner_w.saturating_sub(used)).into_owned();
        used += width(&label);
        spans.push(if item.dimmed {
            Span::styled(label, theme.dim())
        } else {
            Span::raw(label)
        });
        if let Some(note) = &item.note
            && used + 2 < inner_w
        {
            let note = fit(note, inner_w - used - 1).into_owned();
            spans.push(Span::styled(format!(" {note}"), theme.dim()));
        }
        let is_cursor = pos == picker.cursor();
        let mut line = Line::from(spans);
        if is_cursor && focused || chosen && !picker.has_marks() {
            line = line.style(theme.selected_row());
        }
        out.push((line, is_cursor));
    }
    out
}

/// A box of `w`×`h` centred in `screen` (clipped to it), for popups.
pub fn centered(screen: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(screen.width);
    let h = h.min(screen.height);
    Rect::new(
        screen.x + (screen.width - w) / 2,
        screen.y + (screen.height - h) / 2,
        w,
        h,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::picker::PickItem;
    use crate::ui::ColorMode;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn draw(picker: &Picker, w: u16, h: u16) -> String {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        term.draw(|f| {
            render(
                picker,
                &Theme::new(ColorMode::NoColor),
                f,
                f.area(),
                PickerLook {
                    focused: true,
                    popup: false,
                },
            )
        })
        .unwrap();
        let buf = term.backend().buffer().clone();
        (0..h)
            .map(|y| {
                (0..w)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn statuses() -> Picker {
        let items = vec![
            PickItem::new("s1", "New")
                .group("open")
                .color(Some("#3b82f6")),
            PickItem::new("s2", "Reopened").group("open"),
            PickItem::new("s3", "Waiting on customer")
                .group("pending")
                .note("remind"),
            PickItem::new("s4", "Solved").group("solved"),
        ];
        Picker::multi("Status", items).with_chosen(["s3"])
    }

    #[test]
    fn groups_marks_and_count_are_drawn() {
        let text = draw(&statuses(), 34, 9);
        assert!(text.contains("Status (1)"), "{text}");
        assert!(text.contains("open"), "{text}");
        assert!(text.contains("[ ] New"), "{text}");
        assert!(text.contains("[x] Waiting on customer remind"), "{text}");
    }

    #[test]
    fn the_cursor_stays_in_view_in_a_short_box() {
        let mut p = statuses();
        for _ in 0..3 {
            p.handle_key(&KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
        }
        let text = draw(&p, 34, 4);
        assert!(text.contains("Solved"), "{text}");
        assert!(text.contains("4/4"), "{text}");
    }

    #[test]
    fn narrowing_shows_the_query_and_no_match() {
        let mut p = statuses();
        for c in "zzz".chars() {
            p.handle_key(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        let text = draw(&p, 34, 6);
        assert!(text.contains("/ zzz"), "{text}");
        assert!(text.contains("no match"), "{text}");
    }

    #[test]
    fn labels_stay_in_one_column_when_some_items_have_no_color() {
        let items = vec![
            PickItem::new("a", "billing").color(Some("#ff0000")),
            PickItem::new("b", "legal"),
        ];
        let p = Picker::multi("Tags", items);
        let mut term = Terminal::new(TestBackend::new(30, 5)).unwrap();
        term.draw(|f| {
            render(
                &p,
                &Theme::new(ColorMode::TrueColor),
                f,
                f.area(),
                PickerLook {
                    focused: true,
                    popup: false,
                },
            )
        })
        .unwrap();
        let buf = term.backend().buffer().clone();
        let col = |y: u16, text: &str| {
            let row: String = (0..30).map(|x| buf[(x, y)].symbol().to_string()).collect();
            row.find(text).map(|i| row[..i].chars().count())
        };
        assert_eq!(col(1, "billing"), col(2, "legal"));
    }

    #[test]
    fn a_title_from_the_server_is_sanitized() {
        let p = Picker::single("plan\x1b]0;pwned\x07", vec![PickItem::new("a", "x")]);
        let text = draw(&p, 30, 4);
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text}");
        assert!(text.contains("plan"), "{text}");
    }

    #[test]
    fn tiny_areas_do_not_panic() {
        let p = statuses();
        // Below 4×3 there is no room for a box: nothing is drawn.
        for (w, h) in [(0, 0), (3, 2), (5, 2), (3, 5)] {
            let text = draw(&p, w.max(1), h.max(1));
            assert!(text.trim().is_empty(), "{w}×{h}: {text:?}");
        }
        // From there on, a closed box.
        for (w, h) in [(5, 3), (6, 4)] {
            let text = draw(&p, w, h);
            assert!(
                text.contains('┌') && text.contains('┘'),
                "{w}×{h}: {text:?}"
            );
        }
    }
}
