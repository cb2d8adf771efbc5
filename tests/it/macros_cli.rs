//! `triage macros` and `triage apply` as scripts run them, against the
//! local server.

use std::process::{Command, Output};

use triage::server::{self, ServerConfig, ServerHandle};

use crate::support::server as helpdesk;

const CONFIG: &str = r#"

[[macros]]
name = "Escalate"
key = "ctrl-e"
actions = 'status:Triaged priority:"On fire" +tag:vip -tag:billing inbox:Billing'

[[macros]]
name = "Typo"
actions = "inbox:Biling"

[[macros]]
name = "Bad syntax"
actions = "priorty:urgent"

[[macros]]
name = "Elsewhere"
actions = "priority:low"
profile = "other"
"#;

async fn server() -> ServerHandle {
    helpdesk::spawn(ServerConfig {
        tickets: 60,
        ..ServerConfig::default()
    })
    .await
}

async fn triage(handle: &ServerHandle, dir: &std::path::Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_triage"));
    cmd.args(args)
        .args(["--base-url", &handle.base_url()])
        .env_clear()
        .env("TRIAGE_API_KEY", server::DEMO_KEY)
        .env("TRIAGE_CONFIG", dir.join("config.toml"))
        .env("XDG_STATE_HOME", dir)
        .env("HOME", dir);
    tokio::task::spawn_blocking(move || cmd.output().expect("run triage"))
        .await
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn macros_lists_each_checked_against_the_workspace() {
    let handle = server().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), CONFIG).unwrap();

    let out = triage(&handle, dir.path(), &["macros"]).await;
    let table = text(&out.stdout);
    // Two of three cannot run: the exit status says so, for scripts.
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("2 of 3 macros cannot run as written"),
        "{}",
        text(&out.stderr)
    );
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["NAME", "KEY", "ACTIONS"]
    );
    assert!(lines[1].starts_with("Escalate "), "{table}");
    assert!(lines[1].contains("Ctrl-e"), "{table}");
    // The resolved error, with its carets under the misspelt inbox.
    let typo = lines.iter().position(|l| l.starts_with("Typo")).unwrap();
    assert_eq!(lines[typo + 1].trim(), "inbox:Biling");
    assert_eq!(lines[typo + 2], format!("    {}^^^^^^", " ".repeat(6)));
    assert!(
        lines[typo + 3].contains("did you mean 'Billing'?"),
        "{table}"
    );
    assert!(table.contains("unknown action 'priorty'"), "{table}");
    // Another profile's macro is not this workspace's.
    assert!(!table.contains("Elsewhere"), "{table}");

    let out = triage(&handle, dir.path(), &["macros", "--format", "json"]).await;
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["name"], "Escalate");
    assert_eq!(rows[0]["key"], "Ctrl-e");
    assert!(rows[0]["error"].is_null());
    assert!(rows[1]["error"].as_str().unwrap().contains("^^^^^^"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_check_reports_macro_syntax_and_key_clashes() {
    let handle = server().await;
    let dir = tempfile::tempdir().unwrap();
    let config =
        format!("{CONFIG}\n[[macros]]\nname = \"Clash\"\nkey = \"t\"\nactions = \"status:open\"\n");
    std::fs::write(dir.path().join("config.toml"), config).unwrap();
    let out = triage(&handle, dir.path(), &["config", "check"]).await;
    assert!(!out.status.success());
    let report = text(&out.stdout);
    assert!(
        report.contains("[[macros]] macro 'Bad syntax': priorty:urgent: unknown action 'priorty'"),
        "{report}"
    );
    assert!(
        report.contains("[[macros]] macro 'Clash': key t is already taken"),
        "{report}"
    );
    // A misspelt name is the workspace's to judge (`triage macros`), not
    // the file's.
    assert!(!report.contains("Typo"), "{report}");
}

#[test]
fn the_example_macros_parse_and_keep_their_keys() {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let config = triage::config::load(Some(&example)).expect("the example loads");
    assert_eq!(config.file.macros.len(), 2);
    let keymap = triage::app::Keymap::default();
    let (entries, problems) = triage::app::macros::load(&config.file.macros, &keymap, &[]);
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(entries.iter().all(|e| e.steps.is_ok()));
    assert_eq!(
        entries[0].key.map(|k| k.to_string()).as_deref(),
        Some("Ctrl-b")
    );
}

const APPLY: &str = r#"
[[macros]]
name = "Escalate with note"
actions = 'status:Triaged priority:"On fire" +tag:vip -tag:billing inbox:Billing note:"Escalated by script"'

[[macros]]
name = "Typo"
actions = "inbox:Biling"
"#;

/// Tickets of one inbox, by id, as the server holds them.
fn in_inbox(handle: &ServerHandle, inbox: &str) -> Vec<uuid::Uuid> {
    handle.with_data(|d| {
        let id = d.inboxes.iter().find(|i| i.name == inbox).unwrap().id;
        d.tickets
            .iter()
            .filter(|t| t.inbox_id == id)
            .map(|t| t.id)
            .collect()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_runs_a_macro_over_a_filter_one_patch_and_one_note_per_ticket() {
    let handle = server().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), APPLY).unwrap();
    let targets = in_inbox(&handle, "Sales");
    assert!(targets.len() >= 2, "the fixture has Sales tickets");
    let args = ["apply", "Escalate with note", "--filter", "inbox:Sales"];

    // A dry run names them and sends nothing.
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let out = triage(&handle, dir.path(), &dry).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert_eq!(report.lines().count(), targets.len(), "{report}");
    assert!(
        report.lines().all(|l| l.ends_with(" would change")),
        "{report}"
    );
    assert!(text(&out.stderr).contains("nothing was sent"));
    assert_eq!(handle.requests_to("PATCH /tickets/{id}"), 0);
    assert_eq!(handle.requests_to("POST /tickets/{id}/messages"), 0);

    // The real run, through a 429 at the start: waited out, sent again.
    handle.inject_rate_limit(server::RateLimitFault {
        retry_after: Some(1),
        retry_after_header: None,
        times: 1,
    });
    let out = triage(&handle, dir.path(), &args).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("rate limited by the server"), "{err}");
    assert!(
        err.contains(&format!("Escalate with note: {} changed", targets.len())),
        "{err}"
    );
    assert_eq!(
        handle.requests_to("PATCH /tickets/{id}"),
        targets.len() as u64,
        "one PATCH per ticket"
    );
    assert_eq!(
        handle.requests_to("POST /tickets/{id}/messages"),
        targets.len() as u64
    );
    handle.with_data(|d| {
        let named = |names: &[(&str, uuid::Uuid)], n: &str| {
            names.iter().find(|(name, _)| *name == n).unwrap().1
        };
        let statuses: Vec<_> = d.statuses.iter().map(|s| (s.name.as_str(), s.id)).collect();
        let priorities: Vec<_> = d
            .priorities
            .iter()
            .map(|p| (p.name.as_str(), p.id))
            .collect();
        let tags: Vec<_> = d.tags.iter().map(|t| (t.name.as_str(), t.id)).collect();
        let billing = d.inboxes.iter().find(|i| i.name == "Billing").unwrap().id;
        for id in &targets {
            let t = d.tickets.iter().find(|t| t.id == *id).unwrap();
            assert_eq!(t.inbox_id, billing);
            assert_eq!(t.status_id, named(&statuses, "Triaged"));
            assert_eq!(t.priority_id, named(&priorities, "On fire"));
            assert!(t.tag_ids.contains(&named(&tags, "vip")));
            assert!(!t.tag_ids.contains(&named(&tags, "billing")));
            let last = t.messages.to_vec().pop().unwrap();
            assert_eq!(last.body, "Escalated by script");
            assert_eq!(last.author_type, triage::api::types::AuthorType::Note);
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_refuses_mistakes_before_sending_anything() {
    let handle = server().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), APPLY).unwrap();

    let out = triage(
        &handle,
        dir.path(),
        &["apply", "Typo", "--filter", "inbox:Sales"],
    )
    .await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("inbox:Biling\n      ^^^^^^"), "{err}");
    assert!(err.contains("macro 'Typo' cannot run as written"), "{err}");

    let out = triage(&handle, dir.path(), &["apply", "Escalate with note"]).await;
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("--filter EXPR or --view NAME"));

    let out = triage(&handle, dir.path(), &["apply", "Nope", "--filter", "x"]).await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no macro named 'Nope' (there are: Escalate with note, Typo)"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(handle.requests_to("PATCH /tickets/{id}"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_with_a_read_only_key_stops_at_the_first_refusal() {
    let handle = server().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), APPLY).unwrap();
    let targets = in_inbox(&handle, "Sales");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_triage"));
    cmd.args(["apply", "Escalate with note", "--filter", "inbox:Sales"])
        .args(["--base-url", &handle.base_url(), "--format", "json"])
        .env_clear()
        .env("TRIAGE_API_KEY", server::DEMO_READONLY_KEY)
        .env("TRIAGE_CONFIG", dir.path().join("config.toml"))
        .env("XDG_STATE_HOME", dir.path())
        .env("HOME", dir.path());
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert!(!out.status.success());
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), targets.len());
    assert_eq!(rows[0]["outcome"], "failed");
    assert!(
        rows[1..].iter().all(|r| r["outcome"] == "skipped"),
        "{rows:?}"
    );
    assert_eq!(
        handle.requests_to("PATCH /tickets/{id}"),
        1,
        "stopped at once"
    );
    assert_eq!(handle.requests_to("POST /tickets/{id}/messages"), 0);
    assert!(!text(&out.stderr).contains(server::DEMO_READONLY_KEY));
}
