//! `dafu check`: the build's own checks plus internal links, fragments, duplicate 索引号,
//! future dates and empty index pages; exit 1 on any problem; nothing is written.

mod common;

use common::*;

fn check(root: &std::path::Path) -> std::process::Output {
    dafu()
        .arg("check")
        .arg("--root")
        .arg(root)
        .env("NO_COLOR", "1")
        .output()
        .expect("run dafu check")
}

#[test]
fn the_sample_site_passes() {
    let o = check(&repo_root());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("no problems"), "{}", stdout(&o));
}

#[test]
fn a_clean_site_passes_and_nothing_is_written() {
    let site = site(&[
        ("content/a.md", &reply("1", "某市教育局", "2024-03-01", "")),
        ("content/b.md", &reply("2", "某市民政局", "2024-03-02", "")),
    ]);
    let o = check(site.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!site.path().join("public").exists());
}

#[test]
fn broken_links_and_fragments_in_markdown_point_at_the_line() {
    let body = "\n见[全部答复](../../all/)和[不存在的页面](../../nowhere/)。\n\n另见[脚注](#no-such-id)。\n";
    let site = site(&[
        (
            "content/a.md",
            &format!("{}{body}", reply("1", "某市教育局", "2024-03-01", "")),
        ),
        ("content/b.md", &reply("2", "某市民政局", "2024-03-02", "")),
    ]);
    let o = check(site.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("broken link `../../nowhere/`"), "{err}");
    assert!(err.contains("content/a.md:14:30"), "{err}");
    assert!(err.contains("#no-such-id is not an id"), "{err}");
    assert!(err.contains("content/a.md:16:8"), "{err}");
    assert!(
        !err.contains("../../all/`"),
        "a good link was reported:\n{err}"
    );
    assert!(err.contains("2 problems"), "{err}");
}

#[test]
fn duplicate_index_codes_are_reported_with_both_files() {
    let site = site(&[
        (
            "content/a.md",
            &reply(
                "1",
                "某市教育局",
                "2024-03-01",
                "index_code: ABC/2024-0001\n",
            ),
        ),
        (
            "content/b.md",
            &reply(
                "2",
                "某市民政局",
                "2024-03-02",
                "index_code: ABC/2024-0001\n",
            ),
        ),
    ]);
    let o = check(site.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(err.contains("duplicate index_code"), "{err}");
    assert!(
        err.contains("content/a.md") && err.contains("content/b.md"),
        "{err}"
    );
}

#[test]
fn future_dated_replies_are_reported() {
    let site = site(&[("content/a.md", &reply("1", "某市教育局", "2999-03-01", ""))]);
    let o = check(site.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(err.contains("date 2999-03-01 is in the future"), "{err}");
    assert!(err.contains("content/a.md:8:"), "{err}");
    assert!(err.contains("1 problem"), "{err}");
    // build publishes it all the same: a date is not an error there.
    assert!(build(site.path(), &[]).status.success());
}

#[test]
fn a_site_without_replies_builds_and_checks_cleanly() {
    // A new site: content/ exists but is empty, and site.toml has no [footer] yet.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("content")).unwrap();
    std::fs::write(
        dir.path().join("site.toml"),
        "title = \"新站点\"\nbase_url = \"https://www.example.gov.cn/jyta/\"\n[organisation]\nname = \"某市人民政府办公室\"\ncode = \"11210400MB0000000X\"\n",
    )
    .unwrap();
    let o = check(dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let out = build_ok(dir.path());
    let all = read(&out, "all/index.html");
    assert!(all.contains("暂无公开的答复"), "{all}");
    let home = read(&out, "index.html");
    assert!(
        !home.contains("site-footer"),
        "no empty footer bar without [footer]"
    );
    // Without content/ at all, check says so.
    std::fs::remove_dir(dir.path().join("content")).unwrap();
    let o = check(dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no content/ folder"), "{}", stderr(&o));
}

#[test]
fn a_broken_link_in_a_template_is_reported_once() {
    let site = site(&[
        ("content/a.md", &reply("1", "某市教育局", "2024-03-01", "")),
        ("content/b.md", &reply("2", "某市民政局", "2024-03-02", "")),
    ]);
    let base = dafu::theme::default_template("base.html").expect("built-in base.html");
    let broken = base.replacen(
        "<main",
        "<a href=\"{{ page.root }}missing/\">坏链接</a>\n<main",
        1,
    );
    assert_ne!(base, broken);
    write(site.path(), "templates/base.html", broken.as_bytes());
    let o = check(site.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(err.matches("broken link").count(), 1, "{err}");
    assert!(
        err.contains("leads to missing/index.html") && err.contains("more pages"),
        "{err}"
    );
    assert!(err.contains("1 problem"), "{err}");
}

#[test]
fn content_errors_are_reported_like_build() {
    let site = site(&[(
        "content/a.md",
        "---\ntitle: 关于\nkind: nonsense\n---\n正文\n",
    )]);
    let o = check(site.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(err.contains("content/a.md:3:"), "{err}");
}

const AUTHORITY: &str = r#"
[authority]
sessions = ["市政协十四届一次会议"]

[[authority.departments]]
name = "抚顺市应急管理局"
slug = "yjglj"
former = ["抚顺市安全生产监督管理局"]

[[authority.departments]]
name = "抚顺市教育局"
"#;

fn site_with_lists(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = site(files);
    std::fs::write(
        dir.path().join("site.toml"),
        format!("{SITE_TOML}{AUTHORITY}"),
    )
    .unwrap();
    dir
}

#[test]
fn a_department_outside_the_list_is_refused_with_the_name_meant() {
    let dir = site_with_lists(&[
        (
            "content/a.md",
            &reply("1", "抚顺市应急管理局", "2024-03-01", ""),
        ),
        (
            "content/b.md",
            &reply("2", "抚顺市应急管理厅", "2024-03-02", ""),
        ),
    ]);
    let o = build(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    for part in [
        "content/b.md:7:13",
        "department `抚顺市应急管理厅` is not in site.toml's list",
        "did you mean `抚顺市应急管理局`?",
    ] {
        assert!(err.contains(part), "{part:?} in\n{err}");
    }
    // In Chinese, as the press office reads it.
    let o = build_zh(dir.path(), &[]);
    assert!(
        stderr(&o).contains("办理单位 `抚顺市应急管理厅` 不在 site.toml 的规范名录中"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("是否应为 `抚顺市应急管理局`？"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_former_name_is_listed_under_the_current_department() {
    let dir = site_with_lists(&[
        (
            "content/old.md",
            &reply("1", "抚顺市安全生产监督管理局", "2018-03-01", ""),
        ),
        (
            "content/new.md",
            &reply("2", "抚顺市应急管理局", "2024-03-02", ""),
        ),
        (
            "content/edu.md",
            &reply("3", "抚顺市教育局", "2024-03-03", ""),
        ),
    ]);
    let out = build_ok(dir.path());
    let dept = read(&out, "departments/yjglj/index.html");
    assert!(
        dept.contains("关于第1号事项的提案") && dept.contains("关于第2号事项的提案"),
        "{dept}"
    );
    let feed = read(&out, "departments/yjglj/feed.xml");
    assert!(feed.contains("关于第1号事项的提案") && feed.contains("关于第2号事项的提案"));
    let terms = read(&out, "departments/index.html");
    assert!(
        !terms.contains("安全生产监督管理局"),
        "no page for the former name: {terms}"
    );
    let stats = read(&out, "stats/index.html");
    assert!(
        !stats.contains("安全生产监督管理局"),
        "statistics count it under the current name"
    );
    // The letter keeps the name it was signed with.
    let old = read(&out, "replies/old/index.html");
    assert!(old.contains("（原抚顺市安全生产监督管理局）"), "{old}");
    assert!(
        old.contains("<p class=\"signature\">抚顺市安全生产监督管理局<br>"),
        "{old}"
    );
    let json = read(&out, "data/replies.json");
    assert!(
        !json.contains("安全生产监督管理局\""),
        "open data names the current department"
    );
}

#[test]
fn check_warns_about_names_no_reply_uses_and_near_duplicates() {
    // Lists given: an unused [slugs] entry and an unused listed department are warned about.
    let dir = site_with_lists(&[(
        "content/a.md",
        &reply("1", "抚顺市应急管理局", "2024-03-01", ""),
    )]);
    let toml = std::fs::read_to_string(dir.path().join("site.toml")).unwrap();
    std::fs::write(
        dir.path().join("site.toml"),
        format!("{toml}\n[slugs]\n\"抚顺市民政局\" = \"mzj\"\n"),
    )
    .unwrap();
    let o = check(dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    for part in [
        "[slugs] names `抚顺市民政局`, which no reply uses",
        "the department `抚顺市教育局` in site.toml's [authority] has no reply",
        "site.toml:",
    ] {
        assert!(err.contains(part), "{part:?} in\n{err}");
    }
    // No list: two departments one character apart are warned about at the rarer one.
    let dir = site(&[
        (
            "content/a.md",
            &reply("1", "抚顺市应急管理局", "2024-03-01", ""),
        ),
        (
            "content/b.md",
            &reply("2", "抚顺市应急管理局", "2024-03-02", ""),
        ),
        (
            "content/c.md",
            &reply("3", "抚顺市应急管理厅", "2024-03-03", ""),
        ),
    ]);
    let o = check(dir.path());
    let err = stderr(&o);
    assert!(
        err.contains("department `抚顺市应急管理厅` (1 reply) is one character away from `抚顺市应急管理局` (2 replies)"),
        "{err}"
    );
    assert!(err.contains("content/c.md:7:1"), "{err}");
}
