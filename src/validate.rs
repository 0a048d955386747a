//! Stage 2, validate: front matter YAML → typed [`Reply`], every problem reported with
//! file:line:column and what was expected. Cross-file rules (duplicates) run last.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::authority;
use crate::config::{Category, SiteConfig};
use crate::diagnostics::Diagnostic;
use crate::load::SourceFile;
use crate::messages::Msg;
use crate::msg;
use crate::reply::{Attachment, Contact, Handling, Kind, Reply, field_meaning};

/// Every front matter key, in the order the README documents them.
pub const FIELDS: &[&str] = &[
    "title",
    "kind",
    "number",
    "session",
    "representative",
    "department",
    "date",
    "handling",
    "co_departments",
    "category",
    "doc_number",
    "signer",
    "contact",
    "cc",
    "published",
    "index_code",
    "tags",
    "attachments",
    "satisfaction",
    "draft",
];

/// The fields every reply must have (DESIGN.md).
pub const REQUIRED: &[&str] = &[
    "title",
    "kind",
    "number",
    "session",
    "representative",
    "department",
    "date",
];

/// A YAML value as written, of any shape: the rules below judge it, so that every field's
/// problem is found, not only the first one a typed parse would stop at.
enum Node {
    Null,
    Bool(bool),
    /// A plain number; its text is read back from the source (`0146`, `1.50` stay as written).
    Number,
    Str(String),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(Spanned<Node>, Spanned<Node>)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a YAML value")
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_none<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
                Ok(Node::Bool(v))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Node, E> {
                Ok(Node::Number)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Node, E> {
                Ok(Node::Number)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
                Ok(Node::Number)
            }
            fn visit_str<E>(self, v: &str) -> Result<Node, E> {
                Ok(Node::Str(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element()? {
                    out.push(item);
                }
                Ok(Node::Seq(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key()? {
                    out.push((key, map.next_value()?));
                }
                Ok(Node::Map(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// The front matter: its fields in the order written, duplicates kept (they are reported).
struct Document(Vec<(Spanned<Node>, Spanned<Node>)>);

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Document;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`field: value` lines")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Document, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key()? {
                    out.push((key, map.next_value()?));
                }
                Ok(Document(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// A field named by its Chinese meaning (`标题: …`), as people new to the format write it.
fn field_for_meaning(name: &str) -> Option<&'static str> {
    Some(match name.trim() {
        "标题" | "题目" | "答复标题" => "title",
        "类型" | "类别" | "种类" => "kind",
        "编号" | "号" | "提案号" | "建议号" | "提案编号" | "建议编号" => "number",
        "会议" | "届次" | "届次会议" => "session",
        "代表" | "委员" | "提案人" | "代表委员" | "领衔人" => "representative",
        "单位" | "办理单位" | "承办单位" | "部门" | "答复单位" => "department",
        "日期" | "成文日期" | "答复日期" => "date",
        "办理方式" | "主办会办" => "handling",
        "会办单位" | "协办单位" => "co_departments",
        "答复类别" | "办理结果" => "category",
        "文号" => "doc_number",
        "签发人" => "signer",
        "联系人" | "联系方式" => "contact",
        "抄送" => "cc",
        "发布日期" => "published",
        "索引号" => "index_code",
        "标签" | "主题词" => "tags",
        "草稿" => "draft",
        "附件" => "attachments",
        "满意度" | "评价" | "办理结果评价" => "satisfaction",
        _ => return None,
    })
}

/// What the front matter of one file says, with the file's coordinates for messages.
struct Checker<'a> {
    file: &'a SourceFile,
    /// Byte offset of the front matter in the file.
    base: usize,
    errs: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn fm(&self) -> &str {
        self.file.front_matter_text()
    }

    /// The byte range in the file of a value (a scalar's whole text; a container's opening).
    fn span(&self, loc: &serde_saphyr::Location) -> std::ops::Range<usize> {
        let s = loc.span();
        match (s.byte_offset(), s.byte_len()) {
            (Some(o), Some(l)) => {
                let start = (o as usize).min(self.fm().len());
                let end = (start + l as usize).min(self.fm().len());
                self.base + start..self.base + end
            }
            _ => {
                let start = crate::diagnostics::offset_of(
                    self.fm(),
                    loc.line() as usize,
                    loc.column() as usize,
                );
                self.base + start..self.base + start
            }
        }
    }

    fn at(&self, loc: &serde_saphyr::Location, message: Msg, help: Msg) -> Diagnostic {
        Diagnostic::new(&self.file.shown, message)
            .at(&self.file.text, self.span(loc))
            .with_help(help)
    }

    fn push(&mut self, loc: &serde_saphyr::Location, message: Msg, help: Msg) {
        let d = self.at(loc, message, help);
        self.errs.push(d);
    }

    /// A scalar's text as written: strings as they are, numbers and booleans from the source.
    fn raw(&self, v: &Spanned<Node>) -> String {
        let r = self.span(&v.referenced);
        self.file.text[r].trim().to_string()
    }

    /// A field's text, or a problem when it is a list or a mapping.
    fn scalar(&mut self, field: &'static str, v: &Spanned<Node>) -> Option<String> {
        let text = match &v.value {
            Node::Null => String::new(),
            Node::Str(s) => s.clone(),
            Node::Number | Node::Bool(_) => self.raw(v),
            Node::Seq(_) | Node::Map(_) => {
                self.push(
                    &v.referenced,
                    msg!(
                        "fm-expected-text",
                        field = field,
                        meaning = field_meaning(field)
                    ),
                    msg!("fm-expected-text-help", field = field),
                );
                return None;
            }
        };
        let trimmed = text.trim();
        if trimmed.chars().count() >= 2
            && trimmed.starts_with(['“', '”', '「', '『'])
            && trimmed.ends_with(['”', '“', '」', '』'])
            && trimmed
                .chars()
                .filter(|c| matches!(c, '“' | '”' | '「' | '」' | '『' | '』'))
                .count()
                == 2
        {
            let inner: String = trimmed
                .chars()
                .skip(1)
                .take(trimmed.chars().count() - 2)
                .collect();
            self.push(
                &v.referenced,
                msg!("kbd-chinese-quotes", field = field),
                msg!("kbd-chinese-quotes-help", field = field, value = inner),
            );
            return None;
        }
        Some(trimmed.to_string())
    }

    /// A name or a list of names.
    fn names(&mut self, field: &'static str, v: &Spanned<Node>) -> Vec<String> {
        let items: Vec<&Spanned<Node>> = match &v.value {
            Node::Seq(items) => items.iter().collect(),
            _ => vec![v],
        };
        let mut out: Vec<String> = Vec::new();
        for item in items {
            let text = match &item.value {
                Node::Str(s) => s.trim().to_string(),
                Node::Number | Node::Bool(_) => self.raw(item),
                Node::Null => String::new(),
                Node::Seq(_) | Node::Map(_) => {
                    self.push(
                        &item.referenced,
                        msg!(
                            "fm-expected-names",
                            field = field,
                            meaning = field_meaning(field)
                        ),
                        msg!("fm-names-help", field = field),
                    );
                    continue;
                }
            };
            if text.starts_with('【') || text.ends_with('】') {
                let inner = text.trim_matches(['【', '】']).replace(['，', '、'], ", ");
                self.push(
                    &item.referenced,
                    msg!("kbd-chinese-brackets", field = field),
                    msg!("kbd-list-help", field = field, list = inner),
                );
                continue;
            }
            if text.contains(['，', '、', '；']) {
                let list = text.replace(['，', '、', '；'], ", ");
                self.push(
                    &item.referenced,
                    msg!("kbd-chinese-comma", field = field),
                    msg!("kbd-list-help", field = field, list = list),
                );
                continue;
            }
            if text.is_empty() {
                self.push(
                    &item.referenced,
                    msg!("fm-names-empty-entry", field = field),
                    msg!("fm-names-empty-entry-help"),
                );
            } else if !out.contains(&text) {
                out.push(text);
            }
        }
        out
    }

    /// A key of one of site.toml's lists (answer categories, evaluation levels); a value
    /// outside it is reported with the list.
    fn listed(
        &mut self,
        field: &'static str,
        v: &Spanned<Node>,
        list: &[Category],
        unknown: fn(&str) -> Msg,
    ) -> Option<String> {
        let key = self.scalar(field, v).filter(|k| !k.is_empty())?;
        if list.iter().any(|l| l.key == key) {
            return Some(key);
        }
        let known: Vec<String> = list
            .iter()
            .map(|l| {
                if l.label == l.key {
                    format!("`{}`", l.key)
                } else {
                    format!("`{}` ({})", l.key, l.label)
                }
            })
            .collect();
        self.push(
            &v.referenced,
            unknown(&key),
            msg!("fm-category-help", known = known.join(", ")),
        );
        None
    }

    fn date(&mut self, field: &'static str, v: &Spanned<Node>) -> Option<NaiveDate> {
        let s = self.scalar(field, v)?;
        if let Some(iso) = chinese_date(&s) {
            self.push(
                &v.referenced,
                msg!("kbd-chinese-date", field = field, value = s),
                msg!("kbd-chinese-date-help", field = field, date = iso),
            );
            return None;
        }
        match parse_iso_date(&s) {
            Ok(d) => Some(d),
            Err(why) => {
                self.push(&v.referenced, why, msg!("date-expected"));
                None
            }
        }
    }
}

/// `2023年3月27日` (also with full-width digits) as `2023-03-27`, when it is a real day.
fn chinese_date(s: &str) -> Option<String> {
    let s: String = s.trim().chars().map(crate::slug::fold_width).collect();
    let (y, rest) = s.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let d = rest
        .strip_suffix('日')
        .or_else(|| rest.strip_suffix('号'))?;
    let (y, m, d): (i32, u32, u32) = (
        y.trim().parse().ok()?,
        m.trim().parse().ok()?,
        d.trim().parse().ok()?,
    );
    NaiveDate::from_ymd_opt(y, m, d).map(|d| d.format("%Y-%m-%d").to_string())
}

/// Mistakes of a Chinese keyboard that break YAML itself, line by line, at their column:
/// a full-width colon after a field name, full-width spaces or tabs in the indentation.
fn keyboard_mistakes(file: &SourceFile) -> Vec<Diagnostic> {
    let fm = file.front_matter_text();
    let mut out = Vec::new();
    let mut offset = file.front_matter.start;
    for line in fm.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let indent_len = content.len() - content.trim_start_matches([' ', '\t', '\u{3000}']).len();
        let indent = &content[..indent_len];
        if let Some(i) = indent.find(['\t', '\u{3000}']) {
            let c = indent[i..].chars().next().unwrap_or('\t');
            let what = if c == '\t' {
                msg!("kbd-tab")
            } else {
                msg!("kbd-fullwidth-space")
            };
            out.push(
                Diagnostic::new(&file.shown, msg!("kbd-indent", what = what))
                    .at(&file.text, offset + i..offset + i + c.len_utf8())
                    .with_help(msg!("kbd-indent-help")),
            );
        }
        let rest = &content[indent_len..];
        let key_end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        let after = rest[key_end..].trim_start_matches([' ', '\u{3000}']);
        if key_end > 0 && after.starts_with('：') && !rest[..key_end].contains(':') {
            let col = offset + indent_len + (rest.len() - after.len());
            out.push(
                Diagnostic::new(
                    &file.shown,
                    msg!("kbd-fullwidth-colon", field = &rest[..key_end]),
                )
                .at(&file.text, col..col + '：'.len_utf8())
                .with_help(msg!("kbd-fullwidth-colon-help", field = &rest[..key_end])),
            );
        }
        offset += line.len();
    }
    out
}

/// Validates one file's front matter: every problem of the file at once.
pub fn validate_file(file: &SourceFile, config: &SiteConfig) -> Result<Reply, Vec<Diagnostic>> {
    let shown = &file.shown;
    let text = &file.text;
    let fm_text = file.front_matter_text();
    let opening = 0..3;

    if fm_text.trim().is_empty() {
        return Err(vec![
            Diagnostic::new(shown, msg!("fm-empty"))
                .at(text, opening)
                .with_help(msg!("fm-empty-help", fields = required_list())),
        ]);
    }
    let keyboard = keyboard_mistakes(file);
    let options = serde_saphyr::options! {
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::PassThrough,
    };
    let doc: Document = match serde_saphyr::from_str_with_options(fm_text, options) {
        Ok(r) => r,
        // A Chinese-keyboard mistake is what broke the YAML: say that, not the parser's words.
        Err(_) if !keyboard.is_empty() => return Err(keyboard),
        Err(e) => return Err(vec![yaml_error(file, &e)]),
    };
    let mut c = Checker {
        file,
        base: file.front_matter.start,
        errs: keyboard,
    };

    // Which value each field has; unknown and repeated fields are reported.
    let mut fields: BTreeMap<&'static str, &Spanned<Node>> = BTreeMap::new();
    let mut first_line: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (key, value) in &doc.0 {
        let name = match &key.value {
            Node::Str(s) => s.clone(),
            _ => c.raw(key),
        };
        match FIELDS.iter().find(|f| **f == name) {
            Some(&field) => {
                if let Some(line) = first_line.get(field) {
                    c.push(
                        &key.referenced,
                        msg!("fm-duplicate-field", field = field),
                        msg!("fm-duplicate-field-help", line = *line),
                    );
                } else {
                    first_line.insert(
                        field,
                        key.referenced.line() as usize + c.file.front_matter_first_line() - 1,
                    );
                    fields.insert(field, value);
                }
            }
            None => {
                let help = match suggest_field(&name) {
                    Some(f) => msg!(
                        "fm-unknown-field-suggest",
                        suggestion = f,
                        meaning = field_meaning(f),
                        fields = FIELDS.join(", ")
                    ),
                    None => msg!("fm-unknown-field-help", fields = FIELDS.join(", ")),
                };
                c.push(
                    &key.referenced,
                    msg!("fm-unknown-field", field = name),
                    help,
                );
            }
        }
    }
    let get = |f: &str| fields.get(f).copied();

    // Required text fields.
    let required = |c: &mut Checker, field: &'static str, example: &str| -> String {
        match get(field) {
            None => {
                c.errs.push(
                    Diagnostic::new(
                        shown,
                        msg!(
                            "fm-missing-field",
                            field = field,
                            meaning = field_meaning(field)
                        ),
                    )
                    .at(text, opening.clone())
                    .with_help(msg!(
                        "fm-missing-field-help",
                        field = field,
                        example = example
                    )),
                );
                String::new()
            }
            Some(v) => match c.scalar(field, v) {
                Some(t) if t.is_empty() => {
                    c.push(
                        &v.referenced,
                        msg!("fm-empty-value", field = field),
                        msg!("fm-empty-value-help", field = field, example = example),
                    );
                    String::new()
                }
                Some(t) => t,
                None => String::new(),
            },
        }
    };
    let title = required(&mut c, "title", "关于加强安全生产工作的建议");
    let kind_text = required(&mut c, "kind", "proposal");
    let number_text = required(&mut c, "number", "\"146\"");
    let session = required(&mut c, "session", "市政协十四届一次会议");
    let department_text = required(&mut c, "department", "抚顺市应急管理局");
    let date_given = get("date").is_some();
    let _ = required(&mut c, "date", "2023-03-27");

    if title.contains('\n')
        && let Some(t) = get("title")
    {
        c.push(
            &t.referenced,
            msg!("fm-title-lines"),
            msg!("fm-title-lines-help"),
        );
    }

    let kind = match kind_text.as_str() {
        "" | "proposal" => Kind::Proposal,
        "suggestion" => Kind::Suggestion,
        other => {
            let help = match other {
                "提案" | "政协提案" | "委员提案" => msg!("fm-kind-help-proposal"),
                "建议" | "人大建议" | "代表建议" | "人大代表建议" => {
                    msg!("fm-kind-help-suggestion")
                }
                _ => msg!("fm-kind-help"),
            };
            if let Some(k) = get("kind") {
                c.push(&k.referenced, msg!("fm-kind-unknown", value = other), help);
            }
            Kind::Proposal
        }
    };

    // `第146号`, `146号`: the page adds 第…号 itself, so the number is kept bare.
    let number = bare_number(&number_text)
        .unwrap_or(&number_text)
        .to_string();
    let number_written = get("number").filter(|_| number != number_text).map(|v| {
        let (line, column) = crate::diagnostics::line_col(text, c.span(&v.referenced).start);
        (number_text.clone(), line, column)
    });

    let representatives = match get("representative") {
        None => {
            c.errs.push(
                Diagnostic::new(
                    shown,
                    msg!(
                        "fm-missing-field",
                        field = "representative",
                        meaning = field_meaning("representative")
                    ),
                )
                .at(text, opening.clone())
                .with_help(msg!("fm-representative-help")),
            );
            Vec::new()
        }
        Some(v) => {
            let before = c.errs.len();
            let names = c.names("representative", v);
            if names.is_empty() && c.errs.len() == before {
                c.push(
                    &v.referenced,
                    msg!("fm-empty-value", field = "representative"),
                    msg!("fm-names-help", field = "representative"),
                );
            }
            names
        }
    };

    let date = match get("date") {
        Some(v) if date_given => c.date("date", v),
        _ => None,
    };
    let published = get("published").and_then(|v| c.date("published", v));
    if let (Some(d), Some(p), Some(ps)) = (date, published, get("published"))
        && p < d
    {
        c.push(
            &ps.referenced,
            msg!(
                "fm-published-before",
                published = p.to_string(),
                date = d.to_string()
            ),
            msg!("fm-published-before-help"),
        );
    }

    let handling = match get("handling").map(|h| (c.scalar("handling", h), h)) {
        None | Some((None, _)) => Handling::Lead,
        Some((Some(t), h)) => match t.as_str() {
            "lead" | "" => Handling::Lead,
            "co" => Handling::Co,
            other => {
                c.push(
                    &h.referenced,
                    msg!("fm-handling-unknown", value = other),
                    msg!("fm-handling-help"),
                );
                Handling::Lead
            }
        },
    };

    let category = get("category").and_then(|v| {
        c.listed("category", v, &config.categories, |key| {
            msg!("fm-category-unknown", value = key)
        })
    });

    let optional = |c: &mut Checker, field: &'static str| {
        get(field)
            .and_then(|v| c.scalar(field, v))
            .filter(|s| !s.is_empty())
    };
    let index_code = optional(&mut c, "index_code");
    if let (Some(code), Some(v)) = (&index_code, get("index_code"))
        && code.chars().any(char::is_whitespace)
    {
        c.push(
            &v.referenced,
            msg!("fm-index-code-spaces", value = code),
            msg!("fm-index-code-help"),
        );
    }
    let doc_number = optional(&mut c, "doc_number");
    let signer = optional(&mut c, "signer");
    let co_departments = get("co_departments")
        .map(|v| c.names("co_departments", v))
        .unwrap_or_default();
    let cc = get("cc").map(|v| c.names("cc", v)).unwrap_or_default();
    let tags = get("tags").map(|v| c.names("tags", v)).unwrap_or_default();
    let contact = get("contact").and_then(|v| contact(&mut c, v));
    let satisfaction = get("satisfaction").and_then(|v| {
        c.listed("satisfaction", v, &config.satisfaction, |key| {
            msg!("fm-satisfaction-unknown", value = key)
        })
    });
    let attachments = get("attachments")
        .map(|v| attachment_list(&mut c, v))
        .unwrap_or_default();
    let draft = match get("draft") {
        None => false,
        Some(v) => match &v.value {
            Node::Bool(b) => *b,
            _ => {
                let written = c.raw(v);
                c.push(
                    &v.referenced,
                    msg!("fm-draft-not-bool", value = written),
                    msg!("fm-bool-help"),
                );
                false
            }
        },
    };

    // The site's authority lists: a name outside them is a mistake, a former name is mapped.
    let department = authority::department(config, &department_text)
        .map(str::to_string)
        .unwrap_or_else(|| department_text.clone());
    if !department_text.is_empty() {
        if let (Some(v), Some(problem)) = (
            get("department"),
            authority::check_department(config, &department_text),
        ) {
            c.push(&v.referenced, problem.0, problem.1);
        }
        if let (Some(v), Some(problem)) =
            (get("session"), authority::check_session(config, &session))
        {
            c.push(&v.referenced, problem.0, problem.1);
        }
    }
    if let Some(v) = get("representative") {
        for name in &representatives {
            if let Some(problem) = authority::check_representative(config, name) {
                c.push(&v.referenced, problem.0, problem.1);
            }
        }
    }

    if !c.errs.is_empty() {
        return Err(c.errs);
    }
    let date = date.unwrap_or_default();
    let mut reply = Reply {
        source: file.shown.clone(),
        rel: file.rel.clone(),
        title,
        kind,
        number,
        session,
        representatives,
        department_written: (department != department_text).then_some(department_text),
        department,
        date,
        handling,
        co_departments,
        category,
        doc_number,
        signer,
        contact,
        cc,
        published: published.unwrap_or(date),
        index_code,
        tags,
        attachments,
        satisfaction,
        draft,
        body: std::sync::Arc::from(file.body_text()),
        body_fp: crate::hashing::hash_of(file.body_text()),
        body_line: crate::diagnostics::line_col(&file.text, file.body.start).0,
        replaced: file.replaced.clone(),
        number_written,
    };
    clean_escaped_controls(&mut reply, &file.text);
    Ok(reply)
}

/// `第146号`, `146号`, `第146` → `146`; `None` when the number has no such wrapping.
pub fn bare_number(n: &str) -> Option<&str> {
    let inner = n
        .trim()
        .trim_start_matches('第')
        .trim_end_matches('号')
        .trim();
    (inner != n.trim() && !inner.is_empty()).then_some(inner)
}

/// `contact: {name, phone, email, address}`.
fn contact(c: &mut Checker, v: &Spanned<Node>) -> Option<Contact> {
    let Node::Map(entries) = &v.value else {
        c.push(
            &v.referenced,
            msg!("fm-contact-not-map"),
            msg!("fm-contact-help"),
        );
        return None;
    };
    let mut out = Contact::default();
    for (k, val) in entries {
        let key = match &k.value {
            Node::Str(s) => s.clone(),
            _ => c.raw(k),
        };
        let Some(text) = c.scalar("contact", val) else {
            continue;
        };
        match key.as_str() {
            "name" => out.name = text,
            "phone" => out.phone = text,
            "email" => out.email = text,
            "address" => out.address = text,
            other => {
                c.push(
                    &k.referenced,
                    msg!("fm-contact-unknown-key", key = other),
                    msg!("fm-contact-help"),
                );
            }
        }
    }
    (out != Contact::default()).then_some(out)
}

/// `attachments: [答复函.pdf, {file: 附表.xlsx, title: 办理情况统计表}]`: each entry with its
/// place; the files themselves are found by [`crate::attachments::resolve`].
fn attachment_list(c: &mut Checker, v: &Spanned<Node>) -> Vec<Attachment> {
    let items: Vec<&Spanned<Node>> = match &v.value {
        Node::Seq(items) => items.iter().collect(),
        _ => vec![v],
    };
    let mut out = Vec::new();
    for item in items {
        let (file, title) = match &item.value {
            Node::Str(_) | Node::Number => (c.scalar("attachments", item), None),
            Node::Map(entries) => {
                let mut file = None;
                let mut title = None;
                for (k, val) in entries {
                    let key = match &k.value {
                        Node::Str(s) => s.clone(),
                        _ => c.raw(k),
                    };
                    match key.as_str() {
                        "file" => file = c.scalar("attachments", val),
                        "title" => title = c.scalar("attachments", val),
                        other => c.push(
                            &k.referenced,
                            msg!("fm-attachment-unknown-key", key = other),
                            msg!("fm-attachment-help"),
                        ),
                    }
                }
                if file.is_none() {
                    c.push(
                        &item.referenced,
                        msg!("fm-attachment-no-file"),
                        msg!("fm-attachment-help"),
                    );
                }
                (file, title)
            }
            _ => {
                c.push(
                    &item.referenced,
                    msg!("fm-attachment-bad"),
                    msg!("fm-attachment-help"),
                );
                (None, None)
            }
        };
        let Some(file) = file.filter(|f| !f.is_empty()) else {
            continue;
        };
        let (line, column) =
            crate::diagnostics::line_col(&c.file.text, c.span(&item.referenced).start);
        out.push(Attachment {
            written: file,
            title: title.unwrap_or_default(),
            line,
            column,
            ..Attachment::default()
        });
    }
    out
}

/// The field a misspelt or Chinese field name most likely means.
fn suggest_field(name: &str) -> Option<&'static str> {
    if let Some(f) = field_for_meaning(name) {
        return Some(f);
    }
    let lower = name.to_lowercase();
    FIELDS
        .iter()
        .map(|f| (strsim::damerau_levenshtein(&lower, f), *f))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, f)| f)
}

/// Control characters written as YAML escapes (`"\b"`, `"\u0000"`) appear only once the
/// front matter is parsed: they are replaced here like those found when the file was read,
/// and reported at the field's line.
fn clean_escaped_controls(r: &mut Reply, text: &str) {
    let mut found = Vec::new();
    let mut clean = |field: &str, s: &mut String| {
        if s.chars().any(crate::policy::is_forbidden_char) {
            let line = find_line(text, &format!("{field}:"))
                .map_or(0, |span| crate::diagnostics::line_col(text, span.start).0);
            for c in s.chars().filter(|&c| crate::policy::is_forbidden_char(c)) {
                found.push((line, 1, c));
            }
            *s = crate::policy::replace_forbidden(s).0.into_owned();
        }
    };
    clean("title", &mut r.title);
    clean("number", &mut r.number);
    clean("session", &mut r.session);
    clean("department", &mut r.department);
    for v in &mut r.representatives {
        clean("representative", v);
    }
    for v in &mut r.co_departments {
        clean("co_departments", v);
    }
    for v in &mut r.cc {
        clean("cc", v);
    }
    for v in &mut r.tags {
        clean("tags", v);
    }
    for v in [
        &mut r.doc_number,
        &mut r.signer,
        &mut r.index_code,
        &mut r.category,
    ]
    .into_iter()
    .flatten()
    {
        clean("", v);
    }
    if let Some(c) = &mut r.contact {
        for v in [&mut c.name, &mut c.phone, &mut c.email, &mut c.address] {
            clean("contact", v);
        }
    }
    r.replaced.extend(found);
}

/// Whether a file's front matter says `draft: true`, read leniently (the file may have
/// other problems): such a file is left out of a build without `--drafts`.
pub fn marked_draft(file: &SourceFile) -> bool {
    #[derive(Deserialize)]
    struct Draft {
        draft: Option<bool>,
    }
    serde_saphyr::from_str::<Draft>(file.front_matter_text()).is_ok_and(|d| d.draft == Some(true))
}

/// The problems of an incomplete draft, as warnings: the build leaves the draft out.
pub fn as_draft_warnings(problems: &[Diagnostic]) -> Vec<Diagnostic> {
    problems
        .iter()
        .map(|d| {
            let mut d = d.clone().warning();
            d.message = msg!("draft-incomplete", problem = d.message);
            d
        })
        .collect()
}

fn required_list() -> String {
    REQUIRED.join(", ")
}

/// `YYYY-MM-DD` with a real calendar day; the reason when not.
pub fn parse_iso_date(s: &str) -> Result<NaiveDate, Msg> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err(msg!("date-bad-shape", value = s));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| msg!("date-not-real", value = s))
}

/// A YAML syntax error as a diagnostic in the file's own coordinates, in the reader's
/// language: the parser's own words are kept only as a detail.
fn yaml_error(file: &SourceFile, e: &serde_saphyr::Error) -> Diagnostic {
    let options = serde_saphyr::render_options! {
        snippets: serde_saphyr::SnippetMode::Off,
    };
    let raw = e.render_with_options(options);
    let detail = strip_location(raw.lines().next().unwrap_or("invalid YAML"));
    let (mut message, mut help) = if detail.contains("expected mapping") {
        (msg!("yaml-not-fields"), msg!("yaml-help"))
    } else if detail.contains("unclosed") || detail.contains("did not find expected") {
        let bracket = detail.split('\'').nth(1).unwrap_or("[").to_string();
        (
            msg!("yaml-unclosed", bracket = bracket),
            msg!("yaml-unclosed-help"),
        )
    } else if detail.contains("tab") {
        (msg!("yaml-tab", detail = &detail), msg!("kbd-indent-help"))
    } else {
        (msg!("yaml-invalid", detail = &detail), msg!("yaml-help"))
    };
    let mut d = Diagnostic::new(&file.shown, message);
    let line_offset = file.front_matter_first_line() - 1;
    // The parser notices an unclosed bracket only where the next field starts: point at the
    // bracket itself.
    let bracket = e
        .location()
        .and_then(|loc| unclosed_bracket(file.front_matter_text(), loc.line() as usize))
        .map(|r| file.front_matter.start + r.start..file.front_matter.start + r.end);
    if let Some(span) = &bracket {
        let opener = file.text[span.clone()].chars().next().unwrap_or('[');
        (message, help) = (
            msg!("yaml-unclosed", bracket = opener),
            msg!("yaml-unclosed-help"),
        );
        d.message = message;
    }
    match e.location() {
        _ if let Some(span) = bracket => d = d.at(&file.text, span),
        Some(loc) if loc.line() > 0 => {
            d = d.at_line_col(
                &file.text,
                loc.line() as usize + line_offset,
                loc.column().max(1) as usize,
            );
        }
        _ => d = d.at(&file.text, 0..3),
    }
    d.with_help(help)
}

/// The first line up to `last_line` (1-based) that opens a `[` or `{` it does not close:
/// the byte range from the bracket to the end of that line.
fn unclosed_bracket(fm: &str, last_line: usize) -> Option<std::ops::Range<usize>> {
    let mut offset = 0;
    for line in fm.split_inclusive('\n').take(last_line.max(1)) {
        let mut open: Vec<usize> = Vec::new();
        let mut quote = None;
        for (i, c) in line.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') if open.is_empty() || c == '"' => quote = Some(c),
                (None, '#') if line[..i].ends_with(' ') => break,
                (None, '[' | '{') => open.push(i),
                (None, ']' | '}') => {
                    open.pop();
                }
                _ => {}
            }
        }
        if let Some(&first) = open.first() {
            let end = line.trim_end().len();
            return Some(offset + first..offset + end.max(first + 1));
        }
        offset += line.len();
    }
    None
}

/// Drops a trailing "at line N, column M" that serde-saphyr adds to plain messages, and a
/// leading "error: line N column M: ".
fn strip_location(s: &str) -> String {
    let s = match s.find(": ") {
        Some(i) if s[..i].contains("line ") => &s[i + 2..],
        _ => s,
    };
    match s.rfind(" at line ") {
        Some(i) => s[..i].trim_end_matches(',').to_string(),
        None => s.to_string(),
    }
}

/// Two replies with the same (session, kind, number, department) are one reply written twice.
/// `text_of` gives a file's text (by its shown path), to point at the line.
pub fn check_duplicates(
    replies: &[&Reply],
    text_of: &dyn Fn(&std::path::Path) -> Option<Arc<str>>,
) -> Vec<Diagnostic> {
    let mut seen: BTreeMap<(&str, Kind, &str, &str), &Reply> = BTreeMap::new();
    let mut codes: BTreeMap<&str, &Reply> = BTreeMap::new();
    let mut diags = Vec::new();
    let mut sorted: Vec<&Reply> = replies.to_vec();
    sorted.sort_by(|a, b| a.source.cmp(&b.source));
    for r in sorted {
        let key = r.identity();
        if let Some(first) = seen.get(&key) {
            let mut d = Diagnostic::new(
                &r.source,
                msg!(
                    "dup-reply",
                    session = &r.session,
                    kind = r.kind.label(),
                    number = &r.number,
                    department = &r.department,
                    other = first.source.display().to_string()
                ),
            )
            .with_help(msg!("dup-reply-help"))
            .with_related(&first.source, 1, msg!("dup-first"));
            if let Some(text) = text_of(&r.source) {
                let span = find_line(&text, "number:").unwrap_or(0..3);
                d = d.at(&text, span);
            }
            diags.push(d);
        } else {
            seen.insert(key, r);
        }
        if let Some(code) = r.index_code.as_deref() {
            if let Some(first) = codes.get(code) {
                let mut d = Diagnostic::new(
                    &r.source,
                    msg!(
                        "dup-index-code",
                        code = code,
                        other = first.source.display().to_string()
                    ),
                )
                .with_help(msg!("dup-index-code-help"))
                .with_related(&first.source, 1, msg!("dup-first"));
                if let Some(text) = text_of(&r.source) {
                    d = d.at(&text, find_line(&text, "index_code:").unwrap_or(0..3));
                }
                diags.push(d);
            } else {
                codes.insert(code, r);
            }
        }
    }
    diags
}

/// Byte range of the first line starting with `prefix` (in front matter).
pub(crate) fn find_line(text: &str, prefix: &str) -> Option<std::ops::Range<usize>> {
    let mut off = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with(prefix) {
            return Some(off..off + line.trim_end().len());
        }
        off += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::split_front_matter;
    use std::path::PathBuf;

    fn config() -> SiteConfig {
        crate::config::parse(
            "title = \"t\"\nbase_url = \"https://e.gov.cn/\"\n[organisation]\nname = \"n\"\ncode = \"C\"\n",
            None,
        )
        .unwrap()
    }

    fn file(text: &str) -> SourceFile {
        let text: Arc<str> = Arc::from(text);
        let (front_matter, body) = split_front_matter(&text).unwrap();
        SourceFile {
            shown: PathBuf::from("content/a.md"),
            rel: PathBuf::from("a.md"),
            text,
            front_matter,
            body,
            replaced: Vec::new(),
        }
    }

    const GOOD: &str = "---\ntitle: 关于加强安全生产的建议\nkind: proposal\nnumber: 146\nsession: 市政协十四届一次会议\nrepresentative: 吴忠彦\ndepartment: 抚顺市应急管理局\ndate: 2023-03-27\ncategory: A\n---\n正文\n";

    #[test]
    fn good_front_matter_validates() {
        let r = validate_file(&file(GOOD), &config()).unwrap();
        assert_eq!(r.number, "146");
        assert_eq!(r.representatives, vec!["吴忠彦"]);
        assert_eq!(r.published, r.date);
        assert_eq!(&*r.body, "正文\n");
        assert_eq!(r.handling, Handling::Lead);
    }

    fn errors(text: &str) -> Vec<Diagnostic> {
        validate_file(&file(text), &config()).unwrap_err()
    }

    #[test]
    fn impossible_date_points_at_the_value() {
        let e = errors(&GOOD.replace("2023-03-27", "2023-02-30"));
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].line, e[0].column), (8, 7));
        assert_eq!(e[0].message.id, "date-not-real", "{:?}", e[0].message);
        assert!(e[0].message.en().contains("2023-02-30 is not a real date"));
    }

    #[test]
    fn all_missing_fields_are_reported_at_once() {
        let e = errors("---\ntitle: x\n---\n");
        let missing: Vec<&str> = e.iter().filter_map(|d| d.message.arg("field")).collect();
        for f in [
            "kind",
            "number",
            "session",
            "representative",
            "department",
            "date",
        ] {
            assert!(missing.contains(&f), "{f}: {missing:?}");
        }
    }

    #[test]
    fn every_field_problem_of_a_file_at_once() {
        // An impossible date and a misspelt field in one document: both, each at its line.
        let e = errors(
            &GOOD
                .replace("2023-03-27", "2023-02-30")
                .replace("category: A", "categroy: A\ndraft: maybe\nkind: again"),
        );
        let found: Vec<(&str, usize)> = e.iter().map(|d| (d.message.id, d.line)).collect();
        assert!(found.contains(&("date-not-real", 8)), "{found:?}");
        assert!(found.contains(&("fm-unknown-field", 9)), "{found:?}");
        assert!(found.contains(&("fm-draft-not-bool", 10)), "{found:?}");
        assert!(found.contains(&("fm-duplicate-field", 11)), "{found:?}");
        assert_eq!(e.len(), 4, "{found:?}");
    }

    #[test]
    fn unknown_field_gets_did_you_mean() {
        let e = errors(&GOOD.replace("category: A", "categroy: A"));
        assert_eq!(e[0].line, 9, "{:?}", e[0]);
        assert!(e[0].message.en().contains("unknown field `categroy`"));
        assert!(
            e[0].help
                .as_ref()
                .unwrap()
                .en()
                .contains("did you mean `category`")
        );
        // A field named by its Chinese meaning is pointed to its name.
        let e = errors(&GOOD.replace("category: A", "答复类别: A"));
        assert_eq!(
            e[0].help.as_ref().unwrap().arg("suggestion"),
            Some("category")
        );
    }

    #[test]
    fn duplicate_key_and_wrong_type_and_yes_no() {
        let e = errors(&GOOD.replace("category: A", "category: A\ntitle: again"));
        assert_eq!(e[0].message.id, "fm-duplicate-field");
        assert_eq!(e[0].line, 10);
        let e = errors(&GOOD.replace("category: A", "draft: maybe"));
        assert_eq!(e[0].line, 9, "{:?}", e[0]);
        let e = errors(&GOOD.replace("category: A", "draft: no"));
        assert_eq!(e[0].line, 9, "YAML 1.1 booleans are refused: {:?}", e[0]);
        let e = errors(&GOOD.replace("category: A", "contact: [a, b]"));
        assert_eq!(e[0].line, 9, "{:?}", e[0]);
    }

    #[test]
    fn numbers_keep_their_spelling() {
        let r = validate_file(
            &file(&GOOD.replace("number: 146", "number: 0146")),
            &config(),
        )
        .unwrap();
        assert_eq!(r.number, "0146");
        let r = validate_file(
            &file(&GOOD.replace("number: 146", "number: 1.50")),
            &config(),
        )
        .unwrap();
        assert_eq!(r.number, "1.50");
    }

    #[test]
    fn number_with_di_and_hao_is_read_bare_and_warned() {
        for written in ["第146号", "146号", "第146"] {
            let r = validate_file(
                &file(&GOOD.replace("number: 146", &format!("number: {written}"))),
                &config(),
            )
            .unwrap();
            assert_eq!(r.number, "146", "{written}");
            assert_eq!(r.number_written, Some((written.to_string(), 4, 9)));
        }
        assert_eq!(bare_number("146"), None);
        assert_eq!(bare_number("第号"), None);
    }

    /// (id, line, column) of each problem.
    fn at(e: &[Diagnostic]) -> Vec<(&str, usize, usize)> {
        e.iter().map(|d| (d.message.id, d.line, d.column)).collect()
    }

    #[test]
    fn chinese_keyboard_mistakes_get_their_own_message_at_their_place() {
        let e = errors(&GOOD.replace("title: 关于", "title：关于"));
        assert_eq!(at(&e), vec![("kbd-fullwidth-colon", 2, 6)]);
        let e = errors(&GOOD.replace("category: A", "category:\n\u{3000}- A"));
        assert_eq!(at(&e), vec![("kbd-indent", 10, 1)]);
        let e = errors(&GOOD.replace("category: A", "tags:\n\t- a"));
        assert_eq!(at(&e), vec![("kbd-indent", 10, 1)]);
        let e = errors(&GOOD.replace(
            "department: 抚顺市应急管理局",
            "department: “抚顺市应急管理局”",
        ));
        assert_eq!(at(&e), vec![("kbd-chinese-quotes", 7, 13)]);
        assert!(
            e[0].help
                .as_ref()
                .unwrap()
                .en()
                .contains("department: 抚顺市应急管理局")
        );
        let e = errors(&GOOD.replace("representative: 吴忠彦", "representative: 【张三，李四】"));
        assert_eq!(at(&e), vec![("kbd-chinese-brackets", 6, 17)]);
        assert!(e[0].help.as_ref().unwrap().en().contains("[张三, 李四]"));
        let e = errors(&GOOD.replace("representative: 吴忠彦", "representative: 张三，李四、王五"));
        assert_eq!(at(&e), vec![("kbd-chinese-comma", 6, 17)]);
        let e = errors(&GOOD.replace("date: 2023-03-27", "date: 2023年3月27日"));
        assert_eq!(at(&e), vec![("kbd-chinese-date", 8, 7)]);
        assert!(
            e[0].help
                .as_ref()
                .unwrap()
                .en()
                .contains("date: 2023-03-27")
        );
        // A quote inside a title is not a mistake.
        validate_file(
            &file(&GOOD.replace("title: 关于", "title: 关于“十四五”")),
            &config(),
        )
        .unwrap();
    }

    #[test]
    fn authority_lists_judge_names() {
        let config = crate::config::parse(
            "title = \"t\"\nbase_url = \"https://e.gov.cn/\"\n[organisation]\nname = \"n\"\ncode = \"C\"\n[authority]\nsessions = [\"市政协十四届一次会议\"]\nrepresentatives = [\"吴忠彦\"]\n[[authority.departments]]\nname = \"抚顺市应急管理局\"\nformer = [\"抚顺市安全生产监督管理局\"]\n",
            None,
        )
        .unwrap();
        let ok = validate_file(&file(GOOD), &config).unwrap();
        assert_eq!(ok.department_written, None);
        let former = GOOD.replace("抚顺市应急管理局", "抚顺市安全生产监督管理局");
        let r = validate_file(&file(&former), &config).unwrap();
        assert_eq!(r.department, "抚顺市应急管理局");
        assert_eq!(
            r.department_written.as_deref(),
            Some("抚顺市安全生产监督管理局")
        );
        let typo = GOOD
            .replace("抚顺市应急管理局", "抚顺市应急管理厅")
            .replace("十四届一次", "十四届二次")
            .replace("吴忠彦", "吴忠言");
        let e = validate_file(&file(&typo), &config).unwrap_err();
        let suggestions: Vec<_> = e
            .iter()
            .map(|d| {
                (
                    d.message.arg("field"),
                    d.help.as_ref().and_then(|h| h.arg("suggestion")),
                )
            })
            .collect();
        assert!(
            suggestions.contains(&(Some("department"), Some("抚顺市应急管理局"))),
            "{suggestions:?}"
        );
        assert!(
            suggestions.contains(&(Some("session"), Some("市政协十四届一次会议"))),
            "{suggestions:?}"
        );
        assert!(
            suggestions.contains(&(Some("representative"), Some("吴忠彦"))),
            "{suggestions:?}"
        );
    }

    #[test]
    fn unknown_kind_and_category() {
        let e = errors(
            &GOOD
                .replace("kind: proposal", "kind: 提案")
                .replace("category: A", "category: E"),
        );
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].message.id, "fm-kind-unknown");
        assert!(e[0].help.as_ref().unwrap().en().contains("`proposal`"));
        assert!(e[1].message.en().contains("unknown category `E`"));
        assert!(e[1].help.as_ref().unwrap().en().contains("`A`"));
    }

    #[test]
    fn joint_proposal_and_lists() {
        let r = validate_file(
            &file(&GOOD.replace(
                "representative: 吴忠彦",
                "representative: [张三, 李四]\ntags: 安全生产\ncc: [市政府办公室]",
            )),
            &config(),
        )
        .unwrap();
        assert_eq!(r.representatives, vec!["张三", "李四"]);
        assert_eq!(r.tags, vec!["安全生产"]);
    }

    #[test]
    fn published_before_date_is_refused() {
        let e = errors(&GOOD.replace("category: A", "published: 2023-03-01"));
        assert!(e[0].message.en().contains("before"));
    }

    #[test]
    fn malformed_yaml_has_a_line() {
        let e = errors(&GOOD.replace("category: A", "category: [A"));
        assert!(e[0].line >= 9, "{:?}", e[0]);
        assert_eq!(e[0].message.id, "yaml-unclosed", "{:?}", e[0]);
    }
}
