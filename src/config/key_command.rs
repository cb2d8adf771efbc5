//! Running `api_key_cmd`: bounded in time and in output, and never quoting
//! what it printed on stdout (that may be the key).

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use super::model::KeyCommandTimeout;
use crate::api::ApiKey;

/// More than this on stdout is not a key: the command is stopped.
pub const OUTPUT_CAP: usize = 64 * 1024;

/// Of stderr, only the start is kept, for the first line of a failure.
const STDERR_KEPT: usize = 4 * 1024;

/// How long a failure message quotes of the first line of stderr.
const STDERR_QUOTED_CHARS: usize = 160;

/// How often the exit is looked for once stdout is closed.
const EXIT_POLL: Duration = Duration::from_millis(10);

/// What the stdout reader saw.
enum Stdout {
    Closed(Vec<u8>),
    TooLong,
    Failed(std::io::Error),
}

/// Runs `cmd` with `sh -c`, blocking until it exits or `timeout` passes
/// (call it before the UI starts, or from `spawn_blocking`). stdin stays the
/// terminal, so a passphrase prompt on the tty (gpg, pass) works. The key is
/// the first non-blank line of stdout, as `pass` prints it. Errors are one
/// line: how it ended, and the first line of its stderr, sanitized; never
/// its stdout.
pub(crate) fn run_key_command(cmd: &str, timeout: KeyCommandTimeout) -> Result<ApiKey, String> {
    let deadline = Instant::now() + timeout.duration();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not be run: {e}"))?;
    let stdout = spawn_stdout_reader(&mut child);
    let stderr = spawn_stderr_reader(&mut child);
    let too_slow = || {
        format!(
            "did not finish within {} s and was stopped (a slow passphrase prompt? raise api_key_cmd_timeout_secs)",
            timeout.secs()
        )
    };
    let bytes = match stdout.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        Ok(Stdout::Closed(bytes)) => bytes,
        Ok(Stdout::TooLong) => {
            stop(&mut child);
            return Err(format!(
                "printed more than {} KB and was stopped: it should print only the key",
                OUTPUT_CAP / 1024
            ));
        }
        Ok(Stdout::Failed(e)) => {
            stop(&mut child);
            return Err(format!("could not be read: {e}"));
        }
        Err(_) => {
            stop(&mut child);
            return Err(too_slow());
        }
    };
    let Some(status) = wait_until(&mut child, deadline) else {
        stop(&mut child);
        return Err(too_slow());
    };
    if !status.success() {
        return Err(failure(status, stderr));
    }
    let text =
        String::from_utf8(bytes).map_err(|_| "printed something that is not UTF-8".to_string())?;
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(ApiKey::new)
        .ok_or_else(|| "printed nothing".to_string())
}

/// Reads stdout on a thread of its own, up to [`OUTPUT_CAP`]. The thread is
/// left behind when the command outlives its time (a grandchild may hold
/// the pipe); it ends with that pipe.
fn spawn_stdout_reader(child: &mut Child) -> mpsc::Receiver<Stdout> {
    let (tx, rx) = mpsc::channel();
    if let Some(pipe) = child.stdout.take() {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            let read = pipe.take(OUTPUT_CAP as u64 + 1).read_to_end(&mut bytes);
            let _ = tx.send(match read {
                Err(e) => Stdout::Failed(e),
                Ok(_) if bytes.len() > OUTPUT_CAP => Stdout::TooLong,
                Ok(_) => Stdout::Closed(bytes),
            });
        });
    }
    rx
}

/// Drains stderr (a full pipe would stall the command), keeping its start.
fn spawn_stderr_reader(child: &mut Child) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    if let Some(mut pipe) = child.stderr.take() {
        thread::spawn(move || {
            let mut kept = Vec::new();
            let _ = (&mut pipe).take(STDERR_KEPT as u64).read_to_end(&mut kept);
            let _ = tx.send(kept);
            let _ = std::io::copy(&mut pipe, &mut std::io::sink());
        });
    }
    rx
}

/// The exit status, if the command exits before `deadline`.
fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => thread::sleep(EXIT_POLL),
            _ => return None,
        }
    }
}

/// Kills the shell and reaps it, so no zombie is left.
fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// `failed (exit status: 1): gpg: decryption failed: No secret key`.
fn failure(status: ExitStatus, stderr: mpsc::Receiver<Vec<u8>>) -> String {
    // The command has exited: its stderr is closed unless a grandchild
    // holds it, so wait only briefly for the reader.
    let first_line = stderr
        .recv_timeout(Duration::from_millis(200))
        .ok()
        .and_then(|bytes| {
            String::from_utf8_lossy(&bytes)
                .lines()
                .map(|l| crate::text::excerpt(l, STDERR_QUOTED_CHARS))
                .find(|l| !l.is_empty())
        });
    match first_line {
        Some(line) => format!("failed ({status}): {line}"),
        None => format!("failed ({status})"),
    }
}
