//! build/version.rs, which build.rs uses for `triage --version`, over fake
//! checkouts: a branch in a loose ref or only in packed-refs, a detached
//! HEAD, a worktree, no checkout at all, and files that are not git's.

#[path = "../../build/version.rs"]
mod version;

use std::fs;
use std::path::Path;

const ID: &str = "0123456789abcdef0123456789abcdef01234567";

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[test]
fn a_branch_in_a_loose_ref() {
    let root = tempfile::tempdir().unwrap();
    let git = root.path().join(".git");
    write(&git.join("HEAD"), "ref: refs/heads/main\n");
    write(&git.join("refs/heads/main"), &format!("{ID}\n"));
    let head = version::head(root.path()).expect("a checkout");
    assert_eq!(head.commit, "0123456789ab");
    assert_eq!(head.watch, [git.join("HEAD"), git.join("refs/heads/main")]);
}

#[test]
fn a_branch_only_in_packed_refs_watches_where_its_loose_ref_would_appear() {
    let root = tempfile::tempdir().unwrap();
    let git = root.path().join(".git");
    write(&git.join("HEAD"), "ref: refs/heads/main\n");
    write(
        &git.join("packed-refs"),
        &format!("# pack-refs with: peeled\n{ID} refs/heads/main\n^{ID}\n"),
    );
    fs::create_dir_all(git.join("refs/heads")).unwrap();
    let head = version::head(root.path()).expect("a checkout");
    assert_eq!(head.commit, "0123456789ab");
    // Every watched path exists: cargo reruns a build script on every build
    // for one that does not.
    assert!(head.watch.iter().all(|p| p.exists()), "{:?}", head.watch);
    assert!(head.watch.contains(&git.join("refs/heads")));
}

#[test]
fn a_detached_head_and_a_worktree() {
    let root = tempfile::tempdir().unwrap();
    let common = root.path().join("main/.git");
    let wt_git = common.join("worktrees/wt");
    write(&wt_git.join("HEAD"), "ref: refs/heads/topic\n");
    write(&wt_git.join("commondir"), "../..\n");
    write(&common.join("refs/heads/topic"), &format!("{ID}\n"));
    let wt = root.path().join("wt");
    write(&wt.join(".git"), &format!("gitdir: {}\n", wt_git.display()));
    assert_eq!(version::head(&wt).unwrap().commit, "0123456789ab");

    write(&wt_git.join("HEAD"), &format!("{ID}\n"));
    assert_eq!(version::head(&wt).unwrap().commit, "0123456789ab");
}

#[test]
fn no_checkout_or_no_commit_yet_says_so() {
    let root = tempfile::tempdir().unwrap();
    assert_eq!(version::head(root.path()), None);
    // A fresh repository: HEAD names a branch with no commit.
    write(&root.path().join(".git/HEAD"), "ref: refs/heads/main\n");
    assert_eq!(version::head(root.path()), None);
    write(&root.path().join(".git/HEAD"), "not git\n");
    assert_eq!(version::head(root.path()), None);
    assert_eq!(
        version::describe(None, "2026-12-06"),
        "(not built from a git checkout, built 2026-12-06)"
    );
}

#[test]
fn dates_are_utc_days() {
    assert_eq!(version::date(0), "1970-01-01");
    assert_eq!(version::date(951_782_400), "2000-02-29");
    assert_eq!(version::date(1_796_515_199), "2026-12-05");
    let head = version::Head {
        commit: "0123456789ab".into(),
        watch: Vec::new(),
    };
    assert_eq!(
        version::describe(Some(&head), "2026-12-06"),
        "(commit 0123456789ab, built 2026-12-06)"
    );
}

/// This checkout itself (a worktree here, a fresh clone in CI): the commit
/// read from git's files is the one git names.
#[test]
fn this_checkout_reads_as_git_reads_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let git = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(root)
        .output();
    let Ok(out) = git else {
        // No git binary: the fake checkouts above still cover the reading.
        return;
    };
    if !out.status.success() {
        assert_eq!(version::head(root), None, "not a checkout, as git says");
        return;
    }
    let expected = String::from_utf8_lossy(&out.stdout).trim()[..12].to_string();
    let head = version::head(root).expect("git sees a checkout here");
    assert_eq!(head.commit, expected);
    assert!(head.watch.iter().all(|p| p.exists()), "{:?}", head.watch);
}
