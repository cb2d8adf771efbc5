//! Drafts of notes and replies under `$XDG_STATE_HOME/triage/drafts/`:
//! one file per ticket and kind (`<ticket-id>-note.txt`,
//! `<ticket-id>-reply.txt`), and one per set of marked tickets and kind
//! (`marked-<hash>-note.txt`) for a bulk note or reply, which never reads or
//! writes a ticket's own draft.
//!
//! A draft is saved before its message is sent, and only the version that
//! was sent is removed when the server answers 201: a draft is identified
//! by where it lives, its kind and a hash of its text ([`DraftId`]). Saving
//! and removing take a lock on the folder, so two triage processes on one
//! profile cannot remove each other's newer text (the same text sent by
//! either counts as sent). The files are ours alone (`state_file.rs`): a
//! link in their place is refused.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::atomic::EditLock;
use super::remember::fnv1a;
use super::state_file;
use crate::model::MessageKind;

/// A draft larger than this is not read back (a note is a few KB).
const MAX_DRAFT_BYTES: u64 = 1 << 20;

/// The drafts folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drafts {
    dir: PathBuf,
}

/// Whose draft: one ticket's, or one set of marked tickets'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DraftOwner {
    Ticket(Uuid),
    /// A hash of the tickets' ids, in any order.
    Marked(u64),
}

impl DraftOwner {
    /// The owner of a bulk draft over these tickets.
    pub fn marked(ids: &[Uuid]) -> DraftOwner {
        let mut ids = ids.to_vec();
        ids.sort();
        ids.dedup();
        let bytes: Vec<u8> = ids.iter().flat_map(|id| *id.as_bytes()).collect();
        DraftOwner::Marked(fnv1a(&bytes))
    }
}

/// One saved version of a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DraftId {
    pub owner: DraftOwner,
    pub kind: MessageKind,
    /// A hash of the file's bytes.
    pub version: u64,
}

/// A draft read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub text: String,
    /// When it was last written (the file's modification time).
    pub saved_at: DateTime<Utc>,
    pub id: DraftId,
}

impl Drafts {
    pub fn new(dir: impl Into<PathBuf>) -> Drafts {
        Drafts { dir: dir.into() }
    }

    /// `drafts/` in the state directory, where the platform has one.
    pub fn in_state_dir() -> Option<Drafts> {
        super::state_dir().map(|d| Drafts::new(d.join("drafts")))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self, owner: DraftOwner, kind: MessageKind) -> PathBuf {
        let kind = kind.as_str();
        self.dir.join(match owner {
            DraftOwner::Ticket(id) => format!("{id}-{kind}.txt"),
            DraftOwner::Marked(hash) => format!("marked-{hash:016x}-{kind}.txt"),
        })
    }

    /// Another triage saving or removing waits for this one (the lock
    /// file, `drafts.lock`, is beside the folder: the folder holds drafts).
    fn lock(&self) -> io::Result<EditLock> {
        state_file::private_dir(&self.dir)?;
        EditLock::acquire(&self.dir)
    }

    /// Writes (or replaces) the draft, private (0600); the version saved.
    pub fn save(&self, owner: DraftOwner, kind: MessageKind, text: &str) -> io::Result<DraftId> {
        let _lock = self.lock()?;
        state_file::write(&self.path(owner, kind), text.as_bytes())?;
        Ok(DraftId {
            owner,
            kind,
            version: fnv1a(text.as_bytes()),
        })
    }

    /// The draft, if there is one.
    pub fn load(&self, owner: DraftOwner, kind: MessageKind) -> io::Result<Option<Draft>> {
        let Some((bytes, meta)) = state_file::read(&self.path(owner, kind), MAX_DRAFT_BYTES)?
        else {
            return Ok(None);
        };
        Ok(Some(Draft {
            id: DraftId {
                owner,
                kind,
                version: fnv1a(&bytes),
            },
            text: String::from_utf8_lossy(&bytes).into_owned(),
            saved_at: meta.modified()?.into(),
        }))
    }

    /// Removes the draft if it still holds this version (a newer text
    /// saved since, here or by another triage, stays); one already gone is
    /// fine. `Ok(true)` when it was removed.
    pub fn remove(&self, draft: &DraftId) -> io::Result<bool> {
        let _lock = self.lock()?;
        let path = self.path(draft.owner, draft.kind);
        match state_file::read(&path, MAX_DRAFT_BYTES) {
            Ok(Some((bytes, _))) if fnv1a(&bytes) == draft.version => {}
            Ok(_) => return Ok(false),
            // Too big, a link, not a file: not a version we wrote.
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "left a draft file alone");
                return Ok(false);
            }
        }
        match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Every ticket's draft in the folder, by ticket and kind (bulk drafts
    /// and other files ignored).
    pub fn list(&self) -> Vec<(Uuid, MessageKind)> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter_map(|e| parse_name(&e.file_name().to_string_lossy()))
            .collect()
    }
}

/// `<uuid>-<kind>.txt` back into its parts.
fn parse_name(name: &str) -> Option<(Uuid, MessageKind)> {
    let stem = name.strip_suffix(".txt")?;
    let (id, kind) = stem.rsplit_once('-')?;
    Some((Uuid::parse_str(id).ok()?, MessageKind::from_wire(kind)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTE: MessageKind = MessageKind::Note;

    #[test]
    fn saved_loaded_listed_removed() {
        let dir = tempfile::tempdir().unwrap();
        let drafts = Drafts::new(dir.path().join("drafts"));
        let id = Uuid::from_u128(7);
        let owner = DraftOwner::Ticket(id);
        assert_eq!(drafts.load(owner, NOTE).unwrap(), None);
        let saved = drafts.save(owner, NOTE, "why").unwrap();
        fs::write(drafts.dir().join("notes.md"), "not a draft").unwrap();
        let loaded = drafts.load(owner, NOTE).unwrap().unwrap();
        assert_eq!(loaded.text, "why");
        assert_eq!(loaded.id, saved);
        assert_eq!(drafts.load(owner, MessageKind::Reply).unwrap(), None);
        let bulk = DraftOwner::marked(&[Uuid::from_u128(2), Uuid::from_u128(1)]);
        assert_eq!(
            bulk,
            DraftOwner::marked(&[Uuid::from_u128(1), Uuid::from_u128(2)])
        );
        drafts.save(bulk, NOTE, "to both").unwrap();
        assert_eq!(drafts.list(), vec![(id, NOTE)], "bulk drafts not listed");
        assert!(drafts.remove(&saved).unwrap());
        assert!(!drafts.remove(&saved).unwrap());
        assert!(drafts.list().is_empty());
    }

    /// A's 201 once removed the file whatever it held: B's newer text,
    /// saved since, was lost.
    #[test]
    fn only_the_version_answered_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let drafts = Drafts::new(dir.path().join("drafts"));
        let owner = DraftOwner::Ticket(Uuid::from_u128(7));
        let a = drafts.save(owner, NOTE, "A\n").unwrap();
        // Another process on the same profile (another `Drafts`, same dir).
        let other = Drafts::new(dir.path().join("drafts"));
        let b = other.save(owner, NOTE, "B\n").unwrap();
        assert_ne!(a, b);
        assert!(!drafts.remove(&a).unwrap(), "A was sent; B is not A");
        assert_eq!(drafts.load(owner, NOTE).unwrap().unwrap().text, "B\n");
        assert!(other.remove(&b).unwrap());
    }

    #[cfg(unix)]
    #[test]
    fn the_folder_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let drafts = Drafts::new(dir.path().join("state/drafts"));
        drafts
            .save(DraftOwner::Ticket(Uuid::nil()), NOTE, "x")
            .unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(drafts.dir()), 0o700);
        assert_eq!(mode(&dir.path().join("state")), 0o700);
    }

    /// A link planted at `drafts/<id>-note.txt` made `n` restore (and then
    /// post) the target's content, and a save overwrote the target.
    #[cfg(unix)]
    #[test]
    fn a_planted_link_is_not_a_draft_and_its_target_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let drafts = Drafts::new(dir.path().join("drafts"));
        let owner = DraftOwner::Ticket(Uuid::from_u128(7));
        let target = dir.path().join("private.txt");
        fs::write(&target, "not for the customer").unwrap();
        fs::create_dir(drafts.dir()).unwrap();
        std::os::unix::fs::symlink(&target, drafts.path(owner, NOTE)).unwrap();
        assert!(drafts.load(owner, NOTE).is_err());
        assert!(drafts.save(owner, NOTE, "mine").is_err());
        assert_eq!(fs::read_to_string(&target).unwrap(), "not for the customer");
    }
}
