//! The command line as a user meets it: exit codes, the three output forms, and what `build`
//! does (and refuses to do) to the output folder. Each test runs the `pirsite` binary on a copy
//! of `tests/fixtures/small` (four reports: one published SEV3 with an asset beside it, one
//! draft, one under review, one published SEV4 in another folder) or on a small site of its own.

mod common;

use common::{TestSite, pirsite, read, tree};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

fn run(cmd: &mut std::process::Command) -> Output {
    cmd.output().expect("pirsite runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

/// Names in a folder (to see that no staging folder is left behind).
fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

const BROKEN: &str = "---\nid: INC-2024-009\ntitle: Broken\nseverity: SEV9\ndate: 2024-02-30\n---\n\n## Summary\nx\n";
const WARNS: &str = "---\nid: INC-2024-010\ntitle: Warns\nseverity: SEV4\ndate: 2024-01-05\nownr: me\n---\n\n## Summary\nx\n";

// --- check: exit codes and formats ----------------------------------------------------

#[test]
fn check_a_clean_site_exits_0() {
    let site = TestSite::fixture("small");
    let o = run(site.cmd().args(["check", "--today", "2024-05-01"]));
    assert_eq!(
        (code(&o), stdout(&o).as_str()),
        (0, "no problems in 4 reports\n")
    );
}

#[test]
fn check_with_errors_exits_1_and_prints_every_problem_then_a_summary() {
    let site = TestSite::fixture("small");
    site.write("content/incidents/2024/broken.md", BROKEN);
    site.write("content/incidents/2024/warns.md", WARNS);
    let o = run(site.cmd().args(["check", "--today", "2024-05-01"]));
    assert_eq!(code(&o), 1);
    assert_eq!(
        stdout(&o),
        "content/incidents/2024/broken.md:4:11: error: unknown severity `SEV9`
    hint: use one of SEV1, SEV2, SEV3, SEV4 (the levels of site.toml)
content/incidents/2024/broken.md:5:7: error: `date` is not a calendar date in YYYY-MM-DD form: `2024-02-30`
    hint: `2024-02-30` does not exist in the calendar
content/incidents/2024/warns.md:6:1: warning: unknown front-matter key `ownr`
    hint: put data of your own under `extra:`
2 errors, 1 warning in 2 of 6 reports
"
    );
}

/// A symbolic link the walk skips is an other file in the summary, even when it is named like
/// a report: "N of M reports" counts only reports, and N is never above M.
#[cfg(unix)]
#[test]
fn a_skipped_link_is_counted_as_an_other_file_not_a_report() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("INC-2024-011.md"), WARNS).unwrap();
    let site = TestSite::fixture("small");
    let link = "content/incidents/INC-2024-011.md";
    symlink(outside.path().join("INC-2024-011.md"), site.path(link)).unwrap();
    let o = run(site.cmd().args(["check", "--today", "2024-05-01"]));
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(
        out.starts_with(&format!(
            "{link}:1:1: warning: symbolic link leads out of the content folder (to "
        )),
        "{out}"
    );
    assert!(
        out.ends_with(&format!("\n0 errors, 1 warning in {link}\n")),
        "{out}"
    );
    // Beside a report with a finding, and a link loop named like a report.
    site.write("content/incidents/2024/warns.md", WARNS);
    symlink(site.path("content"), site.path("content/incidents/loop.md")).unwrap();
    let o = run(site.cmd().args(["check", "--today", "2024-05-01"]));
    assert!(
        stdout(&o).ends_with("\n0 errors, 3 warnings in 1 of 5 reports and 2 other files\n"),
        "{}",
        stdout(&o)
    );
}

/// Runs `cmd` with stdout and stderr one pipe whose read end is closed before the command
/// writes (as in `pirsite check 2>&1 | head -1` once `head` has gone): every write fails.
fn run_into_closed_pipe(cmd: &mut std::process::Command) -> i32 {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let status = cmd
        .stdout(writer.try_clone().expect("pipe"))
        .stderr(writer)
        .status()
        .expect("pirsite runs");
    // 101 is the status of a panic.
    status.code().expect("exited normally")
}

#[test]
fn a_closed_output_is_no_panic_and_exits_with_a_status_of_the_table() {
    let site = TestSite::fixture("small");
    // `check` cannot print its findings: that is exit 2, with or without findings.
    assert_eq!(
        run_into_closed_pipe(site.cmd().args(["check", "--today", "2024-05-01"])),
        2
    );
    // The message says why, where stderr is still open.
    let o = run(site.cmd().args(["check", "--today", "2024-05-01"]).stdout({
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        writer
    }));
    assert_eq!(
        (code(&o), stderr(&o).as_str()),
        (
            2,
            "error: cannot print the findings: Broken pipe (os error 32)\n"
        )
    );
    // A build's summary line is lost, not the build.
    assert_eq!(
        run_into_closed_pipe(site.cmd().args(["build", "--today", "2024-05-01"])),
        0
    );
    assert!(site.path("public/index.html").exists());
    // So is `new`'s path; the report is written.
    assert_eq!(
        run_into_closed_pipe(site.cmd().args([
            "new",
            "--severity",
            "SEV4",
            "--date",
            "2024-06-03",
            "x"
        ])),
        0
    );
    assert!(site.path("content/incidents/2024/INC-2024-004.md").exists());
    // Errors that cannot be printed keep their status.
    site.write("content/incidents/2024/broken.md", BROKEN);
    assert_eq!(
        run_into_closed_pipe(site.cmd().args(["build", "--today", "2024-05-01"])),
        1
    );
    assert_eq!(
        run_into_closed_pipe(site.cmd().args(["check", "--today", "2024-05-01"])),
        2
    );
    assert_eq!(
        run_into_closed_pipe(site.cmd().args(["check", "--today", "2024-13-01"])),
        2
    );
    site.write("site.toml", "nope = 1\n");
    for args in [&["check"][..], &["build"], &["check", "--format", "json"]] {
        assert_ne!(run_into_closed_pipe(site.cmd().args(args)), 101, "{args:?}");
    }
    assert_eq!(run_into_closed_pipe(site.cmd().args(["check"])), 2);
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let site = TestSite::fixture("small");
    site.write("content/incidents/2024/warns.md", WARNS);
    let o = run(site.cmd().args(["check", "--today", "2024-05-01"]));
    assert_eq!(code(&o), 0);
    assert!(
        stdout(&o).ends_with("0 errors, 1 warning in 1 of 5 reports\n"),
        "{}",
        stdout(&o)
    );
    let o = run(site
        .cmd()
        .args(["check", "--today", "2024-05-01", "--deny-warnings"]));
    assert_eq!(code(&o), 1);
    // The summary counts the warning as passing; stderr says why the run fails.
    assert_eq!(
        stderr(&o),
        "error: failing on 1 warning (--deny-warnings)\n"
    );
    // build prints warnings but succeeds.
    let o = run(site.cmd().args(["build", "--today", "2024-05-01"]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("warning: unknown front-matter key `ownr`"));
}

#[test]
fn usage_errors_exit_2() {
    let site = TestSite::fixture("small");
    for args in [
        vec!["check", "--today", "2024-13-01"],
        vec!["check", "--today", "May 1"],
        vec!["build", "--today", "tomorrow"],
        vec!["check", "--format", "xml"],
        vec!["check", "--no-such-flag"],
        vec!["frobnicate"],
        vec!["check", "--root", "does/not/exist"],
        vec!["build", "--root", "does/not/exist"],
    ] {
        let o = run(site.cmd().args(&args));
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
    }
    let o = run(site.cmd().args(["check", "--root", "does/not/exist"]));
    assert_eq!(
        stderr(&o),
        "error: does/not/exist: site folder does not exist\n"
    );
    // A file is not a site folder; nothing is printed on stdout, even with --format json.
    let file = site.path("site.toml");
    let o = run(site
        .cmd()
        .args(["check", "--format", "json", "--root"])
        .arg(&file));
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        format!(
            "error: {}: not a folder: --root names the site's folder\n",
            file.display()
        )
    );
    assert_eq!(stdout(&o), "");
    // A folder with neither site.toml nor content/ is not a site: a mistyped --root.
    let empty = tempfile::tempdir().unwrap();
    for cmd in ["check", "build"] {
        let o = run(site.cmd().args([cmd, "--root"]).arg(empty.path()));
        assert_eq!(code(&o), 2, "{cmd}");
        assert_eq!(
            stderr(&o),
            format!(
                "error: {}: not a pirsite site: no site.toml and no `content` folder here\n    \
                 hint: run pirsite in the site's folder, or pass it with --root; to start a site here, create a `content` folder (site.toml is optional)\n",
                empty.path().display()
            )
        );
    }
    assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0);
    let o = run(site
        .cmd()
        .arg("check")
        .env("SOURCE_DATE_EPOCH", "yesterday"));
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "error: SOURCE_DATE_EPOCH is not a number of seconds: `yesterday`\n"
    );
}

#[test]
fn a_broken_site_toml_exits_1_in_every_format() {
    let site = TestSite::fixture("small");
    site.write("site.toml", "title = \"x\"\nbase_ulr = \"/\"\n");
    let o = run(site.cmd().arg("check"));
    assert_eq!(code(&o), 1);
    assert_eq!(
        stdout(&o),
        "site.toml:2:1: error: unknown key `base_ulr` in site.toml\n    hint: did you mean `base_url`?\n1 error, 0 warnings in site.toml\n"
    );
    let o = run(site.cmd().args(["check", "--format", "json"]));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json[0]["path"], "site.toml");
    assert_eq!(json[0]["line"], 2);
    let o = run(site.cmd().args(["build"]));
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("site.toml:2:1: error: unknown key `base_ulr`"));
    assert!(!site.path("public").exists());
}

/// `pirsite <args>` in `site`'s root, for which `file` cannot be read: its permissions are
/// taken away, and when that is not enough (the tests run as root, which reads any file) the
/// command runs without the capabilities that let root read it, through util-linux's
/// `setpriv`.
#[cfg(target_os = "linux")]
fn run_unable_to_read(site: &TestSite, file: &str, args: &[&str]) -> Output {
    use std::os::unix::fs::PermissionsExt;
    let path = site.path(file);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let mut cmd = if std::fs::read(&path).is_err() {
        site.cmd()
    } else {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--bounding-set=-dac_override,-dac_read_search"])
            .arg(env!("CARGO_BIN_EXE_pirsite"))
            .env_remove("SOURCE_DATE_EPOCH")
            .current_dir(site.root());
        c
    };
    let o = run(cmd.args(args));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    o
}

/// A file pirsite is not allowed to read is an I/O error, exit 2 (a broken symbolic link in
/// the content is the content's error, exit 1: `tests/hostile.rs`).
#[cfg(target_os = "linux")]
#[test]
fn a_report_or_site_toml_that_cannot_be_read_exits_2() {
    let site = TestSite::fixture("small");
    let report = "content/incidents/2024/INC-2024-003.md";
    assert!(site.path(report).is_file());
    let o = run_unable_to_read(&site, report, &["check", "--today", "2024-05-01"]);
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).starts_with(&format!(
            "{report}:1:1: error: cannot read: Permission denied (os error 13)\n"
        )),
        "{}",
        stdout(&o)
    );
    let o = run_unable_to_read(&site, report, &["build", "--today", "2024-05-01"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot read: Permission denied"),
        "{}",
        stderr(&o)
    );
    assert!(!site.path("public").exists());
    // The same report readable again: the site builds.
    let o = run(site.cmd().args(["build", "--today", "2024-05-01"]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for args in [&["check"][..], &["build"]] {
        let o = run_unable_to_read(&site, "site.toml", args);
        assert_eq!(code(&o), 2, "{args:?}: {}{}", stdout(&o), stderr(&o));
        assert!(
            format!("{}{}", stdout(&o), stderr(&o))
                .contains("site.toml:1:1: error: cannot read site.toml: Permission denied"),
            "{args:?}: {}{}",
            stdout(&o),
            stderr(&o)
        );
    }
}

#[test]
fn json_format_is_an_array_of_diagnostics() {
    let site = TestSite::fixture("small");
    site.write("content/incidents/2024/broken.md", BROKEN);
    site.write("content/incidents/2024/warns.md", WARNS);
    let o = run(site.cmd().args(["check", "--format", "json"]));
    assert_eq!(code(&o), 1);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let items = json.as_array().expect("an array");
    assert_eq!(items.len(), 3);
    assert_eq!(
        items[0],
        serde_json::json!({
            "path": "content/incidents/2024/broken.md",
            "line": 4,
            "col": 11,
            "level": "error",
            "message": "unknown severity `SEV9`",
            "hint": "use one of SEV1, SEV2, SEV3, SEV4 (the levels of site.toml)"
        })
    );
    assert_eq!(items[2]["level"], "warning");
    // A clean site gives an empty array.
    let clean = TestSite::fixture("small");
    let o = run(clean.cmd().args(["check", "--format", "json"]));
    assert_eq!((code(&o), stdout(&o).trim()), (0, "[]"));
}

#[test]
fn github_format_escapes_data_and_properties() {
    let site = TestSite::fixture("small");
    site.write(
        "content/incidents/2024/odd,name:1.md",
        "---\nid: INC-2024-011\ntitle: Odd\nseverity: SEV4\ndate: 2024-01-05\nstatus: \"100%\"\n---\n\n## Summary\nx\n",
    );
    let o = run(site.cmd().args(["check", "--format", "github"]));
    assert_eq!(code(&o), 1);
    assert_eq!(
        stdout(&o),
        "::error file=content/incidents/2024/odd%2Cname%3A1.md,line=6,col=10::unknown status `100%25`%0Ahint: use draft, review or published\n"
    );
}

// --- build: what it writes and what it refuses ----------------------------------------

#[test]
fn build_writes_one_page_per_published_report_and_nothing_else_on_errors() {
    let site = TestSite::fixture("small");
    let o = run(site.cmd().args(["build", "--today", "2024-05-01"]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let public = site.path("public");
    for page in [
        "index.html",
        "incidents/inc-2024-001/index.html",
        "incidents/inc-2023-050/index.html",
    ] {
        assert!(public.join(page).is_file(), "{page}");
    }
    assert!(public.join(".pirsite-output").is_file());

    let site = TestSite::fixture("small");
    site.write("content/incidents/2024/broken.md", BROKEN);
    let o = run(site.cmd().args(["build", "--today", "2024-05-01"]));
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("error: the site was not written because of the errors above"),
        "{}",
        stderr(&o)
    );
    assert!(!site.path("public").exists());
    assert_eq!(names(site.root()), names(TestSite::fixture("small").root()));
}

#[test]
fn a_failed_build_leaves_the_previous_output_intact_and_no_temporary_folder() {
    let site = TestSite::fixture("small");
    // Two builds: the second keeps the first as the spare, which a build prepares while the
    // reports are checked and must hand back when it fails.
    for _ in 0..2 {
        let o = run(site.cmd().args(["build", "--today", "2024-05-01"]));
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    let before = tree(&site.path("public"));
    let spare = tree(&site.path(".public.pirsite-spare"));
    assert!(!spare.is_empty());
    let entries = names(site.root());

    // A content error.
    site.write("content/incidents/2024/broken.md", BROKEN);
    let o = run(site.cmd().args(["build", "--today", "2024-06-01"]));
    assert_eq!(code(&o), 1);
    assert_eq!(tree(&site.path("public")), before);
    assert_eq!(tree(&site.path(".public.pirsite-spare")), spare);
    assert_eq!(names(site.root()), entries);
    std::fs::remove_file(site.path("content/incidents/2024/broken.md")).unwrap();

    // A template that does not parse, and one that fails while rendering a page.
    for (template, message) in [
        (
            "{% extends \"base.html\" %}\n{% block content %}\n{{ nope( }}\n{% endblock %}\n",
            "theme/templates/incident.html:3:",
        ),
        (
            "{% extends \"base.html\" %}\n{% block content %}\n{{ no_such_thing.x }}\n{% endblock %}\n",
            "theme/templates/incident.html:3:",
        ),
    ] {
        site.write("theme/templates/incident.html", template);
        let o = run(site.cmd().args(["build", "--today", "2024-06-01"]));
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        assert!(stderr(&o).contains(message), "{}", stderr(&o));
        assert!(stderr(&o).contains("template error"), "{}", stderr(&o));
        // The spare was written into before the page failed: it is scratch space, still
        // there for the next build (below), never the output.
        assert_eq!(tree(&site.path("public")), before);
        let mut with_theme = entries.clone();
        with_theme.insert("theme".into());
        assert_eq!(names(site.root()), with_theme);
    }
}

#[test]
fn an_unknown_filter_or_function_in_a_template_is_reported_where_it_is_written() {
    let site = TestSite::fixture("small");
    site.write(
        "theme/templates/incident.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ page.title | nofilter }}</p>\n\
         {{ nofunc() }} {{ 1 | nofilter }}\n{% endblock %}\n",
    );
    // `check` prints its findings on standard output, `build` on standard error.
    for (command, out) in [
        ("check", stdout as fn(&Output) -> String),
        ("build", stderr),
    ] {
        let o = run(site.cmd().args([command, "--today", "2024-06-01"]));
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        assert!(
            out(&o).starts_with(
                "theme/templates/incident.html:3:20: error: template error: \
                 Unknown filter `nofilter` (and 2 more like it)\n"
            ),
            "{}",
            out(&o)
        );
    }
}

#[test]
fn check_renders_one_page_of_each_kind_when_templates_are_overridden() {
    // A template that parses but fails while rendering: `check` finds it as `build` does,
    // for every kind of page, at the template's line.
    let site = TestSite::fixture("small");
    for name in [
        "index.html",
        "incident.html",
        "severity.html",
        "tags.html",
        "tag.html",
        "services.html",
        "service.html",
        "actions.html",
        "overdue.html",
        "404.html",
        "base.html",
    ] {
        let embedded =
            std::fs::read_to_string(common::repo().join("theme/templates").join(name)).unwrap();
        // An unknown variable where every page of the kind reaches it.
        let broken = if name == "base.html" {
            embedded.replacen("<body", "{{ no_such_thing.x }}<body", 1)
        } else {
            embedded.replacen(
                "{% block content %}",
                "{% block content %}\n{{ no_such_thing.x }}",
                1,
            )
        };
        assert_ne!(broken, embedded, "{name}");
        site.write(&format!("theme/templates/{name}"), &broken);
        let line = broken
            .lines()
            .position(|l| l.contains("no_such_thing"))
            .unwrap()
            + 1;
        let want = format!("theme/templates/{name}:{line}:");
        let o = run(site.cmd().args(["check", "--today", "2024-06-01"]));
        assert_eq!(code(&o), 1, "{name}: {}", stdout(&o));
        assert!(stdout(&o).contains(&want), "{name}: {}", stdout(&o));
        assert!(stdout(&o).contains("template error"), "{}", stdout(&o));
        let o = run(site.cmd().args(["build", "--today", "2024-06-01"]));
        assert_eq!(code(&o), 1, "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains(&want), "{name}: {}", stderr(&o));
        // The embedded template, as an override, passes.
        site.write(&format!("theme/templates/{name}"), &embedded);
        let o = run(site.cmd().args(["check", "--today", "2024-06-01"]));
        assert_eq!(code(&o), 0, "{name}: {}", stdout(&o));
    }
}

#[test]
fn check_finds_what_only_a_template_gets_wrong_and_names_the_page() {
    let site = TestSite::fixture("small");
    let incident =
        std::fs::read_to_string(common::repo().join("theme/templates/incident.html")).unwrap();
    // A link the template writes to a file that is not there: `check` checks the links of
    // the pages it renders, as `build` does, and both name the page from the site root.
    let with = |extra: &str| {
        incident.replacen(
            "{% block content %}",
            &format!("{{% block content %}}\n{extra}"),
            1,
        )
    };
    site.write(
        "theme/templates/incident.html",
        with("<link rel=\"stylesheet\" href=\"{{ root }}extra.css\">"),
    );
    // At the page's line and column in the output folder, named from the site root.
    let broken = regex::Regex::new(
        r"(?m)^public/incidents/inc-2024-001/index\.html:\d+:30: error: link target `\.\./\.\./extra\.css` does not exist$",
    )
    .unwrap();
    let o = run(site.cmd().args(["check", "--today", "2024-06-01"]));
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(broken.is_match(&stdout(&o)), "{}", stdout(&o));
    let o = run(site.cmd().args(["build", "--today", "2024-06-01"]));
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(broken.is_match(&stderr(&o)), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("error: the site was not written because of the errors above"),
        "{}",
        stderr(&o)
    );
    site.write("theme/static/extra.css", "p { margin: 0; }\n");
    let o = run(site.cmd().args(["check", "--today", "2024-06-01"]));
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    // A value only some reports set fails on the page of a report without it, and the error
    // says which report that is (here the only published one without it).
    let with_team = |rel: &str| {
        let text = std::fs::read_to_string(site.path(rel)).unwrap();
        site.write(
            rel,
            text.replacen("\n---\n", "\nextra: {team: Identity}\n---\n", 1),
        );
    };
    with_team("content/incidents/2023/INC-2023-050.md");
    site.write(
        "theme/templates/incident.html",
        with("<p>{{ incident.extra.team }}</p>"),
    );
    let line = with("X").lines().position(|l| l == "X").unwrap() + 1;
    let o = run(site.cmd().args(["build", "--today", "2024-06-01"]));
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("theme/templates/incident.html:{line}:"))
            && stderr(&o).contains("(on the page of content/incidents/2024/INC-2024-001.md)"),
        "{}",
        stderr(&o)
    );
}

/// The embedded `tag.html` with `line` added as its line 6.
fn tag_template_with(line: &str) -> String {
    let tag = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("theme/templates/tag.html"),
    )
    .unwrap();
    let mut lines: Vec<&str> = tag.lines().collect();
    lines.insert(5, line);
    lines.join("\n") + "\n"
}

#[test]
fn check_and_build_name_the_same_page_for_a_template_that_fails_on_every_page_of_a_kind() {
    // The sample archive: many tags, so many pages fail at once.
    let site = common::sample_site();
    let templates = site.path().join("theme/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("tag.html"),
        tag_template_with("{{ no_such_thing.x }}"),
    )
    .unwrap();
    let page = |args: &[&str]| {
        let o = run(pirsite()
            .current_dir(site.path())
            .args(args)
            .args(["--today", "2026-11-27"]));
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        let text = format!("{}{}", stdout(&o), stderr(&o));
        let line = text
            .lines()
            .find(|l| l.starts_with("theme/templates/tag.html:6:"))
            .unwrap_or_else(|| panic!("{text}"))
            .to_string();
        line.rsplit_once("(on the page ")
            .unwrap_or_else(|| panic!("{line}"))
            .1
            .trim_end_matches(')')
            .to_string()
    };
    let checked = page(&["check"]);
    for _ in 0..3 {
        assert_eq!(page(&["build"]), checked);
    }
}

#[test]
fn a_tag_left_open_is_reported_where_it_is_opened_not_where_tera_gave_up() {
    for (line, want) in [
        (
            "{% if term.name %}oops",
            "theme/templates/tag.html:6:1: error: template error: `{% if %}` is not closed: \
             `{% endif %}` is missing before the `{% endblock %}` of line 8\n    \
             hint: add `{% endif %}` where the `if`'s body ends\n",
        ),
        (
            "{% endif %}",
            "theme/templates/tag.html:6:1: error: template error: `{% endif %}` closes no \
             `{% if %}`\n    hint: remove it, or add the `{% if ... %}` it was meant to close\n",
        ),
    ] {
        let site = TestSite::fixture("small");
        site.write("theme/templates/tag.html", tag_template_with(line));
        let o = run(site.cmd().args(["check", "--today", "2024-06-01"]));
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        assert!(stdout(&o).starts_with(want), "{}", stdout(&o));
    }
}

#[test]
fn a_static_file_cannot_replace_a_page_pirsite_writes() {
    let site = TestSite::fixture("small");
    let o = run(site.cmd().args(["build", "--today", "2024-06-01"]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let before = tree(&site.path("public"));
    for name in [
        "404.html",
        "index.html",
        "tags/index.html",
        "incidents.json",
        ".pirsite-output",
    ] {
        site.write(&format!("theme/static/{name}"), "replaced\n");
        let want = format!("theme/static/{name}:");
        let o = run(site.cmd().args(["check", "--today", "2024-06-01"]));
        assert_eq!(code(&o), 1, "{name}: {}", stdout(&o));
        assert!(stdout(&o).starts_with(&want), "{name}: {}", stdout(&o));
        assert!(
            stdout(&o).contains(&format!("static file `{name}` would replace")),
            "{}",
            stdout(&o)
        );
        let o = run(site.cmd().args(["build", "--today", "2024-06-01"]));
        assert_eq!(code(&o), 1, "{name}: {}", stderr(&o));
        assert!(stderr(&o).starts_with(&want), "{name}: {}", stderr(&o));
        assert_eq!(tree(&site.path("public")), before, "{name}");
        std::fs::remove_file(site.path(&format!("theme/static/{name}"))).unwrap();
    }
}

#[test]
fn a_theme_override_replaces_the_embedded_file() {
    let site = TestSite::fixture("small");
    site.write("theme/static/style.css", "body { color: rebeccapurple; }\n");
    site.write("theme/static/extra.txt", "added by the site\n");
    // A host's dot-file is copied; an editor's swap file and the Finder's file are not.
    site.write("theme/static/.nojekyll", "");
    site.write("theme/static/.style.css.swp", "swap");
    site.write("theme/static/.DS_Store", "finder");
    let o = run(site.cmd().args(["build", "--today", "2024-05-01"]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(site.path("public/.nojekyll").is_file());
    assert!(!site.path("public/.style.css.swp").exists());
    assert!(!site.path("public/.DS_Store").exists());
    assert_eq!(
        std::fs::read_to_string(site.path("public/style.css")).unwrap(),
        "body { color: rebeccapurple; }\n"
    );
    assert!(site.path("public/extra.txt").is_file());
}

/// A site's `base.html` that lost a block the built-in pages fill is the finding, at that
/// file, not the first built-in template Tera met.
#[test]
fn a_block_removed_from_an_overridden_base_names_that_file() {
    let site = TestSite::fixture("small");
    let base = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("theme/templates/base.html"),
    )
    .unwrap();
    let cut = base.replacen("{% block content %}{% endblock %}", "", 1);
    assert_ne!(cut, base);
    site.write("theme/templates/base.html", cut);
    for command in ["check", "build"] {
        let o = run(site.cmd().args([command, "--today", "2024-05-01"]));
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        let out = if command == "check" {
            stdout(&o)
        } else {
            stderr(&o)
        };
        assert!(
            out.starts_with(
                "theme/templates/base.html:1:1: error: template error: `base.html` defines no block `content`, which `404.html` and 9 more templates extending it fill\n    \
                 hint: put `{% block content %}{% endblock %}` back in theme/templates/base.html, where the page's content goes\n"
            ),
            "{out}"
        );
    }
}

/// Overrides that would do nothing without a word: a `theme_dir` that does not exist, and
/// theme files one folder too high. A README or a licence there is the theme's own.
#[test]
fn theme_files_that_would_not_be_used_are_reported() {
    let site = TestSite::fixture("small");
    site.write("theme/incident.html", "{% extends \"base.html\" %}\n");
    site.write("theme/style.css", "body { color: rebeccapurple; }\n");
    site.write("theme/partials/incident_item.html", "<li>x</li>\n");
    site.write("theme/README.md", "# Our theme\n");
    site.write("theme/templates/tag.html", "{% extends \"base.html\" %}\n");
    let o = run(site.cmd().args(["check", "--today", "2024-05-01"]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "theme/incident.html:1:1: warning: not used: templates are read from `theme/templates/`\n    hint: move it to `theme/templates/incident.html`\n\
         theme/partials/:1:1: warning: not used: templates are read from `theme/templates/`\n    hint: move it to `theme/templates/partials/`\n\
         theme/style.css:1:1: warning: not used: static files are read from `theme/static/`\n    hint: move it to `theme/static/style.css`\n\
         0 errors, 3 warnings in 3 other files\n"
    );
    assert_eq!(
        code(&run(site.cmd().args(["build", "--today", "2024-05-01"]))),
        0
    );
    let toml = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write("site.toml", format!("theme_dir = \"themes/ours\"\n{toml}"));
    let line = 1;
    let before = tree(&site.path("public"));
    for command in ["check", "build"] {
        let o = run(site.cmd().args([command, "--today", "2024-05-01"]));
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        let out = if command == "check" {
            stdout(&o)
        } else {
            stderr(&o)
        };
        assert!(
            out.starts_with(&format!(
                "site.toml:{line}:1: error: theme folder `themes/ours` does not exist\n    hint: create it with the files to override (`themes/ours/templates/`, `themes/ours/static/`), or remove `theme_dir` to use the built-in theme\n"
            )),
            "{out}"
        );
    }
    assert_eq!(tree(&site.path("public")), before);
}

/// An `output_dir` that `build` refuses wherever it runs fails `check` too, at its line of
/// site.toml, so the pull request that sets it does not pass and then fail to publish.
#[test]
fn check_reports_an_output_dir_build_would_refuse() {
    let site = TestSite::fixture("small");
    let toml = std::fs::read_to_string(site.path("site.toml")).unwrap();
    let root = std::fs::canonicalize(site.path("")).unwrap();
    let root = root.display();
    for (dir, why) in [
        (
            "content",
            format!("it overlaps {root}/content, which the site is made from"),
        ),
        (
            "content/site",
            format!("it overlaps {root}/content, which the site is made from"),
        ),
        (".", format!("it contains the site itself ({root})")),
    ] {
        site.write("site.toml", format!("output_dir = \"{dir}\"\n{toml}"));
        let o = run(site.cmd().args(["check", "--today", "2024-05-01"]));
        assert_eq!(code(&o), 1, "{dir}: {}", stdout(&o));
        assert_eq!(
            stdout(&o),
            format!(
                "site.toml:1:1: error: `build` would refuse output_dir `{dir}`: {why}\n    hint: set output_dir to a folder of its own beside the content, such as `public`\n1 error, 0 warnings in site.toml\n"
            )
        );
        let o = run(site.cmd().args(["build", "--today", "2024-05-01"]));
        assert_eq!(code(&o), 2, "{dir}: {}", stderr(&o));
    }
    // A folder elsewhere is fine.
    site.write(
        "site.toml",
        format!("output_dir = \"../elsewhere\"\n{toml}"),
    );
    assert_eq!(
        code(&run(site.cmd().args(["check", "--today", "2024-05-01"]))),
        0
    );
}

#[test]
fn an_output_folder_not_made_by_pirsite_is_refused_and_untouched() {
    let site = TestSite::fixture("small");
    site.write("public/notes.txt", "my own notes\n");
    site.write("public/drafts/plan.md", "plans\n");
    let before = tree(&site.path("public"));
    let o = run(site.cmd().args(["build", "--today", "2024-05-01"]));
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("it is not empty and was not made by pirsite"),
        "{}",
        stderr(&o)
    );
    // There was no previous output to speak of.
    assert!(
        stderr(&o).ends_with("error: the site was not written; nothing was changed\n"),
        "{}",
        stderr(&o)
    );
    assert_eq!(tree(&site.path("public")), before);

    // An empty folder, or one holding only dot-files, is fine.
    let site = TestSite::fixture("small");
    site.write("public/.git/HEAD", "ref: refs/heads/pages\n");
    let o = run(site.cmd().args(["build", "--today", "2024-05-01"]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(site.path("public/index.html").is_file());
}

#[test]
fn files_of_ones_own_in_the_output_are_kept_by_every_build() {
    let site = TestSite::fixture("small");
    let build = || run(site.cmd().args(["build", "--today", "2024-05-01"]));
    let o = build();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!stderr(&o).contains("note: kept"), "{}", stderr(&o));
    // Put in the output by hand: at its root, in a folder of one's own, beside a page.
    site.write("public/CNAME", "incidents.example.org\n");
    site.write("public/downloads/runbook.pdf", "%PDF\n");
    site.write("public/incidents/inc-2024-001/notes.txt", "mine\n");
    // The first build makes a new folder, the next ones recycle the spare: none loses them.
    for n in 0..3 {
        let o = build();
        assert_eq!(code(&o), 0, "build {n}: {}", stderr(&o));
        assert_eq!(
            stderr(&o),
            "note: kept 3 files in ./public that pirsite did not write: CNAME, \
             downloads/runbook.pdf, incidents/inc-2024-001/notes.txt; they are carried into \
             every build as they are (files under the site's theme/static/ become part of it)\n",
            "build {n}"
        );
        assert_eq!(
            read(&site.path("public"), "CNAME"),
            "incidents.example.org\n"
        );
        assert_eq!(
            read(&site.path("public"), "downloads/runbook.pdf"),
            "%PDF\n"
        );
        assert_eq!(
            read(&site.path("public"), "incidents/inc-2024-001/notes.txt"),
            "mine\n"
        );
        assert!(
            site.path("public/incidents/inc-2024-001/index.html")
                .is_file()
        );
    }
    // A build that would write where such a file is leaves everything as it was.
    site.write("theme/static/CNAME", "pages.example.org\n");
    let before = tree(&site.path("public"));
    let o = build();
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let refused = format!(
        "error: refusing to replace {}: pirsite did not write it, and this build writes a file \
         there (or needs a folder there); move it out of the output, or into the site's \
         theme/static/ to make it part of the site\n",
        std::fs::canonicalize(site.path("public"))
            .unwrap()
            .join("CNAME")
            .display()
    );
    assert!(stderr(&o).starts_with(&refused), "{}", stderr(&o));
    assert_eq!(tree(&site.path("public")), before);
}

#[test]
fn outputs_that_would_wipe_the_site_are_refused() {
    let outer = TestSite::new();
    let site_dir = outer.path("site");
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small"),
        &site_dir,
    );
    let before = tree(outer.root());
    for output in [
        site_dir.to_str().unwrap().to_string(),
        site_dir.join("content").to_str().unwrap().to_string(),
        site_dir
            .join("content/incidents/out")
            .to_str()
            .unwrap()
            .to_string(),
        outer.root().to_str().unwrap().to_string(),
        "/".to_string(),
        ".".to_string(),
        "..".to_string(),
    ] {
        let o = run(pirsite().current_dir(&site_dir).args([
            "build",
            "--today",
            "2024-05-01",
            "--output",
            &output,
        ]));
        assert_eq!(code(&o), 2, "{output}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("refusing to build into"),
            "{output}: {}",
            stderr(&o)
        );
        assert_eq!(tree(outer.root()), before, "{output}");
    }
    // output_dir in site.toml is checked the same way.
    std::fs::write(site_dir.join("site.toml"), "output_dir = \"content\"\n").unwrap();
    let o = run(pirsite()
        .current_dir(&site_dir)
        .args(["build", "--today", "2024-05-01"]));
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}

#[test]
fn output_is_relative_to_the_current_folder() {
    let outer = TestSite::new();
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small"),
        &outer.path("site"),
    );
    let o = run(pirsite().current_dir(outer.root()).args([
        "build",
        "--root",
        "site",
        "--output",
        "out",
        "--today",
        "2024-05-01",
    ]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(outer.path("out/index.html").is_file());
    assert!(!outer.path("site/out").exists());
    assert!(!outer.path("site/public").exists());
}

#[test]
fn dot_files_and_files_of_ones_own_survive_rebuilds_and_stale_pages_go() {
    let site = TestSite::fixture("small");
    let build = || run(site.cmd().args(["build", "--today", "2024-05-01"]));
    assert_eq!(code(&build()), 0);
    site.write("public/.git/HEAD", "ref: refs/heads/pages\n");
    site.write("public/.nojekyll", "");
    site.write("public/stale.html", "left over\n");
    std::fs::remove_file(site.path("content/incidents/2023/INC-2023-050.md")).unwrap();
    let o = build();
    // INC-2024-001 still names INC-2023-050 in `related` and its summary.
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    site.write(
        "content/incidents/2023/INC-2023-050.md",
        "---\nid: INC-2023-050\ntitle: T\nseverity: SEV4\ndate: 2023-10-09\nstatus: draft\n---\n## Summary\nx\n",
    );
    let o = build();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(site.path("public/.git/HEAD")).unwrap(),
        "ref: refs/heads/pages\n"
    );
    assert!(site.path("public/.nojekyll").is_file());
    // A file put in the output by hand is the user's, kept; a page no longer built goes.
    assert_eq!(
        std::fs::read_to_string(site.path("public/stale.html")).unwrap(),
        "left over\n"
    );
    assert!(!site.path("public/incidents/inc-2023-050").exists());
    assert!(
        site.path("public/incidents/inc-2024-001/index.html")
            .is_file()
    );
}

#[test]
fn rebuilds_recycle_the_replaced_output_and_match_a_fresh_build() {
    let site = TestSite::fixture("small");
    let build = |out: &str| {
        run(site
            .cmd()
            .args(["build", "--today", "2024-05-01", "--output", out]))
    };
    let fresh = |name: &str| {
        assert_eq!(code(&build(name)), 0);
        tree(&site.path(name))
    };
    assert_eq!(code(&build("public")), 0);
    let mut entries = names(site.root());
    // Each rebuild after an edit gives what a fresh build gives; from the second rebuild on,
    // the build writes into the spare (the output the previous build replaced).
    let edits: [(&str, &str, &str); 3] = [
        (
            "content/incidents/2024/INC-2024-001.md",
            "## Summary",
            "## Summary\nEdited once.",
        ),
        (
            "content/incidents/2024/INC-2024-001.md",
            "Edited once.",
            "Edited twice.",
        ),
        (
            "content/incidents/2023/INC-2023-050.md",
            "## Summary",
            "## Summary\nAnother edit.",
        ),
    ];
    for (i, (file, from, to)) in edits.iter().enumerate() {
        let text = std::fs::read_to_string(site.path(file)).unwrap();
        assert!(text.contains(from), "{file} has no {from}");
        site.write(file, text.replacen(from, to, 1));
        let o = build("public");
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let expected = fresh(&format!("fresh-{i}"));
        assert_eq!(tree(&site.path("public")), expected, "after edit {i}");
        std::fs::remove_dir_all(site.path(&format!("fresh-{i}"))).unwrap();
        entries.insert(".public.pirsite-spare".into());
        assert_eq!(names(site.root()), entries, "after edit {i}");
    }

    // A failed build leaves the output and the spare where they were.
    let before = tree(&site.path("public"));
    let spare = tree(&site.path(".public.pirsite-spare"));
    site.write("content/incidents/2024/broken.md", BROKEN);
    assert_eq!(code(&build("public")), 1);
    assert_eq!(tree(&site.path("public")), before);
    assert_eq!(tree(&site.path(".public.pirsite-spare")), spare);
    assert_eq!(names(site.root()), entries);
}

#[test]
fn builds_are_reproducible() {
    let site = TestSite::fixture("small");
    let build = |out: &str, extra: &[(&str, &str)]| {
        let mut cmd = site.cmd();
        cmd.args(["build", "--output", out]);
        for (k, v) in extra {
            if k.starts_with("--") {
                cmd.args([*k, *v]);
            } else {
                cmd.env(k, v);
            }
        }
        let o = run(&mut cmd);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        tree(&site.path(out))
    };
    let a = build("out-a", &[("--today", "2024-05-01")]);
    let b = build("out-b", &[("--today", "2024-05-01")]);
    assert!(a.len() > 4);
    assert_eq!(a, b);
    // 2024-05-01 12:00 UTC: the same day, so the same bytes.
    let c = build("out-c", &[("SOURCE_DATE_EPOCH", "1714564800")]);
    let d = build("out-d", &[("SOURCE_DATE_EPOCH", "1714564800")]);
    assert_eq!(c, d);
    assert_eq!(a, c);
}

#[test]
fn highlighted_blocks_are_kept_between_builds_and_rewritten_only_when_they_change() {
    let site = TestSite::fixture("small");
    let report = "content/incidents/2024/INC-2024-001.md";
    let original = std::fs::read_to_string(site.path(report)).unwrap();
    let with_query = |query: &str| {
        let block = format!("```sql\n{query}\n```\n\n## Timeline");
        original.replacen("## Timeline", &block, 1)
    };
    site.write(report, with_query("SELECT count(*) FROM sessions;"));
    let page = "public/incidents/inc-2024-001/index.html";
    let build = || {
        let o = run(site.cmd().args(["build", "--today", "2024-05-01"]));
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        std::fs::read_to_string(site.path(page)).unwrap()
    };
    let cache = site.path(".pirsite-cache/highlight.bin");

    // The first build highlights the block and keeps it, in a folder git and backups skip.
    let fresh = build();
    assert!(fresh.contains(">SELECT</span>"), "{fresh}");
    let kept = std::fs::read(&cache).unwrap();
    assert!(String::from_utf8_lossy(&kept).contains(">SELECT</span>"));
    assert_eq!(
        std::fs::read_to_string(site.path(".pirsite-cache/.gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );
    assert!(
        std::fs::read_to_string(site.path(".pirsite-cache/CACHEDIR.TAG"))
            .unwrap()
            .starts_with("Signature: 8a477f597d28d172789f06886806bc55")
    );

    // The next build takes the block from the file (altered here to show it is read) and
    // leaves the file alone, as nothing changed.
    let at = kept
        .windows(14)
        .position(|w| w == b">SELECT</span>")
        .unwrap();
    let mut altered = kept.clone();
    altered[at + 5] = b'K';
    std::fs::write(&cache, &altered).unwrap();
    assert!(build().contains(">SELEKT</span>"));
    assert_eq!(std::fs::read(&cache).unwrap(), altered);

    // A changed block is highlighted afresh, and the file keeps only the blocks now shown.
    site.write(report, with_query("SELECT count(*) FROM logins;"));
    let changed = build();
    assert!(
        changed.contains(">SELECT</span>") && changed.contains("logins"),
        "{changed}"
    );
    let rewritten = String::from_utf8_lossy(&std::fs::read(&cache).unwrap()).into_owned();
    assert!(rewritten.contains("logins") && !rewritten.contains("SELEKT"));

    // A damaged file is ignored, and the output is the same as with no file at all.
    let bytes = std::fs::read(&cache).unwrap();
    std::fs::write(&cache, &bytes[..bytes.len() - 3]).unwrap();
    let after_damage = tree(&site.path("public"));
    assert_eq!(build(), changed);
    std::fs::remove_dir_all(site.path(".pirsite-cache")).unwrap();
    build();
    assert_eq!(tree(&site.path("public")), after_damage);
    assert_eq!(std::fs::read(&cache).unwrap(), bytes);

    // A cache that cannot be written costs time, nothing else.
    std::fs::remove_dir_all(site.path(".pirsite-cache")).unwrap();
    site.write(".pirsite-cache", "in the way");
    build();
    assert_eq!(tree(&site.path("public")), after_damage);
    assert_eq!(
        std::fs::read_to_string(site.path(".pirsite-cache")).unwrap(),
        "in the way"
    );
}

/// `pirsite check --format json --today <today>` in `site` with its stage timings: (exit
/// code, findings, how many reports the timings say came from the report cache, as
/// `N of M`).
fn check_kept(site: &TestSite, today: &str) -> (i32, String, String) {
    let o = run(site
        .cmd()
        .env("PIRSITE_TIMINGS", "1")
        .args(["check", "--format", "json", "--today", today]));
    let timings = stderr(&o);
    let kept = timings
        .split_once("walk, parse+validate (")
        .and_then(|(_, rest)| rest.split_once(" reports from the report cache"))
        .map(|(n, _)| n.to_string())
        .unwrap_or_else(|| panic!("no count of kept reports in:\n{timings}"));
    (code(&o), stdout(&o), kept)
}

/// What `check` finds with no report cache: the folder is removed first (and written again
/// by the run).
fn check_afresh(site: &TestSite, today: &str) -> (i32, String) {
    let _ = std::fs::remove_dir_all(site.path(".pirsite-cache"));
    let (code, found, kept) = check_kept(site, today);
    assert!(kept.starts_with("0 of "), "{kept}");
    (code, found)
}

#[test]
fn check_keeps_its_reports_between_runs_and_finds_what_a_first_run_finds() {
    let site = TestSite::new();
    common::copy_dir(&common::repo().join("content"), &site.path("content"));
    std::fs::copy(common::repo().join("site.toml"), site.path("site.toml")).unwrap();
    let today = "2026-11-27";

    // The first run keeps the 14 reports of the sample archive; the next takes them all, and
    // leaves the file as it was.
    let (status, first) = check_afresh(&site, today);
    let cache = site.path(".pirsite-cache/reports.bin");
    let written = || std::fs::metadata(&cache).unwrap().modified().unwrap();
    let before = written();
    assert_eq!(
        check_kept(&site, today),
        (status, first.clone(), "14 of 14".into())
    );
    assert_eq!(written(), before);

    // A report removed: the file is written again without it.
    let gone = "content/incidents/2026/INC-2026-104.md";
    let kept_text = std::fs::read(site.path(gone)).unwrap();
    std::fs::remove_file(site.path(gone)).unwrap();
    let (_, _, kept) = check_kept(&site, today);
    assert_eq!(kept, "13 of 13");
    assert_ne!(written(), before);
    let (_, _, kept) = check_kept(&site, today);
    assert_eq!(kept, "13 of 13");
    site.write(gone, &kept_text);
    assert_eq!(check_kept(&site, today).2, "13 of 14");

    // A report edited is read again, and its new finding is there, at its line.
    let report = "content/incidents/2026/INC-2026-023.md";
    let text = std::fs::read_to_string(site.path(report)).unwrap();
    let edited = text.replacen("**Priority:** P1", "**Priority:** P7", 1);
    site.write(report, &edited);
    let (status, found, kept) = check_kept(&site, today);
    assert_eq!(kept, "13 of 14");
    assert_eq!(status, 1);
    let line = common::line_of(&edited, "**Priority:** P7");
    assert!(
        found.contains(&format!("\"line\": {line},")) && found.contains("P7"),
        "{found}"
    );
    assert_eq!(check_afresh(&site, today), (status, found));

    // Another day: the reports are taken, their deadlines judged again.
    let later = "2027-06-01";
    let (status, found, kept) = check_kept(&site, later);
    assert_eq!(kept, "14 of 14");
    assert_ne!(found, first);
    assert_eq!(check_afresh(&site, later), (status, found));

    // Another site.toml: nothing is taken, as the id pattern and the lints come from it.
    let config = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write(
        "site.toml",
        format!("{config}\n[lint]\ndue_days = {{ P1 = 400, P2 = 600, P3 = 900 }}\n"),
    );
    let (status, found, kept) = check_kept(&site, today);
    assert_eq!(kept, "0 of 14");
    assert_eq!(
        check_kept(&site, today),
        (status, found.clone(), "14 of 14".into())
    );
    assert_eq!(check_afresh(&site, today), (status, found.clone()));

    // A damaged entry is not read: its report is parsed again, and the findings are the same.
    let mut bytes = std::fs::read(&cache).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x55;
    std::fs::write(&cache, &bytes).unwrap();
    let (_, again, kept) = check_kept(&site, today);
    assert_eq!(kept, "13 of 14");
    assert_eq!(again, found);
    // A file cut short is not read at all.
    std::fs::write(&cache, &bytes[..bytes.len() - 1]).unwrap();
    assert_eq!(check_kept(&site, today), (status, found, "0 of 14".into()));

    // `build` takes the reports `check` kept, and writes the site a build without them
    // writes.
    site.write(report, &text);
    let (_, _, kept) = check_kept(&site, today);
    assert_eq!(kept, "13 of 14");
    let o = run(site
        .cmd()
        .env("PIRSITE_TIMINGS", "1")
        .args(["build", "--today", today]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("(14 of 14 reports from the report cache)"));
    let kept_site = tree(&site.path("public"));
    std::fs::remove_dir_all(site.path(".pirsite-cache")).unwrap();
    std::fs::remove_dir_all(site.path("public")).unwrap();
    let o = run(site.cmd().args(["build", "--today", today]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(tree(&site.path("public")), kept_site);
}

#[test]
fn today_comes_from_the_flag_then_source_date_epoch() {
    // Compared by whole output trees, so the test holds whatever the templates show of "today".
    let site = TestSite::fixture("small");
    let build = |out: &str, today: Option<&str>, epoch: Option<&str>| {
        let mut cmd = site.cmd();
        cmd.args(["build", "--output", out]);
        if let Some(t) = today {
            cmd.args(["--today", t]);
        }
        if let Some(e) = epoch {
            cmd.env("SOURCE_DATE_EPOCH", e);
        }
        let o = run(&mut cmd);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        tree(&site.path(out))
    };
    // 1717243200 is 2024-06-01 12:00 UTC.
    let may = build("may", Some("2024-05-01"), None);
    let june = build("june", Some("2024-06-01"), None);
    assert_ne!(may, june, "the output shows the day it was computed for");
    assert_eq!(build("both", Some("2024-05-01"), Some("1717243200")), may);
    assert_eq!(build("epoch", None, Some("1717243200")), june);
    // The epoch is read in the site's zone: 2024-05-31 13:00 UTC is 2024-06-01 in Auckland.
    site.write(
        "site.toml",
        "title = \"Small Archive\"\ntimezone = \"Pacific/Auckland\"\n",
    );
    let nz_epoch = build("nz-epoch", None, Some("1717160400"));
    assert_eq!(nz_epoch, build("nz-today", Some("2024-06-01"), None));
    assert_ne!(nz_epoch, build("nz-before", Some("2024-05-31"), None));
}

#[test]
fn drafts_and_reviews_are_built_only_with_drafts() {
    let site = TestSite::fixture("small");
    let o = run(site.cmd().args(["build", "--today", "2024-05-01"]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for id in ["inc-2024-002", "inc-2024-003"] {
        assert!(
            !site.path(&format!("public/incidents/{id}")).exists(),
            "{id}"
        );
    }
    let o = run(site
        .cmd()
        .args(["build", "--today", "2024-05-01", "--drafts"]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for id in [
        "inc-2024-001",
        "inc-2024-002",
        "inc-2024-003",
        "inc-2023-050",
    ] {
        assert!(
            site.path(&format!("public/incidents/{id}/index.html"))
                .is_file(),
            "{id}"
        );
    }
}

#[test]
fn assets_are_copied_beside_every_report_of_their_folder() {
    let site = TestSite::fixture("small");
    let svg = std::fs::read(site.path("content/incidents/2024/latency.svg")).unwrap();
    let o = run(site
        .cmd()
        .args(["build", "--today", "2024-05-01", "--drafts"]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for id in ["inc-2024-001", "inc-2024-002", "inc-2024-003"] {
        let dir = site.path(&format!("public/incidents/{id}"));
        assert_eq!(std::fs::read(dir.join("latency.svg")).unwrap(), svg, "{id}");
        // An asset named index.html would replace the page: it is skipped.
        let page = std::fs::read_to_string(dir.join("index.html")).unwrap();
        assert!(!page.contains("not a page of the site"), "{id}");
    }
    assert!(
        !site
            .path("public/incidents/inc-2023-050/latency.svg")
            .exists()
    );
    let page =
        std::fs::read_to_string(site.path("public/incidents/inc-2024-001/index.html")).unwrap();
    assert!(page.contains("src=\"latency.svg\""), "{page}");
}

// --- new -------------------------------------------------------------------------------

#[test]
fn new_writes_a_report_with_the_next_free_id_that_passes_check() {
    let site = TestSite::fixture("small");
    let o = run(site.cmd().args([
        "new",
        "--severity",
        "SEV2",
        "--date",
        "2024-06-03",
        "Payments \"timeout\" storm",
    ]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let path = stdout(&o).trim().to_string();
    assert!(
        path.ends_with("content/incidents/2024/INC-2024-004.md"),
        "{path}"
    );
    let text = std::fs::read_to_string(site.root().join(&path)).unwrap();
    for needle in [
        "id: INC-2024-004",
        "title: \"Payments \\\"timeout\\\" storm\"",
        "severity: SEV2",
        "date: 2024-06-03",
        "status: draft",
        "## Summary",
        "## Timeline",
        "## Contributing Factors",
        "## What Went Well",
        "## Action Items",
        "### Action Item:",
    ] {
        assert!(text.contains(needle), "{needle}\n{text}");
    }
    let o = run(site
        .cmd()
        .args(["check", "--today", "2024-06-03", "--deny-warnings"]));
    assert_eq!(
        (code(&o), stdout(&o).as_str()),
        (0, "no problems in 5 reports\n")
    );
    // The next one takes the next id; an unknown severity is refused.
    let o = run(site.cmd().args([
        "new",
        "--severity",
        "sev4",
        "--date",
        "2024-06-04",
        "Another",
    ]));
    assert!(
        stdout(&o).trim().ends_with("INC-2024-005.md"),
        "{}",
        stdout(&o)
    );
    let o = run(site.cmd().args(["new", "--severity", "SEV7", "Nope"]));
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("unknown severity `SEV7`"),
        "{}",
        stderr(&o)
    );
    // A line break in the title or a tag is refused, not folded into a space.
    for (args, message) in [
        (
            ["--tag", "dns", "Checkout\nerrors"],
            "error: the title holds a line break: a title is one line\n",
        ),
        (
            ["--tag", "dns\ncache", "Checkout"],
            "error: `dns\\ncache` holds a line break: a service or tag name is one line\n",
        ),
    ] {
        let o = run(site.cmd().args(["new", "--severity", "SEV4"]).args(args));
        assert_eq!((code(&o), stderr(&o).as_str()), (2, message));
    }
}

#[test]
fn new_follows_the_id_form_of_the_site() {
    let site = TestSite::with(&[
        ("site.toml", "id_pattern = \"^PIR-[0-9]{4}-[0-9]{4}$\"\n"),
        (
            "content/PIR-2024-0007.md",
            "---\nid: PIR-2024-0007\ntitle: Earlier\nseverity: SEV4\ndate: 2024-05-01\n---\n\n## Summary\nA short outage.\n",
        ),
    ]);
    let o = run(site
        .cmd()
        .args(["new", "--severity", "SEV4", "--date", "2024-06-03", "Next"]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).trim().ends_with("PIR-2024-0008.md"),
        "{}",
        stdout(&o)
    );
    // Of a group of alternatives, the first.
    site.write(
        "site.toml",
        "id_pattern = \"^(INC|PIR)-[0-9]{4}-[0-9]{4}$\"\n",
    );
    let o = run(site
        .cmd()
        .args(["new", "--severity", "SEV4", "--date", "2024-06-03", "Next"]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).trim().ends_with("INC-2024-0001.md"),
        "{}",
        stdout(&o)
    );
    // A pattern with no prefix written out is refused, saying what new needs.
    site.write("site.toml", "id_pattern = \"^[A-Z]+-[0-9]+$\"\n");
    let o = run(site
        .cmd()
        .args(["new", "--severity", "SEV4", "--date", "2024-06-03", "Next"]));
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "error: cannot choose an id: pirsite new writes ids of the form PREFIX-2024-NNN, with the \
         prefix written out at the start of id_pattern, and `^[A-Z]+-[0-9]+$` starts with none \
         that it takes\n    hint: start id_pattern with the prefix (`^INC-[0-9]{4}-[0-9]{3,}$`, \
         `^(INC|OPS)-…`), or copy a report and give it an id of your own\n"
    );
    // One with a prefix but not the year and number after it is told so.
    site.write("site.toml", "id_pattern = '^INC-[0-9]{8}-[0-9]{2}$'\n");
    let o = run(site
        .cmd()
        .args(["new", "--severity", "SEV4", "--date", "2024-06-03", "Next"]));
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "error: cannot choose an id: pirsite new writes ids of the form INC-2024-NNN (a year, a \
         dash and a number of 1 to 9 digits after the prefix), and id_pattern \
         `^INC-[0-9]{8}-[0-9]{2}$` takes none of them\n    hint: write id_pattern for ids of \
         that form (`^INC-[0-9]{4}-[0-9]{3,}$`), or copy a report and give it an id of your own\n"
    );
}

#[test]
fn new_skips_the_id_of_an_empty_or_id_less_file_named_after_it() {
    // A report with no `id:` line, or that cannot be read, counts as having the id its file
    // name gives: that id is taken, so `new` goes on to the next one.
    let site = TestSite::with(&[
        (
            "content/incidents/2026/INC-2026-015.md",
            "---\nid: INC-2026-015\ntitle: Earlier\nseverity: SEV4\ndate: 2026-03-01\n---\n\n## Summary\nA short outage.\n",
        ),
        ("content/incidents/2026/INC-2026-016.md", ""),
    ]);
    let new = || {
        run(site
            .cmd()
            .args(["new", "--severity", "SEV4", "--date", "2026-03-02", "x"]))
    };
    let o = new();
    assert_eq!((code(&o), stderr(&o).as_str()), (0, ""));
    assert!(
        stdout(&o).ends_with("content/incidents/2026/INC-2026-017.md\n"),
        "{}",
        stdout(&o)
    );
    site.write(
        "content/incidents/2026/INC-2026-018.md",
        "---\ntitle: No id yet\nseverity: SEV4\n---\n",
    );
    let o = new();
    assert_eq!((code(&o), stderr(&o).as_str()), (0, ""));
    assert!(
        stdout(&o).ends_with("content/incidents/2026/INC-2026-019.md\n"),
        "{}",
        stdout(&o)
    );
    let text =
        std::fs::read_to_string(site.path("content/incidents/2026/INC-2026-019.md")).unwrap();
    assert!(text.contains("\nid: INC-2026-019\n"), "{text}");
}

// --- the sample archive ----------------------------------------------------------------

#[test]
fn the_sample_archive_builds_with_no_diagnostics() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = run(pirsite().current_dir(repo).args([
        "check",
        "--today",
        "2026-11-27",
        "--deny-warnings",
    ]));
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).starts_with("no problems in "), "{}", stdout(&o));
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("public");
    let o = run(pirsite().current_dir(repo).args([
        "build",
        "--today",
        "2026-11-27",
        "--output",
        target.to_str().unwrap(),
    ]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "build printed diagnostics");
    assert!(target.join("incidents/inc-2024-042/index.html").is_file());
}

#[test]
fn days_overdue_is_zero_for_a_closed_item() {
    // Templates see `days_overdue` as actions.json gives it: only an overdue item has days
    // past due; a closed item past its due date has none.
    let site = TestSite::fixture("small");
    site.write(
        "theme/templates/actions.html",
        "{% extends \"base.html\" %}{% block content %}{% for g in groups %}{% for a in g.items %}[{{ a.status }} {{ a.days_overdue }}]{% endfor %}{% endfor %}{% endblock %}",
    );
    let shown = |status: &str| {
        let rel = "content/incidents/2024/INC-2024-001.md";
        let text = std::fs::read_to_string(common::repo().join("tests/fixtures/small").join(rel))
            .unwrap()
            .replace("**Status:** Open", status);
        site.write(rel, text);
        let o = run(site.cmd().args(["build", "--today", "2024-05-20"]));
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let html = std::fs::read_to_string(site.path("public/actions/index.html")).unwrap();
        html[html.find('[').unwrap()..=html.find(']').unwrap()].to_string()
    };
    assert_eq!(shown("**Status:** Open"), "[Open 10]");
    assert_eq!(
        shown("**Status:** Done\n**Completed:** 2024-05-12"),
        "[Done 0]"
    );
}

#[test]
fn build_says_how_many_unpublished_reports_it_left_out() {
    // The small fixture has one draft and one report under review: a new report (a draft)
    // missing from the site is explained by the summary line.
    let site = TestSite::fixture("small");
    let o = run(site.cmd().args(["build", "--today", "2024-06-01"]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with(
            "built 17 pages from 2 reports (2 drafts or reports under review left out: `--drafts` builds them) into "
        ),
        "{}",
        stdout(&o)
    );
    let o = run(site
        .cmd()
        .args(["build", "--today", "2024-06-01", "--drafts"]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("built 19 pages from 4 reports into "),
        "{}",
        stdout(&o)
    );
}
