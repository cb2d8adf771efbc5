//! The field pickers (`t p a i l e`): what each offers, and what a pick
//! means. The workspace's statuses (grouped by category, in their colors),
//! priorities and agents come from the catalog, with plain categories and
//! levels when the server has no lists.

use uuid::Uuid;

use super::change::{Change, PriorityChoice, StatusChoice, tickets};
use super::{PickKind, Targets, routing};
use crate::api::Catalog;
use crate::api::types::Ticket;
use crate::app::filter_panel::rows::wire_label;
use crate::app::picker::{PickItem, Picker};
use crate::app::state::State;
use crate::filter::{EntityRef, Resolver};
use crate::model::{PriorityLevel, StatusCategory};
use crate::text::sanitize;

/// The picker `t`, `p`, `a`, `i`, `l` or `e` opens over `targets`: what
/// it offers, with the current value chosen when there is one ticket.
/// `None` for the kinds with pickers of their own (macros, replies,
/// commands).
pub(super) fn picker(
    kind: PickKind,
    state: &State,
    catalog: Option<&Catalog>,
    targets: &Targets,
) -> Option<Picker> {
    let rows = targets.rows();
    let current = (rows.len() == 1).then(|| &rows[0]);
    let count = match targets {
        Targets::One(t) => format!("#{}", t.ticket_number),
        Targets::Marked(v) => tickets(v.len()),
    };
    Some(match kind {
        PickKind::Status => {
            let chosen = current.map(status_key);
            Picker::single(format!("Status of {count}"), status_items(catalog)).with_chosen(chosen)
        }
        PickKind::Priority => {
            let chosen = current.map(priority_key);
            Picker::single(format!("Priority of {count}"), priority_items(catalog))
                .with_chosen(chosen)
        }
        PickKind::Assign => {
            let items = assignee_items(catalog, me_id(state, catalog));
            let chosen =
                current.map(|t| t.assignee_id.map_or("none".to_string(), |u| u.to_string()));
            Picker::single(format!("Assign {count} to"), items)
                .with_chosen(chosen)
                .space_types()
        }
        PickKind::Inbox => {
            let items = routing::inbox_items(catalog);
            let chosen = current.and_then(|t| t.inbox_id).map(|i| i.to_string());
            Picker::single(format!("Move {count} to inbox"), items).with_chosen(chosen)
        }
        PickKind::Tags => {
            let items = routing::tag_items(catalog, &rows, &state.triage.known);
            Picker::multi(format!("Tags of {count} (Space: add/remove/leave)"), items).three_state()
        }
        PickKind::Field => {
            let fields = routing::fields_with_scope(catalog);
            let known = current.and_then(|t| state.triage.known.get(&t.id));
            let items = routing::field_items(&fields, &rows, known);
            Picker::single(format!("Set a field of {count}"), items)
        }
        PickKind::Macro | PickKind::Reply | PickKind::Command => return None,
    })
}

/// Status picker keys: the status id, or `category:<name>` without ids.
fn status_key(t: &Ticket) -> String {
    match t.status_id {
        Some(id) => id.to_string(),
        None => format!("category:{}", t.status.as_str()),
    }
}

fn priority_key(t: &Ticket) -> String {
    match t.priority_id {
        Some(id) => id.to_string(),
        None => format!("level:{}", t.priority.as_str()),
    }
}

/// The workspace's statuses under their category headings, named and
/// ordered as the filter panes show them ("Open", "In progress", …;
/// statuses by name within a category), in their colors; just the five
/// categories when the server has no `/statuses`.
fn status_items(catalog: Option<&Catalog>) -> Vec<PickItem> {
    let statuses = catalog.map(Catalog::statuses).unwrap_or_default();
    if statuses.is_empty() {
        return StatusCategory::KNOWN
            .iter()
            .map(|c| PickItem::new(format!("category:{}", c.as_str()), &wire_label(c.as_str())))
            .collect();
    }
    let mut items = Vec::new();
    let mut add = |category: &StatusCategory| {
        let mut of: Vec<_> = statuses
            .iter()
            .filter(|s| &s.category == category)
            .collect();
        of.sort_by(|a, b| a.name.cmp(&b.name));
        for s in of {
            items.push(
                PickItem::new(s.id.to_string(), &s.name)
                    .color(s.color.as_deref())
                    .group(&wire_label(category.as_str())),
            );
        }
    };
    for category in StatusCategory::KNOWN {
        add(category);
    }
    // Categories this client does not know still get listed, last.
    let mut others: Vec<&StatusCategory> = Vec::new();
    for s in statuses {
        if !StatusCategory::KNOWN.contains(&s.category) && !others.contains(&&s.category) {
            others.push(&s.category);
        }
    }
    for category in others {
        add(category);
    }
    items
}

/// Most urgent first, as the priority pane lists them.
fn priority_items(catalog: Option<&Catalog>) -> Vec<PickItem> {
    let mut priorities = catalog
        .map(Catalog::priorities)
        .unwrap_or_default()
        .to_vec();
    if priorities.is_empty() {
        return PriorityLevel::KNOWN
            .iter()
            .rev()
            .map(|l| PickItem::new(format!("level:{}", l.as_str()), &wire_label(l.as_str())))
            .collect();
    }
    // Stable: within a level, the workspace's own order.
    priorities.sort_by_key(|p| std::cmp::Reverse(p.level.rank()));
    // The level as a note when the name does not say it ("On fire ·
    // urgent"), so typing the level finds a custom name too.
    priorities
        .iter()
        .map(|p| {
            let item = PickItem::new(p.id.to_string(), &p.name).color(p.color.as_deref());
            if p.name.eq_ignore_ascii_case(p.level.as_str()) {
                item
            } else {
                item.note(p.level.as_str())
            }
        })
        .collect()
}

fn assignee_items(catalog: Option<&Catalog>, me: Option<Uuid>) -> Vec<PickItem> {
    // The workspace's agents; without `/users`, the config's user aliases.
    let mut people: Vec<(Uuid, String, Option<String>)> = match catalog {
        Some(c) if !c.users().is_empty() => c
            .users()
            .iter()
            .map(|u| (u.id, u.name.clone(), u.email.clone()))
            .collect(),
        Some(c) => c
            .aliases()
            .users
            .iter()
            .map(|(name, id)| (*id, name.clone(), None))
            .collect(),
        None => Vec::new(),
    };
    // Me first, after "Unassigned": the most common pick.
    if let Some(pos) = people.iter().position(|(id, _, _)| Some(*id) == me) {
        let mine = people.remove(pos);
        people.insert(0, mine);
    }
    let mut items = vec![PickItem::new("none", "Unassigned")];
    items.extend(people.into_iter().map(|(id, name, email)| {
        let note = match (Some(id) == me, email) {
            (true, Some(e)) => format!("me · {e}"),
            (true, None) => "me".into(),
            (false, Some(e)) => e,
            (false, None) => String::new(),
        };
        PickItem::new(id.to_string(), &name).note(&note)
    }));
    items
}

/// The `me` user as an id, through the catalog when given by name.
pub(super) fn me_id(state: &State, catalog: Option<&Catalog>) -> Option<Uuid> {
    match state.me.as_ref()? {
        EntityRef::Id(id) => Some(*id),
        EntityRef::Name(name) => catalog.and_then(|c| c.user_id(name)),
    }
}

/// Turns a picked key back into the change it stands for.
pub(super) fn change_for(kind: PickKind, key: &str, catalog: Option<&Catalog>) -> Option<Change> {
    match kind {
        PickKind::Status => {
            if let Some(cat) = key.strip_prefix("category:") {
                let category = StatusCategory::parse_known(cat)?;
                return Some(Change::Status(StatusChoice {
                    id: None,
                    category,
                    name: String::new(),
                    color: None,
                }));
            }
            let id = Uuid::parse_str(key).ok()?;
            let s = catalog?.status(id)?;
            Some(Change::Status(status_choice(s)))
        }
        PickKind::Priority => {
            if let Some(level) = key.strip_prefix("level:") {
                return Some(Change::Priority(PriorityChoice {
                    id: None,
                    level: PriorityLevel::parse_known(level)?,
                    name: String::new(),
                    color: None,
                }));
            }
            let id = Uuid::parse_str(key).ok()?;
            let p = catalog?.priority(id)?;
            Some(Change::Priority(PriorityChoice {
                id: Some(p.id),
                level: p.level.clone(),
                name: p.name.clone(),
                color: p.color.clone(),
            }))
        }
        PickKind::Assign => {
            if key == "none" {
                return Some(Change::Assign {
                    id: None,
                    name: "unassigned".into(),
                });
            }
            let id = Uuid::parse_str(key).ok()?;
            let name = catalog
                .and_then(|c| c.user_name(id))
                .map(|n| sanitize(n).into_owned())
                .unwrap_or_else(|| id.to_string()[..8].to_string());
            Some(Change::Assign { id: Some(id), name })
        }
        PickKind::Inbox => super::routing::inbox_change(key, catalog),
        // Several keys (tags) or an editor to follow (fields).
        PickKind::Tags
        | PickKind::Field
        | PickKind::Macro
        | PickKind::Reply
        | PickKind::Command => None,
    }
}

pub(super) fn status_choice(s: &crate::api::types::Status) -> StatusChoice {
    StatusChoice {
        id: Some(s.id),
        category: s.category.clone(),
        name: s.name.clone(),
        color: s.color.clone(),
    }
}
