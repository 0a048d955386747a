//! The two hashes dafu uses, each with one job.
//!
//! - [`fnv1a`] is part of what dafu publishes (generated 索引号, search shard numbers): it
//!   must never change between versions, so it is spelt out here.
//! - [`hash_of`] fingerprints what a page or a file is made from, to tell whether it must be
//!   made again. It may change between versions: the build cache records dafu's version and
//!   is ignored when it differs.

use std::hash::{Hash, Hasher};

/// FNV-1a, 64-bit.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A fingerprint of `value`: equal inputs, equal fingerprints, within one version of dafu.
pub fn hash_of(value: &(impl Hash + ?Sized)) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    value.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_is_the_published_function() {
        // Published 索引号 depend on these values: they may never change.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn fingerprints_tell_values_apart() {
        assert_eq!(hash_of(&("a", 1)), hash_of(&("a", 1)));
        assert_ne!(hash_of(&("a", 1)), hash_of(&("a", 2)));
    }
}
