//! The bytecode listing, in clox's layout: a `== name ==` header per
//! function (inner functions before the function that contains them, as
//! clox prints them when each finishes compiling), then one line per
//! instruction: offset, line (or `|` when unchanged), opcode and operands.

use crate::chunk::Chunk;
use crate::globals::GlobalNames;
use crate::object::{Gc, ObjFunction, value_text};
use crate::op::Op;
use std::fmt::Write;

/// Lists `function` and every function nested in it.
pub fn disassemble(function: Gc<ObjFunction>, globals: &GlobalNames) -> String {
    let mut out = String::new();
    function_listing(&mut out, &function, globals);
    out
}

fn function_listing(out: &mut String, function: &ObjFunction, globals: &GlobalNames) {
    for constant in &function.chunk.constants {
        if let Some(inner) = constant.as_gc::<ObjFunction>() {
            function_listing(out, &inner, globals);
        }
    }
    let _ = writeln!(out, "== {} ==", function.name_text().unwrap_or("<script>"));
    let mut offset = 0;
    while offset < function.chunk.code.len() {
        offset = instruction(out, &function.chunk, offset, globals);
    }
}

/// Writes the instruction at `offset` and returns the next one's offset.
fn instruction(out: &mut String, chunk: &Chunk, offset: usize, globals: &GlobalNames) -> usize {
    let code = &chunk.code;
    let _ = write!(out, "{offset:04} ");
    let line = chunk.line_at(offset);
    if offset > 0 && line == chunk.line_at(offset - 1) {
        out.push_str("   | ");
    } else {
        let _ = write!(out, "{line:4} ");
    }
    let Some(mut op) = Op::from_byte(code[offset]) else {
        let _ = writeln!(out, "Unknown opcode {}", code[offset]);
        return offset + 1;
    };
    // A `Wide` prefix is shown as part of the instruction it widens.
    let mut at = offset + 1;
    let wide = op == Op::Wide;
    if wide {
        op = Op::from_byte(code[at]).expect("Wide precedes a valid opcode");
        at += 1;
    }
    let name = if wide { format!("{}_WIDE", op.name()) } else { op.name().to_string() };
    let index = |at: usize| -> (usize, usize) {
        if wide {
            (usize::from(code[at]) | usize::from(code[at + 1]) << 8 | usize::from(code[at + 2]) << 16, at + 3)
        } else {
            (usize::from(code[at]), at + 1)
        }
    };
    let le = |bytes: &[u8]| bytes.iter().rev().fold(0usize, |n, &b| n << 8 | usize::from(b));
    match op {
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
        | Op::Method => {
            let (index, next) = index(at);
            let _ = writeln!(out, "{name:<16} {index:4} '{}'", value_text(chunk.constants[index]));
            next
        }
        Op::GetGlobalSlot | Op::DefineGlobalSlot | Op::SetGlobalSlot | Op::SetGlobalSlotPop => {
            let (slot, next) = index(at);
            let _ = writeln!(out, "{name:<16} {slot:4} '{}'", globals.name(slot));
            next
        }
        Op::GetLocal
        | Op::SetLocal
        | Op::SetLocalPop
        | Op::GetUpvalue
        | Op::SetUpvalue
        | Op::SetUpvaluePop
        | Op::Call => {
            let _ = writeln!(out, "{name:<16} {:4}", code[at]);
            at + 1
        }
        Op::Jump
        | Op::JumpIfFalse
        | Op::JumpIfFalsePop
        | Op::JumpIfTruePop
        | Op::JumpIfLess
        | Op::JumpIfNotLess
        | Op::JumpIfGreater
        | Op::JumpIfNotGreater
        | Op::JumpIfEqual
        | Op::JumpIfNotEqual
        | Op::Loop
        | Op::JumpLong
        | Op::JumpIfFalseLong
        | Op::JumpIfFalsePopLong
        | Op::LoopLong => {
            let long = matches!(op, Op::JumpLong | Op::JumpIfFalseLong | Op::JumpIfFalsePopLong | Op::LoopLong);
            let width = if long { 4 } else { 2 };
            let next = at + width;
            let distance = le(&code[at..next]);
            let target = if matches!(op, Op::Loop | Op::LoopLong) { next - distance } else { next + distance };
            let _ = writeln!(out, "{name:<16} {offset:4} -> {target}");
            next
        }
        Op::Invoke | Op::SuperInvoke => {
            let (index, next) = index(at);
            let argc = code[next];
            let _ = writeln!(out, "{name:<16} ({argc} args) {index:4} '{}'", value_text(chunk.constants[index]));
            next + 1
        }
        Op::Closure => {
            let (index, mut next) = index(at);
            let function = chunk.constants[index];
            let _ = writeln!(out, "{name:<16} {index:4} {}", value_text(function));
            for _ in 0..function.expect_gc::<ObjFunction>().upvalue_count {
                let kind = if code[next] == 1 { "local" } else { "upvalue" };
                let _ = writeln!(out, "{next:04}      |                     {kind} {}", code[next + 1]);
                next += 2;
            }
            next
        }
        Op::Nil
        | Op::True
        | Op::False
        | Op::Pop
        | Op::Equal
        | Op::Greater
        | Op::Less
        | Op::LessEqual
        | Op::GreaterEqual
        | Op::NotEqual
        | Op::Add
        | Op::Subtract
        | Op::Multiply
        | Op::Divide
        | Op::Not
        | Op::Negate
        | Op::Print
        | Op::CloseUpvalue
        | Op::Return
        | Op::Inherit
        | Op::Wide => {
            let _ = writeln!(out, "{name}");
            at
        }
    }
}
