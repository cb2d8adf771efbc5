//! The compact text form of a [`TicketFilter`], used by `triage list
//! --filter`, the UI's filter line and saved views.
//!
//! ```text
//! status:open,waiting priority:urgent assignee:none tag:billing tag:vip
//! inbox:Support field:plan=Enterprise field:region=empty
//! created:>2026-11-01 updated:<7d sort:priority order:desc "refund policy" -spam
//! ```
//!
//! # Tokens
//!
//! The input is split on whitespace; whitespace inside double quotes does
//! not split, and inside quotes `\"` is a quote and `\\` a backslash. A token
//! `key:value` (the key starts with an ASCII letter) sets a filter; every
//! other token is search text.
//!
//! | token | meaning |
//! |---|---|
//! | `status:open,waiting` | status categories, any of: `open`, `in_progress` (also `in-progress`), `waiting`, `resolved`, `closed`; repeatable |
//! | `priority:urgent` | `low`, `normal`, `high`, `urgent` |
//! | `assignee:none` | unassigned (also `assignee:unassigned`) |
//! | `assignee:"Ana Lima"` | an agent by name or UUID |
//! | `inbox:Support` | an inbox by name or UUID |
//! | `tag:billing tag:vip`, `tag:billing,vip` | tags the ticket must all carry |
//! | `field:plan=Enterprise` | a custom field by its key; select options by label or UUID |
//! | `field:region=empty` | the field has no value (`__empty__`) |
//! | `created:>X`, `created:<X`, `updated:>X`, `updated:<X` | date bounds, see below |
//! | `sort:created`, `sort:updated`, `sort:priority` | also `created_at`, `updated_at` |
//! | `order:asc`, `order:desc` | |
//! | `query:"text"` | search text given literally (the formatter uses it for text that would not survive as plain words) |
//!
//! Keys are case-insensitive. A token with an unknown key (`foo:bar`) is an
//! error rather than search text, so a typo never silently turns into a
//! search; to search for such text, quote it: `"foo:bar"`. `-status:open`
//! is an error too (negating a filter is not supported), and so is a key
//! written without its colon (`created>2026-11-01`, `status=open`): it
//! would be searched as text, so the error says what was meant; quoted,
//! it is searched for.
//!
//! # Values
//!
//! A value is bare (`tag:vip`) or quoted (`assignee:"Ana Lima"`). A quoted
//! value is always literal: `assignee:"none"` is a user named "none",
//! `field:region="empty"` is the text "empty", `tag:"3f…"` is a tag *named*
//! like a UUID (sent as that UUID if no tag has that name). A bare value that parses as a UUID is a UUID. In lists
//! (`status:`, `tag:`) a comma separates items; in `field:` the first `=`
//! ends the key.
//!
//! # Dates
//!
//! `X` is a date (`2026-11-01`, midnight UTC), an instant (`2026-11-01T09:30:00Z`,
//! `2026-11-01T09:30:00+02:00`; without an offset it is UTC), `today` (midnight
//! UTC today), `yesterday` (midnight UTC the day before), or a span before now: `30m`, `24h`, `7d`, `2w`.
//!
//! - For a date, an instant or `today`, `>` means after and `<` before:
//!   `created:>2026-11-01` is `created_after=2026-11-01T00:00:00Z`.
//! - For a span, the operator reads as an age: `updated:<7d` is "updated less
//!   than 7 days ago" (`updated_after` = now − 7 days), `updated:>7d` is "more
//!   than 7 days ago" (`updated_before` = now − 7 days).
//!
//! Spans and `today` stay relative in the filter and resolve against `now`
//! when the query pairs are built, so a saved view means the same thing
//! tomorrow.
//!
//! # Search text
//!
//! Every other token goes to `query` verbatim, in PostgreSQL websearch syntax
//! (words, `"quoted phrase"`, `or`, `-word`); the parts are joined in order
//! with single spaces.
//!
//! # Canonical form
//!
//! [`format()`] writes the keys in a fixed order (status, priority, assignee,
//! inbox, tags, fields by key, created after/before, updated after/before,
//! sort, order, search text last), quoting only where needed.
//! `parse(&format(f)) == f` for every filter the text form can express, that
//! is every filter except those holding `StatusCategory::Other` /
//! `PriorityLevel::Other` values, empty names, or instants outside the years
//! 0000–9999. `format(parse(s))` is therefore stable.

mod format;
pub(crate) mod lex;
pub(crate) mod parse;

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use unicode_width::UnicodeWidthStr;

use super::TicketFilter;
pub use format::format;
pub(crate) use format::value_text;
pub use lex::Item;
pub use parse::{KEYS, parse, parse_key_value};

/// A parse failure, pointing at the part of the input that caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte range of the offending text in the input (may be empty at the
    /// point where something is missing).
    pub span: Range<usize>,
    /// The whole token the error is in, for the one-line message.
    pub token: String,
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(span: Range<usize>, token: &str, message: impl Into<String>) -> Self {
        ParseError {
            span,
            token: token.to_string(),
            message: message.into(),
        }
    }

    /// A line of spaces and carets to print under `input`, marking the span
    /// in terminal columns (wide characters count two).
    pub fn caret_line(&self, input: &str) -> String {
        let start = floor_char_boundary(input, self.span.start);
        let end = floor_char_boundary(input, self.span.end.max(start));
        let pad = input[..start].width();
        let marked = input[start..end].width().max(1);
        format!("{}{}", " ".repeat(pad), "^".repeat(marked))
    }

    /// Three lines for a terminal: the input, the carets, the message.
    pub fn render(&self, input: &str) -> String {
        format!("{input}\n{}\n{}", self.caret_line(input), self.message)
    }
}

fn floor_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.token.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.token, self.message)
        }
    }
}

impl std::error::Error for ParseError {}

impl FromStr for TicketFilter {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

impl fmt::Display for TicketFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_line_counts_columns() {
        let input = "tag:日本 priority:urgnt";
        let start = input.find("urgnt").unwrap();
        let e = ParseError::new(start..start + 5, "priority:urgnt", "unknown priority");
        assert_eq!(e.caret_line(input), format!("{}^^^^^", " ".repeat(18)));
        let empty = ParseError::new(input.len()..input.len(), "", "x");
        assert!(empty.caret_line(input).ends_with(" ^"));
    }

    #[test]
    fn display_names_the_token() {
        let e = ParseError::new(9..14, "priority:urgnt", "unknown priority 'urgnt'");
        assert_eq!(e.to_string(), "priority:urgnt: unknown priority 'urgnt'");
    }
}
