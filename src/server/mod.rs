//! The local helpdesk server (axum) and its generated data.
//!
//! A faithful implementation of `shared/api/CONTRACT.md`, used by
//! `triage serve`, the in-process demo and every test. Start one with
//! [`spawn`] (on the caller's runtime) or [`spawn_on_own_thread`]; the
//! [`ServerHandle`] gives tests the base URL, read and write
//! access to the data, fault injection and a request counter.
//!
//! Where the contract leaves room, the readings chosen are documented in
//! [`query`] (parameters, bounds, sorting, custom fields) and [`search`]
//! (full-text). The ticket's subject, body and message bodies are searched
//! as one document.
//!
//! Answers: every endpoint wraps its payload as `{"data": ...}`, lists add
//! `meta`; `GET /tickets/{id}` and `PATCH /tickets/{id}` answer
//! `{"data": Ticket...}`. Errors use the vendor shapes of CONTRACT.md §3;
//! `insufficient_scope` arrives as a string `code`, the other codes are
//! numbers. A malformed ticket id in a path is a 404, like an unknown one.

mod activity;
pub mod agents;
pub mod conversation;
pub mod data;
pub mod errors;
pub mod generate;
pub mod index;
mod new_message;
mod patch;
pub mod query;
mod route_fault;
mod routes;
pub mod search;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use activity::ActivityEvent;
pub use agents::{AgentAction, AgentEvent, AgentsConfig};
pub use conversation::Conversation;
pub use data::{Contact, Dataset, FieldValue, FieldValues, ServerMessage, ServerTicket};
pub use route_fault::RouteFault;
pub use routes::router;
pub use state::ServerState;

/// The demo workspace's read-write key.
pub const DEMO_KEY: &str = "ixk_demo_readwrite_0123456789";
/// The demo workspace's read-only key: 403 `insufficient_scope` on writes.
pub const DEMO_READONLY_KEY: &str = "ixk_demo_readonly_9876543210";

/// The slowest live activity: a new ticket a day (`--new-every 86400`).
pub const MAX_NEW_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// Requests allowed per key in each window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateBudget {
    pub requests: u32,
    pub per: Duration,
}

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub tickets: usize,
    /// Same seed, same `now`, same count: same data.
    pub seed: u64,
    /// The server's clock at its start (PATCH stamps `now + uptime`), and
    /// the anchor of generated timestamps unless `data_epoch` says other.
    pub now: DateTime<Utc>,
    /// Anchor of generated timestamps (spread over the 90 days before it),
    /// when not `now`: the demo remembers its first start here, so a
    /// restart generates the same tickets, timestamps included. Later than
    /// `now` counts as `now`.
    pub data_epoch: Option<DateTime<Utc>>,
    pub rate_limit: Option<RateBudget>,
    /// Added to every response.
    pub latency: Duration,
    /// `false`: a workspace without API entitlement, 403 on everything.
    pub api_access: bool,
    /// `false`: every companion endpoint of CONTRACT.md §6 answers 404.
    pub companion_endpoints: bool,
    /// `Some(every)`: live activity, a new ticket every `every` and a
    /// contact's reply halfway between two (`src/server/activity.rs`).
    pub new_every: Option<Duration>,
    /// `Some`: simulated colleagues acting on the top of the queue
    /// (`src/server/agents.rs`).
    pub agents: Option<AgentsConfig>,
}

impl Default for ServerConfig {
    /// 500 tickets from a fixed seed, anchored at the current time, no rate
    /// limit, no latency, full access, no live activity.
    fn default() -> Self {
        ServerConfig {
            tickets: 500,
            seed: 0x7121_a6e5,
            now: Utc::now(),
            data_epoch: None,
            rate_limit: None,
            latency: Duration::ZERO,
            api_access: true,
            companion_endpoints: true,
            new_every: None,
            agents: None,
        }
    }
}

/// The next `times` requests (any key, any route) answer 429 with exactly
/// these retry signals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitFault {
    /// `retryAfter` in the body, in seconds; `None` leaves it out.
    pub retry_after: Option<u64>,
    /// `Retry-After` header, sent verbatim; `None` leaves it out.
    pub retry_after_header: Option<String>,
    pub times: u32,
}

/// A running server. Dropping it shuts the server down too.
pub struct ServerHandle {
    addr: SocketAddr,
    state: Arc<ServerState>,
    stop: Option<oneshot::Sender<()>>,
    serving: Option<Serving>,
}

/// Where the server runs: a task on the caller's runtime, or a thread with
/// a runtime of its own.
enum Serving {
    Task(JoinHandle<()>),
    Thread(std::thread::JoinHandle<()>),
}

impl ServerHandle {
    /// `http://127.0.0.1:PORT/api/v1`
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn state(&self) -> &Arc<ServerState> {
        &self.state
    }

    /// Reads the dataset under the lock.
    pub fn with_data<R>(&self, f: impl FnOnce(&Dataset) -> R) -> R {
        self.state.with_data(f)
    }

    /// A copy of the whole dataset.
    pub fn data(&self) -> Dataset {
        self.state.with_data(Dataset::clone)
    }

    /// Changes the dataset; the search index and orders are rebuilt after.
    pub fn with_data_mut(&self, f: impl FnOnce(&mut Dataset)) {
        self.state.with_data_mut(f)
    }

    pub fn inject_rate_limit(&self, fault: RateLimitFault) {
        self.state.inject_rate_limit(fault)
    }

    /// The next `times` requests answer `status` with `body` verbatim
    /// (content type guessed: JSON, HTML or plain text).
    pub fn inject_status(&self, status: u16, body: String, times: u32) {
        self.state.inject_status(status, body, times)
    }

    /// Delays or fails the next requests of one route (see [`RouteFault`]).
    pub fn inject_route_fault(&self, fault: RouteFault) {
        self.state.route_faults.push(fault)
    }

    /// Makes the live activity's next event now (see
    /// [`ServerState::step_activity`]), whether or not its timer runs.
    pub fn step_activity(&self) -> Option<ActivityEvent> {
        self.state.step_activity()
    }

    /// Makes the next simulated agent act now (see
    /// [`ServerState::step_agents`]), whether or not its timer runs.
    pub fn step_agents(&self) -> Option<AgentEvent> {
        self.state.step_agents()
    }

    /// Requests received so far, whatever their outcome.
    pub fn request_count(&self) -> u64 {
        self.state.request_count()
    }

    /// Requests received for one route, e.g. `PATCH /tickets/{id}`.
    pub fn requests_to(&self, route: &str) -> u64 {
        self.state.requests_to(route)
    }

    /// Stops accepting, lets open requests finish (2 s at most), and waits
    /// until the server is gone (for [`spawn_on_own_thread`], its thread).
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.serving.take() {
            Some(Serving::Task(task)) => {
                let _ = task.await;
            }
            Some(Serving::Thread(thread)) => {
                let _ = tokio::task::spawn_blocking(move || thread.join()).await;
            }
            None => {}
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// How long open requests may take to finish once the server is told to
/// stop.
const DRAIN: Duration = Duration::from_secs(2);

/// Generates the data, binds `addr` (use `127.0.0.1:0` in tests) and serves
/// in a task on the caller's runtime.
pub async fn spawn(config: ServerConfig, addr: SocketAddr) -> std::io::Result<ServerHandle> {
    let state = build_state(config).await?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, state.clone(), stopped));
    Ok(ServerHandle {
        addr,
        state,
        stop: Some(stop),
        serving: Some(Serving::Task(task)),
    })
}

/// Like [`spawn`], but serves on a thread of its own with a single-threaded
/// runtime, so that a slow request (a big page, a long search) never holds
/// up the caller's runtime: the demo's UI stays responsive whatever its
/// server is doing. [`ServerHandle::shutdown`] stops it and joins the thread.
pub async fn spawn_on_own_thread(
    config: ServerConfig,
    addr: SocketAddr,
) -> std::io::Result<ServerHandle> {
    let state = build_state(config).await?;
    let listener = std::net::TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let served_state = state.clone();
    let thread = std::thread::Builder::new()
        .name("triage-server".to_string())
        .spawn(move || {
            runtime.block_on(async move {
                match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => serve(listener, served_state, stopped).await,
                    Err(e) => tracing::warn!("local server cannot listen: {e}"),
                }
            });
        })?;
    Ok(ServerHandle {
        addr,
        state,
        stop: Some(stop),
        serving: Some(Serving::Thread(thread)),
    })
}

/// Generating and indexing 100 000 tickets takes a moment of CPU: kept off
/// the async workers.
async fn build_state(config: ServerConfig) -> std::io::Result<Arc<ServerState>> {
    tokio::task::spawn_blocking(move || ServerState::new(config))
        .await
        .map_err(std::io::Error::other)
}

/// Serves, with the live activity if configured, until `stopped` fires (or
/// its sender is dropped), then gives open requests [`DRAIN`] to finish
/// before dropping them. The activity ends with the server.
async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<ServerState>,
    stopped: oneshot::Receiver<()>,
) {
    let activity = {
        let state = state.clone();
        async move {
            match state.config.new_every {
                Some(every) => activity::run(state, every).await,
                None => std::future::pending().await,
            }
        }
    };
    let agents = {
        let state = state.clone();
        async move {
            match state.config.agents {
                Some(config) if config.count > 0 => agents::run(state, config).await,
                _ => std::future::pending().await,
            }
        }
    };
    let (draining, drain_started) = oneshot::channel::<()>();
    let served = axum::serve(listener, router(state)).with_graceful_shutdown(async move {
        let _ = stopped.await;
        let _ = draining.send(());
    });
    let drain_deadline = async {
        if drain_started.await.is_ok() {
            tokio::time::sleep(DRAIN).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        served = served => {
            if let Err(e) = served {
                tracing::warn!("local server stopped: {e}");
            }
        }
        () = drain_deadline => {}
        () = activity => {}
        () = agents => {}
    }
}
