//! Text for cells: rows of spans cut to a width, relative times,
//! countdowns; the cell measures themselves live in [`crate::text::cells`]
//! (`app` computes layouts with them too).

use std::time::Duration;

use ratatui::text::{Line, Span};

pub use crate::text::cells::{fit, pad, pad_left, width, wrap};

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

pub use crate::text::count;
pub use crate::text::time::{ago, relative, stamp, time_left};

/// Remaining time of a countdown, rounded up: "0:42", "12:05", "1:02:03".
pub fn countdown(left: Duration) -> String {
    crate::text::clock(crate::text::ceil_secs(left))
}

#[cfg(test)]
mod tests {
    use super::*;

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
