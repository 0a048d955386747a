//! The security policy, in one place: what a reply may link to, what HTML it may contain,
//! and how text is made safe for each output format. Every writer calls these; none has a
//! rule of its own. Everything is an allow-list: what is not named here does not pass.
//!
//! - Links and images: [`check_url`] (relative addresses, `#fragments`, and the schemes in
//!   [`LINK_SCHEMES`] / [`IMAGE_SCHEMES`]).
//! - Raw HTML in Markdown: [`sanitizer`] (elements, attributes, classes and CSS properties).
//! - Spreadsheet cells: [`csv_cell`] (no formulas).
//! - XML text and attributes: [`xml_text`] (only characters XML 1.0 allows).
//! - Source text: [`is_forbidden_char`] (control characters are replaced when a file is read).
//! - Attachments: [`attachment_type`] (documents, spreadsheets, images and archives by
//!   extension; nothing a browser would run: no HTML, SVG, scripts or programs).

use std::borrow::Cow;
use std::collections::HashSet;

/// Class prefix of highlighted code tokens, the only classes a reply's HTML may carry;
/// `highlight.css` in the theme uses the same.
pub const HIGHLIGHT_PREFIX: &str = "hl-";

/// Schemes a link (`<a href>`) may use. Anything else (`javascript:`, `data:`, `vbscript:`,
/// `file:` …) is refused.
pub const LINK_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];
/// Schemes an image (`<img src>`) may use.
pub const IMAGE_SCHEMES: &[&str] = &["http", "https"];

/// The kinds of file a reply may attach (附件), by lower-case extension: what the reply page
/// calls it and its media type. A browser opens or downloads these; none can run a script
/// in the site's origin.
pub const ATTACHMENT_TYPES: &[(&str, &str, &str)] = &[
    ("pdf", "PDF 文档", "application/pdf"),
    ("ofd", "OFD 版式文档", "application/ofd"),
    ("doc", "Word 文档", "application/msword"),
    (
        "docx",
        "Word 文档",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("wps", "WPS 文档", "application/vnd.ms-works"),
    ("xls", "Excel 表格", "application/vnd.ms-excel"),
    (
        "xlsx",
        "Excel 表格",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("et", "WPS 表格", "application/vnd.ms-excel"),
    ("csv", "CSV 表格", "text/csv"),
    ("txt", "文本文件", "text/plain"),
    ("jpg", "图片", "image/jpeg"),
    ("jpeg", "图片", "image/jpeg"),
    ("png", "图片", "image/png"),
    ("zip", "压缩包", "application/zip"),
];

/// The kind (as the reply page calls it) and media type of an attachment named `name`; `None` for a kind
/// of file a reply may not attach.
pub fn attachment_type(name: &str) -> Option<(&'static str, &'static str)> {
    let ext = std::path::Path::new(name)
        .extension()?
        .to_str()?
        .to_ascii_lowercase();
    ATTACHMENT_TYPES
        .iter()
        .find(|(e, _, _)| *e == ext)
        .map(|&(_, kind, mime)| (kind, mime))
}

/// What an address is used for: the allowed schemes differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlUse {
    Link,
    Image,
}

/// Whether `url` may appear on a page as a link or image address; the reason when not.
///
/// Browsers drop leading and trailing spaces and control characters, and tabs and line breaks
/// anywhere, before they read the scheme (`java\tscript:` is `javascript:`): so does this.
/// An address without a scheme (relative, `/absolute`, `//host`, `#fragment`, `?query`) is
/// allowed; an address whose scheme is not on the list is refused, and so is anything with a
/// colon before the first `/`, `?` or `#` that is not a listed scheme.
pub fn check_url(url: &str, usage: UrlUse) -> Result<(), crate::messages::Msg> {
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    let cleaned: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if cleaned.chars().any(|c| c.is_control()) {
        return Err(crate::msg!("url-control-chars"));
    }
    let Some(end) = cleaned.find([':', '/', '?', '#']) else {
        return Ok(());
    };
    if !cleaned[end..].starts_with(':') {
        return Ok(());
    }
    let scheme = cleaned[..end].to_ascii_lowercase();
    let allowed = match usage {
        UrlUse::Link => LINK_SCHEMES,
        UrlUse::Image => IMAGE_SCHEMES,
    };
    if allowed.contains(&scheme.as_str()) {
        Ok(())
    } else if scheme.is_empty() {
        Err(crate::msg!("url-starts-with-colon"))
    } else {
        Err(crate::msg!("url-scheme-refused", scheme = scheme))
    }
}

/// The help that goes with a refused address.
pub fn url_help(usage: UrlUse) -> crate::messages::Msg {
    let list = match usage {
        UrlUse::Link => LINK_SCHEMES,
        UrlUse::Image => IMAGE_SCHEMES,
    };
    let schemes: Vec<String> = list.iter().map(|s| format!("{s}:")).collect();
    crate::msg!("url-help", schemes = schemes.join(", "))
}

/// Elements raw HTML in a reply may use: text structure, tables, lists, figures. No forms,
/// no embedded content besides images, no scripts or styles.
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
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
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "wbr",
];

/// Classes that Markdown rendering itself writes; anything else is removed (a reply must not
/// borrow the theme's classes to draw over the page).
fn class_allowed(class: &str) -> bool {
    class.starts_with(HIGHLIGHT_PREFIX)
        || class.starts_with("language-")
        || matches!(
            class,
            "footnotes" | "footnote-ref" | "footnote-backref" | "code" | "task-list-item"
        )
}

/// The one HTML sanitiser configuration: what ammonia keeps of a reply's raw HTML.
pub fn sanitizer() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::empty();
    b.tags(TAGS.iter().copied().collect::<HashSet<_>>());
    b.clean_content_tags(["script", "style"].into_iter().collect::<HashSet<_>>());
    b.generic_attributes(
        ["id", "class", "title", "lang", "dir"]
            .into_iter()
            .collect::<HashSet<_>>(),
    );
    b.add_tag_attributes("a", ["href", "hreflang"]);
    b.add_tag_attributes(
        "a",
        [
            "data-footnote-ref",
            "data-footnote-backref",
            "data-footnote-backref-idx",
            "aria-label",
        ],
    );
    b.add_tag_attributes("img", ["src", "alt", "width", "height"]);
    // A wide table scrolls inside its box on a phone: keyboard users must be able to reach
    // and scroll it, so every table is a tab stop (never the author's own tabindex).
    b.set_tag_attribute_value("table", "tabindex", "0");
    b.add_tag_attributes("th", ["align", "style", "colspan", "rowspan", "scope"]);
    b.add_tag_attributes("td", ["align", "style", "colspan", "rowspan"]);
    b.add_tag_attributes("col", ["span"]);
    b.add_tag_attributes("colgroup", ["span"]);
    b.add_tag_attributes("ol", ["start", "reversed", "type"]);
    b.add_tag_attributes("li", ["value"]);
    b.add_tag_attributes("time", ["datetime"]);
    b.add_tag_attributes("section", ["data-footnotes"]);
    b.add_tag_attributes("details", ["open"]);
    // Only task-list boxes: whatever `type` an author writes, an input is a disabled checkbox.
    b.add_tag_attributes("input", ["checked"]);
    b.set_tag_attribute_value("input", "type", "checkbox");
    b.set_tag_attribute_value("input", "disabled", "");
    b.url_schemes(LINK_SCHEMES.iter().copied().collect::<HashSet<_>>());
    b.attribute_filter(|element, attribute, value| match attribute {
        "href" => check_url(value, UrlUse::Link).ok().map(|_| value.into()),
        "src" => check_url(value, UrlUse::Image).ok().map(|_| value.into()),
        "style" => table_alignment(value).map(Cow::Owned),
        "class" => {
            let kept: Vec<&str> = value
                .split_ascii_whitespace()
                .filter(|c| class_allowed(c))
                .collect();
            (!kept.is_empty()).then(|| Cow::Owned(kept.join(" ")))
        }
        "width" | "height" | "colspan" | "rowspan" | "span" | "start" | "value" => {
            let ok =
                !value.is_empty() && value.len() <= 4 && value.bytes().all(|b| b.is_ascii_digit());
            let _ = element;
            ok.then(|| value.into())
        }
        _ => Some(value.into()),
    });
    b.link_rel(Some("noopener noreferrer"));
    b
}

/// The one CSS declaration a reply's HTML may carry: a table cell's `text-align` (which
/// Markdown tables write). Returns it normalised, or `None` for anything else.
pub fn table_alignment(style: &str) -> Option<String> {
    let decl = style.trim().trim_end_matches(';').trim();
    let (property, value) = decl.split_once(':')?;
    if !property.trim().eq_ignore_ascii_case("text-align") {
        return None;
    }
    let value = value.trim().to_ascii_lowercase();
    matches!(value.as_str(), "left" | "center" | "right").then(|| format!("text-align: {value}"))
}

/// A spreadsheet cell that cannot run: a value that Excel, WPS or LibreOffice would read as
/// a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with
/// an apostrophe, the spreadsheets' own mark for "text".
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠') => {
            Cow::Owned(format!("'{s}"))
        }
        _ => Cow::Borrowed(s),
    }
}

/// Characters no page or feed may carry: C0 and C1 controls other than tab and line feed,
/// and the non-characters U+FFFE and U+FFFF (invalid in XML 1.0, errors in HTML).
pub fn is_forbidden_char(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n') || c == '\u{FFFE}' || c == '\u{FFFF}'
}

/// Text that XML 1.0 accepts: forbidden characters dropped (carriage returns too: XML
/// parsers would turn them into line feeds anyway).
pub fn xml_text(s: &str) -> Cow<'_, str> {
    if s.chars().any(is_forbidden_char) {
        Cow::Owned(s.chars().filter(|&c| !is_forbidden_char(c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// Replaces each forbidden character with a space (so that columns of later diagnostics stay
/// where they were) and returns the byte offsets, in the new text, of those replaced.
pub fn replace_forbidden(text: &str) -> (Cow<'_, str>, Vec<(usize, char)>) {
    if !text.chars().any(is_forbidden_char) {
        return (Cow::Borrowed(text), Vec::new());
    }
    let mut out = String::with_capacity(text.len());
    let mut found = Vec::new();
    for c in text.chars() {
        if is_forbidden_char(c) {
            found.push((out.len(), c));
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    (Cow::Owned(out), found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_schemes_are_refused_in_every_spelling() {
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
            "file:///etc/passwd",
            "c:\\windows",
            ":foo",
            "jav\u{0}ascript:x",
        ] {
            assert!(check_url(bad, UrlUse::Link).is_err(), "{bad:?}");
            assert!(check_url(bad, UrlUse::Image).is_err(), "{bad:?}");
        }
        assert!(check_url("data:image/png;base64,AAAA", UrlUse::Image).is_err());
        assert!(check_url("mailto:a@b.cn", UrlUse::Image).is_err());
    }

    #[test]
    fn ordinary_addresses_pass() {
        for good in [
            "https://www.gov.cn/",
            "HTTP://example.cn",
            "mailto:office@example.gov.cn",
            "tel:024-86892975",
            "答复函.pdf",
            "./附件/表1.xlsx",
            "../2023/",
            "/jyta/",
            "//cdn.example.cn/a.png",
            "#fn-1",
            "?page=2",
            "a/b:c",
            "",
        ] {
            assert!(check_url(good, UrlUse::Link).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn only_table_alignment_is_kept_in_styles() {
        assert_eq!(
            table_alignment("text-align: left").as_deref(),
            Some("text-align: left")
        );
        assert_eq!(
            table_alignment("TEXT-ALIGN:Center;").as_deref(),
            Some("text-align: center")
        );
        for bad in [
            "text-align:left;position:fixed;inset:0",
            "text-align:left;background:url(https://x)",
            "position:fixed",
            "text-align: expression(alert(1))",
            "",
        ] {
            assert_eq!(table_alignment(bad), None, "{bad}");
        }
    }

    #[test]
    fn formulas_become_text() {
        for f in [
            "=HYPERLINK(\"x\")",
            "+1",
            "-1+2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "＝1",
        ] {
            assert!(csv_cell(f).starts_with('\''), "{f:?}");
        }
        assert_eq!(csv_cell("146"), "146");
        assert_eq!(csv_cell("024-86892975"), "024-86892975");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn xml_text_drops_what_xml_forbids() {
        assert_eq!(xml_text("a\u{0}b\u{8}c\u{1b}d\u{FFFF}\u{85}"), "abcd");
        assert_eq!(xml_text("行一\n\t行二"), "行一\n\t行二");
        let (t, found) = replace_forbidden("标\u{8}题\u{0}");
        assert_eq!(t, "标 题 ");
        assert_eq!(found, vec![(3, '\u{8}'), (7, '\u{0}')]);
    }

    #[test]
    fn the_sanitizer_keeps_structure_and_drops_traps() {
        let clean = |s: &str| sanitizer().clean(s).to_string();
        let out = clean(
            r#"<table><tr><td style="text-align:left;position:fixed;inset:0;z-index:99999">x</td><th style="text-align: right">y</th></tr></table>"#,
        );
        assert!(out.contains(r#"<td>x</td>"#), "{out}");
        assert!(
            out.contains(r#"<th style="text-align: right">y</th>"#),
            "{out}"
        );
        let out = clean(
            r#"<form action="https://evil"><input type="password" name="p"><button>登录</button></form>"#,
        );
        assert!(
            !out.contains("<form") && !out.contains("password") && !out.contains("<button"),
            "{out}"
        );
        assert!(
            out.contains(r#"type="checkbox""#) && out.contains("disabled"),
            "{out}"
        );
        let out = clean(
            r#"<a href="javascript:alert(1)">x</a><img src="data:image/svg+xml,<svg onload=alert(1)>"><div class="overlay hl-k">z</div>"#,
        );
        assert!(
            !out.contains("javascript") && !out.contains("data:"),
            "{out}"
        );
        assert!(out.contains(r#"<div class="hl-k">"#), "{out}");
        let out = clean(
            r#"<iframe src="https://x"></iframe><object data="x"></object><svg><script>1</script></svg><style>*{}</style><math></math>"#,
        );
        for bad in ["iframe", "object", "svg", "script", "style", "math"] {
            assert!(!out.contains(bad), "{bad}: {out}");
        }
    }
}
