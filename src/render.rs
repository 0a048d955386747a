//! Stage 4, render: the site model → HTML pages through Tera templates. Each page kind
//! builds a typed context from the model ([`Renderer::context`]); the same context is what
//! the page is rendered from and what its fingerprint hashes ([`Renderer::fingerprint`]), so
//! a page's fingerprint cannot leave out anything the page shows.

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};
use tera::{Context, Tera};

use crate::config::{Footer, SiteConfig};
use crate::diagnostics::Diagnostic;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::markdown::Rendered;
use crate::model::{Dim, Entry, Site, Term, page_count, page_url};
use crate::reply::{Contact, Handling};
use crate::theme::Theme;

/// What every page shares (the site's settings and menu): serialized into each context,
/// hashed once per build into [`Renderer::global_fingerprint`] rather than per page.
pub struct Shared<'a, T>(pub &'a T);

impl<T: Serialize> Serialize for Shared<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<T> Hash for Shared<'_, T> {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}

/// A reply's body on its page: the HTML when rendering, and in every case the fingerprint of
/// the Markdown it comes from (which is what the page's fingerprint hashes).
pub struct BodyHtml {
    pub fingerprint: u64,
    pub html: Option<Arc<Rendered>>,
}

impl Serialize for BodyHtml {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.html.as_ref().map_or("", |r| r.html.as_str()))
    }
}

impl Hash for BodyHtml {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.fingerprint.hash(h);
    }
}

/// The output path of a site-relative URL: `years/2023/` → `years/2023/index.html`.
pub fn url_path(url: &str) -> String {
    if url.is_empty() || url.ends_with('/') {
        format!("{url}index.html")
    } else {
        url.to_string()
    }
}

// ---------- typed template contexts ----------

#[derive(Serialize, Hash)]
pub struct NavItem {
    pub name: String,
    pub url: String,
}

/// What every page knows about the site.
#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    pub base_url: String,
    pub domain: String,
    pub organisation: &'a str,
    pub footer: &'a Footer,
    pub nav: Vec<NavItem>,
    /// Whether the site has a search page (site.toml `search`).
    pub search: bool,
}

/// What is particular to one page.
#[derive(Serialize, Hash)]
pub struct PageView {
    /// Prefix that leads from this page to the site root: `../../` (or the base path on 404).
    pub root: String,
    /// Site-relative URL of this page.
    pub url: String,
    pub canonical: String,
    pub title: String,
    pub description: String,
    /// The nav entry this page belongs to, for `aria-current`.
    pub section: String,
    /// The 栏目 name for government-site meta tags.
    pub column: String,
    /// ColumnKeywords; index pages only (base.html writes the Column* tags when set).
    pub column_keywords: String,
    /// Site-relative URL of the Atom feed announced by this page (a department's own on its
    /// pages, the site's elsewhere).
    pub feed: String,
    pub feed_title: String,
}

#[derive(Serialize, Clone, Hash)]
pub struct Link {
    pub name: String,
    pub url: String,
    pub note: String,
}

/// A reply in a list.
#[derive(Serialize, Hash)]
pub struct ReplyCard {
    pub url: String,
    pub title: String,
    pub kind_label: &'static str,
    pub role: &'static str,
    pub number: String,
    pub session: String,
    pub representatives: String,
    pub department: String,
    pub handling: Handling,
    pub category: Option<String>,
    pub date_iso: String,
}

#[derive(Serialize, Hash)]
pub struct ReplyView {
    pub title: String,
    pub kind: Link,
    pub kind_label: &'static str,
    pub role: &'static str,
    pub role_noun: &'static str,
    pub number: String,
    pub session: Link,
    pub representatives: Vec<Link>,
    pub department: Link,
    pub date_iso: String,
    pub date_cn: String,
    pub published_iso: String,
    pub published_cn: String,
    pub handling: Handling,
    pub handling_label: &'static str,
    pub co_departments: Vec<String>,
    pub category: Option<Link>,
    pub doc_number: Option<String>,
    pub signer: Option<String>,
    pub contact: Option<Contact>,
    pub cc: Vec<String>,
    pub index_code: String,
    pub topic: String,
    pub tags: Vec<Link>,
    pub body_html: BodyHtml,
}

#[derive(Serialize, Hash)]
pub struct ReplyContext<'a> {
    pub site: Shared<'a, SiteView<'a>>,
    pub page: PageView,
    pub reply: ReplyView,
    pub same_proposal: Vec<ReplyCard>,
    pub department_more: Vec<ReplyCard>,
}

#[derive(Serialize, Hash)]
pub struct PagerLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
    pub gap: bool,
}

#[derive(Serialize, Hash)]
pub struct Pager {
    pub current: usize,
    pub total: usize,
    pub items: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PagerLink>,
}

#[derive(Serialize, Hash)]
pub struct ListContext<'a> {
    pub site: Shared<'a, SiteView<'a>>,
    pub page: PageView,
    pub heading: String,
    pub note: String,
    pub parent: Option<Link>,
    pub items: Vec<ReplyCard>,
    pub pager: Pager,
}

#[derive(Serialize, Hash)]
pub struct TermView {
    pub name: String,
    pub note: String,
    pub url: String,
    pub count: usize,
}

#[derive(Serialize, Hash)]
pub struct TermsContext<'a> {
    pub site: Shared<'a, SiteView<'a>>,
    pub page: PageView,
    pub heading: String,
    pub noun: String,
    pub terms: Vec<TermView>,
}

#[derive(Serialize, Hash)]
pub struct Counts {
    pub replies: usize,
    pub proposals: usize,
    pub suggestions: usize,
    pub departments: usize,
}

#[derive(Serialize, Hash)]
pub struct DimensionSummary {
    pub title: String,
    pub url: String,
    pub top: Vec<TermView>,
}

#[derive(Serialize, Hash)]
pub struct HomeContext<'a> {
    pub site: Shared<'a, SiteView<'a>>,
    pub page: PageView,
    pub items: Vec<ReplyCard>,
    pub counts: Counts,
    pub dimensions: Vec<DimensionSummary>,
}

/// One bar of a statistics chart; geometry is computed here so the template only draws.
#[derive(Serialize, Hash)]
pub struct Bar {
    pub label: String,
    pub note: String,
    pub url: String,
    pub count: usize,
    /// Percentage of all replies, one decimal.
    pub share: String,
    pub y: u32,
    pub width: u32,
    pub text_y: u32,
    pub count_x: u32,
}

#[derive(Serialize, Hash)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub noun: String,
    /// viewBox width and height; bars start at `bar_x`, after the labels.
    pub width: u32,
    pub height: u32,
    pub bar_x: u32,
    pub bars: Vec<Bar>,
}

#[derive(Serialize, Hash)]
pub struct StatsContext<'a> {
    pub site: Shared<'a, SiteView<'a>>,
    pub page: PageView,
    pub total: usize,
    pub charts: Vec<Chart>,
}

#[derive(Serialize, Hash)]
pub struct SearchContext<'a> {
    pub site: Shared<'a, SiteView<'a>>,
    pub page: PageView,
}

#[derive(Serialize, Hash)]
pub struct NotFoundContext<'a> {
    pub site: Shared<'a, SiteView<'a>>,
    pub page: PageView,
}

// ---------- the renderer ----------

/// One page to produce.
#[derive(Debug, Clone, Copy)]
pub enum Job {
    Home,
    NotFound,
    Reply(usize),
    /// All replies, page n.
    All(usize),
    /// The values of a dimension.
    Terms(Dim),
    /// One term's replies: dimension, term index, page.
    Term(Dim, usize, usize),
    /// Counts with charts.
    Stats,
    /// The search page.
    Search,
}

pub struct Renderer<'s> {
    site: &'s Site,
    tera: Tera,
    view: SiteView<'s>,
    theme: &'s Theme,
    /// Template name → file shown in errors.
    origins: std::collections::BTreeMap<String, String>,
    /// 0..n, the "all replies" list (built once, not per page).
    all_entries: Vec<usize>,
    /// Each entry's body fingerprint (of its Markdown), by entry.
    body_fps: Vec<u64>,
    /// Each entry's department term, and the entries that answer the same proposal (itself
    /// included), looked up once rather than per page.
    departments: Vec<Option<&'s crate::model::Term>>,
    proposals: Vec<&'s [usize]>,
    /// What every page depends on: the shared view and the templates.
    global: u64,
}

/// One page's template and typed context.
#[derive(Serialize, Hash)]
#[serde(untagged)]
pub enum PageContext<'a> {
    Home(HomeContext<'a>),
    NotFound(NotFoundContext<'a>),
    Reply(Box<ReplyContext<'a>>),
    List(ListContext<'a>),
    Terms(TermsContext<'a>),
    Stats(StatsContext<'a>),
    Search(SearchContext<'a>),
}

/// Latest replies on the home page, and "other replies" on a reply page.
const HOME_LATEST: usize = 10;
const DEPARTMENT_MORE: usize = 5;

impl<'s> Renderer<'s> {
    /// A renderer for `site` with `theme`; `body_fps` holds each entry's body fingerprint.
    pub fn new(
        site: &'s Site,
        theme: &'s Theme,
        body_fps: Vec<u64>,
    ) -> Result<Renderer<'s>, Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let mut tera = Tera::default();
        let mut origins = std::collections::BTreeMap::new();
        // Parse each template on its own first, so syntax errors name the right file.
        for t in theme.templates.values() {
            let mut probe = Tera::default();
            if let Err(e) = probe.add_raw_template(&t.name, &t.text) {
                // Alone, a child template cannot find its parent; only syntax errors count here.
                if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                    diags.push(template_diagnostic(&t.origin.display().to_string(), &e));
                }
            }
            origins.insert(t.name.clone(), t.origin.display().to_string());
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        if let Err(e) = tera.add_raw_templates(
            theme
                .templates
                .values()
                .map(|t| (t.name.as_str(), t.text.as_str())),
        ) {
            return Err(vec![template_diagnostic("templates", &e)]);
        }
        for needed in [
            "home.html",
            "reply.html",
            "list.html",
            "terms.html",
            "404.html",
            "stats.html",
            "search.html",
        ] {
            if !tera.contains_template(needed) {
                diags.push(Diagnostic::new(
                    format!("templates/{needed}"),
                    format!("the theme has no template {needed}"),
                ));
            }
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        let view = site_view(&site.config, site);
        let global =
            crate::hashing::hash_of(&(serde_json::to_string(&view).ok(), theme.template_texts()));
        let mut renderer = Renderer {
            site,
            tera,
            view,
            theme,
            origins,
            all_entries: (0..site.entries.len()).collect(),
            body_fps,
            departments: Vec::new(),
            proposals: Vec::new(),
            global,
        };
        let clashes = renderer.static_clashes();
        if !clashes.is_empty() {
            return Err(clashes);
        }
        let by_slug: std::collections::HashMap<&str, &crate::model::Term> = site
            .dimension(Dim::Department)
            .map(|d| d.terms.iter().map(|t| (t.slug.as_str(), t)).collect())
            .unwrap_or_default();
        let departments = site
            .entries
            .iter()
            .map(|e| by_slug.get(e.department_slug.as_str()).copied())
            .collect();
        let mut proposals: Vec<&[usize]> = vec![&[]; site.entries.len()];
        for list in site.proposals.values() {
            for &i in list {
                if let Some(p) = proposals.get_mut(i) {
                    *p = list;
                }
            }
        }
        renderer.departments = departments;
        renderer.proposals = proposals;
        Ok(renderer)
    }

    /// A hash of what every page depends on: the site's settings and menu, the templates.
    pub fn global_fingerprint(&self) -> u64 {
        self.global
    }

    /// Every path the site generates itself: pages, open data, feeds, sitemaps, robots.txt;
    /// and the folders reserved whole (the search index). A static file may not take any of
    /// them, nor stand where one of them needs a folder: it would silently replace pages.
    /// Only paths under the static files' top folders are listed: the check runs on every
    /// rebuild of `dafu serve`, and most sites have a logo or nothing in static/.
    fn generated_paths(
        &self,
        tops: &std::collections::BTreeSet<&str>,
    ) -> (std::collections::BTreeSet<String>, &'static [&'static str]) {
        let under_tops = |p: &str| tops.contains(p.split('/').next().unwrap_or(""));
        let mut paths: std::collections::BTreeSet<String> = self
            .jobs()
            .into_iter()
            .map(|j| url_path(&self.job_url(j)))
            .filter(|p| under_tops(p))
            .collect();
        for p in [
            "data/replies.json",
            "data/replies.csv",
            "sitemap.xml",
            "robots.txt",
            crate::output::MARKER,
        ] {
            paths.insert(p.to_string());
        }
        paths.extend(crate::feed::feed_paths(self.site));
        paths.retain(|p| under_tops(p));
        (paths, &["search/", "sitemap-"])
    }

    /// Static files (theme or site) at a generated path, each an error naming both.
    pub fn static_clashes(&self) -> Vec<Diagnostic> {
        if self.theme.origins.is_empty() {
            return Vec::new();
        }
        let tops = self
            .theme
            .origins
            .keys()
            .map(|rel| rel.split('/').next().unwrap_or(""))
            .collect();
        let (generated, reserved) = self.generated_paths(&tops);
        let mut out = Vec::new();
        for (rel, origin) in &self.theme.origins {
            let as_folder = format!("{rel}/");
            let clash = if generated.contains(rel) {
                Some(rel.clone())
            } else if let Some(g) = generated
                .range(as_folder.clone()..)
                .next()
                .filter(|g| g.starts_with(&as_folder))
            {
                Some(g.clone())
            } else if let Some(r) = reserved
                .iter()
                .find(|r| rel.starts_with(*r) || r.strip_suffix('/') == Some(rel.as_str()))
            {
                Some(format!("{r}…"))
            } else {
                // A generated file where the static file needs a folder (`index.html/x`).
                rel.match_indices('/')
                    .map(|(i, _)| &rel[..i])
                    .find(|prefix| generated.contains(*prefix))
                    .map(str::to_string)
            };
            if let Some(g) = clash {
                out.push(
                    Diagnostic::new(
                        origin,
                        format!("this static file would replace what dafu generates at {g}"),
                    )
                    .with_help("rename or move the file; static files may not take the place of pages, feeds, open data or the search index"),
                );
            }
        }
        out
    }

    /// Every page of the site, in a fixed order.
    pub fn jobs(&self) -> Vec<Job> {
        let size = self.site.config.page_size;
        let mut jobs = vec![Job::Home, Job::NotFound, Job::Stats];
        if self.site.config.search {
            jobs.push(Job::Search);
        }
        jobs.extend((0..self.site.entries.len()).map(Job::Reply));
        if !self.site.entries.is_empty() {
            jobs.extend((1..=page_count(self.site.entries.len(), size)).map(Job::All));
        }
        for d in &self.site.dimensions {
            if d.terms.is_empty() {
                continue;
            }
            jobs.push(Job::Terms(d.dim));
            for (ti, t) in d.terms.iter().enumerate() {
                jobs.extend(
                    (1..=page_count(t.entries.len(), size)).map(|p| Job::Term(d.dim, ti, p)),
                );
            }
        }
        jobs
    }

    /// Site-relative URL of a page (`years/2023/page/2/`; empty for the home page).
    pub fn job_url(&self, job: Job) -> String {
        let site = self.site;
        match job {
            Job::Home => String::new(),
            Job::NotFound => "404.html".into(),
            Job::Reply(i) => site.entries[i].url.clone(),
            Job::All(n) => page_url("all/", n),
            Job::Terms(dim) => format!("{}/", dim.key()),
            Job::Stats => "stats/".into(),
            Job::Search => "search/".into(),
            Job::Term(dim, ti, n) => site
                .dimension(dim)
                .map(|d| page_url(&d.terms[ti].url, n))
                .unwrap_or_default(),
        }
    }

    /// Other replies to the same proposal as entry `i`.
    fn same_proposal(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.proposals[i].iter().copied().filter(move |&j| j != i)
    }

    /// The site being rendered.
    pub fn site(&self) -> &'s Site {
        self.site
    }

    /// Every page's URL for the sitemap, with its last modification for reply pages.
    pub fn sitemap_urls(&self, jobs: &[Job]) -> Vec<(String, Option<String>)> {
        jobs.iter()
            .filter(|j| !matches!(j, Job::NotFound))
            .map(|&j| {
                let lastmod = match j {
                    Job::Reply(i) => Some(self.site.entries[i].reply.published.to_string()),
                    _ => None,
                };
                (self.job_url(j), lastmod)
            })
            .collect()
    }

    /// A page's URL, template and context. Reply pages show `body` (their rendered
    /// Markdown); without it the context carries only the body's fingerprint.
    pub fn context(
        &self,
        job: Job,
        body: Option<Arc<Rendered>>,
    ) -> Result<(String, &'static str, PageContext<'_>), Diagnostic> {
        let site = self.site;
        let size = site.config.page_size;
        let (url, template, ctx) = match job {
            Job::Home => {
                let page = self.page("", "首页", &site.config.description, "", "首页");
                let items = site.entries.iter().take(HOME_LATEST).map(card).collect();
                let count_kind = |k: &str| {
                    site.dimension(Dim::Kind)
                        .and_then(|d| d.terms.iter().find(|t| t.slug == k))
                        .map_or(0, |t| t.entries.len())
                };
                let counts = Counts {
                    replies: site.entries.len(),
                    proposals: count_kind("proposal"),
                    suggestions: count_kind("suggestion"),
                    departments: site.dimension(Dim::Department).map_or(0, |d| d.terms.len()),
                };
                let dimensions = site
                    .dimensions
                    .iter()
                    .filter(|d| !d.terms.is_empty())
                    .map(|d| {
                        let mut top: Vec<&Term> = d.terms.iter().collect();
                        if matches!(
                            d.dim,
                            Dim::Department | Dim::Representative | Dim::Tag | Dim::Session
                        ) {
                            top.sort_by(|a, b| {
                                b.entries
                                    .len()
                                    .cmp(&a.entries.len())
                                    .then_with(|| a.slug.cmp(&b.slug))
                            });
                        }
                        DimensionSummary {
                            title: d.dim.title().into(),
                            url: format!("{}/", d.dim.key()),
                            top: top.into_iter().take(8).map(term_view).collect(),
                        }
                    })
                    .collect();
                let ctx = HomeContext {
                    site: Shared(&self.view),
                    page,
                    items,
                    counts,
                    dimensions,
                };
                (String::new(), "home.html", PageContext::Home(ctx))
            }
            Job::NotFound => {
                let mut page = self.page("404.html", "页面不存在", "", "", "404");
                // Served for any missing path, so links must not depend on the page's depth.
                page.root = site.config.base_path();
                let ctx = NotFoundContext {
                    site: Shared(&self.view),
                    page,
                };
                (
                    "404.html".to_string(),
                    "404.html",
                    PageContext::NotFound(ctx),
                )
            }
            Job::Reply(i) => {
                let e = &site.entries[i];
                let r = &e.reply;
                let description = format!(
                    "{}对{}第{}号{}的答复",
                    r.department,
                    r.session,
                    r.number,
                    r.kind.label()
                );
                let page = self.page(&e.url, &r.title, &description, "", "答复详情");
                let same_proposal = self
                    .same_proposal(i)
                    .map(|j| card(&site.entries[j]))
                    .collect();
                let department_more = self.departments[i]
                    .map(|t| {
                        t.entries
                            .iter()
                            .filter(|&&j| j != i)
                            .take(DEPARTMENT_MORE)
                            .map(|&j| card(&site.entries[j]))
                            .collect()
                    })
                    .unwrap_or_default();
                let reply = self.reply_view(i, body.clone());
                let ctx = ReplyContext {
                    site: Shared(&self.view),
                    page,
                    reply,
                    same_proposal,
                    department_more,
                };
                (
                    e.url.clone(),
                    "reply.html",
                    PageContext::Reply(Box::new(ctx)),
                )
            }
            Job::All(n) => {
                let first = "all/";
                let ctx = self.list_context(
                    first,
                    "全部答复",
                    "",
                    None,
                    &self.all_entries,
                    n,
                    size,
                    "all/",
                );
                (page_url(first, n), "list.html", PageContext::List(ctx))
            }
            Job::Stats => {
                let url = "stats/";
                let mut page = self.page(
                    url,
                    "统计",
                    "建议提案答复件数统计：按年度、类型、答复类别和办理单位",
                    url,
                    "统计",
                );
                page.column_keywords = "统计,年度,类型,答复类别,办理单位".into();
                let charts = [Dim::Year, Dim::Kind, Dim::Category, Dim::Department]
                    .into_iter()
                    .filter_map(|dim| site.dimension(dim))
                    .filter(|d| !d.terms.is_empty())
                    .map(|d| chart(d, site.entries.len()))
                    .collect();
                let ctx = StatsContext {
                    site: Shared(&self.view),
                    page,
                    total: site.entries.len(),
                    charts,
                };
                (url.to_string(), "stats.html", PageContext::Stats(ctx))
            }
            Job::Search => {
                let url = "search/";
                let page = self.page(
                    url,
                    "搜索",
                    "全文搜索建议提案答复：标题、编号、文号、代表委员、办理单位和正文",
                    url,
                    "搜索",
                );
                let ctx = SearchContext {
                    site: Shared(&self.view),
                    page,
                };
                (url.to_string(), "search.html", PageContext::Search(ctx))
            }
            Job::Terms(dim) => {
                let d = site
                    .dimension(dim)
                    .ok_or_else(|| Diagnostic::new(dim.key(), "no such dimension"))?;
                let url = format!("{}/", dim.key());
                let mut page = self.page(
                    &url,
                    dim.title(),
                    &format!("{}浏览建议提案答复", dim.title()),
                    &url,
                    dim.title(),
                );
                page.column_keywords = dim.noun().into();
                let ctx = TermsContext {
                    site: Shared(&self.view),
                    page,
                    heading: dim.title().into(),
                    noun: dim.noun().into(),
                    terms: d.terms.iter().map(term_view).collect(),
                };
                (url, "terms.html", PageContext::Terms(ctx))
            }
            Job::Term(dim, ti, n) => {
                let d = site
                    .dimension(dim)
                    .ok_or_else(|| Diagnostic::new(dim.key(), "no such dimension"))?;
                let t = &d.terms[ti];
                let heading = match dim {
                    Dim::Year => format!("{}年答复", t.name),
                    Dim::Representative => format!("{}的建议提案答复", t.name),
                    Dim::Department => format!("{}答复", t.name),
                    _ => t.name.clone(),
                };
                let parent = Link {
                    name: dim.title().into(),
                    url: format!("{}/", dim.key()),
                    note: String::new(),
                };
                let section = format!("{}/", dim.key());
                let mut ctx = self.list_context(
                    &t.url,
                    &heading,
                    &t.note,
                    Some(parent),
                    &t.entries,
                    n,
                    size,
                    &section,
                );
                if dim == Dim::Department {
                    ctx.page.feed = format!("{}feed.xml", t.url);
                    ctx.page.feed_title = format!("{} - {}", t.name, site.config.title);
                }
                (page_url(&t.url, n), "list.html", PageContext::List(ctx))
            }
        };
        Ok((url, template, ctx))
    }

    /// A hash of everything the page shows: its context (with the body's fingerprint for
    /// the body) and what every page shares. Equal fingerprints, equal pages.
    pub fn fingerprint(&self, job: Job) -> u64 {
        match self.context(job, None) {
            Ok(page) => crate::hashing::hash_of(&(self.global, page)),
            // No page: rendering it reports the problem.
            Err(_) => 0,
        }
    }

    /// Renders one page: (output path, HTML). A reply page needs its `body`.
    pub fn render_job(
        &self,
        job: Job,
        body: Option<Arc<Rendered>>,
    ) -> Result<(String, String), Diagnostic> {
        let (url, template, ctx) = self.context(job, body)?;
        let ctx = Context::from_serialize(&ctx).map_err(|e| {
            Diagnostic::new(template, format!("cannot build the template context: {e}"))
        })?;
        let html = self.tera.render(template, &ctx).map_err(|e| {
            let origin = self
                .origins
                .get(template)
                .cloned()
                .unwrap_or_else(|| template.to_string());
            template_diagnostic(&origin, &e)
        })?;
        Ok((url_path(&url), html))
    }

    #[allow(clippy::too_many_arguments)]
    fn list_context(
        &self,
        first: &str,
        heading: &str,
        note: &str,
        parent: Option<Link>,
        entries: &[usize],
        n: usize,
        size: usize,
        section: &str,
    ) -> ListContext<'_> {
        let total = page_count(entries.len(), size);
        let url = page_url(first, n);
        let title = if n > 1 {
            format!("{heading}（第{n}页）")
        } else {
            heading.to_string()
        };
        let column = parent
            .as_ref()
            .map_or(heading.to_string(), |p| p.name.clone());
        let mut page = self.page(
            &url,
            &title,
            &format!("{heading}，共{}件", entries.len()),
            section,
            &column,
        );
        page.column_keywords = heading.to_string();
        let items = entries
            .iter()
            .skip((n - 1) * size)
            .take(size)
            .map(|&i| card(&self.site.entries[i]))
            .collect();
        ListContext {
            site: Shared(&self.view),
            page,
            heading: heading.into(),
            note: note.into(),
            parent,
            items,
            pager: pager(first, n, total, entries.len()),
        }
    }

    fn page(
        &self,
        url: &str,
        title: &str,
        description: &str,
        section: &str,
        column: &str,
    ) -> PageView {
        PageView {
            root: "../".repeat(url.matches('/').count()),
            url: url.to_string(),
            canonical: format!("{}{}", self.site.config.base_url_slash(), url),
            title: title.to_string(),
            description: description.to_string(),
            section: section.to_string(),
            column: column.to_string(),
            column_keywords: String::new(),
            feed: "feed.xml".into(),
            feed_title: self.site.config.title.clone(),
        }
    }

    fn reply_view(&self, i: usize, body: Option<Arc<Rendered>>) -> ReplyView {
        let e = &self.site.entries[i];
        let r = &e.reply;
        let config = &self.site.config;
        let category = r
            .category
            .as_ref()
            .and_then(|k| config.category(k))
            .map(|c| Link {
                name: crate::model::category_name(&c.key),
                url: self
                    .site
                    .dimension(Dim::Category)
                    .and_then(|d| {
                        d.terms
                            .iter()
                            .find(|t| t.name == crate::model::category_name(&c.key))
                    })
                    .map(|t| t.url.clone())
                    .unwrap_or_default(),
                note: c.label.clone(),
            });
        let tags: Vec<Link> = r
            .tags
            .iter()
            .zip(&e.tag_slugs)
            .map(|(t, s)| Link {
                name: t.clone(),
                url: format!("tags/{s}/"),
                note: String::new(),
            })
            .collect();
        let topic = if r.tags.is_empty() {
            "建议提案办理".to_string()
        } else {
            r.tags.join("；")
        };
        ReplyView {
            title: r.title.clone(),
            kind: Link {
                name: r.kind.long_label().into(),
                url: format!("kinds/{}/", r.kind.key()),
                note: String::new(),
            },
            kind_label: r.kind.label(),
            role: r.kind.role(),
            role_noun: match r.kind {
                crate::reply::Kind::Proposal => "提案委员",
                crate::reply::Kind::Suggestion => "建议代表",
            },
            number: r.number.clone(),
            session: Link {
                name: r.session.clone(),
                url: format!("sessions/{}/", e.session_slug),
                note: String::new(),
            },
            representatives: r
                .representatives
                .iter()
                .zip(&e.representative_slugs)
                .map(|(n, s)| Link {
                    name: n.clone(),
                    url: format!("representatives/{s}/"),
                    note: String::new(),
                })
                .collect(),
            department: Link {
                name: r.department.clone(),
                url: format!("departments/{}/", e.department_slug),
                note: String::new(),
            },
            date_iso: r.date.to_string(),
            date_cn: date_cn(r.date),
            published_iso: r.published.to_string(),
            published_cn: date_cn(r.published),
            handling: r.handling,
            handling_label: r.handling.label(),
            co_departments: r.co_departments.clone(),
            category,
            doc_number: r.doc_number.clone(),
            signer: r.signer.clone(),
            contact: r.contact.clone(),
            cc: r.cc.clone(),
            index_code: e.index_code.clone(),
            topic,
            tags,
            body_html: BodyHtml {
                fingerprint: self.body_fps.get(i).copied().unwrap_or(0),
                html: body,
            },
        }
    }
}

/// 2023年3月27日
pub fn date_cn(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn card(e: &Entry) -> ReplyCard {
    let r = &e.reply;
    ReplyCard {
        url: e.url.clone(),
        title: r.title.clone(),
        kind_label: r.kind.label(),
        role: r.kind.role(),
        number: r.number.clone(),
        session: r.session.clone(),
        representatives: r.representatives.join("、"),
        department: r.department.clone(),
        handling: r.handling,
        category: r.category.as_deref().map(crate::model::category_name),
        date_iso: r.date.to_string(),
    }
}

/// Chart geometry (SVG user units): a label column, then bars scaled to the largest count.
const CHART_BAR_X: u32 = 210;
const CHART_BAR_MAX: u32 = 370;
/// Total width of a chart's viewBox.
const CHART_WIDTH: u32 = 640;
const CHART_ROW: u32 = 28;
const CHART_BAR_HEIGHT: u32 = 18;

/// A bar chart of a dimension's terms; departments are ordered by count, others as browsed.
fn chart(d: &crate::model::Dimension, total: usize) -> Chart {
    let mut terms: Vec<&Term> = d.terms.iter().collect();
    if d.dim == Dim::Department {
        terms.sort_by(|a, b| {
            b.entries
                .len()
                .cmp(&a.entries.len())
                .then_with(|| a.slug.cmp(&b.slug))
        });
    }
    let max = terms
        .iter()
        .map(|t| t.entries.len())
        .max()
        .unwrap_or(1)
        .max(1);
    let bars = terms
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let count = t.entries.len();
            let width = ((count as f64 / max as f64) * CHART_BAR_MAX as f64).round() as u32;
            let y = i as u32 * CHART_ROW + 4;
            Bar {
                label: t.name.clone(),
                note: t.note.clone(),
                url: t.url.clone(),
                count,
                share: format!("{:.1}", count as f64 * 100.0 / total.max(1) as f64),
                y,
                width: width.max(2),
                text_y: y + CHART_BAR_HEIGHT - 4,
                count_x: CHART_BAR_X + width.max(2) + 6,
            }
        })
        .collect::<Vec<_>>();
    Chart {
        id: d.dim.key().to_string(),
        title: format!("{}统计", d.dim.title()),
        noun: d.dim.noun().to_string(),
        width: CHART_WIDTH,
        height: bars.len() as u32 * CHART_ROW + 8,
        bar_x: CHART_BAR_X,
        bars,
    }
}

fn term_view(t: &Term) -> TermView {
    TermView {
        name: t.name.clone(),
        note: t.note.clone(),
        url: t.url.clone(),
        count: t.entries.len(),
    }
}

/// Page links: first, last, and two either side of the current one, with gaps.
fn pager(first: &str, current: usize, total: usize, items: usize) -> Pager {
    let mut pages = Vec::new();
    let mut last_shown = 0;
    for n in 1..=total {
        let near = n + 2 >= current && n <= current + 2;
        if n == 1 || n == total || near {
            if last_shown + 1 < n {
                pages.push(PagerLink {
                    number: 0,
                    url: String::new(),
                    current: false,
                    gap: true,
                });
            }
            pages.push(PagerLink {
                number: n,
                url: page_url(first, n),
                current: n == current,
                gap: false,
            });
            last_shown = n;
        }
    }
    Pager {
        current,
        total,
        items,
        prev: (current > 1).then(|| page_url(first, current - 1)),
        next: (current < total).then(|| page_url(first, current + 1)),
        pages,
    }
}

fn site_view<'a>(config: &'a SiteConfig, site: &Site) -> SiteView<'a> {
    let domain = config.domain();
    let mut nav = vec![NavItem {
        name: "全部答复".into(),
        url: "all/".into(),
    }];
    for d in &site.dimensions {
        if !d.terms.is_empty()
            && d.dim != Dim::Representative
            && d.dim != Dim::Tag
            && d.dim != Dim::Session
        {
            nav.push(NavItem {
                name: d.dim.title().into(),
                url: format!("{}/", d.dim.key()),
            });
        }
    }
    nav.push(NavItem {
        name: "统计".into(),
        url: "stats/".into(),
    });
    SiteView {
        title: &config.title,
        description: &config.description,
        language: &config.language,
        base_url: config.base_url_slash(),
        domain,
        organisation: &config.organisation.name,
        footer: &config.footer,
        nav,
        search: config.search,
    }
}

/// A Tera error as a diagnostic naming the template file.
fn template_diagnostic(origin: &str, e: &tera::Error) -> Diagnostic {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(&format!("\n  caused by: {s}"));
        source = s.source();
    }
    Diagnostic::new(origin, format!("template error in {origin}:\n{message}"))
        .with_help("fix the template; the README lists the variables each template gets")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_shows_ends_and_neighbours() {
        let p = pager("all/", 5, 10, 200);
        let nums: Vec<usize> = p.pages.iter().map(|l| l.number).collect();
        assert_eq!(nums, vec![1, 0, 3, 4, 5, 6, 7, 0, 10]);
        assert_eq!(p.prev.as_deref(), Some("all/page/4/"));
        assert_eq!(p.next.as_deref(), Some("all/page/6/"));
        let one = pager("all/", 1, 1, 3);
        assert!(one.prev.is_none() && one.next.is_none());
        assert_eq!(pager("all/", 2, 2, 21).prev.as_deref(), Some("all/"));
    }

    #[test]
    fn chinese_dates() {
        assert_eq!(
            date_cn(NaiveDate::from_ymd_opt(2023, 3, 7).unwrap()),
            "2023年3月7日"
        );
    }
}
