//! Attachments (附件), by the real binary: both forms, Chinese file names, a missing file,
//! refused kinds and places, the listing on the page and in the open data, feed and sitemap,
//! links in the text, and copies made once.

mod common;

use common::*;

const PDF: &[u8] = b"%PDF-1.4\n% test letter\n%%EOF\n";
const XLSX: &[u8] = b"PK\x03\x04 not really a spreadsheet";

fn with_attachments(extra: &str, body: &str) -> String {
    reply("146", "某市应急管理局", "2023-03-27", extra).replace(
        "您提出的提案收悉，现答复如下。\n",
        &format!("您提出的提案收悉，现答复如下。\n\n{body}\n"),
    )
}

fn front_matter_site() -> tempfile::TempDir {
    let text = with_attachments(
        "attachments:\n  - 答复函.pdf\n  - { file: 附表/统计表.xlsx, title: 办理情况统计表 }\n",
        "详见[答复函](答复函.pdf)和[统计表](附表/统计表.xlsx)。",
    );
    let dir = site(&[("content/2023/proposal-146.md", &text)]);
    write(dir.path(), "content/2023/答复函.pdf", PDF);
    write(dir.path(), "content/2023/附表/统计表.xlsx", XLSX);
    dir
}

#[test]
fn front_matter_attachments_are_published_listed_and_in_the_open_data() {
    let dir = front_matter_site();
    let out = build_ok(dir.path());
    let page_dir = "replies/2023/proposal-146";
    assert_eq!(
        std::fs::read(out.join(format!("{page_dir}/da-fu-han.pdf"))).unwrap(),
        PDF
    );
    assert_eq!(
        std::fs::read(out.join(format!("{page_dir}/tong-ji-biao.xlsx"))).unwrap(),
        XLSX
    );
    let page = read(&out, &format!("{page_dir}/index.html"));
    assert!(
        page.contains("<h2 id=\"attachments-h\">附件</h2>"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"da-fu-han.pdf\" download=\"答复函.pdf\" type=\"application/pdf\">答复函</a> <span class=\"file-meta\">（PDF 文档，"),
        "{page}"
    );
    assert!(
        page.contains(">办理情况统计表</a>"),
        "the given title: {page}"
    );
    // Links in the text lead to the published files.
    assert!(
        page.contains("<a href=\"da-fu-han.pdf\">答复函</a>"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"tong-ji-biao.xlsx\">统计表</a>"),
        "{page}"
    );

    let json: serde_json::Value = serde_json::from_str(&read(&out, "data/replies.json")).unwrap();
    let a = &json["replies"][0]["attachments"];
    assert_eq!(a[0]["title"], "答复函");
    assert_eq!(a[0]["name"], "答复函.pdf");
    assert_eq!(a[0]["media_type"], "application/pdf");
    assert_eq!(a[0]["size"], PDF.len());
    assert_eq!(
        a[0]["url"],
        "https://www.example.gov.cn/jyta/replies/2023/proposal-146/da-fu-han.pdf"
    );
    let csv = read(&out, "data/replies.csv");
    assert!(
        csv.contains("replies/2023/proposal-146/da-fu-han.pdf https://"),
        "{csv}"
    );
    let feed = read(&out, "feed.xml");
    assert!(
        feed.contains("rel=\"enclosure\" type=\"application/pdf\" title=\"答复函\""),
        "{feed}"
    );
    let sitemap = read(&out, "sitemap.xml");
    assert!(
        sitemap.contains("replies/2023/proposal-146/tong-ji-biao.xlsx</loc>"),
        "{sitemap}"
    );

    let o = dafu()
        .args(["check", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_folder_reply_publishes_the_files_beside_it() {
    let text = with_attachments("", "见附件。");
    let dir = site(&[("content/2023/suggestion-9/index.md", &text)]);
    write(
        dir.path(),
        "content/2023/suggestion-9/附件2 统计表.xlsx",
        XLSX,
    );
    write(
        dir.path(),
        "content/2023/suggestion-9/附件1 答复函.pdf",
        PDF,
    );
    write(
        dir.path(),
        "content/2023/suggestion-9/~$附件1 答复函.docx",
        b"lock",
    );
    let out = build_ok(dir.path());
    let page = read(&out, "replies/2023/suggestion-9/index.html");
    let first = page.find("附件1 答复函</a>").expect("listed");
    let second = page.find("附件2 统计表</a>").expect("listed");
    assert!(first < second, "in name order");
    assert!(
        out.join("replies/2023/suggestion-9/fu-jian-1-da-fu-han.pdf")
            .is_file()
    );
    assert!(!page.contains("~$"), "lock files are left out");
}

#[test]
fn a_missing_file_a_refused_kind_and_a_path_outside_are_errors_at_their_line() {
    let text = with_attachments(
        "attachments:\n  - 缺失.pdf\n  - 页面.html\n  - ../../site.toml\n",
        "",
    );
    let dir = site(&[("content/2023/proposal-146.md", &text)]);
    write(
        dir.path(),
        "content/2023/页面.html",
        b"<script>alert(1)</script>",
    );
    let o = build(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    for part in [
        "content/2023/proposal-146.md:10:5",
        "attachment `缺失.pdf` not found",
        "content/2023/proposal-146.md:11:5",
        "`页面.html` is not a kind of file a reply may attach",
        "content/2023/proposal-146.md:12:5",
        "attachment `../../site.toml` is outside content/",
        "3 problems in 1 file",
    ] {
        assert!(err.contains(part), "{part:?} in\n{err}");
    }
    assert!(!dir.path().join("public").exists());
    // In Chinese too.
    let o = build_zh(dir.path(), &[]);
    assert!(
        stderr(&o).contains("找不到附件 `缺失.pdf`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_broken_link_to_a_chinese_file_name_is_blamed_on_the_markdown_line() {
    let text = with_attachments("", "另见[旧版答复函](旧版答复函.pdf)。");
    let dir = site(&[("content/2023/proposal-146.md", &text)]);
    let o = dafu()
        .args(["check", "--root"])
        .arg(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("content/2023/proposal-146.md:14:"), "{err}");
    assert!(err.contains("broken link `旧版答复函.pdf`"), "{err}");
    assert!(
        !err.contains("template or a static file"),
        "not blamed on the theme: {err}"
    );
}

#[test]
fn attachments_are_copied_once_and_again_only_when_they_change() {
    let dir = front_matter_site();
    let out = build_ok(dir.path());
    let copy = out.join("replies/2023/proposal-146/da-fu-han.pdf");
    let before = std::fs::metadata(&copy).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    // The reply's text changes; the PDF does not: the copy is left alone.
    let md = dir.path().join("content/2023/proposal-146.md");
    let text = std::fs::read_to_string(&md).unwrap();
    std::fs::write(&md, text.replace("现答复如下", "现答复如后")).unwrap();
    let out = build_ok(dir.path());
    let copy = out.join("replies/2023/proposal-146/da-fu-han.pdf");
    assert_eq!(
        std::fs::metadata(&copy).unwrap().modified().unwrap(),
        before
    );
    // The PDF changes (the reply does not): the new bytes are published.
    std::thread::sleep(std::time::Duration::from_millis(20));
    write(
        dir.path(),
        "content/2023/答复函.pdf",
        b"%PDF-1.4\n% signed and stamped\n%%EOF\n",
    );
    let out = build_ok(dir.path());
    assert_eq!(
        std::fs::read(out.join("replies/2023/proposal-146/da-fu-han.pdf")).unwrap(),
        b"%PDF-1.4\n% signed and stamped\n%%EOF\n"
    );
    // Deleted from the reply: deleted from the output.
    std::fs::write(
        &md,
        text.replace("  - 答复函.pdf\n", "")
            .replace("[答复函](答复函.pdf)和", ""),
    )
    .unwrap();
    let out = build_ok(dir.path());
    assert!(!out.join("replies/2023/proposal-146/da-fu-han.pdf").exists());
}
