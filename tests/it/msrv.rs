//! The Rust version we claim (Cargo.toml's `rust-version`, and the README)
//! is at least what every locked package needs: `uuid 1.29.3` needs 1.89
//! while we said 1.88. Each locked package's own `rust-version` is read
//! from its unpacked source in Cargo's registry (present after a build;
//! packages of other platforms, never unpacked here, are skipped).

use std::path::{Path, PathBuf};

/// `1.89` and `1.89.0` compare equal.
fn version(text: &str) -> [u32; 3] {
    let mut v = [0; 3];
    for (slot, part) in v.iter_mut().zip(text.split('.')) {
        *slot = part.parse().unwrap_or(0);
    }
    v
}

fn rust_version(manifest: &Path) -> Option<String> {
    let text = std::fs::read_to_string(manifest).ok()?;
    let doc: toml::Table = toml::from_str(&text).ok()?;
    let v = doc.get("package")?.get("rust-version")?;
    v.as_str().map(str::to_string)
}

#[test]
fn our_rust_version_covers_every_locked_package() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ours = rust_version(&root.join("Cargo.toml")).expect("our rust-version");
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .expect("a cargo home");
    let registries: Vec<PathBuf> = std::fs::read_dir(home.join("registry/src"))
        .map(|dirs| dirs.flatten().map(|d| d.path()).collect())
        .unwrap_or_default();
    let lock: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("Cargo.lock")).unwrap()).unwrap();
    let mut checked = 0;
    let mut too_new = Vec::new();
    for package in lock["package"].as_array().unwrap() {
        let (Some(name), Some(v)) = (package["name"].as_str(), package["version"].as_str()) else {
            continue;
        };
        let Some(manifest) = registries
            .iter()
            .map(|r| r.join(format!("{name}-{v}/Cargo.toml")))
            .find(|m| m.exists())
        else {
            continue;
        };
        checked += 1;
        if let Some(needs) = rust_version(&manifest)
            && version(&needs) > version(&ours)
        {
            too_new.push(format!("{name} {v} needs {needs}"));
        }
    }
    assert!(
        checked > 100,
        "only {checked} locked packages found unpacked"
    );
    assert!(
        too_new.is_empty(),
        "rust-version {ours} is too old: {too_new:?}"
    );
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("({ours} or newer)")),
        "the README states another minimum than {ours}"
    );
}
