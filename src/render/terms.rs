//! The values of a dimension: all years, all departments …, with their counts.

use serde::Serialize;

use super::*;

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

/// The terms page of `dim`.
pub(super) fn context<'a>(
    r: &'a Renderer<'_>,
    dim: Dim,
) -> Result<(String, &'static str, PageContext<'a>), Diagnostic> {
    let site = r.site;
    let d = site
        .dimension(dim)
        .ok_or_else(|| Diagnostic::new(dim.key(), crate::msg!("no-such-dimension")))?;
    let url = format!("{}/", dim.key());
    let mut page = r.page(
        &url,
        dim.title(),
        &format!("{}浏览建议提案答复", dim.title()),
        &url,
        dim.title(),
    );
    page.column_keywords = dim.noun().into();
    let ctx = TermsContext {
        site: Shared(&r.view),
        page,
        heading: dim.title().into(),
        noun: dim.noun().into(),
        terms: d.terms.iter().map(term_view).collect(),
    };
    Ok((url, "terms.html", PageContext::Terms(ctx)))
}

pub(super) fn term_view(t: &Term) -> TermView {
    TermView {
        name: t.name.clone(),
        note: t.note.clone(),
        url: t.url.clone(),
        count: t.entries.len(),
    }
}
