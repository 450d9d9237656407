//! `pirsite serve` end to end: the built binary, on a free port, against a temporary copy of
//! `tests/fixtures/serve-site`. Every wait is bounded (the condition is polled for up to 20 s,
//! then the test fails with the server's output), and the server is killed when a test ends.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tungstenite::Message;

const WAIT: Duration = Duration::from_secs(20);
/// 2024-07-01, so "today" is the same for `serve` and `build`.
const EPOCH: &str = "1719835200";
const PAGE_001: &str = "/incidents/inc-2024-001/";
const RELOAD: &str = r#"{"type":"reload"}"#;

/// A copy of the fixture site; the site is `<tempdir>/site`.
fn fixture() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve-site");
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let to = site.join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    (t, site)
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

/// A running `pirsite serve`, killed on drop.
struct Server {
    child: Child,
    port: u16,
    folder: PathBuf,
    out: Arc<Mutex<Vec<String>>>,
    err: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    /// Stops the server as Ctrl-C would (so it removes its build folder), or kills it when it
    /// does not stop within 20 s.
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            let _ = Command::new("kill")
                .args(["-INT", &self.child.id().to_string()])
                .status();
            let start = Instant::now();
            while start.elapsed() < WAIT {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn lines_of(stream: impl Read + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&lines);
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            sink.lock().unwrap().push(line);
        }
    });
    lines
}

fn spawn(root: &Path, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pirsite"))
        .arg("serve")
        .arg("--root")
        .arg(root)
        .args(["--port", "0"])
        .args(extra)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = lines_of(child.stdout.take().unwrap());
    let err = lines_of(child.stderr.take().unwrap());
    Server {
        child,
        port: 0,
        folder: PathBuf::new(),
        out,
        err,
    }
}

/// Starts `serve` on the site and waits until it listens.
fn serve(root: &Path, extra: &[&str]) -> Server {
    let mut s = spawn(root, extra);
    let url = s.wait("the `serving` line", |s| {
        s.stdout()
            .iter()
            .find_map(|l| l.strip_prefix("serving ").map(str::to_string))
    });
    let port = url
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {url:?}"));
    s.port = port;
    s.folder = s
        .stdout()
        .iter()
        .find_map(|l| l.strip_prefix("build folder: ").map(PathBuf::from))
        .expect("the build folder is printed");
    s
}

impl Server {
    fn stdout(&self) -> Vec<String> {
        self.out.lock().unwrap().clone()
    }

    fn stderr(&self) -> Vec<String> {
        self.err.lock().unwrap().clone()
    }

    /// Polls `f` until it gives a value; fails after 20 s, showing the server's output.
    fn wait<T>(&self, what: &str, mut f: impl FnMut(&Self) -> Option<T>) -> T {
        let start = Instant::now();
        loop {
            if let Some(v) = f(self) {
                return v;
            }
            if start.elapsed() > WAIT {
                panic!(
                    "gave up waiting for {what}\nstdout:\n{}\nstderr:\n{}",
                    self.stdout().join("\n"),
                    self.stderr().join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn get(&self, path: &str) -> Response {
        request(
            self.port,
            &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
        )
    }

    /// Waits until the page at `path` answers `status` with a body containing `text`.
    fn wait_page(&self, path: &str, status: u16, text: &str) -> Response {
        self.wait(&format!("{path} to answer {status} with {text:?}"), |s| {
            let r = s.get(path);
            (r.status == status && r.body.contains(text)).then_some(r)
        })
    }

    /// Rebuild lines printed after a change (not the first build).
    fn rebuilds(&self) -> Vec<String> {
        self.stdout()
            .into_iter()
            .filter(|l| l.starts_with('[') && l.contains(" changed: "))
            .collect()
    }

    fn websocket(&self) -> tungstenite::WebSocket<TcpStream> {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        let url = format!("ws://127.0.0.1:{}/__pirsite/ws", self.port);
        tungstenite::client(url, stream).unwrap().0
    }
}

/// Reads WebSocket messages until a text one arrives (fails after 20 s).
fn next_message(ws: &mut tungstenite::WebSocket<TcpStream>) -> String {
    loop {
        match ws.read() {
            Ok(Message::Text(t)) => return t.as_str().to_string(),
            Ok(_) => continue,
            Err(e) => panic!("no message on the WebSocket: {e}"),
        }
    }
}

struct Response {
    status: u16,
    head: String,
    body: String,
}

/// One raw HTTP/1.1 exchange over TCP (the server closes the connection after answering).
fn request(port: u16, raw: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut body = body.to_string();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Response {
        status,
        head: head.to_string(),
        body,
    }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// Every file under `dir` (following a `current` link), the output marker too: it lists the
/// files of the build, which an update in place keeps up to date.
fn tree(dir: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(true) {
        let entry = entry.ok()?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).ok()?;
        files.insert(
            rel.to_string_lossy().replace('\\', "/"),
            std::fs::read(entry.path()).ok()?,
        );
    }
    Some(files)
}

/// What a fresh `pirsite build --drafts` of the site writes.
fn fresh_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_pirsite"))
        .args(["build", "--drafts", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&out)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "fresh build failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    tree(&out).unwrap()
}

fn report(id: &str, title: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: \"{title}\"\nseverity: SEV4\ndate: 2024-08-01\n---\n\n## Summary\nA short note.\n"
    )
}

#[test]
fn edits_show_up_with_a_reload_event_and_drafts_are_served() {
    let (_t, site) = fixture();
    let s = serve(&site, &[]);
    let page = s.wait_page(PAGE_001, 200, "DNS Zone Almost Expired");
    assert!(page.head.contains("text/html; charset=utf-8"));
    // The reload script is there, and finds the endpoint relative to this page.
    assert!(page.body.contains("__pirsite/ws"));
    assert!(page.body.contains(r#"new URL("../../", location.href)"#));
    assert!(s.get("/").body.contains(r#"new URL("./", location.href)"#));
    // Serve builds with drafts.
    s.wait_page("/incidents/inc-2024-002/", 200, "Queue Backlog");

    let mut ws = s.websocket();
    edit(
        &site.join("content/2024/INC-2024-001.md"),
        "DNS Zone Almost Expired",
        "DNS Zone Nearly Lapsed",
    );
    assert_eq!(next_message(&mut ws), RELOAD);
    let page = s.get(PAGE_001);
    assert!(
        page.body.contains("DNS Zone Nearly Lapsed"),
        "{}",
        page.body
    );
    let line = s.rebuilds().pop().unwrap();
    assert!(
        line.contains("content/2024/INC-2024-001.md changed"),
        "{line}"
    );
    assert!(line.contains("(1 read)"), "{line}");

    // Content types, folders without their slash, misses with the theme's 404 page.
    let css = s.get("/style.css");
    assert_eq!(css.status, 200);
    assert!(css.head.contains("text/css"));
    let svg = s.get("/incidents/inc-2024-003/lag.svg");
    assert!(svg.status == 200 && svg.head.contains("image/svg+xml"));
    let json = s.get("/incidents/inc-2024-001");
    assert_eq!(json.status, 308);
    assert!(
        json.head.contains("location: ./inc-2024-001/"),
        "{}",
        json.head
    );
    let miss = s.get("/no/such/page/");
    assert_eq!(miss.status, 404);
    assert!(miss.body.contains("Page not found") && miss.body.contains("__pirsite/ws"));
}

#[test]
fn errors_show_in_an_overlay_until_fixed() {
    let (_t, site) = fixture();
    let s = serve(&site, &[]);
    let mut ws = s.websocket();
    let file = site.join("content/2024/INC-2024-001.md");
    edit(&file, "severity: SEV4", "severity: SEV9");
    assert_eq!(next_message(&mut ws), RELOAD);
    // The last good build is still served, with the diagnostics on top, on every page.
    for path in [PAGE_001, "/", "/no/such/page"] {
        let page = s.get(path);
        assert!(page.body.contains("id=\"pirsite-errors\""), "{path}");
        assert!(
            page.body.contains("content/2024/INC-2024-001.md:4:"),
            "{path}"
        );
        assert!(page.body.contains("SEV9"), "{path}");
    }
    assert!(s.get(PAGE_001).body.contains("DNS Zone Almost Expired"));
    let stderr = s.stderr().join("\n");
    assert!(
        stderr.contains("content/2024/INC-2024-001.md:4:"),
        "{stderr}"
    );
    assert!(
        s.rebuilds()
            .pop()
            .unwrap()
            .contains("build failed with 1 error")
    );

    // A second broken save refreshes the overlay.
    edit(&file, "severity: SEV9", "severity: SEV8");
    assert_eq!(next_message(&mut ws), RELOAD);
    assert!(s.get(PAGE_001).body.contains("SEV8"));

    edit(&file, "severity: SEV8", "severity: SEV4");
    assert_eq!(next_message(&mut ws), RELOAD);
    let page = s.get(PAGE_001);
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("pirsite-errors"));
}

#[test]
fn a_failed_first_build_serves_an_error_page_and_keeps_watching() {
    let (_t, site) = fixture();
    let file = site.join("content/2024/INC-2024-001.md");
    edit(&file, "severity: SEV4", "severity: SEV9");
    let s = serve(&site, &[]);
    for path in ["/", PAGE_001] {
        let page = s.get(path);
        assert_eq!(page.status, 500, "{path}");
        assert!(page.body.contains("The site could not be built"));
        assert!(page.body.contains("content/2024/INC-2024-001.md:4:"));
        assert!(page.body.contains("__pirsite/ws"));
    }
    assert!(
        s.stdout()
            .iter()
            .any(|l| l.contains("serving an error page"))
    );
    edit(&file, "severity: SEV9", "severity: SEV4");
    let home = s.wait_page("/", 200, "Serve Fixture");
    assert!(!home.body.contains("pirsite-errors"));
}

#[test]
fn rename_saves_deletes_and_recreated_folders_are_seen() {
    let (_t, site) = fixture();
    let s = serve(&site, &[]);
    let content = site.join("content");
    let file = content.join("2024/INC-2024-001.md");
    let text = std::fs::read_to_string(&file).unwrap();

    // Write to a temporary file, then rename it over the report.
    let tmp = content.join("2024/INC-2024-001.md.tmp");
    write(&tmp, &text.replace("Almost Expired", "Renamed Save"));
    std::fs::rename(&tmp, &file).unwrap();
    s.wait_page(PAGE_001, 200, "Renamed Save");
    s.wait("one rebuild", |s| (s.rebuilds().len() == 1).then_some(()));

    // The way vim saves: probe file, backup by rename, new file, backup removed.
    write(&content.join("2024/4913"), "");
    std::fs::remove_file(content.join("2024/4913")).unwrap();
    let backup = content.join("2024/INC-2024-001.md~");
    std::fs::rename(&file, &backup).unwrap();
    write(&file, &text.replace("Almost Expired", "Vim Save"));
    std::fs::remove_file(&backup).unwrap();
    s.wait_page(PAGE_001, 200, "Vim Save");
    s.wait("a second rebuild", |s| {
        (s.rebuilds().len() == 2).then_some(())
    });

    // The way `sed -i` saves: a temporary file with no extension in the same folder, renamed
    // over the report.
    let sed = content.join("2024/sedAx3kQ9");
    write(&sed, &text.replace("Almost Expired", "Sed Save"));
    std::fs::rename(&sed, &file).unwrap();
    s.wait_page(PAGE_001, 200, "Sed Save");
    s.wait("a third rebuild", |s| {
        (s.rebuilds().len() == 3).then_some(())
    });
    let rebuilds = s.rebuilds();
    assert_eq!(rebuilds.len(), 3, "one rebuild per save: {rebuilds:#?}");
    // The temporary files, gone again, are not counted as changes.
    for line in &rebuilds {
        assert!(
            line.contains("] content/2024/INC-2024-001.md changed: "),
            "{rebuilds:#?}"
        );
    }

    // A deleted report's page is gone (the reload script then goes home).
    std::fs::remove_file(content.join("2024/db-failover/INC-2024-003.md")).unwrap();
    s.wait("the deleted page to be gone", |s| {
        (s.get("/incidents/inc-2024-003/").status == 404).then_some(())
    });
    let head = request(
        s.port,
        "HEAD /incidents/inc-2024-003/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(head.status, 404);
    assert!(!s.get("/").body.contains("INC-2024-003"));

    // A new report in a new folder.
    write(
        &content.join("2025/INC-2025-001.md"),
        &report("INC-2025-001", "Brand New Report"),
    );
    s.wait_page("/incidents/inc-2025-001/", 200, "Brand New Report");

    // The whole content folder deleted and re-created (a `git checkout` of another branch).
    std::fs::remove_dir_all(&content).unwrap();
    write(
        &content.join("2026/INC-2026-001.md"),
        &report("INC-2026-001", "After Checkout"),
    );
    s.wait_page("/incidents/inc-2026-001/", 200, "After Checkout");
    // ... and the re-created folder is still watched.
    edit(
        &content.join("2026/INC-2026-001.md"),
        "After Checkout",
        "Still Watched",
    );
    s.wait_page("/incidents/inc-2026-001/", 200, "Still Watched");
    s.wait_page("/incidents/inc-2024-001/", 404, "Page not found");
}

#[test]
fn polling_sees_edits() {
    let (_t, site) = fixture();
    let s = serve(&site, &["--poll"]);
    assert!(s.stdout().iter().any(|l| l.contains("polling for changes")));
    edit(
        &site.join("content/2024/INC-2024-001.md"),
        "Almost Expired",
        "Polled Edit",
    );
    s.wait_page(PAGE_001, 200, "Polled Edit");
}

#[test]
fn a_page_answered_with_404_reloads_in_place() {
    let (_t, site) = fixture();
    let s = serve(&site, &[]);
    // A tab on a page that does not exist yet stays there and shows it once it is built;
    // a tab on a page that exists goes home when the page is gone.
    let missing = s.get("/incidents/inc-2025-001/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("missing = true"), "{}", missing.body);
    let found = s.get(PAGE_001);
    assert_eq!(found.status, 200);
    assert!(found.body.contains("missing = false"), "{}", found.body);
}

#[test]
fn nothing_outside_the_build_is_served() {
    let (t, site) = fixture();
    let s = serve(&site, &[]);
    let secret = t.path().join("secret.txt");
    write(&secret, "top secret outside the build");
    for raw in [
        "/../../../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/incidents/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/%2fetc%2fpasswd",
        "/..%5c..%5cetc%5cpasswd",
        "//etc/passwd",
        "/incidents//../../secret.txt",
        "../../etc/passwd",
        "http://127.0.0.1/../../../../etc/passwd",
    ] {
        let r = request(
            s.port,
            &format!("GET {raw} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
        );
        assert!(
            r.status == 400 || r.status == 404,
            "{raw} answered {}",
            r.status
        );
        assert!(!r.body.contains("root:"), "{raw}");
    }
    // Symbolic links inside the build that lead out of it.
    #[cfg(unix)]
    {
        let build = s.folder.canonicalize().unwrap();
        std::os::unix::fs::symlink(&secret, build.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(t.path(), build.join("up")).unwrap();
        for path in ["/leak.txt", "/up/secret.txt", "/up/site/site.toml"] {
            let r = s.get(path);
            assert_eq!(r.status, 404, "{path}");
            assert!(!r.body.contains("top secret"), "{path}");
        }
    }
    let post = request(
        s.port,
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(post.status, 405);
}

#[test]
fn the_served_build_matches_a_fresh_build_after_every_edit() {
    let (_t, site) = fixture();
    let s = serve(&site, &[]);
    let content = site.join("content");
    let same_as_fresh = |step: &str| {
        let expected = fresh_build(&site);
        for (path, bytes) in &expected {
            let text = String::from_utf8_lossy(bytes);
            assert!(
                !text.contains("__pirsite"),
                "{path} of build has the script"
            );
        }
        s.wait(&format!("the served build to match after {step}"), |s| {
            (tree(&s.folder).as_ref() == Some(&expected)).then_some(())
        });
    };
    same_as_fresh("the first build");

    type Step<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let steps: Vec<Step> = vec![
        (
            "an edited title",
            Box::new(|| {
                edit(
                    &content.join("2024/INC-2024-001.md"),
                    "Almost Expired",
                    "Edited",
                )
            }),
        ),
        (
            "a new report in a new folder, with an asset",
            Box::new(|| {
                write(
                    &content.join("2025/INC-2025-001.md"),
                    &report("INC-2025-001", "New"),
                );
                write(&content.join("2025/notes.txt"), "asset");
            }),
        ),
        (
            "a rename-save",
            Box::new(|| {
                let f = content.join("2024/INC-2024-002.md");
                let text = std::fs::read_to_string(&f).unwrap();
                write(&content.join("2024/.INC-2024-002.md.swp"), "vim swap file");
                write(
                    &content.join("2024/INC-2024-002.md.tmp"),
                    &text.replace("forty minutes", "an hour"),
                );
                std::fs::rename(content.join("2024/INC-2024-002.md.tmp"), &f).unwrap();
            }),
        ),
        (
            "a deleted report (its asset stays)",
            Box::new(|| {
                std::fs::remove_file(content.join("2024/db-failover/INC-2024-003.md")).unwrap()
            }),
        ),
        (
            "a renamed report file",
            Box::new(|| {
                std::fs::rename(
                    content.join("2024/INC-2024-001.md"),
                    content.join("2024/dns.md"),
                )
                .unwrap()
            }),
        ),
        (
            "a new theme folder with a stylesheet",
            Box::new(|| write(&site.join("theme/static/extra.css"), "p { margin: 0 }")),
        ),
        (
            "a changed site.toml",
            Box::new(|| edit(&site.join("site.toml"), "Serve Fixture", "Renamed Archive")),
        ),
        (
            "a deleted folder",
            Box::new(|| std::fs::remove_dir_all(content.join("2025")).unwrap()),
        ),
    ];
    for (step, apply) in steps {
        apply();
        same_as_fresh(step);
    }

    // A broken report keeps the last good build; fixing it gives the fresh build again.
    let f = content.join("2024/INC-2024-002.md");
    let before = tree(&s.folder).unwrap();
    let mut ws = s.websocket();
    edit(&f, "status: draft", "status: unheard-of");
    assert_eq!(next_message(&mut ws), RELOAD);
    assert_eq!(tree(&s.folder).unwrap(), before);
    edit(&f, "status: unheard-of", "status: review");
    same_as_fresh("a fix");
}

#[test]
fn a_range_of_a_page_gets_the_whole_page_and_other_files_the_range() {
    let (_t, site) = fixture();
    let s = serve(&site, &[]);
    let ranged = |path: &str| {
        request(
            s.port,
            &format!(
                "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=0-9\r\nConnection: close\r\n\r\n"
            ),
        )
    };
    let whole = s.get(PAGE_001);
    let page = ranged(PAGE_001);
    assert_eq!(page.status, 200, "{}", page.head);
    assert_eq!(page.body, whole.body);
    assert!(page.body.contains("data-pirsite-serve"));
    let length = format!("content-length: {}", page.body.len());
    assert!(
        page.head.to_ascii_lowercase().contains(&length),
        "{}",
        page.head
    );
    let svg = ranged("/incidents/inc-2024-003/lag.svg");
    assert_eq!(svg.status, 206, "{}", svg.head);
    assert_eq!(svg.body.len(), 10);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_removes_the_serve_folder() {
    let (_t, site) = fixture();
    let mut s = serve(&site, &[]);
    let folder = s.folder.parent().unwrap().to_path_buf();
    assert!(folder.is_dir());
    let _ws = s.websocket(); // an open page must not keep the server alive
    let status = Command::new("kill")
        .args(["-INT", &s.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let start = Instant::now();
    let code = loop {
        if let Some(code) = s.child.try_wait().unwrap() {
            break code;
        }
        assert!(start.elapsed() < WAIT, "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(code.success(), "{code:?}");
    assert!(!folder.exists(), "{} is left behind", folder.display());
    // Nothing was written into the site either.
    assert!(!site.join("public").exists());
}

/// Sends `signal` (`-INT`, `-TERM`) to the server.
#[cfg(unix)]
fn send(s: &Server, signal: &str) {
    let status = Command::new("kill")
        .args([signal, &s.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits for the server to exit (fails after 20 s, showing its output).
#[cfg(unix)]
fn exit_status(s: &mut Server) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(code) = s.child.try_wait().unwrap() {
            return code;
        }
        assert!(
            start.elapsed() < WAIT,
            "serve did not stop\nstdout:\n{}\nstderr:\n{}",
            s.stdout().join("\n"),
            s.stderr().join("\n")
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Name of the large file [`large_asset`] puts in the theme.
const LARGE: &str = "large.bin";

/// A 32 MB file in the site's theme, more than the connection's buffers hold.
fn large_asset(site: &Path) {
    let path = site.join("theme/static").join(LARGE);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, vec![b'x'; 32 << 20]).unwrap();
}

/// A download of the built file called `name` that reads only the first bytes, so the server
/// cannot finish sending it.
fn stalled_download(s: &Server, name: &str) -> TcpStream {
    let rel = walkdir::WalkDir::new(&s.folder)
        .follow_links(true)
        .into_iter()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name() == name)
        .map(|e| e.path().strip_prefix(&s.folder).unwrap().to_path_buf())
        .expect("the large file is in the build");
    let mut stream = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    stream
        .write_all(
            format!(
                "GET /{} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                rel.to_string_lossy()
            )
            .as_bytes(),
        )
        .unwrap();
    let mut start = [0u8; 12];
    stream.read_exact(&mut start).unwrap();
    assert_eq!(&start, b"HTTP/1.1 200");
    stream
}

#[cfg(unix)]
#[test]
fn ctrl_c_does_not_wait_for_a_download_that_stalls() {
    let (_t, site) = fixture();
    large_asset(&site);
    let mut s = serve(&site, &[]);
    let folder = s.folder.parent().unwrap().to_path_buf();
    let _held = stalled_download(&s, LARGE);
    send(&s, "-INT");
    let code = exit_status(&mut s);
    assert!(code.success(), "{code:?}");
    assert!(!folder.exists(), "{} is left behind", folder.display());
}

#[cfg(unix)]
#[test]
fn a_second_signal_while_stopping_stops_and_removes_the_serve_folder() {
    let (_t, site) = fixture();
    large_asset(&site);
    let mut s = serve(&site, &[]);
    let folder = s.folder.parent().unwrap().to_path_buf();
    let _held = stalled_download(&s, LARGE);
    send(&s, "-INT");
    s.wait("the `stopping` line", |s| {
        s.stdout().iter().any(|l| l == "stopping").then_some(())
    });
    send(&s, "-TERM");
    // 130 when the second signal came first, 0 when the download was already dropped.
    let code = exit_status(&mut s).code();
    assert!(matches!(code, Some(0 | 130)), "{code:?}");
    assert!(!folder.exists(), "{} is left behind", folder.display());
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let (_t, site) = fixture();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_pirsite"))
        .arg("serve")
        .arg("--root")
        .arg(&site)
        .args(["--port", &port])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("port {port} is already in use")),
        "{stderr}"
    );
}

/// Context switches of all the threads of process `pid` so far.
#[cfg(target_os = "linux")]
fn context_switches(pid: u32) -> u64 {
    let mut total = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).unwrap() {
        let status =
            std::fs::read_to_string(task.unwrap().path().join("status")).unwrap_or_default();
        total += status
            .lines()
            .filter(|l| l.contains("ctxt_switches:"))
            .filter_map(|l| l.split_whitespace().last()?.parse::<u64>().ok())
            .sum::<u64>();
    }
    total
}

/// While nothing changes and no page is asked for, no thread of `serve` wakes: a timer in
/// the watcher (a debouncer's tick) would switch a few hundred times a second.
#[cfg(target_os = "linux")]
#[test]
fn an_idle_server_does_no_work() {
    let (_t, root) = fixture();
    let s = serve(&root, &[]);
    std::thread::sleep(Duration::from_millis(500));
    let before = context_switches(s.child.id());
    std::thread::sleep(Duration::from_secs(2));
    let woke = context_switches(s.child.id()) - before;
    assert!(woke < 20, "{woke} context switches in 2 s of idling");
}
