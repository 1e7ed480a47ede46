//! Closures and upvalues: how a function keeps the variables it captured
//! (nanbox_runtime::upvalue explains clox's scheme of open and closed
//! upvalues; the list of open ones is the runtime's).

use crate::vm::Vm;
use nanbox_runtime::object::{Gc, ObjClosure, ObjFunction, ObjUpvalue};
use nanbox_runtime::upvalue::Capture;
use nanbox_runtime::value::Value;

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
        match self.open_upvalues.find(slot) {
            Capture::Existing(upvalue) => upvalue,
            Capture::New { previous } => {
                self.maybe_collect();
                let created = self.heap.new_upvalue(slot);
                self.open_upvalues.insert(previous, created);
                created
            }
        }
    }

    /// Closes every open upvalue for a slot at or above `from`.
    #[inline(always)]
    pub fn close_upvalues(&mut self, from: *mut Value) {
        self.open_upvalues.close(from);
    }
}
