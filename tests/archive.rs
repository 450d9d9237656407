//! The archive pages of the fixture under `tests/fixtures/archive`, built for 2025-06-15:
//! which incidents each page lists, the overdue boundaries, the JSON files, cross-references,
//! links under a sub-path, and the errors for slug collisions and broken Markdown links.
//!
//! The fixture: INC-2025-001 (SEV1, deployment+database, checkout-api+payments),
//! INC-2025-002 (SEV2, deployment+database+cache, search; in a folder with an image),
//! INC-2025-003 (SEV3, cache, payments, related 001), INC-2025-004 (SEV4 draft, deployment),
//! INC-2025-005 (SEV3, deployment, billing; an item tracking 001), INC-2024-010 (SEV2, dns, edge).

mod common;

use common::{build, build_cmd, fixture, read};
use regex::Regex;
use serde_json::Value;
use std::collections::HashSet;
use std::fs;
use std::path::Path;

const TODAY: &str = "2025-06-15";

/// The `<main>` element of a page.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("page has <main>");
    let end = html.find("</main>").expect("page has </main>");
    &html[start..end]
}

/// The part of `html` from the element with `id` to the end of its `<section>`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let end = html[start..]
        .find("</section>")
        .map(|e| start + e)
        .unwrap_or(html.len());
    &html[start..end]
}

/// Incident ids linked from `html`, in order, each once.
fn incident_ids(html: &str) -> Vec<String> {
    let re = Regex::new(r#"href="[^"]*incidents/(inc-[0-9]{4}-[0-9]+)/""#).unwrap();
    let mut seen = HashSet::new();
    re.captures_iter(html)
        .map(|c| c[1].to_uppercase())
        .filter(|id| seen.insert(id.clone()))
        .collect()
}

/// Action titles and due texts of the rows of an action table in `html`.
fn action_rows(html: &str) -> Vec<(String, String)> {
    let re = Regex::new(
        r#"(?s)<th scope="row"><a href="[^"]*#action-[0-9]+">([^<]+)</a></th>.*?<span class="badge [a-z-]+">([^<]+)</span>"#,
    )
    .unwrap();
    re.captures_iter(html)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect()
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn severity_pages_list_exactly_their_incidents_newest_first() {
    let site = fixture("archive");
    let out = build(site.path(), TODAY, &[]);
    let page = |level: &str| read(&out, &format!("severity/{level}/index.html"));
    let listed = |level: &str| incident_ids(main_of(&page(level)));
    assert_eq!(listed("sev1"), ids(&["INC-2025-001"]));
    assert_eq!(listed("sev2"), ids(&["INC-2025-002", "INC-2024-010"]));
    assert_eq!(listed("sev3"), ids(&["INC-2025-005", "INC-2025-003"]));
    // SEV4 has only a draft: the page exists, empty.
    assert_eq!(listed("sev4"), Vec::<String>::new());
    assert!(page("sev4").contains("No incident of this severity"));
    // Review requirement and counts per year.
    let sev2 = page("sev2");
    assert!(
        sev2.contains("Written review by the engineering team"),
        "{sev2}"
    );
    assert!(sev2.contains("7 days of the incident"));
    let years =
        Regex::new(r#"<tr><th scope="row">(\d{4})</th><td class="num">(\d+)</td></tr>"#).unwrap();
    let per_year: Vec<(String, String)> = years
        .captures_iter(&sev2)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect();
    assert_eq!(
        per_year,
        vec![("2025".into(), "1".into()), ("2024".into(), "1".into())]
    );
    // A level with no review meeting has no review deadline to show; every level has the
    // write-up's.
    assert!(!page("sev3").contains("Review held within"));
    assert!(
        page("sev3").contains("<dt>Write-up published within</dt><dd>14 days of the incident</dd>")
    );
    assert!(page("sev2").contains("<dt>Review held within</dt><dd>7 days of the incident</dd>"));
}

#[test]
fn tag_and_service_pages_list_exactly_their_incidents() {
    let site = fixture("archive");
    let out = build(site.path(), TODAY, &[]);
    let listed = |p: &str| incident_ids(main_of(&read(&out, &format!("{p}/index.html"))));
    assert_eq!(
        listed("tags/deployment"),
        ids(&["INC-2025-005", "INC-2025-002", "INC-2025-001"])
    );
    assert_eq!(
        listed("tags/database"),
        ids(&["INC-2025-002", "INC-2025-001"])
    );
    assert_eq!(listed("tags/cache"), ids(&["INC-2025-003", "INC-2025-002"]));
    assert_eq!(listed("tags/dns"), ids(&["INC-2024-010"]));
    assert_eq!(
        listed("services/payments"),
        ids(&["INC-2025-003", "INC-2025-001"])
    );
    assert_eq!(listed("services/checkout-api"), ids(&["INC-2025-001"]));
    assert_eq!(listed("services/billing"), ids(&["INC-2025-005"]));

    // The index: most incidents first, then by name; first and last seen; recurring marked.
    let tags = read(&out, "tags/index.html");
    let row = Regex::new(r#"(?s)<th scope="row"><a href="../tags/([a-z-]+)/">[^<]+</a>( <span class="badge recurring">recurring</span>)?</th>\s*<td class="num" data-label="Incidents">(\d+)</td>\s*<td class="nowrap" data-label="First seen"><time datetime="([0-9-]+)">[^<]*</time></td>\s*<td class="nowrap" data-label="Last seen"><time datetime="([0-9-]+)">"#).unwrap();
    let rows: Vec<(String, bool, String, String, String)> = row
        .captures_iter(&tags)
        .map(|c| {
            (
                c[1].to_string(),
                c.get(2).is_some(),
                c[3].to_string(),
                c[4].to_string(),
                c[5].to_string(),
            )
        })
        .collect();
    let r = |slug: &str, rec: bool, n: &str, first: &str, last: &str| {
        (slug.into(), rec, n.into(), first.into(), last.into())
    };
    assert_eq!(
        rows,
        vec![
            r("deployment", true, "3", "2025-01-10", "2025-05-01"),
            r("cache", true, "2", "2025-02-20", "2025-03-05"),
            r("database", true, "2", "2025-01-10", "2025-02-20"),
            r("dns", false, "1", "2024-11-01", "2024-11-01"),
        ]
    );
    // Severities involved, linked to their pages.
    let deployment = &tags[tags.find("href=\"../tags/deployment/\"").unwrap()..];
    let deployment = &deployment[..deployment.find("</tr>").unwrap()];
    assert!(deployment.contains("href=\"../severity/sev1/\">SEV1<"));
    assert!(deployment.contains("SEV2") && deployment.contains("SEV3"));
    assert!(!deployment.contains("SEV4"), "the draft is not counted");
    assert!(read(&out, "services/index.html").contains("href=\"../services/payments/\""));
}

#[test]
fn drafts_appear_only_with_the_flag() {
    let site = fixture("archive");
    let out = build(site.path(), TODAY, &["--drafts"]);
    let listed = |p: &str| incident_ids(main_of(&read(&out, &format!("{p}/index.html"))));
    assert_eq!(listed("severity/sev4"), ids(&["INC-2025-004"]));
    assert_eq!(
        listed("tags/deployment"),
        ids(&[
            "INC-2025-005",
            "INC-2025-004",
            "INC-2025-002",
            "INC-2025-001"
        ])
    );
    assert!(read(&out, "actions/index.html").contains("Draft item"));

    let out = build(site.path(), TODAY, &[]);
    assert!(!out.join("incidents/inc-2025-004").exists());
    assert!(!read(&out, "actions/index.html").contains("Draft item"));
    assert!(!read(&out, "actions.json").contains("Draft item"));
    assert!(!read(&out, "actions/overdue/index.html").contains("Draft item"));
}

#[test]
fn dashboard_lists_overdue_then_due_soon_with_day_counts() {
    let site = fixture("archive");
    let out = build(site.path(), TODAY, &[]);
    let html = read(&out, "actions/overdue/index.html");
    assert!(html.contains("Computed for <time datetime=\"2025-06-15\">"));
    let row = |t: &str, d: &str| (t.to_string(), d.to_string());
    assert_eq!(
        action_rows(section(&html, "overdue")),
        vec![
            row("Thirty days late", "30 days overdue"),
            row("Ten days late", "10 days overdue"),
            row("Due yesterday", "1 day overdue"),
        ]
    );
    assert_eq!(
        action_rows(section(&html, "due-soon")),
        vec![
            row("Due today", "due today"),
            row("Due tomorrow", "due in 1 day"),
            row("Due in a week", "due in 7 days"),
        ]
    );
    for absent in [
        "Due in eight days",
        "Finished long ago",
        "Decided against",
        "Draft item",
    ] {
        assert!(!html.contains(absent), "{absent} is on the dashboard");
    }
    // Counts per owner (most overdue owners first) and per priority.
    let owners = Regex::new(r#"<tr><th scope="row">([A-Z][a-z]+ [A-Z][a-z]+)</th><td class="num">(\d+)</td><td class="num">[^<]*</td><td class="num">(\d+)</td></tr>"#).unwrap();
    let by_owner: Vec<(String, String, String)> = owners
        .captures_iter(section(&html, "by-owner"))
        .map(|c| (c[1].to_string(), c[2].to_string(), c[3].to_string()))
        .collect();
    let o = |n: &str, a: &str, b: &str| (n.to_string(), a.to_string(), b.to_string());
    assert_eq!(
        by_owner,
        vec![
            o("Sam Lee", "2", "1"),
            o("Ana Lima", "1", "1"),
            o("Kim Park", "0", "1")
        ]
    );
    let prio = section(&html, "by-priority");
    for (p, overdue, soon) in [("P1", 1, 1), ("P2", 2, 1), ("P3", 0, 1)] {
        let want =
            format!("{p}</span></th><td class=\"num\">{overdue}</td><td class=\"num\">{soon}</td>");
        assert!(prio.contains(&want), "{want}\n{prio}");
    }
    // The home page counts them and links each count to its part of the dashboard.
    let home = read(&out, "index.html");
    assert!(
        home.contains(
            "<p class=\"callout overdue\"><a href=\"./actions/overdue/\"><strong>3</strong> action items are overdue</a>, \
             and <a href=\"./actions/overdue/#due-soon\"><strong>3</strong> are due soon</a>.</p>"
        ),
        "{home}"
    );
}

#[test]
fn dashboard_says_so_when_nothing_is_overdue() {
    let site = fixture("archive");
    let out = build(site.path(), "2024-12-01", &[]);
    let html = read(&out, "actions/overdue/index.html");
    assert!(
        html.contains("No action item is overdue on 2024-12-01."),
        "{html}"
    );
    assert!(action_rows(section(&html, "overdue")).is_empty());
    assert!(read(&out, "index.html").contains("No action item is overdue"));
    // A week before the first due date: nothing overdue, one item due soon, linked.
    let out = build(site.path(), "2025-05-10", &[]);
    let home = read(&out, "index.html");
    assert!(
        home.contains(
            "<p class=\"callout\"><a href=\"./actions/overdue/\">No action item is overdue</a>; \
             <a href=\"./actions/overdue/#due-soon\"><strong>1</strong> is due soon</a>.</p>"
        ),
        "{home}"
    );
}

#[test]
fn actions_page_groups_every_item_by_status() {
    let site = fixture("archive");
    let out = build(site.path(), TODAY, &[]);
    let html = read(&out, "actions/index.html");
    let re = Regex::new(r#"<th scope="row"><a href="[^"]*#action-[0-9]+">([^<]+)</a>"#).unwrap();
    let all = |id: &str| -> Vec<String> {
        re.captures_iter(section(&html, id))
            .map(|c| c[1].to_string())
            .collect()
    };
    assert_eq!(
        all("open"),
        ids(&[
            "Thirty days late",
            "Due yesterday",
            "Due tomorrow",
            "Due in a week",
            "Due in eight days"
        ])
    );
    assert_eq!(all("in-progress"), ids(&["Ten days late", "Due today"]));
    assert_eq!(all("done"), ids(&["Finished long ago"]));
    assert_eq!(all("wont-do"), ids(&["Decided against"]));
    assert!(html.contains("completed <time datetime=\"2025-01-12\">"));
}

#[test]
fn actions_json_carries_states_and_day_counts() {
    let site = fixture("archive");
    let out = build(site.path(), TODAY, &[]);
    let v: Value = serde_json::from_str(&read(&out, "actions.json")).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["generated_for"], TODAY);
    assert_eq!(v["due_soon_days"], 7);
    let counts = &v["counts"];
    for (k, n) in [
        ("total", 9),
        ("outstanding", 7),
        ("open", 5),
        ("in_progress", 2),
        ("done", 1),
        ("wont_do", 1),
        ("overdue", 3),
        ("due_soon", 3),
    ] {
        assert_eq!(counts[k], n, "counts.{k}");
    }
    let items = v["actions"].as_array().unwrap();
    assert_eq!(items.len(), 9);
    let fields = [
        "incident",
        "incident_title",
        "number",
        "title",
        "path",
        "url",
        "owner",
        "due",
        "priority",
        "type",
        "status",
        "completed",
        "ticket",
        "tracks",
        "state",
        "overdue",
        "due_soon",
        "days_until_due",
        "days_overdue",
    ];
    for item in items {
        for f in fields {
            assert!(item.get(f).is_some(), "{f} missing in {item}");
        }
    }
    let by_title = |t: &str| items.iter().find(|i| i["title"] == t).unwrap();
    let expect = [
        ("Thirty days late", "overdue", -30, Some(30)),
        ("Ten days late", "overdue", -10, Some(10)),
        ("Due yesterday", "overdue", -1, Some(1)),
        ("Due today", "due_soon", 0, None),
        ("Due tomorrow", "due_soon", 1, None),
        ("Due in a week", "due_soon", 7, None),
        ("Due in eight days", "scheduled", 8, None),
        ("Finished long ago", "closed", -165, None),
        ("Decided against", "closed", -134, None),
    ];
    for (title, state, days, overdue) in expect {
        let i = by_title(title);
        assert_eq!(i["state"], state, "{title}");
        assert_eq!(i["days_until_due"], days, "{title}");
        assert_eq!(i["overdue"], state == "overdue", "{title}");
        assert_eq!(i["due_soon"], state == "due_soon", "{title}");
        match overdue {
            Some(d) => assert_eq!(i["days_overdue"], d, "{title}"),
            None => assert!(i["days_overdue"].is_null(), "{title}"),
        }
    }
    let ten = by_title("Ten days late");
    assert_eq!(ten["incident"], "INC-2025-005");
    assert_eq!(ten["tracks"], "INC-2025-001");
    assert_eq!(ten["status"], "In Progress");
    assert_eq!(ten["path"], "incidents/inc-2025-005/#action-1");
    assert_eq!(ten["url"], "/incidents/inc-2025-005/#action-1");
}

#[test]
fn incidents_json_has_every_field_and_backlinks() {
    let site = fixture("archive");
    let out = build(site.path(), TODAY, &["--base-url", "/sre/incidents/"]);
    let v: Value = serde_json::from_str(&read(&out, "incidents.json")).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["generated_for"], TODAY);
    assert_eq!(v["base_url"], "/sre/incidents/");
    let list = v["incidents"].as_array().unwrap();
    let order: Vec<&str> = list.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(
        order,
        [
            "INC-2025-005",
            "INC-2025-003",
            "INC-2025-002",
            "INC-2025-001",
            "INC-2024-010"
        ]
    );
    let fields = [
        "id",
        "title",
        "severity",
        "severity_path",
        "date",
        "status",
        "path",
        "url",
        "started",
        "detected",
        "mitigated",
        "resolved",
        "duration_minutes",
        "time_to_detect_minutes",
        "time_to_mitigate_minutes",
        "impact",
        "on_call",
        "review_date",
        "published",
        "services",
        "tags",
        "related",
        "references",
        "referenced_by",
        "actions",
        "tracked_actions",
    ];
    for i in list {
        for f in fields {
            assert!(i.get(f).is_some(), "{f} missing in {}", i["id"]);
        }
    }
    let one = &list[3];
    assert_eq!(one["severity"], "SEV1");
    assert_eq!(one["date"], "2025-01-10");
    assert_eq!(one["status"], "published");
    assert_eq!(one["url"], "/sre/incidents/incidents/inc-2025-001/");
    assert_eq!(one["path"], "incidents/inc-2025-001/");
    assert_eq!(one["started"], "2025-01-10T10:00");
    assert_eq!(one["duration_minutes"], 30);
    assert_eq!(
        one["referenced_by"],
        serde_json::json!(["INC-2025-005", "INC-2025-003", "INC-2025-002"])
    );
    assert_eq!(one["tags"], serde_json::json!(["deployment", "database"]));
    let counts = &one["actions"];
    assert_eq!(
        (
            &counts["total"],
            &counts["outstanding"],
            &counts["overdue"],
            &counts["due_soon"]
        ),
        (&5.into(), &3.into(), &1.into(), &2.into())
    );
    // INC-2025-005's "Ten days late" (In Progress) tracks against INC-2025-001.
    let tracked = &one["tracked_actions"];
    assert_eq!(
        (
            &tracked["total"],
            &tracked["outstanding"],
            &tracked["overdue"],
            &tracked["due_soon"]
        ),
        (&1.into(), &1.into(), &1.into(), &0.into())
    );
    assert_eq!(list[0]["id"], "INC-2025-005");
    assert_eq!(list[0]["tracked_actions"]["total"], 0);
}

#[test]
fn json_output_is_reproducible() {
    let site = fixture("archive");
    let out = build(site.path(), TODAY, &[]);
    let first: Vec<String> = [
        "incidents.json",
        "actions.json",
        "actions/overdue/index.html",
    ]
    .iter()
    .map(|p| read(&out, p))
    .collect();
    let out = build(site.path(), TODAY, &[]);
    let again: Vec<String> = [
        "incidents.json",
        "actions.json",
        "actions/overdue/index.html",
    ]
    .iter()
    .map(|p| read(&out, p))
    .collect();
    assert_eq!(first, again);
}

#[test]
fn cross_references_and_backlinks() {
    let site = fixture("archive");
    let out = build(site.path(), TODAY, &[]);
    let page = |id: &str| read(&out, &format!("incidents/{id}/index.html"));

    // A mention in the body is a link; so are the Markdown links.
    let two = page("inc-2025-002");
    assert!(two.contains(
        "Similar to <a class=\"incident-ref\" href=\"../../incidents/inc-2025-001/\">INC-2025-001</a>"
    ));
    assert!(two.contains("<img src=\"hit-ratio.svg\""));
    assert!(out.join("incidents/inc-2025-002/hit-ratio.svg").is_file());
    // Related by two shared tags, with the tags shown.
    let related = section(&two, "related");
    assert_eq!(incident_ids(related), ids(&["INC-2025-001"]));
    assert!(related.contains("shared tags: <a href=\"../../tags/deployment/\">deployment</a>, <a href=\"../../tags/database/\">database</a>"), "{related}");

    // Backlinks: every report that references 001, newest first; related: 003 (a shared
    // service, and named by 003) and 002 (two shared tags), newest first.
    let one = page("inc-2025-001");
    assert_eq!(
        incident_ids(section(&one, "referenced-by")),
        ids(&["INC-2025-005", "INC-2025-003", "INC-2025-002"])
    );
    assert_eq!(
        incident_ids(section(&one, "related")),
        ids(&["INC-2025-003", "INC-2025-002"])
    );
    // Severity, tags and services link to their pages.
    for link in [
        "href=\"../../severity/sev1/\"",
        "href=\"../../tags/deployment/\"",
        "href=\"../../services/payments/\"",
    ] {
        assert!(one.contains(link), "{link}");
    }

    // `related` in the front matter.
    let three = page("inc-2025-003");
    let rel = section(&three, "related");
    assert_eq!(incident_ids(rel), ids(&["INC-2025-001"]));
    assert!(rel.contains("named as related"));

    // "Tracks against incident" links to that incident, on its page and on the actions page.
    let five = page("inc-2025-005");
    assert!(five.contains(
        "tracks against <a class=\"id\" href=\"../../incidents/inc-2025-001/\">INC-2025-001</a>"
    ));
    assert!(!five.contains("id=\"related\""), "005 shares one tag only");
    // ... and the incident it tracks against lists it, with its own incident and due state.
    let tracked = section(&one, "tracked-here");
    assert!(tracked.contains("Action items of other reviews tracked against INC-2025-001"));
    assert!(
        tracked.contains("<a href=\"../../incidents/inc-2025-005/#action-1\">Ten days late</a>")
    );
    assert!(tracked.contains("<span class=\"badge overdue\">10 days overdue</span>"));
    assert_eq!(tracked.matches("<tr class=").count(), 1, "{tracked}");
    // Items tracked against their own incident are not listed again.
    assert!(!five.contains("id=\"tracked-here\""));
    // A report with no references has no backlink section.
    assert!(!page("inc-2024-010").contains("id=\"referenced-by\""));
}

#[test]
fn navigation_marks_the_current_page() {
    let site = fixture("archive");
    let out = build(site.path(), TODAY, &[]);
    let cases = [
        ("index.html", "href=\"./\" aria-current=\"page\">Home<"),
        (
            "severity/sev2/index.html",
            "href=\"../../severity/sev2/\" aria-current=\"page\">SEV2<",
        ),
        (
            "tags/index.html",
            "href=\"../tags/\" aria-current=\"page\">Tags<",
        ),
        (
            "services/index.html",
            "href=\"../services/\" aria-current=\"page\">Services<",
        ),
        (
            "actions/index.html",
            "href=\"../actions/\" aria-current=\"page\">Actions<",
        ),
        (
            "actions/overdue/index.html",
            "href=\"../../actions/overdue/\" aria-current=\"page\">Overdue<",
        ),
    ];
    for (page, want) in cases {
        let html = read(&out, page);
        assert!(html.contains(want), "{page}: {want}");
        assert_eq!(html.matches("aria-current=").count(), 1, "{page}");
        assert!(html.contains("<a class=\"site-title\""), "{page}");
    }
    // Every severity level of site.toml is in the navigation.
    let home = read(&out, "index.html");
    for level in ["sev1", "sev2", "sev3", "sev4"] {
        assert!(home.contains(&format!("href=\"./severity/{level}/\"")));
    }
}

/// Crawls every page of `out` as served under `base_url`: each href and src must name a file of
/// the build (a folder needs its index.html) and each fragment an id of its target page.
fn crawl(out: &Path, base_url: &str) -> Vec<String> {
    let base_path = match base_url.find("://") {
        Some(p) => &base_url[p + 3 + base_url[p + 3..].find('/').unwrap()..],
        None => base_url,
    };
    let attr = Regex::new(r#"<[a-zA-Z][^>]*\s(?:href|src)="([^"]*)""#).unwrap();
    let id = Regex::new(r#"\sid="([^"]*)""#).unwrap();
    let mut pages = Vec::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "html") {
                pages.push(p);
            }
        }
    }
    assert!(pages.len() > 20, "{} pages", pages.len());
    let mut broken = Vec::new();
    for page in &pages {
        let rel = page
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let dir = rel.rfind('/').map(|p| &rel[..=p]).unwrap_or("");
        let html = fs::read_to_string(page).unwrap();
        for c in attr.captures_iter(&html) {
            let link = c[1].replace("&amp;", "&");
            let (path, frag) = match link.split_once('#') {
                Some((p, f)) => (p.to_string(), Some(f.to_string())),
                None => (link.clone(), None),
            };
            // Resolve as a browser would against http://host<base_path><rel>.
            let local = if let Some(rest) = path
                .strip_prefix(base_url)
                .filter(|_| base_url.contains("://"))
            {
                rest.to_string()
            } else if path.contains("://") || path.starts_with("mailto:") {
                continue;
            } else if let Some(abs) = path.strip_prefix('/') {
                match format!("/{abs}").strip_prefix(base_path) {
                    Some(r) => r.to_string(),
                    None => {
                        broken.push(format!("{rel}: `{link}` leaves {base_path}"));
                        continue;
                    }
                }
            } else if path.is_empty() {
                rel.clone()
            } else {
                format!("{dir}{path}")
            };
            let mut parts: Vec<&str> = Vec::new();
            let mut escaped = false;
            for seg in local.split('/') {
                match seg {
                    "" | "." => {}
                    ".." => escaped |= parts.pop().is_none(),
                    s => parts.push(s),
                }
            }
            let mut target = parts.join("/");
            if target.is_empty() || local.ends_with('/') {
                target = if target.is_empty() {
                    "index.html".into()
                } else {
                    format!("{target}/index.html")
                };
            } else if out.join(&target).is_dir() {
                target = format!("{target}/index.html");
            }
            if escaped || !out.join(&target).is_file() {
                broken.push(format!("{rel}: `{link}` -> {target}"));
                continue;
            }
            if let Some(f) = frag.filter(|f| !f.is_empty() && target.ends_with(".html")) {
                let t = fs::read_to_string(out.join(&target)).unwrap();
                if !id.captures_iter(&t).any(|c| c[1] == *f) {
                    broken.push(format!("{rel}: `{link}`: no id `{f}` in {target}"));
                }
            }
        }
    }
    broken
}

#[test]
fn every_link_resolves_under_a_sub_path() {
    let site = fixture("archive");
    let absolute = Regex::new(r#"(?:href|src)="/"#).unwrap();
    for base in [
        "/sre/incidents/",
        "https://pages.example.internal/sre/incidents/",
    ] {
        let out = build(site.path(), TODAY, &["--base-url", base]);
        let broken = crawl(&out, base);
        assert!(broken.is_empty(), "{base}:\n{}", broken.join("\n"));
        let home = read(&out, "index.html");
        if base.starts_with("https://") {
            assert!(home.contains(&format!("<link rel=\"canonical\" href=\"{base}\">")));
            assert!(read(&out, "tags/cache/index.html").contains(&format!(
                "<link rel=\"canonical\" href=\"{base}tags/cache/\">"
            )));
        } else {
            assert!(!home.contains("rel=\"canonical\""));
        }
        // Pages link relatively; only the 404 page (shown at any depth) uses base_url.
        assert!(!absolute.is_match(&home));
        assert!(read(&out, "404.html").contains(&format!("href=\"{base}style.css\"")));
    }
}

#[test]
fn the_sample_archive_links_resolve_under_a_sub_path() {
    let site = common::sample_site();
    let out = build(
        site.path(),
        "2026-11-27",
        &["--base-url", "/sre/incidents/"],
    );
    let broken = crawl(&out, "/sre/incidents/");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn two_spellings_of_one_tag_are_an_error() {
    let site = fixture("archive");
    let path = site.path().join("content/2025/INC-2025-005.md");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        text.replace("tags: [deployment]", "tags: [Deployment]"),
    )
    .unwrap();
    let out = build_cmd(site.path(), TODAY, &[]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("content/2025/INC-2025-005.md:7:8: error: tag `Deployment` and tag `deployment` (content/2025/INC-2025-001.md:7) have the same page `deployment`"),
        "{stderr}"
    );
    assert!(!site.path().join("public").exists());
}

#[test]
fn a_broken_markdown_link_fails_the_build_at_its_line() {
    let site = fixture("archive");
    let good = build(site.path(), TODAY, &[]);
    let before = read(&good, "index.html");

    let path = site.path().join("content/2025/INC-2025-003.md");
    let mut text = fs::read_to_string(&path).unwrap();
    let line = text.lines().count() + 2;
    text.push_str("\nSee [the old one](../inc-2025-999/) and ![graph](missing.svg).\n");
    fs::write(&path, text).unwrap();
    let out = build_cmd(site.path(), TODAY, &[]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for want in [
        format!(
            "content/2025/INC-2025-003.md:{line}:5: error: link target `../inc-2025-999/` does not exist"
        ),
        format!(
            "content/2025/INC-2025-003.md:{line}:41: error: link target `missing.svg` does not exist"
        ),
    ] {
        assert!(stderr.contains(&want), "{want}\n{stderr}");
    }
    // The previous build is untouched.
    assert_eq!(read(&good, "index.html"), before);
    assert!(!read(&good, "incidents/inc-2025-003/index.html").contains("the old one"));
    // `check` finds the same two links without writing anything.
    let check = || {
        assert_cmd::Command::cargo_bin("pirsite")
            .unwrap()
            .args(["check", "--today", TODAY, "--root"])
            .arg(site.path())
            .output()
            .unwrap()
    };
    let out = check();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&format!(
        "content/2025/INC-2025-003.md:{line}:5: error: link target `../inc-2025-999/` does not exist"
    )), "{stdout}");
    assert!(stdout.contains(&format!(
        "content/2025/INC-2025-003.md:{line}:41: error: link target `missing.svg` does not exist"
    )), "{stdout}");
    // Links to pages and assets the build writes are fine for `check` too.
    let mut text = fs::read_to_string(&path).unwrap();
    text = text.replace(
        "See [the old one](../inc-2025-999/) and ![graph](missing.svg).",
        "See [the tags](../../tags/), [an incident](../inc-2025-001/) and [the data](../../incidents.json).",
    );
    fs::write(&path, text).unwrap();
    let out = check();
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string()
        ),
        (Some(0), "no problems in 6 reports\n".to_string())
    );
    // The id as written in a link: the page is there under its lowercase address.
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("../inc-2025-001/", "../INC-2025-001/");
    fs::write(&path, text).unwrap();
    let out = check();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "error: link target `../INC-2025-001/` does not exist\n    hint: page addresses are \
             lowercase: the page of INC-2025-001 is `incidents/inc-2025-001/`; or write the id \
             in the text, which links to its page by itself\n"
        ),
        "{stdout}"
    );
    // A link to a report's source file, which is never published: its page is.
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("../INC-2025-001/", "INC-2025-001.md")
        .replace("../../incidents.json", "notes.md");
    fs::write(&path, text).unwrap();
    let stdout = String::from_utf8_lossy(&check().stdout).to_string();
    assert!(
        stdout.contains(
            "error: link target `INC-2025-001.md` does not exist\n    hint: a report's `.md` \
             file is not published, its page is: link to `../inc-2025-001/` (from a report's \
             page), or write the id in the text, which links to its page by itself\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "error: link target `notes.md` does not exist\n    hint: it resolves to \
             `incidents/inc-2025-003/notes.md`; `.md` files are reports, published as pages, \
             never copied\n"
        ),
        "{stdout}"
    );
}

#[test]
fn every_part_of_a_report_body_is_on_its_page_in_order() {
    let site = fixture("archive");
    let path = site.path().join("content/2025/INC-2025-003.md");
    let text = fs::read_to_string(&path).unwrap();
    let front = &text[..text.rfind("---\n").unwrap() + 4];
    // Text before a first section written as a setext heading; a `#` heading inside a
    // section; prose before, between and after the action items; a code block in a value.
    let body = "
Written before any section.

Summary
-------
A cache setting change doubled payment retries for an hour.

# Retries

Retries were not capped.

## Action Items

Prose before the items.

### Action Item: Cap payment retries
**Owner:** Sam Lee
**Due:** 2025-07-01
**Priority:** P2
**Type:** Prevent
**Description:**
Payment retries stop after three attempts:

```yaml
max_payment_retries: 3
```
**Definition of Done:**
A load test shows at most three attempts per payment.

### Between the items

Written between the items.

### Action Item: Alert on retry rate
**Owner:** Sam Lee
**Due:** 2025-07-01
**Priority:** P3
**Type:** Detect
**Description:**
An alert fires when the retry rate doubles.
**Definition of Done:**
The alert fired in a game day.

### After the items

Written after the items.
";
    fs::write(&path, format!("{front}{body}")).unwrap();
    let out = build(site.path(), TODAY, &[]);
    let page = read(&out, "incidents/inc-2025-003/index.html");
    let main = main_of(&page);
    let order = [
        "Written before any section.",
        "<h2 id=\"summary\">",
        "A cache setting change",
        ">Retries</h1> <a",
        "Retries were not capped.",
        "<h2 id=\"action-items\">",
        "Prose before the items.",
        "id=\"action-items-table\"",
        ">Cap payment retries</h3>",
        "max_payment_retries",
        ">Alert on retry rate</h3>",
        ">Between the items</h3> <a",
        "Written between the items.",
        ">After the items</h3> <a",
        "Written after the items.",
    ];
    let mut at = 0;
    for want in order {
        let found = main[at..]
            .find(want)
            .unwrap_or_else(|| panic!("`{want}` missing after byte {at}:\n{main}"));
        at += found + want.len();
    }
    // The items are shown once, in the table and as blocks, not again as prose.
    assert_eq!(
        main.matches("Payment retries stop after three attempts")
            .count(),
        1
    );
}

#[test]
fn links_in_raw_html_are_checked_where_html_is_allowed() {
    let site = fixture("archive");
    let path = site.path().join("content/2025/INC-2025-003.md");
    let mut text = fs::read_to_string(&path).unwrap();
    let line = text.lines().count() + 2;
    text.push_str(
        "\n<p>Graph: <img alt=\"g\" src='graph.png'> <!-- <a href=\"old/\">old</a> --> <a href=../inc-2025-001/>ok</a></p>\n",
    );
    fs::write(&path, text).unwrap();
    let check = |root: &Path| {
        assert_cmd::Command::cargo_bin("pirsite")
            .unwrap()
            .args(["check", "--today", TODAY, "--root"])
            .arg(root)
            .output()
            .unwrap()
    };
    // Without allow_html the HTML is shown as text: nothing to check.
    let out = check(site.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // With it, `check` and `build` report the missing image at its line in the report (not in
    // the comment), whatever the output folder is called.
    let toml = site.path().join("site.toml");
    let config = fs::read_to_string(&toml).unwrap();
    fs::write(&toml, format!("allow_html = true\n{config}")).unwrap();
    let want = format!(
        "content/2025/INC-2025-003.md:{line}:29: error: link target `graph.png` does not exist"
    );
    let out = check(site.path());
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&want), "{stdout}");
    assert_eq!(stdout.matches("does not exist").count(), 1, "{stdout}");
    let elsewhere = site.path().join("elsewhere");
    let out = build_cmd(
        site.path(),
        TODAY,
        &["--output", elsewhere.to_str().unwrap()],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&want), "{stderr}");
    assert_eq!(stderr.matches("does not exist").count(), 1, "{stderr}");
}

#[test]
fn a_broken_link_of_the_theme_names_the_output_folder_built() {
    let site = fixture("archive");
    let dir = site.path().join("theme/templates");
    fs::create_dir_all(&dir).unwrap();
    let page = include_str!("../theme/templates/404.html");
    let broken = page.replace(
        "</p>\n{% endblock %}",
        "</p>\n<p><a href=\"nowhere/\">x</a></p>\n{% endblock %}",
    );
    assert_ne!(broken, page);
    fs::write(dir.join("404.html"), broken).unwrap();
    let site_out = site.path().join("site-out");
    let out = build_cmd(
        site.path(),
        TODAY,
        &["--output", site_out.to_str().unwrap()],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("site-out/404.html:")
            && stderr.contains("link target `nowhere/` does not exist"),
        "{stderr}"
    );
    assert!(!stderr.contains("public/404.html"), "{stderr}");
}

/// An action item's title is its heading's text as written: text in angle brackets (raw HTML
/// to Markdown) is kept, shown escaped on the pages and verbatim in actions.json; an HTML
/// comment in the heading is a note for reviewers and left out.
#[test]
fn action_titles_keep_text_in_angle_brackets() {
    let site = fixture("archive");
    let path = site.path().join("content/2024/INC-2024-010.md");
    let text = fs::read_to_string(&path).unwrap();
    let items = "\n\n### Action Item: Bound Vec<u8> buffers in the <ingest> worker when p99 <2s\n\
        **Owner:** Sam Ortiz\n**Due:** 2025-07-30\n**Priority:** P2\n**Type:** Mitigate\n\
        **Description:** Vec<u8> buffers grow without bound.\n**Definition of Done:** Capped.\n\n\
        ### Action Item: Due today item with <angle> & amp <!-- reviewer: rename -->\n\
        **Owner:** Sam Ortiz\n**Due:** 2025-06-15\n**Priority:** P3\n**Type:** Detect\n\
        **Description:** Check.\n**Definition of Done:** Checked.\n";
    fs::write(&path, format!("{}{items}", text.trim_end())).unwrap();
    let out = build(site.path(), TODAY, &[]);
    let long = "Bound Vec&lt;u8&gt; buffers in the &lt;ingest&gt; worker when p99 &lt;2s";
    let short = "Due today item with &lt;angle&gt; &amp; amp";
    let page = read(&out, "incidents/inc-2024-010/index.html");
    for title in [long, short] {
        assert!(page.contains(&format!("<h3>{title}</h3>")), "{page}");
        assert!(page.contains(&format!(">{title}</a></th>")), "{page}");
        assert!(read(&out, "actions/index.html").contains(&format!(">{title}</a>")));
    }
    assert!(!page.contains("reviewer: rename"), "{page}");
    let v: Value = serde_json::from_str(&read(&out, "actions.json")).unwrap();
    let titles: Vec<&str> = v["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["incident"] == "INC-2024-010")
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Bound Vec<u8> buffers in the <ingest> worker when p99 <2s",
            "Due today item with <angle> & amp",
        ]
    );
}

#[test]
fn check_finds_the_broken_links_of_drafts_as_build_with_drafts_does() {
    let site = fixture("archive");
    let check = || {
        let out = assert_cmd::Command::cargo_bin("pirsite")
            .unwrap()
            .args(["check", "--today", TODAY, "--root"])
            .arg(site.path())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    };
    let (code, clean) = check();
    assert_eq!(code, Some(0), "{clean}");

    // A draft's links are checked against the site `build --drafts` writes: a page nobody
    // builds and a missing image are errors, at their line.
    let draft = site.path().join("content/2025/INC-2025-004.md");
    let mut text = fs::read_to_string(&draft).unwrap();
    let line = text.lines().count() + 2;
    text.push_str("\nSee [the old one](../inc-2025-999/) and ![graph](missing.svg).\n");
    fs::write(&draft, &text).unwrap();
    let (code, stdout) = check();
    assert_eq!(code, Some(1), "{stdout}");
    for want in [
        format!(
            "content/2025/INC-2025-004.md:{line}:5: error: link target `../inc-2025-999/` does not exist\n"
        ),
        format!(
            "content/2025/INC-2025-004.md:{line}:41: error: link target `missing.svg` does not exist\n"
        ),
    ] {
        assert!(stdout.contains(&want), "{want}\n{stdout}");
    }
    let out = build_cmd(site.path(), TODAY, &["--drafts"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "content/2025/INC-2025-004.md:{line}:5: error: link target `../inc-2025-999/` does not exist\n"
        )),
        "{stderr}"
    );

    // A draft may link to a page only the drafts build has: its own, and published pages.
    fs::write(
        &draft,
        text.replace(
            "See [the old one](../inc-2025-999/) and ![graph](missing.svg).",
            "See [this one](../inc-2025-004/) and [another](../inc-2025-001/).",
        ),
    )
    .unwrap();
    let (code, stdout) = check();
    assert_eq!(code, Some(0), "{stdout}");

    // A published report linking to the draft's page still fails: `build` leaves it out.
    let published = site.path().join("content/2025/INC-2025-003.md");
    let mut text = fs::read_to_string(&published).unwrap();
    let line = text.lines().count() + 2;
    text.push_str("\nSee [the draft](../inc-2025-004/).\n");
    fs::write(&published, text).unwrap();
    let (code, stdout) = check();
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "content/2025/INC-2025-003.md:{line}:5: error: link target `../inc-2025-004/` does not exist\n"
        )),
        "{stdout}"
    );
}

#[test]
fn the_dashboard_counts_an_owner_once_whatever_the_case_or_a_note_in_brackets() {
    let site = fixture("archive");
    let path = site.path().join("content/2025/INC-2025-001.md");
    let text = fs::read_to_string(&path).unwrap();
    // Sam Lee owns the first two items; the second now spells the name another way.
    let at = text.match_indices("**Owner:** Sam Lee").nth(1).unwrap().0;
    let text = format!(
        "{}**Owner:** sam lee (SRE, payments){}",
        &text[..at],
        &text[at + "**Owner:** Sam Lee".len()..]
    );
    fs::write(&path, text).unwrap();
    let out = build(site.path(), TODAY, &[]);
    let html = read(&out, "actions/overdue/index.html");
    let rows = Regex::new(r#"<tr><th scope="row">([^<]+)</th><td class="num">(\d+)</td><td class="num">[^<]*</td><td class="num">(\d+)</td></tr>"#).unwrap();
    let by_owner: Vec<String> = rows
        .captures_iter(section(&html, "by-owner"))
        .map(|c| format!("{} {} {}", &c[1], &c[2], &c[3]))
        .collect();
    // The same rows as with one spelling; the name as most of the items write it.
    assert_eq!(
        by_owner,
        vec!["Sam Lee 2 1", "Ana Lima 1 1", "Kim Park 0 1"]
    );
    // Each item keeps its owner as written.
    assert!(html.contains("sam lee (SRE, payments)"), "{html}");
}
