//! What the workspace calls things: statuses, priorities, tags, inboxes,
//! users and custom fields, from the companion endpoints when the server
//! has them (CONTRACT.md §6), else learned from tickets or taken from the
//! config file's aliases.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::api::client::ApiClient;
use crate::api::endpoint::Endpoint;
use crate::api::error::ApiError;
use crate::api::types::{Inbox, Priority, Status, Tag, Ticket, TicketField, User};
use crate::filter::FilterError;
use crate::filter::resolve::{Aliases, FieldSpec, NameKind, Resolver};

/// What happened when an endpoint was asked.
#[derive(Debug, Clone, Default)]
pub enum EndpointState {
    /// Not asked yet (or not a catalog endpoint).
    #[default]
    Unknown,
    Loaded,
    /// Answered 404/405: the server lacks it; fall back for good.
    NotSupported,
    /// Failed for another reason (network, 401, 429, ...): worth retrying.
    Failed(ApiError),
}

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    statuses: Vec<Status>,
    priorities: Vec<Priority>,
    tags: Vec<Tag>,
    inboxes: Vec<Inbox>,
    users: Vec<User>,
    fields: Vec<TicketField>,
    states: BTreeMap<Endpoint, EndpointState>,
    aliases: Aliases,
}

/// Probes the six companion lists concurrently and keeps what answers.
/// Never fails as a whole: each endpoint's outcome is in [`Catalog::state`].
pub async fn load_catalog(client: &ApiClient, aliases: &Aliases) -> Catalog {
    let (statuses, priorities, tags, inboxes, users, fields) = tokio::join!(
        client.statuses(),
        client.priorities(),
        client.tags(),
        client.inboxes(),
        client.users(),
        client.ticket_fields(),
    );
    let mut catalog = Catalog::from_aliases(aliases.clone());
    catalog.statuses = catalog.take(Endpoint::Statuses, statuses);
    catalog.priorities = catalog.take(Endpoint::Priorities, priorities);
    catalog.tags = catalog.take(Endpoint::Tags, tags);
    catalog.inboxes = catalog.take(Endpoint::Inboxes, inboxes);
    catalog.users = catalog.take(Endpoint::Users, users);
    catalog.fields = catalog.take(Endpoint::TicketFields, fields);
    catalog
}

impl Catalog {
    /// A copy with the companion lists asked again where the last answer
    /// was a failure (429, network, 5xx...) or never came; lists that
    /// loaded or are not supported are kept as they are, and a list that
    /// fails again keeps what it had. The UI calls this after a rate-limit
    /// window or on refresh, so names arrive without a restart.
    pub async fn reload_failed(&self, client: &ApiClient) -> Catalog {
        let redo = |e: Endpoint| {
            !matches!(
                self.state(e),
                EndpointState::Loaded | EndpointState::NotSupported
            )
        };
        async fn ask<T>(
            yes: bool,
            f: impl std::future::Future<Output = Result<Vec<T>, ApiError>>,
        ) -> Option<Result<Vec<T>, ApiError>> {
            if yes { Some(f.await) } else { None }
        }
        let (statuses, priorities, tags, inboxes, users, fields) = tokio::join!(
            ask(redo(Endpoint::Statuses), client.statuses()),
            ask(redo(Endpoint::Priorities), client.priorities()),
            ask(redo(Endpoint::Tags), client.tags()),
            ask(redo(Endpoint::Inboxes), client.inboxes()),
            ask(redo(Endpoint::Users), client.users()),
            ask(redo(Endpoint::TicketFields), client.ticket_fields()),
        );
        let mut next = self.clone();
        fn merge<T>(
            next: &mut Catalog,
            e: Endpoint,
            r: Option<Result<Vec<T>, ApiError>>,
            slot: fn(&mut Catalog) -> &mut Vec<T>,
        ) {
            if let Some(r) = r {
                let items = next.take(e, r);
                if matches!(next.state(e), EndpointState::Loaded) {
                    *slot(next) = items;
                }
            }
        }
        merge(&mut next, Endpoint::Statuses, statuses, |c| &mut c.statuses);
        merge(&mut next, Endpoint::Priorities, priorities, |c| {
            &mut c.priorities
        });
        merge(&mut next, Endpoint::Tags, tags, |c| &mut c.tags);
        merge(&mut next, Endpoint::Inboxes, inboxes, |c| &mut c.inboxes);
        merge(&mut next, Endpoint::Users, users, |c| &mut c.users);
        merge(&mut next, Endpoint::TicketFields, fields, |c| &mut c.fields);
        next
    }

    /// True when some companion list is worth asking again (it failed or
    /// was never asked).
    pub fn incomplete(&self) -> bool {
        Endpoint::CATALOG.iter().any(|e| {
            !matches!(
                self.state(*e),
                EndpointState::Loaded | EndpointState::NotSupported
            )
        })
    }

    /// A catalog with no live data: names resolve through `aliases` only.
    pub fn from_aliases(aliases: Aliases) -> Self {
        Catalog {
            aliases,
            ..Catalog::default()
        }
    }

    fn take<T>(&mut self, endpoint: Endpoint, result: Result<Vec<T>, ApiError>) -> Vec<T> {
        match result {
            Ok(items) => {
                self.states.insert(endpoint, EndpointState::Loaded);
                items
            }
            Err(ApiError::NotSupported { .. }) => {
                self.states.insert(endpoint, EndpointState::NotSupported);
                Vec::new()
            }
            Err(e) => {
                self.states.insert(endpoint, EndpointState::Failed(e));
                Vec::new()
            }
        }
    }

    /// What is known of an endpoint.
    pub fn state(&self, endpoint: Endpoint) -> &EndpointState {
        static UNKNOWN: EndpointState = EndpointState::Unknown;
        self.states.get(&endpoint).unwrap_or(&UNKNOWN)
    }

    /// False once the endpoint answered 404/405; true otherwise (an
    /// endpoint never tried, or failed for another reason, may work).
    pub fn supports(&self, endpoint: Endpoint) -> bool {
        !matches!(self.state(endpoint), EndpointState::NotSupported)
    }

    /// Records that an endpoint outside the probe (ticket, messages, PATCH)
    /// answered `NotSupported`, so the UI stops offering it.
    pub fn mark_unsupported(&mut self, endpoint: Endpoint) {
        self.states.insert(endpoint, EndpointState::NotSupported);
    }

    /// The errors of probes that failed for reasons other than "not
    /// supported", e.g. a 401 that the UI should show.
    pub fn failures(&self) -> impl Iterator<Item = (Endpoint, &ApiError)> {
        self.states.iter().filter_map(|(e, s)| match s {
            EndpointState::Failed(err) => Some((*e, err)),
            _ => None,
        })
    }

    /// Why a name in a filter may have failed to resolve: the error of the
    /// endpoint that lists such names, when that probe failed (a 429, a
    /// timeout, ...). "unknown tag 'billing'" is wrong when the tags were
    /// never loaded; callers say this instead.
    pub fn unresolved_cause(&self, error: &FilterError) -> Option<(Endpoint, &ApiError)> {
        let endpoint = match error {
            FilterError::UnknownName { kind, .. } => match kind {
                NameKind::Tag => Endpoint::Tags,
                NameKind::Inbox => Endpoint::Inboxes,
                NameKind::User => Endpoint::Users,
            },
            FilterError::UnknownOption { .. } | FilterError::InvalidFieldValue { .. } => {
                Endpoint::TicketFields
            }
            _ => return None,
        };
        match self.state(endpoint) {
            EndpointState::Failed(e) => Some((endpoint, e)),
            _ => None,
        }
    }

    /// Learns statuses and priorities (id, name, color) from tickets: the
    /// only source when `/statuses` or `/priorities` are absent, and a way
    /// to pick up ones created since the catalog was loaded. Entries from
    /// the endpoints are never overwritten; learned ones follow the latest
    /// ticket.
    pub fn learn_from_tickets(&mut self, tickets: &[Ticket]) {
        let statuses_live = matches!(self.state(Endpoint::Statuses), EndpointState::Loaded);
        let priorities_live = matches!(self.state(Endpoint::Priorities), EndpointState::Loaded);
        let mut changed = false;
        for t in tickets {
            if let Some(id) = t.status_id {
                let learned = Status {
                    id,
                    name: t.status_name.clone(),
                    category: t.status.clone(),
                    color: t.status_color.clone(),
                };
                match self.statuses.iter_mut().find(|s| s.id == id) {
                    Some(known) if !statuses_live && *known != learned => {
                        *known = learned;
                    }
                    Some(_) => {}
                    None => {
                        self.statuses.push(learned);
                        changed = true;
                    }
                }
            }
            if let Some(id) = t.priority_id {
                let learned = Priority {
                    id,
                    name: t.priority_name.clone(),
                    level: t.priority.clone(),
                    color: t.priority_color.clone(),
                };
                match self.priorities.iter_mut().find(|p| p.id == id) {
                    Some(known) if !priorities_live && *known != learned => {
                        *known = learned;
                    }
                    Some(_) => {}
                    None => {
                        self.priorities.push(learned);
                        changed = true;
                    }
                }
            }
        }
        if changed {
            // A stable order for pickers: by category/level, then name.
            self.statuses.sort_by(|a, b| {
                a.category
                    .cmp(&b.category)
                    .then_with(|| a.name.cmp(&b.name))
            });
            self.priorities.sort_by(|a, b| {
                a.level
                    .rank()
                    .cmp(&b.level.rank())
                    .then_with(|| a.name.cmp(&b.name))
            });
        }
    }

    pub fn statuses(&self) -> &[Status] {
        &self.statuses
    }
    pub fn priorities(&self) -> &[Priority] {
        &self.priorities
    }
    pub fn tags(&self) -> &[Tag] {
        &self.tags
    }
    pub fn inboxes(&self) -> &[Inbox] {
        &self.inboxes
    }
    pub fn users(&self) -> &[User] {
        &self.users
    }
    pub fn fields(&self) -> &[TicketField] {
        &self.fields
    }
    pub fn aliases(&self) -> &Aliases {
        &self.aliases
    }

    pub fn status(&self, id: Uuid) -> Option<&Status> {
        self.statuses.iter().find(|s| s.id == id)
    }
    pub fn priority(&self, id: Uuid) -> Option<&Priority> {
        self.priorities.iter().find(|p| p.id == id)
    }

    /// The user's name from `/users`, else the config alias naming that id.
    pub fn user_name(&self, id: Uuid) -> Option<&str> {
        self.users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.as_str())
            .or_else(|| alias_name(&self.aliases.users, id))
    }
    pub fn inbox_name(&self, id: Uuid) -> Option<&str> {
        self.inboxes
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.name.as_str())
            .or_else(|| alias_name(&self.aliases.inboxes, id))
    }
    pub fn tag_name(&self, id: Uuid) -> Option<&str> {
        self.tags
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.name.as_str())
            .or_else(|| alias_name(&self.aliases.tags, id))
    }

    /// A custom field from `/ticket-fields` by its `field_key`.
    pub fn field(&self, key: &str) -> Option<&TicketField> {
        self.fields.iter().find(|f| f.field_key == key)
    }
}

fn alias_name(map: &BTreeMap<String, Uuid>, id: Uuid) -> Option<&str> {
    map.iter().find(|(_, v)| **v == id).map(|(k, _)| k.as_str())
}

/// Exact name first, then a case-insensitive match.
fn by_name<'a, T>(items: &'a [T], name: &str, name_of: impl Fn(&T) -> &str) -> Option<&'a T> {
    items.iter().find(|i| name_of(i) == name).or_else(|| {
        let wanted = name.to_lowercase();
        items.iter().find(|i| name_of(i).to_lowercase() == wanted)
    })
}

/// Live names first, then the config aliases.
impl Resolver for Catalog {
    fn tag_id(&self, name: &str) -> Option<Uuid> {
        by_name(&self.tags, name, |t| &t.name)
            .map(|t| t.id)
            .or_else(|| self.aliases.tag_id(name))
    }

    fn inbox_id(&self, name: &str) -> Option<Uuid> {
        by_name(&self.inboxes, name, |i| &i.name)
            .map(|i| i.id)
            .or_else(|| self.aliases.inbox_id(name))
    }

    /// By display name, else by email address.
    fn user_id(&self, name: &str) -> Option<Uuid> {
        by_name(&self.users, name, |u| &u.name)
            .or_else(|| by_name(&self.users, name, |u| u.email.as_deref().unwrap_or("")))
            .map(|u| u.id)
            .or_else(|| self.aliases.user_id(name))
    }

    /// Live names, then the aliases not already among them, so "unknown tag
    /// 'biling'" can suggest 'billing' whichever source knows it.
    fn known_names(&self, kind: NameKind) -> Vec<String> {
        let live: Vec<&str> = match kind {
            NameKind::Tag => self.tags.iter().map(|t| t.name.as_str()).collect(),
            NameKind::Inbox => self.inboxes.iter().map(|i| i.name.as_str()).collect(),
            NameKind::User => self.users.iter().map(|u| u.name.as_str()).collect(),
        };
        let mut names: Vec<String> = Vec::new();
        for name in live
            .into_iter()
            .map(str::to_string)
            .chain(self.aliases.known_names(kind))
        {
            let taken = names
                .iter()
                .any(|n| n.to_lowercase() == name.to_lowercase());
            if !name.trim().is_empty() && !taken {
                names.push(name);
            }
        }
        names
    }

    fn field(&self, key: &str) -> Option<FieldSpec> {
        match Catalog::field(self, key) {
            Some(f) => Some(FieldSpec {
                field_type: f.field_type.clone(),
                options: f.options.iter().map(|o| (o.label.clone(), o.id)).collect(),
            }),
            None => self.aliases.field(key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{FieldType, PriorityLevel, StatusCategory};
    use crate::filter::resolve::FieldAlias;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn ticket(status: (u128, &str, StatusCategory), priority: (u128, &str)) -> Ticket {
        Ticket {
            id: id(1000),
            ticket_number: 1,
            status: status.2,
            status_id: Some(id(status.0)),
            status_name: status.1.into(),
            status_color: Some("#f59e0b".into()),
            priority: PriorityLevel::High,
            priority_id: Some(id(priority.0)),
            priority_name: priority.1.into(),
            ..crate::fixtures::ticket(1)
        }
    }

    #[test]
    fn learns_statuses_and_priorities_from_tickets() {
        let mut c = Catalog::default();
        c.learn_from_tickets(&[
            ticket((2, "Awaiting parts", StatusCategory::Waiting), (9, "P1")),
            ticket((1, "New", StatusCategory::Open), (9, "P1")),
            ticket((2, "Awaiting parts", StatusCategory::Waiting), (9, "P1")),
        ]);
        let names: Vec<&str> = c.statuses().iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["New", "Awaiting parts"]);
        assert_eq!(
            c.status(id(2)).and_then(|s| s.color.as_deref()),
            Some("#f59e0b")
        );
        assert_eq!(c.priorities().len(), 1);
        // A renamed status is picked up while the endpoint is absent.
        c.learn_from_tickets(&[ticket(
            (2, "Waiting on parts", StatusCategory::Waiting),
            (9, "P1"),
        )]);
        assert_eq!(
            c.status(id(2)).map(|s| s.name.as_str()),
            Some("Waiting on parts")
        );
    }

    #[test]
    fn live_names_beat_aliases_and_aliases_fill_gaps() {
        let mut aliases = Aliases::default();
        aliases.tags.insert("billing".into(), id(50));
        aliases.tags.insert("legacy".into(), id(51));
        aliases.fields.insert(
            "plan".into(),
            FieldAlias {
                field_type: FieldType::Select,
                options: [("Enterprise".to_string(), id(60))].into(),
            },
        );
        let mut c = Catalog::from_aliases(aliases);
        c.tags = vec![Tag {
            id: id(5),
            name: "Billing".into(),
            color: None,
        }];
        c.users = vec![User {
            id: id(7),
            name: "Ada Lovelace".into(),
            email: Some("ada@example.com".into()),
        }];
        assert_eq!(c.tag_id("billing"), Some(id(5)));
        assert_eq!(c.tag_id("LEGACY"), Some(id(51)));
        assert_eq!(c.tag_id("nope"), None);
        assert_eq!(c.user_id("ada lovelace"), Some(id(7)));
        assert_eq!(c.user_id("ada@example.com"), Some(id(7)));
        assert_eq!(c.tag_name(id(51)), Some("legacy"));
        assert_eq!(c.user_name(id(7)), Some("Ada Lovelace"));
        let spec = Resolver::field(&c, "plan").unwrap();
        assert_eq!(spec.option_id("enterprise"), Some(id(60)));
        assert!(c.field("plan").is_none(), "no live field");
        assert_eq!(c.known_names(NameKind::Tag), ["Billing", "legacy"]);
        assert_eq!(c.known_names(NameKind::User), ["Ada Lovelace"]);
        assert!(c.known_names(NameKind::Inbox).is_empty());
    }

    #[test]
    fn an_unknown_name_is_answered_with_the_known_ones() {
        let c = Catalog {
            tags: ["billing", "vip", "refund"]
                .iter()
                .enumerate()
                .map(|(n, name)| Tag {
                    id: id(n as u128 + 1),
                    name: (*name).into(),
                    color: None,
                })
                .collect(),
            ..Catalog::default()
        };
        let filter = crate::filter::parse("tag:biling").unwrap();
        let e = filter
            .to_query_pairs(&c, chrono::Utc::now())
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "unknown tag 'biling' (did you mean 'billing'? known: billing, vip, refund)"
        );
    }

    #[test]
    fn a_name_unresolved_because_its_list_failed_says_why() {
        let mut c = Catalog::default();
        let _: Vec<Tag> = c.take(
            Endpoint::Tags,
            Err(ApiError::Network("connection reset".into())),
        );
        let _: Vec<User> = c.take(Endpoint::Users, Ok(Vec::new()));
        let filter = crate::filter::parse("tag:billing").unwrap();
        let e = filter.to_query_pairs(&c, chrono::Utc::now()).unwrap_err();
        let (endpoint, cause) = c.unresolved_cause(&e).expect("the tags probe failed");
        assert_eq!(endpoint, Endpoint::Tags);
        assert!(matches!(cause, ApiError::Network(_)), "{cause:?}");

        // A user list that loaded fine: the name really is unknown.
        let filter = crate::filter::parse("assignee:nobody").unwrap();
        let e = filter.to_query_pairs(&c, chrono::Utc::now()).unwrap_err();
        assert!(c.unresolved_cause(&e).is_none());
    }

    #[test]
    fn support_follows_the_probe() {
        let mut c = Catalog::default();
        let _: Vec<Tag> = c.take(
            Endpoint::Tags,
            Err(ApiError::NotSupported {
                endpoint: "GET /tags".into(),
            }),
        );
        let _: Vec<User> = c.take(Endpoint::Users, Err(ApiError::Network("refused".into())));
        assert!(!c.supports(Endpoint::Tags));
        assert!(c.supports(Endpoint::Users));
        assert!(c.supports(Endpoint::Messages));
        assert_eq!(c.failures().count(), 1);
        c.mark_unsupported(Endpoint::Messages);
        assert!(!c.supports(Endpoint::Messages));
    }
}
