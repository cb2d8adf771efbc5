//! Width-exact text for cells: display widths (CJK and most emoji are two
//! cells) measured as ratatui's buffer measures them, truncation with "…",
//! padding and word wrapping. Pure: used by `ui` to draw and by `app` to lay
//! out (the detail's wrapped lines are computed in `update`).

use std::borrow::Cow;

use ratatui::buffer::CellWidth;
use unicode_segmentation::UnicodeSegmentation;

/// Cells that `s` takes when ratatui draws it: grapheme by grapheme, each
/// measured the way its buffer measures a cell's symbol, graphemes holding
/// a control character not drawn at all. Measuring per character instead
/// disagrees for emoji presentation sequences ("⚠️" is two cells, its two
/// characters one and zero), and a cut measured one way but checked the
/// other comes out wider than asked.
pub fn width(s: &str) -> usize {
    if s.is_ascii() {
        return s.bytes().filter(|b| !b.is_ascii_control()).count();
    }
    s.graphemes(true).map(grapheme_width).sum()
}

fn grapheme_width(g: &str) -> usize {
    if g.contains(char::is_control) {
        0
    } else {
        usize::from(g.cell_width())
    }
}

/// Cuts `s` to at most `max` cells, ending in "…" when cut. A wide
/// character that would straddle the edge is dropped whole, and so is a
/// grapheme: its marks and selectors are never cut off it.
pub fn fit(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    // Whole graphemes that fit beside the ellipsis.
    let mut used = 0;
    let mut end = 0;
    for (i, g) in s.grapheme_indices(true) {
        used += grapheme_width(g);
        if used > max - 1 {
            break;
        }
        end = i + g.len();
    }
    let mut kept = &s[..end];
    loop {
        let out = format!("{kept}…");
        // Measured again as drawn: the ellipsis could join the last kept
        // grapheme (after a prepended mark), so shorten until it fits.
        if width(&out) <= max || kept.is_empty() {
            return Cow::Owned(out);
        }
        kept = drop_last_grapheme(kept);
    }
}

fn drop_last_grapheme(s: &str) -> &str {
    s.grapheme_indices(true)
        .next_back()
        .map_or("", |(i, _)| &s[..i])
}

/// `s` cut to `w` cells and padded with spaces to exactly `w` (format's
/// own padding counts characters, not cells).
pub fn pad(s: &str, w: usize) -> String {
    let cut = fit(s, w);
    let fill = w.saturating_sub(width(&cut));
    let mut out = String::with_capacity(cut.len() + fill);
    out.push_str(&cut);
    out.extend(std::iter::repeat_n(' ', fill));
    out
}

/// Like [`pad`], the text at the right end of its `w` cells.
pub fn pad_left(s: &str, w: usize) -> String {
    let cut = fit(s, w);
    let fill = w.saturating_sub(width(&cut));
    let mut out: String = std::iter::repeat_n(' ', fill).collect();
    out.push_str(&cut);
    out
}

/// Wraps one line of text to `max` cells, at spaces where possible; a word
/// longer than a line is broken between graphemes. A grapheme wider than
/// the whole line (a CJK character at one cell) cannot be drawn and is
/// left out; at width 0 nothing fits and the result is one empty line.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    // Cells in `line`, trailing spaces included (trimmed when it ends).
    let mut used = 0;
    for word in s.split_inclusive(' ') {
        let word_w = width(word.trim_end_matches(' '));
        if used > 0 && used + word_w > max {
            end_line(&mut lines, &mut line);
            used = 0;
        }
        if used + word_w <= max {
            line.push_str(word);
            used += width(word);
            continue;
        }
        for g in word.graphemes(true) {
            let gw = grapheme_width(g);
            if gw > max || (g == " " && used == 0) {
                continue;
            }
            if used + gw > max {
                end_line(&mut lines, &mut line);
                used = 0;
            }
            line.push_str(g);
            used += gw;
        }
    }
    end_line(&mut lines, &mut line);
    lines
}

fn end_line(lines: &mut Vec<String>, line: &mut String) {
    lines.push(line.trim_end().to_string());
    line.clear();
}
