//! Fixtures shared by the UI tests and the render bench: deterministic
//! tickets with the workspace's own colors, and a state loaded with them.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use triage::api::types::{PageMeta, PriorityLevel, StatusCategory, Ticket};
use triage::app::state::Scope;
use triage::app::{Keymap, Msg, NameTable, State, TicketPage, update};
use uuid::Uuid;

pub fn wall_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap()
}

pub fn user_id(i: u32) -> Uuid {
    Uuid::from_u128(0xa000 + u128::from(i))
}

const STATUSES: &[(&str, StatusCategory, &str)] = &[
    ("New", StatusCategory::Open, "#3b82f6"),
    ("Awaiting parts", StatusCategory::Waiting, "#f59e0b"),
    ("Investigating", StatusCategory::InProgress, "#8b5cf6"),
    ("Solved", StatusCategory::Resolved, "#10b981"),
    ("Closed", StatusCategory::Closed, "not-a-color"),
];

const PRIORITIES: &[(&str, PriorityLevel, &str)] = &[
    ("Low", PriorityLevel::Low, "#6b7280"),
    ("Normal", PriorityLevel::Normal, "#fa0"),
    ("High", PriorityLevel::High, "#f97316"),
    ("Urgent", PriorityLevel::Urgent, "#ef4444"),
];

const SUBJECTS: &[&str] = &[
    "Refund for order 4411 never arrived",
    "Cannot log in after password reset",
    "Invoice shows the wrong VAT number for our Berlin office",
    "返金の件について詳しく教えてください",
    "Printer on floor 3 is on fire 🔥🔥",
    "Feature request: dark mode for the customer portal",
];

/// Ticket `n` (1-based), reproducible.
pub fn ticket(n: u32) -> Ticket {
    let (status_name, status, status_color) = STATUSES[n as usize % STATUSES.len()].clone();
    let (priority_name, priority, priority_color) =
        PRIORITIES[n as usize % PRIORITIES.len()].clone();
    Ticket {
        id: Uuid::from_u128(u128::from(n)),
        ticket_number: 1000 + i64::from(n),
        subject: SUBJECTS[n as usize % SUBJECTS.len()].to_string(),
        inbox_id: None,
        status,
        status_id: None,
        status_name: status_name.to_string(),
        status_color: Some(status_color.to_string()),
        priority,
        priority_id: None,
        priority_name: priority_name.to_string(),
        priority_color: Some(priority_color.to_string()),
        assignee_id: (!n.is_multiple_of(3)).then(|| user_id(n % 4)),
        contact_id: None,
        remind_at: (n % 7 == 1).then(|| wall_now() + Duration::hours(i64::from(n % 30) + 1)),
        remind_transition_status_id: None,
        created_at: Some(wall_now() - Duration::days(i64::from(n % 40) + 1)),
        updated_at: Some(wall_now() - Duration::minutes(i64::from(n) * 37 % 5000)),
    }
}

pub fn names() -> NameTable {
    let mut t = NameTable::default();
    for (i, name) in ["Ana Souza", "Bjørn Eriksen", "Chen Wei 陈伟", "Dana Okafor"]
        .iter()
        .enumerate()
    {
        t.users.insert(user_id(i as u32), name.to_string());
    }
    t
}

pub fn page_of(page: u64, per_page: u64, total: u64) -> TicketPage {
    let first = (page - 1) * per_page;
    let last = (first + per_page).min(total);
    TicketPage {
        tickets: (first..last).map(|i| ticket(i as u32 + 1)).collect(),
        meta: PageMeta {
            page,
            per_page,
            total,
        },
    }
}

/// The "Urgent" view's filter.
pub fn filter() -> triage::filter::TicketFilter {
    "status:open,waiting priority:urgent"
        .parse()
        .expect("valid filter")
}

pub fn scope() -> Scope {
    Scope {
        workspace: "acme (work)".into(),
        view: Some("Urgent".into()),
    }
}

/// A state of `w`×`h` showing page 1 of `total` tickets, `per_page` a page.
pub fn loaded_state(w: u16, h: u16, per_page: u64, total: u64) -> State {
    let mut state =
        State::new(scope(), filter(), per_page, Keymap::default()).with_names(Arc::new(names()));
    let now = tokio::time::Instant::now();
    update(&mut state, Msg::Resize(w, h), clock_at(now));
    update(&mut state, Msg::Start, clock_at(now));
    update(
        &mut state,
        Msg::PageLoaded {
            generation: 0,
            page: 1,
            result: Ok(page_of(1, per_page, total)),
        },
        clock_at(now),
    );
    state
}

/// A screen the test reads while the runtime loop owns it; counts draws.
#[derive(Clone)]
pub struct SharedScreen {
    term: Arc<std::sync::Mutex<ratatui::Terminal<ratatui::backend::TestBackend>>>,
    draws: Arc<std::sync::Mutex<usize>>,
    /// Bytes written for the terminal itself, outside any cell (OSC 52).
    raw: Arc<std::sync::Mutex<Vec<u8>>>,
}

impl SharedScreen {
    pub fn new(w: u16, h: u16) -> SharedScreen {
        SharedScreen {
            term: Arc::new(std::sync::Mutex::new(
                ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h))
                    .expect("test backend"),
            )),
            draws: Arc::default(),
            raw: Arc::default(),
        }
    }

    /// Raw bytes written so far (taken).
    pub fn take_raw(&self) -> Vec<u8> {
        std::mem::take(&mut *self.raw.lock().unwrap())
    }

    /// The screen's cells, row by row.
    pub fn text(&self) -> String {
        let term = self.term.lock().unwrap();
        let buf = term.backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }

    /// Frames drawn so far.
    pub fn draws(&self) -> usize {
        *self.draws.lock().unwrap()
    }
}

impl triage::runtime::Screen for SharedScreen {
    fn size(&self) -> std::io::Result<(u16, u16)> {
        let size = self
            .term
            .lock()
            .unwrap()
            .size()
            .map_err(std::io::Error::other)?;
        Ok((size.width, size.height))
    }
    fn draw(&mut self, state: &State, ctx: &triage::ui::RenderContext) -> std::io::Result<()> {
        *self.draws.lock().unwrap() += 1;
        self.term
            .lock()
            .unwrap()
            .draw(|f| triage::ui::render(state, ctx, f))
            .map(|_| ())
            .map_err(std::io::Error::other)
    }
    fn write_raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.raw.lock().unwrap().extend_from_slice(bytes);
        Ok(())
    }
    fn suspend(&mut self) -> anyhow::Result<()> {
        Ok(())
    }
}

/// A clock reading for `update`: tokio's (paused) instant and the fixtures' wall time.
pub fn clock() -> triage::app::Clock {
    triage::app::Clock::utc(tokio::time::Instant::now(), wall_now())
}

/// A clock reading at a given instant, with the fixtures' wall time.
pub fn clock_at(now: tokio::time::Instant) -> triage::app::Clock {
    triage::app::Clock::utc(now, wall_now())
}

/// The answer to the request for page `page` of `generation`, at [`clock`].
pub fn answer_page(
    state: &mut State,
    generation: u64,
    page: u64,
    result: Result<TicketPage, triage::app::FetchError>,
) -> Vec<triage::app::Effect> {
    answer_page_at(state, generation, page, result, tokio::time::Instant::now())
}

/// As [`answer_page`], arriving at `now`.
pub fn answer_page_at(
    state: &mut State,
    generation: u64,
    page: u64,
    result: Result<TicketPage, triage::app::FetchError>,
    now: tokio::time::Instant,
) -> Vec<triage::app::Effect> {
    update(
        state,
        Msg::PageLoaded {
            generation,
            page,
            result,
        },
        clock_at(now),
    )
}

/// Page `page` of `total` tickets, at the state's page size, answered for
/// `generation`.
pub fn page_loaded(
    state: &mut State,
    generation: u64,
    page: u64,
    total: u64,
) -> Vec<triage::app::Effect> {
    let per_page = state.list.per_page;
    answer_page(state, generation, page, Ok(page_of(page, per_page, total)))
}

/// As [`page_loaded`], for the list's current query.
pub fn current_page_loaded(state: &mut State, page: u64, total: u64) -> Vec<triage::app::Effect> {
    let generation = state.list.query_gen;
    page_loaded(state, generation, page, total)
}
