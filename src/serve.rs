//! `dafu serve`: builds the site into memory, serves it over HTTP exactly as it will be
//! deployed (same URLs under the same base path), watches the site's files and rebuilds on
//! every save, and tells open browsers to reload — or shows the build's errors over the last
//! good page, which keeps being served.
//!
//! Nothing is written to disk: the output folder is never touched, so it is never watched.
//! The live-reload script is added to HTML responses here, so `dafu build` output never has it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer, new_debouncer_opt};

use crate::build::BuildOptions;
use crate::diagnostics::Diagnostic;
use crate::incremental::Builder;

/// The options of `dafu serve` (also its command line).
#[derive(Debug, Clone, clap::Args)]
pub struct ServeOptions {
    /// The site folder (with site.toml and content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The address to listen on; only this computer by default.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// The port; when it is taken, the next free one is used (and named).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Show replies marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Poll for changes instead of relying on file-system events (network drives, some
    /// containers and virtual machines).
    #[arg(long)]
    pub poll: bool,
    /// After each rebuild, print how long each step took.
    #[arg(long)]
    pub timings: bool,
}

/// Where the live-reload script and event stream live: outside any base path.
const LIVE_JS: &str = "/__dafu/live.js";
const EVENTS: &str = "/__dafu/events";
const FILES: &str = "/__dafu/files";
/// How long a burst of file events is gathered into one rebuild.
const DEBOUNCE: Duration = Duration::from_millis(20);
/// How many ports above the asked one are tried when it is taken.
const PORT_TRIES: u16 = 20;

/// One complete build, as served.
pub struct Snapshot {
    pub files: Files,
    pub base_path: String,
}

/// Site-relative path → bytes. Shared keys and bytes: a rebuild copies the map, not the files.
pub type Files = BTreeMap<Arc<str>, Arc<[u8]>>;

/// What the server threads share.
pub struct State {
    snapshot: RwLock<Arc<Snapshot>>,
    /// The last build's problems, rendered as text; `None` when it succeeded.
    error: RwLock<Option<String>>,
    /// Recent messages to browsers, numbered; waiting requests are woken on each new one.
    events: Mutex<Events>,
    wake: Condvar,
}

#[derive(Default)]
struct Events {
    latest: u64,
    recent: std::collections::VecDeque<(u64, serde_json::Value)>,
}

/// Messages kept for browsers that were between two requests when they were sent.
const EVENTS_KEPT: usize = 64;
/// How long a browser's request waits for news before it is answered with none.
const WAIT: Duration = Duration::from_secs(25);

impl State {
    pub fn new(snapshot: Snapshot) -> Arc<State> {
        Arc::new(State {
            snapshot: RwLock::new(Arc::new(snapshot)),
            error: RwLock::new(None),
            events: Mutex::new(Events::default()),
            wake: Condvar::new(),
        })
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(s) => s.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    fn broadcast(&self, message: serde_json::Value) {
        if let Ok(mut ev) = self.events.lock() {
            ev.latest += 1;
            let n = ev.latest;
            ev.recent.push_back((n, message));
            while ev.recent.len() > EVENTS_KEPT {
                ev.recent.pop_front();
            }
        }
        self.wake.notify_all();
    }

    /// The messages after `since`, waiting up to `wait` for one. A browser that comes for
    /// the first time (no `since`) hears the current state: an error outlives page loads.
    fn poll(&self, since: Option<u64>, wait: Duration) -> serde_json::Value {
        let Ok(mut ev) = self.events.lock() else {
            return serde_json::json!({ "latest": 0, "messages": [] });
        };
        let Some(since) = since else {
            let current = match self.error.read().ok().and_then(|e| e.clone()) {
                Some(text) => serde_json::json!({ "type": "error", "message": text }),
                None => serde_json::json!({ "type": "ok" }),
            };
            return serde_json::json!({ "latest": ev.latest, "messages": [current] });
        };
        let deadline = Instant::now() + wait;
        while ev.latest <= since {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            ev = match self.wake.wait_timeout(ev, left) {
                Ok((g, _)) => g,
                Err(_) => return serde_json::json!({ "latest": since, "messages": [] }),
            };
        }
        let messages: Vec<&serde_json::Value> = ev
            .recent
            .iter()
            .filter(|(n, _)| *n > since)
            .map(|(_, m)| m)
            .collect();
        // Too far behind to know what changed: reload.
        let missed = ev.recent.front().is_some_and(|(n, _)| *n > since + 1);
        if missed {
            return serde_json::json!({ "latest": ev.latest, "messages": [{ "type": "reload", "all": true, "changed": [] }] });
        }
        serde_json::json!({ "latest": ev.latest, "messages": messages })
    }

    /// A successful build: swap it in and tell browsers which pages changed.
    pub fn publish(&self, next: Snapshot) -> usize {
        let previous = self.snapshot();
        let changed = changed_urls(&previous, &next);
        let count = changed.len();
        if let Ok(mut s) = self.snapshot.write() {
            *s = Arc::new(next);
        }
        let had_error = self
            .error
            .write()
            .map(|mut e| e.take().is_some())
            .unwrap_or(false);
        if count > 0 || had_error {
            let css_only = count > 0 && changed.iter().all(|u| u.ends_with(".css"));
            let message = serde_json::json!({
                "type": "reload",
                "changed": if count > 2000 { Vec::new() } else { changed },
                "all": count > 2000,
                "css_only": css_only,
            });
            self.broadcast(message);
        }
        count
    }

    /// A failed build: keep the last good site, show the problems everywhere.
    pub fn fail(&self, text: String) {
        if let Ok(mut e) = self.error.write() {
            *e = Some(text.clone());
        }
        self.broadcast(serde_json::json!({ "type": "error", "message": text }));
    }
}

/// URL paths (with the base path) whose bytes differ between two builds; a page is named both
/// as `…/index.html` and as its folder `…/`.
fn changed_urls(a: &Snapshot, b: &Snapshot) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |rel: &str| {
        out.push(format!("{}{rel}", b.base_path));
        if let Some(dir) = rel.strip_suffix("index.html") {
            out.push(format!("{}{dir}", b.base_path));
        }
    };
    // Both maps are sorted: walk them side by side.
    let (mut old, mut new) = (a.files.iter().peekable(), b.files.iter().peekable());
    loop {
        match (old.peek(), new.peek()) {
            (Some((ka, va)), Some((kb, vb))) => match ka.cmp(kb) {
                std::cmp::Ordering::Equal => {
                    // Pages reused from the last build share their bytes: pointers first.
                    if !(Arc::ptr_eq(va, vb) || va == vb) {
                        push(kb);
                    }
                    old.next();
                    new.next();
                }
                std::cmp::Ordering::Less => {
                    push(ka);
                    old.next();
                }
                std::cmp::Ordering::Greater => {
                    push(kb);
                    new.next();
                }
            },
            (Some((ka, _)), None) => {
                push(ka);
                old.next();
            }
            (None, Some((kb, _))) => {
                push(kb);
                new.next();
            }
            (None, None) => break,
        }
    }
    out
}

/// Runs the server until the process is stopped.
pub fn serve(opts: &ServeOptions) -> Result<(), String> {
    let build_opts = BuildOptions {
        root: opts.root.clone(),
        output: None,
        base_url: None,
        drafts: opts.drafts,
    };
    let mut builder = Builder::new(build_opts);
    let start = Instant::now();
    let (snapshot, first_error) = match builder.rebuild(None, &mut |_| {}) {
        Ok(s) => (s, None),
        Err(diags) => (
            Snapshot {
                files: BTreeMap::new(),
                base_path: builder.base_path(),
            },
            Some(diags),
        ),
    };
    let pages = snapshot.files.len();
    print_warnings(builder.warnings());
    let state = State::new(snapshot);
    match &first_error {
        None => println!(
            "built {pages} files in {:.2} s",
            start.elapsed().as_secs_f64()
        ),
        Some(diags) => {
            eprint!("{}", render(diags, true));
            state.fail(render(diags, false));
        }
    }

    // Watch before announcing the address, so that no save after it can be missed.
    let (tx, rx) = channel::<Change>();
    let watching = watch(&opts.root, opts.poll, tx)?;
    let (server, port) = bind(&opts.bind, opts.port)?;
    if port != opts.port && opts.port != 0 {
        println!("port {} is in use; using {port} instead", opts.port);
    }
    let base = state.snapshot().base_path.clone();
    let url = format!("http://{}:{port}{base}", display_host(&opts.bind));
    println!(
        "serving {url}  (drafts {}; Ctrl+C to stop)",
        if opts.drafts { "shown" } else { "hidden" }
    );
    if opts.open
        && let Err(e) = open::that(&url)
    {
        eprintln!("could not open a browser: {e}");
    }

    let rebuild_state = state.clone();
    let timings = opts.timings;
    std::thread::spawn(move || rebuild_loop(builder, watching, rx, rebuild_state, timings));

    let server = Arc::new(server);
    for request in server.incoming_requests() {
        let state = state.clone();
        std::thread::spawn(move || handle(request, &state));
    }
    Ok(())
}

fn display_host(bind: &str) -> String {
    if bind.contains(':') {
        format!("[{bind}]")
    } else {
        bind.to_string()
    }
}

/// Binds `bind:port`, or the next free port when it is taken.
pub fn bind(bind: &str, port: u16) -> Result<(tiny_http::Server, u16), String> {
    let mut last = String::new();
    for p in port..=port.saturating_add(PORT_TRIES) {
        let addr = format!("{}:{p}", display_host(bind));
        match tiny_http::Server::http(&addr) {
            Ok(s) => {
                let actual = s.server_addr().to_ip().map_or(p, |a| a.port());
                return Ok((s, actual));
            }
            Err(e) => {
                let in_use = e
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::AddrInUse);
                if !in_use || port == 0 {
                    return Err(format!("cannot listen on {addr}: {e}"));
                }
                last = e.to_string();
            }
        }
    }
    Err(format!(
        "ports {port}–{} are all in use ({last}); pass --port with a free one",
        port.saturating_add(PORT_TRIES)
    ))
}

fn print_warnings(warnings: &[Diagnostic]) {
    let color = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", crate::diagnostics::render_warnings(warnings, color));
}

fn render(diags: &[Diagnostic], color: bool) -> String {
    let color = color
        && std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none();
    crate::diagnostics::render_all(diags, color).replace(
        "; nothing was published",
        "; still serving the last good build",
    )
}

/// Rebuilds after each (debounced) batch of changes, coalescing batches that arrive while a
/// rebuild runs.
fn rebuild_loop(
    mut builder: Builder,
    mut watching: Watching,
    rx: Receiver<Change>,
    state: Arc<State>,
    timings: bool,
) {
    while let Ok(first) = rx.recv() {
        // Merge everything that arrived meanwhile into one rebuild.
        let mut change = first;
        while let Ok(more) = rx.try_recv() {
            change = change.merge(more);
        }
        if let Err(e) = watching.add_new_folders() {
            eprintln!("{e}");
        }
        let start = Instant::now();
        let mut pages_at = None;
        let mut first_at = None;
        let changed = match &change {
            Change::Files(files) => Some(files.as_slice()),
            Change::Everything => None,
        };
        let result = builder.rebuild(changed, &mut |pages| {
            // Pages first; the snapshot carries the last build's feeds, open data and
            // search index until the new ones are ready.
            state.publish(pages);
            first_at = first_at.or(Some(start.elapsed()));
            pages_at = Some(start.elapsed());
        });
        match result {
            Ok(snapshot) => {
                let changed = state.publish(snapshot);
                print_warnings(builder.warnings());
                let report = builder.report();
                match (first_at, pages_at) {
                    (Some(first), Some(all)) if report.edited_page_first => println!(
                        "edited page ready in {} ms, pages ready in {} ms",
                        first.as_millis(),
                        all.as_millis()
                    ),
                    (_, Some(all)) => println!("pages ready in {} ms", all.as_millis()),
                    _ => {}
                }
                println!(
                    "rebuilt in {} ms ({}): {} changed",
                    start.elapsed().as_millis(),
                    if report.one_reply {
                        "one reply"
                    } else {
                        "whole site"
                    },
                    if changed == 0 {
                        "nothing".to_string()
                    } else {
                        format!("{} URLs", changed)
                    }
                );
                if timings {
                    let steps: Vec<String> = report
                        .steps
                        .iter()
                        .map(|(name, t)| format!("{name} {:.1} ms", t.as_secs_f64() * 1000.0))
                        .collect();
                    println!("  {}", steps.join(" · "));
                }
            }
            Err(diags) => {
                eprint!("{}", render(&diags, true));
                state.fail(render(&diags, false));
            }
        }
    }
}

/// Whether a changed path can affect the site: site.toml, or a file under content/,
/// templates/, static/ or themes/ that is not an editor's temporary or hidden file.
pub fn is_relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components();
    let Some(first) = parts.next() else {
        return false;
    };
    let first = first.as_os_str().to_string_lossy();
    if first == "site.toml" {
        return true;
    }
    if !matches!(
        first.as_ref(),
        "content" | "templates" | "static" | "themes"
    ) {
        return false;
    }
    rel.components()
        .all(|c| !crate::load::is_ignored_name(&c.as_os_str().to_string_lossy()))
}

/// The file watcher: native events, or polling (`--poll`).
enum Watcher {
    Native(
        notify_debouncer_full::Debouncer<
            notify::RecommendedWatcher,
            notify_debouncer_full::RecommendedCache,
        >,
    ),
    Poll(notify_debouncer_full::Debouncer<notify::PollWatcher, notify_debouncer_full::NoCache>),
}

/// The watched folders, and the watcher; folders created later (a first `templates/`) are
/// added before the rebuild their creation causes.
struct Watching {
    root: PathBuf,
    watcher: Watcher,
    watched: Vec<PathBuf>,
}

impl Watching {
    fn add_new_folders(&mut self) -> Result<(), String> {
        for d in ["content", "templates", "static", "themes"] {
            let dir = self.root.join(d);
            if dir.is_dir() && !self.watched.contains(&dir) {
                let r = match &mut self.watcher {
                    Watcher::Native(w) => w.watch(&dir, RecursiveMode::Recursive),
                    Watcher::Poll(w) => w.watch(&dir, RecursiveMode::Recursive),
                };
                r.map_err(|e| format!("cannot watch {}: {e}", dir.display()))?;
                self.watched.push(dir);
            }
        }
        // A folder that was deleted: drop it, so that a new one of that name is watched.
        self.watched.retain(|d| d.is_dir());
        Ok(())
    }
}

/// Watches the site's folders and site.toml; relevant changes send a unit on `tx`.
/// What a batch of file events says changed.
#[derive(Debug)]
pub enum Change {
    /// Only these Markdown files under content/ (relative to the site folder): created,
    /// edited, renamed or deleted.
    Files(Vec<PathBuf>),
    /// Anything else (configuration, templates, static files, folders), or events were lost.
    Everything,
}

impl Change {
    fn merge(self, other: Change) -> Change {
        match (self, other) {
            (Change::Files(mut a), Change::Files(b)) => {
                a.extend(b);
                a.sort();
                a.dedup();
                Change::Files(a)
            }
            _ => Change::Everything,
        }
    }
}

/// Sorts a batch of events into a [`Change`], or `None` when nothing relevant changed.
fn classify(root: &Path, events: &[notify_debouncer_full::DebouncedEvent]) -> Option<Change> {
    let mut files = Vec::new();
    let mut everything = false;
    for e in events {
        // Reading files (as every rebuild does) raises access events: only changes count.
        if matches!(e.kind, notify::EventKind::Access(_)) {
            continue;
        }
        if e.need_rescan() {
            everything = true;
        }
        for p in &e.paths {
            if !is_relevant(root, p) {
                continue;
            }
            let rel = p.strip_prefix(root).unwrap_or(p).to_path_buf();
            let in_content = rel.starts_with("content");
            // A folder's own times change whenever a file in it is saved: nothing new there.
            if in_content && p.is_dir() && matches!(e.kind, notify::EventKind::Modify(_)) {
                continue;
            }
            if in_content && crate::load::is_markdown(p) && !p.is_dir() {
                files.push(rel);
            } else {
                everything = true;
            }
        }
    }
    if everything {
        Some(Change::Everything)
    } else if files.is_empty() {
        None
    } else {
        // A rename or a write can report one file several times.
        files.sort();
        files.dedup();
        Some(Change::Files(files))
    }
}

fn watch(root: &Path, poll: bool, tx: Sender<Change>) -> Result<Watching, String> {
    let root_abs = root
        .canonicalize()
        .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    let filter_root = root_abs.clone();
    let handler = move |result: DebounceEventResult| match result {
        Ok(events) => {
            if let Some(change) = classify(&filter_root, &events) {
                let _ = tx.send(change);
            }
        }
        Err(errors) => {
            for e in errors {
                eprintln!("watch error: {e}");
            }
        }
    };
    let mut watcher = if poll {
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(300));
        Watcher::Poll(
            new_debouncer_opt::<_, notify::PollWatcher, _>(
                DEBOUNCE,
                None,
                handler,
                notify_debouncer_full::NoCache::new(),
                config,
            )
            .map_err(|e| format!("cannot start the polling watcher: {e}"))?,
        )
    } else {
        Watcher::Native(
            new_debouncer(DEBOUNCE, None, handler)
                .map_err(|e| format!("cannot start the file watcher: {e} (try --poll)"))?,
        )
    };
    // site.toml, and folders created later, are seen through the root (not recursively: the
    // output folder and everything else in it are never watched).
    let r = match &mut watcher {
        Watcher::Native(w) => w.watch(&root_abs, RecursiveMode::NonRecursive),
        Watcher::Poll(w) => w.watch(&root_abs, RecursiveMode::NonRecursive),
    };
    r.map_err(|e| format!("cannot watch {}: {e}", root_abs.display()))?;
    let mut w = Watching {
        root: root_abs,
        watcher,
        watched: Vec::new(),
    };
    w.add_new_folders()?;
    Ok(w)
}

// ---------- HTTP ----------

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|_| {
        tiny_http::Header::from_bytes(&b"X-Dafu"[..], &b"1"[..]).expect("static header")
    })
}

fn respond(request: tiny_http::Request, status: u16, content_type: &str, body: Vec<u8>) {
    let response = tiny_http::Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"));
    let _ = request.respond(response);
}

fn redirect(request: tiny_http::Request, to: &str) {
    let response = tiny_http::Response::empty(302).with_header(header("Location", to));
    let _ = request.respond(response);
}

/// The site-relative file a request path names, or why it is refused.
pub fn resolve(path: &str, base_path: &str) -> Result<Option<String>, &'static str> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .map_err(|_| "the path is not UTF-8")?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return Err("the path holds a forbidden character");
    }
    if decoded.split('/').any(|s| s == ".." || s == ".") {
        return Err("the path climbs out of the site");
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

fn inject(html: &[u8], status: u16) -> Vec<u8> {
    let tag = format!("<script src=\"{LIVE_JS}\" data-status=\"{status}\"></script>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

fn handle(request: tiny_http::Request, state: &State) {
    let method = request.method().clone();
    if !matches!(method, tiny_http::Method::Get | tiny_http::Method::Head) {
        return respond(
            request,
            405,
            "text/plain; charset=utf-8",
            b"method not allowed\n".to_vec(),
        );
    }
    let url = request.url().to_string();
    let path = url.split('?').next().unwrap_or("").to_string();
    if path == LIVE_JS {
        return respond(
            request,
            200,
            "text/javascript; charset=utf-8",
            LIVE_RELOAD_JS.as_bytes().to_vec(),
        );
    }
    if path == EVENTS {
        return events(request, state, &url);
    }
    if path == FILES {
        // What is being served, for tests and scripts: path → FNV-1a hash of the bytes.
        let snapshot = state.snapshot();
        let map: BTreeMap<&str, String> = snapshot
            .files
            .iter()
            .map(|(k, v)| (&**k, format!("{:016x}", crate::slug::fnv1a(v))))
            .collect();
        let body = serde_json::to_vec(&map).unwrap_or_default();
        return respond(request, 200, "application/json", body);
    }
    let snapshot = state.snapshot();
    let rel = match resolve(&path, &snapshot.base_path) {
        Err(why) => {
            return respond(
                request,
                400,
                "text/plain; charset=utf-8",
                format!("bad request: {why}\n").into_bytes(),
            );
        }
        Ok(None) => {
            if path == "/" || path.is_empty() {
                return redirect(request, &snapshot.base_path);
            }
            None
        }
        Ok(Some(rel)) => Some(rel),
    };
    if let Some(rel) = rel {
        if let Some(bytes) = snapshot.files.get(rel.as_str()) {
            let mime = mime_guess::from_path(&rel).first_or_octet_stream();
            let is_html = mime.essence_str() == "text/html";
            let content_type =
                if mime.type_() == "text" || mime.essence_str() == "application/javascript" {
                    format!("{}; charset=utf-8", mime.essence_str())
                } else {
                    mime.essence_str().to_string()
                };
            let body = if is_html {
                inject(bytes, 200)
            } else {
                bytes.to_vec()
            };
            return respond(request, 200, &content_type, body);
        }
        // `/jyta/years` → `/jyta/years/` when that is a page.
        if !rel.ends_with("index.html")
            && snapshot
                .files
                .contains_key(format!("{rel}/index.html").as_str())
        {
            return redirect(request, &format!("{path}/"));
        }
    }
    let body = snapshot
        .files
        .get("404.html")
        .map(|b| inject(b, 404))
        .unwrap_or_else(|| inject(b"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>404</title></head><body><p>404</p></body></html>", 404));
    respond(request, 404, "text/html; charset=utf-8", body)
}

fn events(request: tiny_http::Request, state: &State, url: &str) {
    let since = url
        .split_once('?')
        .and_then(|(_, q)| q.split('&').find_map(|kv| kv.strip_prefix("since=")))
        .and_then(|v| v.parse::<u64>().ok());
    let answer = state.poll(since, WAIT);
    respond(
        request,
        200,
        "application/json",
        answer.to_string().into_bytes(),
    );
}

/// The browser side of live reload: reload when this page changed (swap stylesheets when
/// only CSS did), and show build errors over the page until the next good build.
const LIVE_RELOAD_JS: &str = r#"(function () {
  "use strict";
  var me = document.currentScript;
  var status = me && me.getAttribute("data-status");
  var overlay = null;
  function hide() { if (overlay) { overlay.remove(); overlay = null; } }
  function show(text) {
    hide();
    overlay = document.createElement("div");
    overlay.id = "dafu-error-overlay";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.92);color:#fff;padding:1.5rem;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace";
    var h = document.createElement("h2");
    h.textContent = "dafu: 构建失败 — the last good version is still served";
    h.style.cssText = "margin:0 0 1rem;font:bold 18px/1.4 sans-serif;color:#ffb4b4";
    var pre = document.createElement("pre");
    pre.style.cssText = "white-space:pre-wrap;margin:0";
    pre.textContent = text;
    overlay.appendChild(h);
    overlay.appendChild(pre);
    document.body.appendChild(overlay);
  }
  function swapCss() {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (l) {
      var u = new URL(l.href);
      u.searchParams.set("dafu-reload", String(Date.now()));
      l.href = u.toString();
    });
  }
  function handle(m) {
    if (m.type === "error") return show(m.message);
    if (m.type === "ok") return hide();
    if (m.type !== "reload") return;
    hide();
    if (m.css_only) return swapCss();
    var here = decodeURI(location.pathname);
    if (m.all || status === "404" || m.changed.indexOf(here) >= 0) location.reload();
  }
  // Long polling: each request waits on the server until a build finishes.
  var since = null;
  function next() {
    fetch("/__dafu/events" + (since === null ? "" : "?since=" + since), { cache: "no-store" }).then(function (r) {
      return r.json();
    }).then(function (a) {
      since = a.latest;
      a.messages.forEach(handle);
      next();
    }, function () {
      setTimeout(next, 1000);
    });
  }
  next();
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, EventKind, ModifyKind, RenameMode};
    use notify_debouncer_full::DebouncedEvent;

    fn event(kind: EventKind, paths: &[&Path]) -> DebouncedEvent {
        let mut e = notify::Event::new(kind);
        for p in paths {
            e = e.add_path(p.to_path_buf());
        }
        DebouncedEvent::new(e, Instant::now())
    }

    #[test]
    fn an_atomic_save_is_one_changed_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/2023")).expect("folder");
        let file = root.join("content/2023/a.md");
        let tmp = root.join("content/2023/a.md.tmp~");
        std::fs::write(&file, "x").expect("write");
        // What an editor's save raises: the temp file created, renamed over the file, the
        // file modified.
        let events = [
            event(EventKind::Create(CreateKind::File), &[&tmp]),
            event(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &[&tmp, &file],
            ),
            event(EventKind::Create(CreateKind::File), &[&file]),
            event(EventKind::Modify(ModifyKind::Any), &[&file]),
        ];
        match classify(root, &events) {
            Some(Change::Files(files)) => {
                assert_eq!(files, vec![PathBuf::from("content/2023/a.md")])
            }
            _ => panic!("expected one changed file"),
        }
        let both = Change::Files(vec!["content/x.md".into()])
            .merge(Change::Files(vec!["content/x.md".into()]));
        assert!(matches!(both, Change::Files(f) if f.len() == 1));
        // Temp files alone change nothing; site.toml changes everything.
        assert!(classify(root, &events[..1]).is_none());
        let config = root.join("site.toml");
        assert!(matches!(
            classify(
                root,
                &[event(EventKind::Modify(ModifyKind::Any), &[&config])]
            ),
            Some(Change::Everything)
        ));
    }
}
