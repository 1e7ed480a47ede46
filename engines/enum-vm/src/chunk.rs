//! Compiled code: chunks of instructions, function prototypes, and the
//! program that owns them all.
//!
//! A function's code is known before the program runs, so prototypes live
//! outside the garbage-collected heap, in [`Program`], which only ever grows
//! (the prompt appends each line's functions). At run time the program is
//! borrowed immutably while the heap and the stack change, which is what lets
//! the dispatch loop keep a plain `&[Op]` to the running function's code.
//! Closures, which do come and go, refer to their prototype by index.

use crate::op::{ConstIndex, GlobalIndex, Op, ProtoIndex};
use crate::value::Value;
use frontend::ast::{Capture, FunctionKind, Name};
use frontend::hash::FixedMap;

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
pub struct Proto {
    pub name: Name,
    pub kind: FunctionKind,
    pub arity: usize,
    /// The most stack slots a call of this function uses, counting from its
    /// slot 0: a call makes sure they exist before the frame starts, so that
    /// nothing inside the frame has to check for room.
    pub max_stack: usize,
    /// What each closure of this function captures, in upvalue order: clox
    /// encodes this list as operands of `OP_CLOSURE`; here it stays with the
    /// prototype, so every instruction keeps one fixed width.
    pub captures: Vec<Capture>,
    pub chunk: Chunk,
}

impl Proto {
    /// The name error traces use: `None` for the top-level script.
    pub fn trace_name(&self) -> Option<&str> {
        (self.kind != FunctionKind::Script).then_some(&*self.name)
    }
}

/// All the code a session has compiled, and the names of its globals.
#[derive(Default)]
pub struct Program {
    pub protos: Vec<Proto>,
    /// Global variables are resolved to slots when compiled (see
    /// [`Program::global`]); `global_names[i]` is the name of slot `i`.
    pub global_names: Vec<Name>,
    global_slots: FixedMap<Name, GlobalIndex>,
}

impl Program {
    #[inline]
    pub fn proto(&self, index: ProtoIndex) -> &Proto {
        &self.protos[index.index()]
    }

    /// The slot of the global called `name`, made when first seen.
    ///
    /// Lox globals are late-bound: a function may mention a global that is
    /// defined only later, or never. clox looks every global up by name in a
    /// hash table each time it runs; here the name is looked up once, at
    /// compile time, and the instruction carries the slot. A slot holds no
    /// value until a `var`, `fun` or `class` defines it, so reading an
    /// undefined global is still the same runtime error.
    pub fn global(&mut self, name: &Name) -> GlobalIndex {
        if let Some(&index) = self.global_slots.get(name) {
            return index;
        }
        let index = GlobalIndex(u32::try_from(self.global_names.len()).expect("fewer than 2^32 globals"));
        self.global_names.push(name.clone());
        self.global_slots.insert(name.clone(), index);
        index
    }
}
