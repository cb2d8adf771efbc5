//! The one way tests run the real `triage` binary: with a cleared
//! environment, so nothing of the machine's own config, key, state or
//! proxies leaks in, and only the variables the test names. Also included
//! by path from `tests/e2e`, so it reaches nothing outside itself.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// One variable of the environment a test gives the binary. `AsRef<Path>`
/// because it takes the most: paths, temp dirs, and plain text (keys, URLs).
pub type Var<'a> = (&'a str, &'a dyn AsRef<Path>);

/// `triage ARGS` with a cleared environment and `env` set: for a test that
/// wants more than its output (its own stdio, extra variables, a spawn).
pub fn triage_command(args: &[&str], env: &[Var]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_triage"));
    cmd.args(args).env_clear();
    for (name, value) in env {
        cmd.env(name, value.as_ref().as_os_str());
    }
    cmd
}

/// Runs `triage ARGS` to its end, on a blocking thread: the local server
/// the binary talks to runs on the test's own runtime.
pub async fn run_triage(args: &[&str], env: &[Var<'_>]) -> Output {
    run(triage_command(args, env)).await
}

/// Runs a command made by [`triage_command`] to its end (as [`run_triage`]).
pub async fn run(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("run triage"))
        .await
        .expect("join the run")
}

/// An agent whose config file (`config.toml`), state and home are all in
/// one directory, with an API key: the environment most runs want.
pub struct AgentHome {
    config: PathBuf,
    dir: PathBuf,
    key: String,
}

impl AgentHome {
    pub fn new(dir: impl AsRef<Path>, key: &str) -> AgentHome {
        let dir = dir.as_ref().to_path_buf();
        AgentHome {
            config: dir.join("config.toml"),
            dir,
            key: key.to_string(),
        }
    }

    /// `TRIAGE_API_KEY`, `TRIAGE_CONFIG`, `XDG_STATE_HOME` and `HOME`.
    pub fn env(&self) -> [Var<'_>; 4] {
        [
            ("TRIAGE_API_KEY", &self.key),
            ("TRIAGE_CONFIG", &self.config),
            ("XDG_STATE_HOME", &self.dir),
            ("HOME", &self.dir),
        ]
    }
}
