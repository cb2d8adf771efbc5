//! `/` live search through the update step on tokio's paused clock: the
//! debounce, the generation rule for answers that arrive out of order,
//! Enter / Esc, and the line as drawn.

use std::time::Duration;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::time::{Instant, advance};
use triage::app::search::DEBOUNCE;
use triage::app::state::TablePane;
use triage::app::{Effect, Msg, State, TicketPage, next_wake, update};
use triage::filter::TicketFilter;
use triage::ui::{ColorMode, RenderContext, Theme};

use crate::support::keys::{ctrl, press, type_text};
use crate::support::screen;
use crate::support::ui_fixtures;
use crate::support::ui_fixtures::*;

/// (generation, page, search text) of every page request.
fn fetches(fx: &[Effect]) -> Vec<(u64, u64, Option<String>)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::FetchPage {
                generation,
                page,
                filter,
                ..
            } => Some((*generation, *page, filter.query.clone())),
            _ => None,
        })
        .collect()
}

fn answer(state: &mut State, generation: u64, page: TicketPage) -> Vec<Effect> {
    answer_page(state, generation, 1, Ok(page))
}

/// A page whose total tells which answer is on screen.
fn page_with_total(total: u64) -> TicketPage {
    page_of(1, 20, total)
}

fn shown_total(state: &State) -> Option<u64> {
    state.list.table.meta().map(|m| m.total)
}

/// Lets the debounce run out as the runtime would: sleep to each
/// `next_wake` (spinner frames come first while a page loads) and tick,
/// until the typed search is no longer waiting.
async fn pause(state: &mut State) -> Vec<Effect> {
    let mut fx = Vec::new();
    while state.search().is_some_and(|s| s.due.is_some()) {
        let wake = next_wake(state, Instant::now(), wall_now()).expect("a wake-up is due");
        tokio::time::sleep_until(wake).await;
        fx.extend(update(state, Msg::Tick, ui_fixtures::clock()));
    }
    fx
}

#[tokio::test(start_paused = true)]
async fn typing_a_query_sends_one_request_after_the_debounce() {
    let mut state = loaded_state(100, 30, 20, 95);
    assert!(press(&mut state, KeyCode::Char('/')).is_empty());
    assert!(state.search().is_some());

    // 20 characters, typed at 8 keys a second, with other timers firing
    // in between (spinner, minute ticks): nothing goes out while typing.
    let query = "refund -spam \"vat n\"";
    assert_eq!(query.chars().count(), 20);
    let mut sent = Vec::new();
    for c in query.chars() {
        sent.extend(fetches(&press(&mut state, KeyCode::Char(c))));
        advance(Duration::from_millis(120)).await;
        sent.extend(fetches(&update(
            &mut state,
            Msg::Tick,
            ui_fixtures::clock(),
        )));
    }
    assert!(sent.is_empty(), "sent while typing: {sent:?}");

    // The runtime is asked to wake exactly when the quiet time is over.
    let wake = next_wake(&state, Instant::now(), wall_now()).unwrap();
    assert_eq!(wake - Instant::now(), DEBOUNCE - Duration::from_millis(120));
    let fx = pause(&mut state).await;
    let sent = fetches(&fx);
    assert_eq!(sent.len(), 1, "{sent:?}");
    let (generation, page, text) = sent[0].clone();
    assert_eq!((page, text.as_deref()), (1, Some(query)));
    // Websearch syntax passes through untouched.
    assert_eq!(state.list.filter.query.as_deref(), Some(query));
    assert_eq!(generation, state.list.query_gen);

    // Nothing more is due for the search.
    assert_eq!(state.search().unwrap().due, None);
    // Enter keeps what was sent and sends nothing again.
    assert!(fetches(&press(&mut state, KeyCode::Enter)).is_empty());
    assert!(state.search().is_none());
    assert_eq!(state.list.filter.query.as_deref(), Some(query));
}

#[tokio::test(start_paused = true)]
async fn a_slow_older_answer_never_replaces_a_newer_one() {
    let mut state = loaded_state(100, 30, 20, 95);
    press(&mut state, KeyCode::Char('/'));
    type_text(&mut state, "ref");
    let first = fetches(&pause(&mut state).await);
    assert_eq!(first.len(), 1);
    // The rows stay on screen while the answer is on its way.
    assert!(matches!(state.list.table, TablePane::Loaded(_)));
    assert!(state.list.loading_since.is_some());

    type_text(&mut state, "und");
    let second = fetches(&pause(&mut state).await);
    assert_eq!(second.len(), 1);
    assert!(second[0].0 > first[0].0, "a newer generation");
    assert_eq!(second[0].2.as_deref(), Some("refund"));

    // The older answer arrives first: dropped, the newer one is awaited.
    answer(&mut state, first[0].0, page_with_total(40));
    assert_eq!(shown_total(&state), Some(95), "old rows until the answer");
    assert!(state.list.loading_since.is_some());
    answer(&mut state, second[0].0, page_with_total(7));
    assert_eq!(shown_total(&state), Some(7));
    assert_eq!(state.list.loading_since, None);

    // And later still: nothing changes.
    answer(&mut state, first[0].0, page_with_total(40));
    assert_eq!(shown_total(&state), Some(7));
    let errors = answer_page(
        &mut state,
        first[0].0,
        1,
        Err(triage::app::FetchError::failed("late failure")),
    );
    assert!(errors.is_empty());
    assert_eq!(shown_total(&state), Some(7));
    assert!(state.last_error.is_none());
}

#[tokio::test(start_paused = true)]
async fn esc_restores_the_search_from_before() {
    let mut state = loaded_state(100, 30, 20, 95);
    // Escape before the pause: nothing was ever sent.
    press(&mut state, KeyCode::Char('/'));
    type_text(&mut state, "printer");
    assert!(fetches(&press(&mut state, KeyCode::Esc)).is_empty());
    assert!(state.search().is_none());
    assert_eq!(state.list.filter.query, None);
    assert!(next_wake(&state, Instant::now(), wall_now()).unwrap() - Instant::now() > DEBOUNCE);

    // Escape after results followed the typing: the old search comes back
    // (from the cache here, so at once and without a request).
    press(&mut state, KeyCode::Char('/'));
    type_text(&mut state, "printer");
    let sent = fetches(&pause(&mut state).await);
    answer(&mut state, sent[0].0, page_with_total(3));
    assert_eq!(shown_total(&state), Some(3));
    let fx = press(&mut state, KeyCode::Esc);
    assert!(fetches(&fx).iter().all(|(_, p, _)| *p != 1), "{fx:?}");
    assert_eq!(state.list.filter.query, None);
    assert_eq!(shown_total(&state), Some(95));
}

#[tokio::test(start_paused = true)]
async fn typing_back_to_the_same_text_sends_nothing() {
    let mut state = State::new(
        scope(),
        "status:open refund".parse::<TicketFilter>().unwrap(),
        20,
        Default::default(),
    );
    update(&mut state, Msg::Resize(100, 30), ui_fixtures::clock());
    let start = fetches(&update(&mut state, Msg::Start, ui_fixtures::clock()));
    answer(&mut state, start[0].0, page_with_total(12));
    press(&mut state, KeyCode::Char('/'));
    // The line opens on the current search text, cursor at the end.
    assert_eq!(state.search().unwrap().input.value(), "refund");
    press(&mut state, KeyCode::Backspace);
    press(&mut state, KeyCode::Char('d'));
    assert!(fetches(&pause(&mut state).await).is_empty());
    // Clearing the text clears the search (status stays).
    for _ in 0.."refund".len() {
        press(&mut state, KeyCode::Backspace);
    }
    let sent = fetches(&pause(&mut state).await);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].2, None);
    assert_eq!(state.list.filter.to_string(), "status:open");
}

#[tokio::test(start_paused = true)]
async fn keys_go_to_the_line_not_the_keymap_but_ctrl_c_still_quits() {
    let mut state = loaded_state(100, 30, 20, 95);
    press(&mut state, KeyCode::Char('/'));
    // `q`, `j`, `?` are letters of the search, not actions.
    let fx = type_text(&mut state, "qj?");
    assert!(!fx.contains(&Effect::Quit));
    assert!(state.help().is_none());
    assert_eq!(state.list.selected, 0);
    // Ctrl-n / Ctrl-p still move in the list below (the arrows are the
    // history's).
    ctrl(&mut state, 'n');
    assert_eq!(state.list.selected, 1);
    ctrl(&mut state, 'p');
    assert_eq!(state.list.selected, 0);
    let fx = ctrl(&mut state, 'c');
    assert!(fx.contains(&Effect::Quit));
}

fn draw(state: &State, w: u16, h: u16) -> Vec<String> {
    screen::lines(&screen::draw_sized(
        state,
        w,
        h,
        ColorMode::NoColor,
        Instant::now(),
    ))
}

#[tokio::test(start_paused = true)]
async fn the_line_replaces_the_hints_and_the_status_keeps_counting() {
    let mut state = loaded_state(100, 20, 20, 95);
    press(&mut state, KeyCode::Char('/'));
    type_text(&mut state, "refund or vat");
    let rows = draw(&state, 100, 20);
    let last = &rows[19];
    assert!(last.starts_with(" / refund or vat"), "{last}");
    assert!(
        last.contains("\"phrase\"  or  -word   Enter keep  Esc restore"),
        "{last}"
    );
    assert!(rows[18].contains("page 1/5 · 95 tickets"), "{}", rows[18]);

    // Narrow: the hints give way to the text; a long query scrolls so the
    // cursor stays in view.
    update(&mut state, Msg::Resize(40, 12), ui_fixtures::clock());
    type_text(&mut state, " and a much longer tail of words");
    let rows = draw(&state, 40, 12);
    let last = rows[11].trim_end().to_string();
    assert!(last.starts_with(" / "), "{last}");
    assert!(last.ends_with("tail of words"), "{last}");
    assert!(!last.contains("Esc restore"));
}

#[tokio::test(start_paused = true)]
async fn filter_syntax_typed_into_the_search_points_at_the_filter_line() {
    let mut state = loaded_state(100, 20, 20, 95);
    press(&mut state, KeyCode::Char('/'));
    type_text(&mut state, "refund Status:open");
    let rows = draw(&state, 100, 20);
    assert!(
        rows[19].contains("status: is searched as text · : filters by it"),
        "{}",
        rows[19]
    );
    // Plain words keep the syntax hints.
    let mut state = loaded_state(100, 20, 20, 95);
    press(&mut state, KeyCode::Char('/'));
    type_text(&mut state, "refund: late");
    assert!(draw(&state, 100, 20)[19].contains("\"phrase\""));
}

#[tokio::test(start_paused = true)]
async fn the_terminal_cursor_sits_at_the_end_of_the_text() {
    let mut state = loaded_state(100, 20, 20, 95);
    press(&mut state, KeyCode::Char('/'));
    type_text(&mut state, "vat");
    let mut terminal = Terminal::new(TestBackend::new(100, 20)).unwrap();
    let ctx = RenderContext {
        now: Instant::now(),
        wall_now: wall_now(),
        theme: Theme::new(ColorMode::NoColor),
    };
    terminal
        .draw(|f| triage::ui::render(&state, &ctx, f))
        .unwrap();
    let pos = terminal.get_cursor_position().unwrap();
    assert_eq!((pos.x, pos.y), (3 + 3, 19));
}

#[tokio::test(start_paused = true)]
async fn enter_sends_a_waiting_search_at_once() {
    let mut state = loaded_state(100, 30, 20, 95);
    press(&mut state, KeyCode::Char('/'));
    type_text(&mut state, "vat");
    let sent = fetches(&press(&mut state, KeyCode::Enter));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].2.as_deref(), Some("vat"));
    assert!(state.search().is_none());
    // Nothing is left to fire later.
    advance(DEBOUNCE * 2).await;
    assert!(fetches(&update(&mut state, Msg::Tick, ui_fixtures::clock())).is_empty());
}
