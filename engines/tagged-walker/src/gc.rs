//! Reclaiming memory: a tracing mark-sweep collector, and the rules that
//! keep the evaluator's values alive.
//!
//! `slot-walker` counts references with `Rc` and only needs a cycle
//! collector for the rest. A tagged word is invisible to `Rc` (copying it
//! is a plain move), so this engine traces instead: a collection marks
//! every object reachable from the roots, following each object's
//! references ([`Trace`]), and the heap frees whatever is left unmarked.
//! Cycles need no special care, and there is no count to update when a
//! value is copied.
//!
//! ## When it collects
//!
//! Only inside `Evaluator::alloc`, just before allocating, when the heap
//! has doubled since the last collection (or at every allocation in stress
//! mode). Nothing else frees memory, so a value is only at risk across a
//! call that may allocate: evaluating any expression, executing any
//! statement, calling, or allocating.
//!
//! ## The roots, and the rules the evaluator follows
//!
//! The roots are the value stack (every frame's slots, the cells in them,
//! and the temporaries pushed above them), the values the evaluator holds
//! across a call (`Evaluator::held`), the globals, the string literals, and
//! the object being allocated (its references are marked as if it were
//! already reachable, so `alloc(BoundMethod { receiver, method })` needs
//! nothing else rooted). A value held in a Rust local is not a root, so the
//! evaluator keeps to these rules:
//!
//! 1. A value needed after evaluating another expression is pushed on the
//!    value stack first: a binary operator's left operand while its right
//!    one is evaluated, an object while the value assigned to its field is,
//!    a callee (in its frame's slot 0) while the arguments are.
//! 2. The closure of every running call stays reachable, because the
//!    evaluator reads its function and captured variables throughout:
//!    * a function's closure is its frame's slot 0 (the callee, which no
//!      code can name, so it stays there); the script's closure too;
//!    * a method's closure (called by `invoke`, or `init` by a class call)
//!      is in the method table of its receiver's class, and the receiver
//!      is slot 0 (`this`, which no code can assign; boxing it in a cell
//!      keeps it reachable through the cell); a class's table never changes
//!      after its declaration, nor does an instance's class;
//!    * a `super` method's closure is in the table of the superclass that
//!      the calling method's `super` cell holds, and the calling method is
//!      running, so by the same rules its closure is reachable;
//!    * a bound method, whose receiver replaces it in slot 0, is pushed on
//!      `held` for as long as its method runs;
//!    * a callable found in a field by `invoke` replaces the receiver in
//!      slot 0, so overwriting the field during the call frees nothing.
//! 3. Everything else is used before the next allocation, or is stored
//!    into a root or into the object being allocated first.
//!
//! Stress mode checks the rules on every allocation (see `heap.rs`).

#![forbid(unsafe_code)]

use crate::State;
use crate::eval::Evaluator;
use crate::heap::{Gc, Heap, HeapObject, LoxString, ObjRef, Object};
use crate::object::{BoundMethod, BoxedNumber, Class, Closure, Instance, Native, Upvalue};
use crate::value::Value;
use frontend::memory::{self, OutOfMemory};

impl Evaluator<'_> {
    /// Moves `object` into the heap, collecting first when a collection is
    /// due. `object`'s own references are marked as roots of that
    /// collection, so what it holds needs no other root.
    #[inline]
    pub fn alloc<T: HeapObject + Trace>(&mut self, object: T) -> Gc<T> {
        if self.state.heap.should_collect() {
            self.collect_garbage(&object);
        }
        self.state.heap.alloc(object)
    }

    /// A new string: `a` followed by `b`, which stay alive through a
    /// collection here even when nothing else holds them; or `OutOfMemory`
    /// when it would pass the heap ceiling (`frontend::memory`).
    pub fn concat(&mut self, a: Gc<LoxString>, b: Gc<LoxString>) -> Result<Gc<LoxString>, OutOfMemory> {
        memory::check_string(a.as_str().len(), b.as_str().len(), self.state.max_heap)?;
        if self.state.heap.should_collect() {
            self.collect_garbage(&[Value::object(a), Value::object(b)]);
        }
        Ok(self.state.heap.alloc_string(&[a.as_str(), b.as_str()]))
    }

    /// A new string holding `text` (which is not on the heap).
    pub fn new_string(&mut self, text: &str) -> Gc<LoxString> {
        if self.state.heap.should_collect() {
            self.collect_garbage(&[]);
        }
        self.state.heap.alloc_string(&[text])
    }

    /// Marks from every root (the stack, the active calls' closures, the
    /// globals, the string literals and the object about to be allocated),
    /// then sweeps.
    #[cold]
    #[inline(never)]
    fn collect_garbage(&mut self, pending: &dyn Trace) {
        let State { heap, globals, literals, tracer, .. } = &mut *self.state;
        let (stack, held) = (&self.stack, &self.held);
        collect(heap, tracer, |tracer| {
            stack.iter().for_each(|slot| tracer.value(slot.word()));
            held.iter().for_each(|&value| tracer.value(value));
            globals.values().for_each(|&value| tracer.value(value));
            literals.strings().for_each(|string| tracer.object(string));
            pending.trace(tracer);
        });
    }
}

/// What a collection has reached but not yet traced (the gray objects).
/// Kept between collections so that its memory is reused.
#[derive(Default)]
pub struct Tracer {
    gray: Vec<ObjRef>,
}

impl Tracer {
    /// Reaches the object `value` points to, if any.
    #[inline]
    pub fn value(&mut self, value: Value) {
        if let Some(object) = value.as_object() {
            self.reach(object);
        }
    }

    #[inline]
    pub fn object<T: HeapObject>(&mut self, object: Gc<T>) {
        self.reach(object.erase());
    }

    fn reach(&mut self, object: ObjRef) {
        if object.mark() {
            self.gray.push(object);
        }
    }

    /// Traces the references of every reached object until none is left.
    fn trace_reached(&mut self) {
        while let Some(object) = self.gray.pop() {
            match object.object() {
                Object::Closure(closure) => closure.trace(self),
                Object::Upvalue(cell) => cell.trace(self),
                Object::Class(class) => class.trace(self),
                Object::Instance(instance) => instance.trace(self),
                Object::BoundMethod(bound) => bound.trace(self),
                Object::Number(_) | Object::String(_) | Object::Native(_) => {}
            }
        }
    }
}

/// Collects garbage: marks what `mark_roots` reaches and everything
/// reachable from that, then frees the rest.
pub fn collect(heap: &mut Heap, tracer: &mut Tracer, mark_roots: impl FnOnce(&mut Tracer)) {
    mark_roots(tracer);
    tracer.trace_reached();
    heap.sweep();
}

/// An object's references to other objects.
pub trait Trace {
    fn trace(&self, tracer: &mut Tracer);
}

impl Trace for BoxedNumber {
    fn trace(&self, _: &mut Tracer) {}
}

impl Trace for LoxString {
    fn trace(&self, _: &mut Tracer) {}
}

/// Values about to be stored into a new object, or read by one.
impl<const N: usize> Trace for [Value; N] {
    fn trace(&self, tracer: &mut Tracer) {
        self.iter().for_each(|&value| tracer.value(value));
    }
}

impl Trace for Native {
    fn trace(&self, _: &mut Tracer) {}
}

impl Trace for Upvalue {
    fn trace(&self, tracer: &mut Tracer) {
        tracer.value(self.get());
    }
}

impl Trace for Closure {
    fn trace(&self, tracer: &mut Tracer) {
        self.upvalues.iter().for_each(|&upvalue| tracer.object(upvalue));
    }
}

impl Trace for Class {
    fn trace(&self, tracer: &mut Tracer) {
        self.methods.borrow().values().for_each(|&method| tracer.object(method));
    }
}

impl Trace for Instance {
    fn trace(&self, tracer: &mut Tracer) {
        tracer.object(self.class);
        self.fields.borrow().values().for_each(|&value| tracer.value(value));
    }
}

impl Trace for BoundMethod {
    fn trace(&self, tracer: &mut Tracer) {
        tracer.value(self.receiver);
        tracer.object(self.method);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use frontend::hash::{NameHash, NameMap};
    use std::cell::RefCell;

    fn class(heap: &mut Heap, name: &str) -> Gc<Class> {
        heap.alloc(Class { name: name.into(), methods: RefCell::new(NameMap::with_hasher(NameHash::Fx)) })
    }

    fn instance(heap: &mut Heap, class: Gc<Class>) -> Gc<Instance> {
        heap.alloc(Instance { class, fields: RefCell::new(NameMap::with_hasher(NameHash::Fx)) })
    }

    #[test]
    fn unreachable_cycles_are_freed_and_reachable_ones_kept() {
        let mut heap = Heap::new(false);
        let mut tracer = Tracer::default();
        let point = class(&mut heap, "Point");
        let a = instance(&mut heap, point);
        let b = instance(&mut heap, point);
        a.fields.borrow_mut().insert("other".into(), Value::object(b));
        b.fields.borrow_mut().insert("other".into(), Value::object(a));
        let kept = instance(&mut heap, point);
        kept.fields.borrow_mut().insert("self".into(), Value::object(kept));
        let text = heap.alloc_string(&["field"]);
        kept.fields.borrow_mut().insert("text".into(), Value::object(text));
        assert_eq!(heap.object_count(), 5);

        collect(&mut heap, &mut tracer, |tracer| tracer.object(kept));
        assert_eq!(heap.object_count(), 3, "the class, the kept instance and its string survive");
        assert_eq!(kept.class.name.as_ref(), "Point");

        collect(&mut heap, &mut tracer, |_| {});
        assert_eq!(heap.object_count(), 0);
    }

    #[test]
    fn closures_keep_their_cells_and_cells_their_values() {
        let mut heap = Heap::new(false);
        let mut tracer = Tracer::default();
        let text = heap.alloc_string(&["captured"]);
        let cell = heap.alloc(Upvalue::new(Value::object(text)));
        let script = std::rc::Rc::new(frontend::ast::Function {
            name: "f".into(),
            kind: frontend::ast::FunctionKind::Function,
            params: Vec::new(),
            body: Vec::new(),
            upvalues: Vec::new(),
            n_slots: 1,
            line: 1,
            marker: 0,
        });
        let closure = heap.alloc(Closure::new(script, Box::new([cell])));
        let bound = heap.alloc(BoundMethod { receiver: Value::NIL, method: closure });
        collect(&mut heap, &mut tracer, |tracer| tracer.value(Value::object(bound)));
        assert_eq!(heap.object_count(), 4);
        assert_eq!(cell.get().to_string(), "captured");
    }
}
