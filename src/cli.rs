//! The command line: `dafu build` (and, as their issues land, `serve` and `check`).

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
        } => {
            let opts = BuildOptions {
                root,
                output,
                base_url,
                drafts,
            };
            match crate::build::build(&opts) {
                Ok(report) => {
                    println!(
                        "built {} replies into {} ({} reply pages, {} index pages) in {:.2} s",
                        report.replies,
                        report.output.display(),
                        report.stats.reply_pages,
                        report.stats.index_pages,
                        report.elapsed.as_secs_f64()
                    );
                    0
                }
                Err(e) => report_error(&e),
            }
        }
    }
}

fn report_error(e: &BuildError) -> i32 {
    match e {
        BuildError::Content(diags) => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            eprint!("{}", crate::diagnostics::render_all(diags, color));
        }
        BuildError::Io(msg) => eprintln!("error: {msg}\nerror: nothing was published"),
    }
    1
}
