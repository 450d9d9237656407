//! Server: the HTTP side of `serve`, on axum.
//!
//! One WebSocket endpoint (`/__pirsite/ws`) tells open pages to reload; every other GET or
//! HEAD is a file of the current build. Paths are decoded and checked here before any file is
//! touched: `..` in any spelling, back-slashes and NUL bytes answer 400, and a file that
//! resolves (through symbolic links) outside the build folder answers 404, like any miss, with
//! the theme's 404 page. tower-http's `ServeFile` then sends the file (content type, ranges,
//! HEAD). HTML responses get the reload script, and the error overlay while the latest build
//! has failed, so they are always sent whole (a `Range` header is ignored); when no build has
//! succeeded yet, every page is an error page.

use super::State;
use super::inject::{self, RELOAD_MESSAGE};
use axum::Router;
use axum::body::Body;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State as Shared};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use tokio::sync::{broadcast, watch};
use tower::ServiceExt;
use tower_http::services::ServeFile;

/// What request handlers share.
pub struct App {
    /// The current build and the diagnostics of the latest attempt.
    pub state: Arc<RwLock<State>>,
    /// Fires after every rebuild.
    pub reload: broadcast::Sender<u64>,
    /// Becomes `true` when the server is stopping (closes WebSockets).
    pub shutdown: watch::Receiver<bool>,
}

/// The router of the preview server.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(&format!("/{}", inject::WS_PATH), get(websocket))
        .fallback(files)
        .with_state(app)
}

async fn websocket(Shared(app): Shared<Arc<App>>, upgrade: WebSocketUpgrade) -> Response {
    // Subscribe before answering, so no rebuild after the handshake is missed.
    let rebuilt = app.reload.subscribe();
    upgrade.on_upgrade(move |socket| client(socket, rebuilt, app))
}

/// One open page: forwards every rebuild as a reload message until either side goes away.
async fn client(mut socket: WebSocket, mut rebuilt: broadcast::Receiver<u64>, app: Arc<App>) {
    let mut shutdown = app.shutdown.clone();
    if *shutdown.borrow() {
        return;
    }
    loop {
        tokio::select! {
            event = rebuilt.recv() => match event {
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {
                    if socket.send(Message::text(RELOAD_MESSAGE)).await.is_err() {
                        break;
                    }
                }
                Err(broadcast::error::RecvError::Closed) => break,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            _ = shutdown.changed() => {
                let _ = socket.send(Message::Close(None)).await;
                break;
            }
        }
    }
}

/// Decodes `%XX` escapes; `None` when an escape is malformed or the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The request path as folder and file names under the build root, or `None` when it tries
/// to leave the root or is malformed. Empty and `.` segments are dropped, so `//etc/passwd`
/// is `etc/passwd` inside the build (and answers 404).
pub fn split_path(raw: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for segment in raw.split('/') {
        let name = percent_decode(segment)?;
        if name.is_empty() || name == "." {
            continue;
        }
        if name == ".." || name.contains(['/', '\\', '\0']) || (cfg!(windows) && name.contains(':'))
        {
            return None;
        }
        out.push(name);
    }
    Some(out)
}

/// Where a request leads inside a build.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// This file (canonical path, inside the build).
    File(PathBuf),
    /// A folder asked for without its trailing slash: redirect here (relative).
    Redirect(String),
    /// Nothing there (or something outside the build).
    NotFound,
}

/// Resolves `segments` under `root`, following symbolic links only while they stay inside it;
/// a folder stands for its `index.html`.
pub fn resolve(root: &Path, segments: &[String], raw: &str) -> Resolved {
    let Ok(root) = root.canonicalize() else {
        return Resolved::NotFound;
    };
    let inside = |p: &Path| -> Option<(PathBuf, std::fs::Metadata)> {
        let real = p.canonicalize().ok()?;
        if !real.starts_with(&root) {
            return None;
        }
        let meta = std::fs::metadata(&real).ok()?;
        Some((real, meta))
    };
    let mut path = root.clone();
    path.extend(segments);
    let Some((real, meta)) = inside(&path) else {
        return Resolved::NotFound;
    };
    if meta.is_file() {
        return Resolved::File(real);
    }
    if !meta.is_dir() {
        return Resolved::NotFound;
    }
    if !raw.ends_with('/') {
        let last = raw.rsplit('/').next().unwrap_or_default();
        return Resolved::Redirect(format!("./{last}/"));
    }
    match inside(&real.join("index.html")) {
        Some((index, meta)) if meta.is_file() => Resolved::File(index),
        _ => Resolved::NotFound,
    }
}

/// Content type by extension for the text formats a build writes (with their charset);
/// `None` leaves the choice to `ServeFile`.
fn content_type(path: &Path) -> Option<&'static str> {
    Some(match path.extension()?.to_str()? {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        _ => return None,
    })
}

fn plain(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text.to_string(),
    )
        .into_response()
}

fn html(status: StatusCode, page: String, head_only: bool) -> Response {
    let length = HeaderValue::from(page.len());
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        if head_only { String::new() } else { page },
    )
        .into_response();
    r.headers_mut().insert(header::CONTENT_LENGTH, length);
    no_store(&mut r);
    r
}

fn no_store(r: &mut Response) {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// Every GET or HEAD that is not the WebSocket endpoint.
async fn files(Shared(app): Shared<Arc<App>>, mut req: Request) -> Response {
    let head = req.method() == Method::HEAD;
    if req.method() != Method::GET && !head {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "405 method not allowed\n");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let raw = req.uri().path().to_string();
    let Some(segments) = split_path(&raw) else {
        return plain(StatusCode::BAD_REQUEST, "400 bad request\n");
    };
    let (build, diagnostics) = {
        let s = app.state.read().unwrap_or_else(|e| e.into_inner());
        (s.build.clone(), Arc::clone(&s.diagnostics))
    };
    let Some(build) = build else {
        return html(
            StatusCode::INTERNAL_SERVER_ERROR,
            inject::error_page(&raw, &diagnostics),
            head,
        );
    };
    if segments.first().is_some_and(|s| s == "__pirsite") {
        return not_found(&build, &raw, &diagnostics, head).await;
    }
    let resolved = {
        let (build, raw) = (build.clone(), raw.clone());
        tokio::task::spawn_blocking(move || resolve(&build, &segments, &raw))
            .await
            .unwrap_or(Resolved::NotFound)
    };
    let file = match resolved {
        Resolved::File(f) => f,
        Resolved::NotFound => return not_found(&build, &raw, &diagnostics, head).await,
        Resolved::Redirect(to) => {
            let to = match req.uri().query() {
                Some(q) => format!("{to}?{q}"),
                None => to,
            };
            let mut r = StatusCode::PERMANENT_REDIRECT.into_response();
            if let Ok(v) = HeaderValue::from_str(&to) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            no_store(&mut r);
            return r;
        }
    };
    // Every answer is fresh: a page's overlay can change while its file does not.
    for h in [
        header::IF_MODIFIED_SINCE,
        header::IF_NONE_MATCH,
        header::IF_UNMODIFIED_SINCE,
        header::IF_MATCH,
        header::IF_RANGE,
    ] {
        req.headers_mut().remove(h);
    }
    let kind = content_type(&file);
    let is_html = kind.is_some_and(|k| k.starts_with("text/html"));
    if is_html {
        // The script makes the page longer than its file: a range of the file is no part of
        // the page sent, so the whole page is sent.
        req.headers_mut().remove(header::RANGE);
        if head {
            // Answer HEAD with the length of the page as GET would send it.
            *req.method_mut() = Method::GET;
        }
    }
    let Ok(response) = ServeFile::new(&file).oneshot(req).await;
    let mut response = response.map(Body::new);
    if let Some(kind) = kind
        && response.status().is_success()
    {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    }
    no_store(&mut response);
    if !is_html || response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    parts.headers.remove(header::ACCEPT_RANGES);
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            let page = inject::inject(&String::from_utf8_lossy(&bytes), &raw, &diagnostics, false);
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(page.len()));
            let body = if head {
                Body::empty()
            } else {
                Body::from(page)
            };
            Response::from_parts(parts, body)
        }
        Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, "500 cannot read file\n"),
    }
}

/// The theme's 404 page of the current build (with the script and overlay), status 404.
async fn not_found(
    build: &Path,
    raw: &str,
    diagnostics: &[crate::diagnostics::Diagnostic],
    head: bool,
) -> Response {
    match tokio::fs::read(build.join("404.html")).await {
        Ok(bytes) => html(
            StatusCode::NOT_FOUND,
            inject::inject(&String::from_utf8_lossy(&bytes), raw, diagnostics, true),
            head,
        ),
        Err(_) => plain(StatusCode::NOT_FOUND, "404 not found\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(raw: &str) -> Option<Vec<String>> {
        split_path(raw)
    }

    #[test]
    fn paths_that_leave_the_root_are_refused() {
        for bad in [
            "/../etc/passwd",
            "/a/%2e%2e/%2E%2E/etc/passwd",
            "/a/..%2fb",
            "/%2e%2e%5cwin.ini",
            "/a%00b",
            "/%zz",
            "/%ff",
        ] {
            assert_eq!(segs(bad), None, "{bad}");
        }
        assert_eq!(segs("//etc/passwd").unwrap(), ["etc", "passwd"]);
        assert_eq!(segs("/./a/%2e/b%20c/").unwrap(), ["a", "b c"]);
        assert!(segs("/").unwrap().is_empty());
    }

    #[test]
    fn resolve_serves_index_redirects_folders_and_stays_inside() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("site");
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::write(root.join("a/index.html"), "a").unwrap();
        std::fs::write(t.path().join("secret.txt"), "s").unwrap();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(
            matches!(resolve(&root, &s(&["a"]), "/a/"), Resolved::File(p) if p.ends_with("a/index.html"))
        );
        assert_eq!(
            resolve(&root, &s(&["a"]), "/a"),
            Resolved::Redirect("./a/".into())
        );
        assert_eq!(resolve(&root, &s(&["b"]), "/b"), Resolved::NotFound);
        assert_eq!(resolve(&root, &s(&[]), "/"), Resolved::NotFound);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(t.path().join("secret.txt"), root.join("link.txt")).unwrap();
            std::os::unix::fs::symlink(t.path(), root.join("up")).unwrap();
            assert_eq!(
                resolve(&root, &s(&["link.txt"]), "/link.txt"),
                Resolved::NotFound
            );
            assert_eq!(
                resolve(&root, &s(&["up", "secret.txt"]), "/up/secret.txt"),
                Resolved::NotFound
            );
        }
    }
}
