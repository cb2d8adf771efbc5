//! `triage macros` and `triage apply` as scripts run them, against the
//! local server.

use std::process::Output;

use triage::server::{self, ServerConfig, ServerHandle};

use crate::support::cli::{self, AgentHome, run_triage, triage_command};
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
    let base = handle.base_url();
    let all = [args, &["--base-url", &base]].concat();
    run_triage(&all, &AgentHome::new(dir, server::DEMO_KEY).env()).await
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
    let base = handle.base_url();
    let args = ["apply", "Escalate with note", "--filter", "inbox:Sales"];
    let out = run_triage(
        &[&args[..], &["--base-url", &base, "--format", "json"]].concat(),
        &AgentHome::new(&dir, server::DEMO_READONLY_KEY).env(),
    )
    .await;
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

const NOTE_ONLY: &str = r#"
[[macros]]
name = "Just a note"
actions = 'note:"Seen by the script"'
"#;

/// A note-only macro with a read-only key sent every POST (21 refused):
/// the first refusal stops the run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_a_note_only_macro_with_a_read_only_key_stops_at_the_first_refusal() {
    let handle = server().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), NOTE_ONLY).unwrap();
    let targets = in_inbox(&handle, "Sales");
    assert!(targets.len() > 4, "more tickets than in flight at once");
    let base = handle.base_url();
    let args = ["apply", "Just a note", "--filter", "inbox:Sales"];
    let out = run_triage(
        &[&args[..], &["--base-url", &base, "--format", "json"]].concat(),
        &AgentHome::new(&dir, server::DEMO_READONLY_KEY).env(),
    )
    .await;
    assert!(!out.status.success());
    assert_eq!(handle.requests_to("POST /tickets/{id}/messages"), 1);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["outcome"], "failed");
    assert!(
        rows[1..].iter().all(|r| r["outcome"] == "skipped"),
        "{rows:?}"
    );
    assert!(
        text(&out.stderr).contains(&format!(
            "{} of {} tickets did not get the whole macro",
            targets.len(),
            targets.len()
        )),
        "{}",
        text(&out.stderr)
    );
}

/// `sort:created`, `order:asc` or a view with `filter = ""` ran over all
/// 500 tickets: a filter that narrows nothing needs --all-tickets, and the
/// refusal says how many tickets it would have been.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_refuses_a_filter_that_narrows_nothing_unless_all_tickets() {
    let handle = server().await;
    let dir = tempfile::tempdir().unwrap();
    let config = format!("{NOTE_ONLY}\n[[views]]\nname = \"Everything\"\nfilter = \"\"\n");
    std::fs::write(dir.path().join("config.toml"), config).unwrap();
    for args in [
        &["apply", "Just a note", "--filter", "sort:created"][..],
        &["apply", "Just a note", "--filter", "order:asc"],
        &["apply", "Just a note", "--view", "Everything"],
    ] {
        let out = triage(&handle, dir.path(), args).await;
        assert!(!out.status.success(), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains("narrows nothing: it would run over all 60 tickets"),
            "{args:?}: {err}"
        );
        assert!(err.contains("--all-tickets"), "{err}");
    }
    assert_eq!(handle.requests_to("POST /tickets/{id}/messages"), 0);

    let out = triage(
        &handle,
        dir.path(),
        &[
            "apply",
            "Just a note",
            "--filter",
            "sort:created",
            "--all-tickets",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(handle.requests_to("POST /tickets/{id}/messages"), 60);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_refuses_more_tickets_than_its_limit() {
    let handle = server().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), NOTE_ONLY).unwrap();
    let out = triage(
        &handle,
        dir.path(),
        &[
            "apply",
            "Just a note",
            "--all-tickets",
            "--filter",
            "sort:created",
            "--limit",
            "25",
        ],
    )
    .await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("the filter matches 60 tickets, more than --limit 25"),
        "{err}"
    );
    assert_eq!(handle.requests_to("POST /tickets/{id}/messages"), 0);
}

/// A server reporting `total: 10^12` with a fresh id on every page was
/// read for ever (726 pages in 30 s). Such a server is not the local one:
/// wiremock plays it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_stops_collecting_from_a_server_that_never_runs_out() {
    use std::sync::atomic::{AtomicU64, Ordering};
    use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate, matchers};

    struct Endless(AtomicU64, bool);
    impl Respond for Endless {
        fn respond(&self, req: &Request) -> ResponseTemplate {
            let n = self.0.fetch_add(1, Ordering::Relaxed);
            let per_page: u64 = req
                .url
                .query_pairs()
                .find(|(k, _)| k == "per_page")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(100);
            let rows: Vec<serde_json::Value> = (0..per_page)
                .map(|i| {
                    serde_json::json!({
                        "id": uuid::Uuid::from_u128(((n as u128) << 32) + i as u128 + 1),
                        "ticket_number": n * 1000 + i,
                        "subject": "s",
                        "status": "open",
                        "priority": "normal",
                        "status_id": uuid::Uuid::nil(),
                        "priority_id": uuid::Uuid::nil(),
                        "inbox_id": uuid::Uuid::nil(),
                        "created_at": "2026-11-20T12:00:00Z",
                        "updated_at": "2026-11-20T12:00:00Z",
                    })
                })
                .collect();
            // The total is either absurd or a lie that never ends.
            let total = if self.1 { 1_000_000_000_000u64 } else { 150 };
            let page = n + 1;
            let total = total.max(page * per_page + 1);
            ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "data": rows,
                "meta": {"page": page, "per_page": per_page, "total": if self.1 { 1_000_000_000_000u64 } else { total }},
            }))
        }
    }

    for absurd in [true, false] {
        let mock = MockServer::start().await;
        Mock::given(matchers::method("GET"))
            .and(matchers::path("/api/v1/tickets"))
            .respond_with(Endless(AtomicU64::new(0), absurd))
            .mount(&mock)
            .await;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), NOTE_ONLY).unwrap();
        let base = format!("{}/api/v1", mock.uri());
        let args = ["apply", "Just a note", "--filter", "status:open"];
        let out = run_triage(
            &[&args[..], &["--limit", "250", "--base-url", &base]].concat(),
            &AgentHome::new(&dir, server::DEMO_KEY).env(),
        )
        .await;
        let err = text(&out.stderr);
        assert!(!out.status.success(), "{err}");
        assert!(err.contains("--limit 250"), "{err}");
        let pages = mock
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path() == "/api/v1/tickets")
            .count();
        assert!(pages <= 3, "{pages} pages read");
        let posts = mock
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.method == wiremock::http::Method::POST)
            .count();
        assert_eq!(posts, 0);
    }
}

/// Four in flight under a tight rate limit: every 429 holds all of them
/// (the shared gate), each ticket gets its note exactly once, and the
/// report keeps the filter's order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_four_in_flight_waits_out_429s_together_and_keeps_the_order() {
    let handle = helpdesk::spawn(ServerConfig {
        tickets: 40,
        rate_limit: Some(server::RateBudget {
            requests: 15,
            per: std::time::Duration::from_secs(1),
        }),
        ..ServerConfig::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), NOTE_ONLY).unwrap();
    let out = triage(
        &handle,
        dir.path(),
        &[
            "apply",
            "Just a note",
            "--all-tickets",
            "--filter",
            "sort:created order:asc",
            "--format",
            "json",
        ],
    )
    .await;
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("rate limited by the server"), "{err}");
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 40);
    let numbers: Vec<i64> = rows.iter().map(|r| r["number"].as_i64().unwrap()).collect();
    let mut by_created: Vec<(chrono::DateTime<chrono::Utc>, i64)> = handle.with_data(|d| {
        d.tickets
            .iter()
            .map(|t| (t.created_at, t.ticket_number))
            .collect()
    });
    by_created.sort();
    assert_eq!(
        numbers,
        by_created.iter().map(|(_, n)| *n).collect::<Vec<_>>()
    );
    assert!(rows.iter().all(|r| r["note"] == "sent"), "{rows:?}");
    handle.with_data(|d| {
        for t in &d.tickets {
            let notes = t
                .messages
                .to_vec()
                .iter()
                .filter(|m| m.body == "Seen by the script")
                .count();
            assert_eq!(notes, 1, "ticket #{} got {notes} notes", t.ticket_number);
        }
    });
}

/// A colleague changes one ticket while `apply` is on its way to it: that
/// ticket is reported as a conflict with what changed, left as the
/// colleague made it, the exit status says so; `--force` overwrites it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_reports_a_colleagues_change_as_a_conflict_and_force_overwrites_it() {
    use std::time::Duration;
    use triage::api::types::{PriorityLevel, StatusCategory};
    use triage::server::RouteFault;

    let handle = server().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "[[macros]]\nname = \"Fire\"\nactions = 'priority:\"On fire\"'\n",
    )
    .unwrap();
    let (first, number, other) = handle.with_data(|d| {
        let mut open: Vec<_> = d
            .tickets
            .iter()
            .filter(|t| d.category_of(t) == StatusCategory::Open)
            .filter(|t| d.level_of(t) != PriorityLevel::Urgent)
            .collect();
        open.sort_by_key(|t| std::cmp::Reverse(t.updated_at));
        let first = open[0];
        let other = d
            .users
            .iter()
            .find(|u| Some(u.id) != first.assignee_id)
            .unwrap()
            .clone();
        (first.id, first.ticket_number, other)
    });
    // The first PATCH (the run does the first ticket alone) waits on the
    // server while the colleague assigns that ticket to someone else.
    handle.inject_route_fault(RouteFault {
        route: "PATCH /tickets/{id}".into(),
        ticket: Some(first),
        delay: Duration::from_secs(3),
        status: None,
        times: 1,
    });
    let run = {
        let dir = dir.path().to_path_buf();
        let base = handle.base_url();
        let filter = "status:open sort:updated order:desc";
        let args = ["apply", "Fire", "--filter", filter, "--base-url", &base];
        // Spawned: it runs while the test changes the ticket under it.
        tokio::spawn(cli::run(triage_command(
            &args,
            &AgentHome::new(&dir, server::DEMO_KEY).env(),
        )))
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while handle.requests_to("PATCH /tickets/{id}") == 0 {
        assert!(tokio::time::Instant::now() < deadline, "no PATCH came");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    handle.with_data_mut(|d| {
        let t = d.tickets.iter_mut().find(|t| t.id == first).unwrap();
        t.assignee_id = Some(other.id);
        t.updated_at = chrono::Utc::now();
    });
    let out = run.await.unwrap();
    let stdout = text(&out.stdout);
    assert!(!out.status.success(), "a conflict is not success");
    let line = stdout
        .lines()
        .find(|l| l.starts_with(&format!("#{number} ")))
        .unwrap_or_else(|| panic!("a line for #{number}:\n{stdout}"));
    assert!(
        line.starts_with(&format!(
            "#{number} conflict: changed by someone else: assignee "
        )) && line.ends_with(&format!("→ {}", other.name)),
        "{line}"
    );
    assert!(
        text(&out.stderr).contains("1 changed by someone else"),
        "{}",
        text(&out.stderr)
    );
    handle.with_data(|d| {
        let t = d.ticket(first).unwrap();
        assert_ne!(d.level_of(t), PriorityLevel::Urgent, "theirs left as it is");
        assert_eq!(t.assignee_id, Some(other.id));
    });

    let out = triage(
        &handle,
        dir.path(),
        &["apply", "Fire", "--filter", "status:open", "--force"],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    handle.with_data(|d| {
        let t = d.ticket(first).unwrap();
        assert_eq!(d.level_of(t), PriorityLevel::Urgent);
        assert_eq!(t.assignee_id, Some(other.id), "their assignee stays");
    });
}
