//! The traffic cop over real HTTP to the local server: when the editor
//! closes on a reply, the ticket and its newest messages are read (two
//! GETs, counted by route) and a colleague's reply that came in meanwhile
//! is shown before anything is sent. The colleague is a second client of
//! the same server.

use std::time::Duration;

use crossterm::event::KeyCode;
use triage::api::types::{NewMessage, StatusCategory};
use triage::app::TicketSource;
use triage::app::state::{Scope, State};
use triage::model::MessageKind;
use triage::server::{self, Dataset, RouteFault, ServerConfig, ServerHandle};
use uuid::Uuid;

use crate::support::headless::spawn_loop;
use crate::support::live::{Ui, server_shows};
use crate::support::server as helpdesk;
use crate::support::ui_fixtures::SharedScreen;

const LIST: &str = "status:open sort:created order:asc";
const TICKET: &str = "GET /tickets/{id}";
const MESSAGES: &str = "GET /tickets/{id}/messages";

/// The app and the directory of its drafts and editor script.
struct Agent {
    ui: Ui,
    _dir: tempfile::TempDir,
}

impl std::ops::Deref for Agent {
    type Target = Ui;
    fn deref(&self) -> &Ui {
        &self.ui
    }
}

impl Agent {
    async fn quit(self) {
        self.ui.quit().await
    }
}

/// An editor that appends `line` to the file it is given.
fn appending_editor(dir: &std::path::Path, line: &str) -> String {
    let script = dir.join("editor.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s\\n' '{line}' >> \"$1\"\n"),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    format!("'{}'", script.display())
}

async fn open(handle: &ServerHandle, line: &str) -> Agent {
    let dir = tempfile::tempdir().unwrap();
    let (source, _) = helpdesk::source(handle, server::DEMO_KEY).await;
    let screen = SharedScreen::new(150, 36);
    let mut state = State::new(
        Scope {
            workspace: "demo".into(),
            view: None,
        },
        LIST.parse().unwrap(),
        20,
        Default::default(),
    )
    .with_names(source.catalog());
    state.triage.drafts = Some(triage::config::Drafts::new(dir.path().join("drafts")));
    state.triage.editor = Some(appending_editor(dir.path(), line));
    let (keys, task) = spawn_loop(state, source, &screen);
    let ui = Ui { screen, keys, task };
    ui.wait_for("the first page", |t| t.contains("page 1/"))
        .await;
    Agent { ui, _dir: dir }
}

fn first_open(data: &Dataset) -> (Uuid, i64) {
    let mut open: Vec<_> = data
        .tickets
        .iter()
        .filter(|t| data.category_of(t) == StatusCategory::Open)
        .collect();
    open.sort_by_key(|t| (t.created_at, t.id));
    (open[0].id, open[0].ticket_number)
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

async fn sent(handle: &ServerHandle, id: Uuid, body: &str) {
    server_shows(handle, body, |d| {
        d.ticket(id)
            .unwrap()
            .messages
            .iter()
            .any(|m| m.body == body)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_colleagues_reply_stops_ours_with_two_gets_and_nothing_new_asks_as_before() {
    let handle = helpdesk::spawn(ServerConfig {
        tickets: 40,
        ..ServerConfig::default()
    })
    .await;
    let (id, number) = handle.with_data(first_open);
    let ui = open(&handle, "Refund issued today.").await;
    ui.wait_for("the ticket", |t| t.contains(&format!("#{number}")))
        .await;

    // Nothing new: the usual confirmation, after exactly one GET of each.
    let (tickets, messages) = (handle.requests_to(TICKET), handle.requests_to(MESSAGES));
    ui.key(KeyCode::Char('R'));
    let text = ui
        .wait_for("the confirmation", |t| {
            t.contains(&format!("Send reply to #{number} (customer sees it)?"))
        })
        .await;
    assert!(!text.contains("since you started writing"), "{text}");
    assert_eq!(handle.requests_to(TICKET), tickets + 1);
    assert_eq!(handle.requests_to(MESSAGES), messages + 1);
    ui.key(KeyCode::Esc);
    ui.wait_for("kept", |t| t.contains("the draft is kept"))
        .await;

    // A colleague answers the customer from another client.
    let (colleague, _) = helpdesk::source(&handle, server::DEMO_KEY).await;
    colleague
        .post_message(
            id,
            &NewMessage {
                kind: MessageKind::Reply,
                body: "We shipped a replacement yesterday.\nTracking follows.".into(),
            },
        )
        .await
        .unwrap();
    let before = bodies(&handle, id).len();
    let (tickets, messages) = (handle.requests_to(TICKET), handle.requests_to(MESSAGES));
    ui.key(KeyCode::Char('R'));
    let text = ui
        .wait_for("the traffic cop", |t| {
            t.contains(&format!("new on #{number} since you started writing"))
        })
        .await;
    assert!(
        text.contains("We shipped a replacement yesterday.") && text.contains("Tracking follows."),
        "their message shown:\n{text}"
    );
    assert!(text.contains("send anyway") && text.contains("edit again"));
    assert_eq!(
        handle.requests_to(TICKET),
        tickets + 1,
        "one GET of the ticket"
    );
    assert_eq!(
        handle.requests_to(MESSAGES),
        messages + 1,
        "one of its messages"
    );
    assert_eq!(bodies(&handle, id).len(), before, "nothing sent yet");

    ui.key(KeyCode::Char('y'));
    // The draft opened again had the line once; this editor added it again.
    sent(&handle, id, "Refund issued today.\nRefund issued today.").await;
    assert_eq!(bodies(&handle, id).len(), before + 1);
    ui.quit().await;
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_the_messages_route_does_not_block_a_note() {
    let handle = helpdesk::spawn(ServerConfig {
        tickets: 40,
        ..ServerConfig::default()
    })
    .await;
    let (id, number) = handle.with_data(first_open);
    let ui = open(&handle, "Looked into it.").await;
    ui.wait_for("the ticket", |t| t.contains(&format!("#{number}")))
        .await;
    handle.inject_route_fault(RouteFault {
        route: MESSAGES.into(),
        ticket: Some(id),
        delay: Duration::ZERO,
        status: Some(404),
        times: 1,
    });
    ui.key(KeyCode::Char('n'));
    sent(&handle, id, "Looked into it.").await;
    ui.wait_for("the note sent", |t| {
        t.contains(&format!("#{number}: note sent"))
    })
    .await;
    ui.quit().await;
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_and_set_solved_is_the_reply_then_one_patch_that_our_reply_does_not_trip() {
    let handle = helpdesk::spawn(ServerConfig {
        tickets: 40,
        ..ServerConfig::default()
    })
    .await;
    let (id, number) = handle.with_data(first_open);
    let ui = open(&handle, "All fixed.").await;
    ui.wait_for("the ticket", |t| t.contains(&format!("#{number}")))
        .await;
    let patches = handle.requests_to("PATCH /tickets/{id}");
    ui.key(KeyCode::Char('R'));
    let text = ui
        .wait_for("the confirmation", |t| t.contains("send and set Solved"))
        .await;
    assert!(text.contains("send and set Awaiting customer"), "{text}");
    ui.key(KeyCode::Char('s'));
    server_shows(&handle, "solved", |d| {
        let t = d.ticket(id).unwrap();
        d.status(t.status_id).is_some_and(|s| s.name == "Solved")
    })
    .await;
    assert!(bodies(&handle, id).iter().any(|b| b == "All fixed."));
    assert_eq!(handle.requests_to("PATCH /tickets/{id}"), patches + 1);
    let text = ui.screen.text();
    assert!(!text.contains("changed by someone else"), "{text}");
    ui.quit().await;
    handle.shutdown().await;
}
