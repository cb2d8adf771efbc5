//! Keys and the mouse: one router (global keys, then the open modal, then
//! the list), the list's own keys, help scrolling, and the mouse gate.

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use ratatui::layout::Rect;

use super::clock::Clock;
use super::detail::{copy_number, max_scroll, on_detail_key, open_browser, open_detail};
use super::keymap::{Action, Key, Section};
use super::list::{has_next_page, move_by, new_query, refresh, select, show_page};
use super::modal::{DialogOutcome, Help, Modal};
use super::msg::Effect;
use super::state::{Landing, State};
use super::views;
use crate::filter::{SortField, SortOrder};

/// Rows moved by one mouse wheel notch.
pub(super) const WHEEL_ROWS: usize = 3;

/// The one router for keys: global keys first, then the open modal (which
/// owns every key it gets), then the list. False when the key meant nothing.
pub(super) fn on_key(state: &mut State, ev: KeyEvent, clock: Clock, fx: &mut Vec<Effect>) -> bool {
    let now = clock.now;
    if ev.kind == KeyEventKind::Release {
        return false;
    }
    let gave_up = give_up_reply(state);
    let global = match ev.code {
        _ if !ev.modifiers.contains(KeyModifiers::CONTROL) => None,
        // Ctrl-c quits from anywhere, whatever is being typed.
        KeyCode::Char('c') => Some(Effect::Quit),
        // Ctrl-z is the shell's, not the keymap's.
        KeyCode::Char('z') => Some(Effect::Suspend),
        _ => None,
    };
    if let Some(effect) = global {
        fx.push(effect);
        return false;
    }
    let Some(mut modal) = state.modal.take() else {
        // Giving up is said even when the key meant nothing else.
        return on_list_key(state, ev, clock, fx) || gave_up;
    };
    let outcome = match &mut modal {
        Modal::Help(help) => on_help_key(state, help, &ev, fx),
        Modal::Triage(dialog) => super::triage::on_dialog_key(state, dialog, &ev, clock, fx),
        Modal::Views(dialog) => views::on_dialog_key(state, dialog, &ev, now, fx),
        Modal::Search(search) => super::search::on_key(state, search, ev, clock, fx),
        Modal::FilterLine(line) => super::filter_line::on_key(state, line, ev, clock, fx),
        Modal::FilterPanel(panel) => super::filter_panel::on_key(state, panel, ev, clock, fx),
    };
    settle(state, modal, outcome);
    true
}

/// A reply waiting for its requester's name is given up by any key or
/// click (the editor must not open over whatever the agent turned to), and
/// the footer says so. True when one was waiting.
fn give_up_reply(state: &mut State) -> bool {
    let Some(waiting) = state.triage.reply_waiting.take() else {
        return false;
    };
    state.say(waiting.given_up());
    true
}

/// The one place a dialog goes back after its key (see [`DialogOutcome`]): a
/// modal the key's work opened meanwhile is newer and stays.
fn settle(state: &mut State, modal: Modal, outcome: DialogOutcome) {
    match outcome {
        DialogOutcome::Stay => {
            if state.modal.is_none() {
                state.modal = Some(modal);
            }
        }
        DialogOutcome::Close => {}
        DialogOutcome::Replace(next) => state.modal = Some(next),
    }
}

/// What a key pressed over the list is: looked up once, here, in a fixed
/// order (the keymap's actions win; a saved view's or a macro's own key
/// is one no action has: their loading refuses clashes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// An action of the list, the detail or the views' slots (this file's
    /// own).
    List(Action),
    /// An action of triage's (its section of the keymap, and `Esc` while
    /// writes wait for a rate limit, which drops them).
    Triage(Action),
    /// A saved view's own key: the view at this index of the views list.
    View(usize),
    /// A macro's own key: the macro at this index of `state.macros`.
    Macro(usize),
    /// A canned reply's own key: the reply at this index of
    /// `state.replies`.
    Reply(usize),
    /// A shell command's own key: the command at this index of
    /// `state.commands`.
    Shell(usize),
}

impl Command {
    /// Changes tickets on the server: refused on a page kept from an
    /// earlier run (and, inside triage, with a read-only key).
    pub fn writes(self) -> bool {
        match self {
            Command::Triage(action) => action.writes(),
            // What a shell command does is its own business, not a write
            // of ours: it runs on a kept page too.
            Command::List(_) | Command::View(_) | Command::Shell(_) => false,
            Command::Macro(_) | Command::Reply(_) => true,
        }
    }
}

/// The one lookup of a key over the list: what it is and which module
/// owns it.
pub fn resolve(state: &State, ev: &KeyEvent) -> Option<Command> {
    if let Some((action, section)) = state.keymap.bound(ev) {
        let drops_waiting_writes = action == Action::Back
            && state.rate_limit.is_some()
            && super::triage::jobs::waiting_count(&state.triage) > 0;
        return Some(if section == Section::Triage || drops_waiting_writes {
            Command::Triage(action)
        } else {
            Command::List(action)
        });
    }
    let key = Key::from_event(ev);
    if let Some(i) = state.views.entries.iter().position(|e| e.key == Some(key)) {
        return Some(Command::View(i));
    }
    if let Some(i) = state.macros.iter().position(|m| m.key == Some(key)) {
        return Some(Command::Macro(i));
    }
    if let Some(i) = state.replies.iter().position(|r| r.key == Some(key)) {
        return Some(Command::Reply(i));
    }
    let i = state.commands.iter().position(|c| c.key == Some(key))?;
    Some(Command::Shell(i))
}

/// Keys with nothing open: resolved once, refused on the kept page when
/// they write, then handed to the module that owns them.
pub(super) fn on_list_key(
    state: &mut State,
    ev: KeyEvent,
    clock: Clock,
    fx: &mut Vec<Effect>,
) -> bool {
    let Some(command) = resolve(state, &ev) else {
        return false;
    };
    // The page kept from an earlier run may be out of date: a change made
    // from its rows could undo someone's work.
    if command.writes()
        && let Some(saved_at) = state.list.kept_since()
    {
        state.say(format!(
            "this is the page {}: actions wait for the fresh one",
            super::state::kept_label(saved_at, clock.wall)
        ));
        return true;
    }
    state.notice = None;
    match command {
        Command::View(i) => views::open(state, i, clock.now, fx),
        Command::Macro(i) => super::triage::macro_run::run(state, i, clock, fx),
        Command::Reply(i) => super::triage::canned::run_key(state, i, fx),
        Command::Shell(i) => super::commands::start(state, i, fx),
        Command::Triage(action) => super::triage::on_action(state, action, fx),
        Command::List(action) => on_list_action(state, action, clock, fx),
    }
    true
}

/// The list's and the detail's own actions (and the views' slots).
fn on_list_action(state: &mut State, action: Action, clock: Clock, fx: &mut Vec<Effect>) {
    let now = clock.now;
    if state.detail.is_some() && on_detail_key(state, action, &clock, fx) {
        return;
    }
    match action {
        Action::MoveDown => move_by(state, 1, now, fx),
        Action::MoveUp => move_by(state, -1, now, fx),
        Action::First => select(state, 0),
        Action::Last => select(state, state.list.table.tickets().len().saturating_sub(1)),
        // By a screen; from the last (first) row on, like `j` (`k`), on to
        // the next (previous) page.
        Action::ScreenDown => {
            let n = state.areas().table_rows().max(1);
            let last = state.list.table.tickets().len().saturating_sub(1);
            if state.list.selected >= last {
                move_by(state, 1, now, fx);
            } else {
                select(state, (state.list.selected + n).min(last));
            }
        }
        Action::ScreenUp => {
            let n = state.areas().table_rows().max(1);
            if state.list.selected == 0 {
                move_by(state, -1, now, fx);
            } else {
                select(state, state.list.selected.saturating_sub(n));
            }
        }
        Action::NextPage => {
            if has_next_page(state) {
                show_page(state, state.list.page + 1, Landing::First, now, fx);
            } else if state.list.table.meta().is_some() {
                state.say("this is the last page");
            }
        }
        Action::PrevPage => {
            if state.list.page > 1 {
                show_page(state, state.list.page - 1, Landing::First, now, fx);
            } else {
                state.say("this is the first page");
            }
        }
        Action::OpenDetail => open_detail(state, fx),
        Action::NextNew => match state.news.next_row(
            &state.list.query_key(),
            state.list.table.tickets(),
            state.list.selected,
        ) {
            Some(row) => select(state, row),
            None if state.news.count(&state.list.query_key()) > 0 => {
                state.say("no new tickets on this page");
            }
            None => state.say("no new tickets"),
        },
        Action::NextTicket | Action::PrevTicket => {
            let delta = if action == Action::NextTicket { 1 } else { -1 };
            let (page, row) = (state.list.page, state.list.selected);
            move_by(state, delta, now, fx);
            if state.list.page != page {
                // The detail follows once the other page is on screen.
                state.list.detail_follows = state.detail.is_some();
            } else if state.list.selected != row && state.detail.is_some() {
                open_detail(state, fx);
            }
        }
        Action::Back => state.last_error = None,
        Action::Refresh => {
            refresh(state, now, fx);
            state.views.counts_after_refresh(now);
        }
        Action::CycleSort => {
            state.list.filter.sort = Some(match state.list.sort() {
                SortField::UpdatedAt => SortField::CreatedAt,
                SortField::CreatedAt => SortField::Priority,
                SortField::Priority => SortField::UpdatedAt,
            });
            new_query(state, now, fx);
        }
        Action::FlipOrder => {
            state.list.filter.order = Some(match state.list.order() {
                SortOrder::Asc => SortOrder::Desc,
                SortOrder::Desc => SortOrder::Asc,
            });
            new_query(state, now, fx);
        }
        Action::OpenBrowser => open_browser(state, fx),
        Action::CopyNumber => copy_number(state, fx),
        Action::CopyCurl => {
            fx.push(Effect::CopyCurl {
                filter: state.list.filter.clone(),
                page: state.list.page,
                per_page: state.list.per_page,
            });
            state.say("copied the query as a curl command");
        }
        Action::Help => state.modal = Some(Modal::Help(Help::default())),
        Action::FilterPanes => super::filter_panel::open(state),
        Action::RunCommand => super::commands::open_picker(state),
        Action::Quit => fx.push(Effect::Quit),
        // Triage's own: `triage::owns` took them above.
        Action::SetStatus
        | Action::SetPriority
        | Action::Assign
        | Action::AssignMe
        | Action::Snooze
        | Action::MoveInbox
        | Action::Tag
        | Action::SetField
        | Action::ToggleMark
        | Action::MarkRange
        | Action::MarkPage
        | Action::ClearMarks
        | Action::NextMode
        | Action::AddNote
        | Action::Reply
        | Action::RunMacro
        | Action::Undo => {}
        Action::Search => super::search::open(state),
        Action::FilterLine => super::filter_line::open(state),
        Action::View1
        | Action::View2
        | Action::View3
        | Action::View4
        | Action::View5
        | Action::View6
        | Action::View7
        | Action::View8
        | Action::View9
        | Action::ViewsList
        | Action::SaveView => {
            views::on_action(state, action, now, fx);
        }
    }
}

/// Keys while help is open: movement scrolls it, quit quits, any other key
/// closes it (Esc and ? are the documented ones).
pub(super) fn on_help_key(
    state: &mut State,
    help: &mut Help,
    ev: &KeyEvent,
    fx: &mut Vec<Effect>,
) -> DialogOutcome {
    // Measured as it is drawn: from the keymap and the screen.
    let max = super::help::help_layout(state, state.size).max_scroll;
    let cur = help.scroll.min(max);
    let page = usize::from(state.size.height.saturating_sub(4)).max(1);
    help.scroll = match state.keymap.action_for(ev) {
        Some(Action::Quit) => {
            fx.push(Effect::Quit);
            cur
        }
        Some(Action::MoveDown) => (cur + 1).min(max),
        Some(Action::MoveUp) => cur.saturating_sub(1),
        Some(Action::ScreenDown) => (cur + page).min(max),
        Some(Action::ScreenUp) => cur.saturating_sub(page),
        Some(Action::First) => 0,
        Some(Action::Last) => max,
        // Closed: what was under it (the filter panes) is back as it was.
        _ => {
            return match help.under.take() {
                Some(under) => DialogOutcome::Replace(*under),
                None => DialogOutcome::Close,
            };
        }
    };
    DialogOutcome::Stay
}

pub(super) fn on_mouse(
    state: &mut State,
    ev: crossterm::event::MouseEvent,
    clock: Clock,
    fx: &mut Vec<Effect>,
) {
    let now = clock.now;
    // A click or a scroll is turning to something else, as a key is (a
    // mouse move is not: update redraws only for clicks and scrolls).
    if matches!(
        ev.kind,
        MouseEventKind::Down(_) | MouseEventKind::ScrollDown | MouseEventKind::ScrollUp
    ) {
        give_up_reply(state);
    }
    if state.modal.is_some() {
        // Whatever is open has the input: the list and the views bar under
        // it stay put (a click there would act behind the agent's back).
        return;
    }
    if views::bar::on_mouse(state, &ev, now, fx) {
        return;
    }
    let areas = state.areas();
    let inside = |r: Rect| {
        ev.column >= r.x && ev.column < r.x + r.width && ev.row >= r.y && ev.row < r.y + r.height
    };
    let over_detail = areas.detail.is_some_and(inside);
    match ev.kind {
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let down = ev.kind == MouseEventKind::ScrollDown;
            if over_detail {
                let max = max_scroll(state, &clock);
                if let Some(d) = state.detail.as_mut() {
                    let cur = d.scroll.min(max);
                    d.scroll = if down {
                        (cur + WHEEL_ROWS).min(max)
                    } else {
                        cur.saturating_sub(WHEEL_ROWS)
                    };
                }
                let screen = areas
                    .detail
                    .map_or(1, |r| usize::from(r.height.saturating_sub(2)).max(1));
                super::detail::more_messages_if_near_end(state, max, screen, fx);
            } else if inside(areas.table) {
                let step = if down {
                    WHEEL_ROWS as isize
                } else {
                    -(WHEEL_ROWS as isize)
                };
                // The wheel stays within the page; crossing pages is a key.
                let last = state.list.table.tickets().len().saturating_sub(1);
                let target = (state.list.selected as isize + step).clamp(0, last as isize) as usize;
                select(state, target);
            } else {
                return;
            }
        }
        MouseEventKind::Down(MouseButton::Left) => {
            if over_detail || !inside(areas.table) || ev.row <= areas.table.y {
                return;
            }
            let row = state.list.offset + usize::from(ev.row - areas.table.y - 1);
            if row < state.list.table.tickets().len() {
                state.notice = None;
                select(state, row);
                // With the detail beside the list, a click shows that ticket.
                let shown = state.detail.as_ref().map(|d| d.ticket.id);
                if shown.is_some() && shown != state.selected_ticket().map(|t| t.id) {
                    open_detail(state, fx);
                }
            }
        }
        _ => {}
    }
    let _ = now;
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::app::keymap::Keymap;
    use crate::app::state::Scope;
    use crate::filter::TicketFilter;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn a_key_is_one_command_and_says_whether_it_writes() {
        let state = State::new(
            Scope::default(),
            TicketFilter::default(),
            25,
            Keymap::default(),
        );
        let status = resolve(&state, &key('t'));
        assert_eq!(status, Some(Command::Triage(Action::SetStatus)));
        assert!(status.is_some_and(Command::writes));
        let mark = resolve(&state, &key(' '));
        assert_eq!(mark, Some(Command::Triage(Action::ToggleMark)));
        assert!(
            !mark.is_some_and(Command::writes),
            "a mark changes nothing on the server"
        );
        assert!(!resolve(&state, &key('j')).is_some_and(Command::writes));
        assert_eq!(resolve(&state, &key('Ü')), None);
        assert!(Command::Macro(0).writes() && !Command::View(0).writes());
    }

    #[test]
    fn a_dialog_goes_back_as_its_outcome_says_and_a_newer_modal_wins() {
        let mut state = State::new(
            Scope::default(),
            TicketFilter::default(),
            25,
            Keymap::default(),
        );
        let help = |scroll| {
            Modal::Help(Help {
                scroll,
                under: None,
            })
        };
        settle(&mut state, help(1), DialogOutcome::Stay);
        assert!(matches!(
            state.modal,
            Some(Modal::Help(Help { scroll: 1, .. }))
        ));
        state.modal = None;
        settle(&mut state, help(1), DialogOutcome::Close);
        assert!(state.modal.is_none());
        settle(&mut state, help(1), DialogOutcome::Replace(help(2)));
        assert!(matches!(
            state.modal,
            Some(Modal::Help(Help { scroll: 2, .. }))
        ));
        // The key's work opened something (a run's report): it stays, over
        // a dialog that asked to stay or to close.
        for outcome in [DialogOutcome::Stay, DialogOutcome::Close] {
            state.modal = Some(help(3));
            settle(&mut state, help(1), outcome);
            assert!(matches!(
                state.modal,
                Some(Modal::Help(Help { scroll: 3, .. }))
            ));
        }
    }
}
