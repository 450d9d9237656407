//! Deterministic synthetic archive for benchmarks: `N` reports with the mix of the sample
//! archive (severities, statuses, recurring tags and services, cross-references, timelines that
//! may cross midnight, 1-5 action items in every status, one code block each).
//!
//! ```text
//! cargo run --release --example gen_corpus -- --n 10000 --out /tmp/corpus [--seed 7]
//! ```
//!
//! The same `N` and seed always give the same bytes. `--out` must be absent or empty, or hold an
//! earlier corpus (marked by `.gen-corpus`), which is replaced.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// SplitMix64: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
    /// Index drawn with weight 1/(i+1): a few values recur a lot, most rarely.
    fn zipf(&mut self, n: usize) -> usize {
        let total: f64 = (1..=n).map(|i| 1.0 / i as f64).sum();
        let mut x = (self.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
        for i in 0..n {
            x -= 1.0 / (i + 1) as f64;
            if x <= 0.0 {
                return i;
            }
        }
        n - 1
    }
}

const SERVICES: &[&str] = &[
    "checkout-api",
    "payments",
    "auth-service",
    "search",
    "inventory",
    "order-service",
    "notification-service",
    "email-gateway",
    "cdn-edge",
    "api-gateway",
    "postgres-primary",
    "redis-cache",
    "kafka-cluster",
    "billing",
    "shipping",
    "recommendations",
    "feature-flags",
    "config-service",
    "session-store",
    "image-resizer",
    "analytics-pipeline",
    "fraud-detection",
    "rate-limiter",
    "internal-dns",
    "ci-runners",
    "service-mesh",
];
const TAGS: &[&str] = &[
    "deployment",
    "config-change",
    "capacity",
    "monitoring-gap",
    "database",
    "dependency-failure",
    "rollback",
    "alert-fatigue",
    "latency",
    "third-party",
    "autoscaling",
    "runbook-missing",
    "certificate-expiry",
    "retry-storm",
    "connection-pool",
    "canary-analysis",
    "test-data",
    "feature-flag",
    "schema-migration",
    "cache-stampede",
    "memory-leak",
    "disk-full",
    "rate-limiting",
    "network-partition",
    "dns",
    "replication-lag",
    "queue-backlog",
    "timeout-tuning",
    "kubernetes",
    "clock-skew",
    "secrets-rotation",
    "backup-restore",
];
const PEOPLE: &[&str] = &[
    "Priya Raman",
    "Sarah Chen",
    "Marcus Okafor",
    "Elena Petrova",
    "Diego Alvarez",
    "Yuki Tanaka",
    "Amara Nwosu",
    "Tom Becker",
    "Fatima Zahra",
    "Mei Lin",
    "Jonas Berg",
    "Aisha Khan",
    "Carlos Mendes",
    "Hannah Schmidt",
];
const SYMPTOMS: &[&str] = &[
    "elevated error rate",
    "degraded latency",
    "partial outage",
    "stale reads",
    "message backlog",
    "login failures",
    "duplicate processing",
    "slow queries",
    "memory exhaustion",
    "failed deployment",
];
const CAUSES: &[&str] = &[
    "a configuration change",
    "a deployment",
    "a traffic spike",
    "an upstream dependency",
    "a schema migration",
    "a certificate rotation",
    "a node failure",
    "a cron job",
    "a cache eviction storm",
    "an expired credential",
];
const METRICS: &[&str] = &[
    "p99 latency",
    "5xx rate",
    "CPU saturation",
    "connection count",
    "queue depth",
    "replication lag",
];
const LANGS: &[(&str, &str)] = &[
    (
        "yaml",
        "retries:\n  max_attempts: 3\n  backoff_ms: 250\ncanary:\n  error_budget: 0.5\n",
    ),
    (
        "sql",
        "SELECT order_id, status\nFROM orders\nWHERE created_at > now() - interval '1 hour'\n  AND status = 'failed';\n",
    ),
    (
        "bash",
        "kubectl -n checkout rollout undo deployment/checkout-api\nkubectl -n checkout rollout status deployment/checkout-api\n",
    ),
    (
        "log",
        "2024-03-15T14:27:03Z ERROR payment retry failed code=card_declined attempt=2\n",
    ),
];
const STATUSES: &[&str] = &["Open", "In Progress", "Done", "Done", "Done", "Won't Do"];

fn day(days_since_epoch: i64) -> (i32, u32, u32) {
    // Civil-from-days (proleptic Gregorian), so no date crate is needed here.
    let z = days_since_epoch + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

fn fmt_day(n: i64) -> String {
    let (y, m, d) = day(n);
    format!("{y:04}-{m:02}-{d:02}")
}

fn main() {
    let mut n = 1000usize;
    let mut out = PathBuf::from("corpus");
    let mut seed = 7u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--n" => {
                n = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--n NUMBER")
            }
            "--out" => out = args.next().map(PathBuf::from).expect("--out DIR"),
            "--seed" => {
                seed = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--seed NUMBER")
            }
            other => {
                eprintln!("unknown argument {other}\nusage: gen_corpus --n N --out DIR [--seed S]");
                std::process::exit(2);
            }
        }
    }
    prepare(&out);
    let mut rng = Rng(seed);
    // Five years of incidents ending the day before 2026-11-27 (days since 1970-01-01).
    let first = 18_958i64; // 2021-11-27
    let last = 20_783i64; // 2026-11-26
    let mut dates: Vec<i64> = (0..n)
        .map(|_| rng.range(first as u64, last as u64) as i64)
        .collect();
    dates.sort_unstable();
    let mut ids: Vec<String> = Vec::with_capacity(n);
    let mut per_year: std::collections::BTreeMap<i32, u32> = Default::default();
    for &d in &dates {
        let y = day(d).0;
        let c = per_year.entry(y).or_default();
        *c += 1;
        ids.push(format!("INC-{y}-{:03}", c));
    }
    std::fs::write(
        out.join("site.toml"),
        "title = \"Incident Archive (synthetic)\"\n",
    )
    .unwrap();
    std::fs::write(out.join(".gen-corpus"), format!("n={n} seed={seed}\n")).unwrap();
    for i in 0..n {
        let text = report(&mut rng, i, &ids, dates[i]);
        let year = day(dates[i]).0;
        let dir = out.join("content/incidents").join(year.to_string());
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{}.md", ids[i])), text).unwrap();
    }
    eprintln!("gen_corpus: {n} reports (seed {seed}) in {}", out.display());
}

fn prepare(out: &Path) {
    if out.exists() {
        let empty = std::fs::read_dir(out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if out.join(".gen-corpus").is_file() {
            std::fs::remove_dir_all(out).expect("remove the earlier corpus");
        } else if !empty {
            eprintln!(
                "{} exists and is not an earlier corpus; refusing to write into it",
                out.display()
            );
            std::process::exit(2);
        }
    }
    std::fs::create_dir_all(out).unwrap();
}

fn report(rng: &mut Rng, i: usize, ids: &[String], date: i64) -> String {
    let sev = match rng.below(100) {
        0..5 => "SEV1",
        5..30 => "SEV2",
        30..75 => "SEV3",
        _ => "SEV4",
    };
    let status = if date > 20_770 && rng.below(3) == 0 {
        "review"
    } else {
        "published"
    };
    let svc: Vec<&str> = (0..rng.range(1, 3))
        .map(|_| SERVICES[rng.zipf(SERVICES.len())])
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let tags: Vec<&str> = (0..rng.range(1, 4))
        .map(|_| TAGS[rng.zipf(TAGS.len())])
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let related: Vec<&str> = if i > 0 && rng.below(4) == 0 {
        vec![ids[rng.below(i as u64) as usize].as_str()]
    } else {
        vec![]
    };
    let symptom = rng.pick(SYMPTOMS);
    let cause = rng.pick(CAUSES);
    let title = format!("{} of {} after {}", capitalise(symptom), svc[0], cause);
    let mut s = String::with_capacity(6000);
    let _ = writeln!(
        s,
        "---\nid: {}\ntitle: \"{title}\"\nseverity: {sev}\ndate: {}\nstatus: {status}",
        ids[i],
        fmt_day(date)
    );
    let _ = writeln!(
        s,
        "impact: \"~{} failed requests over {} minutes\"\non_call: {}",
        rng.range(50, 9000),
        rng.range(5, 240),
        rng.pick(PEOPLE)
    );
    if status == "published" {
        let _ = writeln!(
            s,
            "review_date: {}\npublished: {}",
            fmt_day(date + rng.range(1, 3) as i64),
            fmt_day(date + rng.range(4, 12) as i64)
        );
    }
    let _ = writeln!(
        s,
        "services: [{}]\ntags: [{}]",
        svc.join(", "),
        tags.join(", ")
    );
    if !related.is_empty() {
        let _ = writeln!(s, "related: [{}]", related.join(", "));
    }
    s.push_str("---\n\n## Summary\n\n");
    let _ = writeln!(
        s,
        "Between the first alert and recovery, {} showed {symptom} after {cause}. The {} rose well above its \
         baseline in one region before the change was rolled back.{}\n",
        svc[0],
        rng.pick(METRICS),
        if related.is_empty() {
            String::new()
        } else {
            format!(" The pattern resembles {}.", related[0])
        }
    );
    s.push_str("## Timeline\n\n");
    let entries = rng.range(6, 15);
    let mut minute = rng.range(0, 23 * 60) as i64;
    let mut d = date;
    for e in 0..entries {
        if e > 0 {
            minute += rng.range(1, 25) as i64;
        }
        let mut prefix = String::new();
        if minute >= 24 * 60 {
            minute -= 24 * 60;
            d += 1;
            prefix = format!("{} ", fmt_day(d));
        }
        let what = match e {
            0 => format!("{cause} starts rolling out to {}", svc[0]),
            1 => format!("Alert: {} above threshold on {}", rng.pick(METRICS), svc[0]),
            x if x == entries - 1 => "Incident resolved; metrics back to baseline".to_string(),
            _ => format!(
                "On-call checks {} dashboards and {} logs",
                rng.pick(METRICS),
                svc[svc.len() - 1]
            ),
        };
        let _ = writeln!(s, "- {prefix}{:02}:{:02} {what}", minute / 60, minute % 60);
    }
    s.push_str("\n## Contributing Factors\n\n");
    for k in 1..=rng.range(2, 4) {
        let _ = writeln!(
            s,
            "{k}. The {} for {} did not account for {}.",
            rng.pick(&[
                "alerting",
                "capacity plan",
                "rollout policy",
                "runbook",
                "test suite"
            ]),
            svc[0],
            rng.pick(METRICS)
        );
    }
    let (lang, code) = LANGS[rng.below(LANGS.len() as u64) as usize];
    let _ = writeln!(s, "\nThe relevant excerpt:\n\n```{lang}\n{code}```\n");
    s.push_str("## What Went Well\n\n- The rollback tooling worked on the first attempt.\n- The incident channel kept a clear timeline.\n\n## Action Items\n");
    for k in 0..rng.range(1, 5) {
        let st = rng.pick(STATUSES);
        let due = date + rng.range(7, 28) as i64;
        let _ = write!(
            s,
            "\n### Action Item: Alert when {} on {} exceeds {}% of baseline for 5 minutes\n\
             **Owner:** {}\n**Due:** {}\n**Priority:** P{}\n**Type:** {}\n**Status:** {st}\n",
            rng.pick(METRICS),
            svc[0],
            rng.range(110, 300),
            rng.pick(PEOPLE),
            fmt_day(due),
            rng.range(1, 3),
            rng.pick(&["Prevent", "Detect", "Mitigate"]),
        );
        if st == "Done" {
            let _ = writeln!(
                s,
                "**Completed:** {}",
                fmt_day(due - rng.range(0, 5) as i64)
            );
        }
        if st == "Won't Do" {
            s.push_str("**Reason:** The service is being retired next quarter; the replacement has this alert built in.\n");
        }
        let _ = write!(
            s,
            "**Description:**\nThe current alerting on {} reacts only after customers notice. Add a paging \
             alert with a 5-minute window and link it to the runbook.\n**Definition of Done:**\nA synthetic \
             fault in staging pages the on-call engineer within 5 minutes (item {}).\n",
            svc[0],
            k + 1
        );
    }
    s
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
