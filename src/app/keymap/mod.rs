//! The one key table: it drives input handling, the `?` help overlay and the
//! footer hints, so none of them can drift from the real bindings.
//!
//! Everything about an action (its `[keys]` name, default keys, help heading
//! and line, footer hint) is one entry of `ACTIONS`; the rest is read off it.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub mod reference;
mod table;
#[cfg(test)]
mod tests;

use table::{ACTIONS, ActionSpec, HINT_ORDER};

/// Everything a key can do. `name()` is the key used in `[keys]` of the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    MoveDown,
    MoveUp,
    First,
    Last,
    ScreenDown,
    ScreenUp,
    NextPage,
    PrevPage,
    NextTicket,
    PrevTicket,
    /// The next row marked new (see `app::news`).
    NextNew,
    OpenDetail,
    Back,
    Refresh,
    CycleSort,
    FlipOrder,
    OpenBrowser,
    CopyNumber,
    CopyCurl,
    Help,
    Quit,
    Search,
    FilterLine,
    SetStatus,
    SetPriority,
    Assign,
    AssignMe,
    Snooze,
    MoveInbox,
    Tag,
    SetField,
    ToggleMark,
    MarkRange,
    MarkPage,
    ClearMarks,
    NextMode,
    AddNote,
    Reply,
    /// `m`: the macros (`[[macros]]`) in a picker.
    RunMacro,
    /// `!`: the shell commands (`[[commands]]`) in a picker.
    RunCommand,
    Undo,
    /// Saved views by position (or their own key); see `app::views`.
    View1,
    View2,
    View3,
    View4,
    View5,
    View6,
    View7,
    View8,
    View9,
    ViewsList,
    SaveView,
    FilterPanes,
}

/// The help overlay's headings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Browse,
    Tickets,
    Filter,
    SavedViews,
    Triage,
    General,
}

impl Section {
    /// In the order the help shows them.
    pub const ALL: &'static [Section] = &[
        Section::Browse,
        Section::Tickets,
        Section::Filter,
        Section::SavedViews,
        Section::Triage,
        Section::General,
    ];

    pub fn heading(self) -> &'static str {
        match self {
            Section::Browse => "Browse",
            Section::Tickets => "Tickets",
            Section::Filter => "Filter",
            Section::SavedViews => "Saved views",
            Section::Triage => "Triage",
            Section::General => "General",
        }
    }
}

/// `Action::ALL`, read off the table when compiling.
const ALL_ACTIONS: [Action; ACTIONS.len()] = {
    let mut all = [Action::MoveDown; ACTIONS.len()];
    let mut i = 0;
    while i < ACTIONS.len() {
        all[i] = ACTIONS[i].action;
        i += 1;
    }
    all
};

impl Action {
    /// Every action, in the order of `ACTIONS`.
    pub const ALL: &'static [Action] = &ALL_ACTIONS;

    fn spec(self) -> &'static ActionSpec {
        ACTIONS
            .iter()
            .find(|spec| spec.action == self)
            .expect("every action has an entry in ACTIONS (a unit test checks)")
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn from_name(name: &str) -> Option<Action> {
        ACTIONS
            .iter()
            .find(|spec| spec.name == name)
            .map(|spec| spec.action)
    }

    /// The 1-based position a `view_N` action opens.
    pub fn view_slot(self) -> Option<usize> {
        const SLOTS: [Action; 9] = [
            Action::View1,
            Action::View2,
            Action::View3,
            Action::View4,
            Action::View5,
            Action::View6,
            Action::View7,
            Action::View8,
            Action::View9,
        ];
        SLOTS.iter().position(|a| *a == self).map(|i| i + 1)
    }

    /// One line for the help overlay.
    pub fn description(self) -> &'static str {
        self.spec().help
    }

    /// The help overlay's heading this action is listed under.
    pub fn section(self) -> Section {
        self.spec().section
    }

    /// Acting on tickets (handled by `app::triage`).
    pub fn is_triage(self) -> bool {
        self.section() == Section::Triage
    }

    /// Changes tickets on the server (refused on a page kept from an
    /// earlier run); marks and next mode change nothing there.
    pub fn writes(self) -> bool {
        self.is_triage()
            && !matches!(
                self,
                Action::ToggleMark
                    | Action::MarkRange
                    | Action::MarkPage
                    | Action::ClearMarks
                    | Action::NextMode
            )
    }

    /// Short label for the footer hints.
    fn hint(self) -> Option<&'static str> {
        self.spec().hint
    }
}

/// A key with its modifiers, normalized so that `G` and `shift-g` are equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    /// Normalizes a terminal key event: for characters, SHIFT is folded into
    /// the character itself (terminals disagree on whether they report it).
    pub fn from_event(ev: &KeyEvent) -> Key {
        Key::normalized(ev.code, ev.modifiers)
    }

    fn normalized(code: KeyCode, mods: KeyModifiers) -> Key {
        let mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        match code {
            KeyCode::Char(c) => {
                let c = if mods.contains(KeyModifiers::SHIFT) && c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c
                };
                Key {
                    code: KeyCode::Char(c),
                    mods: mods - KeyModifiers::SHIFT,
                }
            }
            // Shift-Tab arrives as BackTab; keep it as one key.
            KeyCode::BackTab => Key {
                code,
                mods: mods - KeyModifiers::SHIFT,
            },
            _ => Key { code, mods },
        }
    }

    /// Parses `"j"`, `"G"`, `"shift-g"`, `"ctrl-d"`, `"pagedown"`, `"enter"`, `"f5"`...
    pub fn parse(spec: &str) -> Result<Key, KeymapError> {
        let bad = || KeymapError::BadKey(spec.to_string());
        let mut mods = KeyModifiers::NONE;
        let mut rest = spec;
        // A lone "-" is a key; "ctrl--" is ctrl + minus.
        loop {
            let lower = rest.to_ascii_lowercase();
            let stripped = ["ctrl-", "control-", "alt-", "meta-", "shift-"]
                .iter()
                .find(|p| lower.starts_with(*p) && rest.len() > p.len());
            match stripped {
                Some(p) => {
                    mods |= match *p {
                        "ctrl-" | "control-" => KeyModifiers::CONTROL,
                        "alt-" | "meta-" => KeyModifiers::ALT,
                        _ => KeyModifiers::SHIFT,
                    };
                    rest = &rest[p.len()..];
                }
                None => break,
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(if mods.contains(KeyModifiers::CONTROL) {
                c.to_ascii_lowercase()
            } else {
                c
            }),
            (None, _) => return Err(bad()),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" | "ins" => KeyCode::Insert,
                "space" => KeyCode::Char(' '),
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" | "pgdown" => KeyCode::PageDown,
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=24) => KeyCode::F(n),
                    _ => return Err(bad()),
                },
                _ => return Err(bad()),
            },
        };
        Ok(Key::normalized(code, mods))
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Insert => f.write_str("Ins"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    #[error(
        "unknown key {0:?} in [keys]: use a character (\"j\", \"G\", \"]\"), a name (enter, esc, tab, space, backspace, up, down, left, right, home, end, pageup, pagedown, f1..f24), optionally prefixed by ctrl-, alt- or shift-"
    )]
    BadKey(String),
    #[error("unknown action {name:?} in [keys]; valid actions: {valid}")]
    UnknownAction { name: String, valid: String },
    #[error("key {key} is bound to both {first} and {second} in [keys]")]
    Conflict {
        key: String,
        first: &'static str,
        second: &'static str,
    },
    #[error("Ctrl-c always quits and cannot be bound to {0}")]
    Reserved(&'static str),
}

/// Action → keys, in the order of `ACTIONS`.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    bindings: Vec<(Action, Vec<Key>)>,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings = ACTIONS
            .iter()
            .map(|spec| {
                let keys = spec.keys.iter().filter_map(|k| Key::parse(k).ok());
                (spec.action, keys.collect())
            })
            .collect();
        Keymap { bindings }
    }
}

impl Keymap {
    /// Defaults with the `[keys]` table applied: each named action gets
    /// exactly the keys given (replacing its defaults).
    pub fn with_overrides(
        overrides: &BTreeMap<String, Vec<String>>,
    ) -> Result<Keymap, KeymapError> {
        let mut map = Keymap::default();
        for (name, specs) in overrides {
            let action = Action::from_name(name).ok_or_else(|| KeymapError::UnknownAction {
                name: name.clone(),
                valid: ACTIONS
                    .iter()
                    .map(|spec| spec.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
            let keys = specs
                .iter()
                .map(|s| Key::parse(s))
                .collect::<Result<Vec<_>, _>>()?;
            if keys.contains(&CTRL_C) && action != Action::Quit {
                return Err(KeymapError::Reserved(action.name()));
            }
            if let Some(slot) = map.bindings.iter_mut().find(|(a, _)| *a == action) {
                slot.1 = keys;
            }
        }
        map.check_conflicts()?;
        Ok(map)
    }

    /// Defaults with the config file's `[keys]` table applied.
    pub fn from_config(
        keys: &BTreeMap<String, crate::config::KeySpec>,
    ) -> Result<Keymap, KeymapError> {
        let overrides = keys
            .iter()
            .map(|(action, spec)| {
                let keys = spec.keys().into_iter().map(str::to_string).collect();
                (action.clone(), keys)
            })
            .collect();
        Keymap::with_overrides(&overrides)
    }

    fn check_conflicts(&self) -> Result<(), KeymapError> {
        for (i, (a, keys)) in self.bindings.iter().enumerate() {
            for (b, other) in &self.bindings[i + 1..] {
                if let Some(k) = keys.iter().find(|k| other.contains(k)) {
                    return Err(KeymapError::Conflict {
                        key: k.to_string(),
                        first: a.name(),
                        second: b.name(),
                    });
                }
            }
        }
        Ok(())
    }

    /// The action bound to a key press, if any. Ctrl-c is always `Quit`.
    pub fn action_for(&self, ev: &KeyEvent) -> Option<Action> {
        if ev.kind == KeyEventKind::Release {
            return None;
        }
        self.action_for_key(Key::from_event(ev))
    }

    /// The router's one question: the action a key is bound to, with the
    /// section it belongs to (whose it is).
    pub fn bound(&self, ev: &KeyEvent) -> Option<(Action, Section)> {
        let action = self.action_for(ev)?;
        Some((action, action.section()))
    }

    /// The action bound to a key, if any (Ctrl-c is always `Quit`).
    pub fn action_for_key(&self, key: Key) -> Option<Action> {
        if key == CTRL_C {
            return Some(Action::Quit);
        }
        self.bindings
            .iter()
            .find(|(_, keys)| keys.contains(&key))
            .map(|(a, _)| *a)
    }

    pub fn keys(&self, action: Action) -> &[Key] {
        self.bindings
            .iter()
            .find(|(a, _)| *a == action)
            .map(|(_, k)| k.as_slice())
            .unwrap_or(&[])
    }

    /// "j/↓" style label of an action's keys.
    pub fn label(&self, action: Action) -> String {
        self.keys(action)
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Rows of the help overlay: (keys, description), skipping hidden actions.
    pub fn help_rows(&self, hidden: &[Action]) -> Vec<(String, &'static str)> {
        self.bindings
            .iter()
            .filter(|(a, keys)| !hidden.contains(a) && !keys.is_empty())
            .map(|(a, _)| (self.label(*a), a.description()))
            .collect()
    }

    /// `help_rows` grouped under their headings; empty sections left out.
    pub fn help_sections(
        &self,
        hidden: &[Action],
    ) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
        Section::ALL
            .iter()
            .map(|&section| {
                let rows = self
                    .bindings
                    .iter()
                    .filter(|(a, keys)| {
                        a.section() == section && !hidden.contains(a) && !keys.is_empty()
                    })
                    .map(|(a, _)| (self.label(*a), a.description()))
                    .collect::<Vec<_>>();
                (section.heading(), rows)
            })
            .filter(|(_, rows)| !rows.is_empty())
            .collect()
    }

    /// Footer hints: (first key, short label), for the actions worth a hint.
    pub fn footer_hints(&self, hidden: &[Action]) -> Vec<(String, &'static str)> {
        HINT_ORDER
            .iter()
            .filter(|a| !hidden.contains(a))
            .filter_map(|a| Some((self.keys(*a).first()?.to_string(), a.hint()?)))
            .collect()
    }
}

pub const CTRL_C: Key = Key {
    code: KeyCode::Char('c'),
    mods: KeyModifiers::CONTROL,
};
