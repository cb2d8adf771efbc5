//! Canned replies in the update step: `R` offers them in a picker (typing
//! narrows, `Enter` opens the editor filled in, `Esc` or an empty choice
//! starts blank), a reply's own key opens it directly, a placeholder
//! without a value stays visible and the question before sending names it,
//! an unknown one is refused with carets, a ticket's own draft is never
//! overwritten, and marked tickets each get their own filled copy.

use crossterm::event::KeyCode;
use triage::api::types::Contact;
use triage::app::replies;
use triage::app::triage::{Dialog, PickKind};
use triage::app::{Msg, State, update};
use triage::config::{Drafts, ReplyDef};
use triage::filter::EntityRef;
use triage::model::MessageKind;
use uuid::Uuid;

use crate::support::keys::{ch, ctrl, press, type_text};
use crate::support::triage_fixtures::*;
use crate::support::ui_fixtures;
use crate::triage_write::{compose_request, edited, mark_first, posts, save_asked};

const THANKS: &str = "Hi {{requester_name}},\n\nthanks for \"{{subject}}\" (#{{number}}).\n{{me}}";

fn reply(name: &str, body: &str, key: Option<&str>) -> ReplyDef {
    ReplyDef {
        name: name.into(),
        body: body.into(),
        key: key.map(Into::into),
        profile: None,
    }
}

fn contact_of(n: i64) -> Uuid {
    Uuid::from_u128(0xc0_0000 + n as u128)
}

/// Rows with contacts, replies configured, `me` set.
fn state(defs: &[ReplyDef]) -> State {
    let mut state = state_with_rows("", 20, 60, |t| {
        t.contact_id = Some(contact_of(t.ticket_number))
    });
    state.triage.drafts = Some(Drafts::new("/drafts-of-the-test"));
    state.me = Some(EntityRef::Name("Grace Hopper".into()));
    let (entries, _) = replies::load(defs, &state.keymap, &[]);
    state.replies = entries;
    state
}

/// The contact of row `n` as the server would answer it.
fn contact_loaded(state: &mut State, n: usize, name: &str) {
    let id = row(state, n).contact_id.unwrap();
    let mut fx = Vec::new();
    state.contacts.want(Some(id), false, &mut fx);
    assert!(!fx.is_empty(), "asked for");
    update(
        state,
        Msg::ContactLoaded {
            id,
            result: Ok(Some(Contact {
                id,
                name: name.into(),
                email: Some(format!("{}@example.com", name.to_lowercase())),
                company: None,
            })),
        },
        ui_fixtures::clock(),
    );
}

/// The answer to the contact of row `n` asked for by the UI itself.
fn contact_answer(state: &mut State, n: usize, name: Option<&str>) -> Vec<triage::app::Effect> {
    let id = row(state, n).contact_id.unwrap();
    assert!(state.contacts.is_asked(id), "the UI asked for it");
    let contact = name.map(|name| Contact {
        id,
        name: name.into(),
        email: None,
        company: None,
    });
    update(
        state,
        Msg::ContactLoaded {
            id,
            result: Ok(contact),
        },
        ui_fixtures::clock(),
    )
}

fn compose_of(fx: &[triage::app::Effect]) -> Option<&triage::app::triage::ComposeRequest> {
    fx.iter().find_map(|e| match e {
        triage::app::Effect::Compose(request) => Some(&**request),
        _ => None,
    })
}

fn picker_labels(state: &State) -> Vec<String> {
    match state.triage_dialog() {
        Some(Dialog::Pick {
            kind: PickKind::Reply,
            picker,
            ..
        }) => picker
            .visible()
            .iter()
            .map(|&i| picker.items()[i].label.clone())
            .collect(),
        other => panic!("expected the replies' picker, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn r_offers_the_replies_typing_narrows_and_enter_opens_them_filled_in() {
    let mut state = state(&[
        reply("Thanks", THANKS, None),
        reply("Logs", "Send logs", None),
    ]);
    contact_loaded(&mut state, 0, "Ada");
    let ticket = row(&state, 0);

    let fx = ch(&mut state, 'R');
    assert!(
        !fx.iter()
            .any(|e| matches!(e, triage::app::Effect::Compose(_))),
        "the picker comes first"
    );
    assert_eq!(picker_labels(&state), ["blank reply", "Thanks", "Logs"]);
    // Each reply is told apart by its words, not by a greeting that all
    // of them share: the body goes on past its first line.
    let Some(Dialog::Pick { picker, .. }) = state.triage_dialog() else {
        unreachable!()
    };
    assert_eq!(
        picker.items()[1].note.as_deref(),
        Some("Hi {{requester_name}}, thanks for \"{{subject}}\" (#{{number}}). {{me}}")
    );
    type_text(&mut state, "than");
    assert_eq!(picker_labels(&state), ["Thanks"]);
    let request = compose_request(&press(&mut state, KeyCode::Enter));
    assert!(state.triage_dialog().is_none());
    assert!(request.prefilled);
    let expected = format!(
        "Hi Ada,\n\nthanks for \"{}\" (#{}).\nGrace Hopper",
        ticket.subject, ticket.ticket_number
    );
    assert!(
        request.template.starts_with(&format!("{expected}\n#")),
        "{}",
        request.template
    );

    // Sent as it is: it is what was picked (after the usual question).
    let fx = edited(&mut state, &request, &request.template.clone());
    assert!(save_asked(&fx).is_some(), "a draft like any other");
    match state.triage_dialog() {
        Some(Dialog::Send(d)) => assert!(d.leftovers.is_none(), "{d:?}"),
        other => panic!("expected the question, got {other:?}"),
    }
    let sent = posts(&ch(&mut state, 'y'));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].2.kind, MessageKind::Reply);
    assert_eq!(sent[0].2.body, expected);
}

#[tokio::test(start_paused = true)]
async fn a_placeholder_without_a_value_stays_visible_and_the_question_names_it() {
    // The contact asked for as the picker opened is not on the server.
    let mut state = state(&[reply("Thanks", THANKS, None)]);
    ch(&mut state, 'R');
    type_text(&mut state, "Thanks");
    assert!(compose_of(&press(&mut state, KeyCode::Enter)).is_none());
    let request = compose_request(&contact_answer(&mut state, 0, None));
    assert!(
        request.template.starts_with("Hi {{requester_name}},"),
        "{}",
        request.template
    );
    assert!(
        request
            .template
            .contains("# {{requester_name}} has no value here: fill it in"),
        "{}",
        request.template
    );
    edited(&mut state, &request, &request.template.clone());
    match state.triage_dialog() {
        Some(Dialog::Send(d)) => assert_eq!(
            d.leftovers.as_deref(),
            Some(
                "It still holds {{requester_name}}: sent as written unless you decline and fill it in."
            )
        ),
        other => panic!("expected the question, got {other:?}"),
    }
    // Declined: nothing goes, the draft stays.
    assert!(posts(&ch(&mut state, 'n')).is_empty());

    // Filled in by the agent: no word about placeholders.
    let request = compose_request(&ch(&mut state, 'R'));
    assert!(!request.prefilled, "the draft opens, not the picker");
    edited(&mut state, &request, "Hi Ada,\nthanks.\n");
    match state.triage_dialog() {
        Some(Dialog::Send(d)) => assert!(d.leftovers.is_none()),
        other => panic!("expected the question, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_reply_written_by_hand_with_braces_also_asks_about_them() {
    let mut state = state(&[]);
    let request = compose_request(&ch(&mut state, 'R'));
    edited(&mut state, &request, "Dear {{ name }}, see {{x\n");
    match state.triage_dialog() {
        Some(Dialog::Send(d)) => assert_eq!(
            d.leftovers.as_deref(),
            Some(
                "It still holds {{name}}, {{: sent as written unless you decline and fill them in."
            )
        ),
        other => panic!("expected the question, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn an_unknown_placeholder_is_refused_with_carets_and_nothing_opens() {
    let mut state = state(&[reply(
        "Typo",
        "Hi {{requester_name}},\nsee #{{numbr}}",
        None,
    )]);
    ch(&mut state, 'R');
    type_text(&mut state, "Typo");
    let fx = press(&mut state, KeyCode::Enter);
    assert!(
        !fx.iter()
            .any(|e| matches!(e, triage::app::Effect::Compose(_)))
    );
    match state.triage_dialog() {
        Some(Dialog::Problem { title, text }) => {
            assert_eq!(title, "reply 'Typo'");
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(
                lines[0],
                "body line 2, column 6: unknown placeholder {{numbr}}"
            );
            assert_eq!(lines[1], "    see #{{numbr}}");
            assert_eq!(lines[2], "         ^^^^^^^^^");
        }
        other => panic!("expected the problem, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn esc_or_an_empty_choice_starts_blank() {
    let mut state = state(&[reply("Thanks", THANKS, None)]);
    ch(&mut state, 'R');
    let request = compose_request(&press(&mut state, KeyCode::Esc));
    assert!(!request.prefilled);
    assert!(
        request.template.starts_with("\n# Reply"),
        "{}",
        request.template
    );

    ch(&mut state, 'R');
    type_text(&mut state, "zzz");
    assert!(picker_labels(&state).is_empty());
    let request = compose_request(&press(&mut state, KeyCode::Enter));
    assert!(!request.prefilled);

    ch(&mut state, 'R');
    let request = compose_request(&press(&mut state, KeyCode::Enter));
    assert!(!request.prefilled, "the first item is the blank reply");
    // Unchanged blank template: cancelled as always.
    edited(&mut state, &request, &request.template.clone());
    assert!(state.notice.as_deref().unwrap().starts_with("cancelled"));
}

#[tokio::test(start_paused = true)]
async fn without_replies_r_opens_the_editor_at_once() {
    let mut state = state(&[]);
    let request = compose_request(&ch(&mut state, 'R'));
    assert!(!request.prefilled);
    assert!(state.triage_dialog().is_none());
}

#[tokio::test(start_paused = true)]
async fn a_replys_own_key_opens_it_directly_and_a_draft_is_never_overwritten() {
    let mut state = state(&[reply("Thanks", THANKS, Some("ctrl-t"))]);
    // `?` lists it under "Your keys".
    assert!(
        triage::app::help::your_keys(&state)
            .contains(&("Ctrl-t".to_string(), "reply: Thanks".to_string())),
        "{:?}",
        triage::app::help::your_keys(&state)
    );
    contact_loaded(&mut state, 0, "Ada");
    let request = compose_request(&ctrl(&mut state, 't'));
    assert!(request.prefilled);
    assert!(
        request.template.starts_with("Hi Ada,"),
        "{}",
        request.template
    );

    // The ticket has an unsent reply of its own: it opens, as without
    // canned replies, and the key says so.
    let id = row(&state, 0).id;
    state.triage.draft_ids.insert((id, MessageKind::Reply));
    let request = compose_request(&ch(&mut state, 'R'));
    assert!(!request.prefilled && state.triage_dialog().is_none());
    let request = compose_request(&ctrl(&mut state, 't'));
    assert!(!request.prefilled);
    assert_eq!(
        state.notice.as_deref(),
        Some("your unsent reply draft opens instead of 'Thanks'")
    );
}

#[tokio::test(start_paused = true)]
async fn marked_tickets_get_the_body_as_written_and_each_its_own_copy() {
    let mut state = state(&[reply("Thanks", THANKS, None)]);
    contact_loaded(&mut state, 0, "Ada");
    let marked = mark_first(&mut state, 2);
    let (first, second) = (row(&state, 0), row(&state, 1));
    ch(&mut state, 'R');
    type_text(&mut state, "Thanks");
    let request = compose_request(&press(&mut state, KeyCode::Enter));
    assert!(request.template.starts_with(THANKS), "{}", request.template);
    assert!(
        request
            .template
            .contains("# The placeholders are filled for each ticket when it is sent")
    );
    let fx = edited(&mut state, &request, &request.template.clone());
    // The set's draft holds the text as written, never a ticket's fill.
    assert_eq!(save_asked(&fx).unwrap().body, THANKS);
    match state.triage_dialog() {
        Some(Dialog::Send(d)) => assert!(
            d.question.ends_with(&format!(
                "#{} would still hold {{{{requester_name}}}}: sent as written.",
                second.ticket_number
            )),
            "{}",
            d.question
        ),
        other => panic!("expected the bulk question, got {other:?}"),
    }
    let sent = posts(&ch(&mut state, 'y'));
    assert_eq!(sent.len(), 2);
    let body_of = |id: Uuid| sent.iter().find(|p| p.1 == id).unwrap().2.body.clone();
    assert!(body_of(marked[0]).starts_with("Hi Ada,"));
    assert!(body_of(marked[0]).contains(&format!("(#{})", first.ticket_number)));
    assert!(body_of(marked[1]).starts_with("Hi {{requester_name}},"));
    assert!(body_of(marked[1]).contains(&format!("(#{})", second.ticket_number)));
}

fn with_macro(state: &mut State, key: &str, actions: &str) {
    let defs = [triage::config::MacroDef {
        name: "Ack".into(),
        key: Some(key.into()),
        actions: actions.into(),
        profile: None,
    }];
    let (entries, problems) = triage::app::macros::load(&defs, &state.keymap, &[]);
    assert!(problems.is_empty(), "{problems:?}");
    state.macros = entries;
}

/// Every PATCH among `fx` answered as the server would.
fn answer_all(state: &mut State, fx: &[triage::app::Effect]) -> Vec<triage::app::Effect> {
    let rows: Vec<_> = (0..20).map(|i| row(state, i)).collect();
    let mut out = Vec::new();
    for (w, id, patch) in writes(fx) {
        let before = rows.iter().find(|t| t.id == id).unwrap();
        out.extend(answer(state, w, Ok(server_row(before, &patch))));
    }
    out
}

const ACK: &str = "Hi {{requester_name}}, #{{number}} is now {{status}}.";

#[tokio::test(start_paused = true)]
async fn a_macro_with_a_reply_asks_first_then_replies_after_its_patch() {
    let mut state = state(&[reply("Thanks", ACK, None)]);
    with_macro(&mut state, "ctrl-k", "priority:urgent reply:thanks");
    contact_loaded(&mut state, 0, "Ada");
    let ticket = row(&state, 0);
    let fx = ctrl(&mut state, 'k');
    assert!(
        writes(&fx).is_empty() && posts(&fx).is_empty(),
        "asks first"
    );
    match state.triage_dialog() {
        Some(Dialog::Confirm { question, .. }) => assert_eq!(
            question,
            &format!(
                "Run 'Ack' on #{}? It sends the reply 'Thanks' (the customer sees it).",
                ticket.ticket_number
            )
        ),
        other => panic!("expected the question, got {other:?}"),
    }
    // No: nothing at all.
    let fx = ch(&mut state, 'n');
    assert!(writes(&fx).is_empty() && posts(&fx).is_empty());

    ctrl(&mut state, 'k');
    let fx = ch(&mut state, 'y');
    assert_eq!(writes(&fx).len(), 1);
    assert!(posts(&fx).is_empty(), "the reply waits for the PATCH");
    let fx = answer_all(&mut state, &fx);
    let sent = posts(&fx);
    assert_eq!(sent.len(), 1, "{fx:?}");
    assert_eq!(sent[0].2.kind, MessageKind::Reply);
    assert_eq!(
        sent[0].2.body,
        format!(
            "Hi Ada, #{} is now {}.",
            ticket.ticket_number, ticket.status_name
        )
    );
}

#[tokio::test(start_paused = true)]
async fn a_macro_reply_over_marks_is_named_in_the_question_and_filled_per_ticket() {
    let mut state = state(&[reply("Thanks", ACK, None)]);
    with_macro(&mut state, "ctrl-k", "priority:urgent reply:Thanks");
    contact_loaded(&mut state, 0, "Ada");
    contact_loaded(&mut state, 1, "Bo");
    let marked = mark_first(&mut state, 2);
    ctrl(&mut state, 'k');
    match state.triage_dialog() {
        Some(Dialog::Confirm { question, .. }) => assert!(
            question.contains("reply 'Thanks' (the customer sees it)"),
            "{question}"
        ),
        other => panic!("expected the bulk question, got {other:?}"),
    }
    let fx = ch(&mut state, 'y');
    let fx = answer_all(&mut state, &fx);
    let sent = posts(&fx);
    assert_eq!(sent.len(), 2, "{fx:?}");
    let body_of = |id: Uuid| sent.iter().find(|p| p.1 == id).unwrap().2.body.clone();
    assert!(body_of(marked[0]).starts_with("Hi Ada, #"), "{sent:?}");
    assert!(body_of(marked[1]).starts_with("Hi Bo, #"), "{sent:?}");
}

#[tokio::test(start_paused = true)]
async fn a_macro_that_only_replies_sends_no_patch() {
    let mut state = state(&[reply("Thanks", ACK, None)]);
    with_macro(&mut state, "ctrl-k", "reply:Thanks");
    let number = row(&state, 0).ticket_number;
    ctrl(&mut state, 'k');
    match state.triage_dialog() {
        // The requester has not loaded: the question says what stays.
        Some(Dialog::Confirm { question, .. }) => assert!(
            question.ends_with(&format!(
                "#{number} would still hold {{{{requester_name}}}}: sent as written."
            )),
            "{question}"
        ),
        other => panic!("expected the question, got {other:?}"),
    }
    let fx = ch(&mut state, 'y');
    assert!(writes(&fx).is_empty());
    let sent = posts(&fx);
    assert_eq!(sent.len(), 1);
    assert!(sent[0].2.body.starts_with("Hi {{requester_name}}, #"));
}

/// `R` asks for the requester as its picker opens; a reply chosen before
/// the name is there waits for it and opens filled in; any key in between
/// gives up waiting (the editor never opens over what the agent turned to).
#[tokio::test(start_paused = true)]
async fn a_reply_chosen_before_the_requester_loads_waits_for_the_name() {
    let mut state = state(&[reply("Thanks", THANKS, None)]);
    let fx = ch(&mut state, 'R');
    let contact = row(&state, 0).contact_id.unwrap();
    assert!(
        fx.iter()
            .any(|e| matches!(e, triage::app::Effect::FetchContact { id } if *id == contact)),
        "the picker asks for the requester: {fx:?}"
    );
    type_text(&mut state, "Thanks");
    assert!(compose_of(&press(&mut state, KeyCode::Enter)).is_none());
    assert!(
        state
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("waits for the requester of #")),
        "{:?}",
        state.notice
    );
    let fx = contact_answer(&mut state, 0, Some("Ada Lovelace"));
    let request = compose_of(&fx).expect("the editor opens once the name is there");
    assert!(
        request.template.starts_with("Hi Ada Lovelace,"),
        "{}",
        request.template
    );

    // Another ticket, another wait: a key in between gives it up.
    let mut state = self::state(&[reply("Thanks", THANKS, None)]);
    ch(&mut state, 'R');
    type_text(&mut state, "Thanks");
    assert!(compose_of(&press(&mut state, KeyCode::Enter)).is_none());
    ch(&mut state, 'Ü'); // bound to nothing: still a key
    assert_eq!(
        state.notice.as_deref(),
        Some("stopped waiting: 'Thanks' was not opened")
    );
    let fx = contact_answer(&mut state, 0, Some("Ada Lovelace"));
    assert!(compose_of(&fx).is_none(), "nothing opens after a key");
    assert!(state.triage.reply_waiting.is_none());

    // A click gives it up too.
    let mut state = self::state(&[reply("Thanks", THANKS, None)]);
    ch(&mut state, 'R');
    type_text(&mut state, "Thanks");
    assert!(compose_of(&press(&mut state, KeyCode::Enter)).is_none());
    update(
        &mut state,
        Msg::Mouse(crossterm::event::MouseEvent {
            kind: crossterm::event::MouseEventKind::ScrollDown,
            column: 10,
            row: 10,
            modifiers: crossterm::event::KeyModifiers::NONE,
        }),
        ui_fixtures::clock(),
    );
    let fx = contact_answer(&mut state, 0, Some("Ada Lovelace"));
    assert!(compose_of(&fx).is_none(), "nothing opens after a click");
}

/// The reply's contact waits its turn behind another (the route not yet
/// known to work): the reply waits for it too; and when the other's answer
/// finds the route missing (the one waited for is then never asked), the
/// reply opens at once with the placeholder left to fill.
#[tokio::test(start_paused = true)]
async fn a_reply_waits_for_a_contact_still_queued_and_opens_when_the_route_is_missing() {
    for route_missing in [false, true] {
        let mut state = state(&[reply("Thanks", THANKS, None)]);
        // Row 1's contact goes first (the detail, a column): row 0's queues.
        let other = row(&state, 1).contact_id.unwrap();
        let mut fx = Vec::new();
        state.contacts.want(Some(other), false, &mut fx);
        ch(&mut state, 'R');
        type_text(&mut state, "Thanks");
        assert!(compose_of(&press(&mut state, KeyCode::Enter)).is_none());
        assert!(state.triage.reply_waiting.is_some(), "queued is waited for");
        let result = match route_missing {
            true => Err(triage::app::FetchError::NotSupported),
            false => Ok(Some(Contact {
                id: other,
                name: "Other".into(),
                email: None,
                company: None,
            })),
        };
        let fx = update(
            &mut state,
            Msg::ContactLoaded { id: other, result },
            ui_fixtures::clock(),
        );
        if route_missing {
            let request = compose_of(&fx).expect("opens: the name will never come");
            assert!(request.template.starts_with("Hi {{requester_name}},"));
        } else {
            assert!(compose_of(&fx).is_none(), "its own contact is asked now");
            let fx = contact_answer(&mut state, 0, Some("Ada"));
            let request = compose_of(&fx).expect("opens with the name");
            assert!(
                request.template.starts_with("Hi Ada,"),
                "{}",
                request.template
            );
        }
    }
}
