//! The instruction set: one-byte opcodes followed by inline operands, so an
//! instruction is 1 to 5 bytes (a closure's capture list aside).
//!
//! Operand kinds, each read straight from the byte stream:
//! * **index** (a constant or global slot): 1 byte, or 3 bytes (little-endian)
//!   when the instruction follows a [`Op::Wide`] prefix. This is how the
//!   engine has no 256-constant or 256-global limit while the common case
//!   stays one byte.
//! * **slot**, **upvalue**, **argc**: 1 byte each (LOX.md's limits fit).
//! * **jump**: 2 bytes; 4 bytes in the `Long` forms of `Jump`, `JumpIfFalse`,
//!   `Loop` and `JumpIfFalsePop`. compile.rs uses the long forms for a whole
//!   function when one of its jumps does not fit in 16 bits (and then fuses
//!   no condition), so no jump distance is limited.
//!
//! Stack effects are written as `[before] -> [after]`, top of stack last.

/// One opcode. The discriminants are the bytes in the code. clox's
/// instructions come first; after them, those that only the tunings emit,
/// each under its tuning's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Op {
    /// index: `[] -> [constant]`.
    Constant,
    /// `[] -> [nil]`.
    Nil,
    /// `[] -> [true]`.
    True,
    /// `[] -> [false]`.
    False,
    /// `[a] -> []`.
    Pop,
    /// slot: `[] -> [local]`.
    GetLocal,
    /// slot: `[v] -> [v]`, storing v in the local.
    SetLocal,
    /// index (name): `[] -> [global]`; an error if it is undefined.
    GetGlobal,
    /// index (name): `[v] -> []`, defining the global.
    DefineGlobal,
    /// index (name): `[v] -> [v]`; an error if it is undefined.
    SetGlobal,
    /// upvalue: `[] -> [v]`.
    GetUpvalue,
    /// upvalue: `[v] -> [v]`.
    SetUpvalue,
    /// index (name): `[instance] -> [field or bound method]`.
    GetProperty,
    /// index (name): `[instance v] -> [v]`.
    SetProperty,
    /// index (name): `[this superclass] -> [bound method]`.
    GetSuper,
    /// `[a b] -> [a == b]`.
    Equal,
    /// `[a b] -> [a > b]`.
    Greater,
    /// `[a b] -> [a < b]`.
    Less,
    /// `[a b] -> [a + b]`: numbers added, strings concatenated.
    Add,
    /// `[a b] -> [a - b]`.
    Subtract,
    /// `[a b] -> [a * b]`.
    Multiply,
    /// `[a b] -> [a / b]`.
    Divide,
    /// `[a] -> [!a]`.
    Not,
    /// `[a] -> [-a]`.
    Negate,
    /// `[a] -> []`, printing a.
    Print,
    /// jump (forward): `[] -> []`.
    Jump,
    /// jump (forward), when the top is falsey: `[c] -> [c]`.
    JumpIfFalse,
    /// jump (backward): `[] -> []`.
    Loop,
    /// argc: `[callee args...] -> [result]`.
    Call,
    /// index (name), argc: `[receiver args...] -> [result]`: `receiver.name(args)`.
    Invoke,
    /// index (name), argc: `[this args... superclass] -> [result]`.
    SuperInvoke,
    /// index (function), then per upvalue a byte `is_local` and a byte index:
    /// `[] -> [closure]`.
    Closure,
    /// `[v] -> []`, closing the upvalue of the slot v is in.
    CloseUpvalue,
    /// `[result] -> []`, returning it to the caller.
    Return,
    /// index (name): `[] -> [class]`.
    Class,
    /// `[superclass class] -> [superclass]`, copying the superclass's methods.
    Inherit,
    /// index (name): `[class closure] -> [class]`.
    Method,

    // ----- The encoding: wide operands and long jumps --------------------------
    /// Prefix: the next instruction's index operand is 3 bytes.
    Wide,
    /// The 4-byte forms of the jumps.
    JumpLong,
    JumpIfFalseLong,
    LoopLong,
    JumpIfFalsePopLong,

    // ----- global-slots: globals by slot, not by name --------------------------
    /// index (global slot): `GetGlobal` through the global's slot.
    GetGlobalSlot,
    /// index (global slot): `DefineGlobal` through the global's slot.
    DefineGlobalSlot,
    /// index (global slot): `SetGlobal` through the global's slot.
    SetGlobalSlot,

    // ----- superinstructions: pairs fused into one ---------------------------------
    /// jump (forward): `[c] -> []`: `JumpIfFalse` with the `Pop` that both of
    /// its paths begin with (an `if` or `while` test). The fused conditions
    /// use it too, for a condition that is not a comparison.
    JumpIfFalsePop,
    /// `[a b] -> [a != b]`: `Equal; Not`.
    NotEqual,
    /// `[a b] -> [!(a > b)]`: `Greater; Not`, so true when a number is NaN,
    /// as clox's `<=`.
    LessEqual,
    /// `[a b] -> [!(a < b)]`: `Less; Not`.
    GreaterEqual,
    /// slot: `[v] -> []`: `SetLocal; Pop`, an assignment statement.
    SetLocalPop,
    /// upvalue: `[v] -> []`: `SetUpvalue; Pop`.
    SetUpvaluePop,
    /// index (name): `[v] -> []`: `SetGlobal; Pop`.
    SetGlobalPop,
    /// index (global slot): `[v] -> []`: `SetGlobalSlot; Pop`.
    SetGlobalSlotPop,
    /// index (name): `[instance v] -> []`: `SetProperty; Pop`.
    SetPropertyPop,

    // ----- fused-conditions: a condition that branches ------------------------------
    /// jump (forward): `[c] -> []`, jumping when c is truthy (a condition
    /// under `!`, or the left of an `or`).
    JumpIfTruePop,
    /// jump (forward): `[a b] -> []`, jumping when `a < b`, on numbers.
    JumpIfLess,
    /// jump (forward): `[a b] -> []`, jumping unless `a < b`.
    JumpIfNotLess,
    /// jump (forward): `[a b] -> []`, jumping when `a > b`.
    JumpIfGreater,
    /// jump (forward): `[a b] -> []`, jumping unless `a > b`.
    JumpIfNotGreater,
    /// jump (forward): `[a b] -> []`, jumping when `a == b`.
    JumpIfEqual,
    /// jump (forward): `[a b] -> []`, jumping unless `a == b`.
    JumpIfNotEqual,
}

impl Op {
    pub const ALL: [Op; 61] = [
        Op::Constant,
        Op::Nil,
        Op::True,
        Op::False,
        Op::Pop,
        Op::GetLocal,
        Op::SetLocal,
        Op::GetGlobal,
        Op::DefineGlobal,
        Op::SetGlobal,
        Op::GetUpvalue,
        Op::SetUpvalue,
        Op::GetProperty,
        Op::SetProperty,
        Op::GetSuper,
        Op::Equal,
        Op::Greater,
        Op::Less,
        Op::Add,
        Op::Subtract,
        Op::Multiply,
        Op::Divide,
        Op::Not,
        Op::Negate,
        Op::Print,
        Op::Jump,
        Op::JumpIfFalse,
        Op::Loop,
        Op::Call,
        Op::Invoke,
        Op::SuperInvoke,
        Op::Closure,
        Op::CloseUpvalue,
        Op::Return,
        Op::Class,
        Op::Inherit,
        Op::Method,
        Op::Wide,
        Op::JumpLong,
        Op::JumpIfFalseLong,
        Op::LoopLong,
        Op::JumpIfFalsePopLong,
        Op::GetGlobalSlot,
        Op::DefineGlobalSlot,
        Op::SetGlobalSlot,
        Op::JumpIfFalsePop,
        Op::NotEqual,
        Op::LessEqual,
        Op::GreaterEqual,
        Op::SetLocalPop,
        Op::SetUpvaluePop,
        Op::SetGlobalPop,
        Op::SetGlobalSlotPop,
        Op::SetPropertyPop,
        Op::JumpIfTruePop,
        Op::JumpIfLess,
        Op::JumpIfNotLess,
        Op::JumpIfGreater,
        Op::JumpIfNotGreater,
        Op::JumpIfEqual,
        Op::JumpIfNotEqual,
    ];

    /// The opcode a byte encodes, if any (the disassembler's checked decode;
    /// the VM decodes unchecked, see vm.rs).
    pub fn from_byte(byte: u8) -> Option<Op> {
        Op::ALL.get(byte as usize).copied().filter(|op| *op as u8 == byte)
    }

    /// The name the disassembler prints, clox-style.
    pub fn name(self) -> &'static str {
        match self {
            Op::Constant => "OP_CONSTANT",
            Op::Nil => "OP_NIL",
            Op::True => "OP_TRUE",
            Op::False => "OP_FALSE",
            Op::Pop => "OP_POP",
            Op::GetLocal => "OP_GET_LOCAL",
            Op::SetLocal => "OP_SET_LOCAL",
            Op::GetGlobal => "OP_GET_GLOBAL",
            Op::DefineGlobal => "OP_DEFINE_GLOBAL",
            Op::SetGlobal => "OP_SET_GLOBAL",
            Op::GetUpvalue => "OP_GET_UPVALUE",
            Op::SetUpvalue => "OP_SET_UPVALUE",
            Op::GetProperty => "OP_GET_PROPERTY",
            Op::SetProperty => "OP_SET_PROPERTY",
            Op::GetSuper => "OP_GET_SUPER",
            Op::Equal => "OP_EQUAL",
            Op::Greater => "OP_GREATER",
            Op::Less => "OP_LESS",
            Op::Add => "OP_ADD",
            Op::Subtract => "OP_SUBTRACT",
            Op::Multiply => "OP_MULTIPLY",
            Op::Divide => "OP_DIVIDE",
            Op::Not => "OP_NOT",
            Op::Negate => "OP_NEGATE",
            Op::Print => "OP_PRINT",
            Op::Jump => "OP_JUMP",
            Op::JumpIfFalse => "OP_JUMP_IF_FALSE",
            Op::Loop => "OP_LOOP",
            Op::Call => "OP_CALL",
            Op::Invoke => "OP_INVOKE",
            Op::SuperInvoke => "OP_SUPER_INVOKE",
            Op::Closure => "OP_CLOSURE",
            Op::CloseUpvalue => "OP_CLOSE_UPVALUE",
            Op::Return => "OP_RETURN",
            Op::Class => "OP_CLASS",
            Op::Inherit => "OP_INHERIT",
            Op::Method => "OP_METHOD",
            Op::Wide => "OP_WIDE",
            Op::JumpLong => "OP_JUMP_LONG",
            Op::JumpIfFalseLong => "OP_JUMP_IF_FALSE_LONG",
            Op::LoopLong => "OP_LOOP_LONG",
            Op::JumpIfFalsePopLong => "OP_JUMP_IF_FALSE_POP_LONG",
            Op::GetGlobalSlot => "OP_GET_GLOBAL_SLOT",
            Op::DefineGlobalSlot => "OP_DEFINE_GLOBAL_SLOT",
            Op::SetGlobalSlot => "OP_SET_GLOBAL_SLOT",
            Op::JumpIfFalsePop => "OP_JUMP_IF_FALSE_POP",
            Op::NotEqual => "OP_NOT_EQUAL",
            Op::LessEqual => "OP_LESS_EQUAL",
            Op::GreaterEqual => "OP_GREATER_EQUAL",
            Op::SetLocalPop => "OP_SET_LOCAL_POP",
            Op::SetUpvaluePop => "OP_SET_UPVALUE_POP",
            Op::SetGlobalPop => "OP_SET_GLOBAL_POP",
            Op::SetGlobalSlotPop => "OP_SET_GLOBAL_SLOT_POP",
            Op::SetPropertyPop => "OP_SET_PROPERTY_POP",
            Op::JumpIfTruePop => "OP_JUMP_IF_TRUE_POP",
            Op::JumpIfLess => "OP_JUMP_IF_LESS",
            Op::JumpIfNotLess => "OP_JUMP_IF_NOT_LESS",
            Op::JumpIfGreater => "OP_JUMP_IF_GREATER",
            Op::JumpIfNotGreater => "OP_JUMP_IF_NOT_GREATER",
            Op::JumpIfEqual => "OP_JUMP_IF_EQUAL",
            Op::JumpIfNotEqual => "OP_JUMP_IF_NOT_EQUAL",
        }
    }

    /// How many values the instruction leaves on the stack minus how many it
    /// takes, as documented on each opcode. For the instructions with an
    /// argument count, the arguments are not counted here: the compiler
    /// adds them as it writes the count. The compiler adds these up to find
    /// each function's deepest stack, which a call checks there is room for.
    pub fn stack_effect(self) -> isize {
        match self {
            Op::Constant
            | Op::Nil
            | Op::True
            | Op::False
            | Op::GetLocal
            | Op::GetGlobal
            | Op::GetGlobalSlot
            | Op::GetUpvalue
            | Op::Closure
            | Op::Class => 1,
            Op::SetLocal
            | Op::SetGlobal
            | Op::SetGlobalSlot
            | Op::SetUpvalue
            | Op::GetProperty
            | Op::Not
            | Op::Negate
            | Op::Jump
            | Op::JumpIfFalse
            | Op::Loop
            | Op::JumpLong
            | Op::JumpIfFalseLong
            | Op::LoopLong
            | Op::Call
            | Op::Invoke
            | Op::Wide => 0,
            Op::Pop
            | Op::DefineGlobal
            | Op::DefineGlobalSlot
            | Op::SetProperty
            | Op::GetSuper
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
            | Op::Method
            | Op::SuperInvoke
            | Op::JumpIfFalsePop
            | Op::JumpIfFalsePopLong
            | Op::JumpIfTruePop
            | Op::SetLocalPop
            | Op::SetUpvaluePop
            | Op::SetGlobalPop
            | Op::SetGlobalSlotPop => -1,
            Op::SetPropertyPop
            | Op::JumpIfLess
            | Op::JumpIfNotLess
            | Op::JumpIfGreater
            | Op::JumpIfNotGreater
            | Op::JumpIfEqual
            | Op::JumpIfNotEqual => -2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_decodes_to_its_own_opcode() {
        for (byte, op) in Op::ALL.iter().enumerate() {
            assert_eq!(*op as usize, byte);
        }
        assert_eq!(Op::from_byte(Op::Wide as u8), Some(Op::Wide));
        assert_eq!(Op::from_byte(Op::ALL.len() as u8), None);
        assert_eq!(size_of::<Op>(), 1);
    }
}
