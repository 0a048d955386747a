//! Real-browser tests in headless Chromium (Debian's /usr/bin/chromium, driven by
//! playwright-core from tests/browser): axe-core on every page type in both display modes,
//! no horizontal overflow at 360 px, 1280 px and 200% zoom, the 长者模式 switch, the skip
//! link, and the page-weight budget. Screenshots go to target/browser-shots/.

mod common;

use std::path::Path;

use common::*;

fn node_script(script: &str, args: &[String]) -> std::process::Output {
    let modules = repo_root().join("tests/browser/node_modules/playwright-core");
    assert!(
        modules.is_dir(),
        "playwright-core is missing: run `npm ci --prefix tests/browser` (.ci/run does)"
    );
    assert!(
        Path::new(&std::env::var("CHROMIUM").unwrap_or("/usr/bin/chromium".into())).exists(),
        "Chromium is missing: `apt-get install -y chromium` (.ci/run does)"
    );
    tool("node", "install Node.js")
        .arg(repo_root().join("tests/browser").join(script))
        .args(args)
        .output()
        .unwrap()
}

fn theme_checks(out: &Path, shots: &str) -> std::process::Output {
    let mut args = vec![
        out.to_string_lossy().into_owned(),
        "/jyta/".to_string(),
        repo_root()
            .join("target/browser-shots")
            .join(shots)
            .to_string_lossy()
            .into_owned(),
    ];
    args.extend(page_types(out));
    node_script("theme.mjs", &args)
}

fn assert_passes(o: &std::process::Output) {
    assert!(
        o.status.success(),
        "browser checks failed:\n{}\n{}",
        stdout(o),
        stderr(o)
    );
}

#[test]
fn sample_site_in_chromium() {
    let (_dir, out) = sample_site_built();
    let o = theme_checks(&out, "sample");
    assert_passes(&o);
    assert!(stdout(&o).contains("page weight of replies/"));
}

#[test]
fn generated_site_in_chromium() {
    let site = generated_site(200);
    let out = build_ok(site.path());
    assert_passes(&theme_checks(&out, "generated"));
}

/// The checks can fail: a page without `lang` and with an unlabelled, too-wide element is
/// caught by axe and by the overflow check.
#[test]
fn browser_checks_catch_a_broken_page() {
    let (_dir, out) = sample_site_built();
    let home = out.join("index.html");
    let html = std::fs::read_to_string(&home).unwrap();
    let broken = html
        .replacen("<html lang=\"zh-CN\">", "<html>", 1)
        .replacen(
            "</main>",
            "<div style=\"width:2000px\"><input type=\"text\"></div><img alt=\"\" src=\"https://cdn.example.com/x.png\"></main>",
            1,
        );
    assert_ne!(html, broken);
    std::fs::write(&home, broken).unwrap();
    let o = node_script(
        "theme.mjs",
        &[
            out.to_string_lossy().into_owned(),
            "/jyta/".into(),
            std::env::temp_dir()
                .join("dafu-broken-shots")
                .to_string_lossy()
                .into_owned(),
            String::new(),
        ],
    );
    let err = stderr(&o);
    assert!(!o.status.success());
    assert!(err.contains("html-has-lang"), "{err}");
    assert!(err.contains("horizontal overflow"), "{err}");
    assert!(err.contains("label"), "{err}");
    assert!(err.contains("requests outside the site"), "{err}");
}

fn search_checks(out: &Path, mode: &str) -> std::process::Output {
    node_script(
        "search.mjs",
        &[
            out.to_string_lossy().into_owned(),
            "/jyta/".into(),
            mode.into(),
        ],
    )
}

#[test]
fn search_on_the_sample_site() {
    let (_dir, out) = sample_site_built();
    assert_passes(&search_checks(&out, "sample"));
}

/// On a 10,000-proposal corpus: typed queries, filters, and results within 50 ms of the
/// data being loaded.
#[test]
fn search_on_a_generated_10k_site() {
    let site = generated_site(10_000);
    let o = build(site.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = search_checks(&site.path().join("public"), "generated");
    assert_passes(&o);
    println!("{}", stdout(&o));
    // The search page with a query, on 10,000 replies.
    let o = lighthouse(
        &site.path().join("public"),
        &["search/?q=%E7%87%83%E6%B0%94%E7%AE%A1%E7%BD%91%E6%94%B9%E9%80%A0"],
    );
    assert_passes(&o);
    println!("{}", stdout(&o));
}

fn lighthouse(out: &Path, pages: &[&str]) -> std::process::Output {
    let mut args = vec![out.to_string_lossy().into_owned(), "/jyta/".into()];
    args.extend(pages.iter().map(|p| p.to_string()));
    node_script("lighthouse.mjs", &args)
}

/// Lighthouse, mobile emulation: at least 95 in all four categories on the home, reply,
/// list, search (with a query) and statistics pages.
#[test]
fn lighthouse_on_the_sample_site() {
    let (_dir, out) = sample_site_built();
    let o = lighthouse(
        &out,
        &[
            "",
            "replies/2023/proposal-146/",
            "kinds/suggestion/",
            "search/?q=%E5%AE%89%E5%85%A8%E7%94%9F%E4%BA%A7",
            "stats/",
        ],
    );
    assert_passes(&o);
    println!("{}", stdout(&o));
}

/// Search as citizens type (issue styles, our own probes) on a thousand generated replies
/// plus the probe replies, with a synonym in site.toml; and the tokeniser shared with Rust.
#[test]
fn search_finds_what_citizens_type() {
    let site = generated_site(1_000);
    let probes = repo_root().join("tests/fixtures/probes");
    for entry in std::fs::read_dir(&probes).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "md") {
            let to = site
                .path()
                .join("content/probes")
                .join(p.file_name().unwrap());
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&p, to).unwrap();
        }
    }
    let toml = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    std::fs::write(
        site.path().join("site.toml"),
        format!("{toml}\n[search]\nsynonyms = {{ \"路灯\" = \"照明\" }}\n"),
    )
    .unwrap();
    let o = build(site.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = node_script(
        "probes.mjs",
        &[
            site.path().join("public").to_string_lossy().into_owned(),
            "/jyta/".into(),
            probes.join("probes.json").to_string_lossy().into_owned(),
            repo_root()
                .join("tests/fixtures/tokenize_cases.json")
                .to_string_lossy()
                .into_owned(),
        ],
    );
    assert_passes(&o);
    println!("{}", stdout(&o));
}

/// `dafu serve` with a browser open on a reply page: reload on save, error overlay, recovery.
#[test]
fn serve_reloads_and_shows_errors_in_chromium() {
    use std::io::{BufRead, BufReader};
    let site = site(&[
        ("content/a.md", &reply("1", "某市教育局", "2024-03-01", "")),
        ("content/b.md", &reply("2", "某市民政局", "2024-03-02", "")),
    ]);
    let mut child = dafu_zh()
        .args(["serve", "--port", "0", "--root"])
        .arg(site.path())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        // The broken saves' error reports: captured, so that a passing run prints none.
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start dafu serve");
    let err = BufReader::new(child.stderr.take().unwrap());
    let errors = std::thread::spawn(move || err.lines().map_while(Result::ok).collect::<Vec<_>>());
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut url = None;
    let mut line = String::new();
    while url.is_none() && out.read_line(&mut line).unwrap_or(0) > 0 {
        // `预览地址 http://…` in Chinese.
        url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .map(str::to_string);
        line.clear();
    }
    // Keep reading the server's output so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in out.lines() {});
    let o = url.map(|url| {
        node_script(
            "serve.mjs",
            &[
                format!("{url}replies/a/"),
                site.path()
                    .join("content/a.md")
                    .to_string_lossy()
                    .into_owned(),
            ],
        )
    });
    let _ = child.kill();
    let _ = child.wait();
    let errors = errors.join().unwrap_or_default();
    // The terminal said the same as the overlay, in Chinese.
    assert!(
        errors
            .iter()
            .any(|l| l.contains("预览仍显示上一次成功生成的网站")),
        "{errors:?}"
    );
    assert_passes(&o.expect("dafu serve printed its address"));
}
