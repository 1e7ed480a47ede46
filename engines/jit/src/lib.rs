//! # `jit`: nanbox-vm's bytecode compiled to machine code
//!
//! (The crate doc is written below, once the engine runs.)

mod call;
mod codegen;
mod config;
mod decode;
mod helpers;
mod layout;
mod translate;
mod vm;

use codegen::Codegen;
use config::Config;
use frontend::diagnostics::RunError;
use frontend::tuning::Tuning;
use frontend::{CompileErrors, Engine, Options, Session};
use nanbox_runtime::value::Value;
use std::io::Write;
use vm::Vm;

pub use config::TUNINGS;

/// The engine, as registered.
pub struct Jit;

impl Engine for Jit {
    fn name(&self) -> &'static str {
        "jit"
    }

    fn description(&self) -> &'static str {
        "baseline JIT: nanbox-vm's bytecode compiled to machine code with Cranelift, on nanbox-vm's runtime"
    }

    fn session(&self, options: Options) -> Box<dyn Session> {
        Box::new(JitSession::new(&options))
    }

    fn tunings(&self) -> &'static [Tuning] {
        TUNINGS
    }

    fn disassemble(&self, source: &str) -> Option<Result<String, CompileErrors>> {
        Some(listing(source, &Options::default()))
    }
}

/// What `source` compiles to: its bytecode, then each function's Cranelift
/// IR and machine code.
fn listing(source: &str, options: &Options) -> Result<String, CompileErrors> {
    let mut session = JitSession::new(options);
    session.codegen.listing = Some(String::new());
    session.prepare(source)?;
    let vm = &session.vm;
    let script = vm.script.expect("prepared");
    let bytecode = nanbox_runtime::disassemble::disassemble(script, &vm.global_names);
    Ok(format!("{bytecode}\n{}", session.codegen.listing.take().unwrap_or_default()))
}

/// A session: the machine with its globals, the JIT module holding every
/// function compiled so far, and the script prepared last.
struct JitSession {
    vm: Vm,
    codegen: Codegen,
}

impl JitSession {
    fn new(options: &Options) -> JitSession {
        let mut vm = Vm::new(options.gc_stress, Config::new(options));
        vm.max_heap = options.max_heap;
        let clock = vm.heap.new_native(|_| Value::number(frontend::natives::clock()));
        vm.define_native(frontend::natives::CLOCK, clock.value());
        JitSession { vm, codegen: Codegen::new() }
    }
}

impl Session for JitSession {
    fn prepare(&mut self, source: &str) -> Result<(), CompileErrors> {
        let ast = frontend::parse(source)?;
        let vm = &mut self.vm;
        let script = nanbox_runtime::compile::compile(&ast, &mut vm.heap, &mut vm.global_names, vm.config);
        vm.script = Some(script);
        self.codegen.compile(script);
        Ok(())
    }

    fn run(&mut self, out: &mut dyn Write) -> Result<(), RunError> {
        self.vm.run(out)
    }
}
