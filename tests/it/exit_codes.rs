//! Each kind of failure ends the real binary with its own exit code
//! (src/cli/exit.rs, docs/cli.md), so a script can tell "fix the command"
//! from "fix the key" from "try again later".

use std::path::Path;
use std::process::Output;

use triage::server::{self, RateLimitFault, ServerConfig, ServerHandle};

use crate::support::cli::{self, Var, triage_command};
use crate::support::server as helpdesk;

const CONFIG: &str = r#"
[[views]]
name = "Urgent"
filter = "priority:urgent"

[[macros]]
name = "Urgent with note"
actions = 'priority:urgent note:"Looked at by the script"'
"#;

async fn run(dir: &Path, base_url: Option<&str>, key: Option<&str>, args: &[&str]) -> Output {
    let env: [Var; 4] = [
        ("TRIAGE_CONFIG", &dir.join("config.toml")),
        ("XDG_STATE_HOME", &dir),
        ("XDG_CONFIG_HOME", &dir),
        ("HOME", &dir),
    ];
    let mut cmd = triage_command(args, &env);
    if let Some(url) = base_url {
        cmd.args(["--base-url", url]);
    }
    if let Some(key) = key {
        cmd.env("TRIAGE_API_KEY", key);
    }
    cli::run(cmd).await
}

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

async fn start(config: ServerConfig) -> (ServerHandle, tempfile::TempDir) {
    let handle = helpdesk::spawn(config).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), CONFIG).unwrap();
    (handle, dir)
}

fn small() -> ServerConfig {
    ServerConfig {
        tickets: 30,
        ..ServerConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_mistakes_exit_2() {
    let (handle, dir) = start(small()).await;
    let url = handle.base_url();
    let key = Some(server::DEMO_KEY);
    for args in [
        &["list", "--no-such-flag"][..],
        &["list", "--view", "Missing"],
        &["list", "--filter", "priority:urgnt"],
        &["apply", "Nope", "--filter", "status:open"],
        &["apply", "Urgent with note"],
    ] {
        let out = run(dir.path(), Some(&url), key, args).await;
        assert_eq!(code(&out), Some(2), "{args:?}: {}", stderr(&out));
    }
    let out = run(dir.path(), Some(&url), key, &["list"]).await;
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configuration_problems_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), CONFIG).unwrap();
    // No base URL anywhere.
    let out = run(dir.path(), None, Some(server::DEMO_KEY), &["list"]).await;
    assert_eq!(code(&out), Some(3), "{}", stderr(&out));
    // A file that does not parse.
    std::fs::write(dir.path().join("config.toml"), "[[views]\n").unwrap();
    let out = run(
        dir.path(),
        Some("http://127.0.0.1:9/api/v1"),
        Some(server::DEMO_KEY),
        &["list"],
    )
    .await;
    assert_eq!(code(&out), Some(3), "{}", stderr(&out));
    assert_eq!(
        code(&run(dir.path(), None, None, &["config", "check"]).await),
        Some(3)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_key_or_workspace_exits_4() {
    let (handle, dir) = start(small()).await;
    let out = run(
        dir.path(),
        Some(&handle.base_url()),
        Some("ixk_wrong_key_000000"),
        &["list"],
    )
    .await;
    assert_eq!(code(&out), Some(4), "{}", stderr(&out));

    let (handle, dir) = start(ServerConfig {
        api_access: false,
        ..small()
    })
    .await;
    let out = run(
        dir.path(),
        Some(&handle.base_url()),
        Some(server::DEMO_KEY),
        &["list"],
    )
    .await;
    assert_eq!(code(&out), Some(4), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_not_waited_out_exits_5() {
    let (handle, dir) = start(small()).await;
    handle.inject_rate_limit(RateLimitFault {
        retry_after: Some(30),
        retry_after_header: None,
        times: 10,
    });
    let out = run(
        dir.path(),
        Some(&handle.base_url()),
        Some(server::DEMO_KEY),
        &["list"],
    )
    .await;
    assert_eq!(code(&out), Some(5), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_answer_exits_6() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), CONFIG).unwrap();
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/api/v1");
    let out = run(dir.path(), Some(&url), Some(server::DEMO_KEY), &["list"]).await;
    assert_eq!(code(&out), Some(6), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_that_reaches_only_some_tickets_exits_7() {
    // No messages endpoint: every PATCH lands, no note does.
    let (handle, dir) = start(ServerConfig {
        companion_endpoints: false,
        ..small()
    })
    .await;
    let out = run(
        dir.path(),
        Some(&handle.base_url()),
        Some(server::DEMO_KEY),
        &["apply", "Urgent with note", "--filter", "status:open"],
    )
    .await;
    assert_eq!(code(&out), Some(7), "{}", stderr(&out));
    assert!(handle.requests_to("PATCH /tickets/{id}") >= 1);
    assert!(
        stderr(&out).contains("did not get the whole macro"),
        "{}",
        stderr(&out)
    );
}
