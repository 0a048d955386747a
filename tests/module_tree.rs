//! The design as the module tree shows it: no two top-level modules import each other (tests
//! aside), and the pipeline knows nothing of who drives it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module of `src/` → the top-level modules its non-test code names as
/// `crate::<module>` or `super::…` from a submodule (not followed: it stays inside).
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in walk(&src) {
        let rel = entry.strip_prefix(&src).unwrap();
        let module = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if ["lib", "main", "testing"].contains(&module.as_str())
            || rel.file_name().is_some_and(|n| n == "tests.rs")
        {
            continue;
        }
        let text = std::fs::read_to_string(&entry).unwrap();
        // Test modules sit at the end of their files (checked below).
        let code = match text.find("\n#[cfg(test)]") {
            Some(at) => &text[..at],
            None => &text[..],
        };
        let names = out.entry(module.clone()).or_default();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (i, _) in line.match_indices("crate::") {
                let name: String = line[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module && name != "msg" {
                    names.insert(name);
                }
            }
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            files.push(p);
        }
    }
    files
}

#[test]
fn no_two_modules_import_each_other() {
    let graph = imports();
    assert!(graph.len() > 20, "modules found: {:?}", graph.keys());
    let mut both = Vec::new();
    for (a, names) in &graph {
        for b in names {
            if a < b && graph.get(b).is_some_and(|n| n.contains(a)) {
                both.push(format!("{a} <-> {b}"));
            }
        }
    }
    assert!(both.is_empty(), "modules that import each other: {both:?}");
}

#[test]
fn the_pipeline_does_not_know_who_drives_it() {
    let graph = imports();
    for driver in ["build", "check", "serve", "cli"] {
        for (module, names) in &graph {
            if module != driver && names.contains(driver) {
                assert!(
                    ["cli", "main"].contains(&module.as_str()),
                    "{module} imports {driver}"
                );
            }
        }
    }
}

#[test]
fn test_modules_come_last_in_their_files() {
    // What `imports` relies on: nothing but tests after a file's `#[cfg(test)]`.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for file in walk(&src) {
        let text = std::fs::read_to_string(&file).unwrap();
        if file.ends_with("lib.rs") {
            continue;
        }
        if let Some(at) = text.find("\n#[cfg(test)]") {
            let rest = &text[at..];
            let items = rest
                .lines()
                .filter(|l| {
                    l.starts_with("fn ")
                        || l.starts_with("pub fn ")
                        || l.starts_with("impl")
                        || l.starts_with("pub struct")
                })
                .count();
            assert_eq!(items, 0, "{}: items after #[cfg(test)]", file.display());
        }
    }
}
