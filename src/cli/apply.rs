//! `triage apply MACRO --filter EXPR [--dry-run]`: one macro over every
//! ticket of a filter, from scripts. The same macro language, lookups and
//! PATCH as the UI's; the same rate-limit handling as `list --all` (a 429
//! is waited out with a countdown and that request sent again: a 429 means
//! the server did not apply it).
//!
//! Every matching ticket is collected before the first change: the macro
//! may move tickets out of the filter, and walking pages while they move
//! would skip some.

use std::collections::HashSet;
use std::io::Write;

use anyhow::Context;
use serde::Serialize;
use triage::api::types::{NewMessage, Ticket};
use triage::api::{ApiError, load_catalog};
use triage::app::macros::{self, Lookup, me_id, resolve};
use triage::app::triage::Change;
use triage::app::triage::known::Known;
use triage::app::triage::macro_run::to_macro;
use triage::model::MessageKind;
use triage::text::sanitize;
use uuid::Uuid;

use super::args::{ApplyArgs, GlobalArgs, ViewsFormat};
use super::list::fetch;
use super::session::Session;

/// What happened to one ticket.
#[derive(Debug, Serialize)]
struct Done {
    number: i64,
    id: Uuid,
    /// `changed`, `failed`, `skipped`, or `would change` (dry run).
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// `sent`, `failed` or `not sent`, when the macro has a note.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'static str>,
}

pub async fn run(global: &GlobalArgs, args: &ApplyArgs) -> anyhow::Result<()> {
    let session = Session::open(global)?;
    let defs = session.config.macros_for(session.profile.as_deref());
    let Some(def) = defs
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case(args.name.trim()))
    else {
        let known: Vec<&str> = defs.iter().map(|d| d.name.as_str()).collect();
        anyhow::bail!(
            "no macro named '{}' ({})",
            sanitize(&args.name),
            if known.is_empty() {
                "the config has no [[macros]]".to_string()
            } else {
                format!("there are: {}", sanitize(&known.join(", ")))
            }
        );
    };
    if args.filter.as_deref().is_none_or(|f| f.trim().is_empty()) && args.view.is_none() {
        anyhow::bail!(
            "say which tickets: --filter EXPR or --view NAME (apply never runs over every ticket by default)"
        );
    }
    let steps = macros::parse_actions(&def.actions)
        .map_err(|e| broken(&def.name, &e.render(&def.actions)))?;
    let mut catalog = load_catalog(&session.client, &session.aliases).await;
    // As `list --all` does: a 429 on a lookup is waited out, then asked again.
    for _ in 0..5 {
        let wait = catalog
            .failures()
            .filter_map(|(_, e)| match e {
                ApiError::RateLimited { retry_at, .. } => Some(*retry_at),
                _ => None,
            })
            .max();
        let Some(until) = wait else {
            break;
        };
        super::list::countdown(until).await;
        catalog = load_catalog(&session.client, &session.aliases).await;
    }
    let clock = triage::runtime::read_clock();
    let lookup = Lookup {
        catalog: &catalog,
        me: me_id(session.me.as_deref(), &catalog),
        now: clock.local(),
    };
    let plan = resolve(&steps, &def.actions, &lookup).map_err(|e| {
        // "unknown status" is wrong when the statuses never loaded.
        match catalog.failures().next() {
            Some((endpoint, cause)) => {
                anyhow::anyhow!(
                    "cannot check macro '{}': {endpoint} failed: {cause}",
                    sanitize(&def.name)
                )
            }
            None => broken(&def.name, &e.render(&def.actions)),
        }
    })?;
    let m = to_macro(&def.name, plan, &catalog, clock).map_err(|e| broken(&def.name, &e))?;
    let change = Change::Macro(Box::new(m.clone()));

    let (filter, _) = session.initial_filter(args.view.as_deref(), args.filter.as_deref())?;
    let pairs = filter.to_query_pairs(&catalog, clock.wall).map_err(|e| {
        match catalog.unresolved_cause(&e) {
            Some((endpoint, cause)) => {
                anyhow::Error::new(cause.clone()).context(format!("{e}, but {endpoint} failed"))
            }
            None => anyhow::anyhow!("{e}"),
        }
    })?;
    let tickets = collect(&session, &pairs, args.per_page.unwrap_or(100)).await?;
    eprintln!(
        "{}: {} match the filter ({})",
        sanitize(&m.name),
        triage::text::count(tickets.len() as u64, "ticket"),
        change.summary()
    );

    let patch = change.patch();
    let note = m.note.clone().map(|body| NewMessage {
        kind: MessageKind::Note,
        body,
    });
    let mut done: Vec<Done> = Vec::with_capacity(tickets.len());
    // Set once the server refuses writes altogether: the rest is skipped.
    let mut stop: Option<String> = None;
    for t in &tickets {
        let mut row = Done {
            number: t.ticket_number,
            id: t.id,
            outcome: "changed",
            error: None,
            note: None,
        };
        if let Some(why) = &stop {
            row.outcome = "skipped";
            row.error = Some(why.clone());
            done.push(row);
            continue;
        }
        if args.dry_run {
            row.outcome = if !m.parts.is_empty() && change.is_no_op(t, &Known::default()) {
                "already so"
            } else {
                "would change"
            };
            done.push(row);
            continue;
        }
        if !m.parts.is_empty() {
            let client = &session.client;
            if let Err(e) = fetch(true, || client.update_ticket(t.id, &patch)).await {
                row.outcome = "failed";
                row.error = Some(e.to_string());
                stop = stops_everything(&e);
                done.push(row);
                continue;
            }
        }
        if let Some(note) = &note {
            let client = &session.client;
            row.note = Some(
                match fetch(true, || client.post_message(t.id, note)).await {
                    Ok(_) => "sent",
                    Err(e) => {
                        row.error = Some(format!("the note was not sent: {e}"));
                        "failed"
                    }
                },
            );
            if m.parts.is_empty() && row.note == Some("failed") {
                row.outcome = "failed";
            }
        }
        done.push(row);
    }
    report(args.format, &done)?;

    let count = |o: &str| done.iter().filter(|d| d.outcome == o).count();
    let failed = count("failed") + count("skipped");
    let notes_failed = done.iter().filter(|d| d.note == Some("failed")).count();
    if args.dry_run {
        eprintln!(
            "dry run: {} would change, nothing was sent",
            triage::text::count(count("would change") as u64, "ticket")
        );
        return Ok(());
    }
    eprintln!(
        "{}: {} changed{}{}",
        sanitize(&m.name),
        count("changed"),
        if failed > 0 {
            format!(", {failed} failed or skipped")
        } else {
            String::new()
        },
        match (&note, notes_failed) {
            (None, _) => String::new(),
            (Some(_), 0) => format!(
                ", {} sent",
                triage::text::count(
                    done.iter().filter(|d| d.note == Some("sent")).count() as u64,
                    "note"
                )
            ),
            (Some(_), n) => format!(", {} not sent", triage::text::count(n as u64, "note")),
        }
    );
    if failed + notes_failed > 0 {
        anyhow::bail!(
            "{} of {} tickets did not get the whole macro",
            failed.max(notes_failed),
            done.len()
        );
    }
    Ok(())
}

fn broken(name: &str, text: &str) -> anyhow::Error {
    // The actions, the carets under the bad token, the message.
    eprintln!("{}", sanitize_lines(text));
    anyhow::anyhow!("macro '{}' cannot run as written", sanitize(name))
}

fn sanitize_lines(text: &str) -> String {
    text.lines()
        .map(|l| sanitize(l).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A refusal that is the same for every ticket: no point sending the rest.
fn stops_everything(e: &ApiError) -> Option<String> {
    match e {
        ApiError::InsufficientScope { .. } | ApiError::Unauthorized { .. } => {
            Some(format!("not sent: {e}"))
        }
        ApiError::NotSupported { .. } => {
            Some("not sent: the server does not accept these changes".into())
        }
        _ => None,
    }
}

/// Every ticket of the filter, page by page, each once (pages may shift
/// while we read them, as in `list --all`).
async fn collect(
    session: &Session,
    pairs: &[(String, String)],
    per_page: u64,
) -> anyhow::Result<Vec<Ticket>> {
    let client = &session.client;
    let mut tickets: Vec<Ticket> = Vec::new();
    let mut seen: HashSet<Uuid> = HashSet::new();
    let mut page = 1;
    loop {
        let result = fetch(true, || client.list_tickets(pairs, page, per_page))
            .await
            .with_context(|| format!("reading page {page} of the filter"))?;
        if result.skipped > 0 {
            eprintln!(
                "warning: skipped {} malformed tickets on page {page} (not changed)",
                result.skipped
            );
        }
        let done = page >= result.meta.page_count() || result.tickets.is_empty();
        let before = tickets.len();
        tickets.extend(result.tickets.into_iter().filter(|t| seen.insert(t.id)));
        if done {
            break;
        }
        if tickets.len() == before {
            eprintln!("warning: page {page} only repeated tickets already read; stopping");
            break;
        }
        page += 1;
    }
    Ok(tickets)
}

fn report(format: ViewsFormat, done: &[Done]) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        ViewsFormat::Json => {
            serde_json::to_writer_pretty(&mut out, done)?;
            writeln!(out)?;
        }
        ViewsFormat::Table => {
            for d in done {
                let mut line = format!("#{} {}", d.number, d.outcome);
                if let Some(note) = d.note {
                    line.push_str(&format!(" · note {note}"));
                }
                if let Some(e) = &d.error {
                    line.push_str(&format!(": {}", sanitize(e)));
                }
                writeln!(out, "{line}")?;
            }
        }
    }
    out.flush().context("cannot write to stdout")
}
