//! Values and heap objects.
//!
//! A value is a Rust enum; heap objects are shared with `Rc`, so copying a
//! value never copies an object. The enum is 24 bytes: its largest variant,
//! a string, is a fat `Rc<str>` (pointer and length). Strings are immutable
//! and never part of a cycle, so they are not tracked by the collector.

use crate::env::Env;
use frontend::ast::{Function, Name};
use frontend::hash::NameMap;
use frontend::number::write_number;
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

#[derive(Clone)]
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

/// A native function. As in clox, natives take any number of arguments.
#[derive(Clone, Copy)]
pub struct Native {
    pub function: fn(&[Value]) -> Value,
}

/// A function value: the declaration, shared with the AST (never cloned per
/// call), and the environment it was declared in.
pub struct Closure {
    pub function: Rc<Function>,
    pub env: Rc<Env>,
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
    pub fn is_truthy(&self) -> bool {
        !matches!(self, Value::Nil | Value::Bool(false))
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
