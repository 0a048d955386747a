//! The preview's HTTP server: hyper on a small tokio runtime (two worker threads however many
//! clients come). Bounded by design: at most [`MAX_CONNECTIONS`] connections at once (the
//! rest wait in the kernel's queue), request heads of at most [`MAX_HEAD_BYTES`] that must
//! arrive within [`HEAD_TIMEOUT`], only GET and HEAD, and responses that share the built
//! bytes instead of copying them. Running out of file descriptors pauses accepting; it never
//! ends the server. Requests for another host name than localhost, an IP address or a name
//! given with `--allow-host` are refused: a web page elsewhere cannot read the preview (drafts
//! included) by pointing its own domain at 127.0.0.1 (DNS rebinding).

use std::collections::{BTreeMap, VecDeque};
use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, TcpListener};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, HOST, LOCATION};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::Semaphore;

use super::live::{self, EVENTS_PATH, LIVE_JS, LIVE_JS_PATH, State};

/// Connections served at once; more wait until one closes.
pub const MAX_CONNECTIONS: usize = 256;
/// The longest request head (request line and headers) read; longer ones get 431.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
/// How long a client may take to send a request head, and how long an idle connection stays.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a browser's request for news waits before it is answered with none.
const WAIT: Duration = Duration::from_secs(25);
/// How many ports above the asked one are tried when it is taken.
const PORT_TRIES: u16 = 20;
/// What is being served, for tests and scripts: path → FNV-1a hash of the bytes.
const FILES_PATH: &str = "/__dafu/files";

pub fn display_host(bind: &str) -> String {
    if bind.contains(':') && !bind.starts_with('[') {
        format!("[{bind}]")
    } else {
        bind.to_string()
    }
}

/// Binds `bind:port`, or the next free port when it is taken.
pub fn bind(bind: &str, port: u16) -> Result<(TcpListener, u16), crate::messages::Msg> {
    let mut last = String::new();
    for p in port..=port.saturating_add(PORT_TRIES) {
        let addr = format!("{}:{p}", display_host(bind));
        match TcpListener::bind(&addr) {
            Ok(l) => {
                let actual = l.local_addr().map_or(p, |a| a.port());
                return Ok((l, actual));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && port != 0 => {
                last = e.to_string();
            }
            Err(e) => {
                return Err(crate::msg!(
                    "serve-cannot-listen",
                    address = addr,
                    error = e.to_string()
                ));
            }
        }
    }
    Err(crate::msg!(
        "serve-ports-in-use",
        first = port,
        last = port.saturating_add(PORT_TRIES),
        error = last
    ))
}

/// The host names the preview answers to.
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    names: Vec<String>,
}

impl AllowedHosts {
    /// localhost and IP addresses always; the bind address when it is a name; `extra`.
    pub fn new(bind: &str, extra: &[String]) -> AllowedHosts {
        let mut names: Vec<String> = extra.iter().map(|n| normalise_host(n)).collect();
        names.push(normalise_host(bind));
        AllowedHosts { names }
    }

    /// Whether a request's `Host` (with or without a port) names this preview.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim();
        let name = if let Some(rest) = host.strip_prefix('[') {
            // [v6]:port
            return rest
                .split(']')
                .next()
                .is_some_and(|ip| ip.parse::<Ipv6Addr>().is_ok());
        } else {
            match host.rsplit_once(':') {
                Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
                _ => host,
            }
        };
        let name = normalise_host(name);
        if name.is_empty() {
            return false;
        }
        name.parse::<IpAddr>().is_ok()
            || name == "localhost"
            || name.ends_with(".localhost")
            || self.names.contains(&name)
    }
}

fn normalise_host(h: &str) -> String {
    h.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// Who may be answered, and the words of a refusal (in the user's language: an editor reads
/// them in the browser).
pub struct Gate {
    pub allowed: AllowedHosts,
    pub words: Arc<crate::messages::Catalogue>,
}

/// Serves until the process ends.
pub fn run(
    listener: TcpListener,
    state: Arc<State>,
    gate: Gate,
) -> Result<(), crate::messages::Msg> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| crate::msg!("serve-cannot-start", error = e.to_string()))?;
    runtime.block_on(async move {
        listener
            .set_nonblocking(true)
            .map_err(|e| crate::msg!("serve-cannot-start", error = e.to_string()))?;
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| crate::msg!("serve-cannot-start", error = e.to_string()))?;
        accept_loop(listener, state, Arc::new(gate)).await;
        Ok(())
    })
}

async fn accept_loop(listener: tokio::net::TcpListener, state: Arc<State>, gate: Arc<Gate>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        // A slot first: past the limit, clients wait in the kernel's queue, not in memory.
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors (EMFILE), or a client that left before it was
                // accepted: wait a little and go on; the listening socket stays.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let state = state.clone();
        let gate = gate.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let state = state.clone();
                let gate = gate.clone();
                async move { Ok::<_, Infallible>(respond(req, &state, &gate).await) }
            });
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT)
                .max_buf_size(MAX_HEAD_BYTES);
            let _ = http.serve_connection(TokioIo::new(stream), service).await;
            drop(slot);
        });
    }
}

/// A response body of shared pieces, sent one after the other without copying.
pub struct Chunks(VecDeque<Bytes>);

impl hyper::body::Body for Chunks {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.get_mut().0.pop_front().map(|b| Ok(Frame::data(b))))
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.0.iter().map(|b| b.len() as u64).sum())
    }
}

fn reply(status: StatusCode, content_type: &str, pieces: Vec<Bytes>) -> Response<Chunks> {
    let mut r = Response::new(Chunks(
        pieces.into_iter().filter(|b| !b.is_empty()).collect(),
    ));
    *r.status_mut() = status;
    let h = r.headers_mut();
    if let Ok(v) = content_type.parse() {
        h.insert(CONTENT_TYPE, v);
    }
    h.insert(
        CACHE_CONTROL,
        hyper::header::HeaderValue::from_static("no-store"),
    );
    h.insert(
        "x-content-type-options",
        hyper::header::HeaderValue::from_static("nosniff"),
    );
    r
}

fn text(status: StatusCode, message: String) -> Response<Chunks> {
    reply(
        status,
        "text/plain; charset=utf-8",
        vec![Bytes::from(message)],
    )
}

fn redirect(to: &str) -> Response<Chunks> {
    let mut r = reply(StatusCode::FOUND, "text/plain; charset=utf-8", Vec::new());
    if let Ok(v) = to.parse() {
        r.headers_mut().insert(LOCATION, v);
    }
    r
}

/// The site-relative file a request path names, or why it is refused (a message).
pub fn resolve(path: &str, base_path: &str) -> Result<Option<String>, crate::messages::Msg> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .map_err(|_| crate::msg!("serve-path-not-utf8"))?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return Err(crate::msg!("serve-path-forbidden-char"));
    }
    if decoded.split('/').any(|s| s == ".." || s == ".") {
        return Err(crate::msg!("serve-path-climbs"));
    }
    let Some(rel) = decoded.strip_prefix(base_path) else {
        return Ok(None);
    };
    Ok(Some(if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }))
}

fn content_type(rel: &str) -> String {
    let mime = mime_guess::from_path(rel).first_or_octet_stream();
    if mime.type_() == "text" || mime.essence_str() == "application/javascript" {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    }
}

async fn respond(req: Request<Incoming>, state: &State, gate: &Gate) -> Response<Chunks> {
    let say = |m: crate::messages::Msg| format!("{}\n", gate.words.get(&m));
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return text(
            StatusCode::METHOD_NOT_ALLOWED,
            say(crate::msg!("serve-refused-method")),
        );
    }
    let host = req
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()));
    if !host.as_deref().is_some_and(|h| gate.allowed.allows(h)) {
        let refused = match host.as_deref() {
            Some(h) => crate::msg!("serve-refused-host", host = h),
            None => crate::msg!("serve-refused-no-host"),
        };
        return text(StatusCode::FORBIDDEN, say(refused));
    }
    let path = req.uri().path().to_string();
    if path == LIVE_JS_PATH {
        return reply(
            StatusCode::OK,
            "text/javascript; charset=utf-8",
            vec![Bytes::from_static(LIVE_JS.as_bytes())],
        );
    }
    if path == EVENTS_PATH {
        let since = req
            .uri()
            .query()
            .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("since=")))
            .and_then(|v| v.parse::<u64>().ok());
        let answer = state.poll(since, WAIT).await;
        return reply(
            StatusCode::OK,
            "application/json",
            vec![Bytes::from(answer.to_string())],
        );
    }
    let snapshot = state.snapshot();
    if path == FILES_PATH {
        let map: BTreeMap<&str, String> = snapshot
            .all()
            .map(|(k, v)| {
                let published = v.published(k).unwrap_or_default();
                (&**k, format!("{:016x}", crate::hashing::fnv1a(&published)))
            })
            .collect();
        let body = serde_json::to_vec(&map).unwrap_or_default();
        return reply(StatusCode::OK, "application/json", vec![Bytes::from(body)]);
    }
    let rel = match resolve(&path, &snapshot.base_path) {
        Err(why) => {
            return text(
                StatusCode::BAD_REQUEST,
                say(crate::msg!("serve-bad-request", why = why)),
            );
        }
        Ok(None) if path == "/" || path.is_empty() => return redirect(&snapshot.base_path),
        Ok(None) => None,
        Ok(Some(rel)) => Some(rel),
    };
    if let Some(rel) = rel {
        if let Some(stored) = snapshot.get(rel.as_str()) {
            let kind = content_type(&rel);
            let published = match stored {
                // Held as published: shared, not copied.
                crate::output::Blob::Held(bytes) if !crate::output::packed(&rel) => {
                    Bytes::from_owner(bytes.clone())
                }
                blob => match blob.published(&rel) {
                    Ok(bytes) => Bytes::from(bytes.into_owned()),
                    Err(e) => {
                        return text(StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n"));
                    }
                },
            };
            let pieces = if kind.starts_with("text/html") {
                live::inject(&published, 200).to_vec()
            } else {
                vec![published]
            };
            return reply(StatusCode::OK, &kind, pieces);
        }
        // An attachment is read from its file in content/ when asked for.
        if let Some(from) = snapshot.attachments.get(&rel) {
            return match tokio::fs::read(from).await {
                Ok(bytes) => reply(
                    StatusCode::OK,
                    &content_type(&rel),
                    vec![Bytes::from(bytes)],
                ),
                Err(_) => text(StatusCode::NOT_FOUND, say(crate::msg!("serve-not-found"))),
            };
        }
        // `/jyta/years` → `/jyta/years/` when that is a page.
        if !rel.ends_with("index.html") && snapshot.contains(format!("{rel}/index.html").as_str()) {
            return redirect(&format!("{path}/"));
        }
    }
    let page = snapshot
        .get("404.html")
        .and_then(|b| b.published("404.html").ok())
        .map(|b| Bytes::from(b.into_owned()))
        .unwrap_or_else(|| Bytes::from_static(b"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>404</title></head><body><p>404</p></body></html>"));
    reply(
        StatusCode::NOT_FOUND,
        "text/html; charset=utf-8",
        live::inject(&page, 404).to_vec(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_names_ips_and_listed_hosts_are_answered() {
        let a = AllowedHosts::new("127.0.0.1", &["preview.office".to_string()]);
        for ok in [
            "localhost",
            "localhost:8000",
            "LOCALHOST.",
            "app.localhost:1",
            "127.0.0.1:8000",
            "192.168.1.20:8000",
            "[::1]:8000",
            "[::1]",
            "preview.office:8000",
        ] {
            assert!(a.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example.com",
            "evil.example.com:8000",
            "127.0.0.1.evil.com",
            "localhost.evil.com",
            "",
            ":8000",
            "[evil]:80",
        ] {
            assert!(!a.allows(bad), "{bad}");
        }
    }

    #[test]
    fn paths_stay_inside_the_site() {
        assert_eq!(
            resolve("/jyta/", "/jyta/").unwrap().as_deref(),
            Some("index.html")
        );
        assert_eq!(
            resolve("/jyta/a%20b.css?x", "/jyta/").unwrap().as_deref(),
            Some("a b.css")
        );
        assert!(resolve("/jyta/../etc/passwd", "/jyta/").is_err());
        assert!(resolve("/jyta/%2e%2e/x", "/jyta/").is_err());
        assert!(resolve("/jyta/a%00", "/jyta/").is_err());
        assert_eq!(resolve("/other", "/jyta/").unwrap(), None);
    }
}
