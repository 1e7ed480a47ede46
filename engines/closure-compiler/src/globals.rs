//! Global variables, each given a slot when it is compiled.
//!
//! Lox globals are late-bound: a function may mention a global that is
//! declared after it, or never. But the *name* of every global a program
//! mentions is known when it is compiled, so the compiler gives each name a
//! slot in this table once, and the closure that reads the global captures
//! the slot. Running a program never hashes a name; an undefined global is
//! an empty slot. The table belongs to the session, so slots stay valid
//! from one prepared program to the next (the prompt relies on it).
//!
//! Slot-walker keeps its globals by name and finds each one when it runs
//! (through a small cache keyed by the name's address); resolving the names
//! ahead of time instead is the closure compiler's strategy, not a change of
//! representation: the values are the same. `Specialisations::global_slots`
//! turns it off (every access then hashes the name to find its slot, with
//! the key and hash slot-walker used before its cache) to measure what it is
//! worth.

use crate::value::Value;
use frontend::ast::Name;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

/// A global's slot in [`Globals`].
pub type GlobalSlot = u32;

#[derive(Default)]
pub struct Globals {
    /// Each slot's value, or `None` while the global is undefined.
    values: Vec<Option<Value>>,
    slots: HashMap<GlobalName, GlobalSlot, BuildHasherDefault<NameHasher>>,
}

impl Globals {
    /// The slot of the global `name`, given one if it has none yet.
    pub fn slot_of(&mut self, name: &Name) -> GlobalSlot {
        let name = GlobalName(name.clone());
        if let Some(&slot) = self.slots.get(&name) {
            return slot;
        }
        let slot = self.values.len() as GlobalSlot;
        self.values.push(None);
        self.slots.insert(name, slot);
        slot
    }

    /// The slot of a name that was compiled, found by hashing the name: what
    /// every access costs when `global_slots` is off.
    pub fn find(&self, name: &Name) -> GlobalSlot {
        self.slots[&GlobalName(name.clone())]
    }

    #[inline]
    pub fn get(&self, slot: GlobalSlot) -> Option<&Value> {
        self.values[slot as usize].as_ref()
    }

    /// `var name = value;` at the top level: defines or redefines.
    #[inline]
    pub fn define(&mut self, slot: GlobalSlot, value: Value) {
        self.values[slot as usize] = Some(value);
    }

    /// Assigns an existing global; false when it is undefined.
    #[inline]
    pub fn assign(&mut self, slot: GlobalSlot, value: Value) -> bool {
        match &mut self.values[slot as usize] {
            Some(global) => {
                *global = value;
                true
            }
            None => false,
        }
    }
}

// The key and hash below are slot-walker's (from its `env.rs`, before it put
// a cache of addresses in front), so that turning `global_slots` off costs
// what a hashed lookup costs.

/// A global's name as a map key. The parser interns names, so within one
/// program every mention of a global shares one `Rc<str>`: comparing the
/// pointers settles almost every lookup without reading the text (measured:
/// it saves a `memcmp` call per lookup). Names from different programs of
/// one session, at the prompt, compare by text.
#[derive(Clone)]
pub struct GlobalName(pub Name);

impl PartialEq for GlobalName {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl Eq for GlobalName {}

impl std::hash::Hash for GlobalName {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

/// A fast, non-cryptographic hash for short names, in the style of rustc's
/// FxHash: each 8-byte word is mixed in with a rotate, an xor and a multiply.
/// std's default SipHash resists hash flooding, which a program's own
/// variable names cannot attempt, and costs several times as much.
#[derive(Clone, Copy, Default)]
pub struct NameHasher {
    hash: u64,
}

impl NameHasher {
    const SEED: u64 = 0xf135_7aea_2e62_a9c5;

    #[inline(always)]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }
}

impl Hasher for NameHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("chunks_exact gives 8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let word = rest.iter().rev().fold(0, |word, &byte| word << 8 | u64::from(byte));
            self.add(word);
        }
    }

    #[inline]
    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    #[inline]
    fn write_usize(&mut self, word: usize) {
        self.add(word as u64);
    }

    /// The multiply leaves its best bits at the top; hashbrown indexes its
    /// buckets with the low bits, so rotate them down.
    #[inline]
    fn finish(&self) -> u64 {
        self.hash.rotate_left(26)
    }
}
