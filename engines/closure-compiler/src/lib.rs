//! # `closure-compiler`: the resolved AST compiled once into nested Rust closures
//!
//! A rung of the ladder that keeps the tree but stops walking it. A
//! tree-walker such as `slot-walker` rediscovers the program at every
//! visit: at each node it decodes which kind of node this is, which
//! operator, where the variable lives, and only then does the work. This
//! engine answers those questions once. `prepare` walks the resolved tree a
//! single time and turns every node into a boxed Rust closure, a
//! `Box<dyn Fn(&mut Evaluator, &Env) -> ...>`, that captures everything the
//! tree says ahead of time: a local's slot, a constant, the operator, the
//! number of arguments, the line an error would report. A node's closure
//! owns its children's closures, so a compiled function is one tree of
//! closures, and running it is calling the root. Nothing at run time
//! matches on a node's kind: the choice was made when the closure was
//! built, and all that is left of it is the address the closure's call
//! jumps to. `compile` is the compiler; there is no evaluator loop
//! anywhere in the crate.
//!
//! The price is the other half of the trade: a tree-walker's `evaluate`
//! handles a leaf (a local, a constant) inside the `match` it is already
//! in, while here every node, leaves included, is an indirect call with its
//! own prologue and epilogue, returning its 24-byte value through memory.
//! Whether dispatch by closure call beats dispatch by `match` is what the
//! plain engines measure against each other (`closure-compiler:plain`
//! against `slot-walker:plain`, in the reference report,
//! `reports/reference/README.md`).
//!
//! ## Where it comes from
//! The Ludus notes (`SEEDS.md`) describe this design and take it from two
//! write-ups: Cloudflare's "Building fast interpreters in Rust" and Neil
//! Mitchell's "Cheaply writing a fast interpreter". Their argument is the
//! one this rung tests: compiling the tree into closures removes the
//! interpretive overhead of walking it while keeping the program in safe
//! Rust, close to the tree, with `Rc` values and ordinary crates, instead of
//! writing a bytecode format, a compiler to it and a dispatch loop.
//!
//! ## What changed from `slot-walker`
//! The rung below is `slot-walker`, and the two crates are meant to be read
//! side by side (`diff engines/slot-walker/src/X.rs
//! engines/closure-compiler/src/X.rs`): what they store is the same, so the
//! difference between them is the dispatch strategy.
//!
//! The same:
//! * `value`: the 24-byte enum with its tag a whole word, objects in `Rc`s,
//!   fields and methods in tables keyed by name. One field differs: a
//!   `value::Closure` points at the closures compiled from its declaration
//!   (`compile::CompiledFunction`) where `slot-walker`'s points at the
//!   declaration.
//! * `env`: one value stack for every frame, a frame is the index of its
//!   slot 0, captured locals live in shared cells, a call pushes its
//!   arguments where the callee's parameters live and allocates nothing.
//! * `call`: the same operations in the same order with the same checks
//!   (arity before depth, trace lines added as an error leaves each call,
//!   no list of frames), and `gc`: the same cycle collector tracking the
//!   same objects.
//! * `eval::Evaluator` has the same fields as `slot-walker`'s evaluator.
//! * Every name lookup hashes through `frontend::hash` (the `fx-hash`
//!   tuning), as in every engine.
//!
//! What changed:
//! * `slot-walker`'s `evaluate` and `execute`, one `match` on the node per
//!   visit, are gone; `eval` keeps only the slow paths the closures share
//!   (errors, string concatenation, making closures).
//! * `compile` and its submodules are new. They also replace
//!   `slot-walker`'s `operand.rs`: where `slot-walker` asks at every visit
//!   "is this operand a local? a number literal?", this engine asks once
//!   and picks a Rust type for the answer.
//! * `globals`: the same idea as `slot-walker`'s, a slot per global name,
//!   reached without hashing the name (the `global-slots` tuning), but the
//!   slot is given when the name is compiled and captured by the closure
//!   that reads it, where `slot-walker` finds it by the name's address when
//!   it runs. Without the tuning both hash the name at every access.
//! * `config` declares this engine's own tunings and holds a session's
//!   switches, as `slot-walker`'s does.
//! * The `work-count` feature counts closures called, not nodes visited.
//!
//! ## Tunings
//! A closure compiler can do cheaply what a tree-walker needs a
//! hand-written fast path for: give a whole class of node shapes closures
//! of their own. The operators are written once, generic over how each
//! operand is fetched and over the operation, and Rust's monomorphisation
//! turns every combination into its own straight-line closure; the compiler
//! picks the closure that fits the node. Each such choice belongs to a
//! tuning, declared in [`TUNINGS`] and switched off by the session's
//! options (`lox --engine closure-compiler:no-NAME`, or
//! `closure-compiler:plain` for all of them). The switches are read once,
//! when the session starts (`config::Config`): a tuning switched off makes
//! the compiler build the general closures, and costs nothing at run time.
//!
//! The techniques a tree-walker has too carry the names `slot-walker` gives
//! them, so that the step between the two rungs is the strategy, tuned or
//! plain:
//!
//! | tuning | what it does here | why it pays | class of programs |
//! |---|---|---|---|
//! | `fx-hash` | names (fields, methods, globals) hash with Fx instead of SipHash | SipHash resists hash flooding, which a program's own names cannot attempt, at several times the cost | every field, method or global looked up by name |
//! | `global-slots` | each global name gets a slot when it is compiled, captured by the closures that use it | no name is hashed when the program runs | every read, assignment, declaration and call of a global |
//! | `global-calls` | a call's global callee is read inside the call's closure | no closure call for the callee | every call of a global function or class |
//! | `leaf-operands` | a local or number literal operand is read in place by its user's closure; arithmetic on two leaves as an argument or a declared, assigned or returned value is computed and stored from registers; such an argument, in calls of any arity, stores itself into its parameter slot | no closure call and no 24-byte value made per leaf | every expression with locals or literals as operands |
//! | `fused-conditions` | a comparison, `!`, `and` or `or` deciding an `if` or a loop yields a Rust `bool`; with `leaf-operands`, a comparison of leaves is compiled into the branching closure | no boolean value made and tested, and no closure call for the comparison | every condition of an `if`, `while` or `for` |
//! | `guard-returns` | an `if` whose then or else branch ends in `return` is one closure that returns straight from the `if` | no closure for the `return` statement | every `if` with a branch that returns |
//! | `tail-returns` | the end of a body is compiled as the expression the body yields: a final `return`, and a final `if` whose branches return (with `guard-returns`, any returning `if` followed by the rest of the body), become values, not statements that unwind | no unwinding through the statements around a `return` | every function whose body ends in a return |
//!
//! `slot-walker` also has `direct-operands`, a call or operator used as an
//! operand evaluated without a general evaluation of its node. Here that is
//! the strategy itself: every node already has its own closure and no
//! general evaluation exists to skip. This engine's own tunings fuse what a
//! closure per node keeps apart:
//!
//! | tuning | what it does | why it pays | class of programs |
//! |---|---|---|---|
//! | `call-statements` | a call whose result is dropped (`list.add(x);`) or stored into a local (`var a = f(x);`, `a = f(a);`) is one closure that calls and stores | no statement closure around the call's closure | every call used as a statement or as a local's value |
//! | `assignment-statements` | an assignment used as a statement stores its value without copying it out as the expression's result | no copy of the value, and no expression closure inside the statement's | every assignment statement |
//! | `fixed-arity-calls` | a call's arguments are held in an array of their number (up to three) | a loop the Rust compiler unrolls | every call with at most three arguments |
//!
//! What each tuning buys, per program, and where this rung stands against
//! the others, plain and tuned, is measured by the harness (`harness
//! ablate`, and the reference run in `reports/reference/README.md`), not
//! recorded here.
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
//! constants, slots and compiled functions, never a runtime object.

#![forbid(unsafe_code)]

mod call;
mod compile;
mod config;
mod dump;
mod env;
mod eval;
mod gc;
mod globals;
#[cfg(feature = "work-count")]
mod profile;
mod rung;
mod value;

#[cfg(test)]
mod tests;

pub use config::{ASSIGNMENT_STATEMENTS, CALL_STATEMENTS, FIXED_ARITY_CALLS, TAIL_RETURNS, TUNINGS};

use compile::{CompiledFunction, Compiler};
use config::Config;
use env::{Env, Slot};
use eval::Evaluator;
use frontend::diagnostics::RunError;
use frontend::hash::NameHash;
use frontend::{CompileErrors, Engine, Form, Options, Rung, Session, Tuning, WorkCount};
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
        let config = Config::new(&options);
        Box::new(ClosureSession { state: State::new(&options), config, script: None })
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

/// What a session keeps between programs: its globals and its collector.
pub struct State {
    globals: Globals,
    collector: cycle_collector::CycleCollector,
    /// The hash every name table uses (globals, fields, methods): the
    /// `fx-hash` tuning.
    name_hash: NameHash,
    /// The heap ceiling (`Options::max_heap`) a new string is checked against.
    max_heap: usize,
    work: u64,
    /// Calls per node kind and per closure kind, and the profiling marker.
    #[cfg(feature = "work-count")]
    profile: profile::Profile,
}

impl Drop for State {
    /// Everything the session made is garbage now: clear what the collector
    /// tracks, so the cycles formed since its last collection do not outlive
    /// the session.
    fn drop(&mut self) {
        self.collector.clear_all();
    }
}

impl State {
    fn new(options: &Options) -> State {
        let name_hash = NameHash::for_options(options);
        let mut globals = Globals::new(name_hash);
        let clock = Native { function: |_| Value::Number(frontend::natives::clock()) };
        let slot = globals.slot_of(&frontend::natives::CLOCK.into());
        globals.define(slot, Value::Native(clock));
        let collector = cycle_collector::CycleCollector::new(options.gc_stress);
        State {
            globals,
            collector,
            name_hash,
            max_heap: options.max_heap,
            work: 0,
            #[cfg(feature = "work-count")]
            profile: profile::Profile::default(),
        }
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
    config: Config,
    /// The most recently prepared program, compiled.
    script: Option<Rc<CompiledFunction>>,
}

impl Session for ClosureSession {
    fn prepare(&mut self, source: &str) -> Result<(), CompileErrors> {
        let program = frontend::parse(source)?;
        let mut compiler = Compiler::new(&mut self.state.globals, self.config);
        self.script = Some(compiler.script(&program));
        Ok(())
    }

    fn run(&mut self, out: &mut dyn Write) -> Result<(), RunError> {
        let function = self.script.clone().expect("run follows a successful prepare");
        let script = Closure { function, upvalues: Box::new([]) };
        self.state.work = 0;
        #[cfg(feature = "work-count")]
        self.state.profile.start();
        #[cfg(feature = "work-count")]
        let _script = frontend::profiling::marker::frame(0, script.function.marker);
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

    #[cfg(feature = "work-count")]
    fn counters(&self) -> Vec<frontend::profiling::Counter> {
        self.state.profile.counters()
    }
}
