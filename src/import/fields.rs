//! Recognising a letter's fields from its own words: where each sits in a letter (the
//! heading above the salutation, the salutation, the first paragraph, the closing lines with
//! the 落款) and the forms each takes. A field the letter does not state stays `None`.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::read::{Block, Letter, is_blank, is_han, meta_label};
use crate::reply::Kind;

/// What a letter states.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Fields {
    pub title: Option<String>,
    pub kind: Option<Kind>,
    pub number: Option<String>,
    pub session: Option<String>,
    pub representatives: Vec<String>,
    pub department: Option<String>,
    pub date: Option<NaiveDate>,
    pub published: Option<NaiveDate>,
    pub category: Option<String>,
    pub doc_number: Option<String>,
    pub signer: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub cc: Vec<String>,
    pub index_code: Option<String>,
}

/// A letter taken apart: its fields, and the blocks that make the reply's text.
#[derive(Debug)]
pub struct Analysis {
    pub fields: Fields,
    pub body: Vec<Block>,
}

/// Compiles one of the import's constant patterns (each is exercised by the unit tests).
pub(super) fn re(s: &str) -> Regex {
    Regex::new(s).unwrap_or_else(|e| panic!("bad pattern {s}: {e}"))
}

/// Blanks removed (letters pad names and labels: 闫 冰, 联 系 人).
pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !is_blank(*c)).collect()
}

/// Full-width ASCII forms (１２３, ＡＢＣ, ：) folded to ASCII, for reading numbers and codes.
pub fn fold_width(s: &str) -> String {
    s.chars().map(crate::slug::fold_width).collect()
}

/// Blanks between two Chinese characters dropped (padding and line joins), others kept.
pub fn tidy(s: &str) -> String {
    let chars: Vec<char> = s.trim_matches(is_blank).chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if is_blank(c) {
            let prev = out.chars().last();
            let next = chars[i + 1..].iter().find(|c| !is_blank(**c));
            let han_side = |x: Option<&char>| x.is_some_and(|c| is_han(*c) || is_cjk_punct(*c));
            if han_side(prev.as_ref()) && han_side(next) {
                continue;
            }
            if prev != Some(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn is_cjk_punct(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}' | '“' | '”' | '‘' | '’')
}

// ---------------------------------------------------------------- dates

static DATE_ARABIC: LazyLock<Regex> =
    LazyLock::new(|| re(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"));
static DATE_HAN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"([〇零○○ОO0一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日",
    )
});
static DATE_ISO: LazyLock<Regex> =
    LazyLock::new(|| re(r"(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})"));

fn han_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' | '○' | 'О' | 'O' | '0' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// 七 → 7, 十 → 10, 十二 → 12, 二十七 → 27, 三十 → 30.
fn han_small(s: &str) -> Option<u32> {
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [d] if *d != '十' => han_digit(*d),
        ['十'] => Some(10),
        ['十', d] => Some(10 + han_digit(*d)?),
        [t, '十'] => Some(han_digit(*t)? * 10),
        [t, '十', d] => Some(han_digit(*t)? * 10 + han_digit(*d)?),
        _ => None,
    }
}

/// The first date written in `s` (2023年3月27日, 二〇二三年三月二十七日, 2023-03-27), with
/// the byte range it takes.
pub fn find_date(s: &str) -> Option<(NaiveDate, std::ops::Range<usize>)> {
    let s = &fold_width(s);
    let mut found: Vec<(NaiveDate, std::ops::Range<usize>)> = Vec::new();
    if let Some(c) = DATE_ARABIC.captures(s) {
        let n = |i: usize| c[i].parse::<u32>().ok();
        if let (Some(y), Some(m), Some(d)) = (n(1), n(2), n(3))
            && let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d)
        {
            found.push((date, c.get(0).map_or(0..0, |m| m.range())));
        }
    }
    if let Some(c) = DATE_HAN.captures(s) {
        let year = c[1]
            .chars()
            .try_fold(0u32, |acc, ch| Some(acc * 10 + han_digit(ch)?));
        if let (Some(y), Some(m), Some(d)) = (year, han_small(&c[2]), han_small(&c[3]))
            && let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d)
        {
            found.push((date, c.get(0).map_or(0..0, |m| m.range())));
        }
    }
    if let Some(c) = DATE_ISO.captures(s) {
        let n = |i: usize| c[i].parse::<u32>().ok();
        if let (Some(y), Some(m), Some(d)) = (n(1), n(2), n(3))
            && (1949..=2100).contains(&y)
            && let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d)
        {
            found.push((date, c.get(0).map_or(0..0, |m| m.range())));
        }
    }
    found.into_iter().min_by_key(|(_, r)| r.start)
}

/// A line that is nothing but a date (a 落款 date).
fn date_line(line: &str) -> Option<NaiveDate> {
    let s = squeeze(&fold_width(line));
    let (date, range) = find_date(&s)?;
    (range.start == 0 && range.end == s.len()).then_some(date)
}

// ---------------------------------------------------------------- organisations

/// Last characters of the names of bodies that write replies.
const ORG_ENDS: &[&str] = &[
    "局",
    "厅",
    "委",
    "委员会",
    "政府",
    "办公室",
    "办",
    "部",
    "院",
    "中心",
    "公司",
    "所",
    "处",
    "署",
    "站",
    "馆",
    "队",
    "集团",
    "社",
    "联",
    "总会",
    "工会",
    "行",
    "管委会",
    "银行",
    "学校",
    "大学",
    "党委",
    "团委",
    "支行",
    "分局",
    "监狱",
    "协会",
];

/// Whether `s` reads as the name of a public body (抚顺市应急管理局, 神山镇人民政府).
pub fn is_org(s: &str) -> bool {
    let s = squeeze(s);
    let n = s.chars().count();
    if !(3..=40).contains(&n) {
        return false;
    }
    if !s
        .chars()
        .all(|c| is_han(c) || matches!(c, '（' | '）' | '(' | ')' | '·'))
    {
        return false;
    }
    if s.starts_with([
        '我', '本', '该', '贵', '各', '你', '您', '请', '经', '由', '对', '向', '在',
    ]) {
        return false;
    }
    ORG_ENDS.iter().any(|e| s.ends_with(e))
}

/// A letterhead line: the body's name, or its name followed by 文件.
fn letterhead(line: &str) -> Option<String> {
    let s = squeeze(line);
    let name = s.strip_suffix("文件").unwrap_or(&s);
    is_org(name).then(|| name.to_string())
}

// ---------------------------------------------------------------- labels

static LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(发\s*布\s*时\s*间|发\s*布\s*日\s*期|成\s*文\s*日\s*期|公\s*开\s*日\s*期|答\s*复\s*日\s*期|答\s*复\s*时\s*间|来\s*源|作\s*者|编\s*辑|发\s*布\s*机\s*构|索\s*引\s*号|文\s*号|发文字号|办理单位|承办单位|主办单位|答复单位|信息名称|答复类别|办理类别|答复类型)\s*[:：]\s*([^\s:：]+(?:\s\d{1,2}:\d{2}(?::\d{2})?)?)",
    )
});

/// `标签：值` pairs in a line, and the pairs of a metadata table flattened into text
/// (`索 引 号  xxx  公开方式  主动公开`).
fn line_meta(line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for c in LABELLED.captures_iter(line) {
        out.push((squeeze(&c[1]), c[2].trim().to_string()));
    }
    if out.is_empty() {
        // Cells separated by runs of blanks: label, value, label, value …
        let cells: Vec<&str> = split_cells(line);
        let mut i = 0;
        while i + 1 < cells.len() {
            if let Some(label) = meta_label(cells[i])
                && meta_label(cells[i + 1]).is_none()
            {
                out.push((label.to_string(), cells[i + 1].trim().to_string()));
                i += 2;
            } else {
                i += 1;
            }
        }
    }
    out
}

/// Splits a line at runs of two or more blanks (or one ideographic space, a tab).
fn split_cells(line: &str) -> Vec<&str> {
    let mut cells = Vec::new();
    let mut start = 0;
    let mut blank_run = 0;
    let mut run_start = 0;
    for (i, c) in line.char_indices() {
        if is_blank(c) {
            if blank_run == 0 {
                run_start = i;
            }
            blank_run += if c == ' ' { 1 } else { 2 };
        } else {
            if blank_run >= 2 {
                cells.push(&line[start..run_start]);
                start = i;
            }
            blank_run = 0;
        }
    }
    cells.push(&line[start..]);
    cells
        .into_iter()
        .map(|c| c.trim_matches(is_blank))
        .filter(|c| !c.is_empty())
        .collect()
}

/// Portal furniture that is never part of a letter (breadcrumbs, counters, buttons).
fn is_furniture(line: &str) -> bool {
    let s = squeeze(line);
    if s.starts_with("source:") || s.starts_with("http://") || s.starts_with("https://") {
        return true;
    }
    if s.chars().count() > 60 {
        return false;
    }
    const WORDS: &[&str] = &[
        "浏览次数",
        "字体:",
        "字体：",
        "【字体",
        "打印",
        "关闭窗口",
        "关闭本页",
        "下载Word",
        "下载PDF",
        "无障碍",
        "文章播报",
        "分享到",
        "扫一扫",
        "当前位置",
        "返回顶部",
        "【关闭】",
        "访问量",
        "阅读次数",
        "点击数",
        "【大中小】",
        "[大中小]",
        "责任编辑",
        "收藏本页",
    ];
    WORDS.iter().any(|w| s.contains(w))
        || (s.contains("首页") && (s.contains('>') || s.contains('》') || s.contains('→')))
        || s.chars().all(|c| !is_han(c) && !c.is_alphanumeric())
}

// ---------------------------------------------------------------- the letter's parts

static SALUTATION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:尊敬的)?(?P<names>.{1,300}?)\s*(?:等\s*(?:\d+|[一二三四五六七八九十]+)?\s*(?:名|位|人)?)?\s*(?P<role>委员|代表)(?:们)?\s*(?:同志)?\s*[:：,，]?\s*(?:您好|你好|你们好|您们好)?\s*[!！,，:：。]?$",
    )
});
static GREETING: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:您好|你好|您们好|你们好)\s*[!！，,。]?$"));
static SALUTATION_INLINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?P<head>(?:尊敬的)?[^。，,；;]{1,120}?(?:委员|代表)(?:们)?\s*[:：])\s*(?P<rest>(?:您|你).+)$",
    )
});

/// Lines of the letter: the text of each block, with a salutation that shares its line with
/// the first sentence split off.
fn lines_of(blocks: &[Block]) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        let text = b.text();
        match SALUTATION_INLINE.captures(text.trim_matches(is_blank)) {
            // 尊敬的张三代表：您好！ stays one line; 张三代表：您提出的… is two.
            Some(c) if out.len() < 60 && !GREETING.is_match(&c["rest"]) => {
                out.push((c["head"].to_string(), i));
                out.push((c["rest"].to_string(), i));
            }
            _ => out.push((text.trim_matches(is_blank).to_string(), i)),
        }
    }
    out
}

/// The representatives a salutation names, when the line is one.
fn salutation(line: &str) -> Option<(Vec<String>, Kind)> {
    let line = line.trim_matches(is_blank);
    let c = SALUTATION.captures(line)?;
    let names = c["names"].trim_matches(is_blank);
    if names.is_empty()
        || names.contains(['。', '“', '《'])
        || ["会议", "提出", "收悉", "关于", "人大", "政协", "答复"]
            .iter()
            .any(|w| names.contains(w))
    {
        return None;
    }
    let kind = if &c["role"] == "委员" {
        Kind::Proposal
    } else {
        Kind::Suggestion
    };
    Some((split_names(names), kind))
}

/// Names separated by 、，, and (when each is a whole name) spaces; padding inside a name
/// (闫 冰) is dropped.
pub fn split_names(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in s.split(['、', '，', ',', '；', ';', '/', '／']) {
        let part = part.trim_matches(is_blank);
        let part = part.strip_suffix('等').unwrap_or(part);
        if part.is_empty() {
            continue;
        }
        let words: Vec<&str> = part.split(is_blank).filter(|w| !w.is_empty()).collect();
        // 张三 李四 are two names; 闫 冰 is one name padded to the width of three.
        if words.len() > 1 && words.iter().all(|w| w.chars().count() >= 2) {
            out.extend(words.iter().map(|w| w.to_string()));
        } else {
            out.push(squeeze(part));
        }
    }
    out.retain(|n| !n.is_empty());
    out.dedup();
    out
}

static PROPOSED_BY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?P<names>[^，。,“《]{2,60}?)(?P<role>委员|代表)(?:们)?(?:在[^，。]{0,30})?(?:提出|提交)的",
    )
});
static INTRO_WORDS: LazyLock<Regex> =
    LazyLock::new(|| re(r"收悉|答复如下|回复如下|办理情况|提出的|提交的|提交了"));

/// A line that is a closing line (contact, 抄送, 主题词 …) rather than text.
fn is_closing_label(line: &str) -> bool {
    let s = squeeze(line);
    let s = s.trim_start_matches(['(', '（']);
    const LABELS: &[&str] = &[
        "抄送",
        "抄报",
        "报:",
        "报：",
        "主题词",
        "主送",
        "联系人",
        "联系电话",
        "电话:",
        "电话：",
        "签发人",
        "此件",
        "公开属性",
        "公开方式",
        "印发",
        "校对",
        "承办人",
        "经办人",
        "附件",
        "信息公开选项",
        "领导签发",
        "答复类别",
        "答复类型",
        "办理类别",
        "类别:",
        "类别：",
    ];
    LABELS.iter().any(|l| s.starts_with(l))
}

// ---------------------------------------------------------------- number, session, kind

static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| re(r"第\s*([A-Za-z]{0,6}\s*\d[\dA-Za-z\-]{0,24})\s*号"));
static NUMBER_BARE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:^|[^\d〕\]）)】])([A-Za-z]{0,6}\d{1,20})\s*号\s*(?:[(（][^)）]{0,20}[)）])?\s*(?:建议|提案|议案|代表建议|委员提案)",
    )
});
/// 提案号：146, 建议编号: JY1000 (a portal's labelled number).
static NUMBER_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?:提案|建议|议案)(?:编号|号)\s*[:：]\s*([A-Za-z]{0,6}\d[\dA-Za-z\-]{0,24})")
});
static SESSION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:第)?[一二三四五六七八九十]{1,3}届(?:全国|省|市|区|县)?(?:人大|政协|人民代表大会|政治协商会议)?(?:常务委员会|常委会|委员会)?(?:第)?[一二三四五六七八九十]{1,3}次(?:全体)?会议",
    )
});
/// Characters that end the place before a session (关于|对|向 …市政协十四届一次会议).
const SESSION_STOPS: &[char] = &[
    '于', '对', '向', '在', '的', '是', '上', '了', '为', '经', '由', '将', '及', '和', '与', '从',
    '按', '据', '届', '请', '交', '给',
];

/// The meeting named in `s`: 市政协十四届一次会议, 十三届全国人大三次会议, with its place.
pub fn find_session(s: &str) -> Option<String> {
    for m in SESSION.find_iter(s) {
        let core = m.as_str();
        // Walk back over the place (广州市政协, 省, 区人大) to a stop character.
        let before = &s[..m.start()];
        let mut start = m.start();
        for (i, c) in before.char_indices().rev() {
            if !is_han(c) || SESSION_STOPS.contains(&c) || m.start() - i > 36 {
                break;
            }
            start = i;
        }
        let session = format!("{}{}", &s[start..m.start()], core);
        if session.contains("人大")
            || session.contains("政协")
            || session.contains("代表大会")
            || session.contains("政治协商")
        {
            return Some(session);
        }
    }
    None
}

fn find_number(s: &str) -> Option<String> {
    let s = fold_width(s);
    let first = NUMBER
        .captures(&s)
        .map(|c| (c.get(0).map_or(0, |m| m.start()), squeeze(&c[1])));
    let bare = NUMBER_BARE
        .captures(&s)
        .map(|c| (c.get(1).map_or(0, |m| m.start()), squeeze(&c[1])));
    match (first, bare) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a.1 } else { b.1 }),
        (a, b) => a.or(b).map(|x| x.1),
    }
}

fn kind_of_session(session: &str) -> Option<Kind> {
    if session.contains("政协") || session.contains("政治协商") {
        Some(Kind::Proposal)
    } else if session.contains("人大") || session.contains("人民代表大会") {
        Some(Kind::Suggestion)
    } else {
        None
    }
}

// ---------------------------------------------------------------- title

static BOOK_TITLE: LazyLock<Regex> = LazyLock::new(|| re(r"《\s*([^《》]{4,200}?)\s*》"));
static QUOTED_TITLE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"[“"「『]\s*(关于[^“”"「」『』]{2,200}?)\s*[”"」』]"#));
static BARE_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(关于[^。！？；]{2,200}?)(?:[(（]第?[^)）]{0,20}[)）])?(?:已|均已|业已)?(?:收悉|已收到|收到)",
    )
});
static HEADING_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(关于[^《》“”]{4,200}?(?:建议|提案|议案|意见|问题))(?:的)?(?:答复|复函|回复|办理意见|办理情况|函)",
    )
});

/// The title as a reader writes it: blanks between Chinese characters dropped, a kind word
/// doubled by the sentence (的建议提案) cut back.
fn clean_title(t: &str) -> Option<String> {
    let t = tidy(t);
    let mut t = t
        .trim_matches(|c: char| {
            is_blank(c) || matches!(c, '“' | '”' | '"' | '《' | '》' | '，' | ',')
        })
        .to_string();
    for doubled in [
        "建议提案",
        "建议的提案",
        "提案的提案",
        "建议的建议",
        "建议建议",
    ] {
        if let Some(s) = t.strip_suffix(doubled) {
            t = format!("{s}建议");
        }
    }
    if let Some(s) = t.strip_suffix("的提案") {
        // 关于X的建议的提案 → 关于X的建议; 关于X的提案 stays.
        if s.ends_with("建议") {
            t = s.to_string();
        }
    }
    (t.chars().count() >= 4).then_some(t)
}

/// A 《》 title that names a law or a plan rather than the proposal (《安全生产法》).
fn is_document_name(t: &str) -> bool {
    !t.starts_with("关于")
        && [
            "法", "条例", "办法", "规定", "规划", "意见", "方案", "通知", "纲要", "决定", "细则",
            "标准",
        ]
        .iter()
        .any(|e| t.ends_with(e))
}

fn find_title(intro: &str, header: &str, heading_lines: &[&str]) -> Option<String> {
    // The sentence that acknowledges the proposal names it most reliably.
    let ack_end = ["收悉", "答复如下", "回复如下", "办理情况"]
        .iter()
        .filter_map(|w| intro.find(w))
        .min()
        .unwrap_or(intro.len().min(600));
    let ack = &intro[..floor_boundary(intro, ack_end + 6)];
    for text in [ack, header] {
        if let Some(t) = BOOK_TITLE
            .captures_iter(text)
            .map(|c| c[1].to_string())
            .find(|t| !is_document_name(t))
        {
            return clean_title(&t);
        }
        if let Some(c) = QUOTED_TITLE.captures(text) {
            return clean_title(&c[1]);
        }
    }
    if let Some(c) = BARE_TITLE.captures(ack) {
        return clean_title(&c[1]);
    }
    for line in heading_lines {
        if let Some(c) = HEADING_TITLE.captures(&squeeze(line))
            && find_session(&c[1]).is_none()
        {
            return clean_title(&c[1]);
        }
    }
    None
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

// ---------------------------------------------------------------- small fields

static DOC_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"([\p{Han}A-Za-z]{1,16})\s*[〔\[［【(（]\s*((?:19|20)\d{2})\s*[〕\]］】)）]\s*(?:第\s*)?(\d{1,6})\s*号",
    )
});
/// 提案主办[2023]号 1: the number typed after 号 (a letterhead template filled in badly).
static DOC_NUMBER_GARBLED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"([\p{Han}A-Za-z]{1,16})\s*[〔\[［【(（]\s*((?:19|20)\d{2})\s*[〕\]］】)）]\s*号\s*(\d{1,6})",
    )
});

fn find_doc_number(s: &str) -> Option<String> {
    let s = fold_width(s);
    let make = |c: regex::Captures| {
        let prefix = c[1].trim_start_matches(['第']);
        Some(format!("{prefix}〔{}〕{}号", &c[2], &c[3]))
    };
    let good = DOC_NUMBER.captures(&s);
    let garbled = DOC_NUMBER_GARBLED.captures(&s);
    match (good, garbled) {
        (Some(g), Some(b)) => {
            let g_at = g.get(0).map_or(0, |m| m.start());
            let b_at = b.get(0).map_or(0, |m| m.start());
            if b_at < g_at { make(b) } else { make(g) }
        }
        (Some(g), None) => make(g),
        (None, Some(b)) => make(b),
        (None, None) => None,
    }
}

static SIGNER: LazyLock<Regex> =
    LazyLock::new(|| re(r"签\s*发\s*人\s*[:：]\s*((?:[\p{Han}·][ \t\u{3000}]{0,3}){2,8})"));
static CONTACT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"联\s*系\s*人\s*(?:及\s*电\s*话|和\s*电\s*话)?\s*[:：]\s*((?:[\p{Han}·][ \t\u{3000}]{0,3}){2,8})",
    )
});
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:联\s*系\s*)?(?:电\s*话|手\s*机|联\s*系\s*方\s*式)\s*[:：]?\s*([0-9（(][0-9\-－—–（）()\s]{5,24}[0-9])",
    )
});
static PHONE_AFTER_NAME: LazyLock<Regex> =
    LazyLock::new(|| re(r"联\s*系\s*人[^0-9]{0,30}?([0-9（(][0-9\-－—–（）()]{6,20}[0-9])"));
static CC: LazyLock<Regex> = LazyLock::new(|| re(r"^抄\s*送\s*[:：]\s*(.+)$"));
static CATEGORY_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:答复类别|办理类别|答复类型|办理结果|类别|类型)\s*[:：]\s*[“”\x22]?\s*([A-Za-z甲乙丙]|[\p{Han}]{2,8})",
    )
});
static CATEGORY_MARK: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[“”\x22(（【\[]?\s*([ABCabc甲乙丙])\s*类?\s*[”\x22)）】\]]?$"));
static CATEGORY_IN_HEADING: LazyLock<Regex> =
    LazyLock::new(|| re(r"[(（【]\s*([ABC甲乙丙])\s*类\s*[)）】]"));

/// 答复类别 as the site's keys: A (solved or adopted), B (being solved, planned), C (for
/// reference).
fn category_key(v: &str) -> Option<String> {
    let v = fold_width(v).trim().to_uppercase();
    let key = match v.as_str() {
        "A" | "甲" | "甲类" | "A类" => "A",
        "B" | "乙" | "乙类" | "B类" => "B",
        "C" | "丙" | "丙类" | "C类" => "C",
        _ if [
            "解决采纳",
            "已解决",
            "已采纳",
            "采纳",
            "解决或采纳",
            "基本解决",
        ]
        .iter()
        .any(|w| v.starts_with(w)) =>
        {
            "A"
        }
        _ if ["正在解决", "列入计划", "计划解决", "逐步解决", "列入规划"]
            .iter()
            .any(|w| v.starts_with(w)) =>
        {
            "B"
        }
        _ if ["留作参考", "参考", "作为参考", "难以解决", "不能解决"]
            .iter()
            .any(|w| v.starts_with(w)) =>
        {
            "C"
        }
        _ => return None,
    };
    Some(key.to_string())
}

fn clean_name(s: &str) -> Option<String> {
    let s = squeeze(s);
    let s = s.trim_end_matches(['，', ',', '。', '；', ';']);
    // A label that follows the name on the same line is not part of it.
    let s = ["联系", "电话", "手机", "签发", "抄送"]
        .iter()
        .filter_map(|l| s.find(l))
        .min()
        .map_or(s, |i| &s[..i]);
    let n = s.chars().count();
    (2..=8).contains(&n).then(|| s.to_string())
}

// ---------------------------------------------------------------- putting it together

/// Reads the fields of a letter and the blocks of its text.
pub fn analyse(letter: &Letter) -> Analysis {
    let lines = lines_of(&letter.blocks);
    let mut f = Fields::default();

    // Metadata: the page's table, then labelled lines of the text.
    let mut meta: Vec<(String, String)> = letter.meta.clone();
    let mut furniture = vec![false; lines.len()];
    for (i, (line, _)) in lines.iter().enumerate() {
        if i > 40 && i + 15 < lines.len() {
            continue;
        }
        let pairs = line_meta(line);
        let labelled_only = !pairs.is_empty()
            && pairs.iter().all(|(l, _)| {
                matches!(
                    l.as_str(),
                    "发布时间"
                        | "发布日期"
                        | "来源"
                        | "作者"
                        | "编辑"
                        | "索引号"
                        | "公开日期"
                        | "发布机构"
                        | "信息名称"
                        | "公开方式"
                        | "主题分类"
                        | "成文日期"
                )
            });
        if labelled_only || is_furniture(line) {
            furniture[i] = true;
        }
        meta.extend(pairs);
    }
    let meta_value = |labels: &[&str]| {
        labels.iter().find_map(|l| {
            meta.iter()
                .find(|(k, v)| k == l && !v.is_empty())
                .map(|(_, v)| v.clone())
        })
    };

    // The salutation: where the letter begins to speak to its reader.
    let limit = lines.len().min(80);
    let mut sal: Option<usize> = None;
    let mut sal_kind = None;
    for (i, (line, _)) in lines.iter().enumerate().take(limit) {
        if furniture[i] {
            continue;
        }
        if let Some((names, kind)) = salutation(line) {
            sal = Some(i);
            sal_kind = Some(kind);
            f.representatives = names;
            break;
        }
    }
    let intro_at = |from: usize| {
        (from..lines.len().min(from + 80))
            .find(|&i| !furniture[i] && INTRO_WORDS.is_match(&lines[i].0))
    };
    if sal.is_none()
        && let Some(i) = intro_at(0)
        && let Some(c) = PROPOSED_BY.captures(&lines[i].0)
        && let Some((names, kind)) = salutation(&format!("{}{}：", &c["names"], &c["role"]))
    {
        // 王海燕委员提出的《…》收悉 (a co-handling department's reply, addressed to the lead
        // department): the representatives are named in the first sentence.
        f.representatives = names;
        sal_kind = Some(kind);
        let prev = (0..i).rev().find(|&p| !furniture[p]);
        sal = Some(
            prev.filter(|&p| lines[p].0.ends_with([':', '：']))
                .unwrap_or(i),
        );
    }
    if sal.is_none() {
        // A body that sent the proposal (致公党广州市委员会): a short line of its own just
        // before the first sentence that acknowledges it.
        if let Some(intro) = intro_at(0)
            && intro > 0
        {
            let prev = (0..intro).rev().find(|&i| !furniture[i]);
            if let Some(p) = prev {
                let line = lines[p].0.trim_end_matches([':', '：']);
                let next = &lines[intro].0;
                let bare = !line.contains(['。', '，', ',', '《', '》', '“', '、'])
                    || lines[p].0.ends_with([':', '：']);
                if bare
                    && line.chars().count() <= 40
                    && line.chars().count() >= 2
                    && (next.starts_with(line) || lines[p].0.ends_with([':', '：']))
                    && find_session(line).is_none()
                    && !line.contains("关于")
                {
                    sal = Some(p);
                    f.representatives = vec![squeeze(line)];
                }
            }
        }
    }

    // The closing lines, read from the end: 落款, date, contact, 抄送 and portal furniture.
    let mut closing_start = lines.len();
    let mut signature_org: Option<String> = None;
    let mut signature_date: Option<NaiveDate> = None;
    let body_floor = sal.map_or(0, |s| s + 1);
    let mut i = lines.len();
    while i > body_floor {
        let line = &lines[i - 1].0;
        let s = squeeze(line);
        if furniture[i - 1] || is_closing_label(line) {
            i -= 1;
            continue;
        }
        if let Some(d) = date_line(line) {
            signature_date = signature_date.or(Some(d));
            i -= 1;
            continue;
        }
        // 抚顺市应急管理局 2023年3月27日 on one line.
        if let Some((d, range)) = find_date(&s)
            && range.end == s.len()
            && is_org(&s[..range.start])
        {
            signature_date = signature_date.or(Some(d));
            signature_org = Some(s[..range.start].to_string());
            i -= 1;
            continue;
        }
        let first_cell = split_cells(line).first().map(|c| squeeze(c));
        if is_org(&s) || first_cell.as_deref().is_some_and(is_org) {
            let org = if is_org(&s) {
                s.clone()
            } else {
                first_cell.unwrap_or_default()
            };
            // The topmost signatory (the lead department) is the one that counts.
            signature_org = Some(org);
            i -= 1;
            continue;
        }
        break;
    }
    closing_start = closing_start.min(i);
    let closing: Vec<&str> = lines[closing_start..]
        .iter()
        .map(|l| l.0.as_str())
        .collect();

    let header_end = sal.or_else(|| intro_at(0)).unwrap_or(0);
    let header_lines: Vec<&str> = lines[..header_end]
        .iter()
        .enumerate()
        .filter(|(i, _)| !furniture[*i])
        .map(|(_, l)| l.0.as_str())
        .collect();
    let header_all: Vec<&str> = lines[..header_end].iter().map(|l| l.0.as_str()).collect();
    let header_joined: String = header_lines.iter().map(|l| squeeze(l)).collect();
    let intro_index = intro_at(header_end).filter(|&i| i < closing_start);
    let intro = intro_index.map_or(String::new(), |i| lines[i].0.clone());

    // Number, session, kind.
    f.number = find_number(&header_joined)
        .or_else(|| find_number(&intro))
        .or_else(|| {
            header_lines.iter().find_map(|l| {
                NUMBER_LABEL
                    .captures(&fold_width(l))
                    .map(|c| c[1].to_string())
            })
        });
    f.session = find_session(&header_joined)
        .or_else(|| find_session(&intro))
        .or_else(|| meta_value(&["会议", "届次"]));
    let number_word = {
        let s = fold_width(&format!("{header_joined}{intro}"));
        static WORD: LazyLock<Regex> = LazyLock::new(|| {
            re(r"号\s*(?:[(（][^)）]{0,20}[)）])?\s*(提案|建议|议案)|(提案|建议|议案)\s*[(（]\s*第")
        });
        WORD.captures(&s).and_then(|c| {
            let w = c.get(1).or_else(|| c.get(2)).map(|m| m.as_str())?;
            Some(if w == "提案" {
                Kind::Proposal
            } else {
                Kind::Suggestion
            })
        })
    };
    f.kind = sal_kind
        .or_else(|| f.session.as_deref().and_then(kind_of_session))
        .or(number_word)
        .or_else(|| {
            let all = format!("{header_joined}{intro}");
            if all.contains("委员") || all.contains("提案") {
                Some(Kind::Proposal)
            } else if all.contains("代表") || all.contains("议案") {
                Some(Kind::Suggestion)
            } else {
                None
            }
        });

    // Title.
    f.title = find_title(&intro, &header_joined, &header_lines).or_else(|| {
        meta_value(&["信息名称", "标题", "名称"]).and_then(|t| {
            HEADING_TITLE
                .captures(&squeeze(&t))
                .and_then(|c| clean_title(&c[1]))
        })
    });

    // Department: the 落款, else the letterhead or the heading, else a labelled field.
    let heading_org = || {
        header_lines.iter().find_map(|l| {
            let s = squeeze(l);
            if let Some(h) = letterhead(&s) {
                return Some(h);
            }
            // 遂宁市安居区交通运输局关于区人大四届二次会议第48号建议的复函
            let at = s.find("关于")?;
            let prefix = &s[..at];
            is_org(prefix).then(|| prefix.to_string())
        })
    };
    f.department = signature_org
        .or_else(heading_org)
        .or_else(|| meta_value(&["发布机构", "办理单位", "承办单位", "主办单位", "答复单位"]))
        .filter(|d| is_org(d));

    // Dates: the letter's own, never the page's publication date.
    f.date = signature_date.or_else(|| {
        meta_value(&["成文日期", "答复日期", "答复时间"]).and_then(|v| find_date(&v).map(|d| d.0))
    });
    f.published = meta_value(&["发布日期", "发布时间", "公开日期"])
        .and_then(|v| find_date(&v).map(|d| d.0))
        .filter(|p| f.date.is_none_or(|d| *p >= d));

    // The small labelled fields, from the heading and the closing lines.
    let around: Vec<&str> = header_all.iter().chain(closing.iter()).copied().collect();
    f.doc_number = around
        .iter()
        .find_map(|l| find_doc_number(l))
        .or_else(|| meta_value(&["文号", "发文字号"]).and_then(|v| find_doc_number(&v)));
    f.signer = around
        .iter()
        .find_map(|l| SIGNER.captures(l).and_then(|c| clean_name(&c[1])));
    f.contact_name = around
        .iter()
        .find_map(|l| CONTACT.captures(l).and_then(|c| clean_name(&c[1])));
    f.contact_phone = around.iter().find_map(|l| {
        let l = fold_width(l);
        PHONE
            .captures(&l)
            .or_else(|| PHONE_AFTER_NAME.captures(&l))
            .map(|c| squeeze(&c[1]))
    });
    f.cc = closing
        .iter()
        .chain(header_all.iter())
        .find_map(|l| CC.captures(&squeeze_label(l)).map(|c| c[1].to_string()))
        .map(|v| {
            v.split(['、', '，', ',', '；', ';', ' ', '\u{3000}', '\t'])
                .map(|s| s.trim_matches(|c: char| is_blank(c) || matches!(c, '。' | '.')))
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    f.category = header_all
        .iter()
        .chain(closing.iter())
        .find_map(|l| {
            let s = squeeze(l);
            CATEGORY_LABEL
                .captures(&s)
                .and_then(|c| category_key(&c[1]))
                .or_else(|| CATEGORY_MARK.captures(&s).and_then(|c| category_key(&c[1])))
                .or_else(|| {
                    CATEGORY_IN_HEADING
                        .captures(&s)
                        .and_then(|c| category_key(&c[1]))
                })
        })
        .or_else(|| meta_value(&["答复类别", "办理类别"]).and_then(|v| category_key(&v)));
    f.index_code = meta_value(&["索引号"])
        .map(|v| squeeze(&v))
        .filter(|v| !v.is_empty() && v.is_ascii());

    // The text: from the salutation to the closing lines, without portal furniture.
    let start = sal.or(intro_index).unwrap_or(header_end);
    let mut body = Vec::new();
    let mut last_block = usize::MAX;
    for (i, (text, block)) in lines.iter().enumerate().take(closing_start).skip(start) {
        if furniture[i] {
            continue;
        }
        if *block == last_block {
            // A salutation split from its line: the rest is a paragraph of its own.
            body.push(Block::Para(vec![super::read::Span {
                text: text.clone(),
                bold: false,
            }]));
            continue;
        }
        last_block = *block;
        let b = &letter.blocks[*block];
        if matches!(b, Block::Para(_)) && b.text().trim_matches(is_blank) != text.as_str() {
            // The first part of a split line.
            body.push(Block::Para(vec![super::read::Span {
                text: text.clone(),
                bold: false,
            }]));
        } else {
            body.push(b.clone());
        }
    }
    Analysis { fields: f, body }
}

/// `抄 送：` with its padding removed, the rest of the line kept as written.
fn squeeze_label(line: &str) -> String {
    let line = line.trim_matches(is_blank);
    match line.find([':', '：']) {
        Some(i) => format!("{}{}", squeeze(&line[..i]), &line[i..]),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_the_forms_letters_write() {
        assert_eq!(find_date("2023年3月27日").unwrap().0, d(2023, 3, 27));
        assert_eq!(
            find_date("二〇二三年三月二十七日").unwrap().0,
            d(2023, 3, 27)
        );
        assert_eq!(find_date("二0一0年七月二十八日").unwrap().0, d(2010, 7, 28));
        assert_eq!(find_date("二○二四年十二月十日").unwrap().0, d(2024, 12, 10));
        assert_eq!(find_date("2023-03-27").unwrap().0, d(2023, 3, 27));
        assert_eq!(find_date("２０２３年３月２７日").unwrap().0, d(2023, 3, 27));
        assert_eq!(find_date("2023年 6月 13日").unwrap().0, d(2023, 6, 13));
        assert!(
            find_date("2023年2月30日").is_none(),
            "an impossible date is no date"
        );
        assert_eq!(
            date_line("                      2024年6月13日"),
            Some(d(2024, 6, 13))
        );
        assert_eq!(date_line("3月13日至18日，为企业服务"), None);
    }

    #[test]
    fn sessions_with_their_place() {
        let s = |t: &str| find_session(t);
        assert_eq!(
            s("对市政协十四届一次会议第146号提案的答复").as_deref(),
            Some("市政协十四届一次会议")
        );
        assert_eq!(
            s("省十四届人大二次会议《关于…》").as_deref(),
            Some("省十四届人大二次会议")
        );
        assert_eq!(
            s("对十三届全国人大三次会议3385号建议的答复").as_deref(),
            Some("十三届全国人大三次会议")
        );
        assert_eq!(
            s("向广州市政协十三届三次会议提交了").as_deref(),
            Some("广州市政协十三届三次会议")
        );
        assert_eq!(
            s("你们在区人大四届二次会议上提出的").as_deref(),
            Some("区人大四届二次会议")
        );
        assert_eq!(
            s("关于省十一届政协三次会议第361号提案").as_deref(),
            Some("省十一届政协三次会议")
        );
        assert_eq!(
            s("关于政协十三届四次会议第83号提案").as_deref(),
            Some("政协十三届四次会议")
        );
        assert_eq!(
            s("您在第十四届全国人民代表大会第二次会议上提出的").as_deref(),
            Some("第十四届全国人民代表大会第二次会议")
        );
        assert_eq!(
            s("我局召开了十三届三次会议"),
            None,
            "a meeting of no assembly"
        );
    }

    #[test]
    fn numbers_in_their_forms() {
        assert_eq!(
            find_number("对市政协十四届一次会议第146号提案的答复").as_deref(),
            Some("146")
        );
        assert_eq!(
            find_number("第 JY100012050700 号").as_deref(),
            Some("JY100012050700")
        );
        assert_eq!(find_number("第DH0271号建议").as_deref(), Some("DH0271"));
        assert_eq!(
            find_number("0223号(社会管理类016号)建议").as_deref(),
            Some("0223")
        );
        assert_eq!(
            find_number("对十三届全国人大三次会议3385号建议的答复").as_deref(),
            Some("3385")
        );
        assert_eq!(find_number("（第１４６号）").as_deref(), Some("146"));
        assert_eq!(
            find_number("抚应急函〔2023〕1号"),
            None,
            "a 文号 is not the number"
        );
    }

    #[test]
    fn salutations_name_the_representatives() {
        let s = |t: &str| salutation(t);
        assert_eq!(
            s("吴忠彦委员："),
            Some((vec!["吴忠彦".into()], Kind::Proposal))
        );
        assert_eq!(
            s("赵利军代表:"),
            Some((vec!["赵利军".into()], Kind::Suggestion))
        );
        assert_eq!(
            s("马青、周丽等委员："),
            Some((vec!["马青".into(), "周丽".into()], Kind::Proposal))
        );
        assert_eq!(
            s("吴章平、闫 冰、罗 岚代表: "),
            Some((
                vec!["吴章平".into(), "闫冰".into(), "罗岚".into()],
                Kind::Suggestion
            ))
        );
        assert_eq!(
            s("尊敬的张三代表：您好！"),
            Some((vec!["张三".into()], Kind::Suggestion))
        );
        assert_eq!(
            s("张三 李四委员："),
            Some((vec!["张三".into(), "李四".into()], Kind::Proposal))
        );
        assert_eq!(
            s("王五等5位代表："),
            Some((vec!["王五".into()], Kind::Suggestion))
        );
        assert_eq!(s("您提出的关于加强人大代表建议办理的建议收悉。"), None);
        assert_eq!(s("十三届全国人大三次会议代表"), None);
    }

    #[test]
    fn titles_from_the_acknowledging_sentence() {
        let t = |intro: &str| find_title(intro, "", &[]);
        assert_eq!(
            t("您提出的关于“关于加强灵活用工人员安全教育培训工作的建议”的提案收悉，现答复如下：")
                .as_deref(),
            Some("关于加强灵活用工人员安全教育培训工作的建议")
        );
        assert_eq!(
            t("您提出的关于提升安全生产队伍专业水平的建议收悉,经研究,现答复如下:").as_deref(),
            Some("关于提升安全生产队伍专业水平的建议")
        );
        assert_eq!(
            t("您提出的关于加强垃圾分类工作的建议提案收悉,现回复如下:").as_deref(),
            Some("关于加强垃圾分类工作的建议")
        );
        assert_eq!(
            t("你提出的《关于改造城北开发区和环城路相连接路段》的提案(第83号)已收悉。").as_deref(),
            Some("关于改造城北开发区和环城路相连接路段")
        );
        assert_eq!(
            t("根据《安全生产法》，您提出的《关于加强危化品管理的建议》收悉").as_deref(),
            Some("关于加强危化品管理的建议")
        );
        assert_eq!(
            find_title("", "", &["关于加强垃圾分类工作的建议的答复"]).as_deref(),
            Some("关于加强垃圾分类工作的建议")
        );
        assert_eq!(
            find_title("", "", &["对市政协十四届一次会议第146号提案的答复"]),
            None
        );
    }

    #[test]
    fn small_fields() {
        assert_eq!(
            find_doc_number("抚应急函〔2023〕1号").as_deref(),
            Some("抚应急函〔2023〕1号")
        );
        assert_eq!(
            find_doc_number("提案主办[2023]1号").as_deref(),
            Some("提案主办〔2023〕1号")
        );
        assert_eq!(
            find_doc_number("   提案主办[2023]号 1   签发人：王端礼").as_deref(),
            Some("提案主办〔2023〕1号")
        );
        assert_eq!(
            find_doc_number("陕发改办复（2015）221号").as_deref(),
            Some("陕发改办复〔2015〕221号")
        );
        assert_eq!(category_key("甲类").as_deref(), Some("A"));
        assert_eq!(category_key("解决采纳").as_deref(), Some("A"));
        assert_eq!(category_key("列入计划逐步解决").as_deref(), Some("B"));
        assert_eq!(category_key("留作参考").as_deref(), Some("C"));
        assert_eq!(category_key("满意"), None);
        assert_eq!(
            SIGNER.captures("签发人：王端礼").map(|c| clean_name(&c[1])),
            Some(Some("王端礼".into()))
        );
        assert_eq!(
            CONTACT
                .captures("联 系 人:李洪涛")
                .map(|c| clean_name(&c[1])),
            Some(Some("李洪涛".into()))
        );
        assert_eq!(
            CONTACT
                .captures("联系人：张 伟，电话：0413-1234567")
                .map(|c| clean_name(&c[1])),
            Some(Some("张伟".into()))
        );
        assert_eq!(
            PHONE
                .captures("联系电话:024-86892975")
                .map(|c| squeeze(&c[1])),
            Some("024-86892975".into())
        );
        assert!(is_org("抚顺市应急管理局"));
        assert!(is_org("神山镇人民政府"));
        assert!(is_org("嵊州经济开发区管理委员会"));
        assert!(!is_org("我局"));
        assert!(!is_org("感谢您对我们工作的关心"));
        assert_eq!(
            letterhead("嵊州经济开发区管理委员会文件").as_deref(),
            Some("嵊州经济开发区管理委员会")
        );
        assert_eq!(
            tidy("关于强化应急能力建设 推进城市安全发展的建议"),
            "关于强化应急能力建设推进城市安全发展的建议"
        );
        assert_eq!(tidy("关于G102 国道改造的建议"), "关于G102 国道改造的建议");
    }

    #[test]
    fn a_portal_letter_with_labelled_number_and_no_salutation_role() {
        let letter = super::super::read::txt(
            "建议编号：JY2023015\n关于加强农贸市场管理的建议的答复\n您提出的关于加强农贸市场管理的建议收悉，现答复如下：\n已完成整治。\n某县市场监督管理局\n2023年6月1日\n",
        );
        let f = analyse(&letter).fields;
        assert_eq!(f.number.as_deref(), Some("JY2023015"));
        assert_eq!(f.title.as_deref(), Some("关于加强农贸市场管理的建议"));
        assert_eq!(f.department.as_deref(), Some("某县市场监督管理局"));
        assert_eq!(f.date, Some(d(2023, 6, 1)));
        assert!(
            f.representatives.is_empty(),
            "nobody named, nobody invented"
        );
        assert_eq!(f.session, None);
    }

    #[test]
    fn metadata_lines_flattened_from_a_table() {
        let m = line_meta(" 索 引 号  luozhuangqulz211/2018-0000035  公开方式  主动公开");
        assert!(m.contains(&("索引号".into(), "luozhuangqulz211/2018-0000035".into())));
        let m = line_meta("2020-12-09 18:49来源:救援协调局");
        assert_eq!(m, vec![("来源".to_string(), "救援协调局".to_string())]);
        let m = line_meta("浏览次数: 字体: 作者:广州市应急管理局 发布日期:2019-08-21 14:46");
        assert!(m.contains(&("发布日期".into(), "2019-08-21 14:46".into())));
    }
}
