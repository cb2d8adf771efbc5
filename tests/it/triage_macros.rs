//! Macros in the update step: a macro's key and the `m` picker, one PATCH
//! per ticket carrying every change, the note after it, confirmation and
//! a 429 over marks, undo (not of the note), and mistakes shown with
//! carets before anything is sent.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;
use tokio::time::Instant;
use triage::api::Catalog;
use triage::api::types::{NewMessage, Ticket, TicketPatch, UpdatedTicket};
use triage::app::macros;
use triage::app::triage::{Dialog, Outcome, WriteError};
use triage::app::{Effect, Msg, State, update};
use triage::config::MacroDef;
use triage::filter::{Aliases, FieldAlias};
use triage::model::{FieldType, MessageKind, PriorityLevel, StatusCategory};
use triage::ui::ColorMode;
use uuid::Uuid;

use crate::support::keys::{ch, key, press, type_text};
use crate::support::screen::{draw, text};
use crate::support::triage_fixtures::*;
use crate::support::ui_fixtures;

const BILLING: u128 = 0x1b01;
const SUPPORT: u128 = 0x1b02;
const REFUND: u128 = 0x7a01;
const VIP: u128 = 0x7a02;
const PRO: u128 = 0xf002;

const ESCALATE: &str = r#"status:Investigating priority:Urgent assignee:"Ana Souza" inbox:Billing +tag:vip -tag:refund field:plan=Pro"#;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn macro_catalog() -> Catalog {
    let mut aliases = Aliases::default();
    for (i, name) in AGENTS.iter().enumerate() {
        aliases.users.insert(name.to_string(), user_id(i as u32));
    }
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
    let mut c = Catalog::from_aliases(aliases);
    let all: Vec<Ticket> = (1..=20).map(ticket).collect();
    c.learn_from_tickets(&all);
    c
}

fn def(name: &str, key: Option<&str>, actions: &str) -> MacroDef {
    MacroDef {
        name: name.into(),
        key: key.map(str::to_string),
        actions: actions.into(),
        profile: None,
    }
}

/// Page 1 of 60 tickets, all in Support, with these macros.
fn macro_state(defs: &[MacroDef]) -> State {
    let mut state = state_with_rows("", 20, 60, |t| t.inbox_id = Some(id(SUPPORT)))
        .with_names(Arc::new(macro_catalog()));
    let (entries, problems) = macros::load(defs, &state.keymap, &[]);
    assert!(problems.is_empty(), "{problems:?}");
    state.macros = entries;
    state
}

fn ctrl(state: &mut State, c: char) -> Vec<Effect> {
    key(
        state,
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
    )
}

fn posts(fx: &[Effect]) -> Vec<(u64, Uuid, NewMessage, bool)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::PostMessage { write, id, message } => {
                Some((*write, *id, message.clone(), false))
            }
            _ => None,
        })
        .collect()
}

fn patched(state: &mut State, write: u64, row: &Ticket, patch: &TicketPatch) -> Vec<Effect> {
    let mut t = server_row(row, patch);
    if let Some(inbox) = patch.inbox_id {
        t.inbox_id = Some(inbox);
    }
    if let Some(a) = patch.assignee_id {
        t.assignee_id = a;
    }
    update(
        state,
        Msg::TicketUpdated {
            write,
            result: Ok(Box::new(UpdatedTicket {
                ticket: t,
                tags: None,
                custom_fields: None,
            })),
        },
        ui_fixtures::clock(),
    )
}

fn posted(state: &mut State, write: u64, result: Result<(), WriteError>) -> Vec<Effect> {
    update(
        state,
        Msg::MessagePosted {
            write,
            result: result.map(|()| None),
        },
        ui_fixtures::clock(),
    )
}

fn the_full_patch() -> serde_json::Value {
    json!({
        "status_id": macro_catalog().statuses().iter().find(|s| s.name == "Investigating").unwrap().id,
        "priority_id": urgent_id(),
        "assignee_id": user_id(0),
        "inbox_id": id(BILLING),
        "add_tag_ids": [id(VIP)],
        "remove_tag_ids": [id(REFUND)],
        "custom_fields": {"plan": id(PRO)},
    })
}

#[tokio::test(start_paused = true)]
async fn a_macro_key_sends_every_change_in_one_patch_and_undo_puts_them_back() {
    let mut state = macro_state(&[def("Escalate", Some("ctrl-b"), ESCALATE)]);
    let before = row(&state, 0);
    let fx = ctrl(&mut state, 'b');
    let sent = writes(&fx);
    assert_eq!(sent.len(), 1, "one PATCH: {fx:?}");
    let (w, ticket, patch) = sent[0].clone();
    assert_eq!(ticket, before.id);
    assert_eq!(serde_json::to_value(&patch).unwrap(), the_full_patch());
    assert!(posts(&fx).is_empty(), "no note in this macro");
    // Shown at once.
    let shown = row(&state, 0);
    assert_eq!(shown.priority, PriorityLevel::Urgent);
    assert_eq!(shown.status, StatusCategory::InProgress);
    assert_eq!(shown.inbox_id, Some(id(BILLING)));
    assert_eq!(shown.assignee_id, Some(user_id(0)));
    patched(&mut state, w, &before, &patch);
    assert_eq!(state.notice.as_deref(), Some("#1001: Escalate"));

    // Nothing was known of its custom fields: the plan cannot be named
    // back, so undo says so rather than half-undoing.
    let fx = ch(&mut state, 'U');
    assert!(writes(&fx).is_empty());
    assert!(
        state
            .last_error
            .as_ref()
            .is_some_and(|e| e.message.contains("cannot undo")),
        "{:?}",
        state.last_error
    );
}

#[tokio::test(start_paused = true)]
async fn undo_of_a_macro_sends_the_previous_values_of_every_field_it_touched() {
    let actions = "priority:Urgent inbox:Billing +tag:vip assignee:none";
    let mut state = macro_state(&[def("Hot", Some("ctrl-b"), actions)]);
    let before = row(&state, 1);
    ch(&mut state, 'j');
    let fx = ctrl(&mut state, 'b');
    let (w, _, patch) = writes(&fx)[0].clone();
    patched(&mut state, w, &before, &patch);
    let fx = ch(&mut state, 'U');
    let back = writes(&fx);
    assert_eq!(back.len(), 1, "{:?}", state.last_error);
    assert_eq!(
        serde_json::to_value(&back[0].2).unwrap(),
        json!({
            "priority_id": before.priority_id,
            "assignee_id": before.assignee_id,
            "inbox_id": id(SUPPORT),
            "remove_tag_ids": [id(VIP)],
        })
    );
    assert_eq!(row(&state, 1).priority, before.priority, "shown at once");
}

#[tokio::test(start_paused = true)]
async fn the_note_follows_the_patch_never_touches_drafts_and_is_not_undone() {
    let actions = r#"priority:Urgent note:"Escalated to billing""#;
    let mut state = macro_state(&[def("Escalate", Some("ctrl-b"), actions)]);
    let before = row(&state, 0);
    let fx = ctrl(&mut state, 'b');
    assert!(posts(&fx).is_empty(), "the note waits for the PATCH");
    let (w, _, patch) = writes(&fx)[0].clone();
    let fx = patched(&mut state, w, &before, &patch);
    let notes = posts(&fx);
    assert_eq!(notes.len(), 1, "{fx:?}");
    let (nw, ticket, message, with_drafts) = notes[0].clone();
    assert_eq!(ticket, before.id);
    assert_eq!(message.kind, MessageKind::Note);
    assert_eq!(message.body, "Escalated to billing");
    assert!(
        !with_drafts,
        "a macro's note must not remove the agent's draft"
    );
    posted(&mut state, nw, Ok(()));
    assert_eq!(state.notice.as_deref(), Some("#1001: Escalate (note sent)"));
    // `U` undoes the priority (the note stays).
    let fx = ch(&mut state, 'U');
    let back = writes(&fx);
    assert_eq!(back.len(), 1, "{:?} {:?}", state.notice, state.last_error);
    assert_eq!(back[0].2.priority_id, before.priority_id);
}

#[tokio::test(start_paused = true)]
async fn a_failed_patch_rolls_back_and_sends_no_note() {
    let actions = r#"priority:Urgent note:"x""#;
    let mut state = macro_state(&[def("Escalate", Some("ctrl-b"), actions)]);
    let before = row(&state, 0);
    let fx = ctrl(&mut state, 'b');
    let (w, _, _) = writes(&fx)[0].clone();
    let fx = answer(
        &mut state,
        w,
        Err(WriteError::Failed {
            message: "500 Internal Server Error".into(),
            hint: None,
        }),
    );
    assert!(posts(&fx).is_empty());
    assert_eq!(row(&state, 0), before, "rolled back");
    assert!(
        state
            .last_error
            .as_ref()
            .is_some_and(|e| e.message.contains("#1001 was not changed"))
    );
}

#[tokio::test(start_paused = true)]
async fn over_marks_it_asks_once_survives_a_429_and_notes_every_ticket() {
    let actions = r#"priority:Urgent +tag:vip note:"seen""#;
    let mut state = macro_state(&[def("Escalate", Some("ctrl-b"), actions)]);
    let rows: Vec<Ticket> = (0..3).map(|i| row(&state, i)).collect();
    for _ in 0..3 {
        ch(&mut state, ' ');
    }
    let fx = ctrl(&mut state, 'b');
    assert!(writes(&fx).is_empty(), "asks first");
    let Some(Dialog::Confirm { question, .. }) = state.triage_dialog() else {
        panic!("confirmation: {:?}", state.modal);
    };
    assert_eq!(
        question,
        "Run 'Escalate' on 3 tickets (priority Urgent · +vip · note)?"
    );
    let fx = ch(&mut state, 'y');
    let sent = writes(&fx);
    assert_eq!(sent.len(), 3);
    assert!(
        sent.iter()
            .all(|(_, _, p)| p.add_tag_ids == vec![id(VIP)] && p.priority_id == Some(urgent_id()))
    );
    patched(&mut state, sent[0].0, &rows[0], &sent[0].2);
    let retry_at = Instant::now() + Duration::from_secs(5);
    answer(
        &mut state,
        sent[1].0,
        Err(WriteError::RateLimited { retry_at }),
    );
    patched(&mut state, sent[2].0, &rows[2], &sent[2].2);
    tokio::time::advance(Duration::from_secs(5)).await;
    let fx = update(&mut state, Msg::Tick, ui_fixtures::clock());
    let again = writes(&fx);
    assert_eq!(again.len(), 1, "the 429'd ticket, once");
    assert_eq!(again[0].1, rows[1].id);
    let fx = patched(&mut state, again[0].0, &rows[1], &again[0].2);
    let Some(Dialog::Report { job, .. }) = state.triage_dialog() else {
        panic!("report: {:?}", state.modal);
    };
    assert_eq!(job.outcomes, vec![Some(Outcome::Changed); 3]);
    assert!(state.triage.marks.is_empty(), "done with: unmarked");
    // Then the note, once per ticket.
    let notes = posts(&fx);
    assert_eq!(notes.len(), 3, "{fx:?}");
    let mut noted: Vec<Uuid> = notes.iter().map(|n| n.1).collect();
    noted.sort();
    assert_eq!(noted, rows.iter().map(|t| t.id).collect::<Vec<_>>());
    for (w, ..) in &notes {
        posted(&mut state, *w, Ok(()));
    }
    assert_eq!(
        state.notice.as_deref(),
        Some("Escalate: note: 3 notes sent")
    );
    // Undo reaches the three PATCHes.
    press(&mut state, KeyCode::Esc);
    ch(&mut state, 'U');
    let Some(Dialog::Confirm { question, .. }) = state.triage_dialog() else {
        panic!("undo asks: {:?}", state.modal);
    };
    assert_eq!(question, "Undo 'Escalate' on 3 tickets?");
}

#[tokio::test(start_paused = true)]
async fn the_m_picker_lists_macros_and_runs_the_chosen_one() {
    let mut state = macro_state(&[
        def("Escalate", Some("ctrl-b"), "priority:Urgent"),
        def("Calm down", None, "priority:Low"),
    ]);
    ch(&mut state, 'm');
    let Some(Dialog::Pick { picker, .. }) = state.triage_dialog() else {
        panic!("picker: {:?}", state.modal);
    };
    let labels: Vec<_> = picker.items().iter().map(|i| i.label.clone()).collect();
    assert_eq!(labels, ["Escalate", "Calm down"]);
    let drawn = text(&draw(&state, ColorMode::TrueColor));
    assert!(
        drawn.contains("Ctrl-b · priority:Urgent") || drawn.contains("ctrl-b · priority:Urgent"),
        "{drawn}"
    );
    type_text(&mut state, "calm");
    let fx = press(&mut state, KeyCode::Enter);
    let sent = writes(&fx);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].2.priority_id,
        macro_catalog()
            .priorities()
            .iter()
            .find(|p| p.name == "Low")
            .map(|p| p.id)
    );
}

#[tokio::test(start_paused = true)]
async fn a_bad_macro_says_where_with_carets_and_sends_nothing() {
    let mut state = macro_state(&[def("Typo", Some("ctrl-b"), "priority:Urgent +tag:nosuch")]);
    let fx = ctrl(&mut state, 'b');
    assert!(writes(&fx).is_empty());
    let Some(Dialog::Problem {
        title,
        text: problem,
    }) = state.triage_dialog()
    else {
        panic!("problem: {:?}", state.modal);
    };
    assert_eq!(title, "macro 'Typo'");
    let lines: Vec<&str> = problem.lines().collect();
    assert_eq!(lines[0], "priority:Urgent +tag:nosuch");
    assert_eq!(lines[1], "                     ^^^^^^");
    assert!(lines[2].contains("nosuch"), "{problem}");
    let drawn = text(&draw(&state, ColorMode::TrueColor));
    assert!(drawn.contains("^^^^^^"), "{drawn}");
    // Any key closes it; nothing changed.
    let fx = ch(&mut state, 'x');
    assert!(state.modal.is_none());
    assert!(writes(&fx).is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_syntax_error_is_kept_and_shown_when_run() {
    let defs = [def("Broken", Some("ctrl-b"), r#"note:"unclosed"#)];
    let mut state = state_with("", 20, 60).with_names(Arc::new(macro_catalog()));
    let (entries, problems) = macros::load(&defs, &state.keymap, &[]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    state.macros = entries;
    let fx = ctrl(&mut state, 'b');
    assert!(writes(&fx).is_empty());
    assert!(matches!(
        state.triage_dialog(),
        Some(Dialog::Problem { .. })
    ));
}

#[tokio::test(start_paused = true)]
async fn a_snooze_is_read_against_the_clock_when_run() {
    let mut state = macro_state(&[def("Later", Some("ctrl-b"), "snooze:4h")]);
    let clock = ui_fixtures::clock();
    let fx = update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::CONTROL)),
        clock,
    );
    let (_, _, patch) = writes(&fx)[0].clone();
    assert_eq!(
        patch.remind_at,
        Some(Some(clock.wall + chrono::Duration::hours(4)))
    );
    let waiting = macro_catalog()
        .statuses()
        .iter()
        .find(|s| s.category == StatusCategory::Waiting)
        .map(|s| s.id);
    assert_eq!(patch.status_id, waiting);
    assert!(
        patch.remind_transition_status_id.is_some(),
        "back to an open status"
    );
}

#[tokio::test(start_paused = true)]
async fn a_note_alone_posts_without_a_patch() {
    let mut state = macro_state(&[def("Ack", Some("ctrl-b"), r#"note:"Looking into it""#)]);
    let fx = ctrl(&mut state, 'b');
    assert!(writes(&fx).is_empty());
    let notes = posts(&fx);
    assert_eq!(notes.len(), 1);
    assert!(
        fx.iter().all(|e| !matches!(e, Effect::SaveDraft { .. })),
        "no draft involved"
    );
    assert_eq!(notes[0].2.body, "Looking into it");
    let fx = update(
        &mut state,
        Msg::MessagePosted {
            write: notes[0].0,
            result: Ok(None),
        },
        ui_fixtures::clock(),
    );
    assert!(
        fx.iter().all(|e| !matches!(e, Effect::RemoveDraft { .. })),
        "the agent's own draft of a note on this ticket is not the macro's"
    );
}

#[tokio::test(start_paused = true)]
async fn without_macros_m_says_how_to_add_one() {
    let mut state = macro_state(&[]);
    ch(&mut state, 'm');
    assert!(state.modal.is_none());
    assert!(
        state
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("[[macros]]"))
    );
}

#[tokio::test(start_paused = true)]
async fn a_macro_key_before_the_names_load_says_wait_and_runs_once_they_have() {
    use triage::app::state::NamesStatus;
    let mut state = state_with_rows("", 20, 60, |t| t.inbox_id = Some(id(SUPPORT)));
    let (entries, problems) = macros::load(
        &[def("Escalate", Some("ctrl-b"), ESCALATE)],
        &state.keymap,
        &[],
    );
    assert!(problems.is_empty(), "{problems:?}");
    state.macros = entries;
    // The page is on screen, the workspace's names are on their way.
    state.names_status = NamesStatus::Loading(1);
    let fx = ctrl(&mut state, 'b');
    assert!(writes(&fx).is_empty());
    assert!(
        state.modal.is_none(),
        "no 'unknown status' problem: {:?}",
        state.modal
    );
    let error = state.last_error.clone().expect("a word on why nothing ran");
    assert!(
        error.message.contains("still loading") && error.message.contains("Ctrl-b"),
        "{}",
        error.message
    );
    assert!(!error.message.contains("unknown"), "{}", error.message);

    update(
        &mut state,
        Msg::NamesLoaded {
            generation: 1,
            loaded: Some(triage::app::NamesLoaded {
                names: Arc::new(macro_catalog()),
                incomplete: false,
                retry_at: None,
            }),
        },
        ui_fixtures::clock(),
    );
    let fx = ctrl(&mut state, 'b');
    assert_eq!(writes(&fx).len(), 1, "{fx:?}");

    // Loaded and still unknown: that is the config's mistake, said as such.
    let mut state = macro_state(&[def("Typo", Some("ctrl-b"), "+tag:nosuch")]);
    ctrl(&mut state, 'b');
    assert!(matches!(
        state.triage_dialog(),
        Some(Dialog::Problem { .. })
    ));
}
