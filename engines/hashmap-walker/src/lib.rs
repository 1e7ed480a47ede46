//! # `hashmap-walker`: the naive tree-walker
//!
//! The first rung of the ladder, and the design of jlox and of the seeds'
//! first versions (nederlang's 39 s fib(35), rinha's 43 ms step 0): the
//! program runs by walking its syntax tree, and every scope is a `HashMap`
//! from variable name to value, chained to the scope around it.
//!
//! ## How it runs
//! * [`eval`] executes statements and evaluates expressions recursively,
//!   straight from the shared AST. Functions hold an `Rc` of their
//!   declaration, so a call never copies a body (the seeds' 40 %-in-`clone`
//!   mistake is not one of this engine's costs).
//! * [`env`] holds the scopes. The resolver's scope distance (`hops`) says
//!   which scope a name belongs to, which keeps closures correct, but the
//!   variable is then found by hashing its name.
//! * [`call`] makes a new environment per call and per block.
//! * [`value`] is a 24-byte enum; objects are shared with `Rc`.
//! * [`gc`]: reference counting frees most garbage at once; cycles (a
//!   closure stored in the scope it captures, instances pointing at each
//!   other) are found by the shared trial-deletion cycle collector. That
//!   choice keeps the engine in safe Rust without a root set: a value held
//!   on the Rust stack keeps its strong count up and so stays alive.
//!
//! ## Its deliberate costs
//! These are the costs the later rungs remove, and the profile shows them:
//! 1. **A hash per variable access**: hashing the name and probing a table,
//!    after walking `hops` parent links.
//! 2. **An allocation per scope**: every call and every block allocates an
//!    environment and its table, and registers it with the cycle collector.
//! 3. **Argument vectors**: each call collects its arguments into a `Vec`.
//! 4. **A 24-byte value** with reference-count traffic on every copy of an
//!    object value.
//! 5. **Recursion on the native stack**, one Rust frame per tree level, so the
//!    engine must run on a thread with a large stack
//!    (`frontend::engine::STACK_SIZE`).
//!
//! ## Its one tuning
//! `fx-hash` ([`frontend::tuning::FX_HASH`]): names hash with the Fx hash
//! instead of std's SipHash-1-3. It is the seeds' first step (nederlang's
//! fxhash), it is not the strategy, and every rung above has it too, so
//! `hashmap-walker:plain` against `hashmap-walker` measures the hash alone
//! on every program, and the plain ladder compares every rung with SipHash.

#![forbid(unsafe_code)]

mod call;
mod env;
mod eval;
mod gc;
mod rung;
mod value;

use env::Env;
use eval::{Evaluator, Frame, Unwind};
use frontend::ast::Program;
use frontend::diagnostics::RunError;
use frontend::hash::NameHash;
use frontend::profiling::NodeKind;
use frontend::tuning::FX_HASH;
use frontend::work::Tally;
use frontend::{CompileErrors, Engine, Options, Rung, Session, Tuning, WorkCount};
use std::io::Write;
use std::rc::Rc;
use value::{Native, Value};

/// The engine, as registered.
pub struct HashmapWalker;

impl Engine for HashmapWalker {
    fn name(&self) -> &'static str {
        "hashmap-walker"
    }

    fn description(&self) -> &'static str {
        "tree-walker; every scope a HashMap from name to value, looked up by name"
    }

    fn session(&self, options: Options) -> Box<dyn Session> {
        Box::new(HashmapSession { state: State::new(options), program: None })
    }

    fn tunings(&self) -> &'static [Tuning] {
        TUNINGS
    }

    fn rung(&self) -> Rung {
        rung::RUNG
    }
}

/// The one optimisation this engine allows itself: the naive strategy is
/// the point of the rung, but the hash function is not the strategy, and
/// every rung above shares the tuning.
pub const TUNINGS: &[Tuning] = &[FX_HASH];

/// What a session keeps between programs: its globals and its collector.
pub struct State {
    globals: Rc<Env>,
    collector: cycle_collector::CycleCollector,
    /// The hash every scope, field table and method table uses.
    name_hash: NameHash,
    /// The heap ceiling (`Options::max_heap`) a new string is checked against.
    max_heap: usize,
    work: u64,
    /// Evaluations per node kind, and the profiling marker.
    #[cfg(feature = "work-count")]
    nodes: frontend::profiling::NodeProfile,
    /// What the last run did in Lox's own terms (`work-count` builds only):
    /// this engine is the one the harness characterises programs with.
    tally: Tally,
}

impl State {
    fn new(options: Options) -> State {
        let name_hash = NameHash::for_options(&options);
        let globals = Rc::new(Env::new(None, name_hash));
        let clock = Native { function: |_| Value::Number(frontend::natives::clock()) };
        globals.define(frontend::natives::CLOCK.into(), Value::Native(clock));
        let collector = cycle_collector::CycleCollector::new(options.gc_stress);
        State {
            globals,
            collector,
            name_hash,
            max_heap: options.max_heap,
            work: 0,
            #[cfg(feature = "work-count")]
            nodes: frontend::profiling::NodeProfile::default(),
            tally: Tally::default(),
        }
    }

    /// Registers a new object that could take part in a cycle, and collects
    /// cycles when enough objects have been registered. Every object the
    /// evaluator is using is held by an `Rc` on the Rust stack, so any point
    /// where no `RefCell` is borrowed is a safe point.
    fn track<T: cycle_collector::Traceable + 'static>(&mut self, object: &Rc<T>) {
        self.collector.track(object);
        if self.collector.should_collect() {
            self.collector.collect();
        }
    }

    fn new_env(&mut self, parent: Option<Rc<Env>>) -> Rc<Env> {
        let env = Rc::new(Env::new(parent, self.name_hash));
        self.track(&env);
        env
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

    /// Counts what the program did, in `work-count` builds only (a timing
    /// build compiles the call away).
    #[inline(always)]
    fn tally(&mut self, count: impl FnOnce(&mut Tally)) {
        if cfg!(feature = "work-count") {
            count(&mut self.tally);
        }
    }
}

impl Drop for State {
    /// Everything the session made is garbage now. Cycles through the
    /// globals (a global function's closure holds the global scope) are not
    /// tracked, so the global scope is cleared first, then every tracked
    /// object, so that nothing outlives the session.
    fn drop(&mut self) {
        cycle_collector::Traceable::clear(&*self.globals);
        self.collector.clear_all();
    }
}

/// What [`State::count_node`] returns: the marker's guard in the profiling
/// build, nothing otherwise.
#[cfg(feature = "work-count")]
type NodeMark = frontend::profiling::marker::WhatGuard;
#[cfg(not(feature = "work-count"))]
type NodeMark = frontend::profiling::marker::NoMark;

struct HashmapSession {
    state: State,
    program: Option<Program>,
}

impl Session for HashmapSession {
    fn prepare(&mut self, source: &str) -> Result<(), CompileErrors> {
        self.program = Some(frontend::parse(source)?);
        Ok(())
    }

    fn run(&mut self, out: &mut dyn Write) -> Result<(), RunError> {
        let program = self.program.as_ref().expect("run follows a successful prepare");
        let script = program.script.clone();
        self.state.work = 0;
        #[cfg(feature = "work-count")]
        self.state.nodes.start();
        #[cfg(feature = "work-count")]
        let _script = frontend::profiling::marker::frame(0, script.marker);
        self.state.tally = Tally::default();
        let globals = self.state.globals.clone();
        let mut evaluator = Evaluator { state: &mut self.state, out, frames: vec![Frame { name: None, line: 0 }] };
        match evaluator.execute_block(&script.body, &globals) {
            Ok(()) => Ok(()),
            Err(Unwind::Error(error)) => Err(error),
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

    fn work_counters(&self) -> Vec<(&'static str, u64)> {
        if cfg!(feature = "work-count") { self.state.tally.counters() } else { Vec::new() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use frontend::work;

    /// Every kind of thing the tally counts, each a known number of times;
    /// a timing build (no `work-count`) counts nothing at all.
    #[test]
    fn the_tally_counts_what_the_program_asks_for() {
        let source = r#"
            class Point {
              init(x) { this.x = x; }
              get() { return this.x; }
            }
            class Empty {}
            fun depth(n) { if (n == 0) return 0; return depth(n - 1); }
            var p = Point(1);
            p.x = p.get() + p.x;
            var m = p.get;
            var e = Empty();
            var s = "a" + "b" + "c";
            depth(3);
            fun outer() { fun inner() { return 1; } return inner(); }
            outer();
            clock();
        "#;
        let mut session = HashmapWalker.session(Options::default());
        session.prepare(source).expect("the program compiles");
        session.run(&mut Vec::new()).expect("the program runs");
        let counters = session.work_counters();
        if !cfg!(feature = "work-count") {
            assert!(counters.is_empty());
            return;
        }
        let count = |name: &str| counters.iter().find(|(n, _)| *n == name).map_or(0, |(_, c)| *c);
        // Point(1) with its init, p.get(), Empty(), depth 3 to 0 (4 calls),
        // outer and inner, clock.
        assert_eq!(count(work::CALLS), 1 + 1 + 1 + 4 + 2 + 1);
        assert_eq!(count(work::MAX_CALL_DEPTH), 4);
        assert_eq!((count(work::INSTANCES), count(work::CLASSES), count(work::BOUND_METHODS)), (2, 2, 1));
        // Two methods, depth, outer, and inner once.
        assert_eq!(count(work::CLOSURES), 5);
        assert_eq!(count(work::STRINGS), 2);
        assert_eq!(count(work::ALLOCATIONS), 2 + 2 + 1 + 5 + 2);
        // p.get(), p.x, p.get and this.x in get(): reads; this.x in init, p.x: writes.
        assert_eq!((count(work::PROPERTY_READS), count(work::PROPERTY_WRITES)), (4, 2));
        // Point, p three times in the assignment and once for m, Empty,
        // depth once outside and three times inside, outer and clock.
        assert_eq!(count(work::GLOBAL_READS), 1 + 3 + 1 + 1 + 1 + 3 + 1 + 1);
    }
}
