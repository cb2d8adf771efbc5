//! What every subcommand that talks to a workspace needs: the config file,
//! the chosen profile, and one API client built from them.

use std::sync::Arc;

use anyhow::Context;
use triage::api::{ApiClient, ApiKey, Catalog, ClientOptions};
use triage::app::Keymap;
use triage::app::views::ViewsSetup;
use triage::config::{self, LoadedConfig, ResolvedProfile};
use triage::filter::{Aliases, EntityRef, TicketFilter};
use triage::runtime::{ApiSource, RunContext};
use triage::ui::ColorMode;

use super::args::{GlobalArgs, StartArgs};

pub struct Session {
    pub config: LoadedConfig,
    /// "acme" (the profile), "demo", or the base URL's host.
    pub label: String,
    pub client: ApiClient,
    pub aliases: Aliases,
    pub per_page: u64,
    pub web_url: Option<String>,
    /// `me` from the config: an agent's name or UUID.
    pub me: Option<String>,
    /// The chosen profile's name: views tied to another are not shown.
    pub profile: Option<String>,
    /// The config file did not parse (`path:line:column: message`): the UI
    /// starts anyway, says so, and saves no views into it.
    pub config_broken: Option<String>,
}

impl Session {
    /// Config file + profile + key, as `triage` and `triage list` use them.
    pub fn open(global: &GlobalArgs) -> anyhow::Result<Session> {
        let config = config::load(global.config.as_deref())?;
        Session::open_with(global, config, None)
    }

    /// [`Session::open`] for the UI: a config file that does not parse
    /// leaves the UI usable (workspace from `--base-url` and the
    /// environment) with the parse error on screen; it is still fatal when
    /// no workspace can be found without the file.
    pub fn open_for_ui(global: &GlobalArgs) -> anyhow::Result<Session> {
        match lenient_load(global) {
            Ok((config, None)) => Session::open_with(global, config, None),
            Ok((config, Some(broken))) => {
                let message = broken.to_string();
                Session::open_with(global, config, Some(message)).map_err(|_| broken.into())
            }
            Err(e) => Err(e.into()),
        }
    }

    fn open_with(
        global: &GlobalArgs,
        config: LoadedConfig,
        config_broken: Option<String>,
    ) -> anyhow::Result<Session> {
        let profile = config.profile(global.profile.as_deref(), global.base_url.as_deref())?;
        for warning in &profile.warnings {
            eprintln!("warning: {}", triage::text::sanitize(warning));
        }
        // The client's own errors already say what is wrong and with what
        // (base URL or key); a "cannot use this base URL" prefix misnamed
        // the key's problems.
        let client = ApiClient::new(ClientOptions::new(
            profile.base_url.clone(),
            profile.api_key.clone(),
        ))?;
        let label = profile
            .name
            .clone()
            .unwrap_or_else(|| host_of(&profile.base_url));
        let mut session = Session::from_parts(config, label, client, &profile);
        session.config_broken = config_broken;
        Ok(session)
    }

    /// The demo: the config file still supplies keys and UI settings, but the
    /// workspace is the in-process server.
    pub fn demo(global: &GlobalArgs, base_url: &str, key: &str) -> anyhow::Result<Session> {
        let (config, broken) = lenient_load(global)?;
        let client = ApiClient::new(ClientOptions::new(base_url, ApiKey::new(key)))?;
        let me = config.file.me.clone();
        Ok(Session {
            config,
            label: "demo".into(),
            client,
            aliases: Aliases::default(),
            per_page: 50,
            web_url: None,
            me,
            profile: None,
            config_broken: broken.map(|e| e.to_string()),
        })
    }

    /// A saved view (by name) refined by filter text; also returns the
    /// view's name as the config spells it, for the UI's header.
    pub fn initial_filter(
        &self,
        view: Option<&str>,
        text: Option<&str>,
    ) -> anyhow::Result<(TicketFilter, Option<String>)> {
        let (mut filter, view_name) = match view {
            Some(name) => {
                let view = self.config.view(name).with_context(|| {
                    let known: Vec<&str> = self
                        .config
                        .file
                        .views
                        .iter()
                        .map(|v| v.name.as_str())
                        .collect();
                    if known.is_empty() {
                        format!("no saved view '{name}': the config file has no [[views]]")
                    } else {
                        format!("no saved view '{name}' (views: {})", known.join(", "))
                    }
                })?;
                let filter = view
                    .ticket_filter()
                    .map_err(|e| anyhow::anyhow!("view '{}': {e}", view.name))?;
                (filter, Some(view.name.clone()))
            }
            None => (TicketFilter::default(), None),
        };
        if let Some(text) = text {
            let extra =
                triage::filter::parse(text).map_err(|e| anyhow::anyhow!("--filter: {e}"))?;
            if !extra.is_empty() {
                filter.merge(extra);
                // A refined view is no longer the view itself.
                return Ok((filter, None));
            }
        }
        Ok((filter, view_name))
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
            me: profile.me.clone(),
            profile: profile.name.clone(),
            config_broken: None,
        }
    }

    /// The view the UI opens on: `--view`, else `default_view` when no
    /// `--filter` is given (and it names a view: `config check` reports a
    /// dangling one).
    pub fn start_view(&self, start: &StartArgs) -> Option<String> {
        start.view.clone().or_else(|| {
            let name = self.config.file.default_view.as_deref()?;
            (start.filter.is_none() && self.config.view(name).is_some()).then(|| name.to_string())
        })
    }

    /// Tickets per page for a view: its own `per_page`, else the profile's.
    pub fn per_page_for(&self, view: Option<&str>) -> u64 {
        view.and_then(|name| self.config.view(name))
            .and_then(|v| v.per_page)
            .map_or(self.per_page, u64::from)
    }
}

/// Loads the config; a file that does not parse comes back as defaults (at
/// its location) plus the parse error, so the UI can start and say so.
fn lenient_load(
    global: &GlobalArgs,
) -> Result<(LoadedConfig, Option<config::ConfigError>), config::ConfigError> {
    match config::load(global.config.as_deref()) {
        Ok(c) => Ok((c, None)),
        Err(e @ config::ConfigError::Parse { .. }) => {
            let location = config::locate(global.config.as_deref(), &config::process_env);
            let loaded = LoadedConfig {
                location,
                exists: true,
                ..LoadedConfig::default()
            };
            Ok((loaded, Some(e)))
        }
        Err(e) => Err(e),
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
pub async fn run_tui(global: &GlobalArgs, start: &StartArgs) -> anyhow::Result<()> {
    let session = Session::open_for_ui(global)?;
    run_ui(session, start).await
}

/// Opens the interactive queue on a session.
pub async fn run_ui(session: Session, start: &StartArgs) -> anyhow::Result<()> {
    let start_view = session.start_view(start);
    let (filter, view) = session.initial_filter(start_view.as_deref(), start.filter.as_deref())?;
    let ui = &session.config.file.ui;
    // Settings errors surface before the terminal is taken over.
    let keymap =
        Keymap::from_config(&session.config.file.keys).context("[keys] in the config file")?;
    // The UI opens at once and loads the catalog in the background (a
    // filter that needs names waits for it); names swap in when it arrives
    // and failed parts are asked again after a rate limit or on refresh.
    let catalog = Arc::new(Catalog::from_aliases(session.aliases.clone()));
    let mut ctx = RunContext::new(ApiSource::new(session.client.clone(), Arc::clone(&catalog)));
    ctx.names = catalog;
    ctx.scope.workspace = session.label.clone();
    ctx.scope.view = view;
    ctx.filter = filter;
    ctx.per_page = session.per_page_for(start_view.as_deref());
    ctx.views = ViewsSetup {
        views: session.config.file.views.clone(),
        profile: session.profile.clone(),
        path: session.config.path().map(Into::into),
        fingerprint: session.config.fingerprint,
        broken: session.config_broken.clone(),
        per_page: session.per_page,
    };
    ctx.web_url = session.web_url.clone();
    ctx.keymap = keymap;
    ctx.color = Some(ColorMode::from_env_with(ui.truecolor));
    ctx.relative_times = ui.relative_times;
    ctx.me = session.me.as_deref().map(EntityRef::from_text);
    triage::runtime::run(ctx).await
}
