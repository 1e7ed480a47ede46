//! Global variables for the dispatch loop: by name through the runtime's
//! table (nanbox_runtime::globals explains both ways, by name and by slot).

use crate::vm::Vm;
use frontend::diagnostics::RunError;
use frontend::messages;
use nanbox_runtime::object::{Gc, ObjString};
use nanbox_runtime::value::Value;

impl Vm {
    /// The value of the global called `name`, if it is defined.
    #[inline]
    pub fn global(&self, name: Gc<ObjString>) -> Option<Value> {
        self.globals.get_named(name)
    }

    /// Defines (or redefines) the global called `name`.
    pub fn define_global(&mut self, name: Gc<ObjString>, value: Value) {
        self.globals.define_named(name, value);
    }

    /// Assigns the global called `name`; false when it is not defined.
    #[inline]
    pub fn set_global(&mut self, name: Gc<ObjString>, value: Value) -> bool {
        self.globals.set_named(name, value)
    }

    #[cold]
    pub fn undefined_global(&mut self, name: Gc<ObjString>) -> RunError {
        self.runtime_error(messages::undefined_variable(&name.text))
    }
}
