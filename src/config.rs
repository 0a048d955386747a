//! `site.toml`: strict, documented, with defaults a Chinese government portal expects.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::diagnostics::Diagnostic;

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
    /// Build the search index and page (`search/`); on by default.
    #[serde(default = "default_true")]
    pub search: bool,
    /// The publishing organisation (its code goes into generated 索引号).
    pub organisation: Organisation,
    /// What Chinese government sites must show at the foot of every page.
    #[serde(default)]
    pub footer: Footer,
    /// The answer-category vocabulary (答复类别), in display order.
    #[serde(default = "default_categories")]
    pub categories: Vec<Category>,
    /// ASCII slugs for names whose pinyin reading is wrong or unwanted: name → slug.
    #[serde(default)]
    pub slugs: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// 发布机构 of the portal itself, e.g. 抚顺市人民政府办公室.
    pub name: String,
    /// Organisation code used as the prefix of generated 索引号, e.g. 11210400MB0000000X.
    pub code: String,
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
                    Diagnostic::new(shown, "site.toml is not valid UTF-8")
                        .with_help("save it as UTF-8"),
                ]);
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(vec![
                Diagnostic::new(shown, format!("no site.toml in {}", root.display()))
                    .with_help("run dafu in the site's folder or pass --root DIR; a site needs site.toml and content/"),
            ]);
        }
        Err(e) => {
            return Err(vec![Diagnostic::new(
                shown,
                format!("cannot read site.toml: {e}"),
            )]);
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    parse(&text, base_url_override)
}

/// Parses the text of `site.toml` (split out for tests).
pub fn parse(text: &str, base_url_override: Option<&str>) -> Result<SiteConfig, Vec<Diagnostic>> {
    let shown = Path::new("site.toml");
    let source: Arc<str> = Arc::from(text);
    let mut config: SiteConfig = match toml::from_str(text) {
        Ok(c) => c,
        Err(e) => {
            let message = e.message().trim().to_string();
            let mut d = Diagnostic::new(shown, first_line(&message));
            if let Some(span) = e.span() {
                d = d.at(&source, span);
            }
            if let Some(hint) = unknown_field_hint(&message) {
                d = d.with_help(hint);
            } else if message.contains("missing field") {
                d = d.with_help(missing_field_help(&message));
            }
            return Err(vec![d]);
        }
    };
    if let Some(url) = base_url_override {
        config.base_url = url.to_string();
    }
    let mut problems = Vec::new();
    let key_span = |key: &str| -> std::ops::Range<usize> { find_key(text, key).unwrap_or(0..0) };
    let mut problem = |key: &str, msg: String, help: &str| {
        problems.push(
            Diagnostic::new(shown, msg)
                .at(&source, key_span(key))
                .with_help(help.to_string()),
        );
    };
    if config.title.trim().is_empty() {
        problem(
            "title",
            "title is empty".into(),
            "the site's name, e.g. 抚顺市建议提案办理结果公开",
        );
    }
    let url = config.base_url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://") || url.starts_with('/')) {
        problem(
            "base_url",
            format!("base_url `{url}` is not an absolute URL"),
            "expected e.g. https://www.example.gov.cn/jyta/",
        );
    }
    if config.page_size == 0 || config.page_size > 1000 {
        problem(
            "page_size",
            format!("page_size {} is out of range", config.page_size),
            "expected 1 to 1000",
        );
    }
    if config.organisation.code.trim().is_empty() || config.organisation.code.contains(['/', ' ']) {
        problem(
            "code",
            "organisation.code must be a non-empty code without spaces or /".into(),
            "e.g. 11210400MB0000000X",
        );
    }
    if config.categories.is_empty() {
        problem(
            "categories",
            "categories is empty".into(),
            "list at least one answer category, or leave the key out for A/B/C",
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    for c in &config.categories {
        if !seen.insert(c.key.as_str()) {
            problem(
                "categories",
                format!("category `{}` is listed twice", c.key),
                "each key once",
            );
        }
        if let Some(slug) = &c.slug
            && !crate::slug::is_valid_slug(slug)
        {
            problem(
                "slug",
                format!("category slug `{slug}` is not a URL slug"),
                "lowercase ASCII letters, digits and -",
            );
        }
    }
    for (name, slug) in &config.slugs {
        if !crate::slug::is_valid_slug(slug) {
            problem(
                name,
                format!("slug `{slug}` for {name} is not a URL slug"),
                "lowercase ASCII letters, digits and -",
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

/// `unknown field `titel`, expected one of ...` → "did you mean `title`?" plus the list.
fn unknown_field_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    let best = expected
        .iter()
        .map(|e| (strsim::damerau_levenshtein(field, e), *e))
        .filter(|(d, e)| *d <= 3 && *d < e.len())
        .min();
    let list = expected.join(", ");
    Some(match best {
        Some((_, e)) => format!("did you mean `{e}`? known keys here: {list}"),
        None => format!("known keys here: {list}"),
    })
}

fn missing_field_help(message: &str) -> String {
    let field = message.split('`').nth(1).unwrap_or("");
    match field {
        "title" => "add e.g. title = \"抚顺市建议提案办理结果公开\"".into(),
        "base_url" => "add e.g. base_url = \"https://www.example.gov.cn/jyta/\"".into(),
        "organisation" => "add an [organisation] table with name and code".into(),
        "name" | "code" => {
            "[organisation] needs name = \"…\" and code = \"…\" (the code prefixes 索引号)".into()
        }
        _ => format!("add `{field}`; the README lists every key"),
    }
}

/// Byte range of `key =` in the TOML text (first occurrence at the start of a line).
fn find_key(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
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
        assert_eq!(errs.len(), 1);
        let d = &errs[0];
        assert!(d.message.contains("unknown field `titel`"), "{}", d.message);
        assert_eq!(d.line, 1);
        assert!(
            d.help.as_deref().unwrap().contains("did you mean `title`"),
            "{:?}",
            d.help
        );
    }

    #[test]
    fn custom_categories_and_bad_slug() {
        let text = format!(
            "{MINIMAL}\n[[categories]]\nkey = \"甲\"\nlabel = \"已解决\"\n[[categories]]\nkey = \"乙\"\nlabel = \"正在解决\"\n[slugs]\n\"重庆市交通局\" = \"Chong Qing\"\n"
        );
        let errs = parse(&text, None).unwrap_err();
        assert!(errs[0].message.contains("not a URL slug"));
        let ok = text.replace("Chong Qing", "chongqing-jtj");
        let c = parse(&ok, None).unwrap();
        assert_eq!(c.categories[0].key, "甲");
        assert_eq!(c.slugs["重庆市交通局"], "chongqing-jtj");
    }
}
