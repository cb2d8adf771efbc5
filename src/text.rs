//! The one sanitizer every server-provided string passes before it reaches a
//! terminal cell, a line of `triage list` output, a log line or the clipboard.
//!
//! Why here and not in ratatui: ratatui 0.30 drops control characters on most
//! paths but lets bidi overrides through, and anything printed outside ratatui
//! gets no filtering at all (see PITFALLS.md).

use std::borrow::Cow;

/// Visible stand-in for a dropped control character.
pub const REPLACEMENT: char = '\u{FFFD}';

/// What to do with one character of untrusted text.
enum Fate {
    Keep,
    Space,
    Replace,
    Drop,
}

fn fate(c: char) -> Fate {
    match c {
        '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}' => Fate::Space,
        // C0 controls (ESC included, so every escape sequence is defused), DEL, C1.
        '\u{00}'..='\u{1F}' | '\u{7F}' | '\u{80}'..='\u{9F}' => Fate::Replace,
        // Bidi embeddings/overrides/isolates and marks: they reorder what the
        // user sees (a "Trojan Source" subject) without being visible.
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => Fate::Drop,
        // Zero-width and format characters that glue onto neighbouring cells
        // and throw off width arithmetic; line/paragraph separators; BOM.
        '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' => Fate::Drop,
        '\u{2028}' | '\u{2029}' => Fate::Space,
        _ => Fate::Keep,
    }
}

/// Whether [`sanitize`] would change `c` (a control, a line break, a bidi
/// or zero-width format character): for output that must keep the value
/// but not write `c` raw, such as `triage list --format json`.
pub fn needs_sanitizing(c: char) -> bool {
    !matches!(fate(c), Fate::Keep)
}

/// Returns `s` safe to draw on one line: controls become `�`, tabs and line
/// breaks become spaces, bidi and zero-width format characters are removed.
/// Borrows when nothing needs changing (the common case costs no allocation).
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if s.chars().all(|c| matches!(fate(c), Fate::Keep)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match fate(c) {
            Fate::Keep => out.push(c),
            Fate::Space => out.push(' '),
            Fate::Replace => out.push(REPLACEMENT),
            Fate::Drop => {}
        }
    }
    Cow::Owned(out)
}

/// Like [`sanitize`] but keeps line breaks, for multi-line text such as a
/// message body. `\r\n` and lone `\r` become `\n`.
pub fn sanitize_multiline(s: &str) -> String {
    let normalized = s.replace("\r\n", "\n").replace('\r', "\n");
    normalized
        .split('\n')
        .map(|line| sanitize(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Sanitizes and cuts to at most `max_chars` characters, adding `…` when cut.
/// For error excerpts and log lines, not for width-exact drawing.
pub fn excerpt(s: &str, max_chars: usize) -> String {
    let clean = sanitize(s);
    let clean = clean.trim();
    if clean.chars().count() <= max_chars {
        return clean.to_string();
    }
    let mut out: String = clean.chars().take(max_chars.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Longest subject, name, label, color or other short string kept at
/// decode, in bytes. Far beyond any real one; what is longer is cut, so a
/// hostile or broken server cannot make every frame sanitize megabytes.
pub const MAX_SHORT_TEXT_BYTES: usize = 64 * 1024;
/// Longest message body kept at decode, in bytes.
pub const MAX_BODY_TEXT_BYTES: usize = 1024 * 1024;
/// Ends a string cut at decode (counted in its cap).
pub const CUT_MARKER: &str = "… [cut]";

/// `s` if it fits in `max_bytes`, else its start (cut on a character
/// boundary) followed by [`CUT_MARKER`], `max_bytes` at most in all.
pub fn cap_text(mut s: String, max_bytes: usize) -> String {
    if s.len() <= max_bytes {
        return s;
    }
    let mut end = max_bytes.saturating_sub(CUT_MARKER.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s.push_str(CUT_MARKER);
    s
}

/// "1 ticket", "3 tickets": a count with its noun (regular plurals only).
pub fn count(n: impl Into<u64>, noun: &str) -> String {
    match n.into() {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// Whole seconds in `d`, rounded up, so a countdown never reads 0 while
/// time remains and "retry in 42s" is never early.
pub fn ceil_secs(d: std::time::Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// A countdown as a clock: `m:ss`, or `h:mm:ss` from an hour on.
pub fn clock(total_secs: u64) -> String {
    let (h, m, s) = (total_secs / 3600, total_secs / 60 % 60, total_secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceil_secs_rounds_up_only_a_fraction() {
        use std::time::Duration;
        assert_eq!(ceil_secs(Duration::ZERO), 0);
        assert_eq!(ceil_secs(Duration::from_secs(5)), 5);
        assert_eq!(ceil_secs(Duration::from_millis(1)), 1);
        assert_eq!(ceil_secs(Duration::from_millis(41_200)), 42);
    }

    #[test]
    fn clock_switches_to_hours() {
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(42), "0:42");
        assert_eq!(clock(3599), "59:59");
        assert_eq!(clock(3600), "1:00:00");
        assert_eq!(clock(7384), "2:03:04");
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            sanitize("Refund for order #42 — 返金"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn escape_sequences_are_defused() {
        let hostile = "a\u{1b}]0;pwned\u{07}b\u{1b}[31mc\u{1b}]52;c;aGk=\u{07}";
        let clean = sanitize(hostile);
        assert!(!clean.contains('\u{1b}'));
        assert!(!clean.contains('\u{07}'));
        assert!(
            clean.contains("pwned"),
            "payload stays visible as text: {clean}"
        );
    }

    #[test]
    fn bidi_and_zero_width_are_removed_and_whitespace_flattened() {
        assert_eq!(
            sanitize("abc\u{202E}fed\u{2066}x\u{200B}y\u{FEFF}"),
            "abcfedxy"
        );
        assert_eq!(sanitize("a\tb\nc\r\nd"), "a b c  d");
        assert_eq!(sanitize("del\u{7F}c1\u{9B}"), "del\u{FFFD}c1\u{FFFD}");
    }

    #[test]
    fn multiline_keeps_breaks_only() {
        assert_eq!(
            sanitize_multiline("a\r\nb\rc\n\u{1b}[2Jd"),
            "a\nb\nc\n\u{FFFD}[2Jd"
        );
    }

    #[test]
    fn excerpt_cuts_with_ellipsis() {
        assert_eq!(
            excerpt("  <html>\n<body>oops</body>  ", 100),
            "<html> <body>oops</body>"
        );
        assert_eq!(excerpt("abcdef", 4), "abc…");
    }
}
