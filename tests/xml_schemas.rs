//! The feeds and sitemaps are valid XML against their schemas (xmllint with the Atom RELAX NG
//! schema of RFC 4287 and the sitemaps.org XSDs shipped in tests/schemas), and follow the
//! Atom rules a schema cannot express (absolute URLs, unique and stable ids).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::*;

fn schema(name: &str) -> PathBuf {
    repo_root().join("tests/schemas").join(name)
}

fn xmllint(kind: &str, schema: &Path, files: &[PathBuf]) {
    assert!(!files.is_empty());
    let o = tool("xmllint", "apt-get install libxml2-utils")
        .arg("--noout")
        .arg(kind)
        .arg(schema)
        .args(files)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(
        o.status.success() && !err.contains("error"),
        "xmllint {kind} {} failed:\n{err}",
        schema.display()
    );
}

fn feeds(out: &Path) -> Vec<PathBuf> {
    let mut v = vec![out.join("feed.xml")];
    for e in std::fs::read_dir(out.join("departments")).unwrap() {
        let dir = e.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let p = dir.join("feed.xml");
        assert!(p.is_file(), "no feed at {}", p.display());
        v.push(p);
    }
    v.sort();
    v
}

/// Element texts and attributes of a feed, read with quick-xml.
struct FeedFacts {
    ids: Vec<String>,
    hrefs: Vec<String>,
    entry_titles: Vec<String>,
    updated: Vec<String>,
}

fn facts(path: &Path) -> FeedFacts {
    use quick_xml::events::Event;
    let text = std::fs::read_to_string(path).unwrap();
    let mut r = quick_xml::Reader::from_str(&text);
    let mut stack: Vec<String> = Vec::new();
    let mut f = FeedFacts {
        ids: vec![],
        hrefs: vec![],
        entry_titles: vec![],
        updated: vec![],
    };
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) => stack.push(e.name().into_inner().to_string()),
            Event::End(_) => {
                stack.pop();
            }
            Event::Empty(e) => {
                for a in e.attributes() {
                    let a = a.unwrap();
                    if a.key.into_inner() == "href" {
                        f.hrefs.push(
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned(),
                        );
                    }
                }
            }
            Event::Text(t) => {
                let s = t.into_inner().into_owned();
                let path: Vec<&str> = stack.iter().map(String::as_str).collect();
                match path.as_slice() {
                    [.., "entry", "id"] => f.ids.push(s),
                    [.., "entry", "title"] => f.entry_titles.push(s),
                    [.., "entry", "updated"] => f.updated.push(s),
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    f
}

fn check_site(out: &Path) {
    let feeds = feeds(out);
    xmllint("--relaxng", &schema("atom.rng"), &feeds);
    xmllint(
        "--schema",
        &schema("sitemap.xsd"),
        &[out.join("sitemap.xml")],
    );
    let base = "https://www.example.gov.cn/jyta/";
    for feed in &feeds {
        let f = facts(feed);
        assert!(!f.ids.is_empty(), "{} has no entries", feed.display());
        assert!(f.ids.len() <= 50);
        let unique: BTreeSet<&String> = f.ids.iter().collect();
        assert_eq!(
            unique.len(),
            f.ids.len(),
            "duplicate ids in {}",
            feed.display()
        );
        assert!(
            f.ids
                .iter()
                .all(|id| id.starts_with("tag:www.example.gov.cn,"))
        );
        let mut sorted = f.updated.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(sorted, f.updated, "entries newest first");
        for h in &f.hrefs {
            assert!(
                h.starts_with(base),
                "relative or foreign URL {h} in {}",
                feed.display()
            );
            let rel = &h[base.len()..];
            let file = if rel.is_empty() || rel.ends_with('/') {
                out.join(rel).join("index.html")
            } else {
                out.join(rel)
            };
            assert!(file.is_file(), "{h} in {} leads nowhere", feed.display());
        }
    }
}

#[test]
fn sample_site_feeds_and_sitemap_are_valid() {
    let (_dir, out) = sample_site_built();
    check_site(&out);
    let f = facts(&out.join("feed.xml"));
    assert!(
        f.entry_titles
            .contains(&"关于加快推进既有住宅加装电梯工作的提案".to_string())
    );
}

#[test]
fn generated_site_feeds_and_sitemap_are_valid() {
    let site = generated_site(300);
    let out = build_ok(site.path());
    check_site(&out);
    assert_eq!(facts(&out.join("feed.xml")).ids.len(), 50);
}

#[test]
fn split_sitemap_index_is_valid() {
    let config = dafu::config::parse(
        "title = \"t\"\nbase_url = \"https://www.example.gov.cn/jyta/\"\n[organisation]\nname = \"n\"\ncode = \"C\"\n",
        None,
    )
    .unwrap();
    let site = dafu::model::build_site(config, Vec::<dafu::reply::Reply>::new()).unwrap();
    let urls: Vec<(String, Option<String>)> = (0..7)
        .map(|i| (format!("replies/{i}/"), Some("2024-03-01".to_string())))
        .collect();
    let files = dafu::opendata::sitemaps(&site, &urls, 3);
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in &files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    xmllint(
        "--schema",
        &schema("siteindex.xsd"),
        &[dir.path().join("sitemap.xml")],
    );
    let parts: Vec<PathBuf> = files[1..].iter().map(|(n, _)| dir.path().join(n)).collect();
    assert_eq!(parts.len(), 3);
    xmllint("--schema", &schema("sitemap.xsd"), &parts);
}

#[test]
fn feed_ids_survive_moving_and_editing_a_reply() {
    let site = site(&[
        ("content/a.md", &reply("7", "某市教育局", "2024-03-01", "")),
        ("content/b.md", &reply("8", "某市教育局", "2024-03-02", "")),
    ]);
    let out = build_ok(site.path());
    let before = facts(&out.join("feed.xml")).ids;
    std::fs::rename(
        site.path().join("content/a.md"),
        site.path().join("content/renamed.md"),
    )
    .unwrap();
    let text = std::fs::read_to_string(site.path().join("content/b.md")).unwrap();
    std::fs::write(
        site.path().join("content/b.md"),
        text.replace("现答复如下", "现答复如下（修订）"),
    )
    .unwrap();
    let out = build_ok(site.path());
    let mut after = facts(&out.join("feed.xml")).ids;
    let mut before = before;
    before.sort();
    after.sort();
    assert_eq!(before, after);
}
