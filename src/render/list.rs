//! Lists of replies: all replies, and one term's (a year's, a department's …), page by page.

use serde::Serialize;

use super::*;

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
    pub items: Vec<Card<'a>>,
    pub pager: Pager,
    /// The list's own dimension (`departments`, `years` …; empty for all replies): its
    /// column is left out of the table.
    pub own: &'static str,
    /// The search page's filter that shows this list (`dept` = slug, `rep` = slug …), for
    /// the filter bar; `None` for all replies.
    pub preset: Option<Preset>,
}

/// A filter of the search page, as `name=value` in its URL.
#[derive(Serialize, Hash)]
pub struct Preset {
    pub name: &'static str,
    pub value: String,
}

/// "All replies", page `n`.
pub(super) fn all<'a>(
    r: &'a Renderer<'_>,
    n: usize,
    full: bool,
) -> (String, &'static str, PageContext<'a>) {
    let first = "all/";
    let ctx = list_context(r, first, "全部答复", "", None, Items::All, n, "all/", full);
    (
        page_url(first, n),
        "list.html",
        PageContext::List(Box::new(ctx)),
    )
}

/// One term's replies (term `ti` of `dim`), page `n`.
pub(super) fn term<'a>(
    r: &'a Renderer<'_>,
    dim: Dim,
    ti: usize,
    n: usize,
    full: bool,
) -> Result<(String, &'static str, PageContext<'a>), Diagnostic> {
    let site = r.site;
    let d = site
        .dimension(dim)
        .ok_or_else(|| Diagnostic::new(dim.key(), crate::msg!("no-such-dimension")))?;
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
    let preset = match dim {
        Dim::Year => Some(("year", t.name.clone())),
        Dim::Kind => Some(("kind", t.slug.clone())),
        Dim::Department => Some(("dept", t.slug.clone())),
        Dim::Category => Some(("cat", t.slug.clone())),
        Dim::Representative | Dim::Session | Dim::Tag => crate::search::LIST_FILTERS
            .iter()
            .find(|(_, d)| *d == dim)
            .map(|(name, _)| (*name, t.slug.clone())),
    };
    let mut ctx = list_context(
        r,
        &t.url,
        &heading,
        &t.note,
        Some(parent),
        Items::Term(&t.entries),
        n,
        &section,
        full,
    );
    ctx.own = dim.key();
    ctx.preset = preset.map(|(name, value)| Preset { name, value });
    if dim == Dim::Department {
        ctx.page.feed = format!("{}feed.xml", t.url);
        ctx.page.feed_title = format!("{} - {}", t.name, site.config.title);
    }
    Ok((
        page_url(&t.url, n),
        "list.html",
        PageContext::List(Box::new(ctx)),
    ))
}

/// The replies of a list.
enum Items<'a> {
    /// Every reply, in the site's order.
    All,
    /// A term's.
    Term(&'a [crate::model::EntryId]),
}

#[allow(clippy::too_many_arguments)]
fn list_context<'a>(
    r: &'a Renderer<'_>,
    first: &str,
    heading: &str,
    note: &str,
    parent: Option<Link>,
    entries: Items<'_>,
    n: usize,
    section: &str,
    full: bool,
) -> ListContext<'a> {
    let size = r.site.config.page_size;
    let len = match entries {
        Items::All => r.site.entries.len(),
        Items::Term(ids) => ids.len(),
    };
    let total = page_count(len, size);
    let url = page_url(first, n);
    let title = if n > 1 {
        format!("{heading}（第{n}页）")
    } else {
        heading.to_string()
    };
    let column = parent
        .as_ref()
        .map_or(heading.to_string(), |p| p.name.clone());
    let mut page = r.page(
        &url,
        &title,
        &format!("{heading}，共{len}件"),
        section,
        &column,
    );
    page.column_keywords = heading.to_string();
    let shown = (n - 1) * size..(n * size).min(len);
    let items = match entries {
        Items::All => shown.map(|i| r.card(i, full)).collect(),
        Items::Term(ids) => r
            .site
            .positions_of(ids.get(shown).unwrap_or_default())
            .map(|i| r.card(i, full))
            .collect(),
    };
    ListContext {
        site: Shared(&r.view),
        page,
        heading: heading.into(),
        note: note.into(),
        parent,
        items,
        pager: pager(first, n, total, len),
        own: "",
        preset: None,
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
}
