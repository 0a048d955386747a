//! The build cache of `dafu build`, kept in `.NAME.dafu-cache/` beside the output folder
//! `NAME` (never inside it: the output is uploaded as it is). It holds what the next build
//! needs to redo only what changed:
//!
//! - `sources.bin` and `texts.bin`: each valid content file's size, time, text hash, its
//!   reply (front matter checked) and its plain text (for feeds and search; UTF-16LE, as
//!   dafu holds it). A text is read only when a build needs it (a changed reply's old text,
//!   a feed made again); `texts.bin` grows by the texts that changed and is written afresh
//!   when more than half of it is stale;
//! - what the feeds, open data and search index were made from (`machine`, in
//!   `sources.bin`: the replies' fingerprints, every file's hash, the index's numbering);
//! - `output.bin` and `prev.bin`: the manifests of the output folder and of the previous
//!   output (`.NAME.dafu-prev`, the next build's starting point): each file's fingerprint,
//!   size and time. A file whose size or time changed since is made again.
//!
//! The cache only saves time: deleting it, or any damage to it, means a full build. It is
//! ignored when dafu's version, the cache format, site.toml or the build's options changed.

use crate::plaintext::PlainText;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::BuildOptions;
use crate::hashing::hash_of;
use crate::output::Manifest;
use crate::reply::Reply;

use super::machine::State as MachineState;
use super::sources::{Source, Text};

const FORMAT: u32 = 5;
const MARKER_TEXT: &str =
    "dafu's build cache: safe to delete (the next build is then a full one).\n";

/// The cache folder of an output folder.
pub fn cache_dir(output: &Path) -> PathBuf {
    crate::output::sibling(output, "cache")
}

/// `sources.bin`. Saved from borrowed replies (`R = &Reply`: nothing is copied), loaded
/// into owned ones.
#[derive(Serialize, Deserialize)]
struct Index<R, M> {
    format: u32,
    dafu: String,
    key: u64,
    /// The configuration hash the replies were validated with.
    config: u64,
    files: Vec<FileEntry<R>>,
    /// What the machine-readable files were made from (saved with the replies they were
    /// made from, in one file).
    machine: Option<M>,
}

#[derive(Serialize, Deserialize)]
struct FileEntry<R> {
    /// Relative to the site folder.
    path: PathBuf,
    secs: u64,
    nanos: u32,
    len: u64,
    text_hash: u64,
    /// Without its body (not serialized); with its body's fingerprint.
    reply: R,
    /// Range of its plain text in `texts.bin`, in UTF-16 code units, its length in UTF-8
    /// bytes and the hash of its units.
    text: (u64, u64),
    text_utf8: usize,
    text_units_hash: u64,
}

/// `texts.bin`, opened by the build that loaded the cache: read from, and appended to as
/// pages are rendered (`dafu serve`: a temporary file).
pub type TextsFile = crate::spill::SpillFile;

/// Where the replies' texts go as their pages are rendered: appended to a texts file when
/// there is one, and held in memory as well up to a bound (a site of some thousand replies
/// then reads none back); without a file, held.
#[derive(Default)]
pub struct TextKeeper {
    file: Option<Arc<TextsFile>>,
    /// Bytes of texts held so far (never counted down: a bound, not a tally).
    held: std::sync::atomic::AtomicUsize,
    hold: usize,
}

impl TextKeeper {
    /// Texts appended to `file`, up to `hold` bytes of them held as well.
    pub fn new(file: Arc<TextsFile>, hold: usize) -> TextKeeper {
        TextKeeper {
            file: Some(file),
            hold,
            ..TextKeeper::default()
        }
    }

    /// A body's text as it is kept.
    pub fn keep(&self, text: PlainText) -> Text {
        use std::sync::atomic::Ordering;
        let size = text.units().len() * 2;
        let fits = self.held.fetch_add(size, Ordering::Relaxed) + size <= self.hold;
        match self
            .file
            .as_ref()
            .and_then(|f| StoredText::append(f, &text))
        {
            Some(stored) if fits => Text::Stored(stored.holding(text)),
            Some(stored) => Text::Stored(stored),
            None => Text::Held(text),
        }
    }
}

/// The build cache's `texts.bin` for `output`, to append the texts of a build without a
/// usable cache to (the cache folder is made when missing).
pub fn texts_file(output: &Path) -> Option<Arc<TextsFile>> {
    let dir = open_dir(output).ok()?;
    TextsFile::open(&dir.join("texts.bin"), true)
}

/// A text in `texts.bin`: read when needed, and checked against the hash it was stored with.
#[derive(Clone)]
pub struct StoredText {
    file: Arc<TextsFile>,
    start: u64,
    end: u64,
    utf8_len: usize,
    hash: u64,
    /// The text itself, while memory allows: then it is not read back.
    held: Option<PlainText>,
}

impl std::fmt::Debug for StoredText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StoredText({}..{})", self.start, self.end)
    }
}

impl StoredText {
    /// Appends `text` to `file` (UTF-16LE, at an even offset); `None` when it cannot be
    /// written.
    pub fn append(file: &Arc<TextsFile>, text: &PlainText) -> Option<StoredText> {
        let units = text.units();
        let mut bytes = Vec::with_capacity(units.len() * 2);
        text.write_utf16le(&mut bytes);
        let start = file.append(&bytes, |at| at % 2 == 0)? / 2;
        Some(StoredText {
            file: file.clone(),
            start,
            end: start + units.len() as u64,
            utf8_len: text.utf8_len(),
            hash: hash_of(units),
            held: None,
        })
    }

    pub fn utf8_len(&self) -> usize {
        self.utf8_len
    }

    /// The same, with the text held in memory as well.
    pub fn holding(self, text: PlainText) -> StoredText {
        StoredText {
            held: Some(text),
            ..self
        }
    }

    /// The text, or `None` when the file no longer holds what was stored.
    pub fn read(&self) -> Option<PlainText> {
        if let Some(text) = &self.held {
            return Some(text.clone());
        }
        let len = usize::try_from(self.end - self.start).ok()? * 2;
        let bytes = self.file.read(self.start * 2, len)?;
        PlainText::from_utf16le(&bytes)
            .filter(|t| hash_of(t.units()) == self.hash && t.utf8_len() == self.utf8_len)
    }
}

/// What a cache holds for the next build.
pub struct Cache {
    pub sources: FxHashMap<PathBuf, Source>,
    pub output: Option<Manifest>,
    pub prev: Option<Manifest>,
    pub machine: Option<MachineState>,
    /// `texts.bin`, which the cached texts are read from and new ones appended to.
    pub texts: Option<Arc<TextsFile>>,
}

/// What decides whether a cache may be used at all.
fn key(opts: &BuildOptions) -> u64 {
    let site_toml = std::fs::read(opts.root.join("site.toml")).unwrap_or_default();
    hash_of(&(
        site_toml,
        &opts.base_url,
        opts.drafts,
        opts.root.canonicalize().ok(),
    ))
}

// The cache's files are postcard (a compact binary serde format): a 10,000-reply site's index
// reads and writes several times faster than as JSON, and a one-reply build spends most of
// its time on such bookkeeping.
fn read_file<T: for<'de> Deserialize<'de>>(path: &Path) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    postcard::from_bytes(&bytes).ok()
}

/// The cache for `output`, if there is a usable one (with `no_cache`, only its manifests).
/// Damage means no cache.
pub fn load(opts: &BuildOptions, output: &Path) -> Option<Cache> {
    if opts.no_cache {
        let dir = cache_dir(output);
        return crate::output::is_ours(&dir).then(|| Cache {
            sources: FxHashMap::default(),
            output: read_file(&dir.join("output.bin")),
            prev: None,
            machine: None,
            texts: None,
        });
    }
    let dir = cache_dir(output);
    if !crate::output::is_ours(&dir) {
        return None;
    }
    let mut index: Index<Reply, MachineState> = read_file(&dir.join("sources.bin"))?;
    if index.format != FORMAT || index.dafu != env!("CARGO_PKG_VERSION") || index.key != key(opts) {
        return None;
    }
    let machine = index.machine.take();
    // Texts are read when needed; the file is opened now, so that they come from the file
    // this index was saved with.
    let texts = TextsFile::open(&dir.join("texts.bin"), false);
    let mut sources = FxHashMap::default();
    for f in index.files {
        let text = texts
            .as_ref()
            .filter(|t| f.text.0 <= f.text.1 && f.text.1 <= t.opened_len() / 2)
            .map(|t| {
                Text::Stored(StoredText {
                    file: t.clone(),
                    start: f.text.0,
                    end: f.text.1,
                    utf8_len: f.text_utf8,
                    hash: f.text_units_hash,
                    held: None,
                })
            });
        let modified = SystemTime::UNIX_EPOCH + Duration::new(f.secs, f.nanos);
        sources.insert(
            opts.root.join(&f.path),
            Source {
                modified: Some(modified),
                len: f.len,
                text_hash: f.text_hash,
                validated: Some((index.config, Ok(Arc::new(f.reply)))),
                text,
                incomplete_draft: false,
            },
        );
    }
    Some(Cache {
        sources,
        output: read_file(&dir.join("output.bin")),
        prev: read_file(&dir.join("prev.bin")),
        machine,
        texts,
    })
}

/// Writes `value` into a temporary file, then renames it into place.
fn write_file(path: &Path, value: &impl Serialize) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let bytes = postcard::to_stdvec(value).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Creates the cache folder (marked as dafu's) when it does not exist.
fn open_dir(output: &Path) -> std::io::Result<PathBuf> {
    let dir = cache_dir(output);
    if std::fs::symlink_metadata(&dir).is_ok() && !crate::output::is_ours(&dir) {
        return Err(std::io::Error::other(format!(
            "{} exists and was not written by dafu",
            dir.display()
        )));
    }
    std::fs::create_dir_all(&dir)?;
    let marker = dir.join(crate::output::MARKER);
    if !marker.exists() {
        std::fs::write(marker, MARKER_TEXT)?;
    }
    Ok(dir)
}

/// Forgets the manifest of the previous output: the build is about to change that folder.
pub fn forget_prev(output: &Path) {
    let dir = cache_dir(output);
    if crate::output::is_ours(&dir) {
        let _ = std::fs::remove_file(dir.join("prev.bin"));
    }
}

/// Saves the cache after a build was published: `output` is what the output folder now
/// holds, `prev` what the previous output holds (the output before this build).
pub fn save(
    opts: &BuildOptions,
    output: &Path,
    config: u64,
    sources: &FxHashMap<PathBuf, Source>,
    machine: Option<&MachineState>,
    manifest: &Manifest,
    prev: Option<&Manifest>,
) -> std::io::Result<()> {
    let dir = open_dir(output)?;
    // What earlier versions of dafu kept here.
    for old in ["sources.json", "output.json", "prev.json"] {
        let _ = std::fs::remove_file(dir.join(old));
    }
    let mut paths: Vec<&PathBuf> = sources.keys().collect();
    paths.sort();
    let mut usable = Vec::with_capacity(paths.len());
    for path in paths {
        let s = &sources[path];
        let (Some(reply), Some(text), Some(modified)) = (s.reply(), &s.text, s.modified) else {
            continue;
        };
        if !matches!(&s.validated, Some((c, _)) if *c == config) {
            continue;
        }
        let Ok(t) = modified.duration_since(SystemTime::UNIX_EPOCH) else {
            continue;
        };
        usable.push((path, s, &**reply, text, t));
    }
    let texts_path = dir.join("texts.bin");
    let units_now = std::fs::metadata(&texts_path).map_or(0, |m| m.len() / 2);
    let live: u64 = usable
        .iter()
        .map(|(.., text, _)| match text {
            Text::Stored(st) => st.end - st.start,
            Text::Held(_) => 0,
        })
        .sum();
    // Texts already in the file stay where they are and new ones are appended, until more
    // than half the file is stale: then it is written afresh. Either way the texts are
    // written before the index that points into them.
    let beyond = usable.iter().any(|(.., text, _)| match text {
        Text::Stored(st) => st.end > units_now,
        Text::Held(_) => false,
    });
    let afresh = beyond || units_now.saturating_sub(live) > live.max(1 << 20);
    let (mut out, mut at) = if afresh {
        let tmp = dir.join("texts.tmp");
        (std::fs::File::create(&tmp)?, 0)
    } else {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&texts_path)?;
        (f, units_now)
    };
    let mut w = std::io::BufWriter::new(&mut out);
    let mut files = Vec::with_capacity(usable.len());
    for (path, s, reply, text, t) in usable {
        let range = match text {
            Text::Stored(st) if !afresh => Some((st.start, st.end, st.utf8_len, st.hash)),
            _ => match text.load() {
                Some(plain) => {
                    let units = plain.units();
                    let mut bytes = Vec::with_capacity(units.len() * 2);
                    plain.write_utf16le(&mut bytes);
                    w.write_all(&bytes)?;
                    let start = at;
                    at += units.len() as u64;
                    Some((start, at, plain.utf8_len(), hash_of(units)))
                }
                // Unreadable: the file is read again next time.
                None => None,
            },
        };
        let Some((start, end, utf8, hash)) = range else {
            continue;
        };
        files.push(FileEntry {
            path: path.strip_prefix(&opts.root).unwrap_or(path).to_path_buf(),
            secs: t.as_secs(),
            nanos: t.subsec_nanos(),
            len: s.len,
            text_hash: s.text_hash,
            reply,
            text: (start, end),
            text_utf8: utf8,
            text_units_hash: hash,
        });
    }
    w.flush()?;
    drop(w);
    out.sync_data()?;
    if afresh {
        // The index that pointed into the old file goes first.
        let _ = std::fs::remove_file(dir.join("sources.bin"));
        std::fs::rename(dir.join("texts.tmp"), &texts_path)?;
    }
    let index = Index {
        format: FORMAT,
        dafu: env!("CARGO_PKG_VERSION").into(),
        key: key(opts),
        config,
        files,
        machine,
    };
    write_file(&dir.join("sources.bin"), &index)?;
    match prev {
        // The previous output's manifest is the one `output.bin` holds (it was loaded from
        // there): renamed, not written again.
        Some(p) => {
            if std::fs::rename(dir.join("output.bin"), dir.join("prev.bin")).is_err() {
                write_file(&dir.join("prev.bin"), p)?;
            }
        }
        None => {
            let _ = std::fs::remove_file(dir.join("prev.bin"));
        }
    }
    write_file(&dir.join("output.bin"), manifest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{Pipeline, Target};

    const SITE: &str = "title = \"t\"\nbase_url = \"https://example.gov.cn/\"\n[organisation]\nname = \"o\"\ncode = \"000000000\"\n";

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::write(dir.path().join("site.toml"), SITE).unwrap();
        std::fs::write(
            dir.path().join("content/a.md"),
            "---\ntitle: 关于第1号的答复\nkind: proposal\nnumber: \"1\"\nsession: 市政协十四届一次会议\nrepresentative: 张三\ndepartment: 市教育局\ndate: 2023-05-01\n---\n**正文**一段。\n",
        )
        .unwrap();
        dir
    }

    fn saved(dir: &Path) -> (BuildOptions, PathBuf, Pipeline) {
        let opts = BuildOptions::new(dir);
        let output = dir.join("public");
        let mut p = Pipeline::new(opts.clone());
        p.run(None, Target::Memory, &mut |_| {}).unwrap();
        let manifest = Manifest::default();
        save(
            &opts,
            &output,
            p.config_hash(),
            p.sources(),
            p.machine_state(),
            &manifest,
            None,
        )
        .unwrap();
        (opts, output, p)
    }

    #[test]
    fn what_is_saved_is_loaded() {
        let dir = site();
        let (opts, output, p) = saved(dir.path());
        let cache = load(&opts, &output).expect("a cache");
        assert_eq!(cache.sources.len(), 1);
        let (path, loaded) = cache.sources.iter().next().unwrap();
        let kept = &p.sources()[path];
        assert_eq!(loaded.reply().unwrap().title, kept.reply().unwrap().title);
        let text = loaded.text.as_ref().and_then(Text::load);
        assert_eq!(text, Some(PlainText::new("正文一段。")));
        assert_eq!(
            (loaded.text_hash, loaded.reply().unwrap().body_fp),
            (kept.text_hash, kept.reply().unwrap().body_fp)
        );
        assert_eq!(loaded.modified, kept.modified);
        assert!(cache.output.is_some() && cache.prev.is_none());
    }

    /// A texts file gives back what was appended, and a text the file no longer holds as
    /// it was stored is not given back.
    #[test]
    fn stored_texts_read_back_and_are_checked() {
        let file = TextsFile::temporary("texts").unwrap();
        let a = StoredText::append(&file, &PlainText::new("燃气管网改造")).unwrap();
        let b = StoredText::append(&file, &PlainText::new("G102国道𠀀")).unwrap();
        assert_eq!(a.read(), Some(PlainText::new("燃气管网改造")));
        assert_eq!(b.read(), Some(PlainText::new("G102国道𠀀")));
        let held = a.clone().holding(PlainText::new("燃气管网改造"));
        assert_eq!(held.read(), Some(PlainText::new("燃气管网改造")));
        // Another text of the same length where `b` was: refused by its hash.
        let wrong = StoredText {
            hash: b.hash ^ 1,
            ..b.clone()
        };
        assert_eq!(wrong.read(), None);
    }

    /// A keeper holds texts up to its bound and leaves the rest in its file only.
    #[test]
    fn a_text_keeper_holds_up_to_its_bound() {
        let keeper = TextKeeper::new(TextsFile::temporary("texts").unwrap(), 10);
        let (a, b) = (
            PlainText::new("燃气管网"),
            PlainText::new("老旧小区加装电梯"),
        );
        let (ka, kb) = (keeper.keep(a.clone()), keeper.keep(b.clone()));
        let held = |t: &Text| matches!(t, Text::Stored(s) if s.held.is_some());
        assert!(held(&ka), "8 bytes fit the 10");
        assert!(!held(&kb), "16 more do not");
        assert_eq!((ka.load(), kb.load()), (Some(a), Some(b)));
        let no_file = TextKeeper::default().keep(PlainText::new("正文"));
        assert!(matches!(no_file, Text::Held(_)));
    }

    #[test]
    fn a_changed_site_toml_or_option_makes_it_unusable() {
        let dir = site();
        let (opts, output, _) = saved(dir.path());
        let drafts = BuildOptions {
            drafts: true,
            ..opts.clone()
        };
        assert!(load(&drafts, &output).is_none());
        std::fs::write(
            dir.path().join("site.toml"),
            format!("{SITE}page_size = 5\n"),
        )
        .unwrap();
        assert!(load(&opts, &output).is_none());
    }

    #[test]
    fn a_folder_dafu_did_not_make_is_neither_read_nor_written() {
        let dir = site();
        let output = dir.path().join("public");
        let foreign = cache_dir(&output);
        std::fs::create_dir_all(&foreign).unwrap();
        std::fs::write(foreign.join("sources.bin"), "{}").unwrap();
        let opts = BuildOptions::new(dir.path());
        assert!(load(&opts, &output).is_none());
        let err = save(
            &opts,
            &output,
            0,
            &FxHashMap::default(),
            None,
            &Manifest::default(),
            None,
        );
        assert!(err.is_err());
        assert_eq!(
            std::fs::read_to_string(foreign.join("sources.bin")).unwrap(),
            "{}"
        );
    }
}
