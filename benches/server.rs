//! The local server at 100 000 tickets: startup (generate + index), the
//! query function in-process, and a filtered page over real HTTP on
//! loopback. Run with `cargo bench --bench server`.

use std::net::SocketAddr;
use std::sync::{Arc, LazyLock};

use chrono::{DateTime, Utc};
use divan::Bencher;
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
