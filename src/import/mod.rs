//! `dafu import`: official reply letters (.docx, .txt, .html) become replies.
//!
//! read (one [`read::Letter`] per input, whatever its format) → fields (what the letter
//! states, [`fields::analyse`]) → body (Markdown, [`body::markdown`]) → a reply file with its
//! front matter. A field the letter does not state is left out, never guessed: a reply that
//! lacks a required field is written as a draft whose first line names what is missing.

pub mod body;
pub mod fields;
pub mod read;

use crate::messages::{Catalogue, Msg};
use crate::msg;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::reply::Kind;
use fields::{Fields, squeeze};

/// What `dafu import` was asked to do.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The site folder (its content/ is searched for replies already there).
    pub root: PathBuf,
    /// Files and folders to import.
    pub inputs: Vec<PathBuf>,
    /// Where the reply files go (default: content/imported/ under the site).
    pub to: Option<PathBuf>,
    pub dry_run: bool,
    pub force: bool,
}

/// What became of one input.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Written (or, with --dry-run, would be written) to `file`.
    Imported {
        file: PathBuf,
        found: Vec<&'static str>,
        missing: Vec<&'static str>,
        overwritten: bool,
    },
    /// The same reply as another input of this run.
    Duplicate { of: PathBuf },
    /// The site already has this reply.
    InSite { file: PathBuf },
    /// The file to write exists (without --force).
    Exists { file: PathBuf },
    /// Not a kind of file dafu reads.
    Skipped(Msg),
    /// A file of a known kind that could not be read.
    Failed(Msg),
}

/// One input and what became of it.
#[derive(Debug, Clone)]
pub struct Row {
    pub input: PathBuf,
    pub encoding: Option<&'static str>,
    pub outcome: Outcome,
}

/// The whole run.
#[derive(Debug)]
pub struct Report {
    pub rows: Vec<Row>,
    pub to: PathBuf,
    pub dry_run: bool,
}

impl Report {
    /// 0 when every input was imported (complete, as a draft, or found to be a duplicate),
    /// 1 when some input could not be read.
    pub fn exit_code(&self) -> i32 {
        let failed = self
            .rows
            .iter()
            .any(|r| matches!(r.outcome, Outcome::Failed(_) | Outcome::Exists { .. }));
        i32::from(failed)
    }
}

/// A usage error: nothing was imported.
#[derive(Debug)]
pub struct UsageError(pub Msg);

/// The fields every reply needs; a letter without one becomes a draft.
use crate::validate::REQUIRED;

fn found_and_missing(f: &Fields) -> (Vec<&'static str>, Vec<&'static str>) {
    let present = [
        ("title", f.title.is_some()),
        ("kind", f.kind.is_some()),
        ("number", f.number.is_some()),
        ("session", f.session.is_some()),
        ("representative", !f.representatives.is_empty()),
        ("department", f.department.is_some()),
        ("date", f.date.is_some()),
        ("published", f.published.is_some()),
        ("category", f.category.is_some()),
        ("doc_number", f.doc_number.is_some()),
        ("signer", f.signer.is_some()),
        (
            "contact",
            f.contact_name.is_some() || f.contact_phone.is_some(),
        ),
        ("cc", !f.cc.is_empty()),
        ("index_code", f.index_code.is_some()),
    ];
    let found = present.iter().filter(|p| p.1).map(|p| p.0).collect();
    let missing = REQUIRED
        .iter()
        .copied()
        .filter(|k| !present.iter().any(|p| p.0 == *k && p.1))
        .collect();
    (found, missing)
}

/// Front matter in the order the README documents it; absent fields are left out.
#[derive(Serialize)]
struct FrontMatter<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    session: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    representative: Option<Names<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    department: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    doc_number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contact: Option<ContactOut<'a>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    cc: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    index_code: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    draft: bool,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Names<'a> {
    One(&'a str),
    Many(&'a [String]),
}

#[derive(Serialize)]
struct ContactOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
}

/// The reply file for a letter: front matter (with a comment naming what is missing, for a
/// draft) and the Markdown text.
/// `zh` words the comments (the reply file is a Chinese site's content).
pub fn reply_file(f: &Fields, body_md: &str, source: &str, zh: &Catalogue) -> String {
    let (_, missing) = found_and_missing(f);
    let draft = !missing.is_empty();
    let fm = FrontMatter {
        title: f.title.as_deref(),
        kind: f.kind.map(Kind::key),
        number: f.number.as_deref(),
        session: f.session.as_deref(),
        representative: match f.representatives.as_slice() {
            [] => None,
            [one] => Some(Names::One(one)),
            many => Some(Names::Many(many)),
        },
        department: f.department.as_deref(),
        date: f.date.map(|d| d.format("%Y-%m-%d").to_string()),
        published: f
            .published
            .filter(|p| Some(*p) != f.date)
            .map(|d| d.format("%Y-%m-%d").to_string()),
        category: f.category.as_deref(),
        doc_number: f.doc_number.as_deref(),
        signer: f.signer.as_deref(),
        contact: (f.contact_name.is_some() || f.contact_phone.is_some()).then_some(ContactOut {
            name: f.contact_name.as_deref(),
            phone: f.contact_phone.as_deref(),
        }),
        cc: &f.cc,
        index_code: f.index_code.as_deref(),
        draft,
    };
    let yaml = serde_saphyr::to_string(&fm).unwrap_or_default();
    let mut out = String::from("---\n");
    // The source's name goes in a comment: a hostile name must not end the comment's line.
    let source: String = source.chars().filter(|c| !c.is_control()).collect();
    out.push_str(&format!("# 由 dafu import 从 {source} 导入\n"));
    if draft {
        let names: Vec<String> = missing
            .iter()
            .map(|k| format!("{}（{k}）", zh.get(&crate::reply::field_meaning(k))))
            .collect();
        out.push_str(&format!(
            "# 草稿：来函中没有写明 {}。请补全后删去 draft: true。\n",
            names.join("、")
        ));
    }
    out.push_str(&yaml);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("---\n");
    out.push_str(body_md);
    out
}

/// The reply file checked as `dafu build` will check it: a reply the site would refuse (a
/// category the site does not know, say) is written as a draft naming the problem, so that a
/// batch import never breaks the build.
fn checked(
    f: &mut Fields,
    md: &str,
    shown: &str,
    config: Option<&crate::config::SiteConfig>,
    zh: &Catalogue,
) -> String {
    let text = reply_file(f, md, shown, zh);
    let Some(config) = config else { return text };
    let shared: std::sync::Arc<str> = std::sync::Arc::from(text.as_str());
    let Ok((front_matter, body)) = crate::load::split_front_matter(&shared) else {
        return text;
    };
    let file = crate::load::SourceFile {
        shown: PathBuf::from(shown),
        rel: PathBuf::from("imported.md"),
        text: shared.clone(),
        front_matter,
        body,
        replaced: Vec::new(),
    };
    match crate::validate::validate_file(&file, config) {
        Ok(_) => text,
        Err(problems) => {
            // Missing fields are already named by the draft's own comment.
            let problems: Vec<_> = problems
                .into_iter()
                .filter(|p| p.message.id != "fm-missing-field")
                .collect();
            if problems.is_empty() {
                return text;
            }
            // A value the site refuses is left out, and the reply becomes a draft that says why.
            if f.category.is_some()
                && problems
                    .iter()
                    .any(|p| p.message.id == "fm-category-unknown")
            {
                f.category = None;
            }
            let mut text = reply_file(f, md, shown, zh);
            let why: Vec<String> = problems.iter().map(|p| zh.get(&p.message)).collect();
            if !text.contains("\ndraft: true\n") {
                text = text.replacen("\n---\n", "\ndraft: true\n---\n", 1);
            }
            text.replacen(
                "---\n",
                &format!(
                    "---\n# 草稿：网站会拒绝这份答复（{}），请核对。\n",
                    why.join("；").replace('\n', " ")
                ),
                1,
            )
        }
    }
}

/// A letter read and understood, before it is named and written.
struct Prepared {
    input: PathBuf,
    encoding: Option<&'static str>,
    result: Result<(Fields, String), Outcome>,
}

fn prepare(
    input: &Path,
    shown: &str,
    config: Option<&crate::config::SiteConfig>,
    zh: &Catalogue,
) -> Prepared {
    match read::read(input) {
        Err(read::Unreadable::Skipped(why)) => Prepared {
            input: input.to_path_buf(),
            encoding: None,
            result: Err(Outcome::Skipped(why)),
        },
        Err(read::Unreadable::Failed(why)) => Prepared {
            input: input.to_path_buf(),
            encoding: None,
            result: Err(Outcome::Failed(why)),
        },
        Ok(letter) => {
            let mut a = fields::analyse(&letter);
            if a.body.is_empty() && a.fields == Fields::default() {
                return Prepared {
                    input: input.to_path_buf(),
                    encoding: letter.encoding,
                    result: Err(Outcome::Failed(msg!("import-no-text"))),
                };
            }
            let md = body::markdown(&a.body, letter.formatted);
            let text = checked(&mut a.fields, &md, shown, config, zh);
            Prepared {
                input: input.to_path_buf(),
                encoding: letter.encoding,
                result: Ok((a.fields, text)),
            }
        }
    }
}

/// A reply's identity: (session, kind, number, department), as the site's duplicate rule.
type Identity = (String, &'static str, String, String);

fn identity(f: &Fields) -> Option<Identity> {
    Some((
        squeeze(f.session.as_deref()?),
        f.kind?.key(),
        squeeze(f.number.as_deref()?),
        squeeze(f.department.as_deref()?),
    ))
}

/// The replies already in the site, by identity (front matter read leniently: a file in
/// error is simply not counted).
fn site_replies(root: &Path) -> HashMap<Identity, PathBuf> {
    #[derive(serde::Deserialize)]
    struct Light {
        kind: Option<String>,
        number: Option<serde_saphyr::Spanned<String>>,
        session: Option<String>,
        department: Option<String>,
    }
    let mut out = HashMap::new();
    let Ok(paths) = crate::load::find_content_files(&root.join("content")) else {
        return out;
    };
    for p in paths {
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let Ok((fm, _)) = crate::load::split_front_matter(&text) else {
            continue;
        };
        let Ok(l) = serde_saphyr::from_str::<Light>(&text[fm]) else {
            continue;
        };
        let kind = match l.kind.as_deref() {
            Some("proposal") => "proposal",
            Some("suggestion") => "suggestion",
            _ => continue,
        };
        if let (Some(s), Some(n), Some(d)) = (l.session, l.number, l.department) {
            let shown = p.strip_prefix(root).unwrap_or(&p).to_path_buf();
            out.insert((squeeze(&s), kind, squeeze(&n.value), squeeze(&d)), shown);
        }
    }
    out
}

/// The inputs: files as given, folders walked (hidden files left out), in a stable order.
fn expand(inputs: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>, UsageError> {
    let mut out = Vec::new();
    for p in inputs {
        let meta = std::fs::metadata(p).map_err(|e| {
            UsageError(msg!(
                "import-not-found",
                path = p.display().to_string(),
                error = e.to_string()
            ))
        })?;
        if meta.is_dir() {
            let mut files: Vec<PathBuf> = walkdir::WalkDir::new(p)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                })
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .filter(|p| {
                    !p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("~$"))
                })
                .collect();
            files.sort();
            out.extend(files.into_iter().map(|f| (f, false)));
        } else {
            out.push((p.clone(), true));
        }
    }
    Ok(out)
}

/// The file name for a reply: kind and number (`proposal-146.md`); without a number, the
/// pinyin of the title's first words and a hash of the letter.
fn base_name(f: &Fields, text: &str) -> String {
    let kind = f.kind.map_or("reply", Kind::key);
    let number: String = f
        .number
        .as_deref()
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase();
    if !number.is_empty() && number.len() <= 40 {
        return format!("{kind}-{number}");
    }
    let words: String = f
        .title
        .as_deref()
        .unwrap_or_default()
        .trim_start_matches("关于")
        .chars()
        .take(6)
        .collect();
    let slug = crate::slug::pinyin_slug(&words);
    let hash = crate::slug::short_hash(text, 6);
    if slug.is_empty() {
        format!("{kind}-{hash}")
    } else {
        format!("{kind}-{slug}-{hash}")
    }
}

/// Imports every input. Inputs are read and understood in parallel; naming, duplicates and
/// writing go in input order, so the same inputs always give the same files.
pub fn import(opts: &ImportOptions, progress: bool, cat: &Catalogue) -> Result<Report, UsageError> {
    let to = opts
        .to
        .clone()
        .unwrap_or_else(|| opts.root.join("content").join("imported"));
    let inputs = expand(&opts.inputs)?;
    // Replies are checked against the site's settings when it has them (an import may come
    // before site.toml is written).
    let config = crate::config::load(&opts.root, None).ok();
    // The comments of the reply files are Chinese, whatever language the report is in.
    let zh = Catalogue::new(crate::messages::Lang::Zh);
    let bar = (progress && inputs.len() > 20).then(|| {
        let b = indicatif::ProgressBar::new(inputs.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(&format!(
                "{} {{bar:30}} {{pos}}/{{len}} {{msg}}",
                cat.text("import-progress")
            ))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let prepared: Vec<(Prepared, bool)> = inputs
        .par_iter()
        .map(|(p, named)| {
            let shown = p.display().to_string();
            let out = prepare(p, &shown, config.as_ref(), &zh);
            if let Some(b) = &bar {
                b.inc(1);
            }
            (out, *named)
        })
        .collect();
    if let Some(b) = bar {
        b.finish_and_clear();
    }

    let in_site = site_replies(&opts.root);
    let mut seen_identity: HashMap<Identity, PathBuf> = HashMap::new();
    let mut seen_text: HashMap<u64, PathBuf> = HashMap::new();
    let mut taken: HashSet<String> = HashSet::new();
    let mut rows = Vec::new();
    for (p, named) in prepared {
        let outcome = match p.result {
            Err(Outcome::Skipped(why)) if !named => {
                // A folder's other files (images, spreadsheets) are listed, not errors.
                Outcome::Skipped(why)
            }
            Err(Outcome::Skipped(why)) => Outcome::Failed(why),
            Err(other) => other,
            Ok((f, text)) => {
                let body_key = crate::hashing::fnv1a(
                    squeeze(text.split_once("\n---\n").map_or(&text[..], |x| x.1)).as_bytes(),
                );
                let id = identity(&f);
                if let Some(first) = id.as_ref().and_then(|i| seen_identity.get(i)) {
                    Outcome::Duplicate { of: first.clone() }
                } else if let Some(first) = seen_text.get(&body_key).filter(|_| id.is_none()) {
                    // Without the fields that identify a reply, the same text is the same letter.
                    Outcome::Duplicate { of: first.clone() }
                } else if let Some(file) = id.as_ref().and_then(|i| in_site.get(i)) {
                    Outcome::InSite { file: file.clone() }
                } else {
                    if let Some(i) = id.clone() {
                        seen_identity.insert(i, p.input.clone());
                    }
                    seen_text.insert(body_key, p.input.clone());
                    write_one(opts, &to, &f, &text, &mut taken)
                }
            }
        };
        rows.push(Row {
            input: p.input,
            encoding: p.encoding,
            outcome,
        });
    }
    Ok(Report {
        rows,
        to,
        dry_run: opts.dry_run,
    })
}

/// Names and writes one reply; a name already taken by another reply of this run, or by a
/// file that is not this reply, gets a hash suffix.
fn write_one(
    opts: &ImportOptions,
    to: &Path,
    f: &Fields,
    text: &str,
    taken: &mut HashSet<String>,
) -> Outcome {
    let (found, missing) = found_and_missing(f);
    let base = base_name(f, text);
    let mut name = format!("{base}.md");
    if taken.contains(&name) {
        let key = format!(
            "{}{}",
            f.department.as_deref().unwrap_or_default(),
            f.session.as_deref().unwrap_or_default()
        );
        name = format!(
            "{base}-{}.md",
            crate::slug::short_hash(&format!("{key}{text}"), 6)
        );
    }
    taken.insert(name.clone());
    let file = to.join(&name);
    let exists = file.exists();
    if exists && !opts.force {
        // The same letter imported again: nothing to do.
        if std::fs::read_to_string(&file).is_ok_and(|old| old == text) {
            return Outcome::InSite { file };
        }
        return Outcome::Exists { file };
    }
    if !opts.dry_run
        && let Err(e) = write_file(&file, text, opts.force)
    {
        return Outcome::Failed(msg!(
            "import-cannot-write",
            path = file.display().to_string(),
            error = e.to_string()
        ));
    }
    Outcome::Imported {
        file,
        found,
        missing,
        overwritten: exists,
    }
}

/// Writes through a temporary file and a rename, so a reply file is never half-written;
/// without `force`, an existing file is never replaced (even one made meanwhile).
fn write_file(file: &Path, text: &str, force: bool) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = file.with_extension(format!("md.dafu-import-{}", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    let result = if force {
        std::fs::rename(&tmp, file)
    } else {
        // A hard link fails when the name exists: no race with another writer.
        std::fs::hard_link(&tmp, file)
    };
    let _ = std::fs::remove_file(&tmp);
    result
}

/// Display width in a terminal (Chinese characters take two columns).
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if (c as u32) >= 0x1100 && !matches!(c, '\u{2010}'..='\u{2027}') {
                2
            } else {
                1
            }
        })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

fn labels(keys: &[&str], cat: &Catalogue) -> String {
    let sep = cat.text("list-separator");
    keys.iter()
        .map(|k| cat.get(&crate::reply::field_meaning(k)))
        .collect::<Vec<_>>()
        .join(&sep)
}

/// The table printed at the end: each input, the file written, the fields found and missing,
/// and why an input was skipped.
pub fn render_report(r: &Report, root: &Path, cat: &Catalogue) -> String {
    let shown = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
    let mut table: Vec<[String; 4]> = vec![[
        cat.text("import-col-letter"),
        cat.text("import-col-file"),
        cat.text("import-col-found"),
        cat.text("import-col-missing"),
    ]];
    let none = || "—".to_string();
    for row in &r.rows {
        let input = match row.encoding {
            Some(e) if e != "UTF-8" => cat.get(&msg!(
                "import-input-encoding",
                input = row.input.display().to_string(),
                encoding = e
            )),
            _ => row.input.display().to_string(),
        };
        let note = |m: Msg| cat.get(&m);
        let cells = match &row.outcome {
            Outcome::Imported {
                file,
                found,
                missing,
                overwritten,
            } => {
                let mut text = if missing.is_empty() {
                    none()
                } else {
                    note(msg!("import-missing", fields = labels(missing, cat)))
                };
                if *overwritten {
                    text.push_str(&cat.text("import-overwritten"));
                }
                [input, shown(file), labels(found, cat), text]
            }
            Outcome::Duplicate { of } => [
                input,
                none(),
                String::new(),
                note(msg!("import-duplicate", other = of.display().to_string())),
            ],
            Outcome::InSite { file } => [
                input,
                none(),
                String::new(),
                note(msg!("import-in-site", file = shown(file))),
            ],
            Outcome::Exists { file } => [
                input,
                none(),
                String::new(),
                note(msg!("import-exists", file = shown(file))),
            ],
            Outcome::Skipped(why) => [
                input,
                none(),
                String::new(),
                note(msg!("import-skipped", why = why.clone())),
            ],
            Outcome::Failed(why) => [
                input,
                none(),
                String::new(),
                note(msg!("import-failed", why = why.clone())),
            ],
        };
        table.push(cells);
    }
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            table
                .iter()
                .map(|r| width(&r[i]))
                .max()
                .unwrap_or(0)
                .min(48)
        })
        .collect();
    let mut out = String::new();
    for (n, row) in table.iter().enumerate() {
        let line: Vec<String> = (0..4)
            .map(|i| {
                if i == 3 {
                    row[i].clone()
                } else {
                    pad(&row[i], widths[i])
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
        if n == 0 {
            out.push_str(&"-".repeat(widths.iter().take(3).sum::<usize>() + 6 + widths[3]));
            out.push('\n');
        }
    }
    let count = |f: &dyn Fn(&Outcome) -> bool| r.rows.iter().filter(|x| f(&x.outcome)).count();
    let complete = count(&|o| matches!(o, Outcome::Imported { missing, .. } if missing.is_empty()));
    let drafts = count(&|o| matches!(o, Outcome::Imported { missing, .. } if !missing.is_empty()));
    let dups = count(&|o| matches!(o, Outcome::Duplicate { .. } | Outcome::InSite { .. }));
    let skipped = count(&|o| matches!(o, Outcome::Skipped(_)));
    let failed = count(&|o| matches!(o, Outcome::Failed(_) | Outcome::Exists { .. }));
    let summary = msg!(
        "import-summary",
        complete = complete,
        drafts = drafts,
        duplicates = dups,
        skipped = skipped,
        failed = failed
    );
    out.push('\n');
    if r.dry_run {
        out.push_str(&cat.text("import-dry-run"));
    }
    out.push_str(&cat.get(&summary));
    if !r.dry_run {
        out.push_str(&cat.get(&msg!("import-written-to", folder = shown(&r.to))));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zh() -> Catalogue {
        Catalogue::new(crate::messages::Lang::Zh)
    }

    fn import_text(text: &str) -> (Fields, String) {
        let letter = read::txt(text);
        let a = fields::analyse(&letter);
        let md = body::markdown(&a.body, false);
        (a.fields, md)
    }

    #[test]
    fn front_matter_round_trips_through_the_validator() {
        let (f, md) = import_text(
            "对市政协十四届一次会议第146号提案的答复\n吴忠彦委员：\n您提出的关于加强安全培训的建议收悉，现答复如下：\n一、主要工作\n我们做了很多。\n抚顺市应急管理局\n2023年3月27日\n",
        );
        let text = reply_file(&f, &md, "a.txt", &zh());
        assert!(text.contains("number: \"146\""), "{text}");
        assert!(!text.contains("draft"), "{text}");
        let shared: std::sync::Arc<str> = std::sync::Arc::from(text.as_str());
        let (front_matter, body) = crate::load::split_front_matter(&shared).unwrap();
        let file = crate::load::SourceFile {
            shown: PathBuf::from("content/a.md"),
            rel: PathBuf::from("a.md"),
            text: shared.clone(),
            front_matter,
            body,
            replaced: Vec::new(),
        };
        let config = crate::config::parse(
            "title = \"t\"\nbase_url = \"https://e.gov.cn/\"\n[organisation]\nname = \"n\"\ncode = \"C\"\n",
            None,
        )
        .unwrap();
        let r = crate::validate::validate_file(&file, &config).expect("valid");
        assert_eq!(r.number, "146");
        assert_eq!(r.department, "抚顺市应急管理局");
        assert!(
            text.ends_with("## 一、主要工作\n\n我们做了很多。\n"),
            "{text}"
        );
    }

    #[test]
    fn a_letter_without_required_fields_is_a_draft_that_says_what_is_missing() {
        let (f, md) = import_text(
            "龚程代表:\n您提出的关于农村公路改造的建议收悉,现答复如下:\n已经启动。\n神山镇人民政府\n2023年9月15日\n",
        );
        assert_eq!(f.number, None);
        assert_eq!(f.session, None);
        let text = reply_file(&f, &md, "x.txt", &zh());
        assert!(
            text.contains("# 草稿：来函中没有写明 提案/建议编号（number）、届次会议（session）"),
            "{text}"
        );
        assert!(text.contains("draft: true"));
        assert!(!text.contains("number:"), "nothing invented: {text}");
    }

    #[test]
    fn hostile_source_names_stay_in_their_comment() {
        let (f, md) = import_text("张三代表：\n您提出的建议收悉。\n");
        let text = reply_file(&f, &md, "a\n---\ntitle: x\n.txt", &zh());
        assert!(
            text.starts_with("---\n# 由 dafu import 从 a---title: x.txt 导入\n"),
            "{text}"
        );
    }

    #[test]
    fn file_names_from_kind_and_number() {
        let f = Fields {
            kind: Some(Kind::Proposal),
            number: Some("146".into()),
            ..Fields::default()
        };
        assert_eq!(base_name(&f, ""), "proposal-146");
        let f = Fields {
            kind: Some(Kind::Suggestion),
            number: Some("JY1000/12".into()),
            ..Fields::default()
        };
        assert_eq!(base_name(&f, ""), "suggestion-jy100012");
        let f = Fields {
            title: Some("关于加强垃圾分类工作的建议".into()),
            ..Fields::default()
        };
        let n = base_name(&f, "text");
        assert!(n.starts_with("reply-jia-qiang-la-ji-fen-lei-"), "{n}");
    }
}
