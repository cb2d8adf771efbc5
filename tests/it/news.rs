//! What is new in the open list, on tokio's paused clock: marks set by a
//! poll (rows above, a row changed), cleared by the cursor and the detail,
//! never for our own writes nor after a new query; `Tab`; the count in
//! the header and the title; the notification a poll asks for; polling
//! slowed while the terminal is not focused.

use std::time::Duration;

use crossterm::event::KeyCode;
use tokio::time::Instant;
use triage::api::types::Ticket;
use triage::app::news::Notification;
use triage::app::{Effect, Msg, State, TicketPage, update};
use triage::config::Notify;
use triage::ui::ColorMode;

use crate::support::keys::{ch, press};
use crate::support::screen::{draw, line};
use crate::support::ui_fixtures::*;

const EVERY: Duration = Duration::from_secs(60);

/// 3 pages of 20, polled every minute, page 1 on screen, the cursor on row 3.
fn polled_state() -> State {
    let mut state = State::new(scope(), filter(), 20, triage::app::Keymap::default());
    state.list.poll.every = Some(EVERY);
    update(&mut state, Msg::Resize(120, 30), clock());
    update(&mut state, Msg::Start, clock());
    let generation = state.list.query_gen;
    answer_page(&mut state, generation, 1, Ok(page_of(1, 20, 60)));
    for _ in 0..3 {
        press(&mut state, KeyCode::Char('j'));
    }
    state
}

/// Lets the interval pass: the poll goes out.
async fn poll_now(state: &mut State) -> Vec<Effect> {
    tokio::time::advance(EVERY).await;
    let fx = update(state, Msg::Tick, clock());
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::FetchPage { page: 1, .. })),
        "a poll was sent: {fx:?}"
    );
    fx
}

fn later(mut t: Ticket, minutes: i64) -> Ticket {
    t.updated_at = t.updated_at.map(|u| u + chrono::Duration::minutes(minutes));
    t
}

/// Page 1 as a poll finds it: two new tickets on top, row `changed` of the
/// old page updated.
fn fresh_page(changed: usize) -> TicketPage {
    let old = page_of(1, 20, 60);
    let mut tickets = vec![ticket(101), ticket(102)];
    tickets.extend(
        old.tickets
            .into_iter()
            .take(18)
            .enumerate()
            .map(|(i, t)| if i == changed { later(t, 5) } else { t }),
    );
    TicketPage {
        tickets,
        meta: old.meta,
    }
}

fn answer(state: &mut State, page: TicketPage) -> Vec<Effect> {
    let generation = state.list.query_gen;
    answer_page(state, generation, 1, Ok(page))
}

fn marked_numbers(state: &State) -> Vec<i64> {
    state
        .list
        .table
        .tickets()
        .iter()
        .filter(|t| state.news.is_new(&state.list.query_key(), t.id))
        .map(|t| t.ticket_number)
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_poll_marks_rows_above_and_the_changed_one_and_the_cursor_stays() {
    let mut state = polled_state();
    let chosen = state.selected_ticket().unwrap().id;
    poll_now(&mut state).await;
    answer(&mut state, fresh_page(7));
    assert_eq!(state.selected_ticket().unwrap().id, chosen);
    // #1101, #1102 are new; the old row 7 (ticket 8) changed.
    assert_eq!(marked_numbers(&state), [1101, 1102, 1008]);
    assert_eq!(state.news.count(&state.list.query_key()), 3);
    // Another poll bringing the same rows: still three, nothing more.
    poll_now(&mut state).await;
    let fx = answer(&mut state, fresh_page(7));
    assert_eq!(state.news.count(&state.list.query_key()), 3);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Notify(_))));
}

#[tokio::test(start_paused = true)]
async fn the_first_load_and_a_new_query_mark_nothing() {
    let mut state = polled_state();
    assert_eq!(
        state.news.count(&state.list.query_key()),
        0,
        "the first page is not news"
    );
    poll_now(&mut state).await;
    answer(&mut state, fresh_page(7));
    assert_eq!(state.news.count(&state.list.query_key()), 3);
    // A new sort: another query, no marks (and its page is not news).
    let fx = ch(&mut state, 's');
    assert_eq!(state.news.count(&state.list.query_key()), 0);
    let generation = state.list.query_gen;
    assert!(fx.iter().any(|e| matches!(e, Effect::FetchPage { .. })));
    answer_page(&mut state, generation, 1, Ok(fresh_page(3)));
    assert_eq!(marked_numbers(&state), Vec::<i64>::new());
}

#[tokio::test(start_paused = true)]
async fn marks_clear_when_the_cursor_passes_over_them() {
    let mut state = polled_state();
    poll_now(&mut state).await;
    answer(&mut state, fresh_page(7));
    // The cursor (row 5 now, pushed down) goes up over #1102 to #1101.
    for _ in 0..5 {
        press(&mut state, KeyCode::Char('k'));
    }
    assert_eq!(marked_numbers(&state), [1008]);
    // Down to row 9, #1008.
    for _ in 0..9 {
        press(&mut state, KeyCode::Char('j'));
    }
    assert_eq!(state.selected_ticket().unwrap().ticket_number, 1008);
    assert_eq!(state.news.count(&state.list.query_key()), 0);
}

#[tokio::test(start_paused = true)]
async fn opening_the_detail_on_a_marked_row_clears_it() {
    let mut state = polled_state();
    poll_now(&mut state).await;
    // The row under the cursor itself changed: marked, though the cursor
    // was already there (the poll moved nothing).
    answer(&mut state, fresh_page(3));
    assert_eq!(state.selected_ticket().unwrap().ticket_number, 1004);
    assert_eq!(marked_numbers(&state), [1101, 1102, 1004]);
    press(&mut state, KeyCode::Enter);
    assert_eq!(
        state.detail.as_ref().map(|d| d.ticket.ticket_number),
        Some(1004)
    );
    assert_eq!(marked_numbers(&state), [1101, 1102]);
}

#[tokio::test(start_paused = true)]
async fn our_own_write_is_not_news() {
    let mut state = polled_state();
    // `p` then the first level: a PATCH for the selected row (ticket 4).
    press(&mut state, KeyCode::Char('p'));
    let fx = press(&mut state, KeyCode::Enter);
    let write = fx
        .iter()
        .find_map(|e| match e {
            Effect::UpdateTicket { write, .. } => Some(*write),
            _ => None,
        })
        .expect("a write");
    let written = later(ticket(4), 1);
    update(
        &mut state,
        Msg::TicketUpdated {
            write,
            result: Ok(Box::new(written.clone().into())),
        },
        clock(),
    );
    poll_now(&mut state).await;
    let mut page = page_of(1, 20, 60);
    page.tickets[3] = written;
    let fx = answer(&mut state, page);
    assert_eq!(state.news.count(&state.list.query_key()), 0);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Notify(_))));
    // Someone else changes it afterwards: that is news.
    poll_now(&mut state).await;
    let mut page = page_of(1, 20, 60);
    page.tickets[3] = later(ticket(4), 9);
    answer(&mut state, page);
    assert_eq!(marked_numbers(&state), [1004]);
}

#[tokio::test(start_paused = true)]
async fn tab_jumps_to_the_next_new_row_wrapping_and_says_when_there_is_none() {
    let mut state = polled_state();
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.notice.as_deref(), Some("no new tickets"));
    poll_now(&mut state).await;
    answer(&mut state, fresh_page(7));
    // From row 5: on to #1008 (row 9), then around to #1101 and #1102.
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.selected_ticket().unwrap().ticket_number, 1008);
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.selected_ticket().unwrap().ticket_number, 1101);
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.selected_ticket().unwrap().ticket_number, 1102);
    assert_eq!(state.news.count(&state.list.query_key()), 0);
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.notice.as_deref(), Some("no new tickets"));
}

#[tokio::test(start_paused = true)]
async fn the_header_and_the_title_count_the_marked_rows() {
    let mut state = polled_state();
    poll_now(&mut state).await;
    let fx = answer(&mut state, fresh_page(7));
    assert!(
        fx.contains(&Effect::SetTitle("triage (3 new)".into())),
        "{fx:?}"
    );
    let buf = draw(&state, ColorMode::Palette256);
    assert!(line(&buf, 0).contains("· 3 new"), "{}", line(&buf, 0));
    // The gutter's dot beside the new row on top.
    let top = line(&buf, 3);
    assert!(top.contains('•') && top.contains("#1101"), "{top}");
    // Seen, one by one: the title follows, written only when it changes.
    let fx = press(&mut state, KeyCode::Tab);
    assert!(fx.contains(&Effect::SetTitle("triage (2 new)".into())));
    let fx = press(&mut state, KeyCode::Char('j'));
    assert!(!fx.iter().any(|e| matches!(e, Effect::SetTitle(_))));
    press(&mut state, KeyCode::Tab);
    let fx = press(&mut state, KeyCode::Tab);
    assert!(fx.contains(&Effect::SetTitle("triage".into())), "{fx:?}");
}

#[tokio::test(start_paused = true)]
async fn a_poll_notifies_as_configured_and_r_does_not() {
    for (mode, expect_bell) in [(Notify::Bell, true), (Notify::Off, false)] {
        let mut state = polled_state();
        state.notify = mode;
        poll_now(&mut state).await;
        let fx = answer(&mut state, fresh_page(7));
        let rang = fx.contains(&Effect::Notify(Notification::Bell));
        assert_eq!(rang, expect_bell, "{mode:?}: {fx:?}");
    }
    let mut state = polled_state();
    state.notify = Notify::Desktop;
    poll_now(&mut state).await;
    let mut page = fresh_page(7);
    page.tickets[0].subject = format!("Boiler;\x1b]2;x\x07 {}", "ü".repeat(70));
    page.tickets[0].updated_at = Some(wall_now());
    let fx = answer(&mut state, page);
    let body = fx
        .iter()
        .find_map(|e| match e {
            Effect::Notify(Notification::Desktop { body, .. }) => Some(body.clone()),
            _ => None,
        })
        .expect("a desktop notification");
    assert!(body.starts_with("3 new tickets: Boiler"), "{body}");
    assert!(!body.contains(';') && !body.chars().any(char::is_control));
    assert!(body.ends_with('…'));
    // `r` is asked for: what it brings is marked, never notified.
    let mut state = polled_state();
    state.notify = Notify::Bell;
    ch(&mut state, 'r');
    let fx = answer(&mut state, fresh_page(7));
    assert_eq!(state.news.count(&state.list.query_key()), 3);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Notify(_))));
}

#[tokio::test(start_paused = true)]
async fn unfocused_the_next_poll_waits_for_the_slow_pace_and_focus_polls_at_once() {
    let mut state = polled_state();
    state.list.poll.unfocused = Some(Duration::from_secs(300));
    let shown_at = Instant::now();
    update(&mut state, Msg::Focus(false), clock());
    assert_eq!(
        state.list.poll.due,
        Some(shown_at + Duration::from_secs(300))
    );
    tokio::time::advance(EVERY * 2).await;
    let fx = update(&mut state, Msg::Tick, clock());
    assert!(!fx.iter().any(|e| matches!(e, Effect::FetchPage { .. })));
    // Back in focus, two minutes after the page came: overdue, at once.
    let fx = update(&mut state, Msg::Focus(true), clock());
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::FetchPage { page: 1, .. })),
        "{fx:?}"
    );
    // A page that arrives while unfocused schedules at the slow pace too.
    update(&mut state, Msg::Focus(false), clock());
    answer(&mut state, page_of(1, 20, 60));
    assert_eq!(
        state.list.poll.due,
        Some(Instant::now() + Duration::from_secs(300))
    );
    // Regained before the focused interval ran out: no request, the
    // focused pace again.
    tokio::time::advance(Duration::from_secs(10)).await;
    let fx = update(&mut state, Msg::Focus(true), clock());
    assert!(!fx.iter().any(|e| matches!(e, Effect::FetchPage { .. })));
    assert_eq!(
        state.list.poll.due,
        Some(Instant::now() - Duration::from_secs(10) + EVERY)
    );
}

#[tokio::test(start_paused = true)]
async fn a_row_our_write_brought_into_another_query_is_not_news() {
    let mut state = polled_state();
    press(&mut state, KeyCode::Char('p'));
    let fx = press(&mut state, KeyCode::Enter);
    let write = fx
        .iter()
        .find_map(|e| match e {
            Effect::UpdateTicket { write, .. } => Some(*write),
            _ => None,
        })
        .expect("a write");
    // Another sort while the write is on its way: the new query's first
    // page does not have the row; our change brings it in.
    ch(&mut state, 's');
    let mut without = page_of(1, 20, 60);
    without.tickets[3] = ticket(99);
    answer(&mut state, without);
    let written = later(ticket(4), 1);
    update(
        &mut state,
        Msg::TicketUpdated {
            write,
            result: Ok(Box::new(written.clone().into())),
        },
        clock(),
    );
    poll_now(&mut state).await;
    let mut page = page_of(1, 20, 60);
    page.tickets[3] = written;
    answer(&mut state, page);
    assert_eq!(marked_numbers(&state), Vec::<i64>::new());
}
