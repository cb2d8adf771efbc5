//! The shell's conventions, through the real binary: the completion script
//! (bash parses it, and Tab on `--view` offers the config's views), the
//! manual page (man renders it without a warning), `--version`.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::cli::{Var, triage_command};

fn triage(home: &Path, args: &[&str]) -> Command {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let env: [Var; 4] = [
        ("PATH", &path),
        ("HOME", &home),
        ("XDG_CONFIG_HOME", &home.join("xdg-config")),
        ("XDG_STATE_HOME", &home.join("xdg-state")),
    ];
    triage_command(args, &env)
}

fn output(mut cmd: Command) -> Output {
    cmd.output().expect("run")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const CONFIG: &str = r#"
[[views]]
name = "Unassigned urgent"
filter = "status:open priority:urgent assignee:none"

[[views]]
name = "Mine"
filter = "assignee:me"

[[macros]]
name = "Escalate to billing"
actions = "priority:urgent inbox:Billing"
"#;

/// Sources `triage completions bash` into a bash and presses Tab (calls the
/// registered function as bash would) on `words`, the last one being the
/// word under the cursor; returns the candidates, one per line.
fn bash_complete(home: &Path, words: &[&str]) -> Vec<String> {
    let script = home.join("triage.bash");
    let out = output(triage(home, &["completions", "bash"]));
    assert!(out.status.success(), "{out:?}");
    std::fs::write(&script, &out.stdout).unwrap();
    let quoted: Vec<String> = words
        .iter()
        .map(|w| format!("'{}'", w.replace('\'', r"'\''")))
        .collect();
    let cword = words.len() - 1;
    let program = format!(
        r#"source {script}
complete -p triage >/dev/null || exit 3
COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_TYPE=9
func=$(complete -p triage | sed -E 's/.* -F ([^ ]+) .*/\1/')
"$func" triage "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#,
        script = script.display(),
        words = quoted.join(" "),
    );
    let mut cmd = Command::new("bash");
    cmd.arg("--norc")
        .arg("-c")
        .arg(program)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("xdg-config"))
        .env("XDG_STATE_HOME", home.join("xdg-state"));
    let out = output(cmd);
    assert!(
        out.status.success(),
        "bash: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn home_with_config() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("xdg-config/triage");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), CONFIG).unwrap();
    home
}

#[test]
fn bash_accepts_the_completion_script() {
    let home = tempfile::tempdir().unwrap();
    let out = output(triage(home.path(), &["completions", "bash"]));
    assert!(out.status.success());
    let script = home.path().join("triage.bash");
    std::fs::write(&script, &out.stdout).unwrap();
    let check = output({
        let mut c = Command::new("bash");
        c.arg("-n").arg(&script);
        c
    });
    assert!(
        check.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn tab_after_view_offers_the_configured_views() {
    let home = home_with_config();
    assert_eq!(
        bash_complete(home.path(), &["triage", "--view", ""]),
        ["Unassigned urgent", "Mine"]
    );
    assert_eq!(
        bash_complete(home.path(), &["triage", "list", "--view", "M"]),
        ["Mine"]
    );
}

#[test]
fn tab_after_apply_offers_the_macros() {
    let home = home_with_config();
    assert_eq!(
        bash_complete(home.path(), &["triage", "apply", "Esc"]),
        ["Escalate to billing"]
    );
}

#[test]
fn completion_reads_the_config_named_on_the_line_being_completed() {
    let home = tempfile::tempdir().unwrap();
    let other = home.path().join("other.toml");
    std::fs::write(
        &other,
        "[[views]]\nname = \"Elsewhere\"\nfilter = \"tag:x\"\n",
    )
    .unwrap();
    let other = other.to_string_lossy().into_owned();
    assert_eq!(
        bash_complete(home.path(), &["triage", "--config", &other, "--view", ""]),
        ["Elsewhere"]
    );
    // Flags and subcommands come from the command line's definition.
    let subcommands = bash_complete(home.path(), &["triage", "comp"]);
    assert_eq!(subcommands, ["completions"]);
}

#[test]
fn every_shell_gets_a_script_that_calls_this_binary_back() {
    let home = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_triage");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = output(triage(home.path(), &["completions", shell]));
        assert!(out.status.success(), "{shell}: {out:?}");
        let script = stdout(&out);
        assert!(
            script.contains("_TRIAGE_COMPLETE") && script.contains(bin),
            "{shell}: {script}"
        );
    }
    let out = output(triage(home.path(), &["completions", "tcsh"]));
    assert!(!out.status.success());
}

#[test]
fn man_renders_the_page_without_a_warning() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/triage.1");
    let out = output({
        let mut c = Command::new("man");
        c.args(["--warnings", "-l"])
            .arg(&page)
            .env("MANWIDTH", "80");
        c
    });
    assert!(out.status.success(), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "man warns: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = without_overstrikes(&stdout(&out));
    for section in [
        "SYNOPSIS",
        "OPTIONS",
        "SUBCOMMANDS",
        "EXIT STATUS",
        "triage-completions",
    ] {
        assert!(text.contains(section), "no {section} in:\n{text}");
    }
}

/// man's plain-text output bolds by overstriking (`S\bS`): keep the letters.
fn without_overstrikes(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars.get(i + 1) == Some(&'\u{8}') {
            i += 2;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[test]
fn version_names_the_build() {
    let home = tempfile::tempdir().unwrap();
    let out = output(triage(home.path(), &["--version"]));
    assert!(out.status.success());
    let line = stdout(&out);
    let expected = concat!("triage ", env!("CARGO_PKG_VERSION"), " (");
    assert!(line.starts_with(expected), "{line}");
    // Tests run a debug build: it names no commit, so committing never
    // rebuilds it (see build.rs); release builds are checked through
    // build/version.rs in build_version.rs.
    assert!(line.trim_end().ends_with("(debug build)"), "{line}");
}
