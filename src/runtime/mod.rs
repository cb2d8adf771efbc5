//! The loop: one `tokio::select!` over results of spawned requests (first),
//! signals, terminal input and the one timer `next_wake` asks for. Effects
//! from `update` are executed here; nothing else touches the terminal.
//!
//! Idle means idle: with no countdown, spinner or relative time on screen
//! there is no timer at all, and with relative times only one wake-up a
//! minute (on the wall clock's minute boundary).
//!
//! Beside it, the network side of the queue: [`ApiSource`] (the HTTP
//! adapter behind `TicketSource`) and the saved views' counts.

mod api_source;
pub mod editor;
pub mod view_count;

pub use api_source::ApiSource;

use std::future::Future;
use std::io::{self, Write};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context as TaskContext, Poll};

use anyhow::Context;
use base64::Engine;
use chrono::Utc;
use crossterm::event::{
    DisableFocusChange, DisableMouseCapture, EnableFocusChange, EnableMouseCapture, Event,
    EventStream, KeyEventKind,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::AbortHandle;
use tokio::time::Instant;

use crate::app::clock::Clock;
use crate::app::keymap::Keymap;
use crate::app::msg::{Effect, Msg};
use crate::app::news::Notification;
use crate::app::source::{Directory, NoNames, TicketSource};
use crate::app::state::{Scope, State};
use crate::app::update::{next_wake, update};
use crate::filter::{EntityRef, TicketFilter};
use crate::text::sanitize;
use crate::ui::{self, ColorMode, RenderContext, Theme};

/// Everything `run` needs; `main.rs` fills it for `triage` and `triage demo`.
pub struct RunContext<S: TicketSource> {
    pub source: S,
    /// Names for assignees and inboxes (the catalog).
    pub names: Arc<dyn Directory>,
    /// Workspace/profile label, view name, filter text for the header.
    pub scope: Scope,
    pub filter: TicketFilter,
    pub per_page: u64,
    pub keymap: Keymap,
    /// `web_url` template (`{number}`, `{id}`); `None` hides `o`.
    pub web_url: Option<String>,
    /// `None`: detect once from `NO_COLOR` / `COLORTERM` (see
    /// `ColorMode::from_env_with` to apply `[ui] truecolor`).
    pub color: Option<ColorMode>,
    /// `[ui] relative_times`.
    pub relative_times: bool,
    /// `[ui] refresh_secs`: how often the open list refreshes itself.
    pub refresh: Option<std::time::Duration>,
    /// `[ui] unfocused_refresh_secs`: the slowest pace while the terminal
    /// is not focused (`None`: no polls until it is again).
    pub unfocused_refresh: Option<std::time::Duration>,
    /// `[ui] notify`: for lists without a view's own `notify`.
    pub notify: crate::config::Notify,
    /// Saved views of the config file and where to save them.
    pub views: crate::app::views::ViewsSetup,
    /// `me` from the config.
    pub me: Option<EntityRef>,
    /// Where notes and replies are kept until sent (`None`: not kept).
    pub drafts: Option<crate::config::Drafts>,
    /// `[[macros]]` of the profile.
    pub macros: Vec<crate::config::MacroDef>,
    /// What the last run left (page, selected ticket, histories, the page
    /// kept on disk) and where this one is remembered.
    pub restored: crate::app::persist::Restored,
}

impl<S: TicketSource> RunContext<S> {
    /// Defaults for everything but the source: all tickets, 50 a page.
    pub fn new(source: S) -> RunContext<S> {
        RunContext {
            source,
            names: Arc::new(NoNames),
            scope: Scope::default(),
            filter: TicketFilter::default(),
            per_page: 50,
            keymap: Keymap::default(),
            web_url: None,
            color: None,
            relative_times: true,
            refresh: None,
            unfocused_refresh: crate::config::ListRefresh::UNFOCUSED_DEFAULT.interval(),
            notify: crate::config::Notify::Off,
            views: crate::app::views::ViewsSetup::default(),
            me: None,
            drafts: None,
            macros: Vec::new(),
            restored: Default::default(),
        }
    }
}

/// The one place the app's clocks are read: each message gets a fresh
/// reading, and drawing and timers use the same one.
pub fn read_clock() -> Clock {
    let local = chrono::Local::now();
    Clock {
        now: Instant::now(),
        wall: local.with_timezone(&Utc),
        offset: *local.offset(),
    }
}

/// True while the terminal is in raw mode / alternate screen (the panic hook
/// restores it only then).
static TERMINAL_ACTIVE: AtomicBool = AtomicBool::new(false);

fn enter_terminal() -> io::Result<()> {
    enable_raw_mode()?;
    TERMINAL_ACTIVE.store(true, Ordering::SeqCst);
    // Focus reports slow polling down while the agent is elsewhere;
    // terminals without them ignore the request (and count as focused).
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableFocusChange
    )?;
    Ok(())
}

/// True once we changed the terminal's title: it is given back on exit.
static TITLE_SET: AtomicBool = AtomicBool::new(false);

/// Saves the terminal's own title on its stack (xterm's `CSI 22 t`;
/// ignored where unsupported) before the first title of ours.
const PUSH_TITLE: &[u8] = b"\x1b[22;0t";
/// Clears our title, then restores the saved one where supported.
const RESTORE_TITLE: &[u8] = b"\x1b]2;\x07\x1b[23;0t";

/// Leaves raw mode, mouse capture and the alternate screen, shows the
/// cursor. Idempotent; errors are ignored (there is nowhere to report them).
pub fn restore_terminal() {
    if TERMINAL_ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = execute!(
            io::stdout(),
            DisableFocusChange,
            DisableMouseCapture,
            LeaveAlternateScreen,
            crossterm::cursor::Show
        );
        if TITLE_SET.swap(false, Ordering::SeqCst) {
            let mut out = io::stdout();
            let _ = out.write_all(RESTORE_TITLE).and_then(|()| out.flush());
        }
        let _ = disable_raw_mode();
    }
}

/// Restores the terminal when `run` returns, by any path.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Restores the terminal before the previous hook prints the panic, and
/// tells the loop to stop (a panic in a spawned task would otherwise leave
/// the UI running on a restored terminal).
fn install_panic_hook(stop: UnboundedSender<()>) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        let _ = stop.send(());
        previous(info);
    }));
}

/// What the loop needs from a terminal: the real one, or a `TestBackend`
/// in tests (which drive the whole loop headless, see `tests/it/app_runtime.rs`).
pub trait Screen {
    fn size(&self) -> io::Result<(u16, u16)>;
    fn draw(&mut self, state: &State, ctx: &RenderContext) -> io::Result<()>;
    /// Bytes for the terminal itself, outside any cell (OSC 52).
    fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Ctrl-z: give the terminal back, stop, take it again on `fg`.
    fn suspend(&mut self) -> anyhow::Result<()>;
    /// Runs `f` (the editor) with the terminal given back, then takes it
    /// again and draws everything anew. Off a real terminal: just `f`.
    fn step_out(&mut self, f: &mut dyn FnMut()) -> anyhow::Result<()> {
        f();
        Ok(())
    }
}

/// The loop's input: terminal events, which stop being read while the
/// editor owns the terminal (crossterm's reader thread would otherwise
/// take the keys typed into it).
pub trait Input: Stream<Item = io::Result<Event>> + Unpin {
    fn pause(&mut self) {}
    fn resume(&mut self) {}
}

/// Scripted input (tests): nothing to pause.
impl<T: Stream<Item = io::Result<Event>> + ?Sized> Input for Pin<Box<T>> {}

/// The terminal's events; paused means dropped (which stops crossterm's
/// reader thread) and made anew on resume.
pub struct TerminalInput(Option<EventStream>);

impl TerminalInput {
    pub fn new() -> TerminalInput {
        TerminalInput(Some(EventStream::new()))
    }
}

impl Default for TerminalInput {
    fn default() -> Self {
        TerminalInput::new()
    }
}

impl Stream for TerminalInput {
    type Item = io::Result<Event>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        match self.0.as_mut() {
            Some(events) => events.poll_next_unpin(cx),
            // Only while the editor runs, when the loop polls nothing.
            None => Poll::Pending,
        }
    }
}

impl Input for TerminalInput {
    fn pause(&mut self) {
        self.0 = None;
        // Dropping the stream wakes crossterm's poller; when its thread was
        // idle that wake stays pending and would fail the next read of the
        // terminal (the cursor query of the redraw after the editor), so
        // it is taken here. An event read meanwhile stays queued.
        let _ = crossterm::event::poll(std::time::Duration::ZERO);
    }

    fn resume(&mut self) {
        self.0 = Some(EventStream::new());
    }
}

impl<B: RawBackend> Screen for Terminal<B> {
    fn size(&self) -> io::Result<(u16, u16)> {
        let size = Terminal::size(self).map_err(|e| io::Error::other(e.to_string()))?;
        Ok((size.width, size.height))
    }

    fn draw(&mut self, state: &State, ctx: &RenderContext) -> io::Result<()> {
        Terminal::draw(self, |f| ui::render(state, ctx, f))
            .map(|_| ())
            .map_err(|e| io::Error::other(e.to_string()))
    }

    fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.backend_mut().write_raw(bytes)
    }

    fn suspend(&mut self) -> anyhow::Result<()> {
        if !TERMINAL_ACTIVE.load(Ordering::SeqCst) {
            return Ok(()); // not on a real terminal (tests)
        }
        self.step_out(&mut || {
            // SAFETY: raising a signal on our own process has no memory-safety
            // preconditions; SIGTSTP's default action stops us until SIGCONT.
            unsafe {
                libc::raise(libc::SIGTSTP);
            }
        })
    }

    fn step_out(&mut self, f: &mut dyn FnMut()) -> anyhow::Result<()> {
        if !TERMINAL_ACTIVE.load(Ordering::SeqCst) {
            f(); // not on a real terminal (tests)
            return Ok(());
        }
        restore_terminal();
        f();
        enter_terminal().context("re-entering the terminal")?;
        self.clear()
            .map_err(|e| anyhow::anyhow!("redrawing after giving the terminal back: {e}"))?;
        Ok(())
    }
}

/// A backend that can take raw bytes besides cells.
pub trait RawBackend: ratatui::backend::Backend {
    fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()>;
}

impl<W: Write> RawBackend for CrosstermBackend<W> {
    fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.write_all(bytes)?;
        self.flush()
    }
}

/// Macros with their keys; a broken one is kept (running it says why) and
/// the first problem is shown at start, like a broken view.
fn load_macros(state: &mut State, defs: &[crate::config::MacroDef]) {
    let taken: Vec<crate::app::keymap::Key> =
        state.views.entries.iter().filter_map(|e| e.key).collect();
    let (entries, problems) = crate::app::macros::load(defs, &state.keymap, &taken);
    state.macros = entries;
    for p in &problems {
        tracing::warn!("[[macros]] {p}");
    }
    if let Some(first) = problems.first()
        && state.last_error.is_none()
    {
        state.last_error = Some(crate::app::state::ErrorView {
            message: format!("config: {}", crate::text::sanitize(first)),
            hint: Some("`triage config check` lists every problem".into()),
        });
    }
}

/// The initial state described by a `RunContext`.
fn initial_state<S: TicketSource>(ctx: &mut RunContext<S>) -> State {
    let mut state = State::new(
        std::mem::take(&mut ctx.scope),
        std::mem::take(&mut ctx.filter),
        ctx.per_page,
        std::mem::take(&mut ctx.keymap),
    )
    .with_names(ctx.names.clone())
    .with_web_url(ctx.web_url.take());
    state.relative_times = ctx.relative_times;
    state.list.poll.every = ctx.refresh;
    state.list.poll.unfocused = ctx.unfocused_refresh;
    state.notify = ctx.notify;
    let mut setup = std::mem::take(&mut ctx.views);
    if setup.per_page == 0 {
        setup.per_page = state.list.per_page;
    }
    state.views = crate::app::views::ViewsState::new(setup, &state.keymap);
    if let Some(name) = state.scope.view.clone() {
        crate::app::views::mark_active(&mut state, &name, Instant::now());
    }
    state.last_error = crate::app::views::startup_error(&state);
    load_macros(&mut state, &ctx.macros);
    state.me = ctx.me.take();
    if let Some(drafts) = ctx.drafts.take() {
        state.triage.draft_ids = drafts.list().into_iter().collect();
        state.triage.drafts = Some(drafts);
    }
    crate::app::persist::restore(&mut state, std::mem::take(&mut ctx.restored));
    state
}

/// Runs the interactive queue until the user quits or a signal arrives.
pub async fn run<S: TicketSource>(mut ctx: RunContext<S>) -> anyhow::Result<()> {
    let theme = Theme::new(ctx.color.unwrap_or_else(ColorMode::from_env));
    let state = initial_state(&mut ctx);

    let (panic_tx, mut panic_rx) = unbounded_channel::<()>();
    install_panic_hook(panic_tx);
    let mut sigterm = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
    let mut sighup = signal(SignalKind::hangup()).context("listening for SIGHUP")?;
    let stop = async move {
        tokio::select! {
            _ = panic_rx.recv() => Err(anyhow::anyhow!("internal error (a task panicked); see the log file")),
            _ = sigterm.recv() => Ok(()),
            _ = sighup.recv() => Ok(()),
        }
    };

    // The guard first: if entering fails halfway (raw mode on, alternate
    // screen refused), its drop still gives the terminal back.
    let _guard = TerminalGuard;
    enter_terminal().context("entering the terminal's raw mode")?;
    let mut terminal =
        Terminal::new(CrosstermBackend::new(io::stdout())).context("opening the terminal")?;
    terminal.clear()?;
    drive(
        state,
        ctx.source,
        &mut terminal,
        TerminalInput::new(),
        theme,
        stop,
    )
    .await
}

/// The loop itself, over any screen and input stream, until `q`, the end
/// of input, or `stop` (signals, a panic) resolves.
pub async fn drive<S, D, E>(
    mut state: State,
    source: S,
    screen: &mut D,
    mut events: E,
    theme: Theme,
    stop: impl Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<()>
where
    S: TicketSource,
    D: Screen,
    E: Input,
{
    let (w, h) = screen.size()?;
    state.size = Rect::new(0, 0, w, h);
    if source.names_incomplete() {
        state.names_status = crate::app::state::NamesStatus::Incomplete;
    }
    let (tx, mut rx) = unbounded_channel::<Msg>();
    let mut tasks: Vec<(u64, AbortHandle)> = Vec::new();
    let mut pending = vec![Msg::Start];
    let mut stop = std::pin::pin!(stop);

    loop {
        for msg in pending.drain(..) {
            let effects = update(&mut state, msg, read_clock());
            for effect in effects {
                match execute_effect(effect, &source, &tx, screen, &mut tasks)? {
                    Flow::Continue => {}
                    Flow::Quit => return Ok(()),
                    Flow::Resumed => resumed(screen, &tx)?,
                    Flow::Compose(request) => {
                        events.pause();
                        let editor = request
                            .editor
                            .clone()
                            .unwrap_or_else(|| editor::editor_from(|k| std::env::var(k).ok()));
                        let result = editor::compose(&request, &editor, |f| screen.step_out(f));
                        events.resume();
                        let _ = tx.send(Msg::Composed { request, result });
                        resumed(screen, &tx)?;
                    }
                }
            }
        }
        // Requests for a query that is no longer current are of no use.
        tasks.retain(|(generation, handle)| {
            let stale = *generation < state.list.query_gen;
            if stale {
                handle.abort();
            }
            !stale && !handle.is_finished()
        });
        // Bursts of results cost one frame: draw once the queue is drained.
        let clock = read_clock();
        if state.dirty && rx.is_empty() {
            let ctx = RenderContext {
                now: clock.now,
                wall_now: clock.wall,
                theme,
            };
            screen.draw(&state, &ctx)?;
            state.dirty = false;
        }
        let wake = next_wake(&state, clock.now, clock.wall);
        let timer = async move {
            match wake {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            Some(msg) = rx.recv() => pending.push(msg),
            result = &mut stop => {
                remember_on_exit(&mut state);
                return result;
            }
            event = events.next() => match event {
                Some(Ok(event)) => {
                    if let Some(msg) = translate(event) {
                        pending.push(msg);
                    }
                }
                Some(Err(e)) => return Err(e).context("reading terminal input"),
                None => {
                    remember_on_exit(&mut state);
                    return Ok(());
                }
            },
            _ = timer => pending.push(Msg::Tick),
        }
    }
}

/// The loop ends by a signal or the end of input: what a `q` would have
/// remembered is written all the same.
fn remember_on_exit(state: &mut State) {
    for effect in update(state, Msg::Exiting, read_clock()) {
        if let Effect::Remember(r) = effect {
            remember(&r);
        }
    }
}

/// Writes the session and the page on screen (small files, at exit: on
/// the loop's thread, so they are on disk before the process ends). A
/// failure is logged; nothing else is to be done about it then.
fn remember(r: &crate::app::persist::Remembrance) {
    if let Err(e) = r.store.save_session(&r.session) {
        tracing::warn!(path = %r.store.session_path().display(), error = %e, "could not remember the session");
    }
    if let Some(page) = &r.page
        && let Err(e) = r.store.save_page(page)
    {
        tracing::warn!(dir = %r.store.dir().display(), error = %e, "could not keep the page on screen");
    }
}

/// Back on the terminal (after Ctrl-z or the editor): its size may have
/// changed meanwhile, and everything is drawn again.
fn resumed<D: Screen>(screen: &D, tx: &UnboundedSender<Msg>) -> anyhow::Result<()> {
    let (w, h) = screen.size()?;
    let _ = tx.send(Msg::Resize(w, h));
    let _ = tx.send(Msg::Resumed);
    Ok(())
}

fn translate(event: Event) -> Option<Msg> {
    match event {
        Event::Key(k) if k.kind != KeyEventKind::Release => Some(Msg::Key(k)),
        Event::Mouse(m) => Some(Msg::Mouse(m)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        Event::FocusGained => Some(Msg::Focus(true)),
        Event::FocusLost => Some(Msg::Focus(false)),
        _ => None,
    }
}

enum Flow {
    Continue,
    Quit,
    Resumed,
    /// Open the editor (needs the input paused, which only the loop has).
    Compose(Box<crate::app::triage::ComposeRequest>),
}

fn execute_effect<S: TicketSource, D: Screen>(
    effect: Effect,
    source: &S,
    tx: &UnboundedSender<Msg>,
    screen: &mut D,
    tasks: &mut Vec<(u64, AbortHandle)>,
) -> anyhow::Result<Flow> {
    match effect {
        Effect::FetchPage {
            generation,
            filter,
            page,
            per_page,
        } => {
            let (source, tx) = (source.clone(), tx.clone());
            let handle = tokio::spawn(async move {
                let result = source.page(&filter, page, per_page).await;
                let _ = tx.send(Msg::PageLoaded {
                    generation,
                    page,
                    result,
                });
            });
            tasks.push((generation, handle.abort_handle()));
        }
        Effect::FetchDetail { generation, id } => {
            let (source, tx) = (source.clone(), tx.clone());
            tokio::spawn(async move {
                let result = source.detail(id).await.map(Box::new);
                let _ = tx.send(Msg::DetailLoaded { generation, result });
            });
        }
        Effect::FetchMessages {
            generation,
            id,
            page,
            per_page,
        } => {
            let (source, tx) = (source.clone(), tx.clone());
            tokio::spawn(async move {
                let result = source.messages(id, page, per_page).await;
                let _ = tx.send(Msg::MessagesLoaded { generation, result });
            });
        }
        Effect::LoadNames { generation } => {
            let (source, tx) = (source.clone(), tx.clone());
            tokio::spawn(async move {
                let loaded = source.load_names().await;
                let _ = tx.send(Msg::NamesLoaded { generation, loaded });
            });
        }
        Effect::UpdateTicket { write, id, patch } => {
            // Not tracked for aborting: a write, once sent, is let finish so
            // its answer (and the row's true state) is never lost.
            let (source, tx) = (source.clone(), tx.clone());
            tokio::spawn(async move {
                let result = source.update_ticket(id, &patch).await.map(Box::new);
                let _ = tx.send(Msg::TicketUpdated { write, result });
            });
        }
        Effect::ClearRateLimit => source.clear_rate_limit(),
        Effect::Copy(text) => {
            if let Err(e) = screen.write_raw(osc52(&text).as_bytes()) {
                let _ = tx.send(Msg::EffectFailed(format!("clipboard: {e}")));
            }
        }
        Effect::CopyCurl {
            filter,
            page,
            per_page,
        } => match source.curl_command(&filter, page, per_page) {
            Ok(cmd) => {
                if let Err(e) = screen.write_raw(osc52(&cmd).as_bytes()) {
                    let _ = tx.send(Msg::EffectFailed(format!("clipboard: {e}")));
                }
            }
            Err(message) => {
                let _ = tx.send(Msg::EffectFailed(message));
            }
        },
        Effect::OpenUrl(url) => {
            if let Err(e) = open_url(&url) {
                let _ = tx.send(Msg::EffectFailed(format!("could not open a browser: {e}")));
            }
        }
        Effect::FetchViewCount {
            name,
            generation,
            filter,
            new_since,
        } => {
            let (source, tx) = (source.clone(), tx.clone());
            tokio::spawn(async move {
                let result = view_count::count_view(&source, &filter, new_since).await;
                let _ = tx.send(Msg::ViewCount {
                    name,
                    generation,
                    result,
                });
            });
        }
        Effect::EditViews { path, edit, loaded } => {
            let tx = tx.clone();
            // A file write: off the event loop's thread.
            tokio::task::spawn_blocking(move || {
                let result = crate::config::edit_views(&path, &edit, loaded)
                    .map_err(|e| sanitize(&e.to_string()).into_owned());
                let _ = tx.send(Msg::ViewsEdited { edit, result });
            });
        }
        Effect::SetTitle(title) => {
            // Only a real terminal has a title to give back on exit.
            if TERMINAL_ACTIVE.load(Ordering::SeqCst) && !TITLE_SET.swap(true, Ordering::SeqCst) {
                let _ = screen.write_raw(PUSH_TITLE);
            }
            // Best effort: a title that could not be written is no error.
            let _ = screen.write_raw(osc_title(&title).as_bytes());
        }
        Effect::Notify(notification) => {
            let _ = screen.write_raw(&notification_bytes(&notification));
        }
        Effect::PostMessage {
            write,
            id,
            message,
            drafts,
        } => {
            // Like a PATCH: let finish, never retried here.
            let (source, tx) = (source.clone(), tx.clone());
            tokio::spawn(async move {
                let result = source.post_message(id, &message).await.map(|_| ());
                if result.is_ok()
                    && let Some(drafts) = drafts
                    && let Err(e) = drafts.remove(id, message.kind)
                {
                    tracing::warn!(%id, error = %e, "could not remove a sent draft");
                }
                let _ = tx.send(Msg::MessagePosted { write, result });
            });
        }
        Effect::SaveDrafts {
            drafts,
            ids,
            kind,
            text,
        } => {
            // Here, before the POST effects that follow it run: the draft
            // is on disk before anything is sent (a small file).
            // Ending in a newline, so an editor that appends to a
            // restored draft starts a line of its own.
            let text = format!("{text}\n");
            for id in ids {
                if let Err(e) = drafts.save(id, kind, &text) {
                    let _ = tx.send(Msg::EffectFailed(
                        sanitize(&format!(
                            "could not keep a draft in {}: {e}",
                            drafts.dir().display()
                        ))
                        .into_owned(),
                    ));
                }
            }
        }
        Effect::RemoveDrafts { drafts, ids, kind } => {
            for id in ids {
                let _ = drafts.remove(id, kind);
            }
        }
        Effect::Remember(r) => remember(&r),
        Effect::Compose(request) => return Ok(Flow::Compose(request)),
        Effect::Suspend => {
            screen.suspend()?;
            return Ok(Flow::Resumed);
        }
        Effect::Quit => return Ok(Flow::Quit),
    }
    Ok(Flow::Continue)
}

/// OSC 52 "set clipboard" sequence for `text`, sanitized first so the
/// payload can carry no control characters of its own.
pub fn osc52(text: &str) -> String {
    let clean = sanitize(text);
    let encoded = base64::engine::general_purpose::STANDARD.encode(clean.as_bytes());
    format!("\x1b]52;c;{encoded}\x07")
}

/// OSC 2 "set window title", the text made safe inside the sequence.
pub fn osc_title(title: &str) -> String {
    format!("\x1b]2;{}\x07", crate::app::news::osc_safe(title))
}

/// A bell, or a desktop notification both as OSC 777 (rxvt, foot,
/// WezTerm, Ghostty) and OSC 9 (iTerm2, Windows Terminal, kitty): each
/// terminal shows the one it knows and ignores the other.
pub fn notification_bytes(notification: &Notification) -> Vec<u8> {
    match notification {
        Notification::Bell => b"\x07".to_vec(),
        Notification::Desktop { title, body } => {
            let (title, body) = (
                crate::app::news::osc_safe(title),
                crate::app::news::osc_safe(body),
            );
            format!("\x1b]777;notify;{title};{body}\x1b\\\x1b]9;{body}\x1b\\").into_bytes()
        }
    }
}

/// Starts the platform's URL opener without waiting on the UI thread.
fn open_url(url: &str) -> io::Result<()> {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let mut child = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    // Reap it off the event loop so no zombie stays behind.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_payload_is_sanitized_and_encoded() {
        let seq = osc52("#42\x1b]0;x\x07");
        assert!(seq.starts_with("\x1b]52;c;") && seq.ends_with('\x07'));
        let body = &seq["\x1b]52;c;".len()..seq.len() - 1];
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap();
        let decoded = String::from_utf8(decoded).unwrap();
        assert!(!decoded.contains('\x1b') && !decoded.contains('\x07'));
        assert!(decoded.starts_with("#42"));
    }

    #[test]
    fn notifications_and_titles_cannot_end_their_sequence_early() {
        assert_eq!(notification_bytes(&Notification::Bell), b"\x07");
        let desktop = Notification::Desktop {
            title: "triage".into(),
            body: "2 new tickets: a;b\x1b\\c\x07d".into(),
        };
        let bytes = String::from_utf8(notification_bytes(&desktop)).unwrap();
        assert_eq!(
            bytes,
            "\x1b]777;notify;triage;2 new tickets: ab\u{fffd}\\c\u{fffd}d\x1b\\\x1b]9;2 new tickets: ab\u{fffd}\\c\u{fffd}d\x1b\\"
        );
        assert_eq!(
            osc_title("triage (3 new)\x07;"),
            "\x1b]2;triage (3 new)\u{fffd}\x07"
        );
    }
}
