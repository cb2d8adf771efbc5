//! Counting views against the local server over HTTP: `count` is the
//! total of the list, and "new since" narrows it to recent updates without
//! ever widening the view.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use triage::app::TicketSource;
use triage::filter::{DateBound, TicketFilter};
use triage::runtime::view_count::{count_view, updated_within_at};
use triage::server::{self, ServerConfig};

use crate::support::server as helpdesk;

#[tokio::test]
async fn a_count_is_the_lists_total_and_news_are_a_part_of_it() {
    let handle = helpdesk::spawn(ServerConfig {
        tickets: 150,
        ..ServerConfig::default()
    })
    .await;
    let (source, _) = helpdesk::source(&handle, server::DEMO_KEY).await;
    let filter: TicketFilter = "status:open,waiting".parse().unwrap();
    let page = source.page(&filter, 1, 10).await.unwrap();
    let count = source.count(&filter).await.unwrap();
    assert_eq!(count, page.meta.total);
    assert!(count > 0 && count < 150);

    // Generated tickets were updated over the last weeks: none in the last
    // minute, some in the last ten days, never more than the view holds.
    let c = count_view(&source, &filter, Some(Duration::from_secs(60)))
        .await
        .unwrap();
    assert_eq!((c.total, c.new), (count, Some(0)));
    let c = count_view(&source, &filter, Some(Duration::from_secs(10 * 86_400)))
        .await
        .unwrap();
    let new = c.new.unwrap();
    assert!(new > 0 && new <= count, "{new} of {count}");
    assert_eq!(count_view(&source, &filter, None).await.unwrap().new, None);
    handle.shutdown().await;
}

#[test]
fn news_never_widen_the_view() {
    let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
    // The view's own "updated in the last hour" is later than a look three
    // hours ago: it stays the bound.
    let view: TicketFilter = "updated:<1h".parse().unwrap();
    let f = updated_within_at(&view, Duration::from_secs(3 * 3600), now);
    assert_eq!(
        f.updated_after,
        Some(DateBound::Instant(now - chrono::Duration::hours(1)))
    );
    // A look ten minutes ago is the later bound.
    let f = updated_within_at(&view, Duration::from_secs(600), now);
    assert_eq!(
        f.updated_after,
        Some(DateBound::Instant(now - chrono::Duration::minutes(10)))
    );
    // An absurd span does not overflow.
    let f = updated_within_at(&TicketFilter::default(), Duration::MAX, now);
    assert!(f.updated_after.is_some());
}
