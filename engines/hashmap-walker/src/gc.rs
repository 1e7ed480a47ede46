//! Reclaiming cycles: how this engine's objects report their references to
//! the shared [`cycle_collector`].
//!
//! Reference counting frees almost everything the moment it becomes garbage;
//! only cycles need the collector. Every cycle in this engine passes through
//! something mutable after its creation (an environment a closure was stored
//! into, an instance's fields, a class's method table), so clearing those is
//! enough to break any garbage cycle; closures and bound methods only report
//! their edges.

use crate::env::Env;
use crate::value::{BoundMethod, Class, Closure, Instance, Value};
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

impl Traceable for Env {
    fn trace(&self, edges: &mut dyn FnMut(Address)) -> bool {
        let (Ok(values), Ok(parent)) = (self.values.try_borrow(), self.parent.try_borrow()) else {
            return false;
        };
        values.values().for_each(|value| trace_value(value, edges));
        if let Some(parent) = parent.as_ref() {
            edges(addr(parent));
        }
        true
    }

    fn clear(&self) {
        self.values.borrow_mut().clear();
        *self.parent.borrow_mut() = None;
    }
}

impl Traceable for Closure {
    fn trace(&self, edges: &mut dyn FnMut(Address)) -> bool {
        edges(addr(&self.env));
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
