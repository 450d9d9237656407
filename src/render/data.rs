//! `incidents.json` and `actions.json`: the archive's facts for other tools.
//!
//! The schema is documented in `docs/data.md` and versioned by `schema_version`; a change that
//! removes or renames a field, or changes its meaning, raises the version. Output is built from
//! structs in a fixed order, so the same archive and "today" give the same bytes.

use super::level_slug;
use crate::config::Config;
use crate::model::{Archive, DueState, Incident};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Serialize, Serializer};

/// Version of the JSON schema of both files.
pub const SCHEMA_VERSION: u32 = 1;

fn ymd(d: NaiveDate) -> String {
    crate::text::ymd(d)
}

fn ymd_hm(t: NaiveDateTime) -> String {
    crate::text::ymd_hm(t, 'T')
}

#[derive(Serialize)]
struct IncidentsFile<'a, I: Serialize> {
    schema_version: u32,
    generated_for: String,
    base_url: &'a str,
    due_soon_days: u32,
    incidents: I,
}

#[derive(Serialize)]
struct ActionCounts {
    total: usize,
    outstanding: usize,
    overdue: usize,
    due_soon: usize,
}

#[derive(Serialize)]
struct IncidentJson<'a> {
    id: &'a str,
    title: &'a str,
    severity: &'a str,
    severity_path: String,
    date: String,
    status: &'static str,
    path: String,
    url: String,
    started: Option<String>,
    detected: Option<String>,
    mitigated: Option<String>,
    resolved: Option<String>,
    duration_minutes: Option<i64>,
    time_to_detect_minutes: Option<i64>,
    time_to_mitigate_minutes: Option<i64>,
    impact: Option<&'a str>,
    on_call: Option<&'a str>,
    review_date: Option<String>,
    published: Option<String>,
    services: &'a [String],
    tags: &'a [String],
    related: &'a [String],
    references: &'a [String],
    referenced_by: Vec<&'a str>,
    actions: ActionCounts,
    tracked_actions: ActionCounts,
}

#[derive(Serialize)]
struct ActionsFile<'a, A: Serialize> {
    schema_version: u32,
    generated_for: String,
    base_url: &'a str,
    due_soon_days: u32,
    counts: Counts,
    actions: A,
}

#[derive(Serialize)]
struct Counts {
    total: usize,
    outstanding: usize,
    open: usize,
    in_progress: usize,
    done: usize,
    wont_do: usize,
    overdue: usize,
    due_soon: usize,
}

#[derive(Serialize)]
struct ActionJson<'a> {
    incident: &'a str,
    incident_title: &'a str,
    number: usize,
    title: &'a str,
    path: String,
    url: String,
    owner: &'a str,
    due: String,
    priority: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    status: &'static str,
    completed: Option<String>,
    ticket: Option<&'a str>,
    tracks: &'a str,
    state: DueState,
    overdue: bool,
    due_soon: bool,
    days_until_due: i64,
    days_overdue: Option<i64>,
}

fn page_path(inc: &Incident) -> String {
    format!("incidents/{}/", inc.slug)
}

/// A JSON array whose items are built one at a time as they are written, so the file's
/// thousands of records are never all held at once.
struct Items<F>(F);

impl<F, I> Serialize for Items<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

/// Pretty JSON text of `value` and a newline, written into room for `capacity` bytes: the
/// files are megabytes, and a buffer doubling its way there copies and touches twice as much.
fn to_json<T: Serialize>(value: &T, capacity: usize) -> String {
    let mut out = Vec::with_capacity(capacity);
    serde_json::to_writer_pretty(&mut out, value).expect("plain structs serialise");
    out.push(b'\n');
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Room reserved per record of `incidents.json`: generous, as a record of the 10,000-report
/// benchmark archive takes 1.2 KB on average. A bigger file only grows the buffer, and room
/// never written is never touched.
const INCIDENT_BYTES: usize = 2048;
/// Room reserved per record of `actions.json` (the benchmark archive's take 670 bytes).
const ACTION_BYTES: usize = 1024;

/// The text of `incidents.json`.
pub fn incidents_json(archive: &Archive, config: &Config, base_url: &str) -> String {
    let incidents = || {
        archive.incidents.iter().enumerate().map(|(i, inc)| {
            let path = page_path(inc);
            let states: Vec<DueState> = inc
                .actions
                .iter()
                .map(|a| a.state(archive.today, config.due_soon_days).0)
                .collect();
            let count = |s: DueState| states.iter().filter(|&&x| x == s).count();
            IncidentJson {
                id: &inc.id,
                title: &inc.title,
                severity: &inc.severity,
                severity_path: format!("severity/{}/", level_slug(&inc.severity)),
                date: ymd(inc.date),
                status: inc.status.as_str(),
                url: format!("{base_url}{path}"),
                path,
                started: inc.started.map(ymd_hm),
                detected: inc.detected.map(ymd_hm),
                mitigated: inc.mitigated.map(ymd_hm),
                resolved: inc.resolved.map(ymd_hm),
                duration_minutes: inc.duration_minutes,
                time_to_detect_minutes: inc.time_to_detect_minutes,
                time_to_mitigate_minutes: inc.time_to_mitigate_minutes,
                impact: inc.impact.as_deref(),
                on_call: inc.on_call.as_deref(),
                review_date: inc.review_date.map(ymd),
                published: inc.published.map(ymd),
                services: &inc.services,
                tags: &inc.tags,
                related: &inc.related,
                references: &inc.references,
                referenced_by: archive.referenced_by[i]
                    .iter()
                    .map(|&j| archive.incidents[j].id.as_str())
                    .collect(),
                actions: ActionCounts {
                    total: inc.actions.len(),
                    outstanding: inc.actions.len() - count(DueState::Closed),
                    overdue: count(DueState::Overdue),
                    due_soon: count(DueState::DueSoon),
                },
                tracked_actions: {
                    let tracked = &archive.tracked[i];
                    let count = |s: DueState| {
                        tracked
                            .iter()
                            .filter(|&&n| archive.actions[n].state == s)
                            .count()
                    };
                    ActionCounts {
                        total: tracked.len(),
                        outstanding: tracked.len() - count(DueState::Closed),
                        overdue: count(DueState::Overdue),
                        due_soon: count(DueState::DueSoon),
                    }
                },
            }
        })
    };
    to_json(
        &IncidentsFile {
            schema_version: SCHEMA_VERSION,
            generated_for: ymd(archive.today),
            base_url,
            due_soon_days: config.due_soon_days,
            incidents: Items(incidents),
        },
        1024 + archive.incidents.len() * INCIDENT_BYTES,
    )
}

/// The text of `actions.json`.
pub fn actions_json(archive: &Archive, config: &Config, base_url: &str) -> String {
    use crate::model::ActionStatus as S;
    let status = |s: S| {
        archive
            .actions
            .iter()
            .filter(|r| archive.action(r).status == s)
            .count()
    };
    let state = |s: DueState| archive.actions.iter().filter(|r| r.state == s).count();
    let counts = Counts {
        total: archive.actions.len(),
        outstanding: archive.actions.len() - state(DueState::Closed),
        open: status(S::Open),
        in_progress: status(S::InProgress),
        done: status(S::Done),
        wont_do: status(S::WontDo),
        overdue: state(DueState::Overdue),
        due_soon: state(DueState::DueSoon),
    };
    let actions = || {
        archive.actions.iter().map(|r| {
            let inc = &archive.incidents[r.incident];
            let a = archive.action(r);
            let path = format!("{}#action-{}", page_path(inc), r.action + 1);
            ActionJson {
                incident: &inc.id,
                incident_title: &inc.title,
                number: r.action + 1,
                title: &a.title,
                url: format!("{base_url}{path}"),
                path,
                owner: &a.owner,
                due: ymd(a.due),
                priority: a.priority.as_str(),
                kind: a.kind.as_str(),
                status: a.status.as_str(),
                completed: a.completed.map(ymd),
                ticket: a.ticket.as_deref(),
                tracks: &a.tracks,
                state: r.state,
                overdue: r.state == DueState::Overdue,
                due_soon: r.state == DueState::DueSoon,
                days_until_due: r.days,
                days_overdue: (r.state == DueState::Overdue).then_some(-r.days),
            }
        })
    };
    to_json(
        &ActionsFile {
            schema_version: SCHEMA_VERSION,
            generated_for: ymd(archive.today),
            base_url,
            due_soon_days: config.due_soon_days,
            counts,
            actions: Items(actions),
        },
        1024 + archive.actions.len() * ACTION_BYTES,
    )
}
