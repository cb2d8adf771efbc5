//! Triage against the local helpdesk server over real HTTP on 127.0.0.1:
//! the whole loop (`drive`) with the real `ApiSource`, keys in, screen out
//! (a `TestBackend`), and the server's data checked after each action.
//! Every wait is for a condition with a deadline.

use std::time::Duration;

use crossterm::event::KeyCode;

use triage::api::types::{PriorityLevel, StatusCategory, TicketPatch};
use triage::app::TicketSource;
use triage::app::state::{Scope, State};
use triage::app::triage::WriteError;
use triage::filter::{EntityRef, TicketFilter};
use triage::model::MessageKind;
use triage::runtime::ApiSource;
use triage::server::{self, Dataset, RateLimitFault, ServerConfig, ServerHandle};
use uuid::Uuid;

use crate::support::headless::spawn_loop;
use crate::support::live::{DEADLINE, Ui, server_shows};
use crate::support::server as helpdesk;
use crate::support::ui_fixtures::SharedScreen;

async fn source_for(handle: &ServerHandle, key: &str) -> ApiSource {
    helpdesk::source(handle, key).await.0
}

async fn open(handle: &ServerHandle, key: &str, filter: &str, me: Option<&str>) -> Ui {
    let source = source_for(handle, key).await;
    let screen = SharedScreen::new(140, 30);
    let filter: TicketFilter = filter.parse().unwrap();
    let mut state = State::new(
        Scope {
            workspace: "demo".into(),
            view: None,
        },
        filter,
        20,
        Default::default(),
    )
    .with_names(source.catalog());
    state.me = me.map(|m| EntityRef::Name(m.to_string()));
    let (keys, task) = spawn_loop(state, source, &screen);
    let ui = Ui { screen, keys, task };
    ui.wait_for("the first page", |t| t.contains("page 1/"))
        .await;
    ui
}

async fn spawn(tickets: usize, companion: bool) -> ServerHandle {
    helpdesk::spawn(ServerConfig {
        tickets,
        companion_endpoints: companion,
        ..ServerConfig::default()
    })
    .await
}

/// The first ticket of `status:open sort:created order:asc` (a stable row 1).
fn first_open(data: &Dataset) -> (Uuid, i64) {
    data.tickets
        .iter()
        .filter(|t| data.category_of(t) == StatusCategory::Open)
        .min_by_key(|t| (t.created_at, t.id))
        .map(|t| (t.id, t.ticket_number))
        .unwrap()
}

const LIST: &str = "status:open sort:created order:asc";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_action_changes_the_ticket_on_the_server() {
    let handle = spawn(80, true).await;
    let (id, number) = handle.with_data(first_open);
    let agent = handle.with_data(|d| d.users[1].clone());
    let me = handle.with_data(|d| d.users[2].clone());
    let ui = open(&handle, server::DEMO_KEY, LIST, Some(&me.name)).await;
    ui.wait_for("the ticket", |t| t.contains(&format!("#{number}")))
        .await;

    // p: priority.
    ui.key(KeyCode::Char('p'));
    ui.wait_for("the priority picker", |t| t.contains("Priority of"))
        .await;
    ui.keys("urgent");
    ui.key(KeyCode::Enter);
    server_shows(&handle, "urgent", |d| {
        d.level_of(d.ticket(id).unwrap()) == PriorityLevel::Urgent
    })
    .await;
    // The workspace's own name for the level is what the agent reads.
    let urgent = handle.with_data(|d| {
        d.priorities
            .iter()
            .find(|p| p.level == PriorityLevel::Urgent)
            .unwrap()
            .name
            .clone()
    });
    ui.wait_for("the notice", |t| {
        t.contains(&format!("#{number} → {urgent}"))
    })
    .await;

    // a: assign, narrowed by typing the agent's name.
    ui.key(KeyCode::Char('a'));
    ui.wait_for("the assign picker", |t| t.contains("Assign #"))
        .await;
    ui.keys(&agent.name);
    ui.key(KeyCode::Enter);
    server_shows(&handle, "assigned", |d| {
        d.ticket(id).unwrap().assignee_id == Some(agent.id)
    })
    .await;

    // A: to me.
    ui.key(KeyCode::Char('A'));
    server_shows(&handle, "assigned to me", |d| {
        d.ticket(id).unwrap().assignee_id == Some(me.id)
    })
    .await;

    // z: snooze for 4 hours, back to an open status.
    ui.key(KeyCode::Char('z'));
    ui.wait_for("the snooze dialog", |t| t.contains("Snooze #"))
        .await;
    ui.keys("4h");
    ui.key(KeyCode::Enter);
    server_shows(&handle, "snoozed", |d| {
        let t = d.ticket(id).unwrap();
        d.category_of(t) == StatusCategory::Waiting
            && t.remind_at.is_some()
            && t.remind_transition_status_id
                .and_then(|s| d.status(s))
                .is_some_and(|s| s.category == StatusCategory::Open)
    })
    .await;
    // The row left `status:open`: still shown (dimmed), with its reminder.
    ui.wait_for("the reminder", |t| t.contains("◷ 3h") || t.contains("◷ 4h"))
        .await;

    // t: status.
    let solved = handle.with_data(|d| {
        d.statuses
            .iter()
            .find(|s| s.category == StatusCategory::Resolved)
            .unwrap()
            .clone()
    });
    ui.key(KeyCode::Char('t'));
    ui.wait_for("the status picker", |t| t.contains("Status of"))
        .await;
    ui.keys(&solved.name);
    ui.key(KeyCode::Enter);
    server_shows(&handle, "solved", |d| {
        let t = d.ticket(id).unwrap();
        t.status_id == solved.id && t.remind_at.is_none()
    })
    .await;

    // U: undo the status change.
    ui.key(KeyCode::Char('U'));
    server_shows(&handle, "back to waiting", |d| {
        d.category_of(d.ticket(id).unwrap()) == StatusCategory::Waiting
    })
    .await;
    ui.quit().await;
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_key_disables_actions_and_changes_nothing() {
    let handle = spawn(300, true).await;
    let before = handle.with_data(|d| d.tickets.clone());
    let ui = open(&handle, server::DEMO_READONLY_KEY, LIST, None).await;
    ui.key(KeyCode::Char('p'));
    ui.wait_for("the picker", |t| t.contains("Priority of"))
        .await;
    ui.keys("urgent");
    ui.key(KeyCode::Enter);
    ui.wait_for("the message", |t| t.contains("read-only"))
        .await;
    // The row went back; the next action is refused at once, no dialog.
    ui.key(KeyCode::Esc);
    ui.key(KeyCode::Char('t'));
    ui.wait_for("the refusal", |t| {
        t.contains("read-only") && !t.contains("Status of")
    })
    .await;
    // Browsing works: next page.
    ui.key(KeyCode::Char(']'));
    ui.wait_for("page 2", |t| t.contains("page 2/")).await;
    let after = handle.with_data(|d| d.tickets.clone());
    assert_eq!(
        before
            .iter()
            .map(|t| (t.id, t.priority_id, t.status_id, t.assignee_id))
            .collect::<Vec<_>>(),
        after
            .iter()
            .map(|t| (t.id, t.priority_id, t.status_id, t.assignee_id))
            .collect::<Vec<_>>(),
        "nothing changed on the server"
    );
    ui.quit().await;
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_patch_disables_actions_with_its_own_message() {
    let handle = spawn(30, false).await;
    let ui = open(&handle, server::DEMO_KEY, "", None).await;
    ui.key(KeyCode::Char('t'));
    ui.wait_for("the picker", |t| t.contains("Status of")).await;
    ui.keys("closed");
    ui.key(KeyCode::Enter);
    ui.wait_for("the message", |t| t.contains("does not accept changes"))
        .await;
    ui.quit().await;
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_run_through_a_429_changes_each_marked_ticket_once() {
    let handle = spawn(80, true).await;
    let ui = open(&handle, server::DEMO_KEY, LIST, None).await;
    // Mark six rows.
    ui.keys("      ");
    ui.wait_for("six marks", |t| t.contains("6 marked")).await;
    ui.key(KeyCode::Char('p'));
    ui.wait_for("the picker", |t| t.contains("Priority of 6 tickets"))
        .await;
    ui.keys("low");
    ui.key(KeyCode::Enter);
    let low = handle.with_data(|d| {
        d.priorities
            .iter()
            .find(|p| p.level == PriorityLevel::Low)
            .unwrap()
            .name
            .clone()
    });
    let question = format!("Set 6 tickets to {low}?");
    ui.wait_for("the question", |t| t.contains(&question)).await;
    // The next request answers 429 (1 s): the run waits, then resumes.
    handle.inject_rate_limit(RateLimitFault {
        retry_after: Some(1),
        retry_after_header: None,
        times: 1,
    });
    let requests = handle.request_count();
    ui.key(KeyCode::Char('y'));
    // Tickets already at that level get no request (reported "already").
    let report = ui
        .wait_for("the report", |t| t.contains("6 of 6 tickets ·"))
        .await;
    // "6 of 6 tickets · 4 changed · 2 already Low", inside the popup.
    let line = report
        .lines()
        .find_map(|l| l.split_once("6 of 6 tickets ·").map(|(_, rest)| rest))
        .unwrap_or_default()
        .to_string();
    let count = |word: &str| -> u64 {
        let Some(at) = line.find(word) else {
            return 0;
        };
        line[..at]
            .split_whitespace()
            .last()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let changed = count(" changed");
    let already = count(" already");
    assert_eq!(changed + already, 6, "{line}\n{report}");
    let lows = handle.with_data(|d| {
        d.tickets
            .iter()
            .filter(|t| d.level_of(t) == PriorityLevel::Low)
            .count()
    });
    assert!(lows >= 6);
    // One PATCH per changed ticket plus the one refused by the 429 (no
    // more, no fewer; a prefetch may add a GET).
    let sent = handle.request_count() - requests;
    assert!(
        (changed + 1..=changed + 2).contains(&sent),
        "{sent} requests for {changed} changed"
    );
    ui.key(KeyCode::Esc);
    ui.quit().await;
    handle.shutdown().await;
}

#[tokio::test]
async fn writes_are_sent_once_and_errors_become_what_the_ui_shows() {
    let handle = spawn(10, true).await;
    let source = source_for(&handle, server::DEMO_KEY).await;
    let id = handle.with_data(|d| d.tickets[0].id);
    let patch = TicketPatch {
        priority: Some(PriorityLevel::Urgent),
        ..TicketPatch::default()
    };
    // A 503 is retried for a GET, never for a write.
    handle.inject_status(503, "{\"message\":\"busy\"}".into(), 1);
    let before = handle.request_count();
    let err = source.update_ticket(id, &patch, None).await.unwrap_err();
    assert!(matches!(err, WriteError::Failed { .. }), "{err:?}");
    assert_eq!(handle.request_count() - before, 1, "sent once");
    handle.inject_status(405, String::new(), 1);
    assert_eq!(
        source.update_ticket(id, &patch, None).await,
        Err(WriteError::NotSupported)
    );
    handle.inject_rate_limit(RateLimitFault {
        retry_after: Some(1),
        retry_after_header: None,
        times: 1,
    });
    assert!(matches!(
        source.update_ticket(id, &patch, None).await,
        Err(WriteError::RateLimited { .. })
    ));
    source.clear_rate_limit();
    let ro = source_for(&handle, server::DEMO_READONLY_KEY).await;
    assert!(matches!(
        ro.update_ticket(id, &patch, None).await,
        Err(WriteError::ReadOnly { .. })
    ));
    // A ticket that is gone is not "no PATCH".
    let err = source
        .update_ticket(Uuid::from_u128(7), &patch, None)
        .await
        .unwrap_err();
    assert!(matches!(err, WriteError::Failed { .. }), "{err:?}");
    let t = source.update_ticket(id, &patch, None).await.unwrap();
    assert_eq!(t.ticket.priority, PriorityLevel::Urgent);
    handle.shutdown().await;
}

/// An "editor" for the tests: a script that copies the file it is given
/// to `seen` (what the agent would have read), then appends `line` unless
/// it is empty.
fn script_editor(dir: &std::path::Path, seen: &std::path::Path, line: &str) -> String {
    let script = dir.join(format!("editor-{}.sh", line.len()));
    let append = if line.is_empty() {
        String::new()
    } else {
        format!("printf '%s\\n' '{line}' >> \"$1\"\n")
    };
    std::fs::write(
        &script,
        format!("#!/bin/sh\ncp \"$1\" '{}'\n{append}", seen.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    format!("'{}'", script.display())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_note_that_failed_with_503_stays_a_draft_until_a_201() {
    let handle = spawn(40, true).await;
    let (id, number) = handle.with_data(first_open);
    let dir = tempfile::tempdir().unwrap();
    let drafts = triage::config::Drafts::new(dir.path().join("drafts"));
    let seen = dir.path().join("seen.txt");
    let source = source_for(&handle, server::DEMO_KEY).await;
    let screen = SharedScreen::new(140, 30);
    let mut state = State::new(
        Scope::default(),
        LIST.parse().unwrap(),
        20,
        Default::default(),
    )
    .with_names(source.catalog());
    state.triage.drafts = Some(drafts.clone());
    state.triage.editor = Some(script_editor(dir.path(), &seen, "Escalated to billing."));
    let (keys, task) = spawn_loop(state, source, &screen);
    let ui = Ui { screen, keys, task };
    ui.wait_for("the ticket", |t| t.contains(&format!("#{number}")))
        .await;

    let messages = |d: &Dataset| d.ticket(id).unwrap().messages.to_vec();
    let before = handle.with_data(messages).len();
    // The POST, not the traffic cop's reads before it.
    handle.inject_route_fault(triage::server::RouteFault {
        route: "POST /tickets/{id}/messages".into(),
        ticket: Some(id),
        delay: Duration::ZERO,
        status: Some(503),
        times: 1,
    });
    ui.key(KeyCode::Char('n'));
    ui.wait_for("the failure", |t| t.contains("the note was not sent"))
        .await;
    let kept = drafts
        .load(triage::config::DraftOwner::Ticket(id), MessageKind::Note)
        .unwrap()
        .expect("draft kept");
    assert_eq!(kept.text, "Escalated to billing.\n");
    assert_eq!(handle.with_data(messages).len(), before, "nothing posted");
    assert!(
        std::fs::read_to_string(&seen)
            .unwrap()
            .contains(&format!("on #{number}"))
    );

    // Next `n` on the ticket opens the draft, not the template; this
    // editor leaves it as it is, and it is sent.
    ui.key(KeyCode::Enter);
    ui.wait_for("the detail says a draft is kept", |t| {
        t.contains("unsent note draft kept")
    })
    .await;
    ui.key(KeyCode::Esc);
    ui.quit().await;

    let source = source_for(&handle, server::DEMO_KEY).await;
    let screen = SharedScreen::new(140, 30);
    let mut state = State::new(
        Scope::default(),
        LIST.parse().unwrap(),
        20,
        Default::default(),
    )
    .with_names(source.catalog());
    state.triage.drafts = Some(drafts.clone());
    state.triage.editor = Some(script_editor(dir.path(), &seen, ""));
    let (keys, task) = spawn_loop(state, source, &screen);
    let ui = Ui { screen, keys, task };
    ui.wait_for("the ticket", |t| t.contains(&format!("#{number}")))
        .await;
    ui.key(KeyCode::Char('n'));
    server_shows(&handle, "the note", |d| {
        messages(d)
            .last()
            .is_some_and(|m| m.body == "Escalated to billing.")
    })
    .await;
    assert_eq!(
        std::fs::read_to_string(&seen).unwrap(),
        "Escalated to billing.\n"
    );
    ui.wait_for("the notice", |t| {
        t.contains(&format!("#{number}: note sent"))
    })
    .await;
    assert_eq!(
        drafts
            .load(triage::config::DraftOwner::Ticket(id), MessageKind::Note)
            .unwrap(),
        None,
        "gone after the 201"
    );
    ui.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_conversation_loads_its_next_page_as_it_is_scrolled() {
    let handle = spawn(1, true).await;
    handle.with_data_mut(|d| {
        let t = &mut d.tickets[0];
        t.messages = (0..150u128)
            .map(|i| triage::server::ServerMessage {
                id: Uuid::from_u128(0xc0_0000 + i),
                author_name: None,
                author_type: triage::api::types::AuthorType::Contact,
                body: format!("message number {i}"),
                created_at: t.created_at,
            })
            .collect();
    });
    let ui = open(&handle, server::DEMO_KEY, "", None).await;
    ui.key(KeyCode::Enter);
    ui.wait_for("the first page of the conversation", |t| {
        t.contains("(100 of 150 messages)")
    })
    .await;
    // At the end of page one the next is asked; once it is in, the end
    // is further on (the heading, scrolled away, then says 150 of 150).
    ui.key(KeyCode::End);
    ui.wait_for("the end of page one", |t| t.contains("message number 99"))
        .await;
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while !ui.screen.text().contains("message number 149") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{}",
            ui.screen.text()
        );
        ui.key(KeyCode::End);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    ui.key(KeyCode::Home);
    ui.wait_for("all of it", |t| t.contains("conversation (150 messages)"))
        .await;
    ui.key(KeyCode::Esc);
    ui.quit().await;
}
