//! `triage list`, run as a script would run it, against the local server.

use std::process::{Command, Output};

use std::time::Duration;

use triage::server::{self, Dataset, RateBudget, ServerConfig, ServerHandle, ServerTicket};

struct Fixture {
    handle: ServerHandle,
    dir: tempfile::TempDir,
}

impl Fixture {
    async fn start(tickets: usize) -> Fixture {
        Fixture::with_config(ServerConfig {
            tickets,
            ..ServerConfig::default()
        })
        .await
    }

    async fn with_config(config: ServerConfig) -> Fixture {
        let handle = server::spawn(config, "127.0.0.1:0".parse().unwrap())
            .await
            .expect("start the local server");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.toml"),
            "[[views]]\nname = \"Urgent\"\nfilter = \"priority:urgent sort:priority\"\n",
        )
        .unwrap();
        Fixture { handle, dir }
    }

    /// Runs `triage list ARGS` with the demo key and an isolated config.
    async fn list(&self, args: &[&str], key: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_triage"));
        cmd.arg("list")
            .args(["--base-url", &self.handle.base_url()])
            .args(args)
            .env_clear()
            .env("TRIAGE_CONFIG", self.dir.path().join("config.toml"))
            .env("XDG_STATE_HOME", self.dir.path())
            .env("HOME", self.dir.path());
        if let Some(key) = key {
            cmd.env("TRIAGE_API_KEY", key);
        }
        tokio::task::spawn_blocking(move || cmd.output().expect("run triage"))
            .await
            .unwrap()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn category(d: &Dataset, t: &ServerTicket) -> (String, String) {
    let status = d.status(t.status_id).map(|s| s.category.to_string());
    let priority = d.priority(t.priority_id).map(|p| p.level.to_string());
    (status.unwrap_or_default(), priority.unwrap_or_default())
}

fn json_numbers(o: &Output) -> Vec<i64> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON");
    v.as_array()
        .expect("an array")
        .iter()
        .map(|t| t["ticket_number"].as_i64().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filter_flags_and_formats() {
    let fx = Fixture::start(200).await;
    let expected: Vec<i64> = fx.handle.with_data(|d| {
        let mut open_urgent: Vec<_> = d
            .tickets
            .iter()
            .filter(|t| category(d, t) == ("open".into(), "urgent".into()))
            .map(|t| (t.updated_at, t.ticket_number))
            .collect();
        open_urgent.sort_by(|a, b| b.cmp(a));
        open_urgent.into_iter().map(|(_, n)| n).collect()
    });
    assert!(
        !expected.is_empty(),
        "the generated data has open urgent tickets"
    );

    let json = fx
        .list(
            &[
                "--filter",
                "status:open priority:urgent",
                "--per-page",
                "100",
                "--format",
                "json",
            ],
            Some(server::DEMO_KEY),
        )
        .await;
    assert!(json.status.success(), "{}", stderr(&json));
    assert_eq!(json_numbers(&json), expected);

    // The same filter from single-purpose flags.
    let flags = fx
        .list(
            &[
                "--status",
                "open",
                "--priority",
                "urgent",
                "--per-page",
                "100",
                "--format",
                "json",
            ],
            Some(server::DEMO_KEY),
        )
        .await;
    assert_eq!(json_numbers(&flags), expected);

    let table = fx
        .list(
            &["--filter", "status:open priority:urgent"],
            Some(server::DEMO_KEY),
        )
        .await;
    let text = stdout(&table);
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("#"), "{text}");
    assert_eq!(lines.count(), expected.len().min(50), "{text}");
    assert!(text.contains(&format!("#{}", expected[0])));

    let csv = fx
        .list(
            &["--filter", "status:open priority:urgent", "--format", "csv"],
            Some(server::DEMO_KEY),
        )
        .await;
    let csv_text = stdout(&csv);
    assert!(
        csv_text.starts_with("ticket_number,id,status,"),
        "{csv_text}"
    );
    assert_eq!(csv_text.lines().count(), expected.len().min(50) + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_pages_wait_out_a_rate_limit() {
    // Six catalog probes and two pages fit in the budget; the third page is
    // answered 429 and `--all` must wait it out and go on.
    let fx = Fixture::with_config(ServerConfig {
        tickets: 130,
        rate_limit: Some(RateBudget {
            requests: 8,
            per: Duration::from_secs(2),
        }),
        ..ServerConfig::default()
    })
    .await;
    let out = fx
        .list(
            &["--all", "--per-page", "50", "--format", "json"],
            Some(server::DEMO_KEY),
        )
        .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let numbers = json_numbers(&out);
    assert_eq!(numbers.len(), 130, "every ticket, after waiting");
    let mut unique = numbers.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 130, "no ticket twice");
    assert!(stderr(&out).contains("rate limited"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_view_is_refined_by_flags() {
    let fx = Fixture::start(150).await;
    let view = fx
        .list(
            &[
                "--view", "urgent", "--status", "waiting", "--format", "json",
            ],
            Some(server::DEMO_KEY),
        )
        .await;
    assert!(view.status.success(), "{}", stderr(&view));
    let expected = fx.handle.with_data(|d| {
        d.tickets
            .iter()
            .filter(|t| category(d, t) == ("waiting".into(), "urgent".into()))
            .count()
    });
    assert_eq!(json_numbers(&view).len(), expected);

    let missing = fx.list(&["--view", "nope"], Some(server::DEMO_KEY)).await;
    assert!(!missing.status.success());
    assert_eq!(
        stderr(&missing).trim(),
        "triage: no saved view 'nope' (views: Urgent)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_are_one_human_line() {
    let fx = Fixture::start(20).await;
    let cases: Vec<(Vec<&str>, Option<&str>, &str)> = vec![
        (
            vec!["--filter", "priority:urgnt"],
            Some(server::DEMO_KEY),
            "unknown priority 'urgnt'",
        ),
        (vec![], Some("ixk_wrong"), "unauthorized"),
        (vec![], None, "no API key"),
        (
            vec!["--tag", "no-such-tag"],
            Some(server::DEMO_KEY),
            "unknown tag 'no-such-tag'",
        ),
    ];
    for (args, key, wanted) in cases {
        let out = fx.list(&args, key).await;
        let err = stderr(&out);
        assert!(!out.status.success(), "{args:?} should fail");
        assert_eq!(err.lines().count(), 1, "one line for {args:?}: {err}");
        assert!(
            err.starts_with("triage: ") && err.contains(wanted),
            "{args:?}: {err}"
        );
        assert!(
            !err.contains("panicked") && !err.contains("Error {"),
            "{err}"
        );
    }
    let unauthorized = fx.list(&[], Some("ixk_wrong")).await;
    assert!(
        !stderr(&unauthorized).contains("ixk_wrong"),
        "the key is never echoed"
    );
}

#[test]
fn plain_http_to_another_host_is_refused() {
    let out = Command::new(env!("CARGO_BIN_EXE_triage"))
        .args(["list", "--base-url", "http://helpdesk.example.com/api/v1"])
        .env_clear()
        .env("TRIAGE_API_KEY", "ixk_secret_value")
        .env("TRIAGE_CONFIG", "/dev/null")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("refusing to send the API key over plain http"),
        "{err}"
    );
    assert!(!err.contains("ixk_secret_value"));
}
