//! A letter's text as Markdown that reads like a hand-made reply: 一、 as `##`, standalone
//! （一） as `###`, lead sentences in bold (as the source bolds them, or — for plain text —
//! those after 一是 / （一） / 1、 numbering), tables as tables.

use std::sync::LazyLock;

use regex::Regex;

use super::fields::{re, tidy};
use super::read::{Block, Span};

static H2: LazyLock<Regex> = LazyLock::new(|| re(r"^[一二三四五六七八九十]{1,3}\s*[、.．]"));
static H3: LazyLock<Regex> = LazyLock::new(|| re(r"^[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）]"));
/// Numbering that opens a paragraph whose first sentence is its lead: （一） 1、 （1） 一是.
static LEAD_OPENER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|\d{1,2}\s*[、.．]|[一二三四五六七八九十]{1,3}\s*[、.．]|[一二三四五六七八九十]是)",
    )
});
/// 二是…。 inside a paragraph: further lead sentences.
static LEAD_INSIDE: LazyLock<Regex> =
    LazyLock::new(|| re(r"[一二三四五六七八九十]是[^。；！？]{1,48}[。；]"));

/// The Markdown text of the body blocks; `formatted`: the source marks bold itself.
pub fn markdown(blocks: &[Block], formatted: bool) -> String {
    let mut out = String::new();
    for b in blocks {
        let md = match b {
            Block::Para(spans) => paragraph(spans, formatted),
            Block::Table(rows) => table(rows),
        };
        if md.trim().is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&md);
    }
    out.push('\n');
    out
}

/// Whether the text is one sentence: no full stop before its last character.
fn one_sentence(text: &str) -> bool {
    let body = text.trim_end_matches(['。', '；', '：', ':', ';']);
    !body.contains(['。', '！', '？'])
}

fn paragraph(spans: &[Span], formatted: bool) -> String {
    let spans: Vec<Span> = spans
        .iter()
        .map(|s| Span {
            text: tidy_keep_edges(&s.text),
            bold: s.bold,
        })
        .filter(|s| !s.text.is_empty())
        .collect();
    let text: String = spans.iter().map(|s| s.text.as_str()).collect();
    let text = text.trim().to_string();
    if text.is_empty() {
        return String::new();
    }
    let n = text.chars().count();
    if H2.is_match(&text) && n <= 50 && one_sentence(&text) {
        return format!("## {}", escape(&text, false));
    }
    if H3.is_match(&text) && n <= 60 && one_sentence(&text) {
        return format!("### {}", escape(&text, false));
    }
    let md = if formatted && spans.iter().any(|s| s.bold) {
        spans
            .iter()
            .map(|s| {
                let t = escape(&s.text, false);
                if s.bold && !s.text.trim().is_empty() {
                    // Blanks stay outside the markers, or they would not close.
                    let lead = &t[..t.len() - t.trim_start().len()];
                    let trail = &t[t.trim_end().len()..];
                    format!("{lead}**{}**{trail}", t.trim())
                } else {
                    t
                }
            })
            .collect::<String>()
    } else if formatted {
        escape(&text, false)
    } else {
        bold_leads(&text)
    };
    escape_start(&md)
}

/// Plain text: the lead sentence after numbering, and 二是…。 sentences inside, in bold.
fn bold_leads(text: &str) -> String {
    let mut marks: Vec<std::ops::Range<usize>> = Vec::new();
    if LEAD_OPENER.is_match(text) {
        let end = text
            .char_indices()
            .find(|(_, c)| matches!(c, '。' | '；' | '：' | '！'));
        if let Some((i, c)) = end {
            let end = i + c.len_utf8();
            let lead_chars = text[..end].chars().count();
            // A short lead with text after it; a paragraph that is one sentence stays plain.
            if lead_chars <= 60 && end < text.len() {
                marks.push(0..end);
            }
        }
    }
    for m in LEAD_INSIDE.find_iter(text) {
        if marks.iter().all(|r| m.start() > r.end) && m.end() < text.len() {
            marks.push(m.range());
        }
    }
    let mut out = String::new();
    let mut at = 0;
    for r in marks {
        out.push_str(&escape(&text[at..r.start], false));
        out.push_str("**");
        out.push_str(&escape(&text[r.clone()], false));
        out.push_str("**");
        at = r.end;
    }
    out.push_str(&escape(&text[at..], false));
    out
}

/// Blanks inside Chinese text dropped, but a span's edges kept (they separate it from its
/// neighbours).
fn tidy_keep_edges(s: &str) -> String {
    let lead = s.starts_with(' ');
    let trail = s.ends_with(' ') && s.trim() != "";
    let mut t = tidy(s);
    if lead && !t.is_empty() && t.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        t.insert(0, ' ');
    }
    if trail && t.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        t.push(' ');
    }
    t
}

/// Backslash before the characters Markdown would read as markup; `|` too inside tables.
fn escape(s: &str, in_table: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '~' | '&'
        ) || (in_table && c == '|')
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A paragraph that would open as a heading, list or rule is escaped at its start.
fn escape_start(s: &str) -> String {
    static LIST: LazyLock<Regex> = LazyLock::new(|| re(r"^(\d{1,9})([.)])(\s|$)"));
    if s.starts_with(['#', '+', '-', '=']) {
        return format!("\\{s}");
    }
    if let Some(c) = LIST.captures(s) {
        return format!("{}\\{}", &c[1], &s[c[1].len()..]);
    }
    s.to_string()
}

fn table(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    if width == 0 {
        return String::new();
    }
    let cell = |r: &Vec<String>, i: usize| {
        r.get(i)
            .map(|c| escape(&tidy(c), true).replace('\n', " "))
            .unwrap_or_default()
    };
    let mut out = String::new();
    for (n, r) in rows.iter().enumerate() {
        out.push('|');
        for i in 0..width {
            out.push(' ');
            out.push_str(&cell(r, i));
            out.push_str(" |");
        }
        out.push('\n');
        if n == 0 {
            out.push('|');
            out.push_str(&" --- |".repeat(width));
            out.push('\n');
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(t: &str) -> Block {
        Block::Para(vec![Span {
            text: t.into(),
            bold: false,
        }])
    }

    #[test]
    fn numbering_becomes_headings_and_bold_leads() {
        let md = markdown(
            &[
                plain("一、提案办理期间开展的主要工作和措施"),
                plain(
                    "（一）狠抓党政领导责任的落实。一是科学安排部署。充分发挥职能。二是强化督导检查。带队检查。",
                ),
                plain("（三）认真开展安全教育培训"),
                plain("1、危险化学品领域风险隐患排查整治情况。深刻汲取教训。"),
                plain("    感谢您对我们工作的关心。"),
            ],
            false,
        );
        assert_eq!(
            md,
            "## 一、提案办理期间开展的主要工作和措施\n\n\
             **（一）狠抓党政领导责任的落实。**一是科学安排部署。充分发挥职能。**二是强化督导检查。**带队检查。\n\n\
             ### （三）认真开展安全教育培训\n\n\
             **1、危险化学品领域风险隐患排查整治情况。**深刻汲取教训。\n\n\
             感谢您对我们工作的关心。\n"
        );
    }

    #[test]
    fn bold_runs_of_a_formatted_source_and_markup_escaped() {
        let md = markdown(
            &[Block::Para(vec![
                Span {
                    text: "一是加强监管。".into(),
                    bold: true,
                },
                Span {
                    text: "对*重点*企业<b>检查</b>。".into(),
                    bold: false,
                },
            ])],
            true,
        );
        assert_eq!(
            md,
            "**一是加强监管。**对\\*重点\\*企业\\<b\\>检查\\</b\\>。\n"
        );
        assert_eq!(markdown(&[plain("# 不是标题")], false), "\\# 不是标题\n");
        assert_eq!(markdown(&[plain("2023. 年度")], false), "2023\\. 年度\n");
    }

    #[test]
    fn tables() {
        let md = markdown(
            &[Block::Table(vec![
                vec!["项目".into(), "金额|万元".into()],
                vec!["道路".into(), "50".into()],
            ])],
            true,
        );
        assert_eq!(md, "| 项目 | 金额\\|万元 |\n| --- | --- |\n| 道路 | 50 |\n");
    }
}
