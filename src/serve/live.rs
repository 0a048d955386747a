//! Live reload: what browsers are told after each rebuild (reload this page, swap the
//! stylesheets, show or clear the build's errors), by long polling on `/__dafu/events`. The
//! browser side is `live.js`, added to HTML responses by the server and never to `dafu build`
//! output.

use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use crate::diagnostics::Diagnostic;
use crate::messages::Catalogue;
use crate::output::Snapshot;

/// Where the live-reload script and event stream live: outside any base path.
pub const LIVE_JS_PATH: &str = "/__dafu/live.js";
pub const EVENTS_PATH: &str = "/__dafu/events";
/// The script itself.
pub const LIVE_JS: &str = include_str!("live.js");

/// What the server threads share.
pub struct State {
    snapshot: RwLock<Arc<Snapshot>>,
    /// The last build's problems, as the overlay shows them; `None` when it succeeded.
    error: RwLock<Option<serde_json::Value>>,
    /// Recent messages to browsers, numbered; waiting requests are woken on each new one.
    events: Mutex<Events>,
    /// Woken on each new message; waiting requests are tasks, not threads.
    wake: tokio::sync::Notify,
}

#[derive(Default)]
struct Events {
    latest: u64,
    recent: std::collections::VecDeque<(u64, serde_json::Value)>,
}

/// Messages kept for browsers that were between two requests when they were sent.
const EVENTS_KEPT: usize = 64;

impl State {
    pub fn new(snapshot: Snapshot) -> Arc<State> {
        Arc::new(State {
            snapshot: RwLock::new(Arc::new(snapshot)),
            error: RwLock::new(None),
            events: Mutex::new(Events::default()),
            wake: tokio::sync::Notify::new(),
        })
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
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
        self.wake.notify_waiters();
    }

    /// The messages after `since`, waiting up to `wait` for one. A browser that comes for
    /// the first time (no `since`) hears the current state: an error outlives page loads.
    pub async fn poll(&self, since: Option<u64>, wait: Duration) -> serde_json::Value {
        let Some(since) = since else {
            let latest = self.events.lock().map(|e| e.latest).unwrap_or(0);
            let current = match self.error.read().ok().and_then(|e| e.clone()) {
                Some(text) => serde_json::json!({ "type": "error", "message": text }),
                None => serde_json::json!({ "type": "ok" }),
            };
            return serde_json::json!({ "latest": latest, "messages": [current] });
        };
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            // Registered before looking, so that a message sent in between is not missed.
            let notified = self.wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(answer) = self.messages_after(since) {
                return answer;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return serde_json::json!({ "latest": since, "messages": [] });
            }
        }
    }

    /// The messages after `since`, or `None` when there are none yet.
    fn messages_after(&self, since: u64) -> Option<serde_json::Value> {
        let ev = self.events.lock().ok()?;
        if ev.latest <= since {
            return None;
        }
        // Too far behind to know what changed: reload.
        if ev.recent.front().is_some_and(|(n, _)| *n > since + 1) {
            return Some(
                serde_json::json!({ "latest": ev.latest, "messages": [{ "type": "reload", "all": true, "changed": [] }] }),
            );
        }
        let messages: Vec<&serde_json::Value> = ev
            .recent
            .iter()
            .filter(|(n, _)| *n > since)
            .map(|(_, m)| m)
            .collect();
        Some(serde_json::json!({ "latest": ev.latest, "messages": messages }))
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
    pub fn fail(&self, problems: serde_json::Value) {
        if let Ok(mut e) = self.error.write() {
            *e = Some(problems.clone());
        }
        self.broadcast(serde_json::json!({ "type": "error", "message": problems }));
    }
}

/// A failed build's problems as the browser overlay shows them: each problem once, worded
/// in the reader's language, with the source line split around the wrong text so that the
/// page can mark it (carets would not line up in a proportional Chinese font).
pub fn overlay(diags: &[Diagnostic], cat: &Catalogue) -> serde_json::Value {
    let sorted = crate::diagnostics::sorted(diags);
    let files: std::collections::BTreeSet<&std::path::Path> =
        sorted.iter().map(|d| d.file.as_path()).collect();
    let problems: Vec<serde_json::Value> = sorted
        .iter()
        .map(|d| {
            let excerpt = match (&d.source, &d.span) {
                (Some(text), Some(span)) => {
                    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
                    let line_end = text[span.start..]
                        .find('\n')
                        .map_or(text.len(), |i| span.start + i);
                    let mark_end = span.end.clamp(span.start, line_end);
                    serde_json::json!({
                        "line": d.line,
                        "before": &text[line_start..span.start],
                        "mark": &text[span.start..mark_end],
                        "after": &text[mark_end..line_end],
                    })
                }
                _ => serde_json::Value::Null,
            };
            serde_json::json!({
                "location": d.location(),
                "message": cat.get(&d.message),
                "help": d.help.as_ref().map(|h| cat.get(h)),
                "warning": d.warning,
                "excerpt": excerpt,
            })
        })
        .collect();
    serde_json::json!({
        "lang": match cat.lang() { crate::messages::Lang::Zh => "zh-CN", crate::messages::Lang::En => "en" },
        "title": cat.text("overlay-title"),
        "summary": cat.get(&crate::msg!("summary-still-serving", problems = sorted.len(), files = files.len())),
        "close": cat.text("overlay-close"),
        "help_label": cat.text("overlay-help"),
        "problems": problems,
    })
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
    // Pages, then machine-readable files: each pair of maps is compared alone.
    if !Arc::ptr_eq(&a.files, &b.files) {
        diff(&a.files, &b.files, &mut push);
    }
    if !Arc::ptr_eq(&a.machine, &b.machine) {
        diff(&a.machine, &b.machine, &mut push);
    }
    out
}

/// Calls `push` with every path whose bytes differ between `a` and `b`, or that only one has.
fn diff(a: &crate::output::Files, b: &crate::output::Files, push: &mut impl FnMut(&str)) {
    // Both maps are sorted: walk them side by side.
    let (mut old, mut new) = (a.iter().peekable(), b.iter().peekable());
    loop {
        match (old.peek(), new.peek()) {
            (Some((ka, va)), Some((kb, vb))) => match ka.cmp(kb) {
                std::cmp::Ordering::Equal => {
                    // Pages reused from the last build share their bytes (see `Blob`'s
                    // `==`).
                    if va != vb {
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
}

/// The live-reload script tag, placed before `</body>`: the page's bytes in three shared
/// pieces (before, tag, after), so that a large page is not copied per request.
pub fn inject(html: &bytes::Bytes, status: u16) -> [bytes::Bytes; 3] {
    let tag = bytes::Bytes::from(format!(
        "<script src=\"{LIVE_JS_PATH}\" data-status=\"{status}\"></script>"
    ));
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    [html.slice(..at), tag, html.slice(at..)]
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}
