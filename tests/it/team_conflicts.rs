//! Two agents on one queue, over real HTTP to the local server: every write
//! names the `updated_at` the client last saw (`If-Unmodified-Since`), a
//! 412 shows what the colleague changed and resends nothing without the
//! agent's word, and no write costs an extra GET. The colleague is the
//! test, changing the server's data as another client would.

use std::time::Duration;

use chrono::Utc;
use crossterm::event::KeyCode;
use triage::api::types::{PriorityLevel, StatusCategory};
use triage::app::state::{Scope, State};
use triage::filter::TicketFilter;
use triage::server::{self, Dataset, ServerConfig, ServerHandle};
use uuid::Uuid;

use crate::support::headless::spawn_loop;
use crate::support::live::{DEADLINE, Ui, server_shows};
use crate::support::server as helpdesk;
use crate::support::ui_fixtures::SharedScreen;

const LIST: &str = "status:open sort:created order:asc";

async fn open(handle: &ServerHandle) -> Ui {
    let (source, _) = helpdesk::source(handle, server::DEMO_KEY).await;
    let screen = SharedScreen::new(150, 30);
    let filter: TicketFilter = LIST.parse().unwrap();
    let state = State::new(
        Scope {
            workspace: "demo".into(),
            view: None,
        },
        filter,
        20,
        Default::default(),
    )
    .with_names(source.catalog());
    let (keys, task) = spawn_loop(state, source, &screen);
    let ui = Ui { screen, keys, task };
    ui.wait_for("the first page", |t| t.contains("page 1/"))
        .await;
    ui
}

/// The first `n` tickets of [`LIST`], as the UI lists them.
fn first_open(data: &Dataset, n: usize) -> Vec<(Uuid, i64)> {
    let mut open: Vec<_> = data
        .tickets
        .iter()
        .filter(|t| data.category_of(t) == StatusCategory::Open)
        .collect();
    open.sort_by_key(|t| (t.created_at, t.id));
    open.iter()
        .take(n)
        .map(|t| (t.id, t.ticket_number))
        .collect()
}

/// A colleague solves ticket `id` and takes it, now.
fn colleague_solves(handle: &ServerHandle, id: Uuid) -> (String, String) {
    let now = Utc::now();
    let mut names = (String::new(), String::new());
    handle.with_data_mut(|d| {
        let solved = d
            .statuses
            .iter()
            .find(|s| s.category == StatusCategory::Resolved)
            .unwrap()
            .clone();
        let current = d.ticket(id).unwrap().assignee_id;
        let grace = d
            .users
            .iter()
            .skip(3)
            .find(|u| Some(u.id) != current)
            .unwrap()
            .clone();
        let t = d.tickets.iter_mut().find(|t| t.id == id).unwrap();
        t.status_id = solved.id;
        t.assignee_id = Some(grace.id);
        t.updated_at = now;
        names = (solved.name, grace.name);
    });
    names
}

fn level(handle: &ServerHandle, id: Uuid) -> PriorityLevel {
    handle.with_data(|d| d.level_of(d.ticket(id).unwrap()))
}

async fn spawn() -> ServerHandle {
    helpdesk::spawn(ServerConfig {
        tickets: 80,
        ..ServerConfig::default()
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_write_over_a_colleagues_change_asks_and_keeps_theirs() {
    let handle = spawn().await;
    let [(id, number)] = handle.with_data(|d| first_open(d, 1))[..] else {
        panic!("an open ticket");
    };
    let ui = open(&handle).await;
    ui.wait_for("the ticket", |t| t.contains(&format!("#{number}")))
        .await;
    let (solved, grace) = colleague_solves(&handle, id);
    let reads = handle.requests_to("GET /tickets/{id}");
    let before = level(&handle, id);

    ui.key(KeyCode::Char('p'));
    ui.wait_for("the priority picker", |t| t.contains("Priority of"))
        .await;
    ui.keys("urgent");
    ui.key(KeyCode::Enter);
    let text = ui
        .wait_for("the conflict", |t| t.contains("changed by someone else"))
        .await;
    assert!(
        text.contains(&format!("#{number} changed")) && text.contains(&format!("→ {solved}")),
        "names the status they set:\n{text}"
    );
    assert!(
        text.contains(&format!("→ {grace}")),
        "names who took it:\n{text}"
    );
    assert!(text.contains("apply mine anyway") && text.contains("keep theirs"));
    // Theirs is in the row at once, and nothing was applied.
    assert_eq!(level(&handle, id), before);
    assert_eq!(handle.requests_to("PATCH /tickets/{id}"), 1);
    assert_eq!(
        handle.requests_to("GET /tickets/{id}"),
        reads,
        "no GET on the write path: the 412 carries the ticket"
    );

    ui.key(KeyCode::Char('k'));
    ui.wait_for("kept theirs", |t| t.contains("kept theirs"))
        .await;
    assert_eq!(level(&handle, id), before);
    assert_eq!(
        handle.requests_to("PATCH /tickets/{id}"),
        1,
        "nothing resent"
    );
    handle.with_data(|d| {
        let t = d.ticket(id).unwrap();
        assert_eq!(d.status(t.status_id).unwrap().name, solved);
    });
    ui.quit().await;
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_mine_anyway_sends_it_once_more_and_leaves_their_other_fields() {
    let handle = spawn().await;
    let [(id, number)] = handle.with_data(|d| first_open(d, 1))[..] else {
        panic!("an open ticket");
    };
    let ui = open(&handle).await;
    ui.wait_for("the ticket", |t| t.contains(&format!("#{number}")))
        .await;
    let (solved, _) = colleague_solves(&handle, id);
    ui.key(KeyCode::Char('p'));
    ui.wait_for("the priority picker", |t| t.contains("Priority of"))
        .await;
    ui.keys("urgent");
    ui.key(KeyCode::Enter);
    ui.wait_for("the conflict", |t| t.contains("changed by someone else"))
        .await;
    ui.key(KeyCode::Char('a'));
    server_shows(&handle, "urgent", |d| {
        d.level_of(d.ticket(id).unwrap()) == PriorityLevel::Urgent
    })
    .await;
    handle.with_data(|d| {
        let t = d.ticket(id).unwrap();
        assert_eq!(d.status(t.status_id).unwrap().name, solved, "theirs stays");
    });
    assert_eq!(handle.requests_to("PATCH /tickets/{id}"), 2);
    ui.quit().await;
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn own_quick_writes_on_one_ticket_are_not_taken_for_a_colleagues() {
    let handle = spawn().await;
    let [(id, number)] = handle.with_data(|d| first_open(d, 1))[..] else {
        panic!("an open ticket");
    };
    let me = handle.with_data(|d| d.users[2].clone());
    let ui = open(&handle).await;
    ui.wait_for("the ticket", |t| t.contains(&format!("#{number}")))
        .await;
    // Three writes on one ticket without waiting for any answer.
    ui.key(KeyCode::Char('p'));
    ui.wait_for("the priority picker", |t| t.contains("Priority of"))
        .await;
    ui.keys("urgent");
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Char('a'));
    ui.wait_for("the assign picker", |t| t.contains("Assign #"))
        .await;
    ui.keys(&me.name);
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Char('p'));
    ui.wait_for("the priority picker", |t| t.contains("Priority of"))
        .await;
    ui.keys("low");
    ui.key(KeyCode::Enter);
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while !handle.with_data(|d| {
        let t = d.ticket(id).unwrap();
        d.level_of(t) == PriorityLevel::Low && t.assignee_id == Some(me.id)
    }) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "all three applied: {} PATCHes\n{}",
            handle.requests_to("PATCH /tickets/{id}"),
            ui.screen.text()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let text = ui.screen.text();
    assert!(!text.contains("changed by someone else"), "{text}");
    assert_eq!(handle.requests_to("PATCH /tickets/{id}"), 3);
    ui.quit().await;
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_run_reports_conflicts_keeps_them_marked_and_f_forces_them() {
    let handle = spawn().await;
    let rows = handle.with_data(|d| first_open(d, 3));
    let ui = open(&handle).await;
    ui.wait_for("the tickets", |t| t.contains(&format!("#{}", rows[2].1)))
        .await;
    for _ in 0..3 {
        ui.key(KeyCode::Char(' '));
    }
    ui.wait_for("three marked", |t| t.contains("3 marked"))
        .await;
    let (solved, _) = colleague_solves(&handle, rows[1].0);
    ui.key(KeyCode::Char('p'));
    ui.wait_for("the priority picker", |t| t.contains("Priority of"))
        .await;
    ui.keys("urgent");
    ui.key(KeyCode::Enter);
    ui.wait_for("the confirmation", |t| t.contains("confirm"))
        .await;
    ui.key(KeyCode::Char('y'));
    let text = ui
        .wait_for("the report", |t| t.contains("F applies yours anyway"))
        .await;
    assert!(text.contains("changed by someone else: status"), "{text}");
    assert!(text.contains(&solved), "{text}");
    assert!(text.contains("F applies yours anyway"), "{text}");
    assert_eq!(level(&handle, rows[0].0), PriorityLevel::Urgent);
    assert_eq!(level(&handle, rows[2].0), PriorityLevel::Urgent);
    assert_ne!(level(&handle, rows[1].0), PriorityLevel::Urgent);
    assert_eq!(handle.requests_to("PATCH /tickets/{id}"), 3, "not resent");

    ui.key(KeyCode::Char('F'));
    server_shows(&handle, "forced", |d| {
        d.level_of(d.ticket(rows[1].0).unwrap()) == PriorityLevel::Urgent
    })
    .await;
    assert_eq!(handle.requests_to("PATCH /tickets/{id}"), 4);
    let text = ui
        .wait_for("the second report", |t| t.contains("1 of 1 changed"))
        .await;
    assert!(!text.contains("F applies"), "{text}");
    ui.key(KeyCode::Esc);
    ui.quit().await;
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_never_overwrites_a_later_change_by_someone_else() {
    let handle = spawn().await;
    let [(id, number)] = handle.with_data(|d| first_open(d, 1))[..] else {
        panic!("an open ticket");
    };
    let ui = open(&handle).await;
    ui.wait_for("the ticket", |t| t.contains(&format!("#{number}")))
        .await;
    ui.key(KeyCode::Char('p'));
    ui.wait_for("the priority picker", |t| t.contains("Priority of"))
        .await;
    ui.keys("urgent");
    ui.key(KeyCode::Enter);
    ui.wait_for("the notice", |t| t.contains(&format!("#{number} →")))
        .await;
    // The colleague changes it a second later than our write.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let now = Utc::now();
    handle.with_data_mut(|d| {
        let low = d
            .priorities
            .iter()
            .find(|p| p.level == PriorityLevel::High)
            .unwrap()
            .id;
        let t = d.tickets.iter_mut().find(|t| t.id == id).unwrap();
        t.priority_id = low;
        t.updated_at = now;
    });
    ui.key(KeyCode::Char('U'));
    let text = ui
        .wait_for("the conflict", |t| t.contains("changed by someone else"))
        .await;
    assert!(text.contains("priority"), "{text}");
    assert_eq!(level(&handle, id), PriorityLevel::High, "theirs stays");
    ui.key(KeyCode::Esc);
    ui.wait_for("kept theirs", |t| t.contains("kept theirs"))
        .await;
    assert_eq!(handle.requests_to("PATCH /tickets/{id}"), 2);
    ui.quit().await;
    handle.shutdown().await;
}
