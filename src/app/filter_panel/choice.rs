//! What one row of a list pane stands for, and how choosing it edits the
//! draft filter. Picked entities are stored by name when that name leads
//! back to the same id (so the header and saved views read well), by id
//! otherwise (so a duplicate or odd name can never pick the wrong one).

use uuid::Uuid;

use crate::filter::{AssigneeFilter, EntityRef, NameKind, Resolver, TicketFilter};
use crate::model::{PriorityLevel, StatusCategory};

/// A value a list pane offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    Status(StatusCategory),
    Priority(PriorityLevel),
    Unassigned,
    /// The `me` user of the config.
    Me(EntityRef),
    User {
        id: Uuid,
        name: String,
    },
    Inbox {
        id: Uuid,
        name: String,
    },
    Tag {
        id: Uuid,
        name: String,
    },
}

/// The id an entity reference stands for, if it can be told.
pub fn ref_id(resolver: &dyn Resolver, kind: NameKind, r: &EntityRef) -> Option<Uuid> {
    match r {
        EntityRef::Id(id) => Some(*id),
        EntityRef::Name(name) => resolver
            .id_of(kind, name)
            .or_else(|| Uuid::parse_str(name.trim()).ok()),
    }
}

/// Same entity: equal refs, or both resolving to one id.
fn same(resolver: &dyn Resolver, kind: NameKind, a: &EntityRef, b: &EntityRef) -> bool {
    a == b
        || matches!(
            (ref_id(resolver, kind, a), ref_id(resolver, kind, b)),
            (Some(x), Some(y)) if x == y
        )
}

/// The reference stored for a picked entity.
pub fn entity_ref(resolver: &dyn Resolver, kind: NameKind, id: Uuid, name: &str) -> EntityRef {
    if !name.trim().is_empty() && resolver.id_of(kind, name) == Some(id) {
        EntityRef::Name(name.to_string())
    } else {
        EntityRef::Id(id)
    }
}

impl Choice {
    /// The picker key: one per value the filter can hold.
    pub fn key(&self) -> String {
        match self {
            Choice::Status(s) => format!("status:{s}"),
            Choice::Priority(p) => format!("priority:{p}"),
            Choice::Unassigned => "unassigned".into(),
            Choice::Me(_) => "me".into(),
            Choice::User { id, .. } => format!("user:{id}"),
            Choice::Inbox { id, .. } => format!("inbox:{id}"),
            Choice::Tag { id, .. } => format!("tag:{id}"),
        }
    }

    fn as_ref(&self, resolver: &dyn Resolver) -> Option<(NameKind, EntityRef)> {
        match self {
            Choice::User { id, name } => Some((
                NameKind::User,
                entity_ref(resolver, NameKind::User, *id, name),
            )),
            Choice::Inbox { id, name } => Some((
                NameKind::Inbox,
                entity_ref(resolver, NameKind::Inbox, *id, name),
            )),
            Choice::Tag { id, name } => Some((
                NameKind::Tag,
                entity_ref(resolver, NameKind::Tag, *id, name),
            )),
            Choice::Me(r) => Some((NameKind::User, r.clone())),
            _ => None,
        }
    }

    /// True when the draft has this value.
    pub fn is_chosen(&self, draft: &TicketFilter, resolver: &dyn Resolver) -> bool {
        match self {
            Choice::Status(s) => draft.statuses.contains(s),
            Choice::Priority(p) => draft.priority.as_ref() == Some(p),
            Choice::Unassigned => draft.assignee == Some(AssigneeFilter::Unassigned),
            Choice::Me(_) | Choice::User { .. } => match (&draft.assignee, self.as_ref(resolver)) {
                (Some(AssigneeFilter::User(have)), Some((kind, want))) => {
                    same(resolver, kind, have, &want)
                }
                _ => false,
            },
            Choice::Inbox { .. } => match (&draft.inbox, self.as_ref(resolver)) {
                (Some(have), Some((kind, want))) => same(resolver, kind, have, &want),
                _ => false,
            },
            Choice::Tag { .. } => match self.as_ref(resolver) {
                Some((kind, want)) => draft.tags.iter().any(|t| same(resolver, kind, t, &want)),
                None => false,
            },
        }
    }

    /// `Space`: statuses and tags are added or removed (many at once); the
    /// one-value filters are set, or cleared when already set to this.
    pub fn toggle(&self, draft: &mut TicketFilter, resolver: &dyn Resolver) {
        let chosen = self.is_chosen(draft, resolver);
        match self {
            Choice::Status(s) => {
                if !draft.remove_status(s) {
                    draft.add_status(s.clone());
                }
            }
            Choice::Priority(p) => draft.priority = (!chosen).then(|| p.clone()),
            Choice::Unassigned => {
                draft.assignee = (!chosen).then_some(AssigneeFilter::Unassigned);
            }
            Choice::Me(_) | Choice::User { .. } => {
                draft.assignee = match self.as_ref(resolver) {
                    Some((_, r)) if !chosen => Some(AssigneeFilter::User(r)),
                    _ => None,
                };
            }
            Choice::Inbox { .. } => {
                draft.inbox = match self.as_ref(resolver) {
                    Some((_, r)) if !chosen => Some(r),
                    _ => None,
                };
            }
            Choice::Tag { .. } => {
                if let Some((kind, want)) = self.as_ref(resolver) {
                    if chosen {
                        draft.tags.retain(|t| !same(resolver, kind, t, &want));
                    } else {
                        draft.add_tag(want);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::Aliases;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn aliases() -> Aliases {
        let mut a = Aliases::default();
        a.tags.insert("billing".into(), id(1));
        a.users.insert("Ana Lima".into(), id(20));
        a
    }

    #[test]
    fn named_when_the_name_leads_back_else_by_id() {
        let a = aliases();
        assert_eq!(
            entity_ref(&a, NameKind::Tag, id(1), "billing"),
            EntityRef::Name("billing".into())
        );
        // Another tag's name, or no name: the id.
        assert_eq!(
            entity_ref(&a, NameKind::Tag, id(2), "billing"),
            EntityRef::Id(id(2))
        );
        assert_eq!(
            entity_ref(&a, NameKind::Tag, id(3), ""),
            EntityRef::Id(id(3))
        );
    }

    #[test]
    fn a_name_in_the_filter_marks_its_row() {
        let a = aliases();
        let mut f = TicketFilter {
            tags: vec![EntityRef::Id(id(1))],
            ..TicketFilter::default()
        };
        let billing = Choice::Tag {
            id: id(1),
            name: "billing".into(),
        };
        assert!(billing.is_chosen(&f, &a));
        billing.toggle(&mut f, &a);
        assert!(f.tags.is_empty());
        billing.toggle(&mut f, &a);
        assert_eq!(f.tags, vec![EntityRef::Name("billing".into())]);
    }

    #[test]
    fn one_assignee_at_a_time() {
        let a = aliases();
        let mut f = TicketFilter::default();
        let ana = Choice::User {
            id: id(20),
            name: "Ana Lima".into(),
        };
        let me = Choice::Me(EntityRef::Name("ana lima".into()));
        Choice::Unassigned.toggle(&mut f, &a);
        assert_eq!(f.assignee, Some(AssigneeFilter::Unassigned));
        ana.toggle(&mut f, &a);
        assert!(!Choice::Unassigned.is_chosen(&f, &a));
        // "Me" is Ana here: both rows show it.
        assert!(me.is_chosen(&f, &a));
        me.toggle(&mut f, &a);
        assert_eq!(f.assignee, None);
    }
}
