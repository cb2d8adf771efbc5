//! The filter panes (`f`) through the update step, against the local
//! server's catalog over loopback: every pane's choices become exactly the
//! query pairs of the contract, the 11th custom field and bad dates are
//! refused before any request, a server without catalogs is served from
//! the config's aliases, and the panel draws (TestBackend).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use tokio::time::Instant;
use triage::api::Catalog;
use triage::api::types::{FieldType, StatusCategory};
use triage::app::filter_panel::EditorKind;
use triage::app::filter_panel::pane::PaneKind;
use triage::app::source::FieldError;
use triage::app::{Effect, Keymap, Msg, State, TicketPage, update};
use triage::filter::{
    Aliases, DateBound, EntityRef, FieldAlias, RelativeSpan, SpanUnit, TicketFilter,
};
use triage::server::{self, ServerConfig, ServerHandle};
use triage::ui::ColorMode;
use uuid::Uuid;

use crate::support::keys::{ctrl, press, type_text};
use crate::support::screen;
use crate::support::server as helpdesk;
use crate::support::ui_fixtures;

// ---- fixtures ---------------------------------------------------------------------

async fn server(companions: bool) -> ServerHandle {
    let config = ServerConfig {
        tickets: 300,
        companion_endpoints: companions,
        ..ServerConfig::default()
    };
    helpdesk::spawn(config).await
}

async fn catalog_of(handle: &ServerHandle, aliases: &Aliases) -> Arc<Catalog> {
    helpdesk::catalog(&helpdesk::client(handle, server::DEMO_KEY), aliases).await
}

fn state_with(catalog: Arc<Catalog>, me: Option<EntityRef>) -> State {
    let mut state = State::new(
        ui_fixtures::scope(),
        TicketFilter::default(),
        25,
        Keymap::default(),
    )
    .with_names(catalog);
    state.me = me;
    state.size = Rect::new(0, 0, 120, 40);
    state
}

fn now() -> DateTime<Utc> {
    ui_fixtures::wall_now()
}

fn focus(state: &mut State, pane: PaneKind) {
    while state.filter_panel().unwrap().focus != pane {
        press(state, KeyCode::Tab);
    }
}

/// The label under the focused list's cursor.
fn current_label(state: &State, pane: PaneKind) -> Option<String> {
    let panel = state.filter_panel().unwrap();
    let picker = match pane {
        PaneKind::Fields => &panel.fields.picker,
        _ => panel.picker(pane).unwrap(),
    };
    picker.current().map(|i| i.label.clone())
}

/// Narrows the focused list to `label`, puts the cursor on that row and
/// presses Space; then clears the narrowing.
fn pick(state: &mut State, pane: PaneKind, narrow: &str, label: &str) {
    focus(state, pane);
    type_text(state, narrow);
    for _ in 0..50 {
        if current_label(state, pane).as_deref() == Some(label) {
            break;
        }
        press(state, KeyCode::Down);
    }
    assert_eq!(current_label(state, pane).as_deref(), Some(label));
    press(state, KeyCode::Char(' '));
    press(state, KeyCode::Esc);
}

/// Enter, and the query pairs of the page request it made.
fn apply(state: &mut State, catalog: &Catalog) -> Vec<(String, String)> {
    let fx = press(state, KeyCode::Enter);
    let filter = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchPage { filter, page, .. } => {
                assert_eq!(*page, 1, "a new query starts at page 1");
                Some(filter.clone())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("Enter sent no request: {fx:?}"));
    filter.to_query_pairs(catalog, now()).unwrap()
}

fn p(k: &str, v: impl ToString) -> (String, String) {
    (k.to_string(), v.to_string())
}

fn fetches(fx: &[Effect]) -> usize {
    fx.iter()
        .filter(|e| matches!(e, Effect::FetchPage { .. }))
        .count()
}

fn message(state: &State) -> String {
    state
        .filter_panel()
        .and_then(|p| p.message.as_ref())
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

// ---- each pane's query pairs ---------------------------------------------------------

#[tokio::test]
async fn statuses_and_priority_make_their_pairs() {
    let handle = server(true).await;
    let catalog = catalog_of(&handle, &Aliases::default()).await;
    let mut state = state_with(catalog.clone(), None);
    press(&mut state, KeyCode::Char('f'));
    assert!(state.filter_panel().is_some());
    // Custom statuses are listed under their category; any of them picks it.
    pick(&mut state, PaneKind::Status, "parts", "Awaiting parts");
    pick(&mut state, PaneKind::Status, "new", "New");
    // "Reopened" is another open status: the category is already chosen.
    let panel = state.filter_panel().unwrap();
    let picker = panel.picker(PaneKind::Status).unwrap();
    let reopened = picker
        .items()
        .iter()
        .find(|i| i.label == "Reopened")
        .unwrap();
    assert!(picker.is_chosen(&reopened.key));
    assert_eq!(reopened.group.as_deref(), Some("Open"));
    // Priority by its custom name; the level is what is sent.
    pick(&mut state, PaneKind::Priority, "urgent", "On fire");
    assert_eq!(
        apply(&mut state, &catalog),
        vec![p("status", "waiting,open"), p("priority", "urgent")]
    );
    assert_eq!(
        state.list.filter.statuses,
        vec![StatusCategory::Waiting, StatusCategory::Open]
    );
    // The panel stays open on the applied filter.
    assert!(state.filter_panel().is_some());
}

#[tokio::test]
async fn assignee_inbox_and_tags_make_their_pairs() {
    let handle = server(true).await;
    let catalog = catalog_of(&handle, &Aliases::default()).await;
    let (me, other, inbox, tags) = handle.with_data(|d| {
        (
            d.users[0].clone(),
            d.users[1].clone(),
            d.inboxes
                .iter()
                .find(|i| i.name == "Billing")
                .unwrap()
                .clone(),
            [
                d.tags.iter().find(|t| t.name == "vip").unwrap().id,
                d.tags.iter().find(|t| t.name == "billing").unwrap().id,
            ],
        )
    });
    let mut state = state_with(catalog.clone(), Some(EntityRef::Name(me.name.clone())));
    press(&mut state, KeyCode::Char('f'));

    pick(&mut state, PaneKind::Assignee, "unassigned", "Unassigned");
    pick(&mut state, PaneKind::Inbox, "billing", "Billing");
    pick(&mut state, PaneKind::Tags, "vip", "vip");
    pick(&mut state, PaneKind::Tags, "billing", "billing");
    assert_eq!(
        apply(&mut state, &catalog),
        vec![
            p("assignee_id", "__unassigned__"),
            p("inbox_id", inbox.id),
            p("tag_ids", format!("{},{}", tags[0], tags[1])),
        ]
    );

    // One assignee at a time: "Me" replaces "Unassigned"; an agent by name
    // replaces "Me".
    pick(&mut state, PaneKind::Assignee, "me", "Me");
    assert_eq!(
        apply(&mut state, &catalog)[0],
        p("assignee_id", me.id),
        "Me is the configured agent"
    );
    // Space toggles, so a narrowing is one word.
    let surname = other.name.split_whitespace().last().unwrap().to_string();
    pick(&mut state, PaneKind::Assignee, &surname, &other.name);
    assert_eq!(apply(&mut state, &catalog)[0], p("assignee_id", other.id));
    // Space on the chosen one unsets it.
    pick(&mut state, PaneKind::Assignee, &surname, &other.name);
    assert!(
        apply(&mut state, &catalog)
            .iter()
            .all(|(k, _)| k != "assignee_id")
    );
}

#[tokio::test]
async fn a_typed_uuid_is_always_a_choice() {
    let handle = server(true).await;
    let catalog = catalog_of(&handle, &Aliases::default()).await;
    let mut state = state_with(catalog.clone(), None);
    press(&mut state, KeyCode::Char('f'));
    let raw = Uuid::from_u128(0xfeed).to_string();
    pick(&mut state, PaneKind::Tags, &raw, &raw);
    assert_eq!(apply(&mut state, &catalog), vec![p("tag_ids", &raw)]);
}

#[tokio::test]
async fn custom_fields_make_their_pairs_by_type() {
    let handle = server(true).await;
    let catalog = catalog_of(&handle, &Aliases::default()).await;
    let (plan_pro, area_sso) = handle.with_data(|d| {
        let opt = |key: &str, label: &str| {
            d.field(key)
                .unwrap()
                .options
                .iter()
                .find(|o| o.label == label)
                .unwrap()
                .id
        };
        (opt("plan", "Pro"), opt("affected_areas", "SSO"))
    });
    let mut state = state_with(catalog.clone(), None);
    press(&mut state, KeyCode::Char('f'));
    focus(&mut state, PaneKind::Fields);
    // Fields limited to some inboxes say so.
    let items = state.filter_panel().unwrap().fields.picker.items();
    let renewal = items.iter().find(|i| i.key == "renewal_date").unwrap();
    assert_eq!(renewal.note.as_deref(), Some("date · only in Billing"));
    let plan = items.iter().find(|i| i.key == "plan").unwrap();
    assert_eq!(plan.note.as_deref(), Some("select"));

    // select: an option, sent as its UUID.
    edit_field(&mut state, "plan", "Plan", |s| {
        type_text(s, "pro");
        press(s, KeyCode::Char(' '));
    });
    // multi_select: one option it must contain, as its UUID.
    edit_field(&mut state, "affected", "Affected areas", |s| {
        type_text(s, "sso");
        press(s, KeyCode::Enter);
    });
    // checkbox.
    edit_field(&mut state, "vip", "VIP customer", |s| {
        type_text(s, "unchecked");
        press(s, KeyCode::Char(' '));
    });
    // text: "is empty".
    edit_field(&mut state, "region", "Region", |s| {
        press(s, KeyCode::Up);
        press(s, KeyCode::Char(' '));
    });
    // number, typed (j and k are digits' neighbours, not movement, here).
    edit_field(&mut state, "seats", "Seats", |s| {
        type_text(s, "12");
        press(s, KeyCode::Enter);
    });
    // date, typed.
    edit_field(&mut state, "renewal", "Renewal date", |s| {
        type_text(s, "2026-12-24");
        press(s, KeyCode::Enter);
    });
    // date_time, typed without offset: sent as UTC.
    edit_field(&mut state, "incident", "Incident started", |s| {
        type_text(s, "2026-11-01T09:30");
        press(s, KeyCode::Enter);
    });
    assert_eq!(message(&state), "");
    assert_eq!(
        apply(&mut state, &catalog),
        vec![
            p("custom_field_affected_areas", area_sso),
            p("custom_field_incident_started_at", "2026-11-01T09:30:00Z"),
            p("custom_field_plan", plan_pro),
            p("custom_field_region", "__empty__"),
            p("custom_field_renewal_date", "2026-12-24"),
            p("custom_field_seats", "12"),
            p("custom_field_vip", "false"),
        ]
    );
    // Del drops the field under the cursor.
    type_text(&mut state, "seats");
    press(&mut state, KeyCode::Delete);
    assert!(
        !state
            .filter_panel()
            .unwrap()
            .draft
            .custom_fields
            .contains_key("seats")
    );
}

/// Narrows the field list to `narrow`, opens the editor of `label`, runs
/// `edit`, and clears the narrowing.
fn edit_field(state: &mut State, narrow: &str, label: &str, edit: impl FnOnce(&mut State)) {
    type_text(state, narrow);
    assert_eq!(
        current_label(state, PaneKind::Fields).as_deref(),
        Some(label)
    );
    press(state, KeyCode::Char(' '));
    assert!(
        state.filter_panel().unwrap().fields.editor.is_some(),
        "Space opens the editor"
    );
    edit(state);
    assert!(
        state.filter_panel().unwrap().fields.editor.is_none(),
        "the value was taken: {}",
        message(state)
    );
    press(state, KeyCode::Esc);
}

#[tokio::test]
async fn a_bad_field_value_is_refused_in_the_editor() {
    let handle = server(true).await;
    let catalog = catalog_of(&handle, &Aliases::default()).await;
    let mut state = state_with(catalog.clone(), None);
    press(&mut state, KeyCode::Char('f'));
    focus(&mut state, PaneKind::Fields);
    type_text(&mut state, "seats");
    press(&mut state, KeyCode::Char(' '));
    type_text(&mut state, "a dozen");
    press(&mut state, KeyCode::Enter);
    let panel = state.filter_panel().unwrap();
    assert!(panel.fields.editor.is_some(), "the editor stays open");
    assert!(panel.draft.custom_fields.is_empty());
    assert!(message(&state).contains("seats"), "{}", message(&state));
    // The editor says so as you type, before Enter.
    let (text, _) = draw(&state, 120, 40);
    assert!(text.contains("┌ Seats · number"), "{text}");
    assert!(text.contains("value: a dozen"), "{text}");
    assert!(text.contains("expected a number"), "{text}");
    ctrl(&mut state, 'u');
    type_text(&mut state, "12");
    let (text, _) = draw(&state, 120, 40);
    assert!(text.contains("✓ Enter sets it"), "{text}");
    assert!(text.contains("Esc back"), "{text}");
}

#[tokio::test]
async fn the_eleventh_custom_field_is_refused_before_any_request() {
    let mut aliases = Aliases::default();
    for i in 0..11 {
        aliases.fields.insert(
            format!("f{i:02}"),
            FieldAlias {
                field_type: FieldType::Text,
                options: BTreeMap::new(),
            },
        );
    }
    let catalog = Arc::new(Catalog::from_aliases(aliases));
    let mut state = state_with(catalog.clone(), None);
    press(&mut state, KeyCode::Char('f'));
    focus(&mut state, PaneKind::Fields);
    let mut fx = Vec::new();
    for i in 0..10 {
        fx.extend(type_text(&mut state, &format!("f{i:02}")));
        fx.extend(press(&mut state, KeyCode::Char(' ')));
        fx.extend(type_text(&mut state, "x"));
        fx.extend(press(&mut state, KeyCode::Enter));
        fx.extend(press(&mut state, KeyCode::Esc));
    }
    // The 11th is refused when its editor would open, before anything is
    // typed into it.
    fx.extend(type_text(&mut state, "f10"));
    fx.extend(press(&mut state, KeyCode::Char(' ')));
    assert_eq!(fetches(&fx), 0, "nothing is sent while editing");
    let panel = state.filter_panel().unwrap();
    assert!(panel.fields.editor.is_none(), "no editor for an 11th field");
    assert_eq!(panel.draft.custom_fields.len(), 10);
    assert!(!panel.draft.custom_fields.contains_key("f10"));
    assert!(
        message(&state).contains("at most 10 custom fields"),
        "{}",
        message(&state)
    );
    // One of the ten still opens, on its value: changing it is not an 11th.
    press(&mut state, KeyCode::Esc);
    type_text(&mut state, "f03");
    press(&mut state, KeyCode::Char(' '));
    assert!(
        state.filter_panel().unwrap().fields.editor.is_some(),
        "{}",
        message(&state)
    );
    press(&mut state, KeyCode::Esc);
    press(&mut state, KeyCode::Esc);
    let pairs = apply(&mut state, &catalog);
    assert_eq!(pairs.len(), 10);
    assert!(
        pairs
            .iter()
            .all(|(k, v)| k.starts_with("custom_field_f") && v == "x")
    );
}

#[tokio::test]
async fn any_key_can_be_typed_when_no_field_is_known() {
    let catalog = Arc::new(Catalog::default());
    let mut state = state_with(catalog.clone(), None);
    press(&mut state, KeyCode::Char('f'));
    focus(&mut state, PaneKind::Fields);
    edit_field(&mut state, "cost_center", "cost_center", |s| {
        type_text(s, "CC-12");
        press(s, KeyCode::Enter);
    });
    assert_eq!(
        apply(&mut state, &catalog),
        vec![p("custom_field_cost_center", "CC-12")]
    );
    // It stays listed with its value once the typing is gone.
    let panel = state.filter_panel().unwrap();
    assert!(panel.fields.defs.iter().any(|d| d.key == "cost_center"));
}

#[tokio::test]
async fn an_unknown_name_is_refused_before_any_request() {
    let handle = server(true).await;
    let catalog = catalog_of(&handle, &Aliases::default()).await;
    let mut state = state_with(catalog.clone(), None);
    state.list.filter = "tag:biling".parse().unwrap();
    press(&mut state, KeyCode::Char('f'));
    pick(&mut state, PaneKind::Status, "new", "New");
    let fx = press(&mut state, KeyCode::Enter);
    assert_eq!(fetches(&fx), 0);
    assert!(
        message(&state).starts_with("unknown tag 'biling' (did you mean 'billing'?"),
        "{}",
        message(&state)
    );
    let (text, _) = draw(&state, 120, 40);
    assert!(text.contains("cannot send: unknown tag"), "{text}");
    // Clearing the pane makes it sendable.
    focus(&mut state, PaneKind::Tags);
    ctrl(&mut state, 'x');
    assert_eq!(apply(&mut state, &catalog), vec![p("status", "open")]);
}

// ---- dates -------------------------------------------------------------------------

#[tokio::test]
async fn dates_are_validated_as_typed_and_bad_ones_block_enter() {
    let catalog = Arc::new(Catalog::default());
    let mut state = state_with(catalog.clone(), None);
    press(&mut state, KeyCode::Char('f'));
    focus(&mut state, PaneKind::Dates);
    type_text(&mut state, "7d"); // created after
    press(&mut state, KeyCode::Down);
    type_text(&mut state, "yesterday"); // created before
    press(&mut state, KeyCode::Down);
    type_text(&mut state, "2026-11-01 09:30"); // updated after
    press(&mut state, KeyCode::Down);
    type_text(&mut state, "2026-13-01"); // updated before: no 13th month
    let panel = state.filter_panel().unwrap();
    assert_eq!(
        panel.draft.created_after,
        Some(DateBound::Ago(RelativeSpan {
            amount: 7,
            unit: SpanUnit::Days
        }))
    );
    assert_eq!(panel.draft.created_before, Some(DateBound::Yesterday));
    assert!(matches!(
        panel.draft.updated_after,
        Some(DateBound::Instant(_))
    ));
    assert_eq!(panel.draft.updated_before, None);
    let invalid = panel.dates.first_invalid().unwrap();
    assert!(
        invalid.1.contains("'2026-13-01' is not a date"),
        "{invalid:?}"
    );

    let fx = press(&mut state, KeyCode::Enter);
    assert_eq!(fetches(&fx), 0, "a bad date sends nothing");
    assert!(
        message(&state).starts_with("updated before:"),
        "{}",
        message(&state)
    );
    assert!(
        state.list.filter.is_empty(),
        "the list's filter is untouched"
    );

    // Fixed, it goes; relative bounds resolve when sent.
    ctrl(&mut state, 'u');
    type_text(&mut state, "2026-02-01");
    let pairs = apply(&mut state, &catalog);
    assert_eq!(
        pairs,
        vec![
            p("created_after", "2026-11-22T12:00:00Z"),
            p("created_before", "2026-11-28T00:00:00Z"),
            p("updated_after", "2026-11-01T09:30:00Z"),
            p("updated_before", "2026-02-01T00:00:00Z"),
        ]
    );
}

#[test]
fn yesterday_is_a_relative_bound_in_the_text_form_too() {
    let f: TicketFilter = "created:>yesterday updated:<yesterday".parse().unwrap();
    assert_eq!(f.created_after, Some(DateBound::Yesterday));
    assert_eq!(f.updated_before, Some(DateBound::Yesterday));
    let text = triage::filter::format(&f);
    assert_eq!(text.parse::<TicketFilter>().unwrap(), f);
    let pairs = f.to_query_pairs(&Aliases::default(), now()).unwrap();
    assert_eq!(
        pairs,
        vec![
            p("created_after", "2026-11-28T00:00:00Z"),
            p("updated_before", "2026-11-28T00:00:00Z"),
        ]
    );
}

// ---- cancel, clear, the generation rule -------------------------------------------

#[tokio::test]
async fn esc_cancels_and_the_list_is_untouched() {
    let handle = server(true).await;
    let catalog = catalog_of(&handle, &Aliases::default()).await;
    let mut state = state_with(catalog.clone(), None);
    let before_gen = state.list.query_gen;
    press(&mut state, KeyCode::Char('f'));
    pick(&mut state, PaneKind::Status, "solved", "Solved");
    pick(&mut state, PaneKind::Tags, "vip", "vip");
    let fx = press(&mut state, KeyCode::Esc);
    assert!(state.filter_panel().is_none());
    assert!(fx.is_empty(), "{fx:?}");
    assert!(state.list.filter.is_empty());
    assert_eq!(state.list.query_gen, before_gen);
    // Reopened, the panel starts from the list's filter again.
    press(&mut state, KeyCode::Char('f'));
    assert!(state.filter_panel().unwrap().draft.is_empty());
}

#[tokio::test]
async fn reopening_starts_on_the_pane_used_last() {
    let catalog = Arc::new(Catalog::default());
    let mut state = state_with(catalog, None);
    press(&mut state, KeyCode::Char('f'));
    assert_eq!(state.filter_panel().unwrap().focus, PaneKind::Status);
    focus(&mut state, PaneKind::Tags);
    press(&mut state, KeyCode::Esc);
    assert!(state.filter_panel().is_none());
    press(&mut state, KeyCode::Char('f'));
    assert_eq!(state.filter_panel().unwrap().focus, PaneKind::Tags);
    // Shift-Tab goes on from there, not from Status.
    press(&mut state, KeyCode::BackTab);
    assert_eq!(state.filter_panel().unwrap().focus, PaneKind::Inbox);
    press(&mut state, KeyCode::Esc);
    press(&mut state, KeyCode::Char('f'));
    assert_eq!(state.filter_panel().unwrap().focus, PaneKind::Inbox);
}

#[tokio::test]
async fn question_mark_opens_help_unless_it_is_typed() {
    let handle = server(true).await;
    let catalog = catalog_of(&handle, &Aliases::default()).await;
    let mut state = state_with(catalog, None);
    press(&mut state, KeyCode::Char('f'));
    for pane in [PaneKind::Status, PaneKind::Fields, PaneKind::Dates] {
        focus(&mut state, pane);
        let fx = press(&mut state, KeyCode::Char('?'));
        assert!(fx.is_empty(), "{fx:?}");
        assert!(state.help().is_some(), "{pane:?}: ? opens help");
        assert_eq!(state.help().map_or(0, |h| h.scroll), 0);
        let panel = state.filter_panel().unwrap();
        assert_eq!(panel.focus, pane, "the panel stays as it was");
        assert_eq!(panel.picker(PaneKind::Status).unwrap().query(), "");
        assert_eq!(panel.fields.picker.query(), "");
        assert!(panel.dates.first_invalid().is_none());
        // Esc closes help, not the panel.
        press(&mut state, KeyCode::Esc);
        assert!(state.help().is_none());
        assert!(state.filter_panel().is_some());
    }
    // While narrowing a list, `?` is part of the text.
    focus(&mut state, PaneKind::Tags);
    type_text(&mut state, "v?");
    assert!(state.help().is_none());
    let panel = state.filter_panel().unwrap();
    assert_eq!(panel.picker(PaneKind::Tags).unwrap().query(), "v?");
    // And in a field editor's input.
    press(&mut state, KeyCode::Esc);
    focus(&mut state, PaneKind::Fields);
    type_text(&mut state, "region");
    press(&mut state, KeyCode::Char(' '));
    type_text(&mut state, "EU?");
    assert!(state.help().is_none());
    match &state.filter_panel().unwrap().fields.editor {
        Some(editor) => match &editor.kind {
            EditorKind::Input { input, .. } => assert_eq!(input.value(), "EU?"),
            other => panic!("a text field has an input: {other:?}"),
        },
        None => panic!("Space opens the editor"),
    }
}

#[tokio::test]
async fn ctrl_x_clears_the_focused_pane_and_ctrl_r_every_pane() {
    let handle = server(true).await;
    let catalog = catalog_of(&handle, &Aliases::default()).await;
    let mut state = state_with(catalog.clone(), None);
    state.list.filter.query = Some("refund".into());
    press(&mut state, KeyCode::Char('f'));
    pick(&mut state, PaneKind::Status, "solved", "Solved");
    pick(&mut state, PaneKind::Tags, "vip", "vip");
    pick(&mut state, PaneKind::Tags, "bug", "bug");
    focus(&mut state, PaneKind::Tags);
    ctrl(&mut state, 'x');
    let panel = state.filter_panel().unwrap();
    assert!(panel.draft.tags.is_empty());
    assert_eq!(panel.draft.statuses, vec![StatusCategory::Resolved]);
    assert_eq!(panel.active_count(PaneKind::Tags), 0);
    assert_eq!(panel.picker(PaneKind::Tags).unwrap().chosen_count(), 0);
    ctrl(&mut state, 'r');
    assert_eq!(apply_or_none(&mut state), None, "nothing to change yet");
    pick(&mut state, PaneKind::Tags, "vip", "vip");
    press(&mut state, KeyCode::Enter);
    focus(&mut state, PaneKind::Status);
    ctrl(&mut state, 'r');
    // Search text is not the panes': it stays.
    let pairs = apply(&mut state, &catalog);
    assert_eq!(pairs, vec![p("query", "refund")]);
}

fn apply_or_none(state: &mut State) -> Option<TicketFilter> {
    press(state, KeyCode::Enter).iter().find_map(|e| match e {
        Effect::FetchPage { filter, .. } => Some(filter.clone()),
        _ => None,
    })
}

#[tokio::test]
async fn applying_while_open_updates_the_list_behind_with_the_generation_rule() {
    let handle = server(true).await;
    let catalog = catalog_of(&handle, &Aliases::default()).await;
    let mut state = state_with(catalog.clone(), None);
    update(&mut state, Msg::Start, ui_fixtures::clock());
    let old_gen = state.list.query_gen;
    press(&mut state, KeyCode::Char('f'));
    pick(&mut state, PaneKind::Status, "solved", "Solved");
    let fx = press(&mut state, KeyCode::Enter);
    let (generation, filter) = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchPage {
                generation, filter, ..
            } => Some((*generation, filter.clone())),
            _ => None,
        })
        .unwrap();
    assert!(generation > old_gen);
    assert_eq!(filter.statuses, vec![StatusCategory::Resolved]);
    // The old query's answer arrives late: dropped.
    let stale = ui_fixtures::page_of(1, 25, 3);
    ui_fixtures::answer_page(&mut state, old_gen, 1, Ok(stale));
    assert!(state.list.table.tickets().is_empty());
    // The new one is shown, behind the open panel.
    let fresh = TicketPage {
        tickets: vec![ui_fixtures::ticket(4)],
        meta: triage::api::types::PageMeta {
            page: 1,
            per_page: 25,
            total: 1,
        },
    };
    ui_fixtures::answer_page(&mut state, generation, 1, Ok(fresh));
    assert_eq!(state.list.table.tickets().len(), 1);
    assert!(state.filter_panel().is_some());
}

// ---- a server without catalogs -----------------------------------------------------

#[tokio::test]
async fn without_catalogs_the_panes_use_the_config_aliases() {
    let handle = server(false).await;
    let (billing, support, agent, plan) = handle.with_data(|d| {
        (
            d.tags.iter().find(|t| t.name == "billing").unwrap().id,
            d.inboxes.iter().find(|i| i.name == "Support").unwrap().id,
            d.users[2].id,
            d.field("plan").unwrap().clone(),
        )
    });
    let mut aliases = Aliases::default();
    aliases.tags.insert("money".into(), billing);
    aliases.inboxes.insert("Front desk".into(), support);
    aliases.users.insert("Sam".into(), agent);
    aliases.fields.insert(
        "plan".into(),
        FieldAlias {
            field_type: FieldType::Select,
            options: plan
                .options
                .iter()
                .map(|o| (o.label.clone(), o.id))
                .collect(),
        },
    );
    let catalog = catalog_of(&handle, &aliases).await;
    assert!(!catalog.supports(triage::api::Endpoint::Tags));
    let client = helpdesk::client(&handle, server::DEMO_KEY);
    let mut state = state_with(catalog.clone(), None);
    press(&mut state, KeyCode::Char('f'));
    {
        // No /statuses and no tickets seen yet: the five categories alone.
        let panel = state.filter_panel().unwrap();
        assert_eq!(panel.rows(PaneKind::Status).len(), 5);
        let title = &panel.picker(PaneKind::Status).unwrap().title;
        assert_eq!(title, "Status · from tickets seen");
    }
    // A page arrives: its statuses are learned, under their categories.
    let seen = client.list_tickets(&[], 1, 100).await.unwrap();
    ui_fixtures::answer_page(
        &mut state,
        0,
        1,
        Ok(TicketPage {
            tickets: seen.tickets,
            meta: seen.meta,
        }),
    );
    {
        let panel = state.filter_panel().unwrap();
        for pane in [PaneKind::Tags, PaneKind::Inbox, PaneKind::Assignee] {
            let title = &panel.picker(pane).unwrap().title;
            assert!(title.ends_with("config aliases"), "{title}");
        }
        assert!(panel.fields.picker.title.ends_with("config aliases"));
        let waiting: Vec<&str> = panel
            .rows(PaneKind::Status)
            .iter()
            .filter(|r| r.group.as_deref() == Some("Waiting"))
            .map(|r| r.label.as_str())
            .collect();
        assert_eq!(waiting, ["Awaiting customer", "Awaiting parts"]);
    }
    pick(&mut state, PaneKind::Tags, "money", "money");
    pick(&mut state, PaneKind::Inbox, "front", "Front desk");
    pick(&mut state, PaneKind::Assignee, "sam", "Sam");
    focus(&mut state, PaneKind::Fields);
    type_text(&mut state, "plan");
    press(&mut state, KeyCode::Char(' '));
    type_text(&mut state, "enterprise");
    press(&mut state, KeyCode::Char(' '));
    press(&mut state, KeyCode::Esc);
    let enterprise = plan
        .options
        .iter()
        .find(|o| o.label == "Enterprise")
        .unwrap()
        .id;
    let pairs = apply(&mut state, &catalog);
    assert_eq!(
        pairs,
        vec![
            p("assignee_id", agent),
            p("inbox_id", support),
            p("tag_ids", billing),
            p("custom_field_plan", enterprise),
        ]
    );
    // And the server without catalogs takes that query.
    let page = client.list_tickets(&pairs, 1, 100).await.unwrap();
    let expected = handle.with_data(|d| {
        d.tickets
            .iter()
            .filter(|t| {
                t.tag_ids.contains(&billing)
                    && t.inbox_id == support
                    && t.assignee_id == Some(agent)
                    && matches!(
                        t.custom_fields.get("plan"),
                        Some(triage::server::data::FieldValue::Select(id)) if *id == enterprise
                    )
            })
            .count()
    });
    assert_eq!(page.meta.total as usize, expected);
}

// ---- drawing -----------------------------------------------------------------------

fn draw(state: &State, w: u16, h: u16) -> (String, ratatui::buffer::Buffer) {
    draw_in(state, w, h, ColorMode::TrueColor)
}

fn draw_in(state: &State, w: u16, h: u16, mode: ColorMode) -> (String, ratatui::buffer::Buffer) {
    let buf = screen::draw_sized(state, w, h, mode, Instant::now());
    (screen::trimmed_text(&buf), buf)
}

#[tokio::test]
async fn the_panel_draws_beside_the_list_with_counts_and_the_request() {
    let handle = server(true).await;
    let catalog = catalog_of(&handle, &Aliases::default()).await;
    let mut state = state_with(catalog.clone(), None);
    let per_page = state.list.per_page;
    ui_fixtures::answer_page(&mut state, 0, 1, Ok(ui_fixtures::page_of(1, per_page, 40)));
    press(&mut state, KeyCode::Char('f'));
    pick(&mut state, PaneKind::Status, "parts", "Awaiting parts");
    pick(&mut state, PaneKind::Tags, "vip", "vip");
    pick(&mut state, PaneKind::Tags, "bug", "bug");
    focus(&mut state, PaneKind::Status);
    let (text, buf) = draw(&state, 120, 40);
    assert!(text.contains("Filters"), "{text}");
    // The focused pane is open with its custom statuses under categories.
    assert!(text.contains("Status (1)"), "{text}");
    assert!(text.contains("[x] ● Awaiting parts"), "{text}");
    assert!(text.contains("[x] ● Awaiting customer"), "{text}");
    assert!(text.contains("[ ] ● Triaged"), "{text}");
    // Closed panes: one line each, with their count and values.
    assert!(text.contains("▸ Tags · has all of (2)  vip, bug"), "{text}");
    assert!(text.contains("▸ Dates"), "{text}");
    // The request the draft makes, not yet applied.
    assert!(
        text.contains("GET /tickets?status=waiting&tag_ids="),
        "{text}"
    );
    assert!(text.contains("Enter apply"), "{text}");
    // The list stays visible beside the panel.
    assert!(text.contains("#1001"), "{text}");
    // The custom status's own color is drawn.
    let (x, y) = find(&text, "● Awaiting parts").unwrap();
    assert_eq!(
        buf[(x as u16, y as u16)].fg,
        ratatui::style::Color::Rgb(0xd9, 0x77, 0x06)
    );
    // The key never appears.
    assert!(!text.contains(server::DEMO_KEY));
    // NO_COLOR: the panel carries no color at all, and the cursor's row
    // is still marked (reversed).
    let (text, buf) = draw_in(&state, 120, 40, ColorMode::NoColor);
    assert!(text.contains("[x] Awaiting parts"), "{text}");
    let panel = Rect::new(0, 2, 42, 36);
    let mut reversed = false;
    for y in panel.y..panel.y + panel.height {
        for x in panel.x..panel.x + panel.width {
            let cell = &buf[(x, y)];
            assert_eq!(cell.fg, ratatui::style::Color::Reset, "({x},{y})");
            assert_eq!(cell.bg, ratatui::style::Color::Reset, "({x},{y})");
            reversed |= cell.modifier.contains(ratatui::style::Modifier::REVERSED);
        }
    }
    assert!(reversed, "the cursor row is reversed");
}

#[tokio::test]
async fn on_a_narrow_screen_the_panel_covers_the_list() {
    let handle = server(true).await;
    let catalog = catalog_of(&handle, &Aliases::default()).await;
    let mut state = state_with(catalog, None);
    state.size = Rect::new(0, 0, 80, 24);
    let per_page = state.list.per_page;
    ui_fixtures::answer_page(&mut state, 0, 1, Ok(ui_fixtures::page_of(1, per_page, 40)));
    press(&mut state, KeyCode::Char('f'));
    focus(&mut state, PaneKind::Dates);
    type_text(&mut state, "7d");
    let (text, _) = draw(&state, 80, 24);
    assert!(!text.contains("#1001"), "{text}");
    assert!(text.contains("created after   7d"), "{text}");
    assert!(text.contains("→ 2026-11-22T12:00:00Z"), "{text}");
    assert!(text.contains("▸ Status"), "{text}");
    // Tiny terminals do not panic.
    for (w, h) in [(20, 6), (10, 3), (1, 1)] {
        draw(&state, w, h);
    }
    // Short screens: the panes never draw over the footer.
    for h in 10..16 {
        update(&mut state, Msg::Resize(80, h), ui_fixtures::clock());
        let (text, _) = draw(&state, 80, h);
        let footer = text.lines().nth(usize::from(h) - 2).unwrap_or_default();
        assert!(footer.starts_with(" page 1"), "{h} rows:\n{text}");
        // The focused pane is there, its input in view.
        assert!(text.contains("created after   7d"), "{h} rows:\n{text}");
    }
}

/// The panel's hint line(s): the rows between the request and the border.
fn panel_hints(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let request = lines
        .iter()
        .rposition(|l| l.contains("GET /tickets"))
        .expect("the request line");
    lines[request + 1..]
        .iter()
        .take_while(|l| !l.starts_with('└'))
        .map(|l| l.split('│').nth(1).unwrap_or_default().trim())
        .collect::<Vec<_>>()
        .join(" · ")
}

#[tokio::test]
async fn one_hint_line_names_the_keys_of_the_focused_pane_or_editor() {
    let handle = server(true).await;
    let catalog = catalog_of(&handle, &Aliases::default()).await;
    let mut state = state_with(catalog, None);
    press(&mut state, KeyCode::Char('f'));
    let all = [
        "Tab pane",
        "Enter apply",
        "Esc close",
        "Ctrl-x/r clear pane/all",
        "? help",
    ];
    for (pane, own) in [
        (PaneKind::Status, &["Space toggle", "a-z narrow"][..]),
        (PaneKind::Assignee, &["Space toggle", "a-z narrow"]),
        (
            PaneKind::Fields,
            &["Space edit", "Del drop field", "a-z narrow"],
        ),
        (PaneKind::Dates, &["↑/↓ input", "Ctrl-u clear input"]),
    ] {
        focus(&mut state, pane);
        for (w, h) in [(80, 24), (120, 35), (200, 50)] {
            state.size = Rect::new(0, 0, w, h);
            let (text, _) = draw(&state, w, h);
            let hints = panel_hints(&text);
            for hint in all.iter().chain(own) {
                assert!(hints.contains(hint), "{pane:?} {w}x{h}: {hint}\n{text}");
            }
            // The list's footer does not offer the list's keys meanwhile.
            let footer = text.lines().last().unwrap_or_default();
            assert!(!footer.contains("Enter detail"), "{footer}");
            assert!(footer.contains("filter panes open"), "{footer}");
            // The old second hint lines are gone.
            assert!(!text.contains("Space pick"), "{text}");
            assert!(!text.contains("Ctrl-u clears it"), "{text}");
            assert!(!text.contains("Space edit · Del clear"), "{text}");
        }
    }
    // Narrowing: Esc clears the text, and x, X, ? are text.
    state.size = Rect::new(0, 0, 120, 40);
    focus(&mut state, PaneKind::Tags);
    type_text(&mut state, "vi");
    let hints = panel_hints(&draw(&state, 120, 40).0);
    assert!(hints.contains("Esc clear text"), "{hints}");
    assert!(
        !hints.contains("Esc close") && !hints.contains("? help"),
        "{hints}"
    );
    press(&mut state, KeyCode::Esc);
    // A field editor: its own keys, not the panel's.
    focus(&mut state, PaneKind::Fields);
    type_text(&mut state, "seats");
    press(&mut state, KeyCode::Char(' '));
    let hints = panel_hints(&draw(&state, 120, 40).0);
    assert_eq!(hints, "Enter set · ↑ is empty · Esc back");
    press(&mut state, KeyCode::Esc);
    press(&mut state, KeyCode::Esc);
    type_text(&mut state, "plan");
    press(&mut state, KeyCode::Char(' '));
    let hints = panel_hints(&draw(&state, 120, 40).0);
    assert!(hints.contains("Space/Enter choose"), "{hints}");
    assert!(hints.contains("Esc back"), "{hints}");
    assert!(!hints.contains("Tab pane"), "{hints}");
}

#[tokio::test]
async fn a_bad_date_says_why_under_its_input_at_80x24() {
    let catalog = Arc::new(Catalog::default());
    let mut state = state_with(catalog, None);
    state.size = Rect::new(0, 0, 80, 24);
    press(&mut state, KeyCode::Char('f'));
    focus(&mut state, PaneKind::Dates);
    for n in 0..4 {
        type_text(&mut state, "abc");
        let (text, _) = draw(&state, 80, 24);
        assert!(!text.contains("see below"), "{text}");
        // The whole message, under the input typed into.
        let at = text
            .find("not a date: use 2026-11-01")
            .unwrap_or_else(|| panic!("input {n}:\n{text}"));
        assert!(text[at..].contains("yesterday"), "input {n}:\n{text}");
        let cursor_line = text.lines().position(|l| l.contains("abc")).unwrap();
        let message_line = text.lines().position(|l| l.contains("not a date")).unwrap();
        assert!(cursor_line < message_line, "input {n}:\n{text}");
        ctrl(&mut state, 'u');
        press(&mut state, KeyCode::Down);
    }
    // An invalid input not being typed into says so on one line.
    press(&mut state, KeyCode::Up);
    press(&mut state, KeyCode::Up);
    press(&mut state, KeyCode::Up);
    type_text(&mut state, "abc");
    press(&mut state, KeyCode::Down);
    let (text, _) = draw(&state, 80, 24);
    assert!(text.contains("not a date: use 2026-11-01"), "{text}");
    // Enter goes back to it; the panel's message is one short line, so the
    // forms under the input stay in view.
    let fx = press(&mut state, KeyCode::Enter);
    assert_eq!(fetches(&fx), 0);
    assert_eq!(
        message(&state),
        "created after: 'abc' is not a date, nothing sent"
    );
    let (text, _) = draw(&state, 80, 24);
    assert!(
        text.contains("created after: 'abc' is not a date"),
        "{text}"
    );
    let at = text.find("not a date: use 2026-11-01").expect(&text);
    assert!(text[at..].contains("yesterday"), "{text}");
}

#[tokio::test]
async fn a_400_highlights_the_pane_and_row_it_came_from() {
    let handle = server(true).await;
    let catalog = catalog_of(&handle, &Aliases::default()).await;
    let mut state = state_with(catalog, None);
    press(&mut state, KeyCode::Char('f'));
    pick(&mut state, PaneKind::Tags, "vip", "vip");
    state.filter_errors = vec![
        FieldError {
            param: "tag_ids".into(),
            message: "unknown tag id".into(),
        },
        FieldError {
            param: "updated_after".into(),
            message: "not an ISO 8601 instant".into(),
        },
        FieldError {
            param: "custom_field_plan".into(),
            message: "not an option of this field".into(),
        },
    ];
    focus(&mut state, PaneKind::Tags);
    let (text, _) = draw(&state, 120, 40);
    assert!(text.contains("⚠ unknown tag id"), "{text}");
    // The closed Dates pane says it was rejected too.
    assert!(
        text.contains("▸ Dates  ⚠ not an ISO 8601 instant"),
        "{text}"
    );
    // Other panes keep their values.
    assert!(text.contains("[x] ● vip"), "{text}");
    focus(&mut state, PaneKind::Dates);
    let (text, _) = draw(&state, 120, 40);
    assert!(
        text.contains("⚠ updated after: not an ISO 8601 instant"),
        "{text}"
    );
    // A rejected custom field is marked on its own row.
    focus(&mut state, PaneKind::Fields);
    let (text, _) = draw(&state, 120, 40);
    assert!(text.contains("[ ] Plan ⚠ not an option"), "{text}");
    assert!(
        text.contains("⚠ plan: not an option of this field"),
        "{text}"
    );
}

fn find(text: &str, needle: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(y, line)| {
        line.find(needle)
            .map(|byte| (line[..byte].chars().count(), y))
    })
}
