//! Who wrote a ticket: `GET /contacts/{id}` (CONTRACT.md §6), asked in the
//! background when a ticket's detail opens, kept for the session like the
//! other names, and drawn as name, email and company.
//!
//! The route is a companion one, so a 404 is ambiguous: a contact that is
//! gone, or a server without the route. The source answers `Ok(None)` for
//! the former when it can tell (the server has other companion routes) and
//! `NotSupported` when it cannot. Until one contact has loaded, a few 404s
//! in a row also read as "no route" ([`STRIKES`]), so a server without it
//! is asked a handful of times per session, not once per ticket opened.
//! Until the route is known to work, one contact is asked at a time (the
//! others wait their turn), so fast scrolling over a server without it
//! costs no more than those few requests.
//! Without an answer the contact's id is shown, as before contacts existed.

use std::collections::HashMap;

use uuid::Uuid;

use tokio::time::Instant;

use super::msg::Effect;
use super::source::FetchError;
use crate::api::types::Contact;
use crate::text::sanitize;

/// 404s in a row, before any contact loaded, after which the route is
/// taken to be missing.
pub const STRIKES: u8 = 3;

/// A contact as drawn: every field sanitized once, on arrival.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requester {
    pub name: String,
    pub email: Option<String>,
    pub company: Option<String>,
}

impl Requester {
    /// Untrusted server text made safe to draw and to put in a reply.
    pub fn from_contact(c: &Contact) -> Requester {
        let clean = |s: &str| {
            let s = sanitize(s);
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_owned())
        };
        Requester {
            name: clean(&c.name).unwrap_or_default(),
            email: c.email.as_deref().and_then(clean),
            company: c.company.as_deref().and_then(clean),
        }
    }

    /// The name, or the email when the name is empty.
    pub fn display_name(&self) -> Option<&str> {
        Some(self.name.as_str())
            .filter(|n| !n.is_empty())
            .or(self.email.as_deref())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    /// Asked; the answer is on its way.
    Asked,
    /// Wanted while another contact's answer may still say the route is
    /// missing: asked once it has not.
    Queued,
    Known(Requester),
    /// 404 for this contact: not asked again.
    Missing,
}

/// Whether the server has the route, as far as we know.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Route {
    #[default]
    Untried,
    /// At least one contact loaded.
    Works,
    /// 404/405 where only a missing route can explain it: never asked again.
    Absent,
}

/// The contacts seen this session.
#[derive(Debug, Clone, Default)]
pub struct ContactBook {
    entries: HashMap<Uuid, Entry>,
    route: Route,
    strikes: u8,
}

impl ContactBook {
    /// The contact, once it has loaded.
    pub fn requester(&self, id: Uuid) -> Option<&Requester> {
        match self.entries.get(&id) {
            Some(Entry::Known(r)) => Some(r),
            _ => None,
        }
    }

    /// The name to show for a contact (its email when it has no name), or
    /// `None` while unknown: show the id then. For list columns.
    pub fn display_name(&self, id: Uuid) -> Option<&str> {
        self.requester(id).and_then(Requester::display_name)
    }

    pub fn route(&self) -> Route {
        self.route
    }

    /// True while a contact's answer is awaited.
    pub fn is_asked(&self, id: Uuid) -> bool {
        matches!(self.entries.get(&id), Some(Entry::Asked))
    }

    /// True while a contact is on its way: asked, or waiting its turn.
    pub fn is_coming(&self, id: Uuid) -> bool {
        matches!(self.entries.get(&id), Some(Entry::Asked | Entry::Queued))
    }

    /// Whether `id` is worth asking for now.
    fn wants(&self, id: Uuid) -> bool {
        self.route != Route::Absent && !self.entries.contains_key(&id)
    }

    fn in_flight(&self) -> bool {
        self.entries.values().any(|e| *e == Entry::Asked)
    }

    /// Sends what waits: all of it once the route works, one at a time
    /// while it is untried (never while a request is out then).
    fn release(&mut self, fx: &mut Vec<Effect>) {
        if self.route == Route::Absent {
            // What waited is never asked: each shows its id.
            self.entries.retain(|_, e| *e != Entry::Queued);
            return;
        }
        if self.route == Route::Untried && self.in_flight() {
            return;
        }
        let mut queued: Vec<Uuid> = self
            .entries
            .iter()
            .filter(|(_, e)| **e == Entry::Queued)
            .map(|(id, _)| *id)
            .collect();
        queued.sort_unstable();
        if self.route == Route::Untried {
            queued.truncate(1);
        }
        for id in queued {
            self.entries.insert(id, Entry::Asked);
            fx.push(Effect::FetchContact { id });
        }
    }
}

impl ContactBook {
    /// Asks for contact `id` unless it is known, asked, missing, or the
    /// route is absent; nothing goes out while `rate_limited` (the detail
    /// asks again when the gate opens).
    pub fn want(&mut self, id: Option<Uuid>, rate_limited: bool, fx: &mut Vec<Effect>) {
        let Some(id) = id else { return };
        if rate_limited || !self.wants(id) {
            return;
        }
        self.entries.insert(id, Entry::Queued);
        self.release(fx);
    }

    /// A contact's answer; `Some(instant)` when it was a 429, for the
    /// caller to close the gate until then.
    pub fn on_loaded(
        &mut self,
        id: Uuid,
        result: Result<Option<Contact>, FetchError>,
        fx: &mut Vec<Effect>,
    ) -> Option<Instant> {
        if !self.is_asked(id) {
            return None; // not ours (or the route was found absent meanwhile)
        }
        let mut retry_at = None;
        match result {
            Ok(Some(contact)) => {
                self.route = Route::Works;
                self.strikes = 0;
                self.entries
                    .insert(id, Entry::Known(Requester::from_contact(&contact)));
            }
            Ok(None) => {
                self.entries.insert(id, Entry::Missing);
                if self.route == Route::Untried {
                    self.strikes += 1;
                    if self.strikes >= STRIKES {
                        self.route = Route::Absent;
                    }
                }
            }
            Err(FetchError::NotSupported) => {
                self.route = Route::Absent;
                self.entries.retain(|_, e| matches!(e, Entry::Known(_)));
            }
            Err(FetchError::RateLimited { retry_at: at }) => {
                // What waits is dropped: each detail asks again when it opens.
                self.entries.retain(|_, e| !matches!(e, Entry::Queued));
                self.entries.remove(&id);
                retry_at = Some(at);
            }
            // A contact is decoration: a failure is not worth a message; the
            // next time the ticket opens asks again.
            Err(_) => {
                self.entries.remove(&id);
            }
        }
        self.release(fx);
        retry_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(name: &str, email: Option<&str>) -> Contact {
        Contact {
            id: Uuid::from_u128(1),
            name: name.into(),
            email: email.map(Into::into),
            company: Some("\u{202e}Acme\u{7}".into()),
        }
    }

    fn state() -> ContactBook {
        ContactBook::default()
    }

    fn asked(fx: &[Effect]) -> Vec<Uuid> {
        fx.iter()
            .filter_map(|e| match e {
                Effect::FetchContact { id } => Some(*id),
                _ => None,
            })
            .collect()
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn one_at_a_time_until_the_route_works_then_all_that_waits() {
        let mut s = state();
        let mut fx = Vec::new();
        for n in 1..=3 {
            s.want(Some(id(n)), false, &mut fx);
        }
        assert_eq!(asked(&fx), [id(1)], "one while untried");
        let mut fx = Vec::new();
        s.on_loaded(id(1), Ok(Some(contact("Ada", None))), &mut fx);
        assert_eq!(asked(&fx), [id(2), id(3)], "the rest once one worked");
        assert_eq!(s.display_name(id(1)), Some("Ada"));
        assert_eq!(s.route(), Route::Works);
        // Known, or on its way: never asked twice.
        let mut fx = Vec::new();
        s.want(Some(id(1)), false, &mut fx);
        s.want(Some(id(2)), false, &mut fx);
        assert!(fx.is_empty());
    }

    #[test]
    fn a_few_misses_with_none_found_mean_no_route() {
        let mut s = state();
        for n in 1..=u128::from(STRIKES) {
            let mut fx = Vec::new();
            s.want(Some(id(n)), false, &mut fx);
            assert_eq!(asked(&fx), [id(n)]);
            s.on_loaded(id(n), Ok(None), &mut fx);
        }
        assert_eq!(s.route(), Route::Absent);
        let mut fx = Vec::new();
        s.want(Some(id(99)), false, &mut fx);
        assert!(fx.is_empty(), "not asked again");
        assert_eq!(s.display_name(id(1)), None);
    }

    #[test]
    fn what_waits_when_the_route_turns_out_missing_is_never_asked() {
        let mut s = state();
        let mut fx = Vec::new();
        for n in 1..=u128::from(STRIKES) + 2 {
            s.want(Some(id(n)), false, &mut fx);
        }
        assert_eq!(asked(&fx), [id(1)]);
        let mut all = Vec::new();
        for n in 1..=u128::from(STRIKES) {
            let mut fx = Vec::new();
            s.on_loaded(id(n), Ok(None), &mut fx);
            all.extend(asked(&fx));
        }
        // The 2nd and 3rd were asked in turn; the 4th and 5th never.
        assert_eq!(all, [id(2), id(3)]);
        assert_eq!(s.route(), Route::Absent);
        assert!(!s.is_asked(id(4)));
    }

    #[test]
    fn misses_after_a_contact_loaded_are_that_contact_only() {
        let mut s = state();
        let mut fx = Vec::new();
        s.want(Some(id(1)), false, &mut fx);
        s.on_loaded(id(1), Ok(Some(contact("Ada", None))), &mut fx);
        for n in 2..10 {
            let mut fx = Vec::new();
            s.want(Some(id(n)), false, &mut fx);
            assert_eq!(asked(&fx), [id(n)]);
            s.on_loaded(id(n), Ok(None), &mut fx);
        }
        assert_eq!(s.route(), Route::Works);
    }

    #[test]
    fn not_supported_stops_everything_and_a_failure_is_asked_again_later() {
        let mut s = state();
        let mut fx = Vec::new();
        s.want(Some(id(1)), false, &mut fx);
        s.on_loaded(id(1), Err(FetchError::failed("boom")), &mut fx);
        let mut fx = Vec::new();
        s.want(Some(id(1)), false, &mut fx);
        assert_eq!(asked(&fx), [id(1)], "a failure is asked again");
        s.want(Some(id(2)), false, &mut fx);
        s.on_loaded(id(1), Err(FetchError::NotSupported), &mut fx);
        assert_eq!(asked(&fx), [id(1)], "what waited is dropped");
        assert_eq!(s.route(), Route::Absent);
        let mut fx = Vec::new();
        s.want(Some(id(3)), false, &mut fx);
        assert!(fx.is_empty());
    }

    #[test]
    fn requester_is_sanitized_and_falls_back_to_the_email() {
        let r = Requester::from_contact(&contact("  ", Some("ada@example.com")));
        assert_eq!(r.display_name(), Some("ada@example.com"));
        assert_eq!(
            r.company.as_deref().map(|c| c.contains('\u{202e}')),
            Some(false)
        );
        let r = Requester::from_contact(&contact("Ada\u{1b}[31m", None));
        assert!(!r.name.contains('\u{1b}'));
        assert_eq!(
            Requester::from_contact(&contact("", None)).display_name(),
            None
        );
    }
}
