//! Notes and replies in the real binary, with `EDITOR` set to small shell
//! scripts written here: a note reaches the server; a reply whose send
//! failed with a 503 is offered again, as a draft, after a restart.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use triage::model::AuthorType;
use triage::server::ServerHandle;

use crate::support::*;

const FILTER: &str = "status:open sort:created order:asc";

/// The first row of `FILTER`: (id, number).
fn first_row(handle: &ServerHandle) -> (uuid::Uuid, i64) {
    handle.with_data(|d| {
        d.tickets
            .iter()
            .filter(|t| d.category_of(t) == triage::model::StatusCategory::Open)
            .min_by_key(|t| (t.created_at, t.id))
            .map(|t| (t.id, t.ticket_number))
            .unwrap()
    })
}

/// Writes an executable script and answers the `EDITOR` value naming it
/// (leaked: the harness takes `'static` pairs).
fn editor(dir: &Path, name: &str, body: &str) -> &'static str {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    Box::leak(format!("'{}'", path.display()).into_boxed_str())
}

fn env(editor: &'static str) -> &'static [(&'static str, &'static str)] {
    Box::leak(vec![("EDITOR", editor)].into_boxed_slice())
}

/// Waits for a file the editor script creates (it runs beside the TUI).
fn wait_file(path: &PathBuf) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !path.exists() {
        assert!(Instant::now() < deadline, "timed out waiting for {path:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn n_with_a_script_editor_puts_the_note_on_the_server() {
    let handle = start_server(60).await;
    let (id, number) = first_row(&handle);
    let home = tempfile::tempdir().unwrap();
    let ed = editor(
        home.path(),
        "note.sh",
        "printf 'Escalated to billing.\\n' >> \"$1\"\n",
    );
    let tui = open_ui_with(
        &handle,
        home.path(),
        &["--filter", FILTER],
        env(ed),
        120,
        32,
    )
    .await;
    tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        tui.wait_for("the first page", |s| footer_line(s).contains("page 1/"));
        tui.wait_text(&format!("#{number}"));
        tui.press("n");
        tui.wait_text(&format!("#{number}: note sent"));
        // The list is drawn again after the editor.
        tui.wait_for("the list back", |s| footer_line(s).contains("page 1/"));
        tui.press("q");
        assert!(tui.wait_exit().success());
    })
    .await
    .unwrap();
    let last = handle.with_data(|d| d.ticket(id).unwrap().messages.to_vec().pop().unwrap());
    assert_eq!(last.body, "Escalated to billing.");
    assert_eq!(last.author_type, AuthorType::Note);
    let drafts = home.path().join("triage").join("drafts");
    assert_eq!(
        std::fs::read_dir(&drafts).unwrap().count(),
        0,
        "draft removed after 201"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_that_failed_with_503_is_offered_again_after_a_restart() {
    let handle = Arc::new(start_server(60).await);
    let (id, number) = first_row(&handle);
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().to_path_buf();
    let go = dir.join("go");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&go)
            .status()
            .unwrap()
            .success()
    );
    // Says it is running, waits for the test to arm the fault, writes.
    let first = editor(
        &dir,
        "reply.sh",
        &format!(
            "touch '{ready}'\ncat '{go}' > /dev/null\nprintf 'We refunded you.\\n' >> \"$1\"\n",
            ready = dir.join("ready").display(),
            go = go.display()
        ),
    );
    let before = handle.with_data(|d| d.ticket(id).unwrap().messages.to_vec().len());
    let tui = open_ui_with(&handle, &dir, &["--filter", FILTER], env(first), 120, 32).await;
    let server = Arc::clone(&handle);
    let (ready, go_path) = (dir.join("ready"), go.clone());
    tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        tui.wait_for("the first page", |s| footer_line(s).contains("page 1/"));
        tui.wait_text(&format!("#{number}"));
        tui.press("R");
        wait_file(&ready);
        // The POST fails, not the traffic cop's reads before it.
        server.inject_route_fault(triage::server::RouteFault {
            route: "POST /tickets/{id}/messages".into(),
            ticket: Some(id),
            delay: std::time::Duration::ZERO,
            status: Some(503),
            times: 1,
        });
        std::fs::write(&go_path, "go\n").unwrap();
        tui.wait_text(&format!("Send reply to #{number} (customer sees it)?"));
        tui.press("y");
        tui.wait_text("the reply was not sent");
        tui.press("q");
        assert!(tui.wait_exit().success());
    })
    .await
    .unwrap();
    assert_eq!(
        handle.with_data(|d| d.ticket(id).unwrap().messages.to_vec().len()),
        before,
        "nothing reached the server"
    );

    // A new start, the same state directory: R opens the draft.
    let seen = dir.join("seen.txt");
    let second = editor(
        &dir,
        "look.sh",
        &format!("cp \"$1\" '{}'\n", seen.display()),
    );
    let tui = open_ui_with(&handle, &dir, &["--filter", FILTER], env(second), 120, 32).await;
    tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        // The fresh page, not the one kept from the first run (read-only).
        tui.wait_for("the first page", |s| {
            footer_line(s).contains("page 1/") && !s.contents().contains("cached")
        });
        tui.wait_text(&format!("#{number}"));
        tui.press("R");
        tui.wait_text("restored");
        tui.wait_text(&format!("Send reply to #{number} (customer sees it)?"));
        tui.press("y");
        tui.wait_text(&format!("#{number}: reply sent"));
        tui.press("q");
        assert!(tui.wait_exit().success());
    })
    .await
    .unwrap();
    assert_eq!(
        std::fs::read_to_string(&seen).unwrap(),
        "We refunded you.\n"
    );
    let last = handle.with_data(|d| d.ticket(id).unwrap().messages.to_vec().pop().unwrap());
    assert_eq!(last.body, "We refunded you.");
    assert_eq!(last.author_type, AuthorType::Agent);
}
