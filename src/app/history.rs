//! The `↑`/`↓` histories of the `:` filter line and the `/` search line:
//! oldest first, each text once (the newest use wins), bounded. Kept across
//! runs in the session file (see `app::persist`), so what is read back from
//! disk goes through [`from_disk`] first.

/// Entries kept per line.
pub const HISTORY: usize = 50;
/// An entry longer than this (bytes) is not kept: a filter or a search is a
/// line, and a file edited by hand must not fill the input.
const MAX_ENTRY: usize = 4096;

/// Keeps an applied text for `↑`, once, newest last.
pub fn remember(history: &mut Vec<String>, text: &str) {
    let text = text.trim();
    if text.is_empty() || text.len() > MAX_ENTRY {
        return;
    }
    history.retain(|t| t != text);
    history.push(text.to_string());
    if history.len() > HISTORY {
        let over = history.len() - HISTORY;
        history.drain(..over);
    }
}

/// A history as read back from a file: each entry made safe to draw
/// (untrusted text), blank and oversized ones dropped, duplicates folded
/// into their newest use, the newest [`HISTORY`] kept.
pub fn from_disk(entries: Vec<String>) -> Vec<String> {
    let mut history = Vec::new();
    for entry in entries {
        remember(&mut history, &crate::text::sanitize(&entry));
    }
    history
}

/// One step of `↑` (`older`) or `↓` through `history`, like a shell's:
/// `recalled` is where browsing stands and the text typed before it began
/// (`↓` past the newest returns it). Returns the text to put in the line,
/// `None` when nothing changes.
pub fn recall(
    history: &[String],
    recalled: &mut Option<(usize, String)>,
    typed: &str,
    older: bool,
) -> Option<String> {
    let pos = match (&*recalled, older) {
        (None, true) => history.len().checked_sub(1),
        (None, false) => None,
        (Some((i, _)), true) => Some(i.saturating_sub(1)),
        (Some((i, _)), false) => Some(i + 1),
    };
    let draft = recalled
        .take()
        .map_or_else(|| typed.to_string(), |(_, d)| d);
    match pos.and_then(|i| history.get(i).map(|t| (i, t))) {
        Some((i, text)) => {
            *recalled = Some((i, draft));
            Some(text.clone())
        }
        None if pos.is_some() => Some(draft),
        None => None,
    }
}
