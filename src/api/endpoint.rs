//! The routes the client knows, named once so errors, logs and the catalog
//! say the same thing.

use std::fmt;

use crate::api::error::RouteKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    /// `GET /tickets` (documented by the vendor).
    Tickets,
    Statuses,
    Priorities,
    Tags,
    Inboxes,
    Users,
    TicketFields,
    /// `GET /tickets/{id}`
    Ticket,
    /// `GET /tickets/{id}/messages`
    Messages,
    /// `PATCH /tickets/{id}`
    UpdateTicket,
    /// `POST /tickets/{id}/messages`
    PostMessage,
    /// `GET /contacts/{id}`: a 404/405 reads as "not supported"; the
    /// caller tells a missing contact from a missing route.
    Contact,
}

impl Endpoint {
    /// The six companion lists probed by `load_catalog`.
    pub const CATALOG: [Endpoint; 6] = [
        Endpoint::Statuses,
        Endpoint::Priorities,
        Endpoint::Tags,
        Endpoint::Inboxes,
        Endpoint::Users,
        Endpoint::TicketFields,
    ];

    /// Method and path as shown to people, e.g. `GET /ticket-fields`.
    pub fn label(self) -> &'static str {
        match self {
            Endpoint::Tickets => "GET /tickets",
            Endpoint::Statuses => "GET /statuses",
            Endpoint::Priorities => "GET /priorities",
            Endpoint::Tags => "GET /tags",
            Endpoint::Inboxes => "GET /inboxes",
            Endpoint::Users => "GET /users",
            Endpoint::TicketFields => "GET /ticket-fields",
            Endpoint::Ticket => "GET /tickets/{id}",
            Endpoint::Messages => "GET /tickets/{id}/messages",
            Endpoint::UpdateTicket => "PATCH /tickets/{id}",
            Endpoint::PostMessage => "POST /tickets/{id}/messages",
            Endpoint::Contact => "GET /contacts/{id}",
        }
    }

    /// The single path segment of a companion list.
    pub(crate) fn list_segment(self) -> Option<&'static str> {
        Some(match self {
            Endpoint::Statuses => "statuses",
            Endpoint::Priorities => "priorities",
            Endpoint::Tags => "tags",
            Endpoint::Inboxes => "inboxes",
            Endpoint::Users => "users",
            Endpoint::TicketFields => "ticket-fields",
            _ => return None,
        })
    }

    pub(crate) fn route_kind(self) -> RouteKind {
        match self {
            Endpoint::Tickets => RouteKind::List,
            // A 404 there may be the ticket: `ApiSource` tells the two apart.
            Endpoint::Ticket | Endpoint::UpdateTicket | Endpoint::PostMessage => RouteKind::Core,
            _ => RouteKind::Companion,
        }
    }

    pub(crate) fn is_write(self) -> bool {
        matches!(self, Endpoint::UpdateTicket | Endpoint::PostMessage)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}
