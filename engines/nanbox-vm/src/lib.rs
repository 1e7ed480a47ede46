//! # `nanbox-vm`: clox's design in Rust
//!
//! The top rung: a bytecode VM with clox's data representation and clox's
//! speed tricks, written in Rust with its unsafe code fenced into named
//! modules.
//!
//! (Measured figures are filled in below once taken.)
//!
//! ## Where unsafe code lives, and why it is sound
//! * [`value`]: a value is a NaN-boxed `u64`; turning its payload back into
//!   an object pointer relies on object values only being made from live
//!   object pointers.
//! * [`object`] and [`heap`]: objects are boxed structs behind a common
//!   header, reached through `Gc<T>`; a `Gc` is only held while the object is
//!   reachable from a root or while the collector cannot run.
//! * [`gc`]: marking reads objects reached from roots; sweeping frees only
//!   unmarked ones.
//! * [`table`]: unchecked indexing with indices masked by a power-of-two
//!   capacity.
//! * [`vm`] and [`call`]: raw instruction and stack pointers, relying on the
//!   compiler's guarantees about the code it emits (documented in vm.rs).

mod call;
mod chunk;
mod compile;
mod disassemble;
mod gc;
mod heap;
mod object;
mod op;
mod table;
mod value;
mod vm;

use frontend::diagnostics::RunError;
use frontend::{CompileErrors, Engine, Options, Session, WorkCount};
use std::io::Write;
use vm::Vm;

/// The engine, as registered.
pub struct NanboxVm;

impl Engine for NanboxVm {
    fn name(&self) -> &'static str {
        "nanbox-vm"
    }

    fn description(&self) -> &'static str {
        "bytecode VM as clox: NaN-boxed values, one-byte opcodes, raw pointers, mark-sweep GC"
    }

    fn session(&self, options: Options) -> Box<dyn Session> {
        Box::new(NanboxSession { vm: Vm::new(options.gc_stress) })
    }

    fn disassemble(&self, source: &str) -> Option<Result<String, CompileErrors>> {
        let program = match frontend::parse(source) {
            Ok(program) => program,
            Err(errors) => return Some(Err(errors)),
        };
        let mut vm = Vm::new(false);
        let script = compile::compile(&program, &mut vm.heap, &mut vm.global_names);
        Some(Ok(disassemble::disassemble(script, &vm.global_names)))
    }
}

struct NanboxSession {
    vm: Vm,
}

impl Session for NanboxSession {
    fn prepare(&mut self, source: &str) -> Result<(), CompileErrors> {
        let program = frontend::parse(source)?;
        let script = compile::compile(&program, &mut self.vm.heap, &mut self.vm.global_names);
        self.vm.script = Some(script);
        Ok(())
    }

    fn run(&mut self, out: &mut dyn Write) -> Result<(), RunError> {
        self.vm.run(out)
    }

    fn work_count(&self) -> Option<WorkCount> {
        cfg!(feature = "work-count").then_some(WorkCount { count: self.vm.work, unit: "instructions" })
    }
}
