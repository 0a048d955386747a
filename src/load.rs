//! Stage 1, load: find the reply files under `content/`, read them as UTF-8 (BOM and CRLF
//! from Windows editors accepted, GBK recognised and refused with a clear message) and
//! split each into front matter and Markdown body.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::messages::Msg;
use crate::msg;

/// One content file, read and normalised (no BOM, `\n` line endings).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path shown to users, relative to the site root (`content/2023/proposal-146.md`).
    pub shown: PathBuf,
    /// Path relative to `content/`, which decides the reply's URL.
    pub rel: PathBuf,
    pub text: Arc<str>,
    /// Byte range of the YAML between the `---` lines.
    pub front_matter: Range<usize>,
    /// Byte range of the Markdown body.
    pub body: Range<usize>,
    /// Control characters replaced by a space when the file was read (see
    /// [`crate::policy::is_forbidden_char`]): 1-based line and column, and the character.
    pub replaced: Vec<(usize, usize, char)>,
}

impl SourceFile {
    pub fn front_matter_text(&self) -> &str {
        &self.text[self.front_matter.clone()]
    }
    pub fn body_text(&self) -> &str {
        &self.text[self.body.clone()]
    }
    /// Line number (1-based) of the first line of the front matter.
    pub fn front_matter_first_line(&self) -> usize {
        crate::diagnostics::line_col(&self.text, self.front_matter.start).0
    }
}

/// The Markdown files under `dir`, sorted, skipping hidden files and editor temp files.
pub fn find_content_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    for entry in walker
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()))
    {
        let entry = match entry {
            Ok(e) => e,
            // Following links means reading where they lead: an editor's lock file (Emacs'
            // `.#name.md`, a link to nowhere) fails there, before any filter sees its name.
            Err(e)
                if e.path()
                    .and_then(|p| p.file_name())
                    .is_some_and(|n| is_ignored_name(&n.to_string_lossy())) =>
            {
                continue;
            }
            Err(e) => return Err(std::io::Error::other(e)),
        };
        if entry.file_type().is_file() && is_markdown(entry.path()) {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

/// Hidden files, editor swap/backup files and lock files are never content.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('~')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
}

pub fn is_markdown(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("md" | "markdown")
    )
}

/// Reads every content file in parallel; each file yields a source or a diagnostic.
/// The Markdown files of the site's content/ folder (none if there is no such folder).
pub fn content_paths(root: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    find_content_files(&root.join("content"))
        .map_err(|e| Diagnostic::new("content", msg!("content-unreadable", error = e.to_string())))
}

pub fn load_content(root: &Path) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let content_dir = root.join("content");
    let paths = match content_paths(root) {
        Ok(p) => p,
        Err(d) => return (Vec::new(), vec![d]),
    };
    let results: Vec<Result<SourceFile, Diagnostic>> = paths
        .par_iter()
        .map(|p| read_source(root, &content_dir, p))
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(d) => diags.push(d),
        }
    }
    (files, diags)
}

/// Reads and splits one file.
pub fn read_source(root: &Path, content_dir: &Path, path: &Path) -> Result<SourceFile, Diagnostic> {
    let shown = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let rel = path.strip_prefix(content_dir).unwrap_or(path).to_path_buf();
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::new(&shown, msg!("file-unreadable", error = e.to_string())))?;
    let text = decode(&bytes).map_err(|msg| {
        let (message, help) = msg;
        Diagnostic::new(&shown, message).with_help(help)
    })?;
    // Control characters (a NUL, a backspace, Word's vertical tab) would break feeds and
    // pages: they are replaced here, once, before anything reads the text.
    let (clean, found) = crate::policy::replace_forbidden(&text);
    let text: Arc<str> = Arc::from(clean);
    let replaced = found
        .into_iter()
        .map(|(at, c)| {
            let (line, col) = crate::diagnostics::line_col(&text, at);
            (line, col, c)
        })
        .collect();
    let (front_matter, body) = split_front_matter(&text).map_err(|(message, span, help)| {
        Diagnostic::new(&shown, message)
            .at(&text, span)
            .with_help(help)
    })?;
    Ok(SourceFile {
        shown,
        rel,
        text,
        front_matter,
        body,
        replaced,
    })
}

type DecodeError = (Msg, Msg);

/// UTF-8 with or without BOM, any line endings → `\n`; anything else is an error that says
/// what the file looks like and how to fix it.
pub fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err((msg!("file-utf16"), msg!("file-save-utf8")));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(normalise_newlines(s)),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let (_, _, had_errors) = encoding_rs::GB18030.decode(bytes);
            if !had_errors {
                Err((msg!("file-gbk", line = line), msg!("file-save-utf8-gbk")))
            } else {
                Err((
                    msg!("file-not-utf8", byte = e.valid_up_to(), line = line),
                    msg!("file-save-utf8"),
                ))
            }
        }
    }
}

fn normalise_newlines(s: &str) -> String {
    if !s.contains('\r') {
        return s.to_string();
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}

type SplitError = (Msg, Range<usize>, Msg);

/// Finds the `---` fences. The front matter must open on line 1.
pub fn split_front_matter(text: &str) -> Result<(Range<usize>, Range<usize>), SplitError> {
    if text.trim().is_empty() {
        return Err((msg!("file-empty"), 0..0, msg!("file-empty-help")));
    }
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "---" {
        return Err((
            msg!("file-no-front-matter"),
            0..first_line_end,
            msg!("file-no-front-matter-help"),
        ));
    }
    let fm_start = (first_line_end + 1).min(text.len());
    let mut offset = fm_start;
    for line in text[fm_start..].split_inclusive('\n') {
        let bare = line.trim_end();
        if bare == "---" || bare == "..." {
            let body_start = offset + line.len();
            return Ok((fm_start..offset, body_start..text.len()));
        }
        offset += line.len();
    }
    Err((
        msg!("file-front-matter-open"),
        0..3,
        msg!("file-front-matter-open-help"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_crlf_are_accepted() {
        let bytes = b"\xEF\xBB\xBF---\r\ntitle: x\r\n---\r\nbody\r\n";
        let text = decode(bytes).unwrap();
        assert_eq!(text, "---\ntitle: x\n---\nbody\n");
        let (fm, body) = split_front_matter(&text).unwrap();
        assert_eq!(&text[fm], "title: x\n");
        assert_eq!(&text[body], "body\n");
    }

    #[test]
    fn gbk_is_recognised() {
        let (gbk, _, _) = encoding_rs::GBK.encode("---\ntitle: 关于加强安全生产的建议\n---\n");
        let (msg, help) = decode(&gbk).unwrap_err();
        let (msg, help) = (msg.en(), help.en());
        assert!(msg.contains("GBK"), "{msg}");
        assert!(msg.contains("line 2"), "{msg}");
        assert!(help.contains("UTF-8"));
    }

    #[test]
    fn utf16_is_recognised() {
        let (msg, _) = decode(&[0xFF, 0xFE, b'-', 0]).unwrap_err();
        assert!(msg.en().contains("UTF-16"));
    }

    #[test]
    fn unclosed_and_missing_front_matter() {
        assert!(
            split_front_matter("---\ntitle: x\n")
                .unwrap_err()
                .0
                .en()
                .contains("never closed")
        );
        assert!(
            split_front_matter("title: x\n")
                .unwrap_err()
                .0
                .en()
                .contains("does not start")
        );
        assert!(
            split_front_matter("  \n")
                .unwrap_err()
                .0
                .en()
                .contains("empty")
        );
        let (fm, body) = split_front_matter("---\n---\n").unwrap();
        assert!(fm.is_empty() && body.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn an_editors_dangling_lock_link_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content/2023");
        std::fs::create_dir_all(&content).unwrap();
        std::fs::write(content.join("proposal-146.md"), "---\n---\n").unwrap();
        // What Emacs leaves while the file is open: a link to user@host.pid.
        std::os::unix::fs::symlink(
            "user@host.1234:1700000000",
            content.join(".#proposal-146.md"),
        )
        .unwrap();
        let files = find_content_files(&dir.path().join("content")).unwrap();
        assert_eq!(files, vec![content.join("proposal-146.md")]);
    }

    #[test]
    fn editor_temp_files_are_ignored() {
        for n in [
            ".proposal.md.swp",
            "proposal.md~",
            ".#proposal.md",
            "#proposal.md#",
            "~$proposal.md",
            ".hidden",
        ] {
            assert!(is_ignored_name(n), "{n}");
        }
        assert!(!is_ignored_name("proposal-146.md"));
        assert!(!is_ignored_name("第146号提案.md"));
    }
}
