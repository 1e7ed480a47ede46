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
        // Allocated without a collection, and rooted from the start as the
        // first active call.
        let script = self.state.heap.alloc(Closure::new(program.script.clone(), Box::new([])));
        self.state.work = 0;
        let mut stack = Vec::with_capacity(1024);
        stack.resize(script.function.n_slots, Slot::NIL);
        let mut evaluator = Evaluator { state: &mut self.state, out, stack, calls: vec![script] };
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
