//! Fields and methods: the tables of instances and classes, grown with the
//! collector's accounting.
//!
//! Each takes objects the caller keeps reachable (on its stack); none
//! collects.

use crate::heap::Heap;
use crate::object::{Gc, ObjClass, ObjClosure, ObjInstance, ObjString};
use crate::value::Value;

impl Heap {
    /// Sets a field of an instance: overwrites it in place when the
    /// instance has it already (the common case), and otherwise adds it,
    /// counting any growth of the table.
    #[inline(always)]
    pub fn set_field(&mut self, instance: Gc<ObjInstance>, name: Gc<ObjString>, value: Value) {
        // SAFETY: the instance is live (the caller roots it) and no other
        // reference to it is in use while its fields are set.
        let fields = unsafe { &mut instance.get_mut().fields };
        if let Some(field) = fields.get_mut(name) {
            *field = value;
            return;
        }
        self.add_field(instance, name, value);
    }

    fn add_field(&mut self, instance: Gc<ObjInstance>, name: Gc<ObjString>, value: Value) {
        // SAFETY: as for `set_field`.
        let fields = unsafe { &mut instance.get_mut().fields };
        let before = fields.allocated_bytes();
        fields.set(name, value);
        self.account_table(before, fields.allocated_bytes());
    }

    pub fn add_method(&mut self, class: Gc<ObjClass>, name: Gc<ObjString>, method: Value) {
        // SAFETY: the class is live (the caller roots it) and no other
        // reference to it is in use while its methods are set.
        let methods = unsafe { &mut class.get_mut().methods };
        let before = methods.allocated_bytes();
        methods.set(name, method);
        self.account_table(before, methods.allocated_bytes());
    }

    /// Copies the superclass's methods into the subclass, which has none yet.
    pub fn inherit(&mut self, subclass: Gc<ObjClass>, superclass: Gc<ObjClass>) {
        // SAFETY: both classes are live (the caller roots them); `class B <
        // B` is a compile error, so they are distinct and the two references
        // do not alias.
        let methods = unsafe { &mut subclass.get_mut().methods };
        let before = methods.allocated_bytes();
        methods.add_all(&superclass.methods);
        self.account_table(before, methods.allocated_bytes());
    }
}

/// A method-table value as the closure it always is.
#[inline(always)]
pub fn method_closure(method: Value) -> Gc<ObjClosure> {
    // SAFETY: method tables only ever hold closures: `Method` stores the
    // closure the compiler emitted just before it, and `Inherit` copies
    // another class's table.
    unsafe { Gc::from_obj(method.as_object()) }
}
