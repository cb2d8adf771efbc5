//! Finding and reading the config file.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::ConfigError;
use super::error::{line_column, parse_error};
use super::model::ConfigFile;

/// Environment variable naming the config file (after `--config`).
pub const CONFIG_ENV: &str = "TRIAGE_CONFIG";

/// How the config file's path was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocationSource {
    /// `--config PATH`.
    Flag,
    /// `TRIAGE_CONFIG`.
    Env,
    /// `$XDG_CONFIG_HOME/triage/config.toml` or the platform's equivalent.
    Default,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigLocation {
    pub path: PathBuf,
    pub source: LocationSource,
}

impl ConfigLocation {
    /// A path the user named must exist; the default one may be absent.
    pub fn must_exist(&self) -> bool {
        self.source != LocationSource::Default
    }
}

/// The configuration as read, plus where it came from.
#[derive(Debug, Clone, Default)]
pub struct LoadedConfig {
    /// Where the file was looked for; `None` when the platform has no config
    /// directory (no home) and none was named.
    pub location: Option<ConfigLocation>,
    /// Whether the file exists (defaults are used when it does not).
    pub exists: bool,
    pub file: ConfigFile,
    /// Unix permission bits of the file, to warn about a readable key.
    pub mode: Option<u32>,
    /// The text as read, fingerprinted: view edits tell whether the file
    /// changed on disk since (see `config::edit_views`).
    pub fingerprint: Option<super::views::Fingerprint>,
    /// Keys the model does not know, ignored: each is a warning for the
    /// caller to print (`config check` lists them as problems).
    pub unknown_keys: Vec<UnknownKey>,
    /// Values that were understood but left out (an unknown column name),
    /// with their place: warnings like unknown keys.
    pub warnings: Vec<ConfigWarning>,
}

/// A value of the file left out, with its place: `config.toml:12:22:
/// ui.columns[3]: unknown column 'stauts' (columns: …) (ignored)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigWarning {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    /// Where it sits, dotted, then what is wrong.
    pub message: String,
}

impl std::fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// A key of the file that no setting reads: a typo, or a setting of
/// another version. Ignored, never a reason to refuse the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKey {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    /// Where it sits, dotted: `profiles.acme.bse_url`, `views[2].colour`.
    pub key: String,
}

impl std::fmt::Display for UnknownKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: unknown key `{}` (ignored)",
            self.path.display(),
            self.line,
            self.column,
            self.key
        )
    }
}

/// A parsed file and the keys in it that nothing reads.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub file: ConfigFile,
    pub unknown_keys: Vec<UnknownKey>,
    pub warnings: Vec<ConfigWarning>,
}

impl LoadedConfig {
    pub fn path(&self) -> Option<&Path> {
        self.location.as_ref().map(|l| l.path.as_path())
    }
}

/// Reads variables from the process environment: the only place this
/// module touches it, so everything else takes an env getter and tests
/// never mutate the process's environment.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The platform's default: `$XDG_CONFIG_HOME/triage/config.toml` on Linux.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "triage").map(|d| d.config_dir().join("config.toml"))
}

/// Where `triage demo` keeps its saved views: `demo-views.toml` in the state
/// directory (`$XDG_STATE_HOME/triage` on Linux, the local data directory
/// elsewhere). The demo never writes the config file.
pub fn demo_views_path() -> Option<PathBuf> {
    Some(state_dir()?.join("demo-views.toml"))
}

/// Where triage keeps what it writes for itself (the log, the demo's
/// views): `$XDG_STATE_HOME/triage` on Linux, the local data directory
/// where the platform has no state directory.
pub fn state_dir() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "triage")?;
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .to_path_buf(),
    )
}

/// `--config` > `TRIAGE_CONFIG` > the default path.
pub fn locate(
    explicit: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<ConfigLocation> {
    if let Some(p) = explicit {
        return Some(ConfigLocation {
            path: p.to_path_buf(),
            source: LocationSource::Flag,
        });
    }
    if let Some(p) = env(CONFIG_ENV).filter(|p| !p.trim().is_empty()) {
        return Some(ConfigLocation {
            path: PathBuf::from(p),
            source: LocationSource::Env,
        });
    }
    default_path().map(|path| ConfigLocation {
        path,
        source: LocationSource::Default,
    })
}

/// Loads the config: `--config PATH` (given here), else `TRIAGE_CONFIG`,
/// else the default path. A missing default file means defaults; a missing
/// file that was named is an error.
pub fn load(explicit_path: Option<&Path>) -> Result<LoadedConfig, ConfigError> {
    load_with_env(explicit_path, &process_env)
}

/// [`load`] with the environment given as a function.
pub fn load_with_env(
    explicit_path: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<LoadedConfig, ConfigError> {
    match locate(explicit_path, env) {
        Some(location) => load_from(location),
        None => Ok(LoadedConfig::default()),
    }
}

/// Reads and parses the file at `location`.
pub fn load_from(location: ConfigLocation) -> Result<LoadedConfig, ConfigError> {
    let path = location.path.clone();
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound && !location.must_exist() => {
            return Ok(LoadedConfig {
                location: Some(location),
                ..LoadedConfig::default()
            });
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(ConfigError::Missing { path });
        }
        Err(source) => return Err(ConfigError::Read { path, source }),
    };
    let parsed = parse_reporting(&text, &path)?;
    Ok(LoadedConfig {
        location: Some(location),
        exists: true,
        file: parsed.file,
        mode: file_mode(&path),
        fingerprint: Some(super::views::Fingerprint::of(&text)),
        unknown_keys: parsed.unknown_keys,
        warnings: parsed.warnings,
    })
}

/// Parses config text; `path` is only used in error messages. Unknown keys
/// are ignored (see [`parse_reporting`] to hear about them).
pub fn parse(text: &str, path: &Path) -> Result<ConfigFile, ConfigError> {
    parse_reporting(text, path).map(|p| p.file)
}

/// Parses config text and names every key that no setting reads, with its
/// line and column.
pub fn parse_reporting(text: &str, path: &Path) -> Result<Parsed, ConfigError> {
    let to_error = |e: toml::de::Error| parse_error(path, text, e.span(), e.message());
    let mut ignored: Vec<Vec<KeySegment>> = Vec::new();
    let deserializer = toml::Deserializer::parse(text).map_err(to_error)?;
    let file: ConfigFile = serde_ignored::deserialize(deserializer, |at| {
        ignored.push(segments(&at));
    })
    .map_err(to_error)?;
    let unknown_keys = if ignored.is_empty() {
        Vec::new()
    } else {
        locate_keys(text, path, &ignored)
    };
    let warnings = column_warnings(&file, text, path);
    Ok(Parsed {
        file,
        unknown_keys,
        warnings,
    })
}

/// The entries of `[ui] columns` and each view's `columns` that are left
/// out, located in the text (parsed once more only when there are some).
fn column_warnings(file: &ConfigFile, text: &str, path: &Path) -> Vec<ConfigWarning> {
    let mut lists: Vec<(Vec<KeySegment>, &[crate::columns::ColumnEntry])> = Vec::new();
    if let Some(columns) = &file.ui.columns {
        lists.push((
            vec![
                KeySegment::Key("ui".into()),
                KeySegment::Key("columns".into()),
            ],
            columns,
        ));
    }
    for (i, view) in file.views.iter().enumerate() {
        if let Some(columns) = &view.columns {
            lists.push((
                vec![
                    KeySegment::Key("views".into()),
                    KeySegment::Index(i),
                    KeySegment::Key("columns".into()),
                ],
                columns,
            ));
        }
    }
    let mut doc = None;
    let mut warnings = Vec::new();
    for (at, columns) in lists {
        let (_, problems) = crate::columns::resolve(columns);
        for (index, problem) in problems {
            let doc = doc.get_or_insert_with(|| toml_edit::Document::parse(text).ok());
            let span = doc
                .as_ref()
                .and_then(|d| array_item_span(d.as_table(), &at, index));
            let (line, column) = span.map_or((1, 1), |s| line_column(text, s.start));
            let mut place = at.clone();
            place.push(KeySegment::Index(index));
            warnings.push(ConfigWarning {
                path: path.to_path_buf(),
                line,
                column,
                message: format!("{}: {problem}", dotted(&place)),
            });
        }
    }
    warnings.sort_by_key(|w| (w.line, w.column));
    warnings
}

/// The span of item `index` of the array at `segments`.
fn array_item_span(
    root: &toml_edit::Table,
    segments: &[KeySegment],
    index: usize,
) -> Option<std::ops::Range<usize>> {
    use toml_edit::{Item, TableLike, Value};
    let mut item: Option<&Item> = None;
    let mut table: Option<&dyn TableLike> = Some(root);
    for segment in segments {
        match segment {
            KeySegment::Key(k) => {
                let t = table
                    .take()
                    .or_else(|| item.and_then(Item::as_table_like))?;
                item = Some(t.get(k)?);
            }
            KeySegment::Index(i) => {
                table = match item? {
                    Item::ArrayOfTables(a) => Some(a.get(*i)? as &dyn TableLike),
                    Item::Value(Value::Array(a)) => {
                        Some(a.get(*i)?.as_inline_table()? as &dyn TableLike)
                    }
                    _ => None,
                };
                item = None;
            }
        }
    }
    item?.as_array()?.get(index)?.span()
}

/// One step of a key's place in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
enum KeySegment {
    Key(String),
    Index(usize),
}

fn segments(at: &serde_ignored::Path<'_>) -> Vec<KeySegment> {
    use serde_ignored::Path;
    let (parent, own) = match at {
        Path::Root => return Vec::new(),
        Path::Seq { parent, index } => (*parent, Some(KeySegment::Index(*index))),
        Path::Map { parent, key } => (*parent, Some(KeySegment::Key(key.clone()))),
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => (*parent, None),
    };
    let mut all = segments(parent);
    all.extend(own);
    all
}

fn dotted(segments: &[KeySegment]) -> String {
    let mut out = String::new();
    for s in segments {
        match s {
            KeySegment::Key(k) if out.is_empty() => out.push_str(k),
            KeySegment::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            KeySegment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Line and column of each ignored key, from `toml_edit`'s spans (the
/// text parsed once more, only when there is something to report).
fn locate_keys(text: &str, path: &Path, keys: &[Vec<KeySegment>]) -> Vec<UnknownKey> {
    let doc = toml_edit::Document::parse(text).ok();
    let mut found: Vec<UnknownKey> = keys
        .iter()
        .map(|segments| {
            let span = doc.as_ref().and_then(|d| key_span(d.as_table(), segments));
            let (line, column) = span.map_or((1, 1), |s| line_column(text, s.start));
            UnknownKey {
                path: path.to_path_buf(),
                line,
                column,
                key: dotted(segments),
            }
        })
        .collect();
    // In the file's order, as the user reads it.
    found.sort_by_key(|k| (k.line, k.column));
    found
}

/// The span of the last key on the way to `segments` that the document
/// holds (the key itself, unless the path went through something odd).
fn key_span(root: &toml_edit::Table, segments: &[KeySegment]) -> Option<std::ops::Range<usize>> {
    use toml_edit::{Item, TableLike, Value};
    let mut table: Option<&dyn TableLike> = Some(root);
    let mut item: Option<&Item> = None;
    let mut span = None;
    for segment in segments {
        match segment {
            KeySegment::Key(k) => {
                let in_table = table.take().or_else(|| item.and_then(Item::as_table_like));
                let Some((key, value)) = in_table.and_then(|t| t.get_key_value(k)) else {
                    break;
                };
                span = key.span().or(span);
                item = Some(value);
            }
            KeySegment::Index(i) => {
                table = match item {
                    Some(Item::ArrayOfTables(a)) => a.get(*i).map(|t| t as &dyn TableLike),
                    Some(Item::Value(Value::Array(a))) => a
                        .get(*i)
                        .and_then(Value::as_inline_table)
                        .map(|t| t as &dyn TableLike),
                    _ => None,
                };
                if table.is_none() {
                    break;
                }
            }
        }
    }
    span
}

#[cfg(unix)]
pub(crate) fn file_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
pub(crate) fn file_mode(_path: &Path) -> Option<u32> {
    None
}
