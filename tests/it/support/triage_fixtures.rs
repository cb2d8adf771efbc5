//! Fixtures for the triage tests: the UI fixtures' tickets with status and
//! priority ids, a catalog that knows them (and four agents), and a state
//! loaded with them.

use std::sync::Arc;

use tokio::time::Instant;
use triage::api::Catalog;
use triage::api::types::{Ticket, TicketPatch};
use triage::app::state::Scope;
use triage::app::triage::WriteError;
use triage::app::{Effect, Keymap, Msg, State, TicketPage, update};
use triage::filter::{Aliases, TicketFilter};
use uuid::Uuid;

pub use super::ui_fixtures::user_id;

pub const AGENTS: [&str; 4] = ["Ana Souza", "Bjørn Eriksen", "Chen Wei", "Dana Okafor"];

fn status_id(name: &str) -> Uuid {
    let n = ["New", "Awaiting parts", "Investigating", "Solved", "Closed"]
        .iter()
        .position(|s| *s == name)
        .unwrap_or(9);
    Uuid::from_u128(0x5000 + n as u128)
}

fn priority_id(name: &str) -> Uuid {
    let n = ["Low", "Normal", "High", "Urgent"]
        .iter()
        .position(|s| *s == name)
        .unwrap_or(9);
    Uuid::from_u128(0x7000 + n as u128)
}

/// Ticket `n` of the UI fixtures, with ids for its status and priority.
pub fn ticket(n: u32) -> Ticket {
    let mut t = super::ui_fixtures::ticket(n);
    t.status_id = Some(status_id(&t.status_name));
    t.priority_id = Some(priority_id(&t.priority_name));
    t
}

pub fn catalog() -> Catalog {
    let mut aliases = Aliases::default();
    for (i, name) in AGENTS.iter().enumerate() {
        aliases.users.insert(name.to_string(), user_id(i as u32));
    }
    let mut c = Catalog::from_aliases(aliases);
    let all: Vec<Ticket> = (1..=20).map(ticket).collect();
    c.learn_from_tickets(&all);
    c
}

pub fn page_of(page: u64, per_page: u64, total: u64) -> TicketPage {
    let mut p = super::ui_fixtures::page_of(page, per_page, total);
    for t in p.tickets.iter_mut() {
        *t = ticket((t.ticket_number - 1000) as u32);
    }
    p
}

/// A 120×30 state showing page 1 of `total` tickets, `per_page` a page,
/// under `filter`.
pub fn state_with(filter: &str, per_page: u64, total: u64) -> State {
    state_with_rows(filter, per_page, total, |_| {})
}

/// As [`state_with`], with no Urgent ticket on page 1 (the Urgent ones are
/// High): setting Urgent then changes every marked row, none is a no-op.
pub fn state_without_urgent(filter: &str, per_page: u64, total: u64) -> State {
    state_with_rows(filter, per_page, total, |t| {
        if t.priority_name == "Urgent" {
            // Ticket 2 is High: its priority, the row's own identity.
            let high = ticket(2);
            t.priority = high.priority;
            t.priority_id = high.priority_id;
            t.priority_name = high.priority_name;
            t.priority_color = high.priority_color;
        }
    })
}

/// As [`state_with`], each row of page 1 passed through `tweak` first.
pub fn state_with_rows(
    filter: &str,
    per_page: u64,
    total: u64,
    tweak: impl Fn(&mut Ticket),
) -> State {
    let filter: TicketFilter = filter.parse().expect("valid filter");
    let mut state = State::new(
        Scope {
            workspace: "acme".into(),
            view: None,
        },
        filter,
        per_page,
        Keymap::default(),
    )
    .with_names(Arc::new(catalog()));
    let now = Instant::now();
    update(
        &mut state,
        Msg::Resize(120, 30),
        super::ui_fixtures::clock_at(now),
    );
    update(&mut state, Msg::Start, super::ui_fixtures::clock_at(now));
    update(
        &mut state,
        Msg::PageLoaded {
            generation: 0,
            page: 1,
            result: Ok({
                let mut p = page_of(1, per_page, total);
                p.tickets.iter_mut().for_each(&tweak);
                p
            }),
        },
        super::ui_fixtures::clock_at(now),
    );
    state
}

/// The PATCHes among effects: (write id, ticket id, body).
pub fn writes(fx: &[Effect]) -> Vec<(u64, Uuid, TicketPatch)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::UpdateTicket {
                write, id, patch, ..
            } => Some((*write, *id, patch.clone())),
            _ => None,
        })
        .collect()
}

/// The server's answer to one write.
pub fn answer(state: &mut State, write: u64, result: Result<Ticket, WriteError>) -> Vec<Effect> {
    update(
        state,
        Msg::TicketUpdated {
            write,
            result: result.map(|t| Box::new(t.into())),
        },
        super::ui_fixtures::clock(),
    )
}

/// What the server would answer: the row with the patch applied.
pub fn server_row(before: &Ticket, patch: &TicketPatch) -> Ticket {
    let mut t = before.clone();
    if let Some(pid) = patch.priority_id {
        let c = catalog();
        let p = c.priority(pid).expect("known priority").clone();
        t.priority = p.level;
        t.priority_id = Some(p.id);
        t.priority_name = p.name;
        t.priority_color = p.color;
    }
    if let Some(sid) = patch.status_id {
        let c = catalog();
        let s = c.status(sid).expect("known status").clone();
        t.status = s.category;
        t.status_id = Some(s.id);
        t.status_name = s.name;
        t.status_color = s.color;
    }
    if let Some(a) = patch.assignee_id {
        t.assignee_id = a;
    }
    if let Some(r) = patch.remind_at {
        t.remind_at = r;
    }
    if let Some(r) = patch.remind_transition_status_id {
        t.remind_transition_status_id = r;
    }
    t
}

pub fn row(state: &State, n: usize) -> Ticket {
    state.list.table.tickets()[n].clone()
}

pub fn urgent_id() -> Uuid {
    priority_id("Urgent")
}
