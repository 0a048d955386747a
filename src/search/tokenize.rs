//! The tokeniser shared (line for line) with the search page's `search.js`.
//!
//! Chinese has no spaces, and a dictionary segmenter misses the substrings a reader types, so
//! Han text is indexed as overlapping character bigrams (Lucene's CJKAnalyzer does the same):
//! any run of two or more characters the reader types is a run of bigrams the index holds.
//! Other letters and digits form words (`g312`, `2023`, `1421357`); a word that mixes letters
//! and digits also yields its runs of two or more digits or letters, so that `102` finds
//! `G102` and `0158` finds `DH0158` (the whole code, matching more tokens, still ranks first).
//! Before that, full-width forms are folded to ASCII (`Ｇ３１２` → `g312`), ASCII letters
//! lower-cased, and traditional characters folded to simplified ones (`飲用水` → `饮用水`).
//! A Han run of one character yields no token: alone, a character says too little to search
//! for.

use std::sync::LazyLock;

use crate::slug::fold_width;

/// OpenCC's traditional → simplified character table (Apache-2.0; see the file's header).
const TS_CHARACTERS: &str = include_str!("TSCharacters.txt");

/// Traditional → simplified for every character of the Basic Multilingual Plane, the first
/// simplified form OpenCC gives; identity elsewhere. Only pairs within the plane are kept,
/// so that folding keeps a text's length in UTF-16 units (the search page highlights by
/// position).
static FOLD: LazyLock<Box<[u16]>> = LazyLock::new(|| {
    let mut table: Vec<u16> = (0..=0xFFFFu32).map(|c| c as u16).collect();
    for (from, to) in ts_pairs() {
        table[from as usize] = to as u16;
    }
    table.into_boxed_slice()
});

fn ts_pairs() -> impl Iterator<Item = (char, char)> {
    TS_CHARACTERS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (key, values) = l.split_once('\t')?;
            let mut k = key.chars();
            let from = k.next().filter(|_| k.next().is_none())?;
            let to = values.split(' ').next()?.chars().next()?;
            let bmp = |c: char| (c as u32) < 0x10000;
            (from != to && bmp(from) && bmp(to)).then_some((from, to))
        })
}

/// A traditional character as its simplified form (`飲` → `饮`); others unchanged.
pub fn fold_chinese(c: char) -> char {
    match FOLD.get(c as usize) {
        Some(&to) => char::from_u32(u32::from(to)).unwrap_or(c),
        None => c,
    }
}

/// The folding table as the search page reads it: each traditional character followed by its
/// simplified form (`臺台灣湾…`).
pub fn fold_table() -> String {
    let mut out = String::new();
    for (from, _) in ts_pairs() {
        out.push(from);
        out.push(fold_chinese(from));
    }
    out
}

/// Han ideographs (CJK Unified Ideographs and extensions, compatibility ideographs, 〇).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3007 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// Letters and digits that make words (Han excluded; it is handled as bigrams).
fn is_word(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    // Punctuation blocks common in Chinese text, answered without the Unicode tables
    // (none of these is Alphabetic, so the result is the same).
    if matches!(c as u32, 0x2000..=0x206F | 0x3000..=0x3004 | 0x3008..=0x3020 | 0xFE10..=0xFE1F | 0xFE30..=0xFE4F)
    {
        return false;
    }
    c.is_alphabetic() && !is_han(c)
}

/// Folding applied to every character before tokenising.
pub fn normalize(c: char) -> char {
    fold_chinese(fold_width(c)).to_ascii_lowercase()
}

/// Calls `emit` for every token of `text`, in order (with repeats).
pub fn tokens(text: &str, emit: impl FnMut(Token<'_>)) {
    tokens_of(text.chars(), emit)
}

/// Calls `emit` for every token of a text given as characters, in order (with repeats).
pub fn tokens_of(text: impl Iterator<Item = char>, mut emit: impl FnMut(Token<'_>)) {
    let mut word = String::new();
    let mut prev_han: Option<char> = None;
    // The folding table once, not once per character: this loop sees every character of
    // every reply.
    let fold: &[u16] = &FOLD;
    for raw in text {
        let w = fold_width(raw);
        let c = match fold.get(w as usize) {
            Some(&to) if u32::from(to) != w as u32 => char::from_u32(u32::from(to)).unwrap_or(w),
            _ => w.to_ascii_lowercase(),
        };
        if is_han(c) {
            end_word(&mut word, &mut emit);
            if let Some(p) = prev_han {
                emit(Token::Bigram(p, c));
            }
            prev_han = Some(c);
        } else {
            prev_han = None;
            if is_word(c) {
                word.push(c);
            } else {
                end_word(&mut word, &mut emit);
            }
        }
    }
    end_word(&mut word, &mut emit);
}

/// Emits a finished word, and, when it mixes digits with letters (`g102`, `dh0158`), its runs
/// of two or more digits or letters (`102`; `dh`, `0158`).
fn end_word(word: &mut String, emit: &mut impl FnMut(Token<'_>)) {
    if word.is_empty() {
        return;
    }
    emit(Token::Word(word));
    let digit = |c: char| c.is_ascii_digit();
    if word.chars().any(digit) && !word.chars().all(digit) {
        let mut start = 0;
        let chars: Vec<(usize, char)> = word.char_indices().collect();
        for i in 1..=chars.len() {
            let boundary = i == chars.len() || digit(chars[i].1) != digit(chars[i - 1].1);
            if boundary {
                let from = chars[start].0;
                let to = chars.get(i).map_or(word.len(), |&(at, _)| at);
                if i - start >= 2 {
                    emit(Token::Word(&word[from..to]));
                }
                start = i;
            }
        }
    }
    word.clear();
}

/// A token, borrowed while it is emitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'a> {
    Bigram(char, char),
    Word(&'a str),
}

impl Token<'_> {
    pub fn to_string_lossy(self) -> String {
        match self {
            Token::Bigram(a, b) => [a, b].iter().collect(),
            Token::Word(w) => w.to_string(),
        }
    }
}

/// Every token of `text` as strings, in order.
pub fn token_strings(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    tokens(text, |t| out.push(t.to_string_lossy()));
    out
}

/// The shard a token's postings live in: FNV-1a (32-bit) of its UTF-8 bytes, modulo the
/// number of shards. `search.js` computes the same.
pub fn shard_of(token: &str, shards: u32) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in token.as_bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h % shards.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn han_runs_become_bigrams() {
        assert_eq!(token_strings("燃气管网"), vec!["燃气", "气管", "管网"]);
        assert_eq!(token_strings("燃"), Vec::<String>::new());
        assert_eq!(token_strings("燃气，管网"), vec!["燃气", "管网"]);
    }

    #[test]
    fn words_digits_and_width_folding() {
        assert_eq!(
            token_strings("第1421357号建议"),
            vec!["1421357", "号建", "建议"]
        );
        assert_eq!(token_strings("Ｇ３１２国道"), vec!["g312", "312", "国道"]);
        assert_eq!(token_strings("G312"), token_strings("ｇ３１２"));
        assert_eq!(
            token_strings("抚应急函〔2023〕1号"),
            vec!["抚应", "应急", "急函", "2023", "1"]
        );
        assert_eq!(
            token_strings("HTML5 <img onerror=x>"),
            vec!["html5", "html", "img", "onerror", "x"]
        );
        assert_eq!(
            token_strings("二〇二三年"),
            vec!["二〇", "〇二", "二三", "三年"]
        );
    }

    #[test]
    fn traditional_characters_fold_to_simplified() {
        assert_eq!(token_strings("飲用水安全"), token_strings("饮用水安全"));
        assert_eq!(
            token_strings("應急救援隊伍"),
            vec!["应急", "急救", "救援", "援队", "队伍"]
        );
        assert_eq!(fold_chinese('臺'), '台');
        assert_eq!(fold_chinese('饮'), '饮');
        let table = fold_table();
        assert!(table.chars().count() > 5000, "{}", table.chars().count());
        assert_eq!(table.chars().count() % 2, 0);
    }

    #[test]
    fn codes_also_yield_their_digits() {
        assert_eq!(token_strings("G102国道"), vec!["g102", "102", "国道"]);
        assert_eq!(token_strings("DH0158"), vec!["dh0158", "dh", "0158"]);
        assert_eq!(token_strings("G1"), vec!["g1"]);
        assert_eq!(token_strings("2023"), vec!["2023"]);
    }

    /// The cases `search.js` must tokenise the same way (the browser test runs them there).
    #[test]
    fn shared_cases_hold_in_rust() {
        let cases: Vec<(String, Vec<String>)> =
            serde_json::from_str(include_str!("../../tests/fixtures/tokenize_cases.json"))
                .expect("tokenize_cases.json");
        assert!(cases.len() >= 10);
        for (text, want) in cases {
            assert_eq!(token_strings(&text), want, "{text}");
        }
    }

    #[test]
    fn punctuation_only_gives_nothing() {
        assert!(token_strings("，。！？、“”《》（）……——  ").is_empty());
    }

    #[test]
    fn shards_are_stable() {
        // Pinned values (FNV-1a, 32-bit, over UTF-8): search.js computes the same.
        assert_eq!(shard_of("a", 1000), 220);
        assert_eq!(shard_of("燃气", 1024), 934);
        assert_eq!(shard_of("燃气", 1), 0);
        assert_eq!(shard_of("x", 0), 0);
    }
}
