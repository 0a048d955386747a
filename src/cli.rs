//! The command line: `dafu build`, `dafu serve`, `dafu check`.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::build::{BuildError, BuildOptions};

#[derive(Parser, Debug)]
#[command(
    name = "dafu",
    version,
    about = "答复: publish replies to 政协提案 and 人大代表建议 as a static disclosure portal"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the site into the output folder (public/ by default).
    Build {
        /// The site folder (with site.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site; replaced only when the build succeeds.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Overrides base_url from site.toml (e.g. for a staging server).
        #[arg(long)]
        base_url: Option<String>,
        /// Include replies marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Build everything afresh, without using the build cache of the last build (a new
        /// one is saved). The output is the same either way.
        #[arg(long)]
        no_cache: bool,
        /// Print how long each step took.
        #[arg(long)]
        timings: bool,
    },
    /// Preview the site while editing: build it, serve it, rebuild and reload on every save.
    Serve(crate::serve::ServeOptions),
    /// Check the site without publishing: everything build checks, plus internal links,
    /// duplicate 索引号, replies dated in the future and empty index pages. Exit 1 on any problem.
    Check {
        /// The site folder (with site.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Overrides base_url from site.toml.
        #[arg(long)]
        base_url: Option<String>,
        /// Check replies marked `draft: true` as well.
        #[arg(long)]
        drafts: bool,
    },
    /// Import official reply letters (.docx, .txt, .html) as replies: the fields each letter
    /// states become front matter; a letter missing a required field becomes a draft.
    Import {
        /// Letters, or folders of letters (walked).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Where to write the replies (default: content/imported/ under the site).
        #[arg(long)]
        to: Option<PathBuf>,
        /// The site folder (its replies are checked for duplicates).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Write nothing; print what would be done.
        #[arg(long)]
        dry_run: bool,
        /// Overwrite reply files that exist.
        #[arg(long)]
        force: bool,
    },
}

/// Exit codes: 0 success, 1 content or I/O problems, 2 usage (clap's own).
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            no_cache,
            timings,
        } => {
            let opts = BuildOptions {
                root,
                output,
                base_url,
                drafts,
                no_cache,
            };
            // Ctrl+C or SIGTERM: stop writing, keep the previous output; a second one ends
            // the process at once (the next build cleans up after it).
            let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let flag = stop.clone();
            let _ = ctrlc::set_handler(move || {
                if flag.swap(true, std::sync::atomic::Ordering::SeqCst) {
                    std::process::exit(130);
                }
            });
            match crate::build::build_until(&opts, stop) {
                Ok(report) => {
                    eprint!(
                        "{}",
                        crate::diagnostics::render_warnings(&report.warnings, use_color())
                    );
                    let s = &report.stats;
                    println!(
                        "built {} replies into {} ({} reply pages, {} index pages; {} rendered, the others unchanged) in {:.2} s",
                        report.replies,
                        report.output.display(),
                        s.reply_pages,
                        s.index_pages,
                        s.rendered,
                        report.elapsed.as_secs_f64()
                    );
                    if timings {
                        println!("  {}", crate::pipeline::timings_line(&report.steps));
                    }
                    0
                }
                Err(e) => report_error(&e),
            }
        }
        Command::Import {
            paths,
            to,
            root,
            dry_run,
            force,
        } => import(crate::import::ImportOptions {
            root,
            inputs: paths,
            to,
            dry_run,
            force,
        }),
        Command::Serve(opts) => match crate::serve::serve(&opts) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("error: {e}");
                1
            }
        },
        Command::Check {
            root,
            base_url,
            drafts,
        } => {
            let opts = BuildOptions {
                root,
                output: None,
                base_url,
                drafts,
                no_cache: true,
            };
            let start = std::time::Instant::now();
            let today = chrono::Local::now().date_naive();
            let report = crate::check::check(&opts, today);
            if report.problems.is_empty() {
                println!(
                    "checked {} pages and {} links in {:.2} s: no problems",
                    report.pages,
                    report.links,
                    start.elapsed().as_secs_f64()
                );
                0
            } else {
                let color = use_color();
                let text = crate::diagnostics::render_all(&report.problems, color);
                eprint!(
                    "{}",
                    text.replace("; nothing was published", "; dafu check failed")
                );
                1
            }
        }
    }
}

fn import(opts: crate::import::ImportOptions) -> i32 {
    let progress = std::io::stderr().is_terminal();
    match crate::import::import(&opts, progress) {
        Ok(report) => {
            print!("{}", crate::import::render_report(&report, &opts.root));
            report.exit_code()
        }
        Err(e) => {
            eprintln!("错误：{}", e.0);
            2
        }
    }
}

fn use_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn report_error(e: &BuildError) -> i32 {
    match e {
        BuildError::Content(diags) => {
            eprint!("{}", crate::diagnostics::render_all(diags, use_color()));
        }
        BuildError::Io(msg) => eprintln!("error: {msg}\nerror: nothing was published"),
        BuildError::Interrupted => {
            eprintln!("stopped: nothing was published; the previous output is unchanged");
            return 130;
        }
    }
    1
}
