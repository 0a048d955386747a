//! The machine-readable outputs, listed once: open data (JSON, CSV), the sitemap, robots.txt,
//! the feeds and the search index. Each is made afresh ([`make_all`]) and, where it pays,
//! patched ([`Machine::update`]): the replies whose files changed are found by their
//! fingerprints, by source path (the reply's stable id), whoever drives the pipeline.
//!
//! - search: the shards the changed replies' tokens fall in (`IndexState::patch`, which reads
//!   them back from their files: the output folder's for `dafu build`, memory for `dafu
//!   serve`), the result cards of replies that changed (those only renumbered are moved),
//!   `index.bin` and `meta.json`;
//! - feeds: a feed is made again only when the replies it shows changed;
//! - open data: one row per reply, kept by `dafu serve` and read back from the documents by
//!   `dafu build`; only the changed replies' rows are made again;
//! - the sitemap and robots.txt are cheap and made every time.
//!
//! What is kept between runs ([`State`]) is small: the hash of every file made, each reply's
//! fingerprint, the feeds' and cards' fingerprints, and the index's numbering. `dafu build`
//! saves it in the build cache; a file that is not in the output folder as it was made, or a
//! shard that cannot be read back, means the outputs are made afresh.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use super::Target;
use super::sources::Text;
use crate::hashing::hash_of;
use crate::model::Site;
use crate::output::{Blob, DirSink, Files, Packer};
use crate::plaintext::Texts;
use crate::reply::Reply;
use crate::search::{DocChange, IndexState};

type Bytes = Arc<[u8]>;

/// The replies the outputs were last made from and their texts, by source path.
pub type Previous = FxHashMap<PathBuf, (Arc<Reply>, Text)>;

/// The inputs of the machine-readable files.
pub struct Inputs<'a> {
    pub site: &'a Site,
    /// Each entry's plain text, and the fingerprint of what these files show of it.
    pub texts: Texts<'a>,
    pub entry_fp: &'a [u64],
    /// The sitemap's URLs (`Renderer::sitemap_urls`).
    pub sitemap_urls: &'a [(String, Option<String>)],
    /// The configuration's hash: every file depends on it.
    pub config: u64,
    /// The replies of the last run (a changed reply's old postings are made from them).
    pub previous: &'a Previous,
}

/// Where the files go: kept in memory (`dafu serve`) or written into the staging folder.
trait Store: Sync {
    /// Writes a file whose bytes hash to `key`.
    fn put(&self, path: &str, bytes: &[u8], key: u64) -> std::io::Result<()>;
    /// Whether the file made last time from bytes hashing to `key` is still as it was: then
    /// it is kept (and counts as written).
    fn keep(&self, path: &str, key: u64) -> bool;
    /// The bytes of a file made last time (hashing to `key`).
    fn read(&self, path: &str, key: u64) -> Option<Vec<u8>>;
    /// Takes away the files no longer made (a folder's unwritten files go when it is
    /// published).
    fn retain(&self, keep: &(dyn Fn(&str) -> bool + Sync));
    /// Puts files made last time under other names, as they are: `(from, to, key)`, every
    /// one read before any is written. Returns whether each could be.
    fn copy(&self, moves: &[(String, String, u64)]) -> Vec<bool>;
}

/// `dafu serve`'s files, held as its packer holds them.
struct Memory<'a>(Mutex<Files>, &'a Packer);

impl Store for Memory<'_> {
    fn put(&self, path: &str, bytes: &[u8], _: u64) -> std::io::Result<()> {
        let packed = self.1.pack(path, bytes);
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("lock poisoned"))?
            .insert(Arc::from(path), packed);
        Ok(())
    }
    fn keep(&self, path: &str, _: u64) -> bool {
        self.0.lock().is_ok_and(|f| f.contains_key(path))
    }
    fn read(&self, path: &str, _: u64) -> Option<Vec<u8>> {
        let files = self.0.lock().ok()?;
        Some(files.get(path)?.published(path).ok()?.into_owned())
    }
    fn retain(&self, keep: &(dyn Fn(&str) -> bool + Sync)) {
        if let Ok(mut f) = self.0.lock() {
            f.retain(|p, _| keep(p));
        }
    }
    fn copy(&self, moves: &[(String, String, u64)]) -> Vec<bool> {
        let Ok(mut files) = self.0.lock() else {
            return vec![false; moves.len()];
        };
        let found: Vec<Option<Blob>> = moves
            .iter()
            .map(|(from, _, _)| files.get(from.as_str()).cloned())
            .collect();
        moves
            .iter()
            .zip(found)
            .map(|((_, to, _), bytes)| match bytes {
                Some(b) => {
                    files.insert(Arc::from(to.as_str()), b);
                    true
                }
                None => false,
            })
            .collect()
    }
}

impl Store for DirSink {
    fn put(&self, path: &str, bytes: &[u8], key: u64) -> std::io::Result<()> {
        self.write_keyed(path, bytes, key)
    }
    fn keep(&self, path: &str, key: u64) -> bool {
        DirSink::keep(self, path, key) || self.link_from_live(path, key)
    }
    fn read(&self, path: &str, key: u64) -> Option<Vec<u8>> {
        self.read_live(path, key)
    }
    fn retain(&self, _: &(dyn Fn(&str) -> bool + Sync)) {}
    fn copy(&self, moves: &[(String, String, u64)]) -> Vec<bool> {
        moves
            .par_iter()
            .map(|(from, to, key)| {
                self.link_live_as(from, to, *key)
                    || self
                        .read_live(from, *key)
                        .is_some_and(|b| self.write_keyed(to, &b, *key).is_ok())
            })
            .collect()
    }
}

/// What is kept of the last run to patch its files (saved in the build cache).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct State {
    config: u64,
    /// Every file made, and the hash of its bytes.
    keys: HashMap<String, u64>,
    /// Each reply's source path and fingerprint (`Inputs::entry_fp`), in site order (the
    /// order of the open-data rows).
    replies: Vec<(PathBuf, u64)>,
    /// Feed path → fingerprint of what it shows.
    feeds: HashMap<String, u64>,
    /// The search index's numbering, and per reply what a patch needs (its card's
    /// fingerprint among it).
    index: Option<IndexState>,
    /// Fingerprint of what the sitemap(s) and robots.txt show.
    sitemaps: u64,
}

#[derive(Default)]
pub struct Machine {
    state: Option<State>,
    /// `dafu serve`: the files, and each reply's open-data rows by its file.
    files: Files,
    rows: FxHashMap<PathBuf, Row>,
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

/// A reply whose files changed: its source, where it is in the new model (`None`: gone),
/// and whether the last run had it.
struct Changed {
    source: PathBuf,
    entry: Option<usize>,
    was: bool,
}

/// What a fresh run keeps to patch its files later.
struct Made {
    /// The open-data rows in site order (`dafu serve` only).
    rows: Option<Vec<Row>>,
    /// Feed path → fingerprint of what it shows.
    feeds: HashMap<String, u64>,
    index: Option<IndexState>,
}

/// The one list of the machine-readable outputs, each made afresh and handed to `emit` as
/// soon as it is made: open data (JSON, CSV), the sitemap(s), robots.txt, the feeds and the
/// search index. With `keep`, the rows are kept too.
fn make_all(
    inputs: &Inputs<'_>,
    emit: crate::search::Emit<'_>,
    keep: bool,
) -> std::io::Result<Made> {
    let site = inputs.site;
    // The search index is most of the work, and most of it parallel in parts: the other
    // files are made beside it.
    let (others, index) = rayon::join(
        || -> std::io::Result<_> {
            let rows = all_rows(site);
            for (path, document) in opendata_documents(site, &rows.iter().collect::<Vec<_>>()) {
                emit(path, &document)?;
            }
            // Not kept once written (at 100,000 replies the rows are over 100 MB).
            let rows = keep.then_some(rows);
            for (path, bytes) in sitemaps(inputs) {
                emit(&path, &bytes)?;
            }
            let specs = crate::feed::specs(site);
            specs
                .par_iter()
                .try_for_each(|spec| emit(&spec.path, &spec.render(site, &inputs.texts)))?;
            let feeds = specs
                .iter()
                .map(|spec| (spec.path.clone(), feed_fp(inputs, spec)))
                .collect();
            Ok((rows, feeds))
        },
        || {
            site.config
                .search
                .enabled
                .then(|| crate::search::write_index(site, &inputs.texts, emit))
                .transpose()
        },
    );
    let (rows, feeds) = others?;
    Ok(Made {
        rows,
        feeds,
        index: index?,
    })
}

impl Machine {
    /// A machine that knows what an earlier run made (from the build cache).
    pub fn with_state(state: State) -> Machine {
        Machine {
            state: Some(state),
            ..Machine::default()
        }
    }

    /// What is kept of the last run.
    pub fn state(&self) -> Option<&State> {
        self.state.as_ref()
    }

    /// The files as the last update left them (`dafu serve`).
    pub fn files(&self) -> &Files {
        &self.files
    }

    /// The same, to move their spilled bytes (see `Packer::compact`).
    pub fn files_mut(&mut self) -> &mut Files {
        &mut self.files
    }

    /// Brings the files up to date, into memory (held as `packer` holds them) or into an
    /// output folder: patched when few replies changed since the last run, else made afresh.
    /// Returns whether they were patched.
    pub fn update(
        &mut self,
        inputs: &Inputs<'_>,
        target: &Target<'_>,
        packer: &Packer,
    ) -> std::io::Result<bool> {
        let dir = match target {
            Target::Dir(sink) => Some(*sink),
            Target::Memory => None,
        };
        let memory = Memory(Mutex::new(std::mem::take(&mut self.files)), packer);
        let store: &dyn Store = match dir {
            Some(sink) => sink,
            None => &memory,
        };
        let patched = match self.changes(inputs) {
            Some(changes) => self.patch(inputs, &changes, store)?,
            None => false,
        };
        if !patched {
            memory.retain(&|_| false);
            self.fresh(inputs, store, dir.is_none())?;
        }
        self.files = memory.0.into_inner().unwrap_or_default();
        if dir.is_some() {
            // Written: the rows read back are not kept (bounded memory).
            self.rows = FxHashMap::default();
        }
        // The shards a patch read back are not kept either: they are in their files.
        if let Some(index) = self.state.as_mut().and_then(|s| s.index.as_mut()) {
            index.drop_postings();
        }
        Ok(patched)
    }

    fn fresh(&mut self, inputs: &Inputs<'_>, store: &dyn Store, keep: bool) -> std::io::Result<()> {
        self.state = None;
        let keys = Mutex::new(HashMap::new());
        let emit = |path: &str, bytes: &[u8]| {
            let key = hash_of(bytes);
            store.put(path, bytes, key)?;
            keys.lock()
                .map_err(|_| std::io::Error::other("lock poisoned"))?
                .insert(path.to_string(), key);
            Ok(())
        };
        let Made {
            rows,
            feeds,
            mut index,
        } = make_all(inputs, &emit, keep)?;
        let site = inputs.site;
        self.rows = match rows {
            Some(rows) => site
                .entries
                .iter()
                .map(|e| e.reply.source.clone())
                .zip(rows)
                .collect(),
            None => FxHashMap::default(),
        };
        if let Some(index) = &mut index {
            index.set_cards(&card_fps(inputs, &crate::search::doc_order(site)));
        }
        self.state = Some(State {
            config: inputs.config,
            keys: keys.into_inner().unwrap_or_default(),
            replies: reply_fps(inputs),
            feeds,
            index,
            sitemaps: sitemaps_fp(inputs),
        });
        Ok(())
    }

    /// The replies whose files changed since the last run, or `None` when everything is to
    /// be made afresh (no last run, another configuration, or so many changes that patching
    /// would not pay).
    fn changes(&self, inputs: &Inputs<'_>) -> Option<Vec<Changed>> {
        let state = self.state.as_ref()?;
        if state.config != inputs.config {
            return None;
        }
        let entries = &inputs.site.entries;
        let last: FxHashMap<&[u8], u64> = state
            .replies
            .iter()
            .map(|(p, fp)| (path_bytes(p), *fp))
            .collect();
        let mut changes = Vec::new();
        let mut known = 0;
        for (i, e) in entries.iter().enumerate() {
            let was = last.get(path_bytes(&e.reply.source));
            known += usize::from(was.is_some());
            if was != Some(&inputs.entry_fp[i]) {
                changes.push(Changed {
                    source: e.reply.source.clone(),
                    entry: Some(i),
                    was: was.is_some(),
                });
            }
        }
        if known < state.replies.len() {
            let now: FxHashSet<&[u8]> = entries
                .iter()
                .map(|e| path_bytes(&e.reply.source))
                .collect();
            for (source, _) in &state.replies {
                if !now.contains(path_bytes(source)) {
                    changes.push(Changed {
                        source: source.clone(),
                        entry: None,
                        was: true,
                    });
                }
            }
        }
        (changes.len() <= 64.max(entries.len() / 8)).then_some(changes)
    }

    /// Makes again what `changes` touch and keeps the rest; false when that cannot be done
    /// (then everything is made afresh).
    fn patch(
        &mut self,
        inputs: &Inputs<'_>,
        changes: &[Changed],
        store: &dyn Store,
    ) -> std::io::Result<bool> {
        let Some(state) = self.state.as_mut() else {
            return Ok(false);
        };
        let site = inputs.site;
        let mut made: Vec<(String, Vec<u8>)> = Vec::new();
        let mut unchanged: Vec<String> = Vec::new();
        // Files put under another name as they are: from, to, key, card number.
        let mut moves: Vec<(String, String, u64, usize)> = Vec::new();
        let mut card_order = Vec::new();

        if site.config.search.enabled {
            let Some(index) = state.index.as_mut() else {
                return Ok(false);
            };
            let docs: Option<Vec<DocChange<'_>>> = changes
                .par_iter()
                .map(|c| {
                    let old = match (c.was, inputs.previous.get(&c.source)) {
                        (false, _) => None,
                        (true, Some((reply, text))) => {
                            Some(crate::search::doc_tokens(reply, &text.load()?))
                        }
                        (true, None) => return None,
                    };
                    let new = c.entry.map(|i| {
                        crate::search::doc_tokens(&site.entries[i].reply, &inputs.texts.get(i))
                    });
                    Some(DocChange {
                        source: &c.source,
                        old,
                        new,
                    })
                })
                .collect();
            let Some(docs) = docs else {
                return Ok(false);
            };
            let order = crate::search::doc_order(site);
            let text_bytes = inputs.texts.utf8_len();
            let keys = &state.keys;
            let load = |path: &str| store.read(path, *keys.get(path)?);
            // What each card file holds now, by its number.
            let held = index.cards();
            let Some(files) = index.patch(site, &order, &docs, text_bytes, &load) else {
                return Ok(false);
            };
            let rewritten: FxHashSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
            unchanged.extend(
                (0..index.shards())
                    .map(crate::search::shard_path)
                    .filter(|p| !rewritten.contains(p.as_str())),
            );
            made.extend(files);
            // Cards are numbered as the index numbers replies (by file): a card whose reply
            // changed is made again; one whose reply was renumbered is the old card moved.
            let cards = card_fps(inputs, &order);
            let old_at: FxHashMap<u64, usize> =
                held.iter().enumerate().map(|(d, &fp)| (fp, d)).collect();
            let mut redo = Vec::new();
            for (d, fp) in cards.iter().enumerate() {
                let path = crate::search::card_path(d);
                if held.get(d) == Some(fp) {
                    unchanged.push(path);
                } else if let Some(&old) = old_at.get(fp)
                    && let Some(&key) = state.keys.get(&crate::search::card_path(old))
                {
                    moves.push((crate::search::card_path(old), path, key, d));
                } else {
                    redo.push(d);
                }
            }
            made.par_extend(redo.par_iter().map(|&d| {
                let i = order[d];
                crate::search::card_file(site, i, d, &inputs.texts.get(i))
            }));
            card_order = order;
            index.set_cards(&cards);
        }

        // Open data: the rows kept (`dafu serve`) or read back from the documents (`dafu
        // build`) brought up to date, or all made again.
        if self.rows.is_empty() {
            self.rows = rows_from_files(state, store).unwrap_or_default();
        }
        let rows: Vec<&Row>;
        let fresh_rows;
        if self.rows.len() == state.replies.len() && !self.rows.is_empty() {
            let base = site.config.base_url_slash();
            for c in changes {
                match c.entry {
                    Some(i) => {
                        let row = Row::new(site, &base, &site.entries[i]);
                        self.rows.insert(c.source.clone(), row);
                    }
                    None => {
                        self.rows.remove(&c.source);
                    }
                }
            }
            let Some(kept) = site
                .entries
                .iter()
                .map(|e| self.rows.get(&e.reply.source))
                .collect::<Option<Vec<&Row>>>()
            else {
                return Ok(false);
            };
            rows = kept;
        } else {
            fresh_rows = all_rows(site);
            rows = fresh_rows.iter().collect();
        }
        made.extend(
            opendata_documents(site, &rows)
                .into_iter()
                .map(|(p, b)| (p.to_string(), b)),
        );
        let sitemaps_fp = sitemaps_fp(inputs);
        if state.sitemaps == sitemaps_fp {
            unchanged.extend(state.keys.keys().filter(|p| is_sitemap(p)).cloned());
        } else {
            made.extend(sitemaps(inputs));
        }

        // Feeds whose replies changed.
        let specs = crate::feed::specs(site);
        let mut feeds = HashMap::with_capacity(specs.len());
        let mut redo = Vec::new();
        for spec in &specs {
            let fp = feed_fp(inputs, spec);
            if state.feeds.get(&spec.path) == Some(&fp) {
                unchanged.push(spec.path.clone());
            } else {
                redo.push(spec);
            }
            feeds.insert(spec.path.clone(), fp);
        }
        made.par_extend(
            redo.par_iter()
                .map(|spec| (spec.path.clone(), spec.render(site, &inputs.texts))),
        );

        // What is kept must still be as it was made; then the new files are written.
        let keys = &state.keys;
        let all_kept = unchanged
            .par_iter()
            .all(|p| keys.get(p).is_some_and(|&k| store.keep(p, k)));
        if !all_kept {
            return Ok(false);
        }
        // Moved before the new files are written (a card may move from where a new one goes).
        let copies: Vec<(String, String, u64)> = moves
            .iter()
            .map(|(from, to, key, _)| (from.clone(), to.clone(), *key))
            .collect();
        let copied = store.copy(&copies);
        let mut moved = Vec::with_capacity(moves.len());
        for ((_, to, key, d), ok) in moves.into_iter().zip(copied) {
            if ok {
                moved.push((to, key));
            } else {
                let i = card_order[d];
                made.push(crate::search::card_file(site, i, d, &inputs.texts.get(i)));
            }
        }
        let written = made
            .into_par_iter()
            .map(|(path, bytes)| {
                let key = hash_of(&bytes[..]);
                store.put(&path, &bytes, key).map(|()| (path, key))
            })
            .collect::<std::io::Result<Vec<(String, u64)>>>()?;
        let mut new_keys = HashMap::with_capacity(unchanged.len() + written.len());
        for p in unchanged {
            if let Some(&k) = keys.get(&p) {
                new_keys.insert(p, k);
            }
        }
        new_keys.extend(moved);
        new_keys.extend(written);
        store.retain(&|p| new_keys.contains_key(p));
        state.keys = new_keys;
        state.replies = reply_fps(inputs);
        state.feeds = feeds;
        state.sitemaps = sitemaps_fp;
        Ok(true)
    }
}

/// A path's bytes, for hashing (hashing a `Path` walks its components).
fn path_bytes(p: &std::path::Path) -> &[u8] {
    p.as_os_str().as_encoded_bytes()
}

/// The open-data rows of the last run, read back from its documents, by the reply's file.
fn rows_from_files(state: &State, store: &dyn Store) -> Option<FxHashMap<PathBuf, Row>> {
    let read = |path: &str| store.read(path, *state.keys.get(path)?);
    let (json, csv) = (read("data/replies.json")?, read("data/replies.csv")?);
    let json = crate::opendata::json_rows(&json)?;
    let csv = crate::opendata::csv_rows(&csv)?;
    if json.len() != state.replies.len() || csv.len() != state.replies.len() {
        return None;
    }
    Some(
        state
            .replies
            .iter()
            .zip(json.into_iter().zip(csv))
            .map(|((source, _), (json, csv))| {
                let row = Row {
                    json: Arc::from(json),
                    csv: Arc::from(csv),
                };
                (source.clone(), row)
            })
            .collect(),
    )
}

/// Every reply's open-data rows, in site order.
fn all_rows(site: &Site) -> Vec<Row> {
    let base = site.config.base_url_slash();
    site.entries
        .par_iter()
        .map(|e| Row::new(site, &base, e))
        .collect()
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

/// The sitemap(s) and robots.txt.
fn sitemaps(inputs: &Inputs<'_>) -> Vec<(String, Vec<u8>)> {
    let site = inputs.site;
    let mut out =
        crate::opendata::sitemaps(site, inputs.sitemap_urls, crate::opendata::SITEMAP_LIMIT);
    out.push(("robots.txt".into(), crate::opendata::robots(site)));
    out
}

/// Whether a file is one [`sitemaps`] makes.
fn is_sitemap(path: &str) -> bool {
    path == "robots.txt"
        || (path.starts_with("sitemap") && path.ends_with(".xml") && !path.contains('/'))
}

/// What the sitemap(s) and robots.txt show.
fn sitemaps_fp(inputs: &Inputs<'_>) -> u64 {
    hash_of(&(inputs.config, inputs.sitemap_urls))
}

/// What a feed shows: its place and title, and its replies (by their fingerprints, which
/// cover their files' text).
fn feed_fp(inputs: &Inputs<'_>, spec: &crate::feed::Spec) -> u64 {
    let replies: Vec<u64> = spec.entries.iter().map(|&i| inputs.entry_fp[i]).collect();
    hash_of(&(inputs.config, &spec.path, &spec.page, &spec.title, replies))
}

/// Each card's fingerprint, by number.
fn card_fps(inputs: &Inputs<'_>, order: &[usize]) -> Vec<u64> {
    order
        .iter()
        .map(|&i| hash_of(&(inputs.config, inputs.entry_fp[i])))
        .collect()
}

/// Each reply's source path and fingerprint, in site order.
fn reply_fps(inputs: &Inputs<'_>) -> Vec<(PathBuf, u64)> {
    inputs
        .site
        .entries
        .iter()
        .zip(inputs.entry_fp)
        .map(|(e, &fp)| (e.reply.source.clone(), fp))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plaintext::PlainText;

    fn reply(file: usize, department: &str, month: u32) -> Reply {
        let date = chrono::NaiveDate::from_ymd_opt(2023, month, 1).unwrap();
        crate::testing::reply(
            &format!("f{file:02}.md"),
            &file.to_string(),
            department,
            date,
        )
    }

    /// A site of `replies` with their texts: the model, each entry's text and fingerprint.
    struct Fixture {
        site: Site,
        texts: Vec<PlainText>,
        fps: Vec<u64>,
    }

    fn fixture(replies: &[(Reply, &str)]) -> Fixture {
        let config = crate::config::parse(
            "title = \"t\"\nbase_url = \"https://e.gov.cn/\"\n[organisation]\nname = \"n\"\ncode = \"ORG\"\n",
            None,
        )
        .unwrap();
        let site = crate::model::build_site(
            config,
            replies.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>(),
        )
        .unwrap();
        let text_of = |e: &crate::model::Entry| {
            replies
                .iter()
                .find(|(r, _)| r.source == e.reply.source)
                .map(|(_, t)| *t)
                .unwrap()
        };
        let texts = site
            .entries
            .iter()
            .map(|e| PlainText::new(text_of(e)))
            .collect();
        let fps = site
            .entries
            .iter()
            .map(|e| hash_of(&(text_of(e), &*e.reply.title, &e.url, e.reply.date)))
            .collect();
        Fixture { site, texts, fps }
    }

    fn inputs<'a>(f: &'a Fixture, previous: &'a Previous) -> Inputs<'a> {
        Inputs {
            site: &f.site,
            texts: Texts::Held(&f.texts),
            entry_fp: &f.fps,
            sitemap_urls: &[],
            config: 1,
            previous,
        }
    }

    /// Runs `machine` on the fixture (in memory); returns whether it patched.
    fn update(machine: &mut Machine, f: &Fixture, previous: &Previous) -> bool {
        let packer = Packer::holding_all();
        (machine.update(&inputs(f, previous), &Target::Memory, &packer)).unwrap()
    }

    fn previous_of(f: &Fixture) -> Previous {
        f.site
            .entries
            .iter()
            .zip(&f.texts)
            .map(|(e, t)| {
                (
                    e.reply.source.clone(),
                    (e.reply.clone(), Text::Held(t.clone())),
                )
            })
            .collect()
    }

    fn replies(n: usize) -> Vec<(Reply, &'static str)> {
        (0..n)
            .map(|i| {
                let dept = ["甲局", "乙局", "丙局"][i % 3];
                let text = ["燃气管网改造已完成", "老旧小区加装电梯", "公交线路优化调整"][i % 3];
                (reply(i, dept, 1 + (i % 12) as u32), text)
            })
            .collect()
    }

    /// An edit, an addition and a removal are each patched, and the files are then those a
    /// fresh run makes; a text edit leaves the other replies' cards as they were (the very
    /// same bytes in memory).
    #[test]
    fn patches_give_what_a_fresh_run_gives() {
        let mut all = replies(30);
        let first = fixture(&all);
        let mut machine = Machine::default();
        assert!(
            !update(&mut machine, &first, &Previous::default()),
            "nothing to patch"
        );
        let mut previous = previous_of(&first);
        let before = machine.files().clone();
        type Edit = dyn Fn(&mut Vec<(Reply, &'static str)>);
        let steps: [(&str, &Edit); 4] = [
            ("text", &|r| r[4].1 = "燃气管网改造已完成，用户满意"),
            ("date", &|r| {
                r[7].0.date = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()
            }),
            ("added", &|r| {
                r.push((reply(40, "丁局", 3), "新增答复的正文"))
            }),
            ("removed", &|r| {
                r.remove(2);
            }),
        ];
        for (what, edit) in steps {
            edit(&mut all);
            let f = fixture(&all);
            assert!(update(&mut machine, &f, &previous), "{what}: patched");
            let mut fresh = Machine::default();
            update(&mut fresh, &f, &Previous::default());
            assert!(machine.files() == fresh.files(), "{what}: as a fresh run");
            if what == "text" {
                let shared = machine
                    .files()
                    .iter()
                    .filter(|(p, b)| {
                        p.starts_with("search/r/")
                            && before.get(*p).is_some_and(|old| match (old, b) {
                                (Blob::Held(old), Blob::Held(b)) => Arc::ptr_eq(old, b),
                                _ => false,
                            })
                    })
                    .count();
                assert_eq!(shared, 29, "the other cards are untouched");
            }
            previous = previous_of(&f);
        }
    }

    /// Changes are found by file: an unchanged reply is none, however the site's order
    /// moved; more than an eighth of the replies (and at least 64) changed means afresh.
    #[test]
    fn changes_are_found_by_file() {
        let all = replies(600);
        let f = fixture(&all);
        let mut machine = Machine::default();
        update(&mut machine, &f, &Previous::default());
        let changes = |f: &Fixture| -> Option<Vec<(PathBuf, Option<usize>, bool)>> {
            machine
                .changes(&inputs(f, &Previous::default()))
                .map(|c| c.into_iter().map(|c| (c.source, c.entry, c.was)).collect())
        };
        assert_eq!(changes(&f), Some(vec![]));
        let mut some = all.clone();
        some[3].1 = "改过的正文";
        some.remove(10);
        some.push((reply(700, "甲局", 5), "新的"));
        let g = fixture(&some);
        let mut found = changes(&g).unwrap();
        found.sort();
        let at = |file: &str| {
            g.site
                .entries
                .iter()
                .position(|e| e.reply.source == std::path::Path::new(file))
        };
        assert_eq!(
            found,
            vec![
                (PathBuf::from("content/f03.md"), at("content/f03.md"), true),
                (PathBuf::from("content/f10.md"), None, true),
                (
                    PathBuf::from("content/f700.md"),
                    at("content/f700.md"),
                    false
                ),
            ]
        );
        let mut many = all.clone();
        for r in many.iter_mut().take(80) {
            r.1 = "全都改了";
        }
        assert_eq!(changes(&fixture(&many)), None);
    }
}
