//! A list to pick from: one value or several, narrowed by typing. Every
//! pick-from-a-list part of the UI (filter panes, status and assignee
//! pickers, the views list) holds one and feeds it keys; what the pick means
//! is up to the holder. Drawn by `ui::picker`.

use std::cell::Cell;
use std::collections::HashSet;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::text::sanitize;

/// One entry of a picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickItem {
    /// Stable identity (a UUID, a category name): what `chosen` holds.
    pub key: String,
    /// What is shown and matched by typing; sanitized when built.
    pub label: String,
    /// Dim text after the label ("Billing only", "3 tickets"); matched too.
    pub note: Option<String>,
    /// The server's hex color, drawn as a swatch before the label.
    pub color: Option<String>,
    /// Heading the item is listed under ("open", "pending"); items of one
    /// group must be next to each other.
    pub group: Option<String>,
    /// Drawn dimmed: listed for completeness, but not a valid pick here
    /// (the note says why; the holder refuses it).
    pub dimmed: bool,
}

impl PickItem {
    pub fn new(key: impl Into<String>, label: &str) -> PickItem {
        PickItem {
            key: key.into(),
            label: sanitize(label).into_owned(),
            note: None,
            color: None,
            group: None,
            dimmed: false,
        }
    }

    pub fn dimmed(mut self, dimmed: bool) -> PickItem {
        self.dimmed = dimmed;
        self
    }

    pub fn note(mut self, note: &str) -> PickItem {
        self.note = Some(sanitize(note).into_owned()).filter(|n| !n.is_empty());
        self
    }

    pub fn color(mut self, color: Option<&str>) -> PickItem {
        self.color = color.map(str::to_string);
        self
    }

    pub fn group(mut self, group: &str) -> PickItem {
        self.group = Some(sanitize(group).into_owned());
        self
    }

    fn matches(&self, words: &[String]) -> bool {
        let hay = format!(
            "{} {} {}",
            self.label,
            self.note.as_deref().unwrap_or(""),
            self.group.as_deref().unwrap_or("")
        )
        .to_lowercase();
        words.iter().all(|w| hay.contains(w.as_str()))
    }
}

/// What a key did to the picker; the holder decides what follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickerEvent {
    /// The key was used (cursor moved, query edited): redraw.
    Consumed,
    /// The chosen set changed (`Space`).
    Toggled,
    /// `Enter`: take the pick, with the keys chosen (as [`Picker::chosen`]
    /// lists them). In single mode the item under the cursor is chosen
    /// first.
    Accepted(Vec<String>),
    /// `Esc` with no query typed.
    Cancelled,
    /// Not a picker key (`Tab`, reserved keys): the holder's to handle.
    Ignored,
}

/// `Some(true)` for a key that moves down a list in every picker (`↓`,
/// `Ctrl-n`), `Some(false)` for up (`↑`, `Ctrl-p`).
pub fn list_step(ev: &KeyEvent) -> Option<bool> {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    match ev.code {
        KeyCode::Down => Some(true),
        KeyCode::Up => Some(false),
        KeyCode::Char('n') if ctrl => Some(true),
        KeyCode::Char('p') if ctrl => Some(false),
        _ => None,
    }
}

#[derive(Debug, Clone)]
pub struct Picker {
    pub title: String,
    items: Vec<PickItem>,
    multi: bool,
    chosen: HashSet<String>,
    /// Three-state multi pickers (`Space`: add, remove, leave) hold the
    /// keys marked for removal (a short list; `None` in other pickers).
    removed: Option<Vec<String>>,
    query: Input,
    /// `Space` is part of what is typed (names such as "Ana Lima") rather
    /// than a mark.
    space_types: bool,
    /// Indices of items matching the query, in list order.
    visible: Vec<usize>,
    /// Position in `visible`.
    cursor: usize,
    /// Drawn without `[x]`/`(•)` marks (a completion menu: the chosen item
    /// is simply highlighted).
    plain: bool,
    /// First drawn line, kept by the renderer so the cursor stays in view.
    pub offset: Cell<usize>,
}

impl Picker {
    /// One value at a time: `Space` or `Enter` chooses the item under the
    /// cursor.
    pub fn single(title: impl Into<String>, items: Vec<PickItem>) -> Picker {
        Picker::new(title.into(), items, false)
    }

    /// Any number of values: `Space` toggles.
    pub fn multi(title: impl Into<String>, items: Vec<PickItem>) -> Picker {
        Picker::new(title.into(), items, true)
    }

    fn new(title: String, items: Vec<PickItem>, multi: bool) -> Picker {
        let visible = (0..items.len()).collect();
        Picker {
            title,
            items,
            multi,
            chosen: HashSet::new(),
            removed: None,
            query: Input::default(),
            space_types: false,
            visible,
            cursor: 0,
            plain: false,
            offset: Cell::new(0),
        }
    }

    /// Starts with these keys chosen (unknown keys are kept: a value typed
    /// as a raw UUID stays chosen even if the list lacks it) and the cursor
    /// on the first of them.
    pub fn with_chosen<I, S>(mut self, keys: I) -> Picker
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.chosen = keys.into_iter().map(Into::into).collect();
        if !self.multi && self.chosen.len() > 1 {
            // One value: keep the first in list order.
            let first = self.items.iter().find(|i| self.chosen.contains(&i.key));
            self.chosen = first.map(|i| i.key.clone()).into_iter().collect();
        }
        if let Some(pos) = self
            .visible
            .iter()
            .position(|&i| self.chosen.contains(&self.items[i].key))
        {
            self.cursor = pos;
        }
        self
    }

    /// A multi picker whose `Space` cycles an item through "add" (chosen),
    /// "remove" and "leave as it is": for relative changes such as tags,
    /// where what each target has may not be known.
    pub fn three_state(mut self) -> Picker {
        self.multi = true;
        self.removed = Some(Vec::new());
        self
    }

    pub fn is_three_state(&self) -> bool {
        self.removed.is_some()
    }

    pub fn is_removed(&self, key: &str) -> bool {
        self.removed
            .as_ref()
            .is_some_and(|r| r.iter().any(|k| k == key))
    }

    /// Keys marked for removal, in list order.
    pub fn removed(&self) -> Vec<String> {
        self.items
            .iter()
            .filter(|i| self.is_removed(&i.key))
            .map(|i| i.key.clone())
            .collect()
    }

    /// Every printable key narrows the list; arrows and Ctrl-n/p move.
    /// `Space` types instead of marking: for single pickers of names that
    /// hold spaces ("assign", macros), where `Enter` is the only pick.
    pub fn space_types(mut self) -> Picker {
        self.space_types = true;
        self
    }

    /// No marks before the items: for menus where picking is moving.
    pub fn without_marks(mut self) -> Picker {
        self.plain = true;
        self
    }

    pub fn has_marks(&self) -> bool {
        !self.plain
    }

    /// `Space` marks (or chooses) rather than typing (see `space_types`).
    pub fn space_marks(&self) -> bool {
        !self.space_types
    }

    /// A completion menu (`without_marks`) is typed into through its
    /// holder's input line; every other picker shows its own search line.
    pub fn has_search_line(&self) -> bool {
        !self.plain
    }

    /// Characters the holder handles itself while the query line is idle.
    pub fn is_multi(&self) -> bool {
        self.multi
    }

    pub fn items(&self) -> &[PickItem] {
        &self.items
    }

    /// Indices into `items()` of what the query lets through, in order.
    pub fn visible(&self) -> &[usize] {
        &self.visible
    }

    /// Position of the cursor within `visible()`.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The item under the cursor.
    pub fn current(&self) -> Option<&PickItem> {
        self.visible.get(self.cursor).map(|&i| &self.items[i])
    }

    pub fn is_chosen(&self, key: &str) -> bool {
        self.chosen.contains(key)
    }

    /// Chosen keys: listed items in list order, then unlisted ones sorted.
    pub fn chosen(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .items
            .iter()
            .filter(|i| self.chosen.contains(&i.key))
            .map(|i| i.key.clone())
            .collect();
        let mut unlisted: Vec<String> = self
            .chosen
            .iter()
            .filter(|k| !self.items.iter().any(|i| &i.key == *k))
            .cloned()
            .collect();
        unlisted.sort();
        out.extend(unlisted);
        out
    }

    pub fn chosen_count(&self) -> usize {
        self.chosen.len()
    }

    pub fn clear(&mut self) {
        self.chosen.clear();
    }

    /// Chooses (multi: adds) a key, listed or not.
    pub fn choose(&mut self, key: impl Into<String>) {
        if !self.multi {
            self.chosen.clear();
        }
        self.chosen.insert(key.into());
    }

    pub fn query(&self) -> &str {
        self.query.value()
    }

    /// The query line, for drawing its cursor.
    pub fn input(&self) -> &Input {
        &self.query
    }

    /// True while keys go to the query line.
    /// Something is typed: `Esc` clears it rather than closing.
    pub fn is_typing(&self) -> bool {
        !self.query.value().is_empty()
    }

    /// Replaces the items (a catalog arrived), keeping choices, query and,
    /// when still listed, the item under the cursor.
    pub fn set_items(&mut self, items: Vec<PickItem>) {
        let current = self.current().map(|i| i.key.clone());
        self.items = items;
        self.refilter(current.as_deref());
    }

    /// One rule for every picker: printable keys (`j` and `k` too) type
    /// and narrow; arrows, `Ctrl-n`/`Ctrl-p`, `PgUp`/`PgDn` and
    /// `Home`/`End` move; `Space` marks (or types, see `space_types`);
    /// `Enter` takes; `Esc` clears the typed text, then cancels. Other
    /// control keys are the holder's (`Ignored`).
    pub fn handle_key(&mut self, ev: &KeyEvent) -> PickerEvent {
        if ev.kind == KeyEventKind::Release {
            return PickerEvent::Ignored;
        }
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        match ev.code {
            KeyCode::Down => self.move_by(1),
            KeyCode::Up => self.move_by(-1),
            KeyCode::Char('n') if ctrl => self.move_by(1),
            KeyCode::Char('p') if ctrl => self.move_by(-1),
            KeyCode::PageDown => self.move_by(10),
            KeyCode::PageUp => self.move_by(-10),
            KeyCode::Home => self.move_to(0),
            KeyCode::End => self.move_to(self.visible.len().saturating_sub(1)),
            KeyCode::Enter => {
                if !self.multi
                    && let Some(item) = self.current()
                {
                    let key = item.key.clone();
                    self.choose(key);
                }
                PickerEvent::Accepted(self.chosen())
            }
            KeyCode::Esc => {
                if self.query.value().is_empty() {
                    PickerEvent::Cancelled
                } else {
                    self.query.reset();
                    self.refilter(None);
                    PickerEvent::Consumed
                }
            }
            KeyCode::Char(' ') if !ctrl && !self.space_types => self.toggle_current(),
            KeyCode::Tab | KeyCode::BackTab => PickerEvent::Ignored,
            _ => self.edit_query(ev),
        }
    }

    fn edit_query(&mut self, ev: &KeyEvent) -> PickerEvent {
        if ev.code == KeyCode::Backspace && self.query.value().is_empty() {
            return PickerEvent::Consumed;
        }
        match self.query.handle_event(&Event::Key(*ev)) {
            Some(changed) => {
                if changed.value {
                    let current = self.current().map(|i| i.key.clone());
                    self.refilter(current.as_deref());
                }
                PickerEvent::Consumed
            }
            None => PickerEvent::Ignored,
        }
    }

    fn toggle_current(&mut self) -> PickerEvent {
        let Some(key) = self.current().map(|i| i.key.clone()) else {
            return PickerEvent::Consumed;
        };
        if let Some(removed) = self.removed.as_mut() {
            // leave → add → remove → leave
            if self.chosen.remove(&key) {
                removed.push(key);
            } else if let Some(pos) = removed.iter().position(|k| *k == key) {
                removed.remove(pos);
            } else {
                self.chosen.insert(key);
            }
        } else if self.multi {
            if !self.chosen.remove(&key) {
                self.chosen.insert(key);
            }
        } else if self.chosen.contains(&key) {
            // Space on the chosen value of a single pick unsets it.
            self.chosen.clear();
        } else {
            self.choose(key);
        }
        PickerEvent::Toggled
    }

    fn move_by(&mut self, delta: isize) -> PickerEvent {
        let last = self.visible.len().saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize + delta).clamp(0, last.max(0)) as usize;
        PickerEvent::Consumed
    }

    fn move_to(&mut self, pos: usize) -> PickerEvent {
        self.cursor = pos.min(self.visible.len().saturating_sub(1));
        PickerEvent::Consumed
    }

    /// Recomputes what matches the query; the cursor stays on `keep` when
    /// it still matches, else on the first match.
    fn refilter(&mut self, keep: Option<&str>) {
        let words: Vec<String> = self
            .query
            .value()
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        self.visible = (0..self.items.len())
            .filter(|&i| self.items[i].matches(&words))
            .collect();
        self.cursor = keep
            .and_then(|k| self.visible.iter().position(|&i| self.items[i].key == k))
            .unwrap_or(0);
        self.offset.set(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ch(c: char) -> KeyEvent {
        key(KeyCode::Char(c))
    }

    fn agents() -> Vec<PickItem> {
        ["Ana Lima", "Jon Park", "Kim Jones", "Bea Stone"]
            .iter()
            .enumerate()
            .map(|(i, n)| PickItem::new(format!("u{i}"), n))
            .collect()
    }

    #[test]
    fn typing_narrows_and_keeps_the_cursor_on_its_item() {
        let mut p = Picker::single("Assignee", agents());
        p.handle_key(&key(KeyCode::Down));
        assert_eq!(p.current().unwrap().label, "Jon Park");
        for c in "on".chars() {
            assert_eq!(p.handle_key(&ch(c)), PickerEvent::Consumed);
        }
        let shown: Vec<&str> = p
            .visible()
            .iter()
            .map(|&i| p.items()[i].label.as_str())
            .collect();
        assert_eq!(shown, ["Jon Park", "Kim Jones", "Bea Stone"]);
        assert_eq!(p.current().unwrap().label, "Jon Park");
        p.handle_key(&ch('j'));
        assert_eq!(p.query(), "onj");
        assert!(p.visible().is_empty());
        assert_eq!(p.current(), None);
        // Esc clears the query first, then cancels.
        assert_eq!(p.handle_key(&key(KeyCode::Esc)), PickerEvent::Consumed);
        assert_eq!(p.visible().len(), 4);
        assert_eq!(p.handle_key(&key(KeyCode::Esc)), PickerEvent::Cancelled);
    }

    /// The same keys do the same in every kind of picker: letters (`j`,
    /// `k`, `g`, `G`, `x` among them) type, only arrows, `Ctrl-n`/`Ctrl-p`,
    /// pages and `Home`/`End` move.
    #[test]
    fn every_picker_types_letters_and_moves_on_arrows_and_ctrl_n_p() {
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        let kinds: [fn() -> Picker; 4] = [
            || Picker::single("Status", agents()),
            || Picker::single("Assign", agents()).space_types(),
            || Picker::multi("Tags", agents()),
            || Picker::multi("Tags", agents()).three_state(),
        ];
        for make in kinds {
            let mut p = make();
            for c in ['j', 'k', 'g', 'G', 'x', '/'] {
                assert_eq!(p.handle_key(&ch(c)), PickerEvent::Consumed);
                assert_eq!(p.cursor(), 0, "{c} moved the cursor");
            }
            assert_eq!(p.query(), "jkgGx/");
            p.handle_key(&key(KeyCode::Esc));
            assert_eq!(p.handle_key(&key(KeyCode::Down)), PickerEvent::Consumed);
            assert_eq!(p.cursor(), 1);
            p.handle_key(&ctrl('n'));
            assert_eq!(p.cursor(), 2);
            p.handle_key(&ctrl('p'));
            p.handle_key(&key(KeyCode::Up));
            assert_eq!(p.cursor(), 0);
            p.handle_key(&key(KeyCode::End));
            assert_eq!(p.cursor(), 3);
            p.handle_key(&key(KeyCode::Home));
            assert_eq!(p.cursor(), 0);
            assert_eq!(p.query(), "");
            // A control key the query has no use for is the holder's.
            assert_eq!(p.handle_key(&ctrl('x')), PickerEvent::Ignored);
        }
    }

    #[test]
    fn type_to_narrow_pickers_take_spaces_as_part_of_names() {
        let mut p = Picker::single("Assign", agents()).space_types();
        for c in "kim j".chars() {
            assert_eq!(p.handle_key(&ch(c)), PickerEvent::Consumed);
        }
        assert_eq!(p.query(), "kim j");
        assert_eq!(p.chosen_count(), 0);
        assert_eq!(
            p.handle_key(&key(KeyCode::Enter)),
            PickerEvent::Accepted(vec!["u2".into()]),
            "Enter hands over what it chose"
        );
        assert_eq!(p.chosen(), ["u2"]);
    }

    #[test]
    fn single_pick_enter_chooses_the_current_item() {
        let mut p = Picker::single("Assignee", agents()).space_types();
        for c in "bea".chars() {
            p.handle_key(&ch(c));
        }
        assert_eq!(
            p.handle_key(&key(KeyCode::Enter)),
            PickerEvent::Accepted(vec!["u3".into()]),
            "Enter hands over what it chose"
        );
        assert_eq!(p.chosen(), ["u3"]);
    }

    #[test]
    fn multi_pick_toggles_and_reports_in_list_order() {
        let mut p = Picker::multi("Tags", agents());
        p.handle_key(&key(KeyCode::End));
        assert_eq!(p.handle_key(&ch(' ')), PickerEvent::Toggled);
        p.handle_key(&key(KeyCode::Home));
        p.handle_key(&ch(' '));
        assert_eq!(p.chosen(), ["u0", "u3"]);
        p.handle_key(&ch(' '));
        assert_eq!(p.chosen(), ["u3"]);
        assert_eq!(p.handle_key(&key(KeyCode::Tab)), PickerEvent::Ignored);
    }

    #[test]
    fn chosen_keys_not_in_the_list_survive() {
        let p = Picker::multi("Tags", agents()).with_chosen(["zz", "u2"]);
        assert_eq!(p.chosen(), ["u2", "zz"]);
        assert_eq!(p.current().unwrap().key, "u2");
        let single = Picker::single("Inbox", agents()).with_chosen(["u2", "u1"]);
        assert_eq!(single.chosen(), ["u1"]);
    }

    #[test]
    fn new_items_keep_the_choice_and_the_cursor() {
        let mut p = Picker::single("Assignee", agents()).with_chosen(["u2"]);
        let mut more = agents();
        more.insert(0, PickItem::new("u9", "Zed Zhou"));
        p.set_items(more);
        assert_eq!(p.current().unwrap().key, "u2");
        assert_eq!(p.chosen(), ["u2"]);
    }

    #[test]
    fn labels_are_sanitized() {
        let item = PickItem::new("k", "evil\x1b]52;c;AAAA\x07name").note("\x1b[2J");
        assert!(!item.label.contains('\x1b'));
        assert!(item.note.as_deref().is_none_or(|n| !n.contains('\x1b')));
    }
}
