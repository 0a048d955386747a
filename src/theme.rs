//! Themes: the built-in `default` theme (compiled into the binary), a theme folder under
//! `themes/`, and the site's own `templates/` overrides, in that order of precedence.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

/// The default theme's templates, compiled in so `dafu build` works without `themes/`.
const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../themes/default/templates/base.html"),
    ),
    (
        "cards.html",
        include_str!("../themes/default/templates/cards.html"),
    ),
    (
        "pager.html",
        include_str!("../themes/default/templates/pager.html"),
    ),
    (
        "search.html",
        include_str!("../themes/default/templates/search.html"),
    ),
    (
        "stats.html",
        include_str!("../themes/default/templates/stats.html"),
    ),
    (
        "home.html",
        include_str!("../themes/default/templates/home.html"),
    ),
    (
        "list.html",
        include_str!("../themes/default/templates/list.html"),
    ),
    (
        "terms.html",
        include_str!("../themes/default/templates/terms.html"),
    ),
    (
        "reply.html",
        include_str!("../themes/default/templates/reply.html"),
    ),
    (
        "404.html",
        include_str!("../themes/default/templates/404.html"),
    ),
];

const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    (
        "assets/dafu.css",
        include_bytes!("../themes/default/static/assets/dafu.css"),
    ),
    (
        "assets/search.js",
        include_bytes!("../themes/default/static/assets/search.js"),
    ),
    (
        "assets/dafu.js",
        include_bytes!("../themes/default/static/assets/dafu.js"),
    ),
];

/// A template's text and where it came from (for error messages).
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub name: String,
    pub text: String,
    pub origin: PathBuf,
}

/// Everything the render stage needs from the theme and the site's overrides.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    pub templates: BTreeMap<String, TemplateSource>,
    /// Output-relative path → bytes: theme static files, then the site's `static/`.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Output-relative path → the file it was read from (`static/logo.png`), for messages;
    /// the built-in theme's files have none.
    pub origins: BTreeMap<String, PathBuf>,
}

impl Theme {
    /// Every template's name and text, by name: what every page's fingerprint includes.
    pub fn template_texts(&self) -> Vec<(&str, &str)> {
        // `templates` is keyed by name, so this is already in name order.
        self.templates
            .values()
            .map(|t| (t.name.as_str(), t.text.as_str()))
            .collect()
    }
}

/// The text of a built-in template (for users who copy one to override it, and for tests).
pub fn default_template(name: &str) -> Option<&'static str> {
    DEFAULT_TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

pub fn load(root: &Path, theme_name: &str) -> Result<Theme, Vec<Diagnostic>> {
    let mut theme = Theme::default();
    for (name, text) in DEFAULT_TEMPLATES {
        theme.templates.insert(
            (*name).to_string(),
            TemplateSource {
                name: (*name).to_string(),
                text: (*text).to_string(),
                origin: PathBuf::from(format!("themes/default/templates/{name} (built in)")),
            },
        );
    }
    for (name, bytes) in DEFAULT_STATIC {
        theme.files.insert((*name).to_string(), bytes.to_vec());
    }
    let mut diags = Vec::new();
    let theme_dir = root.join("themes").join(theme_name);
    if theme_name != "default" && !theme_dir.is_dir() {
        return Err(vec![
            Diagnostic::new(
                "site.toml",
                crate::msg!("theme-not-found", theme = theme_name),
            )
            .with_help(crate::msg!("theme-not-found-help")),
        ]);
    }
    read_templates(root, &theme_dir.join("templates"), &mut theme, &mut diags);
    read_files(root, &theme_dir.join("static"), &mut theme, &mut diags);
    read_templates(root, &root.join("templates"), &mut theme, &mut diags);
    read_files(root, &root.join("static"), &mut theme, &mut diags);
    if diags.is_empty() {
        Ok(theme)
    } else {
        Err(diags)
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    if !dir.is_dir() {
        return Vec::new();
    }
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !crate::load::is_ignored_name(&e.file_name().to_string_lossy())
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

fn rel_name(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn read_templates(root: &Path, dir: &Path, theme: &mut Theme, diags: &mut Vec<Diagnostic>) {
    for path in walk(dir) {
        let name = rel_name(dir, &path);
        let shown = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        match std::fs::read(&path)
            .map_err(|e| crate::msg!("template-unreadable", error = e.to_string()))
            .and_then(|b| crate::load::decode(&b).map_err(|(m, _)| m))
        {
            Ok(text) => {
                theme.templates.insert(
                    name.clone(),
                    TemplateSource {
                        name,
                        text,
                        origin: shown,
                    },
                );
            }
            Err(e) => diags.push(Diagnostic::new(shown, e)),
        }
    }
}

fn read_files(root: &Path, dir: &Path, theme: &mut Theme, diags: &mut Vec<Diagnostic>) {
    let site = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for path in walk(dir) {
        let name = rel_name(dir, &path);
        // A symbolic link may point anywhere on the machine: only what lies inside the site
        // folder is published (and served).
        if let Ok(target) = path.canonicalize()
            && !target.starts_with(&site)
        {
            diags.push(
                Diagnostic::new(
                    path.strip_prefix(root).unwrap_or(&path),
                    crate::msg!("link-outside-site", target = target.display().to_string()),
                )
                .with_help(crate::msg!("link-outside-site-help")),
            );
            continue;
        }
        match std::fs::read(&path) {
            Ok(bytes) => {
                theme.origins.insert(
                    name.clone(),
                    path.strip_prefix(root).unwrap_or(&path).to_path_buf(),
                );
                theme.files.insert(name, bytes);
            }
            Err(e) => diags.push(Diagnostic::new(
                path.strip_prefix(root).unwrap_or(&path),
                crate::msg!("file-unreadable", error = e.to_string()),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_theme_needs_no_folder() {
        let dir = tempfile::tempdir().unwrap();
        let t = load(dir.path(), "default").unwrap();
        assert!(t.templates.contains_key("reply.html"));
        assert!(t.files.contains_key("assets/dafu.css"));
    }

    #[test]
    fn site_templates_override_the_theme() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/404.html"), "custom").unwrap();
        std::fs::create_dir_all(dir.path().join("static")).unwrap();
        std::fs::write(dir.path().join("static/logo.svg"), "<svg/>").unwrap();
        let t = load(dir.path(), "default").unwrap();
        assert_eq!(t.templates["404.html"].text, "custom");
        assert_eq!(
            t.templates["404.html"].origin,
            PathBuf::from("templates/404.html")
        );
        assert!(t.files.contains_key("logo.svg"));
    }

    #[test]
    fn missing_theme_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let e = load(dir.path(), "fancy").unwrap_err();
        assert!(e[0].message.en().contains("theme `fancy` not found"));
    }
}
