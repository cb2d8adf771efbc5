//! `[[replies]]` as scripts see them: `triage replies` (table and JSON)
//! and `triage config check`, which refuse an unknown placeholder with its
//! line, column and carets, and a duplicate name or a key that clashes.

use std::process::Output;

use triage::server::{self, ServerConfig, ServerHandle};

use crate::support::cli::{AgentHome, run_triage};
use crate::support::server as helpdesk;

const CONFIG: &str = r#"
[[views]]
name = "Urgent"
filter = "priority:urgent"
key = "ctrl-o"

[[replies]]
name = "On a view's key"
key = "ctrl-o"
body = "x"

[[macros]]
name = "Escalate"
key = "ctrl-e"
actions = "priority:urgent"

[[replies]]
name = "Thanks"
key = "ctrl-t"
body = """
Hi {{requester_name}},
thanks for writing about {{subject}} (#{{number}}).
{{me}}"""

[[replies]]
name = "Typo"
body = """
Hi {{requester_name}},
see #{{numbr}}."""

[[replies]]
name = "thanks"
body = "again"

[[replies]]
name = "Clash"
key = "ctrl-e"
body = "clash"
"#;

async fn server() -> ServerHandle {
    helpdesk::spawn(ServerConfig {
        tickets: 10,
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_lists_each_with_its_placeholders_and_problems() {
    let handle = server().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), CONFIG).unwrap();

    let out = triage(&handle, dir.path(), &["replies"]).await;
    let table = text(&out.stdout);
    assert!(!out.status.success(), "{table}");
    assert!(
        text(&out.stderr).contains("4 of 5 replies cannot be used as written"),
        "{}",
        text(&out.stderr)
    );
    assert!(table.starts_with("NAME"), "{table}");
    assert!(
        table.contains("Thanks           Ctrl-t  Hi {{requester_name}},"),
        "{table}"
    );
    assert!(
        table.contains("fills {{requester_name}}, {{subject}}, {{number}}, {{me}}"),
        "{table}"
    );
    assert!(
        table.contains("reply 'Typo': body line 2, column 6: unknown placeholder {{numbr}}"),
        "{table}"
    );
    assert!(
        table.contains("        see #{{numbr}}.\n             ^^^^^^^^^"),
        "{table}"
    );
    assert!(
        table.contains("reply 'Clash': key Ctrl-e is already taken"),
        "{table}"
    );
    assert!(
        table.contains("reply 'thanks': the name is given twice"),
        "{table}"
    );
    assert!(
        table.contains("reply 'On a view's key': key Ctrl-o is already taken"),
        "{table}"
    );

    let out = triage(&handle, dir.path(), &["replies", "--format", "json"]).await;
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(rows.as_array().unwrap().len(), 5);
    assert_eq!(rows[1]["name"], "Thanks");
    assert_eq!(rows[1]["key"], "Ctrl-t");
    assert_eq!(rows[1]["error"], serde_json::Value::Null);
    assert_eq!(rows[1]["placeholders"][0], "{{requester_name}}");
    assert!(rows[2]["error"].as_str().unwrap().contains("^^^"));
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_check_refuses_unknown_placeholders_duplicates_and_clashes() {
    let handle = server().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), CONFIG).unwrap();
    let out = triage(&handle, dir.path(), &["config", "check"]).await;
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let report = text(&out.stdout);
    assert!(
        report.contains(
            "problem: [[replies]] reply 'Typo': body line 2, column 6: unknown placeholder {{numbr}}"
        ),
        "{report}"
    );
    assert!(
        report.contains("    see #{{numbr}}.\n         ^^^^^^^^^"),
        "{report}"
    );
    assert!(
        report.contains("problem: [[replies]] reply 'thanks': the name is given twice"),
        "{report}"
    );
    assert!(
        report.contains("problem: [[replies]] reply 'Clash': key Ctrl-e is already taken"),
        "{report}"
    );
    assert!(
        report
            .contains("problem: [[replies]] reply 'On a view's key': key Ctrl-o is already taken"),
        "{report}"
    );
    handle.shutdown().await;
}

#[test]
fn the_example_replies_parse_and_keep_their_keys() {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let config = triage::config::load(Some(&example)).expect("the example loads");
    assert_eq!(config.file.replies.len(), 2);
    let keymap = triage::app::Keymap::default();
    let (macros, _) = triage::app::macros::load(&config.file.macros, &keymap, &[]);
    let taken: Vec<_> = macros.iter().filter_map(|m| m.key).collect();
    let (entries, problems) = triage::app::replies::load(&config.file.replies, &keymap, &taken);
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(entries.iter().all(|e| e.template.is_ok()));
}

const APPLY: &str = r#"
[[replies]]
name = "Ack"
body = "Hi {{requester_name}}, about #{{number}}: on it."

[[macros]]
name = "Ack and raise"
actions = 'priority:urgent reply:"ack"'
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_sends_a_macros_reply_only_with_send_replies_each_filled_in() {
    let handle = server().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), APPLY).unwrap();
    // Every ticket of one inbox written by the same contact.
    let (targets, name) = {
        let mut out = (Vec::new(), String::new());
        handle.with_data_mut(|d| {
            let contact = d.contacts[0].clone();
            let sales = d.inboxes.iter().find(|i| i.name == "Sales").unwrap().id;
            for t in d.tickets.iter_mut().filter(|t| t.inbox_id == sales) {
                t.contact_id = Some(contact.id);
                out.0.push((t.id, t.ticket_number));
            }
            out.1 = contact.name;
        });
        out
    };
    assert!(!targets.is_empty());
    let args = ["apply", "Ack and raise", "--filter", "inbox:Sales"];

    let out = triage(&handle, dir.path(), &args).await;
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = text(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("macro 'Ack and raise' sends the reply 'Ack' to each customer: add --send-replies to send it"),
        "{err}"
    );
    assert_eq!(handle.requests_to("PATCH /tickets/{id}"), 0);
    assert_eq!(handle.requests_to("POST /tickets/{id}/messages"), 0);

    let mut send = args.to_vec();
    send.push("--send-replies");
    let out = triage(&handle, dir.path(), &send).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).lines().all(|l| l.ends_with("reply sent")),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        handle.requests_to("GET /contacts/{id}"),
        1,
        "one GET per contact"
    );
    handle.with_data(|d| {
        for (id, number) in &targets {
            let last = d.ticket(*id).unwrap().messages.to_vec().pop().unwrap();
            assert_eq!(last.body, format!("Hi {name}, about #{number}: on it."));
            assert_eq!(last.author_type, triage::api::types::AuthorType::Agent);
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_sends_no_reply_that_would_still_hold_a_placeholder() {
    let handle = server().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), APPLY).unwrap();
    let numbers: Vec<i64> = {
        let mut out = Vec::new();
        handle.with_data_mut(|d| {
            let sales = d.inboxes.iter().find(|i| i.name == "Sales").unwrap().id;
            for t in d.tickets.iter_mut().filter(|t| t.inbox_id == sales) {
                t.contact_id = None;
                out.push(t.ticket_number);
            }
        });
        out
    };
    let out = triage(
        &handle,
        dir.path(),
        &[
            "apply",
            "Ack and raise",
            "--filter",
            "inbox:Sales",
            "--send-replies",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(7), "{out:?}");
    let report = text(&out.stdout);
    assert_eq!(report.lines().count(), numbers.len(), "{report}");
    assert!(
        report
            .lines()
            .all(|l| l.contains("reply not sent: no value for {{requester_name}}")),
        "{report}"
    );
    assert_eq!(handle.requests_to("POST /tickets/{id}/messages"), 0);
    assert_eq!(
        handle.requests_to("PATCH /tickets/{id}"),
        numbers.len() as u64,
        "the change itself is made"
    );
}
