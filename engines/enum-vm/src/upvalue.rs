//! Closures and upvalues: how a function keeps the variables it captured.
//!
//! clox's scheme: while a captured variable's frame is live, the variable
//! stays in its stack slot and every closure that captured it holds the same
//! *open* upvalue pointing at that slot; when the slot is about to leave the
//! stack (its block ends, or its function returns), the value moves into
//! the upvalue, which is then *closed*. Closures never notice the move. An
//! open upvalue here holds a stack index rather than a pointer, so growing
//! the stack cannot leave it dangling.

use crate::chunk::Program;
use crate::object::{ObjClosure, ObjUpvalue, Object};
use crate::op::FunctionIndex;
use crate::value::{ObjRef, Value};
use crate::vm::Vm;

impl Vm {
    #[inline]
    pub fn read_upvalue(&self, closure: ObjRef, index: u16) -> Value {
        let upvalue = self.heap.closure(closure).upvalues[index as usize];
        match *self.heap.upvalue(upvalue) {
            ObjUpvalue::Open(slot) => self.stack[slot],
            ObjUpvalue::Closed(value) => value,
        }
    }

    #[inline]
    pub fn write_upvalue(&mut self, closure: ObjRef, index: u16, value: Value) {
        let upvalue = self.heap.closure(closure).upvalues[index as usize];
        match self.heap.upvalue_mut(upvalue) {
            ObjUpvalue::Open(slot) => self.stack[*slot] = value,
            ObjUpvalue::Closed(closed) => *closed = value,
        }
    }

    /// `[] -> [closure]`, capturing what the function's capture list says:
    /// locals of the running frame (whose slot 0 is at `base`), or upvalues
    /// of the running closure, `enclosing`.
    #[inline(never)]
    pub fn make_closure(&mut self, program: &Program, function: FunctionIndex, base: usize, enclosing: ObjRef) {
        let captures = &program.function(function).captures;
        let closure = ObjClosure { function, upvalues: Vec::with_capacity(captures.len()) };
        let handle = self.alloc(Object::Closure(closure));
        // On the stack before capturing, so the collector sees the upvalues
        // captured so far if capturing the next one collects.
        self.push(Value::Obj(handle));
        for capture in captures {
            let upvalue = if capture.is_local {
                self.capture_upvalue(base + capture.index as usize)
            } else {
                self.heap.closure(enclosing).upvalues[capture.index as usize]
            };
            self.heap.closure_mut(handle).upvalues.push(upvalue);
        }
    }

    /// The open upvalue for stack slot `slot`, made if no closure has
    /// captured that variable yet, so that all closures share one.
    fn capture_upvalue(&mut self, slot: usize) -> ObjRef {
        match self.open_upvalues.binary_search_by_key(&slot, |&(open_slot, _)| open_slot) {
            Ok(position) => self.open_upvalues[position].1,
            Err(position) => {
                let upvalue = self.alloc(Object::Upvalue(ObjUpvalue::Open(slot)));
                self.open_upvalues.insert(position, (slot, upvalue));
                upvalue
            }
        }
    }

    /// Closes every open upvalue for a slot at or above `from`: those
    /// variables are leaving the stack, so their values move into the
    /// upvalues. Cheap when there is nothing to close, the common case.
    #[inline(always)]
    pub fn close_upvalues(&mut self, from: usize) {
        if self.open_upvalues.last().is_some_and(|&(slot, _)| slot >= from) {
            self.close_upvalues_from(from);
        }
    }

    #[inline(never)]
    fn close_upvalues_from(&mut self, from: usize) {
        while let Some(&(slot, upvalue)) = self.open_upvalues.last() {
            if slot < from {
                break;
            }
            *self.heap.upvalue_mut(upvalue) = ObjUpvalue::Closed(self.stack[slot]);
            self.open_upvalues.pop();
        }
    }
}
