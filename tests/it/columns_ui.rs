//! The list's chosen columns: `[ui] columns` and a view's own, their
//! widths (fixed, automatic, grow, min), dropping from the right, wide
//! characters, the located warning for an unknown name, and snapshots.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use ratatui::buffer::Buffer;
use tokio::time::Instant;
use triage::api::types::Ticket;
use triage::app::triage::known::Known;
use triage::app::views::{ViewsSetup, ViewsState};
use triage::app::{Keymap, Msg, State, update};
use triage::columns::{ColumnEntry, ColumnSpec, Width, resolve};
use triage::config::SavedView;
use triage::filter::TicketFilter;
use triage::ui::ColorMode;
use triage::ui::row_columns::{CellSource, Placed, layout};
use triage::ui::text::width;

use crate::support::screen::{draw_at, line, text};
use crate::support::ui_fixtures::*;

fn specs(list: &[(&str, Width)]) -> Vec<ColumnSpec> {
    let entries: Vec<ColumnEntry> = list
        .iter()
        .map(|(name, width)| ColumnEntry {
            name: name.to_string(),
            width: *width,
        })
        .collect();
    let (specs, problems) = resolve(&entries);
    assert!(problems.is_empty(), "{problems:?}");
    specs
}

fn rows() -> Vec<Ticket> {
    (1..=12).map(ticket).collect()
}

fn placed(specs: &[ColumnSpec], total: u16, known: &HashMap<uuid::Uuid, Known>) -> Vec<Placed> {
    let names = names();
    let cells = CellSource {
        names: &names,
        known,
        contacts: &Default::default(),
        now: wall_now(),
        relative_times: true,
    };
    layout(specs, &rows(), &cells, total)
}

fn widths(placed: &[Placed]) -> Vec<(String, u16)> {
    placed
        .iter()
        .map(|p| (p.column.to_string(), p.width))
        .collect()
}

/// Cells used: the widths plus one gap between columns.
fn used(placed: &[Placed]) -> u16 {
    placed.iter().map(|p| p.width).sum::<u16>() + placed.len().saturating_sub(1) as u16
}

#[test]
fn fixed_widths_are_kept_and_the_subject_takes_the_rest() {
    let s = specs(&[
        ("number", Width::Auto),
        ("subject", Width::Auto),
        ("inbox", Width::Fixed(9)),
        ("age", Width::Auto),
    ]);
    let p = placed(&s, 100, &HashMap::new());
    assert_eq!(
        widths(&p),
        [
            ("number".into(), 5),
            ("subject".into(), 100 - 5 - 9 - 4 - 3),
            ("inbox".into(), 9),
            ("age".into(), 4),
        ]
    );
    assert_eq!(used(&p), 100);
}

#[test]
fn grow_and_min_share_what_is_left_and_an_auto_subject_then_stays_at_its_minimum() {
    let s = specs(&[
        ("number", Width::Fixed(6)),
        ("subject", Width::Auto),
        ("assignee", Width::Grow),
        ("inbox", Width::Min(12)),
    ]);
    let p = placed(&s, 80, &HashMap::new());
    // 80 - 3 gaps - 6 - 20 (subject's minimum) = 51 for assignee (floor
    // 10) and inbox (12): 29 spare, 15 and 14.
    assert_eq!(
        widths(&p),
        [
            ("number".into(), 6),
            ("subject".into(), 20),
            ("assignee".into(), 25),
            ("inbox".into(), 26),
        ]
    );
    assert_eq!(used(&p), 80);
}

#[test]
fn columns_that_do_not_fit_are_dropped_from_the_right_never_squeezed() {
    let s = specs(&[
        ("number", Width::Auto),
        ("status", Width::Auto),
        ("subject", Width::Min(30)),
        ("assignee", Width::Fixed(14)),
        ("updated", Width::Auto),
    ]);
    let wide = placed(&s, 120, &HashMap::new());
    assert_eq!(wide.len(), 5);
    let natural: HashMap<String, u16> = widths(&wide)
        .into_iter()
        .filter(|(n, _)| n != "subject")
        .collect();
    for total in (20..120).rev() {
        let p = placed(&s, total, &HashMap::new());
        let names: Vec<String> = p.iter().map(|c| c.column.to_string()).collect();
        // Always a prefix of the list: what goes, goes from the right.
        let all = ["number", "status", "subject", "assignee", "updated"];
        assert_eq!(names, all[..names.len()], "at {total}");
        assert!(used(&p) <= total, "at {total}: {:?}", widths(&p));
        for c in &p {
            match natural.get(&c.column.to_string()) {
                Some(w) => assert_eq!(c.width, *w, "{} squeezed at {total}", c.column),
                None => assert!(c.width >= 30, "subject squeezed at {total}"),
            }
        }
    }
    // The subject's minimum decides: 5 + 1 + 16 + 1 + 30 = 53 keep three.
    let status_w = natural["status"];
    let three = 5 + 1 + status_w + 1 + 30;
    assert_eq!(placed(&s, three, &HashMap::new()).len(), 3);
    assert_eq!(placed(&s, three - 1, &HashMap::new()).len(), 2);
}

#[test]
fn wide_characters_count_as_two_cells() {
    // "Chen Wei 陈伟" is 13 cells wide, 11 characters.
    let s = specs(&[("assignee", Width::Auto), ("subject", Width::Auto)]);
    let p = placed(&s, 60, &HashMap::new());
    assert_eq!(p[0].width, 13);
    assert_eq!(width("Chen Wei 陈伟"), 13);
    // In a fixed width an odd cell is left blank rather than half a glyph.
    let s = specs(&[("subject", Width::Fixed(6)), ("number", Width::Auto)]);
    let state = columns_state(30, 8, s);
    let buf = draw_at(&state, ColorMode::NoColor, Instant::now());
    let screen = text(&buf);
    let row = screen
        .lines()
        .find(|l| l.contains("#1003"))
        .expect("row drawn");
    assert_eq!(row, "返金…  #1003");
}

fn row_of(buf: &Buffer, needle: &str) -> u16 {
    (0..buf.area.height)
        .find(|y| line(buf, *y).contains(needle))
        .unwrap_or_else(|| panic!("{needle} not drawn"))
}

/// A loaded state of `w`×`h` with `[ui] columns` set to `columns`.
fn columns_state(w: u16, h: u16, columns: Vec<ColumnSpec>) -> State {
    let mut state = loaded_state(w, h, 20, 40);
    state.columns = columns;
    state
}

#[test]
fn the_default_list_is_todays_layout() {
    let state = loaded_state(120, 12, 20, 40);
    assert_eq!(state.columns, triage::columns::default_columns());
    let buf = draw_at(&state, ColorMode::NoColor, Instant::now());
    let header = line(&buf, row_of(&buf, "subject"));
    let words: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(
        words,
        ["#", "status", "priority", "subject", "assignee", "updated"]
    );
}

#[test]
fn chosen_columns_are_drawn_in_their_order() {
    let s = specs(&[
        ("updated", Width::Auto),
        ("number", Width::Auto),
        ("subject", Width::Grow),
        ("age", Width::Auto),
        ("reminder", Width::Auto),
        ("tag", Width::Auto),
    ]);
    let state = columns_state(100, 12, s);
    let buf = draw_at(&state, ColorMode::NoColor, Instant::now());
    insta::assert_snapshot!("columns_chosen_100x12", text(&buf));
    let header = line(&buf, row_of(&buf, "subject"));
    let words: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(
        words,
        ["updated", "#", "subject", "age", "reminder", "tags"]
    );
    // Tags are not in list rows: unknown until a detail says.
    let first = line(&buf, row_of(&buf, "#1001"));
    assert!(first.trim_end().ends_with('…'), "{first:?}");
    // With its own column the reminder leaves the subject alone.
    assert!(!first.contains('◷'), "{first:?}");
}

#[test]
fn tags_and_fields_are_filled_from_what_is_known() {
    let tag = uuid::Uuid::from_u128(0x7a9);
    let mut known = HashMap::new();
    let mut fields = serde_json::Map::new();
    fields.insert("plan".into(), serde_json::json!("Enterprise"));
    known.insert(
        ticket(1).id,
        Known {
            tags: Some(vec![tag]),
            fields: Some(fields),
        },
    );
    known.insert(
        ticket(2).id,
        Known {
            tags: Some(vec![]),
            fields: Some(serde_json::Map::new()),
        },
    );
    let names = names();
    let cells = CellSource {
        names: &names,
        known: &known,
        contacts: &Default::default(),
        now: wall_now(),
        relative_times: true,
    };
    let plan = triage::columns::Column::Field("plan".into());
    let tags = triage::columns::Column::Tag;
    // No catalog here: a tag is named by its short id.
    assert_eq!(cells.text(&tags, &ticket(1)), "00000000");
    assert_eq!(cells.text(&plan, &ticket(1)), "Enterprise");
    assert_eq!(cells.text(&tags, &ticket(2)), "—");
    assert_eq!(cells.text(&plan, &ticket(2)), "—");
    assert_eq!(cells.text(&tags, &ticket(3)), "…");
    assert_eq!(cells.text(&plan, &ticket(3)), "…");
}

#[test]
fn a_views_own_columns_win_while_it_is_open() {
    let mut state = State::new(scope(), TicketFilter::default(), 20, Keymap::default())
        .with_names(Arc::new(names()));
    let entries = vec![
        ColumnEntry {
            name: "number".into(),
            width: Width::Auto,
        },
        ColumnEntry {
            name: "subject".into(),
            width: Width::Grow,
        },
        ColumnEntry {
            name: "created".into(),
            width: Width::Auto,
        },
    ];
    state.views = ViewsState::new(
        ViewsSetup {
            views: vec![
                SavedView {
                    columns: Some(entries),
                    ..SavedView::new("Slim", "")
                },
                SavedView::new("Plain", ""),
            ],
            per_page: 20,
            ..ViewsSetup::default()
        },
        &state.keymap,
    );
    let now = Instant::now();
    update(&mut state, Msg::Resize(100, 10), clock_at(now));
    update(&mut state, Msg::Start, clock_at(now));
    let header = |state: &mut State, key: char| {
        crate::support::keys::press(state, crossterm::event::KeyCode::Char(key));
        let generation = state.list.query_gen;
        answer_page_at(state, generation, 1, Ok(page_of(1, 20, 7)), now);
        let buf = draw_at(state, ColorMode::NoColor, now);
        let y = row_of(&buf, "subject");
        line(&buf, y)
            .split_whitespace()
            .map(String::from)
            .collect::<Vec<_>>()
    };
    assert_eq!(header(&mut state, '1'), ["#", "subject", "created"]);
    assert_eq!(
        header(&mut state, '2'),
        ["#", "status", "priority", "subject", "assignee", "upd."]
    );
}

#[test]
fn an_unknown_column_is_a_located_warning_and_the_rest_is_kept() {
    let text = r#"
[ui]
columns = ["number", "stauts", { name = "subject", width = "grow" }]

[[views]]
name = "Mine"
filter = "assignee:me"
columns = ["number", "field:plan", "colour"]
"#;
    let parsed = triage::config::parse_reporting(text, Path::new("c.toml")).unwrap();
    let warnings: Vec<String> = parsed.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].starts_with("c.toml:3:22: ui.columns[1]: unknown column 'stauts'"),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[0].contains("number, status, priority"),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[1].starts_with("c.toml:8:36: views[0].columns[2]: unknown column 'colour'"),
        "{}",
        warnings[1]
    );
    assert!(parsed.unknown_keys.is_empty());
    let (kept, _) = resolve(parsed.file.ui.columns.as_deref().unwrap());
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[1].width, Width::Grow);
}

#[test]
fn a_bad_width_refuses_the_file_with_its_line() {
    let text = "[ui]\ncolumns = [{ name = \"subject\", width = \"wide\" }]\n";
    let err = triage::config::parse_reporting(text, Path::new("c.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("c.toml:2:"), "{err}");
    assert!(err.contains("width 'wide'"), "{err}");
}

#[test]
fn config_check_lists_an_unknown_column_as_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "[ui]\ncolumns = [\"number\", \"subjet\"]\n").unwrap();
    let report = triage::config::check(Some(&path), None, &|_| None);
    assert!(
        report.problems.iter().any(|p| p.ends_with(
            "config.toml:2:22: ui.columns[1]: unknown column 'subjet' (columns: number, status, priority, subject, assignee, inbox, requester, created, updated, reminder, age, tag, field:KEY) (ignored)"
        )),
        "{:?}",
        report.problems
    );
}

#[test]
fn the_requester_is_its_id_until_the_contact_loads_then_its_name() {
    let contact = uuid::Uuid::from_u128(0xc0ffee);
    let mut state = columns_state(
        100,
        12,
        specs(&[("number", Width::Auto), ("requester", Width::Auto)]),
    );
    if let triage::app::state::TablePane::Loaded(view) = &mut state.list.table {
        Arc::make_mut(&mut view.tickets)[0].contact_id = Some(contact);
    }
    // The next page, prefetched, goes first: asked in the background
    // once nothing else is on its way.
    assert_eq!(state.list.in_flight, [2]);
    let generation = state.list.query_gen;
    let fx = answer_page(&mut state, generation, 2, Ok(page_of(2, 20, 40)));
    assert!(
        fx.iter()
            .any(|e| matches!(e, triage::app::Effect::FetchContact { id } if *id == contact)),
        "{fx:?}"
    );
    let row = |state: &State| {
        let buf = draw_at(state, ColorMode::NoColor, Instant::now());
        line(&buf, row_of(&buf, "#1001"))
    };
    assert!(row(&state).contains("00000000"), "the id first");
    update(
        &mut state,
        Msg::ContactLoaded {
            id: contact,
            result: Ok(Some(triage::api::types::Contact {
                id: contact,
                name: "Ada Lovelace".into(),
                email: None,
                company: None,
            })),
        },
        clock(),
    );
    assert!(row(&state).contains("Ada Lovelace"), "{}", row(&state));
}
