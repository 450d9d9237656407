//! The built pages are valid HTML5 by the Nu Html Checker (vnu.jar), for the sample archive, the
//! test fixture, and a report full of terminal colour codes and other control characters.
//!
//! vnu.jar is found through the environment variable `PIRSITE_VNU_JAR`, else at
//! `node_modules/vnu-jar/build/dist/vnu.jar` in the repository (`npm ci` installs it). When it
//! (or `java`) is missing the test fails if `CI` is set, and otherwise prints a note and passes.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn vnu_jar() -> Option<PathBuf> {
    let jar = std::env::var_os("PIRSITE_VNU_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::repo().join("node_modules/vnu-jar/build/dist/vnu.jar"));
    jar.is_file().then_some(jar)
}

fn java_works() -> bool {
    Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The checker, or `None` after printing why the check is skipped (panics under CI).
fn checker() -> Option<PathBuf> {
    let problem = match (vnu_jar(), java_works()) {
        (Some(jar), true) => return Some(jar),
        (None, _) => "vnu.jar not found (run `npm ci`, or set PIRSITE_VNU_JAR)",
        (Some(_), false) => "`java` is not available",
    };
    if std::env::var_os("CI").is_some() {
        panic!("HTML validation cannot run under CI: {problem}");
    }
    eprintln!("note: HTML validation skipped: {problem}");
    None
}

fn validate(jar: &Path, dir: &Path) {
    let out = Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--skip-non-html"])
        .arg(dir)
        .output()
        .expect("run java");
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && report.trim().is_empty(),
        "vnu found errors in {}:\n{report}{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn sample_archive_is_valid_html() {
    let Some(jar) = checker() else { return };
    let site = common::sample_site();
    let out = common::build(site.path(), "2026-11-27", &["--drafts"]);
    validate(&jar, &out);
}

#[test]
fn fixture_archive_is_valid_html() {
    let Some(jar) = checker() else { return };
    let site = common::fixture("archive");
    let out = common::build(
        site.path(),
        "2025-06-15",
        &[
            "--base-url",
            "https://pages.example.internal/sre/incidents/",
        ],
    );
    validate(&jar, &out);
}

#[test]
fn control_characters_leave_the_pages_valid() {
    let Some(jar) = checker() else { return };
    let site = common::fixture("controls");
    let out = common::build(site.path(), "2026-11-27", &[]);
    validate(&jar, &out);
}
