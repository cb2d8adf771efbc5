//! How names in a filter (tags, inboxes, users, field options) become UUIDs.
//! The live catalog (`api::catalog`) implements [`Resolver`] from the
//! companion endpoints and falls back to [`Aliases`] from the config file.

use std::collections::BTreeMap;

use serde::Deserialize;
use uuid::Uuid;

use crate::model::FieldType;

/// What the filter needs to know of one custom field to build its parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSpec {
    pub field_type: FieldType,
    /// `(label, option id)` for select and multi_select fields.
    pub options: Vec<(String, Uuid)>,
}

impl FieldSpec {
    /// Option id by label, case-insensitively.
    pub fn option_id(&self, label: &str) -> Option<Uuid> {
        self.options
            .iter()
            .find(|(l, _)| {
                l.eq_ignore_ascii_case(label) || l.to_lowercase() == label.to_lowercase()
            })
            .map(|(_, id)| *id)
    }
}

/// The kinds of named entity a filter refers to, for lookups and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameKind {
    Tag,
    Inbox,
    User,
}

impl NameKind {
    /// The word used in messages: "unknown tag 'x'".
    pub fn noun(self) -> &'static str {
        match self {
            NameKind::Tag => "tag",
            NameKind::Inbox => "inbox",
            NameKind::User => "user",
        }
    }
}

/// Name lookups. Names match case-insensitively; `None` means unknown.
pub trait Resolver {
    fn tag_id(&self, name: &str) -> Option<Uuid>;
    fn inbox_id(&self, name: &str) -> Option<Uuid>;
    fn user_id(&self, name: &str) -> Option<Uuid>;
    fn field(&self, key: &str) -> Option<FieldSpec>;

    /// Every name this resolver knows for `kind`, for "unknown tag 'x'
    /// (known: …)" messages and completion. Empty when it cannot tell.
    fn known_names(&self, kind: NameKind) -> Vec<String> {
        let _ = kind;
        Vec::new()
    }

    /// Looks a name up by kind; the one entry point the query builder uses.
    fn id_of(&self, kind: NameKind, name: &str) -> Option<Uuid> {
        match kind {
            NameKind::Tag => self.tag_id(name),
            NameKind::Inbox => self.inbox_id(name),
            NameKind::User => self.user_id(name),
        }
    }
}

/// Names from the `[aliases]` tables of the config file, for servers that
/// lack the companion endpoints.
// Unknown keys are the config loader's to report (as warnings, with line
// and column), not a reason to refuse the whole file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Aliases {
    pub tags: BTreeMap<String, Uuid>,
    pub inboxes: BTreeMap<String, Uuid>,
    pub users: BTreeMap<String, Uuid>,
    pub fields: BTreeMap<String, FieldAlias>,
}

/// `[aliases.fields.plan] type = "select", options = { Enterprise = "uuid" }`
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FieldAlias {
    #[serde(rename = "type")]
    pub field_type: FieldType,
    #[serde(default)]
    pub options: BTreeMap<String, Uuid>,
}

fn lookup(map: &BTreeMap<String, Uuid>, name: &str) -> Option<Uuid> {
    map.get(name).copied().or_else(|| {
        let wanted = name.to_lowercase();
        map.iter()
            .find(|(k, _)| k.to_lowercase() == wanted)
            .map(|(_, v)| *v)
    })
}

impl Resolver for Aliases {
    fn tag_id(&self, name: &str) -> Option<Uuid> {
        lookup(&self.tags, name)
    }
    fn inbox_id(&self, name: &str) -> Option<Uuid> {
        lookup(&self.inboxes, name)
    }
    fn user_id(&self, name: &str) -> Option<Uuid> {
        lookup(&self.users, name)
    }
    fn known_names(&self, kind: NameKind) -> Vec<String> {
        let map = match kind {
            NameKind::Tag => &self.tags,
            NameKind::Inbox => &self.inboxes,
            NameKind::User => &self.users,
        };
        map.keys().cloned().collect()
    }
    fn field(&self, key: &str) -> Option<FieldSpec> {
        self.fields.get(key).map(|a| FieldSpec {
            field_type: a.field_type.clone(),
            options: a.options.iter().map(|(l, id)| (l.clone(), *id)).collect(),
        })
    }
}
