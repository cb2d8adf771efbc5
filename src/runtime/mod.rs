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
//!
//! `terminal` is the real terminal behind the loop's `Screen` and `Input`;
//! `effects` carries out what `update` asked for.

mod api_source;
pub mod background;
pub mod editor;
mod effects;
pub mod shell;
mod terminal;
pub mod view_count;

pub use api_source::ApiSource;
pub use effects::{notification_bytes, osc_title, osc52};
pub use terminal::{Input, RawBackend, Screen, TerminalInput, restore_terminal};

use std::future::Future;
use std::io;
use std::sync::Arc;

use anyhow::Context;
use chrono::Utc;
use crossterm::event::{Event, KeyEventKind};
use futures::StreamExt;
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
use crate::app::source::{Directory, NoNames, TicketSource};
use crate::app::state::{Scope, State};
use crate::app::update::{next_wake, update};
use crate::filter::{EntityRef, TicketFilter};
use crate::ui::{ColorMode, RenderContext, Theme};
use effects::{Flow, execute_effect};
use terminal::{TerminalGuard, enter_terminal, install_panic_hook};

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
    /// `None`: the dark theme in `color`'s mode.
    pub theme: Option<Theme>,
    /// `[ui] relative_times`.
    pub relative_times: bool,
    /// `[ui] refresh_secs`: how often the open list refreshes itself.
    pub refresh: Option<std::time::Duration>,
    /// `[ui] unfocused_refresh_secs`: the slowest pace while the terminal
    /// is not focused (`None`: no polls until it is again).
    pub unfocused_refresh: Option<std::time::Duration>,
    /// `[ui] notify`: for lists without a view's own `notify`.
    pub notify: crate::config::Notify,
    /// `[ui] after_reply`: the reply confirmation's "send and set" keys.
    pub after_reply: crate::config::AfterReply,
    /// `[ui] columns`, resolved (unknown names already left out).
    pub columns: Vec<crate::columns::ColumnSpec>,
    /// Saved views of the config file and where to save them.
    pub views: crate::app::views::ViewsSetup,
    /// `me` from the config.
    pub me: Option<EntityRef>,
    /// Where notes and replies are kept until sent (`None`: not kept).
    pub drafts: Option<crate::config::Drafts>,
    /// `[[macros]]` of the profile.
    pub macros: Vec<crate::config::MacroDef>,
    /// `[[replies]]` of the profile.
    pub replies: Vec<crate::config::ReplyDef>,
    /// `[[commands]]` of the profile.
    pub commands: Vec<crate::config::CommandDef>,
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
            theme: None,
            relative_times: true,
            refresh: None,
            unfocused_refresh: crate::config::ListRefresh::UNFOCUSED_DEFAULT.interval(),
            notify: crate::config::Notify::Off,
            after_reply: Default::default(),
            columns: crate::columns::default_columns(),
            views: crate::app::views::ViewsSetup::default(),
            me: None,
            drafts: None,
            macros: Vec::new(),
            replies: Vec::new(),
            commands: Vec::new(),
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

/// Macros with their keys; a broken one is kept (running it says why) and
/// the first problem is shown at start, like a broken view.
fn load_macros(state: &mut State, defs: &[crate::config::MacroDef]) {
    let taken: Vec<crate::app::keymap::Key> =
        state.views.entries.iter().filter_map(|e| e.key).collect();
    let (entries, problems) = crate::app::macros::load(defs, &state.keymap, &taken);
    state.macros = entries;
    tell_problems(state, "[[macros]]", &problems);
}

/// Canned replies with their keys (a key of a view or a macro is taken);
/// a broken one is kept (choosing it says why), the first problem shown.
fn load_replies(state: &mut State, defs: &[crate::config::ReplyDef]) {
    let taken: Vec<crate::app::keymap::Key> = (state.views.entries.iter().filter_map(|e| e.key))
        .chain(state.macros.iter().filter_map(|m| m.key))
        .collect();
    let (entries, problems) = crate::app::replies::load(defs, &state.keymap, &taken);
    state.replies = entries;
    tell_problems(state, "[[replies]]", &problems);
}

/// Commands with their keys (a view's, macro's or reply's key is taken);
/// a broken one is kept (running it says why), the first problem shown.
fn load_commands(state: &mut State, defs: &[crate::config::CommandDef]) {
    let taken: Vec<crate::app::keymap::Key> = (state.views.entries.iter().filter_map(|e| e.key))
        .chain(state.macros.iter().filter_map(|m| m.key))
        .chain(state.replies.iter().filter_map(|r| r.key))
        .collect();
    let (entries, problems) = crate::app::commands::load(defs, &state.keymap, &taken);
    state.commands = entries;
    tell_problems(state, "[[commands]]", &problems);
}

/// A section's load problems go to the log, the first one's first line to
/// the screen (unless an earlier problem is shown already): the agent
/// learns something is off, `config check` lists it all.
fn tell_problems(state: &mut State, section: &str, problems: &[String]) {
    for p in problems {
        tracing::warn!("{section} {p}");
    }
    if let Some(first) = problems.first()
        && state.last_error.is_none()
    {
        let first = first.lines().next().unwrap_or_default();
        state.fail(
            format!("config: {}", crate::text::sanitize(first)),
            Some("`triage config check` lists every problem".into()),
        );
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
    state.triage.after_reply = std::mem::take(&mut ctx.after_reply);
    state.columns = std::mem::take(&mut ctx.columns);
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
    load_replies(&mut state, &ctx.replies);
    load_commands(&mut state, &ctx.commands);
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
    let theme = ctx
        .theme
        .unwrap_or_else(|| Theme::new(ctx.color.unwrap_or_else(ColorMode::from_env)));
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
                    Flow::Shell(run) => {
                        events.pause();
                        let mut result = Ok(String::new());
                        let handed = screen.step_out(&mut || result = shell::run_in_terminal(&run));
                        events.resume();
                        let result = handed.map_err(|e| e.to_string()).and(result);
                        let _ = tx.send(Msg::CommandDone {
                            name: run.name,
                            result,
                        });
                        resumed(screen, &tx)?;
                    }
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
