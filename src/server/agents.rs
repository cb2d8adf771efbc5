//! Simulated colleagues for `triage serve --agents N` and `triage demo
//! --team`: N other agents who, in turn, change the status of, take, or
//! reply to one of the tickets at the top of the queue (the most recently
//! updated ones still open), so that collisions (a 412 on a write, a reply
//! stopped by the traffic cop) can be seen without a real team.
//!
//! The agents are the workspace's users after the first, who is the
//! demo's own "me". Their random stream is their own, so the same seed
//! gives the same sequence of actions whatever the requests in between.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::prelude::*;
use uuid::Uuid;

use super::conversation::Conversation;
use super::data::{Dataset, ServerMessage};
use super::generate::{Words, filled, new_id, pick};
use super::state::ServerState;
use crate::api::types::{AuthorType, StatusCategory};

/// How many agents, and how often each of them acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentsConfig {
    pub count: usize,
    /// Each agent acts once per `every`; the team together acts every
    /// `every / count`, in turn.
    pub every: Duration,
}

/// How many of the top of the queue an agent chooses among.
pub const TOP: usize = 8;

/// What one agent did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentEvent {
    pub agent: Uuid,
    pub ticket: Uuid,
    pub action: AgentAction,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentAction {
    /// Set the ticket to this status.
    Status(Uuid),
    /// Assigned the ticket to themself.
    Took,
    /// Replied to the customer.
    Replied,
}

pub(crate) struct Team {
    rng: StdRng,
    turn: usize,
}

impl Team {
    pub(crate) fn new(seed: u64) -> Team {
        Team {
            rng: StdRng::seed_from_u64(seed ^ 0x7ea4_a6e7),
            turn: 0,
        }
    }
}

/// One agent acts every `every / count`, the first one tick after the
/// server's clock started. Runs until its task is dropped with the server.
pub(crate) async fn run(state: Arc<ServerState>, config: AgentsConfig) {
    let count = u32::try_from(config.count.max(1)).unwrap_or(u32::MAX);
    let tick = (config.every / count).max(Duration::from_millis(10));
    let mut ticks = tokio::time::interval_at(state.started + tick, tick);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        state.step_agents();
    }
}

impl ServerState {
    /// The next agent in turn acts on a ticket at the top of the queue,
    /// stamped with the server's clock. `None` without agents configured,
    /// without users besides the first, or without an open ticket.
    pub fn step_agents(&self) -> Option<AgentEvent> {
        let count = self.config.agents.map_or(0, |a| a.count);
        if count == 0 {
            return None;
        }
        let now = self.clock();
        let mut team = self.team.lock().unwrap_or_else(|e| e.into_inner());
        let mut guard = self.write();
        let store = &mut *guard;
        let agents: Vec<(Uuid, String)> = store
            .data
            .users
            .iter()
            .skip(1)
            .take(count)
            .map(|u| (u.id, u.name.clone()))
            .collect();
        if agents.is_empty() {
            return None;
        }
        let (agent, agent_name) = agents[team.turn % agents.len()].clone();
        team.turn = team.turn.wrapping_add(1);
        let pos = *top_of_queue(&store.data).choose(&mut team.rng)?;
        let action = act(&mut team.rng, &mut store.data, pos, agent, &agent_name, now)?;
        if action == AgentAction::Replied {
            store.index.ticket_text_grew(&store.data, pos);
        } else {
            store.index.ticket_changed(&store.data, pos);
        }
        Some(AgentEvent {
            agent,
            ticket: store.data.tickets[pos].id,
            action,
        })
    }
}

/// Positions of the [`TOP`] most recently updated tickets still open or
/// in progress: what an agent sees first in the default order.
fn top_of_queue(data: &Dataset) -> Vec<usize> {
    let mut open: Vec<usize> = (0..data.tickets.len())
        .filter(|&i| {
            matches!(
                data.category_of(&data.tickets[i]),
                StatusCategory::Open | StatusCategory::InProgress
            )
        })
        .collect();
    open.sort_by_key(|&i| std::cmp::Reverse(data.tickets[i].updated_at));
    open.truncate(TOP);
    open
}

fn act(
    rng: &mut StdRng,
    data: &mut Dataset,
    pos: usize,
    agent: Uuid,
    agent_name: &str,
    now: DateTime<Utc>,
) -> Option<AgentAction> {
    let current_status = data.tickets[pos].status_id;
    let other_statuses: Vec<Uuid> = data
        .statuses
        .iter()
        .filter(|s| s.id != current_status && s.category != StatusCategory::Closed)
        .map(|s| s.id)
        .collect();
    let mut choice = rng.random_range(0..3u8);
    if choice == 1 && data.tickets[pos].assignee_id == Some(agent) {
        choice = 2;
    }
    let t = &mut data.tickets[pos];
    let action = match choice {
        0 => {
            let status = *other_statuses.choose(rng)?;
            t.status_id = status;
            t.remind_at = None;
            t.remind_transition_status_id = None;
            AgentAction::Status(status)
        }
        1 => {
            t.assignee_id = Some(agent);
            AgentAction::Took
        }
        _ => {
            let w = Words::shared();
            let template = pick(rng, &w.agent_replies);
            let reply = ServerMessage {
                id: new_id(rng),
                author_name: Some(Arc::from(agent_name)),
                author_type: AuthorType::Agent,
                body: filled(rng, w, template),
                created_at: now,
            };
            let mut messages = t.messages.to_vec();
            messages.push(reply);
            t.messages = Conversation::Stored(messages);
            AgentAction::Replied
        }
    };
    t.updated_at = t.updated_at.max(now);
    Some(action)
}
