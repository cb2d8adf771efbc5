//! End to end: the real `triage` binary in a pseudo-terminal against the
//! local server, driven by key presses, read back through a VT100 parser.
//! Every wait is for a screen condition with a deadline, never a fixed sleep.

use std::io::{Read, Write};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use triage::server::{self, RateLimitFault, ServerConfig, ServerHandle};

const DEADLINE: Duration = Duration::from_secs(30);

struct Screen {
    parser: vt100::Parser<Recorder>,
    closed: bool,
}

/// What the program asked the terminal to do besides drawing cells.
#[derive(Default)]
struct Recorder {
    titles: Vec<Vec<u8>>,
    clipboard: Vec<Vec<u8>>,
    bells: usize,
}

impl vt100::Callbacks for Recorder {
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles.push(title.to_vec());
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.titles.push(name.to_vec());
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        self.clipboard.push(data.to_vec());
    }
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
}

/// The program under test, its terminal, and what that terminal shows.
struct Tui {
    screen: Arc<(Mutex<Screen>, Condvar)>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Tui {
    fn spawn(args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Tui {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_triage"));
        cmd.args(args);
        cmd.env_clear();
        cmd.env("TERM", "xterm-256color");
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn triage");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = Arc::new(Mutex::new(pty.master.take_writer().expect("pty writer")));
        let answer = Arc::clone(&writer);
        let screen = Arc::new((
            Mutex::new(Screen {
                parser: vt100::Parser::new_with_callbacks(rows, cols, 0, Recorder::default()),
                closed: false,
            }),
            Condvar::new(),
        ));
        let feed = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                let n = match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                // Answer cursor position reports as a real terminal does.
                if buf[..n].windows(4).any(|w| w == b"\x1b[6n") {
                    let (row, col) = feed.0.lock().unwrap().parser.screen().cursor_position();
                    let mut w = answer.lock().unwrap();
                    let _ = write!(w, "\x1b[{};{}R", row + 1, col + 1);
                    let _ = w.flush();
                }
                let (lock, cvar) = &*feed;
                lock.lock().unwrap().parser.process(&buf[..n]);
                cvar.notify_all();
            }
            let (lock, cvar) = &*feed;
            lock.lock().unwrap().closed = true;
            cvar.notify_all();
        });
        Tui {
            screen,
            writer,
            child,
            _master: pty.master,
        }
    }

    fn contents(&self) -> String {
        self.screen.0.lock().unwrap().parser.screen().contents()
    }

    /// Waits until `pred` holds for the screen, or fails showing the screen.
    fn wait_for(&self, what: &str, pred: impl Fn(&vt100::Screen) -> bool) {
        let (lock, cvar) = &*self.screen;
        let deadline = Instant::now() + DEADLINE;
        let mut guard = lock.lock().unwrap();
        loop {
            if pred(guard.parser.screen()) {
                return;
            }
            let now = Instant::now();
            if now >= deadline || guard.closed {
                let shown = guard.parser.screen().contents();
                drop(guard);
                panic!("timed out waiting for {what}; the screen shows:\n{shown}");
            }
            guard = cvar.wait_timeout(guard, deadline - now).unwrap().0;
        }
    }

    fn wait_text(&self, text: &str) {
        self.wait_for(&format!("{text:?}"), |s| s.contents().contains(text));
    }

    fn press(&mut self, keys: &str) {
        let mut w = self.writer.lock().unwrap();
        w.write_all(keys.as_bytes()).unwrap();
        w.flush().unwrap();
    }

    fn recorded<R>(&self, f: impl FnOnce(&Recorder) -> R) -> R {
        f(self.screen.0.lock().unwrap().parser.callbacks())
    }

    fn pid(&self) -> u32 {
        self.child.process_id().expect("the child has a pid")
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "triage did not exit:\n{}",
                self.contents()
            );
            // Wake on screen output (the restore sequence) or re-check shortly.
            let (lock, cvar) = &*self.screen;
            let guard = lock.lock().unwrap();
            let _ = cvar.wait_timeout(guard, Duration::from_millis(50)).unwrap();
        }
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn footer_line(screen: &vt100::Screen) -> String {
    let (_, cols) = screen.size();
    let rows: Vec<String> = screen.rows(0, cols).collect();
    rows.into_iter()
        .rev()
        .find(|l| l.contains(" tickets · sort"))
        .unwrap_or_default()
}

async fn start_server(tickets: usize) -> ServerHandle {
    server::spawn(
        ServerConfig {
            tickets,
            ..ServerConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .expect("start the local server")
}

/// Starts `triage --base-url URL` in a pty with an empty config and its
/// state in `home`, plus `extra_env`.
async fn open_ui(
    handle: &ServerHandle,
    home: &std::path::Path,
    extra_env: &'static [(&'static str, &'static str)],
    cols: u16,
    rows: u16,
) -> Tui {
    let config = home.join("config.toml");
    std::fs::write(&config, "").unwrap();
    let base_url = handle.base_url();
    let home = home.to_str().unwrap().to_string();
    let config = config.to_str().unwrap().to_string();
    tokio::task::spawn_blocking(move || {
        let mut env = vec![
            ("TRIAGE_API_KEY", server::DEMO_KEY),
            ("TRIAGE_CONFIG", config.as_str()),
            ("HOME", home.as_str()),
            ("XDG_STATE_HOME", home.as_str()),
        ];
        env.extend_from_slice(extra_env);
        Tui::spawn(&["--base-url", &base_url], &env, cols, rows)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browse_pages_and_ride_out_a_rate_limit() {
    let handle = start_server(180).await;
    let home = tempfile::tempdir().unwrap();
    let tui = open_ui(&handle, home.path(), &[("COLORTERM", "truecolor")], 120, 32).await;

    let mut tui = tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        tui.wait_for("the first page", |s| footer_line(s).contains("page 1/"));
        tui.wait_text("#");
        tui.press("]");
        tui.wait_for("page 2", |s| footer_line(s).contains("page 2/"));
        tui
    })
    .await
    .unwrap();

    // The next request is answered with a 429; the UI must count down and
    // then fetch again by itself.
    handle.inject_rate_limit(RateLimitFault {
        retry_after: Some(2),
        retry_after_header: None,
        times: 1,
    });
    let before = handle.request_count();
    let mut tui = tokio::task::spawn_blocking(move || {
        tui.press("r");
        tui.wait_for("the countdown banner", |s| {
            let text = s.contents();
            text.contains("rate limited · retrying in 0:02")
                || text.contains("rate limited · retrying in 0:01")
        });
        let banner = tui.contents();
        assert!(
            banner.contains("waiting: page 2"),
            "the banner names what waits:\n{banner}"
        );
        tui.wait_for("the list to come back after the countdown", |s| {
            let text = s.contents();
            !text.contains("rate limited")
                && footer_line(s).contains("page 2/")
                && text.contains("#")
        });
        tui
    })
    .await
    .unwrap();
    assert!(
        handle.request_count() > before,
        "the waiting request was sent"
    );

    let status = tokio::task::spawn_blocking(move || {
        tui.press("q");
        let status = tui.wait_exit();
        let screen = tui.screen.0.lock().unwrap();
        assert!(
            !screen.parser.screen().alternate_screen(),
            "terminal left the alternate screen"
        );
        status
    })
    .await
    .unwrap();
    assert!(status.success(), "exit status {status:?}");
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_subjects_cannot_drive_the_terminal_and_sigterm_restores_it() {
    let handle = start_server(40).await;
    // The newest tickets (first on screen) get hostile subjects: a title
    // change, a color change, a clipboard write, a bell and a bidi override.
    let hostile = [
        "\u{1b}]0;pwned-title\u{7}title attack",
        "\u{1b}[31mred attack\u{1b}[0m",
        "\u{1b}]52;c;cGF5bG9hZA==\u{7}clipboard attack",
        "bell\u{7}attack \u{202e}gnp.exe",
    ];
    handle.with_data_mut(|d| {
        let mut order: Vec<usize> = (0..d.tickets.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(d.tickets[i].updated_at));
        for (i, subject) in order.into_iter().zip(hostile) {
            d.tickets[i].subject = subject.to_string();
        }
    });
    let home = tempfile::tempdir().unwrap();
    let tui = open_ui(&handle, home.path(), &[], 120, 30).await;
    let recorder = tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        // The payloads stay visible as text. (vt100 does not draw the U+FFFD
        // markers that replace ESC and BEL, so only the words are checked.)
        tui.wait_text("pwned-title");
        tui.wait_text("cGF5bG9hZA==");
        let screen = tui.contents();
        assert!(screen.contains("gnp.exe"), "{screen}");
        tui.recorded(|r| {
            assert!(
                r.titles.is_empty(),
                "a subject changed the title: {:?}",
                r.titles
            );
            assert!(r.clipboard.is_empty(), "a subject wrote the clipboard");
            assert_eq!(r.bells, 0, "a subject rang the bell");
        });
        // The first row's subject is drawn in the default color, not red.
        let red = tui
            .screen
            .0
            .lock()
            .unwrap()
            .parser
            .screen()
            .rows_formatted(0, 120)
            .any(|row| String::from_utf8_lossy(&row).contains("\u{1b}[31m"));
        assert!(!red, "a subject changed the colors");

        // The recorder does see real clipboard writes: `y` copies #number.
        tui.press("y");
        let deadline = Instant::now() + DEADLINE;
        while tui.recorded(|r| r.clipboard.is_empty()) {
            assert!(Instant::now() < deadline, "y did not copy");
            let (lock, cvar) = &*tui.screen;
            let guard = lock.lock().unwrap();
            let _ = cvar.wait_timeout(guard, Duration::from_millis(50)).unwrap();
        }

        // SIGTERM: the terminal is restored on the way out.
        // SAFETY: plain kill(2) on our own child's pid.
        let rc = unsafe { libc::kill(tui.pid() as i32, libc::SIGTERM) };
        assert_eq!(rc, 0);
        tui.wait_exit();
        let guard = tui.screen.0.lock().unwrap();
        assert!(
            !guard.parser.screen().alternate_screen(),
            "left the alternate screen"
        );
        let copies: Vec<String> = guard
            .parser
            .callbacks()
            .clipboard
            .iter()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        copies
    })
    .await
    .unwrap();
    assert_eq!(recorder.len(), 1, "exactly one copy, from y");
    use base64::Engine;
    let copied = base64::engine::general_purpose::STANDARD
        .decode(&recorder[0])
        .unwrap();
    assert!(
        String::from_utf8_lossy(&copied).starts_with('#'),
        "{copied:?}"
    );
    handle.shutdown().await;
}
