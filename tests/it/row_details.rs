//! Tag and custom-field columns: the rows' details asked in the background
//! from the real local server, on tokio's paused clock, requests counted by
//! route: only while such a column is shown, only the rows on screen, at
//! most one per row per refresh interval, none during a 429 wait.

use std::time::Duration;

use crossterm::event::KeyCode;
use triage::app::{Effect, Keymap, Msg, State, TicketSource, update};
use triage::columns::{ColumnSpec, Width, default_columns};
use triage::filter::TicketFilter;
use triage::runtime::ApiSource;
use triage::server::{self, RateLimitFault, ServerConfig, ServerHandle};

use crate::support::keys::press;
use crate::support::server as helpdesk;
use crate::support::ui_fixtures::{clock, scope};

const DETAIL: &str = "GET /tickets/{id}";
const EVERY: Duration = Duration::from_secs(60);

fn with_tags() -> Vec<ColumnSpec> {
    let mut columns = default_columns();
    columns.push(ColumnSpec {
        column: triage::columns::Column::Tag,
        width: Width::Auto,
    });
    columns
}

async fn server() -> (ServerHandle, ApiSource) {
    let handle = helpdesk::spawn(ServerConfig {
        tickets: 60,
        ..ServerConfig::default()
    })
    .await;
    let (source, _) = helpdesk::source(&handle, server::DEMO_KEY).await;
    (handle, source)
}

/// A 120×14 list of 20 a page, refreshed every minute.
fn state(columns: Vec<ColumnSpec>) -> State {
    let mut state = State::new(scope(), TicketFilter::default(), 20, Keymap::default());
    state.columns = columns;
    state.list.poll.every = Some(EVERY);
    update(&mut state, Msg::Resize(120, 14), clock());
    state
}

/// Runs what talks to the server, as the runtime would, answers fed back,
/// until nothing is left to send.
async fn settle(state: &mut State, source: &ApiSource, fx: Vec<Effect>) {
    let mut queue: std::collections::VecDeque<Effect> = fx.into();
    while let Some(effect) = queue.pop_front() {
        let msg = match effect {
            Effect::FetchPage {
                generation,
                filter,
                page,
                per_page,
            } => Msg::PageLoaded {
                generation,
                page,
                result: source.page(&filter, page, per_page).await,
            },
            Effect::FetchRowDetail { id } => Msg::RowDetailLoaded {
                id,
                result: source.detail(id).await.map(Box::new),
            },
            Effect::LoadNames { generation } => Msg::NamesLoaded {
                generation,
                loaded: source.load_names().await,
            },
            _ => continue,
        };
        queue.extend(update(state, msg, clock()));
    }
}

async fn tick_after(state: &mut State, source: &ApiSource, d: Duration) {
    tokio::time::advance(d).await;
    let fx = update(state, Msg::Tick, clock());
    settle(state, source, fx).await;
}

fn on_screen(state: &State) -> Vec<uuid::Uuid> {
    let rows = state.areas().table_rows();
    state
        .list
        .table
        .tickets()
        .iter()
        .skip(state.list.offset)
        .take(rows)
        .map(|t| t.id)
        .collect()
}

fn tags_known(state: &State, id: uuid::Uuid) -> bool {
    state
        .triage
        .known
        .get(&id)
        .is_some_and(|k| k.tags.is_some())
}

#[tokio::test(start_paused = true)]
async fn without_a_tag_or_field_column_no_detail_is_asked() {
    let (handle, source) = server().await;
    let mut s = state(default_columns());
    let fx = update(&mut s, Msg::Start, clock());
    settle(&mut s, &source, fx).await;
    assert_eq!(s.list.table.tickets().len(), 20);
    tick_after(&mut s, &source, EVERY).await;
    assert_eq!(handle.requests_to(DETAIL), 0);
    handle.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn only_the_rows_on_screen_and_once_per_row_per_interval() {
    let (handle, source) = server().await;
    let mut s = state(with_tags());
    let fx = update(&mut s, Msg::Start, clock());
    settle(&mut s, &source, fx).await;
    let shown = on_screen(&s);
    let rows = shown.len();
    assert!(rows > 3 && rows < 20, "{rows} rows on screen");
    assert_eq!(
        handle.requests_to(DETAIL),
        rows as u64,
        "one per row on screen"
    );
    assert!(shown.iter().all(|id| tags_known(&s, *id)));
    let below = s.list.table.tickets()[rows].id;
    assert!(!tags_known(&s, below), "a row off screen is not asked");

    // Refreshes that bring the same rows ask nothing again.
    tick_after(&mut s, &source, EVERY).await;
    tick_after(&mut s, &source, EVERY).await;
    assert!(
        handle.requests_to("GET /tickets") >= 3,
        "the list was polled"
    );
    assert_eq!(handle.requests_to(DETAIL), rows as u64);

    // A row that changed is asked again, once an interval has passed.
    let changed = shown[0];
    let touch = |handle: &ServerHandle| {
        handle.with_data_mut(|data| {
            if let Some(t) = data.tickets.iter_mut().find(|t| t.id == changed) {
                t.updated_at += chrono::Duration::seconds(1);
            }
        })
    };
    touch(&handle);
    tick_after(&mut s, &source, EVERY).await;
    assert_eq!(handle.requests_to(DETAIL), rows as u64 + 1);
    // Changed again at once: `r` brings it, but its interval is not over.
    touch(&handle);
    let fx = press(&mut s, KeyCode::Char('r'));
    settle(&mut s, &source, fx).await;
    assert_eq!(handle.requests_to(DETAIL), rows as u64 + 1);
    tick_after(&mut s, &source, EVERY).await;
    assert_eq!(handle.requests_to(DETAIL), rows as u64 + 2);

    // Scrolling down asks for the rows that came into view, and only them.
    let before = handle.requests_to(DETAIL);
    for _ in 0..rows + 2 {
        let fx = press(&mut s, KeyCode::Char('j'));
        settle(&mut s, &source, fx).await;
    }
    let newly: Vec<_> = on_screen(&s)
        .into_iter()
        .filter(|id| !shown.contains(id))
        .collect();
    assert_eq!(handle.requests_to(DETAIL), before + newly.len() as u64);
    assert!(newly.iter().all(|id| tags_known(&s, *id)));
    handle.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn nothing_is_asked_during_a_429_wait() {
    let (handle, source) = server().await;
    let mut s = state(default_columns());
    let fx = update(&mut s, Msg::Start, clock());
    settle(&mut s, &source, fx).await;
    handle.inject_rate_limit(RateLimitFault {
        retry_after: Some(30),
        retry_after_header: None,
        times: 1,
    });
    // The tag column appears (a view of its own, say): the first row's
    // detail meets the 429.
    s.columns = with_tags();
    let fx = update(&mut s, Msg::Resize(120, 14), clock());
    settle(&mut s, &source, fx).await;
    assert_eq!(handle.requests_to(DETAIL), 1);
    assert!(s.rate_limit.is_some(), "the gate is closed");
    tick_after(&mut s, &source, Duration::from_secs(10)).await;
    tick_after(&mut s, &source, Duration::from_secs(19)).await;
    assert_eq!(handle.requests_to(DETAIL), 1, "nothing during the wait");
    tick_after(&mut s, &source, Duration::from_secs(1)).await;
    assert!(s.rate_limit.is_none());
    let rows = on_screen(&s);
    assert_eq!(handle.requests_to(DETAIL), 1 + rows.len() as u64);
    assert!(rows.iter().all(|id| tags_known(&s, *id)));
    handle.shutdown().await;
}
