//! `dafu build` with its build cache, on the real binary: after any sequence of edits and
//! builds, the output is byte for byte a fresh build's, and the cache only saves work.

mod common;

use common::*;

fn built(o: &std::process::Output) -> String {
    assert!(o.status.success(), "{}", stderr(o));
    stdout(o)
}

/// "… N rendered, the others unchanged …" from the build's summary line.
fn rendered(out: &str) -> usize {
    let at = out.find(" rendered").expect("summary line");
    out[..at]
        .rsplit(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a count")
}

#[test]
fn edits_between_builds_give_a_fresh_builds_bytes() {
    let site = site(&[
        (
            "content/2023/a.md",
            &reply("1", "市教育局", "2023-03-01", ""),
        ),
        (
            "content/2023/b.md",
            &reply("2", "市教育局", "2023-04-01", ""),
        ),
        (
            "content/2023/c.md",
            &reply("3", "市交通运输局", "2023-05-01", ""),
        ),
        (
            "content/2024/d.md",
            &reply("4", "市交通运输局", "2024-01-09", ""),
        ),
    ]);
    let root = site.path();
    let out = root.join("public");
    let fresh = root.join("fresh");
    let o = out.to_str().unwrap();
    let first = built(&build(root, &["--output", o]));
    assert!(rendered(&first) > 0);
    let edits: [(&str, &dyn Fn()); 6] = [
        ("nothing", &|| {}),
        ("a body", &|| {
            write(
                root,
                "content/2023/a.md",
                reply("1", "市教育局", "2023-03-01", "")
                    .replace("收悉", "已收悉")
                    .as_bytes(),
            );
        }),
        ("a date", &|| {
            write(
                root,
                "content/2023/b.md",
                reply("2", "市教育局", "2022-12-01", "").as_bytes(),
            );
        }),
        ("a new reply", &|| {
            write(
                root,
                "content/2024/e.md",
                reply("5", "市卫生健康委员会", "2024-02-01", "").as_bytes(),
            );
        }),
        ("a deletion", &|| {
            std::fs::remove_file(root.join("content/2023/c.md")).unwrap();
        }),
        ("site.toml", &|| {
            write(
                root,
                "site.toml",
                SITE_TOML
                    .replace("page_size = 3", "page_size = 2")
                    .as_bytes(),
            );
        }),
    ];
    for (what, edit) in edits {
        edit();
        let again = built(&build(root, &["--output", o]));
        let _ = std::fs::remove_dir_all(&fresh);
        built(&build(
            root,
            &["--output", fresh.to_str().unwrap(), "--no-cache"],
        ));
        assert_eq!(tree(&out), tree(&fresh), "after {what}");
        if what == "nothing" {
            // The second build starts from a new folder: its pages are linked from the
            // live output; from the third on, the starting folder (the output before last)
            // is known to the cache.
            assert_eq!(rendered(&again), 0, "{again}");
            let third = built(&build(root, &["--output", o]));
            assert_eq!(rendered(&third), 0, "{third}");
        }
    }
    // The cache lives beside the output, never in it, and says it may be deleted.
    let cache = root.join(".public.dafu-cache");
    assert!(read(&cache, ".dafu-output").contains("safe to delete"));
    assert!(
        !tree(&out)
            .keys()
            .any(|k| k.contains("dafu-cache") || k.ends_with(".json") && k.starts_with("output"))
    );
}

#[test]
fn a_deleted_cache_means_a_full_build_with_the_same_output() {
    let site = site(&[(
        "content/2023/a.md",
        &reply("1", "市教育局", "2023-03-01", ""),
    )]);
    let root = site.path();
    built(&build(root, &[]));
    built(&build(root, &[]));
    let before = tree(&root.join("public"));
    std::fs::remove_dir_all(root.join(".public.dafu-cache")).unwrap();
    let out = built(&build(root, &[]));
    assert!(rendered(&out) > 0, "{out}");
    assert_eq!(tree(&root.join("public")), before);
}
