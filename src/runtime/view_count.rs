//! What the runtime runs for `Effect::FetchViewCount`: the only part of the
//! views that waits on the network (through `TicketSource`), kept apart from
//! the update functions.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::app::source::{FetchError, TicketSource};
use crate::app::views::counts::ViewCount;
use crate::filter::{DateBound, TicketFilter};

/// A view's count; with `new_since`, also how many of its tickets were
/// updated within that long before now (since the agent last looked).
pub async fn count_view<S: TicketSource>(
    source: &S,
    filter: &TicketFilter,
    new_since: Option<Duration>,
) -> Result<ViewCount, FetchError> {
    let total = source.count(filter).await?;
    let new = match new_since {
        Some(ago) => Some(source.count(&updated_within(filter, ago)).await?),
        None => None,
    };
    Ok(ViewCount { total, new })
}

/// The view's filter narrowed to tickets updated in the last `ago`. A lower
/// bound of the view's own that is later still holds.
pub fn updated_within(filter: &TicketFilter, ago: Duration) -> TicketFilter {
    updated_within_at(filter, ago, Utc::now())
}

/// [`updated_within`] at a given wall-clock `now`.
pub fn updated_within_at(filter: &TicketFilter, ago: Duration, now: DateTime<Utc>) -> TicketFilter {
    let since = chrono::Duration::from_std(ago)
        .ok()
        .and_then(|d| now.checked_sub_signed(d))
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    // "updated:<1h" in the view is later than a look 3 hours ago: keep it.
    let own = filter.updated_after.as_ref().and_then(|b| b.resolve(now));
    let later = own.map_or(since, |t| t.max(since));
    TicketFilter {
        updated_after: Some(DateBound::Instant(later)),
        ..filter.clone()
    }
}
