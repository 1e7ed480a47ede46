//! The hash tables every engine shares, and the one hash for names.
//!
//! **One hash for one job.** Every engine looks names up: globals, fields,
//! methods, interned strings. If each picked its own hash function, part of
//! the measured gap between two rungs would be the hash and not the
//! strategy. So every name lookup in every engine hashes through
//! [`NameHash`], and which function it is, std's SipHash-1-3 or the Fx hash
//! (rustc's, from the `rustc-hash` crate), is the tuning
//! [`FX_HASH`](crate::tuning::FX_HASH): on in every tuned engine, off in
//! every plain one, so the ablation table shows the step the seeds measured
//! on its own (nederlang's 39.3 s to 32.3 s on fib).
//!
//! **Fixed keys.** std's default `RandomState` draws new SipHash keys in every
//! process, so the same program would probe its tables in a different order
//! from one run to the next. That costs nothing in time, but it moves
//! instruction counts, and `harness ci` compares instruction counts against
//! a baseline: a count must be a property of the code, not of the run. Both
//! hashes here use constant keys. Lox programs are the user's own code, not
//! hostile input, so predictable hashing gives away no protection worth
//! having.

use crate::engine::Options;
use crate::tuning::FX_HASH;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher, Hasher};

/// Builds SipHash-1-3 hashers with the same (zero) keys in every process.
pub type FixedState = BuildHasherDefault<DefaultHasher>;

/// A `HashMap` whose probe sequences are the same in every run, for tables
/// that are not name lookups (a compiler's constant pool, a collector's
/// bookkeeping). Create one with `FixedMap::default()`.
pub type FixedMap<K, V> = HashMap<K, V, FixedState>;

/// A `HashMap` keyed by names, hashed with the session's [`NameHash`].
/// Create one with `NameMap::with_hasher(name_hash)`.
pub type NameMap<K, V> = HashMap<K, V, NameHash>;

/// Which function hashes names in a session: the `fx-hash` tuning's two
/// sides. It is a `BuildHasher`, so it serves std's `HashMap` (as
/// [`NameMap`]) and, through [`NameHash::hash_bytes`], tables an engine
/// builds itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameHash {
    /// std's SipHash-1-3 with fixed keys: what a `HashMap` uses unless told
    /// otherwise.
    Sip,
    /// The Fx hash: a multiply and a rotate per word.
    Fx,
}

impl NameHash {
    /// The hash `options` asks for: Fx unless the `fx-hash` tuning is off.
    pub fn for_options(options: &Options) -> NameHash {
        if options.tuning(&FX_HASH) { NameHash::Fx } else { NameHash::Sip }
    }

    /// Hashes a name's text, for engines that keep a hash beside a string
    /// or probe tables of their own. Equal texts give equal hashes, and the
    /// result is what a [`NameMap`] keyed by `&str` would compute.
    #[inline]
    pub fn hash_bytes(self, text: &str) -> u64 {
        self.hash_one(text)
    }
}

impl BuildHasher for NameHash {
    type Hasher = NameHasher;

    #[inline]
    fn build_hasher(&self) -> NameHasher {
        match self {
            NameHash::Sip => NameHasher::Sip(DefaultHasher::new()),
            NameHash::Fx => NameHasher::Fx(rustc_hash::FxHasher::default()),
        }
    }
}

/// The hasher [`NameHash`] builds. The choice is made once per hash, and a
/// hash that is built, fed and finished in one inlined call lets the
/// compiler see which arm it is in after the first `match`.
#[derive(Clone)]
pub enum NameHasher {
    Sip(DefaultHasher),
    Fx(rustc_hash::FxHasher),
}

impl Hasher for NameHasher {
    #[inline]
    fn finish(&self) -> u64 {
        match self {
            NameHasher::Sip(hasher) => hasher.finish(),
            NameHasher::Fx(hasher) => hasher.finish(),
        }
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        match self {
            NameHasher::Sip(hasher) => hasher.write(bytes),
            NameHasher::Fx(hasher) => hasher.write(bytes),
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        match self {
            NameHasher::Sip(hasher) => hasher.write_u8(i),
            NameHasher::Fx(hasher) => hasher.write_u8(i),
        }
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        match self {
            NameHasher::Sip(hasher) => hasher.write_u32(i),
            NameHasher::Fx(hasher) => hasher.write_u32(i),
        }
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        match self {
            NameHasher::Sip(hasher) => hasher.write_u64(i),
            NameHasher::Fx(hasher) => hasher.write_u64(i),
        }
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        match self {
            NameHasher::Sip(hasher) => hasher.write_usize(i),
            NameHasher::Fx(hasher) => hasher.write_usize(i),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn each_hash_is_the_same_in_every_map_and_process() {
        for hash in [NameHash::Sip, NameHash::Fx] {
            // Fixed keys: two builders agree, so do two runs of the program.
            assert_eq!(hash.hash_bytes("fib"), hash.hash_one("fib"));
            assert_eq!(hash.hash_bytes("fib"), hash.hash_bytes(&String::from("fib")));
            assert_ne!(hash.hash_bytes("fib"), hash.hash_bytes("bif"));
        }
        assert_eq!(NameHash::Sip.hash_bytes("fib"), FixedState::default().hash_one("fib"));
        assert_ne!(NameHash::Sip.hash_bytes("fib"), NameHash::Fx.hash_bytes("fib"));
    }

    #[test]
    fn the_fx_hash_tuning_picks_the_function() {
        assert_eq!(NameHash::for_options(&Options::default()), NameHash::Fx);
        let plain = Options::default().plain(&[FX_HASH]);
        assert_eq!(NameHash::for_options(&plain), NameHash::Sip);
    }

    #[test]
    fn a_name_map_finds_what_it_holds_with_either_hash() {
        for hash in [NameHash::Sip, NameHash::Fx] {
            let mut map: NameMap<&str, i32> = NameMap::with_hasher(hash);
            map.insert("init", 1);
            map.insert("area", 2);
            assert_eq!(map.get("init"), Some(&1));
            assert_eq!(map.get("area"), Some(&2));
            assert_eq!(map.get("perimeter"), None);
        }
    }
}
