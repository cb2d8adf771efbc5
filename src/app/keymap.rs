//! The one key table: it drives input handling, the `?` help overlay and the
//! footer hints, so none of them can drift from the real bindings.

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

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::MoveDown,
        Action::MoveUp,
        Action::First,
        Action::Last,
        Action::ScreenDown,
        Action::ScreenUp,
        Action::NextPage,
        Action::PrevPage,
        Action::NextTicket,
        Action::PrevTicket,
        Action::OpenDetail,
        Action::Back,
        Action::Refresh,
        Action::CycleSort,
        Action::FlipOrder,
        Action::OpenBrowser,
        Action::CopyNumber,
        Action::CopyCurl,
        Action::Help,
        Action::Quit,
        Action::Search,
        Action::FilterLine,
        Action::SetStatus,
        Action::SetPriority,
        Action::Assign,
        Action::AssignMe,
        Action::Snooze,
        Action::ToggleMark,
        Action::MarkRange,
        Action::MarkPage,
        Action::ClearMarks,
        Action::NextMode,
        Action::Undo,
        Action::View1,
        Action::View2,
        Action::View3,
        Action::View4,
        Action::View5,
        Action::View6,
        Action::View7,
        Action::View8,
        Action::View9,
        Action::ViewsList,
        Action::SaveView,
        Action::FilterPanes,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Action::MoveDown => "move_down",
            Action::MoveUp => "move_up",
            Action::First => "first",
            Action::Last => "last",
            Action::ScreenDown => "screen_down",
            Action::ScreenUp => "screen_up",
            Action::NextPage => "next_page",
            Action::PrevPage => "prev_page",
            Action::NextTicket => "next_ticket",
            Action::PrevTicket => "prev_ticket",
            Action::OpenDetail => "open_detail",
            Action::Back => "back",
            Action::Refresh => "refresh",
            Action::CycleSort => "cycle_sort",
            Action::FlipOrder => "flip_order",
            Action::OpenBrowser => "open_browser",
            Action::CopyNumber => "copy_number",
            Action::CopyCurl => "copy_curl",
            Action::Help => "help",
            Action::Quit => "quit",
            Action::Search => "search",
            Action::FilterLine => "filter_line",
            Action::SetStatus => "set_status",
            Action::SetPriority => "set_priority",
            Action::Assign => "assign",
            Action::AssignMe => "assign_me",
            Action::Snooze => "snooze",
            Action::ToggleMark => "toggle_mark",
            Action::MarkRange => "mark_range",
            Action::MarkPage => "mark_page",
            Action::ClearMarks => "clear_marks",
            Action::NextMode => "next_mode",
            Action::Undo => "undo",
            Action::View1 => "view_1",
            Action::View2 => "view_2",
            Action::View3 => "view_3",
            Action::View4 => "view_4",
            Action::View5 => "view_5",
            Action::View6 => "view_6",
            Action::View7 => "view_7",
            Action::View8 => "view_8",
            Action::View9 => "view_9",
            Action::ViewsList => "views",
            Action::SaveView => "save_view",
            Action::FilterPanes => "filter_panes",
        }
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

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
    }

    /// One line for the help overlay.
    pub fn description(self) -> &'static str {
        match self {
            Action::MoveDown => "next ticket (past the last row: next page)",
            Action::MoveUp => "previous ticket",
            Action::First => "first row",
            Action::Last => "last row",
            Action::ScreenDown => "down a screen (from the last row: next page)",
            Action::ScreenUp => "up a screen (from the first row: previous page)",
            Action::NextPage => "next page",
            Action::PrevPage => "previous page",
            Action::NextTicket => "next ticket, the detail following it (across pages)",
            Action::PrevTicket => "previous ticket, the detail following it",
            Action::OpenDetail => "open the ticket's detail",
            Action::Back => "close detail / help",
            Action::Refresh => "refresh (retry now while rate limited)",
            Action::CycleSort => "cycle sort field",
            Action::FlipOrder => "flip sort order",
            Action::OpenBrowser => "open the ticket in the browser",
            Action::CopyNumber => "copy #number",
            Action::CopyCurl => "copy the query as a curl command",
            Action::Help => "this help",
            Action::Quit => "quit (Ctrl-c always quits)",
            Action::Search => "search as you type (Enter keeps, Esc restores)",
            Action::FilterLine => "edit the whole filter as text (Tab completes)",
            Action::SetStatus => "set the status (of marked tickets, if any)",
            Action::SetPriority => "set the priority",
            Action::Assign => "assign to an agent (type to narrow)",
            Action::AssignMe => "assign to me (`me` in the config)",
            Action::Snooze => "snooze: waiting, with a reminder",
            Action::ToggleMark => "mark / unmark the ticket",
            Action::MarkRange => "mark from the last mark to here",
            Action::MarkPage => "mark every ticket on the page (again: unmark them)",
            Action::ClearMarks => "clear all marks",
            Action::NextMode => "next mode: move on after each action",
            Action::Undo => "undo the last action",
            Action::View1 => "open saved view 1 (2-9: the next ones)",
            Action::View2 => "open saved view 2",
            Action::View3 => "open saved view 3",
            Action::View4 => "open saved view 4",
            Action::View5 => "open saved view 5",
            Action::View6 => "open saved view 6",
            Action::View7 => "open saved view 7",
            Action::View8 => "open saved view 8",
            Action::View9 => "open saved view 9",
            Action::ViewsList => "saved views: open, rename, move, delete",
            Action::SaveView => "save the filter as a view (or update the view)",
            Action::FilterPanes => "filter panes: status, tags, fields, dates…",
        }
    }

    /// The help overlay's heading this action is listed under.
    pub fn section(self) -> &'static str {
        use Action::*;
        match self {
            MoveDown | MoveUp | First | Last | ScreenDown | ScreenUp | NextPage | PrevPage
            | NextTicket | PrevTicket => "Browse",
            OpenDetail | Back | Refresh | CycleSort | FlipOrder | OpenBrowser | CopyNumber
            | CopyCurl => "Tickets",
            Search | FilterLine | FilterPanes => "Filter",
            View1 | View2 | View3 | View4 | View5 | View6 | View7 | View8 | View9 | ViewsList
            | SaveView => "Saved views",
            SetStatus | SetPriority | Assign | AssignMe | Snooze | ToggleMark | MarkRange
            | MarkPage | ClearMarks | NextMode | Undo => "Triage",
            Help | Quit => "General",
        }
    }

    /// Acting on tickets (handled by `app::triage`).
    pub fn is_triage(self) -> bool {
        self.section() == "Triage"
    }

    /// Help headings in the order they are shown.
    pub const SECTIONS: &'static [&'static str] = &[
        "Browse",
        "Tickets",
        "Filter",
        "Saved views",
        "Triage",
        "General",
    ];

    /// Short label for the footer hints.
    fn hint(self) -> Option<&'static str> {
        Some(match self {
            Action::MoveDown => "move",
            Action::NextPage => "page",
            Action::OpenDetail => "detail",
            Action::Back => "back",
            Action::Refresh => "refresh",
            Action::CycleSort => "sort",
            Action::Help => "help",
            Action::Quit => "quit",
            Action::Search => "search",
            Action::FilterLine => "filter",
            Action::ViewsList => "views",
            Action::FilterPanes => "panes",
            Action::SetStatus => "status",
            Action::Assign => "assign",
            Action::ToggleMark => "mark",
            _ => return None,
        })
    }

    /// Footer hints in the order they earn their room: what a newcomer
    /// needs first (moving, help, opening, finding, acting), then the rest
    /// as the width allows.
    const HINT_ORDER: &'static [Action] = &[
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

    fn default_keys(self) -> &'static [&'static str] {
        match self {
            Action::MoveDown => &["j", "down"],
            Action::MoveUp => &["k", "up"],
            Action::First => &["g", "home"],
            Action::Last => &["G", "end"],
            Action::ScreenDown => &["ctrl-d", "pagedown"],
            Action::ScreenUp => &["ctrl-u", "pageup"],
            Action::NextPage => &["]"],
            Action::PrevPage => &["["],
            Action::NextTicket => &["J"],
            Action::PrevTicket => &["K"],
            Action::OpenDetail => &["enter"],
            Action::Back => &["esc"],
            Action::Refresh => &["r"],
            Action::CycleSort => &["s"],
            Action::FlipOrder => &["S"],
            Action::OpenBrowser => &["o"],
            Action::CopyNumber => &["y"],
            Action::CopyCurl => &["Y"],
            Action::Help => &["?"],
            Action::Quit => &["q"],
            Action::Search => &["/"],
            Action::FilterLine => &[":"],
            Action::SetStatus => &["t"],
            Action::SetPriority => &["p"],
            Action::Assign => &["a"],
            Action::AssignMe => &["A"],
            Action::Snooze => &["z"],
            Action::ToggleMark => &["space"],
            Action::MarkRange => &["V"],
            Action::MarkPage => &["*"],
            Action::ClearMarks => &["u"],
            Action::NextMode => &["N"],
            Action::Undo => &["U"],
            Action::View1 => &["1"],
            Action::View2 => &["2"],
            Action::View3 => &["3"],
            Action::View4 => &["4"],
            Action::View5 => &["5"],
            Action::View6 => &["6"],
            Action::View7 => &["7"],
            Action::View8 => &["8"],
            Action::View9 => &["9"],
            Action::ViewsList => &["v"],
            Action::SaveView => &["w"],
            Action::FilterPanes => &["f"],
        }
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

/// Action → keys, in the order of [`Action::ALL`].
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    bindings: Vec<(Action, Vec<Key>)>,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings = Action::ALL
            .iter()
            .map(|&a| {
                let keys = a
                    .default_keys()
                    .iter()
                    .filter_map(|k| Key::parse(k).ok())
                    .collect();
                (a, keys)
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
                valid: Action::ALL
                    .iter()
                    .map(|a| a.name())
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

    /// `help_rows` grouped under `Action::SECTIONS`; empty sections left out.
    pub fn help_sections(
        &self,
        hidden: &[Action],
    ) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
        Action::SECTIONS
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
                (section, rows)
            })
            .filter(|(_, rows)| !rows.is_empty())
            .collect()
    }

    /// Footer hints: (first key, short label), for the actions worth a hint.
    pub fn footer_hints(&self, hidden: &[Action]) -> Vec<(String, &'static str)> {
        Action::HINT_ORDER
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

    #[test]
    fn every_hinted_action_has_a_place_in_the_footer_order() {
        for a in Action::ALL {
            assert_eq!(
                a.hint().is_some(),
                Action::HINT_ORDER.contains(a),
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
