//! `/` search and the `:` filter line, end to end: a search narrows the
//! list to exactly the server's answer; a bad date in the filter line is
//! refused with a caret before any request; a filter the server rejects
//! (400) is named on the status line.

use std::collections::BTreeSet;

use triage::server::{self, ServerHandle};

use crate::support::*;

/// `GET /tickets` as the UI sends it for a search: (total, ticket numbers
/// of page 1).
async fn server_answer(handle: &ServerHandle, query: &str) -> (u64, Vec<i64>) {
    let url = format!("{}/tickets", handle.base_url());
    let body: serde_json::Value = reqwest::Client::new()
        .get(url)
        .bearer_auth(server::DEMO_KEY)
        // The server's default order (updated_at desc) is the UI's.
        .query(&[("query", query), ("page", "1"), ("per_page", "50")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let total = body["meta"]["total"].as_u64().unwrap();
    let numbers = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["ticket_number"].as_i64().unwrap())
        .collect();
    (total, numbers)
}

/// A word of some subject that the server finds in a few tickets (one
/// page of them, so no prefetch runs behind the test's back).
async fn a_narrow_word(handle: &ServerHandle) -> (String, u64, Vec<i64>) {
    let words: BTreeSet<String> = handle.with_data(|d| {
        d.tickets
            .iter()
            .flat_map(|t| t.subject.split_whitespace())
            .map(|w| w.to_lowercase())
            .filter(|w| w.len() >= 6 && w.chars().all(|c| c.is_ascii_alphabetic()))
            .collect()
    });
    for word in words.into_iter().take(40) {
        let (total, numbers) = server_answer(handle, &word).await;
        if (2..=30).contains(&total) {
            return (word, total, numbers);
        }
    }
    panic!("no subject word matches between 2 and 30 tickets");
}

/// Ticket numbers in the table's rows, top to bottom.
fn numbers_on_screen(screen: &str) -> Vec<i64> {
    screen
        .lines()
        .filter_map(|row| {
            let rest = row.strip_prefix('#')?;
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_narrows_the_list_and_the_filter_line_refuses_a_bad_date() {
    let handle = start_server(100).await;
    let (word, total, expected) = a_narrow_word(&handle).await;
    let home = tempfile::tempdir().unwrap();
    // One page of 100: nothing is prefetched behind the test's back.
    std::fs::write(
        home.path().join("config.toml"),
        "[profiles.t]\nper_page = 100\n",
    )
    .unwrap();
    let tui = open_ui_with(&handle, home.path(), &[], &[], 120, 40).await;
    let agents: Vec<String> =
        handle.with_data(|d| d.users.iter().map(|u| u.name.clone()).collect());

    let mut tui = tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        tui.wait_for("the first page", |s| {
            footer_line(s).contains("page 1/1 · 100 tickets")
        });
        // Agents' names drawn: the background catalog load is over.
        tui.wait_for("the names", |s| {
            let text = s.contents();
            agents.iter().any(|a| text.contains(a.as_str()))
        });
        tui.press("/");
        tui.wait_text("\"phrase\"  or  -word");
        tui
    })
    .await
    .unwrap();
    let before_search = handle.request_count();
    let word_typed = word.clone();
    let mut tui = tokio::task::spawn_blocking(move || {
        tui.press(&word_typed);
        let wanted = format!("page 1/1 · {total} tickets");
        // Rows are the server's answer, in its order, and the header shows
        // the search.
        tui.wait_for("the search's answer", |s| {
            let shown = s.contents();
            footer_line(s).contains(&wanted)
                && numbers_on_screen(&shown) == expected
                && shown.contains(&format!(" filter: {word_typed}"))
        });
        tui.press("\r");
        tui.wait_for("the hints back", |s| s.contents().contains("? help"));
        tui
    })
    .await
    .unwrap();
    // One request for the whole word (the answer fits one page, so no
    // prefetch follows, and nothing else was on its way).
    let sent = handle.request_count() - before_search;
    assert_eq!(
        sent,
        1,
        "{sent} requests for a {}-letter search",
        word.len()
    );

    // A bad date: a caret under it, the message, and no request at all;
    // first written without its colon, which would be search text.
    let before = handle.request_count();
    let mut tui = tokio::task::spawn_blocking(move || {
        tui.press(":");
        tui.wait_text(" : ");
        tui.press("\x15"); // Ctrl-u: clear the line
        tui.press("status:open created>2024-13-45");
        tui.wait_text(" : status:open created>2024-13-45");
        tui.press("\r");
        tui.wait_text("did you mean created:>2024-13-45?");
        let carets = format!("{}{}", " ".repeat(" : status:open ".len()), "^".repeat(18));
        tui.wait_for("the caret under the token", |s| {
            s.contents().lines().any(|l| l.trim_end() == carets)
        });
        tui.press("\x15");
        tui.press("status:open created:>2024-13-45");
        tui.wait_text("created:>2024-13-45");
        tui.press("\r");
        tui.wait_text("'2024-13-45' is not a date");
        // The line is still open and the caret sits under the date.
        let col = " : status:open created:>".len();
        let carets = format!("{}{}", " ".repeat(col), "^".repeat(10));
        tui.wait_for("the caret under the date", |s| {
            let screen = s.contents();
            let lines: Vec<&str> = screen.lines().collect();
            lines
                .iter()
                .position(|l| l.starts_with(" : status:open created:>"))
                .is_some_and(|input| {
                    lines.get(input + 1).map(|l| l.trim_end()) == Some(carets.as_str())
                })
        });
        tui
    })
    .await
    .unwrap();
    assert_eq!(
        handle.request_count(),
        before,
        "a refused filter sends nothing"
    );

    // A custom field the server does not have: its 400 is named.
    let status = tokio::task::spawn_blocking(move || {
        tui.press("\x15");
        tui.press("field:nosuch=1");
        tui.wait_text(" : field:nosuch=1");
        tui.press("\r");
        tui.wait_text("server refused field:nosuch=1");
        tui.press("q");
        tui.wait_exit()
    })
    .await
    .unwrap();
    assert!(status.success(), "exit status {status:?}");
    handle.shutdown().await;
}
