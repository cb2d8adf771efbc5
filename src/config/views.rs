//! Editing `[[views]]` in place: saving, renaming, moving and deleting a
//! view rewrite only the views (`toml_edit` keeps every comment, key order
//! and blank line elsewhere byte for byte).
//!
//! Each edit reads the file as it is on disk *now* and applies itself on
//! top, so a change made by hand (or by another triage) since the UI loaded
//! the file is kept, never clobbered. The old text is copied to
//! `config.toml.bak` and the new one renamed over the file; if the file
//! changes between our read and our rename, the edit starts over on the
//! newer text. A file that does not parse is never written. The last look
//! and the rename happen under an advisory lock (`config.toml.lock`), so two
//! triage processes take turns.

use std::fs;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

use super::ConfigError;
use super::atomic::{EditLock, write_atomic, write_atomic_with};
use super::error::parse_error;
use super::load::{LoadedConfig, parse};
use super::model::SavedView;

/// Rounds of "the file changed while we wrote it, again on the new text".
const EDIT_ATTEMPTS: usize = 5;

impl LoadedConfig {
    /// The saved view called `name`: exact match first, then ignoring case.
    pub fn view(&self, name: &str) -> Option<&SavedView> {
        let views = &self.file.views;
        views.iter().find(|v| v.name == name).or_else(|| {
            views
                .iter()
                .find(|v| v.name.to_lowercase() == name.to_lowercase())
        })
    }

    /// Views that apply to `profile`: those tied to it and those tied to none.
    pub fn views_for(&self, profile: Option<&str>) -> Vec<&SavedView> {
        self.file
            .views
            .iter()
            .filter(|v| v.profile.is_none() || v.profile.as_deref() == profile)
            .collect()
    }

    /// The `[[commands]]` of `profile`: its own and those without a profile.
    pub fn commands_for(&self, profile: Option<&str>) -> Vec<super::CommandDef> {
        self.file
            .commands
            .iter()
            .filter(|c| c.profile.is_none() || c.profile.as_deref() == profile)
            .cloned()
            .collect()
    }

    /// The `[[replies]]` of `profile`: its own and those without a profile.
    pub fn replies_for(&self, profile: Option<&str>) -> Vec<super::ReplyDef> {
        self.file
            .replies
            .iter()
            .filter(|r| r.profile.is_none() || r.profile.as_deref() == profile)
            .cloned()
            .collect()
    }

    /// The `[[macros]]` of `profile`: its own and those without a profile.
    pub fn macros_for(&self, profile: Option<&str>) -> Vec<super::MacroDef> {
        self.file
            .macros
            .iter()
            .filter(|m| m.profile.is_none() || m.profile.as_deref() == profile)
            .cloned()
            .collect()
    }
}

/// A hash of the file's text: enough to tell "changed since loaded".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(u64);

impl Fingerprint {
    pub fn of(text: &str) -> Fingerprint {
        // `DefaultHasher::new()` uses fixed keys: equal texts, equal prints.
        let mut h = std::collections::hash_map::DefaultHasher::new();
        text.hash(&mut h);
        Fingerprint(h.finish())
    }
}

/// One change to the views.
#[derive(Debug, Clone, PartialEq, Eq)]
// One edit at a time, moved once to the runtime and back: a variant's size
// costs nothing here, and boxing the view would touch every caller.
#[allow(clippy::large_enum_variant)]
pub enum ViewEdit {
    /// Adds `view` at the end; with `overwrite`, a view of the same name is
    /// replaced in place (its comments kept) instead of refused.
    Save { view: SavedView, overwrite: bool },
    /// Renames a view (and `default_view` when it named it).
    Rename { from: String, to: String },
    /// Moves a view `by` places (negative: towards the top), clamped.
    Move { name: String, by: isize },
    /// Removes a view (and `default_view` when it named it).
    Delete { name: String },
}

/// The views as the file holds them after an edit.
#[derive(Debug, Clone, PartialEq)]
pub struct EditOutcome {
    pub views: Vec<SavedView>,
    pub default_view: Option<String>,
    pub fingerprint: Fingerprint,
    /// The file had changed on disk since `loaded` (the caller's copy): the
    /// edit was applied on top of that change.
    pub merged: bool,
    /// Where the previous text was copied; `None` when there was no file.
    pub backup: Option<PathBuf>,
}

/// `config.toml` → `config.toml.bak`, next to it.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    path.with_file_name(name)
}

/// Applies `edit` to the config file at `path` (created when missing and
/// the edit is a save). `loaded` is the fingerprint of the text the caller
/// last read, to report whether someone else changed the file since.
pub fn edit_views(
    path: &Path,
    edit: &ViewEdit,
    loaded: Option<Fingerprint>,
) -> Result<EditOutcome, ConfigError> {
    edit_views_with(path, edit, loaded, &mut |_| Ok(()))
}

/// [`edit_views`] with a hook run just before the rename, under the lock
/// (tests look at the lock there).
fn edit_views_with(
    path: &Path,
    edit: &ViewEdit,
    loaded: Option<Fingerprint>,
    before_rename: &mut dyn FnMut(&Path) -> io::Result<()>,
) -> Result<EditOutcome, ConfigError> {
    validate(edit)?;
    let missing_ok = matches!(edit, ViewEdit::Save { .. });
    for _ in 0..EDIT_ATTEMPTS {
        let old = read_text(path, missing_ok)?;
        let mut doc = old
            .as_deref()
            .unwrap_or("")
            .parse::<DocumentMut>()
            .map_err(|e| parse_error(path, old.as_deref().unwrap_or(""), e.span(), e.message()))?;
        apply(&mut doc, edit, path)?;
        let new = doc.to_string();
        // What the file will hold must load: never write a file that the
        // next start would refuse.
        let file = parse(&new, path)?;
        let fingerprint = Fingerprint::of(&new);
        let old_print = old.as_deref().map(Fingerprint::of);
        let merged = loaded.is_some() && old_print != loaded;
        let outcome = EditOutcome {
            views: file.views,
            default_view: file.default_view,
            fingerprint,
            merged,
            backup: old.as_ref().map(|_| backup_path(path)),
        };
        if Some(&new) == old.as_ref() {
            return Ok(outcome);
        }
        match write_checked(path, old.as_deref(), &new, before_rename) {
            Ok(()) => return Ok(outcome),
            Err(WriteError::Raced) => continue,
            Err(WriteError::Io(source)) => {
                return Err(ConfigError::Write {
                    path: path.to_path_buf(),
                    source,
                });
            }
        }
    }
    Err(ConfigError::Edit {
        path: path.to_path_buf(),
        message: "the file keeps changing while triage writes it; try again".into(),
    })
}

/// Adds `view` to the config file at `path` (created if missing), or
/// replaces the view of the same name when `overwrite` is set. The filter
/// must parse. Other views, comments and settings are left as they were.
pub fn save_view(path: &Path, view: &SavedView, overwrite: bool) -> Result<(), ConfigError> {
    let edit = ViewEdit::Save {
        view: view.clone(),
        overwrite,
    };
    edit_views(path, &edit, None).map(|_| ())
}

/// Starts a views file of its own at `path` (the demo's) holding `views`
/// and `default_view`, under a comment saying what it is. Does nothing when
/// the file exists: it is never overwritten.
pub fn start_views_file(
    path: &Path,
    header: &str,
    views: &[SavedView],
    default_view: Option<&str>,
) -> Result<(), ConfigError> {
    if fs::symlink_metadata(path).is_ok() {
        return Ok(());
    }
    let mut doc = DocumentMut::new();
    if let Some(name) = default_view {
        set_str(doc.as_table_mut(), "default_view", name);
    }
    let mut tables = ArrayOfTables::new();
    for view in views {
        let mut table = Table::new();
        fill(&mut table, view);
        tables.push(table);
    }
    if !tables.is_empty() {
        doc.insert("views", Item::ArrayOfTables(tables));
    }
    let comment: String = header.lines().map(|l| format!("# {l}\n")).collect();
    let text = format!("{comment}\n{doc}");
    write_atomic(path, text.as_bytes()).map_err(|source| ConfigError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Removes the view called `name` from the config file at `path`.
pub fn delete_view(path: &Path, name: &str) -> Result<(), ConfigError> {
    let edit = ViewEdit::Delete { name: name.into() };
    edit_views(path, &edit, None).map(|_| ())
}

fn validate(edit: &ViewEdit) -> Result<(), ConfigError> {
    match edit {
        ViewEdit::Save { view, .. } => match view.problem() {
            Some(message) => Err(ConfigError::InvalidView {
                name: view.name.clone(),
                message,
            }),
            None => Ok(()),
        },
        ViewEdit::Rename { from, to } if to.trim().is_empty() => Err(ConfigError::InvalidView {
            name: from.clone(),
            message: "the new name is empty".into(),
        }),
        _ => Ok(()),
    }
}

fn read_text(path: &Path, missing_ok: bool) -> Result<Option<String>, ConfigError> {
    match fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == io::ErrorKind::NotFound && missing_ok => Ok(None),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(ConfigError::Missing {
            path: path.to_path_buf(),
        }),
        Err(source) => Err(ConfigError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

enum WriteError {
    /// The file changed after we read it: start over on the new text.
    Raced,
    Io(io::Error),
}

/// Backs up `old` and renames the new text over the file, unless the file
/// no longer holds `old` by the time the new text is ready to go in. The
/// look and the rename happen under the edit lock, so another triage cannot
/// write in between; the backup gets the file's own mode (a private file's
/// backup is private too, whatever an older `.bak` had).
fn write_checked(
    path: &Path,
    old: Option<&str>,
    new: &str,
    before_rename: &mut dyn FnMut(&Path) -> io::Result<()>,
) -> Result<(), WriteError> {
    let _lock = EditLock::acquire(path).map_err(WriteError::Io)?;
    let mode = fs::metadata(path).ok().map(|m| m.permissions());
    let mut raced = false;
    let result = write_atomic_with(path, new.as_bytes(), None, |temp| {
        let now = match fs::read_to_string(path) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        if now.as_deref() != old {
            raced = true;
            return Err(io::Error::other("changed on disk"));
        }
        if let Some(old) = old {
            write_atomic_with(&backup_path(path), old.as_bytes(), mode, |_| Ok(()))?;
        }
        before_rename(temp)
    });
    match result {
        Ok(()) => Ok(()),
        Err(_) if raced => Err(WriteError::Raced),
        Err(e) => Err(WriteError::Io(e)),
    }
}

fn apply(doc: &mut DocumentMut, edit: &ViewEdit, path: &Path) -> Result<(), ConfigError> {
    let not_found = |name: &str| ConfigError::ViewNotFound {
        name: name.to_string(),
        path: path.to_path_buf(),
    };
    let exists = |name: &str| ConfigError::ViewExists {
        name: name.to_string(),
        path: path.to_path_buf(),
    };
    if !matches!(edit, ViewEdit::Save { .. }) && doc.get("views").is_none() {
        let name = match edit {
            ViewEdit::Rename { from, .. } => from,
            ViewEdit::Move { name, .. } | ViewEdit::Delete { name } => name,
            ViewEdit::Save { view, .. } => &view.name,
        };
        return Err(not_found(name));
    }
    match edit {
        ViewEdit::Save { view, overwrite } => {
            let views = views_mut(doc, path)?;
            match find(views, &view.name) {
                Some(_) if !overwrite => return Err(exists(&view.name)),
                Some(i) => {
                    if let Some(table) = views.get_mut(i) {
                        fill(table, view);
                    }
                }
                None => {
                    let mut table = Table::new();
                    fill(&mut table, view);
                    views.push(table);
                }
            }
        }
        ViewEdit::Rename { from, to } => {
            let views = views_mut(doc, path)?;
            let i = find(views, from).ok_or_else(|| not_found(from))?;
            if from != to && find(views, to).is_some() {
                return Err(exists(to));
            }
            if let Some(table) = views.get_mut(i) {
                set_str(table, "name", to);
            }
            if doc.get("default_view").and_then(Item::as_str) == Some(from.as_str()) {
                set_str(doc.as_table_mut(), "default_view", to);
            }
        }
        ViewEdit::Move { name, by } => {
            let views = views_mut(doc, path)?;
            let i = find(views, name).ok_or_else(|| not_found(name))?;
            let target = i
                .saturating_add_signed(*by)
                .min(views.len().saturating_sub(1));
            let mut at = i;
            while at != target {
                let next = if target > at { at + 1 } else { at - 1 };
                swap(views, at, next);
                at = next;
            }
        }
        ViewEdit::Delete { name } => {
            let views = views_mut(doc, path)?;
            let i = find(views, name).ok_or_else(|| not_found(name))?;
            views.remove(i);
            if doc.get("default_view").and_then(Item::as_str) == Some(name.as_str()) {
                doc.remove("default_view");
            }
        }
    }
    Ok(())
}

/// Exchanges two views with their comments; each slot of the document keeps
/// its place (tables are written in the order of their positions).
fn swap(views: &mut ArrayOfTables, a: usize, b: usize) {
    let (Some(ta), Some(tb)) = (views.get(a).cloned(), views.get(b).cloned()) else {
        return;
    };
    let (pa, pb) = (ta.position(), tb.position());
    let mut ta = ta;
    let mut tb = tb;
    ta.set_position(pb);
    tb.set_position(pa);
    views.replace(a, tb);
    views.replace(b, ta);
}

/// The `[[views]]` array, created when absent. An empty inline `views = []`
/// becomes an array of tables; any other shape is left for the user to fix.
fn views_mut<'a>(
    doc: &'a mut DocumentMut,
    path: &Path,
) -> Result<&'a mut ArrayOfTables, ConfigError> {
    let empty_inline =
        matches!(doc.get("views"), Some(Item::Value(Value::Array(a))) if a.is_empty());
    if doc.get("views").is_none() || empty_inline {
        doc.insert("views", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    match doc.get_mut("views") {
        Some(Item::ArrayOfTables(views)) => Ok(views),
        _ => Err(ConfigError::Edit {
            path: path.to_path_buf(),
            message: "`views` is not written as [[views]] tables; fix it by hand first".into(),
        }),
    }
}

fn find(views: &ArrayOfTables, name: &str) -> Option<usize> {
    views
        .iter()
        .position(|t| t.get("name").and_then(Item::as_str) == Some(name))
}

/// Sets the view's keys, keeping the comments around existing values.
fn fill(table: &mut Table, view: &SavedView) {
    set_str(table, "name", &view.name);
    set_str(table, "filter", &view.filter);
    set_opt_str(table, "sort", view.sort.as_deref());
    set_opt_str(table, "order", view.order.as_deref());
    set_opt_str(table, "key", view.key.as_deref());
    set_opt_int(table, "per_page", view.per_page.map(i64::from));
    set_opt_int(
        table,
        "refresh_secs",
        view.refresh_secs.and_then(|s| i64::try_from(s).ok()),
    );
    set_opt_str(table, "notify", view.notify.map(|n| n.name()));
    set_opt_str(table, "profile", view.profile.as_deref());
}

fn set_opt_str(table: &mut Table, key: &str, text: Option<&str>) {
    match text {
        Some(t) => set_str(table, key, t),
        None => {
            table.remove(key);
        }
    }
}

fn set_opt_int(table: &mut Table, key: &str, n: Option<i64>) {
    match n {
        Some(n) => set_value(table, key, Value::from(n)),
        None => {
            table.remove(key);
        }
    }
}

fn set_str(table: &mut Table, key: &str, text: &str) {
    set_value(table, key, Value::from(text));
}

fn set_value(table: &mut Table, key: &str, value: Value) {
    // Replacing the value in place keeps the key and the comments before it
    // (`insert` would replace the key too); the value's own decor holds the
    // comment after it. An unchanged value keeps its spelling ('…' quotes).
    if let Some(old) = table.get_mut(key).and_then(Item::as_value_mut) {
        if same_value(old, &value) {
            return;
        }
        let decor = old.decor().clone();
        *old = value;
        *old.decor_mut() = decor;
        return;
    }
    table.insert(key, Item::Value(value));
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.value() == y.value(),
        (Value::Integer(x), Value::Integer(y)) => x.value() == y.value(),
        _ => false,
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::config::atomic::{lock_path, try_lock};

    #[test]
    fn the_last_look_and_the_rename_happen_under_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, "# mine\n").unwrap();
        let mut held_at_rename = None;
        let edit = ViewEdit::Save {
            view: SavedView::new("A", "status:open"),
            overwrite: false,
        };
        edit_views_with(&path, &edit, None, &mut |_temp| {
            // Another triage (another open file description) tries now.
            let other = fs::File::open(lock_path(&path))?;
            held_at_rename = Some(!try_lock(&other)?);
            Ok(())
        })
        .unwrap();
        assert_eq!(held_at_rename, Some(true), "the lock was not held");
        assert!(fs::read_to_string(&path).unwrap().contains("name = \"A\""));
        // Released once the edit is done.
        let after = fs::File::open(lock_path(&path)).unwrap();
        assert!(try_lock(&after).unwrap());
    }
}
