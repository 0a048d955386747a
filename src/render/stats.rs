//! The statistics page: replies by year, kind, session, answer category and department.

use serde::Serialize;

use super::*;

/// One row of a statistics chart: a bar drawn in the same table row as its numbers, so that
/// label, bar and figures always line up and the label stays text of the page's size.
#[derive(Serialize, Hash)]
pub struct Bar {
    pub label: String,
    pub note: String,
    /// The list of these replies; empty for 未分类 (no such list).
    pub url: String,
    pub count: usize,
    /// Percentage of all replies, one decimal; the rows of a chart add up to 100%.
    pub share: String,
    /// The bar's length as a percentage of the longest bar.
    pub width: String,
}

#[derive(Serialize, Hash)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub noun: String,
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
        "建议提案答复件数统计：按年度、类型、会议、答复类别和办理单位",
        url,
        "统计",
    );
    page.column_keywords = "统计,年度,类型,会议,答复类别,办理单位".into();
    let total = site.entries.len();
    let charts = [
        Dim::Year,
        Dim::Kind,
        Dim::Session,
        Dim::Category,
        Dim::Department,
    ]
    .into_iter()
    .filter_map(|dim| site.dimension(dim))
    .filter(|d| !d.terms.is_empty())
    .map(|d| chart(d, total))
    .collect::<Vec<_>>();
    let mut charts = charts;
    if let Some(c) = satisfaction_chart(site) {
        charts.push(c);
    }
    let ctx = StatsContext {
        site: Shared(&r.view),
        page,
        total,
        charts,
    };
    (url.to_string(), "stats.html", PageContext::Stats(ctx))
}

/// A chart of a dimension's terms; departments are ordered by count, others as browsed.
/// Replies a dimension leaves out (no answer category) get their own row, 未分类, so that the
/// shares of a chart of one value per reply add up to 100%.
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
    let mut rows: Vec<(String, String, String, usize)> = terms
        .iter()
        .map(|t| {
            (
                t.name.clone(),
                t.note.clone(),
                t.url.clone(),
                t.entries.len(),
            )
        })
        .collect();
    if d.dim == Dim::Category {
        let categorised: usize = terms.iter().map(|t| t.entries.len()).sum();
        if categorised < total {
            rows.push((
                "未分类".into(),
                "答复未注明类别".into(),
                String::new(),
                total - categorised,
            ));
        }
    }
    let bars = bars(rows, total);
    Chart {
        id: d.dim.key().to_string(),
        title: format!("{}统计", d.dim.title()),
        noun: d.dim.noun().to_string(),
        bars,
    }
}

/// 办理结果评价: replies by how representatives judged them, when any reply records it.
fn satisfaction_chart(site: &crate::model::Site) -> Option<Chart> {
    let levels = &site.config.satisfaction;
    let mut counts = vec![0usize; levels.len()];
    let mut none = 0;
    for e in &site.entries {
        match e
            .reply
            .satisfaction
            .as_deref()
            .and_then(|k| site.config.satisfaction_level(k))
        {
            Some((i, _)) => counts[i] += 1,
            None => none += 1,
        }
    }
    if none == site.entries.len() {
        return None;
    }
    let mut rows: Vec<(String, String, String, usize)> = levels
        .iter()
        .map(|l| (l.label.clone(), String::new(), String::new()))
        .zip(counts)
        .map(|((label, note, url), count)| (label, note, url, count))
        .collect();
    if none > 0 {
        rows.push(("未评价".into(), String::new(), String::new(), none));
    }
    Some(Chart {
        id: "satisfaction".into(),
        title: "办理结果评价统计".into(),
        noun: "评价".into(),
        bars: bars(rows, site.entries.len()),
    })
}

/// The bars of a chart from its rows (label, note, list URL, count): shares of `total` that
/// add up to 100.0%, lengths relative to the longest.
fn bars(rows: Vec<(String, String, String, usize)>, total: usize) -> Vec<Bar> {
    let max = rows.iter().map(|r| r.3).max().unwrap_or(1).max(1);
    let counts: Vec<usize> = rows.iter().map(|r| r.3).collect();
    let shares = tenths_of_percent(&counts, total);
    rows.into_iter()
        .zip(shares)
        .map(|((label, note, url, count), tenths)| Bar {
            label,
            note,
            url,
            count,
            share: format!("{}.{}", tenths / 10, tenths % 10),
            width: format!("{:.1}", (count as f64 * 100.0 / max as f64).max(0.5)),
        })
        .collect()
}

/// Each count's share of `total` in tenths of a percent, rounded so that shares of counts
/// that add up to `total` add up to exactly 100.0% (largest remainder: the rows whose
/// rounding lost most get the spare tenths).
fn tenths_of_percent(counts: &[usize], total: usize) -> Vec<u64> {
    let total = total.max(1) as u64;
    let exact: Vec<(u64, u64)> = counts
        .iter()
        .map(|&c| ((c as u64 * 1000) / total, (c as u64 * 1000) % total))
        .collect();
    let mut out: Vec<u64> = exact.iter().map(|e| e.0).collect();
    let whole: u64 = counts.iter().map(|&c| c as u64).sum();
    if whole == total {
        let spare = 1000u64.saturating_sub(out.iter().sum());
        let mut order: Vec<usize> = (0..exact.len()).collect();
        order.sort_by(|&a, &b| exact[b].1.cmp(&exact[a].1).then(a.cmp(&b)));
        for &i in order.iter().take(spare as usize) {
            out[i] += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_to_one_hundred() {
        let counts = [1, 1, 1];
        let t = tenths_of_percent(&counts, 3);
        assert_eq!(t.iter().sum::<u64>(), 1000);
        assert_eq!(t, vec![334, 333, 333]);
        let many: Vec<usize> = (1..=60).collect();
        let total = many.iter().sum();
        assert_eq!(tenths_of_percent(&many, total).iter().sum::<u64>(), 1000);
        // Counts that are not the whole (a reply in several terms) are not forced to 100%.
        assert_eq!(tenths_of_percent(&[2, 2], 3), vec![666, 666]);
    }
}
