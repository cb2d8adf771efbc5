//! The configuration as the `triage` binary reads it: `config path`,
//! `config check`, and the precedence of flags, environment and file when
//! `triage list` talks to the local server. The library's rules are tested
//! in tests/it/config.rs; these check that the binary wires them up.

use std::path::Path;
use std::process::{Command, Output};

use triage::server::{DEMO_KEY, ServerConfig, ServerHandle};

use crate::support::cli::{Var, run, triage_command};
use crate::support::server as helpdesk;

/// A command with a clean environment whose home and XDG directories are
/// inside `home`, so nothing of the machine's own config leaks in.
fn triage(home: &Path, args: &[&str]) -> Command {
    let env: [Var; 3] = [
        ("HOME", &home),
        ("XDG_CONFIG_HOME", &home.join("xdg-config")),
        ("XDG_STATE_HOME", &home.join("xdg-state")),
    ];
    triage_command(args, &env)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) {}

async fn start() -> ServerHandle {
    helpdesk::spawn(ServerConfig {
        tickets: 30,
        ..ServerConfig::default()
    })
    .await
}

#[tokio::test]
async fn config_path_follows_flag_then_env_then_xdg() {
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    let xdg = h.join("xdg-config/triage/config.toml");
    let from_env = h.join("from-env.toml");
    let from_flag = h.join("from-flag.toml");

    let out = run(triage(h, &["config", "path"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim_end(), xdg.display().to_string());

    let mut cmd = triage(h, &["config", "path"]);
    cmd.env("TRIAGE_CONFIG", &from_env);
    let out = run(cmd).await;
    assert_eq!(text(&out.stdout).trim_end(), from_env.display().to_string());

    let flag = from_flag.display().to_string();
    let mut cmd = triage(h, &["config", "path", "--config", &flag]);
    cmd.env("TRIAGE_CONFIG", &from_env);
    let out = run(cmd).await;
    assert_eq!(text(&out.stdout).trim_end(), flag);
}

#[tokio::test]
async fn config_check_passes_a_sound_file_and_fails_a_leaky_one() {
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    let secret = "ixk_file_key_that_must_not_show";
    let path = h.join("config.toml");
    let path_s = path.display().to_string();
    std::fs::write(
        &path,
        format!(
            "[profiles.main]\nbase_url = \"https://helpdesk.example.com/api/v1\"\napi_key = \"{secret}\"\n"
        ),
    )
    .expect("write config");

    set_mode(&path, 0o600);
    let out = run(triage(h, &["config", "check", "--config", &path_s])).await;
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains("config ok"),
        "{}",
        text(&out.stdout)
    );

    set_mode(&path, 0o644);
    let out = run(triage(h, &["config", "check", "--config", &path_s])).await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        !out.status.success(),
        "a readable key file must fail the check"
    );
    if cfg!(unix) {
        assert!(stdout.contains("chmod 600"), "{stdout}");
    }
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!stdout.contains(secret) && !stderr.contains(secret));

    // Plain http to another host is a problem too, named as such.
    std::fs::write(
        &path,
        "[profiles.main]\nbase_url = \"http://helpdesk.example.com/api/v1\"\napi_key_cmd = \"echo ixk_from_cmd\"\n",
    )
    .expect("write config");
    set_mode(&path, 0o600);
    let out = run(triage(h, &["config", "check", "--config", &path_s])).await;
    assert!(!out.status.success());
    assert!(
        text(&out.stdout).contains("plain http"),
        "{}",
        text(&out.stdout)
    );
    assert!(!text(&out.stdout).contains("ixk_from_cmd"));
}

/// `--base-url` > `TRIAGE_BASE_URL` > the profile; `TRIAGE_API_KEY` >
/// `api_key_cmd` > `api_key`. Each losing source is made unusable, so the
/// list only succeeds when the right one wins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_takes_each_setting_from_the_strongest_source() {
    let server = start().await;
    let good_url = server.base_url();
    let dead_url = "http://127.0.0.1:9/api/v1";
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    let path = h.join("config.toml");
    let path_s = path.display().to_string();
    let write = |base_url: &str, key_cmd: Option<&str>, key: &str| {
        let cmd = key_cmd
            .map(|c| format!("api_key_cmd = \"{c}\"\n"))
            .unwrap_or_default();
        std::fs::write(
            &path,
            format!("[profiles.main]\nbase_url = \"{base_url}\"\n{cmd}api_key = \"{key}\"\n"),
        )
        .expect("write config");
        set_mode(&path, 0o600);
    };
    let list = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["list", "--config", &path_s, "--per-page", "3"];
        args.extend_from_slice(extra);
        let mut cmd = triage(h, &args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        run(cmd)
    };
    let ok = |out: &Output, what: &str| {
        assert!(
            out.status.success(),
            "{what}: {}",
            text(&out.stderr).trim_end()
        );
        assert_eq!(text(&out.stdout).lines().count(), 4, "{what}");
    };

    // Everything from the file.
    write(&good_url, None, DEMO_KEY);
    ok(&list(&[], &[]).await, "profile only");

    // The environment beats the profile's base URL ...
    write(dead_url, None, DEMO_KEY);
    ok(
        &list(&[], &[("TRIAGE_BASE_URL", &good_url)]).await,
        "TRIAGE_BASE_URL over the profile",
    );
    // ... and the flag beats the environment.
    ok(
        &list(
            &["--base-url", &good_url],
            &[("TRIAGE_BASE_URL", "http://example.com/api/v1")],
        )
        .await,
        "--base-url over TRIAGE_BASE_URL",
    );

    // api_key_cmd beats api_key; TRIAGE_API_KEY beats both.
    write(
        &good_url,
        Some(&format!("echo {DEMO_KEY}")),
        "ixk_wrong_file_key",
    );
    ok(&list(&[], &[]).await, "api_key_cmd over api_key");
    write(
        &good_url,
        Some("echo ixk_wrong_cmd_key"),
        "ixk_wrong_file_key",
    );
    ok(
        &list(&[], &[("TRIAGE_API_KEY", DEMO_KEY)]).await,
        "TRIAGE_API_KEY over api_key_cmd",
    );
    let out = list(&[], &[]).await;
    assert!(!out.status.success(), "the wrong command key is used");
    assert!(
        text(&out.stderr).contains("unauthorized"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_in_a_readable_file_is_warned_about_but_used() {
    let server = start().await;
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    let path = h.join("config.toml");
    std::fs::write(
        &path,
        format!(
            "[profiles.main]\nbase_url = \"{}\"\napi_key = \"{DEMO_KEY}\"\n",
            server.base_url()
        ),
    )
    .expect("write config");
    set_mode(&path, 0o644);
    let path_s = path.display().to_string();
    let out = run(triage(h, &["list", "--config", &path_s, "--per-page", "2"])).await;
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    if cfg!(unix) {
        assert!(
            stderr.starts_with("warning: ") && stderr.contains("chmod 600"),
            "{stderr}"
        );
    }
    assert!(!stderr.contains(DEMO_KEY), "{stderr}");
}

#[test]
fn a_key_that_cannot_be_sent_is_named_as_the_key() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = triage(
        home.path(),
        &["list", "--base-url", "https://helpdesk.example.com/api/v1"],
    )
    .env("TRIAGE_API_KEY", "ixk_two\nlines")
    .output()
    .expect("run triage");
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("the API key contains characters"),
        "{stderr}"
    );
    assert!(!stderr.contains("base URL"), "{stderr}");
    assert!(!stderr.contains("ixk_two"), "{stderr}");
}

/// The example's `local` profile is what `triage serve` offers by default:
/// its address and its read-write key (it once said port 8080 and a key the
/// server does not know).
#[test]
fn the_example_local_profile_matches_triage_serve() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let config = triage::config::load(Some(&example)).expect("the example loads");
    let local = &config.file.profiles["local"];
    // The server's key is public: the example prints it from a command.
    assert_eq!(
        local.api_key_cmd.as_deref(),
        Some(format!("echo {DEMO_KEY}").as_str()),
        "the local profile's key"
    );

    let home = tempfile::tempdir().expect("tempdir");
    let help = triage(home.path(), &["serve", "--help"])
        .output()
        .expect("run triage");
    let help = text(&help.stdout);
    // clap wraps help lines; with whitespace folded, `--addr`'s default is
    // the first one after it.
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    let default_addr = help
        .split("--addr <ADDR>")
        .nth(1)
        .and_then(|rest| rest.split("[default: ").nth(1))
        .and_then(|rest| rest.split(']').next())
        .expect("serve --help shows the default address");
    assert_eq!(
        local.base_url.as_deref(),
        Some(format!("http://{default_addr}/api/v1").as_str())
    );
}

/// The audit's two cases through the binary: `per_page = 7` and
/// `[aliases.tags]` at the top level (defaults for every profile, and the
/// settings when there is none) used to make every view vanish and
/// `triage list` fail with "unknown field". An unknown key is one warning
/// line with its place, and nothing else changes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_works_with_top_level_profile_settings_and_unknown_keys() {
    let server = start().await;
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    let path = h.join("config.toml");
    let path_s = path.display().to_string();
    let tags = "[aliases.tags]\nvip = \"0b1f0e52-6a55-4c36-9d53-1f8c2f7f0a02\"\n";
    let views = "[[views]]\nname = \"All\"\nfilter = \"\"\nsort = \"priority\"\n";
    let write = |text: &str| {
        std::fs::write(&path, text).expect("write config");
        set_mode(&path, 0o600);
    };
    let list = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["list", "--config", &path_s];
        all.extend_from_slice(args);
        let mut cmd = triage(h, &all);
        for (k, v) in env {
            cmd.env(k, v);
        }
        run(cmd)
    };
    let rows = |out: &Output| {
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout).lines().count() - 1
    };

    // With a profile: its page size comes from the top level.
    write(&format!(
        "per_page = 7\n{tags}[profiles.main]\nbase_url = \"{}\"\napi_key = \"{DEMO_KEY}\"\n{views}",
        server.base_url()
    ));
    let out = list(&[], &[]).await;
    assert_eq!(rows(&out), 7);
    assert_eq!(text(&out.stderr), "");
    let out = list(&["--view", "All"], &[]).await;
    assert_eq!(rows(&out), 7, "the view is there");

    // Without a profile: key and URL from the environment, the rest from
    // the top level.
    write(&format!("per_page = 7\n{tags}{views}"));
    let env = [
        ("TRIAGE_BASE_URL", server.base_url()),
        ("TRIAGE_API_KEY", DEMO_KEY.to_string()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = list(&["--view", "All"], &env).await;
    assert_eq!(rows(&out), 7);

    // An unknown key: a warning naming line and column; the view still runs.
    write(&format!("per_page = 7\n  colour = \"red\"\n{tags}{views}"));
    let out = list(&["--view", "All"], &env).await;
    assert_eq!(rows(&out), 7);
    assert_eq!(
        text(&out.stderr),
        format!("warning: {path_s}:2:3: unknown key `colour` (ignored)\n")
    );
}

/// `config check` through the binary: `--base-url` counts as it does for
/// `list`, and credentials in a URL are masked.
#[tokio::test]
async fn config_check_uses_the_flag_and_masks_url_credentials() {
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    let path = h.join("config.toml");
    std::fs::write(
        &path,
        "[profiles.main]\nbase_url = \"https://ok.example.com/api\"\napi_key = \"ixk_k\"\n",
    )
    .expect("write config");
    set_mode(&path, 0o600);
    let path_s = path.display().to_string();
    let args = [
        "config",
        "check",
        "--config",
        &path_s,
        "--base-url",
        "http://agent:s3cret@plain.example.com/api",
    ];
    let out = run(triage(h, &args)).await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(!out.status.success(), "the flag's plain-http URL is judged");
    assert!(
        stdout.contains("'http://***@plain.example.com/api' is plain http"),
        "{stdout}"
    );
    assert!(!stdout.contains("s3cret") && !stderr.contains("s3cret"));
}

/// A first run with no config says where to start, and `demo`/`serve`
/// offer no workspace flags they would ignore; the commands that talk to a
/// workspace take them before or after their name.
#[tokio::test]
async fn first_contact_points_at_the_demo_and_offers_only_flags_that_work() {
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    let out = run(triage(h, &[])).await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("no base URL"), "{err}");
    assert!(
        err.contains("triage demo") && err.contains("triage config path"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");

    for sub in ["demo", "serve"] {
        let out = run(triage(h, &[sub, "--help"])).await;
        let help = text(&out.stdout);
        assert!(out.status.success(), "{sub} --help");
        assert!(help.contains("--config"), "{sub}: {help}");
        assert!(
            !help.contains("--base-url") && !help.contains("--profile"),
            "{sub} --help offers flags it ignores: {help}"
        );
        let out = run(triage(h, &["--base-url", "http://127.0.0.1:9/api/v1", sub])).await;
        assert!(!out.status.success(), "{sub} with --base-url");
        assert!(
            text(&out.stderr).contains("--base-url does nothing"),
            "{sub}"
        );
    }
    // The exit codes of docs/cli.md: configuration (3) for the missing base
    // URL, usage (2) for a flag demo and serve would ignore.
    assert_eq!(run(triage(h, &[])).await.status.code(), Some(3));
    for sub in ["demo", "serve"] {
        for flag in [
            ["--base-url", "http://127.0.0.1:9/api/v1"],
            ["--profile", "acme"],
        ] {
            let out = run(triage(h, &[flag[0], flag[1], sub])).await;
            let err = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{sub} with {flag:?}: {err}");
            assert!(err.contains(&format!("{} does nothing", flag[0])), "{err}");
            assert_eq!(err.lines().count(), 1, "{err}");
        }
    }
    // TRIAGE_PROFILE in the environment is for the other commands: demo
    // goes on (here to the terminal it does not have, stdin being no tty).
    let (config, state) = (h.join("xdg-config"), h.join("xdg-state"));
    let env: [Var; 4] = [
        ("HOME", &h),
        ("XDG_CONFIG_HOME", &config),
        ("XDG_STATE_HOME", &state),
        ("TRIAGE_PROFILE", &"acme"),
    ];
    let out = run(triage_command(&["demo"], &env)).await;
    let err = text(&out.stderr);
    assert!(
        !err.contains("--profile"),
        "TRIAGE_PROFILE broke the demo: {err}"
    );
    assert!(err.contains("terminal"), "{err}");
    for sub in [
        &["list"][..],
        &["views"],
        &["macros"],
        &["apply", "x"],
        &["config", "check"],
    ] {
        let mut args = sub.to_vec();
        args.push("--help");
        let help = text(&run(triage(h, &args)).await.stdout);
        assert!(
            help.contains("--base-url") && help.contains("--profile"),
            "{sub:?}: {help}"
        );
    }

    // Before or after the subcommand: the flag reaches it.
    let handle = start().await;
    let url = handle.base_url();
    for args in [
        ["--base-url", url.as_str(), "list"],
        ["list", "--base-url", url.as_str()],
    ] {
        let mut cmd = triage(h, &args);
        cmd.env("TRIAGE_API_KEY", DEMO_KEY);
        let out = run(cmd).await;
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    }
}

/// config.example.toml copied as it says (a plain `cp`, so mode 644) passes
/// `config check` with nothing in the environment, and its `[keys]` comment
/// names every action the keymap knows.
#[tokio::test]
async fn the_example_config_passes_its_own_check_and_lists_every_action() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml");
    let example_text = std::fs::read_to_string(example).unwrap();
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    let copy = h.join("config.toml");
    std::fs::write(&copy, &example_text).unwrap();
    set_mode(&copy, 0o644);
    let out = run(triage(
        h,
        &["--config", copy.to_str().unwrap(), "config", "check"],
    ))
    .await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(!stdout.contains("problem"), "{stdout}");

    let keys_comment: String = example_text
        .split("\n[keys]")
        .next()
        .and_then(|before| before.rsplit("# Actions:").next())
        .expect("an # Actions: comment before [keys]")
        .to_string();
    let words: std::collections::BTreeSet<&str> = keys_comment
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .collect();
    let missing: Vec<&str> = triage::app::Action::ALL
        .iter()
        .map(|a| a.name())
        .filter(|name| {
            // view_1 ... view_9 are written as a range.
            !words.contains(name) && !name.starts_with("view_")
        })
        .collect();
    assert!(missing.is_empty(), "[keys] comment misses {missing:?}");
    assert!(words.contains("view_1") && words.contains("view_9"));
}

/// `config check` reads no workspace, so it cannot know a macro's names:
/// it says so and which command does, rather than passing in silence.
#[tokio::test]
async fn config_check_says_which_command_checks_macro_names() {
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    let path = h.join("config.toml");
    std::fs::write(
        &path,
        "[[macros]]\nname = \"Typo\"\nactions = '+tag:nosuch'\n",
    )
    .unwrap();
    let mut cmd = triage(h, &["--config", path.to_str().unwrap(), "config", "check"]);
    cmd.env("TRIAGE_BASE_URL", "http://127.0.0.1:9/api/v1")
        .env("TRIAGE_API_KEY", DEMO_KEY);
    let out = run(cmd).await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("1 macro(s)") && stdout.contains("`triage macros` checks those"),
        "{stdout}"
    );
}
