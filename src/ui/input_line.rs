//! One line of typed text (`tui_input::Input`) drawn in a row: a prompt,
//! horizontal scrolling that keeps the cursor in view, styled byte ranges
//! (tokens the server refused), and the terminal cursor. Also where carets
//! go under it, in the same columns.

use std::borrow::Cow;
use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::Input;
use unicode_width::UnicodeWidthChar;

use super::text::width;
use crate::text::{REPLACEMENT, sanitize};

/// How the text was laid out: enough to put carets under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    /// Column of the text's first visible cell.
    pub x: u16,
    /// Columns of text scrolled out on the left.
    pub scroll: usize,
    /// Cells available for the text.
    pub room: usize,
}

/// One character as drawn: typed text is the user's, but pasted or
/// composed characters could still be controls or bidi overrides, so each
/// one that sanitizing would change is drawn as `�` (one cell), which keeps
/// columns and byte offsets in step.
fn cells(value: &str) -> Vec<(usize, char, usize)> {
    let mut prev = None;
    value
        .char_indices()
        .map(|(i, c)| {
            let shown = if kept_after(prev, c) { c } else { REPLACEMENT };
            prev = Some(c);
            (i, shown, shown.width().unwrap_or(0))
        })
        .collect()
}

/// Whether sanitizing keeps `c` after `prev`: one character at a time,
/// except that the previous one decides for VS16 (kept after an emoji).
fn kept_after(prev: Option<char>, c: char) -> bool {
    let mut buf = [0u8; 8];
    let at = prev.map_or(0, |p| p.encode_utf8(&mut buf).len());
    let end = at + c.encode_utf8(&mut buf[at..]).len();
    let pair = std::str::from_utf8(&buf[..end]).unwrap_or_default();
    match sanitize(pair) {
        Cow::Borrowed(_) => true,
        Cow::Owned(clean) => clean.ends_with(c),
    }
}

/// Column of byte offset `at` in `value`, as drawn.
pub fn column_of(value: &str, at: usize) -> usize {
    cells(value)
        .iter()
        .take_while(|(i, _, _)| *i < at)
        .map(|(_, _, w)| w)
        .sum()
}

/// Draws `prompt` then the input in `area` (one row), `marks` styling byte
/// ranges over `base`. Sets the terminal cursor when `focused`.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    prompt: Span<'_>,
    input: &Input,
    base: Style,
    marks: &[(Range<usize>, Style)],
    focused: bool,
) -> Placed {
    let prompt_w = width(&prompt.content).min(usize::from(area.width));
    let room = usize::from(area.width).saturating_sub(prompt_w + 1).max(1);
    let value = input.value();
    let cells = cells(value);
    let cursor_byte = value
        .char_indices()
        .nth(input.cursor())
        .map_or(value.len(), |(i, _)| i);
    let cursor_col = column_of(value, cursor_byte);
    // Keep the cursor inside the visible window, one cell from the edge.
    let scroll = cursor_col.saturating_sub(room.saturating_sub(1));
    let mut spans = vec![prompt];
    let mut col = 0;
    let mut used = 0;
    for (i, c, w) in cells {
        if col < scroll {
            col += w;
            continue;
        }
        if used + w > room {
            break;
        }
        let style = marks
            .iter()
            .filter(|(r, _)| r.contains(&i))
            .fold(base, |s, (_, m)| s.patch(*m));
        spans.push(Span::styled(c.to_string(), style));
        col += w;
        used += w;
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    let x = area.x + prompt_w as u16;
    if focused {
        let cx = x + (cursor_col - scroll).min(room) as u16;
        frame.set_cursor_position(Position::new(
            cx.min(area.right().saturating_sub(1)),
            area.y,
        ));
    }
    Placed { x, scroll, room }
}

/// A row of carets under byte range `span` of `value` as `placed` drew it
/// (at least one caret, also for an empty span where something is missing).
pub fn caret_row(value: &str, span: &Range<usize>, placed: Placed) -> (u16, String) {
    let start = column_of(value, span.start);
    let end = column_of(value, span.end).max(start + 1);
    let visible_start = start.saturating_sub(placed.scroll).min(placed.room);
    let visible_end = end
        .saturating_sub(placed.scroll)
        .min(placed.room)
        .max(visible_start + 1);
    (
        placed.x + visible_start as u16,
        "^".repeat(visible_end - visible_start),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_emoji_selector_is_kept_and_others_show_as_replacement() {
        let shown = |s: &str| cells(s).iter().map(|c| c.1).collect::<String>();
        assert_eq!(shown("⚠\u{FE0F}!"), "⚠\u{FE0F}!");
        assert_eq!(shown("a\u{FE0F}\u{202E}"), "a\u{FFFD}\u{FFFD}");
        assert_eq!(column_of("⚠\u{FE0F}!", "⚠\u{FE0F}".len()), 1);
    }
}
