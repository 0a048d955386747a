//! Content problems that a user can act on: file, line, column, a source excerpt and what
//! was expected. Every stage collects these instead of stopping at the first one.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::messages::{Catalogue, Msg};
use crate::msg;

/// One problem found in a source file (or in the site as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Path as shown to the user (relative to the site root where possible).
    pub file: PathBuf,
    /// 1-based line and column (column counted in characters); 0 when unknown.
    pub line: usize,
    pub column: usize,
    /// What is wrong, in one line.
    pub message: Msg,
    /// What was expected instead, or how to fix it.
    pub help: Option<Msg>,
    /// The file's text, for the excerpt; shared between diagnostics of one file.
    pub source: Option<Arc<str>>,
    /// Byte range of the offending text in `source`.
    pub span: Option<std::ops::Range<usize>>,
    /// Another place that takes part in the problem (e.g. the first of two duplicates).
    pub related: Option<(PathBuf, usize, Msg)>,
    /// A warning: the build goes on (with the problem repaired or harmless), `check` fails.
    pub warning: bool,
}

impl Diagnostic {
    pub fn new(file: impl Into<PathBuf>, message: Msg) -> Self {
        Diagnostic {
            file: file.into(),
            line: 0,
            column: 0,
            message,
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

    pub fn with_help(mut self, help: Msg) -> Self {
        self.help = Some(help);
        self
    }

    pub fn with_related(mut self, file: impl Into<PathBuf>, line: usize, what: Msg) -> Self {
        self.related = Some((file.into(), line, what));
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
    pub fn render(&self, cat: &Catalogue, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let path = self.file.display().to_string();
        let level = if self.warning {
            Level::WARNING.with_name(cat.text("level-warning"))
        } else {
            Level::ERROR.with_name(cat.text("level-error"))
        };
        let message = cat.get(&self.message);
        let help = self.help.as_ref().map(|h| cat.get(h));
        let related = self.related.as_ref().map(|(file, line, what)| {
            Level::NOTE
                .with_name(cat.text("level-note"))
                .message(format!("{}: {}:{line}", cat.get(what), file.display()))
        });
        let mut group = Group::with_title(level.primary_title(message));
        if let (Some(source), Some(span)) = (&self.source, &self.span) {
            // Show only the lines around the problem: excerpts of whole files are noise.
            let (window, first_line, shift) = excerpt_window(source, span.start, 2);
            let local = (span.start - shift)..(span.end - shift).min(window.len());
            group = group.element(
                Snippet::source(window)
                    .line_start(first_line)
                    .path(path.as_str())
                    .annotation(
                        AnnotationKind::Primary
                            .span(local)
                            .label(help.unwrap_or_default()),
                    ),
            );
            if let Some(related) = related {
                group = group.element(related);
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
        if let Some(help) = help {
            group = group.element(Level::HELP.with_name(cat.text("level-help")).message(help));
        }
        if let Some(related) = related {
            group = group.element(related);
        }
        renderer.render(&[group])
    }

    /// One line: `file:line:column: message (help)`.
    pub fn line(&self, cat: &Catalogue) -> String {
        let mut out = format!("{}: {}", self.location(), cat.get(&self.message));
        if let Some(help) = &self.help {
            out.push_str(&format!(" ({})", cat.get(help)));
        }
        out
    }
}

/// The result of a stage that may find many problems.
pub type Diagnostics = Vec<Diagnostic>;

/// What the closing line of a report says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// `dafu build`: nothing was published.
    NotPublished,
    /// `dafu check`: the check failed.
    CheckFailed,
    /// `dafu serve`: the last good build is still served.
    StillServing,
}

/// Renders all diagnostics, sorted by file and position, with a closing count.
pub fn render_all(diags: &[Diagnostic], cat: &Catalogue, color: bool, outcome: Outcome) -> String {
    let (sorted, mut out) = render_sorted(diags, cat, color);
    let files: std::collections::BTreeSet<&Path> =
        sorted.iter().map(|d| d.file.as_path()).collect();
    let (problems, files) = (sorted.len(), files.len());
    let summary = match outcome {
        Outcome::NotPublished => msg!("summary-problems", problems = problems, files = files),
        Outcome::CheckFailed => msg!("summary-check-failed", problems = problems, files = files),
        Outcome::StillServing => msg!("summary-still-serving", problems = problems, files = files),
    };
    out.push_str(&format!(
        "{}: {}\n",
        cat.text("level-error"),
        cat.get(&summary)
    ));
    out
}

/// Sorted by file and position; the same problem found twice (e.g. by two stages) once.
pub fn sorted(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
    sorted.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.message.id).cmp(&(&b.file, b.line, b.column, &b.message.id))
    });
    sorted.dedup_by(|a, b| {
        (&a.file, a.line, a.column, &a.message, a.warning)
            == (&b.file, b.line, b.column, &b.message, b.warning)
    });
    sorted
}

fn render_sorted<'a>(
    diags: &'a [Diagnostic],
    cat: &Catalogue,
    color: bool,
) -> (Vec<&'a Diagnostic>, String) {
    let sorted = sorted(diags);
    let mut out = String::new();
    for d in &sorted {
        out.push_str(&d.render(cat, color));
        out.push_str("\n\n");
    }
    (sorted, out)
}

/// Renders warnings (the build went on), sorted, with a closing count; empty when none.
pub fn render_warnings(diags: &[Diagnostic], cat: &Catalogue, color: bool) -> String {
    if diags.is_empty() {
        return String::new();
    }
    let (sorted, mut out) = render_sorted(diags, cat, color);
    out.push_str(&format!(
        "{}: {}\n",
        cat.text("level-warning"),
        cat.get(&msg!("summary-warnings", warnings = sorted.len()))
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
        let d = Diagnostic::new("content/a.md", msg!("date-not-real", value = "2023-02-30"))
            .at(&src, off..off + 10)
            .with_help(msg!("date-expected"));
        let out = d.render(&Catalogue::new(crate::messages::Lang::En), false);
        assert!(out.contains("content/a.md:3:7"), "{out}");
        assert!(out.contains("date: 2023-02-30"), "{out}");
        assert!(out.contains("2023-02-30 is not a real date"), "{out}");
        assert!(out.contains("expected a real calendar date"), "{out}");
        assert_eq!(d.location(), "content/a.md:3:7");
    }

    #[test]
    fn carets_line_up_under_chinese_text() {
        // Each Chinese character takes two columns in a terminal: the carets must start under
        // the value and be as wide as it.
        let src: Arc<str> = Arc::from("---\nrepresentative: 张三，李四\n---\n");
        let off = src.find('张').unwrap();
        let d = Diagnostic::new(
            "content/a.md",
            msg!("kbd-chinese-comma", field = "representative"),
        )
        .at(&src, off..off + "张三，李四".len());
        let out = d.render(&Catalogue::new(crate::messages::Lang::Zh), false);
        let lines: Vec<&str> = out.lines().collect();
        let code = lines.iter().find(|l| l.contains("张三")).unwrap();
        let carets = lines.iter().find(|l| l.contains('^')).unwrap();
        let col = |s: &str, upto: usize| -> usize {
            s[..upto]
                .chars()
                .map(|c| if c.is_ascii() { 1 } else { 2 })
                .sum()
        };
        assert_eq!(
            col(carets, carets.find('^').unwrap()),
            col(code, code.find('张').unwrap()),
            "{out}"
        );
        assert_eq!(carets.matches('^').count(), 10, "{out}");
    }
}
