//! Drawing saved views into `TestBackend`: the bar under the header (keys,
//! counts, the open view highlighted, `*` when modified, "3 new"), the `v`
//! list and the `w` name prompt.

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;
use tokio::time::Instant;
use triage::app::views::{ViewCount, ViewsSetup, ViewsState};
use triage::app::{Effect, Keymap, Msg, State, update};
use triage::config::SavedView;
use triage::filter::TicketFilter;
use triage::ui::ColorMode;

use crate::support::keys::press;
use crate::support::screen::{self, trimmed_text};
use crate::support::ui_fixtures;
use crate::support::ui_fixtures::*;

fn draw(state: &State) -> Buffer {
    screen::draw(state, ColorMode::NoColor)
}

/// Row `y` without trailing blanks.
fn line(buf: &Buffer, y: u16) -> String {
    screen::line(buf, y).trim_end().to_string()
}

/// A 100×20 screen with three views, counts in, "Urgent" open.
fn state(w: u16, h: u16) -> State {
    state_with(w, h, vec![])
}

/// `state` with `more` views after the three.
fn state_with(w: u16, h: u16, more: Vec<SavedView>) -> State {
    let mut state = State::new(
        Default::default(),
        TicketFilter::default(),
        20,
        Keymap::default(),
    );
    state.views = ViewsState::new(
        ViewsSetup {
            views: [
                vec![
                    SavedView::new("My open", "assignee:me status:open"),
                    SavedView {
                        sort: Some("priority".into()),
                        ..SavedView::new("Urgent \u{202e}evil", "priority:urgent")
                    },
                    SavedView {
                        refresh_secs: Some(60),
                        key: Some("W".into()),
                        ..SavedView::new("Waiting on customer", "status:waiting")
                    },
                ],
                more,
            ]
            .concat(),
            per_page: 20,
            ..ViewsSetup::default()
        },
        &state.keymap,
    );
    let now = Instant::now();
    update(&mut state, Msg::Resize(w, h), ui_fixtures::clock_at(now));
    update(&mut state, Msg::Start, ui_fixtures::clock_at(now));
    press(&mut state, KeyCode::Char('2'));
    let generation = state.list.query_gen;
    let fx = answer_page_at(&mut state, generation, 1, Ok(page_of(1, 20, 7)), now);
    // Answer every count, including those each answer lets go.
    let mut pending = fx;
    while let Some(e) = pending.pop() {
        if let Effect::FetchViewCount {
            name, generation, ..
        } = e
        {
            let (total, new) = if name.starts_with("Waiting") {
                (12, Some(3))
            } else {
                (40, None)
            };
            pending.extend(update(
                &mut state,
                Msg::ViewCount {
                    name,
                    generation,
                    result: Ok(ViewCount { total, new }),
                },
                ui_fixtures::clock_at(now),
            ));
        }
    }
    state
}

#[tokio::test(start_paused = true)]
async fn the_bar_shows_keys_counts_news_and_the_open_view() {
    let state = state(100, 20);
    let buf = draw(&state);
    let bar = line(&buf, 2);
    assert_eq!(
        bar,
        " 1 My open 40 │ 2 Urgent evil 7 │ W Waiting on customer 12 +3 new"
    );
    // The open view is highlighted (reversed without colors), the others not.
    let x = bar.find("2 Urgent").unwrap() as u16;
    assert!(buf[(x, 2)].modifier.contains(Modifier::REVERSED));
    assert!(!buf[(1, 2)].modifier.contains(Modifier::REVERSED));
    // The header names the view; bidi controls of a name never reach the screen.
    assert!(line(&buf, 0).contains("Urgent evil"));
    assert!(!trimmed_text(&buf).contains('\u{202e}'));
    // The list starts under the bar.
    assert!(line(&buf, 3).starts_with('#'), "{}", line(&buf, 3));
}

#[tokio::test(start_paused = true)]
async fn a_modified_view_is_starred_in_the_header_and_the_bar() {
    let mut state = state(100, 20);
    press(&mut state, KeyCode::Char('S'));
    let buf = draw(&state);
    assert!(line(&buf, 0).contains("Urgent evil*"), "{}", line(&buf, 0));
    assert!(
        line(&buf, 2).contains("2 Urgent evil* 7"),
        "{}",
        line(&buf, 2)
    );
}

#[tokio::test(start_paused = true)]
async fn a_narrow_bar_shortens_names_before_dropping_views() {
    let state = state(60, 20);
    let bar = line(&draw(&state), 2);
    assert!(bar.contains("1 My open 40"), "{bar}");
    assert!(bar.contains("W Waiting on … 12"), "{bar}");
    assert!(bar.contains("+3 new"), "{bar}");
    assert!(unicode_width::UnicodeWidthStr::width(bar.as_str()) <= 60);
}

#[tokio::test(start_paused = true)]
async fn no_views_no_bar() {
    let mut state = State::new(
        Default::default(),
        TicketFilter::default(),
        20,
        Keymap::default(),
    );
    let now = Instant::now();
    update(&mut state, Msg::Resize(80, 12), ui_fixtures::clock_at(now));
    update(&mut state, Msg::Start, ui_fixtures::clock_at(now));
    answer_page_at(&mut state, 0, 1, Ok(page_of(1, 20, 7)), now);
    let buf = draw(&state);
    assert!(
        line(&buf, 2).starts_with('#'),
        "the list right under the header"
    );
}

#[tokio::test(start_paused = true)]
async fn the_views_list_and_its_modes() {
    let mut state = state(100, 20);
    press(&mut state, KeyCode::Char('v'));
    let buf = draw(&state);
    let text = trimmed_text(&buf);
    insta::assert_snapshot!("views_list", text);
    press(&mut state, KeyCode::Char('d'));
    let text = trimmed_text(&draw(&state));
    assert!(
        text.contains("delete 'Urgent evil'? y deletes, any other key keeps it"),
        "{text}"
    );
    press(&mut state, KeyCode::Esc);
    press(&mut state, KeyCode::Char('R'));
    let text = trimmed_text(&draw(&state));
    // In the input the hidden bidi override shows as `�` where it sits (it
    // is part of the name being edited), and never acts on the terminal.
    assert!(text.contains("new name: Urgent �evil"), "{text}");
    assert!(!text.contains('\u{202e}'), "{text}");
}

#[tokio::test(start_paused = true)]
async fn the_name_prompt() {
    let mut state = state(100, 20);
    state.views.active = None;
    state.scope.view = None;
    state.views.path = Some("/nonexistent/config.toml".into());
    press(&mut state, KeyCode::Char('w'));
    for c in "Mine".chars() {
        press(&mut state, KeyCode::Char(c));
    }
    let text = trimmed_text(&draw(&state));
    assert!(text.contains("save as a view"), "{text}");
    assert!(text.contains("name: Mine"), "{text}");
    assert!(text.contains("Enter saves · Esc cancels"), "{text}");
    let fx = press(&mut state, KeyCode::Enter);
    assert!(matches!(fx.first(), Some(Effect::EditViews { .. })));
    let text = trimmed_text(&draw(&state));
    assert!(text.contains("saving view 'Mine'…"), "{text}");
}

#[tokio::test(start_paused = true)]
async fn without_a_config_file_w_says_where_to_put_one() {
    let mut state = state(100, 20);
    state.views.path = None;
    state.views.active = None;
    let fx = press(&mut state, KeyCode::Char('w'));
    assert!(fx.is_empty());
    let text = trimmed_text(&draw(&state));
    assert!(
        text.contains("no config file to save views in — pass --config PATH o…"),
        "{text}"
    );
}

/// A name whose emoji presentation ("⚠️", two cells) was measured one way
/// and cut another: the list came out wider than its column and `v`
/// panicked (capacity overflow) at widths where the cut landed on the edge.
#[tokio::test(start_paused = true)]
async fn an_emoji_view_name_opens_the_list_at_any_width() {
    let name = "⚠️ Escalations waiting on engineering and more text here";
    for (w, h) in [
        (100, 20),
        (80, 24),
        (60, 12),
        (40, 10),
        (20, 6),
        (8, 4),
        (1, 1),
    ] {
        let mut state = state_with(w, h, vec![SavedView::new(name, "tag:escalated 返金:x")]);
        press(&mut state, KeyCode::Char('v'));
        let text = trimmed_text(&draw(&state));
        if w >= 60 {
            // The emoji's second cell reads as a blank in the buffer.
            assert!(
                text.contains("⚠️  Escalations waiting on"),
                "{w}x{h}:\n{text}"
            );
        }
    }
}
