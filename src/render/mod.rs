//! Stage 4, render: the site model → HTML pages through Tera templates. Each page kind
//! builds a typed context from the model ([`Renderer::context`]); the same context is what
//! the page is rendered from and what its fingerprint hashes ([`Renderer::fingerprint`]), so
//! a page's fingerprint cannot leave out anything the page shows.

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
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

mod home;
mod list;
mod reply;
mod search;
mod stats;
mod terms;

pub use home::{Counts, DimensionSummary, HomeContext};
pub use list::{ListContext, Pager, PagerLink};
pub use reply::{ReplyContext, ReplyView};
pub use search::{NotFoundContext, SearchContext};
pub use stats::{Bar, Chart, StatsContext};
pub use terms::{TermView, TermsContext};

/// What every page shares (the site's settings and menu): serialized into each context,
/// hashed once per build into the renderer's site-wide hash rather than per page.
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

/// A reply in a list: its card when rendering, and in every case the fingerprint of that
/// card (which is what a page's fingerprint hashes: no card is built for it).
pub struct Card<'a> {
    pub fingerprint: u64,
    pub card: Option<ReplyCard<'a>>,
}

impl Serialize for Card<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.card.serialize(s)
    }
}

impl Hash for Card<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.fingerprint.hash(h);
    }
}

/// What a context is built for: its fingerprint (bodies and cards only as fingerprints), or
/// rendering (everything, a reply page with its body).
#[derive(Clone)]
pub enum Purpose {
    Fingerprint,
    Render(Option<Arc<Rendered>>),
}

impl Purpose {
    fn renders(&self) -> bool {
        matches!(self, Purpose::Render(_))
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
    /// The organisation's logo, a path under the site root (copied from `static/`).
    pub logo: Option<&'a str>,
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

/// A reply in a list (borrowed from the model: a list page shows up to fifty).
#[derive(Serialize, Hash)]
pub struct ReplyCard<'a> {
    pub url: &'a str,
    pub title: &'a str,
    pub kind_label: &'static str,
    pub role: &'static str,
    pub number: &'a str,
    pub session: &'a str,
    pub representatives: String,
    pub department: &'a str,
    pub handling: Handling,
    pub category: Option<String>,
    pub date_iso: String,
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
    /// Each entry's card's fingerprint, made when the first fingerprint is asked for
    /// (rendering one page does not need them).
    card_fps: std::sync::OnceLock<Vec<u64>>,
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
    List(Box<ListContext<'a>>),
    Terms(TermsContext<'a>),
    Stats(StatsContext<'a>),
    Search(SearchContext<'a>),
}

/// Latest replies on the home page, and "other replies" on a reply page.
const HOME_LATEST: usize = 10;
const DEPARTMENT_MORE: usize = 5;

impl<'s> Renderer<'s> {
    /// A renderer for `site` with `theme`. Nothing is worked out per reply here: an edit's
    /// page in `dafu serve` is rendered first, before anything the other pages need.
    pub fn new(site: &'s Site, theme: &'s Theme) -> Result<Renderer<'s>, Vec<Diagnostic>> {
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
                    crate::msg!("template-missing", template = needed),
                ));
            }
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        let view = site_view(&site.config, site);
        let global =
            crate::hashing::hash_of(&(serde_json::to_string(&view).ok(), theme.template_texts()));
        let renderer = Renderer {
            site,
            tera,
            view,
            theme,
            origins,
            card_fps: std::sync::OnceLock::new(),
            global,
        };
        let clashes = renderer.static_clashes();
        if !clashes.is_empty() {
            return Err(clashes);
        }
        Ok(renderer)
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
                    Diagnostic::new(origin, crate::msg!("static-replaces-generated", path = g))
                        .with_help(crate::msg!("static-replaces-generated-help")),
                );
            }
        }
        out
    }

    /// Every page of the site, in a fixed order.
    pub fn jobs(&self) -> Vec<Job> {
        let size = self.site.config.page_size;
        let mut jobs = vec![Job::Home, Job::NotFound, Job::Stats];
        if self.site.config.search.enabled {
            jobs.push(Job::Search);
        }
        jobs.extend((0..self.site.entries.len()).map(Job::Reply));
        // Always at least one page: the header links to it, even before the first reply.
        jobs.extend((1..=page_count(self.site.entries.len(), size)).map(Job::All));
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

    /// The positions of the other replies to the same proposal as entry `i`.
    fn same_proposal(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let list = self.site.proposal_of(&self.site.entries[i].reply);
        self.site.positions_of(list).filter(move |&j| j != i)
    }

    /// The department term of entry `i`.
    fn department(&self, i: usize) -> Option<&'s crate::model::Term> {
        (self.site).term(Dim::Department, &self.site.entries[i].department_slug)
    }

    /// The site being rendered.
    pub fn site(&self) -> &'s Site {
        self.site
    }

    /// Every page's URL for the sitemap, with its last modification for reply pages.
    pub fn sitemap_urls(&self, jobs: &[Job]) -> Vec<(String, Option<String>)> {
        let mut urls = Vec::with_capacity(jobs.len());
        for &j in jobs.iter().filter(|j| !matches!(j, Job::NotFound)) {
            let Job::Reply(i) = j else {
                urls.push((self.job_url(j), None));
                continue;
            };
            // A reply's page, then its attachments (found by search engines as documents).
            let e = &self.site.entries[i];
            let lastmod = e.reply.published.to_string();
            urls.push((self.job_url(j), Some(lastmod.clone())));
            for a in &e.reply.attachments {
                urls.push((format!("{}{}", e.url, a.published), Some(lastmod.clone())));
            }
        }
        urls
    }

    /// A page's URL, template and context. Reply pages show `body` (their rendered
    /// Markdown); without it the context carries only the body's fingerprint.
    pub fn context(
        &self,
        job: Job,
        purpose: Purpose,
    ) -> Result<(String, &'static str, PageContext<'_>), Diagnostic> {
        let full = purpose.renders();
        // Each page kind builds its context in its own module.
        let (url, template, ctx) = match job {
            Job::Home => home::context(self, full),
            Job::NotFound => search::not_found(self),
            Job::Reply(i) => reply::context(self, i, purpose),
            Job::All(n) => list::all(self, n, full),
            Job::Stats => stats::context(self),
            Job::Search => search::context(self),
            Job::Terms(dim) => terms::context(self, dim)?,
            Job::Term(dim, ti, n) => list::term(self, dim, ti, n, full)?,
        };
        Ok((url, template, ctx))
    }

    fn card_fps(&self) -> &[u64] {
        self.card_fps.get_or_init(|| {
            self.site
                .entries
                .par_iter()
                .map(|e| crate::hashing::hash_of(&card(e)))
                .collect()
        })
    }

    /// Entry `i` in a list: its card when `full` (rendering), else only its fingerprint.
    fn card(&self, i: usize, full: bool) -> Card<'_> {
        Card {
            fingerprint: if full {
                0
            } else {
                self.card_fps().get(i).copied().unwrap_or(0)
            },
            card: full.then(|| card(&self.site.entries[i])),
        }
    }

    /// A hash of everything the page shows: its context (with the body's fingerprint for
    /// the body) and what every page shares. Equal fingerprints, equal pages.
    pub fn fingerprint(&self, job: Job) -> u64 {
        match self.context(job, Purpose::Fingerprint) {
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
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let (url, template, ctx) = self.context(job, Purpose::Render(body))?;
        let ctx = Context::from_serialize(&ctx).map_err(|e| {
            Diagnostic::new(
                template,
                crate::msg!("template-context", error = e.to_string()),
            )
        })?;
        // Into bytes: the page is written as bytes, and Tera's own `render` would check the
        // whole page's UTF-8 again to make a `String` (3 % of a full build).
        let mut html = Vec::with_capacity(32 * 1024);
        self.tera
            .render_to(template, &ctx, &mut html)
            .map_err(|e| {
                let origin = self
                    .origins
                    .get(template)
                    .cloned()
                    .unwrap_or_else(|| template.to_string());
                template_diagnostic(&origin, &e)
            })?;
        Ok((url_path(&url), html))
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
}

/// 2023年3月27日
pub fn date_cn(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn card(e: &Entry) -> ReplyCard<'_> {
    let r = &e.reply;
    ReplyCard {
        url: &e.url,
        title: &r.title,
        kind_label: r.kind.label(),
        role: r.kind.role(),
        number: &r.number,
        session: &r.session,
        representatives: r.representatives.join("、"),
        department: &r.department,
        handling: r.handling,
        category: r.category.as_deref().map(crate::model::category_name),
        date_iso: r.date.to_string(),
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
        logo: config.organisation.logo.as_deref(),
        footer: &config.footer,
        nav,
        search: config.search.enabled,
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
    Diagnostic::new(
        origin,
        crate::msg!("template-error", template = origin, detail = message),
    )
    .with_help(crate::msg!("template-error-help"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_dates() {
        assert_eq!(
            date_cn(NaiveDate::from_ymd_opt(2023, 3, 7).unwrap()),
            "2023年3月7日"
        );
    }
}
