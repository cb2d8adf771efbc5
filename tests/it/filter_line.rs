//! `:` the filter line through the update step: applying, refusing with a
//! caret (and no request), Tab completion from the catalog, and the
//! server's 400 pointed back at the tokens that caused it; drawn with
//! `TestBackend`.

use std::collections::BTreeMap;
use std::sync::Arc;

use crossterm::event::KeyCode;
use ratatui::style::{Color, Modifier};
use tokio::time::Instant;
use triage::api::Catalog;
use triage::api::types::FieldType;
use triage::app::completion::{Vocabulary, complete};
use triage::app::filter_line::server_errors;
use triage::app::{Effect, FetchError, FieldError, Msg, State, update};
use triage::filter::{Aliases, EntityRef, FieldAlias, TicketFilter};
use triage::ui::ColorMode;
use uuid::Uuid;

use crate::support::keys::{ctrl, press, type_text};
use crate::support::screen;
use crate::support::ui_fixtures;
use crate::support::ui_fixtures::*;

fn fetched_filters(fx: &[Effect]) -> Vec<TicketFilter> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::FetchPage {
                filter, page: 1, ..
            } => Some(filter.clone()),
            _ => None,
        })
        .collect()
}

fn line_text(state: &State) -> String {
    state
        .filter_line()
        .expect("the line is open")
        .input
        .value()
        .to_string()
}

/// Clears the line (Ctrl-u) and types `text`.
fn retype(state: &mut State, text: &str) {
    ctrl(state, 'u');
    type_text(state, text);
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

/// A workspace known only from the config's aliases (no companion
/// endpoints): tags, agents, inboxes, and two custom fields.
fn catalog() -> Catalog {
    let mut aliases = Aliases::default();
    for (i, t) in ["billing", "bigcorp", "vip", "refund request"]
        .iter()
        .enumerate()
    {
        aliases.tags.insert(t.to_string(), id(100 + i as u128));
    }
    for (i, u) in ["Ana Lima", "Anders Berg", "Kim Jones"].iter().enumerate() {
        aliases.users.insert(u.to_string(), id(200 + i as u128));
    }
    aliases.inboxes.insert("Support".into(), id(300));
    aliases.inboxes.insert("Sales".into(), id(301));
    let mut options = BTreeMap::new();
    options.insert("Enterprise".to_string(), id(400));
    options.insert("Starter".to_string(), id(401));
    aliases.fields.insert(
        "plan".into(),
        FieldAlias {
            field_type: FieldType::Select,
            options,
        },
    );
    aliases.fields.insert(
        "region".into(),
        FieldAlias {
            field_type: FieldType::Text,
            options: BTreeMap::new(),
        },
    );
    Catalog::from_aliases(aliases)
}

fn state_with_catalog() -> State {
    let mut state = loaded_state(100, 30, 20, 95).with_names(Arc::new(catalog()));
    state.me = Some(EntityRef::Name("Kim Jones".into()));
    state
}

#[tokio::test(start_paused = true)]
async fn the_line_opens_on_the_active_filter_and_enter_applies_an_edit() {
    let mut state = loaded_state(100, 30, 20, 95);
    assert!(press(&mut state, KeyCode::Char(':')).is_empty());
    // The canonical text form, ready for one more token.
    assert_eq!(line_text(&state), "status:open,waiting priority:urgent ");
    type_text(&mut state, "assignee:none \"refund policy\"");
    let fx = press(&mut state, KeyCode::Enter);
    let sent = fetched_filters(&fx);
    assert_eq!(sent.len(), 1);
    let expected: TicketFilter =
        "status:open,waiting priority:urgent assignee:none \"refund policy\""
            .parse()
            .unwrap();
    assert_eq!(sent[0], expected);
    assert_eq!(state.list.filter, expected);
    assert!(state.filter_line().is_none());

    // Enter on an unchanged filter closes the line and sends nothing.
    press(&mut state, KeyCode::Char(':'));
    assert!(fetched_filters(&press(&mut state, KeyCode::Enter)).is_empty());
    // Esc leaves the filter as it was, whatever was typed.
    press(&mut state, KeyCode::Char(':'));
    type_text(&mut state, "tag:vip");
    assert!(press(&mut state, KeyCode::Esc).is_empty());
    assert!(state.filter_line().is_none());
    assert_eq!(state.list.filter, expected);
}

#[tokio::test(start_paused = true)]
async fn a_new_filter_closes_the_detail_of_a_ticket_it_may_not_hold() {
    let mut state = loaded_state(100, 30, 20, 95);
    press(&mut state, KeyCode::Enter);
    assert!(state.detail.is_some());
    // Sorting keeps the same tickets: the detail stays.
    press(&mut state, KeyCode::Char('s'));
    assert!(state.detail.is_some());
    press(&mut state, KeyCode::Char(':'));
    type_text(&mut state, "assignee:none");
    press(&mut state, KeyCode::Enter);
    assert!(
        state.detail.is_none(),
        "no action may hit a ticket out of sight"
    );
}

#[tokio::test(start_paused = true)]
async fn a_parse_error_is_refused_with_its_span_and_sends_nothing() {
    let mut state = loaded_state(100, 30, 20, 95);
    press(&mut state, KeyCode::Char(':'));
    retype(&mut state, "status:open created:>2024-13-45 refund");
    let before = state.list.filter.clone();
    let fx = press(&mut state, KeyCode::Enter);
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(state.list.filter, before);
    let line = state.filter_line().expect("still open");
    let err = line.error.as_ref().expect("an error");
    assert_eq!(&line.input.value()[err.span.clone()], "2024-13-45");
    assert!(err.message.contains("is not a date"), "{}", err.message);

    // Editing clears the error; fixing the date applies.
    press(&mut state, KeyCode::Backspace);
    assert!(state.filter_line().unwrap().error.is_none());
    retype(&mut state, "status:open created:>2024-12-01 refund");
    let sent = fetched_filters(&press(&mut state, KeyCode::Enter));
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].to_string(),
        "status:open created:>2024-12-01 refund"
    );
}

fn complete_all(input: &str, vocab: &Vocabulary) -> Vec<String> {
    complete(input, input.len(), vocab)
        .candidates
        .into_iter()
        .map(|c| c.insert)
        .collect()
}

#[test]
fn completion_offers_keys_and_catalog_values() {
    let mut vocab = Vocabulary::from_catalog(
        Some(&catalog()),
        Some(&EntityRef::Id(id(202))), // Kim Jones, by UUID
    );
    assert_eq!(vocab.me.as_deref(), Some("Kim Jones"));
    assert_eq!(complete_all("sta", &vocab), vec!["status:"]);
    assert_eq!(complete_all("", &vocab).len(), 11, "every key");
    assert_eq!(complete_all("status:open,w", &vocab), vec!["waiting"]);
    // Items already in the list are not offered again.
    assert!(!complete_all("status:open,", &vocab).contains(&"open".to_string()));
    assert_eq!(complete_all("priority:u", &vocab), vec!["urgent"]);
    assert_eq!(complete_all("tag:bi", &vocab), vec!["bigcorp", "billing"]);
    // Names with spaces come quoted; a typed opening quote still matches.
    assert_eq!(complete_all("tag:ref", &vocab), vec!["\"refund request\""]);
    assert_eq!(
        complete_all("assignee:\"An", &vocab),
        vec!["\"Ana Lima\"", "\"Anders Berg\""]
    );
    // `me` is the configured agent; `none` is unassigned.
    assert_eq!(complete_all("assignee:m", &vocab), vec!["\"Kim Jones\""]);
    assert_eq!(complete_all("assignee:no", &vocab), vec!["none"]);
    assert_eq!(complete_all("inbox:s", &vocab), vec!["Sales", "Support"]);
    assert_eq!(complete_all("field:p", &vocab), vec!["plan="]);
    assert_eq!(
        complete_all("field:plan=e", &vocab),
        vec!["Enterprise", "empty"]
    );
    assert_eq!(complete_all("field:region=", &vocab), vec!["empty"]);
    assert_eq!(complete_all("sort:p", &vocab), vec!["priority"]);
    assert_eq!(complete_all("updated:<7", &vocab), vec!["<7d"]);
    // No prefix match: substring matches instead ("corp" in "bigcorp").
    assert_eq!(complete_all("tag:corp", &vocab), vec!["bigcorp"]);
    assert_eq!(complete_all("status:gress", &vocab), vec!["in_progress"]);
    // Too short for that: `>2` is the start of a date, not part of `<24h`.
    assert!(complete_all("created:>2", &vocab).is_empty());
    // Search text and unknown keys complete nothing.
    assert!(complete_all("-spa", &vocab).is_empty());
    assert!(complete_all("\"refu", &vocab).is_empty());
    assert!(complete_all("foo:b", &vocab).is_empty());
    // Completion replaces only the word before the cursor.
    let input = "tag:vi status:open";
    let found = complete(input, 6, &vocab);
    assert_eq!(found.replace, 4..6);
    assert_eq!(found.candidates[0].insert, "vip");
    // Without a catalog, keywords still complete.
    vocab = Vocabulary::from_catalog(None, None);
    assert_eq!(complete_all("status:res", &vocab), vec!["resolved"]);
    assert!(complete_all("tag:b", &vocab).is_empty());
}

#[tokio::test(start_paused = true)]
async fn tab_completes_like_a_shell() {
    let mut state = state_with_catalog();
    press(&mut state, KeyCode::Char(':'));
    retype(&mut state, "pri");
    press(&mut state, KeyCode::Tab);
    assert_eq!(line_text(&state), "priority:");
    type_text(&mut state, "h");
    press(&mut state, KeyCode::Tab);
    assert_eq!(line_text(&state), "priority:high");

    // Several matches: their common prefix, and the list.
    retype(&mut state, "assignee:a");
    press(&mut state, KeyCode::Tab);
    assert_eq!(line_text(&state), "assignee:\"An");
    let menu = state.filter_line().unwrap().menu.as_ref().unwrap();
    assert_eq!(menu.candidates.len(), 2);
    assert_eq!(menu.selected, None);
    // Tab cycles through them, Shift-Tab back; wrapping around.
    press(&mut state, KeyCode::Tab);
    assert_eq!(line_text(&state), "assignee:\"Ana Lima\"");
    press(&mut state, KeyCode::Tab);
    assert_eq!(line_text(&state), "assignee:\"Anders Berg\"");
    press(&mut state, KeyCode::Tab);
    assert_eq!(line_text(&state), "assignee:\"Ana Lima\"");
    press(&mut state, KeyCode::BackTab);
    assert_eq!(line_text(&state), "assignee:\"Anders Berg\"");
    // Enter takes the candidate (the line stays open), the next applies.
    assert!(press(&mut state, KeyCode::Enter).is_empty());
    assert!(state.filter_line().unwrap().menu.is_none());
    let sent = fetched_filters(&press(&mut state, KeyCode::Enter));
    assert_eq!(sent[0].to_string(), "assignee:\"Anders Berg\"");

    // In the middle of the line: the rest stays where it was.
    press(&mut state, KeyCode::Char(':'));
    retype(&mut state, "tag:v status:open");
    for _ in 0.." status:open".len() {
        press(&mut state, KeyCode::Left);
    }
    press(&mut state, KeyCode::Tab);
    assert_eq!(line_text(&state), "tag:vip status:open");
    // Nothing to complete says so.
    retype(&mut state, "\"refund");
    press(&mut state, KeyCode::Tab);
    let line = state.filter_line().unwrap();
    assert_eq!(line.note.as_deref(), Some("nothing to complete here"));
    assert_eq!(line.input.value(), "\"refund");
}

#[tokio::test(start_paused = true)]
async fn a_400_points_at_the_token_it_came_from() {
    let mut state = loaded_state(100, 24, 20, 95);
    press(&mut state, KeyCode::Char(':'));
    retype(
        &mut state,
        "status:open field:plan=Gold created:>2024-01-01",
    );
    let fx = press(&mut state, KeyCode::Enter);
    let generation = match &fx[0] {
        Effect::FetchPage { generation, .. } => *generation,
        other => panic!("{other:?}"),
    };
    answer_page(
        &mut state,
        generation,
        1,
        Err(FetchError::Invalid {
            message: "invalid parameters".into(),
            hint: None,
            fields: vec![FieldError {
                param: "custom_field_plan".into(),
                message: "'Gold' is not an option of this field".into(),
            }],
        }),
    );
    // Closed line: the status line names the token and the key to fix it.
    update(&mut state, Msg::Resize(140, 24), ui_fixtures::clock());
    let footer = ui_support_rows(&state, 140, 24)[22].clone();
    assert!(
        footer.contains(
            "server refused field:plan=Gold: 'Gold' is not an option of this field — : to fix"
        ),
        "{footer}"
    );
    // Open line: the token itself is marked, with the server's message.
    press(&mut state, KeyCode::Char(':'));
    let errors = server_errors(&state);
    assert_eq!(errors.len(), 1);
    let text = line_text(&state);
    assert_eq!(&text[errors[0].0[0].clone()], "field:plan=Gold");
    let (rows, buf) = draw(&state, 100, 24);
    let input_row = rows.iter().position(|r| r.starts_with(" : ")).unwrap();
    let col = 3 + text.find("field:plan").unwrap() as u16;
    let cell = &buf[(col, input_row as u16)];
    assert!(cell.modifier.contains(Modifier::UNDERLINED));
    let carets = " ".repeat(usize::from(col)) + &"^".repeat("field:plan=Gold".len());
    assert_eq!(rows[input_row + 1].trim_end(), carets);
    assert!(
        rows[input_row + 2].contains(" server: custom_field_plan: 'Gold' is not an option"),
        "{}",
        rows[input_row + 2]
    );
    // A good page clears it.
    answer_page(&mut state, generation, 1, Ok(page_of(1, 20, 3)));
    assert!(server_errors(&state).is_empty());
}

fn draw(state: &State, w: u16, h: u16) -> (Vec<String>, ratatui::buffer::Buffer) {
    let buf = screen::draw_sized(state, w, h, ColorMode::TrueColor, Instant::now());
    (screen::lines(&buf), buf)
}

fn ui_support_rows(state: &State, w: u16, h: u16) -> Vec<String> {
    draw(state, w, h).0
}

#[tokio::test(start_paused = true)]
async fn the_caret_sits_under_the_offending_token() {
    let mut state = loaded_state(80, 24, 20, 95);
    press(&mut state, KeyCode::Char(':'));
    retype(&mut state, "tag:日本 created:>2024-13-45");
    press(&mut state, KeyCode::Enter);
    let (rows, buf) = draw(&state, 80, 24);
    let input_row = rows.iter().position(|r| r.starts_with(" : tag:")).unwrap();
    // " : " + "tag:日本 created:>" is 3 + 18 columns (日本 takes four).
    let carets = &rows[input_row + 1];
    assert_eq!(
        carets.trim_end(),
        format!("{}{}", " ".repeat(21), "^".repeat(10))
    );
    // The theme's error color (dark: `#fca5a5`).
    assert_eq!(
        buf[(21, input_row as u16 + 1)].fg,
        Color::Rgb(0xfc, 0xa5, 0xa5)
    );
    assert!(rows[input_row + 2].contains("'2024-13-45' is not a date"));
    assert!(
        rows[23].contains("Enter apply  Esc cancel  Tab complete"),
        "{}",
        rows[23]
    );
    // The header still shows the active filter, not the rejected text.
    assert_eq!(
        rows[1].trim_end(),
        " filter: status:open,waiting priority:urgent"
    );
}

#[tokio::test(start_paused = true)]
async fn the_completion_list_is_drawn_above_the_word() {
    let mut state = state_with_catalog();
    press(&mut state, KeyCode::Char(':'));
    retype(&mut state, "status:open tag:b");
    press(&mut state, KeyCode::Tab);
    press(&mut state, KeyCode::Tab);
    let (rows, buf) = draw(&state, 100, 30);
    let input_row = rows.iter().position(|r| r.starts_with(" : ")).unwrap();
    // The first Tab inserted the common "bi", the second the first name.
    assert_eq!(rows[input_row].trim_end(), " : status:open tag:bigcorp");
    let menu: Vec<&String> = rows[..input_row]
        .iter()
        .filter(|r| r.contains("billing") || r.contains("bigcorp") || r.contains(" tags "))
        .collect();
    assert_eq!(menu.len(), 3, "{rows:#?}");
    assert!(menu[0].contains(" tags "));
    // A menu, not a form: no radio marks; the name in the line is the
    // highlighted one.
    assert!(menu[1].contains("│ bigcorp"), "{}", menu[1]);
    assert!(menu[2].contains("│ billing"), "{}", menu[2]);
    assert!(!menu.iter().any(|r| r.contains("(•)") || r.contains("( )")));
    let bg = |row: &String| {
        let y = rows.iter().position(|r| r == row).unwrap() as u16;
        let x = row.chars().position(|c| c == 'b').unwrap() as u16;
        buf[(x, y)].bg
    };
    assert_ne!(bg(menu[1]), bg(menu[2]), "the chosen name is highlighted");
    // The box starts at the value it completes.
    let word_col = 3 + "status:open tag:".len();
    assert_eq!(menu[1].chars().position(|c| c == '│'), Some(word_col - 1));
    assert!(rows[29].contains("Tab next"), "{}", rows[29]);
}

#[tokio::test(start_paused = true)]
async fn the_header_cuts_a_long_filter_between_tokens() {
    let mut state = loaded_state(60, 20, 20, 95);
    state.list.filter =
        "status:open priority:high tag:billing tag:vip tag:bigcorp inbox:Support updated:<7d"
            .parse()
            .unwrap();
    let (rows, _) = draw(&state, 60, 20);
    assert_eq!(
        rows[1].trim_end(),
        " filter: status:open priority:high inbox:Support … +4 more"
    );
}

/// The catalog of a server without the companion endpoints: every list
/// answered 404, names come from the config's aliases only.
fn aliases_only_catalog() -> Catalog {
    let mut c = catalog();
    for e in triage::api::Endpoint::CATALOG {
        c.mark_unsupported(e);
    }
    c
}

#[tokio::test(start_paused = true)]
async fn a_name_the_catalog_lacks_is_refused_before_any_request() {
    let mut state = loaded_state(100, 30, 20, 95).with_names(Arc::new(aliases_only_catalog()));
    press(&mut state, KeyCode::Char(':'));
    retype(&mut state, "status:open tag:vip,biling");
    assert!(press(&mut state, KeyCode::Enter).is_empty());
    let line = state.filter_line().expect("still open");
    let err = line.error.as_ref().unwrap();
    assert_eq!(&line.input.value()[err.span.clone()], "biling");
    assert!(err.message.contains("'biling'"), "{}", err.message);
    assert!(
        err.message.contains("billing"),
        "suggests the known name: {}",
        err.message
    );

    retype(&mut state, "field:plan=Gold");
    assert!(press(&mut state, KeyCode::Enter).is_empty());
    let line = state.filter_line().unwrap();
    let err = line.error.as_ref().unwrap();
    assert_eq!(&line.input.value()[err.span.clone()], "Gold");

    // Names the aliases know resolve, and the request goes out.
    retype(
        &mut state,
        "tag:VIP field:plan=enterprise assignee:\"Kim Jones\"",
    );
    let sent = fetched_filters(&press(&mut state, KeyCode::Enter));
    assert_eq!(sent.len(), 1);
    assert!(state.filter_line().is_none());
}

#[tokio::test(start_paused = true)]
async fn names_are_not_judged_before_the_catalog_has_answered() {
    // Never asked: the names may simply not be loaded yet.
    let mut state = loaded_state(100, 30, 20, 95).with_names(Arc::new(catalog()));
    press(&mut state, KeyCode::Char(':'));
    retype(&mut state, "tag:someday");
    assert_eq!(fetched_filters(&press(&mut state, KeyCode::Enter)).len(), 1);
}

#[tokio::test(start_paused = true)]
async fn tiny_screens_draw_without_panicking() {
    let mut state = state_with_catalog();
    press(&mut state, KeyCode::Char(':'));
    retype(&mut state, "tag:日本 created:>2024-13-45 tag:b");
    press(&mut state, KeyCode::Enter);
    press(&mut state, KeyCode::Tab);
    let mut searching = loaded_state(100, 30, 20, 95);
    press(&mut searching, KeyCode::Char('/'));
    type_text(&mut searching, "a long search text that will not fit");
    for (w, h) in [
        (1, 1),
        (3, 2),
        (10, 3),
        (20, 5),
        (30, 6),
        (12, 24),
        (200, 4),
    ] {
        for (s, typed) in [(&mut state, "tag:"), (&mut searching, "a long search")] {
            update(s, Msg::Resize(w, h), ui_fixtures::clock());
            let (rows, buf) = draw(s, w, h);
            assert_eq!((buf.area.width, buf.area.height), (w, h));
            screen::assert_clean(&buf);
            // Wide enough, what is being typed stays in sight.
            if w >= 200 {
                assert!(rows.iter().any(|r| r.contains(typed)), "{w}×{h}: {rows:?}");
            }
        }
    }
}

#[test]
fn categories_show_and_match_the_workspaces_own_names() {
    let mut c = catalog();
    let mut tickets: Vec<_> = (1..=8).map(ticket).collect();
    for (i, t) in tickets.iter_mut().enumerate() {
        t.status_id = Some(id(500 + (i as u128 % 5)));
        t.priority_id = Some(id(600 + (i as u128 % 4)));
    }
    c.learn_from_tickets(&tickets);
    let vocab = Vocabulary::from_catalog(Some(&c), None);
    let found = complete("priority:", 9, &vocab).candidates;
    let urgent = found.iter().find(|c| c.insert == "urgent").unwrap();
    assert_eq!(urgent.note.as_deref(), Some("Urgent"));
    assert_eq!(urgent.color.as_deref(), Some("#ef4444"));
    // Typing the workspace's name finds the category the API filters on.
    assert_eq!(complete_all("status:awaiting", &vocab), vec!["waiting"]);
    assert_eq!(complete_all("status:investi", &vocab), vec!["in_progress"]);
}

#[tokio::test(start_paused = true)]
async fn a_filter_without_its_colon_is_not_silently_searched() {
    let mut state = loaded_state(100, 30, 20, 95);
    press(&mut state, KeyCode::Char(':'));
    retype(&mut state, "status:open created>2024-13-45");
    assert!(press(&mut state, KeyCode::Enter).is_empty());
    let line = state.filter_line().unwrap();
    let err = line.error.as_ref().unwrap();
    assert_eq!(&line.input.value()[err.span.clone()], "created>2024-13-45");
    assert!(
        err.message.contains("did you mean created:>2024-13-45?"),
        "{}",
        err.message
    );
    retype(&mut state, "Status=open");
    press(&mut state, KeyCode::Enter);
    let err = state.filter_line().unwrap().error.as_ref().unwrap();
    assert!(
        err.message.contains("did you mean status:open?"),
        "{}",
        err.message
    );
    // Quoted, it is search text on purpose.
    retype(&mut state, "\"created>2024\" statuses");
    let sent = fetched_filters(&press(&mut state, KeyCode::Enter));
    assert_eq!(sent[0].query.as_deref(), Some("\"created>2024\" statuses"));
}

/// The `:` line's refusal lives in the parser, so `--filter`, saved views
/// and macros refuse the same slip instead of searching for it.
#[test]
fn every_reader_of_filter_text_refuses_a_missing_colon() {
    let err = triage::filter::parse("status:open created>2026-11-01").unwrap_err();
    assert_eq!(err.span, 12..30);
    assert!(
        err.message.contains("did you mean created:>2026-11-01?"),
        "{err}"
    );
    let view: triage::config::SavedView =
        toml::from_str("name = \"New\"\nfilter = \"Status=open\"").unwrap();
    let err = view.ticket_filter().unwrap_err();
    assert!(err.contains("did you mean status:open?"), "{err}");
    let err = triage::app::macros::parse_actions("status=Triaged +tag:vip").unwrap_err();
    assert_eq!(err.span, 0..14);
    assert!(
        err.message.contains("did you mean status:Triaged?"),
        "{}",
        err.message
    );
    // Search text that looks like the slip still round-trips through the
    // canonical form (written as query:"…").
    let f = TicketFilter {
        query: Some("created>2026 refund".into()),
        ..TicketFilter::default()
    };
    let text = triage::filter::format(&f);
    assert_eq!(triage::filter::parse(&text).unwrap(), f, "{text}");
}

/// The screen as text, wide characters counted once (for snapshots).
fn screen_text(state: &State) -> String {
    let (w, h) = (state.size.width, state.size.height);
    screen::text(&draw(state, w, h).1)
}

#[tokio::test(start_paused = true)]
async fn snapshots_of_the_line() {
    let mut state = state_with_catalog();
    update(&mut state, Msg::Resize(80, 24), ui_fixtures::clock());
    press(&mut state, KeyCode::Char(':'));
    type_text(&mut state, "created:>2024-13-45");
    press(&mut state, KeyCode::Enter);
    insta::assert_snapshot!("filter_line_refused_80x24", screen_text(&state));

    retype(&mut state, "status:open assignee:");
    press(&mut state, KeyCode::Tab);
    press(&mut state, KeyCode::Tab);
    insta::assert_snapshot!("filter_line_completion_80x24", screen_text(&state));

    press(&mut state, KeyCode::Esc);
    press(&mut state, KeyCode::Esc);
    press(&mut state, KeyCode::Char('/'));
    type_text(&mut state, "refund -spam");
    insta::assert_snapshot!("search_line_80x24", screen_text(&state));
}

#[tokio::test(start_paused = true)]
async fn up_and_down_recall_filters_applied_before() {
    let mut state = loaded_state(100, 30, 20, 95);
    for text in ["tag:vip", "priority:high", "tag:vip"] {
        press(&mut state, KeyCode::Char(':'));
        retype(&mut state, text);
        press(&mut state, KeyCode::Enter);
    }
    // Once each, newest last.
    assert_eq!(state.filter_history, vec!["priority:high", "tag:vip"]);
    press(&mut state, KeyCode::Char(':'));
    retype(&mut state, "status:clo");
    press(&mut state, KeyCode::Up);
    assert_eq!(line_text(&state), "tag:vip");
    press(&mut state, KeyCode::Up);
    assert_eq!(line_text(&state), "priority:high");
    press(&mut state, KeyCode::Up);
    assert_eq!(line_text(&state), "priority:high", "the oldest stays");
    press(&mut state, KeyCode::Down);
    assert_eq!(line_text(&state), "tag:vip");
    press(&mut state, KeyCode::Down);
    assert_eq!(line_text(&state), "status:clo", "what was typed comes back");
    press(&mut state, KeyCode::Down);
    assert_eq!(line_text(&state), "status:clo");
    // A recalled filter applies like a typed one.
    press(&mut state, KeyCode::Up);
    press(&mut state, KeyCode::Up);
    let sent = fetched_filters(&press(&mut state, KeyCode::Enter));
    assert_eq!(sent[0].to_string(), "priority:high");
    assert_eq!(state.filter_history, vec!["tag:vip", "priority:high"]);
}

/// Days from the earliest date chrono can hold to the Unix epoch: a span a
/// little longer reaches before it from 1970, not from the clock's 2026.
fn days_epoch_can_not_go_back(extra: i64) -> i64 {
    let min = chrono::NaiveDate::MIN
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    (chrono::DateTime::<chrono::Utc>::UNIX_EPOCH - min).num_days() + extra
}

/// A catalog the line trusts for its checks: every list answered (here:
/// none offered by the server, the aliases standing in for them).
fn state_with_settled_catalog() -> State {
    let mut c = catalog();
    for e in triage::api::endpoint::Endpoint::CATALOG {
        c.mark_unsupported(e);
    }
    loaded_state(100, 30, 20, 95).with_names(Arc::new(c))
}

#[tokio::test(start_paused = true)]
async fn the_line_checks_dates_against_the_clock_passed_in_like_the_panes() {
    // Representable from the clock's now (2026), not from 1970: the line
    // used to check against the epoch and refuse what the panes accept.
    let days = days_epoch_can_not_go_back(10_000);
    let mut state = state_with_settled_catalog();
    press(&mut state, KeyCode::Char(':'));
    retype(&mut state, &format!("updated:<{days}d"));
    let fx = press(&mut state, KeyCode::Enter);
    assert!(
        state.filter_line().is_none(),
        "refused: {:?}",
        state.filter_line().and_then(|l| l.error.clone())
    );
    assert_eq!(fetched_filters(&fx).len(), 1);

    // The panes send the same bound (Enter there applies the draft).
    let mut panes = state_with_settled_catalog();
    press(&mut panes, KeyCode::Char('f'));
    panes.filter_panel_mut().unwrap().draft.updated_after = state.list.filter.updated_after.clone();
    let fx = press(&mut panes, KeyCode::Enter);
    let said = panes.filter_panel().and_then(|p| p.message.clone());
    assert!(
        said.as_ref()
            .is_some_and(|m| m.text == "applied" && !m.error),
        "the panes refused it: {said:?}"
    );
    assert_eq!(
        fetched_filters(&fx)[0].updated_after,
        state.list.filter.updated_after
    );

    // Beyond what even the clock's now can reach: both refuse.
    let days = days_epoch_can_not_go_back(30_000);
    let mut state = state_with_settled_catalog();
    press(&mut state, KeyCode::Char(':'));
    retype(&mut state, &format!("updated:<{days}d"));
    press(&mut state, KeyCode::Enter);
    assert!(
        state.filter_line().is_some(),
        "the line applied an unsendable date: {:?}",
        state.list.filter.updated_after
    );
}
