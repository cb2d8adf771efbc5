//! Notes (`n`) and replies (`R`) in the update step: the editor is asked
//! for as an effect and answered as a message, the draft is kept before
//! the POST, replies and bulk runs ask first, empty or unchanged text
//! cancels, 429s mid-bulk lose nothing, a server without the route turns
//! them off, and `U` refuses.

use std::collections::HashMap;
use std::time::Duration;

use chrono::TimeZone;
use crossterm::event::KeyCode;
use tokio::time::Instant;
use triage::api::types::{Message, NewMessage, PageMeta, TicketDetail};
use triage::app::triage::compose::PendingPost;
use triage::app::triage::cop::NewsCheck;
use triage::app::triage::jobs::MAX_IN_FLIGHT;
use triage::app::triage::{ComposeRequest, Composed, Dialog, Outcome, Targets, WriteError};
use triage::app::{Effect, Msg, State, update};
use triage::config::{DraftId, DraftOwner, Drafts};
use triage::model::MessageKind;
use uuid::Uuid;

use crate::support::keys::{ch, press};
use crate::support::triage_fixtures::*;
use crate::support::ui_fixtures;

fn state() -> State {
    let mut state = state_with("", 20, 60);
    // Never touched by `update` (the runtime writes drafts): only named.
    state.triage.drafts = Some(Drafts::new("/drafts-of-the-test"));
    state
}

/// The editor request among effects.
pub(crate) fn compose_request(fx: &[Effect]) -> ComposeRequest {
    fx.iter()
        .find_map(|e| match e {
            Effect::Compose(r) => Some((**r).clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no editor asked for: {fx:?}"))
}

/// The editor closed with `text` in the file.
pub(crate) fn edited(state: &mut State, request: &ComposeRequest, text: &str) -> Vec<Effect> {
    closed(state, request, text, None)
}

fn closed(
    state: &mut State,
    request: &ComposeRequest,
    text: &str,
    restored: Option<chrono::DateTime<chrono::Utc>>,
) -> Vec<Effect> {
    let opened_with = match restored {
        Some(_) => "the draft\n".to_string(),
        None => request.template.clone(),
    };
    let mut fx = update(
        state,
        Msg::Composed {
            request: Box::new(request.clone()),
            result: Ok(Composed {
                text: text.into(),
                opened_with,
                restored,
                draft: restored.map(|_| DraftId {
                    owner: request.owner(),
                    kind: request.kind,
                    version: 7,
                }),
            }),
        },
        ui_fixtures::clock(),
    );
    // The runtime checks at once when there is no draft to save.
    let checked = nothing_new(state, &fx);
    fx.extend(checked);
    // Or saves the draft and answers (the check follows: `draft_saved`).
    if let Some(post) = save_asked(&fx) {
        let saved = saved_id(&post);
        fx.extend(draft_saved(state, post, Ok(saved)));
    }
    fx
}

/// The traffic cop's check asked for among `fx`, if any.
fn check_asked(fx: &[Effect]) -> Option<NewsCheck> {
    fx.iter().find_map(|e| match e {
        Effect::CheckNews(check) => Some((**check).clone()),
        _ => None,
    })
}

/// The runtime's answer to the traffic cop's check: the ticket as it was
/// shown and `messages` (oldest first) as the page asked for.
fn news_checked(state: &mut State, check: NewsCheck, messages: Vec<Message>) -> Vec<Effect> {
    let Targets::One(ticket) = &check.post.targets else {
        panic!("the cop checks one ticket");
    };
    let detail = TicketDetail {
        ticket: (**ticket).clone(),
        tags: Vec::new(),
        custom_fields: Default::default(),
    };
    let meta = PageMeta {
        page: check.page,
        per_page: check.per_page,
        total: messages.len() as u64,
    };
    update(
        state,
        Msg::NewsChecked {
            check: Box::new(check),
            ticket: Ok(Box::new(detail)),
            messages: Ok((messages, meta)),
        },
        ui_fixtures::clock(),
    )
}

/// Answers a check among `fx` with nothing new on the ticket.
fn nothing_new(state: &mut State, fx: &[Effect]) -> Vec<Effect> {
    match check_asked(fx) {
        Some(check) => news_checked(state, check, Vec::new()),
        None => Vec::new(),
    }
}

/// The post whose draft the update step asked to save.
pub(crate) fn save_asked(fx: &[Effect]) -> Option<PendingPost> {
    fx.iter().find_map(|e| match e {
        Effect::SaveDraft { post, .. } => Some((**post).clone()),
        _ => None,
    })
}

/// The version the runtime would save `post` as.
fn saved_id(post: &PendingPost) -> DraftId {
    DraftId {
        owner: post.owner(),
        kind: post.kind,
        version: post.body.len() as u64,
    }
}

/// The draft's save answered, and the traffic cop's check that follows
/// answered with nothing new.
fn draft_saved(
    state: &mut State,
    post: PendingPost,
    result: Result<DraftId, String>,
) -> Vec<Effect> {
    let mut fx = update(
        state,
        Msg::DraftSaved {
            post: Box::new(post),
            result,
        },
        ui_fixtures::clock(),
    );
    let checked = nothing_new(state, &fx);
    fx.extend(checked);
    fx
}

/// The POSTs among effects: (write id, ticket id, message).
pub(crate) fn posts(fx: &[Effect]) -> Vec<(u64, Uuid, NewMessage)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::PostMessage {
                write, id, message, ..
            } => Some((*write, *id, message.clone())),
            _ => None,
        })
        .collect()
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

pub(crate) fn mark_first(state: &mut State, n: usize) -> Vec<Uuid> {
    (0..n)
        .map(|_| {
            let id = state.selected_ticket().unwrap().id;
            ch(state, ' ');
            id
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_note_is_kept_as_a_draft_then_posted_without_asking() {
    let mut state = state();
    let ticket = row(&state, 0);
    let fx = ch(&mut state, 'n');
    let request = compose_request(&fx);
    assert_eq!(request.kind, MessageKind::Note);
    assert_eq!(request.targets, Targets::One(Box::new(ticket.clone())));
    assert!(request.template.starts_with('\n'), "a line to write on");
    assert!(
        request
            .template
            .contains(&format!("# Subject: {}", ticket.subject)),
        "{}",
        request.template
    );
    assert!(request.template.lines().skip(1).all(|l| l.starts_with('#')));

    let fx = edited(
        &mut state,
        &request,
        &format!("Escalated to billing.\n{}", request.template),
    );
    // The draft first, then the POST: never sent before it is kept.
    let save = fx
        .iter()
        .position(|e| matches!(e, Effect::SaveDraft { .. }))
        .expect("draft kept");
    let post = fx
        .iter()
        .position(|e| matches!(e, Effect::PostMessage { .. }))
        .expect("sent at once");
    assert!(save < post);
    match &fx[save] {
        Effect::SaveDraft { post, .. } => {
            assert_eq!(post.owner(), DraftOwner::Ticket(ticket.id));
            assert_eq!(post.kind, MessageKind::Note);
            assert_eq!(post.body, "Escalated to billing.");
        }
        _ => unreachable!(),
    }
    assert!(
        state
            .triage
            .draft_ids
            .contains(&(ticket.id, MessageKind::Note))
    );
    let sent = posts(&fx);
    assert_eq!(
        sent[0].2,
        NewMessage {
            kind: MessageKind::Note,
            body: "Escalated to billing.".into()
        }
    );
    assert!(state.triage_dialog().is_none(), "a note does not ask");
    posted(&mut state, sent[0].0, Ok(()));
    assert_eq!(state.notice.as_deref(), Some("#1001: note sent"));
    assert!(
        !state
            .triage
            .draft_ids
            .contains(&(ticket.id, MessageKind::Note))
    );
}

#[tokio::test(start_paused = true)]
async fn a_reply_asks_first_and_a_no_keeps_the_draft() {
    let mut state = state();
    let request = compose_request(&ch(&mut state, 'R'));
    assert_eq!(request.kind, MessageKind::Reply);
    let fx = edited(&mut state, &request, "We refunded you.\n");
    assert!(posts(&fx).is_empty(), "asks first");
    assert!(fx.iter().any(|e| matches!(e, Effect::SaveDraft { .. })));
    match state.triage_dialog() {
        Some(Dialog::Send(dialog)) => {
            assert_eq!(dialog.question, "Send reply to #1001 (customer sees it)?");
            assert!(dialog.news.is_none() && dialog.unchecked.is_empty());
        }
        other => panic!("expected a confirmation, got {other:?}"),
    }
    let fx = ch(&mut state, 'n');
    assert!(posts(&fx).is_empty());
    assert_eq!(
        state.notice.as_deref(),
        Some("not sent: the draft is kept (R opens it again)")
    );

    let request = compose_request(&ch(&mut state, 'R'));
    edited(&mut state, &request, "We refunded you.\n");
    let sent = posts(&ch(&mut state, 'y'));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].2.kind, MessageKind::Reply);
    assert_eq!(sent[0].2.body, "We refunded you.");
}

#[tokio::test(start_paused = true)]
async fn empty_or_unchanged_text_cancels_with_one_line() {
    let mut state = state();
    let request = compose_request(&ch(&mut state, 'n'));
    let fx = edited(&mut state, &request, &request.template.clone());
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(
        state.notice.as_deref(),
        Some("cancelled: the note was left as it was, nothing was sent")
    );
    let fx = edited(&mut state, &request, "# only a comment\n\n  \n");
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(
        state.notice.as_deref(),
        Some("cancelled: the note is empty, nothing was sent")
    );
    // A restored draft emptied on purpose is discarded.
    let at = chrono::Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap();
    let fx = closed(&mut state, &request, "\n", Some(at));
    assert!(
        matches!(
            &fx[..],
            [Effect::RemoveDraft {
                draft: DraftId {
                    kind: MessageKind::Note,
                    version: 7,
                    ..
                },
                ..
            }]
        ),
        "{fx:?}"
    );
    assert!(posts(&fx).is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_restored_draft_is_said_and_sent_even_unchanged() {
    let mut state = state();
    let request = compose_request(&ch(&mut state, 'n'));
    let at = chrono::Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap();
    let fx = closed(&mut state, &request, "the draft\n", Some(at));
    assert_eq!(posts(&fx).len(), 1);
    let notice = state.notice.clone().unwrap();
    assert!(notice.starts_with("draft from 2026-03-02 "), "{notice}");
    assert!(notice.ends_with(" restored"), "{notice}");
}

#[tokio::test(start_paused = true)]
async fn a_bulk_note_through_a_429_posts_each_ticket_once() {
    let mut state = state();
    let ids = mark_first(&mut state, 6);
    let request = compose_request(&ch(&mut state, 'n'));
    assert!(matches!(&request.targets, Targets::Marked(rows) if rows.len() == 6));
    assert!(
        request
            .template
            .contains("on 6 tickets, the same text on each")
    );
    let fx = edited(&mut state, &request, "Known outage.\n");
    assert!(posts(&fx).is_empty(), "asks first");
    match &fx[..] {
        [Effect::SaveDraft { post, .. }] => {
            assert_eq!(post.owner(), DraftOwner::marked(&ids))
        }
        other => panic!("one draft for the marked tickets expected: {other:?}"),
    }
    match state.triage_dialog() {
        Some(Dialog::Confirm { question, .. }) => {
            assert_eq!(
                question,
                "Add this note to 6 tickets (not checked for news)?"
            )
        }
        other => panic!("expected a confirmation, got {other:?}"),
    }
    let first = posts(&ch(&mut state, 'y'));
    assert_eq!(first.len(), MAX_IN_FLIGHT);
    assert!(matches!(
        state.triage_dialog(),
        Some(Dialog::Progress { .. })
    ));
    assert!(first.iter().all(|p| p.2.body == "Known outage."));

    let mut sent: HashMap<Uuid, usize> = HashMap::new();
    let mut ok = |state: &mut State, p: &(u64, Uuid, NewMessage)| {
        *sent.entry(p.1).or_default() += 1;
        posts(&posted(state, p.0, Ok(())))
    };
    let refill = ok(&mut state, &first[0]);
    assert_eq!(refill.len(), 1);
    let retry_at = Instant::now() + Duration::from_secs(5);
    let fx = posted(
        &mut state,
        first[1].0,
        Err(WriteError::RateLimited { retry_at }),
    );
    assert!(posts(&fx).is_empty(), "nothing more while rate limited");
    for p in [&first[2], &first[3], &refill[0]] {
        assert!(ok(&mut state, p).is_empty());
    }
    tokio::time::advance(Duration::from_secs(5)).await;
    let rest = posts(&update(&mut state, Msg::Tick, ui_fixtures::clock()));
    let rest_ids: Vec<Uuid> = rest.iter().map(|p| p.1).collect();
    assert_eq!(rest.len(), 2, "{rest_ids:?}");
    assert!(rest_ids.contains(&first[1].1), "the 429'd one again");
    for p in &rest {
        ok(&mut state, p);
    }
    assert_eq!(sent.len(), 6);
    assert!(sent.values().all(|n| *n == 1), "{sent:?}");
    match state.triage_dialog() {
        Some(Dialog::Report { job, .. }) => {
            assert!(
                job.outcomes
                    .iter()
                    .all(|o| matches!(o, Some(Outcome::Changed)))
            );
            assert_eq!(job.done_word(), "sent");
        }
        other => panic!("expected the report, got {other:?}"),
    }
    assert!(state.triage.marks.is_empty(), "done with: unmarked");
}

#[tokio::test(start_paused = true)]
async fn undo_says_a_note_cannot_be_undone() {
    let mut state = state();
    // A status change first: `U` must not undo it past the note.
    ch(&mut state, 'p');
    crate::support::keys::type_text(&mut state, "urgent");
    let fx = press(&mut state, KeyCode::Enter);
    let (write, _, patch) = writes(&fx)[0].clone();
    let before = row(&state, 0);
    answer(&mut state, write, Ok(server_row(&before, &patch)));
    assert!(state.triage.undo.is_some());

    let request = compose_request(&ch(&mut state, 'n'));
    let sent = posts(&edited(&mut state, &request, "why\n"));
    posted(&mut state, sent[0].0, Ok(()));
    let fx = ch(&mut state, 'U');
    assert!(writes(&fx).is_empty() && posts(&fx).is_empty(), "{fx:?}");
    assert_eq!(
        state.notice.as_deref(),
        Some("notes and replies cannot be undone ('Add note' was sent)")
    );
}

#[tokio::test(start_paused = true)]
async fn a_server_without_the_route_turns_notes_off_and_keeps_browsing() {
    let mut state = state();
    let request = compose_request(&ch(&mut state, 'n'));
    let sent = posts(&edited(&mut state, &request, "why\n"));
    posted(&mut state, sent[0].0, Err(WriteError::NotSupported));
    let err = state.last_error.clone().unwrap();
    assert!(err.message.contains("n and R are off"), "{err:?}");
    // The draft is not dropped (only a 201 drops it).
    assert!(
        state
            .triage
            .draft_ids
            .contains(&(row(&state, 0).id, MessageKind::Note))
    );
    state.last_error = None;
    let fx = ch(&mut state, 'R');
    assert!(
        fx.iter().all(|e| !matches!(e, Effect::Compose(_))),
        "{fx:?}"
    );
    assert!(state.last_error.is_some(), "says why");
    // The other triage keys still work, and so does moving.
    ch(&mut state, 't');
    assert!(matches!(state.triage_dialog(), Some(Dialog::Pick { .. })));
    press(&mut state, KeyCode::Esc);
    ch(&mut state, 'j');
    assert_eq!(state.list.selected, 1);
}

#[tokio::test(start_paused = true)]
async fn a_failed_send_says_the_draft_is_kept() {
    let mut state = state();
    let request = compose_request(&ch(&mut state, 'n'));
    let sent = posts(&edited(&mut state, &request, "why\n"));
    posted(
        &mut state,
        sent[0].0,
        Err(WriteError::Failed {
            message: "server answered 503 Service Unavailable".into(),
            hint: None,
        }),
    );
    let err = state.last_error.clone().unwrap();
    assert!(
        err.message.contains("#1001: the note was not sent"),
        "{err:?}"
    );
    assert_eq!(
        err.hint.as_deref(),
        Some("the draft is kept: n on this ticket opens it again")
    );
}

#[test]
fn comment_lines_are_left_out_but_hash_words_stay() {
    use triage::app::triage::compose::strip_comments;
    assert_eq!(
        strip_comments("\n#1042 is a dup\n# a comment\n#\nsecond line  \n\n"),
        "#1042 is a dup\nsecond line"
    );
}

#[tokio::test(start_paused = true)]
async fn the_open_detail_loads_the_conversation_again_after_the_201() {
    let mut state = state();
    press(&mut state, KeyCode::Enter);
    assert!(state.detail.is_some());
    let request = compose_request(&ch(&mut state, 'n'));
    let sent = posts(&edited(&mut state, &request, "why\n"));
    let fx = posted(&mut state, sent[0].0, Ok(()));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::FetchMessages { id, .. } if *id == sent[0].1)),
        "{fx:?}"
    );
}

/// Issue 21, item 1: with a note's POST still on its way, a second `n` on
/// the ticket opened the text in flight as "draft restored", and leaving
/// it unchanged sent it twice. Now `n` and `R` say it is being sent and
/// open nothing until the server answers.
#[tokio::test(start_paused = true)]
async fn n_on_a_ticket_whose_note_is_in_flight_says_so_and_opens_nothing() {
    let mut state = state();
    let request = compose_request(&ch(&mut state, 'n'));
    let sent = posts(&edited(&mut state, &request, "A\n"));
    assert_eq!(sent.len(), 1);
    for key in ['n', 'R'] {
        let fx = ch(&mut state, key);
        assert!(
            fx.iter().all(|e| !matches!(e, Effect::Compose(_))),
            "{fx:?}"
        );
        let notice = state.notice.clone().unwrap();
        assert!(
            notice.contains("#1001: a note or reply is still being sent"),
            "{notice}"
        );
        assert!(notice.contains(&format!("press {key} again")), "{notice}");
    }
    // Another ticket is free to get one.
    ch(&mut state, 'j');
    assert!(
        ch(&mut state, 'n')
            .iter()
            .any(|e| matches!(e, Effect::Compose(_)))
    );
    ch(&mut state, 'k');
    posted(&mut state, sent[0].0, Ok(()));
    assert!(
        ch(&mut state, 'n')
            .iter()
            .any(|e| matches!(e, Effect::Compose(_)))
    );
}

/// Item 1, second half: the 201 removes the version it answered (the
/// runtime leaves a newer text alone; `config::drafts` tests that), and
/// a failed send leaves its version to be opened again.
#[tokio::test(start_paused = true)]
async fn a_201_removes_only_the_version_it_answered() {
    let mut state = state();
    let request = compose_request(&ch(&mut state, 'n'));
    let fx = edited(&mut state, &request, "A\n");
    let version = saved_id(&save_asked(&fx).unwrap());
    let sent = posts(&fx);
    let fx = posted(&mut state, sent[0].0, Ok(()));
    let removed: Vec<&DraftId> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::RemoveDraft { draft, .. } => Some(draft),
            _ => None,
        })
        .collect();
    assert_eq!(removed, [&version]);

    let request = compose_request(&ch(&mut state, 'n'));
    let sent = posts(&edited(&mut state, &request, "B\n"));
    let fx = posted(
        &mut state,
        sent[0].0,
        Err(WriteError::Failed {
            message: "server answered 503 Service Unavailable".into(),
            hint: None,
        }),
    );
    assert!(
        fx.iter().all(|e| !matches!(e, Effect::RemoveDraft { .. })),
        "{fx:?}"
    );
}

/// Item 2: the draft could not be written (ENOSPC, `drafts` a plain file)
/// and the note went anyway, a 503 lost it, and the message said "the
/// draft is kept". Now nothing is sent before the save is answered; a
/// failed save asks, and every message says what is true.
#[tokio::test(start_paused = true)]
async fn a_draft_that_cannot_be_saved_is_sent_only_when_the_agent_says_so() {
    let mut state = state();
    let request = compose_request(&ch(&mut state, 'n'));
    let fx = update(
        &mut state,
        Msg::Composed {
            request: Box::new(request.clone()),
            result: Ok(Composed {
                text: "why\n".into(),
                opened_with: request.template.clone(),
                restored: None,
                draft: None,
            }),
        },
        ui_fixtures::clock(),
    );
    assert!(posts(&fx).is_empty(), "nothing before the draft is saved");
    let post = save_asked(&fx).unwrap();
    let fx = draft_saved(
        &mut state,
        post.clone(),
        Err("No space left on device (os error 28)".into()),
    );
    assert!(posts(&fx).is_empty(), "{fx:?}");
    assert!(
        !state
            .triage
            .draft_ids
            .contains(&(row(&state, 0).id, MessageKind::Note)),
        "no draft said to exist"
    );
    match state.triage_dialog() {
        Some(Dialog::Confirm { question, .. }) => assert_eq!(
            question,
            "The note cannot be kept as a draft (No space left on device (os error 28)): \
             if sending fails, the text is lost. Send the note to #1001 anyway?"
        ),
        other => panic!("expected a question, got {other:?}"),
    }
    // The whole question is on screen, wrapped, on a narrow terminal too:
    // cut, the agent would not see what is asked.
    for width in [80, 120] {
        state.size = ratatui::layout::Rect::new(0, 0, width, 24);
        let buf = crate::support::screen::draw(&state, triage::ui::ColorMode::NoColor);
        let boxed: Vec<String> = (0..buf.area.height)
            .map(|y| crate::support::screen::line(&buf, y))
            .filter_map(|l| {
                let (from, to) = (l.find('│')?, l.rfind('│')?);
                (to > from).then(|| l[from + '│'.len_utf8()..to].trim().to_string())
            })
            .collect();
        let shown = boxed.join(" ");
        assert!(
            shown.contains(
                "The note cannot be kept as a draft (No space left on device (os error 28)): \
                 if sending fails, the text is lost. Send the note to #1001 anyway?"
            ),
            "{width} columns: {boxed:#?}"
        );
    }
    // No: nothing sent, and not called kept.
    assert!(posts(&ch(&mut state, 'n')).is_empty());
    assert_eq!(
        state.notice.as_deref(),
        Some("not sent, and not kept: the note is gone")
    );

    // Yes: sent; a failure then says the text is gone, not kept.
    draft_saved(
        &mut state,
        post,
        Err("Not a directory (os error 20)".into()),
    );
    let sent = posts(&ch(&mut state, 'y'));
    assert_eq!(sent.len(), 1);
    posted(
        &mut state,
        sent[0].0,
        Err(WriteError::Failed {
            message: "server answered 503 Service Unavailable".into(),
            hint: None,
        }),
    );
    let err = state.last_error.clone().unwrap();
    assert_eq!(
        err.hint.as_deref(),
        Some("it was sent without a draft (none could be kept): the text is gone")
    );
}

/// Without a state directory there is no draft to keep: asked the same way.
#[tokio::test(start_paused = true)]
async fn without_a_state_directory_a_note_asks_before_going() {
    let mut state = state();
    state.triage.drafts = None;
    let request = compose_request(&ch(&mut state, 'n'));
    let fx = edited(&mut state, &request, "why\n");
    assert!(posts(&fx).is_empty());
    match state.triage_dialog() {
        Some(Dialog::Confirm { question, .. }) => {
            assert!(
                question.contains("(there is no state directory)"),
                "{question}"
            )
        }
        other => panic!("expected a question, got {other:?}"),
    }
}

/// Item 3: a bulk note opened one marked ticket's draft and wrote the new
/// text over every marked ticket's. Now it starts from the template that
/// names its targets (saying how many have drafts of their own) and is
/// saved as the draft of the marked set, never a ticket's.
#[tokio::test(start_paused = true)]
async fn a_bulk_note_says_which_tickets_have_drafts_and_keeps_its_own() {
    let mut state = state();
    let ids = mark_first(&mut state, 3);
    state.triage.draft_ids.insert((ids[0], MessageKind::Note));
    state.triage.draft_ids.insert((ids[2], MessageKind::Note));
    state.triage.draft_ids.insert((ids[1], MessageKind::Reply));
    let request = compose_request(&ch(&mut state, 'n'));
    assert_eq!(request.owner(), DraftOwner::marked(&ids));
    assert!(
        request
            .template
            .contains("# 2 of these tickets have their own unsent drafts (left as they are)"),
        "{}",
        request.template
    );
    let fx = edited(&mut state, &request, "Known outage.\n");
    let post = save_asked(&fx).unwrap();
    assert_eq!(post.owner(), DraftOwner::marked(&ids));
    // The tickets' own drafts are still known; the bulk one is not a
    // ticket's.
    assert!(
        state
            .triage
            .draft_ids
            .contains(&(ids[0], MessageKind::Note))
    );
    assert!(
        !state
            .triage
            .draft_ids
            .contains(&(ids[1], MessageKind::Note))
    );
}

// The traffic cop (issue 18): before a note or reply to one ticket goes
// out, the ticket and its newest messages are read and compared with the
// ticket as it was shown when the editor opened.

fn message(n: u128, who: &str, body: &str, at: chrono::DateTime<chrono::Utc>) -> Message {
    Message {
        id: Uuid::from_u128(0xbeef_0000 + n),
        author_name: Some(who.into()),
        author_type: triage::model::AuthorType::Agent,
        body: body.into(),
        created_at: Some(at),
    }
}

/// The editor closed on `text`, the draft was saved, and the check was
/// asked for (not answered): the check.
fn written(state: &mut State, request: &ComposeRequest, text: &str) -> NewsCheck {
    let fx = update(
        state,
        Msg::Composed {
            request: Box::new(request.clone()),
            result: Ok(Composed {
                text: text.into(),
                opened_with: request.template.clone(),
                restored: None,
                draft: None,
            }),
        },
        ui_fixtures::clock(),
    );
    let post = save_asked(&fx).expect("the draft is saved first");
    let saved = saved_id(&post);
    let fx = update(
        state,
        Msg::DraftSaved {
            post: Box::new(post),
            result: Ok(saved),
        },
        ui_fixtures::clock(),
    );
    assert!(posts(&fx).is_empty(), "nothing sent before the check");
    check_asked(&fx).expect("the check follows the draft")
}

#[tokio::test(start_paused = true)]
async fn a_reply_over_a_colleagues_message_shows_it_and_asks() {
    let mut state = state();
    let ticket = row(&state, 0);
    let since = ticket.updated_at.unwrap();
    let request = compose_request(&ch(&mut state, 'R'));
    assert!(request.seen.is_some());
    let check = written(&mut state, &request, "We refunded you.\n");
    assert_eq!((check.page, check.per_page), (1, 100), "length unknown");
    assert_eq!(state.triage_dialog().map(|_| ()), None, "nothing asked yet");

    let old = message(1, "Carla Customer", "my order is late", since);
    let theirs = message(
        2,
        "Grace\u{1b}[31m Hopper",
        "\n\nI already refunded\u{202e} them.\nSecond line.\nThird.\nFourth.",
        since + chrono::Duration::seconds(40),
    );
    let fx = news_checked(&mut state, check, vec![old, theirs]);
    assert!(posts(&fx).is_empty(), "news: asked first");
    let Some(Dialog::Send(dialog)) = state.triage_dialog().cloned() else {
        panic!("expected the question, got {:?}", state.triage_dialog());
    };
    let news = dialog.news.clone().expect("news shown");
    assert_eq!(
        news.arrivals.len(),
        1,
        "only the one after the editor opened"
    );
    let a = &news.arrivals[0];
    assert_eq!(
        a.author, "Grace\u{fffd}[31m Hopper",
        "the escape made visible"
    );
    assert_eq!(
        a.lines,
        ["I already refunded them.", "Second line.", "Third."],
        "first lines, sanitized"
    );
    assert!(news.diffs.is_empty());

    // `e`: the editor opens again on the text, the news as comments.
    let fx = ch(&mut state, 'e');
    let again = compose_request(&fx);
    let reopen = again.reopen.clone().expect("reopened with the text");
    assert!(
        reopen
            .text
            .starts_with("We refunded you.\n#\n# New on #1001")
    );
    assert!(reopen.text.contains("#   > I already refunded them."));
    assert_eq!(reopen.draft, Some(saved_id(&dialog.post)));
    assert_eq!(
        again.seen.as_ref().unwrap().since,
        Some(since + chrono::Duration::seconds(40)),
        "measured from now on"
    );
    // Left as it was: it stands (not "cancelled"), checked again.
    let fx = update(
        &mut state,
        Msg::Composed {
            request: Box::new(again.clone()),
            result: Ok(Composed {
                text: reopen.text.clone(),
                opened_with: reopen.text.clone(),
                restored: None,
                draft: reopen.draft,
            }),
        },
        ui_fixtures::clock(),
    );
    let post = save_asked(&fx).expect("saved again");
    assert_eq!(post.body, "We refunded you.");
    let fx = draft_saved(&mut state, post, Ok(saved_id(&dialog.post)));
    assert!(posts(&fx).is_empty());
    match state.triage_dialog() {
        Some(Dialog::Send(d)) => assert!(d.news.is_none(), "nothing newer"),
        other => panic!("expected the confirmation, got {other:?}"),
    }
    let sent = posts(&ch(&mut state, 'y'));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].2.body, "We refunded you.");
}

#[tokio::test(start_paused = true)]
async fn keep_as_draft_sends_nothing_and_send_anyway_sends_once() {
    let mut state = state();
    let ticket = row(&state, 0);
    let since = ticket.updated_at.unwrap();
    let later = message(
        1,
        "Grace Hopper",
        "on it",
        since + chrono::Duration::seconds(5),
    );
    let request = compose_request(&ch(&mut state, 'R'));
    let check = written(&mut state, &request, "Hello.\n");
    news_checked(&mut state, check, vec![later.clone()]);
    let fx = press(&mut state, KeyCode::Esc);
    assert!(posts(&fx).is_empty());
    assert_eq!(
        state.notice.as_deref(),
        Some("not sent: the draft is kept (R opens it again)")
    );
    assert!(state.triage_dialog().is_none());

    let request = compose_request(&ch(&mut state, 'R'));
    let check = written(&mut state, &request, "Hello.\n");
    news_checked(&mut state, check, vec![later]);
    assert_eq!(
        posts(&ch(&mut state, 'x')).len(),
        0,
        "other keys: still asked"
    );
    let sent = posts(&ch(&mut state, 'y'));
    assert_eq!(sent.len(), 1);
    assert!(state.triage_dialog().is_none());
}

#[tokio::test(start_paused = true)]
async fn a_note_asks_only_when_something_is_new_and_names_the_changed_status() {
    let mut state = state();
    let ticket = row(&state, 0);
    let request = compose_request(&ch(&mut state, 'n'));
    let check = written(&mut state, &request, "Checked the logs.\n");
    // A colleague solved it meanwhile: no message, but the status moved.
    let mut now = ticket.clone();
    let solved = triage_fixtures_ticket_named("Solved");
    now.status = solved.status.clone();
    now.status_id = solved.status_id;
    now.status_name = solved.status_name.clone();
    now.updated_at = ticket.updated_at.map(|t| t + chrono::Duration::seconds(9));
    let meta = PageMeta {
        page: 1,
        per_page: 100,
        total: 0,
    };
    let fx = update(
        &mut state,
        Msg::NewsChecked {
            check: Box::new(check),
            ticket: Ok(Box::new(TicketDetail {
                ticket: now.clone(),
                tags: Vec::new(),
                custom_fields: Default::default(),
            })),
            messages: Ok((Vec::new(), meta)),
        },
        ui_fixtures::clock(),
    );
    assert!(posts(&fx).is_empty(), "a note asks when there is news");
    let Some(Dialog::Send(dialog)) = state.triage_dialog() else {
        panic!("expected the question");
    };
    assert_eq!(dialog.question, "Add the note to #1001?");
    let news = dialog.news.as_ref().unwrap();
    assert_eq!(
        triage::app::triage::conflict::words(&news.diffs),
        format!("status {} → Solved", ticket.status_name)
    );
    assert_eq!(row(&state, 0).status_name, "Solved", "theirs in the row");
}

/// Ticket fixture whose status is `name`.
fn triage_fixtures_ticket_named(name: &str) -> triage::api::types::Ticket {
    (1..=20)
        .map(crate::support::triage_fixtures::ticket)
        .find(|t| t.status_name == name)
        .unwrap_or_else(|| panic!("a fixture ticket with status {name}"))
}

#[tokio::test(start_paused = true)]
async fn a_failed_check_never_stops_a_message_and_says_so_in_one_line() {
    let mut state = state();
    let request = compose_request(&ch(&mut state, 'R'));
    let check = written(&mut state, &request, "Hello.\n");
    let fx = update(
        &mut state,
        Msg::NewsChecked {
            check: Box::new(check),
            ticket: Err(triage::app::FetchError::failed("connection refused")),
            messages: Err(triage::app::FetchError::NotSupported),
        },
        ui_fixtures::clock(),
    );
    assert!(posts(&fx).is_empty());
    let Some(Dialog::Send(dialog)) = state.triage_dialog() else {
        panic!("the usual confirmation");
    };
    assert!(dialog.news.is_none());
    assert_eq!(
        dialog.unchecked,
        [
            "status and assignee not checked: connection refused",
            "new messages not checked: the server does not have it"
        ]
    );
    assert_eq!(posts(&ch(&mut state, 'y')).len(), 1);

    // A note goes at once, as without the cop, saying so.
    ch(&mut state, 'j');
    let request = compose_request(&ch(&mut state, 'n'));
    let check = written(&mut state, &request, "Note.\n");
    let fx = update(
        &mut state,
        Msg::NewsChecked {
            check: Box::new(check),
            ticket: Err(triage::app::FetchError::failed("timed out")),
            messages: Err(triage::app::FetchError::failed("timed out")),
        },
        ui_fixtures::clock(),
    );
    assert_eq!(posts(&fx).len(), 1);
    assert_eq!(
        state.notice.as_deref(),
        Some("status and assignee not checked: timed out")
    );
}

#[tokio::test(start_paused = true)]
async fn own_messages_are_not_news_and_a_known_conversation_asks_for_its_last_page() {
    let mut state = state();
    // Our own note is answered: the row's time moves to it.
    let request = compose_request(&ch(&mut state, 'n'));
    let sent = posts(&edited(&mut state, &request, "mine\n"));
    let at = row(&state, 0).updated_at.unwrap() + chrono::Duration::seconds(30);
    update(
        &mut state,
        Msg::MessagePosted {
            write: sent[0].0,
            result: Ok(Some(at)),
        },
        ui_fixtures::clock(),
    );
    let request = compose_request(&ch(&mut state, 'R'));
    assert_eq!(request.seen.as_ref().unwrap().since, Some(at));
    let check = written(&mut state, &request, "Reply.\n");
    news_checked(&mut state, check, vec![message(1, "Me", "mine", at)]);
    match state.triage_dialog() {
        Some(Dialog::Send(d)) => assert!(d.news.is_none(), "{:?}", d.news),
        other => panic!("expected the confirmation, got {other:?}"),
    }
    press(&mut state, KeyCode::Esc);

    // With 45 messages loaded in the detail, the check asks for the page
    // that holds the 46th.
    let seen = triage::app::triage::cop::Seen {
        since: Some(at),
        messages: Some(45),
    };
    let post = PendingPost {
        kind: MessageKind::Reply,
        body: "x".into(),
        targets: Targets::One(Box::new(row(&state, 0))),
        notice: None,
        seen: Some(seen),
    };
    let check = NewsCheck::new(post, Err("none".into()));
    assert_eq!((check.page, check.per_page), (3, 20));
}

#[tokio::test(start_paused = true)]
async fn marked_tickets_are_not_checked_and_the_question_says_so() {
    let mut state = state();
    mark_first(&mut state, 2);
    let request = compose_request(&ch(&mut state, 'R'));
    assert!(request.seen.is_none());
    let fx = edited(&mut state, &request, "To all.\n");
    assert!(check_asked(&fx).is_none(), "{fx:?}");
    match state.triage_dialog() {
        Some(Dialog::Send(d)) => assert_eq!(
            d.question,
            "Send this reply to 2 tickets (each customer sees it; not checked for news)?"
        ),
        other => panic!("expected the bulk confirmation, got {other:?}"),
    }
}

/// Send and set on marked tickets: one reply each, then, for each ticket
/// whose reply the server took, its own guarded PATCH; one that failed
/// gets no status.
#[tokio::test(start_paused = true)]
async fn send_and_set_on_marked_tickets_sets_each_ticket_whose_reply_went() {
    let mut state = state();
    let solved = triage_fixtures_ticket_named("Solved").status_id;
    // Three tickets not solved yet, so each one the reply reaches is set.
    let open: Vec<usize> = (0..20)
        .filter(|&i| row(&state, i).status_id != solved)
        .take(3)
        .collect();
    let marked: Vec<Uuid> = open
        .into_iter()
        .map(|i| {
            while state.list.selected < i {
                ch(&mut state, 'j');
            }
            ch(&mut state, ' ');
            row(&state, i).id
        })
        .collect();
    // The marked ones are on no page shown when the replies are answered.
    ch(&mut state, ']');
    let generation = state.list.query_gen;
    update(
        &mut state,
        Msg::PageLoaded {
            generation,
            page: 2,
            result: Ok(crate::support::triage_fixtures::page_of(2, 20, 60)),
        },
        ui_fixtures::clock(),
    );
    assert!(
        marked
            .iter()
            .all(|id| state.list.table.tickets().iter().all(|t| t.id != *id))
    );
    let request = compose_request(&ch(&mut state, 'R'));
    edited(&mut state, &request, "Fixed for all of you.\n");
    match state.triage_dialog() {
        Some(Dialog::Send(d)) => {
            let keys: Vec<char> = d.offer.choices.iter().map(|c| c.key).collect();
            assert_eq!(keys, ['a', 's'], "the same keys as for one ticket");
        }
        other => panic!("expected the bulk question, got {other:?}"),
    }
    let sent = posts(&ch(&mut state, 's'));
    assert_eq!(sent.len(), 3);
    let mut patches = Vec::new();
    let replied_at = chrono::Utc::now();
    for (i, (write, _, _)) in sent.iter().enumerate() {
        let result = match i {
            1 => Err(WriteError::Failed {
                message: "server answered 503 Service Unavailable".into(),
                hint: None,
            }),
            _ => Ok(Some(replied_at)),
        };
        let fx = update(
            &mut state,
            Msg::MessagePosted {
                write: *write,
                result,
            },
            ui_fixtures::clock(),
        );
        patches.extend(writes(&fx).into_iter().map(|w| (w.1, w.2)));
        // Each guarded by our own reply's time, not the row's older one
        // (that would be our reply taken for a colleague's change).
        for e in &fx {
            if let Effect::UpdateTicket { since, .. } = e {
                assert_eq!(*since, Some(replied_at));
            }
        }
    }
    let mut set: Vec<Uuid> = patches
        .iter()
        .filter(|(_, p)| p.status_id == solved)
        .map(|(id, _)| *id)
        .collect();
    set.sort();
    let mut expected = vec![marked[0], marked[2]];
    expected.sort();
    assert_eq!(
        set, expected,
        "the two whose reply went, not the failed one"
    );
}

// Send and set a status in one step (issue 18): the reply confirmation
// offers one key per status of `after_reply`; the status goes out after
// the 201, in one PATCH guarded by the reply's own time, and `U` undoes it.

/// A reply written and saved, nothing new on the ticket: the confirmation.
fn reply_confirmation(state: &mut State, text: &str) -> triage::app::triage::send::SendDialog {
    let request = compose_request(&ch(state, 'R'));
    edited(state, &request, text);
    match state.triage_dialog() {
        Some(Dialog::Send(d)) => (**d).clone(),
        other => panic!("expected the reply confirmation, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn send_and_set_solved_patches_after_the_201_with_the_replys_time_and_u_undoes_it() {
    let mut state = state();
    let ticket = row(&state, 0);
    let dialog = reply_confirmation(&mut state, "Fixed, closing.\n");
    let offered: Vec<(char, String)> = dialog
        .offer
        .choices
        .iter()
        .map(|c| (c.key, c.status.label()))
        .collect();
    assert_eq!(
        offered,
        [('a', "Awaiting parts".into()), ('s', "Solved".into())],
        "the workspace's first waiting and resolved statuses"
    );
    assert_eq!(dialog.offer.default, None, "Enter sends only");

    let fx = ch(&mut state, 's');
    let sent = posts(&fx);
    assert_eq!(sent.len(), 1);
    assert!(
        writes(&fx).is_empty(),
        "nothing set before the reply is taken"
    );
    let at = ticket.updated_at.unwrap() + chrono::Duration::seconds(3);
    let fx = update(
        &mut state,
        Msg::MessagePosted {
            write: sent[0].0,
            result: Ok(Some(at)),
        },
        ui_fixtures::clock(),
    );
    let patches: Vec<_> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::UpdateTicket {
                write,
                patch,
                since,
                ..
            } => Some((*write, patch.clone(), *since)),
            _ => None,
        })
        .collect();
    assert_eq!(patches.len(), 1, "one PATCH: {fx:?}");
    let (write, patch, since) = patches[0].clone();
    assert_eq!(since, Some(at), "guarded by our own reply's time");
    let solved = triage_fixtures_ticket_named("Solved");
    assert_eq!(patch.status_id, Some(solved.status_id.unwrap()));
    assert_eq!(row(&state, 0).status_name, "Solved", "shown at once");

    let mut answered = server_row(&row(&state, 0), &patch);
    answered.updated_at = Some(at + chrono::Duration::seconds(1));
    answer(&mut state, write, Ok(answered));
    assert!(state.triage.undo.is_some(), "U undoes the status");
    let fx = ch(&mut state, 'U');
    let back = writes(&fx);
    assert_eq!(back.len(), 1, "{fx:?}");
    assert_eq!(back[0].2.status_id, ticket.status_id, "back to what it was");
}

#[tokio::test(start_paused = true)]
async fn a_reply_that_failed_sets_no_status_and_y_sends_only() {
    let mut state = state();
    reply_confirmation(&mut state, "Hello.\n");
    let fx = ch(&mut state, 'a');
    let sent = posts(&fx);
    let fx = posted(
        &mut state,
        sent[0].0,
        Err(WriteError::Failed {
            message: "server answered 503 Service Unavailable".into(),
            hint: None,
        }),
    );
    assert!(
        writes(&fx).is_empty(),
        "no status without the reply: {fx:?}"
    );

    reply_confirmation(&mut state, "Hello.\n");
    let sent = posts(&ch(&mut state, 'y'));
    let fx = update(
        &mut state,
        Msg::MessagePosted {
            write: sent[0].0,
            result: Ok(Some(chrono::Utc::now())),
        },
        ui_fixtures::clock(),
    );
    assert!(writes(&fx).is_empty(), "y: the reply alone");
}

#[tokio::test(start_paused = true)]
async fn the_default_and_the_statuses_come_from_the_settings_and_unknown_names_are_said() {
    let mut state = state();
    state.triage.after_reply = triage::config::AfterReply {
        statuses: Some(vec!["solved".into(), "Nope".into(), "closed".into()]),
        default: Some("Solved".into()),
    };
    let dialog = reply_confirmation(&mut state, "Done.\n");
    let offered: Vec<(char, String)> = dialog
        .offer
        .choices
        .iter()
        .map(|c| (c.key, c.status.label()))
        .collect();
    assert_eq!(offered, [('s', "Solved".into()), ('c', "Closed".into())]);
    assert_eq!(dialog.offer.default, Some(0));
    assert_eq!(dialog.offer.unknown, ["Nope"]);
    // Enter: the default, send and set Solved.
    let sent = posts(&press(&mut state, KeyCode::Enter));
    let fx = update(
        &mut state,
        Msg::MessagePosted {
            write: sent[0].0,
            result: Ok(Some(chrono::Utc::now())),
        },
        ui_fixtures::clock(),
    );
    let patch = &writes(&fx)[0].2;
    assert_eq!(
        patch.status_id,
        triage_fixtures_ticket_named("Solved").status_id
    );
}
