//! Two agents on one queue: two real `triage` processes, each in its own
//! pty and home, on one local server. A solves a ticket; B, which loaded
//! it before, sets its priority and meets the conflict naming A's change,
//! with nothing of A's overwritten; "apply mine anyway" then gives the
//! server B's priority. A reply B started while A answered the same
//! customer is stopped by the traffic cop, A's message shown.

use std::sync::Arc;

use triage::api::types::{PriorityLevel, StatusCategory};
use triage::server::ServerHandle;
use uuid::Uuid;

use crate::support::*;

const FILTER: &str = "status:open sort:created order:asc";

/// The first two rows of `FILTER`: (id, number), made Normal so that
/// setting Urgent is a change.
fn first_two(handle: &ServerHandle) -> [(Uuid, i64); 2] {
    let rows = handle.with_data(|d| {
        let mut open: Vec<_> = d
            .tickets
            .iter()
            .filter(|t| d.category_of(t) == StatusCategory::Open)
            .collect();
        open.sort_by_key(|t| (t.created_at, t.id));
        [
            (open[0].id, open[0].ticket_number),
            (open[1].id, open[1].ticket_number),
        ]
    });
    handle.with_data_mut(|d| {
        let normal = d
            .priorities
            .iter()
            .find(|p| p.level == PriorityLevel::Normal)
            .unwrap()
            .id;
        for t in d.tickets.iter_mut().filter(|t| t.id == rows[0].0) {
            t.priority_id = normal;
        }
    });
    rows
}

fn status_name(handle: &ServerHandle, id: Uuid) -> String {
    handle.with_data(|d| {
        d.status(d.ticket(id).unwrap().status_id)
            .unwrap()
            .name
            .clone()
    })
}

fn level(handle: &ServerHandle, id: Uuid) -> PriorityLevel {
    handle.with_data(|d| d.level_of(d.ticket(id).unwrap()))
}

fn bodies(handle: &ServerHandle, id: Uuid) -> Vec<String> {
    handle.with_data(|d| {
        d.ticket(id)
            .unwrap()
            .messages
            .iter()
            .map(|m| m.body.clone())
            .collect()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_a_conflict_named_and_applied_and_a_reply_stopped_by_the_traffic_cop() {
    let handle = Arc::new(start_server(40).await);
    let [(first, n1), (second, n2)] = first_two(&handle);
    let (home_a, home_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // A answers at once; B's editor waits for the test's word (a fifo), so
    // A's reply lands while B is still writing.
    let a_editor = script_editor(
        home_a.path(),
        "a.sh",
        "printf 'Replacement shipped today.\\n' >> \"$1\"\n",
    );
    let go = home_b.path().join("go");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&go)
            .status()
            .unwrap()
            .success()
    );
    let ready = home_b.path().join("ready");
    let b_editor = script_editor(
        home_b.path(),
        "b.sh",
        &format!(
            "touch '{}'\ncat '{}' > /dev/null\nprintf 'We will send a new one.\\n' >> \"$1\"\n",
            ready.display(),
            go.display()
        ),
    );
    let args = ["--filter", FILTER];
    let a_env: &'static [(&str, &str)] = Box::leak(vec![("EDITOR", a_editor)].into_boxed_slice());
    let b_env: &'static [(&str, &str)] = Box::leak(vec![("EDITOR", b_editor)].into_boxed_slice());
    let a = open_ui_with(&handle, home_a.path(), &args, a_env, 140, 36).await;
    let b = open_ui_with(&handle, home_b.path(), &args, b_env, 140, 36).await;
    let server = Arc::clone(&handle);
    tokio::task::spawn_blocking(move || {
        let (mut a, mut b) = (a, b);
        for tui in [&a, &b] {
            tui.wait_for("the first page", |s| footer_line(s).contains("page 1/"));
            tui.wait_text(&format!("#{n1}"));
        }

        // A solves the first ticket.
        a.press("t");
        a.wait_text("Status of");
        a.press("solved");
        a.press("\r");
        wait_until("A's status on the server", || {
            status_name(&server, first) == "Solved"
        });
        let before = level(&server, first);

        // B, which loaded it before, sets its priority.
        b.press("p");
        b.wait_text("Priority of");
        b.press("urgent");
        b.press("\r");
        b.wait_text("changed by someone else");
        let screen = b.contents();
        assert!(
            screen.contains(&format!("#{n1} changed")) && screen.contains("→ Solved"),
            "B is told what A changed:\n{screen}"
        );
        assert_eq!(status_name(&server, first), "Solved", "A's status stays");
        assert_eq!(level(&server, first), before, "B's was not applied");

        // B applies theirs anyway: the priority, over A's status.
        b.press("a");
        wait_until("B's priority on the server", || {
            level(&server, first) == PriorityLevel::Urgent
        });
        assert_eq!(status_name(&server, first), "Solved", "still A's status");

        // B starts a reply on the second ticket; A answers it meanwhile.
        b.press("j");
        b.press("R");
        wait_until("B's editor", || ready.exists());
        a.press("j");
        a.press("R");
        a.wait_text(&format!("Send reply to #{n2} (customer sees it)?"));
        a.press("y");
        wait_until("A's reply on the server", || {
            bodies(&server, second)
                .iter()
                .any(|b| b == "Replacement shipped today.")
        });
        let sent = bodies(&server, second).len();
        std::fs::write(&go, "go\n").unwrap();
        b.wait_text(&format!("new on #{n2} since you started writing"));
        // The question arrives in more than one write to the pty: what it
        // shows is waited for whole, not read off the first part drawn.
        b.wait_for("A's message and the choices", |s| {
            let screen = s.contents();
            screen.contains("Replacement shipped today.")
                && screen.contains("send anyway")
                && screen.contains("edit again")
        });
        assert_eq!(bodies(&server, second).len(), sent, "B sent nothing");
        b.press("n");
        b.wait_text("the draft is kept");
        assert_eq!(bodies(&server, second).len(), sent, "kept, not sent");

        for tui in [&mut a, &mut b] {
            tui.press("q");
            assert!(tui.wait_exit().success());
        }
    })
    .await
    .unwrap();
}
