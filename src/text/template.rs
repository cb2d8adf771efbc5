//! `{{name}}` placeholders in text the user wrote: canned replies'
//! bodies and the terminal's `[[commands]]`.
//!
//! Parsing checks every placeholder against a vocabulary the caller
//! passes in, so each feature extends the set with its own names (the
//! commands add `id` and `url` to [`REPLY`]) without touching this module.
//! Errors carry byte spans into the source, so `config check` and the
//! reply picker can point at the placeholder with carets.
//!
//! Filling never invents text: a placeholder whose value is unknown (no
//! contacts endpoint, say) stays in the output as written, visible for
//! the user to fill in, and [`has_placeholder`] lets a caller ask before
//! such text leaves the machine.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use super::cells;

/// The placeholders a canned reply's body may hold.
pub const REPLY: &[&str] = &[
    "number",
    "subject",
    "me",
    "requester_name",
    "requester_email",
    "status",
    "inbox",
];

const OPEN: &str = "{{";
const CLOSE: &str = "}}";

/// A parsed template: literal text and placeholders, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    /// `written` is the placeholder as it stood in the source (spaces
    /// inside the braces and all), put back verbatim when no value is known.
    Placeholder {
        name: String,
        written: String,
    },
}

/// Why one placeholder was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// `{{name}}` with a name outside the vocabulary.
    Unknown(String),
    /// `{{}}` or `{{   }}`.
    Empty,
    /// `{{` with no `}}` before the end of its line.
    Unclosed,
}

/// One refused placeholder and where it stands in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    /// Byte range in the source: the whole `{{…}}`, or the `{{` alone
    /// when unclosed.
    pub span: Range<usize>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ProblemKind::Unknown(name) => {
                write!(f, "unknown placeholder {{{{{}}}}}", super::sanitize(name))
            }
            ProblemKind::Empty => f.write_str("empty placeholder {{}}"),
            ProblemKind::Unclosed => f.write_str("\"{{\" without \"}}\" on the same line"),
        }
    }
}

/// Every refused placeholder of a source, in order, and the vocabulary
/// it was checked against (to say what would have been accepted).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.summary())]
pub struct TemplateError {
    pub problems: Vec<Problem>,
    pub known: Vec<String>,
}

impl TemplateError {
    fn summary(&self) -> String {
        let first = self
            .problems
            .first()
            .map(ToString::to_string)
            .unwrap_or_default();
        match self.problems.len() {
            0 | 1 => format!("{first} (known: {})", self.known_list()),
            n => format!("{first} and {} more (known: {})", n - 1, self.known_list()),
        }
    }

    /// The known names as they are written: `{{number}}, {{subject}}, …`.
    pub fn known_list(&self) -> String {
        self.known
            .iter()
            .map(|n| format!("{{{{{n}}}}}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Each problem as three lines: where and what, the source line, and
    /// carets under the placeholder. For `config check` and the picker.
    pub fn report(&self, source: &str) -> Vec<String> {
        let mut out = Vec::new();
        for problem in &self.problems {
            let caret = Caret::locate(source, problem.span.clone());
            out.push(format!(
                "line {}, column {}: {problem}",
                caret.line, caret.column
            ));
            out.push(caret.text);
            out.push(caret.marks);
        }
        out.push(format!("known placeholders: {}", self.known_list()));
        out
    }
}

/// One source line with carets under a span of it, measured in terminal
/// cells, so wide characters before the placeholder don't shift them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caret {
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based column, in cells, of the span's start.
    pub column: usize,
    /// That line, sanitized (tabs become spaces, so the carets line up).
    pub text: String,
    /// Spaces then `^` under the span (cut at the line's end).
    pub marks: String,
}

impl Caret {
    /// Clamps a span that falls outside `source` or off a char boundary
    /// rather than panicking: spans come from [`parse`] of the same text,
    /// but a caller may pair them with an edited copy.
    pub fn locate(source: &str, span: Range<usize>) -> Caret {
        let start = floor_boundary(source, span.start.min(source.len()));
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let end = floor_boundary(source, span.end.clamp(start, line_end));
        let before = super::sanitize(&source[line_start..start]);
        let under = super::sanitize(&source[start..end]);
        let pad = cells::width(&before);
        let len = cells::width(&under).max(1);
        Caret {
            line: source[..line_start].matches('\n').count() + 1,
            column: pad + 1,
            text: super::sanitize(&source[line_start..line_end]).into_owned(),
            marks: format!("{}{}", " ".repeat(pad), "^".repeat(len)),
        }
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Parses `source`, accepting only placeholders named in `known`. Names are
/// matched exactly after trimming spaces inside the braces
/// (`{{ number }}` is `{{number}}`). All problems are reported, not just
/// the first.
pub fn parse(source: &str, known: &[&str]) -> Result<Template, TemplateError> {
    let mut parts = Vec::new();
    let mut problems = Vec::new();
    let mut rest = 0;
    while let Some(found) = source[rest..].find(OPEN) {
        let open = rest + found;
        let inner_start = open + OPEN.len();
        let line_end = source[inner_start..]
            .find('\n')
            .map_or(source.len(), |i| inner_start + i);
        let Some(close) = source[inner_start..line_end].find(CLOSE) else {
            problems.push(Problem {
                kind: ProblemKind::Unclosed,
                span: open..inner_start,
            });
            push_text(&mut parts, &source[rest..inner_start]);
            rest = inner_start;
            continue;
        };
        let inner_end = inner_start + close;
        let end = inner_end + CLOSE.len();
        push_text(&mut parts, &source[rest..open]);
        let name = source[inner_start..inner_end].trim();
        let span = open..end;
        if name.is_empty() {
            problems.push(Problem {
                kind: ProblemKind::Empty,
                span,
            });
        } else if !known.contains(&name) {
            problems.push(Problem {
                kind: ProblemKind::Unknown(name.to_owned()),
                span,
            });
        } else {
            parts.push(Part::Placeholder {
                name: name.to_owned(),
                written: source[open..end].to_owned(),
            });
        }
        rest = end;
    }
    push_text(&mut parts, &source[rest..]);
    if problems.is_empty() {
        Ok(Template { parts })
    } else {
        Err(TemplateError {
            problems,
            known: known.iter().map(|s| (*s).to_owned()).collect(),
        })
    }
}

fn push_text(parts: &mut Vec<Part>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Part::Text(last)) = parts.last_mut() {
        last.push_str(text);
    } else {
        parts.push(Part::Text(text.to_owned()));
    }
}

/// Values to fill placeholders with, by name. A name left out (or set to
/// `None`) is "unknown": its placeholder stays visible.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values {
    map: BTreeMap<String, String>,
}

impl Values {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name` to `value`; `None` leaves it unknown (and clears an
    /// earlier value), so callers can pass an `Option` straight through.
    pub fn set(&mut self, name: &str, value: Option<impl Into<String>>) -> &mut Self {
        match value {
            Some(v) => {
                self.map.insert(name.to_owned(), v.into());
            }
            None => {
                self.map.remove(name);
            }
        }
        self
    }

    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.set(name, Some(value));
        self
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.map.get(name).map(String::as_str)
    }
}

/// A filled template and the placeholders left in it for lack of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    pub text: String,
    /// Names without a value, in order of first appearance, each once.
    pub missing: Vec<String>,
}

impl Template {
    /// Substitutes every placeholder that has a value, verbatim: the caller
    /// decides what a value may hold (sanitized server text for a reply,
    /// shell quoting for a command).
    pub fn fill(&self, values: &Values) -> Filled {
        let mut text = String::new();
        let mut missing: Vec<String> = Vec::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => text.push_str(t),
                Part::Placeholder { name, written } => match values.get(name) {
                    Some(v) => text.push_str(v),
                    None => {
                        text.push_str(written);
                        if !missing.contains(name) {
                            missing.push(name.clone());
                        }
                    }
                },
            }
        }
        Filled { text, missing }
    }

    /// The placeholder names used, in order of first appearance, each once.
    pub fn names(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for part in &self.parts {
            if let Part::Placeholder { name, .. } = part
                && !out.contains(&name.as_str())
            {
                out.push(name);
            }
        }
        out
    }
}

/// Whether `text` still holds a `{{`: a placeholder left unfilled, or one
/// the user typed. Text about to be sent is checked with this, so a
/// customer never receives `{{requester_name}}` without the agent's word.
pub fn has_placeholder(text: &str) -> bool {
    text.contains(OPEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_known_values_and_keeps_text_around_them() {
        let t = parse(
            "Hi {{requester_name}}, re #{{number}}: {{ subject }}.",
            REPLY,
        )
        .unwrap();
        let v = Values::new()
            .with("requester_name", "Ada")
            .with("number", "1042")
            .with("subject", "Login fails");
        let f = t.fill(&v);
        assert_eq!(f.text, "Hi Ada, re #1042: Login fails.");
        assert!(f.missing.is_empty());
        assert!(!has_placeholder(&f.text));
        assert_eq!(t.names(), ["requester_name", "number", "subject"]);
    }

    #[test]
    fn a_placeholder_without_value_stays_as_written_and_is_reported_once() {
        let t = parse("Dear {{ requester_name }}, {{requester_name}}!", REPLY).unwrap();
        let f = t.fill(&Values::new());
        assert_eq!(f.text, "Dear {{ requester_name }}, {{requester_name}}!");
        assert_eq!(f.missing, ["requester_name"]);
        assert!(has_placeholder(&f.text));
    }

    #[test]
    fn a_value_is_inserted_verbatim_even_when_it_looks_like_a_placeholder() {
        let t = parse("{{subject}}", REPLY).unwrap();
        let f = t.fill(&Values::new().with("subject", "{{me}}"));
        assert_eq!(f.text, "{{me}}");
        assert!(f.missing.is_empty());
    }

    #[test]
    fn unknown_empty_and_unclosed_placeholders_are_all_reported_with_spans() {
        let src = "Hi {{name}} {{}}\nand {{me";
        let err = parse(src, REPLY).unwrap_err();
        assert_eq!(
            err.problems,
            vec![
                Problem {
                    kind: ProblemKind::Unknown("name".into()),
                    span: 3..11
                },
                Problem {
                    kind: ProblemKind::Empty,
                    span: 12..16
                },
                Problem {
                    kind: ProblemKind::Unclosed,
                    span: 21..23
                },
            ]
        );
        assert_eq!(&src[3..11], "{{name}}");
        assert!(
            err.to_string()
                .starts_with("unknown placeholder {{name}} and 2 more")
        );
    }

    #[test]
    fn a_close_on_a_later_line_does_not_close_an_earlier_open() {
        let err = parse("{{me\n}}", REPLY).unwrap_err();
        assert_eq!(err.problems[0].kind, ProblemKind::Unclosed);
    }

    #[test]
    fn the_vocabulary_is_the_callers() {
        let mut names = REPLY.to_vec();
        names.extend(["id", "url"]);
        let t = parse("open {{url}} for {{id}}", &names).unwrap();
        let f = t.fill(&Values::new().with("id", "7").with("url", "http://x/7"));
        assert_eq!(f.text, "open http://x/7 for 7");
        assert!(parse("{{url}}", REPLY).is_err());
    }

    #[test]
    fn report_puts_carets_under_the_placeholder_measured_in_cells() {
        let src = "first\n日本 {{nope}} end";
        let err = parse(src, REPLY).unwrap_err();
        let lines = err.report(src);
        assert_eq!(lines[0], "line 2, column 6: unknown placeholder {{nope}}");
        assert_eq!(lines[1], "日本 {{nope}} end");
        assert_eq!(lines[2], "     ^^^^^^^^");
        assert!(lines[3].starts_with("known placeholders: {{number}}, {{subject}}"));
    }

    #[test]
    fn caret_clamps_spans_outside_the_text() {
        let c = Caret::locate("é", 1..99);
        assert_eq!((c.line, c.column, c.marks.as_str()), (1, 1, "^"));
        let c = Caret::locate("ab", 5..9);
        assert_eq!(c.marks, "  ^");
    }

    #[test]
    fn text_without_braces_is_one_part_and_single_braces_are_literal() {
        let t = parse("a {b} } {", REPLY).unwrap();
        assert_eq!(t.fill(&Values::new()).text, "a {b} } {");
        assert!(t.names().is_empty());
    }

    proptest::proptest! {
        /// Any text at all: parsing never panics, every span it reports
        /// lies on char boundaries inside the text, and a template filled
        /// with no values gives back exactly what was written.
        #[test]
        fn parse_is_total_and_an_empty_fill_is_the_identity(
            src in "([a-z ]|\\{|\\}|\\{\\{ ?(me|number|nope)? ?\\}\\}|\n|é|日)*"
        ) {
            match parse(&src, REPLY) {
                Ok(t) => proptest::prop_assert_eq!(t.fill(&Values::new()).text, src),
                Err(e) => {
                    proptest::prop_assert!(!e.problems.is_empty());
                    for p in &e.problems {
                        proptest::prop_assert!(src.is_char_boundary(p.span.start));
                        proptest::prop_assert!(src.is_char_boundary(p.span.end));
                        proptest::prop_assert!(src[p.span.clone()].starts_with("{{"));
                    }
                    let _ = e.report(&src);
                }
            }
        }
    }
}
