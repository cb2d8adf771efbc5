//! The live activity of `triage serve --new-every SECS` and `triage demo
//! --live`: a ticket arrives every SECS seconds, and halfway between two
//! arrivals a contact replies on an existing ticket, so that a client
//! polling `sort=updated_at` sees both kinds of change. Events alternate,
//! arrival first; [`ServerState::step_activity`] makes the next one, and the
//! timer in [`run`] is all that calls it outside tests.
//!
//! Texts come from the generator's word lists, timestamps from the
//! server's clock (`config.now` plus uptime), which is after every
//! generated timestamp. The data and its index change under one write lock.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::prelude::*;
use uuid::Uuid;

use super::conversation::{Conversation, opening};
use super::data::{Dataset, ServerMessage, ServerTicket};
use super::generate::{Words, filled, new_id, pick, weighted_level};
use super::state::ServerState;
use crate::api::types::{AuthorType, StatusCategory};

/// What one step of the activity did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityEvent {
    /// A new ticket, with this id.
    Arrived(Uuid),
    /// A contact's reply on the ticket with this id.
    Replied(Uuid),
}

/// The activity's own random stream, so that the same seed gives the same
/// sequence of events whatever the requests in between.
pub(crate) struct Activity {
    rng: StdRng,
    arrival_next: bool,
}

impl Activity {
    pub(crate) fn new(seed: u64) -> Activity {
        Activity {
            // Apart from the dataset's stream, which starts from `seed` itself.
            rng: StdRng::seed_from_u64(seed ^ 0x5eed_11fe),
            arrival_next: true,
        }
    }
}

/// Makes an event every half `every`, the first (an arrival) `every` after
/// the server's clock started (not after this task is first polled, which
/// may be later). Runs until its task is dropped with the server.
pub(crate) async fn run(state: Arc<ServerState>, every: Duration) {
    // A pace past a day is a typo; unbounded, `started + every` overflows.
    let every = every.min(super::MAX_NEW_EVERY);
    let half = (every / 2).max(Duration::from_millis(1));
    let mut ticks = tokio::time::interval_at(state.started + every, half);
    // A server that was busy makes its event late rather than a burst.
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        state.step_activity();
    }
}

impl ServerState {
    /// The next event of the activity (an arrival, then a reply, and so
    /// on), stamped with the server's clock. `None` when the data has
    /// nothing to make it from (no status, priority, inbox or ticket).
    pub fn step_activity(&self) -> Option<ActivityEvent> {
        let now = self.clock();
        let mut activity = self.activity.lock().unwrap_or_else(|e| e.into_inner());
        let arrival = activity.arrival_next;
        activity.arrival_next = !arrival;
        let mut guard = self.write();
        let store = &mut *guard;
        if arrival {
            let ticket = new_ticket(&mut activity.rng, &store.data, now)?;
            let id = ticket.id;
            store.data.tickets.push(ticket);
            store.index.ticket_appended(&store.data);
            Some(ActivityEvent::Arrived(id))
        } else {
            let pos = contact_replies(&mut activity.rng, &mut store.data, now)?;
            store.index.ticket_text_grew(&store.data, pos);
            Some(ActivityEvent::Replied(store.data.tickets[pos].id))
        }
    }
}

fn open_status_ids(data: &Dataset) -> Vec<Uuid> {
    data.statuses
        .iter()
        .filter(|s| s.category == StatusCategory::Open)
        .map(|s| s.id)
        .collect()
}

/// A ticket as a customer opens it: open, unassigned, one message.
fn new_ticket(rng: &mut StdRng, data: &Dataset, now: DateTime<Utc>) -> Option<ServerTicket> {
    let w = Words::shared();
    let status_id = *open_status_ids(data).choose(rng)?;
    let level = weighted_level(rng);
    let priority = data
        .priorities
        .iter()
        .find(|p| p.level == level)
        .or_else(|| data.priorities.first())?;
    let inbox_id = data.inboxes.choose(rng)?.id;
    let contact = data.contacts.choose(rng);
    let template = pick(rng, &w.subjects);
    let subject = filled(rng, w, template);
    let tag_count = rng.random_range(0..=2);
    let mut tag_ids: Vec<Uuid> = data.tags.sample(rng, tag_count).map(|t| t.id).collect();
    tag_ids.sort();
    let first_message = ServerMessage {
        id: new_id(rng),
        author_name: contact.map(|c| Arc::from(c.name.as_str())),
        author_type: AuthorType::Contact,
        body: opening(rng, w),
        created_at: now,
    };
    let ticket_number = data
        .tickets
        .iter()
        .map(|t| t.ticket_number)
        .max()
        .unwrap_or(0)
        + 1;
    Some(ServerTicket {
        id: new_id(rng),
        ticket_number,
        subject,
        body: String::new(),
        inbox_id,
        status_id,
        priority_id: priority.id,
        assignee_id: None,
        contact_id: contact.map(|c| c.id),
        remind_at: None,
        remind_transition_status_id: None,
        created_at: now,
        updated_at: now,
        tag_ids,
        custom_fields: Default::default(),
        messages: Conversation::Stored(vec![first_message]),
    })
}

/// A contact writes again on a random ticket of theirs; a ticket that was
/// waiting, resolved or closed opens again, as a reply does in the product.
/// Answers the ticket's position.
fn contact_replies(rng: &mut StdRng, data: &mut Dataset, now: DateTime<Utc>) -> Option<usize> {
    let w = Words::shared();
    let with_contact: Vec<usize> = (0..data.tickets.len())
        .filter(|&i| data.tickets[i].contact_id.is_some())
        .collect();
    let pos = *with_contact.choose(rng)?;
    let t = &data.tickets[pos];
    let author_name = data
        .contacts
        .iter()
        .find(|c| Some(c.id) == t.contact_id)
        .map(|c| Arc::from(c.name.as_str()));
    let still_open = matches!(
        data.category_of(t),
        StatusCategory::Open | StatusCategory::InProgress
    );
    let reopened_as = if still_open {
        None
    } else {
        open_status_ids(data).choose(rng).copied()
    };
    let template = pick(rng, &w.contact_replies);
    let reply = ServerMessage {
        id: new_id(rng),
        author_name,
        author_type: AuthorType::Contact,
        body: filled(rng, w, template),
        created_at: now,
    };
    let t = &mut data.tickets[pos];
    let mut messages = t.messages.to_vec();
    messages.push(reply);
    t.messages = Conversation::Stored(messages);
    if let Some(status_id) = reopened_as {
        t.status_id = status_id;
        t.remind_at = None;
        t.remind_transition_status_id = None;
    }
    t.updated_at = t.updated_at.max(now);
    Some(pos)
}
