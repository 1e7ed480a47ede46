//! The table of global variables an engine keeps at run time, found by name.
//!
//! Globals are the one kind of variable the resolver cannot place: a
//! function may name a global that a later statement defines, and `var` may
//! redefine one, so they are late-bound and found by name when they run.
//! An engine that has nowhere to record a global's place ahead of time (a
//! tree-walker runs the shared tree, which has no field for it) keeps them
//! in this table. It is generic over the engine's value, so two engines
//! that use it differ in their values and not in how they find a global.
//!
//! Every distinct name gets an index into a vector of values the first
//! time it is looked up (a global that is named but not yet defined holds
//! `None` there). How a name finds its index is the tuning
//! [`GLOBAL_SLOTS`]:
//!
//! * **On**, the name's index is found by the address of its text. The
//!   parser interns names, so every mention of a global in one program
//!   shares one `Rc<str>`, and its address is a one-word key. In front of
//!   the map from addresses, a 64-entry direct-mapped cache of (address,
//!   index) pairs makes the usual lookup one load and one compare. The map
//!   keeps a clone of each `Rc` it has seen, so an address can never be
//!   freed and reused by another name while it is a key or in the cache.
//!   The text is hashed once per name per program, not once per access.
//! * **Off**, every access hashes the name's text and probes the table of
//!   names, which is what a global costs when it has no slot.
//!
//! Both sides hash with the session's [`NameHash`], so the `fx-hash` tuning
//! applies to them as to every other name lookup. The switch is read only
//! on a cache miss: with the tuning off the cache is never filled, so the
//! tuned path pays nothing for being switchable and the plain one pays one
//! failed probe per access.

use crate::ast::Name;
use crate::engine::Options;
use crate::hash::{NameHash, NameMap};
use crate::tuning::GLOBAL_SLOTS;
use std::rc::Rc;

/// The globals of a session, each a `V` by name.
pub struct Globals<V> {
    /// Every global's value by index; `None` until it is first defined.
    values: Vec<Option<V>>,
    by_name: NameMap<Name, usize>,
    /// Name address to index; the `Name` is held only to keep the address
    /// taken. Used only with `global-slots` on.
    by_address: NameMap<usize, (usize, Name)>,
    /// A direct-mapped cache in front of `by_address`: (address, index) at
    /// a few bits of the address. A program's hot globals (its functions)
    /// are few, so nearly every lookup is one compare here. Empty, and so
    /// never hit, with `global-slots` off.
    recent: [(usize, usize); RECENT],
    /// Whether the `global-slots` tuning is on.
    slots: bool,
}

const RECENT: usize = 64;

impl<V> Globals<V> {
    /// An empty table, hashing and caching as `options` ask.
    pub fn new(options: &Options) -> Globals<V> {
        let hash = NameHash::for_options(options);
        Globals {
            values: Vec::new(),
            by_name: NameMap::with_hasher(hash),
            by_address: NameMap::with_hasher(hash),
            recent: [(0, 0); RECENT],
            slots: options.tuning(&GLOBAL_SLOTS),
        }
    }

    /// Defines (or redefines) the global `name`.
    pub fn define(&mut self, name: &Name, value: V) {
        let index = self.index(name);
        self.values[index] = Some(value);
    }

    /// The global's value, or `None` if it is not defined.
    #[inline]
    pub fn get(&mut self, name: &Name) -> Option<&V> {
        let index = self.index(name);
        self.values[index].as_ref()
    }

    /// The global's variable, or `None` if it is not defined.
    #[inline]
    pub fn get_mut(&mut self, name: &Name) -> Option<&mut V> {
        let index = self.index(name);
        self.values[index].as_mut()
    }

    /// Every defined global's value (for a tracing collector's roots).
    pub fn values(&self) -> impl Iterator<Item = &V> + '_ {
        self.values.iter().flatten()
    }

    /// Whether the cache answers for `name` (always false with
    /// `global-slots` off), for tests that check the tuning is used.
    pub fn is_cached(&self, name: &Name) -> bool {
        let address = address(name);
        self.recent[cache_line(address)].0 == address
    }

    /// The hash the table's names are hashed with.
    pub fn name_hash(&self) -> NameHash {
        *self.by_name.hasher()
    }

    #[inline(always)]
    fn index(&mut self, name: &Name) -> usize {
        let address = address(name);
        let (cached, index) = self.recent[cache_line(address)];
        if cached == address { index } else { self.lookup(name, address) }
    }

    #[inline(never)]
    fn lookup(&mut self, name: &Name, address: usize) -> usize {
        if !self.slots {
            return self.by_text(name);
        }
        let index = match self.by_address.get(&address) {
            Some(&(index, _)) => index,
            None => {
                let index = self.by_text(name);
                self.by_address.insert(address, (index, name.clone()));
                index
            }
        };
        self.recent[cache_line(address)] = (address, index);
        index
    }

    /// Finds the name's index by hashing its text, giving it the next index
    /// the first time.
    #[inline]
    fn by_text(&mut self, name: &Name) -> usize {
        match self.by_name.get(name) {
            Some(&index) => index,
            None => self.first_sight(name),
        }
    }

    #[cold]
    #[inline(never)]
    fn first_sight(&mut self, name: &Name) -> usize {
        self.values.push(None);
        let index = self.values.len() - 1;
        self.by_name.insert(name.clone(), index);
        index
    }
}

#[inline(always)]
fn address(name: &Name) -> usize {
    Rc::as_ptr(name) as *const u8 as usize
}

/// The cache entry of an address: `Rc` allocations are 8-aligned and at
/// least 24 bytes apart, so the bits above the lowest three spread them.
#[inline(always)]
fn cache_line(address: usize) -> usize {
    (address >> 3) % RECENT
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both_settings() -> [Options; 2] {
        [Options::default(), Options::default().plain(&[GLOBAL_SLOTS])]
    }

    #[test]
    fn a_global_is_undefined_until_it_is_defined() {
        for options in both_settings() {
            let mut globals: Globals<i32> = Globals::new(&options);
            let name: Name = "x".into();
            assert_eq!(globals.get(&name), None);
            globals.define(&name, 1);
            assert_eq!(globals.get(&name), Some(&1));
            *globals.get_mut(&name).expect("defined") = 2;
            assert_eq!(globals.get(&name), Some(&2));
        }
    }

    #[test]
    fn two_copies_of_one_name_are_one_global() {
        // Each program is parsed on its own, so a later program's `x` is
        // another `Rc<str>` with the same text.
        for options in both_settings() {
            let mut globals: Globals<i32> = Globals::new(&options);
            let first: Name = "x".into();
            let second: Name = "x".into();
            globals.define(&first, 1);
            assert_eq!(globals.get(&second), Some(&1));
            globals.define(&second, 3);
            assert_eq!(globals.get(&first), Some(&3));
            assert_eq!(globals.values().copied().collect::<Vec<_>>(), vec![3]);
        }
    }

    #[test]
    fn the_cache_is_used_only_with_global_slots_on() {
        for (options, cached) in both_settings().into_iter().zip([true, false]) {
            let mut globals: Globals<i32> = Globals::new(&options);
            let name: Name = "f".into();
            globals.define(&name, 1);
            assert_eq!(globals.get(&name), Some(&1));
            assert_eq!(globals.is_cached(&name), cached);
        }
    }
}
