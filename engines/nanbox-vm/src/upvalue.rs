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
    /// captured that variable yet, so that all closures share one. The open
    /// upvalues are clox's list, linked through the upvalues themselves and
    /// sorted by slot, the top of the stack first.
    fn capture_upvalue(&mut self, slot: *mut Value) -> Gc<ObjUpvalue> {
        let mut previous: Option<Gc<ObjUpvalue>> = None;
        let mut current = self.open_upvalues;
        while let Some(upvalue) = current
            && upvalue.location.get() > slot
        {
            previous = current;
            current = upvalue.next_open.get();
        }
        if let Some(upvalue) = current
            && upvalue.location.get() == slot
        {
            return upvalue;
        }
        self.maybe_collect();
        let created = self.heap.new_upvalue(slot);
        created.next_open.set(current);
        match previous {
            Some(previous) => previous.next_open.set(Some(created)),
            None => self.open_upvalues = Some(created),
        }
        created
    }

    /// Closes every open upvalue for a slot at or above `from`: those
    /// variables are leaving the stack, so their values move into the
    /// upvalues. Cheap when there is nothing to close, the common case.
    #[inline(always)]
    pub fn close_upvalues(&mut self, from: *mut Value) {
        while let Some(upvalue) = self.open_upvalues
            && upvalue.location.get() >= from
        {
            // SAFETY: an open upvalue's location is a live stack slot.
            upvalue.closed.set(unsafe { *upvalue.location.get() });
            upvalue.location.set(upvalue.closed.as_ptr());
            self.open_upvalues = upvalue.next_open.get();
        }
    }
}
