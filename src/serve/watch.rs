//! Watching the site's files: which saves need a rebuild, gathered into one change per burst.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer, new_debouncer_opt};

/// How long a burst of file events is gathered into one rebuild.
const DEBOUNCE: Duration = Duration::from_millis(20);

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
pub struct Watching {
    root: PathBuf,
    watcher: Watcher,
    watched: Vec<PathBuf>,
}

impl Watching {
    pub fn add_new_folders(&mut self) -> Result<(), crate::messages::Msg> {
        for d in ["content", "templates", "static", "themes"] {
            let dir = self.root.join(d);
            if dir.is_dir() && !self.watched.contains(&dir) {
                let r = match &mut self.watcher {
                    Watcher::Native(w) => w.watch(&dir, RecursiveMode::Recursive),
                    Watcher::Poll(w) => w.watch(&dir, RecursiveMode::Recursive),
                };
                r.map_err(|e| watch_failed(&dir, e))?;
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
    pub fn merge(self, other: Change) -> Change {
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

pub fn watch(
    root: &Path,
    poll: bool,
    tx: Sender<Change>,
) -> Result<Watching, crate::messages::Msg> {
    let root_abs = root.canonicalize().map_err(|e| watch_failed(root, e))?;
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
            .map_err(|e| crate::msg!("watch-poll-failed", error = e.to_string()))?,
        )
    } else {
        Watcher::Native(
            new_debouncer(DEBOUNCE, None, handler)
                .map_err(|e| crate::msg!("watch-events-failed", error = e.to_string()))?,
        )
    };
    // site.toml, and folders created later, are seen through the root (not recursively: the
    // output folder and everything else in it are never watched).
    let r = match &mut watcher {
        Watcher::Native(w) => w.watch(&root_abs, RecursiveMode::NonRecursive),
        Watcher::Poll(w) => w.watch(&root_abs, RecursiveMode::NonRecursive),
    };
    r.map_err(|e| watch_failed(&root_abs, e))?;
    let mut w = Watching {
        root: root_abs,
        watcher,
        watched: Vec::new(),
    };
    w.add_new_folders()?;
    Ok(w)
}

/// A folder that cannot be watched, and why.
fn watch_failed(folder: &Path, e: impl std::fmt::Display) -> crate::messages::Msg {
    crate::msg!(
        "watch-failed",
        folder = folder.display().to_string(),
        error = e.to_string()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, EventKind, ModifyKind, RenameMode};
    use notify_debouncer_full::DebouncedEvent;
    use std::time::Instant;

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
