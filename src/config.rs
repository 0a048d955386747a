//! `site.toml`: strict, documented, with defaults a Chinese government portal expects.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::msg;

/// The whole site configuration. Unknown keys anywhere are errors.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Site title, shown in the header and in `<title>`.
    pub title: String,
    /// Where the site is deployed, e.g. `https://www.example.gov.cn/jyta/`. May include a path.
    pub base_url: String,
    /// One line about the site, for the home page and meta description.
    #[serde(default)]
    pub description: String,
    /// `lang` of every page.
    #[serde(default = "default_language")]
    pub language: String,
    /// Theme folder name under `themes/`; `default` is built in.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Replies per index page.
    #[serde(default = "default_page_size")]
    pub page_size: usize,
    /// The search index and page (`search/`): `search = false` turns it off; a `[search]`
    /// table may also give synonyms.
    #[serde(default)]
    pub search: Search,
    /// The publishing organisation (its code goes into generated 索引号).
    pub organisation: Organisation,
    /// What Chinese government sites must show at the foot of every page.
    #[serde(default)]
    pub footer: Footer,
    /// The answer-category vocabulary (答复类别), in display order.
    #[serde(default = "default_categories")]
    pub categories: Vec<Category>,
    /// How representatives judged the handling (代表委员对办理结果的评价), in display order.
    #[serde(default = "default_satisfaction")]
    pub satisfaction: Vec<Category>,
    /// ASCII slugs for names whose pinyin reading is wrong or unwanted: name → slug.
    #[serde(default)]
    pub slugs: BTreeMap<String, String>,
    /// The departments, sessions and representatives that exist (规范名录); optional.
    #[serde(default)]
    pub authority: Authority,
}

/// `search = true|false`, or `[search]` with `enabled` and `synonyms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    pub enabled: bool,
    /// Words the site's readers use for words its replies use (`路灯` → `照明`): a query with
    /// either finds both. Each entry is a word and the words that mean the same.
    pub synonyms: BTreeMap<String, Vec<String>>,
}

impl Default for Search {
    fn default() -> Self {
        Search {
            enabled: true,
            synonyms: BTreeMap::new(),
        }
    }
}

impl<'de> Deserialize<'de> for Search {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Table {
            #[serde(default = "default_true")]
            enabled: bool,
            #[serde(default)]
            synonyms: BTreeMap<String, OneOrMany>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Flag(bool),
            Table(Table),
        }
        Ok(match Form::deserialize(d)? {
            Form::Flag(enabled) => Search {
                enabled,
                synonyms: BTreeMap::new(),
            },
            Form::Table(t) => Search {
                enabled: t.enabled,
                synonyms: t
                    .synonyms
                    .into_iter()
                    .map(|(k, v)| {
                        let words = match v {
                            OneOrMany::One(w) => vec![w],
                            OneOrMany::Many(ws) => ws,
                        };
                        (k, words)
                    })
                    .collect(),
            },
        })
    }
}

/// Authority lists: when one is given, a value outside it is an error (see [`crate::authority`]).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    #[serde(default)]
    pub departments: Vec<Department>,
    #[serde(default)]
    pub sessions: Vec<String>,
    #[serde(default)]
    pub representatives: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    /// The current name, as replies are published under it.
    pub name: String,
    /// URL slug for its pages; from the name's pinyin when absent.
    #[serde(default)]
    pub slug: Option<String>,
    /// Former names (机构改革): replies written under them are listed under `name`.
    #[serde(default)]
    pub former: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// 发布机构 of the portal itself, e.g. 抚顺市人民政府办公室.
    pub name: String,
    /// Organisation code used as the prefix of generated 索引号, e.g. 11210400MB0000000X.
    pub code: String,
    /// Its emblem or logo for the header: an SVG or PNG file in the site's `static/`.
    #[serde(default)]
    pub logo: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Footer {
    /// 主办单位
    #[serde(default)]
    pub sponsor: String,
    /// 承办单位 (optional)
    #[serde(default)]
    pub operator: String,
    /// 网站标识码
    #[serde(default)]
    pub site_code: String,
    /// ICP备案号, e.g. 辽ICP备05000000号
    #[serde(default)]
    pub icp: String,
    /// Where the ICP number links to (the registry's address).
    #[serde(default)]
    pub icp_url: String,
    /// 公安机关备案号, e.g. 辽公网安备 21040002000001号
    #[serde(default)]
    pub police: String,
    /// Where the 公安机关备案号 links to.
    #[serde(default)]
    pub police_url: String,
    /// 联系我们: a phone number, address or e-mail as free text.
    #[serde(default)]
    pub contact: String,
    /// 党政机关网站标识: the badge image (a file in `static/`) and the address it links to
    /// (the registry's verification page).
    #[serde(default)]
    pub badge_image: String,
    #[serde(default)]
    pub badge_url: String,
    /// 政府网站找错: the address of the national error-report service for this site, e.g.
    /// `https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=2104000001`.
    #[serde(default)]
    pub error_report_url: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// The value written in front matter, e.g. `A` or `甲`.
    pub key: String,
    /// What it means, e.g. 所提问题已经解决或采纳.
    pub label: String,
    /// URL slug; derived from the key when absent.
    #[serde(default)]
    pub slug: Option<String>,
}

fn default_language() -> String {
    "zh-CN".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_true() -> bool {
    true
}

fn default_page_size() -> usize {
    20
}

/// A/B/C as most provinces use them.
/// 满意 / 基本满意 / 不满意, as representatives' evaluation forms have them.
pub fn default_satisfaction() -> Vec<Category> {
    [
        ("满意", "satisfied"),
        ("基本满意", "mostly-satisfied"),
        ("不满意", "dissatisfied"),
    ]
    .into_iter()
    .map(|(key, slug)| Category {
        key: key.into(),
        label: key.into(),
        slug: Some(slug.into()),
    })
    .collect()
}

pub fn default_categories() -> Vec<Category> {
    [
        ("A", "所提问题已经解决或采纳"),
        ("B", "所提问题正在解决或已列入计划逐步解决"),
        ("C", "所提问题因条件限制留作参考"),
    ]
    .into_iter()
    .map(|(key, label)| Category {
        key: key.into(),
        label: label.into(),
        slug: None,
    })
    .collect()
}

impl SiteConfig {
    /// The path part of `base_url`, always starting and ending with `/` (e.g. `/jyta/`).
    pub fn base_path(&self) -> String {
        let after_scheme = self
            .base_url
            .split_once("://")
            .map_or(self.base_url.as_str(), |(_, r)| r);
        let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
        let path = path.split(['?', '#']).next().unwrap_or("/");
        let mut p = path.trim_end_matches('/').to_string();
        p.push('/');
        if !p.starts_with('/') {
            p.insert(0, '/');
        }
        p
    }

    /// `base_url` with exactly one trailing slash.
    pub fn base_url_slash(&self) -> String {
        format!("{}/", self.base_url.trim_end_matches('/'))
    }

    /// Host part of `base_url` (`www.example.gov.cn`), for SiteDomain and feed ids.
    pub fn domain(&self) -> String {
        self.base_url
            .split_once("://")
            .map_or("", |(_, r)| r)
            .split(['/', '?', '#'])
            .next()
            .unwrap_or("")
            .to_string()
    }

    pub fn category(&self, key: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.key == key)
    }

    /// The evaluation level written `key`, with its place in the list.
    pub fn satisfaction_level(&self, key: &str) -> Option<(usize, &Category)> {
        self.satisfaction
            .iter()
            .enumerate()
            .find(|(_, c)| c.key == key)
    }
}

/// Reads and checks `site.toml`; every problem is a diagnostic pointing into the file.
pub fn load(root: &Path, base_url_override: Option<&str>) -> Result<SiteConfig, Vec<Diagnostic>> {
    let path = root.join("site.toml");
    let shown = Path::new("site.toml");
    let text = match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                return Err(vec![
                    Diagnostic::new(shown, msg!("config-not-utf8"))
                        .with_help(msg!("config-not-utf8-help")),
                ]);
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(vec![
                Diagnostic::new(
                    shown,
                    msg!("config-missing", folder = root.display().to_string()),
                )
                .with_help(msg!("config-missing-help")),
            ]);
        }
        Err(e) => {
            return Err(vec![Diagnostic::new(
                shown,
                msg!("config-unreadable", error = e.to_string()),
            )]);
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    let config = parse(&text, base_url_override)?;
    // Images the header and footer show are the site's own files.
    let source: Arc<str> = Arc::from(text.as_str());
    let mut problems = Vec::new();
    for (key, file) in [
        ("logo", config.organisation.logo.as_deref().unwrap_or("")),
        ("badge_image", config.footer.badge_image.as_str()),
    ] {
        if file.is_empty() {
            continue;
        }
        let lower = file.to_ascii_lowercase();
        let image = lower.ends_with(".svg") || lower.ends_with(".png");
        let inside = !file.contains("..") && !file.starts_with('/') && !file.contains('\\');
        let problem = if !image || !inside {
            Some(msg!("config-image-kind", key = key, file = file))
        } else if !root.join("static").join(file).is_file() {
            Some(msg!("config-image-missing", key = key, file = file))
        } else {
            None
        };
        if let Some(m) = problem {
            problems.push(
                Diagnostic::new(shown, m)
                    .at(&source, find_key(&text, key).unwrap_or(0..0))
                    .with_help(msg!("config-image-help")),
            );
        }
    }
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(problems)
    }
}

/// What a key of site.toml holds.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Text,
    Integer,
    Boolean,
    Texts,
    /// A table with these keys.
    Table(&'static [Key]),
    /// A list of tables (`[[categories]]`) with these keys.
    Tables(&'static [Key]),
    /// A table whose keys are names (`[slugs]`), each with text.
    Names,
    /// `search = true`, or a `[search]` table with these keys.
    FlagOrTable(&'static [Key]),
    /// A table whose keys are words, each with a word or a list of words (synonyms).
    Words,
}

/// A key: its name, whether it must be given, what it holds.
type Key = (&'static str, bool, Shape);

const ORGANISATION: &[Key] = &[
    ("name", true, Shape::Text),
    ("code", true, Shape::Text),
    ("logo", false, Shape::Text),
];
const FOOTER: &[Key] = &[
    ("sponsor", false, Shape::Text),
    ("operator", false, Shape::Text),
    ("site_code", false, Shape::Text),
    ("icp", false, Shape::Text),
    ("icp_url", false, Shape::Text),
    ("police", false, Shape::Text),
    ("police_url", false, Shape::Text),
    ("contact", false, Shape::Text),
    ("badge_image", false, Shape::Text),
    ("badge_url", false, Shape::Text),
    ("error_report_url", false, Shape::Text),
];
const CATEGORY: &[Key] = &[
    ("key", true, Shape::Text),
    ("label", true, Shape::Text),
    ("slug", false, Shape::Text),
];
const DEPARTMENT: &[Key] = &[
    ("name", true, Shape::Text),
    ("slug", false, Shape::Text),
    ("former", false, Shape::Texts),
];
const SEARCH: &[Key] = &[
    ("enabled", false, Shape::Boolean),
    ("synonyms", false, Shape::Words),
];
const AUTHORITY: &[Key] = &[
    ("departments", false, Shape::Tables(DEPARTMENT)),
    ("sessions", false, Shape::Texts),
    ("representatives", false, Shape::Texts),
];
/// Every key of site.toml; the README documents each.
const SCHEMA: &[Key] = &[
    ("title", true, Shape::Text),
    ("base_url", true, Shape::Text),
    ("description", false, Shape::Text),
    ("language", false, Shape::Text),
    ("theme", false, Shape::Text),
    ("page_size", false, Shape::Integer),
    ("search", false, Shape::FlagOrTable(SEARCH)),
    ("organisation", true, Shape::Table(ORGANISATION)),
    ("footer", false, Shape::Table(FOOTER)),
    ("categories", false, Shape::Tables(CATEGORY)),
    ("satisfaction", false, Shape::Tables(CATEGORY)),
    ("slugs", false, Shape::Names),
    ("authority", false, Shape::Table(AUTHORITY)),
];

/// Every problem of shape in site.toml at once: unknown keys (with the key meant), missing
/// keys, values of the wrong kind.
fn check_shape(
    table: &toml::de::DeTable,
    keys: &'static [Key],
    section: &str,
    span: std::ops::Range<usize>,
    source: &Arc<str>,
    out: &mut Vec<Diagnostic>,
) {
    use toml::de::DeValue;
    let shown = Path::new("site.toml");
    for (k, v) in table.iter() {
        let name: &str = k.get_ref();
        let Some(&(_, _, shape)) = keys.iter().find(|(n, _, _)| *n == name) else {
            let known: Vec<&str> = keys.iter().map(|(n, _, _)| *n).collect();
            let best = known
                .iter()
                .map(|e| (strsim::damerau_levenshtein(name, e), *e))
                .filter(|(d, e)| *d <= 3 && *d < e.len())
                .min();
            let help = match best {
                Some((_, e)) => msg!(
                    "config-unknown-key-suggest",
                    suggestion = e,
                    keys = known.join(", ")
                ),
                None => msg!("config-unknown-key-help", keys = known.join(", ")),
            };
            out.push(
                Diagnostic::new(
                    shown,
                    msg!("config-unknown-key", key = qualified(section, name)),
                )
                .at(source, k.span())
                .with_help(help),
            );
            continue;
        };
        let value = v.get_ref();
        let expected = match (shape, value) {
            (Shape::Text, DeValue::String(_))
            | (Shape::Integer, DeValue::Integer(_))
            | (Shape::Boolean, DeValue::Boolean(_)) => None,
            (Shape::Texts, DeValue::Array(items)) => items
                .iter()
                .any(|i| !matches!(i.get_ref(), DeValue::String(_)))
                .then(|| msg!("config-expected-texts")),
            (Shape::Table(inner), DeValue::Table(t)) => {
                check_shape(t, inner, &qualified(section, name), v.span(), source, out);
                None
            }
            (Shape::Tables(inner), DeValue::Array(items)) => {
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::Table(t) => check_shape(
                            t,
                            inner,
                            &qualified(section, name),
                            item.span(),
                            source,
                            out,
                        ),
                        _ => out.push(
                            Diagnostic::new(
                                shown,
                                msg!("config-wrong-kind", key = qualified(section, name)),
                            )
                            .at(source, item.span())
                            .with_help(msg!(
                                "config-expected-tables",
                                key = qualified(section, name)
                            )),
                        ),
                    }
                }
                None
            }
            (Shape::Names, DeValue::Table(t)) => t
                .iter()
                .any(|(_, v)| !matches!(v.get_ref(), DeValue::String(_)))
                .then(|| msg!("config-expected-names")),
            (Shape::FlagOrTable(_), DeValue::Boolean(_)) => None,
            (Shape::FlagOrTable(inner), DeValue::Table(t)) => {
                check_shape(t, inner, &qualified(section, name), v.span(), source, out);
                None
            }
            (Shape::Words, DeValue::Table(t)) => t
                .iter()
                .any(|(_, v)| match v.get_ref() {
                    DeValue::String(_) => false,
                    DeValue::Array(items) => items
                        .iter()
                        .any(|i| !matches!(i.get_ref(), DeValue::String(_))),
                    _ => true,
                })
                .then(|| msg!("config-expected-synonyms")),
            (Shape::FlagOrTable(_), _) => Some(msg!("config-expected-search")),
            (Shape::Words, _) => Some(msg!("config-expected-synonyms")),
            (Shape::Text, _) => Some(msg!("config-expected-text")),
            (Shape::Integer, _) => Some(msg!("config-expected-integer")),
            (Shape::Boolean, _) => Some(msg!("config-expected-boolean")),
            (Shape::Texts, _) => Some(msg!("config-expected-texts")),
            (Shape::Table(_), _) | (Shape::Names, _) => Some(msg!(
                "config-expected-table",
                key = qualified(section, name)
            )),
            (Shape::Tables(_), _) => Some(msg!(
                "config-expected-tables",
                key = qualified(section, name)
            )),
        };
        if let Some(help) = expected {
            out.push(
                Diagnostic::new(
                    shown,
                    msg!("config-wrong-kind", key = qualified(section, name)),
                )
                .at(source, v.span())
                .with_help(help),
            );
        }
    }
    for &(name, required, _) in keys {
        if required && !table.iter().any(|(k, _)| k.get_ref() == name) {
            let help = missing_key_help(section, name);
            let mut d = Diagnostic::new(
                shown,
                msg!("config-missing-key", key = qualified(section, name)),
            )
            .with_help(help);
            if !section.is_empty() {
                d = d.at(
                    source,
                    span.start
                        ..source[span.start..]
                            .find('\n')
                            .map_or(source.len(), |i| span.start + i),
                );
            }
            out.push(d);
        }
    }
}

fn qualified(section: &str, key: &str) -> String {
    if section.is_empty() {
        key.to_string()
    } else {
        format!("{section}.{key}")
    }
}

fn missing_key_help(section: &str, key: &str) -> crate::messages::Msg {
    match (section, key) {
        ("", "title") => msg!("config-add-title"),
        ("", "base_url") => msg!("config-add-base-url"),
        ("", "organisation") => msg!("config-add-organisation"),
        ("organisation", _) => msg!("config-add-organisation-key"),
        _ => msg!("config-add-key", key = qualified(section, key)),
    }
}

/// Parses the text of `site.toml` (split out for tests): every problem at once.
pub fn parse(text: &str, base_url_override: Option<&str>) -> Result<SiteConfig, Vec<Diagnostic>> {
    let shown = Path::new("site.toml");
    let source: Arc<str> = Arc::from(text);
    let (doc, syntax) = toml::de::DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        return Err(syntax
            .iter()
            .map(|e| {
                let mut d = Diagnostic::new(
                    shown,
                    msg!("config-syntax", detail = first_line(e.message().trim())),
                )
                .with_help(msg!("config-syntax-help"));
                if let Some(span) = e.span() {
                    d = d.at(&source, span);
                }
                d
            })
            .collect());
    }
    let mut problems = Vec::new();
    let whole = doc.span();
    check_shape(doc.get_ref(), SCHEMA, "", whole, &source, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut config: SiteConfig = match toml::from_str(text) {
        Ok(c) => c,
        Err(e) => {
            let mut d = Diagnostic::new(
                shown,
                msg!("config-syntax", detail = first_line(e.message().trim())),
            );
            if let Some(span) = e.span() {
                d = d.at(&source, span);
            }
            return Err(vec![d]);
        }
    };
    if let Some(url) = base_url_override {
        config.base_url = url.to_string();
    }
    let key_span = |key: &str| -> std::ops::Range<usize> { find_key(text, key).unwrap_or(0..0) };
    let mut problem = |key: &str, msg: crate::messages::Msg, help: crate::messages::Msg| {
        problems.push(
            Diagnostic::new(shown, msg)
                .at(&source, key_span(key))
                .with_help(help),
        );
    };
    if config.title.trim().is_empty() {
        problem(
            "title",
            msg!("config-title-empty"),
            msg!("config-title-empty-help"),
        );
    }
    let url = config.base_url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://") || url.starts_with('/')) {
        problem(
            "base_url",
            msg!("config-base-url-bad", value = url),
            msg!("config-add-base-url"),
        );
    }
    if config.page_size == 0 || config.page_size > 1000 {
        problem(
            "page_size",
            msg!("config-page-size", value = config.page_size),
            msg!("config-page-size-help"),
        );
    }
    if config.organisation.code.trim().is_empty() || config.organisation.code.contains(['/', ' ']) {
        problem("code", msg!("config-code-bad"), msg!("config-code-help"));
    }
    if config.categories.is_empty() {
        problem(
            "categories",
            msg!("config-categories-empty"),
            msg!("config-categories-empty-help"),
        );
    }
    // Both vocabularies: each key once, slugs that are URL slugs.
    for (list, key) in [
        (&config.categories, "categories"),
        (&config.satisfaction, "satisfaction"),
    ] {
        let mut seen = std::collections::BTreeSet::new();
        for c in list {
            if !seen.insert(c.key.as_str()) {
                problem(
                    key,
                    msg!("config-category-twice", key = &c.key),
                    msg!("config-category-twice-help"),
                );
            }
            if let Some(slug) = &c.slug
                && !crate::slug::is_valid_slug(slug)
            {
                problem(
                    "slug",
                    msg!("config-slug-bad", slug = slug, name = &c.key),
                    msg!("config-slug-help"),
                );
            }
        }
    }
    let mut names = std::collections::BTreeMap::new();
    for d in &config.authority.departments {
        for n in std::iter::once(&d.name).chain(&d.former) {
            if let Some(first) = names.insert(n.as_str(), d.name.as_str()) {
                problem(
                    n,
                    msg!("config-department-twice", name = n, other = first),
                    msg!("config-department-twice-help"),
                );
            }
        }
        if let Some(slug) = &d.slug {
            if !crate::slug::is_valid_slug(slug) {
                problem(
                    slug,
                    msg!("config-slug-bad", slug = slug, name = &d.name),
                    msg!("config-slug-help"),
                );
            }
            config
                .slugs
                .entry(d.name.clone())
                .or_insert_with(|| slug.clone());
        }
    }
    for (name, slug) in &config.slugs {
        if !crate::slug::is_valid_slug(slug) {
            problem(
                name,
                msg!("config-slug-bad", slug = slug, name = name),
                msg!("config-slug-help"),
            );
        }
    }
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(problems)
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).to_string()
}

/// Byte range of `key =` in the TOML text (first occurrence at the start of a line).
pub(crate) fn find_key(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        let bare = trimmed.trim_start_matches('"');
        if let Some(rest) = bare.strip_prefix(key) {
            let after = rest.trim_start_matches('"').trim_start();
            if after.starts_with('=') || after.starts_with(']') {
                let start = offset + lead;
                return Some(start..start + trimmed.trim_end().len());
            }
        }
        if trimmed.starts_with(&format!("[{key}")) || trimmed.starts_with(&format!("[[{key}")) {
            let start = offset + lead;
            return Some(start..start + trimmed.trim_end().len());
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "title = \"测试\"\nbase_url = \"https://www.example.gov.cn/jyta/\"\n[organisation]\nname = \"某市人民政府办公室\"\ncode = \"11210400MB0000000X\"\n";

    #[test]
    fn minimal_config_gets_defaults() {
        let c = parse(MINIMAL, None).unwrap();
        assert_eq!(c.language, "zh-CN");
        assert_eq!(c.page_size, 20);
        assert_eq!(c.categories.len(), 3);
        assert_eq!(c.base_path(), "/jyta/");
        assert_eq!(c.base_url_slash(), "https://www.example.gov.cn/jyta/");
    }

    #[test]
    fn base_path_of_root_site() {
        let c = parse(MINIMAL, Some("https://example.org")).unwrap();
        assert_eq!(c.base_path(), "/");
        assert_eq!(c.base_url_slash(), "https://example.org/");
    }

    #[test]
    fn unknown_key_is_an_error_with_a_hint() {
        let text = MINIMAL.replace("title =", "titel =");
        let errs = parse(&text, None).unwrap_err();
        // The misspelt key, and the title it leaves missing: both at once.
        assert_eq!(errs.len(), 2, "{errs:?}");
        let d = &errs[0];
        assert_eq!(d.message.id, "config-unknown-key");
        assert_eq!(d.message.arg("key"), Some("titel"));
        assert_eq!(d.line, 1);
        assert_eq!(d.help.as_ref().unwrap().arg("suggestion"), Some("title"));
        assert_eq!(errs[1].message.arg("key"), Some("title"));
    }

    #[test]
    fn every_problem_of_site_toml_at_once() {
        let text = "title = 1\ntheme = \"x\"\nfooterr = 2\n[organisation]\nname = \"n\"\n";
        let errs = parse(text, None).unwrap_err();
        let found: Vec<(&str, Option<&str>)> = errs
            .iter()
            .map(|d| (d.message.id, d.message.arg("key")))
            .collect();
        for want in [
            ("config-wrong-kind", Some("title")),
            ("config-unknown-key", Some("footerr")),
            ("config-missing-key", Some("base_url")),
            ("config-missing-key", Some("organisation.code")),
        ] {
            assert!(found.contains(&want), "{want:?} in {found:?}");
        }
    }

    #[test]
    fn authority_lists_and_department_slugs() {
        let text = format!(
            "{MINIMAL}[authority]\nsessions = [\"市政协十四届一次会议\"]\n[[authority.departments]]\nname = \"抚顺市应急管理局\"\nslug = \"yjj\"\nformer = [\"抚顺市安全生产监督管理局\"]\n"
        );
        let c = parse(&text, None).unwrap();
        assert_eq!(c.authority.departments[0].former.len(), 1);
        assert_eq!(c.slugs["抚顺市应急管理局"], "yjj");
        assert_eq!(
            crate::authority::department(&c, "抚顺市安全生产监督管理局"),
            Some("抚顺市应急管理局")
        );
    }

    #[test]
    fn custom_categories_and_bad_slug() {
        let text = format!(
            "{MINIMAL}\n[[categories]]\nkey = \"甲\"\nlabel = \"已解决\"\n[[categories]]\nkey = \"乙\"\nlabel = \"正在解决\"\n[slugs]\n\"重庆市交通局\" = \"Chong Qing\"\n"
        );
        let errs = parse(&text, None).unwrap_err();
        assert_eq!(errs[0].message.id, "config-slug-bad");
        let ok = text.replace("Chong Qing", "chongqing-jtj");
        let c = parse(&ok, None).unwrap();
        assert_eq!(c.categories[0].key, "甲");
        assert_eq!(c.slugs["重庆市交通局"], "chongqing-jtj");
    }
}
