//! The instruction set: one Rust enum, each variant carrying its operands.
//!
//! clox encodes an instruction as an opcode byte followed by operand bytes,
//! so instructions have different lengths and operands are decoded by hand.
//! Here every instruction is one fixed-width enum value (8 bytes: a tag and
//! at most a 32-bit and an 8-bit operand), the compiler cannot emit a
//! malformed operand, and the VM decodes an instruction by matching on it.
//! The price is size: clox's `OP_ADD` is one byte, ours is eight.
//!
//! Indices are 32 bits wide where clox's are one byte, so a chunk may hold
//! any number of constants and jump any distance (LOX.md drops clox's
//! 256-constant and 64 KiB-jump limits). Local slots and upvalue indices are
//! 16 bits (the front end caps both at 256); argument counts are 8 bits
//! (at most 255).
//!
//! Each variant says what it reads from the instruction and what it does to
//! the stack, written `[before] -> [after]` with the top of the stack on the
//! right.

/// An index into the current function's constant table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConstIndex(pub u32);

/// An index into the session's global variable slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GlobalIndex(pub u32);

/// An index into the program's function prototypes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProtoIndex(pub u32);

/// The index of an instruction in its chunk: a jump's destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeOffset(pub u32);

impl ConstIndex {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl GlobalIndex {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl ProtoIndex {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl CodeOffset {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    /// `[] -> [constant]`
    Constant(ConstIndex),
    /// `[] -> [nil]`
    Nil,
    /// `[] -> [true]`
    True,
    /// `[] -> [false]`
    False,
    /// `[a] -> []`
    Pop,

    /// `[] -> [frame slot]`: reads a local of the current call.
    GetLocal(u16),
    /// `[value] -> [value]`: writes a local, leaving the value as the
    /// assignment expression's result.
    SetLocal(u16),
    /// `[] -> [value]`; `Undefined variable` when the global has no value.
    GetGlobal(GlobalIndex),
    /// `[value] -> []`: defines (or redefines) a global.
    DefineGlobal(GlobalIndex),
    /// `[value] -> [value]`; `Undefined variable` when the global was never
    /// defined (assignment does not create globals).
    SetGlobal(GlobalIndex),
    /// `[] -> [value]`: reads the current closure's upvalue.
    GetUpvalue(u16),
    /// `[value] -> [value]`: writes the current closure's upvalue.
    SetUpvalue(u16),

    /// `[instance] -> [value]`: a field, or else a method bound to the
    /// instance. The operand is the name's constant.
    GetProperty(ConstIndex),
    /// `[instance value] -> [value]`: creates or overwrites a field.
    SetProperty(ConstIndex),
    /// `[this superclass] -> [bound method]`: `super.name`.
    GetSuper(ConstIndex),

    /// `[a b] -> [a == b]`
    Equal,
    /// `[a b] -> [a > b]` on numbers.
    Greater,
    /// `[a b] -> [a < b]` on numbers.
    Less,
    /// `[a b] -> [a + b]`: adds numbers or concatenates strings.
    Add,
    /// `[a b] -> [a - b]`
    Subtract,
    /// `[a b] -> [a * b]`
    Multiply,
    /// `[a b] -> [a / b]`
    Divide,
    /// `[a] -> [!a]`
    Not,
    /// `[a] -> [-a]`
    Negate,

    /// `[a] -> []`: writes `a` and a newline to the output.
    Print,
    /// `[] -> []`: continues at the offset.
    Jump(CodeOffset),
    /// `[condition] -> [condition]`: continues at the offset when the
    /// condition is falsey. The condition stays, as in clox: both paths pop it.
    JumpIfFalse(CodeOffset),
    /// `[] -> []`: jumps back to a loop's start. The same as `Jump`, kept
    /// apart so that listings show where loops close.
    Loop(CodeOffset),

    /// `[callee arg1 .. argN] -> [result]` once the callee returns.
    Call(u8),
    /// `[receiver arg1 .. argN] -> [result]`: `receiver.name(args)` without
    /// making a bound method (clox's invoke fast path).
    Invoke(ConstIndex, u8),
    /// `[this arg1 .. argN superclass] -> [result]`: `super.name(args)`.
    SuperInvoke(ConstIndex, u8),
    /// `[] -> [closure]`: a closure of the prototype, capturing the variables
    /// the prototype's capture list names.
    Closure(ProtoIndex),
    /// `[a] -> []`: pops a captured local, moving it into its upvalue first.
    CloseUpvalue,
    /// `[.. result] -> []`: ends the call, leaving `result` where the
    /// callee was in the caller's frame.
    Return,

    /// `[] -> [class]`: a new class with no methods. The operand is its name.
    Class(ConstIndex),
    /// `[superclass class] -> [superclass]`: copies the superclass's
    /// methods into the class; `Superclass must be a class.` otherwise.
    Inherit,
    /// `[class closure] -> [class]`: adds a method to the class.
    Method(ConstIndex),
}

impl Op {
    /// How many values the instruction leaves on the stack minus how many it
    /// takes, as documented on each variant. The compiler adds these up to
    /// find each function's deepest stack, which the VM reserves on entry.
    pub fn stack_effect(self) -> isize {
        match self {
            Op::Constant(_)
            | Op::Nil
            | Op::True
            | Op::False
            | Op::GetLocal(_)
            | Op::GetGlobal(_)
            | Op::GetUpvalue(_)
            | Op::Closure(_)
            | Op::Class(_) => 1,
            Op::SetLocal(_)
            | Op::SetGlobal(_)
            | Op::SetUpvalue(_)
            | Op::GetProperty(_)
            | Op::Not
            | Op::Negate
            | Op::Jump(_)
            | Op::JumpIfFalse(_)
            | Op::Loop(_) => 0,
            Op::Pop
            | Op::DefineGlobal(_)
            | Op::SetProperty(_)
            | Op::GetSuper(_)
            | Op::Equal
            | Op::Greater
            | Op::Less
            | Op::Add
            | Op::Subtract
            | Op::Multiply
            | Op::Divide
            | Op::Print
            | Op::CloseUpvalue
            | Op::Return
            | Op::Inherit
            | Op::Method(_) => -1,
            Op::Call(argc) | Op::Invoke(_, argc) => -(argc as isize),
            Op::SuperInvoke(_, argc) => -(argc as isize) - 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_is_eight_bytes() {
        assert_eq!(std::mem::size_of::<Op>(), 8);
    }
}
