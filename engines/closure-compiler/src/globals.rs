//! Global variables, each given a slot when its name is first compiled.
//!
//! Lox globals are late-bound: a function may mention a global that is
//! declared after it, or never. But the *name* of every global a program
//! mentions is known when it is compiled, so the compiler gives each name a
//! slot in this table once. With the `global-slots` tuning the closure that
//! reads the global captures the slot, and running a program never hashes a
//! name; an undefined global is an empty slot. Without it, every access
//! finds the slot by hashing the name, as a plain tree-walker finds a global.
//! The table belongs to the session, so slots stay valid from one prepared
//! program to the next (the prompt relies on it).

use crate::value::Value;
use frontend::ast::Name;
use frontend::hash::{NameHash, NameMap};

/// A global's slot in [`Globals`].
pub type GlobalSlot = u32;

pub struct Globals {
    /// Each slot's value, or `None` while the global is undefined.
    values: Vec<Option<Value>>,
    slots: NameMap<Name, GlobalSlot>,
}

impl Globals {
    pub fn new(hash: NameHash) -> Globals {
        Globals { values: Vec::new(), slots: NameMap::with_hasher(hash) }
    }

    /// The slot of the global `name`, given one if it has none yet.
    pub fn slot_of(&mut self, name: &Name) -> GlobalSlot {
        if let Some(&slot) = self.slots.get(&**name) {
            return slot;
        }
        let slot = self.values.len() as GlobalSlot;
        self.values.push(None);
        self.slots.insert(name.clone(), slot);
        slot
    }

    /// The slot of a name that was compiled, found by hashing the name: what
    /// every access costs when `global-slots` is off.
    #[inline]
    pub fn find(&self, name: &str) -> GlobalSlot {
        self.slots[name]
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
