//! Environments: one value stack for every frame, a frame is an index into it.
//!
//! This is the strategy's defining change from `hashmap-walker`. There, every
//! scope was a heap-allocated `HashMap` chained to its parent, and a variable
//! was found by walking `hops` parents and hashing its name. Here the
//! resolver's other answer is used instead: every local has a **slot**, its
//! position in its function's frame (slot 0 for the callee or `this`, the
//! parameters next, then locals in declaration order, a slot reused once its
//! block has ended). All frames live in one `Vec` of [`Slot`]s; a frame is
//! the index of its slot 0 (its `base`), so local `slot` of the running
//! function is `stack[base + slot]`: one addition and one bounds check,
//! whatever the name and however deeply the scopes nest.
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

use crate::value::{Closure, Upvalue, Value};
use frontend::ast::FunctionKind;
use frontend::diagnostics::TraceLine;
use std::rc::Rc;

/// One frame slot: a local's value, or the cell of a captured local.
///
/// The `Cell` variant fits in a niche of `Value`'s tag, so a slot is the
/// size of a value and `Slot::Value(v)` costs nothing to make.
#[derive(Clone)]
pub enum Slot {
    Value(Value),
    Cell(Rc<Upvalue>),
}

impl Slot {
    /// The variable's current value, through its cell if it is captured.
    #[inline(always)]
    pub fn get(&self) -> Value {
        match self {
            // Numbers first: the compiler then copies them in two moves
            // instead of going through the general clone.
            Slot::Value(Value::Number(n)) => Value::Number(*n),
            Slot::Value(value) => value.clone(),
            Slot::Cell(cell) => cell.get(),
        }
    }

    /// Assigns the variable, through its cell if it is captured.
    #[inline]
    pub fn set(&mut self, value: Value) {
        match self {
            Slot::Value(slot) => *slot = value,
            Slot::Cell(cell) => cell.set(value),
        }
    }

    /// Drops the slot without a call into the drop glue when it holds a
    /// value that owns nothing (see [`Value::discard`]).
    #[inline(always)]
    pub fn discard(self) {
        match self {
            Slot::Value(value) => value.discard(),
            Slot::Cell(cell) => drop(cell),
        }
    }

    /// The value an argument was pushed as.
    pub fn into_value(self) -> Value {
        match self {
            Slot::Value(value) => value,
            Slot::Cell(cell) => cell.get(),
        }
    }
}

/// The running function's view of the stack: where its frame starts, and
/// the closure whose captured variables it reads. It lives on the Rust stack
/// of the call that made the frame and is passed down the evaluator by
/// reference, as `hashmap-walker` passes its `&Rc<Env>`: one register
/// through every call of the evaluator instead of two.
pub struct Env<'a> {
    /// The stack index of the frame's slot 0.
    pub base: usize,
    pub closure: &'a Closure,
}

impl Env<'_> {
    /// The stack index of local `slot` of this frame.
    #[inline(always)]
    pub fn slot(&self, slot: u16) -> usize {
        self.base + slot as usize
    }

    #[inline(always)]
    pub fn upvalue(&self, index: u16) -> &Rc<Upvalue> {
        &self.closure.upvalues[index as usize]
    }

    /// The trace line for this frame executing `line`.
    pub fn trace_line(&self, line: u32) -> TraceLine {
        let function = &self.closure.function;
        let name = (function.kind != FunctionKind::Script).then(|| function.name.to_string());
        TraceLine { line, function: name }
    }
}
