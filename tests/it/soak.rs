//! A day of use on tokio's paused clock (issue 21): eight simulated hours
//! of the whole loop (`runtime::drive`) against the local server's data
//! (`ServerState`, answered without HTTP so the clock can jump), with a new
//! ticket every 20 s and a contact's reply halfway between (every 10 s, an
//! event), the list polling every 60 s, a saved view's count polled every
//! 60 s, and the agent now and then jumping to the next new ticket (`Tab`)
//! or moving the cursor. Every collection the state keeps for the session
//! is measured at each frame: it must stay bounded, not grow with the hours.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use triage::api::types::{Message, PageMeta, TicketDetail};
use triage::app::views::{ViewsSetup, ViewsState};
use triage::app::{FetchError, Keymap, State, TicketPage, TicketSource};
use triage::config::{ListRefresh, SavedView};
use triage::filter::TicketFilter;
use triage::runtime::{Screen, drive};
use triage::server::{ServerConfig, ServerState};
use triage::ui::{ColorMode, RenderContext, Theme};
use uuid::Uuid;

use crate::support::ui_fixtures;

const HOURS: u64 = 8;
const EVENT_EVERY: Duration = Duration::from_secs(10);

/// The server's data answered directly.
#[derive(Clone)]
struct Direct(Arc<ServerState>);

impl TicketSource for Direct {
    async fn page(
        &self,
        filter: &TicketFilter,
        page: u64,
        per_page: u64,
    ) -> Result<TicketPage, FetchError> {
        // Status filters only (the view's); names need the catalog.
        let status = filter
            .statuses
            .iter()
            .map(|s| format!("&status={}", s.as_str()))
            .collect::<String>();
        let query = format!("page={page}&per_page={per_page}{status}");
        let answer = self
            .0
            .list_tickets(Some(&query))
            .map_err(|e| FetchError::failed(format!("{e:?}")))?;
        Ok(TicketPage {
            tickets: answer.data,
            meta: answer.meta.unwrap_or_default(),
        })
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

    fn curl_command(&self, _: &TicketFilter, _: u64, _: u64) -> Result<String, String> {
        Err("not here".into())
    }
}

/// The sizes of everything the state accumulates in a session.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Footprint {
    news_seen: usize,
    news_marked: usize,
    news_own: usize,
    page_cache: usize,
    rows: usize,
    handled: usize,
    dimmed: usize,
    jobs: usize,
    histories: usize,
    views: usize,
}

impl Footprint {
    fn of(state: &State) -> Footprint {
        let (news_seen, news_marked, news_own) = state.news.footprint();
        Footprint {
            news_seen,
            news_marked,
            news_own,
            page_cache: state.list.cache.len(),
            rows: state.list.table.tickets().len(),
            handled: state.triage.handled.len(),
            dimmed: state.triage.dimmed.len(),
            jobs: state.triage.jobs.len(),
            histories: state.filter_history.len() + state.search_history.len(),
            views: state.views.entries.len(),
        }
    }

    fn max(self, o: Footprint) -> Footprint {
        Footprint {
            news_seen: self.news_seen.max(o.news_seen),
            news_marked: self.news_marked.max(o.news_marked),
            news_own: self.news_own.max(o.news_own),
            page_cache: self.page_cache.max(o.page_cache),
            rows: self.rows.max(o.rows),
            handled: self.handled.max(o.handled),
            dimmed: self.dimmed.max(o.dimmed),
            jobs: self.jobs.max(o.jobs),
            histories: self.histories.max(o.histories),
            views: self.views.max(o.views),
        }
    }
}

/// The largest footprint seen in each simulated hour.
struct Measuring {
    term: Terminal<TestBackend>,
    hourly: Arc<Mutex<Vec<Footprint>>>,
    started: tokio::time::Instant,
}

impl Screen for Measuring {
    fn size(&self) -> io::Result<(u16, u16)> {
        Ok((120, 35))
    }
    fn draw(&mut self, state: &State, ctx: &RenderContext) -> io::Result<()> {
        let hour = (self.started.elapsed().as_secs() / 3600) as usize;
        let mut hourly = self.hourly.lock().unwrap();
        if hourly.len() <= hour {
            hourly.resize(hour + 1, Footprint::default());
        }
        hourly[hour] = hourly[hour].max(Footprint::of(state));
        drop(hourly);
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

fn key(code: KeyCode) -> io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

#[tokio::test(start_paused = true)]
async fn eight_hours_of_a_busy_queue_keep_the_state_bounded() {
    let server = ServerState::new(ServerConfig {
        tickets: 300,
        seed: 21,
        now: ui_fixtures::wall_now(),
        ..ServerConfig::default()
    });
    let started = tokio::time::Instant::now();
    let activity = {
        let server = server.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval_at(started + EVENT_EVERY, EVENT_EVERY);
            loop {
                ticks.tick().await;
                server.step_activity();
            }
        })
    };
    let mut state = State::new(
        ui_fixtures::scope(),
        TicketFilter::default(),
        50,
        Keymap::default(),
    );
    state.list.poll.every = ListRefresh::default().interval();
    state.views = ViewsState::new(
        ViewsSetup {
            views: vec![SavedView {
                name: "Open".into(),
                filter: "status:open".into(),
                refresh_secs: Some(60),
                ..SavedView::default()
            }],
            per_page: 50,
            ..ViewsSetup::default()
        },
        &state.keymap,
    );
    let hourly = Arc::new(Mutex::new(Vec::new()));
    let mut screen = Measuring {
        term: Terminal::new(TestBackend::new(120, 35)).unwrap(),
        hourly: hourly.clone(),
        started,
    };
    // The agent: every 7 minutes Tab to the next new ticket, then j or k.
    let agent = futures::stream::unfold(0u64, |n| async move {
        tokio::time::sleep(Duration::from_secs(7 * 60)).await;
        let code = match n % 3 {
            0 => KeyCode::Tab,
            1 => KeyCode::Char('j'),
            _ => KeyCode::Char('k'),
        };
        Some((key(code), n + 1))
    });
    let input = Box::pin(agent);
    let stop = async {
        tokio::time::sleep(Duration::from_secs(HOURS * 3600)).await;
        Ok(())
    };
    drive(
        state,
        Direct(server.clone()),
        &mut screen,
        input,
        Theme::new(ColorMode::NoColor),
        stop,
    )
    .await
    .unwrap();
    activity.abort();

    let hourly = hourly.lock().unwrap().clone();
    let tickets = server.with_data(|d| d.tickets.len());
    assert!(tickets >= 300 + 1400, "the server grew: {tickets}");
    for (hour, f) in hourly.iter().enumerate() {
        eprintln!("hour {hour}: {f:?}");
    }
    let all = hourly.iter().fold(Footprint::default(), |a, f| a.max(*f));
    let bound = triage::app::news::MAX_REMEMBERED + 50;
    assert!(all.news_seen <= bound, "{all:?}");
    assert!(all.news_marked <= bound, "{all:?}");
    assert!(all.news_own <= bound, "{all:?}");
    assert!(all.rows <= 50, "{all:?}");
    assert!(all.page_cache <= 16, "{all:?}");
    assert!(
        all.jobs == 0 && all.handled == 0 && all.dimmed == 0,
        "{all:?}"
    );
    // Not growing with the hours: the last hour is no bigger than the
    // bounds reached by the middle of the day.
    let middle = hourly[..hourly.len() / 2]
        .iter()
        .fold(Footprint::default(), |a, f| a.max(*f));
    let last = *hourly.last().unwrap();
    assert!(
        last.news_seen <= bound && last.news_seen as f64 <= middle.news_seen.max(1) as f64 * 1.5,
        "{last:?} vs {middle:?}"
    );
}
