//! Values and heap objects.
//!
//! A value is a Rust enum; heap objects are shared with `Rc`, so copying a
//! value never copies an object. The enum is 24 bytes: its largest variant,
//! a string, is a fat `Rc<str>` (pointer and length). Strings are immutable
//! and never part of a cycle, so they are not tracked by the collector.
//!
//! What changed from `hashmap-walker`: a closure no longer holds the
//! environment it was declared in. It holds the [`Upvalue`] cells of exactly
//! the variables it captures, listed by the resolver, so a call needs
//! nothing from the closure but its function and, for a captured variable,
//! one index into that list.

use frontend::ast::{Function, Name};
use frontend::hash::NameMap;
use frontend::number::write_number;
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

/// `repr(u64)` gives the tag a whole word, so every variant's payload
/// starts at byte 8 and a value moves as three plain words. Without it the
/// boolean sits in byte 1 and the compiler copies bytes 1 to 7 piecewise on
/// every move.
#[repr(u64)]
pub enum Value {
    Nil,
    Bool(bool),
    Number(f64),
    String(Rc<str>),
    Closure(Rc<Closure>),
    Native(Native),
    Class(Rc<Class>),
    Instance(Rc<Instance>),
    BoundMethod(Rc<BoundMethod>),
}

impl Clone for Value {
    /// Written out instead of derived so that it can be inlined into the
    /// evaluator: a derived `clone` of this enum is an out-of-line call.
    #[inline(always)]
    fn clone(&self) -> Self {
        match self {
            Value::Nil => Value::Nil,
            Value::Bool(b) => Value::Bool(*b),
            Value::Number(n) => Value::Number(*n),
            Value::String(s) => Value::String(s.clone()),
            Value::Closure(closure) => Value::Closure(closure.clone()),
            Value::Native(native) => Value::Native(*native),
            Value::Class(class) => Value::Class(class.clone()),
            Value::Instance(instance) => Value::Instance(instance.clone()),
            Value::BoundMethod(bound) => Value::BoundMethod(bound.clone()),
        }
    }
}

/// A native function. As in clox, natives take any number of arguments.
#[derive(Clone, Copy)]
pub struct Native {
    pub function: fn(&[Value]) -> Value,
}

/// A function value: the declaration, shared with the AST (never cloned per
/// call), and the variables it captures, in the resolver's capture order.
pub struct Closure {
    pub function: Rc<Function>,
    pub upvalues: Box<[Rc<Upvalue>]>,
    /// Whether some parameter is captured by a closure, so that a call
    /// must box it in a cell; worked out once here rather than per call.
    pub boxes_params: bool,
}

impl Closure {
    pub fn new(function: Rc<Function>, upvalues: Box<[Rc<Upvalue>]>) -> Closure {
        let boxes_params = function.params.iter().any(|param| param.captured);
        Closure { function, upvalues, boxes_params }
    }
}

/// A variable that some closure captures. Its declaration boxes it in this
/// cell instead of storing it in a stack slot, so the frame that declared it
/// and every closure that captured it read and write one shared variable,
/// and the variable outlives the frame when a closure does.
pub struct Upvalue {
    value: RefCell<Value>,
}

pub struct Class {
    pub name: Name,
    /// The superclass's methods, copied in when the class was declared (so
    /// methods are inherited as they were at that moment), then its own.
    pub methods: RefCell<NameMap<Name, Rc<Closure>>>,
}

pub struct Instance {
    pub class: Rc<Class>,
    pub fields: RefCell<NameMap<Name, Value>>,
}

pub struct BoundMethod {
    pub receiver: Value,
    pub method: Rc<Closure>,
}

impl Value {
    /// Lox truthiness: `nil` and `false` are false, everything else is true.
    #[inline]
    pub fn is_truthy(&self) -> bool {
        !matches!(self, Value::Nil | Value::Bool(false))
    }

    /// Consumes a value for its truthiness, without a call into the drop
    /// glue when it is a boolean or nil (see [`Value::discard`]).
    #[inline(always)]
    pub fn into_truthy(self) -> bool {
        let truthy = self.is_truthy();
        self.discard();
        truthy
    }

    /// Drops a value without a call for the variants that own nothing.
    /// rustc does not inline `drop_in_place::<Value>` (it has five `Rc`
    /// cases), so every number an expression consumed would otherwise cost
    /// a call into the drop glue; `forget` of a number frees nothing because
    /// there is nothing to free. This is how a value with a destructor is
    /// written, not a tuning: `tagged-walker`'s word has no destructor at
    /// all, which is part of what its rung measures.
    #[inline(always)]
    pub fn discard(self) {
        match self {
            Value::Nil | Value::Bool(_) | Value::Number(_) | Value::Native(_) => std::mem::forget(self),
            _ => drop(self),
        }
    }

    /// Lox equality: no coercion, numbers as IEEE doubles, strings by
    /// content, every other object by identity.
    pub fn equals(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Closure(a), Value::Closure(b)) => Rc::ptr_eq(a, b),
            (Value::Native(a), Value::Native(b)) => std::ptr::fn_addr_eq(a.function, b.function),
            (Value::Class(a), Value::Class(b)) => Rc::ptr_eq(a, b),
            (Value::Instance(a), Value::Instance(b)) => Rc::ptr_eq(a, b),
            (Value::BoundMethod(a), Value::BoundMethod(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Upvalue {
    pub fn new(value: Value) -> Upvalue {
        Upvalue { value: RefCell::new(value) }
    }

    #[inline]
    pub fn get(&self) -> Value {
        self.value.borrow().clone()
    }

    #[inline]
    pub fn set(&self, value: Value) {
        *self.value.borrow_mut() = value;
    }

    /// The cell's value for the collector, or `None` while it is borrowed.
    pub fn try_peek(&self) -> Option<std::cell::Ref<'_, Value>> {
        self.value.try_borrow().ok()
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => f.write_str("nil"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => {
                let mut text = String::new();
                write_number(&mut text, *n);
                f.write_str(&text)
            }
            Value::String(s) => f.write_str(s),
            Value::Closure(closure) => write!(f, "<fn {}>", closure.function.name),
            Value::Native(_) => f.write_str("<native fn>"),
            Value::Class(class) => f.write_str(&class.name),
            Value::Instance(instance) => write!(f, "{} instance", instance.class.name),
            Value::BoundMethod(bound) => write!(f, "<fn {}>", bound.method.function.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_size() {
        assert_eq!(std::mem::size_of::<Value>(), 24);
    }
}
