//! `triage replies`: the `[[replies]]` of the active profile, each checked
//! as the UI checks it (placeholders known, names and keys unique, keys
//! free), with the placeholders each one fills.

use std::io::Write;

use anyhow::Context;
use serde::Serialize;
use triage::app::Keymap;
use triage::app::{macros, replies};
use triage::text::sanitize;

use super::args::{GlobalArgs, RepliesArgs, ViewsFormat};
use super::entries_table::{self, Entry};
use super::session::Session;

#[derive(Debug, Serialize)]
struct ReplyRow {
    name: String,
    key: Option<String>,
    /// The placeholders the body uses, in order, each once.
    placeholders: Vec<String>,
    body: String,
    /// Why it cannot be used as written: the body's line with carets under
    /// the placeholder, or a key it cannot have.
    error: Option<String>,
}

pub async fn run(global: &GlobalArgs, args: &RepliesArgs) -> anyhow::Result<()> {
    let session = Session::open(global)?;
    let profile = session.profile.as_deref();
    let keymap =
        Keymap::from_config(&session.config.file.keys).context("[keys] in the config file")?;
    let (macro_entries, _) = macros::load(&session.config.macros_for(profile), &keymap, &[]);
    let taken: Vec<_> = (session.config.views_for(profile).into_iter())
        .filter_map(|v| v.key.as_deref())
        .filter_map(|k| triage::app::keymap::Key::parse(k).ok())
        .chain(macro_entries.iter().filter_map(|m| m.key))
        .collect();
    let (entries, problems) = replies::load(&session.config.replies_for(profile), &keymap, &taken);
    let rows: Vec<ReplyRow> = entries
        .iter()
        .map(|entry| {
            let own = format!("reply '{}': ", sanitize(entry.name()));
            let mine: Vec<&str> = problems
                .iter()
                .filter(|p| p.starts_with(&own))
                .map(String::as_str)
                .collect();
            ReplyRow {
                name: entry.name().to_string(),
                key: entry.key.map(|k| k.to_string()),
                placeholders: entry
                    .template
                    .as_ref()
                    .map(|t| t.names().iter().map(|n| format!("{{{{{n}}}}}")).collect())
                    .unwrap_or_default(),
                body: entry.def.body.clone(),
                error: (!mine.is_empty()).then(|| mine.join("\n")),
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
        anyhow::bail!(
            "{broken} of {} replies cannot be used as written",
            rows.len()
        );
    }
    Ok(())
}

fn write_table(out: &mut impl Write, rows: &[ReplyRow]) -> std::io::Result<()> {
    let entries: Vec<Entry> = rows
        .iter()
        .map(|r| Entry {
            name: &r.name,
            key: r.key.as_deref(),
            what: r.body.lines().find(|l| !l.trim().is_empty()).unwrap_or(""),
            notes: (!r.placeholders.is_empty())
                .then(|| format!("fills {}", r.placeholders.join(", ")))
                .into_iter()
                .collect(),
            error: r.error.as_deref(),
        })
        .collect();
    entries_table::write(
        out,
        &entries,
        "FIRST LINE",
        "no replies: add [[replies]] entries to the config file (see config.example.toml)",
    )
}
