//! The build cache of `dafu build`, kept in `.NAME.dafu-cache/` beside the output folder
//! `NAME` (never inside it: the output is uploaded as it is). It holds what the next build
//! needs to redo only what changed:
//!
//! - `sources.json` and `texts.bin`: each valid content file's size, time, text hash, its
//!   reply (front matter checked) and its plain text (for feeds and search; UTF-16LE, as
//!   dafu holds it);
//! - `output.json` and `prev.json`: the manifests of the output folder and of the previous
//!   output (`.NAME.dafu-prev`, the next build's starting point): each file's fingerprint,
//!   size and time. A file whose size or time changed since is made again.
//!
//! The cache only saves time: deleting it, or any damage to it, means a full build. It is
//! ignored when dafu's version, the cache format, site.toml or the build's options changed.

use crate::plaintext::PlainText;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::build::BuildOptions;
use crate::hashing::hash_of;
use crate::output::Manifest;
use crate::reply::Reply;

use super::machine::State as MachineState;
use super::sources::Source;

const FORMAT: u32 = 2;
const MARKER_TEXT: &str =
    "dafu's build cache: safe to delete (the next build is then a full one).\n";

/// The cache folder of an output folder.
pub fn cache_dir(output: &Path) -> PathBuf {
    crate::output::sibling(output, "cache")
}

/// `sources.json`. Saved from borrowed replies (`R = &Reply`: nothing is copied), loaded
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
    body_fp: u64,
    /// Without its body (not serialized).
    reply: R,
    /// Range of its plain text in `texts.bin`, in UTF-16 code units.
    text: (usize, usize),
}

/// What a cache holds for the next build.
pub struct Cache {
    pub sources: FxHashMap<PathBuf, Source>,
    pub output: Option<Manifest>,
    pub prev: Option<Manifest>,
    pub machine: Option<MachineState>,
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
            machine: None,
        });
    }
    let dir = cache_dir(output);
    if !crate::output::is_ours(&dir) {
        return None;
    }
    let mut index: Index<Reply, MachineState> = read_json(&dir.join("sources.json"))?;
    if index.format != FORMAT || index.dafu != env!("CARGO_PKG_VERSION") || index.key != key(opts) {
        return None;
    }
    let machine = index.machine.take();
    // Read text by text (they follow each other in the files' order): the file is never
    // in memory beside the texts made from it.
    let mut texts = std::io::BufReader::new(std::fs::File::open(dir.join("texts.bin")).ok()?);
    let mut at = 0;
    let mut buf = Vec::new();
    let mut sources = FxHashMap::default();
    for f in index.files {
        if f.text.0 != at || f.text.1 < at {
            return None;
        }
        buf.resize((f.text.1 - at) * 2, 0);
        texts.read_exact(&mut buf).ok()?;
        at = f.text.1;
        let units = buf
            .chunks_exact(2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect();
        let text = PlainText::from_units(units)?;
        let modified = SystemTime::UNIX_EPOCH + Duration::new(f.secs, f.nanos);
        sources.insert(
            opts.root.join(&f.path),
            Source {
                modified: Some(modified),
                len: f.len,
                text_hash: f.text_hash,
                validated: Some((index.config, Ok(Arc::new(f.reply)))),
                body_fp: f.body_fp,
                text: Some(text),
                incomplete_draft: false,
            },
        );
    }
    Some(Cache {
        sources,
        output: read_json(&dir.join("output.json")),
        prev: read_json(&dir.join("prev.json")),
        machine,
    })
}

/// Writes `value` as JSON into a temporary file, then renames it into place.
fn write_json(path: &Path, value: &impl Serialize) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
    serde_json::to_writer(&mut w, value)?;
    w.flush()?;
    drop(w);
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
    machine: Option<&MachineState>,
    manifest: &Manifest,
    prev: Option<&Manifest>,
) -> std::io::Result<()> {
    let dir = open_dir(output)?;
    // Texts first, streamed (they are the bulk): an index never points into texts it was
    // not written with.
    let _ = std::fs::remove_file(dir.join("sources.json"));
    let tmp = dir.join("texts.tmp");
    let mut texts = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
    let mut at = 0;
    let mut files = Vec::with_capacity(sources.len());
    let mut paths: Vec<&PathBuf> = sources.keys().collect();
    paths.sort();
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
        let bytes: Vec<u8> = text.units().iter().flat_map(|u| u.to_le_bytes()).collect();
        texts.write_all(&bytes)?;
        files.push(FileEntry {
            path: path.strip_prefix(&opts.root).unwrap_or(path).to_path_buf(),
            secs: t.as_secs(),
            nanos: t.subsec_nanos(),
            len: s.len,
            text_hash: s.text_hash,
            body_fp: s.body_fp,
            reply: &**reply,
            text: (at, at + text.units().len()),
        });
        at += text.units().len();
    }
    texts.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&tmp, dir.join("texts.bin"))?;
    let index = Index {
        format: FORMAT,
        dafu: env!("CARGO_PKG_VERSION").into(),
        key: key(opts),
        config,
        files,
        machine,
    };
    write_json(&dir.join("sources.json"), &index)?;
    match prev {
        Some(p) => write_json(&dir.join("prev.json"), p)?,
        None => {
            let _ = std::fs::remove_file(dir.join("prev.json"));
        }
    }
    write_json(&dir.join("output.json"), manifest)
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
        let manifest = Manifest::new();
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
        assert_eq!(loaded.text, Some(PlainText::new("正文一段。")));
        assert_eq!(
            (loaded.text_hash, loaded.body_fp),
            (kept.text_hash, kept.body_fp)
        );
        assert_eq!(loaded.modified, kept.modified);
        assert!(cache.output.is_some() && cache.prev.is_none());
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
        std::fs::write(foreign.join("sources.json"), "{}").unwrap();
        let opts = BuildOptions::new(dir.path());
        assert!(load(&opts, &output).is_none());
        let err = save(
            &opts,
            &output,
            0,
            &FxHashMap::default(),
            None,
            &Manifest::new(),
            None,
        );
        assert!(err.is_err());
        assert_eq!(
            std::fs::read_to_string(foreign.join("sources.json")).unwrap(),
            "{}"
        );
    }
}
