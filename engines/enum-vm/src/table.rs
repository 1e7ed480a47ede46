//! Hash tables keyed by object handles and by string contents.
//!
//! Field names, method names and interned strings are looked up on every
//! property access, so the hash matters. std's default, SipHash, resists
//! collision attacks that an interpreter of trusted benchmarks does not face,
//! at several times the cost; these tables use the Fx hash instead (the one
//! rustc uses: rotate, xor in a word, multiply by a large odd constant),
//! which for a 32-bit handle is one multiplication.

use crate::value::ObjRef;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

/// A table from an interned name (a string's handle) to a value.
pub type Table<V> = HashMap<ObjRef, V, BuildHasherDefault<FxHasher>>;

/// The intern table: string contents to the one string object holding them.
pub type StringTable = HashMap<Rc<str>, ObjRef, BuildHasherDefault<FxHasher>>;

/// The Fx hash: fast, not collision-resistant.
#[derive(Clone, Copy, Default)]
pub struct FxHasher {
    hash: u64,
}

/// An odd constant close to 2^64 divided by the golden ratio, so that the
/// multiplication spreads every input bit into the high bits.
const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add_word(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        // The length goes in first, so that the zero padding of the last
        // word cannot make "a" and "a\0" collide.
        self.add_word(bytes.len() as u64);
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add_word(u64::from_le_bytes(chunk.try_into().expect("chunks_exact yields 8-byte chunks")));
        }
        let mut tail = [0u8; 8];
        let rest = chunks.remainder();
        tail[..rest.len()].copy_from_slice(rest);
        self.add_word(u64::from_le_bytes(tail));
    }

    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.add_word(u64::from(n));
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.add_word(u64::from(n));
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add_word(n);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add_word(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn equal_strings_hash_equally_and_different_ones_differ() {
        let build = BuildHasherDefault::<FxHasher>::default();
        assert_eq!(build.hash_one("field"), build.hash_one(String::from("field")));
        assert_ne!(build.hash_one("ab"), build.hash_one("ba"));
        assert_ne!(build.hash_one("a"), build.hash_one("a\0"));
    }
}
