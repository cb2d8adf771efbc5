//! `triage macros`: the `[[macros]]` of the active profile, each checked
//! against the workspace (names looked up, values typed) exactly as the UI
//! checks it before running it.

use std::io::Write;

use anyhow::Context;
use chrono::Local;
use serde::Serialize;
use triage::api::load_catalog;
use triage::app::Keymap;
use triage::app::macros::{self, Lookup, me_id, resolve};

use super::args::{GlobalArgs, MacrosArgs, ViewsFormat};
use super::entries_table::{self, Entry};
use super::session::Session;

#[derive(Debug, Serialize)]
struct MacroRow {
    name: String,
    key: Option<String>,
    actions: String,
    /// Why it would not run: the actions with carets under the bad token
    /// and the message, or a key it cannot have.
    error: Option<String>,
}

pub async fn run(global: &GlobalArgs, args: &MacrosArgs) -> anyhow::Result<()> {
    let session = Session::open(global)?;
    let defs = session.config.macros_for(session.profile.as_deref());
    let replies: Vec<String> = (session
        .config
        .replies_for(session.profile.as_deref())
        .into_iter())
    .map(|r| r.name)
    .collect();
    let keymap =
        Keymap::from_config(&session.config.file.keys).context("[keys] in the config file")?;
    let (entries, problems) = macros::load(&defs, &keymap, &[]);
    // Names are looked up only when there is something to look up.
    let catalog = if entries.is_empty() {
        None
    } else {
        Some(load_catalog(&session.client, &session.aliases).await)
    };
    let rows: Vec<MacroRow> = entries
        .iter()
        .map(|entry| {
            let key_problem = problems
                .iter()
                .find(|p| p.starts_with(&format!("macro '{}': key", entry.name())))
                .or_else(|| {
                    problems
                        .iter()
                        .find(|p| p.starts_with(&format!("macro '{}': unknown key", entry.name())))
                });
            let error = match (&entry.steps, &catalog) {
                (Err(e), _) => Some(entry.error_text(e)),
                (Ok(steps), Some(catalog)) => {
                    let lookup = Lookup {
                        replies: &replies,
                        catalog,
                        me: me_id(session.me.as_deref(), catalog),
                        now: Local::now(),
                    };
                    resolve(steps, &entry.def.actions, &lookup)
                        .err()
                        .map(|e| entry.error_text(&e))
                }
                (Ok(_), None) => None,
            }
            .or_else(|| key_problem.cloned());
            MacroRow {
                name: entry.name().to_string(),
                key: entry.key.map(|k| k.to_string()),
                actions: entry.def.actions.clone(),
                error,
            }
        })
        .collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        ViewsFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        }
        ViewsFormat::Table => write_table(&mut out, &rows)?,
    }
    out.flush().context("cannot write to stdout")?;
    let broken = rows.iter().filter(|r| r.error.is_some()).count();
    if broken > 0 {
        anyhow::bail!("{broken} of {} macros cannot run as written", rows.len());
    }
    Ok(())
}

fn write_table(out: &mut impl Write, rows: &[MacroRow]) -> std::io::Result<()> {
    let entries: Vec<Entry> = rows
        .iter()
        .map(|r| Entry {
            name: &r.name,
            key: r.key.as_deref(),
            what: &r.actions,
            notes: Vec::new(),
            error: r.error.as_deref(),
        })
        .collect();
    entries_table::write(
        out,
        &entries,
        "ACTIONS",
        "no macros: add [[macros]] entries to the config file (see config.example.toml)",
    )
}
