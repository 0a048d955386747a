//! Starting points for people who have never used a static site generator: `dafu init`
//! makes a new site (a site.toml with every key explained in Chinese, an example reply of
//! each kind, a .gitignore), `dafu new` a new reply from a template (the site's
//! `archetypes/reply.md`, else the theme's).
//!
//! Neither ever overwrites a file: init refuses a folder that has anything in it, new a
//! file name that is taken.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use crate::messages::Msg;
use crate::msg;
use crate::reply::Kind;

/// The site.toml `dafu init` writes: every key, explained.
pub const SITE_TOML: &str = include_str!("site.toml");
/// The example replies, one per kind (drafts: nothing made up is ever published).
const EXAMPLES: [(&str, &str); 2] = [
    ("content/示例/proposal-146.md", include_str!("proposal.md")),
    (
        "content/示例/suggestion-58.md",
        include_str!("suggestion.md"),
    ),
];
/// The output folder, and the build cache and staging folders beside it.
const GITIGNORE: &str =
    "# dafu 生成的网站和缓存（可随时删除，dafu build 会重新生成）\n/public/\n/.public.dafu-*/\n";
/// The theme's template for a new reply.
pub const ARCHETYPE: &str = include_str!("../../themes/default/archetypes/reply.md");

/// Makes a new site in `dir` (created if needed); refuses a folder that is not empty.
/// Returns the files written, relative to `dir`.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Msg> {
    let shown = dir.display().to_string();
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(msg!("init-not-empty", folder = shown));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(msg!("io-folder", folder = shown, error = e.to_string())),
    }
    let files: Vec<(&str, &str)> = [("site.toml", SITE_TOML), (".gitignore", GITIGNORE)]
        .into_iter()
        .chain(EXAMPLES)
        .collect();
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        write_new(&path, text)?;
        written.push(PathBuf::from(rel));
    }
    Ok(written)
}

/// What `dafu new` is told about the reply; anything left out is left empty in the file.
#[derive(Debug, Clone, Default)]
pub struct NewReply {
    pub kind: Option<Kind>,
    pub number: Option<String>,
    pub title: Option<String>,
    pub session: Option<String>,
    pub department: Option<String>,
    pub representatives: Vec<String>,
    pub date: Option<NaiveDate>,
}

/// Writes a new reply into the site at `root` and returns its path. The file is a draft
/// (`draft: true`) dated `today` unless a date is given.
pub fn new_reply(root: &Path, r: &NewReply, today: NaiveDate) -> Result<PathBuf, Msg> {
    if !root.join("site.toml").is_file() {
        return Err(msg!("new-no-site", folder = root.display().to_string()));
    }
    let archetype_path = root.join("archetypes").join("reply.md");
    let archetype = match std::fs::read_to_string(&archetype_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => ARCHETYPE.to_string(),
        Err(e) => return Err(msg!("file-unreadable", error = e.to_string())),
    };
    let kind = r.kind.unwrap_or(Kind::Proposal);
    let date = r.date.unwrap_or(today);
    let text = fill(&archetype, r, kind, date).map_err(|e| {
        msg!(
            "new-archetype-error",
            file = archetype_path.display().to_string(),
            error = e
        )
    })?;
    let folder = root.join("content").join(date.year().to_string());
    let base = file_stem(kind, r.number.as_deref(), r.department.as_deref(), &text);
    // Another department's reply to the same proposal gets the department in its name; the
    // same department's is refused (it is there already).
    let mut candidates = vec![base.clone()];
    if let Some(d) = r.department.as_deref()
        && department_of(&folder.join(format!("{base}.md"))).is_some_and(|other| other != d)
    {
        candidates.push(format!("{base}-{}", crate::slug::pinyin_slug(d)));
    }
    for stem in candidates {
        let path = folder.join(format!("{stem}.md"));
        match write_new(&path, &text) {
            Ok(()) => return Ok(path),
            Err(_) if path.exists() => continue,
            Err(e) => return Err(e),
        }
    }
    Err(msg!(
        "new-exists",
        file = folder.join(format!("{base}.md")).display().to_string()
    ))
}

/// The archetype with the reply's values: front-matter values as YAML double-quoted
/// strings (a JSON string is one), so that a colon or quote in a name cannot break the file.
fn fill(archetype: &str, r: &NewReply, kind: Kind, date: NaiveDate) -> Result<String, String> {
    let quoted = |s: Option<&str>| serde_json::to_string(s.unwrap_or("")).unwrap_or_default();
    let representative = match r.representatives.as_slice() {
        [] => "\"\"".to_string(),
        [one] => quoted(Some(one)),
        many => serde_json::to_string(many).unwrap_or_default(),
    };
    let mut ctx = tera::Context::new();
    ctx.insert("title", &quoted(r.title.as_deref()));
    ctx.insert("kind", kind.key());
    ctx.insert("number", &quoted(r.number.as_deref()));
    ctx.insert("session", &quoted(r.session.as_deref()));
    ctx.insert("department", &quoted(r.department.as_deref()));
    ctx.insert("representative", &representative);
    ctx.insert("date", &date.to_string());
    // For the letter's text: the values as written.
    // The letter names the proposal, not the reply: 《关于…的建议》 for 关于…的建议的答复.
    let proposal_title = r
        .title
        .as_deref()
        .map(|t| t.trim_end_matches("的答复").trim_end_matches("的答复函"));
    ctx.insert("title_bare", proposal_title.unwrap_or("……"));
    ctx.insert("department_bare", r.department.as_deref().unwrap_or("……"));
    ctx.insert(
        "representative_bare",
        &if r.representatives.is_empty() {
            "……".to_string()
        } else {
            r.representatives.join("、")
        },
    );
    ctx.insert("role", kind.role());
    ctx.insert(
        "date_cn",
        &format!("{}年{}月{}日", date.year(), date.month(), date.day()),
    );
    let mut text = tera::Tera::one_off(archetype, &ctx, false).map_err(|e| e.to_string())?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// `proposal-146`; without a number, the kind and a short hash of the new file.
fn file_stem(kind: Kind, number: Option<&str>, department: Option<&str>, text: &str) -> String {
    let number: String = number
        .unwrap_or_default()
        .trim()
        .trim_start_matches('第')
        .trim_end_matches('号')
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase();
    if !number.is_empty() && number.len() <= 40 {
        format!("{}-{number}", kind.key())
    } else {
        let seed = format!("{text}{}", department.unwrap_or_default());
        format!("{}-new-{}", kind.key(), crate::slug::short_hash(&seed, 6))
    }
}

/// The `department:` an existing reply file names, read leniently.
fn department_of(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.lines().find(|l| l.starts_with("department:"))?;
    let value = line["department:".len()..].trim().trim_matches(['"', '\'']);
    Some(value.to_string())
}

/// Writes a file that must not exist yet (its folders are made).
fn write_new(path: &Path, text: &str) -> Result<(), Msg> {
    let io = |e: std::io::Error| {
        msg!(
            "import-cannot-write",
            path = path.display().to_string(),
            error = e.to_string()
        )
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io)?;
    f.write_all(text.as_bytes()).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    #[test]
    fn init_writes_a_site_that_parses_and_refuses_a_full_folder() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("新网站");
        let files = init(&site).unwrap();
        assert!(files.contains(&PathBuf::from("site.toml")));
        let config = crate::config::load(&site, None).unwrap();
        assert_eq!(config.language, "zh-CN");
        let again = init(&site).unwrap_err();
        assert_eq!(again.id, "init-not-empty");
    }

    #[test]
    fn new_reply_is_a_valid_draft_at_a_sensible_path() {
        let dir = tempfile::tempdir().unwrap();
        init(dir.path()).unwrap();
        let r = NewReply {
            kind: Some(Kind::Suggestion),
            number: Some("第12号".into()),
            title: Some("关于\"校外培训\": 监管的建议的答复".into()),
            session: Some("市十七届人大二次会议".into()),
            department: Some("某市教育局".into()),
            representatives: vec!["张三".into(), "李四".into()],
            date: None,
        };
        let path = new_reply(dir.path(), &r, today()).unwrap();
        assert_eq!(path, dir.path().join("content/2026/suggestion-12.md"));
        let text = std::fs::read_to_string(&path).unwrap();
        let file =
            crate::load::read_source(dir.path(), &dir.path().join("content"), &path).unwrap();
        let config = crate::config::load(dir.path(), None).unwrap();
        let reply = crate::validate::validate_file(&file, &config).unwrap();
        assert!(reply.draft, "{text}");
        assert_eq!(reply.title, "关于\"校外培训\": 监管的建议的答复");
        assert_eq!(reply.number, "12");
        assert_eq!(reply.date, today());
        assert_eq!(reply.representatives, vec!["张三", "李四"]);
        // A second department's reply to the same suggestion gets its own file.
        let other = NewReply {
            department: Some("某市财政局".into()),
            ..r.clone()
        };
        let second = new_reply(dir.path(), &other, today()).unwrap();
        assert_eq!(
            second,
            dir.path()
                .join("content/2026/suggestion-12-mou-shi-cai-zheng-ju.md")
        );
        // The same again: refused, nothing overwritten.
        assert_eq!(
            new_reply(dir.path(), &r, today()).unwrap_err().id,
            "new-exists"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }

    #[test]
    fn the_sites_own_archetype_wins() {
        let dir = tempfile::tempdir().unwrap();
        init(dir.path()).unwrap();
        std::fs::create_dir(dir.path().join("archetypes")).unwrap();
        std::fs::write(
            dir.path().join("archetypes/reply.md"),
            "---\ntitle: {{ title }}\nkind: {{ kind }}\ndraft: true\n---\n本单位模板\n",
        )
        .unwrap();
        let path = new_reply(dir.path(), &NewReply::default(), today()).unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.ends_with("本单位模板\n"), "{text}");
        assert!(text.contains("kind: proposal"), "{text}");
    }
}
