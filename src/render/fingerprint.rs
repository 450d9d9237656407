//! Fingerprints: for every page, a hash of everything its context is built from, so `serve`
//! re-renders only the pages whose fingerprint changed since the last build.
//!
//! A page is a function of its template (the theme), the configuration, `base_url`, "today"
//! and the archive facts its context reads. Each fingerprint below hashes exactly those facts,
//! page kind by page kind, mirroring the context builders of [`super`] and `pages`: **a change
//! to what a context reads must be made here too**. The serve tests and the incremental-build
//! tests compare every page with a fresh build after each kind of edit, and catch a fact left
//! out.
//!
//! Per incident, three small hashes are computed from the incident alone (and kept while its
//! report is unchanged): what an index row shows (`summary`), what the action pages and
//! `actions.json` show of its action items (`actions`), and what `incidents.json` shows
//! (`json`). An incident page hashes its report's bytes (everything the incident is made of),
//! the rows of the incidents it lists, the action items of other incidents tracked against it,
//! its findings, and whether each id it asked about has a page ([`super::Page::asked`]).

use super::{PageKind, Renderer};
use crate::diagnostics::Diagnostic;
use crate::model::{Archive, DueState, Incident, Term};
use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// The hashes of one incident that index pages read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentHashes {
    /// The report as read: bytes, path and folder.
    pub source: u64,
    /// An index row: id, slug, title, severity, date, status.
    pub summary: u64,
    /// The incident's action items as the action pages and `actions.json` show them.
    pub actions: u64,
    /// The incident as `incidents.json` shows it (without `referenced_by`, an archive fact).
    pub json: u64,
}

fn hash_of(value: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

impl IncidentHashes {
    /// The hashes of `inc`.
    pub fn of(inc: &Incident) -> IncidentHashes {
        let summary = hash_of((
            &inc.id,
            &inc.slug,
            &inc.title,
            &inc.severity,
            inc.date,
            inc.status,
        ));
        let actions = hash_of((
            &inc.id,
            &inc.slug,
            &inc.title,
            inc.actions
                .iter()
                .map(|a| {
                    (
                        &a.title,
                        &a.owner,
                        a.due,
                        a.priority,
                        a.kind,
                        a.status,
                        a.completed,
                        &a.ticket,
                        &a.tracks,
                    )
                })
                .collect::<Vec<_>>(),
        ));
        let json = hash_of((
            summary,
            (
                inc.started,
                inc.detected,
                inc.mitigated,
                inc.resolved,
                inc.duration_minutes,
                inc.time_to_detect_minutes,
                inc.time_to_mitigate_minutes,
            ),
            (&inc.impact, &inc.on_call, inc.review_date, inc.published),
            (&inc.services, &inc.tags, &inc.related, &inc.references),
            inc.actions
                .iter()
                .map(|a| (a.due, a.status))
                .collect::<Vec<_>>(),
        ));
        IncidentHashes {
            source: inc.report.source_hash,
            summary,
            actions,
            json,
        }
    }
}

/// Incident hashes kept from one build to the next, by report path, while the incident is
/// the same (the same `Arc`: the site's cache keeps it while the report's bytes do not
/// change).
#[derive(Default)]
pub struct HashCache {
    by_path: HashMap<String, (Arc<Incident>, IncidentHashes)>,
}

impl HashCache {
    /// The hashes of every incident of `archive`, in archive order, computed again only for
    /// incidents not seen in the previous call; forgets incidents no longer built.
    pub fn hashes(&mut self, archive: &Archive) -> Vec<IncidentHashes> {
        use rayon::prelude::*;
        let old = &self.by_path;
        let found: Vec<Result<IncidentHashes, IncidentHashes>> = archive
            .incidents
            .par_iter()
            .map(|inc| match old.get(&inc.report.path) {
                Some((seen, h)) if Arc::ptr_eq(seen, inc) => Ok(*h),
                _ => Err(IncidentHashes::of(inc)),
            })
            .collect();
        for (inc, h) in archive.incidents.iter().zip(&found) {
            if let Err(h) = h {
                self.by_path
                    .insert(inc.report.path.clone(), (Arc::clone(inc), *h));
            }
        }
        if self.by_path.len() > archive.incidents.len() {
            let built: std::collections::HashSet<&str> = archive
                .incidents
                .iter()
                .map(|inc| inc.report.path.as_str())
                .collect();
            self.by_path.retain(|path, _| built.contains(path.as_str()));
        }
        found.into_iter().map(|h| h.unwrap_or_else(|h| h)).collect()
    }
}

/// What every page depends on besides archive facts: configuration, theme, `base_url` and
/// "today".
pub fn global(renderer: &Renderer<'_>) -> u64 {
    hash_of((
        format!("{:?}", renderer.config),
        renderer.theme.fingerprint,
        renderer.base_url,
        renderer.archive.today,
    ))
}

fn term(t: &Term, h: &mut DefaultHasher) {
    (
        &t.name,
        &t.slug,
        t.incidents.len(),
        t.first_seen,
        t.last_seen,
        &t.severities,
    )
        .hash(h);
}

fn terms(list: &[Term], h: &mut DefaultHasher) {
    list.len().hash(h);
    for t in list {
        term(t, h);
    }
}

fn summaries(list: &[usize], hashes: &[IncidentHashes], h: &mut DefaultHasher) {
    list.len().hash(h);
    for &j in list {
        hashes[j].summary.hash(h);
    }
}

/// The fingerprint of page `kind` at `path`: `global` from [`global`], `hashes` from
/// [`HashCache::hashes`], `asked` the ids the page asked about when it was last rendered
/// (incident pages only).
pub fn page(
    renderer: &Renderer<'_>,
    kind: PageKind,
    path: &str,
    global: u64,
    hashes: &[IncidentHashes],
    asked: &[String],
) -> u64 {
    let a = renderer.archive;
    let mut h = DefaultHasher::new();
    (global, path).hash(&mut h);
    match kind {
        PageKind::Home => {
            for (level, list) in a.severities.iter() {
                (level, list.len()).hash(&mut h);
            }
            let recent = a.incidents.len().min(super::pages::HOME_RECENT);
            summaries(&(0..recent).collect::<Vec<_>>(), hashes, &mut h);
            terms(&a.tags, &mut h);
            let count = |s: DueState| a.actions.iter().filter(|r| r.state == s).count();
            (
                a.incidents.len(),
                a.actions.len(),
                count(DueState::Closed),
                count(DueState::Overdue),
                count(DueState::DueSoon),
            )
                .hash(&mut h);
        }
        PageKind::Incident(i) => {
            hashes[i].source.hash(&mut h);
            summaries(&a.referenced_by[i], hashes, &mut h);
            tracked(a, i, hashes, &mut h);
            a.related[i].len().hash(&mut h);
            for r in &a.related[i] {
                (hashes[r.incident].summary, r.explicit).hash(&mut h);
                r.shared_tags.len().hash(&mut h);
                for &t in &r.shared_tags {
                    (&a.tags[t].name, &a.tags[t].slug).hash(&mut h);
                }
                r.shared_services.len().hash(&mut h);
                for &x in &r.shared_services {
                    (&a.services[x].name, &a.services[x].slug).hash(&mut h);
                }
            }
            let findings = crate::lint::findings(a, i);
            findings.len().hash(&mut h);
            for d in findings {
                finding(d, &mut h);
            }
            asked.len().hash(&mut h);
            for id in asked {
                (id, a.by_id.contains_key(id)).hash(&mut h);
            }
        }
        PageKind::Severity(i) => summaries(&a.severities[i].1, hashes, &mut h),
        PageKind::Tags => terms(&a.tags, &mut h),
        PageKind::Services => terms(&a.services, &mut h),
        PageKind::Tag(i) => {
            term(&a.tags[i], &mut h);
            summaries(&a.tags[i].incidents, hashes, &mut h);
        }
        PageKind::Service(i) => {
            term(&a.services[i], &mut h);
            summaries(&a.services[i].incidents, hashes, &mut h);
        }
        PageKind::Actions | PageKind::Overdue | PageKind::ActionsJson => {
            hashes.len().hash(&mut h);
            for x in hashes {
                x.actions.hash(&mut h);
            }
            if kind == PageKind::Overdue {
                // The dashboard also shows the reviews not held, the overdue write-ups and the
                // findings per rule.
                for list in [
                    crate::lint::reviews_not_held(a),
                    crate::lint::reviews_overdue(a),
                ] {
                    list.len().hash(&mut h);
                    for r in list {
                        let row = (&r.id, &r.title, &r.severity, r.date, r.due, r.days_late);
                        (row, r.status.as_str(), r.index).hash(&mut h);
                    }
                }
                for r in crate::lint::findings_by_rule(a, renderer.config) {
                    (r.rule, r.count, r.incidents).hash(&mut h);
                }
            }
        }
        PageKind::IncidentsJson => {
            hashes.len().hash(&mut h);
            for (i, (x, by)) in hashes.iter().zip(a.referenced_by.iter()).enumerate() {
                (x.json, by.len()).hash(&mut h);
                for &j in by {
                    a.incidents[j].id.hash(&mut h);
                }
                tracked(a, i, hashes, &mut h);
            }
        }
        PageKind::NotFound => {}
    }
    h.finish()
}

/// The action items tracked against incident `i` from other incidents: which they are, and
/// what their incidents' action pages show of them (state and days are a function of these
/// and "today", which [`global`] hashes).
fn tracked(a: &Archive, i: usize, hashes: &[IncidentHashes], h: &mut DefaultHasher) {
    a.tracked[i].len().hash(h);
    for &n in &a.tracked[i] {
        let r = &a.actions[n];
        (r.incident, r.action, hashes[r.incident].actions).hash(h);
    }
}

fn finding(d: &Diagnostic, h: &mut DefaultHasher) {
    (&d.rule, d.level, &d.message, &d.hint).hash(h);
}
