//! What the profiling build (the `work-count` feature) counts and marks in
//! the dispatch loop: every opcode executed, every pair of opcodes that
//! follow each other in the code and ran one after the other, and, for the
//! sampler, the Lox call stack and the opcode running now. None of this is
//! compiled into timing builds.

use crate::op::Op;
use frontend::profiling::{Counter, OpTally, marker, names};

pub struct Profile {
    ops: OpTally,
    /// Each opcode's name id, for the marker.
    op_ids: Vec<u32>,
    /// The frame depth and code index of the instruction counted last, and
    /// whether it was a call (after which the next instruction of the same
    /// frame runs only once the callee has returned).
    previous: (usize, usize, bool),
    /// How many frames the marker holds.
    marked_depth: usize,
}

impl Profile {
    pub fn new() -> Profile {
        Profile {
            ops: OpTally::new(&Op::NAMES),
            op_ids: names::ids(&Op::NAMES),
            previous: (0, 0, true),
            marked_depth: 0,
        }
    }

    /// Forgets the last run, as a run starts.
    pub fn start(&mut self) {
        self.ops.clear();
        self.previous = (0, 0, true);
        self.marked_depth = 0;
        marker::clear();
    }

    /// Counts `op`, at `ip` in a frame `depth` deep whose function is
    /// marked `function_marker()`, and marks it as what runs now. A pair is
    /// counted when `op` is the next instruction in the same frame after the
    /// previous one and that one was not a call: a jump taken, a call or a
    /// return makes two instructions run in sequence that no compiler could
    /// fuse.
    #[inline(always)]
    pub fn dispatch(&mut self, op: &Op, ip: usize, depth: usize, function_marker: impl FnOnce() -> u32) {
        let index = op.index();
        let (previous_depth, previous_ip, previous_was_call) = self.previous;
        let follows = previous_depth == depth && previous_ip + 1 == ip && !previous_was_call;
        self.ops.count(index, follows);
        self.previous = (depth, ip, matches!(op, Op::Call(_) | Op::Invoke(..) | Op::SuperInvoke(..)));
        if depth != self.marked_depth {
            if depth > self.marked_depth {
                marker::set_frame(depth - 1, function_marker());
            } else {
                marker::set_depth(depth);
            }
            self.marked_depth = depth;
        }
        marker::set_what(self.op_ids[index]);
    }

    pub fn counters(&self) -> Vec<Counter> {
        self.ops.counters()
    }
}
