//! Finding and reading the config file.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::ConfigError;
use super::error::parse_error;
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
    let file = parse(&text, &path)?;
    Ok(LoadedConfig {
        location: Some(location),
        exists: true,
        file,
        mode: file_mode(&path),
        fingerprint: Some(super::views::Fingerprint::of(&text)),
    })
}

/// Parses config text; `path` is only used in error messages.
pub fn parse(text: &str, path: &Path) -> Result<ConfigFile, ConfigError> {
    toml::from_str(text).map_err(|e| parse_error(path, text, e.span(), e.message()))
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
