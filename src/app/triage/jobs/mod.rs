//! Writes: one job per action (one ticket, or a bulk run over a snapshot of
//! marked tickets), sent a few at a time, each PATCH at most once per
//! attempt and never retried by itself.
//!
//! The bookkeeping is what makes a 429 safe: a ticket is in exactly one of
//! `queue` (not sent), `in_flight` (sent, no answer yet) or `outcomes`
//! (answered). A 429 answer means the server did not apply the change, so
//! that ticket goes back to the front of the queue and the whole job waits
//! in the rate-limit queue with everything else; when the wait ends the
//! queue is sent again, each ticket once. Nothing is lost (every ticket
//! ends with an outcome) and nothing is done twice (an answered ticket is
//! never queued again).
//!
//! `queue` is what a job holds, the jobs and their rows on screen, and
//! sending their writes; `answers` takes the server's answers back,
//! `report` ends finished jobs and words them.

mod answers;
mod queue;
mod report;

pub use answers::{on_posted, on_written};
pub use queue::{
    Item, Job, MAX_IN_FLIGHT, Outcome, describe_waiting, drop_waiting, is_dimmed, pending_ids,
    pump, replace_row, start, stop, waiting_count,
};
pub use report::{marks_line, progress_line, report_max_scroll, report_size};
