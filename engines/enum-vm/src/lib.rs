//! # `enum-vm`: a bytecode VM whose instructions are a Rust enum
//!
//! The rung where the tree goes away. The engines below it run the program
//! as a tree, of nodes (the walkers) or of closures made from the nodes
//! (`closure-compiler`); this one compiles each function once into a flat
//! array of instructions and runs them in one loop over one value stack, as
//! clox does. It is clox's design kept in safe Rust: an instruction is an
//! enum value with its operands inside, a value is a 16-byte enum, and an
//! object is an index into an arena, so there is no `unsafe` anywhere in
//! the crate. `nanbox-vm`, the rung above, is the same machine with clox's
//! representation: the step between the two is the representation alone.
//!
//! ## What compiling to bytecode changes
//! A tree-walker evaluates `return fib(n - 2) + fib(n - 1);` by recursion:
//! each node is a Rust call that returns its value, a Lox call is a Rust call
//! (plus, in the closure compiler, a call through a boxed closure per node),
//! and a runtime error or a `return` unwinds a `Result` through the Rust
//! frames of every node in between. Here the same line is twelve
//! instructions, every decision that depends only on the text already taken:
//!
//! ```text
//! 0005    3 OP_GET_GLOBAL_SLOT    0 'fib'
//! 0006    | OP_GET_LOCAL        1            n: frame base + 1
//! 0007    | OP_CONSTANT         0 '2'
//! 0008    | OP_SUBTRACT
//! 0009    | OP_CALL             1            push a frame; no allocation
//! ...
//! 0015    | OP_ADD
//! 0016    | OP_RETURN                        a jump back to the caller's ip
//! ```
//!
//! * Operands and temporaries live on one explicit value stack, not in the
//!   Rust frames of the evaluator; a local is a stack slot above the frame's
//!   base.
//! * Control flow is jumps inside the array, so `if`, `while`, `and` and
//!   `return` cost a branch, never an unwinding.
//! * A Lox call pushes a 24-byte frame and enters the callee in the same
//!   loop: nothing recurses on the native stack (the frame limit is a
//!   counter) and nothing allocates.
//! * What the tree gave for free now costs a dispatch: every instruction is
//!   fetched and matched, and every value goes through the stack.
//!
//! ## How it runs
//! * [`compile`] walks the resolved syntax tree once per function and emits
//!   a [`chunk::Chunk`]: instructions, a line per instruction, constants.
//!   The front end has already resolved every variable, so a local becomes
//!   `GetLocal(slot)` and a captured variable `GetUpvalue(index)`. The
//!   compiler adds up each instruction's stack effect to know each
//!   function's deepest stack.
//! * [`op`] is the instruction set, 8 bytes an instruction (a tag and at most
//!   a 32-bit and an 8-bit operand), with 32-bit constant and jump operands,
//!   so no 256-constant or 64 KiB-jump limit.
//! * [`vm`] is the dispatch loop: fetch `code[ip]`, one `match`, repeat.
//!   The running frame, `ip` and the stack top live in local variables;
//!   calling a closure (also through `invoke`), returning, arithmetic,
//!   locals, globals, upvalues and field reads stay in the loop, everything
//!   else is a handler in [`call`], [`upvalue`] or [`globals`], and errors
//!   are `#[cold]`. A call checks the arity, then the 1024-frame limit, and
//!   makes sure the callee's deepest stack fits: the arguments are already
//!   where the callee's slots are.
//! * [`heap`] is an arena of [`object`]s named by 32-bit handles, with
//!   interned strings (string equality is handle equality); [`gc`] is clox's
//!   tracing mark-sweep collector over it, with clox's policy (first
//!   collection at 1 MiB, then whenever the heap has doubled over what
//!   survived) and `Options::gc_stress`, which collects at every allocation.
//! * [`table`] is clox's hash table (open addressing, keyed by interned
//!   strings, probing from the hash each string got once, when interned,
//!   from `frontend::hash::NameHash`): fields, methods, globals by name and
//!   the intern table.
//! * [`disassemble`] prints every function's bytecode in clox's `debug.c`
//!   layout (`lox --engine enum-vm --dump bytecode FILE`, [`dump`]).
//!
//! ## What the enum costs, and what it does not
//! * Size: an instruction is 8 bytes where clox's `OP_ADD` is one, and a
//!   value 16 bytes where clox's NaN-boxed value is 8. `size_of` of both is
//!   pinned by tests.
//! * Bounds checks: every stack, code and arena access is checked, as safe
//!   Rust does. An experiment with unchecked indexing in the loop executed
//!   fewer instructions but ran no faster (the checks are predicted branches
//!   off the critical path), so the engine stays safe.
//!
//! ## Tunings
//! With every tuning off (`enum-vm:plain`) the compiler emits exactly the
//! instructions clox emits (a test pins fib's listing), globals are looked
//! up by name, strings are hashed with SipHash, and swept instances are
//! freed: clox's strategy in safe Rust. Each tuning is decided when the
//! session starts ([`config`]) and changes which instructions the compiler
//! emits or what the heap does; the loop never tests one. `nanbox-vm`
//! declares the same five, under the same names.
//! * **`superinstructions`**: pairs that the compiler emits together in any
//!   program become one instruction, one dispatch instead of two: an
//!   assignment statement and its pop (`SetLocalPop`, `SetUpvaluePop`,
//!   `SetGlobalPop`, `SetPropertyPop`), a condition's jump and its pop
//!   (`JumpIfFalsePop`), and `<=`, `>=`, `!=` (`LessEqual`, ...), which clox
//!   compiles as a comparison and a `Not`. Class: every assignment statement,
//!   every condition, every one of those three operators.
//! * **`fused-conditions`**: the condition of an `if`, `while` or `for` is
//!   compiled as branches, never as a value ([`compile`]'s `condition`
//!   module): a comparison becomes a compare-and-jump (`JumpIfNotLess`), `!`
//!   swaps the branch's sense, `and`/`or` jump straight to where the whole
//!   condition goes. Class: every condition of an `if`, `while` or `for`.
//!   The walkers and the closure compiler have the same technique.
//! * **`global-slots`**: a global is reached through a slot its name was
//!   given at compile time (`GetGlobalSlot`) instead of a hash-table lookup
//!   of its name at every access ([`globals`]). Class: every read,
//!   assignment and call of a global variable.
//! * **`fx-hash`**: strings are hashed with the Fx hash instead of SipHash
//!   when interned; tables then probe with that hash. Class: every program
//!   that interns strings (names at compile time, concatenations at run time).
//! * **`instance-pool`**: the collector keeps the field tables of swept
//!   instances, emptied, and a new instance takes one, so neither it nor its
//!   first fields allocate (the arena already recycles its slot). Class:
//!   every program that makes instances and drops them.
//!
//! What each tuning buys, program by program, is measured by the harness
//! (its ablation table) and reported with the rest of the ladder in
//! `reports/`, not here.

#![forbid(unsafe_code)]

mod call;
mod chunk;
mod compile;
mod config;
mod disassemble;
mod dump;
mod gc;
mod globals;
mod heap;
mod object;
mod op;
#[cfg(feature = "work-count")]
mod profile;
mod rung;
mod table;
mod upvalue;
mod value;
mod vm;

use chunk::Program;
use config::Config;
use frontend::diagnostics::RunError;
use frontend::tuning::Tuning;
use frontend::{CompileErrors, Engine, Form, Options, Rung, Session, WorkCount};
use globals::GlobalNames;
use object::{ObjNative, Object};
use op::FunctionIndex;
use std::io::Write;
use value::Value;
use vm::Vm;

pub use config::TUNINGS;

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
        Box::new(EnumVmSession::new(&options))
    }

    fn tunings(&self) -> &'static [Tuning] {
        TUNINGS
    }

    fn rung(&self) -> Rung {
        rung::RUNG
    }

    fn forms(&self) -> &'static [Form] {
        dump::FORMS
    }

    fn dump(&self, form: Form, source: &str, options: &Options) -> Option<Result<String, CompileErrors>> {
        dump::dump(form, source, options)
    }
}

/// A session: the compiled code so far, and the machine with its globals.
struct EnumVmSession {
    program: Program,
    vm: Vm,
    /// The script prepared last, to run next.
    script: Option<FunctionIndex>,
}

impl EnumVmSession {
    fn new(options: &Options) -> EnumVmSession {
        let config = Config::new(options);
        let mut program = Program::new(GlobalNames::new(config.name_hash));
        let mut vm = Vm::new(options.gc_stress, config);
        vm.heap.max_heap = options.max_heap;
        let clock =
            vm.heap.insert(Object::Native(ObjNative { function: |_| Value::Number(frontend::natives::clock()) }));
        vm.define_native(&mut program, frontend::natives::CLOCK, Value::Obj(clock));
        EnumVmSession { program, vm, script: None }
    }
}

impl Session for EnumVmSession {
    fn prepare(&mut self, source: &str) -> Result<(), CompileErrors> {
        let ast = frontend::parse(source)?;
        self.script = Some(compile::compile(&ast, &mut self.program, &mut self.vm.heap, self.vm.config));
        Ok(())
    }

    fn run(&mut self, out: &mut dyn Write) -> Result<(), RunError> {
        let script = self.script.expect("run follows a successful prepare");
        self.vm.run(&self.program, script, out)
    }

    fn work_count(&self) -> Option<WorkCount> {
        cfg!(feature = "work-count").then_some(WorkCount { count: self.vm.work, unit: "instructions" })
    }

    #[cfg(feature = "work-count")]
    fn counters(&self) -> Vec<frontend::profiling::Counter> {
        self.vm.profile.counters()
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
                Options { gc_stress, ..Options::default() },
                &[
                    "var greeting = \"hi\"; var f;",
                    "{ var x = 1; fun g() { return x; } f = g; x = 2; nope; }",
                    "print greeting + \"!\"; print f();",
                ],
            );
            assert_eq!(outputs, ["", "Undefined variable 'nope'.\n[line 1] in script\n", "hi!\n2\n"]);
        }
    }

    const FIB: &str = "fun fib(n) {\n  if (n < 2) return n;\n  return fib(n - 2) + fib(n - 1);\n}\nprint fib(20);\n";

    #[test]
    fn plain_fib_disassembles_as_clox_compiles_it() {
        let plain = Config::new(&Options::default().plain(TUNINGS));
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
0009    3 OP_GET_GLOBAL       1 'fib'
0010    | OP_GET_LOCAL        1
0011    | OP_CONSTANT         0 '2'
0012    | OP_SUBTRACT
0013    | OP_CALL             1
0014    | OP_GET_GLOBAL       1 'fib'
0015    | OP_GET_LOCAL        1
0016    | OP_CONSTANT         2 '1'
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
0003    | OP_CONSTANT         1 '20'
0004    | OP_CALL             1
0005    | OP_PRINT
0006    | OP_NIL
0007    | OP_RETURN
";
        assert_eq!(dump::listing(FIB, plain).expect("fib compiles"), expected);
    }

    #[test]
    fn tuned_fib_branches_on_its_comparison_and_reads_a_global_slot() {
        let expected = "\
== fib ==
0000    2 OP_GET_LOCAL        1
0001    | OP_CONSTANT         0 '2'
0002    | OP_JUMP_IF_NOT_LESS    2 -> 5
0003    | OP_GET_LOCAL        1
0004    | OP_RETURN
0005    3 OP_GET_GLOBAL_SLOT    0 'fib'
0006    | OP_GET_LOCAL        1
0007    | OP_CONSTANT         0 '2'
0008    | OP_SUBTRACT
0009    | OP_CALL             1
0010    | OP_GET_GLOBAL_SLOT    0 'fib'
0011    | OP_GET_LOCAL        1
0012    | OP_CONSTANT         1 '1'
0013    | OP_SUBTRACT
0014    | OP_CALL             1
0015    | OP_ADD
0016    | OP_RETURN
0017    | OP_NIL
0018    | OP_RETURN
== <script> ==
0000    1 OP_CLOSURE          0 <fn fib>
0001    | OP_DEFINE_GLOBAL_SLOT    0 'fib'
0002    5 OP_GET_GLOBAL_SLOT    0 'fib'
0003    | OP_CONSTANT         0 '20'
0004    | OP_CALL             1
0005    | OP_PRINT
0006    | OP_NIL
0007    | OP_RETURN
";
        assert_eq!(dump::listing(FIB, Config::new(&Options::default())).expect("fib compiles"), expected);
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
        assert_eq!(run_all(Options { gc_stress: true, ..Options::default() }, &[&source]), ["507\n"]);
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

    #[cfg(feature = "work-count")]
    #[test]
    fn counters_count_opcodes_and_the_pairs_that_follow_in_the_code() {
        use frontend::profiling::counters::{OPCODE, OPCODE_PAIR};
        let mut session = EnumVm.session(Options::default());
        session.prepare("fun f(n) { return n + 1; } print f(1) + f(2);").expect("compiles");
        session.run(&mut Vec::new()).expect("runs");
        let counters = session.counters();
        let count = |family: &str, name: &str| {
            counters.iter().find(|c| c.family == family && c.name == name).map_or(0, |c| c.count)
        };
        assert_eq!(count(OPCODE, "Call"), 2);
        assert_eq!(count(OPCODE, "Add"), 3);
        assert_eq!(count(OPCODE_PAIR, "GetLocal → Constant"), 2);
        assert_eq!(count(OPCODE_PAIR, "Constant → Add"), 2);
        // What runs after a call or a return is never its neighbour in the code.
        let pairs = counters.iter().filter(|c| c.family == OPCODE_PAIR);
        assert!(!pairs.clone().any(|c| c.name.starts_with("Call") || c.name.starts_with("Return")));
        assert!(pairs.count() > 3);
        let executed: u64 = counters.iter().filter(|c| c.family == OPCODE).map(|c| c.count).sum();
        assert_eq!(Some(executed), session.work_count().map(|w| w.count));
    }
}
