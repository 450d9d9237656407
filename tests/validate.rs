//! Every rule of the report format: a report that breaks it, and the exact diagnostic (file,
//! line, column, level, message, hint). Each test compares the whole list, so it also shows
//! that nothing else is reported. The last tests show that the allowed cases report nothing.

mod common;

use common::{TestSite, col_of, error, line_of, warning};
use pirsite::diagnostics::Diagnostic;

/// Path of the report under test, relative to the site root.
const P: &str = "content/incidents/INC-2024-042.md";
/// Path of the second report, which the first refers to.
const Q: &str = "content/incidents/INC-2023-117.md";

/// A SEV2 report that breaks no rule; each test changes one thing in it.
const GOOD: &str = "---
id: INC-2024-042
title: Checkout Service Outage
severity: SEV2
date: 2024-03-15
status: published
started: \"14:23\"
detected: \"14:27\"
mitigated: \"14:38\"
resolved: \"14:45\"
impact: \"~300 failed checkout attempts\"
on_call: Priya Raman
review_date: 2024-03-18
published: 2024-03-22
services: [checkout-api, payments]
tags: [deployment, canary-analysis]
related: [INC-2023-117]
---

## Summary
A deployment of checkout-api v2.4.1 broke declined-card retries. Similar to INC-2023-117.

## Timeline
- 14:23 Deployment of checkout-api v2.4.1 begins
- 14:27 Alert: checkout error rate above 1%
- 14:38 Rollback complete
- 14:45 Incident resolved

## Contributing Factors
1. The staging environment has no production-like payment data.

## What Went Well
- On-call acknowledged the page within a minute.

## Action Items

### Action Item: Gate canary promotion on error rate
**Owner:** Sarah Chen
**Due:** 2024-03-30
**Priority:** P1
**Type:** Prevent
**Status:** Open
**Description:**
Canary promotion does not compare error rates with the baseline.
**Definition of Done:**
Promotion is blocked when the canary's error rate exceeds 0.5%.
";

/// The report GOOD refers to.
const OTHER: &str = "---
id: INC-2023-117
title: Checkout latency after a release
severity: SEV4
date: 2023-11-02
---

## Summary
Latency rose after a release and fell after a rollback.
";

/// GOOD with `old` (which must occur once) replaced by `new`.
fn good_with(old: &str, new: &str) -> String {
    assert_eq!(
        GOOD.matches(old).count(),
        1,
        "`{old}` must occur once in GOOD"
    );
    GOOD.replace(old, new)
}

/// Diagnostics of a site holding `report` as P and OTHER as Q.
fn check(report: &str) -> Vec<Diagnostic> {
    TestSite::with(&[(P, report), (Q, OTHER)]).check()
}

/// Diagnostics of a site holding only `report` as P.
fn check_alone(report: &str) -> Vec<Diagnostic> {
    TestSite::with(&[(P, report)]).check()
}

#[test]
fn the_good_report_has_no_diagnostics() {
    assert_eq!(check(GOOD), vec![]);
}

// --- Front matter: required keys -------------------------------------------------------

#[test]
fn missing_required_keys_point_at_the_opening_line() {
    for (line, key, example) in [
        ("id: INC-2024-042\n", "id", "INC-2024-001"),
        (
            "title: Checkout Service Outage\n",
            "title",
            "Checkout Service Outage",
        ),
        ("severity: SEV2\n", "severity", "SEV2"),
        ("date: 2024-03-15\n", "date", "2024-03-15"),
    ] {
        assert_eq!(
            check(&good_with(line, "")),
            vec![
                error(
                    P,
                    1,
                    1,
                    &format!("missing required front-matter key `{key}`")
                )
                .with_hint(format!("add `{key}: {example}`"))
            ],
            "{key}"
        );
    }
}

#[test]
fn a_misspelt_required_key_is_reported_as_missing_at_the_misspelling() {
    for (from, to, line, key, typo) in [
        ("severity: SEV2", "sevrity: SEV2", 4, "severity", "sevrity"),
        (
            "severity: SEV2",
            "Severity: SEV2",
            4,
            "severity",
            "Severity",
        ),
        ("title: Checkout", "titel: Checkout", 3, "title", "titel"),
        ("date: 2024-03-15", "dat: 2024-03-15", 5, "date", "dat"),
    ] {
        assert_eq!(
            check(&good_with(from, to)),
            vec![
                error(
                    P,
                    line,
                    1,
                    &format!(
                        "missing required front-matter key `{key}`: `{typo}` is not read as it"
                    )
                )
                .with_hint(format!("rename `{typo}` to `{key}`"))
            ],
            "{typo}"
        );
    }
    // A key two edits from a short one is not taken for it: `date` is missing at the opening
    // line, and `state` is an unknown key of its own.
    let found = check(&good_with("date: 2024-03-15", "state: 2024-03-15"));
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].message, "missing required front-matter key `date`");
    assert_eq!((found[0].line, found[0].col), (1, 1));
    assert_eq!(found[1].message, "unknown front-matter key `state`");
}

#[test]
fn an_empty_title_is_missing() {
    let r = good_with("title: Checkout Service Outage", "title: \"  \"");
    assert_eq!(
        check(&r),
        vec![
            error(P, 1, 1, "missing required front-matter key `title`")
                .with_hint("add `title: Checkout Service Outage`")
        ]
    );
}

#[test]
fn id_not_matching_the_pattern() {
    let r = good_with("id: INC-2024-042", "id: INC-24-42");
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                2,
                5,
                "id `INC-24-42` does not match id_pattern `^INC-[0-9]{4}-[0-9]{3,}$`"
            )
            .with_hint(
                "ids look like INC-2024-042 (set `id_pattern` in site.toml for another form)"
            )
        ]
    );
}

#[test]
fn an_id_shaped_file_name_that_is_not_the_id_is_a_warning() {
    // A copy of a report whose id was changed but not its file name, or the reverse.
    let r = good_with("id: INC-2024-042", "id: INC-2024-043");
    assert_eq!(
        check(&r),
        vec![
            warning(
                P,
                2,
                5,
                "id `INC-2024-043` is not the id the file name `INC-2024-042.md` gives \
                 (`INC-2024-042`)"
            )
            .with_hint(
                "rename the file to `INC-2024-043.md`, or set `id: INC-2024-042` if the file \
                 name is right; readers and `pirsite new` take the file name for the id"
            )
        ]
    );
    // A file name that is not an id is free, and so is one in another case (the same page).
    for name in ["checkout-outage.md", "INC-2024-042.draft.md"] {
        let path = format!("content/incidents/{name}");
        let site = TestSite::with(&[(path.as_str(), GOOD), (Q, OTHER)]);
        assert_eq!(site.check(), vec![], "{name}");
    }
    let site = TestSite::with(&[
        (
            "site.toml",
            "id_pattern = \"(?i)^INC-[0-9]{4}-[0-9]{3,}$\"\n",
        ),
        ("content/incidents/inc-2024-042.md", GOOD),
        (Q, OTHER),
    ]);
    assert_eq!(site.check(), vec![]);
}

#[test]
fn a_custom_id_pattern_is_used_for_ids_and_references() {
    let site = TestSite::with(&[
        ("site.toml", "id_pattern = \"^PIR-[0-9]+$\"\n"),
        (
            "content/a.md",
            "---\nid: PIR-1\ntitle: A\nseverity: SEV4\ndate: 2024-01-01\n---\n## Summary\nSee PIR-2 and INC-2024-042.\n",
        ),
        (
            "content/b.md",
            "---\nid: INC-2024-001\ntitle: B\nseverity: SEV4\ndate: 2024-01-01\n---\n## Summary\nx\n",
        ),
    ]);
    assert_eq!(
        site.check(),
        vec![
            error("content/a.md", 8, 5, "PIR-2 is not the id of any report")
                .with_hint("check the id, or add the report it refers to"),
            error(
                "content/b.md",
                2,
                5,
                "id `INC-2024-001` does not match id_pattern `^PIR-[0-9]+$`"
            )
            .with_hint(
                "ids look like INC-2024-042 (set `id_pattern` in site.toml for another form)"
            ),
        ]
    );
}

#[test]
fn duplicate_ids_name_both_files() {
    let copy = "content/incidents/2024/copy.md";
    let site = TestSite::with(&[(P, GOOD), (Q, OTHER), (copy, GOOD)]);
    assert_eq!(
        site.check(),
        vec![
            error(
                copy,
                2,
                5,
                "duplicate id `INC-2024-042`: also used by content/incidents/INC-2024-042.md:2"
            ),
            error(
                P,
                2,
                5,
                "duplicate id `INC-2024-042`: also used by content/incidents/2024/copy.md:2"
            ),
        ]
    );
}

#[test]
fn a_copied_report_that_kept_the_id_gets_its_file_name_as_the_hint() {
    let copy = "content/incidents/INC-2024-043.md";
    let site = TestSite::with(&[(P, GOOD), (Q, OTHER), (copy, GOOD)]);
    assert_eq!(
        site.check(),
        vec![
            error(
                P,
                2,
                5,
                "duplicate id `INC-2024-042`: also used by content/incidents/INC-2024-043.md:2"
            ),
            error(
                copy,
                2,
                5,
                "duplicate id `INC-2024-042`: also used by content/incidents/INC-2024-042.md:2"
            )
            .with_hint(
                "the file is named after `INC-2024-043`: give it `id: INC-2024-043`, if that is \
                 its id"
            ),
        ]
    );
}

#[test]
fn ids_that_differ_only_in_case_would_share_a_page() {
    let report = |id: &str| {
        format!("---\nid: {id}\ntitle: A\nseverity: SEV4\ndate: 2024-01-01\n---\n## Summary\nx\n")
    };
    let site = TestSite::with(&[
        (
            "site.toml",
            "id_pattern = \"(?i)^inc-[0-9]{4}-[0-9]{3}$\"\n",
        ),
        ("content/a.md", &report("INC-2024-001")),
        ("content/b.md", &report("inc-2024-001")),
    ]);
    let hint = "both would be written to incidents/inc-2024-001/; give one another id";
    assert_eq!(
        site.check(),
        vec![
            error(
                "content/a.md",
                2,
                5,
                "id `INC-2024-001` differs only in case from `inc-2024-001` of content/b.md:2"
            )
            .with_hint(hint),
            error(
                "content/b.md",
                2,
                5,
                "id `inc-2024-001` differs only in case from `INC-2024-001` of content/a.md:2"
            )
            .with_hint(hint),
        ]
    );
}

#[test]
fn an_id_that_cannot_name_a_page_folder() {
    // An unanchored pattern matches part of the id; the rest would leave the output folder.
    let site = TestSite::with(&[
        ("site.toml", "id_pattern = \"INC-[0-9]+\"\n"),
        (
            "content/a.md",
            "---\nid: \"../../x INC-12\"\ntitle: A\nseverity: SEV4\ndate: 2024-01-01\n---\n## Summary\nx\n",
        ),
        (
            "content/b.md",
            "---\nid: INC-13:x\ntitle: B\nseverity: SEV4\ndate: 2024-01-01\n---\n## Summary\nx\n",
        ),
    ]);
    let hint = "use letters, digits, `-`, `_` and `.` (and anchor `id_pattern` with `^…$` so that \
                it matches whole ids)";
    assert_eq!(
        site.check(),
        vec![
            error(
                "content/a.md",
                2,
                6,
                "id `../../x INC-12` cannot name a page: it starts with `.`"
            )
            .with_hint(hint),
            error(
                "content/b.md",
                2,
                5,
                "id `INC-13:x` cannot name a page: it holds characters other than letters, \
                 digits, `-`, `_` and `.`"
            )
            .with_hint(hint),
        ]
    );
}

#[test]
fn markdown_files_not_named_as_reports_are_warned_about_and_not_published() {
    let site = TestSite::with(&[
        (P, GOOD),
        (Q, OTHER),
        (
            "content/incidents/INC-2024-050.markdown",
            "---\nseverity: SEV9\n---\n",
        ),
        (
            "content/incidents/INC-2024-051.MD",
            "---\nseverity: SEV9\n---\n",
        ),
    ]);
    let warn = |path: &str, hint: &str| {
        warning(
            path,
            0,
            0,
            "not read as a report, nor published: reports are the files ending in `.md`",
        )
        .with_hint(hint.to_string())
    };
    assert_eq!(
        site.check(),
        vec![
            warn(
                "content/incidents/INC-2024-050.markdown",
                "rename it to `INC-2024-050.md`"
            ),
            warn(
                "content/incidents/INC-2024-051.MD",
                "rename it to `INC-2024-051.md`"
            ),
        ]
    );
    // Not copied beside the pages as a file either.
    let files = pirsite::load::walk(site.root(), &site.path("content"));
    assert_eq!(files.reports.len(), 2);
    assert!(files.assets.is_empty(), "{:?}", files.assets);
}

#[test]
fn copies_of_reports_are_warned_about_and_not_published() {
    let copy = "---\nid: INC-2024-042\ntitle: Draft\nseverity: SEV9\n---\n";
    let mut files = vec![(P, GOOD), (Q, OTHER)];
    let names = [
        "content/incidents/INC-2024-042.md.orig",
        "content/incidents/INC-2024-042.md.rej",
        "content/incidents/INC-2024-042.md.save",
        "content/incidents/INC-2024-042.md.old",
        "content/incidents/INC-2024-042.md.txt",
        "content/incidents/INC-2024-042.MD.orig",
    ];
    files.extend(names.iter().map(|n| (*n, copy)));
    // Editor backups are still left out without a word.
    for skipped in [
        "content/incidents/INC-2024-042.md.bak",
        "content/incidents/INC-2024-042.md.swp",
        "content/incidents/INC-2024-042.md~",
    ] {
        files.push((skipped, copy));
    }
    let site = TestSite::with(&files);
    let warn = |path: &str| {
        let name = path.rsplit('/').next().unwrap();
        warning(
            path,
            0,
            0,
            &format!(
                "`{name}` looks like a copy of a report: not read as a report, nor published, \
                 since that would publish a report's source"
            ),
        )
        .with_hint(
            "reports are the files ending in `.md`; move the copy out of the content folder, \
             or start its name with `_` to keep it there unpublished",
        )
    };
    let mut sorted = names.to_vec();
    sorted.sort();
    assert_eq!(
        site.check(),
        sorted.iter().map(|n| warn(n)).collect::<Vec<_>>()
    );
    // Not copied beside the pages as a file either.
    let files = pirsite::load::walk(site.root(), &site.path("content"));
    assert_eq!(files.reports.len(), 2);
    assert!(files.assets.is_empty(), "{:?}", files.assets);
}

// --- Front matter: values --------------------------------------------------------------

#[test]
fn a_date_that_is_not_in_the_calendar() {
    let r = good_with("date: 2024-03-15", "date: 2024-02-30");
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                5,
                7,
                "`date` is not a calendar date in YYYY-MM-DD form: `2024-02-30`"
            )
            .with_hint("`2024-02-30` does not exist in the calendar")
        ]
    );
}

#[test]
fn a_date_written_in_words_gets_its_iso_form() {
    let r = good_with("date: 2024-03-15", "date: March 15, 2024");
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                5,
                7,
                "`date` is not a calendar date in YYYY-MM-DD form: `March 15, 2024`"
            )
            .with_hint("write `2024-03-15`")
        ]
    );
    let r = good_with("date: 2024-03-15", "date: 2024-3-5");
    assert_eq!(check(&r)[0].hint.as_deref(), Some("write `2024-03-05`"));
    let r = good_with("date: 2024-03-15", "date: someday");
    assert_eq!(
        check(&r)[0].hint.as_deref(),
        Some("write dates as YYYY-MM-DD, e.g. 2024-03-30")
    );
}

#[test]
fn unknown_severity() {
    let r = good_with("severity: SEV2", "severity: SEV9");
    assert_eq!(
        check(&r),
        vec![
            error(P, 4, 11, "unknown severity `SEV9`")
                .with_hint("use one of SEV1, SEV2, SEV3, SEV4 (the levels of site.toml)")
        ]
    );
}

#[test]
fn unknown_status() {
    let r = good_with("status: published", "status: final");
    assert_eq!(
        check(&r),
        vec![error(P, 6, 9, "unknown status `final`").with_hint("use draft, review or published")]
    );
}

#[test]
fn times_that_are_not_times() {
    let forms = "write a clock time on the incident's date, \"14:23\", or \"2024-03-16 00:10\"";
    for (key, bad, hint) in [
        ("started", "2pm", forms),
        ("detected", "14:27pm", forms),
        ("mitigated", "25:00", forms),
        ("resolved", "2024-02-30 14:45", forms),
        // A 12-hour time or a zone name gets the form that reads.
        ("started", "3:05 PM", "times are 24-hour: write \"15:05\""),
        (
            "resolved",
            "2024-03-16 12:10am",
            "times are 24-hour: write \"2024-03-16 00:10\"",
        ),
        (
            "mitigated",
            "14:38 CET",
            "times are read in the site's `timezone`, UTC (site.toml), with no zone of their own: \
             write \"13:38\", which is 14:38 CET",
        ),
        // A zone whose offset pirsite does not know (AST is more than one).
        (
            "mitigated",
            "14:38 AST",
            "times are read in the site's `timezone`, UTC (site.toml), with no zone of their own: \
             write \"14:38\" in that zone",
        ),
    ] {
        let old = GOOD
            .lines()
            .find(|l| l.starts_with(&format!("{key}:")))
            .unwrap();
        let r = good_with(old, &format!("{key}: \"{bad}\""));
        assert_eq!(
            check(&r),
            vec![
                error(
                    P,
                    line_of(&r, &format!("{key}:")),
                    key.len() + 4,
                    &format!("`{key}` is not a time: `{bad}`")
                )
                .with_hint(hint)
            ],
            "{key}"
        );
    }
}

/// Path of a report in a site whose `timezone` is Europe/Berlin.
const B: &str = "content/INC-2026-001.md";

/// A SEV3 report on `date` with more front matter (from line 6) and a timeline, in a site
/// whose `timezone` is Europe/Berlin.
fn berlin_report(date: &str, front: &str, timeline: &str) -> String {
    format!(
        "---\nid: INC-2026-001\ntitle: T\nseverity: SEV3\ndate: {date}\n{front}---\n\n\
         ## Summary\nText.\n\n## Timeline\n{timeline}\n## Action Items\nNone.\n"
    )
}

fn berlin_site(report: &str) -> TestSite {
    TestSite::with(&[("site.toml", "timezone = \"Europe/Berlin\"\n"), (B, report)])
}

#[test]
fn a_time_the_clocks_skip_is_an_error_where_it_is_written() {
    // Clocks in Berlin go from 02:00 to 03:00 on 2026-03-29.
    let r = berlin_report(
        "2026-03-29",
        "started: \"02:30\"\ndetected: \"2026-03-29 02:45\"\nresolved: \"03:30\"\n",
        "- 03:00 Deploy begins\n",
    );
    assert_eq!(
        berlin_site(&r).check(),
        vec![
            error(
                B,
                6,
                11,
                "`started` 02:30 does not exist in Europe/Berlin on 2026-03-29: clocks go from 02:00 to 03:00"
            )
            .with_hint("write the time as the clock showed it, e.g. 03:30"),
            error(
                B,
                7,
                12,
                "`detected` 02:45 does not exist in Europe/Berlin on 2026-03-29: clocks go from 02:00 to 03:00"
            )
            .with_hint("write the time as the clock showed it, e.g. 2026-03-29 03:45"),
        ]
    );
    // The timeline's times are read in the zone too (they give `started` and `resolved`).
    let r = berlin_report(
        "2026-03-29",
        "",
        "- 01:50 Deploy begins\n- 02:30 Alert fires\n- 2026-03-29 02:59 Rollback\n- 03:30 Resolved\n",
    );
    assert_eq!(
        berlin_site(&r).check(),
        vec![
            error(
                B,
                line_of(&r, "02:30"),
                3,
                "timeline time 02:30 does not exist in Europe/Berlin on 2026-03-29: clocks go from 02:00 to 03:00"
            )
            .with_hint("write the time as the clock showed it, e.g. 03:30"),
            error(
                B,
                line_of(&r, "02:59"),
                3,
                "timeline time 02:59 does not exist in Europe/Berlin on 2026-03-29: clocks go from 02:00 to 03:00"
            )
            .with_hint("write the time as the clock showed it, e.g. 2026-03-29 03:59"),
        ]
    );
    // Written as the clock showed them, the times count the hour that was skipped.
    let r = berlin_report(
        "2026-03-29",
        "started: \"01:50\"\ndetected: \"03:05\"\nresolved: \"03:30\"\n",
        "- 01:50 Deploy begins\n",
    );
    assert_eq!(clean_durations(&r), (Some(40), Some(15)));
}

/// The duration and time to detect of the one report `r` of a site in Berlin, which checks
/// clean.
fn clean_durations(r: &str) -> (Option<i64>, Option<i64>) {
    let site = berlin_site(r);
    assert_eq!(site.check(), vec![]);
    let checked = pirsite::site::Site::open(site.root()).unwrap().check();
    let inc = &checked.incidents[0];
    (inc.duration_minutes, inc.time_to_detect_minutes)
}

#[test]
fn the_hour_that_repeats_is_read_as_its_first_pass() {
    // Clocks in Berlin go from 03:00 back to 02:00 on 2026-10-25: 02:20 is read as the
    // first 02:20 (00:20 UTC), so a later time is never an earlier instant.
    let r = berlin_report(
        "2026-10-25",
        "started: \"02:20\"\ndetected: \"02:50\"\nresolved: \"03:10\"\n",
        "- 01:50 Deploy begins\n- 02:20 Alert fires\n- 03:10 Resolved\n",
    );
    assert_eq!(clean_durations(&r), (Some(110), Some(30)));
}

#[test]
fn a_time_marked_utc_is_an_error_unless_the_site_is_in_utc() {
    let r = berlin_report(
        "2026-03-29",
        "started: \"2026-03-28T23:30:00Z\"\nresolved: \"03:30 UTC\"\nmitigated: \"02:10 GMT\"\n",
        "- 00:30 Deploy begins\n- 02:30 UTC still checking\n- 2026-03-29 03:00Z Resolved\n",
    );
    let zone = "times are read in the site's `timezone`, Europe/Berlin (site.toml), with no zone \
                of their own";
    assert_eq!(
        berlin_site(&r).check(),
        vec![
            error(B, 6, 11, "`started` is not a time: `2026-03-28T23:30:00Z`").with_hint(format!(
                "{zone}: write \"2026-03-29 00:30\", which is 2026-03-28 23:30 UTC in Europe/Berlin"
            )),
            error(B, 7, 12, "`resolved` is not a time: `03:30 UTC`").with_hint(format!(
                "{zone}: write \"05:30\", which is 03:30 UTC in Europe/Berlin"
            )),
            error(B, 8, 13, "`mitigated` is not a time: `02:10 GMT`").with_hint(format!(
                "{zone}: write \"04:10\", which is 02:10 UTC in Europe/Berlin"
            )),
            error(
                B,
                line_of(&r, "02:30 UTC"),
                3,
                "timeline time `02:30 UTC` is not a clock time"
            )
            .with_hint(format!(
                "{zone}: write \"04:30\", which is 02:30 UTC in Europe/Berlin"
            )),
            error(
                B,
                line_of(&r, "03:00Z"),
                3,
                "timeline time `03:00Z` is not a clock time"
            )
            .with_hint(format!(
                "{zone}: write \"2026-03-29 05:00\", which is 2026-03-29 03:00 UTC in Europe/Berlin"
            )),
        ]
    );
    // In a site whose zone is UTC, the markers say what the site says already.
    let site = TestSite::with(&[("site.toml", "timezone = \"Etc/UTC\"\n"), (B, &r)]);
    assert_eq!(site.check(), vec![]);
}

#[test]
fn a_timeline_time_with_another_zone_is_an_error_with_the_time_in_the_sites_zone() {
    // `- 14:27 CET Alert` was read as 14:27 in the site's zone, an hour off, with "CET" as
    // the first word of the entry.
    let r = good_with("- 14:27 Alert", "- 15:27 CET Alert").replace(
        "- 14:38 Rollback complete",
        "- 2024-03-15 07:38 PDT: Rollback complete",
    );
    let zone =
        "times are read in the site's `timezone`, UTC (site.toml), with no zone of their own";
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "15:27 CET"),
                3,
                "timeline time `15:27 CET` is not a clock time"
            )
            .with_hint(format!("{zone}: write \"14:27\", which is 15:27 CET")),
            error(
                P,
                line_of(&r, "07:38 PDT"),
                3,
                "timeline time `07:38 PDT` is not a clock time"
            )
            .with_hint(format!(
                "{zone}: write \"2024-03-15 14:38\", which is 2024-03-15 07:38 PDT"
            )),
        ]
    );
    // Capitals that are not a zone, or not a word of their own, are the entry's text.
    for text in [
        "CETUS deploy starts",
        "API latency rises",
        "EST-1 fails over",
        "IST paged",
    ] {
        let r = good_with("- 14:27 Alert", &format!("- 14:27 {text}, Alert"));
        assert_eq!(check(&r), vec![], "{text}");
    }
}

#[test]
fn times_before_started_need_their_date() {
    let r = good_with("resolved: \"14:45\"", "resolved: \"00:15\"");
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                10,
                12,
                "`resolved` (2024-03-15 00:15) is before `started` (2024-03-15 14:23)"
            )
            .with_hint("a time after midnight carries its date: `resolved: \"2024-03-16 00:15\"`")
        ]
    );
    let r = good_with("resolved: \"14:45\"", "resolved: \"2024-03-16 00:15\"");
    assert_eq!(check(&r), vec![]);
}

#[test]
fn times_before_the_first_timeline_entry_need_their_date_without_started() {
    // Without `started`, the incident starts at the timeline's first entry (line 23).
    let r =
        good_with("started: \"14:23\"\n", "").replace("resolved: \"14:45\"", "resolved: \"00:15\"");
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                9,
                12,
                "`resolved` (2024-03-15 00:15) is before the timeline's first entry \
                 (2024-03-15 14:23, line 23), where the incident starts without `started`"
            )
            .with_hint("a time after midnight carries its date: `resolved: \"2024-03-16 00:15\"`")
        ]
    );
    let r = good_with("started: \"14:23\"\n", "")
        .replace("resolved: \"14:45\"", "resolved: \"2024-03-16 00:15\"");
    assert_eq!(check(&r), vec![]);
}

#[test]
fn review_date_and_published_must_be_dates() {
    let r = good_with("review_date: 2024-03-18", "review_date: March 18");
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                13,
                14,
                "`review_date` is not a calendar date in YYYY-MM-DD form: `March 18`"
            )
            .with_hint("write `2024-03-18`")
        ]
    );
    let r = good_with("published: 2024-03-22", "published: 2024-13-01");
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                14,
                12,
                "`published` is not a calendar date in YYYY-MM-DD form: `2024-13-01`"
            )
            .with_hint("`2024-13-01` does not exist in the calendar")
        ]
    );
}

#[test]
fn unknown_front_matter_keys_are_warnings_with_a_hint() {
    let r = good_with("tags: [deployment, canary-analysis]", "tag: [deployment]");
    assert_eq!(
        check(&r),
        vec![
            warning(P, 16, 1, "unknown front-matter key `tag`")
                .with_hint("did you mean `tags`? Put data of your own under `extra:`")
        ]
    );
    let r = good_with(
        "on_call: Priya Raman",
        "on_call: Priya Raman\nteam_channel: \"#checkout\"",
    );
    assert_eq!(
        check(&r),
        vec![
            warning(P, 13, 1, "unknown front-matter key `team_channel`")
                .with_hint("put data of your own under `extra:`")
        ]
    );
}

#[test]
fn script_urls_are_warnings_that_say_the_link_is_removed() {
    let r = good_with(
        "Similar to INC-2023-117.",
        "Similar to INC-2023-117. See [the log](javascript:alert(1)) and ![chart](data:text/html,x).",
    );
    let line = line_of(&r, "See [the log]");
    assert_eq!(
        check(&r),
        vec![
            warning(
                P,
                line,
                col_of(&r, "[the log]"),
                "link with a script URL is removed from the page: `javascript:alert(1)`"
            )
            .with_hint("link to a page of the site or an https:// address"),
            warning(
                P,
                line,
                col_of(&r, "![chart]"),
                "image with a script URL is removed from the page: `data:text/html,x`"
            )
            .with_hint("link to a page of the site or an https:// address"),
        ]
    );
}

#[test]
fn values_of_the_wrong_shape() {
    let r = good_with("title: Checkout Service Outage", "title: [a, b]");
    let r = r.replace("tags: [deployment, canary-analysis]", "tags: {a: 1}");
    assert_eq!(
        check(&r),
        vec![
            error(P, 1, 1, "missing required front-matter key `title`")
                .with_hint("add `title: Checkout Service Outage`"),
            error(
                P,
                3,
                1,
                "`title` must be a single value, not a list or a map"
            ),
            error(P, 16, 1, "`tags` must be a list of names"),
        ]
    );
}

#[test]
fn a_name_listed_twice_or_the_reports_own_id_in_related_is_a_warning() {
    let r = good_with(
        "related: [INC-2023-117]",
        "related: [INC-2023-117, INC-2024-042, INC-2023-117]",
    );
    assert_eq!(
        check(&r),
        vec![
            warning(
                P,
                17,
                25,
                "`related` lists this report's own id `INC-2024-042`"
            )
            .with_hint("`related` names other incidents"),
            warning(
                P,
                17,
                39,
                "`related` lists `INC-2023-117` again (first on line 17)"
            )
            .with_hint("remove the repeat"),
        ]
    );
    // Two spellings of one tag are the archive's error, reported once.
    let r = good_with(
        "tags: [deployment, canary-analysis]",
        "tags:\n  - deployment\n  - Canary Analysis\n  - canary-analysis",
    );
    assert_eq!(
        check(&r)
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect::<Vec<_>>(),
        [(
            19,
            "tag `canary-analysis` and tag `Canary Analysis` (content/incidents/INC-2024-042.md:18) have the same page `canary-analysis`"
        )]
    );
    let r = good_with(
        "services: [checkout-api, payments]",
        "services: [checkout-api, payments, checkout-api]",
    );
    assert_eq!(
        check(&r),
        vec![
            warning(
                P,
                15,
                36,
                "`services` lists `checkout-api` again (first on line 15)"
            )
            .with_hint("remove the repeat")
        ]
    );
}

#[test]
fn list_items_folded_into_one_name_are_an_error() {
    // A name after the key, then an indented item: YAML reads one service, `checkout-api - payments`.
    let r = good_with(
        "services: [checkout-api, payments]",
        "services: checkout-api\n  - payments",
    );
    let hint = |key: &str| {
        format!(
            "write `{key}:` alone on its line and each name below it as `  - name`, all at one \
             indent, or `{key}: [a, b]`"
        )
    };
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                15,
                1,
                "`services` reads as one name, `checkout-api - payments`: YAML joins indented lines to the value above them"
            )
            .with_hint(hint("services"))
        ]
    );
    // Items at two indents: the deeper one joins the item above it.
    let r = good_with(
        "tags: [deployment, canary-analysis]",
        "tags:\n- deployment\n  - canary-analysis",
    );
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                16,
                1,
                "`tags` reads as one name, `deployment - canary-analysis`: YAML joins indented lines to the value above them"
            )
            .with_hint(hint("tags"))
        ]
    );
    // A name with ` - ` written on one line is a name.
    let r = good_with(
        "tags: [deployment, canary-analysis]",
        "tags:\n  - \"deployment - canary\"",
    );
    assert_eq!(check(&r), vec![]);
}

#[test]
fn a_comma_in_a_tag_or_service_name_is_a_warning() {
    // Without brackets, YAML reads `a, b` as one name.
    let r = good_with(
        "services: [checkout-api, payments]",
        "services: checkout-api, payments",
    );
    assert_eq!(
        check(&r),
        vec![
            warning(
                P,
                15,
                11,
                "`services` name `checkout-api, payments` holds a comma: it is one name"
            )
            .with_hint("for several names, write a list: `services: [checkout-api, payments]`")
        ]
    );
}

#[test]
fn tags_written_as_one_text_with_spaces_are_a_warning() {
    // Some site generators split a tag text at spaces; YAML reads it as one tag.
    for (value, col) in [
        ("deployment canary-analysis", 7),
        ("\"deployment canary-analysis\"", 8),
    ] {
        let r = good_with(
            "tags: [deployment, canary-analysis]",
            &format!("tags: {value}"),
        );
        assert_eq!(
            check(&r),
            vec![
                warning(
                    P,
                    16,
                    col,
                    "`tags` is one tag, `deployment canary-analysis`: spaces do not separate tags"
                )
                .with_hint(
                    "for several tags, write a list: `tags: [deployment, canary-analysis]`; for \
                     one tag, `tags: [deployment canary-analysis]`"
                )
            ],
            "{value}"
        );
    }
    // A list says what it means; one word is one tag.
    for value in ["[deployment canary-analysis]", "deployment"] {
        let r = good_with(
            "tags: [deployment, canary-analysis]",
            &format!("tags: {value}"),
        );
        assert_eq!(check(&r), vec![], "{value}");
    }
}

#[test]
fn related_must_name_existing_ids() {
    let r = good_with(
        "related: [INC-2023-117]",
        "related: [INC-2023-117, checkout-outage]",
    );
    assert_eq!(
        check(&r),
        vec![error(
            P,
            17,
            25,
            "`related` entry `checkout-outage` is not an incident id"
        )]
    );
    let r = good_with(
        "related: [INC-2023-117]",
        "related:\n  - INC-2023-117\n  - INC-2022-001",
    );
    assert_eq!(
        check(&r),
        vec![error(
            P,
            19,
            5,
            "`related` names INC-2022-001, which is not the id of any report"
        )]
    );
}

#[test]
fn empty_names_in_lists() {
    let r = good_with(
        "services: [checkout-api, payments]",
        "services: [checkout-api, \"\"]",
    );
    assert_eq!(
        check(&r),
        vec![error(P, 15, 26, "empty name in `services`")]
    );
    // Each empty item at its own place: a quoted empty name at its quote, one with nothing
    // after its dash at the dash, `~` at the `~`; in a flow list, at its quotes.
    let r = good_with(
        "tags: [deployment, canary-analysis]\nrelated: [INC-2023-117]",
        "tags:\n  - deployment\n  - \"\"\n  - \n  -   ''  # none\n  - ~\nrelated: ['', INC-2023-117, \"\"]",
    );
    assert_eq!(
        check(&r),
        vec![
            error(P, 18, 5, "empty name in `tags`"),
            error(P, 19, 3, "empty name in `tags`"),
            error(P, 20, 7, "empty name in `tags`"),
            error(P, 21, 5, "empty name in `tags`"),
            error(P, 22, 11, "empty name in `related`"),
            error(P, 22, 29, "empty name in `related`"),
        ]
    );
    // A name of symbols alone has no page address; one in another script has.
    let r = good_with(
        "tags: [deployment, canary-analysis]",
        "tags: [deployment, \"--—\", 日本語]",
    );
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                16,
                21,
                "`tags` name `--—` has no letter or digit to make its page address from"
            )
            .with_hint("name it in words, e.g. `checkout-api`")
        ]
    );
}

// --- Control characters ----------------------------------------------------------------

const ESC_HINT: &str = "paste the text without colours (`--no-color`, or through `| cat`), or \
                        remove the escape codes; the page leaves out each whole code (`ESC[31m`)";

#[test]
fn terminal_colour_codes_in_the_body_are_one_warning_at_the_first() {
    let log =
        "```\n\x1b[31mERROR\x1b[0m refused \x1b[1mtwice\x1b[0m\n\x1b[31mERROR\x1b[0m again\n```\n";
    let r = good_with(
        "## Contributing Factors\n",
        &format!("## Contributing Factors\n{log}"),
    );
    let line = line_of(&r, "refused") as usize;
    assert_eq!(
        check(&r),
        vec![
            warning(
                P,
                line,
                1,
                "control character U+001B (terminal colour codes?) is left out of the page; 1 more line holds such characters"
            )
            .with_hint(ESC_HINT)
        ]
    );
    // A BEL in a timeline entry comes first: the entry is read as before, and the codes below
    // are counted.
    let r = r.replace("- 14:27 Alert:", "- 14:27 Alert:\x07");
    assert_eq!(
        check(&r),
        vec![
            warning(
                P,
                line_of(&r, "Alert:"),
                col_of(&r, "\x07"),
                "control character U+0007 (BEL) is left out of the page; 2 more lines hold such characters"
            )
            .with_hint("remove it")
        ]
    );
}

#[test]
fn nul_and_c1_controls_in_the_body() {
    let r = good_with("broke declined-card", "broke \u{2014} declined\0card");
    assert_eq!(
        check(&r),
        vec![
            warning(
                P,
                line_of(&r, "declined"),
                col_of(&r, "\0"),
                "control character U+0000 (NUL) is shown as U+FFFD (\u{fffd}) on the page"
            )
            .with_hint("remove it")
        ]
    );
    // Windows-1252 quotes read as Latin-1; columns count characters.
    let r = good_with(
        "- On-call acknowledged",
        "- \u{2014} \u{93}On-call\u{94} acknowledged",
    );
    assert_eq!(
        check(&r),
        vec![
            warning(
                P,
                line_of(&r, "On-call"),
                5,
                "control character U+0093 is left out of the page"
            )
            .with_hint("U+0093 is `\u{201c}` of Windows-1252 text read as Latin-1: write `\u{201c}` (U+201C)")
        ]
    );
}

#[test]
fn control_characters_in_front_matter_values_are_a_warning_at_the_value() {
    let r = good_with(
        "title: Checkout Service Outage",
        "title: \"Checkout \\e[1mService\\e[0m Outage\"",
    )
    .replace(
        "impact: \"~300 failed checkout attempts\"",
        "impact: \"~300 failed\\0 checkout attempts\"",
    )
    .replace("on_call: Priya Raman", "on_call: \"Priya \\uFFFERaman\"")
    .replace(
        "services: [checkout-api, payments]",
        "services:\n  - checkout-api\n  - \"pay\\aments\"",
    );
    assert_eq!(
        check(&r),
        vec![
            warning(
                P,
                3,
                8,
                "control character U+001B (terminal colour codes?) in `title` is left out of the page"
            )
            .with_hint(ESC_HINT),
            warning(
                P,
                11,
                9,
                "control character U+0000 (NUL) in `impact` is shown as U+FFFD (\u{fffd}) on the page"
            )
            .with_hint("remove it"),
            warning(
                P,
                12,
                10,
                "noncharacter U+FFFE in `on_call` is left out of the page"
            )
            .with_hint("remove it"),
            warning(
                P,
                17,
                5,
                "control character U+0007 (BEL) in `services` is left out of the page"
            )
            .with_hint("remove it"),
        ]
    );
    // An item of a list written in brackets, at its opening quote.
    let r = good_with(
        "tags: [deployment, canary-analysis]",
        "tags: [deployment, \"canary\\x01analysis\"]",
    );
    assert_eq!(
        check(&r),
        vec![
            warning(
                P,
                16,
                20,
                "control character U+0001 in `tags` is left out of the page"
            )
            .with_hint("remove it")
        ]
    );
}

// --- Files -----------------------------------------------------------------------------

#[test]
fn non_utf8_empty_and_front_matter_less_files() {
    let site = TestSite::new();
    site.write(
        "content/latin1.md",
        b"---\nid: INC-2024-001\ntitle: Caf\xe9\n---\n",
    );
    site.write("content/empty.md", "\n  \n");
    site.write("content/plain.md", "# Notes\n\nNo front matter here.\n");
    site.write("content/open.md", "---\nid: INC-2024-002\ntitle: x\n");
    assert_eq!(
        site.check(),
        vec![
            error("content/empty.md", 1, 1, "file is empty").with_hint(
                "a report starts with front matter: `---`, `id: ...`, `title: ...`, `---`"
            ),
            error("content/latin1.md", 3, 11, "file is not valid UTF-8")
                .with_hint("save the report as UTF-8"),
            error("content/open.md", 1, 1, "front matter is not closed")
                .with_hint("end the front matter with a `---` line before the Markdown"),
            error("content/plain.md", 1, 1, "report has no front matter").with_hint(
                "start the file with a `---` line, the keys (id, title, severity, date), and another `---` line"
            ),
        ]
    );
}

/// `root/rel`, with `name` (bytes that need not be UTF-8) as its last part.
#[cfg(unix)]
fn named(site: &TestSite, rel: &str, name: &[u8]) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt;
    site.path(rel).join(std::ffi::OsStr::from_bytes(name))
}

#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_are_reported_not_skipped() {
    // Names saved in Latin-1: a report, an asset, a folder of reports and one of images.
    let site = TestSite::with(&[(P, GOOD), (Q, OTHER)]);
    let report = OTHER.replace("INC-2023-117", "INC-2023-118");
    std::fs::write(named(&site, "content", b"caf\xe9.md"), &report).unwrap();
    std::fs::write(
        named(&site, "content/incidents", b"r\xe9sum\xe9.png"),
        "png",
    )
    .unwrap();
    let folder = named(&site, "content", b"2026-\xe9t\xe9");
    std::fs::create_dir_all(folder.join("deep")).unwrap();
    std::fs::write(folder.join("INC-2026-997.md"), report.replace("118", "997")).unwrap();
    std::fs::write(
        folder.join("deep/INC-2026-998.md"),
        report.replace("118", "998"),
    )
    .unwrap();
    let images = named(&site, "content", b"gr\xe4phs");
    std::fs::create_dir(&images).unwrap();
    std::fs::write(images.join("a.png"), "png").unwrap();
    // Editor backups and hidden files are left out without a word, as any other.
    std::fs::write(named(&site, "content", b"caf\xe9.md~"), &report).unwrap();
    std::fs::write(named(&site, "content", b".caf\xe9.md.swp"), &report).unwrap();
    let shown = "bytes of the name that are not UTF-8 are shown as `\\xNN`";
    assert_eq!(
        site.check(),
        vec![
            error(
                "content/2026-\\xe9t\\xe9",
                0,
                0,
                "folder name is not valid UTF-8: nothing in it is read or published"
            )
            .in_other_file()
            .with_hint(format!(
                "rename it in UTF-8: the 2 reports in it are left out of the site until then \
                 ({shown})"
            )),
            error(
                "content/caf\\xe9.md",
                0,
                0,
                "file name is not valid UTF-8: the report is not read"
            )
            .in_other_file()
            .with_hint(format!("rename it in UTF-8 ({shown})")),
            warning(
                "content/gr\\xe4phs",
                0,
                0,
                "folder name is not valid UTF-8: nothing in it is read or published"
            )
            .in_other_file()
            .with_hint(format!("rename it in UTF-8 ({shown})")),
            warning(
                "content/incidents/r\\xe9sum\\xe9.png",
                0,
                0,
                "file name is not valid UTF-8: the file is not published"
            )
            .in_other_file()
            .with_hint(format!("rename it in UTF-8, and the links to it ({shown})")),
        ]
    );
    // Each is an other file in the summary, not one of the two reports read (whose one
    // finding, of two lints, is P's); `check` fails.
    let out = site
        .cmd()
        .args(["check", "--today", "2024-05-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with(
            "content/2026-\\xe9t\\xe9:1:1: error: folder name is not valid UTF-8: nothing in it is read or published\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("\n2 errors, 4 warnings in 1 of 2 reports and 4 other files\n"),
        "{stdout}"
    );
}

#[test]
fn a_report_that_cannot_be_read_still_has_its_id_for_the_others() {
    // The report GOOD refers to (in `related` and in its Summary) without its opening `---`,
    // with no `id:` line at all, and as a link to nothing: its own error is the only one.
    let no_opening = OTHER.strip_prefix("---\n").unwrap();
    let site = TestSite::with(&[(P, GOOD), (Q, no_opening)]);
    assert_eq!(
        site.check(),
        vec![error(Q, 1, 1, "report has no front matter").with_hint(
            "start the file with a `---` line, the keys (id, title, severity, date), and another `---` line"
        )]
    );
    let site = TestSite::with(&[(P, GOOD), (Q, "Notes, not a report yet.\n")]);
    assert_eq!(
        site.check(),
        vec![error(Q, 1, 1, "report has no front matter").with_hint(
            "start the file with a `---` line, the keys (id, title, severity, date), and another `---` line"
        )]
    );
    #[cfg(unix)]
    {
        let site = TestSite::with(&[(P, GOOD)]);
        std::os::unix::fs::symlink("gone.md", site.path(Q)).unwrap();
        // Counted among the reports in the summary, as every other report with an error.
        let out = site
            .cmd()
            .args(["check", "--today", "2024-05-01"])
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&out.stdout)
                .ends_with("1 error, 2 warnings in 2 of 2 reports\n"),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert_eq!(
            site.check(),
            vec![error(
                Q,
                0,
                0,
                "cannot read: No such file or directory (os error 2)"
            )]
        );
    }
}

#[test]
fn invalid_yaml_has_its_line() {
    let r = good_with(
        "impact: \"~300 failed checkout attempts\"",
        "impact: \"~300 failed",
    );
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                11,
                9,
                "front matter is not valid YAML: found unexpected end of stream (while scanning a quoted scalar)"
            )
            .with_hint("a quote or bracket opened here is not closed; the parser noticed at line 18")
        ]
    );
    let r = good_with(
        "on_call: Priya Raman",
        "on_call: Priya Raman\n  bad: indent",
    );
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                13,
                6,
                "front matter is not valid YAML: mapping values are not allowed in this context"
            )
            .with_hint("keys start at the beginning of the line: remove the spaces before `bad:`")
        ]
    );
    let r = good_with("status: published", "status: published\nid: INC-2024-043");
    assert_eq!(
        check(&r),
        vec![
            error(P, 7, 1, "front matter gives `id` twice").with_hint("first at line 2; keep one")
        ]
    );
}

#[test]
fn the_usual_yaml_mistakes_have_a_hint() {
    let title = "title: Checkout Service Outage";
    let cases = [
        (
            "title: Checkout: the outage",
            16,
            "mapping values are not allowed in this context",
            "a value holding `: ` must be quoted: `title: \"Checkout: the outage\"`",
        ),
        (
            "title: \"The \"checkout\" outage\"",
            14,
            "did not find expected key",
            "the value ends at its second `\"`: write a `\"` inside it as `\\\"`, or quote the value with `'` instead",
        ),
        (
            "title: 'Checkout's outage'",
            18,
            "did not find expected key",
            "the value ends at its second `'`: write a `'` inside it as `''`, or quote the value with `\"` instead",
        ),
        (
            "title: @checkout outage",
            8,
            "found character that cannot start any token",
            "YAML keeps `@` for itself at the start of a value: put the value in quotes: `title: \"@checkout outage\"`",
        ),
        (
            "title: `checkout` outage",
            8,
            "found character that cannot start any token",
            "YAML keeps a backquote for itself at the start of a value: put the value in quotes: title: \"`checkout` outage\"",
        ),
    ];
    for (line, col, problem, hint) in cases {
        assert_eq!(
            check(&good_with(title, line)),
            vec![
                error(
                    P,
                    3,
                    col,
                    &format!("front matter is not valid YAML: {problem}")
                )
                .with_hint(hint)
            ],
            "{line}"
        );
    }
}

#[test]
fn a_tab_that_indents_front_matter_is_named_in_the_hint() {
    let hint = "YAML does not allow tabs for indentation: indent with spaces";
    let r = good_with(
        "tags: [deployment, canary-analysis]",
        "tags:\n\t- deployment\n\t- canary-analysis",
    );
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                17,
                1,
                "front matter is not valid YAML: found character that cannot start any token"
            )
            .with_hint(hint)
        ]
    );
    // Under a key whose value is a map the parser words it otherwise; the hint is the same.
    let r = good_with(
        "on_call: Priya Raman",
        "extra:\n  team: payments\n\towner: Priya Raman",
    );
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                14,
                1,
                "front matter is not valid YAML: found a tab character that violates indentation"
            )
            .with_hint(hint)
        ]
    );
}

#[test]
fn an_unclosed_quote_is_reported_where_it_opens_not_where_the_parser_stopped() {
    // The title's quote is never closed on its line; the next quote, which opens the value of
    // `started:` four lines below, closes it, and the parser stops just after that.
    let r = good_with(
        "title: Checkout Service Outage",
        "title: \"Checkout Service Outage",
    );
    let found = check(&r);
    assert_eq!(
        found,
        vec![
            error(
                P,
                3,
                8,
                "front matter is not valid YAML: did not find expected key (after a quoted scalar that opens here)"
            )
            .with_hint(
                "the quote opened here is not closed on its line: the value runs on to the quote at line 7 column 10, and the parser noticed the problem after it"
            )
        ]
    );
    assert_eq!(
        found[0].to_human(),
        "content/incidents/INC-2024-042.md:3:8: error: front matter is not valid YAML: did not find expected key (after a quoted scalar that opens here)\n    hint: the quote opened here is not closed on its line: the value runs on to the quote at line 7 column 10, and the parser noticed the problem after it"
    );
    // Closed by the end of the front matter instead: the parser names the quote itself.
    let r = good_with("title: Checkout Service Outage", "title: 'Checkout outage");
    let r = r.replace("\"", "");
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                3,
                8,
                "front matter is not valid YAML: found unexpected end of stream (while scanning a quoted scalar)"
            )
            .with_hint("a quote or bracket opened here is not closed; the parser noticed at line 18")
        ]
    );
}

#[test]
fn front_matter_that_is_not_a_mapping() {
    let r = "---\n- id: INC-2024-042\n---\n## Summary\n";
    assert_eq!(
        check_alone(r),
        vec![
            error(P, 2, 1, "front matter must be a set of `key: value` lines").with_hint(
                "start with `id: INC-2024-001`, `title: ...`, `severity: SEV2`, `date: 2024-03-15`"
            )
        ]
    );
}

#[test]
fn yaml_alias_bombs_are_refused() {
    let mut fm = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
    for (i, prev) in ('b'..='i').zip('a'..='h') {
        fm.push_str(&format!(
            "{i}: &{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    fm.push_str("extra: *i\n");
    let ds = check_alone(&format!("---\n{fm}---\n"));
    assert_eq!(ds.len(), 1, "{ds:?}");
    assert_eq!(ds[0].path, P);
    assert!(
        ds[0]
            .message
            .starts_with("front matter is not valid YAML: repetition limit exceeded"),
        "{}",
        ds[0].message
    );
}

// --- Sections --------------------------------------------------------------------------

/// A report of `severity` with exactly the given `##` sections.
fn with_sections(severity: &str, sections: &[&str]) -> String {
    let mut r =
        format!("---\nid: INC-2024-042\ntitle: T\nseverity: {severity}\ndate: 2024-03-15\n---\n");
    for s in sections {
        r.push_str(&format!("\n## {s}\nText.\n"));
    }
    r
}

#[test]
fn required_sections_per_severity_with_the_default_policy() {
    let full = "Summary, Timeline, Contributing Factors, What Went Well, Action Items";
    for (severity, present, missing, need) in [
        (
            "SEV1",
            vec![
                "Summary",
                "Timeline",
                "Contributing Factors",
                "Action Items",
            ],
            "What Went Well",
            full,
        ),
        (
            "SEV2",
            vec![
                "Summary",
                "Contributing Factors",
                "What Went Well",
                "Action Items",
            ],
            "Timeline",
            full,
        ),
        (
            "SEV3",
            vec!["Summary", "Timeline"],
            "Action Items",
            "Summary, Action Items",
        ),
        ("SEV4", vec!["Notes"], "Summary", "Summary"),
    ] {
        assert_eq!(
            check_alone(&with_sections(severity, &present)),
            vec![
                error(
                    P,
                    4,
                    11,
                    &format!("missing section `## {missing}`, required for {severity}")
                )
                .with_hint(format!("{severity} reports need: {need}"))
            ],
            "{severity}"
        );
    }
    assert_eq!(
        check_alone(&with_sections("SEV3", &["Summary", "Action Items"])),
        vec![]
    );
    assert_eq!(check_alone(&with_sections("SEV4", &["Summary"])), vec![]);
}

#[test]
fn a_required_section_under_a_common_other_name_gets_a_rename_hint() {
    // The review guide's own "What worked well", and names many teams use.
    let item = "### Action Item: Gate canary promotion on error rate
**Owner:** Sarah Chen
**Due:** 2024-03-30
**Priority:** P1
**Type:** Prevent
**Description:**
Canary promotion does not compare error rates with the baseline.
**Definition of Done:**
Promotion is blocked when the canary's error rate exceeds 0.5%.
";
    let r = with_sections(
        "SEV2",
        &[
            "Summary",
            "Timeline",
            "Root Cause",
            "What Worked Well",
            "Follow-up Actions",
        ],
    ) + item;
    let renamed = |from: &str, to: &str| {
        error(
            P,
            line_of(&r, &format!("## {from}")),
            1,
            &format!("missing section `## {to}`, required for SEV2: `## {from}` is not read as it"),
        )
        .with_hint(format!("rename `## {from}` to `## {to}`"))
    };
    assert_eq!(
        check_alone(&r),
        vec![
            renamed("Root Cause", "Contributing Factors"),
            renamed("What Worked Well", "What Went Well"),
            renamed("Follow-up Actions", "Action Items"),
            error(
                P,
                line_of(&r, "### Action Item"),
                1,
                "action item `Gate canary promotion on error rate` is outside the `## Action Items` \
                 section: it is under `## Follow-up Actions`"
            )
            .with_hint("rename `## Follow-up Actions` to `## Action Items`"),
        ]
    );
    // Renamed, the report is complete.
    let fixed = r
        .replace("## Root Cause", "## Contributing Factors")
        .replace("## What Worked Well", "## What Went Well")
        .replace("## Follow-up Actions", "## Action Items");
    assert_eq!(check_alone(&fixed), vec![]);
}

#[test]
fn every_missing_section_is_reported() {
    let ds = check_alone(&with_sections("SEV1", &["Summary"]));
    let messages: Vec<&str> = ds.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "missing section `## Action Items`, required for SEV1",
            "missing section `## Contributing Factors`, required for SEV1",
            "missing section `## Timeline`, required for SEV1",
            "missing section `## What Went Well`, required for SEV1",
        ]
    );
}

#[test]
fn a_custom_policy_in_site_toml() {
    let toml = "[severity.SEV3]\nrequired_sections = [\"Summary\", \"Customer Impact\"]\n\n[severity.SEV0]\nrequired_sections = [\"Summary\", \"Timeline\"]\nreview_within_days = 1\n";
    let site = TestSite::with(&[
        ("site.toml", toml),
        (P, &with_sections("SEV3", &["Summary"])),
        (
            "content/b.md",
            &with_sections("SEV0", &["Summary"]).replace("INC-2024-042", "INC-2024-043"),
        ),
    ]);
    assert_eq!(
        site.check(),
        vec![
            error(
                "content/b.md",
                4,
                11,
                "missing section `## Timeline`, required for SEV0"
            )
            .with_hint("SEV0 reports need: Summary, Timeline"),
            error(
                P,
                4,
                11,
                "missing section `## Customer Impact`, required for SEV3"
            )
            .with_hint("SEV3 reports need: Summary, Customer Impact"),
        ]
    );
    // Levels not named in site.toml keep their defaults.
    site.write(P, with_sections("SEV4", &["Notes"]));
    assert_eq!(
        site.check()[1].message,
        "missing section `## Summary`, required for SEV4"
    );
}

#[test]
fn a_duplicated_required_section_is_an_error() {
    let r = good_with(
        "## What Went Well",
        "## Summary\nMore.\n\n## What Went Well",
    );
    let line = line_of(&r, "## What Went Well") - 3;
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line,
                1,
                "section `## Summary` appears twice (first at line 20)"
            )
            .with_hint("merge the two sections into one")
        ]
    );
}

#[test]
fn a_duplicated_optional_section_is_a_warning() {
    let r = good_with(
        "## What Went Well",
        "## Notes\nA.\n\n## notes\nB.\n\n## What Went Well",
    );
    assert_eq!(
        check(&r),
        vec![
            warning(
                P,
                line_of(&r, "## notes"),
                1,
                &format!(
                    "section `## notes` appears twice (first at line {})",
                    line_of(&r, "## Notes")
                )
            )
            .with_hint("merge the two sections into one")
        ]
    );
}

#[test]
fn action_item_headings_in_the_wrong_place() {
    let hint = "write action items as `### Action Item: <title>` inside `## Action Items`";
    let r = good_with(
        "- On-call acknowledged the page within a minute.",
        "- On-call acknowledged the page within a minute.\n\n### Action Item: Misplaced",
    );
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "Misplaced"),
                1,
                "action item `Misplaced` is outside the `## Action Items` section"
            )
            .with_hint(hint)
        ]
    );
    let r = format!("{GOOD}\n#### Action Item: Too deep\n");
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "Too deep"),
                1,
                "action item `Too deep` is a level-4 heading"
            )
            .with_hint(hint)
        ]
    );
}

#[test]
fn an_item_after_a_level_two_action_heading_says_which_heading_ended_the_section() {
    // The review guide's template writes `## Action Item:`; every item after such a heading
    // is outside `## Action Items` as well, and the finding names the heading to fix.
    let hint = "write action items as `### Action Item: <title>` inside `## Action Items`";
    let r = format!(
        "{}\n### Action Item: Page on checkout error rate\n**Owner:** Mike Ross\n**Due:** 2024-03-30\n**Priority:** P2\n**Type:** Detect\n**Description:** No alert watches the error rate.\n**Definition of Done:** A page fires in a game day.\n",
        GOOD.replacen("### Action Item:", "## Action Item:", 1)
    );
    let first = line_of(&r, "## Action Item: Gate canary");
    let second = line_of(&r, "### Action Item: Page on");
    let found = check(&r);
    assert_eq!(
        found,
        vec![
            error(
                P,
                first,
                1,
                "action item `Gate canary promotion on error rate` is a level-2 heading"
            )
            .with_hint(hint),
            error(
                P,
                second,
                1,
                &format!(
                    "action item `Page on checkout error rate` is outside the `## Action Items` section: the level-2 heading `## Action Item: Gate canary promotion on error rate` on line {first} ended it"
                )
            )
            .with_hint(format!("make the heading on line {first} a `###` heading")),
        ]
    );
    // The fields under both headings are checked in the same run, not once they are fixed.
    let r = r
        .replacen("**Due:** 2024-03-30", "**Due:** March 30", 1)
        .replacen("**Owner:** Mike Ross", "**Owner:**", 1);
    let found = check(&r);
    assert_eq!(
        found[1..]
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect::<Vec<_>>(),
        [
            (
                line_of(&r, "March 30"),
                "`Due` is not a date in YYYY-MM-DD form: `March 30`"
            ),
            (second, found[2].message.as_str()),
            (
                second + 1,
                "action item `Page on checkout error rate` has an empty `Owner`"
            ),
        ]
    );
    // A heading with no field under it is one finding, not one per missing field.
    let r = GOOD.replacen("## Action Items", "## Action Item: Follow-ups", 1);
    let found: Vec<String> = check(&r).into_iter().map(|d| d.message).collect();
    assert_eq!(
        found,
        [
            "missing section `## Action Items`, required for SEV2",
            "action item `Follow-ups` is a level-2 heading",
            "action item `Gate canary promotion on error rate` is outside the `## Action Items` section: the level-2 heading `## Action Item: Follow-ups` on line 35 ended it",
        ]
    );
}

#[test]
fn numbered_section_headings_are_the_sections_they_name() {
    // As documents exported from other tools number them.
    let r = GOOD
        .replace("## Summary", "## 1. Summary")
        .replace("## Timeline", "## 2) Timeline")
        .replace("## Contributing Factors", "## 3. Contributing Factors")
        .replace("## What Went Well", "## 4. What Went Well")
        .replace("## Action Items", "## 5.1 Action Items:");
    assert_eq!(check(&r), vec![]);
    // The timeline is still read: an entry out of order is still caught.
    let r = r.replace("- 14:38 Rollback complete", "- 14:20 Rollback complete");
    assert_eq!(
        check(&r)
            .iter()
            .map(|d| d.message.as_str())
            .collect::<Vec<_>>(),
        ["timeline goes back in time: 14:20 comes after 14:27"]
    );
}

#[test]
fn a_separator_right_under_a_field_is_one_error_not_a_heading() {
    // Markdown reads `---` right under text as that text's underline (a heading). Without a
    // finding of its own, the item would lose every field and the next item its section.
    let second = "\n### Action Item: Page on canary error rate\n**Owner:** Sarah Chen\n**Due:** 2024-03-30\n**Priority:** P2\n**Type:** Detect\n**Description:**\nThe canary's error rate pages nobody.\n**Definition of Done:**\nA canary error rate above 0.5% pages the on-call engineer.\n";
    for mark in ["---", "===", "  ------"] {
        let r = good_with(
            "exceeds 0.5%.\n",
            &format!("exceeds 0.5%.\n{mark}\n{second}"),
        );
        let trimmed = mark.trim();
        assert_eq!(
            check(&r),
            vec![
                error(
                    P,
                    line_of(&r, "exceeds 0.5%.") + 1,
                    1,
                    &format!("`{trimmed}` right under an action item's field makes the lines above it a heading (Markdown reads it as their underline), so it does not end the item")
                )
                .with_hint(format!("leave a blank line before `{trimmed}`: then it separates items")),
            ],
            "{mark}"
        );
        // With the blank line, it separates the items.
        let r = good_with(
            "exceeds 0.5%.\n",
            &format!("exceeds 0.5%.\n\n{mark}\n{second}"),
        );
        if mark.trim() == "---" {
            assert_eq!(check(&r), vec![], "{mark}");
        }
    }
    // Text underlined in a section is a heading as Markdown says.
    let r = good_with(
        "## What Went Well\n",
        "## What Went Well\nThe rollback\n---\n",
    );
    assert_eq!(check(&r), vec![]);
}

#[test]
fn a_level_one_heading_in_the_body_is_reported_and_ends_no_section() {
    // Inside the Timeline section: the entry after it is still one of the timeline's, so a
    // time that goes back is still caught.
    let r = good_with(
        "- 14:38 Rollback complete",
        "# Rollback\n- 14:38 Rollback complete\n- 14:30 Cache warmed",
    );
    assert_eq!(
        check(&r),
        vec![
            warning(
                P,
                line_of(&r, "# Rollback"),
                1,
                "level-one heading `# Rollback` in the body: the page title comes from `title` in the front matter"
            )
            .with_hint("write `## Rollback` if it starts a section, or `###` for a heading inside one"),
            error(
                P,
                line_of(&r, "14:30"),
                3,
                "timeline goes back in time: 14:30 comes after 14:38"
            )
            .with_hint(
                "entries run forward in time: put the entries in the order they happened, or, if this one is after midnight, give its date: `2024-03-16 14:30`"
            ),
        ]
    );
}

#[test]
fn text_in_an_action_item_outside_its_fields_is_reported() {
    let hint = "put it under a field such as `**Description:**`, or after the last action item";
    let msg = "text in action item `Gate canary promotion on error rate` belongs to no field and is not shown";
    // Before the first field, and after a thematic break; a code block inside a value, an
    // HTML comment and the `---` that separates items are fine.
    let r = good_with("**Owner:** Sarah Chen", "Written before the fields.\n**Owner:** Sarah Chen")
        .replace(
            "Canary promotion does not compare error rates with the baseline.\n",
            "Canary promotion does not compare error rates with the baseline:\n\n```yaml\nerror_rate: ignored\n```\n<!-- a note for reviewers -->\n",
        )
        .replace(
            "Promotion is blocked when the canary's error rate exceeds 0.5%.\n",
            "Promotion is blocked when the canary's error rate exceeds 0.5%.\n\n---\n\nWritten after the rule.\nAnd its second line.\n\nA second paragraph.\n\n---\n",
        );
    assert_eq!(
        check(&r),
        vec![
            warning(P, line_of(&r, "Written before the fields."), 1, msg).with_hint(hint),
            warning(P, line_of(&r, "Written after the rule."), 1, msg).with_hint(hint),
            warning(P, line_of(&r, "A second paragraph."), 1, msg).with_hint(hint),
        ]
    );
}

// --- Timeline --------------------------------------------------------------------------

#[test]
fn a_timeline_that_goes_back_in_time() {
    let r = good_with("- 14:38 Rollback complete", "- 14:20 Rollback complete");
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "14:20"),
                3,
                "timeline goes back in time: 14:20 comes after 14:27"
            )
            .with_hint(
                "entries run forward in time: put the entries in the order they happened, or, if this one is after midnight, give its date: `2024-03-16 14:20`"
            )
        ]
    );
}

#[test]
fn a_bad_date_does_not_hide_timeline_problems() {
    let r = good_with("- 14:38 Rollback complete", "- 14:20 Rollback complete")
        .replace("date: 2024-03-15", "date: 2024-02-30");
    let ds = check(&r);
    assert_eq!(ds.len(), 2, "{ds:?}");
    assert_eq!(ds[0].line, 5);
    assert_eq!(
        (ds[1].line, ds[1].message.as_str()),
        (
            line_of(&r, "14:20"),
            "timeline goes back in time: 14:20 comes after 14:27"
        )
    );
}

#[test]
fn the_midnight_rule() {
    // An entry after midnight with its date is fine ...
    let r = good_with(
        "- 14:45 Incident resolved",
        "- 23:50 Cache warm-up still running\n- 2024-03-16 00:10 Incident resolved\n- 00:20 Review scheduled",
    );
    assert_eq!(check(&r), vec![]);
    // ... without it, it is an error.
    let r = good_with(
        "- 14:45 Incident resolved",
        "- 23:50 Cache warm-up still running\n- 00:10 Incident resolved",
    );
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "00:10"),
                3,
                "timeline goes back in time: 00:10 comes after 23:50"
            )
            .with_hint(
                "entries run forward in time: put the entries in the order they happened, or, if this one is after midnight, give its date: `2024-03-16 00:10`"
            )
        ]
    );
    // The entries after it are read as on the next day, as the hint's fix would have them:
    // one missing date is one finding. So is one entry out of order.
    for (entries, back) in [
        (
            "- 23:50 Cache warm-up still running\n- 00:10 Incident resolved\n- 00:20 Queue drained\n- 00:30 Review scheduled",
            "00:10 comes after 23:50",
        ),
        (
            "- 14:40 Queue drained\n- 14:39 Incident resolved\n- 14:50 Review scheduled",
            "14:39 comes after 14:40",
        ),
    ] {
        let r = good_with("- 14:45 Incident resolved", entries);
        let found: Vec<String> = check(&r).into_iter().map(|d| d.message).collect();
        assert_eq!(
            found,
            [format!("timeline goes back in time: {back}")],
            "{entries}"
        );
    }
    // A dated entry earlier than the one before is an error too.
    let r = good_with(
        "- 14:45 Incident resolved",
        "- 2024-03-14 23:00 Incident resolved",
    );
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "23:00"),
                3,
                "timeline goes back in time: 2024-03-14 23:00 comes after 2024-03-15 14:38"
            )
            .with_hint("entries run forward in time")
        ]
    );
}

#[test]
fn invalid_timeline_times_and_dates() {
    let r = good_with("- 14:38 Rollback complete", "- 24:38 Rollback complete");
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "24:38"),
                3,
                "timeline time `24:38` is not a clock time"
            )
            .with_hint("write times as HH:MM, 00:00 to 23:59")
        ]
    );
    let r = good_with(
        "- 14:45 Incident resolved",
        "- 2024-02-30 14:45 Incident resolved",
    );
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "14:45 Incident"),
                3,
                "timeline date `2024-02-30` is not a calendar date"
            )
            .with_hint("`2024-02-30` does not exist in the calendar")
        ]
    );
}

#[test]
fn timeline_tables_are_checked_too() {
    let r = good_with(
        "- 14:23 Deployment of checkout-api v2.4.1 begins\n- 14:27 Alert: checkout error rate above 1%\n- 14:38 Rollback complete\n- 14:45 Incident resolved",
        "| Time | Event |\n|------|-------|\n| 14:23 | Deploy |\n| 14:38 | Rollback |\n| 14:27 | Alert |",
    );
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "| 14:27"),
                3,
                "timeline goes back in time: 14:27 comes after 14:38"
            )
            .with_hint(
                "entries run forward in time: put the entries in the order they happened, or, if this one is after midnight, give its date: `2024-03-16 14:27`"
            )
        ]
    );
}

// --- Action items ----------------------------------------------------------------------

const HEADING: &str = "### Action Item: Gate canary promotion on error rate";

#[test]
fn each_missing_action_item_field_points_at_the_heading() {
    let all = "Owner, Due, Priority, Type, Description, Definition of Done";
    for (field, lines) in [
        ("Owner", "**Owner:** Sarah Chen\n"),
        ("Due", "**Due:** 2024-03-30\n"),
        ("Priority", "**Priority:** P1\n"),
        ("Type", "**Type:** Prevent\n"),
        (
            "Description",
            "**Description:**\nCanary promotion does not compare error rates with the baseline.\n",
        ),
        (
            "Definition of Done",
            "**Definition of Done:**\nPromotion is blocked when the canary's error rate exceeds 0.5%.\n",
        ),
    ] {
        let r = good_with(lines, "");
        assert_eq!(
            check(&r),
            vec![
                error(
                    P,
                    line_of(&r, HEADING),
                    1,
                    &format!(
                        "action item `Gate canary promotion on error rate` is missing `{field}`"
                    )
                )
                .with_hint(format!(
                    "add a line `**{field}:** ...`; every action item has {all}"
                ))
            ],
            "{field}"
        );
    }
}

#[test]
fn a_required_field_written_without_bold_is_one_finding_on_its_line() {
    let title = "Gate canary promotion on error rate";
    for (line, name, value, col) in [
        ("Owner: TBD", "Owner", "TBD", 1),
        ("- *Due:* 2024-03-30", "Due", "2024-03-30", 4),
        ("  priority : P1", "Priority", "P1", 3),
    ] {
        let bold = format!("**{name}:** ");
        let old = GOOD
            .lines()
            .find(|l| l.starts_with(&bold))
            .unwrap()
            .to_string();
        let r = good_with(&old, line);
        assert_eq!(
            check(&r),
            vec![
                error(
                    P,
                    line_of(&r, line),
                    col,
                    &format!(
                        "action item `{title}` is missing `{name}`: `{}` is not bold, so it is \
                         not read as the field",
                        line.trim()
                    )
                )
                .with_hint(format!("write `**{name}:** {value}`"))
            ],
            "{line}"
        );
    }
    // Bold with underscores is bold in Markdown, but not the form fields are read in.
    let r = good_with("**Owner:** Sarah Chen", "__Owner:__ Sarah Chen");
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "__Owner:__"),
                3,
                &format!(
                    "action item `{title}` is missing `Owner`: `__Owner:__ Sarah Chen` is bold \
                     with underscores, and fields are read only in the `**` form"
                )
            )
            .with_hint("write `**Owner:** Sarah Chen`")
        ]
    );
    // A field given in bold and again without: the plain line is text that is not shown, and
    // does not run on in the value above it.
    let r = good_with("**Type:** Prevent", "**Type:** Prevent\nStatus: Done");
    assert_eq!(
        check(&r),
        vec![
            warning(
                P,
                line_of(&r, "Status: Done"),
                1,
                &format!("text in action item `{title}` belongs to no field and is not shown")
            )
            .with_hint(
                "put it under a field such as `**Description:**`, or after the last action item"
            )
        ]
    );
}

#[test]
fn an_empty_field() {
    // A field holding only an HTML comment is empty too.
    for empty in ["**Owner:**", "**Owner:** <!-- who? -->"] {
        let r = good_with("**Owner:** Sarah Chen", empty);
        assert_eq!(
            check(&r),
            vec![
                error(
                    P,
                    line_of(&r, "**Owner:**"),
                    1,
                    "action item `Gate canary promotion on error rate` has an empty `Owner`"
                )
                .with_hint("write the value after `**Owner:**`")
            ],
            "{empty}"
        );
    }
    let r = good_with("**Status:** Open", "**Status:**");
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "**Status:**"),
                1,
                "action item `Gate canary promotion on error rate` has an empty `Status`"
            )
            .with_hint("write Open, In Progress, Done or Won't Do, or leave the line out for Open")
        ]
    );
}

#[test]
fn an_action_item_without_a_title() {
    let r = good_with(HEADING, "### Action Item:");
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "### Action Item:"),
                1,
                "action item has no title"
            )
            .with_hint("write `### Action Item: <what changes>`")
        ]
    );
}

#[test]
fn a_field_given_twice() {
    let r = good_with("**Type:** Prevent", "**Type:** Prevent\n**type:** Detect");
    assert_eq!(
        check(&r),
        vec![error(
            P,
            line_of(&r, "**type:**"),
            1,
            &format!(
                "action item `Gate canary promotion on error rate` gives `Type` twice (first at line {})",
                line_of(&r, "**Type:**")
            )
        )]
    );
}

#[test]
fn bad_priority_type_and_status() {
    for (old, new, message, hint) in [
        (
            "**Priority:** P1",
            "**Priority:** High",
            "`Priority` must be P1, P2 or P3, not `High`",
            "write `P1`: P1 is the most urgent, P3 the least",
        ),
        (
            "**Priority:** P1",
            "**Priority:** medium",
            "`Priority` must be P1, P2 or P3, not `medium`",
            "write `P2`: P1 is the most urgent, P3 the least",
        ),
        (
            "**Priority:** P1",
            "**Priority:** Soon",
            "`Priority` must be P1, P2 or P3, not `Soon`",
            "P1 is the most urgent, P3 the least",
        ),
        (
            "**Type:** Prevent",
            "**Type:** Fix",
            "`Type` must be Prevent, Detect or Mitigate, not `Fix`",
            "Prevent stops a recurrence, Detect finds it sooner, Mitigate limits the harm",
        ),
        (
            "**Type:** Prevent",
            "**Type:** Prevention",
            "`Type` must be Prevent, Detect or Mitigate, not `Prevention`",
            "write `Prevent`: Prevent stops a recurrence, Detect finds it sooner, Mitigate limits \
             the harm",
        ),
        (
            "**Type:** Prevent",
            "**Type:** mitigation",
            "`Type` must be Prevent, Detect or Mitigate, not `mitigation`",
            "write `Mitigate`: Prevent stops a recurrence, Detect finds it sooner, Mitigate limits \
             the harm",
        ),
        (
            "**Status:** Open",
            "**Status:** Closed",
            "`Status` must be Open, In Progress, Done or Won't Do, not `Closed`",
            "for finished work write `Done`, with the day in `**Completed:** YYYY-MM-DD`",
        ),
        (
            "**Status:** Open",
            "**Status:** Cancelled",
            "`Status` must be Open, In Progress, Done or Won't Do, not `Cancelled`",
            "for work the team decided against write `Won't Do`, with why in `**Reason:** ...`",
        ),
        (
            "**Status:** Open",
            "**Status:** To-do",
            "`Status` must be Open, In Progress, Done or Won't Do, not `To-do`",
            "for work not started write `Open`, or leave the line out",
        ),
        (
            "**Status:** Open",
            "**Status:** WIP",
            "`Status` must be Open, In Progress, Done or Won't Do, not `WIP`",
            "for work under way write `In Progress`",
        ),
        (
            "**Status:** Open",
            "**Status:** Blocked",
            "`Status` must be Open, In Progress, Done or Won't Do, not `Blocked`",
            "Open (or no line) for work not started, In Progress, Done with `**Completed:**`, or \
             Won't Do with `**Reason:**`",
        ),
    ] {
        let r = good_with(old, new);
        let field = new.split("** ").next().unwrap();
        assert_eq!(
            check(&r),
            vec![error(P, line_of(&r, new), field.len() + 4, message).with_hint(hint)],
            "{new}"
        );
    }
}

#[test]
fn wont_do_needs_a_reason() {
    let r = good_with("**Status:** Open", "**Status:** Won't Do");
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "Won't Do"),
                13,
                "action item `Gate canary promotion on error rate` is Won't Do without a `Reason`"
            )
            .with_hint("record why the team decided not to act: `**Reason:** ...`")
        ]
    );
    let r = good_with(
        "**Status:** Open",
        "**Status:** Won't Do\n**Reason:** The service is being retired in Q3.",
    );
    assert_eq!(check(&r), vec![]);
}

#[test]
fn due_in_words_gets_its_iso_form() {
    let r = good_with("**Due:** 2024-03-30", "**Due:** March 30");
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "March 30"),
                10,
                "`Due` is not a date in YYYY-MM-DD form: `March 30`"
            )
            .with_hint("write `2024-03-30`")
        ]
    );
    let r = good_with("**Due:** 2024-03-30", "**Due:** 2024-04-31");
    assert_eq!(
        check(&r)[0].hint.as_deref(),
        Some("`2024-04-31` does not exist in the calendar")
    );
}

#[test]
fn a_struck_through_due_date_gets_the_date_that_is_not() {
    for (due, kept) in [
        ("~~2024-03-30~~ 2024-04-05", "2024-04-05"),
        ("~2024-03-30~ 2024-04-06 (vendor delay)", "2024-04-06"),
    ] {
        let r = good_with("**Due:** 2024-03-30", &format!("**Due:** {due}"));
        assert_eq!(
            check(&r),
            vec![
                error(
                    P,
                    line_of(&r, due),
                    10,
                    &format!("`Due` is not a date in YYYY-MM-DD form: `{due}`")
                )
                .with_hint(format!(
                    "write `{kept}` alone, the date that is not struck through; the date it \
                     moved from can go in the text"
                ))
            ],
            "{due}"
        );
    }
}

#[test]
fn a_bad_completed_date() {
    let r = good_with(
        "**Status:** Open",
        "**Status:** Done\n**Completed:** last week",
    );
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "last week"),
                16,
                "`Completed` is not a date in YYYY-MM-DD form: `last week`"
            )
            .with_hint("write dates as YYYY-MM-DD, e.g. 2024-03-30")
        ]
    );
}

#[test]
fn a_completed_date_before_the_incident_or_on_open_work() {
    // The incident is on 2024-03-15.
    let r = good_with(
        "**Status:** Open",
        "**Status:** Done\n**Completed:** 2023-03-20",
    );
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "2023-03-20"),
                16,
                "`Completed` 2023-03-20 is before the incident's `date` 2024-03-15"
            )
            .with_hint("the work was finished after the incident: check the year and the month")
        ]
    );
    for status in ["Open", "In Progress"] {
        let r = good_with(
            "**Status:** Open",
            &format!("**Status:** {status}\n**Completed:** 2024-03-20"),
        );
        assert_eq!(
            check(&r),
            vec![
                warning(
                    P,
                    line_of(&r, "2024-03-20"),
                    16,
                    &format!(
                        "action item `Gate canary promotion on error rate` has a `Completed` \
                         date but is still {status}"
                    )
                )
                .with_hint(
                    "set `**Status:** Done` if the work is finished (the dashboard goes by the \
                     status), or remove `Completed`"
                )
            ],
            "{status}"
        );
    }
    // The day of the incident itself, on finished or dropped work, is fine.
    let r = good_with(
        "**Status:** Open",
        "**Status:** Done\n**Completed:** 2024-03-15",
    );
    assert_eq!(check(&r), vec![]);
}

#[test]
fn a_ticket_that_is_not_a_url() {
    let r = good_with("**Status:** Open", "**Status:** Open\n**Ticket:** OPS-2210");
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "OPS-2210"),
                13,
                "`Ticket` must be an http(s) URL, not `OPS-2210`"
            )
            .with_hint("link the tracker issue: https://tracker.example/OPS-123")
        ]
    );
}

#[test]
fn tracks_against_an_unknown_incident_or_not_an_id() {
    let r = good_with(
        "**Status:** Open",
        "**Status:** Open\n**Tracks against incident:** INC-2022-999",
    );
    assert_eq!(
        check(&r),
        vec![error(
            P,
            line_of(&r, "INC-2022-999"),
            30,
            "`Tracks against incident` names INC-2022-999, which is not the id of any report"
        )]
    );
    let r = good_with(
        "**Status:** Open",
        "**Status:** Open\n**Tracks against incident:** the checkout outage",
    );
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "the checkout outage"),
                30,
                "`Tracks against incident` is not an incident id: `the checkout outage`"
            )
            .with_hint("name the incident id, e.g. INC-2024-042")
        ]
    );
    // An id in lower case: the form id_pattern takes.
    let r = good_with(
        "**Status:** Open",
        "**Status:** Open\n**Tracks against incident:** inc-2023-117",
    );
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "inc-2023-117"),
                30,
                "`Tracks against incident` is not an incident id: `inc-2023-117`"
            )
            .with_hint("write the id as id_pattern takes it: `INC-2023-117`")
        ]
    );
    // Another report's id, or the report's own, is fine.
    for id in ["INC-2023-117", "INC-2024-042"] {
        let r = good_with(
            "**Status:** Open",
            &format!("**Status:** Open\n**Tracks against incident:** {id}"),
        );
        assert_eq!(check(&r), vec![], "{id}");
    }
}

#[test]
fn unknown_action_item_fields_are_warnings_with_a_hint() {
    let r = good_with("**Status:** Open", "**Status:** Open\n**Reasons:** budget");
    assert_eq!(
        check(&r),
        vec![
            warning(
                P,
                line_of(&r, "**Reasons:**"),
                1,
                "unknown action-item field `Reasons`"
            )
            .with_hint("did you mean `Reason`?")
        ]
    );
    let r = good_with(
        "**Status:** Open",
        "**Status:** Open\n- **Team channel:** #checkout",
    );
    assert_eq!(
        check(&r),
        vec![warning(
            P,
            line_of(&r, "Team channel"),
            3,
            "unknown action-item field `Team channel`"
        )]
    );
}

#[test]
fn fields_given_in_a_table_are_one_error_per_row_with_the_line_form() {
    let title = "Gate canary promotion on error rate";
    let r = good_with(
        "**Owner:** Sarah Chen\n**Due:** 2024-03-30\n",
        "| Field | Value |\n| --- | --- |\n| Owner | Sarah Chen |\n| **Due** | 2024-03-30 |\n",
    );
    let header = line_of(&r, "| Field | Value |");
    assert_eq!(
        check(&r),
        vec![
            warning(
                P,
                header,
                1,
                &format!("text in action item `{title}` belongs to no field and is not shown")
            )
            .with_hint(
                "a table is not read as fields: write each field on its own line, `**Owner:** …`"
            ),
            error(
                P,
                header + 2,
                3,
                &format!(
                    "action item `{title}` is missing `Owner`: `| Owner | Sarah Chen |` is a \
                     table row, and fields are read only as `**Owner:** value` lines"
                )
            )
            .with_hint("write `**Owner:** Sarah Chen`"),
            error(
                P,
                header + 3,
                3,
                &format!(
                    "action item `{title}` is missing `Due`: `| **Due** | 2024-03-30 |` is a \
                     table row, and fields are read only as `**Due:** value` lines"
                )
            )
            .with_hint("write `**Due:** 2024-03-30`"),
        ]
    );
    // A table inside a field's value whose cells name fields is part of the value.
    let r = good_with(
        "Canary promotion does not compare error rates with the baseline.\n",
        "Canary promotion does not compare error rates with the baseline.\n\n\
         | Status | Count |\n| --- | --- |\n| Open | 3 |\n",
    );
    assert_eq!(check(&r), vec![]);
}

#[test]
fn a_required_field_under_another_name_is_reported_missing_at_that_name() {
    for (old, new, written, field) in [
        (
            "**Owner:** Sarah Chen",
            "**Assignee:** Sarah Chen",
            "Assignee",
            "Owner",
        ),
        (
            "**Due:** 2024-03-30",
            "**Due date:** 2024-03-30",
            "Due date",
            "Due",
        ),
        (
            "**Definition of Done:**",
            "**DoD:**",
            "DoD",
            "Definition of Done",
        ),
        ("**Priority:** P1", "**Priorty:** P1", "Priorty", "Priority"),
    ] {
        let r = good_with(old, new);
        assert_eq!(
            check(&r),
            vec![
                error(
                    P,
                    line_of(&r, new),
                    1,
                    &format!(
                        "action item `Gate canary promotion on error rate` is missing \
                         `{field}`: `{written}` is not read as it"
                    )
                )
                .with_hint(format!("rename `{written}` to `{field}`"))
            ],
            "{new}"
        );
    }
    // With the field also given, the other name is an unknown field pointing at it.
    let r = good_with("**Status:** Open", "**Status:** Open\n**Assignee:** Sam");
    assert_eq!(
        check(&r),
        vec![
            warning(
                P,
                line_of(&r, "**Assignee:**"),
                1,
                "unknown action-item field `Assignee`"
            )
            .with_hint("did you mean `Owner`?")
        ]
    );
}

// --- Cross-references ------------------------------------------------------------------

#[test]
fn an_unknown_id_in_the_body() {
    let r = good_with(
        "- On-call acknowledged the page within a minute.",
        "- On-call acknowledged the page \u{2014} as in INC-2022-001 \u{2014} within a minute.",
    );
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "INC-2022-001"),
                col_of(&r, "INC-2022-001"),
                "INC-2022-001 is not the id of any report"
            )
            .with_hint("check the id, or add the report it refers to")
        ]
    );
    // Without OTHER, the Summary's mention and `related` are both unknown.
    assert_eq!(
        check_alone(GOOD),
        vec![
            error(
                P,
                17,
                11,
                "`related` names INC-2023-117, which is not the id of any report"
            ),
            error(
                P,
                line_of(GOOD, "Similar to INC-2023-117"),
                col_of(GOOD, "INC-2023-117."),
                "INC-2023-117 is not the id of any report"
            )
            .with_hint("check the id, or add the report it refers to"),
        ]
    );
}

#[test]
fn every_unknown_id_on_a_line_is_reported_at_its_column() {
    let r = good_with(
        "- On-call acknowledged the page within a minute.",
        "- Like INC-2022-001, INC-2022-002 and INC-2022-001 again.",
    );
    let line = line_of(&r, "INC-2022-002");
    let ds = check(&r);
    let got: Vec<(usize, usize, &str)> = ds
        .iter()
        .map(|d| (d.line, d.col, d.message.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (line, 8, "INC-2022-001 is not the id of any report"),
            (line, 22, "INC-2022-002 is not the id of any report"),
            (line, 39, "INC-2022-001 is not the id of any report"),
        ]
    );
}

// --- site.toml -------------------------------------------------------------------------

fn config_error(toml: &str) -> Vec<Diagnostic> {
    TestSite::with(&[("site.toml", toml), (P, GOOD), (Q, OTHER)]).check()
}

#[test]
fn site_toml_unknown_keys_name_the_closest_key() {
    assert_eq!(
        config_error("title = \"Incidents\"\nbase_ulr = \"/sre/\"\n"),
        vec![
            error("site.toml", 2, 1, "unknown key `base_ulr` in site.toml")
                .with_hint("did you mean `base_url`?")
        ]
    );
    assert_eq!(
        config_error("[severity.SEV1]\nreview_within = 2\n"),
        vec![
            error(
                "site.toml",
                2,
                1,
                "unknown key `review_within` in `[severity.SEV1]` of site.toml"
            )
            .with_hint("did you mean `review_within_days`?")
        ]
    );
    let ds = config_error("colour = \"blue\"\n");
    assert_eq!(
        ds[0].hint.as_deref(),
        Some(
            "known keys: title, base_url, content_dir, output_dir, theme_dir, id_pattern, timezone, due_soon_days, allow_html, publish_within_days, actions_within_days, severity, lint"
        )
    );
}

#[test]
fn malformed_site_toml_has_its_line() {
    let ds = config_error("title = \"Incidents\"\n\ndue_soon_days = \"seven\"\n");
    assert_eq!((ds.len(), ds[0].line, ds[0].col), (1, 3, 17));
    assert!(
        ds[0]
            .message
            .starts_with("invalid site.toml: invalid type: string \"seven\""),
        "{}",
        ds[0].message
    );
    let ds = config_error("title = \"Incidents\nbase_url = \"/\"\n");
    assert_eq!((ds.len(), ds[0].line), (1, 1));
    assert!(
        ds[0].message.starts_with("invalid site.toml: "),
        "{}",
        ds[0].message
    );
}

#[test]
fn site_toml_bad_timezone_and_id_pattern() {
    assert_eq!(
        config_error("title = \"x\"\ntimezone = \"Mars/Olympus\"\n"),
        vec![
            error("site.toml", 2, 1, "unknown timezone `Mars/Olympus`")
                .with_hint("use an IANA zone name such as \"UTC\" or \"Europe/Berlin\"")
        ]
    );
    let ds = config_error("\nid_pattern = \"^INC-[0-9{4}$\"\n");
    assert_eq!((ds.len(), ds[0].line, ds[0].col), (1, 2, 1));
    assert!(
        ds[0]
            .message
            .starts_with("id_pattern is not a valid regular expression"),
        "{}",
        ds[0].message
    );
}

// --- Allowed cases: no diagnostics -----------------------------------------------------

#[test]
fn allowed_variations_report_nothing() {
    let mut r = GOOD.to_string();
    for (old, new) in [
        // Section names in any case, with a trailing colon.
        ("## What Went Well", "## what went well"),
        ("## Contributing Factors", "## Contributing factors:"),
        // Free-form data under `extra:`.
        (
            "related: [INC-2023-117]",
            "related: [INC-2023-117]\nextra:\n  team: payments\n  runbook: https://runbooks.example/checkout\n  unknown_key: fine",
        ),
        // Lowercase severity and status.
        ("severity: SEV2", "severity: sev2"),
        // Times unquoted, as ISO timestamps, with the UTC marker.
        ("started: \"14:23\"", "started: 14:23"),
        ("detected: \"14:27\"", "detected: 2024-03-15T14:27:00Z"),
        ("mitigated: \"14:38\"", "mitigated: \"14:38 UTC\""),
        // A section title with a parenthetical.
        ("## Timeline", "## Timeline (all times UTC)"),
        // Ids in code are not references.
        (
            "Similar to INC-2023-117.",
            "Similar to INC-2023-117 (`INC-1999-001` in the log).\n\n```text\nsee INC-1998-002\n```",
        ),
        (
            "- 14:23 Deployment",
            "```\n14:00 not a timeline entry\n```\n- 14:23 Deployment",
        ),
        // A single value for a list.
        ("tags: [deployment, canary-analysis]", "tags: deployment"),
        // The other bold form, list items and Won't Do with a typographic apostrophe.
        ("**Owner:** Sarah Chen", "- **Owner**: Sarah Chen"),
        (
            "**Status:** Open",
            "**Status:** Won\u{2019}t Do\n**Reason:** The gate is replaced by the new deploy system.\n**Ticket:** <https://tracker.example/OPS-1>",
        ),
        // A description that continues over several lines, with bold words inside.
        (
            "Canary promotion does not compare error rates with the baseline.",
            "Canary promotion does not compare **error rates** with\nthe baseline.\n\n- one\n- two",
        ),
    ] {
        assert_eq!(r.matches(old).count(), 1, "{old}");
        r = r.replace(old, new);
    }
    r.push_str("\n---\n\n### Action Item: Second item after a thematic break\n**Owner:** Kim Lee\n**Due:** 2024-04-15\n**Priority:** P3\n**Type:** Detect\n**Status:** In Progress\n**Description:** Add an alert.\n**Definition of Done:** The alert fires in a game day.\n**Tracks against incident:** INC-2023-117\n\n---\n");
    assert_eq!(check(&r), vec![], "{r}");
}

#[test]
fn allowed_timelines_report_nothing() {
    let timeline = "- 14:23 Deployment of checkout-api v2.4.1 begins\n- 14:27 Alert: checkout error rate above 1%\n- 14:38 Rollback complete\n- 14:45 Incident resolved";
    for t in [
        // Crossing midnight with the date.
        "- 23:10 Deploy\n- 23:55 Alert\n- 2024-03-16 00:05 Rollback\n- 00:40 Resolved",
        // Dates on every entry.
        "- 2024-03-15 14:23 Deploy\n- 2024-03-15 14:27 Alert",
        // A table, with a date cell.
        "| Date | Time | Event |\n|---|---|---|\n| 2024-03-15 | 14:23 | Deploy |\n| 2024-03-16 | 01:00 | Resolved |",
        // Bold times with the zone, seconds, equal times.
        "- **14:23 UTC** Deploy\n- **14:23:30** Second step\n- 14:27 — Alert",
        // A 12-hour clock.
        "- 11:50 AM Deploy\n- 12:10 PM Alert\n- 1:05 p.m. Resolved",
        // Prose and sub-bullets between entries.
        "All times are UTC.\n\n- 14:23 Deploy\n  - canary at 5%\n- 14:27 Alert",
    ] {
        let r = good_with(timeline, t);
        let r = r
            .replace("started: \"14:23\"\n", "")
            .replace("detected: \"14:27\"\n", "")
            .replace("mitigated: \"14:38\"\n", "")
            .replace("resolved: \"14:45\"\n", "");
        assert_eq!(check(&r), vec![], "{t}");
    }
}

#[test]
fn draft_and_review_reports_are_checked_like_published_ones() {
    for status in ["draft", "review"] {
        let r = good_with("status: published", &format!("status: {status}"));
        assert_eq!(check(&r), vec![], "{status}");
        let r = r.replace("severity: SEV2", "severity: SEV9");
        assert_eq!(check(&r).len(), 1, "{status}");
    }
}

#[test]
fn hidden_files_and_folders_are_not_reports() {
    let site = TestSite::with(&[
        (P, GOOD),
        (Q, OTHER),
        ("content/_drafts/broken.md", "not a report"),
        ("content/.notes.md", "not a report"),
        ("content/incidents/_index.md", "not a report"),
        ("content/incidents/graph.png", "not a report either"),
    ]);
    assert_eq!(site.check(), vec![]);
}

// --- Action-item fields outside a block, comments, unreadable reports ---------------------

#[test]
fn fields_under_a_heading_that_is_not_an_action_item() {
    let r = good_with(HEADING, "### Action Item 1: Gate canary promotion");
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "### Action Item 1"),
                1,
                "heading `Action Item 1: Gate canary promotion` has action-item fields but is not `### Action Item: <title>`"
            )
            .with_hint("each action item starts with a heading `### Action Item: <title>`")
        ]
    );
    let r = good_with(&format!("{HEADING}\n"), "");
    assert_eq!(
        check(&r),
        vec![
            error(
                P,
                line_of(&r, "**Owner:**"),
                1,
                "action-item field `Owner` is not under an `### Action Item:` heading"
            )
            .with_hint("each action item starts with a heading `### Action Item: <title>`")
        ]
    );
    // Other headings and bold labels in the section are fine.
    let r = good_with(
        "## Action Items\n",
        "## Action Items\n\n### Already done\n**Note:** the rollback runbook was updated.\n",
    );
    assert_eq!(check(&r), vec![]);
}

#[test]
fn commented_out_entries_and_fields_are_ignored() {
    let r = good_with(
        "- 14:45 Incident resolved",
        "- 14:45 Incident resolved\n\n<!--\n- 09:00 template entry\n-->",
    );
    assert_eq!(check(&r), vec![]);
    let r = good_with(
        "**Status:** Open",
        "**Status:** Open\n<!--\n**Ticket:** not yet\n-->",
    );
    assert_eq!(check(&r), vec![]);
}

#[test]
fn references_to_a_report_that_cannot_be_read_are_not_reported_again() {
    let broken = OTHER.replace("title: Checkout latency after a release", "title: [oops");
    let site = TestSite::with(&[(P, GOOD), (Q, &broken)]);
    let ds = site.check();
    assert_eq!(ds.len(), 1, "{ds:?}");
    assert_eq!((ds[0].path.as_str(), ds[0].line), (Q, 3));
}

#[test]
fn lines_ending_in_cr_alone_are_named_as_the_cause() {
    // Old Mac line endings: the file reads as one line, so its front matter seemed missing.
    assert_eq!(
        check(&GOOD.replace('\n', "\r")),
        vec![
            error(P, 1, 4, "lines end in CR only (old Mac line endings)")
                .with_hint("save the file with LF or CRLF line endings")
        ]
    );
    // With a byte-order mark, and a file that turns to CR alone after its first lines.
    let (head, tail) = GOOD.split_at(GOOD.find("title:").unwrap());
    let mixed = head.replace('\n', "\r\n") + &tail.replace('\n', "\r");
    assert_eq!(
        check(&format!("\u{feff}{mixed}")),
        vec![
            error(P, 3, 31, "lines end in CR only (old Mac line endings)")
                .with_hint("save the file with LF or CRLF line endings")
        ]
    );
}

#[test]
fn windows_line_endings_change_nothing() {
    assert_eq!(check(&GOOD.replace('\n', "\r\n")), vec![]);
    let r = good_with("severity: SEV2", "severity: SEV9").replace('\n', "\r\n");
    assert_eq!(check(&r)[0].line, 4);
    let r = good_with("**Due:** 2024-03-30", "**Due:** March 30").replace('\n', "\r\n");
    let ds = check(&r);
    assert_eq!(
        (ds[0].line, ds[0].hint.as_deref()),
        (line_of(&r, "March 30"), Some("write `2024-03-30`"))
    );
}

// --- Dates of the review, items the archive cannot track ----------------------------------

#[test]
fn a_review_or_write_up_before_the_incident_is_an_error() {
    for (key, old, new) in [
        (
            "review_date",
            "review_date: 2024-03-18",
            "review_date: 2023-03-18",
        ),
        (
            "published",
            "published: 2024-03-22",
            "published: 2024-02-22",
        ),
    ] {
        let r = good_with(old, new);
        let day = &new[key.len() + 2..];
        assert_eq!(
            check(&r),
            vec![
                error(
                    P,
                    line_of(&r, new),
                    col_of(&r, day),
                    &format!("`{key}` {day} is before the incident's `date` 2024-03-15")
                )
                .with_hint("check the year and the month of both dates")
            ]
        );
    }
    // The same day as the incident is fine.
    assert_eq!(
        check(&good_with(
            "review_date: 2024-03-18",
            "review_date: 2024-03-15"
        )),
        vec![]
    );
}

#[test]
fn an_action_items_section_without_action_item_blocks_is_a_warning() {
    let start = GOOD.find("### Action Item:").unwrap();
    let r = format!(
        "{}1. [P1] Gate canary promotion on error rate — Owner: Sarah — Due: March 30\n",
        &GOOD[..start]
    );
    assert_eq!(
        check(&r),
        vec![
            warning(
                P,
                line_of(&r, "## Action Items"),
                1,
                "`## Action Items` lists items but holds no `### Action Item:` item: none of them is tracked"
            )
            .with_hint(
                "write each item as `### Action Item: <title>` followed by its `**Owner:**`, \
                 `**Due:**`, `**Priority:**`, `**Type:**`, `**Description:**` and \
                 `**Definition of Done:**` lines (`pirsite new` writes one)"
            )
        ]
    );
    // A section that says why there are none, or an empty one, lists nothing to track.
    for none in ["No action items: renewal is now automatic.\n", ""] {
        assert_eq!(check(&format!("{}{none}", &GOOD[..start])), vec![]);
    }
}

#[test]
fn example_text_of_pirsite_new_is_a_warning_once_the_report_is_not_a_draft() {
    let example = "What happened, to whom, for how long, and how it was resolved.";
    let r = good_with(
        "A deployment of checkout-api v2.4.1 broke declined-card retries. Similar to INC-2023-117.",
        &format!("{example}\nSimilar to INC-2023-117."),
    )
    .replace(
        "1. The staging environment has no production-like payment data.",
        "1. A condition that made the failure possible  ",
    );
    let hint = "replace it with what happened in this incident, or remove it";
    assert_eq!(
        check(&r),
        vec![
            warning(
                P,
                line_of(&r, example),
                1,
                &format!("example text of `pirsite new` left in: `{example}`")
            )
            .with_hint(hint),
            warning(
                P,
                line_of(&r, "1. A condition that made"),
                1,
                "example text of `pirsite new` left in: `1. A condition that made the failure possible`"
            )
            .with_hint(hint),
        ]
    );
    // A draft is still being written.
    let draft = r.replace("status: published", "status: draft");
    assert!(
        check(&draft)
            .iter()
            .all(|d| !d.message.starts_with("example text")),
        "{:?}",
        check(&draft)
    );
    // The same words inside a longer line are the author's own.
    let own = good_with(
        "1. The staging environment has no production-like payment data.",
        "1. A condition that made the failure possible: the staging data is not like production.",
    );
    assert_eq!(check(&own), vec![]);
}

#[test]
fn placeholders_of_the_review_template_are_a_warning_once_the_report_is_not_a_draft() {
    let r = good_with(
        "1. The staging environment has no production-like payment data.",
        "1. The staging environment has no production-like payment data.\n2. See [Analysis here]",
    )
    .replace(
        "### Action Item: Gate canary promotion on error rate",
        "### Action Item: [Descriptive title]",
    )
    .replace(
        "Canary promotion does not compare error rates with the baseline.",
        "[What specifically needs to change and why]",
    );
    let hint = "write this part of the review in its place";
    let placeholder = |find: &str, col: usize, text: &str| {
        warning(
            P,
            line_of(&r, find),
            col,
            &format!("placeholder of the review template left in: `{text}`"),
        )
        .with_hint(hint)
    };
    let found: Vec<Diagnostic> = check(&r)
        .into_iter()
        .filter(|d| d.message.starts_with("placeholder"))
        .collect();
    assert_eq!(
        found,
        vec![
            placeholder("2. See [Analysis", 8, "[Analysis here]"),
            placeholder("### Action Item: [", 18, "[Descriptive title]"),
            placeholder(
                "[What specifically",
                1,
                "[What specifically needs to change and why]"
            ),
        ]
    );
    // A draft is still being written.
    let draft = r.replace("status: published", "status: draft");
    assert!(
        check(&draft)
            .iter()
            .all(|d| !d.message.starts_with("placeholder")),
        "{:?}",
        check(&draft)
    );
}

#[test]
fn the_midnight_hint_invents_no_day_when_date_is_invalid() {
    // With `date` unreadable (its own error), the entries are still checked for order, but
    // the hint cannot name the next day.
    let r = good_with(
        "- 14:38 Rollback complete",
        "- 14:38 Rollback complete\n- 00:05 Queue drained",
    )
    .replacen("date: 2024-03-15", "date: March 15, 2024", 1);
    let found = check(&r);
    let back = found
        .iter()
        .find(|d| d.message.starts_with("timeline goes back in time"))
        .expect("the step back is reported");
    assert_eq!(
        back.hint.as_deref(),
        Some(
            "entries run forward in time: put the entries in the order they happened, or, if this one is after midnight, give its date: `YYYY-MM-DD 00:05`"
        )
    );
    // With the date readable, the hint names the next day.
    let r = good_with(
        "- 14:38 Rollback complete",
        "- 14:38 Rollback complete\n- 00:05 Queue drained",
    );
    let found = check(&r);
    let back = found
        .iter()
        .find(|d| d.message.starts_with("timeline goes back in time"))
        .expect("the step back is reported");
    assert!(
        back.hint
            .as_deref()
            .unwrap()
            .ends_with("`2024-03-16 00:05`"),
        "{back:?}"
    );
}
