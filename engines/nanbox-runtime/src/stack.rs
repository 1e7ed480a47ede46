//! The value stack and the call frames, as both engines lay them out.
//!
//! The stack is one fixed block that never moves, so an open upvalue can
//! point into it; the frames are a fixed array of [`MAX_FRAMES`], so a call
//! that would make frame 1025 is `Stack overflow.` in every engine. A frame
//! records where the function's code was when it made its last call (or
//! failed): the runtime error's trace reads a line from there.

use crate::object::{Gc, ObjClosure};
use crate::value::Value;
use frontend::diagnostics::TraceLine;
use frontend::messages::{MAX_FRAMES, MAX_LOCALS};
use std::ptr;

/// Value-stack slots: room for 1024 frames of 256 slots each.
pub const STACK_SLOTS: usize = MAX_FRAMES * MAX_LOCALS;

/// One active call.
#[derive(Clone, Copy)]
pub struct CallFrame {
    pub closure: *const ObjClosure,
    /// Just past the instruction being run, in the function's bytecode:
    /// saved while this frame is not the innermost (or while the engine has
    /// it in a register).
    pub ip: *const u8,
    /// The frame's slot 0 on the value stack.
    pub slots: *mut Value,
    /// The function's constants, cached here so that reading one takes one
    /// load from the frame rather than three through the closure.
    pub constants: *const Value,
}

pub const NO_FRAME: CallFrame =
    CallFrame { closure: ptr::null(), ip: ptr::null(), slots: ptr::null_mut(), constants: ptr::null() };

/// The frames, all [`MAX_FRAMES`] of them, unused.
pub fn frames() -> Box<[CallFrame]> {
    vec![NO_FRAME; MAX_FRAMES].into_boxed_slice()
}

/// The value stack, allocated zeroed: zero bits are the number 0, a valid
/// value, and the pages stay untouched (and out of the resident set) until a
/// deep recursion first uses them.
pub fn zeroed_stack() -> Box<[Value]> {
    let layout = std::alloc::Layout::array::<Value>(STACK_SLOTS).expect("the stack's size fits in memory");
    // SAFETY: the layout has a nonzero size.
    let memory = unsafe { std::alloc::alloc_zeroed(layout) }.cast::<Value>();
    if memory.is_null() {
        std::alloc::handle_alloc_error(layout);
    }
    // SAFETY: `memory` is a fresh allocation of STACK_SLOTS values with the
    // layout `Box<[Value]>` expects, and all-zero bits are a valid `Value`.
    unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(memory, STACK_SLOTS)) }
}

/// The trace of a runtime error: a line for every active frame, innermost
/// first.
pub fn trace(frames: &[CallFrame]) -> Vec<TraceLine> {
    let mut trace = Vec::with_capacity(frames.len());
    for frame in frames.iter().rev() {
        // SAFETY: active frames hold live closures.
        let function = unsafe { Gc::from_ptr(frame.closure) }.function;
        let code = function.chunk.code.as_ptr();
        // `ip` is past the instruction being executed (or the call being
        // made); the byte before it belongs to that instruction.
        let offset = (frame.ip as usize) - (code as usize) - 1;
        let line = function.chunk.line_at(offset);
        trace.push(TraceLine { line, function: function.name_text().map(str::to_string) });
    }
    trace
}
