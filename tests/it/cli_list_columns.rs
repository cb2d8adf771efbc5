//! `triage list --columns …` and `--no-header`, through the binary against
//! the local server: the chosen columns with the server's values, details
//! read only when a column needs them (one request per ticket), no header
//! on request, and mistakes refused as usage errors.

use std::process::Output;

use serde_json::Value;
use triage::server::{self, ServerConfig, ServerHandle};

use crate::support::cli::{AgentHome, run_triage};
use crate::support::server as helpdesk;

async fn start() -> (ServerHandle, tempfile::TempDir) {
    let handle = helpdesk::spawn(ServerConfig {
        tickets: 30,
        ..ServerConfig::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    (handle, dir)
}

async fn list(handle: &ServerHandle, dir: &tempfile::TempDir, args: &[&str]) -> Output {
    let base = handle.base_url();
    let all = [&["list", "--base-url", &base, "--per-page", "8"], args].concat();
    run_triage(&all, &AgentHome::new(dir, server::DEMO_KEY).env()).await
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The same page as JSON: the server's own values to compare with.
async fn as_json(handle: &ServerHandle, dir: &tempfile::TempDir) -> Vec<Value> {
    let out = list(handle, dir, &["--format", "json"]).await;
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_has_the_chosen_columns_in_order_with_the_servers_values() {
    let (handle, dir) = start().await;
    let out = list(
        &handle,
        &dir,
        &[
            "--format",
            "csv",
            "--columns",
            "number,subject,status,priority,created,age",
        ],
    )
    .await;
    assert!(out.status.success(), "{out:?}");
    let rows = csv_rows(&stdout(&out));
    assert_eq!(
        rows[0],
        ["number", "subject", "status", "priority", "created", "age"]
    );
    let tickets = as_json(&handle, &dir).await;
    assert_eq!(rows.len() - 1, tickets.len());
    for (row, t) in rows[1..].iter().zip(&tickets) {
        assert_eq!(row[0], t["ticket_number"].to_string());
        assert_eq!(row[1], t["subject"].as_str().unwrap());
        assert_eq!(row[2], t["status_name"].as_str().unwrap());
        assert_eq!(row[3], t["priority_name"].as_str().unwrap());
        let created = chrono::DateTime::parse_from_rfc3339(&row[4]).unwrap();
        let server: chrono::DateTime<chrono::Utc> =
            t["created_at"].as_str().unwrap().parse().unwrap();
        assert_eq!(created, server);
        assert!(row[5].parse::<u64>().is_ok(), "age in seconds: {}", row[5]);
    }
    assert_eq!(
        handle.requests_to("GET /tickets/{id}"),
        0,
        "no detail needed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tag_and_field_columns_read_each_tickets_detail_once() {
    let (handle, dir) = start().await;
    let out = list(
        &handle,
        &dir,
        &["--format", "csv", "--columns", "number,tag,field:plan"],
    )
    .await;
    assert!(out.status.success(), "{out:?}");
    let rows = csv_rows(&stdout(&out));
    assert_eq!(rows[0], ["number", "tag", "field:plan"]);
    let tickets = &rows[1..];
    assert_eq!(
        handle.requests_to("GET /tickets/{id}"),
        tickets.len() as u64
    );
    let data = handle.data();
    let mut with_plan = 0;
    for row in tickets {
        let number: i64 = row[0].parse().unwrap();
        let ticket = data
            .tickets
            .iter()
            .find(|t| t.ticket_number == number)
            .expect("the ticket is the server's");
        let mut names: Vec<String> = ticket
            .tag_ids
            .iter()
            .map(|id| data.tags.iter().find(|t| t.id == *id).unwrap().name.clone())
            .collect();
        let mut shown: Vec<String> = row[1]
            .split(", ")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        names.sort();
        shown.sort();
        assert_eq!(shown, names, "#{number}");
        if !row[2].is_empty() {
            with_plan += 1;
            assert!(
                row[2].parse::<uuid::Uuid>().is_err(),
                "a label, not an id: {}",
                row[2]
            );
        }
    }
    assert!(with_plan > 0, "some ticket has a plan: {rows:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_header_leaves_only_the_tickets() {
    let (handle, dir) = start().await;
    let n = as_json(&handle, &dir).await.len();
    for args in [
        &["--no-header"][..],
        &["--no-header", "--format", "csv"],
        &["--no-header", "--columns", "number,subject"],
        &[
            "--no-header",
            "--columns",
            "number,subject",
            "--format",
            "csv",
        ],
    ] {
        let out = list(&handle, &dir, args).await;
        assert!(out.status.success(), "{args:?}: {out:?}");
        let text = stdout(&out);
        assert_eq!(text.lines().count(), n, "{args:?}:\n{text}");
        let first = text.lines().next().unwrap();
        assert!(
            first.starts_with('#') || first.as_bytes()[0].is_ascii_digit(),
            "{args:?}: {first}"
        );
    }
    let out = list(&handle, &dir, &["--columns", "number,status"]).await;
    assert!(
        stdout(&out).starts_with("NUMBER  STATUS"),
        "{}",
        stdout(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mistakes_are_usage_errors() {
    let (handle, dir) = start().await;
    let out = list(&handle, &dir, &["--columns", "number,stauts"]).await;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown column 'stauts'") && err.contains("field:KEY"),
        "{err}"
    );
    let out = list(&handle, &dir, &["--columns", "number", "--format", "json"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        handle.request_count(),
        0,
        "nothing sent for a refused command line"
    );
}
