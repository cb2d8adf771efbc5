//! What every subcommand that talks to a workspace needs: the config file,
//! the chosen profile, and one API client built from them.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use triage::api::{ApiClient, ApiKey, Catalog, ClientOptions};
use triage::app::views::ViewsSetup;
use triage::app::{Keymap, persist};
use triage::config::{
    self, ConfigFile, ConfigLocation, LoadedConfig, LocationSource, ResolvedProfile, SessionStore,
};
use triage::filter::{Aliases, EntityRef, TicketFilter};
use triage::runtime::{ApiSource, RunContext};
use triage::ui::ColorMode;

use super::args::{GlobalArgs, StartArgs};
use super::exit::UsageError;

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
    /// Where the UI remembers this workspace and profile between runs
    /// (`None`: no state directory).
    pub remember: Option<SessionStore>,
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
        warn_unknown_keys(&config);
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
    /// workspace is the in-process server and saved views live in a file of
    /// the demo's own, `views_file` (see `config::demo_views_path`): the
    /// demo never writes the config file. That file starts as a copy of the
    /// config's views, so `triage demo --config views.toml` shows them.
    pub fn demo(
        global: &GlobalArgs,
        base_url: &str,
        key: &str,
        views_file: Option<&Path>,
    ) -> anyhow::Result<Session> {
        let (config, broken) = lenient_load(global)?;
        warn_unknown_keys(&config);
        let (mut config, views_broken) = with_demo_views(config, views_file)?;
        if config.file.macros.is_empty() {
            // So `m` shows what macros do without writing a config first.
            config.file.macros = demo_macros();
        }
        if config.file.replies.is_empty() {
            // So `R` offers canned replies (and fills in the requester's
            // name from /contacts) without writing a config first.
            config.file.replies = demo_replies();
        }
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
            // The views' own file first: it is the one saves would go to.
            config_broken: views_broken.or(broken).map(|e| e.to_string()),
            // Its port changes every run: the demo is one workspace.
            remember: SessionStore::in_state_dir("demo"),
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
                let view = self.config.view(name).ok_or_else(|| {
                    let known: Vec<&str> = self
                        .config
                        .file
                        .views
                        .iter()
                        .map(|v| v.name.as_str())
                        .collect();
                    UsageError(if known.is_empty() {
                        format!("no saved view '{name}': the config file has no [[views]]")
                    } else {
                        format!("no saved view '{name}' (views: {})", known.join(", "))
                    })
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
                triage::filter::parse(text).map_err(|e| UsageError(format!("--filter: {e}")))?;
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
            remember: SessionStore::in_state_dir(&workspace_identity(profile)),
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

    /// Where the UI's views come from and where its edits go.
    pub fn views_setup(&self) -> ViewsSetup {
        ViewsSetup {
            views: self.config.file.views.clone(),
            profile: self.profile.clone(),
            path: self.config.path().map(Into::into),
            fingerprint: self.config.fingerprint,
            broken: self.config_broken.clone(),
            per_page: self.per_page,
        }
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
    let location = config::locate(global.config.as_deref(), &config::process_env);
    lenient(config::load(global.config.as_deref()), location)
}

/// A parse error as defaults at `location` plus the error; other errors
/// (a named file missing, unreadable) stay errors.
fn lenient(
    loaded: Result<LoadedConfig, config::ConfigError>,
    location: Option<ConfigLocation>,
) -> Result<(LoadedConfig, Option<config::ConfigError>), config::ConfigError> {
    match loaded {
        Ok(c) => Ok((c, None)),
        Err(e @ config::ConfigError::Parse { .. }) => {
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

/// What the demo's views file says it is.
/// The demo's macros when the config has none, in the demo workspace's
/// names.
fn demo_macros() -> Vec<config::MacroDef> {
    let def = |name: &str, key: Option<&str>, actions: &str| config::MacroDef {
        name: name.into(),
        key: key.map(str::to_string),
        actions: actions.into(),
        profile: None,
    };
    vec![
        def(
            "Escalate",
            Some("ctrl-b"),
            r#"status:Triaged priority:"On fire" +tag:vip note:"Escalated: looking at it now""#,
        ),
        def(
            "Route to billing",
            None,
            "inbox:Billing +tag:billing -tag:vip",
        ),
        def(
            "Park until tomorrow",
            None,
            r#"snooze:"tomorrow 9:00" note:"Parked until tomorrow morning""#,
        ),
    ]
}

/// The demo's canned replies when the config has none.
fn demo_replies() -> Vec<config::ReplyDef> {
    let def = |name: &str, body: &str| config::ReplyDef {
        name: name.into(),
        body: body.into(),
        key: None,
        profile: None,
    };
    vec![
        def(
            "Looking into it",
            "Hi {{requester_name}},\n\nThanks for writing in about \"{{subject}}\". \
             I am looking into it now and will get back to you today.\n",
        ),
        def(
            "Need more details",
            "Hi {{requester_name}},\n\nTo get to the bottom of #{{number}}, could you \
             send us a screenshot and the time it last happened?\n",
        ),
        def(
            "Solved, anything else?",
            "Hi {{requester_name}},\n\nThis should be fixed now. Reply to this \
             message if anything is still not right and the ticket reopens.\n",
        ),
    ]
}

const DEMO_VIEWS_HEADER: &str = "The saved views of `triage demo` (never the config file's).
Started as a copy of the config's [[views]]; edit or delete it freely.";

/// `config` with its views (and where edits to them go) taken from the
/// demo's own file, which is started from the config's views when missing.
fn with_demo_views(
    config: LoadedConfig,
    views_file: Option<&Path>,
) -> Result<(LoadedConfig, Option<config::ConfigError>), config::ConfigError> {
    let Some(path) = views_file else {
        // No state directory: the views are shown but cannot be saved.
        let loaded = LoadedConfig {
            location: None,
            exists: false,
            fingerprint: None,
            ..config
        };
        return Ok((loaded, None));
    };
    if !config.file.views.is_empty()
        && let Err(e) = config::start_views_file(
            path,
            DEMO_VIEWS_HEADER,
            &config.file.views,
            config.file.default_view.as_deref(),
        )
    {
        eprintln!("warning: {}", triage::text::sanitize(&e.to_string()));
    }
    let location = ConfigLocation {
        path: path.to_path_buf(),
        source: LocationSource::Default,
    };
    let (views, broken) = lenient(config::load_from(location.clone()), Some(location))?;
    warn_unknown_keys(&views);
    let file = ConfigFile {
        views: views.file.views,
        default_view: views.file.default_view,
        ..config.file
    };
    let loaded = LoadedConfig {
        location: views.location,
        exists: views.exists,
        file,
        mode: views.mode,
        fingerprint: views.fingerprint,
        unknown_keys: views.unknown_keys,
        warnings: views.warnings,
    };
    Ok((loaded, broken))
}

/// Unknown keys are ignored, and said so on stderr (after the UI, when it
/// runs: the terminal keeps what was printed before it).
fn warn_unknown_keys(config: &LoadedConfig) {
    for key in &config.unknown_keys {
        eprintln!("warning: {}", triage::text::sanitize(&key.to_string()));
    }
    for warning in &config.warnings {
        eprintln!("warning: {}", triage::text::sanitize(&warning.to_string()));
    }
}

/// What names a workspace and profile on disk (hashed into the remembered
/// files' names): two profiles on one workspace never share a session.
fn workspace_identity(profile: &ResolvedProfile) -> String {
    format!(
        "{}\n{}",
        profile.base_url.trim_end_matches('/'),
        profile.name.as_deref().unwrap_or("")
    )
}

/// The host of a base URL, for the header; credentials in it stay out.
fn host_of(base_url: &str) -> String {
    let authority = base_url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or(base_url);
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
        .to_string()
}

/// `triage` with no subcommand.
pub async fn run_tui(global: &GlobalArgs, start: &StartArgs) -> anyhow::Result<()> {
    let session = Session::open_for_ui(global)?;
    run_ui(session, start).await
}

/// Opens the interactive queue on a session.
pub async fn run_ui(session: Session, start: &StartArgs) -> anyhow::Result<()> {
    let opening = opening(&session, start)?;
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
    ctx.scope.view = opening.view;
    ctx.filter = opening.filter;
    ctx.per_page = opening.per_page;
    ctx.restored = opening.restored;
    ctx.views = session.views_setup();
    ctx.web_url = session.web_url.clone();
    ctx.keymap = keymap;
    let mode = ColorMode::from_env_with(ui.truecolor);
    ctx.color = Some(mode);
    // Before the terminal is taken over: the answer comes on stdin.
    ctx.theme = Some(triage::runtime::background::choose(
        mode,
        ui.theme,
        &session.config.file.theme,
    ));
    ctx.relative_times = ui.relative_times;
    ctx.refresh = ui.refresh_secs.interval();
    ctx.unfocused_refresh = ui.unfocused_refresh_secs.interval();
    ctx.notify = ui.notify;
    ctx.after_reply = ui.after_reply.clone();
    if let Some(entries) = &ui.columns {
        // Unknown names were warned about at load; none left: the default.
        let (columns, _) = triage::columns::resolve(entries);
        if !columns.is_empty() {
            ctx.columns = columns;
        }
    }
    ctx.me = session.me.as_deref().map(EntityRef::from_text);
    ctx.drafts = triage::config::Drafts::in_state_dir();
    ctx.macros = session.config.macros_for(session.profile.as_deref());
    ctx.replies = session.config.replies_for(session.profile.as_deref());
    ctx.commands = session.config.commands_for(session.profile.as_deref());
    triage::runtime::run(ctx).await
}

/// What the UI opens on.
struct Opening {
    filter: TicketFilter,
    view: Option<String>,
    per_page: u64,
    restored: persist::Restored,
}

/// Where the last run was (unless `--view` or `--filter` says otherwise),
/// else the command line's view and filter, or `default_view`; plus the
/// histories and the page kept for that query.
fn opening(session: &Session, start: &StartArgs) -> anyhow::Result<Opening> {
    let store = session.remember.clone();
    let saved = store.as_ref().and_then(SessionStore::load_session);
    let overridden = start.view.is_some() || start.filter.is_some();
    let resumed = persist::resume(saved.as_ref(), overridden, |name| {
        session.config.view(name).is_some()
    });
    let (filter, view, per_page, page, selected) = match resumed {
        Some(r) => {
            let per_page = session.per_page_for(r.view.as_deref());
            // A page counted in another page size is another page.
            let page = if r.per_page == per_page { r.page } else { 1 };
            (r.filter, r.view, per_page, page, r.selected)
        }
        None => {
            let start_view = session.start_view(start);
            let (filter, view) =
                session.initial_filter(start_view.as_deref(), start.filter.as_deref())?;
            let per_page = session.per_page_for(start_view.as_deref());
            (filter, view, per_page, 1, None)
        }
    };
    // As the list will key it (its page size is kept within 1..=100).
    let disk_page = store
        .as_ref()
        .and_then(|s| s.load_page(&persist::query_text(&filter), per_page.clamp(1, 100), page));
    let (filter_history, search_history) = saved
        .map(|s| (s.filter_history, s.search_history))
        .unwrap_or_default();
    Ok(Opening {
        filter,
        view,
        per_page,
        restored: persist::Restored {
            store,
            page,
            selected,
            disk_page,
            filter_history,
            search_history,
        },
    })
}

#[cfg(test)]
mod tests {
    use std::fs;

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use tokio::time::Instant;
    use triage::app::views::ViewsState;
    use triage::app::{Clock, Effect, Keymap, Msg, State, update};

    use super::*;

    fn clock() -> Clock {
        Clock::utc(Instant::now(), chrono::DateTime::UNIX_EPOCH)
    }

    fn press(state: &mut State, code: KeyCode) -> Vec<Effect> {
        let key = KeyEvent::new(code, KeyModifiers::NONE);
        update(state, Msg::Key(key), clock())
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// What the demo brings when the config has none must be what a
    /// config may hold: every reply's placeholders are known ones, every
    /// macro parses.
    #[test]
    fn the_demos_own_replies_and_macros_are_valid() {
        for reply in demo_replies() {
            let parsed = triage::text::template::parse(&reply.body, triage::text::template::REPLY);
            assert!(parsed.is_ok(), "{}: {:?}", reply.name, parsed.err());
        }
        for m in demo_macros() {
            let parsed = triage::app::macros::parse_actions(&m.actions);
            assert!(parsed.is_ok(), "{}: {:?}", m.name, parsed.err());
        }
    }

    /// `w` in the demo saves into the demo's own file (started from the
    /// config's views), never into the config file, which it used to
    /// create or edit.
    #[test]
    fn the_demo_saves_views_in_its_own_file_and_leaves_the_config_alone() {
        let home = tempfile::tempdir().unwrap();
        let config_dir = home.path().join("xdg-config/triage");
        fs::create_dir_all(&config_dir).unwrap();
        let config_path = config_dir.join("config.toml");
        let config_text = "# mine\n[[views]]\nname = \"Seed\"\nfilter = \"status:open\"\n";
        fs::write(&config_path, config_text).unwrap();
        let views_file = home.path().join("xdg-state/triage/demo-views.toml");
        let global = GlobalArgs {
            config: Some(config_path.clone()),
            profile: None,
            base_url: None,
        };

        let session = Session::demo(
            &global,
            "http://127.0.0.1:9/api/v1",
            "ixk_demo",
            Some(&views_file),
        )
        .unwrap();
        let setup = session.views_setup();
        assert_eq!(setup.path.as_deref(), Some(views_file.as_path()));
        assert_eq!(setup.views.len(), 1, "the config's views are shown");

        // As the UI does it: `w`, a name, Enter; the runtime runs the edit.
        let mut state = State::new(
            Default::default(),
            TicketFilter::default(),
            50,
            Keymap::default(),
        );
        state.views = ViewsState::new(setup, &state.keymap);
        update(&mut state, Msg::Resize(120, 30), clock());
        press(&mut state, KeyCode::Char('w'));
        for c in "Mine".chars() {
            press(&mut state, KeyCode::Char(c));
        }
        let effects = press(&mut state, KeyCode::Enter);
        let (path, edit, loaded) = effects
            .into_iter()
            .find_map(|e| match e {
                Effect::EditViews { path, edit, loaded } => Some((path, edit, loaded)),
                _ => None,
            })
            .expect("Enter asks for the edit");
        let outcome = config::edit_views(&path, &edit, loaded).unwrap();
        assert!(!outcome.merged, "the fingerprint is the demo file's");

        assert_eq!(fs::read_to_string(&config_path).unwrap(), config_text);
        assert_eq!(entries(&config_dir), ["config.toml"]);
        let saved = config::load_from(ConfigLocation {
            path: views_file.clone(),
            source: LocationSource::Flag,
        })
        .unwrap();
        let names: Vec<&str> = saved.file.views.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["Seed", "Mine"]);
    }
}
