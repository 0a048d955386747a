//! A press office's first day, by the real binary: `dafu init`, `dafu new`, `dafu build`,
//! `dafu check` on the new site, all green, in Chinese.

mod common;

use common::*;

fn run(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    dafu_zh()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run dafu")
}

#[test]
fn init_new_build_check_on_a_new_site() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&["init", "网站"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("已在 网站 建立新网站"),
        "{}",
        stdout(&o)
    );
    let site = tmp.path().join("网站");
    let toml = std::fs::read_to_string(site.join("site.toml")).unwrap();
    for key in [
        "title",
        "base_url",
        "[organisation]",
        "[footer]",
        "sponsor",
        "site_code",
        "icp",
        "police",
        "[authority]",
        "former",
        "[[categories]]",
    ] {
        assert!(toml.contains(key), "site.toml explains {key}");
    }
    assert!(
        toml.contains("主办单位") && toml.contains("网站标识码"),
        "in Chinese"
    );
    assert!(
        std::fs::read_to_string(site.join(".gitignore"))
            .unwrap()
            .contains("/public/")
    );

    let o = run(
        &[
            "new",
            "--kind",
            "suggestion",
            "--number",
            "7",
            "--title",
            "关于增设公交线路的建议的答复",
            "--session",
            "市十七届人大一次会议",
            "--department",
            "某市交通运输局",
            "--representative",
            "王五",
            "--date",
            "2024-05-06",
        ],
        &site,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("content/2024/suggestion-7.md"),
        "{}",
        stdout(&o)
    );
    let text = std::fs::read_to_string(site.join("content/2024/suggestion-7.md")).unwrap();
    assert!(
        text.contains("draft: true") && text.contains("date: 2024-05-06"),
        "{text}"
    );

    // Drafts are not published: the new site builds and checks clean.
    let o = run(&["build"], &site);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "no warnings: {}", stderr(&o));
    let o = run(&["check"], &site);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("没有发现问题"), "{}", stdout(&o));
    // With drafts, the examples and the new reply are all valid pages.
    let o = run(&["check", "--drafts"], &site);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["build", "--drafts"], &site);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = read(&site.join("public"), "replies/2024/suggestion-7/index.html");
    assert!(page.contains("关于增设公交线路的建议的答复"));

    // Published once `draft: true` is gone.
    std::fs::write(
        site.join("content/2024/suggestion-7.md"),
        text.replace("draft: true\n", ""),
    )
    .unwrap();
    let o = run(&["build"], &site);
    assert!(stdout(&o).contains("已生成 1 份答复"), "{}", stdout(&o));

    // Never over anything: init into a full folder, new onto a taken name.
    let o = run(&["init", "网站"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("不是空文件夹"), "{}", stderr(&o));
    let o = run(
        &[
            "new",
            "--kind",
            "suggestion",
            "--number",
            "7",
            "--department",
            "某市交通运输局",
            "--date",
            "2024-01-02",
        ],
        &site,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("不会覆盖"), "{}", stderr(&o));
    // Outside a site, new says how to start one.
    let o = run(&["new"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("dafu init"), "{}", stderr(&o));
}
