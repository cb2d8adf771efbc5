//! The one sanitizer every server-provided string passes before it reaches a
//! terminal cell, a line of `triage list` output, a log line or the clipboard.
//!
//! Why here and not in ratatui: ratatui 0.30 drops control characters on most
//! paths but lets bidi overrides through, and anything printed outside ratatui
//! gets no filtering at all (see PITFALLS.md).

pub mod cells;
pub mod template;
pub mod time;

use std::borrow::Cow;

/// Visible stand-in for a dropped control character.
pub const REPLACEMENT: char = '\u{FFFD}';

/// Most combining marks kept on one base character. Real text needs a few
/// (Vietnamese stacks two, some Indic and Hebrew text three or four);
/// "Zalgo" text stacks hundreds, which terminals draw over the rows above
/// and below.
pub const MAX_MARKS: usize = 4;

const VS16: char = '\u{FE0F}';

/// What to do with one character of untrusted text.
enum Fate {
    Keep,
    Space,
    Replace,
    Drop,
}

/// Characters dropped wherever they stand: invisible ones that reorder what
/// the user sees (bidi, a "Trojan Source" subject), glue onto neighbouring
/// cells and throw off width arithmetic (zero-width, joiners), or hide text
/// (tag characters, fillers). That is every default-ignorable code point
/// and every format character (Unicode Cf), except VS16, which
/// [`Scan::fate`] keeps where it makes an emoji.
fn invisible(c: char) -> bool {
    matches!(
        c,
        // Default_Ignorable_Code_Point (DerivedCoreProperties.txt).
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
            // The rest of General_Category=Cf: prepended concatenation
            // marks, interlinear annotation, hieroglyph format controls.
            | '\u{0600}'..='\u{0605}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
    )
}

/// Whether VS16 after `c` makes an emoji presentation that the width
/// tables count as two cells ("⚠" is one cell, "⚠️" two). Only there is it
/// kept: elsewhere it is invisible, and ratatui's cells (which measure
/// whole graphemes with the same tables) agree with what we measure.
fn takes_emoji_presentation(c: char) -> bool {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let mut buf = [0u8; 8];
    let len = c.encode_utf8(&mut buf).len();
    let pair = VS16.encode_utf8(&mut buf[len..]).len() + len;
    let pair = std::str::from_utf8(&buf[..pair]).unwrap_or_default();
    pair.width() > c.width().unwrap_or(0)
}

/// A combining mark or another character drawn on the previous cell.
fn is_mark(c: char) -> bool {
    use unicode_width::UnicodeWidthChar;
    !c.is_ascii() && c.width() == Some(0)
}

/// Left-to-right state of one line: what the last kept character was and
/// how many marks sit on it, which decide the fate of VS16 and of marks.
#[derive(Default)]
struct Scan {
    last: Option<char>,
    marks: usize,
}

impl Scan {
    /// The fate of `c` after what was kept so far; records what is kept.
    fn fate(&mut self, c: char) -> Fate {
        let fate = match c {
            ' '..='~' => Fate::Keep,
            '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{2028}' | '\u{2029}' => Fate::Space,
            // C0 controls (ESC included, so every escape sequence is
            // defused), DEL, C1.
            '\u{00}'..='\u{1F}' | '\u{7F}' | '\u{80}'..='\u{9F}' => Fate::Replace,
            VS16 if self.marks == 0 && self.last.is_some_and(takes_emoji_presentation) => {
                Fate::Keep
            }
            c if invisible(c) => Fate::Drop,
            c if is_mark(c) && self.marks >= MAX_MARKS => Fate::Drop,
            _ => Fate::Keep,
        };
        match fate {
            Fate::Keep if c != VS16 && is_mark(c) => self.marks += 1,
            Fate::Keep => self.keep_base(c),
            Fate::Space => self.keep_base(' '),
            Fate::Replace => self.keep_base(REPLACEMENT),
            Fate::Drop => {}
        }
        fate
    }

    fn keep_base(&mut self, c: char) {
        // After VS16 the emoji is complete: a second VS16 is dropped.
        self.last = (c != VS16).then_some(c);
        self.marks = 0;
    }
}

/// Whether [`sanitize`] would change `c` (a control, a line break, a bidi
/// or zero-width format character): for output that must keep the value
/// but not write `c` raw, such as `triage list --format json`.
/// Judged alone, so a VS16 counts as invisible wherever it stands.
pub fn needs_sanitizing(c: char) -> bool {
    !matches!(Scan::default().fate(c), Fate::Keep)
}

/// Returns `s` safe to draw on one line: controls become `�`, tabs and line
/// breaks become spaces; bidi, zero-width, format and other invisible
/// characters are removed, and so are combining marks past [`MAX_MARKS`]
/// on one character. Borrows when nothing needs changing (the common case
/// costs no allocation).
pub fn sanitize(s: &str) -> Cow<'_, str> {
    let mut scan = Scan::default();
    let mut chars = s.char_indices();
    let (clean_to, first, fate) = loop {
        let Some((i, c)) = chars.next() else {
            return Cow::Borrowed(s);
        };
        match scan.fate(c) {
            Fate::Keep => {}
            fate => break (i, c, fate),
        }
    };
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..clean_to]);
    push(&mut out, first, fate);
    for (_, c) in chars {
        let fate = scan.fate(c);
        push(&mut out, c, fate);
    }
    Cow::Owned(out)
}

fn push(out: &mut String, c: char, fate: Fate) {
    match fate {
        Fate::Keep => out.push(c),
        Fate::Space => out.push(' '),
        Fate::Replace => out.push(REPLACEMENT),
        Fate::Drop => {}
    }
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
    fn variation_selectors_go_except_vs16_that_makes_an_emoji() {
        // "⚠️" is two cells with VS16, one without: it stays as sent.
        assert!(matches!(sanitize("⚠️ Escalations"), Cow::Borrowed(_)));
        assert_eq!(sanitize("1\u{FE0F}\u{20E3}"), "1\u{FE0F}\u{20E3}");
        // After a letter, a second time, or a text selector: invisible.
        assert_eq!(sanitize("a\u{FE0F}b"), "ab");
        assert_eq!(sanitize("⚠\u{FE0F}\u{FE0F}"), "⚠\u{FE0F}");
        assert_eq!(sanitize("\u{FE0F}start"), "start");
        assert_eq!(sanitize("⚠\u{FE0E}x\u{FE00}y\u{E0100}"), "⚠xy");
        // Mongolian free variation selectors and vowel separator.
        assert_eq!(sanitize("a\u{180B}\u{180E}b"), "ab");
    }

    #[test]
    fn tag_characters_and_invisible_format_characters_go() {
        // A flag's tag sequence, and a tag-smuggled word.
        assert_eq!(
            sanitize("🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}"),
            "🏴"
        );
        assert_eq!(sanitize("ok\u{E0001}\u{E0069}\u{E0067}"), "ok");
        // Deprecated format characters, interlinear annotation, the
        // combining grapheme joiner, prepended concatenation marks.
        assert_eq!(sanitize("a\u{206A}\u{206F}b"), "ab");
        assert_eq!(sanitize("a\u{FFF9}b\u{FFFA}c\u{FFFB}"), "abc");
        assert_eq!(sanitize("a\u{034F}b"), "ab");
        assert_eq!(sanitize("\u{0600}12\u{06DD}"), "12");
        assert_eq!(sanitize("a\u{2065}b\u{1D173}c"), "abc");
    }

    #[test]
    fn hangul_fillers_go_and_syllables_stay() {
        assert_eq!(sanitize("\u{115F}\u{1160}x\u{3164}y\u{FFA0}"), "xy");
        assert!(matches!(sanitize("한국어 고객"), Cow::Borrowed(_)));
    }

    #[test]
    fn combining_marks_are_capped_per_character() {
        let zalgo: String = std::iter::once('e')
            .chain(std::iter::repeat_n('\u{0301}', 200))
            .chain(std::iter::once('f'))
            .chain(std::iter::repeat_n('\u{0323}', 3))
            .collect();
        let clean = sanitize(&zalgo);
        assert_eq!(clean, "e\u{301}\u{301}\u{301}\u{301}f\u{323}\u{323}\u{323}");
        // Real text keeps its marks: Vietnamese stacks two.
        assert!(matches!(sanitize("Nguyễn Việt"), Cow::Borrowed(_)));
        assert!(matches!(sanitize("e\u{0302}\u{0301}"), Cow::Borrowed(_)));
        // A dropped character in between does not reset the count.
        let hidden = "e\u{301}\u{301}\u{200B}\u{301}\u{301}\u{301}";
        assert_eq!(sanitize(hidden), "e\u{301}\u{301}\u{301}\u{301}");
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
