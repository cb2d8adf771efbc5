//! Text for cells: rows of spans cut to a width, relative times,
//! countdowns; the cell measures themselves live in [`crate::text::cells`]
//! (`app` computes layouts with them too).

use std::time::Duration;

use chrono::{DateTime, Utc};
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
