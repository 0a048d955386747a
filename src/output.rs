//! Stage 5, output: pages are written into a staging folder beside the output, which is
//! swapped in only when the whole build succeeded. A failed or interrupted build leaves the
//! previous output as it was.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Site-relative path → bytes, as `dafu serve` holds a build. Shared keys and bytes: a
/// rebuild copies the map, not the files. HTML pages are held gzip-compressed (about a fifth
/// of their size; see [`Packer::pack`] and [`Blob::published`]), and beyond the packer's
/// bound in its spill file.
pub type Files = std::collections::BTreeMap<Arc<str>, Blob>;

/// Whether a file is held compressed in [`Files`]: HTML pages, the bulk of a site, the
/// search page's cards (a reply's text each: 600 MB at 100,000 replies), the open-data
/// documents and the XML files (sitemaps, feeds; 110 MB and 20 MB at that size).
pub fn packed(path: &str) -> bool {
    path.ends_with(".html")
        || path.ends_with(".xml")
        || path.starts_with("data/")
        || (path.starts_with("search/r/") && path.ends_with(".txt"))
}

/// A file as [`Files`] holds it: its stored bytes (see [`packed`]) in memory, or in a spill
/// file.
#[derive(Clone)]
pub enum Blob {
    Held(Arc<[u8]>),
    Spilled {
        file: Arc<crate::spill::SpillFile>,
        start: u64,
        len: usize,
    },
}

impl Blob {
    /// The stored bytes (gzip-compressed for a [`packed`] path).
    pub fn stored(&self) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        match self {
            Blob::Held(bytes) => Ok(std::borrow::Cow::Borrowed(bytes)),
            Blob::Spilled { file, start, len } => file
                .read(*start, *len)
                .map(std::borrow::Cow::Owned)
                .ok_or_else(|| std::io::Error::other("the spill file no longer holds it")),
        }
    }

    /// The file at `path` as it is published.
    pub fn published(&self, path: &str) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        let stored = self.stored()?;
        if !packed(path) {
            return Ok(stored);
        }
        gunzip(&stored)
            .map(std::borrow::Cow::Owned)
            .ok_or_else(|| std::io::Error::other("not gzip"))
    }

    /// Whether it is held in memory.
    pub fn is_held(&self) -> bool {
        matches!(self, Blob::Held(_))
    }
}

/// The same stored bytes: the same place (a file reused from the last build) at once, else
/// by the bytes (read back from the spill file when spilled; unreadable is unequal).
impl PartialEq for Blob {
    fn eq(&self, other: &Blob) -> bool {
        match (self, other) {
            (Blob::Held(a), Blob::Held(b)) => Arc::ptr_eq(a, b) || a == b,
            (
                Blob::Spilled { file, start, len },
                Blob::Spilled {
                    file: f2,
                    start: s2,
                    len: l2,
                },
            ) if Arc::ptr_eq(file, f2) && (start, len) == (s2, l2) => true,
            _ => match (self.stored(), other.stored()) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            },
        }
    }
}

/// Makes [`Blob`]s: held in memory while the bytes held fit its bound, then appended to its
/// spill file (`dafu serve` at 100,000 replies: its pages and cards would be a gigabyte).
/// Pages made again leave their old bytes in the spill file; [`Packer::compact`] copies
/// the live ones to a fresh file once the dead outweigh them.
#[derive(Default)]
pub struct Packer {
    spill: Option<Arc<crate::spill::SpillFile>>,
    hold: usize,
    /// Bytes held so far (never counted down: a bound, not a tally).
    held: std::sync::atomic::AtomicUsize,
    /// Dead bytes in the spill file below which it is not compacted.
    compact_beyond: u64,
    /// The spill file's length when [`Packer::worth_compacting`] last looked at its blobs.
    checked_at: u64,
}

/// Dead bytes in `dafu serve`'s spill file below which it is left as it is: copying the live
/// ones (up to a gigabyte at 100,000 replies) is worth it only for a real gain.
pub const COMPACT_BEYOND_BYTES: u64 = 256 << 20;

impl Packer {
    /// A packer that holds every file in memory.
    pub fn holding_all() -> Packer {
        Packer {
            hold: usize::MAX,
            ..Packer::default()
        }
    }

    /// A packer that holds `hold` bytes in memory and spills the rest to a temporary file
    /// (held in memory when none can be made).
    pub fn spilling(hold: usize) -> Packer {
        match crate::spill::SpillFile::temporary("pages") {
            Some(file) => Packer {
                spill: Some(file),
                hold,
                compact_beyond: COMPACT_BEYOND_BYTES,
                ..Packer::default()
            },
            None => Packer::holding_all(),
        }
    }

    /// Compacts the spill file once its dead bytes pass `bytes` (and the live ones).
    pub fn compact_beyond(&mut self, bytes: u64) {
        self.compact_beyond = bytes;
    }

    /// Whether the spill file holds more dead bytes than live ones and than its threshold,
    /// `blobs` being every blob still in use (those of the same bytes twice counted once).
    /// Looks at them only once the file has grown by a quarter of its threshold since it last
    /// did (a server at 100,000 replies holds that many blobs; an edit adds a few).
    pub fn worth_compacting<'b>(&mut self, blobs: impl IntoIterator<Item = &'b Blob>) -> bool {
        let Some(old) = &self.spill else {
            return false;
        };
        let len = old.len();
        if len <= self.compact_beyond
            || len < self.checked_at.saturating_add(self.compact_beyond / 4)
        {
            return false;
        }
        self.checked_at = len;
        let mut starts = std::collections::HashSet::new();
        let live: u64 = blobs
            .into_iter()
            .filter_map(|b| match b {
                Blob::Spilled { file, start, len } if Arc::ptr_eq(file, old) => {
                    starts.insert(*start).then_some(*len as u64)
                }
                _ => None,
            })
            .sum();
        let dead = len.saturating_sub(live);
        dead > live && dead > self.compact_beyond
    }

    /// Copies the spilled blobs among `blobs` (each distinct range once) to a fresh spill
    /// file, appended to from then on (see [`Packer::worth_compacting`]). A blob left out, or
    /// one that cannot be copied, still reads from the old file, which goes when the last
    /// such blob does. Returns whether a fresh file was made.
    pub fn compact<'b>(&mut self, blobs: impl IntoIterator<Item = &'b mut Blob>) -> bool {
        let Some(old) = self.spill.clone() else {
            return false;
        };
        let Some(new) = crate::spill::SpillFile::temporary("pages") else {
            return false;
        };
        let mut ours: Vec<(u64, &mut Blob)> = blobs
            .into_iter()
            .filter_map(|b| match b {
                Blob::Spilled { file, start, .. } if Arc::ptr_eq(file, &old) => Some((*start, b)),
                _ => None,
            })
            .collect();
        // In the old file's order, each distinct range copied once.
        ours.sort_by_key(|(start, _)| *start);
        let mut moved: Option<(u64, u64)> = None;
        for (_, blob) in ours {
            let Blob::Spilled { file, start, len } = blob else {
                continue;
            };
            let to = match moved {
                Some((from, to)) if from == *start => Some(to),
                _ => old
                    .read(*start, *len)
                    .and_then(|bytes| new.append(&bytes, |_| true)),
            };
            if let Some(to) = to {
                moved = Some((*start, to));
                *file = new.clone();
                *start = to;
            }
        }
        self.checked_at = new.len();
        self.spill = Some(new);
        true
    }

    /// Bytes in its spill file, live or dead.
    pub fn spilled_bytes(&self) -> u64 {
        self.spill.as_ref().map_or(0, |f| f.len())
    }

    /// The file at `path` as [`Files`] holds it.
    pub fn pack(&self, path: &str, bytes: &[u8]) -> Blob {
        use std::sync::atomic::Ordering as O;
        let compressed;
        let stored = if packed(path) {
            compressed = gzip(bytes);
            &compressed[..]
        } else {
            bytes
        };
        let size = stored.len();
        if self.held.fetch_add(size, O::Relaxed).saturating_add(size) > self.hold
            && let Some(file) = &self.spill
            && let Some(start) = file.append(stored, |_| true)
        {
            return Blob::Spilled {
                file: file.clone(),
                start,
                len: size,
            };
        }
        Blob::Held(Arc::from(stored))
    }
}

/// The bytes a [`gzip`] stream holds; `None` when it is not one.
pub fn gunzip(bytes: &[u8]) -> Option<Vec<u8>> {
    // libdeflate, about twice as fast as a streaming inflater (a build after a reply was
    // added reads back every search shard), wants the size, which the trailer gives (modulo
    // 4 GiB; deflate cannot expand past 1032:1, so a trailer that says more is not trusted).
    let said = bytes
        .len()
        .checked_sub(4)
        .and_then(|at| bytes.get(at..))
        .and_then(|t| <[u8; 4]>::try_from(t).ok())
        .map(|t| u32::from_le_bytes(t) as usize)?;
    if said <= bytes.len().saturating_mul(1032) {
        let mut out = vec![0u8; said];
        let mut d = libdeflater::Decompressor::new();
        if let Ok(n) = d.gzip_decompress(bytes, &mut out)
            && n == said
        {
            return Some(out);
        }
    }
    // A size past 4 GiB: the streaming way.
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

/// gzip at libdeflate's fastest level: deterministic, and fast enough for every page.
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
            use std::io::Write;
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            let _ = enc.write_all(bytes);
            enc.finish().unwrap_or_default()
        }
    }
}

/// One complete build held in memory, as served: the pages (and theme files), and the
/// machine-readable files, each map shared between builds as a whole (a rebuild that changes
/// only pages shares the last machine-readable files, and the other way round).
#[derive(Clone, Default)]
pub struct Snapshot {
    pub files: Arc<Files>,
    pub machine: Arc<Files>,
    /// Attachments: output-relative path → the file in content/ (served from disk, never
    /// held in memory: a site's PDFs can be larger than all its pages).
    pub attachments: Arc<Attachments>,
    pub base_path: String,
}

/// Where each published attachment comes from: output-relative path → file.
pub type Attachments = std::collections::BTreeMap<String, PathBuf>;

impl Snapshot {
    /// The stored bytes at `path` (see [`Blob::published`]).
    pub fn get(&self, path: &str) -> Option<&Blob> {
        self.files.get(path).or_else(|| self.machine.get(path))
    }

    pub fn contains(&self, path: &str) -> bool {
        self.get(path).is_some() || self.attachments.contains_key(path)
    }

    /// Every file: pages and theme files, then the machine-readable ones.
    pub fn all(&self) -> impl Iterator<Item = (&Arc<str>, &Blob)> {
        self.files.iter().chain(self.machine.iter())
    }

    pub fn len(&self) -> usize {
        self.files.len() + self.machine.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Where rendered files go.
pub trait Sink: Sync {
    /// Writes `bytes` at the output-relative path `rel` (`/`-separated, no leading slash).
    fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()>;
}

/// What one file of an output folder was made from (`key`: a page's fingerprint, or the
/// hash of the file's bytes), and its size and modification time when dafu wrote it. A file
/// whose size and time still match was not touched since.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileRecord {
    pub key: u64,
    pub len: u64,
    pub secs: u64,
    pub nanos: u32,
}

/// Every file of an output folder, by output-relative path.
pub type Manifest = rustc_hash::FxHashMap<String, FileRecord>;

fn record(key: u64, meta: &std::fs::Metadata) -> Option<FileRecord> {
    let t = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(FileRecord {
        key,
        len: meta.len(),
        secs: t.as_secs(),
        nanos: t.subsec_nanos(),
    })
}

/// A folder whose files are looked at by their paths relative to it: on Unix through a
/// handle of the folder (`fstatat`), so that the kernel resolves two or three path
/// components per file instead of the whole path (a tenth of a one-reply build was path
/// lookups).
struct Root {
    path: PathBuf,
    #[cfg(unix)]
    fd: Option<rustix::fd::OwnedFd>,
}

impl Root {
    fn new(path: PathBuf) -> Root {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            let fd = rustix::fs::open(&path, flags, Mode::empty()).ok();
            Root { path, fd }
        }
        #[cfg(not(unix))]
        Root { path }
    }

    /// The record of the regular file at `rel` (not following a link there), as made from
    /// `key`; `None` when there is no such file.
    fn record(&self, rel: &str, key: u64) -> Option<FileRecord> {
        #[cfg(unix)]
        if let Some(fd) = &self.fd {
            use rustix::fs::{AtFlags, FileType};
            let st = rustix::fs::statat(fd, rel, AtFlags::SYMLINK_NOFOLLOW).ok()?;
            if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
                return None;
            }
            return Some(FileRecord {
                key,
                len: u64::try_from(st.st_size).ok()?,
                secs: u64::try_from(st.st_mtime).ok()?,
                nanos: u32::try_from(st.st_mtime_nsec).ok()?,
            });
        }
        let meta = std::fs::symlink_metadata(self.path.join(rel)).ok()?;
        meta.is_file().then(|| record(key, &meta)).flatten()
    }
}

/// The file that marks a folder as dafu's output. dafu replaces or deletes a folder only when
/// it carries this mark (or is empty): never a folder of someone else's files.
pub const MARKER: &str = ".dafu-output";
const MARKER_TEXT: &str = "This folder was written by dafu, the static site generator, and is replaced on every build.\nDo not keep other files in it: they are deleted.\n";

/// Whether `dir` is a real folder (not a link) that dafu wrote: it holds the marker.
pub fn is_ours(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
        && std::fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
}

/// An entry of a folder's tree: its path, depth and whether it is a folder.
struct Listed {
    path: PathBuf,
    depth: usize,
    dir: bool,
}

/// Every entry under `root`, contents before their folder; links are not followed (a link
/// is listed as itself).
fn list_tree(root: &Path) -> std::io::Result<Vec<Listed>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(root)
        .min_depth(1)
        .contents_first(true)
    {
        let entry = entry.map_err(std::io::Error::other)?;
        out.push(Listed {
            dir: entry.file_type().is_dir(),
            depth: entry.depth(),
            path: entry.into_path(),
        });
    }
    Ok(out)
}

/// Writes into a folder, creating parent folders as needed. A file that already holds the
/// same bytes is left alone, so unchanged pages keep their modification time (uploads with
/// rsync skip them) and the file system is spared the writes.
///
/// The first failure stops all later writes (a full disk is one problem, not thousands), and
/// so does `stop` (set when the build is interrupted).
pub struct DirSink {
    pub root: PathBuf,
    /// The same folder, for looking at its files.
    dir: Root,
    /// Files written whose record could not be taken (every other file written or kept is
    /// in `records`).
    unrecorded: Mutex<HashSet<String>>,
    /// What the folder held when the build began, listed while the build runs (walking tens
    /// of thousands of folders is a fifth of a one-reply build).
    listing: Mutex<Option<std::thread::JoinHandle<std::io::Result<Vec<Listed>>>>>,
    /// What the folder held when the build began (from the build cache), and what it holds
    /// now: files whose record matches are neither read nor written.
    known: Manifest,
    /// The output folder being replaced and its manifest: a large file it holds unchanged
    /// (an attachment) is linked from there instead of copied.
    live: Option<(Root, Manifest)>,
    records: Mutex<Manifest>,
    stop: Arc<AtomicBool>,
    failure: Mutex<Option<std::io::Error>>,
}

impl DirSink {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self::with_stop(root, Arc::new(AtomicBool::new(false)))
    }

    fn with_stop(root: impl Into<PathBuf>, stop: Arc<AtomicBool>) -> Self {
        let root = root.into();
        DirSink {
            dir: Root::new(root.clone()),
            root,
            unrecorded: Mutex::new(HashSet::new()),
            listing: Mutex::new(None),
            known: Manifest::default(),
            live: None,
            records: Mutex::new(Manifest::default()),
            stop,
            failure: Mutex::new(None),
        }
    }

    /// The files now in the folder and what they were made from.
    pub fn manifest(&self) -> Manifest {
        self.records.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Whether the file at `rel` was made from `key` and has not been touched since: then it
    /// is kept as it is (and counts as written).
    pub fn keep(&self, rel: &str, key: u64) -> bool {
        let Some(known) = self.known.get(rel).filter(|k| k.key == key) else {
            return false;
        };
        if self.dir.record(rel, key).as_ref() != Some(known) {
            return false;
        }
        self.note(rel, *known);
        true
    }

    /// Whether the file at `rel` is in the live output folder, made from `key` and untouched
    /// since: then it is hard-linked into this folder (no bytes copied) and counts as written.
    /// Falls back to `false` (the caller copies) where links are not possible.
    pub fn link_from_live(&self, rel: &str, key: u64) -> bool {
        self.link_live_as(rel, rel, key)
    }

    /// [`DirSink::link_from_live`], the live file at `from` linked here as `to` (a search
    /// card whose reply was renumbered).
    pub fn link_live_as(&self, from: &str, to: &str, key: u64) -> bool {
        let Some((live, manifest)) = &self.live else {
            return false;
        };
        let Some(known) = manifest.get(from).filter(|k| k.key == key) else {
            return false;
        };
        if live.record(from, key).as_ref() != Some(known) {
            return false;
        }
        let from = live.path.join(from);
        let path = self.root.join(to);
        if let Some(parent) = path.parent()
            && std::fs::create_dir_all(parent).is_err()
        {
            return false;
        }
        let _ = std::fs::remove_file(&path);
        if std::fs::hard_link(&from, &path).is_err() {
            return false;
        }
        self.note(to, *known);
        true
    }

    /// The bytes of the file at `rel` in the live output folder, when it was made from `key`
    /// and is untouched since (by its record, and by the hash of what is read back).
    pub fn read_live(&self, rel: &str, key: u64) -> Option<Vec<u8>> {
        let (live, manifest) = self.live.as_ref()?;
        let known = manifest.get(rel).filter(|k| k.key == key)?;
        if live.record(rel, key).as_ref() != Some(known) {
            return None;
        }
        let bytes = std::fs::read(live.path.join(rel)).ok()?;
        (crate::hashing::hash_of(&bytes[..]) == key).then_some(bytes)
    }

    fn note(&self, rel: &str, rec: FileRecord) {
        if let Ok(mut r) = self.records.lock() {
            r.insert(rel.to_string(), rec);
        }
    }

    /// Writes `bytes`, made from `key`, at `rel` (a file known to hold them is not touched).
    pub fn write_keyed(&self, rel: &str, bytes: &[u8], key: u64) -> std::io::Result<()> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::Interrupted,
                "the build was stopped",
            ));
        }
        if self.keep(rel, key) {
            return Ok(());
        }
        let path = self.root.join(rel);
        match self.write_file(&path, bytes) {
            Ok(()) => {
                // Looked at relative to the folder, as `keep` looks at it.
                if let Some(rec) = self.dir.record(rel, key) {
                    self.note(rel, rec);
                } else if let Ok(mut w) = self.unrecorded.lock() {
                    w.insert(rel.to_string());
                }
                Ok(())
            }
            Err(e) => {
                let text = format!("{}: {e}", path.display());
                if let Ok(mut f) = self.failure.lock()
                    && f.is_none()
                {
                    *f = Some(std::io::Error::new(e.kind(), text));
                }
                self.stop.store(true, Ordering::SeqCst);
                Err(e)
            }
        }
    }

    /// The first write that failed, if any: the build reports it once.
    pub fn failure(&self) -> Option<String> {
        self.failure
            .lock()
            .ok()
            .and_then(|f| f.as_ref().map(|e| e.to_string()))
    }

    /// Whether writing was stopped by an interruption.
    pub fn interrupted(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Deletes every file and folder under the root that this sink did not write.
    pub fn remove_unwritten(&self) -> std::io::Result<usize> {
        let poisoned = || std::io::Error::other("lock poisoned");
        let records = self.records.lock().map_err(|_| poisoned())?;
        let unrecorded = self.unrecorded.lock().map_err(|_| poisoned())?;
        let written = |path: &Path| {
            let Some(rel) = path.strip_prefix(&self.root).ok().and_then(Path::to_str) else {
                return false;
            };
            let rel = rel.replace(std::path::MAIN_SEPARATOR, "/");
            records.contains_key(&rel) || unrecorded.contains(&rel)
        };
        // What the folder held at the start (listed meanwhile), or now.
        let listed = self.listing.lock().ok().and_then(|mut l| l.take());
        let entries = match listed.map(|h| h.join()) {
            Some(Ok(Ok(entries))) => entries,
            _ => list_tree(&self.root)?,
        };
        let mut removed = 0;
        // `kept[d]`: whether the folder whose contents are at depth `d` keeps any of them.
        // Contents come before their folder, so a folder is known empty when it comes; only
        // those are removed (trying every folder cost a tenth of a one-reply build).
        let mut kept = vec![false; 2];
        for Listed { path, depth, dir } in entries {
            if kept.len() < depth + 2 {
                kept.resize(depth + 2, false);
            }
            let stays = if dir {
                let full = std::mem::take(&mut kept[depth + 1]);
                // Refused when not empty (files written since it was listed).
                full || std::fs::remove_dir(&path).is_err()
            } else if written(&path) {
                true
            } else {
                match std::fs::remove_file(&path) {
                    Ok(()) => removed += 1,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
                false
            };
            kept[depth] |= stays;
        }
        Ok(removed)
    }

    fn write_file(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let meta = std::fs::symlink_metadata(path).ok();
        let unchanged = meta
            .as_ref()
            .is_some_and(|m| m.is_file() && m.len() == bytes.len() as u64)
            && std::fs::read(path).is_ok_and(|old| old == bytes);
        if unchanged {
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        match meta {
            // A folder where a file now belongs is replaced; a link is replaced, never
            // written through; so is a file, which may be a hard link shared with the live
            // output (see `link_from_live`) and must not change under it.
            Some(m) if m.is_dir() => std::fs::remove_dir_all(path)?,
            Some(_) => std::fs::remove_file(path)?,
            None => {}
        }
        std::fs::write(path, bytes)
    }
}

impl Sink for DirSink {
    fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.write_keyed(rel, bytes, crate::hashing::hash_of(bytes))
    }
}

/// Why an output folder cannot be used; the text says what to do.
#[derive(Debug)]
pub struct Refused(pub crate::messages::Msg);

/// A staging folder next to `output`, swapped in by [`Staging::commit`].
///
/// The previous output is kept after a swap (as `.NAME.dafu-prev`) and becomes the next
/// build's staging folder: most of its files are already right, and rewriting files in place
/// is much cheaper than deleting a tree of tens of thousands of files and creating it anew.
/// A build that fails or is interrupted turns its staging folder back into `.NAME.dafu-prev`
/// for the next build; one that was killed leaves `.NAME.dafu-staging-PID`, which the next
/// build takes over. Every folder dafu renames, reuses or deletes carries [`MARKER`].
pub struct Staging {
    pub dir: PathBuf,
    /// Whether the folder is the previous output (`.NAME.dafu-prev`), whose manifest the
    /// build cache may know.
    pub from_prev: bool,
    output: PathBuf,
    sink: DirSink,
    committed: bool,
}

/// `.NAME.dafu-SUFFIX` beside the output folder `NAME`.
pub fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".into());
    output.with_file_name(format!(".{name}.dafu-{suffix}"))
}

/// Whether a process with this id runs (Linux: /proc; elsewhere unknown, `None`).
fn process_alive(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    proc.is_dir().then(|| proc.join(pid.to_string()).exists())
}

/// Staging folders of builds that are no longer running (killed, or the machine went down).
fn stale_stagings(output: &Path) -> Vec<PathBuf> {
    let Some(parent) = output.parent() else {
        return Vec::new();
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let prefix = sibling(output, "staging-")
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(&prefix)
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let path = e.path();
        if pid == std::process::id() || !is_ours(&path) {
            continue;
        }
        let stale = match process_alive(pid) {
            Some(alive) => !alive,
            // Without /proc: a day without change means nobody is building there.
            None => e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 86_400),
        };
        if stale {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Checks that dafu may replace `output`: a folder it wrote, an empty folder, or nothing.
pub fn check_output(output: &Path) -> Result<(), Refused> {
    let Ok(meta) = std::fs::symlink_metadata(output) else {
        return Ok(());
    };
    let shown = output.display();
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(output)
            .map(|t| t.display().to_string())
            .unwrap_or_else(|_| "?".into());
        return Err(Refused(crate::msg!(
            "output-is-link",
            folder = shown.to_string(),
            target = target
        )));
    }
    if !meta.is_dir() {
        return Err(Refused(crate::msg!(
            "output-is-file",
            folder = shown.to_string()
        )));
    }
    if is_ours(output) {
        return Ok(());
    }
    let empty = std::fs::read_dir(output).is_ok_and(|mut d| d.next().is_none());
    if empty {
        return Ok(());
    }
    Err(Refused(crate::msg!(
        "output-not-ours",
        folder = shown.to_string(),
        marker = MARKER
    )))
}

impl Staging {
    /// A staging folder for `output`; writes stop when `stop` is set.
    pub fn new(output: &Path, stop: Arc<AtomicBool>) -> Result<Staging, crate::messages::Msg> {
        let output = if output.file_name().is_none() {
            output.join("public")
        } else {
            output.to_path_buf()
        };
        check_output(&output).map_err(|r| r.0)?;
        let io = |p: &Path, e: std::io::Error| {
            crate::msg!(
                "io-folder",
                folder = p.display().to_string(),
                error = e.to_string()
            )
        };
        if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        let dir = sibling(&output, &format!("staging-{}", std::process::id()));
        if std::fs::symlink_metadata(&dir).is_ok() {
            if !is_ours(&dir) {
                return Err(crate::msg!(
                    "staging-not-ours",
                    folder = dir.display().to_string()
                ));
            }
            std::fs::remove_dir_all(&dir).map_err(|e| io(&dir, e))?;
        }
        // Reuse, in order: the previous output, a killed build's staging folder; the other
        // stale staging folders are removed (they are dafu's own, by their marker).
        let prev = sibling(&output, "prev");
        let mut candidates = Vec::new();
        if is_ours(&prev) {
            candidates.push(prev.clone());
        }
        candidates.extend(stale_stagings(&output));
        let mut reused = false;
        let mut from_prev = false;
        for c in candidates {
            if !reused && std::fs::rename(&c, &dir).is_ok() {
                reused = true;
                from_prev = c == prev;
            } else if is_ours(&c) {
                let _ = std::fs::remove_dir_all(&c);
            }
        }
        if !reused {
            std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        }
        let sink = DirSink::with_stop(&dir, stop);
        // The marker first: a build killed from here on leaves a folder the next one knows.
        sink.write(MARKER, MARKER_TEXT.as_bytes())
            .map_err(|e| io(&dir, e))?;
        if reused {
            let root = dir.clone();
            if let Ok(mut l) = sink.listing.lock() {
                *l = Some(std::thread::spawn(move || list_tree(&root)));
            }
        }
        Ok(Staging {
            dir,
            from_prev,
            output,
            sink,
            committed: false,
        })
    }

    pub fn sink(&self) -> &DirSink {
        &self.sink
    }

    /// Tells the sink what the folder holds (see [`DirSink::keep`]).
    pub fn set_known(&mut self, known: Manifest) {
        self.sink.known = known;
    }

    /// Tells the sink what the output folder being replaced holds (see
    /// [`DirSink::link_from_live`]).
    pub fn set_live(&mut self, manifest: Manifest) {
        self.sink.live = Some((Root::new(self.output.clone()), manifest));
    }

    /// Replaces the output with the staged tree; the old output is kept for the next build.
    pub fn commit(mut self) -> Result<(), crate::messages::Msg> {
        // Checked again: the output may have changed while the site was rendered.
        check_output(&self.output).map_err(|r| r.0)?;
        self.swap().map_err(|e| {
            crate::msg!(
                "publish-failed",
                folder = self.output.display().to_string(),
                error = e.to_string()
            )
        })
    }

    fn swap(&mut self) -> std::io::Result<()> {
        self.sink.remove_unwritten()?;
        let prev = sibling(&self.output, "prev");
        if is_ours(&prev) {
            std::fs::remove_dir_all(&prev)?;
        }
        let had_output = std::fs::symlink_metadata(&self.output).is_ok();
        let keep_as_prev = std::fs::symlink_metadata(&prev).is_err();
        if had_output {
            if keep_as_prev {
                std::fs::rename(&self.output, &prev)?;
            } else if is_ours(&self.output) {
                std::fs::remove_dir_all(&self.output)?;
            } else {
                // An empty folder (checked above).
                std::fs::remove_dir(&self.output)?;
            }
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.output) {
            if had_output && keep_as_prev {
                // Put the previous site back rather than leave nothing.
                let _ = std::fs::rename(&prev, &self.output);
            }
            return Err(e);
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        // Failed or interrupted: keep the tree for the next build (as the previous output)
        // when there is none, else remove it.
        let prev = sibling(&self.output, "prev");
        if std::fs::symlink_metadata(&prev).is_err() && std::fs::rename(&self.dir, &prev).is_ok() {
            return;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_swaps_and_drop_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join(MARKER), "").unwrap();
        std::fs::write(out.join("old.html"), "old").unwrap();

        let failed = Staging::new(&out, Arc::default()).unwrap();
        failed.sink().write("a/index.html", b"new").unwrap();
        let staged = failed.dir.clone();
        drop(failed);
        assert!(!staged.exists());
        // Kept for the next build, as the previous output.
        assert!(is_ours(&sibling(&out, "prev")));
        assert_eq!(
            std::fs::read_to_string(out.join("old.html")).unwrap(),
            "old"
        );

        let ok = Staging::new(&out, Arc::default()).unwrap();
        ok.sink().write("a/index.html", b"new").unwrap();
        ok.commit().unwrap();
        assert!(!out.join("old.html").exists());
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "new"
        );
    }

    #[test]
    fn recycled_staging_drops_stale_files_and_keeps_unchanged_ones() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        for round in 0..3 {
            let s = Staging::new(&out, Arc::default()).unwrap();
            s.sink().write("same/index.html", b"same").unwrap();
            s.sink()
                .write(&format!("round{round}/index.html"), b"x")
                .unwrap();
            // A folder whose only contents are a folder goes too.
            s.sink()
                .write(&format!("nest{round}/inner/index.html"), b"x")
                .unwrap();
            s.commit().unwrap();
            let names: Vec<String> = std::fs::read_dir(&out)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            let mut names = names;
            names.sort();
            assert_eq!(
                names,
                vec![
                    MARKER.to_string(),
                    format!("nest{round}"),
                    format!("round{round}"),
                    "same".to_string()
                ],
                "round {round}"
            );
        }
        // A file put into the kept previous output is not published with the next one.
        let prev = sibling(&out, "prev");
        std::fs::create_dir_all(prev.join("planted")).unwrap();
        std::fs::write(prev.join("planted/x.html"), "<script>").unwrap();
        let s = Staging::new(&out, Arc::default()).unwrap();
        s.sink().write("same/index.html", b"same").unwrap();
        s.commit().unwrap();
        assert!(!out.join("planted").exists());
        let mtime = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
        // Every copy of the file was written before now.
        let before = std::time::SystemTime::now();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let s = Staging::new(&out, Arc::default()).unwrap();
        s.sink().write("same/index.html", b"same").unwrap();
        s.commit().unwrap();
        // The recycled copy is two builds old but held the same bytes: not rewritten.
        assert!(mtime(&out.join("same/index.html")) <= before);
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }

    #[test]
    fn a_folder_dafu_did_not_write_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let docs = dir.path().join("Documents");
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::write(docs.join("thesis.docx"), "mine").unwrap();
        for _ in 0..2 {
            let err = Staging::new(&docs, Arc::default()).err().unwrap();
            assert!(err.en().contains("not written by dafu"), "{err:?}");
        }
        assert_eq!(names(&docs), vec!["thesis.docx"]);
        assert_eq!(names(dir.path()), vec!["Documents"]);
        // An empty folder is fine, and becomes dafu's.
        let empty = dir.path().join("empty");
        std::fs::create_dir_all(&empty).unwrap();
        let s = Staging::new(&empty, Arc::default()).unwrap();
        s.sink().write("index.html", b"x").unwrap();
        s.commit().unwrap();
        assert!(is_ours(&empty));
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_output_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let www = dir.path().join("www");
        std::fs::create_dir_all(www.join("other-app")).unwrap();
        std::fs::write(www.join("other-app/index.php"), "x").unwrap();
        let public = dir.path().join("public");
        std::os::unix::fs::symlink(&www, &public).unwrap();
        for _ in 0..2 {
            let err = Staging::new(&public, Arc::default()).err().unwrap();
            assert!(err.en().contains("symbolic link"), "{err:?}");
        }
        assert_eq!(names(&www), vec!["other-app"]);
        assert!(
            std::fs::symlink_metadata(&public)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        // Even a link that points at a dafu output is not built through.
        std::fs::write(www.join(MARKER), "").unwrap();
        assert!(Staging::new(&public, Arc::default()).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_left_in_the_recycled_tree_is_replaced_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = Staging::new(&out, Arc::default()).unwrap();
        s.sink().write("a.html", b"1").unwrap();
        s.commit().unwrap();
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "keep").unwrap();
        std::fs::remove_file(out.join("a.html")).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("a.html")).unwrap();
        // Two builds: the second recycles the tree with the link in it.
        for _ in 0..2 {
            let s = Staging::new(&out, Arc::default()).unwrap();
            s.sink().write("a.html", b"2").unwrap();
            s.commit().unwrap();
        }
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "2");
    }

    #[test]
    fn a_killed_builds_staging_folder_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        // What a killed build leaves: a marked staging folder of a process that is gone.
        let dead = sibling(&out, "staging-4000000000");
        std::fs::create_dir_all(dead.join("replies")).unwrap();
        std::fs::write(dead.join(MARKER), "").unwrap();
        std::fs::write(dead.join("replies/a.html"), "same").unwrap();
        let s = Staging::new(&out, Arc::default()).unwrap();
        s.sink().write("replies/a.html", b"same").unwrap();
        s.commit().unwrap();
        assert!(!dead.exists());
        assert_eq!(names(dir.path()), vec!["public"]);
        // A foreign folder with a staging-like name is not touched.
        let foreign = sibling(&out, "staging-4000000001");
        std::fs::create_dir_all(&foreign).unwrap();
        std::fs::write(foreign.join("x"), "").unwrap();
        let s = Staging::new(&out, Arc::default()).unwrap();
        s.commit().unwrap();
        assert!(foreign.join("x").exists());
    }

    #[test]
    fn the_first_failed_write_stops_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let sink = DirSink::new(dir.path());
        std::fs::write(dir.path().join("file"), "").unwrap();
        // A file where a folder must go: the write fails.
        assert!(sink.write("file/a.html", b"x").is_err());
        assert!(sink.write("b.html", b"x").is_err());
        assert!(!dir.path().join("b.html").exists());
        let f = sink.failure().unwrap();
        assert!(f.contains("file/a.html"), "{f}");
    }

    #[test]
    fn a_file_known_unchanged_is_kept_and_a_touched_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let first = DirSink::new(dir.path());
        first.write_keyed("a.html", b"A", 7).unwrap();
        first.write("b.css", b"B").unwrap();
        let manifest = first.manifest();
        assert_eq!(manifest.len(), 2);
        assert_eq!(manifest["a.html"].key, 7);

        let mut second = DirSink::new(dir.path());
        second.known = manifest.clone();
        assert!(second.keep("a.html", 7), "same key, untouched");
        assert!(!second.keep("a.html", 8), "another key");
        assert!(!second.keep("c.html", 7), "never written");
        // Touched behind dafu's back (another size): made again.
        std::fs::write(dir.path().join("b.css"), b"BB").unwrap();
        assert!(!second.keep("b.css", manifest["b.css"].key));
        // Kept files count as written: the sweep leaves them, and removes what was not kept.
        second.remove_unwritten().unwrap();
        assert!(dir.path().join("a.html").exists());
        assert!(!dir.path().join("b.css").exists());
        assert_eq!(second.manifest().len(), 1);
    }

    #[test]
    fn pages_are_held_compressed_and_given_back_as_written() {
        let html = "<!DOCTYPE html><p>答复</p>".repeat(50);
        let packer = Packer::holding_all();
        let packed = packer.pack("a/index.html", html.as_bytes());
        assert!(packed.is_held());
        assert!(packed.stored().unwrap().len() < html.len() / 4);
        assert_eq!(&*packed.published("a/index.html").unwrap(), html.as_bytes());
        let css = packer.pack("a.css", b"p{}");
        assert_eq!(&*css.stored().unwrap(), b"p{}");
        assert_eq!(&*css.published("a.css").unwrap(), b"p{}");
    }

    #[test]
    fn beyond_its_bound_a_packer_spills_and_reads_back() {
        let html = "<!DOCTYPE html><p>答复</p>".repeat(50);
        let packer = Packer::spilling(1);
        let (a, b) = (
            packer.pack("a/index.html", html.as_bytes()),
            packer.pack("b.css", b"p{}"),
        );
        assert!(!a.is_held() && !b.is_held());
        assert_eq!(&*a.published("a/index.html").unwrap(), html.as_bytes());
        assert_eq!(&*b.published("b.css").unwrap(), b"p{}");
        // Within the bound, held.
        let roomy = Packer::spilling(1 << 20);
        assert!(roomy.pack("a/index.html", html.as_bytes()).is_held());
    }

    #[test]
    fn a_spill_file_mostly_dead_is_compacted_to_the_live_blobs() {
        let mut packer = Packer::spilling(0);
        packer.compact_beyond(0);
        let page = |n: usize| format!("<p>{n}</p>").repeat(n);
        // Pages made three times over: two thirds of the file dead.
        let mut live: Vec<(String, Blob)> = Vec::new();
        for round in 0..3 {
            live = (1..20)
                .map(|n| {
                    let path = format!("p{n}/index.html");
                    let blob = packer.pack(&path, page(n + round).as_bytes());
                    (path, blob)
                })
                .collect();
        }
        // The same blob twice (a page cache and a served map): copied once.
        let mut twin = live[3].1.clone();
        let before = packer.spilled_bytes();
        let live_bytes: u64 = live
            .iter()
            .map(|(_, b)| b.stored().unwrap().len() as u64)
            .sum();
        assert!(before >= 3 * live_bytes);
        let old = live[0].1.clone();
        assert!(packer.worth_compacting(live.iter().map(|(_, b)| b).chain([&twin])));
        assert!(packer.compact(live.iter_mut().map(|(_, b)| b).chain([&mut twin])));
        assert_eq!(packer.spilled_bytes(), live_bytes);
        for (n, (path, blob)) in live.iter().enumerate() {
            assert_eq!(&*blob.published(path).unwrap(), page(n + 1 + 2).as_bytes());
        }
        assert!(twin == live[3].1);
        // A blob left out still reads from the old file.
        assert_eq!(
            &*old.published("p1/index.html").unwrap(),
            page(3).as_bytes()
        );
        // Appends go to the new file; nothing dead, so no second compaction.
        let next = packer.pack("x.css", b"p{}");
        assert_eq!(packer.spilled_bytes(), live_bytes + 3);
        assert!(!packer.worth_compacting(live.iter().map(|(_, b)| b)));
        assert_eq!(&*next.published("x.css").unwrap(), b"p{}");
        // Below its threshold, left alone.
        let mut lazy = Packer::spilling(0);
        let b = lazy.pack("a.css", b"a");
        lazy.pack("a.css", b"b");
        lazy.pack("a.css", b"c");
        assert!(
            !lazy.worth_compacting([&b]),
            "2 dead bytes are under 256 MB"
        );
        // Above it, the blobs are looked at only once the file grew by a quarter of it.
        lazy.compact_beyond(1);
        assert!(lazy.worth_compacting([&b]), "2 dead bytes, 1 live");
        lazy.compact_beyond(4);
        lazy.pack("a.css", b"d");
        lazy.pack("a.css", b"e");
        assert!(!lazy.worth_compacting([&b]), "4 dead bytes are not past 4");
        lazy.pack("a.css", b"f");
        assert!(lazy.worth_compacting([&b]), "5 dead bytes are");
    }

    #[test]
    fn gunzip_reads_what_gzip_wrote_and_refuses_what_is_not_gzip() {
        let text = "答复".repeat(1000);
        let gz = gzip(text.as_bytes());
        assert_eq!(gunzip(&gz).unwrap(), text.as_bytes());
        assert_eq!(gunzip(&gzip(b"")).unwrap(), b"");
        // A trailer that lies about the size, a stream cut short, not gzip at all.
        let mut lying = gz.clone();
        let n = lying.len();
        lying[n - 4..].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(gunzip(&lying).is_none());
        assert!(gunzip(&gz[..gz.len() / 2]).is_none());
        assert!(gunzip(b"not gzip").is_none());
        assert!(gunzip(b"").is_none());
    }
}
