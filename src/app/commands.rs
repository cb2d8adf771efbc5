//! Shell commands on keys: `[[commands]]` in the config file, run on the
//! focused ticket (or the marked ones) by their own key or picked by name
//! (`!`). `run` is a template with the canned replies' placeholders
//! ([`COMMAND`]: `{{number}}`, `{{subject}}`, `{{requester_email}}`…) plus
//! `{{id}}` and `{{url}}`; every value is substituted shell-quoted, so a
//! subject holding `'; rm -rf ~` reaches the command as one argument.
//!
//! ```toml
//! [[commands]]
//! name = "Open in CRM"
//! key = "ctrl-o"
//! run = "open-crm {{requester_email}}"
//! confirm = true          # ask first
//! marked = "each"         # once per marked ticket ("once": one run, lists)
//! output = "status"       # in the background, its first line on the status line
//! ```
//!
//! Without `output`, a command runs like the editor: the terminal is handed
//! over and taken back, after Enter (`wait = false`: at once), so what the
//! command printed can be read. Nothing runs on the input path: `update` only says
//! what to run (`Effect::RunCommand`); the runtime runs it.

use crate::api::types::Ticket;
use crate::app::keymap::{Key, Keymap};
use crate::app::msg::Effect;
use crate::app::state::State;
use crate::config::{CommandDef, CommandOutput, MarkedRun};
use crate::text::sanitize;
use crate::text::template::{self, Template, TemplateError, Values};

/// The placeholders a command's `run` may hold: a reply's, plus the
/// ticket's id and its link in the web app.
pub const COMMAND: &[&str] = &[
    "number",
    "subject",
    "me",
    "requester_name",
    "requester_email",
    "status",
    "inbox",
    "id",
    "url",
];

/// One command as the UI holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandEntry {
    pub def: CommandDef,
    pub template: Result<Template, TemplateError>,
    pub key: Option<Key>,
}

impl CommandEntry {
    pub fn name(&self) -> &str {
        &self.def.name
    }
}

/// What the runtime runs: each script with `sh -c`, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandRun {
    /// The command's name, for what is said when it ends.
    pub name: String,
    pub scripts: Vec<String>,
    /// `output = "status"`: in the background, output captured; otherwise
    /// with the terminal handed over.
    pub background: bool,
    /// In the terminal: wait for Enter before taking it back (`wait`).
    pub wait: bool,
}

/// `run`'s problems as lines: where, the line, carets, the placeholders
/// that exist.
fn problem_lines(e: &TemplateError, run: &str) -> Vec<String> {
    e.report(run)
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            if i % 3 == 0 && line.starts_with("line ") {
                format!("run {line}")
            } else {
                format!("    {line}")
            }
        })
        .collect()
}

/// Parses every command and gives each its key. A key an action of the
/// keymap has, one in `taken` (views', macros', replies' keys) or another
/// command's is refused; names must be unique (case aside).
pub fn load(
    defs: &[CommandDef],
    keymap: &Keymap,
    taken: &[Key],
) -> (Vec<CommandEntry>, Vec<String>) {
    let mut problems = Vec::new();
    let mut entries: Vec<CommandEntry> = Vec::new();
    for def in defs {
        let name = sanitize(&def.name).into_owned();
        if name.trim().is_empty() {
            problems.push("a command has an empty name".to_string());
        }
        if def.run.trim().is_empty() {
            problems.push(format!("command '{name}': run is empty"));
        }
        let template = template::parse(&def.run, COMMAND);
        if let Err(e) = &template {
            let mut lines = problem_lines(e, &def.run);
            if let Some(first) = lines.first_mut() {
                *first = format!("command '{name}': {first}");
            }
            problems.push(lines.join("\n"));
        }
        if entries
            .iter()
            .any(|c| c.def.name.trim().eq_ignore_ascii_case(def.name.trim()))
        {
            problems.push(format!("command '{name}': the name is given twice"));
        }
        let key = def.key.as_deref().and_then(|spec| match Key::parse(spec) {
            Ok(key) if keymap.action_for_key(key).is_some() || taken.contains(&key) => {
                problems.push(format!("command '{name}': key {key} is already taken"));
                None
            }
            Ok(key) if entries.iter().any(|c| c.key == Some(key)) => {
                problems.push(format!(
                    "command '{name}': key {key} is already another command's"
                ));
                None
            }
            Ok(key) => Some(key),
            Err(_) => {
                problems.push(format!(
                    "command '{name}': unknown key {:?}",
                    sanitize(spec).into_owned()
                ));
                None
            }
        });
        entries.push(CommandEntry {
            def: def.clone(),
            template,
            key,
        });
    }
    (entries, problems)
}

/// `s` as one word of `sh`: in single quotes, each `'` closed, escaped and
/// reopened (`'\''`). Nothing inside single quotes is special to the shell.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The placeholders' values for `ticket`, unquoted (sanitized server text,
/// as for a reply), `{{id}}` and `{{url}}` included.
pub fn values_for(state: &State, ticket: &Ticket) -> Values {
    let mut v = crate::app::replies::values_for(state, ticket);
    v.set("id", Some(ticket.id.to_string()));
    v.set(
        "url",
        state.web_url.as_ref().map(|u| {
            u.replace("{number}", &ticket.ticket_number.to_string())
                .replace("{id}", &ticket.id.to_string())
        }),
    );
    v
}

/// The scripts to run for `targets`: one per ticket (`marked = "each"`),
/// or one for all with each placeholder a list of quoted words (`once`).
/// `Err`: one line naming a placeholder without a value, and for which
/// ticket.
pub fn scripts(
    state: &State,
    entry: &CommandEntry,
    targets: &[Ticket],
) -> Result<Vec<String>, String> {
    let name = sanitize(entry.name()).into_owned();
    let template = entry.template.as_ref().map_err(|e| {
        let first = problem_lines(e, &entry.def.run).join(" ");
        format!("command '{name}' is broken: {}", first.trim())
    })?;
    let quoted = |t: &Ticket| -> Result<Values, String> {
        let raw = values_for(state, t);
        let mut out = Values::new();
        for n in template.names() {
            match raw.get(n) {
                Some(v) => {
                    out.set(n, Some(quote(v)));
                }
                None => {
                    return Err(format!(
                        "command '{name}': no {{{{{n}}}}} for #{}{}",
                        t.ticket_number,
                        match n {
                            "requester_name" | "requester_email" => {
                                " (its requester is loading: press it again in a moment)"
                            }
                            "url" => " (no web_url in the profile)",
                            "me" => " (no `me` in the config)",
                            _ => "",
                        }
                    ));
                }
            }
        }
        Ok(out)
    };
    match entry.def.marked {
        MarkedRun::Each => targets
            .iter()
            .map(|t| quoted(t).map(|v| template.fill(&v).text))
            .collect(),
        MarkedRun::Once => {
            let each: Vec<Values> = targets.iter().map(quoted).collect::<Result<_, _>>()?;
            let mut joined = Values::new();
            for n in template.names() {
                let words: Vec<&str> = each.iter().filter_map(|v| v.get(n)).collect();
                joined.set(n, Some(words.join(" ")));
            }
            Ok(vec![template.fill(&joined).text])
        }
    }
}

/// The tickets a command acts on: the marked ones, else the open detail's
/// or the selected row's.
fn targets(state: &State) -> Vec<Ticket> {
    let marked = state.triage.marks.snapshot();
    if !marked.is_empty() {
        return marked;
    }
    state.focused_ticket().cloned().into_iter().collect()
}

/// `!`: the commands in a picker, by name (their keys and what they run
/// beside them).
pub fn open_picker(state: &mut State) {
    use crate::app::picker::{PickItem, Picker};
    use crate::app::triage::{Dialog, PickKind, Targets};
    if state.commands.is_empty() {
        state.say("no commands yet: add [[commands]] to the config (see config.example.toml)");
        return;
    }
    let marked = state.triage.marks.snapshot();
    let targets = match state.focused_ticket() {
        _ if !marked.is_empty() => Targets::Marked(marked),
        Some(t) => Targets::One(Box::new(t.clone())),
        None => {
            state.say("no ticket to run a command on");
            return;
        }
    };
    let items = state
        .commands
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let what = match &c.template {
                Ok(_) => sanitize(&c.def.run).into_owned(),
                Err(e) => format!("broken: {}", problem_lines(e, &c.def.run).join(" ").trim()),
            };
            let note = match c.key {
                Some(key) => format!("{key} · {what}"),
                None => what,
            };
            PickItem::new(i.to_string(), &sanitize(c.name())).note(&note)
        })
        .collect();
    let title = match &targets {
        Targets::One(t) => format!("command for #{}", t.ticket_number),
        Targets::Marked(v) => format!("command for {} tickets", v.len()),
    };
    state.modal = Some(crate::app::modal::Modal::Triage(Dialog::Pick {
        kind: PickKind::Command,
        picker: Box::new(Picker::single(title, items)),
        targets,
    }));
}

/// A command's key, or its pick: asks first when `confirm` says so.
pub fn start(state: &mut State, index: usize, fx: &mut Vec<Effect>) {
    let Some(entry) = state.commands.get(index).cloned() else {
        return;
    };
    let targets = targets(state);
    if targets.is_empty() {
        state.say("no ticket to run it on");
        return;
    }
    // A requester is loaded when a ticket opens: ask for the targets'
    // now, so that the next press has them.
    let wants_requester = entry.template.as_ref().is_ok_and(|t| {
        t.names()
            .iter()
            .any(|n| matches!(*n, "requester_name" | "requester_email"))
    });
    if wants_requester {
        let limited = state.rate_limit.is_some();
        for t in &targets {
            state.contacts.want(t.contact_id, limited, fx);
        }
    }
    let run = match scripts(state, &entry, &targets) {
        Ok(scripts) => CommandRun {
            name: sanitize(entry.name()).into_owned(),
            scripts,
            background: entry.def.output == Some(CommandOutput::Status),
            wait: entry.def.wait,
        },
        Err(why) => {
            state.fail(why, None);
            return;
        }
    };
    if entry.def.confirm {
        let on = match targets.as_slice() {
            [one] => format!("#{}", one.ticket_number),
            many => format!("{} tickets", many.len()),
        };
        let question = format!("Run '{}' on {on}?", run.name);
        crate::app::triage::confirm_command(state, question, run);
        return;
    }
    fx.push(Effect::RunCommand(Box::new(run)));
}

/// A command ended: its first line of output (or "done") on the status
/// line, or why it failed, in one line.
pub fn on_done(state: &mut State, name: &str, result: Result<String, String>) {
    match result {
        Ok(line) if line.trim().is_empty() => state.notice = Some(format!("{name}: done")),
        Ok(line) => state.notice = Some(format!("{name}: {line}")),
        Err(why) => {
            state.notice = None;
            state.fail(format!("{name}: {why}"), None);
        }
    }
}

/// The first non-blank line of `output`, made safe to draw and cut to
/// `max` characters.
pub fn first_line(output: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(output);
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let clean = sanitize(line);
    let mut out: String = clean.chars().take(max).collect();
    if clean.chars().count() > max {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_anything_one_word() {
        assert_eq!(quote("plain"), "'plain'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("'; rm -rf ~"), r"''\''; rm -rf ~'");
        assert_eq!(quote(""), "''");
    }

    #[test]
    fn a_first_line_is_clean_and_short() {
        // The escape is made visible, never sent to the terminal.
        assert_eq!(
            first_line(b"\n  ok: sent \x1b[31mred\n second", 100),
            "ok: sent \u{fffd}[31mred"
        );
        assert_eq!(first_line("abcdef".as_bytes(), 3), "abc…");
        assert_eq!(first_line(b"", 10), "");
    }
}
