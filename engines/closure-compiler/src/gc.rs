//! Reclaiming cycles: the same as slot-walker's `gc.rs`.
//!
//! Reference counting frees almost everything the moment it becomes garbage;
//! only cycles need the shared [`cycle_collector`]. Every cycle in this
//! engine passes through something mutable after its creation (a captured
//! variable's cell, an instance's fields, a class's method table), so
//! clearing those is enough to break any garbage cycle; closures and bound
//! methods only report their edges.
//!
//! The value stack is not tracked: it holds strong references the collector
//! cannot see, which is exactly what makes everything a frame uses a root.
//! Closures that capture nothing are not tracked, since they hold no
//! reference to anything that could lead back to them. The compiled code
//! is never part of a cycle either: a compiled closure captures constants
//! and the compiled functions nested in it, never a runtime object.

use crate::value::{BoundMethod, Class, Closure, Instance, Upvalue, Value};
use cycle_collector::{Address, Traceable, addr};

fn trace_value(value: &Value, edges: &mut dyn FnMut(Address)) {
    match value {
        Value::Closure(closure) => edges(addr(closure)),
        Value::Class(class) => edges(addr(class)),
        Value::Instance(instance) => edges(addr(instance)),
        Value::BoundMethod(bound) => edges(addr(bound)),
        Value::Nil | Value::Bool(_) | Value::Number(_) | Value::String(_) | Value::Native(_) => {}
    }
}

impl Traceable for Upvalue {
    fn trace(&self, edges: &mut dyn FnMut(Address)) -> bool {
        let Some(value) = self.try_peek() else { return false };
        trace_value(&value, edges);
        true
    }

    fn clear(&self) {
        self.set(Value::Nil);
    }
}

impl Traceable for Closure {
    fn trace(&self, edges: &mut dyn FnMut(Address)) -> bool {
        self.upvalues.iter().for_each(|upvalue| edges(addr(upvalue)));
        true
    }

    fn clear(&self) {}
}

impl Traceable for Class {
    fn trace(&self, edges: &mut dyn FnMut(Address)) -> bool {
        let Ok(methods) = self.methods.try_borrow() else { return false };
        methods.values().for_each(|method| edges(addr(method)));
        true
    }

    fn clear(&self) {
        self.methods.borrow_mut().clear();
    }
}

impl Traceable for Instance {
    fn trace(&self, edges: &mut dyn FnMut(Address)) -> bool {
        let Ok(fields) = self.fields.try_borrow() else { return false };
        edges(addr(&self.class));
        fields.values().for_each(|value| trace_value(value, edges));
        true
    }

    fn clear(&self) {
        self.fields.borrow_mut().clear();
    }
}

impl Traceable for BoundMethod {
    fn trace(&self, edges: &mut dyn FnMut(Address)) -> bool {
        trace_value(&self.receiver, edges);
        edges(addr(&self.method));
        true
    }

    fn clear(&self) {}
}
