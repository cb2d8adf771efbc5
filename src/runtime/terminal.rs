//! The real terminal: raw mode and the alternate screen, entered and
//! always given back (drop, panic, suspend), and the traits the loop draws
//! and reads through, so tests can drive it without one.

use std::io::{self, Write};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context as TaskContext, Poll};

use anyhow::Context;
use crossterm::event::{
    DisableFocusChange, DisableMouseCapture, EnableFocusChange, EnableMouseCapture, Event,
    EventStream,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc::UnboundedSender;

use crate::app::state::State;
use crate::ui::{self, RenderContext};

/// True while the terminal is in raw mode / alternate screen (the panic hook
/// restores it only then).
static TERMINAL_ACTIVE: AtomicBool = AtomicBool::new(false);

pub(super) fn enter_terminal() -> io::Result<()> {
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
/// Before our first title, the terminal's own is saved (a real terminal
/// only: it has a title to give back on exit).
pub(super) fn save_title_once<D: Screen + ?Sized>(screen: &mut D) {
    if TERMINAL_ACTIVE.load(Ordering::SeqCst) && !TITLE_SET.swap(true, Ordering::SeqCst) {
        let _ = screen.write_raw(PUSH_TITLE);
    }
}

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
pub(super) struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Restores the terminal before the previous hook prints the panic, and
/// tells the loop to stop (a panic in a spawned task would otherwise leave
/// the UI running on a restored terminal).
pub(super) fn install_panic_hook(stop: UnboundedSender<()>) {
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
