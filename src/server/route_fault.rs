//! Faults aimed at one route (and optionally one ticket): a delay before
//! the request is handled, and/or a canned status instead of handling it.
//! The pty tests use them to hold a note's POST in flight, or fail it, while
//! the UI goes on; `inject_status` answers any route, these only theirs.

use std::sync::Mutex;
use std::time::Duration;

use uuid::Uuid;

/// What happens to the next `times` requests matching `route` (as
/// `ServerHandle::requests_to` writes routes: `POST /tickets/{id}/messages`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteFault {
    pub route: String,
    /// Only requests whose path names this ticket.
    pub ticket: Option<Uuid>,
    /// Waited (on the server's clock) before the request goes on.
    pub delay: Duration,
    /// Answered instead of handling the request (after the delay), with an
    /// error body of the contract's shape.
    pub status: Option<u16>,
    pub times: u32,
}

/// The faults in force, first match first.
#[derive(Debug, Default)]
pub(crate) struct RouteFaults(Mutex<Vec<RouteFault>>);

impl RouteFaults {
    pub(crate) fn push(&self, fault: RouteFault) {
        if fault.times > 0 {
            self.0.lock().unwrap_or_else(|e| e.into_inner()).push(fault);
        }
    }

    /// Takes one use of the first fault matching this request.
    pub(crate) fn take(&self, route: &str, path: &str) -> Option<RouteFault> {
        let mut faults = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let at = faults.iter().position(|f| {
            f.route == route && f.ticket.is_none_or(|id| path.contains(&id.to_string()))
        })?;
        let out = faults[at].clone();
        faults[at].times -= 1;
        if faults[at].times == 0 {
            faults.remove(at);
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_matches_its_route_and_ticket_and_is_used_up() {
        let faults = RouteFaults::default();
        let id = Uuid::from_u128(5);
        faults.push(RouteFault {
            route: "POST /tickets/{id}/messages".into(),
            ticket: Some(id),
            delay: Duration::from_secs(8),
            status: None,
            times: 2,
        });
        let path = format!("/api/v1/tickets/{id}/messages");
        let other = format!("/api/v1/tickets/{}/messages", Uuid::from_u128(6));
        assert!(faults.take("POST /tickets/{id}/messages", &other).is_none());
        assert!(faults.take("PATCH /tickets/{id}", &path).is_none());
        assert!(faults.take("POST /tickets/{id}/messages", &path).is_some());
        assert!(faults.take("POST /tickets/{id}/messages", &path).is_some());
        assert!(faults.take("POST /tickets/{id}/messages", &path).is_none());
    }
}
