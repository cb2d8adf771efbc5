//! Errors of the config module: one line each, naming the file.

use std::io;
use std::path::{Path, PathBuf};

/// What went wrong with the configuration. Messages are one line, name the
/// file they concern, and never contain a key or a command's output.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {} does not exist", .path.display())]
    Missing { path: PathBuf },
    #[error("cannot read {}: {source}", .path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("{}:{line}:{column}: {message}", .path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("no profile named '{name}' {} (profiles: {})", place(.path), list(.known))]
    UnknownProfile {
        name: String,
        known: Vec<String>,
        path: Option<PathBuf>,
    },
    #[error(
        "several profiles ({}) and no default_profile {}: choose one with --profile",
        list(.known), place(.path)
    )]
    NoProfileChosen {
        known: Vec<String>,
        path: Option<PathBuf>,
    },
    #[error(
        "no base URL{}: pass --base-url, set TRIAGE_BASE_URL, or set base_url {}{}",
        for_profile(.profile), place(.path), first_steps(.path)
    )]
    NoBaseUrl {
        profile: Option<String>,
        path: Option<PathBuf>,
    },
    #[error(
        "no API key{}: set TRIAGE_API_KEY, or api_key_cmd (or api_key) {}",
        for_profile(.profile), place(.path)
    )]
    NoApiKey {
        profile: Option<String>,
        path: Option<PathBuf>,
    },
    #[error("api_key_cmd{} {reason}", for_profile(.profile))]
    KeyCommand {
        profile: Option<String>,
        reason: String,
    },
    #[error("a view named '{name}' already exists in {}", .path.display())]
    ViewExists { name: String, path: PathBuf },
    #[error("no view named '{name}' in {}", .path.display())]
    ViewNotFound { name: String, path: PathBuf },
    #[error("view '{name}' is not valid: {message}")]
    InvalidView { name: String, message: String },
    #[error("cannot edit {}: {message}", .path.display())]
    Edit { path: PathBuf, message: String },
    #[error("cannot write {}: {source}", .path.display())]
    Write { path: PathBuf, source: io::Error },
}

fn place(path: &Option<PathBuf>) -> String {
    match path {
        Some(p) => format!("in {}", p.display()),
        None => "in the config file (none found)".to_string(),
    }
}

/// For someone with no config file yet: where to start.
fn first_steps(path: &Option<PathBuf>) -> &'static str {
    if path.as_ref().is_some_and(|p| p.exists()) {
        ""
    } else {
        " (no config file yet: `triage demo` tries the UI on a local helpdesk with generated data; \
         `triage config path` shows where the file goes, config.example.toml is one to start from)"
    }
}

fn for_profile(profile: &Option<String>) -> String {
    profile
        .as_ref()
        .map(|p| format!(" for profile '{p}'"))
        .unwrap_or_default()
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

/// A parse error of `toml` or `toml_edit` as `path:line:column: message`.
pub(crate) fn parse_error(
    path: &Path,
    text: &str,
    span: Option<std::ops::Range<usize>>,
    message: &str,
) -> ConfigError {
    let (line, column) = span.map(|s| line_column(text, s.start)).unwrap_or((1, 1));
    ConfigError::Parse {
        path: path.to_path_buf(),
        line,
        column,
        message: message.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        assert_eq!(line_column("a\nbé c", 0), (1, 1));
        assert_eq!(line_column("a\nbé c", 2), (2, 1));
        assert_eq!(line_column("a\nbé c", 5), (2, 3));
    }
}
