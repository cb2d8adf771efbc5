//! `docs/keys.md`, written from the same table as the `?` overlay, so the
//! published reference cannot drift from the bindings (a test compares the
//! checked-in page with this text).

use super::{Action, Keymap, Section};

/// The command that rewrites every generated doc; failing tests quote it.
pub const REGENERATE: &str = "UPDATE_DOCS=1 cargo test --test it generated_docs";

/// The keys reference page for the default keymap, in Markdown.
pub fn reference_markdown() -> String {
    let keymap = Keymap::default();
    let mut out = String::new();
    out.push_str("# Keys\n\n");
    out.push_str("<!-- Generated from the keymap (src/app/keymap/table.rs): do not edit.\n");
    out.push_str(&format!("     Regenerate with `{REGENERATE}`. -->\n\n"));
    out.push_str(
        "Back to the [README](../README.md). The default bindings of the queue, \
         as `?` lists them. Every one can be changed in `[keys]` of the config \
         file, by the name in the second column (`move_down = [\"j\", \"down\"]`); \
         `Ctrl-c` always quits. Saved views with a `key` and macros with a `key` \
         add their own, which `?` lists under \"Your keys\". Keys inside the filter panes, pickers and dialogs are \
         described with them: [filters.md](filters.md), [views.md](views.md), \
         [triage.md](triage.md).\n",
    );
    for &section in Section::ALL {
        let actions: Vec<Action> = Action::ALL
            .iter()
            .copied()
            .filter(|a| a.section() == section)
            .collect();
        if actions.is_empty() {
            continue;
        }
        out.push_str(&format!("\n## {}\n\n", section.heading()));
        out.push_str("| keys | `[keys]` name | action |\n|---|---|---|\n");
        for action in actions {
            let keys = keymap
                .keys(action)
                .iter()
                .map(|k| code_span(&k.to_string()))
                .collect::<Vec<_>>()
                .join(" ");
            out.push_str(&format!(
                "| {} | `{}` | {} |\n",
                if keys.is_empty() {
                    "(none)".into()
                } else {
                    keys
                },
                action.name(),
                cell(action.description()),
            ));
        }
    }
    out.push_str("\n## Also\n\n| input | action |\n|---|---|\n");
    for (input, what) in crate::app::help::ALSO {
        out.push_str(&format!("| {} | {} |\n", cell(input), cell(what)));
    }
    out
}

/// A key as inline code, fenced so that a backtick key still reads.
fn code_span(text: &str) -> String {
    let text = text.replace('|', "\\|");
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// Table cell text: a `|` would end the cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_listed_with_its_config_name() {
        let page = reference_markdown();
        for action in Action::ALL {
            assert!(
                page.contains(&format!("| `{}` |", action.name())),
                "{} missing",
                action.name()
            );
        }
    }

    #[test]
    fn odd_keys_stay_inside_their_cell() {
        assert_eq!(code_span("|"), "`\\|`");
        assert_eq!(code_span("`"), "`` ` ``");
    }
}
