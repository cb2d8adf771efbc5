//! Reading the filter line's text token by token: which word the cursor is
//! in (for completion) and which API parameters each token becomes (so a
//! 400's `details[].field` can point back at the token that caused it).

use std::ops::Range;

use crate::filter::text::lex::tokens;
use crate::filter::{TicketFilter, parse};

/// Byte range of the word the cursor ends: from the first character after
/// the last whitespace outside quotes, up to the cursor. Empty at a word
/// boundary.
pub fn word_before(input: &str, cursor: usize) -> Range<usize> {
    let cursor = floor_boundary(input, cursor);
    let start = outside_quotes(&input[..cursor])
        .filter(|(_, c)| c.is_whitespace())
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    start..cursor
}

/// The characters of `s` outside double quotes, with their byte offsets:
/// the quotes themselves are left out, and inside quotes a `\` escapes the
/// next character (as the lexer reads them).
pub fn outside_quotes(s: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let (mut quoted, mut escaped) = (false, false);
    s.char_indices().filter(move |&(_, c)| {
        if escaped {
            escaped = false;
            return false;
        }
        match c {
            '\\' if quoted => {
                escaped = true;
                false
            }
            '"' => {
                quoted = !quoted;
                false
            }
            _ => !quoted,
        }
    })
}

/// Each token of `input` with the query parameters of `GET /tickets` it
/// turns into (`status`, `custom_field_plan`, `created_after`, ...). Tokens
/// that do not parse on their own name no parameter; an unclosed quote
/// leaves nothing to map.
pub fn token_params(input: &str) -> Vec<(Range<usize>, Vec<String>)> {
    let Ok(toks) = tokens(input) else {
        return Vec::new();
    };
    toks.into_iter()
        .map(|t| {
            let params = parse(t.text).map(|f| params_of(&f)).unwrap_or_default();
            (t.span, params)
        })
        .collect()
}

/// Byte ranges of the tokens of `input` that become the API parameter
/// `param` (as a 400's `details[].field` names it).
pub fn spans_for_param(input: &str, param: &str) -> Vec<Range<usize>> {
    let wanted = normalized_param(param);
    token_params(input)
        .into_iter()
        .filter(|(_, params)| params.contains(&wanted))
        .map(|(span, _)| span)
        .collect()
}

/// The API's name for a parameter as a server may spell it in a 400:
/// `q` is `query`; `custom_fields[plan]` / `custom_fields.plan` are
/// `custom_field_plan`.
pub(crate) fn normalized_param(param: &str) -> String {
    let param = param.trim();
    if param == "q" {
        return "query".into();
    }
    let field = param
        .strip_prefix("custom_fields[")
        .and_then(|r| r.strip_suffix(']'))
        .or_else(|| param.strip_prefix("custom_fields."));
    match field {
        Some(key) => format!("custom_field_{key}"),
        None => param.to_string(),
    }
}

/// The parameters a filter sets, named as the API names them.
pub fn params_of(f: &TicketFilter) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |set: bool, name: &str| {
        if set {
            out.push(name.to_string());
        }
    };
    add(f.query.is_some(), "query");
    add(!f.statuses.is_empty(), "status");
    add(f.priority.is_some(), "priority");
    add(f.assignee.is_some(), "assignee_id");
    add(f.inbox.is_some(), "inbox_id");
    add(!f.tags.is_empty(), "tag_ids");
    add(f.created_after.is_some(), "created_after");
    add(f.created_before.is_some(), "created_before");
    add(f.updated_after.is_some(), "updated_after");
    add(f.updated_before.is_some(), "updated_before");
    add(f.sort.is_some(), "sort");
    add(f.order.is_some(), "order");
    for key in f.custom_fields.keys() {
        out.push(format!("custom_field_{key}"));
    }
    out
}

pub(crate) fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Byte offset of the `chars`-th character (tui-input counts characters).
pub fn byte_of_char(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_before_respects_quotes() {
        let s = r#"status:open assignee:"Ana Li"#;
        let r = word_before(s, s.len());
        assert_eq!(&s[r], r#"assignee:"Ana Li"#);
        assert_eq!(word_before("tag:a ", 6), 6..6);
        assert_eq!(word_before("", 0), 0..0);
        let s = "tag:vip prio";
        assert_eq!(&s[word_before(s, 7)], "tag:vip");
    }

    #[test]
    fn tokens_map_to_their_parameters() {
        let s = "status:open created:>2026-01-01 updated:<7d field:plan=Gold refund -spam";
        let map = token_params(s);
        let names: Vec<(&str, Vec<String>)> = map
            .iter()
            .map(|(r, p)| (&s[r.clone()], p.clone()))
            .collect();
        assert_eq!(names[0], ("status:open", vec!["status".to_string()]));
        assert_eq!(names[1].1, vec!["created_after".to_string()]);
        // `<7d` reads "less than 7 days ago": a lower bound.
        assert_eq!(names[2].1, vec!["updated_after".to_string()]);
        assert_eq!(names[3].1, vec!["custom_field_plan".to_string()]);
        assert_eq!(spans_for_param(s, "q").len(), 2);
        assert_eq!(
            spans_for_param(s, "custom_field_plan")
                .into_iter()
                .map(|r| &s[r])
                .collect::<Vec<_>>(),
            vec!["field:plan=Gold"]
        );
        assert_eq!(spans_for_param(s, "custom_fields[plan]").len(), 1);
        assert!(spans_for_param(s, "page").is_empty());
        assert!(token_params("tag:\"open").is_empty());
    }

    #[test]
    fn char_offsets() {
        assert_eq!(byte_of_char("日本x", 1), 3);
        assert_eq!(byte_of_char("ab", 9), 2);
    }
}
