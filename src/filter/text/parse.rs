//! Text form → [`TicketFilter`]. The syntax is described in the parent module.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use uuid::Uuid;

use super::ParseError;
use super::lex::{Item, Token, TokenKind, ValueCursor, classify, key_slip, tokens};
use crate::filter::{
    AssigneeFilter, DateBound, EntityRef, FieldValue, RelativeSpan, SortField, SortOrder, SpanUnit,
    TicketFilter,
};
use crate::model::{PriorityLevel, StatusCategory};

/// Every key of the text form, in canonical order.
pub const KEYS: &[&str] = &[
    "status", "priority", "assignee", "inbox", "tag", "field", "created", "updated", "sort",
    "order", "query",
];

/// Parses the text form. See the module documentation for the syntax.
pub fn parse(input: &str) -> Result<TicketFilter, ParseError> {
    let mut p = Parser::default();
    for token in tokens(input)? {
        p.token(&token)?;
    }
    let mut filter = p.filter;
    if !p.text_parts.is_empty() {
        filter.query = Some(p.text_parts.join(" "));
    }
    Ok(filter)
}

/// Parses one `key` with its `value` as given separately, e.g. by a
/// command-line flag (`--assignee "Ana Lima"`, `--tag a,b`,
/// `--field plan=Enterprise`, `--created ">2026-11-01"`): the value is not
/// split on whitespace, and keywords (`none`, `empty`, `today`) keep their
/// meaning. For `query` the value is taken verbatim. Error spans are byte
/// offsets in `value`.
pub fn parse_key_value(key: &str, value: &str) -> Result<TicketFilter, ParseError> {
    let key = key.trim().to_ascii_lowercase();
    if !KEYS.contains(&key.as_str()) {
        return Err(ParseError::new(
            0..0,
            "",
            format!("unknown filter key '{key}' (keys: {})", KEYS.join(", ")),
        ));
    }
    let mut p = Parser::default();
    if key == "query" {
        p.text_parts.push(value.to_string());
    } else {
        let start = value.len() - value.trim_start().len();
        let trimmed = value.trim();
        let token = Token {
            text: trimmed,
            span: start..start + trimmed.len(),
        };
        let mut v = ValueCursor::new(trimmed, start, trimmed);
        if v.is_end() {
            return Err(v.error(v.rest_span(), format!("missing value for {key}")));
        }
        p.keyed(&key, &token, &mut v)?;
    }
    let mut filter = p.filter;
    if !p.text_parts.is_empty() {
        filter.query = Some(p.text_parts.join(" "));
    }
    Ok(filter)
}

/// Single-valued keys, for "given twice" bookkeeping.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    Priority,
    Assignee,
    Inbox,
    CreatedAfter,
    CreatedBefore,
    UpdatedAfter,
    UpdatedBefore,
    Sort,
    Order,
}

#[derive(Default)]
struct Parser {
    filter: TicketFilter,
    text_parts: Vec<String>,
    seen: Vec<(Slot, String)>,
}

impl Parser {
    fn token(&mut self, token: &Token<'_>) -> Result<(), ParseError> {
        let known = |k: &str| KEYS.contains(&k);
        match classify(token.text, known) {
            TokenKind::Free => match key_slip(token.text, KEYS) {
                Some(meant) => Err(ParseError::new(
                    token.span.clone(),
                    token.text,
                    format!(
                        "'{}' would be searched as text: did you mean {meant}? (quote it to search for it)",
                        token.text
                    ),
                )),
                None => {
                    self.text_parts.push(token.text.to_string());
                    Ok(())
                }
            },
            TokenKind::NegatedKey { key } => Err(ParseError::new(
                token.span.clone(),
                token.text,
                format!("'-{key}:' is not supported: filters cannot be negated"),
            )),
            TokenKind::Keyed {
                key,
                key_text,
                value_start,
            } => {
                if !known(&key) {
                    let span = token.span.start..token.span.start + key_text.len();
                    return Err(ParseError::new(
                        span,
                        token.text,
                        format!(
                            "unknown filter key '{key_text}' (keys: {}); to search for this text, put it in quotes",
                            KEYS.join(", ")
                        ),
                    ));
                }
                let mut v = ValueCursor::new(
                    &token.text[value_start..],
                    token.span.start + value_start,
                    token.text,
                );
                if v.is_end() {
                    return Err(
                        v.error(v.rest_span(), format!("missing value after '{key_text}:'"))
                    );
                }
                self.keyed(&key, token, &mut v)
            }
        }
    }

    /// Refuses a single-valued key given twice: the second is likely a
    /// mistake, and "last one wins" would hide it.
    fn once(&mut self, slot: Slot, token: &Token<'_>, label: &str) -> Result<(), ParseError> {
        if let Some((_, first)) = self.seen.iter().find(|(s, _)| *s == slot) {
            return Err(ParseError::new(
                token.span.clone(),
                token.text,
                format!("{label} given twice (first: {first})"),
            ));
        }
        self.seen.push((slot, token.text.to_string()));
        Ok(())
    }

    fn keyed(
        &mut self,
        key: &str,
        token: &Token<'_>,
        v: &mut ValueCursor<'_>,
    ) -> Result<(), ParseError> {
        match key {
            "status" => {
                for item in v.list("status")? {
                    let status = status_of(&item.text)
                        .ok_or_else(|| v.error(item.span.clone(), unknown_status(&item.text)))?;
                    self.filter.statuses.push(status);
                }
            }
            "priority" => {
                self.once(Slot::Priority, token, "priority")?;
                let item = v.item("priority", &[])?;
                let level = PriorityLevel::parse_known(&item.text.to_ascii_lowercase())
                    .ok_or_else(|| {
                        v.error(
                            item.span.clone(),
                            format!(
                                "unknown priority '{}' (low, normal, high, urgent)",
                                item.text
                            ),
                        )
                    })?;
                self.filter.priority = Some(level);
            }
            "assignee" => {
                self.once(Slot::Assignee, token, "assignee")?;
                let item = v.item("name", &[])?;
                let bare = item.text.to_ascii_lowercase();
                self.filter.assignee = Some(
                    if !item.quoted && (bare == "none" || bare == "unassigned") {
                        AssigneeFilter::Unassigned
                    } else {
                        AssigneeFilter::User(entity(&item, v, "user name")?)
                    },
                );
            }
            "inbox" => {
                self.once(Slot::Inbox, token, "inbox")?;
                let item = v.item("name", &[])?;
                self.filter.inbox = Some(entity(&item, v, "inbox name")?);
            }
            "tag" => {
                for item in v.list("tag")? {
                    self.filter.tags.push(entity(&item, v, "tag name")?);
                }
            }
            "field" => self.field(v)?,
            "created" | "updated" => self.bound(key, token, v)?,
            "sort" => {
                self.once(Slot::Sort, token, "sort")?;
                let item = v.item("sort key", &[])?;
                let sort = match item.text.to_ascii_lowercase().as_str() {
                    "created" | "created_at" => SortField::CreatedAt,
                    "updated" | "updated_at" => SortField::UpdatedAt,
                    "priority" => SortField::Priority,
                    other => {
                        return Err(v.error(
                            item.span,
                            format!("unknown sort '{other}' (created, updated, priority)"),
                        ));
                    }
                };
                self.filter.sort = Some(sort);
            }
            "order" => {
                self.once(Slot::Order, token, "order")?;
                let item = v.item("order", &[])?;
                let order = match item.text.to_ascii_lowercase().as_str() {
                    "asc" | "ascending" => SortOrder::Asc,
                    "desc" | "descending" => SortOrder::Desc,
                    other => {
                        return Err(
                            v.error(item.span, format!("unknown order '{other}' (asc, desc)"))
                        );
                    }
                };
                self.filter.order = Some(order);
            }
            "query" => {
                let item = v.item("search text", &[])?;
                self.text_parts.push(item.text);
            }
            other => {
                // Only reachable if KEYS gained a key this match lacks.
                return Err(v.error(
                    v.rest_span(),
                    format!("filter key '{other}' is not handled"),
                ));
            }
        }
        v.finish("value")
    }

    fn field(&mut self, v: &mut ValueCursor<'_>) -> Result<(), ParseError> {
        let key = v.item("field key", &['='])?;
        if key.text.is_empty() {
            return Err(v.error(key.span, "empty field key"));
        }
        if !v.eat('=') {
            return Err(v.error(
                v.rest_span().start..v.rest_span().start,
                format!(
                    "expected '=' after the field key (field:{}=value)",
                    key.text
                ),
            ));
        }
        let value = v.item("field value", &[])?;
        let parsed = if !value.quoted && value.text.eq_ignore_ascii_case("empty") {
            FieldValue::Empty
        } else {
            FieldValue::Value(value.text)
        };
        if self.filter.custom_fields.contains_key(&key.text) {
            return Err(v.error(key.span, format!("field '{}' given twice", key.text)));
        }
        self.filter.custom_fields.insert(key.text, parsed);
        Ok(())
    }

    fn bound(
        &mut self,
        key: &str,
        token: &Token<'_>,
        v: &mut ValueCursor<'_>,
    ) -> Result<(), ParseError> {
        let op_start = v.rest_span().start;
        let after_op = if v.eat('>') {
            true
        } else if v.eat('<') {
            false
        } else {
            return Err(v.error(
                op_start..op_start + v.peek().map_or(0, char::len_utf8),
                format!("expected '>' or '<' after '{key}:' (e.g. {key}:>2026-11-01, {key}:<7d)"),
            ));
        };
        let item = v.item("date", &[])?;
        let bound = date_bound(&item.text).ok_or_else(|| {
            v.error(
                item.span.clone(),
                format!(
                    "'{}' is not a date: use 2026-11-01, 2026-11-01T09:30:00Z, today, or a span such as 30m, 24h, 7d, 2w",
                    item.text
                ),
            )
        })?;
        // For a span the operator compares ages: `<7d` is younger than 7
        // days, so its instant is a lower bound.
        let is_after = match bound {
            DateBound::Ago(_) => !after_op,
            _ => after_op,
        };
        let (slot, label) = match (key, is_after) {
            ("created", true) => (Slot::CreatedAfter, "created lower bound"),
            ("created", false) => (Slot::CreatedBefore, "created upper bound"),
            (_, true) => (Slot::UpdatedAfter, "updated lower bound"),
            (_, false) => (Slot::UpdatedBefore, "updated upper bound"),
        };
        self.once(slot, token, label)?;
        let f = &mut self.filter;
        *match slot {
            Slot::CreatedAfter => &mut f.created_after,
            Slot::CreatedBefore => &mut f.created_before,
            Slot::UpdatedAfter => &mut f.updated_after,
            _ => &mut f.updated_before,
        } = Some(bound);
        Ok(())
    }
}

fn status_of(s: &str) -> Option<StatusCategory> {
    match s.to_ascii_lowercase().replace('-', "_").as_str() {
        "inprogress" => Some(StatusCategory::InProgress),
        other => StatusCategory::parse_known(other),
    }
}

fn unknown_status(s: &str) -> String {
    format!("unknown status '{s}' (open, in_progress, waiting, resolved, closed)")
}

fn entity(item: &Item, v: &ValueCursor<'_>, what: &str) -> Result<EntityRef, ParseError> {
    if item.text.trim().is_empty() {
        return Err(v.error(item.span.clone(), format!("empty {what}")));
    }
    if !item.quoted
        && let Ok(id) = Uuid::parse_str(&item.text)
    {
        return Ok(EntityRef::Id(id));
    }
    Ok(EntityRef::Name(item.text.clone()))
}

/// `today`, `yesterday`, a span (`30m`, `24h`, `7d`, `2w`), a date, or an instant.
pub(crate) fn date_bound(s: &str) -> Option<DateBound> {
    if s.eq_ignore_ascii_case("today") {
        return Some(DateBound::Today);
    }
    if s.eq_ignore_ascii_case("yesterday") {
        return Some(DateBound::Yesterday);
    }
    if let Some(span) = relative_span(s) {
        return Some(DateBound::Ago(span));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(DateBound::Date(d));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(DateBound::Instant(t.with_timezone(&Utc)));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(|t| DateBound::Instant(t.and_utc()))
}

fn relative_span(s: &str) -> Option<RelativeSpan> {
    let unit = match s.chars().last()?.to_ascii_lowercase() {
        'm' => SpanUnit::Minutes,
        'h' => SpanUnit::Hours,
        'd' => SpanUnit::Days,
        'w' => SpanUnit::Weeks,
        _ => return None,
    };
    let digits = &s[..s.len() - 1];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(RelativeSpan {
        amount: digits.parse().ok()?,
        unit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::text::format;
    use std::collections::BTreeMap;

    const ANA: &str = "3f2a6c1e-8b7d-4c2a-9e1f-0a1b2c3d4e5f";

    fn err(input: &str) -> ParseError {
        parse(input).expect_err(input)
    }

    /// The text under the error's span.
    fn marked(input: &str) -> &str {
        let e = err(input);
        &input[e.span]
    }

    #[test]
    fn the_example_of_the_issue() {
        let f = parse(
            r#"status:open,waiting priority:urgent assignee:none tag:billing tag:vip inbox:Support field:plan=Enterprise field:region=empty created:>2026-11-01 updated:<7d sort:priority order:desc "refund policy" -spam"#,
        )
        .unwrap();
        assert_eq!(
            f.statuses,
            vec![StatusCategory::Open, StatusCategory::Waiting]
        );
        assert_eq!(f.priority, Some(PriorityLevel::Urgent));
        assert_eq!(f.assignee, Some(AssigneeFilter::Unassigned));
        assert_eq!(
            f.tags,
            vec![
                EntityRef::Name("billing".into()),
                EntityRef::Name("vip".into())
            ]
        );
        assert_eq!(f.inbox, Some(EntityRef::Name("Support".into())));
        let fields: BTreeMap<_, _> = [
            ("plan".to_string(), FieldValue::Value("Enterprise".into())),
            ("region".to_string(), FieldValue::Empty),
        ]
        .into();
        assert_eq!(f.custom_fields, fields);
        assert_eq!(
            f.created_after,
            Some(DateBound::Date(
                NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
            ))
        );
        assert_eq!(
            f.updated_after,
            Some(DateBound::Ago(RelativeSpan {
                amount: 7,
                unit: SpanUnit::Days
            }))
        );
        assert_eq!(f.sort, Some(SortField::Priority));
        assert_eq!(f.order, Some(SortOrder::Desc));
        assert_eq!(f.query.as_deref(), Some("\"refund policy\" -spam"));
    }

    #[test]
    fn empty_input_is_the_empty_filter() {
        assert!(parse("").unwrap().is_empty());
        assert!(parse("  \t ").unwrap().is_empty());
    }

    #[test]
    fn statuses() {
        let f =
            parse("status:OPEN,in-progress status:inprogress,in_progress,closed,resolved").unwrap();
        use StatusCategory::*;
        assert_eq!(
            f.statuses,
            vec![Open, InProgress, InProgress, InProgress, Closed, Resolved]
        );
        assert_eq!(marked("status:open,opn"), "opn");
        assert!(
            err("status:opn")
                .message
                .contains("open, in_progress, waiting")
        );
        assert_eq!(err("status:open,").message, "missing status");
    }

    #[test]
    fn priority_error_matches_the_brief() {
        let e = err("tag:x priority:urgnt");
        assert_eq!(
            e.to_string(),
            "priority:urgnt: unknown priority 'urgnt' (low, normal, high, urgent)"
        );
        assert_eq!(e.span, 15..20);
        assert_eq!(
            parse("priority:High").unwrap().priority,
            Some(PriorityLevel::High)
        );
    }

    #[test]
    fn assignees() {
        for s in ["assignee:none", "assignee:unassigned", "assignee:NONE"] {
            assert_eq!(parse(s).unwrap().assignee, Some(AssigneeFilter::Unassigned));
        }
        let f = parse(r#"assignee:"Ana Lima""#).unwrap();
        assert_eq!(
            f.assignee,
            Some(AssigneeFilter::User(EntityRef::Name("Ana Lima".into())))
        );
        let f = parse(&format!("assignee:{ANA}")).unwrap();
        assert_eq!(
            f.assignee,
            Some(AssigneeFilter::User(EntityRef::Id(
                Uuid::parse_str(ANA).unwrap()
            )))
        );
        // Quoted values are literal: a user called "none", a tag named like a UUID.
        let f = parse(r#"assignee:"none""#).unwrap();
        assert_eq!(
            f.assignee,
            Some(AssigneeFilter::User(EntityRef::Name("none".into())))
        );
        let f = parse(&format!("tag:\"{ANA}\"")).unwrap();
        assert_eq!(f.tags, vec![EntityRef::Name(ANA.into())]);
        assert_eq!(err("assignee:\"\"").message, "empty user name");
    }

    #[test]
    fn inbox_and_tags() {
        let f = parse(r#"inbox:"Sales EU" tag:a,"b c",d tag:e"#).unwrap();
        assert_eq!(f.inbox, Some(EntityRef::Name("Sales EU".into())));
        let names: Vec<_> = f.tags.iter().map(|t| format!("{t:?}")).collect();
        assert_eq!(names.len(), 4);
        assert_eq!(f.tags[1], EntityRef::Name("b c".into()));
        assert_eq!(
            parse("inbox:a,b").unwrap().inbox,
            Some(EntityRef::Name("a,b".into()))
        );
    }

    #[test]
    fn fields() {
        let f = parse(
            r#"field:plan="Enterprise Plus" field:"odd key"=x field:region="empty" field:n=Empty"#,
        )
        .unwrap();
        assert_eq!(
            f.custom_fields["plan"],
            FieldValue::Value("Enterprise Plus".into())
        );
        assert_eq!(f.custom_fields["odd key"], FieldValue::Value("x".into()));
        assert_eq!(f.custom_fields["region"], FieldValue::Value("empty".into()));
        assert_eq!(f.custom_fields["n"], FieldValue::Empty);
        assert_eq!(
            parse("field:due=2026-01-02").unwrap().custom_fields["due"],
            FieldValue::Value("2026-01-02".into())
        );
        assert!(err("field:plan").message.contains("expected '='"));
        assert_eq!(err("field:plan=").message, "missing field value");
        assert_eq!(err("field:=x").message, "missing field key");
        assert_eq!(marked("field:a=1 field:a=2"), "a");
        assert!(err("field:a=1 field:a=2").message.contains("given twice"));
    }

    #[test]
    fn absolute_bounds() {
        let f = parse("created:>2026-11-01 created:<2026-11-30T12:00:00+02:00 updated:>today updated:<2026-12-01T08:00").unwrap();
        assert_eq!(
            f.created_after,
            Some(DateBound::Date(
                NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
            ))
        );
        let t = DateTime::parse_from_rfc3339("2026-11-30T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(f.created_before, Some(DateBound::Instant(t)));
        assert_eq!(f.updated_after, Some(DateBound::Today));
        let t = DateTime::parse_from_rfc3339("2026-12-01T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(f.updated_before, Some(DateBound::Instant(t)));
    }

    #[test]
    fn relative_bounds_read_as_ages() {
        let span = |amount, unit| Some(DateBound::Ago(RelativeSpan { amount, unit }));
        let f = parse("updated:<7d updated:>2w created:<30m created:>24H").unwrap();
        assert_eq!(f.updated_after, span(7, SpanUnit::Days));
        assert_eq!(f.updated_before, span(2, SpanUnit::Weeks));
        assert_eq!(f.created_after, span(30, SpanUnit::Minutes));
        assert_eq!(f.created_before, span(24, SpanUnit::Hours));
    }

    #[test]
    fn bound_errors() {
        assert!(
            err("created:2026-11-01")
                .message
                .contains("expected '>' or '<'")
        );
        assert_eq!(marked("created:=2026-11-01"), "=");
        assert_eq!(marked("updated:>7x"), "7x");
        assert_eq!(marked("updated:>99999999999d"), "99999999999d");
        assert_eq!(marked("created:>2026-13-01"), "2026-13-01");
        assert!(
            err("updated:<7d updated:>today")
                .message
                .contains("updated lower bound given twice")
        );
        assert!(err("created:>").message.contains("missing date"));
    }

    #[test]
    fn sort_and_order() {
        let f = parse("sort:created_at order:ASC").unwrap();
        assert_eq!(
            (f.sort, f.order),
            (Some(SortField::CreatedAt), Some(SortOrder::Asc))
        );
        assert_eq!(
            parse("sort:updated").unwrap().sort,
            Some(SortField::UpdatedAt)
        );
        assert_eq!(
            parse("order:descending").unwrap().order,
            Some(SortOrder::Desc)
        );
        assert!(
            err("sort:name")
                .message
                .contains("created, updated, priority")
        );
        assert!(err("order:up").message.contains("asc, desc"));
        assert!(
            err("sort:created sort:priority")
                .message
                .contains("given twice (first: sort:created)")
        );
    }

    #[test]
    fn free_text_is_kept_verbatim_in_order() {
        let f = parse(r#"refund   status:open "late  delivery" or  -spam query:"a:b""#).unwrap();
        assert_eq!(
            f.query.as_deref(),
            Some(r#"refund "late  delivery" or -spam a:b"#)
        );
        assert_eq!(f.statuses, vec![StatusCategory::Open]);
        assert_eq!(
            parse("12:30 café").unwrap().query.as_deref(),
            Some("12:30 café")
        );
    }

    #[test]
    fn unknown_and_negated_keys_are_errors() {
        let e = err("refund foo:bar");
        assert_eq!(e.span, 7..10);
        assert!(
            e.to_string()
                .starts_with("foo:bar: unknown filter key 'foo' (keys: status, priority,")
        );
        assert!(err("-status:open").message.contains("cannot be negated"));
        assert_eq!(
            parse("-foo:bar").unwrap().query.as_deref(),
            Some("-foo:bar")
        );
    }

    #[test]
    fn value_errors_point_inside_the_token() {
        assert_eq!(err("tag:").message, "missing value after 'tag:'");
        assert_eq!(marked(r#"tag:ab"c""#), "\"");
        assert_eq!(marked(r#"tag:"ab"c"#), "c");
        assert_eq!(marked(r#"ok "unclosed"#), "\"unclosed");
        assert_eq!(marked("priority:high,low"), "high,low");
    }

    #[test]
    fn canonical_format_of_the_example() {
        let s = r#"order:desc "refund policy" tag:billing status:open,waiting updated:<7d -spam priority:urgent assignee:none field:region=empty tag:vip inbox:Support field:plan=Enterprise created:>2026-11-01 sort:priority"#;
        assert_eq!(
            format(&parse(s).unwrap()),
            r#"status:open,waiting priority:urgent assignee:none inbox:Support tag:billing tag:vip field:plan=Enterprise field:region=empty created:>2026-11-01 updated:<7d sort:priority order:desc "refund policy" -spam"#
        );
    }

    #[test]
    fn format_quotes_what_would_not_read_back() {
        let f = TicketFilter {
            tags: vec![
                EntityRef::Name("a b".into()),
                EntityRef::Name("x,y".into()),
                EntityRef::Name("say \"hi\"".into()),
                EntityRef::Name("today".into()),
                EntityRef::Name(ANA.into()),
            ],
            query: Some("status:open  twice".into()),
            ..TicketFilter::default()
        };
        let s = format(&f);
        assert_eq!(
            s,
            format!(
                r#"tag:"a b" tag:"x,y" tag:"say \"hi\"" tag:"today" tag:"{ANA}" query:"status:open  twice""#
            )
        );
        assert_eq!(parse(&s).unwrap(), f);
    }
}
