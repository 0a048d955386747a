//! The command line: `dafu build`, `dafu serve`, `dafu check`.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

mod words;
pub use words::parse;

use crate::build::{BuildError, BuildOptions};
use crate::diagnostics::Outcome;
use crate::messages::{Catalogue, Lang};
use crate::msg;

#[derive(Parser, Debug)]
#[command(
    name = "dafu",
    version,
    about = "答复: publish replies to 政协提案 and 人大代表建议 as a static disclosure portal"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Language of dafu's messages: zh (中文, the default for Chinese sites) or en. Also
    /// DAFU_LANG=en.
    #[arg(long, global = true, value_name = "zh|en")]
    pub lang: Option<String>,
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
    /// Start a new site in DIR: site.toml with every setting explained (in Chinese), an
    /// example reply of each kind (drafts), a .gitignore. DIR must be new or empty.
    Init {
        /// The folder for the new site.
        dir: PathBuf,
    },
    /// Write a new reply file from the template (the site's archetypes/reply.md, else the
    /// theme's) at content/YEAR/KIND-NUMBER.md, dated today and marked `draft: true`.
    New {
        /// proposal (政协提案) or suggestion (人大代表建议).
        #[arg(long, value_enum, default_value = "proposal")]
        kind: NewKind,
        /// The proposal's or suggestion's number, e.g. 146.
        #[arg(long)]
        number: Option<String>,
        /// The reply's title.
        #[arg(long)]
        title: Option<String>,
        /// The session, e.g. 市政协十四届一次会议.
        #[arg(long)]
        session: Option<String>,
        /// The department that answers.
        #[arg(long)]
        department: Option<String>,
        /// A representative; repeat for a joint proposal.
        #[arg(long = "representative")]
        representatives: Vec<String>,
        /// The letter's date (YYYY-MM-DD); today when left out.
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
        /// The site folder (with site.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
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

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum NewKind {
    Proposal,
    Suggestion,
}

/// Exit codes: 0 success, 1 content or I/O problems, 2 usage (clap's own).
pub fn run(cli: Cli) -> i32 {
    let root = match &cli.command {
        Command::Build { root, .. }
        | Command::Check { root, .. }
        | Command::New { root, .. }
        | Command::Import { root, .. } => root.clone(),
        Command::Init { dir } => dir.clone(),
        Command::Serve(opts) => opts.root.clone(),
    };
    let cat = Catalogue::new(Lang::choose(cli.lang.as_deref(), &root));
    let cat = &cat;
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
                        crate::diagnostics::render_warnings(&report.warnings, cat, use_color())
                    );
                    let s = &report.stats;
                    println!(
                        "{}",
                        cat.get(&msg!(
                            "built",
                            replies = report.replies,
                            output = report.output.display().to_string(),
                            reply_pages = s.reply_pages,
                            index_pages = s.index_pages,
                            rendered = s.rendered,
                            seconds = format!("{:.2}", report.elapsed.as_secs_f64())
                        ))
                    );
                    if timings {
                        println!("  {}", crate::pipeline::timings_line(&report.steps, cat));
                    }
                    0
                }
                Err(e) => report_error(&e, cat),
            }
        }
        Command::Import {
            paths,
            to,
            root,
            dry_run,
            force,
        } => import(
            crate::import::ImportOptions {
                root,
                inputs: paths,
                to,
                dry_run,
                force,
            },
            cat,
        ),
        Command::Init { dir } => match crate::scaffold::init(&dir) {
            Ok(files) => {
                let list: Vec<String> =
                    files.iter().map(|f| format!("  {}", f.display())).collect();
                println!(
                    "{}\n{}\n\n{}",
                    cat.get(&msg!("init-done", folder = dir.display().to_string())),
                    list.join("\n"),
                    cat.get(&msg!("init-next", folder = dir.display().to_string()))
                );
                0
            }
            Err(e) => failed(&e, cat, 1),
        },
        Command::New {
            kind,
            number,
            title,
            session,
            department,
            representatives,
            date,
            root,
        } => {
            let r = crate::scaffold::NewReply {
                kind: Some(match kind {
                    NewKind::Proposal => crate::reply::Kind::Proposal,
                    NewKind::Suggestion => crate::reply::Kind::Suggestion,
                }),
                number,
                title,
                session,
                department,
                representatives,
                date,
            };
            match crate::scaffold::new_reply(&root, &r, chrono::Local::now().date_naive()) {
                Ok(path) => {
                    let shown = path.strip_prefix(&root).unwrap_or(&path);
                    println!(
                        "{}",
                        cat.get(&msg!("new-done", file = shown.display().to_string()))
                    );
                    0
                }
                Err(e) => failed(&e, cat, 1),
            }
        }
        Command::Serve(opts) => match crate::serve::serve(&opts, cat) {
            Ok(()) => 0,
            Err(e) => failed(&e, cat, 1),
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
                    "{}",
                    cat.get(&msg!(
                        "checked",
                        pages = report.pages,
                        links = report.links,
                        seconds = format!("{:.2}", start.elapsed().as_secs_f64())
                    ))
                );
                0
            } else {
                let text = crate::diagnostics::render_all(
                    &report.problems,
                    cat,
                    use_color(),
                    Outcome::CheckFailed,
                );
                eprint!("{text}");
                1
            }
        }
    }
}

fn import(opts: crate::import::ImportOptions, cat: &Catalogue) -> i32 {
    let progress = std::io::stderr().is_terminal();
    match crate::import::import(&opts, progress, cat) {
        Ok(report) => {
            print!("{}", crate::import::render_report(&report, &opts.root, cat));
            report.exit_code()
        }
        Err(e) => failed(&e.0, cat, 2),
    }
}

fn use_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Says why a command failed and gives its exit code.
fn failed(why: &crate::messages::Msg, cat: &Catalogue, code: i32) -> i32 {
    eprintln!("{}: {}", cat.text("level-error"), cat.get(why));
    code
}

fn report_error(e: &BuildError, cat: &Catalogue) -> i32 {
    match e {
        BuildError::Content(diags) => {
            eprint!(
                "{}",
                crate::diagnostics::render_all(diags, cat, use_color(), Outcome::NotPublished)
            );
        }
        BuildError::Io(m) => eprintln!(
            "{0}: {1}\n{0}: {2}",
            cat.text("level-error"),
            cat.get(m),
            cat.text("nothing-published")
        ),
        BuildError::Interrupted => {
            eprintln!("{}", cat.text("interrupted"));
            return 130;
        }
    }
    1
}
