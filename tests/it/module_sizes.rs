//! Modules small enough to read in one sitting: no file in `src/app` or
//! `src/runtime` holds more than 500 lines of code. Counted as a reader
//! meets them: lines before the file's `#[cfg(test)]` module (inline tests
//! are not counted), without blank lines and lines that are only a comment.

use std::path::{Path, PathBuf};

const MAX_LINES_OF_CODE: usize = 500;

/// The lines of code of one source file, as described above.
fn lines_of_code(text: &str) -> usize {
    text.lines()
        .take_while(|l| !l.starts_with("#[cfg(test)]"))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .count()
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn the_count_skips_blanks_comments_and_inline_tests() {
    let text = "//! doc\n\nfn a() {}\n    // why\nfn b() {}\n#[cfg(test)]\nmod tests {}\n";
    assert_eq!(lines_of_code(text), 2);
}

#[test]
fn no_file_in_app_or_runtime_is_over_500_lines_of_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src/app", "src/runtime"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 20, "the source files were found");
    let mut over: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).expect("a source file");
            let n = lines_of_code(&text);
            let shown = path.strip_prefix(root).unwrap_or(path).display();
            (n > MAX_LINES_OF_CODE).then(|| format!("{shown}: {n}"))
        })
        .collect();
    over.sort();
    assert!(
        over.is_empty(),
        "over {MAX_LINES_OF_CODE} lines of code (split along what the file holds):\n{}",
        over.join("\n")
    );
}
