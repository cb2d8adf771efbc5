//! A canned reply in the real binary: the detail loads the requester from
//! `GET /contacts/{id}`, `R` offers `[[replies]]`, and the reply picked
//! reaches the server with `{{requester_name}}` filled in (the editor, a
//! script here, leaves it as it opened: a picked reply is sent unchanged).

use triage::model::{AuthorType, StatusCategory};

use crate::support::*;

const FILTER: &str = "status:open sort:created order:asc";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_canned_reply_reaches_the_server_with_the_requesters_name() {
    let handle = start_server(60).await;
    let (id, number, name) = first_row_given_a_contact(&handle);
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "[[replies]]\nname = \"Thanks\"\nbody = \"Hi {{requester_name}}, about #{{number}}: on it.\"\n",
    )
    .unwrap();
    let editor = home.path().join("editor.sh");
    std::fs::write(&editor, "#!/bin/sh\nexit 0\n").unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let editor: &'static str = Box::leak(format!("'{}'", editor.display()).into_boxed_str());
    let env: &'static [(&str, &str)] = Box::leak(vec![("EDITOR", editor)].into_boxed_slice());
    let tui = open_ui_with(&handle, home.path(), &["--filter", FILTER], env, 120, 32).await;
    let field = format!("requester {name}");
    tokio::task::spawn_blocking(move || {
        let mut tui = tui;
        tui.wait_for("the first page", |s| footer_line(s).contains("page 1/"));
        tui.wait_text(&format!("#{number}"));
        tui.press("\r");
        tui.wait_text(&field);
        tui.press("R");
        tui.wait_text(&format!("Reply to #{number}"));
        tui.press("Thanks");
        tui.press("\r");
        tui.wait_text(&format!("Send reply to #{number} (customer sees it)?"));
        tui.press("y");
        tui.wait_text(&format!("#{number}: reply sent"));
        tui.press("q");
        assert!(tui.wait_exit().success());
    })
    .await
    .unwrap();
    let last = handle.with_data(|d| d.ticket(id).unwrap().messages.to_vec().pop().unwrap());
    assert_eq!(last.author_type, AuthorType::Agent);
    assert_eq!(last.body, format!("Hi {name}, about #{number}: on it."));
}

/// The first row of `FILTER`, given the first contact: (id, number, the
/// contact's name).
fn first_row_given_a_contact(handle: &triage::server::ServerHandle) -> (uuid::Uuid, i64, String) {
    let mut out = None;
    handle.with_data_mut(|d| {
        let contact = d.contacts[0].clone();
        let first = d
            .tickets
            .iter()
            .filter(|t| d.category_of(t) == StatusCategory::Open)
            .min_by_key(|t| (t.created_at, t.id))
            .map(|t| t.id)
            .unwrap();
        let t = d.tickets.iter_mut().find(|t| t.id == first).unwrap();
        t.contact_id = Some(contact.id);
        out = Some((t.id, t.ticket_number, contact.name));
    });
    out.unwrap()
}
