//! What `lox --dump` shows of a program in this engine: the shared tree,
//! the slots the compiler reads from it, and the bytecode it emits, byte
//! for byte. An instruction is an opcode byte and its operand bytes, so
//! instructions differ in size; each line of the listing shows the bytes it
//! was decoded from, and each function ends with what its code weighs.

#![forbid(unsafe_code)]

use crate::config::Config;
use crate::vm::Vm;
use frontend::{CompileErrors, Form, Options};
use nanbox_runtime::disassemble::disassemble;
use nanbox_runtime::object::{Gc, ObjFunction};
use std::fmt::Write;

/// The shared tree, the slots the compiler reads, and the bytecode.
pub const FORMS: &[Form] = &[Form::Ast, Form::Resolved, Form::Bytecode];

/// `source` in `form`, compiled as a session with `options` would compile it.
pub fn dump(form: Form, source: &str, options: &Options) -> Option<Result<String, CompileErrors>> {
    if form != Form::Bytecode {
        return frontend::dump::parsed(form, source);
    }
    Some(compiled(source, Config::new(options), |script, listing| {
        let mut chunks = Vec::new();
        in_listing_order(&script, &mut chunks);
        with_bytes(listing, &chunks)
    }))
}

/// The bytecode `source` compiles to under `config`, in clox's layout.
#[cfg(test)]
pub fn listing(source: &str, config: Config) -> Result<String, CompileErrors> {
    compiled(source, config, |_, listing| listing.to_string())
}

/// Compiles `source` and hands the script and its listing to `show` while
/// the heap that holds them is alive.
fn compiled<R>(
    source: &str,
    config: Config,
    show: impl FnOnce(Gc<ObjFunction>, &str) -> R,
) -> Result<R, CompileErrors> {
    let ast = frontend::parse(source)?;
    let mut vm = Vm::new(false, config);
    let script = crate::compile::compile(&ast, &mut vm.heap, &mut vm.global_names, config);
    Ok(show(script, &disassemble(script, &vm.global_names)))
}

/// The functions' code in the order the listing shows them: the functions
/// among a chunk's constants before the function itself.
fn in_listing_order(function: &ObjFunction, chunks: &mut Vec<Vec<u8>>) {
    for constant in &function.chunk.constants {
        if let Some(inner) = constant.as_gc::<ObjFunction>() {
            in_listing_order(&inner, chunks);
        }
    }
    chunks.push(function.chunk.code.clone());
}

/// `listing` with the bytes of each line beside its offset, and each
/// function's size after it. A line's bytes run from its offset to the next
/// line's (a closure's capture pairs have lines of their own).
fn with_bytes(listing: &str, chunks: &[Vec<u8>]) -> String {
    let lines: Vec<&str> = listing.lines().collect();
    let offset = |line: &str| line.get(..4).and_then(|digits| digits.parse::<usize>().ok());
    let mut out = String::new();
    let mut chunks = chunks.iter();
    let mut code: &[u8] = &[];
    for (index, line) in lines.iter().enumerate() {
        let Some(start) = offset(line) else {
            code = chunks.next().map_or(&[], |chunk| chunk);
            let _ = writeln!(out, "{line}");
            continue;
        };
        let end = lines.get(index + 1).and_then(|next| offset(next)).unwrap_or(code.len());
        let bytes: Vec<String> = code[start..end].iter().map(|byte| format!("{byte:02x}")).collect();
        let _ = writeln!(out, "{start:04}  {:<17} {}", bytes.join(" "), &line[5..]);
        if end == code.len() {
            let _ = writeln!(out, "-- {} bytes", code.len());
        }
    }
    out
}
