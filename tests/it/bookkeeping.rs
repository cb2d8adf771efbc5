//! What `update` keeps in step after a message runs only when the message
//! may have changed what it depends on (issue #20). Each trigger is pinned
//! here, on tokio's paused clock: a queued `U` runs once its change is
//! answered, after a 429 too; the open filter panes take names that
//! arrive, also under help; a polled view is counted on the Tick it is due,
//! counts held back go out on the key that frees the list, and a page shown
//! from the cache gives the open view its total; a row's detail due again is
//! asked on whatever key comes, also for a view's own tag column; the
//! detail is wrapped again when the panes open beside it or the terminal
//! resizes; the title follows the marks, a new query and a return to the
//! terminal; a key with the list in front sees the marked row under the
//! cursor; `q` in help remembers.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::KeyCode;
use tokio::time::Instant;
use triage::api::types::Ticket;
use triage::app::filter_panel::pane::PaneKind;
use triage::app::state::NamesStatus;
use triage::app::triage::WriteError;
use triage::app::views::{ViewCount, ViewsSetup, ViewsState};
use triage::app::{Effect, FetchError, Keymap, Msg, NamesLoaded, State, TicketPage, update};
use triage::columns::{Column, ColumnEntry, ColumnSpec, Width, default_columns};
use triage::config::SavedView;
use triage::filter::TicketFilter;

use crate::support::keys::{ch, press, type_text};
use crate::support::triage_fixtures::{self, AGENTS, answer, row, server_row, state_with, writes};
use crate::support::ui_fixtures::{
    answer_page, clock, current_page_loaded, loaded_state, names, page_of, scope, ticket,
};

// ---- a `U` waiting for its change ---------------------------------------------------

#[tokio::test(start_paused = true)]
async fn a_queued_undo_waits_out_a_429_and_runs_once_the_resent_change_is_answered() {
    let mut state = state_with("", 20, 60);
    let before = row(&state, 0);
    ch(&mut state, 'p');
    type_text(&mut state, "urgent");
    let fx = press(&mut state, KeyCode::Enter);
    let (w, _, patch) = writes(&fx)[0].clone();
    ch(&mut state, 'U');
    assert!(state.triage.undo_queued);
    // The change meets a 429: not answered yet, so the undo keeps waiting.
    let retry_at = Instant::now() + Duration::from_secs(5);
    let fx = answer(&mut state, w, Err(WriteError::RateLimited { retry_at }));
    assert!(writes(&fx).is_empty(), "{fx:?}");
    assert!(state.triage.undo_queued);
    // The wait ends: the change goes again, still not its undo.
    tokio::time::advance(Duration::from_secs(5)).await;
    let fx = update(&mut state, Msg::Tick, clock());
    let resent = writes(&fx);
    assert_eq!(resent.len(), 1, "{fx:?}");
    assert_eq!(resent[0].2.priority_id, patch.priority_id);
    // Its answer lets the undo go, in the same step.
    let fx = answer(&mut state, resent[0].0, Ok(server_row(&before, &patch)));
    let undo = writes(&fx);
    assert_eq!(undo.len(), 1, "{fx:?}");
    assert_eq!(undo[0].2.priority_id, before.priority_id);
    assert!(!state.triage.undo_queued);
}

// ---- quitting -----------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn q_in_help_remembers_before_it_quits_and_other_keys_remember_nothing() {
    let mut state = loaded_state(120, 30, 20, 95);
    state.remember.store = Some(triage::config::SessionStore::new("/nowhere", "w"));
    let remembers = |fx: &[Effect]| fx.iter().any(|e| matches!(e, Effect::Remember(_)));
    assert!(!remembers(&ch(&mut state, 'j')));
    ch(&mut state, '?');
    assert!(state.help().is_some());
    assert!(
        !remembers(&ch(&mut state, 'j')),
        "scrolling help quits nothing"
    );
    let fx = ch(&mut state, 'q');
    let quit = fx.iter().position(|e| *e == Effect::Quit).expect("q quits");
    let kept = fx
        .iter()
        .position(|e| matches!(e, Effect::Remember(_)))
        .expect("remembered");
    assert!(kept < quit, "{fx:?}");
}

// ---- the filter panes ---------------------------------------------------------------

/// A 120×40 state started without names; the names load it asked for.
fn started_without_names() -> (State, u64) {
    let mut state = State::new(scope(), TicketFilter::default(), 20, Keymap::default());
    state.names_status = NamesStatus::Incomplete;
    update(&mut state, Msg::Resize(120, 40), clock());
    let fx = update(&mut state, Msg::Start, clock());
    let generation = fx
        .iter()
        .find_map(|e| match e {
            Effect::LoadNames { generation } => Some(*generation),
            _ => None,
        })
        .expect("names asked for");
    (state, generation)
}

fn names_arrive(state: &mut State, generation: u64) {
    update(
        state,
        Msg::NamesLoaded {
            generation,
            loaded: Some(NamesLoaded {
                names: Arc::new(triage_fixtures::catalog()),
                incomplete: false,
                retry_at: None,
            }),
        },
        clock(),
    );
}

/// The agents the assignee pane lists.
fn agents_listed(state: &State) -> usize {
    let panel = state.filter_panel().expect("the panes are open");
    panel
        .rows(PaneKind::Assignee)
        .iter()
        .filter(|r| AGENTS.contains(&r.label.as_str()))
        .count()
}

#[tokio::test(start_paused = true)]
async fn names_that_arrive_reach_the_open_panes() {
    let (mut state, generation) = started_without_names();
    ch(&mut state, 'f');
    assert_eq!(agents_listed(&state), 0);
    names_arrive(&mut state, generation);
    assert_eq!(agents_listed(&state), AGENTS.len());
}

#[tokio::test(start_paused = true)]
async fn names_that_arrive_while_help_is_read_are_in_the_panes_beneath_it() {
    let (mut state, generation) = started_without_names();
    ch(&mut state, 'f');
    ch(&mut state, '?');
    assert!(state.help().is_some());
    names_arrive(&mut state, generation);
    press(&mut state, KeyCode::Esc);
    assert!(state.help().is_none());
    assert_eq!(agents_listed(&state), AGENTS.len());
}

// ---- the views' counts --------------------------------------------------------------

/// A 120×30 state with `views`, 50 a page, started: page 1 asked for.
fn started_with(views: Vec<SavedView>) -> State {
    let mut state = State::new(scope(), TicketFilter::default(), 50, Keymap::default());
    state.views = ViewsState::new(
        ViewsSetup {
            views,
            per_page: 50,
            ..ViewsSetup::default()
        },
        &state.keymap,
    );
    update(&mut state, Msg::Resize(120, 30), clock());
    update(&mut state, Msg::Start, clock());
    state
}

/// The counts asked for, by view name.
fn counts_asked(fx: &[Effect]) -> Vec<(String, u64)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::FetchViewCount {
                name, generation, ..
            } => Some((name.clone(), *generation)),
            _ => None,
        })
        .collect()
}

fn counted(state: &mut State, (name, generation): &(String, u64), total: u64) -> Vec<Effect> {
    update(
        state,
        Msg::ViewCount {
            name: name.clone(),
            generation: *generation,
            result: Ok(ViewCount { total, new: None }),
        },
        clock(),
    )
}

/// Answers the counts on their way, and those that go out after them.
fn answer_every_count(state: &mut State, mut fx: Vec<Effect>) {
    loop {
        let mut pending = counts_asked(&fx);
        for e in &state.views.entries {
            if let Some(g) = e.count.pending {
                pending.push((e.view.name.clone(), g));
            }
        }
        pending.sort();
        pending.dedup();
        let Some(first) = pending.first() else {
            return;
        };
        fx = counted(state, first, 1);
    }
}

fn total_of(state: &State, name: &str) -> Option<u64> {
    let i = state.views.position(name)?;
    state.views.entries[i].count.total
}

#[tokio::test(start_paused = true)]
async fn a_polled_view_is_counted_on_the_tick_it_is_due_and_not_before() {
    let mut state = started_with(vec![
        SavedView::new("Open", "status:open"),
        SavedView {
            refresh_secs: Some(60),
            ..SavedView::new("Waiting", "status:waiting")
        },
    ]);
    let fx = current_page_loaded(&mut state, 1, 120);
    for asked in counts_asked(&fx) {
        assert!(counts_asked(&counted(&mut state, &asked, 7)).is_empty());
    }
    tokio::time::advance(Duration::from_secs(59)).await;
    let fx = update(&mut state, Msg::Tick, clock());
    assert!(counts_asked(&fx).is_empty(), "{fx:?}");
    tokio::time::advance(Duration::from_secs(1)).await;
    let fx = update(&mut state, Msg::Tick, clock());
    let asked: Vec<String> = counts_asked(&fx).into_iter().map(|(n, _)| n).collect();
    assert_eq!(asked, ["Waiting"]);
}

#[tokio::test(start_paused = true)]
async fn counts_held_back_by_the_list_go_out_on_the_key_that_shows_a_cached_page() {
    let mut state = started_with(vec![
        SavedView::new("A", "status:open"),
        SavedView::new("B", "status:waiting"),
        SavedView::new("C", "assignee:none"),
    ]);
    let generation = state.list.query_gen;
    let fx = current_page_loaded(&mut state, 1, 200);
    let first = counts_asked(&fx);
    assert_eq!(first.len(), 2, "two at a time, C waits: {fx:?}");
    crate::support::ui_fixtures::page_loaded(&mut state, generation, 2, 200);
    // Page 2 from the cache (page 3 prefetched), then page 3 still on its
    // way: the list waits, and so does C when a slot frees.
    ch(&mut state, ']');
    ch(&mut state, ']');
    assert_eq!(state.list.page, 3);
    let fx = counted(&mut state, &first[0], 10);
    assert!(counts_asked(&fx).is_empty(), "the list goes first: {fx:?}");
    // Back to page 2, from the cache: the list waits for nothing, C goes.
    let fx = ch(&mut state, '[');
    let asked: Vec<String> = counts_asked(&fx).into_iter().map(|(n, _)| n).collect();
    assert_eq!(asked, ["C"]);
}

#[tokio::test(start_paused = true)]
async fn a_page_of_the_open_view_shown_from_the_cache_gives_it_its_total() {
    let mut state = started_with(vec![
        SavedView::new("Open", "status:open"),
        SavedView::new("Other", "status:waiting"),
    ]);
    current_page_loaded(&mut state, 1, 120);
    ch(&mut state, '1');
    let generation = state.list.query_gen;
    let fx = current_page_loaded(&mut state, 1, 120);
    assert_eq!(total_of(&state, "Open"), Some(120), "its page's total");
    answer_every_count(&mut state, fx);
    assert!(state.views.scheduler.queue.is_empty());
    // Page 2 came (prefetched) with a newer total; the agent goes there.
    crate::support::ui_fixtures::page_loaded(&mut state, generation, 2, 123);
    assert_eq!(total_of(&state, "Open"), Some(120));
    ch(&mut state, ']');
    assert_eq!(total_of(&state, "Open"), Some(123));
}

// ---- rows' details ------------------------------------------------------------------

fn tag_column() -> ColumnSpec {
    ColumnSpec {
        column: Column::Tag,
        width: Width::Auto,
    }
}

fn details_asked(fx: &[Effect]) -> usize {
    fx.iter()
        .filter(|e| matches!(e, Effect::FetchRowDetail { .. }))
        .count()
}

/// Answers every row detail asked, each with a failure, until none is.
fn fail_every_detail(state: &mut State, mut fx: Vec<Effect>) -> usize {
    let mut failed = 0;
    while let Some(id) = fx.iter().find_map(|e| match e {
        Effect::FetchRowDetail { id } => Some(*id),
        _ => None,
    }) {
        failed += 1;
        fx = update(
            state,
            Msg::RowDetailLoaded {
                id,
                result: Err(FetchError::failed("boom")),
            },
            clock(),
        );
    }
    failed
}

#[tokio::test(start_paused = true)]
async fn a_rows_detail_due_again_is_asked_on_whatever_key_comes_next() {
    let mut state = State::new(scope(), TicketFilter::default(), 20, Keymap::default())
        .with_names(Arc::new(names()));
    state.columns = default_columns();
    state.columns.push(tag_column());
    update(&mut state, Msg::Resize(120, 14), clock());
    update(&mut state, Msg::Start, clock());
    let fx = current_page_loaded(&mut state, 1, 20);
    assert!(fail_every_detail(&mut state, fx) > 0, "the rows were asked");
    // No timer marks when a failed row may be asked again: an unbound key
    // after the interval finds it due.
    let unbound = KeyCode::F(12);
    assert_eq!(details_asked(&press(&mut state, unbound)), 0);
    tokio::time::advance(Duration::from_secs(60)).await;
    assert_eq!(details_asked(&press(&mut state, unbound)), 1);
}

#[tokio::test(start_paused = true)]
async fn a_views_own_tag_column_has_the_rows_details_asked() {
    let tagged = SavedView {
        columns: Some(vec![
            ColumnEntry {
                name: "subject".into(),
                width: Width::Grow,
            },
            ColumnEntry {
                name: "tag".into(),
                width: Width::Auto,
            },
        ]),
        ..SavedView::new("Tagged", "")
    };
    let mut state = started_with(vec![tagged, SavedView::new("Plain", "")]);
    let fx = current_page_loaded(&mut state, 1, 20);
    assert_eq!(details_asked(&fx), 0, "[ui] columns have no tags");
    ch(&mut state, '1');
    let fx = current_page_loaded(&mut state, 1, 20);
    assert_eq!(details_asked(&fx), 1, "{fx:?}");
}

// ---- the detail's wrap --------------------------------------------------------------

/// The detail's text is wrapped to its pane's inner width.
fn wrapped_to_its_pane(state: &State) -> usize {
    let pane = state.areas().detail.expect("the detail is shown");
    let width = state
        .detail
        .as_ref()
        .and_then(|d| d.wrapped.as_ref())
        .expect("wrapped")
        .width;
    assert_eq!(width, usize::from(pane.width - 2));
    width
}

#[tokio::test(start_paused = true)]
async fn the_detail_is_wrapped_again_when_the_panes_open_beside_it_and_on_resize() {
    let mut state = loaded_state(120, 40, 20, 60);
    press(&mut state, KeyCode::Enter);
    let wide = wrapped_to_its_pane(&state);
    ch(&mut state, 'f');
    assert!(state.filter_panel().is_some());
    let narrow = wrapped_to_its_pane(&state);
    assert!(narrow < wide, "{narrow} < {wide}");
    update(&mut state, Msg::Resize(110, 40), clock());
    assert!(wrapped_to_its_pane(&state) < narrow);
}

// ---- news: the title and the row under the cursor -------------------------------------

const EVERY: Duration = Duration::from_secs(60);

/// Page 1 of 20, polled every minute, the cursor on row 3 (#1004).
fn polled() -> State {
    let mut state = State::new(scope(), TicketFilter::default(), 20, Keymap::default());
    state.list.poll.every = Some(EVERY);
    update(&mut state, Msg::Resize(120, 30), clock());
    update(&mut state, Msg::Start, clock());
    current_page_loaded(&mut state, 1, 60);
    for _ in 0..3 {
        ch(&mut state, 'j');
    }
    state
}

/// A poll bringing two new tickets on top, and the row under the cursor
/// changed: three marks.
async fn three_new(state: &mut State) -> Vec<Effect> {
    tokio::time::advance(EVERY).await;
    update(state, Msg::Tick, clock());
    let old = page_of(1, 20, 60);
    let mut tickets = vec![ticket(101), ticket(102)];
    tickets.extend(
        old.tickets.into_iter().take(18).map(
            |t| {
                if t.ticket_number == 1004 { later(t) } else { t }
            },
        ),
    );
    let generation = state.list.query_gen;
    let fx = answer_page(
        state,
        generation,
        1,
        Ok(TicketPage {
            tickets,
            meta: old.meta,
        }),
    );
    assert_eq!(state.news.count(&state.list.query_key()), 3);
    assert_eq!(state.selected_ticket().unwrap().ticket_number, 1004);
    fx
}

fn later(mut t: Ticket) -> Ticket {
    t.updated_at = t.updated_at.map(|u| u + chrono::Duration::minutes(5));
    t
}

fn titles(fx: &[Effect]) -> Vec<String> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::SetTitle(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn the_title_follows_the_marks_a_new_query_and_a_return_to_the_terminal() {
    let mut state = polled();
    let fx = three_new(&mut state).await;
    assert_eq!(titles(&fx), ["triage (3 new)"]);
    // Back from the editor or Ctrl-z: the terminal's title was given back.
    let fx = update(&mut state, Msg::Resumed, clock());
    assert_eq!(titles(&fx), ["triage (3 new)"]);
    assert!(titles(&update(&mut state, Msg::Tick, clock())).is_empty());
    // A new sort is another query: nothing of it is new yet.
    let fx = ch(&mut state, 's');
    assert_eq!(titles(&fx), ["triage"]);
}

#[tokio::test(start_paused = true)]
async fn a_key_with_the_list_in_front_sees_the_marked_row_under_the_cursor() {
    let mut state = polled();
    three_new(&mut state).await;
    // Help in front: the row is not looked at.
    ch(&mut state, '?');
    assert_eq!(state.news.count(&state.list.query_key()), 3);
    // Help closed, the list in front again: seen, and the title says so.
    let fx = press(&mut state, KeyCode::Esc);
    assert_eq!(state.news.count(&state.list.query_key()), 2);
    assert_eq!(titles(&fx), ["triage (2 new)"]);
    // Any key counts, even one that does nothing.
    let mut state = polled();
    three_new(&mut state).await;
    let fx = press(&mut state, KeyCode::F(12));
    assert_eq!(state.selected_ticket().unwrap().ticket_number, 1004);
    assert_eq!(state.news.count(&state.list.query_key()), 2);
    assert_eq!(titles(&fx), ["triage (2 new)"]);
}
