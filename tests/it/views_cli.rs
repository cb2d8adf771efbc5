//! `triage views` and `triage list --view` as scripts run them, against the
//! local server.

use std::process::Output;

use triage::server::{self, ServerConfig, ServerHandle};

use crate::support::cli::{AgentHome, run_triage};
use crate::support::server as helpdesk;

const CONFIG: &str = r#"
[[views]]
name = "Urgent"
filter = "priority:urgent"
sort = "created_at"
order = "asc"
per_page = 3

[[views]]
name = "Broken"
filter = "priority:urgnt"

[[views]]
name = "Waiting"
filter = "status:waiting"
key = "W"
"#;

async fn server() -> ServerHandle {
    helpdesk::spawn(ServerConfig {
        tickets: 120,
        ..ServerConfig::default()
    })
    .await
}

async fn triage(handle: &ServerHandle, dir: &std::path::Path, args: &[&str]) -> Output {
    let base = handle.base_url();
    let all = [args, &["--base-url", &base]].concat();
    run_triage(&all, &AgentHome::new(dir, server::DEMO_KEY).env()).await
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The total `triage list` reports in JSON for a filter (one page of 100).
async fn total(handle: &ServerHandle, dir: &std::path::Path, filter: &str) -> usize {
    let out = triage(
        handle,
        dir,
        &["list", "--filter", filter, "--all", "--format", "json"],
    )
    .await;
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    rows.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn views_lists_counts_as_a_table_and_as_json() {
    let handle = server().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), CONFIG).unwrap();
    let urgent = total(&handle, dir.path(), "priority:urgent").await;
    let waiting = total(&handle, dir.path(), "status:waiting").await;

    let out = triage(&handle, dir.path(), &["views"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["KEY", "VIEW", "COUNT", "FILTER"]
    );
    let cells = |l: &str| l.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    assert_eq!(cells(lines[1])[..3], ["1", "Urgent", &urgent.to_string()]);
    assert_eq!(cells(lines[2])[..3], ["2", "Broken", "!"]);
    assert_eq!(cells(lines[3])[..3], ["W", "Waiting", &waiting.to_string()]);
    // The reason for "!" goes to stderr, one line.
    assert_eq!(
        text(&out.stderr).trim(),
        "view 'Broken': priority:urgnt: unknown priority 'urgnt' (low, normal, high, urgent)"
    );

    let out = triage(&handle, dir.path(), &["views", "--format", "json"]).await;
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["name"], "Urgent");
    assert_eq!(rows[0]["count"], urgent as u64);
    assert_eq!(rows[0]["per_page"], 3);
    assert_eq!(rows[1]["count"], serde_json::Value::Null);
    assert!(
        rows[1]["error"]
            .as_str()
            .unwrap()
            .contains("unknown priority")
    );
    assert_eq!(rows[2]["key"], "W");
    assert_eq!(rows[2]["count"], waiting as u64);
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_view_uses_the_views_sort_and_page_size() {
    let handle = server().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), CONFIG).unwrap();
    let out = triage(
        &handle,
        dir.path(),
        &["list", "--view", "urgent", "--format", "json"],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 3, "the view's per_page");
    assert!(rows.iter().all(|r| r["priority"] == "urgent"), "{rows:?}");
    let created: Vec<&str> = rows
        .iter()
        .map(|r| r["created_at"].as_str().unwrap())
        .collect();
    assert!(
        created.windows(2).all(|w| w[0] <= w[1]),
        "the view's sort and order: {created:?}"
    );
    // Exactly what the same filter spelled out gives (oldest urgent first).
    let out = triage(
        &handle,
        dir.path(),
        &[
            "list",
            "--filter",
            "priority:urgent sort:created order:asc",
            "--per-page",
            "3",
            "--format",
            "json",
        ],
    )
    .await;
    let same: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let ids = |rows: &[serde_json::Value]| rows.iter().map(|r| r["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&rows), ids(&same));
    // --per-page still wins over the view's.
    let out = triage(
        &handle,
        dir.path(),
        &[
            "list",
            "--view",
            "Urgent",
            "--per-page",
            "5",
            "--format",
            "json",
        ],
    )
    .await;
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 5);
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn views_without_any_says_how_to_make_one() {
    let handle = server().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "# nothing yet\n").unwrap();
    let out = triage(&handle, dir.path(), &["views"]).await;
    assert!(out.status.success());
    assert!(
        text(&out.stdout)
            .contains("no saved views: add [[views]] to the config file, or press w in the UI")
    );
    handle.shutdown().await;
}
