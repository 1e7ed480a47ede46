//! # `tagged-walker`: the tree-walker with 8-byte tagged values
//!
//! (Crate documentation is written once the figures are measured.)

mod call;
mod env;
mod eval;
mod gc;
mod globals;
mod heap;
mod literals;
mod object;
mod operand;
mod value;

use env::{Env, Slot};
use eval::{Evaluator, Unwind};
use frontend::ast::Program;
use frontend::diagnostics::RunError;
use frontend::{CompileErrors, Engine, Options, Session, WorkCount};
use globals::Globals;
use heap::Heap;
use literals::Literals;
use object::{Closure, Native};
use std::io::Write;
use value::Value;

/// The engine, as registered.
pub struct TaggedWalker;

impl Engine for TaggedWalker {
    fn name(&self) -> &'static str {
        "tagged-walker"
    }

    fn description(&self) -> &'static str {
        "tree-walker with slots; every value one 8-byte tagged word, objects under a mark-sweep collector"
    }

    fn session(&self, options: Options) -> Box<dyn Session> {
        Box::new(TaggedSession { state: State::new(options), program: None })
    }
}

/// What a session keeps between programs: its globals and its heap.
pub struct State {
    globals: Globals,
    literals: Literals,
    heap: Heap,
    tracer: gc::Tracer,
    work: u64,
}

impl State {
    fn new(options: Options) -> State {
        let mut heap = Heap::new(options.gc_stress);
        let clock = heap.alloc(Native { function: |_| frontend::natives::clock() });
        let mut globals = Globals::default();
        globals.define(&frontend::natives::CLOCK.into(), Value::object(clock));
        State { globals, literals: Literals::default(), heap, tracer: gc::Tracer::default(), work: 0 }
    }

    #[inline(always)]
    fn count_work(&mut self) {
        if cfg!(feature = "work-count") {
            self.work += 1;
        }
    }
}

struct TaggedSession {
    state: State,
    program: Option<Program>,
}

impl Session for TaggedSession {
    fn prepare(&mut self, source: &str) -> Result<(), CompileErrors> {
        self.program = Some(frontend::parse(source)?);
        Ok(())
    }

    fn run(&mut self, out: &mut dyn Write) -> Result<(), RunError> {
        let program = self.program.as_ref().expect("run follows a successful prepare");
        // Allocated without a collection (`Heap::alloc`), and rooted at
        // once in slot 0 below.
        let script = self.state.heap.alloc(Closure::new(program.script.clone(), Box::new([])));
        self.state.work = 0;
        let mut stack = Vec::with_capacity(1024);
        stack.resize(script.function.n_slots, Slot::NIL);
        // The script's closure in its slot 0, as a function's callee is in
        // its own: that keeps it alive (rule 2 in `gc.rs`).
        stack[0] = Slot::value(Value::object(script));
        let mut evaluator = Evaluator { state: &mut self.state, out, stack, depth: 1, held: Vec::new() };
        match evaluator.execute_block(&script.function.body, &Env { base: 0, closure: script }) {
            Ok(()) => Ok(()),
            Err(Unwind::Error(error)) => Err(*error),
            Err(Unwind::Return(_)) => unreachable!("the parser rejects `return` at top level"),
        }
    }

    fn work_count(&self) -> Option<WorkCount> {
        cfg!(feature = "work-count").then_some(WorkCount { count: self.state.work, unit: "AST nodes" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `source` in a new session and returns what it printed.
    fn run(source: &str, options: Options) -> String {
        let mut session = TaggedWalker.session(options);
        session.prepare(source).expect("the test program compiles");
        let mut out = Vec::new();
        session.run(&mut out).expect("the test program runs");
        String::from_utf8(out).expect("Lox prints UTF-8")
    }

    /// Each program reaches a closure, or keeps a value, only through a
    /// path the rooting rules of `gc.rs` name; under stress every
    /// allocation collects, and a debug build's quarantine turns a missed
    /// root into a panic.
    #[test]
    fn the_rooting_rules_hold_under_stress() {
        let cases: &[(&str, &str)] = &[
            // A bound method made by `super`, called after the method that
            // made it has returned.
            (
                "class A { m() { return \"A\" + \".m\"; } }
                 class B < A { m() { return \"B.m\"; } sup() { return super.m; } }
                 var f = B().sup(); print f();",
                "A.m\n",
            ),
            // A closure, reachable only through a field, that overwrites the
            // field and then reads its captured variable.
            (
                "class Holder {} var h = Holder();
                 fun make() { var tail = \"!\"; fun f() { h.f = nil; var junk = \"x\" + \"y\"; return junk + tail; } return f; }
                 h.f = make(); print h.f();",
                "xy!\n",
            ),
            // A temporary bound method called at once.
            ("class C { init(x) { this.x = x; } get() { return this.x + \"?\"; } } print (C(\"a\").get)();", "a?\n"),
            // Left operands held while the right one allocates.
            ("fun s(x) { return x + \"-\"; } print s(\"a\") + s(\"b\") + s(\"c\");", "a-b-c-\n"),
            // `this` captured by two closures, boxed once in slot 0.
            (
                "class P { init() { this.n = \"p\"; } pair() { fun a() { return this.n; } fun b() { return this.n + \"!\"; } return a() + b(); } }
                 print P().pair();",
                "pp!\n",
            ),
        ];
        for &(source, expected) in cases {
            for gc_stress in [false, true] {
                assert_eq!(run(source, Options { gc_stress }), expected, "{source}");
            }
        }
    }

    #[test]
    fn globals_and_literals_survive_between_runs_of_a_session() {
        let mut session = TaggedWalker.session(Options { gc_stress: true });
        session.prepare("var greeting = \"hel\" + \"lo\"; fun f() { return \"lit\"; }").unwrap();
        session.run(&mut Vec::new()).unwrap();
        session.prepare("var junk = \"a\" + \"b\"; print greeting + f();").unwrap();
        let mut out = Vec::new();
        session.run(&mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "hellolit\n");
    }

    #[test]
    fn a_slot_is_one_word() {
        assert_eq!(std::mem::size_of::<Slot>(), 8);
        assert_eq!(std::mem::size_of::<Value>(), 8);
    }
}
