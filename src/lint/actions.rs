//! Action-item quality: `vague-action`, `owner-placeholder`, `due-before-incident` and
//! `due-too-far`.
//!
//! An action item is vague when its title (or every sentence of its description) commits to
//! no mechanism, no scope and no outcome, and its Definition of Done names nothing anyone
//! could observe. A statement is judged by its head verb and what follows it:
//! - verbs that commit to nothing ("Investigate", "Look into", "Consider", "Review", "Discuss")
//!   are vague unless a second clause commits to a change ("Audit ... and import them into
//!   cert-manager");
//! - verbs of wishing for better ("Improve", "Ensure", "Be more careful", "Harden") are vague
//!   unless a threshold, a number or a named mechanism follows ("Reduce rollback time to under
//!   2 minutes", "Improve alerting with a burn-rate alert on checkout errors");
//! - any other verb ("Add", "Implement", "Block") needs a specific scope: at least two words
//!   that are not generic ("Add more tests" has none; "Add integration test for the payment
//!   retry path with declined card codes" has several);
//! - a vague phrase ("going forward", "best practices", "make sure") is vague without a
//!   threshold or a number.

use super::blame::People;
use super::text::{Token, tokenize};
use super::{DUE_BEFORE_INCIDENT, DUE_TOO_FAR, Facts, Findings, OWNER_PLACEHOLDER, VAGUE_ACTION};
use crate::config::Config;
use crate::load::{ActionBlock, ActionField, Report};
use crate::model::{Priority, ReportStatus};
use crate::text::FastBuild;
use regex::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Owner values that name nobody in particular.
#[rustfmt::skip]
pub static PLACEHOLDER_OWNERS: &[&str] = &[
    "tbd", "tba", "tbc", "todo", "to do", "n/a", "na", "none", "nobody", "no one", "noone",
    "unassigned", "not assigned", "unknown", "someone", "somebody", "anyone", "anybody",
    "everyone", "everybody", "all", "team", "the team", "our team", "us", "we", "whoever",
    "owner", "name", "person", "specific person", "pending", "to be determined",
    "to be assigned", "to be decided", "to be confirmed", "engineering", "eng", "ops", "devops",
    "sre", "dev", "devs", "developers", "engineers", "on-call", "oncall", "on call",
    "the on-call", "management", "later", "x", "xx", "xxx", "?", "??", "???", "-", "--", "---",
    "...", "…", "—", "–", "me", "myself", "i", "you", "needs owner", "need owner",
    "needs an owner", "needs a owner", "owner needed", "owner tbd", "no owner", "nobody yet",
];

fn norm_owner(s: &str) -> String {
    s.trim()
        .trim_matches(|c: char| {
            matches!(
                c,
                '[' | ']' | '(' | ')' | '"' | '\'' | '*' | '_' | '`' | '<' | '>'
            )
        })
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// True when `owner` names nobody in particular: a built-in placeholder, one of `extra`
/// (`placeholder_owners` of `[lint]`), an unfilled template ("[Specific person]") or a value
/// that mentions TBD.
pub fn is_placeholder_owner(owner: &str, extra: &[String]) -> bool {
    let n = norm_owner(owner);
    if n.is_empty() || owner.trim_start().starts_with('[') {
        return true;
    }
    if PLACEHOLDER_OWNERS.contains(&n.as_str()) || extra.iter().any(|e| norm_owner(e) == n) {
        return true;
    }
    let words: Vec<&str> = n
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    // "Whoever is on call", "@sre-oncall", "the on-call engineer": a rotation, not a person.
    words.first() == Some(&"whoever")
        || words
            .iter()
            .any(|w| matches!(*w, "tbd" | "tba" | "tbc" | "todo" | "oncall"))
        || words.windows(2).any(|w| w == ["on", "call"])
        || !n.chars().any(char::is_alphanumeric)
}

/// The owners `owner` names when it names more than one (`Sarah Chen, Mike Ross`,
/// `John / Mike`, `Ana and Raj`); notes in brackets (`Sarah Chen (SRE, payments)`) and
/// parts that name nobody in particular (`Sarah Chen, SRE`) do not count.
pub fn several_owners(owner: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut outside = String::with_capacity(owner.len());
    for c in owner.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => outside.push(c),
            _ => {}
        }
    }
    let lower = outside.to_lowercase();
    let n = lower
        .split(['/', ',', ';', '&', '+'])
        .flat_map(|part| part.split(" and "))
        // "Sarah Chen, SRE": a role after the name is no second owner.
        .filter(|name| !is_placeholder_owner(name, &[]))
        .count();
    (n > 1).then_some(n)
}

/// Head verbs that commit to no change.
#[rustfmt::skip]
static NONCOMMITTAL: &[&str] = &[
    "investigate", "investigation", "look", "consider", "explore", "evaluate", "evaluation",
    "research", "assess", "assessment", "analyze", "analyse", "study", "discuss", "discussion",
    "think", "brainstorm", "revisit", "review", "re-review", "reassess", "reevaluate",
    "re-evaluate", "reconsider", "examine", "figure", "find", "understand", "determine",
    "identify", "check", "audit", "follow", "follow-up", "followup", "talk", "sync", "meet",
    "ask", "reach", "try", "attempt", "dig", "spike", "see", "learn", "gather", "survey",
    "retro", "postmortem", "decide", "plan", "propose", "triage", "ponder", "scope", "confirm",
    "inspect", "look-into", "explain", "discover", "probe", "query", "poll", "recheck",
    "re-check", "double-check", "reflect", "clarify", "estimate",
];

/// Head verbs that wish for better without saying how.
#[rustfmt::skip]
static WISHFUL: &[&str] = &[
    "improve", "improvement", "improvements", "enhance", "enhancement", "enhancements",
    "strengthen", "harden", "optimize", "optimise", "optimization", "increase", "reduce",
    "minimize", "minimise", "maximize", "maximise", "streamline", "tighten", "bolster", "boost",
    "beef", "step", "make", "ensure", "be", "pay", "keep", "watch", "monitor", "remind",
    "train", "educate", "communicate", "raise", "encourage", "emphasize", "emphasise", "stress",
    "reinforce", "prioritize", "prioritise", "focus", "work", "address", "clean", "cleanup",
    "tidy", "refactor", "rework", "revise", "rethink", "avoid", "prevent", "stop", "never",
    "always", "take", "handle", "deal", "continue", "maintain", "support", "align",
    "coordinate", "collaborate", "share", "spread", "adhere", "comply", "better", "more", "do",
    "practice", "socialize", "socialise", "modernize", "modernise", "simplify", "redesign",
    "re-architect", "rearchitect", "overhaul", "fix-up", "don't", "dont", "get", "become",
    "stay", "remember", "mind", "uplift", "level", "double", "extra", "additional", "further",
    "greater", "proper", "robust", "stronger", "less", "fewer",
];

/// Words that add no specific scope.
#[rustfmt::skip]
static GENERIC: &[&str] = &[
    "test", "tests", "testing", "monitoring", "monitor", "monitors", "alerting", "alert",
    "alerts", "observability", "visibility", "metrics", "metric", "logging", "logs", "log",
    "dashboard", "dashboards", "documentation", "docs", "doc", "runbook", "runbooks",
    "playbook", "playbooks", "process", "processes", "procedure", "procedures", "system",
    "systems", "service", "services", "code", "codebase", "deployment", "deployments", "deploy",
    "deploys", "release", "releases", "change", "changes", "thing", "things", "stuff", "issue",
    "issues", "problem", "problems", "bug", "bugs", "error", "errors", "incident", "incidents",
    "outage", "outages", "failure", "failures", "reliability", "stability", "resilience",
    "resiliency", "quality", "performance", "security", "safety", "coverage", "communication",
    "communications", "training", "awareness", "practice", "practices", "standards", "standard",
    "guidelines", "guideline", "policy", "policies", "checks", "check", "review", "reviews",
    "reviewing", "handling", "infrastructure", "infra", "config", "configs", "configuration",
    "configurations", "setup", "environment", "environments", "tooling", "tools", "tool",
    "pipeline", "pipelines", "team", "teams", "people", "engineers", "engineer", "everyone",
    "workflow", "workflows", "culture", "knowledge", "situation", "area", "areas", "part",
    "parts", "aspect", "aspects", "way", "ways", "approach", "strategy", "plan", "plans",
    "steps", "step", "measures", "improvements", "improvement", "fixes", "fix", "solution",
    "solutions", "safeguards", "guardrails", "controls", "resources", "reporting", "tracking",
    "hygiene", "health", "future", "time", "times", "recurrence", "root", "cause", "causes",
    "lessons", "learned", "learnings", "gaps", "gap", "risk", "risks", "cases", "case",
    "scenarios", "scenario", "unit", "units", "e2e", "manual", "checklist", "checklists",
    "meeting", "meetings", "discussion", "session", "workshop", "retro", "retrospective",
    "follow-up", "followup", "postmortem", "post-mortem", "sync", "tickets", "ticket", "task",
    "tasks", "item", "items", "action", "actions", "work", "effort", "efforts", "alarms",
    "alarm", "notifications", "notification", "signal", "signals", "insight", "insights",
    "understanding", "accountability", "ownership", "oversight", "discipline", "rigor",
    "rigour", "diligence", "attention", "care", "caution", "vigilance", "response", "responses",
    "escalation", "escalations", "on-call", "oncall", "handoff", "handover", "place", "level",
    "levels", "maintenance", "operations", "ops", "devops", "sre", "development", "engineering",
    "architecture", "design", "mechanism", "mechanisms", "component", "components", "module",
    "modules", "application", "applications", "app", "apps", "platform", "platforms", "product",
    "products", "feature", "features", "functionality", "behaviour", "behavior", "logic",
    "edge", "corner", "pattern", "patterns", "again", "properly", "quickly", "soon", "asap",
    "sooner", "regularly", "periodically", "often", "frequently", "consistently",
    "continuously", "carefully", "closely", "thoroughly", "overall", "general", "generally",
    "everywhere", "etc", "going", "forward", "mistakes", "mistake", "careful", "vigilant",
    "cautious", "mindful", "aware", "diligent", "eye", "happening", "happen", "happens",
    "recurring", "similar", "kind", "type", "types", "sort", "sorts", "prod", "ongoing",
    "existing", "current", "currently", "relevant", "necessary", "needed", "appropriate",
    "adequate", "sufficient", "possible", "potential", "certain", "various", "different",
    "specific", "important", "critical", "key", "main", "major", "minor", "small", "big",
    "large", "real", "actual", "root-cause", "rca", "investigation", "analysis", "findings",
    "results", "outcome", "outcomes", "options", "option", "alternatives", "ideas", "idea",
    "approaches", "possibilities", "feasibility", "impact", "lesson", "everybody", "anyone",
    "someone", "something", "anything", "everything", "okay", "ok", "stuff", "matters", "topic",
    "topics", "automation", "automations", "resilient", "reliable", "stable", "safe", "safer",
    "faster", "quicker", "easier", "clearer", "simpler", "smarter", "efficient", "effective",
    "robustness", "efficiency", "effectiveness", "speed", "visibility", "capacity", "load",
    "traffic", "usage", "data", "database", "databases", "db", "flow", "flows", "journey",
    "journeys", "side", "went", "wrong", "happened", "happen", "what", "right", "correctly",
    "stuff", "deep", "dive",
];

/// Activities that produce talk rather than change: "Conduct a review of ...", "Hold a
/// retro", "Do a deep dive".
#[rustfmt::skip]
static ACTIVITIES: &[&str] = &[
    "retro", "retrospective", "meeting", "review", "discussion", "workshop", "post-mortem",
    "postmortem", "audit", "analysis", "investigation", "assessment", "evaluation", "deep",
    "dive", "deep-dive", "brainstorm", "training", "check-in", "walkthrough", "follow-up",
    "followup", "study", "survey", "spike", "poc", "conversation", "presentation",
    "lunch-and-learn", "root-cause",
];

/// Words that carry no meaning of their own.
#[rustfmt::skip]
static STOP: &[&str] = &[
    "the", "a", "an", "of", "for", "to", "in", "on", "with", "and", "or", "our", "any", "this",
    "that", "these", "those", "it", "its", "from", "by", "as", "at", "into", "about", "be",
    "is", "are", "was", "were", "we", "us", "they", "them", "their", "so", "such", "across",
    "around", "up", "out", "off", "over", "under", "via", "using", "through", "between",
    "within", "without", "against", "after", "before", "during", "than", "then", "there",
    "here", "where", "which", "who", "what", "how", "why", "not", "no", "do", "does", "did",
    "can", "could", "should", "would", "will", "must", "may", "might", "sure", "make", "made",
    "has", "have", "had", "get", "got", "ensure", "also", "too", "very", "just", "only", "new",
    "old", "next", "same", "other", "another", "own", "some", "many", "much", "several", "all",
    "each", "every", "when", "if", "whenever", "unless", "until", "once", "more", "less",
    "better", "best", "good", "further", "additional", "extra", "proper", "improved",
    "enhanced", "robust", "enough", "'s", "i", "you", "he", "she", "let", "please", "need",
    "needs", "want", "able", "being", "been", "like", "way", "well", "both", "either",
    "neither", "nor", "yet", "still", "even", "ever", "never", "always", "already", "again",
    "into", "onto", "upon", "per", "while", "because", "since", "though", "although", "whether",
    "done", "do", "doing", "going", "use", "used",
];

/// Vague modifiers: with them an object needs more than the usual scope.
#[rustfmt::skip]
static VAGUE_MODS: &[&str] = &[
    "more", "better", "additional", "extra", "proper", "properly", "further", "improved",
    "enhanced", "robust", "adequate", "adequately", "sufficient", "sufficiently", "appropriate",
    "appropriately", "some", "general", "various", "necessary", "relevant", "stronger",
    "faster", "quicker", "safer", "easier", "clearer", "best", "good", "overall", "enough",
    "certain", "possible", "potential", "needed", "any", "new", "other", "greater", "tighter",
    "smarter", "broader", "wider", "deeper", "stricter",
];

/// Phrases that make a statement vague unless it has a threshold or a number.
#[rustfmt::skip]
pub static VAGUE_PHRASES: &[&str] = &[
    "be more careful", "be careful", "more careful", "be more", "going forward",
    "in the future", "as needed", "where possible", "if possible", "when possible",
    "as appropriate", "where appropriate", "if needed", "best practices", "best practice",
    "lessons learned", "lessons learnt", "happen again", "happens again", "happening again",
    "from happening", "not happen", "never happens", "this kind of", "this type of",
    "this sort of", "similar issues", "similar incidents", "similar problems", "such issues",
    "such incidents", "look into", "look at", "think about", "keep an eye", "pay attention",
    "pay more attention", "make sure", "double check", "double-check", "more robust",
    "more resilient", "more reliable", "more carefully", "more tests", "more testing",
    "more monitoring", "more alerts", "more alerting", "more logging", "more metrics",
    "better monitoring", "better alerting", "better testing", "better tests",
    "better communication", "better documentation", "better visibility", "better observability",
    "better error handling", "as soon as possible", "asap", "and so on", "tbd", "todo",
    "to be determined", "root cause", "follow up", "catch this", "catch these", "catch such",
    "catch issues", "catch problems", "catch bugs", "catch errors", "catch it",
];

/// Number words that give a statement a quantity.
#[rustfmt::skip]
static NUMBER_WORDS: &[&str] = &[
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "fifteen", "twenty", "thirty", "sixty", "hundred", "thousand", "twice",
    "double", "triple", "half", "single", "hourly", "daily", "weekly", "nightly", "monthly",
    "quarterly", "every",
];

/// Words of thresholds and measured limits.
#[rustfmt::skip]
static THRESHOLD_WORDS: &[&str] = &[
    "exceeds", "exceed", "exceeding", "exceeded", "baseline", "percent", "percentage", "slo",
    "slos", "sla", "slas", "sli", "slis", "burn", "burn-rate", "p50", "p90", "p95", "p99",
    "p999", "ms", "millisecond", "milliseconds", "budget", "ttl", "quorum",
];

/// Words of a mechanism or a condition, which name how and when something happens.
#[rustfmt::skip]
static MECHANISM: &[&str] = &[
    "when", "whenever", "if", "unless", "until", "before", "instead", "rather", "per", "each",
    "every", "only", "automatically", "automated", "automatic", "blocks", "block", "blocking",
    "blocked", "gate", "gates", "gated", "fails", "fail", "reject", "rejects", "deny", "denies",
    "pages", "paging", "triggers", "trigger", "requires", "require", "prevents", "holds",
    "rolls", "stops", "caps", "limits", "rejects", "alerts",
];

/// Prepositions that introduce how something is done ("by adding", "with a burn-rate alert").
static HOW: &[&str] = &["by", "with", "using", "via", "through"];

fn words(toks: &[Token]) -> Vec<&str> {
    toks.iter()
        .filter(|t| !t.punct)
        .map(|t| t.word.as_str())
        .collect()
}

/// A number, a threshold, a comparison or a piece of code: the marks of a measurable claim.
fn strong(toks: &[Token], raw: &str) -> bool {
    raw.contains('`')
        || toks.iter().enumerate().any(|(k, t)| {
            if t.punct {
                return matches!(t.word.as_str(), ">" | "<" | "≥" | "≤" | "=" | "%");
            }
            let w = t.word.as_str();
            if w.chars().all(|c| c.is_ascii_digit()) {
                return measured_count(toks, k);
            }
            w.chars().any(|c| c.is_ascii_digit())
                || (word_in!(NUMBER_WORDS, w) && measured_count(toks, k))
                || word_in!(THRESHOLD_WORDS, w)
                || (w.len() > 2 && w[1..w.len() - 1].contains(['_', '/', '.']))
        })
}

/// Whether the bare number at `k` measures something: a unit or a percent after it, or a
/// comparison before it ("5 minutes", "above 80", "to 20 per week"). A count of things
/// ("Improve monitoring in 2 services", "Fix 3 bugs") does not.
fn measured_count(toks: &[Token], k: usize) -> bool {
    let before = k
        .checked_sub(1)
        .map(|p| toks[p].word.as_str())
        .unwrap_or("");
    let after = toks.get(k + 1).map(|t| t.word.as_str()).unwrap_or("");
    let w = toks[k].word.as_str();
    // Number words that are quantities in themselves ("twice", "half", "every", "weekly").
    if !w.chars().all(|c| c.is_ascii_digit())
        && !matches!(
            w,
            "zero"
                | "one"
                | "two"
                | "three"
                | "four"
                | "five"
                | "six"
                | "seven"
                | "eight"
                | "nine"
                | "ten"
                | "eleven"
                | "twelve"
                | "fifteen"
                | "twenty"
                | "thirty"
                | "sixty"
                | "hundred"
                | "thousand"
        )
    {
        return true;
    }
    // A clock time ("08:00") is a measure too.
    let rate = toks
        .iter()
        .skip(k + 1)
        .take(3)
        .any(|t| matches!(t.word.as_str(), "per" | "each" | "every" | "a" | "an"))
        && toks.get(k + 1).is_some_and(|t| !t.punct);
    word_in!(UNITS, after)
        || word_in!(COMPARISONS, before)
        || rate
        || after == ":"
        || before == ":"
        || (w.len() >= 3 && w.chars().all(|c| c.is_ascii_digit()))
}

/// Units after a number that make it a measure.
static UNITS: &[&str] = &[
    "%",
    "ms",
    "s",
    "sec",
    "secs",
    "second",
    "seconds",
    "min",
    "mins",
    "minute",
    "minutes",
    "h",
    "hr",
    "hrs",
    "hour",
    "hours",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "x",
    "times",
    "percent",
    "gb",
    "gib",
    "mb",
    "mib",
    "kb",
    "tb",
    "rps",
    "qps",
    "rpm",
    "requests",
    "attempts",
    "retries",
    "connections",
    "replicas",
    "pods",
    "nodes",
    "errors",
    "failures",
    "consecutive",
    "per",
    "in",
    "out",
    "of",
    "million",
    "thousand",
    "k",
    "m",
    "lines",
    "rows",
    "messages",
    "items",
    "points",
    "percentage",
    "approvals",
    "approval",
    "reviewers",
];

/// Words before a number that compare against it.
static COMPARISONS: &[&str] = &[
    "above",
    "below",
    "under",
    "over",
    "exceeds",
    "exceed",
    "exceeding",
    "than",
    "at",
    "within",
    "to",
    "from",
    "every",
    "max",
    "min",
    "maximum",
    "minimum",
    "limit",
    "least",
    "most",
    "after",
    "before",
    "of",
    "by",
    "for",
    "first",
    "last",
    "top",
    "p",
    "between",
    "until",
    "since",
    "v",
    "version",
];

/// Words that give a statement its scope: not generic, not stop words, not vague.
fn content(ws: &[&str]) -> usize {
    ws.iter()
        .filter(|w| {
            (w.len() >= 3 || w.chars().any(|c| c.is_ascii_digit()))
                && !word_in!(STOP, w)
                && !word_in!(GENERIC, w)
                && !word_in!(VAGUE_MODS, w)
                && !word_in!(NONCOMMITTAL, w)
                && !word_in!(WISHFUL, w)
        })
        .count()
}

/// The first of [`VAGUE_PHRASES`] (in list order), then of `extra`, that `ws` contains as a run
/// of whole words.
fn has_phrase(ws: &[&str], extra: &[String]) -> Option<String> {
    // Each phrase's words, indexed by its first word.
    type Index = HashMap<&'static str, Vec<(usize, Vec<&'static str>)>, FastBuild>;
    static INDEX: OnceLock<Index> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index = Index::default();
        for (n, p) in VAGUE_PHRASES.iter().enumerate() {
            let words: Vec<&'static str> = p.split(' ').collect();
            index.entry(words[0]).or_default().push((n, words));
        }
        index
    });
    let at = |k: usize, words: &[&str]| ws[k..].starts_with(words);
    let first = ws
        .iter()
        .enumerate()
        .filter_map(|(k, w)| {
            index
                .get(w)?
                .iter()
                .filter(|(_, words)| at(k, words))
                .map(|(n, _)| *n)
                .min()
        })
        .min();
    if let Some(n) = first {
        return Some(VAGUE_PHRASES[n].to_string());
    }
    extra
        .iter()
        .map(|e| words(&tokenize(e)).join(" "))
        .find(|p| {
            let words: Vec<&str> = p.split(' ').collect();
            !p.is_empty() && (0..ws.len()).any(|k| at(k, &words))
        })
}

/// Leading words that are not the head verb ("We should", "Need to", "[P1]", "Action:").
#[rustfmt::skip]
static PREAMBLE: &[&str] = &[
    "we", "should", "will", "must", "need", "needs", "to", "let", "'s", "please", "i", "action",
    "todo", "p1", "p2", "p3", "ai", "also", "then", "and", "try", "going",
];

/// Why the statement `text` (a title or one sentence) is vague, if it is. `lenient` accepts a
/// statement that is vague only for lack of scope (used for descriptions, which explain as
/// much as they prescribe).
pub fn vague_statement(text: &str, extra: &[String], lenient: bool) -> Option<String> {
    vague_tokens(text, &tokenize(text), extra, lenient)
}

/// [`vague_statement`] of `text`, split into `toks`.
fn vague_tokens(text: &str, toks: &[Token], extra: &[String], lenient: bool) -> Option<String> {
    let ws = words(toks);
    if ws.is_empty() {
        return (!lenient).then(|| "says nothing".to_string());
    }
    let strong = strong(toks, text);
    if let Some(p) = has_phrase(&ws, extra)
        && !strong
    {
        return Some(format!("\"{p}\""));
    }
    let start = ws
        .iter()
        .position(|w| !word_in!(PREAMBLE, w) || *w == "try" && ws.len() == 1)
        .unwrap_or(0);
    let head = ws[start];
    let rest = &ws[start + 1..];
    if word_in!(NONCOMMITTAL, head) {
        if committed_later(rest) {
            return None;
        }
        return Some(format!("\"{}\" commits to no change", title_case(head)));
    }
    if word_in!(WISHFUL, head) {
        if strong || named_mechanism(rest) {
            return None;
        }
        return Some(format!(
            "\"{}\" names no mechanism or threshold",
            title_case(head)
        ));
    }
    // "Conduct a review of ...", "Hold a blameless retro ...": the object is an activity.
    // Only a bare activity counts: "canary analysis" and "plan review" are mechanisms.
    if let Some(obj) = rest
        .iter()
        .filter(|w| !word_in!(STOP, w))
        .take_while(|w| word_in!(TALK_ADJECTIVES, w) || word_in!(ACTIVITIES, w))
        .find(|w| word_in!(ACTIVITIES, w))
        && !committed_later(rest)
    {
        return Some(format!(
            "\"{} {obj}\" commits to no change",
            title_case(head)
        ));
    }
    if strong {
        return None;
    }
    let n = content(rest);
    let modded = rest.iter().any(|w| word_in!(VAGUE_MODS, w));
    if n < 2 && (!lenient || modded) {
        return Some("no specific scope".to_string());
    }
    if modded && n < 3 && !rest.iter().any(|w| word_in!(MECHANISM, w)) {
        let m = rest
            .iter()
            .find(|w| word_in!(VAGUE_MODS, w))
            .unwrap_or(&"more");
        return Some(format!("\"{m} ...\" has no specific scope"));
    }
    // "Add monitoring for the search indexer", "Fix the retry logic in checkout-api": a
    // catch-all object or a loose verb needs more than a component name to say what changes.
    // "Implement rate limiting", "Use a circuit breaker": a mechanism with no scope at all.
    let mechanism = rest.iter().any(|w| word_in!(MECHANISM, w));
    if n == 2
        && !mechanism
        && !lenient
        && !rest.iter().any(|w| word_in!(SCOPE, w) || word_in!(HOW, w))
    {
        return Some("names a mechanism but no scope".to_string());
    }
    let object = rest
        .iter()
        .find(|w| !word_in!(STOP, w))
        .copied()
        .unwrap_or("");
    let loose = word_in!(LOOSE_HEADS, head) || word_in!(CATCH_ALL, object);
    if loose && n < 3 && !rest.iter().any(|w| word_in!(MECHANISM, w)) && !lenient {
        return Some(format!(
            "\"{} {object}\" names no signal or outcome",
            title_case(head)
        ));
    }
    None
}

/// Words that may qualify an activity without making it a mechanism ("a blameless retro").
#[rustfmt::skip]
static TALK_ADJECTIVES: &[&str] = &[
    "blameless", "quick", "full", "thorough", "formal", "detailed", "proper", "joint",
    "cross-team", "post-incident", "incident", "short", "brief", "comprehensive", "complete",
    "further", "additional", "second", "follow-up", "team", "wider", "broader", "deeper",
    "internal", "external", "regular", "periodic", "dedicated", "focused", "technical",
];

/// Prepositions that give a change its scope ("for the payment retry path", "in CI").
#[rustfmt::skip]
static SCOPE: &[&str] = &[
    "for", "in", "on", "to", "from", "across", "between", "into", "of", "at", "behind",
    "around", "inside", "outside", "within", "against", "during", "after",
];

/// Heads that say something will change without saying how ("Fix", "Update").
#[rustfmt::skip]
static LOOSE_HEADS: &[&str] = &[
    "fix", "update", "adjust", "tune", "tweak", "change", "modify",
];

/// Objects that stand for a whole practice rather than one change ("monitoring", "tests").
#[rustfmt::skip]
static CATCH_ALL: &[&str] = &[
    "monitoring", "alerting", "alert", "alerts", "logging", "logs", "test", "tests", "testing",
    "error", "errors", "handling", "dashboard", "dashboards", "metrics", "documentation",
    "docs", "validation", "checks", "coverage", "observability", "visibility", "safeguards",
    "guardrails", "automation", "tooling", "instrumentation", "telemetry", "tracing",
];

fn title_case(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// After a non-committal head: a later clause that commits to a specific change ("... and
/// import them into cert-manager").
fn committed_later(rest: &[&str]) -> bool {
    for (k, w) in rest.iter().enumerate() {
        if *w == "and" || *w == "then" {
            let Some(next) = rest.get(k + 1) else {
                continue;
            };
            if word_in!(NONCOMMITTAL, next) || word_in!(WISHFUL, next) || word_in!(STOP, next) {
                continue;
            }
            let clause = &rest[k + 2..];
            let toks: Vec<Token> = tokenize(&clause.join(" "));
            if strong(&toks, "") || content(clause) >= 2 {
                return true;
            }
        }
    }
    false
}

/// After a wishful head: "by/with/using ..." followed by two specific words, or a
/// mechanism word followed by them ("... that blocks promotion").
fn named_mechanism(rest: &[&str]) -> bool {
    rest.iter()
        .enumerate()
        .any(|(k, w)| (word_in!(HOW, w) || word_in!(MECHANISM, w)) && content(&rest[k + 1..]) >= 2)
}

fn deadline_noise() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?ix)
            \b\d{4}-\d{1,2}-\d{1,2}\b                                  # ISO dates
          | \b(?:by|before|on|until|in)\s+(?:the\s+)?(?:end\s+of\s+)?(?:q[1-4]|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+\d{4})?)\b
          | \b(?:within|in|after|by)\s+(?:the\s+)?(?:next\s+)?\d+\s*(?:days?|weeks?|months?|sprints?|quarters?)\b
          | \b\d+-(?:day|week|month)\s+(?:follow-?up|review|check-?in)\b
          | \b[A-Z][A-Z0-9]+-\d+\b                                     # ticket and incident ids
          | \[[^\]]*\]                                                # template placeholders
        ").unwrap()
    })
}

/// Verbs of something anyone can watch happen.
#[rustfmt::skip]
static OBSERVABLE: &[&str] = &[
    "block", "blocks", "blocked", "page", "pages", "paged", "alert", "alerts", "alerted",
    "fail", "fails", "failed", "reject", "rejects", "rejected", "return", "returns", "returned",
    "roll", "rolls", "rolled", "hold", "holds", "held", "run", "runs", "ran", "appear",
    "appears", "appeared", "show", "shows", "shown", "showed", "list", "lists", "listed",
    "open", "opens", "opened", "fire", "fires", "fired", "trigger", "triggers", "triggered",
    "deny", "denies", "denied", "times", "timed", "emit", "emits", "emitted", "export",
    "exports", "exported", "record", "records", "recorded", "report", "reports", "reported",
    "pass", "passes", "passed", "refuse", "refuses", "refused", "stop", "stops", "stopped",
    "prevent", "prevents", "prevented", "notify", "notifies", "notified", "send", "sends",
    "sent", "display", "displays", "displayed", "measure", "measures", "measured", "load",
    "loads", "loaded", "route", "routes", "routed", "cap", "caps", "capped", "limit", "limits",
    "limited", "drop", "drops", "dropped", "retry", "retries", "retried", "expire", "expires",
    "expired", "rotate", "rotates", "rotated", "renew", "renews", "renewed", "promote",
    "promotes", "promoted", "gate", "gates", "gated", "flag", "flags", "flagged", "reach",
    "reaches", "reached", "stay", "stays", "stayed", "remain", "remains", "exceed", "exceeds",
    "complete", "completes", "succeed", "succeeds", "succeeded", "restore", "restores",
    "restored", "recover", "recovers", "recovered", "wake", "wakes", "connect", "connects",
    "merge", "merges", "warn", "warns", "warned", "break", "breaks", "catch", "catches",
    "caught", "detect", "detects", "detected", "switch", "switches", "switched", "serve",
    "serves", "served", "respond", "responds", "answer", "answers", "lock", "locks", "locked",
    "accept", "accepts", "accepted", "queue", "queues", "queued", "abort", "aborts", "aborted",
    "halt", "halts", "halted", "require", "requires", "required", "differ", "differs", "match",
    "matches", "matched", "count", "counts", "counted", "cover", "covers", "covered",
];

/// Outcome words that observe nothing ("improved", "reviewed", "done").
#[rustfmt::skip]
static UNOBSERVABLE: &[&str] = &[
    "improved", "better", "reviewed", "discussed", "investigated", "considered", "understood",
    "aware", "awareness", "careful", "done", "complete", "completed", "closed", "resolved",
    "addressed", "looked", "explored", "evaluated", "assessed", "tbd", "n/a", "fixed",
    "verified", "tested", "updated", "added", "implemented", "deployed", "exists", "exist",
    "working", "works", "place", "ready", "finished", "merged", "shipped", "released",
    "delivered", "happy", "satisfied", "agreed", "approved", "signed", "documented", "written",
    "created", "configured", "enabled",
];

/// True when a Definition of Done names something observable: a sentence with a threshold,
/// a number or a verb of something anyone can watch happen ("blocks", "pages", "fails the
/// build"), about at least two specific things. Deadlines ("by 2024-03-30", "within 30 days")
/// and ticket ids are not observations.
pub fn observable(dod: &str) -> bool {
    let cleaned = deadline_noise().replace_all(dod, " ");
    super::text::sentences(&cleaned).iter().any(|s| {
        let toks = tokenize(&s.text);
        let ws = words(&toks);
        let measured = strong(&toks, &s.text) || ws.iter().any(|w| word_in!(OBSERVABLE, w));
        let specific: Vec<&str> = ws
            .iter()
            .copied()
            .filter(|w| !word_in!(UNOBSERVABLE, w))
            .collect();
        measured && content(&specific) >= 2 && has_phrase(&ws, &[]).is_none()
    })
}

/// True when a title is specific beyond doubt: a threshold, a number or code, or at least
/// three specific words. Such a title is not made vague by a loose description.
fn clearly_specific(title: &str, toks: &[Token]) -> bool {
    strong(toks, title) || content(&words(toks)) >= 3
}

/// Why an action item is vague, if it is: its title, or every sentence of its description
/// (when the title alone is not clearly specific), is vague, and its Definition of Done names
/// nothing observable.
pub fn vague_item(title: &str, description: &str, dod: &str, extra: &[String]) -> Option<String> {
    let toks = tokenize(title);
    let why = vague_tokens(title, &toks, extra, false)
        .map(|w| format!("title: {w}"))
        .or_else(|| {
            if clearly_specific(title, &toks) {
                return None;
            }
            let sentences = super::text::sentences(description);
            let whys: Vec<Option<String>> = sentences
                .iter()
                .map(|s| vague_statement(&s.text, extra, true))
                .collect();
            if !whys.is_empty() && whys.iter().all(Option::is_some) {
                whys.into_iter()
                    .flatten()
                    .next()
                    .map(|w| format!("description: {w}"))
            } else {
                None
            }
        })?;
    (!observable(dod)).then_some(why)
}

/// The value of an action item's field `name` (first occurrence, any case) and its position.
fn field<'r>(block: &'r ActionBlock, name: &str) -> Option<&'r ActionField> {
    block
        .fields
        .iter()
        .find(|x| x.name.eq_ignore_ascii_case(name))
}

/// [`vague_item`], judged once per distinct item while the archive is linted with `people`.
fn vague_remembered(
    people: &People,
    title: &str,
    description: &str,
    dod: &str,
    extra: &[String],
) -> Option<String> {
    super::blame::vague_memo(people).verdict((title, description, dod), extra, || {
        vague_item(title, description, dod, extra)
    })
}

/// Runs the rules that read only the text of action items (`vague-action`,
/// `owner-placeholder`) on every action block of a report, valid or not. Action items are
/// judged once per distinct item ([`vague_item`] depends on nothing else but the site's
/// vague words), with the verdicts kept with `people`.
pub fn check_text(r: &Report, people: &People, config: &Config, f: &mut Findings<'_>) {
    let lint = &config.lint;
    let draft = r
        .front
        .status
        .as_ref()
        .and_then(|s| ReportStatus::parse(&s.value))
        == Some(ReportStatus::Draft);
    for block in &r.actions {
        let value = |name: &str| field(block, name).map(|x| x.value.as_str()).unwrap_or("");
        let title = block.title.as_str();
        if f.on(VAGUE_ACTION)
            && let Some(why) = vague_remembered(
                people,
                title,
                value("Description"),
                value("Definition of Done"),
                &lint.vague_words,
            )
        {
            f.push(
                VAGUE_ACTION,
                block.line,
                1,
                format!("action item `{title}` is vague ({why}) and its Definition of Done names nothing observable"),
                "name the mechanism, its scope, a threshold and the outcome: \"Implement automated canary analysis that blocks promotion if error rate > 0.5%\"",
            );
        }
        // The example item of a report `pirsite new` started, still a draft: its `TBD` is part
        // of the example. Once the report goes to review, the item is reported as example
        // text left in, and its owner here.
        if draft && title == crate::new::EXAMPLE_ACTION_TITLE {
            continue;
        }
        // An empty Owner is validation's error ("has an empty `Owner`"), not a second finding.
        if let Some(owner) = field(block, "Owner")
            && !owner.value.trim().is_empty()
            && is_placeholder_owner(&owner.value, &lint.placeholder_owners)
        {
            f.push(
                OWNER_PLACEHOLDER,
                owner.line,
                owner.col,
                format!("action item `{title}` has no real owner: `{}`", owner.value),
                "name one person who is accountable for it (the work may be shared, the ownership is not)",
            );
        } else if let Some(owner) = field(block, "Owner")
            && let Some(n) = several_owners(&owner.value)
        {
            f.push(
                OWNER_PLACEHOLDER,
                owner.line,
                owner.col,
                format!("action item `{title}` has {n} owners: `{}`", owner.value),
                "name the one person accountable for it; the others can do the work with them (the ownership is not shared)",
            );
        }
    }
}

/// Runs the rules on the due dates of a report's action items (`due-before-incident`,
/// `due-too-far`); items whose Due or Priority does not parse are left to validation.
pub fn check_dates(r: &Report, facts: &Facts<'_>, config: &Config, f: &mut Findings<'_>) {
    let lint = &config.lint;
    let Some(date) = facts.date else {
        return;
    };
    for block in &r.actions {
        let value = |name: &str| field(block, name).map(|x| x.value.as_str()).unwrap_or("");
        let (Ok(due), Some(priority)) = (
            crate::validate::parse_date(value("Due"), None),
            Priority::parse(value("Priority")),
        ) else {
            continue;
        };
        let title = block.title.as_str();
        let at = |name: &str| {
            field(block, name)
                .map(|x| (x.line, x.col))
                .unwrap_or((block.line, 1))
        };
        let (line, col) = at("Due");
        let after = (due - date).num_days();
        if after < 0 {
            f.push(
                DUE_BEFORE_INCIDENT,
                line,
                col,
                format!(
                    "action item `{}` is due {} ({} {} before the incident on {})",
                    title,
                    due,
                    -after,
                    if after == -1 { "day" } else { "days" },
                    date
                ),
                "an action item is due after the incident that raised it; check the year and the month",
            );
            continue;
        }
        let limit = lint.due_days[match priority {
            Priority::P1 => 0,
            Priority::P2 => 1,
            Priority::P3 => 2,
        }];
        if after > i64::from(limit) {
            f.push(
                DUE_TOO_FAR,
                line,
                col,
                format!(
                    "{} action item `{}` is due {after} days after the incident; {} items are due within {limit} days (by {})",
                    priority.as_str(),
                    title,
                    priority.as_str(),
                    date + chrono::Days::new(u64::from(limit))
                ),
                "bring the Due date nearer, or lower the priority if it can wait; `[lint] due_days` in site.toml sets the limits",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_owners() {
        for o in [
            "TBD",
            "?",
            "someone",
            "Everyone",
            "team",
            "n/a",
            "Unassigned",
            "[Specific person]",
            "tbd (Sarah?)",
            "-",
            "The Team",
        ] {
            assert!(is_placeholder_owner(o, &[]), "{o}");
        }
        for o in [
            "Sarah Chen",
            "Platform Team",
            "Diego Alvarez",
            "Teodora",
            "Callum Oncaller",
        ] {
            assert!(!is_placeholder_owner(o, &[]), "{o}");
        }
        for o in [
            "me",
            "Needs owner",
            "Whoever is on call",
            "@sre-oncall",
            "the on-call engineer",
        ] {
            assert!(is_placeholder_owner(o, &[]), "{o}");
        }
        assert!(is_placeholder_owner(
            "Platform Team",
            &["platform team".into()]
        ));
    }

    #[test]
    fn several_owners_are_counted_outside_brackets() {
        assert_eq!(several_owners("John / Mike"), Some(2));
        assert_eq!(several_owners("Sarah Chen, Mike Ross"), Some(2));
        assert_eq!(several_owners("Ana and Raj & Li"), Some(3));
        for one in [
            "Sarah Chen",
            "Sarah Chen (SRE, payments)",
            "Alexandra Anderson",
            "Sarah Chen,",
            "Sarah Chen, SRE",
        ] {
            assert_eq!(several_owners(one), None, "{one}");
        }
    }

    #[test]
    fn the_guide_examples() {
        for bad in [
            "Be more careful with deployments",
            "Add more tests",
            "Review deployment process",
            "Improve monitoring",
            "Investigate the latency spike",
            "Look into connection pool exhaustion",
            "Consider adding retries",
        ] {
            assert!(vague_statement(bad, &[], false).is_some(), "{bad}");
            assert!(vague_item(bad, bad, "Done.", &[]).is_some(), "{bad}");
        }
        for good in [
            "Implement automated canary analysis that blocks promotion if error rate > 0.5%",
            "Add integration test for the payment retry path with declined card codes",
            "Add checkout error rate dashboard with 1-minute granularity and SLO burn rate alerts",
            "Document and implement automated rollback trigger when error rate exceeds 2x baseline",
        ] {
            assert_eq!(vague_statement(good, &[], false), None, "{good}");
        }
    }

    #[test]
    fn site_vague_words_extend_the_list() {
        let extra = vec!["Circulate".to_string()];
        let title = "Circulate the payments retry design with partner teams";
        assert_eq!(vague_statement(title, &[], false), None);
        assert!(vague_statement(title, &extra, false).is_some());
        // A threshold still makes it specific.
        assert_eq!(
            vague_statement(
                "Circulate the 10% retry budget with partner teams",
                &extra,
                false
            ),
            None
        );
    }

    #[test]
    fn observable_definitions_of_done() {
        assert!(observable(
            "Promotion is blocked automatically when the canary's error rate exceeds 0.5%."
        ));
        assert!(observable(
            "The integration suite runs the declined-card retry path on every merge to checkout-api."
        ));
        for vague in [
            "",
            "Done.",
            "Monitoring is improved.",
            "The team is more careful.",
            "Process reviewed with the team by 2024-04-30.",
            "Completed within 30 days, tracked in OPS-1234.",
            "[How we know this is complete]",
        ] {
            assert!(!observable(vague), "{vague}");
        }
    }

    #[test]
    fn a_vague_title_with_an_observable_definition_of_done_passes() {
        assert_eq!(
            vague_item(
                "Improve monitoring",
                "Add a burn-rate alert.",
                "A burn-rate alert pages within 5 minutes when more than 5% of checkouts fail.",
                &[]
            ),
            None
        );
    }
}
