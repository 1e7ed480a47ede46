//! Heap objects: everything a [`Value::Obj`] handle can name.
//!
//! These are clox's object kinds, one Rust struct each, held in the arena
//! as the variants of one enum. `ObjFunction` is missing: a function's code
//! is a [`Function`](crate::chunk::Function), compiled ahead of time and
//! never collected, and a closure names its function by index.

use crate::op::FunctionIndex;
use crate::table::Table;
use crate::value::{ObjRef, Value};
use std::rc::Rc;

pub enum Object {
    /// An empty arena slot, on the free list.
    Free,
    String(ObjString),
    Closure(ObjClosure),
    Upvalue(ObjUpvalue),
    Class(ObjClass),
    Instance(ObjInstance),
    BoundMethod(ObjBoundMethod),
    Native(ObjNative),
}

/// An interned string: no two live strings have the same text.
pub struct ObjString {
    /// The text's hash, computed once when the string is made: every table
    /// probes with it (clox's `ObjString.hash`).
    pub hash: u32,
    pub text: Rc<str>,
}

/// A function value: a function and the variables it captured.
pub struct ObjClosure {
    pub function: FunctionIndex,
    /// Handles of [`ObjUpvalue`] objects, in the function's capture order.
    pub upvalues: Vec<ObjRef>,
}

/// A captured variable. While the variable's frame is live the upvalue
/// points into the value stack, so the closure and the frame see one
/// variable; when the variable goes out of scope its value moves in here.
#[derive(Clone, Copy)]
pub enum ObjUpvalue {
    /// The index of the variable's slot in the VM's value stack.
    Open(usize),
    Closed(Value),
}

pub struct ObjClass {
    /// The class's name, an interned string.
    pub name: ObjRef,
    /// Method name to closure. Inherited methods are copied in when the
    /// class is declared, so a lookup never walks a superclass chain.
    pub methods: Table,
}

pub struct ObjInstance {
    pub class: ObjRef,
    pub fields: Table,
}

/// A method taken off an instance (`var m = obj.method;`): calling it runs
/// the method with `this` bound to the receiver.
pub struct ObjBoundMethod {
    pub receiver: Value,
    /// The method's closure.
    pub method: ObjRef,
}

/// A function written in Rust. As in clox, natives take any number of
/// arguments.
#[derive(Clone, Copy)]
pub struct ObjNative {
    pub function: fn(&[Value]) -> Value,
}

impl Object {
    /// What the object costs in memory, as the collector counts it: the
    /// arena slot and whatever the object owns on the Rust heap. Tables are
    /// counted by capacity, so that growing one counts too.
    pub fn size(&self) -> usize {
        let owned = match self {
            Object::String(string) => string.text.len(),
            Object::Closure(closure) => closure.upvalues.capacity() * size_of::<ObjRef>(),
            Object::Class(class) => class.methods.allocated_bytes(),
            Object::Instance(instance) => instance.fields.allocated_bytes(),
            Object::Free | Object::Upvalue(_) | Object::BoundMethod(_) | Object::Native(_) => 0,
        };
        size_of::<Object>() + size_of::<bool>() + owned
    }
}
