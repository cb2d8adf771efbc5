//! Values shared by the inline test modules: one blank ticket that each
//! test changes with struct update syntax (`Ticket { subject, ..ticket(1) }`),
//! so a new field on `Ticket` is added here once.

use uuid::Uuid;

use crate::api::types::Ticket;
use crate::model::{PriorityLevel, StatusCategory};

/// Ticket `n`: id and number `n`, open, normal, no names, no dates.
pub(crate) fn ticket(n: u128) -> Ticket {
    Ticket {
        id: Uuid::from_u128(n),
        ticket_number: n as i64,
        subject: String::new(),
        inbox_id: None,
        status: StatusCategory::Open,
        status_id: None,
        status_name: String::new(),
        status_color: None,
        priority: PriorityLevel::Normal,
        priority_id: None,
        priority_name: String::new(),
        priority_color: None,
        assignee_id: None,
        contact_id: None,
        remind_at: None,
        remind_transition_status_id: None,
        created_at: None,
        updated_at: None,
    }
}
