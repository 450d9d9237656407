//! Model: the archive as the site shows it — incidents, action items, tags, services and links.
//!
//! `validate` turns each [`Report`] into an [`Incident`]; this module owns the
//! typed incident and the cross-archive facts computed from all of them: which incidents are
//! built, who references whom, the tag and service indexes, and each action item's state on
//! "today". Everything here is computed by index (maps from id and slug), never by pairwise scans.

use crate::load::Report;
use crate::text::slugify;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// Where a report is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportStatus {
    /// Being written; built only with `--drafts`.
    Draft,
    /// Written, under review; built only with `--drafts`.
    Review,
    /// Published.
    Published,
}

impl ReportStatus {
    /// Parses `draft`, `review`, `published` (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "draft" => Some(ReportStatus::Draft),
            "review" => Some(ReportStatus::Review),
            "published" => Some(ReportStatus::Published),
            _ => None,
        }
    }

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Draft => "draft",
            ReportStatus::Review => "review",
            ReportStatus::Published => "published",
        }
    }
}

/// Action-item priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Priority {
    /// Most urgent.
    P1,
    /// Normal.
    P2,
    /// Least urgent.
    P3,
}

impl Priority {
    /// Parses `P1`..`P3` (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_uppercase().as_str() {
            "P1" => Some(Priority::P1),
            "P2" => Some(Priority::P2),
            "P3" => Some(Priority::P3),
            _ => None,
        }
    }

    /// `P1`, `P2` or `P3`.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::P1 => "P1",
            Priority::P2 => "P2",
            Priority::P3 => "P3",
        }
    }
}

/// What an action item does about the failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ActionType {
    /// Stops it happening again.
    Prevent,
    /// Finds it sooner.
    Detect,
    /// Makes it hurt less.
    Mitigate,
}

impl ActionType {
    /// Parses `Prevent`, `Detect`, `Mitigate` (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "prevent" => Some(ActionType::Prevent),
            "detect" => Some(ActionType::Detect),
            "mitigate" => Some(ActionType::Mitigate),
            _ => None,
        }
    }

    /// Capitalised name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionType::Prevent => "Prevent",
            ActionType::Detect => "Detect",
            ActionType::Mitigate => "Mitigate",
        }
    }
}

/// Where an action item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ActionStatus {
    /// Not started.
    Open,
    /// Being worked on.
    #[serde(rename = "In Progress")]
    InProgress,
    /// Finished.
    Done,
    /// Decided against, with a reason.
    #[serde(rename = "Won't Do")]
    WontDo,
}

impl ActionStatus {
    /// Parses the four statuses (case-insensitive; `Wont Do` and the typographic apostrophe too).
    pub fn parse(s: &str) -> Option<Self> {
        // The statuses as nearly every report writes them, without building the normal form.
        let t = s.trim();
        for (name, status) in [
            ("open", ActionStatus::Open),
            ("done", ActionStatus::Done),
            ("in progress", ActionStatus::InProgress),
        ] {
            if t.eq_ignore_ascii_case(name) {
                return Some(status);
            }
        }
        let norm: String = s
            .trim()
            .to_ascii_lowercase()
            .replace(['\u{2019}', '\''], "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        match norm.as_str() {
            "open" => Some(ActionStatus::Open),
            "in progress" => Some(ActionStatus::InProgress),
            "done" => Some(ActionStatus::Done),
            "wont do" => Some(ActionStatus::WontDo),
            _ => None,
        }
    }

    /// Display name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "Open",
            ActionStatus::InProgress => "In Progress",
            ActionStatus::Done => "Done",
            ActionStatus::WontDo => "Won't Do",
        }
    }

    /// CSS-friendly name.
    pub fn slug(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::InProgress => "in-progress",
            ActionStatus::Done => "done",
            ActionStatus::WontDo => "wont-do",
        }
    }

    /// Open or In Progress: still owed.
    pub fn is_open(self) -> bool {
        matches!(self, ActionStatus::Open | ActionStatus::InProgress)
    }
}

/// One action item of an incident.
#[derive(Debug, Clone)]
pub struct Action {
    /// Title after `Action Item:`.
    pub title: String,
    /// Person who owns it.
    pub owner: String,
    /// Due date.
    pub due: NaiveDate,
    /// P1..P3.
    pub priority: Priority,
    /// Prevent, Detect or Mitigate.
    pub kind: ActionType,
    /// Where it stands.
    pub status: ActionStatus,
    /// What changes and why (Markdown).
    pub description: String,
    /// How we know it is complete (Markdown).
    pub definition_of_done: String,
    /// Why it will not be done (required for Won't Do).
    pub reason: Option<String>,
    /// When it was completed.
    pub completed: Option<NaiveDate>,
    /// Tracker URL.
    pub ticket: Option<String>,
    /// Incident id this item tracks against (default: its own report's).
    pub tracks: String,
    /// Line of the `### Action Item:` heading.
    pub line: usize,
}

/// Where an action item stands on "today".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueState {
    /// Done or Won't Do.
    Closed,
    /// Open, due before today by `days`.
    Overdue,
    /// Open, due today or within `due_soon_days`.
    DueSoon,
    /// Open, due later.
    Scheduled,
}

impl Action {
    /// State on `today` given the site's due-soon window; second value is days until due
    /// (negative when overdue).
    pub fn state(&self, today: NaiveDate, due_soon_days: u32) -> (DueState, i64) {
        let days = (self.due - today).num_days();
        let state = if !self.status.is_open() {
            DueState::Closed
        } else if days < 0 {
            DueState::Overdue
        } else if days <= i64::from(due_soon_days) {
            DueState::DueSoon
        } else {
            DueState::Scheduled
        };
        (state, days)
    }
}

/// One timeline entry with its resolved date and time.
#[derive(Debug, Clone)]
pub struct TimelinePoint {
    /// Local date and time in the site's zone.
    pub at: NaiveDateTime,
    /// Index of the entry in the report's `timeline`, which holds its text and line.
    pub entry: usize,
}

/// A validated incident report.
#[derive(Debug, Clone)]
pub struct Incident {
    /// Id, e.g. `INC-2024-042`.
    pub id: String,
    /// Id lowercased: the page folder name.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Severity level name (a key of `[severity.*]`).
    pub severity: String,
    /// Day the incident began.
    pub date: NaiveDate,
    /// Draft, review or published.
    pub status: ReportStatus,
    /// When it started (front matter, else first timeline entry).
    pub started: Option<NaiveDateTime>,
    /// When it was detected (front matter, else the first later timeline entry that mentions
    /// an alert, a detection, a page or a report).
    pub detected: Option<NaiveDateTime>,
    /// When it was mitigated (front matter, else the first later timeline entry that mentions
    /// mitigation or recovery).
    pub mitigated: Option<NaiveDateTime>,
    /// Whether `detected` was read from the timeline rather than given in the front matter:
    /// the page says so, since it is a guess from the entry's words.
    pub detected_from_timeline: bool,
    /// Whether `mitigated` was read from the timeline.
    pub mitigated_from_timeline: bool,
    /// When it was resolved (front matter, else last timeline entry).
    pub resolved: Option<NaiveDateTime>,
    /// Duration in minutes (resolved − started), if both are known.
    pub duration_minutes: Option<i64>,
    /// Minutes from start to detection.
    pub time_to_detect_minutes: Option<i64>,
    /// Minutes from start to mitigation.
    pub time_to_mitigate_minutes: Option<i64>,
    /// Impact statement.
    pub impact: Option<String>,
    /// On-call responder.
    pub on_call: Option<String>,
    /// Date the review was held.
    pub review_date: Option<NaiveDate>,
    /// Date the write-up was published.
    pub published: Option<NaiveDate>,
    /// Services affected.
    pub services: Vec<String>,
    /// Recurring-pattern tags.
    pub tags: Vec<String>,
    /// Related incident ids from the front matter.
    pub related: Vec<String>,
    /// Free-form `extra:` data for templates.
    pub extra: serde_json::Value,
    /// Timeline entries.
    pub timeline: Vec<TimelinePoint>,
    /// Action items.
    pub actions: Vec<Action>,
    /// Incident ids mentioned in the body, related list and action items (deduplicated, sorted,
    /// without its own id).
    pub references: Vec<String>,
    /// The report as written (body, sections, lines).
    pub report: Arc<Report>,
}

/// A tag or a service with the incidents it appears in.
#[derive(Debug, Clone)]
pub struct Term {
    /// Name as first written.
    pub name: String,
    /// URL slug.
    pub slug: String,
    /// Indices into [`Archive::incidents`], newest first.
    pub incidents: Vec<usize>,
    /// Date of the earliest incident.
    pub first_seen: NaiveDate,
    /// Date of the latest incident.
    pub last_seen: NaiveDate,
    /// Severities involved, in level order.
    pub severities: Vec<String>,
}

/// An action item with its incident and state on "today".
#[derive(Debug, Clone, Copy)]
pub struct ActionRef {
    /// Index into [`Archive::incidents`].
    pub incident: usize,
    /// Index into that incident's actions.
    pub action: usize,
    /// State on today.
    pub state: DueState,
    /// Days until due (negative when overdue).
    pub days: i64,
}

/// At most this many related incidents are shown for one incident (explicit `related`
/// entries are never dropped to make room).
pub const RELATED_MAX: usize = 5;

/// An incident related to another: named in its `related`, or sharing two or more tags or a
/// service with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// Index into [`Archive::incidents`].
    pub incident: usize,
    /// Named in the `related` front matter.
    pub explicit: bool,
    /// Shared tags: indices into [`Archive::tags`], in the incident's tag order.
    pub shared_tags: Vec<usize>,
    /// Shared services: indices into [`Archive::services`], in the incident's service order.
    pub shared_services: Vec<usize>,
}

/// The incidents being built and everything computed across them.
///
/// The cross-incident facts (`by_id` to `severities`) are shared (`Arc`): they depend only on
/// which incidents are built and on their ids, dates, statuses, severities, tags, services and
/// references ([`Shape`]), so a rebuild after an edit that changes none of these reuses them.
#[derive(Debug, Clone)]
pub struct Archive {
    /// Incidents, newest first (date, then id, descending).
    pub incidents: Vec<Arc<Incident>>,
    /// Index of each id in `incidents`.
    pub by_id: Arc<Index>,
    /// For each incident, the incidents whose text references it (newest first).
    pub referenced_by: Arc<Vec<Vec<usize>>>,
    /// Tags, most incidents first, then by name.
    pub tags: Arc<Vec<Term>>,
    /// Services, most incidents first, then by name.
    pub services: Arc<Vec<Term>>,
    /// Index of each tag slug in `tags`.
    pub tag_by_slug: Arc<Index>,
    /// Index of each service slug in `services`.
    pub service_by_slug: Arc<Index>,
    /// For each incident, its related incidents, newest first (see [`RELATED_MAX`]).
    pub related: Arc<Vec<Vec<Related>>>,
    /// Every severity level of the site in level order, with its incidents (newest first);
    /// levels without incidents are listed too.
    pub severities: Arc<Vec<(String, Vec<usize>)>>,
    /// Every action item of every incident, in incident order.
    pub actions: Vec<ActionRef>,
    /// For each incident, the action items of other incidents that track against it
    /// (`**Tracks against incident:**`), as indices into [`Archive::actions`], in that order.
    pub tracked: Vec<Vec<usize>>,
    /// "Today" for due states.
    pub today: NaiveDate,
    /// Review-quality findings per incident and overdue write-ups (filled by
    /// [`crate::lint::attach`]; empty until then).
    pub review: crate::lint::ReviewQuality,
    /// The incidents the shared facts were computed from.
    shape_of: Arc<Vec<Arc<Incident>>>,
}

/// The cross-incident facts of an archive, kept to build the next archive of the same site
/// ([`Archive::new_reusing`]).
#[derive(Debug, Clone)]
pub struct Shape {
    of: Arc<Vec<Arc<Incident>>>,
    by_id: Arc<Index>,
    referenced_by: Arc<Vec<Vec<usize>>>,
    tags: Arc<Vec<Term>>,
    services: Arc<Vec<Term>>,
    tag_by_slug: Arc<Index>,
    service_by_slug: Arc<Index>,
    related: Arc<Vec<Vec<Related>>>,
    severities: Arc<Vec<(String, Vec<usize>)>>,
}

/// True when two lists of built incidents (in archive order) give the same cross-incident
/// facts: the same incidents, or incidents with the same id, date, status, severity, tags,
/// services, related and references, one for one.
fn same_shape(a: &[Arc<Incident>], b: &[Arc<Incident>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            Arc::ptr_eq(x, y)
                || (x.id == y.id
                    && x.date == y.date
                    && x.status == y.status
                    && x.severity == y.severity
                    && x.tags == y.tags
                    && x.services == y.services
                    && x.related == y.related
                    && x.references == y.references)
        })
}

impl Archive {
    /// Builds the archive from validated incidents. Incidents not `published` are kept only
    /// with `drafts`.
    pub fn new(
        incidents: Vec<Arc<Incident>>,
        drafts: bool,
        today: NaiveDate,
        due_soon_days: u32,
        severity_order: &[String],
    ) -> Archive {
        Self::new_reusing(
            incidents,
            drafts,
            today,
            due_soon_days,
            severity_order,
            None,
        )
    }

    /// The cross-incident facts of this archive, to build the next one from.
    pub fn shape(&self) -> Shape {
        Shape {
            of: Arc::clone(&self.shape_of),
            by_id: Arc::clone(&self.by_id),
            referenced_by: Arc::clone(&self.referenced_by),
            tags: Arc::clone(&self.tags),
            services: Arc::clone(&self.services),
            tag_by_slug: Arc::clone(&self.tag_by_slug),
            service_by_slug: Arc::clone(&self.service_by_slug),
            related: Arc::clone(&self.related),
            severities: Arc::clone(&self.severities),
        }
    }

    /// [`Archive::new`], taking the cross-incident facts from `previous` when they were
    /// computed from the same incident facts (see [`Shape`]).
    pub fn new_reusing(
        mut incidents: Vec<Arc<Incident>>,
        drafts: bool,
        today: NaiveDate,
        due_soon_days: u32,
        severity_order: &[String],
        previous: Option<&Shape>,
    ) -> Archive {
        incidents.retain(|i| drafts || i.status == ReportStatus::Published);
        incidents.sort_by(|a, b| (b.date, &b.id).cmp(&(a.date, &a.id)));
        let shape = match previous {
            Some(shape)
                if shape.severities.len() == severity_order.len()
                    && shape
                        .severities
                        .iter()
                        .zip(severity_order)
                        .all(|(s, o)| s.0 == *o)
                    && same_shape(&shape.of, &incidents) =>
            {
                Shape {
                    of: Arc::new(incidents.clone()),
                    ..shape.clone()
                }
            }
            _ => Self::compute_shape(&incidents, severity_order),
        };
        let actions: Vec<ActionRef> = incidents
            .iter()
            .enumerate()
            .flat_map(|(ii, inc)| {
                inc.actions.iter().enumerate().map(move |(ai, a)| {
                    let (state, days) = a.state(today, due_soon_days);
                    ActionRef {
                        incident: ii,
                        action: ai,
                        state,
                        days,
                    }
                })
            })
            .collect();
        let mut tracked = vec![Vec::new(); incidents.len()];
        for (n, r) in actions.iter().enumerate() {
            let inc = &incidents[r.incident];
            let tracks = &inc.actions[r.action].tracks;
            if *tracks != inc.id
                && let Some(&t) = shape.by_id.get(tracks)
            {
                tracked[t].push(n);
            }
        }
        Archive {
            incidents,
            by_id: shape.by_id,
            referenced_by: shape.referenced_by,
            tags: shape.tags,
            services: shape.services,
            tag_by_slug: shape.tag_by_slug,
            service_by_slug: shape.service_by_slug,
            related: shape.related,
            severities: shape.severities,
            actions,
            tracked,
            today,
            review: Default::default(),
            shape_of: shape.of,
        }
    }

    fn compute_shape(incidents: &[Arc<Incident>], severity_order: &[String]) -> Shape {
        // The indexes below are independent of each other: built side by side.
        let (by_id, slugs) = rayon::join(
            || -> Index {
                incidents
                    .iter()
                    .enumerate()
                    .map(|(i, inc)| (inc.id.clone(), i))
                    .collect()
            },
            || {
                // Thousands of incidents name the same few tags and services: slug each
                // name once.
                let mut slugs = Slugs::default();
                for inc in incidents {
                    for n in inc.tags.iter().chain(&inc.services) {
                        slugs.entry(n.as_str()).or_insert_with(|| slugify(n));
                    }
                }
                slugs
            },
        );
        let (referenced_by, (tags, services)) = rayon::join(
            || {
                let mut referenced_by = vec![Vec::new(); incidents.len()];
                for (i, inc) in incidents.iter().enumerate() {
                    for r in &inc.references {
                        if let Some(&t) = by_id.get(r) {
                            referenced_by[t].push(i);
                        }
                    }
                }
                referenced_by
            },
            || {
                rayon::join(
                    || terms(incidents, |i| &i.tags, severity_order, &slugs),
                    || terms(incidents, |i| &i.services, severity_order, &slugs),
                )
            },
        );
        let slug_index = |terms: &[Term]| -> Index {
            terms
                .iter()
                .enumerate()
                .map(|(i, t)| (t.slug.clone(), i))
                .collect()
        };
        let tag_by_slug = slug_index(&tags);
        let service_by_slug = slug_index(&services);
        let related = related(
            incidents,
            &by_id,
            (&tags, &tag_by_slug),
            (&services, &service_by_slug),
            &slugs,
        );
        drop(slugs);
        let mut severities: Vec<(String, Vec<usize>)> = severity_order
            .iter()
            .map(|s| (s.clone(), Vec::new()))
            .collect();
        for (i, inc) in incidents.iter().enumerate() {
            if let Some(level) = severities.iter_mut().find(|(s, _)| *s == inc.severity) {
                level.1.push(i);
            }
        }
        Shape {
            of: Arc::new(incidents.to_vec()),
            by_id: Arc::new(by_id),
            referenced_by: Arc::new(referenced_by),
            tags: Arc::new(tags),
            services: Arc::new(services),
            tag_by_slug: Arc::new(tag_by_slug),
            service_by_slug: Arc::new(service_by_slug),
            related: Arc::new(related),
            severities: Arc::new(severities),
        }
    }

    /// The incident with `id`, if it is built.
    pub fn get(&self, id: &str) -> Option<&Incident> {
        self.by_id.get(id).map(|&i| &*self.incidents[i])
    }

    /// The action an [`ActionRef`] points at.
    pub fn action(&self, r: &ActionRef) -> &Action {
        &self.incidents[r.incident].actions[r.action]
    }
}

/// Position of each id or slug in its list.
pub type Index = HashMap<String, usize, crate::text::FastBuild>;

/// The slug of each tag and service name of the archive.
type Slugs<'a> = HashMap<&'a str, String, crate::text::FastBuild>;

/// Term indices of `names` (deduplicated, in written order).
fn term_ids(names: &[String], index: &Index, slugs: &Slugs<'_>) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::with_capacity(names.len());
    for n in names {
        let slug = match slugs.get(n.as_str()) {
            Some(slug) => std::borrow::Cow::Borrowed(slug.as_str()),
            None => std::borrow::Cow::Owned(slugify(n)),
        };
        if let Some(&t) = index.get(slug.as_ref())
            && !out.contains(&t)
        {
            out.push(t);
        }
    }
    out
}

/// Related incidents of every incident, through the tag and service indexes. The incident
/// lists of an incident's terms are in archive order (newest first), so merging them finds the
/// newest candidates first and stops as soon as enough are found: each incident looks at a few
/// hundred entries at most, whatever the size of the archive.
fn related(
    incidents: &[Arc<Incident>],
    by_id: &Index,
    tags: (&[Term], &Index),
    services: (&[Term], &Index),
    slugs: &Slugs<'_>,
) -> Vec<Vec<Related>> {
    use rayon::prelude::*;
    let (tag_ids, service_ids): (Vec<Vec<usize>>, Vec<Vec<usize>>) = incidents
        .par_iter()
        .map(|i| {
            (
                term_ids(&i.tags, tags.1, slugs),
                term_ids(&i.services, services.1, slugs),
            )
        })
        .unzip();
    (0..incidents.len())
        .into_par_iter()
        .with_min_len(64)
        .map(|i| {
            let explicit: BTreeSet<usize> = incidents[i]
                .related
                .iter()
                .filter_map(|id| by_id.get(id).copied())
                .filter(|&j| j != i)
                .collect();
            let wanted = RELATED_MAX.saturating_sub(explicit.len());
            // One cursor per term list: (list, position, is a service).
            let mut cursors: Vec<(&[usize], usize, bool)> = tag_ids[i]
                .iter()
                .map(|&t| (tags.0[t].incidents.as_slice(), 0, false))
                .chain(
                    service_ids[i]
                        .iter()
                        .map(|&s| (services.0[s].incidents.as_slice(), 0, true)),
                )
                .collect();
            let mut inferred: Vec<usize> = Vec::with_capacity(wanted);
            while inferred.len() < wanted {
                let Some(j) = cursors
                    .iter()
                    .filter_map(|(l, p, _)| l.get(*p))
                    .min()
                    .copied()
                else {
                    break;
                };
                let (mut shared_tags, mut by_service) = (0, false);
                for (list, pos, service) in cursors.iter_mut() {
                    if list.get(*pos) == Some(&j) {
                        *pos += 1;
                        if *service {
                            by_service = true;
                        } else {
                            shared_tags += 1;
                        }
                    }
                }
                if j != i && !explicit.contains(&j) && (shared_tags >= 2 || by_service) {
                    inferred.push(j);
                }
            }
            let mut chosen: Vec<usize> = explicit.iter().copied().chain(inferred).collect();
            // Indices follow the archive order, so ascending is newest first.
            chosen.sort_unstable();
            chosen
                .into_iter()
                .map(|j| Related {
                    incident: j,
                    explicit: explicit.contains(&j),
                    shared_tags: tag_ids[i]
                        .iter()
                        .copied()
                        .filter(|t| tag_ids[j].contains(t))
                        .collect(),
                    shared_services: service_ids[i]
                        .iter()
                        .copied()
                        .filter(|s| service_ids[j].contains(s))
                        .collect(),
                })
                .collect()
        })
        .collect()
}

/// Groups incidents by the names `names` returns, slugged; sorted by count, then name.
fn terms(
    incidents: &[Arc<Incident>],
    names: impl Fn(&Incident) -> &Vec<String>,
    severity_order: &[String],
    slugs: &Slugs<'_>,
) -> Vec<Term> {
    let mut by_slug: HashMap<&str, (Term, BTreeSet<usize>), crate::text::FastBuild> =
        HashMap::default();
    let rank = |s: &str| {
        severity_order
            .iter()
            .position(|x| x == s)
            .unwrap_or(usize::MAX)
    };
    let mut seen: Vec<&str> = Vec::new();
    for (i, inc) in incidents.iter().enumerate() {
        seen.clear();
        for name in names(inc) {
            let Some(slug) = slugs.get(name.as_str()) else {
                continue;
            };
            let slug = slug.as_str();
            if slug.is_empty() || seen.contains(&slug) {
                continue;
            }
            seen.push(slug);
            let (t, sevs) = by_slug.entry(slug).or_insert_with(|| {
                (
                    Term {
                        name: name.clone(),
                        slug: slug.to_string(),
                        incidents: Vec::new(),
                        first_seen: inc.date,
                        last_seen: inc.date,
                        severities: Vec::new(),
                    },
                    BTreeSet::new(),
                )
            });
            t.incidents.push(i);
            t.first_seen = t.first_seen.min(inc.date);
            t.last_seen = t.last_seen.max(inc.date);
            sevs.insert(rank(&inc.severity));
        }
    }
    let mut out: Vec<Term> = by_slug
        .into_values()
        .map(|(mut t, sevs)| {
            t.severities = sevs
                .iter()
                .filter_map(|&r| severity_order.get(r).cloned())
                .collect();
            t
        })
        .collect();
    out.sort_by(|a, b| {
        b.incidents
            .len()
            .cmp(&a.incidents.len())
            .then_with(|| a.slug.cmp(&b.slug))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(status: ActionStatus, due: &str) -> Action {
        Action {
            title: "t".into(),
            owner: "o".into(),
            due: due.parse().unwrap(),
            priority: Priority::P1,
            kind: ActionType::Prevent,
            status,
            description: String::new(),
            definition_of_done: String::new(),
            reason: None,
            completed: None,
            ticket: None,
            tracks: "INC-2024-001".into(),
            line: 1,
        }
    }

    fn incident(id: &str, date: &str, tags: &str, services: &str, related: &str) -> Incident {
        let config = crate::config::Config::default();
        let text = format!(
            "---\nid: {id}\ntitle: T\nseverity: SEV4\ndate: {date}\ntags: [{tags}]\nservices: [{services}]\nrelated: [{related}]\n---\n## Summary\nx\n"
        );
        let report = crate::load::parse_report(text.as_bytes(), "a.md", "", &config.id_finder)
            .map(Arc::new)
            .unwrap();
        let (inc, ds) = crate::validate::report(&report, &config);
        inc.unwrap_or_else(|| panic!("{ds:?}"))
    }

    #[test]
    fn related_by_two_tags_or_one_service_newest_first_at_most_five() {
        let mut list = vec![
            incident("INC-2024-001", "2024-01-01", "a, b", "", ""),
            incident("INC-2024-002", "2024-01-02", "a", "", ""),
            incident("INC-2024-003", "2024-01-03", "a, c", "db", ""),
            incident("INC-2024-004", "2024-01-04", "b, a, c", "", "INC-2024-002"),
        ];
        for d in 5..=10 {
            list.push(incident(
                &format!("INC-2024-{d:03}"),
                &format!("2024-02-{d:02}"),
                "",
                "db",
                "",
            ));
        }
        let order = vec!["SEV4".to_string()];
        let day = "2024-05-01".parse().unwrap();
        let a = Archive::new(
            list.into_iter().map(Arc::new).collect(),
            false,
            day,
            7,
            &order,
        );
        let of = |id: &str| {
            a.related[a.by_id[id]]
                .iter()
                .map(|r| {
                    let tags: Vec<&str> = r
                        .shared_tags
                        .iter()
                        .map(|&t| a.tags[t].name.as_str())
                        .collect();
                    (
                        a.incidents[r.incident].id.as_str(),
                        r.explicit,
                        tags.join(","),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            of("INC-2024-004"),
            vec![
                ("INC-2024-003", false, "a,c".to_string()),
                ("INC-2024-002", true, "a".to_string()),
                ("INC-2024-001", false, "b,a".to_string()),
            ]
        );
        // Shares only tag `a` with 001, 003, 004: not related by one tag.
        assert_eq!(of("INC-2024-002"), vec![]);
        // Shares service `db` with six newer incidents and two tags with 004 and 001: the five
        // newest of them.
        let ids: Vec<&str> = of("INC-2024-003").iter().map(|r| r.0).collect();
        assert_eq!(
            ids,
            vec![
                "INC-2024-010",
                "INC-2024-009",
                "INC-2024-008",
                "INC-2024-007",
                "INC-2024-006"
            ]
        );
        assert_eq!(*a.severities, vec![("SEV4".to_string(), (0..10).collect())]);
    }

    #[test]
    fn overdue_boundaries() {
        let today: NaiveDate = "2024-05-10".parse().unwrap();
        assert_eq!(
            action(ActionStatus::Open, "2024-05-09").state(today, 7),
            (DueState::Overdue, -1)
        );
        assert_eq!(
            action(ActionStatus::InProgress, "2024-05-10").state(today, 7),
            (DueState::DueSoon, 0)
        );
        assert_eq!(
            action(ActionStatus::Open, "2024-05-17").state(today, 7),
            (DueState::DueSoon, 7)
        );
        assert_eq!(
            action(ActionStatus::Open, "2024-05-18").state(today, 7),
            (DueState::Scheduled, 8)
        );
        assert_eq!(
            action(ActionStatus::Done, "2024-01-01").state(today, 7).0,
            DueState::Closed
        );
        assert_eq!(
            action(ActionStatus::WontDo, "2024-01-01").state(today, 7).0,
            DueState::Closed
        );
    }

    #[test]
    fn statuses_parse_leniently() {
        assert_eq!(ActionStatus::parse("won’t do"), Some(ActionStatus::WontDo));
        assert_eq!(
            ActionStatus::parse("In  progress"),
            Some(ActionStatus::InProgress)
        );
        assert_eq!(ActionStatus::parse("closed"), None);
    }
}
