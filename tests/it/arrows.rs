//! docs/architecture.md lists every arrow between our top-level modules;
//! `scripts/arrows.sh` reads them from the code. They must agree: an
//! import that runs back up (the config importing the UI's palette, as it
//! once did unseen) fails here instead of leaving the page wrong.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

type Arrows = BTreeMap<String, BTreeSet<String>>;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `app -> api config filter` lines, as the script prints them.
fn from_code() -> Arrows {
    let out = Command::new("bash")
        .arg(root().join("scripts/arrows.sh"))
        .output()
        .expect("run scripts/arrows.sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("text")
        .lines()
        .filter_map(|line| {
            let (from, to) = line.split_once(" -> ")?;
            // "(nothing of ours)": no arrow.
            let to = match to.starts_with('(') {
                true => BTreeSet::new(),
                false => to.split_whitespace().map(str::to_string).collect(),
            };
            Some((from.to_string(), to))
        })
        .collect()
}

/// `app → config, api, filter` lines of the page (`main → cli` is the
/// binary's, which the script does not read).
fn from_docs() -> Arrows {
    let page = std::fs::read_to_string(root().join("docs/architecture.md")).expect("the page");
    page.lines()
        .filter_map(|line| {
            let (from, to) = line.split_once(" → ")?;
            if !from.bytes().all(|b| b.is_ascii_lowercase()) || from == "main" {
                return None; // prose with an arrow in it, or the binary's
            }
            let to = match to.starts_with('(') {
                true => BTreeSet::new(),
                false => to.split(", ").map(|m| m.trim().to_string()).collect(),
            };
            Some((from.to_string(), to))
        })
        .collect()
}

#[test]
fn the_pages_arrows_are_the_codes() {
    let code = from_code();
    assert!(code.len() >= 10, "{code:?}");
    assert_eq!(
        from_docs(),
        code,
        "docs/architecture.md against scripts/arrows.sh"
    );
}

/// The script reads `crate::x` paths; a grouped `use crate::{x::…}` would
/// hide an arrow from it (and from this page): none is written.
#[test]
fn every_path_of_ours_names_its_module() {
    let mut grouped = Vec::new();
    let mut dirs = vec![root().join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source");
                if text.contains("crate::{") {
                    grouped.push(path.display().to_string());
                }
            }
        }
    }
    assert!(grouped.is_empty(), "use crate::{{…}} in {grouped:?}");
}
