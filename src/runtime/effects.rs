//! Carrying out `update`'s effects: requests spawned as tasks that answer
//! with a message, and what is written to the terminal (clipboard, title,
//! notifications).

use std::io;

use base64::Engine;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use super::Screen;
use crate::app::msg::{Effect, Msg};
use crate::app::news::Notification;
use crate::app::source::TicketSource;
use crate::text::sanitize;

pub(super) enum Flow {
    Continue,
    Quit,
    Resumed,
    /// Open the editor (needs the input paused, which only the loop has).
    Compose(Box<crate::app::triage::ComposeRequest>),
    /// Run a command with the terminal handed over (the same path).
    Shell(Box<crate::app::commands::CommandRun>),
}

pub(super) fn execute_effect<S: TicketSource, D: Screen>(
    effect: Effect,
    source: &S,
    tx: &UnboundedSender<Msg>,
    screen: &mut D,
    tasks: &mut Vec<(u64, AbortHandle)>,
) -> anyhow::Result<Flow> {
    match effect {
        Effect::FetchPage {
            generation,
            filter,
            page,
            per_page,
        } => {
            let (source, tx) = (source.clone(), tx.clone());
            let handle = tokio::spawn(async move {
                let result = source.page(&filter, page, per_page).await;
                let _ = tx.send(Msg::PageLoaded {
                    generation,
                    page,
                    result,
                });
            });
            tasks.push((generation, handle.abort_handle()));
        }
        Effect::FetchDetail { generation, id } => {
            let (source, tx) = (source.clone(), tx.clone());
            tokio::spawn(async move {
                let result = source.detail(id).await.map(Box::new);
                let _ = tx.send(Msg::DetailLoaded { generation, result });
            });
        }
        Effect::FetchMessages {
            generation,
            id,
            page,
            per_page,
        } => {
            let (source, tx) = (source.clone(), tx.clone());
            tokio::spawn(async move {
                let result = source.messages(id, page, per_page).await;
                let _ = tx.send(Msg::MessagesLoaded { generation, result });
            });
        }
        Effect::FetchRowDetail { id } => {
            let (source, tx) = (source.clone(), tx.clone());
            tokio::spawn(async move {
                let result = source.detail(id).await.map(Box::new);
                let _ = tx.send(Msg::RowDetailLoaded { id, result });
            });
        }
        Effect::FetchContact { id } => {
            let (source, tx) = (source.clone(), tx.clone());
            tokio::spawn(async move {
                let result = source.contact(id).await;
                let _ = tx.send(Msg::ContactLoaded { id, result });
            });
        }
        Effect::LoadNames { generation } => {
            let (source, tx) = (source.clone(), tx.clone());
            tokio::spawn(async move {
                let loaded = source.load_names().await;
                let _ = tx.send(Msg::NamesLoaded { generation, loaded });
            });
        }
        Effect::UpdateTicket {
            write,
            id,
            patch,
            since,
        } => {
            // Not tracked for aborting: a write, once sent, is let finish so
            // its answer (and the row's true state) is never lost.
            let (source, tx) = (source.clone(), tx.clone());
            tokio::spawn(async move {
                let result = source.update_ticket(id, &patch, since).await.map(Box::new);
                let _ = tx.send(Msg::TicketUpdated { write, result });
            });
        }
        Effect::ClearRateLimit => source.clear_rate_limit(),
        Effect::Copy(text) => {
            if let Err(e) = screen.write_raw(osc52(&text).as_bytes()) {
                let _ = tx.send(Msg::EffectFailed(format!("clipboard: {e}")));
            }
        }
        Effect::CopyCurl {
            filter,
            page,
            per_page,
        } => match source.curl_command(&filter, page, per_page) {
            Ok(cmd) => {
                if let Err(e) = screen.write_raw(osc52(&cmd).as_bytes()) {
                    let _ = tx.send(Msg::EffectFailed(format!("clipboard: {e}")));
                }
            }
            Err(message) => {
                let _ = tx.send(Msg::EffectFailed(message));
            }
        },
        Effect::OpenUrl(url) => {
            if let Err(e) = open_url(&url) {
                let _ = tx.send(Msg::EffectFailed(format!("could not open a browser: {e}")));
            }
        }
        Effect::FetchViewCount {
            name,
            generation,
            filter,
            new_since,
        } => {
            let (source, tx) = (source.clone(), tx.clone());
            tokio::spawn(async move {
                let result = super::view_count::count_view(&source, &filter, new_since).await;
                let _ = tx.send(Msg::ViewCount {
                    name,
                    generation,
                    result,
                });
            });
        }
        Effect::EditViews { path, edit, loaded } => {
            let tx = tx.clone();
            // A file write: off the event loop's thread.
            tokio::task::spawn_blocking(move || {
                let result = crate::config::edit_views(&path, &edit, loaded)
                    .map_err(|e| sanitize(&e.to_string()).into_owned());
                let _ = tx.send(Msg::ViewsEdited { edit, result });
            });
        }
        Effect::SetTitle(title) => {
            super::terminal::save_title_once(screen);
            // Best effort: a title that could not be written is no error.
            let _ = screen.write_raw(osc_title(&title).as_bytes());
        }
        Effect::Notify(notification) => {
            let _ = screen.write_raw(&notification_bytes(&notification));
        }
        Effect::PostMessage { write, id, message } => {
            // Like a PATCH: let finish, never retried here.
            let (source, tx) = (source.clone(), tx.clone());
            tokio::spawn(async move {
                let result = source
                    .post_message(id, &message)
                    .await
                    .map(|m| m.created_at);
                let _ = tx.send(Msg::MessagePosted { write, result });
            });
        }
        Effect::SaveDraft { drafts, post } => {
            // A small file, on the loop's thread: the answer decides
            // whether anything is sent. Ending in a newline, so an editor
            // that appends to a restored draft starts a line of its own.
            let text = format!("{}\n", post.body);
            let result = drafts
                .save(post.owner(), post.kind, &text)
                .map_err(|e| sanitize(&draft_error(&e)).into_owned());
            let _ = tx.send(Msg::DraftSaved { post, result });
        }
        Effect::CheckNews(check) => {
            // Both reads at once: the agent is waiting to send.
            let (source, tx) = (source.clone(), tx.clone());
            tokio::spawn(async move {
                let id = check.id();
                let (ticket, messages) = tokio::join!(
                    source.detail(id),
                    source.messages(id, check.page, check.per_page)
                );
                let _ = tx.send(Msg::NewsChecked {
                    check,
                    ticket: ticket.map(Box::new),
                    messages,
                });
            });
        }
        Effect::RemoveDraft { drafts, draft } => {
            if let Err(e) = drafts.remove(&draft) {
                tracing::warn!(error = %e, "could not remove a sent draft");
            }
        }
        Effect::Remember(r) => super::remember(&r),
        Effect::Compose(request) => return Ok(Flow::Compose(request)),
        Effect::RunCommand(run) if !run.background => return Ok(Flow::Shell(run)),
        Effect::RunCommand(run) => {
            let tx = tx.clone();
            // A process and a wait: off the loop, on a blocking thread.
            tokio::task::spawn_blocking(move || {
                let result = super::shell::run_captured(&run);
                let _ = tx.send(Msg::CommandDone {
                    name: run.name,
                    result,
                });
            });
        }
        Effect::Suspend => {
            screen.suspend()?;
            return Ok(Flow::Resumed);
        }
        Effect::Quit => return Ok(Flow::Quit),
    }
    Ok(Flow::Continue)
}

/// OSC 52 "set clipboard" sequence for `text`, sanitized first so the
/// payload can carry no control characters of its own.
pub fn osc52(text: &str) -> String {
    let clean = sanitize(text);
    let encoded = base64::engine::general_purpose::STANDARD.encode(clean.as_bytes());
    format!("\x1b]52;c;{encoded}\x07")
}

/// OSC 2 "set window title", the text made safe inside the sequence.
pub fn osc_title(title: &str) -> String {
    format!("\x1b]2;{}\x07", crate::app::news::osc_safe(title))
}

/// A bell, or a desktop notification both as OSC 777 (rxvt, foot,
/// WezTerm, Ghostty) and OSC 9 (iTerm2, Windows Terminal, kitty): each
/// terminal shows the one it knows and ignores the other.
pub fn notification_bytes(notification: &Notification) -> Vec<u8> {
    match notification {
        Notification::Bell => b"\x07".to_vec(),
        Notification::Desktop { title, body } => {
            let (title, body) = (
                crate::app::news::osc_safe(title),
                crate::app::news::osc_safe(body),
            );
            format!("\x1b]777;notify;{title};{body}\x1b\\\x1b]9;{body}\x1b\\").into_bytes()
        }
    }
}

/// Starts the platform's URL opener without waiting on the UI thread.
fn open_url(url: &str) -> io::Result<()> {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let mut child = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    // Reap it off the event loop so no zombie stays behind.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

/// Why a draft could not be saved, short enough for the question it goes
/// into: the system's words for an OS error ("No space left on device
/// (os error 28)"), without the random temporary file's path the error
/// carries; any other error as it is (a refused link says where).
fn draft_error(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code).to_string(),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_payload_is_sanitized_and_encoded() {
        let seq = osc52("#42\x1b]0;x\x07");
        assert!(seq.starts_with("\x1b]52;c;") && seq.ends_with('\x07'));
        let body = &seq["\x1b]52;c;".len()..seq.len() - 1];
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap();
        let decoded = String::from_utf8(decoded).unwrap();
        assert!(!decoded.contains('\x1b') && !decoded.contains('\x07'));
        assert!(decoded.starts_with("#42"));
    }

    #[test]
    fn notifications_and_titles_cannot_end_their_sequence_early() {
        assert_eq!(notification_bytes(&Notification::Bell), b"\x07");
        let desktop = Notification::Desktop {
            title: "triage".into(),
            body: "2 new tickets: a;b\x1b\\c\x07d".into(),
        };
        let bytes = String::from_utf8(notification_bytes(&desktop)).unwrap();
        assert_eq!(
            bytes,
            "\x1b]777;notify;triage;2 new tickets: ab\u{fffd}\\c\u{fffd}d\x1b\\\x1b]9;2 new tickets: ab\u{fffd}\\c\u{fffd}d\x1b\\"
        );
        assert_eq!(
            osc_title("triage (3 new)\x07;"),
            "\x1b]2;triage (3 new)\u{fffd}\x07"
        );
    }
}
