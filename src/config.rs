//! Site configuration: `site.toml` with every key and default of the contract.
//!
//! This module owns reading the file, its defaults, the severity policy, and turning a typo or a
//! malformed value into a diagnostic with the line and the closest known key as a hint.

use crate::diagnostics::Diagnostic;
use crate::text::LineIndex;
use chrono_tz::Tz;
use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Name of the configuration file at the site root.
pub const CONFIG_FILE: &str = "site.toml";

/// Review policy for one severity level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeverityPolicy {
    /// `##` sections every report of this level must have.
    pub required_sections: Vec<String>,
    /// Days after the incident within which the review must be held, if any.
    pub review_within_days: Option<u32>,
    /// What review the level calls for, in words ("Formal review, leadership + engineering").
    pub review: Option<String>,
}

/// The parsed and checked `site.toml`.
#[derive(Debug, Clone)]
pub struct Config {
    /// Site title shown on every page.
    pub title: String,
    /// Where the site is published; always ends with `/`.
    pub base_url: String,
    /// Folder of the reports, relative to the root.
    pub content_dir: PathBuf,
    /// Folder `build` writes, relative to the root.
    pub output_dir: PathBuf,
    /// Folder whose files override the embedded theme, relative to the root.
    pub theme_dir: PathBuf,
    /// Pattern every incident id matches.
    pub id_pattern: Regex,
    /// Same pattern, unanchored, for finding ids in text.
    pub id_finder: Regex,
    /// Zone in which timeline clock times and "today" are read.
    pub timezone: Tz,
    /// Items due within this many days are "due soon".
    pub due_soon_days: u32,
    /// Raw HTML in Markdown is sanitised and kept when true, escaped when false.
    pub allow_html: bool,
    /// Severity levels in their natural order (SEV1 first).
    pub severity: BTreeMap<String, SeverityPolicy>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    base_url: Option<String>,
    content_dir: Option<PathBuf>,
    output_dir: Option<PathBuf>,
    theme_dir: Option<PathBuf>,
    id_pattern: Option<String>,
    timezone: Option<String>,
    due_soon_days: Option<u32>,
    allow_html: Option<bool>,
    #[serde(default)]
    severity: BTreeMap<String, RawSeverity>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSeverity {
    required_sections: Option<Vec<String>>,
    review_within_days: Option<u32>,
    review: Option<String>,
}

/// Keys `site.toml` accepts at the top level and in a `[severity.*]` table (for typo hints).
const TOP_KEYS: &[&str] = &[
    "title",
    "base_url",
    "content_dir",
    "output_dir",
    "theme_dir",
    "id_pattern",
    "timezone",
    "due_soon_days",
    "allow_html",
    "severity",
];
const SEVERITY_KEYS: &[&str] = &["required_sections", "review_within_days", "review"];

const FULL_SECTIONS: &[&str] = &[
    "Summary",
    "Timeline",
    "Contributing Factors",
    "What Went Well",
    "Action Items",
];

/// The default severity policy of the review guide.
pub fn default_severities() -> BTreeMap<String, SeverityPolicy> {
    let policy = |sections: &[&str], within: Option<u32>, review: &str| SeverityPolicy {
        required_sections: sections.iter().map(|s| s.to_string()).collect(),
        review_within_days: within,
        review: Some(review.to_string()),
    };
    BTreeMap::from([
        (
            "SEV1".to_string(),
            policy(
                FULL_SECTIONS,
                Some(3),
                "Formal review meeting with leadership and engineering",
            ),
        ),
        (
            "SEV2".to_string(),
            policy(
                FULL_SECTIONS,
                Some(7),
                "Written review by the engineering team",
            ),
        ),
        (
            "SEV3".to_string(),
            policy(
                &["Summary", "Action Items"],
                None,
                "Brief write-up for the team lead, no meeting",
            ),
        ),
        (
            "SEV4".to_string(),
            policy(&["Summary"], None, "Near-miss note in the incident tracker"),
        ),
    ])
}

impl Default for Config {
    fn default() -> Self {
        Config::from_raw(RawConfig::default(), &|_| 0).expect("defaults are valid")
    }
}

impl Config {
    /// Reads `site.toml` under `root`. A missing file means all defaults.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(Diagnostic::error(
                CONFIG_FILE,
                0,
                0,
                format!("cannot read {CONFIG_FILE}: {e}"),
            )),
        }
    }

    /// Parses the text of `site.toml`.
    pub fn parse(text: &str) -> Result<Config, Diagnostic> {
        let index = LineIndex::new(text);
        let raw: RawConfig = toml::from_str(text).map_err(|e| toml_error(&e, text, &index))?;
        let key_line = |key: &str| find_key_line(text, key);
        Config::from_raw(raw, &key_line)
    }

    fn from_raw(raw: RawConfig, key_line: &dyn Fn(&str) -> usize) -> Result<Config, Diagnostic> {
        let bad = |key: &str, msg: String| Diagnostic::error(CONFIG_FILE, key_line(key), 1, msg);
        let pattern = raw
            .id_pattern
            .unwrap_or_else(|| "^INC-[0-9]{4}-[0-9]{3,}$".to_string());
        let id_pattern = Regex::new(&pattern).map_err(|e| {
            bad(
                "id_pattern",
                format!("id_pattern is not a valid regular expression: {e}"),
            )
        })?;
        let bare = pattern.trim_start_matches('^').trim_end_matches('$');
        let id_finder = Regex::new(&format!(r"(?-u:\b)(?:{bare})(?-u:\b)")).map_err(|e| {
            bad(
                "id_pattern",
                format!("id_pattern cannot be used to find ids in text: {e}"),
            )
        })?;
        let tz_name = raw.timezone.unwrap_or_else(|| "UTC".to_string());
        let timezone: Tz = tz_name.parse().map_err(|_| {
            bad("timezone", format!("unknown timezone `{tz_name}`"))
                .with_hint("use an IANA zone name such as \"UTC\" or \"Europe/Berlin\"")
        })?;
        let mut base_url = raw.base_url.unwrap_or_else(|| "/".to_string());
        if !base_url.ends_with('/') {
            base_url.push('/');
        }
        let mut severity = default_severities();
        for (level, user) in raw.severity {
            if level.trim().is_empty() {
                return Err(bad("severity", "a severity level needs a name".into()));
            }
            let entry = severity.entry(level).or_insert_with(|| SeverityPolicy {
                required_sections: vec!["Summary".to_string()],
                review_within_days: None,
                review: None,
            });
            if let Some(sections) = user.required_sections {
                entry.required_sections = sections;
            }
            if user.review_within_days.is_some() {
                entry.review_within_days = user.review_within_days;
            }
            if let Some(review) = user.review {
                entry.review = Some(review).filter(|r| !r.trim().is_empty());
            }
        }
        Ok(Config {
            title: raw.title.unwrap_or_else(|| "Incident Archive".to_string()),
            base_url,
            content_dir: raw.content_dir.unwrap_or_else(|| "content".into()),
            output_dir: raw.output_dir.unwrap_or_else(|| "public".into()),
            theme_dir: raw.theme_dir.unwrap_or_else(|| "theme".into()),
            id_pattern,
            id_finder,
            timezone,
            due_soon_days: raw.due_soon_days.unwrap_or(7),
            allow_html: raw.allow_html.unwrap_or(false),
            severity,
        })
    }

    /// The policy of `level`, if the site defines it.
    pub fn severity_policy(&self, level: &str) -> Option<&SeverityPolicy> {
        self.severity.get(level)
    }

    /// The defined levels, comma-separated, for messages.
    pub fn level_names(&self) -> String {
        self.severity.keys().cloned().collect::<Vec<_>>().join(", ")
    }
}

/// Turns a TOML parse or type error into a diagnostic at its line, with a typo hint.
fn toml_error(e: &toml::de::Error, text: &str, index: &LineIndex) -> Diagnostic {
    let (line, col) = e
        .span()
        .map(|s| index.char_line_col(text, s.start))
        .unwrap_or((0, 0));
    let message = e.message().trim().to_string();
    if let Some(unknown) = message
        .strip_prefix("unknown field `")
        .and_then(|r| r.split('`').next())
    {
        let known = if SEVERITY_KEYS
            .iter()
            .any(|k| message.contains(&format!("`{k}`")))
            && !message.contains("`title`")
        {
            SEVERITY_KEYS
        } else {
            TOP_KEYS
        };
        let mut d = Diagnostic::error(
            CONFIG_FILE,
            line,
            col,
            format!("unknown key `{unknown}` in {CONFIG_FILE}"),
        );
        d = match closest(unknown, known) {
            Some(k) => d.with_hint(format!("did you mean `{k}`?")),
            None => d.with_hint(format!("known keys: {}", known.join(", "))),
        };
        return d;
    }
    Diagnostic::error(
        CONFIG_FILE,
        line,
        col,
        format!("invalid {CONFIG_FILE}: {message}"),
    )
}

/// The known word closest to `word`, if it is close enough to be a plausible typo.
pub fn closest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(word, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}

fn find_key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            t.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_review_policy() {
        let c = Config::default();
        assert_eq!(c.title, "Incident Archive");
        assert_eq!(c.severity["SEV1"].review_within_days, Some(3));
        assert_eq!(c.severity["SEV4"].required_sections, vec!["Summary"]);
        assert!(c.id_pattern.is_match("INC-2024-042"));
        assert_eq!(c.due_soon_days, 7);
    }

    #[test]
    fn unknown_key_names_line_and_closest_key() {
        let e = Config::parse("title = \"x\"\nbase_ulr = \"/\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(e.message, "unknown key `base_ulr` in site.toml");
        assert_eq!(e.hint.as_deref(), Some("did you mean `base_url`?"));
    }

    #[test]
    fn unknown_severity_key_hints_severity_keys() {
        let e = Config::parse("[severity.SEV1]\nreview_within_day = 2\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(
            e.hint.as_deref(),
            Some("did you mean `review_within_days`?")
        );
    }

    #[test]
    fn malformed_file_has_its_line() {
        let e = Config::parse("title = \"x\"\n\ndue_soon_days = \"seven\"\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.starts_with("invalid site.toml"), "{}", e.message);
    }

    #[test]
    fn severity_tables_merge_with_defaults() {
        let c =
            Config::parse("[severity.SEV1]\nreview_within_days = 2\n[severity.SEV0]\n").unwrap();
        assert_eq!(c.severity["SEV1"].review_within_days, Some(2));
        assert_eq!(c.severity["SEV1"].required_sections.len(), 5);
        assert_eq!(c.severity["SEV0"].required_sections, vec!["Summary"]);
    }

    #[test]
    fn base_url_gets_trailing_slash() {
        assert_eq!(
            Config::parse("base_url = \"/sre/incidents\"")
                .unwrap()
                .base_url,
            "/sre/incidents/"
        );
    }
}
