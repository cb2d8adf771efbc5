//! Macros: several triage changes under one name (and, if wanted, one key),
//! from `[[macros]]` in the config file.
//!
//! ```toml
//! [[macros]]
//! name = "Escalate to billing"
//! key = "ctrl-b"
//! actions = 'status:Working priority:urgent assignee:me inbox:Billing +tag:vip -tag:new field:plan=Enterprise field:region=empty snooze:4h note:"Escalated to billing"'
//! ```
//!
//! # The action language
//!
//! Tokens are split like the filter's text form (whitespace outside double
//! quotes; `\"` and `\\` inside quotes). Every token is `key:value`:
//!
//! | action | meaning |
//! |---|---|
//! | `status:Working` | a status by the workspace's name, or a category (`open`, `in_progress`, `waiting`, `resolved`, `closed`) |
//! | `priority:urgent` | a priority by name, or a level (`low`, `normal`, `high`, `urgent`) |
//! | `assignee:me`, `assignee:none`, `assignee:"Ana Lima"` | `me` from the config, unassign, an agent by name, email or UUID |
//! | `inbox:Billing` | move to an inbox by name or UUID |
//! | `+tag:vip`, `-tag:new`, `+tag:a,b` | add or remove tags (relative: other tags stay) |
//! | `field:plan=Enterprise`, `field:region=empty` | set a custom field (typed as for filters), or clear it |
//! | `snooze:4h`, `snooze:"tomorrow 9:00"` | a waiting status until then, as `z` reads it (read when the macro runs) |
//! | `note:"Escalated to billing"` | an internal note (sent after the change; it cannot be undone) |
//! | `reply:"Thanks"` | a canned reply (`[[replies]]`) by name, filled per ticket and sent after the change and the note; the UI asks first, `triage apply` wants `--send-replies` |
//!
//! Each key at most once (tags and fields once per tag or field); `status:`
//! and `snooze:` together are refused, since a snooze sets the status.
//! Everything is checked before anything is sent, with carets under the
//! bad token; one PATCH per ticket carries every change but the note.

pub mod parse;
pub mod resolve;

pub use parse::{ACTION_KEYS, Spanned, Step, parse_actions};
pub use resolve::{Lookup, Plan, me_id, resolve, typed_field_value};

use crate::app::keymap::{Key, Keymap};
use crate::config::MacroDef;
use crate::filter::text::ParseError;

/// One macro as the UI holds it: its definition, its parsed steps (or the
/// syntax error, shown with carets when it is run), and its usable key.
#[derive(Debug, Clone, PartialEq)]
pub struct MacroEntry {
    pub def: MacroDef,
    pub steps: Result<Vec<Spanned>, ParseError>,
    pub key: Option<Key>,
}

impl MacroEntry {
    pub fn name(&self) -> &str {
        &self.def.name
    }

    /// The error under its input, three lines: actions, carets, message.
    pub fn error_text(&self, e: &ParseError) -> String {
        e.render(&self.def.actions)
    }
}

/// Reads every `[[macros]]` entry. Problems (a syntax error, a key another
/// action already has, a name given twice) are reported, never fatal: the
/// other macros still work, and the broken one says why when run.
pub fn load(defs: &[MacroDef], keymap: &Keymap, taken: &[Key]) -> (Vec<MacroEntry>, Vec<String>) {
    let mut problems = Vec::new();
    let mut entries: Vec<MacroEntry> = Vec::new();
    for def in defs {
        let steps = parse_actions(&def.actions);
        if let Err(e) = &steps {
            problems.push(format!("macro '{}': {e}", def.name));
        }
        if entries
            .iter()
            .any(|m| m.def.name.eq_ignore_ascii_case(&def.name))
        {
            problems.push(format!("macro '{}': the name is given twice", def.name));
        }
        let key = def.key.as_deref().and_then(|spec| match Key::parse(spec) {
            Ok(key) if keymap.action_for_key(key).is_some() || taken.contains(&key) => {
                problems.push(format!("macro '{}': key {key} is already taken", def.name));
                None
            }
            Ok(key) if entries.iter().any(|m| m.key == Some(key)) => {
                problems.push(format!(
                    "macro '{}': key {key} is already another macro's",
                    def.name
                ));
                None
            }
            Ok(key) => Some(key),
            Err(_) => {
                problems.push(format!("macro '{}': unknown key {spec:?}", def.name));
                None
            }
        });
        entries.push(MacroEntry {
            def: def.clone(),
            steps,
            key,
        });
    }
    (entries, problems)
}
