//! The draft promise against real faults (issue 21): a note's POST held
//! in flight by the server, a state directory that cannot hold drafts, a
//! link planted where a draft goes. The real binary, `EDITOR` set to small
//! shell scripts.

use std::path::Path;
use std::time::Duration;

use triage::model::AuthorType;
use triage::server::{RouteFault, ServerHandle};

use crate::support::*;

const FILTER: &str = "status:open sort:created order:asc";
const POST: &str = "POST /tickets/{id}/messages";

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

fn editor(dir: &Path, name: &str, body: &str) -> &'static [(&'static str, &'static str)] {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let value: &'static str = Box::leak(format!("'{}'", path.display()).into_boxed_str());
    Box::leak(vec![("EDITOR", value)].into_boxed_slice())
}

fn notes_with(handle: &ServerHandle, id: uuid::Uuid, body: &str) -> usize {
    handle.with_data(|d| {
        d.ticket(id)
            .unwrap()
            .messages
            .to_vec()
            .iter()
            .filter(|m| m.body == body && m.author_type == AuthorType::Note)
            .count()
    })
}

/// Item 1: with the POST held by the server, a second `n` opened the text
/// in flight as a restored draft and sent it again. Now it says the note
/// is being sent; one note reaches the server and its draft goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_n_while_the_note_is_in_flight_sends_nothing_twice() {
    let handle = start_server(60).await;
    let (id, number) = first_row(&handle);
    let home = tempfile::tempdir().unwrap();
    let env = editor(home.path(), "a.sh", "printf 'Note A\\n' >> \"$1\"\n");
    handle.inject_route_fault(RouteFault {
        route: POST.into(),
        ticket: Some(id),
        delay: Duration::from_secs(8),
        status: None,
        times: 1,
    });
    let tui = open_ui_with(&handle, home.path(), &["--filter", FILTER], env, 160, 32).await;
    let server = std::sync::Arc::new(handle);
    let held = server.clone();
    tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        tui.wait_for("the first page", |s| footer_line(s).contains("page 1/"));
        tui.wait_text(&format!("#{number}"));
        tui.press("n");
        // The editor closed and the POST reached the server, which holds it.
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while held.requests_to(POST) == 0 {
            assert!(std::time::Instant::now() < deadline, "no POST");
            std::thread::sleep(Duration::from_millis(10));
        }
        tui.press("n");
        tui.wait_text(&format!("#{number}: a note or reply is still being sent"));
        tui.wait_text(&format!("#{number}: note sent"));
        tui.press("q");
        assert!(tui.wait_exit().success());
    })
    .await
    .unwrap();
    assert_eq!(notes_with(&server, id, "Note A"), 1, "sent once");
    assert_eq!(server.requests_to(POST), 1);
    let drafts = home.path().join("triage/drafts");
    assert_eq!(std::fs::read_dir(&drafts).unwrap().count(), 0);
}

/// Item 2: `drafts` a plain file (ENOTDIR), and the note went anyway and
/// was lost to a 503 while the message said "the draft is kept". Now
/// triage asks first; `n` sends nothing, `y` sends it and a failure says
/// the text is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_that_cannot_be_written_is_sent_only_after_asking() {
    let handle = start_server(60).await;
    let (id, number) = first_row(&handle);
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("triage")).unwrap();
    std::fs::write(home.path().join("triage/drafts"), "a file, not a folder").unwrap();
    let env = editor(home.path(), "b.sh", "printf 'Note B\\n' >> \"$1\"\n");
    let tui = open_ui_with(&handle, home.path(), &["--filter", FILTER], env, 160, 32).await;
    let server = std::sync::Arc::new(handle);
    let fault = server.clone();
    tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        tui.wait_for("the first page", |s| footer_line(s).contains("page 1/"));
        tui.wait_text(&format!("#{number}"));
        tui.press("n");
        tui.wait_text("cannot be kept as a draft");
        tui.press("n");
        tui.wait_text("not sent, and not kept: the note is gone");
        tui.press("n");
        tui.wait_text("cannot be kept as a draft");
        fault.inject_route_fault(RouteFault {
            route: POST.into(),
            ticket: Some(id),
            delay: Duration::ZERO,
            status: Some(503),
            times: 1,
        });
        tui.press("y");
        tui.wait_text("the note was not sent");
        tui.wait_text("it was sent without a draft");
        tui.press("q");
        assert!(tui.wait_exit().success());
    })
    .await
    .unwrap();
    assert_eq!(notes_with(&server, id, "Note B"), 0);
    assert_eq!(server.requests_to(POST), 1, "only after the yes");
}

/// Item 8: a link planted at the draft's path made `n` open (and then
/// post) the target's content, and a save overwrote the target. The link
/// is neither read nor written through: the template opens, and the text
/// cannot be kept there, which triage says before sending anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_planted_at_a_draft_is_not_followed() {
    let handle = start_server(60).await;
    let (id, number) = first_row(&handle);
    let home = tempfile::tempdir().unwrap();
    let drafts = home.path().join("triage/drafts");
    std::fs::create_dir_all(&drafts).unwrap();
    let secret = home.path().join("secret.txt");
    std::fs::write(&secret, "not for the customer\n").unwrap();
    std::os::unix::fs::symlink(&secret, drafts.join(format!("{id}-note.txt"))).unwrap();
    let seen = home.path().join("seen.txt");
    let env = editor(
        home.path(),
        "c.sh",
        &format!(
            "cp \"$1\" '{}'\nprintf 'Note C\\n' >> \"$1\"\n",
            seen.display()
        ),
    );
    let tui = open_ui_with(&handle, home.path(), &["--filter", FILTER], env, 160, 32).await;
    tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        tui.wait_for("the first page", |s| footer_line(s).contains("page 1/"));
        tui.wait_text(&format!("#{number}"));
        tui.press("n");
        tui.wait_text("cannot be kept as a draft");
        tui.press("n");
        tui.wait_text("not sent, and not kept");
        tui.press("q");
        assert!(tui.wait_exit().success());
    })
    .await
    .unwrap();
    let opened = std::fs::read_to_string(&seen).unwrap();
    assert!(opened.contains(&format!("on #{number}")), "{opened}");
    assert!(!opened.contains("not for the customer"));
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap(),
        "not for the customer\n"
    );
    assert_eq!(handle.requests_to(POST), 0);
}
