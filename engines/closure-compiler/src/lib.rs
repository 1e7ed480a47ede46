//! # `closure-compiler`: the resolved AST compiled once into nested Rust closures
//!
//! (The crate documentation is completed once the figures are measured.)

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
    work: u64,
}

impl State {
    fn new(options: Options) -> State {
        let mut globals = Globals::default();
        let clock = Native { function: |_| Value::Number(frontend::natives::clock()) };
        let slot = globals.slot_of(&frontend::natives::CLOCK.into());
        globals.define(slot, Value::Native(clock));
        State { globals, collector: cycle_collector::CycleCollector::new(options.gc_stress), work: 0 }
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
