//! `triage list`, run as a script would run it, against the local server.

use std::process::Output;

use std::time::Duration;

use triage::server::{self, Dataset, RateBudget, ServerConfig, ServerHandle, ServerTicket};

use crate::support::cli::{Var, run, run_triage, triage_command};
use crate::support::server as helpdesk;

struct Fixture {
    handle: ServerHandle,
    dir: tempfile::TempDir,
    config: std::path::PathBuf,
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
        let handle = helpdesk::spawn(config).await;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.toml"),
            "[[views]]\nname = \"Urgent\"\nfilter = \"priority:urgent sort:priority\"\n",
        )
        .unwrap();
        let config = dir.path().join("config.toml");
        Fixture {
            handle,
            dir,
            config,
        }
    }

    /// Runs `triage list ARGS` with the demo key and an isolated config.
    async fn list(&self, args: &[&str], key: Option<&str>) -> Output {
        let base = self.handle.base_url();
        let all = [&["list", "--base-url", &base], args].concat();
        let mut cmd = triage_command(&all, &self.env());
        if let Some(key) = key {
            cmd.env("TRIAGE_API_KEY", key);
        }
        run(cmd).await
    }

    /// The config file, state and home of this fixture's agent.
    fn env(&self) -> [Var<'_>; 3] {
        [
            ("TRIAGE_CONFIG", &self.config),
            ("XDG_STATE_HOME", &self.dir),
            ("HOME", &self.dir),
        ]
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
    // JSON of a filter without names asks for no catalog: two pages fit in
    // the budget, the third is answered 429 and `--all` must wait it out.
    let fx = Fixture::with_config(ServerConfig {
        tickets: 130,
        rate_limit: Some(RateBudget {
            requests: 2,
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
    // Three pages and the one 429: no catalog probes, no extra requests.
    assert_eq!(fx.handle.request_count(), 4);
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
        (
            vec!["--filter", "created>2026-11-01"],
            Some(server::DEMO_KEY),
            "did you mean created:>2026-11-01?",
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

    // A script reading `--format json` gets nothing rather than a stray `[`.
    for format in ["json", "csv", "table"] {
        let out = fx.list(&["--format", format], Some("ixk_wrong")).await;
        assert!(!out.status.success());
        assert_eq!(stdout(&out), "", "--format {format} on failure");
    }
}

#[test]
fn plain_http_to_another_host_is_refused() {
    let out = triage_command(
        &["list", "--base-url", "http://helpdesk.example.com/api/v1"],
        &[
            ("TRIAGE_API_KEY", &"ixk_secret_value"),
            ("TRIAGE_CONFIG", &"/dev/null"),
        ],
    )
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

/// `triage list | head -1`: the reader leaving early is not an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stdout_ends_quietly() {
    let fx = Fixture::start(150).await;
    for format in ["table", "csv", "json"] {
        let base = fx.handle.base_url();
        let args = ["list", "--base-url", &base, "--all", "--per-page", "100"];
        let mut cmd = triage_command(&[&args[..], &["--format", format]].concat(), &fx.env());
        cmd.env("TRIAGE_API_KEY", server::DEMO_KEY)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let out = tokio::task::spawn_blocking(move || {
            let mut child = cmd.spawn().expect("run triage");
            // Close the read end before anything is written: every write fails.
            drop(child.stdout.take());
            child.wait_with_output().expect("wait for triage")
        })
        .await
        .unwrap();
        assert_eq!(stderr(&out), "", "--format {format}");
        assert!(out.status.success(), "--format {format}: {:?}", out.status);
    }
}

/// Tags that could not be loaded are not "unknown": the error says the
/// lookup failed and why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_whose_list_failed_to_load_is_not_called_unknown() {
    let fx = Fixture::start(20).await;
    fx.handle.inject_rate_limit(server::RateLimitFault {
        retry_after: Some(30),
        retry_after_header: None,
        times: 6,
    });
    let out = fx.list(&["--tag", "billing"], Some(server::DEMO_KEY)).await;
    let err = stderr(&out);
    assert!(!out.status.success());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("GET /tags failed: rate limited"), "{err}");
}

/// A server (or a proxy in front of it) that ignores `page` answers page 1
/// forever: `--all` prints each ticket once and stops, instead of walking
/// `meta.total` worth of copies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_stops_when_pages_only_repeat() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let mock = MockServer::start().await;
    let ticket = |n: u128| {
        serde_json::json!({
            "id": uuid::Uuid::from_u128(n).to_string(),
            "ticket_number": n,
            "subject": format!("Same ticket {n}"),
            "status": "open",
            "priority": "normal",
            "created_at": "2026-11-01T10:00:00Z",
            "updated_at": "2026-11-02T10:00:00Z"
        })
    };
    Mock::given(method("GET"))
        .and(path("/api/v1/tickets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [ticket(1), ticket(2)],
            "meta": {"page": 1, "per_page": 2, "total": 1000}
        })))
        .mount(&mock)
        .await;
    let dir = tempfile::tempdir().unwrap();
    for format in ["json", "csv"] {
        let base = format!("{}/api/v1", mock.uri());
        let args = ["list", "--base-url", &base, "--all", "--per-page", "2"];
        let out = run_triage(
            &[&args[..], &["--format", format]].concat(),
            &[
                ("XDG_CONFIG_HOME", &dir.path()),
                ("XDG_STATE_HOME", &dir.path()),
                ("HOME", &dir.path()),
                ("TRIAGE_API_KEY", &server::DEMO_KEY),
            ],
        )
        .await;
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        let rows = if format == "json" {
            json_numbers(&out).len()
        } else {
            text.lines().count() - 1
        };
        assert_eq!(rows, 2, "--format {format}: {text}");
        assert!(stderr(&out).contains("only repeated"), "{}", stderr(&out));
    }
    let gets = mock
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/api/v1/tickets")
        .count();
    assert_eq!(gets, 4, "two pages per format, not 500");
}

/// A stand-in proxy: records whatever reaches it, then hangs up (so a client
/// that does go through it fails fast instead of waiting for an answer).
fn recording_proxy() -> (
    std::net::SocketAddr,
    std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
) {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = received.clone();
    std::thread::spawn(move || {
        for mut socket in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            // One read is the request head; the connection is then dropped.
            if let Ok(n) = socket.read(&mut buf) {
                log.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        }
    });
    (addr, received)
}

/// With `HTTP_PROXY` (or `ALL_PROXY`) set, a loopback base URL is still
/// reached directly: through a proxy, a plain-http request would hand it the
/// `Authorization: Bearer` header in clear text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loopback_base_url_never_goes_through_a_proxy() {
    let fx = Fixture::start(20).await;
    let (proxy, received) = recording_proxy();
    let proxy_url = format!("http://{proxy}");
    let port = fx.handle.addr().port();
    for base in [
        fx.handle.base_url(),
        format!("http://localhost:{port}/api/v1"),
    ] {
        let before = fx.handle.request_count();
        let mut cmd = triage_command(
            &["list", "--base-url", &base, "--format", "json"],
            &fx.env(),
        );
        cmd.env("TRIAGE_API_KEY", server::DEMO_KEY);
        for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
            cmd.env(var, &proxy_url);
        }
        let out = run(cmd).await;
        let seen = String::from_utf8_lossy(&received.lock().unwrap()).into_owned();
        assert_eq!(seen, "", "the proxy was sent a request for {base}");
        assert!(out.status.success(), "{base}: {}", stderr(&out));
        assert_eq!(json_numbers(&out).len(), 20, "{base}");
        assert!(
            fx.handle.request_count() > before,
            "{base}: the server was asked"
        );
    }
}

/// An https base URL does use `HTTPS_PROXY` (corporate networks need it),
/// as a CONNECT tunnel: the proxy learns the host, never the key, and a
/// refused tunnel is one line without the key either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_base_url_tunnels_through_the_proxy_without_the_key() {
    let (proxy, received) = recording_proxy();
    let dir = tempfile::tempdir().unwrap();
    let out = run_triage(
        &["list", "--base-url", "https://helpdesk.example.test/api/v1"],
        &[
            ("XDG_CONFIG_HOME", &dir.path()),
            ("XDG_STATE_HOME", &dir.path()),
            ("HOME", &dir.path()),
            ("TRIAGE_API_KEY", &"ixk_proxy_probe_secret"),
            ("HTTPS_PROXY", &format!("http://{proxy}")),
        ],
    )
    .await;
    let seen = String::from_utf8_lossy(&received.lock().unwrap()).into_owned();
    assert!(
        seen.starts_with("CONNECT helpdesk.example.test:443 HTTP/1.1\r\n"),
        "{seen}"
    );
    assert!(!seen.contains("ixk_proxy_probe"), "{seen}");
    assert!(!seen.to_lowercase().contains("authorization"), "{seen}");
    let err = stderr(&out);
    assert!(!out.status.success());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("network error"), "{err}");
    assert!(!err.contains("ixk_proxy_probe"), "{err}");
}

/// `--format json` keeps a subject's value exactly, but writes terminal
/// controls and invisible format characters as `\uXXXX` escapes, so
/// `triage list --format json` on a terminal cannot be steered by them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_output_escapes_terminal_controls() {
    let fx = Fixture::start(5).await;
    let hostile = "CSI\u{9b}31m DEL\u{7f} RLO\u{202e}txt.exe LRI\u{2066}x\u{2069} \
                   LRM\u{200e}RLM\u{200f}ALM\u{61c} ZW\u{200b}\u{200d}\u{2060}BOM\u{feff} \
                   SHY\u{ad} LS\u{2028}PS\u{2029} ESC\u{1b}]0;pwned\u{7} 返金 — ok";
    let id = fx.handle.with_data(|d| d.tickets[0].id);
    fx.handle
        .with_data_mut(|d| d.tickets[0].subject = hostile.to_string());
    let out = fx.list(&["--format", "json"], Some(server::DEMO_KEY)).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let unsafe_chars: Vec<char> = text
        .chars()
        .filter(|c| {
            matches!(c, '\u{0}'..='\u{9}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}')
                || matches!(
                    c,
                    '\u{61c}' | '\u{feff}' | '\u{ad}' | '\u{2028}' | '\u{2029}'
                )
        })
        .collect();
    assert!(unsafe_chars.is_empty(), "raw {unsafe_chars:?} in {text}");
    for escape in [
        r"\u009b", r"\u007f", r"\u202e", r"\u2066", r"\u00ad", r"\u001b",
    ] {
        assert!(text.contains(escape), "{escape} in {text}");
    }
    assert!(text.contains("返金 — ok"), "printable text stays as it is");
    let tickets: serde_json::Value = serde_json::from_str(&text).expect("stdout is JSON");
    let ticket = tickets
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id.to_string())
        .expect("the ticket is listed");
    assert_eq!(ticket["subject"], hostile, "the same value once parsed");
}
