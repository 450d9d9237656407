//! Helpers shared by the integration tests: copy a fixture site, build it, read the output.

#![allow(dead_code)]

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies `from` into `to` recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            fs::copy(entry.path(), dest).unwrap();
        }
    }
}

/// A temporary copy of `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures").join(name), dir.path());
    dir
}

/// A temporary copy of the repository's sample archive (site.toml and content/).
pub fn sample_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(repo().join("site.toml"), dir.path().join("site.toml")).unwrap();
    copy_dir(&repo().join("content"), &dir.path().join("content"));
    dir
}

/// `pirsite build --root <site> --today <today> <args>`.
pub fn build_cmd(site: &Path, today: &str, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("pirsite").unwrap();
    cmd.arg("build")
        .arg("--root")
        .arg(site)
        .arg("--today")
        .arg(today)
        .args(args);
    cmd
}

/// Builds the site into `<site>/public` and returns that folder; panics with the output on
/// failure.
pub fn build(site: &Path, today: &str, args: &[&str]) -> PathBuf {
    let out = build_cmd(site, today, args).output().unwrap();
    assert!(
        out.status.success(),
        "build failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    site.join("public")
}

/// The text of `rel` under `out`.
pub fn read(out: &Path, rel: &str) -> String {
    fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}
