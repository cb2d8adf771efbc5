//! Requests per hour of the open list at the default `[ui] refresh_secs`:
//! the whole loop (`runtime::drive`: update, effects, `next_wake`, timers)
//! runs for one hour of tokio's paused clock against a source that counts
//! every request it is asked, focused and then unfocused. Counted, not
//! computed from the interval: prefetches, catalog loads and any extra
//! wake-up show up in the numbers.
//!
//! Run: `cargo bench --bench live_requests` (or `bash benches/measure_live.sh`).

#[path = "../tests/it/support/ui_fixtures.rs"]
mod ui_fixtures;

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crossterm::event::Event;
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use triage::api::types::{Message, PageMeta, TicketDetail};
use triage::app::{FetchError, Keymap, State, TicketPage, TicketSource};
use triage::config::ListRefresh;
use triage::filter::TicketFilter;
use triage::runtime::{Screen, drive};
use triage::ui::{ColorMode, RenderContext, Theme};
use uuid::Uuid;

const HOUR: Duration = Duration::from_secs(3600);

#[derive(Clone, Default)]
struct Counting {
    pages: Arc<AtomicU64>,
    counts: Arc<AtomicU64>,
}

impl TicketSource for Counting {
    async fn page(
        &self,
        _filter: &TicketFilter,
        page: u64,
        per_page: u64,
    ) -> Result<TicketPage, FetchError> {
        self.pages.fetch_add(1, Ordering::SeqCst);
        Ok(ui_fixtures::page_of(page, per_page, 500))
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

    async fn count(&self, _filter: &TicketFilter) -> Result<u64, FetchError> {
        self.counts.fetch_add(1, Ordering::SeqCst);
        Ok(500)
    }

    fn clear_rate_limit(&self) {}

    fn curl_command(
        &self,
        _f: &TicketFilter,
        _page: u64,
        _per_page: u64,
    ) -> Result<String, String> {
        Err("not here".into())
    }
}

/// A 120×35 test terminal that counts frames.
struct Frames {
    term: Terminal<TestBackend>,
    drawn: u64,
}

impl Screen for Frames {
    fn size(&self) -> io::Result<(u16, u16)> {
        Ok((120, 35))
    }
    fn draw(&mut self, state: &State, ctx: &RenderContext) -> io::Result<()> {
        self.drawn += 1;
        self.term
            .draw(|f| triage::ui::render(state, ctx, f))
            .map(|_| ())
            .map_err(io::Error::other)
    }
    fn write_raw(&mut self, _bytes: &[u8]) -> io::Result<()> {
        Ok(())
    }
    fn suspend(&mut self) -> anyhow::Result<()> {
        Ok(())
    }
}

/// One simulated hour of the list open; `focused: false` sends the
/// terminal's focus-lost report first. Returns (page requests, frames).
async fn one_hour(focused: bool) -> (u64, u64) {
    let source = Counting::default();
    let mut state = State::new(
        ui_fixtures::scope(),
        TicketFilter::default(),
        50,
        Keymap::default(),
    );
    // As `triage` with an empty config file sets it up.
    state.list.poll.every = ListRefresh::default().interval();
    state.list.poll.unfocused = ListRefresh::UNFOCUSED_DEFAULT.interval();
    let mut screen = Frames {
        term: Terminal::new(TestBackend::new(120, 35)).expect("test backend"),
        drawn: 0,
    };
    let events: Vec<io::Result<Event>> = if focused {
        Vec::new()
    } else {
        vec![Ok(Event::FocusLost)]
    };
    // The reports, then silence (a stream that ended would end the loop).
    let input = Box::pin(futures::stream::iter(events).chain(futures::stream::pending()));
    let stop = async {
        tokio::time::sleep(HOUR).await;
        Ok(())
    };
    drive(
        state,
        source.clone(),
        &mut screen,
        input,
        Theme::new(ColorMode::NoColor),
        stop,
    )
    .await
    .expect("the loop runs");
    let pages = source.pages.load(Ordering::SeqCst) + source.counts.load(Ordering::SeqCst);
    (pages, screen.drawn)
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a runtime");
    let secs = ListRefresh::DEFAULT_SECS;
    let unfocused = ListRefresh::UNFOCUSED_DEFAULT
        .interval()
        .map_or(0, |d| d.as_secs());
    let (requests, frames) = rt.block_on(one_hour(true));
    println!(
        "focused, refresh_secs = {secs}: {requests} requests in one hour ({frames} frames drawn)"
    );
    let (requests, frames) = rt.block_on(one_hour(false));
    println!(
        "unfocused, unfocused_refresh_secs = {unfocused}: {requests} requests in one hour ({frames} frames drawn)"
    );
}
