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

#[cfg(test)]
mod tests {
    use super::*;

    /// Prepares and runs each source in turn in one session, and returns
    /// what each printed, or its error's text.
    fn run_all(options: Options, sources: &[&str]) -> Vec<String> {
        let mut session = EnumVm.session(options);
        sources
            .iter()
            .map(|source| {
                let mut out = Vec::new();
                let result = match session.prepare(source) {
                    Ok(()) => session.run(&mut out).map_err(|error| error.to_string()),
                    Err(errors) => Err(errors.to_string()),
                };
                match result {
                    Ok(()) => String::from_utf8(out).expect("Lox prints UTF-8"),
                    Err(error) => error,
                }
            })
            .collect()
    }

    #[test]
    fn a_session_keeps_globals_and_closures_across_programs_and_errors() {
        for gc_stress in [false, true] {
            let outputs = run_all(
                Options { gc_stress },
                &[
                    "var greeting = \"hi\"; var f;",
                    "{ var x = 1; fun g() { return x; } f = g; x = 2; nope; }",
                    "print greeting + \"!\"; print f();",
                ],
            );
            assert_eq!(outputs, ["", "Undefined variable 'nope'.\n[line 1] in script\n", "hi!\n2\n"]);
        }
    }

    #[test]
    fn fib_disassembles_like_clox() {
        let source = "fun fib(n) {\n  if (n < 2) return n;\n  return fib(n - 2) + fib(n - 1);\n}\nprint fib(20);\n";
        let listing = EnumVm.disassemble(source).expect("a VM has a listing").expect("fib compiles");
        let expected = "\
== fib ==
0000    2 OP_GET_LOCAL        1
0001    | OP_CONSTANT         0 '2'
0002    | OP_LESS
0003    | OP_JUMP_IF_FALSE    3 -> 8
0004    | OP_POP
0005    | OP_GET_LOCAL        1
0006    | OP_RETURN
0007    | OP_JUMP             7 -> 9
0008    | OP_POP
0009    3 OP_GET_GLOBAL       0 'fib'
0010    | OP_GET_LOCAL        1
0011    | OP_CONSTANT         0 '2'
0012    | OP_SUBTRACT
0013    | OP_CALL             1
0014    | OP_GET_GLOBAL       0 'fib'
0015    | OP_GET_LOCAL        1
0016    | OP_CONSTANT         1 '1'
0017    | OP_SUBTRACT
0018    | OP_CALL             1
0019    | OP_ADD
0020    | OP_RETURN
0021    | OP_NIL
0022    | OP_RETURN
== <script> ==
0000    1 OP_CLOSURE          0 <fn fib>
0001    | OP_DEFINE_GLOBAL    0 'fib'
0002    5 OP_GET_GLOBAL       0 'fib'
0003    | OP_CONSTANT         0 '20'
0004    | OP_CALL             1
0005    | OP_PRINT
0006    | OP_NIL
0007    | OP_RETURN
";
        assert_eq!(listing, expected);
    }

    #[test]
    fn more_than_256_constants_and_long_jumps_compile_and_run() {
        // 10,000 distinct constants, and an `if` body that clox would encode
        // in about 80 KB of bytecode, more than its 16-bit jumps can span.
        let sums: Vec<String> = (0..10_000).map(|i| format!("x = x + {i}.5;")).collect();
        let source = format!("var x = 0; if (true) {{ {} }} print x;", sums.join(" "));
        assert_eq!(run_all(Options::default(), &[&source]), ["5e+07\n"]);
    }

    #[test]
    fn deep_temporaries_fit_the_stack_the_compiler_reserved() {
        // 255 arguments, each a nested expression, in a call 1000 frames deep.
        let params: Vec<String> = (0..255).map(|i| format!("p{i}")).collect();
        let args = |zero: &str| (0..254).map(|i| format!("(1 + (2 * ({i} - {zero})))")).collect::<Vec<_>>().join(", ");
        let source = format!(
            "fun f(n, {}) {{ if (n == 0) return p253; return f(n - 1, {}); }} print f(1000, {});",
            params[..254].join(", "),
            args("(n - n)"),
            args("0")
        );
        assert_eq!(run_all(Options { gc_stress: true }, &[&source]), ["507\n"]);
    }

    #[cfg(feature = "work-count")]
    #[test]
    fn work_count_counts_instructions() {
        let mut session = EnumVm.session(Options::default());
        session.prepare("print 1 + 2;").expect("compiles");
        session.run(&mut Vec::new()).expect("runs");
        // Constant, Constant, Add, Print, Nil, Return.
        assert_eq!(session.work_count(), Some(WorkCount { count: 6, unit: "instructions" }));
    }
}
