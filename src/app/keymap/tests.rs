use super::*;

fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

/// Every variant of `Action`, spelled out apart from the table: the
/// `match` makes the compiler refuse a new variant until it is listed.
macro_rules! every_variant {
    ($($variant:ident),* $(,)?) => {{
        fn _listed(a: Action) {
            match a {
                $(Action::$variant)|* => {}
            }
        }
        [$(Action::$variant),*]
    }};
}

#[test]
fn the_table_has_every_action_once_under_a_unique_name() {
    let variants = every_variant! {
        MoveDown, MoveUp, First, Last, ScreenDown, ScreenUp, NextPage, PrevPage, NextTicket,
        PrevTicket, OpenDetail, Back, Refresh, CycleSort, FlipOrder, OpenBrowser, CopyNumber,
        CopyCurl, Help, Quit, Search, FilterLine, SetStatus, SetPriority, Assign, AssignMe,
        Snooze, MoveInbox, Tag, SetField, ToggleMark, MarkRange, MarkPage, ClearMarks, NextMode,
        AddNote, Reply, RunMacro, RunCommand, Undo, View1, View2, View3, View4, View5, View6, View7, View8, View9,
        ViewsList, SaveView, FilterPanes, NextNew,
    };
    for a in variants {
        let entries = ACTIONS.iter().filter(|spec| spec.action == a).count();
        assert_eq!(entries, 1, "{a:?} has {entries} entries in ACTIONS");
    }
    for (i, spec) in ACTIONS.iter().enumerate() {
        let clash = ACTIONS[i + 1..]
            .iter()
            .find(|other| other.name == spec.name);
        assert!(clash.is_none(), "two actions are called {:?}", spec.name);
        for key in spec.keys {
            assert!(
                Key::parse(key).is_ok(),
                "{}: default key {key:?}",
                spec.name
            );
        }
    }
}

#[test]
fn every_hinted_action_has_a_place_in_the_footer_order() {
    for a in Action::ALL {
        assert_eq!(
            a.hint().is_some(),
            HINT_ORDER.contains(a),
            "{a:?}: a hint needs a place in HINT_ORDER and the other way round"
        );
    }
    let hints = Keymap::default().footer_hints(&[]);
    assert_eq!(hints[0], ("j".to_string(), "move"));
    assert!(hints.contains(&("Space".to_string(), "mark")));
}

#[test]
fn parses_key_specs() {
    assert_eq!(Key::parse("G").unwrap(), Key::parse("shift-g").unwrap());
    assert_eq!(
        Key::parse("ctrl-d").unwrap(),
        Key {
            code: KeyCode::Char('d'),
            mods: KeyModifiers::CONTROL
        }
    );
    assert_eq!(Key::parse("PageDown").unwrap().code, KeyCode::PageDown);
    assert_eq!(Key::parse("-").unwrap().code, KeyCode::Char('-'));
    assert_eq!(Key::parse("f12").unwrap().code, KeyCode::F(12));
    assert!(matches!(Key::parse("hyper-x"), Err(KeymapError::BadKey(_))));
    assert!(matches!(Key::parse("f99"), Err(KeymapError::BadKey(_))));
    assert!(matches!(Key::parse(""), Err(KeymapError::BadKey(_))));
}

#[test]
fn defaults_cover_issue_keys() {
    let km = Keymap::default();
    let n = KeyModifiers::NONE;
    assert_eq!(
        km.action_for(&press(KeyCode::Char('j'), n)),
        Some(Action::MoveDown)
    );
    assert_eq!(
        km.action_for(&press(KeyCode::Down, n)),
        Some(Action::MoveDown)
    );
    // Terminals report G with or without SHIFT.
    assert_eq!(
        km.action_for(&press(KeyCode::Char('G'), KeyModifiers::SHIFT)),
        Some(Action::Last)
    );
    assert_eq!(
        km.action_for(&press(KeyCode::Char('G'), n)),
        Some(Action::Last)
    );
    assert_eq!(
        km.action_for(&press(KeyCode::Char('d'), KeyModifiers::CONTROL)),
        Some(Action::ScreenDown)
    );
    assert_eq!(
        km.action_for(&press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Some(Action::Quit)
    );
    assert_eq!(km.action_for(&press(KeyCode::Char('x'), n)), None);
}

#[test]
fn overrides_replace_defaults_and_report_errors() {
    let mut o = BTreeMap::new();
    o.insert(
        "next_page".to_string(),
        vec!["x".to_string(), "ctrl-f".to_string()],
    );
    let km = Keymap::with_overrides(&o).unwrap();
    let n = KeyModifiers::NONE;
    assert_eq!(
        km.action_for(&press(KeyCode::Char('x'), n)),
        Some(Action::NextPage)
    );
    assert_eq!(km.action_for(&press(KeyCode::Char(']'), n)), None);
    assert_eq!(km.label(Action::NextPage), "x/Ctrl-f");

    let mut bad = BTreeMap::new();
    bad.insert("jump".to_string(), vec!["x".to_string()]);
    let err = Keymap::with_overrides(&bad).unwrap_err().to_string();
    assert!(
        err.contains("move_down") && err.contains("\"jump\""),
        "{err}"
    );

    let mut clash = BTreeMap::new();
    clash.insert("next_page".to_string(), vec!["j".to_string()]);
    assert!(matches!(
        Keymap::with_overrides(&clash),
        Err(KeymapError::Conflict { .. })
    ));

    let mut reserved = BTreeMap::new();
    reserved.insert("refresh".to_string(), vec!["ctrl-c".to_string()]);
    assert!(matches!(
        Keymap::with_overrides(&reserved),
        Err(KeymapError::Reserved("refresh"))
    ));
}

#[test]
fn help_is_generated_from_the_table() {
    let km = Keymap::default();
    let rows = km.help_rows(&[Action::OpenBrowser]);
    assert!(
        rows.iter()
            .any(|(k, d)| k == "j/↓" && d.starts_with("next ticket"))
    );
    assert!(!rows.iter().any(|(k, _)| k == "o"));
    let hints = km.footer_hints(&[]);
    assert!(hints.contains(&("?".to_string(), "help")));
}

#[test]
fn config_keys_table() {
    use crate::config::KeySpec;
    let mut keys = BTreeMap::new();
    keys.insert(
        "quit".to_string(),
        KeySpec::Many(vec!["q".into(), "ctrl-c".into()]),
    );
    keys.insert("last".to_string(), KeySpec::One("shift-g".into()));
    let km = Keymap::from_config(&keys).unwrap();
    assert_eq!(km.label(Action::Quit), "q/Ctrl-c");
    assert_eq!(km.label(Action::Last), "G");
}
