//! `triage demo`: the local helpdesk in-process, and the real UI on it.

use std::time::Duration;

use triage::server;

use super::args::{DemoArgs, GlobalArgs};
use super::session::{Session, run_ui};

pub async fn run(global: &GlobalArgs, args: &DemoArgs) -> anyhow::Result<()> {
    // Its own thread and runtime: a slow request never holds up the UI's.
    let mut config = server::ServerConfig {
        new_every: live_pace(args),
        data_epoch: triage::config::demo_epoch_path()
            .map(|path| triage::config::demo_epoch(&path, chrono::Utc::now())),
        ..super::serve::server_config(&args.data)
    };
    if args.team && config.agents.is_none() {
        config.agents = Some(server::AgentsConfig {
            count: DEFAULT_TEAM,
            every: Duration::from_secs(args.data.agent_every),
        });
    }
    let handle = server::spawn_on_own_thread(config, "127.0.0.1:0".parse()?).await?;
    let views_file = triage::config::demo_views_path();
    let mut session = Session::demo(
        global,
        &handle.base_url(),
        server::DEMO_KEY,
        views_file.as_deref(),
    )?;
    if let Some(per_page) = args.per_page {
        session.per_page = per_page;
    }
    // The demo signs you in as its first agent, so "Me" and `A` work.
    if session.me.is_none() {
        session.me = handle.with_data(|d| d.users.first().map(|u| u.name.clone()));
    }
    let result = run_ui(session, &args.start).await;
    handle.shutdown().await;
    result
}

/// Colleagues `--team` brings when `--agents` does not say.
const DEFAULT_TEAM: usize = 3;

/// The demo's pace when `--live` is given without `--new-every`.
const DEFAULT_LIVE_EVERY: Duration = Duration::from_secs(20);

/// `--new-every` wins; `--live` alone means [`DEFAULT_LIVE_EVERY`]; neither,
/// a still workspace.
fn live_pace(args: &DemoArgs) -> Option<Duration> {
    match args.data.new_every {
        Some(secs) => Some(Duration::from_secs(secs)),
        None => args.live.then_some(DEFAULT_LIVE_EVERY),
    }
}
