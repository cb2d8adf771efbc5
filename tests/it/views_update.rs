//! Saved views in the update step, on tokio's paused clock: counts go after
//! the list's own request and a few at a time, pause during a rate limit,
//! poll on `refresh_secs`; digits, `v` and `w` open, manage and save views.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyModifiers};
use tokio::time::Instant;
use triage::app::views::counts::MAX_IN_FLIGHT;
use triage::app::views::{Dialog, ViewCount, ViewsSetup, ViewsState, is_modified};
use triage::app::{Action, Effect, FetchError, Keymap, Msg, State, next_wake, update};
use triage::config::{EditOutcome, Fingerprint, SavedView, ViewEdit};
use triage::filter::{SortField, TicketFilter};

use crate::support::keys::{ctrl, press, type_text};
use crate::support::ui_fixtures;
use crate::support::ui_fixtures::*;

fn views() -> Vec<SavedView> {
    vec![
        SavedView::new("Open", "status:open"),
        SavedView {
            per_page: Some(10),
            sort: Some("priority".into()),
            ..SavedView::new("Urgent", "priority:urgent")
        },
        SavedView {
            refresh_secs: Some(60),
            ..SavedView::new("Waiting", "status:waiting")
        },
        SavedView {
            key: Some("b".into()),
            ..SavedView::new("Unassigned", "assignee:none")
        },
        SavedView {
            profile: Some("elsewhere".into()),
            ..SavedView::new("Other profile", "tag:vip")
        },
    ]
}

/// A state on "all tickets" with the views above, not started yet.
fn state_with_views() -> State {
    let mut state = state_with_setup(ViewsSetup {
        views: views(),
        profile: None,
        path: Some("/nonexistent/config.toml".into()),
        fingerprint: Some(Fingerprint::of("")),
        broken: None,
        per_page: 50,
    });
    update(&mut state, Msg::Resize(120, 30), ui_fixtures::clock());
    state
}

/// A state on "all tickets", 50 a page, with the views of `setup`; not
/// started, no screen size yet.
fn state_with_setup(setup: ViewsSetup) -> State {
    let mut state = State::new(
        Default::default(),
        TicketFilter::default(),
        50,
        Keymap::default(),
    );
    state.views = ViewsState::new(setup, &state.keymap);
    state
}

/// [`state_with_views`], started: the list's first request is out.
fn started_with_views() -> State {
    let mut state = state_with_views();
    update(&mut state, Msg::Start, ui_fixtures::clock());
    state
}

/// [`started_with_views`] with page 1 of 120 tickets in; the effects of
/// that answer (the first counts).
fn listed_with_views() -> (State, Vec<Effect>) {
    let mut state = started_with_views();
    let fx = current_page_loaded(&mut state, 1, 120);
    (state, fx)
}

/// What the effects ask for, in order: "page N" and "count NAME".
fn asked(fx: &[Effect]) -> Vec<String> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::FetchPage { page, .. } => Some(format!("page {page}")),
            Effect::FetchViewCount { name, .. } => Some(format!("count {name}")),
            _ => None,
        })
        .collect()
}

fn count_request(fx: &[Effect], view: &str) -> (u64, Option<Duration>) {
    fx.iter()
        .find_map(|e| match e {
            Effect::FetchViewCount {
                name,
                generation,
                new_since,
                ..
            } if name == view => Some((*generation, *new_since)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no count asked for {view}: {fx:?}"))
}

fn counted(state: &mut State, name: &str, generation: u64, total: u64) -> Vec<Effect> {
    update(
        state,
        Msg::ViewCount {
            name: name.into(),
            generation,
            result: Ok(ViewCount { total, new: None }),
        },
        ui_fixtures::clock(),
    )
}

fn total_of(state: &State, name: &str) -> Option<u64> {
    let i = state.views.position(name)?;
    state.views.entries[i].count.total
}

#[tokio::test(start_paused = true)]
async fn counts_wait_for_the_list_and_go_a_few_at_a_time() {
    let mut state = state_with_views();
    assert_eq!(
        state.views.entries.len(),
        4,
        "a view of another profile is not shown"
    );
    // The list's request goes alone.
    let fx = update(&mut state, Msg::Start, ui_fixtures::clock());
    assert_eq!(asked(&fx), ["page 1"]);
    // Once its page is in: the prefetch first, then two counts, no more.
    let fx = current_page_loaded(&mut state, 1, 120);
    assert_eq!(asked(&fx), ["page 2", "count Open", "count Urgent"]);
    assert_eq!(MAX_IN_FLIGHT, 2);
    // Each answer lets the next one go.
    let (g, _) = count_request(&fx, "Open");
    let fx = counted(&mut state, "Open", g, 40);
    assert_eq!(asked(&fx), ["count Waiting"]);
    assert_eq!(total_of(&state, "Open"), Some(40));
    // A page the agent asks for meanwhile goes out at once, whatever the
    // counts in flight; the last count waits until that page is in.
    let fx = press(&mut state, KeyCode::Char('s'));
    assert_eq!(asked(&fx), ["page 1"]);
    let (g, _) = count_request(&fx_of_counts(&mut state), "Urgent");
    let fx = counted(&mut state, "Urgent", g, 5);
    assert_eq!(asked(&fx), ["count Unassigned"]);
}

/// The sorted page arrives (its prefetch goes), two counts still in
/// flight: nothing more; returns the effects of the first count request.
fn fx_of_counts(state: &mut State) -> Vec<Effect> {
    let fx = current_page_loaded(state, 1, 120);
    assert_eq!(asked(&fx), ["page 2"], "both count slots are taken");
    let i = state.views.position("Urgent").unwrap();
    let g = state.views.entries[i].count.pending.unwrap();
    vec![Effect::FetchViewCount {
        name: "Urgent".into(),
        generation: g,
        filter: TicketFilter::default(),
        new_since: None,
    }]
}

#[tokio::test(start_paused = true)]
async fn a_rate_limit_pauses_counts_and_the_list_goes_first_after_it() {
    let (mut state, fx) = listed_with_views();
    let (g_open, _) = count_request(&fx, "Open");
    let (g_urgent, _) = count_request(&fx, "Urgent");
    // The server says 429 to a count: the whole client waits 10 s.
    let until = Instant::now() + Duration::from_secs(10);
    let fx = update(
        &mut state,
        Msg::ViewCount {
            name: "Open".into(),
            generation: g_open,
            result: Err(FetchError::RateLimited { retry_at: until }),
        },
        ui_fixtures::clock(),
    );
    assert!(state.rate_limit.is_some(), "a count's 429 gates everything");
    assert!(asked(&fx).is_empty());
    // Another count answering during the window sends nothing new.
    let fx = counted(&mut state, "Urgent", g_urgent, 7);
    assert!(asked(&fx).is_empty(), "{fx:?}");
    // The agent opens another view: its page waits for the window too.
    let fx = press(&mut state, KeyCode::Char('2'));
    assert!(asked(&fx).is_empty());
    tokio::time::advance(Duration::from_secs(5)).await;
    let fx = update(&mut state, Msg::Tick, ui_fixtures::clock());
    assert!(asked(&fx).is_empty(), "still inside the window: {fx:?}");
    // The window ends: the page the agent looks at goes out, alone.
    tokio::time::advance(Duration::from_secs(5)).await;
    let fx = update(&mut state, Msg::Tick, ui_fixtures::clock());
    assert_eq!(asked(&fx), ["page 1"]);
    // Its answer lets the counts go, the rate-limited one first.
    let fx = current_page_loaded(&mut state, 1, 30);
    assert_eq!(asked(&fx), ["page 2", "count Open", "count Waiting"]);
}

#[tokio::test(start_paused = true)]
async fn counts_wait_during_a_rate_limit_the_list_ran_into() {
    let mut state = started_with_views();
    let until = Instant::now() + Duration::from_secs(30);
    let fx = answer_page(
        &mut state,
        0,
        1,
        Err(FetchError::RateLimited { retry_at: until }),
    );
    assert!(asked(&fx).is_empty());
    // `r` during the countdown retries the list only.
    let fx = press(&mut state, KeyCode::Char('r'));
    assert_eq!(asked(&fx), ["page 1"]);
    let fx = current_page_loaded(&mut state, 1, 120);
    assert_eq!(asked(&fx), ["page 2", "count Open", "count Urgent"]);
}

#[tokio::test(start_paused = true)]
async fn refresh_recounts_every_view_and_stale_answers_are_dropped() {
    let (mut state, fx) = listed_with_views();
    let (g_open, _) = count_request(&fx, "Open");
    let fx = press(&mut state, KeyCode::Char('r'));
    assert_eq!(asked(&fx), ["page 1"], "the list first");
    // An answer from before the refresh still counts once.
    counted(&mut state, "Open", g_open, 40);
    assert_eq!(total_of(&state, "Open"), Some(40));
    // An answer nobody asked for (a stale generation) changes nothing.
    counted(&mut state, "Open", 999, 1);
    assert_eq!(total_of(&state, "Open"), Some(40));
    // The refreshed page first, then the counts not already on their way.
    let fx = current_page_loaded(&mut state, 1, 120);
    assert_eq!(asked(&fx), ["page 2", "count Waiting"]);
}

#[tokio::test(start_paused = true)]
async fn a_polled_view_recounts_on_its_interval_and_says_what_is_new() {
    let (mut state, fx) = listed_with_views();
    let (g1, _) = count_request(&fx, "Open");
    let (g2, _) = count_request(&fx, "Urgent");
    let fx = counted(&mut state, "Open", g1, 40);
    let (g3, since) = count_request(&fx, "Waiting");
    assert_eq!(since, None, "nothing to compare with before a first look");
    let fx = counted(&mut state, "Urgent", g2, 5);
    let (g4, _) = count_request(&fx, "Unassigned");
    counted(&mut state, "Waiting", g3, 12);
    counted(&mut state, "Unassigned", g4, 3);
    let start = Instant::now();
    // The timer asks to be woken for the poll, and no earlier timer is
    // needed for it (relative times aside).
    let wake = next_wake(&state, start, wall_now()).expect("a timer");
    assert!(wake <= start + Duration::from_secs(60));

    // The agent looks at Waiting (key 3), then goes back to Open.
    press(&mut state, KeyCode::Char('3'));
    current_page_loaded(&mut state, 1, 12);
    tokio::time::advance(Duration::from_secs(20)).await;
    press(&mut state, KeyCode::Char('1'));
    current_page_loaded(&mut state, 1, 40);
    // 60 s after its last count, Waiting is counted again in the
    // background, with what changed since the agent looked at it.
    tokio::time::advance(Duration::from_secs(40)).await;
    let fx = update(&mut state, Msg::Tick, ui_fixtures::clock());
    let (g5, since) = count_request(&fx, "Waiting");
    assert_eq!(since, Some(Duration::from_secs(60)));
    update(
        &mut state,
        Msg::ViewCount {
            name: "Waiting".into(),
            generation: g5,
            result: Ok(ViewCount {
                total: 15,
                new: Some(3),
            }),
        },
        ui_fixtures::clock(),
    );
    let i = state.views.position("Waiting").unwrap();
    assert_eq!(state.views.entries[i].count.total, Some(15));
    assert_eq!(state.views.entries[i].count.new, Some(3));
    // Opening it is looking at it: the mark goes.
    press(&mut state, KeyCode::Char('3'));
    assert_eq!(state.views.entries[i].count.new, None);
}

#[tokio::test(start_paused = true)]
async fn digits_and_own_keys_open_views_with_their_sort_and_page_size() {
    let (mut state, _) = listed_with_views();
    let fx = press(&mut state, KeyCode::Char('2'));
    let Some(Effect::FetchPage {
        filter, per_page, ..
    }) = fx.iter().find(|e| matches!(e, Effect::FetchPage { .. }))
    else {
        panic!("no page asked: {fx:?}");
    };
    assert_eq!(filter.sort, Some(SortField::Priority));
    assert_eq!(*per_page, 10);
    assert_eq!(state.scope.view.as_deref(), Some("Urgent"));
    assert_eq!(state.views.active, Some(1));
    assert!(!is_modified(&state));
    // Its own page gives its count for free.
    current_page_loaded(&mut state, 1, 33);
    assert_eq!(total_of(&state, "Urgent"), Some(33));
    // `b` is Unassigned's own key (it has no digit of its own beyond 4).
    press(&mut state, KeyCode::Char('b'));
    assert_eq!(state.scope.view.as_deref(), Some("Unassigned"));
    // Back to a view seen before: asked again, not shown from the cache.
    current_page_loaded(&mut state, 1, 9);
    let fx = press(&mut state, KeyCode::Char('2'));
    assert_eq!(asked(&fx), ["page 1"]);
    // Help shows one row for the digits: `1`, which speaks for the others.
    let hidden = state.hidden_actions();
    assert!(!hidden.contains(&Action::View1));
    assert!(hidden.contains(&Action::View2) && hidden.contains(&Action::View9));
    let rows = state.keymap.help_rows(&hidden);
    assert!(
        rows.iter().any(|(k, d)| k == "1" && d.contains("2-9")),
        "{rows:?}"
    );
    // A digit past the last view says so.
    press(&mut state, KeyCode::Char('9'));
    assert_eq!(state.scope.view.as_deref(), Some("Urgent"));
    assert!(state.notice.as_deref().unwrap().contains("no view 9"));
}

#[tokio::test(start_paused = true)]
async fn w_updates_a_modified_view_and_names_a_new_one() {
    let (mut state, _) = listed_with_views();
    press(&mut state, KeyCode::Char('1'));
    current_page_loaded(&mut state, 1, 40);
    let fx = press(&mut state, KeyCode::Char('w'));
    assert!(fx.is_empty(), "an unmodified view has nothing to save");
    // Sorting modifies it: the header marks it; `w` asks, starting on the
    // view's own name, and Enter updates it in place.
    press(&mut state, KeyCode::Char('s'));
    assert!(is_modified(&state));
    let fx = press(&mut state, KeyCode::Char('w'));
    assert!(fx.is_empty(), "never overwritten by one key");
    let Some(Dialog::Name(prompt)) = &state.views_dialog() else {
        panic!("no prompt");
    };
    assert_eq!(prompt.input.value(), "Open");
    assert!(prompt.would_update());
    let fx = press(&mut state, KeyCode::Enter);
    let Some(Effect::EditViews { edit, .. }) = fx.first() else {
        panic!("no edit: {fx:?}");
    };
    let ViewEdit::Save { view, overwrite } = edit else {
        panic!("{edit:?}");
    };
    assert!(*overwrite);
    assert_eq!(view.name, "Open");
    assert_eq!(view.filter, "status:open");
    assert_eq!(view.sort.as_deref(), Some("created_at"));
    // A second `w` while the write is on its way is refused politely.
    let fx = press(&mut state, KeyCode::Char('w'));
    assert!(fx.is_empty());
    assert!(state.last_error.is_some());

    // The file now holds it; the view is no longer modified.
    let mut saved = views();
    saved[0] = view.clone();
    update(
        &mut state,
        Msg::ViewsEdited {
            edit: edit.clone(),
            result: Ok(EditOutcome {
                views: saved.clone(),
                default_view: None,
                fingerprint: Fingerprint::of("x"),
                merged: false,
                backup: None,
            }),
        },
        ui_fixtures::clock(),
    );
    assert!(!is_modified(&state));
    assert_eq!(state.notice.as_deref(), Some("updated view 'Open'"));

    // A filter that is no view: `w` asks for a name.
    state.views.active = None;
    state.scope.view = None;
    let fx = press(&mut state, KeyCode::Char('w'));
    assert!(fx.is_empty());
    assert!(matches!(state.views_dialog(), Some(Dialog::Name(_))));
    // A taken name is refused with a line, the prompt stays.
    type_text(&mut state, "Urgent");
    let fx = press(&mut state, KeyCode::Enter);
    assert!(fx.is_empty());
    let Some(Dialog::Name(prompt)) = &state.views_dialog() else {
        panic!("prompt closed");
    };
    assert!(prompt.error.as_deref().unwrap().contains("exists already"));
    // `q` is a letter while typing, not quit.
    for _ in 0.."Urgent".len() {
        press(&mut state, KeyCode::Backspace);
    }
    type_text(&mut state, "Oldest quickly");
    let fx = press(&mut state, KeyCode::Enter);
    let Some(Effect::EditViews { edit, .. }) = fx.first() else {
        panic!("no edit: {fx:?}");
    };
    assert!(
        matches!(edit, ViewEdit::Save { view, overwrite: false } if view.name == "Oldest quickly")
    );
    assert!(state.views_dialog().is_none());
    // Saved: it is the view on screen, with its key.
    let mut with_new = saved;
    if let ViewEdit::Save { view, .. } = edit {
        with_new.push(view.clone());
    }
    update(
        &mut state,
        Msg::ViewsEdited {
            edit: edit.clone(),
            result: Ok(EditOutcome {
                views: with_new,
                default_view: None,
                fingerprint: Fingerprint::of("y"),
                merged: true,
                backup: None,
            }),
        },
        ui_fixtures::clock(),
    );
    assert_eq!(state.scope.view.as_deref(), Some("Oldest quickly"));
    assert_eq!(state.views.active, Some(4));
    assert_eq!(
        state.notice.as_deref(),
        Some(
            "saved view 'Oldest quickly' (key 5) (merged with changes made to the file meanwhile)"
        )
    );
    // A failed write is one line, and the next edit may go.
    update(
        &mut state,
        Msg::ViewsEdited {
            edit: ViewEdit::Delete { name: "x".into() },
            result: Err("cannot write /c.toml: disk full".into()),
        },
        ui_fixtures::clock(),
    );
    assert_eq!(
        state.last_error.as_ref().map(|e| e.message.as_str()),
        Some("cannot write /c.toml: disk full")
    );
    assert!(!state.views.editing);
}

#[tokio::test(start_paused = true)]
async fn the_views_list_opens_deletes_renames_and_moves() {
    let (mut state, _) = listed_with_views();
    press(&mut state, KeyCode::Char('v'));
    assert!(matches!(state.views_dialog(), Some(Dialog::List(_))));
    // j moves the selection, not the list behind.
    press(&mut state, KeyCode::Char('j'));
    // d asks, anything but y keeps.
    press(&mut state, KeyCode::Char('d'));
    let fx = press(&mut state, KeyCode::Char('n'));
    assert!(fx.is_empty());
    assert_eq!(state.notice.as_deref(), Some("kept 'Urgent'"));
    press(&mut state, KeyCode::Char('d'));
    let fx = press(&mut state, KeyCode::Char('y'));
    assert!(matches!(
        fx.first(),
        Some(Effect::EditViews { edit: ViewEdit::Delete { name }, .. }) if name == "Urgent"
    ));
    // Pretend the write is done before the next edit.
    state.views.editing = false;
    // J moves the selected view down past its shown neighbour.
    let fx = press(&mut state, KeyCode::Char('J'));
    assert!(matches!(
        fx.first(),
        Some(Effect::EditViews { edit: ViewEdit::Move { name, by: 1 }, .. }) if name == "Urgent"
    ));
    state.views.editing = false;
    // R renames: the old name is there to edit.
    press(&mut state, KeyCode::Char('R'));
    type_text(&mut state, "!");
    let fx = press(&mut state, KeyCode::Enter);
    assert!(matches!(
        fx.first(),
        Some(Effect::EditViews { edit: ViewEdit::Rename { from, to }, .. })
            if from == "Urgent" && to == "Urgent!"
    ));
    // Enter opens the selected view and closes the list.
    let fx = press(&mut state, KeyCode::Enter);
    assert!(state.views_dialog().is_none());
    assert_eq!(state.scope.view.as_deref(), Some("Urgent"));
    assert_eq!(asked(&fx), ["page 1"]);
    // Esc closes it without anything else.
    press(&mut state, KeyCode::Char('v'));
    let fx = press(&mut state, KeyCode::Esc);
    assert!(fx.is_empty() && state.views_dialog().is_none());
}

#[tokio::test(start_paused = true)]
async fn a_broken_config_file_makes_views_read_only_with_its_line_and_column() {
    let mut state = state_with_setup(ViewsSetup {
        broken: Some("/c/config.toml:3:7: expected `=`".into()),
        path: Some("/c/config.toml".into()),
        ..ViewsSetup::default()
    });
    // What the runtime shows at start names the file, line and column.
    let start = triage::app::views::startup_error(&state).unwrap();
    assert_eq!(start.message, "/c/config.toml:3:7: expected `=`");
    update(&mut state, Msg::Start, ui_fixtures::clock());
    current_page_loaded(&mut state, 1, 10);
    let fx = press(&mut state, KeyCode::Char('w'));
    assert!(fx.is_empty(), "nothing is written into a broken file");
    let err = state.last_error.as_ref().unwrap();
    assert_eq!(
        err.message,
        "cannot save views: the config file does not parse"
    );
    // Whatever the status line says later, the bar's row keeps naming the
    // file, line and column.
    let areas = state.areas();
    let bar = areas.views_bar.expect("the row stays");
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 30)).unwrap();
    update(&mut state, Msg::Resize(120, 30), ui_fixtures::clock());
    let ctx = triage::ui::RenderContext {
        now: Instant::now(),
        wall_now: wall_now(),
        theme: triage::ui::Theme::new(triage::ui::ColorMode::NoColor),
    };
    terminal
        .draw(|f| triage::ui::render(&state, &ctx, f))
        .unwrap();
    let buf = terminal.backend().buffer();
    let row: String = (0..120)
        .map(|x| buf[(x, bar.y)].symbol().to_string())
        .collect();
    assert!(
        row.contains("views unavailable: /c/config.toml:3:7: expected `=`"),
        "{row}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_click_on_the_bar_opens_the_view_under_it() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let (mut state, _) = listed_with_views();
    let bar = state.areas().views_bar.expect("a bar with views");
    let (segments, _) = triage::app::views::bar::layout(&state, usize::from(bar.width));
    let waiting = segments.iter().find(|s| s.name == "Waiting").unwrap();
    let click = |column: usize| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: bar.x + column as u16,
            row: bar.y,
            modifiers: KeyModifiers::NONE,
        })
    };
    // On its last cell: still that view.
    let fx = update(
        &mut state,
        click(waiting.x + waiting.width - 1),
        ui_fixtures::clock(),
    );
    assert_eq!(state.scope.view.as_deref(), Some("Waiting"));
    assert_eq!(asked(&fx), ["page 1"]);
    // On the separator after it: nothing.
    let fx = update(
        &mut state,
        click(waiting.x + waiting.width),
        ui_fixtures::clock(),
    );
    assert!(fx.is_empty());
    assert_eq!(state.scope.view.as_deref(), Some("Waiting"));
}

#[tokio::test(start_paused = true)]
async fn a_digit_taken_by_a_views_own_key_is_not_shown_for_another() {
    let mut state = state_with_setup(ViewsSetup {
        views: vec![
            SavedView::new("First", "status:open"),
            SavedView {
                key: Some("1".into()),
                ..SavedView::new("Claims one", "status:waiting")
            },
        ],
        per_page: 50,
        ..ViewsSetup::default()
    });
    assert_eq!(state.views.key_label(0), None, "1 opens the other view");
    assert_eq!(state.views.key_label(1).as_deref(), Some("1"));
    update(&mut state, Msg::Start, ui_fixtures::clock());
    press(&mut state, KeyCode::Char('1'));
    assert_eq!(state.scope.view.as_deref(), Some("Claims one"));
    // The list still opens the first one.
    press(&mut state, KeyCode::Char('v'));
    press(&mut state, KeyCode::Char('g'));
    press(&mut state, KeyCode::Enter);
    assert_eq!(state.scope.view.as_deref(), Some("First"));
}

#[tokio::test(start_paused = true)]
async fn a_polled_view_never_opened_counts_news_from_its_first_count() {
    let (mut state, mut pending) = listed_with_views();
    // Answer every count, and those each answer lets go.
    while let Some(e) = pending.pop() {
        if let Effect::FetchViewCount {
            name,
            generation,
            new_since,
            ..
        } = e
        {
            assert_eq!(new_since, None, "first counts are the baseline");
            pending.extend(counted(&mut state, &name, generation, 12));
        }
    }
    tokio::time::advance(Duration::from_secs(60)).await;
    let fx = update(&mut state, Msg::Tick, ui_fixtures::clock());
    let (_, since) = count_request(&fx, "Waiting");
    assert_eq!(since, Some(Duration::from_secs(60)));
}

#[tokio::test(start_paused = true)]
async fn a_views_key_taken_by_an_action_is_refused_with_a_message() {
    let keymap = Keymap::default();
    let views = ViewsState::new(
        ViewsSetup {
            views: vec![
                SavedView {
                    key: Some("j".into()),
                    ..SavedView::new("Clash", "status:open")
                },
                SavedView {
                    key: Some("hyper-x".into()),
                    ..SavedView::new("Odd", "status:open")
                },
            ],
            per_page: 50,
            ..ViewsSetup::default()
        },
        &keymap,
    );
    assert_eq!(views.entries[0].key, None);
    assert_eq!(
        views.problems,
        [
            "view 'Clash': key j is already move_down",
            "view 'Odd': unknown key \"hyper-x\""
        ]
    );
    // Without a key of its own it keeps its position's digit.
    assert_eq!(views.key_label(0).as_deref(), Some("1"));
}

#[tokio::test(start_paused = true)]
async fn a_digit_rebound_in_keys_keeps_its_own_help_row() {
    let overrides = [("view_3".to_string(), vec!["f3".to_string()])]
        .into_iter()
        .collect();
    let keymap = Keymap::with_overrides(&overrides).unwrap();
    let mut state = state_with_views();
    state.keymap = keymap;
    let hidden = state.hidden_actions();
    assert!(!hidden.contains(&Action::View3), "F3 is worth its own row");
    assert!(hidden.contains(&Action::View2));
}

#[tokio::test(start_paused = true)]
async fn a_view_changed_from_the_panes_or_the_filter_line_stays_named_and_marked() {
    let mut state = started_with_views();
    press(&mut state, KeyCode::Char('1'));
    assert_eq!(state.scope.view.as_deref(), Some("Open"));
    assert!(!is_modified(&state));
    // The filter line: one more token.
    press(&mut state, KeyCode::Char(':'));
    type_text(&mut state, "priority:high");
    press(&mut state, KeyCode::Enter);
    assert_eq!(state.scope.view.as_deref(), Some("Open"));
    assert!(is_modified(&state), "{:?}", state.list.filter);
    // Back to the saved filter, then a change from the panes.
    press(&mut state, KeyCode::Char('1'));
    assert!(!is_modified(&state));
    press(&mut state, KeyCode::Char('f'));
    assert!(state.filter_panel().is_some());
    ctrl(&mut state, 'r');
    press(&mut state, KeyCode::Enter);
    assert_eq!(state.scope.view.as_deref(), Some("Open"));
    assert!(is_modified(&state), "{:?}", state.list.filter);
}

#[tokio::test(start_paused = true)]
async fn w_on_a_changed_view_can_save_a_new_view_beside_it() {
    let mut state = started_with_views();
    press(&mut state, KeyCode::Char('1'));
    press(&mut state, KeyCode::Char('s'));
    press(&mut state, KeyCode::Char('w'));
    // Another name: a new view, the changed one left as it was saved.
    type_text(&mut state, " by date");
    let Some(Dialog::Name(prompt)) = &state.views_dialog() else {
        panic!("no prompt");
    };
    assert!(!prompt.would_update());
    let fx = press(&mut state, KeyCode::Enter);
    let Some(Effect::EditViews {
        edit: ViewEdit::Save { view, overwrite },
        ..
    }) = fx.first()
    else {
        panic!("no edit: {fx:?}");
    };
    assert!(!*overwrite);
    assert_eq!(view.name, "Open by date");
    assert_eq!(view.filter, "status:open");
}

#[tokio::test(start_paused = true)]
async fn a_views_own_key_is_text_while_the_filter_panes_are_open() {
    let mut state = started_with_views();
    press(&mut state, KeyCode::Char('f'));
    // "Unassigned" is on `b`: in the panes, `b` narrows a list instead.
    press(&mut state, KeyCode::Char('b'));
    assert!(state.filter_panel().is_some());
    assert_eq!(state.scope.view, None);
    press(&mut state, KeyCode::Esc);
    press(&mut state, KeyCode::Esc);
    assert!(state.filter_panel().is_none());
    press(&mut state, KeyCode::Char('b'));
    assert_eq!(state.scope.view.as_deref(), Some("Unassigned"));
}

#[tokio::test(start_paused = true)]
async fn leaving_a_changed_view_says_its_changes_were_not_saved() {
    let mut state = started_with_views();
    press(&mut state, KeyCode::Char('1'));
    press(&mut state, KeyCode::Char('s'));
    assert!(is_modified(&state));
    press(&mut state, KeyCode::Char('2'));
    let notice = state.notice.clone().unwrap_or_default();
    assert!(
        notice.starts_with("changes to 'Open' not saved"),
        "{notice}"
    );
    // Leaving an unchanged view says nothing.
    press(&mut state, KeyCode::Char('1'));
    assert_eq!(state.notice, None);
}

#[tokio::test(start_paused = true)]
async fn an_enormous_refresh_interval_never_overflows_the_clock() {
    let mut state = state_with_setup(ViewsSetup {
        views: vec![SavedView {
            refresh_secs: Some(u64::MAX),
            ..SavedView::new("Forever", "status:open")
        }],
        per_page: 50,
        ..ViewsSetup::default()
    });
    update(&mut state, Msg::Resize(120, 30), ui_fixtures::clock());
    update(&mut state, Msg::Start, ui_fixtures::clock());
    let fx = current_page_loaded(&mut state, 1, 120);
    let (generation, _) = count_request(&fx, "Forever");
    counted(&mut state, "Forever", generation, 7);
    // Asking when to wake and ticking on must not add u64::MAX seconds to an instant.
    let _ = next_wake(&state, Instant::now(), wall_now());
    tokio::time::advance(Duration::from_secs(3600)).await;
    let fx = update(&mut state, Msg::Tick, ui_fixtures::clock());
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::FetchViewCount { .. })),
        "a poll that never comes due is not sent: {fx:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_click_with_any_modal_open_reaches_neither_the_list_nor_the_bar() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let click = |column: u16, row: u16| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let wheel = |column: u16, row: u16| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::ScrollDown,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    // Each way a modal opens from the list: help, search, filter line,
    // filter panes, help over the panes, a triage picker, the views list,
    // the name prompt.
    let openers: &[(&str, &[KeyCode])] = &[
        ("help", &[KeyCode::Char('?')]),
        ("search", &[KeyCode::Char('/')]),
        ("filter line", &[KeyCode::Char(':')]),
        ("filter panes", &[KeyCode::Char('f')]),
        (
            "help over the panes",
            &[KeyCode::Char('f'), KeyCode::Char('?')],
        ),
        ("priority picker", &[KeyCode::Char('p')]),
        ("views list", &[KeyCode::Char('v')]),
        ("name prompt", &[KeyCode::Char('s'), KeyCode::Char('w')]),
    ];
    for (what, keys) in openers {
        let (mut state, _) = listed_with_views();
        for key in *keys {
            press(&mut state, *key);
        }
        assert!(state.modal.is_some(), "{what}: nothing opened");
        let opened = format!(
            "{:?}",
            std::mem::discriminant(state.modal.as_ref().unwrap())
        );
        let (view, selected) = (state.scope.view.clone(), state.list.selected);
        let table = state.areas().table;
        let bar = state.areas().views_bar.expect("a bar with views");
        let (segments, _) = triage::app::views::bar::layout(&state, usize::from(bar.width));
        let waiting = segments.iter().find(|s| s.name == "Waiting").unwrap();
        for msg in [
            // A row well down the table, the Waiting view on the bar, the wheel.
            click(table.x + 2, table.y + 5),
            click(bar.x + waiting.x as u16, bar.y),
            wheel(table.x + 2, table.y + 5),
        ] {
            let fx = update(&mut state, msg, ui_fixtures::clock());
            assert!(fx.is_empty(), "{what}: a click asked for {fx:?}");
        }
        assert_eq!(
            state.list.selected, selected,
            "{what}: the row under it moved"
        );
        assert_eq!(state.scope.view, view, "{what}: a view opened behind it");
        assert_eq!(
            state
                .modal
                .as_ref()
                .map(|m| format!("{:?}", std::mem::discriminant(m))),
            Some(opened),
            "{what}: the click closed or changed it"
        );
    }
}
