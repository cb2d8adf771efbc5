//! Triage in the real binary: mark three tickets, set them to urgent in one
//! confirmed bulk run, read the report, and see the change from a fresh
//! `triage list` against the same server.

use triage::api::types::{PriorityLevel, StatusCategory};
use triage::server;

use crate::cli::{AgentHome, triage_command};
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
    let out = triage_command(
        &[
            "list",
            "--base-url",
            &handle.base_url(),
            "--filter",
            FILTER,
            "--per-page",
            "10",
            "--format",
            "json",
        ],
        &AgentHome::new(&home, server::DEMO_KEY).env(),
    )
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

/// A name no other name contains: typing it narrows a picker to it alone.
fn unique_name<'a>(names: &[&'a str], fits: impl Fn(&str) -> bool) -> &'a str {
    names
        .iter()
        .copied()
        .find(|n| {
            fits(n)
                && names
                    .iter()
                    .filter(|o| o.to_lowercase().contains(&n.to_lowercase()))
                    .count()
                    == 1
        })
        .expect("a name to pick")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mark_two_tag_them_move_them_and_list_shows_both() {
    let handle = start_server(120).await;
    let (numbers, tag, inbox) = handle.with_data(|d| {
        let mut open: Vec<_> = d
            .tickets
            .iter()
            .filter(|t| d.category_of(t) == StatusCategory::Open)
            .collect();
        open.sort_by_key(|t| (t.created_at, t.id));
        let two = &open[..2];
        let tag_names: Vec<&str> = d.tags.iter().map(|t| t.name.as_str()).collect();
        let tag = unique_name(&tag_names, |n| {
            let id = d.tags.iter().find(|t| t.name == n).unwrap().id;
            two.iter().all(|t| !t.tag_ids.contains(&id))
        });
        let inbox_names: Vec<&str> = d.inboxes.iter().map(|i| i.name.as_str()).collect();
        let inbox = unique_name(&inbox_names, |n| {
            let id = d.inboxes.iter().find(|i| i.name == n).unwrap().id;
            two.iter().all(|t| t.inbox_id != id)
        });
        (
            two.iter().map(|t| t.ticket_number).collect::<Vec<i64>>(),
            tag.to_string(),
            inbox.to_string(),
        )
    });
    let home = tempfile::tempdir().unwrap();
    let tui = open_ui_with(&handle, home.path(), &["--filter", FILTER], &[], 120, 32).await;
    let (t, i, n) = (tag.clone(), inbox.clone(), numbers.clone());
    tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        tui.wait_for("the first page", |s| footer_line(s).contains("page 1/"));
        tui.wait_text(&format!("#{}", n[0]));
        tui.press("  ");
        tui.wait_for("two marks", |s| footer_line(s).contains("2 marked"));
        tui.press("l");
        tui.wait_text("Tags of 2 tickets");
        tui.press(&format!("{t} \r"));
        tui.wait_text(&format!("Tag 2 tickets: +{t}?"));
        tui.press("y");
        tui.wait_text("2 of 2 changed");
        tui.press("\x1b");
        tui.wait_for("the report to close", |s| {
            !s.contents().contains("2 of 2 changed")
        });
        // The changed ones were unmarked: mark the same two again.
        tui.press("kk  ");
        tui.wait_for("two marks again", |s| footer_line(s).contains("2 marked"));
        tui.press("i");
        tui.wait_text("Move 2 tickets to inbox");
        tui.press(&format!("{i}\r"));
        tui.wait_text(&format!("Move 2 tickets to {i}?"));
        tui.press("y");
        tui.wait_text("2 of 2 changed");
        // Esc and q apart: together a terminal reads them as Alt-q.
        tui.press("\x1b");
        tui.wait_for("the report to close", |s| {
            !s.contents().contains("2 of 2 changed")
        });
        tui.press("q");
        let status = tui.wait_exit();
        assert!(status.success(), "exit status {status:?}");
    })
    .await
    .unwrap();

    let filter = format!("tag:\"{tag}\" inbox:\"{inbox}\"");
    let out = triage_command(
        &[
            "list",
            "--base-url",
            &handle.base_url(),
            "--filter",
            &filter,
            "--all",
            "--format",
            "json",
        ],
        &AgentHome::new(&home, server::DEMO_KEY).env(),
    )
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
    for n in &numbers {
        assert!(
            rows.iter().any(|t| t["ticket_number"].as_i64() == Some(*n)),
            "#{n} carries {tag} in {inbox}: {listed}"
        );
    }
    handle.shutdown().await;
}
