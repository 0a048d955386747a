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
fn a_site_without_replies_has_empty_index_pages() {
    let site = site(&[]);
    let o = check(site.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err.contains("no content/ folder") || err.contains("no published replies"),
        "{err}"
    );
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
