//! Send and set a status in one step: the reply confirmation offers, next
//! to "send", one key per status of `after_reply` (`[ui]`, or the open
//! view's own), each sending the reply and then, once the server took it,
//! setting that status in one PATCH (see `jobs::report`, which starts it,
//! and `jobs::answers::on_posted`, which moves its precondition to our own
//! reply's time).

use super::change::StatusChoice;
use super::choices::status_choice;
use crate::app::state::State;
use crate::config::AfterReply;
use crate::model::StatusCategory;

/// Keys the confirmation keeps for itself: send, edit again, keep, quit.
const RESERVED: &[char] = &['y', 'n', 'e', 'd', 'q'];

/// One "send and set" choice.
#[derive(Debug, Clone, PartialEq)]
pub struct SetAfter {
    pub key: char,
    pub status: StatusChoice,
}

/// What the reply confirmation offers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Offer {
    pub choices: Vec<SetAfter>,
    /// The choice `Enter` takes; `None`: plain send.
    pub default: Option<usize>,
    /// Configured statuses the workspace does not have (said in the
    /// confirmation, one line).
    pub unknown: Vec<String>,
}

/// The settings in force: the open view's own over `[ui]`'s.
pub fn settings(state: &State) -> AfterReply {
    let own = state
        .views
        .active_entry()
        .filter(|_| !crate::app::views::is_modified(state))
        .and_then(|e| e.view.after_reply.clone());
    match own {
        Some(own) => own.over(&state.triage.after_reply),
        None => state.triage.after_reply.clone(),
    }
}

/// The offer for the settings in force, resolved against the workspace's
/// statuses: a name (any case), else a category (its first status, or
/// the bare category when the server lists none).
pub fn offer(state: &State) -> Offer {
    let settings = settings(state);
    let statuses = state
        .names
        .catalog()
        .map(|c| c.statuses().to_vec())
        .unwrap_or_default();
    let mut offer = Offer::default();
    let mut taken: Vec<char> = RESERVED.to_vec();
    for entry in settings.statuses() {
        let wanted = entry.trim();
        let by_name = statuses
            .iter()
            .find(|s| s.name.trim().eq_ignore_ascii_case(wanted))
            .map(status_choice);
        let choice = by_name.or_else(|| {
            let category = StatusCategory::parse_known(&wanted.to_lowercase().replace(' ', "_"))?;
            Some(
                statuses
                    .iter()
                    .find(|s| s.category == category)
                    .map(status_choice)
                    .unwrap_or(StatusChoice {
                        id: None,
                        category,
                        name: String::new(),
                        color: None,
                    }),
            )
        });
        let Some(status) = choice else {
            offer
                .unknown
                .push(crate::text::sanitize(wanted).into_owned());
            continue;
        };
        if offer.choices.iter().any(|c| c.status == status) {
            continue;
        }
        let Some(key) = free_key(&status.label(), &taken) else {
            continue;
        };
        taken.push(key);
        if entry
            .trim()
            .eq_ignore_ascii_case(settings.default_choice().trim())
        {
            offer.default = Some(offer.choices.len());
        }
        offer.choices.push(SetAfter { key, status });
    }
    offer
}

/// The first letter of `label` not taken, else the first free digit.
fn free_key(label: &str, taken: &[char]) -> Option<char> {
    label
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .chain('1'..='9')
        .find(|c| !taken.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_first_free_letters_then_digits() {
        assert_eq!(free_key("Solved", RESERVED), Some('s'));
        assert_eq!(free_key("Awaiting customer", RESERVED), Some('a'));
        assert_eq!(free_key("Done", &['d', 'o', 'n', 'e']), Some('1'));
        assert_eq!(
            free_key("Needs", RESERVED),
            Some('s'),
            "n and e are the dialog's"
        );
    }
}
