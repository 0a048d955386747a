//! The pages that show no replies of their own: search (filled in by `search.js`) and 404.

use serde::Serialize;

use super::*;

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

/// The search page.
pub(super) fn context<'a>(r: &'a Renderer<'_>) -> (String, &'static str, PageContext<'a>) {
    let url = "search/";
    let page = r.page(
        url,
        "搜索",
        "全文搜索建议提案答复：标题、编号、文号、代表委员、办理单位和正文",
        url,
        "搜索",
    );
    let ctx = SearchContext {
        site: Shared(&r.view),
        page,
    };
    (url.to_string(), "search.html", PageContext::Search(ctx))
}

/// The page served for any missing path.
pub(super) fn not_found<'a>(r: &'a Renderer<'_>) -> (String, &'static str, PageContext<'a>) {
    let site = r.site;
    let mut page = r.page("404.html", "页面不存在", "", "", "404");
    // Served for any missing path, so links must not depend on the page's depth.
    page.root = site.config.base_path();
    let ctx = NotFoundContext {
        site: Shared(&r.view),
        page,
    };
    (
        "404.html".to_string(),
        "404.html",
        PageContext::NotFound(ctx),
    )
}
