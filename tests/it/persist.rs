//! The queue remembers (issue #12): what `q` asks the runtime to keep, how
//! the next start opens on it, files that cannot be used, the histories,
//! and the page kept on disk drawn at once, read-only until the fresh one.

use std::fs;
use std::sync::Arc;

use chrono::Duration;
use crossterm::event::KeyCode;
use triage::app::persist::{self, Remembrance, Restored};
use triage::app::{Effect, FetchError, Keymap, Msg, State, update};
use triage::config::{DiskPage, SavedSession, SessionStore};
use triage::filter::{SortField, SortOrder, TicketFilter};
use triage::ui::ColorMode;
use uuid::Uuid;

use crate::support::keys::{ch, ctrl, press, type_text};
use crate::support::screen;
use crate::support::ui_fixtures::*;

fn remembered(fx: &[Effect]) -> Option<Remembrance> {
    let at = fx.iter().position(|e| matches!(e, Effect::Remember(_)))?;
    let quit = fx.iter().position(|e| *e == Effect::Quit);
    assert!(quit.is_some_and(|q| q > at), "remembered before the quit");
    match &fx[at] {
        Effect::Remember(r) => Some((**r).clone()),
        _ => None,
    }
}

fn fetches(fx: &[Effect]) -> Vec<(TicketFilter, u64)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::FetchPage { filter, page, .. } => Some((filter.clone(), *page)),
            _ => None,
        })
        .collect()
}

/// A state before `Msg::Start`, sized, with `restored` applied.
fn starting(filter: TicketFilter, per_page: u64, restored: Restored) -> State {
    let mut state =
        State::new(scope(), filter, per_page, Keymap::default()).with_names(Arc::new(names()));
    persist::restore(&mut state, restored);
    update(&mut state, Msg::Resize(120, 30), clock());
    state
}

fn header(state: &State) -> String {
    screen::lines(&screen::draw_sized(
        state,
        120,
        30,
        ColorMode::NoColor,
        tokio::time::Instant::now(),
    ))[0]
        .clone()
}

#[tokio::test(start_paused = true)]
async fn a_quit_remembers_the_place_and_the_page_and_both_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = SessionStore::new(dir.path(), "http://127.0.0.1:1/api/v1\nwork");
    let mut state = loaded_state(120, 30, 20, 95);
    state.remember.store = Some(store.clone());
    // Sort by priority ascending, then page 2, fourth row.
    ch(&mut state, 's');
    ch(&mut state, 's');
    ch(&mut state, 'S');
    let generation = state.list.query_gen;
    assert_eq!(state.list.sort(), SortField::Priority);
    page_loaded(&mut state, generation, 1, 95);
    ch(&mut state, ']');
    page_loaded(&mut state, generation, 2, 95);
    for _ in 0..3 {
        ch(&mut state, 'j');
    }
    let selected = state.selected_ticket().unwrap().clone();
    state.filter_history = vec!["tag:vip".into()];
    state.search_history = vec!["refund".into()];

    let fx = ch(&mut state, 'q');
    let r = remembered(&fx).expect("q remembers");
    assert_eq!(r.session.view.as_deref(), Some("Urgent"));
    assert_eq!(r.session.page, 2);
    assert_eq!(r.session.per_page, 20);
    assert_eq!(r.session.selected, Some(selected.id));
    assert_eq!(r.session.filter_history, ["tag:vip"]);
    assert_eq!(r.session.search_history, ["refund"]);
    let page = r.page.clone().expect("the page on screen is kept");
    assert_eq!(page.page, 2);
    assert_eq!(page.saved_at, wall_now());

    // Written as the runtime does, read back as the next start does.
    r.store.save_session(&r.session).unwrap();
    r.store.save_page(&page).unwrap();
    let back = store.load_session().expect("the session reads back");
    assert_eq!(back.filter, r.session.filter);
    assert_eq!(back.version, triage::config::REMEMBER_VERSION);
    let filter = triage::filter::parse(&back.filter).unwrap();
    assert_eq!(filter.sort, Some(SortField::Priority));
    assert_eq!(filter.order, Some(SortOrder::Asc));
    let kept = store
        .load_page(&persist::query_text(&filter), 20, 2)
        .expect("the page reads back");
    assert_eq!(
        kept.tickets.as_slice(),
        page_of(2, 20, 95).tickets.as_slice()
    );
    assert_eq!(kept.meta.total, 95);
    assert_eq!(kept.saved_at, wall_now());
    // Another page number of the query is not it.
    assert!(
        store
            .load_page(&persist::query_text(&filter), 20, 1)
            .is_none()
    );
}

#[tokio::test(start_paused = true)]
async fn ctrl_c_and_the_end_of_the_loop_remember_too_and_without_a_store_nothing_is_asked() {
    let mut state = loaded_state(120, 30, 20, 95);
    assert!(remembered(&ctrl(&mut state, 'c')).is_none());
    state.remember.store = Some(SessionStore::new("/nowhere", "w"));
    assert!(remembered(&ctrl(&mut state, 'c')).is_some());
    let fx = update(&mut state, Msg::Exiting, clock());
    assert!(remembered(&fx).is_some());
}

fn saved(view: Option<&str>, filter: &str, page: u64, selected: Option<Uuid>) -> SavedSession {
    SavedSession {
        version: triage::config::REMEMBER_VERSION,
        view: view.map(str::to_string),
        filter: filter.into(),
        per_page: 20,
        page,
        selected,
        filter_history: vec![],
        search_history: vec![],
    }
}

#[tokio::test(start_paused = true)]
async fn the_start_opens_on_the_saved_view_filter_sort_page_and_ticket() {
    let target = ticket(27); // page 2 at 20 a page
    let session = saved(
        Some("Urgent"),
        "status:open priority:urgent sort:created_at order:asc",
        2,
        Some(target.id),
    );
    let resume = persist::resume(Some(&session), false, |v| v == "Urgent").unwrap();
    assert_eq!(resume.view.as_deref(), Some("Urgent"));
    assert_eq!(resume.filter.sort, Some(SortField::CreatedAt));
    assert_eq!(resume.filter.order, Some(SortOrder::Asc));
    assert_eq!((resume.page, resume.per_page), (2, 20));

    let mut state = starting(
        resume.filter.clone(),
        20,
        Restored {
            page: resume.page,
            selected: resume.selected,
            ..Default::default()
        },
    );
    let fx = update(&mut state, Msg::Start, clock());
    assert_eq!(fetches(&fx), vec![(resume.filter.clone(), 2)]);
    current_page_loaded(&mut state, 2, 95);
    assert_eq!(state.list.page, 2);
    assert_eq!(state.selected_ticket().map(|t| t.id), Some(target.id));

    // A view gone from the config leaves its filter, as a custom one.
    let gone = persist::resume(Some(&session), false, |_| false).unwrap();
    assert_eq!(gone.view, None);
    assert_eq!(gone.filter, resume.filter);
    // A ticket no longer on the page: the cursor starts at the top.
    let mut state = starting(
        resume.filter,
        20,
        Restored {
            page: 2,
            selected: Some(Uuid::from_u128(999_999)),
            ..Default::default()
        },
    );
    update(&mut state, Msg::Start, clock());
    current_page_loaded(&mut state, 2, 95);
    assert_eq!(state.list.selected, 0);
}

#[test]
fn view_or_filter_on_the_command_line_wins_and_an_unparsable_filter_is_ignored() {
    let session = saved(None, "tag:vip", 3, None);
    assert!(persist::resume(Some(&session), false, |_| true).is_some());
    assert!(persist::resume(Some(&session), true, |_| true).is_none());
    assert!(persist::resume(None, false, |_| true).is_none());
    let broken = saved(None, "status:(((", 1, None);
    assert!(persist::resume(Some(&broken), false, |_| true).is_none());
}

#[test]
fn corrupt_old_oversized_or_foreign_files_are_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let store = SessionStore::new(dir.path(), "w");
    assert!(store.load_session().is_none(), "none yet");
    let path = store.session_path();
    for bad in [
        &b"{not json"[..],
        b"[]",
        br#"{"version": 0, "filter": "tag:vip"}"#,
        br#"{"filter": "tag:vip"}"#,
        br#"{"version": 1, "page": "two"}"#,
        b"\xff\xfe\x00garbage",
    ] {
        fs::write(&path, bad).unwrap();
        assert!(
            store.load_session().is_none(),
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
    let mut huge = br#"{"version": 1, "filter": ""#.to_vec();
    huge.extend(std::iter::repeat_n(b'a', 2 << 20));
    huge.extend(br#""}"#);
    fs::write(&path, &huge).unwrap();
    assert!(store.load_session().is_none(), "too big");
    // Missing fields are defaults: an older file with fewer keys still reads.
    fs::write(
        &path,
        br#"{"version": 1, "filter": "tag:vip", "extra": true}"#,
    )
    .unwrap();
    let s = store.load_session().unwrap();
    assert_eq!((s.filter.as_str(), s.page), ("tag:vip", 0));

    let query = "sort:updated_at order:desc";
    let page_path = store.page_path(query, 20);
    let good = serde_json::json!({
        "version": 1, "saved_at": "2026-11-29T11:57:00Z", "query": query,
        "per_page": 20, "page": 1, "meta": {"page": 1, "per_page": 20, "total": 2},
        "data": [serde_json::to_value(ticket(1)).unwrap(), {"subject": "no id"}, serde_json::to_value(ticket(2)).unwrap()],
    });
    fs::write(&page_path, serde_json::to_vec(&good).unwrap()).unwrap();
    let kept = store
        .load_page(query, 20, 1)
        .expect("a bad row is skipped, not the page");
    assert_eq!(kept.tickets.len(), 2);
    for (key, value) in [
        ("version", serde_json::json!(2)),
        ("query", serde_json::json!("tag:other")),
        ("per_page", serde_json::json!(50)),
        ("saved_at", serde_json::json!("yesterday")),
        ("data", serde_json::json!("nope")),
    ] {
        let mut bad = good.clone();
        bad[key] = value;
        fs::write(&page_path, serde_json::to_vec(&bad).unwrap()).unwrap();
        assert!(store.load_page(query, 20, 1).is_none(), "{key}");
    }
    fs::write(&page_path, b"\x00\x01").unwrap();
    assert!(store.load_page(query, 20, 1).is_none());
}

#[tokio::test(start_paused = true)]
async fn histories_from_disk_are_bounded_deduplicated_and_recalled_by_both_lines() {
    let mut entries: Vec<String> = (0..80).map(|i| format!("tag:t{i}")).collect();
    entries.push("tag:t10".into()); // used again: newest
    entries.push("   ".into());
    entries.push("x".repeat(10_000));
    entries.push("status:open\u{1b}]0;pwned\u{7}\u{202e}".into());
    let history = triage::app::history::from_disk(entries);
    assert_eq!(history.len(), triage::app::history::HISTORY);
    assert_eq!(history.iter().filter(|t| *t == "tag:t10").count(), 1);
    let newest = history.last().unwrap();
    assert!(
        !newest.contains('\u{1b}') && !newest.contains('\u{202e}'),
        "{newest:?}"
    );
    assert_eq!(history[history.len() - 2], "tag:t10");

    let mut state = starting(
        TicketFilter::default(),
        20,
        Restored {
            filter_history: vec!["tag:vip".into(), "priority:high".into(), "tag:vip".into()],
            search_history: vec!["refund".into(), "invoice".into()],
            ..Default::default()
        },
    );
    update(&mut state, Msg::Start, clock());
    current_page_loaded(&mut state, 1, 95);
    assert_eq!(state.filter_history, ["priority:high", "tag:vip"]);

    // `:` ↑ recalls the earlier run's filters, newest first.
    ch(&mut state, ':');
    press(&mut state, KeyCode::Up);
    assert_eq!(state.filter_line().unwrap().input.value(), "tag:vip");
    press(&mut state, KeyCode::Up);
    assert_eq!(state.filter_line().unwrap().input.value(), "priority:high");
    press(&mut state, KeyCode::Esc);

    // `/` ↑ likewise, sent after the pause like typed text; Enter keeps a
    // new search once, newest last.
    ch(&mut state, '/');
    press(&mut state, KeyCode::Up);
    assert_eq!(state.search().unwrap().input.value(), "invoice");
    press(&mut state, KeyCode::Up);
    assert_eq!(state.search().unwrap().input.value(), "refund");
    press(&mut state, KeyCode::Down);
    press(&mut state, KeyCode::Down);
    assert_eq!(
        state.search().unwrap().input.value(),
        "",
        "back to what was typed"
    );
    type_text(&mut state, "vat");
    press(&mut state, KeyCode::Enter);
    assert_eq!(state.search_history, ["refund", "invoice", "vat"]);
    // The line opens on the search in force ("vat", the newest): two more
    // ↑ are "invoice", "refund"; kept again, it moves to the end, once.
    ch(&mut state, '/');
    for _ in 0..3 {
        press(&mut state, KeyCode::Up);
    }
    assert_eq!(state.search().unwrap().input.value(), "refund");
    press(&mut state, KeyCode::Enter);
    assert_eq!(state.search_history, ["invoice", "vat", "refund"]);
    assert_eq!(state.list.filter.query.as_deref(), Some("refund"));
}

fn kept_page(minutes_ago: i64) -> DiskPage {
    let page = page_of(1, 20, 95);
    DiskPage {
        saved_at: wall_now() - Duration::minutes(minutes_ago),
        page: 1,
        tickets: page.tickets,
        meta: page.meta,
    }
}

#[tokio::test(start_paused = true)]
async fn the_kept_page_is_drawn_marked_refuses_actions_and_gives_way_to_the_fresh_one() {
    let mut state = starting(
        filter(),
        20,
        Restored {
            page: 1,
            selected: Some(ticket(4).id),
            disk_page: Some(kept_page(3)),
            ..Default::default()
        },
    );
    let fx = update(&mut state, Msg::Start, clock());
    // Shown at once, the cursor on its ticket, the fresh page asked for.
    assert_eq!(fetches(&fx), vec![(filter(), 1)]);
    assert_eq!(state.selected_ticket().map(|t| t.id), Some(ticket(4).id));
    assert!(
        header(&state).contains("cached 3m ago"),
        "{}",
        header(&state)
    );
    let subject = &ticket(1).subject;
    let drawn = screen::text(&screen::draw_sized(
        &state,
        120,
        30,
        ColorMode::NoColor,
        tokio::time::Instant::now(),
    ));
    assert!(drawn.contains(&subject[..20]), "{drawn}");

    // Every action that writes is refused, with the reason; marks are not.
    let refusal = "this is the page cached 3m ago: actions wait for the fresh one";
    for key in ['t', 'p', 'a', 'A', 'z', 'i', 'l', 'e', 'n', 'R', 'U'] {
        state.notice = None;
        let fx = ch(&mut state, key);
        assert!(state.modal.is_none(), "{key} opened something");
        assert!(
            !fx.iter().any(|e| matches!(
                e,
                Effect::UpdateTicket { .. } | Effect::Compose(_) | Effect::PostMessage { .. }
            )),
            "{key} wrote"
        );
        assert_eq!(state.notice.as_deref(), Some(refusal), "{key}");
    }
    press(&mut state, KeyCode::Char(' '));
    assert_eq!(
        state.triage.marks.len(),
        1,
        "marking changes nothing on the server"
    );
    state.triage.marks.clear();

    // The fresh page replaces it: a row changed since is new, the cursor
    // stays on its ticket, the marker goes and the keys work again.
    let mut fresh = page_of(1, 20, 95);
    fresh.tickets[7].updated_at = Some(wall_now());
    let generation = state.list.query_gen;
    answer_page(&mut state, generation, 1, Ok(fresh));
    assert_eq!(state.selected_ticket().map(|t| t.id), Some(ticket(4).id));
    assert!(state.list.kept_since().is_none());
    assert!(!header(&state).contains("cached"), "{}", header(&state));
    assert!(state.news.is_new(&state.list.query_key(), ticket(8).id));
    ch(&mut state, 't');
    assert!(state.triage_dialog().is_some(), "t works on the fresh page");
    press(&mut state, KeyCode::Esc);
    // And that page is the one kept at the next quit.
    state.remember.store = Some(SessionStore::new("/nowhere", "w"));
    let r = remembered(&ch(&mut state, 'q')).unwrap();
    assert!(r.page.is_some());
}

#[tokio::test(start_paused = true)]
async fn a_failed_fresh_fetch_keeps_the_kept_page_marked_with_the_error() {
    let mut state = starting(
        filter(),
        20,
        Restored {
            page: 1,
            disk_page: Some(kept_page(125)),
            ..Default::default()
        },
    );
    update(&mut state, Msg::Start, clock());
    let generation = state.list.query_gen;
    answer_page(
        &mut state,
        generation,
        1,
        Err(FetchError::failed("cannot reach the server")),
    );
    assert_eq!(state.list.table.tickets().len(), 20, "the kept rows stay");
    assert!(
        header(&state).contains("cached 2h ago"),
        "{}",
        header(&state)
    );
    let drawn = screen::text(&screen::draw_sized(
        &state,
        120,
        30,
        ColorMode::NoColor,
        tokio::time::Instant::now(),
    ));
    assert!(drawn.contains("cannot reach the server"), "{drawn}");
    ch(&mut state, 'a');
    assert!(state.modal.is_none());
    // The kept page is not written again at quit: its age stays honest.
    state.remember.store = Some(SessionStore::new("/nowhere", "w"));
    let r = remembered(&ch(&mut state, 'q')).unwrap();
    assert!(r.page.is_none());
    // Moving to another page leaves it behind: no marker on what loads.
    let mut state = starting(
        filter(),
        20,
        Restored {
            page: 1,
            disk_page: Some(kept_page(3)),
            ..Default::default()
        },
    );
    update(&mut state, Msg::Start, clock());
    ch(&mut state, ']');
    assert!(state.list.kept_since().is_none());
}

#[tokio::test(start_paused = true)]
async fn a_kept_page_of_another_page_number_is_not_shown() {
    let mut state = starting(
        filter(),
        20,
        Restored {
            page: 2,
            disk_page: Some(kept_page(3)),
            ..Default::default()
        },
    );
    let fx = update(&mut state, Msg::Start, clock());
    assert_eq!(fetches(&fx), vec![(filter(), 2)]);
    assert!(state.list.table.tickets().is_empty());
    assert!(state.list.kept_since().is_none());
}
