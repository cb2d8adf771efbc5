//! A state drawn once into ratatui's `TestBackend`, and the drawn cells read
//! back as text.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use tokio::time::Instant;
use triage::app::State;
use triage::ui::{ColorMode, RenderContext, Theme, render};

use super::ui_fixtures::wall_now;

/// `state` drawn on a `w`×`h` screen at `now` (and the fixtures' wall time).
pub fn draw_sized(state: &State, w: u16, h: u16, mode: ColorMode, now: Instant) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let ctx = RenderContext {
        now,
        wall_now: wall_now(),
        theme: Theme::new(mode),
    };
    terminal.draw(|f| render(state, &ctx, f)).unwrap();
    terminal.backend().buffer().clone()
}

/// `state` drawn on a screen of its own size at `now`.
pub fn draw_at(state: &State, mode: ColorMode, now: Instant) -> Buffer {
    let (w, h) = (state.size.width, state.size.height);
    draw_sized(state, w, h, mode, now)
}

/// `state` drawn on a screen of its own size, now.
pub fn draw(state: &State, mode: ColorMode) -> Buffer {
    draw_at(state, mode, Instant::now())
}

/// Row `y`, every cell's symbol in turn.
pub fn line(buf: &Buffer, y: u16) -> String {
    (0..buf.area.width)
        .map(|x| buf[(x, y)].symbol().to_string())
        .collect::<String>()
}

/// Every row, as [`line`] reads it.
pub fn lines(buf: &Buffer) -> Vec<String> {
    (0..buf.area.height).map(|y| line(buf, y)).collect()
}

/// The rows without trailing blanks, joined by newlines.
pub fn trimmed_text(buf: &Buffer) -> String {
    (0..buf.area.height)
        .map(|y| line(buf, y).trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The screen as text, wide characters counted once, each row trimmed and
/// ended by a newline (for snapshots).
pub fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut x = 0;
        while x < buf.area.width {
            let symbol = buf[(x, y)].symbol();
            line.push_str(symbol);
            // A wide character covers the next cell too.
            x += unicode_width::UnicodeWidthStr::width(symbol).max(1) as u16;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Panics when a drawn cell carries a control character or a bidi or
/// zero-width format character: server text must be sanitized before it
/// reaches the screen, at any size.
pub fn assert_clean(buf: &Buffer) {
    let bad = |c: char| {
        c.is_control()
            || matches!(
                c,
                '\u{200B}'..='\u{200F}'
                    | '\u{202A}'..='\u{202E}'
                    | '\u{2066}'..='\u{2069}'
                    | '\u{061C}'
                    | '\u{FEFF}'
                    | '\u{2028}'
                    | '\u{2029}'
            )
    };
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let symbol = buf[(x, y)].symbol();
            assert!(
                !symbol.chars().any(bad),
                "cell ({x}, {y}) draws {symbol:?} in row {:?}",
                line(buf, y)
            );
        }
    }
}
