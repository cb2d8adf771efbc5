//! The shape of `config.toml`. Unknown keys are not refused here: the
//! loader reports each one as a warning with its line and column (see
//! `load::parse_reporting`), so a typo or a key from a newer version never
//! costs the user their views or a working `triage list`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::api::ApiKey;
use crate::filter::{Aliases, TicketFilter};

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ConfigFile {
    /// Profile used when `--profile` is not given.
    pub default_profile: Option<String>,
    /// `[profiles.<name>]`: one per workspace.
    pub profiles: BTreeMap<String, Profile>,
    /// `[keys]`: action name → key or keys, as written; the UI's keymap
    /// interprets them over its defaults.
    pub keys: BTreeMap<String, KeySpec>,
    /// `[[views]]`: saved filters.
    pub views: Vec<SavedView>,
    /// `[[macros]]`: named sets of triage changes (see `app::macros`).
    pub macros: Vec<MacroDef>,
    /// `[[replies]]`: canned replies offered by `R` (see `app::replies`).
    pub replies: Vec<ReplyDef>,
    /// `[[commands]]`: shell commands on keys (see `app::commands`).
    pub commands: Vec<CommandDef>,
    /// The view the UI opens on when neither `--view` nor `--filter` is given.
    pub default_view: Option<String>,
    pub ui: UiConfig,
    /// `[theme]`: colors over the chosen theme's, slot by slot.
    pub theme: super::theme::ThemeOverrides,
    /// Who you are (an agent's name or UUID), when no profile says so.
    pub me: Option<String>,
    // Profile settings written at the top level: defaults for every
    // profile (a profile's own value wins) and the settings when there is
    // no profile at all. See [`ConfigFile::profile_defaults`].
    pub base_url: Option<String>,
    pub web_url: Option<String>,
    pub per_page: Option<PerPage>,
    pub aliases: Aliases,
    pub api_key_cmd_timeout_secs: Option<KeyCommandTimeout>,
}

impl ConfigFile {
    /// The top level's profile settings, as a profile of their own. The key
    /// itself (`api_key`, `api_key_cmd`) has no top-level form: one key for
    /// every workspace would be sent to every workspace.
    pub fn profile_defaults(&self) -> Profile {
        Profile {
            base_url: self.base_url.clone(),
            web_url: self.web_url.clone(),
            per_page: self.per_page,
            aliases: self.aliases.clone(),
            me: self.me.clone(),
            api_key_cmd_timeout_secs: self.api_key_cmd_timeout_secs,
            api_key_cmd: None,
            api_key: None,
        }
    }
}

/// `[profiles.<name>]`.
#[derive(Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Profile {
    /// `https://acme.example.com/api/v1`.
    pub base_url: Option<String>,
    /// A shell command printing the key (`pass show helpdesk/acme`).
    pub api_key_cmd: Option<String>,
    /// The key itself; the file should then be private (mode 600).
    #[serde(deserialize_with = "api_key")]
    pub api_key: Option<ApiKey>,
    /// Link to a ticket in the web app: `{number}` and `{id}` are replaced.
    pub web_url: Option<String>,
    /// Unset: the top level's, else [`PerPage::DEFAULT`].
    pub per_page: Option<PerPage>,
    pub aliases: Aliases,
    /// Who you are in this workspace: an agent's name or UUID. "Me" in the
    /// assignee pane and the assign picker, `A` (assign to me).
    pub me: Option<String>,
    /// How long `api_key_cmd` may run; unset: the top level's, else
    /// [`KeyCommandTimeout::DEFAULT_SECS`].
    pub api_key_cmd_timeout_secs: Option<KeyCommandTimeout>,
}

/// By hand: `api_key_cmd` may hold the key itself (`echo ixk_…`), so its
/// text never reaches `Debug`, like the key's.
impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("base_url", &self.base_url)
            .field(
                "api_key_cmd",
                &self.api_key_cmd.as_ref().map(|_| "<command>"),
            )
            .field("api_key", &self.api_key)
            .field("web_url", &self.web_url)
            .field("per_page", &self.per_page)
            .field("aliases", &self.aliases)
            .field("me", &self.me)
            .field("api_key_cmd_timeout_secs", &self.api_key_cmd_timeout_secs)
            .finish()
    }
}

fn api_key<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ApiKey>, D::Error> {
    let key = String::deserialize(d)?;
    Ok(Some(ApiKey::new(key)).filter(|k| !k.is_empty()))
}

/// Tickets per page, 1 to 100 (the API's maximum); 50 by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerPage(u32);

impl PerPage {
    pub const DEFAULT: u32 = 50;
    pub const MAX: u32 = 100;

    pub fn new(n: u32) -> Option<PerPage> {
        (1..=Self::MAX).contains(&n).then_some(PerPage(n))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for PerPage {
    fn default() -> Self {
        PerPage(Self::DEFAULT)
    }
}

impl<'de> Deserialize<'de> for PerPage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        u32::try_from(n).ok().and_then(PerPage::new).ok_or_else(|| {
            serde::de::Error::custom(format!("per_page must be between 1 and 100, not {n}"))
        })
    }
}

/// Seconds `api_key_cmd` may take (a password prompt included) before it
/// is stopped: at least 1, 30 by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyCommandTimeout(u64);

impl KeyCommandTimeout {
    pub const DEFAULT_SECS: u64 = 30;

    pub fn new(secs: u64) -> Option<KeyCommandTimeout> {
        (secs >= 1).then_some(KeyCommandTimeout(secs))
    }

    pub fn duration(self) -> std::time::Duration {
        std::time::Duration::from_secs(self.0)
    }

    pub fn secs(self) -> u64 {
        self.0
    }
}

impl Default for KeyCommandTimeout {
    fn default() -> Self {
        KeyCommandTimeout(Self::DEFAULT_SECS)
    }
}

impl<'de> Deserialize<'de> for KeyCommandTimeout {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        u64::try_from(n)
            .ok()
            .and_then(KeyCommandTimeout::new)
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "api_key_cmd_timeout_secs must be at least 1, not {n}"
                ))
            })
    }
}

/// One action's binding: `quit = "q"` or `quit = ["q", "ctrl-c"]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KeySpec {
    One(String),
    Many(Vec<String>),
}

impl KeySpec {
    /// The key strings, as written.
    pub fn keys(&self) -> Vec<&str> {
        match self {
            KeySpec::One(k) => vec![k.as_str()],
            KeySpec::Many(ks) => ks.iter().map(String::as_str).collect(),
        }
    }
}

/// `[[macros]]`: several triage changes under one name. `actions` is in
/// the action language of `app::macros`; it is parsed when the config is
/// loaded and resolved against the workspace when the macro runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MacroDef {
    pub name: String,
    pub actions: String,
    /// A key that runs it from the list (`"ctrl-b"`, `"F2"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Only for this profile (its names are that workspace's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
}

/// `[[replies]]`: a canned reply. `body` may hold `{{placeholders}}` of
/// `text::template::REPLY`, checked when the config is loaded and filled
/// from the ticket when the reply is chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyDef {
    pub name: String,
    pub body: String,
    /// A key that opens the editor with this reply (`"ctrl-t"`, `"F3"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Only for this profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
}

/// `[[commands]]`: a shell command run on the focused (or marked)
/// tickets, `run` a template with `app::commands::COMMAND`'s placeholders,
/// each value substituted shell-quoted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandDef {
    pub name: String,
    pub run: String,
    /// A key that runs it from the list (`"ctrl-o"`, `"F4"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Ask before running.
    #[serde(default)]
    pub confirm: bool,
    /// With marked tickets: once per ticket, or once for all of them.
    #[serde(default)]
    pub marked: MarkedRun,
    /// `"status"`: run in the background, the first line of its output on
    /// the status line; unset: in the terminal, handed over meanwhile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<CommandOutput>,
    /// In the terminal: after the command, wait for Enter before triage
    /// draws again, so its output can be read (default); `false` goes
    /// straight back.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub wait: bool,
    /// Only for this profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
}

impl Default for CommandDef {
    fn default() -> Self {
        CommandDef {
            name: String::new(),
            run: String::new(),
            key: None,
            confirm: false,
            marked: MarkedRun::default(),
            output: None,
            wait: yes(),
            profile: None,
        }
    }
}

fn yes() -> bool {
    true
}

fn is_yes(b: &bool) -> bool {
    *b
}

/// `marked = "each" | "once"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MarkedRun {
    /// One run per marked ticket, in marking order.
    #[default]
    Each,
    /// One run; each placeholder is the list of the tickets' values.
    Once,
}

/// `output = "status"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommandOutput {
    Status,
}

/// `[[views]]`: a named queue. The filter is in the text form; `sort` and
/// `order` (when set) override any `sort:`/`order:` inside it, so a view
/// written by hand and one saved by the UI read the same.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    pub name: String,
    pub filter: String,
    /// `created_at`, `updated_at` or `priority` (also `created`, `updated`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// `asc` or `desc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    /// A key of its own besides its position's digit (`"u"`, `"ctrl-u"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Tickets per page for this view (1 to 100); the profile's otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u32>,
    /// Poll the count in the background every this many seconds (between
    /// [`SavedView::MIN_REFRESH_SECS`] and [`SavedView::MAX_REFRESH_SECS`])
    /// and mark what is new.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_secs: Option<u64>,
    /// How a background refresh that brings new tickets is told while
    /// this view is open; `[ui] notify` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<Notify>,
    /// The list's columns while this view is open; `[ui] columns` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<crate::columns::ColumnEntry>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The reply confirmation's choices while this view is open, over
    /// `[ui] after_reply`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_reply: Option<AfterReply>,
}

/// `notify = "bell" | "desktop" | "off"`: a terminal bell, a desktop
/// notification (OSC 777 and OSC 9), or nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Notify {
    Bell,
    Desktop,
    #[default]
    Off,
}

impl Notify {
    pub fn name(self) -> &'static str {
        match self {
            Notify::Bell => "bell",
            Notify::Desktop => "desktop",
            Notify::Off => "off",
        }
    }
}

impl SavedView {
    /// Shorter intervals would spend a rate limit on counts alone.
    pub const MIN_REFRESH_SECS: u64 = 10;
    /// A day: longer is a typo, and an interval is added to clock readings.
    pub const MAX_REFRESH_SECS: u64 = 86_400;

    pub fn new(name: impl Into<String>, filter: impl Into<String>) -> SavedView {
        SavedView {
            name: name.into(),
            filter: filter.into(),
            ..SavedView::default()
        }
    }

    /// The view as a filter: its text form, then its own `sort`/`order`.
    /// `Err` is one line naming what is wrong.
    pub fn ticket_filter(&self) -> Result<TicketFilter, String> {
        let mut filter = crate::filter::parse(&self.filter).map_err(|e| e.to_string())?;
        for (key, value) in [("sort", &self.sort), ("order", &self.order)] {
            if let Some(value) = value {
                let part = crate::filter::parse_key_value(key, value)
                    .map_err(|e| format!("{key} = {value:?}: {}", e.message))?;
                filter.merge(part);
            }
        }
        Ok(filter)
    }

    /// Checks everything but the key (the keymap knows which keys are
    /// taken): one line naming the first problem.
    pub fn problem(&self) -> Option<String> {
        if self.name.trim().is_empty() {
            return Some("the name is empty".into());
        }
        if let Err(e) = self.ticket_filter() {
            return Some(e);
        }
        if let Some(n) = self.per_page
            && PerPage::new(n).is_none()
        {
            return Some(format!("per_page must be between 1 and 100, not {n}"));
        }
        match self.refresh_secs {
            Some(secs) if secs < Self::MIN_REFRESH_SECS => {
                return Some(format!(
                    "refresh_secs must be at least {}, not {secs}",
                    Self::MIN_REFRESH_SECS
                ));
            }
            Some(secs) if secs > Self::MAX_REFRESH_SECS => {
                return Some(format!(
                    "refresh_secs must be at most {} (a day), not {secs}",
                    Self::MAX_REFRESH_SECS
                ));
            }
            _ => {}
        }
        None
    }
}

/// `[ui]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct UiConfig {
    /// "3m ago" rather than a timestamp.
    pub relative_times: bool,
    /// 24-bit color for the server's status and priority colors.
    pub truecolor: TrueColor,
    /// `auto` (ask the terminal), `dark`, `light` or `high-contrast`.
    pub theme: super::theme::ThemeName,
    /// The open list refreshes itself this often (a view's own
    /// `refresh_secs` wins); 0 turns it off.
    pub refresh_secs: ListRefresh,
    /// While the terminal is not focused (when it reports focus), the list
    /// refreshes at most this often; 0: not at all until focus returns.
    pub unfocused_refresh_secs: ListRefresh,
    /// How new tickets brought by a background refresh are told, for
    /// lists without a view's own `notify`.
    pub notify: Notify,
    /// The reply confirmation's "send and set" choices (a view's own
    /// `after_reply` wins, field by field).
    pub after_reply: AfterReply,
    /// The list's columns, left to right (`triage::columns` names); unset:
    /// [`crate::columns::DEFAULT_COLUMNS`]. A view's own `columns` wins.
    pub columns: Option<Vec<crate::columns::ColumnEntry>>,
}

/// `after_reply = { statuses = [...], default = "send" }`, in `[ui]` or a
/// view: the statuses the reply confirmation offers to set once the reply
/// is sent (a status's name, or a category: `waiting`, `resolved`, ...),
/// and what `Enter` does there (`send`, or one of those statuses).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AfterReply {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statuses: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

impl AfterReply {
    /// Offered when nothing is configured: the workspace's first waiting
    /// status ("Awaiting customer") and first resolved one ("Solved").
    pub const DEFAULT_STATUSES: [&'static str; 2] = ["waiting", "resolved"];
    /// The default's value for a plain send.
    pub const SEND: &'static str = "send";
    /// More would not fit the confirmation's line of keys.
    pub const MAX_STATUSES: usize = 6;

    /// `self` (a view's) over `base` (`[ui]`'s): each field set wins.
    pub fn over(&self, base: &AfterReply) -> AfterReply {
        AfterReply {
            statuses: self.statuses.clone().or_else(|| base.statuses.clone()),
            default: self.default.clone().or_else(|| base.default.clone()),
        }
    }

    /// The statuses offered, in order.
    pub fn statuses(&self) -> Vec<String> {
        match &self.statuses {
            Some(list) => list.clone(),
            None => Self::DEFAULT_STATUSES.map(String::from).to_vec(),
        }
    }

    /// `send`, or the status `Enter` sets.
    pub fn default_choice(&self) -> &str {
        self.default.as_deref().unwrap_or(Self::SEND)
    }

    /// What is wrong whatever the server's statuses: empty or repeated
    /// names, too many, a default that is neither `send` nor offered.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let statuses = self.statuses();
        if statuses.iter().any(|s| s.trim().is_empty()) {
            out.push("a status is empty".to_string());
        }
        let mut seen = std::collections::BTreeSet::new();
        for s in &statuses {
            if !seen.insert(s.trim().to_lowercase()) {
                out.push(format!("'{s}' is listed twice"));
            }
        }
        if statuses.len() > Self::MAX_STATUSES {
            out.push(format!(
                "{} statuses; at most {} fit the confirmation",
                statuses.len(),
                Self::MAX_STATUSES
            ));
        }
        let default = self.default_choice();
        if !default.eq_ignore_ascii_case(Self::SEND)
            && !statuses
                .iter()
                .any(|s| s.trim().eq_ignore_ascii_case(default.trim()))
        {
            out.push(format!(
                "default '{default}' is neither \"send\" nor one of the statuses ({})",
                statuses.join(", ")
            ));
        }
        out
    }
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            relative_times: true,
            truecolor: TrueColor::Auto,
            theme: super::theme::ThemeName::Auto,
            refresh_secs: ListRefresh::default(),
            unfocused_refresh_secs: ListRefresh::UNFOCUSED_DEFAULT,
            notify: Notify::Off,
            after_reply: AfterReply::default(),
            columns: None,
        }
    }
}

/// `[ui] refresh_secs`: 0 (off) or, like a view's, 10 s to a day; 60 by
/// default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListRefresh(u64);

impl ListRefresh {
    pub const DEFAULT_SECS: u64 = 60;
    /// `[ui] unfocused_refresh_secs` by default: five minutes.
    pub const UNFOCUSED_DEFAULT: ListRefresh = ListRefresh(300);

    pub fn new(secs: u64) -> Option<ListRefresh> {
        let valid = secs == 0
            || (SavedView::MIN_REFRESH_SECS..=SavedView::MAX_REFRESH_SECS).contains(&secs);
        valid.then_some(ListRefresh(secs))
    }

    /// `None` when turned off.
    pub fn interval(self) -> Option<std::time::Duration> {
        (self.0 > 0).then(|| std::time::Duration::from_secs(self.0))
    }
}

impl Default for ListRefresh {
    fn default() -> Self {
        ListRefresh(Self::DEFAULT_SECS)
    }
}

impl<'de> Deserialize<'de> for ListRefresh {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        u64::try_from(n)
            .ok()
            .and_then(ListRefresh::new)
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "refresh_secs must be 0 (off) or between {} and {}, not {n}",
                    SavedView::MIN_REFRESH_SECS,
                    SavedView::MAX_REFRESH_SECS
                ))
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrueColor {
    /// Use it when `COLORTERM` says `truecolor` or `24bit`.
    #[default]
    Auto,
    Always,
    Never,
}

impl fmt::Display for TrueColor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrueColor::Auto => "auto",
            TrueColor::Always => "always",
            TrueColor::Never => "never",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_command_is_not_shown_by_debug() {
        let profile = Profile {
            api_key_cmd: Some("echo ixk_live_0123456789abcdef".into()),
            api_key: Some(ApiKey::new("ixk_file_fedcba9876543210".to_string())),
            ..Profile::default()
        };
        let shown = format!("{profile:?}");
        assert!(!shown.contains("ixk_live"), "{shown}");
        assert!(!shown.contains("ixk_file_fedcba"), "{shown}");
        assert!(shown.contains("<command>"), "{shown}");
    }
}
