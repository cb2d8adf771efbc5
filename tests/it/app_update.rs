//! The update step without a terminal or network: navigation, paging,
//! prefetch, the generation rule, caching, rate-limit countdowns (on tokio's
//! paused clock), detail, and actions.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use tokio::time::Instant;
use triage::api::types::TicketDetail;
use triage::app::state::{Loadable, TablePane, Waiting};
use triage::app::{Effect, FetchError, Msg, State, next_wake, update};
use triage::filter::{SortField, SortOrder};

use crate::support::keys::{ctrl, press};
use crate::support::ui_fixtures;
use crate::support::ui_fixtures::*;

fn fetches(fx: &[Effect]) -> Vec<(u64, u64)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::FetchPage {
                generation, page, ..
            } => Some((*generation, *page)),
            _ => None,
        })
        .collect()
}

fn shown_page(state: &State) -> Option<u64> {
    match &state.list.table {
        TablePane::Loaded(v) => Some(v.page),
        _ => None,
    }
}

fn selected_number(state: &State) -> Option<i64> {
    state.selected_ticket().map(|t| t.ticket_number)
}

#[tokio::test(start_paused = true)]
async fn start_loads_page_one_then_prefetches_page_two() {
    let mut state = State::new(scope(), Default::default(), 20, Default::default());
    let fx = update(&mut state, Msg::Start, ui_fixtures::clock());
    assert_eq!(fetches(&fx), vec![(0, 1)]);
    assert!(matches!(state.list.table, TablePane::Loading { page: 1 }));
    assert!(state.list.loading_since.is_some());

    let fx = page_loaded(&mut state, 0, 1, 95);
    assert_eq!(shown_page(&state), Some(1));
    assert_eq!(state.list.loading_since, None);
    // Shown, then the next page is fetched in the background.
    assert_eq!(fetches(&fx), vec![(0, 2)]);
    // The prefetched page goes to the cache without changing the screen.
    let fx = page_loaded(&mut state, 0, 2, 95);
    assert!(fx.is_empty());
    assert_eq!(shown_page(&state), Some(1));
    // Going there is instant, and prefetches the one after.
    let fx = press(&mut state, KeyCode::Char(']'));
    assert_eq!(shown_page(&state), Some(2));
    assert_eq!(fetches(&fx), vec![(0, 3)]);
}

#[tokio::test(start_paused = true)]
async fn navigation_within_a_page() {
    let mut state = loaded_state(80, 24, 50, 120);
    let rows = state.areas().table_rows();
    assert_eq!(rows, 19);
    assert_eq!(selected_number(&state), Some(1001));
    press(&mut state, KeyCode::Char('j'));
    press(&mut state, KeyCode::Down);
    assert_eq!(state.list.selected, 2);
    press(&mut state, KeyCode::Char('k'));
    assert_eq!(state.list.selected, 1);
    press(&mut state, KeyCode::Up);
    press(&mut state, KeyCode::Up); // at the top of page 1: stays
    assert_eq!(state.list.selected, 0);

    press(&mut state, KeyCode::Char('G'));
    assert_eq!(state.list.selected, 49);
    assert_eq!(
        state.list.offset,
        50 - rows,
        "last row at the bottom of the window"
    );
    press(&mut state, KeyCode::Char('g'));
    assert_eq!((state.list.selected, state.list.offset), (0, 0));
    press(&mut state, KeyCode::End);
    press(&mut state, KeyCode::Home);
    assert_eq!(state.list.selected, 0);

    ctrl(&mut state, 'd');
    assert_eq!(state.list.selected, rows);
    assert!(
        state.list.selected >= state.list.offset && state.list.selected < state.list.offset + rows
    );
    press(&mut state, KeyCode::PageDown);
    press(&mut state, KeyCode::PageDown);
    assert_eq!(
        state.list.selected, 49,
        "a screen down stops at the last row"
    );
    ctrl(&mut state, 'u');
    assert_eq!(state.list.selected, 49 - rows);
    press(&mut state, KeyCode::PageUp);
    press(&mut state, KeyCode::PageUp);
    assert_eq!(state.list.selected, 0);
}

#[tokio::test(start_paused = true)]
async fn moving_past_the_last_row_advances_and_back() {
    let mut state = loaded_state(80, 24, 10, 25);
    page_loaded(&mut state, 0, 2, 25); // the prefetch answer
    press(&mut state, KeyCode::Char('G'));
    let fx = press(&mut state, KeyCode::Char('j'));
    assert_eq!(shown_page(&state), Some(2));
    assert_eq!(selected_number(&state), Some(1011));
    assert_eq!(fetches(&fx), vec![(0, 3)], "prefetch of page 3");
    // Up from the first row goes back to the previous page's last row.
    let fx = press(&mut state, KeyCode::Char('k'));
    assert!(fetches(&fx).is_empty(), "page 1 comes from the cache");
    assert_eq!(shown_page(&state), Some(1));
    assert_eq!(selected_number(&state), Some(1010));
    // A screen down from the last row goes on too, and a screen up from
    // the first row comes back.
    press(&mut state, KeyCode::PageDown);
    assert_eq!(selected_number(&state), Some(1011));
    press(&mut state, KeyCode::PageUp);
    assert_eq!(selected_number(&state), Some(1010));
    // Past the last page nothing happens.
    page_loaded(&mut state, 0, 3, 25);
    press(&mut state, KeyCode::Char(']'));
    press(&mut state, KeyCode::Char(']'));
    assert_eq!(shown_page(&state), Some(3));
    let fx = press(&mut state, KeyCode::Char(']'));
    assert!(fx.is_empty());
    assert_eq!(state.list.page, 3);
    press(&mut state, KeyCode::Char('G'));
    assert!(press(&mut state, KeyCode::Char('j')).is_empty());
    assert_eq!(selected_number(&state), Some(1025));
}

#[tokio::test(start_paused = true)]
async fn cached_pages_come_back_without_requests() {
    let mut state = loaded_state(80, 24, 10, 100);
    // Page 2 not cached yet (its prefetch is in flight): no second request.
    let fx = press(&mut state, KeyCode::Char(']'));
    assert!(fetches(&fx).is_empty(), "the prefetch already asks for it");
    assert!(matches!(state.list.table, TablePane::Loading { page: 2 }));
    page_loaded(&mut state, 0, 2, 100);
    assert_eq!(shown_page(&state), Some(2));
    let fx = press(&mut state, KeyCode::Char('['));
    assert!(fetches(&fx).is_empty());
    assert_eq!(shown_page(&state), Some(1));
}

#[tokio::test(start_paused = true)]
async fn stale_answers_are_dropped_errors_too() {
    let mut state = State::new(scope(), Default::default(), 10, Default::default());
    update(&mut state, Msg::Start, ui_fixtures::clock());
    // Sort changes while page 1 is loading: a new generation.
    let fx = press(&mut state, KeyCode::Char('s'));
    assert_eq!(state.list.filter.sort, Some(SortField::CreatedAt));
    assert_eq!(fetches(&fx), vec![(1, 1)]);
    // The old answer arrives: never drawn.
    page_loaded(&mut state, 0, 1, 50);
    assert!(matches!(state.list.table, TablePane::Loading { page: 1 }));
    answer_page(&mut state, 0, 1, Err(FetchError::failed("boom")));
    assert!(matches!(state.list.table, TablePane::Loading { .. }));
    assert_eq!(state.last_error, None);
    // The current one is.
    page_loaded(&mut state, 1, 1, 50);
    assert_eq!(shown_page(&state), Some(1));

    // Flipping the order back and forth: each is its own cached query.
    let fx = press(&mut state, KeyCode::Char('S'));
    assert_eq!(state.list.filter.order, Some(SortOrder::Asc));
    assert_eq!(fetches(&fx), vec![(2, 1)]);
    page_loaded(&mut state, 2, 1, 50);
    let fx = press(&mut state, KeyCode::Char('S'));
    // Page 1 of created_at desc is cached; only its next page is prefetched.
    assert_eq!(
        fetches(&fx),
        vec![(3, 2)],
        "created_at desc page 1 is cached"
    );
    assert_eq!(shown_page(&state), Some(1));
}

#[tokio::test(start_paused = true)]
async fn an_answer_for_another_page_is_cached_not_drawn() {
    let mut state = loaded_state(80, 24, 10, 100);
    press(&mut state, KeyCode::Char(']')); // waits for page 2 (in flight)
    press(&mut state, KeyCode::Char('[')); // back to page 1 at once
    assert_eq!(shown_page(&state), Some(1));
    page_loaded(&mut state, 0, 2, 100);
    assert_eq!(
        shown_page(&state),
        Some(1),
        "page 2 must not replace page 1"
    );
    let fx = press(&mut state, KeyCode::Char(']'));
    assert_eq!(shown_page(&state), Some(2));
    assert_eq!(fetches(&fx), vec![(0, 3)]);
}

#[tokio::test(start_paused = true)]
async fn refresh_replaces_cached_pages() {
    let mut state = loaded_state(80, 24, 10, 100);
    page_loaded(&mut state, 0, 2, 100);
    press(&mut state, KeyCode::Char('j'));
    let fx = press(&mut state, KeyCode::Char('r'));
    assert_eq!(fetches(&fx), vec![(1, 1)]);
    // The list stays on screen while it reloads, marked as refreshing.
    assert_eq!(shown_page(&state), Some(1));
    assert!(state.list.refreshing && state.list.loading_since.is_some());
    // An answer asked before the refresh is old news.
    page_loaded(&mut state, 0, 1, 100);
    assert!(state.list.refreshing);
    // The fresh copy: a new ticket on top pushes the selected one down,
    // and the cursor follows its ticket, not its row.
    let mut fresh = page_of(1, 10, 101);
    fresh.tickets.insert(0, ticket(500));
    fresh.tickets.truncate(10);
    answer_page(&mut state, 1, 1, Ok(fresh));
    assert!(!state.list.refreshing && state.list.loading_since.is_none());
    assert_eq!(
        state.list.selected, 2,
        "refresh keeps the cursor on its ticket"
    );
    assert_eq!(selected_number(&state), Some(1002));
    assert_eq!(state.list.table.tickets()[0].ticket_number, 1500);
    // A failed refresh keeps the list and says so in the footer.
    press(&mut state, KeyCode::Char('r'));
    answer_page(
        &mut state,
        2,
        1,
        Err(FetchError::failed("server error 502")),
    );
    assert_eq!(shown_page(&state), Some(1));
    assert!(state.last_error.is_some() && !state.list.refreshing);
    // Page 2 was dropped from the cache too: going there asks again
    // (through the prefetch the refresh triggered).
    press(&mut state, KeyCode::Char(']'));
    assert!(matches!(state.list.table, TablePane::Loading { page: 2 }));
    assert_eq!(state.list.in_flight, vec![2]);
}

#[tokio::test(start_paused = true)]
async fn duplicate_ids_in_a_page_are_shown_once() {
    let mut state = State::new(scope(), Default::default(), 10, Default::default());
    update(&mut state, Msg::Start, ui_fixtures::clock());
    let mut page = page_of(1, 10, 30);
    page.tickets[5] = page.tickets[2].clone();
    answer_page(&mut state, 0, 1, Ok(page));
    let ids: Vec<_> = state.list.table.tickets().iter().map(|t| t.id).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), 9);
    assert_eq!(unique.len(), ids.len());
}

#[tokio::test(start_paused = true)]
async fn a_ticket_pushed_onto_the_next_page_is_not_shown_again() {
    let mut state = loaded_state(80, 24, 10, 100);
    // Meanwhile a new ticket arrived: page 2 now starts with page 1's last.
    let mut shifted = page_of(2, 10, 101);
    shifted.tickets.insert(0, ticket(10));
    shifted.tickets.truncate(10);
    answer_page(&mut state, 0, 2, Ok(shifted));
    press(&mut state, KeyCode::Char(']'));
    let numbers: Vec<i64> = state
        .list
        .table
        .tickets()
        .iter()
        .map(|t| t.ticket_number)
        .collect();
    assert_eq!(numbers, (1011..=1019).collect::<Vec<_>>());
    // Going back shows page 1 as it was, #1010 included.
    press(&mut state, KeyCode::Char('['));
    assert_eq!(
        state.list.table.tickets().last().map(|t| t.ticket_number),
        Some(1010)
    );
}

#[tokio::test(start_paused = true)]
async fn rate_limit_counts_down_then_sends_the_waiting_request_once() {
    let mut state = State::new(scope(), Default::default(), 10, Default::default());
    let t0 = Instant::now();
    update(&mut state, Msg::Start, ui_fixtures::clock_at(t0));
    let retry_at = t0 + Duration::from_secs(90);
    answer_page_at(
        &mut state,
        0,
        1,
        Err(FetchError::RateLimited { retry_at }),
        t0,
    );
    let rl = state.rate_limit.clone().expect("gate closed");
    assert_eq!(rl.until, retry_at);
    assert_eq!(rl.waiting, vec![Waiting::Page(1)]);
    assert_eq!(state.describe_waiting(Waiting::Page(1)), "page 1 of Urgent");

    // Nothing goes out meanwhile, whatever the user does.
    assert!(press(&mut state, KeyCode::Char('s')).is_empty());
    assert!(press(&mut state, KeyCode::Char('S')).is_empty());
    assert_eq!(
        state.rate_limit.as_ref().unwrap().waiting,
        vec![Waiting::Page(1)]
    );

    // The timer ticks each second of the countdown, not more.
    let wall = wall_now();
    assert_eq!(
        next_wake(&state, t0, wall),
        Some(t0 + Duration::from_secs(1))
    );
    tokio::time::advance(Duration::from_millis(1500)).await;
    let now = Instant::now();
    assert_eq!(
        next_wake(&state, now, wall),
        Some(now + Duration::from_millis(500))
    );
    assert!(update(&mut state, Msg::Tick, ui_fixtures::clock_at(now)).is_empty());

    tokio::time::advance(Duration::from_millis(88_500)).await;
    let fx = update(&mut state, Msg::Tick, ui_fixtures::clock());
    assert_eq!(state.rate_limit, None);
    assert_eq!(
        fetches(&fx),
        vec![(2, 1)],
        "sent once, for the current query"
    );
    // A second tick sends nothing more.
    assert!(update(&mut state, Msg::Tick, ui_fixtures::clock()).is_empty());
}

#[tokio::test(start_paused = true)]
async fn cached_pages_stay_browsable_while_limited_and_r_retries_now() {
    let mut state = loaded_state(80, 24, 10, 100);
    let t0 = Instant::now();
    // The prefetch of page 2 hits the limit: the gate closes, nothing waits.
    answer_page_at(
        &mut state,
        0,
        2,
        Err(FetchError::RateLimited {
            retry_at: t0 + Duration::from_secs(3700),
        }),
        t0,
    );
    assert!(state.rate_limit.as_ref().unwrap().waiting.is_empty());
    // Page 2 is not cached: it waits; page 1 is cached: shown at once.
    assert!(press(&mut state, KeyCode::Char(']')).is_empty());
    assert_eq!(
        state.rate_limit.as_ref().unwrap().waiting,
        vec![Waiting::Page(2)]
    );
    assert!(press(&mut state, KeyCode::Char('[')).is_empty());
    assert_eq!(shown_page(&state), Some(1));
    assert!(state.rate_limit.as_ref().unwrap().waiting.is_empty());
    press(&mut state, KeyCode::Char(']'));
    // `r` retries at once, on purpose.
    let fx = press(&mut state, KeyCode::Char('r'));
    assert_eq!(fx[0], Effect::ClearRateLimit);
    assert_eq!(fetches(&fx), vec![(0, 2)]);
    assert_eq!(state.rate_limit, None);
}

#[tokio::test(start_paused = true)]
async fn later_retry_instant_wins() {
    let mut state = loaded_state(80, 24, 10, 100);
    let t0 = Instant::now();
    for secs in [30, 90, 60] {
        answer_page_at(
            &mut state,
            0,
            2,
            Err(FetchError::RateLimited {
                retry_at: t0 + Duration::from_secs(secs),
            }),
            t0,
        );
    }
    assert_eq!(
        state.rate_limit.unwrap().until,
        t0 + Duration::from_secs(90)
    );
}

#[tokio::test(start_paused = true)]
async fn errors_show_in_the_pane_with_what_to_do() {
    let mut state = State::new(scope(), Default::default(), 10, Default::default());
    update(&mut state, Msg::Start, ui_fixtures::clock());
    update(
        &mut state,
        Msg::PageLoaded {
            generation: 0,
            page: 1,
            result: Err(FetchError::Failed {
                message: "401 unauthorized".into(),
                hint: Some("check the API key (TRIAGE_API_KEY or api_key_cmd)".into()),
            }),
        },
        ui_fixtures::clock(),
    );
    match &state.list.table {
        TablePane::Error { page: 1, error } => assert!(error.hint.is_some()),
        other => panic!("{other:?}"),
    }
    // r tries again.
    assert_eq!(
        fetches(&press(&mut state, KeyCode::Char('r'))),
        vec![(1, 1)]
    );
}

#[tokio::test(start_paused = true)]
async fn detail_opens_loads_and_closes() {
    let mut state = loaded_state(80, 24, 10, 100);
    press(&mut state, KeyCode::Char('j'));
    let fx = press(&mut state, KeyCode::Enter);
    let id = state.selected_ticket().unwrap().id;
    assert!(fx.contains(&Effect::FetchDetail { generation: 1, id }));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::FetchMessages { generation: 1, .. }))
    );
    let pane = state.detail.as_ref().unwrap();
    assert_eq!(pane.ticket.ticket_number, 1002);

    let detail = TicketDetail {
        ticket: ticket(2),
        tags: vec![],
        custom_fields: Default::default(),
    };
    // An answer for a detail closed since is dropped.
    update(
        &mut state,
        Msg::DetailLoaded {
            generation: 0,
            result: Ok(Box::new(detail.clone())),
        },
        ui_fixtures::clock(),
    );
    assert_eq!(state.detail.as_ref().unwrap().detail, Loadable::Loading);
    update(
        &mut state,
        Msg::DetailLoaded {
            generation: 1,
            result: Ok(Box::new(detail)),
        },
        ui_fixtures::clock(),
    );
    update(
        &mut state,
        Msg::MessagesLoaded {
            generation: 1,
            result: Err(FetchError::NotSupported),
        },
        ui_fixtures::clock(),
    );
    let pane = state.detail.as_ref().unwrap();
    assert!(matches!(pane.detail, Loadable::Loaded(_)));
    assert_eq!(pane.messages, Loadable::NotSupported);
    // While open, movement scrolls the pane, not the list, as far as its
    // lines go (measured as drawn, before any frame): on a short screen.
    update(&mut state, Msg::Resize(60, 10), ui_fixtures::clock());
    let area = state.areas().detail.unwrap();
    let max = triage::ui::detail::max_scroll(&state, area, &ui_fixtures::clock());
    assert!(max >= 3, "the pane has more lines than rows: {max}");
    press(&mut state, KeyCode::Char('j'));
    press(&mut state, KeyCode::Char('j'));
    assert_eq!(state.detail.as_ref().unwrap().scroll, 2);
    assert_eq!(state.list.selected, 1);
    press(&mut state, KeyCode::Char('G'));
    assert_eq!(state.detail.as_ref().unwrap().scroll, max);
    press(&mut state, KeyCode::Char('k'));
    assert_eq!(state.detail.as_ref().unwrap().scroll, max - 1);
    press(&mut state, KeyCode::Esc);
    assert!(state.detail.is_none());
}

#[tokio::test(start_paused = true)]
async fn copy_open_and_help() {
    let mut state = loaded_state(80, 24, 10, 100);
    assert_eq!(
        press(&mut state, KeyCode::Char('y')),
        vec![Effect::Copy("#1001".into())]
    );
    assert_eq!(state.notice.as_deref(), Some("copied #1001"));
    let fx = press(&mut state, KeyCode::Char('Y'));
    assert!(matches!(
        &fx[..],
        [Effect::CopyCurl {
            page: 1,
            per_page: 10,
            ..
        }]
    ));
    // `o` does nothing without a web_url (and is hidden from help).
    assert!(press(&mut state, KeyCode::Char('o')).is_empty());
    assert!(
        state
            .hidden_actions()
            .contains(&triage::app::Action::OpenBrowser)
    );
    state = state.with_web_url(Some("https://acme.example.com/t/{number}?id={id}".into()));
    assert_eq!(
        press(&mut state, KeyCode::Char('o')),
        vec![Effect::OpenUrl(format!(
            "https://acme.example.com/t/1001?id={}",
            uuid::Uuid::from_u128(1)
        ))]
    );
    press(&mut state, KeyCode::Char('?'));
    assert!(state.help().is_some());
    press(&mut state, KeyCode::Esc);
    assert!(state.help().is_none());
    assert_eq!(press(&mut state, KeyCode::Char('q')), vec![Effect::Quit]);
    assert_eq!(ctrl(&mut state, 'c'), vec![Effect::Quit]);
    assert_eq!(ctrl(&mut state, 'z'), vec![Effect::Suspend]);
}

#[tokio::test(start_paused = true)]
async fn mouse_click_selects_and_wheel_scrolls() {
    let mut state = loaded_state(80, 24, 50, 100);
    let table = state.areas().table;
    let click = |row: u16| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 10,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    update(&mut state, click(table.y + 1 + 4), ui_fixtures::clock());
    assert_eq!(state.list.selected, 4);
    // The column header row selects nothing.
    update(&mut state, click(table.y), ui_fixtures::clock());
    assert_eq!(state.list.selected, 4);
    let wheel = Msg::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 10,
        row: table.y + 3,
        modifiers: KeyModifiers::NONE,
    });
    update(&mut state, wheel, ui_fixtures::clock());
    assert_eq!(state.list.selected, 7);

    // Wide: with the detail beside the list, a click shows the clicked ticket.
    update(&mut state, Msg::Resize(200, 50), ui_fixtures::clock());
    press(&mut state, KeyCode::Enter);
    let table = state.areas().table;
    let fx = update(&mut state, click(table.y + 1 + 2), ui_fixtures::clock());
    let id = state.list.table.tickets()[2].id;
    assert!(
        fx.contains(&Effect::FetchDetail { generation: 2, id }),
        "{fx:?}"
    );
    assert_eq!(state.detail.as_ref().unwrap().ticket.id, id);
}

#[tokio::test(start_paused = true)]
async fn idle_means_no_timer() {
    let mut state = State::new(scope(), Default::default(), 10, Default::default());
    let now = Instant::now();
    assert_eq!(next_wake(&state, now, wall_now()), None);
    update(&mut state, Msg::Start, ui_fixtures::clock_at(now));
    // Loading: spinner frames.
    assert_eq!(
        next_wake(&state, now, wall_now()),
        Some(now + Duration::from_millis(100))
    );
    // Empty result: nothing on screen counts.
    update(
        &mut state,
        Msg::PageLoaded {
            generation: 0,
            page: 1,
            result: Ok(page_of(1, 10, 0)),
        },
        ui_fixtures::clock_at(now),
    );
    assert!(matches!(state.list.table, TablePane::Empty { .. }));
    assert_eq!(next_wake(&state, now, wall_now()), None);
    // A names catalog loading (or waiting to be loaded) wakes nothing.
    state.names_status = triage::app::state::NamesStatus::Loading(1);
    assert_eq!(next_wake(&state, now, wall_now()), None);
    state.names_status = triage::app::state::NamesStatus::Incomplete;
    assert_eq!(next_wake(&state, now, wall_now()), None);
    // Relative times on screen: one wake-up at the next wall-clock minute.
    let state = loaded_state(80, 24, 10, 5);
    let wall = wall_now() + chrono::Duration::seconds(15);
    assert_eq!(
        next_wake(&state, now, wall),
        Some(now + Duration::from_secs(45))
    );
}

fn names_loads(fx: &[Effect]) -> Vec<u64> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::LoadNames { generation } => Some(*generation),
            _ => None,
        })
        .collect()
}

fn names_with(user: u32, name: &str) -> triage::app::NamesLoaded {
    let mut table = triage::app::NameTable::default();
    table.users.insert(user_id(user), name.to_string());
    triage::app::NamesLoaded {
        names: std::sync::Arc::new(table),
        incomplete: false,
        retry_at: None,
    }
}

#[tokio::test(start_paused = true)]
async fn the_catalog_is_loaded_again_after_a_rate_limit_and_on_refresh() {
    use triage::app::state::NamesStatus;
    let t0 = Instant::now();
    let mut state = State::new(scope(), Default::default(), 10, Default::default());
    state.names_status = NamesStatus::Incomplete;
    // The UI opens with no names and asks for them beside page 1.
    let fx = update(&mut state, Msg::Start, ui_fixtures::clock_at(t0));
    assert_eq!(fetches(&fx), vec![(0, 1)]);
    assert_eq!(names_loads(&fx), vec![1]);
    assert_eq!(state.names_status, NamesStatus::Loading(1));
    // A refresh while it is on its way asks nothing more.
    let fx = press(&mut state, KeyCode::Char('r'));
    assert!(names_loads(&fx).is_empty());

    // The catalog hit the rate limit: what loaded swaps in, the rest waits.
    let mut partial = names_with(1, "Leilani Esposito-Hart");
    partial.incomplete = true;
    partial.retry_at = Some(t0 + Duration::from_secs(8));
    update(
        &mut state,
        Msg::NamesLoaded {
            generation: 1,
            loaded: Some(partial),
        },
        ui_fixtures::clock_at(t0),
    );
    assert_eq!(state.names_status, NamesStatus::Incomplete);
    assert_eq!(
        state.names.user_name(user_id(1)).as_deref(),
        Some("Leilani Esposito-Hart")
    );
    assert!(state.rate_limit.is_some(), "a 429 closes the gate");
    // Nothing goes out while the gate is closed.
    let fx = update(
        &mut state,
        Msg::Tick,
        ui_fixtures::clock_at(t0 + Duration::from_secs(4)),
    );
    assert!(names_loads(&fx).is_empty());

    // The window ends: the missing parts are asked once.
    tokio::time::advance(Duration::from_secs(8)).await;
    let fx = update(&mut state, Msg::Tick, ui_fixtures::clock());
    assert_eq!(names_loads(&fx), vec![2]);
    let fx = update(&mut state, Msg::Tick, ui_fixtures::clock());
    assert!(names_loads(&fx).is_empty(), "once per window");

    // An older load's answer is dropped (the generation rule).
    update(
        &mut state,
        Msg::NamesLoaded {
            generation: 1,
            loaded: Some(names_with(2, "stale")),
        },
        ui_fixtures::clock(),
    );
    assert_eq!(state.names.user_name(user_id(2)), None);
    update(
        &mut state,
        Msg::NamesLoaded {
            generation: 2,
            loaded: Some(names_with(2, "Dana Okafor")),
        },
        ui_fixtures::clock(),
    );
    assert_eq!(
        state.names.user_name(user_id(2)).as_deref(),
        Some("Dana Okafor")
    );
    assert_eq!(state.names_status, NamesStatus::Complete);
    // Complete: a refresh reloads tickets, not the catalog.
    let fx = press(&mut state, KeyCode::Char('r'));
    assert!(names_loads(&fx).is_empty());

    // Incomplete again (say a 5xx): `r` asks for it.
    state.names_status = NamesStatus::Incomplete;
    let fx = press(&mut state, KeyCode::Char('r'));
    assert_eq!(names_loads(&fx), vec![3]);
}

/// One step of a random session: a key, or the "server" answering one of
/// the requests sent so far (in any order, possibly long after), or time.
#[derive(Debug, Clone)]
enum Step {
    Key(char),
    Answer { index: usize, outcome: u8 },
    Wait(u64),
}

fn step() -> impl proptest::strategy::Strategy<Value = Step> {
    use proptest::prelude::*;
    prop_oneof![
        proptest::sample::select(vec![
            'j', 'k', 'g', 'G', 'd', 'u', ']', '[', '\n', 'e', 'r', 's', 'S', 'y', '?'
        ])
        .prop_map(Step::Key),
        (0usize..8, 0u8..10).prop_map(|(index, outcome)| Step::Answer { index, outcome }),
        (0u64..5000).prop_map(Step::Wait),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Whatever happens, the cursor stays on a row in the window, nothing is
    /// sent while rate limited, requests carry the current generation, and
    /// no page is asked twice at once.
    #[test]
    fn update_keeps_its_promises(steps in proptest::collection::vec(step(), 1..60)) {
        let mut state = State::new(scope(), filter(), 10, Default::default());
        let mut now = std::time::Instant::now().into();
        update(&mut state, Msg::Resize(80, 24), ui_fixtures::clock_at(now));
        let mut sent: Vec<(u64, u64)> = fetches(&update(&mut state, Msg::Start, ui_fixtures::clock_at(now)));
        for step in steps {
            let fx = match step {
                Step::Key(c) => {
                    let code = match c {
                        '\n' => KeyCode::Enter,
                        'e' => KeyCode::Esc,
                        c => KeyCode::Char(c),
                    };
                    let mods = if matches!(c, 'd' | 'u') { KeyModifiers::CONTROL } else { KeyModifiers::NONE };
                    update(&mut state, Msg::Key(KeyEvent::new(code, mods)), ui_fixtures::clock_at(now))
                }
                Step::Answer { index, outcome } => {
                    if sent.is_empty() {
                        continue;
                    }
                    let (generation, page) = sent.remove(index % sent.len());
                    let result = match outcome {
                        0 => Err(FetchError::RateLimited { retry_at: now + Duration::from_secs(3) }),
                        1 => Err(FetchError::failed("boom")),
                        _ => Ok(page_of(page, 10, 95)),
                    };
                    update(&mut state, Msg::PageLoaded { generation, page, result }, ui_fixtures::clock_at(now))
                }
                Step::Wait(ms) => {
                    now += Duration::from_millis(ms);
                    update(&mut state, Msg::Tick, ui_fixtures::clock_at(now))
                }
            };
            for (generation, _) in fetches(&fx) {
                proptest::prop_assert_eq!(generation, state.list.query_gen);
            }
            if state.rate_limit.is_some() {
                proptest::prop_assert!(
                    !fx.iter().any(|e| matches!(e, Effect::FetchPage { .. } | Effect::FetchDetail { .. } | Effect::FetchMessages { .. })),
                    "a request went out while rate limited: {:?}", fx
                );
            }
            sent.extend(fetches(&fx));
            let mut pages = state.list.in_flight.clone();
            pages.sort();
            pages.dedup();
            proptest::prop_assert_eq!(pages.len(), state.list.in_flight.len());
            let len = state.list.table.tickets().len();
            if len > 0 {
                let rows = state.areas().table_rows();
                proptest::prop_assert!(state.list.selected < len);
                proptest::prop_assert!(state.list.offset <= state.list.selected && state.list.selected < state.list.offset + rows);
            }
            if let TablePane::Loaded(view) = &state.list.table {
                proptest::prop_assert_eq!(view.page, state.list.page, "the page on screen is the current page");
            }
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_saved_change_makes_the_lists_left_behind_fetch_fresh() {
    let mut state = loaded_state(120, 30, 20, 95);
    // Sorting away and back: the first list's page comes from the cache.
    press(&mut state, KeyCode::Char('s'));
    let g = state.list.query_gen;
    page_loaded(&mut state, g, 1, 95);
    for _ in 0..2 {
        press(&mut state, KeyCode::Char('s'));
    }
    assert_eq!(state.list.sort(), SortField::UpdatedAt);
    assert!(matches!(state.list.table, TablePane::Loaded(_)), "cached");

    // A change is saved: leaving this list and coming back fetches it.
    let mut changed = state.list.table.tickets()[3].clone();
    changed.subject = "changed".into();
    update(
        &mut state,
        Msg::TicketUpdated {
            write: 99,
            result: Ok(Box::new(changed.into())),
        },
        ui_fixtures::clock(),
    );
    press(&mut state, KeyCode::Char('s'));
    let fx: Vec<Effect> = (0..2)
        .flat_map(|_| press(&mut state, KeyCode::Char('s')))
        .collect();
    assert_eq!(state.list.sort(), SortField::UpdatedAt);
    assert!(matches!(state.list.table, TablePane::Loading { .. }));
    assert!(fetches(&fx).iter().any(|(_, page)| *page == 1), "{fx:?}");
}

#[tokio::test(start_paused = true)]
async fn paging_past_either_end_says_so_and_o_says_how_to_enable_it() {
    let mut state = loaded_state(120, 30, 50, 40);
    assert!(fetches(&press(&mut state, KeyCode::Char(']'))).is_empty());
    assert_eq!(state.notice.as_deref(), Some("this is the last page"));
    press(&mut state, KeyCode::Char('['));
    assert_eq!(state.notice.as_deref(), Some("this is the first page"));
    let fx = press(&mut state, KeyCode::Char('o'));
    assert!(fx.is_empty());
    assert!(state.notice.as_deref().unwrap().contains("web_url"));
}

#[tokio::test(start_paused = true)]
async fn shift_j_and_k_move_the_detail_from_ticket_to_ticket_across_pages() {
    let mut state = loaded_state(120, 30, 20, 45);
    press(&mut state, KeyCode::Enter);
    let first = state.detail.as_ref().unwrap().ticket.id;
    let fx = press(&mut state, KeyCode::Char('J'));
    let second = state.list.table.tickets()[1].id;
    assert_eq!(state.detail.as_ref().unwrap().ticket.id, second);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::FetchDetail { id, .. } if *id == second))
    );
    press(&mut state, KeyCode::Char('K'));
    assert_eq!(state.detail.as_ref().unwrap().ticket.id, first);
    // From the last row, on to page 2: the detail follows when it arrives.
    for _ in 0..19 {
        press(&mut state, KeyCode::Char('J'));
    }
    assert_eq!(state.list.selected, 19);
    press(&mut state, KeyCode::Char('J'));
    assert_eq!(state.list.page, 2);
    let g = state.list.query_gen;
    let fx = page_loaded(&mut state, g, 2, 45);
    let landing = state.list.table.tickets()[0].id;
    assert_eq!(state.detail.as_ref().unwrap().ticket.id, landing);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::FetchDetail { id, .. } if *id == landing))
    );
}

#[tokio::test(start_paused = true)]
async fn help_scrolls_to_its_end_before_any_frame_is_drawn() {
    let mut state = State::new(
        Default::default(),
        triage::filter::TicketFilter::default(),
        50,
        triage::app::Keymap::default(),
    );
    update(&mut state, Msg::Resize(80, 12), ui_fixtures::clock());
    press(&mut state, KeyCode::Char('?'));
    press(&mut state, KeyCode::Char('G'));
    let max = triage::app::help::help_layout(&state, state.size).max_scroll;
    assert!(max > 0, "80x12 cannot show every key");
    // No render ran: the end is known from the keymap and the size.
    assert_eq!(state.help().map(|h| h.scroll), Some(max));
    press(&mut state, KeyCode::Char('k'));
    assert_eq!(state.help().map(|h| h.scroll), Some(max - 1));
}

/// A first conversation page answered with `meta.page: 2` was taken for a
/// later page; with nothing loaded to extend it was dropped and the
/// conversation said "loading" for good. It is shown, as page 1, and
/// scrolling on asks for page 2.
#[tokio::test(start_paused = true)]
async fn a_first_conversation_page_claiming_page_two_is_shown() {
    use triage::api::types::{AuthorType, Message, PageMeta};
    let mut state = loaded_state(80, 24, 10, 100);
    press(&mut state, KeyCode::Enter);
    let message = |n: u128| Message {
        id: uuid::Uuid::from_u128(n),
        author_name: Some("Dana".into()),
        author_type: AuthorType::Contact,
        body: format!("message {n}"),
        created_at: None,
    };
    update(
        &mut state,
        Msg::MessagesLoaded {
            generation: 1,
            result: Ok((
                (1..=100).map(message).collect(),
                PageMeta {
                    page: 2,
                    per_page: 100,
                    total: 150,
                },
            )),
        },
        ui_fixtures::clock(),
    );
    let Loadable::Loaded(conv) = &state.detail.as_ref().unwrap().messages else {
        panic!("still {:?}", state.detail.as_ref().unwrap().messages);
    };
    assert_eq!(conv.messages.len(), 100);
    assert_eq!(conv.meta.page, 1);
    // Scrolling to the end asks for the page after the first.
    let fx = press(&mut state, KeyCode::Char('G'));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::FetchMessages { page: 2, .. })),
        "{fx:?}"
    );
}
