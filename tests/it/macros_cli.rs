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
