//! Review-quality lints end to end: `check` on the fixture site `tests/fixtures/lint` (copied
//! to a temporary folder), levels and `off` from `[lint]`, `--deny-warnings`, day counts, the
//! "Review quality" box, the dashboard data, `pirsite new`, and the sample archive staying
//! clean.

use assert_cmd::Command;
use pirsite::site::Site;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the lint fixture with `extra` appended to its site.toml.
fn fixture(extra: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint"),
        &root,
    );
    let toml = root.join("site.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str(extra);
    std::fs::write(&toml, text).unwrap();
    (dir, root)
}

fn pirsite() -> Command {
    Command::cargo_bin("pirsite").unwrap()
}

/// One finding: (file name, line, rule, level, message).
type Finding = (String, usize, String, String, String);

/// `check --format json` findings and the exit status.
fn check(root: &Path, today: &str) -> (Vec<Finding>, i32) {
    let out = pirsite()
        .args(["check", "--format", "json", "--today", today, "--root"])
        .arg(root)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                d["line"].as_u64().unwrap() as usize,
                d["rule"].as_str().unwrap_or("").to_string(),
                d["level"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (items, out.status.code().unwrap())
}

fn rules(items: &[Finding]) -> Vec<(&str, usize, &str, &str)> {
    items
        .iter()
        .map(|(f, l, r, lv, _)| (f.as_str(), *l, r.as_str(), lv.as_str()))
        .collect()
}

#[test]
fn every_rule_reports_at_its_line_with_exact_day_counts() {
    let (_d, root) = fixture("");
    let (items, code) = check(&root, "2024-05-01");
    assert_eq!(code, 1, "due-before-incident is an error by default");
    assert_eq!(
        rules(&items),
        vec![
            ("INC-2024-001.md", 7, "review-late", "warning"),
            ("INC-2024-001.md", 8, "publish-late", "warning"),
            ("INC-2024-001.md", 13, "blame-language", "warning"),
            ("INC-2024-001.md", 18, "blame-language", "warning"),
            (
                "INC-2024-001.md",
                21,
                "single-contributing-factor",
                "warning"
            ),
            ("INC-2024-001.md", 29, "vague-action", "warning"),
            ("INC-2024-001.md", 30, "owner-placeholder", "warning"),
            ("INC-2024-001.md", 42, "due-before-incident", "error"),
            ("INC-2024-001.md", 53, "due-too-far", "warning"),
            ("INC-2024-001.md", 64, "action-not-followed-up", "warning"),
            ("INC-2024-003.md", 6, "writeup-overdue", "warning"),
        ]
    );
    let msg = |rule: &str| {
        items
            .iter()
            .find(|i| i.2 == rule)
            .map(|i| i.4.clone())
            .unwrap()
    };
    // SEV2 review 11 days after the incident, window 7: 4 days late.
    assert!(msg("review-late").starts_with("review held 4 days late"));
    // Published 19 days after, window 14: 5 days late.
    assert!(msg("publish-late").starts_with("write-up published 5 days late"));
    // Draft on day 30 after the incident, window 14: 16 days overdue.
    assert!(msg("writeup-overdue").starts_with("write-up 16 days overdue"));
    assert!(msg("due-before-incident").contains("10 days before the incident"));
    assert!(msg("due-too-far").contains("45 days after the incident"));
    assert!(msg("action-not-followed-up").contains("31 days after its follow-up deadline"));
}

#[test]
fn deadlines_are_on_time_on_the_last_day_of_their_window() {
    let (_d, root) = fixture("");
    // INC-2024-002 (SEV1) was reviewed on day 3 and published on day 14: no finding. On
    // 2024-04-15 the draft INC-2024-003 is exactly 14 days old, and INC-2024-001 is 45 days
    // old: its open item is 15 days past the follow-up deadline.
    let (items, _) = check(&root, "2024-04-15");
    assert!(items.iter().all(|i| i.0 != "INC-2024-002.md"), "{items:?}");
    assert!(items.iter().all(|i| i.2 != "writeup-overdue"), "{items:?}");
    let (items, _) = check(&root, "2024-04-16");
    let overdue: Vec<_> = items.iter().filter(|i| i.2 == "writeup-overdue").collect();
    assert_eq!(overdue.len(), 1);
    assert!(
        overdue[0].4.starts_with("write-up 1 day overdue"),
        "{overdue:?}"
    );
}

#[test]
fn levels_and_off_are_honoured() {
    let (_d, root) = fixture(
        "\n[lint]\nblame-language = \"error\"\nvague-action = \"off\"\ndue-before-incident = \"warning\"\nreview-late = \"off\"\n",
    );
    let (items, code) = check(&root, "2024-05-01");
    let r = rules(&items);
    assert!(
        r.iter()
            .all(|i| i.2 != "vague-action" && i.2 != "review-late"),
        "{r:?}"
    );
    assert!(r.contains(&("INC-2024-001.md", 13, "blame-language", "error")));
    assert!(r.contains(&("INC-2024-001.md", 42, "due-before-incident", "warning")));
    assert_eq!(code, 1, "blame-language is now an error");
}

#[test]
fn deny_warnings_fails_on_warnings_only() {
    let (_d, root) = fixture("\n[lint]\ndue-before-incident = \"warning\"\n");
    let (items, code) = check(&root, "2024-05-01");
    assert!(items.iter().all(|i| i.3 == "warning"));
    assert_eq!(code, 0);
    pirsite()
        .args([
            "check",
            "--deny-warnings",
            "--today",
            "2024-05-01",
            "--root",
        ])
        .arg(&root)
        .assert()
        .code(1);
}

#[test]
fn word_lists_and_due_days_extend_the_rules() {
    let (_d, root) = fixture(
        "publish_within_days = 30\nactions_within_days = 90\n[lint]\nblame_words = [\"didn't cover\"]\nplaceholder_owners = [\"Marcus Okafor\"]\ndue_days = { P1 = 50 }\n",
    );
    let (items, _) = check(&root, "2024-05-01");
    let r = rules(&items);
    // publish_within_days = 30: published on day 19 is on time; the draft is 0 days over.
    assert!(
        r.iter()
            .all(|i| i.2 != "publish-late" && i.2 != "writeup-overdue"),
        "{r:?}"
    );
    // actions_within_days = 90: nothing to follow up yet.
    assert!(r.iter().all(|i| i.2 != "action-not-followed-up"), "{r:?}");
    // due_days P1 = 50: due 45 days after is fine.
    assert!(r.iter().all(|i| i.2 != "due-too-far"), "{r:?}");
    // The placeholder list names Marcus Okafor's item (line 52).
    assert!(
        r.contains(&("INC-2024-001.md", 52, "owner-placeholder", "warning")),
        "{r:?}"
    );
    // "didn't cover" is a blame phrase now: the Summary's second sentence is flagged too.
    assert_eq!(r.iter().filter(|i| i.2 == "blame-language").count(), 3);
}

#[test]
fn unknown_lint_keys_are_errors_with_a_hint() {
    let (_d, root) = fixture("\n[lint]\nvague-actoin = \"off\"\n");
    pirsite()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stdout(predicates::str::contains("did you mean `vague-action`?"));
}

#[test]
fn the_sample_archive_is_clean() {
    pirsite()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--today", "2026-11-27"])
        .assert()
        .code(0)
        .stdout("no problems in 14 reports\n");
}

#[test]
fn incident_pages_show_a_review_quality_box_unless_turned_off() {
    let (_d, root) = fixture("\n[lint]\ndue-before-incident = \"warning\"\n");
    pirsite()
        .args(["build", "--today", "2024-05-01", "--root"])
        .arg(&root)
        .assert()
        .code(0);
    let page =
        std::fs::read_to_string(root.join("public/incidents/inc-2024-001/index.html")).unwrap();
    assert!(
        page.contains("<h2 id=\"review-quality\">Review quality</h2> 10 notes"),
        "{page}"
    );
    assert!(page.contains("<code>blame-language</code>"));
    assert!(page.contains("<code>Improve monitoring</code>"));
    let clean =
        std::fs::read_to_string(root.join("public/incidents/inc-2024-002/index.html")).unwrap();
    assert!(!clean.contains("review-quality"));

    let (_d2, root2) = fixture("\n[lint]\nshow_on_site = false\ndue-before-incident = \"off\"\n");
    pirsite()
        .args(["build", "--today", "2024-05-01", "--root"])
        .arg(&root2)
        .assert()
        .code(0);
    let page =
        std::fs::read_to_string(root2.join("public/incidents/inc-2024-001/index.html")).unwrap();
    assert!(!page.contains("review-quality"));
}

#[test]
fn dashboard_data_counts_rules_and_lists_overdue_writeups() {
    let (_d, root) = fixture("");
    let mut site = Site::open(&root).unwrap();
    let today = "2024-05-01".parse().unwrap();
    let checked = site.check_at(today);
    let archive = site.archive(&checked, false, today);
    // Drafts are not built, but the overdue list still names them.
    assert_eq!(archive.incidents.len(), 2);
    let overdue = pirsite::lint::reviews_overdue(&archive);
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0].id, "INC-2024-003");
    assert_eq!(overdue[0].days_late, 16);
    assert_eq!(overdue[0].due.to_string(), "2024-04-15");
    assert_eq!(overdue[0].index, None);
    let counts = pirsite::lint::findings_by_rule(&archive, &site.config);
    assert_eq!(counts.len(), pirsite::lint::RULES.len());
    let count = |rule: &str| counts.iter().find(|c| c.rule == rule).unwrap().count;
    assert_eq!(count("blame-language"), 2);
    assert_eq!(count("vague-action"), 1);
    assert_eq!(count("writeup-overdue"), 0, "the draft is not built");
    let built = site.archive(&checked, true, today);
    let overdue = pirsite::lint::reviews_overdue(&built);
    assert_eq!(overdue[0].index, built.by_id.get("INC-2024-003").copied());
    assert!(overdue[0].index.is_some());
    let i = overdue[0].index.unwrap();
    assert_eq!(pirsite::lint::findings(&built, i).len(), 1);
}

/// The overdue dashboard of the site at `root` built afresh on 2024-05-01 with `args`.
fn dashboard(root: &Path, args: &[&str]) -> String {
    let _ = std::fs::remove_dir_all(root.join("public"));
    pirsite()
        .args(["build", "--today", "2024-05-01", "--root"])
        .arg(root)
        .args(args)
        .assert()
        .code(0);
    std::fs::read_to_string(root.join("public/actions/overdue/index.html")).unwrap()
}

#[test]
fn the_dashboard_lists_overdue_writeups_and_counts_findings_per_rule() {
    let (_d, root) = fixture("\n[lint]\ndue-before-incident = \"warning\"\n");
    let page = |args: &[&str]| dashboard(&root, args);
    let dashboard = page(&[]);
    let title = dashboard
        .split("<title>")
        .nth(1)
        .unwrap()
        .split("</title>")
        .next()
        .unwrap();
    assert!(
        title.starts_with("Overdue action items") && !title.contains('<'),
        "{title}"
    );
    assert_eq!(dashboard.matches("id=\"writeups-overdue\"").count(), 1);
    let section = dashboard
        .split("id=\"writeups-overdue\"")
        .nth(1)
        .expect("a Write-ups overdue section");
    let section = section.split("</section>").next().unwrap();
    // The draft is not built without --drafts: named, but not linked.
    assert!(section.contains("INC-2024-003"), "{section}");
    assert!(!section.contains("incidents/inc-2024-003/"), "{section}");
    assert!(section.contains("16 days late"), "{section}");
    assert!(section.contains("datetime=\"2024-04-15\""), "{section}");
    let rules = dashboard
        .split("id=\"review-quality-counts\"")
        .nth(1)
        .expect("a findings-per-rule section");
    let row = |rule: &str| {
        rules
            .split(&format!("<code>{rule}</code>"))
            .nth(1)
            .unwrap_or_else(|| panic!("no row for {rule}"))
            .split("</tr>")
            .next()
            .unwrap()
            .to_string()
    };
    assert!(row("blame-language").contains("<td data-label=\"Findings\" class=\"num\">2</td>"));
    assert!(row("vague-action").contains("<td data-label=\"Findings\" class=\"num\">1</td>"));
    // Rules without findings are left out (the draft is not built, so nothing is overdue).
    assert!(!rules.contains("<code>writeup-overdue</code>"), "{rules}");
    // With --drafts the overdue write-up links to its page.
    let with_drafts = page(&["--drafts"]);
    assert!(with_drafts.contains("href=\"../../incidents/inc-2024-003/\""));
}

/// A copy of the fixture's SEV1 report INC-2024-002 as `id`, with `front` (front-matter
/// lines) in place of its date, review and publication days.
fn sev1_copy(root: &Path, id: &str, front: &str) {
    let text = std::fs::read_to_string(root.join("content/INC-2024-002.md"))
        .unwrap()
        .replacen("id: INC-2024-002", &format!("id: {id}"), 1)
        .replacen(
            "date: 2024-03-10\non_call: Priya Raman\nreview_date: 2024-03-13\npublished: 2024-03-24\n",
            &format!("{front}on_call: Priya Raman\n"),
            1,
        );
    assert!(text.contains(front), "{text}");
    std::fs::write(root.join(format!("content/{id}.md")), text).unwrap();
}

#[test]
fn the_dashboard_lists_the_reviews_not_held_past_their_window() {
    let (_d, root) = fixture("\n[lint]\ndue-before-incident = \"warning\"\n");
    // Ended two days after it began: the SEV1 window (3 days) runs to 2024-04-25.
    sev1_copy(
        &root,
        "INC-2024-004",
        "date: 2024-04-20\nresolved: \"2024-04-22 10:00\"\npublished: 2024-04-30\n",
    );
    // A draft SEV2 (7 days): due 2024-04-17.
    sev1_copy(&root, "INC-2024-005", "date: 2024-04-10\nstatus: draft\n");
    let five = root.join("content/INC-2024-005.md");
    let text = std::fs::read_to_string(&five).unwrap();
    std::fs::write(&five, text.replacen("severity: SEV1", "severity: SEV2", 1)).unwrap();
    // Still inside its window on 2024-05-01.
    sev1_copy(&root, "INC-2024-006", "date: 2024-04-29\n");
    let mut site = Site::open(&root).unwrap();
    let today = "2024-05-01".parse().unwrap();
    let checked = site.check_at(today);
    let archive = site.archive(&checked, false, today);
    let rows: Vec<(&str, i64, String, Option<usize>)> = pirsite::lint::reviews_not_held(&archive)
        .iter()
        .map(|r| (r.id.as_str(), r.days_late, r.due.to_string(), r.index))
        .collect();
    // The same as the review-late findings; the draft, not built, is named too. SEV3
    // (INC-2024-003) has no review window; INC-2024-001 and -002 have a review_date.
    assert_eq!(
        rows,
        [
            ("INC-2024-005", 14, "2024-04-17".to_string(), None),
            (
                "INC-2024-004",
                6,
                "2024-04-25".to_string(),
                archive.by_id.get("INC-2024-004").copied()
            ),
        ]
    );
    let (findings, _) = check(&root, "2024-05-01");
    let late: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| f.2 == "review-late" && f.4.starts_with("no review recorded"))
        .map(|f| (f.0.as_str(), f.4.as_str()))
        .collect();
    assert_eq!(
        late,
        [
            (
                "INC-2024-004.md",
                "no review recorded 6 days after the review deadline: SEV1 reviews are due within 3 days of the incident's end (2024-04-22) (by 2024-04-25), and `review_date` is not set"
            ),
            (
                "INC-2024-005.md",
                "no review recorded 14 days after the review deadline: SEV2 reviews are due within 7 days of the incident (by 2024-04-17), and `review_date` is not set"
            ),
        ]
    );

    // On the page: a row each, linked when built.
    let build = |args: &[&str]| dashboard(&root, args);
    let dashboard = build(&[]);
    let section = dashboard
        .split("id=\"reviews-not-held\"")
        .nth(1)
        .expect("a Reviews not held section")
        .split("</section>")
        .next()
        .unwrap()
        .to_string();
    assert!(section.starts_with(">Reviews not held <span class=\"count-label\">(2)</span>"));
    let rows: Vec<&str> = section
        .split("<tr class=\"state-overdue\">")
        .skip(1)
        .collect();
    assert_eq!(rows.len(), 2, "{section}");
    assert!(
        rows[0].contains("<span class=\"id\">INC-2024-005</span>"),
        "{}",
        rows[0]
    );
    assert!(rows[0].contains("14 days late") && rows[0].contains("datetime=\"2024-04-17\""));
    assert!(rows[1].contains("href=\"../../incidents/inc-2024-004/\">INC-2024-004</a>"));
    assert!(rows[1].contains("6 days late") && rows[1].contains("datetime=\"2024-04-25\""));
    assert!(!section.contains("INC-2024-006") && !section.contains("INC-2024-003"));
    assert!(
        build(&["--drafts"]).contains("href=\"../../incidents/inc-2024-005/\">INC-2024-005</a>")
    );

    // The list follows the review-late rule: off, it is empty.
    let toml = root.join("site.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str("review-late = \"off\"\n");
    std::fs::write(&toml, text).unwrap();
    let off = build(&[]);
    assert!(off.contains(">Reviews not held <span class=\"count-label\">(0)</span>"));
    assert!(off.contains("Every incident whose level asks for a review has one recorded"));
}

#[test]
fn new_reports_carry_guidance_that_never_reaches_the_page() {
    let (_d, root) = fixture("\n[lint]\ndue-before-incident = \"off\"\n");
    let out = pirsite()
        .args([
            "new",
            "--severity",
            "SEV2",
            "--date",
            "2024-04-20",
            "--service",
            "checkout-api",
            "--tag",
            "deployment",
            "Checkout errors again",
            "--root",
        ])
        .arg(&root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let path = String::from_utf8(out.stdout).unwrap();
    let text = std::fs::read_to_string(path.trim()).unwrap();
    assert!(text.contains("What surprised you?"));
    assert!(
        text.contains(
            "#   INC-2024-001 Checkout errors after a deploy (2024-03-01; shares checkout-api)"
        ),
        "{text}"
    );
    pirsite()
        .args(["build", "--drafts", "--today", "2024-04-21", "--root"])
        .arg(&root)
        .assert()
        .code(0);
    let page =
        std::fs::read_to_string(root.join("public/incidents/inc-2024-004/index.html")).unwrap();
    assert!(
        !page.contains("surprised") && !page.contains("&lt;!--"),
        "{page}"
    );
    // Only earlier incidents are hints: a report dated before INC-2024-001 gets none of it.
    let out = pirsite()
        .args([
            "new",
            "--date",
            "2024-02-01",
            "--service",
            "checkout-api",
            "Earlier one",
            "--root",
        ])
        .arg(&root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = std::fs::read_to_string(String::from_utf8(out.stdout).unwrap().trim()).unwrap();
    assert!(
        !text.contains("INC-2024-001 Checkout errors after a deploy"),
        "{text}"
    );
}

/// A draft fresh from `pirsite new` passes `check --deny-warnings`: its example item's `TBD`
/// owner is part of the example. A real item with that owner is flagged, and so is the
/// example's once the report goes to review.
#[test]
fn a_fresh_draft_passes_and_its_example_owner_is_flagged_only_once_under_review() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("content")).unwrap();
    let out = pirsite()
        .args([
            "new",
            "--severity",
            "SEV2",
            "--date",
            "2026-11-20",
            "Checkout latency",
        ])
        .arg("--root")
        .arg(root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let path = std::path::PathBuf::from(String::from_utf8(out.stdout).unwrap().trim());
    let strict = || {
        pirsite()
            .args([
                "check",
                "--deny-warnings",
                "--today",
                "2026-11-21",
                "--root",
            ])
            .arg(root)
            .output()
            .unwrap()
    };
    let fresh = strict();
    assert_eq!(fresh.status.code(), Some(0), "{fresh:?}");
    let text = std::fs::read_to_string(&path).unwrap();
    let owner_line = text
        .lines()
        .position(|l| l == "**Owner:** TBD")
        .expect("the example owner")
        + 1;
    let owners = |today: &str| -> Vec<(usize, String)> {
        check(root, today)
            .0
            .into_iter()
            .filter(|f| f.2 == "owner-placeholder")
            .map(|f| (f.1, f.4))
            .collect()
    };
    // A real item, still with the example's owner.
    std::fs::write(
        &path,
        text.replacen(
            "### Action Item: Name the change, its scope and its threshold",
            "### Action Item: Alert on checkout p99 latency",
            1,
        ),
    )
    .unwrap();
    assert_eq!(
        owners("2026-11-21"),
        [(
            owner_line,
            "action item `Alert on checkout p99 latency` has no real owner: `TBD`".to_string()
        )]
    );
    assert_eq!(strict().status.code(), Some(1));
    // The example item under review.
    std::fs::write(&path, text.replacen("status: draft", "status: review", 1)).unwrap();
    assert_eq!(
        owners("2026-11-21"),
        [(
            owner_line,
            "action item `Name the change, its scope and its threshold` has no real owner: `TBD`"
                .to_string()
        )]
    );
}

#[test]
fn reports_with_format_errors_are_linted_too() {
    let (_d, root) = fixture("");
    // A SEV2 report without its What Went Well and Action Items sections: an error, and the
    // lints still read it.
    std::fs::write(
        root.join("content/INC-2024-009.md"),
        "---\nid: INC-2024-009\ntitle: Broken\nseverity: sev2\ndate: 2024-04-01\nreview_date: 2024-04-10\n---\n\n## Summary\nThe outage was caused by human error.\n\n## Timeline\n- 10:00 Kim forgot to drain the node\n\n## Contributing Factors\n- The drain step is manual.\n",
    )
    .unwrap();
    let (items, code) = check(&root, "2024-05-01");
    assert_eq!(code, 1);
    let of: Vec<_> = items
        .iter()
        .filter(|i| i.0 == "INC-2024-009.md")
        .map(|i| (i.1, i.2.as_str(), i.3.as_str()))
        .collect();
    assert!(of.contains(&(4, "", "error")), "{of:?}");
    assert!(of.contains(&(6, "review-late", "warning")), "{of:?}");
    assert!(of.contains(&(10, "blame-language", "warning")), "{of:?}");
    assert!(of.contains(&(13, "blame-language", "warning")), "{of:?}");
    assert!(
        of.contains(&(15, "single-contributing-factor", "warning")),
        "{of:?}"
    );
}

#[test]
fn a_review_never_recorded_and_items_with_several_owners_or_a_rotation_are_flagged() {
    let (_d, root) = fixture("");
    let item = |title: &str, owner: &str| {
        format!(
            "### Action Item: {title}\n**Owner:** {owner}\n**Due:** 2024-04-20\n**Priority:** P2\n**Type:** Prevent\n**Status:** In Progress\n**Description:**\nCap retries at 3 in the payments client.\n**Definition of Done:**\nThe load test shows at most 3 retries per request.\n\n"
        )
    };
    let report = format!(
        "---\nid: INC-2024-009\ntitle: No review yet\nseverity: SEV1\ndate: 2024-04-01\non_call: Kim Lee\n---\n\n## Summary\nRetries overloaded payments.\n\n## Action Items\n\n{}{}{}",
        item("Cap client retries", "John / Mike"),
        item("Cap server retries", "@sre-oncall"),
        item("Cap proxy retries", "Sarah Chen (SRE, payments)"),
    );
    std::fs::write(root.join("content/INC-2024-009.md"), &report).unwrap();
    let of = |today: &str| -> Vec<(usize, String, String)> {
        check(&root, today)
            .0
            .into_iter()
            .filter(|i| i.0 == "INC-2024-009.md" && !i.2.is_empty())
            .map(|i| (i.1, i.2, i.4))
            .collect()
    };
    let found = of("2024-05-01");
    let review = found
        .iter()
        .find(|f| f.1 == "review-late")
        .expect("review-late");
    assert_eq!(
        (review.0, review.2.as_str()),
        (
            4,
            "no review recorded 27 days after the review deadline: SEV1 reviews are due within 3 days of the incident (by 2024-04-04), and `review_date` is not set"
        )
    );
    let owners: Vec<(usize, &str)> = found
        .iter()
        .filter(|f| f.1 == "owner-placeholder")
        .map(|f| (f.0, f.2.as_str()))
        .collect();
    assert_eq!(
        owners,
        vec![
            (
                15,
                "action item `Cap client retries` has 2 owners: `John / Mike`"
            ),
            (
                26,
                "action item `Cap server retries` has no real owner: `@sre-oncall`"
            ),
        ]
    );
    // On the last day of the review window nothing is late yet.
    assert!(of("2024-04-04").iter().all(|f| f.1 != "review-late"));
}

#[test]
fn deadlines_count_from_the_day_the_incident_ended() {
    // A SEV1 that began on 2024-04-01 and was resolved on 2024-04-05: its review is due within
    // 3 days of the end (by 2024-04-08), not of the start.
    let (_d, root) = fixture("");
    let report = |resolved: &str, timeline_end: &str, review: &str| {
        format!(
            "---\nid: INC-2024-011\ntitle: A long one\nseverity: SEV1\ndate: 2024-04-01\n{resolved}{review}on_call: Kim Lee\n---\n\n## Summary\nRetries overloaded payments for four days.\n\n## Timeline\n- 09:00 Error rate rises\n- {timeline_end} Incident resolved\n\n## Contributing Factors\n- Retries had no cap.\n- Alerts fired on averages.\n\n## What Went Well\n- The rollback was quick.\n\n## Action Items\n\n### Action Item: Cap client retries\n**Owner:** Kim Lee\n**Due:** 2024-04-20\n**Priority:** P2\n**Type:** Prevent\n**Status:** In Progress\n**Description:**\nCap retries at 3 in the payments client.\n**Definition of Done:**\nThe load test shows at most 3 retries per request.\n"
        )
    };
    let path = root.join("content/INC-2024-011.md");
    let late = |today: &str| -> Vec<(usize, String, String)> {
        check(&root, today)
            .0
            .into_iter()
            .filter(|i| i.0 == "INC-2024-011.md" && !i.2.is_empty())
            .map(|i| (i.1, i.2, i.4))
            .collect()
    };
    // The end from `resolved`, or from the timeline's last dated entry: a review on the
    // third day after it, and a write-up on the 14th, are on time.
    for (resolved, end) in [
        ("resolved: \"2024-04-05 18:00\"\n", "2024-04-05 18:00"),
        ("", "2024-04-05 18:00"),
    ] {
        std::fs::write(
            &path,
            report(
                resolved,
                end,
                "review_date: 2024-04-08\npublished: 2024-04-19\n",
            ),
        )
        .unwrap();
        assert_eq!(late("2024-05-01"), vec![], "{resolved:?}");
        // A day later is late, counted from the end, which the message names.
        std::fs::write(
            &path,
            report(
                resolved,
                end,
                "review_date: 2024-04-09\npublished: 2024-04-19\n",
            ),
        )
        .unwrap();
        assert_eq!(
            late("2024-05-01"),
            vec![(
                6 + usize::from(!resolved.is_empty()),
                "review-late".to_string(),
                "review held 1 day late: SEV1 reviews are due within 3 days of the incident's \
                 end (2024-04-05) (by 2024-04-08), this one was held on 2024-04-09"
                    .to_string()
            )],
            "{resolved:?}"
        );
    }
    // No review at all (nor a write-up yet): the deadline is three days after the end too.
    std::fs::write(&path, report("", "2024-04-05 18:00", "")).unwrap();
    assert_eq!(late("2024-04-08"), vec![]);
    assert_eq!(
        late("2024-04-09"),
        vec![(
            4,
            "review-late".to_string(),
            "no review recorded 1 day after the review deadline: SEV1 reviews are due within 3 \
             days of the incident's end (2024-04-05) (by 2024-04-08), and `review_date` is not set"
                .to_string()
        )]
    );
}

#[test]
fn dates_after_today_are_flagged_and_never_counted_late() {
    let (_d, root) = fixture("");
    let report = "---\nid: INC-2024-010\ntitle: Dated ahead\nseverity: SEV3\ndate: 2024-06-01\nreview_date: 2024-06-03\npublished: 2024-06-05\n---\n\n## Summary\nRetries overloaded payments.\n\n## Action Items\n\n### Action Item: Cap client retries\n**Owner:** Kim Lee\n**Due:** 2024-06-20\n**Priority:** P2\n**Type:** Prevent\n**Status:** Done\n**Completed:** 2024-06-10\n**Description:**\nCap retries at 3 in the payments client.\n**Definition of Done:**\nThe load test shows at most 3 retries per request.\n";
    std::fs::write(root.join("content/INC-2024-010.md"), report).unwrap();
    let of = |today: &str, file: &str| -> Vec<(usize, String, String)> {
        check(&root, today)
            .0
            .into_iter()
            .filter(|i| i.0 == file && !i.2.is_empty())
            .map(|i| (i.1, i.2, i.4))
            .collect()
    };
    let future =
        |line: usize, message: &str| (line, "date-in-future".to_string(), message.to_string());
    assert_eq!(
        of("2024-05-01", "INC-2024-010.md"),
        vec![
            future(
                5,
                "`date` 2024-06-01 is after today (2024-05-01): it records the day the incident began"
            ),
            future(
                6,
                "`review_date` 2024-06-03 is after today (2024-05-01): it records the day the review was held"
            ),
            future(
                7,
                "`published` 2024-06-05 is after today (2024-05-01): it records the day the write-up was published"
            ),
            future(
                21,
                "action item `Cap client retries` completed 2024-06-10, which is after today (2024-05-01)"
            ),
        ]
    );
    // On the day everything has happened, nothing is flagged.
    assert_eq!(of("2024-06-10", "INC-2024-010.md"), vec![]);
    // INC-2024-001 (SEV2 on 2024-03-01) was reviewed on 2024-03-12, 4 days late, and is
    // published on 2024-03-20: on 2024-03-15 that is a date ahead, not a late publication.
    let found = of("2024-03-15", "INC-2024-001.md");
    assert!(found.iter().all(|f| f.1 != "publish-late"), "{found:?}");
    assert!(found.iter().any(|f| f.1 == "review-late"), "{found:?}");
    assert!(found.contains(&future(
        8,
        "`published` 2024-03-20 is after today (2024-03-15): it records the day the write-up was published"
    )));
    // The rule can be turned off like any other.
    let (_d, root) = fixture("\n[lint]\ndate-in-future = \"off\"\n");
    std::fs::write(root.join("content/INC-2024-010.md"), report).unwrap();
    let (items, _) = check(&root, "2024-05-01");
    assert!(items.iter().all(|i| i.2 != "date-in-future"), "{items:?}");
    assert!(items.iter().any(|i| i.2 == "review-late"), "{items:?}");
}

#[test]
fn an_empty_owner_is_one_error_not_also_a_placeholder() {
    let (_d, root) = fixture("");
    let report = "---\nid: INC-2024-011\ntitle: Empty owner\nseverity: SEV3\ndate: 2024-04-01\n---\n\n## Summary\nRetries overloaded payments.\n\n## Action Items\n\n### Action Item: Cap client retries\n**Owner:** <!-- who? -->\n**Due:** 2024-04-20\n**Priority:** P2\n**Type:** Prevent\n**Description:**\nCap retries at 3 in the payments client.\n**Definition of Done:**\nThe load test shows at most 3 retries per request.\n";
    std::fs::write(root.join("content/INC-2024-011.md"), report).unwrap();
    let found: Vec<(usize, String, String)> = check(&root, "2024-04-05")
        .0
        .into_iter()
        .filter(|i| i.0 == "INC-2024-011.md")
        .map(|i| (i.1, i.2, i.4))
        .collect();
    assert_eq!(
        found,
        vec![(
            14,
            String::new(),
            "action item `Cap client retries` has an empty `Owner`".to_string()
        )]
    );
}
