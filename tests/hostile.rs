//! Hostile input: markup in every text field, script URLs, YAML alias bombs, huge and deeply
//! nested files, symbolic link loops. Each run is a child process, so a stack overflow or an
//! abort fails the test instead of killing the test harness; a generous kill timeout turns a
//! hang into a failure (it is a guard, not a measurement).

mod common;

use common::{TestSite, pirsite};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a guarded run gave.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `cmd`, killing it after 60 s. Panics when it hangs or dies from a signal (a stack
/// overflow aborts the process).
fn guarded(cmd: &mut Command) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("out"), dir.path().join("err"));
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("pirsite starts");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("pirsite did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = std::fs::read_to_string(&err).unwrap_or_default();
    let code = status
        .code()
        .unwrap_or_else(|| panic!("pirsite was killed by a signal ({status}); stderr:\n{stderr}"));
    assert!(!stderr.contains("panicked"), "pirsite panicked:\n{stderr}");
    Run {
        code,
        stdout: std::fs::read_to_string(&out).unwrap_or_default(),
        stderr,
    }
}

fn build(site: &TestSite, extra: &[&str]) -> Run {
    guarded(
        pirsite()
            .current_dir(site.root())
            .args(["build", "--today", "2024-05-01"])
            .args(extra),
    )
}

/// `check` in its human form.
fn check_human(site: &TestSite) -> Run {
    guarded(
        pirsite()
            .current_dir(site.root())
            .args(["check", "--today", "2024-05-01"]),
    )
}

fn check(site: &TestSite) -> Run {
    guarded(pirsite().current_dir(site.root()).args([
        "check",
        "--today",
        "2024-05-01",
        "--format",
        "json",
    ]))
}

/// The line, column and message of each finding of a `check --format json` run.
fn places(run: &Run) -> Vec<(u64, u64, String)> {
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["col"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A minimal valid SEV4 report with `body` after its Summary heading.
fn report(id: &str, body: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: T\nseverity: SEV4\ndate: 2024-04-01\n---\n\n## Summary\n{body}\n"
    )
}

/// Every tag of every HTML file under `dir`: (file, tag text from `<` to `>`).
fn tags(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (file, bytes) in common::tree(dir) {
        if !file.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let mut rest = html.as_str();
        while let Some(p) = rest.find('<') {
            rest = &rest[p..];
            let end = rest.find('>').map(|e| e + 1).unwrap_or(rest.len());
            out.push((file.clone(), rest[..end].to_string()));
            rest = &rest[end..];
        }
    }
    out
}

/// Fails when any page has an element or attribute that runs script.
fn assert_no_script(dir: &Path) {
    let attr_re =
        regex::Regex::new(r#"\s([^\s"'=<>/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?"#).unwrap();
    for (file, tag) in tags(dir) {
        let lower = tag.to_ascii_lowercase();
        let name: String = lower[1..]
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(
            ![
                "script", "iframe", "object", "embed", "frame", "base", "form"
            ]
            .contains(&name.as_str()),
            "{file}: {tag}"
        );
        // Attributes: none named on*, no script URL in a URL-valued attribute. Values are
        // parsed, so escaped text inside a quoted value (a title) is not taken for markup.
        let after_name = &lower[1 + name.len()..];
        for c in attr_re.captures_iter(after_name) {
            let attr = &c[1];
            assert!(!attr.starts_with("on"), "{file}: {tag}");
            let value = c
                .get(2)
                .map(|v| v.as_str().trim_matches(['"', '\'']))
                .unwrap_or("");
            let value = value.replace("&#58;", ":").replace("&colon;", ":");
            let squeezed: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect();
            if [
                "href",
                "src",
                "action",
                "formaction",
                "xlink:href",
                "data",
                "poster",
                "srcset",
            ]
            .contains(&attr)
            {
                for bad in ["javascript:", "vbscript:", "data:text/html"] {
                    assert!(!squeezed.contains(bad), "{file}: {tag}");
                }
            }
        }
    }
}

const XSS: &str = "<script>alert(1)</script>";
const XSS_ATTR: &str = "\"><img src=https://example.com/x.png onerror=alert(1)>";

#[test]
fn markup_in_front_matter_and_fields_is_escaped() {
    let id = "INC-2024-001";
    let text = format!(
        r#"---
id: {id}
title: '{XSS} {{{{ site.title }}}} {XSS_ATTR}'
severity: SEV3
date: 2024-04-01
impact: '{XSS}'
on_call: '{XSS_ATTR}'
services: ['{XSS}', 'api{XSS_ATTR}']
tags: ['{XSS}', 'ok{XSS_ATTR}']
extra:
  note: '{XSS}'
---

## Summary
Text with `{XSS}` in code.

### Notes {XSS}

## Other {XSS}

## Timeline
- 10:00 {XSS} began
- 10:05 {XSS_ATTR}

## Action Items

### Action Item: Fix {XSS}
**Owner:** {XSS}
**Due:** 2024-05-30
**Priority:** P1
**Type:** Prevent
**Status:** Won't Do
**Reason:** {XSS_ATTR}
**Description:** {XSS}
**Definition of Done:** {XSS_ATTR}
"#
    );
    let site = TestSite::with(&[("content/a.md", &text)]);
    let run = build(&site, &["--drafts"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let public = site.path("public");
    let page = std::fs::read_to_string(public.join("incidents/inc-2024-001/index.html")).unwrap();
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    // Template syntax in data is text, not evaluated.
    assert!(page.contains("{{ site.title }}"), "{page}");
    assert_no_script(&public);
    // The same with raw HTML allowed: it is sanitised, front matter still escaped.
    site.write("site.toml", "allow_html = true\n");
    let run = build(&site, &["--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_no_script(&public);
}

/// Whether `c` is a code point an HTML page may not hold: a control character other than
/// tab, line feed, form feed and carriage return, or a noncharacter. Written out here rather
/// than taken from pirsite, so the test does not trust what it tests.
fn forbidden_in_html(c: char) -> bool {
    let u = c as u32;
    (u < 0x20 && !matches!(c, '\t' | '\n' | '\x0c' | '\r'))
        || (0x7f..=0x9f).contains(&u)
        || (0xfdd0..=0xfdef).contains(&u)
        || u & 0xfffe == 0xfffe
}

#[test]
fn control_characters_never_reach_a_page() {
    // ESC (colour codes and a terminal's link), NUL, BEL, DEL, C1 controls and noncharacters in
    // the title, the other front-matter values, a paragraph, inline code, a link, a heading, a
    // table, code blocks with and without a language, raw HTML and an action item's fields.
    let site = TestSite::fixture("controls");
    let source = std::fs::read_to_string(site.path("content/INC-2026-001.md")).unwrap();
    for c in [
        '\x1b', '\0', '\x07', '\x7f', '\u{93}', '\u{85}', '\u{9b}', '\u{fdd0}',
    ] {
        assert!(source.contains(c), "the fixture holds {c:?}");
    }
    for allow_html in [false, true] {
        site.write("site.toml", format!("allow_html = {allow_html}\n"));
        let run = build(&site, &[]);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        let public = site.path("public");
        let mut pages = 0;
        for (file, bytes) in common::tree(&public) {
            if !file.ends_with(".html") {
                continue;
            }
            pages += 1;
            let html = String::from_utf8(bytes).unwrap();
            if let Some((at, c)) = html.char_indices().find(|(_, c)| forbidden_in_html(*c)) {
                panic!("{file}: U+{:04X} at byte {at}: {html}", c as u32);
            }
        }
        assert!(pages > 5, "{pages} pages");
        let page =
            std::fs::read_to_string(public.join("incidents/inc-2026-001/index.html")).unwrap();
        // Colour codes are left out whole, NUL is U+FFFD.
        assert!(
            page.contains("<h1>ANSI bold title, NUL \u{fffd}, BEL , C1 quoted, </h1>"),
            "{page}"
        );
        assert!(
            page.contains("printed ERROR with a NUL a\u{fffd}b"),
            "{page}"
        );
        assert!(page.contains("ERROR connection refused"), "{page}");
        assert!(!page.contains("[31m") && !page.contains("[0m"), "{page}");
        // A service's page address is made from the name the page shows.
        assert!(public.join("services/db-primary/index.html").is_file());
    }
}

#[test]
fn script_urls_are_never_emitted() {
    let body = [
        "[a](javascript:alert(1))",
        "[b]( JaVaScRiPt:alert(1) )",
        "[c](<javascript:alert(1)>)",
        "<javascript:alert(1)>",
        "[d](&#106;avascript:alert(1))",
        "[e](java&#x09;script:alert(1))",
        "[f](vbscript:msgbox(1))",
        "[g](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![h](javascript:alert(1))",
        "[i][ref]",
        "",
        "[ref]: javascript:alert(1)",
        "",
        "<a href=\"javascript:alert(1)\">j</a> <img src=https://example.com/x.png onerror=\"alert(1)\">",
        "<svg onload=alert(1)></svg> <iframe src=\"https://evil.example\"></iframe>",
    ]
    .join("\n");
    let site = TestSite::with(&[("content/a.md", &report("INC-2024-001", &body))]);
    for toml in ["", "allow_html = true\n"] {
        site.write("site.toml", toml);
        let run = build(&site, &[]);
        assert_eq!(run.code, 0, "{toml}: {}", run.stderr);
        assert_no_script(&site.path("public"));
    }
}

#[test]
fn a_yaml_alias_bomb_is_an_error_not_a_hang() {
    let mut fm = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (i, prev) in ('b'..='z').zip('a'..='y') {
        let refs = vec![format!("*{prev}"); 9].join(",");
        fm.push_str(&format!("{i}: &{i} [{refs}]\n"));
    }
    let text = format!("---\nid: INC-2024-001\nextra: *z\n{fm}---\n## Summary\nx\n");
    let site = TestSite::with(&[("content/bomb.md", &text)]);
    let run = check(&site);
    assert_eq!(run.code, 1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json[0]["path"], "content/bomb.md");
    assert!(
        json[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("front matter is not valid YAML"),
        "{json}"
    );
    let run = build(&site, &[]);
    assert_eq!(run.code, 1);
    assert!(!site.path("public").exists());
}

#[test]
fn deeply_nested_yaml_is_an_error() {
    // 100,000 brackets: the YAML parser's scanner is quadratic in the nesting (24 s before
    // its recursion limit stopped it); the front matter is refused before it is parsed.
    let text = format!(
        "---\nid: INC-2024-001\nextra: {}{}\n---\n## Summary\nx\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let site = TestSite::with(&[("content/a.md", &text)]);
    let run = check(&site);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 1, "{json}");
    assert_eq!(
        (
            json[0]["path"].as_str(),
            json[0]["line"].as_u64(),
            json[0]["col"].as_u64(),
            json[0]["message"].as_str()
        ),
        (
            Some("content/a.md"),
            Some(3),
            Some(72),
            Some("front matter nests deeper than 64 levels")
        )
    );
    let run = build(&site, &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "content/a.md:3:72: error: front matter nests deeper than 64 levels\n    hint: this bracket opens level 65"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_huge_report_builds() {
    let paragraph = "All systems were nominal until they were not; see the graphs. ".repeat(16);
    let mut body = String::with_capacity(5_300_000);
    while body.len() < 5_000_000 {
        body.push_str(&paragraph);
        body.push_str("\n\n");
    }
    let site = TestSite::with(&[("content/huge.md", &report("INC-2024-001", &body))]);
    let run = build(&site, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = site.path("public/incidents/inc-2024-001/index.html");
    assert!(std::fs::metadata(page).unwrap().len() > 5_000_000);
}

#[test]
fn deeply_nested_markdown_and_html_build_without_overflow() {
    let n = 10_000;
    let indented: String = (0..2_000)
        .map(|i| format!("{}- item\n", "  ".repeat(i)))
        .collect();
    let bodies = [
        format!("{}deep quote", "> ".repeat(n)),
        format!("{}deep list", "- ".repeat(n)),
        format!("{}deep ordered", "1. ".repeat(n)),
        indented,
        format!("{}x{}", "[".repeat(n), "](https://example.com/y)".repeat(n)),
        format!("{}x{}", "*".repeat(n * 5), "*".repeat(n * 5)),
        format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n)),
        format!("{}x", "<span>".repeat(n)),
        format!("{}\n", "|a".repeat(n)),
        "- 10:00 start\n".repeat(n),
    ];
    let site = TestSite::new();
    for (i, body) in bodies.iter().enumerate() {
        site.write(
            &format!("content/r{i}.md"),
            report(&format!("INC-2024-{:03}", i + 1), body),
        );
    }
    for toml in ["", "allow_html = true\n"] {
        site.write("site.toml", toml);
        let run = build(&site, &[]);
        assert_eq!(run.code, 0, "{toml}: {}", run.stderr);
        assert!(
            site.path("public/incidents/inc-2024-001/index.html")
                .is_file()
        );
        assert_no_script(&site.path("public"));
    }
}

#[cfg(unix)]
#[test]
fn symbolic_link_loops_are_reported_not_followed_forever() {
    use std::os::unix::fs::symlink;
    let site = TestSite::with(&[("content/incidents/a.md", &report("INC-2024-001", "x"))]);
    // A folder link to its own ancestor, and a link to itself.
    symlink(site.path("content"), site.path("content/incidents/loop")).unwrap();
    symlink("self.md", site.path("content/incidents/self.md")).unwrap();
    let run = check(&site);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<(String, String, String)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["level"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        found.contains(&(
            "content/incidents/loop".into(),
            "warning".into(),
            "symbolic link loop skipped".into()
        )),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(p, l, m)| p == "content/incidents/self.md"
                && l == "error"
                && m.starts_with("cannot read")),
        "{found:?}"
    );
    assert_eq!(run.code, 1);
    // Without the self-link only the warning is left, and the site builds.
    std::fs::remove_file(site.path("content/incidents/self.md")).unwrap();
    let run = build(&site, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("symbolic link loop skipped"),
        "{}",
        run.stderr
    );
    assert!(
        site.path("public/incidents/inc-2024-001/index.html")
            .is_file()
    );
}

#[test]
fn the_script_detector_catches_what_it_looks_for() {
    for html in [
        "<p>x</p><SCRIPT>alert(1)</SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"java script:alert(1)\">x</a>",
        "<a href=\"JavaScript:alert(1)\">x</a>",
        "<iframe src=x></iframe>",
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), html).unwrap();
        let caught = std::panic::catch_unwind(|| assert_no_script(dir.path())).is_err();
        assert!(caught, "{html}");
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<p class=\"online\">&lt;script&gt; onerror=alert(1)</p><a href=\"../x/\">x</a>",
    )
    .unwrap();
    assert_no_script(dir.path());
}

#[test]
fn symbolic_links_out_of_the_content_folder_are_skipped_not_published() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "root:x:0:0").unwrap();
    std::fs::create_dir(outside.path().join("etc")).unwrap();
    std::fs::write(outside.path().join("etc/passwd"), "root:x:0:0").unwrap();
    let site = TestSite::with(&[
        ("content/incidents/a.md", &report("INC-2024-001", "x")),
        (
            "content/incidents/graph.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        ),
    ]);
    symlink(
        outside.path().join("secret.txt"),
        site.path("content/incidents/secret.txt"),
    )
    .unwrap();
    symlink(
        outside.path().join("etc"),
        site.path("content/incidents/etc"),
    )
    .unwrap();
    // A link that stays inside the content folder is followed.
    symlink("graph.svg", site.path("content/incidents/chart.svg")).unwrap();
    let run = build(&site, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for skipped in ["content/incidents/secret.txt", "content/incidents/etc"] {
        assert!(
            run.stderr.contains(&format!(
                "{skipped}:1:1: warning: symbolic link leads out of the content folder"
            )),
            "{skipped}: {}",
            run.stderr
        );
    }
    let page_dir = site.path("public/incidents/inc-2024-001");
    assert!(page_dir.join("chart.svg").is_file());
    assert!(page_dir.join("graph.svg").is_file());
    assert!(!page_dir.join("secret.txt").exists());
    assert!(!page_dir.join("passwd").exists());
    assert_no_file_contains(&site.path("public"), "root:x:0:0");
}

fn assert_no_file_contains(dir: &Path, needle: &str) {
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(needle),
                "{}",
                entry.path().display()
            );
        }
    }
}

#[test]
fn a_long_soft_wrapped_summary_is_linted_with_exact_positions() {
    // One paragraph of 50,000 wrapped lines: finding each sentence's place in the file was
    // once quadratic in the paragraph's length (minutes at tens of megabytes).
    let mut body: String = (0..50_000)
        .map(|i| format!("Line {i} of the summary ends here.\n"))
        .collect();
    body.push_str("Traffic rose. Sarah forgot to renew the certificate.");
    let site = TestSite::with(&[("content/a.md", &report("INC-2024-001", &body))]);
    let run = check(&site);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        places(&run),
        vec![(
            50_009,
            15,
            "blaming language in Summary: \"Sarah forgot to renew the certificate.\" (`forgot to`)"
                .to_string()
        )]
    );
}

#[test]
fn ids_along_one_long_line_get_exact_columns() {
    // 200,000 ids on one line: each id's column was once counted from the start of the line
    // (about 20 s for 300,000).
    let mut body = String::from("\u{e9} ");
    body.push_str(&"INC-2024-001 ".repeat(200_000));
    body.push_str("INC-2024-999.");
    let site = TestSite::with(&[("content/a.md", &report("INC-2024-001", &body))]);
    let run = check(&site);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(
        places(&run),
        vec![(
            9,
            3 + 13 * 200_000,
            "INC-2024-999 is not the id of any report".to_string()
        )]
    );
}

#[test]
fn a_base_url_that_is_no_url_nor_path_is_refused_where_it_is_given() {
    let site = TestSite::with(&[("content/a.md", &report("INC-2024-001", "x"))]);
    // In site.toml: an error at the value, from check and from build alike (exit 1), instead
    // of a build that fails on its own 404 page.
    site.write("site.toml", "title = \"x\"\nbase_url = \"sre/incidents\"\n");
    let want = "site.toml:2:12: error: base_url `sre/incidents` is neither an http(s) URL nor a path starting with `/`\n    hint: write \"/sre/incidents/\" for a path on the host, or a full https:// URL\n";
    let run = check_human(&site);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        format!("{want}1 error, 0 warnings in site.toml\n")
    );
    let run = build(&site, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr, want);
    assert!(!site.path("public").exists());
    // On the command line: a usage error naming the flag (exit 2); nothing is written, and a
    // script URL never reaches a page.
    site.write("site.toml", "");
    for (bad, why) in [
        (
            "javascript:alert(1)//",
            "it is neither an http(s) URL nor a path starting with `/`",
        ),
        (
            "not a url",
            "it contains a space, which a URL cannot hold as written",
        ),
        ("sre/incidents", "it is neither an http(s) URL"),
    ] {
        for cmd in ["build", "serve"] {
            let run = guarded(
                pirsite()
                    .current_dir(site.root())
                    .args([cmd, "--base-url", bad]),
            );
            assert_eq!(run.code, 2, "{cmd} {bad}: {}", run.stderr);
            assert!(
                run.stderr.starts_with(&format!(
                    "error: invalid value '{bad}' for '--base-url <URL>': {why}"
                )),
                "{cmd} {bad}: {}",
                run.stderr
            );
        }
        assert!(!site.path("public").exists());
    }
    // What the docs show still builds.
    for good in [
        "/",
        "/sre/incidents",
        "https://pages.example.internal/sre/incidents/",
    ] {
        let run = build(&site, &["--base-url", good]);
        assert_eq!(run.code, 0, "{good}: {}", run.stderr);
    }
    // A scheme is read in any case, and the pages write it in lowercase.
    let run = build(&site, &["--base-url", "HTTPS://Pages.Example/SRE"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let home = std::fs::read_to_string(site.path("public/index.html")).unwrap();
    assert!(
        home.contains("<link rel=\"canonical\" href=\"https://Pages.Example/SRE/\">"),
        "{home}"
    );
}

#[test]
fn a_library_build_refuses_the_base_url_the_command_line_refuses() {
    use pirsite::site::{self, BuildError, BuildOptions, OPTIONS, Site};
    let site = TestSite::with(&[("content/a.md", &report("INC-2024-001", "x"))]);
    let out = site.path("public");
    let opts = |base_url: &str| BuildOptions {
        output: Some(out.clone()),
        base_url: Some(base_url.to_string()),
        today: Some(chrono::NaiveDate::from_ymd_opt(2024, 7, 1).unwrap()),
        ..BuildOptions::default()
    };
    let mut s = Site::open(site.root()).unwrap();
    for (bad, message, hint) in [
        (
            "javascript:alert(1)",
            "base_url `javascript:alert(1)` is neither an http(s) URL nor a path starting with `/`",
            "write a path on the host such as \"/sre/incidents/\", or a full URL such as \"https://pages.example.internal/sre/incidents/\"",
        ),
        (
            "/x\"><script>/",
            "base_url `/x\"><script>/` contains `\"`, which a URL cannot hold as written",
            "escape it as %XX (a space is %20)",
        ),
        (
            "/a\nb/",
            "base_url `/a\\nb/` contains the character `\\n`, which a URL cannot hold as written",
            "escape it as %XX (a space is %20)",
        ),
    ] {
        match site::build(&mut s, &opts(bad)) {
            Err(BuildError::Render(d)) => {
                assert_eq!(
                    (d.path.as_str(), d.line, d.col, d.message.as_str()),
                    (OPTIONS, 0, 0, message),
                    "{bad:?}"
                );
                assert_eq!(d.hint.as_deref(), Some(hint), "{bad:?}");
            }
            Ok(_) => panic!("{bad:?} was built"),
            Err(BuildError::Invalid(ds, _)) => panic!("{bad:?}: {ds:?}"),
            Err(BuildError::Write(e)) => panic!("{bad:?}: {e}"),
        }
        assert!(!out.exists(), "{bad:?}");
    }
    // The values the command line accepts still build.
    for good in ["", "/sre/incidents", "https://pages.example.internal/x/"] {
        assert!(site::build(&mut s, &opts(good)).is_ok(), "{good:?}");
        assert!(out.join("index.html").is_file(), "{good:?}");
    }
}

#[test]
fn every_diagnostic_is_one_line_and_its_hint_another() {
    // The regex crate's error is several lines; a link whose target decodes to a line break;
    // a front-matter value with line breaks in it, shown in a message.
    let site = TestSite::with(&[("site.toml", "id_pattern = \"^INC-[0-9{4}$\"\n")]);
    let run = check_human(&site);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "site.toml:1:1: error: id_pattern is not a valid regular expression: unclosed character class at character 6 of `^INC-[0-9{4}$`\n1 error, 0 warnings in site.toml\n"
    );
    site.write("site.toml", "");
    site.write(
        "content/a.md",
        report(
            "INC-2024-001",
            "[c3](java%0Ascript:alert(1)) and [c4](x%0D%0Aerror%3A%20fake)",
        ),
    );
    let b = "---\nid: \"INC-2024-002\\nerror: fake\"\ntitle: T\nseverity: SEV4\ndate: 2024-04-01\n---\n\n## Summary\nx\n";
    // Links are checked when the reports have no other error: a.md alone, then with b.md.
    let stages: [(Option<&str>, &[&str]); 2] = [
        (
            None,
            &[
                "content/a.md:9:1: error: link target `java%0Ascript:alert(1)` does not exist\n    hint: it resolves to `incidents/inc-2024-001/java\\nscript:alert(1)`; put the file beside the report: files there are copied beside its page\n",
                "    hint: it resolves to `incidents/inc-2024-001/x\\r\\nerror: fake`;",
            ],
        ),
        (
            Some(b),
            &["content/b.md:2:5: error: id `INC-2024-002\\nerror: fake` does not match id_pattern"],
        ),
    ];
    let mut findings = 0;
    for (extra, wants) in stages {
        if let Some(text) = extra {
            site.write("content/b.md", text);
        }
        for format in ["human", "github"] {
            let run = guarded(pirsite().current_dir(site.root()).args([
                "check",
                "--today",
                "2024-05-01",
                "--format",
                format,
            ]));
            assert_eq!(run.code, 1, "{}", run.stdout);
            for line in run.stdout.lines() {
                let finding =
                    line.starts_with("content/") || line.starts_with("::error file=content/");
                findings += usize::from(finding);
                assert!(
                    finding || line.starts_with("    hint: ") || line.contains(" warnings in "),
                    "{format}: {line:?}\n{}",
                    run.stdout
                );
            }
            if format == "human" {
                for want in wants {
                    assert!(run.stdout.contains(want), "{want}\n{}", run.stdout);
                }
            }
        }
    }
    // Two links, then one id, in each of the two forms.
    assert_eq!(findings, 6);
}
