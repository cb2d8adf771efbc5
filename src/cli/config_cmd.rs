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
            let mut report = triage::config::check(
                global.config.as_deref(),
                global.base_url.as_deref(),
                &triage::config::process_env,
            );
            // Key bindings are the UI's to judge: only its keymap knows the actions.
            if let Ok(config) = triage::config::load(global.config.as_deref())
                && let Err(e) = triage::app::Keymap::from_config(&config.file.keys)
            {
                report.problems.push(format!("[keys]: {e}"));
            }
            print!("{report}");
            if report.is_ok() {
                Ok(())
            } else {
                anyhow::bail!("{} problem(s) in the configuration", report.problems.len())
            }
        }
    }
}
