//! `blame-language`: sentences that put a failure on a person rather than on a condition.
//!
//! A sentence is flagged when it
//! - uses words that judge a person whoever the subject is ("human error", "careless",
//!   "negligent", "should have known", "forgot to", "dropped the ball"...), or
//! - has a person as the subject of a failure verb ("Tom failed to", "the engineer ignored",
//!   "Sarah did not check", "Mike broke", "Priya should have"...), or of a verb of making
//!   something plus a judgement of it ("John deployed buggy code without proper testing"), or
//!   names a person as the agent of the failure ("caused by Tom", "Tom's mistake", "if Tom had
//!   tested").
//!
//! A person is a name of the archive (owners and on-call), a common first name, a role
//! ("the on-call engineer", "the intern", "someone"), or a capitalised word that reads as a
//! name right before a failure verb. Systems as subjects ("Canary analysis did not compare
//! error rates", "The runbook didn't cover it") are never a person, and neither is a person
//! who is the object of the sentence ("the alert did not page Tom") or who fixed something
//! ("Diego rolled back the faulty release").

use super::memo::{Memo, Three};
use super::text::{Token, tokenize};
use crate::text::FastBuild;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Names of the people of the archive (lowercase name parts: first names and surnames).
///
/// It also carries what the lints remember while linting the archive with these names: the
/// verdict of every sentence [`blame`] judged (a verdict depends only on the sentence, these
/// names and the site's blame words) and of every action item
/// [`vague_item`](super::actions::vague_item) judged.
#[derive(Debug, Default, Clone)]
pub struct People {
    names: HashSet<String>,
    memo: std::sync::Arc<Memos>,
}

/// The lints' verdicts for one set of names.
#[derive(Debug, Default)]
struct Memos {
    blame: Memo<Option<String>>,
    vague: Memo<Option<String>, Three>,
}

impl People {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a person's name as written in an owner or on-call field ("Sarah Chen"). Values
    /// that name a group or nobody ("Platform Team", "TBD") add nothing.
    pub fn add(&mut self, name: &str) {
        self.memo = Default::default();
        let toks = tokenize(name);
        if toks.is_empty()
            || toks
                .iter()
                .any(|t| !t.punct && (!t.titlecase || GROUP_WORDS.contains(&t.word.as_str())))
        {
            return;
        }
        for t in toks.iter().filter(|t| !t.punct && t.word.len() >= 2) {
            if !NOT_NAMES.contains(&t.word.as_str()) {
                self.names.insert(t.word.to_string());
            }
        }
    }

    /// True when `word` (lowercase) is part of a known person's name.
    pub fn contains(&self, word: &str) -> bool {
        self.names.contains(word)
    }

    /// A key that is the same for two sets of the same names: what lint findings that read
    /// the set are kept for.
    pub fn key(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut names: Vec<&String> = self.names.iter().collect();
        names.sort_unstable();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        names.hash(&mut h);
        h.finish()
    }

    /// Number of name parts known.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when no name is known.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Words that make an owner value a group rather than a person.
#[rustfmt::skip]
static GROUP_WORDS: &[&str] = &[
    "team", "group", "squad", "guild", "crew", "chapter", "department", "org", "ops", "sre",
];

/// Words and phrases that judge a person whatever the subject of the sentence.
#[rustfmt::skip]
static ABSOLUTE: &[&str] = &[
    "human error", "human errors", "operator error", "pilot error", "engineer error",
    "engineering error", "developer error", "human mistake", "careless", "carelessly",
    "carelessness", "negligent", "negligently", "negligence", "should have known",
    "ought to have known", "should have known better", "forgot to", "forgot", "forgotten", "neglected to",
    "did not bother", "nobody bothered", "no one bothered", "never bothered to",
    "did not know what they were doing", "did not know what he was doing",
    "did not know what she was doing", "no idea what they were doing",
    "no idea what he was doing", "no idea what she was doing", "never bothered",
    "not paying attention", "did not pay attention", "paid no attention", "lack of attention",
    "dropped the ball", "asleep at the wheel", "fat-fingered", "fat fingered", "fat-finger",
    "screwed up", "messed up", "botched", "bungled", "sloppy", "sloppiness", "lazy", "laziness",
    "incompetent", "incompetence", "reckless", "recklessly", "irresponsible", "irresponsibly",
    "inattentive", "inattention", "clueless", "stupid", "dumb mistake", "silly mistake",
    "rookie mistake", "at fault", "'s fault", "fault of", "to blame", "blame lies", "blame for",
    "blamed", "is responsible for the outage", "responsibility for the outage",
    "responsibility for this outage", "responsibility for the incident",
    "responsibility for this incident", "responsibility lies", "was responsible for the outage",
    "were responsible for the outage", "was responsible for the incident",
    "is responsible for the incident", "were responsible for the incident",
    "responsible for causing", "did not follow the runbook", "did not follow the process",
    "did not follow procedure", "failed to follow", "ignored the runbook",
    "ignored the process", "ignored the warning", "ignored the warnings", "ignored the alert",
    "ignored the alerts", "ignored alerts", "without thinking", "cut corners", "went rogue",
    "against policy", "against the policy", "against advice", "against the advice",
    "in violation of", "by accident", "oversight by", "oversight of", "mistake by",
    "mistake of", "error by", "error on the part of", "on the part of", "lapse by",
    "cutting corners", "lack of diligence", "lack of care", "poor judgement", "poor judgment",
    "bad judgement", "bad judgment", "error in judgement", "error in judgment",
    "lapse in judgement", "lapse in judgment", "lapse of judgement", "lapse of judgment",
    "was not careful", "were not careful", "not careful enough", "more careful",
];

/// Words that deny a judgement that follows them ("not human error", "no one was careless").
#[rustfmt::skip]
static DENIALS: &[&str] = &[
    "not", "no", "never", "rather", "instead", "without", "beyond", "avoid", "avoiding",
    "blaming", "nobody", "nor", "neither",
];

/// Roles that stand for a person ("the on-call engineer", "someone").
#[rustfmt::skip]
static ROLES: &[&str] = &[
    "ops", "devops", "qa", "engineer", "engineers", "developer", "developers", "dev", "devs",
    "operator", "operators", "admin", "admins", "administrator", "sre", "sres", "dba", "intern",
    "interns", "contractor", "contractors", "on-call", "oncall", "on-caller", "responder",
    "responders", "deployer", "reviewer", "reviewers", "author", "committer", "maintainer",
    "manager", "lead", "commander", "employee", "employees", "staffer", "teammate", "colleague",
    "hire", "programmer", "coder", "tester", "technician", "team", "analyst", "architect",
    "owner",
];

/// Pronouns and words that are a person on their own.
static PERSON_WORDS: &[&str] = &["someone", "somebody", "he", "she", "whoever"];

/// Determiners and words that may open a role phrase ("the", "our new", ...).
#[rustfmt::skip]
static DETERMINERS: &[&str] = &[
    "the", "a", "an", "our", "one", "another", "that", "this", "their", "his", "her", "its",
    "your", "my", "each", "every", "some", "any",
];

/// Words before a noun that make a capitalised word a thing, not a name ("the Scheduler").
#[rustfmt::skip]
static ARTICLES: &[&str] = &[
    "the", "a", "an", "our", "their", "his", "her", "its", "your", "my", "each", "every",
    "another",
];

/// Words that may stand between a role's determiner and the role ("the on-call database
/// engineer", "a junior engineer").
const ROLE_MODIFIERS_MAX: usize = 3;

/// Words that may stand between a subject and its verb.
#[rustfmt::skip]
static FILLERS: &[&str] = &[
    "then", "also", "again", "still", "just", "simply", "apparently", "clearly", "obviously",
    "unfortunately", "initially", "later", "subsequently", "repeatedly", "once", "evidently",
    "allegedly", "somehow", "completely", "totally", "quickly", "had", "has", "have", "was",
    "were", "is", "on", "duty", "call", "himself", "herself", "themselves", "already", "first",
    "eventually", "ultimately", "originally", "previously", "yesterday", "earlier", "actually",
    "really", "personally", "manually", "directly", "responsible", "involved", "concerned",
    "assigned", "in", "charge",
];

/// Adverbs that make whatever a person did a mistake.
#[rustfmt::skip]
static BLAME_ADVERBS: &[&str] = &[
    "accidentally", "mistakenly", "inadvertently", "carelessly", "hastily", "blindly",
    "erroneously", "wrongly", "incorrectly", "improperly", "recklessly", "negligently",
    "unknowingly", "lazily", "sloppily",
];

/// Verbs that are a failure when a person does them.
#[rustfmt::skip]
static FAILURE_VERBS: &[&str] = &[
    "forgot", "forgets", "neglected", "neglects", "ignored", "ignores", "ignoring",
    "overlooked", "overlooks", "skipped", "skips", "missed", "misses", "broke", "breaks",
    "caused", "causes", "misconfigured", "misconfigures", "mis-configured", "misread",
    "misjudged", "mishandled", "misunderstood", "misinterpreted", "mistyped", "miscalculated",
    "misapplied", "botched", "bungled", "disregarded", "bypassed", "circumvented", "messed",
    "screwed", "fumbled", "blundered", "erred", "goofed", "neglect", "crashed", "dropped",
    "deleted", "wiped", "corrupted", "introduced", "disabled", "silenced", "muted", "snoozed",
    "acked", "approved", "rubber-stamped", "rushed", "let", "slept", "overslept", "corrupted",
    "overrode", "overrides", "violated", "violates", "disobeyed", "defied", "deletes", "drops",
    "wipes", "skip", "ignore", "bypass", "override", "violate",
];

/// Failure verbs that blame only with a harmed object: what was lost, let through or
/// silenced ("dropped the production table", "introduced a bug", "muted the alert").
/// "Deleted the bad cache entries" or "introduced a retry budget" blame nobody.
fn harmed_objects(verb: &str) -> Option<&'static [&'static str]> {
    const LOST: &[&str] = &[
        "production",
        "prod",
        "table",
        "tables",
        "database",
        "databases",
        "data",
        "volume",
        "volumes",
        "cluster",
        "bucket",
        "buckets",
        "backup",
        "backups",
        "index",
        "topic",
        "queue",
        "records",
        "rows",
        "zone",
        "namespace",
        "site",
        "server",
        "servers",
        "primary",
        "replica",
        "disk",
    ];
    const LET_THROUGH: &[&str] = &[
        "bug",
        "bugs",
        "regression",
        "regressions",
        "defect",
        "flaw",
        "typo",
        "mistake",
        "error",
        "errors",
        "vulnerability",
        "through",
        "slip",
        "outage",
        "incident",
    ];
    const SILENCED: &[&str] = &[
        "alert",
        "alerts",
        "page",
        "pages",
        "warning",
        "warnings",
        "alarm",
        "alarms",
        "monitoring",
        "check",
        "checks",
        "notification",
        "notifications",
        "pager",
    ];
    const JUDGED: &[&str] = &[
        "buggy",
        "bad",
        "broken",
        "faulty",
        "wrong",
        "untested",
        "unreviewed",
        "risky",
        "dangerous",
        "without",
    ];
    match verb {
        "dropped" | "deleted" | "wiped" | "crashed" | "corrupted" | "deletes" | "drops"
        | "wipes" => Some(LOST),
        "introduced" | "let" => Some(LET_THROUGH),
        "disabled" | "silenced" | "muted" | "snoozed" | "acked" => Some(SILENCED),
        "approved" | "rubber-stamped" => Some(JUDGED),
        _ => None,
    }
}

/// After "did not" / "never": verbs that describe a situation rather than an omission.
#[rustfmt::skip]
static NOT_OMISSIONS: &[&str] = &[
    "have", "has", "receive", "get", "hear", "know", "need", "exist", "happen", "reach",
    "apply", "work", "affect", "expect", "own", "hold", "include", "want", "appear",
];

/// Participles of what happens to a person rather than what they do ("had not received").
#[rustfmt::skip]
static UNDERGONE: &[&str] = &[
    "received", "heard", "needed", "expected", "experienced", "encountered", "owned",
    "included", "affected", "reached", "involved", "informed", "told", "asked", "trained",
    "assigned", "paged", "notified", "alerted", "warned", "invited", "consulted", "onboarded",
    "granted", "allowed", "authorized", "authorised", "briefed", "called", "contacted", "shown",
    "given",
];

/// Verbs of making or changing something: blame when the sentence judges the result.
#[rustfmt::skip]
static MAKING_VERBS: &[&str] = &[
    "deployed", "deploys", "pushed", "pushes", "shipped", "ships", "merged", "merges",
    "committed", "commits", "wrote", "writes", "written", "released", "approved", "approves",
    "made", "makes", "configured", "configures", "set", "changed", "changes", "edited", "edits",
    "applied", "applies", "ran", "runs", "executed", "executes", "rolled", "added", "adds",
    "updated", "updates", "modified", "modifies", "typed", "entered", "copied", "pasted",
    "upgraded", "upgrades", "started", "triggered", "reviewed", "tested", "changed",
    "submitted", "authored", "created", "built", "coded", "hardcoded", "hard-coded", "promoted",
    "chose", "decided", "assumed", "used", "left", "turned", "removed", "did", "went",
];

/// Judgements of what a person made.
#[rustfmt::skip]
static JUDGEMENTS: &[&str] = &[
    "buggy", "bad", "broken", "faulty", "wrong", "incorrect", "incorrectly", "untested",
    "unreviewed", "unapproved", "unvalidated", "improper", "improperly", "proper", "properly",
    "sloppy", "hasty", "hastily", "rushed", "blindly", "mistake", "mistakes", "mistakenly",
    "poorly", "poor", "dangerous", "risky", "careless", "without", "instead", "anyway",
    "despite", "bug", "defective", "flawed", "shoddy", "half-baked", "sub-par", "subpar",
    "inadequate", "insufficient", "insufficiently", "straight", "shortcut", "shortcuts",
];

/// What a person's act did, after "which" or "and" ("left debug logging on, which filled
/// the disks").
#[rustfmt::skip]
static CONSEQUENCES: &[&str] = &[
    "caused", "broke", "filled", "took", "crashed", "exhausted", "overloaded", "triggered",
    "brought", "knocked", "corrupted", "deleted", "locked", "saturated", "wiped", "exposed",
    "leaked", "disabled", "blocked", "stalled", "killed",
];

/// True when a consequence (`rest` starts at its verb) is harm, not recovery: "filled the
/// disks", "broke checkout", "caused an outage"; not "caused error rates to drop".
fn harmful(rest: &[Token]) -> bool {
    let verb = rest[0].word.as_str();
    let window = &rest[1..rest.len().min(7)];
    if window.iter().any(|t| word_in!(RECOVERY, &t.word)) {
        return false;
    }
    matches!(
        verb,
        "broke"
            | "breaking"
            | "crashed"
            | "exhausted"
            | "overloaded"
            | "corrupted"
            | "wiped"
            | "leaked"
            | "knocked"
            | "saturated"
            | "stalled"
            | "killed"
            | "exposed"
            | "filled"
    ) || window.iter().any(|t| word_in!(HARMS, &t.word))
}

/// Words of recovery that make a consequence good news.
#[rustfmt::skip]
static RECOVERY: &[&str] = &[
    "drop", "fall", "recover", "recovered", "improve", "improved", "return", "normal",
    "baseline", "stabilise", "stabilize", "resolve", "resolved", "restore", "restored",
];

/// Words of harm that make a consequence bad news.
#[rustfmt::skip]
static HARMS: &[&str] = &[
    "outage", "outages", "incident", "downtime", "failure", "failures", "loss", "exhaustion",
    "errors", "500s", "timeouts", "degradation", "breakage", "down", "offline", "disk", "disks",
    "lock", "locks", "deadlock", "pages", "alerts", "backlog", "corruption",
];

/// Judgements of what a person acted on, right after the verb ("restarted the wrong cluster").
#[rustfmt::skip]
static OBJECT_JUDGEMENTS: &[&str] = &["wrong", "incorrect"];

/// Words that make any act a mistake, wherever they stand in the sentence.
#[rustfmt::skip]
static STRONG_JUDGEMENTS: &[&str] = &[
    "shortcut", "shortcuts", "rogue", "mistakenly", "carelessly", "sloppy", "sloppily", "buggy",
    "untested", "unreviewed", "recklessly", "hastily", "blindly", "negligently", "erroneously",
];

/// Gerunds after "without" that make an act careless ("without asking anyone").
#[rustfmt::skip]
static CARE_GERUNDS: &[&str] = &[
    "asking", "telling", "checking", "testing", "reviewing", "waiting", "reading",
    "understanding", "consulting", "verifying", "notifying", "informing", "looking", "thinking",
    "confirming", "validating", "coordinating", "warning", "double-checking",
];

/// Nouns of a person's fault ("Priya's oversight").
#[rustfmt::skip]
static FAULT_NOUNS: &[&str] = &[
    "mistake", "mistakes", "fault", "error", "errors", "blunder", "oversight", "lapse",
    "negligence", "carelessness", "slip", "screw-up", "screwup", "failure", "incompetence",
];

/// Nouns that make "fault" part of a technical term ("the load balancer's fault detection",
/// "fault tolerance"): no one's fault.
#[rustfmt::skip]
static FAULT_COMPOUNDS: &[&str] = &[
    "detection", "detector", "detectors", "tolerance", "tolerant", "injection", "injector",
    "domain", "domains", "isolation", "handling", "handler", "handlers", "zone", "zones",
    "code", "codes", "condition", "conditions", "counter", "counters", "status", "state",
    "alarm", "alarms", "signal", "signals", "event", "events", "log", "logs", "path", "paths",
    "mode", "modes", "model", "models", "tree", "trees", "line", "lines", "recovery",
    "management", "monitor", "monitoring", "threshold", "thresholds", "timer", "timeout",
];

/// Words of [`STRONG_JUDGEMENTS`] that judge the act, not its object.
static ACT_JUDGEMENTS: &[&str] = &[
    "mistakenly",
    "carelessly",
    "sloppily",
    "recklessly",
    "hastily",
    "blindly",
    "negligently",
    "erroneously",
    "rogue",
];

/// What a person is judged to have lacked ("more care from Sam would have prevented it").
#[rustfmt::skip]
static VIRTUES: &[&str] = &[
    "care", "discipline", "diligence", "attention", "vigilance", "carefulness", "rigor",
    "rigour", "competence", "focus", "caution", "thoroughness", "professionalism",
];

/// Verbs of fixing or finding: a person who did these is not blamed for what they fixed.
#[rustfmt::skip]
static REMEDY_VERBS: &[&str] = &[
    "revert", "fix", "identify", "find", "found", "notice", "spot", "catch", "caught",
    "resolve", "mitigate", "restore", "acknowledge", "investigate", "escalate", "diagnose",
    "patch", "detect", "report", "flag", "replace", "trace", "confirm", "isolate", "page",
    "disable", "stop", "recover", "rebuild", "rebuilt", "clean", "remove", "kill", "drain",
    "correct", "repair", "quarantine", "cordon", "evict", "undo", "unblock", "reboot",
    "restart", "rotate", "renew", "reissue", "purge", "flush", "failover", "close", "open",
    "declare", "notify", "locate", "pinpoint", "bisect",
    "reproduce", "debug", "analyse", "analyze", "review", "spot-check", "verify", "validate",
];

/// Verbs of finding out, among [`REMEDY_VERBS`]: what they find may be wrong without the
/// finder being so ("spots the incorrect DNS record").
static DISCOVERY_VERBS: &[&str] = &[
    "find",
    "found",
    "identify",
    "notice",
    "spot",
    "catch",
    "caught",
    "detect",
    "report",
    "flag",
    "trace",
    "confirm",
    "locate",
    "pinpoint",
    "diagnose",
    "investigate",
    "acknowledge",
    "bisect",
    "reproduce",
    "debug",
    "analyse",
    "analyze",
    "review",
    "verify",
    "validate",
    "escalate",
    "notify",
    "declare",
    "isolate",
    "spot-check",
];

/// True when `w` is a form of a verb of fixing or finding: the base, `-s`/`-es`, `-d`/`-ed`,
/// `-ies`/`-ied` of a `-y` verb, or a doubled final consonant (`spotted`).
fn remedy(w: &str) -> bool {
    form_of(REMEDY_VERBS, w)
}

/// True when `w` is a form of one of the base verbs of `list` (see [`remedy`]).
fn form_of(list: &'static [&'static str], w: &str) -> bool {
    if is(list, w) {
        return true;
    }
    let base = |stem: &str| is(list, stem);
    let strip = |suffix: &str| w.strip_suffix(suffix);
    strip("s").is_some_and(base)
        || strip("es").is_some_and(base)
        || strip("d").is_some_and(base)
        || strip("ed").is_some_and(|s| {
            base(s)
                || (s.len() > 2
                    && s.as_bytes()[s.len() - 1] == s.as_bytes()[s.len() - 2]
                    && base(&s[..s.len() - 1]))
        })
        || strip("ies").is_some_and(|s| base(&format!("{s}y")))
        || strip("ied").is_some_and(|s| base(&format!("{s}y")))
}

/// Capitalised words that are not names even right before a verb: products, systems and
/// common sentence openers.
#[rustfmt::skip]
static NOT_NAMES: &[&str] = &[
    "had", "has", "have", "was", "were", "is", "are", "did", "does", "do", "should", "would",
    "could", "will", "can", "must", "thanks", "rather", "unfortunately", "fortunately",
    "luckily", "sadly", "instead", "overall", "later", "today", "tonight", "yesterday",
    "tomorrow", "please", "note", "also", "first", "next", "last", "previously", "earlier",
    "root", "cause", "impact", "summary", "timeline", "why", "what", "per", "via", "about",
    "above", "below", "under", "over", "around", "across", "within", "despite", "given",
    "following", "regarding", "due", "like", "unlike", "upon", "toward", "towards", "amid",
    "the", "a", "an", "it", "this", "that", "these", "those", "there", "then", "when", "after",
    "before", "during", "because", "while", "although", "however", "also", "finally",
    "initially", "later", "meanwhile", "here", "our", "their", "its", "his", "her", "my",
    "your", "each", "every", "all", "some", "most", "many", "few", "both", "either", "neither",
    "another", "other", "one", "two", "three", "nothing", "nobody", "none", "everything",
    "everyone", "something", "anything", "no", "nor", "not", "if", "so", "but", "and", "or",
    "we", "they", "you", "i", "as", "at", "by", "for", "from", "in", "of", "on", "to", "with",
    "without", "once", "since", "until", "unless", "what", "which", "who", "why", "how",
    "where", "only", "even", "still", "yet", "again", "customers", "users", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "redis", "postgres", "postgresql", "mysql", "mongo", "mongodb", "kafka", "kubernetes",
    "terraform", "ansible", "jenkins", "nginx", "envoy", "istio", "linkerd", "consul", "vault",
    "github", "gitlab", "bitbucket", "pagerduty", "opsgenie", "datadog", "grafana",
    "prometheus", "alertmanager", "elasticsearch", "opensearch", "cassandra", "docker", "helm",
    "argo", "argocd", "spinnaker", "circleci", "travis", "sentry", "splunk", "kibana",
    "logstash", "fluentd", "loki", "jaeger", "zipkin", "honeycomb", "memcached", "rabbitmq",
    "zookeeper", "etcd", "celery", "sidekiq", "lambda", "cloudflare", "akamai", "fastly",
    "stripe", "adyen", "braintree", "paypal", "twilio", "sendgrid", "mailgun", "okta", "slack",
    "jira", "confluence", "zoom", "aws", "gcp", "azure", "google", "amazon", "microsoft",
    "apple", "android", "linux", "ubuntu", "debian", "windows", "java", "python", "go",
    "golang", "rust", "node", "ruby", "rails", "django", "spring", "tomcat", "apache", "caddy",
    "traefik", "haproxy", "varnish", "airflow", "spark", "hadoop", "flink", "snowflake",
    "bigquery", "heroku", "vercel", "netlify", "nagios", "zabbix", "icinga", "statuspage",
    "sentinel", "patroni", "pgbouncer", "vitess", "cockroach", "cockroachdb", "dynamo",
    "dynamodb", "kinesis", "pubsub", "nats", "pulsar", "keycloak", "auth0", "cert-manager",
    "certbot", "letsencrypt", "chef", "puppet", "salt", "nomad", "packer", "canary", "staging",
    "production", "prod", "failover", "rollback", "rollout", "cron", "backup", "backups",
    "cache", "search", "checkout", "payments", "inventory", "auth", "gateway", "scheduler",
    "autoscaler", "proxy", "router", "firewall", "queue", "worker", "workers", "pipeline",
    "release", "build", "code", "config", "traffic", "replication", "replica", "primary",
    "leader", "follower", "load", "health", "disk", "memory", "network", "dns", "cdn", "tls",
    "ssl", "api", "ci", "cd", "terraform", "alert", "alerts", "alerting", "monitoring",
    "paging", "nobody", "team", "support", "legal", "security", "finance", "sales", "marketing",
    "product", "engineering", "platform", "infrastructure", "ops", "sre", "devops", "qa", "it",
    "hr", "dev", "test", "tests", "testing", "review", "reviews", "deploy", "deploys",
    "deployment", "change", "changes", "version", "patch", "hotfix", "fix", "job", "jobs",
    "task", "tasks", "script", "scripts", "migration", "migrations", "schema", "index", "table",
    "query", "queries", "cluster", "node", "nodes", "pod", "pods", "server", "servers", "host",
    "hosts", "service", "services", "system", "systems", "app", "application", "client",
    "clients", "browser", "mobile", "web", "site", "website", "page", "pages", "dashboard",
    "dashboards", "runbook", "runbooks", "playbook", "process", "procedure", "policy",
    "documentation", "docs", "ticket", "tickets", "retry", "retries", "timeout", "timeouts",
    "batch", "throttling", "validation", "verification", "approval", "automation", "tooling",
    "nightly", "daily", "weekly", "manual", "certificate", "certificates", "cert", "certs",
    "token", "tokens", "key", "keys", "secret", "secrets", "password", "storage", "bucket",
    "buckets", "volume", "volumes", "lock", "locks", "leader", "election", "quorum", "raft",
    "feature", "flag", "flags", "toggle", "toggles", "experiment", "canaries", "limits",
    "limit", "quota", "quotas", "capacity", "demand", "vendor", "processor", "provider",
    "upstream", "downstream", "frontend", "backend", "database", "db", "primary", "sandbox",
    "fixture", "fixtures", "data", "state", "status", "error", "errors", "latency",
    "throughput", "requests", "responses", "messages", "emails", "email", "notifications",
    "webhook", "webhooks",
];

/// A small list of common first names of many origins, for names that are not in the
/// archive ("John deployed buggy code"). Words that are also common nouns are left out.
#[rustfmt::skip]
static FIRST_NAMES: &[&str] = &[
    "aaron", "abdul", "adam", "adrian", "ahmed", "aisha", "alan", "albert", "alex", "alexander",
    "alexandra", "alice", "alicia", "ali", "allison", "amanda", "amara", "amir", "amit", "amy",
    "ana", "andrea", "andreas", "andrew", "andy", "angela", "anil", "anita", "ann", "anna",
    "anne", "anthony", "anton", "antonio", "anya", "arjun", "arun", "ashley", "barbara", "ben",
    "benjamin", "beth", "betty", "bilal", "bob", "bobby", "brad", "brandon", "brenda", "brian",
    "bruce", "bruno", "carl", "carla", "carlos", "carmen", "carol", "caroline", "catherine",
    "charles", "charlie", "chen", "chris", "christian", "christina", "christine", "christopher",
    "claire", "claudia", "colin", "craig", "cynthia", "dan", "daniel", "daniela", "danielle",
    "dave", "david", "deborah", "deepak", "denise", "dennis", "derek", "diana", "diane",
    "diego", "dimitri", "divya", "dmitri", "dmitry", "donald", "donna", "doug", "douglas",
    "dylan", "ed", "eddie", "edward", "elena", "eli", "elijah", "elizabeth", "ella", "ellen",
    "emily", "emma", "eric", "erik", "erin", "ethan", "eva", "evan", "fatima", "felix",
    "fernando", "fiona", "frank", "fred", "gabriel", "gary", "george", "gerald", "gina",
    "giulia", "giovanni", "greg", "gregory", "hannah", "hans", "harry", "hassan", "heather",
    "helen", "henry", "hiroshi", "hugo", "ian", "igor", "ines", "irene", "isaac", "isabel",
    "ivan", "jack", "jacob", "james", "jamie", "jan", "jane", "janet", "jason", "javier", "jay",
    "jean", "jeff", "jeffrey", "jen", "jennifer", "jeremy", "jerry", "jessica", "jim", "jimmy",
    "joan", "joe", "joel", "johan", "john", "johnny", "jon", "jonathan", "jordan", "jorge",
    "jose", "joseph", "josh", "joshua", "juan", "judy", "julia", "julian", "julie", "justin",
    "karen", "karim", "kate", "katherine", "kathy", "katie", "keith", "kelly", "ken", "kenji",
    "kevin", "kim", "kyle", "lars", "laura", "lauren", "lee", "leo", "leon", "liam", "linda",
    "lisa", "liz", "logan", "lucas", "lucy", "luis", "luke", "maria", "marco", "marcus",
    "margaret", "maria", "marie", "mario", "marisa", "mark", "martin", "mary", "mateo", "matt",
    "matthew", "max", "mehmet", "melissa", "mia", "michael", "michelle", "miguel", "mike",
    "mohamed", "mohammed", "nadia", "nancy", "naomi", "natalie", "nathan", "neil", "nick",
    "nicholas", "nicole", "nikhil", "nina", "noah", "olga", "oliver", "olivia", "omar", "oscar",
    "pablo", "pamela", "patrick", "paul", "paula", "pedro", "peter", "phil", "philip", "pierre",
    "pooja", "priya", "rachel", "rahul", "raj", "rajesh", "ramon", "ravi", "rebecca", "richard",
    "rick", "rob", "robert", "roberto", "robin", "roger", "ron", "ronald", "rosa", "ross",
    "ryan", "sam", "samantha", "samuel", "sandra", "sanjay", "sara", "sarah", "scott", "sean",
    "sebastian", "sergei", "sergey", "shannon", "sharon", "simon", "sofia", "sophia", "sophie",
    "stefan", "stephanie", "stephen", "steve", "steven", "sunil", "susan", "suresh", "tanya",
    "taro", "ted", "teresa", "thomas", "tim", "timothy", "tina", "tom", "tomas", "tony",
    "tyler", "valerie", "vanessa", "victor", "victoria", "vijay", "vikram", "vincent",
    "virginia", "walter", "wei", "wendy", "william", "xavier", "yuki", "yusuf", "zach", "zoe",
    "grace", "jenny", "nadia", "leila", "hiro", "dmitri", "derek", "michelle", "sophie",
    "ingrid", "ethan", "zoe", "yusuf", "martin", "julia", "pablo", "fred", "hiro", "ming", "li",
    "mei", "jun", "akira", "sven", "ingrid", "kwame", "kofi", "chidi", "ngozi", "tunde",
    "zainab", "hamid", "reza", "leila", "yasmin", "dev", "nate", "joanna", "marta", "piotr",
    "pavel", "katya", "bjorn", "astrid", "freya",
];

use super::text::is;

/// Suffixes of common nouns; a capitalised word ending so is a thing, not a name.
fn noun_like(w: &str) -> bool {
    [
        "tion", "sion", "ment", "ing", "ness", "ity", "ance", "ence", "ure", "ics", "ogy", "ism",
        "age", "ery", "ary", "ers", "ors", "ies", "ses", "ets", "ups", "ads", "ics", "ks", "ts",
        "ds", "er", "or", "ly", "ed", "al", "ive", "ble",
    ]
    .iter()
    .any(|s| w.ends_with(s))
}

/// Whether the words at `e`, right after a capitalised word that may be a name, show that
/// word to be an adjective of a noun instead ("Automatic promotion was disabled", "Manual
/// failover is slow"): a lowercase word that is a noun by its ending, or one followed by an
/// auxiliary, where a name would be followed by its verb ("Kevin disabled").
fn modifies_a_noun(toks: &[Token], e: usize) -> bool {
    let Some(next) = toks.get(e).filter(|t| !t.punct && !t.titlecase) else {
        return false;
    };
    let w = next.word.as_str();
    let noun = [
        "tion", "sion", "ment", "ness", "ity", "ance", "ence", "ism", "ogy", "ship", "hood",
    ]
    .iter()
    .any(|s| w.ends_with(s));
    let adverb = w.ends_with("ly")
        || matches!(
            w,
            "never" | "not" | "also" | "then" | "still" | "just" | "already" | "always"
        );
    let auxiliary = toks.get(e + 1).is_some_and(|t| {
        matches!(
            t.word.as_str(),
            "was" | "were" | "is" | "are" | "has" | "had" | "have" | "will" | "would"
        )
    });
    !adverb && (noun || auxiliary)
}

/// How sure it is that a mention is a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sure {
    /// A known name, a role or a pronoun.
    Yes,
    /// A capitalised word that may be a name: counts only before a clear failure verb.
    Maybe,
}

/// The person mention starting at `i`, if any: (end index, certainty).
fn person_at(toks: &[Token], i: usize, people: &People) -> Option<(usize, Sure)> {
    let t = &toks[i];
    if t.punct {
        return None;
    }
    if word_in!(PERSON_WORDS, &t.word) {
        return Some((i + 1, Sure::Yes));
    }
    // A role, possibly after a determiner and a few modifiers: "the on-call engineer".
    if word_in!(DETERMINERS, &t.word) || word_in!(ROLES, &t.word) {
        let first = if word_in!(DETERMINERS, &t.word) {
            i + 1
        } else {
            i
        };
        for (j, tok) in toks
            .iter()
            .enumerate()
            .skip(first)
            .take(ROLE_MODIFIERS_MAX + 1)
        {
            if tok.punct || word_in!(FAILURE_VERBS, &tok.word) || word_in!(MAKING_VERBS, &tok.word)
            {
                break;
            }
            if word_in!(ROLES, &tok.word) {
                // "the engineer's change", "the team's runbook": the role owns the subject.
                let mut end = j + 1;
                while end < toks.len() && word_in!(ROLES, &toks[end].word) {
                    end += 1;
                }
                return Some((end, Sure::Yes));
            }
            if matches!(
                tok.word.as_str(),
                "of" | "that" | "which" | "who" | "and" | "to"
            ) {
                break;
            }
        }
        return None;
    }
    if !t.titlecase || t.inner_caps || !t.word.chars().all(char::is_alphabetic) {
        return None;
    }
    let after_determiner = i > 0 && word_in!(ARTICLES, &toks[i - 1].word);
    if after_determiner || word_in!(NOT_NAMES, &t.word) {
        return None;
    }
    let known = people.contains(&t.word) || word_in!(FIRST_NAMES, &t.word);
    let sure = if known {
        Sure::Yes
    } else if t.word.len() >= 2 && t.word.len() <= 12 && !noun_like(&t.word) {
        Sure::Maybe
    } else {
        return None;
    };
    // A surname or middle name may follow: "Sarah Chen", "John Smith".
    let mut end = i + 1;
    while end < toks.len()
        && end < i + 3
        && toks[end].titlecase
        && !toks[end].inner_caps
        && !word_in!(NOT_NAMES, &toks[end].word)
    {
        end += 1;
    }
    Some((end, sure))
}

/// Skips words between a subject and its verb: adverbs, auxiliaries, and an appositive
/// between commas ("Sarah, the on-call engineer, forgot").
fn skip_fillers(toks: &[Token], mut j: usize) -> (usize, bool) {
    let mut adverb = false;
    if toks.get(j).is_some_and(|t| t.word == "," || t.word == "(") {
        let close = if toks[j].word == "(" { ")" } else { "," };
        if let Some(k) = toks
            .iter()
            .skip(j + 1)
            .take(8)
            .position(|t| t.word == close)
        {
            j = j + 1 + k + 1;
        }
    }
    let mut n = 0;
    while let Some(t) = toks.get(j) {
        if n < 4 && (word_in!(FILLERS, &t.word) || word_in!(BLAME_ADVERBS, &t.word)) {
            adverb |= word_in!(BLAME_ADVERBS, &t.word);
            j += 1;
            n += 1;
        } else {
            break;
        }
    }
    (j, adverb)
}

fn words(toks: &[Token]) -> impl Iterator<Item = &str> {
    toks.iter().map(|t| t.word.as_str())
}

/// A judgement of what was made, after a making verb at `j`.
fn judgement_after(toks: &[Token], j: usize) -> Option<String> {
    let rest = &toks[j..];
    for (k, t) in rest.iter().enumerate() {
        if matches!(t.word.as_str(), "because" | "but" | "although" | "so" | ";") {
            return None;
        }
        if t.word == "without" {
            // "without proper testing", "without a review", "without telling anyone".
            return Some("without".into());
        }
        if t.word == "proper" || t.word == "properly" {
            // Only a judgement when something was not done properly.
            if rest[..k]
                .iter()
                .any(|p| p.word == "not" || p.word == "never")
            {
                return Some(t.word.to_string());
            }
            continue;
        }
        if t.word == "instead" || t.word == "anyway" || t.word == "despite" {
            return Some(t.word.to_string());
        }
        if matches!(t.word.as_str(), "which" | "and" | "that")
            && rest
                .get(k + 1)
                .is_some_and(|n| word_in!(CONSEQUENCES, &n.word))
            && harmful(&rest[k + 1..])
        {
            return Some(format!("{} {}", t.word, rest[k + 1].word));
        }
        if matches!(
            t.word.as_str(),
            "causing" | "breaking" | "taking" | "bringing"
        ) && harmful(&rest[k..])
        {
            return Some(t.word.to_string());
        }
        if word_in!(JUDGEMENTS, &t.word) {
            return Some(t.word.to_string());
        }
    }
    None
}

/// Whether the words after a failure verb at `j` blame: most failure verbs always do; some
/// only with a harmed object ("dropped the production table", "introduced a bug").
fn failure_blames(toks: &[Token], j: usize) -> bool {
    let Some(objects) = harmed_objects(&toks[j].word) else {
        return true;
    };
    let window = &toks[j + 1..(j + 6).min(toks.len())];
    window.iter().any(|t| is(objects, &t.word))
}

/// True when a "because"/"since" clause after `j` explains the omission by a condition rather
/// than by the person ("did not page the DBA because the rota was empty").
fn explained_by_condition(toks: &[Token], j: usize, people: &People) -> bool {
    let Some(k) = toks
        .iter()
        .skip(j)
        .position(|t| matches!(t.word.as_str(), "because" | "since" | "as"))
        .map(|k| k + j)
    else {
        return false;
    };
    let subject = k + 1;
    subject < toks.len()
        && !matches!(toks[subject].word.as_str(), "he" | "she" | "they")
        && person_at(toks, subject, people).is_none_or(|(_, s)| s == Sure::Maybe)
}

/// What a person subject ending before `j` did, if it is blame.
fn verb_blame(toks: &[Token], e: usize, sure: Sure, people: &People) -> Option<String> {
    let (j, adverb) = skip_fillers(toks, e);
    let t = toks.get(j)?;
    let w = t.word.as_str();
    let next = |k: usize| toks.get(j + k).map(|t| t.word.as_str()).unwrap_or("");
    if adverb {
        return Some(format!("{} {w}", "mistakenly"));
    }
    // "took down checkout", "brought the site down", "knocked out search".
    if matches!(w, "took" | "brought" | "knocked" | "takes" | "brings")
        && toks[j + 1..(j + 5).min(toks.len())]
            .iter()
            .any(|t| matches!(t.word.as_str(), "down" | "out" | "offline"))
    {
        return Some(format!("{w} down"));
    }
    // "failed to", "fails to".
    if matches!(w, "failed" | "fails" | "fail") && next(1) == "to" {
        return Some(format!("{w} to"));
    }
    if word_in!(FAILURE_VERBS, w) && failure_blames(toks, j) && !(w == "rushed" && next(1) == "to")
    {
        // "Priya missed the page because her phone was silenced" still names her.
        return Some(w.to_string());
    }
    // "did not check", "never tested", "was not watching".
    let (neg, verb) = match (w, next(1)) {
        ("did" | "does" | "do", "not") => (true, next(2)),
        ("has" | "have" | "had", "not" | "never")
            if next(2).ends_with("ed") && !word_in!(UNDERGONE, next(2)) =>
        {
            (true, next(2))
        }
        ("never", v) => (true, v),
        // "has not acknowledged" after the auxiliary was skipped as a filler.
        ("not", v)
            if j > 0
                && matches!(toks[j - 1].word.as_str(), "has" | "have" | "had")
                && v.ends_with("ed")
                && !word_in!(UNDERGONE, v) =>
        {
            (true, v)
        }
        _ => (false, ""),
    };
    // "was supposed to renew it", "decided to skip the load test".
    if matches!(w, "was" | "were") && next(1) == "supposed" && next(2) == "to" {
        return Some("was supposed to".into());
    }
    if matches!(
        w,
        "decided" | "chose" | "opted" | "tried" | "wanted" | "attempted" | "elected" | "preferred"
    ) && next(1) == "to"
    {
        if let Some(why) = verb_blame(toks, j + 2, sure, people) {
            return Some(format!("{w} to {why}"));
        }
        return None;
    }
    if neg && !verb.is_empty() && !word_in!(NOT_OMISSIONS, verb) {
        // The words as written: "never tested", "had not acknowledged", "did not check".
        let said = || match w {
            "never" => format!("never {verb}"),
            // The auxiliary before it was passed over ("had not acknowledged").
            "not" => format!("{} not {verb}", toks[j - 1].word),
            _ => format!("{w} {} {verb}", next(1)),
        };
        if verb == "bother" || verb == "follow" || verb == "test" || verb == "check" {
            return Some(said());
        }
        if !explained_by_condition(toks, j, people) {
            return Some(said());
        }
        return None;
    }
    // "should have", "should not have", "ought to have", "could have prevented".
    if w == "should"
        && (next(1) == "have" || (matches!(next(1), "not" | "never") && next(2) == "have"))
    {
        return Some("should have".into());
    }
    if w == "ought" && next(1) == "to" && next(2) == "have" {
        return Some("ought to have".into());
    }
    if matches!(w, "could" | "might")
        && next(1) == "have"
        && matches!(next(2), "prevented" | "avoided" | "caught" | "stopped")
    {
        return Some(format!("{w} have {}", next(2)));
    }
    // "made a mistake", "made an error", "made a bad call".
    if w == "made" {
        let obj: Vec<&str> = words(&toks[j + 1..(j + 4).min(toks.len())]).collect();
        if obj.iter().any(|o| {
            matches!(
                *o,
                "mistake"
                    | "mistakes"
                    | "error"
                    | "errors"
                    | "blunder"
                    | "typo"
                    | "bad"
                    | "wrong"
                    | "poor"
                    | "worse"
            )
        }) {
            return Some(format!("made {}", obj.join(" ")));
        }
    }
    // "was careless", "was distracted".
    if matches!(w, "was" | "were" | "is" | "got")
        && matches!(
            next(1),
            "distracted"
                | "careless"
                | "negligent"
                | "sloppy"
                | "lazy"
                | "inattentive"
                | "reckless"
        )
    {
        return Some(format!("{w} {}", next(1)));
    }
    if !verb_like(t) {
        return None;
    }
    // "Diego rolled back the faulty release", "Sarah reverts the broken config": fixing a
    // bad thing is no judgement of the person.
    let undone = ["roll", "turn", "switch", "dial", "scale"]
        .iter()
        .any(|v| w.starts_with(v))
        && toks[j + 1..(j + 6).min(toks.len())]
            .iter()
            .any(|t| matches!(t.word.as_str(), "back" | "off"));
    let fixing = undone || remedy(w);
    if !fixing
        && sure == Sure::Yes
        && word_in!(MAKING_VERBS, w)
        && let Some(j2) = judgement_after(toks, j + 1)
    {
        return Some(format!("{w} … {j2}"));
    }
    // Any verb: a mistaken direct object ("restarted the wrong cluster": right after the verb,
    // maybe after an article, never after a preposition as in "worked around the wrong
    // dashboard"), or a word that makes the act itself a mistake ("by mistake").
    let object = &toks[j + 1..(j + 3).min(toks.len())];
    let direct = object
        .iter()
        .position(|t| {
            !matches!(
                t.word.as_str(),
                "the" | "a" | "an" | "this" | "that" | "its"
            )
        })
        .map(|k| &object[k..k + 1])
        .unwrap_or(&[]);
    if sure == Sure::Yes
        && !form_of(DISCOVERY_VERBS, w)
        && let Some(o) = direct.iter().find(|t| word_in!(OBJECT_JUDGEMENTS, &t.word))
    {
        return Some(format!("{w} … {}", o.word));
    }
    let rest = &toks[j + 1..];
    for (k, t) in rest.iter().enumerate() {
        let prev = if k > 0 { rest[k - 1].word.as_str() } else { "" };
        // A clause of its own: ", so the change went out unreviewed".
        if matches!(t.word.as_str(), "because" | "but" | "although" | ";")
            || (t.word == "so" && prev == ",")
        {
            break;
        }
        let careless_without = prev == "without"
            && sure == Sure::Yes
            && (CARE_GERUNDS.contains(&t.word.as_str())
                || matches!(
                    t.word.as_str(),
                    "approval"
                        | "review"
                        | "testing"
                        | "tests"
                        | "permission"
                        | "authorization"
                        | "authorisation"
                ));
        // Fixing or finding a buggy thing judges the thing; doing it "by mistake" judges the
        // act.
        let judged = if fixing {
            word_in!(ACT_JUDGEMENTS, &t.word)
        } else {
            word_in!(STRONG_JUDGEMENTS, &t.word)
        };
        if judged
            || (t.word == "mistake" && prev == "by")
            || (t.word == "accident" && prev == "by")
            || (t.word == "error" && prev == "in")
            || careless_without
        {
            return Some(format!("{w} … {}", t.word));
        }
    }
    // A second verb of the same subject: "Dmitri improvised and made things worse".
    let and = rest
        .iter()
        .take(8)
        .position(|t| t.word == "and" || t.word == "but" || t.punct)
        .filter(|&k| rest[k].word == "and" || rest[k].word == "but")?;
    let k = j + 1 + and + 1;
    if toks
        .get(k)
        .is_some_and(|t| !word_in!(PERSON_WORDS, &t.word) && !word_in!(DETERMINERS, &t.word))
    {
        return verb_blame(toks, k, sure, people);
    }
    None
}

/// A word that can be the verb after a subject: not punctuation, not a function word.
fn verb_like(t: &Token) -> bool {
    !t.punct
        && !matches!(
            t.word.as_str(),
            "and"
                | "or"
                | "of"
                | "the"
                | "a"
                | "an"
                | "to"
                | "in"
                | "on"
                | "at"
                | "for"
                | "with"
                | "from"
                | "by"
                | "who"
                | "that"
                | "which"
                | "'s"
                | "as"
                | "is"
                | "are"
                | "was"
                | "were"
                | "will"
                | "would"
                | "can"
                | "could"
                | "may"
                | "might"
                | "must"
        )
}

/// The judging phrases of [`ABSOLUTE`], longest first: the order they are tried in at a word.
fn absolute_by_length() -> Vec<&'static str> {
    let mut phrases: Vec<&'static str> = ABSOLUTE.to_vec();
    // Stable: phrases of one length keep the list's order.
    phrases.sort_by_key(|p| std::cmp::Reverse(p.len()));
    phrases
}

/// The judging phrases of [`ABSOLUTE`] filed under their first word, each word's phrases
/// longest first.
fn absolute_phrases() -> &'static HashMap<&'static str, Vec<&'static str>, FastBuild> {
    static PHRASES: OnceLock<HashMap<&'static str, Vec<&'static str>, FastBuild>> = OnceLock::new();
    PHRASES.get_or_init(|| {
        let mut by_first: HashMap<&'static str, Vec<&'static str>, FastBuild> = HashMap::default();
        for p in absolute_by_length() {
            let first = p.split(' ').next().unwrap_or(p);
            by_first.entry(first).or_default().push(p);
        }
        by_first
    })
}

/// Number of words of `phrase` (words separated by single spaces) when the words of `toks`
/// from `i` on are its words.
fn phrase_at(toks: &[Token], i: usize, phrase: &str) -> Option<usize> {
    let mut n = 0;
    for w in phrase.split(' ') {
        if toks.get(i + n)?.word != w {
            return None;
        }
        n += 1;
    }
    Some(n)
}

/// The first judging phrase of [`ABSOLUTE`] in `toks` that is not denied by one of the four
/// words before it ("this was not human error", "no one was careless", "rather than blaming
/// human error") and is not a technical term ("fault detection").
///
/// The phrases are matched word by word. They were matched as one pattern, longest first
/// (`absolute_re` in the tests), over the words joined by spaces, with a space at each end;
/// a match of that pattern starts and ends at a space, so it is a run of whole words, and the
/// two agree: at the first word where some phrase matches, the longest phrase there is taken,
/// and when it is denied the search goes on at the next word. Few words start a phrase, so
/// most sentences are passed over with one lookup per word, where the pattern was searched
/// over a string built for it. A test holds the two to the same result.
fn absolute_phrase(toks: &[Token]) -> Option<&'static str> {
    let phrases = absolute_phrases();
    for i in 0..toks.len() {
        let Some(starting) = phrases.get(toks[i].word.as_str()) else {
            continue;
        };
        let Some((phrase, n)) = starting
            .iter()
            .find_map(|p| phrase_at(toks, i, p).map(|n| (*p, n)))
        else {
            continue;
        };
        let next = toks.get(i + n).map_or("", |t| t.word.as_str());
        let term = phrase.rsplit(' ').next() == Some("fault") && word_in!(FAULT_COMPOUNDS, next);
        let denied = toks[i.saturating_sub(4)..i]
            .iter()
            .any(|t| word_in!(DENIALS, &t.word));
        if !denied && !term {
            return Some(phrase);
        }
    }
    None
}

/// Why `sentence` puts a failure on a person, if it does: the words that show it. `extra` are
/// the site's own blame words (`blame_words` in `[lint]`), matched like the built-in list.
pub fn blame(sentence: &str, people: &People, extra: &[String]) -> Option<String> {
    people
        .memo
        .blame
        .verdict(sentence, extra, || judge(sentence, people, extra))
}

/// The memo of [`vague_item`](super::actions::vague_item) verdicts kept with these people.
pub(super) fn vague_memo(people: &People) -> &Memo<Option<String>, Three> {
    &people.memo.vague
}

/// [`blame`], without remembering.
fn judge(sentence: &str, people: &People, extra: &[String]) -> Option<String> {
    let toks = tokenize(sentence);
    if toks.is_empty() {
        return None;
    }
    // Every occurrence of a judging phrase, unless denied just before it.
    if let Some(phrase) = absolute_phrase(&toks) {
        return Some(phrase.to_string());
    }
    if let Some(phrase) = extra_phrase(&toks, extra) {
        return Some(phrase);
    }
    person_blame(&toks, people)
}

/// The first of the site's own blame words (`extra`) in `toks` that is not denied by one of
/// the four words before it.
fn extra_phrase(toks: &[Token], extra: &[String]) -> Option<String> {
    if extra.is_empty() {
        return None;
    }
    let norm = format!(" {} ", words(toks).collect::<Vec<_>>().join(" "));
    let denied = |at: usize| {
        norm[..at]
            .split_whitespace()
            .rev()
            .take(4)
            .any(|w| word_in!(DENIALS, w))
    };
    for phrase in extra
        .iter()
        .map(|w| words(&tokenize(w)).collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
    {
        let needle = format!(" {phrase} ");
        let mut from = 0;
        while let Some(p) = norm[from..].find(&needle) {
            if !denied(from + p) {
                return Some(phrase);
            }
            from += p + 1;
        }
    }
    None
}

/// Why the sentence of `toks` puts a failure on a person it names, if it does.
fn person_blame(toks: &[Token], people: &People) -> Option<String> {
    let mut i = 0;
    while i < toks.len() {
        let Some((e, sure)) = person_at(toks, i, people) else {
            i += 1;
            continue;
        };
        if sure == Sure::Maybe && modifies_a_noun(toks, e) {
            // "Automatic promotion was disabled": the capitalised word is an adjective.
            i = e;
            continue;
        }
        // A person after a verb or a preposition is an object ("paged Tom", "for Sarah"),
        // unless it follows "by" ("caused by Tom") or opens a clause.
        let prev = if i > 0 { toks[i - 1].word.as_str() } else { "" };
        let prev2 = if i > 1 { toks[i - 2].word.as_str() } else { "" };
        if prev == "by" {
            // Passive agent: "caused by Tom", "a bad config pushed by Amara".
            let participle = if word_in!(DETERMINERS, prev2) {
                ""
            } else {
                prev2
            };
            let before = &toks[..i.saturating_sub(1)];
            if matches!(participle, "caused" | "triggered" | "broken" | "introduced")
                || word_in!(FAILURE_VERBS, participle)
                || (!remedy(participle)
                    && before.iter().any(|t| {
                        word_in!(JUDGEMENTS, &t.word)
                            && !matches!(t.word.as_str(), "without" | "proper")
                    }))
            {
                return Some(format!("{participle} by {}", toks[i].word));
            }
        }
        // "The outage is on Kevin".
        if prev == "on" && matches!(prev2, "is" | "was" | "'s") && sure == Sure::Yes {
            return Some(format!("{prev2} on {}", toks[i].word));
        }
        if matches!(prev, "if" | "had") {
            // "If Tom had tested ...", "Had Sarah checked ...": the counterfactual names
            // what the person should have done.
            let done = |w: &str| {
                !matches!(w, "been" | "had")
                    && (w.ends_with("ed")
                        || matches!(
                            w,
                            "run" | "read" | "done" | "known" | "seen" | "written" | "taken"
                        ))
            };
            let at = |k: usize| toks.get(k).map(|t| t.word.as_str()).unwrap_or("");
            let (j, _) = skip_fillers(toks, e + usize::from(at(e) == "had"));
            if prev == "if" && at(e) == "had" && done(at(j)) {
                return Some(format!("if … had {}", at(j)));
            }
            if prev == "had" && (i == 1 || toks[i - 2].punct) && done(at(j)) {
                return Some(format!("had … {}", at(j)));
            }
        }
        // "More care from Sam", "better discipline by the engineer".
        if matches!(prev, "from" | "by" | "of") && i >= 2 && word_in!(VIRTUES, prev2) {
            return Some(format!("{prev2} {prev} …"));
        }
        // Possessive: "Tom's mistake", "John's change broke checkout".
        if toks.get(e).is_some_and(|t| t.word == "'s") {
            let np_end = (e + 4).min(toks.len());
            let judged = |w: &str| match sure {
                Sure::Yes => {
                    (word_in!(JUDGEMENTS, w) && w != "without" && w != "proper")
                        || word_in!(FAULT_NOUNS, w)
                }
                Sure::Maybe => word_in!(FAULT_NOUNS, w) || word_in!(STRONG_JUDGEMENTS, w),
            };
            let judged_at = (e + 1..np_end).find(|&k| {
                judged(&toks[k].word)
                    && !(toks[k].word == "fault"
                        && toks
                            .get(k + 1)
                            .is_some_and(|t| word_in!(FAULT_COMPOUNDS, &t.word)))
            });
            if let Some(k) = judged_at {
                return Some(format!("'s {}", toks[k].word));
            }
            if sure == Sure::Yes {
                // "Leila's team ignored the warnings", "John's change broke checkout".
                for k in e + 2..np_end {
                    let w = toks[k].word.as_str();
                    if matches!(w, "took" | "brought")
                        || (word_in!(FAILURE_VERBS, w) && failure_blames(toks, k))
                        || (w == "failed" && toks.get(k + 1).is_some_and(|t| t.word == "to"))
                    {
                        return Some(format!("'s … {w}"));
                    }
                }
            }
            i = e;
            continue;
        }
        // "Unfortunately Bob pushed …", "Apparently Tom skipped …": an adverb opening the
        // sentence or a clause is no verb taking the person as its object.
        let opening_adverb =
            prev.len() > 4 && prev.ends_with("ly") && (i == 1 || toks[i - 2].punct);
        let object = i > 0
            && !toks[i - 1].punct
            && !opening_adverb
            && !matches!(
                prev,
                "and"
                    | "but"
                    | "then"
                    | "when"
                    | "while"
                    | "after"
                    | "because"
                    | "so"
                    | "until"
                    | "before"
                    | "once"
                    | "that"
                    | "where"
                    | "since"
                    | "as"
            );
        if !object && let Some(why) = verb_blame(toks, e, sure, people) {
            return Some(why);
        }
        // "Someone on the platform team misconfigured the autoscaler": the verb comes after a
        // prepositional phrase.
        if !object
            && sure == Sure::Yes
            && toks
                .get(e)
                .is_some_and(|t| matches!(t.word.as_str(), "on" | "from" | "in" | "at" | "of"))
        {
            for k in e + 2..(e + 6).min(toks.len()) {
                let w = toks[k].word.as_str();
                if (word_in!(FAILURE_VERBS, w) && harmed_objects(w).is_none()
                    || (w == "failed" && toks.get(k + 1).is_some_and(|t| t.word == "to"))
                    || (w == "did" && toks.get(k + 1).is_some_and(|t| t.word == "not")))
                    && let Some(why) = verb_blame(toks, k, sure, people)
                {
                    return Some(why);
                }
                if toks[k].punct {
                    break;
                }
            }
        }
        // "The deploy was done by Alex, who skipped the canary": a failure verb right after
        // `who` has the person as its subject, wherever the person stands in the sentence.
        let who = match toks.get(e).map(|t| t.word.as_str()) {
            Some("who") => Some(e + 1),
            Some(",") if toks.get(e + 1).is_some_and(|t| t.word == "who") => Some(e + 2),
            _ => None,
        };
        if sure == Sure::Yes
            && let Some(v) = who
            && let Some(why) = verb_blame(toks, v, sure, people)
        {
            return Some(why);
        }
        // "The engineer who deployed the release did not test it": the verb comes after a
        // relative clause.
        if !object && sure == Sure::Yes && toks.get(e).is_some_and(|t| t.word == "who") {
            for k in e + 2..toks.len() {
                if let Some(why) = verb_blame(toks, k, sure, people)
                    .filter(|_| !toks[k - 1].punct || toks[k - 1].word == ",")
                {
                    return Some(why);
                }
            }
        }
        i = e.max(i + 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people() -> People {
        let mut p = People::new();
        for n in ["Sarah Chen", "Priya Raman", "Platform Team", "TBD"] {
            p.add(n);
        }
        p
    }

    #[test]
    fn people_are_names_not_groups() {
        let p = people();
        assert!(p.contains("sarah") && p.contains("chen") && p.contains("priya"));
        assert!(!p.contains("platform") && !p.contains("team") && !p.contains("tbd"));
    }

    #[test]
    fn an_omission_is_quoted_as_written() {
        let p = people();
        for (sentence, quoted) in [
            ("Sarah never tested the rollback.", "never tested"),
            ("Sarah did not check the dashboard.", "did not check"),
            (
                "Priya had not acknowledged the page.",
                "had not acknowledged",
            ),
        ] {
            assert_eq!(
                blame(sentence, &p, &[]).as_deref(),
                Some(quoted),
                "{sentence}"
            );
        }
    }

    #[test]
    fn a_capitalised_adjective_is_not_a_name() {
        let p = people();
        for good in [
            "Automatic promotion was disabled during the migration and never re-enabled.",
            "Manual failover is slow and was never rehearsed.",
        ] {
            assert_eq!(blame(good, &p, &[]), None, "{good}");
        }
        // An unknown name before its verb still counts.
        assert_eq!(
            blame("Zeynep disabled the flag and never re-enabled it.", &p, &[]).as_deref(),
            Some("never re-enabled")
        );
    }

    #[test]
    fn a_failure_right_after_who_is_the_persons() {
        let p = people();
        for bad in [
            "Deploy was done by Alex who skipped the canary.",
            "The deploy was done by Alex, who skipped the canary.",
            "The alert paged the on-call engineer, who ignored it.",
        ] {
            assert!(blame(bad, &p, &[]).is_some(), "{bad}");
        }
        for good in [
            "The alert did not page Tom, who was asleep.",
            "Diego, who rolled back the faulty release, wrote the timeline.",
            "The page reached Alex, who followed the runbook.",
            "The person who wrote the original script left the company years ago.",
        ] {
            assert_eq!(blame(good, &p, &[]), None, "{good}");
        }
    }

    #[test]
    fn an_adverb_opening_the_sentence_is_no_verb() {
        let p = people();
        for (bad, why) in [
            (
                "Unfortunately Bob pushed the change on a Friday without telling anyone.",
                "pushed … without",
            ),
            ("Apparently Sarah skipped the canary.", "skipped"),
            (
                "The rollout stalled; clearly Tom ignored the alert.",
                "ignored the alert",
            ),
        ] {
            assert_eq!(blame(bad, &p, &[]).as_deref(), Some(why), "{bad}");
        }
        for good in [
            "Unfortunately Sarah was on leave, so the change went out unreviewed.",
            "Sarah was on leave, so the change went out unreviewed.",
            "Luckily Priya noticed the error rate and rolled back within minutes.",
            // An object after a verb is still an object.
            "The alert paged Sarah at 02:10.",
        ] {
            assert_eq!(blame(good, &p, &[]), None, "{good}");
        }
    }

    #[test]
    fn fault_in_a_technical_term_is_no_ones_fault() {
        let p = people();
        for good in [
            "The load balancer's fault detection marked every backend unhealthy.",
            "Sarah's fault injection test found the gap before release.",
            "The cluster's fault tolerance depends on three zones.",
        ] {
            assert_eq!(blame(good, &p, &[]), None, "{good}");
        }
        for bad in [
            "It was Sarah's fault.",
            "The outage was the on-call engineer's fault.",
        ] {
            assert!(blame(bad, &p, &[]).is_some(), "{bad}");
        }
    }

    #[test]
    fn the_guide_examples() {
        let p = people();
        assert!(blame("John deployed buggy code without proper testing", &p, &[]).is_some());
        for good in [
            "The deployment process allowed code to reach production without catching this failure mode",
            "Canary analysis did not compare error rates before promoting",
            "The runbook didn't cover the certificate renewal steps.",
            "We identified that our canary analysis does not automatically compare error rates.",
            "The platform team will implement automated canary analysis.",
        ] {
            assert_eq!(blame(good, &p, &[]), None, "{good}");
        }
    }

    /// How the judging phrases were found before [`absolute_phrase`]: one pattern over the
    /// words joined by spaces.
    fn absolute_by_pattern(toks: &[Token]) -> Option<String> {
        static RE: OnceLock<regex::Regex> = OnceLock::new();
        let re = RE.get_or_init(|| {
            let alt: Vec<String> = absolute_by_length()
                .iter()
                .map(|p| regex::escape(p))
                .collect();
            regex::Regex::new(&format!(" (?:{}) ", alt.join("|"))).unwrap()
        });
        let norm = format!(" {} ", words(toks).collect::<Vec<_>>().join(" "));
        let denied = |at: usize| {
            norm[..at]
                .split_whitespace()
                .rev()
                .take(4)
                .any(|w| DENIALS.contains(&w))
        };
        let mut from = 0;
        while let Some(m) = re.find_at(&norm, from) {
            let next = norm[m.end()..].split(' ').next().unwrap_or("");
            let term = m.as_str().ends_with(" fault ") && FAULT_COMPOUNDS.contains(&next);
            if !denied(m.start()) && !term {
                return Some(norm[m.start() + 1..m.end() - 1].to_string());
            }
            from = m.start() + 1;
        }
        None
    }

    #[test]
    fn judging_phrases_are_found_as_the_pattern_found_them() {
        // Every phrase, alone and with its neighbours: phrases that start alike ("forgot",
        // "forgot to"), denials up to five words before, technical terms after "fault",
        // repeats, punctuation, and words that only start a phrase.
        let mut middles: Vec<String> = ABSOLUTE.iter().map(|p| p.to_string()).collect();
        middles.extend(
            [
                "forgot to forgot",
                "human human error",
                "should have known better than",
                "the fault of",
                "fault detection",
                "'s fault tolerance",
                "Sarah's fault",
                "Sarah's fault detection",
                "was not careful",
                "not careful enough",
                "fat - fingered",
                "Human Error",
                "error by error by",
                "on the part",
                "against",
                "",
            ]
            .map(String::from),
        );
        let befores = [
            "",
            "It was",
            "This was not",
            "no one",
            "not one two three",
            "not one two three four",
            "rather than blaming",
            "Nobody, sadly,",
            "The engineer",
            "never",
        ];
        let afters = [
            "",
            ".",
            "detection",
            "tolerance in the cluster",
            "by Tom",
            ", not human error",
            "and carelessness",
            "fault",
        ];
        let mut found = 0;
        let mut n = 0;
        for before in befores {
            for middle in &middles {
                for after in afters {
                    let sentence = format!("{before} {middle} {after}");
                    let toks = tokenize(&sentence);
                    let want = absolute_by_pattern(&toks);
                    assert_eq!(
                        absolute_phrase(&toks).map(str::to_string),
                        want,
                        "{sentence:?}"
                    );
                    found += usize::from(want.is_some());
                    n += 1;
                }
            }
        }
        assert!(found > n / 3 && found < n, "{found} of {n} sentences");
    }

    #[test]
    fn extra_words_extend_the_list() {
        let p = people();
        let extra = vec!["Cowboy Deploy".to_string()];
        assert!(blame("Another cowboy deploy took checkout down.", &p, &extra).is_some());
        assert_eq!(
            blame("Another cowboy deploy took checkout down.", &p, &[]),
            None
        );
    }
}
