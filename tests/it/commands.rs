//! `[[commands]]`: keys and the `!` picker become `Effect::RunCommand`
//! with every value shell-quoted; confirm, marked each/once, a value that
//! is not known, what an ended command says, clashes and bad placeholders
//! at load. The scripts made here are also run by a real `sh`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use triage::app::commands::{self, CommandRun};
use triage::app::{Effect, Msg, State, update};
use triage::config::{CommandDef, CommandOutput, MarkedRun};
use triage::runtime::shell::run_captured;

use crate::support::cli::triage_command;
use crate::support::keys::{key, press};
use crate::support::ui_fixtures::*;

fn def(name: &str, key: Option<&str>, run: &str) -> CommandDef {
    CommandDef {
        name: name.into(),
        key: key.map(Into::into),
        run: run.into(),
        ..CommandDef::default()
    }
}

fn state_with(defs: &[CommandDef]) -> State {
    let mut state = loaded_state(120, 30, 20, 40);
    let (entries, problems) = commands::load(defs, &state.keymap, &[]);
    assert!(problems.is_empty(), "{problems:?}");
    state.commands = entries;
    state
}

fn f(n: u8) -> KeyEvent {
    KeyEvent::new(KeyCode::F(n), KeyModifiers::NONE)
}

fn runs(fx: &[Effect]) -> Vec<CommandRun> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::RunCommand(run) => Some((**run).clone()),
            _ => None,
        })
        .collect()
}

/// The selected row's subject becomes `subject`.
fn with_subject(state: &mut State, subject: &str) {
    if let triage::app::state::TablePane::Loaded(view) = &mut state.list.table {
        std::sync::Arc::make_mut(&mut view.tickets)[0].subject = subject.into();
    }
}

#[test]
fn a_key_runs_its_command_with_the_values_quoted() {
    let mut state = state_with(&[CommandDef {
        output: Some(CommandOutput::Status),
        ..def(
            "args",
            Some("F4"),
            "printf '<%s>' {{subject}} {{number}} {{id}}",
        )
    }]);
    with_subject(&mut state, "it's '; rm -rf ~ $(id) `id` \"x\"");
    let fx = key(&mut state, f(4));
    let run = runs(&fx).pop().expect("the command runs");
    assert!(run.background);
    assert_eq!(run.name, "args");
    assert_eq!(run.scripts.len(), 1);
    // A real shell gets each value as one argument, untouched.
    let said = run_captured(&run).unwrap();
    assert_eq!(
        said,
        format!(
            "<it's '; rm -rf ~ $(id) `id` \"x\"><1001><{}>",
            uuid::Uuid::from_u128(1)
        )
    );
}

#[test]
fn confirm_asks_first_and_no_cancels() {
    let mut state = state_with(&[CommandDef {
        confirm: true,
        ..def("crm", Some("F5"), "true {{number}}")
    }]);
    let fx = key(&mut state, f(5));
    assert!(runs(&fx).is_empty(), "not before the answer");
    assert!(state.modal.is_some());
    let fx = press(&mut state, KeyCode::Char('y'));
    let run = runs(&fx).pop().expect("runs after y");
    assert!(!run.background, "in the terminal: no output = \"status\"");
    assert_eq!(run.scripts, ["true '1001'"]);
    key(&mut state, f(5));
    let fx = press(&mut state, KeyCode::Char('n'));
    assert!(runs(&fx).is_empty());
    assert_eq!(state.notice.as_deref(), Some("cancelled: nothing was run"));
}

#[test]
fn marked_tickets_each_or_once() {
    let defs = [
        def("each", Some("F6"), "echo {{number}}"),
        CommandDef {
            marked: MarkedRun::Once,
            ..def("once", Some("F7"), "echo {{number}} -- {{subject}}")
        },
    ];
    let mut state = state_with(&defs);
    press(&mut state, KeyCode::Char(' '));
    press(&mut state, KeyCode::Char(' '));
    let each = runs(&key(&mut state, f(6))).pop().unwrap();
    assert_eq!(each.scripts, ["echo '1001'", "echo '1002'"]);
    let once = runs(&key(&mut state, f(7))).pop().unwrap();
    assert_eq!(
        once.scripts,
        [format!(
            "echo '1001' '1002' -- '{}' '{}'",
            ticket(1).subject,
            ticket(2).subject
        )]
    );
}

#[test]
fn a_value_not_known_refuses_to_run_and_says_which() {
    let mut state = state_with(&[def("crm", Some("F4"), "open-crm {{requester_email}}")]);
    let fx = key(&mut state, f(4));
    assert!(runs(&fx).is_empty());
    let error = state.last_error.expect("said").message;
    assert!(
        error.contains("no {{requester_email}} for #1001"),
        "{error}"
    );
    let mut state = state_with(&[def("link", Some("F4"), "echo {{url}}")]);
    key(&mut state, f(4));
    assert!(state.last_error.unwrap().message.contains("web_url"));
}

#[test]
fn the_picker_runs_one_by_name() {
    let mut state = state_with(&[
        def("first", None, "echo one"),
        def("second", None, "echo two {{number}}"),
    ]);
    press(&mut state, KeyCode::Char('!'));
    assert!(state.modal.is_some(), "the picker is open");
    for c in "seco".chars() {
        press(&mut state, KeyCode::Char(c));
    }
    let fx = press(&mut state, KeyCode::Enter);
    assert_eq!(runs(&fx).pop().unwrap().scripts, ["echo two '1001'"]);
    assert!(state.modal.is_none());
}

#[test]
fn what_an_ended_command_says() {
    let mut state = state_with(&[]);
    update(
        &mut state,
        Msg::CommandDone {
            name: "crm".into(),
            result: Ok("opened Ada".into()),
        },
        clock(),
    );
    assert_eq!(state.notice.as_deref(), Some("crm: opened Ada"));
    update(
        &mut state,
        Msg::CommandDone {
            name: "crm".into(),
            result: Err("exited with 3: no such contact".into()),
        },
        clock(),
    );
    assert_eq!(
        state.last_error.unwrap().message,
        "crm: exited with 3: no such contact"
    );
}

#[test]
fn commands_are_listed_with_the_other_keys_of_the_config() {
    let state = state_with(&[def("crm", Some("F4"), "true")]);
    let keys = triage::app::help::your_keys(&state);
    assert!(
        keys.contains(&("F4".to_string(), "command: crm".to_string())),
        "{keys:?}"
    );
}

#[test]
fn clashes_and_bad_placeholders_are_problems_at_load() {
    let keymap = triage::app::Keymap::default();
    let taken = [triage::app::keymap::Key::parse("F9").unwrap()];
    let (entries, problems) = commands::load(
        &[
            def("quit?", Some("q"), "true"),
            def("view's", Some("F9"), "true"),
            def("a", Some("F4"), "true"),
            def("b", Some("F4"), "true"),
            def("typo", None, "open {{requester_mail}}"),
        ],
        &keymap,
        &taken,
    );
    assert_eq!(entries.len(), 5, "kept, broken or not");
    assert!(
        problems[0].contains("key q is already taken"),
        "{problems:?}"
    );
    assert!(problems[1].contains("key F9 is already taken"));
    assert!(problems[2].contains("already another command's"));
    let lines: Vec<&str> = problems[3].lines().collect();
    assert!(lines[0].contains("command 'typo': run line 1, column 6: unknown placeholder"));
    assert_eq!(lines[1], "    open {{requester_mail}}");
    assert_eq!(lines[2], "         ^^^^^^^^^^^^^^^^^^");
    assert!(lines[3].contains("{{id}}, {{url}}"));
    // Broken: the picker's `Enter` says why instead of running.
    let mut state = loaded_state(120, 30, 20, 40);
    state.commands = entries;
    let fx = key(&mut state, f(4));
    assert_eq!(runs(&fx).len(), 1);
    press(&mut state, KeyCode::Char('!'));
    for c in "typo".chars() {
        press(&mut state, KeyCode::Char(c));
    }
    let fx = press(&mut state, KeyCode::Enter);
    assert!(runs(&fx).is_empty());
    assert!(state.last_error.unwrap().message.contains("is broken"));
}

#[test]
fn a_requester_not_loaded_is_asked_for_and_the_next_press_runs() {
    let mut state = state_with(&[def("crm", Some("F4"), "open-crm {{requester_email}}")]);
    let contact = uuid::Uuid::from_u128(0xc0);
    if let triage::app::state::TablePane::Loaded(view) = &mut state.list.table {
        std::sync::Arc::make_mut(&mut view.tickets)[0].contact_id = Some(contact);
    }
    let fx = key(&mut state, f(4));
    assert!(runs(&fx).is_empty());
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::FetchContact { id } if *id == contact)),
        "{fx:?}"
    );
    assert!(
        state
            .last_error
            .take()
            .unwrap()
            .message
            .contains("is loading")
    );
    update(
        &mut state,
        Msg::ContactLoaded {
            id: contact,
            result: Ok(Some(triage::api::types::Contact {
                id: contact,
                name: "Ada".into(),
                email: Some("ada@example.com".into()),
                company: None,
            })),
        },
        clock(),
    );
    let run = runs(&key(&mut state, f(4))).pop().expect("runs now");
    assert_eq!(run.scripts, ["open-crm 'ada@example.com'"]);
}

#[test]
fn config_check_points_at_a_bad_placeholder_with_carets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "[[commands]]\nname = \"crm\"\nkey = \"R\"\nrun = \"open-crm {{requester_mail}}\"\n",
    )
    .unwrap();
    let args = ["--config", path.to_str().unwrap(), "config", "check"];
    let out = triage_command(&args, &[("HOME", &dir.path())])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains(
            "problem: [[commands]] command 'crm': run line 1, column 10: unknown placeholder {{requester_mail}}\n    open-crm {{requester_mail}}\n             ^^^^^^^^^^^^^^^^^^\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("problem: [[commands]] command 'crm': key R is already taken"),
        "{stdout}"
    );
}
