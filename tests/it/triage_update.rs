//! Triage in the update step, without terminal or network: optimistic
//! changes, rollback, rows that leave the filter, marks across pages, bulk
//! runs through a 429 (on tokio's paused clock), undo, access refusals,
//! next mode, snooze.

use std::collections::HashMap;
use std::time::Duration;

use crossterm::event::KeyCode;
use tokio::time::Instant;
use triage::api::types::{PriorityLevel, StatusCategory};
use triage::app::state::Waiting;
use triage::app::triage::jobs::MAX_IN_FLIGHT;
use triage::app::triage::{Dialog, Outcome, WriteAccess, WriteError, jobs};
use triage::app::{Msg, State, update};
use triage::filter::EntityRef;
use uuid::Uuid;

use crate::support::keys::{ch, press, type_text};
use crate::support::triage_fixtures::*;
use crate::support::ui_fixtures;

/// `p`, "urgent", Enter: the priority picker, narrowed, taken.
fn set_urgent(state: &mut State) -> Vec<triage::app::Effect> {
    ch(state, 'p');
    assert!(matches!(state.triage_dialog(), Some(Dialog::Pick { .. })));
    type_text(state, "urgent");
    press(state, KeyCode::Enter)
}

#[tokio::test(start_paused = true)]
async fn a_change_shows_at_once_and_the_server_answer_confirms_it() {
    let mut state = state_with("", 20, 60);
    let before = row(&state, 0);
    assert_eq!(before.priority, PriorityLevel::Normal);
    let fx = set_urgent(&mut state);
    let sent = writes(&fx);
    assert_eq!(sent.len(), 1, "one PATCH: {fx:?}");
    let (write, id, patch) = sent[0].clone();
    assert_eq!(id, before.id);
    assert_eq!(patch.priority_id, Some(urgent_id()));
    // Optimistic: the row is Urgent before any answer, the cursor unmoved.
    assert!(state.triage_dialog().is_none());
    assert_eq!(row(&state, 0).priority, PriorityLevel::Urgent);
    assert_eq!(row(&state, 0).priority_name, "Urgent");
    assert_eq!(state.list.selected, 0);
    assert!(triage::app::triage::is_pending(&state.triage, id));

    answer(&mut state, write, Ok(server_row(&before, &patch)));
    assert!(!triage::app::triage::is_pending(&state.triage, id));
    assert_eq!(state.notice.as_deref(), Some("#1001 → Urgent"));
    assert_eq!(row(&state, 0).priority, PriorityLevel::Urgent);
    assert!(state.triage.undo.is_some());
}

#[tokio::test(start_paused = true)]
async fn a_failed_change_puts_the_row_back_and_says_why() {
    let mut state = state_with("", 20, 60);
    let before = row(&state, 0);
    let fx = set_urgent(&mut state);
    let (write, _, _) = writes(&fx)[0].clone();
    answer(
        &mut state,
        write,
        Err(WriteError::Failed {
            message: "server answered 500 Internal Server Error".into(),
            hint: Some("the server failed: try again later".into()),
        }),
    );
    assert_eq!(row(&state, 0), before, "rolled back exactly");
    let err = state
        .last_error
        .clone()
        .expect("an error on the status line");
    assert!(err.message.contains("#1001 was not changed"), "{err:?}");
    assert!(err.message.contains("500"), "{err:?}");
    assert!(state.triage.undo.is_none(), "nothing to undo");
}

#[tokio::test(start_paused = true)]
async fn a_row_that_leaves_the_filter_stays_dimmed_until_refresh() {
    // Every fixture ticket with priority Normal: 2, 6, 10, ...
    let mut state = state_with("priority:normal", 20, 60);
    let before = row(&state, 0); // #1001, Normal
    assert_eq!(before.priority, PriorityLevel::Normal);
    let len = state.list.table.tickets().len();
    let fx = set_urgent(&mut state);
    // Still there, same place, cursor on it, but dimmed.
    assert_eq!(state.list.table.tickets().len(), len);
    assert_eq!(state.list.selected, 0);
    assert_eq!(row(&state, 0).id, before.id);
    assert!(jobs::is_dimmed(&state, before.id));
    let (write, _, patch) = writes(&fx)[0].clone();
    answer(&mut state, write, Ok(server_row(&before, &patch)));
    assert!(
        jobs::is_dimmed(&state, before.id),
        "still dimmed once saved"
    );
    assert!(!jobs::is_dimmed(&state, row(&state, 1).id));
    ch(&mut state, 'r');
    assert!(!jobs::is_dimmed(&state, before.id), "a refresh ends it");
}

fn key_down(state: &mut State, n: usize) {
    for _ in 0..n {
        ch(state, 'j');
    }
}

#[tokio::test(start_paused = true)]
async fn marks_are_ids_and_survive_paging() {
    let mut state = state_with("", 10, 30);
    let first = row(&state, 0).id;
    ch(&mut state, ' ');
    assert_eq!(state.list.selected, 1, "Space moves on");
    assert!(state.triage.marks.contains(first));
    // Page 2 arrives (prefetched), mark a range there.
    ui_fixtures::answer_page(&mut state, 0, 2, Ok(page_of(2, 10, 30)));
    ch(&mut state, ']');
    assert_eq!(state.list.page, 2);
    ch(&mut state, ' '); // marks row 0 of page 2, the anchor
    key_down(&mut state, 2);
    ch(&mut state, 'V');
    let page2: Vec<Uuid> = state.list.table.tickets()[..4]
        .iter()
        .map(|t| t.id)
        .collect();
    assert!(state.triage.marks.contains(page2[0]));
    assert!(state.triage.marks.contains(page2[1]));
    assert!(state.triage.marks.contains(page2[3]));
    assert_eq!(state.triage.marks.len(), 1 + 4);
    ch(&mut state, '[');
    assert!(state.triage.marks.contains(first), "marks outlive the page");
    assert_eq!(state.triage.marks.len(), 5);
    // The sort changes the query: marks stay.
    ch(&mut state, 's');
    assert_eq!(state.triage.marks.len(), 5);
    ch(&mut state, 'u');
    assert!(state.triage.marks.is_empty());
}

/// Marks the first `n` rows with `*`-then-unmark: here simply `Space` n times.
fn mark_first(state: &mut State, n: usize) -> Vec<Uuid> {
    ch(state, 'g');
    let ids = state.list.table.tickets()[..n]
        .iter()
        .map(|t| t.id)
        .collect();
    for _ in 0..n {
        ch(state, ' ');
    }
    ids
}

#[tokio::test(start_paused = true)]
async fn a_bulk_run_through_a_429_loses_nothing_and_does_nothing_twice() {
    let mut state = state_without_urgent("", 20, 60);
    let ids = mark_first(&mut state, 7);
    let rows_before: HashMap<Uuid, _> = state.list.table.tickets()[..7]
        .iter()
        .map(|t| (t.id, t.clone()))
        .collect();
    let fx = set_urgent(&mut state);
    assert!(writes(&fx).is_empty(), "asks first");
    match &state.triage_dialog() {
        Some(Dialog::Confirm { question, .. }) => {
            assert_eq!(question, "Set 7 tickets to Urgent?")
        }
        other => panic!("expected a confirmation, got {other:?}"),
    }
    let fx = ch(&mut state, 'y');
    let first = writes(&fx);
    assert_eq!(first.len(), MAX_IN_FLIGHT, "a few at a time");
    assert!(matches!(
        state.triage_dialog(),
        Some(Dialog::Progress { .. })
    ));
    // Every marked row shows the change at once.
    for t in &state.list.table.tickets()[..7] {
        assert_eq!(t.priority, PriorityLevel::Urgent);
    }

    let mut applied: HashMap<Uuid, usize> = HashMap::new();
    let mut ok = |state: &mut State, w: &(u64, Uuid, triage::api::types::TicketPatch)| {
        *applied.entry(w.1).or_default() += 1;
        answer(state, w.0, Ok(server_row(&rows_before[&w.1], &w.2)))
    };
    // Two succeed (each frees a slot: the next ones go out), then a 429.
    let fx1 = ok(&mut state, &first[0]);
    let fx2 = ok(&mut state, &first[1]);
    let refill: Vec<_> = writes(&fx1).into_iter().chain(writes(&fx2)).collect();
    assert_eq!(refill.len(), 2);
    let retry_at = Instant::now() + Duration::from_secs(5);
    let fx = answer(
        &mut state,
        first[2].0,
        Err(WriteError::RateLimited { retry_at }),
    );
    assert!(writes(&fx).is_empty(), "nothing more while rate limited");
    let rl = state.rate_limit.clone().expect("gate closed");
    assert!(rl.waiting.contains(&Waiting::Writes));
    // What was in flight still lands.
    let fx = ok(&mut state, &first[3]);
    assert!(writes(&fx).is_empty());
    for w in &refill {
        let fx = ok(&mut state, w);
        assert!(writes(&fx).is_empty());
    }

    // The wait ends: the rest goes out, the 429'd ticket once more.
    tokio::time::advance(Duration::from_secs(5)).await;
    let fx = update(&mut state, Msg::Tick, ui_fixtures::clock());
    let rest = writes(&fx);
    let rest_ids: Vec<Uuid> = rest.iter().map(|w| w.1).collect();
    assert_eq!(rest.len(), 2, "{rest_ids:?}");
    assert!(rest_ids.contains(&first[2].1), "the 429'd one again");
    for w in &rest {
        ok(&mut state, w);
    }
    // Each marked ticket applied exactly once; the report says so.
    assert_eq!(applied.len(), 7);
    assert!(applied.values().all(|n| *n == 1), "{applied:?}");
    for id in &ids {
        assert!(applied.contains_key(id));
    }
    match &state.triage_dialog() {
        Some(Dialog::Report { job, .. }) => {
            assert_eq!(job.items.len(), 7);
            assert!(
                job.outcomes
                    .iter()
                    .all(|o| matches!(o, Some(Outcome::Changed)))
            );
        }
        other => panic!("expected the report, got {other:?}"),
    }
    press(&mut state, KeyCode::Esc);
    assert!(state.triage_dialog().is_none());
    // Undo of a bulk run asks first, then sends the previous values.
    ch(&mut state, 'U');
    match &state.triage_dialog() {
        Some(Dialog::Confirm { question, .. }) => {
            assert_eq!(question, "Undo 'Set to Urgent' on 7 tickets?")
        }
        other => panic!("expected a confirmation, got {other:?}"),
    }
    let fx = ch(&mut state, 'y');
    let undo = writes(&fx);
    assert_eq!(undo.len(), MAX_IN_FLIGHT);
    for w in &undo {
        let old = &rows_before[&w.1];
        assert_eq!(w.2.priority_id, old.priority_id);
        assert_eq!(
            state
                .list
                .table
                .tickets()
                .iter()
                .find(|t| t.id == w.1)
                .unwrap()
                .priority,
            old.priority
        );
    }
}

#[tokio::test(start_paused = true)]
async fn esc_stops_what_is_not_sent_and_the_report_tells_each_ticket() {
    let mut state = state_without_urgent("", 20, 60);
    mark_first(&mut state, 6);
    let before: Vec<_> = state.list.table.tickets()[..6].to_vec();
    set_urgent(&mut state);
    let fx = ch(&mut state, 'y');
    let sent = writes(&fx);
    assert_eq!(sent.len(), MAX_IN_FLIGHT);
    press(&mut state, KeyCode::Esc);
    // The two not sent went back at once.
    assert_eq!(row(&state, 4), before[4]);
    assert_eq!(row(&state, 5), before[5]);
    let fx = answer(
        &mut state,
        sent[0].0,
        Ok(server_row(&before[0], &sent[0].2)),
    );
    assert!(writes(&fx).is_empty(), "nothing new after Esc");
    answer(
        &mut state,
        sent[1].0,
        Err(WriteError::Failed {
            message: "server answered 409 Conflict".into(),
            hint: None,
        }),
    );
    for w in &sent[2..] {
        let b = before.iter().find(|t| t.id == w.1).unwrap();
        answer(&mut state, w.0, Ok(server_row(b, &w.2)));
    }
    let Some(Dialog::Report { job, .. }) = &state.triage_dialog() else {
        panic!("expected the report, got {:?}", state.triage_dialog());
    };
    let count = |f: fn(&Outcome) -> bool| job.outcomes.iter().flatten().filter(|o| f(o)).count();
    assert_eq!(count(|o| matches!(o, Outcome::Changed)), 3);
    assert_eq!(
        count(|o| matches!(o, Outcome::Failed(m) if m.contains("409"))),
        1
    );
    assert_eq!(count(|o| matches!(o, Outcome::Skipped(_))), 2);
    assert_eq!(row(&state, 1), before[1], "the failed one is back");
    // The changed ones are unmarked; the failed and skipped ones stay
    // marked, to be retried, and the report says so.
    assert_eq!(
        triage::app::triage::jobs::marks_line(job, "u"),
        "3 tickets failed or skipped: still marked to retry (u unmarks)"
    );
    let marked: Vec<Uuid> = state.triage.marks.snapshot().iter().map(|t| t.id).collect();
    let mut expected = vec![sent[1].1, before[4].id, before[5].id];
    expected.sort();
    let mut got = marked.clone();
    got.sort();
    assert_eq!(got, expected);
}

#[tokio::test(start_paused = true)]
async fn undo_sends_the_previous_value_back() {
    let mut state = state_with("", 20, 60);
    let before = row(&state, 0);
    let fx = set_urgent(&mut state);
    let (w, _, patch) = writes(&fx)[0].clone();
    answer(&mut state, w, Ok(server_row(&before, &patch)));
    let fx = ch(&mut state, 'U');
    let sent = writes(&fx);
    assert_eq!(sent.len(), 1, "a single action is undone at once");
    assert_eq!(sent[0].2.priority_id, before.priority_id);
    assert_eq!(sent[0].2.status_id, None, "only the field that changed");
    assert_eq!(row(&state, 0).priority, PriorityLevel::Normal);
    answer(&mut state, sent[0].0, Ok(before.clone()));
    assert_eq!(row(&state, 0), before);
    assert!(state.triage.undo.is_none(), "an undo is not undone");
    ch(&mut state, 'U');
    assert_eq!(state.notice.as_deref(), Some("nothing to undo"));
}

#[tokio::test(start_paused = true)]
async fn undo_pressed_while_saving_undoes_that_change_once_it_is_answered() {
    let mut state = state_with("", 20, 60);
    let before = row(&state, 0);
    let fx = set_urgent(&mut state);
    let (w, _, patch) = writes(&fx)[0].clone();
    // `U` at once: the change is still on its way.
    let fx = ch(&mut state, 'U');
    assert!(writes(&fx).is_empty(), "nothing undone before the answer");
    assert!(
        state
            .notice
            .as_deref()
            .unwrap_or("")
            .contains("undo queued")
    );
    // The answer lands: that change (not an older one) is put back.
    let fx = answer(&mut state, w, Ok(server_row(&before, &patch)));
    let sent = writes(&fx);
    assert_eq!(sent.len(), 1, "{fx:?}");
    assert_eq!(sent[0].2.priority_id, before.priority_id);
    answer(&mut state, sent[0].0, Ok(before.clone()));
    assert_eq!(row(&state, 0), before);
}

#[tokio::test(start_paused = true)]
async fn a_read_only_key_turns_actions_off_and_browsing_stays() {
    let mut state = state_with("", 20, 60);
    let before = row(&state, 0);
    let fx = set_urgent(&mut state);
    let (w, _, _) = writes(&fx)[0].clone();
    answer(
        &mut state,
        w,
        Err(WriteError::ReadOnly {
            message: "insufficient scope".into(),
        }),
    );
    assert_eq!(state.triage.access, WriteAccess::ReadOnly);
    assert_eq!(row(&state, 0), before);
    let msg = state.last_error.clone().unwrap().message;
    assert!(msg.contains("read-only"), "{msg}");
    // Every action now says so without a dialog or a request.
    for c in ['t', 'p', 'a', 'A', 'z', 'U'] {
        state.last_error = None;
        let fx = ch(&mut state, c);
        assert!(writes(&fx).is_empty());
        assert!(state.triage_dialog().is_none(), "{c}");
        assert!(
            state
                .last_error
                .as_ref()
                .is_some_and(|e| e.message.contains("read-only")),
            "{c}"
        );
    }
    ch(&mut state, 'j');
    assert_eq!(state.list.selected, 1, "browsing works");
}

#[tokio::test(start_paused = true)]
async fn a_server_without_patch_says_so() {
    let mut state = state_with("", 20, 60);
    let fx = set_urgent(&mut state);
    let (w, _, _) = writes(&fx)[0].clone();
    answer(&mut state, w, Err(WriteError::NotSupported));
    assert_eq!(state.triage.access, WriteAccess::NoPatch);
    let msg = state.last_error.clone().unwrap().message;
    assert!(msg.contains("does not accept changes"), "{msg}");
}

#[tokio::test(start_paused = true)]
async fn a_write_waiting_for_the_rate_limit_is_sent_once_or_dropped_with_esc() {
    let mut state = state_with("", 20, 60);
    let before = row(&state, 0);
    let fx = set_urgent(&mut state);
    let (w, _, _) = writes(&fx)[0].clone();
    let retry_at = Instant::now() + Duration::from_secs(30);
    answer(&mut state, w, Err(WriteError::RateLimited { retry_at }));
    assert_eq!(
        row(&state, 0).priority,
        PriorityLevel::Urgent,
        "shown pending"
    );
    assert!(triage::app::triage::is_pending(&state.triage, before.id));
    assert!(state.describe_waiting(Waiting::Writes).contains("1 change"));
    // A key that is not Esc does not send it early.
    let fx = ch(&mut state, 'j');
    assert!(writes(&fx).is_empty());
    press(&mut state, KeyCode::Esc);
    assert_eq!(row(&state, 0), before, "dropped: the row is back");
    assert!(!triage::app::triage::is_pending(&state.triage, before.id));
    tokio::time::advance(Duration::from_secs(31)).await;
    let fx = update(&mut state, Msg::Tick, ui_fixtures::clock());
    assert!(writes(&fx).is_empty(), "nothing sent after the wait");

    // Again, and this time the wait ends: sent exactly once.
    ch(&mut state, 'g');
    let fx = set_urgent(&mut state);
    let (w, _, _) = writes(&fx)[0].clone();
    let retry_at = Instant::now() + Duration::from_secs(3);
    answer(&mut state, w, Err(WriteError::RateLimited { retry_at }));
    tokio::time::advance(Duration::from_secs(3)).await;
    let fx = update(&mut state, Msg::Tick, ui_fixtures::clock());
    assert_eq!(writes(&fx).len(), 1);
    let fx = update(&mut state, Msg::Tick, ui_fixtures::clock());
    assert!(writes(&fx).is_empty());
}

#[tokio::test(start_paused = true)]
async fn assign_to_me_needs_me_in_the_config() {
    let mut state = state_with("", 20, 60);
    let fx = ch(&mut state, 'A');
    assert!(writes(&fx).is_empty());
    let err = state.last_error.clone().unwrap();
    assert!(
        err.hint
            .as_deref()
            .unwrap_or("")
            .contains("me = \"Your Name\""),
        "{err:?}"
    );
    state.me = Some(EntityRef::Name("Chen Wei".into()));
    let fx = ch(&mut state, 'A');
    let sent = writes(&fx);
    assert_eq!(sent[0].2.assignee_id, Some(Some(user_id(2))));
    assert_eq!(row(&state, 0).assignee_id, Some(user_id(2)));
}

#[tokio::test(start_paused = true)]
async fn assign_picker_narrows_by_typing_and_unassigns() {
    let mut state = state_with("", 20, 60);
    key_down(&mut state, 1); // #1002 is assigned
    assert!(row(&state, 1).assignee_id.is_some());
    ch(&mut state, 'a');
    type_text(&mut state, "unass");
    let fx = press(&mut state, KeyCode::Enter);
    let (w, _, patch) = writes(&fx)[0].clone();
    assert_eq!(patch.assignee_id, Some(None));
    assert_eq!(row(&state, 1).assignee_id, None);
    // One write per ticket at a time: the next waits for this answer.
    let unassigned = row(&state, 1);
    answer(&mut state, w, Ok(unassigned));
    ch(&mut state, 'a');
    type_text(&mut state, "dana");
    let fx = press(&mut state, KeyCode::Enter);
    assert_eq!(writes(&fx)[0].2.assignee_id, Some(Some(user_id(3))));
}

#[tokio::test(start_paused = true)]
async fn status_picker_groups_by_category_in_the_workspace_colors() {
    let mut state = state_with("", 20, 60);
    ch(&mut state, 't');
    let Some(Dialog::Pick { picker, .. }) = &state.triage_dialog() else {
        panic!("no picker");
    };
    let groups: Vec<_> = picker
        .items()
        .iter()
        .map(|i| (i.group.clone().unwrap(), i.label.clone(), i.color.clone()))
        .collect();
    assert_eq!(
        groups[0],
        ("Open".into(), "New".into(), Some("#3b82f6".into()))
    );
    // The headings and their order are the status pane's.
    let mut headings: Vec<String> = groups.iter().map(|g| g.0.clone()).collect();
    headings.dedup();
    assert_eq!(
        headings,
        ["Open", "In progress", "Waiting", "Resolved", "Closed"]
    );
    type_text(&mut state, "solved");
    let fx = press(&mut state, KeyCode::Enter);
    let sent = writes(&fx);
    assert!(sent[0].2.status_id.is_some());
    assert_eq!(row(&state, 0).status, StatusCategory::Resolved);
    // Esc cancels a picker without a change.
    ch(&mut state, 't');
    press(&mut state, KeyCode::Esc);
    assert!(state.triage_dialog().is_none());
}

#[tokio::test(start_paused = true)]
async fn next_mode_moves_on_to_the_next_ticket_needing_attention() {
    let mut state = state_with("", 20, 60);
    ch(&mut state, 'N');
    assert!(state.triage.next_mode);
    // Row 0 (#1001) changes; row 1 (#1002, in progress) needs attention.
    let fx = set_urgent(&mut state);
    assert_eq!(writes(&fx).len(), 1);
    let now_on = state.selected_ticket().unwrap().clone();
    assert_eq!(state.list.selected, 1, "moved on: {}", now_on.ticket_number);
    // From #1003 (resolved), #1004 (closed) is passed by for #1005 (open).
    key_down(&mut state, 1);
    ch(&mut state, 'A'); // fails (no me) and does not move
    assert_eq!(state.list.selected, 2);
    state.me = Some(EntityRef::Id(user_id(0)));
    ch(&mut state, 'A');
    let next = state.selected_ticket().unwrap();
    assert!(
        !matches!(
            next.status,
            StatusCategory::Resolved | StatusCategory::Closed
        ),
        "#{} {:?}",
        next.ticket_number,
        next.status
    );
    assert_eq!(state.list.selected, 4);
}

#[tokio::test(start_paused = true)]
async fn snooze_sends_waiting_reminder_and_return_status() {
    let mut state = state_with("", 20, 60);
    ch(&mut state, 'z');
    assert!(matches!(state.triage_dialog(), Some(Dialog::Snooze(_))));
    type_text(&mut state, "soonish");
    let fx = press(&mut state, KeyCode::Enter);
    assert!(writes(&fx).is_empty());
    let Some(Dialog::Snooze(d)) = &state.triage_dialog() else {
        panic!("the dialog stays with the error");
    };
    assert!(d.error.as_deref().unwrap_or("").contains("not a time"));
    for _ in 0.."soonish".len() {
        press(&mut state, KeyCode::Backspace);
    }
    type_text(&mut state, "4h");
    let fx = press(&mut state, KeyCode::Enter);
    let sent = writes(&fx);
    assert_eq!(sent.len(), 1);
    let patch = &sent[0].2;
    let until = patch.remind_at.flatten().expect("a reminder");
    let hours = (until - ui_fixtures::wall_now()).num_minutes();
    assert!((235..=240).contains(&hours), "{hours} minutes");
    let c = catalog();
    let waiting = c.status(patch.status_id.unwrap()).unwrap();
    assert_eq!(waiting.category, StatusCategory::Waiting);
    let back = c
        .status(patch.remind_transition_status_id.flatten().unwrap())
        .unwrap();
    assert_eq!(
        back.category,
        StatusCategory::Open,
        "defaults to an open status"
    );
    assert_eq!(row(&state, 0).status, StatusCategory::Waiting);
    assert_eq!(row(&state, 0).remind_at, Some(until));
}

#[tokio::test(start_paused = true)]
async fn undo_names_people_as_the_workspace_spells_them() {
    let mut state = state_with("", 20, 60);
    let before = row(&state, 0);
    ch(&mut state, 'a');
    type_text(&mut state, "bjørn");
    let fx = press(&mut state, KeyCode::Enter);
    let (w, _, patch) = writes(&fx)[0].clone();
    answer(&mut state, w, Ok(server_row(&before, &patch)));
    let fx = ch(&mut state, 'U');
    let (w, _, patch) = writes(&fx)[0].clone();
    let now = row(&state, 0);
    answer(&mut state, w, Ok(server_row(&now, &patch)));
    assert_eq!(
        state.notice.as_deref(),
        Some("#1001: Undo: assign to Bjørn Eriksen")
    );
}

#[tokio::test(start_paused = true)]
async fn a_bulk_question_says_how_many_marks_are_not_on_the_page() {
    let mut state = state_with("", 10, 30);
    mark_first(&mut state, 3);
    ui_fixtures::answer_page(&mut state, 0, 2, Ok(page_of(2, 10, 30)));
    ch(&mut state, ']');
    ch(&mut state, ' '); // one mark in view
    set_urgent(&mut state);
    match &state.triage_dialog() {
        Some(Dialog::Confirm { question, .. }) => {
            assert_eq!(question, "Set 4 tickets (3 not on this page) to Urgent?")
        }
        other => panic!("expected a confirmation, got {other:?}"),
    }
    press(&mut state, KeyCode::Esc);
    ch(&mut state, '[');
    ch(&mut state, 't');
    type_text(&mut state, "solved");
    press(&mut state, KeyCode::Enter);
    match &state.triage_dialog() {
        Some(Dialog::Confirm { question, .. }) => assert_eq!(
            question,
            "Set the status of 4 tickets (1 not on this page) to Solved?"
        ),
        other => panic!("expected a confirmation, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn star_on_a_fully_marked_page_unmarks_it() {
    let mut state = state_with("", 10, 30);
    ch(&mut state, ' ');
    ch(&mut state, '*');
    assert_eq!(state.notice.as_deref(), Some("marked 9 on this page"));
    assert_eq!(state.triage.marks.len(), 10);
    ch(&mut state, '*');
    assert_eq!(state.notice.as_deref(), Some("unmarked 10 on this page"));
    assert!(state.triage.marks.is_empty());
    ch(&mut state, '*');
    assert_eq!(state.triage.marks.len(), 10, "and back");
}

#[tokio::test(start_paused = true)]
async fn priority_picker_lists_urgent_first_like_the_pane() {
    let mut state = state_with("", 20, 60);
    ch(&mut state, 'p');
    let Some(Dialog::Pick { picker, .. }) = &state.triage_dialog() else {
        panic!("no picker");
    };
    let labels: Vec<&str> = picker.items().iter().map(|i| i.label.as_str()).collect();
    assert_eq!(labels, ["Urgent", "High", "Normal", "Low"]);
}

#[tokio::test(start_paused = true)]
async fn a_bulk_run_sends_nothing_for_tickets_that_already_have_the_value() {
    let mut state = state_with("", 20, 60);
    mark_first(&mut state, 4);
    let rows: Vec<_> = state.list.table.tickets()[..4].to_vec();
    let already = rows
        .iter()
        .find(|t| t.priority == PriorityLevel::Urgent)
        .expect("one Urgent among the four")
        .id;
    set_urgent(&mut state);
    let sent = writes(&ch(&mut state, 'y'));
    assert_eq!(sent.len(), 3, "no request for the Urgent one");
    assert!(sent.iter().all(|w| w.1 != already));
    for w in &sent {
        let b = rows.iter().find(|t| t.id == w.1).unwrap();
        answer(&mut state, w.0, Ok(server_row(b, &w.2)));
    }
    let Some(Dialog::Report { job, .. }) = &state.triage_dialog() else {
        panic!("expected the report, got {:?}", state.triage_dialog());
    };
    assert_eq!(
        triage::app::triage::jobs::progress_line(job),
        "4 of 4 tickets · 3 changed · 1 already Urgent"
    );
    let i = job
        .items
        .iter()
        .position(|i| i.before.id == already)
        .unwrap();
    assert_eq!(job.outcomes[i], Some(Outcome::Already));
    assert_eq!(
        triage::app::triage::jobs::marks_line(job, "u"),
        "marks cleared"
    );
    assert!(state.triage.marks.is_empty(), "changed and already: done");
}
