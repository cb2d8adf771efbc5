//! Saved views end to end: save a filter as a view with `w`, quit, start
//! again, find it in the bar with its count, open it with `1`.

use crate::support::*;

/// The number before " tickets" in the footer.
fn footer_total(s: &vt100::Screen) -> Option<u64> {
    let footer = footer_line(s);
    let before = footer.split(" tickets").next()?;
    before.rsplit(' ').next()?.parse().ok()
}

const CONFIG: &str = "# my config: comments stay\n\n[ui]\nrelative_times = false # timestamps\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_a_filter_as_a_view_and_open_it_after_a_restart() {
    let handle = start_server(300).await;
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(&config, CONFIG).unwrap();

    // First run: a filter from the command line, saved with `w` + a name.
    let tui = open_ui_with(
        &handle,
        home.path(),
        &["--filter", "priority:urgent"],
        &[],
        120,
        30,
    )
    .await;
    let (urgent, tui) = tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        tui.wait_for("the filtered list", |s| footer_total(s).is_some());
        let urgent = footer_total(tui.screen.0.lock().unwrap().parser.screen()).unwrap();
        tui.press("w");
        tui.wait_text("save as a view");
        tui.press("Hot stuff\r");
        tui.wait_text("saved view 'Hot stuff'");
        // The bar appears with the new view, open and counted.
        tui.wait_for("the bar", |s| {
            s.contents().contains(&format!("1 Hot stuff {urgent}"))
        });
        tui.press("q");
        tui.wait_exit();
        (urgent, tui)
    })
    .await
    .unwrap();
    drop(tui);
    assert!(urgent > 0 && urgent < 300, "the filter filters: {urgent}");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        text.starts_with(CONFIG),
        "the rest of the file is kept:\n{text}"
    );
    assert!(text.contains("name = \"Hot stuff\""), "{text}");
    assert!(text.contains("filter = \"priority:urgent\""), "{text}");
    let backup = home.path().join("config.toml.bak");
    assert_eq!(std::fs::read_to_string(backup).unwrap(), CONFIG);

    // Second run, no flags and the session forgotten (its file deleted,
    // as the README says; else it would reopen on the view): every ticket,
    // the view in the bar with its count; `1` opens it.
    for entry in std::fs::read_dir(home.path().join("triage")).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("session-")
        {
            std::fs::remove_file(path).unwrap();
        }
    }
    let tui = open_ui_with(&handle, home.path(), &[], &[], 120, 30).await;
    tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        tui.wait_for("every ticket", |s| footer_total(s) == Some(300));
        tui.wait_for("the view's count in the bar", |s| {
            s.contents().contains(&format!("1 Hot stuff {urgent}"))
        });
        tui.press("1");
        // The view's filter is the one on screen.
        tui.wait_for("the view's tickets", |s| {
            footer_total(s) == Some(urgent)
                && s.contents().contains("· Hot stuff")
                && s.contents().contains("filter: priority:urgent")
        });
        tui.press("q");
        tui.wait_exit();
    })
    .await
    .unwrap();
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_config_file_is_reported_and_left_alone() {
    let handle = start_server(40).await;
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    let broken = "# mine\n[[views]]\nname = \"A\"\nfilter = \"status:open\n";
    std::fs::write(&config, broken).unwrap();
    let tui = open_ui_with(&handle, home.path(), &[], &[], 120, 30).await;
    tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        // The queue works; the footer names the file, line and column.
        tui.wait_for("the list", |s| footer_total(s) == Some(40));
        tui.wait_text("config.toml:4:22: invalid basic string");
        tui.press("w");
        tui.wait_text("cannot save views: the config file does not parse");
        tui.press("q");
        tui.wait_exit();
    })
    .await
    .unwrap();
    assert_eq!(std::fs::read_to_string(&config).unwrap(), broken);
    assert!(!home.path().join("config.toml.bak").exists());
    handle.shutdown().await;
}
