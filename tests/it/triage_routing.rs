//! `i` `l` `e` in the update step: the PATCH each sends, single and over
//! marks, what undo sends back (tags by the inverse change, from what was
//! known), rollback, a 429 mid-bulk, a server without the fields (404) and
//! the detail shown live from the PATCH answer.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::KeyCode;
use serde_json::json;
use tokio::time::Instant;
use triage::api::Catalog;
use triage::api::types::{Tag, TicketDetail, UpdatedTicket};
use triage::app::state::Loadable;
use triage::app::triage::known::Known;
use triage::app::triage::{Dialog, Outcome, WriteError};
use triage::app::{Msg, State, update};
use triage::filter::{Aliases, FieldAlias};
use triage::model::FieldType;
use triage::ui::ColorMode;
use uuid::Uuid;

use crate::support::keys::{ch, press, type_text};
use crate::support::screen::{draw, text};
use crate::support::triage_fixtures::*;
use crate::support::ui_fixtures;

// Tags, inboxes and fields in name order, as the aliases list them.
const BILLING: u128 = 0x1b01;
const SUPPORT: u128 = 0x1b02;
const REFUND: u128 = 0x7a01;
const VIP: u128 = 0x7a02;
const PRO: u128 = 0xf002;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn routing_catalog() -> Catalog {
    let mut aliases = Aliases::default();
    aliases.inboxes.insert("Billing".into(), id(BILLING));
    aliases.inboxes.insert("Support".into(), id(SUPPORT));
    aliases.tags.insert("refund".into(), id(REFUND));
    aliases.tags.insert("vip".into(), id(VIP));
    aliases.fields.insert(
        "plan".into(),
        FieldAlias {
            field_type: FieldType::Select,
            options: [
                ("Free".to_string(), id(0xf001)),
                ("Pro".to_string(), id(PRO)),
            ]
            .into_iter()
            .collect(),
        },
    );
    aliases.fields.insert(
        "seats".into(),
        FieldAlias {
            field_type: FieldType::Number,
            options: Default::default(),
        },
    );
    Catalog::from_aliases(aliases)
}

pub(crate) fn routing_state() -> State {
    state_with_rows("", 20, 60, |t| t.inbox_id = Some(id(SUPPORT)))
        .with_names(Arc::new(routing_catalog()))
}

fn tag(n: u128, name: &str) -> Tag {
    Tag {
        id: id(n),
        name: name.into(),
        color: None,
    }
}

/// The server's answer: the row, with these tags and fields.
fn rich(
    row: &triage::api::types::Ticket,
    tags: Vec<Tag>,
    fields: serde_json::Value,
) -> UpdatedTicket {
    UpdatedTicket {
        ticket: row.clone(),
        tags: Some(tags),
        custom_fields: fields.as_object().cloned(),
    }
}

fn reply(
    state: &mut State,
    write: u64,
    result: Result<UpdatedTicket, WriteError>,
) -> Vec<triage::app::Effect> {
    update(
        state,
        Msg::TicketUpdated {
            write,
            result: result.map(Box::new),
        },
        ui_fixtures::clock(),
    )
}

fn open_detail_with(state: &mut State, tags: Vec<Tag>, fields: serde_json::Value) {
    press(state, KeyCode::Enter);
    let d = state.detail.as_ref().expect("detail open");
    let (generation, ticket) = (d.generation, d.ticket.clone());
    update(
        state,
        Msg::DetailLoaded {
            generation,
            result: Ok(Box::new(TicketDetail {
                ticket,
                tags,
                custom_fields: fields.as_object().cloned().unwrap_or_default(),
            })),
        },
        ui_fixtures::clock(),
    );
}

fn detail_tags(state: &State) -> Vec<String> {
    match &state.detail.as_ref().expect("detail").detail {
        Loadable::Loaded(d) => d.tags.iter().map(|t| t.name.clone()).collect(),
        other => panic!("detail not loaded: {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn tags_on_one_ticket_are_relative_shown_live_and_undone_from_what_it_had() {
    let mut state = routing_state();
    // The detail says the ticket carries "refund" only.
    open_detail_with(&mut state, vec![tag(REFUND, "refund")], json!({}));
    ch(&mut state, 'l');
    let Some(Dialog::Pick { picker, .. }) = state.triage_dialog() else {
        panic!("tag picker: {:?}", state.modal);
    };
    let notes: Vec<_> = picker.items().iter().map(|i| i.note.clone()).collect();
    assert_eq!(notes, [Some("1/1".to_string()), Some("0/1".to_string())]);
    // refund: add → remove; vip: add.
    press(&mut state, KeyCode::Char(' '));
    press(&mut state, KeyCode::Char(' '));
    press(&mut state, KeyCode::Down);
    press(&mut state, KeyCode::Char(' '));
    let fx = press(&mut state, KeyCode::Enter);
    let sent = writes(&fx);
    assert_eq!(sent.len(), 1, "{fx:?}");
    let (w, _, patch) = sent[0].clone();
    assert_eq!(patch.add_tag_ids, vec![id(VIP)]);
    assert_eq!(patch.remove_tag_ids, vec![id(REFUND)]);
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        json!({"add_tag_ids": [id(VIP)], "remove_tag_ids": [id(REFUND)]})
    );
    // The detail changes when the server says so, not before.
    assert_eq!(detail_tags(&state), ["refund"]);
    let row0 = row(&state, 0);
    reply(
        &mut state,
        w,
        Ok(rich(&row0, vec![tag(VIP, "vip")], json!({}))),
    );
    assert_eq!(detail_tags(&state), ["vip"]);
    assert_eq!(state.notice.as_deref(), Some("#1001 tagged +vip −refund"));

    // Undo: vip goes (it was not there), refund comes back (it was).
    let fx = ch(&mut state, 'U');
    let (_, _, back) = writes(&fx)[0].clone();
    assert_eq!(back.remove_tag_ids, vec![id(VIP)]);
    assert_eq!(back.add_tag_ids, vec![id(REFUND)]);
}

#[tokio::test(start_paused = true)]
async fn bulk_tags_count_what_is_known_skip_known_no_ops_and_survive_a_429() {
    let mut state = routing_state();
    // Ticket 1's tags are known (it has vip); the other two are not.
    open_detail_with(&mut state, vec![tag(VIP, "vip")], json!({}));
    press(&mut state, KeyCode::Esc);
    for _ in 0..3 {
        press(&mut state, KeyCode::Char(' '));
    }
    ch(&mut state, 'l');
    press(&mut state, KeyCode::Down);
    let Some(Dialog::Pick { picker, .. }) = state.triage_dialog() else {
        panic!("tag picker");
    };
    assert_eq!(picker.items()[1].note.as_deref(), Some("1/3 · 2 unknown"));
    let buf = draw(&state, ColorMode::TrueColor);
    press(&mut state, KeyCode::Char(' '));
    let drawn = text(&draw(&state, ColorMode::TrueColor));
    assert!(drawn.contains("[+] vip 1/3 · 2 unknown"), "{drawn}");
    assert!(text(&buf).contains("[ ] vip"), "before Space");
    press(&mut state, KeyCode::Enter);
    let Some(Dialog::Confirm { question, .. }) = state.triage_dialog() else {
        panic!("confirmation: {:?}", state.modal);
    };
    assert_eq!(question, "Tag 3 tickets: +vip?");
    let fx = press(&mut state, KeyCode::Char('y'));
    let sent = writes(&fx);
    // The one known to carry vip gets no request.
    assert_eq!(sent.len(), 2, "{sent:?}");
    let retry_at = Instant::now() + Duration::from_secs(5);
    let first = row(&state, 1);
    reply(
        &mut state,
        sent[0].0,
        Ok(rich(&first, vec![tag(VIP, "vip")], json!({}))),
    );
    let fx = reply(
        &mut state,
        sent[1].0,
        Err(WriteError::RateLimited { retry_at }),
    );
    assert!(writes(&fx).is_empty(), "held for the wait");
    tokio::time::advance(Duration::from_secs(5)).await;
    let fx = update(&mut state, Msg::Tick, ui_fixtures::clock());
    let again = writes(&fx);
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].1, sent[1].1, "the 429'd ticket, once");
    let second = row(&state, 2);
    reply(
        &mut state,
        again[0].0,
        Ok(rich(&second, vec![tag(VIP, "vip")], json!({}))),
    );
    let Some(Dialog::Report { job, .. }) = state.triage_dialog() else {
        panic!("report: {:?}", state.modal);
    };
    assert_eq!(
        job.outcomes,
        vec![
            Some(Outcome::Already),
            Some(Outcome::Changed),
            Some(Outcome::Changed)
        ]
    );
    // Undo over the two changed: their tags before were never seen, so the
    // plain inverse.
    press(&mut state, KeyCode::Esc);
    ch(&mut state, 'U');
    let fx = press(&mut state, KeyCode::Char('y'));
    let undo = writes(&fx);
    assert_eq!(undo.len(), 2);
    assert!(
        undo.iter()
            .all(|(_, _, p)| p.remove_tag_ids == vec![id(VIP)] && p.add_tag_ids.is_empty())
    );
}

#[tokio::test(start_paused = true)]
async fn move_to_inbox_rolls_back_on_failure_and_undo_puts_it_back() {
    let mut state = routing_state();
    let before = row(&state, 0);
    ch(&mut state, 'i');
    type_text(&mut state, "bill");
    let fx = press(&mut state, KeyCode::Enter);
    let (w, _, patch) = writes(&fx)[0].clone();
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        json!({"inbox_id": id(BILLING)})
    );
    assert_eq!(row(&state, 0).inbox_id, Some(id(BILLING)), "optimistic");
    answer(
        &mut state,
        w,
        Err(WriteError::Failed {
            message: "server error (500)".into(),
            hint: None,
        }),
    );
    assert_eq!(row(&state, 0), before, "rolled back");
    assert!(
        state
            .last_error
            .as_ref()
            .unwrap()
            .message
            .contains("was not changed")
    );

    ch(&mut state, 'i');
    type_text(&mut state, "bill");
    let fx = press(&mut state, KeyCode::Enter);
    let (w, _, _) = writes(&fx)[0].clone();
    let mut moved = before.clone();
    moved.inbox_id = Some(id(BILLING));
    answer(&mut state, w, Ok(moved));
    assert_eq!(state.notice.as_deref(), Some("#1001 → Billing"));
    let fx = ch(&mut state, 'U');
    let (_, _, back) = writes(&fx)[0].clone();
    assert_eq!(back.inbox_id, Some(id(SUPPORT)));
    assert_eq!(row(&state, 0).inbox_id, Some(id(SUPPORT)));
}

#[tokio::test(start_paused = true)]
async fn a_field_is_set_by_its_editor_shown_live_and_undone_to_its_old_value() {
    let mut state = routing_state();
    open_detail_with(&mut state, vec![], json!({"seats": 3}));
    // e → seats (a number): a typo is refused before anything is sent.
    ch(&mut state, 'e');
    press(&mut state, KeyCode::Down);
    press(&mut state, KeyCode::Enter);
    assert!(matches!(state.triage_dialog(), Some(Dialog::FieldEdit(_))));
    press(&mut state, KeyCode::Backspace);
    type_text(&mut state, "x");
    let fx = press(&mut state, KeyCode::Enter);
    assert!(writes(&fx).is_empty());
    let Some(Dialog::FieldEdit(edit)) = state.triage_dialog() else {
        panic!("editor stays open");
    };
    assert_eq!(edit.error.as_deref(), Some("'x' is not a number"));
    press(&mut state, KeyCode::Backspace);
    type_text(&mut state, "12");
    let fx = press(&mut state, KeyCode::Enter);
    let (w, _, patch) = writes(&fx)[0].clone();
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        json!({"custom_fields": {"seats": 12}})
    );
    let row0 = row(&state, 0);
    reply(&mut state, w, Ok(rich(&row0, vec![], json!({"seats": 12}))));
    let Loadable::Loaded(d) = &state.detail.as_ref().unwrap().detail else {
        panic!("detail");
    };
    assert_eq!(d.custom_fields["seats"], 12, "live from the answer");
    assert_eq!(state.notice.as_deref(), Some("#1001: seats = 12"));
    let fx = ch(&mut state, 'U');
    let (w, _, back) = writes(&fx)[0].clone();
    assert_eq!(
        serde_json::to_value(&back).unwrap(),
        json!({"custom_fields": {"seats": 3}})
    );
    // One write per ticket at a time: the next waits for this answer.
    let row0 = row(&state, 0);
    reply(&mut state, w, Ok(rich(&row0, vec![], json!({"seats": 3}))));

    // A select: the option's id; "empty" clears.
    ch(&mut state, 'e');
    press(&mut state, KeyCode::Enter);
    type_text(&mut state, "pro");
    let fx = press(&mut state, KeyCode::Enter);
    let (_, _, patch) = writes(&fx)[0].clone();
    assert_eq!(patch.custom_fields["plan"], json!(id(PRO)));
}

#[tokio::test(start_paused = true)]
async fn a_field_never_seen_cannot_be_undone_and_says_so() {
    let mut state = routing_state();
    ch(&mut state, 'e');
    press(&mut state, KeyCode::Down);
    press(&mut state, KeyCode::Enter);
    type_text(&mut state, "7");
    let fx = press(&mut state, KeyCode::Enter);
    let (w, _, _) = writes(&fx)[0].clone();
    let row0 = row(&state, 0);
    answer(&mut state, w, Ok(row0));
    let fx = ch(&mut state, 'U');
    assert!(writes(&fx).is_empty());
    assert!(
        state
            .last_error
            .as_ref()
            .unwrap()
            .message
            .contains("cannot undo")
    );
}

#[tokio::test(start_paused = true)]
async fn a_server_without_the_fields_turns_off_only_that_action() {
    let mut state = routing_state();
    ch(&mut state, 'l');
    press(&mut state, KeyCode::Char(' '));
    let fx = press(&mut state, KeyCode::Enter);
    let (w, _, _) = writes(&fx)[0].clone();
    answer(&mut state, w, Err(WriteError::NotSupported));
    let err = state.last_error.clone().expect("says why");
    assert!(
        err.message.contains("does not accept tagging tickets"),
        "{err:?}"
    );
    // `l` is off, with the reason; `i` and `p` still go out.
    state.last_error = None;
    let fx = ch(&mut state, 'l');
    assert!(state.triage_dialog().is_none() && writes(&fx).is_empty());
    assert!(
        state
            .last_error
            .as_ref()
            .unwrap()
            .message
            .contains("tagging")
    );
    ch(&mut state, 'p');
    type_text(&mut state, "urgent");
    assert_eq!(writes(&press(&mut state, KeyCode::Enter)).len(), 1);
    ch(&mut state, 'i');
    assert!(matches!(state.triage_dialog(), Some(Dialog::Pick { .. })));
}

#[test]
fn known_tags_make_a_tag_change_a_no_op_only_when_seen() {
    let change = triage::app::triage::Change::Tags {
        add: vec![triage::app::triage::Named {
            id: id(VIP),
            name: "vip".into(),
        }],
        remove: vec![],
    };
    let t = ticket(1);
    assert!(!change.is_no_op(&t, &Known::default()));
    let has = Known {
        tags: Some(vec![id(VIP)]),
        fields: None,
    };
    assert!(change.is_no_op(&t, &has));
}
