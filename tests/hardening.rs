//! Regression tests for the holes an attack-minded review found (issue 10): each case as it
//! was reported, run against the real binary. Server cases talk to loopback only, with
//! bounded counts and time limits.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;

fn check(root: &Path) -> std::process::Output {
    dafu()
        .args(["check", "--root"])
        .arg(root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

const HEAD: &str = "---\ntitle: 关于测试的提案\nkind: proposal\nnumber: \"1\"\nsession: 市政协十四届一次会议\nrepresentative: 张三\ndepartment: 某局\ndate: 2023-03-01\n";

#[test]
fn script_links_in_markdown_stop_the_build_at_their_place() {
    let body = "张三委员：\n\n[查看附件](javascript:alert(document.domain))\n\n<javascript:alert(1)> ![图](data:image/svg+xml,x) [甲](vbscript:x)\n\n[参考][r]\n\n[r]: JavaScript:alert(1)\n";
    let dir = site(&[("content/a.md", &format!("{HEAD}---\n{body}"))]);
    let o = build(dir.path(), &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for at in [
        "content/a.md:12:1",
        "content/a.md:14:1",
        "content/a.md:14:23",
        "content/a.md:14:50",
        "content/a.md:16:1",
    ] {
        assert!(err.contains(at), "{at} missing in:\n{err}");
    }
    assert!(err.contains("`javascript:` is not allowed") && err.contains("`data:`"));
    assert!(
        !dir.path().join("public").exists(),
        "nothing may be published"
    );
    assert_eq!(check(dir.path()).status.code(), Some(1));
}

#[test]
fn raw_html_keeps_no_trap() {
    let body = r#"正文

<table><tr><td style="text-align:left;position:fixed;inset:0;z-index:99999;background:#fff url(https://evil.example/x.png)">网站已迁移，请输入密码 <input type="password" name="p"></td></tr></table>

<a href="javascript:alert(1)" onclick="alert(2)">链接</a><img src="data:image/svg+xml,x" onerror="alert(3)"><form action="https://evil.example/"><button>提交</button></form>
"#;
    let dir = site(&[("content/a.md", &format!("{HEAD}---\n{body}"))]);
    let out = build_ok(dir.path());
    let page = read(&out, "replies/a/index.html");
    // From the text to the link after it (the page's own 复制链接 button comes before).
    let start = page.find("网站已迁移").unwrap();
    let end = start + page[start..].find("链接").unwrap();
    let article = &page[start - 300..end + 200];
    for bad in [
        "position:fixed",
        "password",
        "javascript:",
        "onclick",
        "onerror",
        "data:image",
        "<form",
        "<button",
        "evil.example",
    ] {
        assert!(!article.contains(bad), "{bad} in {article}");
    }
    assert!(article.contains("<td>网站已迁移"), "{article}");
}

#[test]
fn csv_cells_never_start_a_formula() {
    let extra = "doc_number: \"=HYPERLINK(\\\"https://evil.example\\\",\\\"点此\\\")\"\nsigner: \"+SUM(1,2)\"\ncc: [\"@cmd\", \"-1+1\"]\n";
    let dir = site(&[("content/a.md", &format!("{HEAD}{extra}---\n正文\n"))]);
    let out = build_ok(dir.path());
    let bytes = std::fs::read(out.join("data/replies.csv")).unwrap();
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let row = r.records().next().unwrap().unwrap();
    let cells: Vec<&str> = row.iter().collect();
    assert!(
        cells.contains(&"'=HYPERLINK(\"https://evil.example\",\"点此\")"),
        "{cells:?}"
    );
    assert!(cells.contains(&"'+SUM(1,2)"), "{cells:?}");
    assert!(cells.contains(&"'@cmd、-1+1"), "{cells:?}");
    for c in cells {
        assert!(!c.starts_with(['=', '+', '-', '@', '\t', '\r']), "{c}");
    }
    // The JSON keeps the values as they are: it is data, not a spreadsheet.
    assert!(read(&out, "data/replies.json").contains("=HYPERLINK"));
}

#[test]
fn control_characters_cannot_break_the_feeds_and_check_names_them() {
    let text = "---\ntitle: \"关于\\b测试\\u001b的提案\"\nkind: proposal\nnumber: \"1\"\nsession: 市政协十四届一次会议\nrepresentative: 张三\ndepartment: 某局\ndate: 2023-03-01\n---\n正文\u{0}有空字符\u{b}和垂直制表符。\n";
    let dir = site(&[("content/a.md", text)]);
    let out = build_ok(dir.path());
    for feed in ["feed.xml", "departments/mou-ju/feed.xml", "sitemap.xml"] {
        let xml = read(&out, feed);
        assert!(
            !xml.chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{feed}"
        );
        let mut reader = quick_xml::Reader::from_str(&xml);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{feed} is not well-formed: {e}"),
            }
        }
    }
    // The body's control characters (raw in the file) are named by check, with their place.
    let o = check(dir.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("U+0000") && err.contains("U+000B"), "{err}");
    assert!(err.contains("content/a.md:10:3"), "{err}");
    let page = read(&out, "replies/a/index.html");
    assert!(!page.contains('\u{0}') && !page.contains('\u{b}'));
    assert!(
        !page.chars().any(|c| c.is_control() && !c.is_whitespace()),
        "{page}"
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_and_a_foreign_folder_are_never_emptied() {
    let dir = site(&[("content/a.md", &format!("{HEAD}---\n正文\n"))]);
    let www = tempfile::tempdir().unwrap();
    write(www.path(), "other-app/index.php", b"<?php");
    std::os::unix::fs::symlink(www.path(), dir.path().join("public")).unwrap();
    for _ in 0..2 {
        let o = build(dir.path(), &[]);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    }
    assert_eq!(tree(www.path()).len(), 1);
    // --output a link to content/: refused, the sources stay.
    let link = dir.path().join("out");
    std::os::unix::fs::symlink(dir.path().join("content"), &link).unwrap();
    for _ in 0..2 {
        let o = build(dir.path(), &["--output", link.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    }
    assert!(dir.path().join("content/a.md").exists());
    // An unrelated folder with files: refused, twice, with a way forward.
    let docs = dir.path().join("Documents");
    write(&docs, "thesis.docx", b"mine");
    for _ in 0..2 {
        let o = build(dir.path(), &["--output", docs.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("not written by dafu"), "{}", stderr(&o));
    }
    assert_eq!(tree(&docs).len(), 1);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains("dafu-")), "{names:?}");
}

fn dafu_leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("dafu-staging"))
        .collect()
}

/// Starts a build and sends `signal` once its staging folder exists.
fn interrupt_build(root: &Path, signal: &str) -> std::process::ExitStatus {
    let mut child = dafu()
        .args(["build", "--root"])
        .arg(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while dafu_leftovers(root).is_empty() {
        assert!(Instant::now() < deadline, "no staging folder appeared");
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the build ended before it could be interrupted: {status}");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status();
    child.wait().unwrap()
}

#[cfg(unix)]
#[test]
fn interrupted_builds_leave_the_output_and_no_litter() {
    let dir = generated_site(1500);
    let out = build_ok(dir.path());
    let before = std::fs::metadata(out.join("index.html"))
        .unwrap()
        .modified()
        .unwrap();
    std::fs::remove_dir_all(dir.path().join(".public.dafu-prev")).ok();
    for signal in ["-INT", "-TERM"] {
        let status = interrupt_build(dir.path(), signal);
        assert_eq!(status.code(), Some(130), "{signal}");
        assert!(dafu_leftovers(dir.path()).is_empty(), "{signal}");
        assert_eq!(
            std::fs::metadata(out.join("index.html"))
                .unwrap()
                .modified()
                .unwrap(),
            before
        );
    }
    // SIGKILL cannot be handled: the next build takes the folder over.
    interrupt_build(dir.path(), "-KILL");
    assert_eq!(dafu_leftovers(dir.path()).len(), 1);
    build_ok(dir.path());
    assert!(dafu_leftovers(dir.path()).is_empty());
}

#[test]
fn a_static_file_cannot_replace_generated_pages() {
    for (file, generated) in [
        ("static/replies", "replies/a/index.html"),
        ("static/index.html", "index.html"),
        ("static/data/replies.json", "data/replies.json"),
        ("static/search/meta.json", "search/"),
    ] {
        let dir = site(&[("content/a.md", &format!("{HEAD}---\n正文\n")), (file, "x")]);
        let o = build(dir.path(), &[]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{file}: {err}");
        assert!(
            err.contains(file) && err.contains(generated),
            "{file}: {err}"
        );
        assert_eq!(check(dir.path()).status.code(), Some(1));
    }
}

#[cfg(unix)]
#[test]
fn an_emacs_lock_file_does_not_stop_the_build() {
    let dir = site(&[(
        "content/2023/proposal-146.md",
        &format!("{HEAD}---\n正文\n"),
    )]);
    std::os::unix::fs::symlink(
        "user@host.4242:1700000000",
        dir.path().join("content/2023/.#proposal-146.md"),
    )
    .unwrap();
    build_ok(dir.path());
    assert_eq!(
        check(dir.path()).status.code(),
        Some(0),
        "{}",
        stderr(&check(dir.path()))
    );
}

#[test]
fn slugs_are_ascii() {
    let text = "---\ntitle: 关于发展旅游的提案\nkind: proposal\nnumber: \"1\"\nsession: 市政协十四届一次会议\nrepresentative: 吕平利\ndepartment: 市旅游局\ndate: 2023-03-01\ntags: [旅游]\n---\n正文\n";
    let dir = site(&[("content/a.md", text)]);
    let out = build_ok(dir.path());
    for (path, _) in tree(&out) {
        assert!(path.is_ascii(), "{path}");
    }
    assert!(out.join("departments/shi-lv-you-ju/index.html").exists());
    assert!(out.join("tags/lv-you/index.html").exists());
}

#[test]
fn absurdly_nested_html_is_refused_not_hung_on() {
    let body = format!(
        "{}正文{}",
        "<div>\n\n文字\n\n".repeat(20_000),
        "</div>\n\n".repeat(20_000)
    );
    let dir = site(&[("content/a.md", &format!("{HEAD}---\n{body}"))]);
    let start = Instant::now();
    let o = build(dir.path(), &[]);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("nested more than 100"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn overlong_addresses_are_refused_by_build_and_check_alike() {
    // A file name of 84 Chinese characters is 252 bytes; its pinyin is far longer.
    let name = format!("content/{}.md", "庄".repeat(84));
    let dir = site(&[(&name, &format!("{HEAD}---\n正文\n"))]);
    let o = build(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("at most 255"), "{}", stderr(&o));
    let c = check(dir.path());
    assert_eq!(c.status.code(), Some(1));
    assert!(stderr(&c).contains("at most 255"), "{}", stderr(&c));
}

#[test]
fn pinning_another_replys_generated_index_code_is_warned() {
    let b = format!("{HEAD}---\n正文\n");
    let probe = site(&[("content/b.md", &b)]);
    let out = build_ok(probe.path());
    let json = read(&out, "data/replies.json");
    let code = json
        .split("\"index_code\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let a = format!(
        "---\ntitle: 另一件提案\nkind: proposal\nnumber: \"2\"\nsession: 市政协十四届一次会议\nrepresentative: 李四\ndepartment: 某局\ndate: 2023-03-02\nindex_code: {code}\n---\n正文\n"
    );
    let dir = site(&[("content/a.md", &a), ("content/b.md", &b)]);
    let o = build(dir.path(), &[]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("warning") && err.contains("content/a.md") && err.contains("content/b.md"),
        "{err}"
    );
    assert_eq!(check(dir.path()).status.code(), Some(1));
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_one_message() {
    let dir = generated_site(300);
    let mount = tempfile::tempdir().unwrap();
    let ok = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=512k", "tmpfs"])
        .arg(mount.path())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!(
            "skipped: cannot mount a small tmpfs here (needs root); the unit test output::tests::the_first_failed_write_stops_the_rest covers the logic"
        );
        return;
    }
    let o = build(
        dir.path(),
        &["--output", mount.path().join("public").to_str().unwrap()],
    );
    let _ = std::process::Command::new("umount")
        .arg(mount.path())
        .status();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.matches("No space left").count(), 1, "{err}");
    assert!(
        err.contains(".public.dafu-staging"),
        "names the folder: {err}"
    );
}

// ---------- the preview server ----------

struct Preview {
    addr: String,
    served: Served,
}

/// `dafu serve` with at most `files` open file descriptors.
fn preview(root: &Path, files: u32, extra: &str) -> Preview {
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "ulimit -n {files}; exec \"$0\" serve --port 0 --root \"$1\" {extra}"
        ))
        .arg(env!("CARGO_BIN_EXE_dafu"))
        .arg(root)
        .env("DAFU_LANG", "en");
    let served = spawn_serve(cmd);
    let addr = served.addr();
    Preview { addr, served }
}

/// One raw request; the status code, or 0 when the connection gave none.
fn raw(addr: &str, request: &[u8]) -> u16 {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return 0;
    };
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    if s.write_all(request).is_err() {
        return 0;
    }
    let mut head = [0u8; 12];
    match s.read_exact(&mut head) {
        Ok(()) => std::str::from_utf8(&head[9..12])
            .unwrap_or("0")
            .parse()
            .unwrap_or(0),
        Err(_) => 0,
    }
}

fn get(addr: &str, path: &str, host: &str) -> u16 {
    raw(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

fn threads(pid: u32) -> usize {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("Threads:")
                    .map(|n| n.trim().parse().unwrap_or(0))
            })
        })
        .unwrap_or(0)
}

#[cfg(target_os = "linux")]
#[test]
fn the_preview_survives_a_flood_of_idle_connections_and_recovers() {
    let dir = site(&[("content/a.md", &format!("{HEAD}---\n正文\n"))]);
    let p = preview(dir.path(), 128, "");
    assert_eq!(get(&p.addr, "/jyta/", "localhost"), 200);
    // More idle connections than the process has file descriptors.
    let idle: Vec<TcpStream> = (0..400)
        .filter_map(|_| TcpStream::connect(&p.addr).ok())
        .collect();
    assert!(idle.len() >= 200, "only {} connections", idle.len());
    std::thread::sleep(Duration::from_millis(500));
    let t = threads(p.served.child.id());
    assert!(
        t > 0 && t < 40,
        "{t} threads for {} connections",
        idle.len()
    );
    drop(idle);
    // As soon as they leave, the server answers again: the listening socket survived.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if get(&p.addr, "/jyta/", "localhost") == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no answer after the flood: {:?}",
            p.served.lines.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(p.served.child.id() > 0);
    assert!(
        !p.served
            .lines
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("panicked"))
    );
}

#[test]
fn slow_and_oversized_requests_are_cut_off() {
    let dir = site(&[("content/a.md", &format!("{HEAD}---\n正文\n"))]);
    let p = preview(dir.path(), 1024, "");
    // A 2 MB header: refused without being buffered.
    let mut big = b"GET /jyta/ HTTP/1.1\r\nHost: localhost\r\nX-Big: ".to_vec();
    big.extend(std::iter::repeat_n(b'a', 2 << 20));
    big.extend(b"\r\n\r\n");
    let status = raw(&p.addr, &big);
    assert!(status == 431 || status == 0, "{status}");
    // A client that never finishes its request head is dropped (slowloris).
    let mut slow = TcpStream::connect(&p.addr).unwrap();
    slow.write_all(b"GET /jyta/ HTTP/1.1\r\nHost: local")
        .unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let start = Instant::now();
    let mut buf = [0u8; 64];
    let n = slow.read(&mut buf).unwrap_or(0);
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "{:?}",
        start.elapsed()
    );
    let answer = String::from_utf8_lossy(&buf[..n]);
    assert!(n == 0 || answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert_eq!(get(&p.addr, "/jyta/", "localhost"), 200);
    // Only GET and HEAD.
    assert_eq!(raw(&p.addr, b"POST /jyta/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), 405);
}

#[test]
fn the_preview_answers_only_to_its_own_names() {
    let dir = site(&[
        ("content/a.md", &format!("{HEAD}---\n正文\n")),
        (
            "content/draft.md",
            &format!("{HEAD}draft: true\n---\n草稿\n").replace("number: \"1\"", "number: \"2\""),
        ),
    ]);
    let p = preview(dir.path(), 1024, "--drafts --allow-host preview.office");
    let port = p.addr.rsplit(':').next().unwrap().to_string();
    for host in ["localhost", "127.0.0.1", "preview.office"] {
        assert_eq!(
            get(&p.addr, "/jyta/", &format!("{host}:{port}")),
            200,
            "{host}"
        );
    }
    // DNS rebinding: a page on evil.example whose name now points at 127.0.0.1.
    for host in [
        "evil.example",
        "127.0.0.1.evil.example",
        "localhost.evil.example",
    ] {
        assert_eq!(
            get(&p.addr, "/jyta/", &format!("{host}:{port}")),
            403,
            "{host}"
        );
        assert_eq!(get(&p.addr, "/jyta/replies/draft/", host), 403, "{host}");
    }
}

#[test]
fn parallel_downloads_of_a_large_file_share_its_bytes() {
    let dir = site(&[("content/a.md", &format!("{HEAD}---\n正文\n"))]);
    write(dir.path(), "static/big.bin", &vec![7u8; 40 << 20]);
    let p = preview(dir.path(), 1024, "");
    let rss = |pid: u32| -> u64 {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| {
                s.lines().find_map(|l| {
                    l.strip_prefix("VmRSS:")
                        .map(|v| v.trim().trim_end_matches(" kB").parse().unwrap_or(0))
                })
            })
            .unwrap_or(0)
    };
    let pid = p.served.child.id();
    let before = rss(pid);
    let handles: Vec<_> = (0..20)
        .map(|_| {
            let addr = p.addr.clone();
            std::thread::spawn(move || {
                let mut s = TcpStream::connect(&addr).unwrap();
                s.write_all(
                    b"GET /jyta/big.bin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                )
                .unwrap();
                // Read slowly at first, so that all twenty responses are open at once.
                let mut buf = vec![0u8; 1 << 16];
                let mut total = 0;
                std::thread::sleep(Duration::from_millis(300));
                while let Ok(n) = s.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    total += n;
                }
                total
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let during = rss(pid);
    for h in handles {
        assert!(h.join().unwrap() > 40 << 20);
    }
    // Twenty copies would be 800 MB; shared bytes add next to nothing.
    if before > 0 {
        assert!(
            during < before + 200 * 1024,
            "RSS {before} kB → {during} kB"
        );
    }
}

/// The whole response to one raw request (the connection is closed after it).
fn raw_response(addr: &str, request: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    s.write_all(request).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// A refusal is worded in the site's language (an editor reads it in the browser).
#[test]
fn the_previews_refusals_are_worded_in_the_users_language() {
    let dir = site(&[("content/a.md", &format!("{HEAD}---\n正文\n"))]);
    for (lang, host_refused, bad_path, method) in [
        (
            "zh",
            "预览只回应 localhost",
            "路径跳出了网站文件夹",
            "只接受 GET 和 HEAD",
        ),
        (
            "en",
            "answers only to localhost",
            "climbs out of the site",
            "GET and HEAD only",
        ),
    ] {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_dafu"));
        cmd.args(["serve", "--port", "0", "--root"])
            .arg(dir.path())
            .env("DAFU_LANG", lang);
        // Kept until the end of the round: dropping it stops the server.
        let served = spawn_serve(cmd);
        let addr = served.addr();
        let cases: [(&[u8], &str, &[&str]); 3] = [
            (
                b"GET /jyta/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
                "HTTP/1.1 403",
                &[host_refused, "evil.example"],
            ),
            (
                b"GET /jyta/%2e%2e/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                "HTTP/1.1 400",
                &[bad_path],
            ),
            (
                b"DELETE /jyta/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                "HTTP/1.1 405",
                &[method],
            ),
        ];
        for (request, status, words) in cases {
            let r = raw_response(&addr, request);
            assert!(
                r.starts_with(status) && words.iter().all(|w| r.contains(w)),
                "{lang}: {r}"
            );
        }
    }
}
