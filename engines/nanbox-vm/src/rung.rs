//! Where this engine stands on the ladder, in its own words, for reports
//! that walk the ladder rung by rung (`frontend::Rung`).

#![forbid(unsafe_code)]

use frontend::Rung;
use nanbox_runtime::value::Value;

pub const RUNG: Rung = Rung {
    idea: "The same bytecode machine as `enum-vm`, with clox's representation: a value is a NaN-boxed `u64`, \
           an instruction a one-byte opcode followed by its operand bytes, an object a struct behind a common \
           header reached by a raw pointer, and the loop walks code and stack with raw pointers. Half the memory \
           for every value and several instructions to a cache line, bought with `unsafe` code fenced into a \
           few modules.",
    below: Some("enum-vm"),
    value_bytes: std::mem::size_of::<Value>(),
};
