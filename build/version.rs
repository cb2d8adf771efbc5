//! What `triage --version` says about the build: the commit, read from the
//! git files themselves (no `git` binary needed), and the build date. Shared
//! by build.rs and a test (tests/it/build_version.rs) that drives it over
//! fake checkouts.

use std::fs;
use std::path::{Path, PathBuf};

/// The checked-out commit and the files whose change means HEAD moved
/// (HEAD itself, the branch's ref, packed-refs): build.rs reruns on those
/// alone, so editing sources never reruns it.
#[derive(Debug, PartialEq, Eq)]
pub struct Head {
    pub commit: String,
    pub watch: Vec<PathBuf>,
}

/// The git directory of a checkout: `.git` itself, or the directory a
/// worktree's `.git` file names (`gitdir: …`).
pub fn git_dir(root: &Path) -> Option<PathBuf> {
    let dot_git = root.join(".git");
    if dot_git.is_dir() {
        return Some(dot_git);
    }
    let text = fs::read_to_string(&dot_git).ok()?;
    let dir = PathBuf::from(text.strip_prefix("gitdir:")?.trim());
    Some(if dir.is_absolute() {
        dir
    } else {
        root.join(dir)
    })
}

/// The commit HEAD points at, `None` outside a checkout or when the files
/// are not what git writes (a build from a tarball just says so).
pub fn head(root: &Path) -> Option<Head> {
    let git = git_dir(root)?;
    // A worktree keeps its HEAD; refs live in the shared directory.
    let common = fs::read_to_string(git.join("commondir"))
        .ok()
        .map(|c| {
            let c = PathBuf::from(c.trim());
            if c.is_absolute() { c } else { git.join(c) }
        })
        .unwrap_or_else(|| git.clone());
    let head_file = git.join("HEAD");
    let head = fs::read_to_string(&head_file).ok()?;
    let head = head.trim();
    let mut watch = vec![head_file];
    let commit = match head.strip_prefix("ref:") {
        None => head.to_string(),
        Some(name) => {
            let name = name.trim();
            let loose = common.join(name);
            let packed = common.join("packed-refs");
            // Cargo reruns on every build for a watched path that does not
            // exist: a branch only in packed-refs is watched through the
            // directory its loose ref would appear in.
            let loose_dir = loose.parent().map(Path::to_path_buf);
            watch.extend(
                [loose.clone(), packed.clone()]
                    .into_iter()
                    .filter(|p| p.exists()),
            );
            if !loose.exists() {
                watch.extend(loose_dir.filter(|d| d.exists()));
            }
            match fs::read_to_string(&loose) {
                Ok(id) => id.trim().to_string(),
                Err(_) => fs::read_to_string(&packed)
                    .ok()?
                    .lines()
                    .filter(|l| !l.starts_with('#') && !l.starts_with('^'))
                    .find_map(|l| {
                        let (id, r) = l.split_once(' ')?;
                        (r.trim() == name).then(|| id.to_string())
                    })?,
            }
        }
    };
    let is_id = commit.len() >= 40 && commit.chars().all(|c| c.is_ascii_hexdigit());
    is_id.then(|| Head {
        commit: commit[..12].to_string(),
        watch,
    })
}

/// `YYYY-MM-DD` (UTC) of a Unix time.
pub fn date(unix_secs: u64) -> String {
    // Howard Hinnant's days-to-civil algorithm.
    let z = (unix_secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The text after `triage 0.1.0`.
pub fn describe(head: Option<&Head>, date: &str) -> String {
    match head {
        Some(head) => format!("(commit {}, built {date})", head.commit),
        None => format!("(not built from a git checkout, built {date})"),
    }
}
