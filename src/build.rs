//! `dafu build`: the pipeline from a site folder to a published output folder, with the
//! build cache of the last build.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostic;
use crate::messages::Msg;
use crate::msg;
use crate::output::Staging;
pub use crate::pipeline::BuildOptions;
use crate::pipeline::{Pipeline, Target, store};

/// Counts of what a build made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderStats {
    pub reply_pages: usize,
    pub index_pages: usize,
    pub other_files: usize,
    /// Pages rendered; the others were unchanged since the last build.
    pub rendered: usize,
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub replies: usize,
    pub stats: RenderStats,
    pub elapsed: Duration,
    pub output: PathBuf,
    /// What the build repaired or let pass (see [`crate::model::Site::warnings`]).
    pub warnings: Vec<Diagnostic>,
    /// How long each step took.
    pub steps: Vec<(&'static str, Duration)>,
    /// Feeds, open data and the search index were patched, not made afresh.
    pub outputs_patched: bool,
}

#[derive(Debug)]
pub enum BuildError {
    /// Problems in the site's files: the user fixes these.
    Content(Vec<Diagnostic>),
    /// The build could not write its output.
    Io(Msg),
    /// Stopped by Ctrl+C or SIGTERM; nothing was published.
    Interrupted,
}

/// Builds the site into a staging folder and swaps it in only if everything succeeded.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    build_until(opts, Arc::new(AtomicBool::new(false)))
}

/// [`build`], stopping as soon as `stop` is set (Ctrl+C, SIGTERM): the previous output stays,
/// and the work done is kept for the next build.
///
/// The build runs the pipeline with the build cache of the last build (see
/// [`crate::pipeline::store`]): unchanged files are not read again, and pages whose
/// fingerprint did not change are neither rendered nor written.
pub fn build_until(opts: &BuildOptions, stop: Arc<AtomicBool>) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let output = opts.output_dir();
    check_output_is_safe(&opts.root, &output).map_err(BuildError::Io)?;
    let cache = store::load(opts, &output);
    let loaded = start.elapsed();
    // Without the cache, everything is made afresh; what the output folder holds is still
    // recorded for the next build.
    let (mut pipeline, last_output, last_prev, texts) = match cache {
        Some(c) if !opts.no_cache => (
            Pipeline::with_cache(opts.clone(), c.sources, c.machine),
            c.output,
            c.prev,
            c.texts,
        ),
        Some(c) => (Pipeline::new(opts.clone()), c.output, None, None),
        None => (Pipeline::new(opts.clone()), None, None, None),
    };

    if stop.load(Ordering::SeqCst) {
        return Err(BuildError::Interrupted);
    }
    let mut staging = Staging::new(&output, stop).map_err(BuildError::Io)?;
    // The texts go into the cache as pages are rendered, not into memory (the cache folder
    // is made only now that the output folder was found fit).
    if let Some(texts) = texts.or_else(|| store::texts_file(&output)) {
        pipeline.keep_texts_in(texts, crate::pipeline::HELD_TEXTS_BYTES);
    }
    if staging.from_prev
        && let Some(known) = last_prev
    {
        staging.set_known(known);
    }
    if let Some(live) = &last_output {
        staging.set_live(live.clone());
    }
    // The previous output is being changed: its manifest no longer holds.
    store::forget_prev(&output);
    let result = pipeline.run(None, Target::Dir(staging.sink()), &mut |_| {});
    // A write that failed stopped all others: one report, not one per page.
    if staging.sink().interrupted() && staging.sink().failure().is_none() {
        return Err(BuildError::Interrupted);
    }
    if let Some(e) = staging.sink().failure() {
        return Err(BuildError::Io(msg!("write-failed", error = e.to_string())));
    }
    let built = result.map_err(BuildError::Content)?;
    let manifest = staging.sink().manifest();
    let mut steps = vec![("load the build cache", loaded)];
    steps.extend(pipeline.report().steps.iter().cloned());
    let mark = Instant::now();
    staging.commit().map_err(BuildError::Io)?;
    steps.push(("publish", mark.elapsed()));
    let mark = Instant::now();
    let mut warnings = pipeline.warnings().to_vec();
    if let Err(e) = store::save(
        opts,
        &output,
        pipeline.config_hash(),
        pipeline.sources(),
        pipeline.machine_state(),
        &manifest,
        last_output.as_ref(),
    ) {
        // The site is published; only the next build's head start is lost.
        warnings.push(
            Diagnostic::new(
                store::cache_dir(&output),
                msg!("cache-not-saved", error = e.to_string()),
            )
            .warning(),
        );
    }
    steps.push(("save the cache", mark.elapsed()));
    Ok(BuildReport {
        steps,
        outputs_patched: pipeline.report().outputs_patched,
        replies: built.replies,
        stats: RenderStats {
            reply_pages: built.reply_pages,
            index_pages: built.index_pages,
            other_files: built.other_files,
            rendered: built.rendered,
        },
        elapsed: start.elapsed(),
        output,
        warnings,
    })
}

/// `p` made absolute, with `.` and `..` resolved and symbolic links followed as far as the
/// path exists (the output may not exist yet).
fn resolved(p: &Path) -> PathBuf {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => {
                out.push(other);
                if let Ok(real) = out.canonicalize() {
                    out = real;
                }
            }
        }
    }
    out
}

/// Refuses outputs that would replace the site's own files (`--output .`, `--output content`,
/// or a link that leads there). Folders dafu did not write are refused later, by
/// [`crate::output::check_output`].
fn check_output_is_safe(root: &Path, output: &Path) -> Result<(), Msg> {
    let root = resolved(root);
    let output = resolved(output);
    if root.starts_with(&output) {
        return Err(msg!(
            "output-holds-site",
            folder = output.display().to_string()
        ));
    }
    for own in ["content", "templates", "static", "themes", "site.toml"] {
        if output.starts_with(root.join(own)) {
            return Err(msg!(
                "output-inside-site",
                folder = output.display().to_string(),
                part = own
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_may_not_replace_the_site() {
        assert!(check_output_is_safe(Path::new("/s"), Path::new("/s")).is_err());
        assert!(check_output_is_safe(Path::new("/s/site"), Path::new("/s")).is_err());
        assert!(check_output_is_safe(Path::new("/s"), Path::new("/s/content/x")).is_err());
        assert!(check_output_is_safe(Path::new("/s"), Path::new("/s/public")).is_ok());
        assert!(check_output_is_safe(Path::new("/s"), Path::new("/tmp/out")).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_the_sources_is_seen_through() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("content")).unwrap();
        let link = dir.path().join("out");
        std::os::unix::fs::symlink(site.join("content"), &link).unwrap();
        let err = check_output_is_safe(&site, &link).unwrap_err();
        assert_eq!(err.arg("part"), Some("content"), "{err:?}");
        std::os::unix::fs::symlink(&site, dir.path().join("whole")).unwrap();
        assert!(check_output_is_safe(&site, &dir.path().join("whole/public/..")).is_err());
    }
}
