//! Reading a letter: `.txt` (with its encoding detected), `.docx` (the document XML) and
//! `.html` (the article and the 政府信息公开 metadata table) all become one [`Letter`]:
//! paragraphs of text with the spans the source made bold, tables, and labelled metadata.

use crate::messages::Msg;
use crate::msg;
use std::collections::HashMap;
use std::io::Read;

use quick_xml::events::Event;
use scraper::{ElementRef, Html, Node};

pub use crate::search::tokenize::is_han;

/// One piece of a paragraph; `bold` when the source marked it so.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub text: String,
    pub bold: bool,
}

/// A block of the letter, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Para(Vec<Span>),
    Table(Vec<Vec<String>>),
}

impl Block {
    /// The block's text (a table's cells joined by spaces, rows by newlines).
    pub fn text(&self) -> String {
        match self {
            Block::Para(spans) => spans.iter().map(|s| s.text.as_str()).collect(),
            Block::Table(rows) => rows
                .iter()
                .map(|r| r.join("  "))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

/// A letter as read, before any field is recognised.
#[derive(Debug, Default)]
pub struct Letter {
    pub blocks: Vec<Block>,
    /// Labelled metadata found outside the text (an HTML page's 政府信息公开 table).
    pub meta: Vec<(String, String)>,
    /// Whether the source can mark bold text (docx, html): then only what it marks is bold.
    pub formatted: bool,
    /// How a text file was decoded (UTF-8, GB18030, UTF-16LE …).
    pub encoding: Option<&'static str>,
}

/// Why an input could not be read.
#[derive(Debug)]
pub enum Unreadable {
    /// Not a kind of file dafu reads.
    Skipped(Msg),
    /// A file of a known kind that is damaged or cannot be opened.
    Failed(Msg),
}

/// Largest input read, and largest part unpacked from a .docx: a letter is far smaller,
/// and a hostile archive must not exhaust memory.
const MAX_BYTES: u64 = 64 << 20;

/// Reads one input by its extension.
pub fn read(path: &std::path::Path) -> Result<Letter, Unreadable> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !matches!(ext.as_str(), "txt" | "text" | "docx" | "html" | "htm") {
        let what = if ext.is_empty() {
            msg!("import-no-extension")
        } else if ext == "doc" || ext == "wps" {
            msg!("import-old-word", ext = ext)
        } else if ext == "pdf" {
            msg!("import-pdf")
        } else {
            msg!("import-unsupported", ext = ext)
        };
        return Err(Unreadable::Skipped(what));
    }
    let io = |e: std::io::Error| Unreadable::Failed(msg!("io-error", error = e.to_string()));
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > MAX_BYTES {
        return Err(Unreadable::Failed(msg!(
            "import-too-large",
            size = meta.len() >> 20,
            max = MAX_BYTES >> 20
        )));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    match ext.as_str() {
        "docx" => docx(&bytes).map_err(Unreadable::Failed),
        "html" | "htm" => {
            let (text, _) = decode(&bytes);
            Ok(html(&text))
        }
        _ => {
            let (text, encoding) = decode(&bytes);
            let mut letter = txt(&text);
            letter.encoding = Some(encoding);
            Ok(letter)
        }
    }
}

/// Decodes text bytes: a byte-order mark first, then UTF-16 without one (every other byte
/// zero), then UTF-8 when the bytes are valid UTF-8, else GB18030 (which includes GBK and
/// GB2312, what older Chinese Windows software writes). Returns the encoding's name.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        let name = match enc.name() {
            "UTF-8" => "UTF-8 (BOM)",
            "UTF-16LE" => "UTF-16LE",
            _ => "UTF-16BE",
        };
        return (text.into_owned(), name);
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        return (text.into_owned(), enc.name());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            (text.into_owned(), "GB18030")
        }
    }
}

/// UTF-16 without a byte-order mark: ASCII characters (newlines, digits) leave a zero byte in
/// every other position, which GBK and UTF-8 text never has.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let pairs = bytes.len() / 2;
    let even_zero = bytes.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_zero = bytes.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let enough = (pairs / 20).max(1);
    if odd_zero >= enough && even_zero == 0 {
        Some(encoding_rs::UTF_16LE)
    } else if even_zero >= enough && odd_zero == 0 {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Plain text: every non-empty line is a paragraph (pasted letters keep one per line).
pub fn txt(text: &str) -> Letter {
    let blocks = text
        .lines()
        .map(|l| l.trim_matches(is_blank))
        .filter(|l| !l.is_empty())
        .map(|l| {
            Block::Para(vec![Span {
                text: l.to_string(),
                bold: false,
            }])
        })
        .collect();
    Letter {
        blocks,
        ..Letter::default()
    }
}

/// Blank characters, including the ideographic space and no-break space letters pad with.
pub fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}' || c == '\u{feff}'
}

// ---------------------------------------------------------------- .docx

fn zip_part(archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>, name: &str) -> Option<String> {
    let file = archive.by_name(name).ok()?;
    let mut out = String::new();
    file.take(MAX_BYTES).read_to_string(&mut out).ok()?;
    Some(out)
}

/// A Word document: paragraphs with their bold runs and automatic numbering, and tables.
pub fn docx(bytes: &[u8]) -> Result<Letter, Msg> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| msg!("import-docx-not-zip", error = e.to_string()))?;
    let document = zip_part(&mut archive, "word/document.xml")
        .ok_or_else(|| msg!("import-docx-no-document"))?;
    let numbering = zip_part(&mut archive, "word/numbering.xml")
        .map(|x| Numbering::parse(&x))
        .unwrap_or_default();
    let bold_styles = zip_part(&mut archive, "word/styles.xml")
        .map(|x| bold_styles(&x))
        .unwrap_or_default();
    parse_document(&document, numbering, &bold_styles)
}

/// Whether a `w:b`-like element switches bold on (`w:val` absent, or not "0"/"false").
fn toggled_on(e: &quick_xml::events::BytesStart) -> bool {
    !e.attributes()
        .flatten()
        .any(|a| a.key.0 == "w:val" && matches!(&*a.value, "0" | "false" | "none"))
}

fn attr(e: &quick_xml::events::BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.0 == key)
        .map(|a| a.value.to_string())
}

/// Paragraph styles whose runs are bold (`w:style` with `w:b` in its run properties).
fn bold_styles(xml: &str) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut current: Option<String> = None;
    let mut in_rpr = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.name().0 {
                "w:style" => current = attr(&e, "w:styleId"),
                "w:rPr" => in_rpr = true,
                "w:b" if in_rpr && toggled_on(&e) => {
                    if let Some(s) = &current {
                        out.insert(s.clone());
                    }
                }
                _ => {}
            },
            Ok(Event::End(e)) => match e.name().0 {
                "w:rPr" => in_rpr = false,
                "w:style" => current = None,
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// Word's automatic numbering (numbering.xml): per list and level, the format and the text.
#[derive(Default)]
struct Numbering {
    /// num id → abstract id.
    nums: HashMap<String, String>,
    /// (abstract id, level) → (format, level text, start).
    levels: HashMap<(String, u8), (String, String, u32)>,
    /// Counters per (num id, level), as the document goes.
    counters: HashMap<(String, u8), u32>,
}

impl Numbering {
    fn parse(xml: &str) -> Numbering {
        let mut n = Numbering::default();
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut abs: Option<String> = None;
        let mut num: Option<String> = None;
        let mut lvl: Option<(u8, String, String, u32)> = None;
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.name().0 {
                    "w:abstractNum" => abs = attr(&e, "w:abstractNumId"),
                    "w:num" => num = attr(&e, "w:numId"),
                    "w:abstractNumId" => {
                        if let (Some(id), Some(a)) = (&num, attr(&e, "w:val")) {
                            n.nums.insert(id.clone(), a);
                        }
                    }
                    "w:lvl" => {
                        let i = attr(&e, "w:ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                        lvl = Some((i, "decimal".into(), String::new(), 1));
                    }
                    "w:numFmt" => {
                        if let (Some(l), Some(v)) = (&mut lvl, attr(&e, "w:val")) {
                            l.1 = v;
                        }
                    }
                    "w:lvlText" => {
                        if let (Some(l), Some(v)) = (&mut lvl, attr(&e, "w:val")) {
                            l.2 = v;
                        }
                    }
                    "w:start" => {
                        if let (Some(l), Some(v)) =
                            (&mut lvl, attr(&e, "w:val").and_then(|v| v.parse().ok()))
                        {
                            l.3 = v;
                        }
                    }
                    _ => {}
                },
                Ok(Event::End(e)) => match e.name().0 {
                    "w:lvl" => {
                        if let (Some(a), Some((i, f, t, s))) = (&abs, lvl.take()) {
                            n.levels.insert((a.clone(), i), (f, t, s));
                        }
                    }
                    "w:abstractNum" => abs = None,
                    "w:num" => num = None,
                    _ => {}
                },
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
        }
        n
    }

    /// The label Word shows before the next paragraph of list `num` at `level` (一、, （二）, 3.).
    fn next_label(&mut self, num: &str, level: u8) -> Option<String> {
        let abs = self.nums.get(num)?.clone();
        let start = |lv: u8, n: &Numbering| n.levels.get(&(abs.clone(), lv)).map_or(1, |l| l.2);
        let current = match self.counters.get(&(num.to_string(), level)) {
            Some(c) => c + 1,
            None => start(level, self),
        };
        self.counters.insert((num.to_string(), level), current);
        // A deeper level starts again after this one moves on.
        self.counters.retain(|(n, l), _| n != num || *l <= level);
        let (_, text, _) = self.levels.get(&(abs.clone(), level))?.clone();
        let mut label = text;
        for lv in 0..=level {
            let placeholder = format!("%{}", lv + 1);
            if !label.contains(&placeholder) {
                continue;
            }
            let value = self
                .counters
                .get(&(num.to_string(), lv))
                .copied()
                .unwrap_or_else(|| start(lv, self));
            let fmt = self
                .levels
                .get(&(abs.clone(), lv))
                .map_or("decimal", |l| l.0.as_str());
            label = label.replace(&placeholder, &format_number(value, fmt));
        }
        (!label.trim().is_empty()).then_some(label)
    }
}

/// A list counter in one of Word's number formats.
fn format_number(n: u32, fmt: &str) -> String {
    match fmt {
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographTraditional"
        | "japaneseCounting"
        | "taiwaneseCounting"
        | "chineseLegalSimplified" => chinese_number(n),
        "upperLetter" | "lowerLetter" => {
            let base = if fmt == "upperLetter" { b'A' } else { b'a' };
            let i = (n.max(1) - 1) % 26;
            char::from(base + i as u8).to_string()
        }
        "upperRoman" | "lowerRoman" => {
            let mut s = String::new();
            let mut v = n;
            for (value, sym) in [
                (1000, "M"),
                (900, "CM"),
                (500, "D"),
                (400, "CD"),
                (100, "C"),
                (90, "XC"),
                (50, "L"),
                (40, "XL"),
                (10, "X"),
                (9, "IX"),
                (5, "V"),
                (4, "IV"),
                (1, "I"),
            ] {
                while v >= value {
                    s.push_str(sym);
                    v -= value;
                }
            }
            if fmt == "lowerRoman" {
                s.to_lowercase()
            } else {
                s
            }
        }
        "bullet" | "none" => String::new(),
        _ => n.to_string(),
    }
}

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五.
pub fn chinese_number(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[(n % 10) as usize] }),
        20..=99 => format!(
            "{}十{}",
            D[(n / 10) as usize],
            if n.is_multiple_of(10) {
                ""
            } else {
                D[(n % 10) as usize]
            }
        ),
        _ => n.to_string(),
    }
}

fn parse_document(
    xml: &str,
    mut numbering: Numbering,
    bold_styles: &std::collections::HashSet<String>,
) -> Result<Letter, Msg> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut blocks = Vec::new();
    // Paragraph state.
    let mut spans: Vec<Span> = Vec::new();
    let mut para_bold = false;
    let mut num: Option<(String, u8)> = None;
    let mut run_bold: Option<bool> = None;
    let mut in_ppr = false;
    let mut in_rpr = false;
    let mut in_text = false;
    // Tables (nested ones are flattened into their cell's text).
    let mut table_depth = 0usize;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut cell = String::new();
    let mut in_cell = false;
    let mut para_text_in_cell = String::new();

    let push = |spans: &mut Vec<Span>, text: &str, bold: bool| {
        if text.is_empty() {
            return;
        }
        match spans.last_mut() {
            Some(last) if last.bold == bold => last.text.push_str(text),
            _ => spans.push(Span {
                text: text.to_string(),
                bold,
            }),
        }
    };
    loop {
        let event = reader
            .read_event()
            .map_err(|e| msg!("import-docx-bad-xml", error = e.to_string()))?;
        match event {
            Event::Start(e) | Event::Empty(e) => match e.name().0 {
                "w:p" => {
                    spans.clear();
                    para_bold = false;
                    num = None;
                    run_bold = None;
                    para_text_in_cell.clear();
                }
                "w:pPr" => in_ppr = true,
                "w:pStyle"
                    if in_ppr && attr(&e, "w:val").is_some_and(|s| bold_styles.contains(&s)) =>
                {
                    para_bold = true;
                }
                "w:numId" if in_ppr => {
                    if let Some(v) = attr(&e, "w:val") {
                        let level = num.as_ref().map_or(0, |n| n.1);
                        num = Some((v, level));
                    }
                }
                "w:ilvl" if in_ppr => {
                    let level = attr(&e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(0);
                    match &mut num {
                        Some(n) => n.1 = level,
                        None => num = Some((String::new(), level)),
                    }
                }
                "w:r" => run_bold = None,
                "w:rPr" => in_rpr = true,
                "w:b" | "w:bCs" if in_rpr && !in_ppr => run_bold = Some(toggled_on(&e)),
                "w:t" => in_text = true,
                "w:tab" if !in_ppr => push(&mut spans, " ", false),
                "w:br" | "w:cr" => push(&mut spans, "\n", false),
                "w:tbl" => {
                    table_depth += 1;
                    if table_depth == 1 {
                        rows.clear();
                    }
                }
                "w:tr" if table_depth == 1 => rows.push(Vec::new()),
                "w:tc" if table_depth == 1 => {
                    in_cell = true;
                    cell.clear();
                }
                _ => {}
            },
            Event::Text(t) if in_text => {
                let text = t.xml10_content();
                let bold = run_bold.unwrap_or(para_bold);
                push(&mut spans, &text, bold);
            }
            Event::GeneralRef(r) if in_text => {
                let name: &str = &r;
                let text = match name {
                    "amp" => "&".to_string(),
                    "lt" => "<".to_string(),
                    "gt" => ">".to_string(),
                    "quot" => "\"".to_string(),
                    "apos" => "'".to_string(),
                    _ => r
                        .resolve_char_ref()
                        .ok()
                        .flatten()
                        .map(String::from)
                        .unwrap_or_default(),
                };
                push(&mut spans, &text, run_bold.unwrap_or(para_bold));
            }
            Event::End(e) => match e.name().0 {
                "w:pPr" => in_ppr = false,
                "w:rPr" => in_rpr = false,
                "w:t" => in_text = false,
                "w:p" => {
                    let label = num
                        .take()
                        .filter(|(id, _)| !id.is_empty() && id != "0")
                        .and_then(|(id, level)| numbering.next_label(&id, level));
                    let mut para = std::mem::take(&mut spans);
                    if let Some(label) = label {
                        let bold = para.first().is_some_and(|s| s.bold);
                        para.insert(0, Span { text: label, bold });
                    }
                    if in_cell {
                        let text: String = para.iter().map(|s| s.text.as_str()).collect();
                        if !cell.is_empty() && !text.trim().is_empty() {
                            cell.push(' ');
                        }
                        cell.push_str(text.trim());
                    } else {
                        // A line break inside a paragraph starts a new one: letters use them
                        // where a new paragraph was meant.
                        for piece in split_lines(para) {
                            blocks.push(Block::Para(piece));
                        }
                    }
                }
                "w:tc" if table_depth == 1 => {
                    in_cell = false;
                    if let Some(row) = rows.last_mut() {
                        row.push(std::mem::take(&mut cell));
                    }
                }
                "w:tbl" => {
                    table_depth = table_depth.saturating_sub(1);
                    if table_depth == 0 && !rows.is_empty() {
                        blocks.push(Block::Table(std::mem::take(&mut rows)));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(Letter {
        blocks,
        meta: Vec::new(),
        formatted: true,
        encoding: None,
    })
}

/// Splits a paragraph at its line breaks, trimming each piece; empty pieces are dropped.
fn split_lines(para: Vec<Span>) -> Vec<Vec<Span>> {
    let mut out = vec![Vec::new()];
    for span in para {
        let mut parts = span.text.split('\n').peekable();
        while let Some(part) = parts.next() {
            if !part.is_empty()
                && let Some(l) = out.last_mut()
            {
                l.push(Span {
                    text: part.to_string(),
                    bold: span.bold,
                });
            }
            if parts.peek().is_some() {
                out.push(Vec::new());
            }
        }
    }
    out.into_iter()
        .filter_map(|mut spans| {
            trim_spans(&mut spans);
            (!spans.is_empty()).then_some(spans)
        })
        .collect()
}

/// Trims blank characters at both ends of a paragraph, dropping spans left empty.
pub fn trim_spans(spans: &mut Vec<Span>) {
    while let Some(first) = spans.first_mut() {
        let t = first.text.trim_start_matches(is_blank);
        if t.is_empty() {
            spans.remove(0);
        } else {
            first.text = t.to_string();
            break;
        }
    }
    while let Some(last) = spans.last_mut() {
        let t = last.text.trim_end_matches(is_blank);
        if t.is_empty() {
            spans.pop();
        } else {
            last.text = t.to_string();
            break;
        }
    }
}

// ---------------------------------------------------------------- .html

/// Elements whose text is never part of the letter.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "select", "button",
    "iframe", "svg", "template", "object", "head",
];

/// Elements that end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "tr",
    "table",
    "section",
    "article",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "center",
    "main",
    "body",
];

/// The metadata labels of a 政府信息公开 table.
pub const META_LABELS: &[&str] = &[
    "索引号",
    "发布机构",
    "成文日期",
    "发布日期",
    "公开日期",
    "发文日期",
    "生成日期",
    "文号",
    "发文字号",
    "信息名称",
    "标题",
    "名称",
    "主题分类",
    "主题词",
    "办理单位",
    "承办单位",
    "主办单位",
    "答复单位",
    "答复日期",
    "答复时间",
    "办理类别",
    "答复类别",
    "公开方式",
    "所属机构",
    "来源",
];

/// A label as written (`索 引 号：`) → the known label (`索引号`).
pub fn meta_label(text: &str) -> Option<&'static str> {
    let key: String = text
        .chars()
        .filter(|c| !is_blank(*c) && !matches!(c, ':' | '：' | '【' | '】' | '[' | ']'))
        .collect();
    META_LABELS.iter().copied().find(|l| *l == key)
}

/// A page saved from a portal: the article, not the navigation, and the metadata table.
pub fn html(source: &str) -> Letter {
    let doc = Html::parse_document(source);
    let meta = html_meta(&doc);
    let root = doc.root_element();
    let article = best_container(root).unwrap_or(root);
    let mut blocks = Vec::new();
    // The page's heading(s) before the article, which often hold the letter's title.
    for h in root.descendants().filter_map(ElementRef::wrap) {
        if h.id() == article.id() {
            break;
        }
        if matches!(h.value().name(), "h1" | "h2" | "h3") && !skipped(h) {
            let text = element_text(h);
            if !text.is_empty() {
                blocks.push(Block::Para(vec![Span { text, bold: false }]));
            }
        }
    }
    let mut spans = Vec::new();
    collect_blocks(article, false, &mut spans, &mut blocks);
    flush(&mut spans, &mut blocks);
    // The metadata table's rows are fields, not text of the letter.
    blocks.retain(|b| match b {
        Block::Table(rows) => !rows.iter().flatten().any(|c| meta_label(c).is_some()),
        Block::Para(_) => true,
    });
    Letter {
        blocks,
        meta,
        formatted: true,
        encoding: None,
    }
}

fn skipped(e: ElementRef) -> bool {
    e.ancestors()
        .filter_map(ElementRef::wrap)
        .chain(std::iter::once(e))
        .any(|a| SKIPPED.contains(&a.value().name()) || hidden(a))
}

fn hidden(e: ElementRef) -> bool {
    e.value().attr("hidden").is_some()
        || e.value()
            .attr("style")
            .is_some_and(|s| s.replace(' ', "").contains("display:none"))
}

fn element_text(e: ElementRef) -> String {
    let t: String = e.text().collect();
    t.split(is_blank)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn han_count(s: &str) -> usize {
    s.chars().filter(|c| is_han(*c)).count()
}

/// The element holding the article: each paragraph's Chinese text counts for its parent
/// and half for its grandparent (links count against), and the best-scored element wins.
fn best_container(root: ElementRef) -> Option<ElementRef> {
    let mut scores: HashMap<ego_tree::NodeId, (f64, ElementRef)> = HashMap::new();
    for e in root.descendants().filter_map(ElementRef::wrap) {
        let name = e.value().name();
        if !matches!(
            name,
            "p" | "div" | "td" | "li" | "span" | "font" | "section"
        ) || skipped(e)
        {
            continue;
        }
        // Only the element's own text (not its block children's) makes it a paragraph.
        let own: String = e
            .children()
            .filter_map(|c| match c.value() {
                Node::Text(t) => Some(t.to_string()),
                Node::Element(el) if !BLOCKS.contains(&el.name()) => {
                    ElementRef::wrap(c).map(|x| x.text().collect::<String>())
                }
                _ => None,
            })
            .collect();
        let han = han_count(&own) as f64;
        if han < 10.0 {
            continue;
        }
        let links: f64 = e
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|d| d.value().name() == "a")
            .map(|a| han_count(&a.text().collect::<String>()) as f64)
            .sum();
        let score = han - 2.0 * links;
        let mut ancestors = e.ancestors().filter_map(ElementRef::wrap);
        // A paragraph inside a block container counts for that container.
        let parent = if matches!(name, "p" | "span" | "font") {
            ancestors.next()
        } else {
            Some(e)
        };
        if let Some(p) = parent {
            scores.entry(p.id()).or_insert((0.0, p)).0 += score;
            if let Some(g) = p.parent().and_then(ElementRef::wrap) {
                scores.entry(g.id()).or_insert((0.0, g)).0 += score / 2.0;
            }
        }
    }
    scores
        .into_values()
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, e)| e)
}

fn flush(spans: &mut Vec<Span>, blocks: &mut Vec<Block>) {
    let mut para = std::mem::take(spans);
    // Runs of blanks inside a paragraph are one space (HTML collapses them too).
    for s in &mut para {
        let collapsed = s.text.split(is_blank).collect::<Vec<_>>().join(" ");
        s.text = collapse_spaces(&collapsed);
    }
    trim_spans(&mut para);
    if !para.is_empty() {
        blocks.push(Block::Para(para));
    }
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = false;
    for c in s.chars() {
        if c == ' ' {
            if !last_space {
                out.push(c);
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out
}

fn is_bold(e: ElementRef) -> bool {
    matches!(e.value().name(), "strong" | "b")
        || e.value().attr("style").is_some_and(|s| {
            let s = s.replace(' ', "").to_ascii_lowercase();
            s.contains("font-weight:bold") || s.contains("font-weight:700")
        })
}

fn collect_blocks(e: ElementRef, bold: bool, spans: &mut Vec<Span>, blocks: &mut Vec<Block>) {
    for child in e.children() {
        match child.value() {
            Node::Text(t) => {
                let text = t.to_string();
                if text.chars().all(is_blank) && spans.is_empty() {
                    continue;
                }
                match spans.last_mut() {
                    Some(last) if last.bold == bold => last.text.push_str(&text),
                    _ => spans.push(Span { text, bold }),
                }
            }
            Node::Element(el) => {
                let Some(c) = ElementRef::wrap(child) else {
                    continue;
                };
                let name = el.name();
                if SKIPPED.contains(&name) || hidden(c) {
                    continue;
                }
                if name == "br" {
                    flush(spans, blocks);
                } else if name == "table" {
                    flush(spans, blocks);
                    let rows = table_rows(c);
                    if !rows.is_empty() {
                        blocks.push(Block::Table(rows));
                    }
                } else if BLOCKS.contains(&name) {
                    flush(spans, blocks);
                    collect_blocks(c, bold || is_bold(c), spans, blocks);
                    flush(spans, blocks);
                } else {
                    collect_blocks(c, bold || is_bold(c), spans, blocks);
                }
            }
            _ => {}
        }
    }
}

/// A table's rows of cell texts (cells of nested tables are joined into their cell).
fn table_rows(table: ElementRef) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for tr in table
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "tr")
    {
        // Rows of a nested table belong to that table.
        let owner = tr
            .ancestors()
            .filter_map(ElementRef::wrap)
            .find(|a| a.value().name() == "table");
        if owner.map(|o| o.id()) != Some(table.id()) {
            continue;
        }
        let cells: Vec<String> = tr
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|c| matches!(c.value().name(), "td" | "th"))
            .map(element_text)
            .collect();
        if cells.iter().any(|c| !c.is_empty()) {
            rows.push(cells);
        }
    }
    rows
}

/// Labelled metadata anywhere on the page: table cells (`<td>索引号</td><td>…</td>`) and
/// elements holding `标签：值`.
fn html_meta(doc: &Html) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut add = |label: &str, value: String| {
        let value = value.trim_matches(is_blank).to_string();
        if !value.is_empty() && !out.iter().any(|(l, _)| l == label) {
            out.push((label.to_string(), value));
        }
    };
    for e in doc
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
    {
        if skipped(e) && e.value().name() != "head" {
            continue;
        }
        match e.value().name() {
            "td" | "th" | "dt" | "span" | "b" | "strong" | "label" | "em" => {
                let text = element_text(e);
                if let Some(label) = meta_label(&text) {
                    // The value is what follows: a text node (`<b>文号：</b>X〔2023〕1号`) or
                    // the next element (`<td>文号：</td><td>…</td>`).
                    let value = e.next_siblings().find_map(|n| match n.value() {
                        Node::Text(t) if !t.chars().all(is_blank) => Some(t.to_string()),
                        Node::Element(_) => ElementRef::wrap(n).map(element_text),
                        _ => None,
                    });
                    if let Some(v) = value {
                        add(label, v);
                    }
                }
            }
            "meta" => {
                // <meta name="ArticleTitle" content="…"> and friends.
                let name = e.value().attr("name").unwrap_or_default();
                let content = e.value().attr("content").unwrap_or_default().to_string();
                match name {
                    "ArticleTitle" => add("信息名称", content),
                    "PubDate" => add("发布日期", content),
                    "ContentSource" => add("来源", content),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_each_encoding_letters_come_in() {
        let text = "吴忠彦委员：\n您提出的提案收悉。\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(decode(&gbk), (text.to_string(), "GB18030"));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom), (text.to_string(), "UTF-8 (BOM)"));
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(decode(&le), (text.to_string(), "UTF-16LE"));
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(decode(&be), (text.to_string(), "UTF-16BE"));
        let mut le_bom = vec![0xFF, 0xFE];
        le_bom.extend_from_slice(&le);
        assert_eq!(decode(&le_bom).0, text);
        assert_eq!(decode(text.as_bytes()), (text.to_string(), "UTF-8"));
    }

    #[test]
    fn chinese_numbers() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(chinese_number(37), "三十七");
    }

    #[test]
    fn html_takes_the_article_and_the_metadata_table() {
        let page = r#"<html><head><title>x</title><script>var a="您提出的";</script></head><body>
            <div class="nav"><a href="/">首页</a> &gt; <a href="/gk">政府信息公开</a> &gt; <a>建议提案</a></div>
            <table class="meta"><tr><td>索 引 号：</td><td>11210400/2023-00012</td><td>发布机构：</td><td>抚顺市应急管理局</td></tr>
            <tr><td>成文日期：</td><td>2023-03-27</td><td>发布日期：</td><td>2023-03-29</td></tr></table>
            <h1>关于加强安全教育培训的建议的答复</h1>
            <div id="zoom"><p>吴忠彦委员：</p><p>　　您提出的关于加强安全教育培训的建议收悉，现答复如下：</p>
            <p><strong>一是科学安排部署。</strong>充分发挥我局承担的市安委办综合协调职能，先后组织召开会议。</p>
            <p>抚顺市应急管理局<br>2023年3月27日</p></div>
            <ul class="links"><li><a href="/a">相关链接一</a></li></ul></body></html>"#;
        let l = html(page);
        let texts: Vec<String> = l.blocks.iter().map(Block::text).collect();
        assert_eq!(texts[0], "关于加强安全教育培训的建议的答复");
        assert_eq!(texts[1], "吴忠彦委员：");
        assert!(texts[2].starts_with("您提出的"));
        assert_eq!(texts[4], "抚顺市应急管理局");
        assert_eq!(texts[5], "2023年3月27日");
        assert!(
            !texts
                .iter()
                .any(|t| t.contains("首页") || t.contains("相关链接"))
        );
        let Block::Para(spans) = &l.blocks[3] else {
            panic!()
        };
        assert!(spans[0].bold && spans[0].text == "一是科学安排部署。");
        assert!(l.meta.contains(&("成文日期".into(), "2023-03-27".into())));
        assert!(
            l.meta
                .contains(&("发布机构".into(), "抚顺市应急管理局".into()))
        );
        assert!(
            l.meta
                .contains(&("索引号".into(), "11210400/2023-00012".into()))
        );
        // A label followed by its value as text.
        let l = html("<p><b>文号：</b>抚应急函〔2023〕1号 <b>发布机构：</b>抚顺市应急管理局</p>");
        assert!(
            l.meta
                .contains(&("文号".into(), "抚应急函〔2023〕1号".into())),
            "{:?}",
            l.meta
        );
        assert!(
            l.meta
                .contains(&("发布机构".into(), "抚顺市应急管理局".into()))
        );
    }
}
