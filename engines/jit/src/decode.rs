//! Reading a function's bytecode before translating it: each instruction
//! with its operands, the stack height before it, which instructions are
//! reachable, where jumps land, and which slots closures capture.
//!
//! The compiler's stack discipline makes the height before every
//! instruction a constant (a jump's target has the jump's height), so every
//! operand-stack position is known when the function is translated: the
//! value at height `h` is the frame's slot `h`, in a register as long as it
//! can be, at `slots + 8 * h` in memory when it must be.

use nanbox_runtime::object::{Gc, ObjFunction};
use nanbox_runtime::op::Op;
use std::collections::{BTreeMap, BTreeSet};

/// One instruction, decoded.
#[derive(Clone, Copy, Debug)]
pub struct Instruction {
    /// Where it starts in the chunk (its `Wide` prefix, if it has one).
    pub offset: usize,
    /// The opcode, after any `Wide` prefix.
    pub op: Op,
    /// The first operand: an index, a slot, an argument count, or a jump's
    /// target offset.
    pub a: usize,
    /// The second operand: `Invoke`'s and `SuperInvoke`'s argument count, or
    /// where `Closure`'s capture bytes start.
    pub b: usize,
    /// Where the next instruction starts.
    pub next: usize,
}

/// What translation needs to know about a function's code.
pub struct Code {
    /// Every instruction the function can run, in code order, with the
    /// stack height before it. Unreachable code (a `return` at the end of a
    /// body whose every path has returned) is left out.
    pub instructions: Vec<(Instruction, usize)>,
    /// The offsets jumps land on: each starts a block of machine code.
    pub targets: BTreeSet<usize>,
    /// The slots a closure captures from this function's frame. Their
    /// values live in memory, never only in a register: an open upvalue
    /// reads and writes them there.
    pub captured: Vec<bool>,
    /// The parameters (slots 1 to arity, and slot 0) that the function never
    /// assigns: their memory holds their value throughout.
    pub unassigned: Vec<bool>,
    /// The slots some `GetLocal` reads: a parameter no one reads is not
    /// loaded at entry.
    pub read: Vec<bool>,
}

impl Code {
    pub fn of(function: Gc<ObjFunction>) -> Code {
        let all = decode_all(function);
        let by_offset: BTreeMap<usize, usize> = all.iter().enumerate().map(|(i, ins)| (ins.offset, i)).collect();
        let slots = function.max_stack.max(function.arity + 1);
        let mut heights: Vec<Option<usize>> = vec![None; all.len()];
        let mut targets = BTreeSet::new();
        let mut work = vec![(0, function.arity + 1)];
        while let Some((offset, height)) = work.pop() {
            let index = by_offset[&offset];
            if heights[index].is_some() {
                continue;
            }
            heights[index] = Some(height);
            let instruction = all[index];
            let after = height.checked_add_signed(effect(&instruction)).expect("the stack never underflows");
            if is_jump(instruction.op) {
                targets.insert(instruction.a);
                work.push((instruction.a, after));
            }
            if falls_through(instruction.op) {
                work.push((instruction.next, after));
            }
        }
        let mut captured = vec![false; slots];
        let mut unassigned = vec![false; slots];
        let mut read = vec![false; slots];
        unassigned[..=function.arity].fill(true);
        let code = &function.chunk.code;
        for (instruction, height) in all.iter().zip(&heights) {
            if height.is_none() {
                continue;
            }
            match instruction.op {
                Op::Closure => {
                    let captures = upvalue_count(function, instruction.a);
                    for pair in code[instruction.b..instruction.b + 2 * captures].chunks_exact(2) {
                        if pair[0] == 1 {
                            captured[usize::from(pair[1])] = true;
                        }
                    }
                }
                Op::SetLocal | Op::SetLocalPop => unassigned[instruction.a] = false,
                Op::GetLocal => read[instruction.a] = true,
                _ => {}
            }
        }
        let instructions = all.into_iter().zip(heights).filter_map(|(ins, height)| Some((ins, height?))).collect();
        Code { instructions, targets, captured, unassigned, read }
    }
}

fn upvalue_count(function: Gc<ObjFunction>, index: usize) -> usize {
    function.chunk.constants[index].expect_gc::<ObjFunction>().upvalue_count
}

/// Every instruction of the chunk, reachable or not, in order.
fn decode_all(function: Gc<ObjFunction>) -> Vec<Instruction> {
    let code = &function.chunk.code;
    let mut all = Vec::new();
    let mut offset = 0;
    while offset < code.len() {
        let instruction = decode(function, offset);
        offset = instruction.next;
        all.push(instruction);
    }
    all
}

/// The instruction at `offset`.
fn decode(function: Gc<ObjFunction>, offset: usize) -> Instruction {
    let code = &function.chunk.code;
    let byte = |at: usize| usize::from(code[at]);
    let mut op = Op::from_byte(code[offset]).expect("compile.rs writes opcodes at instruction starts");
    let mut at = offset + 1;
    let wide = op == Op::Wide;
    if wide {
        op = Op::from_byte(code[at]).expect("Wide precedes an opcode");
        at += 1;
    }
    let mut index = || {
        if wide {
            at += 3;
            byte(at - 3) | byte(at - 2) << 8 | byte(at - 1) << 16
        } else {
            at += 1;
            byte(at - 1)
        }
    };
    let (a, b) = match op {
        Op::Constant
        | Op::GetGlobal
        | Op::DefineGlobal
        | Op::SetGlobal
        | Op::SetGlobalPop
        | Op::GetProperty
        | Op::SetProperty
        | Op::SetPropertyPop
        | Op::GetSuper
        | Op::Class
        | Op::Method
        | Op::GetGlobalSlot
        | Op::DefineGlobalSlot
        | Op::SetGlobalSlot
        | Op::SetGlobalSlotPop => (index(), 0),
        Op::Invoke | Op::SuperInvoke => {
            let name = index();
            at += 1;
            (name, byte(at - 1))
        }
        Op::Closure => {
            let function_index = index();
            let captures = at;
            at += 2 * upvalue_count(function, function_index);
            (function_index, captures)
        }
        Op::GetLocal
        | Op::SetLocal
        | Op::SetLocalPop
        | Op::GetUpvalue
        | Op::SetUpvalue
        | Op::SetUpvaluePop
        | Op::Call => {
            at += 1;
            (byte(at - 1), 0)
        }
        Op::JumpLong | Op::JumpIfFalseLong | Op::JumpIfFalsePopLong | Op::LoopLong => {
            let distance = u32::from_le_bytes(code[at..at + 4].try_into().expect("4 bytes")) as usize;
            at += 4;
            (if op == Op::LoopLong { at - distance } else { at + distance }, 0)
        }
        _ if is_jump(op) => {
            let distance = usize::from(u16::from_le_bytes([code[at], code[at + 1]]));
            at += 2;
            (if op == Op::Loop { at - distance } else { at + distance }, 0)
        }
        _ => (0, 0),
    };
    Instruction { offset, op, a, b, next: at }
}

/// How the instruction changes the stack height, arguments included.
fn effect(instruction: &Instruction) -> isize {
    let argc = match instruction.op {
        Op::Call => instruction.a,
        Op::Invoke | Op::SuperInvoke => instruction.b,
        _ => 0,
    };
    instruction.op.stack_effect() - argc as isize
}

pub fn is_jump(op: Op) -> bool {
    matches!(
        op,
        Op::Jump
            | Op::JumpIfFalse
            | Op::Loop
            | Op::JumpLong
            | Op::JumpIfFalseLong
            | Op::LoopLong
            | Op::JumpIfFalsePopLong
            | Op::JumpIfFalsePop
            | Op::JumpIfTruePop
            | Op::JumpIfLess
            | Op::JumpIfNotLess
            | Op::JumpIfGreater
            | Op::JumpIfNotGreater
            | Op::JumpIfEqual
            | Op::JumpIfNotEqual
    )
}

/// Whether control can go on to the next instruction.
pub fn falls_through(op: Op) -> bool {
    !matches!(op, Op::Jump | Op::JumpLong | Op::Loop | Op::LoopLong | Op::Return)
}
