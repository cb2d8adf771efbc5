//! What a ticket's status and priority are called on screen (the table,
//! the detail), and the mark of a reminder.

use crate::api::types::Ticket;
use crate::text::sanitize;

/// The reminder mark: a plain symbol from the Geometric Shapes block that
/// every monospace font has (the alarm-clock emoji renders as a box without
/// an emoji font), one cell wide.
pub const REMINDER_MARK: &str = "◷";

/// The status as shown: its name, else its category. Both come from the
/// server (an unknown category is kept as sent), so both are sanitized.
pub fn status_label(t: &Ticket) -> String {
    name_or_category(&t.status_name, t.status.as_str())
}

/// The priority as shown: its name, else its level.
pub fn priority_label(t: &Ticket) -> String {
    name_or_category(&t.priority_name, t.priority.as_str())
}

fn name_or_category(name: &str, category: &str) -> String {
    let name = sanitize(name);
    if name.trim().is_empty() {
        sanitize(category).into_owned()
    } else {
        name.into_owned()
    }
}
