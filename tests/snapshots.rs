//! Snapshot tests of key pages of the sample site. After an intended change to templates or
//! content, review with `cargo insta review` (or `INSTA_UPDATE=always cargo test`) and commit.

mod common;
use common::*;

#[test]
fn key_pages_of_the_sample_site() {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("public");
    let o = build(&repo_root(), &["--output", dest.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for (name, rel) in [
        ("reply_146", "replies/2023/proposal-146/index.html"),
        (
            "reply_1421357",
            "replies/2024/suggestion-1421357/index.html",
        ),
        ("home", "index.html"),
        ("list_kind_suggestion", "kinds/suggestion/index.html"),
        ("terms_categories", "categories/index.html"),
        ("not_found", "404.html"),
    ] {
        insta::assert_snapshot!(name, read(&dest, rel));
    }
}
