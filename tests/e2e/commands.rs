//! Commands on keys in the real binary: a subject holding `'; rm -rf ~`
//! reaches the command as one argument (the command writes its argv to a
//! file the test reads; a canary under the test's HOME survives), what a
//! command in the terminal prints stays readable until Enter (`wait = false`:
//! straight back), and a command with `output = "status"` puts its first
//! line on the status line.

use crate::support::*;

const FILTER: &str = "sort:created order:asc";
const SUBJECT: &str = "Refund '; rm -rf ~/canary; echo \"$HOME\" `id` $(id)";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_gets_the_subject_as_one_argument_and_status_output_shows() {
    let handle = start_server(30).await;
    // The first row: the oldest ticket.
    let first = handle.with_data(|d| {
        d.tickets
            .iter()
            .min_by_key(|t| (t.created_at, t.id))
            .map(|t| (t.id, t.ticket_number))
            .unwrap()
    });
    let (id, number) = first;
    handle.with_data_mut(|d| {
        if let Some(t) = d.tickets.iter_mut().find(|t| t.id == id) {
            t.subject = SUBJECT.to_string();
        }
    });
    let home = tempfile::tempdir().unwrap();
    let canary = home.path().join("canary");
    std::fs::write(&canary, "still here").unwrap();
    let argv = home.path().join("argv");
    let config = format!(
        r#"
[[commands]]
name = "argv"
key = "F4"
run = "printf '%s\n' {{{{subject}}}} {{{{number}}}} > '{}'; echo wrote the arguments"

[[commands]]
name = "quick"
key = "F6"
run = "echo never read"
wait = false

[[commands]]
name = "say"
key = "F5"
run = "printf 'first line of %s\nsecond line\n' {{{{number}}}}"
output = "status"
"#,
        argv.display()
    );
    std::fs::write(home.path().join("config.toml"), config).unwrap();
    let tui = open_ui_with(&handle, home.path(), &["--filter", FILTER], &[], 120, 30).await;
    let tui = tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        tui.wait_for("the first page", |s| footer_line(s).contains("page 1/"));
        tui.wait_text(&format!("#{number}"));
        tui.press("\x1bOS"); // F4
        // Its output is on the screen, triage waits for Enter.
        tui.wait_text("[argv: done] press Enter to return to triage");
        assert!(tui.contents().contains("wrote the arguments"));
        // Ctrl-C at the prompt returns too, and never ends triage (in a
        // cooked terminal it is a SIGINT to the whole foreground group).
        tui.press("\x03");
        tui.wait_for("triage back, the command's end on its status line", |s| {
            footer_line(s).contains("argv: done") && !s.contents().contains("press Enter to return")
        });
        tui.press("\x1b[17~"); // F6: wait = false, straight back
        tui.wait_for("triage back at once, no prompt", |s| {
            footer_line(s).contains("quick: done")
                && !s.contents().contains("press Enter to return")
        });
        tui.press("\x1b[15~"); // F5
        tui.wait_text(&format!("say: first line of {number}"));
        assert!(!tui.contents().contains("second line"));
        tui.press("q");
        tui.wait_exit();
        tui
    })
    .await
    .unwrap();
    drop(tui);
    let written = std::fs::read_to_string(&argv).expect("the command ran");
    assert_eq!(
        written,
        format!("{SUBJECT}\n{number}\n"),
        "two arguments: the subject whole, the number"
    );
    assert_eq!(std::fs::read_to_string(&canary).unwrap(), "still here");
    handle.shutdown().await;
}
