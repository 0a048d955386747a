//! One fixture per kind of bad input: exit code 1, the file, the line and the wording, and
//! the previous output left exactly as it was.

mod common;
use common::*;

const GOOD: &str = "---\ntitle: 关于加强安全生产的提案\nkind: proposal\nnumber: \"146\"\nsession: 市政协十四届一次会议\nrepresentative: 吴忠彦\ndepartment: 抚顺市应急管理局\ndate: 2023-03-27\ncategory: A\n---\n吴忠彦委员：\n\n正文。\n";

/// Builds a site holding one good reply and `bad` at content/bad.md; returns stderr.
fn fails_with(bad: &[u8]) -> String {
    let dir = site(&[("content/good.md", GOOD)]);
    write(dir.path(), "content/bad.md", bad);
    let o = build(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "expected exit 1\n{}", stderr(&o));
    assert!(
        !dir.path().join("public").exists(),
        "nothing may be published"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert!(
        leftovers
            .iter()
            .all(|n| !n.to_string_lossy().contains("staging")),
        "staging folder left behind: {leftovers:?}"
    );
    stderr(&o)
}

fn assert_has(err: &str, parts: &[&str]) {
    for p in parts {
        assert!(err.contains(p), "expected {p:?} in:\n{err}");
    }
}

#[test]
fn malformed_yaml() {
    let err = fails_with(GOOD.replace("category: A", "category: [A, B").as_bytes());
    assert_has(&err, &["content/bad.md:", "front matter:"]);
    let line: usize = err
        .split("content/bad.md:")
        .nth(1)
        .unwrap()
        .split(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((9..=10).contains(&line), "line {line}:\n{err}");
}

#[test]
fn missing_required_field() {
    let err = fails_with(
        GOOD.replace("department: 抚顺市应急管理局\n", "")
            .as_bytes(),
    );
    assert_has(
        &err,
        &[
            "content/bad.md:1:1",
            "missing required field `department`",
            "department: 抚顺市应急管理局",
        ],
    );
}

#[test]
fn unknown_field() {
    let err = fails_with(GOOD.replace("category: A", "categroy: A").as_bytes());
    assert_has(
        &err,
        &[
            "content/bad.md:9:1",
            "unknown field `categroy`",
            "did you mean `category`",
        ],
    );
}

#[test]
fn wrong_type() {
    let err = fails_with(GOOD.replace("category: A", "draft: 是").as_bytes());
    assert_has(&err, &["content/bad.md:9:", "expected `true` or `false`"]);
    let err = fails_with(GOOD.replace("category: A", "contact: [李洪涛]").as_bytes());
    assert_has(&err, &["content/bad.md:9:"]);
}

#[test]
fn impossible_date() {
    let err = fails_with(GOOD.replace("2023-03-27", "2023-02-30").as_bytes());
    assert_has(
        &err,
        &[
            "content/bad.md:8:7",
            "2023-02-30 is not a real date",
            "YYYY-MM-DD",
            "date: 2023-02-30",
        ],
    );
}

#[test]
fn unknown_kind_and_unknown_category() {
    let err = fails_with(GOOD.replace("kind: proposal", "kind: motion").as_bytes());
    assert_has(
        &err,
        &[
            "content/bad.md:3:7",
            "unknown kind `motion`",
            "`proposal`",
            "`suggestion`",
        ],
    );
    let err = fails_with(GOOD.replace("category: A", "category: D").as_bytes());
    assert_has(
        &err,
        &["content/bad.md:9:11", "unknown category `D`", "`A`", "`C`"],
    );
}

#[test]
fn duplicate_reply_names_both_files() {
    let dir = site(&[("content/a.md", GOOD), ("content/b.md", GOOD)]);
    let o = build(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_has(
        &stderr(&o),
        &["content/b.md:4:1", "duplicate reply", "content/a.md"],
    );
}

#[test]
fn front_matter_never_closed() {
    let err = fails_with(GOOD.replace("---\n吴忠彦", "吴忠彦").as_bytes());
    assert_has(
        &err,
        &[
            "content/bad.md:1:1",
            "front matter is never closed",
            "`---`",
        ],
    );
}

#[test]
fn non_utf8_file() {
    let (gbk, _, _) = encoding_rs::GBK.encode(GOOD);
    let err = fails_with(&gbk);
    assert_has(
        &err,
        &["content/bad.md", "not UTF-8", "GBK", "line 2", "UTF-8"],
    );
}

#[test]
fn empty_file() {
    let err = fails_with(b"");
    assert_has(&err, &["content/bad.md:1:1", "empty file"]);
}

#[test]
fn all_problems_of_a_build_are_reported_at_once() {
    let dir = site(&[("content/good.md", GOOD)]);
    write(
        dir.path(),
        "content/x1.md",
        GOOD.replace("2023-03-27", "2023-13-01").as_bytes(),
    );
    write(
        dir.path(),
        "content/x2.md",
        GOOD.replace("kind: proposal", "kind: 提案")
            .replace("146", "147")
            .as_bytes(),
    );
    write(dir.path(), "content/x3.md", b"");
    let o = build(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_has(
        &err,
        &[
            "content/x1.md:8:7",
            "content/x2.md:3:7",
            "(提案 is `proposal`)",
            "content/x3.md",
            "3 problems in 3 files; nothing was published",
        ],
    );
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let dir = site(&[("content/good.md", GOOD)]);
    assert!(build(dir.path(), &[]).status.success());
    let before = tree(&dir.path().join("public"));
    write(
        dir.path(),
        "content/bad.md",
        GOOD.replace("2023-03-27", "2023-02-30").as_bytes(),
    );
    write(
        dir.path(),
        "content/new.md",
        GOOD.replace("146", "200").as_bytes(),
    );
    let o = build(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let after = tree(&dir.path().join("public"));
    assert!(before == after, "public/ changed after a failed build");
}

#[test]
fn template_error_names_the_template_and_line() {
    let dir = site(&[("content/good.md", GOOD)]);
    write(dir.path(), "templates/404.html", b"{% extends \"base.html\" %}\n{% block main %}\n{{ page.nosuch.field }}\n{% endblock main %}\n");
    let o = build(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_has(&err, &["templates/404.html", "nosuch"]);
    write(
        dir.path(),
        "templates/404.html",
        b"{% extends \"base.html\" %}\n{% block main %}\n{% if %}\n{% endblock main %}\n",
    );
    let o = build(dir.path(), &[]);
    assert_has(&stderr(&o), &["templates/404.html", "3:"]);
}

#[test]
fn bad_site_toml() {
    let dir = site(&[("content/good.md", GOOD)]);
    std::fs::write(
        dir.path().join("site.toml"),
        SITE_TOML.replace("page_size", "pagesize"),
    )
    .unwrap();
    let o = build(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_has(
        &stderr(&o),
        &[
            "site.toml:3:1",
            "unknown field `pagesize`",
            "did you mean `page_size`",
        ],
    );
}

#[test]
fn usage_errors_exit_2() {
    let o = dafu().args(["build", "--no-such-flag"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = dafu().args(["frobnicate"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn missing_site_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let o = build(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_has(&stderr(&o), &["no site.toml"]);
}
