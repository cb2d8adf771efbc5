//! Running `[[commands]]` (`app::commands`): each script with `sh -c`, its
//! values already shell-quoted by the app. In the terminal (handed over by
//! the loop, as for the editor) or in the background with its output
//! captured: the first line goes to the status line, sanitized.

use std::io::{BufRead, IsTerminal, Write};
use std::process::{Command, ExitStatus, Stdio};

use crate::app::commands::{CommandRun, first_line};

/// How much of a line the status line gets.
const LINE_MAX: usize = 200;

fn shell(script: &str) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(script);
    cmd
}

fn exited(status: ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exited with {code}"),
        None => format!("ended by a signal ({status})"),
    }
}

/// Runs the scripts in the terminal (the caller has handed it over), in
/// order, stopping at the first that fails; then, with `wait`, says how it
/// ended and waits for Enter, so what it printed is not drawn over at once
/// (lazygit and neomutt do the same).
pub fn run_in_terminal(run: &CommandRun) -> Result<String, String> {
    let result = run_scripts(run);
    if run.wait && std::io::stdin().is_terminal() {
        let ended = match &result {
            Ok(_) => "done".to_string(),
            Err(why) => why.clone(),
        };
        let mut out = std::io::stdout();
        let _ = write!(
            out,
            "\n[{}: {ended}] press Enter to return to triage",
            crate::text::sanitize(&run.name)
        );
        let _ = out.flush();
        let _ = std::io::stdin().lock().read_line(&mut String::new());
    }
    result
}

fn run_scripts(run: &CommandRun) -> Result<String, String> {
    for script in &run.scripts {
        let status = shell(script)
            .status()
            .map_err(|e| format!("could not start sh: {e}"))?;
        if !status.success() {
            return Err(exited(status));
        }
    }
    Ok(String::new())
}

/// Runs the scripts with no terminal (stdin empty), in order, stopping at
/// the first that fails: the first line of the last one's output (its
/// stdout, else its stderr), or how it failed with its stderr's first line.
pub fn run_captured(run: &CommandRun) -> Result<String, String> {
    let mut last = String::new();
    for script in &run.scripts {
        let out = shell(script)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("could not start sh: {e}"))?;
        if !out.status.success() {
            let said = first_line(&out.stderr, LINE_MAX);
            return Err(match said.is_empty() {
                true => exited(out.status),
                false => format!("{}: {said}", exited(out.status)),
            });
        }
        last = first_line(&out.stdout, LINE_MAX);
        if last.is_empty() {
            last = first_line(&out.stderr, LINE_MAX);
        }
    }
    Ok(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(scripts: &[&str]) -> CommandRun {
        CommandRun {
            name: "t".into(),
            scripts: scripts.iter().map(|s| s.to_string()).collect(),
            background: true,
            wait: false,
        }
    }

    #[test]
    fn the_first_line_or_how_it_failed() {
        assert_eq!(
            run_captured(&run(&["printf 'one\\ntwo\\n'"])),
            Ok("one".into())
        );
        assert_eq!(run_captured(&run(&["echo warn >&2"])), Ok("warn".into()));
        assert_eq!(
            run_captured(&run(&["echo nope >&2; exit 3", "echo never"])),
            Err("exited with 3: nope".into())
        );
        assert_eq!(run_captured(&run(&["exit 4"])), Err("exited with 4".into()));
        assert_eq!(
            run_captured(&run(&["echo a", "echo b"])),
            Ok("b".into()),
            "each runs, the last one speaks"
        );
    }
}
