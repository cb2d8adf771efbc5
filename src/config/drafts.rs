//! Drafts of notes and replies, one file per ticket and kind under
//! `$XDG_STATE_HOME/triage/drafts/` (`<ticket-id>-note.txt`,
//! `<ticket-id>-reply.txt`). A draft is written (atomically) before its
//! message is sent and removed only when the server answers 201, so a
//! failed send, a quit or a crash leaves it to be offered again. The files
//! are ours alone (`state_file.rs`): a link in their place is refused.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::state_file;
use crate::model::MessageKind;

/// A draft larger than this is not read back (a note is a few KB).
const MAX_DRAFT_BYTES: u64 = 1 << 20;

/// The drafts folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drafts {
    dir: PathBuf,
}

/// A draft read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub text: String,
    /// When it was last written (the file's modification time).
    pub saved_at: DateTime<Utc>,
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

    pub fn path(&self, id: Uuid, kind: MessageKind) -> PathBuf {
        self.dir.join(format!("{id}-{}.txt", kind.as_str()))
    }

    /// Writes (or replaces) the draft; a new file is private (0600).
    pub fn save(&self, id: Uuid, kind: MessageKind, text: &str) -> io::Result<()> {
        state_file::write(&self.path(id, kind), text.as_bytes())
    }

    /// The draft, if there is one.
    pub fn load(&self, id: Uuid, kind: MessageKind) -> io::Result<Option<Draft>> {
        let Some((bytes, meta)) = state_file::read(&self.path(id, kind), MAX_DRAFT_BYTES)? else {
            return Ok(None);
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Ok(Some(Draft {
            text,
            saved_at: meta.modified()?.into(),
        }))
    }

    /// Removes the draft; one already gone is fine.
    pub fn remove(&self, id: Uuid, kind: MessageKind) -> io::Result<()> {
        match fs::remove_file(self.path(id, kind)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Every draft in the folder, by ticket and kind (other files ignored).
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

    #[test]
    fn saved_loaded_listed_removed() {
        let dir = tempfile::tempdir().unwrap();
        let drafts = Drafts::new(dir.path().join("drafts"));
        let id = Uuid::from_u128(7);
        assert_eq!(drafts.load(id, MessageKind::Note).unwrap(), None);
        drafts.save(id, MessageKind::Note, "why").unwrap();
        fs::write(drafts.dir().join("notes.md"), "not a draft").unwrap();
        assert_eq!(
            drafts.load(id, MessageKind::Note).unwrap().unwrap().text,
            "why"
        );
        assert_eq!(drafts.load(id, MessageKind::Reply).unwrap(), None);
        assert_eq!(drafts.list(), vec![(id, MessageKind::Note)]);
        drafts.remove(id, MessageKind::Note).unwrap();
        drafts.remove(id, MessageKind::Note).unwrap();
        assert!(drafts.list().is_empty());
    }

    /// A link planted at `drafts/<id>-note.txt` made `n` restore (and then
    /// post) the target's content, and a save overwrote the target.
    #[cfg(unix)]
    #[test]
    fn a_planted_link_is_not_a_draft_and_its_target_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let drafts = Drafts::new(dir.path().join("drafts"));
        let id = Uuid::from_u128(7);
        let target = dir.path().join("private.txt");
        fs::write(&target, "not for the customer").unwrap();
        fs::create_dir(drafts.dir()).unwrap();
        std::os::unix::fs::symlink(&target, drafts.path(id, MessageKind::Note)).unwrap();
        assert!(drafts.load(id, MessageKind::Note).is_err());
        assert!(drafts.save(id, MessageKind::Note, "mine").is_err());
        assert_eq!(fs::read_to_string(&target).unwrap(), "not for the customer");
    }
}
