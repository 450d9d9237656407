//! Rebuild: one long-lived [`Site`] and the folder generations `serve` shows.
//!
//! The first build, and any rebuild that changes many pages (a new configuration or theme),
//! is `site::build` with drafts into a fresh `build-N` folder inside the serve folder (through
//! `write::Staging`, like `pirsite build`); only once it is complete does the shared [`State`]
//! point at it, and the generation before the previous one is removed in the background. Other
//! rebuilds bring the current generation up to date in place (`site::build_with` with the
//! [`site::Memo`] of the last good build): only the pages whose inputs changed are rendered,
//! each replaced atomically, once every page and link has passed. Either way the served files
//! are exactly what a fresh `pirsite build --drafts` writes. Keeping the `Site` alive keeps
//! its cache: only reports whose bytes changed are parsed again. A failed build writes nothing,
//! leaves the last good one in place and records its diagnostics for the overlay. Either way,
//! open pages are told to reload.

use super::State;
use crate::diagnostics::{Diagnostic, Diagnostics, Format};
use crate::site::{self, BuildError, BuildOptions, Site};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Instant;
use tokio::sync::broadcast;

/// Name of the link (Unix) that always points at the current build inside the serve folder.
pub const CURRENT: &str = "current";

/// Rebuilds the site on demand and publishes each result.
pub struct Rebuilder {
    root: PathBuf,
    dir: PathBuf,
    base_url: String,
    site: Option<Site>,
    config_stale: bool,
    generation: u64,
    memo: site::Memo,
    state: Arc<RwLock<State>>,
    reload: broadcast::Sender<u64>,
}

impl Rebuilder {
    /// A rebuilder for the site at `root` (absolute), building into generations under `dir`.
    pub fn new(
        root: PathBuf,
        dir: PathBuf,
        base_url: String,
        state: Arc<RwLock<State>>,
        reload: broadcast::Sender<u64>,
    ) -> Rebuilder {
        Rebuilder {
            root,
            dir,
            base_url,
            site: None,
            config_stale: true,
            generation: 0,
            memo: site::Memo::default(),
            state,
            reload,
        }
    }

    /// The content and theme folders of the current configuration (the defaults until
    /// `site.toml` has been read).
    pub fn targets(&self) -> Vec<PathBuf> {
        let defaults = crate::config::Config::default();
        let config = self.site.as_ref().map(|s| &s.config).unwrap_or(&defaults);
        vec![
            self.root.join(&config.content_dir),
            self.root.join(&config.theme_dir),
        ]
    }

    /// The theme's static folder.
    pub fn statics(&self) -> PathBuf {
        let defaults = crate::config::Config::default();
        let config = self.site.as_ref().map(|s| &s.config).unwrap_or(&defaults);
        self.root.join(&config.theme_dir).join("static")
    }

    /// Folders whose changes never count: the output folder and the serve folder.
    pub fn ignored(&self) -> Vec<PathBuf> {
        let defaults = crate::config::Config::default();
        let config = self.site.as_ref().map(|s| &s.config).unwrap_or(&defaults);
        vec![self.root.join(&config.output_dir), self.dir.clone()]
    }

    fn rel(&self, p: &Path) -> String {
        if p.as_os_str().is_empty() {
            return "(unknown files)".into();
        }
        crate::load::rel_path(&self.root, p)
    }

    /// "content/a.md changed", "content/a.md and 2 more changed", or "first build". A file
    /// that is gone again and is not a report (`sed -i`'s or an editor's temporary file, written
    /// and renamed over the report within the same change) is not counted, unless nothing else
    /// changed.
    fn what(&self, changed: &[PathBuf]) -> String {
        let kept: Vec<PathBuf> = changed
            .iter()
            .filter(|p| {
                p.as_os_str().is_empty()
                    || p.extension().is_some_and(|e| e == "md")
                    || p.symlink_metadata().is_ok()
            })
            .cloned()
            .collect();
        let changed = if kept.is_empty() { changed } else { &kept };
        match changed {
            [] => "first build".into(),
            [one] => format!("{} changed", self.rel(one)),
            [one, rest @ ..] => format!("{} and {} more changed", self.rel(one), rest.len()),
        }
    }

    /// Rebuilds after `changed` (empty for the first build), publishes the result, tells open
    /// pages to reload and prints one line. Returns whether the build succeeded.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> bool {
        let start = Instant::now();
        let config_file = self.root.join(crate::config::CONFIG_FILE);
        // An empty path stands for "the watcher lost events": read everything again.
        if changed
            .iter()
            .any(|p| p == &config_file || p.as_os_str().is_empty())
        {
            self.config_stale = true;
        }
        let result = self.attempt(changed);
        let ms = start.elapsed().as_millis();
        let clock = chrono::Local::now().format("%H:%M:%S");
        let what = self.what(changed);
        let ok = match result {
            Ok(built) => {
                println!(
                    "[{clock}] {what}: built {} pages ({} rendered) from {} reports ({} read) in {ms} ms",
                    built.pages, built.rendered, built.reports, built.reread
                );
                if !built.diagnostics.is_empty() {
                    eprint!("{}", built.diagnostics.render(Format::Human, built.reports));
                }
                // Thousands of findings take a while to free; nothing waits for them.
                rayon::spawn(move || drop(built));
                true
            }
            Err((diagnostics, reports)) => {
                let errors = diagnostics.errors();
                let state = self.state.read().unwrap_or_else(|e| e.into_inner());
                let serving = if state.build.is_some() {
                    "still serving the last good build"
                } else {
                    "serving an error page until it is fixed"
                };
                drop(state);
                println!(
                    "[{clock}] {what}: build failed with {errors} {} in {ms} ms; {serving}",
                    if errors == 1 { "error" } else { "errors" }
                );
                if reports == 0 {
                    // The configuration or the theme: no report was looked at.
                    for d in diagnostics.items() {
                        eprintln!("{}", d.to_human());
                    }
                } else {
                    eprint!("{}", diagnostics.render(Format::Human, reports));
                }
                let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
                state.diagnostics = Arc::new(diagnostics.items().to_vec());
                false
            }
        };
        let _ = self.reload.send(self.generation);
        ok
    }

    /// Reads the configuration if needed and builds the next generation.
    fn attempt(&mut self, changed: &[PathBuf]) -> Result<site::Built, (Diagnostics, usize)> {
        let single = |d: Diagnostic| {
            let mut ds = Diagnostics::new();
            ds.push(d);
            (ds, 0)
        };
        if self.config_stale {
            match self.site.as_mut() {
                None => self.site = Some(Site::open(&self.root).map_err(single)?),
                Some(site) => site.reload_config().map_err(single)?,
            }
            self.config_stale = false;
        }
        let site = self.site.as_mut().expect("opened above");
        // Files named by events are read again whatever their time stamps say; folders are
        // left to the usual size and time check (a folder event does not mean its files changed).
        let files: Vec<PathBuf> = changed.iter().filter(|p| !p.is_dir()).cloned().collect();
        site.forget(&files);
        site.changed(changed);
        let next = self.generation + 1;
        let out = self.dir.join(format!("build-{next}"));
        let opts = BuildOptions {
            output: Some(out.clone()),
            base_url: Some(self.base_url.clone()),
            today: None,
            drafts: true,
            keep_cache: false,
        };
        let memo = &mut self.memo;
        let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            site::build_with(site, &opts, Some(&mut *memo))
        }))
        .unwrap_or_else(|_| {
            // The build folder may be half updated: the next build starts afresh.
            *memo = site::Memo::default();
            Err(BuildError::Render(Diagnostic::error(
                "(pirsite)",
                0,
                0,
                "internal error while building; please report it",
            )))
        });
        let built = match built {
            Ok(b) => b,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&out);
                return Err(match e {
                    BuildError::Invalid(ds, reports) => (ds, reports),
                    BuildError::Render(d) => single(d),
                    BuildError::Write(w) => single(Diagnostic::error(
                        "(serve build folder)",
                        0,
                        0,
                        w.to_string(),
                    )),
                });
            }
        };
        if self.memo.folder != out {
            // Brought up to date in place: the current generation stays.
            let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
            state.diagnostics = Arc::new(Vec::new());
            return Ok(built);
        }
        self.generation = next;
        {
            let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
            state.build = Some(out.clone());
            state.diagnostics = Arc::new(Vec::new());
        }
        self.point_current(next);
        self.remove_old(next);
        Ok(built)
    }

    /// Points `current` at `build-N` (replacing the link atomically).
    fn point_current(&self, generation: u64) {
        #[cfg(unix)]
        {
            let tmp = self.dir.join(format!(".{CURRENT}-{generation}"));
            let _ = std::fs::remove_file(&tmp);
            if std::os::unix::fs::symlink(format!("build-{generation}"), &tmp).is_ok() {
                let _ = std::fs::rename(&tmp, self.dir.join(CURRENT));
            }
        }
        #[cfg(not(unix))]
        let _ = generation;
    }

    /// Removes generations older than the one before `current`.
    fn remove_old(&self, current: u64) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.filter_map(|e| e.ok()) {
            let name = entry.file_name();
            let Some(n) = name
                .to_str()
                .and_then(|n| n.strip_prefix("build-"))
                .and_then(|n| n.parse::<u64>().ok())
            else {
                continue;
            };
            if n + 1 < current {
                crate::write::remove_in_background(entry.path());
            }
        }
    }
}
