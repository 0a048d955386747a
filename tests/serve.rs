//! `dafu serve` as an editor uses it: the real binary on a free port, files edited, added,
//! renamed and deleted, front matter broken and fixed, hostile paths; and the property that
//! after any sequence of edits the served site equals a fresh `dafu build`.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;

struct Server {
    url: String,
    origin: String,
    lines: Arc<Mutex<Vec<String>>>,
    /// The process, killed when the server is dropped.
    _served: Served,
}

fn start(root: &Path, extra: &[&str]) -> Server {
    let mut cmd = dafu();
    cmd.args(["serve", "--port", "0", "--root"])
        .arg(root)
        .args(extra);
    let served = spawn_serve(cmd);
    Server {
        url: served.url.clone(),
        origin: served.url.trim_end_matches("/jyta/").to_string(),
        lines: served.lines.clone(),
        _served: served,
    }
}

impl Server {
    fn get(&self, path: &str) -> (u16, String) {
        let (status, body) = self.get_bytes(path);
        (status, String::from_utf8(body).unwrap_or_default())
    }
    fn get_bytes(&self, path: &str) -> (u16, Vec<u8>) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        let mut r = agent
            .get(&format!("{}{path}", self.origin))
            .call()
            .expect("request");
        let status = r.status().as_u16();
        (status, r.body_mut().read_to_vec().unwrap_or_default())
    }
    fn rebuilds(&self) -> usize {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter(|l| {
                l.starts_with("rebuilt in") || l.contains("still serving the last good build")
            })
            .count()
    }
    fn output(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }
    /// Waits until `cond` holds, failing with the server's output after 15 s.
    fn wait_for(&self, what: &str, cond: impl Fn(&Server) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while !cond(self) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }
    /// Applies an edit and waits for the rebuild it causes.
    fn edit(&self, f: impl FnOnce()) {
        let before = self.rebuilds();
        f();
        self.wait_for("a rebuild", |s| s.rebuilds() > before);
    }
    fn files(&self) -> BTreeMap<String, String> {
        let (status, body) = self.get("/__dafu/files");
        assert_eq!(status, 200);
        serde_json::from_str(&body).unwrap()
    }
}

fn fresh_build(root: &Path) -> BTreeMap<String, String> {
    let out = tempfile::tempdir().unwrap();
    let o = build(root, &["--output", out.path().join("p").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    tree(&out.path().join("p"))
        .into_iter()
        // The ownership mark is the output folder's, not the site's: serve has none.
        .filter(|(k, _)| k != dafu::output::MARKER)
        .map(|(k, v)| (k, format!("{:016x}", dafu::hashing::fnv1a(&v))))
        .collect()
}

fn assert_same_as_fresh(server: &Server, root: &Path, step: &str) {
    let served = server.files();
    let fresh = fresh_build(root);
    let only_served: Vec<&String> = served.keys().filter(|k| !fresh.contains_key(*k)).collect();
    let only_fresh: Vec<&String> = fresh.keys().filter(|k| !served.contains_key(*k)).collect();
    let differ: Vec<&String> = fresh
        .iter()
        .filter(|(k, v)| served.get(*k).is_some_and(|s| s != *v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        only_served.is_empty() && only_fresh.is_empty() && differ.is_empty(),
        "after {step}: served ≠ fresh build\nonly served: {only_served:?}\nonly fresh: {only_fresh:?}\ndiffer: {differ:?}"
    );
}

fn fixture() -> tempfile::TempDir {
    site(&[
        (
            "content/2024/a.md",
            &reply("1", "某市教育局", "2024-03-01", "category: A\n"),
        ),
        (
            "content/2024/b.md",
            &reply("2", "某市教育局", "2024-03-02", ""),
        ),
        (
            "content/2024/c.md",
            &reply("3", "某市民政局", "2024-03-03", ""),
        ),
        (
            "content/2024/d.md",
            &reply("4", "某市民政局", "2024-03-04", ""),
        ),
    ])
}

fn rewrite(root: &Path, rel: &str, from: &str, to: &str) {
    let p = root.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{rel} has no {from}");
    // Like an editor's atomic save: write a temporary file, then rename it over the original.
    let tmp = p.with_file_name(format!(".{}.swp", p.file_name().unwrap().to_string_lossy()));
    std::fs::write(&tmp, text.replace(from, to)).unwrap();
    std::fs::rename(&tmp, &p).unwrap();
}

#[test]
fn serves_pages_follows_edits_and_recovers_from_errors() {
    let site = fixture();
    let root = site.path();
    let s = start(root, &[]);
    assert!(
        s.url.starts_with("http://127.0.0.1:") && s.url.ends_with("/jyta/"),
        "{}",
        s.url
    );
    let (status, home) = s.get("/jyta/");
    assert_eq!(status, 200);
    assert!(
        home.contains("/__dafu/live.js"),
        "live reload is injected by serve"
    );
    assert_eq!(s.get("/").0, 302);
    let (status, page) = s.get("/jyta/replies/2024/a/");
    assert_eq!(status, 200);
    assert!(page.contains("关于第1号事项的提案"));
    assert_eq!(
        s.get("/jyta/replies/2024/a").0,
        302,
        "a folder without / redirects"
    );
    assert_eq!(s.get("/jyta/no/such/page/").0, 404);

    // Edit a title.
    s.edit(|| {
        rewrite(
            root,
            "content/2024/a.md",
            "关于第1号事项的提案",
            "关于第1号事项（修订）的提案",
        )
    });
    assert!(
        s.get("/jyta/replies/2024/a/")
            .1
            .contains("关于第1号事项（修订）的提案")
    );
    assert!(
        s.get("/jyta/departments/mou-shi-jiao-yu-ju/")
            .1
            .contains("（修订）")
    );

    // Add a reply: its page, the lists and the search index follow.
    s.edit(|| {
        write(
            root,
            "content/2024/e.md",
            reply("5", "某市水务局", "2024-03-05", "").as_bytes(),
        )
    });
    assert_eq!(s.get("/jyta/replies/2024/e/").0, 200);
    assert!(s.get("/jyta/departments/").1.contains("某市水务局"));
    let meta: serde_json::Value = serde_json::from_str(&s.get("/jyta/search/meta.json").1).unwrap();
    assert_eq!(meta["docs"], 5);
    // A search card (held compressed) is served as `dafu build` writes it.
    let fresh = fresh_build(root);
    for n in 0..5 {
        let path = format!("search/r/{n}.txt");
        let (status, card) = s.get_bytes(&format!("/jyta/{path}"));
        assert_eq!(status, 200);
        assert_eq!(&card[..2], &[0xFF, 0xFE], "{path}");
        assert_eq!(
            format!("{:016x}", dafu::hashing::fnv1a(&card)),
            fresh[&path],
            "{path}"
        );
    }

    // Rename one: the old address is gone.
    s.edit(|| {
        std::fs::rename(
            root.join("content/2024/e.md"),
            root.join("content/2024/e2.md"),
        )
        .unwrap()
    });
    assert_eq!(s.get("/jyta/replies/2024/e/").0, 404);
    assert_eq!(s.get("/jyta/replies/2024/e2/").0, 200);

    // Move one to another department.
    s.edit(|| {
        rewrite(
            root,
            "content/2024/b.md",
            "department: 某市教育局",
            "department: 某市水务局",
        )
    });
    let water = s.get("/jyta/departments/mou-shi-shui-wu-ju/").1;
    assert!(water.contains("关于第2号事项的提案"), "{water}");

    // Delete one.
    s.edit(|| std::fs::remove_file(root.join("content/2024/e2.md")).unwrap());
    assert_eq!(s.get("/jyta/replies/2024/e2/").0, 404);
    assert_same_as_fresh(&s, root, "add, rename, move, delete");

    // Break the front matter: reported with file:line:column; the last good page stays.
    s.edit(|| {
        rewrite(
            root,
            "content/2024/c.md",
            "kind: proposal",
            "kind: [proposal",
        )
    });
    let out = s.output();
    assert!(out.contains("content/2024/c.md:"), "{out}");
    assert!(out.contains("still serving the last good build"), "{out}");
    let (status, page) = s.get("/jyta/replies/2024/c/");
    assert_eq!(status, 200);
    assert!(page.contains("关于第3号事项的提案"));

    // Fix it: back to normal.
    s.edit(|| {
        rewrite(
            root,
            "content/2024/c.md",
            "kind: [proposal",
            "kind: proposal",
        )
    });
    assert!(
        s.output()
            .lines()
            .last()
            .unwrap_or("")
            .starts_with("rebuilt in")
    );
    assert_same_as_fresh(&s, root, "break and fix");
}

#[test]
fn the_error_is_sent_to_browsers_and_cleared() {
    let site = fixture();
    let root = site.path();
    let s = start(root, &[]);
    s.edit(|| {
        rewrite(
            root,
            "content/2024/a.md",
            "date: 2024-03-01",
            "date: 2024-02-30",
        )
    });
    // A browser connecting now hears about the error first.
    let (status, body) = s.get("/__dafu/events");
    assert_eq!(status, 200);
    let first: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(first["messages"][0]["type"], "error", "{body}");
    // The overlay's report: each problem with its place and the wrong text to mark.
    let report = &first["messages"][0]["message"];
    let problem = &report["problems"][0];
    assert!(
        problem["message"].as_str().unwrap().contains("2024-02-30"),
        "{report}"
    );
    assert!(
        problem["location"].as_str().unwrap().contains("a.md:"),
        "{report}"
    );
    assert_eq!(problem["excerpt"]["mark"], "2024-02-30", "{report}");
    assert_eq!(report["problems"].as_array().unwrap().len(), 1, "{report}");
    let latest = first["latest"].as_u64().unwrap();
    // A waiting browser is woken by the fix, told to drop the overlay and which pages changed.
    let origin = s.origin.clone();
    let waiting = std::thread::spawn(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        agent
            .get(&format!("{origin}/__dafu/events?since={latest}"))
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap()
    });
    std::thread::sleep(Duration::from_millis(200));
    s.edit(|| {
        rewrite(
            root,
            "content/2024/a.md",
            "date: 2024-02-30",
            "date: 2024-03-01",
        )
    });
    let body = waiting.join().unwrap();
    let news: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(news["messages"][0]["type"], "reload", "{body}");
    assert!(news["latest"].as_u64().unwrap() > latest);
}

#[test]
fn paths_outside_the_site_are_refused() {
    let site = fixture();
    let root = site.path();
    std::fs::write(root.join("secret.txt"), "secret").unwrap();
    std::fs::create_dir_all(root.join("static")).unwrap();
    let s = start(root, &[]);
    let host = s.origin.trim_start_matches("http://").to_string();
    for raw in [
        "/jyta/../secret.txt",
        "/jyta/%2e%2e/secret.txt",
        "/jyta/..%2fsecret.txt",
        "/jyta/assets/..%5c..%5csecret.txt",
        "/../../etc/passwd",
    ] {
        use std::io::{Read, Write};
        let mut c = std::net::TcpStream::connect(&host).unwrap();
        write!(
            c,
            "GET {raw} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut resp = String::new();
        c.read_to_string(&mut resp).unwrap();
        assert!(
            !resp.contains("secret\n") && !resp.ends_with("secret"),
            "{raw} leaked: {resp}"
        );
        let status: u16 = resp.split_whitespace().nth(1).unwrap().parse().unwrap();
        assert!(status == 400 || status == 404, "{raw}: {status}");
    }
    assert_eq!(s.get("/jyta/site.toml").0, 404);
    assert_eq!(s.get("/jyta/").0, 200);
    // A symbolic link out of the site is refused (an error, like in build) and not served.
    #[cfg(unix)]
    {
        let secret = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(secret.path(), "secret").unwrap();
        s.edit(|| std::os::unix::fs::symlink(secret.path(), root.join("static/link.txt")).unwrap());
        assert!(
            s.output().contains("outside the site folder"),
            "{}",
            s.output()
        );
        assert_eq!(s.get("/jyta/link.txt").0, 404);
        assert_eq!(
            s.get("/jyta/").0,
            200,
            "the last good build is still served"
        );
        let o = build(root, &[]);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("outside the site folder"));
    }
}

#[test]
fn a_taken_port_moves_to_the_next_and_says_so() {
    let site = fixture();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut child = dafu()
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(site.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut text = String::new();
    while !text.contains("serving ") {
        let mut line = String::new();
        if out.read_line(&mut line).unwrap() == 0 {
            break;
        }
        text.push_str(&line);
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        text.contains(&format!("port {port} is in use; using")),
        "{text}"
    );
    assert!(!text.contains(&format!("127.0.0.1:{port}/")), "{text}");
}

#[test]
fn drafts_only_when_asked_and_build_output_has_no_reload_script() {
    let site = fixture();
    let root = site.path();
    write(
        root,
        "content/2024/draft.md",
        reply("9", "某市教育局", "2024-03-09", "draft: true\n").as_bytes(),
    );
    // An imported draft that still lacks fields does not stop the preview.
    write(
        root,
        "content/imported/incomplete.md",
        "---\n# 草稿：来函中没有写明 编号（number）\ntitle: 关于加强管理的建议\ndraft: true\n---\n正文。\n"
            .as_bytes(),
    );
    let s = start(root, &[]);
    assert_eq!(s.get("/jyta/replies/2024/draft/").0, 404);
    assert_eq!(
        s.get("/jyta/").0,
        200,
        "the site is served beside an incomplete draft"
    );
    assert_eq!(s.get("/jyta/replies/imported/incomplete/").0, 404);
    drop(s);
    std::fs::remove_file(root.join("content/imported/incomplete.md")).unwrap();
    let s = start(root, &["--drafts"]);
    assert_eq!(s.get("/jyta/replies/2024/draft/").0, 200);
    drop(s);
    let out = build_ok(root);
    for (path, bytes) in tree(&out) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("__dafu"),
            "{path} has the reload script"
        );
    }
}

/// The incremental result equals a fresh build after every step of a scripted sequence.
#[test]
fn incremental_equals_fresh_over_a_sequence_of_edits() {
    let site = fixture();
    let root: PathBuf = site.path().to_path_buf();
    // Nothing held in memory: every built file is served from the temporary file.
    let s = start(&root, &["--files-in-memory", "0"]);
    type Step = (&'static str, Box<dyn Fn(&Path)>);
    let steps: Vec<Step> = vec![
        (
            "edit body",
            Box::new(|r: &Path| {
                rewrite(
                    r,
                    "content/2024/a.md",
                    "现答复如下。",
                    "现答复如下。燃气管网改造已完成。",
                )
            }),
        ),
        (
            "change date (reorders)",
            Box::new(|r: &Path| {
                rewrite(
                    r,
                    "content/2024/a.md",
                    "date: 2024-03-01",
                    "date: 2024-03-09",
                )
            }),
        ),
        (
            "change category",
            Box::new(|r: &Path| rewrite(r, "content/2024/a.md", "category: A", "category: C")),
        ),
        (
            "add tags",
            Box::new(|r: &Path| {
                rewrite(
                    r,
                    "content/2024/c.md",
                    "date: 2024-03-03",
                    "date: 2024-03-03\ntags: [燃气, 管网]",
                )
            }),
        ),
        (
            "add a reply",
            Box::new(|r: &Path| {
                write(
                    r,
                    "content/2025/f.md",
                    reply("6", "某市教育局", "2025-01-05", "").as_bytes(),
                )
            }),
        ),
        (
            "change a title",
            Box::new(|r: &Path| {
                rewrite(
                    r,
                    "content/2024/c.md",
                    "title: 关于第3号事项的提案",
                    "title: 关于第3号事项（燃气）的提案",
                )
            }),
        ),
        (
            "move to a department no other reply has",
            Box::new(|r: &Path| {
                rewrite(
                    r,
                    "content/2024/d.md",
                    "department: 某市民政局",
                    "department: 某市住房和城乡建设局",
                )
            }),
        ),
        (
            "move to another year and representative",
            Box::new(|r: &Path| {
                rewrite(
                    r,
                    "content/2024/b.md",
                    "representative: 张三\ndepartment: 某市教育局\ndate: 2024-03-02",
                    "representative: 李四\ndepartment: 某市教育局\ndate: 2023-12-30",
                )
            }),
        ),
        (
            "hide a reply as a draft",
            Box::new(|r: &Path| {
                rewrite(
                    r,
                    "content/2024/c.md",
                    "date: 2024-03-03",
                    "date: 2024-03-03\ndraft: true",
                )
            }),
        ),
        (
            "publish the draft",
            Box::new(|r: &Path| rewrite(r, "content/2024/c.md", "\ndraft: true", "")),
        ),
        (
            "add a reply to an existing folder",
            Box::new(|r: &Path| {
                write(
                    r,
                    "content/2024/e.md",
                    reply(
                        "5",
                        "某市民政局",
                        "2024-03-03",
                        "index_code: ORG/2024-given\n",
                    )
                    .as_bytes(),
                )
            }),
        ),
        (
            "change site.toml",
            Box::new(|r: &Path| {
                let t = std::fs::read_to_string(r.join("site.toml")).unwrap();
                std::fs::write(
                    r.join("site.toml"),
                    t.replace("page_size = 3", "page_size = 2"),
                )
                .unwrap();
            }),
        ),
        (
            "override a template",
            Box::new(|r: &Path| {
                let base = dafu::theme::default_template("base.html").unwrap();
                write(
                    r,
                    "templates/base.html",
                    base.replace("跳到正文", "跳到主要内容").as_bytes(),
                );
            }),
        ),
        (
            "add a static file",
            Box::new(|r: &Path| write(r, "static/extra.css", b"body{}")),
        ),
        (
            "edit another body",
            Box::new(|r: &Path| {
                rewrite(
                    r,
                    "content/2024/c.md",
                    "现答复如下。",
                    "现答复如下。**已完成**。",
                )
            }),
        ),
        (
            "edit the same body again",
            Box::new(|r: &Path| rewrite(r, "content/2024/c.md", "**已完成**", "~~已完成~~")),
        ),
        (
            "rename a reply",
            Box::new(|r: &Path| {
                std::fs::rename(r.join("content/2024/b.md"), r.join("content/2024/b2.md")).unwrap()
            }),
        ),
        (
            "move a reply to another folder",
            Box::new(|r: &Path| {
                std::fs::rename(r.join("content/2024/b2.md"), r.join("content/2025/b3.md")).unwrap()
            }),
        ),
        (
            "delete a reply",
            Box::new(|r: &Path| std::fs::remove_file(r.join("content/2024/d.md")).unwrap()),
        ),
        (
            "remove the override",
            Box::new(|r: &Path| std::fs::remove_file(r.join("templates/base.html")).unwrap()),
        ),
    ];
    for (name, step) in steps {
        s.edit(|| step(&root));
        assert_same_as_fresh(&s, &root, name);
    }
    // Pages and other files come back from the temporary file as they were built.
    let (status, home) = s.get("/jyta/");
    assert_eq!(status, 200);
    assert!(
        home.contains("</html>") && home.contains("/__dafu/live.js"),
        "{home}"
    );
    let (status, css) = s.get("/jyta/assets/dafu.css");
    assert_eq!(status, 200);
    let out = tempfile::tempdir().unwrap();
    let o = build(&root, &["--output", out.path().join("p").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let built = std::fs::read_to_string(out.path().join("p/assets/dafu.css")).unwrap();
    assert_eq!(css, built);
}

#[test]
fn a_burst_of_saves_is_one_rebuild() {
    let site = fixture();
    let root = site.path();
    let s = start(root, &[]);
    let before = s.rebuilds();
    for i in 0..5 {
        rewrite(
            root,
            "content/2024/a.md",
            if i == 0 {
                "现答复如下。"
            } else {
                "（草稿）"
            },
            "（草稿）",
        );
    }
    s.wait_for("the rebuild", |s| s.rebuilds() > before);
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(s.rebuilds(), before + 1, "{}", s.output());
    assert!(s.get("/jyta/replies/2024/a/").1.contains("（草稿）"));
    // Editor temporary files alone cause no rebuild.
    write(root, "content/2024/.a.md.swp", b"junk");
    write(root, "content/2024/a.md~", b"junk");
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(s.rebuilds(), before + 1, "{}", s.output());
}

#[test]
fn polling_finds_changes_too() {
    let site = fixture();
    let root = site.path();
    let s = start(root, &["--poll"]);
    // The poller's first scan, which later scans are compared with.
    std::thread::sleep(Duration::from_millis(1000));
    s.edit(|| {
        rewrite(
            root,
            "content/2024/b.md",
            "关于第2号事项的提案",
            "关于第2号事项（轮询）的提案",
        )
    });
    assert!(s.get("/jyta/replies/2024/b/").1.contains("（轮询）"));
}

#[test]
fn a_stylesheet_change_is_announced_as_css_only() {
    let site = fixture();
    let root = site.path();
    write(root, "static/assets/dafu.css", b"body { color: #111; }");
    let s = start(root, &[]);
    let (_, body) = s.get("/__dafu/events");
    let latest = serde_json::from_str::<serde_json::Value>(&body).unwrap()["latest"]
        .as_u64()
        .unwrap();
    s.edit(|| write(root, "static/assets/dafu.css", b"body { color: #000; }"));
    let (_, body) = s.get(&format!("/__dafu/events?since={latest}"));
    let news: serde_json::Value = serde_json::from_str(&body).unwrap();
    let m = &news["messages"][0];
    assert_eq!(m["type"], "reload", "{body}");
    assert_eq!(m["css_only"], true, "{body}");
    assert_eq!(m["changed"][0], "/jyta/assets/dafu.css", "{body}");
    assert_eq!(s.get("/jyta/assets/dafu.css").1, "body { color: #000; }");
}

/// On a generated site large enough for many search shards, every one-reply edit (text,
/// title, date, department, a reply deleted, a reply added) is worked through as one reply —
/// model, pages, feeds, open data and search index patched — and still equals a fresh build.
#[test]
fn one_reply_edits_on_a_generated_site_are_patched_and_equal_fresh() {
    let site = generated_site(300);
    let root: PathBuf = site.path().to_path_buf();
    // Short pages: a reply moved across the site shifts many list pages.
    let config = std::fs::read_to_string(root.join("site.toml")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        config.replace("page_size = 20", "page_size = 2"),
    )
    .unwrap();
    let mut replies: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    replies.truncate(3);
    let s = start(&root, &[]);
    let shards = s
        .files()
        .keys()
        .filter(|k| k.starts_with("search/s/"))
        .count();
    assert!(shards >= 8, "only {shards} search shards");
    let save = |path: &Path, edit: &dyn Fn(&str) -> String| {
        let text = std::fs::read_to_string(path).unwrap();
        let new = edit(&text);
        assert_ne!(new, text, "the edit changes nothing");
        let tmp = path.with_file_name(".save.tmp");
        std::fs::write(&tmp, new).unwrap();
        std::fs::rename(&tmp, path).unwrap();
    };
    let line_edit = |key: &'static str, value: &'static str| {
        move |text: &str| {
            text.lines()
                .map(|l| {
                    if l.starts_with(key) {
                        format!("{key} {value}")
                    } else {
                        l.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
                + "\n"
        }
    };
    let (a, b, c) = (&replies[0], &replies[1], &replies[2]);
    let added = a.with_file_name("added-reply.md");
    type Step<'a> = (&'static str, Box<dyn Fn() + 'a>);
    let steps: Vec<Step> = vec![
        (
            "text",
            Box::new(|| save(a, &|t| format!("{t}\n燃气管网改造工程已于年内全部完工。\n"))),
        ),
        (
            "title",
            Box::new(|| save(b, &line_edit("title:", "\"关于加快燃气管网改造的提案\""))),
        ),
        (
            "date (moves the reply to the end)",
            Box::new(|| save(c, &line_edit("date:", "2001-01-02"))),
        ),
        (
            "date (moves the reply to the front)",
            Box::new(|| save(c, &line_edit("date:", "2026-12-30"))),
        ),
        (
            "department (a new one)",
            Box::new(|| save(a, &line_edit("department:", "\"某市住房和城乡建设局\""))),
        ),
        ("delete", Box::new(|| std::fs::remove_file(b).unwrap())),
        (
            "add",
            Box::new(|| {
                let text = std::fs::read_to_string(c).unwrap();
                let text = line_edit("number:", "\"99999\"")(&text);
                std::fs::write(&added, line_edit("date:", "2026-01-05")(&text)).unwrap();
            }),
        ),
    ];
    for (name, step) in steps {
        s.edit(step);
        let last = s
            .output()
            .lines()
            .rev()
            .find(|l| l.starts_with("rebuilt in"))
            .unwrap_or_default()
            .to_string();
        assert!(
            last.contains("(one reply)"),
            "after {name}: {last}\n{}",
            s.output()
        );
        assert_same_as_fresh(&s, &root, name);
    }
    // The moves re-rendered many list pages, after serving the edited page.
    assert!(
        s.output().contains("edited page ready in"),
        "{}",
        s.output()
    );
}

/// A broken save and its fix are still worked through as one reply (the model kept is the
/// last good one); another file saved while one is broken makes the fix two replies patched
/// in together. Either way the result equals a fresh build.
#[test]
fn after_a_broken_save_the_fix_is_patched_and_equals_fresh() {
    let site = fixture();
    let root: PathBuf = site.path().to_path_buf();
    let s = start(&root, &[]);
    let last_rebuild = |s: &Server| {
        s.output()
            .lines()
            .rev()
            .find(|l| l.starts_with("rebuilt in"))
            .unwrap_or_default()
            .to_string()
    };
    let path = "content/2024/a.md";
    let good = std::fs::read_to_string(root.join(path)).unwrap();
    s.edit(|| rewrite(&root, path, "date: 2024-03-01", "date: 2024-13-01"));
    assert!(s.output().contains("still serving the last good build"));
    s.edit(|| rewrite(&root, path, "date: 2024-13-01", "date: 2024-03-05"));
    assert!(last_rebuild(&s).contains("(one reply)"), "{}", s.output());
    assert_same_as_fresh(&s, &root, "a fix after a broken save");

    // Broken, then another reply edited, then fixed: both changes arrive.
    s.edit(|| rewrite(&root, path, "date: 2024-03-05", "date: 2024-13-01"));
    s.edit(|| {
        rewrite(
            &root,
            "content/2024/b.md",
            "title: 关于第2号事项的提案",
            "title: 关于第2号事项（已改）的提案",
        )
    });
    s.edit(|| std::fs::write(root.join(path), &good).unwrap());
    assert!(last_rebuild(&s).contains("(2 replies)"), "{}", s.output());
    assert_same_as_fresh(&s, &root, "a fix after a broken save and another edit");
    let (_, page) = s.get("/jyta/replies/2024/b/");
    assert!(page.contains("（已改）"), "{page}");
}

#[test]
fn attachments_are_served_from_their_files() {
    let site = site(&[(
        "content/2024/a.md",
        &reply("1", "某市教育局", "2024-03-01", "attachments: [说明.txt]\n"),
    )]);
    write(site.path(), "content/2024/说明.txt", "第一版".as_bytes());
    let s = start(site.path(), &[]);
    let (status, body) = s.get("/jyta/replies/2024/a/shuo-ming.txt");
    assert_eq!((status, body.as_str()), (200, "第一版"));
    let (_, page) = s.get("/jyta/replies/2024/a/");
    assert!(page.contains("download=\"说明.txt\""), "{page}");
    // The file changes: the preview serves the new bytes.
    write(site.path(), "content/2024/说明.txt", "第二版".as_bytes());
    let (_, body) = s.get("/jyta/replies/2024/a/shuo-ming.txt");
    assert_eq!(body, "第二版");
}
