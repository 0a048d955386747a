//! Append-only files for what memory should not hold: the build cache's `texts.bin`, and the
//! temporary files `dafu serve` spills texts and pages to beyond its bounds.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A file bytes are appended to and read back from by offset.
pub struct SpillFile {
    file: Mutex<std::fs::File>,
    /// Its length in bytes when opened.
    opened_len: u64,
    /// A temporary file's path, removed when it is dropped (where it could not be removed
    /// while open).
    remove: Option<PathBuf>,
}

impl Drop for SpillFile {
    fn drop(&mut self) {
        if let Some(p) = &self.remove {
            let _ = std::fs::remove_file(p);
        }
    }
}

impl SpillFile {
    /// A file of the system's temporary folder that no one else sees (`name` tells what it
    /// holds). On Unix it is unlinked at once and goes with the process however that ends.
    pub fn temporary(name: &str) -> Option<Arc<SpillFile>> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("dafu-{name}-{}-{n}.bin", std::process::id()));
        let file = std::fs::OpenOptions::new()
            .read(true)
            .append(true)
            .create_new(true)
            .open(&path)
            .ok()?;
        let remove = if cfg!(unix) && std::fs::remove_file(&path).is_ok() {
            None
        } else {
            Some(path)
        };
        Some(Arc::new(SpillFile {
            file: Mutex::new(file),
            opened_len: 0,
            remove,
        }))
    }

    /// `path` opened to read and to append (made when missing and `create`); read-only when it
    /// cannot be written (then nothing is appended).
    pub fn open(path: &Path, create: bool) -> Option<Arc<SpillFile>> {
        let f = std::fs::OpenOptions::new()
            .read(true)
            .append(true)
            .create(create)
            .open(path)
            .or_else(|_| std::fs::File::open(path))
            .ok()?;
        let opened_len = f.metadata().ok()?.len();
        Some(Arc::new(SpillFile {
            file: Mutex::new(f),
            opened_len,
            remove: None,
        }))
    }

    /// Its length in bytes when it was opened.
    pub fn opened_len(&self) -> u64 {
        self.opened_len
    }

    /// Appends `bytes`; returns the offset they start at, after `accept` agreed to it (the
    /// texts file takes only even offsets), or `None` when they cannot be written.
    pub fn append(&self, bytes: &[u8], accept: impl Fn(u64) -> bool) -> Option<u64> {
        let mut f = self.file.lock().ok()?;
        let end = f.seek(SeekFrom::End(0)).ok()?;
        if !accept(end) {
            return None;
        }
        f.write_all(bytes).ok()?;
        Some(end)
    }

    /// Its length in bytes now.
    pub fn len(&self) -> u64 {
        self.file
            .lock()
            .ok()
            .and_then(|f| f.metadata().ok())
            .map_or(0, |m| m.len())
    }

    /// Whether it holds no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `len` bytes at `start`; `None` when the file does not hold them.
    pub fn read(&self, start: u64, len: usize) -> Option<Vec<u8>> {
        let mut bytes = vec![0u8; len];
        let mut f = self.file.lock().ok()?;
        f.seek(SeekFrom::Start(start)).ok()?;
        f.read_exact(&mut bytes).ok()?;
        Some(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_appended_reads_back_by_offset() {
        let f = SpillFile::temporary("test").unwrap();
        let a = f.append(b"hello", |_| true).unwrap();
        let b = f.append(b"world!", |_| true).unwrap();
        assert_eq!((a, b), (0, 5));
        assert_eq!(f.read(b, 6).unwrap(), b"world!");
        assert_eq!(f.read(a, 5).unwrap(), b"hello");
        assert!(f.read(b, 7).is_none(), "beyond the end");
        assert_eq!(f.len(), 11);
        assert!(f.append(b"x", |at| at % 2 == 0).is_none(), "refused at 11");
        // Nowhere to be seen in the temporary folder (Unix), or gone once dropped.
        let path = f.remove.clone();
        if cfg!(unix) {
            assert!(path.is_none(), "unlinked at once");
        }
        drop(f);
        if let Some(p) = path {
            assert!(!p.exists());
        }
    }

    #[test]
    fn an_opened_file_knows_its_length_and_appends_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.bin");
        std::fs::write(&path, b"abc").unwrap();
        let f = SpillFile::open(&path, false).unwrap();
        assert_eq!(f.opened_len(), 3);
        assert_eq!(f.append(b"de", |_| true), Some(3));
        assert_eq!(std::fs::read(&path).unwrap(), b"abcde");
        assert!(SpillFile::open(&dir.path().join("none"), false).is_none());
    }
}
