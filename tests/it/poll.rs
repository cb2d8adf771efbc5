//! The open list refreshing itself, on tokio's paused clock: the interval,
//! the backoff after a 429, no poll while typing, waiting or writing, the
//! cursor staying on its ticket when rows arrive above it.

use std::time::Duration;

use crossterm::event::KeyCode;
use tokio::time::Instant;
use triage::app::{Effect, FetchError, Msg, State, TicketPage, next_wake, update};

use crate::support::keys::press;
use crate::support::ui_fixtures::*;

const EVERY: Duration = Duration::from_secs(60);

/// A list of 3 pages of 20, polled every minute, its first page on screen.
fn polled_state() -> State {
    state_polled_every(Some(EVERY))
}

fn state_polled_every(every: Option<Duration>) -> State {
    let mut state = State::new(scope(), filter(), 20, triage::app::Keymap::default());
    state.list.poll.every = every;
    update(&mut state, Msg::Resize(120, 30), clock());
    update(&mut state, Msg::Start, clock());
    let generation = state.list.query_gen;
    answer_page(&mut state, generation, 1, Ok(page_of(1, 20, 60)));
    state
}

fn page_requests(fx: &[Effect]) -> Vec<u64> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::FetchPage { page, .. } => Some(*page),
            _ => None,
        })
        .collect()
}

/// Lets `d` pass and delivers the timer's tick, as the runtime would.
async fn tick_after(state: &mut State, d: Duration) -> Vec<Effect> {
    tokio::time::advance(d).await;
    update(state, Msg::Tick, clock())
}

#[tokio::test(start_paused = true)]
async fn the_page_on_screen_is_fetched_again_every_interval_and_not_before() {
    let mut state = polled_state();
    let start = Instant::now();
    let wake = next_wake(&state, start, wall_now()).expect("a timer for the poll");
    assert!(wake <= start + EVERY);
    assert!(
        page_requests(&tick_after(&mut state, EVERY - Duration::from_secs(1)).await).is_empty()
    );
    let fx = tick_after(&mut state, Duration::from_secs(1)).await;
    assert_eq!(
        page_requests(&fx),
        [1],
        "one request, for the page on screen"
    );
    // The rows stay while the fresh copy loads; the next poll waits for it.
    assert!(state.list.refreshing);
    assert!(page_requests(&tick_after(&mut state, EVERY).await).is_empty());
    let generation = state.list.query_gen;
    answer_page(&mut state, generation, 1, Ok(page_of(1, 20, 60)));
    assert_eq!(state.list.poll.due, Some(Instant::now() + EVERY));
}

#[tokio::test(start_paused = true)]
async fn off_means_no_timer_at_all() {
    let mut state = state_polled_every(None);
    assert_eq!(state.list.poll.due, None);
    assert!(page_requests(&tick_after(&mut state, EVERY * 10).await).is_empty());
}

#[tokio::test(start_paused = true)]
async fn nothing_is_polled_while_the_agent_types_and_the_poll_comes_after() {
    let mut state = polled_state();
    press(&mut state, KeyCode::Char('/'));
    let fx = tick_after(&mut state, EVERY).await;
    assert!(page_requests(&fx).is_empty(), "typing a search: {fx:?}");
    // Not a busy timer either: the next try is an interval away.
    let due = state.list.poll.due.expect("tried again later");
    assert_eq!(due, Instant::now() + EVERY);
    press(&mut state, KeyCode::Esc);
    assert_eq!(page_requests(&tick_after(&mut state, EVERY).await), [1]);
}

#[tokio::test(start_paused = true)]
async fn after_a_429_the_interval_doubles_until_a_poll_succeeds() {
    let mut state = polled_state();
    assert_eq!(page_requests(&tick_after(&mut state, EVERY).await), [1]);
    let generation = state.list.query_gen;
    let retry_at = Instant::now() + Duration::from_secs(5);
    answer_page(
        &mut state,
        generation,
        1,
        Err(FetchError::RateLimited { retry_at }),
    );
    // During the wait: no poll, whatever the clock says.
    assert_eq!(state.list.poll.due, None);
    // The wait lifts: the held-back page goes out once, by itself.
    let fx = tick_after(&mut state, Duration::from_secs(5)).await;
    assert_eq!(page_requests(&fx).iter().filter(|p| **p == 1).count(), 1);
    let generation = state.list.query_gen;
    answer_page(&mut state, generation, 1, Ok(page_of(1, 20, 60)));
    assert_eq!(state.list.poll.due, Some(Instant::now() + EVERY * 2));
    assert!(page_requests(&tick_after(&mut state, EVERY).await).is_empty());
    assert_eq!(page_requests(&tick_after(&mut state, EVERY).await), [1]);
    // That one succeeded: back to the plain interval.
    let generation = state.list.query_gen;
    answer_page(&mut state, generation, 1, Ok(page_of(1, 20, 60)));
    assert_eq!(state.list.poll.due, Some(Instant::now() + EVERY));
}

#[tokio::test(start_paused = true)]
async fn the_cursor_stays_on_its_ticket_when_new_rows_arrive_above_it() {
    let mut state = polled_state();
    for _ in 0..3 {
        press(&mut state, KeyCode::Char('j'));
    }
    let chosen = state.selected_ticket().unwrap().id;
    assert_eq!(state.list.selected, 3);
    assert_eq!(page_requests(&tick_after(&mut state, EVERY).await), [1]);
    // Two new tickets on top push the others down.
    let old = page_of(1, 20, 60);
    let mut tickets = vec![ticket(101), ticket(102)];
    tickets.extend(old.tickets.into_iter().take(18));
    let fresh = TicketPage {
        tickets,
        meta: old.meta,
    };
    let generation = state.list.query_gen;
    answer_page(&mut state, generation, 1, Ok(fresh));
    assert_eq!(state.selected_ticket().unwrap().id, chosen);
    assert_eq!(state.list.selected, 5);
}

#[tokio::test(start_paused = true)]
async fn a_write_unanswered_for_a_row_on_screen_holds_the_poll() {
    let mut state = polled_state();
    // `p` then the first level: a PATCH for the selected row is on its way.
    press(&mut state, KeyCode::Char('p'));
    let fx = press(&mut state, KeyCode::Enter);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::UpdateTicket { .. })),
        "a write was sent: {fx:?}"
    );
    assert!(page_requests(&tick_after(&mut state, EVERY).await).is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_poll_leaves_an_unread_error_where_it_is() {
    let mut state = polled_state();
    update(
        &mut state,
        Msg::EffectFailed("clipboard unavailable".into()),
        clock(),
    );
    assert_eq!(page_requests(&tick_after(&mut state, EVERY).await), [1]);
    assert_eq!(
        state.last_error.as_ref().map(|e| e.message.as_str()),
        Some("clipboard unavailable")
    );
}

#[tokio::test(start_paused = true)]
async fn a_poll_fetches_the_page_on_screen_only_and_r_prefetches_the_next() {
    let mut state = polled_state();
    let fx = tick_after(&mut state, EVERY).await;
    assert_eq!(page_requests(&fx), [1]);
    let generation = state.list.query_gen;
    let fx = answer_page(&mut state, generation, 1, Ok(page_of(1, 20, 60)));
    assert!(
        page_requests(&fx).is_empty(),
        "no prefetch after a poll: {fx:?}"
    );
    // `]` then asks for page 2 itself.
    let fx = update(
        &mut state,
        Msg::Key(crossterm::event::KeyEvent::from(KeyCode::Char(']'))),
        clock(),
    );
    assert_eq!(page_requests(&fx), [2]);
    // `r` is asked for: its answer prefetches as a page change does.
    let mut state = polled_state();
    press(&mut state, KeyCode::Char('r'));
    let generation = state.list.query_gen;
    let fx = answer_page(&mut state, generation, 1, Ok(page_of(1, 20, 60)));
    assert_eq!(page_requests(&fx), [2]);
}
