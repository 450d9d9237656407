//! Render: the archive to HTML pages.
//!
//! [`markdown`] turns report text into HTML, [`highlight`] colours code, [`theme`] holds the
//! Tera templates. This module decides which pages exist ([`PageKind`]), builds each page's
//! small template context (the index pages' in `pages`, the JSON files in [`data`]), and
//! renders one page at a time so `site` can render them in parallel. Every link between pages
//! is relative (`root` is `./`, `../`, `../../`...), so the same output works at the root of a
//! host or under any sub-path.

pub mod data;
pub mod fingerprint;
pub mod highlight;
pub mod markdown;
mod pages;
mod syntaxes;
pub mod theme;
mod values;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::model::{Archive, DueState, Incident};
use chrono::NaiveDateTime;
use markdown::MarkdownContext;
use serde::Serialize;
use std::collections::HashSet;
use std::ops::Range;
use tera::{Context, Value};
use theme::Theme;
use values::{RelatedRow, Shared, TermKind};

/// One page (or data file) of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// `index.html`.
    Home,
    /// `incidents/<id>/index.html` for the incident at this index.
    Incident(usize),
    /// `severity/<level>/index.html` for the level at this index of [`Archive::severities`].
    Severity(usize),
    /// `tags/index.html`: every tag.
    Tags,
    /// `tags/<slug>/index.html` for the tag at this index.
    Tag(usize),
    /// `services/index.html`: every service.
    Services,
    /// `services/<slug>/index.html` for the service at this index.
    Service(usize),
    /// `actions/index.html`: every action item.
    Actions,
    /// `actions/overdue/index.html`: the overdue dashboard.
    Overdue,
    /// `404.html`.
    NotFound,
    /// `incidents.json`.
    IncidentsJson,
    /// `actions.json`.
    ActionsJson,
}

impl PageKind {
    /// Output path relative to the output root.
    pub fn path(self, archive: &Archive) -> String {
        match self {
            PageKind::Home => "index.html".into(),
            PageKind::Incident(i) => format!("incidents/{}/index.html", archive.incidents[i].slug),
            PageKind::Severity(i) => {
                format!(
                    "severity/{}/index.html",
                    level_slug(&archive.severities[i].0)
                )
            }
            PageKind::Tags => "tags/index.html".into(),
            PageKind::Tag(i) => format!("tags/{}/index.html", archive.tags[i].slug),
            PageKind::Services => "services/index.html".into(),
            PageKind::Service(i) => format!("services/{}/index.html", archive.services[i].slug),
            PageKind::Actions => "actions/index.html".into(),
            PageKind::Overdue => "actions/overdue/index.html".into(),
            PageKind::NotFound => "404.html".into(),
            PageKind::IncidentsJson => "incidents.json".into(),
            PageKind::ActionsJson => "actions.json".into(),
        }
    }

    /// The navigation entry this page is, or sits under: (`nav` key, exact page).
    fn nav(self, archive: &Archive) -> (String, bool) {
        match self {
            PageKind::Home => ("home".into(), true),
            PageKind::Severity(i) => (archive.severities[i].0.clone(), true),
            PageKind::Tags => ("tags".into(), true),
            PageKind::Tag(_) => ("tags".into(), false),
            PageKind::Services => ("services".into(), true),
            PageKind::Service(_) => ("services".into(), false),
            PageKind::Actions => ("actions".into(), true),
            PageKind::Overdue => ("overdue".into(), true),
            _ => (String::new(), false),
        }
    }
}

/// Folder name of a severity level's page: the level lowercased.
pub fn level_slug(level: &str) -> String {
    level.to_lowercase()
}

/// A rendered page.
#[derive(Debug, Clone)]
pub struct Page {
    /// Output path relative to the output root (`/`-separated).
    pub path: String,
    /// Page bytes.
    pub html: String,
    /// For an incident page, every id whose page it asked for (to link it or not), in the
    /// order asked: with the report and the archive facts in [`fingerprint`], what the page
    /// depends on.
    pub asked: Vec<String>,
}

/// Renders pages of one archive with one theme.
pub struct Renderer<'a> {
    /// Site configuration.
    pub config: &'a Config,
    /// The archive being built.
    pub archive: &'a Archive,
    /// Templates and static files.
    pub theme: &'a Theme,
    /// `base_url` in effect (config or `--base-url`), ending in `/`.
    pub base_url: &'a str,
    /// Values many pages show, built once.
    shared: Shared,
}

/// Room reserved per table row of an index page (the default theme's rows take 340 to 700
/// bytes; room never written is never touched).
const ROW_BYTES: usize = 1024;

/// Relative prefix from a page at `path` to the output root: `./`, `../`, `../../`...
pub fn root_prefix(path: &str) -> String {
    let depth = path.matches('/').count();
    if depth == 0 {
        "./".into()
    } else {
        "../".repeat(depth)
    }
}

/// Site-wide facts every template sees.
#[derive(Serialize)]
struct SiteCx<'a> {
    title: &'a str,
    base_url: &'a str,
    severities: Vec<LinkCx>,
    today: String,
    /// The zone clock times are read in (`timezone` of site.toml), by its IANA name.
    timezone: &'a str,
}

/// A link with its label.
#[derive(Serialize)]
struct LinkCx {
    name: String,
    url: String,
}

/// An incident as listed on index pages.
#[derive(Serialize)]
struct IncidentSummaryCx<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    severity: &'a str,
    severity_slug: String,
    severity_url: String,
    date: String,
    status: &'static str,
}

#[derive(Serialize)]
struct SectionCx {
    title: String,
    anchor: String,
    /// The section's Markdown: in `## Action Items`, the part before the first action item.
    html: String,
    /// In `## Action Items`, what follows the first action item besides the items (shown
    /// after them); empty elsewhere.
    after: String,
    /// Whether the action items are shown in this section: the first that holds any.
    items: bool,
    /// Whether this is the report's Timeline (the section its timeline is read from).
    timeline: bool,
}

#[derive(Serialize)]
struct ActionCx<'a> {
    anchor: String,
    title: &'a str,
    owner: &'a str,
    due: String,
    due_text: String,
    priority: &'static str,
    kind: &'static str,
    status: &'static str,
    status_slug: &'static str,
    state: DueState,
    days: i64,
    description: String,
    definition_of_done: String,
    reason: Option<String>,
    completed: Option<String>,
    ticket: Option<&'a str>,
    /// The ticket link's text ([`values::ticket_name`]).
    ticket_name: Option<String>,
    tracks: Option<LinkCx>,
}

/// A review-quality finding as the incident page shows it (message and hint as HTML).
#[derive(Serialize)]
struct FindingCx<'a> {
    rule: &'a str,
    level: &'static str,
    message: String,
    hint: Option<String>,
}

/// Escapes a diagnostic's text for HTML, turning `backticked` spans into `<code>`.
pub fn code_spans(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut parts = text.split('`').peekable();
    let mut inside = false;
    while let Some(part) = parts.next() {
        let escaped = crate::text::escape_html(part);
        if inside && parts.peek().is_some() {
            out.push_str("<code>");
            out.push_str(&escaped);
            out.push_str("</code>");
        } else {
            if inside {
                out.push('`');
            }
            out.push_str(&escaped);
        }
        inside = !inside;
    }
    out
}

#[derive(Serialize)]
struct IncidentCx<'a> {
    id: &'a str,
    title: &'a str,
    severity: &'a str,
    severity_url: String,
    severity_slug: String,
    date: String,
    status: &'static str,
    started: Option<String>,
    resolved: Option<String>,
    duration: Option<String>,
    time_to_detect: Option<String>,
    time_to_mitigate: Option<String>,
    /// Clock times of detection and mitigation, and whether each was read from the timeline.
    detected: Option<String>,
    detected_from_timeline: bool,
    mitigated: Option<String>,
    mitigated_from_timeline: bool,
    impact: Option<&'a str>,
    on_call: Option<&'a str>,
    review_date: Option<String>,
    published: Option<String>,
    services: Vec<LinkCx>,
    tags: Vec<LinkCx>,
    extra: &'a serde_json::Value,
}

/// How an action item stands against its due date, in words: "5 days overdue", "due today",
/// "due in 1 day", or "" for closed items.
pub fn due_text(state: DueState, days: i64) -> String {
    let d = |n: i64| format!("{n} {}", if n == 1 { "day" } else { "days" });
    match state {
        DueState::Closed => String::new(),
        DueState::Overdue => format!("{} overdue", d(-days)),
        _ if days == 0 => "due today".into(),
        _ => format!("due in {}", d(days)),
    }
}

fn ymd(d: chrono::NaiveDate) -> String {
    crate::text::ymd(d)
}

/// "22 minutes", "1 h 05 min", "2 d 3 h".
pub fn human_minutes(m: i64) -> String {
    match m {
        m if m < 60 => format!("{m} {}", if m == 1 { "minute" } else { "minutes" }),
        m if m < 24 * 60 => format!("{} h {:02} min", m / 60, m % 60),
        m => format!("{} d {} h", m / (24 * 60), (m % (24 * 60)) / 60),
    }
}

fn clock(t: &NaiveDateTime, date: chrono::NaiveDate) -> String {
    if t.date() == date {
        crate::text::hm(t.time())
    } else {
        crate::text::ymd_hm(*t, ' ')
    }
}

impl<'a> Renderer<'a> {
    /// A renderer of `archive`'s pages with `theme`, for a site at `base_url` (ending in `/`).
    pub fn new(
        config: &'a Config,
        archive: &'a Archive,
        theme: &'a Theme,
        base_url: &'a str,
    ) -> Renderer<'a> {
        Renderer {
            config,
            archive,
            theme,
            base_url,
            shared: Shared::new(
                archive.incidents.len(),
                archive.tags.len(),
                archive.services.len(),
            ),
        }
    }

    /// Every page of the site, in a fixed order.
    pub fn pages(&self) -> Vec<PageKind> {
        let a = self.archive;
        let mut pages = vec![
            PageKind::Home,
            PageKind::NotFound,
            PageKind::Tags,
            PageKind::Services,
            PageKind::Actions,
            PageKind::Overdue,
            PageKind::IncidentsJson,
            PageKind::ActionsJson,
        ];
        pages.extend((0..a.severities.len()).map(PageKind::Severity));
        pages.extend((0..a.tags.len()).map(PageKind::Tag));
        pages.extend((0..a.services.len()).map(PageKind::Service));
        pages.extend((0..a.incidents.len()).map(PageKind::Incident));
        pages
    }

    /// Renders one page.
    pub fn render(&self, kind: PageKind) -> Result<Page, Diagnostic> {
        let path = kind.path(self.archive);
        match kind {
            PageKind::IncidentsJson => {
                let html = data::incidents_json(self.archive, self.config, self.base_url);
                return Ok(Page {
                    path,
                    html,
                    asked: Vec::new(),
                });
            }
            PageKind::ActionsJson => {
                let html = data::actions_json(self.archive, self.config, self.base_url);
                return Ok(Page {
                    path,
                    html,
                    asked: Vec::new(),
                });
            }
            _ => {}
        }
        // The 404 page is shown at any depth, so its links start from base_url instead.
        let root = if kind == PageKind::NotFound {
            self.base_url.to_string()
        } else {
            root_prefix(&path)
        };
        let mut cx = self.base_context(&path, &root, kind.nav(self.archive));
        let mut asked = Vec::new();
        let template = match kind {
            PageKind::Home => {
                self.home(&root, &mut cx);
                "index.html"
            }
            PageKind::Incident(i) => {
                asked = self.incident(&self.archive.incidents[i], i, &root, &mut cx);
                "incident.html"
            }
            PageKind::Severity(i) => {
                self.severity(i, &root, &mut cx);
                "severity.html"
            }
            PageKind::Tags => {
                self.terms(&self.archive.tags, "tags", &root, &mut cx);
                "tags.html"
            }
            PageKind::Tag(i) => {
                self.term(&self.archive.tags[i], "tags", &root, &mut cx);
                "tag.html"
            }
            PageKind::Services => {
                self.terms(&self.archive.services, "services", &root, &mut cx);
                "services.html"
            }
            PageKind::Service(i) => {
                self.term(&self.archive.services[i], "services", &root, &mut cx);
                "service.html"
            }
            PageKind::Actions => {
                self.actions(&root, &mut cx);
                "actions.html"
            }
            PageKind::Overdue => {
                self.overdue(&root, &mut cx);
                "overdue.html"
            }
            PageKind::NotFound | PageKind::IncidentsJson | PageKind::ActionsJson => "404.html",
        };
        // A template that fails on one page's data: say which page, so the report that set it
        // off can be found.
        let html = self
            .theme
            .render(template, &cx, self.rows(kind) * ROW_BYTES)
            .map_err(|mut d| {
                let said = d.message.trim_end_matches('.');
                d.message = match kind {
                    PageKind::Incident(i) => format!(
                        "{said} (on the page of {})",
                        self.archive.incidents[i].report.path
                    ),
                    _ => format!("{said} (on the page {path})"),
                };
                d
            })?;
        Ok(Page { path, html, asked })
    }

    /// How many table rows `kind` lists, as a hint of its size: a page of thousands of rows
    /// is megabytes, and its text is better written into room reserved up front than into a
    /// buffer that doubles its way there (copying and touching twice as much memory).
    fn rows(&self, kind: PageKind) -> usize {
        let a = self.archive;
        match kind {
            PageKind::Actions => a.actions.len(),
            PageKind::Overdue => a
                .actions
                .iter()
                .filter(|r| matches!(r.state, DueState::Overdue | DueState::DueSoon))
                .count(),
            PageKind::Severity(i) => a.severities[i].1.len(),
            PageKind::Tag(i) => a.tags[i].incidents.len(),
            PageKind::Service(i) => a.services[i].incidents.len(),
            PageKind::Tags => a.tags.len(),
            PageKind::Services => a.services.len(),
            _ => 0,
        }
    }

    fn base_context(&self, path: &str, root: &str, nav: (String, bool)) -> Context {
        let mut cx = Context::new();
        cx.insert_value("site", self.site_value(root));
        cx.insert("root", root);
        cx.insert("nav", &nav.0);
        cx.insert("nav_current", if nav.1 { "page" } else { "true" });
        let page_url = path.strip_suffix("index.html").unwrap_or(path);
        let absolute =
            self.base_url.starts_with("http://") || self.base_url.starts_with("https://");
        cx.insert(
            "canonical",
            &absolute.then(|| format!("{}{page_url}", self.base_url)),
        );
        cx
    }

    fn summary(&self, inc: &'a Incident, root: &str) -> IncidentSummaryCx<'a> {
        IncidentSummaryCx {
            id: &inc.id,
            title: &inc.title,
            url: format!("{root}incidents/{}/", inc.slug),
            severity: &inc.severity,
            severity_slug: level_slug(&inc.severity),
            severity_url: format!("{root}severity/{}/", level_slug(&inc.severity)),
            date: ymd(inc.date),
            status: inc.status.as_str(),
        }
    }

    /// Fills the context of an incident page; returns the ids it asked about.
    fn incident(
        &self,
        inc: &'a Incident,
        index: usize,
        root: &str,
        cx: &mut Context,
    ) -> Vec<String> {
        let asked = std::cell::RefCell::new(Vec::new());
        let link = |id: &str| {
            asked.borrow_mut().push(id.to_string());
            self.archive
                .by_id
                .get(id)
                .map(|_| format!("{root}incidents/{}/", id.to_ascii_lowercase()))
        };
        let mcx = MarkdownContext {
            id_finder: &self.config.id_finder,
            link: &link,
            own_id: &inc.id,
            allow_html: self.config.allow_html,
            entry_lines: &[],
        };
        let mut anchors: HashSet<String> = [
            "summary-facts",
            "action-items-table",
            "related",
            "referenced-by",
            "tracked-here",
            "review-quality",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let report = &inc.report;
        let body = report.body.as_str();
        let mut sections = Vec::new();
        // Everything before the first section; each section's content up to the next; in
        // `## Action Items`, what the action-item blocks (shown as a table) leave.
        let preamble_end = report.sections.first().map_or(body.len(), |s| s.start);
        let preamble = markdown::render(&body[..preamble_end], &mcx, &mut anchors);
        let mut items_shown = false;
        let timeline = report.section("Timeline").map(|t| t.start);
        for s in &report.sections {
            let blocks: Vec<Range<usize>> = report
                .actions
                .iter()
                .map(|a| a.span.clone())
                .filter(|b| s.content.contains(&b.start))
                .collect();
            // Before the first block; then what lies between and after the blocks.
            let before = blocks.first().map_or(s.content.end, |b| b.start);
            let mut rest = String::new();
            for (i, b) in blocks.iter().enumerate() {
                let next = blocks.get(i + 1).map_or(s.content.end, |n| n.start);
                rest.push_str(&body[b.end.min(next)..next]);
            }
            let base = crate::text::slugify(&s.title);
            let anchor = if anchors.insert(base.clone()) {
                base
            } else {
                format!("{base}-section")
            };
            anchors.insert(anchor.clone());
            sections.push(SectionCx {
                title: s.title.to_string(),
                anchor,
                html: if timeline == Some(s.start) {
                    // One entry per line, also when the entries are plain lines.
                    let text = &body[s.content.start..before];
                    let entry_lines = crate::load::timeline_entry_lines(text);
                    let tcx = MarkdownContext {
                        entry_lines: &entry_lines,
                        ..mcx
                    };
                    markdown::render(text, &tcx, &mut anchors)
                } else {
                    markdown::render(&body[s.content.start..before], &mcx, &mut anchors)
                },
                after: if rest.is_empty() {
                    String::new()
                } else {
                    markdown::render(&rest, &mcx, &mut anchors)
                },
                items: !blocks.is_empty() && !std::mem::replace(&mut items_shown, true),
                timeline: timeline == Some(s.start),
            });
        }
        let md = |s: &str, anchors: &mut HashSet<String>| markdown::render(s, &mcx, anchors);
        let actions: Vec<ActionCx> = inc
            .actions
            .iter()
            .enumerate()
            .map(|(n, a)| {
                let (state, days) = a.state(self.archive.today, self.config.due_soon_days);
                let ticket = a.ticket.as_deref().filter(|t| !markdown::is_unsafe_url(t));
                ActionCx {
                    anchor: format!("action-{}", n + 1),
                    title: &a.title,
                    owner: &a.owner,
                    due: ymd(a.due),
                    due_text: due_text(state, days),
                    priority: a.priority.as_str(),
                    kind: a.kind.as_str(),
                    status: a.status.as_str(),
                    status_slug: a.status.slug(),
                    state,
                    days,
                    description: md(&a.description, &mut anchors),
                    definition_of_done: md(&a.definition_of_done, &mut anchors),
                    reason: a.reason.as_ref().map(|r| md(r, &mut anchors)),
                    completed: a.completed.map(ymd),
                    ticket,
                    ticket_name: ticket.map(values::ticket_name),
                    tracks: (a.tracks != inc.id).then(|| LinkCx {
                        name: a.tracks.clone(),
                        url: link(&a.tracks).unwrap_or_default(),
                    }),
                }
            })
            .collect();
        let links = |names: &[String], kind: &str| -> Vec<LinkCx> {
            names
                .iter()
                .map(|n| LinkCx {
                    name: n.clone(),
                    url: format!("{root}{kind}/{}/", crate::text::slugify(n)),
                })
                .collect()
        };
        let icx = IncidentCx {
            id: &inc.id,
            title: &inc.title,
            severity: &inc.severity,
            severity_url: format!("{root}severity/{}/", inc.severity.to_lowercase()),
            severity_slug: inc.severity.to_lowercase(),
            date: ymd(inc.date),
            status: inc.status.as_str(),
            started: inc.started.as_ref().map(|t| clock(t, inc.date)),
            resolved: inc.resolved.as_ref().map(|t| clock(t, inc.date)),
            duration: inc.duration_minutes.map(human_minutes),
            time_to_detect: inc.time_to_detect_minutes.map(human_minutes),
            time_to_mitigate: inc.time_to_mitigate_minutes.map(human_minutes),
            detected: inc.detected.as_ref().map(|t| clock(t, inc.date)),
            detected_from_timeline: inc.detected_from_timeline,
            mitigated: inc.mitigated.as_ref().map(|t| clock(t, inc.date)),
            mitigated_from_timeline: inc.mitigated_from_timeline,
            impact: inc.impact.as_deref(),
            on_call: inc.on_call.as_deref(),
            review_date: inc.review_date.map(ymd),
            published: inc.published.map(ymd),
            services: links(&inc.services, "services"),
            tags: links(&inc.tags, "tags"),
            extra: &inc.extra,
        };
        let term_links = |ids: &[usize], kind: TermKind| -> Value {
            Value::from(
                ids.iter()
                    .map(|&t| self.term_link(kind, t, root))
                    .collect::<Vec<_>>(),
            )
        };
        let related: Vec<Value> = self.archive.related[index]
            .iter()
            .map(|r| {
                Value::from_serializable(&RelatedRow {
                    row: self.summary_value(r.incident, root),
                    explicit: r.explicit,
                    shared_tags: term_links(&r.shared_tags, TermKind::Tags),
                    shared_services: term_links(&r.shared_services, TermKind::Services),
                })
            })
            .collect();
        cx.insert("incident", &icx);
        cx.insert("preamble", &preamble);
        cx.insert("sections", &sections);
        cx.insert("actions", &actions);
        cx.insert_value(
            "referenced_by",
            self.summary_values(&self.archive.referenced_by[index], root),
        );
        cx.insert_value("related", Value::from(related));
        cx.insert_value("tracked", Value::from(self.tracked_rows(index, root)));
        let review_quality: Vec<FindingCx> = if self.config.lint.show_on_site {
            crate::lint::findings(self.archive, index)
                .iter()
                .map(|d| FindingCx {
                    rule: d.rule.as_deref().unwrap_or_default(),
                    level: d.level.as_str(),
                    message: code_spans(&d.message),
                    hint: d.hint.as_deref().map(code_spans),
                })
                .collect()
        } else {
            Vec::new()
        };
        cx.insert("review_quality", &review_quality);
        asked.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_prefix_depths() {
        assert_eq!(root_prefix("index.html"), "./");
        assert_eq!(root_prefix("incidents/inc-1/index.html"), "../../");
    }

    #[test]
    fn due_states_read_in_words() {
        assert_eq!(due_text(DueState::Overdue, -1), "1 day overdue");
        assert_eq!(due_text(DueState::Overdue, -30), "30 days overdue");
        assert_eq!(due_text(DueState::DueSoon, 0), "due today");
        assert_eq!(due_text(DueState::DueSoon, 1), "due in 1 day");
        assert_eq!(due_text(DueState::Scheduled, 8), "due in 8 days");
        assert_eq!(due_text(DueState::Closed, -8), "");
    }

    #[test]
    fn code_spans_are_escaped_and_marked() {
        assert_eq!(
            code_spans("item `a<b` is `x` and ` odd"),
            "item <code>a&lt;b</code> is <code>x</code> and ` odd"
        );
    }

    #[test]
    fn minutes_read_naturally() {
        assert_eq!(human_minutes(22), "22 minutes");
        assert_eq!(human_minutes(65), "1 h 05 min");
        assert_eq!(human_minutes(3 * 24 * 60 + 120), "3 d 2 h");
    }
}
