//! Width-exact text for cells: display widths (CJK and most emoji are two
//! cells), truncation with "…", word wrapping, relative times, countdowns.

use std::borrow::Cow;
use std::time::Duration;

use chrono::{DateTime, Utc};
use ratatui::buffer::CellWidth;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;

/// Cuts a row of spans to `max` cells, the last one kept ending in "…".
pub fn fit_spans(spans: Vec<Span<'static>>, max: usize) -> Line<'static> {
    let mut used = 0;
    let mut out = Vec::with_capacity(spans.len());
    for span in spans {
        let w = width(&span.content);
        if used + w <= max {
            used += w;
            out.push(span);
            continue;
        }
        let cut = fit(&span.content, max.saturating_sub(used)).into_owned();
        out.push(Span::styled(cut, span.style));
        break;
    }
    Line::from(out)
}

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

/// "now", "5m", "3h", "2d", "7w", "2y": age of `t` at `now`.
pub fn relative(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - t).num_seconds();
    if secs < 60 {
        return "now".into();
    }
    span(secs as u64)
}

/// "just now", "5m ago": `relative` as words read in a sentence.
pub fn ago(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    match relative(t, now).as_str() {
        "now" => "just now".into(),
        span => format!("{span} ago"),
    }
}

pub use crate::text::count;

/// An instant as the detail pane shows it everywhere:
/// "2026-11-22 01:39 UTC (7d ago)", or "(in 3d)" for one still to come.
pub fn stamp(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let day = t.format("%Y-%m-%d %H:%M UTC");
    if (t - now).num_seconds() >= 60 {
        format!("{day} (in {})", span((t - now).num_seconds() as u64))
    } else {
        format!("{day} ({})", ago(t, now))
    }
}

/// Time left until `t`: "3h", "12m", or "due" once passed.
pub fn time_left(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (t - now).num_seconds();
    if secs <= 0 {
        return "due".into();
    }
    if secs < 60 {
        return "<1m".into();
    }
    span(secs as u64)
}

fn span(secs: u64) -> String {
    let (m, h, d) = (secs / 60, secs / 3600, secs / 86_400);
    if m < 60 {
        format!("{m}m")
    } else if h < 24 {
        format!("{h}h")
    } else if d < 14 {
        format!("{d}d")
    } else if d < 365 {
        format!("{}w", d / 7)
    } else {
        format!("{}y", d / 365)
    }
}

/// Remaining time of a countdown, rounded up: "0:42", "12:05", "1:02:03".
pub fn countdown(left: Duration) -> String {
    crate::text::clock(crate::text::ceil_secs(left))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn fit_counts_cells_not_chars() {
        assert_eq!(fit("hello", 5), "hello");
        assert_eq!(fit("hello world", 6), "hello…");
        // Each CJK character is two cells: 2+2+1 = 5.
        assert_eq!(fit("返金の件について", 6), "返金…");
        assert_eq!(width(&fit("返金の件について", 6)), 5);
        assert_eq!(fit("🙂🙂🙂", 4), "🙂…");
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn wrap_at_spaces_and_long_words() {
        assert_eq!(
            wrap("the quick brown fox", 9),
            vec!["the quick", "brown fox"]
        );
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), vec![""]);
        for line in wrap("返金の件について 詳しく", 5) {
            assert!(width(&line) <= 5, "{line}");
        }
    }

    #[test]
    fn relative_times() {
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
        let ago = |s: i64| relative(now - chrono::Duration::seconds(s), now);
        assert_eq!(ago(5), "now");
        assert_eq!(ago(-30), "now"); // clock skew
        assert_eq!(ago(5 * 60), "5m");
        assert_eq!(ago(3 * 3600 + 59), "3h");
        assert_eq!(ago(2 * 86_400), "2d");
        assert_eq!(ago(30 * 86_400), "4w");
        assert_eq!(time_left(now + chrono::Duration::hours(3), now), "3h");
        assert_eq!(time_left(now - chrono::Duration::hours(3), now), "due");
        assert_eq!(
            stamp(now - chrono::Duration::days(7), now),
            "2026-11-22 12:00 UTC (7d ago)"
        );
        assert_eq!(
            stamp(now + chrono::Duration::days(3), now),
            "2026-12-02 12:00 UTC (in 3d)"
        );
    }

    #[test]
    fn countdowns() {
        assert_eq!(countdown(Duration::from_millis(41_200)), "0:42");
        assert_eq!(countdown(Duration::from_secs(60)), "1:00");
        assert_eq!(countdown(Duration::from_secs(3600)), "1:00:00");
        assert_eq!(countdown(Duration::from_secs(3723)), "1:02:03");
        assert_eq!(countdown(Duration::ZERO), "0:00");
    }

    proptest::proptest! {
        #[test]
        fn fit_never_overflows(s in "\\PC{0,40}", max in 0usize..30) {
            let out = fit(&s, max);
            proptest::prop_assert!(width(&out) <= max);
            if width(&s) <= max {
                proptest::prop_assert_eq!(out.as_ref(), s.as_str());
            } else if max > 0 {
                proptest::prop_assert!(out.ends_with('…'));
                proptest::prop_assert!(s.starts_with(out.trim_end_matches('…')));
            }
        }

        #[test]
        fn wrap_keeps_every_word_within_the_width(s in "[a-z返金🙂 ]{0,60}", max in 2usize..20) {
            let lines = wrap(&s, max);
            for line in &lines {
                proptest::prop_assert!(width(line) <= max, "{:?}", line);
            }
            let joined: String = lines.concat().chars().filter(|c| *c != ' ').collect();
            let original: String = s.chars().filter(|c| *c != ' ').collect();
            proptest::prop_assert_eq!(joined, original);
        }
    }
}
