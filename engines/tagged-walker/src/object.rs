//! The heap objects: what a tagged value can point to.
//!
//! These are `slot-walker`'s objects with its `Rc`s replaced by [`Gc`]
//! pointers. None of them has a reference count: an object lives until a
//! collection finds it unreachable. Fields and cells hold plain `Value`
//! words, so a captured variable's cell is a `Cell`, not a `RefCell`.

#![forbid(unsafe_code)]

use crate::env::Slot;
use crate::heap::Gc;
use crate::value::Value;
use frontend::ast::{Function, Name};
use frontend::hash::NameMap;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// A double that has no inline encoding (see `value.rs`).
pub struct BoxedNumber(pub f64);

/// A native function. As in clox, natives take any number of arguments;
/// the only one, `clock()`, returns a number.
pub struct Native {
    pub function: fn(&[Slot]) -> f64,
}

/// A function value: the declaration, shared with the AST (never cloned per
/// call), and the variables it captures, in the resolver's capture order.
pub struct Closure {
    pub function: Rc<Function>,
    pub upvalues: Box<[Gc<Upvalue>]>,
    /// Whether some parameter is captured by a closure, so that a call
    /// must box it in a cell; worked out once here rather than per call.
    pub boxes_params: bool,
}

impl Closure {
    pub fn new(function: Rc<Function>, upvalues: Box<[Gc<Upvalue>]>) -> Closure {
        let boxes_params = function.params.iter().any(|param| param.captured);
        Closure { function, upvalues, boxes_params }
    }
}

/// A variable that some closure captures. Its declaration boxes it in this
/// cell instead of storing it in a stack slot, so the frame that declared it
/// and every closure that captured it read and write one shared variable,
/// and the variable outlives the frame when a closure does.
pub struct Upvalue {
    value: Cell<Value>,
}

impl Upvalue {
    pub fn new(value: Value) -> Upvalue {
        Upvalue { value: Cell::new(value) }
    }

    #[inline]
    pub fn get(&self) -> Value {
        self.value.get()
    }

    #[inline]
    pub fn set(&self, value: Value) {
        self.value.set(value);
    }
}

pub struct Class {
    pub name: Name,
    /// The superclass's methods, copied in when the class was declared (so
    /// methods are inherited as they were at that moment), then its own.
    pub methods: RefCell<NameMap<Name, Gc<Closure>>>,
}

pub struct Instance {
    pub class: Gc<Class>,
    pub fields: RefCell<NameMap<Name, Value>>,
}

pub struct BoundMethod {
    pub receiver: Value,
    pub method: Gc<Closure>,
}
