//! Clearing the screen under a popup, wide characters included.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Clear;
use unicode_width::UnicodeWidthStr;

/// Clears `area` for a popup. A double-width character just left of it
/// spills its second half into the popup's first column: a terminal then
/// draws the glyph over the popup's border, and ratatui's diff skips that
/// border cell as "covered", so the border vanishes. Such a character is
/// replaced by a space. (On the right edge nothing is needed: a glyph the
/// popup covers is cleared with it, and ratatui keeps the cell after a wide
/// glyph blank.) Every popup clears through this.
pub fn clear(frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
    cut_wide_edges(frame.buffer_mut(), area);
}

fn cut_wide_edges(buf: &mut Buffer, area: Rect) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    for y in area.top()..area.bottom() {
        // Left: a glyph starting up to (width - 1) cells before the edge.
        for back in 1..=2u16 {
            let Some(x) = area.x.checked_sub(back) else {
                break;
            };
            if x < buf.area.x {
                break;
            }
            let width = buf[(x, y)].symbol().width() as u16;
            if width > back {
                buf[(x, y)].reset();
            }
        }
    }
}
