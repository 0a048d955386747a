//! Helpers shared by the integration tests: run the real binary, make fixture sites, walk
//! output trees and check links.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const SITE_TOML: &str = r#"title = "测试站点"
base_url = "https://www.example.gov.cn/jyta/"
page_size = 3

[organisation]
name = "某市人民政府办公室"
code = "11210400MB0000000X"

[footer]
sponsor = "某市人民政府办公室"
site_code = "2104000001"
"#;

/// The binary with its messages in English (the tests read them); `dafu_zh` for Chinese.
pub fn dafu() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dafu"));
    cmd.env("DAFU_LANG", "en");
    cmd
}

/// The binary as a Chinese site's users run it: messages in Chinese.
pub fn dafu_zh() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dafu"));
    cmd.env_remove("DAFU_LANG");
    cmd
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `dafu build --root <root> [args]` as a Chinese site's users run it.
pub fn build_zh(root: &Path, args: &[&str]) -> Output {
    run_build(dafu_zh(), root, args)
}

/// Runs `dafu build --root <root> [args]`.
pub fn build(root: &Path, args: &[&str]) -> Output {
    run_build(dafu(), root, args)
}

fn run_build(mut dafu: Command, root: &Path, args: &[&str]) -> Output {
    dafu.arg("build")
        .arg("--root")
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run dafu")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A fresh site folder with site.toml and the given content files.
pub fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("site.toml"), SITE_TOML).unwrap();
    for (rel, text) in files {
        write(dir.path(), rel, text.as_bytes());
    }
    dir
}

pub fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// A valid reply; `extra` lines are added to the front matter.
pub fn reply(number: &str, dept: &str, date: &str, extra: &str) -> String {
    format!(
        "---\ntitle: 关于第{number}号事项的提案\nkind: proposal\nnumber: \"{number}\"\nsession: 市政协十四届一次会议\nrepresentative: 张三\ndepartment: {dept}\ndate: {date}\n{extra}---\n张三委员：\n\n您提出的提案收悉，现答复如下。\n"
    )
}

/// Every file under `dir`, relative path → bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

pub fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Values of `href="…"` and `src="…"` in an HTML page.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].replace("&amp;", "&"));
                rest = &rest[end..];
            }
        }
    }
    out
}

/// Internal links that do not resolve to a file in the output, as "page → link".
pub fn broken_links(out: &Path, base_path: &str) -> Vec<String> {
    let mut broken = Vec::new();
    for (rel, bytes) in tree(out) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&bytes);
        let page_dir = Path::new(&rel)
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf();
        for link in links(&html) {
            if link.starts_with("http://")
                || link.starts_with("https://")
                || link.starts_with("mailto:")
                || link.starts_with("data:")
                || link.starts_with('#')
                || link.starts_with("tel:")
            {
                continue;
            }
            let link_path = link.split(['#', '?']).next().unwrap_or("");
            let target = if let Some(abs) = link_path.strip_prefix('/') {
                match format!("/{abs}").strip_prefix(base_path) {
                    Some(inside) => PathBuf::from(inside),
                    None => {
                        broken.push(format!(
                            "{rel} → {link} (outside the base path {base_path})"
                        ));
                        continue;
                    }
                }
            } else {
                page_dir.join(link_path)
            };
            let mut resolved = PathBuf::new();
            let mut escaped = false;
            for c in target.components() {
                match c {
                    std::path::Component::ParentDir => {
                        if !resolved.pop() {
                            escaped = true;
                        }
                    }
                    std::path::Component::CurDir => {}
                    other => resolved.push(other),
                }
            }
            let file = out.join(&resolved);
            let ok = !escaped && (file.is_file() || file.join("index.html").is_file());
            if !ok {
                broken.push(format!("{rel} → {link}"));
            }
        }
    }
    broken
}

/// A site made of `n` generated proposals (bench/corpus/bench/gen_corpus.py, deterministic),
/// with the sample site's site.toml.
pub fn generated_site(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new("python3")
        .arg(repo_root().join("bench/corpus/bench/gen_corpus.py"))
        .args(["--n", &n.to_string(), "--out"])
        .arg(dir.path())
        .output()
        .expect("run python3 (needed to generate a corpus)");
    assert!(
        out.status.success(),
        "gen_corpus.py failed: {}",
        stderr(&out)
    );
    std::fs::copy(repo_root().join("site.toml"), dir.path().join("site.toml")).unwrap();
    dir
}

/// Builds `root` into `<root>/public`, asserting success; returns the output folder.
pub fn build_ok(root: &Path) -> PathBuf {
    let o = build(root, &[]);
    assert!(o.status.success(), "build failed:\n{}", stderr(&o));
    root.join("public")
}

/// The sample site of the repository, built into a temporary folder.
pub fn sample_site_built() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("public");
    let o = build(&repo_root(), &["--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "build failed:\n{}", stderr(&o));
    (dir, out)
}

/// Runs a required external tool; a missing tool fails the test with what to install.
pub fn tool(program: &str, install: &str) -> Command {
    if Command::new(program).arg("--version").output().is_err() {
        panic!("{program} is needed by this test: {install} (.ci/run installs it)");
    }
    Command::new(program)
}

/// One page of every type in a built site, as paths relative to the site root ("" is the
/// home page): home, 404, statistics, search (when built), the full list and its page 2,
/// each dimension's value list, its first value's page (and page 2), and a few replies.
pub fn page_types(out: &Path) -> Vec<String> {
    let mut pages = vec![String::new(), "404.html".to_string(), "stats/".to_string()];
    if out.join("search/index.html").is_file() {
        pages.push("search/".into());
    }
    pages.push("all/".into());
    if out.join("all/page/2/index.html").is_file() {
        pages.push("all/page/2/".into());
    }
    for dim in [
        "years",
        "departments",
        "representatives",
        "sessions",
        "kinds",
        "categories",
        "tags",
    ] {
        if !out.join(dim).is_dir() {
            continue;
        }
        pages.push(format!("{dim}/"));
        let mut terms: Vec<String> = std::fs::read_dir(out.join(dim))
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        terms.sort();
        if let Some(t) = terms.first() {
            pages.push(format!("{dim}/{t}/"));
            if out.join(dim).join(t).join("page/2/index.html").is_file() {
                pages.push(format!("{dim}/{t}/page/2/"));
            }
        }
    }
    let mut replies: Vec<String> = walkdir::WalkDir::new(out.join("replies"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name() == "index.html")
        .map(|e| {
            let rel = e.path().parent().unwrap().strip_prefix(out).unwrap();
            format!("{}/", rel.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    // Replies with tables, footnotes or code first: they stress the theme most.
    replies.sort_by_key(|r| {
        let html = std::fs::read_to_string(out.join(r).join("index.html")).unwrap_or_default();
        !(html.contains("<table>") || html.contains("footnote") || html.contains("<pre"))
    });
    pages.extend(replies.into_iter().take(4));
    pages
}

/// A running `dafu serve`: its output lines (stdout and stderr) and the address it announced.
/// Killed and reaped when dropped, whatever way a test ends.
pub struct Served {
    pub child: std::process::Child,
    pub url: String,
    pub lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Served {
    /// `host:port` of the server, for raw requests.
    pub fn addr(&self) -> String {
        let rest = self.url.trim_start_matches("http://");
        rest.split('/').next().unwrap_or(rest).to_string()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Spawns `cmd` (a `dafu serve …`) with its output captured, and waits until it says where
/// it serves (in English or Chinese).
pub fn spawn_serve(mut cmd: Command) -> Served {
    use std::io::BufRead;
    let mut child = cmd
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start dafu serve");
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let lines = lines.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stream)
                .lines()
                .map_while(Result::ok)
            {
                lines.lock().unwrap().push(line);
            }
        });
    }
    // Owned from here on, so that the process is killed and reaped on any exit.
    let mut served = Served {
        child,
        url: String::new(),
        lines,
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let found = served.lines.lock().unwrap().iter().find_map(|l| {
            l.strip_prefix("serving ")
                .or_else(|| l.strip_prefix("预览地址 "))
                .map(|r| r.split_whitespace().next().unwrap().to_string())
        });
        if let Some(url) = found {
            served.url = url;
            return served;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "serve did not start: {:?}",
            served.lines.lock().unwrap()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
