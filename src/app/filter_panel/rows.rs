//! The rows of the list panes, from the catalog: live lists when the
//! server has them, the config's aliases when it answered 404, statuses
//! and priorities learned from tickets seen when their endpoints are absent.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::choice::{Choice, ref_id};
use super::pane::PaneKind;
use crate::api::types::{Priority, Status};
use crate::api::{Catalog, Endpoint, EndpointState};
use crate::app::picker::PickItem;
use crate::filter::{AssigneeFilter, EntityRef, NameKind, TicketFilter};
use crate::model::{PriorityLevel, StatusCategory};

/// One line of a list pane.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub label: String,
    /// The workspace's color (`#rrggbb`), drawn when it is one.
    pub color: Option<String>,
    /// Dim text after the label (an email, the custom names of a level).
    pub detail: Option<String>,
    /// Heading the row is listed under (a status category).
    pub group: Option<String>,
    pub choice: Choice,
}

impl Row {
    fn plain(label: String, choice: Choice) -> Row {
        Row {
            label,
            color: None,
            detail: None,
            group: None,
            choice,
        }
    }

    /// The picker entry: rows of one status category share a key, so
    /// choosing any of them chooses (and marks) the whole category.
    pub fn pick_item(&self) -> PickItem {
        let mut item = PickItem::new(self.choice.key(), &self.label).color(self.color.as_deref());
        if let Some(d) = &self.detail {
            item = item.note(d);
        }
        if let Some(g) = &self.group {
            item = item.group(g);
        }
        item
    }
}

/// Where a pane's names come from, said in its title when not the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameSource {
    Server,
    /// The endpoint answered 404/405: `[aliases]` of the config.
    Aliases,
    /// The endpoint is absent: names learned from tickets seen.
    Learned,
    /// The endpoint failed (rate limit, network): what is known so far.
    NotLoaded,
}

impl NameSource {
    pub fn note(self) -> Option<&'static str> {
        match self {
            NameSource::Server => None,
            NameSource::Aliases => Some("config aliases"),
            NameSource::Learned => Some("from tickets seen"),
            NameSource::NotLoaded => Some("names not loaded"),
        }
    }
}

fn source(catalog: Option<&Catalog>, endpoint: Endpoint, fallback: NameSource) -> NameSource {
    match catalog.map(|c| c.state(endpoint)) {
        Some(EndpointState::NotSupported) => fallback,
        Some(EndpointState::Failed(_)) => NameSource::NotLoaded,
        Some(EndpointState::Loaded) | None => NameSource::Server,
        Some(EndpointState::Unknown) => NameSource::NotLoaded,
    }
}

/// The endpoint whose support decides a pane's names.
pub fn endpoint_of(pane: PaneKind) -> Option<Endpoint> {
    Some(match pane {
        PaneKind::Status => Endpoint::Statuses,
        PaneKind::Priority => Endpoint::Priorities,
        PaneKind::Assignee => Endpoint::Users,
        PaneKind::Inbox => Endpoint::Inboxes,
        PaneKind::Tags => Endpoint::Tags,
        PaneKind::Fields => Endpoint::TicketFields,
        PaneKind::Dates => return None,
    })
}

/// Where a pane's names come from.
pub fn name_source(pane: PaneKind, catalog: Option<&Catalog>) -> NameSource {
    let fallback = match pane {
        PaneKind::Status | PaneKind::Priority => NameSource::Learned,
        _ => NameSource::Aliases,
    };
    match endpoint_of(pane) {
        Some(e) => source(catalog, e, fallback),
        None => NameSource::Server,
    }
}

/// "In progress" for `in_progress`, "Urgent" for `urgent`.
pub fn wire_label(wire: &str) -> String {
    let s = wire.replace('_', " ");
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => s,
    }
}

/// Statuses from the catalog, plus those `learned` from tickets seen that
/// it does not have (all of them when `/statuses` is absent).
pub fn statuses(catalog: Option<&Catalog>, learned: &Catalog) -> Vec<Status> {
    let mut out: Vec<Status> = catalog.map(|c| c.statuses().to_vec()).unwrap_or_default();
    for s in learned.statuses() {
        if !out.iter().any(|k| k.id == s.id) {
            out.push(s.clone());
        }
    }
    out
}

fn priorities(catalog: Option<&Catalog>, learned: &Catalog) -> Vec<Priority> {
    let mut out: Vec<Priority> = catalog.map(|c| c.priorities().to_vec()).unwrap_or_default();
    for p in learned.priorities() {
        if !out.iter().any(|k| k.id == p.id) {
            out.push(p.clone());
        }
    }
    out
}

/// The rows of a list pane (`Fields` and `Dates` have editors instead).
pub fn rows(
    pane: PaneKind,
    catalog: Option<&Catalog>,
    me: Option<&EntityRef>,
    learned: &Catalog,
    draft: &TicketFilter,
) -> Vec<Row> {
    match pane {
        PaneKind::Status => status_rows(catalog, learned),
        PaneKind::Priority => priority_rows(catalog, learned),
        PaneKind::Assignee => assignee_rows(catalog, me, draft),
        PaneKind::Inbox => entity_rows(catalog, NameKind::Inbox, draft),
        PaneKind::Tags => entity_rows(catalog, NameKind::Tag, draft),
        PaneKind::Fields | PaneKind::Dates => Vec::new(),
    }
}

/// The five categories as headings, each with the workspace's statuses
/// under it (the category's own name when none is known). The API
/// filters on categories: every row of a category chooses it.
fn status_rows(catalog: Option<&Catalog>, learned: &Catalog) -> Vec<Row> {
    let known = statuses(catalog, learned);
    let mut rows = Vec::new();
    for cat in StatusCategory::KNOWN {
        let heading = wire_label(cat.as_str());
        let mut custom: Vec<&Status> = known.iter().filter(|s| &s.category == cat).collect();
        custom.sort_by(|a, b| a.name.cmp(&b.name));
        if custom.is_empty() {
            rows.push(Row {
                group: Some(heading.clone()),
                ..Row::plain(heading.clone(), Choice::Status(cat.clone()))
            });
        }
        for s in custom {
            rows.push(Row {
                color: s.color.clone(),
                group: Some(heading.clone()),
                ..Row::plain(s.name.clone(), Choice::Status(cat.clone()))
            });
        }
    }
    rows
}

fn priority_rows(catalog: Option<&Catalog>, learned: &Catalog) -> Vec<Row> {
    let known = priorities(catalog, learned);
    let mut rows = Vec::new();
    // Most urgent first: the order agents scan.
    for level in PriorityLevel::KNOWN.iter().rev() {
        let custom: Vec<&Priority> = known.iter().filter(|p| &p.level == level).collect();
        let names: Vec<&str> = custom
            .iter()
            .map(|p| p.name.as_str())
            .filter(|n| !n.trim().is_empty())
            .collect();
        let (label, detail) = match names.as_slice() {
            [] => (wire_label(level.as_str()), None),
            [one] if one.eq_ignore_ascii_case(level.as_str()) => (one.to_string(), None),
            _ => (names.join(", "), Some(level.as_str().to_string())),
        };
        rows.push(Row {
            color: custom.iter().find_map(|p| p.color.clone()),
            detail,
            ..Row::plain(label, Choice::Priority(level.clone()))
        });
    }
    rows
}

/// `(name, id, detail, color)` of every entity of a kind: live names
/// first, then aliases that name other ids.
fn entities(
    catalog: Option<&Catalog>,
    kind: NameKind,
) -> Vec<(String, Uuid, Option<String>, Option<String>)> {
    let Some(c) = catalog else {
        return Vec::new();
    };
    let mut out: Vec<(String, Uuid, Option<String>, Option<String>)> = match kind {
        NameKind::Tag => c
            .tags()
            .iter()
            .map(|t| (t.name.clone(), t.id, None, t.color.clone()))
            .collect(),
        NameKind::Inbox => c
            .inboxes()
            .iter()
            .map(|i| (i.name.clone(), i.id, None, None))
            .collect(),
        NameKind::User => c
            .users()
            .iter()
            .map(|u| (u.name.clone(), u.id, u.email.clone(), None))
            .collect(),
    };
    let aliases: &BTreeMap<String, Uuid> = match kind {
        NameKind::Tag => &c.aliases().tags,
        NameKind::Inbox => &c.aliases().inboxes,
        NameKind::User => &c.aliases().users,
    };
    for (name, id) in aliases {
        if !out.iter().any(|(_, known, _, _)| known == id) {
            out.push((name.clone(), *id, None, None));
        }
    }
    out
}

fn choice_for(kind: NameKind, id: Uuid, name: String) -> Choice {
    match kind {
        NameKind::Tag => Choice::Tag { id, name },
        NameKind::Inbox => Choice::Inbox { id, name },
        NameKind::User => Choice::User { id, name },
    }
}

/// Entities, plus what the draft names that the lists lack (an id typed
/// by hand, a name only the server knows), so every active value is a
/// row that can be seen and turned off.
fn entity_rows(catalog: Option<&Catalog>, kind: NameKind, draft: &TicketFilter) -> Vec<Row> {
    let mut rows: Vec<Row> = entities(catalog, kind)
        .into_iter()
        .map(|(name, id, detail, color)| Row {
            color,
            detail,
            ..Row::plain(name.clone(), choice_for(kind, id, name))
        })
        .collect();
    let active: Vec<&EntityRef> = match kind {
        NameKind::Tag => draft.tags.iter().collect(),
        NameKind::Inbox => draft.inbox.iter().collect(),
        NameKind::User => match &draft.assignee {
            Some(AssigneeFilter::User(r)) => vec![r],
            _ => Vec::new(),
        },
    };
    for r in active {
        let Some(id) = catalog.and_then(|c| ref_id(c, kind, r)).or(match r {
            EntityRef::Id(id) => Some(*id),
            EntityRef::Name(n) => Uuid::parse_str(n.trim()).ok(),
        }) else {
            continue;
        };
        if !rows.iter().any(|row| row_id(&row.choice) == Some(id)) {
            rows.push(Row {
                detail: Some("id".into()),
                ..Row::plain(id.to_string(), choice_for(kind, id, String::new()))
            });
        }
    }
    rows
}

fn row_id(c: &Choice) -> Option<Uuid> {
    match c {
        Choice::User { id, .. } | Choice::Inbox { id, .. } | Choice::Tag { id, .. } => Some(*id),
        _ => None,
    }
}

fn assignee_rows(
    catalog: Option<&Catalog>,
    me: Option<&EntityRef>,
    draft: &TicketFilter,
) -> Vec<Row> {
    let mut rows = vec![Row::plain("Unassigned".into(), Choice::Unassigned)];
    if let Some(me) = me {
        let name = match me {
            EntityRef::Name(n) => Some(n.clone()),
            EntityRef::Id(id) => catalog.and_then(|c| c.user_name(*id)).map(str::to_string),
        };
        rows.push(Row {
            detail: name,
            ..Row::plain("Me".into(), Choice::Me(me.clone()))
        });
    }
    rows.extend(entity_rows(catalog, NameKind::User, draft));
    rows
}

/// A row for a UUID typed into the narrowing text, when no row has it:
/// raw ids always work, whatever the catalog knows.
pub fn typed_id_row(pane: PaneKind, typed: &str, rows: &[Row]) -> Option<Row> {
    let id = Uuid::parse_str(typed.trim()).ok()?;
    let kind = match pane {
        PaneKind::Assignee => NameKind::User,
        PaneKind::Inbox => NameKind::Inbox,
        PaneKind::Tags => NameKind::Tag,
        _ => return None,
    };
    if rows.iter().any(|r| row_id(&r.choice) == Some(id)) {
        return None;
    }
    Some(Row {
        detail: Some("typed id".into()),
        ..Row::plain(id.to_string(), choice_for(kind, id, String::new()))
    })
}
