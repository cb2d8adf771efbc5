//! Triage drawn into ratatui's `TestBackend`: the marks column, pending
//! and dimmed rows, the footer note, pickers, the snooze dialog, the bulk
//! confirmation, progress and report.

use std::time::Duration;

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use tokio::time::Instant;
use triage::app::State;
use triage::app::triage::WriteError;
use triage::ui::ColorMode;

use crate::support::keys::{ch, press, type_text};
use crate::support::screen::{draw, line, trimmed_text};
use crate::support::triage_fixtures::*;
use crate::support::ui_fixtures;

/// Screen row of the ticket `#number`.
fn row_of(buf: &Buffer, number: i64) -> u16 {
    let needle = format!("#{number} ");
    (0..buf.area.height)
        .find(|y| line(buf, *y).contains(&needle))
        .unwrap_or_else(|| panic!("#{number} not drawn:\n{}", trimmed_text(buf)))
}

#[tokio::test(start_paused = true)]
async fn no_marks_no_column() {
    let state = state_with("", 20, 60);
    let buf = draw(&state, ColorMode::TrueColor);
    let y = row_of(&buf, 1001);
    assert!(line(&buf, y).starts_with("#1001"), "{}", line(&buf, y));
}

#[tokio::test(start_paused = true)]
async fn marks_pending_and_dimmed_rows() {
    let mut state = state_with("priority:normal", 20, 60);
    // #1001 (Normal) set to Urgent: it leaves `priority:normal`, and its
    // PATCH has no answer yet.
    ch(&mut state, 'p');
    type_text(&mut state, "urgent");
    let fx = press(&mut state, KeyCode::Enter);
    assert_eq!(writes(&fx).len(), 1);
    ch(&mut state, 'j');
    ch(&mut state, 'j');
    ch(&mut state, ' '); // #1003 marked
    ch(&mut state, 'N');
    let buf = draw(&state, ColorMode::TrueColor);
    let pending = row_of(&buf, 1001);
    assert_eq!(buf[(1, pending)].symbol(), "…", "{}", line(&buf, pending));
    assert!(
        buf[(5, pending)].modifier.contains(Modifier::DIM),
        "left the filter: dimmed"
    );
    assert!(line(&buf, pending).contains("Urgent"));
    let marked = row_of(&buf, 1003);
    assert_eq!(buf[(0, marked)].symbol(), "●");
    assert!(!buf[(5, marked)].modifier.contains(Modifier::DIM));
    assert!(line(&buf, marked)[..12].contains("#1003"));
    let footer = line(&buf, buf.area.height - 2);
    assert!(footer.contains("1 marked"), "{footer}");
    assert!(footer.contains("next mode"), "{footer}");
    assert!(footer.contains("1 saving"), "{footer}");
}

#[tokio::test(start_paused = true)]
async fn pending_row_waiting_for_the_rate_limit_and_its_banner() {
    let mut state = state_with("", 20, 60);
    ch(&mut state, 'p');
    type_text(&mut state, "urgent");
    let fx = press(&mut state, KeyCode::Enter);
    let (w, _, _) = writes(&fx)[0].clone();
    answer(
        &mut state,
        w,
        Err(WriteError::RateLimited {
            retry_at: Instant::now() + Duration::from_secs(42),
        }),
    );
    let buf = draw(&state, ColorMode::TrueColor);
    let all = trimmed_text(&buf);
    assert!(all.contains("retrying in 0:42"), "{all}");
    assert!(all.contains("waiting: 1 change (Esc drops it)"), "{all}");
    let y = row_of(&buf, 1001);
    assert_eq!(buf[(1, y)].symbol(), "…");
    assert_ne!(buf[(1, y)].fg, Color::Reset, "pending in the error color");
}

#[tokio::test(start_paused = true)]
async fn status_picker_in_workspace_colors() {
    let mut state = state_with("", 20, 60);
    ch(&mut state, 't');
    let buf = draw(&state, ColorMode::TrueColor);
    let all = trimmed_text(&buf);
    assert!(all.contains("Status of #1001"), "{all}");
    // Headings named as the filter panes name them, not API slugs.
    for heading in ["Open", "In progress", "Waiting", "Resolved", "Closed"] {
        assert!(all.contains(heading), "{heading}:\n{all}");
    }
    assert!(!all.contains("in_progress"), "{all}");
    assert!(all.contains("Awaiting parts"), "{all}");
}

#[tokio::test(start_paused = true)]
async fn snooze_dialog_reads_the_time_as_typed() {
    let mut state = state_with("", 20, 60);
    ch(&mut state, 'z');
    let buf = draw(&state, ColorMode::NoColor);
    let all = trimmed_text(&buf);
    assert!(all.contains("Snooze #1001"), "{all}");
    assert!(
        all.contains("1h · 4h · tomorrow 9:00 · next monday"),
        "{all}"
    );
    assert!(all.contains("status: Awaiting parts"), "{all}");
    assert!(all.contains("then:   New"), "{all}");
    type_text(&mut state, "2h");
    let all = trimmed_text(&draw(&state, ColorMode::NoColor));
    assert!(all.contains("(in 2h)") || all.contains("(in 1h)"), "{all}");
    type_text(&mut state, "xx");
    press(&mut state, KeyCode::Enter);
    let all = trimmed_text(&draw(&state, ColorMode::NoColor));
    assert!(all.contains("is not a time"), "{all}");
}

#[tokio::test(start_paused = true)]
async fn bulk_confirmation_progress_and_report() {
    let mut state = state_without_urgent("", 20, 60);
    for _ in 0..6 {
        ch(&mut state, ' ');
    }
    ch(&mut state, 'p');
    type_text(&mut state, "urgent");
    press(&mut state, KeyCode::Enter);
    let all = trimmed_text(&draw(&state, ColorMode::NoColor));
    assert!(all.contains("Set 6 tickets to Urgent?"), "{all}");
    assert!(all.contains("y/Enter yes"), "{all}");

    let fx = ch(&mut state, 'y');
    let sent = writes(&fx);
    let rows: Vec<_> = state.list.table.tickets()[..6].to_vec();
    let before = |id| rows.iter().find(|t| t.id == id).unwrap().clone();
    // The first answer frees a slot: the fifth goes out.
    let refill = writes(&answer(
        &mut state,
        sent[0].0,
        Ok(server_row(&before(sent[0].1), &sent[0].2)),
    ));
    assert_eq!(refill.len(), 1);
    answer(
        &mut state,
        sent[1].0,
        Err(WriteError::RateLimited {
            retry_at: Instant::now() + Duration::from_secs(9),
        }),
    );
    let all = trimmed_text(&draw(&state, ColorMode::NoColor));
    assert!(all.contains("Set to Urgent"), "{all}");
    assert!(all.contains("1/6"), "{all}");
    assert!(all.contains("1 of 6 tickets · 1 changed"), "{all}");
    assert!(
        all.contains("waiting for the rate limit · sent in 0:09"),
        "{all}"
    );

    press(&mut state, KeyCode::Esc); // stop: the rest is skipped
    answer(
        &mut state,
        sent[2].0,
        Err(WriteError::Failed {
            message: "server answered 409 Conflict".into(),
            hint: None,
        }),
    );
    answer(
        &mut state,
        sent[3].0,
        Ok(server_row(&before(sent[3].1), &sent[3].2)),
    );
    let all = trimmed_text(&draw(&state, ColorMode::NoColor));
    assert!(all.contains("stopping: waiting for answers"), "{all}");
    let w = &refill[0];
    answer(&mut state, w.0, Ok(server_row(&before(w.1), &w.2)));
    let buf = draw(&state, ColorMode::NoColor);
    let all = trimmed_text(&buf);
    assert!(all.contains("Set to Urgent: 3 of 6 changed"), "{all}");
    assert!(
        all.contains("retrying in") && !all.contains("waiting: "),
        "nothing waits once stopped:\n{all}"
    );
    let report_line = |n: i64| {
        all.lines()
            .find(|l| l.contains(&format!("│#{n} ")))
            .unwrap_or_else(|| panic!("#{n} not in the report:\n{all}"))
            .to_string()
    };
    assert!(report_line(1001).contains("changed"), "{all}");
    let failed = report_line(1003);
    assert!(
        failed.contains("failed") && failed.contains("server answered 409 Conflict"),
        "{all}"
    );
    let skipped = report_line(1006);
    assert!(
        skipped.contains("skipped") && skipped.contains("stopped (Esc)"),
        "{all}"
    );
    assert!(all.contains("Esc closes"), "{all}");
    insta::assert_snapshot!("triage_bulk_report", all);
}

#[tokio::test(start_paused = true)]
async fn the_footer_names_the_marks_and_next_mode_once() {
    let mut state = state_with("", 20, 60);
    for _ in 0..3 {
        ch(&mut state, ' ');
    }
    let footer = |state: &State| {
        let buf = draw(state, ColorMode::TrueColor);
        line(&buf, buf.area.height - 2)
    };
    let f = footer(&state);
    assert_eq!(f.matches("marked").count(), 2, "{f}");
    assert!(f.contains("3 marked") && f.contains("marked #1003"), "{f}");
    ch(&mut state, '*');
    let f = footer(&state);
    assert_eq!(f.matches("20 marked").count(), 1, "{f}");
    assert!(f.contains("marked 17 on this page"), "{f}");
    ch(&mut state, 'N');
    let f = footer(&state);
    assert_eq!(f.matches("next mode").count(), 1, "{f}");
    assert!(
        f.contains("next mode · the cursor moves on after each action"),
        "{f}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_bulk_report_gives_subjects_the_width_and_g_jumps_to_its_ends() {
    let mut state = state_with("", 20, 60);
    triage::app::update(
        &mut state,
        triage::app::Msg::Resize(120, 16),
        ui_fixtures::clock(),
    );
    let rows: Vec<_> = state.list.table.tickets().to_vec();
    // Every ticket that is not Low yet (those already Low would be reported
    // "already Low" and need the room this test gives to subjects).
    let mut marked = 0;
    for (i, t) in rows.iter().enumerate() {
        if t.priority != triage::api::types::PriorityLevel::Low {
            state.list.selected = i;
            ch(&mut state, ' ');
            marked += 1;
        }
    }
    // Back to the top: the rows behind the report are the first ones.
    ch(&mut state, 'g');
    ch(&mut state, 'p');
    type_text(&mut state, "low");
    press(&mut state, KeyCode::Enter);
    let mut pending = writes(&ch(&mut state, 'y'));
    while let Some(w) = pending.pop() {
        let b = rows.iter().find(|t| t.id == w.1).unwrap();
        pending.extend(writes(&answer(&mut state, w.0, Ok(server_row(b, &w.2)))));
    }
    let report = |state: &State| trimmed_text(&draw(state, ColorMode::NoColor));
    let all = report(&state);
    assert!(
        all.contains(&format!("{marked} of {marked} changed")),
        "{all}"
    );
    assert!(all.contains("j/k g/G scroll"), "{all}");
    // A 50-column subject is shown whole: nothing else needs the room.
    let subject = "Feature request: dark mode for the customer portal";
    assert!(rows.iter().any(|t| t.subject == subject));
    assert!(all.contains(subject), "{all}");
    let in_report: Vec<_> = rows
        .iter()
        .filter(|t| t.priority != triage::api::types::PriorityLevel::Low)
        .collect();
    let last = format!("#{} ", in_report[in_report.len() - 1].ticket_number);
    assert!(!all.contains(&last), "{all}");
    ch(&mut state, 'G');
    let all = report(&state);
    assert!(all.contains(&last), "{all}");
    // One `k` after `G` moves at once (no dead scroll past the end).
    ch(&mut state, 'k');
    let all = report(&state);
    assert!(!all.contains(&last), "{all}");
    ch(&mut state, 'g');
    let all = report(&state);
    assert!(
        all.contains(&format!("#{} ", in_report[0].ticket_number)),
        "{all}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_long_snooze_error_wraps_onto_the_empty_line() {
    let mut state = state_with("", 20, 60);
    ch(&mut state, 'z');
    type_text(&mut state, "someday");
    press(&mut state, KeyCode::Enter);
    let all = trimmed_text(&draw(&state, ColorMode::NoColor));
    assert!(
        all.contains("'someday' is not a time: use 30m, 4h, 2d,"),
        "{all}"
    );
    assert!(all.contains("or an ISO 8601 instant"), "{all}");
    assert!(!all.contains("…"), "nothing cut:\n{all}");
    assert!(all.contains("status: Awaiting parts"), "{all}");
    assert!(all.contains("Enter snoozes · Esc cancels"), "{all}");
}

/// The frame as drawn (before the diff to the terminal), at 120×30.
fn intended(state: &State) -> Buffer {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let mut terminal = Terminal::new(TestBackend::new(120, 30)).unwrap();
    let ctx = triage::ui::RenderContext {
        now: Instant::now(),
        wall_now: ui_fixtures::wall_now(),
        theme: triage::ui::Theme::new(ColorMode::TrueColor),
    };
    let frame = terminal
        .draw(|f| triage::ui::render(state, &ctx, f))
        .unwrap();
    frame.buffer.clone()
}

/// Cells a terminal cannot show: something drawn in the second half of a
/// double-width glyph (the glyph covers it, and ratatui's diff skips it).
fn hidden_cells(buf: &Buffer) -> Vec<(u16, u16, String)> {
    use unicode_width::UnicodeWidthStr;
    let mut hidden = Vec::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width.saturating_sub(1) {
            if buf[(x, y)].symbol().width() == 2 {
                let next = buf[(x + 1, y)].symbol();
                if next != " " {
                    hidden.push((x + 1, y, next.to_string()));
                }
            }
        }
    }
    hidden
}

/// Wide subjects under every popup: every other row shifted by one
/// column, so some row puts a glyph across each popup edge. No popup's
/// border or text may fall under half a glyph.
#[tokio::test(start_paused = true)]
async fn wide_text_under_a_popup_never_hides_its_edge() {
    let defs = [triage::config::MacroDef {
        name: "Park".into(),
        key: Some("ctrl-b".into()),
        actions: "priority:low".into(),
        profile: None,
    }];
    let popups: &[(&str, KeyCode)] = &[
        ("status picker", KeyCode::Char('t')),
        ("priority picker", KeyCode::Char('p')),
        ("assign picker", KeyCode::Char('a')),
        ("tag picker", KeyCode::Char('l')),
        ("inbox picker", KeyCode::Char('i')),
        ("macro picker", KeyCode::Char('m')),
        ("snooze", KeyCode::Char('z')),
        ("help", KeyCode::Char('?')),
        ("filter line", KeyCode::Char(':')),
        ("filter panes", KeyCode::Char('f')),
        ("views", KeyCode::Char('v')),
        ("detail", KeyCode::Enter),
    ];
    for (what, key) in popups {
        let mut state = state_with_rows("", 25, 60, |t| {
            let shift = if t.ticket_number % 2 == 0 { "" } else { "a" };
            t.subject = format!("{shift}{}", "漢字かな".repeat(20));
        });
        let (entries, _) = triage::app::macros::load(&defs, &state.keymap, &[]);
        state.macros = entries;
        let before = intended(&state);
        press(&mut state, *key);
        let after = intended(&state);
        assert_ne!(
            trimmed_text(&before),
            trimmed_text(&after),
            "{what}: nothing opened"
        );
        let hidden = hidden_cells(&after);
        assert!(
            hidden.is_empty(),
            "{what}: hidden under wide glyphs: {hidden:?}"
        );
    }
}
