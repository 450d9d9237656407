//! The pipeline, stage after stage: load → validate → model → render → write.
//!
//! [`Site`] holds a site's configuration and a cache of parsed and validated reports keyed by
//! path and content hash. `build` and `check` use a fresh `Site` once; `serve` keeps one alive
//! and calls the same methods after every change, so an edit to one report re-reads only that
//! report. Nothing here is specific to a command.

use crate::cache::LintKey;
use crate::config::{CONFIG_FILE, Config};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::linkcheck;
use crate::load::{self, Report};
use crate::model::{Archive, Incident, ReportStatus};
use crate::render::{PageKind, Renderer, fingerprint, highlight, theme::Theme};
use crate::validate;
use crate::write::{self, Staging, WriteError};
use chrono::{NaiveDate, TimeZone};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// What a report file gave, cached until its bytes change.
struct Cached {
    len: u64,
    modified: Option<SystemTime>,
    hash: u64,
    report: Result<Arc<Report>, Diagnostic>,
    incident: Option<Arc<Incident>>,
    diagnostics: Vec<Diagnostic>,
    /// The id written in a report that could not be read, so references to it are not
    /// reported a second time as unknown ids.
    id_guess: Option<String>,
    /// Lint findings (in order, see [`crate::lint::in_order`]), with what they were found
    /// for: the people of the archive and the day.
    lint: Option<(LintKey, Arc<Vec<Diagnostic>>)>,
    /// The `Owner` values of the report's action items (for the people of the archive).
    owners: Vec<String>,
}

/// What [`Site::check_at`] found for one report file.
enum Outcome {
    /// Size and time stamp as cached: the cached entry stands.
    Same,
    /// New time stamp, same bytes: the cached entry stands with these.
    Touched(u64, Option<SystemTime>),
    /// Read and parsed again.
    Read(Box<Cached>),
}

/// A site: its root, its configuration, and the cache of its reports.
pub struct Site {
    /// Folder with `site.toml`.
    pub root: PathBuf,
    /// Parsed `site.toml`.
    pub config: Config,
    cache: HashMap<PathBuf, Cached>,
    references: validate::ArchiveMemo,
    shape: Option<crate::model::Shape>,
    /// The last walk of the content folder.
    walked: Option<load::ContentFiles>,
    /// Files changed since the last check, when the caller knows them (`serve`).
    changes: Option<Vec<PathBuf>>,
    /// The reports kept by the last run ([`Site::keep_reports`]), read once by the next check.
    kept: Option<crate::cache::Reports>,
    /// The reports of the last check differ from those kept: [`Site::save_reports`] writes
    /// them.
    kept_stale: bool,
}

/// The result of loading and validating every report.
pub struct Checked {
    /// Every finding, sorted.
    pub diagnostics: Diagnostics,
    /// Number of report files.
    pub reports: usize,
    /// Incidents of the reports that have no errors, in file order.
    pub incidents: Vec<Arc<Incident>>,
    /// Non-Markdown files under the content folder: (absolute path, content-relative path).
    pub assets: Vec<(PathBuf, String)>,
    /// Number of reports read from disk this time (the rest came from the cache).
    pub reread: usize,
    /// Of those, the reports taken from the report cache kept by the last run
    /// ([`Site::keep_reports`]) instead of parsed.
    pub kept: usize,
    /// The lint findings of each report that could be read.
    pub lints: Vec<(Arc<Report>, Arc<Vec<Diagnostic>>)>,
}

/// Why a build stopped.
#[derive(Debug)]
pub enum BuildError {
    /// The content has errors (all of them, sorted), out of this many reports.
    Invalid(Diagnostics, usize),
    /// The theme or a page failed to render, or an option cannot be used ("today" from
    /// `SOURCE_DATE_EPOCH`, [`BuildOptions::base_url`]).
    Render(Diagnostic),
    /// The output could not be written.
    Write(WriteError),
}

/// What a finished build did.
#[derive(Debug, Clone)]
pub struct Built {
    /// Pages of the site.
    pub pages: usize,
    /// Pages rendered (all of them, except when a build was brought up to date in place).
    pub rendered: usize,
    /// Files copied (assets, static files).
    pub files: usize,
    /// Warnings found while validating.
    pub diagnostics: Diagnostics,
    /// Reports in the content folder.
    pub reports: usize,
    /// Reports read from disk this time (the rest came from the cache).
    pub reread: usize,
    /// Valid reports not built because they are `draft` or `review` (without `--drafts`).
    pub unpublished: usize,
    /// Files found in the output that pirsite did not write (relative to it), carried into
    /// the new output ([`write::Staging::commit`]).
    pub kept: Vec<PathBuf>,
}

/// "Today": `--today` if given, else `SOURCE_DATE_EPOCH`, else the clock, in the site's zone.
pub fn today(arg: Option<NaiveDate>, config: &Config) -> Result<NaiveDate, String> {
    if let Some(d) = arg {
        return Ok(d);
    }
    let now = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) if !s.trim().is_empty() => {
            let secs: i64 = s
                .trim()
                .parse()
                .map_err(|_| format!("SOURCE_DATE_EPOCH is not a number of seconds: `{s}`"))?;
            chrono::DateTime::from_timestamp(secs, 0)
                .ok_or_else(|| format!("SOURCE_DATE_EPOCH is out of range: `{s}`"))?
        }
        _ => chrono::Utc::now(),
    };
    Ok(config
        .timezone
        .from_utc_datetime(&now.naive_utc())
        .date_naive())
}

/// Prints how long each stage took to stderr when `PIRSITE_TIMINGS` is set (for profiling).
pub(crate) struct Stages {
    on: bool,
    last: std::time::Instant,
    cpu: u64,
}

impl Stages {
    pub(crate) fn start() -> Stages {
        let on = std::env::var_os("PIRSITE_TIMINGS").is_some();
        Stages {
            on,
            last: std::time::Instant::now(),
            cpu: if on { process_cpu_ms() } else { 0 },
        }
    }

    pub(crate) fn mark(&mut self, stage: &str) {
        if self.on {
            let now = std::time::Instant::now();
            let cpu = process_cpu_ms();
            let spent = cpu - self.cpu;
            self.cpu = cpu;
            // Not `eprintln!`, which panics when stderr is closed.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr().lock(),
                "[timing] {stage}: {} ms wall, {spent} ms cpu, {} MB peak",
                (now - self.last).as_millis(),
                peak_rss_mb()
            );
            self.last = now;
        }
    }
}

/// Peak resident memory of the process so far, in MB (Linux; 0 elsewhere).
fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let kb = s.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
            kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok()
        })
        .map_or(0, |kb| kb / 1024)
}

/// CPU time of every thread of the process so far, in ms (Linux; 0 elsewhere).
fn process_cpu_ms() -> u64 {
    std::fs::read_dir("/proc/self/task")
        .into_iter()
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path().join("stat")).ok())
        .filter_map(|s| {
            let f: Vec<&str> = s.rsplit_once(')')?.1.split_whitespace().collect();
            let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<u64>().ok());
            Some((ticks(11)? + ticks(12)?) * 10)
        })
        .sum()
}

/// Size and time stamp from a file's metadata (0 and none without it).
fn size_and_time(meta: Option<std::fs::Metadata>) -> (u64, Option<SystemTime>) {
    (
        meta.as_ref().map_or(0, |m| m.len()),
        meta.and_then(|m| m.modified().ok()),
    )
}

/// Reads a file that has no cached entry, with its size and time stamp: they are taken from
/// the open file, so the file's path is looked up once rather than twice. The read stops at
/// that size, without the extra `read` that would find the end: the bytes and the size
/// recorded with them agree even while an editor is writing the file, and the write that
/// grows it brings another change event. (A file whose size cannot be had is read to its
/// end.)
fn read_fresh(path: &Path) -> (u64, Option<SystemTime>, std::io::Result<Vec<u8>>) {
    use std::io::Read;
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) => {
            let (len, modified) = size_and_time(std::fs::metadata(path).ok());
            return (len, modified, Err(e));
        }
    };
    let meta = file.metadata().ok();
    let size = meta.as_ref().map(std::fs::Metadata::len);
    let (len, modified) = size_and_time(meta);
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    let read = match size {
        Some(size) => file.take(size).read_to_end(&mut bytes),
        None => (&file).read_to_end(&mut bytes),
    };
    (len, modified, read.map(|_| bytes))
}

impl Site {
    /// Opens the site at `root`, reading `site.toml`.
    pub fn open(root: &Path) -> Result<Site, Diagnostic> {
        if !root.is_dir() {
            return Err(Diagnostic::error(
                root.display().to_string(),
                0,
                0,
                if root.exists() {
                    "not a folder: --root names the site's folder"
                } else {
                    "site folder does not exist"
                },
            ));
        }
        let config = Config::load(root)?;
        // All keys of site.toml are optional, so a site may do without the file; a folder with
        // neither it nor a content folder is not a site at all (a mistyped --root, most often).
        if !root.join(CONFIG_FILE).is_file() && !root.join(&config.content_dir).is_dir() {
            return Err(Diagnostic::error(
                root.display().to_string(),
                0,
                0,
                format!(
                    "not a pirsite site: no {CONFIG_FILE} and no `{}` folder here",
                    config.content_dir.display()
                ),
            )
            .with_hint(format!(
                "run pirsite in the site's folder, or pass it with --root; to start a site here, create a `{}` folder (site.toml is optional)",
                config.content_dir.display()
            )));
        }
        Ok(Site {
            root: root.to_path_buf(),
            config,
            cache: HashMap::new(),
            references: validate::ArchiveMemo::default(),
            shape: None,
            walked: None,
            changes: None,
            kept: None,
            kept_stale: false,
        })
    }

    /// Reads the reports the last `check` or `build` of this site kept in `.pirsite-cache/`
    /// ([`crate::cache::Reports`]), for the next check to take those whose bytes did not
    /// change instead of parsing and linting them again. Returns how many were kept.
    pub fn keep_reports(&mut self) -> usize {
        let config = std::fs::read(self.root.join(CONFIG_FILE)).unwrap_or_default();
        self.kept = crate::cache::Reports::open(&self.root, &config);
        self.kept_stale = false;
        self.kept.as_ref().map_or(0, crate::cache::Reports::len)
    }

    /// Writes the reports of the last check to `.pirsite-cache/` when they differ from those
    /// [`Site::keep_reports`] read (a report read, linted or removed since). `Ok(false)` when
    /// nothing was written; an error only says why the cache could not be written, which
    /// costs the next run its time and nothing else.
    pub fn save_reports(&mut self) -> std::io::Result<bool> {
        let Some(store) = &self.kept else {
            return Ok(false);
        };
        if !self.kept_stale {
            return Ok(false);
        }
        let reports: Vec<crate::cache::ToKeep<'_>> = self
            .cache
            .values()
            .filter_map(|c| {
                Some(crate::cache::ToKeep {
                    hash: c.hash,
                    report: c.report.as_deref().ok()?,
                    lint: c.lint.as_ref().map(|(key, found)| (*key, found.as_slice())),
                })
            })
            .collect();
        store.save(reports)?;
        self.kept_stale = false;
        Ok(true)
    }

    /// Re-reads `site.toml`; the cache is dropped because validation depends on it.
    pub fn reload_config(&mut self) -> Result<(), Diagnostic> {
        self.config = Config::load(&self.root)?;
        self.cache.clear();
        self.references = validate::ArchiveMemo::default();
        self.shape = None;
        self.walked = None;
        Ok(())
    }

    /// Drops the cached reports at or under each of `paths`, so the next [`check`] reads them
    /// again whatever their size and time stamp say (a file system with coarse time stamps can
    /// keep both unchanged across a quick edit).
    ///
    /// [`check`]: Site::check
    pub fn forget(&mut self, paths: &[PathBuf]) {
        self.cache
            .retain(|cached, _| !paths.iter().any(|p| cached.starts_with(p)));
    }

    /// Tells the next [`check`] which paths changed since the last one (files and folders
    /// written, created or deleted, as a file watcher reports them): when they are all plain
    /// files, the check updates its list of files instead of walking the content folder, and
    /// looks at no other file. Without it, every check walks and looks at every file.
    ///
    /// [`check`]: Site::check
    pub fn changed(&mut self, paths: &[PathBuf]) {
        self.changes = Some(paths.to_vec());
    }

    /// Folder of the reports.
    pub fn content_dir(&self) -> PathBuf {
        self.root.join(&self.config.content_dir)
    }

    /// Folder of the theme overrides.
    pub fn theme_dir(&self) -> PathBuf {
        self.root.join(&self.config.theme_dir)
    }

    /// Loads, validates and lints every report, with "today" from the environment
    /// ([`today`] without `--today`; the system date if `SOURCE_DATE_EPOCH` is unusable).
    pub fn check(&mut self) -> Checked {
        let day = today(None, &self.config).unwrap_or_else(|_| chrono::Utc::now().date_naive());
        self.check_at(day)
    }

    /// Loads and validates every report, re-reading only files that changed since last time,
    /// then runs the review-quality lints, which date deadlines on `today`.
    pub fn check_at(&mut self, today: NaiveDate) -> Checked {
        self.check_beside(today, |_, _| ()).0
    }

    /// [`Site::check_at`] and the archive model [`Site::archive`] gives of its result, the
    /// model built while the lints run (it does not depend on them; they are attached after).
    pub fn check_with_archive(&mut self, today: NaiveDate, drafts: bool) -> (Checked, Archive) {
        let order: Vec<String> = self.config.levels();
        let due_soon_days = self.config.due_soon_days;
        let (checked, archive) = self.check_beside(today, |incidents, shape| {
            Archive::new_reusing(
                incidents.to_vec(),
                drafts,
                today,
                due_soon_days,
                &order,
                shape,
            )
        });
        let archive = self.attach_lints(archive, &checked);
        (checked, archive)
    }

    /// [`Site::check_at`], running `beside` on the validated incidents (and the cross-incident
    /// facts kept from the last archive) while the lints run.
    fn check_beside<T: Send>(
        &mut self,
        today: NaiveDate,
        beside: impl FnOnce(&[Arc<Incident>], Option<&crate::model::Shape>) -> T + Send,
    ) -> (Checked, T) {
        let content = self.content_dir();
        let mut diagnostics = Diagnostics::new();
        if !content.is_dir() {
            diagnostics.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    0,
                    0,
                    format!(
                        "content folder `{}` does not exist",
                        self.config.content_dir.display()
                    ),
                )
                .with_hint("create it, or set `content_dir` in site.toml"),
            );
            let beside = beside(&[], self.shape.as_ref());
            let checked = Checked {
                diagnostics,
                reports: 0,
                incidents: Vec::new(),
                assets: Vec::new(),
                reread: 0,
                kept: 0,
                lints: Vec::new(),
            };
            return (checked, beside);
        }
        diagnostics.extend(crate::render::theme::folder_problems(
            &self.root,
            &self.config.theme_dir,
        ));
        let mut t = Stages::start();
        let changes = self.changes.take();
        // The walk before, updated with the files the caller says changed; or none, and the
        // folder is walked afresh.
        let rewalked = match (changes, self.walked.take()) {
            (Some(changed), Some(mut files)) => {
                load::rewalk(&mut files, &changed, &self.root, &content).then_some((files, changed))
            }
            _ => None,
        };
        let config = &self.config;
        let cache = &self.cache;
        let root = &self.root;
        let store = self.kept.as_ref();
        let restored = std::sync::atomic::AtomicUsize::new(0);
        // For each report: unchanged (kept as cached), touched (same bytes, new time stamp)
        // or read again. Files in `changed`'s complement are taken as cached without looking
        // at them.
        let read = |abs: &Path, rel: &str, changed: Option<&HashSet<&Path>>| -> Outcome {
            if changed.is_some_and(|c| !c.contains(abs) && cache.contains_key(abs)) {
                return Outcome::Same;
            }
            let cached = cache.get(abs);
            let (len, modified, bytes) = match cached {
                None => read_fresh(abs),
                Some(c) => {
                    let (len, modified) = size_and_time(std::fs::metadata(abs).ok());
                    if c.len == len && c.modified == modified && modified.is_some() {
                        return Outcome::Same;
                    }
                    (len, modified, std::fs::read(abs))
                }
            };
            let bytes = match bytes {
                Ok(b) => b,
                Err(e) => {
                    let d =
                        Diagnostic::error(rel, 0, 0, format!("cannot read: {e}")).with_io_cause(&e);
                    return Outcome::Read(Box::new(Cached {
                        len,
                        modified,
                        hash: 0,
                        report: Err(d),
                        incident: None,
                        diagnostics: Vec::new(),
                        id_guess: load::id_from_name(abs, &config.id_pattern),
                        lint: None,
                        owners: Vec::new(),
                    }));
                }
            };
            let hash = load::content_hash(&bytes);
            if cached.is_some_and(|c| c.hash == hash) {
                return Outcome::Touched(len, modified);
            }
            // Kept by the last run, with the same bytes: not parsed, and linted again only if
            // the people or the day changed.
            let kept = store
                .and_then(|s| s.take(rel, hash))
                .and_then(|k| Some((load::with_body(&bytes, k.report)?, k.lint)));
            let (report, lint) = match kept {
                Some((report, lint)) => {
                    restored.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    (Ok(report), lint)
                }
                None => {
                    let folder = load::rel_path(&content, abs.parent().unwrap_or(root));
                    let folder = if abs.parent() == Some(content.as_path()) {
                        String::new()
                    } else {
                        folder
                    };
                    let report = load::parse_hashed(&bytes, hash, rel, &folder, &config.id_finder);
                    (report, None)
                }
            };
            let report = report.map(Arc::new);
            let id_guess = report.is_err().then(|| {
                load::guess_id(&bytes).or_else(|| load::id_from_name(abs, &config.id_pattern))
            });
            let id_guess = id_guess.flatten();
            let (incident, ds) = match &report {
                Ok(r) => validate::report(r, config),
                Err(_) => (None, Vec::new()),
            };
            let owners = match &report {
                Ok(r) => crate::lint::owners_of(r)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                Err(_) => Vec::new(),
            };
            Outcome::Read(Box::new(Cached {
                len,
                modified,
                hash,
                report,
                incident: incident.map(Arc::new),
                diagnostics: ds,
                id_guess,
                lint,
                owners,
            }))
        };
        let (files, outcomes): (load::ContentFiles, Vec<Outcome>) = match rewalked {
            Some((files, changed)) => {
                let changed: HashSet<&Path> = changed.iter().map(PathBuf::as_path).collect();
                let outcomes = files
                    .reports
                    .par_iter()
                    .map(|(abs, rel)| read(abs, rel, Some(&changed)))
                    .collect();
                (files, outcomes)
            }
            // Each report is read as soon as the walk lists it.
            None => load::walk_reading(root, &content, |abs, rel| read(abs, rel, None)),
        };
        diagnostics.extend(files.problems.iter().cloned());
        let restored = restored.into_inner();
        let kept = self.kept.as_mut().map_or(0, |store| {
            let n = store.len();
            store.release();
            n
        });
        t.mark(&format!(
            "walk, parse+validate ({} of {} reports from the report cache)",
            restored,
            files.reports.len()
        ));
        let mut reread = 0;
        let mut old = std::mem::take(&mut self.cache);
        let mut entries: Vec<(PathBuf, Cached)> = Vec::with_capacity(outcomes.len());
        for ((abs, _), outcome) in files.reports.iter().zip(outcomes) {
            let c = match outcome {
                Outcome::Same => old.remove(abs).expect("cached above"),
                Outcome::Touched(len, modified) => Cached {
                    len,
                    modified,
                    ..old.remove(abs).expect("cached above")
                },
                Outcome::Read(c) => {
                    reread += 1;
                    *c
                }
            };
            entries.push((abs.clone(), c));
        }
        drop(old);
        let mut reports = Vec::new();
        let mut unreadable_ids: Vec<String> = files
            .unreadable
            .iter()
            .filter_map(|p| load::id_from_name(p, &self.config.id_pattern))
            .collect();
        let mut incidents = Vec::new();
        for (_, c) in &entries {
            match &c.report {
                Ok(r) => reports.push(Arc::clone(r)),
                Err(d) => {
                    diagnostics.push(d.clone());
                    unreadable_ids.extend(c.id_guess.clone());
                }
            }
            diagnostics.extend(c.diagnostics.iter().cloned());
            incidents.extend(c.incident.clone());
        }
        t.mark("collect");
        // The checks across reports (and the caller's work) run beside the lints, which do
        // not depend on them.
        let config = &self.config;
        let memo = &mut self.references;
        let shape = self.shape.as_ref();
        let ((across, beside), (lint_key, linted)) = rayon::join(
            || {
                rayon::join(
                    || validate::archive_memo(&reports, &unreadable_ids, config, memo),
                    || beside(&incidents, shape),
                )
            },
            || {
                // Review-quality lints, per report, kept until the report, the people of the
                // archive (which blame detection reads) or the day changes.
                let people = if crate::lint::level(config, crate::lint::BLAME_LANGUAGE).is_some() {
                    crate::lint::people_of(
                        reports
                            .iter()
                            .filter_map(|r| r.front.on_call.as_ref().map(|n| n.value.as_str())),
                        entries
                            .iter()
                            .flat_map(|(_, c)| c.owners.iter().map(String::as_str)),
                        config,
                    )
                } else {
                    crate::lint::blame::People::new()
                };
                let lint_key = (people.key(), today);
                let linted: Vec<Option<Arc<Vec<Diagnostic>>>> = entries
                    .par_iter()
                    .map(|(_, c)| match (&c.report, &c.lint) {
                        (Ok(_), Some((key, _))) if *key == lint_key => None,
                        (Ok(r), _) => Some(Arc::new(crate::lint::in_order(crate::lint::report(
                            r, &people, config, today,
                        )))),
                        (Err(_), _) => None,
                    })
                    .collect();
                (lint_key, linted)
            },
        );
        diagnostics.extend(across);
        let mut lints = Vec::with_capacity(entries.len());
        let mut relinted = 0;
        for ((_, c), fresh) in entries.iter_mut().zip(linted) {
            if let Some(found) = fresh {
                c.lint = Some((lint_key, found));
                relinted += 1;
            }
            if let (Ok(r), Some((_, found))) = (&c.report, &c.lint) {
                lints.push((Arc::clone(r), Arc::clone(found)));
            }
        }
        // What is kept for the next run is written again when a report was parsed or linted
        // or is gone: all of them came from the store, as they were, or it is stale.
        self.kept_stale =
            self.kept.is_some() && (relinted > 0 || restored != lints.len() || kept != restored);
        t.mark("archive checks + lint");
        // The cache for the next check is filed while the findings are gathered and sorted.
        let (cache, ()) = rayon::join(
            || entries.into_iter().collect(),
            || {
                diagnostics.extend(lints.iter().flat_map(|(_, found)| found.iter().cloned()));
                diagnostics.sort();
            },
        );
        self.cache = cache;
        t.mark("cache, sort");
        let checked = Checked {
            diagnostics,
            // Reports the walk could not read count too: each has its error.
            reports: files.reports.len() + files.unreadable.len(),
            incidents,
            assets: files.assets.clone(),
            reread,
            kept: restored,
            lints,
        };
        self.walked = Some(files);
        (checked, beside)
    }

    /// Builds the archive model of checked content, with each incident's lint findings
    /// (reusing what the previous archive of this site computed across incidents, when the
    /// facts it was computed from are the same).
    pub fn archive(&mut self, checked: &Checked, drafts: bool, today: NaiveDate) -> Archive {
        let order: Vec<String> = self.config.levels();
        let archive = Archive::new_reusing(
            checked.incidents.clone(),
            drafts,
            today,
            self.config.due_soon_days,
            &order,
            self.shape.as_ref(),
        );
        self.attach_lints(archive, checked)
    }

    /// Keeps the cross-incident facts of `archive` for the next one, and attaches the lint
    /// findings of `checked` to it.
    fn attach_lints(&mut self, mut archive: Archive, checked: &Checked) -> Archive {
        self.shape = Some(archive.shape());
        crate::lint::attach(
            &mut archive,
            &checked.lints,
            &checked.incidents,
            &self.config,
        );
        archive
    }

    /// Renders `archive` and writes it into `output` atomically. With `memo`, remembers what
    /// was written there, for [`Site::update_into`]. `staged` is the staging folder
    /// [`Site::stage`] prepared for `output` beforehand, if any.
    fn build_into(
        &self,
        checked: &Checked,
        archive: &Archive,
        output: &Path,
        base_url: &str,
        memo: Option<&mut Memo>,
        staged: Option<(PathBuf, Staging)>,
    ) -> Result<(usize, usize, Vec<PathBuf>), BuildError> {
        let mut t = Stages::start();
        let theme = Theme::load(&self.root, &self.config.theme_dir).map_err(BuildError::Render)?;
        t.mark("theme");
        let (out, staging) = match staged {
            Some(staged) => staged,
            None => self.stage(output)?,
        };
        t.mark("staging");
        let mut fresh = memo.is_some().then(Memo::default);
        let (pages, files) =
            self.render_into(checked, archive, &theme, base_url, &staging, fresh.as_mut())?;
        t.mark("(render total)");
        if std::env::var_os("PIRSITE_TIMINGS").is_some() {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr().lock(),
                "[timing] {}",
                staging.placement_summary()
            );
        }
        let kept = staging.commit().map_err(BuildError::Write)?;
        t.mark("commit");
        if let (Some(memo), Some(mut fresh)) = (memo, fresh) {
            fresh.folder = out;
            fresh.hashes = std::mem::take(&mut memo.hashes);
            *memo = fresh;
        }
        Ok((pages, files, kept))
    }

    /// Approves `output` as the place to write the site ([`write::check_output`]) and prepares
    /// its staging folder: the spare, listed, or a new folder. Returns the output's normalised
    /// path with it. Needs nothing from the reports, so `build` runs it while they are read.
    pub fn stage(&self, output: &Path) -> Result<(PathBuf, Staging), BuildError> {
        stage(output, &self.root, &self.content_dir(), &self.theme_dir())
    }

    /// An `output_dir` of site.toml that `build` would refuse wherever it is run, as it is the
    /// site root or above it, or overlaps the content or theme folder (a folder holding files
    /// of its own is refused too, but that depends on the machine, not on the site).
    fn output_dir_problem(&self) -> Option<Diagnostic> {
        let output = self.root.join(&self.config.output_dir);
        let sources = [self.content_dir(), self.theme_dir()];
        let sources: Vec<&Path> = sources.iter().map(PathBuf::as_path).collect();
        let (_, why) = write::output_place(&output, &self.root, &sources).err()?;
        let line = std::fs::read_to_string(self.root.join(CONFIG_FILE))
            .map_or(0, |text| crate::config::find_key_line(&text, "output_dir"));
        Some(
            Diagnostic::error(
                CONFIG_FILE,
                line,
                1,
                format!(
                    "`build` would refuse output_dir `{}`: {why}",
                    self.config.output_dir.display()
                ),
            )
            .with_hint(
                "set output_dir to a folder of its own beside the content, such as `public`",
            ),
        )
    }

    /// How findings name the output folder `output`: relative to the site root when inside it
    /// (`public`), else as it is.
    fn output_label(&self, output: &Path) -> String {
        // The output may be given as it was written or resolved (`/srv/site/public` for a
        // root of `.`): either way it is named from the root.
        let resolved = std::fs::canonicalize(&self.root).ok();
        let output = output
            .strip_prefix(&self.root)
            .ok()
            .or_else(|| output.strip_prefix(resolved.as_ref()?).ok())
            .unwrap_or(output);
        let output = output.strip_prefix(".").unwrap_or(output);
        output.display().to_string()
    }

    /// Renders every page in parallel into `staging`, then copies static files and assets;
    /// checks every link against the list of files written, each page as soon as it is
    /// rendered. With `memo`, records every page's fingerprint and the files written.
    fn render_into(
        &self,
        checked: &Checked,
        archive: &Archive,
        theme: &Theme,
        base_url: &str,
        staging: &Staging,
        memo: Option<&mut Memo>,
    ) -> Result<(usize, usize), BuildError> {
        let renderer = Renderer::new(&self.config, archive, theme, base_url);
        let mut t = Stages::start();
        let pages = renderer.pages();
        let paths: Vec<String> = pages.iter().map(|k| k.path(archive)).collect();
        let copies = asset_copies(archive, &checked.assets);
        let files = planned_files(&paths, theme, &copies);
        let reports = report_pages(archive);
        let base_path = linkcheck::base_path(base_url);
        let label = self.output_label(staging.output());
        let (checker, mut broken) =
            linkcheck::Checker::new(&files, &reports, &base_path, &label, self.config.allow_html);
        broken.extend(self.static_clashes(&paths, theme));
        t.mark("plan + markdown link check");
        let record = memo.is_some();
        let rendered: Vec<Result<_, BuildError>> = pages
            .par_iter()
            .map(|&kind| {
                let page = renderer.render(kind).map_err(BuildError::Render)?;
                staging
                    .write(&page.path, page.html.as_bytes())
                    .map_err(BuildError::Write)?;
                let found = if page.path.ends_with(".html") {
                    checker.page(&page.path, &page.html)
                } else {
                    Vec::new()
                };
                Ok((found, if record { page.asked } else { Vec::new() }))
            })
            .collect();
        let rendered = first_failure(rendered)?;
        let mut asked = Vec::with_capacity(if record { rendered.len() } else { 0 });
        for (found, a) in rendered {
            broken.extend(found);
            asked.push(a);
        }
        t.mark("render + write + page link check");
        let mut written = 0;
        for (name, bytes) in &theme.statics {
            staging.write(name, bytes).map_err(BuildError::Write)?;
            written += 1;
        }
        for (abs, rel) in &copies {
            staging.copy(abs, rel).map_err(BuildError::Write)?;
            written += 1;
        }
        // Last, so a build cut short leaves the list of the build before it (or none).
        staging
            .write_listing(files.iter().map(String::as_str))
            .map_err(BuildError::Write)?;
        t.mark("statics + assets");
        if !broken.is_empty() {
            let mut ds = checked.diagnostics.clone();
            ds.extend(broken);
            ds.sort();
            return Err(BuildError::Invalid(ds, checked.reports));
        }
        if let Some(memo) = memo {
            let global = fingerprint::global(&renderer);
            let hashes = memo.hashes.hashes(archive);
            memo.pages = pages
                .par_iter()
                .zip(paths)
                .zip(asked)
                .map(|((&kind, path), asked)| {
                    let fp = fingerprint::page(&renderer, kind, &path, global, &hashes, &asked);
                    (path, (fp, asked))
                })
                .collect();
            memo.files = files;
            t.mark("fingerprints");
        }
        Ok((pages.len(), written))
    }

    /// Brings the build described by `memo` up to date in place: renders only the pages whose
    /// fingerprint changed (or that are new), checks the links, and only then writes those
    /// pages (each replaced atomically), changed static files and assets, and removes the
    /// files no longer built. Writes nothing when the content or a link has errors. Returns
    /// `Ok(None)` when so many pages changed that a full build is the better way; otherwise
    /// the number of pages, of pages rendered, and of other files written.
    fn update_into(
        &self,
        checked: &Checked,
        archive: &Archive,
        base_url: &str,
        memo: &mut Memo,
    ) -> Result<Option<(usize, usize, usize)>, BuildError> {
        let theme = Theme::load(&self.root, &self.config.theme_dir).map_err(BuildError::Render)?;
        let renderer = Renderer::new(&self.config, archive, &theme, base_url);
        let mut t = Stages::start();
        let pages = renderer.pages();
        let global = fingerprint::global(&renderer);
        let hashes = memo.hashes.hashes(archive);
        let known = &memo.pages;
        // (page, its fingerprint when it need not be rendered again)
        let plan: Vec<(PageKind, String, Option<u64>)> = pages
            .par_iter()
            .map(|&kind| {
                let path = kind.path(archive);
                let same = known.get(&path).and_then(|(fp, asked)| {
                    let now = fingerprint::page(&renderer, kind, &path, global, &hashes, asked);
                    (now == *fp).then_some(now)
                });
                (kind, path, same)
            })
            .collect();
        let changed = plan.iter().filter(|(_, _, same)| same.is_none()).count();
        t.mark("fingerprints");
        if changed > (pages.len() / 4).max(64) {
            return Ok(None);
        }
        let paths: Vec<String> = plan.iter().map(|(_, path, _)| path.clone()).collect();
        let copies = asset_copies(archive, &checked.assets);
        let files = planned_files(&paths, &theme, &copies);
        let reports = report_pages(archive);
        let base_path = linkcheck::base_path(base_url);
        let label = self.output_label(&memo.folder);
        let (checker, mut broken) =
            linkcheck::Checker::new(&files, &reports, &base_path, &label, self.config.allow_html);
        broken.extend(self.static_clashes(&paths, &theme));
        let fresh: Vec<Result<_, BuildError>> = plan
            .par_iter()
            .enumerate()
            .filter(|(_, (_, _, same))| same.is_none())
            .map(|(n, (kind, _, _))| {
                let page = renderer.render(*kind).map_err(BuildError::Render)?;
                let found = if page.path.ends_with(".html") {
                    checker.page(&page.path, &page.html)
                } else {
                    Vec::new()
                };
                Ok((n, page, found))
            })
            .collect();
        let fresh = first_failure(fresh)?;
        for (_, _, found) in &fresh {
            broken.extend(found.iter().cloned());
        }
        // Pages kept as they are passed the check against the previous files; a file that is
        // gone may break them.
        let gone: Vec<&String> = memo.files.iter().filter(|f| !files.contains(*f)).collect();
        if !gone.is_empty() {
            let folder = &memo.folder;
            let kept: Vec<Vec<Diagnostic>> = plan
                .par_iter()
                .filter(|(_, path, same)| same.is_some() && path.ends_with(".html"))
                .map(|(_, path, _)| {
                    let text = std::fs::read_to_string(folder.join(path)).unwrap_or_default();
                    checker.page(path, &text)
                })
                .collect();
            broken.extend(kept.into_iter().flatten());
        }
        t.mark("render + link check");
        if !broken.is_empty() {
            let mut ds = checked.diagnostics.clone();
            ds.extend(broken);
            ds.sort();
            return Err(BuildError::Invalid(ds, checked.reports));
        }
        let folder = memo.folder.clone();
        let written = (|| -> Result<usize, WriteError> {
            let mut written = 0;
            for (_, page, _) in &fresh {
                write::replace(&folder, &page.path, page.html.as_bytes())?;
                written += 1;
            }
            for (name, bytes) in &theme.statics {
                written += usize::from(write::update(&folder, name, bytes)?);
            }
            for (abs, rel) in &copies {
                let bytes = std::fs::read(abs).map_err(|e| WriteError::Io(abs.to_path_buf(), e))?;
                written += usize::from(write::update(&folder, rel, &bytes)?);
            }
            for path in &gone {
                write::remove(&folder, path)?;
            }
            if !gone.is_empty() || files.len() != memo.files.len() {
                let listing = write::marker_listing(files.iter().map(String::as_str));
                write::update(&folder, write::MARKER, &listing)?;
            }
            Ok(written)
        })();
        let written = match written {
            Ok(n) => n,
            Err(e) => {
                // The folder is half updated: the next build starts afresh.
                memo.pages.clear();
                return Err(BuildError::Write(e));
            }
        };
        t.mark("write");
        let rendered = fresh.len();
        let mut fresh: HashMap<usize, Vec<String>> = fresh
            .into_iter()
            .map(|(n, page, _)| (n, page.asked))
            .collect();
        let mut old = std::mem::take(&mut memo.pages);
        memo.pages = plan
            .into_iter()
            .enumerate()
            .map(|(n, (kind, path, same))| {
                let entry = match (same, fresh.remove(&n)) {
                    (Some(fp), _) => (fp, old.remove(&path).map(|x| x.1).unwrap_or_default()),
                    (None, asked) => {
                        let asked = asked.unwrap_or_default();
                        let fp = fingerprint::page(&renderer, kind, &path, global, &hashes, &asked);
                        (fp, asked)
                    }
                };
                (path, entry)
            })
            .collect();
        memo.files = files;
        Ok(Some((pages.len(), rendered, written)))
    }
}

/// The results of rendering the pages, in page order, or the error of the first page that
/// failed in that order: the page `check` names too (it renders the first page of each kind),
/// and the same page on every run, where the error the threads met first would depend on how
/// the pages were shared out between them.
fn first_failure<T>(results: Vec<Result<T, BuildError>>) -> Result<Vec<T>, BuildError> {
    results.into_iter().collect()
}

/// Each built report that writes links, with the path of its page.
fn report_pages(archive: &Archive) -> Vec<(&Report, String)> {
    archive
        .incidents
        .iter()
        .filter(|inc| !inc.report.links.is_empty())
        .map(|inc| (&*inc.report, format!("incidents/{}/index.html", inc.slug)))
        .collect()
}

/// What the last good build wrote, kept between builds of the same site (by `serve`) so the
/// next build renders only the pages whose inputs changed (`Site::update_into`).
#[derive(Default)]
pub struct Memo {
    /// The folder the build is in.
    pub folder: PathBuf,
    /// Every page by path: its fingerprint and the ids it asked about.
    pages: HashMap<String, (u64, Vec<String>), crate::text::FastBuild>,
    /// Every file of the build.
    files: linkcheck::FileSet,
    /// Incident hashes, kept while incidents do not change.
    hashes: fingerprint::HashCache,
}

impl Memo {
    /// True when the memo describes a build (after a first good build into a folder).
    pub fn is_ready(&self) -> bool {
        !self.pages.is_empty()
    }
}

impl Site {
    /// What `check` verifies of the site `build` would write, without writing it, so that a
    /// pull request fails where the publish step would:
    ///
    /// - the Markdown links of the reports `build` would publish, against the files the build
    ///   would write (pages, static files, copied assets); and those of the `draft` and
    ///   `review` reports against the files `build --drafts` would write, so a draft's broken
    ///   link fails here as it fails in `serve` and `build --drafts`;
    /// - the site's static files that would replace a page (`Site::static_clashes`);
    /// - when the site overrides templates, one page of each kind rendered in memory (the
    ///   first of each: an incident, a severity, a tag, a service, and every index page), and
    ///   its links checked, so a template that fails at render time or links to nothing is an
    ///   error of `check` too. The embedded templates are tested with pirsite, and are not
    ///   rendered here.
    pub fn check_output(
        &self,
        checked: &Checked,
        archive: &Archive,
    ) -> Result<Vec<Diagnostic>, Diagnostic> {
        let theme = Theme::load(&self.root, &self.config.theme_dir)?;
        let base_url = self.config.base_url.as_str();
        let renderer = Renderer::new(&self.config, archive, &theme, base_url);
        let pages = renderer.pages();
        let copies = asset_copies(archive, &checked.assets);
        let paths: Vec<String> = pages.iter().map(|k| k.path(archive)).collect();
        let files = planned_files(&paths, &theme, &copies);
        let base_path = linkcheck::base_path(base_url);
        let label = self.output_label(&self.root.join(&self.config.output_dir));
        let reports = report_pages(archive);
        let (checker, mut ds) =
            linkcheck::Checker::new(&files, &reports, &base_path, &label, self.config.allow_html);
        ds.extend(self.static_clashes(&paths, &theme));
        ds.extend(self.output_dir_problem());
        ds.extend(self.check_unpublished_links(checked, archive, &theme, &base_path, &label));
        if theme.overrides_templates() {
            let mut kinds: Vec<PageKind> = Vec::new();
            // The JSON files use no template.
            let templated =
                |k: &PageKind| !matches!(k, PageKind::IncidentsJson | PageKind::ActionsJson);
            for kind in pages.into_iter().filter(templated) {
                if !kinds
                    .iter()
                    .any(|k| std::mem::discriminant(k) == std::mem::discriminant(&kind))
                {
                    kinds.push(kind);
                }
            }
            // Each page fails or has its links checked, as `build` would check them.
            let found: Vec<Vec<Diagnostic>> = kinds
                .par_iter()
                .map(|&kind| match renderer.render(kind) {
                    Err(d) => vec![d],
                    Ok(page) => checker.page(&page.path, &page.html),
                })
                .collect();
            ds.extend(found.into_iter().flatten());
        }
        Ok(ds)
    }
}

impl Site {
    /// The Markdown links of the `draft` and `review` reports of `checked`, against the files
    /// `build --drafts` would write. `published` is the archive without them; nothing is
    /// planned when no such report writes a link.
    fn check_unpublished_links(
        &self,
        checked: &Checked,
        published: &Archive,
        theme: &Theme,
        base_path: &str,
        label: &str,
    ) -> Vec<Diagnostic> {
        let unpublished = |i: &Incident| i.status != ReportStatus::Published;
        if !checked
            .incidents
            .iter()
            .any(|i| unpublished(i) && !i.report.links.is_empty())
        {
            return Vec::new();
        }
        let all = Archive::new(
            checked.incidents.clone(),
            true,
            published.today,
            self.config.due_soon_days,
            &self.config.levels(),
        );
        let renderer = Renderer::new(&self.config, &all, theme, self.config.base_url.as_str());
        let paths: Vec<String> = renderer.pages().iter().map(|k| k.path(&all)).collect();
        let copies = asset_copies(&all, &checked.assets);
        let files = planned_files(&paths, theme, &copies);
        let reports: Vec<(&Report, String)> = all
            .incidents
            .iter()
            .filter(|inc| unpublished(inc) && !inc.report.links.is_empty())
            .map(|inc| (&*inc.report, format!("incidents/{}/index.html", inc.slug)))
            .collect();
        linkcheck::Checker::new(&files, &reports, base_path, label, self.config.allow_html).1
    }

    /// The site's static files (`<theme_dir>/static/`) that have the path of a page, a data
    /// file or the output's marker: copied after the pages, each would replace what pirsite
    /// wrote there, so each is an error instead.
    fn static_clashes(&self, paths: &[String], theme: &Theme) -> Vec<Diagnostic> {
        let mut taken: HashSet<&str> = paths.iter().map(String::as_str).collect();
        taken.insert(write::MARKER);
        let folder = self.theme_dir().join("static");
        theme
            .statics
            .keys()
            .filter(|name| taken.contains(name.as_str()) && folder.join(name.as_str()).is_file())
            .map(|name| {
                let at = load::rel_path(&self.root, &folder.join(name.as_str()));
                let what = if name == write::MARKER {
                    "the marker pirsite keeps in the output folder".to_string()
                } else {
                    format!("the file pirsite writes at `{name}`")
                };
                Diagnostic::error(at, 0, 0, format!("static file `{name}` would replace {what}"))
                    .with_hint(
                        "change a page through its template under `templates/`, or give the file another name",
                    )
            })
            .collect()
    }
}

/// Every file a build writes, relative to the output root: pages, the marker, the theme's
/// static files and the copied assets. The link check resolves links against it.
fn planned_files(
    paths: &[String],
    theme: &Theme,
    copies: &[(&Path, String)],
) -> linkcheck::FileSet {
    let mut files: linkcheck::FileSet = paths.iter().cloned().collect();
    files.insert(write::MARKER.to_string());
    files.extend(theme.statics.keys().cloned());
    files.extend(copies.iter().map(|(_, rel)| rel.clone()));
    files
}

/// Where each asset is copied: beside the page of every built report in its folder (an asset
/// named `index.html` would replace the page, and is left out).
pub fn asset_copies<'a>(
    archive: &Archive,
    assets: &'a [(PathBuf, String)],
) -> Vec<(&'a Path, String)> {
    let mut by_folder: HashMap<&str, Vec<&str>> = HashMap::new();
    for inc in &archive.incidents {
        by_folder
            .entry(inc.report.folder.as_str())
            .or_default()
            .push(inc.slug.as_str());
    }
    let mut out = Vec::new();
    for (abs, rel) in assets {
        let (folder, name) = rel.rsplit_once('/').unwrap_or(("", rel.as_str()));
        if name == "index.html" {
            continue;
        }
        for slug in by_folder.get(folder).into_iter().flatten() {
            out.push((abs.as_path(), format!("incidents/{slug}/{name}")));
        }
    }
    out
}

/// [`Site::stage`] from the paths it needs, for a thread that cannot borrow the site.
fn stage(
    output: &Path,
    root: &Path,
    content: &Path,
    theme: &Path,
) -> Result<(PathBuf, Staging), BuildError> {
    let out = write::check_output(output, root, &[content, theme]).map_err(BuildError::Write)?;
    let staging = Staging::new(&out).map_err(BuildError::Write)?;
    Ok((out, staging))
}

/// How findings about [`BuildOptions`] name their place, for want of a file.
pub const OPTIONS: &str = "(build options)";

/// Options of `pirsite build`.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Output folder (default: the config's `output_dir` under the root).
    pub output: Option<PathBuf>,
    /// Overrides `base_url`. Checked as in site.toml ([`crate::config::check_base_url`]): a
    /// value that is neither an http(s) URL nor a path starting with `/` fails the build with
    /// [`BuildError::Render`] at [`OPTIONS`], before anything is read or written.
    pub base_url: Option<String>,
    /// Date to compute due states for.
    pub today: Option<NaiveDate>,
    /// Include draft and review reports.
    pub drafts: bool,
    /// Keep the reports as read and the highlighted code blocks between builds under the site
    /// root ([`crate::cache`]): `pirsite build` does, `serve` keeps them in memory instead.
    pub keep_cache: bool,
}

/// [`Site::save_reports`], timed with the stages; the cache only saves time, so a folder that
/// cannot be written costs the next run its time, nothing else.
pub fn save_reports(site: &mut Site) {
    let mut t = Stages::start();
    let saved = match site.save_reports() {
        Ok(true) => "written".to_string(),
        Ok(false) => "unchanged".to_string(),
        Err(e) => format!("not written ({e})"),
    };
    t.mark(&format!("report cache: {saved}"));
}

/// Validates the site and, when it has no errors, writes it: the whole of `pirsite build`.
pub fn build(site: &mut Site, opts: &BuildOptions) -> Result<Built, BuildError> {
    build_with(site, opts, None)
}

/// [`build`], keeping `memo` of what was written: when `memo` describes an earlier build,
/// that build's folder is brought up to date in place (re-rendering only the pages whose
/// inputs changed) instead of writing `opts.output`, unless so many pages changed that a full
/// build into `opts.output` is quicker. `memo.folder` says where the site is afterwards.
pub fn build_with(
    site: &mut Site,
    opts: &BuildOptions,
    mut memo: Option<&mut Memo>,
) -> Result<Built, BuildError> {
    // The command line checks `--base-url` as it parses it; a program calling this gets the
    // same check here.
    if let Some(url) = &opts.base_url {
        crate::config::base_url_problem(url).map_err(|(message, hint)| {
            BuildError::Render(Diagnostic::error(OPTIONS, 0, 0, message).with_hint(hint))
        })?;
    }
    let today = today(opts.today, &site.config)
        .map_err(|e| BuildError::Render(Diagnostic::error("(environment)", 0, 0, e)))?;
    let output = opts
        .output
        .clone()
        .unwrap_or_else(|| site.root.join(&site.config.output_dir));
    let base_url = opts.base_url.as_deref().map_or_else(
        || site.config.base_url.clone(),
        crate::config::normalize_base_url,
    );
    let update = memo.as_deref().is_some_and(Memo::is_ready);
    // A full build prepares its staging folder (listing the spare takes a while) while the
    // reports are read and checked, and builds the archive model while the lints run.
    let (root, content, theme) = (site.root.clone(), site.content_dir(), site.theme_dir());
    if opts.keep_cache {
        site.keep_reports();
    }
    // Highlighted blocks kept from the last build are read beside the check too.
    let (checked, archive, staged, store) = std::thread::scope(|s| {
        let staged = (!update).then(|| s.spawn(|| stage(&output, &root, &content, &theme)));
        let store = opts
            .keep_cache
            .then(|| s.spawn(|| highlight::Store::open(&root)));
        let (checked, archive) = site.check_with_archive(today, opts.drafts);
        fn join<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
            h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
        }
        let staged = staged.map(join);
        let store = store.and_then(join);
        (checked, archive, staged, store)
    });
    let unpublished = checked.incidents.len() - archive.incidents.len();
    if checked.diagnostics.has_errors() {
        // Nothing is written, the report cache included (the SPEC's "writes nothing").
        // A staging folder prepared beside is dropped: a spare goes back to being the spare.
        drop(staged);
        return Err(BuildError::Invalid(checked.diagnostics, checked.reports));
    }
    let staged = staged.transpose()?;
    let updated = match memo.as_deref_mut() {
        Some(memo) if update => site.update_into(&checked, &archive, &base_url, memo),
        _ => Ok(None),
    };
    let written = match updated {
        Ok(Some((pages, rendered, files))) => Ok((pages, rendered, files, Vec::new())),
        Ok(None) => site
            .build_into(&checked, &archive, &output, &base_url, memo, staged)
            .map(|(pages, files, kept)| (pages, pages, files, kept)),
        Err(e) => Err(e),
    };
    let Checked {
        diagnostics,
        reports,
        reread,
        incidents,
        assets,
        lints,
        ..
    } = checked;
    // Freeing a large archive takes a while, and nothing waits for it.
    rayon::spawn(move || drop((archive, incidents, assets, lints)));
    let (pages, rendered, files, kept) = written?;
    if let Some(store) = store {
        let mut t = Stages::start();
        let read = store.blocks_read();
        // The cache only saves time: a folder that cannot be written costs the next build
        // its highlighting, nothing else.
        let saved = match store.save() {
            Ok(true) => "written".to_string(),
            Ok(false) => "unchanged".to_string(),
            Err(e) => format!("not written ({e})"),
        };
        t.mark(&format!("highlight cache: {read} blocks read, {saved}"));
    }
    if opts.keep_cache {
        save_reports(site);
    }
    Ok(Built {
        pages,
        rendered,
        files,
        diagnostics,
        reports,
        reread,
        unpublished,
        kept,
    })
}
