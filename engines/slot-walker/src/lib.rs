//! # `slot-walker`: the tree-walker with resolved variable slots
//!
//! (Crate documentation is written once the figures are measured.)

#![forbid(unsafe_code)]

mod call;
mod env;
mod eval;
mod gc;
mod globals;
mod operand;
mod value;

use env::{Env, Slot};
use eval::{Evaluator, Unwind};
use frontend::ast::Program;
use frontend::diagnostics::RunError;
use frontend::{CompileErrors, Engine, Options, Session, WorkCount};
use globals::Globals;
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
}

/// What a session keeps between programs: its globals and its collector.
pub struct State {
    globals: Globals,
    collector: cycle_collector::CycleCollector,
    work: u64,
}

impl State {
    fn new(options: Options) -> State {
        let mut globals = Globals::default();
        let clock = Native { function: |_| Value::Number(frontend::natives::clock()) };
        globals.define(&frontend::natives::CLOCK.into(), Value::Native(clock));
        State { globals, collector: cycle_collector::CycleCollector::new(options.gc_stress), work: 0 }
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

    #[inline(always)]
    fn count_work(&mut self) {
        if cfg!(feature = "work-count") {
            self.work += 1;
        }
    }
}

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
        let mut stack = Vec::with_capacity(1024);
        stack.resize(script.function.n_slots, Slot::Value(Value::Nil));
        let mut evaluator = Evaluator { state: &mut self.state, out, stack, depth: 1 };
        match evaluator.execute_block(&script.function.body, &Env { base: 0, closure: &script }) {
            Ok(()) => Ok(()),
            Err(Unwind::Error(error)) => Err(*error),
            Err(Unwind::Return(_)) => unreachable!("the parser rejects `return` at top level"),
        }
    }

    fn work_count(&self) -> Option<WorkCount> {
        cfg!(feature = "work-count").then_some(WorkCount { count: self.state.work, unit: "AST nodes" })
    }
}
