//! Splitting the text form into tokens, and reading the values inside a
//! `key:value` token. Every piece keeps its byte span in the whole input so
//! errors can point at it.

use std::ops::Range;

use super::ParseError;

/// One whitespace-separated token of the input. Whitespace inside double
/// quotes does not split; `\"` and `\\` inside quotes are escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub text: &'a str,
    pub span: Range<usize>,
}

pub(crate) fn tokens(input: &str) -> Result<Vec<Token<'_>>, ParseError> {
    let mut out = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut end = input.len();
        let mut quote_start: Option<usize> = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '"' if quote_start.is_some() => quote_start = None,
                '"' => quote_start = Some(i),
                '\\' if quote_start.is_some() => {
                    chars.next();
                }
                c if c.is_whitespace() && quote_start.is_none() => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let text = &input[start..end];
        if let Some(q) = quote_start {
            return Err(ParseError::new(
                q..end,
                text,
                "unclosed quote (a \" needs a matching \")",
            ));
        }
        out.push(Token {
            text,
            span: start..end,
        });
    }
    Ok(out)
}

/// What a token is, before its value is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenKind<'a> {
    /// Plain search text, kept verbatim.
    Free,
    /// `key:value`; `key` is lowercased, `value_start` is the byte offset of
    /// the value inside the token.
    Keyed {
        key: String,
        key_text: &'a str,
        value_start: usize,
    },
    /// `-key:value` with a known key: negation is not supported, and silently
    /// searching for the text would be worse than saying so.
    NegatedKey { key: String },
}

/// A token is keyed when it starts with an ASCII letter followed by letters,
/// digits, `_` or `-` up to a `:`. Anything else (`"phrase"`, `-word`,
/// `12:30`) is search text.
pub(crate) fn classify<'a>(token: &'a str, known: impl Fn(&str) -> bool) -> TokenKind<'a> {
    let Some(colon) = token.find(':') else {
        return TokenKind::Free;
    };
    let head = &token[..colon];
    let key_shaped = |k: &str| {
        let mut cs = k.chars();
        matches!(cs.next(), Some(c) if c.is_ascii_alphabetic())
            && cs.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    if key_shaped(head) {
        return TokenKind::Keyed {
            key: head.to_ascii_lowercase(),
            key_text: head,
            value_start: colon + 1,
        };
    }
    if let Some(rest) = head.strip_prefix('-') {
        let key = rest.to_ascii_lowercase();
        if key_shaped(rest) && known(&key) {
            return TokenKind::NegatedKey { key };
        }
    }
    TokenKind::Free
}

/// A filter or action written without its colon (`created>2026-11-01`,
/// `status=open`) reads as search text, which is almost always a slip:
/// the spelling that was meant, when `token` (unquoted) is one of `keys`
/// followed by `<`, `>` or `=`. Everything that reads such text (the UI's
/// filter line, `--filter`, views, macros) refuses it with this spelling.
pub(crate) fn key_slip(token: &str, keys: &[&str]) -> Option<String> {
    let lower = token.to_ascii_lowercase();
    let key = keys.iter().find(|k| {
        lower.starts_with(*k) && matches!(lower.as_bytes().get(k.len()), Some(b'<' | b'>' | b'='))
    })?;
    let rest = &token[key.len()..];
    Some(match rest.strip_prefix('=') {
        Some(value) => format!("{key}:{value}"),
        None => format!("{key}:{rest}"),
    })
}

/// One value read from inside a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The value with quotes removed and escapes applied.
    pub text: String,
    /// Written in quotes: then it is always literal (never a keyword such as
    /// `none`, `empty` or `today`, never a UUID).
    pub quoted: bool,
    pub span: Range<usize>,
}

/// Reads the value part of one token. `base` is the byte offset of the value
/// in the whole input, so spans it reports are absolute.
pub(crate) struct ValueCursor<'a> {
    s: &'a str,
    pos: usize,
    base: usize,
    token: &'a str,
}

impl<'a> ValueCursor<'a> {
    pub fn new(value: &'a str, base: usize, token: &'a str) -> Self {
        ValueCursor {
            s: value,
            pos: 0,
            base,
            token,
        }
    }

    pub fn is_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    pub fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }

    /// Consumes `c` if it comes next.
    pub fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    /// Absolute span from byte `from` (relative to the value) to here.
    pub fn span_from(&self, from: usize) -> Range<usize> {
        self.base + from..self.base + self.pos.max(from)
    }

    /// Absolute span of the rest of the value (at least one byte wide when
    /// possible, so a caret shows).
    pub fn rest_span(&self) -> Range<usize> {
        self.base + self.pos..self.base + self.s.len()
    }

    pub fn error(&self, span: Range<usize>, message: impl Into<String>) -> ParseError {
        ParseError::new(span, self.token, message)
    }

    /// Reads one item: a quoted string, or bare text up to a character of
    /// `stops` (or the end). Fails on an empty bare item, a quote inside bare
    /// text, or text glued after a closing quote.
    pub fn item(&mut self, what: &str, stops: &[char]) -> Result<Item, ParseError> {
        let start = self.pos;
        if self.eat('"') {
            let mut text = String::new();
            let mut chars = self.s[self.pos..].char_indices();
            let mut closed = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, next)) = chars.next() {
                            text.push(next);
                        }
                    }
                    '"' => {
                        closed = Some(i);
                        break;
                    }
                    c => text.push(c),
                }
            }
            let Some(close) = closed else {
                self.pos = self.s.len();
                return Err(self.error(self.span_from(start), "unclosed quote"));
            };
            self.pos += close + 1;
            if let Some(c) = self.peek()
                && !stops.contains(&c)
            {
                let after = self.pos;
                self.pos = self.s.len();
                return Err(self.error(
                    self.span_from(after),
                    format!("unexpected text after the quoted {what}"),
                ));
            }
            return Ok(Item {
                text,
                quoted: true,
                span: self.span_from(start),
            });
        }
        let rest = &self.s[self.pos..];
        let len = rest.find(|c| stops.contains(&c)).unwrap_or(rest.len());
        let bare = &rest[..len];
        if let Some(q) = bare.find('"') {
            return Err(self.error(
                self.base + self.pos + q..self.base + self.pos + q + 1,
                format!("a quote inside a {what}: put the whole {what} in quotes"),
            ));
        }
        if bare.is_empty() {
            let span = self.base + self.pos..self.base + self.pos;
            return Err(self.error(span, format!("missing {what}")));
        }
        self.pos += len;
        Ok(Item {
            text: bare.to_string(),
            quoted: false,
            span: self.span_from(start),
        })
    }

    /// Reads a comma-separated list of items (`tag:a,"b c",d`).
    pub fn list(&mut self, what: &str) -> Result<Vec<Item>, ParseError> {
        let mut items = vec![self.item(what, &[','])?];
        while self.eat(',') {
            items.push(self.item(what, &[','])?);
        }
        Ok(items)
    }

    /// Fails unless the whole value was read.
    pub fn finish(&self, what: &str) -> Result<(), ParseError> {
        if self.is_end() {
            Ok(())
        } else {
            Err(self.error(
                self.rest_span(),
                format!("unexpected text after the {what}"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        tokens(s).unwrap().into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn splits_on_whitespace_outside_quotes() {
        assert_eq!(
            texts(r#"  a  "b c" assignee:"Ana Lima" x"y z"w "#),
            vec!["a", "\"b c\"", "assignee:\"Ana Lima\"", "x\"y z\"w"]
        );
        assert_eq!(texts(r#""a \" b" c"#), vec![r#""a \" b""#, "c"]);
        assert!(texts("   ").is_empty());
    }

    #[test]
    fn spans_are_byte_offsets() {
        let t = tokens("é  tag:x").unwrap();
        assert_eq!(t[0].span, 0..2);
        assert_eq!(t[1].span, 4..9);
    }

    #[test]
    fn unclosed_quote_points_at_the_quote() {
        let e = tokens(r#"ok "refund policy"#).unwrap_err();
        assert_eq!(e.span, 3..17);
        assert!(e.message.contains("unclosed quote"));
    }

    #[test]
    fn classifies_keys() {
        let known = |k: &str| k == "tag";
        assert!(
            matches!(classify("tag:x", known), TokenKind::Keyed { ref key, value_start: 4, .. } if key == "tag")
        );
        assert!(
            matches!(classify("Foo-1:x", known), TokenKind::Keyed { ref key, .. } if key == "foo-1")
        );
        assert_eq!(
            classify("-tag:x", known),
            TokenKind::NegatedKey { key: "tag".into() }
        );
        assert_eq!(classify("-foo:x", known), TokenKind::Free);
        assert_eq!(classify("12:30", known), TokenKind::Free);
        assert_eq!(classify("\"a:b\"", known), TokenKind::Free);
        assert_eq!(classify("word", known), TokenKind::Free);
    }

    #[test]
    fn reads_items_and_lists() {
        let mut c = ValueCursor::new(r#"a,"b \"c\"",d"#, 10, "");
        let items = c.list("tag").unwrap();
        let got: Vec<_> = items.iter().map(|i| (i.text.as_str(), i.quoted)).collect();
        assert_eq!(got, vec![("a", false), ("b \"c\"", true), ("d", false)]);
        assert_eq!(items[0].span, 10..11);
        assert_eq!(items[1].span, 12..21);
        assert!(c.is_end());
    }

    #[test]
    fn item_errors() {
        let mut c = ValueCursor::new("a,,b", 0, "");
        assert_eq!(c.list("tag").unwrap_err().message, "missing tag");
        let mut c = ValueCursor::new("ab\"c\"", 0, "");
        assert_eq!(c.item("name", &[]).unwrap_err().span, 2..3);
        let mut c = ValueCursor::new("\"ab\"cd", 0, "");
        assert_eq!(c.item("name", &[]).unwrap_err().span, 4..6);
    }
}
