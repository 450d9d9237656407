//! Edit latency of `pirsite serve`: the time from writing a report to the updated page being
//! served, then a check that the served site is byte-identical to a fresh build.
//!
//! ```text
//! cargo run --release --example serve_latency -- --root SITE [--edits 5] [--pirsite PATH]
//! ```
//!
//! Starts `pirsite serve --port 0` on the site at `SITE` (with `SOURCE_DATE_EPOCH` fixed, so
//! "today" is the same for the server and the fresh build), waits for the first build, then
//! `--edits` times: writes one report with a new, unique word at the start of its summary and
//! polls the report's page over HTTP until the word is there. Prints each latency and their
//! median. After the last edit it builds the site afresh (`pirsite build --drafts`) and compares
//! every file with the served build folder; the report is restored at the end. Exits with 1
//! when the served site differs. The site is edited in place: point it at a copy you may change
//! (a generated archive).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// 2026-11-27T00:00:00Z: the day the benchmark archives are generated for.
const EPOCH: &str = "1795737600";

struct Args {
    root: PathBuf,
    edits: usize,
    pirsite: PathBuf,
}

fn usage() -> ! {
    eprintln!("usage: serve_latency --root SITE [--edits 5] [--pirsite PATH]");
    std::process::exit(2)
}

fn args() -> Args {
    let mut root = None;
    let mut edits = 5;
    // The example sits in target/<profile>/examples/, the binary in target/<profile>/.
    let mut pirsite = std::env::current_exe()
        .ok()
        .and_then(|p| Some(p.parent()?.parent()?.join("pirsite")))
        .unwrap_or_else(|| PathBuf::from("pirsite"));
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--root" => root = Some(PathBuf::from(value())),
            "--edits" => edits = value().parse().unwrap_or_else(|_| usage()),
            "--pirsite" => pirsite = PathBuf::from(value()),
            _ => usage(),
        }
    }
    Args {
        root: root.unwrap_or_else(|| usage()),
        edits: edits.max(1),
        pirsite,
    }
}

/// The server, stopped when dropped.
struct Server {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Waits for a line of standard output that contains `what`.
    fn wait_line(&self, what: &str, limit: Duration) -> String {
        let end = Instant::now() + limit;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(what) => return line,
                Ok(_) => {}
                Err(_) => panic!("pirsite serve did not print `{what}` in {limit:?}"),
            }
        }
    }
}

fn start(args: &Args) -> (Server, u16, PathBuf) {
    let mut child = Command::new(&args.pirsite)
        .args(["serve", "--port", "0", "--root"])
        .arg(&args.root)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", args.pirsite.display()));
    let stdout = child.stdout.take().expect("piped");
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let server = Server { child, lines };
    let folder = server.wait_line("build folder: ", Duration::from_secs(600));
    let folder = PathBuf::from(folder.split_once("build folder: ").expect("prefix").1);
    let serving = server.wait_line("serving ", Duration::from_secs(60));
    let port = serving
        .rsplit_once("127.0.0.1:")
        .and_then(|(_, rest)| rest.split('/').next()?.parse().ok())
        .expect("a port in the serving line");
    (server, port, folder)
}

/// The body of `GET path`, or `None` when the request fails.
fn get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    Some(String::from_utf8_lossy(&raw).into_owned())
}

/// The first report of the site (in path order) and the path of its page.
fn pick_report(root: &Path) -> (PathBuf, String) {
    let mut reports: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    reports.sort();
    let report = reports.into_iter().next().expect("a report under content/");
    let text = std::fs::read_to_string(&report).expect("readable report");
    let id = text
        .lines()
        .find_map(|l| l.strip_prefix("id:"))
        .map(|v| v.trim().trim_matches('"').to_ascii_lowercase())
        .expect("an id in the front matter");
    (report, format!("/incidents/{id}/"))
}

/// Every file under `dir` (following links), except the output marker.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.file_name() != ".pirsite-output")
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("under dir");
            (
                rel.to_string_lossy().replace('\\', "/"),
                std::fs::read(e.path()).expect("readable"),
            )
        })
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let args = args();
    let (report, page) = pick_report(&args.root);
    let original = std::fs::read_to_string(&report).expect("readable report");
    let started = Instant::now();
    let (server, port, folder) = start(&args);
    println!(
        "first build served after {:.1} s; editing {}",
        started.elapsed().as_secs_f64(),
        report.display()
    );
    let nonce = std::process::id();
    let mut samples = Vec::new();
    let mut text = original.clone();
    for i in 0..args.edits {
        // Let the previous rebuild finish and the watcher settle, so each edit is one batch.
        std::thread::sleep(Duration::from_millis(500));
        let word = format!("latencyprobe{nonce}x{i}");
        text = text.replacen("## Summary\n", &format!("## Summary\n{word} "), 1);
        assert!(
            text.contains(&word),
            "the report has no `## Summary` section"
        );
        let t0 = Instant::now();
        std::fs::write(&report, &text).expect("writable report");
        loop {
            if get(port, &page).is_some_and(|body| body.contains(&word)) {
                break;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(120),
                "the edit never showed up"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        println!("edit {}: {ms:.0} ms", i + 1);
        samples.push(ms);
        server.wait_line("] ", Duration::from_secs(120));
    }
    println!(
        "median edit latency over {} edits: {:.0} ms",
        samples.len(),
        median(samples)
    );
    // The served build must be what a fresh build of the edited site writes.
    std::thread::sleep(Duration::from_millis(300));
    let fresh = tempfile::tempdir().expect("temp folder");
    let out = fresh.path().join("out");
    let status = Command::new(&args.pirsite)
        .args(["build", "--drafts", "--root"])
        .arg(&args.root)
        .arg("--output")
        .arg(&out)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("pirsite build runs");
    let same = status.success() && tree(&out) == tree(&folder);
    drop(server);
    std::fs::write(&report, &original).expect("report restored");
    if same {
        println!("served site after the edits: identical to a fresh build");
    } else {
        println!("served site after the edits: DIFFERS from a fresh build");
        std::process::exit(1);
    }
}
