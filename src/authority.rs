//! Authority lists (规范名录): the departments, sessions and representatives a site says
//! exist. With a list, a name outside it is a typing mistake, reported with the listed name it
//! most likely means; a department's former name (机构改革) is read as its current name.
//! Without a list, `dafu check` warns about names one character apart.

use crate::config::SiteConfig;
use crate::messages::Msg;
use crate::msg;

/// The current name for a department name as written: itself, or the department whose
/// former names include it. `None` when no list is given or the name is not on it.
pub fn department<'a>(config: &'a SiteConfig, name: &str) -> Option<&'a str> {
    config
        .authority
        .departments
        .iter()
        .find(|d| d.name == name || d.former.iter().any(|f| f == name))
        .map(|d| d.name.as_str())
}

/// A problem (message, help) when the site lists its departments and `name` is not one.
pub fn check_department(config: &SiteConfig, name: &str) -> Option<(Msg, Msg)> {
    let list = &config.authority.departments;
    if list.is_empty() || department(config, name).is_some() {
        return None;
    }
    let names = list.iter().map(|d| d.name.as_str());
    Some(unknown("department", name, names))
}

/// A problem when the site lists its sessions and `name` is not one.
pub fn check_session(config: &SiteConfig, name: &str) -> Option<(Msg, Msg)> {
    let list = &config.authority.sessions;
    if list.is_empty() || list.iter().any(|s| s == name) {
        return None;
    }
    Some(unknown("session", name, list.iter().map(String::as_str)))
}

/// A problem when the site lists its representatives and `name` is not one.
pub fn check_representative(config: &SiteConfig, name: &str) -> Option<(Msg, Msg)> {
    let list = &config.authority.representatives;
    if list.is_empty() || list.iter().any(|s| s == name) {
        return None;
    }
    Some(unknown(
        "representative",
        name,
        list.iter().map(String::as_str),
    ))
}

fn unknown<'a>(
    field: &'static str,
    name: &str,
    listed: impl Iterator<Item = &'a str> + Clone,
) -> (Msg, Msg) {
    let meaning = crate::reply::field_meaning(field);
    let message = msg!(
        "authority-unknown",
        field = field,
        meaning = meaning,
        value = name
    );
    let help = match suggest(name, listed.clone()) {
        Some(s) => msg!("authority-did-you-mean", suggestion = s),
        None => {
            let all: Vec<&str> = listed.take(8).collect();
            msg!("authority-listed", field = field, names = all.join("、"))
        }
    };
    (message, help)
}

/// Edit distance in characters (a Chinese character is one edit, not three bytes).
pub fn distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

/// How far a mistyped name may be from the one meant: one character in a short name, more
/// in a long one (抚顺市应急管理厅 → 抚顺市应急管理局 is one).
fn tolerance(name: &str) -> usize {
    (name.chars().count() / 4).clamp(1, 3)
}

/// The listed name `name` most likely means, when one is close enough.
pub fn suggest<'a>(name: &str, listed: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    listed
        .map(|l| (distance(name, l), l))
        .filter(|(d, _)| *d <= tolerance(name))
        .min()
        .map(|(_, l)| l)
}

/// Pairs of names one character apart (same length, at least four characters), for
/// `dafu check` when the site gives no list: 抚顺市应急管理局 / 抚顺市应急管理厅.
pub fn near_duplicates<'a>(names: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    let mut out = Vec::new();
    for (i, a) in names.iter().enumerate() {
        for b in &names[i + 1..] {
            let n = a.chars().count();
            if n >= 4 && n == b.chars().count() && distance(a, b) == 1 && !numbered(a, b) {
                out.push((*a, *b));
            }
        }
    }
    out
}

/// Whether two names of one length differ only in a numeral (十四届一次会议 / 二次会议,
/// 第一中学 / 第二中学): a series, not a typo.
fn numbered(a: &str, b: &str) -> bool {
    const NUMERALS: &str = "〇零一二三四五六七八九十百0123456789";
    a.chars()
        .zip(b.chars())
        .filter(|(x, y)| x != y)
        .all(|(x, y)| NUMERALS.contains(x) && NUMERALS.contains(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_wrong_character_is_found_in_chinese() {
        let listed = ["抚顺市应急管理局", "抚顺市教育局", "抚顺市财政局"];
        assert_eq!(
            suggest("抚顺市应急管理厅", listed.iter().copied()),
            Some("抚顺市应急管理局")
        );
        assert_eq!(suggest("沈阳市公安局", listed.iter().copied()), None);
        assert_eq!(distance("应急管理厅", "应急管理局"), 1);
    }

    #[test]
    fn near_duplicates_are_one_character_apart() {
        let names = [
            "抚顺市应急管理局",
            "抚顺市应急管理厅",
            "抚顺市教育局",
            "市教育局",
        ];
        assert_eq!(
            near_duplicates(&names),
            vec![("抚顺市应急管理局", "抚顺市应急管理厅")]
        );
    }
}
