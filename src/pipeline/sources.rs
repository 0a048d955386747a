//! Stages 1–2 with their cache: each content file is read again only when its size or
//! modification time changed, validated again only when its text or the configuration
//! changed, and its body rendered once per text. Every reply is known by its stable id: its
//! path (a rename is a delete plus an add), so nothing here depends on the site's order.

use crate::plaintext::PlainText;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::SystemTime;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::hashing::hash_of;
use crate::load::SourceFile;
use crate::markdown::{MarkdownRenderer, Rendered};
use crate::reply::Reply;

/// How many bytes of Markdown bodies are held from validation to rendering (never counted
/// down: a bound, not a tally): 10,000 replies' bodies (about 55 MB) are read once; beyond
/// that, a body is read again when its page is rendered.
const HELD_BODIES_BYTES: usize = 64 << 20;

/// A file's front matter checked: the reply (shared with the site model), or its problems.
pub type Validated = Result<Arc<Reply>, Vec<Diagnostic>>;

/// Everything kept of one content file.
pub struct Source {
    pub modified: Option<SystemTime>,
    pub len: u64,
    /// Fingerprint of the file's text: a file saved unchanged is not worked on again.
    pub text_hash: u64,
    /// The validation result, with the hash of the configuration it was made with.
    pub validated: Option<(u64, Validated)>,

    /// The body without markup, for feeds and search: found when its page is rendered, or
    /// stored in the build cache.
    pub text: Option<Text>,
    /// A file marked `draft: true` whose front matter has problems (an imported letter that
    /// lacks fields): left out of a build without `--drafts` instead of failing it.
    pub incomplete_draft: bool,
}

impl Source {
    /// Drops the Markdown body unless it fits the bound on bodies held (`held` counts what is
    /// held so far): a body dropped is read again when its page is rendered, so that memory
    /// does not grow with the replies' text.
    fn shed(&mut self, held: &AtomicUsize) {
        use std::sync::atomic::Ordering;
        if let Some((_, Ok(r))) = &mut self.validated
            && !r.body.is_empty()
        {
            let size = r.body.len();
            if held.fetch_add(size, Ordering::Relaxed) + size > HELD_BODIES_BYTES {
                Arc::make_mut(r).body = Arc::from("");
            }
        }
    }

    /// Whether it was validated with the configuration of this hash.
    fn validated_with(&self, config_hash: u64) -> bool {
        matches!(&self.validated, Some((h, _)) if *h == config_hash)
    }

    /// The reply, when the file is valid.
    pub fn reply(&self) -> Option<&Arc<Reply>> {
        match &self.validated {
            Some((_, Ok(r))) => Some(r),
            _ => None,
        }
    }
}

/// A reply's plain text: made when its page was rendered, or stored in the build cache and
/// read only when needed.
#[derive(Clone, Debug)]
pub enum Text {
    Held(PlainText),
    Stored(super::store::StoredText),
}

impl Text {
    /// Its length in UTF-8 bytes (known without reading it).
    pub fn utf8_len(&self) -> usize {
        match self {
            Text::Held(t) => t.utf8_len(),
            Text::Stored(s) => s.utf8_len(),
        }
    }

    /// The text; `None` when the build cache no longer holds it as it was stored.
    pub fn load(&self) -> Option<PlainText> {
        match self {
            Text::Held(t) => Some(t.clone()),
            Text::Stored(s) => s.read(),
        }
    }
}

/// The content files and what is known of each, by absolute path.
#[derive(Default)]
pub struct Sources {
    pub files: FxHashMap<PathBuf, Source>,
    /// Every content file, sorted as `load::content_paths` sorts them.
    pub paths: Vec<PathBuf>,
    /// Whether content/ has been walked once (after that, watcher events may be trusted).
    scanned: bool,
    /// Files that could not be read last time: looked at again on every run.
    failed: HashSet<PathBuf>,
    markdown: MarkdownRenderer,
    /// Bytes of bodies held so far (see [`HELD_BODIES_BYTES`]).
    held_bodies: AtomicUsize,
}

/// A content file looked at again: its size and time, and what reading gave (`None`: its
/// text did not change).
struct Refreshed {
    path: PathBuf,
    modified: Option<SystemTime>,
    len: u64,
    outcome: Result<Option<Source>, Diagnostic>,
}

impl Sources {
    /// Sources known from an earlier build (the build cache).
    pub fn known(files: FxHashMap<PathBuf, Source>) -> Sources {
        Sources {
            files,
            ..Sources::default()
        }
    }

    /// Reads content/, reusing files whose size and modification time are unchanged; files
    /// read anew are validated and their bodies rendered (in parallel). With `changed`
    /// (paths relative to the site folder, from the file watcher), only those files are
    /// looked at. Returns the problems of files that could not be read.
    pub fn refresh(
        &mut self,
        root: &Path,
        changed: Option<&[PathBuf]>,
        config: &SiteConfig,
        config_hash: u64,
    ) -> Vec<Diagnostic> {
        let content_dir = root.join("content");
        let candidates: Vec<PathBuf> = match (changed, self.scanned) {
            (Some(changed), true) => {
                for rel in changed {
                    let p = root.join(rel);
                    match (self.paths.binary_search(&p), p.is_file()) {
                        (Err(at), true) => self.paths.insert(at, p),
                        (Ok(at), false) => {
                            self.paths.remove(at);
                            self.files.remove(&p);
                        }
                        _ => {}
                    }
                }
                // Files validated with another configuration (site.toml changed) too.
                changed
                    .iter()
                    .map(|rel| root.join(rel))
                    .chain(self.failed.iter().cloned())
                    .chain(
                        self.files
                            .iter()
                            .filter(|(_, s)| !s.validated_with(config_hash))
                            .map(|(p, _)| p.clone()),
                    )
                    .filter(|p| p.is_file())
                    .collect()
            }
            _ => match crate::load::content_paths(root) {
                Ok(p) => {
                    self.paths = p;
                    let keep: HashSet<&PathBuf> = self.paths.iter().collect();
                    self.files.retain(|p, _| keep.contains(p));
                    self.paths.clone()
                }
                Err(d) => return vec![d],
            },
        };
        self.scanned = true;
        // Files whose size or time changed, or validated with another configuration.
        let stale: Vec<(PathBuf, Option<SystemTime>, u64)> = candidates
            .par_iter()
            .filter_map(|p| {
                let meta = std::fs::metadata(p).ok();
                let modified = meta.as_ref().and_then(|m| m.modified().ok());
                let len = meta.as_ref().map_or(0, |m| m.len());
                match self.files.get(p) {
                    Some(s)
                        if s.modified == modified
                            && s.len == len
                            && modified.is_some()
                            && s.validated_with(config_hash)
                            && attachments_unchanged(s, &content_dir) =>
                    {
                        None
                    }
                    _ => Some((p.clone(), modified, len)),
                }
            })
            .collect();
        // Each read, hashed and (when its text changed) validated at once: no file's text
        // is kept longer than that.
        let (files, held) = (&self.files, &self.held_bodies);
        let read: Vec<Refreshed> = stale
            .into_par_iter()
            .map(|(p, modified, len)| {
                let outcome = match crate::load::read_source(root, &content_dir, &p) {
                    Err(d) => Err(d),
                    Ok(file) => {
                        let text_hash = hash_of(&*file.text);
                        let known = files.get(&p);
                        let same = known.is_some_and(|s| {
                            s.text_hash == text_hash
                                && s.validated_with(config_hash)
                                && attachments_unchanged(s, &content_dir)
                        });
                        let known = known
                            .and_then(Source::reply)
                            .map_or(&[][..], |r| &r.attachments);
                        Ok((!same).then(|| {
                            let mut s =
                                process(&file, &p, &content_dir, known, config, config_hash);
                            s.shed(held);
                            s
                        }))
                    }
                };
                Refreshed {
                    path: p,
                    modified,
                    len,
                    outcome,
                }
            })
            .collect();
        let mut diags = Vec::new();
        self.failed.clear();
        for r in read {
            match r.outcome {
                // Saved without a change: what was made from it still holds.
                Ok(None) => {
                    if let Some(s) = self.files.get_mut(&r.path) {
                        (s.modified, s.len) = (r.modified, r.len);
                    }
                }
                Ok(Some(mut s)) => {
                    (s.modified, s.len) = (r.modified, r.len);
                    self.files.insert(r.path, s);
                }
                Err(d) => {
                    self.files.remove(&r.path);
                    self.failed.insert(r.path);
                    diags.push(d);
                }
            }
        }
        diags
    }

    /// The rendered body of the reply in `path` (the body held since validation, or read
    /// again), and what the security policy refused in it.
    pub fn rendered(&self, root: &Path, path: &Path) -> Option<(Arc<Rendered>, Vec<Diagnostic>)> {
        let s = self.files.get(path)?;
        let file;
        let body = match s.reply() {
            Some(r) if !r.body.is_empty() => &*r.body,
            _ => {
                file = crate::load::read_source(root, &root.join("content"), path).ok()?;
                file.body_text()
            }
        };
        let attachments = s.reply().map_or(&[][..], |r| &r.attachments);
        let rendered = Arc::new(self.markdown.render_with(body, &|href| {
            crate::attachments::link_target(attachments, href).map(str::to_string)
        }));
        let problems = match s.reply() {
            Some(r) => body_problems(r, body, &rendered),
            None => Vec::new(),
        };
        Some((rendered, problems))
    }

    /// Front-matter problems, in path order (a body's are found when its page is rendered):
    /// of the files in error (`left_out == false`), or, as warnings, of the incomplete
    /// drafts a build without `--drafts` leaves out (`left_out == true`).
    pub fn problems(&self, drafts: bool, left_out: bool) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for p in &self.paths {
            let Some(s) = self.files.get(p) else {
                continue;
            };
            if let Some((_, Err(d))) = s.validated.as_ref() {
                match (left_out, s.incomplete_draft && !drafts) {
                    (false, false) => out.extend(d.iter().cloned()),
                    (true, true) => out.extend(crate::validate::as_draft_warnings(d)),
                    _ => {}
                }
            }
        }
        out
    }

    /// Holds no more bodies from now on: every body is read again to render it (`dafu
    /// serve`, which renders a site's pages once and then only the edited ones).
    pub fn hold_no_bodies(&self) {
        self.held_bodies
            .store(HELD_BODIES_BYTES, std::sync::atomic::Ordering::Relaxed);
    }

    /// Records the plain text of the body in `path` (found when its page was rendered).
    pub fn set_text(&mut self, path: &Path, text: Text) {
        if let Some(s) = self.files.get_mut(path) {
            s.text = Some(text);
        }
    }
}

/// Whether the files a reply attaches still have the size and time they were hashed with.
fn attachments_unchanged(s: &Source, content_dir: &Path) -> bool {
    let Some(r) = s.reply() else { return true };
    r.attachments.iter().all(|a| {
        std::fs::metadata(content_dir.join(&a.source)).is_ok_and(|m| {
            let t = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or((0, 0), |d| (d.as_secs(), d.subsec_nanos()));
            m.len() == a.size && t == a.modified
        })
    })
}

/// Validates one file read anew (size and time are set by the caller) and finds its
/// attachments; its body is hashed, and rendered when its page is.
fn process(
    file: &SourceFile,
    path: &Path,
    content_dir: &Path,
    known: &[crate::reply::Attachment],
    config: &SiteConfig,
    config_hash: u64,
) -> Source {
    let validated = crate::validate::validate_file(file, config).and_then(|mut r| {
        let problems = crate::attachments::resolve(&mut r, &file.text, path, content_dir, known);
        if problems.is_empty() {
            Ok(r)
        } else {
            Err(problems)
        }
    });
    let validated = validated.map(Arc::new);
    let incomplete_draft = validated.is_err() && crate::validate::marked_draft(file);
    Source {
        incomplete_draft,
        modified: None,
        len: 0,
        text_hash: hash_of(&*file.text),
        text: None,
        validated: Some((config_hash, validated)),
    }
}

/// What the security policy refused in a reply's body, as errors at file:line:column: the
/// page would lose a link or the HTML, so the build stops and says where.
fn body_problems(r: &Reply, markdown: &str, body: &Rendered) -> Vec<Diagnostic> {
    if body.problems.is_empty() {
        return Vec::new();
    }
    // The body placed on its own lines of the file, for a true excerpt and line numbers.
    let first = r.body_line.max(1);
    let source: Arc<str> = Arc::from(format!("{}{}", "\n".repeat(first - 1), markdown));
    body.problems
        .iter()
        .map(|p| {
            Diagnostic::new(&r.source, p.message.clone())
                .at_line_col(&source, first + p.line.saturating_sub(1), p.column)
                .with_help(p.help.clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testing::{site_config as config, site_dir as site};

    fn reply(number: u32, body: &str) -> String {
        crate::testing::reply_file(number as usize, "2023-05-01", body)
    }

    #[test]
    fn only_changed_files_are_worked_on_again() {
        let dir = site(&[("a.md", &reply(1, "甲")), ("b.md", &reply(2, "乙"))]);
        let (root, config) = (dir.path(), config());
        let mut sources = Sources::default();
        assert!(sources.refresh(root, None, &config, 1).is_empty());
        assert_eq!(sources.files.len(), 2);
        let (a, b) = (root.join("content/a.md"), root.join("content/b.md"));
        let before = sources.files[&a].reply().unwrap().clone();
        sources.set_text(&a, Text::Held(PlainText::new("甲")));
        // b changes; a's reply is the very same object afterwards, and its text is kept.
        std::fs::write(&b, reply(2, "乙改")).unwrap();
        let fp = sources.files[&b].reply().unwrap().body_fp;
        sources.refresh(root, Some(&[PathBuf::from("content/b.md")]), &config, 1);
        assert!(Arc::ptr_eq(&before, sources.files[&a].reply().unwrap()));
        let kept = sources.files[&a].text.as_ref().and_then(Text::load);
        assert_eq!(kept, Some(PlainText::new("甲")));
        assert_ne!(sources.files[&b].reply().unwrap().body_fp, fp);
        // Within the bound, the body is held until its page is rendered; beyond, not.
        assert_eq!(&*sources.files[&b].reply().unwrap().body, "乙改\n");
        sources.hold_no_bodies();
        std::fs::write(&b, reply(2, "乙再改")).unwrap();
        sources.refresh(root, Some(&[PathBuf::from("content/b.md")]), &config, 1);
        assert!(
            sources.files[&b].reply().unwrap().body.is_empty(),
            "bodies beyond the bound are not kept"
        );
        // Another configuration: everything is validated again.
        sources.refresh(root, None, &config, 2);
        assert!(!Arc::ptr_eq(&before, sources.files[&a].reply().unwrap()));
    }

    #[test]
    fn a_body_is_read_again_when_its_page_needs_it() {
        let dir = site(&[("a.md", &reply(1, "**正文**"))]);
        let root = dir.path();
        let mut sources = Sources::default();
        sources.hold_no_bodies();
        sources.refresh(root, None, &config(), 1);
        let a = root.join("content/a.md");
        assert!(sources.files[&a].reply().unwrap().body.is_empty());
        let html = sources.rendered(root, &a).unwrap().0.html.clone();
        assert!(html.contains("<strong>正文</strong>"), "{html}");
    }

    #[test]
    fn a_held_body_is_rendered_as_it_was_validated() {
        let dir = site(&[("a.md", &reply(1, "**正文**"))]);
        let root = dir.path();
        let mut sources = Sources::default();
        sources.refresh(root, None, &config(), 1);
        let a = root.join("content/a.md");
        // The file is gone, the body held: its page is what was validated.
        std::fs::remove_file(&a).unwrap();
        let html = sources.rendered(root, &a).unwrap().0.html.clone();
        assert!(html.contains("<strong>正文</strong>"), "{html}");
    }

    #[test]
    fn refused_links_are_errors_of_their_file_at_their_line() {
        let dir = site(&[("a.md", &reply(1, "[x](javascript:alert(1))"))]);
        let mut sources = Sources::default();
        sources.refresh(dir.path(), None, &config(), 1);
        let a = dir.path().join("content/a.md");
        assert!(sources.files[&a].reply().is_some());
        let (_, problems) = sources.rendered(dir.path(), &a).unwrap();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 10);
        assert_eq!(problems[0].file, PathBuf::from("content/a.md"));
    }
}
