//! `pirsite new`: a new report with the next free id of the year, every section its severity
//! requires, and one action-item template.

use crate::site::Site;
use chrono::{Datelike, NaiveDate};
use std::fmt::Write as _;
use std::path::PathBuf;

/// The next free id of `year`, for sites using the default `PREFIX-YYYY-NNN` id form.
pub fn next_id(site: &Site, year: i32) -> Result<String, String> {
    let probe = format!("INC-{year}-001");
    if !site.config.id_pattern.is_match(&probe) {
        return Err(format!(
            "cannot choose an id: the site's id_pattern `{}` is not of the form INC-YYYY-NNN",
            site.config.id_pattern.as_str()
        ));
    }
    let prefix = format!("INC-{year}-");
    let mut max = 0u64;
    for (abs, _) in crate::load::walk(&site.root, &site.content_dir()).reports {
        let Ok(text) = std::fs::read_to_string(&abs) else {
            continue;
        };
        for m in site.config.id_finder.find_iter(&text) {
            if let Some(n) = m
                .as_str()
                .strip_prefix(&prefix)
                .and_then(|n| n.parse::<u64>().ok())
            {
                max = max.max(n);
            }
        }
    }
    Ok(format!("{prefix}{:03}", max + 1))
}

/// Writes the new report and returns its path.
pub fn create(
    site: &Site,
    severity: &str,
    title: &str,
    date: NaiveDate,
) -> Result<PathBuf, String> {
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
    if title.trim().is_empty() {
        return Err("the title is empty".into());
    }
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
    let text = template(&id, title, &level, date, &policy.required_sections);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

fn yaml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The text of a new report.
pub fn template(
    id: &str,
    title: &str,
    severity: &str,
    date: NaiveDate,
    sections: &[String],
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "---\nid: {id}\ntitle: {}\nseverity: {severity}\ndate: {}\nstatus: draft",
        yaml_string(title.trim()),
        date.format("%Y-%m-%d")
    );
    s.push_str("impact: \"\"\non_call: \"\"\nservices: []\ntags: []\nrelated: []\n---\n");
    let mut wanted: Vec<&str> = sections.iter().map(String::as_str).collect();
    if !wanted
        .iter()
        .any(|w| w.eq_ignore_ascii_case("Action Items"))
    {
        wanted.push("Action Items");
    }
    for section in wanted {
        let _ = writeln!(s, "\n## {section}\n");
        match section.to_ascii_lowercase().as_str() {
            "summary" => {
                s.push_str("What happened, to whom, for how long, and how it was resolved.\n")
            }
            "timeline" => s.push_str("- 00:00 First sign of the problem\n"),
            "contributing factors" => {
                s.push_str("1. A condition that made the failure possible\n2. Another condition\n")
            }
            "what went well" => s.push_str("- Something that kept the impact small\n"),
            "action items" => {
                let due = date + chrono::Days::new(30);
                let _ = write!(
                    s,
                    "### Action Item: Name the change, its scope and its threshold\n\
                     **Owner:** TBD\n**Due:** {}\n**Priority:** P2\n**Type:** Prevent\n**Status:** Open\n\
                     **Description:**\nWhat specifically needs to change, and why.\n\
                     **Definition of Done:**\nAn observable outcome that shows the change works.\n",
                    due.format("%Y-%m-%d")
                );
            }
            _ => {}
        }
    }
    s
}
