//! `triage list`: the same filter model, catalog and client the UI uses,
//! printed for scripts.

use std::collections::HashSet;
use std::io::{IsTerminal, Write};

use anyhow::Context;
use chrono::Utc;
use tokio::time::Instant;
use triage::api::types::Ticket;
use triage::api::{ApiError, Catalog, load_catalog};
use triage::filter::{AssigneeFilter, EntityRef, TicketFilter};
use uuid::Uuid;

use std::collections::HashMap;

use futures::StreamExt;
use triage::columns::Column;

use super::args::{GlobalArgs, ListArgs, OutputFormat};
use super::columns_out::{self, Reader, Sources};
use super::exit::UsageError;
use super::output::{Row, write_csv, write_json, write_table};
use super::session::Session;

pub async fn run(global: &GlobalArgs, args: &ListArgs) -> anyhow::Result<()> {
    if args.format == OutputFormat::Json && (args.columns.is_some() || args.no_header) {
        return Err(UsageError(
            "--columns and --no-header are for --format table or csv: JSON has every field and no header".into(),
        )
        .into());
    }
    let session = Session::open(global)?;
    let filter = filter_from_args(&session, args)?;
    let per_page = args
        .per_page
        .unwrap_or_else(|| session.per_page_for(args.view.as_deref()));
    // The catalog costs six requests: JSON output of a filter without names
    // needs none of it, which matters to scripts under a tight rate limit.
    let catalog = if args.format == OutputFormat::Json && !names_to_resolve(&filter) {
        Catalog::from_aliases(session.aliases.clone())
    } else {
        load_catalog(&session.client, &session.aliases).await
    };
    let pairs = filter.to_query_pairs(&catalog, Utc::now()).map_err(|e| {
        // A name the catalog could not load is not an unknown name.
        match catalog.unresolved_cause(&e) {
            Some((endpoint, cause)) => {
                anyhow::Error::new(cause.clone()).context(format!("{e}, but {endpoint} failed"))
            }
            None => anyhow::anyhow!("{e}"),
        }
    })?;
    let client = &session.client;

    match args.format {
        OutputFormat::Json => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            let mut first = true;
            let mut seen_json: HashSet<String> = HashSet::new();
            let mut page = args.page;
            loop {
                let (tickets, meta) = fetch(args.all, || {
                    client.list_tickets_json(&pairs, page, per_page)
                })
                .await?;
                // Opened only once the first page is in: a request that
                // fails leaves stdout empty rather than a stray `[`.
                if page == args.page {
                    out.write_all(b"[")?;
                }
                let mut fresh = 0;
                for t in &tickets {
                    // A row without an id cannot be told apart: keep it.
                    let id = t.get("id").and_then(|v| v.as_str()).map(str::to_string);
                    if id.is_some_and(|id| !seen_json.insert(id)) {
                        continue;
                    }
                    fresh += 1;
                    out.write_all(if first { b"\n  " } else { b",\n  " })?;
                    write_json(&mut out, t)?;
                    first = false;
                }
                if !args.all || page >= meta.page_count() || tickets.is_empty() {
                    break;
                }
                if fresh == 0 {
                    warn_repeated_page(page);
                    break;
                }
                page += 1;
            }
            out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
            out.flush()?;
        }
        OutputFormat::Table | OutputFormat::Csv => {
            let mut tickets: Vec<Ticket> = Vec::new();
            let mut seen: HashSet<Uuid> = HashSet::new();
            let mut page = args.page;
            loop {
                let result =
                    fetch(args.all, || client.list_tickets(&pairs, page, per_page)).await?;
                if result.skipped > 0 {
                    eprintln!(
                        "warning: skipped {} malformed tickets on page {page}",
                        result.skipped
                    );
                }
                let done =
                    !args.all || page >= result.meta.page_count() || result.tickets.is_empty();
                let before = tickets.len();
                tickets.extend(result.tickets.into_iter().filter(|t| seen.insert(t.id)));
                if done {
                    break;
                }
                if tickets.len() == before {
                    warn_repeated_page(page);
                    break;
                }
                page += 1;
            }
            match &args.columns {
                Some(columns) => {
                    print_columns(&session, args, &columns.0, &tickets, &catalog).await?
                }
                None => print_rows(args.format, &tickets, &catalog, !args.no_header)?,
            }
        }
    }
    Ok(())
}

/// `--all` walks pages by number while tickets may move between them (an
/// update re-sorts the list), so a ticket can come twice: it is printed
/// once. A page of nothing but repeats means the server ignores `page`
/// (a proxy dropping the query, say); walking on would never end.
fn warn_repeated_page(page: u64) {
    eprintln!(
        "warning: page {page} only repeated tickets already printed; stopping (does the server ignore `page`?)"
    );
}

/// `--columns`: the chosen columns; tickets' details are read first when a
/// column needs them (tags, custom fields), a few at a time, waiting out
/// rate limits as `--all` does.
async fn print_columns(
    session: &Session,
    args: &ListArgs,
    columns: &[Column],
    tickets: &[Ticket],
    catalog: &Catalog,
) -> anyhow::Result<()> {
    let mut details = HashMap::new();
    if columns.iter().any(Column::needs_detail) {
        let client = &session.client;
        let mut answers = futures::stream::iter(
            tickets
                .iter()
                .map(|t| async move { (t.id, fetch(true, || client.ticket(t.id)).await) }),
        )
        .buffered(4);
        while let Some((id, answer)) = answers.next().await {
            match answer {
                Ok(detail) => {
                    details.insert(id, detail);
                }
                // Deleted since the list was read: its cells stay empty.
                Err(ApiError::NotFound { .. }) => {}
                Err(e) => return Err(anyhow::Error::new(e).context("reading a ticket's detail")),
            }
        }
    }
    let contacts = if columns.contains(&Column::Requester) {
        requesters(&session.client, tickets).await
    } else {
        HashMap::new()
    };
    let sources = Sources {
        catalog,
        details: &details,
        contacts: &contacts,
        now: Utc::now(),
    };
    let reader = if args.format == OutputFormat::Csv {
        Reader::Program
    } else {
        Reader::Person
    };
    let rows: Vec<Vec<String>> = tickets
        .iter()
        .map(|t| columns_out::row(t, columns, &sources, reader))
        .collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.format == OutputFormat::Csv {
        columns_out::write_csv(&mut out, columns, &rows, !args.no_header)?;
    } else {
        let width = stdout
            .is_terminal()
            .then(|| crossterm::terminal::size().ok().map(|(w, _)| w as usize))
            .flatten();
        columns_out::write_table(&mut out, columns, &rows, !args.no_header, width)?;
    }
    out.flush().context("cannot write to stdout")
}

fn print_rows(
    format: OutputFormat,
    tickets: &[Ticket],
    catalog: &Catalog,
    header: bool,
) -> anyhow::Result<()> {
    let rows: Vec<Row> = tickets
        .iter()
        .map(|t| Row::new(t, t.assignee_id.and_then(|id| catalog.user_name(id))))
        .collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if format == OutputFormat::Csv {
        write_csv(&mut out, &rows, tickets, header)?;
    } else {
        let width = if stdout.is_terminal() {
            crossterm::terminal::size().ok().map(|(w, _)| w as usize)
        } else {
            None
        };
        write_table(&mut out, &rows, width, header)?;
    }
    out.flush().context("cannot write to stdout")
}

/// Sends one request; with `wait_out_limits`, a 429 is waited out (with a
/// countdown on stderr) and the request is sent again, as `--all` promises.
/// Requesters' names by contact id, one `GET /contacts/{id}` per contact
/// (not per ticket), a few at a time. Names are decoration: a contact that
/// fails is shown by id, and after a few 404s with none found (a server
/// without the route, as the UI decides) nothing more is asked.
async fn requesters(client: &triage::api::ApiClient, tickets: &[Ticket]) -> HashMap<Uuid, String> {
    let mut ids: Vec<Uuid> = tickets.iter().filter_map(|t| t.contact_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut names = HashMap::new();
    let mut misses = 0;
    let mut answers = futures::stream::iter(
        ids.into_iter()
            .map(|id| async move { (id, fetch(true, || client.contact(id)).await) }),
    )
    .buffered(4);
    while let Some((id, answer)) = answers.next().await {
        match answer {
            Ok(contact) => {
                let r = triage::app::contacts::Requester::from_contact(&contact);
                if let Some(name) = r.display_name() {
                    names.insert(id, name.to_owned());
                }
            }
            Err(ApiError::NotSupported { .. }) if !names.is_empty() => {}
            Err(ApiError::NotSupported { .. }) => {
                misses += 1;
                if misses >= triage::app::contacts::STRIKES {
                    break;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "contacts: left as ids");
                break;
            }
        }
    }
    names
}

pub(super) async fn fetch<T, F, Fut>(wait_out_limits: bool, mut request: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    loop {
        match request().await {
            Err(ApiError::RateLimited { retry_at, .. }) if wait_out_limits => {
                countdown(retry_at).await;
            }
            other => return other,
        }
    }
}

pub(super) async fn countdown(until: Instant) {
    let live = std::io::stderr().is_terminal();
    let mut stderr = std::io::stderr();
    if !live {
        let secs = triage::text::ceil_secs(until.saturating_duration_since(Instant::now()));
        let _ = writeln!(stderr, "rate limited by the server; waiting {secs}s");
        tokio::time::sleep_until(until).await;
        return;
    }
    loop {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        let secs = triage::text::ceil_secs(left);
        let _ = write!(
            stderr,
            "\r\x1b[2Krate limited by the server; continuing in {}",
            triage::text::clock(secs)
        );
        let _ = stderr.flush();
        // Wake on the next whole second of the countdown.
        let step = left - std::time::Duration::from_secs(secs.saturating_sub(1));
        tokio::time::sleep(step.min(left)).await;
    }
    let _ = write!(stderr, "\r\x1b[2K");
    let _ = stderr.flush();
}

/// Whether building the query needs the workspace's names: tags, inboxes or
/// users given by name, or custom fields (typed and labelled by the catalog).
pub(super) fn names_to_resolve(filter: &TicketFilter) -> bool {
    let named = |r: &EntityRef| matches!(r, EntityRef::Name(_));
    matches!(&filter.assignee, Some(AssigneeFilter::User(r)) if named(r))
        || filter.inbox.as_ref().is_some_and(named)
        || filter.tags.iter().any(named)
        || !filter.custom_fields.is_empty()
}

/// The saved view, refined by `--filter`, refined by the single-purpose flags.
fn filter_from_args(session: &Session, args: &ListArgs) -> anyhow::Result<TicketFilter> {
    let (mut filter, _) = session.initial_filter(args.view.as_deref(), args.filter.as_deref())?;
    let mut flags: Vec<(&str, &str)> = Vec::new();
    for (key, value) in [
        ("status", &args.status),
        ("priority", &args.priority),
        ("assignee", &args.assignee),
        ("inbox", &args.inbox),
        ("sort", &args.sort),
        ("order", &args.order),
        ("query", &args.query),
    ] {
        if let Some(v) = value {
            flags.push((key, v));
        }
    }
    flags.extend(args.tags.iter().map(|t| ("tag", t.as_str())));
    flags.extend(args.fields.iter().map(|f| ("field", f.as_str())));
    for (key, value) in flags {
        let part = triage::filter::parse_key_value(key, value)
            .map_err(|e| anyhow::anyhow!("--{key} {value}: {}", e.message))?;
        filter.merge(part);
    }
    Ok(filter)
}
