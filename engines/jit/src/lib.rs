//! # `jit`: nanbox-vm's bytecode compiled to machine code
//!
//! The top of the ladder: the same bytecode, values, objects, heap and
//! collector as `nanbox-vm` (all from `nanbox-runtime`), run as machine code
//! instead of by a dispatch loop. Each Lox function is compiled with
//! Cranelift before it first runs (the script when its program is
//! prepared, a function at its first call); a call runs the callee's
//! machine code directly.
//!
//! ## What a baseline JIT is
//! A baseline JIT translates each bytecode instruction into a fixed piece of
//! machine code, in order, without studying the program first: no types
//! inferred, no code specialised to what has run, no inlining. It is the
//! first tier of JavaScript and JVM engines (V8's Sparkplug, for one), which
//! compile quickly and run everything, before an optimising tier takes the
//! hot code. Here it is the only tier, and it isolates one idea: what
//! removing the interpreter's dispatch, and keeping values in registers,
//! buys over the same bytecode on the same runtime.
//!
//! ## Why from the bytecode, not from the AST
//! Translating the bytecode keeps the rungs honest: `nanbox-vm` and `jit`
//! run literally the same instructions (the shared compiler, with the same
//! tunings), so the step between them is how an instruction runs and
//! nothing else. The bytecode also settles the hard questions once: every
//! variable is a stack slot, every temporary a stack position whose height
//! is known before each instruction, every jump an offset. A translator
//! from the AST would redo the compiler's work and could diverge from it.
//!
//! ## What it keeps from nanbox-vm, and what it removes
//! * **Kept**: the instruction set and the compiler; NaN-boxed values; the
//!   objects, heap, interning, tables and collector; the fixed value stack
//!   and the frame stack, so traces, `Stack overflow.` at frame 1025 and
//!   the collector's roots are those of nanbox-vm; every message.
//! * **Removed**: the dispatch loop. There is no opcode fetch, no `match`,
//!   no `ip` advanced at run time: each instruction is its own machine code,
//!   and jumps are branches. The operand stack becomes Cranelift variables,
//!   one per stack position (decode.rs knows each instruction's stack
//!   height), so values stay in registers between instructions; they are
//!   stored into their stack slots only before a call into the runtime or
//!   another function, where the collector or a callee may look (see
//!   translate.rs). A slot that a closure captures lives in memory only,
//!   where its open upvalue reads and writes it.
//!
//! ## How it runs
//! * [`decode`] reads a function's bytecode: instructions, stack heights,
//!   jump targets, captured slots.
//! * [`translate`] builds one function's Cranelift IR, one instruction at a
//!   time. Inline: locals, constants, jumps and loops, number arithmetic and
//!   comparisons behind a tag test, global slots, calls of closures (the
//!   callee's machine code is called directly; its prologue checks the
//!   arity and the room left, and pushes its frame) and returns.
//! * [`helpers`] is everything else, as `extern "C"` functions the machine
//!   code calls by address: properties, methods and `super`, strings,
//!   closures and upvalues, classes, globals by name, printing, calls of
//!   anything but a closure ([`call`]), and every runtime error. A helper
//!   that fails records the error and returns a value no Lox value has
//!   (`ABSENT`); the machine code unwinds by returning it.
//! * [`codegen`] owns the session's Cranelift module. The script is
//!   compiled at `prepare`, every other function at its first call
//!   ([`lazy`]): Cranelift costs thousands of instructions per instruction
//!   it compiles, more than a short program spends running, so a function
//!   that never runs is never compiled. The harness therefore shows the
//!   script's compile time in `prepare` and a function's in the run that
//!   first calls it. Functions of earlier programs (the prompt) stay
//!   compiled.
//! * [`vm`] is the state (as nanbox-vm's `Vm`) and the entry into the
//!   script; [`layout`] the field offsets machine code uses.
//!
//! `lox --engine jit --dump bytecode FILE` prints the bytecode, and
//! `--dump machine-code` each function's Cranelift IR after optimisation and
//! its machine code, as Cranelift prints them.
//!
//! ## Tunings
//! nanbox-vm's five, because they choose the bytecode (or the heap's hash
//! and pool) and the bytecode is shared: `superinstructions`,
//! `fused-conditions`, `global-slots`, `fx-hash` and `instance-pool`.
//! `jit:plain` compiles clox's own bytecode. Compiling to machine code is
//! the strategy, and the jit adds no optimisation of its own beyond
//! Cranelift's.
//!
//! ## Where unsafe code lives, and why it is sound
//! * Machine code: it reads and writes the state, the frames and the stack
//!   through raw addresses. translate.rs upholds nanbox-vm's invariants (a
//!   frame is pushed only after the room check; stack positions stay below
//!   the function's `max_stack`; the compiler's guarantees about operands
//!   hold because the bytecode is the same), and [`layout`] takes every
//!   offset from the Rust types.
//! * [`vm`], [`call`]: entering machine code through a function pointer
//!   made from the address Cranelift returned for that function, with the
//!   signature it was compiled with.
//! * [`helpers`]: values passed as bits, the state as a raw pointer that no
//!   reference aliases while machine code runs.
//!
//! Every unsafe block says which invariant it relies on; the corpus runs
//! under `valgrind --tool=memcheck --smc-check=all-non-file` with zero
//! errors, normally and with `--gc-stress` (`.ci/memcheck jit`).

mod call;
mod codegen;
mod config;
mod decode;
mod helpers;
mod layout;
mod lazy;
mod rung;
mod translate;
mod vm;

use config::Config;
use frontend::diagnostics::RunError;
use frontend::tuning::Tuning;
use frontend::{CompileErrors, Engine, Form, Options, Rung, Session};
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

    fn rung(&self) -> Rung {
        rung::RUNG
    }

    fn forms(&self) -> &'static [Form] {
        rung::FORMS
    }

    fn dump(&self, form: Form, source: &str, options: &Options) -> Option<Result<String, CompileErrors>> {
        match form {
            Form::Bytecode => Some(bytecode(source, options)),
            Form::MachineCode => Some(listing(source, options)),
            _ => frontend::dump::parsed(form, source),
        }
    }
}

/// The bytecode `source` compiles to, as the functions are compiled from it.
fn bytecode(source: &str, options: &Options) -> Result<String, CompileErrors> {
    let mut session = JitSession::new(options);
    let ast = frontend::parse(source)?;
    let vm = &mut session.vm;
    let script = nanbox_runtime::compile::compile(&ast, &mut vm.heap, &mut vm.global_names, vm.config);
    Ok(nanbox_runtime::disassemble::disassemble(script, &vm.global_names))
}

/// Each function's Cranelift IR and machine code, as `source` compiles.
fn listing(source: &str, options: &Options) -> Result<String, CompileErrors> {
    let mut session = JitSession::new(options);
    session.vm.codegen.listing = Some(String::new());
    session.prepare(source)?;
    Ok(session.vm.codegen.listing.take().unwrap_or_default())
}

/// A session: the machine with its globals, the JIT module holding every
/// function compiled so far, and the script prepared last.
struct JitSession {
    vm: Vm,
}

impl JitSession {
    fn new(options: &Options) -> JitSession {
        let mut vm = Vm::new(options.gc_stress, Config::new(options));
        vm.max_heap = options.max_heap;
        let clock = vm.heap.new_native(|_| Value::number(frontend::natives::clock()));
        vm.define_native(frontend::natives::CLOCK, clock.value());
        JitSession { vm }
    }
}

impl Session for JitSession {
    fn prepare(&mut self, source: &str) -> Result<(), CompileErrors> {
        let ast = frontend::parse(source)?;
        let vm = &mut self.vm;
        let script = nanbox_runtime::compile::compile(&ast, &mut vm.heap, &mut vm.global_names, vm.config);
        vm.script = Some(script);
        vm.codegen.prepare(script);
        Ok(())
    }

    fn run(&mut self, out: &mut dyn Write) -> Result<(), RunError> {
        self.vm.run(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs each source in turn in one session and returns what each
    /// printed and whether it ran without error.
    fn session_runs(sources: &[&str]) -> Vec<(String, bool)> {
        frontend::engine::with_engine_stack(|| {
            let mut session = Jit.session(Options::default());
            let mut results = Vec::new();
            for source in sources {
                session.prepare(source).expect("compiles");
                let mut out = Vec::new();
                let result = session.run(&mut out);
                results.push((String::from_utf8(out).expect("UTF-8"), result.is_ok()));
            }
            results
        })
    }

    #[test]
    fn globals_and_compiled_functions_persist_across_programs_and_errors() {
        let results = session_runs(&[
            "var a = 1; fun f() { return a + 1; }",
            "print f(); print nope;",
            "var nope = 3; print a + nope; print f();",
            "fun counter() { var n = 0; fun next() { n = n + 1; return n; } return next; } var c = counter(); c();",
            "print c(); print 1 + nil;",
            "print c();",
        ]);
        let expected = [("", true), ("2\n", false), ("4\n2\n", true), ("", true), ("2\n", false), ("3\n", true)];
        let expected: Vec<(String, bool)> = expected.iter().map(|(out, ok)| (out.to_string(), *ok)).collect();
        assert_eq!(results, expected);
    }

    #[test]
    fn the_dumps_show_fibs_bytecode_ir_and_machine_code() {
        let fib = "fun fib(n) { if (n < 2) return n; return fib(n - 2) + fib(n - 1); } print fib(10);";
        let options = Options::default();
        let dump = |form| {
            frontend::engine::with_engine_stack(|| Jit.dump(form, fib, &options))
                .expect("the jit has this form")
                .expect("fib compiles")
        };
        let bytecode = dump(Form::Bytecode);
        for part in ["== fib ==", "OP_CALL"] {
            assert!(bytecode.contains(part), "{part} is missing from:\n{bytecode}");
        }
        let listing = dump(Form::MachineCode);
        for part in ["== <fn fib>: Cranelift IR, optimised ==", "call_indirect", "fadd"] {
            assert!(listing.contains(part), "{part} is missing from:\n{listing}");
        }
        assert!(listing.contains("== <fn fib>: machine code ==\n"));
        let machine_code = listing.split("== <fn fib>: machine code ==\n").nth(1).expect("present");
        assert!(machine_code.lines().next().is_some_and(|line| !line.trim().is_empty()));
    }

    #[test]
    fn plain_bytecode_runs_too() {
        let source = "var s = 0; for (var i = 0; i < 10; i = i + 1) { if (i >= 5 and i != 7) s = s + i; } print s;";
        for options in [Options::default(), Options::default().plain(TUNINGS)] {
            let output = frontend::engine::with_engine_stack(|| {
                let mut session = Jit.session(options);
                session.prepare(source).expect("compiles");
                let mut out = Vec::new();
                session.run(&mut out).expect("runs");
                out
            });
            assert_eq!(String::from_utf8(output).expect("UTF-8"), "28\n");
        }
    }
}
