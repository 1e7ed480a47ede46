//! What `lox --dump` shows of a program in this engine: the shared tree,
//! the slots the compiler reads from it, and the bytecode it emits. Every
//! instruction is one [`Op`], so every instruction has the same size, and
//! each function's listing ends with what its code weighs.

use crate::chunk::Program;
use crate::config::Config;
use crate::disassemble::function_listing;
use crate::globals::GlobalNames;
use crate::heap::Heap;
use crate::op::Op;
use crate::vm::Vm;
use frontend::{CompileErrors, Form, Options};
use std::fmt::Write;

/// The shared tree, the slots the compiler reads, and the bytecode.
pub const FORMS: &[Form] = &[Form::Ast, Form::Resolved, Form::Bytecode];

/// `source` in `form`, compiled as a session with `options` would compile it.
pub fn dump(form: Form, source: &str, options: &Options) -> Option<Result<String, CompileErrors>> {
    if form != Form::Bytecode {
        return frontend::dump::parsed(form, source);
    }
    Some(compiled(source, Config::new(options)).map(|(program, heap)| bytecode(&program, &heap, true)))
}

/// The bytecode `source` compiles to under `config`, in clox's layout alone.
#[cfg(test)]
pub fn listing(source: &str, config: Config) -> Result<String, CompileErrors> {
    compiled(source, config).map(|(program, heap)| bytecode(&program, &heap, false))
}

/// Lists every function of `program` in the order they were compiled (inner
/// functions before the function around them, the script last), each
/// followed by its size when `sizes` is set.
fn bytecode(program: &Program, heap: &Heap, sizes: bool) -> String {
    let mut out = String::new();
    for function in &program.functions {
        function_listing(&mut out, program, heap, function);
        if sizes {
            let (count, size) = (function.chunk.code.len(), size_of::<Op>());
            let _ = writeln!(out, "-- {count} instructions of {size} bytes: {} bytes", count * size);
        }
    }
    out
}

/// `source` compiled, with the heap that holds its constants.
fn compiled(source: &str, config: Config) -> Result<(Program, Heap), CompileErrors> {
    let ast = frontend::parse(source)?;
    let mut program = Program::new(GlobalNames::new(config.name_hash));
    let mut vm = Vm::new(false, config);
    crate::compile::compile(&ast, &mut program, &mut vm.heap, config);
    Ok((program, vm.heap))
}
