//! `dafu serve`: builds the site into memory, serves it over HTTP exactly as it will be
//! deployed (same URLs under the same base path), watches the site's files and rebuilds on
//! every save, and tells open browsers to reload — or shows the build's errors over the last
//! good page, which keeps being served.
//!
//! Nothing is written to disk: the output folder is never touched, so it is never watched.
//! The live-reload script is added to HTML responses here, so `dafu build` output never has it.
//!
//! [`http`] serves, [`watch`] watches, [`live`] tells browsers; this module ties them together.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::Instant;

use crate::diagnostics::{Diagnostic, Outcome};
use crate::messages::{Catalogue, Msg};
use crate::msg;
use crate::output::Snapshot;
use crate::pipeline::BuildOptions;
use crate::pipeline::{Pipeline, Target};

pub mod http;
pub mod live;
pub mod watch;

use live::State;
use watch::{Change, Watching, watch};

/// The options of `dafu serve` (also its command line).
#[derive(Debug, Clone, clap::Args)]
pub struct ServeOptions {
    /// The site folder (with site.toml and content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The address to listen on; only this computer by default.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// The port; when it is taken, the next free one is used (and named).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Show replies marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Poll for changes instead of relying on file-system events (network drives, some
    /// containers and virtual machines).
    #[arg(long)]
    pub poll: bool,
    /// After each rebuild, print how long each step took.
    #[arg(long)]
    pub timings: bool,
    /// A host name under which the preview may be reached besides localhost and IP
    /// addresses (e.g. the computer's name on the office network); may be repeated.
    /// Requests naming any other host are refused, which stops DNS-rebinding attacks.
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_host: Vec<String>,
    /// How many megabytes of the built site (pages and search cards, gzip-compressed) to hold
    /// in memory; the rest is kept in a temporary file and read when asked for. The default
    /// holds a 10,000-reply site (about 100 MB) whole.
    #[arg(long = "files-in-memory", value_name = "MB", default_value_t = 256)]
    pub files_in_memory: usize,
}

/// Runs the server until the process is stopped.
pub fn serve(opts: &ServeOptions, cat: &Catalogue) -> Result<(), Msg> {
    let cat = Arc::new(Catalogue::new(cat.lang()));
    let build_opts = BuildOptions {
        root: opts.root.clone(),
        output: None,
        base_url: None,
        drafts: opts.drafts,
        no_cache: true,
    };
    let mut builder = Pipeline::new(build_opts);
    // A server stays up: it holds neither the replies' Markdown (read again to render a
    // page) nor their texts (for feeds and the search index: in a temporary file, read back
    // when needed; held only when no such file can be made), and the built files beyond a
    // bound go to a temporary file too. A build holds some of each for speed; a server would
    // hold them for its whole life.
    builder.hold_no_bodies();
    if let Some(texts) = crate::pipeline::store::TextsFile::temporary("texts") {
        builder.keep_texts_in(texts, 0);
    }
    builder.spill_files_beyond(opts.files_in_memory.saturating_mul(1 << 20));
    let start = Instant::now();
    let (snapshot, first_error) = match builder.run(None, Target::Memory, &mut |_| {}) {
        Ok(built) => (
            built.snapshot.unwrap_or_else(|| Snapshot {
                base_path: builder.base_path(),
                ..Snapshot::default()
            }),
            None,
        ),
        Err(diags) => (
            Snapshot {
                base_path: builder.base_path(),
                ..Snapshot::default()
            },
            Some(diags),
        ),
    };
    let pages = snapshot.len();
    print_warnings(builder.warnings(), &cat);
    let state = State::new(snapshot);
    match &first_error {
        None => println!(
            "{}",
            cat.get(&msg!(
                "serve-built",
                files = pages,
                seconds = format!("{:.2}", start.elapsed().as_secs_f64())
            ))
        ),
        Some(diags) => {
            eprint!("{}", render(diags, &cat));
            state.fail(live::overlay(diags, &cat));
        }
    }

    // Watch before announcing the address, so that no save after it can be missed.
    let (tx, rx) = channel::<Change>();
    let watching = watch(&opts.root, opts.poll, tx)?;
    let (listener, port) = http::bind(&opts.bind, opts.port)?;
    if port != opts.port && opts.port != 0 {
        println!(
            "{}",
            cat.get(&msg!("serve-port-taken", asked = opts.port, port = port))
        );
    }
    let base = state.snapshot().base_path.clone();
    let url = format!("http://{}:{port}{base}", http::display_host(&opts.bind));
    let serving = if opts.drafts {
        msg!("serve-serving-drafts", url = &url)
    } else {
        msg!("serve-serving", url = &url)
    };
    println!("{}", cat.get(&serving));
    if opts.open
        && let Err(e) = open::that(&url)
    {
        eprintln!(
            "{}",
            cat.get(&msg!("serve-no-browser", error = e.to_string()))
        );
    }

    let rebuild_state = state.clone();
    let timings = opts.timings;
    let rebuild_cat = cat.clone();
    std::thread::spawn(move || {
        rebuild_loop(builder, watching, rx, rebuild_state, timings, &rebuild_cat)
    });

    let gate = http::Gate {
        allowed: http::AllowedHosts::new(&opts.bind, &opts.allow_host),
        words: cat.clone(),
    };
    http::run(listener, state, gate)
}

fn print_warnings(warnings: &[Diagnostic], cat: &Catalogue) {
    let color = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none();
    eprint!(
        "{}",
        crate::diagnostics::render_warnings(warnings, cat, color)
    );
}

/// The problems of a failed rebuild for the terminal.
fn render(diags: &[Diagnostic], cat: &Catalogue) -> String {
    let color = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none();
    crate::diagnostics::render_all(diags, cat, color, Outcome::StillServing)
}

/// Rebuilds after each (debounced) batch of changes, coalescing batches that arrive while a
/// rebuild runs.
fn rebuild_loop(
    mut builder: Pipeline,
    mut watching: Watching,
    rx: Receiver<Change>,
    state: Arc<State>,
    timings: bool,
    cat: &Catalogue,
) {
    while let Ok(first) = rx.recv() {
        // Merge everything that arrived meanwhile into one rebuild.
        let mut change = first;
        while let Ok(more) = rx.try_recv() {
            change = change.merge(more);
        }
        if let Err(e) = watching.add_new_folders() {
            eprintln!("{}", cat.get(&e));
        }
        let start = Instant::now();
        let mut pages_at = None;
        let mut first_at = None;
        let changed = match &change {
            Change::Files(files) => Some(files.as_slice()),
            Change::Everything => None,
        };
        let result = builder.run(changed, Target::Memory, &mut |pages| {
            // Pages first; the snapshot carries the last build's feeds, open data and
            // search index until the new ones are ready.
            state.publish(pages);
            first_at = first_at.or(Some(start.elapsed()));
            pages_at = Some(start.elapsed());
        });
        match result {
            Ok(built) => {
                let changed = built.snapshot.map_or(0, |s| state.publish(s));
                print_warnings(builder.warnings(), cat);
                let report = builder.report();
                match (first_at, pages_at) {
                    (Some(first), Some(all)) if report.edited_page_first => println!(
                        "{}",
                        cat.get(&msg!(
                            "serve-edited-ready",
                            first = first.as_millis() as u64,
                            all = all.as_millis() as u64
                        ))
                    ),
                    (_, Some(all)) => println!(
                        "{}",
                        cat.get(&msg!("serve-pages-ready", all = all.as_millis() as u64))
                    ),
                    _ => {}
                }
                let ms = start.elapsed().as_millis() as u64;
                let rebuilt = match report.replies_patched {
                    0 => msg!("serve-rebuilt-all", ms = ms, changed = changed),
                    1 => msg!("serve-rebuilt-one", ms = ms, changed = changed),
                    n => msg!(
                        "serve-rebuilt-some",
                        ms = ms,
                        replies = n,
                        changed = changed
                    ),
                };
                println!("{}", cat.get(&rebuilt));
                if timings {
                    println!("  {}", crate::pipeline::timings_line(&report.steps, cat));
                }
            }
            Err(diags) => {
                eprint!("{}", render(&diags, cat));
                state.fail(live::overlay(&diags, cat));
            }
        }
    }
}
