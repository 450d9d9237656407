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
    /// Severity levels by name; [`Config::levels`] gives them in their natural order.
    pub severity: BTreeMap<String, SeverityPolicy>,
    /// Days after the incident within which the write-up is published (`publish-late`,
    /// `writeup-overdue`).
    pub publish_within_days: u32,
    /// Days after the incident by which every action item has been followed up: started,
    /// closed, or tracked in a ticket (`action-not-followed-up`).
    pub actions_within_days: u32,
    /// The `[lint]` table: rule levels, word lists and thresholds of the review-quality lints.
    pub lint: LintConfig,
}

/// How a lint rule reports, as set in `[lint]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    /// Reported as an error: fails `check` and stops `build`.
    Error,
    /// Reported as a warning.
    Warning,
    /// Not run.
    Off,
}

/// The `[lint]` table of `site.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintConfig {
    /// Levels set for rules by id; rules not listed keep their default level.
    pub levels: BTreeMap<String, RuleLevel>,
    /// Show each incident's findings in a "Review quality" box on its page.
    pub show_on_site: bool,
    /// Extra words or phrases that make an action item vague (added to the built-in list).
    pub vague_words: Vec<String>,
    /// Extra words or phrases that put blame on a person (added to the built-in list).
    pub blame_words: Vec<String>,
    /// Extra owner values that name nobody in particular (added to the built-in list).
    pub placeholder_owners: Vec<String>,
    /// Longest time, in days after the incident, an action item of priority P1, P2, P3 may
    /// be due (`due-too-far`).
    pub due_days: [u32; 3],
}

impl Default for LintConfig {
    fn default() -> Self {
        LintConfig {
            levels: BTreeMap::new(),
            show_on_site: true,
            vague_words: Vec::new(),
            blame_words: Vec::new(),
            placeholder_owners: Vec::new(),
            due_days: [30, 60, 90],
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    base_url: Option<toml::Spanned<String>>,
    content_dir: Option<PathBuf>,
    output_dir: Option<PathBuf>,
    theme_dir: Option<PathBuf>,
    id_pattern: Option<String>,
    timezone: Option<String>,
    due_soon_days: Option<u32>,
    allow_html: Option<bool>,
    publish_within_days: Option<u32>,
    actions_within_days: Option<u32>,
    #[serde(default)]
    severity: BTreeMap<String, RawSeverity>,
    lint: Option<RawLint>,
}

/// `[lint]`: one level key per rule id, the word lists and the thresholds.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLint {
    show_on_site: Option<bool>,
    vague_words: Option<Vec<String>>,
    blame_words: Option<Vec<String>>,
    placeholder_owners: Option<Vec<String>>,
    due_days: Option<RawDueDays>,
    #[serde(rename = "vague-action")]
    vague_action: Option<RuleLevel>,
    #[serde(rename = "owner-placeholder")]
    owner_placeholder: Option<RuleLevel>,
    #[serde(rename = "due-before-incident")]
    due_before_incident: Option<RuleLevel>,
    #[serde(rename = "due-too-far")]
    due_too_far: Option<RuleLevel>,
    #[serde(rename = "blame-language")]
    blame_language: Option<RuleLevel>,
    #[serde(rename = "single-contributing-factor")]
    single_contributing_factor: Option<RuleLevel>,
    #[serde(rename = "review-late")]
    review_late: Option<RuleLevel>,
    #[serde(rename = "publish-late")]
    publish_late: Option<RuleLevel>,
    #[serde(rename = "writeup-overdue")]
    writeup_overdue: Option<RuleLevel>,
    #[serde(rename = "action-not-followed-up")]
    action_not_followed_up: Option<RuleLevel>,
    #[serde(rename = "date-in-future")]
    date_in_future: Option<RuleLevel>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDueDays {
    #[serde(rename = "P1")]
    p1: Option<u32>,
    #[serde(rename = "P2")]
    p2: Option<u32>,
    #[serde(rename = "P3")]
    p3: Option<u32>,
}

impl RawLint {
    fn into_config(self) -> LintConfig {
        let d = LintConfig::default();
        let levels = [
            ("vague-action", self.vague_action),
            ("owner-placeholder", self.owner_placeholder),
            ("due-before-incident", self.due_before_incident),
            ("due-too-far", self.due_too_far),
            ("blame-language", self.blame_language),
            (
                "single-contributing-factor",
                self.single_contributing_factor,
            ),
            ("review-late", self.review_late),
            ("publish-late", self.publish_late),
            ("writeup-overdue", self.writeup_overdue),
            ("action-not-followed-up", self.action_not_followed_up),
            ("date-in-future", self.date_in_future),
        ]
        .into_iter()
        .filter_map(|(id, level)| level.map(|l| (id.to_string(), l)))
        .collect();
        let due = self.due_days.unwrap_or_default();
        LintConfig {
            levels,
            show_on_site: self.show_on_site.unwrap_or(d.show_on_site),
            vague_words: self.vague_words.unwrap_or_default(),
            blame_words: self.blame_words.unwrap_or_default(),
            placeholder_owners: self.placeholder_owners.unwrap_or_default(),
            due_days: [
                due.p1.unwrap_or(d.due_days[0]),
                due.p2.unwrap_or(d.due_days[1]),
                due.p3.unwrap_or(d.due_days[2]),
            ],
        }
    }
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
    "publish_within_days",
    "actions_within_days",
    "severity",
    "lint",
];
const SEVERITY_KEYS: &[&str] = &["required_sections", "review_within_days", "review"];
/// Keys of the `[lint]` table: options, then one level key per rule id.
const LINT_KEYS: &[&str] = &[
    "show_on_site",
    "vague_words",
    "blame_words",
    "placeholder_owners",
    "due_days",
    "vague-action",
    "owner-placeholder",
    "due-before-incident",
    "due-too-far",
    "blame-language",
    "single-contributing-factor",
    "review-late",
    "publish-late",
    "writeup-overdue",
    "action-not-followed-up",
    "date-in-future",
];
const DUE_DAYS_KEYS: &[&str] = &["P1", "P2", "P3"];

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
        Config::from_raw(RawConfig::default(), "").expect("defaults are valid")
    }
}

/// Why `base_url` (from site.toml or `--base-url`) cannot be used, and how to write it: an
/// `Err((reason, hint))`, the reason to follow the value in a message (``base_url `x` ``
/// *reason*). A base URL is an absolute `http://` or `https://` URL with a host, or a path
/// on the host starting with one `/`; empty means `/`. Pages are appended to it, so it holds
/// no query, fragment, space or control character, nor a character a URL cannot hold as
/// written (`` "<>\^`{|} ``). Anything else (`sre/incidents`, `javascript:…`) would make the
/// 404 page's links and the JSON files' URLs point nowhere, or somewhere unsafe.
pub fn check_base_url(value: &str) -> Result<(), (String, String)> {
    let value = &*lowercase_scheme(value);
    const EXAMPLES: &str = "write a path on the host such as \"/sre/incidents/\", or a full URL \
                            such as \"https://pages.example.internal/sre/incidents/\"";
    if value.is_empty() {
        return Ok(());
    }
    if let Some(c) = value
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "\"<>\\^`{|}".contains(*c))
    {
        let what = match c {
            ' ' => "a space".to_string(),
            c if c.is_whitespace() || c.is_control() => {
                format!("the character `{}`", c.escape_default())
            }
            c => format!("`{c}`"),
        };
        return Err((
            format!("contains {what}, which a URL cannot hold as written"),
            "escape it as %XX (a space is %20)".to_string(),
        ));
    }
    if value.contains(['?', '#']) {
        return Err((
            "has a query or fragment (`?`, `#`)".to_string(),
            "page paths are appended to base_url: give the folder the site is published at"
                .to_string(),
        ));
    }
    if let Some(rest) = value.strip_prefix("//") {
        return Err((
            "starts with `//`, a URL without its scheme".to_string(),
            format!("write \"https://{rest}\""),
        ));
    }
    // `/sre/../x/`: the canonical links would name a folder the pages are not in. The hint
    // is the folder it leads to, after `origin` (the scheme and host, for a URL).
    let dot_segments = |origin: &str, path: &str| {
        let dot = path.split('/').find(|s| matches!(*s, "." | ".."))?;
        let mut folder: Vec<&str> = Vec::new();
        for s in path.split('/') {
            match s {
                "" | "." => {}
                ".." => {
                    folder.pop();
                }
                s => folder.push(s),
            }
        }
        let mut to = format!("{origin}/{}", folder.join("/"));
        if !folder.is_empty() {
            to.push('/');
        }
        Some((
            format!("has a `{dot}` segment in its path"),
            format!("write the folder it leads to, \"{to}\""),
        ))
    };
    if value.starts_with('/') {
        return dot_segments("", value).map_or(Ok(()), Err);
    }
    let after_scheme = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    match after_scheme {
        Some(rest) if rest.split('/').next().unwrap_or_default().is_empty() => {
            Err(("has no host".to_string(), EXAMPLES.to_string()))
        }
        Some(rest) => {
            // The host and port as a browser reads them (`url`, the WHATWG rules).
            if let Err(e) = url::Url::parse(value) {
                return Err((format!("is not a valid URL: {e}"), EXAMPLES.to_string()));
            }
            let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
            let origin = &value[..value.len() - rest.len() + host.len()];
            dot_segments(origin, path).map_or(Ok(()), Err)
        }
        None => {
            let hint = if value.contains(':') {
                EXAMPLES.to_string()
            } else {
                let path = value.trim_start_matches("./").trim_end_matches('/');
                format!("write \"/{path}/\" for a path on the host, or a full https:// URL")
            };
            Err((
                "is neither an http(s) URL nor a path starting with `/`".to_string(),
                hint,
            ))
        }
    }
}

/// `value` with its URL scheme in lowercase (`HTTPS://Host/` → `https://Host/`: schemes are
/// case-insensitive, and the pages compare them in lowercase).
fn lowercase_scheme(value: &str) -> std::borrow::Cow<'_, str> {
    match value.split_once("://") {
        Some((scheme, rest))
            if scheme.bytes().any(|b| b.is_ascii_uppercase())
                && scheme.bytes().all(|b| b.is_ascii_alphabetic()) =>
        {
            format!("{}://{rest}", scheme.to_ascii_lowercase()).into()
        }
        _ => value.into(),
    }
}

/// A `base_url` that [`check_base_url`] accepts, as the pages use it: its scheme in
/// lowercase, ending in `/`.
pub fn normalize_base_url(value: &str) -> String {
    let mut url = lowercase_scheme(value).into_owned();
    if !url.ends_with('/') {
        url.push('/');
    }
    url
}

/// [`check_base_url`] in the words of a finding: ``base_url `x` `` and the reason (the value
/// on one line, [`crate::diagnostics::one_line`]), and the hint. site.toml reports it at the
/// value; [`crate::site::build`] reports it for a `base_url` given in its options.
pub fn base_url_problem(value: &str) -> Result<(), (String, String)> {
    check_base_url(value).map_err(|(reason, hint)| {
        let shown = crate::diagnostics::one_line(value);
        (format!("base_url `{shown}` {reason}"), hint)
    })
}

impl Config {
    /// Reads `site.toml` under `root`. A missing file means all defaults.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => {
                Err(
                    Diagnostic::error(CONFIG_FILE, 0, 0, format!("cannot read {CONFIG_FILE}: {e}"))
                        .with_io_cause(&e),
                )
            }
        }
    }

    /// Parses the text of `site.toml`.
    pub fn parse(text: &str) -> Result<Config, Diagnostic> {
        let index = LineIndex::new(text);
        let raw: RawConfig = toml::from_str(text).map_err(|e| toml_error(&e, text, &index))?;
        Config::from_raw(raw, text)
    }

    /// The configuration of `raw`, read from `text` (the file, for the places of errors).
    fn from_raw(raw: RawConfig, text: &str) -> Result<Config, Diagnostic> {
        let index = LineIndex::new(text);
        let line_col = |at: usize| index.char_line_col(text, at);
        let bad = |key: &str, msg: String| {
            Diagnostic::error(CONFIG_FILE, find_key_line(text, key), 1, msg)
        };
        let pattern = raw
            .id_pattern
            .unwrap_or_else(|| "^INC-[0-9]{4}-[0-9]{3,}$".to_string());
        let shown = crate::diagnostics::one_line(&pattern).into_owned();
        // The regex crate's message is several lines (the pattern, a line of `^` under the
        // error, the reason): one line says the same.
        let id_pattern = Regex::new(&pattern).map_err(|e| {
            let (reason, at) = regex_reason(&e);
            let place = match &at[..] {
                [] => format!("in `{shown}`"),
                [one] => format!("at character {one} of `{shown}`"),
                [many @ .., last] => format!(
                    "at characters {} and {last} of `{shown}`",
                    many.iter()
                        .map(usize::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            bad(
                "id_pattern",
                format!("id_pattern is not a valid regular expression: {reason} {place}"),
            )
        })?;
        // Ids are found in the reports' text with this pattern: one that takes empty text or a
        // common word would make every word a reference to a missing report.
        if let Some(text) = ["", "the", "Summary", "1"]
            .into_iter()
            .find(|t| id_pattern.is_match(t))
        {
            let what = if text.is_empty() {
                "empty text".to_string()
            } else {
                format!("the word `{text}`")
            };
            return Err(bad(
                "id_pattern",
                format!("id_pattern `{shown}` matches {what}, so it cannot tell ids from text"),
            )
            .with_hint("make every part of the id required, as in `^INC-[0-9]{4}-[0-9]{3,}$`"));
        }
        let bare = pattern.trim_start_matches('^').trim_end_matches('$');
        let id_finder = Regex::new(&id_finder_pattern(bare)).map_err(|e| {
            bad(
                "id_pattern",
                format!(
                    "id_pattern cannot be used to find ids in text: {} in `{}` (`{shown}` \
                     without its `^` and `$`)",
                    regex_reason(&e).0,
                    crate::diagnostics::one_line(bare)
                ),
            )
        })?;
        let tz_name = raw.timezone.unwrap_or_else(|| "UTC".to_string());
        let timezone: Tz = tz_name.parse().map_err(|_| {
            bad("timezone", format!("unknown timezone `{tz_name}`"))
                .with_hint("use an IANA zone name such as \"UTC\" or \"Europe/Berlin\"")
        })?;
        let base_url = match raw.base_url {
            Some(spanned) => {
                if let Err((message, hint)) = base_url_problem(spanned.get_ref()) {
                    let (line, col) = line_col(spanned.span().start);
                    return Err(Diagnostic::error(CONFIG_FILE, line, col, message).with_hint(hint));
                }
                normalize_base_url(spanned.get_ref())
            }
            None => "/".to_string(),
        };
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
            publish_within_days: raw.publish_within_days.unwrap_or(14),
            actions_within_days: raw.actions_within_days.unwrap_or(30),
            lint: raw.lint.map(RawLint::into_config).unwrap_or_default(),
        })
    }

    /// The policy of `level`, if the site defines it.
    pub fn severity_policy(&self, level: &str) -> Option<&SeverityPolicy> {
        self.severity.get(level)
    }

    /// The defined levels in their natural order: numbers in a name compare as numbers, so
    /// `SEV2` comes before `SEV10` (and `SEV0` before `SEV1`).
    pub fn levels(&self) -> Vec<String> {
        let mut levels: Vec<String> = self.severity.keys().cloned().collect();
        levels.sort_by(|a, b| natural_key(a).cmp(&natural_key(b)).then_with(|| a.cmp(b)));
        levels
    }

    /// The defined levels, comma-separated in their natural order, for messages.
    pub fn level_names(&self) -> String {
        self.levels().join(", ")
    }
}

/// A name as runs of text (lowercase) and of digits (by value), for [`Config::levels`].
fn natural_key(name: &str) -> Vec<(String, u128)> {
    let mut key = Vec::new();
    let mut rest = name;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            key.push((String::new(), rest[..digits].parse().unwrap_or(u128::MAX)));
            rest = &rest[digits..];
        } else {
            let text = rest.len() - rest.trim_start_matches(|c: char| !c.is_ascii_digit()).len();
            key.push((rest[..text].to_lowercase(), 0));
            rest = &rest[text..];
        }
    }
    key
}

/// A regular expression's error on one line: its reason (the last line of the regex crate's
/// message, which shows the pattern with a line of `^` under each part the error names), and
/// the characters of a one-line pattern where those parts start (1-based), when the message
/// shows them.
fn regex_reason(e: &regex::Error) -> (String, Vec<usize>) {
    let full = e.to_string();
    let lines: Vec<&str> = full.lines().collect();
    let reason = |last: &str| {
        crate::diagnostics::one_line(last.strip_prefix("error: ").unwrap_or(last)).into_owned()
    };
    match lines[..] {
        // "regex parse error:", the pattern indented by four spaces, the carets.
        ["regex parse error:", _pattern, carets, last]
            if carets.starts_with("    ") && carets.bytes().all(|b| b == b' ' || b == b'^') =>
        {
            let starts = carets
                .char_indices()
                .filter(|&(p, c)| c == '^' && !carets[..p].ends_with('^'))
                .map(|(p, _)| p - 3)
                .collect();
            (reason(last), starts)
        }
        // A multi-line pattern or another error: its last line.
        [.., last] => (reason(last), Vec::new()),
        [] => (String::new(), Vec::new()),
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
        // The message lists the keys the table accepts: pick the table they belong to.
        let names = |keys: &[&str]| keys.iter().all(|k| message.contains(&format!("`{k}`")));
        let known = [SEVERITY_KEYS, LINT_KEYS, DUE_DAYS_KEYS]
            .into_iter()
            .find(|keys| names(keys))
            .unwrap_or(TOP_KEYS);
        // The table the key is in: the last `[header]` line above it.
        let table = text
            .lines()
            .take(line)
            .filter_map(|l| {
                let l = l.trim();
                (l.starts_with('[') && !l.starts_with("[[")).then(|| l.split(']').next())?
            })
            .last()
            .map(|h| format!("`[{}]` of ", h.trim_start_matches('[').trim()))
            .unwrap_or_default();
        let mut d = Diagnostic::error(
            CONFIG_FILE,
            line,
            col,
            format!("unknown key `{unknown}` in {table}{CONFIG_FILE}"),
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

pub(crate) fn find_key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            t.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
        .unwrap_or(0)
}

/// The pattern of [`Config::id_finder`] for `bare`, the id pattern without its `^` and `$`:
/// an id between ASCII word boundaries.
pub fn id_finder_pattern(bare: &str) -> String {
    format!("{ID_BOUNDARY}(?:{bare}){ID_BOUNDARY}")
}

/// The assertion on each side of an id in [`id_finder_pattern`].
pub const ID_BOUNDARY: &str = r"(?-u:\b)";

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
    fn levels_come_in_their_natural_order() {
        let c = Config::parse("[severity.SEV10]\n[severity.SEV0]\n[severity.SEV5]\n").unwrap();
        assert_eq!(
            c.levels(),
            ["SEV0", "SEV1", "SEV2", "SEV3", "SEV4", "SEV5", "SEV10"]
        );
        assert_eq!(c.level_names(), "SEV0, SEV1, SEV2, SEV3, SEV4, SEV5, SEV10");
    }

    #[test]
    fn unknown_severity_key_hints_severity_keys() {
        let e = Config::parse("[severity.SEV1]\nreview_within_day = 2\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(
            e.message,
            "unknown key `review_within_day` in `[severity.SEV1]` of site.toml"
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("did you mean `review_within_days`?")
        );
        let e =
            Config::parse("title = \"x\"\n[lint]\nlevels = {}\n[ lint.due_days ] # P1\nP4 = 9\n")
                .unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (5, "unknown key `P4` in `[lint.due_days]` of site.toml")
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
    fn lint_table_sets_levels_lists_and_due_days() {
        let c = Config::parse(
            "publish_within_days = 10\n[lint]\nshow_on_site = false\nblame-language = \"error\"\nvague-action = \"off\"\nvague_words = [\"socialise\"]\ndue_days = { P2 = 45 }\n",
        )
        .unwrap();
        assert_eq!(c.publish_within_days, 10);
        assert_eq!(c.actions_within_days, 30);
        assert!(!c.lint.show_on_site);
        assert_eq!(c.lint.levels["blame-language"], RuleLevel::Error);
        assert_eq!(c.lint.levels["vague-action"], RuleLevel::Off);
        assert!(!c.lint.levels.contains_key("review-late"));
        assert_eq!(c.lint.vague_words, vec!["socialise"]);
        assert_eq!(c.lint.due_days, [30, 45, 90]);
        let d = Config::default();
        assert_eq!((d.publish_within_days, d.lint.due_days), (14, [30, 60, 90]));
        assert!(d.lint.show_on_site);
    }

    #[test]
    fn every_lint_rule_has_a_level_key() {
        for rule in crate::lint::RULES {
            let c = Config::parse(&format!("[lint]\n{} = \"off\"\n", rule.id)).unwrap();
            assert_eq!(c.lint.levels[rule.id], RuleLevel::Off, "{}", rule.id);
            assert!(LINT_KEYS.contains(&rule.id), "{}", rule.id);
        }
        assert_eq!(
            LINT_KEYS.len(),
            crate::lint::RULES.len() + 5,
            "LINT_KEYS lists the options and one key per rule"
        );
    }

    #[test]
    fn lint_typos_hint_lint_keys() {
        let e = Config::parse("[lint]\nblame-langauge = \"off\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(e.hint.as_deref(), Some("did you mean `blame-language`?"));
        let e = Config::parse("[lint]\ndue_days = { P4 = 3 }\n").unwrap_err();
        assert!(e.hint.as_deref().unwrap().contains("`P"), "{e:?}");
        let e = Config::parse("[lint]\nreview-late = \"warn\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("warning"), "{}", e.message);
        let e = Config::parse("publish_within_day = 3\n").unwrap_err();
        assert_eq!(
            e.hint.as_deref(),
            Some("did you mean `publish_within_days`?")
        );
    }

    #[test]
    fn base_url_is_a_url_or_a_path_from_the_root() {
        for ok in [
            "/",
            "",
            "/sre/incidents",
            "/sre/incidents/",
            "https://pages.example.internal/sre/incidents/",
            "http://localhost:1111",
            "https://example.org/a%20b/",
        ] {
            assert_eq!(check_base_url(ok), Ok(()), "{ok}");
            assert!(
                Config::parse(&format!("base_url = \"{ok}\"")).is_ok(),
                "{ok}"
            );
        }
        let e = Config::parse("title = \"x\"\nbase_url =   \"sre/incidents\"\n").unwrap_err();
        assert_eq!(
            (e.path.as_str(), e.line, e.col, e.message.as_str()),
            (
                "site.toml",
                2,
                14,
                "base_url `sre/incidents` is neither an http(s) URL nor a path starting with `/`"
            )
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("write \"/sre/incidents/\" for a path on the host, or a full https:// URL")
        );
        let message = |v: &str| {
            let e = Config::parse(&format!("base_url = {}", toml::Value::from(v))).unwrap_err();
            assert_eq!((e.line, e.col), (1, 12), "{v:?}");
            e.message
        };
        assert_eq!(
            message("javascript:alert(1)//"),
            "base_url `javascript:alert(1)//` is neither an http(s) URL nor a path starting with `/`"
        );
        assert_eq!(
            message("not a url"),
            "base_url `not a url` contains a space, which a URL cannot hold as written"
        );
        assert_eq!(
            message("/a\nb/"),
            "base_url `/a\\nb/` contains the character `\\n`, which a URL cannot hold as written"
        );
        assert_eq!(message("https:///x/"), "base_url `https:///x/` has no host");
        assert_eq!(
            message("//cdn.example/x/"),
            "base_url `//cdn.example/x/` starts with `//`, a URL without its scheme"
        );
        assert_eq!(
            message("/x/?v=1"),
            "base_url `/x/?v=1` has a query or fragment (`?`, `#`)"
        );
        assert_eq!(
            message("/x\"><script>/"),
            "base_url `/x\"><script>/` contains `\"`, which a URL cannot hold as written"
        );
        // A host or port a browser cannot read, and folders that are not where they say.
        let problem = |v: &str| check_base_url(v).unwrap_err();
        assert_eq!(
            message("https://pages.example.internal:99999/sre/"),
            "base_url `https://pages.example.internal:99999/sre/` is not a valid URL: invalid \
             port number"
        );
        assert_eq!(
            problem("http://host:80a/").0,
            "is not a valid URL: invalid port number"
        );
        for (v, dot, to) in [
            ("/sre/../incidents/", "..", "/incidents/"),
            ("/sre/./incidents", ".", "/sre/incidents/"),
            ("/..", "..", "/"),
            (
                "https://pages.example.internal/sre/../x/",
                "..",
                "https://pages.example.internal/x/",
            ),
            ("HTTPS://Host:8080/a/./b", ".", "https://Host:8080/a/b/"),
        ] {
            assert_eq!(
                problem(v),
                (
                    format!("has a `{dot}` segment in its path"),
                    format!("write the folder it leads to, \"{to}\"")
                ),
                "{v}"
            );
        }
        for ok in ["https://[::1]:8080/", "http://host:8080/a..b/.x/", "/a..b/"] {
            assert_eq!(check_base_url(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn a_bad_id_pattern_is_one_line_with_the_character_of_the_error() {
        let e = Config::parse("title = \"x\"\nid_pattern = \"^INC-[0-9{4}$\"\n").unwrap_err();
        assert_eq!(
            (e.line, e.col, e.message.as_str()),
            (
                2,
                1,
                "id_pattern is not a valid regular expression: unclosed character class at \
                 character 6 of `^INC-[0-9{4}$`"
            )
        );
        let message = |toml: &str| Config::parse(toml).unwrap_err().message;
        assert_eq!(
            message("id_pattern = '^INC-(?P<n>[0-9]+)(?P<n>x)$'"),
            "id_pattern is not a valid regular expression: duplicate capture group name at \
             characters 10 and 23 of `^INC-(?P<n>[0-9]+)(?P<n>x)$`"
        );
        // A pattern of two lines: no character, and the line break shown as `\n`.
        assert_eq!(
            message("id_pattern = \"^INC\\n[$\""),
            "id_pattern is not a valid regular expression: unclosed character class in \
             `^INC\\n[$`"
        );
        assert_eq!(
            message("id_pattern = '^INC\\$'"),
            "id_pattern cannot be used to find ids in text: unclosed group in `INC\\` \
             (`^INC\\$` without its `^` and `$`)"
        );
        // Patterns that take text that is no id.
        for (pattern, what) in [
            ("", "empty text"),
            ("^.*$", "empty text"),
            ("^(INC-[0-9]{4}-[0-9]{3,})?$", "empty text"),
            ("^[A-Za-z]+$", "the word `the`"),
            ("[0-9]+", "the word `1`"),
        ] {
            let e =
                Config::parse(&format!("title = \"x\"\nid_pattern = '{pattern}'\n")).unwrap_err();
            assert_eq!(
                (e.line, e.col, e.message.as_str(), e.hint.as_deref()),
                (
                    2,
                    1,
                    format!(
                        "id_pattern `{pattern}` matches {what}, so it cannot tell ids from text"
                    )
                    .as_str(),
                    Some("make every part of the id required, as in `^INC-[0-9]{4}-[0-9]{3,}$`")
                )
            );
        }
        for toml in [
            "id_pattern = \"^INC-[0-9{4}$\"",
            "id_pattern = \"^INC\\n[$\"",
            "id_pattern = '^INC\\$'",
            &format!("id_pattern = '^{}$'", "a{1000}".repeat(1000)),
        ] {
            let m = message(toml);
            assert!(!m.contains('\n') && !m.contains("regex parse error"), "{m}");
        }
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

    #[test]
    fn a_base_url_scheme_is_read_in_any_case() {
        let url = |v: &str| Config::parse(&format!("base_url = \"{v}\"")).map(|c| c.base_url);
        assert_eq!(
            url("HTTPS://Pages.Example/Sub").unwrap(),
            "https://Pages.Example/Sub/"
        );
        assert_eq!(url("Http://host/").unwrap(), "http://host/");
        assert_eq!(
            url("HTTPS:///x/").unwrap_err().message,
            "base_url `HTTPS:///x/` has no host"
        );
        assert_eq!(
            url("FTP://host/").unwrap_err().message,
            "base_url `FTP://host/` is neither an http(s) URL nor a path starting with `/`"
        );
    }
}
