//! Canned replies: `[[replies]]` in the config file, offered by `R` in a
//! picker or opened directly by a reply's own key, their `{{placeholders}}`
//! ([`REPLY`]) filled from the ticket.
//!
//! ```toml
//! [[replies]]
//! name = "Thanks, looking into it"
//! key = "ctrl-t"
//! body = """
//! Hi {{requester_name}},
//!
//! thanks for writing about "{{subject}}" (#{{number}}): I am on it.
//! {{me}}
//! """
//! ```
//!
//! A body is parsed when the config is loaded: an unknown placeholder is
//! refused there (`config check` points at it with carets) and the reply is
//! kept but refuses to open, saying the same. A placeholder without a value
//! here (no contacts endpoint, no `me`) is left as written for the agent to
//! fill in; text that still holds `{{` asks before it is sent.

use uuid::Uuid;

use crate::api::types::Ticket;
use crate::app::contacts::Requester;
use crate::app::keymap::{Key, Keymap};
use crate::app::source::Directory;
use crate::app::state::State;
use crate::config::ReplyDef;
use crate::filter::EntityRef;
use crate::text::sanitize;
use crate::text::template::{self, Filled, REPLY, Template, TemplateError, Values};

/// One canned reply as the UI holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyEntry {
    pub def: ReplyDef,
    pub template: Result<Template, TemplateError>,
    pub key: Option<Key>,
}

impl ReplyEntry {
    pub fn name(&self) -> &str {
        &self.def.name
    }

    /// What is wrong with the body, as lines: where (line and column of
    /// the body), the body's line, carets under the placeholder, and the
    /// placeholders that exist.
    pub fn problem_lines(&self) -> Option<Vec<String>> {
        let e = self.template.as_ref().err()?;
        Some(problem_lines(e, &self.def.body))
    }
}

fn problem_lines(e: &TemplateError, body: &str) -> Vec<String> {
    e.report(body)
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            if i % 3 == 0 && line.starts_with("line ") {
                format!("body {line}")
            } else {
                format!("    {line}")
            }
        })
        .collect()
}

/// Parses every reply and gives each its key. A key is refused when an
/// action of the keymap has it, when it is in `taken` (views' and macros'
/// keys), or when another reply has it; names must be unique (case aside).
/// Problems are one string each (several lines for a bad placeholder).
pub fn load(defs: &[ReplyDef], keymap: &Keymap, taken: &[Key]) -> (Vec<ReplyEntry>, Vec<String>) {
    let mut problems = Vec::new();
    let mut entries: Vec<ReplyEntry> = Vec::new();
    for def in defs {
        let name = sanitize(&def.name).into_owned();
        if name.trim().is_empty() {
            problems.push("a reply has an empty name".to_string());
        }
        let template = template::parse(&def.body, REPLY);
        if let Err(e) = &template {
            let mut lines = problem_lines(e, &def.body);
            if let Some(first) = lines.first_mut() {
                *first = format!("reply '{name}': {first}");
            }
            problems.push(lines.join("\n"));
        }
        if entries
            .iter()
            .any(|r| r.def.name.trim().eq_ignore_ascii_case(def.name.trim()))
        {
            problems.push(format!("reply '{name}': the name is given twice"));
        }
        let key = def.key.as_deref().and_then(|spec| match Key::parse(spec) {
            Ok(key) if keymap.action_for_key(key).is_some() || taken.contains(&key) => {
                problems.push(format!("reply '{name}': key {key} is already taken"));
                None
            }
            Ok(key) if entries.iter().any(|r| r.key == Some(key)) => {
                problems.push(format!(
                    "reply '{name}': key {key} is already another reply's"
                ));
                None
            }
            Ok(key) => Some(key),
            Err(_) => {
                problems.push(format!(
                    "reply '{name}': unknown key {:?}",
                    sanitize(spec).into_owned()
                ));
                None
            }
        });
        entries.push(ReplyEntry {
            def: def.clone(),
            template,
            key,
        });
    }
    (entries, problems)
}

/// The placeholders' values for `ticket`, as far as they are known here:
/// server text sanitized, a contact that has not loaded left unknown.
pub fn values_for(state: &State, ticket: &Ticket) -> Values {
    let requester = ticket
        .contact_id
        .and_then(|id| state.contacts.requester(id));
    ticket_values(ticket, state.names.as_ref(), requester, my_name(state))
}

/// The placeholders' values from what is at hand: the ticket, the names
/// it refers to, its requester (when loaded) and `me` as a name.
pub fn ticket_values(
    ticket: &Ticket,
    names: &dyn Directory,
    requester: Option<&Requester>,
    me: Option<String>,
) -> Values {
    let mut v = Values::new();
    v.set("number", Some(ticket.ticket_number.to_string()));
    v.set("subject", Some(clean(&ticket.subject)));
    v.set(
        "status",
        Some(clean(&crate::app::labels::status_label(ticket))),
    );
    v.set(
        "inbox",
        ticket
            .inbox_id
            .and_then(|id| names.inbox_name(id))
            .map(|n| clean(&n)),
    );
    v.set(
        "requester_name",
        requester.map(|r| r.name.clone()).filter(|n| !n.is_empty()),
    );
    v.set("requester_email", requester.and_then(|r| r.email.clone()));
    v.set("me", me);
    v
}

/// `me` from the config as a person's name: an agent's name as written,
/// a UUID through the catalog.
fn my_name(state: &State) -> Option<String> {
    match state.me.as_ref()? {
        EntityRef::Name(n) if !n.trim().is_empty() && n.trim() != "me" => Some(clean(n)),
        EntityRef::Name(_) => None,
        EntityRef::Id(id) => user_name(state, *id),
    }
}

fn user_name(state: &State, id: Uuid) -> Option<String> {
    state.names.user_name(id).map(|n| clean(&n))
}

fn clean(s: &str) -> String {
    sanitize(s).trim().to_owned()
}

/// `entry`'s body filled for `ticket`; `None` when the body is refused.
pub fn fill(entry: &ReplyEntry, state: &State, ticket: &Ticket) -> Option<Filled> {
    let template = entry.template.as_ref().ok()?;
    Some(template.fill(&values_for(state, ticket)))
}

/// Text written for several tickets, filled per ticket when it is sent
/// (each customer gets their own name). `None` when the text holds no
/// placeholder, or one that is not a reply's (then it goes as written,
/// after the question every `{{` gets).
pub fn fill_each(state: &State, body: &str, tickets: &[Ticket]) -> Option<Vec<Filled>> {
    let template = template::parse(body, REPLY).ok()?;
    if template.names().is_empty() {
        return None;
    }
    Some(
        tickets
            .iter()
            .map(|t| template.fill(&values_for(state, t)))
            .collect(),
    )
}

/// The placeholders still in `text`, as written (`{{requester_name}}`), for
/// the question before sending; `{{` without a name counts as one.
pub fn leftovers(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        let after = &rest[i + 2..];
        let line = after.split('\n').next().unwrap_or("");
        let shown = match line.find("}}") {
            Some(j) => format!("{{{{{}}}}}", sanitize(line[..j].trim())),
            None => "{{".to_string(),
        };
        if !out.contains(&shown) {
            out.push(shown);
        }
        rest = after;
    }
    out
}

/// The line said before a reply holding `{{…}}` goes out, or `None`.
pub fn leftover_warning(text: &str) -> Option<String> {
    let left = leftovers(text);
    (!left.is_empty()).then(|| {
        format!(
            "It still holds {}: sent as written unless you decline and fill {} in.",
            left.join(", "),
            if left.len() == 1 { "it" } else { "them" }
        )
    })
}

/// What the question before a reply to several tickets adds: the
/// placeholders filled per ticket that some tickets have no value for, or
/// `{{` that is sent as written.
pub fn bulk_warning(state: &State, body: &str, tickets: &[Ticket]) -> Option<String> {
    let Some(filled) = fill_each(state, body, tickets) else {
        return leftover_warning(body);
    };
    let lacking: Vec<String> = tickets
        .iter()
        .zip(&filled)
        .filter(|(_, f)| !f.missing.is_empty() || f.text.contains("{{"))
        .map(|(t, _)| format!("#{}", t.ticket_number))
        .collect();
    if lacking.is_empty() {
        return None;
    }
    let mut names: Vec<String> = Vec::new();
    for f in &filled {
        for l in leftovers(&f.text) {
            if !names.contains(&l) {
                names.push(l);
            }
        }
    }
    let shown = if lacking.len() > 5 {
        format!("{} and {} more", lacking[..5].join(", "), lacking.len() - 5)
    } else {
        lacking.join(", ")
    };
    Some(format!(
        "{shown} would still hold {}: sent as written.",
        names.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(name: &str, body: &str, key: Option<&str>) -> ReplyDef {
        ReplyDef {
            name: name.into(),
            body: body.into(),
            key: key.map(Into::into),
            profile: None,
        }
    }

    #[test]
    fn an_unknown_placeholder_is_refused_with_its_line_column_and_carets() {
        let (entries, problems) = load(
            &[def(
                "Thanks",
                "Hi {{requester_name}},\nre {{ticket}} ok",
                None,
            )],
            &Keymap::default(),
            &[],
        );
        assert!(entries[0].template.is_err());
        let lines: Vec<&str> = problems[0].lines().collect();
        assert_eq!(
            lines[0],
            "reply 'Thanks': body line 2, column 4: unknown placeholder {{ticket}}"
        );
        assert_eq!(lines[1], "    re {{ticket}} ok");
        assert_eq!(lines[2], "       ^^^^^^^^^^");
        assert!(lines[3].contains("{{requester_name}}"), "{lines:?}");
    }

    #[test]
    fn duplicate_names_and_keys_and_keymap_clashes_are_refused() {
        let taken = [Key::parse("ctrl-b").unwrap()];
        let (entries, problems) = load(
            &[
                def("A", "a", Some("ctrl-t")),
                def("a", "b", Some("ctrl-t")),
                def("C", "c", Some("j")),
                def("D", "d", Some("ctrl-b")),
                def("E", "e", Some("no-such-key")),
            ],
            &Keymap::default(),
            &taken,
        );
        assert_eq!(
            problems,
            [
                "reply 'a': the name is given twice",
                "reply 'a': key Ctrl-t is already another reply's",
                "reply 'C': key j is already taken",
                "reply 'D': key Ctrl-b is already taken",
                "reply 'E': unknown key \"no-such-key\"",
            ]
        );
        assert_eq!(entries[0].key, Key::parse("ctrl-t").ok());
        assert!(entries[1..].iter().all(|e| e.key.is_none()));
    }

    #[test]
    fn leftovers_name_each_placeholder_once() {
        assert_eq!(
            leftovers("Hi {{requester_name}}, {{ requester_name }} {{x"),
            ["{{requester_name}}", "{{"]
        );
        assert!(leftovers("Hi Ada { {").is_empty());
    }
}
