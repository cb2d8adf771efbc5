//! `f`: the filter panes. A full-height panel beside the list with one pane
//! per filter of `GET /tickets`; it edits a draft [`TicketFilter`] and
//! `Enter` makes the draft the list's filter (a new query: page 1, a new
//! generation), with the panel still open so the list behind it follows.
//! `Esc` closes it and drops what was not applied.
//!
//! Keys inside the panel are the panel's own (not the keymap's): `Tab` /
//! `Shift-Tab` between panes, arrows (or `Ctrl-n`/`Ctrl-p`) within, `Space`
//! toggles, every printable key narrows a list through the shared
//! [`Picker`] (the one rule of every picker; `Esc` clears the narrowing),
//! `Ctrl-x` clears the focused pane, `Ctrl-r` all of them.
//!
//! The draft is the one truth: pickers show it and are re-marked from it
//! after every key, so a value chosen in one place shows everywhere.

pub mod choice;
pub mod dates;
pub mod fields;
pub mod keys;
pub mod pane;
pub mod request;
pub mod rows;

use tui_input::Input;

use self::dates::{DateSlot, parse_date_input};
use self::fields::{FieldDef, field_defs};
use self::pane::PaneKind;
use self::rows::Row;
use crate::api::Catalog;
use crate::api::types::Ticket;
use crate::app::picker::{PickItem, Picker};
use crate::app::source::FieldError;
use crate::filter::{Aliases, EntityRef, Resolver, TicketFilter};

pub use self::keys::{on_key, open, sync};

/// The editor of one custom field, open over the field list.
#[derive(Debug, Clone)]
pub struct FieldEditor {
    pub key: String,
    pub kind: EditorKind,
}

#[derive(Debug, Clone)]
pub enum EditorKind {
    /// select, multi_select, checkbox: "is empty" and the values.
    Pick(Picker),
    /// text, number, date, date_time: "is empty" (row 0) or the input (row 1).
    Input { row: usize, input: Input },
}

/// The Custom fields pane: the field list, and an editor when one is open.
#[derive(Debug, Clone)]
pub struct FieldsState {
    pub picker: Picker,
    /// The fields behind the picker's items, in the same order.
    pub defs: Vec<FieldDef>,
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
            inputs: DateSlot::ALL.map(|slot| {
                Input::new(
                    slot.get(f)
                        .map(crate::filter::DateBound::typed)
                        .unwrap_or_default(),
                )
            }),
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
    pub pickers: [Picker; 5],
    /// The rows behind each picker's items, in the same order.
    pub rows: [Vec<Row>; 5],
    pub fields: FieldsState,
    pub dates: DatesState,
    pub message: Option<PanelMessage>,
    /// Statuses and priorities learned from the tickets seen while the
    /// panel was open, for servers without `/statuses` or `/priorities`.
    pub seen: Catalog,
}

impl FilterPanel {
    /// A panel on `filter`; call [`FilterPanel::sync`] to fill the lists.
    pub fn open(filter: &TicketFilter) -> FilterPanel {
        let picker = |pane: PaneKind| match pane {
            PaneKind::Status | PaneKind::Tags => Picker::multi(pane.title(), Vec::new()),
            _ => Picker::single(pane.title(), Vec::new()),
        };
        FilterPanel {
            draft: filter.clone(),
            focus: PaneKind::Status,
            pickers: [
                picker(PaneKind::Status),
                picker(PaneKind::Priority),
                picker(PaneKind::Assignee),
                picker(PaneKind::Inbox),
                picker(PaneKind::Tags),
            ],
            rows: Default::default(),
            fields: FieldsState {
                picker: Picker::multi(PaneKind::Fields.title(), Vec::new()),
                defs: Vec::new(),
                editor: None,
            },
            dates: DatesState::from_filter(filter),
            message: None,
            seen: Catalog::default(),
        }
    }

    pub fn picker(&self, pane: PaneKind) -> Option<&Picker> {
        list_index(pane).map(|i| &self.pickers[i])
    }

    pub fn rows(&self, pane: PaneKind) -> &[Row] {
        list_index(pane).map_or(&[], |i| self.rows[i].as_slice())
    }

    /// Brings the lists up to date with the catalog, the tickets seen and
    /// the draft: new names appear, marks follow the draft (the one truth),
    /// a UUID typed into a list becomes a row of its own.
    pub fn sync(
        &mut self,
        catalog: Option<&Catalog>,
        me: Option<&EntityRef>,
        tickets: &[Ticket],
        errors: &[FieldError],
    ) {
        self.learn(tickets);
        let resolver = resolver(catalog);
        for pane in PaneKind::ALL {
            let Some(i) = list_index(pane) else {
                continue;
            };
            let mut rows = rows::rows(pane, catalog, me, &self.seen, &self.draft);
            if let Some(typed) = rows::typed_id_row(pane, self.pickers[i].query(), &rows) {
                rows.push(typed);
            }
            let items: Vec<PickItem> = rows.iter().map(Row::pick_item).collect();
            let picker = &mut self.pickers[i];
            picker.title = pane_title(pane, catalog);
            if picker.items() != items.as_slice() {
                picker.set_items(items);
            }
            picker.clear();
            for row in &rows {
                // One mark in a one-value pane: "Me" before the same agent
                // further down.
                if !picker.is_multi() && picker.chosen_count() > 0 {
                    break;
                }
                if row.choice.is_chosen(&self.draft, resolver) {
                    picker.choose(row.choice.key());
                }
            }
            self.rows[i] = rows;
        }
        let mut defs = field_defs(catalog, &self.draft);
        if let Some(typed) = fields::typed_key_def(self.fields.picker.query(), &defs) {
            defs.push(typed);
        }
        let items: Vec<PickItem> = defs
            .iter()
            .map(|d| {
                let item = d.pick_item(&self.draft);
                // A field the server rejected says so on its own row.
                let rejected = errors.iter().find(|e| {
                    request::ParamPlace::of(&e.param)
                        == Some(request::ParamPlace::Field(d.key.clone()))
                });
                match rejected {
                    Some(e) => {
                        let note =
                            format!("⚠ {} · {}", e.message, item.note.as_deref().unwrap_or(""));
                        item.note(&note)
                    }
                    None => item,
                }
            })
            .collect();
        let picker = &mut self.fields.picker;
        picker.title = pane_title(PaneKind::Fields, catalog);
        if picker.items() != items.as_slice() {
            picker.set_items(items);
        }
        picker.clear();
        for d in &defs {
            if self.draft.custom_fields.contains_key(&d.key) {
                picker.choose(d.key.clone());
            }
        }
        self.fields.defs = defs;
    }

    /// Remembers the statuses and priorities of `tickets`.
    pub fn learn(&mut self, tickets: &[Ticket]) {
        self.seen.learn_from_tickets(tickets);
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

    /// `Ctrl-x`: the focused pane's values go.
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

    /// `Ctrl-r`: every pane's values go (search text and sort stay: they are
    /// not the panes').
    pub fn clear_all(&mut self) {
        for pane in PaneKind::ALL {
            self.clear_pane(pane);
        }
    }

    /// True while something is typed (`Esc` clears it, `?` is text): a list
    /// or the field list being narrowed, or a field editor's input or
    /// narrowing. (The date inputs leave `?` to the panel: no date has it.)
    pub fn takes_text(&self) -> bool {
        match self.focus {
            PaneKind::Dates => false,
            PaneKind::Fields => match self.fields.editor.as_ref().map(|e| &e.kind) {
                None => self.fields.picker.is_typing(),
                Some(EditorKind::Pick(p)) => p.is_typing(),
                Some(EditorKind::Input { .. }) => true,
            },
            pane => self.picker(pane).is_some_and(Picker::is_typing),
        }
    }

    /// The one date input being edited.
    pub fn date_input(&self, slot: DateSlot) -> &Input {
        &self.dates.inputs[date_index(slot)]
    }
}

/// "Tags · has all of · config aliases": the pane's name and, when its
/// names do not come from the server, where they come from.
pub fn pane_title(pane: PaneKind, catalog: Option<&Catalog>) -> String {
    match rows::name_source(pane, catalog).note() {
        Some(note) => format!("{} · {note}", pane.title()),
        None => pane.title().to_string(),
    }
}

/// Index of a list pane in `pickers` and `rows`.
pub fn list_index(pane: PaneKind) -> Option<usize> {
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
