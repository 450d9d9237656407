//! `pirsite new`: a new report with the next free id of the year, every section its severity
//! requires, one action-item template, the questions reviewers should ask as guidance
//! comments (`<!-- ... -->`, never shown on the built page), and the incidents that share the
//! given services or tags as hints for `related:`.

use crate::site::Site;
use crate::text::slugify;
use chrono::{Datelike, NaiveDate};
use std::fmt::Write as _;
use std::path::PathBuf;

/// What `pirsite new` is asked to write.
#[derive(Debug, Clone, Default)]
pub struct NewReport {
    /// Severity level (a key of `[severity.*]`, any case).
    pub severity: String,
    /// Title of the incident.
    pub title: String,
    /// Day the incident began.
    pub date: NaiveDate,
    /// Day the report is written ("today"): the example action item is due 30 days after the
    /// later of this and `date`, so a report written long after its incident does not start
    /// with an item already overdue.
    pub today: NaiveDate,
    /// Services affected (`--service`, repeatable).
    pub services: Vec<String>,
    /// Recurring-pattern tags (`--tag`, repeatable).
    pub tags: Vec<String>,
}

/// An earlier incident that shares services or tags with the new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedHint {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its date as written.
    pub date: String,
    /// The services and tags it shares with the new report.
    pub shared: Vec<String>,
}

/// The form of the ids `new` writes: `{prefix}{year}-{number}`, the number padded to `width`
/// digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdForm {
    /// What comes before the year (`INC-`).
    pub prefix: String,
    /// Digits of the number, zero-padded (3 for `INC-2026-001`).
    pub width: usize,
}

/// The `PREFIX-YYYY-N` form `id_pattern` accepts for `year`: the prefix is the pattern's
/// literal start (`^PIR-…` gives `PIR-`; of a group of alternatives, `^(INC|OPS)-…`, the first
/// that the pattern takes, `INC-`), the width the first of 3 to 9, then 1 and 2 digits whose
/// first id the pattern matches (`INC-2026-001` for the default and for `\d+`,
/// `INC-2026-0001` for `[0-9]{4}`). `None` when the pattern takes no id of that form.
pub fn id_form(id_pattern: &regex::Regex, year: i32) -> Option<IdForm> {
    prefixes(id_pattern).into_iter().find_map(|prefix| {
        [3, 4, 5, 6, 7, 8, 9, 1, 2]
            .into_iter()
            .find(|&width| id_pattern.is_match(&format!("{prefix}{year}-{:0width$}", 1)))
            .map(|width| IdForm { prefix, width })
    })
}

/// The prefixes written out at the start of `id_pattern` ([`id_form`]), the literal start's
/// first, cut before a digit.
fn prefixes(id_pattern: &regex::Regex) -> Vec<String> {
    let source = id_pattern.as_str();
    let source = source.strip_prefix('^').unwrap_or(source);
    let literal = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/'))
            .collect()
    };
    // `(INC|OPS)-…` or `(?:INC|OPS)-…`: each alternative written out, then what follows.
    let alternatives = source
        .strip_prefix("(?:")
        .or_else(|| source.strip_prefix('('))
        .and_then(|group| group.split_once(')'))
        .filter(|(alts, _)| !alts.contains('('))
        .map(|(alts, rest)| {
            let after = literal(rest);
            alts.split('|')
                .filter(|alt| literal(alt) == *alt)
                .map(|alt| format!("{alt}{after}"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let candidates = std::iter::once(literal(source)).chain(alternatives);
    candidates
        // The literal start may run into the year (`^INC-2026-…`): keep the part before it.
        .map(|literal| match literal.find(|c: char| c.is_ascii_digit()) {
            Some(p) => literal[..p].to_string(),
            None => literal,
        })
        .collect()
}

/// The next free id of `year`: one more than the highest of that year written anywhere in the
/// site's reports or given by a report's file name, in the form [`id_form`] finds. A report
/// that cannot be read, or has no `id:` line, counts as having the id its file name gives
/// (docs/format.md, Cross-references), so an empty `INC-2026-016.md` takes 016 as any report
/// would; a file name's id is never handed out again, whatever the file holds.
pub fn next_id(site: &Site, year: i32) -> Result<String, String> {
    let Some(form) = id_form(&site.config.id_pattern, year) else {
        if let Some(prefix) = prefixes(&site.config.id_pattern)
            .into_iter()
            .find(|p| !p.is_empty())
        {
            return Err(format!(
                "cannot choose an id: pirsite new writes ids of the form {prefix}{year}-NNN (a year, a dash and a number of 1 to 9 digits after the prefix), and id_pattern `{}` takes none of them\n    \
                 hint: write id_pattern for ids of that form (`^{prefix}[0-9]{{4}}-[0-9]{{3,}}$`), or copy a report and give it an id of your own",
                site.config.id_pattern.as_str()
            ));
        }
        return Err(format!(
            "cannot choose an id: pirsite new writes ids of the form PREFIX-{year}-NNN, with the \
             prefix written out at the start of id_pattern, and `{}` starts with none that it \
             takes\n    hint: start id_pattern with the prefix (`^INC-[0-9]{{4}}-[0-9]{{3,}}$`, \
             `^(INC|OPS)-…`), or copy a report and give it an id of your own",
            site.config.id_pattern.as_str()
        ));
    };
    let prefix = format!("{}{year}-", form.prefix);
    let number = |id: &str| id.strip_prefix(&prefix).and_then(|n| n.parse::<u64>().ok());
    let mut max = 0u64;
    let files = crate::load::walk(&site.root, &site.content_dir());
    for abs in files
        .unreadable
        .iter()
        .chain(files.reports.iter().map(|(a, _)| a))
    {
        if let Some(n) = crate::load::id_from_name(abs, &site.config.id_pattern)
            .as_deref()
            .and_then(number)
        {
            max = max.max(n);
        }
        let Ok(text) = std::fs::read_to_string(abs) else {
            continue;
        };
        for m in site.config.id_finder.find_iter(&text) {
            if let Some(n) = number(m.as_str()) {
                max = max.max(n);
            }
        }
    }
    Ok(format!("{prefix}{:0width$}", max + 1, width = form.width))
}

/// Reports of the site dated on or before `until` that share a service or a tag with
/// `services`/`tags` (compared by slug), most shared names first, then newest first; at most
/// `limit`. Reports whose front matter cannot be read are skipped.
pub fn related_hints(
    site: &Site,
    services: &[String],
    tags: &[String],
    until: NaiveDate,
    limit: usize,
) -> Vec<RelatedHint> {
    let until = until.format("%Y-%m-%d").to_string();
    let wanted: Vec<(String, &String)> = services
        .iter()
        .chain(tags)
        .map(|n| (slugify(n), n))
        .filter(|(s, _)| !s.is_empty())
        .collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let content = site.content_dir();
    let mut hints: Vec<RelatedHint> = Vec::new();
    for (abs, rel) in crate::load::walk(&site.root, &content).reports {
        let Ok(r) = crate::load::read_report(&abs, &rel, "", &site.config.id_finder) else {
            continue;
        };
        let fm = &r.front;
        let (Some(id), Some(title)) = (&fm.id, &fm.title) else {
            continue;
        };
        // "Has something similar happened before?": later incidents are not hints (ISO dates
        // compare as text).
        if fm
            .date
            .as_ref()
            .is_some_and(|d| d.value.trim() > until.as_str())
        {
            continue;
        }
        let theirs: Vec<String> = fm
            .services
            .iter()
            .chain(&fm.tags)
            .map(|s| slugify(&s.value))
            .collect();
        let mut shared: Vec<String> = Vec::new();
        for (slug, name) in &wanted {
            if theirs.contains(slug) && !shared.contains(name) {
                shared.push((*name).clone());
            }
        }
        if !shared.is_empty() {
            hints.push(RelatedHint {
                id: id.value.trim().to_string(),
                title: one_line(&title.value),
                date: fm
                    .date
                    .as_ref()
                    .map(|d| d.value.trim().to_string())
                    .unwrap_or_default(),
                shared,
            });
        }
    }
    hints.sort_by(|a, b| {
        b.shared
            .len()
            .cmp(&a.shared.len())
            .then_with(|| b.date.cmp(&a.date))
            .then_with(|| a.id.cmp(&b.id))
    });
    hints.truncate(limit);
    hints
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Writes the new report and returns its path.
pub fn create(site: &Site, new: &NewReport) -> Result<PathBuf, String> {
    let severity = new.severity.as_str();
    let level = site
        .config
        .severity
        .keys()
        .find(|k| k.eq_ignore_ascii_case(severity))
        .ok_or_else(|| {
            format!(
                "unknown severity `{severity}`; use one of {}",
                site.config.level_names()
            )
        })?
        .clone();
    if new.title.trim().is_empty() {
        return Err("the title is empty".into());
    }
    // Written as one YAML string, a line break would be folded into a space without a word.
    if new.title.trim().contains(['\n', '\r']) {
        return Err("the title holds a line break: a title is one line".into());
    }
    for name in new.services.iter().chain(&new.tags) {
        if name.trim().contains(['\n', '\r']) {
            return Err(format!(
                "`{}` holds a line break: a service or tag name is one line",
                name.escape_debug()
            ));
        }
        if slugify(name).is_empty() {
            return Err(format!(
                "`{name}` is not a usable service or tag name (it needs a letter or a digit)"
            ));
        }
    }
    let date = new.date;
    let id = next_id(site, date.year())?;
    let dir = site
        .content_dir()
        .join("incidents")
        .join(date.year().to_string());
    let path = dir.join(format!("{id}.md"));
    if path.exists() {
        return Err(format!("{} already exists", path.display()));
    }
    let policy = &site.config.severity[&level];
    let related = related_hints(site, &new.services, &new.tags, date, 8);
    let text = template(
        &id,
        &NewReport {
            severity: level.clone(),
            ..new.clone()
        },
        &policy.required_sections,
        &related,
    );
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

fn yaml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn yaml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| yaml_string(s.trim())).collect();
    format!("[{}]", quoted.join(", "))
}

/// Guidance for the reviewers, written as an HTML comment under each section heading: the
/// questions of the review guide where they help most.
fn guidance(section: &str) -> Option<&'static str> {
    Some(match section.to_ascii_lowercase().as_str() {
        "summary" => {
            "<!-- What happened, to whom, for how long, and how was it resolved?\n     \
             Has something similar happened before? If so, name its id here and in `related:`. -->"
        }
        "timeline" => {
            "<!-- Build the timeline before the meeting from logs, metrics and chat history.\n     \
             What information would have helped you act sooner?\n     \
             What did you consider but decide not to do, and why? -->"
        }
        "contributing factors" => {
            "<!-- Ask what conditions made this possible, not who caused it: name the process,\n     \
             tool or gap, never a person. Incidents have several contributing factors.\n     \
             What surprised you? What information would have helped you act sooner? -->"
        }
        "what went well" => {
            "<!-- What went well during the response? What kept the impact from being worse? -->"
        }
        "action items" => {
            "<!-- One systemic change per item: the mechanism, its scope, a threshold, and a\n     \
             Definition of Done anyone can observe. One named owner and a real due date.\n     \
             Bad: \"Improve monitoring\". Good: \"Add checkout error rate dashboard with\n     \
             1-minute granularity and SLO burn rate alerts\". -->"
        }
        _ => return None,
    })
}

/// The text of a new report. `related` are hints listed under `related:` as comments.
pub fn template(id: &str, new: &NewReport, sections: &[String], related: &[RelatedHint]) -> String {
    let mut s = String::new();
    let date = new.date;
    let _ = writeln!(
        s,
        "---\nid: {id}\ntitle: {}\nseverity: {}\ndate: {}\nstatus: draft",
        yaml_string(new.title.trim()),
        new.severity,
        date.format("%Y-%m-%d")
    );
    let _ = writeln!(
        s,
        "impact: \"\"\non_call: \"\"\nservices: {}\ntags: {}\nrelated: []",
        yaml_list(&new.services),
        yaml_list(&new.tags)
    );
    if !related.is_empty() {
        s.push_str(
            "# Earlier incidents that share a service or tag: has something similar happened\n\
             # before? Add the ids that really are related to `related` above.\n",
        );
        for r in related {
            let _ = writeln!(
                s,
                "#   {} {} ({}; shares {})",
                r.id,
                r.title,
                r.date,
                r.shared.join(", ")
            );
        }
    }
    s.push_str("---\n");
    let mut wanted: Vec<&str> = sections.iter().map(String::as_str).collect();
    if !wanted
        .iter()
        .any(|w| w.eq_ignore_ascii_case("Action Items"))
    {
        wanted.push("Action Items");
    }
    for section in wanted {
        let _ = writeln!(s, "\n## {section}");
        if let Some(g) = guidance(section) {
            let _ = writeln!(s, "{g}");
        }
        s.push('\n');
        match section.to_ascii_lowercase().as_str() {
            "summary" => {
                let _ = writeln!(s, "{SUMMARY_EXAMPLE}");
            }
            "timeline" => {
                let _ = writeln!(s, "{TIMELINE_EXAMPLE}");
            }
            "contributing factors" => {
                let _ = writeln!(s, "{FACTOR_EXAMPLES}");
            }
            "what went well" => {
                let _ = writeln!(s, "{WENT_WELL_EXAMPLE}");
            }
            "action items" => {
                let due = date.max(new.today) + chrono::Days::new(30);
                let _ = write!(
                    s,
                    "{ACTION_EXAMPLE}\n\
                     **Owner:** TBD\n**Due:** {}\n**Priority:** P2\n**Type:** Prevent\n**Status:** Open\n\
                     **Description:**\n{DESCRIPTION_EXAMPLE}\n\
                     **Definition of Done:**\n{DONE_EXAMPLE}\n",
                    due.format("%Y-%m-%d")
                );
            }
            _ => {}
        }
    }
    s
}

const SUMMARY_EXAMPLE: &str = "What happened, to whom, for how long, and how it was resolved.";
const TIMELINE_EXAMPLE: &str = "- 00:00 First sign of the problem";
const FACTOR_EXAMPLES: &str = "1. A condition that made the failure possible\n2. Another condition";
const WENT_WELL_EXAMPLE: &str = "- Something that kept the impact small";
const ACTION_EXAMPLE: &str = "### Action Item: Name the change, its scope and its threshold";
/// The title of the example action item `new` writes (its `### Action Item:` heading's text).
pub const EXAMPLE_ACTION_TITLE: &str = "Name the change, its scope and its threshold";
const DESCRIPTION_EXAMPLE: &str = "What specifically needs to change, and why.";
const DONE_EXAMPLE: &str = "An observable outcome that shows the change works.";

/// The example lines a new report holds for its author to replace: validation warns about
/// any of them still in a report that is no longer a draft.
pub fn example_lines() -> impl Iterator<Item = &'static str> {
    [
        SUMMARY_EXAMPLE,
        TIMELINE_EXAMPLE,
        FACTOR_EXAMPLES,
        WENT_WELL_EXAMPLE,
        ACTION_EXAMPLE,
        DESCRIPTION_EXAMPLE,
        DONE_EXAMPLE,
    ]
    .into_iter()
    .flat_map(str::lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_item_has_the_example_title() {
        assert_eq!(
            ACTION_EXAMPLE.strip_prefix("### Action Item: "),
            Some(EXAMPLE_ACTION_TITLE)
        );
    }

    fn report() -> NewReport {
        NewReport {
            severity: "SEV2".into(),
            title: "Checkout \"errors\"".into(),
            date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            today: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            services: vec!["checkout-api".into()],
            tags: vec!["deployment".into(), "canary analysis".into()],
        }
    }

    #[test]
    fn the_example_item_is_due_a_month_after_the_later_of_the_incident_and_today() {
        let due = |date: (i32, u32, u32), today: (i32, u32, u32)| {
            let new = NewReport {
                date: NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap(),
                today: NaiveDate::from_ymd_opt(today.0, today.1, today.2).unwrap(),
                ..report()
            };
            let t = template("INC-2026-001", &new, &["Action Items".into()], &[]);
            t.lines()
                .find_map(|l| l.strip_prefix("**Due:** "))
                .unwrap()
                .to_string()
        };
        assert_eq!(due((2026, 3, 1), (2026, 3, 2)), "2026-04-01");
        // A report written long after its incident starts with nothing overdue.
        assert_eq!(due((2025, 3, 1), (2026, 11, 29)), "2026-12-29");
    }

    #[test]
    fn template_asks_the_review_questions_in_comments() {
        let sections: Vec<String> = crate::config::default_severities()["SEV2"]
            .required_sections
            .clone();
        let t = template("INC-2026-001", &report(), &sections, &[]);
        for q in [
            "What information would have helped you act sooner?",
            "What did you consider but decide not to do",
            "Has something similar happened before?",
            "What surprised you?",
            "What went well during the response?",
        ] {
            assert!(t.contains(q), "{q}");
        }
        // Every question sits inside a comment.
        let outside: String = t
            .split("<!--")
            .map(|p| p.split_once("-->").map(|(_, rest)| rest).unwrap_or(p))
            .collect();
        assert!(!outside.contains("surprised"), "{outside}");
        assert!(t.contains("title: \"Checkout \\\"errors\\\"\""), "{t}");
        assert!(t.contains("services: [\"checkout-api\"]"), "{t}");
        assert!(
            t.contains("tags: [\"deployment\", \"canary analysis\"]"),
            "{t}"
        );
    }

    #[test]
    fn the_id_form_comes_from_the_pattern() {
        let form = |p: &str| id_form(&regex::Regex::new(p).unwrap(), 2026);
        let f = |prefix: &str, width| {
            Some(IdForm {
                prefix: prefix.into(),
                width,
            })
        };
        assert_eq!(form(r"^INC-\d{4}-\d{3,}$"), f("INC-", 3));
        assert_eq!(form(r"^INC-[0-9]{4}-[0-9]{4}$"), f("INC-", 4));
        assert_eq!(form(r"^PIR-[0-9]{4}-[0-9]{3,}$"), f("PIR-", 3));
        assert_eq!(form(r"^ops/INC-\d{4}-\d+$"), f("ops/INC-", 3));
        assert_eq!(form(r"^INC-\d{4}-\d{1,2}$"), f("INC-", 1));
        assert_eq!(form(r"^INC-2026-\d{3}$"), f("INC-", 3));
        assert_eq!(form(r"^[A-Z]+-\d+$"), None);
        // Of alternatives, the first the pattern takes.
        assert_eq!(form(r"^(INC|OPS)-[0-9]{4}-[0-9]{3,}$"), f("INC-", 3));
        assert_eq!(form(r"^(?:OPS|INC)-\d{4}-\d{3}$"), f("OPS-", 3));
        assert_eq!(form(r"^(INC|[A-Z]+)-\d{4}-\d{3}$"), f("INC-", 3));
        assert_eq!(form(r"^(?:INC-|PIR-)\d{4}-\d{3}$"), f("INC-", 3));
        assert_eq!(form(r"^([A-Z]+)-\d{4}-\d{3}$"), None);
    }

    #[test]
    fn related_hints_are_yaml_comments() {
        let hints = vec![RelatedHint {
            id: "INC-2024-042".into(),
            title: "Checkout Service Outage".into(),
            date: "2024-03-15".into(),
            shared: vec!["checkout-api".into(), "deployment".into()],
        }];
        let t = template("INC-2026-001", &report(), &["Summary".into()], &hints);
        assert!(
            t.contains(
                "#   INC-2024-042 Checkout Service Outage (2024-03-15; shares checkout-api, deployment)\n---\n"
            ),
            "{t}"
        );
    }
}
