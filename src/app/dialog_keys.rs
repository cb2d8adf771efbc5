//! The keys of the open dialog, for the footer: while a dialog has the
//! keys, the list's hints would lie. One `match` per kind of dialog, with no
//! fallback, so a new dialog names its keys to compile.

use super::modal::Modal;
use super::picker::Picker;
use super::state::State;
use super::triage::{Dialog, FieldEditKind, PickKind};
use super::views::Dialog as ViewsDialog;
use super::views::list::ListMode;

/// (key, what it does), in the order shown.
pub type KeyHints = Vec<(&'static str, &'static str)>;

/// The open modal's keys, or `None` when the list has them (or the modal
/// draws its own over the footer: the search box, the filter line and the
/// filter panes say theirs where the typing is).
pub fn dialog_keys(state: &State) -> Option<KeyHints> {
    match state.modal.as_ref()? {
        Modal::Help(_) => Some(vec![("j/k", "scroll"), ("any other key", "close")]),
        Modal::Search(_) | Modal::FilterLine(_) | Modal::FilterPanel(_) => None,
        Modal::Triage(dialog) => Some(triage_keys(dialog)),
        Modal::Views(ViewsDialog::List(list)) => Some(match &list.mode {
            ListMode::Browse => vec![
                ("j/k", "move"),
                ("Enter", "open"),
                ("d", "delete"),
                ("R", "rename"),
                ("J/K", "move down/up"),
                ("Esc", "close"),
            ],
            ListMode::ConfirmDelete => vec![("y/Enter", "delete"), ("any other key", "keep")],
            ListMode::Rename { .. } => vec![("Enter", "rename"), ("Esc", "cancel")],
        }),
        Modal::Views(ViewsDialog::Name(_)) => Some(vec![("Enter", "save"), ("Esc", "cancel")]),
    }
}

/// The keys every picker shares (the one rule: `app::picker`), with what
/// `Enter` does here.
fn picker_keys(picker: &Picker, enter: &'static str) -> KeyHints {
    let mut keys = vec![("type", "narrow"), ("↑/↓", "move")];
    if picker.space_marks() {
        keys.push(("Space", if picker.is_multi() { "mark" } else { "choose" }));
    }
    keys.push(("Enter", enter));
    keys.push(if picker.is_typing() {
        ("Esc", "clear text")
    } else {
        ("Esc", "cancel")
    });
    keys
}

fn triage_keys(dialog: &Dialog) -> KeyHints {
    match dialog {
        // `Esc` on the replies' picker starts a blank reply, not nothing.
        Dialog::Pick {
            kind: PickKind::Reply,
            picker,
            ..
        } => picker_keys(picker, "write it")
            .into_iter()
            .map(|k| {
                if k == ("Esc", "cancel") {
                    ("Esc", "blank reply")
                } else {
                    k
                }
            })
            .collect(),
        Dialog::Pick { kind, picker, .. } => picker_keys(
            picker,
            match kind {
                PickKind::Field => "edit the field",
                PickKind::Macro | PickKind::Command => "run",
                PickKind::Tags => "apply marks",
                PickKind::Status | PickKind::Priority | PickKind::Assign | PickKind::Inbox => "set",
                PickKind::Reply => "write it",
            },
        ),
        Dialog::Snooze(_) => vec![
            ("type", "when"),
            ("↑/↓", "presets"),
            ("Tab", "status after"),
            ("Enter", "snooze"),
            ("Esc", "cancel"),
        ],
        Dialog::FieldEdit(edit) => match &edit.kind {
            FieldEditKind::Pick(picker) => picker_keys(picker, "set"),
            FieldEditKind::Input(_) => vec![("Enter", "set (empty clears)"), ("Esc", "cancel")],
        },
        Dialog::Confirm { .. } => vec![("y/Enter", "yes"), ("n/Esc", "no")],
        Dialog::Progress { .. } => vec![("Esc", "stop what is not sent")],
        Dialog::Report { job, .. } => {
            let mut keys = vec![("j/k", "scroll"), ("g/G", "top/end")];
            if super::triage::conflict::count(job) > 0 {
                keys.push(("F", "apply yours anyway"));
            }
            keys.push(("Esc/Enter", "close"));
            keys
        }
        Dialog::Send(send) => {
            // The status keys are drawn in the box (their letters vary).
            let mut keys = vec![("y", "send")];
            if !send.offer.choices.is_empty() {
                keys.push(("letter", "send and set that status"));
            }
            keys.push((
                "Enter",
                if send.offer.default.is_some() {
                    "the default (send and set)"
                } else {
                    "send"
                },
            ));
            if send.news.is_some() {
                keys.push(("e", "edit again"));
            }
            keys.push(("n/d/Esc", "keep as draft"));
            keys
        }
        Dialog::Conflict(_) => vec![("a", "apply yours anyway"), ("k/n/Esc", "keep theirs")],
        Dialog::Problem { .. } => vec![("any key", "close")],
    }
}
