//! One rule for every picker (#22): printable keys type and narrow, `↑`/`↓`
//! and `Ctrl-p`/`Ctrl-n` move, and `j`/`k` move only in a list with no text
//! input (the views list). Each picker of the app is driven here the same
//! way, so a new picker that breaks the rule shows up.

use crossterm::event::KeyCode;
use triage::app::State;
use triage::app::picker::Picker;
use triage::app::triage::Dialog;
use triage::app::views::{Dialog as ViewsDialog, ViewsSetup, ViewsState};
use triage::config::{Fingerprint, MacroDef, SavedView};

use crate::support::keys::{ch, ctrl, press, type_text};
use crate::support::triage_fixtures::state_with;

fn with_macros(mut state: State) -> State {
    let defs: Vec<MacroDef> = ["Park", "Escalate", "Close out"]
        .iter()
        .map(|name| MacroDef {
            name: (*name).into(),
            key: None,
            actions: "priority:low".into(),
            profile: None,
        })
        .collect();
    let (entries, _) = triage::app::macros::load(&defs, &state.keymap, &[]);
    state.macros = entries;
    state
}

fn open_picker(state: &State) -> Option<&Picker> {
    match state.triage_dialog() {
        Some(Dialog::Pick { picker, .. }) => Some(picker),
        _ => None,
    }
}

#[tokio::test(start_paused = true)]
async fn every_triage_picker_types_letters_and_moves_on_arrows_and_ctrl_n_p() {
    // `e` is the custom-field picker; the routing fixture has tags,
    // inboxes and fields.
    for key in ['t', 'p', 'a', 'l', 'i', 'm', 'e'] {
        let state = match key {
            'l' | 'i' | 'e' => crate::triage_routing::routing_state(),
            _ => state_with("", 20, 60),
        };
        let mut state = with_macros(state);
        ch(&mut state, key);
        let picker = open_picker(&state).unwrap_or_else(|| panic!("{key}: no picker"));
        let n = picker.visible().len();
        assert!(n >= 2, "{key}: {n} items, too few to move in");
        // It opens on the current value; Home is the top.
        press(&mut state, KeyCode::Home);
        let cursor = |state: &State| open_picker(state).expect("still open").cursor();
        press(&mut state, KeyCode::Down);
        assert_eq!(cursor(&state), 1, "{key}: ↓");
        press(&mut state, KeyCode::End);
        assert_eq!(cursor(&state), n - 1, "{key}: End");
        press(&mut state, KeyCode::Home);
        assert_eq!(cursor(&state), 0, "{key}: Home");
        press(&mut state, KeyCode::Down);
        press(&mut state, KeyCode::Up);
        assert_eq!(cursor(&state), 0, "{key}: ↑");
        ctrl(&mut state, 'n');
        assert_eq!(cursor(&state), 1, "{key}: Ctrl-n");
        ctrl(&mut state, 'p');
        assert_eq!(cursor(&state), 0, "{key}: Ctrl-p");
        // `j` and `k` are letters: they narrow, in every picker alike.
        type_text(&mut state, "jk");
        let picker = open_picker(&state).expect("still open");
        assert_eq!(picker.query(), "jk", "{key}: j/k typed");
        // Esc clears the text, then closes.
        press(&mut state, KeyCode::Esc);
        assert_eq!(open_picker(&state).expect("open").query(), "", "{key}");
        press(&mut state, KeyCode::Esc);
        assert!(state.modal.is_none(), "{key}: Esc closes");
    }
}

#[tokio::test(start_paused = true)]
async fn snooze_takes_letters_and_cycles_its_presets_on_arrows_and_ctrl_n_p() {
    let mut state = state_with("", 20, 60);
    ch(&mut state, 'z');
    let input = |state: &State| match state.triage_dialog() {
        Some(Dialog::Snooze(d)) => d.input.value().to_string(),
        other => panic!("snooze: {other:?}"),
    };
    let presets = triage::app::triage::snooze::PRESETS;
    press(&mut state, KeyCode::Down);
    assert_eq!(input(&state), presets[0]);
    ctrl(&mut state, 'n');
    assert_eq!(input(&state), presets[1]);
    ctrl(&mut state, 'p');
    assert_eq!(input(&state), presets[0]);
    ctrl(&mut state, 'u');
    type_text(&mut state, "jk");
    assert_eq!(input(&state), "jk");
}

#[tokio::test(start_paused = true)]
async fn the_views_list_has_no_text_input_so_j_k_move_and_so_do_ctrl_n_p() {
    let mut state = state_with("", 20, 60);
    state.views = ViewsState::new(
        ViewsSetup {
            views: vec![
                SavedView::new("Open", "status:open"),
                SavedView::new("Urgent", "priority:urgent"),
                SavedView::new("Mine", "assignee:me"),
            ],
            path: Some("/nonexistent/config.toml".into()),
            fingerprint: Some(Fingerprint::of("")),
            per_page: 20,
            ..Default::default()
        },
        &state.keymap,
    );
    ch(&mut state, 'v');
    let selected = |state: &State| match state.views_dialog() {
        Some(ViewsDialog::List(list)) => list.selected,
        other => panic!("views list: {other:?}"),
    };
    assert_eq!(selected(&state), 0);
    ch(&mut state, 'j');
    assert_eq!(selected(&state), 1);
    ctrl(&mut state, 'n');
    assert_eq!(selected(&state), 2);
    ctrl(&mut state, 'p');
    assert_eq!(selected(&state), 1);
    ch(&mut state, 'k');
    assert_eq!(selected(&state), 0);
    press(&mut state, KeyCode::Down);
    assert_eq!(selected(&state), 1);
}

#[tokio::test(start_paused = true)]
async fn the_filter_panes_type_every_letter_and_move_on_arrows_and_ctrl_n_p() {
    let mut state = state_with("", 20, 60);
    ch(&mut state, 'f');
    let status = |state: &State| {
        let panel = state.filter_panel().expect("panel open");
        let picker = panel
            .picker(triage::app::filter_panel::pane::PaneKind::Status)
            .expect("status pane");
        (picker.cursor(), picker.query().to_string())
    };
    ctrl(&mut state, 'n');
    assert_eq!(status(&state).0, 1);
    ctrl(&mut state, 'p');
    assert_eq!(status(&state).0, 0);
    press(&mut state, KeyCode::Down);
    assert_eq!(status(&state).0, 1);
    // `j`, `k` and `x` narrow here too (`x` no longer clears the pane).
    type_text(&mut state, "jkx");
    assert_eq!(status(&state).1, "jkx");
    assert!(state.filter_panel().is_some());
}

#[tokio::test(start_paused = true)]
async fn the_completion_menu_moves_on_ctrl_n_p_as_on_arrows() {
    let mut state = state_with("", 20, 60);
    ch(&mut state, ':');
    ctrl(&mut state, 'u');
    type_text(&mut state, "status:");
    press(&mut state, KeyCode::Tab);
    let selected = |state: &State| {
        state
            .filter_line()
            .and_then(|l| l.menu.as_ref())
            .map(|m| m.selected)
    };
    assert!(selected(&state).is_some(), "a completion menu");
    ctrl(&mut state, 'n');
    let first = selected(&state).expect("still listed");
    ctrl(&mut state, 'n');
    let second = selected(&state).expect("still listed");
    assert_ne!(first, second, "Ctrl-n moves");
    ctrl(&mut state, 'p');
    assert_eq!(selected(&state), Some(first), "Ctrl-p moves back");
    press(&mut state, KeyCode::Down);
    assert_eq!(selected(&state), Some(second), "↓ as Ctrl-n");
}

/// The footer's hint line.
fn footer(state: &State) -> String {
    let buf = crate::support::screen::draw(state, triage::ui::ColorMode::NoColor);
    crate::support::screen::line(&buf, buf.area.height - 1)
        .trim_end()
        .to_string()
}

#[tokio::test(start_paused = true)]
async fn the_footer_shows_the_open_dialogs_keys_not_the_lists() {
    let list = footer(&state_with("", 20, 60));
    assert!(list.contains("Enter detail"), "{list}");
    let mut shown = Vec::new();
    // (what, keys that open it, from the routing fixture or the plain one)
    let cases: &[(&str, &[KeyCode], bool)] = &[
        ("status picker", &[KeyCode::Char('t')], false),
        (
            "status picker, typed",
            &[KeyCode::Char('t'), KeyCode::Char('x')],
            false,
        ),
        ("assign picker", &[KeyCode::Char('a')], false),
        ("macro picker", &[KeyCode::Char('m')], false),
        ("tag picker", &[KeyCode::Char('l')], true),
        ("field picker", &[KeyCode::Char('e')], true),
        ("snooze", &[KeyCode::Char('z')], false),
        (
            "bulk confirmation",
            &[
                KeyCode::Char(' '),
                KeyCode::Char(' '),
                KeyCode::Char('p'),
                KeyCode::Enter,
            ],
            false,
        ),
        ("help", &[KeyCode::Char('?')], false),
        ("views list", &[KeyCode::Char('v')], false),
        (
            "views list, delete?",
            &[KeyCode::Char('v'), KeyCode::Char('d')],
            false,
        ),
        (
            "views list, rename",
            &[KeyCode::Char('v'), KeyCode::Char('R')],
            false,
        ),
        ("view name", &[KeyCode::Char('w')], false),
    ];
    for (what, keys, routing) in cases {
        let state = if *routing {
            crate::triage_routing::routing_state()
        } else {
            state_with("", 20, 60)
        };
        let mut state = with_macros(state);
        state.views = ViewsState::new(
            ViewsSetup {
                views: vec![SavedView::new("Open", "status:open")],
                path: Some("/nonexistent/config.toml".into()),
                fingerprint: Some(Fingerprint::of("")),
                per_page: 20,
                ..Default::default()
            },
            &state.keymap,
        );
        for key in *keys {
            press(&mut state, *key);
        }
        assert!(state.modal.is_some(), "{what}: nothing open");
        let line = footer(&state);
        assert!(
            !line.contains("Enter detail") && !line.contains("q quit"),
            "{what}: the list's keys while a dialog is open: {line}"
        );
        shown.push(format!("{what:<22}|{line}"));
    }
    insta::assert_snapshot!("dialog_footers", shown.join("\n"));
}
