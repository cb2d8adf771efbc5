//! `triage config path`, `triage config check` and `triage config schema`.

use std::io::Write;

use super::args::{ConfigCommand, GlobalArgs};

pub async fn run(global: &GlobalArgs, cmd: &ConfigCommand) -> anyhow::Result<()> {
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
        ConfigCommand::Schema => {
            let mut out = std::io::stdout().lock();
            out.write_all(schema_text().as_bytes())?;
            Ok(())
        }
        ConfigCommand::Check(args) => {
            // `--profile` (or TRIAGE_PROFILE, as clap read it) is the
            // active profile the check holds to a key.
            let env = |name: &str| match name {
                "TRIAGE_PROFILE" => global.profile.clone(),
                _ => triage::config::process_env(name),
            };
            let mut report =
                triage::config::check(global.config.as_deref(), global.base_url.as_deref(), &env);
            // Key bindings are the UI's to judge: only its keymap knows the actions.
            // So are macros: their syntax and their keys against the keymap
            // (names are the workspace's: `triage macros` checks those).
            if let Ok(config) = triage::config::load(global.config.as_deref()) {
                match triage::app::Keymap::from_config(&config.file.keys) {
                    Err(e) => report.problems.push(format!("[keys]: {e}")),
                    Ok(keymap) => {
                        let (macros, problems) =
                            triage::app::macros::load(&config.file.macros, &keymap, &[]);
                        report
                            .problems
                            .extend(problems.into_iter().map(|p| format!("[[macros]] {p}")));
                        // Replies' keys may not be the views' or macros' either.
                        let taken: Vec<_> = (config.file.views.iter())
                            .filter_map(|v| v.key.as_deref())
                            .filter_map(|k| triage::app::keymap::Key::parse(k).ok())
                            .chain(macros.iter().filter_map(|m| m.key))
                            .collect();
                        let (replies, problems) =
                            triage::app::replies::load(&config.file.replies, &keymap, &taken);
                        report
                            .problems
                            .extend(problems.into_iter().map(|p| format!("[[replies]] {p}")));
                        // Commands' keys may not be any of those either.
                        let taken: Vec<_> = (taken.into_iter())
                            .chain(replies.iter().filter_map(|r| r.key))
                            .collect();
                        let (_, problems) =
                            triage::app::commands::load(&config.file.commands, &keymap, &taken);
                        report
                            .problems
                            .extend(problems.into_iter().map(|p| format!("[[commands]] {p}")));
                        // Said, so a clean check is not read as "the names exist".
                        if !config.file.macros.is_empty() {
                            report.notes.push(format!(
                                "{} macro(s): syntax and keys checked; the names they use are the workspace's: `triage macros` checks those",
                                config.file.macros.len()
                            ));
                        }
                    }
                }
            }
            if args.online {
                online(global, &mut report).await;
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

/// `--online`: what only the server can say, as notes (whether it enforces
/// `If-Unmodified-Since`); a profile that cannot connect is a problem.
async fn online(global: &GlobalArgs, report: &mut triage::config::CheckReport) {
    match super::session::Session::open(global) {
        Ok(session) => {
            let found = triage::api::precondition::probe(&session.client).await;
            report.notes.push(found.words());
        }
        Err(e) => report.problems.push(format!(
            "--online: cannot reach the workspace: {}",
            triage::text::sanitize(&format!("{e:#}"))
        )),
    }
}

/// The config file's JSON Schema as `triage config schema` prints it (and
/// assets/config.schema.json holds it).
pub fn schema_text() -> String {
    let actions: Vec<&str> = triage::app::keymap::Action::ALL
        .iter()
        .map(|a| a.name())
        .collect();
    let schema = triage::config::schema(&triage::config::SchemaFacts {
        key_actions: &actions,
        theme_slots: &triage::ui::palette::slot_defaults(),
        command_placeholders: triage::app::commands::COMMAND,
    });
    let mut text = serde_json::to_string_pretty(&schema).expect("a JSON value serializes");
    text.push('\n');
    text
}
