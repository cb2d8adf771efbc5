//! Logs go to a file under the state directory, never to the terminal the UI
//! draws on. `TRIAGE_LOG` sets the filter (e.g. `debug`, `triage=trace`).

use std::fs::{self, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// Where the log file lives: `$XDG_STATE_HOME/triage/triage.log` on Linux.
pub fn log_path() -> Option<PathBuf> {
    Some(triage::config::state_dir()?.join("triage.log"))
}

/// Starts logging to the log file. Failing to open it is not fatal: the tool
/// works without logs, and the UI must not be disturbed by a warning.
pub fn init_file_logging() {
    let Some(path) = log_path() else { return };
    if let Some(dir) = path.parent()
        && fs::create_dir_all(dir).is_err()
    {
        return;
    }
    // Private: the log can hold search text and ticket ids.
    let Ok(file) = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&path)
    else {
        return;
    };
    let filter = EnvFilter::try_from_env("TRIAGE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init();
}

/// For `triage serve`: a server's log belongs on its stderr.
pub fn init_stderr_logging() {
    let filter = EnvFilter::try_from_env("TRIAGE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
