//! What a shell expects of a command: `triage completions SHELL`,
//! `triage man`, and the run-time candidates completion offers (view and
//! macro names from the config file).
//!
//! Completion is dynamic (clap_complete's `CompleteEnv`): the script a shell
//! sources calls `triage` back with `_TRIAGE_COMPLETE=SHELL` on every Tab,
//! so names added to the config since the script was sourced are offered
//! too, and the script never goes stale against the binary's flags.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use clap::CommandFactory;
use clap_complete::engine::CompletionCandidate;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};

use super::args::{Cli, CompletionShell};

/// The variable that turns a run of `triage` into a completion request.
pub const COMPLETE_VAR: &str = "_TRIAGE_COMPLETE";

/// Answers a completion request and exits, when the shell made one.
pub fn complete_if_asked() {
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(COMPLETE_VAR)
        .complete();
}

/// `triage completions SHELL`: the script to source.
pub fn completions(shell: CompletionShell, out: &mut dyn Write) -> std::io::Result<()> {
    let completer: &dyn EnvCompleter = match shell {
        CompletionShell::Bash => &Bash,
        CompletionShell::Zsh => &Zsh,
        CompletionShell::Fish => &Fish,
        CompletionShell::Elvish => &Elvish,
        CompletionShell::Powershell => &Powershell,
    };
    // The script calls this very binary back: a path that is right for as
    // long as this build is installed where it is.
    let this = std::env::current_exe()
        .ok()
        .and_then(|p| p.into_os_string().into_string().ok())
        .unwrap_or_else(|| "triage".to_string());
    completer.write_registration(COMPLETE_VAR, "triage", "triage", &this, out)
}

/// `triage man`: the manual page, in roff.
pub fn man(out: &mut dyn Write) -> std::io::Result<()> {
    // The plain package version: the page is checked in (assets/triage.1)
    // and must not change with every commit.
    let cmd = Cli::command().version(env!("CARGO_PKG_VERSION"));
    clap_mangen::Man::new(cmd).render(out)?;
    out.write_all(b".SH \"EXIT STATUS\"\n")?;
    for (code, meaning) in super::exit::EXIT_CODES {
        // A line starting with a dot or quote would be read as a request.
        let meaning = meaning.replace('\\', "\\e").replace('-', "\\-");
        writeln!(out, ".TP\n\\fB{code}\\fR\n\\&{meaning}")?;
    }
    out.write_all(EXTRA_SECTIONS.as_bytes())
}

/// Sections clap does not know about, in roff.
const EXTRA_SECTIONS: &str = r#".SH ENVIRONMENT
.TP
\fBTRIAGE_API_KEY\fR
the API key (there is no flag for it, so it never lands in shell history)
.TP
\fBTRIAGE_BASE_URL\fR, \fBTRIAGE_PROFILE\fR, \fBTRIAGE_CONFIG\fR
the API root, the profile and the config file, when not given as flags
.TP
\fBTRIAGE_LOG\fR
log level of $XDG_STATE_HOME/triage/triage.log (e.g. debug)
.SH FILES
.TP
\fI$XDG_CONFIG_HOME/triage/config.toml\fR
the config file (\fBtriage config path\fR prints the one in use; \fBtriage config schema\fR its JSON Schema)
.TP
\fI$XDG_STATE_HOME/triage/\fR
the log, drafts, the remembered session and page, the demo's views
.SH "SEE ALSO"
The docs/ directory of the source: docs/cli.md, docs/configuration.md, docs/keys.md.
"#;

/// The config file the command line being completed names: its own
/// `--config`, else where `triage` would look.
fn config_being_completed() -> Option<triage::config::LoadedConfig> {
    let args: Vec<OsString> = std::env::args_os().collect();
    let explicit = args.iter().enumerate().find_map(|(i, arg)| {
        let arg = arg.to_str()?;
        if arg == "--config" {
            args.get(i + 1).map(PathBuf::from)
        } else {
            arg.strip_prefix("--config=").map(PathBuf::from)
        }
    });
    triage::config::load(explicit.as_deref()).ok()
}

/// `--view <Tab>`: the saved views, each with its filter as help.
pub fn view_candidates() -> Vec<CompletionCandidate> {
    let Some(config) = config_being_completed() else {
        return Vec::new();
    };
    config
        .file
        .views
        .iter()
        .map(|v| CompletionCandidate::new(&v.name).help(Some(sanitized(&v.filter))))
        .collect()
}

/// `apply <Tab>`: the macros, each with its actions as help.
pub fn macro_candidates() -> Vec<CompletionCandidate> {
    let Some(config) = config_being_completed() else {
        return Vec::new();
    };
    config
        .file
        .macros
        .iter()
        .map(|m| CompletionCandidate::new(&m.name).help(Some(sanitized(&m.actions))))
        .collect()
}

/// Help text a shell prints beside a candidate: one line, no controls.
fn sanitized(text: &str) -> clap::builder::StyledStr {
    triage::text::sanitize(text).into_owned().into()
}
