//! Finished jobs: what the agent is told, what `U` undoes, a macro's
//! note sent after its PATCH; and the words of the bulk report.

use super::queue::{Item, Job, Outcome, replace_row};
use crate::api::types::{NewMessage, Ticket};
use crate::app::modal::Modal;
use crate::app::state::State;
use crate::app::triage::Dialog;
use crate::app::triage::change::{Change, tickets};
use crate::app::triage::undo::{UndoRecord, UndoRow};

/// Ends finished jobs: single ones say what happened on the status line,
/// bulk ones turn their progress into the report; both become the action
/// `U` undoes (an undo does not).
pub(super) fn finish_jobs(state: &mut State) {
    while let Some(pos) = state.triage.jobs.iter().position(Job::finished) {
        let job = state.triage.jobs.remove(pos);
        let changed: Vec<&Item> = job
            .items
            .iter()
            .zip(&job.outcomes)
            .filter(|(_, o)| matches!(o, Some(Outcome::Changed)))
            .map(|(i, _)| i)
            .collect();
        if job.follow_up {
            follow_up_done(state, &job);
            continue;
        }
        if job.post.is_some() && !changed.is_empty() {
            // `U` must not reach past it to the action before.
            state.triage.undo = None;
            state.triage.undo_refusal = Some(format!(
                "notes and replies cannot be undone ('{}' was sent)",
                job.label
            ));
        } else if !job.undo && !changed.is_empty() {
            state.triage.undo_refusal = None;
            state.triage.undo = Some(UndoRecord {
                label: job.label.clone(),
                fields: job.fields,
                change: job.change.clone(),
                rows: changed
                    .iter()
                    .map(|i| UndoRow {
                        before: i.before.clone(),
                        after: i.after.clone(),
                        known: i.known.clone(),
                    })
                    .collect(),
            });
        }
        if !job.undo {
            start_macro_note(state, &job);
            start_after_post(state, &job);
        }
        if job.bulk && !job.undo {
            // Done with: unmarked, so the next action does not reach them
            // again. Failed and skipped ones stay marked to be retried.
            for (item, outcome) in job.items.iter().zip(&job.outcomes) {
                if matches!(outcome, Some(Outcome::Changed | Outcome::Already)) {
                    state.triage.marks.remove(item.before.id);
                }
            }
        }
        if job.bulk {
            let showing = matches!(
                state.modal,
                Some(Modal::Triage(Dialog::Progress { job: id })) if id == job.id
            );
            // The report opens in place of the progress bar or over the
            // list; it never replaces what the agent opened meanwhile (a
            // search half typed), which gets a one-line summary instead.
            if showing || state.modal.is_none() {
                state.modal = Some(Modal::Triage(Dialog::Report {
                    job: Box::new(job),
                    scroll: 0,
                }));
            } else {
                state.say(format!(
                    "{}: {} {}",
                    job.label,
                    crate::text::count(changed.len() as u64, "ticket"),
                    job.done_word()
                ));
            }
        } else if !changed.is_empty() {
            let number = job.items[0].before.ticket_number;
            state.say(match (&job.change, job.undo, &job.post) {
                (_, _, Some(m)) => format!("#{number}: {} sent", m.kind.as_str()),
                (Some(c), false, _) => c.done(number),
                // "#468: Undo: assign to Ada García" (names as spelled).
                _ => format!("#{number}: {}", job.label),
            });
        } else if let Some(Some(Outcome::Skipped(why))) = job.outcomes.first() {
            let number = job.items[0].before.ticket_number;
            if state.last_error.is_none() {
                state.say(format!("#{number} not changed: {why}"));
            }
        }
    }
}

/// "Send and set": once the server took the reply, the status goes out in
/// one PATCH over the row as it is now, whose `updated_at` the reply's own
/// time moved (`answers::on_posted`), so our reply is not taken for a
/// colleague's change and anyone else's still is. A failed reply sets
/// nothing. It becomes the action `U` undoes.
fn start_after_post(state: &mut State, job: &Job) {
    let Some(change) = job.after_post.clone() else {
        return;
    };
    // Each ticket whose reply the server took, as it is now.
    let rows: Vec<Ticket> = job
        .items
        .iter()
        .zip(&job.outcomes)
        .filter(|(_, o)| matches!(o, Some(Outcome::Changed)))
        .map(|(item, _)| {
            let id = item.before.id;
            state
                .list
                .table
                .tickets()
                .iter()
                .chain(state.detail.as_ref().map(|d| &d.ticket))
                .filter(|t| t.id == id)
                .max_by_key(|t| t.updated_at)
                .cloned()
                .unwrap_or_else(|| item.after.clone())
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    let mut next = crate::app::triage::run::job_over(state, &change, rows, job.bulk).skip_no_ops();
    // Sent by the `pump` that is finishing this job, like a macro's note.
    state.triage.next_job += 1;
    next.id = state.triage.next_job;
    for item in &next.items {
        replace_row(state, &item.after);
    }
    state.triage.jobs.push(next);
}

/// A macro's note goes out once its PATCH is answered, to the tickets the
/// PATCH reached (changed, or already as the macro leaves them).
fn start_macro_note(state: &mut State, job: &Job) {
    let Some(Change::Macro(m)) = &job.change else {
        return;
    };
    if m.note.is_none() && m.reply.is_none() {
        return;
    }
    let rows: Vec<Ticket> = job
        .items
        .iter()
        .zip(&job.outcomes)
        .filter(|(_, o)| matches!(o, Some(Outcome::Changed | Outcome::Already)))
        .map(|(i, _)| i.after.clone())
        .collect();
    if rows.is_empty() || state.triage.messages_off {
        return;
    }
    if let Some(body) = m.note.clone() {
        let message = NewMessage {
            kind: crate::model::MessageKind::Note,
            body,
        };
        let items = crate::app::triage::macro_run::note_items(&rows);
        let mut note = Job::posting(format!("{}: note", m.name), message, items, job.bulk);
        note.follow_up = true;
        state.triage.next_job += 1;
        note.id = state.triage.next_job;
        state.triage.jobs.push(note);
    }
    // The reply after the note: rows as the PATCH left them, so a
    // `{{status}}` says the status the macro set.
    if let Some(reply) = &m.reply {
        let mut job = crate::app::triage::macro_run::start_reply(
            state, &m.name, reply, &rows, job.bulk, true,
        );
        state.triage.next_job += 1;
        job.id = state.triage.next_job;
        state.triage.jobs.push(job);
    }
}

/// A macro's note answered everywhere: said on the status line (the
/// macro's report, if any, stays open); the macro stays undoable.
fn follow_up_done(state: &mut State, job: &Job) {
    let sent = job.count(|o| matches!(o, Outcome::Changed));
    let failed = job.items.len() - sent;
    let noun = match job.post.as_ref().map(|p| p.kind) {
        Some(crate::model::MessageKind::Reply) => "reply",
        _ => "note",
    };
    if !job.bulk {
        let number = job.items[0].before.ticket_number;
        if failed == 0 {
            state.say(match noun {
                "reply" => format!("#{number}: {} sent", job.label),
                _ => format!(
                    "#{number}: {} (note sent)",
                    job.label.trim_end_matches(": note")
                ),
            });
        }
        // A failure already said why (last_error).
        return;
    }
    let text = if failed == 0 {
        format!(
            "{}: {} sent",
            job.label,
            match (noun, sent) {
                ("reply", 1) => "1 reply".to_string(),
                ("reply", n) => format!("{n} replies"),
                _ => crate::text::count(sent as u64, noun),
            }
        )
    } else {
        format!(
            "{}: {sent} sent, {failed} not sent (running the macro again on them sends it)",
            job.label
        )
    };
    if failed > 0 && state.last_error.is_none() {
        state.fail(text, None);
    } else {
        state.say(text);
    }
}

/// Height of the report popup on a screen `screen_h` rows high, and how
/// many ticket lines fit in it (borders, two lines of summary and the
/// bottom border's hint take the rest).
pub fn report_size(items: usize, screen_h: u16) -> (u16, usize) {
    let h = (items.min(usize::from(u16::MAX)) as u16)
        .saturating_add(5)
        .min(screen_h.saturating_sub(2))
        .max(6);
    (h, usize::from(h.saturating_sub(5)))
}

/// The last useful scroll of the report: its last page.
pub fn report_max_scroll(items: usize, screen_h: u16) -> usize {
    items.saturating_sub(report_size(items, screen_h).1)
}

/// "12 of 23 · 11 changed · 1 failed".
pub fn progress_line(job: &Job) -> String {
    let changed = job.count(|o| matches!(o, Outcome::Changed));
    let failed = job.count(|o| matches!(o, Outcome::Failed(_)));
    let skipped = job.count(|o| matches!(o, Outcome::Skipped(_)));
    let already = job.count(|o| matches!(o, Outcome::Already));
    let theirs = job.count(|o| matches!(o, Outcome::Conflict { .. }));
    let mut s = format!(
        "{} of {} · {changed} {}",
        job.done(),
        tickets(job.items.len()),
        job.done_word()
    );
    if failed > 0 {
        s.push_str(&format!(" · {failed} failed"));
    }
    if skipped > 0 {
        s.push_str(&format!(" · {skipped} skipped"));
    }
    if already > 0 {
        s.push_str(&format!(" · {already} {}", job.already()));
    }
    if theirs > 0 {
        s.push_str(&format!(" · {theirs} changed by someone else"));
    }
    s
}

/// What happened to the marks after a bulk run over them (the report's
/// second line); empty for an undo, which does not run over marks.
pub fn marks_line(job: &Job, unmark_key: &str) -> String {
    if job.undo {
        return String::new();
    }
    let left = job.count(|o| {
        matches!(
            o,
            Outcome::Failed(_) | Outcome::Skipped(_) | Outcome::Conflict { .. }
        )
    });
    let theirs = job.count(|o| matches!(o, Outcome::Conflict { .. }));
    match (left, theirs) {
        (0, _) => "marks cleared".into(),
        (n, 0) => format!(
            "{} failed or skipped: still marked to retry ({unmark_key} unmarks)",
            tickets(n)
        ),
        (n, _) => format!(
            "{} not changed: still marked ({unmark_key} unmarks; F applies yours over theirs)",
            tickets(n)
        ),
    }
}
