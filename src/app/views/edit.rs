//! Saving views: `w` (a new view, or the open one updated), the edits the
//! views list asks for, and what the file holds once the runtime wrote it.
//! The write itself is `Effect::EditViews`, run by the runtime.

use tokio::time::Instant;

use super::super::modal::Modal;
use super::super::msg::Effect;
use super::super::state::{ErrorView, State, order_name, sort_name};
use super::{Dialog, NamePrompt, is_modified};
use crate::config::{EditOutcome, SavedView, ViewEdit};
use crate::filter::TicketFilter;

/// `w`: updates the open view when it was modified, else asks for a name.
pub(super) fn save(state: &mut State) {
    if let Some(why) = cannot_edit(state) {
        state.last_error = Some(why);
        return;
    }
    if let Some(entry) = state.views.active_entry() {
        if !is_modified(state) {
            state.say(format!("view '{}' is saved as it is", entry.view.name));
            return;
        }
        // Update it (Enter) or save beside it (another name): asked, never
        // overwritten by one key.
        state.modal = Some(Modal::Views(Dialog::Name(NamePrompt::updating(
            &entry.view.name,
        ))));
        return;
    }
    state.modal = Some(Modal::Views(Dialog::Name(NamePrompt::new())));
}

/// Writes the current filter, sort and order into the open view, keeping
/// its key, page size, refresh and profile.
pub(super) fn update_active(state: &mut State, fx: &mut Vec<Effect>) {
    if let Some(entry) = state.views.active_entry() {
        let view = SavedView {
            per_page: entry.view.per_page,
            refresh_secs: entry.view.refresh_secs,
            notify: entry.view.notify,
            columns: entry.view.columns.clone(),
            key: entry.view.key.clone(),
            profile: entry.view.profile.clone(),
            after_reply: entry.view.after_reply.clone(),
            ..view_of(state, &entry.view.name)
        };
        request_edit(
            state,
            ViewEdit::Save {
                view,
                overwrite: true,
            },
            fx,
        );
    }
}

/// Why the file cannot take an edit now, if it cannot.
fn cannot_edit(state: &State) -> Option<ErrorView> {
    if state.views.broken.is_some() {
        // The start named line and column; this says why nothing is saved.
        return Some(ErrorView {
            message: "cannot save views: the config file does not parse".into(),
            hint: Some("fix it (triage config check), then restart".into()),
        });
    }
    if state.views.path.is_none() {
        return Some(ErrorView {
            message: "no config file to save views in".into(),
            hint: Some("pass --config PATH or set TRIAGE_CONFIG".into()),
        });
    }
    if state.views.editing {
        return Some(ErrorView {
            message: "still writing the last change to the config file".into(),
            hint: None,
        });
    }
    None
}

/// The current filter, sort and order as a view called `name`.
pub fn view_of(state: &State, name: &str) -> SavedView {
    let text = crate::filter::format(&TicketFilter {
        sort: None,
        order: None,
        ..state.list.filter.clone()
    });
    SavedView {
        sort: Some(sort_name(state.list.sort()).into()),
        order: Some(order_name(state.list.order()).into()),
        ..SavedView::new(name.trim(), text)
    }
}

/// Sends an edit to the runtime (which writes the file) unless one is on
/// its way or the file cannot be edited.
pub fn request_edit(state: &mut State, edit: ViewEdit, fx: &mut Vec<Effect>) {
    if let Some(why) = cannot_edit(state) {
        state.last_error = Some(why);
        return;
    }
    let Some(path) = state.views.path.clone() else {
        return;
    };
    state.views.editing = true;
    fx.push(Effect::EditViews {
        path,
        edit,
        loaded: state.views.fingerprint,
    });
}

/// The file was edited (or the edit failed): the views become what the
/// file now holds, the open view follows a rename, and one line says so.
pub fn on_edited(
    state: &mut State,
    edit: ViewEdit,
    result: Result<EditOutcome, String>,
    now: Instant,
) {
    state.views.editing = false;
    let outcome = match result {
        Ok(o) => o,
        Err(message) => {
            state.notice = None;
            state.fail(message, None);
            return;
        }
    };
    let active_name = state.views.active_entry().map(|e| e.view.name.clone());
    let keymap = state.keymap.clone();
    state.views.fingerprint = Some(outcome.fingerprint);
    state.views.set_views(outcome.views, &keymap);
    // New views (and any added on disk meanwhile) get their counts.
    let uncounted: Vec<String> = state
        .views
        .entries
        .iter()
        .filter(|e| e.count.total.is_none())
        .map(|e| e.view.name.clone())
        .collect();
    for name in uncounted {
        state.views.scheduler.queue(&name);
    }
    let mut notice = match &edit {
        ViewEdit::Save { view, overwrite } => {
            let position = state.views.position(&view.name);
            if !*overwrite || active_name.is_none() {
                // A new view is the one on screen: the filter it was made of.
                state.scope.view = Some(view.name.clone());
            }
            state.views.active = position;
            if let Some(i) = position {
                state.views.counts_after_open(i, now);
            }
            let key = position
                .and_then(|i| state.views.key_label(i))
                .map(|k| format!(" (key {k})"))
                .unwrap_or_default();
            if *overwrite {
                format!("updated view '{}'", view.name)
            } else {
                format!("saved view '{}'{key}", view.name)
            }
        }
        ViewEdit::Rename { from, to } => {
            let renamed_active = active_name.as_deref() == Some(from.as_str());
            let name = if renamed_active {
                state.scope.view = Some(to.clone());
                Some(to.clone())
            } else {
                active_name
            };
            state.views.active = name.and_then(|n| state.views.position(&n));
            format!("renamed '{from}' to '{to}'")
        }
        ViewEdit::Move { name, .. } => {
            state.views.active = active_name.and_then(|n| state.views.position(&n));
            format!("moved '{name}'")
        }
        ViewEdit::Delete { name } => {
            state.views.active = active_name
                .filter(|n| n != name)
                .and_then(|n| state.views.position(&n));
            if state.views.active.is_none() && state.scope.view.as_deref() == Some(name) {
                // The filter stays on screen, now as a custom filter.
                state.scope.view = None;
            }
            format!("deleted view '{name}'")
        }
    };
    if outcome.merged {
        notice.push_str(" (merged with changes made to the file meanwhile)");
    }
    if let Some(Modal::Views(Dialog::List(list))) = &mut state.modal {
        list.follow(&edit, &state.views);
        if state.views.entries.is_empty() {
            state.modal = None;
        }
    }
    state.last_error = None;
    state.say(notice);
}
