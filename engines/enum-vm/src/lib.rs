//! # `enum-vm`: a bytecode VM whose instructions are a Rust enum
//!
//! (The measured figures are filled in below once taken.)
//!
//! ## How it runs
//! * [`compile`] walks the resolved syntax tree once and emits bytecode
//!   into one [`chunk::Chunk`] per function.
//! * [`op`] is the instruction set: a Rust enum, eight bytes per instruction.
//! * [`vm`] runs it: one `match` in a loop over a value stack.
//! * [`call`] makes frames, classes, bound methods and property lookups.
//! * [`heap`] and [`gc`]: objects live in an arena addressed by index and
//!   are freed by a tracing mark-sweep collector.
//! * [`disassemble`] prints the bytecode as clox's `debug.c` does.

#![forbid(unsafe_code)]

mod call;
mod chunk;
mod compile;
mod disassemble;
mod gc;
mod heap;
mod object;
mod op;
mod table;
mod upvalue;
mod value;
mod vm;

use chunk::Program;
use frontend::diagnostics::RunError;
use frontend::{CompileErrors, Engine, Options, Session, WorkCount};
use heap::Heap;
use object::{Native, Object};
use op::ProtoIndex;
use std::io::Write;
use value::Value;
use vm::Vm;

/// The engine, as registered.
pub struct EnumVm;

impl Engine for EnumVm {
    fn name(&self) -> &'static str {
        "enum-vm"
    }

    fn description(&self) -> &'static str {
        "bytecode VM; instructions a Rust enum dispatched by one match, mark-sweep GC over an arena"
    }

    fn session(&self, options: Options) -> Box<dyn Session> {
        Box::new(EnumVmSession::new(options))
    }

    fn disassemble(&self, source: &str) -> Option<Result<String, CompileErrors>> {
        let ast = match frontend::parse(source) {
            Ok(ast) => ast,
            Err(errors) => return Some(Err(errors)),
        };
        let mut program = Program::default();
        let mut heap = Heap::new(false);
        compile::compile(&ast, &mut program, &mut heap);
        Some(Ok(disassemble::disassemble_program(&program, &heap)))
    }
}

/// A session: the compiled code so far, and the machine with its globals.
struct EnumVmSession {
    program: Program,
    vm: Vm,
    /// The script prepared last, to run next.
    script: Option<ProtoIndex>,
}

impl EnumVmSession {
    fn new(options: Options) -> EnumVmSession {
        let mut program = Program::default();
        let mut vm = Vm::new(Heap::new(options.gc_stress));
        let clock = vm.heap.insert(Object::Native(Native { function: |_| Value::Number(frontend::natives::clock()) }));
        vm.define_global(program.global(&frontend::natives::CLOCK.into()), Value::Obj(clock));
        EnumVmSession { program, vm, script: None }
    }
}

impl Session for EnumVmSession {
    fn prepare(&mut self, source: &str) -> Result<(), CompileErrors> {
        let ast = frontend::parse(source)?;
        self.script = Some(compile::compile(&ast, &mut self.program, &mut self.vm.heap));
        Ok(())
    }

    fn run(&mut self, out: &mut dyn Write) -> Result<(), RunError> {
        let script = self.script.expect("run follows a successful prepare");
        self.vm.run(&self.program, script, out)
    }

    fn work_count(&self) -> Option<WorkCount> {
        cfg!(feature = "work-count").then_some(WorkCount { count: self.vm.work, unit: "instructions" })
    }
}
