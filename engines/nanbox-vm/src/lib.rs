//! # `nanbox-vm`: clox's design in Rust
//!
//! The same bytecode machine as `enum-vm`, the rung below, with clox's
//! representation: a value is a NaN-boxed `u64`, an instruction a one-byte
//! opcode followed by its operand bytes, an object a struct of its own
//! behind a common header, reached by a raw pointer, and the dispatch loop
//! walks the code and the stack with raw pointers, as clox's `run` does.
//! That is what `unsafe` buys here, fenced into the modules listed below.
//!
//! ## What changed from `enum-vm`
//! The compiler, the loop's structure, the calls, the collector's policy,
//! clox's hash table and the tunings are the same, under the same names:
//! `diff` of two same-named modules shows the representation and nothing
//! else.
//! * **Values** ([`value`](nanbox_runtime::value)): a 16-byte enum (an 8-byte tag for a 1-byte
//!   choice) becomes one `u64`. A number is the double itself; `nil`, the
//!   booleans and object pointers hide in the quiet-NaN space. Half the
//!   memory for every stack slot, field and constant, and a value moves as
//!   one register.
//! * **Instructions** ([`op`](nanbox_runtime::op)): an 8-byte enum with its operands inside
//!   becomes a one-byte opcode and inline operand bytes, 1 to 5 bytes an
//!   instruction, several to a cache line. Small operands need escape
//!   hatches: a `Wide` prefix for indices past 255, and 4-byte forms of the
//!   jumps, used for a whole function when one of its jumps does not fit in
//!   16 bits.
//! * **Objects** ([`object`](nanbox_runtime::object), [`heap`](nanbox_runtime::heap)): an arena of enum variants named by
//!   32-bit indices becomes boxed `#[repr(C)]` structs that start with one
//!   header, linked into clox's list of every object and named by pointers
//!   (`Gc<T>`). A function is a heap object (`ObjFunction`) holding its
//!   chunk, as in clox, where `enum-vm` keeps functions outside the heap so
//!   that safe Rust can borrow their code while the heap changes. A table's
//!   key reaches its string's hash through the pointer, so entries no
//!   longer store it; the open upvalues are clox's list, linked through the
//!   upvalues themselves, where `enum-vm` keeps a sorted `Vec` of handles.
//! * **Dispatch** ([`vm`]): bounds-checked indices into `Vec`s become raw
//!   `ip` and `sp` pointers, and the stack a fixed block that never moves, so
//!   an open upvalue can point into it.
//!
//! ## How it runs
//! The values, objects, heap, tables, collector and the compiler live in
//! `nanbox-runtime`, shared with the `jit` rung above, which compiles the
//! same bytecode to machine code; this crate is the interpreter.
//! * [`compile`](nanbox_runtime::compile) walks the resolved AST once per function and emits
//!   [`Chunk`](nanbox_runtime::chunk::Chunk)s of opcodes and operand bytes; it computes each
//!   function's deepest stack, which a call checks there is room for.
//! * [`vm`] is the dispatch loop: `ip`, `sp`, the frame, its slots and its
//!   constants live in locals; Lox-to-Lox calls, returns, arithmetic, locals,
//!   globals, upvalues, field reads and `invoke` never leave the loop.
//!   [`call`], [`upvalue`] and [`globals`] have the rest, and runtime errors.
//! * [`heap`](nanbox_runtime::heap) allocates objects and interns strings; [`table`](nanbox_runtime::table) is clox's
//!   open-addressing table keyed by interned strings, probing from the hash
//!   each string got once, from `frontend::hash::NameHash`; [`gc`](nanbox_runtime::gc) is
//!   clox's mark-sweep collector with clox's growth policy (first collection
//!   at 1 MiB, then whenever the heap doubles) and a stress mode that
//!   collects before every allocation.
//! * [`disassemble`](nanbox_runtime::disassemble) prints chunks in clox's layout, byte offsets included;
//!   [`dump`] adds each instruction's bytes (`lox --dump bytecode`).
//!
//! ## Tunings
//! The same five as `enum-vm`, with the same names, classes and effects
//! (`enum-vm`'s crate doc explains each): `superinstructions`,
//! `fused-conditions`, `global-slots`, `fx-hash` and `instance-pool`. With
//! every one off (`nanbox-vm:plain`) the compiler emits clox's bytecode byte
//! for byte (a test pins fib's listing), and the engine is clox's design,
//! beyond clox only in having no 256-constant and 64 KiB-jump limits. Two
//! differences follow from the representation: the fused conditions have
//! only 2-byte jumps, so a function compiled with 4-byte jumps keeps its
//! conditions unfused; and the instance pool keeps whole instances (object
//! and table), where `enum-vm`'s arena already recycles the object's slot.
//! What each buys is measured by the harness and reported in `reports/`.
//!
//! ## Where unsafe code lives, and why it is sound
//! The representation's unsafe code (values, objects, heap, collector,
//! table) is in `nanbox-runtime`, whose crate doc lists it. Here:
//! * [`vm`], [`call`] and [`upvalue`]: raw instruction and stack pointers,
//!   relying on the compiler's guarantees about the code it emits (listed in
//!   vm.rs), and a per-call check that the new frame's `max_stack` fits in
//!   the fixed stack.
//! * [`roots`]: the stack is marked up to the saved `sp`.
//!
//! Every unsafe block says which invariant it relies on; the whole corpus
//! runs under `valgrind --tool=memcheck` with zero errors, normally and with
//! `--gc-stress` (`.ci/memcheck nanbox-vm`).

mod call;
mod config;
mod dump;
mod globals;
#[cfg(feature = "work-count")]
mod profile;
mod roots;
mod rung;
mod upvalue;
mod vm;

use config::Config;
use frontend::diagnostics::RunError;
use frontend::tuning::Tuning;
use frontend::{CompileErrors, Engine, Form, Options, Rung, Session, WorkCount};
use nanbox_runtime::compile;
use nanbox_runtime::value::Value;
use std::io::Write;
use vm::Vm;

pub use config::TUNINGS;

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
        Box::new(NanboxVmSession::new(&options))
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

/// A session: the machine with its globals, and the script prepared last.
struct NanboxVmSession {
    vm: Vm,
}

impl NanboxVmSession {
    fn new(options: &Options) -> NanboxVmSession {
        let mut vm = Vm::new(options.gc_stress, Config::new(options));
        vm.max_heap = options.max_heap;
        let clock = vm.heap.new_native(|_| Value::number(frontend::natives::clock()));
        vm.define_native(frontend::natives::CLOCK, clock.value());
        NanboxVmSession { vm }
    }
}

impl Session for NanboxVmSession {
    fn prepare(&mut self, source: &str) -> Result<(), CompileErrors> {
        let ast = frontend::parse(source)?;
        let vm = &mut self.vm;
        vm.script = Some(compile::compile(&ast, &mut vm.heap, &mut vm.global_names, vm.config));
        Ok(())
    }

    fn run(&mut self, out: &mut dyn Write) -> Result<(), RunError> {
        self.vm.run(out)
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

    /// Runs `source` in a fresh session and returns what it printed. Long
    /// operator chains make deep syntax trees, so this runs on the engine
    /// stack as the `lox` binary does.
    fn output(source: &str, options: Options) -> String {
        frontend::engine::with_engine_stack(|| {
            let mut session = NanboxVm.session(options);
            session.prepare(source).expect("the test program compiles");
            let mut out = Vec::new();
            session.run(&mut out).expect("the test program runs");
            String::from_utf8(out).expect("Lox prints UTF-8")
        })
    }

    fn listing(source: &str) -> String {
        frontend::engine::with_engine_stack(|| {
            dump::listing(source, Config::new(&Options::default())).expect("the test program compiles")
        })
    }

    const FIB: &str = "fun fib(n) {\n  if (n < 2) return n;\n  return fib(n - 2) + fib(n - 1);\n}\nprint fib(20);\n";

    #[test]
    fn plain_fib_disassembles_as_clox_compiles_it() {
        let plain = Config::new(&Options::default().plain(TUNINGS));
        let expected = "\
== fib ==
0000    2 OP_GET_LOCAL        1
0002    | OP_CONSTANT         0 '2'
0004    | OP_LESS
0005    | OP_JUMP_IF_FALSE    5 -> 15
0008    | OP_POP
0009    | OP_GET_LOCAL        1
0011    | OP_RETURN
0012    | OP_JUMP            12 -> 16
0015    | OP_POP
0016    3 OP_GET_GLOBAL       1 'fib'
0018    | OP_GET_LOCAL        1
0020    | OP_CONSTANT         0 '2'
0022    | OP_SUBTRACT
0023    | OP_CALL             1
0025    | OP_GET_GLOBAL       1 'fib'
0027    | OP_GET_LOCAL        1
0029    | OP_CONSTANT         2 '1'
0031    | OP_SUBTRACT
0032    | OP_CALL             1
0034    | OP_ADD
0035    | OP_RETURN
0036    | OP_NIL
0037    | OP_RETURN
== <script> ==
0000    1 OP_CLOSURE          0 <fn fib>
0002    | OP_DEFINE_GLOBAL    1 'fib'
0004    5 OP_GET_GLOBAL       1 'fib'
0006    | OP_CONSTANT         2 '20'
0008    | OP_CALL             1
0010    | OP_PRINT
0011    | OP_NIL
0012    | OP_RETURN
";
        assert_eq!(dump::listing(FIB, plain).expect("fib compiles"), expected);
    }

    #[test]
    fn tuned_fib_branches_on_its_comparison_and_reads_a_global_slot() {
        let listing = listing(FIB);
        assert!(listing.contains("0004    | OP_JUMP_IF_NOT_LESS    4 -> 10\n"));
        assert!(listing.contains("0010    3 OP_GET_GLOBAL_SLOT    0 'fib'\n"));
        assert!(!listing.contains("OP_POP") && !listing.contains("OP_LESS"));
    }

    /// `n` statements of 8 bytes each (`x = x + 1;` on a global).
    fn increments(n: usize) -> String {
        "x = x + 1;\n".repeat(n)
    }

    #[test]
    fn bodies_past_64_kib_use_long_jumps() {
        let body = increments(10_000);
        let source = format!(
            "var x = 0;\nif (x == 0) {{\n{body}}} else {{ print \"no\"; }}\nprint x;\n\
             var i = 0;\nwhile (i < 2) {{\n{body}i = i + 1;\n}}\nprint x;\n"
        );
        let listing = listing(&source);
        for op in ["OP_JUMP_IF_FALSE_POP_LONG", "OP_JUMP_LONG", "OP_LOOP_LONG"] {
            assert!(listing.contains(op), "{op} is missing");
        }
        for options in [Options::default(), Options { gc_stress: true, ..Options::default() }] {
            assert_eq!(output(&source, options), "10000\n30000\n");
        }
    }

    #[test]
    fn short_bodies_use_short_jumps() {
        let listing = listing("var x = 0; while (x < 3) { x = x + 1; } if (x) print x; else print 0;");
        assert!(!listing.contains("_LONG"));
        assert!(listing.contains("OP_LOOP") && listing.contains("OP_JUMP_IF_FALSE_POP"));
    }

    #[test]
    fn a_long_logical_operand_jumps_long() {
        // `and`/`or` use the non-popping jump; their right operand can be long too.
        let sum = vec!["1"; 30_000].join(" + ");
        let source = format!("print false or ({sum});\nprint true and ({sum});\n");
        assert!(listing(&source).contains("OP_JUMP_IF_FALSE_LONG"));
        assert_eq!(output(&source, Options::default()), "30000\n30000\n");
    }

    #[test]
    fn more_than_256_constants_and_globals_use_wide_operands() {
        let mut source = String::new();
        for i in 0..300 {
            source.push_str(&format!("var g{i} = \"s{i}\";\n"));
        }
        source.push_str("print g0 + g299;\n");
        let listing = listing(&source);
        assert!(listing.contains("OP_CONSTANT_WIDE") && listing.contains("OP_DEFINE_GLOBAL_SLOT_WIDE"));
        assert_eq!(output(&source, Options { gc_stress: true, ..Options::default() }), "s0s299\n");
    }

    #[test]
    fn globals_persist_across_programs_and_errors_in_one_session() {
        frontend::engine::with_engine_stack(|| {
            let mut session = NanboxVm.session(Options::default());
            let mut run = |source: &str| {
                session.prepare(source).expect("compiles");
                let mut out = Vec::new();
                let result = session.run(&mut out);
                (String::from_utf8(out).expect("UTF-8"), result.is_ok())
            };
            assert_eq!(run("var a = 1; fun f() { return a + 1; }"), (String::new(), true));
            assert_eq!(run("print f(); print nope;"), ("2\n".to_string(), false));
            assert_eq!(run("var nope = 3; print a + nope; print f();"), ("4\n2\n".to_string(), true));
        });
    }
}
