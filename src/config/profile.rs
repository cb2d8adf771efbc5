//! Choosing a profile and resolving its base URL and API key.
//!
//! Base URL: `--base-url` > `TRIAGE_BASE_URL` > the profile's `base_url`.
//! API key: `TRIAGE_API_KEY` > the profile's `api_key_cmd` (run with
//! `sh -c`, first line of its output) > the profile's `api_key`, with a
//! warning when the file is accessible by group or others. There is no
//! command-line flag for the key: it would land in shell history and `ps`.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use uuid::Uuid;

use super::ConfigError;
use super::load::LoadedConfig;
use super::model::Profile;
use crate::api::ApiKey;
use crate::filter::Aliases;

pub const BASE_URL_ENV: &str = "TRIAGE_BASE_URL";
pub const API_KEY_ENV: &str = "TRIAGE_API_KEY";

/// Where the API key came from, for `config check` and diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    Env,
    Command,
    File,
}

/// Everything the client needs to talk to one workspace.
#[derive(Debug, Clone)]
pub struct ResolvedProfile {
    /// The profile's name; `None` when the config has no profiles and
    /// everything came from flags and the environment.
    pub name: Option<String>,
    pub base_url: String,
    pub api_key: ApiKey,
    pub key_source: KeySource,
    /// Template with `{number}` / `{id}`.
    pub web_url: Option<String>,
    pub per_page: u32,
    pub aliases: Aliases,
    /// `me`: the profile's, else the top level's; blank counts as unset.
    pub me: Option<String>,
    /// Things the user should know (e.g. a key in a readable file), one line
    /// each, for the caller to print or show.
    pub warnings: Vec<String>,
}

impl ResolvedProfile {
    /// The ticket's page in the web app, when `web_url` is configured.
    pub fn web_url_for(&self, id: Uuid, number: u64) -> Option<String> {
        self.web_url.as_ref().map(|t| {
            t.replace("{id}", &id.to_string())
                .replace("{number}", &number.to_string())
        })
    }
}

impl LoadedConfig {
    /// Names of the configured profiles, sorted.
    pub fn profile_names(&self) -> Vec<String> {
        self.file.profiles.keys().cloned().collect()
    }

    /// Which profile to use: `name` (from `--profile`), else `default_profile`,
    /// else the only profile, else one called `default`. `Ok(None)` when the
    /// file has no profiles at all.
    pub fn choose_profile(
        &self,
        name: Option<&str>,
    ) -> Result<Option<(&str, &Profile)>, ConfigError> {
        let profiles = &self.file.profiles;
        let wanted = name.or(self.file.default_profile.as_deref());
        if let Some(wanted) = wanted {
            return profiles
                .get_key_value(wanted)
                .map(|(k, p)| Some((k.as_str(), p)))
                .ok_or_else(|| ConfigError::UnknownProfile {
                    name: wanted.to_string(),
                    known: self.profile_names(),
                    path: self.path().map(PathBuf::from),
                });
        }
        match profiles.len() {
            0 => Ok(None),
            1 => Ok(profiles.iter().next().map(|(k, p)| (k.as_str(), p))),
            _ => profiles
                .get_key_value("default")
                .map(|(k, p)| Some((k.as_str(), p)))
                .ok_or_else(|| ConfigError::NoProfileChosen {
                    known: self.profile_names(),
                    path: self.path().map(PathBuf::from),
                }),
        }
    }

    /// Resolves a profile against the process environment.
    pub fn profile(
        &self,
        name: Option<&str>,
        base_url_flag: Option<&str>,
    ) -> Result<ResolvedProfile, ConfigError> {
        self.profile_with_env(name, base_url_flag, &super::load::process_env)
    }

    /// [`LoadedConfig::profile`] with the environment given as a function.
    pub fn profile_with_env(
        &self,
        name: Option<&str>,
        base_url_flag: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<ResolvedProfile, ConfigError> {
        let chosen = self.choose_profile(name)?;
        let default_profile = Profile::default();
        let (name, profile) = match chosen {
            Some((n, p)) => (Some(n.to_string()), p),
            None => (None, &default_profile),
        };
        let path = self.path().map(PathBuf::from);
        let base_url =
            base_url(base_url_flag, env, profile).ok_or_else(|| ConfigError::NoBaseUrl {
                profile: name.clone(),
                path: path.clone(),
            })?;
        let mut warnings = Vec::new();
        let (api_key, key_source) = api_key(self, name.as_deref(), profile, env, &mut warnings)?
            .ok_or_else(|| ConfigError::NoApiKey {
                profile: name.clone(),
                path,
            })?;
        Ok(ResolvedProfile {
            name,
            base_url,
            api_key,
            key_source,
            web_url: profile.web_url.clone(),
            per_page: profile.per_page.get(),
            aliases: profile.aliases.clone(),
            me: [profile.me.as_ref(), self.file.me.as_ref()]
                .into_iter()
                .flatten()
                .map(|m| m.trim().to_string())
                .find(|m| !m.is_empty()),
            warnings,
        })
    }
}

/// `--base-url` > `TRIAGE_BASE_URL` > profile; blank values count as unset.
pub(crate) fn base_url(
    flag: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    profile: &Profile,
) -> Option<String> {
    let given = |u: Option<String>| u.map(|u| u.trim().to_string()).filter(|u| !u.is_empty());
    given(flag.map(str::to_string))
        .or_else(|| given(env(BASE_URL_ENV)))
        .or_else(|| given(profile.base_url.clone()))
}

/// `TRIAGE_API_KEY` > `api_key_cmd` > `api_key`. `Ok(None)` when none is set;
/// an error when the command fails.
pub(crate) fn api_key(
    config: &LoadedConfig,
    profile_name: Option<&str>,
    profile: &Profile,
    env: &dyn Fn(&str) -> Option<String>,
    warnings: &mut Vec<String>,
) -> Result<Option<(ApiKey, KeySource)>, ConfigError> {
    if let Some(key) = env(API_KEY_ENV).map(ApiKey::new).filter(|k| !k.is_empty()) {
        return Ok(Some((key, KeySource::Env)));
    }
    if let Some(cmd) = profile
        .api_key_cmd
        .as_deref()
        .filter(|c| !c.trim().is_empty())
    {
        let key = run_key_command(cmd).map_err(|reason| ConfigError::KeyCommand {
            profile: profile_name.map(str::to_string),
            reason,
        })?;
        return Ok(Some((key, KeySource::Command)));
    }
    if let Some(key) = &profile.api_key {
        if let Some(w) = readable_key_warning(config) {
            warnings.push(w);
        }
        return Ok(Some((key.clone(), KeySource::File)));
    }
    Ok(None)
}

/// The warning for a key stored in a file others can read, if it is so.
pub(crate) fn readable_key_warning(config: &LoadedConfig) -> Option<String> {
    let mode = config.mode?;
    if mode & 0o077 == 0 {
        return None;
    }
    let path = config.path()?.display();
    Some(format!(
        "{path} holds an API key and is accessible by group or others (mode {mode:o}): run chmod 600 {path}"
    ))
}

/// Runs `api_key_cmd` with `sh -c`, blocking until it exits (call it before
/// the UI starts, or from `spawn_blocking`). The terminal stays attached to its
/// stdin and stderr so a password prompt (gpg, pass) works. The key is the
/// first non-blank line of stdout, as `pass` prints it. Errors never contain
/// the command's output, which may be the key.
pub(crate) fn run_key_command(cmd: &str) -> Result<ApiKey, String> {
    let out = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::inherit())
        .stderr(Stdio::inherit())
        .stdout(Stdio::piped())
        .output()
        .map_err(|e| format!("could not be run: {e}"))?;
    if !out.status.success() {
        return Err(format!("failed ({})", out.status));
    }
    let text = String::from_utf8(out.stdout)
        .map_err(|_| "printed something that is not UTF-8".to_string())?;
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(ApiKey::new)
        .ok_or_else(|| "printed nothing".to_string())
}
