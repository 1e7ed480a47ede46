//! Global variables: found by name, as clox does, or through slots (the
//! `global-slots` tuning).
//!
//! Lox globals are late-bound: a function may mention a global that is
//! defined only later, or never. clox finds a global by looking its name
//! up in a hash table every time the code runs, which is what this engine
//! does with the tuning off (`OP_GET_GLOBAL 'name'`). With it on, the
//! compiler gives each name a slot the first time any program of the
//! session mentions it, and the instruction carries the slot
//! (`OP_GET_GLOBAL_SLOT`): a read is an index. A slot holds no value until
//! a `var`, `fun` or `class` defines it, so reading an undefined global is
//! still the same runtime error.

use crate::call::as_name;
use crate::op::GlobalIndex;
use crate::table::Table;
use crate::value::Value;
use crate::vm::{Fault, Vm};
use frontend::ast::Name;
use frontend::hash::{NameHash, NameMap};
use frontend::messages;

/// The session's global names and their slots. Slots only grow, so code
/// compiled for earlier programs (the prompt) stays valid.
pub struct GlobalNames {
    slots: NameMap<Name, GlobalIndex>,
    names: Vec<Name>,
}

impl GlobalNames {
    pub fn new(name_hash: NameHash) -> GlobalNames {
        GlobalNames { slots: NameMap::with_hasher(name_hash), names: Vec::new() }
    }

    /// The slot of the global called `name`, made when first seen.
    pub fn slot(&mut self, name: &Name) -> GlobalIndex {
        if let Some(&slot) = self.slots.get(name) {
            return slot;
        }
        let slot = GlobalIndex(u32::try_from(self.names.len()).expect("fewer than 2^32 globals"));
        self.slots.insert(name.clone(), slot);
        self.names.push(name.clone());
        slot
    }

    pub fn name(&self, slot: GlobalIndex) -> &str {
        &self.names[slot.index()]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }
}

/// The values of the globals: by slot, or by name.
#[derive(Default)]
pub struct Globals {
    /// By [`GlobalIndex`]; `None` until defined.
    pub slots: Vec<Option<Value>>,
    /// By interned name, with the tuning off.
    pub table: Table,
}

/// Globals by name: what `GetGlobal`, `DefineGlobal` and `SetGlobal` do.
/// Each name is a string constant, so the table probes with its hash.
impl Vm {
    /// The value of the global called `name`, if it is defined.
    #[inline]
    pub fn global(&self, name: Value) -> Option<Value> {
        let name = as_name(name);
        self.globals.table.get(name, self.heap.string(name).hash)
    }

    /// Defines (or redefines) the global called `name`.
    pub fn define_global(&mut self, name: Value, value: Value) {
        let name = as_name(name);
        self.globals.table.set(name, self.heap.string(name).hash, value);
    }

    /// Assigns the global called `name`; false when it is not defined
    /// (assignment does not create globals).
    #[inline]
    pub fn set_global(&mut self, name: Value, value: Value) -> bool {
        let name = as_name(name);
        match self.globals.table.get_mut(name, self.heap.string(name).hash) {
            Some(global) => {
                *global = value;
                true
            }
            None => false,
        }
    }

    #[cold]
    pub fn undefined_global(&self, name: Value) -> Fault {
        messages::undefined_variable(&self.heap.string(as_name(name)).text).into()
    }
}
