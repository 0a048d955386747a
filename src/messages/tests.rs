use super::*;

fn messages_in_code() -> Vec<Msg> {
    // Every message macro call in the source (and `.text(id)`), with its argument names: the catalogue
    // must word each one, in both languages, with exactly the arguments the code passes.
    let mut out = Vec::new();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for (i, _) in text.match_indices(".text(\"") {
            let rest = &text[i + 7..];
            if let Some(end) = rest.find('"') {
                let id: &'static str = Box::leak(rest[..end].to_string().into_boxed_str());
                out.push(Msg::new(id, Vec::new()));
            }
        }
        let mut rest = text.as_str();
        while let Some(i) = rest.find("msg!(") {
            rest = &rest[i + 5..];
            let parts = top_level_parts(rest);
            let Some(id) = parts
                .first()
                .and_then(|p| p.trim().strip_prefix('"')?.strip_suffix('"'))
            else {
                continue; // the macro's own definition
            };
            let id: &'static str = Box::leak(id.to_string().into_boxed_str());
            let args = parts[1..]
                .iter()
                .filter_map(|p| p.split_once('=').map(|(k, _)| k.trim()))
                .filter(|k| !k.is_empty())
                .map(|k| -> (&'static str, Arg) {
                    (
                        Box::leak(k.to_string().into_boxed_str()),
                        Arg::Text("x".into()),
                    )
                })
                .collect();
            out.push(Msg::new(id, args));
        }
    }
    out
}

/// The comma-separated parts of a macro call's arguments, up to its closing parenthesis.
fn top_level_parts(s: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut depth = 0usize;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                parts.last_mut().unwrap().push(c);
                while let Some(d) = chars.next() {
                    parts.last_mut().unwrap().push(d);
                    if d == '\\' {
                        if let Some(e) = chars.next() {
                            parts.last_mut().unwrap().push(e);
                        }
                    } else if d == '"' {
                        break;
                    }
                }
                continue;
            }
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => break,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(String::new());
                continue;
            }
            _ => {}
        }
        parts.last_mut().unwrap().push(c);
    }
    parts
}

#[test]
fn catalogues_parse() {
    for (name, text) in [("zh-CN.ftl", ZH_CN), ("en.ftl", EN)] {
        if let Err((_, errors)) = fluent_syntax::parser::parse(text) {
            panic!("{name}: {errors:?}");
        }
    }
}

#[test]
fn every_message_exists_in_both_languages() {
    let zh: std::collections::BTreeSet<String> = ids(ZH_CN).into_iter().collect();
    let en: std::collections::BTreeSet<String> = ids(EN).into_iter().collect();
    let only_zh: Vec<_> = zh.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&zh).collect();
    assert!(only_zh.is_empty(), "only in zh-CN.ftl: {only_zh:?}");
    assert!(only_en.is_empty(), "only in en.ftl: {only_en:?}");
    assert!(zh.len() > 100, "{}", zh.len());
}

#[test]
fn every_message_the_code_uses_is_worded_in_both_languages() {
    let used = messages_in_code();
    assert!(used.len() > 100, "the scan found {} messages", used.len());
    let mut problems = Vec::new();
    for lang in [Lang::Zh, Lang::En] {
        let cat = Catalogue::new(lang);
        for m in &used {
            match cat.check(m) {
                Ok(text) if text.trim().is_empty() => {
                    problems.push(format!("{lang:?} {}: empty", m.id))
                }
                Ok(_) => {}
                Err(e) => problems.push(e),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_message_in_the_catalogue_is_used() {
    let used: std::collections::BTreeSet<&str> = messages_in_code().iter().map(|m| m.id).collect();
    let unused: Vec<String> = ids(ZH_CN)
        .into_iter()
        .filter(|id| !used.contains(id.as_str()))
        .collect();
    assert!(
        unused.is_empty(),
        "in the catalogue but not in the code: {unused:?}"
    );
}

#[test]
fn chinese_wording_is_chinese() {
    // A message left in English in the Chinese catalogue is a translation not done.
    let cat = Catalogue::new(Lang::Zh);
    let mut english = Vec::new();
    for m in messages_in_code() {
        let text = cat.get(&m);
        if !text.chars().any(crate::search::tokenize::is_han)
            && !text.chars().all(|c| !c.is_alphabetic() || c == 'x')
        {
            english.push(format!("{}: {text}", m.id));
        }
    }
    english.sort();
    english.dedup();
    assert!(english.is_empty(), "{}", english.join("\n"));
}

#[test]
fn numbers_choose_english_plurals_and_messages_nest() {
    let en = Catalogue::new(Lang::En);
    let zh = Catalogue::new(Lang::Zh);
    let one = crate::msg!("summary-problems", problems = 1usize, files = 1usize);
    let two = crate::msg!("summary-problems", problems = 2usize, files = 3usize);
    assert_eq!(en.get(&one), "1 problem in 1 file; nothing was published");
    assert_eq!(en.get(&two), "2 problems in 3 files; nothing was published");
    assert!(zh.get(&two).contains("2"), "{}", zh.get(&two));
    let inner = crate::msg!("fm-empty-value", field = "title");
    let outer = crate::msg!("draft-incomplete", problem = inner);
    assert!(
        en.get(&outer).contains("`title` is empty"),
        "{}",
        en.get(&outer)
    );
}

#[test]
fn language_from_tags() {
    assert_eq!(Lang::from_tag("zh-CN"), Lang::Zh);
    assert_eq!(Lang::from_tag("zh-Hant-HK"), Lang::Zh);
    assert_eq!(Lang::from_tag("en"), Lang::En);
    assert_eq!(Lang::from_tag("bo"), Lang::En);
    assert_eq!(
        Lang::choose(Some("en"), std::path::Path::new("/nonexistent")),
        Lang::En
    );
}

#[test]
fn a_missing_id_shows_the_id_not_a_panic() {
    let cat = Catalogue::new(Lang::Zh);
    let m = Msg::new("no-such-message", vec![("a", Arg::from("b"))]);
    assert_eq!(cat.get(&m), "no-such-message a=b");
}
