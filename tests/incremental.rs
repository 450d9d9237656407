//! Builds brought up to date in place (what `serve` does after an edit) give exactly what a
//! fresh build of the edited site gives: after every kind of edit, the updated folder is
//! compared file by file with a fresh build. Edits to reports and assets must be applied in
//! place, without rendering every page; others (configuration, theme, "today") may build a new
//! folder.

mod common;

use common::{repo, sample_site, tree};
use pirsite::site::{self, BuildOptions, Built, Memo, Site};
use std::path::{Path, PathBuf};

const TODAY: &str = "2026-11-27";

/// A site built once, then updated after each edit as `serve` updates it.
struct Live {
    root: PathBuf,
    site: Site,
    memo: Memo,
    generations: tempfile::TempDir,
    n: usize,
    drafts: bool,
    today: chrono::NaiveDate,
}

impl Live {
    fn new(root: &Path, drafts: bool) -> Live {
        let mut live = Live {
            root: root.to_path_buf(),
            site: Site::open(root).unwrap(),
            memo: Memo::default(),
            generations: tempfile::tempdir().unwrap(),
            n: 0,
            drafts,
            today: TODAY.parse().unwrap(),
        };
        let built = live.rebuild(&[]).expect("first build");
        assert_eq!(built.rendered, built.pages);
        live
    }

    fn opts(&self, output: PathBuf) -> BuildOptions {
        BuildOptions {
            output: Some(output),
            base_url: None,
            today: Some(self.today),
            drafts: self.drafts,
            keep_cache: false,
        }
    }

    /// Rebuilds after `changed` (paths relative to the root), as `serve` does.
    fn rebuild(&mut self, changed: &[&str]) -> Result<Built, site::BuildError> {
        let changed: Vec<PathBuf> = changed.iter().map(|p| self.root.join(p)).collect();
        if changed.iter().any(|p| p.ends_with("site.toml")) {
            self.site.reload_config().unwrap();
        }
        let files: Vec<PathBuf> = changed.iter().filter(|p| !p.is_dir()).cloned().collect();
        self.site.forget(&files);
        self.site.changed(&changed);
        self.n += 1;
        let out = self.generations.path().join(format!("build-{}", self.n));
        let opts = self.opts(out);
        site::build_with(&mut self.site, &opts, Some(&mut self.memo))
    }

    /// What a fresh build of the site writes now.
    fn fresh(&self) -> std::collections::BTreeMap<String, Vec<u8>> {
        let out = tempfile::tempdir().unwrap();
        let opts = self.opts(out.path().join("out"));
        site::build(&mut Site::open(&self.root).unwrap(), &opts).expect("fresh build");
        tree(&out.path().join("out"))
    }

    /// Applies an edit, rebuilds, and checks the result against a fresh build. `in_place`:
    /// the edit must be applied to the current folder, without rendering every page.
    fn edit(&mut self, what: &str, in_place: bool, changed: &[&str], apply: impl FnOnce(&Path)) {
        apply(&self.root);
        let before = self.memo.folder.clone();
        let built = self
            .rebuild(changed)
            .unwrap_or_else(|e| panic!("{what}: the rebuild failed: {e:?}"));
        if in_place {
            assert_eq!(self.memo.folder, before, "{what}: not updated in place");
            assert!(
                built.rendered < built.pages,
                "{what}: all {} pages rendered",
                built.pages
            );
        }
        assert!(
            tree(&self.memo.folder) == self.fresh(),
            "{what}: the updated build differs from a fresh build"
        );
    }
}

fn replace(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

const R061: &str = "content/incidents/2025/cache-stampede/INC-2025-061.md";
const R014: &str = "content/incidents/2025/INC-2025-014.md";
const R042: &str = "content/incidents/2024/INC-2024-042.md";
const R104: &str = "content/incidents/2026/INC-2026-104.md";
const R133: &str = "content/incidents/2025/INC-2025-133.md";
const R023: &str = "content/incidents/2026/INC-2026-023.md";
const R117: &str = "content/incidents/2023/INC-2023-117.md";
const R131: &str = "content/incidents/2024/INC-2024-131.md";
const SVG: &str = "content/incidents/2025/cache-stampede/cache-hit-ratio.svg";

fn edits(drafts: bool) {
    let dir = sample_site();
    let mut live = Live::new(dir.path(), drafts);
    live.edit("a word in a summary", true, &[R061], |r| {
        replace(r, R061, "A planned upgrade", "A scheduled upgrade")
    });
    live.edit(
        "the title of a report others refer to",
        true,
        &[R014],
        |r| replace(r, R014, "title: \"", "title: \"Renamed: "),
    );
    live.edit("a tag added", true, &[R042], |r| {
        replace(r, R042, "tags: [", "tags: [brand-new-tag, ")
    });
    live.edit("a service removed", true, &[R104], |r| {
        replace(r, R104, "services: [api-gateway, ", "services: [")
    });
    live.edit("a lower severity", true, &[R133], |r| {
        replace(r, R133, "severity: SEV4", "severity: SEV3")
    });
    live.edit("an earlier date", true, &[R133], |r| {
        replace(r, R133, "date: 2025-11-12", "date: 2023-01-02")
    });
    live.edit("an action item reopened", true, &[R023], |r| {
        replace(
            r,
            R023,
            "**Status:** Done\n**Completed:** 2026-03-13\n",
            "**Status:** Open\n",
        )
    });
    // Shown on the page of the incident it tracks against, INC-2024-088, and counted there
    // in incidents.json.
    live.edit(
        "an action item tracked against another incident reopened",
        true,
        &[R131],
        |r| {
            replace(
                r,
                R131,
                "**Status:** Done\n**Completed:** 2024-10-17\n",
                "**Status:** In Progress\n",
            )
        },
    );
    // A review never held: listed on the dashboard under Reviews not held.
    live.edit("a review day removed", true, &[R042], |r| {
        replace(r, R042, "review_date: 2024-03-18\n", "")
    });
    live.edit("an action item due later", true, &[R023], |r| {
        replace(r, R023, "**Due:** 2026-05-08", "**Due:** 2026-12-01")
    });
    live.edit("a new reference in the body", true, &[R117], |r| {
        replace(r, R117, "## Summary\n", "## Summary\nSee INC-2026-023. ")
    });
    live.edit("an owner who is a new person", true, &[R023], |r| {
        replace(
            r,
            R023,
            "**Owner:** Amara Nwosu",
            "**Owner:** Zed Quillfeather",
        )
    });
    live.edit("a blaming sentence", true, &[R131], |r| {
        replace(
            r,
            R131,
            "## Summary\n",
            "## Summary\nZed Quillfeather forgot to renew the certificate. ",
        )
    });
    live.edit("a report taken back to draft", true, &[R023], |r| {
        replace(r, R023, "status: published", "status: draft")
    });
    live.edit("an asset changed", true, &[SVG], |r| {
        let path = r.join(SVG);
        let svg = std::fs::read_to_string(&path).unwrap();
        std::fs::write(path, svg.replacen("<svg", "<svg data-edited=\"1\"", 1)).unwrap();
    });
    live.edit(
        "an asset added",
        true,
        &["content/incidents/2025/cache-stampede/notes.txt"],
        |r| {
            std::fs::write(
                r.join("content/incidents/2025/cache-stampede/notes.txt"),
                "n",
            )
            .unwrap()
        },
    );
    live.edit(
        "an asset deleted",
        true,
        &["content/incidents/2025/cache-stampede/notes.txt"],
        |r| {
            std::fs::remove_file(r.join("content/incidents/2025/cache-stampede/notes.txt")).unwrap()
        },
    );
    // Neither read nor published, but warned about; the walk after it lists it no more.
    let lookalike = "content/incidents/2026/INC-2026-201.markdown";
    live.edit("a report saved as .markdown", true, &[lookalike], |r| {
        std::fs::copy(r.join(R131), r.join(lookalike)).unwrap();
    });
    live.edit("the .markdown file deleted", true, &[lookalike], |r| {
        std::fs::remove_file(r.join(lookalike)).unwrap()
    });
    let new = "content/incidents/2026/INC-2026-200.md";
    live.edit("a new report", true, &[new], |r| {
        let text = std::fs::read_to_string(r.join(R131)).unwrap().replacen(
            "id: INC-2024-131",
            "id: INC-2026-200",
            1,
        );
        std::fs::write(r.join(new), text).unwrap();
    });
    let renamed = "content/incidents/2026/renamed.md";
    live.edit("a report renamed", true, &[new, renamed], |r| {
        std::fs::rename(r.join(new), r.join(renamed)).unwrap()
    });
    live.edit("a report deleted", true, &[renamed], |r| {
        std::fs::remove_file(r.join(renamed)).unwrap()
    });
    live.edit(
        "a report in a new folder",
        false,
        &["content/incidents/2027"],
        |r| {
            let text = std::fs::read_to_string(r.join(R131)).unwrap().replacen(
                "id: INC-2024-131",
                "id: INC-2027-001",
                1,
            );
            std::fs::create_dir_all(r.join("content/incidents/2027")).unwrap();
            std::fs::write(r.join("content/incidents/2027/INC-2027-001.md"), text).unwrap();
        },
    );

    // An error: nothing is written, the last good build stays as it was.
    let good = tree(&live.memo.folder);
    replace(
        dir.path(),
        R061,
        "## Summary\n",
        "## Summary\nLike INC-2099-001. ",
    );
    assert!(matches!(
        live.rebuild(&[R061]),
        Err(site::BuildError::Invalid(..))
    ));
    assert!(
        tree(&live.memo.folder) == good,
        "a failed build changed the folder"
    );
    live.edit("the error fixed", true, &[R061], |r| {
        replace(r, R061, "## Summary\nLike INC-2099-001. ", "## Summary\n")
    });

    // Changes that touch every page.
    live.today = "2026-12-24".parse().unwrap();
    live.edit("another day", false, &[], |_| {});
    live.edit("the configuration", false, &["site.toml"], |r| {
        let path = r.join("site.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            path,
            text.replacen("Incident Archive", "Renamed Archive", 1),
        )
        .unwrap();
    });
    live.edit(
        "a stylesheet of the site's theme",
        false,
        &["theme/static/style.css"],
        |r| {
            std::fs::create_dir_all(r.join("theme/static")).unwrap();
            std::fs::write(r.join("theme/static/style.css"), "body { margin: 0 }").unwrap();
        },
    );
    live.edit("a word again, after all that", true, &[R061], |r| {
        replace(r, R061, "A scheduled upgrade", "An upgrade")
    });
    assert!(repo().join("content").is_dir());
}

#[test]
fn every_kind_of_edit_gives_a_fresh_build() {
    edits(false);
}

#[test]
fn every_kind_of_edit_gives_a_fresh_build_with_drafts() {
    edits(true);
}
