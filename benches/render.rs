//! One frame of the queue with many tickets loaded. Rows are built only for
//! the visible window, so the frame time must not grow with the number of
//! tickets: compare `tickets = 100` with `tickets = 10000` at each size.

#[path = "../tests/it/support/ui_fixtures.rs"]
mod ui_fixtures;

use divan::Bencher;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::time::Instant;
use triage::api::types::PageMeta;
use triage::app::{Msg, State, TicketPage, update};
use triage::ui::{ColorMode, RenderContext, Theme, render};

fn main() {
    divan::main();
}

/// A state of `w`×`h` with `tickets` rows on the page and the cursor in the
/// middle (so the visible window is not simply the first rows).
fn state(w: u16, h: u16, tickets: u32) -> State {
    let mut state = ui_fixtures::loaded_state(w, h, 100, 0);
    let page = TicketPage {
        tickets: (1..=tickets).map(ui_fixtures::ticket).collect(),
        meta: PageMeta {
            page: 1,
            per_page: u64::from(tickets),
            total: u64::from(tickets),
        },
    };
    let now = Instant::now();
    update(
        &mut state,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char('r'),
        )),
        ui_fixtures::clock_at(now),
    );
    let generation = state.list.query_gen;
    update(
        &mut state,
        Msg::PageLoaded {
            generation,
            page: 1,
            result: Ok(page),
        },
        ui_fixtures::clock_at(now),
    );
    assert_eq!(state.list.table.tickets().len(), tickets as usize);
    state.list.selected = tickets as usize / 2;
    state.list.offset = state.list.selected.saturating_sub(5);
    state
}

/// Times drawing `state` on a `w`×`h` terminal, frame after frame.
fn bench_frames(bencher: Bencher, state: &State, w: u16, h: u16) {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    let ctx = RenderContext {
        now: Instant::now(),
        wall_now: ui_fixtures::wall_now(),
        theme: Theme::new(ColorMode::TrueColor),
    };
    bencher.bench_local(|| {
        terminal.draw(|f| render(state, &ctx, f)).expect("draw");
    });
}

fn frame(bencher: Bencher, w: u16, h: u16, tickets: u32) {
    bench_frames(bencher, &state(w, h, tickets), w, h);
}

#[divan::bench(args = [100, 10_000])]
fn frame_80x24(bencher: Bencher, tickets: u32) {
    frame(bencher, 80, 24, tickets);
}

#[divan::bench(args = [100, 10_000])]
fn frame_250x70(bencher: Bencher, tickets: u32) {
    frame(bencher, 250, 70, tickets);
}

/// The same terminal drawing nothing: the floor set by ratatui's own
/// buffer diffing and `TestBackend`.
#[divan::bench(args = [(80, 24), (250, 70)])]
fn empty_frame(bencher: Bencher, size: (u16, u16)) {
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("test backend");
    bencher.bench_local(|| {
        terminal.draw(|_| {}).expect("draw");
    });
}

/// The demo workspace's catalog (statuses, tags, agents, fields), loaded
/// from the local server the way the UI loads it.
fn demo_catalog() -> std::sync::Arc<triage::api::Catalog> {
    use triage::api::{ApiClient, ApiKey, ClientOptions, load_catalog};
    use triage::server::{self, ServerConfig};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let handle = server::spawn(ServerConfig::default(), "127.0.0.1:0".parse().unwrap())
            .await
            .expect("local server");
        let client = ApiClient::new(ClientOptions::new(
            handle.base_url(),
            ApiKey::new(server::DEMO_KEY),
        ))
        .expect("client");
        let catalog = load_catalog(&client, &Default::default()).await;
        handle.shutdown().await;
        std::sync::Arc::new(catalog)
    })
}

/// The state above with the filter panes open (`f`) on the demo catalog.
fn panel_state(w: u16, h: u16) -> State {
    let mut state = state(w, h, 100).with_names(demo_catalog());
    update(
        &mut state,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char('f'),
        )),
        ui_fixtures::clock(),
    );
    assert!(state.filter_panel().is_some());
    state
}

/// One frame with the filter panes open beside (or over) the list.
#[divan::bench(args = [(80, 24), (120, 40), (250, 70)])]
fn frame_with_panes(bencher: Bencher, size: (u16, u16)) {
    bench_frames(bencher, &panel_state(size.0, size.1), size.0, size.1);
}

/// `Space` in the Status pane: the update step behind every toggle.
#[divan::bench]
fn panes_toggle(bencher: Bencher) {
    let mut state = panel_state(120, 40);
    let space = crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char(' '));
    bencher.bench_local(|| update(&mut state, Msg::Key(space), ui_fixtures::clock()));
}

/// The state above with a ticket's detail open (`Enter`) and a conversation
/// of one message whose body is `body_bytes` long: words and line breaks,
/// so wrapping does real work.
fn detail_state(w: u16, h: u16, body_bytes: usize) -> State {
    use triage::api::types::{AuthorType, Message};
    let mut state = state(w, h, 100);
    let now = Instant::now();
    update(
        &mut state,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        )),
        ui_fixtures::clock_at(now),
    );
    let generation = state.detail.as_ref().expect("detail open").generation;
    let paragraph = "The customer says the refund never arrived and asks again ⚠️ 返金. ";
    let mut body = String::with_capacity(body_bytes + paragraph.len());
    // Sentences in paragraphs of seven.
    for n in 1.. {
        if body.len() >= body_bytes {
            break;
        }
        body.push_str(paragraph);
        if n % 7 == 0 {
            body.push('\n');
        }
    }
    let message = Message {
        id: uuid::Uuid::from_u128(900),
        author_name: Some("Ana Souza".into()),
        author_type: AuthorType::Contact,
        body,
        created_at: Some(ui_fixtures::wall_now()),
    };
    update(
        &mut state,
        Msg::MessagesLoaded {
            generation,
            result: Ok((
                vec![message],
                PageMeta {
                    page: 1,
                    per_page: 100,
                    total: 1,
                },
            )),
        },
        ui_fixtures::clock_at(now),
    );
    state
}

/// One frame of the detail pane over a 1 MB message body: the wrapped
/// lines must not be recomputed per frame.
#[divan::bench]
fn detail_frame_1mb_250x70(bencher: Bencher) {
    bench_frames(bencher, &detail_state(250, 70, 1 << 20), 250, 70);
}
