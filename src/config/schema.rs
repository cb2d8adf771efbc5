//! A JSON Schema (draft 2020-12) of `config.toml`, for editors whose TOML
//! language server validates and completes a file against one (taplo,
//! Even Better TOML): `triage config schema` prints it.
//!
//! Written from the model in `model.rs` rather than derived, to keep a
//! derive crate out of the build; two tests keep them together: the
//! example config validates against it, and a document holding every
//! property the schema names parses without an unknown key
//! (tests/it/config_schema.rs). A new setting goes in both places.

use serde_json::{Value, json};

use crate::model::Rgb;

use super::model::{AfterReply, KeyCommandTimeout, ListRefresh, PerPage, SavedView};

/// What the schema says that the layers above know: handed in, so the
/// config never imports the keymap, the commands or the UI's palette.
pub struct SchemaFacts<'a> {
    /// The keymap's action names: the only keys `[keys]` accepts.
    pub key_actions: &'a [&'a str],
    /// The theme's slots, each with the dark theme's color (its default).
    pub theme_slots: &'a [(&'a str, Rgb)],
    /// The placeholders a command's `run` may hold.
    pub command_placeholders: &'a [&'a str],
}

/// The schema of the config file.
pub fn schema(facts: &SchemaFacts) -> Value {
    let key_actions = facts.key_actions;
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://triage.invalid/config.schema.json",
        "title": "triage config.toml",
        "description": "The config file of triage, the helpdesk queue client (`triage config path` prints where it lives; config.example.toml documents every setting).",
        "type": "object",
        "additionalProperties": false,
        "properties": with_profile_settings(json!({
            "default_profile": {
                "type": "string",
                "description": "Profile used when --profile is not given."
            },
            "profiles": {
                "type": "object",
                "description": "One profile per workspace: [profiles.NAME].",
                "additionalProperties": { "$ref": "#/$defs/profile" }
            },
            "keys": {
                "type": "object",
                "description": "Key bindings: action = key or [keys], replacing the action's defaults (docs/keys.md lists the actions).",
                "propertyNames": { "enum": key_actions },
                "additionalProperties": {
                    "anyOf": [
                        { "type": "string" },
                        { "type": "array", "items": { "type": "string" } }
                    ]
                }
            },
            "views": {
                "type": "array",
                "description": "Saved views: [[views]].",
                "items": { "$ref": "#/$defs/view" }
            },
            "macros": {
                "type": "array",
                "description": "Macros: several triage changes under one name, [[macros]].",
                "items": { "$ref": "#/$defs/macro" }
            },
            "replies": {
                "type": "array",
                "description": "Canned replies offered by R: [[replies]] (docs/replies.md#canned-replies).",
                "items": { "$ref": "#/$defs/reply" }
            },
            "commands": {
                "type": "array",
                "description": "Shell commands on keys: [[commands]] (docs/configuration.md#commands-on-keys).",
                "items": { "$ref": "#/$defs/command" }
            },
            "default_view": {
                "type": "string",
                "description": "The view the UI opens on when neither --view nor --filter is given."
            },
            "ui": { "$ref": "#/$defs/ui" },
            "theme": {
                "type": "object",
                "additionalProperties": false,
                "description": "Colors over the chosen theme's, slot by slot (docs/queue.md#colors).",
                "properties": facts.theme_slots
                    .iter()
                    .map(|(s, dark)| {
                        let hex = format!("#{:02x}{:02x}{:02x}", dark.0, dark.1, dark.2);
                        (s.to_string(), json!({
                            "type": "string",
                            "description": "\"#rrggbb\" or \"#rgb\" (the default is the dark theme's)",
                            "default": hex
                        }))
                    })
                    .collect::<serde_json::Map<String, serde_json::Value>>()
            }
        })),
        "$defs": {
            "profile": {
                "type": "object",
                "additionalProperties": false,
                "properties": with_profile_settings(json!({
                    "api_key_cmd": {
                        "type": "string",
                        "description": "A shell command printing the API key (pass show helpdesk/acme)."
                    },
                    "api_key": {
                        "type": "string",
                        "description": "The API key itself; the file should then be private (mode 600). TRIAGE_API_KEY and api_key_cmd come first."
                    }
                }))
            },
            "view": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name", "filter"],
                "properties": {
                    "name": { "type": "string" },
                    "filter": { "type": "string", "description": "A filter in the text form (docs/filters.md)." },
                    "sort": { "enum": ["created_at", "updated_at", "priority", "created", "updated"] },
                    "order": { "enum": ["asc", "desc"] },
                    "key": { "type": "string", "description": "A key of its own besides its position's digit." },
                    "per_page": per_page(),
                    "refresh_secs": {
                        "type": "integer",
                        "minimum": SavedView::MIN_REFRESH_SECS,
                        "maximum": SavedView::MAX_REFRESH_SECS,
                        "description": "Count again in the background this often and mark what is new."
                    },
                    "notify": notify(),
                    "columns": {
                        "type": "array",
                        "description": "The list's columns while this view is open ([ui] columns otherwise).",
                        "items": { "$ref": "#/$defs/column" }
                    },
                    "profile": { "type": "string", "description": "Only in this profile." },
                    "after_reply": after_reply()
                }
            },
            "column": {
                "anyOf": [
                    {
                        "type": "string",
                        "description": format!("A column: {} (an unknown name is a warning).", crate::columns::Column::NAMES.join(", "))
                    },
                    {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["name"],
                        "properties": {
                            "name": { "type": "string", "description": "A column's name, as above." },
                            "width": {
                                "description": "A number of cells, \"grow\" (what the others leave) or \"min:N\" (at least N, and a share of what is left).",
                                "anyOf": [
                                    { "type": "integer", "minimum": 1, "maximum": crate::columns::Width::MAX },
                                    { "enum": ["grow", "auto"] },
                                    { "type": "string" }
                                ]
                            }
                        }
                    }
                ]
            },
            "macro": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name", "actions"],
                "properties": {
                    "name": { "type": "string" },
                    "actions": { "type": "string", "description": "key:value actions: status:, priority:, assignee:, inbox:, +tag:, -tag:, field:, snooze:, note:, reply: (docs/triage.md#macros)." },
                    "key": { "type": "string", "description": "A key that runs it from the list (ctrl-b, F2)." },
                    "profile": { "type": "string", "description": "Only in this profile." }
                }
            },
            "reply": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name", "body"],
                "properties": {
                    "name": { "type": "string" },
                    "body": { "type": "string", "description": "The reply's text; placeholders: {{number}}, {{subject}}, {{me}}, {{requester_name}}, {{requester_email}}, {{status}}, {{inbox}}." },
                    "key": { "type": "string", "description": "A key that opens the editor with this reply (ctrl-t, F3)." },
                    "profile": { "type": "string", "description": "Only in this profile." }
                }
            },
            "command": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name", "run"],
                "properties": {
                    "name": { "type": "string" },
                    "run": { "type": "string", "description": format!("Run with sh -c; placeholders (each value shell-quoted): {}.", facts.command_placeholders.iter().map(|n| format!("{{{{{n}}}}}")).collect::<Vec<_>>().join(", ")) },
                    "key": { "type": "string", "description": "A key that runs it from the list (ctrl-o, F4)." },
                    "confirm": { "type": "boolean", "default": false, "description": "Ask before running." },
                    "marked": { "enum": ["each", "once"], "default": "each", "description": "With marked tickets: once per ticket, or once with each placeholder a list." },
                    "output": { "enum": ["status"], "description": "status: in the background, the first line of its output on the status line." },
                    "wait": { "type": "boolean", "default": true, "description": "In the terminal: wait for Enter after the command so its output can be read; false goes straight back." },
                    "profile": { "type": "string", "description": "Only in this profile." }
                }
            },
            "ui": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "relative_times": { "type": "boolean", "default": true },
                    "truecolor": { "enum": ["auto", "always", "never"], "default": "auto" },
                    "theme": { "enum": ["auto", "dark", "light", "high-contrast"], "default": "auto", "description": "auto asks the terminal for its background." },
                    "refresh_secs": list_refresh(ListRefresh::DEFAULT_SECS, "The open list refreshes itself this often (0: never)."),
                    "unfocused_refresh_secs": list_refresh(300, "At most this often while the terminal is not focused (0: not until focus returns)."),
                    "notify": notify(),
                    "after_reply": after_reply(),
                    "columns": {
                        "type": "array",
                        "description": "The list's columns, left to right (docs/queue.md#columns).",
                        "default": crate::columns::DEFAULT_COLUMNS,
                        "items": { "$ref": "#/$defs/column" }
                    }
                }
            },
            "aliases": {
                "type": "object",
                "additionalProperties": false,
                "description": "Names for UUIDs, used when the server has no companion endpoints.",
                "properties": {
                    "tags": uuid_map(),
                    "inboxes": uuid_map(),
                    "users": uuid_map(),
                    "fields": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "object",
                            "additionalProperties": false,
                            "required": ["type"],
                            "properties": {
                                "type": { "enum": ["text", "number", "checkbox", "select", "multi_select", "date", "date_time"] },
                                "options": uuid_map()
                            }
                        }
                    }
                }
            }
        }
    })
}

/// `props` plus the settings a profile has and the top level may set as
/// defaults for every profile.
fn with_profile_settings(mut props: Value) -> Value {
    let shared = json!({
        "base_url": {
            "type": "string",
            "description": "The API root, e.g. https://acme.example.com/api/v1."
        },
        "web_url": {
            "type": "string",
            "description": "Link to a ticket in the web app: {number} and {id} are replaced."
        },
        "per_page": per_page(),
        "me": {
            "type": "string",
            "description": "Who you are: an agent's name or UUID (A assigns to you)."
        },
        "aliases": { "$ref": "#/$defs/aliases" },
        "api_key_cmd_timeout_secs": {
            "type": "integer",
            "minimum": 1,
            "default": KeyCommandTimeout::DEFAULT_SECS,
            "description": "How long api_key_cmd may run."
        }
    });
    if let (Some(props), Value::Object(shared)) = (props.as_object_mut(), shared) {
        props.extend(shared);
    }
    props
}

fn per_page() -> Value {
    json!({
        "type": "integer",
        "minimum": 1,
        "maximum": PerPage::MAX,
        "default": PerPage::DEFAULT
    })
}

fn after_reply() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "description": "The reply confirmation's \"send and set\" keys (docs/team.md#send-and-set-a-status).",
        "properties": {
            "statuses": {
                "type": "array",
                "items": { "type": "string" },
                "default": AfterReply::DEFAULT_STATUSES,
                "description": "Statuses offered after a reply (at most 6): a status's name or a category (open, in_progress, waiting, resolved, closed)."
            },
            "default": {
                "type": "string",
                "default": AfterReply::SEND,
                "description": "What Enter does: \"send\", or one of the statuses."
            }
        }
    })
}

fn notify() -> Value {
    json!({ "enum": ["bell", "desktop", "off"], "default": "off" })
}

fn list_refresh(default: u64, description: &str) -> Value {
    json!({
        "type": "integer",
        "description": description,
        "default": default,
        "anyOf": [
            { "const": 0 },
            { "minimum": SavedView::MIN_REFRESH_SECS, "maximum": SavedView::MAX_REFRESH_SECS }
        ]
    })
}

fn uuid_map() -> Value {
    json!({
        "type": "object",
        "additionalProperties": { "type": "string", "format": "uuid" }
    })
}
