//! Open upvalues: how a closure shares a variable that still lives on the
//! stack.
//!
//! clox's scheme: while a captured variable's frame is live, the variable
//! stays in its stack slot and every closure that captured it holds the same
//! *open* upvalue pointing at that slot; when the slot is about to leave the
//! stack (its block ends, or its function returns), the value moves into
//! the upvalue, which is then *closed*. Closures never notice the move. An
//! open upvalue holds a pointer to its slot: the value stack is fixed and
//! never moves, so the pointer stays valid while the slot is in use.
//!
//! The open upvalues are clox's list, linked through the upvalues
//! themselves and sorted by slot, the top of the stack first. The engine
//! owns the list (it is one of its roots); making a new upvalue is the
//! engine's, because only it knows when it may collect first.

use crate::object::{Gc, ObjUpvalue};
use crate::value::Value;

/// The list of open upvalues, the highest slot's first.
#[derive(Default)]
pub struct OpenUpvalues {
    pub head: Option<Gc<ObjUpvalue>>,
}

/// Where a capture of a slot stands: an open upvalue has it already, or a
/// new one goes after `previous` (at the head when `None`).
pub enum Capture {
    Existing(Gc<ObjUpvalue>),
    New { previous: Option<Gc<ObjUpvalue>> },
}

impl OpenUpvalues {
    /// The open upvalue for stack slot `slot`, or where a new one goes.
    pub fn find(&self, slot: *mut Value) -> Capture {
        let mut previous: Option<Gc<ObjUpvalue>> = None;
        let mut current = self.head;
        while let Some(upvalue) = current
            && upvalue.location.get() > slot
        {
            previous = current;
            current = upvalue.next_open.get();
        }
        match current {
            Some(upvalue) if upvalue.location.get() == slot => Capture::Existing(upvalue),
            _ => Capture::New { previous },
        }
    }

    /// Links a new upvalue in where [`OpenUpvalues::find`] said it goes.
    pub fn insert(&mut self, previous: Option<Gc<ObjUpvalue>>, created: Gc<ObjUpvalue>) {
        let next = match previous {
            Some(previous) => previous.next_open.replace(Some(created)),
            None => self.head.replace(created),
        };
        created.next_open.set(next);
    }

    /// Closes every open upvalue for a slot at or above `from`: those
    /// variables are leaving the stack, so their values move into the
    /// upvalues. Cheap when there is nothing to close, the common case.
    #[inline(always)]
    pub fn close(&mut self, from: *mut Value) {
        while let Some(upvalue) = self.head
            && upvalue.location.get() >= from
        {
            // SAFETY: an open upvalue's location is a live stack slot.
            upvalue.closed.set(unsafe { *upvalue.location.get() });
            upvalue.location.set(upvalue.closed.as_ptr());
            self.head = upvalue.next_open.get();
        }
    }

    /// Every open upvalue, for the collector's roots.
    pub fn iter(&self) -> impl Iterator<Item = Gc<ObjUpvalue>> + '_ {
        std::iter::successors(self.head, |upvalue| upvalue.next_open.get())
    }
}
