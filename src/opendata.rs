//! Machine-readable outputs: every reply's metadata as `data/replies.json` and
//! `data/replies.csv`, `sitemap.xml` (split into an index past 50,000 URLs) and `robots.txt`.

use serde::Serialize;

use crate::model::Site;
use crate::reply::Contact;

/// One reply in `data/replies.json` (the schema is documented in the README).
#[derive(Serialize)]
pub struct ReplyRecord<'a> {
    pub index_code: &'a str,
    pub url: String,
    pub title: &'a str,
    pub kind: &'static str,
    pub number: &'a str,
    pub session: &'a str,
    pub representatives: &'a [String],
    pub department: &'a str,
    pub handling: &'static str,
    pub co_departments: &'a [String],
    pub category: Option<&'a str>,
    pub category_label: Option<&'a str>,
    pub doc_number: Option<&'a str>,
    pub signer: Option<&'a str>,
    pub contact: Option<&'a Contact>,
    pub cc: &'a [String],
    pub date: String,
    pub published: String,
    pub tags: &'a [String],
    /// 办理结果评价: present when the reply records it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<&'a str>,
    /// 附件: present when the reply has any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentRecord<'a>>,
}

/// One attachment in `data/replies.json`.
#[derive(Serialize)]
pub struct AttachmentRecord<'a> {
    pub title: &'a str,
    pub url: String,
    /// The original file name.
    pub name: &'a str,
    pub media_type: &'a str,
    pub size: u64,
}

/// What the open data says of one reply; `base` is the site's base URL with a slash.
pub fn record<'a>(site: &'a Site, base: &str, e: &'a crate::model::Entry) -> ReplyRecord<'a> {
    let r = &e.reply;
    let category = r.category.as_deref();
    ReplyRecord {
        index_code: &e.index_code,
        url: format!("{base}{}", e.url),
        title: &r.title,
        kind: r.kind.key(),
        number: &r.number,
        session: &r.session,
        representatives: &r.representatives,
        department: &r.department,
        handling: match r.handling {
            crate::reply::Handling::Lead => "lead",
            crate::reply::Handling::Co => "co",
        },
        co_departments: &r.co_departments,
        category,
        category_label: category
            .and_then(|k| site.config.category(k))
            .map(|c| c.label.as_str()),
        doc_number: r.doc_number.as_deref(),
        signer: r.signer.as_deref(),
        contact: r.contact.as_ref(),
        cc: &r.cc,
        date: r.date.to_string(),
        published: r.published.to_string(),
        tags: &r.tags,
        satisfaction: r.satisfaction.as_deref(),
        attachments: r
            .attachments
            .iter()
            .map(|a| AttachmentRecord {
                title: &a.title,
                url: format!("{base}{}{}", e.url, a.published),
                name: &a.name,
                media_type: &a.mime,
                size: a.size,
            })
            .collect(),
    }
}

/// One reply's line in `data/replies.json` (compact JSON, no separator).
/// `base` is the site's base URL with a slash (`SiteConfig::base_url_slash`).
pub fn json_row(site: &Site, base: &str, e: &crate::model::Entry) -> Result<Vec<u8>, String> {
    serde_json::to_vec(&record(site, base, e)).map_err(|e| e.to_string())
}

/// `data/replies.json` from its rows (`json_row`, in site order): newest first, one reply per
/// line, so that people who open it can read it and a diff between two versions shows the
/// replies that changed.
pub fn json_document(site: &Site, rows: &[impl AsRef<[u8]>]) -> Result<Vec<u8>, String> {
    #[derive(Serialize)]
    struct Head<'a> {
        site: &'a str,
        publisher: &'a str,
        base_url: String,
        count: usize,
    }
    let head = serde_json::to_string_pretty(&Head {
        site: &site.config.title,
        publisher: &site.config.organisation.name,
        base_url: site.config.base_url_slash(),
        count: rows.len(),
    })
    .map_err(|e| e.to_string())?;
    // The head without its closing brace, then the replies.
    let head = head.trim_end().trim_end_matches('}').trim_end();
    let mut out = Vec::with_capacity(
        head.len() + rows.iter().map(|r| r.as_ref().len() + 6).sum::<usize>() + 32,
    );
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(b",\n  \"replies\": [");
    for (i, row) in rows.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        out.extend_from_slice(row.as_ref());
    }
    out.extend_from_slice(if rows.is_empty() {
        b"]\n}\n"
    } else {
        b"\n  ]\n}\n"
    });
    Ok(out)
}

/// The rows of a `data/replies.json` that [`json_document`] made, in order (the inverse of
/// it: a build reads them back instead of making every row again). `None` for other bytes.
pub fn json_rows(document: &[u8]) -> Option<Vec<&[u8]>> {
    const START: &[u8] = b",\n  \"replies\": [";
    let at = document.windows(START.len()).position(|w| w == START)? + START.len();
    let rest = &document[at..];
    if rest == b"]\n}\n" {
        return Some(Vec::new());
    }
    let body = rest.strip_prefix(b"\n    ")?.strip_suffix(b"\n  ]\n}\n")?;
    // A row is compact JSON: it holds no line break, so the separator cannot occur in it.
    const SEP: &[u8] = b",\n    ";
    let mut rows = Vec::new();
    let mut from = 0;
    let mut i = 0;
    while i + SEP.len() <= body.len() {
        if &body[i..i + SEP.len()] == SEP {
            rows.push(&body[from..i]);
            i += SEP.len();
            from = i;
        } else {
            i += 1;
        }
    }
    rows.push(&body[from..]);
    Some(rows)
}

/// The rows of a `data/replies.csv` that [`csv_document`] made, each with its line end (the
/// inverse of it). `None` for other bytes.
pub fn csv_rows(document: &[u8]) -> Option<Vec<&[u8]>> {
    let body = document.strip_prefix(&[0xEF, 0xBB, 0xBF])?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut record = csv::ByteRecord::new();
    let mut starts = Vec::new();
    while reader.read_byte_record(&mut record).ok()? {
        let mut at = usize::try_from(record.position()?.byte()).ok()?;
        // The reader ends a record at CR and starts the next at the LF of its CRLF.
        if at > 0 && body.get(at - 1..at + 1) == Some(b"\r\n") {
            at += 1;
        }
        starts.push(at);
    }
    // The first record is the headings.
    let mut rows = Vec::with_capacity(starts.len().saturating_sub(1));
    for k in 1..starts.len() {
        let end = starts.get(k + 1).copied().unwrap_or(body.len());
        rows.push(body.get(starts[k]..end)?);
    }
    Some(rows)
}

/// Column headings of `data/replies.csv` (Chinese, for the spreadsheet users who open it).
pub const CSV_HEADER: [&str; 20] = [
    "索引号",
    "标题",
    "类型",
    "编号",
    "会议",
    "代表委员",
    "办理单位",
    "办理类型",
    "会办单位",
    "答复类别",
    "答复类别说明",
    "文号",
    "签发人",
    "抄送",
    "成文日期",
    "发布日期",
    "主题",
    "网址",
    "附件",
    "办理结果评价",
];

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

/// One reply's record in `data/replies.csv`, with its line end.
pub fn csv_row(site: &Site, base: &str, e: &crate::model::Entry) -> Result<Vec<u8>, String> {
    let r = record(site, base, e);
    let kind = if r.kind == "proposal" {
        "政协提案"
    } else {
        "人大代表建议"
    };
    let handling = if r.handling == "lead" {
        "主办"
    } else {
        "会办"
    };
    let mut w = csv_writer();
    let cells = [
        r.index_code,
        r.title,
        kind,
        r.number,
        r.session,
        &r.representatives.join("、"),
        r.department,
        handling,
        &r.co_departments.join("、"),
        r.category.unwrap_or(""),
        r.category_label.unwrap_or(""),
        r.doc_number.unwrap_or(""),
        r.signer.unwrap_or(""),
        &r.cc.join("、"),
        &r.date,
        &r.published,
        &r.tags.join("、"),
        &r.url,
        &r.attachments
            .iter()
            .map(|a| a.url.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        r.satisfaction.unwrap_or(""),
    ];
    // Every cell through the one escaping rule: no cell can be a spreadsheet formula.
    w.write_record(
        cells
            .iter()
            .map(|c| crate::policy::csv_cell(c).into_owned()),
    )
    .map_err(|e| e.to_string())?;
    w.into_inner().map_err(|e| e.to_string())
}

/// `data/replies.csv` from its rows (`csv_row`, in site order): a UTF-8 byte-order mark (so
/// that Excel reads Chinese correctly), the headings, the rows.
pub fn csv_document(rows: &[impl AsRef<[u8]>]) -> Result<Vec<u8>, String> {
    let mut w = csv_writer();
    w.write_record(CSV_HEADER).map_err(|e| e.to_string())?;
    let head = w.into_inner().map_err(|e| e.to_string())?;
    let mut out =
        Vec::with_capacity(3 + head.len() + rows.iter().map(|r| r.as_ref().len()).sum::<usize>());
    out.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
    out.extend_from_slice(&head);
    for row in rows {
        out.extend_from_slice(row.as_ref());
    }
    Ok(out)
}

/// Most URLs one sitemap file may hold (sitemaps.org).
pub const SITEMAP_LIMIT: usize = 50_000;

/// `sitemap.xml` for the given (site-relative URL, last-modified date) pairs: one file, or an
/// index pointing to `sitemap-N.xml` files past [`SITEMAP_LIMIT`] URLs.
pub fn sitemaps(
    site: &Site,
    urls: &[(String, Option<String>)],
    limit: usize,
) -> Vec<(String, Vec<u8>)> {
    let base = site.config.base_url_slash();
    let urlset = |chunk: &[(String, Option<String>)]| -> Vec<u8> {
        let mut s = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for (url, lastmod) in chunk {
            s.push_str("  <url><loc>");
            s.push_str(&quick_xml::escape::escape(crate::policy::xml_text(
                &format!("{base}{url}"),
            )));
            s.push_str("</loc>");
            if let Some(d) = lastmod {
                s.push_str(&format!("<lastmod>{d}</lastmod>"));
            }
            s.push_str("</url>\n");
        }
        s.push_str("</urlset>\n");
        s.into_bytes()
    };
    if urls.len() <= limit {
        return vec![("sitemap.xml".into(), urlset(urls))];
    }
    let mut files = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (i, chunk) in urls.chunks(limit.max(1)).enumerate() {
        let name = format!("sitemap-{}.xml", i + 1);
        index.push_str(&format!(
            "  <sitemap><loc>{}</loc></sitemap>\n",
            quick_xml::escape::escape(crate::policy::xml_text(&format!("{base}{name}")))
        ));
        files.push((name, urlset(chunk)));
    }
    index.push_str("</sitemapindex>\n");
    files.insert(0, ("sitemap.xml".into(), index.into_bytes()));
    files
}

/// `robots.txt`: everything may be crawled; the sitemap is announced.
pub fn robots(site: &Site) -> Vec<u8> {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
        site.config.base_url_slash()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_json_from_rows_parses_with_none_one_or_more() {
        let config = crate::config::parse("title = \"t\"\nbase_url = \"https://e.gov.cn/x/\"\n[organisation]\nname = \"n\"\ncode = \"C\"\n", None).unwrap();
        let site = crate::model::build_site(config, Vec::<crate::reply::Reply>::new()).unwrap();
        for rows in [vec![], vec!["{\"a\":1}"], vec!["{\"a\":1}", "{\"a\":2}"]] {
            let bytes = json_document(&site, &rows).unwrap();
            let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(v["count"], rows.len());
            assert_eq!(v["replies"].as_array().map(|a| a.len()), Some(rows.len()));
            assert_eq!(v["base_url"], "https://e.gov.cn/x/");
            assert!(bytes.ends_with(b"}\n"));
        }
        let csv = csv_document(&[b"a,b\r\n".to_vec()]).unwrap();
        assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]) && csv.ends_with(b"a,b\r\n"));
    }

    /// Rows read back from the documents are the rows they were made from, whatever the
    /// rows hold (commas, quotes, line breaks in a CSV cell, the JSON separator's look-alike).
    #[test]
    fn documents_give_back_their_rows() {
        let config = crate::config::parse("title = \"t\"\nbase_url = \"https://e.gov.cn/x/\"\n[organisation]\nname = \"n\"\ncode = \"C\"\n", None).unwrap();
        let site = crate::model::build_site(config, Vec::<crate::reply::Reply>::new()).unwrap();
        let cells: [&[&str]; 3] = [
            &["a", "b"],
            &["一,二", "引\"号\""],
            &["两\r\n行", ",\n    x"],
        ];
        for n in 0..=cells.len() {
            let json: Vec<Vec<u8>> = cells[..n]
                .iter()
                .map(|c| serde_json::to_vec(c).unwrap())
                .collect();
            let doc = json_document(&site, &json).unwrap();
            let back: Vec<Vec<u8>> = json_rows(&doc)
                .unwrap()
                .iter()
                .map(|r| r.to_vec())
                .collect();
            assert_eq!(back, json);
            let csv: Vec<Vec<u8>> = cells[..n]
                .iter()
                .map(|c| {
                    let mut w = csv_writer();
                    w.write_record(c.iter()).unwrap();
                    w.into_inner().unwrap()
                })
                .collect();
            let doc = csv_document(&csv).unwrap();
            let back: Vec<Vec<u8>> = csv_rows(&doc).unwrap().iter().map(|r| r.to_vec()).collect();
            assert_eq!(back, csv);
        }
        assert_eq!(json_rows(b"{}"), None);
        assert_eq!(csv_rows(b"a,b\r\n"), None);
    }

    #[test]
    fn sitemap_splits_into_an_index_past_the_limit() {
        let config = crate::config::parse("title = \"t\"\nbase_url = \"https://e.gov.cn/x/\"\n[organisation]\nname = \"n\"\ncode = \"C\"\n", None).unwrap();
        let site = crate::model::build_site(config, Vec::<crate::reply::Reply>::new()).unwrap();
        let urls: Vec<(String, Option<String>)> =
            (0..5).map(|i| (format!("p{i}/"), None)).collect();
        let one = sitemaps(&site, &urls, 5);
        assert_eq!(one.len(), 1);
        let split = sitemaps(&site, &urls, 2);
        let names: Vec<&str> = split.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "sitemap.xml",
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml"
            ]
        );
        let index = String::from_utf8(split[0].1.clone()).unwrap();
        assert!(
            index.contains("<sitemapindex")
                && index.contains("<loc>https://e.gov.cn/x/sitemap-3.xml</loc>")
        );
        let last = String::from_utf8(split[3].1.clone()).unwrap();
        assert_eq!(last.matches("<url>").count(), 1);
    }
}
