//! # `slot-walker`: the tree-walker with resolved variable slots
//!
//! The second rung of the ladder. It walks the same resolved syntax tree as
//! `hashmap-walker`, statement by statement and expression by expression,
//! but it uses the other half of the resolver's answer: every local
//! variable has a **slot** in its function's frame, so it is found by index
//! in a vector instead of by name in a chain of hash maps. This is the step
//! the seeds took as "Vec instead of HashMap", "names and values in separate
//! vectors" (nederlang), "variables of stack instead of stack of variables"
//! and "frame reuse" (rinha). The lesson of the rung is what finding a
//! variable by name costs, and what a frame costs when it is a range of one
//! vector instead of a heap object.
//!
//! ## What changed from `hashmap-walker`
//! The modules have the same names, so `diff -r` of the two `src/`
//! directories shows the idea:
//! * [`env`]: one value stack for every frame, instead of a `HashMap` per
//!   scope. A frame is the index of its slot 0; local `slot` is
//!   `stack[base + slot]`. Blocks cost nothing (their locals are higher
//!   slots of the same frame) and a call allocates nothing: the caller
//!   evaluates the arguments straight onto the stack where the callee's
//!   parameters live, and the frame is truncated away on return, so the
//!   stack's memory is reused by every later call.
//! * Captured variables ([`value`]): the resolver marks the locals a closure
//!   captures; their declaration boxes them in a shared `Rc` cell (an
//!   [`value::Upvalue`]) and the slot holds the cell, and a closure holds the
//!   cells of exactly the variables it captures. The alternative, clox's open
//!   upvalues pointing into the stack and closed when their scope ends, would
//!   leave captured locals in their slots but needs a list of open upvalues
//!   closed at every block and function exit; cells need no work at scope
//!   exit and keep the evaluator simple, at one allocation per execution of a
//!   captured declaration.
//! * Globals stay keyed by name, as they must: they are late bound, a
//!   function may name a global that a later statement defines, and the
//!   shared tree has no field in which to store a resolved index. They live
//!   in `frontend::globals::Globals`, the table `tagged-walker` uses too.
//! * [`call`]: no list of frames is kept. A runtime error starts its trace
//!   with the innermost frame and each call it unwinds through adds its
//!   caller's line; calls only count their depth for `Stack overflow.`.
//! * [`gc`]: the same trial-deletion cycle collector, tracking cells,
//!   closures that capture something, classes, instances and bound methods.
//!   There are no environments to track, and the value stack is a root
//!   simply because it holds strong references the collector cannot see.
//!
//! The value is `hashmap-walker`'s 24-byte enum with `Rc` objects, written
//! so that moving one is three plain words and consuming a number calls no
//! drop glue ([`value::Value::discard`]); that is the representation, and
//! the next rung, `tagged-walker`, changes exactly it.
//!
//! ## Tunings
//! Around the strategy, the engine makes seven optimisations that are not
//! the slot idea. Each is a shared technique of `frontend::tuning`, declared
//! in [`TUNINGS`] and switched off by the session's options
//! (`lox --engine slot-walker:no-NAME`, or `slot-walker:plain` for all of
//! them), so the harness can measure the strategy alone and what each
//! tuning buys on every program. `tagged-walker` declares the same seven
//! with the same code in the same places, so that the step between the two
//! rungs is their value, tuned or plain.
//!
//! | tuning | what it does | why it pays | class of programs |
//! |---|---|---|---|
//! | `fx-hash` | names (fields, methods, globals) hash with Fx instead of SipHash | SipHash resists hash flooding, which a program's own names cannot attempt, at several times the cost | every field, method or global looked up |
//! | `global-slots` | a global is found by its interned name's address through a small cache | the name's text is hashed once per program instead of at every access | every read, assignment and call of a global |
//! | `global-calls` | a call's global callee is read in place | no recursive `evaluate` for the callee | every call of a global function or class |
//! | `leaf-operands` | a local or number literal operand is read in place, and an operator on two number leaves computes on `f64`s | no recursive `evaluate` and no 24-byte value made per leaf | every expression with locals or literals as operands |
//! | `direct-operands` | a call or operator used as an operand (argument, operator operand, returned, declared or assigned value) is evaluated in place | one recursive `evaluate`, with its large frame and dispatch, fewer per nested node | every call and operator nested in an expression or giving a statement its value |
//! | `fused-conditions` | a comparison, `!`, `and` or `or` deciding an `if` or a loop yields a Rust `bool` | no boolean value made and tested | every condition of an `if`, `while` or `for` |
//! | `guard-returns` | an `if` branch that returns (bare or ending a braced block, either branch) returns from the `if` | no recursive `execute` for the branch | every `if` with a branch that returns |
//!
//! A switch is read from the evaluator's copy of [`config::Config`] where
//! its fast path is taken: a load and a branch, after the shape test the
//! path needs anyway, so that nodes a tuning does not apply to pay nothing
//! for it. The hash and the globals' cache are chosen once, when the
//! session's tables are made. Code layout is not a tuning: which paths are
//! inlined and which are cold is the same in the plain and the tuned
//! engine.
//!
//! What each tuning buys, per program, and where this rung stands against
//! the others, plain and tuned, is measured by the harness (`harness
//! ablate`, and the reference run in `reports/reference/README.md`), not
//! recorded here, so that no figure in this documentation goes stale.
//!
//! ## What remains, for the next rungs
//! Most of what is left is shape, not lookup: every node is a Rust call
//! returning a 24-byte `Result` through memory, the shared tree's enums are
//! niche-encoded (decoding a node's kind takes several instructions), and
//! objects are `Rc`s counted on every copy. `tagged-walker` keeps this
//! evaluator and shrinks the value to 8 bytes; `closure-compiler` keeps the
//! values and replaces the `match` on nodes with closures built once.

#![forbid(unsafe_code)]

mod call;
mod config;
mod env;
mod eval;
mod gc;
mod operand;
mod rung;
mod value;

pub use config::TUNINGS;

use config::Config;
use env::{Env, Slot};
use eval::{Evaluator, Unwind};
use frontend::ast::Program;
use frontend::diagnostics::RunError;
use frontend::globals::Globals;
use frontend::hash::NameHash;
use frontend::profiling::NodeKind;
use frontend::{CompileErrors, Engine, Form, Options, Rung, Session, Tuning, WorkCount};
use std::io::Write;
use std::rc::Rc;
use value::{Closure, Native, Upvalue, Value};

/// The engine, as registered.
pub struct SlotWalker;

impl Engine for SlotWalker {
    fn name(&self) -> &'static str {
        "slot-walker"
    }

    fn description(&self) -> &'static str {
        "tree-walker; locals in the resolver's slots of one value stack, captured ones in cells"
    }

    fn session(&self, options: Options) -> Box<dyn Session> {
        Box::new(SlotSession { state: State::new(options), program: None })
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

    fn dump(&self, form: Form, source: &str, _: &Options) -> Option<Result<String, CompileErrors>> {
        frontend::dump::parsed(form, source)
    }
}

/// What a session keeps between programs: its globals, its collector and
/// its tunings.
pub struct State {
    globals: Globals<Value>,
    collector: cycle_collector::CycleCollector,
    config: Config,
    /// The hash of every field and method table.
    name_hash: NameHash,
    /// The heap ceiling (`Options::max_heap`) a new string is checked against.
    max_heap: usize,
    work: u64,
    /// Evaluations per node kind, and the profiling marker.
    #[cfg(feature = "work-count")]
    nodes: frontend::profiling::NodeProfile,
    /// How often each tuning's fast path was taken, by name: kept only in
    /// unit tests, which check that every tuning fires where it should.
    #[cfg(test)]
    fired: std::collections::BTreeMap<&'static str, u64>,
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
    fn new(options: Options) -> State {
        let mut globals = Globals::new(&options);
        let clock = Native { function: |_| Value::Number(frontend::natives::clock()) };
        globals.define(&frontend::natives::CLOCK.into(), Value::Native(clock));
        State {
            globals,
            collector: cycle_collector::CycleCollector::new(options.gc_stress),
            config: Config::new(&options),
            name_hash: NameHash::for_options(&options),
            max_heap: options.max_heap,
            work: 0,
            #[cfg(feature = "work-count")]
            nodes: frontend::profiling::NodeProfile::default(),
            #[cfg(test)]
            fired: Default::default(),
        }
    }

    /// Registers a new object that could take part in a cycle, and collects
    /// cycles when enough objects have been registered. Every object the
    /// evaluator is using is held by an `Rc` on the Rust stack or in the
    /// value stack, so any point where no `RefCell` is borrowed is a safe
    /// point.
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

    /// Counts a node of `kind` evaluated, and marks it for the sampler
    /// until the returned guard drops, when the engine is built with the
    /// `work-count` feature; nothing at all otherwise.
    #[inline(always)]
    fn count_node(&mut self, kind: NodeKind) -> NodeMark {
        #[cfg(feature = "work-count")]
        {
            self.work += 1;
            self.nodes.enter(kind)
        }
        #[cfg(not(feature = "work-count"))]
        {
            let _ = kind;
            frontend::profiling::marker::NoMark
        }
    }

    /// Notes that `tuning`'s fast path was taken (in unit tests only).
    #[inline(always)]
    fn fired(&mut self, tuning: &Tuning) {
        self.fired_if(|_| true, tuning);
    }

    /// Notes that `tuning` was used if `used` says so of this state; the
    /// question is asked in unit tests only, and costs nothing otherwise.
    #[inline(always)]
    fn fired_if(&mut self, used: impl FnOnce(&State) -> bool, tuning: &Tuning) {
        #[cfg(test)]
        if used(self) {
            *self.fired.entry(tuning.name).or_default() += 1;
        }
        #[cfg(not(test))]
        let _ = (used, tuning);
    }
}

/// What [`State::count_node`] returns: the marker's guard in the profiling
/// build, nothing otherwise.
#[cfg(feature = "work-count")]
type NodeMark = frontend::profiling::marker::WhatGuard;
#[cfg(not(feature = "work-count"))]
type NodeMark = frontend::profiling::marker::NoMark;

struct SlotSession {
    state: State,
    program: Option<Program>,
}

impl Session for SlotSession {
    fn prepare(&mut self, source: &str) -> Result<(), CompileErrors> {
        self.program = Some(frontend::parse(source)?);
        Ok(())
    }

    fn run(&mut self, out: &mut dyn Write) -> Result<(), RunError> {
        let program = self.program.as_ref().expect("run follows a successful prepare");
        let script = Closure::new(program.script.clone(), Box::new([]));
        self.state.work = 0;
        #[cfg(feature = "work-count")]
        self.state.nodes.start();
        #[cfg(feature = "work-count")]
        let _script = frontend::profiling::marker::frame(0, program.script.marker);
        let mut stack = Vec::with_capacity(1024);
        stack.resize(script.function.n_slots, Slot::Value(Value::Nil));
        let config = self.state.config;
        let mut evaluator = Evaluator { state: &mut self.state, config, out, stack, depth: 1 };
        match evaluator.execute_block(&script.function.body, &Env { base: 0, closure: &script }) {
            Ok(()) => Ok(()),
            Err(Unwind::Error(error)) => Err(*error),
            Err(Unwind::Return(_)) => unreachable!("the parser rejects `return` at top level"),
        }
    }

    fn work_count(&self) -> Option<WorkCount> {
        cfg!(feature = "work-count").then_some(WorkCount { count: self.state.work, unit: "AST nodes" })
    }

    #[cfg(feature = "work-count")]
    fn counters(&self) -> Vec<frontend::profiling::Counter> {
        self.state.nodes.counters()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs each source in turn in one session, as the prompt does, and
    /// returns everything printed.
    fn run_all(sources: &[&str]) -> String {
        let mut session = SlotWalker.session(Options::default());
        let mut out = Vec::new();
        for source in sources {
            session.prepare(source).expect("the test program compiles");
            session.run(&mut out).expect("the test program runs");
        }
        String::from_utf8(out).expect("Lox prints UTF-8")
    }

    #[test]
    fn globals_persist_across_programs_of_a_session() {
        // Each program is parsed on its own, so the same name is a different
        // `Rc<str>` in each: the address cache must fall back to the text.
        let printed =
            run_all(&["var a = 1; fun f() { return a; }", "a = a + 1; print f();", "var a = 10; print f(); print a;"]);
        assert_eq!(printed, "2\n10\n10\n");
    }

    #[test]
    fn an_undefined_global_is_an_error_until_it_is_defined() {
        let mut session = SlotWalker.session(Options::default());
        session.prepare("print later;").expect("compiles");
        let error = session.run(&mut Vec::new()).expect_err("`later` is not defined yet");
        assert_eq!(error.to_string(), "Undefined variable 'later'.\n[line 1] in script\n");
        session.prepare("var later = 3; print later;").expect("compiles");
        let mut out = Vec::new();
        session.run(&mut out).expect("runs");
        assert_eq!(out, b"3\n");
    }

    /// Runs `source` in a new session with `options`, and answers what it
    /// printed and whether `tuning`'s path was taken.
    fn run_noting(source: &str, options: Options, tuning: &Tuning) -> (String, bool) {
        let mut session = SlotSession { state: State::new(options), program: None };
        session.prepare(source).expect("the example compiles");
        let mut out = Vec::new();
        session.run(&mut out).expect("the example runs");
        let taken = session.state.fired.get(tuning.name).is_some_and(|&count| count > 0);
        (String::from_utf8(out).expect("Lox prints UTF-8"), taken)
    }

    #[test]
    fn each_tuning_is_used_by_two_programs_of_its_class_and_changes_no_output() {
        if let Err(problem) = frontend::tuning::check_examples(TUNINGS, run_noting) {
            panic!("{problem}");
        }
    }

    #[test]
    fn plain_takes_no_tuned_path() {
        for tuning in TUNINGS {
            for source in frontend::tuning::examples(tuning).expect("shared tunings have examples") {
                for any in TUNINGS {
                    let (_, taken) = run_noting(source, Options::default().plain(TUNINGS), any);
                    assert!(!taken, "`{}` was used by a plain session running:\n{source}", any.name);
                }
            }
        }
    }

    #[test]
    fn work_is_counted_only_when_built_to_count_it() {
        let mut session = SlotWalker.session(Options::default());
        session.prepare("var x = 1 + 2;").expect("compiles");
        session.run(&mut Vec::new()).expect("runs");
        let counted = session.work_count().map(|work| work.count);
        // The statement, the binary node and its two leaves.
        let expected = cfg!(feature = "work-count").then_some(4);
        assert_eq!(counted, expected);
    }
}
