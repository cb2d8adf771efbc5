//! What the queue remembers between runs, on disk: one session file per
//! workspace and profile (`session-<hash>.json`: the view or filter, page,
//! selected ticket and the `:` and `/` histories) and the last page seen of
//! a query (`page-<hash>.json`, keyed by workspace, profile and query), both
//! under the state directory (`$XDG_STATE_HOME/triage`).
//!
//! Everything read back is untrusted: a file that is too big, not JSON, of
//! another `version` or for another query is ignored with a log line, never
//! an error; tickets go through the API's own lenient decoding. Writes are
//! atomic, and a link in a file's place is refused (see `state_file.rs`).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::state_file;
use crate::api::types::{PageMeta, Ticket};

/// The format of both files; any other is ignored (and replaced on quit).
pub const VERSION: u32 = 1;
/// A session file larger than this is not read.
const MAX_SESSION_BYTES: u64 = 1 << 20;
/// A page file larger than this is not read (100 tickets take ~70 KB).
const MAX_PAGE_BYTES: u64 = 4 << 20;
/// Page files kept (one per query last seen); older ones go on save.
pub const MAX_PAGE_FILES: usize = 16;

/// Where one workspace's memory lives: the state directory and the hash
/// that names its files.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionStore {
    dir: PathBuf,
    /// The workspace's identity (base URL and profile), hashed: the files
    /// carry no URL.
    workspace: u64,
}

/// Paths only: the identity it was made from is hashed already.
impl std::fmt::Debug for SessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionStore")
            .field("session", &self.session_path())
            .finish()
    }
}

/// The session file's content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedSession {
    pub version: u32,
    /// The open saved view, by name (its filter may have been changed).
    pub view: Option<String>,
    /// The filter in its text form, sort and order included.
    pub filter: String,
    pub per_page: u64,
    pub page: u64,
    pub selected: Option<Uuid>,
    /// Oldest first, as `State::filter_history`.
    pub filter_history: Vec<String>,
    pub search_history: Vec<String>,
}

/// A page file's content: the query it is a page of, when it was seen,
/// and the page in the API's own envelope (`data`, `meta`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPage {
    pub version: u32,
    pub saved_at: DateTime<Utc>,
    /// The query's text form (sort and order spelled out).
    pub query: String,
    pub per_page: u64,
    pub page: u64,
    pub data: Vec<Ticket>,
    pub meta: PageMeta,
}

/// A page read back for a query.
#[derive(Debug, Clone, PartialEq)]
pub struct DiskPage {
    pub saved_at: DateTime<Utc>,
    pub page: u64,
    pub tickets: Vec<Ticket>,
    pub meta: PageMeta,
}

impl SessionStore {
    /// `workspace` names the workspace and profile (a base URL and a
    /// profile name, "demo"): different ones never share a file.
    pub fn new(dir: impl Into<PathBuf>, workspace: &str) -> SessionStore {
        SessionStore {
            dir: dir.into(),
            workspace: fnv1a(workspace.as_bytes()),
        }
    }

    /// In the state directory, where the platform has one.
    pub fn in_state_dir(workspace: &str) -> Option<SessionStore> {
        super::state_dir().map(|d| SessionStore::new(d, workspace))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn session_path(&self) -> PathBuf {
        self.dir
            .join(format!("session-{:016x}.json", self.workspace))
    }

    /// The page file of a query (its text form) at a page size.
    pub fn page_path(&self, query: &str, per_page: u64) -> PathBuf {
        let key = format!("{:016x}\n{query}\n{per_page}", self.workspace);
        self.dir
            .join(format!("page-{:016x}.json", fnv1a(key.as_bytes())))
    }

    /// The saved session; `None` (with a log line) when there is none or it
    /// cannot be used.
    pub fn load_session(&self) -> Option<SavedSession> {
        let path = self.session_path();
        let bytes = read_capped(&path, MAX_SESSION_BYTES)?;
        let value: serde_json::Value = match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "ignoring a session file that is not JSON");
                return None;
            }
        };
        if !version_is_current(&value, &path) {
            return None;
        }
        match serde_json::from_value::<SavedSession>(value) {
            Ok(saved) => Some(saved),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "ignoring a malformed session file");
                None
            }
        }
    }

    /// Writes the session. Two triage processes on one profile each write
    /// theirs at quit: the `:` and `/` histories are merged with the file's
    /// (the union, this process's entries newest, `MAX_HISTORY` kept), and
    /// the rest (view, filter, page, ticket) is the last quit's. The lock
    /// keeps the other's read-merge-write from landing in between.
    pub fn save_session(&self, session: &SavedSession) -> io::Result<()> {
        let path = self.session_path();
        state_file::private_dir(&self.dir)?;
        let _lock = super::atomic::EditLock::acquire(&path)?;
        let mut saved = SavedSession {
            version: VERSION,
            ..session.clone()
        };
        if let Some(on_disk) = self.load_session() {
            saved.filter_history = merge_history(on_disk.filter_history, &saved.filter_history);
            saved.search_history = merge_history(on_disk.search_history, &saved.search_history);
        }
        let json = serde_json::to_vec_pretty(&saved).map_err(io::Error::other)?;
        state_file::write(&path, &json)
    }

    /// The page kept for `query` at `per_page`, if it is page `page`.
    pub fn load_page(&self, query: &str, per_page: u64, page: u64) -> Option<DiskPage> {
        let path = self.page_path(query, per_page);
        let bytes = read_capped(&path, MAX_PAGE_BYTES)?;
        let value: serde_json::Value = match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "ignoring a page file that is not JSON");
                return None;
            }
        };
        if !version_is_current(&value, &path) {
            return None;
        }
        let field = |name: &str| value.get(name);
        let same_query = field("query").and_then(|v| v.as_str()) == Some(query)
            && field("per_page").and_then(|v| v.as_u64()) == Some(per_page);
        if !same_query {
            // A hash collision, or a file edited by hand.
            tracing::warn!(path = %path.display(), "ignoring a page file of another query");
            return None;
        }
        if field("page").and_then(|v| v.as_u64()) != Some(page) {
            tracing::debug!(path = %path.display(), "the kept page is not the one opened");
            return None;
        }
        let Some(saved_at) = field("saved_at")
            .and_then(|v| v.as_str())
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.with_timezone(&Utc))
        else {
            tracing::warn!(path = %path.display(), "ignoring a page file without its time");
            return None;
        };
        // The rows as the API's answer: one bad ticket is skipped, not the page.
        let decoded = match crate::api::decode::decode_ticket_page(&bytes, page, per_page) {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "ignoring a page file whose tickets do not decode");
                return None;
            }
        };
        if decoded.skipped > 0 {
            tracing::warn!(path = %path.display(), skipped = decoded.skipped, "left out malformed tickets of a page file");
        }
        let mut tickets = decoded.tickets;
        tickets.truncate(usize::try_from(per_page).unwrap_or(usize::MAX));
        Some(DiskPage {
            saved_at,
            page,
            tickets,
            meta: decoded.meta,
        })
    }

    /// Keeps `page` for its query, then drops all but the newest
    /// [`MAX_PAGE_FILES`] page files of the directory.
    pub fn save_page(&self, page: &SavedPage) -> io::Result<()> {
        let saved = SavedPage {
            version: VERSION,
            ..page.clone()
        };
        let json = serde_json::to_vec(&saved).map_err(io::Error::other)?;
        let path = self.page_path(&page.query, page.per_page);
        state_file::write(&path, &json)?;
        self.prune_pages(&path);
        Ok(())
    }

    /// Oldest page files out, by modification time (`keep` stays).
    fn prune_pages(&self, keep: &Path) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        let mut pages: Vec<(std::time::SystemTime, PathBuf)> = entries
            .flatten()
            .filter(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.starts_with("page-") && name.ends_with(".json")
            })
            .filter(|e| e.path() != keep)
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
        // `keep` is one of the files kept, whatever the clock's resolution.
        let others = MAX_PAGE_FILES.saturating_sub(1);
        if pages.len() <= others {
            return;
        }
        pages.sort_by_key(|p| std::cmp::Reverse(p.0));
        for (_, path) in pages.into_iter().skip(others) {
            if let Err(e) = fs::remove_file(&path) {
                tracing::debug!(path = %path.display(), error = %e, "could not remove an old page file");
            }
        }
    }
}

/// The file's bytes, unless it is missing (silently), unreadable or larger
/// than `cap` (with a log line).
fn read_capped(path: &Path, cap: u64) -> Option<Vec<u8>> {
    match state_file::read(path, cap) {
        Ok(found) => found.map(|(bytes, _)| bytes),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "ignoring a remembered file");
            None
        }
    }
}

/// Entries kept per history in the file (as the UI keeps).
pub const MAX_HISTORY: usize = 50;

/// `theirs` (the file's) and `ours`, both oldest first: every entry once,
/// ours newest (they are the ones just used here), the newest
/// [`MAX_HISTORY`] kept.
fn merge_history(theirs: Vec<String>, ours: &[String]) -> Vec<String> {
    let mut merged: Vec<String> = theirs.into_iter().filter(|t| !ours.contains(t)).collect();
    merged.dedup();
    merged.extend(ours.iter().cloned());
    let over = merged.len().saturating_sub(MAX_HISTORY);
    merged.drain(..over);
    merged
}

fn version_is_current(value: &serde_json::Value, path: &Path) -> bool {
    let version = value.get("version").and_then(|v| v.as_u64());
    if version == Some(u64::from(VERSION)) {
        return true;
    }
    tracing::warn!(path = %path.display(), ?version, expected = VERSION, "ignoring a remembered file of another version");
    false
}

/// FNV-1a, 64 bits: stable across builds and platforms (std's hasher is
/// not promised to be), which names the files.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_stable_and_per_workspace() {
        // Known FNV-1a values: the file names must not change between builds.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        let a = SessionStore::new("/s", "https://a.example/api/v1\nwork");
        let b = SessionStore::new("/s", "https://a.example/api/v1\nhome");
        assert_ne!(a.session_path(), b.session_path());
        assert_ne!(a.page_path("q", 50), b.page_path("q", 50));
        assert_ne!(a.page_path("q", 50), a.page_path("q", 25));
        assert!(!format!("{a:?}").contains("a.example"));
    }

    #[test]
    fn old_pages_are_pruned_on_save() {
        let dir = tempfile::tempdir().unwrap();
        let store = SessionStore::new(dir.path(), "w");
        for i in 0..MAX_PAGE_FILES + 3 {
            store
                .save_page(&SavedPage {
                    version: VERSION,
                    saved_at: DateTime::UNIX_EPOCH,
                    query: format!("q{i}"),
                    per_page: 50,
                    page: 1,
                    data: Vec::new(),
                    meta: PageMeta::default(),
                })
                .unwrap();
        }
        let pages = fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(pages, MAX_PAGE_FILES);
        assert!(store.load_page("q18", 50, 1).is_some(), "the newest stays");
    }

    /// Two processes on one profile: each quit used to replace the file
    /// whole, so the first one's histories were lost.
    #[test]
    fn two_processes_merge_their_histories_and_the_last_quit_wins_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let first = SessionStore::new(dir.path(), "w");
        let second = SessionStore::new(dir.path(), "w");
        let session = |filter: &str, history: &[&str], search: &[&str]| SavedSession {
            filter: filter.into(),
            filter_history: history.iter().map(|s| s.to_string()).collect(),
            search_history: search.iter().map(|s| s.to_string()).collect(),
            ..SavedSession::default()
        };
        first
            .save_session(&session(
                "status:open",
                &["status:open", "tag:vip"],
                &["refund"],
            ))
            .unwrap();
        second
            .save_session(&session(
                "priority:urgent",
                &["tag:vip", "priority:urgent"],
                &[],
            ))
            .unwrap();
        let saved = first.load_session().unwrap();
        assert_eq!(saved.filter, "priority:urgent");
        assert_eq!(
            saved.filter_history,
            ["status:open", "tag:vip", "priority:urgent"]
        );
        assert_eq!(saved.search_history, ["refund"]);
    }

    #[test]
    fn a_merged_history_stays_bounded_with_the_newest_kept() {
        let theirs: Vec<String> = (0..MAX_HISTORY).map(|i| format!("t{i}")).collect();
        let ours: Vec<String> = (0..10).map(|i| format!("o{i}")).collect();
        let merged = merge_history(theirs, &ours);
        assert_eq!(merged.len(), MAX_HISTORY);
        assert_eq!(merged.last().unwrap(), "o9");
        assert_eq!(merged[0], "t10");
    }

    /// A link planted at the session's path rewrote its target.
    #[cfg(unix)]
    #[test]
    fn a_link_at_the_session_path_is_refused_and_its_target_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = SessionStore::new(dir.path().join("state"), "w");
        let target = dir.path().join("victim");
        fs::write(&target, "keep me").unwrap();
        fs::create_dir(dir.path().join("state")).unwrap();
        std::os::unix::fs::symlink(&target, store.session_path()).unwrap();
        assert!(store.save_session(&SavedSession::default()).is_err());
        assert!(store.load_session().is_none());
        assert_eq!(fs::read_to_string(&target).unwrap(), "keep me");
    }
}
