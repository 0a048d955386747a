//! The search index written by `dafu build`: every phrase of every reply can be found
//! through it (round trip), tokens sit in the shard their hash names, documents carry the
//! right facets, and two builds write identical bytes.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use common::*;
use dafu::search::tokenize::{shard_of, token_strings};
use dafu::search::{decode_shard, gunzip};

struct Index {
    shards: u32,
    docs: usize,
    postings: HashMap<String, Vec<(u32, u32, u32)>>,
    texts: Vec<String>,
    rows: Vec<Vec<String>>,
    meta: serde_json::Value,
}

fn read_index(out: &Path) -> Index {
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("search/meta.json")).unwrap()).unwrap();
    let shards = meta["shards"].as_u64().unwrap() as u32;
    let docs = meta["docs"].as_u64().unwrap() as usize;
    let mut postings = HashMap::new();
    for s in 0..shards {
        let bytes = gunzip(&std::fs::read(out.join(format!("search/s/{s}.bin"))).unwrap()).unwrap();
        let shard = decode_shard(&bytes).expect("shard decodes");
        for (token, list) in shard {
            assert_eq!(
                shard_of(&token, shards),
                s,
                "token {token} in the wrong shard"
            );
            assert!(
                list.windows(2).all(|w| w[0].0 < w[1].0),
                "postings of {token} out of order"
            );
            assert!(postings.insert(token, list).is_none());
        }
    }
    // Each result's card: display fields joined by U+001F, U+001E, the text.
    let (rows, texts): (Vec<Vec<String>>, Vec<String>) = (0..docs)
        .map(|i| {
            let bytes = std::fs::read(out.join(format!("search/r/{i}.txt"))).unwrap();
            assert_eq!(&bytes[..2], &[0xFF, 0xFE], "UTF-16LE BOM");
            let units: Vec<u16> = bytes[2..]
                .chunks(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            let card = String::from_utf16(&units).unwrap();
            let (row, text) = card.split_once('\u{1e}').expect("a card has its separator");
            let row: Vec<String> = row.split('\u{1f}').map(String::from).collect();
            assert_eq!(row.len(), 9, "{row:?}");
            (row, text.to_string())
        })
        .unzip();
    assert_eq!(rows.len(), docs);
    Index {
        shards,
        docs,
        postings,
        texts,
        rows,
        meta,
    }
}

/// Replies containing every token of `query` (what search.js computes before ranking).
fn matches(index: &Index, query: &str) -> Vec<u32> {
    let tokens = token_strings(query);
    assert!(!tokens.is_empty(), "query {query} has no tokens");
    let mut result: Option<Vec<u32>> = None;
    for t in tokens {
        let docs: Vec<u32> = index
            .postings
            .get(&t)
            .map(|l| l.iter().map(|p| p.0).collect())
            .unwrap_or_default();
        result = Some(match result {
            None => docs,
            Some(r) => r.into_iter().filter(|d| docs.contains(d)).collect(),
        });
    }
    result.unwrap_or_default()
}

#[test]
fn every_phrase_of_every_reply_is_found() {
    let site = generated_site(60);
    let out = build_ok(site.path());
    let index = read_index(&out);
    assert!(index.docs >= 60);
    let mut checked = 0;
    for (i, text) in index.texts.iter().enumerate() {
        let chars: Vec<char> = text.chars().collect();
        // Every Han run of 2–6 characters starting at a stride through the text.
        let mut at = 0;
        while at + 6 < chars.len() {
            for len in [2, 3, 4, 6] {
                let phrase: String = chars[at..at + len].iter().collect();
                if phrase.chars().all(dafu::search::tokenize::is_han) {
                    assert!(
                        matches(&index, &phrase).contains(&(i as u32)),
                        "reply {i} not found by {phrase}"
                    );
                    checked += 1;
                }
            }
            at += 97;
        }
        // Its title and number too.
        let title = index.rows[i][0].as_str();
        assert!(
            matches(&index, title).contains(&(i as u32)),
            "title {title}"
        );
        let number = index.rows[i][3].as_str();
        assert!(
            matches(&index, number).contains(&(i as u32)),
            "number {number}"
        );
    }
    assert!(checked > 500, "only {checked} phrases checked");
}

#[test]
fn fields_numbers_and_width_folding() {
    let site = site(&[
        (
            "content/a.md",
            &reply(
                "146",
                "抚顺市应急管理局",
                "2023-03-27",
                "doc_number: 抚应急函〔2023〕17号\ncategory: A\n",
            )
            .replace(
                "现答复如下。",
                "现答复如下。G312国道燃气管网改造工程已完成。",
            ),
        ),
        (
            "content/b.md",
            &reply("88", "抚顺市教育局", "2024-05-01", "category: B\n"),
        ),
    ]);
    let out = build_ok(site.path());
    let index = read_index(&out);
    assert_eq!(index.docs, 2);
    let a = index.rows.iter().position(|r| r[3] == "146").unwrap() as u32;
    // Full-width input finds half-width text, and upper case finds lower.
    assert_eq!(matches(&index, "Ｇ３１２"), vec![a]);
    assert_eq!(matches(&index, "g312 燃气管网"), vec![a]);
    assert_eq!(matches(&index, "〔2023〕17号"), vec![a]);
    assert_eq!(matches(&index, "146"), vec![a]);
    // Field bits: the number field, the title, names.
    let p = &index.postings["146"];
    assert!(
        p.iter()
            .any(|&(d, _, f)| d == a && f & dafu::search::FIELD_NUMBER != 0)
    );
    let title_bits = index.postings["提案"].iter().find(|p| p.0 == a).unwrap().2;
    assert!(title_bits & dafu::search::FIELD_TITLE != 0);
    let dept_bits = index.postings["应急"].iter().find(|p| p.0 == a).unwrap().2;
    assert!(dept_bits & dafu::search::FIELD_NAMES != 0);
    // Facets in index.bin follow meta.json, which is index.bin's meta.
    let file = dafu::search::decode_index(
        &gunzip(&std::fs::read(out.join("search/index.bin")).unwrap()).unwrap(),
    )
    .expect("index.bin decodes");
    assert_eq!(file.meta, index.meta);
    assert_eq!(file.docs.len(), 2);
    let rec = file.docs[a as usize];
    assert_eq!(rec.date.to_string(), index.rows[a as usize][6]);
    assert_eq!(
        index.meta["departments"][rec.department]["label"],
        "抚顺市应急管理局"
    );
    assert_eq!(
        index.meta["categories"][rec.category.unwrap()]["label"],
        "A类"
    );
    assert_eq!(index.meta["kinds"][rec.kind]["label"], "政协提案");
    assert!(rec.length > 10);
    assert!(file.fold.contains(&('飲', '饮')));
}

#[test]
fn the_index_is_deterministic() {
    let site = generated_site(40);
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for out in [a.path(), b.path()] {
        let o = build(site.path(), &["--output", out.join("p").to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let pick = |root: &Path| -> BTreeMap<String, Vec<u8>> {
        tree(&root.join("p"))
            .into_iter()
            .filter(|(k, _)| k.starts_with("search/"))
            .collect()
    };
    let (x, y) = (pick(a.path()), pick(b.path()));
    assert!(x.len() > 40);
    assert_eq!(x, y);
    assert!(read_index(&a.path().join("p")).shards >= 1);
}
