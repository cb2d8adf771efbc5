//! Instants and spans of time as words: "5m", "just now", "3h ago",
//! "2026-11-22 01:39 UTC (7d ago)", countdowns to a reminder. Pure: the
//! caller passes `now`.

use chrono::{DateTime, Utc};

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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

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
}
