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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerEvent {
    /// The key was used (cursor moved, query edited): redraw.
    Consumed,
    /// The chosen set changed (`Space`).
    Toggled,
    /// `Enter`: take the pick. In single mode the item under the cursor is
    /// chosen first.
    Accepted,
    /// `Esc` with no query typed.
    Cancelled,
    /// Not a picker key (`Tab`, reserved keys): the holder's to handle.
    Ignored,
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
    /// Keys go to the query line (else `j`/`k` move and letters start it).
    typing: bool,
    /// Typing is the only mode (type-to-narrow pickers such as "assign").
    typing_first: bool,
    /// Keys left to the holder while not typing (a pane's `x` / `X`).
    reserved: Vec<char>,
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
            typing: false,
            typing_first: false,
            reserved: Vec::new(),
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
    pub fn typing_first(mut self) -> Picker {
        self.typing = true;
        self.typing_first = true;
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

    /// Characters the holder handles itself while the query line is idle.
    pub fn reserve(mut self, keys: &[char]) -> Picker {
        self.reserved = keys.to_vec();
        self
    }

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
    pub fn is_typing(&self) -> bool {
        self.typing
    }

    /// Replaces the items (a catalog arrived), keeping choices, query and,
    /// when still listed, the item under the cursor.
    pub fn set_items(&mut self, items: Vec<PickItem>) {
        let current = self.current().map(|i| i.key.clone());
        self.items = items;
        self.refilter(current.as_deref());
    }

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
            KeyCode::Enter => {
                if !self.multi
                    && let Some(item) = self.current()
                {
                    let key = item.key.clone();
                    self.choose(key);
                }
                PickerEvent::Accepted
            }
            KeyCode::Esc => {
                if self.query.value().is_empty() {
                    PickerEvent::Cancelled
                } else {
                    self.query.reset();
                    self.typing = self.typing_first;
                    self.refilter(None);
                    PickerEvent::Consumed
                }
            }
            // In a type-to-narrow picker a space is part of a name
            // ("Ana Lima"); elsewhere it toggles.
            KeyCode::Char(' ') if !ctrl && !self.typing_first => self.toggle_current(),
            KeyCode::Tab | KeyCode::BackTab => PickerEvent::Ignored,
            _ if self.typing => self.edit_query(ev),
            KeyCode::Char('j') if !ctrl => self.move_by(1),
            KeyCode::Char('k') if !ctrl => self.move_by(-1),
            KeyCode::Char('g') | KeyCode::Home if !ctrl => self.move_to(0),
            KeyCode::Char('G') | KeyCode::End if !ctrl => {
                self.move_to(self.visible.len().saturating_sub(1))
            }
            KeyCode::Char('/') if !ctrl => {
                self.typing = true;
                PickerEvent::Consumed
            }
            KeyCode::Char(c) if !ctrl && self.reserved.contains(&c) => PickerEvent::Ignored,
            KeyCode::Char(c) if !ctrl && !c.is_control() => {
                self.typing = true;
                self.edit_query(ev)
            }
            _ => PickerEvent::Ignored,
        }
    }

    fn edit_query(&mut self, ev: &KeyEvent) -> PickerEvent {
        if ev.code == KeyCode::Backspace && self.query.value().is_empty() {
            self.typing = self.typing_first;
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
        p.handle_key(&ch('j'));
        assert_eq!(p.current().unwrap().label, "Jon Park");
        // `o` is not a movement key: it starts the query.
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
        // While typing, `j` is a letter.
        p.handle_key(&ch('j'));
        assert_eq!(p.query(), "onj");
        assert!(p.visible().is_empty());
        assert_eq!(p.current(), None);
        // Esc clears the query first, then cancels.
        assert_eq!(p.handle_key(&key(KeyCode::Esc)), PickerEvent::Consumed);
        assert_eq!(p.visible().len(), 4);
        assert_eq!(p.handle_key(&key(KeyCode::Esc)), PickerEvent::Cancelled);
    }

    #[test]
    fn type_to_narrow_pickers_take_spaces_as_part_of_names() {
        let mut p = Picker::single("Assign", agents()).typing_first();
        for c in "kim j".chars() {
            assert_eq!(p.handle_key(&ch(c)), PickerEvent::Consumed);
        }
        assert_eq!(p.query(), "kim j");
        assert_eq!(p.chosen_count(), 0);
        assert_eq!(p.handle_key(&key(KeyCode::Enter)), PickerEvent::Accepted);
        assert_eq!(p.chosen(), ["u2"]);
    }

    #[test]
    fn single_pick_enter_chooses_the_current_item() {
        let mut p = Picker::single("Assignee", agents()).typing_first();
        for c in "bea".chars() {
            p.handle_key(&ch(c));
        }
        assert_eq!(p.handle_key(&key(KeyCode::Enter)), PickerEvent::Accepted);
        assert_eq!(p.chosen(), ["u3"]);
    }

    #[test]
    fn multi_pick_toggles_and_reports_in_list_order() {
        let mut p = Picker::multi("Tags", agents()).reserve(&['x']);
        p.handle_key(&ch('G'));
        assert_eq!(p.handle_key(&ch(' ')), PickerEvent::Toggled);
        p.handle_key(&ch('g'));
        p.handle_key(&ch(' '));
        assert_eq!(p.chosen(), ["u0", "u3"]);
        p.handle_key(&ch(' '));
        assert_eq!(p.chosen(), ["u3"]);
        assert_eq!(p.handle_key(&ch('x')), PickerEvent::Ignored);
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
