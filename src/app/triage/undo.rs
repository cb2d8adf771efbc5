//! `U`: the last action (single or bulk) undone by sending the previous
//! values of the fields it changed, under the same rules as any write.

use super::change::{Change, Fields, restore, restore_extras, tickets};
use super::jobs::{Item, Job};
use super::known::Known;
use crate::api::types::Ticket;

/// What the last finished action changed, ticket by ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct UndoRecord {
    /// "Set to Urgent".
    pub label: String,
    pub fields: Fields,
    /// The action (tags and fields are undone from it, not from the row).
    pub change: Option<Change>,
    pub rows: Vec<UndoRow>,
}

/// One changed ticket: its row before, its row as the server answered,
/// and its tags and fields as known before.
#[derive(Debug, Clone, PartialEq)]
pub struct UndoRow {
    pub before: Ticket,
    pub after: Ticket,
    pub known: Known,
}

impl UndoRecord {
    /// "Undo 'Set to Urgent' on 23 tickets?".
    pub fn question(&self) -> String {
        format!("Undo '{}' on {}?", self.label, tickets(self.rows.len()))
    }

    /// The job that puts every row back; rows whose old value cannot be
    /// named to the server are left out (and counted).
    pub fn job(&self, current: impl Fn(&Ticket) -> Ticket) -> (Job, usize) {
        let mut items = Vec::new();
        let mut guards = Vec::new();
        let mut unnamed = 0;
        for row in &self.rows {
            // The freshest copy we hold is the "before" of the undo.
            let now = current(&row.after);
            let extras = match &self.change {
                Some(change) => restore_extras(change, &row.known),
                None => Some(Default::default()),
            };
            match (restore(&now, &row.before, self.fields), extras) {
                (Some((back, patch)), Some(extras)) => {
                    items.push(Item {
                        before: now,
                        after: back,
                        patch: patch.merged(extras),
                        known: Known::default(),
                    });
                    // What the server answered to the change undone: any
                    // later change, seen since or not, stops the undo.
                    guards.push(row.after.updated_at);
                }
                _ => unnamed += 1,
            }
        }
        let bulk = self.rows.len() > 1;
        let mut job = Job::new(
            0,
            format!("Undo: {}", lower_first(&self.label)),
            None,
            self.fields,
            items,
            bulk,
        );
        job.guards = guards;
        (job, unnamed)
    }
}

/// "Assign to Ada García" → "assign to Ada García": only the verb is
/// lowered; names stay as the workspace spells them.
fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
