//! Markdown → HTML for reply bodies.
//!
//! comrak with `cjk_friendly_emphasis`, because Chinese documents bold their lead sentences
//! as `**一是科学安排部署。**充分发挥…`, which CommonMark's flanking rules leave literal.
//! Every link and image address passes [`policy::check_url`]; refused ones become plain text
//! and are reported. Raw HTML is passed to the one sanitiser ([`policy::sanitizer`]), and only
//! when a document has any, so the common case pays nothing. Code fences are highlighted by syntect (pure-Rust regex) with classes.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::{self, Write};
use std::sync::{Mutex, OnceLock};

use comrak::adapters::{HeadingAdapter, HeadingMeta, SyntaxHighlighterAdapter};
use comrak::nodes::{NodeValue, Sourcepos};
use comrak::{Anchorizer, Arena, Options, options::Plugins};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};

use crate::policy::{self, UrlUse};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// A rendered body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// The text without markup, for excerpts and search.
    pub text: String,
    /// What the security policy refused (the page was rendered without it).
    pub problems: Vec<BodyProblem>,
}

/// A problem in a reply's body, at a 1-based line and character column of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyProblem {
    pub line: usize,
    pub column: usize,
    pub message: crate::messages::Msg,
    pub help: crate::messages::Msg,
}

/// Holds what is expensive to build once per run (the syntax set, loaded on first use).
pub struct MarkdownRenderer {
    syntaxes: OnceLock<SyntaxSet>,
    sanitizer: ammonia::Builder<'static>,
}

impl Default for MarkdownRenderer {
    fn default() -> Self {
        Self::new()
    }
}

impl MarkdownRenderer {
    pub fn new() -> Self {
        MarkdownRenderer {
            syntaxes: OnceLock::new(),
            sanitizer: policy::sanitizer(),
        }
    }

    fn options() -> Options<'static> {
        let mut o = Options::default();
        o.extension.table = true;
        o.extension.footnotes = true;
        o.extension.strikethrough = true;
        o.extension.autolink = true;
        o.extension.tasklist = true;
        o.extension.cjk_friendly_emphasis = true;
        // Raw HTML is rendered, then sanitised (see render()); never passed through unchecked.
        o.render.r#unsafe = true;
        o
    }

    pub fn render(&self, markdown: &str) -> Rendered {
        self.render_with(markdown, &|_| None)
    }

    /// Renders with links and images whose address `rewrite` maps (a reply's own attachment,
    /// `答复函.pdf`, to the name it is published under) changed before the policy sees them.
    pub fn render_with(
        &self,
        markdown: &str,
        rewrite: &dyn Fn(&str) -> Option<String>,
    ) -> Rendered {
        let arena = Arena::new();
        let options = Self::options();
        let root = comrak::parse_document(&arena, markdown, &options);
        for node in root.descendants() {
            let mut data = node.data_mut();
            if let NodeValue::Link(link) | NodeValue::Image(link) = &mut data.value
                && let Some(to) = rewrite(&link.url)
            {
                link.url = to;
            }
        }
        let mut has_raw_html = false;
        let mut has_table = false;
        let mut has_code = false;
        let mut refused = Vec::new();
        let mut text = String::with_capacity(markdown.len());
        for node in root.descendants() {
            match &node.data().value {
                NodeValue::HtmlBlock(_) | NodeValue::HtmlInline(_) => has_raw_html = true,
                NodeValue::Table(_) => has_table = true,
                NodeValue::Link(link) => {
                    if let Err(why) = policy::check_url(&link.url, UrlUse::Link) {
                        refused.push((node, why, UrlUse::Link));
                    }
                }
                NodeValue::Image(link) => {
                    if let Err(why) = policy::check_url(&link.url, UrlUse::Image) {
                        refused.push((node, why, UrlUse::Image));
                    }
                }
                NodeValue::CodeBlock(c) => {
                    has_code = true;
                    text.push_str(&c.literal);
                    text.push('\n');
                }
                NodeValue::Text(t) => text.push_str(t),
                NodeValue::Code(c) => text.push_str(&c.literal),
                NodeValue::SoftBreak | NodeValue::LineBreak => text.push('\n'),
                NodeValue::Paragraph | NodeValue::Heading(_) | NodeValue::TableCell
                    if !text.is_empty() && !text.ends_with('\n') =>
                {
                    text.push('\n');
                }
                _ => {}
            }
        }
        // A refused link or image is replaced by its text: the words stay, the address goes.
        let mut problems = Vec::with_capacity(refused.len());
        for (node, why, usage) in refused {
            let pos = node.data().sourcepos.start;
            let message = match usage {
                UrlUse::Link => crate::msg!("unsafe-link", why = why),
                UrlUse::Image => crate::msg!("unsafe-image", why = why),
            };
            problems.push(BodyProblem {
                line: pos.line,
                column: char_column(markdown, pos.line, pos.column),
                message,
                help: policy::url_help(usage),
            });
            let children: Vec<_> = node.children().collect();
            for child in children {
                node.insert_before(child);
            }
            node.detach();
        }
        if has_raw_html && let Some(p) = nesting_problem(markdown) {
            problems.push(p);
            has_raw_html = false;
            // Too deep to sanitise in reasonable time: the raw HTML is left out entirely.
            let html_nodes: Vec<_> = root
                .descendants()
                .filter(|n| {
                    matches!(
                        n.data().value,
                        NodeValue::HtmlBlock(_) | NodeValue::HtmlInline(_)
                    )
                })
                .collect();
            for n in html_nodes {
                n.detach();
            }
        }
        let headings = Headings {
            anchors: Mutex::new(Anchorizer::new()),
        };
        let highlighter = has_code.then(|| Highlighter {
            syntaxes: self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines),
        });
        let mut plugins = Plugins::default();
        plugins.render.heading_adapter = Some(&headings);
        if let Some(h) = &highlighter {
            plugins.render.codefence_syntax_highlighter = Some(h);
        }
        let mut html = String::with_capacity(markdown.len() * 2);
        // Writing into a String cannot fail.
        let _ = comrak::format_html_with_plugins(root, &options, &mut html, &plugins);
        // Raw HTML is cleaned; so is a table's HTML, which gets its tab stop there.
        if has_raw_html || has_table {
            html = self.sanitizer.clean(&html).to_string();
        }
        Rendered {
            html,
            text,
            problems,
        }
    }
}

/// 1-based character column of a 1-based byte column on a 1-based line.
fn char_column(text: &str, line: usize, byte_column: usize) -> usize {
    let Some(l) = text.split('\n').nth(line.saturating_sub(1)) else {
        return byte_column;
    };
    let mut end = byte_column.saturating_sub(1).min(l.len());
    while !l.is_char_boundary(end) {
        end -= 1;
    }
    l[..end].chars().count() + 1
}

/// How deep raw HTML elements may nest. Real replies nest a few levels (a table in a div);
/// the HTML parser's work grows with the square of the depth, so absurd nesting would stall
/// a build or the preview for minutes.
pub const MAX_HTML_DEPTH: usize = 100;

/// Refuses raw HTML nested deeper than [`MAX_HTML_DEPTH`]. A linear scan of start and end
/// tags; void elements, elements whose end tag may be left out (`p`, `li`, `td` …) and
/// self-closing tags do not count, so the depth is never overestimated.
fn nesting_problem(markdown: &str) -> Option<BodyProblem> {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "p", "li", "td", "th", "tr", "dt", "dd", "option",
    ];
    let bytes = markdown.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(off) = bytes[i..].iter().position(|&c| c == b'<') {
        let at = i + off;
        let rest = &markdown[at + 1..];
        let closing = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        i = at + 1;
        if name.is_empty() || VOID.contains(&name.as_str()) {
            continue;
        }
        let tag_end = rest.find('>').map_or(rest.len(), |e| e);
        if closing {
            depth = depth.saturating_sub(1);
        } else if !rest[..tag_end].ends_with('/') {
            depth += 1;
            if depth > MAX_HTML_DEPTH {
                let line = markdown[..at].matches('\n').count() + 1;
                let line_start = markdown[..at].rfind('\n').map_or(0, |p| p + 1);
                return Some(BodyProblem {
                    line,
                    column: markdown[line_start..at].chars().count() + 1,
                    message: crate::msg!("html-too-deep", depth = MAX_HTML_DEPTH),
                    help: crate::msg!("html-too-deep-help"),
                });
            }
        }
    }
    None
}

/// `<h2 id="…">` with ids made from the heading text (stable while the text stays).
struct Headings {
    anchors: Mutex<Anchorizer>,
}

impl HeadingAdapter for Headings {
    fn enter(
        &self,
        out: &mut dyn Write,
        heading: &HeadingMeta,
        _pos: Option<Sourcepos>,
    ) -> fmt::Result {
        let id = match self.anchors.lock() {
            Ok(mut a) => a.anchorize(&heading.content),
            Err(_) => String::new(),
        };
        let id = if id.is_empty() {
            "section".to_string()
        } else {
            id
        };
        write!(out, "<h{} id=\"{}\">", heading.level, escape_attr(&id))
    }
    fn exit(&self, out: &mut dyn Write, heading: &HeadingMeta) -> fmt::Result {
        write!(out, "</h{}>", heading.level)
    }
}

struct Highlighter<'s> {
    syntaxes: &'s SyntaxSet,
}

impl SyntaxHighlighterAdapter for Highlighter<'_> {
    fn write_highlighted(
        &self,
        out: &mut dyn Write,
        lang: Option<&str>,
        code: &str,
    ) -> fmt::Result {
        let syntax = lang
            .and_then(|l| self.syntaxes.find_syntax_by_token(l))
            .unwrap_or_else(|| self.syntaxes.find_syntax_plain_text());
        let mut gen_ = ClassedHTMLGenerator::new_with_class_style(
            syntax,
            self.syntaxes,
            ClassStyle::SpacedPrefixed {
                prefix: policy::HIGHLIGHT_PREFIX,
            },
        );
        for line in LinesWithEndings::from(code) {
            if gen_
                .parse_html_for_line_which_includes_newline(line)
                .is_err()
            {
                // A grammar that fails on this input: show the code plain rather than fail.
                return out.write_str(&escape_text(code));
            }
        }
        out.write_str(&gen_.finalize())
    }
    fn write_pre_tag(
        &self,
        out: &mut dyn Write,
        _attrs: HashMap<&'static str, Cow<'_, str>>,
    ) -> fmt::Result {
        out.write_str("<pre class=\"code\">")
    }
    fn write_code_tag(
        &self,
        out: &mut dyn Write,
        attrs: HashMap<&'static str, Cow<'_, str>>,
    ) -> fmt::Result {
        match attrs.get("class") {
            Some(c) => write!(out, "<code class=\"{}\">", escape_attr(c)),
            None => out.write_str("<code>"),
        }
    }
}

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        MarkdownRenderer::new().render(md).html
    }

    #[test]
    fn cjk_bold_lead_sentence_is_bold() {
        let out = html(
            "（一）狠抓落实。**一是科学安排部署。**充分发挥我局职能，**二是强化督导检查。**来鹤书记带头。",
        );
        assert!(
            out.contains("<strong>一是科学安排部署。</strong>充分发挥"),
            "{out}"
        );
        assert!(
            out.contains("<strong>二是强化督导检查。</strong>来鹤"),
            "{out}"
        );
        assert!(!out.contains("**"), "{out}");
    }

    #[test]
    fn tables_footnotes_strikethrough() {
        let out = html(
            "| 县区 | 隐患 |\n| --- | ---: |\n| 新抚区 | 12 |\n\n正文[^1]，~~删除~~。\n\n[^1]: 注释。\n",
        );
        assert!(
            out.contains("<table tabindex=\"0\">"),
            "a table is a tab stop: {out}"
        );
        assert!(out.contains("新抚区"));
        assert!(out.contains("<del>删除</del>"), "{out}");
        assert!(out.contains("footnote"), "{out}");
    }

    #[test]
    fn headings_get_stable_unique_ids() {
        let out = html("## 一、主要工作\n\n## 一、主要工作\n\n### Plan B\n");
        assert!(
            out.contains("<h2 id=\"一主要工作\">一、主要工作</h2>"),
            "{out}"
        );
        assert!(out.contains("<h2 id=\"一主要工作-1\">"), "{out}");
        assert!(out.contains("<h3 id=\"plan-b\">"), "{out}");
    }

    #[test]
    fn raw_html_is_sanitised() {
        let out = html(
            "段落<script>alert(1)</script><b onclick=\"x()\">粗</b>\n\n<img src=x onerror=alert(1)>\n",
        );
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("onclick"), "{out}");
        assert!(!out.contains("onerror"), "{out}");
        assert!(out.contains("<b>粗</b>"), "{out}");
    }

    #[test]
    fn code_fences_are_highlighted_with_classes() {
        let out = html("```json\n{\"年度\": 2023}\n```\n");
        assert!(out.contains("<pre class=\"code\">"), "{out}");
        assert!(out.contains("class=\"hl-"), "{out}");
        assert!(!out.contains("style="), "{out}");
    }

    #[test]
    fn nested_lists_and_plain_text() {
        let r = MarkdownRenderer::new().render("1. 第一\n   - 甲\n   - 乙\n2. 第二\n");
        assert!(
            r.html.matches("<ul>").count() == 1 && r.html.contains("<ol>"),
            "{}",
            r.html
        );
        assert!(r.text.contains("甲") && !r.text.contains('<'));
    }

    /// Random documents from a grammar of dangerous constructs: whatever mix of Markdown and
    /// raw HTML a hostile author writes, the page has no script-capable address, event
    /// handler, style beyond table alignment, form or password field, or active element.
    #[test]
    fn no_generated_document_gets_a_script_or_trap_onto_the_page() {
        const SCHEMES: &[&str] = &[
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "&#106;avascript:alert(1)",
            "jav&#x09;ascript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "data:image/svg+xml,<svg onload=alert(1)>",
            "file:///etc/passwd",
            "https://www.gov.cn/",
            "附件.pdf",
            "#fn-1",
        ];
        const PIECES: &[&str] = &[
            "[链接](URL)",
            "[链接](URL \"标题\")",
            "![图](URL)",
            "<URL>",
            "[引用][r]\n\n[r]: URL\n",
            "![引用图][i]\n\n[i]: URL\n",
            "<a href=\"URL\">甲</a>",
            "<a href='URL' onclick=\"alert(1)\">乙</a>",
            "<img src=\"URL\" onerror=\"alert(1)\">",
            "<iframe src=\"URL\"></iframe>",
            "<object data=\"URL\"></object><embed src=\"URL\">",
            "<form action=\"URL\"><input type=\"password\" name=p><button>登录</button></form>",
            "<input type=\"text\" value=\"x\"><textarea>x</textarea><select><option>1</option></select>",
            "<table><tr><td style=\"text-align:left;position:fixed;inset:0\">丙</td></tr></table>",
            "<div style=\"position:fixed;top:0;background:url(URL)\">网站已迁移，请输入密码</div>",
            "<p style=\"text-align: center\">丁</p>",
            "<svg><script>alert(1)</script></svg><math><mi xlink:href=\"URL\">x</mi></math>",
            "<script>alert(1)</script><style>body{display:none}</style>",
            "<meta http-equiv=\"refresh\" content=\"0;url=URL\"><base href=\"URL\"><link rel=stylesheet href=\"URL\">",
            "<details open ontoggle=\"alert(1)\"><summary>x</summary></details>",
            "<div class=\"skip-link overlay\" id=\"search-input\">戊</div>",
            "<a href=\"URL\" target=\"_blank\" formaction=\"URL\">己</a>",
            "**粗体** 普通文字 `代码`",
            "\n\n| 甲 | 乙 |\n| :-- | --: |\n| 1 | 2 |\n\n",
            "\n\n- [x] 完成\n- [ ] 未完成\n\n",
            "\n\n```html\n<script>alert(1)</script>\n```\n\n",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: usize| -> usize {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let renderer = MarkdownRenderer::new();
        for round in 0..400 {
            let mut doc = String::new();
            for _ in 0..1 + next(6) {
                let piece = PIECES[next(PIECES.len())];
                doc.push_str(&piece.replace("URL", SCHEMES[next(SCHEMES.len())]));
                doc.push_str(if next(3) == 0 { "\n\n" } else { " " });
            }
            let out = renderer.render(&doc).html;
            let fail = |why: &str| panic!("round {round}: {why}\ninput: {doc}\noutput: {out}");
            check_page_fragment(&out).unwrap_or_else(|why| fail(&why));
        }
    }

    /// Tokenises `html` and returns what a published page must never hold.
    fn check_page_fragment(html: &str) -> Result<(), String> {
        use html5ever::tokenizer::{
            BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
        };
        use std::cell::RefCell;
        struct Sink(RefCell<Vec<String>>);
        impl TokenSink for Sink {
            type Handle = ();
            fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
                let Token::TagToken(tag) = token else {
                    return TokenSinkResult::Continue;
                };
                if tag.kind != TagKind::StartTag {
                    return TokenSinkResult::Continue;
                }
                let name = tag.name.to_string();
                let mut bad = self.0.borrow_mut();
                if !TAGS_SEEN_OK.contains(&name.as_str()) {
                    bad.push(format!("element <{name}>"));
                }
                for a in &tag.attrs {
                    let attr = a.name.local.to_string();
                    let value = a.value.to_string();
                    if attr.starts_with("on") || attr == "formaction" || attr == "target" {
                        bad.push(format!("attribute {attr}"));
                    }
                    if attr == "href" && policy::check_url(&value, UrlUse::Link).is_err() {
                        bad.push(format!("href {value}"));
                    }
                    if attr == "src" && policy::check_url(&value, UrlUse::Image).is_err() {
                        bad.push(format!("src {value}"));
                    }
                    if attr == "style"
                        && policy::table_alignment(&value).as_deref() != Some(value.as_str())
                    {
                        bad.push(format!("style {value}"));
                    }
                    if name == "input" && attr == "type" && value != "checkbox" {
                        bad.push(format!("input type {value}"));
                    }
                    if attr == "class"
                        && value.split(' ').any(|c| c == "skip-link" || c == "overlay")
                    {
                        bad.push(format!("class {value}"));
                    }
                }
                TokenSinkResult::Continue
            }
        }
        const TAGS_SEEN_OK: &[&str] = &[
            "a",
            "b",
            "blockquote",
            "br",
            "code",
            "del",
            "details",
            "div",
            "em",
            "figure",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "hr",
            "i",
            "img",
            "input",
            "li",
            "ol",
            "p",
            "pre",
            "section",
            "span",
            "strong",
            "sub",
            "summary",
            "sup",
            "table",
            "tbody",
            "td",
            "th",
            "thead",
            "tr",
            "ul",
        ];
        let sink = Sink(RefCell::new(Vec::new()));
        let tok = Tokenizer::new(sink, TokenizerOpts::default());
        let input = BufferQueue::default();
        input.push_back(html.into());
        let _ = tok.feed(&input);
        tok.end();
        let bad = tok.sink.0.into_inner();
        if bad.is_empty() {
            Ok(())
        } else {
            Err(bad.join(", "))
        }
    }

    #[test]
    fn refused_links_become_text_and_are_reported_where_they_are() {
        let r = MarkdownRenderer::new().render(
            "正文\n\n[查看附件](javascript:alert(document.domain)) 与 <vbscript:x> 与 ![图](data:image/png;base64,AA)\n\n[参考][r]\n\n[r]: JAVASCRIPT:alert(1)\n",
        );
        // The words stay as text; no address is left.
        assert!(
            !r.html.contains("href") && !r.html.contains("src"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("查看附件") && r.html.contains("参考"),
            "{}",
            r.html
        );
        let at: Vec<(usize, usize)> = r.problems.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(
            at,
            vec![(3, 1), (3, 45), (3, 60), (5, 1)],
            "{:?}",
            r.problems
        );
        assert!(r.problems[0].message.en().contains("javascript:"));
    }

    #[test]
    fn absurdly_nested_html_is_refused_quickly() {
        let deep = format!("{}x{}", "<div>".repeat(50_000), "</div>".repeat(50_000));
        let start = std::time::Instant::now();
        let r = MarkdownRenderer::new().render(&deep);
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
        assert_eq!(r.problems.len(), 1);
        assert!(
            r.problems[0].message.en().contains("nested"),
            "{:?}",
            r.problems
        );
        assert!(!r.html.contains("<div>"));
        let ok = format!("{}x{}", "<div>".repeat(40), "</div>".repeat(40));
        assert!(MarkdownRenderer::new().render(&ok).problems.is_empty());
    }
}
