//! Link check: every internal link of the built site points at a file that exists.
//!
//! Runs over the staged output before it is swapped in, so a site with a broken link is never
//! published. Two passes:
//!
//! 1. every link and image a report writes in Markdown (collected with its line by `load`) is
//!    resolved against the report's page; a miss is an error at the report's file and line;
//! 2. every `href` and `src` of every generated page is resolved against its page; a miss not
//!    already reported from Markdown is an error at the page's line (a theme bug).
//!
//! External URLs (any `scheme:`), protocol-relative `//host` URLs, pure `#fragment` links and
//! root-absolute paths outside `base_url`'s path are not checked.

use crate::diagnostics::{Diagnostic, one_line};
use crate::load::Report;
use crate::text::LineIndex;
use std::collections::HashSet;
use std::path::Path;
use walkdir::WalkDir;

/// The files of a built site: `/`-separated paths relative to its root.
pub type FileSet = HashSet<String, crate::text::FastBuild>;

/// A link found in a generated page: the attribute value as written, and its byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLink {
    /// `href` or `src` value, HTML entities decoded.
    pub target: String,
    /// Byte offset of the value in the page.
    pub offset: usize,
}

/// The links of one generated page.
#[derive(Debug, Clone)]
pub struct PageLinks {
    /// Page path relative to the output root (`tags/index.html`).
    pub path: String,
    /// Its links.
    pub links: Vec<PageLink>,
}

/// What a link target means for the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Not checked (external, fragment-only, empty, outside the site's path).
    Skip,
    /// A path relative to the output root (no leading `/`; `""` is the root).
    Local(String),
    /// Climbs above the output root.
    Outside,
}

/// The `href` and `src` values of every tag of `html`, double-quoted as pirsite writes them:
/// each `href="…"` or `src="…"` that follows a whitespace character. Text and attribute values
/// never hold a raw `"` (it is escaped), so a match is an attribute.
pub fn extract(path: &str, html: &str) -> PageLinks {
    PageLinks {
        path: path.to_string(),
        links: attributes(html)
            .map(|(value, offset)| PageLink {
                target: decode_entities(value).into_owned(),
                offset,
            })
            .collect(),
    }
}

/// The raw values of [`extract`] (entities not decoded), each with its byte offset.
///
/// Only a quote right after `=` can open an attribute value, so the scan jumps from one `="`
/// to the next (a vectorised search) instead of looking at every quote of the page.
fn attributes(html: &str) -> impl Iterator<Item = (&str, usize)> {
    let bytes = html.as_bytes();
    let finder = memchr::memmem::Finder::new("=\"");
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(rel) = finder.find(bytes.get(from..)?) {
            let eq = from + rel;
            let quote = eq + 1;
            from = quote + 1;
            let before = &html[..eq];
            let name = if before.ends_with("href") {
                4
            } else if before.ends_with("src") {
                3
            } else {
                continue;
            };
            let name_start = before.len() - name;
            if !html[..name_start]
                .chars()
                .next_back()
                .is_some_and(char::is_whitespace)
            {
                continue;
            }
            let open = quote + 1;
            let len = memchr::memchr(b'"', &bytes[open..])?;
            from = open + len + 1;
            return Some((&html[open..open + len], open));
        }
        None
    })
}

/// Decodes the entities pirsite and its libraries write in attribute values.
pub(crate) fn decode_entities(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32),
            n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Decodes `%XX` escapes (invalid ones are kept as written).
fn percent_decode(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('%') {
        return std::borrow::Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    std::borrow::Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// What [`resolve_into`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Skip,
    Outside,
    Local,
}

/// `^[a-zA-Z][a-zA-Z0-9+.-]*:`: the link names a scheme.
fn has_scheme(link: &str) -> bool {
    let mut chars = link.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    for c in chars {
        match c {
            ':' => return true,
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-') => {}
            _ => return false,
        }
    }
    false
}

/// The `/`-separated segments of `path`, as `str::split('/')` gives them; a byte loop, as the
/// paths are short and the link check of a large archive splits hundreds of thousands.
fn segments(path: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(path);
    std::iter::from_fn(move || {
        let part = rest?;
        match part.bytes().position(|b| b == b'/') {
            Some(i) => {
                rest = Some(&part[i + 1..]);
                Some(&part[..i])
            }
            None => {
                rest = None;
                Some(part)
            }
        }
    })
}

/// [`resolve`], writing a local target into `out` (cleared first) instead of a new string.
fn resolve_into(link: &str, page_dir: &str, base_path: &str, out: &mut String) -> Kind {
    out.clear();
    let link = link.trim();
    if link.is_empty()
        || link.starts_with('#')
        || link.starts_with("//")
        || has_scheme(link)
        || crate::render::markdown::is_unsafe_url(link)
    {
        return Kind::Skip;
    }
    let cut = link
        .bytes()
        .position(|b| b == b'#' || b == b'?')
        .unwrap_or(link.len());
    let path = percent_decode(&link[..cut]);
    // The path to normalise, in up to two parts (the page's folder, then the link).
    let (first, second): (&str, &str) = if let Some(abs) = path.strip_prefix('/') {
        match base_path
            .strip_prefix('/')
            .and_then(|b| abs.strip_prefix(b))
        {
            Some(under) => ("", under),
            None if base_path.len() == abs.len() + 2
                && base_path.starts_with('/')
                && base_path.ends_with('/')
                && &base_path[1..base_path.len() - 1] == abs =>
            {
                ("", "")
            }
            None => return Kind::Skip,
        }
    } else if path.is_empty() {
        // `?query` only: the page itself.
        return Kind::Skip;
    } else {
        (page_dir, &path)
    };
    for seg in segments(first).chain(segments(second)) {
        match seg {
            "" | "." => {}
            ".." => {
                if out.is_empty() {
                    return Kind::Outside;
                }
                let cut = out.bytes().rposition(|b| b == b'/').unwrap_or(0);
                out.truncate(cut);
            }
            s => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(s);
            }
        }
    }
    let ends_with_slash = if second.is_empty() {
        first.ends_with('/')
    } else {
        second.ends_with('/')
    };
    if ends_with_slash && !out.is_empty() {
        out.push('/');
    }
    Kind::Local
}

/// Resolves `link` written on the page in folder `page_dir` (`""` or `a/b/`, relative to the
/// output root). `base_path` is the path part of `base_url` (`/` or `/sre/incidents/`).
pub fn resolve(link: &str, page_dir: &str, base_path: &str) -> Target {
    let mut out = String::new();
    match resolve_into(link, page_dir, base_path, &mut out) {
        Kind::Skip => Target::Skip,
        Kind::Outside => Target::Outside,
        Kind::Local => Target::Local(out),
    }
}

/// True when `target` (from [`resolve`]) names a file of `files`, or a folder with an
/// `index.html` in it. `target` is left as it was.
fn exists_in(target: &mut String, files: &FileSet) -> bool {
    let len = target.len();
    let found = if target.is_empty() {
        files.contains("index.html")
    } else if target.ends_with('/') {
        target.push_str("index.html");
        files.contains(target.as_str())
    } else if files.contains(target.as_str()) {
        true
    } else {
        target.push_str("/index.html");
        files.contains(target.as_str())
    };
    target.truncate(len);
    found
}

/// True when `target` (from [`resolve`]) names a file of `files`, or a folder with an
/// `index.html` in it.
fn exists(target: &str, files: &FileSet) -> bool {
    exists_in(&mut target.to_string(), files)
}

/// Every file under `root`, as `/`-separated paths relative to it.
pub fn files_under(root: &Path) -> FileSet {
    WalkDir::new(root)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| crate::load::rel_path(root, e.path()))
        .collect()
}

/// Folder of a page path: `tags/x/index.html` → `tags/x/`.
fn dir_of(page: &str) -> &str {
    page.rfind('/').map(|p| &page[..=p]).unwrap_or("")
}

/// The link check of one build: the files the output will hold, and what the Markdown pass
/// already reported.
///
/// Built before the pages are rendered, from the list of files the build writes, so each page
/// is checked as soon as it is rendered (in parallel, without keeping its links) and the output
/// is never walked.
pub struct Checker<'a> {
    files: &'a FileSet,
    base_path: &'a str,
    output_label: &'a str,
    /// Targets already reported from Markdown, per page, so the page pass does not repeat them.
    reported: HashSet<(String, String)>,
}

impl<'a> Checker<'a> {
    /// Checks every link and image the `reports` write in Markdown (each paired with the path
    /// of its page) against `files`, the paths of the built site (`/`-separated, relative to
    /// the output root); returns the checker for the pages and the findings of this pass.
    /// `output_label` names the output folder in findings of generated pages. Links written
    /// in raw HTML are checked only with `allow_html` (otherwise the page shows them as text).
    pub fn new(
        files: &'a FileSet,
        reports: &[(&Report, String)],
        base_path: &'a str,
        output_label: &'a str,
        allow_html: bool,
    ) -> (Checker<'a>, Vec<Diagnostic>) {
        let mut ds = Vec::new();
        let mut reported = HashSet::new();
        for (report, page) in reports {
            let dir = dir_of(page);
            for l in report.links.iter().filter(|l| allow_html || !l.raw_html) {
                let target = resolve(&l.dest, dir, base_path);
                let broken = match &target {
                    Target::Skip => false,
                    Target::Outside => true,
                    Target::Local(t) => !exists(t, files),
                };
                if broken {
                    if let Target::Local(t) = &target {
                        reported.insert((page.clone(), t.clone()));
                    }
                    ds.push(
                        Diagnostic::error(
                            &report.path,
                            l.line,
                            l.col,
                            format!("link target `{}` does not exist", one_line(&l.dest)),
                        )
                        .with_hint(hint(&target, l.image, files)),
                    );
                }
            }
        }
        let checker = Checker {
            files,
            base_path,
            output_label,
            reported,
        };
        (checker, ds)
    }

    /// Checks the `href` and `src` values of the generated page at `path` whose text is `html`.
    pub fn page(&self, path: &str, html: &str) -> Vec<Diagnostic> {
        let dir = dir_of(path);
        let mut target = String::new();
        let broken: Vec<PageLink> = attributes(html)
            .filter_map(|(raw, offset)| {
                let link = decode_entities(raw);
                self.is_broken(path, dir, &link, &mut target)
                    .then(|| PageLink {
                        target: link.into_owned(),
                        offset,
                    })
            })
            .collect();
        self.report(path, broken.iter(), html)
    }

    /// Checks links extracted earlier from a page; `text` gives the page's text, read only to
    /// place a broken link.
    pub fn links(&self, page: &PageLinks, text: impl FnOnce() -> String) -> Vec<Diagnostic> {
        let dir = dir_of(&page.path);
        let mut target = String::new();
        let broken: Vec<&PageLink> = page
            .links
            .iter()
            .filter(|l| self.is_broken(&page.path, dir, &l.target, &mut target))
            .collect();
        if broken.is_empty() {
            return Vec::new();
        }
        self.report(&page.path, broken.into_iter(), &text())
    }

    /// Whether `link`, on the page at `path` in folder `dir`, is broken and not already
    /// reported from Markdown (`target` is a buffer).
    fn is_broken(&self, path: &str, dir: &str, link: &str, target: &mut String) -> bool {
        match resolve_into(link, dir, self.base_path, target) {
            Kind::Skip => false,
            Kind::Outside => true,
            Kind::Local => {
                !exists_in(target, self.files)
                    && !self.reported.contains(&(path.to_string(), target.clone()))
            }
        }
    }

    /// One error per broken link of the page at `path` whose text is `text`.
    fn report<'l>(
        &self,
        path: &str,
        broken: impl ExactSizeIterator<Item = &'l PageLink>,
        text: &str,
    ) -> Vec<Diagnostic> {
        if broken.len() == 0 {
            return Vec::new();
        }
        let lines = LineIndex::new(text);
        broken
            .map(|l| {
                let (line, col) = lines.line_col(l.offset.min(text.len()));
                Diagnostic::error(
                    format!("{}/{}", self.output_label, path),
                    line,
                    col,
                    format!("link target `{}` does not exist", one_line(&l.target)),
                )
            })
            .collect()
    }
}

/// Checks the links of the built site in `root` (a built output folder): the Markdown links
/// of `reports` and the links of `pages`, whose text is read from `root`.
pub fn check(
    root: &Path,
    reports: &[(&Report, String)],
    pages: &[PageLinks],
    base_path: &str,
    output_label: &str,
    allow_html: bool,
) -> Vec<Diagnostic> {
    let files = files_under(root);
    let (checker, mut ds) = Checker::new(&files, reports, base_path, output_label, allow_html);
    for p in pages {
        ds.extend(checker.links(p, || {
            std::fs::read_to_string(root.join(&p.path)).unwrap_or_default()
        }));
    }
    ds
}

/// How to mend a broken link to `target`. The target is shown as resolved, percent escapes
/// decoded, with line breaks and other control characters written as escapes (`%0A` decodes
/// to a line break, which would split the hint).
fn hint(target: &Target, image: bool, files: &FileSet) -> String {
    let incident = |t: &str| {
        let mut parts = t.split('/');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("incidents"), Some(slug), Some(_)) => Some(slug.to_string()),
            _ => None,
        }
    };
    match target {
        Target::Outside => "the link climbs above the site's root folder".to_string(),
        // `../INC-2024-042/`: the page is there, under its lowercase address.
        Target::Local(t)
            if incident(t).is_some_and(|s| {
                s != s.to_lowercase()
                    && files.contains(&format!("incidents/{}/index.html", s.to_lowercase()))
            }) =>
        {
            let slug = incident(t).unwrap_or_default();
            format!(
                "page addresses are lowercase: the page of {} is `incidents/{}/`; or write the id \
                 in the text, which links to its page by itself",
                one_line(&slug),
                one_line(&slug.to_lowercase())
            )
        }
        Target::Local(t)
            if incident(t)
                .is_some_and(|s| !files.contains(&format!("incidents/{s}/index.html"))) =>
        {
            let slug = incident(t).unwrap_or_default();
            let t = one_line(t);
            format!(
                "it resolves to `{t}`, but no incident page `{slug}` is built (drafts and \
                 reports under review are built only with --drafts)"
            )
        }
        // `[see](INC-2024-041.md)`: a link to a report's source, which is never published.
        Target::Local(t) if t.to_ascii_lowercase().ends_with(".md") => {
            let stem = t.rsplit('/').next().unwrap_or(t);
            let page = stem[..stem.len() - 3].to_lowercase();
            if files.contains(&format!("incidents/{page}/index.html")) {
                format!(
                    "a report's `.md` file is not published, its page is: link to `../{page}/` \
                     (from a report's page), or write the id in the text, which links to its \
                     page by itself",
                    page = one_line(&page)
                )
            } else {
                format!(
                    "it resolves to `{}`; `.md` files are reports, published as pages, never \
                     copied",
                    one_line(t)
                )
            }
        }
        Target::Local(t) if image || incident(t).is_some() => format!(
            "it resolves to `{}`; put the file beside the report: files there are copied \
             beside its page",
            one_line(t)
        ),
        Target::Local(t) => format!("it resolves to `{}` in the built site", one_line(t)),
        Target::Skip => String::new(),
    }
}

/// The path part of a `base_url` (`https://host/sre/` → `/sre/`), always ending in `/`.
pub fn base_path(base_url: &str) -> String {
    let rest = match base_url.find("://") {
        Some(p) => {
            let after = &base_url[p + 3..];
            after.find('/').map(|q| &after[q..]).unwrap_or("/")
        }
        None => base_url,
    };
    let mut s = if rest.starts_with('/') {
        rest.to_string()
    } else {
        format!("/{rest}")
    };
    if !s.ends_with('/') {
        s.push('/');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    fn files(list: &[&str]) -> FileSet {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn resolves_relative_absolute_and_skipped_links() {
        let d = "incidents/inc-1/";
        assert_eq!(
            resolve("../inc-2/", d, "/"),
            Target::Local("incidents/inc-2/".into())
        );
        assert_eq!(
            resolve("hit%20ratio.svg#x", d, "/"),
            Target::Local("incidents/inc-1/hit ratio.svg".into())
        );
        assert_eq!(resolve("../../", d, "/"), Target::Local(String::new()));
        assert_eq!(resolve("../../../x", d, "/"), Target::Outside);
        assert_eq!(
            resolve("/sre/style.css", d, "/sre/"),
            Target::Local("style.css".into())
        );
        assert_eq!(resolve("/sre", d, "/sre/"), Target::Local(String::new()));
        assert_eq!(resolve("/grafana/d/1", d, "/sre/"), Target::Skip);
        assert_eq!(
            resolve("/sre/a/../b/", d, "/sre/"),
            Target::Local("b/".into())
        );
        assert_eq!(resolve("/x", d, "/"), Target::Local("x".into()));
        assert_eq!(resolve("./../.././", d, "/"), Target::Local(String::new()));
        assert_eq!(resolve("a//b/./c", "", "/"), Target::Local("a/b/c".into()));
        assert_eq!(resolve("JavaScript:alert(1)", d, "/"), Target::Skip);
        assert_eq!(resolve(" java\tscript:x", d, "/"), Target::Skip);
        for skip in [
            "https://x.example/",
            "mailto:a@b",
            "#top",
            "",
            "//cdn/x",
            "?q",
        ] {
            assert_eq!(resolve(skip, d, "/"), Target::Skip, "{skip}");
        }
    }

    #[test]
    fn extraction_finds_what_the_attribute_pattern_finds() {
        let pattern = Regex::new(r#"\s(?:href|src)="[^"]*""#).unwrap();
        for html in [
            "<a href=\"a\">x</a> <img src=\"b\" alt=\"\">",
            "<a\nhref=\"a\"\tsrc=\"b\">",
            "<a xhref=\"no\" data-src=\"no\" href=\"yes\">",
            "\u{a0}href=\"nbsp\" \u{2003}src=\"em\"",
            "href=\"at-start\" <a href=\"\">",
            "<a href=\"x src=\"y\">",
            "<a href=\"unterminated",
            "<a href =\"spaced\" href=\"\" src=\"é&amp;\">",
            "<a title=\"t\"href=\"no-space\" =\"\" href==\"double\">",
            "<p>==\"\" href=\"\"</p><a\u{a0}src=\"z\" title=\"x href=\" y\">",
            "<a title=\"a=\" href=\"b\" class=\"c\"src=\"d\">",
        ] {
            let expected: Vec<(String, usize)> = pattern
                .find_iter(html)
                .map(|m| {
                    let open = m.as_str().find('"').unwrap() + 1;
                    (
                        decode_entities(&m.as_str()[open..m.as_str().len() - 1]).into_owned(),
                        m.start() + open,
                    )
                })
                .collect();
            let got: Vec<(String, usize)> = extract("p.html", html)
                .links
                .into_iter()
                .map(|l| (l.target, l.offset))
                .collect();
            assert_eq!(got, expected, "{html}");
        }
    }

    #[test]
    fn segments_split_like_str_split() {
        for path in ["", "/", "a", "a/", "/a", "a//b/./c/", "../../x/", "é/ü//"] {
            assert_eq!(
                segments(path).collect::<Vec<_>>(),
                path.split('/').collect::<Vec<_>>(),
                "{path}"
            );
        }
    }

    #[test]
    fn folders_need_an_index() {
        let f = files(&["index.html", "tags/index.html", "a.svg"]);
        assert!(exists("", &f));
        assert!(exists("tags/", &f) && exists("tags", &f) && exists("a.svg", &f));
        assert!(!exists("services/", &f) && !exists("b.svg", &f));
    }

    #[test]
    fn extracts_links_with_offsets_and_entities() {
        let html = "<p>a href=&quot;no&quot;</p>\n<a class=\"x\" href=\"../a?x=1&amp;y=2\">t</a><img src=\"g.svg\" alt=\"\">";
        let p = extract("x/index.html", html);
        let lines = LineIndex::new(html);
        let got: Vec<_> = p
            .links
            .iter()
            .map(|l| (l.target.as_str(), lines.line_col(l.offset)))
            .collect();
        assert_eq!(got, vec![("../a?x=1&y=2", (2, 20)), ("g.svg", (2, 53))]);
    }

    #[test]
    fn broken_links_are_reported_once_at_their_source() {
        let t = tempfile::tempdir().unwrap();
        let page = "incidents/inc-1/index.html";
        let html =
            "<p>\n<a href=\"../../tags/\">t</a> <a href=\"gone/\">g</a> <img src=\"x.svg\">\n";
        std::fs::create_dir_all(t.path().join("incidents/inc-1")).unwrap();
        std::fs::write(t.path().join(page), html).unwrap();
        let finder = Regex::new(r"\bINC-[0-9]+\b").unwrap();
        let report = crate::load::parse_report(
            b"---\nid: INC-1\n---\n\n![g](x.svg)\n",
            "content/a.md",
            "",
            &finder,
        )
        .unwrap();
        let ds = check(
            t.path(),
            &[(&report, page.to_string())],
            &[extract(page, html)],
            "/",
            "public",
            false,
        );
        let got: Vec<String> = ds
            .iter()
            .map(|d| format!("{}:{}:{}: {}", d.path, d.line, d.col, d.message))
            .collect();
        assert_eq!(
            got,
            vec![
                "content/a.md:5:1: link target `x.svg` does not exist",
                "public/incidents/inc-1/index.html:2:10: link target `../../tags/` does not exist",
                "public/incidents/inc-1/index.html:2:38: link target `gone/` does not exist",
            ]
        );
    }

    #[test]
    fn base_paths() {
        assert_eq!(base_path("/"), "/");
        assert_eq!(base_path("/sre/incidents"), "/sre/incidents/");
        assert_eq!(base_path("https://pages.example/sre/"), "/sre/");
        assert_eq!(base_path("https://pages.example"), "/");
    }
}
