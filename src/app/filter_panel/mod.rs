//! `f`: the filter panes. A full-height panel beside the list with one pane
//! per filter of `GET /tickets`; it edits a draft [`TicketFilter`] and
//! `Enter` makes the draft the list's filter (a new query: page 1, a new
//! generation), with the panel still open so the list behind it follows.
//! `Esc` closes it and drops what was not applied.
//!
//! Keys inside the panel are the panel's own (not the keymap's): `Tab` /
//! `Shift-Tab` between panes, `j`/`k` (or arrows) within, `Space` toggles,
//! other letters narrow a list (then every printable key types, `Esc`
//! clears the narrowing), `x` clears the focused pane, `X` all of them.

pub mod choice;
pub mod dates;
pub mod fields;
pub mod keys;
pub mod pane;
pub mod request;
pub mod rows;

use chrono::{DateTime, Utc};
use tui_input::Input;

use self::dates::{DateSlot, bound_input_text, parse_date_input};
use self::pane::PaneKind;
use self::rows::Row;
use crate::api::Catalog;
use crate::api::types::Ticket;
use crate::filter::{Aliases, FieldValue, Resolver, TicketFilter};

pub use self::keys::on_key;

/// A list pane's cursor and narrowing text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListState {
    /// Index into the rows that match `narrow`.
    pub cursor: usize,
    /// Typed text that narrows the rows (case-insensitive substring).
    pub narrow: String,
}

impl ListState {
    /// Rows matching the narrowing text, with their index in `rows`.
    pub fn visible<'a>(&self, rows: &'a [Row]) -> Vec<(usize, &'a Row)> {
        let wanted = self.narrow.to_lowercase();
        rows.iter()
            .enumerate()
            .filter(|(_, r)| {
                wanted.is_empty()
                    || r.label.to_lowercase().contains(&wanted)
                    || r.detail
                        .as_deref()
                        .is_some_and(|d| d.to_lowercase().contains(&wanted))
            })
            .collect()
    }

    pub fn clamp(&mut self, len: usize) {
        self.cursor = self.cursor.min(len.saturating_sub(1));
    }
}

/// The editor of one custom field, open over the field list.
#[derive(Debug, Clone)]
pub struct FieldEditor {
    pub key: String,
    /// For picking types: cursor over `FieldDef::pick_choices`.
    pub cursor: usize,
    /// For typing types: the value as typed.
    pub input: Input,
}

#[derive(Debug, Clone, Default)]
pub struct FieldsState {
    pub list: ListState,
    pub editor: Option<FieldEditor>,
}

/// The four date inputs; the draft takes a bound only while its text is
/// valid, and `Enter` is refused while one is not.
#[derive(Debug, Clone)]
pub struct DatesState {
    pub cursor: usize,
    pub inputs: [Input; 4],
}

impl DatesState {
    fn from_filter(f: &TicketFilter) -> DatesState {
        DatesState {
            cursor: 0,
            inputs: DateSlot::ALL
                .map(|slot| Input::new(slot.get(f).map(bound_input_text).unwrap_or_default())),
        }
    }

    /// The first input whose text is not a date, with its message.
    pub fn first_invalid(&self) -> Option<(DateSlot, String)> {
        DateSlot::ALL
            .into_iter()
            .zip(&self.inputs)
            .find_map(|(slot, input)| parse_date_input(input.value()).err().map(|e| (slot, e)))
    }
}

/// A one-line message in the panel: what was refused, or what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelMessage {
    pub text: String,
    pub error: bool,
}

/// The open panel.
#[derive(Debug, Clone)]
pub struct FilterPanel {
    /// What the panes show and edit; the list's filter until `Enter`.
    pub draft: TicketFilter,
    pub focus: PaneKind,
    /// Status, Priority, Assignee, Inbox, Tags (in `PaneKind::ALL` order).
    pub lists: [ListState; 5],
    pub fields: FieldsState,
    pub dates: DatesState,
    pub message: Option<PanelMessage>,
    /// Statuses and priorities learned from the tickets seen while the
    /// panel was open, for servers without `/statuses` or `/priorities`.
    pub seen: Catalog,
}

impl FilterPanel {
    pub fn open(filter: &TicketFilter) -> FilterPanel {
        FilterPanel {
            draft: filter.clone(),
            focus: PaneKind::Status,
            lists: Default::default(),
            fields: FieldsState::default(),
            dates: DatesState::from_filter(filter),
            message: None,
            seen: Catalog::default(),
        }
    }

    pub fn list(&self, pane: PaneKind) -> Option<&ListState> {
        list_index(pane).map(|i| &self.lists[i])
    }

    pub fn list_mut(&mut self, pane: PaneKind) -> Option<&mut ListState> {
        list_index(pane).map(|i| &mut self.lists[i])
    }

    /// Remembers the statuses and priorities of `tickets`.
    pub fn learn(&mut self, tickets: &[Ticket]) {
        self.seen.learn_from_tickets(tickets);
    }

    /// What was learned, plus what `tickets` (the page on screen) teach.
    pub fn learned_with(&self, tickets: &[Ticket]) -> Catalog {
        let mut c = self.seen.clone();
        c.learn_from_tickets(tickets);
        c
    }

    /// How many values a pane has active, for its title.
    pub fn active_count(&self, pane: PaneKind) -> usize {
        let d = &self.draft;
        match pane {
            PaneKind::Status => d.statuses.len(),
            PaneKind::Priority => usize::from(d.priority.is_some()),
            PaneKind::Assignee => usize::from(d.assignee.is_some()),
            PaneKind::Inbox => usize::from(d.inbox.is_some()),
            PaneKind::Tags => d.tags.len(),
            PaneKind::Fields => d.custom_fields.len(),
            PaneKind::Dates => DateSlot::ALL.iter().filter(|s| s.get(d).is_some()).count(),
        }
    }

    /// `x`: the focused pane's values go.
    pub fn clear_pane(&mut self, pane: PaneKind) {
        let d = &mut self.draft;
        match pane {
            PaneKind::Status => d.statuses.clear(),
            PaneKind::Priority => d.priority = None,
            PaneKind::Assignee => d.assignee = None,
            PaneKind::Inbox => d.inbox = None,
            PaneKind::Tags => d.tags.clear(),
            PaneKind::Fields => {
                d.custom_fields.clear();
                self.fields.editor = None;
            }
            PaneKind::Dates => {
                for slot in DateSlot::ALL {
                    slot.set(d, None);
                }
                self.dates.inputs = Default::default();
            }
        }
    }

    /// `X`: every pane's values go (search text and sort stay: they are
    /// not the panes').
    pub fn clear_all(&mut self) {
        for pane in PaneKind::ALL {
            self.clear_pane(pane);
        }
    }

    /// The one date input being edited.
    pub fn date_input(&self, slot: DateSlot) -> &Input {
        &self.dates.inputs[date_index(slot)]
    }
}

fn list_index(pane: PaneKind) -> Option<usize> {
    match pane {
        PaneKind::Status => Some(0),
        PaneKind::Priority => Some(1),
        PaneKind::Assignee => Some(2),
        PaneKind::Inbox => Some(3),
        PaneKind::Tags => Some(4),
        PaneKind::Fields | PaneKind::Dates => None,
    }
}

fn date_index(slot: DateSlot) -> usize {
    DateSlot::ALL.iter().position(|s| *s == slot).unwrap_or(0)
}

/// Copies what the panes edit from `draft` into `filter`, leaving the
/// search text, sort and order as they are (other parts of the UI own them).
pub fn apply_panes(draft: &TicketFilter, filter: &mut TicketFilter) {
    filter.statuses = draft.statuses.clone();
    filter.priority = draft.priority.clone();
    filter.assignee = draft.assignee.clone();
    filter.inbox = draft.inbox.clone();
    filter.tags = draft.tags.clone();
    filter.created_after = draft.created_after.clone();
    filter.created_before = draft.created_before.clone();
    filter.updated_after = draft.updated_after.clone();
    filter.updated_before = draft.updated_before.clone();
    filter.custom_fields = draft.custom_fields.clone();
}

/// The resolver behind the panes: the catalog when there is one, else no
/// names at all (ids still work).
pub fn resolver(catalog: Option<&Catalog>) -> &dyn Resolver {
    static NONE: std::sync::LazyLock<Aliases> = std::sync::LazyLock::new(Aliases::default);
    match catalog {
        Some(c) => c,
        None => &*NONE,
    }
}

/// The value a custom field has in the draft, for the field list.
pub fn field_value<'a>(draft: &'a TicketFilter, key: &str) -> Option<&'a FieldValue> {
    draft.custom_fields.get(key)
}

/// Now, for validating what is typed against the real request builder
/// (only "out of range" depends on it).
pub(crate) fn wall_now() -> DateTime<Utc> {
    Utc::now()
}
