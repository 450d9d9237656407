//! The archive's index pages: home, severity levels, tags and services (the recurring
//! patterns), every action item, and the overdue dashboard. Each builds a small context with only
//! what its template shows.

use super::{Renderer, due_text, level_slug, ymd};
use crate::model::{ActionRef, ActionStatus, DueState, Priority, ReportStatus, Term};
use chrono::Datelike;
use serde::Serialize;
use std::collections::BTreeMap;
use tera::{Context, Value};

/// Incidents listed on the home page.
pub(super) const HOME_RECENT: usize = 10;
/// Tags listed on the home page.
const HOME_TAGS: usize = 10;
/// Incidents of a tag or service before it counts as recurring.
pub const RECURRING_MIN: usize = 2;

/// A severity level with how many incidents it has.
#[derive(Serialize)]
struct LevelCountCx {
    name: String,
    slug: String,
    url: String,
    count: usize,
}

/// A severity badge that links to its level's page.
#[derive(Serialize)]
struct SevCx {
    name: String,
    slug: String,
    url: String,
}

/// One row of a tag or service index.
#[derive(Serialize)]
struct TermCx<'a> {
    name: &'a str,
    url: String,
    count: usize,
    first_seen: String,
    last_seen: String,
    severities: Vec<SevCx>,
    recurring: bool,
}

#[derive(Serialize)]
struct YearCx {
    year: i32,
    count: usize,
}

/// One action item as listed on the actions page and the dashboard.
#[derive(Serialize)]
struct ActionRowCx<'a> {
    title: &'a str,
    url: String,
    owner: &'a str,
    due: String,
    due_text: String,
    days: i64,
    days_overdue: i64,
    state: DueState,
    priority: &'static str,
    kind: &'static str,
    status: &'static str,
    status_slug: &'static str,
    completed: Option<String>,
    /// The incident's link ([`Renderer::incident_link`]).
    incident: Value,
    /// The incident's title ([`Renderer::incident_title`]).
    incident_title: Value,
}

#[derive(Serialize)]
struct ActionGroupCx {
    status: &'static str,
    anchor: &'static str,
    /// Rows made [`Value`]s one by one (see [`Renderer::action_rows`]).
    items: Vec<Value>,
}

#[derive(Serialize)]
struct OwnerCountCx<'a> {
    owner: &'a str,
    overdue: usize,
    due_soon: usize,
    most_overdue: i64,
}

#[derive(Serialize)]
struct PriorityCountCx {
    priority: &'static str,
    overdue: usize,
    due_soon: usize,
}

impl<'a> Renderer<'a> {
    fn sev(&self, level: &str, root: &str) -> SevCx {
        SevCx {
            name: level.to_string(),
            slug: level_slug(level),
            url: format!("{root}severity/{}/", level_slug(level)),
        }
    }

    fn term_row(&self, t: &'a Term, kind: &str, root: &str) -> TermCx<'a> {
        TermCx {
            name: &t.name,
            url: format!("{root}{kind}/{}/", t.slug),
            count: t.incidents.len(),
            first_seen: ymd(t.first_seen),
            last_seen: ymd(t.last_seen),
            severities: t.severities.iter().map(|s| self.sev(s, root)).collect(),
            recurring: t.incidents.len() >= RECURRING_MIN,
        }
    }

    fn action_row(&self, r: &ActionRef, root: &str) -> ActionRowCx<'a> {
        let inc = &self.archive.incidents[r.incident];
        let a = &inc.actions[r.action];
        ActionRowCx {
            title: &a.title,
            url: format!("{root}incidents/{}/#action-{}", inc.slug, r.action + 1),
            owner: &a.owner,
            due: ymd(a.due),
            due_text: due_text(r.state, r.days),
            days: r.days,
            // As in actions.json: days past due only for an item that is overdue (a closed
            // item past its due date is not).
            days_overdue: if r.state == DueState::Overdue {
                -r.days
            } else {
                0
            },
            state: r.state,
            priority: a.priority.as_str(),
            kind: a.kind.as_str(),
            status: a.status.as_str(),
            status_slug: a.status.slug(),
            completed: a.completed.map(ymd),
            incident: self.incident_link(r.incident, root),
            incident_title: self.incident_title(r.incident),
        }
    }

    /// Action rows as template values, each converted as soon as it is built: the action
    /// pages list every action item of the archive, and a list of rows kept whole before the
    /// conversion would double the memory the page takes.
    fn action_rows<'r>(&self, rows: impl Iterator<Item = ActionRowCx<'r>>) -> Vec<Value> {
        rows.map(|row| Value::from_serializable(&row)).collect()
    }

    /// The rows of the action items of other incidents that track against incident `index`,
    /// in archive order (newest incident first).
    pub(super) fn tracked_rows(&self, index: usize, root: &str) -> Vec<Value> {
        self.action_rows(
            self.archive.tracked[index]
                .iter()
                .map(|&n| self.action_row(&self.archive.actions[n], root)),
        )
    }

    /// Action items in `state`, each once.
    fn in_state(&self, state: DueState) -> Vec<&'a ActionRef> {
        self.archive
            .actions
            .iter()
            .filter(|r| r.state == state)
            .collect()
    }

    pub(super) fn home(&self, root: &str, cx: &mut Context) {
        let a = self.archive;
        let levels: Vec<LevelCountCx> = a
            .severities
            .iter()
            .map(|(name, list)| LevelCountCx {
                name: name.clone(),
                slug: level_slug(name),
                url: format!("{root}severity/{}/", level_slug(name)),
                count: list.len(),
            })
            .collect();
        let recent: Vec<usize> = (0..a.incidents.len().min(HOME_RECENT)).collect();
        let tags: Vec<TermCx> = a
            .tags
            .iter()
            .filter(|t| t.incidents.len() >= RECURRING_MIN)
            .take(HOME_TAGS)
            .map(|t| self.term_row(t, "tags", root))
            .collect();
        let count = |s: DueState| a.actions.iter().filter(|r| r.state == s).count();
        cx.insert("levels", &levels);
        cx.insert_value("recent", self.summary_values(&recent, root));
        cx.insert("incident_count", &a.incidents.len());
        cx.insert("recurring_tags", &tags);
        cx.insert("tag_count", &a.tags.len());
        cx.insert("action_count", &a.actions.len());
        cx.insert(
            "open_count",
            &a.actions
                .iter()
                .filter(|r| r.state != DueState::Closed)
                .count(),
        );
        cx.insert("overdue_count", &count(DueState::Overdue));
        cx.insert("due_soon_count", &count(DueState::DueSoon));
    }

    pub(super) fn severity(&self, index: usize, root: &str, cx: &mut Context) {
        let (level, list) = &self.archive.severities[index];
        let policy = self.config.severity_policy(level);
        let mut years: BTreeMap<i32, usize> = BTreeMap::new();
        for &i in list {
            *years
                .entry(self.archive.incidents[i].date.year())
                .or_default() += 1;
        }
        let years: Vec<YearCx> = years
            .into_iter()
            .rev()
            .map(|(year, count)| YearCx { year, count })
            .collect();
        cx.insert("level", &self.sev(level, root));
        cx.insert("review", &policy.and_then(|p| p.review.as_deref()));
        cx.insert(
            "review_within_days",
            &policy.and_then(|p| p.review_within_days),
        );
        cx.insert("publish_within_days", &self.config.publish_within_days);
        cx.insert(
            "required_sections",
            &policy
                .map(|p| p.required_sections.as_slice())
                .unwrap_or(&[]),
        );
        cx.insert("years", &years);
        cx.insert_value("incidents", self.summary_values(list, root));
    }

    pub(super) fn terms(&self, terms: &'a [Term], kind: &str, root: &str, cx: &mut Context) {
        let rows: Vec<TermCx> = terms.iter().map(|t| self.term_row(t, kind, root)).collect();
        cx.insert(
            "recurring_count",
            &rows.iter().filter(|r| r.recurring).count(),
        );
        cx.insert("terms", &rows);
    }

    pub(super) fn term(&self, term: &'a Term, kind: &str, root: &str, cx: &mut Context) {
        cx.insert("term", &self.term_row(term, kind, root));
        cx.insert_value("incidents", self.summary_values(&term.incidents, root));
    }

    pub(super) fn actions(&self, root: &str, cx: &mut Context) {
        let mut refs: Vec<&ActionRef> = self.archive.actions.iter().collect();
        refs.sort_by(|x, y| {
            let (a, b) = (self.archive.action(x), self.archive.action(y));
            (a.due, a.priority, x.incident, x.action)
                .cmp(&(b.due, b.priority, y.incident, y.action))
        });
        let groups: Vec<ActionGroupCx> = [
            (ActionStatus::Open, "open"),
            (ActionStatus::InProgress, "in-progress"),
            (ActionStatus::Done, "done"),
            (ActionStatus::WontDo, "wont-do"),
        ]
        .into_iter()
        .map(|(status, anchor)| ActionGroupCx {
            status: status.as_str(),
            anchor,
            items: self.action_rows(
                refs.iter()
                    .filter(|r| self.archive.action(r).status == status)
                    .map(|r| self.action_row(r, root)),
            ),
        })
        .collect();
        let count = |s: DueState| self.in_state(s).len();
        cx.insert("groups", &groups);
        cx.insert("action_count", &self.archive.actions.len());
        cx.insert("overdue_count", &count(DueState::Overdue));
        cx.insert("due_soon_count", &count(DueState::DueSoon));
    }

    pub(super) fn overdue(&self, root: &str, cx: &mut Context) {
        let a = self.archive;
        let key = |r: &ActionRef| {
            let act = a.action(r);
            (r.days, act.priority, r.incident, r.action)
        };
        let mut overdue = self.in_state(DueState::Overdue);
        overdue.sort_by_key(|r| key(r));
        let mut soon = self.in_state(DueState::DueSoon);
        soon.sort_by_key(|r| key(r));

        // One row per person: `Ana Lopez`, `ana lopez` and `Ana Lopez (SRE, payments)` are
        // one owner, shown by the spelling most of their items use (the first in byte order
        // of those most used).
        let mut owners: BTreeMap<String, (OwnerCountCx, BTreeMap<&str, usize>)> = BTreeMap::new();
        for (list, is_overdue) in [(&overdue, true), (&soon, false)] {
            for r in list.iter() {
                let owner = owner_name(a.action(r).owner.as_str());
                let (o, spellings) = owners.entry(owner.to_lowercase()).or_insert_with(|| {
                    let row = OwnerCountCx {
                        owner,
                        overdue: 0,
                        due_soon: 0,
                        most_overdue: 0,
                    };
                    (row, BTreeMap::new())
                });
                *spellings.entry(owner).or_default() += 1;
                if is_overdue {
                    o.overdue += 1;
                    o.most_overdue = o.most_overdue.max(-r.days);
                } else {
                    o.due_soon += 1;
                }
            }
        }
        let mut by_owner: Vec<OwnerCountCx> = owners
            .into_values()
            .map(|(mut row, spellings)| {
                let mut most = 0;
                for (spelling, n) in spellings {
                    if n > most {
                        (row.owner, most) = (spelling, n);
                    }
                }
                row
            })
            .collect();
        by_owner.sort_by(|x, y| {
            (y.overdue, y.most_overdue, y.due_soon)
                .cmp(&(x.overdue, x.most_overdue, x.due_soon))
                .then_with(|| x.owner.cmp(y.owner))
        });
        let by_priority: Vec<PriorityCountCx> = [Priority::P1, Priority::P2, Priority::P3]
            .into_iter()
            .map(|p| PriorityCountCx {
                priority: p.as_str(),
                overdue: overdue.iter().filter(|r| a.action(r).priority == p).count(),
                due_soon: soon.iter().filter(|r| a.action(r).priority == p).count(),
            })
            .collect();
        let rows = |list: &[&ActionRef]| {
            Value::from(self.action_rows(list.iter().map(|r| self.action_row(r, root))))
        };
        cx.insert_value("overdue", rows(&overdue));
        cx.insert_value("due_soon", rows(&soon));
        cx.insert("due_soon_days", &self.config.due_soon_days);
        cx.insert("by_owner", &by_owner);
        cx.insert("by_priority", &by_priority);
        let late = |list: &'a [crate::lint::ReviewOverdue]| -> Vec<ReviewOverdueCx<'a>> {
            list.iter()
                .map(|r| ReviewOverdueCx {
                    id: &r.id,
                    title: &r.title,
                    url: r
                        .index
                        .map(|i| format!("{root}incidents/{}/", a.incidents[i].slug)),
                    severity: self.sev(&r.severity, root),
                    date: ymd(r.date),
                    status: r.status.as_str(),
                    due: ymd(r.due),
                    days_late: r.days_late,
                })
                .collect()
        };
        cx.insert("reviews_not_held", &late(crate::lint::reviews_not_held(a)));
        cx.insert("reviews_overdue", &late(crate::lint::reviews_overdue(a)));
        // Rules with findings only: a table of zeros on a clean archive is noise.
        let rules: Vec<RuleCountCx> = crate::lint::findings_by_rule(a, self.config)
            .into_iter()
            .filter(|r| r.count > 0)
            .map(|r| RuleCountCx {
                rule: r.rule,
                summary: r.summary,
                count: r.count,
                incidents: r.incidents,
            })
            .collect();
        cx.insert("findings_by_rule", &rules);
        cx.insert("review_quality_shown", &self.config.lint.show_on_site);
        // Whether the counts cover drafts and write-ups in review (built with `--drafts`).
        cx.insert(
            "drafts_shown",
            &a.incidents
                .iter()
                .any(|i| i.status != ReportStatus::Published),
        );
    }
}

/// A write-up still draft or in review past its publish window, or a review not held past its
/// review window, for the dashboard.
#[derive(Serialize)]
struct ReviewOverdueCx<'a> {
    id: &'a str,
    title: &'a str,
    /// Link to the page, when the report is built (drafts only with `--drafts`).
    url: Option<String>,
    severity: SevCx,
    date: String,
    status: &'static str,
    due: String,
    days_late: i64,
}

/// Review-quality findings of one lint rule across the built incidents.
#[derive(Serialize)]
struct RuleCountCx {
    rule: &'static str,
    summary: &'static str,
    count: usize,
    incidents: usize,
}

/// An action item's owner as the dashboard counts them: without a note in brackets at the end
/// (`Sarah Chen (SRE, payments)` is Sarah Chen), trimmed. The whole text when it is nothing
/// but a note.
fn owner_name(owner: &str) -> &str {
    let t = owner.trim();
    match t.strip_suffix(')').and_then(|s| s.rfind('(')) {
        Some(open) if !t[..open].trim().is_empty() => t[..open].trim_end(),
        _ => t,
    }
}
