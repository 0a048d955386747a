//! Helpers for the unit tests.

/// A small deterministic random source (xorshift): tests print the seed that failed.
pub struct Rng(pub u64);

impl Rng {
    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// A valid reply for unit tests, from `content/<file>`: proposal `number` of 市政协十四届一次会议,
/// answered by `department` on `date`; every other field plain (set them with `..reply(…)`).
pub fn reply(
    file: &str,
    number: &str,
    department: &str,
    date: chrono::NaiveDate,
) -> crate::reply::Reply {
    use crate::reply::{Handling, Kind, Reply};
    Reply {
        source: std::path::PathBuf::from(format!("content/{file}")),
        rel: std::path::PathBuf::from(file),
        title: format!("关于{number}的提案"),
        kind: Kind::Proposal,
        number: number.into(),
        session: "市政协十四届一次会议".into(),
        representatives: vec!["吴忠彦".into()],
        department: department.into(),
        date,
        handling: Handling::Lead,
        co_departments: vec![],
        category: None,
        doc_number: None,
        signer: None,
        contact: None,
        cc: vec![],
        published: date,
        index_code: None,
        tags: vec![],
        draft: false,
        body: "".into(),
        body_fp: 0,
        body_line: 1,
        replaced: Vec::new(),
        number_written: None,
        attachments: Vec::new(),
        satisfaction: None,
        department_written: None,
    }
}

/// A reply file's text: proposal `number`, answered on `date` (`YYYY-MM-DD`), with `body`.
pub fn reply_file(number: usize, date: &str, body: &str) -> String {
    format!(
        "---\ntitle: 关于第{number}号的答复\nkind: proposal\nnumber: \"{number}\"\nsession: 市政协十四届一次会议\nrepresentative: 张三\ndepartment: 市教育局\ndate: {date}\n---\n{body}\n"
    )
}

/// A site folder with `content/<name>` files (no site.toml: tests pass [`site_config`]).
pub fn site_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for (name, text) in files {
        write(dir.path(), &format!("content/{name}"), text);
    }
    dir
}

/// Writes `text` at `rel` under `root`, making its folders.
pub fn write(root: &std::path::Path, rel: &str, text: &str) {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
}

/// A plain site configuration.
pub fn site_config() -> crate::config::SiteConfig {
    crate::config::parse(
        "title = \"t\"\nbase_url = \"https://example.gov.cn/\"\n[organisation]\nname = \"o\"\ncode = \"000000000\"\n",
        None,
    )
    .unwrap_or_else(|e| panic!("{e:?}"))
}
