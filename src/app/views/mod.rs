//! Saved views in the UI: the views of the config file with their counts,
//! which one is open, and the keys that open, save and manage them.
//!
//! Everything here is called from `update` and stays free of I/O: counts
//! go out as `Effect::FetchViewCount` (see [`counts`]) and file edits as
//! `Effect::EditViews`, run by the runtime and answered by messages.

pub mod bar;
pub mod counts;
pub mod edit;
pub mod list;
pub mod prompt;

use std::path::PathBuf;

use crossterm::event::KeyEvent;
use tokio::time::Instant;

use super::keymap::{Action, Key, Keymap};
use super::modal::{DialogOutcome, Modal};
use super::msg::Effect;
use super::state::{ErrorView, State};
use crate::config::{Fingerprint, SavedView};
use crate::filter::TicketFilter;

pub use counts::ViewCount;
pub use edit::{on_edited, request_edit, view_of};
pub use list::ViewsList;
pub use prompt::NamePrompt;

/// One saved view as the UI holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewEntry {
    pub view: SavedView,
    /// The view as a query (sort and order spelled out), or why it is not one.
    pub filter: Result<TicketFilter, String>,
    /// Its own key, when it has a usable one.
    pub key: Option<Key>,
    pub count: counts::CountState,
}

impl ViewEntry {
    fn new(view: SavedView, keymap: &Keymap, problems: &mut Vec<String>) -> ViewEntry {
        let filter = view.ticket_filter().map(|f| spelled_out(&f));
        if let Err(e) = &filter {
            problems.push(format!("view '{}': {e}", view.name));
        }
        let key = view.key.as_deref().and_then(|spec| match Key::parse(spec) {
            Ok(key) => match keymap.action_for_key(key) {
                // Its own slot's digit is no conflict.
                Some(action) if action.view_slot().is_none() => {
                    problems.push(format!(
                        "view '{}': key {key} is already {}",
                        view.name,
                        action.name()
                    ));
                    None
                }
                _ => Some(key),
            },
            Err(_) => {
                problems.push(format!("view '{}': unknown key {spec:?}", view.name));
                None
            }
        });
        ViewEntry {
            view,
            filter,
            key,
            count: counts::CountState::default(),
        }
    }

    pub fn name(&self) -> &str {
        &self.view.name
    }
}

/// A filter with sort and order explicit, so that "default" and the
/// default spelled out compare equal.
fn spelled_out(f: &TicketFilter) -> TicketFilter {
    TicketFilter {
        sort: Some(f.sort.unwrap_or_default()),
        order: Some(f.order.unwrap_or_default()),
        ..f.clone()
    }
}

/// What is open on top of the list.
#[derive(Debug)]
pub enum Dialog {
    /// `v`: the views list.
    List(ViewsList),
    /// `w` on a new filter: its name.
    Name(NamePrompt),
}

/// Where the views come from and where edits go.
#[derive(Debug, Clone, Default)]
pub struct ViewsSetup {
    /// Every `[[views]]` of the file, in its order.
    pub views: Vec<SavedView>,
    /// Only views tied to this profile (or to none) are shown.
    pub profile: Option<String>,
    /// The config file; `None` when there is no place to save views.
    pub path: Option<PathBuf>,
    pub fingerprint: Option<Fingerprint>,
    /// The file did not parse: views cannot be saved until it is fixed
    /// (the message names line and column).
    pub broken: Option<String>,
    /// The profile's page size, for views without their own.
    pub per_page: u64,
}

/// The views part of `State`.
#[derive(Debug, Default)]
pub struct ViewsState {
    /// Views shown (those of this profile), in the file's order.
    pub entries: Vec<ViewEntry>,
    /// Every view of the file, for moves that step over hidden ones.
    pub all: Vec<SavedView>,
    pub profile: Option<String>,
    /// Index into `entries` of the view on screen.
    pub active: Option<usize>,
    pub path: Option<PathBuf>,
    pub fingerprint: Option<Fingerprint>,
    pub broken: Option<String>,
    pub default_per_page: u64,
    /// An edit is being written: one at a time.
    pub editing: bool,
    /// Problems found in the views (bad key, bad filter), told once at start.
    pub problems: Vec<String>,
    pub scheduler: counts::Scheduler,
}

impl ViewsState {
    pub fn new(setup: ViewsSetup, keymap: &Keymap) -> ViewsState {
        let mut state = ViewsState {
            profile: setup.profile,
            path: setup.path,
            fingerprint: setup.fingerprint,
            broken: setup.broken,
            default_per_page: setup.per_page.clamp(1, 100),
            ..ViewsState::default()
        };
        state.set_views(setup.views, keymap);
        state.scheduler.queue_all(&state.entries);
        state
    }

    /// Replaces the views, keeping counts of those that stay.
    fn set_views(&mut self, all: Vec<SavedView>, keymap: &Keymap) {
        let mut problems = Vec::new();
        let old = std::mem::take(&mut self.entries);
        self.entries = all
            .iter()
            .filter(|v| v.profile.is_none() || v.profile == self.profile)
            .map(|v| {
                let mut entry = ViewEntry::new(v.clone(), keymap, &mut problems);
                if let Some(prev) = old.iter().find(|e| e.view.name == v.name)
                    && prev.filter == entry.filter
                {
                    entry.count = prev.count.clone();
                }
                entry
            })
            .collect();
        self.all = all;
        self.problems = problems;
    }

    pub fn position(&self, name: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.view.name == name)
    }

    pub fn active_entry(&self) -> Option<&ViewEntry> {
        self.active.and_then(|i| self.entries.get(i))
    }

    /// How the bar and the list name the key of the view at `index`: its
    /// own, else its position's digit unless another view took that digit.
    pub fn key_label(&self, index: usize) -> Option<String> {
        let entry = self.entries.get(index)?;
        if let Some(k) = entry.key {
            return Some(k.to_string());
        }
        let n = index + 1;
        (n <= 9 && self.slot(n) == Some(index)).then(|| n.to_string())
    }

    /// The entry a `view_N` action opens: the view whose own key is that
    /// digit, else the N-th view.
    fn slot(&self, n: usize) -> Option<usize> {
        let digit = Key::parse(&n.to_string()).ok();
        self.entries
            .iter()
            .position(|e| e.key.is_some() && e.key == digit)
            .or_else(|| (n >= 1 && n <= self.entries.len()).then(|| n - 1))
    }
}

/// The notify setting for the list on screen: the open view's own, else
/// `[ui] notify`.
pub fn notify_mode(state: &State) -> crate::config::Notify {
    state
        .views
        .active_entry()
        .filter(|_| !is_modified(state))
        .and_then(|e| e.view.notify)
        .unwrap_or(state.notify)
}

/// The open view's count as the list shows it: its page's total, while
/// the list shows the view as saved and is not refreshing.
fn active_total(state: &State) -> Option<u64> {
    let meta = state.list.table.meta()?;
    (!state.list.refreshing && !is_modified(state)).then_some(meta.total)
}

/// The open view's count is the page just shown (see
/// [`ViewsState::sync_active_count`]): where a page is shown from the cache.
pub fn sync_active_count(state: &mut State) {
    let total = active_total(state);
    state.views.sync_active_count(total);
}

/// Sends the views' counts that are due and may go now (see
/// [`ViewsState::pump_counts`]).
pub fn pump_counts(state: &mut State, now: Instant, fx: &mut Vec<Effect>) {
    let total = active_total(state);
    let may_send = counts::may_send(&state.list, state.rate_limit.is_some());
    state.views.pump_counts(total, may_send, now, fx);
}

/// True when the open view's filter, sort or order differ from the saved.
pub fn is_modified(state: &State) -> bool {
    match state.views.active_entry() {
        Some(entry) => match &entry.filter {
            Ok(saved) => *saved != spelled_out(&state.list.filter),
            Err(_) => true,
        },
        None => false,
    }
}

/// Views actions hidden from help and hints: digits that open nothing now,
/// and `2`…`9` on their default keys (the `1` row speaks for them, so a
/// long list of views does not push the other keys out of the help).
pub fn hidden_actions(state: &State) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|a| {
            a.view_slot().is_some_and(|n| {
                let default = Key::parse(&n.to_string()).ok();
                let on_default = state.keymap.keys(*a) == default.as_slice();
                state.views.slot(n).is_none() || (n > 1 && on_default)
            })
        })
        .collect()
}

/// A key for the open views dialog, handed over by `update`'s router,
/// which puts it back, or not, as the returned outcome says.
pub fn on_dialog_key(
    state: &mut State,
    dialog: &mut Dialog,
    ev: &KeyEvent,
    now: Instant,
    fx: &mut Vec<Effect>,
) -> DialogOutcome {
    state.notice = None;
    match dialog {
        Dialog::List(list) => list::on_key(state, list, ev, now, fx),
        Dialog::Name(prompt) => prompt::on_key(state, prompt, ev, fx),
    }
}

/// The views' own actions. True when `action` was one of them.
pub fn on_action(state: &mut State, action: Action, now: Instant, fx: &mut Vec<Effect>) -> bool {
    if let Some(n) = action.view_slot() {
        match state.views.slot(n) {
            Some(i) => open(state, i, now, fx),
            None if state.views.entries.is_empty() => {
                state.say(format!(
                    "no saved views yet: {} saves the current filter as one",
                    state.keymap.label(Action::SaveView)
                ));
            }
            None => {
                state.say(format!(
                    "no view {n}: there are {}",
                    state.views.entries.len()
                ));
            }
        }
        return true;
    }
    match action {
        Action::ViewsList => {
            if state.views.entries.is_empty() {
                state.say(format!(
                    "no saved views yet: {} saves the current filter as one",
                    state.keymap.label(Action::SaveView)
                ));
            } else {
                let selected = state.views.active.unwrap_or(0);
                state.modal = Some(Modal::Views(Dialog::List(ViewsList::new(selected))));
            }
            true
        }
        Action::SaveView => {
            edit::save(state);
            true
        }
        _ => false,
    }
}

/// Opens the view at `index`: its filter, sort, order and page size, from
/// page 1; its count refreshes with it, and what is new in it is seen.
pub fn open(state: &mut State, index: usize, now: Instant, fx: &mut Vec<Effect>) {
    let Some(entry) = state.views.entries.get(index) else {
        return;
    };
    let filter = match &entry.filter {
        Ok(f) => f.clone(),
        Err(e) => {
            state.fail(
                format!("view '{}': {e}", entry.view.name),
                Some("fix it in the config file".into()),
            );
            return;
        }
    };
    let per_page = entry
        .view
        .per_page
        .map_or(state.views.default_per_page, u64::from);
    // Changes to the view being left are dropped: say so, with the way back.
    let left_unsaved = is_modified(state)
        .then(|| state.views.active_entry().map(|e| e.view.name.clone()))
        .flatten();
    state.scope.view = Some(entry.view.name.clone());
    // A queue switched to is looked at fresh, not from pages cached an
    // hour ago; its first page brings its count along.
    state
        .list
        .cache
        .remove_query(&filter, per_page.clamp(1, 100));
    state.list.filter = filter;
    state.list.per_page = per_page.clamp(1, 100);
    state.detail = None;
    state.views.active = Some(index);
    if let Some(name) = left_unsaved {
        state.say(format!(
            "changes to '{name}' not saved (open it and press {} to keep them next time)",
            state.keymap.label(Action::SaveView)
        ));
    }
    state.views.counts_after_open(index, now);
    super::list::new_query(state, now, fx);
}

/// Marks the view called `name` as the one on screen (the start's
/// `--view`, or `default_view`), without asking for anything.
pub fn mark_active(state: &mut State, name: &str, now: Instant) {
    if let Some(i) = state.views.position(name) {
        state.views.active = Some(i);
        state.views.counts_after_open(i, now);
    }
}

/// One line about the views' problems, for the footer at start.
pub fn startup_error(state: &State) -> Option<ErrorView> {
    if let Some(broken) = &state.views.broken {
        return Some(ErrorView {
            message: broken.clone(),
            hint: Some("views are read-only until the file is fixed".into()),
        });
    }
    let first = state.views.problems.first()?;
    let more = state.views.problems.len() - 1;
    Some(ErrorView {
        message: if more > 0 {
            format!("{first} (and {more} more: triage config check)")
        } else {
            first.clone()
        },
        hint: None,
    })
}
