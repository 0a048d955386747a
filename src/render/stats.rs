//! The statistics page: bar charts of replies by year, kind, category and department.

use serde::Serialize;

use super::*;

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

/// The statistics page.
pub(super) fn context<'a>(r: &'a Renderer<'_>) -> (String, &'static str, PageContext<'a>) {
    let site = r.site;
    let url = "stats/";
    let mut page = r.page(
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
        site: Shared(&r.view),
        page,
        total: site.entries.len(),
        charts,
    };
    (url.to_string(), "stats.html", PageContext::Stats(ctx))
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
