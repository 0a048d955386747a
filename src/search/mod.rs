//! Search, beside the pipeline: `dafu build` writes a static full-text index under
//! `search/` that the theme's `search.js` queries in the browser. No server, no service.
//!
//! Layout (every `.bin` file is gzip-compressed; the page inflates it with the browser's
//! `DecompressionStream`, and a `.bin` name keeps servers from second-guessing the encoding):
//!
//! What a query costs: `index.bin` once per visit, one shard per distinct token of the query,
//! one card per result shown (the first page's first five at once, the others as they come
//! near the screen).
//!
//! - `search/index.bin`: all the page needs before its first query, in one request: the
//!   meta JSON (counts, shard count, average length, facet labels, synonyms), the
//!   traditional → simplified folding table, and per reply its date, department, length,
//!   kind, category and 办理结果评价 as columns, so ranking and filter counts need nothing else.
//! - `search/meta.json`: the same meta JSON alone, for the list pages' filter bars.
//! - `search/f/<rep|session|topic>/<slug>.json`: the replies of one representative, session
//!   or topic, fetched only when the search page is narrowed to it (from that list's filter
//!   bar).
//! - `search/s/<n>.bin`: postings shards. A token lives in shard `fnv1a32(token) % shards`,
//!   so a query fetches one shard per distinct token, and nothing else of the index.
//! - `search/r/<n>.txt`: reply number `n`'s card: what the result shows (title, URL, number, …)
//!   and the reply's plain text for its excerpt and the exact-phrase check, in UTF-16LE with
//!   a BOM (a third smaller than UTF-8 for Chinese; not compressed, as compressing 10,000
//!   texts would cost more build time than the index itself).
//!
//! Replies are numbered by source path (`doc_order`), so that a date edit, which moves a
//! reply in the site's order, renumbers nothing.

pub mod tokenize;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use crate::model::{Dim, Site};
use crate::plaintext::{PlainText, Texts};
use crate::reply::Reply;
use tokenize::{Token, shard_of, tokens, tokens_of};

/// A file of the index: site-relative path, bytes.
pub type File = (String, Vec<u8>);

/// The index numbers replies by source path, not by the site's order: re-dating a reply
/// (which moves it in the site's order) keeps every number, so only its own postings, its
/// card and `index.bin` change. `order[doc]` is the entry's index in `site.entries`.
pub fn doc_order(site: &Site) -> Vec<usize> {
    let mut order: Vec<usize> = (0..site.entries.len()).collect();
    order.sort_unstable_by_key(|&i| path_key(&site.entries[i].reply.source));
    order
}

/// A path's bytes: the index's order of files. (Comparing `Path`s component by component
/// made sorting 100,000 of them a tenth of a `dafu serve` edit.)
fn path_key(p: &std::path::Path) -> &[u8] {
    p.as_os_str().as_encoded_bytes()
}

/// The inverse of [`doc_order`]: `docs[entry]` is the entry's number in the index.
pub fn doc_numbers(order: &[usize]) -> Vec<u32> {
    let mut docs = vec![0u32; order.len()];
    for (doc, &entry) in order.iter().enumerate() {
        docs[entry] = doc as u32;
    }
    docs
}

/// Field bits stored with each posting.
pub const FIELD_TITLE: u32 = 1;
/// Proposal number or 文号.
pub const FIELD_NUMBER: u32 = 2;
/// Representatives, department, session, signer, tags.
pub const FIELD_NAMES: u32 = 4;
const FIELD_BITS: u32 = 3;

/// Format version; `search.js` refuses an index it does not understand.
pub const VERSION: u32 = 3;
/// "None" in the one-byte columns of `index.bin`.
const NONE_U8: u8 = 255;

#[derive(Serialize)]
struct Facet {
    key: String,
    label: String,
    slug: String,
}

#[derive(Serialize)]
struct Meta {
    version: u32,
    docs: usize,
    shards: u32,
    avgdl: f64,
    years: Vec<String>,
    kinds: Vec<Facet>,
    categories: Vec<Facet>,
    departments: Vec<Facet>,
    /// The site's synonyms: groups of words a query with any of them also looks for.
    synonyms: Vec<Vec<String>>,
    /// 办理结果评价 levels, when any reply records one (a filter of the search page).
    satisfaction: Vec<Facet>,
}

/// Number of shards for a corpus: about one per 48 KB of text, a power of two, so that a
/// shard stays a few kilobytes compressed at any size.
pub fn shard_count(text_bytes: usize) -> u32 {
    shards_for(text_bytes, BYTES_PER_SHARD)
}

const BYTES_PER_SHARD: usize = 48 * 1024;

fn shards_for(text_bytes: usize, per_shard: usize) -> u32 {
    let want = (text_bytes / per_shard.max(1)).clamp(1, 4096) as u32;
    want.next_power_of_two()
}

fn bigram_key(a: char, b: char) -> u64 {
    (u64::from(a as u32) << 21) | u64::from(b as u32)
}

/// Words get keys in the upper half so they never meet a bigram key.
fn word_key(w: &str) -> u64 {
    (1 << 63) | (crate::hashing::fnv1a(w.as_bytes()) >> 1)
}

fn key_string(key: u64, words: &HashMap<u64, String>) -> String {
    if key >> 63 == 1 {
        words.get(&key).cloned().unwrap_or_default()
    } else {
        let a = char::from_u32((key >> 21) as u32).unwrap_or('\u{fffd}');
        let b = char::from_u32((key & 0x1f_ffff) as u32).unwrap_or('\u{fffd}');
        [a, b].iter().collect()
    }
}

/// The fields of a reply that are indexed, with their field bits.
fn doc_fields<'a>(r: &'a Reply, names: &'a mut String) -> [(&'a str, u32); 4] {
    names.clear();
    for n in r
        .representatives
        .iter()
        .chain(std::iter::once(&r.department))
        .chain(r.co_departments.iter())
        .chain(std::iter::once(&r.session))
        .chain(r.signer.iter())
        .chain(r.tags.iter())
    {
        names.push_str(n);
        names.push('\n');
    }
    [
        (r.title.as_str(), FIELD_TITLE),
        (r.number.as_str(), FIELD_NUMBER),
        (r.doc_number.as_deref().unwrap_or(""), FIELD_NUMBER),
        (names.as_str(), FIELD_NAMES),
    ]
}

/// The postings of a contiguous run of replies (one per worker): per token, its postings
/// in reply order, already in the shard's varint encoding. Working on runs keeps every
/// token's postings in reply order without sorting; encoding them at once keeps about two
/// bytes per posting in memory rather than eight.
struct Part {
    /// Token key → its list.
    lists: FxHashMap<u64, PartList>,
    words: FxHashMap<u64, String>,
    lengths: Vec<u32>,
}

/// One token's postings within a part: the first posting apart (its delta depends on the
/// parts before), the others as `varint doc-delta, varint code`.
struct PartList {
    first: u32,
    first_code: u32,
    last: u32,
    df: u32,
    rest: Vec<u8>,
}

impl PartList {
    /// The bytes this list takes in a shard after a list that ended at reply `prev`.
    fn encoded_len(&self, prev: u32) -> usize {
        varint_len(u64::from(self.first - prev))
            + varint_len(u64::from(self.first_code))
            + self.rest.len()
    }

    fn encode(&self, prev: u32, out: &mut Vec<u8>) {
        put_varint(out, u64::from(self.first - prev));
        put_varint(out, u64::from(self.first_code));
        out.extend_from_slice(&self.rest);
    }
}

fn varint_len(mut v: u64) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

/// Tokenises a reply (fields, then text) into `doc_map` (key → tf << 3 | fields); `word`
/// is called for each word token's key and text. Returns the reply's length in tokens.
fn tokenize_doc(
    reply: &Reply,
    text: &PlainText,
    names: &mut String,
    doc_map: &mut FxHashMap<u64, u32>,
    mut word: impl FnMut(u64, &str),
) -> u32 {
    doc_map.clear();
    let mut length = 0u32;
    let mut add = |t: Token<'_>, bits: u32| {
        let key = match t {
            Token::Bigram(a, b) => bigram_key(a, b),
            Token::Word(w) => {
                let k = word_key(w);
                word(k, w);
                k
            }
        };
        // tf in the upper bits, field bits below: one add and one or per token.
        let code = doc_map.entry(key).or_insert(0);
        *code = (*code + (1 << FIELD_BITS)) | bits;
        length += 1;
    };
    for (field_text, bits) in doc_fields(reply, names) {
        tokens(field_text, |t| add(t, bits));
    }
    tokens_of(text.chars(), |t| add(t, 0));
    length
}

/// One reply's postings, kept by `dafu serve` to patch the index when the reply changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocTokens {
    /// (key, tf << 3 | fields), sorted by key.
    pub postings: Vec<(u64, u32)>,
    pub length: u32,
    /// Word keys and their text.
    pub words: Vec<(u64, String)>,
}

/// The postings of a reply whose plain text is `text`.
pub fn doc_tokens(reply: &Reply, text: &PlainText) -> DocTokens {
    let mut doc_map = FxHashMap::default();
    let mut words = Vec::new();
    let length = tokenize_doc(reply, text, &mut String::new(), &mut doc_map, |k, w| {
        words.push((k, w.to_string()))
    });
    words.sort();
    words.dedup();
    let mut postings: Vec<(u64, u32)> = doc_map.into_iter().collect();
    postings.sort_unstable();
    DocTokens {
        postings,
        length,
        words,
    }
}

fn index_part(
    site: &Site,
    texts: &Texts<'_>,
    order: &[usize],
    range: std::ops::Range<usize>,
    card: &(dyn Fn(File) -> Option<File> + Sync),
) -> (Part, Vec<File>) {
    let mut part = Part {
        lists: FxHashMap::default(),
        words: FxHashMap::default(),
        lengths: Vec::with_capacity(range.len()),
    };
    let mut doc_map: FxHashMap<u64, u32> = FxHashMap::default();
    let mut names = String::new();
    let mut cards = Vec::new();
    for d in range {
        let doc = d as u32;
        let i = order[d];
        let text = texts.get(i);
        let words = &mut part.words;
        let reply = &site.entries[i].reply;
        let length = tokenize_doc(reply, &text, &mut names, &mut doc_map, |k, w| {
            words.entry(k).or_insert_with(|| w.to_string());
        });
        for (&key, &code) in &doc_map {
            match part.lists.get_mut(&key) {
                Some(list) => {
                    put_varint(&mut list.rest, u64::from(doc - list.last));
                    put_varint(&mut list.rest, u64::from(code));
                    list.last = doc;
                    list.df += 1;
                }
                None => {
                    part.lists.insert(
                        key,
                        PartList {
                            first: doc,
                            first_code: code,
                            last: doc,
                            df: 1,
                            rest: Vec::new(),
                        },
                    );
                }
            }
        }
        part.lengths.push(length);
        // Made while the text is at hand: a stored text is read once.
        cards.extend(card(card_file(site, i, d, &text)));
    }
    (part, cards)
}

pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

// gzip with libdeflate at its fastest level: the index is rebuilt on every build, and
// libdeflate compresses small buffers several times faster than a streaming deflater.
pub use crate::output::{gunzip, gzip};

/// UTF-16LE with a byte-order mark: two bytes per Chinese character instead of UTF-8's
/// three, a third smaller with no compression cost; the BOM lets a browser that opens the
/// file show it correctly.
pub fn utf16le(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(2 + text.len() * 2 / 3 * 2);
    out.extend_from_slice(&[0xFF, 0xFE]);
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

fn days(d: NaiveDate) -> u16 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    (d - epoch).num_days().clamp(0, i64::from(u16::MAX)) as u16
}

/// Where the index's files go as they are made, in parallel; the first error is returned.
pub type Emit<'a> = &'a (dyn Fn(&str, &[u8]) -> std::io::Result<()> + Sync);

/// Makes the whole index, handing each file to `emit` as soon as it is made (none is
/// kept), and returns what [`IndexState::patch`] needs later: not the postings (memory does
/// not grow with them), which a patch reads back from the shard files it changes.
pub fn write_index(site: &Site, texts: &Texts<'_>, emit: Emit<'_>) -> std::io::Result<IndexState> {
    let errors = std::sync::Mutex::new(None);
    let guarded = |path: &str, bytes: &[u8]| {
        let r = emit(path, bytes);
        if let Err(e) = &r
            && let Ok(mut first) = errors.lock()
            && first.is_none()
        {
            *first = Some(std::io::Error::new(e.kind(), e.to_string()));
        }
        r
    };
    let (_, state) = build(site, texts, false, BYTES_PER_SHARD, Some(&guarded));
    match errors.into_inner().ok().flatten() {
        Some(e) => Err(e),
        None => Ok(state),
    }
}

/// Makes the index; with `emit`, each file is handed over as soon as it is made (and the
/// returned list is empty).
fn build(
    site: &Site,
    texts: &Texts<'_>,
    keep: bool,
    per_shard: usize,
    emit: Option<Emit<'_>>,
) -> (Vec<(String, Vec<u8>)>, IndexState) {
    // A file made: handed over, or collected.
    let out = |file: File| -> Option<File> {
        match emit {
            Some(emit) => {
                let _ = emit(&file.0, &file.1);
                None
            }
            None => Some(file),
        }
    };
    let n = site.entries.len();
    let text_bytes = texts.utf8_len();
    let shards = shards_for(text_bytes, per_shard);
    let order = doc_order(site);

    // 1. Each worker indexes a contiguous run of replies with its own dictionary.
    // One part per thread: each part has its own dictionary, so more parts cost memory.
    let parts_wanted = rayon::current_num_threads().clamp(1, n.max(1));
    let per_part = n.div_ceil(parts_wanted).max(1);
    let (parts, cards): (Vec<Part>, Vec<Vec<File>>) = (0..n.div_ceil(per_part))
        .into_par_iter()
        .map(|p| {
            index_part(
                site,
                texts,
                &order,
                p * per_part..((p + 1) * per_part).min(n),
                &out,
            )
        })
        .unzip();

    // 2. One global dictionary, ordered by (shard, key): each shard is a contiguous range.
    let mut words: HashMap<u64, String> = HashMap::new();
    let mut all_keys: Vec<u64> = Vec::new();
    {
        let mut seen: FxHashMap<u64, ()> = FxHashMap::default();
        for part in &parts {
            for (k, w) in &part.words {
                words.entry(*k).or_insert_with(|| w.clone());
            }
            for &k in part.lists.keys() {
                if seen.insert(k, ()).is_none() {
                    all_keys.push(k);
                }
            }
        }
    }
    // (shard, key) only: a token's text is made again when its shard is encoded.
    let mut keyed: Vec<(u32, u64)> = all_keys
        .par_iter()
        .map(|&k| (shard_of(&key_string(k, &words), shards), k))
        .collect();
    drop(all_keys);
    keyed.par_sort_unstable();
    let lengths: Vec<u32> = parts
        .iter()
        .flat_map(|p| p.lengths.iter().copied())
        .collect();

    // 3. Shards, in parallel: each token's postings are its lists from every part, in order.
    let mut bounds = vec![0usize; shards as usize + 1];
    for (shard, _) in &keyed {
        bounds[*shard as usize + 1] += 1;
    }
    for s in 0..shards as usize {
        bounds[s + 1] += bounds[s];
    }
    let built: Vec<(Option<File>, Option<ShardData>)> = (0..shards as usize)
        .into_par_iter()
        .map(|s| {
            let tokens = &keyed[bounds[s]..bounds[s + 1]];
            let mut raw = Vec::new();
            put_varint(&mut raw, tokens.len() as u64);
            let mut data = ShardData::default();
            for (_, key) in tokens {
                let token = key_string(*key, &words);
                let lists: Vec<&PartList> = parts.iter().filter_map(|p| p.lists.get(key)).collect();
                let df: u64 = lists.iter().map(|l| u64::from(l.df)).sum();
                let mut prev = 0;
                let mut nbytes = 0;
                for l in &lists {
                    nbytes += l.encoded_len(prev);
                    prev = l.last;
                }
                put_varint(&mut raw, token.len() as u64);
                raw.extend_from_slice(token.as_bytes());
                put_varint(&mut raw, df);
                put_varint(&mut raw, nbytes as u64);
                let start = raw.len();
                let mut prev = 0;
                for l in &lists {
                    l.encode(prev, &mut raw);
                    prev = l.last;
                }
                if keep {
                    data.keys.push(*key);
                    data.tokens.push(token.as_str().into());
                    data.lists.push(Packed {
                        df: df as u32,
                        bytes: raw[start..].into(),
                    });
                }
            }
            (out((shard_path(s), gzip(&raw))), keep.then_some(data))
        })
        .collect();
    drop(parts);
    let (files, shard_data): (Vec<Option<File>>, Vec<Option<ShardData>>) =
        built.into_iter().unzip();
    let mut files: Vec<File> = files.into_iter().flatten().collect();

    files.extend(
        index_and_meta(site, &order, &lengths, shards)
            .into_iter()
            .filter_map(out),
    );
    files.extend(cards.into_iter().flatten());
    let state = IndexState {
        shards,
        per_shard,
        shard_data,
        text_bytes,
        docs: order
            .iter()
            .zip(lengths)
            .map(|(&i, length)| IndexedDoc {
                path: site.entries[i].reply.source.clone(),
                length,
                card: 0,
            })
            .collect(),
    };
    (files, state)
}

/// `search/index.bin` (what the search page loads first, in one request),
/// `search/meta.json` (the facets, for the list pages' filter bars) and the list filters'
/// files, from the replies' lengths in tokens.
fn index_and_meta(
    site: &Site,
    order: &[usize],
    lengths: &[u32],
    shards: u32,
) -> Vec<(String, Vec<u8>)> {
    let meta = meta(site, lengths, shards);
    let mut json = serde_json::to_vec(&meta).unwrap_or_default();
    let mut index = Vec::with_capacity(json.len() + 32 * 1024 + site.entries.len() * 8);
    put_varint(&mut index, json.len() as u64);
    index.extend_from_slice(&json);
    let fold = fold_bytes();
    put_varint(&mut index, fold.len() as u64);
    index.extend_from_slice(&fold);
    doc_columns(site, order, &meta, lengths, &mut index);
    json.push(b'\n');
    let mut files = vec![
        (INDEX_PATH.into(), gzip(&index)),
        ("search/meta.json".into(), json),
    ];
    files.extend(list_filter_files(site, &doc_numbers(order)));
    files
}

/// The first file the search page loads.
pub const INDEX_PATH: &str = "search/index.bin";

/// The lists the search page can narrow to beyond its selects, each by a file per term
/// fetched only when that filter is on (many terms, or several per reply): URL parameter,
/// dimension.
pub const LIST_FILTERS: [(&str, Dim); 3] = [
    ("rep", Dim::Representative),
    ("session", Dim::Session),
    ("topic", Dim::Tag),
];

/// `search/f/<parameter>/<slug>.json` for every term of the [`LIST_FILTERS`] dimensions:
/// `{"label": name, "docs": [first reply, then differences]}` (replies by their numbers).
fn list_filter_files(site: &Site, docs_of: &[u32]) -> Vec<File> {
    let mut files = Vec::new();
    for (name, dim) in LIST_FILTERS {
        let Some(d) = site.dimension(dim) else {
            continue;
        };
        for t in &d.terms {
            let mut docs: Vec<u32> = site.positions_of(&t.entries).map(|i| docs_of[i]).collect();
            docs.sort_unstable();
            let mut prev = 0;
            for d in &mut docs {
                (*d, prev) = (*d - prev, *d);
            }
            let json = serde_json::json!({ "label": t.name, "docs": docs });
            let mut bytes = serde_json::to_vec(&json).unwrap_or_default();
            bytes.push(b'\n');
            files.push((list_filter_path(name, &t.slug), bytes));
        }
    }
    files
}

/// Where the replies of one list filter's term are.
pub fn list_filter_path(name: &str, slug: &str) -> String {
    format!("search/f/{name}/{slug}.json")
}

fn meta(site: &Site, lengths: &[u32], shards: u32) -> Meta {
    let n = site.entries.len();
    let facet = |dim: Dim| -> Vec<Facet> {
        site.dimension(dim)
            .map(|d| {
                d.terms
                    .iter()
                    .map(|t| Facet {
                        key: t.slug.clone(),
                        label: t.name.clone(),
                        slug: t.slug.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let total_len: u64 = lengths.iter().map(|&l| u64::from(l)).sum();
    Meta {
        version: VERSION,
        docs: n,
        shards,
        avgdl: if n == 0 {
            0.0
        } else {
            total_len as f64 / n as f64
        },
        years: facet(Dim::Year).into_iter().map(|f| f.label).collect(),
        kinds: facet(Dim::Kind),
        categories: facet(Dim::Category),
        departments: facet(Dim::Department),
        satisfaction: if site.entries.iter().any(|e| e.reply.satisfaction.is_some()) {
            site.config
                .satisfaction
                .iter()
                .map(|l| Facet {
                    key: l.key.clone(),
                    label: l.label.clone(),
                    slug: l.slug.clone().unwrap_or_else(|| {
                        crate::slug::name_slug(&l.key, &site.config.slugs, false)
                    }),
                })
                .collect()
        } else {
            Vec::new()
        },
        synonyms: site
            .config
            .search
            .synonyms
            .iter()
            .map(|(k, v)| {
                let mut group = vec![k.clone()];
                group.extend(v.iter().cloned());
                group
            })
            .collect(),
    }
}

/// The traditional → simplified table the page folds queries with (the index is folded with
/// the same one), sorted by traditional character: per pair `varint (from - previous from)`
/// and `zigzag varint (to - from)`. About a third of the bytes of the characters themselves.
fn fold_bytes() -> Vec<u8> {
    let chars: Vec<char> = tokenize::fold_table().chars().collect();
    let mut pairs: Vec<(u32, u32)> = chars
        .chunks_exact(2)
        .map(|p| (p[0] as u32, p[1] as u32))
        .collect();
    pairs.sort_unstable();
    let mut out = Vec::with_capacity(pairs.len() * 3);
    put_varint(&mut out, pairs.len() as u64);
    let mut prev = 0;
    for (from, to) in pairs {
        put_varint(&mut out, u64::from(from - prev));
        put_varint(&mut out, zigzag(i64::from(to) - i64::from(from)));
        prev = from;
    }
    out
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(z: u64) -> i64 {
    (z >> 1) as i64 ^ -((z & 1) as i64)
}

/// What ranking and filters need of every reply, by number, column by column (a column of
/// like values compresses far better than records): dates as zigzag deltas from the reply
/// before, department numbers and lengths in tokens as varints, then one byte each for kind,
/// category and 办理结果评价 (255: none). The year is the date's.
fn doc_columns(site: &Site, order: &[usize], meta: &Meta, lengths: &[u32], out: &mut Vec<u8>) {
    let entries = || order.iter().map(|&i| &site.entries[i]);
    let dept_index: HashMap<&str, u64> = meta
        .departments
        .iter()
        .enumerate()
        .map(|(i, f)| (f.slug.as_str(), i as u64))
        .collect();
    let mut prev = 0i64;
    for e in entries() {
        let d = i64::from(days(e.reply.date));
        put_varint(out, zigzag(d - prev));
        prev = d;
    }
    for e in entries() {
        put_varint(
            out,
            dept_index
                .get(e.department_slug.as_str())
                .copied()
                .unwrap_or(0),
        );
    }
    for &len in lengths {
        put_varint(out, u64::from(len));
    }
    for e in entries() {
        let k = meta.kinds.iter().position(|f| f.key == e.reply.kind.key());
        out.push(k.unwrap_or(0) as u8);
    }
    for e in entries() {
        let c = e.reply.category.as_ref().and_then(|c| {
            let name = crate::model::category_name(c);
            meta.categories.iter().position(|f| f.label == name)
        });
        out.push(c.map_or(NONE_U8, |p| p as u8));
    }
    for e in entries() {
        let sat = e
            .reply
            .satisfaction
            .as_deref()
            .and_then(|k| site.config.satisfaction_level(k));
        out.push(sat.map_or(NONE_U8, |(i, _)| i as u8));
    }
}

/// Where shard `s` is.
pub fn shard_path(s: usize) -> String {
    format!("search/s/{s}.bin")
}

/// `search/r/<doc>.txt`: what entry `i` (number `doc`) shows as a result and its text, in one file, so that a result
/// costs one request. UTF-16LE with a byte-order mark (two bytes per Chinese character
/// instead of UTF-8's three, a third smaller with no compression cost; the BOM lets a browser
/// that opens the file show it): the display fields separated by U+001F (title, URL, kind,
/// number, session, department, date, 文号, category), U+001E, then the plain text.
pub fn card_file(site: &Site, i: usize, doc: usize, text: &PlainText) -> File {
    let e = &site.entries[i];
    let r = &e.reply;
    let date = r.date.to_string();
    let fields = [
        r.title.as_str(),
        e.url.as_str(),
        r.kind.label(),
        r.number.as_str(),
        r.session.as_str(),
        r.department.as_str(),
        date.as_str(),
        r.doc_number.as_deref().unwrap_or(""),
        r.category.as_deref().unwrap_or(""),
    ];
    let mut head = String::with_capacity(256);
    for (k, field) in fields.iter().enumerate() {
        if k > 0 {
            head.push('\u{1f}');
        }
        // The separators cannot occur inside a field.
        head.extend(field.chars().map(|c| if c.is_control() { ' ' } else { c }));
    }
    head.push('\u{1e}');
    let mut card = utf16le(&head);
    text.write_utf16le(&mut card);
    (card_path(doc), card)
}

/// Where the card of reply number `doc` is.
pub fn card_path(doc: usize) -> String {
    format!("search/r/{doc}.txt")
}

/// Postings encoded as `varint doc-delta, varint code`, decoded.
fn decode_postings(bytes: &[u8]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut doc = 0u32;
    let mut pos = 0;
    while let (Some(delta), Some(code)) = (varint(bytes, &mut pos), varint(bytes, &mut pos)) {
        // Garbled bytes give wrong postings, never a panic (and fail the caller's checks).
        doc = doc.wrapping_add(delta as u32);
        out.push((doc, code as u32));
    }
    out
}

/// One token's postings as the shard file holds them (`varint doc-delta, varint code`):
/// a quarter of the memory of decoded pairs, and copied into the file as they are.
#[derive(Debug, Clone, Default, PartialEq)]
struct Packed {
    df: u32,
    bytes: Box<[u8]>,
}

impl Packed {
    fn new(list: &[(u32, u32)]) -> Packed {
        let mut bytes = Vec::with_capacity(list.len() * 3);
        let mut prev = 0;
        for &(doc, code) in list {
            put_varint(&mut bytes, u64::from(doc - prev));
            put_varint(&mut bytes, u64::from(code));
            prev = doc;
        }
        Packed {
            df: list.len() as u32,
            bytes: bytes.into(),
        }
    }

    fn decode(&self) -> Vec<(u32, u32)> {
        decode_postings(&self.bytes)
    }

    /// The same postings with reply `d` numbered `to[d]` (the order kept, as a file added
    /// or removed keeps it): `Some(None)` when no number changed, `None` when a reply has no
    /// new number. One pass over the bytes; nothing decoded is kept.
    fn renumbered(&self, to: &[u32]) -> Option<Option<Packed>> {
        let b = &self.bytes;
        let (mut pos, mut doc, mut prev_new) = (0, 0u32, 0u32);
        let mut out: Option<Vec<u8>> = None;
        while pos < b.len() {
            let start = pos;
            doc = doc.checked_add(u32::try_from(varint(b, &mut pos)?).ok()?)?;
            let new = *to.get(doc as usize).filter(|&&d| d != u32::MAX)?;
            let code_at = pos;
            varint(b, &mut pos)?;
            if out.is_none() && new != doc {
                out = Some(b[..start].to_vec());
            }
            if let Some(out) = &mut out {
                put_varint(out, u64::from(new.checked_sub(prev_new)?));
                out.extend_from_slice(&b[code_at..pos]);
            }
            prev_new = new;
        }
        Some(out.map(|bytes| Packed {
            df: self.df,
            bytes: bytes.into(),
        }))
    }
}

/// One shard's tokens, in key order, with their postings in reply order.
#[derive(Debug, Clone, Default, PartialEq)]
struct ShardData {
    keys: Vec<u64>,
    tokens: Vec<Box<str>>,
    lists: Vec<Packed>,
}

impl ShardData {
    /// A shard read back from its file (`None`: not a shard file, or its tokens out of order).
    fn decode(file: &[u8]) -> Option<ShardData> {
        let b = gunzip(file)?;
        let mut pos = 0;
        let count = varint(&b, &mut pos)? as usize;
        let mut shard = ShardData::default();
        for _ in 0..count {
            let len = varint(&b, &mut pos)? as usize;
            let token = std::str::from_utf8(b.get(pos..pos + len)?).ok()?;
            pos += len;
            let df = varint(&b, &mut pos)? as u32;
            let nbytes = varint(&b, &mut pos)? as usize;
            let bytes = b.get(pos..pos + nbytes)?;
            pos += nbytes;
            let key = key_of_token(token);
            if shard.keys.last().is_some_and(|&k| k >= key) {
                return None;
            }
            shard.keys.push(key);
            shard.tokens.push(token.into());
            shard.lists.push(Packed {
                df,
                bytes: bytes.into(),
            });
        }
        (pos == b.len()).then_some(shard)
    }

    /// The shard file: `varint count`, then per token `varint len, utf-8, varint df, varint
    /// nbytes, postings`, postings being `varint doc-delta, varint (tf << 3 | fields)`.
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_varint(&mut out, self.tokens.len() as u64);
        for (token, list) in self.tokens.iter().zip(&self.lists) {
            put_varint(&mut out, token.len() as u64);
            out.extend_from_slice(token.as_bytes());
            put_varint(&mut out, u64::from(list.df));
            put_varint(&mut out, list.bytes.len() as u64);
            out.extend_from_slice(&list.bytes);
        }
        gzip(&out)
    }

    /// Sets reply `doc`'s posting for `key` (`None`: removes it).
    fn set(&mut self, key: u64, token: &str, doc: u32, code: Option<u32>) {
        match (self.keys.binary_search(&key), code) {
            (Ok(t), code) => {
                let mut list = self.lists[t].decode();
                match (list.binary_search_by_key(&doc, |p| p.0), code) {
                    (Ok(p), Some(code)) => list[p].1 = code,
                    (Ok(p), None) => {
                        list.remove(p);
                    }
                    (Err(p), Some(code)) => list.insert(p, (doc, code)),
                    (Err(_), None) => {}
                }
                if list.is_empty() {
                    self.keys.remove(t);
                    self.tokens.remove(t);
                    self.lists.remove(t);
                } else {
                    self.lists[t] = Packed::new(&list);
                }
            }
            (Err(t), Some(code)) => {
                self.keys.insert(t, key);
                self.tokens.insert(t, token.into());
                self.lists.insert(t, Packed::new(&[(doc, code)]));
            }
            (Err(_), None) => {}
        }
    }
}

/// What is kept of the last index to patch it: each reply's file and length by number. The
/// shards' postings are not kept: a patch reads back from their files the shards it changes
/// (held here only while it works). Saved in the build cache.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct IndexState {
    shards: u32,
    /// Text bytes per shard (`BYTES_PER_SHARD`, smaller in tests).
    per_shard: usize,
    /// By shard; `None`: not in memory.
    #[serde(skip)]
    shard_data: Vec<Option<ShardData>>,
    text_bytes: usize,
    /// The replies, by number (that is, by source path).
    docs: Vec<IndexedDoc>,
}

/// What the index keeps of one reply to patch it.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
struct IndexedDoc {
    /// Its source file: its identity, and what it is numbered by.
    path: PathBuf,
    /// Its length in tokens (ranking).
    length: u32,
    /// The fingerprint of what its result card (`search/r/<number>.txt`) shows.
    card: u64,
}

/// The token of a key, from the words of `docs`.
fn token_of(key: u64, docs: &[&DocTokens]) -> String {
    if key >> 63 == 1 {
        for d in docs {
            if let Ok(w) = d.words.binary_search_by_key(&key, |(k, _)| *k) {
                return d.words[w].1.clone();
            }
        }
        String::new()
    } else {
        key_string(key, &HashMap::new())
    }
}

/// The key of a token as a shard file spells it: two Han characters are a bigram, anything
/// else a word (words hold no Han).
fn key_of_token(token: &str) -> u64 {
    let mut chars = token.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some(a), Some(b), None) if tokenize::is_han(a) && tokenize::is_han(b) => bigram_key(a, b),
        _ => word_key(token),
    }
}

/// One reply's change, as [`IndexState::patch`] takes it: its file, and its postings before
/// (`None`: it is new) and after (`None`: it is gone).
pub struct DocChange<'a> {
    pub source: &'a Path,
    pub old: Option<DocTokens>,
    pub new: Option<DocTokens>,
}

/// Reads a shard file's bytes (`dafu build`: from the output folder, checked against what
/// was written); `None` when it cannot.
pub type LoadShard<'a> = &'a (dyn Fn(&str) -> Option<Vec<u8>> + Sync);

/// Shard `s`, read through `load` if it is not in memory.
fn loaded<'d>(
    data: &'d mut [Option<ShardData>],
    s: usize,
    load: LoadShard<'_>,
) -> Option<&'d mut ShardData> {
    let slot = data.get_mut(s)?;
    if slot.is_none() {
        *slot = Some(ShardData::decode(&load(&shard_path(s))?)?);
    }
    slot.as_mut()
}

/// The number of the reply from `source` among `paths` (sorted as [`doc_order`] sorts).
fn number_of<P: AsRef<Path>>(paths: &[P], source: &Path) -> Option<usize> {
    paths
        .binary_search_by(|p| path_key(p.as_ref()).cmp(path_key(source)))
        .ok()
}

impl IndexState {
    /// Brings the index up to date after some replies changed, arrived or went (`changes`,
    /// each file once): `site` is the new model, `order` its [`doc_order`], `text_bytes` the
    /// new size of all texts. Returns the files that changed (the shards changed, `index.bin`,
    /// `meta.json`, the list filters), or `None` when the index must be made afresh: the number
    /// of shards changes, a change does not match the index, or a shard cannot be read.
    ///
    /// An edit changes the shards its changed tokens fall in. A file added or removed
    /// renumbers the files after it: every shard is then read and those renumbered written.
    pub fn patch(
        &mut self,
        site: &Site,
        order: &[usize],
        changes: &[DocChange<'_>],
        text_bytes: usize,
        load: LoadShard<'_>,
    ) -> Option<Vec<File>> {
        if shards_for(text_bytes, self.per_shard) != self.shards {
            return None;
        }
        let shards = self.shards as usize;
        self.shard_data.resize(shards, None);
        let new_paths: Vec<&Path> = order
            .iter()
            .map(|&i| site.entries[i].reply.source.as_path())
            .collect();
        let old_paths: Vec<&Path> = self.docs.iter().map(|d| d.path.as_path()).collect();
        let mut numbered = Vec::with_capacity(changes.len());
        for c in changes {
            let before = number_of(&old_paths, c.source);
            let after = number_of(&new_paths, c.source);
            if before.is_some() != c.old.is_some() || after.is_some() != c.new.is_some() {
                return None;
            }
            numbered.push((c, before, after));
        }
        let renumbered = old_paths != new_paths;
        let mut dirty = vec![false; shards];
        let data = &mut self.shard_data;
        // Sets (or with `None` takes out) reply `doc`'s posting of `key`.
        let set = |data: &mut [Option<ShardData>],
                   dirty: &mut [bool],
                   docs: [&DocTokens; 2],
                   key: u64,
                   doc: usize,
                   code: Option<u32>| {
            let token = token_of(key, &docs);
            let s = shard_of(&token, shards as u32) as usize;
            dirty[s] = true;
            loaded(data, s, load).map(|d| d.set(key, &token, doc as u32, code))
        };
        let empty = DocTokens::default();
        // Shards made in the renumbering pass (the others are encoded from `data` below).
        let mut streamed: Vec<File> = Vec::new();
        if !renumbered {
            // Same numbers: only the tokens that differ.
            for (c, before, after) in &numbered {
                let (Some(d), Some(_)) = (before, after) else {
                    return None;
                };
                let both = [
                    c.old.as_ref().unwrap_or(&empty),
                    c.new.as_ref().unwrap_or(&empty),
                ];
                let (a, b) = (&both[0].postings, &both[1].postings);
                let (mut x, mut y) = (0, 0);
                while x < a.len() || y < b.len() {
                    match (a.get(x), b.get(y)) {
                        (Some(pa), Some(pb)) if pa.0 == pb.0 => {
                            if pa.1 != pb.1 {
                                set(data, &mut dirty, both, pb.0, *d, Some(pb.1))?;
                            }
                            x += 1;
                            y += 1;
                        }
                        (Some(pa), pb) if pb.is_none_or(|pb| pa.0 < pb.0) => {
                            set(data, &mut dirty, both, pa.0, *d, None)?;
                            x += 1;
                        }
                        (_, Some(pb)) => {
                            set(data, &mut dirty, both, pb.0, *d, Some(pb.1))?;
                            y += 1;
                        }
                        _ => break,
                    }
                }
            }
        } else {
            // Every shard, one at a time (each read back, changed, encoded and dropped, so
            // that the whole index is never held decoded): the old postings out, the others
            // renumbered, the new ones in.
            type Removal = (u64, String, u32);
            type Insertion = (u64, String, u32, u32);
            let mut removals: Vec<Vec<Removal>> = vec![Vec::new(); shards];
            let mut insertions: Vec<Vec<Insertion>> = vec![Vec::new(); shards];
            for (c, before, after) in &numbered {
                if let (Some(b), Some(old)) = (before, &c.old) {
                    for &(key, _) in &old.postings {
                        let token = token_of(key, &[old, &empty]);
                        let s = shard_of(&token, shards as u32) as usize;
                        removals[s].push((key, token, *b as u32));
                    }
                }
                if let (Some(a), Some(new)) = (after, &c.new) {
                    for &(key, code) in &new.postings {
                        let token = token_of(key, &[&empty, new]);
                        let s = shard_of(&token, shards as u32) as usize;
                        insertions[s].push((key, token, *a as u32, code));
                    }
                }
            }
            let to: Vec<u32> = old_paths
                .iter()
                .map(|p| number_of(&new_paths, p).map_or(u32::MAX, |d| d as u32))
                .collect();
            let held: Vec<Option<ShardData>> = data.iter_mut().map(Option::take).collect();
            let rewritten: Vec<Option<Option<File>>> = held
                .into_par_iter()
                .enumerate()
                .map(|(s, shard)| {
                    let mut shard = match shard {
                        Some(d) => d,
                        None => ShardData::decode(&load(&shard_path(s))?)?,
                    };
                    let mut changed = !removals[s].is_empty() || !insertions[s].is_empty();
                    for (key, token, doc) in &removals[s] {
                        shard.set(*key, token, *doc, None);
                    }
                    for packed in &mut shard.lists {
                        if let Some(moved) = packed.renumbered(&to)? {
                            *packed = moved;
                            changed = true;
                        }
                    }
                    for (key, token, doc, code) in &insertions[s] {
                        shard.set(*key, token, *doc, Some(*code));
                    }
                    Some(changed.then(|| (shard_path(s), shard.encode())))
                })
                .collect();
            for file in rewritten {
                streamed.extend(file?);
            }
        }
        // Each reply under its new number, with what was known of it (a new one knows
        // nothing yet: its length is set below, its card's fingerprint by the caller).
        let mut docs: Vec<IndexedDoc> = if renumbered {
            new_paths
                .iter()
                .map(|p| match number_of(&old_paths, p) {
                    Some(b) => self.docs[b].clone(),
                    None => IndexedDoc {
                        path: p.to_path_buf(),
                        length: 0,
                        card: 0,
                    },
                })
                .collect()
        } else {
            drop(old_paths);
            std::mem::take(&mut self.docs)
        };
        for (c, _, after) in &numbered {
            if let (Some(a), Some(new)) = (after, &c.new) {
                docs[*a].length = new.length;
            }
        }
        self.docs = docs;
        self.text_bytes = text_bytes;
        let data = &self.shard_data;
        let mut files: Vec<File> = dirty
            .par_iter()
            .enumerate()
            .filter(|(_, d)| **d)
            .filter_map(|(s, _)| Some((shard_path(s), data[s].as_ref()?.encode())))
            .collect();
        files.extend(streamed);
        let lengths: Vec<u32> = self.docs.iter().map(|d| d.length).collect();
        files.extend(index_and_meta(site, order, &lengths, self.shards));
        Some(files)
    }

    /// The fingerprint of what each reply's result card shows, by number.
    pub fn cards(&self) -> Vec<u64> {
        self.docs.iter().map(|d| d.card).collect()
    }

    /// Sets them (`cards[number]`), as the cards were made.
    pub fn set_cards(&mut self, cards: &[u64]) {
        for (d, &card) in self.docs.iter_mut().zip(cards) {
            d.card = card;
        }
    }

    /// How many shards the index has.
    pub fn shards(&self) -> usize {
        self.shards as usize
    }

    /// Forgets the postings held in memory (they are in the shard files).
    pub fn drop_postings(&mut self) {
        self.shard_data.clear();
    }
}

/// One shard's format: `varint count`, then per token `varint len, utf-8, varint df,
/// varint nbytes, postings`, postings being `varint doc-delta, varint (tf << 3 | fields)`.
/// A decoded shard: token → [(reply, tf, field bits)].
pub type ShardPostings = HashMap<String, Vec<(u32, u32, u32)>>;

/// Reads a shard back (for tests): token → [(doc, tf, fields)].
pub fn decode_shard(bytes: &[u8]) -> Option<ShardPostings> {
    let mut pos = 0;
    let count = varint(bytes, &mut pos)?;
    let mut map = HashMap::new();
    for _ in 0..count {
        let len = varint(bytes, &mut pos)? as usize;
        let token = std::str::from_utf8(bytes.get(pos..pos + len)?)
            .ok()?
            .to_string();
        pos += len;
        let df = varint(bytes, &mut pos)?;
        let nbytes = varint(bytes, &mut pos)? as usize;
        let end = pos + nbytes;
        let mut doc = 0u32;
        let mut list = Vec::with_capacity(df as usize);
        while pos < end {
            doc += varint(bytes, &mut pos)? as u32;
            let code = varint(bytes, &mut pos)? as u32;
            list.push((doc, code >> FIELD_BITS, code & ((1 << FIELD_BITS) - 1)));
        }
        if list.len() as u64 != df {
            return None;
        }
        map.insert(token, list);
    }
    Some(map)
}

/// A varint at `pos`, which moves past it.
fn varint(b: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let byte = *b.get(*pos)?;
        *pos += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Some(v);
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

/// `index.bin` read back (for tests and tools).
#[derive(Debug)]
pub struct IndexFile {
    /// The meta JSON (as in `meta.json`).
    pub meta: serde_json::Value,
    /// Traditional → simplified pairs.
    pub fold: Vec<(char, char)>,
    pub docs: Vec<DocRecord>,
}

/// What `index.bin` holds of one reply.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DocRecord {
    pub date: NaiveDate,
    /// Number in the meta's `departments`.
    pub department: usize,
    /// Length in tokens.
    pub length: u32,
    /// Numbers in the meta's `kinds`, `categories` and `satisfaction` (`None`: not given).
    pub kind: usize,
    pub category: Option<usize>,
    pub satisfaction: Option<usize>,
}

/// Reads an inflated `index.bin`.
pub fn decode_index(b: &[u8]) -> Option<IndexFile> {
    let mut pos = 0;
    let len = varint(b, &mut pos)? as usize;
    let meta: serde_json::Value = serde_json::from_slice(b.get(pos..pos + len)?).ok()?;
    pos += len;
    let fold_len = varint(b, &mut pos)? as usize;
    let fold_end = pos + fold_len;
    let pairs = varint(b, &mut pos)?;
    let mut fold = Vec::new();
    let mut from = 0u64;
    for _ in 0..pairs {
        from += varint(b, &mut pos)?;
        let delta = unzigzag(varint(b, &mut pos)?);
        let to = u32::try_from(from as i64 + delta).ok()?;
        fold.push((char::from_u32(from as u32)?, char::from_u32(to)?));
    }
    if pos != fold_end {
        return None;
    }
    let n = meta["docs"].as_u64()? as usize;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    let mut dates = Vec::with_capacity(n);
    let mut day = 0i64;
    for _ in 0..n {
        day += unzigzag(varint(b, &mut pos)?);
        dates.push(epoch + chrono::Duration::days(day));
    }
    let mut column = || -> Option<Vec<u64>> { (0..n).map(|_| varint(b, &mut pos)).collect() };
    let (depts, lengths) = (column()?, column()?);
    let bytes = |k: usize| b.get(pos + k * n..pos + (k + 1) * n);
    let (kinds, cats, sats) = (bytes(0)?, bytes(1)?, bytes(2)?);
    if pos + 3 * n != b.len() {
        return None;
    }
    let some = |v: u8| (v != NONE_U8).then_some(usize::from(v));
    Some(IndexFile {
        meta,
        fold,
        docs: (0..n)
            .map(|i| DocRecord {
                date: dates[i],
                department: depts[i] as usize,
                length: lengths[i] as u32,
                kind: usize::from(kinds[i]),
                category: some(cats[i]),
                satisfaction: some(sats[i]),
            })
            .collect(),
    })
}

/// Inflates a `.bin` file.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::build_site;
    use crate::reply::Reply;
    use std::path::PathBuf;

    const HAN: &str = "燃气管网改造老旧小区供热教育学位交通道路停车医疗养老托育就业农业乡村振兴环境保护文化旅游安全生产";

    use crate::testing::Rng;

    fn reply(rng: &mut Rng, file: usize) -> Reply {
        let date = chrono::NaiveDate::from_ymd_opt(
            2022 + rng.below(3) as i32,
            1 + rng.below(12) as u32,
            1,
        )
        .unwrap_or_default();
        // Drawn in this order: the tests' data depend on it.
        let title = format!("关于{}的提案", &HAN[rng.below(20) * 3..][..6]);
        let department = ["甲局", "乙局"][rng.below(2)];
        let doc_number = Some(format!("某政〔2023〕{}号", rng.below(50)));
        Reply {
            title,
            doc_number,
            ..crate::testing::reply(&format!("f{file}.md"), &file.to_string(), department, date)
        }
    }

    /// 900 bytes of Chinese from a few characters, so that a reply's tokens fall in some of
    /// the shards only (and 30 to 60 replies make 64 shards of 1 KB).
    fn text(rng: &mut Rng) -> String {
        let all: Vec<char> = HAN.chars().collect();
        let few: Vec<char> = (0..4).map(|_| all[rng.below(all.len())]).collect();
        (0..300).map(|_| few[rng.below(few.len())]).collect()
    }

    fn kept(site: &Site, texts: &[&str]) -> (Vec<(String, Vec<u8>)>, IndexState) {
        let texts: Vec<PlainText> = texts.iter().map(|t| PlainText::new(t)).collect();
        build(site, &Texts::Held(&texts), true, 1024, None)
    }

    fn config() -> crate::config::SiteConfig {
        crate::config::parse(
            "title = \"t\"\nbase_url = \"https://e.gov.cn/\"\n[organisation]\nname = \"n\"\ncode = \"ORG\"\n",
            None,
        )
        .unwrap()
    }

    /// `index.bin` holds every reply's date, department, kind and length by number, and
    /// the whole folding table; a card holds the reply's display fields and text, and no field
    /// can break its separators.
    #[test]
    fn index_file_and_cards_read_back() {
        let mut rng = Rng(7);
        let mut replies: Vec<Reply> = (0..70).map(|f| reply(&mut rng, f)).collect();
        replies[3].title = "关于\u{1f}分隔\u{1e}符的提案".into();
        replies[5].category = Some("B".into());
        let site = build_site(config(), replies).unwrap();
        let t: Vec<String> = (0..site.entries.len()).map(|_| text(&mut rng)).collect();
        let refs: Vec<&str> = t.iter().map(|s| s.as_str()).collect();
        let (files, state) = kept(&site, &refs);
        let files: HashMap<String, Vec<u8>> = files.into_iter().collect();
        let index = decode_index(&gunzip(&files[INDEX_PATH]).unwrap()).unwrap();
        assert_eq!(index.docs.len(), site.entries.len());
        let meta: serde_json::Value = serde_json::from_slice(&files["search/meta.json"]).unwrap();
        assert_eq!(index.meta, meta);
        let fold: Vec<char> = tokenize::fold_table().chars().collect();
        assert_eq!(index.fold.len() * 2, fold.len());
        let order = doc_order(&site);
        for (doc, d) in index.docs.iter().enumerate() {
            let i = order[doc];
            let e = &site.entries[i];
            assert_eq!(d.date, e.reply.date);
            assert_eq!(
                meta["departments"][d.department]["label"],
                e.reply.department
            );
            assert_eq!(meta["kinds"][d.kind]["key"], e.reply.kind.key());
            assert_eq!(d.length, state.docs[doc].length);
            assert_eq!(d.category.is_some(), e.reply.category.is_some());
            let card = &files[&card_path(doc)];
            let units: Vec<u16> = card[2..]
                .chunks(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            let card = String::from_utf16(&units).unwrap();
            let (row, body) = card.split_once('\u{1e}').unwrap();
            let row: Vec<&str> = row.split('\u{1f}').collect();
            assert_eq!(row.len(), 9);
            assert_eq!(row[1], e.url);
            assert_eq!(body, refs[i]);
            if e.reply.title.contains('\u{1f}') {
                assert_eq!(row[0], "关于 分隔 符的提案");
            } else {
                assert_eq!(row[0], e.reply.title);
            }
        }
    }

    /// Re-dating a reply moves it in the site's order but not in the index's numbering: no
    /// shard is encoded again (the date is not indexed), and the other replies keep their
    /// numbers, so their cards stay as they are.
    #[test]
    fn a_date_edit_renumbers_nothing() {
        let mut rng = Rng(11);
        let replies: Vec<Reply> = (0..45).map(|f| reply(&mut rng, f)).collect();
        let mut texts: HashMap<PathBuf, String> = HashMap::new();
        for r in &replies {
            texts.insert(r.source.clone(), text(&mut rng));
        }
        let mut site = build_site(config(), replies).unwrap();
        let plain = |site: &Site| -> Vec<String> {
            site.entries
                .iter()
                .map(|e| texts[&e.reply.source].clone())
                .collect()
        };
        let t = plain(&site);
        let refs: Vec<&str> = t.iter().map(|s| s.as_str()).collect();
        let (_, mut state) = kept(&site, &refs);
        let before = doc_order(&site);
        let paths_before: Vec<PathBuf> = before
            .iter()
            .map(|&i| site.entries[i].reply.source.clone())
            .collect();
        // The newest reply becomes the oldest.
        let source = site.entries[0].reply.source.clone();
        let old = doc_tokens(&site.entries[0].reply, &PlainText::new(&texts[&source]));
        let mut moved = (*site.entries[0].reply).clone();
        moved.date = chrono::NaiveDate::from_ymd_opt(2001, 1, 1).unwrap();
        moved.published = moved.date;
        let m = site
            .replace(&source, Some(std::sync::Arc::new(moved)))
            .unwrap();
        assert_eq!(
            (m.removed, m.inserted),
            (Some(0), Some(44)),
            "it moved across the site"
        );
        let order = doc_order(&site);
        let paths_after: Vec<PathBuf> = order
            .iter()
            .map(|&i| site.entries[i].reply.source.clone())
            .collect();
        assert_eq!(paths_before, paths_after, "every reply keeps its number");
        let new = doc_tokens(&site.entries[44].reply, &PlainText::new(&texts[&source]));
        let t = plain(&site);
        let bytes = t.iter().map(|t| t.len()).sum();
        let change = DocChange {
            source: &source,
            old: Some(old),
            new: Some(new),
        };
        let files = state
            .patch(&site, &order, &[change], bytes, &|_| None)
            .expect("patched");
        assert!(
            files.iter().all(|(p, _)| !p.starts_with("search/s/")),
            "{:?}",
            files.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        let refs: Vec<&str> = t.iter().map(|s| s.as_str()).collect();
        assert_eq!(state, kept(&site, &refs).1);
    }

    /// Patching the kept index after some replies change, move, arrive or go gives the index
    /// a fresh build gives: the same state, and every changed file among those returned;
    /// whether the shards are held in memory or read back from their files.
    #[test]
    fn patching_the_index_equals_building_it_afresh() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut texts: HashMap<PathBuf, String> = HashMap::new();
        let mut replies = Vec::new();
        for f in 0..45 {
            let r = reply(&mut rng, f);
            texts.insert(r.source.clone(), text(&mut rng));
            replies.push(r);
        }
        let mut site = build_site(config(), replies).unwrap();
        let texts_of = |site: &Site, texts: &HashMap<PathBuf, String>| -> Vec<String> {
            site.entries
                .iter()
                .map(|e| texts[&e.reply.source].clone())
                .collect()
        };
        let t = texts_of(&site, &texts);
        let refs: Vec<&str> = t.iter().map(|s| s.as_str()).collect();
        let (files, mut state) = kept(&site, &refs);
        let plain = refs.iter().map(|t| PlainText::new(t)).collect::<Vec<_>>();
        let (plain_files, plain_state) = build(&site, &Texts::Held(&plain), false, 1024, None);
        assert_eq!(files, plain_files, "kept and plain builds agree");
        assert!(plain_state.shard_data.iter().all(Option::is_none));
        assert_eq!(state.shards, 64);
        let mut served: HashMap<String, Vec<u8>> = files.into_iter().collect();
        let (mut in_place, mut renumbered, mut patched, mut from_files) = (0, 0, 0, 0);
        for step in 0..150 {
            // One to three files change.
            let mut changes = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let file = rng.below(60);
                let source = PathBuf::from(format!("content/f{file}.md"));
                if changes.iter().any(|(s, _): &(PathBuf, _)| *s == source) {
                    continue;
                }
                let at = site.entries.iter().position(|e| e.reply.source == source);
                let old = at
                    .map(|i| doc_tokens(&site.entries[i].reply, &PlainText::new(&texts[&source])));
                match (rng.below(3), at) {
                    // The text alone changes.
                    (0, Some(_)) => {
                        texts.insert(source.clone(), text(&mut rng));
                        in_place += 1;
                    }
                    // Gone.
                    (1, Some(_)) => {
                        site.replace(&source, None).unwrap();
                    }
                    // New metadata and text (or a new file).
                    _ => {
                        texts.insert(source.clone(), text(&mut rng));
                        let r = std::sync::Arc::new(reply(&mut rng, file));
                        site.replace(&source, Some(r)).unwrap();
                    }
                }
                changes.push((source, old));
            }
            let docs: Vec<DocChange<'_>> = changes
                .iter()
                .map(|(source, old)| DocChange {
                    source,
                    old: old.clone(),
                    new: site
                        .entries
                        .iter()
                        .find(|e| e.reply.source == *source)
                        .map(|e| doc_tokens(&e.reply, &PlainText::new(&texts[source]))),
                })
                .collect();
            let t = texts_of(&site, &texts);
            let refs: Vec<&str> = t.iter().map(|s| s.as_str()).collect();
            let text_bytes = refs.iter().map(|t| t.len()).sum();
            let (fresh_files, fresh) = kept(&site, &refs);
            // Every other step, the shards are not in memory: read back from the files.
            let on_disk = step % 2 == 1;
            if on_disk {
                state.drop_postings();
            }
            let files_now = served.clone();
            let load = |path: &str| files_now.get(path).cloned();
            let order = doc_order(&site);
            let numbers_moved = state.docs.len() != order.len()
                || state
                    .docs
                    .iter()
                    .zip(&order)
                    .any(|(d, &i)| d.path != site.entries[i].reply.source);
            match state.patch(&site, &order, &docs, text_bytes, &load) {
                Some(changed) => {
                    patched += 1;
                    renumbered += usize::from(numbers_moved);
                    from_files += usize::from(on_disk);
                    // The shards read back are the fresh build's; the others stay on disk.
                    let loaded = state.shard_data.iter().flatten().count();
                    if on_disk && !numbers_moved {
                        assert!(
                            loaded < state.shards(),
                            "step {step}: read only what changed"
                        );
                    }
                    let mut expected = fresh.clone();
                    for (s, d) in expected.shard_data.iter_mut().enumerate() {
                        if state.shard_data[s].is_none() {
                            *d = None;
                        }
                    }
                    assert_eq!(state, expected, "step {step}");
                    served.extend(changed);
                    for (path, bytes) in &fresh_files {
                        if path.starts_with("search/s/") || !path.contains("/r/") {
                            assert_eq!(served.get(path), Some(bytes), "step {step}: {path}");
                        }
                    }
                }
                None => {
                    assert_ne!(shards_for(text_bytes, 1024), state.shards, "step {step}");
                    state = fresh;
                }
            }
            served.extend(fresh_files);
        }
        assert!(
            in_place > 40 && renumbered > 20 && patched > 100 && from_files > 40,
            "{in_place} in place, {renumbered} renumbered, {patched} patched, {from_files} from files"
        );
    }

    /// A shard file reads back as the shard it was made from; anything else reads as nothing.
    #[test]
    fn a_shard_reads_back_from_its_file() {
        let mut rng = Rng(5);
        let replies: Vec<Reply> = (0..40).map(|f| reply(&mut rng, f)).collect();
        let site = build_site(config(), replies).unwrap();
        let t: Vec<String> = (0..site.entries.len()).map(|_| text(&mut rng)).collect();
        let refs: Vec<&str> = t.iter().map(|s| s.as_str()).collect();
        let (files, state) = kept(&site, &refs);
        let files: HashMap<String, Vec<u8>> = files.into_iter().collect();
        for s in 0..state.shards() {
            let read = ShardData::decode(&files[&shard_path(s)]);
            assert_eq!(read.as_ref(), state.shard_data[s].as_ref(), "shard {s}");
        }
        assert_eq!(ShardData::decode(b"not a shard"), None);
        let mut raw = Vec::new();
        put_varint(&mut raw, 2);
        for token in ["乙丙", "甲乙"] {
            put_varint(&mut raw, token.len() as u64);
            raw.extend_from_slice(token.as_bytes());
            put_varint(&mut raw, 1);
            put_varint(&mut raw, 2);
            raw.extend_from_slice(&[0, 8]);
        }
        // Keys out of order: not a shard dafu wrote.
        let keys = [key_of_token("乙丙"), key_of_token("甲乙")];
        assert_eq!(ShardData::decode(&gzip(&raw)).is_some(), keys[0] < keys[1]);
    }

    #[test]
    fn renumbering_postings_in_place_equals_decoding_and_encoding_them() {
        let mut rng = crate::testing::Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..200 {
            let n = 1 + rng.below(300) as u32;
            // Some files removed (no number), some added (numbers skipped), order kept.
            let mut to = Vec::new();
            let mut next = 0u32;
            for _ in 0..n {
                next += rng.below(3) as u32;
                if rng.below(5) == 0 {
                    to.push(u32::MAX);
                } else {
                    to.push(next);
                    next += 1;
                }
            }
            let mut list = Vec::new();
            for d in 0..n {
                if to[d as usize] != u32::MAX && rng.below(3) == 0 {
                    list.push((d, rng.below(1 << 12) as u32));
                }
            }
            let packed = Packed::new(&list);
            let want: Vec<(u32, u32)> = list.iter().map(|&(d, c)| (to[d as usize], c)).collect();
            match packed.renumbered(&to).unwrap() {
                Some(moved) => {
                    assert_ne!(want, list);
                    assert_eq!(moved, Packed::new(&want));
                }
                None => assert_eq!(want, list),
            }
        }
        // A reply with no new number: the caller makes the index afresh.
        assert!(
            Packed::new(&[(0, 1), (1, 1)])
                .renumbered(&[0, u32::MAX])
                .is_none()
        );
        // Garbled bytes (numbers past u32, cut short): no panic, no postings.
        let mut huge = Vec::new();
        for _ in 0..2 {
            put_varint(&mut huge, u64::from(u32::MAX));
            put_varint(&mut huge, 1);
        }
        let garbled = Packed {
            df: 2,
            bytes: huge.into(),
        };
        assert!(garbled.renumbered(&[0; 4]).is_none());
        let _ = garbled.decode();
        let cut = Packed {
            df: 1,
            bytes: vec![0x80].into(),
        };
        assert!(cut.renumbered(&[0]).is_none());
    }
}
