//! The team dialogs drawn into ratatui's `TestBackend` (insta snapshots):
//! the 412 conflict ("changed by someone else") and the traffic cop's
//! question before a reply, with a colleague's message and status change.

use chrono::Duration;
use crossterm::event::KeyCode;
use triage::api::types::{Message, PageMeta, Ticket, TicketDetail};
use triage::app::triage::{ComposeRequest, Composed, Dialog, WriteError};
use triage::app::{Effect, Msg, update};
use triage::config::{DraftId, Drafts};
use triage::model::AuthorType;
use triage::ui::ColorMode;
use uuid::Uuid;

use crate::support::keys::{ch, press, type_text};
use crate::support::screen::{draw, trimmed_text};
use crate::support::triage_fixtures::*;
use crate::support::ui_fixtures::{self, user_id, wall_now};

/// Ticket `row` as a colleague left it: Solved, taken by Dana Okafor,
/// `secs` seconds ago.
fn solved_by_colleague(row: &Ticket, secs: i64) -> Ticket {
    let solved = (1..=20)
        .map(ticket)
        .find(|t| t.status_name == "Solved")
        .unwrap();
    let mut theirs = row.clone();
    theirs.status = solved.status;
    theirs.status_id = solved.status_id;
    theirs.status_name = solved.status_name;
    theirs.status_color = solved.status_color;
    theirs.assignee_id = Some(user_id(3));
    theirs.updated_at = Some(wall_now() - Duration::seconds(secs));
    theirs
}

#[tokio::test(start_paused = true)]
async fn the_conflict_dialog() {
    let mut state = state_with("", 20, 60);
    let mine = row(&state, 0);
    ch(&mut state, 'p');
    type_text(&mut state, "urgent");
    let fx = press(&mut state, KeyCode::Enter);
    let (write, _, _) = writes(&fx)[0].clone();
    let theirs = solved_by_colleague(&mine, 40);
    answer(
        &mut state,
        write,
        Err(WriteError::Conflict {
            current: Box::new(theirs.into()),
        }),
    );
    assert!(matches!(state.triage_dialog(), Some(Dialog::Conflict(_))));
    let text = trimmed_text(&draw(&state, ColorMode::NoColor));
    assert!(text.contains("40 s ago"), "{text}");
    insta::assert_snapshot!("team_conflict_dialog", text);
}

#[tokio::test(start_paused = true)]
async fn the_traffic_cops_question() {
    let mut state = state_with("", 20, 60);
    state.triage.drafts = Some(Drafts::new("/drafts-of-the-test"));
    let mine = row(&state, 0);
    let fx = ch(&mut state, 'R');
    let request: ComposeRequest = fx
        .iter()
        .find_map(|e| match e {
            Effect::Compose(r) => Some((**r).clone()),
            _ => None,
        })
        .unwrap();
    let fx = update(
        &mut state,
        Msg::Composed {
            request: Box::new(request.clone()),
            result: Ok(Composed {
                text: "We refunded you today.\n".into(),
                opened_with: request.template.clone(),
                restored: None,
                draft: None,
            }),
        },
        ui_fixtures::clock(),
    );
    let post = fx
        .iter()
        .find_map(|e| match e {
            Effect::SaveDraft { post, .. } => Some((**post).clone()),
            _ => None,
        })
        .unwrap();
    let saved = DraftId {
        owner: post.owner(),
        kind: post.kind,
        version: 1,
    };
    let fx = update(
        &mut state,
        Msg::DraftSaved {
            post: Box::new(post),
            result: Ok(saved),
        },
        ui_fixtures::clock(),
    );
    let check = fx
        .iter()
        .find_map(|e| match e {
            Effect::CheckNews(c) => Some((**c).clone()),
            _ => None,
        })
        .unwrap();
    let theirs = solved_by_colleague(&mine, 40);
    let message = Message {
        id: Uuid::from_u128(0xbeef),
        author_name: Some("Dana\u{1b}[2J Okafor".into()),
        author_type: AuthorType::Agent,
        body: "Hi Sam,\n\nthe refund went out this morning.\nIt shows in 3-5 days.\nBest, Dana"
            .into(),
        created_at: Some(wall_now() - Duration::seconds(40)),
    };
    update(
        &mut state,
        Msg::NewsChecked {
            check: Box::new(check),
            ticket: Ok(Box::new(TicketDetail {
                ticket: theirs,
                tags: Vec::new(),
                custom_fields: Default::default(),
            })),
            messages: Ok((
                vec![message],
                PageMeta {
                    page: 1,
                    per_page: 100,
                    total: 1,
                },
            )),
        },
        ui_fixtures::clock(),
    );
    let text = trimmed_text(&draw(&state, ColorMode::NoColor));
    assert!(!text.contains('\u{1b}'));
    insta::assert_snapshot!("team_traffic_cop", text);
}
