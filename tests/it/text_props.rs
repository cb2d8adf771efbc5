//! Property tests of width-exact text: whatever the string (emoji with and
//! without VS16, ZWJ sequences, tag sequences, combining stacks, CJK, tabs,
//! controls, bidi) and whatever the width, every cutting helper of
//! `ui::text` returns text that ratatui draws in at most that many cells,
//! and every pane draws such text at any size without panicking.

use std::sync::Arc;

use crossterm::event::KeyCode;
use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use tokio::time::Instant;
use triage::api::types::{
    AuthorType, Message, PageMeta, PriorityLevel, StatusCategory, Tag, TicketDetail,
};
use triage::app::state::TablePane;
use triage::app::views::{ViewsSetup, ViewsState};
use triage::app::{Msg, State, update};
use triage::config::SavedView;
use triage::ui::ColorMode;
use triage::ui::text::{fit, fit_spans, pad, pad_left, width, wrap};

use crate::support::keys::press;
use crate::support::screen;
use crate::support::ui_fixtures;
use crate::support::ui_fixtures::*;

/// Pieces that measure differently per character and per grapheme, or
/// that a terminal must never see.
const PIECES: &[&str] = &[
    "⚠️",
    "⚠",
    "\u{FE0F}",
    "\u{FE0E}",
    "1\u{FE0F}\u{20E3}",
    "👨\u{200D}👩\u{200D}👧",
    "👍🏽",
    "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
    "🇯🇵",
    "e\u{301}\u{302}\u{303}",
    "\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}",
    "返金",
    "한국",
    "ｶﾞ",
    "\u{115F}\u{1160}",
    "\t",
    "\r\n",
    "\n",
    "\u{1b}[31m",
    "\u{7}",
    "\u{7F}",
    "\u{9B}",
    "\u{202E}",
    "\u{2066}",
    "\u{200B}",
    "\u{0600}",
    "\u{00AD}",
    "a",
    "abc ",
    "word",
    " ",
    "  ",
    "…",
];

fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(prop::sample::select(PIECES), 0..14).prop_map(|p| p.concat()),
        1 => "\\PC{0,12}",
    ]
}

/// Cells ratatui's buffer fills when it draws `s` (its own measure).
fn drawn_width(s: &str) -> usize {
    let mut buf = Buffer::empty(Rect::new(0, 0, 2000, 1));
    let (x, _) = buf.set_stringn(0, 0, s, 2000, Style::new());
    usize::from(x)
}

proptest! {
    #[test]
    fn width_is_what_ratatui_draws(s in hostile_text()) {
        prop_assert_eq!(width(&s), drawn_width(&s), "{:?}", s);
    }

    #[test]
    fn cuts_never_exceed_the_width_asked(s in hostile_text(), max in 0usize..200) {
        let cut = fit(&s, max);
        prop_assert!(drawn_width(&cut) <= max, "fit {:?} to {}: {:?}", s, max, cut);
        prop_assert_eq!(drawn_width(&pad(&s, max)), max, "pad {:?}", s);
        prop_assert_eq!(drawn_width(&pad_left(&s, max)), max, "pad_left {:?}", s);
        for line in wrap(&s, max) {
            prop_assert!(drawn_width(&line) <= max, "wrap {:?} to {}: {:?}", s, max, line);
        }
    }

    #[test]
    fn a_row_of_spans_is_cut_to_the_width(
        parts in prop::collection::vec(hostile_text(), 0..4),
        max in 0usize..200,
    ) {
        let spans: Vec<Span<'static>> = parts.into_iter().map(Span::raw).collect();
        let line = fit_spans(spans, max);
        let drawn: usize = line.spans.iter().map(|s| drawn_width(&s.content)).sum();
        prop_assert!(drawn <= max, "{:?} to {}", line, max);
    }
}

/// Hostile text in every place server or config text is drawn: subjects,
/// status and priority names and categories, user names, view names, tags,
/// message authors and bodies.
fn hostile_state(w: u16, h: u16, text: &[String]) -> State {
    let pick = |i: usize| text[i % text.len()].clone();
    let mut names = names();
    for (i, name) in names.users.values_mut().enumerate() {
        *name = pick(i);
    }
    let mut state = loaded_state(w, h, 50, 412).with_names(Arc::new(names));
    if let TablePane::Loaded(view) = &mut state.list.table {
        for (i, t) in Arc::make_mut(&mut view.tickets).iter_mut().enumerate() {
            t.subject = pick(i);
            t.status_name = pick(i + 1);
            t.priority_name = if i % 2 == 0 {
                String::new()
            } else {
                pick(i + 2)
            };
            t.status = StatusCategory::from_wire(&pick(i + 3));
            t.priority = PriorityLevel::from_wire(&pick(i + 4));
        }
    }
    state.views = ViewsState::new(
        ViewsSetup {
            views: (0..3)
                .map(|i| SavedView::new(pick(i), "status:open"))
                .filter(|v| !v.name.trim().is_empty())
                .collect(),
            per_page: 50,
            ..ViewsSetup::default()
        },
        &state.keymap,
    );
    update(&mut state, Msg::Resize(w, h), ui_fixtures::clock());
    state
}

/// Draws `state` and checks that no control, bidi or zero-width format
/// character of the hostile text reached a cell.
fn draw(state: &State) {
    screen::assert_clean(&screen::draw(state, ColorMode::TrueColor));
}

/// The detail of the selected ticket, its tags and a conversation, loaded.
fn open_detail(state: &mut State, text: &[String]) {
    press(state, KeyCode::Enter);
    let Some(d) = state.detail.as_ref() else {
        return;
    };
    let (generation, ticket) = (d.generation, d.ticket.clone());
    let tags = text
        .iter()
        .enumerate()
        .map(|(i, t)| Tag {
            id: uuid::Uuid::from_u128(700 + i as u128),
            name: t.clone(),
            color: None,
        })
        .collect();
    let detail = TicketDetail {
        ticket,
        tags,
        custom_fields: Default::default(),
    };
    let now = Instant::now();
    let result = Ok(Box::new(detail));
    update(
        state,
        Msg::DetailLoaded { generation, result },
        ui_fixtures::clock_at(now),
    );
    let messages = text
        .iter()
        .enumerate()
        .map(|(i, t)| Message {
            id: uuid::Uuid::from_u128(800 + i as u128),
            author_name: Some(t.clone()),
            author_type: AuthorType::Other(t.clone()),
            body: text.concat(),
            created_at: None,
        })
        .collect();
    let meta = PageMeta {
        page: 1,
        per_page: 100,
        total: text.len() as u64,
    };
    let result = Ok((messages, meta));
    update(
        state,
        Msg::MessagesLoaded { generation, result },
        ui_fixtures::clock_at(now),
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_pane_draws_hostile_text_at_any_size(
        text in prop::collection::vec(hostile_text(), 1..5),
        w in 1u16..=120,
        h in 1u16..=40,
    ) {
        let mut state = hostile_state(w, h, &text);
        draw(&state);
        press(&mut state, KeyCode::Char('v'));
        draw(&state);
        press(&mut state, KeyCode::Esc);
        press(&mut state, KeyCode::Char('?'));
        draw(&state);
        press(&mut state, KeyCode::Esc);
        open_detail(&mut state, &text);
        draw(&state);
        press(&mut state, KeyCode::Char('G'));
        draw(&state);
    }
}
