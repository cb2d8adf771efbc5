//! What one triage action changes: the PATCH body it sends, the row as it
//! will look (shown at once, before the server answers), the words for it,
//! and the way back (undo sends the previous values of the same fields).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::known::Known;
use crate::api::types::{Ticket, TicketPatch};
use crate::filter::{AssigneeFilter, EntityRef, Resolver, TicketFilter};
use crate::model::{PriorityLevel, StatusCategory};

/// A status to set: a custom status (with its id), or only a category
/// when the server has no `/statuses` to choose from.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusChoice {
    pub id: Option<Uuid>,
    pub category: StatusCategory,
    pub name: String,
    pub color: Option<String>,
}

impl StatusChoice {
    /// The status's name; without one, its category as the filter panes
    /// name it ("In progress", not the API's `in_progress`).
    pub fn label(&self) -> String {
        if self.name.trim().is_empty() {
            crate::app::filter_panel::rows::wire_label(self.category.as_str())
        } else {
            self.name.clone()
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PriorityChoice {
    pub id: Option<Uuid>,
    pub level: PriorityLevel,
    pub name: String,
    pub color: Option<String>,
}

impl PriorityChoice {
    /// The priority's name; without one, its level as the panes name it.
    pub fn label(&self) -> String {
        if self.name.trim().is_empty() {
            crate::app::filter_panel::rows::wire_label(self.level.as_str())
        } else {
            self.name.clone()
        }
    }
}

/// Something an action names by id, with its name for the words: an
/// inbox, a tag.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub id: Uuid,
    pub name: String,
}

/// A custom field's new value: what is sent (`null` clears it) and the
/// words for it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSetting {
    /// The field's label ("Plan").
    pub label: String,
    pub value: serde_json::Value,
    /// The value as the agent reads it ("Enterprise", "empty").
    pub shown: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Status(StatusChoice),
    Priority(PriorityChoice),
    /// `None` unassigns. `name` is for the words only.
    Assign {
        id: Option<Uuid>,
        name: String,
    },
    /// A `waiting` status until `until`, then back to `back_to`.
    Snooze {
        until: DateTime<Utc>,
        waiting: StatusChoice,
        back_to: Option<Uuid>,
    },
    /// Move to another inbox.
    Inbox(Named),
    /// Relative: tags added and removed, whatever else each ticket has.
    Tags {
        add: Vec<Named>,
        remove: Vec<Named>,
    },
    /// One custom field set (merged into the ticket's) or cleared.
    Field {
        key: String,
        value: FieldSetting,
    },
    /// A macro: its changes in one PATCH per ticket, then maybe a note.
    Macro(Box<MacroChange>),
}

/// What a macro does to each ticket, resolved against the workspace when
/// it runs (a snooze is read against the clock of that moment).
#[derive(Debug, Clone, PartialEq)]
pub struct MacroChange {
    pub name: String,
    /// In the order written; no two touch the same field (the macro
    /// language refuses that before anything is sent).
    pub parts: Vec<Change>,
    /// Posted after the PATCH, on the tickets it reached; never undone.
    pub note: Option<String>,
    /// A canned reply posted after the PATCH (and the note), each ticket's
    /// copy filled for it; the UI asks before running such a macro.
    pub reply: Option<MacroReply>,
}

/// A macro's `reply:"Name"`: the reply's name and body as configured.
#[derive(Debug, Clone, PartialEq)]
pub struct MacroReply {
    pub name: String,
    pub body: String,
}

/// The actions a server may lack while it takes the others: their PATCH
/// fields came later (a 404/405 turns off only that action).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Routing {
    Inbox,
    Tags,
    Field,
}

impl Routing {
    /// "moving tickets to another inbox".
    pub fn what(self) -> &'static str {
        match self {
            Routing::Inbox => "moving tickets to another inbox",
            Routing::Tags => "tagging tickets",
            Routing::Field => "setting custom fields",
        }
    }
}

/// The ticket fields an action touches (and so what undo sends back).
/// Tags and custom fields are not on the row: their undo is worked out
/// from the change itself (see [`restore_extras`](super::undo::restore_extras)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fields {
    pub status: bool,
    pub priority: bool,
    pub assignee: bool,
    pub reminder: bool,
    pub inbox: bool,
}

impl Change {
    pub fn fields(&self) -> Fields {
        match self {
            Change::Status(_) => Fields {
                status: true,
                // The server drops a reminder when a ticket leaves `waiting`.
                reminder: true,
                ..Fields::default()
            },
            Change::Priority(_) => Fields {
                priority: true,
                ..Fields::default()
            },
            Change::Assign { .. } => Fields {
                assignee: true,
                ..Fields::default()
            },
            Change::Snooze { .. } => Fields {
                status: true,
                reminder: true,
                ..Fields::default()
            },
            Change::Inbox(_) => Fields {
                inbox: true,
                ..Fields::default()
            },
            Change::Tags { .. } | Change::Field { .. } => Fields::default(),
            Change::Macro(m) => m.parts.iter().fold(Fields::default(), |all, c| {
                let f = c.fields();
                Fields {
                    status: all.status || f.status,
                    priority: all.priority || f.priority,
                    assignee: all.assignee || f.assignee,
                    reminder: all.reminder || f.reminder,
                    inbox: all.inbox || f.inbox,
                }
            }),
        }
    }

    /// Every later PATCH field this change needs (a macro may need several).
    pub fn routings(&self) -> Vec<Routing> {
        match self {
            Change::Macro(m) => {
                let mut all: Vec<Routing> = m.parts.iter().filter_map(Change::routing).collect();
                all.dedup();
                all
            }
            c => c.routing().into_iter().collect(),
        }
    }

    /// Which of the later PATCH fields this change needs, if any.
    pub fn routing(&self) -> Option<Routing> {
        match self {
            Change::Inbox(_) => Some(Routing::Inbox),
            Change::Tags { .. } => Some(Routing::Tags),
            Change::Field { .. } => Some(Routing::Field),
            // A 404/405 cannot say which field it refused: the first one
            // the macro needs is named (and turned off).
            Change::Macro(m) => m.parts.iter().find_map(Change::routing),
            _ => None,
        }
    }

    /// True when the ticket is known to have the value already (no request
    /// needed). Tags and fields count only where they are known.
    pub fn is_no_op(&self, before: &Ticket, known: &Known) -> bool {
        match self {
            Change::Tags { add, remove } => known.tags.as_ref().is_some_and(|has| {
                add.iter().all(|t| has.contains(&t.id))
                    && remove.iter().all(|t| !has.contains(&t.id))
            }),
            Change::Field { key, value } => known
                .fields
                .as_ref()
                .is_some_and(|f| f.get(key).unwrap_or(&serde_json::Value::Null) == &value.value),
            // A note is always news, whatever the fields hold already.
            Change::Macro(m) => {
                m.note.is_none() && m.parts.iter().all(|c| c.is_no_op(before, known))
            }
            _ => self.apply(before) == *before,
        }
    }

    /// The body of `PATCH /tickets/{id}`: ids where known, the category or
    /// level where only that is known.
    pub fn patch(&self) -> TicketPatch {
        match self {
            Change::Status(s) => status_patch(s),
            Change::Priority(p) => TicketPatch {
                priority_id: p.id,
                priority: p.id.is_none().then(|| p.level.clone()),
                ..TicketPatch::default()
            },
            Change::Assign { id, .. } => TicketPatch {
                assignee_id: Some(*id),
                ..TicketPatch::default()
            },
            Change::Snooze {
                until,
                waiting,
                back_to,
            } => TicketPatch {
                remind_at: Some(Some(*until)),
                remind_transition_status_id: back_to.map(Some),
                ..status_patch(waiting)
            },
            Change::Inbox(inbox) => TicketPatch {
                inbox_id: Some(inbox.id),
                ..TicketPatch::default()
            },
            Change::Tags { add, remove } => TicketPatch {
                add_tag_ids: add.iter().map(|t| t.id).collect(),
                remove_tag_ids: remove.iter().map(|t| t.id).collect(),
                ..TicketPatch::default()
            },
            Change::Field { key, value } => TicketPatch {
                custom_fields: [(key.clone(), value.value.clone())].into_iter().collect(),
                ..TicketPatch::default()
            },
            Change::Macro(m) => m
                .parts
                .iter()
                .fold(TicketPatch::default(), |all, c| all.merged(c.patch())),
        }
    }

    /// The row as it will be once the server agrees.
    pub fn apply(&self, before: &Ticket) -> Ticket {
        let mut t = before.clone();
        match self {
            Change::Status(s) => {
                set_status(&mut t, s);
                if s.category != StatusCategory::Waiting {
                    t.remind_at = None;
                    t.remind_transition_status_id = None;
                }
            }
            Change::Priority(p) => {
                t.priority = p.level.clone();
                t.priority_id = p.id;
                t.priority_name = p.name.clone();
                t.priority_color = p.color.clone();
            }
            Change::Assign { id, .. } => t.assignee_id = *id,
            Change::Snooze {
                until,
                waiting,
                back_to,
            } => {
                set_status(&mut t, waiting);
                t.remind_at = Some(*until);
                if back_to.is_some() {
                    t.remind_transition_status_id = *back_to;
                }
            }
            Change::Inbox(inbox) => t.inbox_id = Some(inbox.id),
            // Not on the row: the open detail shows them from the answer.
            Change::Tags { .. } | Change::Field { .. } => {}
            Change::Macro(m) => t = m.parts.iter().fold(t, |t, c| c.apply(&t)),
        }
        t
    }

    /// What the change does to each of `rows`, with its name and fields:
    /// all a write job needs of it, asked once.
    pub fn plan(&self, rows: Vec<Ticket>) -> Plan {
        let patch = self.patch();
        Plan {
            label: self.label(),
            fields: self.fields(),
            rows: rows
                .into_iter()
                .map(|before| PlannedRow {
                    after: self.apply(&before),
                    patch: patch.clone(),
                    before,
                })
                .collect(),
        }
    }

    /// "Set to Urgent", "Set status to Solved", "Assign to Ana", "Snooze
    /// until …": the job's name in the progress, the report and `U`.
    pub fn label(&self) -> String {
        match self {
            Change::Status(_) => format!("Set status to {}", self.target()),
            Change::Priority(_) => format!("Set to {}", self.target()),
            Change::Assign { id: None, .. } => "Unassign".into(),
            Change::Assign { .. } => format!("Assign to {}", self.target()),
            Change::Snooze { .. } => format!("Snooze until {}", self.target()),
            Change::Inbox(_) => format!("Move to {}", self.target()),
            Change::Tags { .. } => format!("Tag {}", self.target()),
            Change::Field { .. } => format!("Set {}", self.target()),
            Change::Macro(m) => m.name.clone(),
        }
    }

    /// "Urgent", "Solved", "Ana Souza", "unassigned", "Mon 30 Nov 09:00".
    pub fn target(&self) -> String {
        match self {
            Change::Status(s) => s.label(),
            Change::Priority(p) => p.label(),
            Change::Assign { id: None, .. } => "unassigned".into(),
            Change::Assign { name, .. } => name.clone(),
            Change::Snooze { until, .. } => until
                .with_timezone(&chrono::Local)
                .format("%a %d %b %H:%M")
                .to_string(),
            Change::Inbox(inbox) => inbox.name.clone(),
            Change::Tags { add, remove } => add
                .iter()
                .map(|t| format!("+{}", t.name))
                .chain(remove.iter().map(|t| format!("−{}", t.name)))
                .collect::<Vec<_>>()
                .join(" "),
            Change::Field { value, .. } => format!("{} = {}", value.label, value.shown),
            Change::Macro(m) => m.name.clone(),
        }
    }

    /// Every change a macro makes, in words: "status Working · priority
    /// Urgent · +vip · note". For a plain change, its target.
    pub fn summary(&self) -> String {
        let Change::Macro(m) = self else {
            return self.target();
        };
        let mut words: Vec<String> = m
            .parts
            .iter()
            .map(|c| match c {
                Change::Status(_) => format!("status {}", c.target()),
                Change::Priority(_) => format!("priority {}", c.target()),
                Change::Assign { id: None, .. } => "unassign".into(),
                Change::Assign { .. } => format!("assign {}", c.target()),
                Change::Snooze { .. } => format!("snooze until {}", c.target()),
                Change::Inbox(_) => format!("inbox {}", c.target()),
                _ => c.target(),
            })
            .collect();
        if m.note.is_some() {
            words.push("note".into());
        }
        if let Some(r) = &m.reply {
            words.push(format!("reply '{}' (the customer sees it)", r.name));
        }
        words.join(" · ")
    }

    /// The question before a bulk run: "Set 23 tickets to Urgent?".
    pub fn question(&self, count: usize) -> String {
        self.question_about(&tickets(count))
    }

    /// The question naming its targets as given: "23 tickets (5 not on
    /// this page)".
    pub fn question_about(&self, n: &str) -> String {
        match self {
            Change::Status(_) => format!("Set the status of {n} to {}?", self.target()),
            Change::Priority(_) => format!("Set {n} to {}?", self.target()),
            Change::Assign { id: None, .. } => format!("Unassign {n}?"),
            Change::Assign { .. } => format!("Assign {n} to {}?", self.target()),
            Change::Snooze { .. } => format!("Snooze {n} until {}?", self.target()),
            Change::Inbox(_) => format!("Move {n} to {}?", self.target()),
            Change::Tags { .. } => format!("Tag {n}: {}?", self.target()),
            Change::Field { value, .. } if value.value.is_null() => {
                format!("Clear {} of {n}?", value.label)
            }
            Change::Field { value, .. } => {
                format!("Set {} of {n} to {}?", value.label, value.shown)
            }
            Change::Macro(m) => format!("Run '{}' on {n} ({})?", m.name, self.summary()),
        }
    }

    /// What happened to one ticket: "#1042 → Urgent".
    pub fn done(&self, number: i64) -> String {
        match self {
            Change::Snooze { .. } => format!("#{number} snoozed until {}", self.target()),
            Change::Assign { id: None, .. } => format!("#{number} unassigned"),
            Change::Tags { .. } => format!("#{number} tagged {}", self.target()),
            Change::Field { .. } | Change::Macro(_) => format!("#{number}: {}", self.target()),
            _ => format!("#{number} → {}", self.target()),
        }
    }
}

/// A change planned over some rows ([`Change::plan`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub label: String,
    pub fields: Fields,
    pub rows: Vec<PlannedRow>,
}

/// One row of a [`Plan`]: as it is, as it will be, and the PATCH between.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRow {
    pub before: Ticket,
    pub after: Ticket,
    pub patch: TicketPatch,
}

/// "1 ticket", "23 tickets".
pub fn tickets(n: usize) -> String {
    crate::text::count(n as u64, "ticket")
}

fn status_patch(s: &StatusChoice) -> TicketPatch {
    TicketPatch {
        status_id: s.id,
        status: s.id.is_none().then(|| s.category.clone()),
        ..TicketPatch::default()
    }
}

fn set_status(t: &mut Ticket, s: &StatusChoice) {
    // Setting only a category keeps the custom status when it already has
    // that category (the server does the same).
    if s.id.is_none() && t.status == s.category {
        return;
    }
    t.status = s.category.clone();
    t.status_id = s.id;
    t.status_name = s.name.clone();
    t.status_color = s.color.clone();
}

/// Whether `t` still belongs to the list of `filter`, judged on the fields
/// an action can change (the others did not move). A name that cannot be
/// resolved here counts as a match: better a row not dimmed than a row
/// dimmed by mistake.
pub fn still_matches(filter: &TicketFilter, t: &Ticket, resolver: Option<&dyn Resolver>) -> bool {
    if !filter.statuses.is_empty() && !filter.statuses.contains(&t.status) {
        return false;
    }
    if filter.priority.as_ref().is_some_and(|p| *p != t.priority) {
        return false;
    }
    let inbox = match &filter.inbox {
        Some(EntityRef::Id(id)) => Some(*id),
        Some(EntityRef::Name(name)) => resolver.and_then(|r| r.inbox_id(name)),
        None => None,
    };
    if let (Some(want), Some(has)) = (inbox, t.inbox_id)
        && want != has
    {
        return false;
    }
    match &filter.assignee {
        None => true,
        Some(AssigneeFilter::Unassigned) => t.assignee_id.is_none(),
        Some(AssigneeFilter::User(EntityRef::Id(id))) => t.assignee_id == Some(*id),
        Some(AssigneeFilter::User(EntityRef::Name(name))) => {
            match resolver.and_then(|r| r.user_id(name)) {
                Some(id) => t.assignee_id == Some(id),
                None => true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::triage::undo::restore;

    fn ticket() -> Ticket {
        Ticket {
            ticket_number: 1001,
            subject: "s".into(),
            status_id: Some(Uuid::from_u128(0x51)),
            status_name: "New".into(),
            status_color: Some("#3b82f6".into()),
            priority_id: Some(Uuid::from_u128(0x72)),
            priority_name: "Normal".into(),
            ..crate::fixtures::ticket(1)
        }
    }

    fn urgent() -> Change {
        Change::Priority(PriorityChoice {
            id: Some(Uuid::from_u128(0x74)),
            level: PriorityLevel::Urgent,
            name: "Urgent".into(),
            color: Some("#ef4444".into()),
        })
    }

    #[test]
    fn priority_sends_the_id_and_shows_the_name() {
        let c = urgent();
        let json = serde_json::to_value(c.patch()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"priority_id": "00000000-0000-0000-0000-000000000074"})
        );
        let after = c.apply(&ticket());
        assert_eq!(after.priority, PriorityLevel::Urgent);
        assert_eq!(after.priority_name, "Urgent");
        assert_eq!(c.question(23), "Set 23 tickets to Urgent?");
        assert_eq!(c.done(1001), "#1001 → Urgent");
    }

    #[test]
    fn a_category_alone_is_sent_as_status() {
        let c = Change::Status(StatusChoice {
            id: None,
            category: StatusCategory::Resolved,
            name: String::new(),
            color: None,
        });
        let json = serde_json::to_value(c.patch()).unwrap();
        assert_eq!(json, serde_json::json!({"status": "resolved"}));
        assert_eq!(c.apply(&ticket()).status, StatusCategory::Resolved);
    }

    #[test]
    fn a_bare_category_or_level_is_named_as_the_panes_name_it() {
        let c = Change::Status(StatusChoice {
            id: None,
            category: StatusCategory::InProgress,
            name: String::new(),
            color: None,
        });
        assert_eq!(c.question(2), "Set the status of 2 tickets to In progress?");
        let p = Change::Priority(PriorityChoice {
            id: None,
            level: PriorityLevel::Urgent,
            name: String::new(),
            color: None,
        });
        assert_eq!(p.done(7), "#7 → Urgent");
    }

    #[test]
    fn snooze_sets_waiting_reminder_and_return_status() {
        let until = chrono::DateTime::from_timestamp(1_796_000_000, 0).unwrap()
            + chrono::Duration::hours(4);
        let c = Change::Snooze {
            until,
            waiting: StatusChoice {
                id: Some(Uuid::from_u128(0x53)),
                category: StatusCategory::Waiting,
                name: "Awaiting reply".into(),
                color: None,
            },
            back_to: Some(Uuid::from_u128(0x51)),
        };
        let p = c.patch();
        assert_eq!(p.status_id, Some(Uuid::from_u128(0x53)));
        assert_eq!(p.remind_at, Some(Some(until)));
        assert_eq!(
            p.remind_transition_status_id,
            Some(Some(Uuid::from_u128(0x51)))
        );
        let after = c.apply(&ticket());
        assert_eq!(after.status, StatusCategory::Waiting);
        assert_eq!(after.remind_at, Some(until));
    }

    #[test]
    fn restore_sends_back_exactly_the_touched_fields() {
        let before = ticket();
        let c = urgent();
        let after = c.apply(&before);
        let (back, patch) = restore(&after, &before, c.fields()).unwrap();
        assert_eq!(back, before);
        assert_eq!(
            serde_json::to_value(patch).unwrap(),
            serde_json::json!({"priority_id": "00000000-0000-0000-0000-000000000072"})
        );
        let assign = Change::Assign {
            id: Some(Uuid::from_u128(9)),
            name: "Ana".into(),
        };
        let (_, patch) = restore(&assign.apply(&before), &before, assign.fields()).unwrap();
        assert_eq!(
            serde_json::to_value(patch).unwrap(),
            serde_json::json!({"assignee_id": null})
        );
    }

    #[test]
    fn leaving_the_filter() {
        let f: TicketFilter = "status:open priority:normal assignee:none".parse().unwrap();
        let t = ticket();
        assert!(still_matches(&f, &t, None));
        assert!(!still_matches(&f, &urgent().apply(&t), None));
        let assigned = Change::Assign {
            id: Some(Uuid::from_u128(9)),
            name: "Ana".into(),
        };
        assert!(!still_matches(&f, &assigned.apply(&t), None));
        let named: TicketFilter = "assignee:Ana".parse().unwrap();
        assert!(still_matches(&named, &t, None), "unresolvable: not dimmed");
    }
}
