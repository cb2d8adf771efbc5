//! Triage in the real binary: mark three tickets, set them to urgent in one
//! confirmed bulk run, read the report, and see the change from a fresh
//! `triage list` against the same server.

use triage::api::types::{PriorityLevel, StatusCategory};
use triage::server;

use crate::support::*;

const FILTER: &str = "status:open sort:created order:asc";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mark_three_set_them_urgent_and_list_shows_it() {
    let handle = start_server(120).await;
    // The first three rows of the view, and the workspace's name for urgent.
    let (first, urgent) = handle.with_data(|d| {
        let mut open: Vec<_> = d
            .tickets
            .iter()
            .filter(|t| d.category_of(t) == StatusCategory::Open)
            .collect();
        open.sort_by_key(|t| (t.created_at, t.id));
        let first: Vec<i64> = open.iter().take(3).map(|t| t.ticket_number).collect();
        let urgent = d
            .priorities
            .iter()
            .find(|p| p.level == PriorityLevel::Urgent)
            .unwrap()
            .name
            .clone();
        (first, urgent)
    });
    // None of the three is urgent yet, so each one is a change (a ticket
    // already urgent would be reported "already", with no request).
    handle.with_data_mut(|d| {
        let normal = d
            .priorities
            .iter()
            .find(|p| p.level == PriorityLevel::Normal)
            .unwrap()
            .id;
        for t in d
            .tickets
            .iter_mut()
            .filter(|t| first.contains(&t.ticket_number))
        {
            t.priority_id = normal;
        }
    });
    let home = tempfile::tempdir().unwrap();
    let tui = open_ui_with(&handle, home.path(), &["--filter", FILTER], &[], 120, 32).await;
    let question = format!("Set 3 tickets to {urgent}?");
    let numbers = first.clone();
    tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        tui.wait_for("the first page", |s| footer_line(s).contains("page 1/"));
        tui.wait_text(&format!("#{}", numbers[0]));
        tui.press("   ");
        tui.wait_for("three marks", |s| footer_line(s).contains("3 marked"));
        tui.press("p");
        tui.wait_text("Priority of 3 tickets");
        tui.press("urgent\r");
        tui.wait_text(&question);
        tui.press("y");
        tui.wait_text("3 of 3 changed");
        // The whole report (a frame may still be on its way to the screen).
        tui.wait_for("each ticket in the report", |s| {
            let screen = s.contents();
            numbers.iter().all(|n| {
                screen
                    .lines()
                    .any(|l| l.contains(&format!("#{n} ")) && l.contains("changed"))
            })
        });
        tui.press("\x1b");
        tui.wait_for("the report to close", |s| {
            !s.contents().contains("3 of 3 changed")
        });
        tui.press("q");
        let status = tui.wait_exit();
        assert!(status.success(), "exit status {status:?}");
    })
    .await
    .unwrap();

    // A fresh `triage list` sees the change on the server.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_triage"))
        .args([
            "list",
            "--base-url",
            &handle.base_url(),
            "--filter",
            FILTER,
            "--per-page",
            "10",
            "--format",
            "json",
        ])
        .env_clear()
        .env("TRIAGE_API_KEY", server::DEMO_KEY)
        .env("TRIAGE_CONFIG", home.path().join("config.toml"))
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path())
        .output()
        .expect("run triage list");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let rows = listed
        .as_array()
        .or_else(|| listed["data"].as_array())
        .expect("a list of tickets")
        .clone();
    for n in &first {
        let t = rows
            .iter()
            .find(|t| t["ticket_number"].as_i64() == Some(*n))
            .unwrap_or_else(|| panic!("#{n} listed: {listed}"));
        assert_eq!(t["priority"], "urgent", "#{n}: {t}");
    }
    handle.shutdown().await;
}
