//! `triage config check`: every problem found in the configuration, one
//! line each, without stopping at the first.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use reqwest::Url;

use crate::model::FieldType;

use super::load::{LoadedConfig, load_with_env, locate};
use super::model::{KeySpec, Profile};
use super::profile::{
    API_KEY_ENV, BASE_URL_ENV, KeySource, PROFILE_ENV, UrlSource, api_key, base_url,
    readable_key_warning, redact_url,
};

/// What `config check` found. `problems` make the check fail; `notes` are
/// informational (where the file is, where the key comes from).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    pub path: Option<PathBuf>,
    pub problems: Vec<String>,
    pub notes: Vec<String>,
}

impl CheckReport {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for n in &self.notes {
            writeln!(f, "note: {n}")?;
        }
        for p in &self.problems {
            writeln!(f, "problem: {p}")?;
        }
        if self.is_ok() {
            writeln!(f, "config ok")?;
        }
        Ok(())
    }
}

/// Checks the config that [`super::load`] would read, resolving each
/// profile's base URL and key as the client does (`base_url_flag` is
/// `--base-url`). Runs each profile's `api_key_cmd` to see that it works,
/// within its time limit (its output is never shown). Unknown keys are
/// problems here: the setting they meant has no effect.
pub fn check(
    explicit_path: Option<&Path>,
    base_url_flag: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> CheckReport {
    let mut report = CheckReport {
        path: locate(explicit_path, env).map(|l| l.path),
        ..CheckReport::default()
    };
    let config = match load_with_env(explicit_path, env) {
        Ok(c) => c,
        Err(e) => {
            report.problems.push(e.to_string());
            return report;
        }
    };
    match (&report.path, config.exists) {
        (Some(p), true) => report.notes.push(format!("config file: {}", p.display())),
        (Some(p), false) => report.notes.push(format!(
            "no config file at {} (defaults in use)",
            p.display()
        )),
        (None, _) => report
            .notes
            .push("no config directory on this system (defaults in use)".into()),
    }
    report
        .problems
        .extend(config.unknown_keys.iter().map(ToString::to_string));
    report
        .problems
        .extend(config.warnings.iter().map(ToString::to_string));
    check_profiles(&config, base_url_flag, env, &mut report);
    check_keys(&config, &mut report);
    check_views(&config, &mut report);
    check_default_view(&config, &mut report);
    check_after_reply(&config, &mut report);
    report
}

/// `after_reply` in `[ui]` and in each view (over `[ui]`'s), as far as can
/// be told without the server: status names are the workspace's, checked
/// when the confirmation opens (an unknown one is said there).
fn check_after_reply(config: &LoadedConfig, report: &mut CheckReport) {
    let ui = &config.file.ui.after_reply;
    for p in ui.problems() {
        report.problems.push(format!("[ui] after_reply: {p}"));
    }
    for view in &config.file.views {
        if let Some(own) = &view.after_reply {
            for p in own.over(ui).problems() {
                report
                    .problems
                    .push(format!("[[views]] '{}' after_reply: {p}", view.name));
            }
        }
    }
}

fn check_profiles(
    config: &LoadedConfig,
    base_url_flag: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    report: &mut CheckReport,
) {
    let file = &config.file;
    if let Some(d) = &file.default_profile
        && !file.profiles.contains_key(d)
    {
        report.problems.push(format!(
            "default_profile '{d}' is not a profile (profiles: {})",
            names(file.profiles.keys())
        ));
    }
    if env(API_KEY_ENV).is_some_and(|k| !k.trim().is_empty()) {
        report.notes.push(format!(
            "{API_KEY_ENV} is set: it is used instead of every profile's key"
        ));
    }
    // Each profile as the client would see it: over the top level's
    // settings, or the top level alone when there are none.
    // The profile `triage` would use now; another one may leave its key
    // for later (`triage --profile NAME` with TRIAGE_API_KEY set).
    // Unknown (a default_profile that is none of them): every one must.
    let active = config
        .choose_profile(env(PROFILE_ENV).as_deref())
        .ok()
        .map(|p| p.map(|(name, _)| name.to_string()));
    let defaults = file.profile_defaults();
    let mut profiles: Vec<(Option<&str>, Profile)> = file
        .profiles
        .iter()
        .map(|(n, p)| (Some(n.as_str()), p.over(&defaults)))
        .collect();
    if profiles.is_empty() {
        profiles.push((None, Profile::default().over(&defaults)));
    }
    for (name, profile) in &profiles {
        let who = name.map_or("the default settings".to_string(), |n| {
            format!("profile '{n}'")
        });
        check_profile_url(&who, base_url_flag, env, profile, report);
        if let Some(t) = &profile.web_url
            && let Err(p) = check_web_url(t)
        {
            report.problems.push(format!("{who}: web_url {p}"));
        }
        // FieldType decodes leniently (a server may add types), so a typo in
        // the file would otherwise pass silently.
        for (key, alias) in &profile.aliases.fields {
            if let FieldType::Other(t) = &alias.field_type {
                let known: Vec<&str> = FieldType::KNOWN.iter().map(|t| t.as_str()).collect();
                report.problems.push(format!(
                    "{who}: aliases.fields.{key}: unknown type '{t}' ({})",
                    known.join(", ")
                ));
            }
        }
        if profile.api_key_cmd.is_some() && profile.api_key.is_some() {
            report.notes.push(format!(
                "{who}: both api_key_cmd and api_key are set; api_key_cmd wins"
            ));
        }
        let active = match &active {
            Some(active) => name.is_none() || *name == active.as_deref(),
            None => true,
        };
        check_profile_key(config, &who, *name, profile, env, active, report);
    }
    // Even a key that is not used (overridden by the environment or a
    // command) should not sit in a readable file.
    if file.profiles.values().any(|p| p.api_key.is_some())
        && let Some(w) = readable_key_warning(config)
        && !report.problems.contains(&w)
    {
        report.problems.push(w);
    }
}

/// The base URL the client would use for this profile, where it comes
/// from, and whether it is usable; credentials in it are never printed.
fn check_profile_url(
    who: &str,
    base_url_flag: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    profile: &Profile,
    report: &mut CheckReport,
) {
    let Some((url, source)) = base_url(base_url_flag, env, profile) else {
        report.problems.push(format!(
            "{who}: no base_url (and {BASE_URL_ENV} is not set)"
        ));
        return;
    };
    let from = match source {
        UrlSource::Flag => "--base-url",
        UrlSource::Env => BASE_URL_ENV,
        UrlSource::Profile => "base_url in the file",
    };
    let shown = redact_url(&url);
    report
        .notes
        .push(format!("{who}: base URL {shown} (from {from})"));
    if let Err(p) = check_base_url(&url, &shown) {
        report.problems.push(format!("{who}: base URL {p}"));
    }
}

/// The key the client would use for this profile: where it comes from, or
/// why there is none. Runs `api_key_cmd` (bounded in time, its output
/// never shown).
fn check_profile_key(
    config: &LoadedConfig,
    who: &str,
    name: Option<&str>,
    profile: &Profile,
    env: &dyn Fn(&str) -> Option<String>,
    active: bool,
    report: &mut CheckReport,
) {
    let mut warnings = Vec::new();
    match api_key(config, name, profile, env, &mut warnings) {
        // Said once for every profile above.
        Ok(Some((_, KeySource::Env))) => {}
        Ok(Some((_, source))) => {
            let from = match source {
                KeySource::Env => API_KEY_ENV,
                KeySource::Command => "api_key_cmd (ran fine)",
                KeySource::File => "api_key in the file",
            };
            report.notes.push(format!("{who}: API key from {from}"));
            report.problems.extend(warnings);
        }
        Ok(None) if active => report.problems.push(format!(
            "{who}: no API key (set {API_KEY_ENV}, api_key_cmd or api_key)"
        )),
        Ok(None) => report.notes.push(format!(
            "{who}: no API key yet (not the active profile: set {API_KEY_ENV}, api_key_cmd or api_key before using it)"
        )),
        Err(e) => report.problems.push(e.to_string()),
    }
}

/// `shown` is `url` as it may be printed (credentials masked).
fn check_base_url(url: &str, shown: &str) -> Result<(), String> {
    let parsed = Url::parse(url).map_err(|e| format!("'{shown}' is not a URL ({e})"))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&parsed) => Ok(()),
        "http" => Err(format!(
            "'{shown}' is plain http to a non-loopback host: the key would travel unencrypted, use https"
        )),
        other => Err(format!("'{shown}' has scheme '{other}', expected https")),
    }
}

fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `https://host/tickets/{number}`: placeholders `{number}` and `{id}` only,
/// at least one of them.
fn check_web_url(template: &str) -> Result<(), String> {
    let mut placeholders = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            return Err(format!("'{template}' has an unclosed '{{'"));
        };
        placeholders.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    if let Some(bad) = placeholders
        .iter()
        .find(|p| !matches!(**p, "number" | "id"))
    {
        return Err(format!(
            "'{template}' has an unknown placeholder {{{bad}}} (use {{number}} or {{id}})"
        ));
    }
    if placeholders.is_empty() {
        return Err(format!(
            "'{template}' has no {{number}} or {{id}} placeholder"
        ));
    }
    if !(template.starts_with("https://") || template.starts_with("http://")) {
        return Err(format!("'{template}' does not start with https://"));
    }
    Ok(())
}

fn check_keys(config: &LoadedConfig, report: &mut CheckReport) {
    for (action, spec) in &config.file.keys {
        let keys = spec.keys();
        if keys.is_empty() || keys.iter().any(|k| k.trim().is_empty()) {
            report.problems.push(format!("[keys] {action}: empty key"));
        }
        if let KeySpec::Many(ks) = spec {
            let unique: BTreeSet<&String> = ks.iter().collect();
            if unique.len() != ks.len() {
                report
                    .problems
                    .push(format!("[keys] {action}: the same key listed twice"));
            }
        }
    }
}

fn check_views(config: &LoadedConfig, report: &mut CheckReport) {
    let mut seen = BTreeSet::new();
    for view in &config.file.views {
        let name = &view.name;
        if name.trim().is_empty() {
            report
                .problems
                .push("[[views]]: a view has an empty name".into());
        } else if !seen.insert(name.as_str()) {
            report
                .problems
                .push(format!("[[views]] '{name}': name used twice"));
        }
        if let Err(e) = crate::filter::parse(&view.filter) {
            report
                .problems
                .push(format!("[[views]] '{name}': filter {e}"));
        } else if let Some(problem) = view.problem().filter(|_| !name.trim().is_empty()) {
            report
                .problems
                .push(format!("[[views]] '{name}': {problem}"));
        }
        if let Some(p) = &view.profile
            && !config.file.profiles.contains_key(p)
        {
            report
                .problems
                .push(format!("[[views]] '{name}': profile '{p}' does not exist"));
        }
    }
}

/// `default_view` must name a view (checked apart: it is a top-level key).
fn check_default_view(config: &LoadedConfig, report: &mut CheckReport) {
    if let Some(name) = &config.file.default_view
        && config.view(name).is_none()
    {
        report
            .problems
            .push(format!("default_view '{name}': no [[views]] has that name"));
    }
}

fn names<'a>(it: impl Iterator<Item = &'a String>) -> String {
    let v: Vec<&str> = it.map(String::as_str).collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}
