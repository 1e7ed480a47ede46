//! What the profiling build (the `work-count` feature) counts and marks in
//! the dispatch loop: every opcode executed, every pair of opcodes that
//! follow each other in the code and ran one after the other, and, for the
//! sampler, the Lox call stack and the opcode running now. None of this is
//! compiled into timing builds.

use frontend::profiling::{Counter, OpTally, marker, names};
use nanbox_runtime::op::Op;
use nanbox_runtime::stack::CallFrame;
use std::sync::LazyLock;

/// Each opcode's name (its variant's, as enum-vm names its opcodes), by byte.
static NAMES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| Op::ALL.iter().map(|op| &*Box::leak(format!("{op:?}").into_boxed_str())).collect());

pub struct Profile {
    ops: OpTally,
    /// Each opcode's name id, for the marker.
    op_ids: Vec<u32>,
    /// The opcode counted last, where it started and in which frame.
    previous: (Op, *const u8, *const CallFrame),
    /// How many frames the marker holds.
    marked_depth: usize,
}

impl Profile {
    pub fn new() -> Profile {
        Profile {
            ops: OpTally::new(&NAMES),
            op_ids: names::ids(&NAMES),
            previous: (Op::Return, std::ptr::null(), std::ptr::null()),
            marked_depth: 0,
        }
    }

    /// Forgets the last run, as a run starts.
    pub fn start(&mut self) {
        self.ops.clear();
        self.previous = (Op::Return, std::ptr::null(), std::ptr::null());
        self.marked_depth = 0;
        marker::clear();
    }

    /// Counts `op`, which starts at `start` in `frame` (the innermost of
    /// `depth` frames, running the function marked `function_marker()`), and
    /// marks it as what runs now. A pair is counted when `op` is the next
    /// instruction in the same frame after the previous one: not after a
    /// call or a return, an unconditional jump, or a conditional jump taken.
    #[inline(always)]
    pub fn dispatch(
        &mut self,
        op: Op,
        start: *const u8,
        frame: *const CallFrame,
        depth: usize,
        function_marker: impl FnOnce() -> u32,
    ) {
        let (previous, previous_start, previous_frame) = self.previous;
        let follows = previous_frame == frame
            && match previous {
                Op::Call | Op::Invoke | Op::SuperInvoke | Op::Return => false,
                Op::Jump | Op::Loop | Op::JumpLong | Op::LoopLong => false,
                Op::JumpIfFalse
                | Op::JumpIfFalsePop
                | Op::JumpIfTruePop
                | Op::JumpIfLess
                | Op::JumpIfNotLess
                | Op::JumpIfGreater
                | Op::JumpIfNotGreater
                | Op::JumpIfEqual
                | Op::JumpIfNotEqual => start == previous_start.wrapping_add(3),
                Op::JumpIfFalseLong | Op::JumpIfFalsePopLong => start == previous_start.wrapping_add(5),
                _ => true,
            };
        self.ops.count(op as usize, follows);
        self.previous = (op, start, frame);
        if depth != self.marked_depth {
            if depth > self.marked_depth {
                marker::set_frame(depth - 1, function_marker());
            } else {
                marker::set_depth(depth);
            }
            self.marked_depth = depth;
        }
        marker::set_what(self.op_ids[op as usize]);
    }

    pub fn counters(&self) -> Vec<Counter> {
        self.ops.counters()
    }
}
