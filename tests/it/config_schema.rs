//! `triage config schema` against the config model, both ways: the example
//! config (every setting, documented) validates against the schema, and a
//! document holding every property the schema names parses without one
//! unknown key. A setting added to the model but not to the schema (or the
//! other way round) fails one of them: add it to src/config/schema.rs.
//!
//! The validator here covers exactly the JSON Schema keywords the schema
//! uses, and a test refuses any other keyword, so nothing is skipped
//! silently.

use std::path::Path;

use serde_json::{Value, json};
use triage::app::keymap::Action;

fn schema() -> Value {
    let actions: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
    triage::config::schema(&triage::config::SchemaFacts {
        key_actions: &actions,
        theme_slots: &triage::ui::palette::slot_defaults(),
        command_placeholders: triage::app::commands::COMMAND,
    })
}

const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$id",
    "title",
    "description",
    "default",
    "format",
];
const KEYWORDS: &[&str] = &[
    "type",
    "properties",
    "additionalProperties",
    "required",
    "items",
    "enum",
    "const",
    "minimum",
    "maximum",
    "anyOf",
    "propertyNames",
    "$ref",
    "$defs",
];

fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/$defs/").expect("only local $defs refs");
            &root["$defs"][name]
        }
        None => schema,
    }
}

fn type_matches(ty: &str, value: &Value) -> bool {
    match ty {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        other => panic!("type {other} not handled"),
    }
}

fn validate(root: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(root, schema);
    if let Some(ty) = schema.get("type").and_then(Value::as_str)
        && !type_matches(ty, value)
    {
        errors.push(format!("{at}: not a {ty}: {value}"));
        return;
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array)
        && !options.contains(value)
    {
        errors.push(format!("{at}: {value} is not one of {options:?}"));
    }
    if let Some(c) = schema.get("const")
        && c != value
    {
        errors.push(format!("{at}: {value} is not {c}"));
    }
    if let Some(n) = value.as_f64() {
        if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
            && n < min
        {
            errors.push(format!("{at}: {n} < {min}"));
        }
        if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
            && n > max
        {
            errors.push(format!("{at}: {n} > {max}"));
        }
    }
    if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        let fits = branches.iter().any(|b| {
            let mut e = Vec::new();
            validate(root, b, value, at, &mut e);
            e.is_empty()
        });
        if !fits {
            errors.push(format!("{at}: {value} fits none of anyOf"));
        }
    }
    if let Some(items) = schema.get("items")
        && let Some(array) = value.as_array()
    {
        for (i, item) in array.iter().enumerate() {
            validate(root, items, item, &format!("{at}[{i}]"), errors);
        }
    }
    let Some(object) = value.as_object() else {
        return;
    };
    for name in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = name.as_str().unwrap();
        if !object.contains_key(name) {
            errors.push(format!("{at}: {name} is required"));
        }
    }
    let props = schema.get("properties").and_then(Value::as_object);
    for (key, v) in object {
        let path = format!("{at}.{key}");
        if let Some(names) = schema.get("propertyNames") {
            validate(root, names, &json!(key), &format!("{path} (name)"), errors);
        }
        match (
            props.and_then(|p| p.get(key)),
            schema.get("additionalProperties"),
        ) {
            (Some(s), _) => validate(root, s, v, &path, errors),
            (None, Some(Value::Bool(false))) => errors.push(format!("{path}: unknown key")),
            (None, Some(s)) if s.is_object() => validate(root, s, v, &path, errors),
            (None, _) => {}
        }
    }
}

fn errors_of(value: &Value) -> Vec<String> {
    let root = schema();
    let mut errors = Vec::new();
    validate(&root, &root, value, "config", &mut errors);
    errors
}

fn toml_to_json(text: &str) -> Value {
    let value: toml::Value = toml::from_str(text).expect("TOML parses");
    serde_json::to_value(value).expect("TOML is JSON-shaped")
}

/// Every schema object: keywords only from the validator's list.
fn check_keywords(schema: &Value, at: &str, problems: &mut Vec<String>) {
    let Some(object) = schema.as_object() else {
        return;
    };
    for (key, value) in object {
        let here = format!("{at}/{key}");
        match key.as_str() {
            "properties" | "$defs" => {
                for (name, sub) in value.as_object().expect("a map of schemas") {
                    check_keywords(sub, &format!("{here}/{name}"), problems);
                }
            }
            "additionalProperties" | "items" | "propertyNames" => {
                check_keywords(value, &here, problems)
            }
            "anyOf" => {
                for (i, sub) in value.as_array().expect("a list").iter().enumerate() {
                    check_keywords(sub, &format!("{here}/{i}"), problems);
                }
            }
            k if KEYWORDS.contains(&k) || ANNOTATIONS.contains(&k) => {}
            other => problems.push(format!("{at}: keyword {other} is not checked by this test")),
        }
    }
}

#[test]
fn the_schema_uses_only_keywords_this_test_checks() {
    let mut problems = Vec::new();
    check_keywords(&schema(), "#", &mut problems);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_example_config_validates() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let example = toml_to_json(&std::fs::read_to_string(path).unwrap());
    let errors = errors_of(&example);
    assert!(
        errors.is_empty(),
        "config.example.toml against `triage config schema` (add new settings to src/config/schema.rs):\n{}",
        errors.join("\n")
    );
}

#[test]
fn typos_and_out_of_range_values_are_refused() {
    let cases = [
        (
            "[ui]\nrefersh_secs = 60\n",
            "config.ui.refersh_secs: unknown key",
        ),
        ("per_page = 0\n", "config.per_page: 0 < 1"),
        ("[keys]\nmove_dwn = \"j\"\n", "config.keys.move_dwn (name)"),
        (
            "[[views]]\nname = \"x\"\n",
            "config.views[0]: filter is required",
        ),
        ("[ui]\nrefresh_secs = 5\n", "fits none of anyOf"),
        (
            "[profiles.a]\nper_page = \"ten\"\n",
            "config.profiles.a.per_page: not a integer",
        ),
        (
            "[[macros]]\nname = \"m\"\nactions = \"priority:low\"\nkeys = \"x\"\n",
            "config.macros[0].keys: unknown key",
        ),
    ];
    for (text, expected) in cases {
        let errors = errors_of(&toml_to_json(text));
        assert!(
            errors.iter().any(|e| e.contains(expected)),
            "{text:?}: expected {expected:?} in {errors:?}"
        );
    }
    assert_eq!(
        errors_of(&toml_to_json("[ui]\nrefresh_secs = 0\n")),
        Vec::<String>::new()
    );
}

/// A value the schema accepts for `schema`, preferring its default.
fn sample(root: &Value, schema: &Value) -> Value {
    let schema = resolve(root, schema);
    if let Some(default) = schema.get("default") {
        return default.clone();
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    if let Some(first) = schema.get("anyOf").and_then(|a| a.get(0)) {
        return sample(root, first);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => {
            let mut object = serde_json::Map::new();
            for (name, sub) in schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                object.insert(name.clone(), sample(root, sub));
            }
            if let Some(extra) = schema.get("additionalProperties").filter(|s| s.is_object()) {
                let name = schema
                    .pointer("/propertyNames/enum/0")
                    .and_then(Value::as_str)
                    .unwrap_or("sample");
                object.insert(name.to_string(), sample(root, extra));
            }
            Value::Object(object)
        }
        Some("array") => json!([sample(root, &schema["items"])]),
        Some("string") if schema.get("format") == Some(&json!("uuid")) => {
            json!("00000000-0000-4000-8000-000000000001")
        }
        Some("string") => json!("sample"),
        Some("integer") => schema.get("minimum").cloned().unwrap_or(json!(1)),
        Some("boolean") => json!(true),
        other => panic!("no sample for {other:?} in {schema}"),
    }
}

#[test]
fn every_property_of_the_schema_is_a_setting_the_model_reads() {
    let root = schema();
    let document = sample(&root, &root);
    assert_eq!(
        errors_of(&document),
        Vec::<String>::new(),
        "the sample fits"
    );
    let text = toml::to_string(&document).expect("the sample is TOML");
    let parsed = triage::config::parse_reporting(&text, Path::new("sample.toml"))
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert!(
        parsed.unknown_keys.is_empty(),
        "the schema names settings the model ignores: {:?}",
        parsed
            .unknown_keys
            .iter()
            .map(|k| k.key.as_str())
            .collect::<Vec<_>>()
    );
    // Every section is in the sample, so a setting dropped from the model
    // cannot hide in an empty table.
    for section in ["profiles", "keys", "views", "macros", "ui", "aliases"] {
        assert!(text.contains(section), "{section} missing from:\n{text}");
    }
}
