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
//! This is the one place this engine stores something differently from
//! slot-walker, whose globals are a `HashMap` from name to value: resolving
//! names ahead of time is the closure compiler's strategy, not a change of
//! representation. `Specialisations::global_slots` turns it off (every
//! access then hashes the name to find the slot) to measure what it is worth.

use crate::value::Value;
use frontend::ast::Name;
use std::collections::HashMap;

/// A global's slot in [`Globals`].
pub type GlobalSlot = u32;

#[derive(Default)]
pub struct Globals {
    /// Each slot's value, or `None` while the global is undefined.
    values: Vec<Option<Value>>,
    slots: HashMap<Name, GlobalSlot>,
}

impl Globals {
    /// The slot of the global `name`, given one if it has none yet.
    pub fn slot_of(&mut self, name: &Name) -> GlobalSlot {
        if let Some(&slot) = self.slots.get(name) {
            return slot;
        }
        let slot = self.values.len() as GlobalSlot;
        self.values.push(None);
        self.slots.insert(name.clone(), slot);
        slot
    }

    /// The slot of a name that was compiled, found by hashing the name: what
    /// every access costs when `global_slots` is off.
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
