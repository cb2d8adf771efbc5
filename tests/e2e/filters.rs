//! The filter panes in the real binary: open them, pick a status and a tag,
//! apply, and the rows on screen are the server's answer for that filter.

use triage::api::{ApiClient, ApiKey, ClientOptions};
use triage::server;

use crate::support::*;

/// Ticket numbers (`#123`) on the screen, top to bottom.
fn numbers_on_screen(text: &str) -> Vec<i64> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(at) = rest.find('#') {
            rest = &rest[at + 1..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse() {
                out.push(n);
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pick_a_status_and_a_tag_and_the_list_is_the_servers_answer() {
    let handle = start_server(1500).await;
    let vip = handle.with_data(|d| d.tags.iter().find(|t| t.name == "vip").unwrap().id);
    // What the server answers for "waiting and tagged vip", in its order.
    let client = ApiClient::new(ClientOptions::new(
        handle.base_url(),
        ApiKey::new(server::DEMO_KEY),
    ))
    .unwrap();
    let pairs = vec![
        ("status".to_string(), "waiting".to_string()),
        ("tag_ids".to_string(), vip.to_string()),
    ];
    let answer = client.list_tickets(&pairs, 1, 100).await.unwrap();
    let expected: Vec<i64> = answer.tickets.iter().map(|t| t.ticket_number).collect();
    assert!(
        (2..=30).contains(&expected.len()),
        "the data should give a few tickets, all on one screen: {}",
        expected.len()
    );

    let home = tempfile::tempdir().unwrap();
    let tui = open_ui(&handle, home.path(), &[], 120, 40).await;
    let screen = tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        tui.wait_for("the first page", |s| footer_line(s).contains("page 1/"));
        tui.press("f");
        tui.wait_text("Filters");
        // Status: narrow to a waiting status, Space picks its category.
        tui.press("parts");
        tui.wait_text("/ parts");
        tui.press(" ");
        tui.wait_text("[x] ● Awaiting parts");
        tui.press("\x1b");
        tui.wait_for("the narrowing to clear", |s| {
            !s.contents().contains("/ parts")
        });
        // Tags, four panes on.
        tui.press("\t\t\t\t");
        tui.wait_text("┌ Tags");
        tui.press("vip");
        tui.wait_text("/ vip");
        tui.press(" ");
        tui.wait_text("[x] ● vip");
        tui.press("\x1b");
        tui.wait_for("the narrowing to clear", |s| {
            !s.contents().contains("/ vip")
        });
        tui.press("\r");
        let total = format!(
            "{} {}",
            expected.len(),
            if expected.len() == 1 {
                "ticket"
            } else {
                "tickets"
            }
        );
        // The panel stays open beside the list, with the applied request.
        tui.wait_for(&format!("the filtered list: {total}, {expected:?}"), |s| {
            let text = s.contents();
            text.contains(&format!(" {total} · sort"))
                && numbers_on_screen(&text) == expected
                && text.contains("Filters")
                && text.contains("status=waiting&tag_ids=")
        });
        let shown = tui.contents();
        tui.press("q");
        shown
    })
    .await
    .unwrap();
    // The panel is still open beside the list, with the applied request.
    assert!(screen.contains("Filters"), "{screen}");
    assert!(screen.contains("status=waiting&tag_ids="), "{screen}");
    handle.shutdown().await;
}
