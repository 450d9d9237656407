//! Helpers shared by the integration tests: small sites written into temporary folders.
#![allow(dead_code)]

use pirsite::diagnostics::Diagnostic;
use pirsite::site::Site;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A site in a temporary folder, removed when dropped.
pub struct TestSite {
    dir: tempfile::TempDir,
}

impl TestSite {
    /// An empty site (no site.toml, an empty `content/`).
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        TestSite { dir }
    }

    /// A site holding the given files (path relative to the root, text).
    pub fn with(files: &[(&str, &str)]) -> Self {
        let site = TestSite::new();
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    /// A copy of a folder of `tests/fixtures/`.
    pub fn fixture(name: &str) -> Self {
        let site = TestSite::new();
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(name),
            site.root(),
        );
        site
    }

    /// The site root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// `root/rel`.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes `text` at `rel`, creating folders.
    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Self {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    /// Loads and validates the site with the library: every diagnostic of the report format,
    /// sorted (review-quality lint findings, which carry a rule id, are left to
    /// [`TestSite::check_all`] and tests/lint.rs). A broken site.toml gives its one diagnostic.
    pub fn check(&self) -> Vec<Diagnostic> {
        self.check_all()
            .into_iter()
            .filter(|d| d.rule.is_none())
            .collect()
    }

    /// Every diagnostic, lint findings included.
    ///
    /// The site is checked twice, as `pirsite check` runs: once keeping its reports in the
    /// report cache (`.pirsite-cache/`), then again taking them from it; both runs must find the
    /// same, and the second must parse no report. So every test that checks a site through
    /// here also tests that a report read back from the cache is the report parsed.
    pub fn check_all(&self) -> Vec<Diagnostic> {
        let run = |mut site: Site, today| {
            site.keep_reports();
            let checked = site.check_at(today);
            // A cache that cannot be written fails no check; here it must be written.
            site.save_reports().expect("report cache written");
            checked
        };
        let site = match Site::open(self.root()) {
            Ok(site) => site,
            Err(d) => return vec![d],
        };
        // One day for both runs, as `Site::check` would take it.
        let today = pirsite::site::today(None, &site.config)
            .unwrap_or_else(|_| chrono::Utc::now().date_naive());
        let first = run(site, today);
        let again = run(Site::open(self.root()).expect("site opens again"), today);
        assert_eq!(
            again.kept,
            again.lints.len(),
            "every report read was taken from the report cache"
        );
        let first: Vec<Diagnostic> = first.diagnostics.into_iter().collect();
        let again: Vec<Diagnostic> = again.diagnostics.into_iter().collect();
        assert_eq!(
            again, first,
            "the findings of reports taken from the report cache"
        );
        first
    }

    /// `pirsite <args>` run in the site root (a child process).
    pub fn cmd(&self) -> Command {
        let mut c = pirsite();
        c.current_dir(self.root());
        c
    }
}

/// A `pirsite` command with a clean environment for reproducible runs.
pub fn pirsite() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pirsite"));
    c.env_remove("SOURCE_DATE_EPOCH");
    c
}

/// Copies the folder `from` into `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Every file under `dir` (relative path → bytes), to compare whole trees.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// The 1-based line of the only line of `text` containing `needle`.
pub fn line_of(text: &str, needle: &str) -> usize {
    let hits: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(hits.len(), 1, "`{needle}` must be on exactly one line");
    hits[0]
}

/// The 1-based character column of `needle` in its only line of `text`.
pub fn col_of(text: &str, needle: &str) -> usize {
    let line = text.lines().nth(line_of(text, needle) - 1).unwrap();
    line[..line.find(needle).unwrap()].chars().count() + 1
}

/// An error diagnostic.
pub fn error(path: &str, line: usize, col: usize, message: &str) -> Diagnostic {
    Diagnostic::error(path, line, col, message)
}

/// A warning diagnostic.
pub fn warning(path: &str, line: usize, col: usize, message: &str) -> Diagnostic {
    Diagnostic::warning(path, line, col, message)
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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
    std::fs::copy(repo().join("site.toml"), dir.path().join("site.toml")).unwrap();
    copy_dir(&repo().join("content"), &dir.path().join("content"));
    dir
}

/// `pirsite build --root <site> --today <today> <args>`.
pub fn build_cmd(site: &Path, today: &str, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("pirsite").unwrap();
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
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}
