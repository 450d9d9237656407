//! Watch: file-system events in, one batch of changed paths per edit out.
//!
//! notify (native events, or its `PollWatcher` with `--poll` or when the system's inotify
//! limits are reached) sends the paths each event names; [`next_batch`] collects them until
//! the events pause and drops duplicates, so one editor save (write-to-temp-then-rename, swap
//! and backup files) or a `git checkout` burst gives one rebuild. The two halves of a rename
//! need no pairing: both paths count. No thread wakes while nothing changes (a debouncer's
//! timer would, a few hundred times a second).
//!
//! Only paths that can change the site count: `site.toml`, anything under the content and
//! theme folders except editor files, and the folders leading to them (a content folder
//! deleted and re-created). The output folder and the serve build folder never count.
//!
//! Folders are watched, never single files (a rename-save would end a file's watch): the site
//! root without recursion (for `site.toml` and the folders in it), content and theme with
//! recursion. [`Watch::ensure`] re-adds a watch when its folder reappears.

use crate::load::{is_editor_file, is_editor_temp};
use notify::event::EventKind;
use notify::{ErrorKind, Event, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// How long events must pause before a batch is closed. An editor's save (backup, write,
/// rename) takes a few milliseconds; this is most of the time from a save to the updated
/// page, so it is kept short.
const QUIET: Duration = Duration::from_millis(30);
/// A batch is closed after this long even if events keep coming.
const LONGEST: Duration = Duration::from_secs(3);
/// How often `PollWatcher` scans.
const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// What the rebuild loop receives.
pub enum Msg {
    /// Paths named by a file-system event (access-only events are dropped).
    Paths(Vec<PathBuf>),
    /// An error reported by the watcher.
    Error(notify::Error),
    /// Stop the loop.
    Stop,
}

enum Inner {
    Native(RecommendedWatcher),
    Poll(PollWatcher),
}

impl Inner {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Inner::Native(d) => d.watch(path, mode),
            Inner::Poll(d) => d.watch(path, mode),
        }
    }

    fn unwatch(&mut self, path: &Path) {
        let _ = match self {
            Inner::Native(d) => d.unwatch(path),
            Inner::Poll(d) => d.unwatch(path),
        };
    }
}

fn handler(tx: Sender<Msg>) -> impl FnMut(notify::Result<Event>) + Send + 'static {
    move |result: notify::Result<Event>| {
        let msg = match result {
            // Our own reads of the content and theme.
            Ok(e) if matches!(e.kind, EventKind::Access(_)) => return,
            Ok(e) if e.need_rescan() || e.paths.is_empty() => {
                // "Something changed somewhere": the watcher lost events.
                Msg::Paths(vec![PathBuf::new()])
            }
            Ok(e) => Msg::Paths(e.paths),
            Err(e) => Msg::Error(e),
        };
        let _ = tx.send(msg);
    }
}

/// The hint printed when the system's inotify limits are reached.
pub fn limit_hint(e: &notify::Error) -> Option<&'static str> {
    match &e.kind {
        ErrorKind::MaxFilesWatch => Some(
            "the system's limit on inotify watches is reached; raise it with \
             `sudo sysctl fs.inotify.max_user_watches=524288` (add the setting to \
             /etc/sysctl.conf to keep it)",
        ),
        ErrorKind::Io(io) if io.raw_os_error() == Some(24) => Some(
            "the system's limit on inotify instances is reached; raise it with \
             `sudo sysctl fs.inotify.max_user_instances=512` (add the setting to \
             /etc/sysctl.conf to keep it)",
        ),
        _ => None,
    }
}

/// The watcher and the folders it watches.
pub struct Watch {
    inner: Inner,
    tx: Sender<Msg>,
    root: PathBuf,
    watched: Vec<(PathBuf, RecursiveMode)>,
}

impl Watch {
    /// Starts watching `root` (without recursion); events go to `tx`. Native events unless
    /// `poll`, or when they are not available.
    pub fn new(root: &Path, poll: bool, tx: Sender<Msg>) -> notify::Result<Watch> {
        let inner = if poll {
            Self::poller(&tx)?
        } else {
            match RecommendedWatcher::new(handler(tx.clone()), notify::Config::default()) {
                Ok(d) => Inner::Native(d),
                Err(e) => {
                    Self::warn_fallback(&e);
                    Self::poller(&tx)?
                }
            }
        };
        let mut w = Watch {
            inner,
            tx,
            root: root.to_path_buf(),
            watched: Vec::new(),
        };
        w.add(root.to_path_buf(), RecursiveMode::NonRecursive);
        Ok(w)
    }

    /// True when the watcher polls.
    pub fn polling(&self) -> bool {
        matches!(self.inner, Inner::Poll(_))
    }

    fn poller(tx: &Sender<Msg>) -> notify::Result<Inner> {
        // Compare contents too: the poller keeps time stamps in whole seconds, so an edit in
        // the same second as the previous scan would otherwise go unseen.
        let config = notify::Config::default()
            .with_poll_interval(POLL_INTERVAL)
            .with_compare_contents(true);
        PollWatcher::new(handler(tx.clone()), config).map(Inner::Poll)
    }

    fn warn_fallback(e: &notify::Error) {
        eprintln!("warning: cannot watch the site with native file events: {e}");
        if let Some(hint) = limit_hint(e) {
            eprintln!("    hint: {hint}");
        }
        eprintln!("    falling back to polling every {POLL_INTERVAL:?}");
    }

    /// Switches to polling after the watcher hit a system limit; re-adds every watch.
    pub fn fall_back(&mut self, e: &notify::Error) {
        if self.polling() {
            return;
        }
        Self::warn_fallback(e);
        match Self::poller(&self.tx) {
            Ok(poller) => self.inner = poller,
            Err(e) => {
                eprintln!("error: cannot poll the file system either: {e}");
                return;
            }
        }
        for (path, mode) in std::mem::take(&mut self.watched) {
            self.add(path, mode);
        }
    }

    fn add(&mut self, path: PathBuf, mode: RecursiveMode) {
        self.inner.unwatch(&path);
        self.watched.retain(|(p, _)| p != &path);
        match self.inner.watch(&path, mode) {
            Ok(()) => self.watched.push((path, mode)),
            Err(e) if limit_hint(&e).is_some() => {
                self.watched.push((path, mode));
                self.fall_back(&e);
            }
            // The folder vanished in between: the next event on its parent brings it back.
            Err(_) => {}
        }
    }

    /// Makes the watches match `targets` (content and theme folders): each existing target
    /// recursively, re-added when `touched` names it or a folder above it (it may have been
    /// deleted and re-created); for a missing target, the existing folders between the root
    /// and it, so its creation is seen.
    pub fn ensure(&mut self, targets: &[PathBuf], touched: &[PathBuf]) {
        let mut wanted: Vec<(PathBuf, RecursiveMode)> =
            vec![(self.root.clone(), RecursiveMode::NonRecursive)];
        for target in targets {
            if target.is_dir() {
                wanted.push((target.clone(), RecursiveMode::Recursive));
            } else if let Ok(rel) = target.strip_prefix(&self.root) {
                let mut dir = self.root.clone();
                for part in rel.parent().into_iter().flat_map(|p| p.components()) {
                    dir.push(part);
                    if dir.is_dir() {
                        wanted.push((dir.clone(), RecursiveMode::NonRecursive));
                    }
                }
            }
        }
        let stale: Vec<PathBuf> = self
            .watched
            .iter()
            .filter(|w| !wanted.contains(w))
            .map(|(p, _)| p.clone())
            .collect();
        for path in stale {
            self.inner.unwatch(&path);
            self.watched.retain(|(p, _)| p != &path);
        }
        for (path, mode) in wanted {
            let renewed = path != self.root
                && touched
                    .iter()
                    .any(|t| !t.as_os_str().is_empty() && path.starts_with(t));
            if renewed || !self.watched.contains(&(path.clone(), mode)) {
                self.add(path, mode);
            }
        }
    }
}

/// Which paths can change the site.
pub struct Filter {
    /// Site root.
    pub root: PathBuf,
    /// Content and theme folders.
    pub targets: Vec<PathBuf>,
    /// Folders whose changes never count (output, serve build folder).
    pub ignored: Vec<PathBuf>,
    /// The theme's static folder, where hidden files count (they are copied into the site).
    pub statics: PathBuf,
}

impl Filter {
    /// True when a change at `path` can change the built site.
    pub fn relevant(&self, path: &Path) -> bool {
        if path.as_os_str().is_empty() {
            return true; // the watcher lost events: rebuild
        }
        if self.ignored.iter().any(|i| path.starts_with(i)) {
            return false;
        }
        if path == self.root.join(crate::config::CONFIG_FILE) {
            return true;
        }
        if let Ok(rel) = path.strip_prefix(&self.root)
            && rel.components().any(|c| c.as_os_str() == ".git")
        {
            return false;
        }
        for target in &self.targets {
            if path == target {
                return true;
            }
            if path.starts_with(target) {
                // Hidden files count in the theme's static folder (`.nojekyll` is copied),
                // not in the content or the templates.
                let skip = if path.starts_with(&self.statics) {
                    is_editor_temp
                } else {
                    is_editor_file
                };
                return path
                    .file_name()
                    .is_some_and(|n| !skip(&n.to_string_lossy()));
            }
        }
        // A folder on the way to content or theme (created, deleted or renamed).
        self.targets.iter().any(|t| t.starts_with(path))
    }
}

/// Waits for the next change that counts, then collects until events pause; returns the
/// relevant paths (sorted, without duplicates), or `None` on [`Msg::Stop`].
pub fn next_batch(rx: &Receiver<Msg>, filter: &Filter, watch: &mut Watch) -> Option<Vec<PathBuf>> {
    let mut batch: Vec<PathBuf> = Vec::new();
    let mut started: Option<Instant> = None;
    loop {
        let msg = match started {
            None => rx.recv().ok()?,
            Some(t) => {
                let left = LONGEST.saturating_sub(t.elapsed());
                match rx.recv_timeout(QUIET.min(left)) {
                    Ok(m) => m,
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            }
        };
        match msg {
            Msg::Stop => return None,
            Msg::Error(e) => {
                if limit_hint(&e).is_some() {
                    watch.fall_back(&e);
                    batch.push(PathBuf::new());
                } else {
                    eprintln!("warning: file watcher: {e}");
                }
            }
            Msg::Paths(paths) => batch.extend(paths.into_iter().filter(|p| filter.relevant(p))),
        }
        if !batch.is_empty() && started.is_none() {
            started = Some(Instant::now());
        }
    }
    batch.sort();
    batch.dedup();
    Some(batch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter() -> Filter {
        Filter {
            root: "/s".into(),
            targets: vec!["/s/content".into(), "/s/look/theme".into()],
            ignored: vec!["/s/public".into(), "/tmp/serve".into()],
            statics: "/s/look/theme/static".into(),
        }
    }

    #[test]
    fn only_changes_that_can_change_the_site_count() {
        let f = filter();
        for yes in [
            "/s/site.toml",
            "/s/content",
            "/s/content/a.md",
            "/s/content/2024/graph.png",
            "/s/look",
            "/s/look/theme/templates/base.html",
            "/s/look/theme/static/.nojekyll",
            "",
        ] {
            assert!(f.relevant(Path::new(yes)), "{yes}");
        }
        for no in [
            "/s/content/.a.md.swp",
            "/s/content/a.md~",
            "/s/content/4913",
            "/s/content/.#a.md",
            "/s/content/a.md.tmp",
            "/s/content/.hidden.md",
            "/s/look/theme/templates/.base.html",
            "/s/look/theme/static/.style.css.swp",
            "/s/look/theme/static/.DS_Store",
            "/s/public/index.html",
            "/s/README.md",
            "/s/.git/index",
            "/s/site.toml~",
            "/tmp/serve/build-2/index.html",
        ] {
            assert!(!f.relevant(Path::new(no)), "{no}");
        }
    }

    #[test]
    fn limit_errors_get_the_sysctl_hint() {
        let e = notify::Error::new(ErrorKind::MaxFilesWatch);
        assert!(limit_hint(&e).unwrap().contains("max_user_watches"));
        let e = notify::Error::io(std::io::Error::from_raw_os_error(24));
        assert!(limit_hint(&e).unwrap().contains("max_user_instances"));
        assert!(limit_hint(&notify::Error::generic("x")).is_none());
    }

    #[test]
    fn a_burst_is_one_batch_and_irrelevant_events_are_dropped() {
        let t = tempfile::tempdir().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let mut watch = Watch::new(t.path(), true, tx.clone()).unwrap();
        let f = Filter {
            root: t.path().into(),
            targets: vec![t.path().join("content")],
            ignored: vec![],
            statics: t.path().join("theme/static"),
        };
        let a = t.path().join("content/a.md");
        tx.send(Msg::Paths(vec![t.path().join("content/.a.md.swp")]))
            .unwrap();
        tx.send(Msg::Paths(vec![a.clone()])).unwrap();
        tx.send(Msg::Paths(vec![a.clone(), t.path().join("content/b.md")]))
            .unwrap();
        let batch = next_batch(&rx, &f, &mut watch).unwrap();
        assert_eq!(batch, vec![a, t.path().join("content/b.md")]);
        tx.send(Msg::Stop).unwrap();
        assert!(next_batch(&rx, &f, &mut watch).is_none());
    }
}
