//! Saving and deleting `[[views]]` in place: `toml_edit` keeps the user's
//! comments, order and formatting; the file is replaced atomically.

use std::fs;
use std::io;
use std::path::Path;

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

use super::ConfigError;
use super::atomic::write_atomic;
use super::error::parse_error;
use super::load::LoadedConfig;
use super::model::SavedView;

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
}

/// Adds `view` to the config file at `path` (created if missing), or
/// replaces the view of the same name when `overwrite` is set. The filter
/// must parse. Other views, comments and settings are left as they were.
pub fn save_view(path: &Path, view: &SavedView, overwrite: bool) -> Result<(), ConfigError> {
    validate(view)?;
    let mut doc = read_document(path, true)?;
    let views = views_mut(&mut doc, path)?;
    match find(views, &view.name) {
        Some(_) if !overwrite => {
            return Err(ConfigError::ViewExists {
                name: view.name.clone(),
                path: path.to_path_buf(),
            });
        }
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
    write(path, &doc)
}

/// Removes the view called `name` from the config file at `path`.
pub fn delete_view(path: &Path, name: &str) -> Result<(), ConfigError> {
    let mut doc = read_document(path, false)?;
    let not_found = || ConfigError::ViewNotFound {
        name: name.to_string(),
        path: path.to_path_buf(),
    };
    if doc.get("views").is_none() {
        return Err(not_found());
    }
    let views = views_mut(&mut doc, path)?;
    let i = find(views, name).ok_or_else(not_found)?;
    views.remove(i);
    write(path, &doc)
}

fn validate(view: &SavedView) -> Result<(), ConfigError> {
    let invalid = |message: String| ConfigError::InvalidView {
        name: view.name.clone(),
        message,
    };
    if view.name.trim().is_empty() {
        return Err(invalid("the name is empty".into()));
    }
    crate::filter::parse(&view.filter).map_err(|e| invalid(e.to_string()))?;
    Ok(())
}

fn read_document(path: &Path, missing_ok: bool) -> Result<DocumentMut, ConfigError> {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound && missing_ok => String::new(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(ConfigError::Missing {
                path: path.to_path_buf(),
            });
        }
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    text.parse::<DocumentMut>()
        .map_err(|e| parse_error(path, &text, e.span(), e.message()))
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
    match &view.profile {
        Some(p) => set_str(table, "profile", p),
        None => {
            table.remove("profile");
        }
    }
}

fn set_str(table: &mut Table, key: &str, text: &str) {
    // Replacing the value in place keeps the key and the comments before it
    // (`insert` would replace the key too); the value's own decor holds the
    // comment after it.
    if let Some(old) = table.get_mut(key).and_then(Item::as_value_mut) {
        let decor = old.decor().clone();
        *old = Value::from(text);
        *old.decor_mut() = decor;
        return;
    }
    table.insert(key, Item::Value(Value::from(text)));
}

fn write(path: &Path, doc: &DocumentMut) -> Result<(), ConfigError> {
    write_atomic(path, doc.to_string().as_bytes()).map_err(|source| ConfigError::Write {
        path: path.to_path_buf(),
        source,
    })
}
