//! Rendering into ratatui's `TestBackend`: content, cell colors in each color
//! mode, narrow and wide layouts, hostile subjects, and snapshots for review.

use std::time::Duration;

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use tokio::time::Instant;
use triage::api::types::{AuthorType, Message, PageMeta, Tag, TicketDetail};
use triage::app::{FetchError, Msg, State, update};
use triage::ui::ColorMode;

use crate::support::keys::press;
use crate::support::screen::{draw_at, text};
use crate::support::ui_fixtures;
use crate::support::ui_fixtures::*;

/// Position of the first cell where `needle` starts on some line.
fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut xs = Vec::new();
        let mut x = 0;
        while x < buf.area.width {
            xs.push((line.len(), x));
            let symbol = buf[(x, y)].symbol();
            line.push_str(symbol);
            x += unicode_width::UnicodeWidthStr::width(symbol).max(1) as u16;
        }
        if let Some(i) = line.find(needle) {
            let x = xs.iter().rev().find(|(b, _)| *b <= i).map(|(_, x)| *x)?;
            return Some((x, y));
        }
    }
    None
}

/// Row 2 of the fixtures has status "Awaiting parts" in `#f59e0b`.
fn awaiting_badge(buf: &Buffer) -> Color {
    let (x, y) = find(buf, "Awaiting parts").expect("badge drawn");
    buf[(x, y)].bg
}

#[tokio::test(start_paused = true)]
async fn badge_in_truecolor_palette_and_no_color() {
    let state = loaded_state(120, 30, 50, 412);
    let now = Instant::now();

    let buf = draw_at(&state, ColorMode::TrueColor, now);
    assert_eq!(awaiting_badge(&buf), Color::Rgb(0xf5, 0x9e, 0x0b));
    let (x, y) = find(&buf, "Awaiting parts").unwrap();
    assert_eq!(buf[(x, y)].fg, Color::Rgb(0, 0, 0), "black text on amber");
    // "#fa0" is a valid short color: priority "Normal" is drawn in it.
    let (x, y) = find(&buf, "Normal").unwrap();
    assert_eq!(buf[(x, y)].fg, Color::Rgb(0xff, 0xaa, 0x00));
    // "not-a-color" falls back to the category default (closed: gray).
    let (x, y) = find(&buf, "Closed").unwrap();
    assert_eq!(buf[(x, y)].bg, Color::Rgb(0x6b, 0x72, 0x80));

    let buf = draw_at(&state, ColorMode::Palette256, now);
    assert_eq!(awaiting_badge(&buf), Color::Indexed(214));

    let buf = draw_at(&state, ColorMode::NoColor, now);
    for cell in buf.content() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{cell:?}");
    }
    // Names carry the meaning without colors.
    let screen = text(&buf);
    assert!(screen.contains("Awaiting parts") && screen.contains("Urgent"));
}

#[tokio::test(start_paused = true)]
async fn narrow_80x24() {
    let state = loaded_state(80, 24, 50, 412);
    let buf = draw_at(&state, ColorMode::NoColor, Instant::now());
    let screen = text(&buf);
    assert!(
        screen.contains("page 1/9 · 412 tickets · sort updated_at desc"),
        "{screen}"
    );
    assert!(screen.contains("acme (work) · Urgent"));
    assert!(screen.contains("status:open,waiting priority:urgent"));
    // Every line fits; the CJK subject is cut at a cell boundary with "…".
    let line = screen
        .lines()
        .find(|l| l.contains("返金"))
        .expect("CJK subject shown");
    let start = line.find("返金").unwrap();
    let end = line[start..].find('…').expect("cut with an ellipsis") + start + '…'.len_utf8();
    let shown = unicode_width::UnicodeWidthStr::width(&line[start..end]);
    let rows = state.areas().table_rows();
    let cols = triage::ui::table::columns(&state.list.table.tickets()[..rows], &names(), 80, true);
    let subject = usize::from(cols.subject);
    // Exactly the column, or one less when a wide character would straddle it.
    assert!(
        shown == subject || shown + 1 == subject,
        "{shown} vs {subject}: {line}"
    );
    for l in screen.lines() {
        assert!(unicode_width::UnicodeWidthStr::width(l) <= 80, "{l}");
    }
    insta::assert_snapshot!("narrow_80x24", screen);
}

#[tokio::test(start_paused = true)]
async fn wide_200x50_gives_the_subject_the_room() {
    let state = loaded_state(200, 50, 50, 412);
    let screen = text(&draw_at(&state, ColorMode::TrueColor, Instant::now()));
    // Nothing is cut at this width: full subjects, names and statuses.
    for needle in [
        "Invoice shows the wrong VAT number for our Berlin office",
        "返金の件について詳しく教えてください",
        "Awaiting parts",
        "Chen Wei 陈伟",
    ] {
        assert!(screen.contains(needle), "{needle} missing:\n{screen}");
    }
    assert!(!screen.contains('…'), "{screen}");
    let header = screen.lines().nth(2).unwrap();
    for column in ["#", "status", "priority", "subject", "assignee", "updated"] {
        assert!(header.contains(column), "{column} missing: {header}");
    }
    // Reminders take no column of their own: the mark ends the subject cell.
    assert!(!header.contains("remind"), "{header}");
    assert!(screen.contains("◷ 2h"), "{screen}");
    insta::assert_snapshot!("wide_200x50", screen);
}

#[tokio::test(start_paused = true)]
async fn wide_200x50_with_detail_beside() {
    let mut state = loaded_state(200, 50, 50, 412);
    press(&mut state, KeyCode::Char('j'));
    press(&mut state, KeyCode::Enter);
    let generation = state.detail.as_ref().unwrap().generation;
    let detail = TicketDetail {
        ticket: ticket(2),
        tags: vec![
            Tag {
                id: uuid::Uuid::from_u128(77),
                name: "billing".into(),
                color: Some("#22c55e".into()),
            },
            Tag {
                id: uuid::Uuid::from_u128(78),
                name: "vip".into(),
                color: None,
            },
        ],
        custom_fields: serde_json::from_str(
            r#"{"plan":"Enterprise","seats":42,"renewal":null,"regions":["eu","us"],"sla":true}"#,
        )
        .unwrap(),
    };
    update(
        &mut state,
        Msg::DetailLoaded {
            generation,
            result: Ok(Box::new(detail)),
        },
        ui_fixtures::clock(),
    );
    let body = "Hello,\r\nthe parts are late.\u{1b}[2J Please advise.\n\n— Dana";
    update(
        &mut state,
        Msg::MessagesLoaded {
            generation,
            result: Ok((
                vec![Message {
                    id: uuid::Uuid::from_u128(90),
                    author_name: Some("Dana Customer".into()),
                    author_type: AuthorType::Contact,
                    body: body.into(),
                    created_at: Some(wall_now() - chrono::Duration::hours(5)),
                }],
                PageMeta {
                    page: 1,
                    per_page: 100,
                    total: 1,
                },
            )),
        },
        ui_fixtures::clock(),
    );
    let buf = draw_at(&state, ColorMode::TrueColor, Instant::now());
    let screen = text(&buf);
    // The list stays visible on the left, the detail on the right.
    assert!(find(&buf, "#1001").unwrap().0 < 100);
    let (dx, _) = find(&buf, "#1002 ").expect("detail title");
    assert!(dx >= 100, "detail beside the list");
    for needle in [
        "billing",
        "vip",
        "Enterprise",
        "eu, us",
        "yes",
        "conversation (1 message)",
        "Dana Customer (customer) · 5h ago",
        "the parts are late.",
    ] {
        assert!(screen.contains(needle), "{needle} missing:\n{screen}");
    }
    assert!(!screen.contains('\u{1b}'));
    insta::assert_snapshot!("wide_200x50_detail", screen);
}

#[tokio::test(start_paused = true)]
async fn narrow_detail_goes_over_the_list_and_says_what_is_missing() {
    let mut state = loaded_state(80, 24, 50, 412);
    press(&mut state, KeyCode::Enter);
    let generation = state.detail.as_ref().unwrap().generation;
    update(
        &mut state,
        Msg::MessagesLoaded {
            generation,
            result: Err(FetchError::NotSupported),
        },
        ui_fixtures::clock(),
    );
    update(
        &mut state,
        Msg::DetailLoaded {
            generation,
            result: Err(FetchError::NotSupported),
        },
        ui_fixtures::clock(),
    );
    let screen = text(&draw_at(&state, ColorMode::NoColor, Instant::now()));
    assert!(
        screen.contains("conversation: not available on this server"),
        "{screen}"
    );
    assert!(screen.contains("tags and fields: not available on this server"));
    assert!(!screen.contains("#1002"), "the list is covered");
}

fn assert_no_control_or_bidi(buf: &Buffer) {
    for cell in buf.content() {
        for c in cell.symbol().chars() {
            assert!(
                !c.is_control()
                    && !('\u{202A}'..='\u{202E}').contains(&c)
                    && !('\u{2066}'..='\u{2069}').contains(&c),
                "control or bidi character {c:?} reached a cell"
            );
        }
    }
}

/// A status category or priority level this client does not know is kept
/// as the server sent it, and drawn where the name is empty: in the table,
/// and in the detail (badge and the dim category beside it).
#[tokio::test(start_paused = true)]
async fn unknown_categories_from_the_server_are_sanitized_where_drawn() {
    use triage::api::types::{PriorityLevel, StatusCategory};
    let hostile = "esc\u{1b}]0;x\u{07}\u{202E}lavorppa\u{2066}";
    for (w, h) in [(200, 50), (80, 24)] {
        let mut state = loaded_state(w, h, 50, 412);
        if let triage::app::state::TablePane::Loaded(view) = &mut state.list.table {
            let t = &mut std::sync::Arc::make_mut(&mut view.tickets)[0];
            t.status = StatusCategory::from_wire(hostile);
            t.status_name = String::new();
            t.priority = PriorityLevel::from_wire(hostile);
            t.priority_name = " ".into();
        }
        let buf = draw_at(&state, ColorMode::TrueColor, Instant::now());
        assert_no_control_or_bidi(&buf);
        assert!(text(&buf).contains("esc�]0;x"), "{}", text(&buf));
        press(&mut state, KeyCode::Enter);
        let buf = draw_at(&state, ColorMode::TrueColor, Instant::now());
        assert_no_control_or_bidi(&buf);
        assert!(text(&buf).contains("esc�]0;x"), "{}", text(&buf));
    }
}

#[tokio::test(start_paused = true)]
async fn hostile_subjects_cannot_reach_the_terminal() {
    let mut state = State::new(scope(), Default::default(), 50, Default::default());
    update(&mut state, Msg::Resize(100, 12), ui_fixtures::clock());
    update(&mut state, Msg::Start, ui_fixtures::clock());
    let mut page = page_of(1, 50, 4);
    page.tickets[0].subject = "title \u{1b}]0;pwned\u{07} here".into();
    page.tickets[1].subject = "\u{1b}[31mred alert\u{1b}[0m".into();
    page.tickets[2].subject = "clip \u{1b}]52;c;cm0gLXJmIC8=\u{07} board".into();
    page.tickets[3].subject = "invoice \u{202E}fdp.exe".into();
    page.tickets[3].status_name = "Open\u{1b}[2J".into();
    answer_page(&mut state, 0, 1, Ok(page));
    let buf = draw_at(&state, ColorMode::TrueColor, Instant::now());
    assert_no_control_or_bidi(&buf);
    let screen = text(&buf);
    // The text stays visible, defused.
    assert!(screen.contains("pwned"), "{screen}");
    assert!(screen.contains("red alert"));
    assert!(screen.contains("invoice fdp.exe"));
    // The sanitized subjects are exactly what the sanitizer makes of them.
    assert!(screen.contains(&*triage::text::sanitize("title \u{1b}]0;pwned\u{07} here")));
}

#[tokio::test(start_paused = true)]
async fn rate_limit_banner_counts_down() {
    let mut state = loaded_state(100, 24, 50, 412);
    let t0 = Instant::now();
    press(&mut state, KeyCode::Char(']'));
    answer_page_at(
        &mut state,
        0,
        2,
        Err(FetchError::RateLimited {
            retry_at: t0 + Duration::from_secs(90),
        }),
        t0,
    );
    let screen = text(&draw_at(&state, ColorMode::NoColor, t0));
    assert!(
        screen
            .contains("rate limited · retrying in 1:30 · waiting: page 2 of Urgent · r retry now"),
        "{screen}"
    );
    assert!(screen.contains("page 2 is waiting for the rate limit"));
    tokio::time::advance(Duration::from_millis(29_500)).await;
    let screen = text(&draw_at(&state, ColorMode::NoColor, Instant::now()));
    assert!(screen.contains("retrying in 1:01"), "{screen}");
    // Past an hour: h:mm:ss.
    update(
        &mut state,
        Msg::PageLoaded {
            generation: 0,
            page: 2,
            result: Err(FetchError::RateLimited {
                retry_at: t0 + Duration::from_secs(3600 + 62),
            }),
        },
        ui_fixtures::clock(),
    );
    let buf = draw_at(&state, ColorMode::TrueColor, Instant::now());
    assert!(text(&buf).contains("retrying in 1:00:33"));
}

#[tokio::test(start_paused = true)]
async fn errors_say_what_to_do() {
    let mut state = State::new(scope(), Default::default(), 50, Default::default());
    update(&mut state, Msg::Resize(100, 20), ui_fixtures::clock());
    update(&mut state, Msg::Start, ui_fixtures::clock());
    answer_page(
        &mut state,
        0,
        1,
        Err(FetchError::Failed {
            message: "403 forbidden: this workspace has no API access".into(),
            hint: Some("ask an admin to enable API access (Settings → API)".into()),
        }),
    );
    let screen = text(&draw_at(&state, ColorMode::NoColor, Instant::now()));
    assert!(
        screen.contains("ask an admin to enable API access"),
        "{screen}"
    );
    assert!(!screen.contains("panicked") && !screen.contains("backtrace"));
    // Said once, in the pane, with what to do and how to try again.
    assert_eq!(screen.matches("403 forbidden").count(), 1, "{screen}");
    assert!(screen.contains("→ ask an admin"), "{screen}");
    assert!(screen.contains("r to try again"), "{screen}");
}

#[tokio::test(start_paused = true)]
async fn help_is_the_keymap() {
    let mut overrides = std::collections::BTreeMap::new();
    overrides.insert("next_page".to_string(), vec!["x".to_string()]);
    let keymap = triage::app::Keymap::with_overrides(&overrides).unwrap();
    let mut state = loaded_state(100, 30, 50, 412);
    state.keymap = keymap;
    press(&mut state, KeyCode::Char('?'));
    let screen = text(&draw_at(&state, ColorMode::NoColor, Instant::now()));
    assert!(
        screen.contains("x  next page")
            || screen.contains("x       next page")
            || screen
                .lines()
                .any(|l| l.contains(" x ") && l.contains("next page")),
        "{screen}"
    );
    assert!(
        !screen.contains("open the ticket in the browser"),
        "o hidden without web_url"
    );
    insta::assert_snapshot!("help_overlay", screen);
}

#[tokio::test(start_paused = true)]
async fn any_size_draws_without_panicking() {
    for (w, h) in [
        (1, 1),
        (2, 3),
        (10, 5),
        (20, 8),
        (40, 10),
        (79, 23),
        (300, 100),
    ] {
        let mut state = loaded_state(w, h, 50, 412);
        let now = Instant::now();
        for mode in [
            ColorMode::TrueColor,
            ColorMode::Palette256,
            ColorMode::NoColor,
        ] {
            let buf = draw_at(&state, mode, now);
            crate::support::screen::assert_clean(&buf);
            // Roomy enough, the first ticket is on screen whatever the colors.
            if w >= 79 && h >= 23 {
                assert!(text(&buf).contains("#1001"), "{w}×{h} {mode:?}");
            }
        }
        press(&mut state, KeyCode::Char('?'));
        draw_at(&state, ColorMode::TrueColor, now);
        press(&mut state, KeyCode::Esc);
        press(&mut state, KeyCode::Enter);
        update(
            &mut state,
            Msg::PageLoaded {
                generation: 0,
                page: 2,
                result: Err(FetchError::RateLimited {
                    retry_at: now + Duration::from_secs(4000),
                }),
            },
            ui_fixtures::clock_at(now),
        );
        draw_at(&state, ColorMode::TrueColor, now);
    }
}

/// The column header line of a screen (first line after the two-line header).
fn column_header(screen: &str) -> String {
    screen.lines().nth(2).unwrap_or_default().to_string()
}

/// A `w`×`h` screen of page 1 of 412, agent 1 named "Leilani
/// Esposito-Hart": a long name, as in a real workspace, that competes with
/// the subject for the list's width.
fn with_a_long_agent_name(w: u16, h: u16) -> State {
    let mut state = loaded_state(w, h, 50, 412);
    let mut names = names();
    names
        .users
        .insert(user_id(1), "Leilani Esposito-Hart".to_string());
    state.names = std::sync::Arc::new(names);
    state
}

#[tokio::test(start_paused = true)]
async fn names_get_their_natural_width_and_labels_are_never_cut() {
    let mut state = with_a_long_agent_name(160, 42);
    // Beside the detail (≥140 columns) the list has 88 columns.
    press(&mut state, KeyCode::Enter);
    let screen = text(&draw_at(&state, ColorMode::NoColor, Instant::now()));
    let list: Vec<&str> = screen.lines().skip(3).take(20).collect();
    let list = list.join("\n");
    for whole in [
        "Awaiting parts",
        "Investigating",
        "Leilani Esposito-Hart",
        "Chen Wei 陈伟",
    ] {
        assert!(list.contains(whole), "{whole} cut:\n{screen}");
    }

    let allowed = [
        "#", "status", "priority", "prio", "subject", "assignee", "updated", "upd.",
    ];
    for w in (80..=200).step_by(7).chain([80, 139, 140, 200]) {
        for detail in [false, true] {
            let mut state = loaded_state(w, 30, 50, 412);
            if detail {
                press(&mut state, KeyCode::Enter);
                if state.areas().detail_covers_table() {
                    continue;
                }
            }
            let buf = draw_at(&state, ColorMode::NoColor, Instant::now());
            let header = column_header(&text(&buf));
            // The list's part of the line (the detail's border starts with ┌).
            let header = header.split('┌').next().unwrap_or_default();
            for label in header.split_whitespace() {
                assert!(
                    allowed.contains(&label),
                    "{w} cols, detail {detail}: label {label:?} in {header:?}"
                );
            }
            assert!(header.contains("subject"), "{w}: {header:?}");
        }
    }
}

#[tokio::test(start_paused = true)]
async fn the_subject_keeps_room_at_80_columns() {
    let state = with_a_long_agent_name(80, 24);
    let rows = state.areas().table_rows();
    let visible = &state.list.table.tickets()[..rows];
    let cols = triage::ui::table::columns(visible, state.names.as_ref(), 80, true);
    assert!(cols.subject >= 20, "{cols:?}");
    // The status is whole even here; the long name gave way first.
    assert!(cols.status >= 16, "{cols:?}");
    let screen = text(&draw_at(&state, ColorMode::NoColor, Instant::now()));
    assert!(screen.contains("Awaiting parts"), "{screen}");
    for l in screen.lines() {
        assert!(unicode_width::UnicodeWidthStr::width(l) <= 80, "{l}");
    }
}

#[tokio::test(start_paused = true)]
async fn the_reminder_mark_is_one_plain_cell_at_the_end_of_the_subject() {
    use triage::ui::table::REMINDER_MARK;
    assert_eq!(unicode_width::UnicodeWidthStr::width(REMINDER_MARK), 1);
    // A plain symbol, not an emoji that needs an emoji font.
    assert!(
        REMINDER_MARK
            .chars()
            .all(|c| (c as u32) < 0x2300 || (0x25A0..0x2600).contains(&(c as u32)))
    );
    let state = loaded_state(120, 30, 50, 412);
    let buf = draw_at(&state, ColorMode::NoColor, Instant::now());
    let screen = text(&buf);
    assert!(!screen.contains('⏰'));
    // Ticket 1 (#1001) has a reminder in 2h, ticket 2 none: the mark sits
    // at the subject column's right edge, left of the assignee.
    let (mx, my) = find(&buf, "◷ 2h").expect("mark drawn");
    let (_, y1) = find(&buf, "#1001").unwrap();
    assert_eq!(my, y1);
    let (ax, _) = find(&buf, "Bjørn Eriksen").unwrap();
    assert_eq!(mx + 4 + 1, ax, "mark ends the subject cell");
    let row2 = screen.lines().find(|l| l.contains("#1002")).unwrap();
    assert!(!row2.contains('◷'));
}

#[tokio::test(start_paused = true)]
async fn the_header_says_each_thing_once() {
    let state = loaded_state(100, 20, 50, 412);
    let screen = text(&draw_at(&state, ColorMode::NoColor, Instant::now()));
    let mut lines = screen.lines();
    assert_eq!(
        lines.next().unwrap().trim(),
        "triage · acme (work) · Urgent"
    );
    assert_eq!(
        lines.next().unwrap().trim(),
        "filter: status:open,waiting priority:urgent"
    );

    let mut all = State::new(scope(), Default::default(), 50, Default::default());
    all.scope.view = None;
    update(&mut all, Msg::Resize(100, 20), ui_fixtures::clock());
    let screen = text(&draw_at(&all, ColorMode::NoColor, Instant::now()));
    let mut lines = screen.lines();
    assert_eq!(lines.next().unwrap().trim(), "triage · acme (work)");
    assert_eq!(lines.next().unwrap().trim(), "no filter: every ticket");
    // Sorting alone is not a filter.
    press(&mut all, KeyCode::Char('s'));
    let screen = text(&draw_at(&all, ColorMode::NoColor, Instant::now()));
    assert!(screen.contains("no filter: every ticket"), "{screen}");

    let mut custom = State::new(scope(), filter(), 50, Default::default());
    custom.scope.view = None;
    update(&mut custom, Msg::Resize(100, 20), ui_fixtures::clock());
    let screen = text(&draw_at(&custom, ColorMode::NoColor, Instant::now()));
    let mut lines = screen.lines();
    assert_eq!(
        lines.next().unwrap().trim(),
        "triage · acme (work) · custom filter"
    );
    assert!(lines.next().unwrap().contains("status:open,waiting"));
}

/// Field types as a catalog knows them, for the date formatting test.
struct Typed(triage::app::NameTable);

impl triage::app::Directory for Typed {
    fn user_name(&self, id: uuid::Uuid) -> Option<String> {
        self.0.user_name(id)
    }
    fn inbox_name(&self, id: uuid::Uuid) -> Option<String> {
        self.0.inbox_name(id)
    }
    fn field_type(&self, key: &str) -> Option<triage::api::types::FieldType> {
        use triage::api::types::FieldType;
        match key {
            "due_on" => Some(FieldType::Date),
            "escalated_at" => Some(FieldType::DateTime),
            "po_number" => Some(FieldType::Text),
            _ => None,
        }
    }
}

fn open_with_fields(state: &mut State, fields: &str) {
    press(state, KeyCode::Enter);
    let generation = state.detail.as_ref().unwrap().generation;
    let detail = TicketDetail {
        ticket: ticket(1),
        tags: vec![],
        custom_fields: serde_json::from_str(fields).unwrap(),
    };
    update(
        state,
        Msg::DetailLoaded {
            generation,
            result: Ok(Box::new(detail)),
        },
        ui_fixtures::clock(),
    );
}

#[tokio::test(start_paused = true)]
async fn custom_field_dates_read_like_the_tickets_own_times() {
    let mut state = loaded_state(200, 50, 50, 412);
    state.names = std::sync::Arc::new(Typed(names()));
    open_with_fields(
        &mut state,
        r#"{"due_on":"2026-11-20T13:25:12Z","escalated_at":"2026-11-22T01:39:00Z",
            "untyped":"2026-11-20T13:25:12Z","plain_day":"2026-12-01",
            "po_number":"2026-11-20T13:25:12Z","note":"not a date"}"#,
    );
    let screen = text(&draw_at(&state, ColorMode::NoColor, Instant::now()));
    let line = |key: &str| {
        screen
            .lines()
            .find(|l| l.contains(&format!(" {key} ")))
            .unwrap_or_else(|| panic!("{key} missing:\n{screen}"))
            .to_string()
    };
    assert!(
        line("due_on").contains("2026-11-20 ") || line("due_on").trim_end().ends_with("2026-11-20")
    );
    assert!(!line("due_on").contains("13:25"), "{}", line("due_on"));
    assert!(line("escalated_at").contains("2026-11-22 01:39 UTC (7d ago)"));
    assert!(line("untyped").contains("2026-11-20 13:25 UTC (8d ago)"));
    assert!(line("plain_day").contains("2026-12-01"));
    // A text field keeps its text as written.
    assert!(line("po_number").contains("2026-11-20T13:25:12Z"));
    assert!(line("note").contains("not a date"));
}

fn with_conversation(state: &mut State, messages: usize) {
    let generation = state.detail.as_ref().unwrap().generation;
    let messages: Vec<Message> = (0..messages)
        .map(|i| Message {
            id: uuid::Uuid::from_u128(500 + i as u128),
            author_name: Some(format!("Author {i}")),
            author_type: AuthorType::Agent,
            body: format!("message body number {i}"),
            created_at: Some(wall_now() - chrono::Duration::hours(i as i64 + 1)),
        })
        .collect();
    let total = messages.len() as u64;
    update(
        state,
        Msg::MessagesLoaded {
            generation,
            result: Ok((
                messages,
                PageMeta {
                    page: 1,
                    per_page: 100,
                    total,
                },
            )),
        },
        ui_fixtures::clock(),
    );
}

#[tokio::test(start_paused = true)]
async fn the_detail_is_usable_at_80x24() {
    let mut state = loaded_state(80, 24, 50, 412);
    open_with_fields(&mut state, r#"{"plan":"Enterprise","seats":42}"#);
    with_conversation(&mut state, 6);
    let screen = text(&draw_at(&state, ColorMode::NoColor, Instant::now()));
    // The conversation starts on the first screen, with its first message.
    assert!(screen.contains("── conversation (6 messages)"), "{screen}");
    assert!(screen.contains("Author 0 (agent)"), "{screen}");
    // The position says where we are and which way there is more.
    let bottom = screen.lines().find(|l| l.contains('└')).unwrap();
    assert!(!bottom.contains('%'), "{bottom}");
    assert!(bottom.contains("↓ more"), "{bottom}");
    press(&mut state, KeyCode::Char('G'));
    let screen = text(&draw_at(&state, ColorMode::NoColor, Instant::now()));
    let bottom = screen.lines().find(|l| l.contains('└')).unwrap();
    let (shown, total) = bottom
        .split_whitespace()
        .find_map(|w| w.split_once('/'))
        .expect("n/total shown");
    assert_eq!(shown, total, "{bottom}");
    assert!(bottom.contains("↑ end"), "{bottom}");
    assert!(screen.contains("message body number 5"), "{screen}");
}

#[tokio::test(start_paused = true)]
async fn help_that_does_not_fit_scrolls() {
    let mut state = loaded_state(80, 20, 50, 412);
    press(&mut state, KeyCode::Char('?'));
    let screen = text(&draw_at(&state, ColorMode::NoColor, Instant::now()));
    assert!(screen.contains("j/k scroll · 1-18 of"), "{screen}");
    assert!(screen.contains("next ticket"), "{screen}");
    assert!(!screen.contains("undo the last action"), "{screen}");
    // `G` goes to the end of the help, not of the list; the help stays.
    press(&mut state, KeyCode::Char('G'));
    assert!(state.help().is_some());
    let screen = text(&draw_at(&state, ColorMode::NoColor, Instant::now()));
    assert!(screen.contains("undo the last action"), "{screen}");
    assert!(!screen.contains("next ticket (past"), "{screen}");
    // Any other key closes it.
    press(&mut state, KeyCode::Char('x'));
    assert!(state.help().is_none());
    // Wide enough: columns, everything at once, nothing to scroll.
    let mut state = loaded_state(160, 40, 50, 412);
    press(&mut state, KeyCode::Char('?'));
    let screen = text(&draw_at(&state, ColorMode::NoColor, Instant::now()));
    assert!(!screen.contains("j/k scroll ·"), "{screen}");
    assert!(screen.contains("undo the last action"), "{screen}");
    assert!(
        screen.contains("next ticket (past the last row: next page)"),
        "{screen}"
    );
    assert!(screen.contains("Esc or ? closes"), "{screen}");
}

/// The conversation is wrapped by `update` when it arrives or the pane's
/// width changes, and a frame only reads it: drawing the same state twice
/// wraps nothing, and a resize wraps again to the new width.
#[tokio::test(start_paused = true)]
async fn the_detail_is_wrapped_once_per_change_not_per_frame() {
    let mut state = loaded_state(200, 50, 50, 412);
    press(&mut state, KeyCode::Enter);
    with_conversation(&mut state, 3);
    let wrapped = |state: &State| state.detail.as_ref().unwrap().wrapped.clone().unwrap();
    let before = wrapped(&state);
    assert_eq!(before.bodies.len(), 3);
    assert_eq!(before.bodies[2], vec!["message body number 2"]);
    let area = state.areas().detail.unwrap();
    assert_eq!(before.width, triage::ui::detail::inner_width(area));
    draw_at(&state, ColorMode::NoColor, Instant::now());
    assert_eq!(wrapped(&state), before, "drawing leaves the wrap alone");
    update(&mut state, Msg::Resize(60, 30), ui_fixtures::clock());
    let after = wrapped(&state);
    assert_ne!(after.width, before.width);
    assert_eq!(
        after.width,
        triage::ui::detail::inner_width(state.areas().detail.unwrap())
    );
    let screen = text(&draw_at(&state, ColorMode::NoColor, Instant::now()));
    assert!(screen.contains("message body number 0"), "{screen}");
}

/// The help's (key, description) rows as drawn: each column read cell by
/// cell, a line with a blank key cell continuing the description above it,
/// over every scroll position.
fn drawn_help_rows(state: &mut State) -> std::collections::BTreeSet<(String, String)> {
    let mut rows = std::collections::BTreeSet::new();
    let layout = triage::app::help::help_layout(state, state.size);
    for _ in 0..=layout.max_scroll {
        let buf = draw_at(state, ColorMode::NoColor, Instant::now());
        let inner_y = layout.area.y + 1;
        for i in 0..layout.columns.len() {
            let x0 = layout.area.x + 1 + (i * layout.col_w) as u16;
            let cells = |from: u16, to: u16, y: u16| -> String {
                (from..to.min(layout.area.right() - 1))
                    .map(|x| buf[(x, y)].symbol())
                    .collect::<String>()
            };
            let key_end = x0 + 1 + layout.key_w as u16;
            let mut current: Option<(String, String)> = None;
            for y in inner_y..inner_y + layout.inner_h as u16 {
                let key = cells(x0 + 1, key_end, y).trim().to_string();
                let desc = cells(key_end + 2, x0 + layout.col_w as u16, y)
                    .trim()
                    .to_string();
                match (key.is_empty(), desc.is_empty(), current.as_mut()) {
                    (false, false, _) => {
                        rows.extend(current.take());
                        current = Some((key, desc));
                    }
                    (true, false, Some((_, d))) => {
                        d.push(' ');
                        d.push_str(&desc);
                    }
                    // A heading, a blank line, or the rest of a row whose
                    // first line is scrolled away.
                    _ => rows.extend(current.take()),
                }
            }
            rows.extend(current);
        }
        press(state, KeyCode::Down);
    }
    rows
}

#[tokio::test(start_paused = true)]
async fn help_shows_every_description_whole_at_every_width() {
    let defs = [triage::config::MacroDef {
        name: "Escalate to the on-call engineer with a long name".into(),
        key: Some("ctrl-b".into()),
        actions: "priority:urgent".into(),
        profile: None,
    }];
    // 140×40 cut `R` and `m` before; the rest is how it degrades.
    for (w, h) in [
        (140, 40),
        (140, 30),
        (200, 50),
        (120, 40),
        (100, 30),
        (80, 24),
        (60, 30),
    ] {
        let mut state = loaded_state(w, h, 50, 412);
        let (entries, _) = triage::app::macros::load(&defs, &state.keymap, &[]);
        state.macros = entries;
        let mut expected: Vec<(String, String)> = state
            .keymap
            .help_sections(&state.hidden_actions())
            .into_iter()
            .flat_map(|(_, keys)| keys)
            .map(|(k, d)| (k, d.to_string()))
            .collect();
        expected.extend(triage::app::help::your_keys(&state));
        expected.extend(
            triage::app::help::ALSO
                .iter()
                .map(|(k, d)| (k.to_string(), d.to_string())),
        );
        assert!(
            expected.contains(&(
                "Ctrl-b".to_string(),
                "macro: Escalate to the on-call engineer with a long name".to_string()
            )),
            "the macro's key is one of the user's keys: {expected:?}"
        );
        press(&mut state, KeyCode::Char('?'));
        let drawn = drawn_help_rows(&mut state);
        for row in &expected {
            assert!(
                drawn.contains(row),
                "{w}x{h}: {row:?} not drawn whole; drawn: {drawn:#?}"
            );
        }
        let screen = text(&draw_at(&state, ColorMode::NoColor, Instant::now()));
        if (w, h) == (140, 40) {
            assert!(screen.contains("Your keys"), "{screen}");
        }
    }
}
