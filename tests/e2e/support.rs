//! The harness: the real `triage` binary in a pseudo-terminal, read back
//! through a VT100 parser that answers cursor-position queries like a real
//! terminal. Every wait is for a screen condition with a deadline.

use std::io::{Read, Write};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use triage::server::{self, ServerConfig, ServerHandle};

pub const DEADLINE: Duration = Duration::from_secs(30);

pub struct Screen {
    pub parser: vt100::Parser<Recorder>,
    pub closed: bool,
}

/// What the program asked the terminal to do besides drawing cells.
#[derive(Default)]
pub struct Recorder {
    pub titles: Vec<Vec<u8>>,
    pub clipboard: Vec<Vec<u8>>,
    pub bells: usize,
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
pub struct Tui {
    pub screen: Arc<(Mutex<Screen>, Condvar)>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Tui {
    pub fn spawn(args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Tui {
        Tui::spawn_program(env!("CARGO_BIN_EXE_triage"), args, env, cols, rows)
    }

    /// Any program in the pty (a shell wrapping `triage`, say), with the
    /// same clean environment as [`Tui::spawn`].
    pub fn spawn_program(
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> Tui {
        Tui::spawn_answering(program, args, env, cols, rows, None)
    }

    /// Like [`Tui::spawn_program`], with a terminal that answers a
    /// background query (OSC 11) with `background` (`rgb:ffff/ffff/ffff`)
    /// and then the device attributes query after it (DA1), as terminals
    /// that know their colors do. `None`: it answers neither, like a
    /// terminal that never replies.
    pub fn spawn_answering(
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
        background: Option<&'static str>,
    ) -> Tui {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(program);
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
                if let Some(bg) = background
                    && buf[..n].windows(6).any(|w| w == b"\x1b]11;?")
                {
                    let mut w = answer.lock().unwrap();
                    let _ = write!(w, "\x1b]11;{bg}\x1b\\\x1b[?62;22c");
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

    pub fn contents(&self) -> String {
        self.screen.0.lock().unwrap().parser.screen().contents()
    }

    /// Waits until `pred` holds for the screen, or fails showing the screen.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&vt100::Screen) -> bool) {
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

    pub fn wait_text(&self, text: &str) {
        self.wait_for(&format!("{text:?}"), |s| s.contents().contains(text));
    }

    pub fn press(&mut self, keys: &str) {
        let mut w = self.writer.lock().unwrap();
        w.write_all(keys.as_bytes()).unwrap();
        w.flush().unwrap();
    }

    pub fn recorded<R>(&self, f: impl FnOnce(&Recorder) -> R) -> R {
        f(self.screen.0.lock().unwrap().parser.callbacks())
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("the child has a pid")
    }

    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                self.wait_drained();
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

impl Tui {
    /// After the child's exit, waits until the reader has parsed everything it
    /// wrote (EOF on the pty): otherwise, under load, the restore sequence may
    /// still be unread and the screen seem to stay on the alternate screen.
    /// Bounded, because a grandchild could keep the pty open.
    fn wait_drained(&self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        let (lock, cvar) = &*self.screen;
        let mut guard = lock.lock().unwrap();
        while !guard.closed {
            let now = Instant::now();
            if now >= deadline {
                return;
            }
            guard = cvar.wait_timeout(guard, deadline - now).unwrap().0;
        }
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

pub fn footer_line(screen: &vt100::Screen) -> String {
    let (_, cols) = screen.size();
    let rows: Vec<String> = screen.rows(0, cols).collect();
    rows.into_iter()
        .rev()
        .find(|l| l.contains(" tickets · sort"))
        .unwrap_or_default()
}

pub async fn start_server(tickets: usize) -> ServerHandle {
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
pub async fn open_ui(
    handle: &ServerHandle,
    home: &std::path::Path,
    extra_env: &'static [(&'static str, &'static str)],
    cols: u16,
    rows: u16,
) -> Tui {
    let config = home.join("config.toml");
    std::fs::write(&config, "").unwrap();
    open_ui_with(handle, home, &[], extra_env, cols, rows).await
}

/// Starts `triage --base-url URL ARGS...` in a pty with `home/config.toml`
/// as it is (write it first) and its state in `home`, plus `extra_env`.
pub async fn open_ui_with(
    handle: &ServerHandle,
    home: &std::path::Path,
    args: &[&str],
    extra_env: &'static [(&'static str, &'static str)],
    cols: u16,
    rows: u16,
) -> Tui {
    open_ui_answering(handle, home, args, extra_env, cols, rows, None).await
}

/// [`open_ui_with`] in a terminal that answers a background query with
/// `background` (see [`Tui::spawn_answering`]).
pub async fn open_ui_answering(
    handle: &ServerHandle,
    home: &std::path::Path,
    args: &[&str],
    extra_env: &'static [(&'static str, &'static str)],
    cols: u16,
    rows: u16,
    background: Option<&'static str>,
) -> Tui {
    let config = home.join("config.toml");
    if !config.exists() {
        std::fs::write(&config, "").unwrap();
    }
    let base_url = handle.base_url();
    let home = home.to_str().unwrap().to_string();
    let config = config.to_str().unwrap().to_string();
    let mut all_args = vec!["--base-url".to_string(), base_url];
    all_args.extend(args.iter().map(|a| a.to_string()));
    tokio::task::spawn_blocking(move || {
        let mut env = vec![
            ("TRIAGE_API_KEY", server::DEMO_KEY),
            ("TRIAGE_CONFIG", config.as_str()),
            ("HOME", home.as_str()),
            ("XDG_STATE_HOME", home.as_str()),
        ];
        env.extend_from_slice(extra_env);
        let args: Vec<&str> = all_args.iter().map(String::as_str).collect();
        Tui::spawn_answering(
            env!("CARGO_BIN_EXE_triage"),
            &args,
            &env,
            cols,
            rows,
            background,
        )
    })
    .await
    .unwrap()
}

/// Blocks until `pred` holds, or fails naming `what` after [`DEADLINE`]:
/// for conditions outside a screen (the server's data, a file an editor
/// script writes), from a blocking test thread driving several [`Tui`]s.
pub fn wait_until(what: &str, pred: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + DEADLINE;
    while !pred() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// An executable script in `dir` and the `EDITOR` value naming it (leaked:
/// the harness takes `'static` pairs).
pub fn script_editor(dir: &std::path::Path, name: &str, body: &str) -> &'static str {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    Box::leak(format!("'{}'", path.display()).into_boxed_str())
}
