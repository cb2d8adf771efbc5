//! `triage apply MACRO --filter EXPR [--dry-run]`: one macro over every
//! ticket of a filter, from scripts. The same macro language, lookups and
//! PATCH as the UI's; the same rate-limit handling as `list --all` (a 429
//! is waited out with a countdown and that request sent again: a 429 means
//! the server did not apply it).
//!
//! Every matching ticket is collected before the first change: the macro
//! may move tickets out of the filter, and walking pages while they move
//! would skip some. A filter that narrows nothing needs `--all-tickets`;
//! more than `--limit` tickets (10 000) is refused.
//!
//! The first ticket is done alone (a read-only key stops the run there),
//! then four at a time, as the UI's bulk changes; a 429 holds all of them
//! (the client's shared gate), and the report keeps the filter's order.

use std::collections::HashSet;
use std::io::Write;
use std::sync::Mutex;

use anyhow::Context;
use futures::StreamExt;
use serde::Serialize;
use tokio::time::Instant;
use triage::api::types::{NewMessage, Ticket, TicketPatch};
use triage::api::{ApiClient, ApiError, load_catalog};
use triage::app::contacts::Requester;
use triage::app::macros::{self, Lookup, me_id, resolve};
use triage::app::replies;
use triage::app::triage::Change;
use triage::app::triage::known::Known;
use triage::app::triage::macro_run::to_macro;
use triage::model::MessageKind;
use triage::text::{sanitize, template};
use uuid::Uuid;

use super::args::{ApplyArgs, GlobalArgs, ViewsFormat};
use super::exit::{PartialFailure, UsageError};
use super::list::fetch;
use super::session::Session;

/// What happened to one ticket.
#[derive(Debug, Serialize)]
struct Done {
    number: i64,
    id: Uuid,
    /// `changed`, `conflict` (changed by someone else since it was
    /// collected: nothing applied), `failed`, `skipped`, or `would change`
    /// (dry run).
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// `sent`, `failed` or `not sent` (stopped before it), when the macro
    /// has a note.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'static str>,
    /// The same for the macro's canned reply (`--send-replies`).
    #[serde(skip_serializing_if = "Option::is_none")]
    reply: Option<&'static str>,
}

pub async fn run(global: &GlobalArgs, args: &ApplyArgs) -> anyhow::Result<()> {
    let session = Session::open(global)?;
    let defs = session.config.macros_for(session.profile.as_deref());
    let Some(def) = defs
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case(args.name.trim()))
    else {
        let known: Vec<&str> = defs.iter().map(|d| d.name.as_str()).collect();
        return Err(UsageError(format!(
            "no macro named '{}' ({})",
            sanitize(&args.name),
            if known.is_empty() {
                "the config has no [[macros]]".to_string()
            } else {
                format!("there are: {}", sanitize(&known.join(", ")))
            }
        ))
        .into());
    };
    if args.filter.as_deref().is_none_or(|f| f.trim().is_empty()) && args.view.is_none() {
        return Err(UsageError(
            "say which tickets: --filter EXPR or --view NAME (apply never runs over every ticket by default)".into(),
        )
        .into());
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
    let reply_defs = session.config.replies_for(session.profile.as_deref());
    let reply_names: Vec<String> = reply_defs.iter().map(|r| r.name.clone()).collect();
    let lookup = Lookup {
        catalog: &catalog,
        me: me_id(session.me.as_deref(), &catalog),
        now: clock.local(),
        replies: &reply_names,
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
    // A reply reaches customers: a script says so on purpose.
    let reply = match &plan.reply {
        None => None,
        Some(name) if !args.send_replies => {
            return Err(UsageError(format!(
                "macro '{}' sends the reply '{}' to each customer: add --send-replies to send it",
                sanitize(&def.name),
                sanitize(name)
            ))
            .into());
        }
        Some(name) => {
            let def_r = reply_defs.iter().find(|r| &r.name == name);
            def_r
                .map(|r| template::parse(&r.body, template::REPLY))
                .transpose()
                .map_err(|e| {
                    let body = def_r.map(|r| r.body.as_str()).unwrap_or_default();
                    broken(&def.name, &e.report(body).join("\n"))
                })?
        }
    };
    let me = match session.me.as_deref().map(str::trim) {
        Some(me) => match uuid::Uuid::parse_str(me) {
            Ok(id) => catalog.user_name(id).map(|n| sanitize(n).into_owned()),
            Err(_) => Some(sanitize(me).into_owned()),
        },
        None => None,
    };
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
    if !narrows(&pairs) && !args.all_tickets {
        let total = fetch(true, || session.client.list_tickets(&pairs, 1, 1))
            .await
            .context("counting the tickets")?
            .meta
            .total;
        return Err(UsageError(format!(
            "the filter narrows nothing: it would run over all {} (sort and order alone do not narrow); add --all-tickets if that is meant",
            triage::text::count(total, "ticket")
        ))
        .into());
    }
    let tickets = collect(&session, &pairs, args.per_page.unwrap_or(100), args.limit).await?;
    eprintln!(
        "{}: {} match the filter ({})",
        sanitize(&m.name),
        triage::text::count(tickets.len() as u64, "ticket"),
        change.summary()
    );

    let run = Run {
        client: &session.client,
        patch: change.patch(),
        note: m.note.clone().map(|body| NewMessage {
            kind: MessageKind::Note,
            body,
        }),
        reply,
        me,
        contacts: tokio::sync::Mutex::new(std::collections::HashMap::new()),
        patches: !m.parts.is_empty(),
        force: args.force,
        catalog: &catalog,
        stop: Mutex::new(None),
        announced: Mutex::new(None),
    };
    let done: Vec<Done> = if args.dry_run {
        tickets
            .iter()
            .map(|t| Done {
                outcome: if !m.parts.is_empty() && change.is_no_op(t, &Known::default()) {
                    "already so"
                } else {
                    "would change"
                },
                ..Done::new(t)
            })
            .collect()
    } else {
        // The first alone: a refusal that holds for every ticket (a
        // read-only key) stops the run after one request, not four.
        let mut done = Vec::with_capacity(tickets.len());
        if let Some((first, rest)) = tickets.split_first() {
            done.push(run.one(first).await);
            let mut others =
                futures::stream::iter(rest.iter().map(|t| run.one(t))).buffered(IN_FLIGHT);
            while let Some(row) = others.next().await {
                done.push(row);
            }
        }
        done
    };
    report(args.format, &done)?;

    let count = |o: &str| done.iter().filter(|d| d.outcome == o).count();
    if args.dry_run {
        eprintln!(
            "dry run: {} would change, nothing was sent",
            triage::text::count(count("would change") as u64, "ticket")
        );
        return Ok(());
    }
    let failed = count("failed") + count("skipped");
    let conflicts = count("conflict");
    let notes_failed = done.iter().filter(|d| d.note == Some("failed")).count();
    eprintln!(
        "{}: {} changed{}{}",
        sanitize(&m.name),
        count("changed"),
        if failed > 0 {
            format!(", {failed} failed or skipped")
        } else {
            String::new()
        } + &if conflicts > 0 {
            format!(
                ", {conflicts} changed by someone else and left as they are (--force overwrites them)"
            )
        } else {
            String::new()
        },
        match (&run.note, notes_failed) {
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
    let incomplete = incomplete(&done);
    if incomplete > 0 {
        return Err(PartialFailure(format!(
            "{incomplete} of {} tickets did not get the whole macro",
            done.len()
        ))
        .into());
    }
    Ok(())
}

/// Requests in flight at once: as many as the UI's bulk changes use.
const IN_FLIGHT: usize = 4;

impl Done {
    fn new(t: &Ticket) -> Done {
        Done {
            number: t.ticket_number,
            id: t.id,
            outcome: "changed",
            error: None,
            note: None,
            reply: None,
        }
    }
}

/// Tickets that did not get the whole macro: a failed or skipped change, or
/// a change whose note did not go (each ticket counted once).
fn incomplete(done: &[Done]) -> usize {
    done.iter()
        .filter(|d| {
            matches!(d.outcome, "failed" | "skipped" | "conflict")
                || matches!(d.note, Some("failed" | "not sent"))
                || matches!(d.reply, Some("failed" | "not sent"))
        })
        .count()
}

/// Whether the query selects anything short of every ticket: sort and
/// order only arrange them.
fn narrows(pairs: &[(String, String)]) -> bool {
    pairs
        .iter()
        .any(|(k, _)| !matches!(k.as_str(), "sort" | "order"))
}

/// One macro run over many tickets, a few at a time.
struct Run<'a> {
    client: &'a ApiClient,
    patch: TicketPatch,
    note: Option<NewMessage>,
    /// The macro's canned reply (`--send-replies`), filled per ticket.
    reply: Option<template::Template>,
    /// `me` as a name, for `{{me}}`.
    me: Option<String>,
    /// Requesters asked so far (`None`: no answer), one GET per contact.
    /// Held across the request, so tickets of one contact running side by
    /// side still ask once.
    contacts: tokio::sync::Mutex<std::collections::HashMap<Uuid, Option<Requester>>>,
    patches: bool,
    /// `--force`: sent without `If-Unmodified-Since`, overwriting changes
    /// made since the tickets were collected.
    force: bool,
    catalog: &'a triage::api::Catalog,
    /// Set once the server refuses writes altogether: the rest is skipped.
    stop: Mutex<Option<String>>,
    /// The end of the pause last announced on stderr: the client's gate
    /// holds every request back after a 429, and the countdown is printed
    /// once per pause, not once per request waiting.
    announced: Mutex<Option<Instant>>,
}

impl Run<'_> {
    async fn one(&self, t: &Ticket) -> Done {
        let mut row = Done::new(t);
        if let Some(why) = self.stopped() {
            row.outcome = "skipped";
            row.error = Some(why);
            return row;
        }
        // The time the ticket was collected: a change by someone else
        // since is a 412, reported, and never overwritten without --force.
        let since = if self.force { None } else { t.updated_at };
        if self.patches
            && let Err(e) = self
                .send(|| self.client.update_ticket_if(t.id, &self.patch, since))
                .await
        {
            if let ApiError::Conflict { current } = &e {
                let what = triage::app::triage::conflict::words(
                    &triage::app::triage::conflict::differences(
                        Some(self.catalog),
                        t,
                        &current.ticket,
                    ),
                );
                row.outcome = "conflict";
                row.error = Some(format!("changed by someone else: {what}"));
                if self.note.is_some() {
                    row.note = Some("not sent");
                }
                if self.reply.is_some() {
                    row.reply = Some("not sent");
                }
                return row;
            }
            row.outcome = "failed";
            row.error = Some(e.to_string());
            self.stop_if(&e);
            return row;
        }
        if let Some(note) = &self.note {
            if let Some(why) = self.stopped() {
                row.note = Some("not sent");
                if self.reply.is_some() {
                    row.reply = Some("not sent");
                }
                row.error = Some(why);
                return row;
            }
            match self.send(|| self.client.post_message(t.id, note)).await {
                Ok(_) => row.note = Some("sent"),
                Err(e) => {
                    row.note = Some("failed");
                    row.error = Some(format!("the note was not sent: {e}"));
                    self.stop_if(&e);
                    if !self.patches {
                        row.outcome = "failed";
                    }
                }
            }
        }
        self.reply_to(t, &mut row).await;
        row
    }

    /// The macro's reply to `t`'s customer, filled for `t`; not sent after
    /// a failed note or once the run has stopped.
    async fn reply_to(&self, t: &Ticket, row: &mut Done) {
        let Some(template) = &self.reply else {
            return;
        };
        if row.note == Some("failed") || row.outcome == "failed" {
            row.reply = Some("not sent");
            return;
        }
        if let Some(why) = self.stopped() {
            row.reply = Some("not sent");
            row.error = Some(why);
            return;
        }
        let requester = match t.contact_id {
            Some(id) => self.requester(id).await,
            None => None,
        };
        let filled = template.fill(&replies::ticket_values(
            t,
            self.catalog,
            requester.as_ref(),
            self.me.clone(),
        ));
        if !filled.missing.is_empty() {
            // Never sent as `{{…}}` without a person's word: a script has none.
            row.reply = Some("not sent");
            row.error = Some(format!(
                "no value for {}",
                filled
                    .missing
                    .iter()
                    .map(|n| format!("{{{{{n}}}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            return;
        }
        let message = NewMessage {
            kind: MessageKind::Reply,
            body: filled.text,
        };
        match self.send(|| self.client.post_message(t.id, &message)).await {
            Ok(_) => row.reply = Some("sent"),
            Err(e) => {
                row.reply = Some("failed");
                row.error = Some(format!("the reply was not sent: {e}"));
                self.stop_if(&e);
            }
        }
    }

    /// A contact, asked once per run; `None` when it does not answer.
    async fn requester(&self, id: Uuid) -> Option<Requester> {
        let mut known = self.contacts.lock().await;
        if let Some(found) = known.get(&id) {
            return found.clone();
        }
        let found = self
            .send(|| self.client.contact(id))
            .await
            .ok()
            .map(|c| Requester::from_contact(&c));
        known.insert(id, found.clone());
        found
    }

    fn stopped(&self) -> Option<String> {
        self.stop.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn stop_if(&self, e: &ApiError) {
        if let Some(why) = stops_everything(e) {
            self.stop
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_or_insert(why);
        }
    }

    /// Sends one request; a 429 (the server applied nothing) is waited out
    /// with every other request, then sent again.
    async fn send<T, F, Fut>(&self, mut request: F) -> Result<T, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, ApiError>>,
    {
        loop {
            match request().await {
                Err(ApiError::RateLimited { retry_at, .. }) => {
                    let first = {
                        let mut announced =
                            self.announced.lock().unwrap_or_else(|e| e.into_inner());
                        let first = announced.is_none_or(|a| a < retry_at);
                        if first {
                            *announced = Some(retry_at);
                        }
                        first
                    };
                    if first {
                        super::list::countdown(retry_at).await;
                    } else {
                        tokio::time::sleep_until(retry_at).await;
                    }
                }
                other => return other,
            }
        }
    }
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
/// while we read them, as in `list --all`), `limit` at most: a server that
/// reports more, or never runs out of new tickets, is refused rather than
/// read for ever.
async fn collect(
    session: &Session,
    pairs: &[(String, String)],
    per_page: u64,
    limit: u64,
) -> anyhow::Result<Vec<Ticket>> {
    let client = &session.client;
    let mut tickets: Vec<Ticket> = Vec::new();
    let mut seen: HashSet<Uuid> = HashSet::new();
    let mut page = 1;
    loop {
        let result = fetch(true, || client.list_tickets(pairs, page, per_page))
            .await
            .with_context(|| format!("reading page {page} of the filter"))?;
        if result.meta.total > limit {
            anyhow::bail!(
                "the filter matches {}, more than --limit {limit}: narrow it, or raise --limit",
                triage::text::count(result.meta.total, "ticket")
            );
        }
        if result.skipped > 0 {
            eprintln!(
                "warning: skipped {} malformed tickets on page {page} (not changed)",
                result.skipped
            );
        }
        let done = page >= result.meta.page_count() || result.tickets.is_empty();
        let before = tickets.len();
        tickets.extend(result.tickets.into_iter().filter(|t| seen.insert(t.id)));
        if tickets.len() as u64 > limit {
            anyhow::bail!(
                "the server sent more than --limit {limit} tickets for this filter (page {page}); nothing was changed"
            );
        }
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
                if let Some(reply) = d.reply {
                    line.push_str(&format!(" · reply {reply}"));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn done(outcome: &'static str, note: Option<&'static str>) -> Done {
        Done {
            number: 1,
            id: Uuid::nil(),
            outcome,
            error: None,
            note,
            reply: None,
        }
    }

    /// "87 of 101" when 88 did not: a changed ticket whose note failed was
    /// hidden behind the larger of two counts.
    #[test]
    fn every_ticket_short_of_the_whole_macro_is_counted_once() {
        let rows = [
            done("changed", Some("sent")),
            done("changed", Some("failed")),
            done("failed", None),
            done("skipped", Some("not sent")),
            done("failed", Some("failed")),
        ];
        assert_eq!(incomplete(&rows), 4);
    }

    #[test]
    fn sort_and_order_alone_do_not_narrow() {
        let p = |k: &str, v: &str| (k.to_string(), v.to_string());
        assert!(!narrows(&[]));
        assert!(!narrows(&[p("sort", "created_at"), p("order", "asc")]));
        assert!(narrows(&[p("sort", "created_at"), p("status", "open")]));
    }
}
