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
        ConfigCommand::Check(_) => {
            let mut report = triage::config::check(
                global.config.as_deref(),
                global.base_url.as_deref(),
                &triage::config::process_env,
            );
            // Key bindings are the UI's to judge: only its keymap knows the actions.
            // So are macros: their syntax and their keys against the keymap
            // (names are the workspace's: `triage macros` checks those).
            if let Ok(config) = triage::config::load(global.config.as_deref()) {
                match triage::app::Keymap::from_config(&config.file.keys) {
                    Err(e) => report.problems.push(format!("[keys]: {e}")),
                    Ok(keymap) => {
                        let (_, problems) =
                            triage::app::macros::load(&config.file.macros, &keymap, &[]);
                        report
                            .problems
                            .extend(problems.into_iter().map(|p| format!("[[macros]] {p}")));
                    }
                }
            }
            print!("{report}");
            if report.is_ok() {
                Ok(())
            } else {
                Err(super::exit::ConfigProblems(format!(
                    "{} problem(s) in the configuration",
                    report.problems.len()
                ))
                .into())
            }
        }
    }
}
