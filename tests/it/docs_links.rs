//! The README, the changelog and the pages under docs/ point at each other: every relative
//! link must reach a file that exists, and an anchor must name a heading (or
//! an `<a id>`) of that file, so moving a section cannot silently break a
//! link. Links to other sites are not followed (the tests stay offline).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md, CHANGELOG.md and every docs/*.md.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md"), root().join("CHANGELOG.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/ exists")
        .map(|entry| entry.expect("readable docs/ entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

/// The text outside fenced code blocks, with inline code spans blanked out,
/// so that `[a](b)` written as an example inside code is not read as a link.
fn prose(markdown: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            out.push('\n');
            continue;
        }
        if fenced {
            out.push('\n');
            continue;
        }
        let mut in_code = false;
        for c in line.chars() {
            if c == '`' {
                in_code = !in_code;
            }
            out.push(if in_code || c == '`' { ' ' } else { c });
        }
        out.push('\n');
    }
    out
}

/// Every `](target)` of a page's prose: inline links and images.
fn link_targets(markdown: &str) -> Vec<String> {
    let text = prose(markdown);
    let mut targets = Vec::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        let Some(end) = after.find(')') else { break };
        // `[text](target "title")`: the title is not part of the target.
        let target = after[..end].split_whitespace().next().unwrap_or("");
        targets.push(target.to_string());
        rest = &after[end..];
    }
    targets
}

/// GitHub's heading anchors: lower case, punctuation dropped, spaces to
/// hyphens, a repeated heading numbered `-1`, `-2`…; plus explicit
/// `<a id="…">` anchors.
fn anchors(markdown: &str) -> HashSet<String> {
    let mut seen = HashSet::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("<a id=\"") {
            let after = &rest[at + 7..];
            let Some(end) = after.find('"') else { break };
            seen.insert(after[..end].to_string());
            rest = &after[end..];
        }
        let Some(title) = line.strip_prefix('#') else {
            continue;
        };
        let title = title.trim_start_matches('#');
        if !title.starts_with(' ') {
            continue;
        }
        let slug: String = title
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let mut unique = slug.clone();
        let mut n = 0;
        while seen.contains(&unique) {
            n += 1;
            unique = format!("{slug}-{n}");
        }
        seen.insert(unique);
    }
    seen
}

fn is_external(target: &str) -> bool {
    target.contains("://") || target.starts_with("mailto:")
}

fn broken_links(page: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(page).expect("page readable");
    let dir = page.parent().expect("a page lives in a directory");
    let mut broken = Vec::new();
    for target in link_targets(&text) {
        if target.is_empty() || is_external(&target) {
            continue;
        }
        let (file, anchor) = match target.split_once('#') {
            Some((file, anchor)) => (file, Some(anchor)),
            None => (target.as_str(), None),
        };
        let path = if file.is_empty() {
            page.to_path_buf()
        } else {
            dir.join(file)
        };
        if !path.exists() {
            broken.push(format!("{target}: no file {}", path.display()));
            continue;
        }
        if let Some(anchor) = anchor
            && path.extension().is_some_and(|ext| ext == "md")
        {
            let linked = std::fs::read_to_string(&path).expect("linked page readable");
            if !anchors(&linked).contains(anchor) {
                broken.push(format!(
                    "{target}: no heading #{anchor} in {}",
                    path.display()
                ));
            }
        }
    }
    broken
}

#[test]
fn every_relative_link_in_the_readme_and_docs_reaches_a_file_and_its_anchor() {
    let mut broken = Vec::new();
    for page in pages() {
        for problem in broken_links(&page) {
            broken.push(format!(
                "{}: {problem}",
                page.strip_prefix(root()).unwrap_or(&page).display()
            ));
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_readme_links_every_docs_page() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let linked: HashSet<String> = link_targets(&readme)
        .into_iter()
        .map(|t| t.split('#').next().unwrap_or("").to_string())
        .collect();
    let missing: Vec<String> = pages()
        .iter()
        .filter(|p| p.parent().is_some_and(|d| d.ends_with("docs")))
        .map(|p| format!("docs/{}", p.file_name().unwrap().to_string_lossy()))
        .filter(|p| !linked.contains(p))
        .collect();
    assert!(
        missing.is_empty(),
        "docs pages the README does not link: {missing:?}"
    );
}

#[test]
fn the_checker_catches_a_missing_file_and_a_missing_anchor() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("there.md"), "# A Title: `x` and y\n").unwrap();
    let page = dir.path().join("page.md");
    std::fs::write(
        &page,
        "[ok](there.md#a-title-x-and-y) [gone](nothere.md) [bad](there.md#nope)\n\
         `[code](ignored.md)` [web](https://example.com/x)\n",
    )
    .unwrap();
    let broken = broken_links(&page);
    assert_eq!(broken.len(), 2, "{broken:?}");
    assert!(broken[0].starts_with("nothere.md: no file"), "{broken:?}");
    assert!(
        broken[1].starts_with("there.md#nope: no heading"),
        "{broken:?}"
    );
}

#[test]
fn the_readme_stays_a_landing_page_with_its_two_commands() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    assert!(
        readme.lines().count() <= 200,
        "README.md is {} lines",
        readme.lines().count()
    );
    for command in [
        "cargo run --release -- demo",
        "cargo test",
        "cargo install --locked --path .",
    ] {
        assert!(readme.contains(command), "README.md lost `{command}`");
    }
}
