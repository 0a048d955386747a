//! Stage 2, validate: front matter YAML → typed [`Reply`], every problem reported with
//! file:line:column and what was expected. Cross-file rules (duplicates) run last.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::load::SourceFile;
use crate::reply::{Contact, Handling, Kind, Reply};

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
    "draft",
];

/// Front matter as written, before the rules are applied; every value keeps its position.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrontMatter {
    title: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    number: Option<Spanned<String>>,
    session: Option<Spanned<String>>,
    representative: Option<Spanned<OneOrMany>>,
    department: Option<Spanned<String>>,
    date: Option<Spanned<String>>,
    handling: Option<Spanned<String>>,
    co_departments: Option<Spanned<OneOrMany>>,
    category: Option<Spanned<String>>,
    doc_number: Option<Spanned<String>>,
    signer: Option<Spanned<String>>,
    contact: Option<Spanned<Contact>>,
    cc: Option<Spanned<OneOrMany>>,
    published: Option<Spanned<String>>,
    index_code: Option<Spanned<String>>,
    tags: Option<Spanned<OneOrMany>>,
    draft: Option<Spanned<bool>>,
}

/// A single name or a list of names (`representative: 张三` or `[张三, 李四]`).
struct OneOrMany(Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name or a list of names")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(OneOrMany(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// Validates one file's front matter.
pub fn validate_file(file: &SourceFile, config: &SiteConfig) -> Result<Reply, Vec<Diagnostic>> {
    let shown = &file.shown;
    let text = &file.text;
    let fm_text = file.front_matter_text();
    let line_offset = file.front_matter_first_line() - 1;
    let opening = 0..3;

    if fm_text.trim().is_empty() {
        return Err(vec![
            Diagnostic::new(shown, "front matter is empty")
                .at(text, opening)
                .with_help(format!("expected the fields {}", required_list())),
        ]);
    }
    let options = serde_saphyr::options! {
        strict_booleans: true,
    };
    let raw: RawFrontMatter = match serde_saphyr::from_str_with_options(fm_text, options) {
        Ok(r) => r,
        Err(e) => return Err(vec![yaml_error(file, &e, line_offset)]),
    };

    let mut errs = Vec::new();
    let span_of = |s: &serde_saphyr::Location| -> std::ops::Range<usize> {
        let start = crate::diagnostics::offset_of(
            text,
            s.line() as usize + line_offset,
            s.column() as usize,
        );
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        start..start + text[start..line_end].trim_end().len()
    };
    let err_at = |loc: &serde_saphyr::Location, msg: String, help: String| -> Diagnostic {
        Diagnostic::new(shown, msg)
            .at(text, span_of(loc))
            .with_help(help)
    };

    // Required text fields.
    let required = |field: &'static str,
                    value: &Option<Spanned<String>>,
                    example: &str,
                    errs: &mut Vec<Diagnostic>|
     -> String {
        match value {
            None => {
                errs.push(
                    Diagnostic::new(shown, format!("missing required field `{field}`"))
                        .at(text, opening.clone())
                        .with_help(format!(
                            "expected e.g. `{field}: {example}` in the front matter"
                        )),
                );
                String::new()
            }
            Some(v) if v.value.trim().is_empty() => {
                errs.push(err_at(
                    &v.referenced,
                    format!("`{field}` is empty"),
                    format!("expected e.g. `{field}: {example}`"),
                ));
                String::new()
            }
            Some(v) => v.value.trim().to_string(),
        }
    };
    let title = required("title", &raw.title, "关于加强安全生产工作的建议", &mut errs);
    let kind_text = required("kind", &raw.kind, "proposal", &mut errs);
    let number = required("number", &raw.number, "\"146\"", &mut errs);
    let session = required("session", &raw.session, "市政协十四届一次会议", &mut errs);
    let department = required("department", &raw.department, "抚顺市应急管理局", &mut errs);
    let date_text = required("date", &raw.date, "2023-03-27", &mut errs);

    if title.contains('\n')
        && let Some(t) = &raw.title
    {
        errs.push(err_at(
            &t.referenced,
            "title spans several lines".into(),
            "expected the title on one line".into(),
        ));
    }

    let kind = match kind_text.as_str() {
        "" => Kind::Proposal,
        "proposal" => Kind::Proposal,
        "suggestion" => Kind::Suggestion,
        other => {
            let hint = match other {
                "提案" | "政协提案" => " (提案 is `proposal`)",
                "建议" | "人大建议" | "代表建议" | "人大代表建议" => {
                    " (建议 is `suggestion`)"
                }
                _ => "",
            };
            if let Some(k) = &raw.kind {
                errs.push(err_at(
                    &k.referenced,
                    format!("unknown kind `{other}`"),
                    format!("expected `proposal` (政协提案) or `suggestion` (人大代表建议){hint}"),
                ));
            }
            Kind::Proposal
        }
    };

    let names = |field: &'static str,
                 v: &Option<Spanned<OneOrMany>>,
                 errs: &mut Vec<Diagnostic>|
     -> Vec<String> {
        let Some(v) = v else { return Vec::new() };
        let mut out = Vec::new();
        for n in &v.value.0 {
            let n = n.trim();
            if n.is_empty() {
                errs.push(err_at(
                    &v.referenced,
                    format!("`{field}` has an empty entry"),
                    "expected names, none empty".into(),
                ));
            } else if !out.iter().any(|o: &String| o == n) {
                out.push(n.to_string());
            }
        }
        out
    };
    let representatives = names("representative", &raw.representative, &mut errs);
    if raw.representative.is_none() {
        errs.push(
            Diagnostic::new(shown, "missing required field `representative`")
                .at(text, opening.clone())
                .with_help("expected e.g. `representative: 吴忠彦`, or a list for a joint proposal: `[张三, 李四]`"),
        );
    } else if representatives.is_empty()
        && let Some(r) = &raw.representative
    {
        errs.push(err_at(
            &r.referenced,
            "`representative` is empty".into(),
            "expected a name or a list of names".into(),
        ));
    }

    let parse_date =
        |field: &str, v: &Spanned<String>, errs: &mut Vec<Diagnostic>| -> Option<NaiveDate> {
            let s = v.value.trim();
            match parse_iso_date(s) {
                Ok(d) => Some(d),
                Err(why) => {
                    errs.push(err_at(
                        &v.referenced,
                        format!("`{field}`: {why}"),
                        "expected a real calendar date as YYYY-MM-DD, e.g. 2023-03-27".into(),
                    ));
                    None
                }
            }
        };
    let date = if date_text.is_empty() {
        None
    } else {
        raw.date
            .as_ref()
            .and_then(|d| parse_date("date", d, &mut errs))
    };
    let published = raw
        .published
        .as_ref()
        .and_then(|p| parse_date("published", p, &mut errs));
    if let (Some(d), Some(p), Some(ps)) = (date, published, raw.published.as_ref())
        && p < d
    {
        errs.push(err_at(
            &ps.referenced,
            format!("published {p} is before the reply's date {d}"),
            "a reply goes public on or after the day it was written".into(),
        ));
    }

    let handling = match raw.handling.as_ref().map(|h| (h.value.trim(), h)) {
        None | Some(("lead", _)) => Handling::Lead,
        Some(("co", _)) => Handling::Co,
        Some((other, h)) => {
            errs.push(err_at(
                &h.referenced,
                format!("unknown handling `{other}`"),
                "expected `lead` (主办, the default) or `co` (会办)".into(),
            ));
            Handling::Lead
        }
    };

    let category = match &raw.category {
        None => None,
        Some(c) => {
            let key = c.value.trim();
            if config.category(key).is_some() {
                Some(key.to_string())
            } else {
                let known: Vec<String> = config
                    .categories
                    .iter()
                    .map(|c| format!("`{}` ({})", c.key, c.label))
                    .collect();
                errs.push(err_at(
                    &c.referenced,
                    format!("unknown category `{key}`"),
                    format!("expected one of {}", known.join(", ")),
                ));
                None
            }
        }
    };

    let optional = |v: &Option<Spanned<String>>| {
        v.as_ref()
            .map(|s| s.value.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let index_code = optional(&raw.index_code);
    if let (Some(code), Some(v)) = (&index_code, &raw.index_code)
        && code.chars().any(char::is_whitespace)
    {
        errs.push(err_at(
            &v.referenced,
            format!("index_code `{code}` contains spaces"),
            "expected e.g. 11210400MB0000000X/2023-00001".into(),
        ));
    }
    let co_departments = names("co_departments", &raw.co_departments, &mut errs);
    let cc = names("cc", &raw.cc, &mut errs);
    let tags = names("tags", &raw.tags, &mut errs);
    let contact = raw
        .contact
        .map(|c| c.value)
        .filter(|c| *c != Contact::default());

    if !errs.is_empty() {
        return Err(errs);
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
        department,
        date,
        handling,
        co_departments,
        category,
        doc_number: optional(&raw.doc_number),
        signer: optional(&raw.signer),
        contact,
        cc,
        published: published.unwrap_or(date),
        index_code,
        tags,
        draft: raw.draft.map(|d| d.value).unwrap_or(false),
        body: std::sync::Arc::from(file.body_text()),
        body_line: crate::diagnostics::line_col(&file.text, file.body.start).0,
        replaced: file.replaced.clone(),
    };
    clean_escaped_controls(&mut reply, &file.text);
    Ok(reply)
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
            d.message = format!("incomplete draft (left out of the site): {}", d.message);
            d
        })
        .collect()
}

fn required_list() -> String {
    "title, kind, number, session, representative, department and date".into()
}

/// `YYYY-MM-DD` with a real calendar day; the reason when not.
pub fn parse_iso_date(s: &str) -> Result<NaiveDate, String> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err(format!("`{s}` is not a date in the form YYYY-MM-DD"));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("{s} is not a real date"))
}

/// A serde-saphyr error as a diagnostic in the file's own coordinates.
fn yaml_error(file: &SourceFile, e: &serde_saphyr::Error, line_offset: usize) -> Diagnostic {
    let options = serde_saphyr::render_options! {
        snippets: serde_saphyr::SnippetMode::Off,
    };
    let raw = e.render_with_options(options);
    let message = strip_location(raw.lines().next().unwrap_or("invalid YAML"));
    let mut d = Diagnostic::new(&file.shown, format!("front matter: {message}"));
    match e.location() {
        Some(loc) if loc.line() > 0 => {
            d = d.at_line_col(
                &file.text,
                loc.line() as usize + line_offset,
                loc.column().max(1) as usize,
            );
        }
        _ => d = d.at(&file.text, 0..3),
    }
    let help = if let Some(field) = message
        .strip_prefix("unknown field `")
        .and_then(|r| r.split('`').next())
    {
        let best = FIELDS
            .iter()
            .map(|f| (strsim::damerau_levenshtein(field, f), *f))
            .filter(|(d, _)| *d <= 3)
            .min();
        match best {
            Some((_, f)) => format!("did you mean `{f}`? the fields are: {}", FIELDS.join(", ")),
            None => format!("the fields are: {}", FIELDS.join(", ")),
        }
    } else if message.contains("duplicate") {
        "each field may appear once".to_string()
    } else if message.contains("boolean") {
        "expected `true` or `false`".to_string()
    } else if message.contains("invalid type") {
        format!(
            "expected {}",
            expected_after(&message).unwrap_or("a different kind of value")
        )
    } else {
        "expected `field: value` lines in YAML; quote values that contain `: ` or start with a special character".to_string()
    };
    d.with_help(help)
}

fn expected_after(message: &str) -> Option<&str> {
    message.split_once("expected ").map(|(_, e)| e)
}

/// Drops a trailing "at line N, column M" that serde-saphyr adds to plain messages.
fn strip_location(s: &str) -> String {
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
                format!("duplicate reply: {} {} 第{}号 from {} is also in {}", r.session, r.kind.label(), r.number, r.department, first.source.display()),
            )
            .with_help("one file per department's reply; delete one of them, or correct session, kind, number or department")
            .with_related(&first.source, 1, "the first one");
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
                    format!(
                        "duplicate index_code (索引号) {code}: also used by {}",
                        first.source.display()
                    ),
                )
                .with_help("索引号 must be unique; remove index_code to have one generated")
                .with_related(&first.source, 1, "the first one");
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
        assert!(
            e[0].message.contains("2023-02-30 is not a real date"),
            "{}",
            e[0].message
        );
    }

    #[test]
    fn all_missing_fields_are_reported_at_once() {
        let e = errors("---\ntitle: x\n---\n");
        let msgs: Vec<&str> = e.iter().map(|d| d.message.as_str()).collect();
        for f in [
            "kind",
            "number",
            "session",
            "representative",
            "department",
            "date",
        ] {
            assert!(
                msgs.iter().any(|m| m.contains(&format!("`{f}`"))),
                "{f}: {msgs:?}"
            );
        }
    }

    #[test]
    fn unknown_field_gets_did_you_mean() {
        let e = errors(&GOOD.replace("category: A", "categroy: A"));
        assert_eq!(e[0].line, 9, "{:?}", e[0]);
        assert!(
            e[0].message.contains("unknown field `categroy`"),
            "{}",
            e[0].message
        );
        assert!(
            e[0].help
                .as_deref()
                .unwrap()
                .contains("did you mean `category`")
        );
    }

    #[test]
    fn duplicate_key_and_wrong_type_and_yes_no() {
        let e = errors(&GOOD.replace("category: A", "category: A\ntitle: again"));
        assert!(e[0].message.contains("duplicate"), "{}", e[0].message);
        assert_eq!(e[0].line, 10);
        let e = errors(&GOOD.replace("category: A", "draft: maybe"));
        assert_eq!(e[0].line, 9, "{:?}", e[0]);
        let e = errors(&GOOD.replace("category: A", "draft: no"));
        assert_eq!(e[0].line, 9, "YAML 1.1 booleans are refused: {:?}", e[0]);
        let e = errors(&GOOD.replace("category: A", "contact: [a, b]"));
        assert_eq!(e[0].line, 9, "{:?}", e[0]);
    }

    #[test]
    fn unknown_kind_and_category() {
        let e = errors(
            &GOOD
                .replace("kind: proposal", "kind: 提案")
                .replace("category: A", "category: E"),
        );
        assert_eq!(e.len(), 2);
        assert!(e[0].message.contains("unknown kind"));
        assert!(e[0].help.as_deref().unwrap().contains("`proposal`"));
        assert!(e[1].message.contains("unknown category `E`"));
        assert!(e[1].help.as_deref().unwrap().contains("`A`"));
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
        assert!(e[0].message.contains("before"));
    }

    #[test]
    fn malformed_yaml_has_a_line() {
        let e = errors(&GOOD.replace("category: A", "category: [A"));
        assert!(e[0].line >= 9, "{:?}", e[0]);
        assert!(e[0].message.starts_with("front matter:"));
    }
}
