//! Markdown to HTML for report text: pulldown-cmark with tables, footnotes and strikethrough,
//! heading anchors (a `#` link beside each heading, outside it, so the heading is named by its
//! text alone), highlighted code, incident ids turned into links, raw HTML escaped (or
//! sanitised with ammonia when the site allows it), and no `javascript:` (or other script) URLs.
//! Tables sit in a `.table-wrap` box that scrolls sideways on narrow screens, and their header
//! cells are `<th scope="col">`.

use super::highlight;
use crate::text::{LineIndex, escape_html, slugify};
use pulldown_cmark::{
    Alignment, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use regex::Regex;
use std::collections::HashSet;

/// What the Markdown renderer needs to know about the page and the archive.
pub struct MarkdownContext<'a> {
    /// Finds incident ids in text.
    pub id_finder: &'a Regex,
    /// Href of an incident's page from the current page, or `None` when it is not built.
    pub link: &'a dyn Fn(&str) -> Option<String>,
    /// The current page's own id (not linked to itself).
    pub own_id: &'a str,
    /// Keep raw HTML (sanitised) instead of escaping it.
    pub allow_html: bool,
    /// Offsets of lines (in the Markdown rendered) that begin a timeline entry: a line break
    /// before one, inside a paragraph, is kept as a line break, so a timeline written as
    /// plain lines shows one entry per line. Empty outside a Timeline section.
    pub entry_lines: &'a [usize],
}

/// Deepest nesting of block quotes and lists that is kept as HTML; deeper containers are
/// flattened into their parent (their text is kept). Browsers and the sanitiser slow down on
/// thousands of nested elements, and no report needs more than a few levels.
pub const MAX_NESTING: usize = 32;

/// Markdown extensions pirsite enables.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// Whether the soft line break at `range` of `markdown` comes right before a line in
/// `entry_lines` (sorted).
fn breaks_before_entry(
    markdown: &str,
    range: std::ops::Range<usize>,
    entry_lines: &[usize],
) -> bool {
    if entry_lines.is_empty() {
        return false;
    }
    let next_line = markdown
        .get(range.start..)
        .and_then(|rest| rest.find('\n'))
        .map(|p| range.start + p + 1);
    next_line.is_some_and(|at| entry_lines.binary_search(&at).is_ok())
}

/// True for URLs a page must never emit: `javascript:`, `vbscript:`, `data:` (whitespace and
/// control characters ignored, as browsers do).
pub fn is_unsafe_url(url: &str) -> bool {
    // Every scheme below ends in `:`; most links (relative paths) have none.
    if !url.contains(':') {
        return false;
    }
    let mut cleaned = ['\0'; 16];
    let mut len = 0;
    for c in url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
    {
        cleaned[len] = c.to_ascii_lowercase();
        len += 1;
    }
    let cleaned = &cleaned[..len];
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| cleaned.len() >= s.len() && s.chars().zip(cleaned).all(|(a, &b)| a == b))
}

/// Renders `markdown` to HTML. `anchors` collects heading ids already used on the page, so they
/// stay unique across the sections of one page.
///
/// Code points a page may not hold are left out of `markdown` before it is read
/// ([`crate::text::without_forbidden`]): a terminal's colour codes whole, NUL as U+FFFD (as
/// CommonMark asks), other control characters one by one. Lines are kept, so `cx.entry_lines`
/// still name the same lines.
pub fn render(markdown: &str, cx: &MarkdownContext<'_>, anchors: &mut HashSet<String>) -> String {
    let cleaned = crate::text::without_forbidden(markdown);
    let moved_entries: Vec<usize>;
    let (markdown, entry_lines) = match &cleaned {
        std::borrow::Cow::Borrowed(_) => (markdown, cx.entry_lines),
        std::borrow::Cow::Owned(text) => {
            let (was, now) = (LineIndex::new(markdown), LineIndex::new(text));
            moved_entries = cx
                .entry_lines
                .iter()
                .map(|&at| now.line_start(was.line(at)))
                .collect();
            (text.as_str(), &moved_entries[..])
        }
    };
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut code: Option<(String, String)> = None;
    let mut link_depth = 0usize;
    let mut dropped_links: Vec<bool> = Vec::new();
    let mut dropped_images: Vec<bool> = Vec::new();
    let mut heading: Option<(HeadingLevel, Vec<Event<'_>>)> = None;
    // The open heading's text as read, incident ids included (linked or not), line breaks read
    // as spaces: its id is made from it, and its anchor's link name.
    let mut heading_label = String::new();
    // For each open block quote, list and item: whether its tags are emitted.
    let mut nesting: Vec<bool> = Vec::new();
    let mut kept = 0usize;
    // Open elements of the author's raw HTML so far (when allowed).
    let mut raw_depth: isize = 0;
    // The open table's column alignments, and the next header cell's column while in its
    // header row (Markdown tables do not nest).
    let mut aligns: Vec<Alignment> = Vec::new();
    let mut head_cell: Option<usize> = None;

    let parser = Parser::new_ext(markdown, options())
        .into_offset_iter()
        .map(|(event, range)| match event {
            // A break before a line that begins a timeline entry is kept.
            Event::SoftBreak if breaks_before_entry(markdown, range, entry_lines) => {
                Event::HardBreak
            }
            event => event,
        });
    for event in drop_comments(parser) {
        match &event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::Item) => {
                let keep = kept < MAX_NESTING;
                nesting.push(keep);
                if !keep {
                    continue;
                }
                kept += 1;
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item) => {
                if !nesting.pop().unwrap_or(true) {
                    continue;
                }
                kept = kept.saturating_sub(1);
            }
            _ => {}
        }
        // Code blocks: collect, then highlight.
        if let Some((lang, buf)) = code.as_mut() {
            match event {
                Event::Text(t) => buf.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let html = highlight::code_block(buf, lang);
                    events.push(Event::Html(CowStr::from(html.to_string())));
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        if heading.is_some() {
            match &event {
                Event::Text(t) | Event::Code(t) => heading_label.push_str(t),
                Event::Html(t) | Event::InlineHtml(t) if !cx.allow_html => {
                    heading_label.push_str(t)
                }
                Event::SoftBreak | Event::HardBreak => heading_label.push(' '),
                _ => {}
            }
        }
        let mut out: Vec<Event<'_>> = Vec::new();
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let unsafe_url = is_unsafe_url(&dest_url);
                dropped_links.push(unsafe_url);
                if !unsafe_url {
                    link_depth += 1;
                    out.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Link) => {
                if dropped_links.pop() == Some(false) {
                    link_depth = link_depth.saturating_sub(1);
                    out.push(Event::End(TagEnd::Link));
                }
            }
            // An image with a script URL is dropped; its alt text stays, as text.
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let unsafe_url = is_unsafe_url(&dest_url);
                dropped_images.push(unsafe_url);
                if !unsafe_url {
                    out.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Image) => {
                if dropped_images.pop() == Some(false) {
                    out.push(Event::End(TagEnd::Image));
                }
            }
            Event::Html(html) | Event::InlineHtml(html) if !cx.allow_html => {
                out.push(Event::Text(html))
            }
            // Raw HTML nested deeper than MAX_NESTING is shown as text, like when not allowed.
            Event::Html(html) | Event::InlineHtml(html)
                if raw_depth + raw_nesting(&html).1 > MAX_NESTING as isize =>
            {
                out.push(Event::Text(html))
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                raw_depth = (raw_depth + raw_nesting(&html).0).max(0);
                out.push(Event::Html(html))
            }
            // A table scrolls in its own box instead of widening the page, and its header
            // cells name their columns; the alignment is written as pulldown-cmark writes it.
            Event::Start(Tag::Table(columns)) => {
                aligns.clone_from(&columns);
                out.push(Event::Html(CowStr::Borrowed("<div class=\"table-wrap\">")));
                out.push(Event::Start(Tag::Table(columns)));
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::End(TagEnd::Table));
                out.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            Event::Start(Tag::TableHead) => {
                head_cell = Some(0);
                out.push(Event::Start(Tag::TableHead));
            }
            Event::End(TagEnd::TableHead) => {
                head_cell = None;
                out.push(Event::End(TagEnd::TableHead));
            }
            Event::Start(Tag::TableCell) if head_cell.is_some() => {
                let align = match head_cell.and_then(|n| aligns.get(n)) {
                    Some(Alignment::Left) => " style=\"text-align: left\"",
                    Some(Alignment::Center) => " style=\"text-align: center\"",
                    Some(Alignment::Right) => " style=\"text-align: right\"",
                    _ => "",
                };
                out.push(Event::Html(CowStr::from(format!(
                    "<th scope=\"col\"{align}>"
                ))));
            }
            Event::End(TagEnd::TableCell) if head_cell.is_some() => {
                head_cell = head_cell.map(|n| n + 1);
                out.push(Event::Html(CowStr::Borrowed("</th>")));
            }
            Event::Text(text) if link_depth == 0 => link_ids(text, cx, &mut out),
            other => out.push(other),
        }
        for e in out {
            match (&mut heading, e) {
                (None, Event::Start(Tag::Heading { level, .. })) => {
                    heading = Some((level, Vec::new()))
                }
                (Some((level, inner)), Event::End(TagEnd::Heading(_))) => {
                    let base = slugify(&heading_label);
                    let id = unique_anchor(
                        if base.is_empty() {
                            "section".into()
                        } else {
                            base
                        },
                        anchors,
                    );
                    let lvl = *level as usize;
                    let mut inner_html = String::new();
                    pulldown_cmark::html::push_html(
                        &mut inner_html,
                        std::mem::take(inner).into_iter(),
                    );
                    let label = anchor_label(&std::mem::take(&mut heading_label));
                    events.push(Event::Html(CowStr::from(format!(
                        "<div class=\"heading\"><h{lvl} id=\"{id}\">{inner_html}</h{lvl}> <a class=\"anchor\" href=\"#{id}\" aria-label=\"{label}\">#</a></div>\n"
                    ))));
                    heading = None;
                }
                (Some((_, inner)), e) => inner.push(e),
                (None, e) => events.push(e),
            }
        }
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if cx.allow_html { sanitize(&html) } else { html }
}

/// How many elements a piece of raw HTML opens, minus those it closes (void and self-closed
/// elements count nothing), and the deepest it goes on the way. An estimate, used only to
/// bound nesting.
fn raw_nesting(html: &str) -> (isize, isize) {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    ];
    let (mut depth, mut peak) = (0, 0);
    let mut rest = html;
    while let Some(p) = rest.find('<') {
        rest = &rest[p + 1..];
        let closing = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        if closing {
            depth -= 1;
        } else if !VOID.contains(&name.as_str()) && !rest[..end].ends_with('/') {
            depth += 1;
            peak = peak.max(depth);
        }
    }
    (depth, peak)
}

/// Drops HTML comments (`<!-- ... -->`): authors' notes and the guidance `pirsite new` writes
/// never reach the page, whether raw HTML is allowed or escaped. A comment may span several
/// events: one `Html` event per line of an HTML block, or (when a list item cuts a block comment
/// short) the text that follows, up to the closing `-->`.
fn drop_comments<'a>(events: impl Iterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    let mut in_comment = false;
    for event in events {
        let (text, rebuild): (CowStr<'a>, fn(CowStr<'a>) -> Event<'a>) = match event {
            Event::Html(s) => (s, Event::Html),
            Event::InlineHtml(s) => (s, Event::InlineHtml),
            Event::Text(s) if in_comment => (s, Event::Text),
            Event::Code(s) if in_comment => (s, Event::Code),
            Event::SoftBreak | Event::HardBreak if in_comment => continue,
            other => {
                out.push(other);
                continue;
            }
        };
        if !in_comment && !text.contains("<!--") {
            out.push(rebuild(text));
            continue;
        }
        let mut kept = String::new();
        let mut rest: &str = &text;
        loop {
            if in_comment {
                match rest.find("-->") {
                    Some(p) => {
                        rest = &rest[p + 3..];
                        in_comment = false;
                    }
                    None => break,
                }
            } else {
                match rest.find("<!--") {
                    Some(p) => {
                        kept.push_str(&rest[..p]);
                        rest = &rest[p + 4..];
                        in_comment = true;
                    }
                    None => {
                        kept.push_str(rest);
                        break;
                    }
                }
            }
        }
        if !kept.trim().is_empty() {
            out.push(rebuild(CowStr::from(kept)));
        }
    }
    out
}

/// The link name of a heading's anchor, escaped for an attribute: "Link to section <heading>",
/// so each names the section it points at.
fn anchor_label(heading: &str) -> String {
    let words: Vec<&str> = heading.split_whitespace().collect();
    if words.is_empty() {
        "Link to this section".into()
    } else {
        format!("Link to section {}", escape_html(&words.join(" ")))
    }
}

fn unique_anchor(base: String, used: &mut HashSet<String>) -> String {
    if used.insert(base.clone()) {
        return base;
    }
    (1..)
        .map(|n| format!("{base}-{n}"))
        .find(|c| used.insert(c.clone()))
        .expect("an unused anchor exists")
}

/// Splits text at incident ids, linking those that have a page.
fn link_ids<'a>(text: CowStr<'a>, cx: &MarkdownContext<'_>, out: &mut Vec<Event<'a>>) {
    let mut last = 0;
    let s: &str = &text;
    let mut pieces: Vec<Event<'a>> = Vec::new();
    for m in cx.id_finder.find_iter(s) {
        if m.as_str() == cx.own_id {
            continue;
        }
        let Some(href) = (cx.link)(m.as_str()) else {
            continue;
        };
        if m.start() > last {
            pieces.push(Event::Text(CowStr::from(s[last..m.start()].to_string())));
        }
        pieces.push(Event::Html(CowStr::from(format!(
            "<a class=\"incident-ref\" href=\"{}\">{}</a>",
            escape_html(&href),
            escape_html(m.as_str())
        ))));
        last = m.end();
    }
    if pieces.is_empty() {
        out.push(Event::Text(text));
        return;
    }
    if last < s.len() {
        pieces.push(Event::Text(CowStr::from(s[last..].to_string())));
    }
    out.extend(pieces);
}

/// Sanitises HTML that may contain the author's raw HTML (`allow_html = true`).
fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["class", "id", "aria-label"])
        .link_rel(None)
        .url_relative(ammonia::UrlRelative::PassThrough)
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_with(md: &str, allow_html: bool) -> String {
        let finder = Regex::new(r"\bINC-[0-9]{4}-[0-9]{3,}\b").unwrap();
        let link = |id: &str| (id != "INC-2000-000").then(|| format!("../{}/", id.to_lowercase()));
        let cx = MarkdownContext {
            id_finder: &finder,
            link: &link,
            own_id: "INC-2024-042",
            allow_html,
            entry_lines: &[],
        };
        render(md, &cx, &mut HashSet::new())
    }

    #[test]
    fn a_line_that_begins_a_timeline_entry_starts_a_new_line() {
        let md = "14:23 Deploy begins\n14:25 Page load times rise\nand keep rising\n\n- 14:27 Alert\n  14:30 Rollback\n";
        let finder = Regex::new(r"INC-[0-9]{4}-[0-9]{3}").unwrap();
        let link = |_: &str| None;
        let entry_lines = crate::load::timeline_entry_lines(md);
        let cx = MarkdownContext {
            id_finder: &finder,
            link: &link,
            own_id: "INC-2024-042",
            allow_html: false,
            entry_lines: &entry_lines,
        };
        // A wrapped line that begins no entry stays part of the entry above.
        assert_eq!(
            render(md, &cx, &mut HashSet::new()),
            "<p>14:23 Deploy begins<br />\n14:25 Page load times rise\nand keep rising</p>\n<ul>\n<li>14:27 Alert<br />\n14:30 Rollback</li>\n</ul>\n"
        );
        let plain = MarkdownContext {
            entry_lines: &[],
            ..cx
        };
        assert!(!render(md, &plain, &mut HashSet::new()).contains("<br"));
    }

    #[test]
    fn control_characters_never_reach_the_html() {
        let md = "Paragraph \x1b[31mERROR\x1b[0m a\0b\x07c \u{93}q\u{94} `co\x07de\x1b[0m`\n\n\
                  ```\n\x1b[31mERROR\x1b[0m refused\x07\n```\n\n\
                  ```sql\nSELECT 1; -- \x1b[1mbold\x1b[0m \0\n```\n\n\
                  <b>raw \x1b[1mhtml\x1b[0m\x07</b>\n\n\
                  ### Head\x1b[1ming\x1b[0m\n";
        for allow in [false, true] {
            let html = render_with(md, allow);
            assert_eq!(
                crate::text::find_forbidden(&html, 0),
                None,
                "{allow}: {html:?}"
            );
            // Terminal codes are left out whole; NUL is U+FFFD.
            assert!(!html.contains("[31m") && !html.contains("[0m"), "{html}");
            assert!(html.contains("Paragraph ERROR a\u{fffd}bc q "), "{html}");
            assert!(html.contains("<code>code</code>"), "{html}");
            assert!(html.contains("ERROR refused\n"), "{html}");
            assert!(html.contains("id=\"heading\""), "{html}");
        }
    }

    #[test]
    fn timeline_lines_stay_entries_when_control_characters_are_left_out() {
        let md = "14:23 \x1b[31mDeploy\x1b[0m begins\n14:25 Alert \x07fires\nand keeps firing\n";
        let finder = Regex::new(r"INC-[0-9]{4}-[0-9]{3}").unwrap();
        let link = |_: &str| None;
        let entry_lines = crate::load::timeline_entry_lines(md);
        let cx = MarkdownContext {
            id_finder: &finder,
            link: &link,
            own_id: "INC-2024-042",
            allow_html: false,
            entry_lines: &entry_lines,
        };
        assert_eq!(
            render(md, &cx, &mut HashSet::new()),
            "<p>14:23 Deploy begins<br />\n14:25 Alert fires\nand keeps firing</p>\n"
        );
    }

    #[test]
    fn ids_become_links_except_own_and_unbuilt() {
        let html = render_with("See INC-2023-117, INC-2024-042 and INC-2000-000.", false);
        assert_eq!(
            html,
            "<p>See <a class=\"incident-ref\" href=\"../inc-2023-117/\">INC-2023-117</a>, INC-2024-042 and INC-2000-000.</p>\n"
        );
    }

    #[test]
    fn ids_inside_links_and_code_stay_as_written() {
        let html = render_with("[INC-2023-117](x) `INC-2023-117`", false);
        assert!(!html.contains("incident-ref"), "{html}");
    }

    #[test]
    fn raw_html_is_escaped_by_default() {
        let html = render_with("<script>alert(1)</script>\n\nHi <b>x</b>", false);
        assert!(
            !html.contains("<script>") && !html.contains("<b>"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;"));
    }

    #[test]
    fn raw_html_is_sanitised_when_allowed() {
        let html = render_with(
            "Hi <b>x</b> <img src=x onerror=alert(1)>\n\n<script>alert(1)</script>",
            true,
        );
        assert!(html.contains("<b>x</b>"), "{html}");
        assert!(
            !html.contains("onerror") && !html.contains("<script"),
            "{html}"
        );
    }

    #[test]
    fn html_comments_are_dropped() {
        for allow in [false, true] {
            let html = render_with(
                "## Summary\n<!-- What surprised you?\nAsk the responders. -->\n\nText <!-- inline\nnote --> stays.\n\n- one\n- <!--\ncut short\n-->\n\nAfter <!-- a --> <!-- b --> end\n",
                allow,
            );
            assert!(!html.contains("surprised"), "{html}");
            assert!(
                !html.contains("note") && !html.contains("cut short"),
                "{html}"
            );
            assert!(
                !html.contains("&lt;!--") && !html.contains("<!--"),
                "{html}"
            );
            assert!(!html.contains("--&gt;") && !html.contains("-->"), "{html}");
            assert!(html.contains("Text") && html.contains("stays."), "{html}");
            assert!(html.contains("After") && html.contains("end"), "{html}");
        }
        // A comment inside code is text, shown as written.
        let html = render_with("```\n<!-- kept -->\n```\n\n`<!-- kept too -->`", false);
        assert!(html.contains("&lt;!-- kept --&gt;"), "{html}");
        assert!(html.contains("&lt;!-- kept too --&gt;"), "{html}");
    }

    #[test]
    fn javascript_links_are_never_emitted() {
        for md in [
            "[x](javascript:alert(1))",
            "[x]( JaVaScRiPt:alert(1))",
            "<javascript:alert(1)>",
            "![i](javascript:alert(1))",
            "[x](&#106;avascript:alert(1))",
        ] {
            for allow in [false, true] {
                let html = render_with(md, allow).to_lowercase();
                assert!(
                    !html.contains("href=\"javascript") && !html.contains("src=\"javascript"),
                    "{md}: {html}"
                );
            }
        }
        // A dropped image leaves its alt text and no `<img src="">` (invalid HTML).
        assert_eq!(
            render_with("![graph of errors](javascript:alert(1))", false),
            "<p>graph of errors</p>\n"
        );
    }

    #[test]
    fn headings_get_unique_anchors() {
        let html = render_with("### Notes\n\n### Notes\n", false);
        assert!(
            html.contains("<h3 id=\"notes\">") && html.contains("<h3 id=\"notes-1\">"),
            "{html}"
        );
    }

    #[test]
    fn heading_ids_keep_incident_ids() {
        for allow in [false, true] {
            let html = render_with(
                "### Follow-up to INC-2024-001\n\n### Follow-up to INC-2024-001\n\n\
                 ## INC-2023-117 and `INC-2000-000`: same *cause*\n",
                allow,
            );
            for id in [
                "follow-up-to-inc-2024-001",
                "follow-up-to-inc-2024-001-1",
                "inc-2023-117-and-inc-2000-000-same-cause",
            ] {
                assert!(html.contains(&format!(" id=\"{id}\">")), "{id}: {html}");
            }
            // The id is still a link in the heading.
            assert!(
                html.contains(
                    "<a class=\"incident-ref\" href=\"../inc-2024-001/\">INC-2024-001</a>"
                ),
                "{html}"
            );
        }
    }

    #[test]
    fn a_line_break_in_a_heading_separates_words_of_its_id() {
        let html = render_with("Retry budget\nper service\n---\n", false);
        assert!(html.contains(" id=\"retry-budget-per-service\">"), "{html}");
    }

    #[test]
    fn heading_anchors_sit_beside_the_heading_not_in_it() {
        for allow in [false, true] {
            assert_eq!(
                render_with("### Notes\n", allow),
                "<div class=\"heading\"><h3 id=\"notes\">Notes</h3> \
                 <a class=\"anchor\" href=\"#notes\" aria-label=\"Link to section Notes\">#</a></div>\n"
            );
        }
    }

    #[test]
    fn heading_anchors_are_named_by_their_heading() {
        let label = |html: &str| {
            let at = html.find("aria-label=\"").expect("an anchor") + 12;
            html[at..at + html[at..].find('"').unwrap()].to_string()
        };
        for allow in [false, true] {
            assert_eq!(
                label(&render_with("### Notes & <\"quotes\">\n", allow)),
                "Link to section Notes &amp; &lt;&quot;quotes&quot;&gt;"
            );
            // Inline markup, code, link text and incident ids are read as text.
            assert_eq!(
                label(&render_with(
                    "### *Why* `retry` [failed](x) like INC-2023-117\n",
                    allow
                )),
                "Link to section Why retry failed like INC-2023-117"
            );
        }
        assert_eq!(
            label(&render_with("Two\nlines\n---\n", false)),
            "Link to section Two lines"
        );
        let html = render_with("### One\n\n### Two\n", false);
        assert!(
            html.contains("aria-label=\"Link to section One\"")
                && html.contains("aria-label=\"Link to section Two\""),
            "{html}"
        );
    }

    #[test]
    fn tables_footnotes_strikethrough() {
        let html = render_with("| a |\n|---|\n| b |\n\n~~x~~ y[^1]\n\n[^1]: z\n", false);
        assert!(
            html.contains("<table>") && html.contains("<del>x</del>") && html.contains("footnote"),
            "{html}"
        );
    }

    #[test]
    fn tables_scroll_in_a_wrap_with_column_headers() {
        let html = render_with(
            "| Metric | Before | After | Note |\n| :--- | :---: | ---: | --- |\n| p99 | 1 | 2 | x |\n",
            false,
        );
        assert_eq!(
            html,
            "<div class=\"table-wrap\"><table><thead><tr>\
             <th scope=\"col\" style=\"text-align: left\">Metric</th>\
             <th scope=\"col\" style=\"text-align: center\">Before</th>\
             <th scope=\"col\" style=\"text-align: right\">After</th>\
             <th scope=\"col\">Note</th></tr></thead><tbody>\n\
             <tr><td style=\"text-align: left\">p99</td>\
             <td style=\"text-align: center\">1</td>\
             <td style=\"text-align: right\">2</td><td>x</td></tr>\n\
             </tbody></table>\n</div>\n"
        );
        // Raw HTML allowed: the sanitiser keeps the box and the scopes.
        let html = render_with("| a | b |\n|---|---|\n| 1 | 2 |\n", true);
        assert!(
            html.starts_with("<div class=\"table-wrap\"><table>")
                && html.matches("<th scope=\"col\">").count() == 2,
            "{html}"
        );
    }

    #[test]
    fn deep_nesting_is_flattened() {
        let md = format!("{}deep\n\n{}deeper\n", "> ".repeat(500), "- ".repeat(500));
        let html = render_with(&md, true);
        assert_eq!(html.matches("<blockquote>").count(), MAX_NESTING);
        assert_eq!(html.matches("</blockquote>").count(), MAX_NESTING);
        assert_eq!(html.matches("<ul>").count(), html.matches("</ul>").count());
        assert!(html.matches("<ul>").count() <= MAX_NESTING);
        assert!(html.contains("deep") && html.contains("deeper"), "{html}");
    }

    #[test]
    fn deep_raw_html_is_shown_as_text() {
        let md = format!("{}x{}\n", "<div>".repeat(500), "</div>".repeat(500));
        let html = render_with(&md, true);
        assert!(html.matches("<div>").count() <= MAX_NESTING, "{html}");
        assert_eq!(raw_nesting("<div><br><img src=x/><p class='a'>"), (2, 2));
        assert_eq!(raw_nesting("</p></div> a < b"), (-2, 0));
        assert_eq!(raw_nesting("<b>x</b><i>y</i>"), (0, 1));
    }
}
