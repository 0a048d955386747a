//! Every page type is valid HTML5: the Nu HTML Checker (vnu.jar from the npm package
//! vnu-jar in tests/browser, run with Java) reports zero errors, on the sample site and on a
//! generated corpus.

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn vnu_jar() -> PathBuf {
    let jar = repo_root().join("tests/browser/node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(
        jar.is_file(),
        "{} is missing: run `npm ci --prefix tests/browser` (.ci/run does)",
        jar.display()
    );
    jar
}

fn vnu(out: &Path) {
    let pages = page_types(out);
    let files: Vec<PathBuf> = pages
        .iter()
        .map(|p| {
            if p.is_empty() || p.ends_with('/') {
                out.join(p).join("index.html")
            } else {
                out.join(p)
            }
        })
        .collect();
    for f in &files {
        assert!(f.is_file(), "{} missing", f.display());
    }
    let o = tool("java", "install Java 17")
        .arg("-jar")
        .arg(vnu_jar())
        .args(["--errors-only", "--format", "gnu"])
        .args(&files)
        .output()
        .unwrap();
    let report = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        o.status.success() && report.trim().is_empty(),
        "vnu found errors in {} pages:\n{report}",
        files.len()
    );
}

#[test]
fn sample_site_pages_are_valid_html() {
    let (_dir, out) = sample_site_built();
    vnu(&out);
}

#[test]
fn generated_site_pages_are_valid_html() {
    let site = generated_site(200);
    let out = build_ok(site.path());
    vnu(&out);
}

/// The checker really checks: a broken page is reported.
#[test]
fn vnu_reports_a_broken_page() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.html");
    std::fs::write(&bad, "<!DOCTYPE html><html lang=\"zh-CN\"><head><title>t</title></head><body><p><div></span></body></html>").unwrap();
    let o = tool("java", "install Java 17")
        .arg("-jar")
        .arg(vnu_jar())
        .args(["--errors-only", "--format", "gnu"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!o.status.success(), "vnu accepted a broken page");
}
