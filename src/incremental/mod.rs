//! Rebuilds for `dafu serve`. Each rebuild runs the pipeline of `dafu build` — load,
//! validate, model, render — into memory, so what is served after any sequence of edits is
//! what a fresh build of the same files gives. Caches let it skip work whose inputs did not
//! change:
//!
//! - a content file is read again only when its size or modification time changed, and
//!   validated and rendered to HTML again only when its text changed;
//! - when one file changed, the last site model is patched (`Site::replace`) instead of
//!   built afresh, unless that would not give what a fresh build gives;
//! - a page is rendered again only when its fingerprint changed (`Renderer::job_fingerprint`:
//!   the replies and list entries it shows) or when the configuration or templates changed;
//!   when many pages must be, the edited reply's page is served first;
//! - feeds, open data and the search index follow in a second step, after the pages are
//!   served, so that the edited page reloads without waiting for them; after a one-reply
//!   change only their pieces that the reply touches are made again (`machine`).

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};

use crate::build::BuildOptions;
use crate::diagnostics::Diagnostic;
use crate::load::SourceFile;
use crate::markdown::{MarkdownRenderer, Rendered};
use crate::model::Site;
use crate::output::{Files, Snapshot};
use crate::render::Renderer;
use crate::reply::Reply;

mod machine;

/// What is kept of one content file between rebuilds.
struct CachedFile {
    modified: Option<SystemTime>,
    len: u64,
    file: SourceFile,
    text_hash: u64,
    /// Validation result for the configuration hash it was made with.
    validated: Option<(u64, Result<Reply, Vec<Diagnostic>>)>,
    rendered: Option<Arc<Rendered>>,
}

/// A content file read again: path, modification time, size, and what reading gave.
type ReadResult = (
    PathBuf,
    Option<SystemTime>,
    u64,
    Result<SourceFile, Diagnostic>,
);
/// A page to produce: output path, fingerprint, and the last build's bytes if still good.
type PlannedPage = (String, u64, Option<Arc<[u8]>>);
/// Above this many pages to render after a one-reply change, the edited reply's page is
/// served before the others are rendered.
const EDITED_PAGE_FIRST: usize = 64;

/// A page produced: output path, fingerprint, bytes.
type RenderedPage = (String, u64, Arc<[u8]>);

pub struct Builder {
    opts: BuildOptions,
    base_path: String,
    files: FxHashMap<PathBuf, CachedFile>,
    /// Every content file, sorted.
    paths: Vec<PathBuf>,
    /// Output path → (fingerprint, site-wide hash, bytes) of every page of the last build.
    pages: HashMap<String, (u64, u64, Arc<[u8]>)>,
    markdown: MarkdownRenderer,
    /// Whether content/ has been walked once (after that, watcher events may be trusted).
    scanned: bool,
    /// Files that could not be read last time: looked at again on every rebuild.
    failed: std::collections::HashSet<PathBuf>,
    /// The last site model, and the configuration it was made with.
    site: Option<Site>,
    model_config: u64,
    /// The last build's feeds, open data and search index.
    machine: machine::Machine,
    /// The last build's pages and theme files, and its templates.
    served: Files,
    templates: u64,
    /// By entry of the last site model: rendered bodies, and the fingerprints of each
    /// reply's page content and of its card in lists.
    bodies: Vec<Arc<Rendered>>,
    entry_fp: Vec<u64>,
    card_fp: Vec<u64>,
    /// What the last rebuild did, for `dafu serve --timings`.
    report: Report,
    /// Changes since the last good rebuild (the model is the last good one).
    unapplied: Unapplied,
}

/// Files changed by rebuilds that failed, or everything.
#[derive(Debug, Default)]
struct Unapplied {
    files: std::collections::BTreeSet<PathBuf>,
    everything: bool,
}

/// What a rebuild did: whether it could work on one reply, and how long each step took.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Only one reply's change was worked through (else the whole site).
    pub one_reply: bool,
    /// The edited reply's page was served before the other pages were rendered.
    pub edited_page_first: bool,
    pub steps: Vec<(&'static str, std::time::Duration)>,
    mark: Option<std::time::Instant>,
}

impl Report {
    fn start() -> Report {
        Report {
            mark: Some(std::time::Instant::now()),
            ..Report::default()
        }
    }

    fn step(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        if let Some(mark) = self.mark.replace(now) {
            self.steps.push((name, now - mark));
        }
    }
}

/// How the last site model was brought up to date without building it afresh: one reply
/// was replaced, added or removed, and moved between lists (`Site::replace`).
#[derive(Debug, Clone)]
struct Patch {
    moved: crate::model::Replaced,
    /// Only the body of the reply changed (removed and inserted at the same place).
    body_only: bool,
    /// The search postings of the reply as it was, to take out of the index.
    old_tokens: Option<crate::search::DocTokens>,
}

fn templates_hash(theme: &crate::theme::Theme) -> u64 {
    let mut t: Vec<(&String, &String)> = theme
        .templates
        .values()
        .map(|t| (&t.name, &t.text))
        .collect();
    t.sort();
    let mut files: Vec<(&String, &Vec<u8>)> = theme.files.iter().collect();
    files.sort();
    hash_of(&(t, files))
}

fn hash_of(value: &impl Hash) -> u64 {
    let mut h = FxHasher::default();
    value.hash(&mut h);
    h.finish()
}

impl Builder {
    pub fn new(opts: BuildOptions) -> Builder {
        Builder {
            opts,
            base_path: "/".into(),
            files: FxHashMap::default(),
            paths: Vec::new(),
            pages: HashMap::new(),
            markdown: MarkdownRenderer::new(),
            scanned: false,
            failed: Default::default(),
            site: None,
            model_config: 0,
            machine: machine::Machine::default(),
            served: BTreeMap::new(),
            templates: 0,
            bodies: Vec::new(),
            entry_fp: Vec::new(),
            card_fp: Vec::new(),
            report: Report::default(),
            unapplied: Unapplied::default(),
        }
    }

    /// The warnings of the last good build (see [`Site::warnings`]).
    pub fn warnings(&self) -> &[Diagnostic] {
        self.site.as_ref().map_or(&[], |s| s.warnings.as_slice())
    }

    /// What the last rebuild did.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The base path of the last configuration read ("/" before the first good one).
    pub fn base_path(&self) -> String {
        self.base_path.clone()
    }

    /// Reads content/, reusing files whose size and modification time are unchanged. With
    /// `changed` (paths relative to the site folder, from the file watcher), only those files
    /// are looked at; the others are known from the last rebuild.
    fn load_content(&mut self, changed: Option<&[PathBuf]>) -> Vec<Diagnostic> {
        let root = &self.opts.root;
        let content_dir = root.join("content");
        let candidates: Vec<PathBuf> = match (changed, self.scanned) {
            (Some(changed), true) => {
                // The listing is kept sorted as `content_paths` sorts it (by path components).
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
                changed
                    .iter()
                    .map(|rel| root.join(rel))
                    .chain(self.failed.iter().cloned())
                    .filter(|p| p.is_file())
                    .collect()
            }
            _ => match crate::load::content_paths(root) {
                Ok(p) => {
                    self.paths = p;
                    let keep: std::collections::HashSet<&PathBuf> = self.paths.iter().collect();
                    self.files.retain(|p, _| keep.contains(p));
                    self.paths.clone()
                }
                Err(d) => return vec![d],
            },
        };
        self.scanned = true;
        let stale: Vec<(PathBuf, Option<SystemTime>, u64)> = candidates
            .par_iter()
            .filter_map(|p| {
                let meta = std::fs::metadata(p).ok();
                let modified = meta.as_ref().and_then(|m| m.modified().ok());
                let len = meta.as_ref().map_or(0, |m| m.len());
                match self.files.get(p) {
                    Some(c) if c.modified == modified && c.len == len && modified.is_some() => None,
                    _ => Some((p.clone(), modified, len)),
                }
            })
            .collect();
        let read: Vec<ReadResult> = stale
            .into_par_iter()
            .map(|(p, m, l)| {
                let r = crate::load::read_source(root, &content_dir, &p);
                (p, m, l, r)
            })
            .collect();
        let mut diags = Vec::new();
        self.failed.clear();
        for (p, modified, len, r) in read {
            match r {
                Ok(file) => {
                    let text_hash = hash_of(&file.text);
                    let unchanged = self.files.get(&p).is_some_and(|c| c.text_hash == text_hash);
                    if unchanged {
                        if let Some(c) = self.files.get_mut(&p) {
                            c.modified = modified;
                            c.len = len;
                        }
                    } else {
                        self.files.insert(
                            p,
                            CachedFile {
                                modified,
                                len,
                                file,
                                text_hash,
                                validated: None,
                                rendered: None,
                            },
                        );
                    }
                }
                Err(d) => {
                    self.files.remove(&p);
                    self.failed.insert(p);
                    diags.push(d);
                }
            }
        }
        diags
    }

    /// Builds the site as it is on disk now (`changed`: see `load_content`). `pages_ready` receives the pages (and theme
    /// files) as soon as they are rendered; the returned snapshot adds feeds, open data and
    /// the search index.
    pub fn rebuild(
        &mut self,
        changed: Option<&[PathBuf]>,
        pages_ready: &mut dyn FnMut(Snapshot),
    ) -> Result<Snapshot, Vec<Diagnostic>> {
        // What failed rebuilds did not bring into the model counts as changed now: after a
        // broken save and its fix, the fix is still a one-file change.
        let effective: Option<Vec<PathBuf>> = match (changed, self.unapplied.everything) {
            (Some(files), false) => {
                let mut all = self.unapplied.files.clone();
                all.extend(files.iter().cloned());
                Some(all.into_iter().collect())
            }
            _ => None,
        };
        let result = self.rebuild_changed(changed, effective.as_deref(), pages_ready);
        match (&result, changed) {
            (Ok(_), _) => self.unapplied = Unapplied::default(),
            (Err(_), Some(files)) => self.unapplied.files.extend(files.iter().cloned()),
            (Err(_), None) => self.unapplied.everything = true,
        }
        result
    }

    /// `rebuild`, where `effective` is what changed since the last good rebuild.
    fn rebuild_changed(
        &mut self,
        changed: Option<&[PathBuf]>,
        effective: Option<&[PathBuf]>,
        pages_ready: &mut dyn FnMut(Snapshot),
    ) -> Result<Snapshot, Vec<Diagnostic>> {
        self.report = Report::start();
        let root = self.opts.root.clone();
        if !root.is_dir() {
            return Err(vec![Diagnostic::new(&root, "site folder not found")]);
        }
        let config = crate::config::load(&root, self.opts.base_url.as_deref());
        let mut diags = self.load_content(changed);
        let config = match config {
            Ok(c) => c,
            Err(mut e) => {
                e.append(&mut diags);
                return Err(e);
            }
        };
        let config_hash = hash_of(&format!("{config:?}"));
        let theme = crate::theme::load(&root, &config.theme);
        self.report.step("read");

        // Validate what changed (in parallel), then the cross-file rules over all.
        let todo: Vec<PathBuf> = self
            .files
            .iter()
            .filter(|(_, c)| !matches!(&c.validated, Some((h, _)) if *h == config_hash))
            .map(|(p, _)| p.clone())
            .collect();
        let results: Vec<(PathBuf, Result<Reply, Vec<Diagnostic>>)> = todo
            .par_iter()
            .filter_map(|p| {
                self.files
                    .get(p)
                    .map(|c| (p.clone(), crate::validate::validate_file(&c.file, &config)))
            })
            .collect();
        for (p, r) in results {
            if let Some(c) = self.files.get_mut(&p) {
                c.validated = Some((config_hash, r));
            }
        }
        let theme = match theme {
            Ok(t) => t,
            Err(mut e) => {
                diags.append(&mut e);
                return Err(diags);
            }
        };
        self.report.step("validate");
        // One file changed: patch the last site model instead of building a new one.
        let patched = if diags.is_empty() {
            self.patch_model(effective, config_hash)
        } else {
            None
        };
        let (site, patch) = match patched {
            Some((site, patch)) => (site, Some(patch)),
            None => (self.new_model(config, diags)?, None),
        };
        self.report.one_reply = patch.is_some();
        self.report.step("model");
        self.base_path = site.config.base_path();
        self.model_config = config_hash;
        let result = match patch {
            Some(p) if p.body_only && self.can_render_one(&site, &theme) => {
                self.render_one(&site, &theme, p, pages_ready)
            }
            _ => self.render(&site, &theme, patch, pages_ready),
        };
        if result.is_err() {
            // The machine-readable files were not brought up to the new model: made afresh
            // next time.
            self.machine = machine::Machine::default();
        }
        self.site = Some(site);
        result
    }

    /// The last model brought up to date for one changed file, when that can be done
    /// without building it afresh (`Site::replace` says when not).
    fn patch_model(
        &mut self,
        changed: Option<&[PathBuf]>,
        config_hash: u64,
    ) -> Option<(Site, Patch)> {
        let [one] = changed? else { return None };
        // Any file in error: build afresh, which reports every problem.
        if self.model_config != config_hash
            || self
                .files
                .values()
                .any(|c| !matches!(c.validated, Some((_, Ok(_)))))
        {
            return None;
        }
        let path = self.opts.root.join(one);
        let new = match self.files.get(&path).map(|c| &c.validated) {
            Some(Some((_, Ok(r)))) => Some(r),
            Some(_) => return None,
            None => None,
        };
        let mut site = self.site.take()?;
        let source = new.map_or(one.as_path(), |r| r.source.as_path());
        let removed = site
            .entries
            .iter()
            .position(|e| e.reply.source.as_os_str() == source.as_os_str());
        // Its postings as they were, for the search index to take out.
        let old_tokens = removed
            .filter(|_| site.config.search && self.bodies.len() == site.entries.len())
            .map(|r| crate::search::doc_tokens(&site, r, &self.bodies[r].text));
        // Only the body changed: the model does not depend on bodies.
        if let (Some(new), Some(i)) = (new, removed) {
            let mut same = site.entries[i].reply.clone();
            same.body = new.body.clone();
            if same == *new {
                site.entries[i].reply.body = new.body.clone();
                let moved = crate::model::Replaced {
                    removed: Some(i),
                    inserted: Some(i),
                };
                return Some((
                    site,
                    Patch {
                        moved,
                        body_only: true,
                        old_tokens,
                    },
                ));
            }
        }
        // What `check_duplicates` would report (drafts included): leave it to a full build.
        let duplicate = new.is_some_and(|new| {
            self.files.values().any(|c| match &c.validated {
                Some((_, Ok(r))) if r.source.as_os_str() != new.source.as_os_str() => {
                    r.identity() == new.identity()
                        || (r.index_code.is_some() && r.index_code == new.index_code)
                }
                _ => false,
            })
        });
        let visible = new.filter(|r| self.opts.drafts || !r.draft).cloned();
        if !duplicate && let Some(moved) = site.replace(source, visible) {
            return Some((
                site,
                Patch {
                    moved,
                    body_only: false,
                    old_tokens,
                },
            ));
        }
        self.site = Some(site);
        None
    }

    /// A new site model from every validated reply (and every problem at once).
    fn new_model(
        &mut self,
        config: crate::config::SiteConfig,
        mut diags: Vec<Diagnostic>,
    ) -> Result<Site, Vec<Diagnostic>> {
        let mut replies = Vec::new();
        let mut sources = Vec::new();
        for p in &self.paths {
            let Some(c) = self.files.get(p) else { continue };
            match &c.validated {
                Some((_, Ok(r))) => {
                    replies.push(r.clone());
                    sources.push(c.file.clone());
                }
                Some((_, Err(d))) => diags.extend(d.iter().cloned()),
                None => {}
            }
        }
        diags.extend(crate::validate::check_duplicates(&replies, &sources));
        drop(sources);
        replies.retain(|r| self.opts.drafts || !r.draft);
        if !diags.is_empty() {
            return Err(diags);
        }
        crate::model::build_site(config, replies)
    }

    /// One entry's rendered body (from the file's cache, else rendered and cached) and the
    /// fingerprint of its page content.
    fn entry_data(&self, e: &crate::model::Entry) -> (Arc<Rendered>, u64) {
        // A reply's `source` is its path as shown, relative to the site folder.
        let file = self.files.get(&self.opts.root.join(&e.reply.source));
        let body = file
            .and_then(|c| c.rendered.clone())
            .unwrap_or_else(|| Arc::new(self.markdown.render(&e.reply.body)));
        let fp = hash_of(&(
            file.map_or(0, |c| c.text_hash),
            &e.reply.source,
            &e.url,
            &e.index_code,
            &e.department_slug,
            &e.representative_slugs,
            &e.session_slug,
            &e.tag_slugs,
        ));
        (body, fp)
    }

    /// Brings bodies and fingerprints (by entry) up to date: after a patch, for the one entry
    /// that moved; else for all, bodies rendered again only when the file's text changed.
    fn update_entries(&mut self, site: &Site, patch: Option<&Patch>) {
        let n = site.entries.len();
        if let Some(m) = patch.map(|p| p.moved) {
            let before = n + usize::from(m.removed.is_some()) - usize::from(m.inserted.is_some());
            if [self.bodies.len(), self.entry_fp.len(), self.card_fp.len()] == [before; 3] {
                let (mut body, mut fp, mut card) = (None, None, None);
                if let Some(i) = m.inserted {
                    let e = &site.entries[i];
                    let (b, f) = self.entry_data(e);
                    self.cache_body(e, &b);
                    (body, fp, card) = (Some(b), Some(f), Some(crate::render::card_fingerprint(e)));
                }
                m.apply(&mut self.bodies, body);
                m.apply(&mut self.entry_fp, fp);
                m.apply(&mut self.card_fp, card);
                return;
            }
        }
        let data: Vec<(Arc<Rendered>, u64)> = site
            .entries
            .par_iter()
            .map(|e| self.entry_data(e))
            .collect();
        for (e, (body, _)) in site.entries.iter().zip(&data) {
            self.cache_body(e, body);
        }
        (self.bodies, self.entry_fp) = data.into_iter().unzip();
        self.card_fp = site
            .entries
            .par_iter()
            .map(crate::render::card_fingerprint)
            .collect();
    }

    fn cache_body(&mut self, e: &crate::model::Entry, body: &Arc<Rendered>) {
        if let Some(c) = self.files.get_mut(&self.opts.root.join(&e.reply.source))
            && c.rendered.is_none()
        {
            c.rendered = Some(body.clone());
        }
    }

    /// Renders the pages (reusing unchanged ones), then the machine-readable files.
    fn render(
        &mut self,
        site: &Site,
        theme: &crate::theme::Theme,
        patch: Option<Patch>,
        pages_ready: &mut dyn FnMut(Snapshot),
    ) -> Result<Snapshot, Vec<Diagnostic>> {
        self.update_entries(site, patch.as_ref());
        self.report.step("bodies");
        let entry_fp = &self.entry_fp;
        self.templates = templates_hash(theme);
        let renderer = Renderer::with_bodies(site, theme, self.bodies.clone())?;
        self.report.step("templates");
        // Everything every page depends on: configuration, templates, the browse menu.
        let mut templates: Vec<(&String, &String)> = theme
            .templates
            .values()
            .map(|t| (&t.name, &t.text))
            .collect();
        templates.sort();
        let nav: Vec<(crate::model::Dim, bool)> = site
            .dimensions
            .iter()
            .map(|d| (d.dim, d.terms.is_empty()))
            .collect();
        let global = hash_of(&(self.model_config, templates, nav));

        let jobs = renderer.jobs();
        let card_fp = &self.card_fp;
        let mut planned: Vec<PlannedPage> = jobs
            .par_iter()
            .map(|&job| {
                let url = renderer.job_url(job);
                let path = if url.is_empty() || url.ends_with('/') {
                    format!("{url}index.html")
                } else {
                    url
                };
                let fp = renderer.job_fingerprint(job, entry_fp, card_fp);
                let reuse = self
                    .pages
                    .get(&path)
                    .filter(|(f, g, _)| *f == fp && *g == global)
                    .map(|(_, _, b)| b.clone());
                (path, fp, reuse)
            })
            .collect();
        self.report.step("fingerprints");
        // Many pages to render (a reply moved across long lists): serve the edited reply's
        // page first, which is the page its editor is looking at; the lists follow.
        let todo = planned.iter().filter(|p| p.2.is_none()).count();
        if let Some(i) = patch.as_ref().and_then(|p| p.moved.inserted)
            && todo > EDITED_PAGE_FIRST
            && !self.served.is_empty()
        {
            let (path, html) = renderer
                .render_job(crate::render::Job::Reply(i))
                .map_err(|d| vec![d])?;
            let bytes: Arc<[u8]> = Arc::from(html.into_bytes());
            if let Some(p) = planned.iter_mut().find(|p| p.0 == path) {
                p.2 = Some(bytes.clone());
            }
            let mut early = self.served.clone();
            early.insert(Arc::from(path.as_str()), bytes);
            self.report.step("edited page");
            pages_ready(self.with_last_machine_files(early));
            self.report.edited_page_first = true;
        }
        let rendered: Vec<Result<RenderedPage, Diagnostic>> = jobs
            .par_iter()
            .zip(planned.into_par_iter())
            .map(|(&job, (path, fp, reuse))| match reuse {
                Some(bytes) => Ok((path, fp, bytes)),
                None => renderer
                    .render_job(job)
                    .map(|(p, html)| (p, fp, Arc::from(html.into_bytes()))),
            })
            .collect();
        let mut errors = Vec::new();
        let mut pages = HashMap::with_capacity(rendered.len());
        let mut files = Files::new();
        for r in rendered {
            match r {
                Ok((path, fp, bytes)) => {
                    files.insert(Arc::from(path.as_str()), bytes.clone());
                    pages.insert(path, (fp, global, bytes));
                }
                Err(d) => errors.push(d),
            }
        }
        if !errors.is_empty() {
            errors.sort_by(|a, b| (&a.file, &a.message).cmp(&(&b.file, &b.message)));
            errors.dedup_by(|a, b| a.file == b.file && a.message == b.message);
            return Err(errors);
        }
        self.pages = pages;
        for (rel, bytes) in &theme.files {
            files.insert(Arc::from(rel.as_str()), Arc::from(bytes.as_slice()));
        }
        self.finish(&renderer, &jobs, files, patch, pages_ready)
    }

    /// Whether the last build can be reused but for one reply page.
    fn can_render_one(&self, site: &Site, theme: &crate::theme::Theme) -> bool {
        self.bodies.len() == site.entries.len()
            && self.entry_fp.len() == site.entries.len()
            && !self.served.is_empty()
            && self.templates == templates_hash(theme)
    }

    /// Only a reply's body changed: its page is the only page that shows it, so only that
    /// page is rendered; every other page is the last build's.
    fn render_one(
        &mut self,
        site: &Site,
        theme: &crate::theme::Theme,
        patch: Patch,
        pages_ready: &mut dyn FnMut(Snapshot),
    ) -> Result<Snapshot, Vec<Diagnostic>> {
        let i = patch.moved.inserted.unwrap_or(0);
        let (body, fp) = self.entry_data(&site.entries[i]);
        self.cache_body(&site.entries[i], &body);
        self.bodies[i] = body;
        if let Some(old) = self.entry_fp.get_mut(i) {
            *old = fp;
        }
        let renderer = Renderer::with_bodies(site, theme, self.bodies.clone())?;
        let (path, html) = renderer
            .render_job(crate::render::Job::Reply(i))
            .map_err(|d| vec![d])?;
        // Its fingerprint no longer matches: the next full render redoes it.
        self.pages.remove(&path);
        let mut files = self.served.clone();
        files.insert(Arc::from(path.as_str()), Arc::from(html.into_bytes()));
        let jobs = renderer.jobs();
        self.finish(&renderer, &jobs, files, Some(patch), pages_ready)
    }

    /// Pages to serve at once, with the last build's feeds, open data and search index until
    /// the new ones are ready.
    fn with_last_machine_files(&self, mut pages: Files) -> Snapshot {
        for (rel, bytes) in self.machine.files() {
            pages.entry(rel.clone()).or_insert_with(|| bytes.clone());
        }
        Snapshot {
            files: pages,
            base_path: self.base_path.clone(),
        }
    }

    /// Serves the pages at once, then adds feeds, open data and the search index.
    fn finish(
        &mut self,
        renderer: &Renderer<'_>,
        jobs: &[crate::render::Job],
        mut files: Files,
        patch: Option<Patch>,
        pages_ready: &mut dyn FnMut(Snapshot),
    ) -> Result<Snapshot, Vec<Diagnostic>> {
        self.served = files.clone();
        self.report.step("pages");
        pages_ready(self.with_last_machine_files(files.clone()));
        self.report.step("serve pages");
        let texts = renderer.texts();
        let sitemap_urls = renderer.sitemap_urls(jobs);
        let inputs = machine::Inputs {
            site: renderer.site(),
            texts: &texts,
            entry_fp: &self.entry_fp,
            sitemap_urls: &sitemap_urls,
            config: self.model_config,
        };
        let change = patch.as_ref().map(|p| machine::Change {
            moved: p.moved,
            old_tokens: p.old_tokens.as_ref(),
        });
        for (rel, bytes) in self.machine.update(&inputs, change) {
            files.insert(rel.clone(), bytes.clone());
        }
        self.report.step("feeds, open data, search");
        Ok(Snapshot {
            files,
            base_path: self.base_path.clone(),
        })
    }
}
