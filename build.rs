//! Tells `triage --version` which commit it was built from and when.
//!
//! Only release builds ask: a debug build says "debug build" instead, because
//! every change of what it reports reruns this script and so rebuilds the
//! whole package, and developers commit and rebase all day. A release build
//! reruns when HEAD moves (the files `version::head` names) and at no other
//! commit-independent change; `SOURCE_DATE_EPOCH` fixes the date for
//! reproducible builds.

#[path = "build/version.rs"]
mod version;

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/version.rs");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let described = if release {
        let root = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
        let head = version::head(Path::new(&root));
        for file in head.iter().flat_map(|h| &h.watch) {
            println!("cargo:rerun-if-changed={}", file.display());
        }
        let now = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or_else(|| {
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0)
            });
        version::describe(head.as_ref(), &version::date(now))
    } else {
        "(debug build)".to_string()
    };
    println!(
        "cargo:rustc-env=TRIAGE_VERSION={} {described}",
        env!("CARGO_PKG_VERSION")
    );
}
