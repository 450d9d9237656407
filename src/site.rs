//! The pipeline, stage after stage: load → validate → model → render → write.
//!
//! [`Site`] holds a site's configuration and a cache of parsed and validated reports keyed by
//! path and content hash. `build` and `check` use a fresh `Site` once; `serve` keeps one alive
//! and calls the same methods after every change, so an edit to one report re-reads only that
//! report. Nothing here is specific to a command.

use crate::config::{CONFIG_FILE, Config};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::linkcheck;
use crate::load::{self, Report};
use crate::model::{Archive, Incident};
use crate::render::{Renderer, theme::Theme};
use crate::validate;
use crate::write::{self, Staging, WriteError};
use chrono::{NaiveDate, TimeZone};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// What a report file gave, cached until its bytes change.
#[derive(Clone)]
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
}

/// A site: its root, its configuration, and the cache of its reports.
pub struct Site {
    /// Folder with `site.toml`.
    pub root: PathBuf,
    /// Parsed `site.toml`.
    pub config: Config,
    cache: HashMap<PathBuf, Cached>,
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
}

/// Why a build stopped.
#[derive(Debug)]
pub enum BuildError {
    /// The content has errors (all of them, sorted), out of this many reports.
    Invalid(Diagnostics, usize),
    /// The theme or a page failed to render.
    Render(Diagnostic),
    /// The output could not be written.
    Write(WriteError),
}

/// What a finished build did.
#[derive(Debug, Clone)]
pub struct Built {
    /// Pages rendered.
    pub pages: usize,
    /// Files copied (assets, static files).
    pub files: usize,
    /// Warnings found while validating.
    pub diagnostics: Diagnostics,
    /// Reports in the content folder.
    pub reports: usize,
    /// Reports read from disk this time (the rest came from the cache).
    pub reread: usize,
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
            eprintln!(
                "[timing] {stage}: {} ms wall, {spent} ms cpu",
                (now - self.last).as_millis()
            );
            self.last = now;
        }
    }
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

fn content_hash(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

impl Site {
    /// Opens the site at `root`, reading `site.toml`.
    pub fn open(root: &Path) -> Result<Site, Diagnostic> {
        if !root.is_dir() {
            return Err(Diagnostic::error(
                root.display().to_string(),
                0,
                0,
                "site folder does not exist",
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
            .with_hint("run pirsite in the site's folder, or pass it with --root"));
        }
        Ok(Site {
            root: root.to_path_buf(),
            config,
            cache: HashMap::new(),
        })
    }

    /// Re-reads `site.toml`; the cache is dropped because validation depends on it.
    pub fn reload_config(&mut self) -> Result<(), Diagnostic> {
        self.config = Config::load(&self.root)?;
        self.cache.clear();
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
            return Checked {
                diagnostics,
                reports: 0,
                incidents: Vec::new(),
                assets: Vec::new(),
                reread: 0,
            };
        }
        let mut t = Stages::start();
        let files = load::walk(&self.root, &content);
        t.mark("walk");
        diagnostics.extend(files.problems);
        let config = &self.config;
        let cache = &self.cache;
        let root = &self.root;
        let results: Vec<(PathBuf, Cached, bool)> = files
            .reports
            .par_iter()
            .map(|(abs, rel)| {
                let meta = std::fs::metadata(abs).ok();
                let (len, modified) = (
                    meta.as_ref().map(|m| m.len()).unwrap_or(0),
                    meta.and_then(|m| m.modified().ok()),
                );
                if let Some(c) = cache.get(abs)
                    && c.len == len
                    && c.modified == modified
                    && modified.is_some()
                {
                    return (abs.clone(), c.clone(), false);
                }
                let bytes = match std::fs::read(abs) {
                    Ok(b) => b,
                    Err(e) => {
                        let d = Diagnostic::error(rel.clone(), 0, 0, format!("cannot read: {e}"));
                        return (
                            abs.clone(),
                            Cached {
                                len,
                                modified,
                                hash: 0,
                                report: Err(d),
                                incident: None,
                                diagnostics: Vec::new(),
                                id_guess: None,
                            },
                            true,
                        );
                    }
                };
                let hash = content_hash(&bytes);
                if let Some(c) = cache.get(abs)
                    && c.hash == hash
                {
                    return (
                        abs.clone(),
                        Cached {
                            len,
                            modified,
                            ..c.clone()
                        },
                        false,
                    );
                }
                let folder = load::rel_path(&content, abs.parent().unwrap_or(root));
                let folder = if abs.parent() == Some(content.as_path()) {
                    String::new()
                } else {
                    folder
                };
                let report =
                    load::parse_report(&bytes, rel, &folder, &config.id_finder).map(Arc::new);
                let id_guess = report.is_err().then(|| load::guess_id(&bytes)).flatten();
                let (incident, ds) = match &report {
                    Ok(r) => validate::report(r, config),
                    Err(_) => (None, Vec::new()),
                };
                (
                    abs.clone(),
                    Cached {
                        len,
                        modified,
                        hash,
                        report,
                        incident: incident.map(Arc::new),
                        diagnostics: ds,
                        id_guess,
                    },
                    true,
                )
            })
            .collect();
        t.mark("parse+validate");
        let mut reread = 0;
        let mut reports = Vec::new();
        let mut unreadable_ids = Vec::new();
        let mut incidents = Vec::new();
        let mut cache = HashMap::with_capacity(results.len());
        for (abs, c, fresh) in results {
            reread += usize::from(fresh);
            match &c.report {
                Ok(r) => reports.push(Arc::clone(r)),
                Err(d) => {
                    diagnostics.push(d.clone());
                    unreadable_ids.extend(c.id_guess.clone());
                }
            }
            diagnostics.extend(c.diagnostics.iter().cloned());
            incidents.extend(c.incident.clone());
            cache.insert(abs, c);
        }
        self.cache = cache;
        diagnostics.extend(validate::archive_with(
            &reports,
            &unreadable_ids,
            &self.config,
        ));
        t.mark("collect+archive checks");
        diagnostics.extend(crate::lint::archive(&reports, &self.config, today));
        t.mark("lint");
        diagnostics.sort();
        t.mark("sort");
        Checked {
            diagnostics,
            reports: files.reports.len(),
            incidents,
            assets: files.assets,
            reread,
        }
    }

    /// Builds the archive model of checked content, with each incident's lint findings.
    pub fn archive(&self, checked: &Checked, drafts: bool, today: NaiveDate) -> Archive {
        let order: Vec<String> = self.config.severity.keys().cloned().collect();
        let mut archive = Archive::new(
            checked.incidents.clone(),
            drafts,
            today,
            self.config.due_soon_days,
            &order,
        );
        crate::lint::attach(
            &mut archive,
            checked.diagnostics.items(),
            &checked.incidents,
            &self.config,
        );
        archive
    }

    /// Renders `archive` and writes it into `output` atomically.
    pub fn build_into(
        &self,
        checked: &Checked,
        archive: &Archive,
        output: &Path,
        base_url: &str,
    ) -> Result<(usize, usize), BuildError> {
        let theme = Theme::load(&self.root, &self.config.theme_dir).map_err(BuildError::Render)?;
        let out = write::check_output(
            output,
            &self.root,
            &[&self.content_dir(), &self.theme_dir()],
        )
        .map_err(BuildError::Write)?;
        let staging = Staging::new(&out).map_err(BuildError::Write)?;
        let mut t = Stages::start();
        let (pages, files) = self.render_into(checked, archive, &theme, base_url, &staging)?;
        t.mark("(render total)");
        staging.commit().map_err(BuildError::Write)?;
        t.mark("commit");
        Ok((pages, files))
    }

    /// Renders every page in parallel into `staging`, then copies static files and assets;
    /// checks every link against the list of files written, each page as soon as it is
    /// rendered.
    pub fn render_into(
        &self,
        checked: &Checked,
        archive: &Archive,
        theme: &Theme,
        base_url: &str,
        staging: &Staging,
    ) -> Result<(usize, usize), BuildError> {
        let renderer = Renderer {
            config: &self.config,
            archive,
            theme,
            base_url,
        };
        let mut t = Stages::start();
        let pages = renderer.pages();
        let copies = asset_copies(archive, &checked.assets);
        let files = planned_files(archive, &pages, theme, &copies);
        let reports = report_pages(archive);
        let base_path = linkcheck::base_path(base_url);
        let label = self.config.output_dir.display().to_string();
        let (checker, mut broken) = linkcheck::Checker::new(&files, &reports, &base_path, &label);
        t.mark("plan + markdown link check");
        let page_broken: Vec<Vec<Diagnostic>> = pages
            .par_iter()
            .map(|&kind| {
                let page = renderer.render(kind).map_err(BuildError::Render)?;
                staging
                    .write(&page.path, page.html.as_bytes())
                    .map_err(BuildError::Write)?;
                Ok(if page.path.ends_with(".html") {
                    checker.page(&page.path, &page.html)
                } else {
                    Vec::new()
                })
            })
            .collect::<Result<_, BuildError>>()?;
        broken.extend(page_broken.into_iter().flatten());
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
        t.mark("statics + assets");
        if !broken.is_empty() {
            let mut ds = checked.diagnostics.clone();
            ds.extend(broken);
            ds.sort();
            return Err(BuildError::Invalid(ds, checked.reports));
        }
        Ok((pages.len(), written))
    }
}

impl Site {
    /// The Markdown links of the reports `build` would publish, checked against the files the
    /// build would write (pages, static files, copied assets), without rendering anything:
    /// `check` runs this so a broken link fails the pull request, not only the publish step.
    pub fn check_links(
        &self,
        checked: &Checked,
        archive: &Archive,
    ) -> Result<Vec<Diagnostic>, Diagnostic> {
        let theme = Theme::load(&self.root, &self.config.theme_dir)?;
        let base_url = self.config.base_url.as_str();
        let renderer = Renderer {
            config: &self.config,
            archive,
            theme: &theme,
            base_url,
        };
        let copies = asset_copies(archive, &checked.assets);
        let files = planned_files(archive, &renderer.pages(), &theme, &copies);
        let base_path = linkcheck::base_path(base_url);
        let (_, ds) = linkcheck::Checker::new(&files, &report_pages(archive), &base_path, "");
        Ok(ds)
    }
}

/// Every file a build writes, relative to the output root: pages, the marker, the theme's
/// static files and the copied assets. The link check resolves links against it.
fn planned_files(
    archive: &Archive,
    pages: &[crate::render::PageKind],
    theme: &Theme,
    copies: &[(&Path, String)],
) -> HashSet<String> {
    let mut files: HashSet<String> = pages.iter().map(|k| k.path(archive)).collect();
    files.insert(write::MARKER.to_string());
    files.extend(theme.statics.keys().cloned());
    files.extend(copies.iter().map(|(_, rel)| rel.clone()));
    files
}

/// Each built report with the path of its page.
fn report_pages(archive: &Archive) -> Vec<(&Report, String)> {
    archive
        .incidents
        .iter()
        .map(|inc| (&*inc.report, format!("incidents/{}/index.html", inc.slug)))
        .collect()
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

/// Options of `pirsite build`.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Output folder (default: the config's `output_dir` under the root).
    pub output: Option<PathBuf>,
    /// Overrides `base_url`.
    pub base_url: Option<String>,
    /// Date to compute due states for.
    pub today: Option<NaiveDate>,
    /// Include draft and review reports.
    pub drafts: bool,
}

/// Validates the site and, when it has no errors, writes it: the whole of `pirsite build`.
pub fn build(site: &mut Site, opts: &BuildOptions) -> Result<Built, BuildError> {
    let today = today(opts.today, &site.config)
        .map_err(|e| BuildError::Render(Diagnostic::error("(environment)", 0, 0, e)))?;
    let checked = site.check_at(today);
    if checked.diagnostics.has_errors() {
        return Err(BuildError::Invalid(checked.diagnostics, checked.reports));
    }
    let mut t = Stages::start();
    let archive = site.archive(&checked, opts.drafts, today);
    t.mark("archive model");
    let output = opts
        .output
        .clone()
        .unwrap_or_else(|| site.root.join(&site.config.output_dir));
    let mut base_url = opts
        .base_url
        .clone()
        .unwrap_or_else(|| site.config.base_url.clone());
    if !base_url.ends_with('/') {
        base_url.push('/');
    }
    let (pages, files) = site.build_into(&checked, &archive, &output, &base_url)?;
    Ok(Built {
        pages,
        files,
        diagnostics: checked.diagnostics,
        reports: checked.reports,
        reread: checked.reread,
    })
}
