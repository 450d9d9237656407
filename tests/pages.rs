//! What the built pages offer readers beyond their facts: the contrast of the default theme's
//! colours in its light and dark schemes, the names of links, and the wording and head of the
//! pages that vary with the build.

mod common;

use regex::Regex;
use std::collections::HashMap;

/// The `--name: #rrggbb` custom properties declared in `block`.
fn colours(block: &str) -> HashMap<String, [u8; 3]> {
    let decl = Regex::new(r"--([a-z0-9-]+):\s*#([0-9a-fA-F]{6})\b").unwrap();
    decl.captures_iter(block)
        .map(|c| {
            let hex = |i: usize| u8::from_str_radix(&c[2][i..i + 2], 16).unwrap();
            (c[1].to_string(), [hex(0), hex(2), hex(4)])
        })
        .collect()
}

/// The light scheme's colours, the dark scheme's (the light ones with the dark overrides, for
/// screens only, so that no dark value is left when a dark-mode browser prints), and paper's
/// (the light ones with the overrides of `@media print`).
fn schemes(css: &str) -> [(&'static str, HashMap<String, [u8; 3]>); 3] {
    let dark_at = css
        .find("@media screen and (prefers-color-scheme: dark)")
        .expect("a dark scheme for screens only");
    let light = colours(&css[css.find(":root").expect(":root")..dark_at]);
    let dark_block = &css[dark_at..];
    let dark_block = &dark_block[..dark_block.find("\n}\n").expect("end of the dark block")];
    let mut dark = light.clone();
    dark.extend(colours(dark_block));
    let print_block = &css[css.find("@media print {").expect("a print block")..];
    let print_root = &print_block[print_block.find(":root {").expect("a print :root")..];
    let mut print = light.clone();
    print.extend(colours(
        &print_root[..print_root.find('}').expect("end of the print :root")],
    ));
    [("light", light), ("dark", dark), ("print", print)]
}

/// WCAG 2 contrast ratio of two colours.
fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let luminance = |c: [u8; 3]| {
        let lin = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
    };
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// Every text colour of the default stylesheet on every background it is shown on reaches
/// 4.5:1 (all of it is normal-size text), in both schemes and on paper; the focus ring reaches
/// 3:1.
#[test]
fn theme_text_contrast_is_at_least_4_5_to_1_in_both_schemes() {
    let css = std::fs::read_to_string(common::repo().join("theme/static/style.css")).unwrap();
    // (text, background, where)
    let text = [
        ("fg", "bg", "body text"),
        ("fg", "panel", "header, table heads, code, call-outs"),
        ("fg", "overdue-bg", "the overdue call-out"),
        (
            "muted",
            "bg",
            "footer, lead, dates, labels, draft badges, heading anchors",
        ),
        ("muted", "panel", "fact labels"),
        ("muted", "overdue-bg", "muted text in the overdue call-out"),
        ("link", "bg", "links"),
        ("link", "panel", "navigation, chips, call-out links"),
        ("accent", "panel", "the recurring badge"),
        ("sev1", "sev1-bg", "SEV1 badge"),
        ("sev2", "sev2-bg", "SEV2 badge"),
        ("sev3", "sev3-bg", "SEV3 badge"),
        ("sev4", "sev4-bg", "SEV4 badge"),
        ("overdue", "overdue-bg", "overdue badge and call-out link"),
        ("overdue", "panel", "an error finding's rule"),
        ("soon", "soon-bg", "due-soon badge"),
        ("done", "bg", "Done status"),
        ("sev1", "bg", "P1 priority"),
        ("hl-comment", "panel", "code comments"),
        ("hl-string", "panel", "code strings"),
        ("hl-constant", "panel", "code constants"),
        ("hl-keyword", "panel", "code keywords"),
        ("hl-entity", "panel", "code names"),
        ("hl-variable", "panel", "code parameters and types"),
        ("hl-tag", "panel", "code tags"),
    ];
    let mut low = Vec::new();
    for (scheme, c) in schemes(&css) {
        let colour = |name: &str| *c.get(name).unwrap_or_else(|| panic!("no --{name}"));
        for (fg, bg, place) in text {
            let ratio = contrast(colour(fg), colour(bg));
            if ratio < 4.5 {
                low.push(format!(
                    "{scheme}: --{fg} on --{bg} ({place}) is {ratio:.2}:1"
                ));
            }
        }
        for bg in ["bg", "panel"] {
            let ratio = contrast(colour("accent"), colour(bg));
            if ratio < 3.0 {
                low.push(format!("{scheme}: focus ring on --{bg} is {ratio:.2}:1"));
            }
        }
    }
    assert!(low.is_empty(), "{}", low.join("\n"));
    // A heading's anchor, when shown, is shown at full strength: at 60% opacity its colour
    // fell to about 3:1.
    let anchor = css
        .lines()
        .find(|l| l.starts_with(".anchor {"))
        .expect("an .anchor rule");
    assert!(!anchor.contains("opacity"), "{anchor}");
}

/// Every link of `html` as (name, href): the name is its `aria-label`, else its text.
fn links(html: &str) -> Vec<(String, String)> {
    let a = Regex::new(r#"(?s)<a ([^>]*)>(.*?)</a>"#).unwrap();
    let attr = |attrs: &str, name: &str| {
        Regex::new(&format!(r#"(?:^|\s){name}="([^"]*)""#))
            .unwrap()
            .captures(attrs)
            .map(|c| c[1].to_string())
    };
    let tag = Regex::new(r"<[^>]*>").unwrap();
    a.captures_iter(html)
        .filter_map(|c| {
            let href = attr(&c[1], "href")?;
            let text = tag.replace_all(&c[2], "");
            let name = attr(&c[1], "aria-label").unwrap_or_else(|| text.trim().to_string());
            Some((name, href))
        })
        .collect()
}

/// On every incident page of the sample archive, links that go to different places have
/// different names (a screen reader's list of links shows names alone).
#[test]
fn links_to_different_places_have_different_names() {
    let site = common::sample_site();
    let out = common::build(site.path(), "2026-11-27", &["--drafts"]);
    let mut clashes = Vec::new();
    for (file, bytes) in common::tree(&out.join("incidents")) {
        let html = String::from_utf8(bytes).unwrap();
        let mut seen: HashMap<String, String> = HashMap::new();
        for (name, href) in links(&html) {
            match seen.get(&name) {
                Some(first) if *first != href => {
                    clashes.push(format!("{file}: `{name}` is {first} and {href}"))
                }
                _ => {
                    seen.insert(name, href);
                }
            }
        }
    }
    assert!(clashes.is_empty(), "{}", clashes.join("\n"));
}

/// A report with a Markdown heading in its Summary and two action items with tickets, built;
/// its page.
fn page_with_headings_and_tickets() -> String {
    let site = common::TestSite::with(&[(
        "content/INC-2024-001.md",
        "---\nid: INC-2024-001\ntitle: T\nseverity: SEV3\ndate: 2024-04-01\n---\n\n\
         ## Summary\nText.\n\n### Notes & <\"quotes\">\nMore.\n\n\
         ## Action Items\n\n\
         ### Action Item: Alert on the queue depth\n\
         **Owner:** Ana Lima\n**Due:** 2024-05-30\n**Priority:** P2\n**Type:** Detect\n\
         **Ticket:** https://tracker.example.internal/OPS-4907\n\
         **Description:**\nNo alert fires while the queue grows.\n\
         **Definition of Done:**\nAn alert pages when the queue holds over 1,000 jobs.\n\n\
         ### Action Item: Cap the retry rate\n\
         **Owner:** Ana Lima\n**Due:** 2024-05-30\n**Priority:** P2\n**Type:** Prevent\n\
         **Ticket:** https://tracker.example.internal/view?id=OPS-4908\n\
         **Description:**\nRetries are unbounded.\n\
         **Definition of Done:**\nClients retry at most 3 times.\n",
    )]);
    let out = common::build(site.root(), "2024-05-01", &[]);
    common::read(&out, "incidents/inc-2024-001/index.html")
}

/// A section's anchor and a Markdown heading's anchor are named by their heading, escaped.
#[test]
fn heading_anchors_are_named_by_their_heading() {
    let html = page_with_headings_and_tickets();
    for want in [
        r##"<a class="anchor" href="#summary" aria-label="Link to section Summary">#</a>"##,
        r##"<a class="anchor" href="#action-items" aria-label="Link to section Action Items">#</a>"##,
        r##"<a class="anchor" href="#notes-quotes" aria-label="Link to section Notes &amp; &lt;&quot;quotes&quot;&gt;">#</a>"##,
    ] {
        assert!(html.contains(want), "no {want} in\n{html}");
    }
    assert!(!html.contains("Link to this section"), "{html}");
}

/// A ticket link is named by the ticket's id, or else by its host.
#[test]
fn ticket_links_are_named_by_the_ticket() {
    let html = page_with_headings_and_tickets();
    for want in [
        r#"<a href="https://tracker.example.internal/OPS-4907">ticket OPS-4907</a>"#,
        r#"<a href="https://tracker.example.internal/view?id=OPS-4908">ticket on tracker.example.internal</a>"#,
    ] {
        assert!(html.contains(want), "no {want} in\n{html}");
    }
}

/// With a full `base_url` every page names its canonical address, except 404.html, which a host
/// shows at any address that has no page.
#[test]
fn the_not_found_page_has_no_canonical_link() {
    let site = common::fixture("archive");
    let base = "https://pages.example.internal/sre/incidents/";
    let out = common::build(site.path(), "2025-06-15", &["--base-url", base]);
    let home = common::read(&out, "index.html");
    assert!(
        home.contains(&format!("<link rel=\"canonical\" href=\"{base}\">")),
        "{home}"
    );
    let tags = common::read(&out, "tags/index.html");
    assert!(
        tags.contains(&format!("<link rel=\"canonical\" href=\"{base}tags/\">")),
        "{tags}"
    );
    let not_found = common::read(&out, "404.html");
    assert!(!not_found.contains("rel=\"canonical\""), "{not_found}");
    assert!(not_found.contains("<title>Page not found"), "{not_found}");
}

/// The dashboard's review-quality counts say which incidents they cover: the published ones,
/// or with `--drafts` the drafts and write-ups in review too.
#[test]
fn review_quality_counts_say_whether_drafts_are_counted() {
    // The fixture turns every rule off: no findings, so the section says there are none.
    let site = common::fixture("archive");
    let dashboard = |args: &[&str]| {
        let out = common::build(site.path(), "2025-06-15", args);
        common::read(&out, "actions/overdue/index.html")
    };
    let published = dashboard(&[]);
    assert!(
        published.contains("<p>No review-quality findings in the published incidents.</p>"),
        "{published}"
    );
    let drafts = dashboard(&["--drafts"]);
    assert!(
        drafts.contains(
            "<p>No review-quality findings in the incidents shown, drafts and write-ups in review included.</p>"
        ),
        "{drafts}"
    );
    assert!(!drafts.contains("published incidents"), "{drafts}");
}

/// The HTML pages, as (file, text), of the sample archive with its drafts on a day with overdue
/// and due-soon action items, and of the lint fixture with its drafts on a day with a write-up
/// past its publish window; built once for the tests that read them.
fn built_pages() -> &'static [(String, String)] {
    static PAGES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    PAGES.get_or_init(build_pages)
}

fn build_pages() -> Vec<(String, String)> {
    let mut pages = Vec::new();
    let mut add = |name: &str, out: &std::path::Path| {
        for (file, bytes) in common::tree(out) {
            if file.ends_with(".html") {
                pages.push((format!("{name}: {file}"), String::from_utf8(bytes).unwrap()));
            }
        }
    };
    let sample = common::sample_site();
    add(
        "sample",
        &common::build(sample.path(), "2026-11-27", &["--drafts"]),
    );
    let lint = common::fixture("lint");
    let toml = lint.path().join("site.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str("\n[lint]\ndue-before-incident = \"warning\"\n");
    std::fs::write(&toml, text).unwrap();
    // A SEV1 with no review recorded past its window: a row of the dashboard's Reviews not
    // held table.
    let sev1 = std::fs::read_to_string(lint.path().join("content/INC-2024-002.md"))
        .unwrap()
        .replacen("id: INC-2024-002", "id: INC-2024-004", 1)
        .replacen(
            "date: 2024-03-10\non_call: Priya Raman\nreview_date: 2024-03-13\npublished: 2024-03-24\n",
            "date: 2024-04-20\non_call: Priya Raman\n",
            1,
        );
    assert!(sev1.contains("date: 2024-04-20"));
    std::fs::write(lint.path().join("content/INC-2024-004.md"), sev1).unwrap();
    add(
        "lint fixture",
        &common::build(lint.path(), "2024-05-01", &["--drafts"]),
    );
    pages
}

/// The text of a piece of HTML: tags dropped, whitespace runs made one space.
fn text_of(html: &str) -> String {
    let tag = Regex::new(r"<[^>]*>").unwrap();
    tag.replace_all(html, "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The theme's tables of a page (the ones with a class; a report's Markdown tables have none),
/// as (class, header names, rows), each row its cells as (tag, attributes).
type Table = (String, Vec<String>, Vec<Vec<(String, String)>>);

fn theme_tables(html: &str) -> Vec<Table> {
    let table = Regex::new(r#"(?s)<table class="([^"]*)"[^>]*>(.*?)</table>"#).unwrap();
    let head = Regex::new(r"(?s)<thead>(.*?)</thead>").unwrap();
    let body = Regex::new(r"(?s)<tbody>(.*?)</tbody>").unwrap();
    let row = Regex::new(r"(?s)<tr\b[^>]*>(.*?)</tr>").unwrap();
    let cell = Regex::new(r"(?s)<(t[hd])\b([^>]*)>(.*?)</t[hd]>").unwrap();
    table
        .captures_iter(html)
        .map(|t| {
            let names = head
                .captures(&t[2])
                .map(|h| cell.captures_iter(&h[1]).map(|c| text_of(&c[3])).collect())
                .unwrap_or_default();
            let rows = body
                .captures(&t[2])
                .map(|b| {
                    row.captures_iter(&b[1])
                        .map(|r| {
                            cell.captures_iter(&r[1])
                                .map(|c| (c[1].to_string(), c[2].to_string()))
                                .collect()
                        })
                        .collect()
                })
                .unwrap_or_default();
            (t[1].to_string(), names, rows)
        })
        .collect()
}

/// Every row of the theme's tables starts with its row header, `<th scope="row">`, as a screen
/// reader announces it when moving along a column; the dashboard's Reviews not held and
/// Write-ups overdue tables too.
#[test]
fn every_theme_table_row_starts_with_a_row_header() {
    let mut wrong = Vec::new();
    let mut late_rows = (0, 0);
    for (file, html) in built_pages() {
        for (class, names, rows) in theme_tables(html) {
            if file.ends_with("actions/overdue/index.html")
                && names.last().is_some_and(|n| n == "Days late")
            {
                if names.iter().any(|n| n == "Review by") {
                    late_rows.0 += rows.len();
                } else {
                    late_rows.1 += rows.len();
                }
            }
            for cells in rows {
                match cells.first() {
                    Some((tag, attrs)) if tag == "th" && attrs.contains(r#"scope="row""#) => {}
                    first => {
                        wrong.push(format!("{file}: table.{class}: row starts with {first:?}"))
                    }
                }
            }
        }
    }
    assert!(late_rows.0 > 0, "no Reviews not held row was checked");
    assert!(late_rows.1 > 0, "no Write-ups overdue row was checked");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// In a table that becomes one card per row on a narrow screen (`table.stack`), every data cell
/// names its column in `data-label` (shown before the value, as the column headers are hidden),
/// and names it as the column's header does: on the dashboard, the actions page and every other
/// page.
#[test]
fn every_cell_of_a_stacked_table_is_labelled_with_its_column() {
    let label = Regex::new(r#"\bdata-label="([^"]*)""#).unwrap();
    let mut wrong = Vec::new();
    let mut checked: HashMap<&str, usize> = HashMap::new();
    for (file, html) in built_pages() {
        for (class, names, rows) in theme_tables(html) {
            if !class.split(' ').any(|c| c == "stack") {
                continue;
            }
            for cells in rows {
                for (n, (tag, attrs)) in cells.iter().enumerate() {
                    if tag != "td" {
                        continue;
                    }
                    *checked
                        .entry(file.rsplit(": ").next().unwrap())
                        .or_default() += 1;
                    let column = names.get(n).map_or("", String::as_str);
                    match label.captures(attrs) {
                        Some(l) if &l[1] == column => {}
                        l => wrong.push(format!(
                            "{file}: table.{class}: the {column} cell has {:?} for data-label",
                            l.map(|l| l[1].to_string())
                        )),
                    }
                }
            }
        }
    }
    for page in ["actions/overdue/index.html", "actions/index.html"] {
        assert!(
            checked.get(page).is_some_and(|&n| n > 0),
            "no cell of {page} was checked: {checked:?}"
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A heading is named by its text alone: its `#` anchor sits beside it, outside it, is named
/// after it ("Link to section …") and points at it, on every incident page.
#[test]
fn heading_anchors_sit_beside_their_heading_not_in_it() {
    let heading = Regex::new(r"(?s)<h([1-6])\b[^>]*>(.*?)</h[1-6]>").unwrap();
    let pair = Regex::new(
        r##"(?s)<div class="heading"><h([1-6]) id="([^"]+)">(.*?)</h[1-6]> <a class="anchor" href="#([^"]+)" aria-label="Link to section ([^"]*)">#</a></div>"##,
    )
    .unwrap();
    let mut pages = vec![(
        "page with headings".to_string(),
        page_with_headings_and_tickets(),
    )];
    pages.extend(
        built_pages()
            .iter()
            .filter(|(file, _)| file.contains("incidents/inc-"))
            .cloned(),
    );
    let mut wrong = Vec::new();
    let mut pairs = 0;
    for (file, html) in &pages {
        for h in heading.captures_iter(html) {
            if h[2].contains("class=\"anchor\"") {
                wrong.push(format!("{file}: an anchor inside <h{}>{}", &h[1], &h[2]));
            }
        }
        let found: Vec<_> = pair.captures_iter(html).collect();
        for p in &found {
            if p[2] != p[4]
                || text_of(&p[3]).replace("&quot;", "\"") != p[5].replace("&quot;", "\"")
            {
                wrong.push(format!("{file}: {}", &p[0]));
            }
        }
        if found.len() != html.matches("class=\"anchor\"").count() {
            wrong.push(format!("{file}: an anchor not beside its heading"));
        }
        pairs += found.len();
    }
    assert!(pairs > 0, "no heading anchor found");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A heading's anchor is hidden until its heading is hovered, and shown while it has the
/// keyboard focus: the rules that hide it spare a focused one.
#[test]
fn a_focused_heading_anchor_is_shown() {
    let css = std::fs::read_to_string(common::repo().join("theme/static/style.css")).unwrap();
    let hiding: Vec<&str> = css
        .lines()
        .filter(|l| l.contains(".anchor") && l.contains("opacity: 0"))
        .collect();
    assert!(!hiding.is_empty(), "no rule hides the anchor");
    for rule in hiding {
        assert!(rule.contains(":focus"), "{rule}");
    }
}

/// An incident id is never broken across lines (`INC-` / `2026-071`): every link named by an
/// id, on every page, has a class the stylesheet keeps on one line. On paper, where nothing
/// scrolls, tables take a smaller type and their one-line cells may wrap, so the dashboard fits
/// the page.
#[test]
fn incident_ids_stay_whole_and_printed_tables_fit() {
    let css = std::fs::read_to_string(common::repo().join("theme/static/style.css")).unwrap();
    assert!(
        css.contains(".id, a.incident-ref { white-space: nowrap; }"),
        "no rule keeps ids whole"
    );
    let print = &css[css.find("@media print {").expect("a print block")..];
    for rule in [
        "table { font-size: 9pt; }",
        "td.nowrap, th.nowrap { white-space: normal; }",
    ] {
        assert!(print.contains(rule), "no `{rule}` in @media print");
    }
    let link = Regex::new(r#"<a ([^>]*)>(INC-[0-9]{4}-[0-9]{3,})</a>"#).unwrap();
    let class = Regex::new(r#"\bclass="(?:id|incident-ref)""#).unwrap();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for (file, html) in built_pages() {
        for l in link.captures_iter(html) {
            checked += 1;
            if !class.is_match(&l[1]) {
                wrong.push(format!("{file}: {}", &l[0]));
            }
        }
    }
    assert!(checked > 0, "no id link found");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// An incident page says which zone its clock times are in (site.toml's `timezone`): beside the
/// start and end of the Duration, and under the Timeline heading (only there).
#[test]
fn incident_pages_name_the_time_zone_of_clock_times() {
    let site = common::TestSite::with(&[
        ("site.toml", "timezone = \"Europe/Berlin\"\n"),
        (
            "content/INC-2024-001.md",
            "---\nid: INC-2024-001\ntitle: T\nseverity: SEV3\ndate: 2024-04-01\n---\n\n\
             ## Summary\nText.\n\n## Timeline (all times local)\n- 09:10 Alert fires\n\
             - 09:55 Resolved\n\n## Action Items\nNone.\n",
        ),
    ]);
    let out = common::build(site.root(), "2024-05-01", &[]);
    let html = common::read(&out, "incidents/inc-2024-001/index.html");
    assert!(
        html.contains("<dt>Duration</dt><dd>45 minutes (09:10–09:55 Europe/Berlin)</dd>"),
        "{html}"
    );
    assert!(
        html.contains(
            "aria-label=\"Link to section Timeline (all times local)\">#</a></div>\n\
             <p class=\"timezone\">Clock times are in Europe/Berlin.</p>\n<ul>"
        ),
        "{html}"
    );
    assert_eq!(html.matches("Clock times are in").count(), 1, "{html}");
}

/// Without the stylesheet, each severity card of the home page reads as words ("SEV1 2
/// incidents", not "SEV12 incidents").
#[test]
fn home_page_severity_cards_read_as_words() {
    let (_, home) = built_pages()
        .iter()
        .find(|(file, _)| file == "sample: index.html")
        .expect("the sample's home page");
    let cards = Regex::new(r#"(?s)<ul class="cards">(.*?)</ul>"#).unwrap();
    let item = Regex::new(r"(?s)<li>(.*?)</li>").unwrap();
    let words = Regex::new(r"^SEV[1-4] [0-9]+ incidents?$").unwrap();
    let texts: Vec<String> = item
        .captures_iter(&cards.captures(home).expect("severity cards")[1])
        .map(|c| text_of(&c[1]))
        .collect();
    assert_eq!(texts.len(), 4, "{texts:?}");
    for t in &texts {
        assert!(words.is_match(t), "{t:?}");
    }
}

/// Time to detect and to mitigate end at a clock time; one read from the timeline's words
/// says so, one from the front matter does not, and the status page is not a detection.
#[test]
fn times_to_detect_and_mitigate_say_where_they_come_from() {
    let report = |id: &str, detected: &str| {
        format!(
            "---\nid: {id}\ntitle: T\nseverity: SEV3\ndate: 2024-04-01\n{detected}---\n\n\
             ## Summary\nText.\n\n## Timeline\n\
             - 14:00 Deploy of v2.4.1 begins\n\
             - 14:05 Status page updated\n\
             - 14:09 Alert fired on the 5xx rate\n\
             - 14:20 Rollback completed, error rate back to normal\n\
             - 14:30 Incident closed\n\n## Action Items\nNone: the rollback was the fix.\n"
        )
    };
    let site = common::TestSite::with(&[
        ("content/INC-2024-001.md", &report("INC-2024-001", "")),
        (
            "content/INC-2024-002.md",
            &report("INC-2024-002", "detected: \"14:04\"\n"),
        ),
    ]);
    let out = common::build(site.root(), "2024-05-01", &[]);
    let fact = |id: &str, name: &str| {
        let html = common::read(&out, &format!("incidents/{id}/index.html"));
        let dd = Regex::new(&format!("<dt>{name}</dt><dd>(.*?)</dd>")).unwrap();
        text_of(&dd.captures(&html).expect(name)[1])
    };
    assert_eq!(
        fact("inc-2024-001", "Time to detect"),
        "9 minutes (at 14:09, from the timeline)"
    );
    assert_eq!(
        fact("inc-2024-001", "Time to mitigate"),
        "20 minutes (at 14:20, from the timeline)"
    );
    assert_eq!(
        fact("inc-2024-002", "Time to detect"),
        "4 minutes (at 14:04)"
    );
    assert_eq!(
        fact("inc-2024-002", "Time to mitigate"),
        "20 minutes (at 14:20, from the timeline)"
    );
}
