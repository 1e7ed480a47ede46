//! Closures and upvalues: how a function keeps the variables it captured.
//!
//! clox's scheme: while a captured variable's frame is live, the variable
//! stays in its stack slot and every closure that captured it holds the same
//! *open* upvalue pointing at that slot; when the slot is about to leave the
//! stack (its block ends, or its function returns), the value moves into
//! the upvalue, which is then *closed*. Closures never notice the move. An
//! open upvalue here holds a pointer to its slot: the value stack is fixed
//! and never moves, so the pointer stays valid while the slot is in use.

use crate::object::{Gc, ObjClosure, ObjFunction, ObjUpvalue};
use crate::value::Value;
use crate::vm::Vm;

impl Vm {
    /// `[] -> [closure]`, capturing per `captures` (pairs of `is_local`,
    /// index): locals of the running frame (whose slot 0 is at `slots`), or
    /// upvalues of the running closure, `enclosing`.
    pub fn make_closure(
        &mut self,
        function: Gc<ObjFunction>,
        captures: &[u8],
        slots: *mut Value,
        enclosing: Gc<ObjClosure>,
    ) {
        // Each upvalue is rooted as soon as it exists: a new one is in the
        // open list, an inherited one in the enclosing closure; the function
        // is a constant of the running closure.
        let upvalues: Box<[Gc<ObjUpvalue>]> = captures
            .chunks_exact(2)
            .map(|capture| match capture[0] {
                // SAFETY: the resolver's slot is inside the enclosing frame.
                1 => self.capture_upvalue(unsafe { slots.add(usize::from(capture[1])) }),
                _ => enclosing.upvalues[usize::from(capture[1])],
            })
            .collect();
        self.maybe_collect();
        let closure = self.heap.new_closure(function, upvalues);
        self.push(closure.value());
    }

    /// The open upvalue for stack slot `slot`, made if no closure has
    /// captured that variable yet, so that all closures share one.
    fn capture_upvalue(&mut self, slot: *mut Value) -> Gc<ObjUpvalue> {
        match self.open_upvalues.binary_search_by_key(&slot, |open| open.location.get()) {
            Ok(position) => self.open_upvalues[position],
            Err(position) => {
                self.maybe_collect();
                let upvalue = self.heap.new_upvalue(slot);
                self.open_upvalues.insert(position, upvalue);
                upvalue
            }
        }
    }

    /// Closes every open upvalue for a slot at or above `from`: those
    /// variables are leaving the stack, so their values move into the
    /// upvalues. Cheap when there is nothing to close, the common case.
    #[inline(always)]
    pub fn close_upvalues(&mut self, from: *mut Value) {
        if self.open_upvalues.last().is_some_and(|open| open.location.get() >= from) {
            self.close_upvalues_from(from);
        }
    }

    #[inline(never)]
    fn close_upvalues_from(&mut self, from: *mut Value) {
        while let Some(&upvalue) = self.open_upvalues.last() {
            if upvalue.location.get() < from {
                break;
            }
            // SAFETY: an open upvalue's location is a live stack slot.
            upvalue.closed.set(unsafe { *upvalue.location.get() });
            upvalue.location.set(upvalue.closed.as_ptr());
            self.open_upvalues.pop();
        }
    }
}
