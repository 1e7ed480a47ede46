//! The collector's roots in this engine: what the dispatch loop holds (the
//! collector itself is the runtime's, nanbox_runtime::gc).

use crate::vm::Vm;
use nanbox_runtime::gc::Roots;

impl Vm {
    pub fn collect_garbage(&mut self) {
        let base = self.stack.as_ptr();
        // SAFETY: `sp` is saved and lies within the stack, at or above its base.
        let depth = unsafe { self.sp.offset_from(base) } as usize;
        self.heap.collect(Roots {
            stack: &self.stack[..depth],
            frames: &self.frames[..self.frame_count],
            open_upvalues: &self.open_upvalues,
            globals: &self.globals,
            init_string: self.init_string,
            script: self.script,
        });
    }
}
