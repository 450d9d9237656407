//! Inject: what `serve` adds to HTML responses on their way out — the reload script and, when
//! the latest build failed, an overlay listing its diagnostics. Files on disk are never
//! touched, so the build folder holds exactly what `pirsite build` writes.
//!
//! Every URL in the added markup is relative to the page being answered (computed from the
//! request path), so the preview also works behind a proxy and under a sub-path.

use crate::diagnostics::{Diagnostic, Level, one_line, plural};
use crate::text::escape_html;

/// Path of the WebSocket endpoint, relative to the served site's root.
pub const WS_PATH: &str = "__pirsite/ws";

/// The message every connected page receives after a rebuild, successful or not.
pub const RELOAD_MESSAGE: &str = r#"{"type":"reload"}"#;

/// Relative prefix from a page at `request_path` (as the browser sees it) back to the site
/// root: `/` → `./`, `/incidents/` → `../`, `/incidents/inc-1/index.html` → `../../`.
pub fn root_prefix(request_path: &str) -> String {
    let depth = request_path
        .strip_prefix('/')
        .unwrap_or(request_path)
        .matches('/')
        .count();
    if depth == 0 {
        "./".into()
    } else {
        "../".repeat(depth)
    }
}

/// The reload script for a page at `request_path`.
///
/// It connects to the WebSocket endpoint (reconnecting with backoff when the server goes
/// away, and reloading once it is back); on `{"type":"reload"}` it asks the server whether the
/// page still exists and reloads it, or goes to the home page when it is gone. A page that
/// was `missing` (answered with the 404 page) is reloaded in place, so it shows as soon as it
/// is built.
pub fn script(request_path: &str, missing: bool) -> String {
    let root = root_prefix(request_path);
    format!(
        r#"<script data-pirsite-serve>
(function () {{
  var root = new URL("{root}", location.href);
  var delay = 250, lost = false, missing = {missing};
  function reload() {{
    if (missing) {{ location.reload(); return; }}
    fetch(location.href, {{ method: "HEAD", cache: "no-store" }}).then(function (r) {{
      if (r.status === 404) {{ location.href = root.href; }} else {{ location.reload(); }}
    }}, function () {{}});
  }}
  function connect() {{
    var url = new URL("{WS_PATH}", root);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    var ws = new WebSocket(url.href);
    ws.onopen = function () {{ delay = 250; if (lost) {{ lost = false; reload(); }} }};
    ws.onmessage = function (e) {{
      var m; try {{ m = JSON.parse(e.data); }} catch (_) {{ return; }}
      if (m && m.type === "reload") {{ reload(); }}
    }};
    ws.onclose = function () {{
      lost = true;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    }};
  }}
  connect();
}})();
</script>
"#
    )
}

/// The list of diagnostics: one item per finding, `path:line:col`, level, message and hint,
/// in the words the terminal prints ([`Diagnostic::to_human`]): a line break or other control
/// character inside the path, the message or the hint is shown as its escape ([`one_line`]),
/// so the hint is one line under the finding, as in `check`, and nothing quoted is lost to
/// the way HTML folds white space.
///
/// Errors come first, as they are why the build failed; then a few warnings. Past
/// [`SHOWN_ERRORS`] errors and [`SHOWN_WARNINGS`] warnings a last line counts the rest, which
/// the terminal running `serve` prints in full: the overlay goes into every page, and an
/// archive can have thousands of warnings.
fn list(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::from(r#"<ol style="margin:.5em 0 0;padding-left:1.5em">"#);
    let errors = diagnostics.iter().filter(|d| d.level == Level::Error);
    let warnings = diagnostics.iter().filter(|d| d.level != Level::Error);
    let shown: Vec<&Diagnostic> = errors
        .clone()
        .take(SHOWN_ERRORS)
        .chain(warnings.clone().take(SHOWN_WARNINGS))
        .collect();
    let more_errors = errors.count().saturating_sub(SHOWN_ERRORS);
    let more_warnings = warnings.count().saturating_sub(SHOWN_WARNINGS);
    for d in shown {
        let colour = if d.level == Level::Error {
            "#b00020"
        } else {
            "#8a5a00"
        };
        out.push_str(&format!(
            r#"<li style="margin:.35em 0"><code style="font:inherit;font-weight:600">{}:{}:{}</code> <span style="color:{colour};font-weight:600">{}:</span> {}"#,
            escape_html(&one_line(&d.path)),
            d.line.max(1),
            d.col.max(1),
            d.level.as_str(),
            escape_html(&one_line(&d.message)),
        ));
        if let Some(rule) = &d.rule {
            out.push_str(&format!(" [{}]", escape_html(rule)));
        }
        if let Some(hint) = &d.hint {
            out.push_str(&format!(
                r#"<br><span style="color:#444">hint: {}</span>"#,
                escape_html(&one_line(hint))
            ));
        }
        out.push_str("</li>");
    }
    out.push_str("</ol>");
    let mut more = Vec::new();
    if more_errors > 0 {
        more.push(format!(
            "{more_errors} more {}",
            plural(more_errors, "error", "errors")
        ));
    }
    if more_warnings > 0 {
        more.push(format!(
            "{more_warnings} more {}",
            plural(more_warnings, "warning", "warnings")
        ));
    }
    if !more.is_empty() {
        out.push_str(&format!(
            r#"<p style="margin:.5em 0 0">and {}: the terminal running <code>pirsite serve</code> lists them all.</p>"#,
            more.join(" and ")
        ));
    }
    out
}

/// The most errors the overlay lists; the rest are counted.
const SHOWN_ERRORS: usize = 50;
/// The most warnings the overlay lists, after the errors; the rest are counted.
const SHOWN_WARNINGS: usize = 10;

fn errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .count()
}

fn count(n: usize) -> String {
    format!("{n} {}", plural(n, "error", "errors"))
}

/// The overlay shown on every page while the latest build has failed: plain HTML with inline
/// styles, readable without JavaScript and without the theme's stylesheet.
pub fn overlay(diagnostics: &[Diagnostic]) -> String {
    format!(
        r#"<div id="pirsite-errors" role="alert" style="position:fixed;z-index:2147483647;top:0;left:0;right:0;max-height:60vh;overflow:auto;margin:0;padding:.9em 1.2em;background:#fff5f5;color:#1a1a1a;border-bottom:4px solid #b00020;box-shadow:0 2px 10px rgba(0,0,0,.3);font:15px/1.45 system-ui,sans-serif;text-align:left">
<strong>pirsite: the site has {}; this page is from the last good build.</strong>
{}
</div>
"#,
        count(errors(diagnostics)),
        list(diagnostics)
    )
}

/// Adds the overlay (when `diagnostics` has errors) and the reload script to an HTML page,
/// just before its last `</body>` (or at the end when it has none). `missing`: the page is
/// the 404 page, answered for `request_path`.
pub fn inject(html: &str, request_path: &str, diagnostics: &[Diagnostic], missing: bool) -> String {
    let mut added = String::new();
    if errors(diagnostics) > 0 {
        added.push_str(&overlay(diagnostics));
    }
    added.push_str(&script(request_path, missing));
    let at = html
        .to_ascii_lowercase()
        .rfind("</body>")
        .unwrap_or(html.len());
    let mut out = String::with_capacity(html.len() + added.len());
    out.push_str(&html[..at]);
    out.push_str(&added);
    out.push_str(&html[at..]);
    out
}

/// The page answered for every address while no build has succeeded yet.
pub fn error_page(request_path: &str, diagnostics: &[Diagnostic]) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed · pirsite</title>
</head>
<body style="margin:0;padding:1.5em;font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#fff5f5">
<h1 style="font-size:1.4em;color:#b00020">The site could not be built</h1>
<p>pirsite found {} and has no earlier build to show. Fix them and save: this page reloads by itself.</p>
<div id="pirsite-errors">{}</div>
{}</body>
</html>
"#,
        count(errors(diagnostics)),
        list(diagnostics),
        script(request_path, false)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_climbs_back_to_the_root() {
        assert_eq!(root_prefix("/"), "./");
        assert_eq!(root_prefix("/index.html"), "./");
        assert_eq!(root_prefix("/incidents/"), "../");
        assert_eq!(root_prefix("/incidents/inc-2024-001/"), "../../");
        assert_eq!(root_prefix("/incidents/inc-2024-001/index.html"), "../../");
        assert_eq!(root_prefix("/a/b/missing"), "../../");
    }

    #[test]
    fn script_goes_before_the_last_body_and_uses_a_relative_url() {
        let html = "<html><body><p>&lt;/body&gt;</p></BODY></html>";
        let out = inject(html, "/incidents/x/", &[], false);
        let script_at = out.find("<script data-pirsite-serve>").unwrap();
        assert!(script_at < out.find("</BODY>").unwrap());
        assert!(out.contains(r#"new URL("../../", location.href)"#));
        assert!(out.contains(WS_PATH));
        assert!(!out.contains("pirsite-errors"));
        assert!(out.starts_with("<html><body><p>&lt;/body&gt;</p>"));
    }

    #[test]
    fn overlay_lists_escaped_diagnostics_only_when_there_are_errors() {
        let d = Diagnostic::error("content/a.md", 4, 2, "bad <date>").with_hint("use 2024-03-30");
        let out = inject("<body></body>", "/", std::slice::from_ref(&d), false);
        assert!(out.contains("pirsite-errors"));
        assert!(out.contains("content/a.md:4:2"));
        assert!(out.contains("bad &lt;date&gt;"));
        assert!(out.contains("hint: use 2024-03-30"));
        assert!(out.contains("1 error;"));
        let w = Diagnostic::warning("content/a.md", 1, 1, "odd");
        assert!(!inject("<body></body>", "/", &[w], false).contains("pirsite-errors"));
        let page = error_page("/x/", &[d]);
        assert!(page.contains("content/a.md:4:2") && page.contains(WS_PATH));
    }

    #[test]
    fn overlay_lists_errors_first_and_counts_what_it_leaves_out() {
        let mut ds = Vec::new();
        for i in 0..15 {
            ds.push(Diagnostic::warning(
                "content/a.md",
                i + 1,
                1,
                format!("w{i}"),
            ));
        }
        ds.push(Diagnostic::error("content/b.md", 3, 1, "e0"));
        let out = overlay(&ds);
        let items: Vec<&str> = out.split("<li").skip(1).collect();
        assert_eq!(items.len(), 1 + SHOWN_WARNINGS);
        assert!(items[0].contains("content/b.md:3:1") && items[0].contains("e0"));
        assert!(items[1].contains("w0") && items[SHOWN_WARNINGS].contains("w9"));
        assert!(
            out.contains("and 5 more warnings: the terminal running <code>pirsite serve</code> lists them all."),
            "{out}"
        );
        // Past the errors shown, the rest are counted too.
        let many: Vec<Diagnostic> = (0..SHOWN_ERRORS + 1)
            .map(|i| Diagnostic::error("content/c.md", i + 1, 1, "e"))
            .collect();
        let out = error_page("/", &many);
        assert_eq!(out.matches("<li").count(), SHOWN_ERRORS);
        assert!(out.contains("and 1 more error: the terminal"), "{out}");
        // A short list has no such line.
        assert!(!overlay(&ds[14..]).contains("the terminal"));
    }

    #[test]
    fn overlay_shows_each_finding_and_hint_as_the_terminal_does() {
        // A section name from site.toml may hold a line break; the finding and its hint
        // quote it. The terminal prints `\n`; so does the overlay, the hint on one line.
        let d = Diagnostic::error(
            "content/a\nb.md",
            4,
            11,
            "missing section `## Root <Cause>\nAnalysis`, required for SEV2",
        )
        .with_hint("SEV2 reports need: Summary, Root <Cause>\nAnalysis\u{1b}[31m");
        // What `check` prints, for comparison.
        assert_eq!(
            d.to_human(),
            "content/a\\nb.md:4:11: error: missing section `## Root <Cause>\\nAnalysis`, \
             required for SEV2\n    hint: SEV2 reports need: Summary, Root <Cause>\\nAnalysis\\u{1b}[31m"
        );
        for out in [
            inject("<body></body>", "/", std::slice::from_ref(&d), false),
            error_page("/", std::slice::from_ref(&d)),
        ] {
            let item = &out[out.find("<li").unwrap()..out.find("</li>").unwrap()];
            assert!(
                item.contains(
                    "content/a\\nb.md:4:11</code> <span style=\"color:#b00020;font-weight:600\">\
                     error:</span> missing section `## Root &lt;Cause&gt;\\nAnalysis`, required \
                     for SEV2<br>"
                ),
                "{item}"
            );
            assert!(
                item.ends_with(
                    r#"<span style="color:#444">hint: SEV2 reports need: Summary, Root &lt;Cause&gt;\nAnalysis\u{1b}[31m</span>"#
                ),
                "{item}"
            );
            // One line break of markup, between the finding and its hint; none in the text.
            assert_eq!(item.matches("<br>").count(), 1, "{item}");
            assert!(!item.contains(['\n', '\u{1b}']), "{item:?}");
        }
    }

    #[test]
    fn a_missing_page_reloads_in_place() {
        let found = inject("<body></body>", "/incidents/x/", &[], false);
        assert!(found.contains("missing = false") && found.contains("location.href = root.href"));
        let missing = inject("<body></body>", "/incidents/x/", &[], true);
        assert!(missing.contains("missing = true"));
        assert!(missing.contains("if (missing) { location.reload(); return; }"));
    }

    #[test]
    fn page_without_body_gets_the_script_at_the_end() {
        let out = inject("<p>hi</p>", "/", &[], false);
        assert!(out.starts_with("<p>hi</p><script"));
    }
}
