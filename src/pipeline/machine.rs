//! The machine-readable outputs, listed once: feeds, open data (JSON, CSV), the sitemap,
//! robots.txt and the search index. After a fresh site model they are made in full; after one reply changed (a patched model), only
//! the pieces that reply touches are made again:
//!
//! - `data/replies.json` and `data/replies.csv`: one row per reply is kept (by its file), and only the
//!   changed reply's row is made again (the files are the rows joined);
//! - feeds: a feed is made again only when the replies it shows changed (by fingerprint);
//! - search: the shards the reply's tokens fall in (`IndexState::patch`), the result cards
//!   of replies that changed or moved, `index.bin` and `meta.json`.
//!
//! The sitemap (a list of every URL) is cheap and made again every time. A rebuild that
//! changed no reply (a template, a stylesheet) leaves all of them as they are.

use std::path::PathBuf;

use rustc_hash::FxHashMap;
use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::model::{Replaced, Site};
use crate::plaintext::PlainText;
use crate::search::{DocTokens, IndexState};

use crate::hashing::hash_of;
use crate::output::Files;

type Bytes = Arc<[u8]>;

/// What changed since the last update: the move of one reply (from its file `source`), and
/// its postings before.
pub struct Change<'a> {
    pub source: &'a std::path::Path,
    pub moved: Replaced,
    pub old_tokens: Option<&'a DocTokens>,
}

/// The inputs of the machine-readable files.
pub struct Inputs<'a> {
    pub site: &'a Site,
    /// Each entry's plain text, and the fingerprint of what these files show of it.
    pub texts: &'a [PlainText],
    pub entry_fp: &'a [u64],
    /// The sitemap's URLs (`Renderer::sitemap_urls`).
    pub sitemap_urls: &'a [(String, Option<String>)],
    /// The configuration's hash: every file depends on it.
    pub config: u64,
}

#[derive(Default)]
pub struct Machine {
    files: Files,
    config: u64,
    /// Each reply's open-data rows, by its file: patched by id, joined in the site's order.
    rows: FxHashMap<PathBuf, Row>,
    /// Feed path → fingerprint of what it shows.
    feeds: HashMap<String, u64>,
    /// Search result card (by number) → fingerprint of its reply.
    cards: Vec<u64>,
    index: Option<IndexState>,
    /// The replies the files were made from (`Inputs::entry_fp`).
    entry_fp: Vec<u64>,
}

/// Makes every machine-readable file afresh and writes it through `emit` as soon as it is
/// made, keeping none (`dafu build`: memory does not grow with the index's size).
pub fn write_fresh(inputs: &Inputs<'_>, emit: crate::search::Emit<'_>) -> std::io::Result<()> {
    make_all(inputs, emit, false).map(|_| ())
}

/// One reply's row of `replies.json` and of `replies.csv`.
struct Row {
    json: Bytes,
    csv: Bytes,
}

impl Row {
    fn new(site: &Site, base: &str, e: &crate::model::Entry) -> Row {
        Row {
            json: Arc::from(crate::opendata::json_row(site, base, e).unwrap_or_default()),
            csv: Arc::from(crate::opendata::csv_row(site, base, e).unwrap_or_default()),
        }
    }
}

/// What [`Machine`] keeps of a fresh run to patch the files later.
struct Kept {
    rows: FxHashMap<PathBuf, Row>,
    feeds: HashMap<String, u64>,
    index: Option<IndexState>,
}

/// The one list of the machine-readable outputs, each made afresh and handed to `emit` as
/// soon as it is made: open data (JSON, CSV), the sitemap(s), robots.txt, the feeds and the
/// search index. With `keep`, also what [`Machine::patch`] needs.
fn make_all(
    inputs: &Inputs<'_>,
    emit: crate::search::Emit<'_>,
    keep: bool,
) -> std::io::Result<Option<Kept>> {
    let site = inputs.site;
    // Open data: one row per reply, the documents are the rows joined.
    let base = site.config.base_url_slash();
    let mut rows: Vec<Row> = site
        .entries
        .par_iter()
        .map(|e| Row::new(site, &base, e))
        .collect();
    for (path, document) in opendata_documents(site, &rows.iter().collect::<Vec<_>>()) {
        emit(path, &document)?;
    }
    if !keep {
        // Not kept for patching: gone before the search index is made (at 100,000 replies
        // the rows are over 100 MB).
        rows = Vec::new();
    }
    for (path, bytes) in
        crate::opendata::sitemaps(site, inputs.sitemap_urls, crate::opendata::SITEMAP_LIMIT)
    {
        emit(&path, &bytes)?;
    }
    emit("robots.txt", &crate::opendata::robots(site))?;
    let specs = crate::feed::specs(site);
    specs
        .par_iter()
        .try_for_each(|spec| emit(&spec.path, &spec.render(site, inputs.texts)))?;
    let mut index = None;
    if site.config.search.enabled {
        if keep {
            let (files, state) = crate::search::build_index_kept(site, inputs.texts);
            for (path, bytes) in files {
                emit(&path, &bytes)?;
            }
            index = Some(state);
        } else {
            crate::search::write_index(site, inputs.texts, emit)?;
        }
    }
    Ok(keep.then(|| Kept {
        rows: site
            .entries
            .iter()
            .map(|e| e.reply.source.clone())
            .zip(rows)
            .collect(),
        feeds: specs
            .iter()
            .map(|spec| (spec.path.clone(), feed_fp(inputs, spec)))
            .collect(),
        index,
    }))
}

impl Machine {
    /// The files as the last update left them.
    pub fn files(&self) -> &Files {
        &self.files
    }

    /// Brings the files up to date: piece by piece after `change`, else in full.
    pub fn update(&mut self, inputs: &Inputs<'_>, change: Option<Change<'_>>) -> &Files {
        let n = inputs.site.entries.len();
        // A rebuild that changed no reply (a template, a stylesheet): nothing to do.
        if change.is_none()
            && !self.files.is_empty()
            && self.config == inputs.config
            && self.entry_fp == inputs.entry_fp
        {
            return &self.files;
        }
        let patched = match change {
            Some(c)
                if self.config == inputs.config
                    && !self.files.is_empty()
                    && self.rows.len() + usize::from(c.moved.inserted.is_some())
                        == n + usize::from(c.moved.removed.is_some()) =>
            {
                self.patch(inputs, c)
            }
            _ => false,
        };
        if !patched {
            self.fresh(inputs);
        }
        self.entry_fp = inputs.entry_fp.to_vec();
        &self.files
    }

    fn fresh(&mut self, inputs: &Inputs<'_>) {
        let made = std::sync::Mutex::new(Files::new());
        let collect = |path: &str, bytes: &[u8]| {
            made.lock()
                .map_err(|_| std::io::Error::other("lock poisoned"))?
                .insert(Arc::from(path), crate::output::pack(path, bytes));
            Ok(())
        };
        // Collecting in memory cannot fail.
        let kept = make_all(inputs, &collect, true).ok().flatten();
        self.files = made.into_inner().unwrap_or_default();
        if let Some(k) = kept {
            self.rows = k.rows;
            self.feeds = k.feeds;
            self.index = k.index;
        }
        self.cards = card_fps(inputs, &crate::search::doc_order(inputs.site));
        self.config = inputs.config;
    }

    /// The open data documents from the kept rows (false when a reply's row is missing),
    /// the sitemap and robots.txt.
    fn opendata(&mut self, inputs: &Inputs<'_>) -> bool {
        let site = inputs.site;
        let Some(rows) = site
            .entries
            .iter()
            .map(|e| self.rows.get(&e.reply.source))
            .collect::<Option<Vec<&Row>>>()
        else {
            return false;
        };
        let documents = opendata_documents(site, &rows);
        for (path, document) in documents {
            self.put(path, document);
        }
        self.files
            .retain(|path, _| !(path.starts_with("sitemap") && path.ends_with(".xml")));
        for (path, bytes) in
            crate::opendata::sitemaps(site, inputs.sitemap_urls, crate::opendata::SITEMAP_LIMIT)
        {
            self.put(&path, bytes);
        }
        self.put("robots.txt", crate::opendata::robots(site));
        true
    }

    fn put(&mut self, path: &str, bytes: Vec<u8>) {
        self.files
            .insert(Arc::from(path), crate::output::pack(path, &bytes));
    }

    /// Makes again what one reply's change touches; false when the index cannot be patched
    /// (then everything is made afresh).
    fn patch(&mut self, inputs: &Inputs<'_>, change: Change<'_>) -> bool {
        let site = inputs.site;
        let m = change.moved;
        let n = site.entries.len();
        // The search index first: it is the one piece that may refuse.
        if site.config.search.enabled {
            let Some(index) = self.index.as_mut() else {
                return false;
            };
            let new_tokens = m
                .inserted
                .map(|i| crate::search::doc_tokens(site, i, &inputs.texts[i]));
            let text_bytes = inputs.texts.iter().map(PlainText::utf8_len).sum();
            let order = crate::search::doc_order(site);
            let reply = crate::search::ReplyChange {
                source: change.source,
                moved: m,
                old: change.old_tokens,
                new: new_tokens.as_ref(),
            };
            let Some(files) = index.patch(site, &order, reply, text_bytes) else {
                return false;
            };
            // The list filters' files are all made again: those of terms that are gone go.
            let filters: std::collections::HashSet<&str> = files
                .iter()
                .map(|(p, _)| p.as_str())
                .filter(|p| p.starts_with("search/f/"))
                .collect();
            self.files
                .retain(|p, _| !p.starts_with("search/f/") || filters.contains(&**p));
            for (path, bytes) in files {
                self.put(&path, bytes);
            }
            // Cards are numbered as the index numbers replies (by file): those whose reply
            // changed or whose number did are made again, those past the end go.
            let cards = card_fps(inputs, &order);
            let changed: Vec<(String, Vec<u8>)> = (0..n)
                .into_par_iter()
                .filter(|&d| self.cards.get(d) != Some(&cards[d]))
                .map(|d| {
                    let i = order[d];
                    crate::search::card_file(site, i, d, &inputs.texts[i])
                })
                .collect();
            for (path, bytes) in changed {
                self.put(&path, bytes);
            }
            for i in n..self.cards.len() {
                self.files.remove(crate::search::card_path(i).as_str());
            }
            self.cards = cards;
        }

        // Open data rows.
        let base = site.config.base_url_slash();
        if m.removed.is_some() {
            self.rows.remove(change.source);
        }
        if let Some(i) = m.inserted {
            let e = &site.entries[i];
            self.rows
                .insert(e.reply.source.clone(), Row::new(site, &base, e));
        }
        if !self.opendata(inputs) {
            return false;
        }

        // Feeds whose replies changed, and none for a department that is gone.
        let specs = crate::feed::specs(site);
        let mut feeds = HashMap::with_capacity(specs.len());
        let redo: Vec<&crate::feed::Spec> = specs
            .iter()
            .filter(|spec| {
                let fp = feed_fp(inputs, spec);
                feeds.insert(spec.path.clone(), fp);
                self.feeds.get(&spec.path) != Some(&fp)
            })
            .collect();
        let made: Vec<(String, Vec<u8>)> = redo
            .par_iter()
            .map(|spec| (spec.path.clone(), spec.render(site, inputs.texts)))
            .collect();
        for path in self.feeds.keys() {
            if !feeds.contains_key(path) {
                self.files.remove(path.as_str());
            }
        }
        for (path, bytes) in made {
            self.put(&path, bytes);
        }
        self.feeds = feeds;
        true
    }
}

/// `data/replies.json` and `data/replies.csv` from the replies' rows in site order (a
/// document that cannot be made is left out, with a warning).
fn opendata_documents(site: &Site, rows: &[&Row]) -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    let json: Vec<&Bytes> = rows.iter().map(|r| &r.json).collect();
    match crate::opendata::json_document(site, &json) {
        Ok(b) => out.push(("data/replies.json", b)),
        Err(e) => eprintln!("warning: data/replies.json not written: {e}"),
    }
    let csv: Vec<&Bytes> = rows.iter().map(|r| &r.csv).collect();
    match crate::opendata::csv_document(&csv) {
        Ok(b) => out.push(("data/replies.csv", b)),
        Err(e) => eprintln!("warning: data/replies.csv not written: {e}"),
    }
    out
}

/// What a feed shows: its spec and its replies (fingerprints cover their files' text).
fn feed_fp(inputs: &Inputs<'_>, spec: &crate::feed::Spec) -> u64 {
    let replies: Vec<u64> = spec.entries.iter().map(|&i| inputs.entry_fp[i]).collect();
    hash_of(&(inputs.config, spec, replies))
}

/// Each card's fingerprint, by number.
fn card_fps(inputs: &Inputs<'_>, order: &[usize]) -> Vec<u64> {
    order
        .iter()
        .map(|&i| hash_of(&(inputs.config, inputs.entry_fp[i])))
        .collect()
}
