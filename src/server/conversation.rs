//! A ticket's conversation. Generated tickets keep a recipe (a seed, the
//! time span, who speaks) and write their messages out again on every
//! read: kept as records and text, the 350 000 messages of 100 000 tickets
//! were about 60 MB, a third of the server's memory. The same recipe always
//! writes the same messages, ids included, so repeated reads agree.
//! Messages planted by tests (or written at runtime) are kept as they are.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use rand::prelude::*;

use super::data::ServerMessage;
use super::generate::{Words, fill, new_id, pick};
use crate::api::types::AuthorType;

/// Everyone a generated conversation can quote by name, shared by all the
/// tickets of one dataset.
#[derive(Debug, PartialEq)]
pub struct Voices {
    pub agents: Vec<Arc<str>>,
    pub contacts: Vec<Arc<str>>,
}

/// What a generated conversation is written from.
#[derive(Clone, PartialEq)]
pub struct ConversationRecipe {
    pub voices: Arc<Voices>,
    pub seed: u64,
    /// Index in `voices.contacts` of the contact who opened the ticket.
    pub contact: Option<u32>,
    /// The first message is at `opened` or after, the last one at `last`.
    pub opened: DateTime<Utc>,
    pub last: DateTime<Utc>,
    /// 1 or more: the first message is the contact's opening text.
    pub count: u8,
}

impl fmt::Debug for ConversationRecipe {
    /// Without the voices: thousands of names per ticket otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConversationRecipe")
            .field("seed", &self.seed)
            .field("contact", &self.contact)
            .field("opened", &self.opened)
            .field("last", &self.last)
            .field("count", &self.count)
            .finish()
    }
}

impl ConversationRecipe {
    /// The messages, oldest first; the same every time.
    pub fn write(&self) -> Vec<ServerMessage> {
        let words = Words::shared();
        let mut rng = StdRng::seed_from_u64(self.seed);
        let count = usize::from(self.count);
        let contact = self
            .contact
            .and_then(|i| self.voices.contacts.get(i as usize).cloned());
        let step = (self.last - self.opened).num_seconds().max(1) / count.max(1) as i64;
        (0..count)
            .map(|m| {
                let created_at = if m + 1 == count {
                    self.last
                } else {
                    self.opened
                        + Duration::seconds(step * m as i64 + rng.random_range(0..step.max(1)))
                };
                let (author_type, author_name, body) = if m == 0 {
                    (
                        AuthorType::Contact,
                        contact.clone(),
                        opening(&mut rng, words),
                    )
                } else {
                    self.reply(&mut rng, words, &contact)
                };
                ServerMessage {
                    id: new_id(&mut rng),
                    author_name,
                    author_type,
                    body,
                    created_at,
                }
            })
            .collect()
    }

    /// An agent's reply, the contact's, or an internal note.
    fn reply(
        &self,
        rng: &mut StdRng,
        words: &Words,
        contact: &Option<Arc<str>>,
    ) -> (AuthorType, Option<Arc<str>>, String) {
        let agent = self.voices.agents.choose(rng).cloned();
        let (author_type, pool) = match rng.random_range(0..10) {
            0..4 => (AuthorType::Agent, &words.agent_replies),
            4..8 => (AuthorType::Contact, &words.contact_replies),
            _ => (AuthorType::Note, &words.notes),
        };
        let template = pick(rng, pool);
        let name = if author_type == AuthorType::Contact {
            contact.clone()
        } else {
            agent
        };
        let mut body = String::new();
        fill(rng, words, template, &mut body);
        (author_type, name, body)
    }
}

/// The contact's first message: one to three sentences.
pub(super) fn opening(rng: &mut StdRng, words: &Words) -> String {
    let mut body = String::with_capacity(200);
    for s in 0..rng.random_range(1..=3) {
        if s > 0 {
            body.push(' ');
        }
        let template = pick(rng, &words.sentences);
        fill(rng, words, template, &mut body);
    }
    body
}

/// A ticket's messages, oldest first.
#[derive(Debug, Clone)]
pub enum Conversation {
    /// Written out from its recipe on every read.
    Generated(ConversationRecipe),
    /// Kept as given.
    Stored(Vec<ServerMessage>),
}

impl Default for Conversation {
    fn default() -> Self {
        Conversation::Stored(Vec::new())
    }
}

impl Conversation {
    pub fn len(&self) -> usize {
        match self {
            Conversation::Generated(recipe) => usize::from(recipe.count),
            Conversation::Stored(messages) => messages.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every message, oldest first (a copy: a generated conversation has no
    /// messages to lend).
    pub fn to_vec(&self) -> Vec<ServerMessage> {
        match self {
            Conversation::Generated(recipe) => recipe.write(),
            Conversation::Stored(messages) => messages.clone(),
        }
    }

    pub fn iter(&self) -> std::vec::IntoIter<ServerMessage> {
        self.to_vec().into_iter()
    }

    /// The message bodies, oldest first: what search reads. Stored bodies
    /// are lent, not copied.
    pub fn bodies(&self) -> Vec<Cow<'_, str>> {
        match self {
            Conversation::Generated(recipe) => recipe
                .write()
                .into_iter()
                .map(|m| Cow::Owned(m.body))
                .collect(),
            Conversation::Stored(messages) => messages
                .iter()
                .map(|m| Cow::Borrowed(m.body.as_str()))
                .collect(),
        }
    }
}

impl PartialEq for Conversation {
    /// Equal when they hold the same messages, however they keep them.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Conversation::Generated(a), Conversation::Generated(b)) if a == b => true,
            (Conversation::Stored(a), Conversation::Stored(b)) => a == b,
            _ => self.to_vec() == other.to_vec(),
        }
    }
}

impl FromIterator<ServerMessage> for Conversation {
    fn from_iter<I: IntoIterator<Item = ServerMessage>>(messages: I) -> Self {
        Conversation::Stored(messages.into_iter().collect())
    }
}

impl From<Vec<ServerMessage>> for Conversation {
    fn from(messages: Vec<ServerMessage>) -> Self {
        Conversation::Stored(messages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::generate::generate;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap()
    }

    #[test]
    fn a_generated_conversation_reads_the_same_every_time() {
        let data = generate(200, 3, now());
        for t in &data.tickets {
            let Conversation::Generated(recipe) = &t.messages else {
                panic!("generated tickets keep a recipe");
            };
            let first = t.messages.to_vec();
            assert_eq!(first, t.messages.to_vec());
            assert_eq!(first.len(), t.messages.len());
            assert!((1..=6).contains(&first.len()));
            let bodies: Vec<String> = first.iter().map(|m| m.body.clone()).collect();
            assert_eq!(t.messages.bodies(), bodies);
            assert!(first.iter().all(|m| !m.body.is_empty()));
            assert_eq!(first[0].author_type, AuthorType::Contact);
            assert_eq!(first.last().map(|m| m.created_at), Some(recipe.last));
            assert!(first.iter().all(|m| m.created_at >= recipe.opened));
        }
        let mut ids: Vec<_> = data
            .tickets
            .iter()
            .flat_map(|t| t.messages.iter().map(|m| m.id))
            .collect();
        let all = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all, "message ids are unique");
    }

    #[test]
    fn conversations_are_equal_by_their_messages() {
        let data = generate(5, 3, now());
        let generated = &data.tickets[0].messages;
        let stored: Conversation = generated.iter().collect();
        assert!(matches!(stored, Conversation::Stored(_)));
        assert_eq!(&stored, generated);
        assert_ne!(&data.tickets[1].messages, generated);
        assert_ne!(&Conversation::default(), generated);
    }
}
