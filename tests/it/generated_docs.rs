//! Files generated from the code and checked in, so they can be read
//! without building: each test fails when its file differs from what the
//! code produces now, and names the one command that writes them all
//! again (`UPDATE_DOCS=1`, read here only: the tests set no variables).

use std::path::PathBuf;

use triage::app::keymap::reference::{REGENERATE, reference_markdown};

use crate::support::cli::triage_command;

/// Compares `path` (relative to the crate) with `generated`, or writes it
/// when `UPDATE_DOCS` is set.
fn check_generated(path: &str, generated: &str) {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&file, generated).expect("write the generated file");
        return;
    }
    let checked_in = std::fs::read_to_string(&file).unwrap_or_default();
    if checked_in != generated {
        let first = checked_in
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| checked_in.lines().count().min(generated.lines().count()));
        panic!(
            "{path} is out of date (first difference at line {}).\nRegenerate it with:\n\n    {REGENERATE}\n",
            first + 1
        );
    }
}

#[test]
fn docs_keys_md_is_the_keymap() {
    check_generated("docs/keys.md", &reference_markdown());
}

#[test]
fn assets_triage_1_is_triage_man() {
    let out = triage_command(&["man"], &[])
        .output()
        .expect("run triage man");
    assert!(out.status.success(), "{out:?}");
    let page = String::from_utf8(out.stdout).expect("roff is text");
    check_generated("assets/triage.1", &page);
}

#[test]
fn assets_config_schema_json_is_triage_config_schema() {
    let out = triage_command(&["config", "schema"], &[])
        .output()
        .expect("run triage config schema");
    assert!(out.status.success(), "{out:?}");
    let schema = String::from_utf8(out.stdout).expect("JSON is text");
    check_generated("assets/config.schema.json", &schema);
}
