//! `ApiSource` (the UI's ticket source) against the local helpdesk server
//! over real HTTP on 127.0.0.1: filters become the right requests, errors
//! become what the UI shows, and the catalog names assignees.

use std::sync::Arc;
use std::time::Duration;

use triage::app::{Directory, FetchError, TicketSource};
use triage::filter::TicketFilter;
use triage::runtime::ApiSource;
use triage::server::{self, RateLimitFault, ServerConfig};

use crate::support::server as helpdesk;

async fn source_for(
    config: ServerConfig,
    key: &str,
) -> (server::ServerHandle, ApiSource, Arc<triage::api::Catalog>) {
    let handle = helpdesk::spawn(config).await;
    let (source, catalog) = helpdesk::source(&handle, key).await;
    (handle, source, catalog)
}

#[tokio::test]
async fn pages_detail_and_conversation() {
    let config = ServerConfig {
        tickets: 120,
        ..ServerConfig::default()
    };
    let (handle, source, catalog) = source_for(config, server::DEMO_KEY).await;
    let filter: TicketFilter = "status:open,waiting sort:priority order:desc"
        .parse()
        .unwrap();
    let page = source.page(&filter, 1, 10).await.unwrap();
    assert!(!page.tickets.is_empty() && page.tickets.len() <= 10);
    assert!(page.tickets.iter().all(|t| matches!(
        t.status,
        triage::api::types::StatusCategory::Open | triage::api::types::StatusCategory::Waiting
    )));
    let ranks: Vec<u8> = page.tickets.iter().map(|t| t.priority.rank()).collect();
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "{ranks:?}");
    assert_eq!(page.meta.page, 1);

    let assigned = page.tickets.iter().find_map(|t| t.assignee_id);
    if let Some(id) = assigned {
        assert!(Directory::user_name(catalog.as_ref(), id).is_some());
    }

    let first = &page.tickets[0];
    let detail = source.detail(first.id).await.unwrap();
    assert_eq!(detail.ticket.id, first.id);
    let (messages, meta) = source.messages(first.id, 1, 100).await.unwrap();
    assert_eq!(meta.total as usize, messages.len());

    let curl = source.curl_command(&filter, 2, 10).unwrap();
    assert!(
        curl.contains("$TRIAGE_API_KEY") && !curl.contains(server::DEMO_KEY),
        "{curl}"
    );
    assert!(
        curl.contains("page=2") && curl.contains("sort=priority"),
        "{curl}"
    );
    handle.shutdown().await;
}

#[tokio::test]
async fn rate_limits_and_missing_endpoints_become_what_the_ui_shows() {
    let config = ServerConfig {
        tickets: 20,
        companion_endpoints: false,
        ..ServerConfig::default()
    };
    let (handle, source, _) = source_for(config, server::DEMO_KEY).await;
    let page = source.page(&TicketFilter::default(), 1, 5).await.unwrap();
    let id = page.tickets[0].id;
    assert_eq!(source.detail(id).await, Err(FetchError::NotSupported));
    assert_eq!(
        source.messages(id, 1, 100).await,
        Err(FetchError::NotSupported)
    );

    handle.inject_rate_limit(RateLimitFault {
        retry_after: Some(120),
        retry_after_header: None,
        times: 1,
    });
    let before = tokio::time::Instant::now();
    match source.page(&TicketFilter::default(), 1, 5).await {
        Err(FetchError::RateLimited { retry_at }) => {
            let wait = retry_at - before;
            assert!(
                wait > Duration::from_secs(100) && wait <= Duration::from_secs(121),
                "{wait:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    // The client's gate holds every request until the user retries now.
    let requests = handle.request_count();
    assert!(matches!(
        source.page(&TicketFilter::default(), 2, 5).await,
        Err(FetchError::RateLimited { .. })
    ));
    assert_eq!(handle.request_count(), requests, "nothing was sent");
    source.clear_rate_limit();
    assert!(source.page(&TicketFilter::default(), 2, 5).await.is_ok());
    handle.shutdown().await;
}

#[tokio::test]
async fn a_bad_key_says_what_to_do() {
    let (handle, source, _) = source_for(ServerConfig::default(), "ixk_not_a_real_key").await;
    match source.page(&TicketFilter::default(), 1, 5).await {
        Err(FetchError::Failed { message, hint }) => {
            assert!(message.contains("unauthorized"), "{message}");
            assert!(hint.unwrap().contains("TRIAGE_API_KEY"));
        }
        other => panic!("{other:?}"),
    }
    // A filter naming an unknown tag fails before anything is sent.
    let filter: TicketFilter = "tag:no-such-tag".parse().unwrap();
    let requests = handle.request_count();
    assert!(matches!(
        source.page(&filter, 1, 5).await,
        Err(FetchError::Failed { .. })
    ));
    assert_eq!(handle.request_count(), requests);
    handle.shutdown().await;
}

#[tokio::test]
async fn the_catalog_loads_in_the_background_and_only_failed_parts_again() {
    let handle = helpdesk::spawn(ServerConfig::default()).await;
    let source = helpdesk::source_without_names(&handle);
    assert!(
        source.names_incomplete(),
        "an empty start has names to load"
    );

    // A filter naming a tag waits for the catalog, then resolves.
    let tag = handle.with_data(|d| d.tags[0].name.clone());
    let filter: TicketFilter = format!("tag:\"{tag}\"").parse().unwrap();
    assert!(source.page(&filter, 1, 5).await.is_ok());
    assert!(!source.names_incomplete());
    let loaded = source.load_names().await.expect("a catalog");
    assert!(!loaded.incomplete && loaded.retry_at.is_none());
    let user = handle.with_data(|d| d.users[0].clone());
    assert_eq!(loaded.names.user_name(user.id), Some(user.name.clone()));
    // Complete: asking again sends nothing.
    let requests = handle.request_count();
    assert!(source.load_names().await.is_some());
    assert_eq!(handle.request_count(), requests);
    handle.shutdown().await;
}

#[tokio::test]
async fn a_rate_limited_catalog_keeps_what_loaded_and_retries_the_rest() {
    let handle = helpdesk::spawn(ServerConfig::default()).await;
    let source = helpdesk::source_without_names(&handle);
    handle.inject_rate_limit(RateLimitFault {
        retry_after: Some(8),
        retry_after_header: None,
        times: 1,
    });
    let first = source.load_names().await.expect("a catalog");
    assert!(first.incomplete);
    let retry_at = first.retry_at.expect("the 429's instant");
    assert!(retry_at > tokio::time::Instant::now());
    let failed = source.catalog().failures().count();
    assert!((1..6).contains(&failed), "{failed} of 6 failed");

    // The window ends (the user retries now): only the failed lists go out.
    source.clear_rate_limit();
    let requests = handle.request_count();
    let second = source.load_names().await.expect("a catalog");
    assert!(!second.incomplete, "{:?}", second);
    assert_eq!(handle.request_count() - requests, failed as u64);
    let user = handle.with_data(|d| d.users[0].clone());
    assert_eq!(second.names.user_name(user.id), Some(user.name.clone()));
    handle.shutdown().await;
}

#[tokio::test]
async fn a_filter_naming_things_waits_out_a_rate_limited_catalog() {
    let handle = helpdesk::spawn(ServerConfig::default()).await;
    let source = helpdesk::source_without_names(&handle);
    // Every request of the first catalog load is refused (or held back by
    // the client's gate after the first refusal).
    handle.inject_rate_limit(RateLimitFault {
        retry_after: Some(5),
        retry_after_header: None,
        times: 6,
    });
    let (tag_id, tag) = handle.with_data(|d| (d.tags[0].id, d.tags[0].name.clone()));
    let filter: TicketFilter = format!("tag:\"{tag}\"").parse().unwrap();
    // Not "unknown tag": the page waits for the window like any request.
    assert!(matches!(
        source.page(&filter, 1, 5).await,
        Err(FetchError::RateLimited { .. })
    ));
    // The window ends (as the UI's countdown does): the names load and the
    // same filter resolves. Faults left over from held-back requests may
    // refuse a few more; each attempt is a wait, never a wrong answer.
    let mut page = None;
    for _ in 0..8 {
        source.clear_rate_limit();
        match source.page(&filter, 1, 5).await {
            Ok(p) => {
                page = Some(p);
                break;
            }
            Err(FetchError::RateLimited { .. }) => continue,
            Err(other) => panic!("{other:?}"),
        }
    }
    let page = page.expect("the filter resolved once the window ended");
    assert!(!page.tickets.is_empty());
    let by_id: TicketFilter = format!("tag:{tag_id}").parse().unwrap();
    let expected = source.page(&by_id, 1, 5).await.unwrap();
    assert_eq!(page, expected, "the name resolved to the tag's id");
    handle.shutdown().await;
}
