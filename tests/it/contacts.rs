//! Requesters over real HTTP to the local server: the detail names the
//! contact (name, email, company) once `GET /contacts/{id}` answers, each
//! contact is asked once per session (counted by route), a missing contact
//! or a server without the route leaves the id shown as before, and such a
//! server is not asked again and again. `triage list --columns requester`
//! prints the name.

use crossterm::event::KeyCode;
use triage::api::types::StatusCategory;
use triage::app::state::{Scope, State};
use triage::filter::TicketFilter;
use triage::server::{self, Contact, Dataset, ServerConfig, ServerHandle};
use uuid::Uuid;

use crate::support::cli::{AgentHome, run_triage};
use crate::support::headless::spawn_loop;
use crate::support::live::Ui;
use crate::support::server as helpdesk;
use crate::support::ui_fixtures::SharedScreen;

const LIST: &str = "status:open sort:created order:asc";
const CONTACTS: &str = "GET /contacts/{id}";

impl Ui {
    async fn open(handle: &ServerHandle) -> Ui {
        let (source, _) = helpdesk::source(handle, server::DEMO_KEY).await;
        let screen = SharedScreen::new(150, 30);
        let filter: TicketFilter = LIST.parse().unwrap();
        let scope = Scope {
            workspace: "demo".into(),
            view: None,
        };
        let state = State::new(scope, filter, 20, Default::default()).with_names(source.catalog());
        let (keys, task) = spawn_loop(state, source, &screen);
        let ui = Ui { screen, keys, task };
        ui.wait_for("the first page", |t| t.contains("page 1/"))
            .await;
        ui
    }

    /// Opens the detail of the row `down` rows below the first, waits for
    /// its id to be drawn, and closes it again.
    async fn look_at(&self, down: usize, id: Uuid, expect: &str) -> String {
        self.key(KeyCode::Char('g'));
        for _ in 0..down {
            self.key(KeyCode::Char('j'));
        }
        self.key(KeyCode::Enter);
        let text = self
            .wait_for(expect, |t| {
                t.contains(&id.to_string()) && t.contains(expect)
            })
            .await;
        self.key(KeyCode::Esc);
        self.wait_for("the detail closed", |t| !t.contains(&id.to_string()))
            .await;
        text
    }
}

/// The first `n` open tickets as the UI lists them, given `contact` (a new
/// id when `None`: a contact the server does not have).
fn first_open_with(handle: &ServerHandle, n: usize, contact: Option<Uuid>) -> Vec<Uuid> {
    let mut ids = Vec::new();
    handle.with_data_mut(|d: &mut Dataset| {
        let mut open: Vec<_> = d
            .tickets
            .iter()
            .filter(|t| d.category_of(t) == StatusCategory::Open)
            .map(|t| (t.created_at, t.id))
            .collect();
        open.sort();
        ids = open.into_iter().take(n).map(|(_, id)| id).collect();
        for (i, t) in d.tickets.iter_mut().enumerate() {
            if ids.contains(&t.id) {
                t.contact_id = Some(contact.unwrap_or(Uuid::from_u128(0xdead_0000 + i as u128)));
            }
        }
    });
    ids
}

fn a_contact(handle: &ServerHandle) -> Contact {
    handle.with_data(|d| d.contacts[0].clone())
}

async fn spawn(companions: bool) -> ServerHandle {
    helpdesk::spawn(ServerConfig {
        tickets: 60,
        companion_endpoints: companions,
        ..ServerConfig::default()
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_detail_names_the_requester_and_each_contact_is_asked_once() {
    let handle = spawn(true).await;
    let c = a_contact(&handle);
    let tickets = first_open_with(&handle, 2, Some(c.id));
    let ui = Ui::open(&handle).await;

    // The name alone may be in the conversation: wait for the field.
    let field = format!("requester {}", c.name);
    let text = ui.look_at(0, tickets[0], &field).await;
    // The company comes after the email (cut to the pane's width here).
    let company = c.company.split(' ').next().unwrap();
    assert!(
        text.contains(&format!("<{}> · {company}", c.email)),
        "{text}"
    );
    ui.look_at(1, tickets[1], &field).await;
    ui.look_at(0, tickets[0], &field).await;
    assert_eq!(
        handle.requests_to(CONTACTS),
        1,
        "one GET per contact, not per ticket opened"
    );
    ui.quit().await;
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_contact_shows_its_id_and_is_not_asked_again() {
    let handle = spawn(true).await;
    let tickets = first_open_with(&handle, 1, None);
    let contact = handle.with_data(|d| d.ticket(tickets[0]).unwrap().contact_id.unwrap());
    let ui = Ui::open(&handle).await;

    let text = ui.look_at(0, tickets[0], &contact.to_string()).await;
    assert!(text.contains("contact"), "{text}");
    ui.look_at(0, tickets[0], &contact.to_string()).await;
    assert_eq!(handle.requests_to(CONTACTS), 1);
    ui.quit().await;
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_contacts_is_asked_a_few_times_at_most() {
    for companions in [true, false] {
        let handle = spawn(companions).await;
        // Every ticket's contact unknown to the server: with companions on,
        // only "404 after 404, none found" tells that the route is missing.
        let n = 6;
        let tickets = first_open_with(&handle, n, None);
        let ui = Ui::open(&handle).await;
        for (i, id) in tickets.iter().enumerate() {
            let contact = handle.with_data(|d| d.ticket(*id).unwrap().contact_id.unwrap());
            ui.look_at(i, *id, &contact.to_string()).await;
        }
        let asked = handle.requests_to(CONTACTS);
        let most = if companions {
            u64::from(triage::app::contacts::STRIKES)
        } else {
            1
        };
        assert!(
            asked <= most && asked >= 1,
            "companions {companions}: {asked} GETs for {n} tickets"
        );
        ui.quit().await;
        handle.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_prints_the_requesters_name_asking_once_per_contact() {
    let handle = spawn(true).await;
    let c = a_contact(&handle);
    let tickets = first_open_with(&handle, 3, Some(c.id));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    let base = handle.base_url();
    let args = ["list", "--base-url", &base, "--per-page", "3"];
    let more = [
        "--format",
        "csv",
        "--columns",
        "number,requester",
        "--filter",
        LIST,
    ];
    let out = run_triage(
        &[&args[..], &more[..]].concat(),
        &AgentHome::new(&dir, server::DEMO_KEY).env(),
    )
    .await;
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    let named = text.lines().filter(|l| l.contains(&c.name)).count();
    assert_eq!(named, tickets.len(), "{text}");
    assert_eq!(handle.requests_to(CONTACTS), 1, "{text}");
    handle.shutdown().await;
}
