//! The home page: counts, the latest replies, the top terms of each dimension.

use serde::Serialize;

use super::*;

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
    pub items: Vec<Card<'a>>,
    pub counts: Counts,
    pub dimensions: Vec<DimensionSummary>,
}

/// The home page.
pub(super) fn context<'a>(
    r: &'a Renderer<'_>,
    full: bool,
) -> (String, &'static str, PageContext<'a>) {
    let site = r.site;
    let page = r.page("", "首页", &site.config.description, "", "首页");
    let items = (0..site.entries.len().min(HOME_LATEST))
        .map(|i| r.card(i, full))
        .collect();
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
                top: top
                    .into_iter()
                    .take(8)
                    .map(super::terms::term_view)
                    .collect(),
            }
        })
        .collect();
    let ctx = HomeContext {
        site: Shared(&r.view),
        page,
        items,
        counts,
        dimensions,
    };
    (String::new(), "home.html", PageContext::Home(ctx))
}
