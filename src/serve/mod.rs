//! `pirsite serve`: a live preview that rebuilds on every change and reloads open pages.
//!
//! The same pipeline as `pirsite build` (one [`crate::site::Site`] kept alive, `site::build`
//! with drafts, `write::Staging`), built into a folder of its own under the system's temp
//! folder — never `output_dir` — and served on the loopback address:
//!
//! - [`watch`] turns file-system events into one batch of changed paths per edit;
//! - [`rebuild`] builds each batch into a new folder generation and publishes it in [`State`];
//! - [`server`] answers HTTP from the current generation and runs the reload WebSocket;
//! - [`inject`] adds the reload script and the error overlay to HTML on its way out.
//!
//! Rebuilds run on their own thread, so requests are answered during a rebuild, from the
//! previous build. Ctrl-C (or SIGTERM) stops the server: open connections get `GRACE` to
//! finish and are then dropped, a running rebuild is waited for, and the serve folder is
//! removed. A second Ctrl-C removes the folder at once (`remove_now`) and exits.

pub mod inject;
pub mod rebuild;
pub mod server;
pub mod watch;

use crate::diagnostics::Diagnostic;
use std::future::IntoFuture;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock, mpsc};
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, watch as signal};

/// Options of `pirsite serve`.
#[derive(Debug, Clone)]
pub struct Options {
    /// Site folder.
    pub root: PathBuf,
    /// Address to listen on.
    pub bind: String,
    /// Port to listen on (0: any free port).
    pub port: u16,
    /// Poll the file system instead of native events.
    pub poll: bool,
    /// `base_url` of the preview (default `/`, the root of the preview server).
    pub base_url: Option<String>,
}

/// What the server shows: the current build and the diagnostics of the latest attempt.
#[derive(Debug, Default)]
pub struct State {
    /// Folder of the last good build; `None` until a build has succeeded.
    pub build: Option<PathBuf>,
    /// Diagnostics of the latest build when it failed (empty after a good build).
    pub diagnostics: Arc<Vec<Diagnostic>>,
}

fn url(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => format!("http://{}:{}/", a.ip(), a.port()),
        SocketAddr::V6(a) => format!("http://[{}]:{}/", a.ip(), a.port()),
    }
}

/// How long open connections (a download, a request still arriving) get to finish once the
/// server is stopping; then they are dropped.
const GRACE: Duration = Duration::from_secs(1);
/// How long a second Ctrl-C waits for a rebuild to notice that its folder is gone.
const WRITER_GONE: Duration = Duration::from_secs(1);

/// Ctrl-C and SIGTERM, listened to from the start so that none is missed between two waits.
struct StopSignals {
    #[cfg(unix)]
    streams: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl StopSignals {
    fn new() -> StopSignals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let streams = signal(SignalKind::interrupt())
                .and_then(|int| Ok((int, signal(SignalKind::terminate())?)))
                .ok();
            StopSignals { streams }
        }
        #[cfg(not(unix))]
        StopSignals {}
    }

    /// Waits for the next Ctrl-C or SIGTERM.
    async fn next(&mut self) {
        #[cfg(unix)]
        if let Some((int, term)) = self.streams.as_mut() {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Removes the serve folder at once (second Ctrl-C), while the rebuild thread may still be
/// writing into it. Deleting in place would race with the writer, which creates the folders
/// it writes into, the serve folder included. So the folder is first renamed to a fresh name
/// and an empty file is put in its place: every path the writer uses now leads through a
/// file, so its writes fail and the build gives up instead of re-creating anything. Then the
/// renamed folder is removed, the rebuild is given a moment to end, and the file is removed.
/// `busy` is true while a rebuild runs. Returns whether everything is gone.
fn remove_now(folder: &Path, busy: &AtomicBool) -> bool {
    let remove_all = |dir: &Path| {
        // A write already under way can add an entry between reading a folder and removing it.
        (0..5).any(|_| match std::fs::remove_dir_all(dir) {
            Ok(()) => true,
            Err(e) => e.kind() == std::io::ErrorKind::NotFound,
        })
    };
    if !busy.load(Ordering::SeqCst) {
        return remove_all(folder);
    }
    let name = folder.file_name().unwrap_or_default().to_string_lossy();
    let mut blocked = false;
    let mut removed = true;
    for attempt in 0..5 {
        let moved =
            folder.with_file_name(format!(".{name}-removing-{}-{attempt}", std::process::id()));
        let renamed = match std::fs::rename(folder, &moved) {
            Ok(()) => Some(moved),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(_) => {
                removed &= remove_all(folder);
                None
            }
        };
        // Fails when the writer has re-created the folder in between: then round again.
        blocked = std::fs::File::create_new(folder).is_ok();
        if let Some(moved) = renamed {
            removed &= remove_all(&moved);
        }
        if blocked {
            break;
        }
    }
    let start = Instant::now();
    while busy.load(Ordering::SeqCst) && start.elapsed() < WRITER_GONE {
        std::thread::sleep(Duration::from_millis(5));
    }
    if blocked {
        let _ = std::fs::remove_file(folder);
    }
    removed && !folder.exists()
}
/// Runs `pirsite serve` until Ctrl-C; returns the exit status.
pub fn run(opts: Options) -> u8 {
    use crate::cli::{EXIT_OK, EXIT_USAGE};
    let root = match opts.root.canonicalize() {
        Ok(r) if r.is_dir() => r,
        _ => {
            eprintln!("error: site folder {} does not exist", opts.root.display());
            return EXIT_USAGE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the server: {e}");
            return EXIT_USAGE;
        }
    };
    let listener = match runtime.block_on(tokio::net::TcpListener::bind((
        opts.bind.as_str(),
        opts.port,
    ))) {
        Ok(l) => l,
        Err(e) => {
            let why = if e.kind() == std::io::ErrorKind::AddrInUse {
                format!(
                    "port {} is already in use; choose another with --port",
                    opts.port
                )
            } else {
                e.to_string()
            };
            eprintln!("error: cannot listen on {}:{}: {why}", opts.bind, opts.port);
            return EXIT_USAGE;
        }
    };
    let address = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: cannot listen on {}:{}: {e}", opts.bind, opts.port);
            return EXIT_USAGE;
        }
    };
    let folder = match tempfile::Builder::new().prefix("pirsite-serve-").tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: cannot create the serve build folder: {e}");
            return EXIT_USAGE;
        }
    };
    let mut base_url = opts.base_url.clone().unwrap_or_else(|| "/".into());
    if !base_url.ends_with('/') {
        base_url.push('/');
    }

    let state = Arc::new(RwLock::new(State::default()));
    let (reload, _) = broadcast::channel(16);
    let (shutdown_tx, shutdown_rx) = signal::channel(false);
    let (tx, rx) = mpsc::channel();
    let mut rebuilder = rebuild::Rebuilder::new(
        root.clone(),
        folder.path().to_path_buf(),
        base_url,
        Arc::clone(&state),
        reload.clone(),
    );
    let stop = tx.clone();
    let busy = Arc::new(AtomicBool::new(false));
    let rebuilding = Arc::clone(&busy);
    let (ready_tx, ready_rx) = mpsc::channel();
    let poll = opts.poll;
    let worker_root = root.clone();
    let worker = std::thread::Builder::new()
        .name("pirsite-rebuild".into())
        .spawn(move || {
            // Watch before the first build, so no edit made during it is missed.
            let mut watcher = match watch::Watch::new(&worker_root, poll, tx) {
                Ok(w) => w,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            watcher.ensure(&rebuilder.targets(), &[]);
            rebuilder.rebuild(&[]);
            watcher.ensure(&rebuilder.targets(), &[]);
            let _ = ready_tx.send(Ok(watcher.polling()));
            loop {
                let filter = watch::Filter {
                    root: worker_root.clone(),
                    targets: rebuilder.targets(),
                    ignored: rebuilder.ignored(),
                    statics: rebuilder.statics(),
                };
                let Some(batch) = watch::next_batch(&rx, &filter, &mut watcher) else {
                    break;
                };
                rebuilding.store(true, Ordering::SeqCst);
                watcher.ensure(&rebuilder.targets(), &batch);
                rebuilder.rebuild(&batch);
                watcher.ensure(&rebuilder.targets(), &[]);
                rebuilding.store(false, Ordering::SeqCst);
            }
        });
    let worker = match worker {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot start the rebuild thread: {e}");
            return EXIT_USAGE;
        }
    };
    let polling = match ready_rx.recv() {
        Ok(Ok(polling)) => polling,
        Ok(Err(e)) => {
            eprintln!("error: cannot watch {}: {e}", root.display());
            return EXIT_USAGE;
        }
        Err(_) => {
            eprintln!("error: the rebuild thread stopped unexpectedly");
            return EXIT_USAGE;
        }
    };
    if cfg!(unix) {
        println!(
            "build folder: {}",
            folder.path().join(rebuild::CURRENT).display()
        );
    }
    println!(
        "serving {} at {} (Ctrl-C to stop){}",
        opts.root.display(),
        url(address),
        if polling { ", polling for changes" } else { "" }
    );

    let mut stopping = shutdown_rx.clone();
    let app = Arc::new(server::App {
        state,
        reload,
        shutdown: shutdown_rx,
    });
    let path = folder.path().to_path_buf();
    let served = runtime.block_on(async move {
        let mut signals = StopSignals::new();
        let server =
            axum::serve(listener, server::router(app)).with_graceful_shutdown(async move {
                signals.next().await;
                println!("stopping");
                let _ = shutdown_tx.send(true);
                let _ = stop.send(watch::Msg::Stop);
                // A second Ctrl-C does not wait for open connections or a running rebuild.
                tokio::spawn(async move {
                    signals.next().await;
                    let path = path.clone();
                    let _ = tokio::task::spawn_blocking(move || remove_now(&path, &busy)).await;
                    std::process::exit(130);
                });
            });
        // Open connections get GRACE to finish; then the server stops waiting for them.
        let grace = async {
            let _ = stopping.wait_for(|s| *s).await;
            tokio::time::sleep(GRACE).await;
        };
        tokio::select! {
            served = server.into_future() => served,
            () = grace => Ok(()),
        }
    });
    if let Err(e) = served {
        eprintln!("error: server: {e}");
    }
    // Waits for a running rebuild to finish (the rebuild thread was told to stop).
    let _ = worker.join();
    // Drops the connections still open.
    runtime.shutdown_timeout(Duration::from_secs(2));
    if let Err(e) = folder.close()
        && e.kind() != std::io::ErrorKind::NotFound
    {
        eprintln!("warning: could not remove the serve build folder: {e}");
    }
    EXIT_OK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removing_at_once_leaves_nothing_behind_a_racing_writer() {
        let t = tempfile::tempdir().unwrap();
        let folder = t.path().join("pirsite-serve-x");
        std::fs::create_dir_all(folder.join("build-1")).unwrap();
        let busy = Arc::new(AtomicBool::new(true));
        let (started_tx, started_rx) = mpsc::channel();
        let writer = {
            let (folder, busy) = (folder.clone(), Arc::clone(&busy));
            std::thread::spawn(move || {
                // As a rebuild does: creates the folders it writes into, stops at an error.
                for n in 0u64.. {
                    let dir = folder.join("build-1").join(format!("p{}", n % 50));
                    let written = std::fs::create_dir_all(&dir)
                        .and_then(|()| std::fs::write(dir.join("index.html"), "page"));
                    if n == 100 {
                        let _ = started_tx.send(());
                    }
                    if written.is_err() {
                        break;
                    }
                }
                busy.store(false, Ordering::SeqCst);
            })
        };
        let _ = started_rx.recv();
        assert!(remove_now(&folder, &busy));
        writer.join().unwrap();
        assert!(!folder.exists());
        // The renamed folder is gone too.
        assert_eq!(std::fs::read_dir(t.path()).unwrap().count(), 0);
    }

    #[test]
    fn removing_at_once_without_a_rebuild_removes_the_folder() {
        let t = tempfile::tempdir().unwrap();
        let folder = t.path().join("pirsite-serve-x");
        std::fs::create_dir_all(folder.join("build-1/a")).unwrap();
        assert!(remove_now(&folder, &AtomicBool::new(false)));
        assert_eq!(std::fs::read_dir(t.path()).unwrap().count(), 0);
    }
}
