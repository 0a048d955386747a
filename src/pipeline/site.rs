//! Stage 3 with its cache: the site model. After a one-file change the last good model is
//! patched (`Site::replace`) when that gives what building it afresh gives; otherwise it is
//! built afresh from every validated reply, with every problem at once.

use std::path::{Path, PathBuf};

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::model::{Replaced, Site};

use super::sources::Sources;

/// What the model is made from.
pub struct Input<'a> {
    pub sources: &'a Sources,
    pub root: &'a Path,
    /// `--drafts`: replies marked `draft: true` are shown.
    pub drafts: bool,
    /// The files changed since the last good model (relative to the site folder); `None`:
    /// any may have.
    pub changed: Option<&'a [PathBuf]>,
    pub config: SiteConfig,
    /// The configuration's hash, and that of the configuration the last model was made with.
    pub config_hash: u64,
    pub last_config: u64,
    /// Problems found before this stage (unreadable files): the model is not made.
    pub diags: Vec<Diagnostic>,
}

/// How the last site model was brought up to date without building it afresh: one reply
/// was replaced, added or removed, and moved between lists (`Site::replace`).
#[derive(Debug, Clone)]
pub struct Patch {
    pub moved: Replaced,
    /// Only the body of the reply changed (removed and inserted at the same place).
    pub body_only: bool,
}

/// The site model for `input`: the cached model `last` patched (it is then taken), or a
/// new one (`last` is left as it was, for the next run should this one fail).
pub fn stage(
    last: &mut Option<Site>,
    input: Input<'_>,
) -> Result<(Site, Option<Patch>), Vec<Diagnostic>> {
    if input.diags.is_empty()
        && let Some((site, patch)) = patched(last, &input)
    {
        return Ok((site, Some(patch)));
    }
    fresh(input).map(|site| (site, None))
}

/// The last model brought up to date for one changed file, when that can be done without
/// building it afresh (`Site::replace` says when not).
fn patched(last: &mut Option<Site>, input: &Input<'_>) -> Option<(Site, Patch)> {
    let [one] = input.changed? else { return None };
    let files = &input.sources.files;
    // Any file in error: build afresh, which reports every problem.
    if input.last_config != input.config_hash || files.values().any(|s| s.reply().is_none()) {
        return None;
    }
    let new = match files.get(&input.root.join(one)) {
        Some(s) => Some(s.reply()?),
        None => None,
    };
    let mut site = last.take()?;
    let source = new.map_or(one.as_path(), |r| r.source.as_path());
    let removed = site
        .entries
        .iter()
        .position(|e| e.reply.source.as_os_str() == source.as_os_str());
    // Only the body changed: the model does not depend on bodies.
    if let (Some(new), Some(i)) = (new, removed) {
        let mut same = (*site.entries[i].reply).clone();
        (same.body, same.body_fp) = (new.body.clone(), new.body_fp);
        if same == **new {
            site.entries[i].reply = new.clone();
            let moved = Replaced {
                removed: Some(i),
                inserted: Some(i),
            };
            let patch = Patch {
                moved,
                body_only: true,
            };
            return Some((site, patch));
        }
    }
    // What `check_duplicates` would report (drafts included): leave it to a full build.
    let duplicate = new.is_some_and(|new| {
        files.values().any(|s| match s.reply() {
            Some(r) if r.source.as_os_str() != new.source.as_os_str() => {
                r.identity() == new.identity()
                    || (r.index_code.is_some() && r.index_code == new.index_code)
            }
            _ => false,
        })
    });
    let visible = new.filter(|r| input.drafts || !r.draft).cloned();
    if !duplicate && let Some(moved) = site.replace(source, visible) {
        let patch = Patch {
            moved,
            body_only: false,
        };
        return Some((site, patch));
    }
    *last = Some(site);
    None
}

/// A new site model from every validated reply (and every problem at once).
fn fresh(input: Input<'_>) -> Result<Site, Vec<Diagnostic>> {
    let Input {
        sources,
        root,
        drafts,
        config,
        mut diags,
        ..
    } = input;
    diags.extend(sources.problems(drafts, false));
    let replies: Vec<_> = sources
        .paths
        .iter()
        .filter_map(|p| sources.files.get(p)?.reply())
        .collect();
    let text_of = |shown: &Path| {
        crate::load::read_source(root, &root.join("content"), &root.join(shown))
            .ok()
            .map(|f| f.text)
    };
    let plain: Vec<&crate::reply::Reply> = replies.iter().map(|r| &***r).collect();
    diags.extend(crate::validate::check_duplicates(&plain, &text_of));
    if !diags.is_empty() {
        return Err(diags);
    }
    let replies = replies
        .into_iter()
        .filter(|r| drafts || !r.draft)
        .cloned()
        .collect();
    let mut site = crate::model::build_site(config, replies)?;
    site.warnings.extend(sources.problems(drafts, true));
    Ok(site)
}
