//! Stage 4 with its cache, pages: every page whose fingerprint changed is rendered (in
//! parallel) and written into the output folder or held, with a reply's body read and
//! rendered when its page is; the rest are kept from the last run (in memory), left in the
//! output folder or linked from the live output. In `dafu serve`, after a one-reply change
//! the edited page is handed over before the other pages' fingerprints are worked out, and
//! after a body-only edit it is the only page rendered. The attachments and the theme's files
//! are published here too.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::site::Patch;
use super::sources::{Sources, Text};
use super::store::TextKeeper;
use super::{Report, Target};
use crate::diagnostics::Diagnostic;
use crate::hashing::hash_of;
use crate::markdown::Rendered;
use crate::model::Site;
use crate::output::{Attachments, Blob, Files, Packer, Sink};
use crate::plaintext::PlainText;
use crate::render::{Job, Renderer, url_path};
use crate::theme::Theme;

/// What the last run's pages were (`Target::Memory`: the pages themselves).
#[derive(Default)]
pub struct Cache {
    /// Output path → fingerprint and bytes of every page.
    pages: HashMap<String, (u64, Blob)>,
    /// The pages and theme files handed out last (shared with the snapshots served).
    pub served: Arc<Files>,
    /// Where each published attachment comes from.
    pub attachments: Arc<Attachments>,
    /// The hash of the templates and theme files the pages were made with.
    templates: u64,
}

impl Cache {
    /// Forgets the pages (after a build wrote them: bounded memory).
    pub fn forget_pages(&mut self) {
        self.pages.clear();
        self.served = Arc::default();
    }

    /// Every blob it holds.
    pub fn blobs(&self) -> impl Iterator<Item = &Blob> {
        self.served
            .values()
            .chain(self.pages.values().map(|(_, b)| b))
    }

    /// The same, to move (the served map is copied first when a snapshot shares it).
    pub fn blobs_mut(&mut self) -> impl Iterator<Item = &mut Blob> {
        let served = Arc::make_mut(&mut self.served);
        served
            .values_mut()
            .chain(self.pages.values_mut().map(|(_, b)| b))
    }
}

/// What the pages are made from (`'s`: what the rendered pages borrow).
pub struct Input<'a, 's> {
    pub site: &'s Site,
    pub theme: &'s Theme,
    /// How the model was patched, when it was.
    pub patch: Option<&'a Patch>,
    pub target: &'a Target<'a>,
    pub sources: &'a Sources,
    pub root: &'a Path,
    /// `--no-cache`: every page is rendered.
    pub no_cache: bool,
    /// How files are held (`Target::Memory`).
    pub packer: &'a Packer,
    /// Where the texts found while rendering go.
    pub texts: &'a TextKeeper,
}

/// The pages made.
pub struct Output<'a> {
    pub renderer: Renderer<'a>,
    pub jobs: Vec<Job>,
    /// Pages and theme files (`Target::Memory`; written ones are not held).
    pub files: Files,
    /// The texts of the replies whose pages were rendered and whose text was not known.
    pub texts: Vec<FoundText>,
    /// Pages rendered (the others were unchanged).
    pub rendered: usize,
}

/// A page to produce: output path, fingerprint, the last run's bytes if still good (in
/// memory), and whether the output folder already holds it.
struct Planned {
    path: String,
    fp: u64,
    kept: Option<Blob>,
    in_place: bool,
}

/// A reply's text found when its page was rendered: its file (absolute), the text.
type FoundText = (PathBuf, Text);

/// A page produced: output path, fingerprint, its bytes when kept in memory, and for a reply
/// page its body's text.
type Produced = (String, u64, Option<Blob>, Option<FoundText>);

/// A rendered page: output path, HTML.
type Page = (String, Vec<u8>);

fn templates_hash(theme: &Theme) -> u64 {
    hash_of(&(theme.template_texts(), &theme.files))
}

/// Stage 4: the pages of `input.site`. `early` receives the edited page with the last run's
/// other pages as soon as it is rendered (`dafu serve`, after a one-reply change).
pub fn stage<'s>(
    cache: &mut Cache,
    input: Input<'_, 's>,
    report: &mut Report,
    early: &mut dyn FnMut(Arc<Files>),
) -> Result<Output<'s>, Vec<Diagnostic>> {
    let renderer = Renderer::new(input.site, input.theme)?;
    report.step("templates");
    let templates = templates_hash(input.theme);
    let memory = matches!(input.target, Target::Memory);
    let out = match input.patch {
        // Only a reply's body changed: its page is the only page that shows it.
        Some(p)
            if p.body_only
                && memory
                && !cache.served.is_empty()
                && cache.templates == templates =>
        {
            one_page(cache, &input, renderer, p.moved.inserted.unwrap_or(0))
        }
        _ => every_page(cache, &input, renderer, report, early),
    }?;
    cache.templates = templates;
    publish_attachments(cache, input.site, input.root, input.target)?;
    Ok(out)
}

/// Renders the pages whose fingerprint changed, and publishes the theme's files.
fn every_page<'s>(
    cache: &mut Cache,
    input: &Input<'_, 's>,
    renderer: Renderer<'s>,
    report: &mut Report,
    early: &mut dyn FnMut(Arc<Files>),
) -> Result<Output<'s>, Vec<Diagnostic>> {
    let target = input.target;
    let jobs = renderer.jobs();
    // A reply changed (`dafu serve`): its page is handed over first, before the other
    // pages' fingerprints are even worked out: it is the page its editor is looking at.
    let mut first = None;
    let mut texts = Vec::new();
    if let Some(i) = input.patch.and_then(|p| p.moved.inserted)
        && !cache.served.is_empty()
        && matches!(target, Target::Memory)
    {
        let ((path, html), text) = render_job(input, &renderer, Job::Reply(i))?;
        texts.extend(text);
        let bytes = input.packer.pack(&path, &html);
        let mut files = Files::clone(&cache.served);
        files.insert(Arc::from(path.as_str()), bytes.clone());
        report.step("edited page");
        early(Arc::new(files));
        report.edited_page_first = true;
        first = Some((path, bytes));
    }
    // Reused: the bytes kept in memory, or the file already in the output folder.
    let planned: Vec<Planned> = jobs
        .par_iter()
        .map(|&job| {
            let path = url_path(&renderer.job_url(job));
            let fp = renderer.fingerprint(job);
            let kept = match &first {
                Some((p, bytes)) if *p == path => Some(bytes.clone()),
                _ => cache
                    .pages
                    .get(&path)
                    .filter(|(f, _)| *f == fp)
                    .map(|(_, b)| b.clone()),
            };
            // In the folder as it was made, or the same in the live output (then linked
            // from there); `--no-cache` renders every page.
            let in_place = match target {
                Target::Dir(sink) => {
                    sink.keep(&path, fp) || (!input.no_cache && sink.link_from_live(&path, fp))
                }
                Target::Memory => false,
            };
            Planned {
                path,
                fp,
                kept,
                in_place,
            }
        })
        .collect();
    report.step("fingerprints");
    let rendered = planned
        .iter()
        .filter(|p| p.kept.is_none() && !p.in_place)
        .count();
    let results: Vec<Result<Produced, Vec<Diagnostic>>> = jobs
        .par_iter()
        .zip(planned.into_par_iter())
        .map(|(&job, p)| {
            let Planned {
                path,
                fp,
                kept,
                in_place,
            } = p;
            if in_place {
                return Ok((path, fp, None, None));
            }
            if let Some(bytes) = kept {
                return Ok((path, fp, Some(bytes), None));
            }
            let ((path, html), text) = render_job(input, &renderer, job)?;
            if let Target::Dir(sink) = target {
                sink.write_keyed(&path, &html, fp)
                    .map_err(|e| write_failed(&path, &e))?;
                return Ok((path, fp, None, text));
            }
            let bytes = input.packer.pack(&path, &html);
            Ok((path, fp, Some(bytes), text))
        })
        .collect();
    let mut errors = Vec::new();
    let mut pages = HashMap::with_capacity(results.len());
    let mut files = Files::new();
    for r in results {
        match r {
            Ok((path, fp, bytes, text)) => {
                texts.extend(text);
                if let Some(bytes) = bytes {
                    files.insert(Arc::from(path.as_str()), bytes.clone());
                    pages.insert(path, (fp, bytes));
                }
            }
            Err(d) => errors.extend(d),
        }
    }
    if !errors.is_empty() {
        // One report per distinct template problem, not one per page.
        errors.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.message.id).cmp(&(
                &b.file,
                b.line,
                b.column,
                b.message.id,
            ))
        });
        errors.dedup_by(|a, b| {
            (&a.file, a.line, a.column, &a.message) == (&b.file, b.line, b.column, &b.message)
        });
        return Err(errors);
    }
    cache.pages = pages;
    for (rel, bytes) in &input.theme.files {
        match target {
            Target::Dir(sink) => sink.write(rel, bytes).map_err(|e| write_failed(rel, &e))?,
            Target::Memory => {
                files.insert(Arc::from(rel.as_str()), input.packer.pack(rel, bytes));
            }
        }
    }
    Ok(Output {
        renderer,
        jobs,
        files,
        texts,
        rendered,
    })
}

/// Only reply `i`'s body changed: its page is rendered; every other page is the last run's.
fn one_page<'s>(
    cache: &mut Cache,
    input: &Input<'_, 's>,
    renderer: Renderer<'s>,
    i: usize,
) -> Result<Output<'s>, Vec<Diagnostic>> {
    // Rendering needs no fingerprints: none are worked out.
    let ((path, html), text) = render_job(input, &renderer, Job::Reply(i))?;
    let bytes = input.packer.pack(&path, &html);
    // Its fingerprint is not known: the next run that fingerprints renders it again.
    cache.pages.remove(&path);
    let mut files = Arc::unwrap_or_clone(std::mem::take(&mut cache.served));
    files.insert(Arc::from(path.as_str()), bytes);
    let jobs = renderer.jobs();
    Ok(Output {
        renderer,
        jobs,
        files,
        texts: text.into_iter().collect(),
        rendered: 1,
    })
}

fn write_failed(path: impl AsRef<Path>, e: &std::io::Error) -> Vec<Diagnostic> {
    vec![Diagnostic::new(
        path.as_ref(),
        crate::msg!("write-failed", error = e.to_string()),
    )]
}

/// The rendered body of entry `i` and what the policy refused in it (held, or read and
/// rendered again).
pub fn body(
    sources: &Sources,
    root: &Path,
    site: &Site,
    i: usize,
) -> Option<(Arc<Rendered>, Vec<Diagnostic>)> {
    let e = site.entries.get(i)?;
    sources.rendered(root, &root.join(&e.reply.source))
}

/// Renders one page, with the body a reply page needs; for a reply page also its body's
/// plain text when it was not known, and the policy's refusals in it (errors: the page is
/// not made).
fn render_job(
    input: &Input<'_, '_>,
    renderer: &Renderer<'_>,
    job: Job,
) -> Result<(Page, Option<FoundText>), Vec<Diagnostic>> {
    let (body, text) = match job {
        Job::Reply(i) => match body(input.sources, input.root, input.site, i) {
            Some((_, problems)) if !problems.is_empty() => return Err(problems),
            Some((body, _)) => {
                // Text comes from the body alone: a known one still holds.
                let source = input.root.join(&input.site.entries[i].reply.source);
                let known = (input.sources.files.get(&source)).is_some_and(|s| s.text.is_some());
                let text = (!known).then(|| (source, input.texts.keep(PlainText::new(&body.text))));
                (Some(body), text)
            }
            None => (None, None),
        },
        _ => (None, None),
    };
    let page = renderer.render_job(job, body).map_err(|d| vec![d])?;
    Ok((page, text))
}

/// Publishes every reply's attachments beside its page: into the output folder (a file
/// already there from the same bytes is not copied again), or, in memory, as a map to the
/// files themselves.
fn publish_attachments(
    cache: &mut Cache,
    site: &Site,
    root: &Path,
    target: &Target<'_>,
) -> Result<(), Vec<Diagnostic>> {
    let content = root.join("content");
    let mut map = Attachments::new();
    for e in &site.entries {
        for a in &e.reply.attachments {
            let rel = format!("{}{}", e.url, a.published);
            let from = content.join(&a.source);
            if let Target::Dir(sink) = target
                && !sink.keep(&rel, a.hash)
                && !sink.link_from_live(&rel, a.hash)
            {
                let copied =
                    std::fs::read(&from).and_then(|bytes| sink.write_keyed(&rel, &bytes, a.hash));
                if let Err(e) = copied {
                    return Err(write_failed(&from, &e));
                }
            }
            map.insert(rel, from);
        }
    }
    cache.attachments = Arc::new(map);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Replaced;
    use crate::testing::{reply_file, site_config, site_dir, write};

    /// A run renders every page; a second run with the same model renders none and gives the
    /// same files; after a body-only edit the edited page alone is rendered (nothing else is
    /// looked at, so nothing is handed over early) and every other file is the last run's.
    #[test]
    fn only_changed_pages_are_rendered() {
        let dir = site_dir(&[
            ("a.md", &reply_file(1, "2023-05-01", "**甲**")),
            ("b.md", &reply_file(2, "2023-06-01", "乙")),
        ]);
        let root = dir.path();
        let config = site_config();
        let mut sources = Sources::default();
        assert!(sources.refresh(root, None, &config, 1).is_empty());
        let replies: Vec<_> = sources
            .files
            .values()
            .filter_map(|s| s.reply().cloned())
            .collect();
        let site = crate::model::build_site(config.clone(), replies).unwrap();
        let theme = crate::theme::load(root, &config.theme).unwrap();
        let (packer, texts) = (Packer::holding_all(), TextKeeper::default());
        let mut cache = Cache::default();
        let run = |cache: &mut Cache, sources: &Sources, site: &Site, patch: Option<&Patch>| {
            let input = Input {
                site,
                theme: &theme,
                patch,
                target: &Target::Memory,
                sources,
                root,
                no_cache: false,
                packer: &packer,
                texts: &texts,
            };
            let mut handed = 0;
            let out = stage(cache, input, &mut Report::default(), &mut |_| handed += 1).unwrap();
            // As the pipeline does once the machine-readable files are made.
            cache.served = Arc::new(out.files.clone());
            (out.rendered, out.files, out.texts.len(), handed)
        };
        let (rendered, first, found, _) = run(&mut cache, &sources, &site, None);
        assert_eq!(
            rendered,
            first.keys().filter(|p| p.ends_with(".html")).count()
        );
        assert_eq!(found, 2, "both replies' texts found");
        let (rendered, again, _, _) = run(&mut cache, &sources, &site, None);
        assert_eq!(rendered, 0);
        assert!(again == first);

        // a.md's body changes: only its page is rendered, with the new body.
        write(
            root,
            "content/a.md",
            &reply_file(1, "2023-05-01", "**甲改**"),
        );
        let changed = [std::path::PathBuf::from("content/a.md")];
        assert!(sources.refresh(root, Some(&changed), &config, 1).is_empty());
        let mut site = site;
        let i = site
            .entries
            .iter()
            .position(|e| e.reply.number == "1")
            .unwrap();
        site.entries[i].reply = sources.files[&root.join("content/a.md")]
            .reply()
            .unwrap()
            .clone();
        let patch = Patch {
            replies: 1,
            moved: Replaced {
                removed: Some(i),
                inserted: Some(i),
            },
            body_only: true,
        };
        let (rendered, after, _, handed) = run(&mut cache, &sources, &site, Some(&patch));
        assert_eq!((rendered, handed), (1, 0));
        let page = url_path(&site.entries[i].url);
        let html = after[page.as_str()].published(&page).unwrap();
        assert!(String::from_utf8_lossy(&html).contains("甲改"));
        let others = (after.iter()).filter(|(p, b)| ***p != *page && first.get(*p) != Some(b));
        assert_eq!(others.count(), 0, "every other file is the last run's");
    }
}
