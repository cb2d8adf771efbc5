//! Replacing a file so that a reader (or a crash) sees the old content or
//! the new, never half of one: write a temporary file in the same directory,
//! fsync it, rename it over the target, fsync the directory. Plus the
//! advisory lock that edits of the config file take.

use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Symlinks followed before giving up (as the kernel's own limit).
const MAX_LINKS: usize = 40;

/// How long an edit waits for another one (another triage) to finish.
const LOCK_WAIT: Duration = Duration::from_secs(5);

/// Writes `contents` to `path` atomically. An existing file keeps its
/// permissions; a new one is created private (0600). A symlink is followed,
/// so a config kept in a dotfiles repository stays a link, dangling or not.
pub(crate) fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    write_atomic_with(path, contents, None, |_| Ok(()))
}

/// [`write_atomic`], the file getting `permissions` (else as above), with
/// a hook run between writing the temporary file and renaming it (the
/// last look at the old file; tests make the last step fail with it).
pub(crate) fn write_atomic_with(
    path: &Path,
    contents: &[u8],
    permissions: Option<Permissions>,
    before_rename: impl FnOnce(&Path) -> io::Result<()>,
) -> io::Result<()> {
    let target = write_target(path)?;
    let dir = parent_dir(&target);
    let existing = fs::metadata(&target).ok().map(|m| m.permissions());
    if existing.is_none() {
        fs::create_dir_all(&dir)?;
    }
    let permissions = permissions.or(existing);
    let temp = temp_path(&dir, &target);
    let result = (|| {
        let mut file = create_private(&temp)?;
        if let Some(perms) = permissions {
            file.set_permissions(perms)?;
        }
        file.write_all(contents)?;
        file.sync_all()?;
        drop(file);
        before_rename(&temp)?;
        fs::rename(&temp, &target)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
        return result;
    }
    // Makes the rename itself durable; not all platforms allow opening a
    // directory, and the file is already in place, so failure is ignored.
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// The file a write to `path` lands in: `path`, or the end of its symlink
/// chain. A link whose target is missing is written through (the target
/// created), unless even the target's directory is missing: never is the
/// link itself replaced by a regular file.
fn write_target(path: &Path) -> io::Result<PathBuf> {
    match fs::canonicalize(path) {
        Ok(real) => return Ok(real),
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        Err(_) => {}
    }
    let mut at = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let is_link = fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink());
        if !is_link {
            if at != path && !parent_dir(&at).is_dir() {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!(
                        "it is a symbolic link to {}, whose directory does not exist: fix or remove the link",
                        at.display()
                    ),
                ));
            }
            return Ok(at);
        }
        let next = fs::read_link(&at)?;
        at = parent_dir(&at).join(next);
    }
    Err(io::Error::other(format!(
        "it is a chain of more than {MAX_LINKS} symbolic links"
    )))
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `config.toml` → `config.toml.lock`, next to it (beside the path as
/// given, where the `.bak` goes too).
pub(crate) fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    path.with_file_name(name)
}

/// An exclusive advisory lock (`flock`) on the lock file beside a config
/// file, held until dropped: two triage processes editing views take turns,
/// so neither checks "unchanged on disk" and then renames over the other's
/// write. Editors do not take it; for them the check just before the rename
/// is what keeps their save.
pub(crate) struct EditLock {
    _file: File,
}

impl EditLock {
    /// Waits up to a few seconds for the lock; an error says who holds it.
    pub(crate) fn acquire(path: &Path) -> io::Result<EditLock> {
        let lock = lock_path(path);
        fs::create_dir_all(parent_dir(&lock))?;
        let file = open_lock_file(&lock)?;
        let deadline = Instant::now() + LOCK_WAIT;
        loop {
            match try_lock(&file) {
                Ok(true) => return Ok(EditLock { _file: file }),
                Ok(false) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Ok(false) => {
                    return Err(io::Error::new(
                        io::ErrorKind::WouldBlock,
                        format!(
                            "another program holds {} (another triage saving a view?); try again",
                            lock.display()
                        ),
                    ));
                }
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(unix)]
fn open_lock_file(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // A lock file that is a link is not ours: never create its target.
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

#[cfg(not(unix))]
fn open_lock_file(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

/// `Ok(false)`: someone else holds it.
#[cfg(unix)]
pub(crate) fn try_lock(file: &File) -> io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    loop {
        // SAFETY: flock on a descriptor this `File` owns and keeps open.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            return Ok(true);
        }
        let e = io::Error::last_os_error();
        match e.kind() {
            io::ErrorKind::Interrupted => continue,
            io::ErrorKind::WouldBlock => return Ok(false),
            _ => return Err(e),
        }
    }
}

#[cfg(not(unix))]
pub(crate) fn try_lock(_file: &File) -> io::Result<bool> {
    Ok(true)
}

fn temp_path(dir: &Path, target: &Path) -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config".into());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()))
}

#[cfg(unix)]
fn create_private(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_content_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, "old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(entries(dir.path()), vec!["config.toml"]);
    }

    #[test]
    fn a_failure_before_rename_leaves_the_old_file_intact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, "old").unwrap();
        let err = write_atomic_with(&path, b"new", None, |temp| {
            assert_eq!(fs::read_to_string(temp).unwrap(), "new");
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(entries(dir.path()), vec!["config.toml"]);
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions_and_creates_new_files_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&path, b"new").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o640);
        let fresh = dir.path().join("sub/dir/config.toml");
        write_atomic(&fresh, b"x").unwrap();
        assert_eq!(mode(&fresh), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn follows_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.toml");
        let link = dir.path().join("config.toml");
        fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
    }

    fn is_link(path: &Path) -> bool {
        fs::symlink_metadata(path).unwrap().file_type().is_symlink()
    }

    #[cfg(unix)]
    #[test]
    fn writes_through_a_dangling_symlink_and_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("dotfiles")).unwrap();
        let link = dir.path().join("config.toml");
        // Relative, as `ln -s dotfiles/triage.toml config.toml` makes it.
        std::os::unix::fs::symlink("dotfiles/triage.toml", &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(is_link(&link), "the link was replaced by a file");
        let real = dir.path().join("dotfiles/triage.toml");
        assert_eq!(fs::read_to_string(real).unwrap(), "new");
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_symlink_into_a_missing_directory_and_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("config.toml");
        let gone = dir.path().join("gone/triage.toml");
        std::os::unix::fs::symlink(&gone, &link).unwrap();
        let err = write_atomic(&link, b"new").unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "it is a symbolic link to {}, whose directory does not exist: fix or remove the link",
                gone.display()
            )
        );
        assert!(is_link(&link));
        assert!(!dir.path().join("gone").exists());
        assert_eq!(entries(dir.path()), vec!["config.toml"]);
    }

    #[cfg(unix)]
    #[test]
    fn the_lock_excludes_a_second_holder_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let held = EditLock::acquire(&path).unwrap();
        let other = open_lock_file(&lock_path(&path)).unwrap();
        assert!(!try_lock(&other).unwrap(), "a second holder got the lock");
        drop(held);
        assert!(try_lock(&other).unwrap());
    }
}
