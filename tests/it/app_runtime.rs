//! The whole loop, headless: a `TestBackend` screen, a scripted input
//! stream and an in-memory ticket source, on tokio's paused clock. Checks
//! what the user would see: the list appears, `]` pages, a 429 shows the
//! countdown and the list comes back by itself after it, with exactly one
//! request sent when the wait is over.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

use tokio::sync::mpsc;
use tokio::time::Instant;
use triage::api::types::{Message, PageMeta, TicketDetail};
use triage::app::{FetchError, State, TicketPage, TicketSource};
use triage::filter::TicketFilter;
use uuid::Uuid;

use crate::support::headless::spawn_loop;
use crate::support::ui_fixtures;
use crate::support::ui_fixtures::SharedScreen;

#[derive(Default)]
struct Server {
    total: u64,
    page_requests: usize,
    /// The next page request answers 429 with this wait.
    limit_next: Option<Duration>,
}

#[derive(Clone, Default)]
struct FakeSource(Arc<Mutex<Server>>);

impl TicketSource for FakeSource {
    async fn page(
        &self,
        _filter: &TicketFilter,
        page: u64,
        per_page: u64,
    ) -> Result<TicketPage, FetchError> {
        let mut server = self.0.lock().unwrap();
        server.page_requests += 1;
        if let Some(wait) = server.limit_next.take() {
            return Err(FetchError::RateLimited {
                retry_at: Instant::now() + wait,
            });
        }
        Ok(ui_fixtures::page_of(page, per_page, server.total))
    }

    async fn detail(&self, _id: Uuid) -> Result<TicketDetail, FetchError> {
        Err(FetchError::NotSupported)
    }

    async fn messages(
        &self,
        _id: Uuid,
        _page: u64,
        _per_page: u64,
    ) -> Result<(Vec<Message>, PageMeta), FetchError> {
        Err(FetchError::NotSupported)
    }

    fn clear_rate_limit(&self) {}

    fn curl_command(&self, _f: &TicketFilter, page: u64, per_page: u64) -> Result<String, String> {
        Ok(format!(
            "curl -H \"Authorization: Bearer $TRIAGE_API_KEY\" 'http://127.0.0.1/tickets?page={page}&per_page={per_page}'"
        ))
    }
}

type Ui = tokio::task::JoinHandle<anyhow::Result<()>>;

/// Starts the loop on a 100×30 screen with a scripted key channel.
fn start(source: &FakeSource) -> (SharedScreen, mpsc::UnboundedSender<io::Result<Event>>, Ui) {
    let screen = SharedScreen::new(100, 30);
    let state = State::new(
        ui_fixtures::scope(),
        ui_fixtures::filter(),
        50,
        Default::default(),
    );
    let (keys, ui) = spawn_loop(state, source.clone(), &screen);
    (screen, keys, ui)
}

fn press(c: char) -> io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

/// Lets the loop and the request tasks it spawned run until `done` holds.
/// Only yields: the paused clock stays where it is (a sleep would move it
/// and fire whatever timer falls due, which is not what is being tested).
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..10_000 {
        if done() {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("never happened: {what}");
}

/// Lets every task that can run do so, for checks that something did
/// *not* happen; the clock stays where it is.
async fn run_ready() {
    for _ in 0..1_000 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test(start_paused = true)]
async fn list_pages_rate_limit_and_recovery() {
    let source = FakeSource::default();
    source.0.lock().unwrap().total = 250;
    let (screen, keys, ui) = start(&source);

    until("page 1 and the prefetch of page 2", || {
        screen.text().contains("page 1/5 · 250 tickets")
            && source.0.lock().unwrap().page_requests == 2
    })
    .await;
    run_ready().await;
    let text = screen.text();
    assert!(
        text.contains("#1001") && text.contains("page 1/5 · 250 tickets"),
        "{text}"
    );
    // Page 1, then the prefetch of page 2.
    assert_eq!(source.0.lock().unwrap().page_requests, 2);

    keys.send(press(']')).unwrap();
    until("page 2", || screen.text().contains("page 2/5")).await;
    let text = screen.text();
    assert!(
        text.contains("#1051") && text.contains("page 2/5"),
        "{text}"
    );
    assert!(!text.contains("#1001"));

    // Refresh runs into a 429 with a 5 s wait: the countdown shows.
    source.0.lock().unwrap().limit_next = Some(Duration::from_secs(5));
    let before = source.0.lock().unwrap().page_requests;
    keys.send(press('r')).unwrap();
    until("the countdown", || screen.text().contains("retrying in")).await;
    run_ready().await;
    let text = screen.text();
    assert!(text.contains("retrying in 0:05"), "{text}");
    assert!(text.contains("waiting: page 2 of Urgent"), "{text}");
    assert_eq!(source.0.lock().unwrap().page_requests, before + 1);

    // Nothing is sent while waiting, whatever the user presses.
    keys.send(press('s')).unwrap();
    keys.send(press('S')).unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(
        screen.text().contains("retrying in 0:0"),
        "{}",
        screen.text()
    );
    assert_eq!(source.0.lock().unwrap().page_requests, before + 1);

    // After the wait the list comes back by itself, with one request
    // (plus the prefetch of the next page once it is shown).
    tokio::time::sleep(Duration::from_secs(3)).await;
    let text = screen.text();
    assert!(!text.contains("rate limited"), "{text}");
    assert!(
        text.contains("#1001") && text.contains("sort created_at asc"),
        "{text}"
    );
    assert_eq!(source.0.lock().unwrap().page_requests, before + 3);

    // `y` puts "#1001" on the clipboard through OSC 52.
    screen.take_raw();
    keys.send(press('y')).unwrap();
    let mut raw = Vec::new();
    for _ in 0..10_000 {
        raw.extend(screen.take_raw());
        if raw.ends_with(b"\x07") {
            break;
        }
        tokio::task::yield_now().await;
    }
    let raw = String::from_utf8(raw).unwrap();
    assert_eq!(raw, "\x1b]52;c;IzEwMDE=\x07");

    keys.send(press('q')).unwrap();
    ui.await.unwrap().unwrap();
}

#[tokio::test(start_paused = true)]
async fn idle_means_no_wakeups_and_no_frames() {
    let source = FakeSource::default(); // no tickets at all
    let (screen, keys, ui) = start(&source);
    until("the empty list", || {
        screen.text().contains("no tickets match this filter")
    })
    .await;
    run_ready().await;
    assert!(
        screen.text().contains("no tickets match this filter"),
        "{}",
        screen.text()
    );
    let frames = screen.draws();
    // Ten idle minutes: with a timer anywhere, the paused clock would jump
    // to it and the loop would draw again.
    tokio::time::sleep(Duration::from_secs(600)).await;
    assert_eq!(screen.draws(), frames);
    assert_eq!(source.0.lock().unwrap().page_requests, 1);
    // An unbound key changes nothing: no frame either.
    keys.send(press('x')).unwrap();
    run_ready().await;
    assert_eq!(screen.draws(), frames);
    drop(keys); // end of input ends the loop
    ui.await.unwrap().unwrap();
}
