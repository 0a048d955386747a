//! Open data and crawler files: JSON and CSV parse back to the same replies; the sitemap
//! lists every page and is well-formed XML; robots.txt points to it.

mod common;
use common::*;
use std::collections::BTreeSet;

fn sample() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("public");
    let o = build(&repo_root(), &["--output", dest.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

/// (number, department, title) of every published reply in the sample content.
fn sample_replies() -> BTreeSet<(String, String, String)> {
    replies_in(&repo_root())
}

/// (number, department, title) of every published reply under `root`'s content/.
fn replies_in(root: &std::path::Path) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for (rel, bytes) in tree(&root.join("content")) {
        let text = String::from_utf8(bytes).unwrap();
        if text.contains("\ndraft: true") {
            continue;
        }
        let field = |k: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{k}: ")))
                .unwrap_or_else(|| panic!("{rel} {k}"))
                .trim_matches('"')
                .to_string()
        };
        out.insert((field("number"), field("department"), field("title")));
    }
    out
}

#[test]
fn json_parses_back_to_the_same_replies() {
    let out = sample();
    let json: serde_json::Value =
        serde_json::from_str(&read(&out.path().join("public"), "data/replies.json")).unwrap();
    let replies = json["replies"].as_array().unwrap();
    assert_eq!(json["count"].as_u64().unwrap() as usize, replies.len());
    let got: BTreeSet<(String, String, String)> = replies
        .iter()
        .map(|r| {
            (
                r["number"].as_str().unwrap().into(),
                r["department"].as_str().unwrap().into(),
                r["title"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(got, sample_replies());
    let r146 = replies.iter().find(|r| r["number"] == "146").unwrap();
    assert_eq!(r146["doc_number"], "提案主办〔2023〕1号");
    assert_eq!(r146["date"], "2023-03-27");
    assert_eq!(r146["category_label"], "所提问题已经解决或采纳");
    assert_eq!(
        r146["url"],
        "https://www.example.gov.cn/jyta/replies/2023/proposal-146/"
    );
    let joint = replies
        .iter()
        .find(|r| r["number"] == "152" && r["handling"] == "lead")
        .unwrap();
    assert_eq!(joint["representatives"].as_array().unwrap().len(), 3);
}

#[test]
fn csv_has_a_bom_and_parses_back_to_the_same_replies() {
    let out = sample();
    let bytes = std::fs::read(out.path().join("public/data/replies.csv")).unwrap();
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "UTF-8 BOM for Excel"
    );
    let mut rdr = csv::Reader::from_reader(&bytes[3..]);
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (n, d, t) = (col("编号"), col("办理单位"), col("标题"));
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let got: BTreeSet<(String, String, String)> = rows
        .iter()
        .map(|r| (r[n].to_string(), r[d].to_string(), r[t].to_string()))
        .collect();
    assert_eq!(got, sample_replies());
    let joint = rows
        .iter()
        .find(|r| &r[n] == "152" && &r[col("办理类型")] == "主办")
        .unwrap();
    assert_eq!(&joint[col("代表委员")], "张明远、刘晓燕、陈国栋");
}

/// The same round trip on a generated corpus of 300 proposals.
#[test]
fn generated_corpus_json_and_csv_parse_back() {
    let site = generated_site(300);
    let out = build_ok(site.path());
    let expected = replies_in(site.path());
    assert!(expected.len() >= 300);
    let json: serde_json::Value = serde_json::from_str(&read(&out, "data/replies.json")).unwrap();
    let from_json: BTreeSet<(String, String, String)> = json["replies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["number"].as_str().unwrap().into(),
                r["department"].as_str().unwrap().into(),
                r["title"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(from_json, expected);
    let bytes = std::fs::read(out.join("data/replies.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(&bytes[3..]);
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (n, d, t) = (col("编号"), col("办理单位"), col("标题"));
    let from_csv: BTreeSet<(String, String, String)> = rdr
        .records()
        .map(Result::unwrap)
        .map(|r| (r[n].to_string(), r[d].to_string(), r[t].to_string()))
        .collect();
    assert_eq!(from_csv, expected);
}

#[test]
fn csv_quotes_commas_quotes_and_newlines() {
    let title = "关于“A,B”和\"引号\"的提案";
    let text =
        reply("1", "甲局", "2023-01-01", "").replace("关于第1号事项的提案", &format!("'{title}'"));
    let dir = site(&[("content/a.md", &text)]);
    let o = build(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(dir.path().join("public/data/replies.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(&bytes[3..]);
    let row = rdr.records().next().unwrap().unwrap();
    assert_eq!(&row[1], title);
}

#[test]
fn sitemap_lists_every_page_and_robots_points_to_it() {
    let out = sample();
    let p = out.path().join("public");
    let xml = read(&p, "sitemap.xml");
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut locs = BTreeSet::new();
    let mut in_loc = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) if e.name().into_inner() == "loc" => in_loc = true,
            quick_xml::events::Event::Text(t) if in_loc => {
                locs.insert(t.into_inner().into_owned());
                in_loc = false;
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    let pages: BTreeSet<String> = tree(&p)
        .keys()
        .filter(|k| k.ends_with("index.html"))
        .map(|k| {
            format!(
                "https://www.example.gov.cn/jyta/{}",
                k.trim_end_matches("index.html")
            )
        })
        .collect();
    assert_eq!(locs, pages);
    assert!(
        xml.contains("<lastmod>2024-07-10</lastmod>"),
        "reply pages carry their publication date"
    );
    assert!(
        read(&p, "robots.txt").contains("Sitemap: https://www.example.gov.cn/jyta/sitemap.xml")
    );
}
