//! The Dates pane: four bounds (created/updated after/before), each typed
//! as text and validated on every key, so the pane can show what the text
//! resolves to before anything is sent.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::filter::text::parse::date_bound;
use crate::filter::{DateBound, TicketFilter};

/// One of the four date bounds of `GET /tickets`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateSlot {
    CreatedAfter,
    CreatedBefore,
    UpdatedAfter,
    UpdatedBefore,
}

impl DateSlot {
    pub const ALL: [DateSlot; 4] = [
        DateSlot::CreatedAfter,
        DateSlot::CreatedBefore,
        DateSlot::UpdatedAfter,
        DateSlot::UpdatedBefore,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DateSlot::CreatedAfter => "created after",
            DateSlot::CreatedBefore => "created before",
            DateSlot::UpdatedAfter => "updated after",
            DateSlot::UpdatedBefore => "updated before",
        }
    }

    /// The query parameter this bound becomes (and a 400 names).
    pub fn param(self) -> &'static str {
        match self {
            DateSlot::CreatedAfter => "created_after",
            DateSlot::CreatedBefore => "created_before",
            DateSlot::UpdatedAfter => "updated_after",
            DateSlot::UpdatedBefore => "updated_before",
        }
    }

    pub fn from_param(param: &str) -> Option<DateSlot> {
        DateSlot::ALL.into_iter().find(|s| s.param() == param)
    }

    pub fn get(self, f: &TicketFilter) -> Option<&DateBound> {
        match self {
            DateSlot::CreatedAfter => f.created_after.as_ref(),
            DateSlot::CreatedBefore => f.created_before.as_ref(),
            DateSlot::UpdatedAfter => f.updated_after.as_ref(),
            DateSlot::UpdatedBefore => f.updated_before.as_ref(),
        }
    }

    pub fn set(self, f: &mut TicketFilter, bound: Option<DateBound>) {
        *match self {
            DateSlot::CreatedAfter => &mut f.created_after,
            DateSlot::CreatedBefore => &mut f.created_before,
            DateSlot::UpdatedAfter => &mut f.updated_after,
            DateSlot::UpdatedBefore => &mut f.updated_before,
        } = bound;
    }
}

/// What the pane accepts, for the one-line message under a bad input.
pub const DATE_FORMS: &str = "use 2026-11-01, 2026-11-01T09:30:00Z, 7d, 24h, today or yesterday";

/// Reads a date input. Empty text clears the bound (`Ok(None)`).
///
/// Accepts what the filter line accepts (a date, an RFC 3339 / ISO 8601
/// instant, an instant without offset read as UTC, `today`, `yesterday`,
/// a span such as `30m`, `24h`, `7d`, `2w`), plus a space instead of the
/// `T` between date and time, as people type it.
pub fn parse_date_input(text: &str) -> Result<Option<DateBound>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let with_t = match text.split_once(' ') {
        Some((date, time)) if !time.trim().is_empty() => format!("{date}T{}", time.trim()),
        _ => text.to_string(),
    };
    date_bound(text)
        .or_else(|| date_bound(&with_t))
        .map(Some)
        .ok_or_else(|| format!("'{text}' is not a date: {DATE_FORMS}"))
}

/// "2026-11-22T10:20:30Z": the instant the bound is sent as at `now`
/// (what the request will carry), or why it cannot be.
pub fn resolved_text(bound: &DateBound, now: DateTime<Utc>) -> Result<String, String> {
    bound
        .resolve(now)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .ok_or_else(|| "out of the representable date range".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::{RelativeSpan, SpanUnit};
    use chrono::NaiveDate;

    fn pinned_wall() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-29T10:20:30Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn resolved(text: &str) -> String {
        resolved_text(&parse_date_input(text).unwrap().unwrap(), pinned_wall()).unwrap()
    }

    #[test]
    fn every_accepted_form_resolves() {
        assert_eq!(resolved("2026-11-01"), "2026-11-01T00:00:00Z");
        assert_eq!(
            resolved("2026-11-01T09:30:00+02:00"),
            "2026-11-01T07:30:00Z"
        );
        assert_eq!(resolved("2026-11-01T09:30"), "2026-11-01T09:30:00Z");
        assert_eq!(resolved("2026-11-01 09:30"), "2026-11-01T09:30:00Z");
        assert_eq!(resolved("7d"), "2026-11-22T10:20:30Z");
        assert_eq!(resolved("24h"), "2026-11-28T10:20:30Z");
        assert_eq!(resolved("today"), "2026-11-29T00:00:00Z");
        assert_eq!(resolved("Yesterday"), "2026-11-28T00:00:00Z");
        assert_eq!(parse_date_input("  "), Ok(None));
    }

    #[test]
    fn bad_text_is_refused_with_the_accepted_forms() {
        for bad in ["2026-13-01", "7x", "tomorrow", "11/01/2026", "d7"] {
            let err = parse_date_input(bad).unwrap_err();
            assert!(err.contains(DATE_FORMS), "{err}");
            assert!(err.contains(bad), "{err}");
        }
    }

    #[test]
    fn input_text_reads_back_as_the_same_bound() {
        let bounds = [
            DateBound::Date(NaiveDate::from_ymd_opt(2026, 1, 2).unwrap()),
            DateBound::Instant(pinned_wall()),
            DateBound::Today,
            DateBound::Yesterday,
            DateBound::Ago(RelativeSpan {
                amount: 3,
                unit: SpanUnit::Weeks,
            }),
        ];
        for b in bounds {
            assert_eq!(parse_date_input(&b.typed()), Ok(Some(b)));
        }
    }

    #[test]
    fn slots_map_to_their_parameters() {
        let mut f = TicketFilter::default();
        for slot in DateSlot::ALL {
            slot.set(&mut f, Some(DateBound::Today));
            assert_eq!(slot.get(&f), Some(&DateBound::Today));
            assert_eq!(DateSlot::from_param(slot.param()), Some(slot));
        }
        assert_eq!(DateSlot::from_param("created"), None);
    }
}
