//! Choosing a profile and resolving its base URL and API key.
//!
//! A profile's settings are its own, else the top level's (`per_page`,
//! `me`, `web_url`, `aliases`, `base_url`, `api_key_cmd_timeout_secs`
//! written outside any profile), else the defaults.
//!
//! Base URL: `--base-url` > `TRIAGE_BASE_URL` > the profile's `base_url`.
//! API key: `TRIAGE_API_KEY` > the profile's `api_key_cmd` (run with
//! `sh -c`, first line of its output, within a time limit) > the profile's
//! `api_key`, with a warning when the file is accessible by group or
//! others. There is no command-line flag for the key: it would land in
//! shell history and `ps`.

use std::path::PathBuf;

use uuid::Uuid;

use super::ConfigError;
use super::key_command::run_key_command;
use super::load::LoadedConfig;
use super::model::Profile;
use crate::api::ApiKey;
use crate::filter::Aliases;

pub const BASE_URL_ENV: &str = "TRIAGE_BASE_URL";
pub const API_KEY_ENV: &str = "TRIAGE_API_KEY";
/// The profile `--profile` names when it is not given (clap reads it).
pub const PROFILE_ENV: &str = "TRIAGE_PROFILE";

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
        let (name, profile) = self.effective_profile(name)?;
        let path = self.path().map(PathBuf::from);
        let (base_url, _) =
            base_url(base_url_flag, env, &profile).ok_or_else(|| ConfigError::NoBaseUrl {
                profile: name.clone(),
                path: path.clone(),
            })?;
        let mut warnings = Vec::new();
        let (api_key, key_source) = api_key(self, name.as_deref(), &profile, env, &mut warnings)?
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
            per_page: profile.per_page.unwrap_or_default().get(),
            me: profile.me.clone(),
            aliases: profile.aliases,
            warnings,
        })
    }

    /// The chosen profile (see [`LoadedConfig::choose_profile`]) over the
    /// top level's settings; the top level alone when there are no profiles.
    pub fn effective_profile(
        &self,
        name: Option<&str>,
    ) -> Result<(Option<String>, Profile), ConfigError> {
        let defaults = self.file.profile_defaults();
        Ok(match self.choose_profile(name)? {
            Some((name, profile)) => (Some(name.to_string()), profile.over(&defaults)),
            None => (None, Profile::default().over(&defaults)),
        })
    }
}

impl Profile {
    /// This profile with `defaults` (the top level's settings) filling in
    /// what it leaves unset. Aliases merge name by name, the profile's
    /// winning; blank `me` and `base_url` count as unset.
    pub fn over(&self, defaults: &Profile) -> Profile {
        let given = |own: &Option<String>, fallback: &Option<String>| {
            [own, fallback]
                .into_iter()
                .flatten()
                .map(|s| s.trim().to_string())
                .find(|s| !s.is_empty())
        };
        let mut aliases = defaults.aliases.clone();
        aliases.tags.extend(self.aliases.tags.clone());
        aliases.inboxes.extend(self.aliases.inboxes.clone());
        aliases.users.extend(self.aliases.users.clone());
        aliases.fields.extend(self.aliases.fields.clone());
        Profile {
            base_url: given(&self.base_url, &defaults.base_url),
            api_key_cmd: self.api_key_cmd.clone(),
            api_key: self.api_key.clone(),
            web_url: self.web_url.clone().or_else(|| defaults.web_url.clone()),
            per_page: self.per_page.or(defaults.per_page),
            aliases,
            me: given(&self.me, &defaults.me),
            api_key_cmd_timeout_secs: self
                .api_key_cmd_timeout_secs
                .or(defaults.api_key_cmd_timeout_secs),
        }
    }
}

/// Where the base URL came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlSource {
    Flag,
    Env,
    Profile,
}

/// `--base-url` > `TRIAGE_BASE_URL` > profile (over the top level); blank
/// values count as unset. The client and `config check` both ask here.
pub(crate) fn base_url(
    flag: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    profile: &Profile,
) -> Option<(String, UrlSource)> {
    let given = |u: Option<String>| u.map(|u| u.trim().to_string()).filter(|u| !u.is_empty());
    given(flag.map(str::to_string))
        .map(|u| (u, UrlSource::Flag))
        .or_else(|| given(env(BASE_URL_ENV)).map(|u| (u, UrlSource::Env)))
        .or_else(|| given(profile.base_url.clone()).map(|u| (u, UrlSource::Profile)))
}

/// `TRIAGE_API_KEY` > `api_key_cmd` > `api_key`. `Ok(None)` when none is set;
/// an error when the command fails. The client and `config check` both ask
/// here.
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
        let timeout = profile.api_key_cmd_timeout_secs.unwrap_or_default();
        let key = run_key_command(cmd, timeout).map_err(|reason| ConfigError::KeyCommand {
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

/// `https://user:pass@host/api` as `https://***@host/api`: a URL as it may
/// be printed. Credentials in a base URL are a key by another name.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***{}", &rest[at..]),
        None => url.to_string(),
    }
}
