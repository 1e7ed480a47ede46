//! Global variables: found by name, as clox does, or through slots (the
//! `global-slots` tuning).
//!
//! Lox globals are late-bound: a function may mention a global that is
//! defined only later, or never. clox finds a global by looking its name
//! up in a hash table every time the code runs, which is what this engine
//! does with the tuning off (`OP_GET_GLOBAL 'name'`). With it on, the
//! compiler gives each name a slot the first time any program of the
//! session mentions it, and the instruction carries the slot
//! (`OP_GET_GLOBAL_SLOT`): a read is an index. A slot holds
//! [`Value::ABSENT`] until a `var`, `fun` or `class` defines it, so reading
//! an undefined global is still the same runtime error.

use crate::object::{Gc, ObjString};
use crate::table::Table;
use crate::value::Value;
use frontend::ast::Name;
use frontend::hash::{NameHash, NameMap};

/// The session's global names and their slots. Slots only grow, so code
/// compiled for earlier programs (the prompt) stays valid.
pub struct GlobalNames {
    slots: NameMap<Name, u32>,
    names: Vec<Name>,
}

impl GlobalNames {
    pub fn new(name_hash: NameHash) -> GlobalNames {
        GlobalNames { slots: NameMap::with_hasher(name_hash), names: Vec::new() }
    }

    /// The slot of the global called `name`, made when first seen.
    pub fn slot(&mut self, name: &Name) -> u32 {
        if let Some(&slot) = self.slots.get(name) {
            return slot;
        }
        let slot = u32::try_from(self.names.len()).expect("fewer than 2^32 globals");
        self.slots.insert(name.clone(), slot);
        self.names.push(name.clone());
        slot
    }

    pub fn name(&self, slot: usize) -> &str {
        &self.names[slot]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// The values of the globals: by slot, or by name.
#[derive(Default)]
pub struct Globals {
    /// By slot; [`Value::ABSENT`] until defined.
    pub slots: Vec<Value>,
    /// By interned name, with the tuning off.
    pub table: Table,
}

/// Globals by name: what `GetGlobal`, `DefineGlobal` and `SetGlobal` do.
/// Each name is a string constant, so the table probes with its hash.
impl Globals {
    /// The value of the global called `name`, if it is defined.
    #[inline]
    pub fn get_named(&self, name: Gc<ObjString>) -> Option<Value> {
        self.table.get(name)
    }

    /// Defines (or redefines) the global called `name`.
    pub fn define_named(&mut self, name: Gc<ObjString>, value: Value) {
        self.table.set(name, value);
    }

    /// Assigns the global called `name`; false when it is not defined
    /// (assignment does not create globals).
    #[inline]
    pub fn set_named(&mut self, name: Gc<ObjString>, value: Value) -> bool {
        match self.table.get_mut(name) {
            Some(global) => {
                *global = value;
                true
            }
            None => false,
        }
    }

    /// Makes room for every slot compiled so far, the new ones absent.
    pub fn grow(&mut self, count: usize) {
        if self.slots.len() < count {
            self.slots.resize(count, Value::ABSENT);
        }
    }
}
