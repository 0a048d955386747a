//! The pipeline's promise: whatever sequence of edits it worked through, with its caches in
//! memory (`dafu serve`) or on disk (`dafu build`), it gives what a fresh build of the same
//! files gives, byte for byte.
//!
//! Shown to fail when a fingerprint leaves out something a page shows: with
//! `BodyHtml`'s `Hash` hashing nothing, or `Renderer::fingerprint` hashing only the URL,
//! the property test below fails within its first sequences (text edits no longer reach the
//! reply page; title edits no longer reach the lists).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::BuildOptions;
use super::*;
use crate::build::build;

const SITE_TOML: &str = "title = \"测试站点\"\nbase_url = \"https://www.example.gov.cn/jyta/\"\npage_size = 3\n\n[organisation]\nname = \"某市人民政府办公室\"\ncode = \"11210400MB0000000X\"\n";

const DEPARTMENTS: [&str; 3] = ["市教育局", "市交通运输局", "市应急管理局"];

use crate::testing::Rng;

/// One reply file's fields, as the test edits them.
#[derive(Clone)]
struct Fields {
    number: usize,
    title: String,
    department: usize,
    day: usize,
    draft: bool,
    body: String,
}

impl Fields {
    fn text(&self) -> String {
        format!(
            "---\ntitle: {}\nkind: proposal\nnumber: \"{}\"\nsession: 市政协十四届一次会议\nrepresentative: 张三\ndepartment: {}\ndate: 2023-0{}-{:02}\ndraft: {}\n---\n{}\n",
            self.title,
            self.number,
            DEPARTMENTS[self.department],
            1 + self.day / 28,
            1 + self.day % 28,
            self.draft,
            self.body
        )
    }
}

struct Scenario {
    rng: Rng,
    files: BTreeMap<String, Fields>,
    next_number: usize,
    page_size: usize,
}

impl Scenario {
    fn new(seed: u64, root: &Path) -> Scenario {
        let mut s = Scenario {
            rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
            files: BTreeMap::new(),
            next_number: 1,
            page_size: 3,
        };
        std::fs::create_dir_all(root.join("content/2023")).unwrap();
        for _ in 0..12 {
            s.add(root);
        }
        s.write_config(root);
        s
    }

    fn write_config(&self, root: &Path) {
        let toml = SITE_TOML.replace("page_size = 3", &format!("page_size = {}", self.page_size));
        std::fs::write(root.join("site.toml"), toml).unwrap();
    }

    fn write(&self, root: &Path, name: &str) {
        std::fs::write(root.join(name), self.files[name].text()).unwrap();
    }

    fn add(&mut self, root: &Path) -> String {
        let n = self.next_number;
        self.next_number += 1;
        let name = format!("content/2023/proposal-{n}.md");
        let f = Fields {
            number: n,
            title: format!("关于第{n}号事项的提案"),
            department: self.rng.below(DEPARTMENTS.len()),
            day: self.rng.below(56),
            draft: false,
            body: format!("答复正文{n}：加强校外培训机构监管。"),
        };
        self.files.insert(name.clone(), f);
        self.write(root, &name);
        name
    }

    /// Appends `text` to the body of the first reply file (by name).
    fn append_to_first(&mut self, root: &Path, text: &str) {
        let name = self.files.keys().next().unwrap().clone();
        self.files.get_mut(&name).unwrap().body.push_str(text);
        self.write(root, &name);
    }

    /// Applies one random edit; returns the files it touched (`None`: site.toml changed).
    fn step(&mut self, root: &Path) -> (String, Option<Vec<PathBuf>>) {
        let names: Vec<String> = self.files.keys().cloned().collect();
        let name = names[self.rng.below(names.len())].clone();
        let pick = self.rng.below(9);
        let mut touched = vec![PathBuf::from(&name)];
        let what = match pick {
            0 => {
                let f = self.files.get_mut(&name).unwrap();
                f.body.push_str("又及：已落实。");
                "text"
            }
            1 => {
                let f = self.files.get_mut(&name).unwrap();
                f.title = format!("{}（修订）", f.title);
                "title"
            }
            2 => {
                let day = self.rng.below(56);
                self.files.get_mut(&name).unwrap().day = day;
                "date"
            }
            3 => {
                let d = self.rng.below(DEPARTMENTS.len());
                self.files.get_mut(&name).unwrap().department = d;
                "department"
            }
            4 => {
                touched = vec![PathBuf::from(self.add(root))];
                return ("add".into(), Some(touched));
            }
            5 if self.files.len() > 2 => {
                self.files.remove(&name);
                std::fs::remove_file(root.join(&name)).unwrap();
                return ("delete".into(), Some(touched));
            }
            6 => {
                let f = self.files.remove(&name).unwrap();
                let new = format!("content/2023/renamed-{}.md", f.number);
                if new == name {
                    self.files.insert(name.clone(), f);
                    return ("nothing".into(), Some(Vec::new()));
                }
                std::fs::remove_file(root.join(&name)).unwrap();
                self.files.insert(new.clone(), f);
                self.write(root, &new);
                return (
                    "rename".into(),
                    Some(vec![PathBuf::from(&name), PathBuf::from(new)]),
                );
            }
            7 => {
                let f = self.files.get_mut(&name).unwrap();
                f.draft = !f.draft;
                "draft"
            }
            _ => {
                self.page_size = 2 + self.rng.below(3);
                self.write_config(root);
                return ("site.toml".into(), None);
            }
        };
        self.write(root, &name);
        (what.into(), Some(touched))
    }
}

fn opts(root: &Path, output: &Path) -> BuildOptions {
    BuildOptions {
        output: Some(output.to_path_buf()),
        ..BuildOptions::new(root)
    }
}

fn fresh_in_memory(root: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    let mut p = Pipeline::new(BuildOptions::new(root));
    let built = p.run(None, Target::Memory, &mut |_| {}).ok()?;
    Some(files_of(&built.snapshot?))
}

fn files_of(snapshot: &Snapshot) -> BTreeMap<String, Vec<u8>> {
    snapshot
        .all()
        .map(|(k, v)| (k.to_string(), v.published(k).unwrap().into_owned()))
        .collect()
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            out.insert(rel.replace('\\', "/"), std::fs::read(e.path()).unwrap());
        }
    }
    out
}

fn first_difference(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> String {
    for (k, v) in a {
        match b.get(k) {
            None => return format!("{k} only in the incremental output"),
            Some(w) if w != v => {
                let (x, y) = (String::from_utf8_lossy(v), String::from_utf8_lossy(w));
                let at = x.chars().zip(y.chars()).take_while(|(a, b)| a == b).count();
                let near = |t: &str| {
                    t.chars()
                        .skip(at.saturating_sub(80))
                        .take(200)
                        .collect::<String>()
                };
                return format!(
                    "{k} differs ({} and {} bytes stored):\n  incremental …{}…\n  fresh       …{}…",
                    v.len(),
                    w.len(),
                    near(&x),
                    near(&y)
                );
            }
            _ => {}
        }
    }
    match b.keys().find(|k| !a.contains_key(*k)) {
        Some(k) => format!("{k} missing from the incremental output"),
        None => "no difference".into(),
    }
}

#[test]
fn any_sequence_of_edits_gives_what_a_fresh_build_gives() {
    for seed in 1..=10u64 {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let mut scenario = Scenario::new(seed, &root);
        let (out, fresh_out) = (dir.path().join("public"), dir.path().join("fresh"));
        let mut serve = Pipeline::new(BuildOptions::new(&root));
        // Half the seeds keep the texts and the pages in temporary files and read the bodies
        // again to render them, as `dafu serve` does beyond its bounds.
        if seed % 2 == 1 {
            serve.keep_texts_in(store::TextsFile::temporary("texts").unwrap(), 0);
            serve.sources.hold_no_bodies();
            serve.spill_files_beyond(0);
            serve.compact_spill_beyond(0);
        }
        serve.run(None, Target::Memory, &mut |_| {}).unwrap();
        build(&opts(&root, &out)).unwrap();
        let mut log = Vec::new();
        let mut patched = (0, 0);
        let mut compacted = 0;
        for _ in 0..14 {
            let (what, touched) = scenario.step(&root);
            log.push(what);
            let context = format!("seed {seed}, edits {log:?}");

            // In memory, told which files changed, as the file watcher tells it.
            let snapshot = serve
                .run(touched.as_deref(), Target::Memory, &mut |_| {})
                .ok()
                .and_then(|b| b.snapshot);
            if seed % 2 == 1
                && let Some(s) = &snapshot
            {
                assert!(s.all().all(|(_, b)| !b.is_held()), "{context}: all spilled");
            }
            let incremental = snapshot.map(|s| files_of(&s));
            patched.0 += usize::from(serve.report().outputs_patched);
            compacted += serve
                .report()
                .steps
                .iter()
                .filter(|(s, _)| *s == "spill file compacted")
                .count();
            let fresh = fresh_in_memory(&root);
            match (&incremental, &fresh) {
                (Some(a), Some(b)) => {
                    assert!(a == b, "{context}: {}", first_difference(a, b))
                }
                (None, None) => {}
                _ => panic!("{context}: one build failed, the other did not"),
            }

            // On disk, with the build cache, against a fresh build into an empty folder.
            let cached = build(&opts(&root, &out));
            patched.1 += usize::from(cached.as_ref().is_ok_and(|r| r.outputs_patched));
            let cached = cached.is_ok();
            let _ = std::fs::remove_dir_all(&fresh_out);
            let fresh_ok = build(&BuildOptions {
                no_cache: true,
                ..opts(&root, &fresh_out)
            })
            .is_ok();
            assert_eq!(cached, fresh_ok, "{context}");
            if cached {
                let (a, b) = (tree(&out), tree(&fresh_out));
                assert!(a == b, "{context}: {}", first_difference(&a, &b));
            }
        }
        // Most edits patch feeds, open data and the search index (a site.toml change or a
        // failed build makes them afresh).
        assert!(
            patched.0 >= 7 && patched.1 >= 7,
            "seed {seed}: {patched:?} of {log:?}"
        );
        // The spill file was compacted on the way (pages served from the new file after).
        assert!(
            seed % 2 == 0 || compacted > 0,
            "seed {seed}: never compacted"
        );
    }
}

#[test]
fn a_damaged_or_deleted_cache_costs_time_not_correctness() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let mut scenario = Scenario::new(7, &root);
    let out = dir.path().join("public");
    build(&opts(&root, &out)).unwrap();
    let cache = store::cache_dir(&out);
    let damages: [(&str, &dyn Fn()); 5] = [
        ("texts cut short", &|| {
            std::fs::write(cache.join("texts.bin"), "短").unwrap();
        }),
        // Same length, other text: read back, it does not match the hash it was stored with.
        ("texts garbled", &|| {
            let mut t = std::fs::read(cache.join("texts.bin")).unwrap();
            for b in t.iter_mut().step_by(2) {
                *b = b.wrapping_add(1);
            }
            std::fs::write(cache.join("texts.bin"), t).unwrap();
        }),
        ("index garbled", &|| {
            let mut index = std::fs::read(cache.join("sources.bin")).unwrap();
            index.truncate(index.len() / 2);
            std::fs::write(cache.join("sources.bin"), index).unwrap();
        }),
        ("manifest wrong", &|| {
            let mut m = std::fs::read(cache.join("prev.bin")).unwrap();
            for b in m.iter_mut().skip(7).step_by(13) {
                *b ^= 0x5a;
            }
            std::fs::write(cache.join("prev.bin"), m).unwrap();
        }),
        ("deleted", &|| {
            std::fs::remove_dir_all(&cache).unwrap();
        }),
    ];
    for (what, damage) in damages {
        scenario.step(&root);
        build(&opts(&root, &out)).unwrap();
        damage();
        scenario.step(&root);
        // A text edit: the reply's old text is read from the cache.
        scenario.append_to_first(&root, "另有补充。");
        let report = build(&opts(&root, &out));
        let fresh = dir.path().join("fresh");
        let _ = std::fs::remove_dir_all(&fresh);
        let expected = build(&BuildOptions {
            no_cache: true,
            ..opts(&root, &fresh)
        });
        assert_eq!(report.is_ok(), expected.is_ok(), "{what}");
        let (a, b) = (tree(&out), tree(&fresh));
        assert!(a == b, "{what}: {}", first_difference(&a, &b));
    }
}

#[test]
fn an_unchanged_site_renders_nothing_and_one_edit_renders_its_pages() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let mut scenario = Scenario::new(3, &root);
    let out = dir.path().join("public");
    let first = build(&opts(&root, &out)).unwrap();
    assert_eq!(
        first.stats.rendered,
        first.stats.reply_pages + first.stats.index_pages
    );
    // The second build starts from an empty folder: its pages are linked from the first's
    // output; the third starts from the first's folder, whose manifest it knows.
    let second = build(&opts(&root, &out)).unwrap();
    assert_eq!(second.stats.rendered, 0);
    let third = build(&opts(&root, &out)).unwrap();
    assert_eq!(third.stats.rendered, 0);
    // `--no-cache` renders every page all the same.
    let all = build(&BuildOptions {
        no_cache: true,
        ..opts(&root, &out)
    })
    .unwrap();
    assert_eq!(
        all.stats.rendered,
        all.stats.reply_pages + all.stats.index_pages
    );
    // A body edit: its reply page, and the pages that changed since the starting folder.
    scenario.append_to_first(&root, "补充。");
    let edited = build(&opts(&root, &out)).unwrap();
    assert_eq!(edited.stats.rendered, 1, "{:?}", edited.stats);
}
