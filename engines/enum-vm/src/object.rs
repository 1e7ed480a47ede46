//! Heap objects: everything a [`Value::Obj`] handle can name.
//!
//! These are clox's object kinds, minus `ObjFunction`: a function's code is
//! a [`Proto`](crate::chunk::Proto), compiled ahead of time and never
//! collected, and a closure names its prototype by index.

use crate::op::ProtoIndex;
use crate::table::Table;
use crate::value::{ObjRef, Value};
use std::rc::Rc;

pub enum Object {
    /// An empty arena slot, on the free list.
    Free,
    /// An interned string; the intern table shares the same `Rc`.
    String(Rc<str>),
    Closure(Closure),
    Upvalue(Upvalue),
    Class(Class),
    Instance(Instance),
    BoundMethod(BoundMethod),
    Native(Native),
}

/// A function value: a prototype and the variables it captured.
pub struct Closure {
    pub proto: ProtoIndex,
    /// Handles of [`Upvalue`] objects, in the prototype's capture order.
    pub upvalues: Vec<ObjRef>,
}

/// A captured variable. While the variable's frame is live the upvalue
/// points into the value stack, so the closure and the frame see one
/// variable; when the variable goes out of scope its value moves in here.
#[derive(Clone, Copy)]
pub enum Upvalue {
    /// The index of the variable's slot in the VM's value stack.
    Open(usize),
    Closed(Value),
}

pub struct Class {
    /// The class's name, an interned string.
    pub name: ObjRef,
    /// Method name to closure. Inherited methods are copied in when the
    /// class is declared, so a lookup never walks a superclass chain.
    pub methods: Table<ObjRef>,
}

pub struct Instance {
    pub class: ObjRef,
    pub fields: Table<Value>,
}

/// A method taken off an instance (`var m = obj.method;`): calling it runs
/// the method with `this` bound to the receiver.
pub struct BoundMethod {
    pub receiver: Value,
    /// The method's closure.
    pub method: ObjRef,
}

/// A function written in Rust. As in clox, natives take any number of
/// arguments.
#[derive(Clone, Copy)]
pub struct Native {
    pub function: fn(&[Value]) -> Value,
}

impl Object {
    /// What the object costs in memory, as the collector counts it: the
    /// arena slot and whatever the object owns on the Rust heap. Tables are
    /// counted by capacity, so that growing one counts too.
    pub fn size(&self) -> usize {
        let owned = match self {
            Object::String(text) => text.len(),
            Object::Closure(closure) => closure.upvalues.capacity() * size_of::<ObjRef>(),
            Object::Class(class) => table_size(&class.methods),
            Object::Instance(instance) => table_size(&instance.fields),
            Object::Free | Object::Upvalue(_) | Object::BoundMethod(_) | Object::Native(_) => 0,
        };
        size_of::<Object>() + size_of::<bool>() + owned
    }
}

/// The bytes a table owns: a key, a value and a control byte per bucket.
pub fn table_size<V>(table: &Table<V>) -> usize {
    table.capacity() * (size_of::<ObjRef>() + size_of::<V>() + 1)
}
