//! `triage config path` and `triage config check`.

use super::args::{ConfigCommand, GlobalArgs};

pub fn run(global: &GlobalArgs, cmd: &ConfigCommand) -> anyhow::Result<()> {
    match cmd {
        ConfigCommand::Path => {
            let location =
                triage::config::locate(global.config.as_deref(), &triage::config::process_env)
                    .ok_or_else(|| {
                        anyhow::anyhow!("no config directory on this system; pass --config PATH")
                    })?;
            println!("{}", location.path.display());
            Ok(())
        }
        ConfigCommand::Check => {
            let report =
                triage::config::check(global.config.as_deref(), &triage::config::process_env);
            print!("{report}");
            if report.is_ok() {
                Ok(())
            } else {
                anyhow::bail!("{} problem(s) in the configuration", report.problems.len())
            }
        }
    }
}
