//! `dafu build` on the sample site and on generated fixture sites: every page type, the
//! data on it, pagination, links under a base path, determinism.

mod common;
use common::*;

fn build_sample(args: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("public");
    let mut all = vec!["--output", dest.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = build(&repo_root(), &all);
    assert!(
        o.status.success(),
        "sample site failed to build:\n{}",
        stderr(&o)
    );
    out
}

#[test]
fn sample_site_builds_every_page_type() {
    let out = build_sample(&[]);
    let p = out.path().join("public");
    for page in [
        "index.html",
        "404.html",
        "all/index.html",
        "replies/2023/proposal-146/index.html",
        "replies/2024/suggestion-1421357/index.html",
        "years/index.html",
        "years/2023/index.html",
        "departments/index.html",
        "departments/fushun-yingji/index.html",
        "representatives/index.html",
        "sessions/index.html",
        "kinds/index.html",
        "kinds/proposal/index.html",
        "kinds/suggestion/index.html",
        "categories/index.html",
        "categories/a/index.html",
        "categories/b/index.html",
        "categories/c/index.html",
        "tags/index.html",
        "assets/dafu.css",
    ] {
        assert!(p.join(page).is_file(), "missing {page}");
    }
    // The Chinese file name gets an ASCII URL.
    assert!(
        p.join("replies/2024/di-1421388-hao-jian-yi-da-fu/index.html")
            .is_file()
    );
    // The draft is left out.
    assert!(!p.join("replies/2025/proposal-40/index.html").exists());
    for (rel, _) in tree(&p) {
        assert!(rel.is_ascii(), "non-ASCII output path {rel}");
    }
}

#[test]
fn reply_pages_show_the_real_replies_data() {
    let out = build_sample(&[]);
    let p = out.path().join("public");
    let html = read(&p, "replies/2023/proposal-146/index.html");
    for expected in [
        "关于加强灵活用工人员安全教育培训工作扎实做好安全生产工作的建议",
        "对市政协十四届一次会议第146号提案的答复",
        "吴忠彦",
        "抚顺市应急管理局",
        "2023年3月27日",
        "提案主办〔2023〕1号",
        "签发人：王端礼",
        "抄送：市政府办公室、市政协提案委",
        "11210400MB0000000X/2023-",
        "<strong>（一）狠抓党政领导责任和部门监管责任的落实。</strong>一是科学安排部署。",
        "<strong>二是强化督导检查。</strong>",
        "href=\"../../../departments/fushun-yingji/\"",
        "<meta name=\"ArticleTitle\"",
    ] {
        assert!(html.contains(expected), "reply 146 lacks {expected:?}");
    }
    let html = read(&p, "replies/2024/suggestion-1421357/index.html");
    for expected in [
        "关于提升安全生产队伍专业水平的建议",
        "对省十四届人大二次会议第1421357号建议的答复",
        "赵利军",
        "辽宁省应急管理厅",
        "2024年6月13日",
        "2024年7月10日",
        "联系人：李洪涛",
        "024-86892975",
    ] {
        assert!(html.contains(expected), "reply 1421357 lacks {expected:?}");
    }
}

#[test]
fn lead_and_co_replies_link_to_each_other() {
    let out = build_sample(&[]);
    let p = out.path().join("public");
    let lead = read(&p, "replies/2023/proposal-152/index.html");
    assert!(lead.contains("同一提案的其他答复"));
    assert!(
        lead.contains("href=\"../../../replies/2023/proposal-152-co/\""),
        "lead links to the co reply"
    );
    assert!(lead.contains("会办单位"));
    let co = read(&p, "replies/2023/proposal-152-co/index.html");
    assert!(
        co.contains("href=\"../../../replies/2023/proposal-152/\""),
        "co links to the lead reply"
    );
    assert!(co.contains("（会办意见）"));
    // The joint proposal lists each representative with a link.
    for name in ["张明远", "刘晓燕", "陈国栋"] {
        assert!(lead.contains(&format!(">{name}</a>")), "{name}");
    }
}

#[test]
fn index_pages_list_the_right_replies_with_counts() {
    let out = build_sample(&[]);
    let p = out.path().join("public");
    let dept = read(&p, "departments/fushun-yingji/index.html");
    assert!(dept.contains("第146号提案"));
    assert!(!dept.contains("第1421357号"));
    let depts = read(&p, "departments/index.html");
    assert!(
        depts.contains("辽宁省应急管理厅</a> <span class=\"badge\">3 件</span>"),
        "{depts}"
    );
    let years = read(&p, "years/index.html");
    let y25 = years.find(">2025<").unwrap();
    let y23 = years.find(">2023<").unwrap();
    assert!(y25 < y23, "years newest first");
    let cat = read(&p, "categories/c/index.html");
    assert!(cat.contains("所提问题因条件限制留作参考"));
    let all = read(&p, "all/index.html");
    let newest = all.find("第31号").unwrap();
    let oldest = all.find("第146号").unwrap();
    assert!(newest < oldest, "newest first");
    let home = read(&p, "index.html");
    assert!(home.contains("最新答复") && home.contains("13</span> 件答复"));
}

#[test]
fn drafts_only_with_the_flag() {
    let out = build_sample(&["--drafts"]);
    assert!(
        out.path()
            .join("public/replies/2025/proposal-40/index.html")
            .is_file()
    );
}

#[test]
fn pagination_boundaries() {
    // page_size is 3 in the fixture: 6 replies → 2 full pages; 7 → a third page with one.
    let files: Vec<(String, String)> = (1..=7)
        .map(|n| {
            (
                format!("content/p{n}.md"),
                reply(&n.to_string(), "甲局", &format!("2023-01-{n:02}"), ""),
            )
        })
        .collect();
    let six: Vec<(&str, &str)> = files[..6]
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = site(&six);
    let o = build(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let p = dir.path().join("public");
    assert!(p.join("all/page/2/index.html").is_file());
    assert!(!p.join("all/page/3/index.html").exists(), "no empty page");
    let page2 = read(&p, "all/page/2/index.html");
    assert!(
        page2.contains("第3号") && page2.contains("第1号") && !page2.contains("第4号"),
        "{page2}"
    );
    assert!(page2.contains("rel=\"prev\"") && !page2.contains("rel=\"next\""));
    let first = read(&p, "all/index.html");
    assert!(first.contains("第6号") && first.contains("第4号") && !first.contains("第3号"));
    assert!(
        first.contains("href=\"../all/page/2/\" rel=\"next\""),
        "{first}"
    );

    let seven: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = site(&seven);
    assert!(build(dir.path(), &[]).status.success());
    let p = dir.path().join("public");
    let page3 = read(&p, "all/page/3/index.html");
    assert_eq!(page3.matches("class=\"reply-row\"").count(), 1);
    assert!(p.join("departments/jia-ju/page/3/index.html").is_file());
    assert!(p.join("years/2023/page/3/index.html").is_file());
    // No category was given: no category pages at all.
    assert!(!p.join("categories").exists());
}

#[test]
fn no_broken_internal_links_under_a_base_path() {
    let out = build_sample(&["--base-url", "https://www.example.gov.cn/jyta/"]);
    let p = out.path().join("public");
    let broken = broken_links(&p, "/jyta/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    let not_found = read(&p, "404.html");
    assert!(
        not_found.contains("href=\"/jyta/assets/dafu.css\""),
        "404 uses the base path"
    );
    let home = read(&p, "index.html");
    assert!(home.contains("<link rel=\"canonical\" href=\"https://www.example.gov.cn/jyta/\">"));

    let out = build_sample(&["--base-url", "https://example.org"]);
    let p = out.path().join("public");
    assert!(broken_links(&p, "/").is_empty());
}

#[test]
fn output_is_deterministic() {
    let a = build_sample(&[]);
    let b = build_sample(&[]);
    let ta = tree(&a.path().join("public"));
    let tb = tree(&b.path().join("public"));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(tb[k] == *v, "{k} differs between two builds");
    }
}

#[test]
fn html_in_front_matter_is_escaped() {
    let evil = reply("1", "甲局<b>", "2023-01-01", "")
        .replace("关于第1号事项的提案", "<script>alert(1)</script>标题");
    let dir = site(&[("content/a.md", &evil)]);
    let o = build(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let p = dir.path().join("public");
    // Markup must escape it; the open data (JSON, CSV) holds the text as written.
    for (rel, bytes) in tree(&p)
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".html") || rel.ends_with(".xml"))
    {
        let html = String::from_utf8_lossy(&bytes);
        assert!(!html.contains("<script>alert"), "{rel} has the raw script");
        assert!(!html.contains("甲局<b>"), "{rel} has the raw tag");
    }
    assert!(
        read(&p, "replies/a/index.html").contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;标题")
            || read(&p, "replies/a/index.html")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;标题")
    );
}

#[test]
fn windows_files_work() {
    let text = reply("1", "甲局", "2023-01-01", "").replace('\n', "\r\n");
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(text.as_bytes());
    let dir = site(&[]);
    write(dir.path(), "content/第1号提案.md", &bytes);
    let o = build(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = read(
        &dir.path().join("public"),
        "replies/di-1-hao-ti-an/index.html",
    );
    assert!(html.contains("关于第1号事项的提案"));
}

#[test]
fn default_theme_is_built_in_and_site_templates_override_it() {
    let dir = site(&[("content/a.md", &reply("1", "甲局", "2023-01-01", ""))]);
    assert!(!dir.path().join("themes").exists());
    assert!(build(dir.path(), &[]).status.success());
    write(
        dir.path(),
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<p>自定义404</p>{% endblock main %}".as_bytes(),
    );
    write(dir.path(), "static/robots-extra.txt", b"hello");
    assert!(build(dir.path(), &[]).status.success());
    let p = dir.path().join("public");
    assert!(read(&p, "404.html").contains("自定义404"));
    assert_eq!(read(&p, "robots-extra.txt"), "hello");
}

/// The statistics page counts what the site holds, in charts and in tables beside them.
#[test]
fn statistics_page_counts_by_year_kind_category_and_department() {
    let site = site(&[
        (
            "content/a.md",
            &reply("1", "某市教育局", "2023-03-01", "category: A\n"),
        ),
        (
            "content/b.md",
            &reply("2", "某市教育局", "2024-03-02", "category: A\n"),
        ),
        (
            "content/c.md",
            &reply("3", "某市民政局", "2024-03-03", "category: B\n"),
        ),
    ]);
    let out = build_ok(site.path());
    let html = std::fs::read_to_string(out.join("stats/index.html")).unwrap();
    assert!(html.contains("共公开答复 3 件"), "{html}");
    for heading in [
        "按年度统计",
        "按类型统计",
        "按答复类别统计",
        "按办理单位统计",
    ] {
        assert!(html.contains(heading), "{heading}");
    }
    // Table rows: label, count, share.
    let row = |label: &str, count: usize, share: &str| {
        let needle = format!("{label}</a>");
        let at = html
            .find(&needle)
            .unwrap_or_else(|| panic!("no row for {label}"));
        let rest = &html[at..at + 300.min(html.len() - at)];
        assert!(
            rest.contains(&format!(
                "<td class=\"num\">{count}</td><td class=\"num\">{share}%</td>"
            )),
            "{label}: {rest}"
        );
    };
    row("2024", 2, "66.7");
    row("2023", 1, "33.3");
    row("某市教育局", 2, "66.7");
    row("某市民政局", 1, "33.3");
    row("A类", 2, "66.7");
    row("B类", 1, "33.3");
    // Each chart is one table: label, bar, count and share in the same row; the longest
    // bar is the largest count; a session chart too.
    assert_eq!(
        html.matches("<table class=\"data-table bar-table\">")
            .count(),
        5
    );
    assert!(html.contains("<h2 id=\"chart-sessions\">"), "by session");
    assert!(
        html.contains(
            "<span class=\"bar\" style=\"width: 100.0%\"></span></td><td class=\"num\">2</td>"
        ),
        "the largest bar spans the full width"
    );
}

#[test]
fn branding_from_site_toml_in_header_and_footer() {
    let dir = site(&[("content/a.md", &reply("1", "某市教育局", "2024-03-01", ""))]);
    let toml = SITE_TOML
        .replace(
            "code = \"11210400MB0000000X\"",
            "code = \"11210400MB0000000X\"\nlogo = \"images/emblem.svg\"",
        )
        .replace(
            "site_code = \"2104000001\"",
            "site_code = \"2104000001\"\nbadge_image = \"images/dzjg.png\"\nbadge_url = \"https://bszs.conac.cn/sitename?method=show&id=1\"\nerror_report_url = \"https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=2104000001\"",
        );
    std::fs::write(dir.path().join("site.toml"), &toml).unwrap();
    // The images must be the site's own files.
    let o = build(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("`logo`: there is no static/images/emblem.svg"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("`badge_image`: there is no static/images/dzjg.png"),
        "{}",
        stderr(&o)
    );
    write(
        dir.path(),
        "static/images/emblem.svg",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    write(dir.path(), "static/images/dzjg.png", b"\x89PNG\r\n\x1a\n");
    let out = build_ok(dir.path());
    let home = read(&out, "index.html");
    assert!(
        home.contains("<img class=\"logo\" src=\"images/emblem.svg\" alt=\"\""),
        "{home}"
    );
    assert!(
        home.contains("<span class=\"org\">某市人民政府办公室</span>"),
        "{home}"
    );
    assert!(
        home.contains(
            "<a class=\"badge\" href=\"https://bszs.conac.cn/sitename?method=show&amp;id=1\""
        ),
        "{home}"
    );
    assert!(home.contains(">政府网站找错</a>"), "{home}");
    // A kind of file a header may not show.
    std::fs::write(
        dir.path().join("site.toml"),
        toml.replace("emblem.svg", "emblem.html"),
    )
    .unwrap();
    let o = build(dir.path(), &[]);
    assert!(
        stderr(&o).contains("must name an SVG or PNG file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn satisfaction_is_shown_in_open_data_and_counted() {
    let dir = site(&[
        (
            "content/a.md",
            &reply(
                "1",
                "某市教育局",
                "2024-03-01",
                "satisfaction: 满意\ncategory: A\n",
            ),
        ),
        (
            "content/b.md",
            &reply("2", "某市教育局", "2024-03-02", "satisfaction: 基本满意\n"),
        ),
        ("content/c.md", &reply("3", "某市民政局", "2024-03-03", "")),
    ]);
    let out = build_ok(dir.path());
    let page = read(&out, "replies/a/index.html");
    assert!(
        page.contains("<th scope=\"row\">办理结果评价</th><td colspan=\"3\">满意</td>"),
        "{page}"
    );
    assert!(!read(&out, "replies/c/index.html").contains("办理结果评价"));
    let json = read(&out, "data/replies.json");
    assert!(json.contains("\"satisfaction\":\"基本满意\""), "{json}");
    let csv = read(&out, "data/replies.csv");
    assert!(
        csv.lines().next().unwrap().ends_with(",办理结果评价"),
        "{csv}"
    );
    let stats = read(&out, "stats/index.html");
    assert!(stats.contains("办理结果评价统计"), "{stats}");
    assert!(stats.contains(">未评价</th>"), "{stats}");
    // Replies without an answer category are a row of their own: the shares add up.
    assert!(
        stats.contains("<th scope=\"row\">未分类<span class=\"note\">答复未注明类别</span></th><td class=\"bar-col\" aria-hidden=\"true\"><span class=\"bar\" style=\"width: 100.0%\"></span></td><td class=\"num\">2</td><td class=\"num\">66.7%</td>"),
        "{stats}"
    );
    let meta = read(&out, "search/meta.json");
    assert!(meta.contains("\"slug\":\"mostly-satisfied\""), "{meta}");
    // An evaluation outside site.toml's list is refused.
    write(
        dir.path(),
        "content/c.md",
        reply("3", "某市民政局", "2024-03-03", "satisfaction: 很满意\n").as_bytes(),
    );
    let o = build(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("unknown evaluation `很满意`"),
        "{}",
        stderr(&o)
    );
}
