//! Stage 4, pages: every page whose fingerprint changed is rendered (in parallel) and
//! written into the output folder or held, with the reply's body read and rendered when its
//! page is; the rest are kept from the last run (in memory), left in the output folder or
//! linked from the live output. In `dafu serve`, after a one-reply change the edited page is
//! served before the other pages' fingerprints are worked out, and after a body-only edit it
//! is the only page rendered. The attachments and the theme's files are published here too.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::{BodyText, Built, Page, Patch, Pipeline, Planned, Produced, Target, templates_hash};
use crate::diagnostics::Diagnostic;
use crate::markdown::Rendered;
use crate::model::Site;
use crate::output::{Files, Sink, Snapshot};
use crate::plaintext::PlainText;
use crate::render::{Job, Renderer, url_path};

impl Pipeline {
    /// The rendered body of entry `i` and what the policy refused in it (kept, or read and
    /// rendered again).
    pub(super) fn body(&self, site: &Site, i: usize) -> Option<(Arc<Rendered>, Vec<Diagnostic>)> {
        let e = site.entries.get(i)?;
        self.sources
            .rendered(&self.opts.root, &self.opts.root.join(&e.reply.source))
    }

    /// Renders one page, with the body a reply page needs; for a reply page also its
    /// body's plain text, and the policy's refusals in it (errors: the page is not made).
    pub(super) fn render_job(
        &self,
        renderer: &Renderer<'_>,
        site: &Site,
        job: Job,
    ) -> Result<(Page, Option<BodyText>), Vec<Diagnostic>> {
        let (body, text) = match job {
            Job::Reply(i) => match self.body(site, i) {
                Some((_, problems)) if !problems.is_empty() => return Err(problems),
                Some((body, _)) => {
                    // Text comes from the body alone: a known one still holds.
                    let source = self.opts.root.join(&site.entries[i].reply.source);
                    let known = self
                        .sources
                        .files
                        .get(&source)
                        .is_some_and(|s| s.text.is_some());
                    let text = (!known).then(|| BodyText {
                        source,
                        text: self.texts.keep(PlainText::new(&body.text)),
                    });
                    (Some(body), text)
                }
                None => (None, None),
            },
            _ => (None, None),
        };
        let page = renderer.render_job(job, body).map_err(|d| vec![d])?;
        Ok((page, text))
    }

    /// Every entry's body text, made for those that have none yet (their pages were not
    /// rendered in this build, and the build cache did not know them).
    pub(super) fn fill_texts(&mut self, site: &Site) -> Result<(), Vec<Diagnostic>> {
        if self.sources.files.values().all(|s| s.text.is_some()) {
            return Ok(());
        }
        let missing: Vec<usize> = (0..site.entries.len())
            .filter(|&i| {
                self.source(&site.entries[i].reply.source)
                    .is_some_and(|s| s.text.is_none())
            })
            .collect();
        let made: Vec<Result<BodyText, Vec<Diagnostic>>> = missing
            .par_iter()
            .map(|&i| match self.body(site, i) {
                Some((_, problems)) if !problems.is_empty() => Err(problems),
                Some((body, _)) => Ok(BodyText {
                    source: self.opts.root.join(&site.entries[i].reply.source),
                    text: self.texts.keep(PlainText::new(&body.text)),
                }),
                None => Err(vec![Diagnostic::new(
                    &site.entries[i].reply.source,
                    crate::msg!("file-reread"),
                )]),
            })
            .collect();
        let mut errors = Vec::new();
        for m in made {
            match m {
                Ok(t) => self.sources.set_text(&t.source, t.text),
                Err(d) => errors.extend(d),
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Renders the pages whose fingerprint changed, then the machine-readable files.
    pub(super) fn render(
        &mut self,
        site: &Site,
        theme: &crate::theme::Theme,
        patch: Option<Patch>,
        target: &Target<'_>,
        pages_ready: &mut dyn FnMut(Snapshot),
    ) -> Result<Built, Vec<Diagnostic>> {
        self.templates = templates_hash(theme);
        let renderer = Renderer::new(site, theme)?;
        self.report.step("templates");
        let jobs = renderer.jobs();
        // A reply changed (`dafu serve`): its page is served first, before the other pages'
        // fingerprints are even worked out: it is the page its editor is looking at.
        let mut early = None;
        if let Some(i) = patch.as_ref().and_then(|p| p.moved.inserted)
            && !self.served.is_empty()
            && matches!(target, Target::Memory)
        {
            let ((path, html), text) = self.render_job(&renderer, site, Job::Reply(i))?;
            if let Some(t) = text {
                self.sources.set_text(&t.source, t.text);
            }
            let bytes = self.packer.pack(&path, &html);
            let mut files = Files::clone(&self.served);
            files.insert(Arc::from(path.as_str()), bytes.clone());
            self.report.step("edited page");
            pages_ready(self.snapshot(Arc::new(files)));
            self.report.edited_page_first = true;
            early = Some((path, bytes));
        }
        // Reused: the bytes kept in memory, or the file already in the output folder.
        let planned: Vec<Planned> = jobs
            .par_iter()
            .map(|&job| {
                let path = url_path(&renderer.job_url(job));
                let fp = renderer.fingerprint(job);
                let kept = match &early {
                    Some((p, bytes)) if *p == path => Some(bytes.clone()),
                    _ => self
                        .pages
                        .get(&path)
                        .filter(|(f, _)| *f == fp)
                        .map(|(_, b)| b.clone()),
                };
                // In the folder as it was made, or the same in the live output (then linked
                // from there); `--no-cache` renders every page.
                let in_place = match target {
                    Target::Dir(sink) => {
                        sink.keep(&path, fp)
                            || (!self.opts.no_cache && sink.link_from_live(&path, fp))
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
        self.report.step("fingerprints");
        let todo = planned
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
                let ((path, html), text) = self.render_job(&renderer, site, job)?;
                if let Target::Dir(sink) = target {
                    sink.write_keyed(&path, &html, fp).map_err(|e| {
                        vec![Diagnostic::new(
                            &path,
                            crate::msg!("write-failed", error = e.to_string()),
                        )]
                    })?;
                    return Ok((path, fp, None, text));
                }
                let bytes = self.packer.pack(&path, &html);
                Ok((path, fp, Some(bytes), text))
            })
            .collect();
        let mut errors = Vec::new();
        let mut pages = HashMap::with_capacity(results.len());
        let mut files = Files::new();
        for r in results {
            match r {
                Ok((path, fp, bytes, text)) => {
                    if let Some(t) = text {
                        self.sources.set_text(&t.source, t.text);
                    }
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
        self.pages = pages;
        self.publish_attachments(site, target)?;
        for (rel, bytes) in &theme.files {
            match target {
                Target::Dir(sink) => sink.write(rel, bytes).map_err(|e| {
                    vec![Diagnostic::new(
                        rel,
                        crate::msg!("write-failed", error = e.to_string()),
                    )]
                })?,
                Target::Memory => {
                    files.insert(Arc::from(rel.as_str()), self.packer.pack(rel, bytes));
                }
            }
        }
        let mut built = Built {
            snapshot: None,
            replies: site.entries.len(),
            reply_pages: site.entries.len(),
            index_pages: jobs.len() - site.entries.len(),
            other_files: theme.files.len(),
            rendered: todo,
        };
        built.snapshot = self.finish(&renderer, site, &jobs, files, target, pages_ready)?;
        Ok(built)
    }

    /// Whether the last run can be reused but for one reply page.
    pub(super) fn can_render_one(&self, theme: &crate::theme::Theme) -> bool {
        !self.served.is_empty() && self.templates == templates_hash(theme)
    }

    /// Only a reply's body changed: its page is the only page that shows it, so only that
    /// page is rendered; every other page is the last run's.
    pub(super) fn render_one(
        &mut self,
        site: &Site,
        theme: &crate::theme::Theme,
        patch: Option<Patch>,
        pages_ready: &mut dyn FnMut(Snapshot),
    ) -> Result<Built, Vec<Diagnostic>> {
        let i = patch.as_ref().and_then(|p| p.moved.inserted).unwrap_or(0);
        // Rendering needs no fingerprints: none are worked out.
        let renderer = Renderer::new(site, theme)?;
        let ((path, html), text) = self.render_job(&renderer, site, Job::Reply(i))?;
        if let Some(t) = text {
            self.sources.set_text(&t.source, t.text);
        }
        let bytes = self.packer.pack(&path, &html);
        // Its fingerprint is not known: the next run that fingerprints renders it again.
        self.pages.remove(&path);
        let mut files = Arc::unwrap_or_clone(std::mem::take(&mut self.served));
        files.insert(Arc::from(path.as_str()), bytes);
        self.publish_attachments(site, &Target::Memory)?;
        let jobs = renderer.jobs();
        let snapshot = self.finish(&renderer, site, &jobs, files, &Target::Memory, pages_ready)?;
        Ok(Built {
            snapshot,
            replies: site.entries.len(),
            reply_pages: site.entries.len(),
            index_pages: jobs.len() - site.entries.len(),
            other_files: theme.files.len(),
            rendered: 1,
        })
    }

    /// Pages to serve at once, with the last run's feeds, open data and search index until
    /// the new ones are ready.
    pub(super) fn snapshot(&self, pages: Arc<Files>) -> Snapshot {
        Snapshot {
            files: pages,
            machine: self.served_machine.clone(),
            attachments: self.attachments.clone(),
            base_path: self.base_path.clone(),
        }
    }

    /// Publishes every reply's attachments beside its page: into the output folder (a file
    /// already there from the same bytes is not copied again), or, in memory, as a map to
    /// the files themselves.
    pub(super) fn publish_attachments(
        &mut self,
        site: &Site,
        target: &Target<'_>,
    ) -> Result<(), Vec<Diagnostic>> {
        let content = self.opts.root.join("content");
        let mut map = crate::output::Attachments::new();
        for e in &site.entries {
            for a in &e.reply.attachments {
                let rel = format!("{}{}", e.url, a.published);
                let from = content.join(&a.source);
                if let Target::Dir(sink) = target
                    && !sink.keep(&rel, a.hash)
                    && !sink.link_from_live(&rel, a.hash)
                {
                    let copied = std::fs::read(&from)
                        .and_then(|bytes| sink.write_keyed(&rel, &bytes, a.hash));
                    if let Err(e) = copied {
                        return Err(vec![Diagnostic::new(
                            &from,
                            crate::msg!("write-failed", error = e.to_string()),
                        )]);
                    }
                }
                map.insert(rel, from);
            }
        }
        self.attachments = Arc::new(map);
        Ok(())
    }
}
