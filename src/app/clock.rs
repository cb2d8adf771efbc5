//! Time as `update` sees it: read once per message by the runtime and passed
//! in, so no part of `app` reads a clock and tests pin every reading.

use chrono::{DateTime, FixedOffset, Utc};
use tokio::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// Monotonic: debounces, countdowns, poll intervals.
    pub now: Instant,
    /// Wall-clock: relative dates in filters, snooze times.
    pub wall: DateTime<Utc>,
    /// The agent's UTC offset at `wall`: "tomorrow 9:00" is local.
    pub offset: FixedOffset,
}

impl Clock {
    /// A reading in UTC (tests; a machine without a local zone).
    pub fn utc(now: Instant, wall: DateTime<Utc>) -> Clock {
        Clock {
            now,
            wall,
            offset: FixedOffset::east_opt(0).expect("zero is a valid offset"),
        }
    }

    /// The same reading in another zone.
    pub fn with_offset(self, offset: FixedOffset) -> Clock {
        Clock { offset, ..self }
    }

    /// The wall time where the agent sits.
    pub fn local(&self) -> DateTime<FixedOffset> {
        self.wall.with_timezone(&self.offset)
    }
}
