//! Attachments (附件): the files a reply publishes with its page. A reply names them in
//! front matter (`attachments: [答复函.pdf]`, paths relative to the reply), or is a folder's
//! `index.md` with its files beside it. Each is checked against the policy
//! ([`crate::policy::attachment_type`]), must lie inside content/, and is published beside
//! the reply's page under an ASCII name (downloading under its own name).

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::msg;
use crate::reply::{Attachment, Reply};

/// Finds and checks every attachment of `reply` (read from `md_path`, whose text is `text`),
/// filling in what publishing needs. `known` are the attachments of the last run: a file
/// whose size and time did not change is not read again to be hashed.
pub fn resolve(
    reply: &mut Reply,
    text: &Arc<str>,
    md_path: &Path,
    content_dir: &Path,
    known: &[Attachment],
) -> Vec<Diagnostic> {
    let Some(dir) = md_path.parent() else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    let is_folder_reply = md_path.file_stem().is_some_and(|s| s == "index");
    if reply.attachments.is_empty() && is_folder_reply {
        reply.attachments = beside(dir)
            .into_iter()
            .map(|name| Attachment {
                written: name,
                ..Attachment::default()
            })
            .collect();
    }
    let content_real = content_dir
        .canonicalize()
        .unwrap_or_else(|_| content_dir.to_path_buf());
    let mut taken: Vec<String> = Vec::new();
    let mut kept = Vec::with_capacity(reply.attachments.len());
    for mut a in std::mem::take(&mut reply.attachments) {
        let at = |d: Diagnostic| {
            if a.line > 0 {
                d.at_line_col(text, a.line, a.column)
            } else {
                d
            }
        };
        let problem = |m| at(Diagnostic::new(&reply.source, m).with_help(msg!("attachment-help")));
        let Some(path) = inside(dir, &a.written) else {
            problems.push(problem(msg!("attachment-outside", file = &a.written)));
            continue;
        };
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(_) => {
                problems.push(problem(msg!("attachment-missing", file = &a.written)));
                continue;
            }
        };
        // A link may not lead out of content/ either.
        let real = path.canonicalize().unwrap_or_else(|_| path.clone());
        if !real.starts_with(&content_real) {
            problems.push(problem(msg!("attachment-outside", file = &a.written)));
            continue;
        }
        if !meta.is_file() {
            problems.push(problem(msg!("attachment-not-file", file = &a.written)));
            continue;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some((kind, mime)) = crate::policy::attachment_type(&name) else {
            let allowed: Vec<&str> = crate::policy::ATTACHMENT_TYPES
                .iter()
                .map(|(e, _, _)| *e)
                .collect();
            problems.push(at(Diagnostic::new(
                &reply.source,
                msg!("attachment-type-refused", file = &a.written),
            )
            .with_help(msg!("attachment-types", types = allowed.join(", ")))));
            continue;
        };
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or((0, 0), |d| (d.as_secs(), d.subsec_nanos()));
        let source = path
            .strip_prefix(content_dir)
            .unwrap_or(&path)
            .to_path_buf();
        let hash = match known.iter().find(|k| {
            k.source == source && k.size == meta.len() && k.modified == modified && modified.0 > 0
        }) {
            Some(k) => k.hash,
            None => match std::fs::read(&path) {
                Ok(bytes) => crate::hashing::fnv1a(&bytes),
                Err(e) => {
                    problems.push(problem(msg!(
                        "attachment-unreadable",
                        file = &a.written,
                        error = e.to_string()
                    )));
                    continue;
                }
            },
        };
        let stem = Path::new(&name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if a.title.is_empty() {
            a.title = stem.clone();
        }
        a.published = published_name(&stem, &name, &taken);
        taken.push(a.published.clone());
        a.source = source;
        a.name = name;
        a.kind = kind.to_string();
        a.mime = mime.to_string();
        a.size = meta.len();
        a.hash = hash;
        a.modified = modified;
        kept.push(a);
    }
    reply.attachments = kept;
    problems
}

/// The files beside a folder's `index.md` that it publishes: not hidden, not Markdown, not
/// an editor's or Office's lock file; sorted by name.
fn beside(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            let lower = n.to_lowercase();
            !(n.starts_with('.')
                || n.starts_with("~$")
                || n.ends_with('~')
                || lower.ends_with(".md")
                || lower.ends_with(".markdown"))
        })
        .collect();
    names.sort();
    names
}

/// `written` relative to `dir`, when it stays inside it or goes up no further than the
/// content folder allows (checked again on the real path): no absolute paths, no drive
/// letters, no backslashes.
fn inside(dir: &Path, written: &str) -> Option<PathBuf> {
    if written.contains('\\') || written.contains(':') {
        return None;
    }
    let rel = Path::new(written);
    let mut out = dir.to_path_buf();
    for c in rel.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// An ASCII file name for `name`: its pinyin (`答复函.pdf` → `da-fu-han.pdf`), unique among
/// `taken`, never the page itself.
fn published_name(stem: &str, name: &str, taken: &[String]) -> String {
    let ext = Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let mut base = crate::slug::path_segment_slug(stem);
    if base.is_empty() || base.len() > 60 || base == "index" {
        base = format!("fujian-{}", taken.len() + 1);
    }
    let mut candidate = format!("{base}.{ext}");
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base}-{n}.{ext}");
        n += 1;
    }
    candidate
}

/// The published name of the attachment a link in the reply's text leads to, when the link
/// names one (as the reply names it, or by its file name; percent-encoded or not).
pub fn link_target<'a>(attachments: &'a [Attachment], href: &str) -> Option<&'a str> {
    let decoded = percent_encoding::percent_decode_str(href).decode_utf8_lossy();
    let bare = decoded.trim_start_matches("./");
    attachments
        .iter()
        .find(|a| a.written.trim_start_matches("./") == bare || a.name == bare)
        .map(|a| a.published.as_str())
}

/// "1.2 MB", "860 KB": sizes as the reply page shows them.
pub fn size_text(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KB * KB {
        format!("{:.1} MB", b / KB / KB)
    } else if b >= KB {
        format!("{:.0} KB", (b / KB).max(1.0))
    } else {
        format!("{bytes} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_names_are_unique_and_keep_the_extension() {
        let mut taken = Vec::new();
        for (stem, name) in [
            ("答复函", "答复函.PDF"),
            ("答复函", "答复函.pdf"),
            ("index", "index.pdf"),
        ] {
            let n = published_name(stem, name, &taken);
            taken.push(n);
        }
        assert_eq!(
            taken,
            vec!["da-fu-han.pdf", "da-fu-han-2.pdf", "fujian-3.pdf"]
        );
    }

    #[test]
    fn paths_may_not_leave_by_name() {
        let dir = Path::new("/site/content/2023");
        assert_eq!(
            inside(dir, "a.pdf"),
            Some(PathBuf::from("/site/content/2023/a.pdf"))
        );
        assert_eq!(
            inside(dir, "../x/a.pdf"),
            Some(PathBuf::from("/site/content/x/a.pdf"))
        );
        assert_eq!(inside(dir, "/etc/passwd"), None);
        assert_eq!(inside(dir, "C:\\a.pdf"), None);
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_text(512), "512 B");
        assert_eq!(size_text(880_000), "859 KB");
        assert_eq!(size_text(1_300_000), "1.2 MB");
    }

    #[test]
    fn links_find_their_attachment_by_name_or_as_written() {
        let a = vec![Attachment {
            written: "附件/答复函.pdf".into(),
            name: "答复函.pdf".into(),
            published: "da-fu-han.pdf".into(),
            ..Attachment::default()
        }];
        assert_eq!(link_target(&a, "附件/答复函.pdf"), Some("da-fu-han.pdf"));
        assert_eq!(
            link_target(&a, "%E7%AD%94%E5%A4%8D%E5%87%BD.pdf"),
            Some("da-fu-han.pdf")
        );
        assert_eq!(link_target(&a, "其他.pdf"), None);
    }
}
