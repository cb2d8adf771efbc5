//! The config module against real files in temporary directories. The
//! environment is always a closure: no test touches the process's env.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use triage::api::types::FieldType;
use triage::config::{
    self, CheckReport, ConfigError, KeySource, KeySpec, LocationSource, SavedView, TrueColor,
};
use uuid::Uuid;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

fn no_env(_: &str) -> Option<String> {
    None
}

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Self {
        Dir(tempfile::tempdir().unwrap())
    }
    /// Writes a private config file and returns its path.
    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.path().join(name);
        fs::write(&path, text).unwrap();
        set_mode(&path, 0o600);
        path
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}
#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) {}

fn load(path: &Path) -> config::LoadedConfig {
    config::load_with_env(Some(path), &no_env).unwrap()
}

/// Why `c`'s default profile, with no flag and no environment, does not
/// resolve.
fn default_profile_error(c: &config::LoadedConfig) -> String {
    c.profile_with_env(None, None, &no_env)
        .unwrap_err()
        .to_string()
}

fn example_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml")
}

/// The README's screenshot command names `assets/views.toml`: it is
/// shipped, and its views are the four the picture shows, each valid.
#[test]
fn the_screenshots_views_file_is_shipped_and_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(
        readme.contains("--config assets/views.toml"),
        "the README names it"
    );
    let c = load(&root.join("assets/views.toml"));
    let names: Vec<&str> = c.file.views.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Open queue",
            "Unassigned urgent",
            "Waiting on customer",
            "Stale > 7 days"
        ]
    );
    for v in &c.file.views {
        v.ticket_filter()
            .unwrap_or_else(|e| panic!("view {}: {e}", v.name));
        assert_eq!(v.problem(), None, "view {}", v.name);
    }
    assert_eq!(c.file.default_view.as_deref(), Some("Open queue"));
}

#[test]
fn the_example_file_loads_and_checks_clean() {
    let c = load(&example_path());
    let f = &c.file;
    assert_eq!(f.default_profile.as_deref(), Some("local"));
    assert_eq!(c.profile_names(), vec!["acme", "local"]);
    let acme = &f.profiles["acme"];
    assert_eq!(acme.per_page.map(|p| p.get()), Some(50));
    assert_eq!(acme.aliases.tags.len(), 2);
    assert_eq!(acme.aliases.fields["plan"].options.len(), 2);
    assert_eq!(acme.aliases.fields["plan"].field_type, FieldType::Select);
    assert_eq!(acme.aliases.fields["renewal"].field_type, FieldType::Date);
    assert_eq!(f.profiles["local"].per_page.map(|p| p.get()), Some(100));
    assert!(f.profiles["local"].api_key_cmd.is_some());
    assert_eq!(
        f.keys["move_down"],
        KeySpec::Many(vec!["j".into(), "down".into(), "ctrl-n".into()])
    );
    assert_eq!(f.keys["quit"].keys(), vec!["q"]);
    assert_eq!(f.views.len(), 5);
    for v in &f.views {
        v.ticket_filter()
            .unwrap_or_else(|e| panic!("view {}: {e}", v.name));
        assert_eq!(v.problem(), None, "view {}", v.name);
    }
    assert_eq!(f.default_view.as_deref(), Some("Unassigned urgent"));
    assert_eq!(f.ui.truecolor, TrueColor::Auto);
    assert_eq!(
        c.view("waiting ON customer").unwrap().name,
        "Waiting on customer"
    );
    assert!(c.view("nope").is_none());
    assert_eq!(c.views_for(Some("acme")).len(), 5);
    assert_eq!(c.views_for(Some("local")).len(), 3);

    // A private copy, with the key from the environment (the example's
    // api_key_cmd needs `pass`), has no problem at all.
    let dir = Dir::new();
    let copy = dir.file("config.toml", &fs::read_to_string(example_path()).unwrap());
    let report = config::check(Some(&copy), None, &env(&[("TRIAGE_API_KEY", "ixk_x")]));
    assert!(report.is_ok(), "{report}");
}

#[test]
fn location_precedence() {
    let e = env(&[("TRIAGE_CONFIG", "/from/env.toml")]);
    let flag = config::locate(Some(Path::new("/from/flag.toml")), &e).unwrap();
    assert_eq!(
        (flag.path.as_path(), flag.source),
        (Path::new("/from/flag.toml"), LocationSource::Flag)
    );
    let from_env = config::locate(None, &e).unwrap();
    assert_eq!(from_env.source, LocationSource::Env);
    assert_eq!(from_env.path, PathBuf::from("/from/env.toml"));
    if let Some(default) = config::locate(None, &no_env) {
        assert_eq!(default.source, LocationSource::Default);
        assert!(
            default.path.ends_with("triage/config.toml"),
            "{:?}",
            default.path
        );
    }
}

#[test]
fn a_missing_file_is_defaults_only_when_not_named() {
    let dir = Dir::new();
    let missing = dir.0.path().join("nope.toml");
    let err = config::load_with_env(Some(&missing), &no_env).unwrap_err();
    assert!(matches!(err, ConfigError::Missing { .. }));
    assert_eq!(
        err.to_string(),
        format!("config file {} does not exist", missing.display())
    );
    let e = env(&[("TRIAGE_CONFIG", missing.to_str().unwrap())]);
    assert!(config::load_with_env(None, &e).is_err());

    let defaults = config::load_from(config::ConfigLocation {
        path: missing.clone(),
        source: LocationSource::Default,
    })
    .unwrap();
    assert!(!defaults.exists);
    assert_eq!(defaults.file, config::ConfigFile::default());
    assert!(defaults.file.ui.relative_times);
}

/// An unknown key is a warning naming file, line and column: the rest of
/// the file (views included) loads as written. It once refused the whole
/// file, and with it every view.
#[test]
fn unknown_keys_are_warnings_with_line_and_column_and_the_views_still_load() {
    let dir = Dir::new();
    let text = "\
colour = \"blue\"
[profiles.a]
base_url = \"https://x\"
bse_url = \"y\"
[profiles.a.aliases.fields.plan]
type = \"date\"
optons = {}
[uii]
x = 1
[[views]]
name = \"Open\"
filter = \"status:open\"
[[views]]
name = \"Urgent\"
  colour = \"red\"
filter = \"priority:urgent\"
";
    let path = dir.file("c.toml", text);
    let c = load(&path);
    let names: Vec<&str> = c.file.views.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["Open", "Urgent"]);
    assert_eq!(c.file.profiles["a"].base_url.as_deref(), Some("https://x"));
    let warnings: Vec<String> = c.unknown_keys.iter().map(ToString::to_string).collect();
    let p = path.display();
    assert_eq!(
        warnings,
        [
            format!("{p}:1:1: unknown key `colour` (ignored)"),
            format!("{p}:4:1: unknown key `profiles.a.bse_url` (ignored)"),
            format!("{p}:7:1: unknown key `profiles.a.aliases.fields.plan.optons` (ignored)"),
            format!("{p}:8:2: unknown key `uii` (ignored)"),
            format!("{p}:15:3: unknown key `views[1].colour` (ignored)"),
        ]
    );

    // `config check` lists them as problems: the setting they meant has no
    // effect.
    let report = config::check(Some(&path), None, &env(&[("TRIAGE_API_KEY", "k")]));
    for w in &warnings {
        assert!(report.problems.contains(w), "{w} not in {report}");
    }

    // Errors of type (not unknown keys) still stop the load, located.
    let path = dir.file("d.toml", "[ui]\ntruecolor = \"sometimes\"\n");
    let err = config::load_with_env(Some(&path), &no_env)
        .unwrap_err()
        .to_string();
    assert!(err.contains(":2:") && err.contains("sometimes"), "{err}");
    assert!(!err.contains('\n'));

    let path = dir.file("e.toml", "[keys]\nquit = 3\n");
    assert!(config::load_with_env(Some(&path), &no_env).is_err());
}

/// The audit's two cases: `per_page` and `[aliases.tags]` at the top level
/// are defaults for every profile (a profile's own value wins) and the
/// settings of the profile-less case; they used to refuse the whole file.
#[test]
fn top_level_profile_settings_are_defaults_for_every_profile() {
    let dir = Dir::new();
    let vip = Uuid::from_u128(7);
    let billing = Uuid::from_u128(8);
    let own_vip = Uuid::from_u128(9);
    let text = format!(
        "per_page = 30\nweb_url = \"https://top/{{number}}\"\nbase_url = \"https://top.example.com/api\"\n\
         [aliases.tags]\nvip = \"{vip}\"\nbilling = \"{billing}\"\n\
         [profiles.work]\napi_key = \"ixk_work\"\n\
         [profiles.home]\nper_page = 5\nbase_url = \"https://home.example.com/api\"\napi_key = \"ixk_home\"\n\
         [profiles.home.aliases.tags]\nvip = \"{own_vip}\"\n\
         [[views]]\nname = \"VIP\"\nfilter = \"tag:vip\"\n"
    );
    let c = load(&dir.file("c.toml", &text));
    assert!(c.unknown_keys.is_empty(), "{:?}", c.unknown_keys);
    assert_eq!(c.file.views.len(), 1);
    let work = c.profile_with_env(Some("work"), None, &no_env).unwrap();
    assert_eq!(work.per_page, 30);
    assert_eq!(work.base_url, "https://top.example.com/api");
    assert_eq!(work.web_url.as_deref(), Some("https://top/{number}"));
    assert_eq!(work.aliases.tags["vip"], vip);
    let home = c.profile_with_env(Some("home"), None, &no_env).unwrap();
    assert_eq!(home.per_page, 5);
    assert_eq!(home.base_url, "https://home.example.com/api");
    assert_eq!(
        (home.aliases.tags["vip"], home.aliases.tags["billing"]),
        (own_vip, billing),
        "aliases merge name by name, the profile's winning"
    );

    // No profiles at all: the top level is the settings, the key from the
    // environment.
    let c = load(&dir.file(
        "d.toml",
        &format!("per_page = 30\n[aliases.tags]\nvip = \"{vip}\"\n"),
    ));
    let e = env(&[
        ("TRIAGE_API_KEY", "ixk_env"),
        ("TRIAGE_BASE_URL", "https://env.example.com/api"),
    ]);
    let p = c.profile_with_env(None, None, &e).unwrap();
    assert_eq!((p.name, p.per_page), (None, 30));
    assert_eq!(p.aliases.tags["vip"], vip);
    assert!(config::check(Some(&dir.0.path().join("d.toml")), None, &e).is_ok());
}

#[test]
fn per_page_is_checked() {
    let dir = Dir::new();
    for (n, ok) in [
        ("0", false),
        ("1", true),
        ("100", true),
        ("101", false),
        ("-5", false),
    ] {
        let path = dir.file("c.toml", &format!("[profiles.a]\nper_page = {n}\n"));
        let got = config::load_with_env(Some(&path), &no_env);
        assert_eq!(got.is_ok(), ok, "per_page = {n}");
        if let Err(e) = got {
            assert!(
                e.to_string().contains("per_page must be between 1 and 100"),
                "{e}"
            );
        }
    }
}

const TWO: &str = r#"
[profiles.work]
base_url = "https://work.example.com/api/v1"
api_key = "ixk_work"
[profiles.home]
base_url = "https://home.example.com/api/v1"
api_key = "ixk_home"
"#;

#[test]
fn choosing_a_profile() {
    let dir = Dir::new();
    let c = load(&dir.file("c.toml", TWO));
    let pick = |name| c.profile_with_env(name, None, &no_env).map(|p| p.name);
    assert_eq!(pick(Some("home")).unwrap().as_deref(), Some("home"));
    let err = pick(None).unwrap_err().to_string();
    assert!(
        err.starts_with("several profiles (home, work) and no default_profile in "),
        "{err}"
    );
    let err = pick(Some("hom")).unwrap_err().to_string();
    assert!(
        err.starts_with("no profile named 'hom' in ") && err.ends_with("(profiles: home, work)"),
        "{err}"
    );

    let c = load(&dir.file("d.toml", &format!("default_profile = \"work\"\n{TWO}")));
    assert_eq!(
        c.profile_with_env(None, None, &no_env)
            .unwrap()
            .name
            .as_deref(),
        Some("work")
    );

    let c = load(&dir.file("e.toml", &TWO.replace("profiles.home", "profiles.default")));
    assert_eq!(
        c.profile_with_env(None, None, &no_env)
            .unwrap()
            .name
            .as_deref(),
        Some("default")
    );

    // No profiles at all: flags and environment are enough.
    let c = load(&dir.file("f.toml", "[ui]\nrelative_times = false\n"));
    let e = env(&[("TRIAGE_API_KEY", "ixk_env")]);
    let p = c
        .profile_with_env(None, Some("http://127.0.0.1:9/api/v1"), &e)
        .unwrap();
    assert_eq!(
        (p.name, p.per_page, p.key_source),
        (None, 50, KeySource::Env)
    );
}

#[test]
fn base_url_precedence() {
    let dir = Dir::new();
    let c = load(&dir.file("c.toml", TWO));
    let e = env(&[("TRIAGE_BASE_URL", "https://env.example.com")]);
    let url = |flag, e: &dyn Fn(&str) -> Option<String>| {
        c.profile_with_env(Some("work"), flag, e).unwrap().base_url
    };
    assert_eq!(
        url(Some("https://flag.example.com"), &e),
        "https://flag.example.com"
    );
    assert_eq!(url(None, &e), "https://env.example.com");
    assert_eq!(url(None, &no_env), "https://work.example.com/api/v1");
    let blank = env(&[("TRIAGE_BASE_URL", " ")]);
    assert_eq!(url(Some(""), &blank), "https://work.example.com/api/v1");

    let c = load(&dir.file("d.toml", "[profiles.x]\napi_key = \"ixk_1\"\n"));
    let err = default_profile_error(&c);
    assert!(
        err.starts_with("no base URL for profile 'x': pass --base-url, set TRIAGE_BASE_URL"),
        "{err}"
    );
}

#[test]
fn api_key_precedence_and_command() {
    let dir = Dir::new();
    let text = "[profiles.p]\nbase_url = \"https://x\"\napi_key = \"ixk_file\"\napi_key_cmd = \"printf '\\n  ixk_cmd  \\nsecond line\\n'\"\n";
    let c = load(&dir.file("c.toml", text));
    let e = env(&[("TRIAGE_API_KEY", " ixk_env ")]);
    let p = c.profile_with_env(None, None, &e).unwrap();
    assert_eq!(
        (p.api_key.expose(), p.key_source),
        ("ixk_env", KeySource::Env)
    );
    let p = c.profile_with_env(None, None, &no_env).unwrap();
    assert_eq!(
        (p.api_key.expose(), p.key_source),
        ("ixk_cmd", KeySource::Command)
    );
    assert!(!format!("{p:?}").contains("ixk_cmd"));

    let c = load(&dir.file(
        "d.toml",
        "[profiles.p]\nbase_url = \"https://x\"\napi_key = \"ixk_file\"\n",
    ));
    let p = c.profile_with_env(None, None, &no_env).unwrap();
    assert_eq!(
        (p.api_key.expose(), p.key_source),
        ("ixk_file", KeySource::File)
    );
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);

    let c = load(&dir.file("e.toml", "[profiles.p]\nbase_url = \"https://x\"\n"));
    let err = default_profile_error(&c);
    assert!(
        err.starts_with("no API key for profile 'p': set TRIAGE_API_KEY"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn a_key_in_a_readable_file_is_warned_about() {
    let dir = Dir::new();
    let path = dir.file(
        "c.toml",
        "[profiles.p]\nbase_url = \"https://x\"\napi_key = \"ixk_file\"\n",
    );
    set_mode(&path, 0o644);
    let p = load(&path).profile_with_env(None, None, &no_env).unwrap();
    assert_eq!(p.warnings.len(), 1);
    assert!(
        p.warnings[0].contains("accessible by group or others (mode 644)"),
        "{:?}",
        p.warnings
    );
    assert!(p.warnings[0].contains("chmod 600"));
    assert!(!p.warnings[0].contains("ixk_file"));
}

#[test]
fn a_failing_key_command_never_shows_its_output() {
    let dir = Dir::new();
    let c = load(&dir.file(
        "c.toml",
        "[profiles.p]\nbase_url = \"https://x\"\napi_key_cmd = \"echo ixk_leaked; exit 3\"\n",
    ));
    let err = default_profile_error(&c);
    assert_eq!(err, "api_key_cmd for profile 'p' failed (exit status: 3)");

    let c = load(&dir.file(
        "d.toml",
        "[profiles.p]\nbase_url = \"https://x\"\napi_key_cmd = \"printf '  \\n'\"\n",
    ));
    let err = default_profile_error(&c);
    assert_eq!(err, "api_key_cmd for profile 'p' printed nothing");

    // The first line of stderr says why, sanitized (no escape reaches the
    // terminal); stdout, which may be the key, still never shows.
    let c = load(&dir.file(
        "e.toml",
        r#"[profiles.p]
base_url = "https://x"
api_key_cmd = '''echo ixk_leaked; printf '\n\033[31mgpg: no secret key\nmore\n' >&2; exit 2'''
"#,
    ));
    let err = default_profile_error(&c);
    assert_eq!(
        err,
        "api_key_cmd for profile 'p' failed (exit status: 2): \u{FFFD}[31mgpg: no secret key"
    );
}

/// A command that hangs is stopped after `api_key_cmd_timeout_secs` (a
/// real process, so a real second), with one line saying so; `config
/// check` runs it under the same limit. The top level's value is the
/// default of every profile.
#[test]
fn a_hanging_key_command_is_stopped_after_its_timeout() {
    let dir = Dir::new();
    // `exec`: the shell becomes the sleep, so stopping it leaves nothing
    // running after the test.
    let path = dir.file(
        "c.toml",
        "api_key_cmd_timeout_secs = 1\n[profiles.p]\nbase_url = \"https://x\"\napi_key_cmd = \"exec sleep 30\"\n",
    );
    let c = load(&path);
    let started = std::time::Instant::now();
    let err = default_profile_error(&c);
    let took = started.elapsed();
    // A real process and a real 1 s timeout (what is under test is that
    // the child is stopped). The command would run 30 s: 20 s tells the
    // two apart with room for a loaded 2-core machine.
    assert!(took < std::time::Duration::from_secs(20), "took {took:?}");
    assert_eq!(
        err,
        "api_key_cmd for profile 'p' did not finish within 1 s and was stopped (a slow passphrase prompt? raise api_key_cmd_timeout_secs)"
    );
    let report = config::check(Some(&path), None, &no_env);
    assert!(report.problems.contains(&err), "{report}");

    let path = dir.file("d.toml", "api_key_cmd_timeout_secs = 0\n");
    let err = config::load_with_env(Some(&path), &no_env)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(":1:") && err.contains("api_key_cmd_timeout_secs must be at least 1, not 0"),
        "{err}"
    );
}

/// Output past the cap is not a key: the command is stopped and nothing of
/// what it printed is shown.
#[test]
fn a_key_command_printing_too_much_is_stopped() {
    let dir = Dir::new();
    let over = config::KEY_COMMAND_OUTPUT_CAP + 1;
    let c = load(&dir.file(
        "c.toml",
        &format!(
            "[profiles.p]\nbase_url = \"https://x\"\napi_key_cmd = \"head -c {over} /dev/zero | tr '\\\\0' k; exec sleep 30\"\n"
        ),
    ));
    let err = default_profile_error(&c);
    assert_eq!(
        err,
        "api_key_cmd for profile 'p' printed more than 64 KB and was stopped: it should print only the key"
    );
    // Exactly the cap is still read (a long key line is a key).
    let c = load(&dir.file(
        "d.toml",
        &format!(
            "[profiles.p]\nbase_url = \"https://x\"\napi_key_cmd = \"head -c {} /dev/zero | tr '\\\\0' k\"\n",
            config::KEY_COMMAND_OUTPUT_CAP
        ),
    ));
    let p = c.profile_with_env(None, None, &no_env).unwrap();
    assert_eq!(p.api_key.expose().len(), config::KEY_COMMAND_OUTPUT_CAP);
}

/// `config check` takes the base URL from where the client does
/// (`--base-url` > `TRIAGE_BASE_URL` > the profile over the top level):
/// it used to judge the profile's URL while the client used the
/// environment's. Credentials in a URL are never printed.
#[test]
fn check_resolves_the_base_url_as_the_client_does_and_hides_credentials() {
    let dir = Dir::new();
    let path = dir.file(
        "c.toml",
        "[profiles.p]\nbase_url = \"https://ok.example.com/api\"\napi_key = \"k\"\n",
    );
    let loaded = load(&path);
    let env_url = env(&[(
        "TRIAGE_BASE_URL",
        "http://user:hunter2@plain.example.com/api",
    )]);
    let client = loaded.profile_with_env(None, None, &env_url).unwrap();
    assert_eq!(client.base_url, "http://user:hunter2@plain.example.com/api");
    let report = config::check(Some(&path), None, &env_url);
    let text = report.to_string();
    assert_eq!(
        report.problems,
        [
            "profile 'p': base URL 'http://***@plain.example.com/api' is plain http to a non-loopback host: the key would travel unencrypted, use https"
        ],
        "{text}"
    );
    assert!(
        text.contains(
            "note: profile 'p': base URL http://***@plain.example.com/api (from TRIAGE_BASE_URL)"
        ),
        "{text}"
    );
    assert!(
        !text.contains("hunter2") && !text.contains("user:"),
        "{text}"
    );

    // The flag beats the environment, for the check as for the client.
    let flag = "https://flag.example.com/api";
    let report = config::check(Some(&path), Some(flag), &env_url);
    assert!(report.is_ok(), "{report}");
    assert!(
        report
            .to_string()
            .contains("base URL https://flag.example.com/api (from --base-url)"),
        "{report}"
    );

    // The top level's base_url serves a profile without one.
    let path = dir.file(
        "d.toml",
        "base_url = \"https://u:p@top.example.com\"\n[profiles.p]\napi_key = \"k\"\n",
    );
    let report = config::check(Some(&path), None, &no_env);
    assert!(report.is_ok(), "{report}");
    assert!(
        report
            .to_string()
            .contains("base URL https://***@top.example.com (from base_url in the file)"),
        "{report}"
    );
    assert_eq!(
        config::redact_url("https://host/a@b?x=@"),
        "https://host/a@b?x=@",
        "an @ after the host is not a credential"
    );
}

#[test]
fn web_url_template() {
    let dir = Dir::new();
    let c = load(&dir.file(
        "c.toml",
        "[profiles.p]\nbase_url = \"https://x\"\napi_key = \"k\"\nweb_url = \"https://x/t/{number}?id={id}\"\n",
    ));
    let p = c.profile_with_env(None, None, &no_env).unwrap();
    let id = Uuid::from_u128(1);
    assert_eq!(
        p.web_url_for(id, 42).unwrap(),
        format!("https://x/t/42?id={id}")
    );
}

fn problems(report: &CheckReport) -> String {
    report.problems.join("\n")
}

#[test]
fn check_lists_every_problem() {
    let dir = Dir::new();
    let path = dir.file(
        "c.toml",
        r#"
default_profile = "nope"
[profiles.a]
base_url = "http://helpdesk.example.com/api"
web_url = "https://x/{ticket}"
[profiles.b]
base_url = "https://ok.example.com"
web_url = "https://x/tickets"
api_key_cmd = "exit 1"
[profiles.b.aliases.fields.plan]
type = "selct"
[keys]
quit = ""
[[views]]
name = "v1"
filter = "priority:urgnt"
[[views]]
name = "v1"
filter = "status:open"
profile = "c"
"#,
    );
    let report = config::check(Some(&path), None, &no_env);
    let text = problems(&report);
    for wanted in [
        "default_profile 'nope' is not a profile (profiles: a, b)",
        "profile 'a': base URL 'http://helpdesk.example.com/api' is plain http to a non-loopback host",
        "profile 'a': web_url 'https://x/{ticket}' has an unknown placeholder {ticket}",
        "profile 'a': no API key",
        "profile 'b': web_url 'https://x/tickets' has no {number} or {id} placeholder",
        "api_key_cmd for profile 'b' failed (exit status: 1)",
        "[keys] quit: empty key",
        "profile 'b': aliases.fields.plan: unknown type 'selct' (text, number, checkbox, select, multi_select, date, date_time)",
        "[[views]] 'v1': filter priority:urgnt: unknown priority 'urgnt' (low, normal, high, urgent)",
        "[[views]] 'v1': name used twice",
        "[[views]] 'v1': profile 'c' does not exist",
    ] {
        assert!(text.contains(wanted), "missing {wanted:?} in:\n{text}");
    }
    assert_eq!(report.problems.len(), 11, "{text}");
    assert!(!report.is_ok());
    assert!(report.to_string().contains("problem: "));

    // A syntax error stops the check with one problem, located.
    let bad = dir.file("bad.toml", "[profiles.a\n");
    let report = config::check(Some(&bad), None, &no_env);
    assert_eq!(report.problems.len(), 1);
    assert!(
        report.problems[0].contains("bad.toml:1:"),
        "{}",
        problems(&report)
    );

    // Loopback http is fine, and the environment can supply the rest.
    let ok = dir.file(
        "ok.toml",
        "[profiles.l]\nbase_url = \"http://127.0.0.1:8080/api/v1\"\n",
    );
    let report = config::check(Some(&ok), None, &env(&[("TRIAGE_API_KEY", "k")]));
    assert!(report.is_ok(), "{report}");

    let cmd = dir.file(
        "cmd.toml",
        "[profiles.c]\nbase_url = \"https://x\"\napi_key_cmd = \"echo ixk_secret\"\n",
    );
    let report = config::check(Some(&cmd), None, &no_env);
    assert!(report.is_ok(), "{report}");
    let text = report.to_string();
    assert!(
        text.contains("note: profile 'c': API key from api_key_cmd (ran fine)"),
        "{text}"
    );
    assert!(!text.contains("ixk_secret"));
}

#[cfg(unix)]
#[test]
fn check_reports_a_readable_key_file() {
    let dir = Dir::new();
    let path = dir.file(
        "c.toml",
        "[profiles.p]\nbase_url = \"https://x\"\napi_key = \"ixk_file\"\n",
    );
    set_mode(&path, 0o640);
    let report = config::check(Some(&path), None, &env(&[("TRIAGE_API_KEY", "k")]));
    assert_eq!(report.problems.len(), 1, "{report}");
    assert!(report.problems[0].contains("mode 640"));
}

const WITH_COMMENTS: &str = r#"# my triage config
default_profile = "acme" # the usual one

[[views]]
# the morning queue
name = "Morning"
filter = "status:open" # keep it short

[ui]
relative_times = false # I like timestamps
"#;

fn view(name: &str, filter: &str, profile: Option<&str>) -> SavedView {
    SavedView {
        profile: profile.map(String::from),
        ..SavedView::new(name, filter)
    }
}

#[test]
fn saving_a_view_keeps_comments_and_refuses_duplicates() {
    let dir = Dir::new();
    let path = dir.file("c.toml", WITH_COMMENTS);
    config::save_view(
        &path,
        &view("Urgent", "priority:urgent assignee:none", Some("acme")),
        false,
    )
    .unwrap();
    let text = fs::read_to_string(&path).unwrap();
    for kept in [
        "# my triage config",
        "# the usual one",
        "# the morning queue",
        "# keep it short",
        "# I like timestamps",
    ] {
        assert!(text.contains(kept), "lost {kept:?}:\n{text}");
    }
    let c = load(&path);
    assert_eq!(
        c.file.views,
        vec![
            view("Morning", "status:open", None),
            view("Urgent", "priority:urgent assignee:none", Some("acme")),
        ]
    );
    assert!(!c.file.ui.relative_times);

    let err = config::save_view(&path, &view("Morning", "status:closed", None), false).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "a view named 'Morning' already exists in {}",
            path.display()
        )
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), text);

    config::save_view(&path, &view("Morning", "status:waiting", None), true).unwrap();
    let after = fs::read_to_string(&path).unwrap();
    assert!(
        after.contains("filter = \"status:waiting\" # keep it short"),
        "{after}"
    );
    assert!(after.contains("# the morning queue"));
    assert_eq!(
        load(&path).file.views[0],
        view("Morning", "status:waiting", None)
    );
}

#[test]
fn deleting_a_view() {
    let dir = Dir::new();
    let path = dir.file("c.toml", WITH_COMMENTS);
    config::save_view(&path, &view("Other", "tag:vip", None), false).unwrap();
    config::delete_view(&path, "Morning").unwrap();
    let c = load(&path);
    assert_eq!(c.file.views, vec![view("Other", "tag:vip", None)]);
    assert!(
        fs::read_to_string(&path)
            .unwrap()
            .contains("# the usual one")
    );
    let err = config::delete_view(&path, "Morning").unwrap_err();
    assert!(matches!(err, ConfigError::ViewNotFound { .. }));
    let err = config::delete_view(&dir.0.path().join("none.toml"), "x").unwrap_err();
    assert!(matches!(err, ConfigError::Missing { .. }));
}

#[test]
fn saving_creates_a_private_file_when_there_is_none() {
    let dir = Dir::new();
    let path = dir.0.path().join("new/triage/config.toml");
    config::save_view(&path, &view("First", "status:open", None), false).unwrap();
    assert_eq!(
        load(&path).file.views,
        vec![view("First", "status:open", None)]
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[test]
fn invalid_views_and_broken_files_are_left_alone() {
    let dir = Dir::new();
    let path = dir.file("c.toml", WITH_COMMENTS);
    let err = config::save_view(&path, &view("Bad", "priority:urgnt", None), false).unwrap_err();
    assert_eq!(
        err.to_string(),
        "view 'Bad' is not valid: priority:urgnt: unknown priority 'urgnt' (low, normal, high, urgent)"
    );
    assert!(config::save_view(&path, &view(" ", "status:open", None), false).is_err());
    assert_eq!(fs::read_to_string(&path).unwrap(), WITH_COMMENTS);

    let broken = dir.file("broken.toml", "views = [\n");
    let err = config::save_view(&broken, &view("A", "", None), false).unwrap_err();
    assert!(matches!(err, ConfigError::Parse { .. }), "{err}");
    assert_eq!(fs::read_to_string(&broken).unwrap(), "views = [\n");

    let odd = dir.file("odd.toml", "views = \"nope\"\n");
    let err = config::save_view(&odd, &view("A", "", None), false).unwrap_err();
    assert!(
        err.to_string().contains("not written as [[views]] tables"),
        "{err}"
    );

    let inline_empty = dir.file("inline.toml", "views = []\n");
    config::save_view(&inline_empty, &view("A", "", None), false).unwrap();
    assert_eq!(load(&inline_empty).file.views, vec![view("A", "", None)]);
}

#[test]
fn the_example_key_bindings_are_valid_actions_and_keys() {
    let c = load(&example_path());
    assert!(!c.file.keys.is_empty(), "the example documents [keys]");
    triage::app::Keymap::from_config(&c.file.keys)
        .expect("every [keys] entry of the example is valid");
}

#[test]
fn me_comes_from_the_profile_else_the_top_level() {
    let dir = Dir::new();
    let text = format!("me = \"Top Level\"\ndefault_profile = \"work\"\n{TWO}");
    let text = text.replace("[profiles.home]", "[profiles.home]\nme = \"  Ana Lima  \"");
    let c = load(&dir.file("me.toml", &text));
    let me = |name| c.profile_with_env(name, None, &no_env).unwrap().me;
    assert_eq!(me(Some("home")).as_deref(), Some("Ana Lima"));
    assert_eq!(me(Some("work")).as_deref(), Some("Top Level"));
    let c = load(&dir.file(
        "blank.toml",
        &TWO.replace("[profiles.home]", "[profiles.home]\nme = \" \""),
    ));
    assert_eq!(
        c.profile_with_env(Some("home"), None, &no_env).unwrap().me,
        None
    );
}

#[test]
fn the_list_refreshes_itself_every_minute_unless_told_otherwise() {
    let dir = Dir::new();
    let every = |c: &config::LoadedConfig| c.file.ui.refresh_secs.interval();
    let c = load(&dir.file("a.toml", ""));
    assert_eq!(every(&c), Some(std::time::Duration::from_secs(60)));
    let c = load(&dir.file("b.toml", "[ui]\nrefresh_secs = 0\n"));
    assert_eq!(every(&c), None, "0 turns it off");
    let c = load(&dir.file("c.toml", "[ui]\nrefresh_secs = 300\n"));
    assert_eq!(every(&c), Some(std::time::Duration::from_secs(300)));
    for bad in ["5", "-1", "100000"] {
        let path = dir.file("d.toml", &format!("[ui]\nrefresh_secs = {bad}\n"));
        let err = config::load_with_env(Some(&path), &no_env)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(":2:")
                && err.contains("refresh_secs must be 0 (off) or between 10 and 86400"),
            "{err}"
        );
        assert!(!err.contains('\n'), "{err}");
    }
}

/// `after_reply` (issue 18, send and set): checked as far as can be told
/// without the server; a view's own is checked over `[ui]`'s.
#[test]
fn after_reply_is_checked_in_ui_and_in_views() {
    let dir = Dir::new();
    let path = dir.file(
        "c.toml",
        "[ui]\nafter_reply = { statuses = [\"Solved\", \"solved\", \"\"], default = \"Closed\" }\n\n\
         [[views]]\nname = \"W\"\nfilter = \"status:waiting\"\nafter_reply = { default = \"Nope\" }\n",
    );
    let report = config::check(Some(&path), None, &env(&[("TRIAGE_API_KEY", "k")]));
    let problems: Vec<&str> = report
        .problems
        .iter()
        .map(String::as_str)
        .filter(|p| p.contains("after_reply"))
        .collect();
    assert_eq!(
        problems,
        [
            "[ui] after_reply: a status is empty",
            "[ui] after_reply: 'solved' is listed twice",
            "[ui] after_reply: default 'Closed' is neither \"send\" nor one of the statuses (Solved, solved, )",
            "[[views]] 'W' after_reply: a status is empty",
            "[[views]] 'W' after_reply: 'solved' is listed twice",
            "[[views]] 'W' after_reply: default 'Nope' is neither \"send\" nor one of the statuses (Solved, solved, )",
        ]
    );
    let good = dir.file(
        "g.toml",
        "[ui]\nafter_reply = { statuses = [\"Awaiting customer\", \"resolved\"] }\n\n\
         [[views]]\nname = \"W\"\nfilter = \"status:waiting\"\nafter_reply = { default = \"resolved\" }\n",
    );
    let report = config::check(Some(&good), None, &env(&[("TRIAGE_API_KEY", "k")]));
    assert!(
        !report.problems.iter().any(|p| p.contains("after_reply")),
        "{report}"
    );
    let loaded = config::load_with_env(Some(&good), &no_env).unwrap();
    let view = &loaded.file.views[0];
    let settings = view
        .after_reply
        .as_ref()
        .unwrap()
        .over(&loaded.file.ui.after_reply);
    assert_eq!(settings.statuses(), ["Awaiting customer", "resolved"]);
    assert_eq!(settings.default_choice(), "resolved");
    assert_eq!(
        config::AfterReply::default().statuses(),
        ["waiting", "resolved"]
    );
}
