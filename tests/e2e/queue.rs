//! The queue: paging, a rate limit ridden out, and hostile server text.

use std::time::{Duration, Instant};

use triage::server::RateLimitFault;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browse_pages_and_ride_out_a_rate_limit() {
    // Two pages of 50: on page 2 nothing is prefetched, so the injected
    // 429 can only meet the refresh below.
    let handle = start_server(100).await;
    let home = tempfile::tempdir().unwrap();
    let tui = open_ui(&handle, home.path(), &[("COLORTERM", "truecolor")], 120, 32).await;
    let agents: Vec<String> =
        handle.with_data(|d| d.users.iter().map(|u| u.name.clone()).collect());

    let mut tui = tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        tui.wait_for("the first page", |s| footer_line(s).contains("page 1/2"));
        // Agents' names drawn: the background catalog load is over.
        tui.wait_for("the names", |s| {
            let text = s.contents();
            agents.iter().any(|a| text.contains(a.as_str()))
        });
        tui.press("]");
        // Page 2 on screen: its prefetch (sent while page 1 showed) is answered.
        tui.wait_for("page 2", |s| footer_line(s).contains("page 2/2"));
        tui
    })
    .await
    .unwrap();

    // The next request is answered with a 429; the UI must count down and
    // then fetch again by itself.
    handle.inject_rate_limit(RateLimitFault {
        retry_after: Some(2),
        retry_after_header: None,
        times: 1,
    });
    let before = handle.request_count();
    let mut tui = tokio::task::spawn_blocking(move || {
        tui.press("r");
        // The banner counts down and names what waits.
        tui.wait_for("the countdown banner naming page 2", |s| {
            let text = s.contents();
            (text.contains("rate limited · retrying in 0:02")
                || text.contains("rate limited · retrying in 0:01"))
                && text.contains("waiting: page 2")
        });
        tui.wait_for("the list to come back after the countdown", |s| {
            let text = s.contents();
            !text.contains("rate limited")
                && footer_line(s).contains("page 2/")
                && text.contains("#")
        });
        tui
    })
    .await
    .unwrap();
    assert!(
        handle.request_count() > before,
        "the waiting request was sent"
    );

    let status = tokio::task::spawn_blocking(move || {
        tui.press("q");
        let status = tui.wait_exit();
        let screen = tui.screen.0.lock().unwrap();
        assert!(
            !screen.parser.screen().alternate_screen(),
            "terminal left the alternate screen"
        );
        status
    })
    .await
    .unwrap();
    assert!(status.success(), "exit status {status:?}");
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_subjects_cannot_drive_the_terminal_and_sigterm_restores_it() {
    let handle = start_server(40).await;
    // The newest tickets (first on screen) get hostile subjects: a title
    // change, a color change, a clipboard write, a bell and a bidi override.
    let hostile = [
        "\u{1b}]0;pwned-title\u{7}title attack",
        "\u{1b}[31mred attack\u{1b}[0m",
        "\u{1b}]52;c;cGF5bG9hZA==\u{7}clipboard attack",
        "bell\u{7}attack \u{202e}gnp.exe",
    ];
    handle.with_data_mut(|d| {
        let mut order: Vec<usize> = (0..d.tickets.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(d.tickets[i].updated_at));
        for (i, subject) in order.into_iter().zip(hostile) {
            d.tickets[i].subject = subject.to_string();
        }
    });
    let home = tempfile::tempdir().unwrap();
    let tui = open_ui(&handle, home.path(), &[], 120, 30).await;
    let recorder = tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        // The payloads stay visible as text. (vt100 does not draw the U+FFFD
        // markers that replace ESC and BEL, so only the words are checked.)
        tui.wait_text("pwned-title");
        tui.wait_text("cGF5bG9hZA==");
        let screen = tui.contents();
        assert!(screen.contains("gnp.exe"), "{screen}");
        tui.recorded(|r| {
            assert!(
                r.titles.is_empty(),
                "a subject changed the title: {:?}",
                r.titles
            );
            assert!(r.clipboard.is_empty(), "a subject wrote the clipboard");
            assert_eq!(r.bells, 0, "a subject rang the bell");
        });
        // The first row's subject is drawn in the default color, not red.
        let red = tui
            .screen
            .0
            .lock()
            .unwrap()
            .parser
            .screen()
            .rows_formatted(0, 120)
            .any(|row| String::from_utf8_lossy(&row).contains("\u{1b}[31m"));
        assert!(!red, "a subject changed the colors");

        // The recorder does see real clipboard writes: `y` copies #number.
        tui.press("y");
        let deadline = Instant::now() + DEADLINE;
        while tui.recorded(|r| r.clipboard.is_empty()) {
            assert!(Instant::now() < deadline, "y did not copy");
            let (lock, cvar) = &*tui.screen;
            let guard = lock.lock().unwrap();
            let _ = cvar.wait_timeout(guard, Duration::from_millis(50)).unwrap();
        }

        // SIGTERM: the terminal is restored on the way out.
        // SAFETY: plain kill(2) on our own child's pid.
        let rc = unsafe { libc::kill(tui.pid() as i32, libc::SIGTERM) };
        assert_eq!(rc, 0);
        tui.wait_exit();
        let guard = tui.screen.0.lock().unwrap();
        assert!(
            !guard.parser.screen().alternate_screen(),
            "left the alternate screen"
        );
        let copies: Vec<String> = guard
            .parser
            .callbacks()
            .clipboard
            .iter()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        copies
    })
    .await
    .unwrap();
    assert_eq!(recorder.len(), 1, "exactly one copy, from y");
    use base64::Engine;
    let copied = base64::engine::general_purpose::STANDARD
        .decode(&recorder[0])
        .unwrap();
    assert!(
        String::from_utf8_lossy(&copied).starts_with('#'),
        "{copied:?}"
    );
    handle.shutdown().await;
}

/// The ticket number on the row drawn with the cursor's background.
fn selected_number(screen: &vt100::Screen) -> Option<String> {
    let (rows, cols) = screen.size();
    (0..rows).find_map(|r| {
        let cell = screen.cell(r, cols / 2)?;
        if cell.bgcolor() == vt100::Color::Default && !cell.inverse() {
            return None;
        }
        let text: String = screen.rows(0, cols).nth(usize::from(r))?;
        let number = text.split_whitespace().find(|w| w.starts_with('#'))?;
        Some(number.to_string())
    })
}

/// Table row `i` (0: the first below the column headers).
fn table_row(screen: &vt100::Screen, i: usize) -> String {
    let (_, cols) = screen.size();
    let rows: Vec<String> = screen.rows(0, cols).collect();
    rows.iter()
        .position(|l| l.contains("status") && l.contains("subject"))
        .and_then(|header| rows.get(header + 1 + i).cloned())
        .unwrap_or_default()
}

fn top_row(screen: &vt100::Screen) -> String {
    table_row(screen, 0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_ticket_appears_on_top_marked_and_the_cursor_stays() {
    let handle = start_server(60).await;
    let home = tempfile::tempdir().unwrap();
    // The shortest interval the config allows: the test waits for one poll.
    std::fs::write(home.path().join("config.toml"), "[ui]\nrefresh_secs = 10\n").unwrap();
    let tui = open_ui_with(&handle, home.path(), &[], &[], 120, 30).await;
    let tui = tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        tui.wait_for("the first page", |s| footer_line(s).contains("page 1/"));
        tui.press("jj");
        tui.wait_for("the cursor on the third row", |s| {
            selected_number(s).is_some_and(|n| table_row(s, 2).contains(&format!("{n} ")))
        });
        tui
    })
    .await
    .unwrap();
    let before = {
        let screen = tui.screen.0.lock().unwrap();
        selected_number(screen.parser.screen()).expect("a selected row")
    };
    // A customer writes in: no key is pressed from here on.
    let arrived = handle.step_activity().expect("a new ticket");
    let number = handle.with_data(|d| {
        let id = match arrived {
            triage::server::ActivityEvent::Arrived(id) => id,
            other => panic!("an arrival first, not {other:?}"),
        };
        d.tickets.iter().find(|t| t.id == id).unwrap().ticket_number
    });
    let mark = format!("#{number}");
    tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        // One whole frame: the new row on top with its dot, the count in
        // the header, the poll over, and the cursor on the ticket it was on
        // (now a row lower).
        tui.wait_for("the new ticket on top, marked, the cursor unmoved", |s| {
            let top = top_row(s);
            top.contains(&mark)
                && top.contains('•')
                && s.contents().contains("· 1 new")
                && !footer_line(s).contains("refreshing")
                && selected_number(s).as_deref() == Some(before.as_str())
        });
        tui.press("q");
        assert!(tui.wait_exit().success());
    })
    .await
    .unwrap();
    handle.shutdown().await;
}
