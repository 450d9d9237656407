//! Validate: every rule of the report format, each finding a diagnostic at its line.
//!
//! [`report`] checks one report on its own (keys, dates, severity, sections, timeline, action
//! items) and, when it has no errors, returns the typed [`Incident`]. [`archive`] checks what
//! needs every report at once: id uniqueness and cross-references. Per-report checks are pure,
//! so `serve` can cache them by file content.

use crate::config::{Config, closest};
use crate::diagnostics::Diagnostic;
use crate::frontmatter::{KNOWN_KEYS, Spanned};
use crate::load::{ActionBlock, ActionField, Report, TimelineEntry};
use crate::model::{
    Action, ActionStatus, ActionType, Incident, Priority, ReportStatus, TimelinePoint,
};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike};
use chrono_tz::Tz;
use rayon::prelude::*;
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

pub use crate::load::{OPTIONAL_FIELDS, REQUIRED_FIELDS};

/// The required key that `key` (not a known key) is a near miss of: the same in another case
/// (`Severity`), or one edit away (two for `severity`), and no other known key closer.
fn misspelling_of_required(key: &str) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    let k = closest(&lower, KNOWN_KEYS)?;
    let limit = if k.len() >= 6 { 2 } else { 1 };
    (["id", "title", "severity", "date"].contains(&k)
        && strsim::damerau_levenshtein(&lower, k) <= limit)
        .then_some(k)
}

/// The hint for an action item's `Status` none of the four words: the one a common synonym
/// means (`Closed` is Done, `Cancelled` is Won't Do), else all four with what each needs.
fn status_hint(value: &str) -> &'static str {
    let v = value
        .trim()
        .to_ascii_lowercase()
        .replace(['\u{2019}', '\'', '-', '_'], " ");
    let v = v.trim_end_matches(['.', '!']).trim();
    const DONE: &[&str] = &[
        "closed",
        "complete",
        "completed",
        "fixed",
        "resolved",
        "finished",
        "shipped",
        "implemented",
        "merged",
        "deployed",
        "delivered",
        "released",
    ];
    const WONT: &[&str] = &[
        "cancelled",
        "canceled",
        "wont fix",
        "wontfix",
        "dropped",
        "rejected",
        "declined",
        "abandoned",
        "not doing",
        "obsolete",
        "wont do",
        "will not do",
    ];
    const OPEN: &[&str] = &[
        "todo",
        "to do",
        "new",
        "planned",
        "not started",
        "pending",
        "backlog",
    ];
    const PROGRESS: &[&str] = &[
        "wip",
        "started",
        "ongoing",
        "doing",
        "active",
        "underway",
        "in flight",
        "inprogress",
    ];
    if DONE.contains(&v) {
        "for finished work write `Done`, with the day in `**Completed:** YYYY-MM-DD`"
    } else if WONT.contains(&v) {
        "for work the team decided against write `Won't Do`, with why in `**Reason:** ...`"
    } else if OPEN.contains(&v) {
        "for work not started write `Open`, or leave the line out"
    } else if PROGRESS.contains(&v) {
        "for work under way write `In Progress`"
    } else {
        "Open (or no line) for work not started, In Progress, Done with `**Completed:**`, or \
         Won't Do with `**Reason:**`"
    }
}

/// The action-item field another common name means: `Assignee` is `Owner`, `Due date` is
/// `Due`, `DoD` is `Definition of Done`.
fn field_synonym(name: &str) -> Option<&'static str> {
    let n = name.trim().to_ascii_lowercase().replace(['-', '_'], " ");
    let n = n.as_str();
    Some(match n {
        "assignee" | "assigned to" | "assigned" | "responsible" | "dri" | "accountable"
        | "owned by" | "owners" => "Owner",
        "due date" | "deadline" | "target date" | "due by" | "eta" | "due on" | "date due"
        | "target" => "Due",
        "dod" | "done when" | "acceptance criteria" | "success criteria" | "exit criteria" => {
            "Definition of Done"
        }
        "urgency" | "prio" | "importance" => "Priority",
        "category" | "kind" | "action type" => "Type",
        "details" | "summary" | "what" | "desc" => "Description",
        "completed on" | "done on" | "closed on" | "completion date" | "finished" => "Completed",
        "jira" | "issue" | "tracker" | "ticket url" | "tracking issue" => "Ticket",
        "state" | "progress" => "Status",
        _ => return None,
    })
}

/// Checks one report. Returns the incident when the report has no errors, and every finding.
pub fn report(r: &Arc<Report>, config: &Config) -> (Option<Incident>, Vec<Diagnostic>) {
    let mut ds = Vec::new();
    let path = r.path.as_str();
    let fm = &r.front;
    ds.extend(fm.errors.iter().cloned());

    // An unknown key that reads as a misspelling of a missing required key (`sevrity:` with
    // no `severity:`) is reported once, as that key missing, at the misspelt one.
    let absent = |k: &str| match k {
        "id" => fm.id.is_none(),
        "title" => fm.title.as_ref().is_none_or(|t| t.value.trim().is_empty()),
        "severity" => fm.severity.is_none(),
        "date" => fm.date.is_none(),
        _ => false,
    };
    let mut misspelt: Vec<(&str, &Spanned<String>)> = Vec::new();
    for key in &fm.unknown {
        if let Some(k) = misspelling_of_required(&key.value).filter(|k| absent(k))
            && !misspelt.iter().any(|(m, _)| *m == k)
        {
            misspelt.push((k, key));
            continue;
        }
        let mut d = Diagnostic::warning(
            path,
            key.line,
            key.col,
            format!("unknown front-matter key `{}`", key.value),
        );
        d = match closest(&key.value, KNOWN_KEYS) {
            Some(k) => d.with_hint(format!(
                "did you mean `{k}`? Put data of your own under `extra:`"
            )),
            None => d.with_hint("put data of your own under `extra:`"),
        };
        ds.push(d);
    }

    let missing = |key: &str, example: &str| match misspelt.iter().find(|(k, _)| *k == key) {
        Some((_, typo)) => Diagnostic::error(
            path,
            typo.line,
            typo.col,
            format!(
                "missing required front-matter key `{key}`: `{}` is not read as it",
                typo.value
            ),
        )
        .with_hint(format!("rename `{}` to `{key}`", typo.value)),
        None => Diagnostic::error(
            path,
            1,
            1,
            format!("missing required front-matter key `{key}`"),
        )
        .with_hint(format!("add `{key}: {example}`")),
    };
    let id = match &fm.id {
        None => {
            ds.push(missing("id", "INC-2024-001"));
            None
        }
        Some(id) if !config.id_pattern.is_match(&id.value) => {
            ds.push(
                Diagnostic::error(
                    path,
                    id.line,
                    id.col,
                    format!(
                        "id `{}` does not match id_pattern `{}`",
                        id.value,
                        config.id_pattern.as_str()
                    ),
                )
                .with_hint(
                    "ids look like INC-2024-042 (set `id_pattern` in site.toml for another form)",
                ),
            );
            None
        }
        Some(id) => match id_page_problem(&id.value) {
            Some(problem) => {
                ds.push(
                    Diagnostic::error(
                        path,
                        id.line,
                        id.col,
                        format!("id `{}` cannot name a page: {problem}", id.value),
                    )
                    .with_hint(
                        "use letters, digits, `-`, `_` and `.` (and anchor `id_pattern` with `^…$` \
                         so that it matches whole ids)",
                    ),
                );
                None
            }
            None => Some(id.value.clone()),
        },
    };
    let title = match &fm.title {
        None => {
            ds.push(missing("title", "Checkout Service Outage"));
            None
        }
        Some(t) => Some(t.value.trim().to_string()),
    };
    let severity = match &fm.severity {
        None => {
            ds.push(missing("severity", "SEV2"));
            None
        }
        Some(s) => match config
            .severity
            .keys()
            .find(|k| k.eq_ignore_ascii_case(s.value.trim()))
        {
            Some(level) => Some(level.clone()),
            None => {
                ds.push(
                    Diagnostic::error(
                        path,
                        s.line,
                        s.col,
                        format!("unknown severity `{}`", s.value),
                    )
                    .with_hint(format!(
                        "use one of {} (the levels of site.toml)",
                        config.level_names()
                    )),
                );
                None
            }
        },
    };
    let date = match &fm.date {
        None => {
            ds.push(missing("date", "2024-03-15"));
            None
        }
        Some(d) => date_field(path, "date", d, None, &mut ds),
    };
    let status = match &fm.status {
        None => Some(ReportStatus::Published),
        Some(s) => match ReportStatus::parse(&s.value) {
            Some(st) => Some(st),
            None => {
                ds.push(
                    Diagnostic::error(path, s.line, s.col, format!("unknown status `{}`", s.value))
                        .with_hint("use draft, review or published"),
                );
                None
            }
        },
    };
    let review_date = fm
        .review_date
        .as_ref()
        .and_then(|d| date_field(path, "review_date", d, date, &mut ds));
    let published = fm
        .published
        .as_ref()
        .and_then(|d| date_field(path, "published", d, date, &mut ds));
    // A review or a write-up cannot come before the incident (a typo in the year or month).
    for (key, day, written) in [
        ("review_date", review_date, &fm.review_date),
        ("published", published, &fm.published),
    ] {
        if let (Some(day), Some(incident), Some(v)) = (day, date, written)
            && day < incident
        {
            ds.push(
                Diagnostic::error(
                    path,
                    v.line,
                    v.col,
                    format!("`{key}` {day} is before the incident's `date` {incident}"),
                )
                .with_hint("check the year and the month of both dates"),
            );
        }
    }
    let time_keys = [&fm.started, &fm.detected, &fm.mitigated, &fm.resolved];
    let time_names = ["started", "detected", "mitigated", "resolved"];
    let times: Vec<Option<NaiveDateTime>> = time_keys
        .iter()
        .zip(time_names)
        .map(|(v, key)| {
            v.as_ref()
                .and_then(|v| time_field(path, key, v, date, config.timezone, &mut ds))
        })
        .collect();
    for (list, key) in [
        (&fm.related, "related"),
        (&fm.services, "services"),
        (&fm.tags, "tags"),
    ] {
        // A name listed twice is harmless but a sign of a slip: say so rather than drop it
        // unseen. (Two spellings of one tag or service are an error of the archive's terms.)
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for item in list.iter() {
            let name = item.value.trim();
            if name.is_empty() {
                ds.push(Diagnostic::error(
                    path,
                    item.line,
                    item.col,
                    format!("empty name in `{key}`"),
                ));
                continue;
            }
            if key != "related" && crate::text::slugify(&item.value).is_empty() {
                ds.push(
                    Diagnostic::error(
                        path,
                        item.line,
                        item.col,
                        format!(
                            "`{key}` name `{}` has no letter or digit to make its page address from",
                            item.value
                        ),
                    )
                    .with_hint("name it in words, e.g. `checkout-api`"),
                );
            }
            if key != "related" && name.contains(", ") {
                // `services: a, b` without brackets is one name in YAML.
                let names: Vec<&str> = name.split(',').map(str::trim).collect();
                ds.push(
                    Diagnostic::warning(
                        path,
                        item.line,
                        item.col,
                        format!("`{key}` name `{name}` holds a comma: it is one name"),
                    )
                    .with_hint(format!(
                        "for several names, write a list: `{key}: [{}]`",
                        names.join(", ")
                    )),
                );
            }
            match seen.entry(name) {
                Entry::Vacant(v) => {
                    v.insert(item.line);
                }
                Entry::Occupied(first) => ds.push(
                    Diagnostic::warning(
                        path,
                        item.line,
                        item.col,
                        format!(
                            "`{key}` lists `{name}` again (first on line {})",
                            first.get()
                        ),
                    )
                    .with_hint("remove the repeat"),
                ),
            }
        }
    }
    if let Some(own) = &id {
        for rel in fm.related.iter().filter(|r| r.value.trim() == own) {
            ds.push(
                Diagnostic::warning(
                    path,
                    rel.line,
                    rel.col,
                    format!("`related` lists this report's own id `{own}`"),
                )
                .with_hint("`related` names other incidents"),
            );
        }
    }
    for rel in &fm.related {
        if !rel.value.trim().is_empty() && !config.id_pattern.is_match(rel.value.trim()) {
            ds.push(Diagnostic::error(
                path,
                rel.line,
                rel.col,
                format!("`related` entry `{}` is not an incident id", rel.value),
            ));
        }
    }

    if let Some(sev) = &severity {
        check_sections(r, config, sev, &mut ds);
    }
    // Script URLs never reach the page; say so, or the author wonders where the link went.
    for l in r
        .links
        .iter()
        .filter(|l| !l.raw_html && crate::render::markdown::is_unsafe_url(&l.dest))
    {
        let what = if l.image { "image" } else { "link" };
        ds.push(
            Diagnostic::warning(
                path,
                l.line,
                l.col,
                format!(
                    "{what} with a script URL is removed from the page: `{}`",
                    l.dest
                ),
            )
            .with_hint("link to a page of the site or an https:// address"),
        );
    }
    for m in &r.misplaced_actions {
        let hint = "write action items as `### Action Item: <title>` inside `## Action Items`";
        // A `## Action Item:` heading (the level the review guide's template shows) opens a
        // section of its own, so the items after it are outside `## Action Items` too: say
        // which heading ended the section, so one fix clears both findings.
        let enclosing = (m.level == 3)
            .then(|| r.sections.iter().rfind(|s| s.line < m.line))
            .flatten();
        let ended_by = enclosing.filter(|s| crate::load::action_title(&s.title).is_some());
        // `## Follow-up Actions`: the section under another name.
        let renamed = enclosing.filter(|s| section_meant(&s.key) == Some("Action Items"));
        let (msg, hint) = match (m.level, ended_by) {
            (3, None) if let Some(s) = renamed => (
                format!(
                    "action item `{}` is outside the `## Action Items` section: it is under `## {}`",
                    m.title, s.title
                ),
                format!("rename `## {}` to `## Action Items`", s.title),
            ),
            (3, Some(s)) => (
                format!(
                    "action item `{}` is outside the `## Action Items` section: the level-2 heading `## {}` on line {} ended it",
                    m.title, s.title, s.line
                ),
                format!("make the heading on line {} a `###` heading", s.line),
            ),
            (3, None) => (
                format!(
                    "action item `{}` is outside the `## Action Items` section",
                    m.title
                ),
                hint.to_string(),
            ),
            (level, _) => (
                format!("action item `{}` is a level-{level} heading", m.title),
                hint.to_string(),
            ),
        };
        ds.push(Diagnostic::error(path, m.line, 1, msg).with_hint(hint));
    }
    for (line, mark) in &r.underlined_fields {
        ds.push(
            Diagnostic::error(
                path,
                *line,
                1,
                format!(
                    "`{mark}` right under an action item's field makes the lines above it a heading (Markdown reads it as their underline), so it does not end the item"
                ),
            )
            .with_hint(format!("leave a blank line before `{mark}`: then it separates items")),
        );
    }
    for h in &r.level_one {
        ds.push(
            Diagnostic::warning(
                path,
                h.line,
                1,
                format!(
                    "level-one heading `# {}` in the body: the page title comes from `title` in the front matter",
                    h.text
                ),
            )
            .with_hint(format!(
                "write `## {}` if it starts a section, or `###` for a heading inside one",
                h.text
            )),
        );
    }
    check_forbidden(r, &mut ds);
    check_loose_fields(r, &mut ds);
    check_untracked_actions(r, &mut ds);
    if status.is_some_and(|s| s != ReportStatus::Draft) {
        check_example_text(r, &mut ds);
    }
    let timeline = check_timeline(path, &r.timeline, date, config.timezone, &mut ds);
    // started ≤ detected, mitigated ≤ resolved: a later key earlier than an earlier one is a
    // time after midnight written without its date. Without `started`, the incident starts at
    // the timeline's first entry, as its page says.
    let first_entry = timeline.first().map(|p| (p.at, r.timeline[p.entry].line));
    for later in 1..4 {
        let (Some(at), Some(v)) = (times[later], time_keys[later]) else {
            continue;
        };
        let before = (0..later).filter(|&e| e == 0 || later == 3).find_map(|e| {
            let t = match (e, times[e]) {
                (_, Some(t)) => (t, None),
                (0, None) => first_entry.map(|(t, line)| (t, Some(line)))?,
                _ => return None,
            };
            (at < t.0).then_some((e, t))
        });
        if let Some((e, (t, entry_line))) = before {
            let hint = if v.value.trim().contains(' ') {
                "the incident's times run started ≤ detected, mitigated ≤ resolved".to_string()
            } else {
                format!(
                    "a time after midnight carries its date: `{}: \"{} {}\"`",
                    time_names[later],
                    (at.date() + chrono::Days::new(1)).format("%Y-%m-%d"),
                    at.format("%H:%M")
                )
            };
            let earlier = match entry_line {
                Some(line) => format!(
                    "the timeline's first entry ({}, line {line}), where the incident starts \
                     without `started`",
                    t.format("%Y-%m-%d %H:%M")
                ),
                None => format!("`{}` ({})", time_names[e], t.format("%Y-%m-%d %H:%M")),
            };
            ds.push(
                Diagnostic::error(
                    path,
                    v.line,
                    v.col,
                    format!(
                        "`{}` ({}) is before {earlier}",
                        time_names[later],
                        at.format("%Y-%m-%d %H:%M"),
                    ),
                )
                .with_hint(hint),
            );
        }
    }
    let actions: Vec<Option<Action>> = r
        .actions
        .iter()
        .map(|a| check_action(r, a, id.as_deref(), date, config, &mut ds))
        .collect();
    // The fields under a misplaced heading are checked now, not after it is fixed (it is an
    // error already, so it makes no action of the archive).
    for block in r.misplaced_actions.iter().filter_map(|m| m.block.as_ref()) {
        check_action(r, block, id.as_deref(), date, config, &mut ds);
    }

    let has_errors = ds
        .iter()
        .any(|d| d.level == crate::diagnostics::Level::Error);
    if has_errors {
        return (None, ds);
    }
    let (Some(id), Some(title), Some(severity), Some(date), Some(status)) =
        (id, title, severity, date, status)
    else {
        return (None, ds);
    };
    let started = times[0].or_else(|| timeline.first().map(|t| t.at));
    let resolved = times[3].or_else(|| timeline.last().map(|t| t.at));
    let detected = times[1].or_else(|| find_entry(&timeline, &r.timeline, DETECTION));
    let mitigated = times[2].or_else(|| find_entry(&timeline, &r.timeline, MITIGATION));
    let minutes = |to: Option<NaiveDateTime>| match (started, to) {
        // Times that do not exist in the zone are errors (no incident is made), and the
        // repeated hour is read as its first pass, so a later local time is never an earlier
        // instant; the filter keeps that true of every path.
        (Some(s), Some(t)) if t >= s => Some(elapsed_minutes(s, t, config)).filter(|m| *m >= 0),
        _ => None,
    };
    let mut references: BTreeSet<String> = r.mentions.iter().map(|m| m.id.to_string()).collect();
    references.extend(fm.related.iter().map(|s| s.value.trim().to_string()));
    let actions: Vec<Action> = actions.into_iter().flatten().collect();
    references.extend(actions.iter().map(|a| a.tracks.clone()));
    references.remove(&id);
    let incident = Incident {
        slug: id.to_ascii_lowercase(),
        id,
        title,
        severity,
        date,
        status,
        started,
        detected,
        mitigated,
        detected_from_timeline: times[1].is_none() && detected.is_some(),
        mitigated_from_timeline: times[2].is_none() && mitigated.is_some(),
        resolved,
        duration_minutes: minutes(resolved),
        time_to_detect_minutes: minutes(detected),
        time_to_mitigate_minutes: minutes(mitigated),
        impact: fm
            .impact
            .as_ref()
            .map(|s| s.value.clone())
            .filter(|s| !s.trim().is_empty()),
        on_call: fm
            .on_call
            .as_ref()
            .map(|s| s.value.clone())
            .filter(|s| !s.trim().is_empty()),
        review_date,
        published,
        services: dedup(&fm.services),
        tags: dedup(&fm.tags),
        related: dedup(&fm.related),
        extra: fm.extra.clone(),
        timeline,
        actions,
        references: references.into_iter().collect(),
        report: Arc::clone(r),
    };
    (Some(incident), ds)
}

fn dedup(items: &[Spanned<String>]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    items
        .iter()
        .map(|s| s.value.trim().to_string())
        .filter(|s| !s.is_empty() && seen.insert(s.clone()))
        .collect()
}

/// Minutes between two local times, read in the site's zone (so a DST change counts right).
/// A time of the hour that repeats when clocks go back is read as its first pass (chrono's
/// `earliest`); times the clocks skip are errors before this is reached.
fn elapsed_minutes(from: NaiveDateTime, to: NaiveDateTime, config: &Config) -> i64 {
    let utc = |t: NaiveDateTime| {
        config
            .timezone
            .from_local_datetime(&t)
            .earliest()
            .map(|z| z.naive_utc())
            .unwrap_or(t)
    };
    (utc(to) - utc(from)).num_minutes()
}

/// The time of the first entry after the first whose text holds one of `words` (lowercase
/// ASCII), in any case.
/// Words of a timeline entry that say the incident was detected: a word that begins with
/// one of these (`alerted`, `detection`, `paged`, `reports`), not one that only contains it
/// (`undetected`).
const DETECTION: &[&str] = &["alert", "detect", "page", "report"];
/// Words and phrases of a timeline entry that say the incident was mitigated.
const MITIGATION: &[&str] = &[
    "mitigat",
    "rollback complete",
    "restored",
    "recovered",
    "back to normal",
];

/// The time of the first timeline entry after the first whose text says one of `words`: a
/// word (or phrase) that starts a word of the entry, not after `no`, `not`, `never` or
/// `without` (`no alert fired`), and not the `status page` (which tells customers, it does
/// not detect).
fn find_entry(
    timeline: &[TimelinePoint],
    entries: &[TimelineEntry],
    words: &[&str],
) -> Option<NaiveDateTime> {
    timeline
        .iter()
        .skip(1)
        .find(|t| says(&entries[t.entry].text, words))
        .map(|t| t.at)
}

/// Whether `text` says one of `words` in the sense of [`find_entry`].
fn says(text: &str, words: &[&str]) -> bool {
    let text = text.to_ascii_lowercase();
    fn split(t: &str) -> impl Iterator<Item = &str> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
    }
    let mut before = "";
    for word in split(&text) {
        // The text from this word on, for phrases ("back to normal").
        let rest = &text[word.as_ptr() as usize - text.as_ptr() as usize..];
        if words.iter().any(|w| rest.starts_with(w))
            && !matches!(before, "no" | "not" | "never" | "without")
            && !(matches!(word, "page" | "pages")
                && web_page(before, split(&rest[word.len()..]).next().unwrap_or("")))
        {
            return true;
        }
        before = word;
    }
    false
}

/// Whether `page` between the words `before` and `after` is a web page ("checkout page load
/// times rise", "status page updated") rather than a page to a person ("page sent to the
/// DBA"). `paged` and `paging` are always pages to a person.
fn web_page(before: &str, after: &str) -> bool {
    matches!(
        before,
        "status"
            | "checkout"
            | "login"
            | "home"
            | "landing"
            | "web"
            | "error"
            | "product"
            | "search"
            | "cart"
            | "account"
            | "settings"
            | "signup"
            | "payment"
            | "payments"
            | "static"
            | "blank"
            | "wiki"
            | "404"
            | "500"
    ) || matches!(
        after,
        "load"
            | "loads"
            | "loading"
            | "view"
            | "views"
            | "speed"
            | "size"
            | "weight"
            | "render"
            | "renders"
            | "rendering"
            | "title"
            | "content"
            | "cache"
            | "errors"
    )
}

/// Checks a `YYYY-MM-DD` value; the hint shows the ISO form of a date written otherwise.
fn date_field(
    path: &str,
    key: &str,
    v: &Spanned<String>,
    near: Option<NaiveDate>,
    ds: &mut Vec<Diagnostic>,
) -> Option<NaiveDate> {
    match parse_date(&v.value, near) {
        Ok(d) => Some(d),
        Err(hint) => {
            ds.push(
                Diagnostic::error(
                    path,
                    v.line,
                    v.col,
                    format!(
                        "`{key}` is not a calendar date in YYYY-MM-DD form: `{}`",
                        v.value
                    ),
                )
                .with_hint(hint),
            );
            None
        }
    }
}

/// Parses a strict `YYYY-MM-DD` date. On failure returns a hint, with the ISO form when the
/// text is a date written another way ("March 30" near 2024-03-15 gives `2024-03-30`).
pub fn parse_date(s: &str, near: Option<NaiveDate>) -> Result<NaiveDate, String> {
    let s = s.trim();
    let b = s.as_bytes();
    let iso_shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if iso_shape {
        // What `NaiveDate::parse_from_str(s, "%Y-%m-%d")` gives for this shape, without
        // reading a format string for each of the archive's many dates.
        let num =
            |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
        return NaiveDate::from_ymd_opt(num(0..4) as i32, num(5..7), num(8..10))
            .ok_or_else(|| format!("`{s}` does not exist in the calendar"));
    }
    // A date with more after it: a time of day (`2024-05-20T10:00:00Z`, `2024-03-15 14:23`)
    // or a note (`2024-04-30 (end of sprint)`).
    if let (Some(head), Some(rest)) = (s.get(..10), s.get(10..))
        && !rest.is_empty()
        && head.as_bytes()[4] == b'-'
        && let Ok(d) = parse_date(head, None)
    {
        let rest = rest.trim_start_matches(['T', 't', ' ']);
        let timed = rest.len() >= 4
            && rest.as_bytes()[0].is_ascii_digit()
            && rest[..rest.len().min(3)].contains(':');
        return Err(if timed {
            format!(
                "write `{d}`: a date holds no time of day (an incident's times go in `started`, \
                 `detected`, `mitigated` and `resolved`)"
            )
        } else {
            format!("write `{d}` alone, with any note in the text")
        });
    }
    // `~~2026-11-25~~ 2026-12-05`: a rescheduled date with the old one struck through. The
    // date that is not struck through is the one meant.
    if s.contains('~') {
        let kept = struck_out(s);
        let kept = kept.trim();
        if let Some(d) = kept.get(..10).and_then(|head| parse_date(head, None).ok()) {
            return Err(format!(
                "write `{d}` alone, the date that is not struck through; the date it moved \
                 from can go in the text"
            ));
        }
    }
    // `03/12/2026` is March 12 read month first and December 3 read day first.
    if let (Ok(us), Ok(eu)) = (
        NaiveDate::parse_from_str(s, "%m/%d/%Y"),
        NaiveDate::parse_from_str(s, "%d/%m/%Y"),
    ) && us != eu
    {
        return Err(format!(
            "`{s}` reads as {us} month first and as {eu} day first: write the one meant"
        ));
    }
    // "March 30th, 2024" → "March 30 2024".
    let cleaned = s
        .replace(',', " ")
        .split_whitespace()
        .map(|w| {
            let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            let suffix = &w[digits.len()..].to_ascii_lowercase();
            if !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit())
                && ["st", "nd", "rd", "th"].contains(&suffix.as_str())
            {
                digits
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    let with_year = [
        "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d", "%m/%d/%Y", "%d/%m/%Y",
        "%d.%m.%Y", "%Y-%m-%d",
    ];
    for f in with_year {
        if let Ok(d) = NaiveDate::parse_from_str(&cleaned, f) {
            return Err(format!("write `{}`", d.format("%Y-%m-%d")));
        }
    }
    if let Some(near) = near {
        for f in ["%B %d", "%b %d", "%d %B", "%d %b"] {
            for year in [near.year(), near.year() + 1] {
                if let Ok(d) =
                    NaiveDate::parse_from_str(&format!("{cleaned} {year}"), &format!("{f} %Y"))
                    && d >= near
                {
                    return Err(format!("write `{}`", d.format("%Y-%m-%d")));
                }
            }
        }
    }
    Err("write dates as YYYY-MM-DD, e.g. 2024-03-30".to_string())
}

/// `s` without its struck-through text (`~~old~~` or `~old~`, as Markdown strikes it out).
fn struck_out(s: &str) -> String {
    static STRUCK: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    STRUCK
        .get_or_init(|| regex::Regex::new(r"~~[^~]+~~|~[^~]+~").expect("a valid pattern"))
        .replace_all(s, " ")
        .into_owned()
}

/// Parses `H:MM`, `HH:MM` or `HH:MM:SS` (seconds dropped); nothing else.
fn parse_clock(s: &str) -> Option<NaiveTime> {
    let mut parts = s.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next());
    let digits =
        |p: &str, lens: &[usize]| lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some()
        || !digits(h, &[1, 2])
        || !digits(m, &[2])
        || sec.is_some_and(|x| !digits(x, &[2]) || x > "59")
    {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

/// Checks `started`/`detected`/...: `HH:MM` on `date` or `YYYY-MM-DD HH:MM`, a time that
/// exists in the site's zone `tz`.
fn time_field(
    path: &str,
    key: &str,
    v: &Spanned<String>,
    date: Option<NaiveDate>,
    tz: Tz,
    ds: &mut Vec<Diagnostic>,
) -> Option<NaiveDateTime> {
    let s = v.value.trim();
    // A UTC marker is allowed when the site's zone is UTC; in any other zone it is an error
    // like any zone name, since the time is read in the site's zone.
    let bare = match utc_marked(s) {
        Some(b) if is_utc(tz) => b,
        _ => s,
    };
    let (parsed, well_formed) = match bare.split_once([' ', 'T']) {
        Some((d, t)) => {
            let dt = parse_date(d, None)
                .ok()
                .zip(parse_clock(t.trim()))
                .map(|(d, t)| d.and_time(t));
            (dt, dt.is_some())
        }
        None => {
            let t = parse_clock(bare);
            (t.and_then(|t| date.map(|d| d.and_time(t))), t.is_some())
        }
    };
    // A clock time on a date that is itself missing or wrong is not a second problem.
    if !well_formed {
        ds.push(
            Diagnostic::error(path, v.line, v.col, format!("`{key}` is not a time: `{s}`"))
                .with_hint(time_hint(bare, tz, date)),
        );
    }
    let at = parsed?;
    if let Some((message, hint)) = skipped_time(at, tz, bare.contains([' ', 'T'])) {
        ds.push(
            Diagnostic::error(path, v.line, v.col, format!("`{key}` {message}")).with_hint(hint),
        );
        return None;
    }
    Some(at)
}

/// Whether `tz` is UTC under one of its names (a zone with no offset and no daylight-saving
/// time, where a time marked UTC is a time in the site's zone).
fn is_utc(tz: Tz) -> bool {
    matches!(
        tz.name(),
        "UTC"
            | "Etc/UTC"
            | "Etc/UCT"
            | "UCT"
            | "Etc/Universal"
            | "Universal"
            | "Etc/Zulu"
            | "Zulu"
            | "GMT"
            | "Etc/GMT"
            | "Etc/GMT+0"
            | "Etc/GMT-0"
            | "Etc/GMT0"
            | "GMT+0"
            | "GMT-0"
            | "GMT0"
            | "Etc/Greenwich"
            | "Greenwich"
    )
}

/// `s` without a UTC marker after its time (`14:23Z`, `2024-03-15T14:23:00Z`, `14:23 UTC`,
/// `14:23 GMT`), when it has one.
fn utc_marked(s: &str) -> Option<&str> {
    let zulu = s
        .strip_suffix(['Z', 'z'])
        .filter(|t| t.ends_with(|c: char| c.is_ascii_digit()));
    let named = || {
        let (head, zone) = s.rsplit_once(' ')?;
        (zone.eq_ignore_ascii_case("UTC") || zone.eq_ignore_ascii_case("GMT")).then_some(head)
    };
    zulu.or_else(named).map(str::trim_end)
}

/// When the clocks of `tz` skip the local time `at` (the hour lost when daylight-saving time
/// begins), the message after the key or the timeline time (`02:30 does not exist in
/// Europe/Berlin on 2026-03-29: clocks go from 02:00 to 03:00`) and the hint, whose time has
/// its date when `dated`.
fn skipped_time(at: NaiveDateTime, tz: Tz, dated: bool) -> Option<(String, String)> {
    let exists = |t: NaiveDateTime| tz.from_local_datetime(&t).earliest().is_some();
    // UTC skips no time: no lookup in the zone's table for each of the archive's times.
    if is_utc(tz) || exists(at) {
        return None;
    }
    // The skipped stretch, a minute at a time (it is an hour or so; two days at the most, when
    // a zone once skipped a whole day).
    let minute = chrono::TimeDelta::minutes(1);
    let (mut from, mut to) = (at, at);
    for _ in 0..2 * 24 * 60 {
        if exists(from - minute) {
            break;
        }
        from -= minute;
    }
    for _ in 0..2 * 24 * 60 {
        if exists(to) {
            break;
        }
        to += minute;
    }
    let shown = at + (to - from);
    let shown = if dated || shown.date() != at.date() {
        crate::text::ymd_hm(shown, ' ')
    } else {
        crate::text::hm(shown.time())
    };
    Some((
        format!(
            "{} does not exist in {} on {}: clocks go from {} to {}",
            crate::text::hm(at.time()),
            tz.name(),
            crate::text::ymd(at.date()),
            crate::text::hm(from.time()),
            crate::text::hm(to.time()),
        ),
        format!("write the time as the clock showed it, e.g. {shown}"),
    ))
}

/// The hint for a front-matter time that does not read: the 24-hour form of a 12-hour time
/// (`3:05 PM`), the time in the site's zone `tz` when the time is marked UTC (on `date` when
/// it has none of its own), the time alone when another zone follows it, else the forms.
fn time_hint(bare: &str, tz: Tz, date: Option<NaiveDate>) -> String {
    let (head, last) = bare.rsplit_once(' ').unwrap_or((bare, ""));
    let (time, meridiem) = match last.to_ascii_lowercase().as_str() {
        "am" | "a.m." => (head.trim(), Some("a")),
        "pm" | "p.m." => (head.trim(), Some("p")),
        _ => match bare.len().checked_sub(2).and_then(|n| bare.get(n..)) {
            Some(m) if m.eq_ignore_ascii_case("am") => (&bare[..bare.len() - 2], Some("a")),
            Some(m) if m.eq_ignore_ascii_case("pm") => (&bare[..bare.len() - 2], Some("p")),
            _ => (bare, None),
        },
    };
    let clock = |t: &str| {
        let (day, t) = t.rsplit_once([' ', 'T']).map_or(("", t), |(d, t)| (d, t));
        parse_clock(t.trim()).map(|c| (day.trim().to_string(), c))
    };
    if meridiem.is_some()
        && let Some((day, c)) = clock(time)
        && (1..=12).contains(&c.hour())
    {
        // The timeline's own reading of AM and PM.
        let t = crate::load::twenty_four_hour(&c.format("%H:%M").to_string(), meridiem);
        let day = if day.is_empty() { day } else { day + " " };
        return format!("times are 24-hour: write \"{day}{t}\"");
    }
    let zone = format!(
        "times are read in the site's `timezone`, {} (site.toml), with no zone of their own",
        tz.name()
    );
    if let Some(utc) = utc_marked(bare)
        && let Some((day, c)) = clock(utc)
    {
        let on = if day.is_empty() {
            date
        } else {
            parse_date(&day, None).ok()
        };
        if let Some(on) = on {
            let local = tz.from_utc_datetime(&on.and_time(c)).naive_local();
            let (shown, utc_shown) = if day.is_empty() && local.date() == on {
                (crate::text::hm(local.time()), crate::text::hm(c))
            } else {
                (
                    crate::text::ymd_hm(local, ' '),
                    crate::text::ymd_hm(on.and_time(c), ' '),
                )
            };
            return format!(
                "{zone}: write \"{shown}\", which is {utc_shown} UTC in {}",
                tz.name()
            );
        }
    }
    if !last.is_empty()
        && last.chars().all(|c| c.is_ascii_alphabetic())
        && let Some((day, c)) = clock(head)
    {
        // A zone with one offset (`CET`, `PDT`): the same instant in the site's zone.
        let on = if day.is_empty() {
            date
        } else {
            parse_date(&day, None).ok()
        };
        if let Some(offset) = crate::load::zone_offset(last)
            && let Some(on) = on
        {
            let written = on.and_time(c);
            let utc = written - chrono::TimeDelta::minutes(i64::from(offset));
            let local = tz.from_utc_datetime(&utc).naive_local();
            let (shown, written) = if day.is_empty() && local.date() == on {
                (crate::text::hm(local.time()), crate::text::hm(c))
            } else {
                (
                    crate::text::ymd_hm(local, ' '),
                    crate::text::ymd_hm(written, ' '),
                )
            };
            return format!("{zone}: write \"{shown}\", which is {written} {last}");
        }
        let day = if day.is_empty() { day } else { day + " " };
        return format!("{zone}: write \"{day}{}\" in that zone", c.format("%H:%M"));
    }
    "write a clock time on the incident's date, \"14:23\", or \"2024-03-16 00:10\"".to_string()
}

/// Section titles teams often give a part of a review that the format names otherwise, by
/// [`crate::load::section_key`], with the section they stand for (the review guide itself
/// calls What Went Well "What worked well").
const SECTION_SYNONYMS: &[(&str, &[&str])] = &[
    (
        "Summary",
        &[
            "overview",
            "executive summary",
            "incident summary",
            "tl;dr",
            "tldr",
        ],
    ),
    (
        "Timeline",
        &[
            "incident timeline",
            "timeline of events",
            "sequence of events",
            "chronology",
        ],
    ),
    (
        "Contributing Factors",
        &[
            "root cause",
            "root causes",
            "root cause analysis",
            "causes",
            "causal factors",
            "contributing factor",
        ],
    ),
    (
        "What Went Well",
        &[
            "what worked well",
            "what went right",
            "went well",
            "things that went well",
        ],
    ),
    (
        "Action Items",
        &[
            "follow-up actions",
            "follow up actions",
            "followup actions",
            "follow-ups",
            "actions",
            "action plan",
            "corrective actions",
            "remediation",
            "remediation items",
            "next steps",
        ],
    ),
];

/// The section of the format that a section keyed `key` stands for under another name
/// ([`SECTION_SYNONYMS`]).
fn section_meant(key: &str) -> Option<&'static str> {
    SECTION_SYNONYMS
        .iter()
        .find(|(_, names)| names.contains(&key))
        .map(|(name, _)| *name)
}

fn check_sections(r: &Report, config: &Config, severity: &str, ds: &mut Vec<Diagnostic>) {
    let Some(policy) = config.severity_policy(severity) else {
        return;
    };
    let path = r.path.as_str();
    let sev_line = r
        .front
        .severity
        .as_ref()
        .map(|s| (s.line, s.col))
        .unwrap_or((1, 1));
    for required in &policy.required_sections {
        if r.section(required).is_some() {
            continue;
        }
        let key = crate::load::section_key(required);
        let renamed = r
            .sections
            .iter()
            .find(|s| section_meant(&s.key).is_some_and(|m| crate::load::section_key(m) == key));
        if let Some(s) = renamed {
            ds.push(
                Diagnostic::error(
                    path,
                    s.line,
                    1,
                    format!(
                        "missing section `## {required}`, required for {severity}: `## {}` is not read as it",
                        s.title
                    ),
                )
                .with_hint(format!("rename `## {}` to `## {required}`", s.title)),
            );
        } else {
            ds.push(
                Diagnostic::error(
                    path,
                    sev_line.0,
                    sev_line.1,
                    format!("missing section `## {required}`, required for {severity}"),
                )
                .with_hint(format!(
                    "{severity} reports need: {}",
                    policy.required_sections.join(", ")
                )),
            );
        }
    }
    for (i, s) in r.sections.iter().enumerate() {
        let Some(first) = r.sections[..i].iter().find(|f| f.key == s.key) else {
            continue;
        };
        let required = policy
            .required_sections
            .iter()
            .any(|x| crate::load::section_key(x) == s.key);
        let msg = format!(
            "section `## {}` appears twice (first at line {})",
            s.title, first.line
        );
        let hint = "merge the two sections into one";
        ds.push(if required {
            Diagnostic::error(path, s.line, 1, msg).with_hint(hint)
        } else {
            Diagnostic::warning(path, s.line, 1, msg).with_hint(hint)
        });
    }
}

/// The character of Windows-1252 that is the C1 control `c` (U+0080–U+009F) when Windows-1252
/// text is read as Latin-1, as a file saved by an old editor or copied through one often is.
fn windows_1252(c: char) -> Option<char> {
    const CHARS: [char; 32] = [
        '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0', '\0',
        '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ',
    ];
    let i = (c as u32).checked_sub(0x80)? as usize;
    CHARS.get(i).copied().filter(|&w| w != '\0')
}

/// A warning for the code point `c` that a page may not hold ([`crate::text::is_forbidden`]),
/// found at `line:col` in the value of the front-matter key `key`, or in the body when `key`
/// is `None`, with `more` other lines of the body holding such characters.
fn forbidden_found(
    path: &str,
    (line, col): (usize, usize),
    c: char,
    key: Option<&str>,
    more: usize,
) -> Diagnostic {
    let code = c as u32;
    let name = match code {
        0x00 => " (NUL)",
        0x07 => " (BEL)",
        0x08 => " (BS)",
        0x0b => " (VT)",
        0x1b => " (terminal colour codes?)",
        0x7f => " (DEL)",
        _ => "",
    };
    let kind = if code <= 0x9f {
        "control character"
    } else {
        "noncharacter"
    };
    let within = key.map(|k| format!(" in `{k}`")).unwrap_or_default();
    let fate = if code == 0 {
        "is shown as U+FFFD (\u{fffd}) on the page"
    } else {
        "is left out of the page"
    };
    let more = match more {
        0 => String::new(),
        1 => "; 1 more line holds such characters".into(),
        n => format!("; {n} more lines hold such characters"),
    };
    let hint = match (code, windows_1252(c)) {
        (0x1b, _) => "paste the text without colours (`--no-color`, or through `| cat`), or \
                      remove the escape codes; the page leaves out each whole code (`ESC[31m`)"
            .to_string(),
        (_, Some(w)) => format!(
            "U+{code:04X} is `{w}` of Windows-1252 text read as Latin-1: write `{w}` (U+{:04X})",
            w as u32
        ),
        _ => "remove it".to_string(),
    };
    Diagnostic::warning(
        path,
        line,
        col,
        format!("{kind} U+{code:04X}{name}{within} {fate}{more}"),
    )
    .with_hint(hint)
}

/// Control characters and noncharacters ([`crate::text::is_forbidden`]) in the text a page
/// shows: a terminal's colour codes pasted with a log, a NUL or BEL byte, a YAML escape such
/// as `\e` in a quoted value. Pages leave them out ([`crate::text::without_forbidden`]), so a
/// warning: one at each front-matter value shown on the pages that holds one, at the value,
/// and one for the body, at its first, counting the other lines that hold one.
fn check_forbidden(r: &Report, ds: &mut Vec<Diagnostic>) {
    use crate::text::find_forbidden;
    let fm = &r.front;
    let single = [
        ("title", &fm.title),
        ("impact", &fm.impact),
        ("on_call", &fm.on_call),
    ];
    let values = single
        .into_iter()
        .filter_map(|(k, v)| Some((k, v.as_ref()?)))
        .chain(fm.services.iter().map(|v| ("services", v)))
        .chain(fm.tags.iter().map(|v| ("tags", v)));
    for (key, v) in values {
        if let Some(c) = find_forbidden(&v.value, 0).and_then(|at| v.value[at..].chars().next()) {
            ds.push(forbidden_found(&r.path, (v.line, v.col), c, Some(key), 0));
        }
    }
    let body = r.body.as_str();
    let Some(first) = find_forbidden(body, 0) else {
        return;
    };
    let line_end = |at: usize| body[at..].find('\n').map_or(body.len(), |i| at + i);
    let mut more = 0;
    let mut from = line_end(first);
    while let Some(at) = find_forbidden(body, from) {
        more += 1;
        from = line_end(at);
    }
    let c = body[first..].chars().next().expect("a character");
    ds.push(forbidden_found(
        &r.path,
        r.file_line_col(first),
        c,
        None,
        more,
    ));
}

/// The placeholders of the review guide's templates (the action-item template and the
/// published write-up), each a part of the review left to write.
/// (`[Specific person]` and `[Specific date]`, for `Owner` and `Due`, are left to the
/// `owner-placeholder` rule and the date check.)
pub const GUIDE_PLACEHOLDERS: &[&str] = &[
    "[Descriptive title]",
    "[What specifically needs to change and why]",
    "[How we know this is complete]",
    "[Name]",
    "[Detailed timeline here]",
    "[Analysis here]",
];

/// Lines of the example text `pirsite new` writes ([`crate::new::example_lines`]), and the
/// review guide's placeholders ([`GUIDE_PLACEHOLDERS`], anywhere in a line), still in a
/// report under review or published: a warning at each.
fn check_example_text(r: &Report, ds: &mut Vec<Diagnostic>) {
    static EXAMPLES: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    // The lines and placeholders as plain literals (which the regex crate finds with a fast
    // multi-literal search, in one pass), then each example line held to a whole line:
    // anchoring the pattern itself made the search read every byte of every report.
    let examples = EXAMPLES.get_or_init(|| {
        let alt: Vec<String> = crate::new::example_lines()
            .chain(GUIDE_PLACEHOLDERS.iter().copied())
            .map(regex::escape)
            .collect();
        regex::Regex::new(&alt.join("|")).expect("the example lines are literals")
    });
    let body = r.body.as_str();
    for m in examples.find_iter(body) {
        let line_start = body[..m.start()].rfind('\n').map_or(0, |i| i + 1);
        let line_end = body[m.end()..]
            .find('\n')
            .map_or(body.len(), |i| m.end() + i);
        if GUIDE_PLACEHOLDERS.contains(&m.as_str()) {
            let line = &body[line_start..line_end];
            ds.push(
                Diagnostic::warning(
                    &r.path,
                    r.file_line(m.start()),
                    crate::text::char_col(line, m.start() - line_start),
                    format!(
                        "placeholder of the review template left in: `{}`",
                        m.as_str()
                    ),
                )
                .with_hint("write this part of the review in its place"),
            );
            continue;
        }
        if !body[line_start..m.start()].trim().is_empty()
            || !body[m.end()..line_end].trim().is_empty()
        {
            continue;
        }
        ds.push(
            Diagnostic::warning(
                &r.path,
                r.file_line(m.start()),
                1,
                format!(
                    "example text of `pirsite new` left in: `{}`",
                    m.as_str().trim()
                ),
            )
            .with_hint("replace it with what happened in this incident, or remove it"),
        );
    }
}

/// An `## Action Items` section that lists items but holds no `### Action Item:` block (nor
/// anything reported about blocks written wrongly): items written as a list are on no actions
/// page, dashboard or `actions.json`. A warning, at the section's heading. A section that
/// only says why there are none ("No action items: renewal is now automatic") is left alone.
fn check_untracked_actions(r: &Report, ds: &mut Vec<Diagnostic>) {
    if !r.actions.is_empty() || !r.misplaced_actions.is_empty() || !r.loose_fields.is_empty() {
        return;
    }
    let is_item = |line: &str| {
        let t = line.trim_start();
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        let rest = &t[digits..];
        if digits > 0 {
            rest.starts_with(". ") || rest.starts_with(") ")
        } else {
            t.starts_with("- ") || t.starts_with("* ") || t.starts_with("+ ")
        }
    };
    if let Some(section) = r
        .sections
        .iter()
        .find(|s| s.key == "action items")
        .filter(|s| {
            r.body
                .get(s.content.clone())
                .is_some_and(|c| c.lines().any(is_item))
        })
    {
        ds.push(
            Diagnostic::warning(
                &r.path,
                section.line,
                1,
                format!(
                    "`## {}` lists items but holds no `### Action Item:` item: none of them is tracked",
                    section.title
                ),
            )
            .with_hint(
                "write each item as `### Action Item: <title>` followed by its `**Owner:**`, \
                 `**Due:**`, `**Priority:**`, `**Type:**`, `**Description:**` and \
                 `**Definition of Done:**` lines (`pirsite new` writes one)",
            ),
        );
    }
}

/// Action-item fields that no `### Action Item:` block holds would be lost: one error per
/// heading they are under (or at the first of them when under none).
fn check_loose_fields(r: &Report, ds: &mut Vec<Diagnostic>) {
    let misplaced: Vec<usize> = r.misplaced_actions.iter().map(|m| m.line).collect();
    let mut seen: Vec<Option<usize>> = Vec::new();
    for f in &r.loose_fields {
        let known = REQUIRED_FIELDS
            .iter()
            .chain(OPTIONAL_FIELDS)
            .any(|k| k.eq_ignore_ascii_case(&f.name));
        let under = f.heading.as_ref().map(|h| h.1);
        if !known || seen.contains(&under) || under.is_some_and(|l| misplaced.contains(&l)) {
            continue;
        }
        seen.push(under);
        let hint = "each action item starts with a heading `### Action Item: <title>`";
        ds.push(match &f.heading {
            Some((text, line)) => Diagnostic::error(
                &r.path,
                *line,
                1,
                format!(
                    "heading `{text}` has action-item fields but is not `### Action Item: <title>`"
                ),
            )
            .with_hint(hint),
            None => Diagnostic::error(
                &r.path,
                f.line,
                1,
                format!(
                    "action-item field `{}` is not under an `### Action Item:` heading",
                    f.name
                ),
            )
            .with_hint(hint),
        });
    }
}

fn check_timeline(
    path: &str,
    entries: &[TimelineEntry],
    date: Option<NaiveDate>,
    tz: Tz,
    ds: &mut Vec<Diagnostic>,
) -> Vec<TimelinePoint> {
    let mut out: Vec<TimelinePoint> = Vec::new();
    // Without a valid `date` (already an error) the entries are still checked for order,
    // from a stand-in day, so every problem shows in one run.
    let mut day = date.or(NaiveDate::from_ymd_opt(2000, 1, 1));
    for (entry, e) in entries.iter().enumerate() {
        let Some(time) = parse_clock(&e.time) else {
            ds.push(
                Diagnostic::error(
                    path,
                    e.line,
                    e.col,
                    format!("timeline time `{}` is not a clock time", e.time),
                )
                .with_hint("write times as HH:MM, 00:00 to 23:59"),
            );
            continue;
        };
        if let Some(d) = &e.date {
            match parse_date(d, None) {
                Ok(d) => day = Some(d),
                Err(hint) => {
                    ds.push(
                        Diagnostic::error(
                            path,
                            e.line,
                            e.col,
                            format!("timeline date `{d}` is not a calendar date"),
                        )
                        .with_hint(hint),
                    );
                    continue;
                }
            }
        }
        // A time marked UTC is read in the site's zone only when that zone is UTC; elsewhere,
        // and for any other zone, it is the front matter's error for a zone name, with the
        // time in the site's zone.
        let utc = |z: &str| matches!(z, "Z" | "UTC" | "GMT");
        if let Some(zone) = e.zone.as_deref().filter(|z| !(utc(z) && is_utc(tz))) {
            let written = match zone {
                "Z" => format!("{}Z", e.time),
                _ => format!("{} {zone}", e.time),
            };
            let hint_on = match &e.date {
                Some(d) => format!("{d} {written}"),
                None => written.clone(),
            };
            ds.push(
                Diagnostic::error(
                    path,
                    e.line,
                    e.col,
                    format!("timeline time `{written}` is not a clock time"),
                )
                .with_hint(time_hint(&hint_on, tz, day)),
            );
            continue;
        }
        let Some(on) = day else { continue };
        let at = on.and_time(time);
        // A time the clocks skip would make an instant before the entries around it.
        if let Some((message, hint)) = skipped_time(at, tz, e.date.is_some()) {
            ds.push(
                Diagnostic::error(path, e.line, e.col, format!("timeline time {message}"))
                    .with_hint(hint),
            );
            continue;
        }
        if let Some(prev) = out.last()
            && at < prev.at
        {
            let shown = |t: NaiveDateTime| {
                if t.date() == on && e.date.is_none() {
                    t.format("%H:%M").to_string()
                } else {
                    t.format("%Y-%m-%d %H:%M").to_string()
                }
            };
            // The next day is known only from a real `date` (or a dated entry), not from the
            // stand-in day used when `date` is invalid.
            let dated = date.is_some() || out.iter().any(|p| entries[p.entry].date.is_some());
            let hint = if e.date.is_none() {
                let next = if dated {
                    (on + chrono::Days::new(1)).format("%Y-%m-%d").to_string()
                } else {
                    "YYYY-MM-DD".to_string()
                };
                format!(
                    "entries run forward in time: put the entries in the order they happened, or, if this one is after midnight, give its date: `{next} {}`",
                    e.time
                )
            } else {
                "entries run forward in time".to_string()
            };
            ds.push(
                Diagnostic::error(
                    path,
                    e.line,
                    e.col,
                    format!(
                        "timeline goes back in time: {} comes after {}",
                        shown(at),
                        shown(prev.at)
                    ),
                )
                .with_hint(hint),
            );
            // The entries after it are read as the hint's fix would have them, on the next
            // day: one missing midnight date (or one entry out of order) is one finding, not
            // one for every entry after it.
            if e.date.is_none() {
                day = Some(on + chrono::Days::new(1));
            }
            continue;
        }
        out.push(TimelinePoint { at, entry });
    }
    out
}

/// A field written as plain text on a line of an action item's block.
struct PlainField {
    line: usize,
    col: usize,
    /// The line as written, trimmed.
    written: String,
    /// The text after the colon.
    value: String,
}

/// The first line of `a`'s block (after its heading) that gives field `name` without bold
/// ([`load::plain_field`]).
fn plain_field(r: &Report, a: &ActionBlock, name: &str) -> Option<PlainField> {
    let block = r.body.get(a.span.clone())?;
    let mut at = a.span.start;
    for (i, line) in block.split_inclusive('\n').enumerate() {
        let start = at;
        at += line.len();
        if i == 0 {
            // The heading.
            continue;
        }
        let text = line.trim_end();
        let Some((field, name_at, value)) = crate::load::plain_field(text) else {
            continue;
        };
        if field != name {
            continue;
        }
        let (line, col) = r.file_line_col(start + name_at);
        return Some(PlainField {
            line,
            col,
            written: text.trim_start().to_string(),
            value: if value.is_empty() { "..." } else { value }.to_string(),
        });
    }
    None
}

fn check_action(
    r: &Report,
    a: &ActionBlock,
    own_id: Option<&str>,
    date: Option<NaiveDate>,
    config: &Config,
    ds: &mut Vec<Diagnostic>,
) -> Option<Action> {
    let title = if a.title.is_empty() {
        "(untitled)"
    } else {
        a.title.as_str()
    };
    let path = r.path.as_str();
    if a.title.is_empty() {
        ds.push(
            Diagnostic::error(path, a.line, 1, "action item has no title")
                .with_hint("write `### Action Item: <what changes>`"),
        );
    }
    let mut fields = KnownFields::default();
    let mut unknown = Vec::new();
    for f in &a.fields {
        let Some(known) = field_names().find(|k| k.eq_ignore_ascii_case(&f.name)) else {
            unknown.push(f);
            continue;
        };
        if let Some(prev) = fields.get(known) {
            ds.push(Diagnostic::error(
                path,
                f.line,
                f.name_col,
                format!(
                    "action item `{title}` gives `{known}` twice (first at line {})",
                    prev.line
                ),
            ));
            continue;
        }
        fields.insert(known, f);
    }
    // An unknown field that names a missing required one another way (`Assignee`, `Due
    // date`, `DoD`, or a misspelling) is reported once, as that field missing, at its line.
    let mut renamed: Vec<(&str, &ActionField)> = Vec::new();
    for f in unknown {
        let all: Vec<&str> = field_names().collect();
        let meant = field_synonym(&f.name).or_else(|| closest(&f.name, &all));
        if let Some(k) = meant.filter(|k| {
            REQUIRED_FIELDS.contains(k)
                && fields.get(k).is_none()
                && !renamed.iter().any(|(r, _)| r == k)
        }) {
            renamed.push((k, f));
            continue;
        }
        let mut d = Diagnostic::warning(
            path,
            f.line,
            f.name_col,
            format!("unknown action-item field `{}`", f.name),
        );
        if let Some(k) = meant {
            d = d.with_hint(format!("did you mean `{k}`?"));
        }
        ds.push(d);
    }
    let mut ok = true;
    // File lines of required fields written without bold: each is the one finding for its
    // field, not also text that belongs to no field.
    let mut plain_lines = Vec::new();
    for req in REQUIRED_FIELDS {
        match fields.get(req) {
            None => {
                ok = false;
                if let Some((_, f)) = renamed.iter().find(|(k, _)| k == req) {
                    ds.push(
                        Diagnostic::error(
                            path,
                            f.line,
                            f.name_col,
                            format!(
                                "action item `{title}` is missing `{req}`: `{}` is not read as it",
                                f.name
                            ),
                        )
                        .with_hint(format!("rename `{}` to `{req}`", f.name)),
                    );
                    continue;
                }
                if let Some(plain) = plain_field(r, a, req) {
                    ds.push(
                        Diagnostic::error(
                            path,
                            plain.line,
                            plain.col,
                            if plain.written.starts_with('|') {
                                format!(
                                    "action item `{title}` is missing `{req}`: `{}` is a table \
                                     row, and fields are read only as `**{req}:** value` lines",
                                    plain.written
                                )
                            } else if plain
                                .written
                                .trim_start_matches(['-', '+', '*', ' '])
                                .starts_with("__")
                            {
                                format!(
                                    "action item `{title}` is missing `{req}`: `{}` is bold with \
                                     underscores, and fields are read only in the `**` form",
                                    plain.written
                                )
                            } else {
                                format!(
                                    "action item `{title}` is missing `{req}`: `{}` is not bold, \
                                     so it is not read as the field",
                                    plain.written
                                )
                            },
                        )
                        .with_hint(format!("write `**{req}:** {}`", plain.value)),
                    );
                    plain_lines.push(plain.line);
                    continue;
                }
                ds.push(
                    Diagnostic::error(
                        path,
                        a.line,
                        1,
                        format!("action item `{title}` is missing `{req}`"),
                    )
                    .with_hint(format!(
                        "add a line `**{req}:** ...`; every action item has {}",
                        REQUIRED_FIELDS.join(", ")
                    )),
                );
            }
            Some(f) if f.value.trim().is_empty() => {
                ok = false;
                ds.push(
                    Diagnostic::error(
                        path,
                        f.line,
                        f.name_col,
                        format!("action item `{title}` has an empty `{req}`"),
                    )
                    .with_hint(format!("write the value after `**{req}:**`")),
                );
            }
            _ => {}
        }
    }
    for &line in a.stray.iter().filter(|l| !plain_lines.contains(l)) {
        // A table's header and delimiter rows, when its rows give fields.
        let table = !plain_lines.is_empty()
            && r.body
                .get(r.lines.line_start(line + 1 - r.body_line)..)
                .is_some_and(|t| t.trim_start().starts_with('|'));
        ds.push(
            Diagnostic::warning(
                path,
                line,
                1,
                format!("text in action item `{title}` belongs to no field and is not shown"),
            )
            .with_hint(if table {
                "a table is not read as fields: write each field on its own line, `**Owner:** …`"
            } else {
                "put it under a field such as `**Description:**`, or after the last action item"
            }),
        );
    }
    let value = |k: &str| {
        fields
            .get(k)
            .map(|f| f.value.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let bad = |f: &ActionField, msg: String, hint: &str| {
        Diagnostic::error(path, f.line, f.col, msg).with_hint(hint.to_string())
    };
    let due = fields
        .get("Due")
        .filter(|f| !f.value.is_empty())
        .and_then(|f| match parse_date(&f.value, date) {
            Ok(d) => Some(d),
            Err(hint) => {
                ds.push(bad(
                    f,
                    format!("`Due` is not a date in YYYY-MM-DD form: `{}`", f.value),
                    &hint,
                ));
                None
            }
        });
    let priority = fields
        .get("Priority")
        .filter(|f| !f.value.is_empty())
        .and_then(|f| {
            Priority::parse(&f.value).or_else(|| {
                ds.push(bad(
                    f,
                    format!("`Priority` must be P1, P2 or P3, not `{}`", f.value),
                    &priority_hint(&f.value),
                ));
                None
            })
        });
    let kind = fields
        .get("Type")
        .filter(|f| !f.value.is_empty())
        .and_then(|f| {
            ActionType::parse(&f.value).or_else(|| {
                ds.push(bad(
                    f,
                    format!(
                        "`Type` must be Prevent, Detect or Mitigate, not `{}`",
                        f.value
                    ),
                    &type_hint(&f.value),
                ));
                None
            })
        });
    let status = match fields.get("Status") {
        None => Some(ActionStatus::Open),
        Some(f) if f.value.is_empty() => {
            ds.push(
                Diagnostic::error(
                    path,
                    f.line,
                    f.name_col,
                    format!("action item `{title}` has an empty `Status`"),
                )
                .with_hint(
                    "write Open, In Progress, Done or Won't Do, or leave the line out for Open",
                ),
            );
            None
        }
        Some(f) => ActionStatus::parse(&f.value).or_else(|| {
            ds.push(bad(
                f,
                format!(
                    "`Status` must be Open, In Progress, Done or Won't Do, not `{}`",
                    f.value
                ),
                status_hint(&f.value),
            ));
            None
        }),
    };
    if status == Some(ActionStatus::WontDo) && value("Reason").is_none() {
        let f = fields["Status"];
        ds.push(bad(
            f,
            format!("action item `{title}` is Won't Do without a `Reason`"),
            "record why the team decided not to act: `**Reason:** ...`",
        ));
        ok = false;
    }
    let completed = fields
        .get("Completed")
        .filter(|f| !f.value.is_empty())
        .and_then(|f| match parse_date(&f.value, date) {
            Ok(d) => Some(d),
            Err(hint) => {
                ds.push(bad(
                    f,
                    format!(
                        "`Completed` is not a date in YYYY-MM-DD form: `{}`",
                        f.value
                    ),
                    &hint,
                ));
                ok = false;
                None
            }
        });
    if let (Some(done), Some(f)) = (completed, fields.get("Completed")) {
        // A finish before the incident is a slip of the year or month, as for the review's
        // dates; a finish on work still open contradicts the status, and one of the two is
        // stale (the dashboard goes by the status).
        if let Some(incident) = date
            && done < incident
        {
            ds.push(bad(
                f,
                format!(
                    "`Completed` {} is before the incident's `date` {}",
                    crate::text::ymd(done),
                    crate::text::ymd(incident)
                ),
                "the work was finished after the incident: check the year and the month",
            ));
        }
        if let Some(s @ (ActionStatus::Open | ActionStatus::InProgress)) = status {
            ds.push(
                Diagnostic::warning(
                    path,
                    f.line,
                    f.col,
                    format!(
                        "action item `{title}` has a `Completed` date but is still {}",
                        s.as_str()
                    ),
                )
                .with_hint(
                    "set `**Status:** Done` if the work is finished (the dashboard goes by the \
                     status), or remove `Completed`",
                ),
            );
        }
    }
    let ticket = value("Ticket").map(|t| ticket_url(&t));
    if let (Some(t), Some(f)) = (&ticket, fields.get("Ticket"))
        && !(t.starts_with("https://") || t.starts_with("http://"))
    {
        ds.push(bad(
            f,
            format!("`Ticket` must be an http(s) URL, not `{t}`"),
            "link the tracker issue: https://tracker.example/OPS-123",
        ));
        ok = false;
    }
    let tracks = match fields.get("Tracks against incident") {
        Some(f) if !f.value.trim().is_empty() => {
            let v = f.value.trim();
            if !config.id_pattern.is_match(v) {
                // `inc-2024-042`: the id as id_pattern takes it.
                let upper = v.to_uppercase();
                let hint = if config.id_pattern.is_match(&upper) {
                    format!("write the id as id_pattern takes it: `{upper}`")
                } else {
                    "name the incident id, e.g. INC-2024-042".to_string()
                };
                ds.push(bad(
                    f,
                    format!("`Tracks against incident` is not an incident id: `{v}`"),
                    &hint,
                ));
                ok = false;
            }
            Some(v.to_string())
        }
        _ => own_id.map(str::to_string),
    };
    if !ok {
        return None;
    }
    Some(Action {
        title: a.title.clone(),
        owner: value("Owner")?,
        due: due?,
        priority: priority?,
        kind: kind?,
        status: status?,
        description: value("Description")?,
        definition_of_done: value("Definition of Done")?,
        reason: value("Reason"),
        completed,
        ticket,
        tracks: tracks?,
        line: a.line,
    })
}

/// The hint for a `Priority` that is not P1-P3: the level a common other word means (`High`,
/// `urgent`, `1`), then what the levels mean.
fn priority_hint(value: &str) -> String {
    const LEVELS: &str = "P1 is the most urgent, P3 the least";
    let word = value.trim().trim_end_matches('.').to_ascii_lowercase();
    let level = match word.as_str() {
        "p0" | "0" | "1" | "critical" | "urgent" | "highest" | "high" | "sev1" | "blocker" => "P1",
        "2" | "medium" | "normal" | "moderate" | "sev2" => "P2",
        "3" | "4" | "p4" | "low" | "lowest" | "minor" | "sev3" => "P3",
        _ => return LEVELS.to_string(),
    };
    format!("write `{level}`: {LEVELS}")
}

/// The hint for a `Type` that is not one of the three: the type a form of its word names
/// (`Prevention`, `Detection`, `Mitigation`, `Preventive`), then what the types mean.
fn type_hint(value: &str) -> String {
    const TYPES: &str =
        "Prevent stops a recurrence, Detect finds it sooner, Mitigate limits the harm";
    let word = value.trim().to_ascii_lowercase();
    let kind = ["prevent", "detect", "mitigat"]
        .into_iter()
        .zip(["Prevent", "Detect", "Mitigate"])
        .find(|(stem, _)| word.starts_with(stem))
        .map(|(_, kind)| kind);
    match kind {
        Some(kind) => format!("write `{kind}`: {TYPES}"),
        None => TYPES.to_string(),
    }
}

/// Every field name of the action-item format, required ones first.
fn field_names() -> impl Iterator<Item = &'static str> {
    REQUIRED_FIELDS.iter().chain(OPTIONAL_FIELDS).copied()
}

const FIELD_COUNT: usize = REQUIRED_FIELDS.len() + OPTIONAL_FIELDS.len();

/// The fields of one action item by the format's name for them, each at most once: a slot
/// per name, in the order of [`field_names`]. Looking a handful of constant names up here
/// costs less than building a map for every action item.
#[derive(Default)]
struct KnownFields<'a>([Option<&'a ActionField>; FIELD_COUNT]);

impl<'a> KnownFields<'a> {
    /// The slot of `name`, one of [`field_names`].
    fn slot(name: &str) -> usize {
        field_names()
            .position(|k| k == name)
            .expect("a field name of the format")
    }

    fn get(&self, name: &str) -> Option<&&'a ActionField> {
        self.0[Self::slot(name)].as_ref()
    }

    fn insert(&mut self, name: &str, field: &'a ActionField) {
        self.0[Self::slot(name)] = Some(field);
    }
}

impl<'a> std::ops::Index<&str> for KnownFields<'a> {
    type Output = &'a ActionField;

    fn index(&self, name: &str) -> &Self::Output {
        self.get(name).expect("a field the action item gives")
    }
}

/// The URL of a Ticket value: as written, or inside `<…>`, or the target of `[text](url)`.
fn ticket_url(v: &str) -> String {
    let v = v.trim();
    if let Some(inner) = v.strip_prefix('<').and_then(|r| r.strip_suffix('>')) {
        return inner.trim().to_string();
    }
    if v.starts_with('[')
        && let Some(p) = v.find("](")
        && let Some(url) = v[p + 2..].strip_suffix(')')
    {
        return url.trim().to_string();
    }
    v.to_string()
}

/// A warning when the file name of report `r` is itself an id (it matches
/// `id_pattern`) and not the report's `id`: readers and `pirsite new` take an id-shaped file
/// name for the report's id (a copy of a report whose id was not changed, a report renamed
/// without its id). Ids that differ only in case are the same page, and not flagged.
fn file_name_names_another_id(r: &Report, config: &Config) -> Option<Diagnostic> {
    let (path, id) = (r.path.as_str(), r.front.id.as_ref()?);
    if !config.id_pattern.is_match(&id.value) || id_page_problem(&id.value).is_some() {
        return None;
    }
    let named = crate::load::id_from_name(Path::new(path), &config.id_pattern)?;
    if named.eq_ignore_ascii_case(&id.value) {
        return None;
    }
    let file = Path::new(path).file_name()?.to_string_lossy();
    Some(
        Diagnostic::warning(
            path,
            id.line,
            id.col,
            format!(
                "id `{}` is not the id the file name `{file}` gives (`{named}`)",
                id.value
            ),
        )
        .with_hint(format!(
            "rename the file to `{}.md`, or set `id: {named}` if the file name is right; \
             readers and `pirsite new` take the file name for the id",
            id.value
        )),
    )
}

/// Why `id` cannot be the name of an incident's page folder (`incidents/<id in lowercase>/`),
/// if it cannot: only letters, digits, `-`, `_` and `.` keep the folder inside the output and
/// the relative links to it plain paths (a `:` would make a link read as a URL scheme, a `/`
/// or `..` would leave the folder). An unanchored `id_pattern` lets such ids through.
pub fn id_page_problem(id: &str) -> Option<&'static str> {
    if id.starts_with('.') {
        return Some("it starts with `.`");
    }
    if id
        .chars()
        .any(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Some("it holds characters other than letters, digits, `-`, `_` and `.`");
    }
    None
}

/// Cross-report checks: duplicate ids (both files named) and references to ids no report has.
pub fn archive(reports: &[Arc<Report>], config: &Config) -> Vec<Diagnostic> {
    archive_with(reports, &[], config)
}

/// [`archive`], also counting as existing the ids of reports that could not be read (their
/// own error is reported; references to them should not add one per referring report).
pub fn archive_with(
    reports: &[Arc<Report>],
    unreadable_ids: &[String],
    config: &Config,
) -> Vec<Diagnostic> {
    archive_memo(reports, unreadable_ids, config, &mut ArchiveMemo::default())
}

/// What the cross-report checks found, kept so the next check of the same site redoes only
/// what changed: the archive-wide findings (duplicate ids, tag and service spellings) while
/// no report's id, tags or services change, and each report's reference findings while the
/// report is the same.
#[derive(Default)]
pub struct ArchiveMemo {
    /// The reports and unreadable ids the archive-wide findings were computed from.
    of: Option<(Vec<Arc<Report>>, Vec<String>)>,
    global: Vec<Diagnostic>,
    known: HashSet<String>,
    references: HashMap<String, (Arc<Report>, Vec<Diagnostic>)>,
}

/// True when two lists of reports give the same archive-wide findings and known ids: the
/// same reports, or reports with the same path, id, tags and services (positions included),
/// one for one.
fn same_ids(a: &[Arc<Report>], b: &[Arc<Report>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            Arc::ptr_eq(x, y)
                || (x.path == y.path
                    && x.front.id == y.front.id
                    && x.front.tags == y.front.tags
                    && x.front.services == y.front.services)
        })
}

/// [`archive_with`], reusing what `memo` kept from the previous check of the same site (with
/// the same configuration).
pub fn archive_memo(
    reports: &[Arc<Report>],
    unreadable_ids: &[String],
    config: &Config,
    memo: &mut ArchiveMemo,
) -> Vec<Diagnostic> {
    let same = memo
        .of
        .as_ref()
        .is_some_and(|(r, u)| u.as_slice() == unreadable_ids && same_ids(r, reports));
    if !same {
        let (owners, mut global) = owners(reports, config);
        slug_collisions(reports, "tag", |r| &r.front.tags, &mut global);
        slug_collisions(reports, "service", |r| &r.front.services, &mut global);
        memo.known = owners
            .keys()
            .map(|id| id.to_string())
            .chain(unreadable_ids.iter().cloned())
            .collect();
        memo.global = global;
        memo.references.clear();
    }
    memo.of = Some((reports.to_vec(), unreadable_ids.to_vec()));
    let known = &memo.known;
    let mut ds = memo.global.clone();
    // The findings of each report that is not the one they were kept for, in parallel.
    let kept = &memo.references;
    let fresh: Vec<Option<Vec<Diagnostic>>> = reports
        .par_iter()
        .map(|r| match kept.get(&r.path) {
            Some((seen, _)) if Arc::ptr_eq(seen, r) => None,
            _ => Some(references(r, config, |id| !known.contains(id))),
        })
        .collect();
    for (r, fresh) in reports.iter().zip(fresh) {
        match fresh {
            None => ds.extend(memo.references[&r.path].1.iter().cloned()),
            Some(found) => {
                ds.extend(found.iter().cloned());
                memo.references
                    .insert(r.path.clone(), (Arc::clone(r), found));
            }
        }
    }
    if memo.references.len() > reports.len() {
        let present: HashSet<&str> = reports.iter().map(|r| r.path.as_str()).collect();
        memo.references
            .retain(|path, _| present.contains(path.as_str()));
    }
    ds
}

/// The first report of each (valid) id, and an error at both ends of every duplicate. Ids that
/// differ only in case (possible with a case-insensitive `id_pattern`) are duplicates too: an
/// incident's page is named by its id in lowercase, so they would share one page.
fn owners<'r>(
    reports: &'r [Arc<Report>],
    config: &Config,
) -> (HashMap<&'r str, &'r Report>, Vec<Diagnostic>) {
    let mut ds = Vec::new();
    let mut owners: HashMap<&str, &Report> = HashMap::new();
    // The first report of each page name, for ids whose lowercase differs from them.
    let mut pages: HashMap<String, &Report> = HashMap::new();
    for r in reports {
        let Some(id) = r
            .front
            .id
            .as_ref()
            .filter(|id| config.id_pattern.is_match(&id.value))
        else {
            continue;
        };
        let lower = id.value.to_lowercase();
        let same_page = match pages.get(&lower) {
            Some(first) if !owners.contains_key(id.value.as_str()) => Some(*first),
            _ => None,
        };
        if let Some(first) = same_page {
            let (first_id, fl, fc) = first
                .front
                .id
                .as_ref()
                .map(|s| (s.value.as_str(), s.line, s.col))
                .unwrap_or(("", 1, 1));
            let hint = format!("both would be written to incidents/{lower}/; give one another id");
            ds.push(
                Diagnostic::error(
                    &r.path,
                    id.line,
                    id.col,
                    format!(
                        "id `{}` differs only in case from `{first_id}` of {}:{fl}",
                        id.value, first.path
                    ),
                )
                .with_hint(hint.clone()),
            );
            ds.push(
                Diagnostic::error(
                    &first.path,
                    fl,
                    fc,
                    format!(
                        "id `{first_id}` differs only in case from `{}` of {}:{}",
                        id.value, r.path, id.line
                    ),
                )
                .with_hint(hint),
            );
        }
        pages.entry(lower).or_insert(r);
        match owners.get(id.value.as_str()) {
            None => {
                owners.insert(&id.value, r);
            }
            Some(first) => {
                let (fl, fc) = first
                    .front
                    .id
                    .as_ref()
                    .map(|s| (s.line, s.col))
                    .unwrap_or((1, 1));
                // A report copied from another often keeps its id while its file has the
                // new one: the file name's id is the likely fix.
                let named = |d: Diagnostic, r: &Report| match crate::load::id_from_name(
                    std::path::Path::new(&r.path),
                    &config.id_pattern,
                )
                .filter(|named| *named != id.value)
                {
                    Some(named) => d.with_hint(format!(
                        "the file is named after `{named}`: give it `id: {named}`, if that is \
                             its id"
                    )),
                    None => d,
                };
                ds.push(named(
                    Diagnostic::error(
                        &r.path,
                        id.line,
                        id.col,
                        format!(
                            "duplicate id `{}`: also used by {}:{}",
                            id.value, first.path, fl
                        ),
                    ),
                    r,
                ));
                ds.push(named(
                    Diagnostic::error(
                        &first.path,
                        fl,
                        fc,
                        format!(
                            "duplicate id `{}`: also used by {}:{}",
                            id.value, r.path, id.line
                        ),
                    ),
                    first,
                ));
            }
        }
    }
    // A file named after another id; a duplicate id has that id as its hint already.
    let duplicated: HashSet<&str> = ds.iter().map(|d| d.path.as_str()).collect();
    let misnamed: Vec<Diagnostic> = reports
        .iter()
        .filter(|r| !duplicated.contains(r.path.as_str()))
        .filter_map(|r| file_name_names_another_id(r, config))
        .collect();
    ds.extend(misnamed);
    (owners, ds)
}

/// References of one report to ids no report has (`unknown`).
fn references(r: &Report, config: &Config, unknown: impl Fn(&str) -> bool) -> Vec<Diagnostic> {
    let mut ds = Vec::new();
    // An id in "Tracks against incident" is reported by its own rule below, not twice.
    let tracks_lines: Vec<usize> = r
        .actions
        .iter()
        .flat_map(|a| &a.fields)
        .filter(|f| f.name.eq_ignore_ascii_case("Tracks against incident"))
        .map(|f| f.line)
        .collect();
    for m in &r.mentions {
        if unknown(&m.id) && !tracks_lines.contains(&m.line) {
            ds.push(
                Diagnostic::error(
                    &r.path,
                    m.line,
                    m.col,
                    format!("{} is not the id of any report", m.id),
                )
                .with_hint("check the id, or add the report it refers to"),
            );
        }
    }
    for rel in &r.front.related {
        let v = rel.value.trim();
        if config.id_pattern.is_match(v) && unknown(v) {
            ds.push(Diagnostic::error(
                &r.path,
                rel.line,
                rel.col,
                format!("`related` names {v}, which is not the id of any report"),
            ));
        }
    }
    for a in &r.actions {
        for f in a
            .fields
            .iter()
            .filter(|f| f.name.eq_ignore_ascii_case("Tracks against incident"))
        {
            let v = f.value.trim();
            if config.id_pattern.is_match(v) && unknown(v) {
                ds.push(Diagnostic::error(
                    &r.path,
                    f.line,
                    f.col,
                    format!(
                        "`Tracks against incident` names {v}, which is not the id of any report"
                    ),
                ));
            }
        }
    }
    ds
}

/// Two spellings of one tag (or service) would share a page: the second spelling met (in file
/// order) is an error naming the first and where it is written.
fn slug_collisions(
    reports: &[Arc<Report>],
    what: &str,
    names: impl Fn(&Report) -> &Vec<Spanned<String>>,
    ds: &mut Vec<Diagnostic>,
) {
    let mut first: HashMap<String, (&str, &str, usize)> = HashMap::new();
    // The same few names recur in thousands of reports: slug each once.
    let mut slugs: HashMap<&str, String> = HashMap::new();
    for r in reports {
        for item in names(r) {
            let name = item.value.trim();
            let slug = slugs
                .entry(name)
                .or_insert_with(|| crate::text::slugify(name));
            if slug.is_empty() {
                continue;
            }
            match first.get(slug.as_str()) {
                None => {
                    first.insert(slug.clone(), (name, &r.path, item.line));
                }
                Some(&(spelled, path, line)) if spelled != name => {
                    ds.push(
                        Diagnostic::error(
                            &r.path,
                            item.line,
                            item.col,
                            format!(
                                "{what} `{name}` and {what} `{spelled}` ({path}:{line}) have the same page `{slug}`"
                            ),
                        )
                        .with_hint(format!("write `{spelled}` everywhere, or pick a distinct name")),
                    );
                }
                Some(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_and_mitigation_words_of_a_timeline_entry() {
        for yes in [
            "Alert fired: checkout 5xx rate above 2%",
            "PagerDuty alerted the on-call engineer",
            "On-call paged",
            "Page sent to the database team",
            "On-call acknowledged the page",
            "Second page to the DBA",
            "Customer reports of failed payments",
            "Anomaly detection flagged the queue depth",
        ] {
            assert!(says(yes, DETECTION), "{yes}");
        }
        for no in [
            "Status page updated",
            "Posted to the status page",
            "Checkout page load times rise",
            "Page views drop by half",
            "The login page returns 500s",
            "The bad config went undetected",
            "No alert fired for the queue depth",
            "Deploy of v2.4.1 begins",
        ] {
            assert!(!says(no, DETECTION), "{no}");
        }
        assert!(says(
            "Rollback completed, error rate back to normal",
            MITIGATION
        ));
        assert!(says("Service restored", MITIGATION));
        assert!(!says(
            "Service not restored after the first restart",
            MITIGATION
        ));
    }

    #[test]
    fn tag_spellings_with_one_slug_collide() {
        let config = Config::default();
        let parse = |path: &str, tags: &str| {
            let text = format!(
                "---\nid: INC-2024-00{}\ntitle: T\nseverity: SEV4\ndate: 2024-01-01\ntags: {tags}\n---\n## Summary\nx\n",
                path.len()
            );
            Arc::new(
                crate::load::parse_report(text.as_bytes(), path, "", &config.id_finder).unwrap(),
            )
        };
        let reports = vec![
            parse("a.md", "[Canary Analysis, db]"),
            parse("bb.md", "[db, canary-analysis]"),
        ];
        let ds = archive(&reports, &config);
        assert_eq!(ds.len(), 1, "{ds:?}");
        let d = &ds[0];
        assert_eq!((d.path.as_str(), d.line, d.col), ("bb.md", 6, 12));
        assert_eq!(
            d.message,
            "tag `canary-analysis` and tag `Canary Analysis` (a.md:6) have the same page `canary-analysis`"
        );
    }

    #[test]
    fn iso_dates_read_as_chrono_reads_them() {
        for y in ["0000", "0001", "1999", "2024", "2100", "9999"] {
            for m in 0..=13 {
                for d in 0..=32 {
                    let s = format!("{y}-{m:02}-{d:02}");
                    let want = NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok();
                    assert_eq!(parse_date(&s, None).ok(), want, "{s}");
                }
            }
        }
    }

    #[test]
    fn date_hints_show_the_iso_form() {
        let near = NaiveDate::from_ymd_opt(2024, 3, 15);
        assert_eq!(
            parse_date("March 30", near).unwrap_err(),
            "write `2024-03-30`"
        );
        assert_eq!(
            parse_date("January 5", near).unwrap_err(),
            "write `2025-01-05`"
        );
        assert_eq!(
            parse_date("March 30, 2024", None).unwrap_err(),
            "write `2024-03-30`"
        );
        assert_eq!(
            parse_date("2024-02-30", None).unwrap_err(),
            "`2024-02-30` does not exist in the calendar"
        );
        assert_eq!(
            parse_date("2024-02-29", None).unwrap(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        assert!(parse_date("soon", None).unwrap_err().contains("YYYY-MM-DD"));
        assert_eq!(
            parse_date("March 30th", near).unwrap_err(),
            "write `2024-03-30`"
        );
        assert_eq!(
            parse_date("30/03/2024", None).unwrap_err(),
            "write `2024-03-30`"
        );
        assert_eq!(
            parse_date("1st Apr 2024", None).unwrap_err(),
            "write `2024-04-01`"
        );
        assert_eq!(
            parse_date("03/12/2026", None).unwrap_err(),
            "`03/12/2026` reads as 2026-03-12 month first and as 2026-12-03 day first: write \
             the one meant"
        );
        assert_eq!(
            parse_date("03/03/2026", None).unwrap_err(),
            "write `2026-03-03`"
        );
        let timed = "write `2024-05-20`: a date holds no time of day (an incident's times go \
                     in `started`, `detected`, `mitigated` and `resolved`)";
        assert_eq!(parse_date("2024-05-20T10:00:00Z", None).unwrap_err(), timed);
        assert_eq!(parse_date("2024-05-20 10:00", None).unwrap_err(), timed);
        assert_eq!(
            parse_date("2024-04-30 (end of sprint)", None).unwrap_err(),
            "write `2024-04-30` alone, with any note in the text"
        );
    }

    #[test]
    fn clock_times_are_strict() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(parse_clock("14:23"), t(14, 23));
        assert_eq!(parse_clock("9:05"), t(9, 5));
        assert_eq!(parse_clock("14:23:59"), t(14, 23));
        for bad in [
            "14:23xyz", "+1:30", "14:2", "24:00", "14:60", "14:23:99", "1:2:3:4", "",
        ] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
    }

    #[test]
    fn ticket_urls_may_be_wrapped() {
        assert_eq!(ticket_url("<https://t.example/1>"), "https://t.example/1");
        assert_eq!(
            ticket_url("[OPS-1](https://t.example/1)"),
            "https://t.example/1"
        );
        assert_eq!(ticket_url("OPS-1"), "OPS-1");
    }
}
