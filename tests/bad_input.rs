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
    assert_has(
        &err,
        &["content/bad.md:9:11", "`[` is opened but not closed"],
    );
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
            "unknown key `pagesize`",
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

/// Builds `bad` beside a good reply as a Chinese site's staff run dafu (no DAFU_LANG).
fn fails_in_chinese(bad: &str, args: &[&str]) -> String {
    let dir = site(&[("content/good.md", GOOD)]);
    write(dir.path(), "content/bad.md", bad.as_bytes());
    let o = build_zh(dir.path(), args);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    stderr(&o)
}

#[test]
fn messages_are_chinese_by_default_and_english_on_request() {
    let bad = GOOD.replace("date: 2023-03-27", "date: 2023-02-30");
    let zh = fails_in_chinese(&bad, &[]);
    assert_has(
        &zh,
        &[
            "错误: 2023-02-30 不是实际存在的日期",
            "content/bad.md:8:7",
            "请写成 YYYY-MM-DD 格式的真实日期",
            "1 个文件中有 1 个问题，网站没有发布",
        ],
    );
    assert!(!zh.contains("error"), "{zh}");
    let en = fails_in_chinese(&bad, &["--lang", "en"]);
    assert_has(
        &en,
        &[
            "error: 2023-02-30 is not a real date",
            "1 problem in 1 file",
        ],
    );
    let o = dafu_zh()
        .args(["build", "--root"])
        .arg(site(&[("content/bad.md", &bad)]).path())
        .env("DAFU_LANG", "en")
        .output()
        .unwrap();
    assert!(stderr(&o).contains("is not a real date"), "{}", stderr(&o));
}

#[test]
fn chinese_keyboard_mistakes_are_named_at_their_place() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "title: 关于",
            "title：关于",
            "content/bad.md:2:6",
            "`title` 后面用了全角冒号“：”",
        ),
        (
            "category: A",
            "category:\n\u{3000}- A",
            "content/bad.md:10:1",
            "缩进中有全角空格",
        ),
        (
            "category: A",
            "tags:\n\t- 安全",
            "content/bad.md:10:1",
            "缩进中有制表符（Tab）",
        ),
        (
            "department: 抚顺市应急管理局",
            "department: “抚顺市应急管理局”",
            "content/bad.md:7:13",
            "`department` 的值用了中文引号",
        ),
        (
            "representative: 吴忠彦",
            "representative: 【张三，李四】",
            "content/bad.md:6:17",
            "`representative: [张三, 李四]`",
        ),
        (
            "representative: 吴忠彦",
            "representative: 张三，李四",
            "content/bad.md:6:17",
            "中文逗号或顿号",
        ),
        (
            "date: 2023-03-27",
            "date: 2023年3月27日",
            "content/bad.md:8:7",
            "请写成 `date: 2023-03-27`",
        ),
        ("number: \"146\"", "number: 第146号", "", ""),
    ];
    for (from, to, at, says) in cases {
        let bad = GOOD.replace(from, to);
        if at.is_empty() {
            // 第146号 is read as 146 with a warning: the build goes on.
            let dir = site(&[("content/bad.md", &bad)]);
            let o = build_zh(dir.path(), &[]);
            assert!(o.status.success(), "{}", stderr(&o));
            assert_has(
                &stderr(&o),
                &["编号 `第146号` 已按 146 处理", "content/bad.md:4:9"],
            );
            let page = read(&dir.path().join("public"), "replies/bad/index.html");
            assert!(
                page.contains("第146号") && !page.contains("第第"),
                "never doubled"
            );
            continue;
        }
        let err = fails_in_chinese(&bad, &[]);
        assert_has(&err, &[at, says]);
    }
}

#[test]
fn two_mistakes_in_one_file_and_in_site_toml_come_at_once() {
    let bad = GOOD
        .replace("date: 2023-03-27", "date: 2023-02-30")
        .replace("category: A", "categroy: A");
    let err = fails_with(bad.as_bytes());
    assert_has(
        &err,
        &[
            "content/bad.md:8:7",
            "content/bad.md:9:1",
            "2 problems in 1 file",
        ],
    );
    let dir = site(&[("content/good.md", GOOD)]);
    std::fs::write(dir.path().join("site.toml"), "title = \"t\"\n").unwrap();
    let o = build(dir.path(), &[]);
    assert_has(
        &stderr(&o),
        &[
            "missing key `base_url`",
            "missing key `organisation`",
            "2 problems in 1 file",
        ],
    );
}

/// The command line speaks the user's language too: `--help`, and a mistyped option or
/// command said in Chinese with the usage and a suggestion, exit code 2; in English when
/// asked.
#[test]
fn command_line_help_and_usage_errors_in_the_users_language() {
    let o = dafu_zh().args(["build", "--help"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_has(
        &stdout(&o),
        &["用法：dafu build [选项]", "--output <文件夹>", "显示帮助"],
    );
    assert!(!stdout(&o).contains("Usage"), "{}", stdout(&o));
    let o = dafu_zh().args(["help", "import"]).output().unwrap();
    assert_has(
        &stdout(&o),
        &["用法：dafu import [选项] <信件>...", "参数："],
    );

    let o = dafu_zh().args(["build", "--outptu", "x"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_has(
        &stderr(&o),
        &[
            "不认识的选项：--outptu",
            "是不是想用 --output？",
            "用法：dafu build [选项]",
        ],
    );
    let o = dafu_zh().arg("biuld").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_has(&stderr(&o), &["没有这个命令：biuld", "是不是想用 build？"]);
    let o = dafu_zh()
        .args(["new", "--date", "2024-02-30"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_has(&stderr(&o), &["--date <YYYY-MM-DD> 的值“2024-02-30”不对"]);
    // `dafu` alone: its help, as a usage error.
    let o = dafu_zh().output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_has(&stderr(&o), &["命令：", "build"]);

    let o = dafu()
        .args(["--lang", "en", "build", "--outptu", "x"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_has(
        &stderr(&o),
        &["unknown option: --outptu", "Usage: dafu build [OPTIONS]"],
    );
}
