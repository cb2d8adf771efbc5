//! Timing decisions of the client, as pure functions of their inputs so they
//! can be tested without a clock: how long a 429 blocks us, and how long to
//! back off before retrying a failed GET.

use std::time::{Duration, SystemTime};

/// Wait assumed when a 429 names no retry time at all (CONTRACT.md §3).
pub const DEFAULT_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);

/// Shortest block after a 429. A `Retry-After` date in the past or `0`
/// would otherwise let a busy UI hammer a server that just said "too many".
pub const MIN_RATE_LIMIT_WAIT: Duration = Duration::from_secs(1);

/// Longest block after a 429. A server asking for more than a day is
/// misconfigured or sending garbage; after a day we ask again (and get a
/// fresh 429 if it meant it). The user can always override earlier.
pub const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// How long to wait after a 429, from the body's `retryAfter` (seconds) and
/// the `Retry-After` header (delta-seconds or an HTTP-date, RFC 9110
/// §10.2.3), measured from the wall-clock `now`.
///
/// Both are turned into instants and the later one wins; when neither is
/// usable the wait is [`DEFAULT_RATE_LIMIT_WAIT`]. Garbage (negative, not a
/// number, not a date) counts as absent. The result is clamped to
/// [`MIN_RATE_LIMIT_WAIT`]..=[`MAX_RATE_LIMIT_WAIT`].
pub fn rate_limit_wait(
    now: SystemTime,
    retry_after_header: Option<&str>,
    body_retry_after: Option<&serde_json::Value>,
) -> Duration {
    let from_header = retry_after_header.and_then(|h| header_wait(now, h));
    let from_body = body_retry_after.and_then(body_wait);
    let wait = match (from_header, from_body) {
        (Some(h), Some(b)) => h.max(b),
        (Some(w), None) | (None, Some(w)) => w,
        (None, None) => DEFAULT_RATE_LIMIT_WAIT,
    };
    wait.clamp(MIN_RATE_LIMIT_WAIT, MAX_RATE_LIMIT_WAIT)
}

/// `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`.
fn header_wait(now: SystemTime, value: &str) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // All digits but too long for u64 is still "a very long time".
        return Some(
            value
                .parse::<u64>()
                .map_or(MAX_RATE_LIMIT_WAIT, Duration::from_secs),
        );
    }
    let date = httpdate::parse_http_date(value).ok()?;
    // A date already past means "retry now"; the clamp turns it into the
    // minimum wait.
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// `"retryAfter": 3600`, also tolerated as `3600.5` or `"3600"`.
fn body_wait(value: &serde_json::Value) -> Option<Duration> {
    let secs = match value {
        serde_json::Value::Number(n) => n.as_f64()?,
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    let capped = secs.ceil().min(MAX_RATE_LIMIT_WAIT.as_secs_f64());
    Some(Duration::from_secs_f64(capped))
}

/// Capped exponential backoff for GET retries; the actual delay is drawn
/// uniformly from `0..=ceiling` ("full jitter"), so clients that failed
/// together do not come back together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_millis(200),
            cap: Duration::from_secs(2),
        }
    }
}

impl Backoff {
    /// Upper bound of the delay before retry number `attempt` (0-based):
    /// `min(cap, base * 2^attempt)`.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// The delay before retry number `attempt`, with full jitter.
    pub fn delay(&self, attempt: u32) -> Duration {
        let ceiling = self.ceiling(attempt);
        let ceiling_us = u64::try_from(ceiling.as_micros()).unwrap_or(u64::MAX);
        if ceiling_us == 0 {
            return Duration::ZERO;
        }
        Duration::from_micros(rand::random_range(0..=ceiling_us))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    // 2026-10-21T07:28:00Z
    const DATE_SECS: u64 = 1_792_567_680;
    const DATE: &str = "Wed, 21 Oct 2026 07:28:00 GMT";

    #[test]
    fn the_date_constant_is_what_it_claims() {
        assert_eq!(httpdate::fmt_http_date(at(DATE_SECS)), DATE);
    }

    #[test]
    fn neither_means_sixty_seconds() {
        assert_eq!(rate_limit_wait(at(0), None, None), Duration::from_secs(60));
    }

    #[test]
    fn header_seconds_against_body_later_wins() {
        let now = at(1_000);
        assert_eq!(
            rate_limit_wait(now, Some("120"), Some(&json!(30))),
            Duration::from_secs(120)
        );
        assert_eq!(
            rate_limit_wait(now, Some("30"), Some(&json!(3600))),
            Duration::from_secs(3600)
        );
        assert_eq!(
            rate_limit_wait(now, Some(" 45 "), None),
            Duration::from_secs(45)
        );
        assert_eq!(
            rate_limit_wait(now, None, Some(&json!("90"))),
            Duration::from_secs(90)
        );
    }

    #[test]
    fn http_date_against_body_later_wins() {
        let now = at(DATE_SECS - 300);
        assert_eq!(
            rate_limit_wait(now, Some(DATE), Some(&json!(60))),
            Duration::from_secs(300)
        );
        assert_eq!(
            rate_limit_wait(now, Some(DATE), Some(&json!(900))),
            Duration::from_secs(900)
        );
        // The obsolete RFC 850 and asctime forms are HTTP-dates too.
        assert_eq!(
            rate_limit_wait(now, Some("Wednesday, 21-Oct-26 07:28:00 GMT"), None),
            Duration::from_secs(300)
        );
    }

    #[test]
    fn past_date_or_zero_is_the_minimum_not_the_default() {
        let now = at(DATE_SECS + 10);
        assert_eq!(rate_limit_wait(now, Some(DATE), None), MIN_RATE_LIMIT_WAIT);
        assert_eq!(rate_limit_wait(now, Some("0"), None), MIN_RATE_LIMIT_WAIT);
    }

    #[test]
    fn garbage_is_ignored() {
        let now = at(1_000);
        for junk in ["soon", "-5", "12s", "", "1.5", "Thu, 99 Foo 2026"] {
            assert_eq!(
                rate_limit_wait(now, Some(junk), None),
                DEFAULT_RATE_LIMIT_WAIT,
                "{junk:?}"
            );
            assert_eq!(
                rate_limit_wait(now, Some(junk), Some(&json!(7))),
                Duration::from_secs(7),
                "{junk:?}"
            );
        }
        for junk in [
            json!(-3),
            json!("x"),
            json!(null),
            json!({"s": 1}),
            json!([5]),
        ] {
            assert_eq!(
                rate_limit_wait(now, Some("20"), Some(&junk)),
                Duration::from_secs(20),
                "{junk}"
            );
        }
    }

    #[test]
    fn fractional_body_rounds_up() {
        assert_eq!(
            rate_limit_wait(at(0), None, Some(&json!(2.1))),
            Duration::from_secs(3)
        );
    }

    #[test]
    fn absurd_values_are_capped_at_a_day() {
        let now = at(0);
        assert_eq!(
            rate_limit_wait(now, Some("99999999999999999999999"), None),
            MAX_RATE_LIMIT_WAIT
        );
        assert_eq!(
            rate_limit_wait(now, None, Some(&json!(1e300))),
            MAX_RATE_LIMIT_WAIT
        );
        assert_eq!(rate_limit_wait(now, Some(DATE), None), MAX_RATE_LIMIT_WAIT);
    }

    #[test]
    fn backoff_grows_then_caps() {
        let b = Backoff::default();
        assert_eq!(b.ceiling(0), Duration::from_millis(200));
        assert_eq!(b.ceiling(1), Duration::from_millis(400));
        assert_eq!(b.ceiling(2), Duration::from_millis(800));
        assert_eq!(b.ceiling(3), Duration::from_millis(1600));
        assert_eq!(b.ceiling(4), Duration::from_secs(2));
        assert_eq!(b.ceiling(u32::MAX), Duration::from_secs(2));
        for attempt in 0..6 {
            for _ in 0..50 {
                assert!(b.delay(attempt) <= b.ceiling(attempt));
            }
        }
        let zero = Backoff {
            base: Duration::ZERO,
            cap: Duration::ZERO,
        };
        assert_eq!(zero.delay(3), Duration::ZERO);
    }
}
