//! When a snoozed ticket comes back: the text an agent types in the `z`
//! dialog (`1h`, `4h`, `tomorrow 9:00`, `next monday`, an ISO 8601 instant)
//! turned into an instant.
//!
//! Days and times of day are read in the agent's own time zone (passed in,
//! so tests pin it): "tomorrow 9:00" means nine in the morning where the
//! agent sits, not in UTC. A day without a time means 9:00, the start of a
//! working day.

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday,
};

/// Time of day for a day named without one ("tomorrow", "next monday").
pub const DEFAULT_HOUR: u32 = 9;

/// The choices offered under the input, in order.
pub const PRESETS: &[&str] = &["1h", "4h", "tomorrow 9:00", "next monday"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnoozeError {
    #[error(
        "type when the ticket comes back: 1h, 4h, tomorrow 9:00, next monday, or 2026-12-01T09:00Z"
    )]
    Empty,
    #[error(
        "'{0}' is not a time: use 30m, 4h, 2d, tomorrow 9:00, next monday, or an ISO 8601 instant"
    )]
    Unreadable(String),
    #[error("'{0}' is in the past: a reminder must be in the future")]
    Past(String),
    #[error("'{0}' is not a time of day (use 9:00, 17:30, 9am or 5pm)")]
    BadTime(String),
}

/// Reads `input` at `now` (in the agent's time zone) into the instant the
/// reminder fires. The result is always after `now`.
pub fn parse_remind_at<Tz: TimeZone>(
    input: &str,
    now: &DateTime<Tz>,
) -> Result<DateTime<Utc>, SnoozeError> {
    let text = input.trim().to_lowercase();
    let text = text.strip_prefix("in ").unwrap_or(&text).trim();
    if text.is_empty() {
        return Err(SnoozeError::Empty);
    }
    let shown = crate::text::excerpt(input.trim(), 40);
    let at = if let Some(span) = parse_span(text) {
        // Checked: a span is small, but `now` is whatever the clock says.
        now.with_timezone(&Utc)
            .checked_add_signed(span)
            .ok_or_else(|| SnoozeError::Unreadable(shown.clone()))?
    } else if let Some(at) = parse_instant(input.trim(), &now.timezone()) {
        at
    } else {
        parse_day_and_time(text, now, &shown)?
    };
    if at <= now.with_timezone(&Utc) {
        return Err(SnoozeError::Past(shown));
    }
    Ok(at)
}

/// `30m`, `4h`, `2d`, `1w` (also `4 hours`, `90 min`).
fn parse_span(s: &str) -> Option<Duration> {
    let digits = s.find(|c: char| !c.is_ascii_digit())?;
    let amount: i64 = s[..digits].parse().ok()?;
    if amount == 0 || amount > 10_000 {
        return None;
    }
    let unit = s[digits..].trim();
    Some(match unit {
        "m" | "min" | "mins" | "minute" | "minutes" => Duration::minutes(amount),
        "h" | "hr" | "hrs" | "hour" | "hours" => Duration::hours(amount),
        "d" | "day" | "days" => Duration::days(amount),
        "w" | "wk" | "week" | "weeks" => Duration::weeks(amount),
        _ => return None,
    })
}

/// ISO 8601: a full instant with offset, or a local date-time / date.
fn parse_instant<Tz: TimeZone>(s: &str, tz: &Tz) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(s) {
        return Some(at.with_timezone(&Utc));
    }
    // `2026-12-01T09:00Z` (no seconds) is ISO 8601 too, and what people type.
    if let Some(stem) = s.strip_suffix('Z').or_else(|| s.strip_suffix('z'))
        && let Ok(naive) = NaiveDateTime::parse_from_str(stem, "%Y-%m-%dT%H:%M")
    {
        return Some(naive.and_utc());
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, format) {
            return local(tz, naive);
        }
    }
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    local(
        tz,
        date.and_time(NaiveTime::from_hms_opt(DEFAULT_HOUR, 0, 0)?),
    )
}

/// A wall-clock time in `tz`; in a DST gap the later reading, so "2:30"
/// on a spring-forward night still gives an instant.
fn local<Tz: TimeZone>(tz: &Tz, naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&naive)
        .earliest()
        .or_else(|| {
            // Near the end of chrono's range there is no "an hour later".
            let later = naive.checked_add_signed(Duration::hours(1))?;
            tz.from_local_datetime(&later).earliest()
        })
        .map(|t| t.with_timezone(&Utc))
}

/// `today 17:00`, `tomorrow`, `tomorrow 9:00`, `monday`, `next mon 10am`, `17:30`.
fn parse_day_and_time<Tz: TimeZone>(
    s: &str,
    now: &DateTime<Tz>,
    shown: &str,
) -> Result<DateTime<Utc>, SnoozeError> {
    let unreadable = || SnoozeError::Unreadable(shown.to_string());
    let words: Vec<&str> = s.split_whitespace().collect();
    let today = now.date_naive();
    let (day, rest): (Option<NaiveDate>, &[&str]) = match words.as_slice() {
        ["today", rest @ ..] => (Some(today), rest),
        ["tomorrow", rest @ ..] => (Some(today.succ_opt().ok_or_else(unreadable)?), rest),
        ["next", "week", rest @ ..] => (Some(next_weekday(today, Weekday::Mon)), rest),
        ["next", day, rest @ ..] => (
            Some(next_weekday(today, weekday(day).ok_or_else(unreadable)?)),
            rest,
        ),
        [day, rest @ ..] if weekday(day).is_some() => {
            (weekday(day).map(|w| next_weekday(today, w)), rest)
        }
        rest => (None, rest),
    };
    let time = match rest {
        [] if day.is_some() => NaiveTime::from_hms_opt(DEFAULT_HOUR, 0, 0),
        [] => return Err(unreadable()),
        // A lone word that is not a time is not a time of day gone wrong.
        [t] if day.is_none() => Some(time_of_day(t).ok_or_else(unreadable)?),
        ["at", t] | [t] => Some(time_of_day(t).ok_or_else(|| SnoozeError::BadTime(t.to_string()))?),
        // "5 pm"
        [t, m @ ("am" | "pm")] | ["at", t, m @ ("am" | "pm")] => Some(
            time_of_day(&format!("{t}{m}"))
                .ok_or_else(|| SnoozeError::BadTime(format!("{t} {m}")))?,
        ),
        _ => return Err(unreadable()),
    }
    .ok_or_else(unreadable)?;
    let at = match day {
        Some(day) => local(&now.timezone(), day.and_time(time)),
        // A time alone is its next occurrence: "17:00" after five means tomorrow.
        None => {
            let today_at = local(&now.timezone(), today.and_time(time));
            match today_at {
                Some(t) if t > now.with_timezone(&Utc) => Some(t),
                _ => today
                    .succ_opt()
                    .and_then(|tomorrow| local(&now.timezone(), tomorrow.and_time(time))),
            }
        }
    };
    at.ok_or_else(unreadable)
}

fn weekday(s: &str) -> Option<Weekday> {
    Some(match s {
        "mon" | "monday" => Weekday::Mon,
        "tue" | "tues" | "tuesday" => Weekday::Tue,
        "wed" | "wednesday" => Weekday::Wed,
        "thu" | "thur" | "thurs" | "thursday" => Weekday::Thu,
        "fri" | "friday" => Weekday::Fri,
        "sat" | "saturday" => Weekday::Sat,
        "sun" | "sunday" => Weekday::Sun,
        _ => return None,
    })
}

/// The first `wanted` strictly after `today` ("next monday" on a Monday
/// is a week away, on a Sunday tomorrow).
fn next_weekday(today: NaiveDate, wanted: Weekday) -> NaiveDate {
    let ahead = (7 + wanted.num_days_from_monday() as i64
        - today.weekday().num_days_from_monday() as i64)
        % 7;
    today
        .checked_add_signed(Duration::days(if ahead == 0 { 7 } else { ahead }))
        .unwrap_or(today)
}

/// `9`, `9:00`, `09:30`, `17:45`, `9am`, `5pm`, `12:30pm`.
fn time_of_day(s: &str) -> Option<NaiveTime> {
    let (clock, pm) = match s {
        s if s.ends_with("am") => (&s[..s.len() - 2], Some(false)),
        s if s.ends_with("pm") => (&s[..s.len() - 2], Some(true)),
        s => (s, None),
    };
    let (h, m) = match clock.split_once(':') {
        Some((h, m)) if m.len() == 2 => (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?),
        Some(_) => return None,
        None => (clock.parse::<u32>().ok()?, 0),
    };
    let h = match pm {
        Some(_) if h == 0 || h > 12 => return None,
        Some(true) => h % 12 + 12,
        Some(false) => h % 12,
        None => h,
    };
    NaiveTime::from_hms_opt(h, m, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    /// Sunday 2026-11-29 14:20 at UTC+1.
    fn sunday_afternoon() -> DateTime<FixedOffset> {
        FixedOffset::east_opt(3600)
            .unwrap()
            .with_ymd_and_hms(2026, 11, 29, 14, 20, 0)
            .unwrap()
    }

    fn at(s: &str) -> String {
        parse_remind_at(s, &sunday_afternoon())
            .unwrap()
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }

    #[test]
    fn spans_count_from_the_moment_typed() {
        assert_eq!(at("1h"), "2026-11-29 14:20");
        assert_eq!(at("4h"), "2026-11-29 17:20");
        assert_eq!(at("in 30m"), "2026-11-29 13:50");
        assert_eq!(at("2 days"), "2026-12-01 13:20");
        assert_eq!(at("1w"), "2026-12-06 13:20");
    }

    #[test]
    fn days_and_times_are_local() {
        // 9:00 at UTC+1 is 8:00 UTC.
        assert_eq!(at("tomorrow 9:00"), "2026-11-30 08:00");
        assert_eq!(at("tomorrow"), "2026-11-30 08:00");
        assert_eq!(at("Tomorrow 5pm"), "2026-11-30 16:00");
        assert_eq!(at("tomorrow at 5 pm"), "2026-11-30 16:00");
        assert_eq!(at("next monday"), "2026-11-30 08:00");
        assert_eq!(at("next sun 10am"), "2026-12-06 09:00");
        assert_eq!(at("friday 12:30pm"), "2026-12-04 11:30");
        assert_eq!(at("today 17:00"), "2026-11-29 16:00");
        // A time alone: today if still ahead, else tomorrow.
        assert_eq!(at("18:00"), "2026-11-29 17:00");
        assert_eq!(at("8:00"), "2026-11-30 07:00");
    }

    #[test]
    fn iso_8601_instants() {
        assert_eq!(at("2026-12-01T09:00:00Z"), "2026-12-01 09:00");
        assert_eq!(at("2026-12-01T09:00Z"), "2026-12-01 09:00");
        assert_eq!(at("2026-12-01T09:00:00+02:00"), "2026-12-01 07:00");
        assert_eq!(at("2026-12-01 09:00"), "2026-12-01 08:00");
        assert_eq!(at("2026-12-01"), "2026-12-01 08:00");
    }

    #[test]
    fn mistakes_say_what_to_type() {
        let err = |s: &str| parse_remind_at(s, &sunday_afternoon()).unwrap_err();
        assert_eq!(err("  "), SnoozeError::Empty);
        assert!(matches!(err("soonish"), SnoozeError::Unreadable(_)));
        assert!(matches!(err("next blursday"), SnoozeError::Unreadable(_)));
        assert!(matches!(err("tomorrow 25:00"), SnoozeError::BadTime(_)));
        assert!(matches!(err("today 9:00"), SnoozeError::Past(_)));
        assert!(matches!(err("2020-01-01T00:00:00Z"), SnoozeError::Past(_)));
        assert!(matches!(err("0h"), SnoozeError::Unreadable(_)));
        assert!(err("soonish").to_string().contains("tomorrow 9:00"));
    }
}

#[cfg(test)]
mod far_future {
    use super::*;
    use chrono::FixedOffset;

    #[test]
    fn the_last_representable_minute_is_refused_not_a_panic() {
        let now = FixedOffset::west_opt(3600)
            .unwrap()
            .with_ymd_and_hms(2026, 11, 29, 14, 20, 0)
            .unwrap();
        for input in [
            "+262142-12-31T23:30",
            "+262142-12-31 23:59",
            "+262142-12-31",
            "262142-12-31T23:30:00",
        ] {
            // Out of range in UTC from a zone behind it: unreadable, not a panic.
            // (The date alone means 9:00, which still fits.)
            let result = parse_remind_at(input, &now);
            assert!(
                matches!(result, Ok(_) | Err(SnoozeError::Unreadable(_))),
                "{input}: {result:?}"
            );
        }
    }
}
