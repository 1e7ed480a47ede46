//! Where this engine stands on the ladder, in its own words, for reports
//! that walk the ladder rung by rung (`frontend::Rung`), and the forms a
//! program passes through on its way to running (`lox --dump`).

#![forbid(unsafe_code)]

use frontend::{Form, Rung};
use nanbox_runtime::value::Value;

pub const RUNG: Rung = Rung {
    idea: "`nanbox-vm`'s bytecode, values, heap and collector, but no dispatch loop: each function is \
           translated opcode by opcode into Cranelift IR at its first call and run as machine code. The \
           fetch, decode and jump of every instruction disappear, and the operand stack's slots can live in \
           registers between instructions; what remains are the same calls into the runtime for everything \
           that allocates, looks up or may fail, plus the time Cranelift takes to compile.",
    below: Some("nanbox-vm"),
    value_bytes: std::mem::size_of::<Value>(),
};

/// The shared tree, the slots the compiler reads, the bytecode, and the
/// machine code compiled from it.
pub const FORMS: &[Form] = &[Form::Ast, Form::Resolved, Form::Bytecode, Form::MachineCode];
