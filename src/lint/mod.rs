//! Lint: review quality. Rules that judge how good a review is rather than whether it is
//! well-formed: action items nobody can act on, blame aimed at people instead of conditions,
//! reviews held or published late, a single contributing factor for a serious incident.
//!
//! Every rule has a stable id and a default level ([`RULES`]); `[lint]` in site.toml sets
//! each to `error`, `warning` or `off` and extends the word lists. The rules run after every
//! report has been validated ([`archive`]), because blame detection needs the names of the
//! people of the whole archive (owners and on-call). Reports with format errors are linted
//! on whatever of them parses.
//! Findings are ordinary [`Diagnostic`]s carrying their rule id, so `check`, `build` and
//! `serve` print them like any other; [`attach`] hands them to the site, which shows each
//! incident's findings in a "Review quality" box and counts them per rule
//! ([`findings_by_rule`]); [`reviews_overdue`] lists write-ups past their publish window, and
//! [`reviews_not_held`] reviews past their review window.
//!
//! The families live in their own files: [`actions`] (vague items, placeholder owners, due
//! dates), [`blame`] (blameless language), [`deadlines`] (review, publication and follow-up
//! windows); the contributing-factor count is here.

/// `word_in!(LIST, word)`: whether `word` is in the static word list `LIST`. Long lists are
/// looked up through a hash set built once, for each place the macro is written.
macro_rules! word_in {
    ($list:expr, $word:expr) => {{
        static SET: std::sync::OnceLock<crate::lint::text::WordSet> = std::sync::OnceLock::new();
        crate::lint::text::in_list(&SET, $list, $word)
    }};
}

pub mod actions;
pub mod blame;
pub mod deadlines;
pub mod memo;
pub mod text;

use crate::config::{Config, RuleLevel};
use crate::diagnostics::{Diagnostic, Level};
use crate::load::Report;
use crate::model::{Archive, Incident, ReportStatus};
use blame::People;
use chrono::NaiveDate;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// A lint rule: its id, default level and what it looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable id, used in diagnostics and as its key in `[lint]`.
    pub id: &'static str,
    /// Level when `[lint]` does not set one.
    pub default: RuleLevel,
    /// One line on what it flags.
    pub summary: &'static str,
}

/// Every lint rule, in the order the docs list them.
pub const RULES: &[Rule] = &[
    Rule {
        id: VAGUE_ACTION,
        default: RuleLevel::Warning,
        summary: "action item with no mechanism, scope or outcome, and a Definition of Done that names nothing observable",
    },
    Rule {
        id: OWNER_PLACEHOLDER,
        default: RuleLevel::Warning,
        summary: "action item owned by nobody in particular (TBD, team, everyone...)",
    },
    Rule {
        id: DUE_BEFORE_INCIDENT,
        default: RuleLevel::Error,
        summary: "action item due before the incident happened",
    },
    Rule {
        id: DUE_TOO_FAR,
        default: RuleLevel::Warning,
        summary: "action item due later after the incident than its priority allows",
    },
    Rule {
        id: BLAME_LANGUAGE,
        default: RuleLevel::Warning,
        summary: "sentence that puts a failure on a person rather than on a condition",
    },
    Rule {
        id: SINGLE_CONTRIBUTING_FACTOR,
        default: RuleLevel::Warning,
        summary: "serious incident with only one contributing factor",
    },
    Rule {
        id: REVIEW_LATE,
        default: RuleLevel::Warning,
        summary: "review held after the severity's review window",
    },
    Rule {
        id: PUBLISH_LATE,
        default: RuleLevel::Warning,
        summary: "write-up published after publish_within_days",
    },
    Rule {
        id: WRITEUP_OVERDUE,
        default: RuleLevel::Warning,
        summary: "report still draft or in review past publish_within_days",
    },
    Rule {
        id: ACTION_NOT_FOLLOWED_UP,
        default: RuleLevel::Warning,
        summary: "action item still Open, without a ticket, past actions_within_days",
    },
    Rule {
        id: DATE_IN_FUTURE,
        default: RuleLevel::Warning,
        summary: "incident, review, publication or completion dated after today",
    },
];

/// Rule id: vague action item.
pub const VAGUE_ACTION: &str = "vague-action";
/// Rule id: placeholder owner.
pub const OWNER_PLACEHOLDER: &str = "owner-placeholder";
/// Rule id: due before the incident.
pub const DUE_BEFORE_INCIDENT: &str = "due-before-incident";
/// Rule id: due too long after the incident.
pub const DUE_TOO_FAR: &str = "due-too-far";
/// Rule id: blaming sentence.
pub const BLAME_LANGUAGE: &str = "blame-language";
/// Rule id: one contributing factor for a serious incident.
pub const SINGLE_CONTRIBUTING_FACTOR: &str = "single-contributing-factor";
/// Rule id: review held late.
pub const REVIEW_LATE: &str = "review-late";
/// Rule id: write-up published late.
pub const PUBLISH_LATE: &str = "publish-late";
/// Rule id: write-up not published and past its window.
pub const WRITEUP_OVERDUE: &str = "writeup-overdue";
/// Rule id: action item not followed up.
pub const ACTION_NOT_FOLLOWED_UP: &str = "action-not-followed-up";
/// Rule id: a date of something that has happened, after today.
pub const DATE_IN_FUTURE: &str = "date-in-future";

/// The level `rule` reports at on this site, or `None` when it is off.
pub fn level(config: &Config, rule: &str) -> Option<Level> {
    let set = config.lint.levels.get(rule).copied();
    let default = RULES.iter().find(|r| r.id == rule).map(|r| r.default);
    match set.or(default)? {
        RuleLevel::Error => Some(Level::Error),
        RuleLevel::Warning => Some(Level::Warning),
        RuleLevel::Off => None,
    }
}

/// Collects findings of one incident, at the level the site sets for each rule.
pub struct Findings<'a> {
    config: &'a Config,
    path: &'a str,
    out: Vec<Diagnostic>,
}

impl<'a> Findings<'a> {
    fn new(config: &'a Config, path: &'a str) -> Self {
        Findings {
            config,
            path,
            out: Vec::new(),
        }
    }

    /// True when `rule` is not off.
    pub fn on(&self, rule: &str) -> bool {
        level(self.config, rule).is_some()
    }

    /// Records a finding of `rule` at `line:col`, unless the rule is off.
    pub fn push(
        &mut self,
        rule: &'static str,
        line: usize,
        col: usize,
        message: String,
        hint: &'static str,
    ) {
        let Some(level) = level(self.config, rule) else {
            return;
        };
        let d = match level {
            Level::Error => Diagnostic::error(self.path, line, col, message),
            Level::Warning => Diagnostic::warning(self.path, line, col, message),
        };
        self.out.push(d.with_rule(rule).with_hint(hint));
    }
}

/// The people of the archive: every on-call and owner name written in `reports`, valid or
/// not (owners that name nobody in particular are left out).
pub fn people(reports: &[Arc<Report>], config: &Config) -> People {
    let owners: Vec<Vec<&str>> = reports.iter().map(|r| owners_of(r)).collect();
    people_of(
        reports
            .iter()
            .filter_map(|r| r.front.on_call.as_ref().map(|n| n.value.as_str())),
        owners.iter().flatten().copied(),
        config,
    )
}

/// The `Owner` values of a report's action items.
pub fn owners_of(r: &Report) -> Vec<&str> {
    r.actions
        .iter()
        .flat_map(|block| &block.fields)
        .filter(|x| x.name.eq_ignore_ascii_case("Owner"))
        .map(|x| x.value.as_str())
        .collect()
}

/// [`people`] from the on-call names and the owners of the reports.
pub fn people_of<'a>(
    on_call: impl Iterator<Item = &'a str>,
    owners: impl Iterator<Item = &'a str>,
    config: &Config,
) -> People {
    // The same few names recur across thousands of reports: read each once.
    use crate::text::FastBuild;
    use std::collections::HashSet;
    let on_call: HashSet<&str, FastBuild> = on_call.collect();
    let owners: HashSet<&str, FastBuild> = owners.collect();
    let mut p = People::new();
    for n in &on_call {
        p.add(n);
    }
    for n in owners {
        if !on_call.contains(n)
            && !actions::is_placeholder_owner(n, &config.lint.placeholder_owners)
        {
            p.add(n);
        }
    }
    p
}

/// The people [`report`] needs: those of the archive when blame detection is on, else none.
pub fn archive_people(reports: &[Arc<Report>], config: &Config) -> People {
    if level(config, BLAME_LANGUAGE).is_some() {
        people(reports, config)
    } else {
        People::new()
    }
}

/// Runs every rule on every report; `today` dates the rules that depend on it. Reports with
/// format errors are linted too, on whatever of them can be read: a rule that needs a value
/// that does not parse (a date, a priority) skips it, and validation reports the error.
pub fn archive(reports: &[Arc<Report>], config: &Config, today: NaiveDate) -> Vec<Diagnostic> {
    let people = archive_people(reports, config);
    use rayon::prelude::*;
    let per_report: Vec<Vec<Diagnostic>> = reports
        .par_iter()
        .map(|r| report(r, &people, config, today))
        .collect();
    per_report.into_iter().flatten().collect()
}

/// Puts the findings of one report in the order of [`crate::diagnostics::Diagnostics::sort`]
/// (they share the report's path) and drops exact duplicates, as that sort does.
pub fn in_order(mut found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    found.sort_by(|a, b| {
        (a.line, a.col, a.level, &a.message).cmp(&(b.line, b.col, b.level, &b.message))
    });
    found.dedup();
    found
}

/// Runs every rule on one report.
pub fn report(r: &Report, people: &People, config: &Config, today: NaiveDate) -> Vec<Diagnostic> {
    let mut f = Findings::new(config, &r.path);
    let facts = Facts::of(r, config);
    text_rules(r, &facts, people, config, &mut f);
    actions::check_dates(r, &facts, config, &mut f);
    deadlines::check(r, &facts, config, today, &mut f);
    f.out
}

/// What the date rules need of a report, read leniently from its front matter: whatever
/// parses, whether or not the report is valid.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'c> {
    /// Severity level, as the site's key.
    pub severity: Option<&'c str>,
    /// Day of the incident.
    pub date: Option<NaiveDate>,
    /// Draft, review or published (published when absent).
    pub status: ReportStatus,
    /// Day the review was held.
    pub review_date: Option<NaiveDate>,
    /// Day the write-up was published.
    pub published: Option<NaiveDate>,
}

impl<'c> Facts<'c> {
    /// Reads the facts of `r`.
    pub fn of(r: &Report, config: &'c Config) -> Self {
        let fm = &r.front;
        let day = |s: &Option<crate::frontmatter::Spanned<String>>| {
            s.as_ref()
                .and_then(|s| crate::validate::parse_date(&s.value, None).ok())
        };
        Facts {
            severity: fm.severity.as_ref().and_then(|s| {
                config
                    .severity
                    .keys()
                    .find(|k| k.eq_ignore_ascii_case(s.value.trim()))
                    .map(String::as_str)
            }),
            date: day(&fm.date),
            status: fm
                .status
                .as_ref()
                .and_then(|s| ReportStatus::parse(&s.value))
                .unwrap_or(ReportStatus::Published),
            review_date: day(&fm.review_date),
            published: day(&fm.published),
        }
    }
}

fn text_rules(
    r: &Report,
    facts: &Facts<'_>,
    people: &People,
    config: &Config,
    f: &mut Findings<'_>,
) {
    actions::check_text(r, people, config, f);
    if f.on(BLAME_LANGUAGE) {
        check_blame(r, people, config, f);
    }
    if f.on(SINGLE_CONTRIBUTING_FACTOR) {
        check_factors(r, facts, config, f);
    }
}

/// Sections whose sentences are read for blame.
pub const BLAME_SECTIONS: &[&str] = &["Summary", "Contributing Factors", "Timeline"];

fn check_blame(r: &Report, people: &People, config: &Config, f: &mut Findings<'_>) {
    for name in BLAME_SECTIONS {
        let Some(section) = r.section(name) else {
            continue;
        };
        let text = &r.body[section.content.clone()];
        let mut last = None;
        for s in text::sentences(text) {
            if let Some(why) = blame::blame(&s.text, people, &config.lint.blame_words) {
                let (line, col) = r.file_line_col_from(section.content.start + s.offset, &mut last);
                f.push(
                    BLAME_LANGUAGE,
                    line,
                    col,
                    format!("blaming language in {}: \"{}\" (`{why}`)", section.title, clip(&s.text)),
                    "describe the condition that allowed the failure, not the person: name the process, tool or signal that let it through (\"The renewal relied on a manual step with no reminder\", \"The deployment process allowed code to reach production without catching this failure mode\")",
                );
            }
        }
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() <= 80 {
        s.to_string()
    } else {
        let cut: String = s.chars().take(77).collect();
        format!("{}...", cut.trim_end())
    }
}

/// Severities that need more than one contributing factor: those whose policy requires a
/// `Contributing Factors` section (SEV1 and SEV2 by default).
fn needs_factors(config: &Config, severity: &str) -> bool {
    config.severity_policy(severity).is_some_and(|p| {
        p.required_sections
            .iter()
            .any(|s| s.eq_ignore_ascii_case("Contributing Factors"))
    })
}

/// Number of contributing factors in a section's Markdown: the items of its top-level lists,
/// or, when it has no list, its paragraphs.
pub fn count_factors(markdown: &str) -> usize {
    let mut depth = 0usize;
    let mut items = 0;
    let mut paragraphs = 0;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::List(_)) => depth += 1,
            Event::End(TagEnd::List(_)) => depth = depth.saturating_sub(1),
            Event::Start(Tag::Item) if depth == 1 => items += 1,
            Event::Start(Tag::Paragraph) if depth == 0 => paragraphs += 1,
            _ => {}
        }
    }
    if items > 0 { items } else { paragraphs }
}

fn check_factors(r: &Report, facts: &Facts<'_>, config: &Config, f: &mut Findings<'_>) {
    let Some(severity) = facts.severity else {
        return;
    };
    if !needs_factors(config, severity) {
        return;
    }
    let Some(section) = r.section("Contributing Factors") else {
        return;
    };
    if count_factors(&r.body[section.content.clone()]) == 1 {
        f.push(
            SINGLE_CONTRIBUTING_FACTOR,
            section.line,
            1,
            format!("{severity} incident lists a single contributing factor"),
            "incidents have several contributors: ask what conditions made this possible (test data, detection, rollback speed, missing automation) and list each",
        );
    }
}

/// An incident past a deadline of the review policy: a write-up still draft or in review past
/// its publish window ([`reviews_overdue`]), or a review not held past its review window
/// ([`reviews_not_held`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewOverdue {
    /// Incident id.
    pub id: String,
    /// Incident title.
    pub title: String,
    /// Severity level.
    pub severity: String,
    /// Day of the incident.
    pub date: NaiveDate,
    /// The report's status: `draft` or `review` for a write-up overdue, any for a review not
    /// held.
    pub status: ReportStatus,
    /// Last day of the window: the day the incident ended + `publish_within_days` (or the
    /// level's `review_within_days`).
    pub due: NaiveDate,
    /// Days late on "today": (today − the day the incident ended) − the window, at least 1.
    pub days_late: i64,
    /// Index into [`Archive::incidents`] when the report is built (drafts are built only with
    /// `--drafts` and in `serve`), else `None`.
    pub index: Option<usize>,
}

/// What the lint stage gives the site: each built incident's findings and the overdue
/// write-ups.
#[derive(Debug, Clone, Default)]
pub struct ReviewQuality {
    /// Findings per incident, parallel to [`Archive::incidents`] (empty when not attached).
    pub findings: Vec<Arc<Vec<Diagnostic>>>,
    /// Write-ups past their publish window, most days late first, then by id.
    pub overdue: Vec<ReviewOverdue>,
    /// Reviews not held past their review window, most days late first, then by id.
    pub not_held: Vec<ReviewOverdue>,
}

/// Fills `archive.review` from the findings of each report (`found`, as [`report`] gives
/// them, put in order by [`in_order`]) and every validated incident (`all`, drafts included,
/// so the overdue list names unbuilt drafts too).
pub fn attach(
    archive: &mut Archive,
    found: &[(Arc<Report>, Arc<Vec<Diagnostic>>)],
    all: &[Arc<Incident>],
    config: &Config,
) {
    let by_report: HashMap<*const Report, &Arc<Vec<Diagnostic>>, crate::text::FastBuild> =
        found.iter().map(|(r, ds)| (Arc::as_ptr(r), ds)).collect();
    let none = Arc::new(Vec::new());
    let findings = archive
        .incidents
        .iter()
        .map(|inc| {
            Arc::clone(
                by_report
                    .get(&Arc::as_ptr(&inc.report))
                    .copied()
                    .unwrap_or(&none),
            )
        })
        .collect();
    let row = |inc: &Incident, (due, days_late): (NaiveDate, i64)| ReviewOverdue {
        id: inc.id.clone(),
        title: inc.title.clone(),
        severity: inc.severity.clone(),
        date: inc.date,
        status: inc.status,
        due,
        days_late,
        index: archive.by_id.get(&inc.id).copied(),
    };
    let today = archive.today;
    let mut overdue = Vec::new();
    let mut not_held = Vec::new();
    for inc in all {
        let ended = deadlines::end_day(&inc.report, inc.date);
        if let Some(late) = deadlines::writeup_overdue(ended, inc.status, config, today) {
            overdue.push(row(inc, late));
        }
        let window = config
            .severity_policy(&inc.severity)
            .and_then(|p| p.review_within_days);
        if inc.review_date.is_none()
            && let Some(late) = deadlines::review_not_held(ended, window, today)
        {
            not_held.push(row(inc, late));
        }
    }
    for (list, rule) in [
        (&mut overdue, WRITEUP_OVERDUE),
        (&mut not_held, REVIEW_LATE),
    ] {
        if level(config, rule).is_none() {
            list.clear();
        }
        list.sort_by(|a, b| b.days_late.cmp(&a.days_late).then_with(|| a.id.cmp(&b.id)));
    }
    archive.review = ReviewQuality {
        findings,
        overdue,
        not_held,
    };
}

/// The findings of the built incident at `index` (empty when none or not attached).
pub fn findings(archive: &Archive, index: usize) -> &[Diagnostic] {
    archive
        .review
        .findings
        .get(index)
        .map(|found| found.as_slice())
        .unwrap_or(&[])
}

/// How many findings one rule has across the built incidents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    /// Rule id.
    pub rule: &'static str,
    /// What the rule flags.
    pub summary: &'static str,
    /// Findings across the built incidents.
    pub count: usize,
    /// Incidents with at least one finding of the rule.
    pub incidents: usize,
}

/// Findings per rule across the built incidents, for the dashboard: every rule that is not
/// off, in [`RULES`] order, including rules with no finding (count 0). Empty when
/// `[lint] show_on_site = false`.
pub fn findings_by_rule(archive: &Archive, config: &Config) -> Vec<RuleCount> {
    if !config.lint.show_on_site {
        return Vec::new();
    }
    RULES
        .iter()
        .filter(|r| level(config, r.id).is_some())
        .map(|r| {
            let per: Vec<usize> = archive
                .review
                .findings
                .iter()
                .map(|fs| {
                    fs.iter()
                        .filter(|d| d.rule.as_deref() == Some(r.id))
                        .count()
                })
                .collect();
            RuleCount {
                rule: r.id,
                summary: r.summary,
                count: per.iter().sum(),
                incidents: per.iter().filter(|&&n| n > 0).count(),
            }
        })
        .collect()
}

/// The write-ups past their publish window, most days late first: the "Write-ups overdue" list
/// of the overdue dashboard. Includes drafts that are not built (their `index` is `None`).
pub fn reviews_overdue(archive: &Archive) -> &[ReviewOverdue] {
    &archive.review.overdue
}

/// The reviews not held past their review window (no `review_date`), most days late first:
/// the "Reviews not held" list of the overdue dashboard. Includes drafts that are not built
/// (their `index` is `None`).
pub fn reviews_not_held(archive: &Archive) -> &[ReviewOverdue] {
    &archive.review.not_held
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_are_top_level_items_or_paragraphs() {
        assert_eq!(count_factors("1. Test data\n2. Canary analysis\n"), 2);
        assert_eq!(
            count_factors("1. Test data\n   - staging has no declines\n   - fixtures too small\n"),
            1
        );
        assert_eq!(count_factors("- One\n\nSome prose.\n\n- Two\n"), 2);
        assert_eq!(count_factors("The test data.\n\nThe canary.\n"), 2);
        assert_eq!(count_factors("Only one paragraph\nover two lines.\n"), 1);
        assert_eq!(count_factors(""), 0);
    }

    #[test]
    fn only_severities_that_require_factors_need_several() {
        let c = Config::default();
        assert!(needs_factors(&c, "SEV1") && needs_factors(&c, "SEV2"));
        assert!(!needs_factors(&c, "SEV3") && !needs_factors(&c, "SEV4"));
    }

    #[test]
    fn levels_default_and_configured() {
        let mut c = Config::default();
        assert_eq!(level(&c, DUE_BEFORE_INCIDENT), Some(Level::Error));
        assert_eq!(level(&c, BLAME_LANGUAGE), Some(Level::Warning));
        c.lint.levels.insert(BLAME_LANGUAGE.into(), RuleLevel::Off);
        assert_eq!(level(&c, BLAME_LANGUAGE), None);
        assert!(
            RULES
                .iter()
                .all(|r| r.id.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'))
        );
    }
}
