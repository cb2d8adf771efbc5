//! Drafts of notes and replies, one file per ticket and kind under
//! `$XDG_STATE_HOME/triage/drafts/` (`<ticket-id>-note.txt`,
//! `<ticket-id>-reply.txt`). A draft is written (atomically) before its
//! message is sent and removed only when the server answers 201, so a
//! failed send, a quit or a crash leaves it to be offered again.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::atomic::write_atomic;
use crate::model::MessageKind;

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
        write_atomic(&self.path(id, kind), text.as_bytes())
    }

    /// The draft, if there is one.
    pub fn load(&self, id: Uuid, kind: MessageKind) -> io::Result<Option<Draft>> {
        let path = self.path(id, kind);
        let text = match fs::read(&path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let saved_at = fs::metadata(&path)?.modified()?.into();
        Ok(Some(Draft { text, saved_at }))
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
}
