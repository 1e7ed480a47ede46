//! Environments: one value stack for every frame, a frame is an index into it.
//!
//! This is `slot-walker`'s layout, unchanged. Every local has a **slot**,
//! its position in its function's frame (slot 0 for the callee or `this`,
//! the parameters next, then locals in declaration order, a slot reused
//! once its block has ended). All frames live in one `Vec` of [`Slot`]s; a
//! frame is the index of its slot 0 (its `base`), so local `slot` of the
//! running function is `stack[base + slot]`: one addition and one bounds
//! check, whatever the name and however deeply the scopes nest.
//!
//! Blocks cost nothing: a block's locals are just higher slots of the same
//! frame. Calls cost no allocation: the caller pushes the arguments straight
//! onto the stack where the callee's parameters live, the callee grows its
//! frame to its `n_slots`, and the frame is truncated away on return, so the
//! stack's memory is reused by every later call (the seeds' "frame reuse").
//!
//! A variable that a closure captures cannot live in a slot, because it must
//! outlive the frame and be shared with the closure. The resolver marks such
//! locals `captured`; their declaration boxes them in an [`Upvalue`] cell and
//! the slot holds the cell. Every other local is a plain value in its slot.
//!
//! What changed from `slot-walker`: a slot is one tagged word, and a cell is
//! told from a value by its tag, so a slot is 8 bytes where it was 24. The
//! stack is also the collector's main root: every frame's slots, and the
//! temporaries the evaluator pushes above them (see `gc.rs`).

#![forbid(unsafe_code)]

use crate::heap::Gc;
use crate::object::{Closure, Upvalue};
use crate::value::Value;
use frontend::ast::FunctionKind;
use frontend::diagnostics::TraceLine;

/// One frame slot: a local's value, or the cell of a captured local, told
/// apart by the word's tag.
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct Slot(Value);

impl Slot {
    pub const NIL: Slot = Slot(Value::NIL);

    #[inline(always)]
    pub fn value(value: Value) -> Slot {
        Slot(value)
    }

    #[inline(always)]
    pub fn cell(cell: Gc<Upvalue>) -> Slot {
        Slot(Value::object(cell))
    }

    /// The cell, if this slot holds a captured variable.
    #[inline(always)]
    pub fn as_cell(self) -> Option<Gc<Upvalue>> {
        self.0.as_cell()
    }

    /// The variable's current value, through its cell if it is captured.
    #[inline(always)]
    pub fn get(self) -> Value {
        match self.as_cell() {
            Some(cell) => cell.get(),
            None => self.0,
        }
    }

    /// Assigns the variable, through its cell if it is captured.
    #[inline(always)]
    pub fn set(&mut self, value: Value) {
        match self.as_cell() {
            Some(cell) => cell.set(value),
            None => self.0 = value,
        }
    }

    /// The word itself, value or cell, for the collector.
    #[inline(always)]
    pub fn word(self) -> Value {
        self.0
    }
}

/// The running function's view of the stack: where its frame starts, and
/// the closure whose captured variables it reads. It lives on the Rust stack
/// of the call that made the frame and is passed down the evaluator by
/// reference, as `hashmap-walker` passes its `&Rc<Env>`: one register
/// through every call of the evaluator instead of two.
pub struct Env {
    /// The stack index of the frame's slot 0.
    pub base: usize,
    pub closure: Gc<Closure>,
}

impl Env {
    /// The stack index of local `slot` of this frame.
    #[inline(always)]
    pub fn slot(&self, slot: u16) -> usize {
        self.base + slot as usize
    }

    #[inline(always)]
    pub fn upvalue(&self, index: u16) -> Gc<Upvalue> {
        self.closure.upvalues[index as usize]
    }

    /// The trace line for this frame executing `line`.
    pub fn trace_line(&self, line: u32) -> TraceLine {
        let function = &self.closure.function;
        let name = (function.kind != FunctionKind::Script).then(|| function.name.to_string());
        TraceLine { line, function: name }
    }
}
