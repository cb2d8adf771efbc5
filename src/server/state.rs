//! Shared server state: the dataset with its index behind one lock, the
//! per-key rate windows, injected faults and the request counter.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use tokio::time::Instant;

use super::activity::Activity;
use super::agents::Team;
use super::data::Dataset;
use super::errors::ApiError;
use super::generate::generate;
use super::index::Index;
use super::query::{ListPage, pairs, parse_list_query, run_list};
use super::route_fault::{RouteFault, RouteFaults};
use super::{RateBudget, RateLimitFault, ServerConfig};
use crate::api::types::{Envelope, PageMeta, Ticket};

pub(crate) struct Store {
    pub data: Dataset,
    pub index: Index,
}

/// A canned answer for the next few requests.
#[derive(Debug, Clone)]
pub(crate) enum Fault {
    RateLimit {
        retry_after: Option<u64>,
        header: Option<String>,
    },
    Status {
        status: u16,
        body: String,
    },
}

struct Window {
    started: Instant,
    count: u32,
}

pub struct ServerState {
    pub(crate) config: ServerConfig,
    store: RwLock<Store>,
    requests: AtomicU64,
    /// Requests by route, as `PATCH /tickets/{id}` (tests count writes).
    by_route: Mutex<HashMap<String, u64>>,
    faults: Mutex<VecDeque<(Fault, u32)>>,
    pub(crate) route_faults: RouteFaults,
    windows: Mutex<HashMap<String, Window>>,
    /// When the server's clock started: `config.now` is this instant.
    pub(crate) started: Instant,
    pub(crate) activity: Mutex<Activity>,
    pub(crate) team: Mutex<Team>,
}

impl ServerState {
    /// Generates and indexes the data (CPU-heavy for large counts).
    pub fn new(config: ServerConfig) -> Arc<ServerState> {
        let epoch = config.data_epoch.map_or(config.now, |e| e.min(config.now));
        let data = generate(config.tickets, config.seed, epoch);
        let index = Index::build(&data);
        let activity = Mutex::new(Activity::new(config.seed));
        let team = Mutex::new(Team::new(config.seed));
        Arc::new(ServerState {
            config,
            store: RwLock::new(Store { data, index }),
            requests: AtomicU64::new(0),
            by_route: Mutex::new(HashMap::new()),
            faults: Mutex::new(VecDeque::new()),
            route_faults: RouteFaults::default(),
            windows: Mutex::new(HashMap::new()),
            started: Instant::now(),
            activity,
            team,
        })
    }

    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    // A panic while holding a lock (there should be none) must not turn the
    // server into one that answers nothing: keep using the data.
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn with_data<R>(&self, f: impl FnOnce(&Dataset) -> R) -> R {
        f(&self.read().data)
    }

    pub fn with_data_mut(&self, f: impl FnOnce(&mut Dataset)) {
        let mut store = self.write();
        f(&mut store.data);
        store.index = Index::build(&store.data);
    }

    /// The server's clock: `config.now` plus uptime, so that a PATCH makes a
    /// ticket newer than every generated one.
    pub fn clock(&self) -> DateTime<Utc> {
        let up = ChronoDuration::from_std(self.started.elapsed()).unwrap_or_default();
        let t = self.config.now + up;
        DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
    }

    /// `GET /tickets` without HTTP: the raw query string in, one page out.
    pub fn list_tickets(&self, raw_query: Option<&str>) -> Result<Envelope<Vec<Ticket>>, ApiError> {
        let pairs = pairs(raw_query);
        let store = self.read();
        let q = parse_list_query(&pairs, &store.data).map_err(ApiError::BadRequest)?;
        let ListPage { tickets, total } = run_list(&q, &store.data, &store.index);
        Ok(Envelope {
            data: tickets,
            meta: Some(PageMeta {
                page: q.paging.page,
                per_page: q.paging.per_page,
                total,
            }),
        })
    }

    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub(crate) fn count_request(&self, method: &str, path: &str) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let route = route_shape(method, path);
        let mut by_route = self.by_route.lock().unwrap_or_else(|e| e.into_inner());
        *by_route.entry(route).or_default() += 1;
    }

    /// Requests received for one route, written as `PATCH /tickets/{id}`
    /// (ids in the path read as `{id}`; the `/api/v1` prefix left out).
    pub fn requests_to(&self, route: &str) -> u64 {
        let by_route = self.by_route.lock().unwrap_or_else(|e| e.into_inner());
        by_route.get(route).copied().unwrap_or(0)
    }

    fn push_fault(&self, fault: Fault, times: u32) {
        if times == 0 {
            return;
        }
        self.faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_back((fault, times));
    }

    pub fn inject_rate_limit(&self, fault: RateLimitFault) {
        self.push_fault(
            Fault::RateLimit {
                retry_after: fault.retry_after,
                header: fault.retry_after_header,
            },
            fault.times,
        );
    }

    pub fn inject_status(&self, status: u16, body: String, times: u32) {
        self.push_fault(Fault::Status { status, body }, times);
    }

    /// Takes the route fault due for this request, if any.
    pub(crate) fn next_route_fault(&self, method: &str, path: &str) -> Option<RouteFault> {
        self.route_faults.take(&route_shape(method, path), path)
    }

    /// Takes the fault due for this request, if any.
    pub(crate) fn next_fault(&self) -> Option<Fault> {
        let mut faults = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        let (fault, left) = faults.front_mut()?;
        let out = fault.clone();
        *left -= 1;
        if *left == 0 {
            faults.pop_front();
        }
        Some(out)
    }

    /// Fixed-window limiter per key. `Err(seconds)` until the window ends.
    pub(crate) fn admit(&self, key: &str, budget: RateBudget) -> Result<(), u64> {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let w = windows.entry(key.to_string()).or_insert(Window {
            started: now,
            count: 0,
        });
        if now.duration_since(w.started) >= budget.per {
            w.started = now;
            w.count = 0;
        }
        w.count = w.count.saturating_add(1);
        if w.count <= budget.requests {
            Ok(())
        } else {
            let left = budget.per.saturating_sub(now.duration_since(w.started));
            Err(left.as_secs_f64().ceil().max(1.0) as u64)
        }
    }
}

/// `PATCH /api/v1/tickets/6f1c…` → `PATCH /tickets/{id}`.
fn route_shape(method: &str, path: &str) -> String {
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    let shape: Vec<&str> = path
        .split('/')
        .map(|seg| {
            if uuid::Uuid::parse_str(seg).is_ok()
                || (!seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()))
            {
                "{id}"
            } else {
                seg
            }
        })
        .collect();
    format!("{method} {}", shape.join("/"))
}
