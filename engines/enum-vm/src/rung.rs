//! Where this engine stands on the ladder, in its own words, for reports
//! that walk the ladder rung by rung (`frontend::Rung`).

use crate::value::Value;
use frontend::Rung;

pub const RUNG: Rung = Rung {
    idea: "The rung where the tree goes away: each function is compiled once into a flat array of \
           instructions, run by one loop over one explicit value stack, as clox does. Control flow is jumps and \
           a Lox call pushes a frame in the same loop without allocating, but every instruction is fetched and \
           matched and every value goes through the stack. Instructions are a Rust enum and values a 16-byte \
           enum, in safe Rust.",
    below: Some("closure-compiler"),
    value_bytes: std::mem::size_of::<Value>(),
};
