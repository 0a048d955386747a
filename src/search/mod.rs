//! Search, beside the pipeline: `dafu build` writes a static full-text index under
//! `search/` that the theme's `search.js` queries in the browser. No server, no service.
//!
//! Layout (every `.bin` file is gzip-compressed; the page inflates it with the browser's
//! `DecompressionStream`, and a `.bin` name keeps servers from second-guessing the encoding):
//!
//! - `search/meta.json`: counts, shard count, average document length, facet labels.
//! - `search/docs.bin`: 10 bytes per reply for ranking and filters (date, year, kind,
//!   category, department, length), so filter counts need no other download.
//! - `search/s/<n>.bin`: postings shards. A token lives in shard `fnv1a32(token) % shards`,
//!   so a query fetches one shard per distinct token, and nothing else of the index.
//! - `search/d/<k>.bin`: what a result shows (title, URL, number, …), 64 replies per chunk,
//!   in site order (newest first), so one page of a filter-only list is usually one chunk.
//! - `search/t/<id>.txt`: one reply's plain text in UTF-16LE with a BOM (a third smaller
//!   than UTF-8 for Chinese; not compressed, as compressing 10,000 texts would cost more
//!   build time than the index itself), fetched only for the excerpts on screen.

pub mod tokenize;

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::io::Write;

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;

use crate::model::{Dim, Site};
use tokenize::{Token, shard_of, tokens};

/// Field bits stored with each posting.
pub const FIELD_TITLE: u32 = 1;
/// Proposal number or 文号.
pub const FIELD_NUMBER: u32 = 2;
/// Representatives, department, session, signer, tags.
pub const FIELD_NAMES: u32 = 4;
const FIELD_BITS: u32 = 3;

/// Replies per display chunk (`search/d/<k>.bin`).
pub const DOC_CHUNK: usize = 64;
/// Bytes per reply in `docs.bin`.
pub const DOC_RECORD: usize = 10;
/// Format version; `search.js` refuses an index it does not understand.
pub const VERSION: u32 = 1;
/// "No category" in `docs.bin`.
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
    chunk: usize,
    avgdl: f64,
    years: Vec<String>,
    kinds: Vec<Facet>,
    categories: Vec<Facet>,
    departments: Vec<Facet>,
}

/// Number of shards for a corpus: about one per 48 KB of text, a power of two, so that a
/// shard stays a few kilobytes compressed at any size.
pub fn shard_count(text_bytes: usize) -> u32 {
    let want = (text_bytes / (48 * 1024)).clamp(1, 4096) as u32;
    want.next_power_of_two()
}

fn bigram_key(a: char, b: char) -> u64 {
    (u64::from(a as u32) << 21) | u64::from(b as u32)
}

/// Words get keys in the upper half so they never meet a bigram key.
fn word_key(w: &str) -> u64 {
    (1 << 63) | (crate::slug::fnv1a(w.as_bytes()) >> 1)
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
fn doc_fields<'a>(site: &'a Site, i: usize, names: &'a mut String) -> [(&'a str, u32); 4] {
    let r = &site.entries[i].reply;
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

/// The postings of a contiguous run of replies (one per worker): a local dictionary, each
/// reply's (local token id, code) list, and per-token counts. Working on runs keeps every
/// token's postings in reply order without sorting.
struct Part {
    first_doc: u32,
    keys: Vec<u64>,
    words: FxHashMap<u64, String>,
    /// Per reply, in order: its postings as (local id, tf << 3 | fields).
    docs: Vec<Vec<(u32, u32)>>,
    lengths: Vec<u32>,
    counts: Vec<u32>,
}

fn index_part(site: &Site, texts: &[&str], range: std::ops::Range<usize>) -> Part {
    let mut dict: FxHashMap<u64, u32> = FxHashMap::default();
    let mut part = Part {
        first_doc: range.start as u32,
        keys: Vec::new(),
        words: FxHashMap::default(),
        docs: Vec::with_capacity(range.len()),
        lengths: Vec::with_capacity(range.len()),
        counts: Vec::new(),
    };
    let mut doc_map: FxHashMap<u64, u32> = FxHashMap::default();
    let mut names = String::new();
    for i in range {
        doc_map.clear();
        let mut length = 0u32;
        let text = texts.get(i).copied().unwrap_or("");
        let fields = doc_fields(site, i, &mut names);
        for (field_text, bits) in fields.iter().copied().chain(std::iter::once((text, 0))) {
            tokens(field_text, |t| {
                let key = match t {
                    Token::Bigram(a, b) => bigram_key(a, b),
                    Token::Word(w) => {
                        let k = word_key(w);
                        part.words.entry(k).or_insert_with(|| w.to_string());
                        k
                    }
                };
                // tf in the upper bits, field bits below: one add and one or per token.
                let code = doc_map.entry(key).or_insert(0);
                *code = (*code + (1 << FIELD_BITS)) | bits;
                length += 1;
            });
        }
        let mut postings = Vec::with_capacity(doc_map.len());
        for (&key, &code) in &doc_map {
            let next = part.keys.len() as u32;
            let id = *dict.entry(key).or_insert(next);
            if id == next {
                part.keys.push(key);
                part.counts.push(0);
            }
            part.counts[id as usize] += 1;
            postings.push((id, code));
        }
        part.docs.push(postings);
        part.lengths.push(length);
    }
    part
}

pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// gzip with libdeflate at its fastest level: the index is rebuilt on every build, and
/// libdeflate compresses small buffers several times faster than a streaming deflater.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut c =
        libdeflater::Compressor::new(libdeflater::CompressionLvl::new(1).unwrap_or_default());
    let mut out = vec![0u8; c.gzip_compress_bound(bytes.len())];
    match c.gzip_compress(bytes, &mut out) {
        Ok(n) => {
            out.truncate(n);
            out
        }
        // The bound is always enough; should it not be, the bytes stay correct if larger.
        Err(_) => {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            let _ = enc.write_all(bytes);
            enc.finish().unwrap_or_default()
        }
    }
}

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

/// Every file of the search index: (site-relative path, bytes).
pub fn build_index(site: &Site, texts: &[&str]) -> Vec<(String, Vec<u8>)> {
    let n = site.entries.len();
    let text_bytes: usize = texts.iter().map(|t| t.len()).sum();
    let shards = shard_count(text_bytes);

    // 1. Each worker indexes a contiguous run of replies with its own dictionary.
    let parts_wanted = (rayon::current_num_threads() * 2).clamp(1, n.max(1));
    let per_part = n.div_ceil(parts_wanted).max(1);
    let parts: Vec<Part> = (0..n.div_ceil(per_part))
        .into_par_iter()
        .map(|p| index_part(site, texts, p * per_part..((p + 1) * per_part).min(n)))
        .collect();

    // 2. One global dictionary, ordered by (shard, key): each shard is a contiguous id range.
    let mut words: HashMap<u64, String> = HashMap::new();
    let mut all_keys: Vec<u64> = Vec::new();
    {
        let mut seen: FxHashMap<u64, ()> = FxHashMap::default();
        for part in &parts {
            for (k, w) in &part.words {
                words.entry(*k).or_insert_with(|| w.clone());
            }
            for &k in &part.keys {
                if seen.insert(k, ()).is_none() {
                    all_keys.push(k);
                }
            }
        }
    }
    let mut keyed: Vec<(u32, u64, String)> = all_keys
        .par_iter()
        .map(|&k| {
            let token = key_string(k, &words);
            (shard_of(&token, shards), k, token)
        })
        .collect();
    keyed.par_sort_unstable_by_key(|(shard, key, _)| (*shard, *key));
    let global_id: FxHashMap<u64, u32> = keyed
        .iter()
        .enumerate()
        .map(|(g, (_, k, _))| (*k, g as u32))
        .collect();
    let tokens_total = keyed.len();

    // 3. Per part, its postings laid out by global id (a counting sort), in reply order.
    struct Laid {
        offsets: Vec<u32>,
        counts: Vec<u32>,
        flat: Vec<(u32, u32)>,
    }
    let laid: Vec<Laid> = parts
        .par_iter()
        .map(|part| {
            let to_global: Vec<u32> = part.keys.iter().map(|k| global_id[k]).collect();
            let mut counts = vec![0u32; tokens_total];
            for (local, &g) in to_global.iter().enumerate() {
                counts[g as usize] = part.counts[local];
            }
            let mut offsets = vec![0u32; tokens_total + 1];
            for g in 0..tokens_total {
                offsets[g + 1] = offsets[g] + counts[g];
            }
            let mut cursor = offsets.clone();
            let mut flat = vec![(0u32, 0u32); offsets[tokens_total] as usize];
            for (j, postings) in part.docs.iter().enumerate() {
                let doc = part.first_doc + j as u32;
                for &(local, code) in postings {
                    let g = to_global[local as usize] as usize;
                    flat[cursor[g] as usize] = (doc, code);
                    cursor[g] += 1;
                }
            }
            Laid {
                offsets,
                counts,
                flat,
            }
        })
        .collect();
    let lengths: Vec<u32> = parts
        .iter()
        .flat_map(|p| p.lengths.iter().copied())
        .collect();
    drop(parts);

    // 4. Shards, in parallel: each token's postings are its slices from every part, in order.
    let mut bounds = vec![0usize; shards as usize + 1];
    for (shard, _, _) in &keyed {
        bounds[*shard as usize + 1] += 1;
    }
    for s in 0..shards as usize {
        bounds[s + 1] += bounds[s];
    }
    let mut files: Vec<(String, Vec<u8>)> = (0..shards as usize)
        .into_par_iter()
        .map(|s| {
            let mut out = Vec::new();
            put_varint(&mut out, (bounds[s + 1] - bounds[s]) as u64);
            let mut postings = Vec::new();
            for (g, (_, _, token)) in keyed.iter().enumerate().take(bounds[s + 1]).skip(bounds[s]) {
                postings.clear();
                let mut prev = 0u32;
                let mut df = 0u64;
                for l in &laid {
                    let start = l.offsets[g] as usize;
                    for &(doc, code) in &l.flat[start..start + l.counts[g] as usize] {
                        put_varint(&mut postings, u64::from(doc - prev));
                        put_varint(&mut postings, u64::from(code));
                        prev = doc;
                        df += 1;
                    }
                }
                put_varint(&mut out, token.len() as u64);
                out.extend_from_slice(token.as_bytes());
                put_varint(&mut out, df);
                put_varint(&mut out, postings.len() as u64);
                out.extend_from_slice(&postings);
            }
            (format!("search/s/{s}.bin"), gzip(&out))
        })
        .collect();
    drop(laid);

    // docs.bin and facet tables.
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
    let years: Vec<String> = facet(Dim::Year).into_iter().map(|f| f.label).collect();
    let kinds = facet(Dim::Kind);
    let categories = facet(Dim::Category);
    let departments = facet(Dim::Department);
    let dept_index: HashMap<&str, u16> = departments
        .iter()
        .enumerate()
        .map(|(i, f)| (f.slug.as_str(), i as u16))
        .collect();
    let mut table = Vec::with_capacity(n * DOC_RECORD);
    for (i, e) in site.entries.iter().enumerate() {
        let r = &e.reply;
        let year = r.date.year().to_string();
        let y = years.iter().position(|v| *v == year).unwrap_or(0) as u8;
        let k = kinds
            .iter()
            .position(|f| f.key == r.kind.key())
            .unwrap_or(0) as u8;
        let c = r
            .category
            .as_ref()
            .and_then(|c| {
                let name = format!("{c}类");
                categories.iter().position(|f| f.label == name)
            })
            .map_or(NONE_U8, |p| p as u8);
        let dept = dept_index
            .get(e.department_slug.as_str())
            .copied()
            .unwrap_or(0);
        let len = lengths[i].min(u32::from(u16::MAX)) as u16;
        table.extend_from_slice(&days(r.date).to_le_bytes());
        table.extend_from_slice(&dept.to_le_bytes());
        table.extend_from_slice(&len.to_le_bytes());
        table.extend_from_slice(&[y, k, c, 0]);
    }
    files.push(("search/docs.bin".into(), gzip(&table)));

    // Display chunks and texts.
    let chunks: Vec<(String, Vec<u8>)> = site
        .entries
        .par_chunks(DOC_CHUNK)
        .enumerate()
        .map(|(k, chunk)| {
            let rows: Vec<[&str; 9]> = chunk
                .iter()
                .map(|e| {
                    let r = &e.reply;
                    [
                        r.title.as_str(),
                        e.url.as_str(),
                        r.kind.label(),
                        r.number.as_str(),
                        r.session.as_str(),
                        r.department.as_str(),
                        "",
                        r.doc_number.as_deref().unwrap_or(""),
                        r.category.as_deref().unwrap_or(""),
                    ]
                })
                .collect();
            let dates: Vec<String> = chunk.iter().map(|e| e.reply.date.to_string()).collect();
            let rows: Vec<Vec<&str>> = rows
                .iter()
                .zip(&dates)
                .map(|(row, date)| {
                    let mut v = row.to_vec();
                    v[6] = date.as_str();
                    v
                })
                .collect();
            let json = serde_json::to_vec(&rows).unwrap_or_default();
            (format!("search/d/{k}.bin"), gzip(&json))
        })
        .collect();
    files.extend(chunks);
    let text_files: Vec<(String, Vec<u8>)> = (0..n)
        .into_par_iter()
        .map(|i| {
            (
                format!("search/t/{i}.txt"),
                utf16le(texts.get(i).copied().unwrap_or("")),
            )
        })
        .collect();
    files.extend(text_files);

    let total_len: u64 = lengths.iter().map(|&l| u64::from(l)).sum();
    let meta = Meta {
        version: VERSION,
        docs: n,
        shards,
        chunk: DOC_CHUNK,
        avgdl: if n == 0 {
            0.0
        } else {
            total_len as f64 / n as f64
        },
        years,
        kinds,
        categories,
        departments,
    };
    let mut json = serde_json::to_vec(&meta).unwrap_or_default();
    json.push(b'\n');
    files.push(("search/meta.json".into(), json));
    files
}

/// One shard's format: `varint count`, then per token `varint len, utf-8, varint df,
/// varint nbytes, postings`, postings being `varint doc-delta, varint (tf << 3 | fields)`.
/// A decoded shard: token → [(reply, tf, field bits)].
pub type ShardPostings = HashMap<String, Vec<(u32, u32, u32)>>;

/// Reads a shard back (for tests): token → [(doc, tf, fields)].
pub fn decode_shard(bytes: &[u8]) -> Option<ShardPostings> {
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

/// Inflates a `.bin` file.
pub fn gunzip(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}
