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
//! right. clox's instructions come first; after them, those that only the
//! tunings emit, each under its tuning's name.

/// An index into the current function's constant table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConstIndex(pub u32);

/// An index into the session's global variable slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GlobalIndex(pub u32);

/// An index into the program's functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FunctionIndex(pub u32);

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

impl FunctionIndex {
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
    /// `[] -> [value]`: reads the global the name constant names;
    /// `Undefined variable` when it has no value.
    GetGlobal(ConstIndex),
    /// `[value] -> []`: defines (or redefines) the global.
    DefineGlobal(ConstIndex),
    /// `[value] -> [value]`; `Undefined variable` when the global was never
    /// defined (assignment does not create globals).
    SetGlobal(ConstIndex),
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
    /// `[] -> [closure]`: a closure of the function, capturing the variables
    /// the function's capture list names.
    Closure(FunctionIndex),
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

    // ----- global-slots: globals by slot, not by name --------------------------
    /// `GetGlobal` through the global's slot.
    GetGlobalSlot(GlobalIndex),
    /// `DefineGlobal` through the global's slot.
    DefineGlobalSlot(GlobalIndex),
    /// `SetGlobal` through the global's slot.
    SetGlobalSlot(GlobalIndex),

    // ----- superinstructions: pairs fused into one ---------------------------------
    /// `[condition] -> []`: `JumpIfFalse` with the `Pop` that both of its
    /// paths begin with (an `if` or `while` test). The fused conditions use
    /// it too, for a condition that is not a comparison.
    JumpIfFalsePop(CodeOffset),
    /// `[a b] -> [a != b]`: `Equal; Not`.
    NotEqual,
    /// `[a b] -> [!(a > b)]`: `Greater; Not`, so true when a number is NaN,
    /// as clox's `<=`.
    LessEqual,
    /// `[a b] -> [!(a < b)]`: `Less; Not`.
    GreaterEqual,
    /// `[value] -> []`: `SetLocal; Pop`, an assignment statement.
    SetLocalPop(u16),
    /// `[value] -> []`: `SetUpvalue; Pop`.
    SetUpvaluePop(u16),
    /// `[value] -> []`: `SetGlobal; Pop`.
    SetGlobalPop(ConstIndex),
    /// `[value] -> []`: `SetGlobalSlot; Pop`.
    SetGlobalSlotPop(GlobalIndex),
    /// `[instance value] -> []`: `SetProperty; Pop`.
    SetPropertyPop(ConstIndex),

    // ----- fused-conditions: a condition that branches ------------------------------
    /// `[condition] -> []`: continues at the offset when the condition is
    /// truthy (a condition under `!`, or the left of an `or`).
    JumpIfTruePop(CodeOffset),
    /// `[a b] -> []`: continues at the offset when `a < b`, on numbers.
    JumpIfLess(CodeOffset),
    /// `[a b] -> []`: continues at the offset unless `a < b`.
    JumpIfNotLess(CodeOffset),
    /// `[a b] -> []`: continues at the offset when `a > b`.
    JumpIfGreater(CodeOffset),
    /// `[a b] -> []`: continues at the offset unless `a > b`.
    JumpIfNotGreater(CodeOffset),
    /// `[a b] -> []`: continues at the offset when `a == b`.
    JumpIfEqual(CodeOffset),
    /// `[a b] -> []`: continues at the offset unless `a == b`.
    JumpIfNotEqual(CodeOffset),
}

impl Op {
    #[cfg_attr(not(feature = "work-count"), allow(dead_code, reason = "read by the profiling build only"))]
    /// Every opcode's name, indexed by [`Op::index`] (the profiling build's
    /// counters and marker name opcodes by these).
    pub const NAMES: [&'static str; 56] = [
        "Constant",
        "Nil",
        "True",
        "False",
        "Pop",
        "GetLocal",
        "SetLocal",
        "GetGlobal",
        "DefineGlobal",
        "SetGlobal",
        "GetUpvalue",
        "SetUpvalue",
        "GetProperty",
        "SetProperty",
        "GetSuper",
        "Equal",
        "Greater",
        "Less",
        "Add",
        "Subtract",
        "Multiply",
        "Divide",
        "Not",
        "Negate",
        "Print",
        "Jump",
        "JumpIfFalse",
        "Loop",
        "Call",
        "Invoke",
        "SuperInvoke",
        "Closure",
        "CloseUpvalue",
        "Return",
        "Class",
        "Inherit",
        "Method",
        "GetGlobalSlot",
        "DefineGlobalSlot",
        "SetGlobalSlot",
        "JumpIfFalsePop",
        "NotEqual",
        "LessEqual",
        "GreaterEqual",
        "SetLocalPop",
        "SetUpvaluePop",
        "SetGlobalPop",
        "SetGlobalSlotPop",
        "SetPropertyPop",
        "JumpIfTruePop",
        "JumpIfLess",
        "JumpIfNotLess",
        "JumpIfGreater",
        "JumpIfNotGreater",
        "JumpIfEqual",
        "JumpIfNotEqual",
    ];

    #[cfg_attr(not(feature = "work-count"), allow(dead_code, reason = "read by the profiling build only"))]
    /// The opcode's number, its operands aside: its index in [`Op::NAMES`].
    pub fn index(self) -> usize {
        match self {
            Op::Constant(_) => 0,
            Op::Nil => 1,
            Op::True => 2,
            Op::False => 3,
            Op::Pop => 4,
            Op::GetLocal(_) => 5,
            Op::SetLocal(_) => 6,
            Op::GetGlobal(_) => 7,
            Op::DefineGlobal(_) => 8,
            Op::SetGlobal(_) => 9,
            Op::GetUpvalue(_) => 10,
            Op::SetUpvalue(_) => 11,
            Op::GetProperty(_) => 12,
            Op::SetProperty(_) => 13,
            Op::GetSuper(_) => 14,
            Op::Equal => 15,
            Op::Greater => 16,
            Op::Less => 17,
            Op::Add => 18,
            Op::Subtract => 19,
            Op::Multiply => 20,
            Op::Divide => 21,
            Op::Not => 22,
            Op::Negate => 23,
            Op::Print => 24,
            Op::Jump(_) => 25,
            Op::JumpIfFalse(_) => 26,
            Op::Loop(_) => 27,
            Op::Call(_) => 28,
            Op::Invoke(_, _) => 29,
            Op::SuperInvoke(_, _) => 30,
            Op::Closure(_) => 31,
            Op::CloseUpvalue => 32,
            Op::Return => 33,
            Op::Class(_) => 34,
            Op::Inherit => 35,
            Op::Method(_) => 36,
            Op::GetGlobalSlot(_) => 37,
            Op::DefineGlobalSlot(_) => 38,
            Op::SetGlobalSlot(_) => 39,
            Op::JumpIfFalsePop(_) => 40,
            Op::NotEqual => 41,
            Op::LessEqual => 42,
            Op::GreaterEqual => 43,
            Op::SetLocalPop(_) => 44,
            Op::SetUpvaluePop(_) => 45,
            Op::SetGlobalPop(_) => 46,
            Op::SetGlobalSlotPop(_) => 47,
            Op::SetPropertyPop(_) => 48,
            Op::JumpIfTruePop(_) => 49,
            Op::JumpIfLess(_) => 50,
            Op::JumpIfNotLess(_) => 51,
            Op::JumpIfGreater(_) => 52,
            Op::JumpIfNotGreater(_) => 53,
            Op::JumpIfEqual(_) => 54,
            Op::JumpIfNotEqual(_) => 55,
        }
    }

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
            | Op::GetGlobalSlot(_)
            | Op::GetUpvalue(_)
            | Op::Closure(_)
            | Op::Class(_) => 1,
            Op::SetLocal(_)
            | Op::SetGlobal(_)
            | Op::SetGlobalSlot(_)
            | Op::SetUpvalue(_)
            | Op::GetProperty(_)
            | Op::Not
            | Op::Negate
            | Op::Jump(_)
            | Op::JumpIfFalse(_)
            | Op::Loop(_) => 0,
            Op::Pop
            | Op::DefineGlobal(_)
            | Op::DefineGlobalSlot(_)
            | Op::SetProperty(_)
            | Op::GetSuper(_)
            | Op::Equal
            | Op::NotEqual
            | Op::Greater
            | Op::Less
            | Op::LessEqual
            | Op::GreaterEqual
            | Op::Add
            | Op::Subtract
            | Op::Multiply
            | Op::Divide
            | Op::Print
            | Op::CloseUpvalue
            | Op::Return
            | Op::Inherit
            | Op::Method(_)
            | Op::JumpIfFalsePop(_)
            | Op::JumpIfTruePop(_)
            | Op::SetLocalPop(_)
            | Op::SetUpvaluePop(_)
            | Op::SetGlobalPop(_)
            | Op::SetGlobalSlotPop(_) => -1,
            Op::SetPropertyPop(_)
            | Op::JumpIfLess(_)
            | Op::JumpIfNotLess(_)
            | Op::JumpIfGreater(_)
            | Op::JumpIfNotGreater(_)
            | Op::JumpIfEqual(_)
            | Op::JumpIfNotEqual(_) => -2,
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

    #[test]
    fn every_opcode_is_named_by_its_index() {
        let ops = [
            Op::Constant(ConstIndex(0)),
            Op::Nil,
            Op::Add,
            Op::Invoke(ConstIndex(1), 2),
            Op::JumpIfNotEqual(CodeOffset(3)),
        ];
        for op in ops {
            let debug = format!("{op:?}");
            assert_eq!(debug.split('(').next(), Some(Op::NAMES[op.index()]));
        }
        assert_eq!(Op::JumpIfNotEqual(CodeOffset(0)).index(), Op::NAMES.len() - 1);
    }
}
