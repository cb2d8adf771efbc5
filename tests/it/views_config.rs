//! Saved views in the config file: every edit rewrites only the views,
//! keeps everything else byte for byte, backs the old file up, merges a
//! change made on disk meanwhile, and never writes over a broken file.

use std::fs;
use std::path::{Path, PathBuf};

use triage::config::{
    self, ConfigError, Fingerprint, SavedView, ViewEdit, backup_path, edit_views,
};

/// Everything before the views, with comments, odd spacing and a table the
/// views must not disturb.
const HEAD: &str = r#"# my triage config
default_profile   =   "acme"   # the usual one
default_view = "Morning"

[profiles.acme]
base_url = 'https://acme.example.com/api/v1'   # single quotes stay
per_page = 25

[keys]
quit = [ "q" ,  "ctrl-c" ]

"#;

const VIEWS: &str = r#"# --- views ---
[[views]]
# the morning queue
name = "Morning"
filter = "status:open" # keep it short
sort = "updated_at"

[[views]]
name = "Urgent"
filter = 'priority:urgent assignee:none'
key = "u"
refresh_secs = 60

[[views]]
name = "Waiting"   # customers
filter = "status:waiting"
per_page = 10
"#;

/// After the views: a table that must survive untouched, comments included.
const TAIL: &str = r#"
# Display.
[ui]
relative_times = false  # I like timestamps
truecolor  = "never"
"#;

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        Dir(tempfile::tempdir().unwrap())
    }
    fn config(&self) -> PathBuf {
        let path = self.0.path().join("config.toml");
        fs::write(&path, format!("{HEAD}{VIEWS}{TAIL}")).unwrap();
        path
    }
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap()
}

fn names(path: &Path) -> Vec<String> {
    let text = read(path);
    config::parse(&text, path)
        .unwrap()
        .views
        .into_iter()
        .map(|v| v.name)
        .collect()
}

/// The text outside the views is exactly what it was.
fn assert_outside_views_kept(path: &Path) {
    let text = read(path);
    assert!(text.starts_with(HEAD), "head changed:\n{text}");
    assert!(text.ends_with(TAIL), "tail changed:\n{text}");
}

fn save(view: SavedView) -> ViewEdit {
    ViewEdit::Save {
        view,
        overwrite: false,
    }
}

#[test]
fn save_rename_move_delete_keep_everything_else_byte_for_byte() {
    let dir = Dir::new();
    let path = dir.config();
    let original = read(&path);

    let new = SavedView {
        sort: Some("priority".into()),
        order: Some("desc".into()),
        per_page: Some(20),
        ..SavedView::new("Mine", "assignee:me status:open")
    };
    edit_views(&path, &save(new.clone()), None).unwrap();
    assert_outside_views_kept(&path);
    assert_eq!(names(&path), ["Morning", "Urgent", "Waiting", "Mine"]);
    let loaded = config::parse(&read(&path), &path).unwrap();
    assert_eq!(loaded.views[3], new);
    // The views that were there keep their comments and quoting.
    let text = read(&path);
    for kept in [
        "# the morning queue",
        "# keep it short",
        "filter = 'priority:urgent assignee:none'",
        "name = \"Waiting\"   # customers",
    ] {
        assert!(text.contains(kept), "lost {kept:?}:\n{text}");
    }
    assert_eq!(
        read(&backup_path(&path)),
        original,
        "the .bak is the old file"
    );

    edit_views(
        &path,
        &ViewEdit::Rename {
            from: "Morning".into(),
            to: "Early".into(),
        },
        None,
    )
    .unwrap();
    assert_eq!(names(&path), ["Early", "Urgent", "Waiting", "Mine"]);
    let text = read(&path);
    assert!(
        text.contains("# the morning queue\nname = \"Early\""),
        "{text}"
    );
    // default_view followed the rename; only that value changed up there.
    assert!(
        text.replacen("default_view = \"Early\"", "default_view = \"Morning\"", 1)
            .starts_with(HEAD),
        "{text}"
    );
    assert!(text.ends_with(TAIL));

    let before_move = read(&path);
    edit_views(
        &path,
        &ViewEdit::Move {
            name: "Waiting".into(),
            by: -2,
        },
        None,
    )
    .unwrap();
    assert_eq!(names(&path), ["Waiting", "Early", "Urgent", "Mine"]);
    let text = read(&path);
    assert!(text.ends_with(TAIL) && text.contains("name = \"Waiting\"   # customers"));
    assert_eq!(read(&backup_path(&path)), before_move);
    // And back: the file is what it was before the move.
    edit_views(
        &path,
        &ViewEdit::Move {
            name: "Waiting".into(),
            by: 2,
        },
        None,
    )
    .unwrap();
    assert_eq!(read(&path), before_move);

    edit_views(
        &path,
        &ViewEdit::Delete {
            name: "Mine".into(),
        },
        None,
    )
    .unwrap();
    edit_views(
        &path,
        &ViewEdit::Rename {
            from: "Early".into(),
            to: "Morning".into(),
        },
        None,
    )
    .unwrap();
    // Save, rename, move, delete, rename back: the very same bytes.
    assert_eq!(read(&path), original);
}

#[test]
fn moving_past_either_end_is_clamped_and_writes_nothing_new() {
    let dir = Dir::new();
    let path = dir.config();
    let original = read(&path);
    let out = edit_views(
        &path,
        &ViewEdit::Move {
            name: "Morning".into(),
            by: -1,
        },
        None,
    )
    .unwrap();
    assert_eq!(read(&path), original);
    assert_eq!(out.views[0].name, "Morning");
    let out = edit_views(
        &path,
        &ViewEdit::Move {
            name: "Morning".into(),
            by: 99,
        },
        None,
    )
    .unwrap();
    assert_eq!(
        out.views
            .iter()
            .map(|v| v.name.as_str())
            .collect::<Vec<_>>(),
        ["Urgent", "Waiting", "Morning"]
    );
    assert_outside_views_kept(&path);
}

#[test]
fn deleting_the_default_view_removes_default_view() {
    let dir = Dir::new();
    let path = dir.config();
    let out = edit_views(
        &path,
        &ViewEdit::Delete {
            name: "Morning".into(),
        },
        None,
    )
    .unwrap();
    assert_eq!(out.default_view, None);
    let text = read(&path);
    assert!(!text.contains("default_view"), "{text}");
    assert!(text.contains("default_profile   =   \"acme\"   # the usual one"));
    assert!(text.ends_with(TAIL));
}

#[test]
fn a_change_on_disk_since_loading_is_merged_not_lost() {
    let dir = Dir::new();
    let path = dir.config();
    let loaded = Fingerprint::of(&read(&path));
    // Someone edits the file by hand while the UI runs: a new view, and a
    // changed setting.
    let by_hand = read(&path).replace("relative_times = false", "relative_times = true")
        + "\n[[views]]\nname = \"Hand made\"\nfilter = \"tag:vip\"\n";
    fs::write(&path, &by_hand).unwrap();

    let out = edit_views(
        &path,
        &save(SavedView::new("From UI", "status:open")),
        Some(loaded),
    )
    .unwrap();
    assert!(out.merged, "the edit says it merged");
    let text = read(&path);
    assert!(text.contains("relative_times = true"), "{text}");
    assert_eq!(
        names(&path),
        ["Morning", "Urgent", "Waiting", "Hand made", "From UI"]
    );
    assert_eq!(
        out.views.len(),
        5,
        "the outcome carries the views as on disk"
    );
    assert_eq!(read(&backup_path(&path)), by_hand);
    assert_eq!(out.fingerprint, Fingerprint::of(&text));

    // With the fingerprint of what is on disk, nothing to merge.
    let again = edit_views(
        &path,
        &ViewEdit::Delete {
            name: "From UI".into(),
        },
        Some(out.fingerprint),
    )
    .unwrap();
    assert!(!again.merged);
}

#[test]
fn an_edit_that_conflicts_with_the_disk_is_refused_without_writing() {
    let dir = Dir::new();
    let path = dir.config();
    let loaded = Fingerprint::of(&read(&path));
    // Deleted by hand meanwhile: renaming it must not bring it back.
    let text = read(&path).replace("name = \"Urgent\"", "name = \"Hot\"");
    fs::write(&path, &text).unwrap();
    let err = edit_views(
        &path,
        &ViewEdit::Rename {
            from: "Urgent".into(),
            to: "Very urgent".into(),
        },
        Some(loaded),
    )
    .unwrap_err();
    assert!(matches!(err, ConfigError::ViewNotFound { .. }), "{err}");
    assert_eq!(read(&path), text);
    // Added by hand meanwhile under the same name: not overwritten.
    let err = edit_views(
        &path,
        &save(SavedView::new("Hot", "status:open")),
        Some(loaded),
    )
    .unwrap_err();
    assert!(matches!(err, ConfigError::ViewExists { .. }), "{err}");
    assert_eq!(read(&path), text);
}

#[test]
fn a_broken_file_is_never_overwritten() {
    let dir = Dir::new();
    let path = dir.0.path().join("config.toml");
    let broken = format!("{HEAD}[[views]\nname = \"x\"\n");
    fs::write(&path, &broken).unwrap();
    for edit in [
        save(SavedView::new("A", "status:open")),
        ViewEdit::Delete { name: "x".into() },
        ViewEdit::Rename {
            from: "x".into(),
            to: "y".into(),
        },
        ViewEdit::Move {
            name: "x".into(),
            by: 1,
        },
    ] {
        let err = edit_views(&path, &edit, None).unwrap_err();
        match &err {
            ConfigError::Parse { line, column, .. } => {
                assert_eq!((*line, *column), (12, 9), "{err}");
            }
            other => panic!("expected a parse error, got {other}"),
        }
        assert!(err.to_string().contains("config.toml:12:9"), "{err}");
        assert_eq!(read(&path), broken);
    }
    assert!(!backup_path(&path).exists(), "nothing was written at all");
}

#[test]
fn an_edit_that_would_leave_an_unloadable_file_is_refused() {
    let dir = Dir::new();
    let path = dir.0.path().join("config.toml");
    // The views themselves are fine for toml_edit, but a value the model
    // refuses lives in one of them: saving must not carry that on silently.
    let text = "[[views]]\nname = \"A\"\nfilter = \"\"\nper_page = \"many\"\n";
    fs::write(&path, text).unwrap();
    let err = edit_views(&path, &save(SavedView::new("B", "")), None).unwrap_err();
    assert!(matches!(err, ConfigError::Parse { .. }), "{err}");
    assert_eq!(read(&path), text);
}

/// A key the model does not know is no reason to refuse an edit (it used
/// to be): it stays where it was, as everything outside the edit does.
#[test]
fn an_unknown_key_is_kept_through_an_edit() {
    let dir = Dir::new();
    let path = dir.0.path().join("config.toml");
    let text = "per_page = 30\n[[views]]\nname = \"A\"\nfilter = \"\"\ncolour = \"red\"\n";
    fs::write(&path, text).unwrap();
    let outcome = edit_views(&path, &save(SavedView::new("B", "")), None).unwrap();
    let names: Vec<&str> = outcome.views.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["A", "B"]);
    assert!(read(&path).starts_with(text), "{}", read(&path));
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// The backup holds what the file held, so it gets the file's mode: a
/// private config's backup is private even when an older `.bak` was not.
#[cfg(unix)]
#[test]
fn the_backup_gets_the_mode_of_the_file() {
    let dir = Dir::new();
    let path = dir.config();
    let bak = backup_path(&path);
    set_mode(&path, 0o600);
    fs::write(&bak, "old backup").unwrap();
    set_mode(&bak, 0o644);
    edit_views(&path, &save(SavedView::new("New", "status:open")), None).unwrap();
    assert_eq!(read(&bak), format!("{HEAD}{VIEWS}{TAIL}"));
    assert_eq!(mode(&bak), 0o600);
    assert_eq!(mode(&path), 0o600);

    set_mode(&path, 0o640);
    edit_views(&path, &save(SavedView::new("Newer", "status:open")), None).unwrap();
    assert_eq!(mode(&bak), 0o640);
}

fn is_link(path: &Path) -> bool {
    fs::symlink_metadata(path).unwrap().file_type().is_symlink()
}

/// A config kept elsewhere (a dotfiles repository) and linked: edits go to
/// the link's target and the link stays a link, also when the target does
/// not exist yet; a link into a missing directory is refused in one line.
#[cfg(unix)]
#[test]
fn a_symlinked_config_is_written_through_never_replaced() {
    let dir = Dir::new();
    let root = dir.0.path();
    fs::create_dir(root.join("dotfiles")).unwrap();
    let real = root.join("dotfiles/triage.toml");
    fs::write(&real, "# kept in git\n").unwrap();
    let link = root.join("config.toml");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    edit_views(&link, &save(SavedView::new("A", "status:open")), None).unwrap();
    assert!(is_link(&link));
    let text = read(&real);
    assert!(
        text.contains("# kept in git") && text.contains("name = \"A\""),
        "{text}"
    );

    // Dangling: the target is created, the link kept.
    let dangling = root.join("dangling.toml");
    let target = root.join("dotfiles/new.toml");
    std::os::unix::fs::symlink(&target, &dangling).unwrap();
    edit_views(&dangling, &save(SavedView::new("B", "")), None).unwrap();
    assert!(is_link(&dangling));
    assert!(read(&target).contains("name = \"B\""));

    // Into a directory that is gone: refused, the link left as it was.
    let broken = root.join("broken.toml");
    let gone = root.join("gone/triage.toml");
    std::os::unix::fs::symlink(&gone, &broken).unwrap();
    let err = edit_views(&broken, &save(SavedView::new("C", "")), None)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "cannot write {}: it is a symbolic link to {}, whose directory does not exist: fix or remove the link",
            broken.display(),
            gone.display()
        )
    );
    assert!(is_link(&broken));
    assert!(!root.join("gone").exists());
}

#[test]
fn invalid_views_are_refused_with_one_line() {
    let dir = Dir::new();
    let path = dir.config();
    let original = read(&path);
    for (view, expected) in [
        (
            SavedView {
                sort: Some("size".into()),
                ..SavedView::new("S", "")
            },
            "view 'S' is not valid: sort = \"size\":",
        ),
        (
            SavedView {
                per_page: Some(500),
                ..SavedView::new("P", "")
            },
            "view 'P' is not valid: per_page must be between 1 and 100, not 500",
        ),
        (
            SavedView {
                refresh_secs: Some(1),
                ..SavedView::new("R", "")
            },
            "view 'R' is not valid: refresh_secs must be at least 10, not 1",
        ),
        (
            SavedView {
                refresh_secs: Some(u64::MAX),
                ..SavedView::new("F", "")
            },
            "view 'F' is not valid: refresh_secs must be at most 86400 (a day), not 18446744073709551615",
        ),
    ] {
        let err = edit_views(&path, &save(view), None).unwrap_err();
        assert!(err.to_string().starts_with(expected), "{err}");
        assert!(!err.to_string().contains('\n'));
    }
    let err = edit_views(
        &path,
        &ViewEdit::Rename {
            from: "Morning".into(),
            to: "  ".into(),
        },
        None,
    )
    .unwrap_err();
    assert!(err.to_string().contains("the new name is empty"), "{err}");
    assert_eq!(read(&path), original);
}

#[test]
fn a_view_sorts_and_orders_over_its_filter_text() {
    let view = SavedView {
        sort: Some("priority".into()),
        order: Some("asc".into()),
        ..SavedView::new("V", "status:open sort:created order:desc")
    };
    let f = view.ticket_filter().unwrap();
    assert_eq!(f.sort, Some(triage::filter::SortField::Priority));
    assert_eq!(f.order, Some(triage::filter::SortOrder::Asc));
}

#[test]
fn config_check_names_bad_views_and_a_dangling_default_view() {
    let dir = Dir::new();
    let path = dir.0.path().join("config.toml");
    fs::write(
        &path,
        "default_view = \"Gone\"\n\n[[views]]\nname = \"Fast\"\nfilter = \"\"\nrefresh_secs = 2\n",
    )
    .unwrap();
    let report = config::check(Some(&path), None, &|_: &str| None);
    let problems = report.problems.join("\n");
    assert!(
        problems.contains("default_view 'Gone': no [[views]] has that name"),
        "{problems}"
    );
    assert!(
        problems.contains("[[views]] 'Fast': refresh_secs must be at least 10, not 2"),
        "{problems}"
    );
}
