//! A macro's `actions` text → [`Step`]s, before any name is looked up.
//! Tokens are split as in the filter's text form (whitespace outside double
//! quotes), so quoting and escapes work the same in both.

use std::ops::Range;

use crate::filter::text::ParseError;
use crate::filter::text::lex::{Item, TokenKind, ValueCursor, classify, key_slip, tokens};

/// Every key of the action language, in the order `?` and errors list them.
pub const ACTION_KEYS: &[&str] = &[
    "status", "priority", "assignee", "inbox", "tag", "field", "snooze", "note", "reply",
];

/// One action as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Status(Item),
    Priority(Item),
    Assignee(Item),
    Inbox(Item),
    /// `+tag:a,b` adds, `-tag:a` removes.
    Tags {
        add: bool,
        items: Vec<Item>,
    },
    /// `field:plan=Enterprise`; `value` is `None` for `field:plan=empty`.
    Field {
        key: Item,
        value: Option<Item>,
    },
    /// `snooze:4h`: read when the macro runs, not when it is loaded.
    Snooze(Item),
    Note(Item),
    /// `reply:"Thanks"`: a canned reply (`[[replies]]`) by name, sent to
    /// the customer after the change.
    Reply(Item),
}

/// A step with the byte span of its whole token, for errors about the
/// step as a whole ("status given twice").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned {
    pub step: Step,
    pub span: Range<usize>,
}

/// Reads the whole actions text. An empty text is an error: a macro that
/// does nothing is a mistake worth saying.
pub fn parse_actions(input: &str) -> Result<Vec<Spanned>, ParseError> {
    let tokens = tokens(input)?;
    if tokens.is_empty() {
        return Err(ParseError::new(
            0..input.len(),
            "",
            format!("no actions (use {})", ACTION_KEYS.join(":, ") + ":"),
        ));
    }
    tokens
        .iter()
        .map(|t| {
            let (sign, body, offset) = match t.text.as_bytes().first() {
                Some(b'+') => (Some(true), &t.text[1..], 1),
                Some(b'-') => (Some(false), &t.text[1..], 1),
                _ => (None, t.text, 0),
            };
            let step = step(t.text, t.span.start + offset, body, sign)?;
            Ok(Spanned {
                step,
                span: t.span.clone(),
            })
        })
        .collect()
}

fn step(token: &str, start: usize, body: &str, sign: Option<bool>) -> Result<Step, ParseError> {
    let span = start..start + body.len();
    let TokenKind::Keyed {
        key, value_start, ..
    } = classify(body, |k| ACTION_KEYS.contains(&k))
    else {
        let message = match key_slip(body, ACTION_KEYS) {
            Some(meant) => format!("'{token}' is missing its colon: did you mean {meant}?"),
            None => format!(
                "'{token}' is not an action: write key:value ({})",
                ACTION_KEYS.join(", ")
            ),
        };
        return Err(ParseError::new(span, token, message));
    };
    if !ACTION_KEYS.contains(&key.as_str()) {
        let key_span = start..start + value_start - 1;
        return Err(ParseError::new(
            key_span,
            token,
            format!(
                "unknown action '{key}' (actions: {})",
                ACTION_KEYS.join(", ")
            ),
        ));
    }
    match (key.as_str(), sign) {
        ("tag", None) => {
            return Err(ParseError::new(
                span,
                token,
                "write +tag:name to add a tag or -tag:name to remove one",
            ));
        }
        ("tag", Some(_)) => {}
        (_, Some(_)) => {
            return Err(ParseError::new(
                start - 1..start,
                token,
                format!("only tags take + or - ({key}:… sets the value)"),
            ));
        }
        _ => {}
    }
    let mut v = ValueCursor::new(&body[value_start..], start + value_start, token);
    if v.is_end() {
        return Err(v.error(v.rest_span(), format!("missing value for {key}")));
    }
    let step = match key.as_str() {
        "tag" => Step::Tags {
            add: sign == Some(true),
            items: v.list("tag")?,
        },
        "field" => {
            let key = v.item("field key", &['='])?;
            if !v.eat('=') {
                return Err(v.error(
                    v.rest_span(),
                    "write field:key=value (or field:key=empty to clear it)",
                ));
            }
            let value = v.item("field value", &[])?;
            let clears = !value.quoted && value.text.eq_ignore_ascii_case("empty");
            Step::Field {
                key,
                value: (!clears).then_some(value),
            }
        }
        other => {
            let item = v.item(other, &[])?;
            match other {
                "status" => Step::Status(item),
                "priority" => Step::Priority(item),
                "assignee" => Step::Assignee(item),
                "inbox" => Step::Inbox(item),
                "snooze" => Step::Snooze(item),
                "reply" => Step::Reply(item),
                _ => Step::Note(item),
            }
        }
    };
    v.finish(&key)?;
    Ok(step)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(s: &str) -> Vec<Step> {
        parse_actions(s)
            .unwrap()
            .into_iter()
            .map(|s| s.step)
            .collect()
    }

    fn err(s: &str) -> ParseError {
        parse_actions(s).unwrap_err()
    }

    #[test]
    fn reads_every_action() {
        let got = steps(
            r#"status:Working priority:urgent assignee:me inbox:Billing +tag:vip,"big spender" -tag:new field:plan=Enterprise field:region=empty snooze:4h note:"Escalated to billing""#,
        );
        assert_eq!(got.len(), 10);
        assert!(matches!(&got[0], Step::Status(i) if i.text == "Working"));
        assert!(
            matches!(&got[4], Step::Tags { add: true, items } if items.len() == 2 && items[1].text == "big spender")
        );
        assert!(matches!(&got[5], Step::Tags { add: false, items } if items[0].text == "new"));
        assert!(
            matches!(&got[6], Step::Field { key, value: Some(v) } if key.text == "plan" && v.text == "Enterprise")
        );
        assert!(matches!(&got[7], Step::Field { value: None, .. }));
        assert!(matches!(&got[9], Step::Note(i) if i.text == "Escalated to billing"));
    }

    #[test]
    fn quoted_empty_is_text() {
        assert!(matches!(
            &steps(r#"field:region="empty""#)[0],
            Step::Field { value: Some(v), .. } if v.text == "empty"
        ));
    }

    #[test]
    fn errors_point_at_the_bad_part() {
        let input = "status:open priorty:urgent";
        let e = err(input);
        assert_eq!(&input[e.span.clone()], "priorty");
        assert!(
            e.message.contains("unknown action 'priorty'"),
            "{}",
            e.message
        );

        let e = err("tag:vip");
        assert!(e.message.contains("+tag:name"), "{}", e.message);
        assert_eq!(e.span, 0..7);

        let input = "status:open +status:closed";
        let e = err(input);
        assert_eq!(&input[e.span.clone()], "+");

        let input = "note:\"unclosed";
        assert!(err(input).message.contains("unclosed quote"));

        let input = "status:open hello";
        let e = err(input);
        assert_eq!(&input[e.span.clone()], "hello");

        let input = "field:plan";
        let e = err(input);
        assert!(e.message.contains("field:key=value"), "{}", e.message);

        let input = "priority:";
        assert!(err(input).message.contains("missing value for priority"));

        assert!(err("   ").message.contains("no actions"));
    }
}
