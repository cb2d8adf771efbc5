//! The terminal is given back as it was found, even when taking it fails.

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_start_leaves_the_terminal_cooked() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path().to_str().unwrap().to_string();
    // Output to /dev/full: raw mode is entered on the pty (stdin), then
    // entering the alternate screen fails writing to stdout. The shell then
    // asks the pty whether canonical mode is back.
    let script = format!(
        "'{}' demo >/dev/full 2>/dev/null; \
         if stty -a | grep -q -- -icanon; then echo RAW-LEFT-ON; else echo COOKED-AGAIN; fi",
        env!("CARGO_BIN_EXE_triage")
    );
    let tui = tokio::task::spawn_blocking(move || {
        let env = [
            ("HOME", home.as_str()),
            ("XDG_STATE_HOME", home.as_str()),
            ("XDG_CONFIG_HOME", home.as_str()),
        ];
        Tui::spawn_program("/bin/sh", &["-c", &script], &env, 80, 24)
    })
    .await
    .unwrap();
    tokio::task::spawn_blocking(move || {
        tui.wait_for("the shell's verdict", |s| {
            let text = s.contents();
            text.contains("RAW-LEFT-ON") || text.contains("COOKED-AGAIN")
        });
        assert!(
            tui.contents().contains("COOKED-AGAIN"),
            "raw mode was left on:\n{}",
            tui.contents()
        );
    })
    .await
    .unwrap();
}
