//! Stage 5, output: pages are written into a staging folder beside the output, which is
//! swapped in only when the whole build succeeded. A failed or interrupted build leaves the
//! previous output as it was.

use std::path::{Path, PathBuf};

/// Where rendered files go.
pub trait Sink: Sync {
    /// Writes `bytes` at the output-relative path `rel` (`/`-separated, no leading slash).
    fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()>;
}

/// Writes into a folder, creating parent folders as needed.
pub struct DirSink {
    pub root: PathBuf,
}

impl Sink for DirSink {
    fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)
    }
}

/// A staging folder next to `output`; removed on drop unless committed.
pub struct Staging {
    pub dir: PathBuf,
    output: PathBuf,
    committed: bool,
}

impl Staging {
    pub fn new(output: &Path) -> std::io::Result<Staging> {
        let parent = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "public".into());
        let dir = parent.join(format!(".{name}.dafu-staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
            committed: false,
        })
    }

    pub fn sink(&self) -> DirSink {
        DirSink {
            root: self.dir.clone(),
        }
    }

    /// Replaces the output with the staged tree: two renames, then the old tree is deleted.
    pub fn commit(mut self) -> std::io::Result<()> {
        let old = self.output.with_file_name(format!(
            ".{}.dafu-old-{}",
            self.output
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            std::process::id()
        ));
        let had_output = self.output.exists();
        if had_output {
            std::fs::rename(&self.output, &old)?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.output) {
            if had_output {
                // Put the previous site back rather than leave nothing.
                let _ = std::fs::rename(&old, &self.output);
            }
            return Err(e);
        }
        self.committed = true;
        if had_output {
            std::fs::remove_dir_all(&old)?;
        }
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
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "only public/ remains");
    }
}
