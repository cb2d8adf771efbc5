//! The local server at 100 000 tickets: startup (generate + index), the
//! query function in-process, and a filtered page over real HTTP on
//! loopback. Run with `cargo bench --bench server`.

use std::net::SocketAddr;
use std::sync::{Arc, LazyLock};

use chrono::{DateTime, Utc};
use divan::Bencher;
use triage::server::search::{SearchQuery, Vocabulary};
use triage::server::{DEMO_KEY, ServerConfig, ServerState, router};

fn main() {
    divan::main();
}

const TICKETS: usize = 100_000;

fn config() -> ServerConfig {
    ServerConfig {
        tickets: TICKETS,
        now: DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .expect("fixed instant"),
        ..ServerConfig::default()
    }
}

static STATE: LazyLock<Arc<ServerState>> = LazyLock::new(|| ServerState::new(config()));

const QUERIES: &[&str] = &[
    "status=open,waiting&priority=high&sort=updated_at",
    "status=open,waiting&priority=high&sort=updated_at&query=refund",
    "query=%22cannot+log%22+or+invoice+-spam&sort=priority&order=desc",
    "sort=created_at&order=asc&page=2000&per_page=50",
    "custom_field_region=EU&tag_ids=&status=in_progress",
    // Exclusion only: every ticket is a candidate.
    "query=-refund",
];

#[divan::bench(sample_count = 3, sample_size = 1)]
fn startup_100k() -> Arc<ServerState> {
    ServerState::new(config())
}

#[divan::bench(args = QUERIES)]
fn list_in_process(bencher: Bencher, query: &str) {
    let state = STATE.clone();
    bencher.bench(|| {
        state
            .list_tickets(Some(query))
            .map(|e| e.data.len())
            .unwrap_or(usize::MAX)
    });
}

/// 400 KB of `a-a-a-…`: one search word made of 200 000 stop words.
fn long_stop_word_text() -> String {
    "a-".repeat(200_000)
}

/// The 400 KB search text sent as `query`: refused (400) by its length
/// before any search runs.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn long_query_refused(bencher: Bencher) {
    let state = STATE.clone();
    let raw = format!("query={}", long_stop_word_text());
    bencher.bench(|| state.list_tickets(Some(&raw)).is_err());
}

/// The same text through the search parser itself (past the cap): linear,
/// where trimming stop words one `remove(0)` at a time took 2.9 s.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn long_query_parsed(bencher: Bencher) {
    let vocab = Vocabulary::new();
    let text = long_stop_word_text();
    bencher.bench(|| SearchQuery::parse(&text, &vocab).clauses.len());
}

/// A runtime serving the shared 100k state on a loopback port.
fn serve() -> (tokio::runtime::Runtime, SocketAddr) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let state = STATE.clone();
    let addr: SocketAddr = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, router(state)).await;
        });
        addr
    });
    (runtime, addr)
}

#[divan::bench(args = QUERIES)]
fn list_over_http(bencher: Bencher, query: &str) {
    let (runtime, addr) = serve();
    let client = reqwest::Client::new();
    let url = format!("http://{addr}/api/v1/tickets?{query}");
    bencher.bench(|| {
        runtime.block_on(async {
            let response = client
                .get(&url)
                .bearer_auth(DEMO_KEY)
                .send()
                .await
                .expect("local server answers");
            assert!(response.status().is_success());
            response.bytes().await.map(|b| b.len()).unwrap_or(0)
        })
    });
}

/// A PATCH re-sorts the precomputed orders: what one triage action costs.
#[divan::bench]
fn patch_over_http(bencher: Bencher) {
    let (runtime, addr) = serve();
    let client = reqwest::Client::new();
    let id = STATE.with_data(|d| d.tickets[d.tickets.len() / 2].id);
    let url = format!("http://{addr}/api/v1/tickets/{id}");
    let mut flip = false;
    bencher.bench_local(|| {
        flip = !flip;
        let level = if flip { "urgent" } else { "low" };
        runtime.block_on(async {
            let response = client
                .patch(&url)
                .bearer_auth(DEMO_KEY)
                .json(&serde_json::json!({ "priority": level }))
                .send()
                .await
                .expect("local server answers");
            assert!(response.status().is_success());
        })
    });
}
