//! Bytecode listings for humans, laid out as clox's `debug.c` prints them.
//!
//! ```text
//! == fib ==
//! 0000    1 OP_GET_LOCAL        1
//! 0001    | OP_CONSTANT         0 '2'
//! 0002    | OP_LESS
//! 0003    | OP_JUMP_IF_FALSE    3 -> 7
//! ```
//!
//! Each line is an instruction's offset, its source line (`|` when it is
//! the line of the instruction before), its name and its operands; constant
//! and global operands are followed by what they name. Offsets count
//! instructions, not bytes, because every instruction is one enum value.

use crate::chunk::{Function, Program};
use crate::heap::Heap;
use crate::op::{CodeOffset, ConstIndex, GlobalIndex, Op};
use frontend::ast::FunctionKind;
use std::fmt::Write;

/// Lists one function's code under a `== name ==` header ([`crate::dump`]
/// lists every function of a program).
pub fn function_listing(out: &mut String, program: &Program, heap: &Heap, function: &Function) {
    let name = if function.kind == FunctionKind::Script { "<script>" } else { &function.name };
    let _ = writeln!(out, "== {name} ==");
    for offset in 0..function.chunk.code.len() {
        instruction(out, program, heap, function, offset);
    }
}

fn instruction(out: &mut String, program: &Program, heap: &Heap, function: &Function, offset: usize) {
    let chunk = &function.chunk;
    let line = chunk.lines[offset];
    let _ = write!(out, "{offset:04} ");
    if offset > 0 && chunk.lines[offset - 1] == line {
        out.push_str("   | ");
    } else {
        let _ = write!(out, "{line:4} ");
    }
    let constant = |out: &mut String, name: &str, index: ConstIndex| {
        let _ = write!(out, "{name:<16} {:4} '", index.0);
        heap.write_value(out, chunk.constant(index), program);
        out.push('\'');
    };
    let global = |out: &mut String, name: &str, slot: GlobalIndex| {
        let _ = write!(out, "{name:<16} {:4} '{}'", slot.0, program.global_names.name(slot));
    };
    let operand = |out: &mut String, name: &str, operand: u32| {
        let _ = write!(out, "{name:<16} {operand:4}");
    };
    let jump = |out: &mut String, name: &str, target: CodeOffset| {
        let _ = write!(out, "{name:<16} {offset:4} -> {}", target.0);
    };
    let invoke = |out: &mut String, name: &str, index: ConstIndex, argc: u8| {
        let _ = write!(out, "{name:<16} ({argc} args) {:4} '", index.0);
        heap.write_value(out, chunk.constant(index), program);
        out.push('\'');
    };
    match chunk.code[offset] {
        Op::Constant(index) => constant(out, "OP_CONSTANT", index),
        Op::Nil => out.push_str("OP_NIL"),
        Op::True => out.push_str("OP_TRUE"),
        Op::False => out.push_str("OP_FALSE"),
        Op::Pop => out.push_str("OP_POP"),
        Op::GetLocal(slot) => operand(out, "OP_GET_LOCAL", slot.into()),
        Op::SetLocal(slot) => operand(out, "OP_SET_LOCAL", slot.into()),
        Op::GetGlobal(index) => constant(out, "OP_GET_GLOBAL", index),
        Op::DefineGlobal(index) => constant(out, "OP_DEFINE_GLOBAL", index),
        Op::SetGlobal(index) => constant(out, "OP_SET_GLOBAL", index),
        Op::GetUpvalue(index) => operand(out, "OP_GET_UPVALUE", index.into()),
        Op::SetUpvalue(index) => operand(out, "OP_SET_UPVALUE", index.into()),
        Op::GetProperty(index) => constant(out, "OP_GET_PROPERTY", index),
        Op::SetProperty(index) => constant(out, "OP_SET_PROPERTY", index),
        Op::GetSuper(index) => constant(out, "OP_GET_SUPER", index),
        Op::Equal => out.push_str("OP_EQUAL"),
        Op::Greater => out.push_str("OP_GREATER"),
        Op::Less => out.push_str("OP_LESS"),
        Op::Add => out.push_str("OP_ADD"),
        Op::Subtract => out.push_str("OP_SUBTRACT"),
        Op::Multiply => out.push_str("OP_MULTIPLY"),
        Op::Divide => out.push_str("OP_DIVIDE"),
        Op::Not => out.push_str("OP_NOT"),
        Op::Negate => out.push_str("OP_NEGATE"),
        Op::Print => out.push_str("OP_PRINT"),
        Op::Jump(target) => jump(out, "OP_JUMP", target),
        Op::JumpIfFalse(target) => jump(out, "OP_JUMP_IF_FALSE", target),
        Op::Loop(target) => jump(out, "OP_LOOP", target),
        Op::Call(argc) => operand(out, "OP_CALL", argc.into()),
        Op::Invoke(index, argc) => invoke(out, "OP_INVOKE", index, argc),
        Op::SuperInvoke(index, argc) => invoke(out, "OP_SUPER_INVOKE", index, argc),
        Op::Closure(index) => {
            let closed = program.function(index);
            let _ = write!(out, "{:<16} {:4} <fn {}>", "OP_CLOSURE", index.0, closed.name);
            for capture in &closed.captures {
                let kind = if capture.is_local { "local" } else { "upvalue" };
                let _ = write!(out, "\n{offset:04}      |                     {kind} {}", capture.index);
            }
        }
        Op::CloseUpvalue => out.push_str("OP_CLOSE_UPVALUE"),
        Op::Return => out.push_str("OP_RETURN"),
        Op::Class(index) => constant(out, "OP_CLASS", index),
        Op::Inherit => out.push_str("OP_INHERIT"),
        Op::Method(index) => constant(out, "OP_METHOD", index),
        Op::GetGlobalSlot(slot) => global(out, "OP_GET_GLOBAL_SLOT", slot),
        Op::DefineGlobalSlot(slot) => global(out, "OP_DEFINE_GLOBAL_SLOT", slot),
        Op::SetGlobalSlot(slot) => global(out, "OP_SET_GLOBAL_SLOT", slot),
        Op::JumpIfFalsePop(target) => jump(out, "OP_JUMP_IF_FALSE_POP", target),
        Op::NotEqual => out.push_str("OP_NOT_EQUAL"),
        Op::LessEqual => out.push_str("OP_LESS_EQUAL"),
        Op::GreaterEqual => out.push_str("OP_GREATER_EQUAL"),
        Op::SetLocalPop(slot) => operand(out, "OP_SET_LOCAL_POP", slot.into()),
        Op::SetUpvaluePop(index) => operand(out, "OP_SET_UPVALUE_POP", index.into()),
        Op::SetGlobalPop(index) => constant(out, "OP_SET_GLOBAL_POP", index),
        Op::SetGlobalSlotPop(slot) => global(out, "OP_SET_GLOBAL_SLOT_POP", slot),
        Op::SetPropertyPop(index) => constant(out, "OP_SET_PROPERTY_POP", index),
        Op::JumpIfTruePop(target) => jump(out, "OP_JUMP_IF_TRUE_POP", target),
        Op::JumpIfLess(target) => jump(out, "OP_JUMP_IF_LESS", target),
        Op::JumpIfNotLess(target) => jump(out, "OP_JUMP_IF_NOT_LESS", target),
        Op::JumpIfGreater(target) => jump(out, "OP_JUMP_IF_GREATER", target),
        Op::JumpIfNotGreater(target) => jump(out, "OP_JUMP_IF_NOT_GREATER", target),
        Op::JumpIfEqual(target) => jump(out, "OP_JUMP_IF_EQUAL", target),
        Op::JumpIfNotEqual(target) => jump(out, "OP_JUMP_IF_NOT_EQUAL", target),
    }
    out.push('\n');
}
