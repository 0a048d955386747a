//! The tokeniser shared (line for line) with the search page's `search.js`.
//!
//! Chinese has no spaces, and a dictionary segmenter misses the substrings a reader types, so
//! Han text is indexed as overlapping character bigrams (Lucene's CJKAnalyzer does the same):
//! any run of two or more characters the reader types is a run of bigrams the index holds.
//! Other letters and digits form words (`g312`, `2023`, `1421357`). Before that, full-width
//! forms are folded to ASCII (`Ｇ３１２` → `g312`) and ASCII letters lower-cased. A Han run
//! of one character yields no token: alone, a character says too little to search for.

use crate::slug::fold_width;

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
    fold_width(c).to_ascii_lowercase()
}

/// Calls `emit` for every token of `text`, in order (with repeats).
pub fn tokens(text: &str, mut emit: impl FnMut(Token<'_>)) {
    let mut word = String::new();
    let mut prev_han: Option<char> = None;
    for raw in text.chars() {
        let c = normalize(raw);
        if is_han(c) {
            if !word.is_empty() {
                emit(Token::Word(&word));
                word.clear();
            }
            if let Some(p) = prev_han {
                emit(Token::Bigram(p, c));
            }
            prev_han = Some(c);
        } else {
            prev_han = None;
            if is_word(c) {
                word.push(c);
            } else if !word.is_empty() {
                emit(Token::Word(&word));
                word.clear();
            }
        }
    }
    if !word.is_empty() {
        emit(Token::Word(&word));
    }
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
        assert_eq!(token_strings("Ｇ３１２国道"), vec!["g312", "国道"]);
        assert_eq!(token_strings("G312"), token_strings("ｇ３１２"));
        assert_eq!(
            token_strings("抚应急函〔2023〕1号"),
            vec!["抚应", "应急", "急函", "2023", "1"]
        );
        assert_eq!(
            token_strings("HTML5 <img onerror=x>"),
            vec!["html5", "img", "onerror", "x"]
        );
        assert_eq!(
            token_strings("二〇二三年"),
            vec!["二〇", "〇二", "二三", "三年"]
        );
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
