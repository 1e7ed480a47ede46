//! The instruction set: one-byte opcodes followed by inline operands, so an
//! instruction is 1 to 5 bytes (a closure's capture list aside).
//!
//! Operand kinds, each read straight from the byte stream:
//! * **index** (a constant or global slot): 1 byte, or 3 bytes (little-endian)
//!   when the instruction follows a [`Op::Wide`] prefix. This is how the
//!   engine has no 256-constant or 256-global limit while the common case
//!   stays one byte.
//! * **slot**, **upvalue**, **argc**: 1 byte each (LOX.md's limits fit).
//! * **jump**: 2 bytes for `Jump`, `JumpIfFalse` and `Loop`; 4 bytes in their
//!   `Long` forms. compile.rs uses the long forms for a whole function when
//!   one of its jumps does not fit in 16 bits, so no jump distance is limited.
//!
//! Stack effects are written as `[before] -> [after]`, top of stack last.

/// One opcode. The discriminants are the bytes in the code.
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
    /// index (global slot): `[] -> [global]`; an error if it is undefined.
    GetGlobal,
    /// index (global slot): `[v] -> []`, defining the global.
    DefineGlobal,
    /// index (global slot): `[v] -> [v]`; an error if it is undefined.
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
    /// 4-byte forms of the three jumps.
    JumpLong,
    JumpIfFalseLong,
    LoopLong,
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
    /// Superinstructions, each fusing a pair the compiler emits often (the
    /// crate doc has their measurements):
    /// jump (forward), when the top is falsey, popping it either way:
    /// `[c] -> []`. An `if` or `while` condition test (was `JumpIfFalse; Pop`).
    JumpIfFalsePop,
    JumpIfFalsePopLong,
    /// `[a b] -> [!(a > b)]` (was `Greater; Not`).
    LessEqual,
    /// `[a b] -> [!(a < b)]` (was `Less; Not`).
    GreaterEqual,
    /// `[a b] -> [!(a == b)]` (was `Equal; Not`).
    NotEqual,
    /// slot: `[v] -> []`, storing v in the local: an assignment statement
    /// (was `SetLocal; Pop`).
    SetLocalPop,
    /// Prefix: the next instruction's index operand is 3 bytes.
    Wide,
}

impl Op {
    pub const ALL: [Op; 47] = [
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
        Op::JumpLong,
        Op::JumpIfFalseLong,
        Op::LoopLong,
        Op::Call,
        Op::Invoke,
        Op::SuperInvoke,
        Op::Closure,
        Op::CloseUpvalue,
        Op::Return,
        Op::Class,
        Op::Inherit,
        Op::Method,
        Op::JumpIfFalsePop,
        Op::JumpIfFalsePopLong,
        Op::LessEqual,
        Op::GreaterEqual,
        Op::NotEqual,
        Op::SetLocalPop,
        Op::Wide,
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
            Op::JumpLong => "OP_JUMP_LONG",
            Op::JumpIfFalseLong => "OP_JUMP_IF_FALSE_LONG",
            Op::LoopLong => "OP_LOOP_LONG",
            Op::Call => "OP_CALL",
            Op::Invoke => "OP_INVOKE",
            Op::SuperInvoke => "OP_SUPER_INVOKE",
            Op::Closure => "OP_CLOSURE",
            Op::CloseUpvalue => "OP_CLOSE_UPVALUE",
            Op::Return => "OP_RETURN",
            Op::Class => "OP_CLASS",
            Op::Inherit => "OP_INHERIT",
            Op::Method => "OP_METHOD",
            Op::JumpIfFalsePop => "OP_JUMP_IF_FALSE_POP",
            Op::JumpIfFalsePopLong => "OP_JUMP_IF_FALSE_POP_LONG",
            Op::LessEqual => "OP_LESS_EQUAL",
            Op::GreaterEqual => "OP_GREATER_EQUAL",
            Op::NotEqual => "OP_NOT_EQUAL",
            Op::SetLocalPop => "OP_SET_LOCAL_POP",
            Op::Wide => "OP_WIDE",
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
        assert_eq!(Op::from_byte(Op::Wide as u8 + 1), None);
        assert_eq!(size_of::<Op>(), 1);
    }
}
