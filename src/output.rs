//! Stage 5, output: pages are written into a staging folder beside the output, which is
//! swapped in only when the whole build succeeded. A failed or interrupted build leaves the
//! previous output as it was.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Where rendered files go.
pub trait Sink: Sync {
    /// Writes `bytes` at the output-relative path `rel` (`/`-separated, no leading slash).
    fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()>;
}

/// Keeps every file in memory: for `dafu check` (nothing is written) and `dafu serve`.
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<std::collections::BTreeMap<String, Vec<u8>>>,
}

impl MemorySink {
    pub fn new() -> Self {
        Self::default()
    }
    /// The files written, by output-relative path.
    pub fn into_files(self) -> std::collections::BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_default()
    }
}

impl Sink for MemorySink {
    fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.files
            .lock()
            .map_err(|_| std::io::Error::other("lock poisoned"))?
            .insert(rel.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// Writes into a folder, creating parent folders as needed. A file that already holds the
/// same bytes is left alone, so unchanged pages keep their modification time (uploads with
/// rsync skip them) and the file system is spared the writes.
pub struct DirSink {
    pub root: PathBuf,
    written: Mutex<HashSet<PathBuf>>,
}

impl DirSink {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DirSink {
            root: root.into(),
            written: Mutex::new(HashSet::new()),
        }
    }

    /// Deletes every file and folder under the root that this sink did not write.
    pub fn remove_unwritten(&self) -> std::io::Result<usize> {
        let written = self
            .written
            .lock()
            .map_err(|_| std::io::Error::other("lock poisoned"))?;
        let mut removed = 0;
        let mut dirs = Vec::new();
        for entry in walkdir::WalkDir::new(&self.root)
            .min_depth(1)
            .contents_first(true)
        {
            let entry = entry.map_err(std::io::Error::other)?;
            let path = entry.path();
            if entry.file_type().is_dir() {
                dirs.push(path.to_path_buf());
            } else if !written.contains(path) {
                std::fs::remove_file(path)?;
                removed += 1;
            }
        }
        for d in dirs {
            // Only empty folders go; `remove_dir` refuses the others.
            let _ = std::fs::remove_dir(&d);
        }
        Ok(removed)
    }
}

impl Sink for DirSink {
    fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.root.join(rel);
        let unchanged = std::fs::metadata(&path)
            .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
            && std::fs::read(&path).is_ok_and(|old| old == bytes);
        if !unchanged {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            // A folder where a file now belongs (or the reverse) is replaced.
            if path.is_dir() {
                std::fs::remove_dir_all(&path)?;
            }
            std::fs::write(&path, bytes)?;
        }
        if let Ok(mut w) = self.written.lock() {
            w.insert(path);
        }
        Ok(())
    }
}

/// A staging folder next to `output`; removed on drop unless committed.
///
/// The previous output is kept after a swap (as `.NAME.dafu-prev`) and becomes the next
/// build's staging folder: most of its files are already right, and rewriting files in place
/// is much cheaper than deleting a tree of tens of thousands of files and creating it anew.
pub struct Staging {
    pub dir: PathBuf,
    output: PathBuf,
    sink: DirSink,
    committed: bool,
}

fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".into());
    output.with_file_name(format!(".{name}.dafu-{suffix}"))
}

impl Staging {
    pub fn new(output: &Path) -> std::io::Result<Staging> {
        let output = if output.file_name().is_none() {
            output.join("public")
        } else {
            output.to_path_buf()
        };
        if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let dir = sibling(&output, &format!("staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        let prev = sibling(&output, "prev");
        if prev.is_dir() && std::fs::rename(&prev, &dir).is_ok() {
            // Reused: stale files are removed before commit.
        } else {
            std::fs::create_dir_all(&dir)?;
        }
        let sink = DirSink::new(&dir);
        Ok(Staging {
            dir,
            output,
            sink,
            committed: false,
        })
    }

    pub fn sink(&self) -> &DirSink {
        &self.sink
    }

    /// Replaces the output with the staged tree; the old output is kept for the next build.
    pub fn commit(mut self) -> std::io::Result<()> {
        self.sink.remove_unwritten()?;
        let prev = sibling(&self.output, "prev");
        if prev.exists() {
            std::fs::remove_dir_all(&prev)?;
        }
        let had_output = self.output.exists();
        if had_output {
            std::fs::rename(&self.output, &prev)?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.output) {
            if had_output {
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
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
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
        std::fs::write(out.join("old.html"), "old").unwrap();

        let failed = Staging::new(&out).unwrap();
        failed.sink().write("a/index.html", b"new").unwrap();
        let staged = failed.dir.clone();
        drop(failed);
        assert!(!staged.exists());
        assert_eq!(
            std::fs::read_to_string(out.join("old.html")).unwrap(),
            "old"
        );

        let ok = Staging::new(&out).unwrap();
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
            let s = Staging::new(&out).unwrap();
            s.sink().write("same/index.html", b"same").unwrap();
            s.sink()
                .write(&format!("round{round}/index.html"), b"x")
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
                vec![format!("round{round}"), "same".to_string()],
                "round {round}"
            );
        }
        let mtime = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
        // Every copy of the file was written before now.
        let before = std::time::SystemTime::now();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let s = Staging::new(&out).unwrap();
        s.sink().write("same/index.html", b"same").unwrap();
        s.commit().unwrap();
        // The recycled copy is two builds old but held the same bytes: not rewritten.
        assert!(mtime(&out.join("same/index.html")) <= before);
    }
}
