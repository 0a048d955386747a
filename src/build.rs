//! `dafu build`: the whole pipeline, from a site folder to a published output folder.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::output::{Sink, Staging};
use crate::render::{RenderStats, Renderer};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `<root>/public`.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            drafts: false,
        }
    }
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub replies: usize,
    pub stats: RenderStats,
    pub elapsed: Duration,
    pub output: PathBuf,
    /// What the build repaired or let pass (see [`Site::warnings`]).
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug)]
pub enum BuildError {
    /// Problems in the site's files: the user fixes these.
    Content(Vec<Diagnostic>),
    /// The build could not write its output.
    Io(String),
    /// Stopped by Ctrl+C or SIGTERM; nothing was published.
    Interrupted,
}

/// Stages 1–3: configuration, content and theme → the site model. All problems at once.
pub fn load_site(opts: &BuildOptions) -> Result<(Site, crate::theme::Theme), Vec<Diagnostic>> {
    let root = &opts.root;
    if !root.is_dir() {
        return Err(vec![
            Diagnostic::new(root, "site folder not found")
                .with_help("pass --root DIR with the folder that holds site.toml"),
        ]);
    }
    let config = crate::config::load(root, opts.base_url.as_deref());
    let (files, mut diags) = crate::load::load_content(root);
    let config = match config {
        Ok(c) => c,
        Err(mut e) => {
            e.append(&mut diags);
            return Err(e);
        }
    };
    let theme = crate::theme::load(root, &config.theme);
    let (replies, mut more) = crate::validate::validate_all(&files, &config, opts.drafts);
    diags.append(&mut more);
    let theme = match theme {
        Ok(t) => t,
        Err(mut e) => {
            diags.append(&mut e);
            return Err(diags);
        }
    };
    if !diags.is_empty() {
        return Err(diags);
    }
    let site = crate::model::build_site(config, replies)?;
    Ok((site, theme))
}

/// Builds the site into a staging folder and swaps it in only if everything succeeded.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    build_until(opts, Arc::new(AtomicBool::new(false)))
}

/// [`build`], stopping as soon as `stop` is set (Ctrl+C, SIGTERM): the previous output stays,
/// and the work done is kept for the next build.
pub fn build_until(opts: &BuildOptions, stop: Arc<AtomicBool>) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let output = opts.output_dir();
    check_output_is_safe(&opts.root, &output).map_err(BuildError::Io)?;
    let (site, theme) = load_site(opts).map_err(BuildError::Content)?;
    let renderer = Renderer::new(&site, &theme).map_err(BuildError::Content)?;
    if stop.load(Ordering::SeqCst) {
        return Err(BuildError::Interrupted);
    }
    let staging = Staging::new(&output, stop).map_err(BuildError::Io)?;
    let rendered = render_into(&renderer, staging.sink());
    // A write that failed stopped all others: one report, not one per page.
    if staging.sink().interrupted() && staging.sink().failure().is_none() {
        return Err(BuildError::Interrupted);
    }
    if let Some(e) = staging.sink().failure() {
        return Err(BuildError::Io(format!("cannot write the site: {e}")));
    }
    let stats = rendered?;
    staging.commit().map_err(|e| {
        BuildError::Io(format!(
            "cannot move the new site into {}: {e}",
            output.display()
        ))
    })?;
    Ok(BuildReport {
        replies: site.entries.len(),
        stats,
        elapsed: start.elapsed(),
        output,
        warnings: site.warnings.clone(),
    })
}

fn render_into(renderer: &Renderer<'_>, sink: &dyn Sink) -> Result<RenderStats, BuildError> {
    renderer.render_all(sink).map_err(BuildError::Content)
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
fn check_output_is_safe(root: &Path, output: &Path) -> Result<(), String> {
    let root = resolved(root);
    let output = resolved(output);
    if root.starts_with(&output) {
        return Err(format!(
            "refusing to build into {}: it holds the site itself; choose an output folder such as public/",
            output.display()
        ));
    }
    for own in ["content", "templates", "static", "themes", "site.toml"] {
        if output.starts_with(root.join(own)) {
            return Err(format!(
                "refusing to build into {}: it is inside the site's {own}",
                output.display()
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
        assert!(err.contains("content"), "{err}");
        std::os::unix::fs::symlink(&site, dir.path().join("whole")).unwrap();
        assert!(check_output_is_safe(&site, &dir.path().join("whole/public/..")).is_err());
    }
}
