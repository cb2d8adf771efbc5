//! `triage views`: the saved views of the active profile with their ticket
//! counts (`meta.total` of a one-row page each), as a table or JSON.

use std::io::Write;

use anyhow::Context;
use chrono::Utc;
use serde::Serialize;
use triage::api::{Catalog, load_catalog};
use triage::config::SavedView;
use triage::text::sanitize;
use unicode_width::UnicodeWidthStr;

use super::args::{GlobalArgs, ViewsArgs, ViewsFormat};
use super::list::{fetch, names_to_resolve};
use super::session::Session;

/// One row of the output.
#[derive(Debug, Serialize)]
struct ViewRow {
    name: String,
    /// The key that opens it in the UI: its own, else its position (1-9).
    key: Option<String>,
    filter: String,
    sort: Option<String>,
    order: Option<String>,
    per_page: Option<u32>,
    refresh_secs: Option<u64>,
    count: Option<u64>,
    /// Why there is no count (an invalid filter, a failed request).
    error: Option<String>,
}

pub async fn run(global: &GlobalArgs, args: &ViewsArgs) -> anyhow::Result<()> {
    let session = Session::open(global)?;
    let views: Vec<&SavedView> = session.config.views_for(session.profile.as_deref());
    let filters: Vec<Result<_, String>> = views.iter().map(|v| v.ticket_filter()).collect();
    // The catalog (six requests) only when a view names something.
    let needs_names = filters
        .iter()
        .any(|f| f.as_ref().is_ok_and(names_to_resolve));
    let catalog = if needs_names {
        load_catalog(&session.client, &session.aliases).await
    } else {
        Catalog::from_aliases(session.aliases.clone())
    };
    let mut rows = Vec::with_capacity(views.len());
    for (i, (view, filter)) in views.iter().zip(filters).enumerate() {
        let (count, error) = match filter {
            Err(e) => (None, Some(e)),
            Ok(filter) => match filter.to_query_pairs(&catalog, Utc::now()) {
                Err(e) => (None, Some(e.to_string())),
                // One view failing does not hide the others' counts; a rate
                // limit is waited out, as `list --all` does.
                Ok(pairs) => {
                    match fetch(true, || session.client.list_tickets(&pairs, 1, 1)).await {
                        Ok(page) => (Some(page.meta.total), None),
                        Err(e) => (None, Some(e.to_string())),
                    }
                }
            },
        };
        rows.push(ViewRow {
            name: view.name.clone(),
            // As the UI shows it: a digit another view claims as its own
            // key opens that one, not this.
            key: view.key.clone().or_else(|| {
                let digit = (i + 1).to_string();
                let claimed = views
                    .iter()
                    .any(|v| v.key.as_deref() == Some(digit.as_str()));
                (i < 9 && !claimed).then_some(digit)
            }),
            filter: view.filter.clone(),
            sort: view.sort.clone(),
            order: view.order.clone(),
            per_page: view.per_page,
            refresh_secs: view.refresh_secs,
            count,
            error: error.map(|e| sanitize(&e).into_owned()),
        });
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        ViewsFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &rows)?;
            out.write_all(b"\n")?;
        }
        ViewsFormat::Table => write_table(&mut out, &rows, session.config.path().is_some())?,
    }
    out.flush().context("cannot write to stdout")
}

fn write_table(out: &mut impl Write, rows: &[ViewRow], has_file: bool) -> std::io::Result<()> {
    if rows.is_empty() {
        let hint = if has_file {
            "no saved views: add [[views]] to the config file, or press w in the UI"
        } else {
            "no saved views (and no config file)"
        };
        return writeln!(out, "{hint}");
    }
    let cells: Vec<[String; 4]> = rows
        .iter()
        .map(|r| {
            let mut filter = r.filter.clone();
            for (k, v) in [("sort", &r.sort), ("order", &r.order)] {
                if let Some(v) = v {
                    filter.push_str(&format!(" {k}={v}"));
                }
            }
            [
                sanitize(r.key.as_deref().unwrap_or("")).into_owned(),
                sanitize(&r.name).into_owned(),
                match (&r.count, &r.error) {
                    (Some(n), _) => n.to_string(),
                    (None, Some(_)) => "!".into(),
                    (None, None) => "?".into(),
                },
                sanitize(filter.trim()).into_owned(),
            ]
        })
        .collect();
    let headers = ["KEY", "VIEW", "COUNT", "FILTER"];
    let mut widths = headers.map(UnicodeWidthStr::width);
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.width());
        }
    }
    let line = |cells: [&str; 4]| {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            if i == 3 {
                s.push_str(c);
            } else if i == 2 {
                // Counts line up on the right.
                s.push_str(&" ".repeat(w.saturating_sub(c.width())));
                s.push_str(c);
                s.push_str("  ");
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(w - c.width() + 2));
            }
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{}", line(headers))?;
    for row in &cells {
        writeln!(out, "{}", line([&row[0], &row[1], &row[2], &row[3]]))?;
    }
    // The reasons after the table, where they do not stretch it.
    for r in rows {
        if let Some(e) = &r.error {
            eprintln!("view '{}': {e}", sanitize(&r.name));
        }
    }
    Ok(())
}
