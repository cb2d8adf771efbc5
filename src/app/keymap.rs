//! The one key table: it drives input handling, the `?` help overlay and the
//! footer hints, so none of them can drift from the real bindings.
//!
//! Everything about an action (its `[keys]` name, default keys, help heading
//! and line, footer hint) is one entry of `ACTIONS`; the rest is read off it.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

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
    ToggleMark,
    MarkRange,
    MarkPage,
    ClearMarks,
    NextMode,
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

/// What there is to know about one action.
struct ActionSpec {
    action: Action,
    /// Its key in `[keys]` of the config.
    name: &'static str,
    /// Its bindings until `[keys]` replaces them, spelled as `Key::parse` reads them.
    keys: &'static [&'static str],
    section: Section,
    /// Its line in the help overlay.
    help: &'static str,
    /// Its short label in the footer, if it earns one there (see `HINT_ORDER`).
    hint: Option<&'static str>,
}

/// Every action once. The order is the one `[keys]` errors list the actions
/// in, conflicts are checked in and each help section lists its rows in.
const ACTIONS: &[ActionSpec] = &[
    ActionSpec {
        action: Action::MoveDown,
        name: "move_down",
        keys: &["j", "down"],
        section: Section::Browse,
        help: "next ticket (past the last row: next page)",
        hint: Some("move"),
    },
    ActionSpec {
        action: Action::MoveUp,
        name: "move_up",
        keys: &["k", "up"],
        section: Section::Browse,
        help: "previous ticket",
        hint: None,
    },
    ActionSpec {
        action: Action::First,
        name: "first",
        keys: &["g", "home"],
        section: Section::Browse,
        help: "first row",
        hint: None,
    },
    ActionSpec {
        action: Action::Last,
        name: "last",
        keys: &["G", "end"],
        section: Section::Browse,
        help: "last row",
        hint: None,
    },
    ActionSpec {
        action: Action::ScreenDown,
        name: "screen_down",
        keys: &["ctrl-d", "pagedown"],
        section: Section::Browse,
        help: "down a screen (from the last row: next page)",
        hint: None,
    },
    ActionSpec {
        action: Action::ScreenUp,
        name: "screen_up",
        keys: &["ctrl-u", "pageup"],
        section: Section::Browse,
        help: "up a screen (from the first row: previous page)",
        hint: None,
    },
    ActionSpec {
        action: Action::NextPage,
        name: "next_page",
        keys: &["]"],
        section: Section::Browse,
        help: "next page",
        hint: Some("page"),
    },
    ActionSpec {
        action: Action::PrevPage,
        name: "prev_page",
        keys: &["["],
        section: Section::Browse,
        help: "previous page",
        hint: None,
    },
    ActionSpec {
        action: Action::NextTicket,
        name: "next_ticket",
        keys: &["J"],
        section: Section::Browse,
        help: "next ticket, the detail following it (across pages)",
        hint: None,
    },
    ActionSpec {
        action: Action::PrevTicket,
        name: "prev_ticket",
        keys: &["K"],
        section: Section::Browse,
        help: "previous ticket, the detail following it",
        hint: None,
    },
    ActionSpec {
        action: Action::OpenDetail,
        name: "open_detail",
        keys: &["enter"],
        section: Section::Tickets,
        help: "open the ticket's detail",
        hint: Some("detail"),
    },
    ActionSpec {
        action: Action::Back,
        name: "back",
        keys: &["esc"],
        section: Section::Tickets,
        help: "close detail / help",
        hint: Some("back"),
    },
    ActionSpec {
        action: Action::Refresh,
        name: "refresh",
        keys: &["r"],
        section: Section::Tickets,
        help: "refresh (retry now while rate limited)",
        hint: Some("refresh"),
    },
    ActionSpec {
        action: Action::CycleSort,
        name: "cycle_sort",
        keys: &["s"],
        section: Section::Tickets,
        help: "cycle sort field",
        hint: Some("sort"),
    },
    ActionSpec {
        action: Action::FlipOrder,
        name: "flip_order",
        keys: &["S"],
        section: Section::Tickets,
        help: "flip sort order",
        hint: None,
    },
    ActionSpec {
        action: Action::OpenBrowser,
        name: "open_browser",
        keys: &["o"],
        section: Section::Tickets,
        help: "open the ticket in the browser",
        hint: None,
    },
    ActionSpec {
        action: Action::CopyNumber,
        name: "copy_number",
        keys: &["y"],
        section: Section::Tickets,
        help: "copy #number",
        hint: None,
    },
    ActionSpec {
        action: Action::CopyCurl,
        name: "copy_curl",
        keys: &["Y"],
        section: Section::Tickets,
        help: "copy the query as a curl command",
        hint: None,
    },
    ActionSpec {
        action: Action::Help,
        name: "help",
        keys: &["?"],
        section: Section::General,
        help: "this help",
        hint: Some("help"),
    },
    ActionSpec {
        action: Action::Quit,
        name: "quit",
        keys: &["q"],
        section: Section::General,
        help: "quit (Ctrl-c always quits)",
        hint: Some("quit"),
    },
    ActionSpec {
        action: Action::Search,
        name: "search",
        keys: &["/"],
        section: Section::Filter,
        help: "search as you type (Enter keeps, Esc restores)",
        hint: Some("search"),
    },
    ActionSpec {
        action: Action::FilterLine,
        name: "filter_line",
        keys: &[":"],
        section: Section::Filter,
        help: "edit the whole filter as text (Tab completes)",
        hint: Some("filter"),
    },
    ActionSpec {
        action: Action::SetStatus,
        name: "set_status",
        keys: &["t"],
        section: Section::Triage,
        help: "set the status (of marked tickets, if any)",
        hint: Some("status"),
    },
    ActionSpec {
        action: Action::SetPriority,
        name: "set_priority",
        keys: &["p"],
        section: Section::Triage,
        help: "set the priority",
        hint: None,
    },
    ActionSpec {
        action: Action::Assign,
        name: "assign",
        keys: &["a"],
        section: Section::Triage,
        help: "assign to an agent (type to narrow)",
        hint: Some("assign"),
    },
    ActionSpec {
        action: Action::AssignMe,
        name: "assign_me",
        keys: &["A"],
        section: Section::Triage,
        help: "assign to me (`me` in the config)",
        hint: None,
    },
    ActionSpec {
        action: Action::Snooze,
        name: "snooze",
        keys: &["z"],
        section: Section::Triage,
        help: "snooze: waiting, with a reminder",
        hint: None,
    },
    ActionSpec {
        action: Action::ToggleMark,
        name: "toggle_mark",
        keys: &["space"],
        section: Section::Triage,
        help: "mark / unmark the ticket",
        hint: Some("mark"),
    },
    ActionSpec {
        action: Action::MarkRange,
        name: "mark_range",
        keys: &["V"],
        section: Section::Triage,
        help: "mark from the last mark to here",
        hint: None,
    },
    ActionSpec {
        action: Action::MarkPage,
        name: "mark_page",
        keys: &["*"],
        section: Section::Triage,
        help: "mark every ticket on the page (again: unmark them)",
        hint: None,
    },
    ActionSpec {
        action: Action::ClearMarks,
        name: "clear_marks",
        keys: &["u"],
        section: Section::Triage,
        help: "clear all marks",
        hint: None,
    },
    ActionSpec {
        action: Action::NextMode,
        name: "next_mode",
        keys: &["N"],
        section: Section::Triage,
        help: "next mode: move on after each action",
        hint: None,
    },
    ActionSpec {
        action: Action::Undo,
        name: "undo",
        keys: &["U"],
        section: Section::Triage,
        help: "undo the last action",
        hint: None,
    },
    ActionSpec {
        action: Action::View1,
        name: "view_1",
        keys: &["1"],
        section: Section::SavedViews,
        help: "open saved view 1 (2-9: the next ones)",
        hint: None,
    },
    ActionSpec {
        action: Action::View2,
        name: "view_2",
        keys: &["2"],
        section: Section::SavedViews,
        help: "open saved view 2",
        hint: None,
    },
    ActionSpec {
        action: Action::View3,
        name: "view_3",
        keys: &["3"],
        section: Section::SavedViews,
        help: "open saved view 3",
        hint: None,
    },
    ActionSpec {
        action: Action::View4,
        name: "view_4",
        keys: &["4"],
        section: Section::SavedViews,
        help: "open saved view 4",
        hint: None,
    },
    ActionSpec {
        action: Action::View5,
        name: "view_5",
        keys: &["5"],
        section: Section::SavedViews,
        help: "open saved view 5",
        hint: None,
    },
    ActionSpec {
        action: Action::View6,
        name: "view_6",
        keys: &["6"],
        section: Section::SavedViews,
        help: "open saved view 6",
        hint: None,
    },
    ActionSpec {
        action: Action::View7,
        name: "view_7",
        keys: &["7"],
        section: Section::SavedViews,
        help: "open saved view 7",
        hint: None,
    },
    ActionSpec {
        action: Action::View8,
        name: "view_8",
        keys: &["8"],
        section: Section::SavedViews,
        help: "open saved view 8",
        hint: None,
    },
    ActionSpec {
        action: Action::View9,
        name: "view_9",
        keys: &["9"],
        section: Section::SavedViews,
        help: "open saved view 9",
        hint: None,
    },
    ActionSpec {
        action: Action::ViewsList,
        name: "views",
        keys: &["v"],
        section: Section::SavedViews,
        help: "saved views: open, rename, move, delete",
        hint: Some("views"),
    },
    ActionSpec {
        action: Action::SaveView,
        name: "save_view",
        keys: &["w"],
        section: Section::SavedViews,
        help: "save the filter as a view (or update the view)",
        hint: None,
    },
    ActionSpec {
        action: Action::FilterPanes,
        name: "filter_panes",
        keys: &["f"],
        section: Section::Filter,
        help: "filter panes: status, tags, fields, dates…",
        hint: Some("panes"),
    },
];

/// Footer hints in the order they earn their room: what a newcomer
/// needs first (moving, help, opening, finding, acting), then the rest
/// as the width allows.
const HINT_ORDER: &[Action] = &[
    Action::MoveDown,
    Action::Help,
    Action::OpenDetail,
    Action::Back,
    Action::Search,
    Action::FilterPanes,
    Action::SetStatus,
    Action::Assign,
    Action::ToggleMark,
    Action::Quit,
    Action::ViewsList,
    Action::FilterLine,
    Action::NextPage,
    Action::Refresh,
    Action::CycleSort,
];

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
        let key = Key::from_event(ev);
        if key == CTRL_C {
            return Some(Action::Quit);
        }
        self.bindings
            .iter()
            .find(|(_, keys)| keys.contains(&key))
            .map(|(a, _)| *a)
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

#[cfg(test)]
mod tests {
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
            Snooze, ToggleMark, MarkRange, MarkPage, ClearMarks, NextMode, Undo, View1, View2,
            View3, View4, View5, View6, View7, View8, View9, ViewsList, SaveView, FilterPanes,
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
            vec!["n".to_string(), "ctrl-f".to_string()],
        );
        let km = Keymap::with_overrides(&o).unwrap();
        let n = KeyModifiers::NONE;
        assert_eq!(
            km.action_for(&press(KeyCode::Char('n'), n)),
            Some(Action::NextPage)
        );
        assert_eq!(km.action_for(&press(KeyCode::Char(']'), n)), None);
        assert_eq!(km.label(Action::NextPage), "n/Ctrl-f");

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
}
