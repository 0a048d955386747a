//! `dafu check`: everything `dafu build` checks (it runs the same load, validate, model and
//! render stages, into memory), and then what a build lets pass but an inspection would not:
//! internal links and `#fragments` that lead nowhere, replies dated in the future, and index
//! pages without replies. Duplicate 索引号 are already build errors, so both report them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::model::{Dim, Site, page_count};
use crate::msg;
use crate::output::Snapshot;
use crate::pipeline::BuildOptions;
use crate::pipeline::{Pipeline, Target};

/// What a check looked at, and what it found.
#[derive(Debug)]
pub struct CheckReport {
    pub pages: usize,
    pub links: usize,
    pub problems: Vec<Diagnostic>,
}

/// Runs every check. `today` decides what counts as future-dated.
pub fn check(opts: &BuildOptions, today: NaiveDate) -> CheckReport {
    let mut report = CheckReport {
        pages: 0,
        links: 0,
        problems: Vec::new(),
    };
    if !opts.root.join("content").is_dir() {
        report.problems.push(
            Diagnostic::new(opts.root.join("content"), msg!("no-content-folder"))
                .with_help(msg!("no-content-folder-help")),
        );
    }
    let mut pipeline = Pipeline::new(opts.clone());
    let built = pipeline.run(None, Target::Memory, &mut |_| {});
    let (snapshot, site) = match (built, pipeline.site()) {
        (Ok(built), Some(site)) => (built.snapshot, site),
        (Err(d), site) => {
            // A site that does not build: what the model says besides, when it was made.
            if let Some(site) = site {
                report.problems.extend(site.warnings.iter().cloned());
            }
            report.problems.extend(d);
            return report;
        }
        (Ok(_), None) => return report,
    };
    report.problems.extend(site.warnings.iter().cloned());
    report
        .problems
        .extend(future_dated(site, &opts.root, today));
    report.problems.extend(empty_index_pages(site));
    report.problems.extend(name_warnings(site, &opts.root));
    let Some(snapshot) = snapshot else {
        return report;
    };
    let (pages, links, problems) = broken_links(site, &opts.root, &snapshot);
    report.pages = pages;
    report.links = links;
    report.problems.extend(problems);
    report
}

/// Replies whose 成文日期 or 发布日期 is after `today`: published by mistake, or too early.
fn future_dated(site: &Site, root: &std::path::Path, today: NaiveDate) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for e in &site.entries {
        let r = &e.reply;
        for (field, date) in [("date", r.date), ("published", r.published)] {
            // `published` defaults to `date`: one report is enough then.
            if date > today && !(field == "published" && r.published == r.date) {
                let mut d = Diagnostic::new(
                    &r.source,
                    msg!(
                        "future-date",
                        field = field,
                        meaning = crate::reply::field_meaning(field),
                        date = date.to_string(),
                        today = today.to_string()
                    ),
                )
                .with_help(msg!("future-date-help"));
                if let Ok(text) = std::fs::read_to_string(root.join(&r.source)) {
                    let text: Arc<str> = text.into();
                    if let Some(span) = crate::validate::find_line(&text, &format!("{field}:")) {
                        d = d.at(&text, span);
                    }
                }
                out.push(d);
            }
        }
    }
    out
}

/// What keeps the site's names clean: `[slugs]` and authority-list entries that no reply
/// uses (a renamed department, a typo in site.toml), and — where the site gives no list —
/// department and session names one character apart (a typo in a reply).
fn name_warnings(site: &Site, root: &std::path::Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let toml: Arc<str> = std::fs::read_to_string(root.join("site.toml"))
        .unwrap_or_default()
        .into();
    let at = |d: Diagnostic, key: &str| match crate::config::find_key(&toml, key) {
        Some(span) => d.at(&toml, span),
        None => d,
    };
    let used = |dim: Dim| -> BTreeMap<&str, &[crate::model::EntryId]> {
        site.dimensions
            .iter()
            .filter(|d| d.dim == dim)
            .flat_map(|d| &d.terms)
            .filter(|t| !t.entries.is_empty())
            .map(|t| (t.name.as_str(), t.entries.as_slice()))
            .collect()
    };
    let all_names: HashSet<&str> = site
        .dimensions
        .iter()
        .flat_map(|d| &d.terms)
        .map(|t| t.name.as_str())
        .collect();
    for name in site.config.slugs.keys() {
        let listed = site
            .config
            .authority
            .departments
            .iter()
            .any(|d| &d.name == name);
        if !all_names.contains(name.as_str()) && !listed {
            out.push(at(
                Diagnostic::new("site.toml", msg!("slug-unused", name = name))
                    .with_help(msg!("slug-unused-help"))
                    .warning(),
                name,
            ));
        }
    }
    let authority = &site.config.authority;
    let lists: [(&str, Dim, Vec<&str>); 3] = [
        (
            "department",
            Dim::Department,
            authority
                .departments
                .iter()
                .map(|d| d.name.as_str())
                .collect(),
        ),
        (
            "session",
            Dim::Session,
            authority.sessions.iter().map(String::as_str).collect(),
        ),
        (
            "representative",
            Dim::Representative,
            authority
                .representatives
                .iter()
                .map(String::as_str)
                .collect(),
        ),
    ];
    for (field, dim, listed) in &lists {
        let used = used(*dim);
        for name in listed {
            if !used.contains_key(name) {
                out.push(at(
                    Diagnostic::new(
                        "site.toml",
                        msg!(
                            "authority-unused",
                            field = *field,
                            meaning = crate::reply::field_meaning(field),
                            name = *name
                        ),
                    )
                    .with_help(msg!("authority-unused-help"))
                    .warning(),
                    &format!("\"{name}\""),
                ));
            }
        }
        if !listed.is_empty() || *dim == Dim::Representative {
            continue;
        }
        let names: Vec<&str> = used.keys().copied().collect();
        for (a, b) in crate::authority::near_duplicates(&names) {
            // The rarer spelling is the likely typo: point at its first reply.
            let (rare, common) = if used[a].len() <= used[b].len() {
                (a, b)
            } else {
                (b, a)
            };
            let entry = site.entry(used[rare][0]);
            let mut d = Diagnostic::new(
                &entry.reply.source,
                msg!(
                    "near-duplicate",
                    field = *field,
                    meaning = crate::reply::field_meaning(field),
                    rare = rare,
                    count = used[rare].len(),
                    common = common,
                    common_count = used[common].len()
                ),
            )
            .with_help(msg!(
                "near-duplicate-help",
                field = *field,
                meaning = crate::reply::field_meaning(field)
            ))
            .warning();
            if let Ok(text) = std::fs::read_to_string(root.join(&entry.reply.source)) {
                let text: Arc<str> = text.into();
                if let Some(span) = crate::validate::find_line(&text, &format!("{field}:")) {
                    d = d.at(&text, span);
                }
            }
            out.push(d);
        }
    }
    out
}

/// Index pages that would list nothing.
fn empty_index_pages(site: &Site) -> Vec<Diagnostic> {
    // A site without replies yet (a new one) is not a problem: its pages say so.
    let mut out = Vec::new();
    for d in &site.dimensions {
        for t in &d.terms {
            if t.entries.is_empty() || page_count(t.entries.len(), site.config.page_size) == 0 {
                out.push(Diagnostic::new(
                    format!("public/{}", t.url),
                    msg!("index-page-empty", url = &t.url, name = &t.name),
                ));
            }
        }
    }
    out
}

/// Links and ids of one HTML page, with line numbers in the generated file.
#[derive(Default)]
struct PageRefs {
    links: Vec<(String, u64)>,
    ids: HashSet<String>,
}

struct RefCollector(std::cell::RefCell<PageRefs>);

impl TokenSink for RefCollector {
    type Handle = ();
    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        if let Token::TagToken(tag) = token
            && tag.kind == TagKind::StartTag
        {
            let mut refs = self.0.borrow_mut();
            let tag_name: &str = &tag.name;
            for a in &tag.attrs {
                let name: &str = &a.name.local;
                let value = a.value.to_string();
                match name {
                    "id" => {
                        refs.ids.insert(value);
                    }
                    "name" if tag_name == "a" => {
                        refs.ids.insert(value);
                    }
                    "href" | "src" => refs.links.push((value, line)),
                    "action" if tag_name == "form" => refs.links.push((value, line)),
                    _ => {}
                }
            }
        }
        TokenSinkResult::Continue
    }
}

fn page_refs(html: &str) -> PageRefs {
    let tok = Tokenizer::new(RefCollector(Default::default()), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(html.into());
    let _ = tok.feed(&input);
    tok.end();
    tok.sink.0.into_inner()
}

/// Where a link leads inside the output: (file, fragment); `None` for links that leave
/// the site (other schemes and hosts), which are not checked.
fn resolve(
    page: &str,
    href: &str,
    base_path: &str,
) -> Option<Result<(String, String), crate::messages::Msg>> {
    let href = href.trim();
    if href.is_empty() {
        // An empty reference is this very page (the home page's link to itself).
        return Some(Ok((page.to_string(), String::new())));
    }
    let lower = href.to_ascii_lowercase();
    let scheme = lower
        .split_once(':')
        .map(|(s, _)| s)
        .filter(|s| !s.contains('/'));
    if scheme.is_some() || href.starts_with("//") {
        return None;
    }
    let (before_fragment, fragment) = href.split_once('#').unwrap_or((href, ""));
    let path = before_fragment.split('?').next().unwrap_or("");
    let path = percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned();
    let dir = match page.rfind('/') {
        Some(i) => &page[..=i],
        None => "",
    };
    let joined = if path.is_empty() {
        // `#x` or `?q`: this page.
        return Some(Ok((page.to_string(), fragment.to_string())));
    } else if let Some(abs) = path.strip_prefix('/') {
        let base = base_path.trim_start_matches('/');
        match abs.strip_prefix(base) {
            Some(rest) => rest.to_string(),
            None => {
                return Some(Err(msg!("link-outside-base", base = base_path)));
            }
        }
    } else {
        format!("{dir}{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Some(Err(msg!("link-above-root")));
                }
            }
            s => parts.push(s),
        }
    }
    let mut target = parts.join("/");
    if joined.ends_with('/') || joined.is_empty() || path.ends_with("/.") {
        if !target.is_empty() {
            target.push('/');
        }
        target.push_str("index.html");
    }
    Some(Ok((target, fragment.to_string())))
}

/// Checks every href/src/action of every generated page. Returns (pages, links, problems).
fn broken_links(
    site: &Site,
    root: &std::path::Path,
    files: &Snapshot,
) -> (usize, usize, Vec<Diagnostic>) {
    let html: Vec<(&std::sync::Arc<str>, &crate::output::Blob)> =
        files.all().filter(|(p, _)| p.ends_with(".html")).collect();
    let refs: HashMap<&str, PageRefs> = html
        .par_iter()
        .map(|(p, b)| {
            let html = b.published(p).unwrap_or_default();
            (&***p, page_refs(&String::from_utf8_lossy(&html)))
        })
        .collect();
    let base_path = site.config.base_path();
    let page_of_entry: HashMap<String, usize> = site
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (crate::render::url_path(&e.url), i))
        .collect();
    // A link broken in a template breaks on every page: report it once, with a count.
    let mut broken: BTreeMap<String, (crate::messages::Msg, String, String, u64, usize)> =
        BTreeMap::new();
    let mut in_content: Vec<Diagnostic> = Vec::new();
    let mut links = 0;
    let mut pages: Vec<&&str> = refs.keys().collect();
    pages.sort();
    for page in pages {
        let r = &refs[*page];
        for (href, line) in &r.links {
            links += 1;
            let problem = match resolve(page, href, &base_path) {
                None => continue,
                Some(Err(why)) => why,
                Some(Ok((target, fragment))) => {
                    if *page == "404.html" && !href.starts_with('/') {
                        // The 404 page is served at any depth; its links are absolute.
                        continue;
                    }
                    if !files.contains(target.as_str()) {
                        msg!("link-missing-target", target = &target)
                    } else if !fragment.is_empty()
                        && target.ends_with(".html")
                        && !refs.get(target.as_str()).is_some_and(|t| {
                            t.ids.contains(&fragment)
                                || t.ids.contains(
                                    &percent_encoding::percent_decode_str(&fragment)
                                        .decode_utf8_lossy()
                                        .into_owned(),
                                )
                        })
                    {
                        msg!("link-missing-id", fragment = &fragment, target = &target)
                    } else {
                        continue;
                    }
                }
            };
            // A link written in a reply's Markdown is reported at its line there.
            if let Some(&i) = page_of_entry.get(*page) {
                let e = &site.entries[i];
                // The page has the link percent-encoded (附件.pdf → %E9%99%84…); the
                // Markdown has it as written.
                let decoded = percent_encoding::percent_decode_str(href).decode_utf8_lossy();
                if let Ok(text) = std::fs::read_to_string(root.join(&e.reply.source))
                    && let Some((at, len)) = text
                        .find(href.as_str())
                        .map(|at| (at, href.len()))
                        .or_else(|| text.find(&*decoded).map(|at| (at, decoded.len())))
                {
                    let text: Arc<str> = text.into();
                    in_content.push(
                        Diagnostic::new(
                            &e.reply.source,
                            msg!("link-broken", href = &*decoded, problem = problem),
                        )
                        .at(&text, at..at + len)
                        .with_help(msg!("link-broken-help")),
                    );
                    continue;
                }
            }
            let entry = broken
                .entry(format!("{problem:?}"))
                .or_insert_with(|| (problem, href.clone(), page.to_string(), *line, 0));
            entry.4 += 1;
        }
    }
    let mut problems = in_content;
    for (_, (problem, href, page, line, count)) in broken {
        problems.push(
            Diagnostic::new(
                PathBuf::from("public").join(&page),
                msg!(
                    "link-broken-theme",
                    href = href,
                    line = line,
                    problem = problem,
                    more = count - 1
                ),
            )
            .with_help(msg!("link-broken-theme-help")),
        );
    }
    (html.len(), links, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(page: &str, href: &str) -> (String, String) {
        resolve(page, href, "/jyta/").unwrap().unwrap()
    }

    #[test]
    fn resolves_relative_absolute_and_fragments() {
        assert_eq!(
            ok("index.html", "all/"),
            ("all/index.html".into(), "".into())
        );
        assert_eq!(ok("index.html", ""), ("index.html".into(), "".into()));
        assert_eq!(
            ok("replies/2023/a/index.html", "../../../years/2023/#x"),
            ("years/2023/index.html".into(), "x".into())
        );
        assert_eq!(
            ok("replies/a/index.html", "../../"),
            ("index.html".into(), "".into())
        );
        assert_eq!(
            ok("a/index.html", "/jyta/stats/"),
            ("stats/index.html".into(), "".into())
        );
        assert_eq!(
            ok("a/index.html", "#fn-1"),
            ("a/index.html".into(), "fn-1".into())
        );
        assert_eq!(
            ok("index.html", "assets/dafu.css?v=1"),
            ("assets/dafu.css".into(), "".into())
        );
        assert_eq!(
            ok("index.html", "tags/%E7%87%83%E6%B0%94/"),
            ("tags/燃气/index.html".into(), "".into())
        );
        assert!(resolve("index.html", "https://www.gov.cn/", "/jyta/").is_none());
        assert!(resolve("index.html", "mailto:a@b.cn", "/jyta/").is_none());
        assert!(resolve("index.html", "//cdn.example.com/x.js", "/jyta/").is_none());
        assert!(resolve("index.html", "../x", "/jyta/").unwrap().is_err());
        assert!(
            resolve("index.html", "/other/x", "/jyta/")
                .unwrap()
                .is_err()
        );
    }

    #[test]
    fn collects_links_ids_and_lines() {
        let r = page_refs(
            "<p id=\"top\">\n<a href=\"x/\">x</a>\n<img src=\"a.png\" alt=\"\">\n<form action=\"search/\"></form>\n<a href=\"&#x23;top\">t</a>",
        );
        assert!(r.ids.contains("top"));
        assert_eq!(
            r.links,
            vec![
                ("x/".to_string(), 2),
                ("a.png".to_string(), 3),
                ("search/".to_string(), 4),
                ("#top".to_string(), 5)
            ]
        );
    }
}
