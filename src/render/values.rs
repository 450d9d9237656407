//! Template values that many pages of one build show, each built once.
//!
//! An incident's summary row appears on its tag, service and severity pages and on the pages
//! of the incidents that relate to it or name it; a tag's link appears on every page that
//! shares the tag. Turning such a row into a [`tera::Value`] allocates a map and its strings;
//! a `Value` is reference-counted, so the row built once for the first page is shared by the
//! next ones for the price of a pointer copy. Rows are kept only for the links of pages two
//! folders deep (`../../`): incident, tag, service and severity pages, nearly all the pages.
//! The `site` value every page shows is kept per root prefix. The action pages show each
//! incident's link and title once per action item; those are kept too.

use super::{LinkCx, Renderer, SiteCx, level_slug, ymd};
use crate::model::Term;
use serde::ser::{Serialize, SerializeStruct, Serializer};
use std::sync::{OnceLock, RwLock};
use tera::Value;
use tera::value::Key;

/// The root prefix of pages two folders deep, whose rows are kept.
const DEEP: &str = "../../";
/// The root prefix of the actions page.
const SHALLOW: &str = "../";

/// The values shared by the pages of one [`Renderer`].
#[derive(Default)]
pub(super) struct Shared {
    /// Each incident's summary row from `../../`, by index in the archive.
    summaries: Vec<OnceLock<Value>>,
    /// Each tag's link from `../../`.
    tags: Vec<OnceLock<Value>>,
    /// Each service's link from `../../`.
    services: Vec<OnceLock<Value>>,
    /// Each incident's link (`name`, `url`) from `../` and from `../../`.
    incident_links: [Vec<OnceLock<Value>>; 2],
    /// Each incident's title.
    titles: Vec<OnceLock<Value>>,
    /// The `site` value by root prefix.
    site: RwLock<Vec<(String, Value)>>,
}

impl Shared {
    /// Empty slots for an archive of `incidents` incidents, `tags` tags and `services` services.
    pub(super) fn new(incidents: usize, tags: usize, services: usize) -> Shared {
        let slots = |n: usize| (0..n).map(|_| OnceLock::new()).collect();
        Shared {
            summaries: slots(incidents),
            tags: slots(tags),
            services: slots(services),
            incident_links: [slots(incidents), slots(incidents)],
            titles: slots(incidents),
            site: RwLock::default(),
        }
    }
}

/// Which list of terms a link points into.
#[derive(Clone, Copy)]
pub(super) enum TermKind {
    Tags,
    Services,
}

impl TermKind {
    fn folder(self) -> &'static str {
        match self {
            TermKind::Tags => "tags",
            TermKind::Services => "services",
        }
    }
}

/// A related incident as its template sees it: the fields of its summary row, then what it
/// shares. Serialised straight into one map, the row's values shared, not copied.
pub(super) struct RelatedRow {
    /// The summary row ([`Renderer::summary_value`]).
    pub row: Value,
    /// Named in the `related` front matter.
    pub explicit: bool,
    /// Links of the shared tags.
    pub shared_tags: Value,
    /// Links of the shared services.
    pub shared_services: Value,
}

impl Serialize for RelatedRow {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let row = self.row.as_map();
        let mut out = serializer.serialize_struct("RelatedRow", row.map_or(0, |m| m.len()) + 3)?;
        // A row is a serialised struct: its keys are field names.
        for (key, value) in row.into_iter().flatten() {
            if let Key::Str(name) = key {
                out.serialize_field(name, value)?;
            }
        }
        out.serialize_field("explicit", &self.explicit)?;
        out.serialize_field("shared_tags", &self.shared_tags)?;
        out.serialize_field("shared_services", &self.shared_services)?;
        out.end()
    }
}

impl Renderer<'_> {
    /// The summary row of the incident at `index`, as the page with root prefix `root` links
    /// it.
    pub(super) fn summary_value(&self, index: usize, root: &str) -> Value {
        let build =
            || Value::from_serializable(&self.summary(&self.archive.incidents[index], root));
        match self.shared.summaries.get(index) {
            Some(slot) if root == DEEP => slot.get_or_init(build).clone(),
            _ => build(),
        }
    }

    /// The summary rows of the incidents at `indices`.
    pub(super) fn summary_values(&self, indices: &[usize], root: &str) -> Value {
        Value::from(
            indices
                .iter()
                .map(|&i| self.summary_value(i, root))
                .collect::<Vec<_>>(),
        )
    }

    /// The link (`name`, `url`) of the tag or service at `index`.
    pub(super) fn term_link(&self, kind: TermKind, index: usize, root: &str) -> Value {
        let (terms, slots): (&[Term], _) = match kind {
            TermKind::Tags => (&self.archive.tags, &self.shared.tags),
            TermKind::Services => (&self.archive.services, &self.shared.services),
        };
        let build = || {
            let term = &terms[index];
            Value::from_serializable(&LinkCx {
                name: term.name.clone(),
                url: format!("{root}{}/{}/", kind.folder(), term.slug),
            })
        };
        match slots.get(index) {
            Some(slot) if root == DEEP => slot.get_or_init(build).clone(),
            _ => build(),
        }
    }

    /// The link (`name` its id, `url` its page) of the incident at `index`.
    pub(super) fn incident_link(&self, index: usize, root: &str) -> Value {
        let build = || {
            let inc = &self.archive.incidents[index];
            Value::from_serializable(&LinkCx {
                name: inc.id.clone(),
                url: format!("{root}incidents/{}/", inc.slug),
            })
        };
        let slots = match root {
            SHALLOW => Some(&self.shared.incident_links[0]),
            DEEP => Some(&self.shared.incident_links[1]),
            _ => None,
        };
        match slots.and_then(|s| s.get(index)) {
            Some(slot) => slot.get_or_init(build).clone(),
            None => build(),
        }
    }

    /// The title of the incident at `index`.
    pub(super) fn incident_title(&self, index: usize) -> Value {
        let build = || Value::from(self.archive.incidents[index].title.as_str());
        match self.shared.titles.get(index) {
            Some(slot) => slot.get_or_init(build).clone(),
            None => build(),
        }
    }

    /// The site-wide facts as the page with root prefix `root` links them.
    pub(super) fn site_value(&self, root: &str) -> Value {
        if let Ok(known) = self.shared.site.read()
            && let Some((_, value)) = known.iter().find(|(r, _)| r == root)
        {
            return value.clone();
        }
        let site = SiteCx {
            title: &self.config.title,
            base_url: self.base_url,
            severities: self
                .config
                .severity
                .keys()
                .map(|k| LinkCx {
                    name: k.clone(),
                    url: format!("{root}severity/{}/", level_slug(k)),
                })
                .collect(),
            today: ymd(self.archive.today),
            timezone: self.config.timezone.name(),
        };
        let value = Value::from_serializable(&site);
        if let Ok(mut known) = self.shared.site.write()
            && !known.iter().any(|(r, _)| r == root)
        {
            known.push((root.to_string(), value.clone()));
        }
        value
    }
}

/// The link text of an action item's ticket, named by the ticket: `ticket OPS-4907` when the
/// URL's last non-empty path segment looks like an id (letters, digits, `-`, `_` or `.`, with a
/// digit), else `ticket on <host>`, else `ticket`. The text is escaped by the template.
pub(super) fn ticket_name(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = authority.rsplit('@').next().unwrap_or_default();
    let looks_like_id = |s: &&str| {
        s.len() <= 40
            && s.bytes().any(|b| b.is_ascii_digit())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    match path
        .split('/')
        .rfind(|s| !s.is_empty())
        .filter(looks_like_id)
    {
        Some(id) => format!("ticket {id}"),
        None if !host.is_empty() => format!("ticket on {host}"),
        None => "ticket".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::theme::Theme;
    use super::*;
    use crate::site::Site;
    use std::path::Path;

    #[test]
    fn tickets_are_named_by_their_id_or_host() {
        for (url, name) in [
            (
                "https://tracker.example.internal/OPS-4907",
                "ticket OPS-4907",
            ),
            ("https://jira.example.com/browse/OPS-12/", "ticket OPS-12"),
            (
                "https://github.com/o/r/issues/431#issuecomment-1",
                "ticket 431",
            ),
            (
                "https://tracker.example.internal/view?id=OPS-1",
                "ticket on tracker.example.internal",
            ),
            (
                "https://user@tracker.example.internal:8443/",
                "ticket on tracker.example.internal:8443",
            ),
            (
                "https://linear.app/acme/issue/ENG-7/fix-the-cache",
                "ticket on linear.app",
            ),
            ("https://t.example/a%20b1", "ticket on t.example"),
            ("https://", "ticket"),
        ] {
            assert_eq!(ticket_name(url), name, "{url}");
        }
    }

    /// Every page of the sample archive, rendered by one renderer (whose shared values were
    /// built by the pages before, at every depth), is the page a fresh renderer makes.
    #[test]
    fn shared_values_change_no_page() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut site = Site::open(root).expect("sample site opens");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("a date");
        let checked = site.check_at(today);
        let archive = site.archive(&checked, true, today);
        let theme = Theme::load(root, &site.config.theme_dir).expect("theme loads");
        for base_url in ["/", "https://example.org/pir/"] {
            let shared = Renderer::new(&site.config, &archive, &theme, base_url);
            let pages = shared.pages();
            assert!(pages.len() > 20);
            // Twice over: the second round finds every value built.
            for kind in pages.iter().chain(&pages) {
                let fresh = Renderer::new(&site.config, &archive, &theme, base_url);
                let page = shared.render(*kind).expect("page renders");
                assert_eq!(page.html, fresh.render(*kind).expect("page renders").html);
            }
        }
    }
}
