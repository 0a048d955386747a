//! The build cache of `dafu build`, kept in `.NAME.dafu-cache/` beside the output folder
//! `NAME` (never inside it: the output is uploaded as it is). It holds what the next build
//! needs to redo only what changed:
//!
//! - `sources.json` and `texts.bin`: each valid content file's size, time, text hash, its
//!   reply (front matter checked) and its plain text (for feeds and search);
//! - `output.json` and `prev.json`: the manifests of the output folder and of the previous
//!   output (`.NAME.dafu-prev`, the next build's starting point): each file's fingerprint,
//!   size and time. A file whose size or time changed since is made again.
//!
//! The cache only saves time: deleting it, or any damage to it, means a full build. It is
//! ignored when dafu's version, the cache format, site.toml or the build's options changed.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::build::BuildOptions;
use crate::hashing::hash_of;
use crate::output::Manifest;
use crate::reply::Reply;

use super::sources::Source;

const FORMAT: u32 = 1;
const MARKER_TEXT: &str =
    "dafu's build cache: safe to delete (the next build is then a full one).\n";

/// The cache folder of an output folder.
pub fn cache_dir(output: &Path) -> PathBuf {
    crate::output::sibling(output, "cache")
}

#[derive(Serialize, Deserialize)]
struct Index {
    format: u32,
    dafu: String,
    key: u64,
    /// The configuration hash the replies were validated with.
    config: u64,
    files: Vec<FileEntry>,
}

#[derive(Serialize, Deserialize)]
struct FileEntry {
    /// Relative to the site folder.
    path: PathBuf,
    secs: u64,
    nanos: u32,
    len: u64,
    text_hash: u64,
    body_fp: u64,
    reply: Reply,
    /// Byte range of its plain text in `texts.bin`.
    text: (usize, usize),
}

/// What a cache holds for the next build.
pub struct Cache {
    pub sources: FxHashMap<PathBuf, Source>,
    pub output: Option<Manifest>,
    pub prev: Option<Manifest>,
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

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The cache for `output`, if there is a usable one (with `no_cache`, only its manifests).
/// Damage means no cache.
pub fn load(opts: &BuildOptions, output: &Path) -> Option<Cache> {
    if opts.no_cache {
        let dir = cache_dir(output);
        return crate::output::is_ours(&dir).then(|| Cache {
            sources: FxHashMap::default(),
            output: read_json(&dir.join("output.json")),
            prev: None,
        });
    }
    let dir = cache_dir(output);
    if !crate::output::is_ours(&dir) {
        return None;
    }
    let index: Index = read_json(&dir.join("sources.json"))?;
    if index.format != FORMAT || index.dafu != env!("CARGO_PKG_VERSION") || index.key != key(opts) {
        return None;
    }
    let texts = String::from_utf8(std::fs::read(dir.join("texts.bin")).ok()?).ok()?;
    let mut sources = FxHashMap::default();
    for f in index.files {
        let text = texts.get(f.text.0..f.text.1)?;
        let modified = SystemTime::UNIX_EPOCH + Duration::new(f.secs, f.nanos);
        sources.insert(
            opts.root.join(&f.path),
            Source {
                modified: Some(modified),
                len: f.len,
                text_hash: f.text_hash,
                validated: Some((index.config, Ok(f.reply))),
                body_fp: f.body_fp,
                rendered: None,
                text: Some(Arc::from(text)),
                problems: Vec::new(),
            },
        );
    }
    Some(Cache {
        sources,
        output: read_json(&dir.join("output.json")),
        prev: read_json(&dir.join("prev.json")),
    })
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
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
        let _ = std::fs::remove_file(dir.join("prev.json"));
    }
}

/// Saves the cache after a build was published: `output` is what the output folder now
/// holds, `prev` what the previous output holds (the output before this build).
pub fn save(
    opts: &BuildOptions,
    output: &Path,
    config: u64,
    sources: &FxHashMap<PathBuf, Source>,
    manifest: &Manifest,
    prev: Option<&Manifest>,
) -> std::io::Result<()> {
    let dir = open_dir(output)?;
    let mut texts = String::new();
    let mut files = Vec::with_capacity(sources.len());
    let mut paths: Vec<&PathBuf> = sources.keys().collect();
    paths.sort();
    for path in paths {
        let s = &sources[path];
        let (Some(reply), Some(text), Some(modified)) = (s.reply(), &s.text, s.modified) else {
            continue;
        };
        if !s.problems.is_empty() || !matches!(&s.validated, Some((c, _)) if *c == config) {
            continue;
        }
        let Ok(t) = modified.duration_since(SystemTime::UNIX_EPOCH) else {
            continue;
        };
        let start = texts.len();
        texts.push_str(text);
        let mut reply = reply.clone();
        reply.body = Arc::from("");
        files.push(FileEntry {
            path: path.strip_prefix(&opts.root).unwrap_or(path).to_path_buf(),
            secs: t.as_secs(),
            nanos: t.subsec_nanos(),
            len: s.len,
            text_hash: s.text_hash,
            body_fp: s.body_fp,
            reply,
            text: (start, texts.len()),
        });
    }
    let index = Index {
        format: FORMAT,
        dafu: env!("CARGO_PKG_VERSION").into(),
        key: key(opts),
        config,
        files,
    };
    // Texts first: an index never points into texts it was not written with.
    let _ = std::fs::remove_file(dir.join("sources.json"));
    write_atomic(&dir.join("texts.bin"), texts.as_bytes())?;
    write_atomic(&dir.join("sources.json"), &serde_json::to_vec(&index)?)?;
    match prev {
        Some(p) => write_atomic(&dir.join("prev.json"), &serde_json::to_vec(p)?)?,
        None => {
            let _ = std::fs::remove_file(dir.join("prev.json"));
        }
    }
    write_atomic(&dir.join("output.json"), &serde_json::to_vec(manifest)?)
}
