//! The instant `triage demo` anchors its generated data to: the first
//! demo's start, remembered in the state directory. Anchored to each start
//! instead, every timestamp moved by the time between two runs, and a
//! restart marked the whole page new with nothing changed.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::state_file;

/// `$XDG_STATE_HOME/triage/demo-epoch`.
pub fn demo_epoch_path() -> Option<PathBuf> {
    Some(super::state_dir()?.join("demo-epoch"))
}

/// The remembered epoch at `path`, or `now` (written there for the next
/// start) when there is none, it does not read, or it lies in the future
/// (generated data must not be newer than the server's clock). A file
/// that cannot be written costs only that: this start anchors at `now`.
pub fn demo_epoch(path: &Path, now: DateTime<Utc>) -> DateTime<Utc> {
    let remembered = state_file::read(path, 256)
        .ok()
        .flatten()
        .and_then(|(bytes, _)| String::from_utf8(bytes).ok())
        .and_then(|text| DateTime::parse_from_rfc3339(text.trim()).ok())
        .map(|t| t.with_timezone(&Utc))
        .filter(|t| *t <= now);
    if let Some(epoch) = remembered {
        return epoch;
    }
    let now = DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
    if let Err(e) = state_file::write(path, format!("{}\n", now.to_rfc3339()).as_bytes()) {
        tracing::warn!(
            "cannot remember the demo's epoch in {}: {e}",
            path.display()
        );
    }
    now
}
