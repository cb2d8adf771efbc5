//! Files that are triage's alone: drafts, the session, kept pages. Unlike
//! the config file (which may be a link into a dotfiles repository and is
//! written through it), a link here was planted by someone else: reading
//! through it would post another file's text as a note, writing through it
//! would overwrite that file. So a link is refused (with a log line), reads
//! open with `O_NOFOLLOW`, writes go to a randomly named temporary file
//! (`tempfile`, `O_EXCL`) renamed over the path (a rename replaces a link
//! itself, never its target), and the directories are created 0700.

use std::fs::{self, File, Metadata};
use std::io::{self, Read, Write};
use std::path::Path;

/// Creates `dir` (and missing parents) private to the user; one that is
/// already there is made private too when it is ours (an older triage
/// made them 0755, which let other users list draft names).
pub(crate) fn private_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        let meta = fs::symlink_metadata(dir)?;
        if meta.file_type().is_symlink() {
            return Err(refused(dir));
        }
        // SAFETY: getuid has no preconditions and cannot fail.
        let me = unsafe { libc::getuid() };
        if meta.uid() == me && meta.permissions().mode() & 0o077 != 0 {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    fs::create_dir_all(dir)
}

/// The error for a state file (or directory) that is a symbolic link.
fn refused(path: &Path) -> io::Error {
    tracing::warn!(path = %path.display(), "refusing a state file that is a symbolic link");
    io::Error::other(format!(
        "{} is a symbolic link; triage's own files are never links, so it is left alone (remove it)",
        path.display()
    ))
}

/// Opens `path` for reading without following a link at its end; `None`
/// when there is no such file.
pub(crate) fn open(path: &Path) -> io::Result<Option<(File, Metadata)>> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: a FIFO planted in its place must not hang the UI.
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => return Err(refused(path)),
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    Ok(Some((file, meta)))
}

/// The file's bytes (at most `cap`; more is an error) and metadata.
pub(crate) fn read(path: &Path, cap: u64) -> io::Result<Option<(Vec<u8>, Metadata)>> {
    let Some((file, meta)) = open(path)? else {
        return Ok(None);
    };
    let mut bytes = Vec::new();
    // One byte over the cap tells a file that is too big.
    if file.take(cap + 1).read_to_end(&mut bytes)? as u64 > cap {
        return Err(io::Error::other(format!(
            "{} is larger than {cap} bytes",
            path.display()
        )));
    }
    Ok(Some((bytes, meta)))
}

/// Replaces `path` with `contents` atomically (a reader sees the old file
/// or the new one), private (0600), its directory created private. A link
/// at `path` is refused, not followed.
pub(crate) fn write(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    private_dir(dir)?;
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(refused(path));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    // A link planted since the check is replaced, not followed.
    temp.persist(path).map_err(|e| e.error)?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::{PermissionsExt, symlink};

    use super::*;

    #[test]
    fn a_link_is_neither_read_nor_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("secret.txt");
        fs::write(&target, "someone else's").unwrap();
        let state = dir.path().join("state");
        private_dir(&state).unwrap();
        let link = state.join("draft.txt");
        symlink(&target, &link).unwrap();
        let e = read(&link, 100).unwrap_err().to_string();
        assert!(e.contains("is a symbolic link"), "{e}");
        let e = write(&link, b"mine").unwrap_err().to_string();
        assert!(e.contains("is a symbolic link"), "{e}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "someone else's");
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn directories_are_private_and_files_too() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old");
        fs::create_dir(&old).unwrap();
        fs::set_permissions(&old, fs::Permissions::from_mode(0o755)).unwrap();
        let path = old.join("new/file.json");
        write(&path, b"{}").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&old.join("new")), 0o700);
        assert_eq!(mode(&path), 0o600);
        private_dir(&old).unwrap();
        assert_eq!(mode(&old), 0o700);
        assert_eq!(read(&path, 10).unwrap().unwrap().0, b"{}");
        assert!(read(&path, 1).is_err(), "over the cap");
        assert!(read(&old.join("none"), 10).unwrap().is_none());
        // Only the file: no temporary left beside it.
        assert_eq!(fs::read_dir(old.join("new")).unwrap().count(), 1);
    }
}
