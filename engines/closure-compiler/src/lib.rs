//! # `closure-compiler`: the resolved AST compiled once into nested Rust closures
//!
//! The fourth rung of the ladder, and the last that keeps the tree. A
//! tree-walker such as `slot-walker` rediscovers the program at every
//! visit: at each node it decodes which kind of node this is, which
//! operator, where the variable lives, and only then does the work. This
//! engine answers those questions once. `prepare` walks the resolved tree a
//! single time and turns every node into a boxed Rust closure, a
//! `Box<dyn Fn(&mut Evaluator, &Env) -> ...>`, that captures everything the
//! tree says ahead of time: a local's slot, a global's slot, a number
//! constant, the operator, the number of arguments, the line an error would
//! report. A node's closure owns its children's closures, so a compiled
//! function is one tree of closures, and running it is calling the root.
//! Nothing at run time matches on a node's kind or decodes an instruction:
//! the choice was made when the closure was built, and all that is left of
//! it is the address the closure's call jumps to. `compile` is the
//! compiler; there is no evaluator loop anywhere in the crate.
//!
//! ## Where it comes from
//! The Ludus notes (`SEEDS.md`) describe this design and take it from two
//! write-ups (rinha-compiler, whose slot and frame steps `slot-walker`
//! follows, is named for it too): Cloudflare's "Building fast
//! interpreters in Rust" and Neil Mitchell's "Cheaply writing a fast
//! interpreter". Their argument is the one this rung tests: compiling the
//! tree into closures removes the interpretive overhead of walking it (the
//! dispatch on node kinds) while keeping the program in safe Rust, close to
//! the tree, with `Rc` values and ordinary crates, instead of writing a
//! bytecode format, a compiler to it and a dispatch loop. The bet is to be
//! fast enough above a floor, without NaN boxing by hand.
//!
//! ## The same as `slot-walker`, and what changed
//! The two crates are meant to be read with
//! `diff -r engines/slot-walker/src engines/closure-compiler/src`: what they
//! store is the same, so the measured difference between them is the
//! dispatch strategy alone.
//!
//! The same:
//! * `value` is a copy of `slot-walker`'s: the 24-byte enum with its tag a
//!   whole word, objects in `Rc`s, numbers dropped without the drop glue.
//!   One field differs: a `value::Closure` points at the closures compiled
//!   from its declaration (`compile::CompiledFunction`) where
//!   `slot-walker`'s points at the declaration.
//! * `env`: one value stack for every frame, a frame is the index of its
//!   slot 0, captured locals live in shared cells, a call pushes its
//!   arguments where the callee's parameters live and allocates nothing.
//! * `call`: the same operations in the same order with the same checks
//!   (arity before depth, trace lines added as an error leaves each call,
//!   no list of frames), and `gc`: the same cycle collector tracking the
//!   same objects.
//! * `eval::Evaluator` has the same fields as `slot-walker`'s evaluator,
//!   and the tuning `slot-walker` needed to be fair carries over (numbers
//!   kept out of the drop glue, frames popped without it).
//!
//! What changed:
//! * `slot-walker`'s `evaluate` and `execute`, one `match` on the node per
//!   visit, are gone; `eval` keeps only the slow paths the closures share
//!   (errors, string concatenation, making closures).
//! * `compile` and its submodules are new. They also replace
//!   `slot-walker`'s `operand.rs`: where `slot-walker` asks at every visit
//!   "is this operand a local? a number literal?", this engine asks once
//!   and picks a Rust type for the answer.
//! * `globals`: `slot-walker` finds a global by its interned name's
//!   address through a small cache at every access; here the compiler gives
//!   each global name a slot once and the closure captures the slot. The
//!   values are the same; deciding where a variable lives ahead of time is
//!   this strategy's business, and [`Specialisations::global_slots`] turns
//!   it off to measure it.
//! * The `work-count` feature counts closures called, not nodes visited.
//!
//! ## Specialised closures, each measured
//! A closure compiler can do what a tree-walker cannot do cheaply: give a
//! common shape of node its own closure. The operators are written once,
//! generic over how each operand is fetched (a local read in place, a
//! number constant, or a child's closure) and over the operation, and
//! Rust's monomorphisation turns every combination into its own
//! straight-line closure. The compiler picks the closure that fits the
//! node. Each specialisation is a flag in [`Specialisations`], so its
//! worth is measured by compiling without it; the corpus test
//! `tests/specialisations.rs` checks that every variant behaves as the
//! registered engine, byte for byte.
//!
//! Instructions per call of fib with one specialisation turned off and all
//! the others on, from a fib-only program (`fun fib(n) { if (n < 2) return
//! n; return fib(n - 2) + fib(n - 1); } print fib(N);`), as `(count at
//! N = 22 − count at N = 20) ÷ 35,422 calls`, with `valgrind
//! --tool=cachegrind --cache-sim=no` on a small release-built driver (kept
//! outside the repository) that runs the file through
//! [`session_with`]`(Options::default(), variant)`. The last column is the
//! largest change on the benchmark programs at their small sizes (same
//! driver, whole-process counts):
//!
//! | turned off | what it does | fib, per call | largest elsewhere |
//! |---|---|---:|---|
//! | nothing (the registered engine) | | **220.5** | |
//! | `operand_shapes` | an operator with a local or constant operand reads it in place; an argument, a stored or returned value that is arithmetic on two of those (`n - 1`) is computed in place | 305.5 | loop_arith +85 %, locals +68 % |
//! | `conditions` | a comparison, `!`, `and`, `or` feeding an `if` or `while` yields a Rust `bool`, never a Lox boolean | 268.5 | locals +45 %, string_equality +18 % |
//! | `inline_conditions` | a comparison of locals and constants is compiled into the branching closure itself | 236.5 | locals +18 % |
//! | `fixed_arity_calls` | a call with up to three arguments holds them in an array of that length (one argument as an operand) | 285.5 | closures +5.5 %, zoo +2.6 % |
//! | `global_calls` | a call to a global function reads the global's slot inside the call's closure | 239.5 | binary_trees +0.9 % |
//! | `tail_returns` | a body ending in `return value;` yields the value as the call's result | 274.0 | inheritance +5.6 %, zoo +4.6 % |
//! | `guard_returns` | `if (c) return x;` is one closure; with a final `return`, one conditional | 249.5 | binary_trees +1.9 % |
//! | `assignment_statements` | `i = i + 1;` stores without copying the value out as a result | 220.5 | locals +39 %, loop_arith +31 % |
//! | `global_slots` | globals by their compile-time slot (off: the name hashed at each access) | 358.5 | globals +177 % |
//! | everything (`Specialisations::NONE`, globals still in slots) | | 541.5 | locals +188 %, loop_arith +111 % |
//!
//! Each one wins on fib or on some program and costs nothing measurable
//! anywhere else: on every program, turning any one off never lowered the
//! count by more than 9,445 instructions (compile-time noise). The
//! last line is the lesson of the table: with general closures only, this
//! engine runs fib in *more* instructions than `slot-walker` (541.5 against
//! 488.5, counted the same way), because a closure per node is an indirect call per node, where
//! `slot-walker`'s tuned `evaluate` handles leaves inline. Closures pay off
//! once shapes are specialised, and here a specialisation costs a type
//! parameter instead of a hand-written copy of the operator.
//!
//! ## Deep recursion and cyclic garbage
//! A Lox call nests Rust calls: the closure of the call expression, the
//! callee's body closure, and the closures between the body and the next
//! call. Like the tree-walkers, the engine runs on a thread with
//! `frontend::engine::STACK_SIZE` (1 GiB, reserved, not committed: only
//! what is used is touched) of native stack, enough for 1024 frames of the
//! deepest nesting the parser accepts. Calls count their depth, and the
//! call that would make frame 1025 fails with `Stack overflow.` after the
//! arity check and before the callee's body is entered, so the native
//! stack never runs out. The compiler recurses over the tree too, no deeper
//! than the parser allows.
//!
//! Memory is `slot-walker`'s: reference counting frees almost everything at
//! once, and the shared trial-deletion cycle collector reclaims cycles
//! through cells, closures that capture, classes, instances and bound
//! methods. The compiled closures never take part in a cycle: they capture
//! constants, slots and compiled functions, never a runtime object. Ten
//! million self-referencing instances, three million local functions that
//! capture themselves and three million instances holding a bound method of
//! themselves, created and dropped in loops, run in 7.4 MB peak RSS
//! (`/usr/bin/time -v lox --engine closure-compiler`).
//!
//! ## Measured: why it lands where it does
//! fib(35), `programs/fib.lox` and its Python twin, one harness run, five
//! interleaved runs after one warm-up, medians, release build, quiet
//! machine (`harness --engines
//! slot-walker,tagged-walker,closure-compiler,enum-vm,nanbox-vm --programs
//! fib --runs 5 --warmup 1 --no-scaling --no-profile --peer
//! clox=/work/tools/clox`). Instructions per call of fib from callgrind and
//! cachegrind, `(count at fib(20) − prepare) ÷ 21,891` calls:
//!
//! | contender | fib(35) wall | ÷ this engine | instructions per call |
//! |---|---:|---:|---:|
//! | `slot-walker` | 2.17 s | 2.38× | 490 |
//! | `tagged-walker` | 1.58 s | 1.73× | 425 |
//! | **`closure-compiler`** | **0.912 s** | 1× | **221** |
//! | `enum-vm` | 2.09 s | 2.29× | 417 |
//! | `nanbox-vm` | 1.56 s | 1.71× | 224 |
//! | python3 3.11.7 | 2.51 s | 2.75× | |
//! | clox (the book's C VM, gcc -O2) | 2.10 s | 2.30× | |
//!
//! So this engine runs fib 2.38 times as fast as `slot-walker`, whose
//! values it shares, and 2.75 times as fast as python3. The instructions go
//! where the strategy says they should. There is no dispatch `match`:
//! `slot-walker` decodes the shared tree's niche-encoded node kind at every
//! node, and a closure already is its node's code. Operands are fetched in
//! place: `n < 2` reads slot 1 and compares with a constant inside the
//! closure of the body; `fib(n - 2)` computes `n - 2` into the callee's
//! parameter slot inside the call's closure; the callee `fib` is read from
//! a slot the closure holds. What remains is the indirect call through
//! each `Box<dyn Fn>`. Cachegrind's branch simulation of the fib-only
//! program (`--branch-sim=yes`, `lox --engine NAME`, the difference of two
//! sizes used for the specialisations, hence 488.5 rather than 490) counts
//! per call of fib:
//!
//! | per call of fib | `slot-walker` | `closure-compiler` | `enum-vm` | `nanbox-vm` |
//! |---|---:|---:|---:|---:|
//! | instructions | 488.5 | 220.5 | 416.0 | 223.0 |
//! | conditional branches | 57.0 | 26.5 | 55.0 | 14.0 |
//! | indirect jumps or calls | 9.5 | 2.5 | 12.0 | 11.0 |
//! | of which mispredicted (cachegrind's simple predictor) | 1.0 | 0.0 | 12.0 | 11.0 |
//!
//! `nanbox-vm` executes as many instructions per call as this engine, yet
//! takes 1.71 times as long. In a VM a call of fib is about a dozen
//! bytecode instructions, each dispatched by an indirect jump from the
//! same place in the loop to a target that changes every time; here a call
//! of fib is two or three closure calls, each from its own call site to the
//! one closure that site always calls. Cachegrind's predictor, which remembers the last target
//! of each jump, misses nearly every VM dispatch and none of these calls.
//! Real processors predict dispatch jumps far better than that model, so
//! the counts only point at the cause, but the wall times fit it: at the
//! same instruction count, these calls are cheaper than a dispatch loop's
//! jumps. (The instruction counts are level for different reasons:
//! `nanbox-vm` spends its instructions on 8-byte values and many small
//! steps, this engine on 24-byte values and few large ones.)
//!
//! The benchmark programs at their small sizes (`harness ci --engines
//! slot-walker,closure-compiler,enum-vm,nanbox-vm --baseline /tmp/cc-base
//! --update-baseline --out /tmp/cc-ci`; instructions of the run phase, the
//! whole run less a run stopped after `prepare`, millions):
//!
//! | program (size) | `slot-walker` | `closure-compiler` | `enum-vm` | `nanbox-vm` | `slot-walker` ÷ this |
//! |---|---:|---:|---:|---:|---:|
//! | fib (20) | 10.7 | 4.8 | 9.1 | 4.9 | 2.21 |
//! | loop_arith (60) | 129.1 | 44.4 | 77.5 | 38.5 | 2.91 |
//! | globals (30000) | 91.6 | 40.5 | 45.9 | 22.1 | 2.26 |
//! | locals (40000) | 71.4 | 22.7 | 56.2 | 26.4 | 3.15 |
//! | closures (8000) | 121.2 | 83.1 | 68.5 | 64.1 | 1.46 |
//! | strings (5000) | 51.0 | 36.7 | 62.8 | 45.7 | 1.39 |
//! | string_equality (25000) | 151.3 | 58.2 | 67.9 | 30.0 | 2.60 |
//! | instantiation (15000) | 142.2 | 116.2 | 75.9 | 37.6 | 1.22 |
//! | method_call (15000) | 259.5 | 211.3 | 94.4 | 48.0 | 1.23 |
//! | fields (25000) | 210.1 | 174.6 | 72.3 | 36.9 | 1.20 |
//! | inheritance (15000) | 216.0 | 172.7 | 98.2 | 44.4 | 1.25 |
//! | binary_trees (8) | 129.0 | 104.1 | 64.9 | 33.6 | 1.24 |
//! | many_instances (250) | 176.6 | 119.2 | 85.8 | 40.2 | 1.48 |
//! | zoo (10000) | 272.7 | 224.4 | 89.6 | 49.9 | 1.21 |
//!
//! Where the work is control flow, arithmetic and locals, the closures
//! beat both walkers by 2.2 to 3.2 times and land among the VMs: fewer
//! instructions than both on locals and strings, level with `nanbox-vm`
//! on fib, between the two VMs on loop_arith, globals and
//! string_equality. Where the work is objects (the seven class-based
//! programs) or allocation (closures), this engine stays close to
//! `slot-walker` (1.2 to 1.5 times fewer instructions) and well behind both
//! VMs, because that work is in what the two crates share on purpose. Fields and
//! methods live in hash maps keyed by name strings under SipHash: on zoo
//! the hashing alone is 109.0 million instructions in both engines, 48 %
//! of this one's count, the same count to the instruction (the per-function
//! profiles `harness ci` writes). The VMs intern names: `enum-vm` hashes a
//! handle with an Fx hash, `nanbox-vm` keeps each string's hash and
//! compares pointers. The other shared costs are `Rc` counts on every copy
//! of an object and allocation: `malloc`, `free` and their helpers are
//! 24.8 million instructions of closures in both engines (30 % of this
//! one's count). Dispatch is no longer the bottleneck there; the
//! representation is, and changing it is the lesson of other rungs.
//!
//! ## What it costs up front
//! `prepare` parses and then compiles: one allocation per closure, and a
//! choice of shape per node. Measured as the count of `harness __run
//! --prepare-only` on each program (from the same `harness ci` run) less
//! the count of the same command on an empty file, so that process
//! start-up cancels out, preparing costs 1.28 to 1.62 times
//! `slot-walker`'s prepare, which only parses: fib 175.8 thousand
//! instructions against 134.4 thousand, zoo 303.0 against 224.3,
//! many_instances (the largest file) 558.4 against 419.6, globals 119.2
//! against 73.7. That is less than either VM's prepare (parse, then
//! compile to bytecode) on every program but globals and locals (`enum-vm`:
//! fib 212.7, zoo 409.2 thousand), and at most 3.6 % of this engine's own
//! run at the programs' small sizes (on fib), under 1 % on all the others.

#![forbid(unsafe_code)]

mod call;
mod compile;
mod env;
mod eval;
mod gc;
mod globals;
mod value;

pub use compile::Specialisations;

use compile::{CompiledFunction, Compiler};
use env::{Env, Slot};
use eval::Evaluator;
use frontend::diagnostics::RunError;
use frontend::{CompileErrors, Engine, Options, Session, WorkCount};
use globals::Globals;
use std::io::Write;
use std::rc::Rc;
use value::{Closure, Native, Upvalue, Value};

/// The engine, as registered.
pub struct ClosureCompiler;

impl Engine for ClosureCompiler {
    fn name(&self) -> &'static str {
        "closure-compiler"
    }

    fn description(&self) -> &'static str {
        "the resolved tree compiled once into nested Rust closures; running is calling them"
    }

    fn session(&self, options: Options) -> Box<dyn Session> {
        session_with(options, Specialisations::ALL)
    }
}

/// A session that compiles with only the given specialisations: how each
/// one's worth is measured. The registered engine uses them all.
pub fn session_with(options: Options, specialisations: Specialisations) -> Box<dyn Session> {
    Box::new(ClosureSession { state: State::new(options), specialisations, script: None })
}

/// What a session keeps between programs: its globals and its collector.
pub struct State {
    globals: Globals,
    collector: cycle_collector::CycleCollector,
    /// The heap ceiling (`Options::max_heap`) a new string is checked against.
    max_heap: usize,
    work: u64,
}

impl State {
    fn new(options: Options) -> State {
        let mut globals = Globals::default();
        let clock = Native { function: |_| Value::Number(frontend::natives::clock()) };
        let slot = globals.slot_of(&frontend::natives::CLOCK.into());
        globals.define(slot, Value::Native(clock));
        let collector = cycle_collector::CycleCollector::new(options.gc_stress);
        State { globals, collector, max_heap: options.max_heap, work: 0 }
    }

    /// Registers a new object that could take part in a cycle, and collects
    /// cycles when enough objects have been registered. Every object a
    /// closure is using is held by an `Rc` on the Rust stack or in the value
    /// stack, so any point where no `RefCell` is borrowed is a safe point.
    fn track<T: cycle_collector::Traceable + 'static>(&mut self, object: &Rc<T>) {
        self.collector.track(object);
        if self.collector.should_collect() {
            self.collector.collect();
        }
    }

    /// A closure that captures nothing can never lead back to itself, so
    /// only closures with upvalues are tracked.
    fn track_closure(&mut self, closure: &Rc<Closure>) {
        if !closure.upvalues.is_empty() {
            self.track(closure);
        }
    }

    fn new_upvalue(&mut self, value: Value) -> Rc<Upvalue> {
        let upvalue = Rc::new(Upvalue::new(value));
        self.track(&upvalue);
        upvalue
    }
}

struct ClosureSession {
    state: State,
    specialisations: Specialisations,
    /// The most recently prepared program, compiled.
    script: Option<Rc<CompiledFunction>>,
}

impl Session for ClosureSession {
    fn prepare(&mut self, source: &str) -> Result<(), CompileErrors> {
        let program = frontend::parse(source)?;
        let mut compiler = Compiler::new(&mut self.state.globals, self.specialisations);
        self.script = Some(compiler.script(&program));
        Ok(())
    }

    fn run(&mut self, out: &mut dyn Write) -> Result<(), RunError> {
        let function = self.script.clone().expect("run follows a successful prepare");
        let script = Closure { function, upvalues: Box::new([]) };
        self.state.work = 0;
        let mut stack = Vec::with_capacity(1024);
        stack.resize(1 + script.function.n_locals, Slot::Value(Value::Nil));
        let mut evaluator = Evaluator { state: &mut self.state, out, stack, depth: 1, returned: Value::Nil };
        match (script.function.body)(&mut evaluator, &Env { base: 0, closure: &script }) {
            Ok(value) => {
                value.discard();
                Ok(())
            }
            Err(error) => Err(*error),
        }
    }

    fn work_count(&self) -> Option<WorkCount> {
        cfg!(feature = "work-count").then_some(WorkCount { count: self.state.work, unit: "closures called" })
    }
}
