//! The pipeline: load → validate → model → render → write, each stage with a cache of its
//! last run. `dafu build`, `dafu check` and `dafu serve` all drive [`Pipeline::run`]; a build
//! is a rebuild with an empty cache (or the cache it saved last time, see [`store`]).
//!
//! - [`sources`] (stages 1–2): content files, read again only when their size or time
//!   changed, validated again only when their text changed; every reply known by its path.
//! - [`site`] (stage 3): the model, patched after a one-file change (`Site::replace`) when
//!   that gives what a fresh build gives, else built afresh;
//! - [`pages`] (stage 4): a page is rendered again only when its fingerprint changed. The
//!   fingerprint is a hash of the page's own template context ([`Renderer::fingerprint`]),
//!   so it covers exactly what the page shows. `dafu serve` keeps the pages in memory;
//!   `dafu build` asks the output folder, whose manifest knows what each file was made from;
//! - [`machine`] (stage 5): feeds, open data and the search index, made after the pages
//!   (serve shows the edited page without waiting for them) and patched after a change of a
//!   few replies.
//! - [`store`]: the build cache `dafu build` keeps on disk between runs.

use crate::plaintext::PlainText;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::diagnostics::Diagnostic;
use crate::hashing::hash_of;
use crate::model::Site;
use crate::output::{DirSink, Files, Packer, Snapshot};
use crate::render::{Job, Renderer};

pub mod machine;
pub mod pages;
pub mod site;
pub mod sources;
pub mod store;

use site::Patch;
use sources::Sources;

/// Where a run's files go.
pub enum Target<'a> {
    /// Kept in memory and returned as a [`Snapshot`] (`dafu serve`, `dafu check`); pages
    /// compressed (see [`crate::output::Packer`]).
    Memory,
    /// Written into a folder; unchanged files are left as they are (`dafu build`).
    Dir(&'a DirSink),
}

/// What a run of the pipeline works on and how: the site folder, the output folder and
/// the build's options (`dafu build`, `dafu check` and `dafu serve` alike).
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `<root>/public`.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Build without the build cache: every page rendered, a fresh cache saved.
    pub no_cache: bool,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            drafts: false,
            no_cache: false,
        }
    }
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// What a run made.
pub struct Built {
    /// Every file, with `Target::Memory`.
    pub snapshot: Option<Snapshot>,
    pub replies: usize,
    pub reply_pages: usize,
    pub index_pages: usize,
    pub other_files: usize,
    /// Pages rendered (the others were unchanged).
    pub rendered: usize,
}

pub struct Pipeline {
    opts: BuildOptions,
    sources: Sources,
    /// The last good site model (stage 3's cache), and the configuration it was made with.
    site: Option<Site>,
    model_config: u64,
    base_path: String,
    /// The last run's pages (stage 4's cache).
    pages: pages::Cache,
    /// How pages and other files are held (`Target::Memory`).
    packer: Packer,
    /// The last good model's replies and their texts, by source path (what the machine-readable
    /// files were made from).
    previous: machine::Previous,
    machine: machine::Machine,
    /// The last run's machine-readable files (`Target::Memory`): shared with the snapshots
    /// handed out.
    served_machine: Arc<Files>,
    report: Report,
    /// Changes since the last good run (the model is the last good one).
    unapplied: Unapplied,
    /// Where the replies' texts go as pages are rendered (`dafu build`: the build cache's
    /// `texts.bin`, so that memory need not hold them).
    texts: store::TextKeeper,
}

/// How many bytes of the replies' texts a pipeline holds in memory beside its texts file:
/// 10,000 replies' texts (about 40 MB) are held; 100,000 are read back as needed.
pub const HELD_TEXTS_BYTES: usize = 64 << 20;

/// Files changed by runs that failed, or everything.
#[derive(Debug, Default)]
struct Unapplied {
    files: std::collections::BTreeSet<PathBuf>,
    everything: bool,
}

/// What a run did: whether it could work on the changed replies alone, and how long each
/// step took.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// How many changed replies were patched into the last model (0: the whole site was
    /// worked through).
    pub replies_patched: usize,
    /// The edited reply's page was served before the other pages were rendered.
    pub edited_page_first: bool,
    /// Feeds, open data and the search index were patched (not made afresh).
    pub outputs_patched: bool,
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

/// How long each step took, as `--timings` prints it: `read 5.3 ms · model 21.1 ms · …`.
pub fn timings_line(
    steps: &[(&'static str, std::time::Duration)],
    cat: &crate::messages::Catalogue,
) -> String {
    let steps: Vec<String> = steps
        .iter()
        .map(|(name, t)| {
            let ms = format!("{:.1}", t.as_secs_f64() * 1000.0);
            cat.get(&crate::msg!("step-time", step = step_name(name), ms = ms))
        })
        .collect();
    let mut line = steps.join(" · ");
    if let Some(mb) = peak_memory_mb() {
        line.push_str(" · ");
        line.push_str(&cat.get(&crate::msg!("peak-memory", mb = mb)));
    }
    line
}

/// The most memory the process has held so far, in megabytes (Linux: `VmHWM`; elsewhere
/// unknown).
pub fn peak_memory_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// A step's name in the reader's language.
fn step_name(step: &str) -> crate::messages::Msg {
    match step {
        "load the build cache" => crate::msg!("step-load-cache"),
        "read and validate" => crate::msg!("step-read"),
        "model" => crate::msg!("step-model"),
        "templates" => crate::msg!("step-templates"),
        "edited page" => crate::msg!("step-edited-page"),
        "fingerprints" => crate::msg!("step-fingerprints"),
        "pages" => crate::msg!("step-pages"),
        "serve pages" => crate::msg!("step-serve-pages"),
        "feeds, open data, search" => crate::msg!("step-machine"),
        "publish" => crate::msg!("step-publish"),
        "save the cache" => crate::msg!("step-save-cache"),
        other => crate::msg!("step-other", step = other),
    }
}

/// The hash of a configuration: every file depends on it.
fn config_hash(config: &crate::config::SiteConfig) -> u64 {
    hash_of(&format!("{config:?}"))
}

impl Pipeline {
    /// A pipeline with empty caches.
    pub fn new(opts: BuildOptions) -> Pipeline {
        Pipeline::with_sources(opts, Sources::default())
    }

    /// A pipeline that knows the content files and the machine-readable files of the last
    /// build from the build cache ([`store::load`]).
    pub fn with_cache(
        opts: BuildOptions,
        files: FxHashMap<PathBuf, sources::Source>,
        machine: Option<machine::State>,
    ) -> Pipeline {
        // The last build's replies: the cache holds only builds that succeeded.
        let previous = files
            .values()
            .filter_map(|s| Some((s.reply()?, s.text.as_ref()?)))
            .filter(|(r, _)| opts.drafts || !r.draft)
            .map(|(r, t)| (r.source.clone(), (r.clone(), t.clone())))
            .collect();
        let mut p = Pipeline::with_sources(opts, Sources::known(files));
        p.previous = previous;
        p.machine = machine
            .map(machine::Machine::with_state)
            .unwrap_or_default();
        p
    }

    /// What the machine-readable files of the last good run were made from.
    pub fn machine_state(&self) -> Option<&machine::State> {
        self.machine.state()
    }

    fn with_sources(opts: BuildOptions, sources: Sources) -> Pipeline {
        Pipeline {
            opts,
            sources,
            site: None,
            model_config: 0,
            base_path: "/".into(),
            pages: pages::Cache::default(),
            packer: Packer::holding_all(),
            previous: FxHashMap::default(),
            machine: machine::Machine::default(),
            served_machine: Arc::default(),
            report: Report::default(),
            unapplied: Unapplied::default(),
            texts: store::TextKeeper::default(),
        }
    }

    /// Holds up to `hold` bytes of files in memory (`Target::Memory`) and spills the rest to
    /// a temporary file.
    pub fn spill_files_beyond(&mut self, hold: usize) {
        self.packer = Packer::spilling(hold);
    }

    /// Compacts the spilled files' temporary file once most of it is pages made again since
    /// (the snapshot being served keeps reading the old file until it is replaced).
    fn compact_spilled_files(&mut self) {
        let in_use = self.pages.blobs().chain(self.machine.files().values());
        if !self.packer.worth_compacting(in_use) {
            return;
        }
        let blobs = self
            .pages
            .blobs_mut()
            .chain(self.machine.files_mut().values_mut());
        if self.packer.compact(blobs) {
            self.served_machine = Arc::new(self.machine.files().clone());
            self.report.step("spill file compacted");
        }
    }

    /// Compacts the spill file of [`Pipeline::spill_files_beyond`] once its dead bytes pass
    /// `bytes` (and its live ones); see `output::COMPACT_BEYOND_BYTES`.
    pub fn compact_spill_beyond(&mut self, bytes: u64) {
        self.packer.compact_beyond(bytes);
    }

    /// Bytes in the spill file of [`Pipeline::spill_files_beyond`], live or dead.
    pub fn spilled_bytes(&self) -> u64 {
        self.packer.spilled_bytes()
    }

    /// Holds no Markdown bodies from validation to rendering (see `sources`): each is read
    /// again when its page is rendered.
    pub fn hold_no_bodies(&self) {
        self.sources.hold_no_bodies();
    }

    /// Appends the texts of the replies whose pages are rendered to `file`, and holds up to
    /// `hold` bytes of them in memory too (usually [`HELD_TEXTS_BYTES`]).
    pub fn keep_texts_in(&mut self, file: Arc<store::TextsFile>, hold: usize) {
        self.texts = store::TextKeeper::new(file, hold);
    }

    /// The warnings of the last good run (see [`Site::warnings`]).
    pub fn warnings(&self) -> &[Diagnostic] {
        self.site.as_ref().map_or(&[], |s| s.warnings.as_slice())
    }

    /// Every content file and what is known of it.
    pub fn sources(&self) -> &FxHashMap<PathBuf, sources::Source> {
        &self.sources.files
    }

    /// The hash of the configuration of the last good run.
    pub fn config_hash(&self) -> u64 {
        self.model_config
    }

    /// The last good site model.
    pub fn site(&self) -> Option<&Site> {
        self.site.as_ref()
    }

    /// What the last run did.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The base path of the last configuration read ("/" before the first good one).
    pub fn base_path(&self) -> String {
        self.base_path.clone()
    }

    /// Builds the site as it is on disk now. `changed` (paths relative to the site folder,
    /// from the file watcher) says which files changed; `None` looks at every file.
    /// `pages_ready` receives the pages (and theme files) as soon as they are rendered, with
    /// the last run's feeds, open data and search index (`Target::Memory` only).
    pub fn run(
        &mut self,
        changed: Option<&[PathBuf]>,
        target: Target<'_>,
        pages_ready: &mut dyn FnMut(Snapshot),
    ) -> Result<Built, Vec<Diagnostic>> {
        // What failed runs did not bring into the model counts as changed now: after a
        // broken save and its fix, the fix is still a one-file change.
        let effective: Option<Vec<PathBuf>> = match (changed, self.unapplied.everything) {
            (Some(files), false) => {
                let mut all = self.unapplied.files.clone();
                all.extend(files.iter().cloned());
                Some(all.into_iter().collect())
            }
            _ => None,
        };
        let result = self.run_changed(changed, effective.as_deref(), target, pages_ready);
        match (&result, changed) {
            (Ok(_), _) => self.unapplied = Unapplied::default(),
            (Err(_), Some(files)) => self.unapplied.files.extend(files.iter().cloned()),
            (Err(_), None) => self.unapplied.everything = true,
        }
        result
    }

    /// `run`, where `effective` is what changed since the last good run.
    fn run_changed(
        &mut self,
        changed: Option<&[PathBuf]>,
        effective: Option<&[PathBuf]>,
        target: Target<'_>,
        pages_ready: &mut dyn FnMut(Snapshot),
    ) -> Result<Built, Vec<Diagnostic>> {
        self.report = Report::start();
        let root = self.opts.root.clone();
        if !root.is_dir() {
            return Err(vec![
                Diagnostic::new(&root, crate::msg!("site-not-found"))
                    .with_help(crate::msg!("site-not-found-help")),
            ]);
        }
        // Stage 1–2: configuration, theme and content, all problems at once.
        let config = crate::config::load(&root, self.opts.base_url.as_deref());
        let (config, mut diags) = match config {
            Ok(c) => (c, Vec::new()),
            Err(e) => {
                // The content is read anyway: its problems are reported with the configuration's.
                let mut diags = e;
                if let Ok(paths) = crate::load::content_paths(&root) {
                    let content_dir = root.join("content");
                    diags.extend(
                        paths
                            .par_iter()
                            .filter_map(|p| crate::load::read_source(&root, &content_dir, p).err())
                            .collect::<Vec<_>>(),
                    );
                }
                return Err(diags);
            }
        };
        let config_hash = config_hash(&config);
        diags.extend(self.sources.refresh(&root, changed, &config, config_hash));
        let theme = crate::theme::load(&root, &config.theme);
        self.report.step("read and validate");
        let theme = match theme {
            Ok(t) => t,
            Err(e) => {
                diags.extend(self.sources.problems(self.opts.drafts, false));
                diags.extend(e);
                return Err(diags);
            }
        };

        // Stage 3: the model, patched for a one-file change or built afresh.
        let input = site::Input {
            sources: &self.sources,
            root: &self.opts.root,
            drafts: self.opts.drafts,
            changed: effective,
            config,
            config_hash,
            last_config: self.model_config,
            diags,
        };
        let (site, patch) = site::stage(&mut self.site, input)?;
        self.report.replies_patched = patch.as_ref().map_or(0, |p| p.replies);
        self.report.step("model");
        self.base_path = site.config.base_path();
        self.model_config = config_hash;

        // Stage 4–5: pages, then feeds, open data and the search index.
        let result = self.pages_and_outputs(&site, &theme, patch.as_ref(), &target, pages_ready);
        if result.is_err() {
            // The machine-readable files were not brought up to the new model: made afresh
            // next time.
            self.machine = machine::Machine::default();
        }
        self.site = Some(site);
        if matches!(target, Target::Dir(_)) {
            // Written: only what the next build needs to know stays (bounded memory).
            self.pages.forget_pages();
            self.served_machine = Arc::default();
        } else if result.is_ok() {
            self.compact_spilled_files();
        }
        result
    }

    /// Stage 4, then stage 5 with what stage 4 found.
    fn pages_and_outputs(
        &mut self,
        site: &Site,
        theme: &crate::theme::Theme,
        patch: Option<&Patch>,
        target: &Target<'_>,
        pages_ready: &mut dyn FnMut(Snapshot),
    ) -> Result<Built, Vec<Diagnostic>> {
        let input = pages::Input {
            site,
            theme,
            patch,
            target,
            sources: &self.sources,
            root: &self.opts.root,
            no_cache: self.opts.no_cache,
            packer: &self.packer,
            texts: &self.texts,
        };
        // The edited page is served with the last run's other files.
        let (machine_files, attachments) =
            (self.served_machine.clone(), self.pages.attachments.clone());
        let base_path = self.base_path.clone();
        let mut early = |files: Arc<Files>| {
            pages_ready(Snapshot {
                files,
                machine: machine_files.clone(),
                attachments: attachments.clone(),
                base_path: base_path.clone(),
            })
        };
        let out = pages::stage(&mut self.pages, input, &mut self.report, &mut early)?;
        for (source, text) in out.texts {
            self.sources.set_text(&source, text);
        }
        let mut built = Built {
            snapshot: None,
            replies: site.entries.len(),
            reply_pages: site.entries.len(),
            index_pages: out.jobs.len() - site.entries.len(),
            other_files: theme.files.len(),
            rendered: out.rendered,
        };
        built.snapshot = self.finish(
            &out.renderer,
            site,
            &out.jobs,
            out.files,
            target,
            pages_ready,
        )?;
        Ok(built)
    }

    /// Pages to serve at once, with the last run's feeds, open data and search index until
    /// the new ones are ready.
    fn snapshot(&self, pages: Arc<Files>) -> Snapshot {
        Snapshot {
            files: pages,
            machine: self.served_machine.clone(),
            attachments: self.pages.attachments.clone(),
            base_path: self.base_path.clone(),
        }
    }

    /// Every entry's body text, made for those that have none yet (their pages were not
    /// rendered in this build, and the build cache did not know them).
    fn fill_texts(&mut self, site: &Site) -> Result<(), Vec<Diagnostic>> {
        if self.sources.files.values().all(|s| s.text.is_some()) {
            return Ok(());
        }
        let missing: Vec<usize> = (0..site.entries.len())
            .filter(|&i| {
                self.source(&site.entries[i].reply.source)
                    .is_some_and(|s| s.text.is_none())
            })
            .collect();
        let (sources, root) = (&self.sources, &self.opts.root);
        let made: Vec<Result<(PathBuf, sources::Text), Vec<Diagnostic>>> = missing
            .par_iter()
            .map(|&i| match pages::body(sources, root, site, i) {
                Some((_, problems)) if !problems.is_empty() => Err(problems),
                Some((body, _)) => Ok((
                    root.join(&site.entries[i].reply.source),
                    self.texts.keep(PlainText::new(&body.text)),
                )),
                None => Err(vec![Diagnostic::new(
                    &site.entries[i].reply.source,
                    crate::msg!("file-reread"),
                )]),
            })
            .collect();
        let mut errors = Vec::new();
        for m in made {
            match m {
                Ok((source, text)) => self.sources.set_text(&source, text),
                Err(d) => errors.extend(d),
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The cached state of the file a reply comes from (`source` is relative to the site).
    fn source(&self, source: &std::path::Path) -> Option<&sources::Source> {
        self.sources.files.get(&self.opts.root.join(source))
    }

    /// Hands the pages over, then makes feeds, open data and the search index.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &mut self,
        renderer: &Renderer<'_>,
        site: &Site,
        jobs: &[Job],
        files: Files,
        target: &Target<'_>,
        pages_ready: &mut dyn FnMut(Snapshot),
    ) -> Result<Option<Snapshot>, Vec<Diagnostic>> {
        self.report.step("pages");
        if matches!(target, Target::Memory) {
            self.pages.served = Arc::new(files);
            pages_ready(self.snapshot(self.pages.served.clone()));
            self.report.step("serve pages");
        }
        self.fill_texts(site)?;
        // Each entry's file looked up once: its text (held, or in the build cache) and the
        // fingerprint of what the machine-readable files show of it.
        let (texts, entry_fp): (Vec<Option<sources::Text>>, Vec<u64>) = site
            .entries
            .iter()
            .map(|e| {
                let s = self.source(&e.reply.source);
                let fp = hash_of(&(
                    s.map_or(0, |s| s.text_hash),
                    &e.reply.source,
                    &e.url,
                    &e.index_code,
                    &e.department_slug,
                    &e.representative_slugs,
                    &e.session_slug,
                    &e.tag_slugs,
                    &e.reply.attachments,
                ));
                (s.and_then(|s| s.text.clone()), fp)
            })
            .unzip();
        // A text the cache no longer holds as stored is made again from its file.
        let (sources, root) = (&self.sources, &self.opts.root);
        let remade = std::sync::Mutex::new(Vec::new());
        let get = |i: usize| -> PlainText {
            if let Some(t) = texts[i].as_ref().and_then(sources::Text::load) {
                return t;
            }
            let path = root.join(&site.entries[i].reply.source);
            let text = sources
                .rendered(root, &path)
                .map(|(body, _)| PlainText::new(&body.text));
            if let Ok(mut r) = remade.lock() {
                r.push((path, text.clone()));
            }
            text.unwrap_or_default()
        };
        let utf8_len = texts.iter().flatten().map(sources::Text::utf8_len).sum();
        let sitemap_urls = renderer.sitemap_urls(jobs);
        let inputs = machine::Inputs {
            site,
            texts: crate::plaintext::Texts::Lazy {
                get: &get,
                utf8_len,
            },
            entry_fp: &entry_fp,
            sitemap_urls: &sitemap_urls,
            config: self.model_config,
            previous: &self.previous,
        };
        let outputs = self.machine.update(&inputs, target, &self.packer);
        self.report.outputs_patched = outputs.map_err(|e| {
            let folder = match target {
                Target::Dir(sink) => sink.root.clone(),
                Target::Memory => self.opts.root.clone(),
            };
            vec![Diagnostic::new(
                &folder,
                crate::msg!("write-outputs-failed", error = e.to_string()),
            )]
        })?;
        let mut unreadable = Vec::new();
        for (path, text) in remade.into_inner().unwrap_or_default() {
            match text {
                Some(t) => {
                    let t = self.texts.keep(t);
                    self.sources.set_text(&path, t)
                }
                None => unreadable.push(Diagnostic::new(&path, crate::msg!("file-reread"))),
            }
        }
        if !unreadable.is_empty() {
            self.machine = machine::Machine::default();
            return Err(unreadable);
        }
        if matches!(target, Target::Memory) {
            self.served_machine = Arc::new(self.machine.files().clone());
        }
        self.report.step("feeds, open data, search");
        // What the next run's machine-readable files are patched from.
        self.previous = site
            .entries
            .iter()
            .zip(texts)
            .filter_map(|(e, t)| Some((e.reply.source.clone(), (e.reply.clone(), t?))))
            .collect();
        Ok(matches!(target, Target::Memory).then(|| self.snapshot(self.pages.served.clone())))
    }
}

#[cfg(test)]
mod tests;
