//! What this session knows of a ticket beyond its list row: its tags and
//! custom field values, learned from its detail (`GET /tickets/{id}`) and
//! from PATCH answers. List rows carry neither, so this is all the tag
//! picker's "3/5" and an undo's "what it had before" can go on; where
//! nothing is known they say so rather than guess.

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::api::types::{Tag, TicketDetail, UpdatedTicket};
use crate::app::state::{Loadable, State};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Known {
    /// The ticket's tag ids, when seen.
    pub tags: Option<Vec<Uuid>>,
    /// The ticket's custom field values by key, when seen.
    pub fields: Option<Map<String, Value>>,
}

fn tag_ids(tags: &[Tag]) -> Vec<Uuid> {
    tags.iter().map(|t| t.id).collect()
}

/// A detail arrived: its tags and fields are what the ticket has now.
pub fn learn_detail(state: &mut State, detail: &TicketDetail) {
    state.triage.known.insert(
        detail.ticket.id,
        Known {
            tags: Some(tag_ids(&detail.tags)),
            fields: Some(detail.custom_fields.clone()),
        },
    );
}

/// A PATCH was answered: what it says of tags and fields replaces what was
/// known (what it leaves unsaid stays), and the open detail of that ticket
/// shows it at once. A row that lost a tag the filter asks for is dimmed.
pub fn learn_answer(state: &mut State, answer: &UpdatedTicket) {
    let id = answer.ticket.id;
    let known = state.triage.known.entry(id).or_default();
    if let Some(tags) = &answer.tags {
        known.tags = Some(tag_ids(tags));
    }
    if let Some(fields) = &answer.custom_fields {
        known.fields = Some(fields.clone());
    }
    if let Some(d) = state.detail.as_mut().filter(|d| d.ticket.id == id) {
        match &mut d.detail {
            Loadable::Loaded(detail) => {
                if let Some(tags) = &answer.tags {
                    detail.tags = tags.clone();
                }
                if let Some(fields) = &answer.custom_fields {
                    detail.custom_fields = fields.clone();
                }
            }
            // No detail to show (not loaded, or the server has no
            // `GET /tickets/{id}`): the answer, when it says both, is one.
            other => {
                if let (Some(tags), Some(fields)) = (&answer.tags, &answer.custom_fields) {
                    *other = Loadable::Loaded(TicketDetail {
                        ticket: answer.ticket.clone(),
                        tags: tags.clone(),
                        custom_fields: fields.clone(),
                    });
                }
            }
        }
    }
    if let Some(tags) = &answer.tags
        && !carries_filter_tags(state, tags)
    {
        state.triage.dimmed.insert(id, state.list.query_gen);
    }
}

/// Whether `tags` include every tag the list's filter asks for (a tag
/// name that cannot be resolved counts as carried: not dimmed by mistake).
fn carries_filter_tags(state: &State, tags: &[Tag]) -> bool {
    let catalog = state.names.catalog();
    state.list.filter.tags.iter().all(|want| match want {
        crate::filter::EntityRef::Id(id) => tags.iter().any(|t| t.id == *id),
        crate::filter::EntityRef::Name(name) => {
            match catalog.and_then(|c| crate::filter::Resolver::tag_id(c, name)) {
                Some(id) => tags.iter().any(|t| t.id == id),
                None => true,
            }
        }
    })
}
