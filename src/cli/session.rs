//! What every subcommand that talks to a workspace needs: the config file,
//! the chosen profile, and one API client built from them.

use std::sync::Arc;

use anyhow::Context;
use triage::api::load_catalog;
use triage::api::{ApiClient, ApiKey, ClientOptions};
use triage::app::{ApiSource, Keymap, RunContext};
use triage::config::{self, LoadedConfig, ResolvedProfile};
use triage::filter::Aliases;
use triage::ui::ColorMode;

use super::args::GlobalArgs;

pub struct Session {
    pub config: LoadedConfig,
    /// "acme" (the profile), "demo", or the base URL's host.
    pub label: String,
    pub client: ApiClient,
    pub aliases: Aliases,
    pub per_page: u64,
    pub web_url: Option<String>,
}

impl Session {
    /// Config file + profile + key, as `triage` and `triage list` use them.
    pub fn open(global: &GlobalArgs) -> anyhow::Result<Session> {
        let config = config::load(global.config.as_deref())?;
        let profile = config.profile(global.profile.as_deref(), global.base_url.as_deref())?;
        for warning in &profile.warnings {
            eprintln!("warning: {}", triage::text::sanitize(warning));
        }
        let client = ApiClient::new(ClientOptions::new(
            profile.base_url.clone(),
            profile.api_key.clone(),
        ))
        .context("cannot use this base URL")?;
        let label = profile
            .name
            .clone()
            .unwrap_or_else(|| host_of(&profile.base_url));
        Ok(Session::from_parts(config, label, client, &profile))
    }

    /// The demo: the config file still supplies keys and UI settings, but the
    /// workspace is the in-process server.
    pub fn demo(global: &GlobalArgs, base_url: &str, key: &str) -> anyhow::Result<Session> {
        let config = config::load(global.config.as_deref())?;
        let client = ApiClient::new(ClientOptions::new(base_url, ApiKey::new(key)))?;
        Ok(Session {
            config,
            label: "demo".into(),
            client,
            aliases: Aliases::default(),
            per_page: 50,
            web_url: None,
        })
    }

    fn from_parts(
        config: LoadedConfig,
        label: String,
        client: ApiClient,
        profile: &ResolvedProfile,
    ) -> Session {
        Session {
            config,
            label,
            client,
            aliases: profile.aliases.clone(),
            per_page: u64::from(profile.per_page),
            web_url: profile.web_url.clone(),
        }
    }
}

fn host_of(base_url: &str) -> String {
    base_url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or(base_url)
        .to_string()
}

/// `triage` with no subcommand.
pub async fn run_tui(global: &GlobalArgs) -> anyhow::Result<()> {
    let session = Session::open(global)?;
    run_ui(session).await
}

/// Opens the interactive queue on a session.
pub async fn run_ui(session: Session) -> anyhow::Result<()> {
    let ui = &session.config.file.ui;
    // Settings errors surface before the terminal is taken over.
    let keymap =
        Keymap::from_config(&session.config.file.keys).context("[keys] in the config file")?;
    let catalog = Arc::new(load_catalog(&session.client, &session.aliases).await);
    let mut ctx = RunContext::new(ApiSource::new(session.client.clone(), Arc::clone(&catalog)));
    ctx.names = catalog;
    ctx.scope.workspace = session.label.clone();
    ctx.per_page = session.per_page;
    ctx.web_url = session.web_url.clone();
    ctx.keymap = keymap;
    ctx.color = Some(ColorMode::from_env_with(ui.truecolor));
    ctx.relative_times = ui.relative_times;
    triage::app::run(ctx).await
}
