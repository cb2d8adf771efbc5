//! Running `[[commands]]` (`app::commands`): each script with `sh -c`, its
//! values already shell-quoted by the app. In the terminal (handed over by
//! the loop, as for the editor) or in the background with its output
//! captured: the first line goes to the status line, sanitized.

use std::io::{IsTerminal, Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Output, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use crate::app::commands::{CommandRun, first_line};

/// How much of a line the status line gets.
const LINE_MAX: usize = 200;

fn shell(script: &str) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(script);
    cmd
}

fn exited(status: ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exited with {code}"),
        None => format!("ended by a signal ({status})"),
    }
}

/// Runs the scripts in the terminal (the caller has handed it over), in
/// order, stopping at the first that fails; then, with `wait`, says how it
/// ended and waits for a key, so what it printed is not drawn over at once
/// (lazygit and neomutt do the same). Ctrl-C and Ctrl-\ meanwhile are the
/// command's: they stop it, never triage (see `Interrupts`).
pub fn run_in_terminal(run: &CommandRun) -> Result<String, String> {
    let _interrupts = Interrupts::for_the_command();
    let result = run_scripts(run);
    // Raw before the prompt shows: a key pressed as soon as it is seen is
    // read as a key (in a cooked terminal Ctrl-C would be a signal, lost).
    if run.wait && std::io::stdin().is_terminal() && crossterm::terminal::enable_raw_mode().is_ok()
    {
        let ended = match &result {
            Ok(_) => "done".to_string(),
            Err(why) => why.clone(),
        };
        let mut out = std::io::stdout();
        let _ = write!(
            out,
            "\r\n[{}: {ended}] press Enter to return to triage",
            crate::text::sanitize(&run.name)
        );
        let _ = out.flush();
        wait_for_return();
    }
    result
}

/// One key, read raw (the caller made the terminal so): Enter, `q`, Esc or
/// Ctrl-C returns; anything else is passed over.
fn wait_for_return() {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, read};
    loop {
        match read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => {
                let ctrl_c =
                    k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
                if ctrl_c || matches!(k.code, KeyCode::Enter | KeyCode::Esc | KeyCode::Char('q')) {
                    return;
                }
            }
            Ok(_) => {}
            Err(_) => return,
        }
    }
}

/// While a command has the terminal, SIGINT and SIGQUIT (Ctrl-C, Ctrl-\
/// in a cooked terminal) go to the whole foreground group, triage
/// included: caught here by a handler that does nothing, so triage lives
/// on. A caught signal is reset to its default in a new program, so the
/// command itself still stops on them. Put back as it was when dropped.
struct Interrupts {
    before: [(libc::c_int, libc::sigaction); 2],
}

extern "C" fn let_it_pass(_: libc::c_int) {}

impl Interrupts {
    fn for_the_command() -> Interrupts {
        let mut before = [
            (libc::SIGINT, unsafe_zeroed()),
            (libc::SIGQUIT, unsafe_zeroed()),
        ];
        for (signal, old) in before.iter_mut() {
            let mut action = unsafe_zeroed();
            action.sa_sigaction = let_it_pass as extern "C" fn(libc::c_int) as libc::sighandler_t;
            // SAFETY: sigaction with valid pointers to initialized structs;
            // the handler does nothing, so it is async-signal-safe.
            unsafe {
                libc::sigemptyset(&mut action.sa_mask);
                action.sa_flags = libc::SA_RESTART;
                libc::sigaction(*signal, &action, old);
            }
        }
        Interrupts { before }
    }
}

impl Drop for Interrupts {
    fn drop(&mut self) {
        for (signal, old) in &self.before {
            // SAFETY: puts back the action read by `for_the_command`.
            unsafe {
                libc::sigaction(*signal, old, std::ptr::null_mut());
            }
        }
    }
}

fn unsafe_zeroed() -> libc::sigaction {
    // SAFETY: sigaction is a plain C struct for which all zeroes is valid
    // (SIG_DFL, an empty mask, no flags).
    unsafe { std::mem::zeroed() }
}

fn run_scripts(run: &CommandRun) -> Result<String, String> {
    for script in &run.scripts {
        let status = shell(script)
            .status()
            .map_err(|e| format!("could not start sh: {e}"))?;
        if !status.success() {
            return Err(exited(status));
        }
    }
    Ok(String::new())
}

/// How long a command in the background may run, all its runs together
/// (`marked = "each"`): past it, what still runs and whatever it started
/// are stopped, and that is said (a hung `curl` must not stay behind for
/// the rest of the day).
pub const BACKGROUND_TIMEOUT: Duration = Duration::from_secs(30);

/// After a command ends, how long what it started in the background (and
/// still holding its output: `xdg-open`, `foo &`) may keep it from being
/// reported: what it printed by then is what is shown.
const OUTPUT_GRACE: Duration = Duration::from_millis(500);

/// What of a background command's output is kept (the first line is
/// shown); the rest is read and dropped so the command never blocks.
const OUTPUT_KEPT: usize = 64 * 1024;

/// Runs the scripts with no terminal (stdin empty), in order, stopping at
/// the first that fails: the first line of the last one's output (its
/// stdout, else its stderr), or how it failed with its stderr's first line.
pub fn run_captured(run: &CommandRun) -> Result<String, String> {
    run_captured_within(run, BACKGROUND_TIMEOUT)
}

fn run_captured_within(run: &CommandRun, timeout: Duration) -> Result<String, String> {
    let deadline = Instant::now() + timeout;
    let mut last = String::new();
    for script in &run.scripts {
        let out = output_by(script, deadline, timeout)?;
        if !out.status.success() {
            let said = first_line(&out.stderr, LINE_MAX);
            return Err(match said.is_empty() {
                true => exited(out.status),
                false => format!("{}: {said}", exited(out.status)),
            });
        }
        last = first_line(&out.stdout, LINE_MAX);
        if last.is_empty() {
            last = first_line(&out.stderr, LINE_MAX);
        }
    }
    Ok(last)
}

/// One script's output, or a refusal once `deadline` passed (it runs in a
/// process group of its own, stopped as a whole). `timeout` names it.
fn output_by(script: &str, deadline: Instant, timeout: Duration) -> Result<Output, String> {
    let mut child = shell(script)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("could not start sh: {e}"))?;
    let (done, finished) = mpsc::channel();
    let stdout = read_in_background(child.stdout.take(), done.clone());
    let stderr = read_in_background(child.stderr.take(), done);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => {
                // A background thread's wait: nothing on the UI's path.
                std::thread::sleep(Duration::from_millis(20));
            }
            Ok(None) => {
                // The group: sh and whatever it started.
                let group = -(child.id() as libc::pid_t);
                // SAFETY: kill(2) with a negative pid signals that process
                // group; it reads no memory of ours.
                unsafe { libc::kill(group, libc::SIGKILL) };
                let _ = child.wait();
                return Err(format!(
                    "still running after {} s: stopped",
                    timeout.as_secs_f32()
                ));
            }
            Err(e) => return Err(format!("could not wait for sh: {e}")),
        }
    };
    // Both pipes at their end, unless something the command left running
    // holds them: then what was printed so far.
    let grace = (Instant::now() + OUTPUT_GRACE).min(deadline.max(Instant::now()));
    for _ in 0..2 {
        if finished
            .recv_timeout(grace.saturating_duration_since(Instant::now()))
            .is_err()
        {
            break;
        }
    }
    let taken = |kept: &Arc<Mutex<Vec<u8>>>| kept.lock().map(|k| k.clone()).unwrap_or_default();
    Ok(Output {
        status,
        stdout: taken(&stdout),
        stderr: taken(&stderr),
    })
}

/// Reads a pipe to its end on a thread of its own, keeping the first
/// [`OUTPUT_KEPT`] bytes where the caller can take them at any time, and
/// saying when it is done.
fn read_in_background(
    pipe: Option<impl Read + Send + 'static>,
    done: mpsc::Sender<()>,
) -> Arc<Mutex<Vec<u8>>> {
    let kept = Arc::new(Mutex::new(Vec::new()));
    let into = Arc::clone(&kept);
    std::thread::spawn(move || {
        if let Some(mut pipe) = pipe {
            let mut chunk = [0u8; 8192];
            loop {
                match pipe.read(&mut chunk) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if let Ok(mut kept) = into.lock() {
                            let room = OUTPUT_KEPT.saturating_sub(kept.len());
                            kept.extend_from_slice(&chunk[..n.min(room)]);
                        }
                    }
                }
            }
        }
        let _ = done.send(());
    });
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(scripts: &[&str]) -> CommandRun {
        CommandRun {
            name: "t".into(),
            scripts: scripts.iter().map(|s| s.to_string()).collect(),
            background: true,
            wait: false,
        }
    }

    #[test]
    fn the_first_line_or_how_it_failed() {
        assert_eq!(
            run_captured(&run(&["printf 'one\\ntwo\\n'"])),
            Ok("one".into())
        );
        assert_eq!(run_captured(&run(&["echo warn >&2"])), Ok("warn".into()));
        assert_eq!(
            run_captured(&run(&["echo nope >&2; exit 3", "echo never"])),
            Err("exited with 3: nope".into())
        );
        assert_eq!(run_captured(&run(&["exit 4"])), Err("exited with 4".into()));
        assert_eq!(
            run_captured(&run(&["echo a", "echo b"])),
            Ok("b".into()),
            "each runs, the last one speaks"
        );
    }

    /// What a command leaves running in the background (a browser opened
    /// by `xdg-open`, `foo &`) keeps its output open: the command is
    /// reported once it ended, with what it printed by then, not when that
    /// ends too (it never did before the timeout: the report waited).
    #[test]
    fn what_a_command_leaves_running_does_not_hold_its_report() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let script = format!(
            "sleep 60 & echo $! > '{}'; echo started",
            pid_file.display()
        );
        let began = Instant::now();
        let said = run_captured_within(&run(&[&script]), Duration::from_secs(20));
        // Not a speed target: 20 s (the timeout) against 0.5 s (the grace)
        // tells waiting for the left-over process from not waiting.
        let took = began.elapsed();
        let pid: libc::pid_t = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        // SAFETY: kill(2) on the sleep this test started.
        unsafe { libc::kill(pid, libc::SIGKILL) };
        assert_eq!(said, Ok("started".into()));
        assert!(took < Duration::from_secs(10), "{took:?}");
    }

    /// While a command has the terminal, Ctrl-C is the command's: triage's
    /// own disposition of SIGINT and SIGQUIT is a handler that does
    /// nothing (a program started meanwhile gets the default), and the
    /// one before is back afterwards.
    #[test]
    fn interrupts_pass_over_triage_while_a_command_runs_and_come_back_after() {
        let current = |signal| {
            let mut now = unsafe_zeroed();
            // SAFETY: reads the action into an initialized struct.
            unsafe { libc::sigaction(signal, std::ptr::null(), &mut now) };
            now.sa_sigaction
        };
        let before = (current(libc::SIGINT), current(libc::SIGQUIT));
        {
            let _held = Interrupts::for_the_command();
            let passing = let_it_pass as extern "C" fn(libc::c_int) as libc::sighandler_t;
            assert_eq!(current(libc::SIGINT), passing);
            assert_eq!(current(libc::SIGQUIT), passing);
            // SAFETY: raises SIGINT in this process, whose handler is the
            // one above: without it the test process would end here.
            unsafe { libc::raise(libc::SIGINT) };
        }
        assert_eq!((current(libc::SIGINT), current(libc::SIGQUIT)), before);
    }

    /// A command that hangs is stopped with everything it started (the
    /// group), and that is said; it used to stay behind for good.
    #[test]
    fn a_command_that_hangs_is_stopped_with_what_it_started() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let script = format!("sleep 30 & echo $! > '{}'; wait", pid_file.display());
        let said = run_captured_within(&run(&[&script]), Duration::from_secs(1));
        assert_eq!(said, Err("still running after 1 s: stopped".into()));
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        let pid: libc::pid_t = pid.trim().parse().unwrap();
        // The grandchild got the group's SIGKILL: soon nothing is left of
        // it but, at most, a zombie waiting for init (a signal takes effect
        // when the process next runs: waited for, with a deadline).
        let gone = || {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
            status.is_empty()
                || status
                    .lines()
                    .any(|l| l.starts_with("State:") && l.contains('Z'))
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !gone() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(gone(), "the grandchild {pid} outlived the stop");
    }
}
