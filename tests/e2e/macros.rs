//! A macro in the real binary: two marked tickets, the macro's own key,
//! one confirmation, and on the server each ticket got status, priority,
//! a tag and an inbox from exactly one PATCH. Then `m` runs another macro
//! from the picker on the ticket under the cursor.

use triage::api::types::StatusCategory;

use crate::support::*;

const FILTER: &str = "status:open sort:created order:asc";

const CONFIG: &str = r#"
[[macros]]
name = "Escalate"
key = "ctrl-b"
actions = 'status:Triaged priority:"On fire" +tag:vip inbox:Billing'

[[macros]]
name = "Park it"
actions = 'priority:low -tag:vip'
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_macro_key_changes_everything_in_one_patch_per_ticket() {
    let handle = start_server(120).await;
    let first: Vec<(uuid::Uuid, i64)> = handle.with_data(|d| {
        let mut open: Vec<_> = d
            .tickets
            .iter()
            .filter(|t| d.category_of(t) == StatusCategory::Open)
            .collect();
        open.sort_by_key(|t| (t.created_at, t.id));
        open.iter()
            .take(3)
            .map(|t| (t.id, t.ticket_number))
            .collect()
    });
    // A macro names statuses, tags and inboxes: its key works once the
    // workspace's names have loaded, which may be after the first page.
    // The first assigned row on page 1 shows its agent's name then (an id
    // before), which the screen can tell.
    let (assigned, agent) = handle.with_data(|d| {
        let mut open: Vec<_> = d
            .tickets
            .iter()
            .filter(|t| d.category_of(t) == StatusCategory::Open)
            .collect();
        open.sort_by_key(|t| (t.created_at, t.id));
        open.iter()
            .take(20)
            .find_map(|t| {
                let user = d.users.iter().find(|u| Some(u.id) == t.assignee_id)?;
                let first: String = user.name.chars().take(6).collect();
                Some((format!("#{}", t.ticket_number), first))
            })
            .expect("an assigned open ticket on page 1")
    });
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("config.toml"), CONFIG).unwrap();
    let tui = open_ui_with(&handle, home.path(), &["--filter", FILTER], &[], 120, 32).await;
    let numbers: Vec<i64> = first.iter().map(|(_, n)| *n).collect();
    let tui = tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        tui.wait_for("the first page", |s| footer_line(s).contains("page 1/"));
        tui.wait_text(&format!("#{}", numbers[0]));
        tui.wait_for("the names", |s| {
            s.contents()
                .lines()
                .any(|l| l.contains(assigned.as_str()) && l.contains(agent.as_str()))
        });
        tui.press("  ");
        tui.wait_for("two marks", |s| footer_line(s).contains("2 marked"));
        tui.press("\x02"); // Ctrl-b
        tui.wait_text("Run 'Escalate' on 2 tickets");
        tui.press("y");
        tui.wait_text("2 of 2 changed");
        tui.press("\x1b");
        tui.wait_for("the report to close", |s| {
            !s.contents().contains("2 of 2 changed")
        });
        tui
    })
    .await
    .unwrap();
    assert_eq!(
        handle.requests_to("PATCH /tickets/{id}"),
        2,
        "one PATCH per ticket"
    );
    handle.with_data(|d| {
        let triaged = d.statuses.iter().find(|s| s.name == "Triaged").unwrap().id;
        let on_fire = d
            .priorities
            .iter()
            .find(|p| p.name == "On fire")
            .unwrap()
            .id;
        let vip = d.tags.iter().find(|t| t.name == "vip").unwrap().id;
        let billing = d.inboxes.iter().find(|i| i.name == "Billing").unwrap().id;
        for (id, n) in &first[..2] {
            let t = d.tickets.iter().find(|t| t.id == *id).unwrap();
            assert_eq!(t.status_id, triaged, "#{n}");
            assert_eq!(t.priority_id, on_fire, "#{n}");
            assert!(t.tag_ids.contains(&vip), "#{n}");
            assert_eq!(t.inbox_id, billing, "#{n}");
        }
    });

    // `m` on the third row (the cursor moved past the marked two).
    let third = first[2];
    tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        tui.press("m");
        tui.wait_text(&format!("macro for #{}", third.1));
        tui.press("park\r");
        tui.wait_text(&format!("#{}: Park it", third.1));
        tui.press("q");
        let status = tui.wait_exit();
        assert!(status.success(), "exit status {status:?}");
    })
    .await
    .unwrap();
    assert_eq!(handle.requests_to("PATCH /tickets/{id}"), 3);
    handle.with_data(|d| {
        // `priority:low` is the level: the workspace calls it "Whenever".
        let low = d.priorities.iter().find(|p| p.name == "Whenever").unwrap();
        let t = d.tickets.iter().find(|t| t.id == third.0).unwrap();
        assert_eq!(t.priority_id, low.id);
    });
    handle.shutdown().await;
}
