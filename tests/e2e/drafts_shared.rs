//! The draft promise where it is hardest to keep (issue 21): two `triage`
//! processes on one state directory against one slow server, and a state
//! directory that is full (ENOSPC) or read-only (EROFS). The real binary
//! in a pty, `EDITOR` set to small shell scripts.
//!
//! We run as root, so `chmod` would not stop a write: the full and the
//! read-only directories are tmpfs mounts in a user and mount namespace of
//! their own (`unshare -rm`), with `triage` exec'd inside. Where `unshare`
//! cannot do that, those tests fail saying so, unless
//! `TRIAGE_E2E_WITHOUT_UNSHARE=1` opts out (then they print that they did
//! not run). docs/tests.md says the same.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use triage::model::AuthorType;
use triage::server::{DEMO_KEY, RouteFault, ServerHandle};

use crate::support::*;

const FILTER: &str = "status:open sort:created order:asc";
const POST: &str = "POST /tickets/{id}/messages";

/// The first row of `FILTER`: (id, number).
fn first_row(handle: &ServerHandle) -> (uuid::Uuid, i64) {
    handle.with_data(|d| {
        d.tickets
            .iter()
            .filter(|t| d.category_of(t) == triage::model::StatusCategory::Open)
            .min_by_key(|t| (t.created_at, t.id))
            .map(|t| (t.id, t.ticket_number))
            .unwrap()
    })
}

/// An editor script in `dir`, as an `EDITOR` environment entry.
fn editor(dir: &Path, name: &str, body: &str) -> &'static [(&'static str, &'static str)] {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let value: &'static str = Box::leak(format!("'{}'", path.display()).into_boxed_str());
    Box::leak(vec![("EDITOR", value)].into_boxed_slice())
}

fn notes_with(handle: &ServerHandle, id: uuid::Uuid, body: &str) -> usize {
    handle.with_data(|d| {
        d.ticket(id)
            .unwrap()
            .messages
            .to_vec()
            .iter()
            .filter(|m| m.body == body && m.author_type == AuthorType::Note)
            .count()
    })
}

/// Waits (deadline 30 s) until the server has seen `n` requests to `route`.
fn wait_requests(handle: &ServerHandle, route: &str, n: u64) {
    let deadline = Instant::now() + DEADLINE;
    while handle.requests_to(route) < n {
        assert!(
            Instant::now() < deadline,
            "{route}: fewer than {n} requests"
        );
        std::thread::yield_now();
    }
}

/// Types a filter on the `:` line (replacing what is there): an entry of
/// this process's filter history.
fn filter_line(tui: &mut Tui, text: &str) {
    tui.press(":");
    tui.wait_text("─ filter ─");
    tui.press("\x15");
    tui.press(text);
    tui.press("\r");
    tui.wait_for(&format!("the filter {text}"), |s| {
        s.contents().contains(&format!("filter: {text}"))
    });
}

/// Two processes, one state directory, one draft: process A's note is held
/// by the server for 20 s; meanwhile process B opens the same ticket's draft,
/// writes a newer text and fails to send it (503), so its text is the draft.
/// A's 201 then arrives: it must not remove B's text. On quit, the filter
/// histories of both are in the one session file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_201_to_one_process_never_removes_the_other_processes_newer_draft() {
    let handle = start_server(60).await;
    let (id, number) = first_row(&handle);
    let home = tempfile::tempdir().unwrap();
    let env_a = editor(home.path(), "a.sh", "printf 'Note A\\n' >> \"$1\"\n");
    // B replaces whatever it is given (A's text, restored) by its own.
    let env_b = editor(home.path(), "b.sh", "printf 'Note B\\n' > \"$1\"\n");
    handle.inject_route_fault(RouteFault {
        route: POST.into(),
        ticket: Some(id),
        delay: Duration::from_secs(20),
        status: None,
        times: 1,
    });
    let args = ["--filter", FILTER];
    let tui_a = open_ui_with(&handle, home.path(), &args, env_a, 160, 32).await;
    let server = std::sync::Arc::new(handle);
    let (server_a, home_a) = (server.clone(), home.path().to_path_buf());
    let mut tui_a = tokio::task::spawn_blocking(move || {
        let mut tui = tui_a;
        tui.wait_for("A's first page", |s| footer_line(s).contains("page 1/"));
        tui.wait_text(&format!("#{number}"));
        tui.press("n");
        wait_requests(&server_a, POST, 1);
        // The text is A's draft while its POST is held.
        let draft = home_a.join(format!("triage/drafts/{id}-note.txt"));
        assert!(std::fs::read_to_string(&draft).unwrap().contains("Note A"));
        tui
    })
    .await
    .unwrap();
    // B's POST fails: its text stays, as the newer draft.
    server.inject_route_fault(RouteFault {
        route: POST.into(),
        ticket: Some(id),
        delay: Duration::ZERO,
        status: Some(503),
        times: 1,
    });
    let tui_b = open_ui_with(&server, home.path(), &args, env_b, 160, 32).await;
    let (server_b, draft) = (
        server.clone(),
        home.path().join(format!("triage/drafts/{id}-note.txt")),
    );
    let (tui_a, tui_b) = tokio::task::spawn_blocking(move || {
        let mut tui_b = tui_b;
        tui_b.wait_for("B's first page", |s| footer_line(s).contains("page 1/"));
        tui_b.wait_text(&format!("#{number}"));
        tui_b.press("n");
        tui_b.wait_text("the note was not sent");
        tui_b.wait_text("draft");
        assert_eq!(server_b.requests_to(POST), 2);
        assert_eq!(std::fs::read_to_string(&draft).unwrap(), "Note B\n");
        // The interleaving really happened: A's answer is still held.
        assert!(
            !tui_a.contents().contains("note sent"),
            "A's note was answered before B saved its text: the test proves nothing\n{}",
            tui_a.contents()
        );
        tui_a.wait_text(&format!("#{number}: note sent"));
        // The 201 answered A's version; B's newer text is still the draft.
        assert_eq!(std::fs::read_to_string(&draft).unwrap(), "Note B\n");
        filter_line(&mut tui_a, "priority:high");
        filter_line(&mut tui_b, "priority:low");
        (tui_a, tui_b)
    })
    .await
    .unwrap();
    tokio::task::spawn_blocking(move || {
        let (mut tui_a, mut tui_b) = (tui_a, tui_b);
        tui_a.press("q");
        assert!(tui_a.wait_exit().success());
        tui_b.press("q");
        assert!(tui_b.wait_exit().success());
    })
    .await
    .unwrap();
    assert_eq!(notes_with(&server, id, "Note A"), 1);
    assert_eq!(notes_with(&server, id, "Note B"), 0);
    let session = std::fs::read_dir(home.path().join("triage"))
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with("session-") && name.ends_with(".json")
        })
        .expect("a session file");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(session.path()).unwrap()).unwrap();
    let history: Vec<&str> = saved["filter_history"]
        .as_array()
        .expect("a filter history")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(
        history.contains(&"priority:high") && history.contains(&"priority:low"),
        "both processes' history: {history:?}"
    );
}

/// `unshare -rm` can mount a tmpfs here, or the test says why it cannot
/// run: a failure, unless `TRIAGE_E2E_WITHOUT_UNSHARE=1` opts out.
fn namespaces_work() -> bool {
    let ok = Command::new("unshare")
        .args(["-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"])
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return true;
    }
    let msg = "THIS TEST DID NOT RUN: `unshare -rm` cannot mount a tmpfs here, \
               so a full or read-only state directory cannot be made";
    if std::env::var_os("TRIAGE_E2E_WITHOUT_UNSHARE").is_some() {
        eprintln!("{msg} (TRIAGE_E2E_WITHOUT_UNSHARE is set)");
        false
    } else {
        panic!("{msg}; set TRIAGE_E2E_WITHOUT_UNSHARE=1 to skip it knowingly");
    }
}

/// `triage` in a pty, exec'd inside a user and mount namespace where
/// `home/state` (its XDG_STATE_HOME) is a tmpfs mounted with `options`,
/// filled to the last byte first when `fill`.
fn open_in_namespace(
    handle: &ServerHandle,
    home: &Path,
    options: &str,
    fill: bool,
    extra_env: &[(&str, &str)],
) -> Tui {
    let state = home.join("state");
    std::fs::create_dir_all(&state).unwrap();
    let config = home.join("config.toml");
    std::fs::write(&config, "").unwrap();
    let script = "mount -t tmpfs -o \"$1\" tmpfs \"$2\" || exit 97; \
                  if [ \"$3\" = fill ]; then cat /dev/zero > \"$2/fill\" 2>/dev/null; fi; \
                  shift 3; exec \"$@\"";
    let base_url = handle.base_url();
    let args = [
        "-rm",
        "sh",
        "-c",
        script,
        "sh",
        options,
        state.to_str().unwrap(),
        if fill { "fill" } else { "as-is" },
        env!("CARGO_BIN_EXE_triage"),
        "--base-url",
        &base_url,
        "--filter",
        FILTER,
    ];
    let mut env = vec![
        ("TRIAGE_API_KEY", DEMO_KEY),
        ("TRIAGE_CONFIG", config.to_str().unwrap()),
        ("HOME", home.to_str().unwrap()),
        ("XDG_STATE_HOME", state.to_str().unwrap()),
    ];
    env.extend_from_slice(extra_env);
    Tui::spawn_program("unshare", &args, &env, 160, 32)
}

/// With the draft unsavable for `why`, `n` then `n` sends nothing and says
/// the text is gone; `n` then `y` sends it, on the agent's word.
fn unsavable_state_dir(options: &str, fill: bool, why: &str) {
    if !namespaces_work() {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let handle = runtime.block_on(start_server(60));
    let (id, number) = first_row(&handle);
    let home = tempfile::tempdir().unwrap();
    let env = editor(home.path(), "e.sh", "printf 'Note E\\n' >> \"$1\"\n");
    let mut tui = open_in_namespace(&handle, home.path(), options, fill, env);
    tui.wait_for("the first page", |s| footer_line(s).contains("page 1/"));
    tui.wait_text(&format!("#{number}"));
    tui.press("n");
    tui.wait_text("cannot be kept as a draft");
    // What really happened, in the agent's words and the system's.
    tui.wait_text(why);
    tui.wait_text("the text is lost");
    tui.wait_text(&format!("Send the note to #{number} anyway?"));
    tui.press("n");
    tui.wait_text("not sent, and not kept: the note is gone");
    assert_eq!(handle.requests_to(POST), 0, "nothing sent without a yes");
    tui.press("n");
    tui.wait_text("cannot be kept as a draft");
    tui.press("y");
    tui.wait_text(&format!("#{number}: note sent"));
    assert_eq!(handle.requests_to(POST), 1);
    assert_eq!(notes_with(&handle, id, "Note E"), 1);
    tui.press("q");
    tui.wait_exit();
}

#[test]
fn a_full_state_directory_sends_a_note_only_when_the_agent_says_so() {
    unsavable_state_dir("size=64k", true, "No space left on device");
}

#[test]
fn a_read_only_state_directory_sends_a_note_only_when_the_agent_says_so() {
    unsavable_state_dir("ro", false, "Read-only file system");
}
