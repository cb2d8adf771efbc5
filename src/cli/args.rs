//! The command line. The API key is deliberately not a flag: it would land in
//! shell history and `ps` output. It comes from `TRIAGE_API_KEY`, the
//! profile's `api_key_cmd`, or the config file.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCandidates;

use super::shell::{macro_candidates, view_candidates};

#[derive(Debug, Parser)]
#[command(
    name = "triage",
    version = env!("TRIAGE_VERSION"),
    about = "Triage helpdesk ticket queues from the terminal",
    long_about = "Triage helpdesk ticket queues from the terminal.\n\n\
        With no subcommand, opens the interactive queue on the configured workspace.\n\
        Try `triage demo` for the same UI on a local helpdesk with generated data."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub start: StartArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// Config file (else $TRIAGE_CONFIG, else $XDG_CONFIG_HOME/triage/config.toml)
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// The workspace, from [`WorkspaceArgs`] given before or after the
    /// subcommand (see [`Cli::resolved`]).
    #[arg(skip)]
    pub profile: Option<String>,
    #[arg(skip)]
    pub base_url: Option<String>,
}

/// Which workspace to talk to. Only on the commands that talk to one (not
/// `demo` or `serve`, which run their own helpdesk, nor `config path`), so
/// their `--help` offers nothing that would be ignored.
#[derive(Debug, Args, Clone, Default)]
pub struct WorkspaceArgs {
    /// Profile (workspace) from the config file
    #[arg(long, env = "TRIAGE_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// API base URL, e.g. https://acme.example.com/api/v1 (else $TRIAGE_BASE_URL, else the profile)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

impl Cli {
    /// The global arguments with the workspace filled in: the
    /// subcommand's flags win over those given before it.
    pub fn resolved(&self) -> anyhow::Result<GlobalArgs> {
        let sub = match &self.command {
            None => None,
            Some(Command::List(a)) => Some(&a.workspace),
            Some(Command::Views(a)) => Some(&a.workspace),
            Some(Command::Macros(a)) => Some(&a.workspace),
            Some(Command::Replies(a)) => Some(&a.workspace),
            Some(Command::Apply(a)) => Some(&a.workspace),
            Some(Command::Config(ConfigCommand::Check(a))) => Some(&a.workspace),
            Some(Command::Config(ConfigCommand::Path | ConfigCommand::Schema)) => None,
            Some(Command::Completions { .. } | Command::Man) => None,
            Some(Command::Demo(_) | Command::Serve(_)) => {
                // `triage --base-url URL demo`: the flag would be ignored.
                if self.workspace.base_url.is_some() {
                    return Err(super::exit::UsageError(
                        "--base-url does nothing for demo or serve (they run their own local helpdesk); \
                         without a subcommand, triage --base-url URL opens that workspace"
                            .into(),
                    )
                    .into());
                }
                // `triage --profile X demo`: ignored too. TRIAGE_PROFILE
                // fills the same field and is no mistake (it is set for the
                // other commands), so only a value the environment does not
                // hold is certainly the flag.
                let from_env = std::env::var("TRIAGE_PROFILE").ok();
                if self.workspace.profile.is_some() && self.workspace.profile != from_env {
                    return Err(super::exit::UsageError(
                        "--profile does nothing for demo or serve (they run their own local helpdesk); \
                         without a subcommand, triage --profile NAME opens that profile's workspace"
                            .into(),
                    )
                    .into());
                }
                None
            }
        };
        let pick = |f: fn(&WorkspaceArgs) -> &Option<String>| {
            sub.and_then(|w| f(w).clone())
                .or_else(|| f(&self.workspace).clone())
        };
        Ok(GlobalArgs {
            config: self.global.config.clone(),
            profile: pick(|w| &w.profile),
            base_url: pick(|w| &w.base_url),
        })
    }
}

/// What the interactive queue opens on.
#[derive(Debug, Args, Clone, Default)]
pub struct StartArgs {
    /// Open on a saved view of the config file ([[views]])
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(view_candidates))]
    pub view: Option<String>,
    /// Open on a filter in text form (refines --view), e.g. 'status:open priority:urgent'
    #[arg(long, short = 'f', value_name = "EXPR")]
    pub filter: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the interactive UI on a local helpdesk with generated data (no account needed)
    Demo(DemoArgs),
    /// Run the local helpdesk server
    Serve(ServeArgs),
    /// Print tickets matching a filter, for scripts
    List(Box<ListArgs>),
    /// Inspect the configuration
    #[command(subcommand)]
    Config(ConfigCommand),
    /// List the saved views ([[views]]) with their ticket counts
    Views(ViewsArgs),
    /// List the macros ([[macros]]), each checked against the workspace
    Macros(MacrosArgs),
    /// List the canned replies ([[replies]]), each checked (placeholders, names, keys)
    Replies(RepliesArgs),
    /// Run a macro over every ticket of a filter (one PATCH each, plus its note)
    Apply(ApplyArgs),
    /// Print the shell completion script (view and macro names are completed from the config)
    #[command(after_help = "Load it from your shell's startup file, e.g.\n  \
        bash: source <(triage completions bash)\n  \
        zsh:  source <(triage completions zsh)\n  \
        fish: triage completions fish | source")]
    Completions {
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// Print the manual page (roff; `triage man | man -l -`)
    Man,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    /// The macro's name ([[macros]] in the config; `triage macros` lists them)
    #[arg(value_name = "MACRO", add = ArgValueCandidates::new(macro_candidates))]
    pub name: String,
    /// The tickets, in the filter's text form, e.g. 'status:open tag:vip'
    #[arg(long, short = 'f', value_name = "EXPR")]
    pub filter: Option<String>,
    /// Start from a saved view ([[views]]); --filter refines it
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(view_candidates))]
    pub view: Option<String>,
    /// Say which tickets would change and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Tickets per page while collecting them (default 100)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100))]
    pub per_page: Option<u64>,
    /// Run over every ticket: needed when the filter narrows nothing (sort
    /// and order alone do not narrow)
    #[arg(long)]
    pub all_tickets: bool,
    /// Refuse to run when the filter matches more tickets than this
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: u64,
    /// Output format of the per-ticket report
    #[arg(long, value_enum, default_value_t = ViewsFormat::Table)]
    pub format: ViewsFormat,
    /// Overwrite tickets changed by someone else since they were collected
    /// (without it each such ticket is reported as a conflict and left as is)
    #[arg(long)]
    pub force: bool,
    /// Let a macro with reply:"Name" send that canned reply to each
    /// ticket's customer (refused without it)
    #[arg(long)]
    pub send_replies: bool,
}

#[derive(Debug, Args, Clone, Default)]
pub struct RepliesArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = ViewsFormat::Table)]
    pub format: ViewsFormat,
}

#[derive(Debug, Args, Clone, Default)]
pub struct MacrosArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = ViewsFormat::Table)]
    pub format: ViewsFormat,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ViewsArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = ViewsFormat::Table)]
    pub format: ViewsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ViewsFormat {
    #[default]
    Table,
    Json,
}

#[derive(Debug, Args, Clone)]
pub struct DataArgs {
    /// Number of generated tickets
    #[arg(long, default_value_t = 500)]
    pub tickets: usize,
    /// Seed of the generated data
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Added latency per response, in milliseconds
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub latency_ms: u64,
    /// Rate limit per key, as REQUESTS/SECONDS (e.g. 30/60)
    #[arg(long, value_name = "N/SECS", value_parser = parse_rate)]
    pub rate_limit: Option<(u32, u64)>,
    /// Live activity: a new ticket every SECS seconds (1 to 86400, a day),
    /// and a contact's reply on an existing ticket halfway between two
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=triage::server::MAX_NEW_EVERY.as_secs()))]
    pub new_every: Option<u64>,
    /// Simulated colleagues: N other agents who, in turn, change the
    /// status of, take or reply to tickets at the top of the queue
    #[arg(long, value_name = "N")]
    pub agents: Option<usize>,
    /// How often each simulated agent acts, in seconds
    #[arg(long, value_name = "SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub agent_every: u64,
}

#[derive(Debug, Args, Clone)]
pub struct DemoArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub start: StartArgs,
    /// Tickets per page in the UI (1-100)
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub per_page: Option<u64>,
    /// Live activity at the default pace (a new ticket every 20 s); see
    /// --new-every to choose it
    #[arg(long)]
    pub live: bool,
    /// Three simulated colleagues working the same queue (see --agents to
    /// choose how many)
    #[arg(long)]
    pub team: bool,
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Address to listen on (loopback unless you say otherwise)
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub data: DataArgs,
    /// Simulate a workspace without API access (403 forbidden on everything)
    #[arg(long)]
    pub no_api_access: bool,
    /// Answer 404 on the companion endpoints (statuses, users, messages, ...)
    #[arg(long)]
    pub no_companion: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    #[default]
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ListArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    /// Filter in text form, e.g. 'status:open priority:urgent tag:vip "refund"'
    #[arg(long, short = 'f', value_name = "EXPR")]
    pub filter: Option<String>,
    /// Start from a saved view of the config file ([[views]]); other flags refine it
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(view_candidates))]
    pub view: Option<String>,
    /// Status categories, comma-separated (open,in_progress,waiting,resolved,closed)
    #[arg(long)]
    pub status: Option<String>,
    /// Priority (low, normal, high, urgent)
    #[arg(long)]
    pub priority: Option<String>,
    /// Assignee name or UUID, or `none` for unassigned
    #[arg(long)]
    pub assignee: Option<String>,
    /// Inbox name or UUID
    #[arg(long)]
    pub inbox: Option<String>,
    /// Tag name or UUID; repeat for all-of
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Custom field as KEY=VALUE (VALUE `empty` for no value); repeatable
    #[arg(long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
    /// Full-text search (websearch syntax)
    #[arg(long, short = 'q')]
    pub query: Option<String>,
    /// Sort field: created_at, updated_at or priority
    #[arg(long)]
    pub sort: Option<String>,
    /// Sort order: asc or desc
    #[arg(long)]
    pub order: Option<String>,
    /// Page number (1-based)
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub page: u64,
    /// Tickets per page (1-100; default from the profile, else 50)
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub per_page: Option<u64>,
    /// Walk every page (waits out rate limits)
    #[arg(long, conflicts_with = "page")]
    pub all: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// Columns for table and CSV, comma-separated: number, status, priority,
    /// subject, assignee, inbox, requester, created, updated, reminder, age,
    /// tag, field:KEY (tag and field:KEY cost one request per ticket)
    #[arg(long, value_name = "LIST", value_parser = parse_columns)]
    pub columns: Option<ColumnList>,
    /// Leave out the header line of table and CSV
    #[arg(long)]
    pub no_header: bool,
}

/// `--columns`' value: the columns in order.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnList(pub Vec<triage::columns::Column>);

fn parse_columns(s: &str) -> Result<ColumnList, String> {
    triage::columns::Column::parse_list(s).map(ColumnList)
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    /// Also ask the server whether it enforces If-Unmodified-Since (a harmless
    /// probe: an empty change dated 1970 to the first ticket; 412 = enforced)
    #[arg(long)]
    pub online: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the path of the config file in use
    Path,
    /// Check the config file and the active profile
    Check(CheckArgs),
    /// Print a JSON Schema of the config file, for editors that validate TOML against one
    Schema,
}

fn parse_rate(s: &str) -> Result<(u32, u64), String> {
    let (n, secs) = s
        .split_once('/')
        .ok_or_else(|| format!("expected REQUESTS/SECONDS like 30/60, got '{s}'"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("'{n}' is not a number of requests"))?;
    let secs: u64 = secs
        .trim()
        .parse()
        .map_err(|_| format!("'{secs}' is not a number of seconds"))?;
    if n == 0 || secs == 0 {
        return Err("both numbers must be at least 1".into());
    }
    Ok((n, secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn rate_parses() {
        assert_eq!(parse_rate("30/60"), Ok((30, 60)));
        assert!(parse_rate("30").is_err());
        assert!(parse_rate("0/5").is_err());
    }
}
