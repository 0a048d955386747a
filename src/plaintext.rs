//! A reply's plain text (its body without markup), as the feeds, the search index and the
//! search page's cards use it.
//!
//! Held as UTF-16: two bytes per Chinese character instead of UTF-8's three, so the texts of
//! a site — kept from the pages' rendering until the search index is made, and between
//! builds in the build cache — take about a third less memory (at 100,000 replies, some
//! 180 MB). The search page's cards are UTF-16 too, so writing one is a copy.

use std::sync::Arc;

#[derive(Clone, Default, PartialEq, Eq)]
pub struct PlainText {
    units: Arc<[u16]>,
    /// Its length in UTF-8 bytes (the search index sizes its shards by it).
    utf8_len: usize,
}

impl PlainText {
    pub fn new(text: &str) -> PlainText {
        PlainText {
            units: text.encode_utf16().collect(),
            utf8_len: text.len(),
        }
    }

    /// From UTF-16 code units; `None` when they are not valid UTF-16 (a damaged cache).
    pub fn from_units(units: Vec<u16>) -> Option<PlainText> {
        let mut utf8_len = 0;
        for c in char::decode_utf16(units.iter().copied()) {
            utf8_len += c.ok()?.len_utf8();
        }
        Some(PlainText {
            units: units.into(),
            utf8_len,
        })
    }

    pub fn chars(&self) -> impl Iterator<Item = char> + '_ {
        char::decode_utf16(self.units.iter().copied())
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
    }

    pub fn units(&self) -> &[u16] {
        &self.units
    }

    /// Appends its UTF-16LE bytes to `out` (as the build cache and the search cards store it).
    pub fn write_utf16le(&self, out: &mut Vec<u8>) {
        out.reserve(self.units.len() * 2);
        for unit in self.units.iter() {
            out.extend_from_slice(&unit.to_le_bytes());
        }
    }

    /// From UTF-16LE bytes; `None` when they are not whole, valid UTF-16.
    pub fn from_utf16le(bytes: &[u8]) -> Option<PlainText> {
        if !bytes.len().is_multiple_of(2) {
            return None;
        }
        let units = bytes
            .chunks_exact(2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect();
        PlainText::from_units(units)
    }

    pub fn utf8_len(&self) -> usize {
        self.utf8_len
    }

    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }
}

impl std::fmt::Display for PlainText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write;
        self.chars().try_for_each(|c| f.write_char(c))
    }
}

impl std::fmt::Debug for PlainText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.to_string())
    }
}

impl From<&str> for PlainText {
    fn from(text: &str) -> PlainText {
        PlainText::new(text)
    }
}

/// The plain texts of a site's replies, by entry: all held, or each made or read when asked
/// for (`dafu build` reads from its cache only the texts a patch needs).
#[derive(Clone, Copy)]
pub enum Texts<'a> {
    Held(&'a [PlainText]),
    Lazy {
        get: &'a (dyn Fn(usize) -> PlainText + Sync),
        /// Their total length in UTF-8 bytes.
        utf8_len: usize,
    },
}

impl Texts<'_> {
    /// Entry `i`'s text (empty past the end).
    pub fn get(&self, i: usize) -> PlainText {
        match self {
            Texts::Held(t) => t.get(i).cloned().unwrap_or_default(),
            Texts::Lazy { get, .. } => get(i),
        }
    }

    /// The total length of the texts in UTF-8 bytes.
    pub fn utf8_len(&self) -> usize {
        match self {
            Texts::Held(t) => t.iter().map(PlainText::utf8_len).sum(),
            Texts::Lazy { utf8_len, .. } => *utf8_len,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_knows_its_utf8_length() {
        for s in ["", "燃气管网改造", "G102国道 (a) 𠀀 〇", "\u{1e}\n"] {
            let t = PlainText::new(s);
            assert_eq!(t.to_string(), s);
            assert_eq!(t.utf8_len(), s.len());
            assert_eq!(t.chars().collect::<String>(), s);
            let again = PlainText::from_units(t.units().to_vec()).unwrap();
            assert_eq!(again, t);
            let mut le = Vec::new();
            t.write_utf16le(&mut le);
            assert_eq!(PlainText::from_utf16le(&le), Some(t.clone()));
        }
        // Two thirds of the bytes for Chinese.
        assert_eq!(PlainText::new("答复").units().len() * 2, 4);
        // A lone surrogate is refused.
        assert!(PlainText::from_units(vec![0xD800]).is_none());
    }
}
