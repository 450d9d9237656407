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
//! previous build. Ctrl-C (or SIGTERM) closes the connections and removes the serve folder.

pub mod inject;
pub mod rebuild;
pub mod server;
pub mod watch;

use crate::diagnostics::Diagnostic;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock, mpsc};
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

/// Waits for Ctrl-C or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
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
                };
                let Some(batch) = watch::next_batch(&rx, &filter, &mut watcher) else {
                    break;
                };
                watcher.ensure(&rebuilder.targets(), &batch);
                rebuilder.rebuild(&batch);
                watcher.ensure(&rebuilder.targets(), &[]);
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

    let app = Arc::new(server::App {
        state,
        reload,
        shutdown: shutdown_rx,
    });
    let served = runtime.block_on(async move {
        let server =
            axum::serve(listener, server::router(app)).with_graceful_shutdown(async move {
                stop_signal().await;
                println!("stopping");
                let _ = shutdown_tx.send(true);
            });
        server.await
    });
    if let Err(e) = served {
        eprintln!("error: server: {e}");
    }
    // A second Ctrl-C does not wait for a running rebuild to finish.
    let path = folder.path().to_path_buf();
    runtime.spawn(async move {
        stop_signal().await;
        let _ = std::fs::remove_dir_all(&path);
        std::process::exit(130);
    });
    let _ = stop.send(watch::Msg::Stop);
    let _ = worker.join();
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    if let Err(e) = folder.close() {
        eprintln!("warning: could not remove the serve build folder: {e}");
    }
    EXIT_OK
}
