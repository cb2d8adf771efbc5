//! `triage serve` and the server half of `triage demo`.

use std::time::Duration;

use anyhow::Context;
use triage::server::{self, AgentsConfig, RateBudget, ServerConfig, ServerHandle};

use super::args::{DataArgs, ServeArgs};

pub fn server_config(data: &DataArgs) -> ServerConfig {
    ServerConfig {
        tickets: data.tickets,
        seed: data.seed,
        now: chrono::Utc::now(),
        latency: Duration::from_millis(data.latency_ms),
        rate_limit: data.rate_limit.map(|(requests, secs)| RateBudget {
            requests,
            per: Duration::from_secs(secs),
        }),
        new_every: data.new_every.map(Duration::from_secs),
        agents: data.agents.map(|count| AgentsConfig {
            count,
            every: Duration::from_secs(data.agent_every),
        }),
        ..ServerConfig::default()
    }
}

pub async fn run(args: &ServeArgs) -> anyhow::Result<()> {
    super::logging::init_stderr_logging();
    let config = ServerConfig {
        api_access: !args.no_api_access,
        companion_endpoints: !args.no_companion,
        ..server_config(&args.data)
    };
    let handle = server::spawn(config, args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    print_banner(&handle);
    if !handle.addr().ip().is_loopback() {
        eprintln!(
            "warning: listening on {}, reachable from other machines; the demo keys are public",
            handle.addr()
        );
    }
    wait_for_shutdown_signal().await;
    handle.shutdown().await;
    Ok(())
}

fn print_banner(handle: &ServerHandle) {
    let url = handle.base_url();
    println!("triage local helpdesk listening on {url}");
    println!("  read-write key: {}", server::DEMO_KEY);
    println!("  read-only key:  {}", server::DEMO_READONLY_KEY);
    if let Some(agents) = handle.state().config().agents {
        println!(
            "  {} simulated agents, each acting every {} s on the top of the queue",
            agents.count,
            agents.every.as_secs()
        );
    }
    println!();
    println!("Try it:");
    println!(
        "  TRIAGE_API_KEY={} triage list --base-url {url} --filter 'status:open priority:urgent'",
        server::DEMO_KEY
    );
    println!("Press Ctrl-C to stop.");
}

async fn wait_for_shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).ok();
    let term = async {
        match term.as_mut() {
            Some(s) => {
                s.recv().await;
            }
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}
