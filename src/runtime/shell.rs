//! Running `[[commands]]` (`app::commands`): each script with `sh -c`, its
//! values already shell-quoted by the app. In the terminal (handed over by
//! the loop, as for the editor) or in the background with its output
//! captured: the first line goes to the status line, sanitized.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Output, Stdio};
use std::thread::JoinHandle;
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
/// ended and waits for Enter, so what it printed is not drawn over at once
/// (lazygit and neomutt do the same).
pub fn run_in_terminal(run: &CommandRun) -> Result<String, String> {
    let result = run_scripts(run);
    if run.wait && std::io::stdin().is_terminal() {
        let ended = match &result {
            Ok(_) => "done".to_string(),
            Err(why) => why.clone(),
        };
        let mut out = std::io::stdout();
        let _ = write!(
            out,
            "\n[{}: {ended}] press Enter to return to triage",
            crate::text::sanitize(&run.name)
        );
        let _ = out.flush();
        let _ = std::io::stdin().lock().read_line(&mut String::new());
    }
    result
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

/// How long a command in the background may run: past it, it and whatever
/// it started are stopped, and that is said (a hung `curl` must not stay
/// behind for the rest of the day).
pub const BACKGROUND_TIMEOUT: Duration = Duration::from_secs(30);

/// What of a background command's output is kept (the first line is
/// shown); the rest is read and dropped so the command never blocks.
const OUTPUT_KEPT: u64 = 64 * 1024;

/// Runs the scripts with no terminal (stdin empty), in order, stopping at
/// the first that fails: the first line of the last one's output (its
/// stdout, else its stderr), or how it failed with its stderr's first line.
pub fn run_captured(run: &CommandRun) -> Result<String, String> {
    run_captured_within(run, BACKGROUND_TIMEOUT)
}

fn run_captured_within(run: &CommandRun, timeout: Duration) -> Result<String, String> {
    let mut last = String::new();
    for script in &run.scripts {
        let out = output_within(script, timeout)?;
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

/// One script's output, or a refusal once it has run for `timeout` (it
/// runs in a process group of its own, stopped as a whole).
fn output_within(script: &str, timeout: Duration) -> Result<Output, String> {
    let mut child = shell(script)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("could not start sh: {e}"))?;
    let stdout = read_in_background(child.stdout.take());
    let stderr = read_in_background(child.stderr.take());
    let deadline = Instant::now() + timeout;
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
    Ok(Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// Reads a pipe to its end on a thread of its own, keeping the first
/// [`OUTPUT_KEPT`] bytes.
fn read_in_background(pipe: Option<impl Read + Send + 'static>) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = (&mut pipe).take(OUTPUT_KEPT).read_to_end(&mut kept);
            let _ = std::io::copy(&mut pipe, &mut std::io::sink());
        }
        kept
    })
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
            std::thread::yield_now();
        }
        assert!(gone(), "the grandchild {pid} outlived the stop");
    }
}
