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

/// How the last site model was brought up to date without building it afresh: replies
/// replaced, added or removed, each moved between lists (`Site::replace`).
#[derive(Debug, Clone)]
pub struct Patch {
    /// How many replies' files were patched in.
    pub replies: usize,
    /// Where the one reply patched in left and joined the site's order (nothing for several).
    pub moved: Replaced,
    /// One reply patched in, and only its body changed (removed and inserted at the same
    /// place).
    pub body_only: bool,
}

/// At most this many files changed at once are patched into the model (a day's replies
/// pulled in at once); more are built afresh.
const MAX_PATCHED_FILES: usize = 16;

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

/// The last model brought up to date for the changed files, one after the other, when that
/// can be done without building it afresh (`Site::replace` says when not).
fn patched(last: &mut Option<Site>, input: &Input<'_>) -> Option<(Site, Patch)> {
    let changed = input.changed?;
    if changed.is_empty() || changed.len() > MAX_PATCHED_FILES {
        return None;
    }
    // Any file in error: build afresh, which reports every problem.
    if input.last_config != input.config_hash
        || input.sources.files.values().any(|s| s.reply().is_none())
    {
        return None;
    }
    let mut site = last.take()?;
    let mut patch = Patch {
        replies: 0,
        moved: Replaced {
            removed: None,
            inserted: None,
        },
        body_only: changed.len() == 1,
    };
    for one in changed {
        match patch_one(&mut site, input, one) {
            Some((moved, body_only)) => {
                patch.replies += 1;
                patch.body_only &= body_only;
                if changed.len() == 1 {
                    patch.moved = moved;
                }
            }
            None => {
                // `Site::replace` changes nothing when it refuses: before the first file is
                // patched in, the model is still the last good one; after, it is not kept.
                if patch.replies == 0 {
                    *last = Some(site);
                }
                return None;
            }
        }
    }
    Some((site, patch))
}

/// Patches one changed file into `site`: where its reply moved, and whether only its body
/// changed; `None` (and `site` unchanged) when only building afresh gives the right model.
fn patch_one(site: &mut Site, input: &Input<'_>, one: &Path) -> Option<(Replaced, bool)> {
    let files = &input.sources.files;
    let new = match files.get(&input.root.join(one)) {
        Some(s) => Some(s.reply()?),
        None => None,
    };
    let source = new.map_or(one, |r| r.source.as_path());
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
            return Some((moved, true));
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
    if duplicate {
        return None;
    }
    let visible = new.filter(|r| input.drafts || !r.draft).cloned();
    site.replace(source, visible).map(|moved| (moved, false))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{reply_file, site_config, site_dir, write};

    /// Sources read from `root`, as stage 1–2 leaves them.
    fn sources(root: &Path, changed: Option<&[PathBuf]>, sources: &mut Sources) {
        assert!(sources.refresh(root, changed, &site_config(), 1).is_empty());
    }

    fn input<'a>(
        sources: &'a Sources,
        root: &'a Path,
        changed: Option<&'a [PathBuf]>,
    ) -> Input<'a> {
        Input {
            sources,
            root,
            drafts: false,
            changed,
            config: site_config(),
            config_hash: 1,
            last_config: 1,
            diags: Vec::new(),
        }
    }

    /// A body edit and a date edit of one file are patches of the cached model (the body
    /// edit marked as such), each the model a fresh build makes; a file in error is reported
    /// by a fresh build, and the cached model is left for the next run.
    #[test]
    fn one_file_changes_patch_the_cached_model() {
        let dir = site_dir(&[
            ("a.md", &reply_file(1, "2023-05-01", "甲")),
            ("b.md", &reply_file(2, "2023-06-01", "乙")),
        ]);
        let root = dir.path();
        let mut s = Sources::default();
        sources(root, None, &mut s);
        let mut last = None;
        let (site, patch) = stage(&mut last, input(&s, root, None)).unwrap();
        assert!(patch.is_none(), "nothing cached: built afresh");
        let order = |site: &Site| -> Vec<String> {
            site.entries
                .iter()
                .map(|e| e.reply.number.clone())
                .collect()
        };
        assert_eq!(order(&site), ["2", "1"]);
        let mut last = Some(site);

        let changed = [PathBuf::from("content/a.md")];
        let edits = [
            (reply_file(1, "2023-05-01", "甲改"), true),
            (reply_file(1, "2023-07-01", "甲改"), false),
        ];
        for (text, body_only) in edits {
            write(root, "content/a.md", &text);
            sources(root, Some(&changed), &mut s);
            let (site, patch) = stage(&mut last, input(&s, root, Some(&changed))).unwrap();
            let patch = patch.expect("patched");
            assert_eq!(patch.body_only, body_only);
            assert!(last.is_none(), "the cached model was taken");
            let (fresh, _) = stage(&mut None, input(&s, root, None)).unwrap();
            assert_eq!(
                format!("{:?}", site.renumbered()),
                format!("{:?}", fresh.renumbered())
            );
            last = Some(site);
        }
        assert_eq!(order(last.as_ref().unwrap()), ["1", "2"], "re-dated");

        write(root, "content/a.md", "---\ntitle: 无编号\n---\n正文\n");
        sources(root, Some(&changed), &mut s);
        let problems = stage(&mut last, input(&s, root, Some(&changed))).unwrap_err();
        assert!(problems.iter().all(|d| d.file == Path::new("content/a.md")));
        assert!(!problems.is_empty());
        assert!(last.is_some(), "the last good model stays cached");
    }

    /// Several files changed at once (a day's replies pulled in: one re-dated, one added, one
    /// deleted) are patched in one after the other, giving what a fresh build gives; when one
    /// of them cannot be patched in, the model is built afresh and the half-patched one is
    /// not kept.
    #[test]
    fn several_files_changed_at_once_are_patched_in_together() {
        let dir = site_dir(&[
            ("a.md", &reply_file(1, "2023-05-01", "甲")),
            ("b.md", &reply_file(2, "2023-06-01", "乙")),
            ("c.md", &reply_file(3, "2023-07-01", "丙")),
        ]);
        let root = dir.path();
        let mut s = Sources::default();
        sources(root, None, &mut s);
        let (site, _) = stage(&mut None, input(&s, root, None)).unwrap();
        let mut last = Some(site);

        write(root, "content/a.md", &reply_file(1, "2023-08-01", "甲"));
        write(root, "content/d.md", &reply_file(4, "2023-05-15", "丁"));
        std::fs::remove_file(root.join("content/c.md")).unwrap();
        let changed = ["content/a.md", "content/d.md", "content/c.md"].map(PathBuf::from);
        sources(root, Some(&changed), &mut s);
        let (site, patch) = stage(&mut last, input(&s, root, Some(&changed))).unwrap();
        let patch = patch.expect("patched");
        assert_eq!(patch.replies, 3);
        assert!(!patch.body_only && patch.moved.inserted.is_none());
        let (fresh, _) = stage(&mut None, input(&s, root, None)).unwrap();
        assert_eq!(
            format!("{:?}", site.renumbered()),
            format!("{:?}", fresh.renumbered())
        );
        let mut last = Some(site);

        // The second file would be a second reply to proposal 1: only a fresh build reports
        // that (as an error).
        write(root, "content/b.md", &reply_file(2, "2023-09-01", "乙改"));
        write(root, "content/e.md", &reply_file(1, "2023-10-01", "重"));
        let changed = ["content/b.md", "content/e.md"].map(PathBuf::from);
        sources(root, Some(&changed), &mut s);
        let problems = stage(&mut last, input(&s, root, Some(&changed))).unwrap_err();
        assert!(!problems.is_empty());
        assert!(last.is_none(), "half patched: not kept");
    }
}
