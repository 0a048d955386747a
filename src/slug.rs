//! Stable ASCII slugs for Chinese names and file names.
//!
//! Pinyin (without tones) is readable, but a reading can be wrong for polyphonic characters
//! (重庆 is chongqing, not zhongqing), so every name can be given a slug in `site.toml`'s
//! `[slugs]`. Personal names are very often homophones (王伟 / 汪伟), so a representative's slug
//! always carries a short hash of the name itself: unique, and independent of other files.

use pinyin::ToPinyin;

/// Lowercase ASCII letters, digits and single inner hyphens.
pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// Pinyin words and ASCII runs joined by `-`: 抚顺市应急管理局 → fu-shun-shi-ying-ji-guan-li-ju.
pub fn pinyin_slug(text: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut ascii_run = String::new();
    for ch in text.chars().map(fold_width) {
        if ch.is_ascii_alphanumeric() {
            ascii_run.push(ch.to_ascii_lowercase());
            continue;
        }
        if !ascii_run.is_empty() {
            words.push(std::mem::take(&mut ascii_run));
        }
        if let Some(p) = ch.to_pinyin() {
            // ü (吕 lü, 旅 lü) is written v, as Chinese input methods and most portals do:
            // URLs stay ASCII.
            words.push(p.plain().replace('ü', "v"));
        }
    }
    if !ascii_run.is_empty() {
        words.push(ascii_run);
    }
    words.join("-")
}

/// Full-width ASCII (Ｇ３１２) to half-width; everything else unchanged.
pub fn fold_width(ch: char) -> char {
    match ch {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(ch as u32 - 0xFEE0).unwrap_or(ch),
        '\u{3000}' => ' ',
        _ => ch,
    }
}

/// A short, stable hash of a name (FNV-1a, 64-bit), as hex digits.
pub fn short_hash(text: &str, digits: usize) -> String {
    let h = crate::hashing::fnv1a(text.as_bytes());
    let full = format!("{h:016x}");
    full[..digits.min(16)].to_string()
}

/// The slug of a name: the `[slugs]` override if any, else its pinyin (or a hash when the
/// name has no letters at all), with a hash suffix when `with_hash` (personal names).
pub fn name_slug(
    name: &str,
    overrides: &std::collections::BTreeMap<String, String>,
    with_hash: bool,
) -> String {
    if let Some(s) = overrides.get(name) {
        return s.clone();
    }
    let base = pinyin_slug(name);
    match (base.is_empty(), with_hash) {
        (true, _) => format!("x-{}", short_hash(name, 8)),
        (false, true) => format!("{base}-{}", short_hash(name, 4)),
        (false, false) => base,
    }
}

/// A path segment of a content file name: kept when already a slug, else pinyin.
pub fn path_segment_slug(segment: &str) -> String {
    let lower = segment.to_ascii_lowercase();
    if is_valid_slug(&lower) {
        return lower;
    }
    let s = pinyin_slug(segment);
    if s.is_empty() {
        format!("x-{}", short_hash(segment, 8))
    } else {
        s
    }
}

/// The longest path segment (folder or file name) most file systems accept, in bytes.
pub const MAX_SEGMENT_BYTES: usize = 255;
/// The longest site-relative URL dafu makes, in bytes (old browsers and proxies cut at 2,048).
pub const MAX_URL_BYTES: usize = 1_500;

/// Why a site-relative URL (`replies/2023/x/`) cannot be written as folders, if it cannot.
pub fn url_problem(url: &str) -> Option<crate::messages::Msg> {
    if url.len() > MAX_URL_BYTES {
        return Some(crate::msg!(
            "url-too-long",
            bytes = url.len(),
            max = MAX_URL_BYTES
        ));
    }
    url.split('/')
        .find(|seg| seg.len() > MAX_SEGMENT_BYTES)
        .map(|seg| {
            let start: String = seg.chars().take(20).collect();
            crate::msg!(
                "url-part-too-long",
                bytes = seg.len(),
                start = start,
                max = MAX_SEGMENT_BYTES
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn han_names_become_pinyin() {
        assert_eq!(
            pinyin_slug("抚顺市应急管理局"),
            "fu-shun-shi-ying-ji-guan-li-ju"
        );
        assert_eq!(
            pinyin_slug("市政协十四届一次会议"),
            "shi-zheng-xie-shi-si-jie-yi-ci-hui-yi"
        );
    }

    #[test]
    fn ascii_and_full_width_runs_are_kept_as_words() {
        assert_eq!(pinyin_slug("G312国道"), "g312-guo-dao");
        assert_eq!(pinyin_slug("Ｇ３１２国道"), "g312-guo-dao");
        assert_eq!(pinyin_slug("第146号 提案"), "di-146-hao-ti-an");
    }

    #[test]
    fn overrides_win_and_people_get_a_hash() {
        let mut o = BTreeMap::new();
        o.insert("重庆市交通局".to_string(), "chongqing-jtj".to_string());
        assert_eq!(name_slug("重庆市交通局", &o, false), "chongqing-jtj");
        let a = name_slug("王伟", &o, true);
        let b = name_slug("汪伟", &o, true);
        assert!(a.starts_with("wang-wei-") && b.starts_with("wang-wei-"));
        assert_ne!(a, b);
        assert_eq!(a, name_slug("王伟", &o, true), "stable");
        assert!(is_valid_slug(&a));
    }

    #[test]
    fn slugs_are_ascii_with_v_for_u_umlaut() {
        assert_eq!(pinyin_slug("吕平利"), "lv-ping-li");
        assert_eq!(pinyin_slug("旅游"), "lv-you");
        assert_eq!(pinyin_slug("绿色女性"), "lv-se-nv-xing");
        for name in ["吕平利", "旅游局", "略", "虐待", "女"] {
            assert!(name_slug(name, &BTreeMap::new(), true).is_ascii(), "{name}");
        }
    }

    #[test]
    fn overlong_addresses_are_found() {
        assert_eq!(url_problem("replies/2023/a/"), None);
        assert!(url_problem(&format!("replies/{}/", "a".repeat(256))).is_some());
        assert!(url_problem(&format!("replies/{}/", "a/".repeat(800))).is_some());
    }

    #[test]
    fn slug_validity() {
        assert!(is_valid_slug("proposal-146"));
        assert!(!is_valid_slug("Proposal"));
        assert!(!is_valid_slug("a--b"));
        assert!(!is_valid_slug("-a"));
        assert!(!is_valid_slug(""));
        assert_eq!(path_segment_slug("Proposal-146"), "proposal-146");
        assert_eq!(
            path_segment_slug("第146号提案答复"),
            "di-146-hao-ti-an-da-fu"
        );
        assert!(path_segment_slug("《》").starts_with("x-"));
    }
}
