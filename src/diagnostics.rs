//! Content problems that a user can act on: file, line, column, a source excerpt and what
//! was expected. Every stage collects these instead of stopping at the first one.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// One problem found in a source file (or in the site as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Path as shown to the user (relative to the site root where possible).
    pub file: PathBuf,
    /// 1-based line and column (column counted in characters); 0 when unknown.
    pub line: usize,
    pub column: usize,
    /// What is wrong, in one line.
    pub message: String,
    /// What was expected instead, or how to fix it.
    pub help: Option<String>,
    /// The file's text, for the excerpt; shared between diagnostics of one file.
    pub source: Option<Arc<str>>,
    /// Byte range of the offending text in `source`.
    pub span: Option<std::ops::Range<usize>>,
    /// Another place that takes part in the problem (e.g. the first of two duplicates).
    pub related: Option<(PathBuf, usize, String)>,
    /// A warning: the build goes on (with the problem repaired or harmless), `check` fails.
    pub warning: bool,
}

impl Diagnostic {
    pub fn new(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: 0,
            column: 0,
            message: message.into(),
            help: None,
            source: None,
            span: None,
            related: None,
            warning: false,
        }
    }

    /// Marks the diagnostic as a warning.
    pub fn warning(mut self) -> Self {
        self.warning = true;
        self
    }

    /// Points the diagnostic at a byte range of the file's text; line and column follow from it.
    pub fn at(mut self, source: &Arc<str>, span: std::ops::Range<usize>) -> Self {
        let start = span.start.min(source.len());
        let (line, column) = line_col(source, start);
        self.line = line;
        self.column = column;
        let end = span.end.clamp(start, source.len());
        self.span = Some(start..end);
        self.source = Some(Arc::clone(source));
        self
    }

    /// Points at a 1-based line and column (characters), when no byte span is known.
    pub fn at_line_col(mut self, source: &Arc<str>, line: usize, column: usize) -> Self {
        let start = offset_of(source, line, column);
        let end = token_end(source, start);
        self = self.at(source, start..end);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(
        mut self,
        file: impl Into<PathBuf>,
        line: usize,
        what: impl Into<String>,
    ) -> Self {
        self.related = Some((file.into(), line, what.into()));
        self
    }

    /// `file:line:column` as editors and terminals understand it.
    pub fn location(&self) -> String {
        let file = self.file.display();
        match (self.line, self.column) {
            (0, _) => format!("{file}"),
            (l, 0) => format!("{file}:{l}"),
            (l, c) => format!("{file}:{l}:{c}"),
        }
    }

    /// The full report with a source excerpt, as printed by `dafu build`.
    pub fn render(&self, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let path = self.file.display().to_string();
        let level = if self.warning {
            Level::WARNING
        } else {
            Level::ERROR
        };
        let mut group = Group::with_title(level.primary_title(self.message.as_str()));
        if let (Some(source), Some(span)) = (&self.source, &self.span) {
            // Show only the lines around the problem: excerpts of whole files are noise.
            let (window, first_line, shift) = excerpt_window(source, span.start, 2);
            let local = (span.start - shift)..(span.end - shift).min(window.len());
            let label = self.help.as_deref().unwrap_or("");
            group = group.element(
                Snippet::source(window)
                    .line_start(first_line)
                    .path(path.as_str())
                    .annotation(AnnotationKind::Primary.span(local).label(label)),
            );
            if let Some((file, line, what)) = &self.related {
                group = group
                    .element(Level::NOTE.message(format!("{what}: {}:{line}", file.display())));
            }
            return renderer.render(&[group]);
        }
        let mut origin = annotate_snippets::Origin::path(path.as_str());
        if self.line > 0 {
            origin = origin.line(self.line);
            if self.column > 0 {
                origin = origin.char_column(self.column);
            }
        }
        group = group.element(origin);
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        if let Some((file, line, what)) = &self.related {
            group =
                group.element(Level::NOTE.message(format!("{what}: {}:{line}", file.display())));
        }
        renderer.render(&[group])
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

/// The result of a stage that may find many problems.
pub type Diagnostics = Vec<Diagnostic>;

/// Renders all diagnostics, sorted by file and position, with a closing count.
pub fn render_all(diags: &[Diagnostic], color: bool) -> String {
    let (sorted, mut out) = render_sorted(diags, color);
    let files: std::collections::BTreeSet<&Path> =
        sorted.iter().map(|d| d.file.as_path()).collect();
    out.push_str(&format!(
        "error: {} problem{} in {} file{}; nothing was published\n",
        sorted.len(),
        if sorted.len() == 1 { "" } else { "s" },
        files.len(),
        if files.len() == 1 { "" } else { "s" },
    ));
    out
}

fn render_sorted(diags: &[Diagnostic], color: bool) -> (Vec<&Diagnostic>, String) {
    let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
    sorted.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
    });
    let mut out = String::new();
    for d in &sorted {
        out.push_str(&d.render(color));
        out.push_str("\n\n");
    }
    (sorted, out)
}

/// Renders warnings (the build went on), sorted, with a closing count; empty when none.
pub fn render_warnings(diags: &[Diagnostic], color: bool) -> String {
    if diags.is_empty() {
        return String::new();
    }
    let (sorted, mut out) = render_sorted(diags, color);
    out.push_str(&format!(
        "warning: {} warning{}; `dafu check` fails until they are fixed\n",
        sorted.len(),
        if sorted.len() == 1 { "" } else { "s" },
    ));
    out
}

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset);
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

/// Byte offset of a 1-based line and character column (clamped to the text).
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[start..text[start..].find('\n').map_or(text.len(), |i| start + i)];
    let skip: usize = line_text
        .chars()
        .take(column.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    start + skip
}

/// End of the token that starts at `start`: up to the end of the line, trailing blanks trimmed.
fn token_end(text: &str, start: usize) -> usize {
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let trimmed = text[start..line_end].trim_end();
    if trimmed.is_empty() {
        // An empty span still gets a caret: point at one character if there is one.
        text[start..].chars().next().map_or(start, |c| {
            if c == '\n' {
                start
            } else {
                start + c.len_utf8()
            }
        })
    } else {
        start + trimmed.len()
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The lines around `offset`: (excerpt, its first line number, byte offset of the excerpt).
fn excerpt_window(text: &str, offset: usize, context: usize) -> (&str, usize, usize) {
    let offset = floor_char_boundary(text, offset);
    let (line, _) = line_col(text, offset);
    let first = line.saturating_sub(context).max(1);
    let start = offset_of(text, first, 1);
    let mut end = offset;
    for _ in 0..=context {
        match text[end..].find('\n') {
            Some(i) => end += i + 1,
            None => {
                end = text.len();
                break;
            }
        }
    }
    (text[start..end].trim_end_matches('\n'), first, start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "---\ntitle: 标题\ndate: 2023-02-30\n";
        let off = text.find("2023").unwrap();
        assert_eq!(line_col(text, off), (3, 7));
        assert_eq!(offset_of(text, 3, 7), off);
        let han = text.find("题").unwrap();
        assert_eq!(line_col(text, han), (2, 9));
    }

    #[test]
    fn render_names_file_line_and_help() {
        let src: Arc<str> = Arc::from("---\ntitle: x\ndate: 2023-02-30\n---\n");
        let off = src.find("2023").unwrap();
        let d = Diagnostic::new("content/a.md", "impossible date 2023-02-30")
            .at(&src, off..off + 10)
            .with_help("expected a real calendar date");
        let out = d.render(false);
        assert!(out.contains("content/a.md:3:7"), "{out}");
        assert!(out.contains("date: 2023-02-30"), "{out}");
        assert!(out.contains("expected a real calendar date"), "{out}");
        assert_eq!(d.location(), "content/a.md:3:7");
    }
}
