//! Compiled code: chunks of instructions, functions, and the program that
//! owns them all.
//!
//! A function's code is known before the program runs, so functions live
//! outside the garbage-collected heap (clox's `ObjFunction` is a heap
//! object), in [`Program`], which only ever grows (the prompt appends each
//! line's functions). At run time the program is borrowed immutably while
//! the heap and the stack change, which is what lets the dispatch loop keep
//! a plain `&[Op]` to the running function's code. Closures, which do come
//! and go, refer to their function by index.

use crate::globals::GlobalNames;
use crate::op::{ConstIndex, FunctionIndex, Op};
use crate::value::Value;
use frontend::ast::{Capture, FunctionKind, Name};

/// A function's instructions, with a source line per instruction and the
/// constants its instructions refer to.
#[derive(Default)]
pub struct Chunk {
    pub code: Vec<Op>,
    /// `lines[i]` is the source line of `code[i]`, for error traces and listings.
    pub lines: Vec<u32>,
    pub constants: Vec<Value>,
}

impl Chunk {
    pub fn push(&mut self, op: Op, line: u32) -> usize {
        self.code.push(op);
        self.lines.push(line);
        self.code.len() - 1
    }

    #[inline]
    pub fn constant(&self, index: ConstIndex) -> Value {
        self.constants[index.index()]
    }
}

/// Everything known about a function before it runs: clox's `ObjFunction`.
pub struct Function {
    pub name: Name,
    pub kind: FunctionKind,
    pub arity: usize,
    /// The most stack slots a call of this function uses, counting from its
    /// slot 0: a call makes sure they exist before the frame starts, so that
    /// nothing inside the frame has to check for room.
    pub max_stack: usize,
    /// What each closure of this function captures, in upvalue order: clox
    /// encodes this list as operands of `OP_CLOSURE`; here it stays with the
    /// function, so every instruction keeps one fixed width.
    pub captures: Vec<Capture>,
    pub chunk: Chunk,
    /// The profiling marker's id for the function's frames (0 unless the
    /// front end was built with `work-count`).
    #[cfg_attr(not(feature = "work-count"), allow(dead_code, reason = "read by the profiling build only"))]
    pub marker: u32,
}

impl Function {
    /// The name error traces use: `None` for the top-level script.
    pub fn trace_name(&self) -> Option<&str> {
        (self.kind != FunctionKind::Script).then_some(&*self.name)
    }
}

/// All the code a session has compiled, and the slots of its globals.
pub struct Program {
    pub functions: Vec<Function>,
    pub global_names: GlobalNames,
}

impl Program {
    pub fn new(global_names: GlobalNames) -> Program {
        Program { functions: Vec::new(), global_names }
    }

    #[inline]
    pub fn function(&self, index: FunctionIndex) -> &Function {
        &self.functions[index.index()]
    }
}
