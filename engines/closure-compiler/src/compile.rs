//! The compiler: every node of the resolved tree becomes a Rust closure.
//!
//! `prepare` walks the tree once. For each node it picks a closure shaped
//! for that node (and, where it pays, for that node's children) and
//! captures in it everything the tree says ahead of time: a local's slot, a
//! global's slot, a constant, the operator, the number of arguments, the
//! line for an error. The closure for a node owns the closures for its
//! children, so a compiled function is one tree of boxed closures and
//! running it is calling the root. What the tree-walker decides at every
//! visit (which kind of node is this? which operator? where is this
//! variable?) is decided here, once.
//!
//! Three closure signatures, all taking the [`Evaluator`] and the running
//! frame's [`Env`]:
//! * [`ExprFn`] for expressions, returning the value or a thrown error (a
//!   function's whole body is one too: it yields what the call returns);
//! * [`StmtFn`] for statements, returning nothing, a `return`, or an error;
//! * [`CondFn`] for an `if` or `while` condition, returning the truthiness
//!   directly, so that a comparison feeding a branch never makes a boolean
//!   value only to test it.
//!
//! That is the strategy. Not every node needs a closure of its own,
//! though: where a child's shape is known (a local, a constant, arithmetic
//! on those, a comparison of those), the parent's closure can be generic
//! over a small type that fetches or computes the child in place, and Rust
//! compiles one closure per combination. Each such specialisation belongs
//! to a tuning (see [`crate::config`]); with a tuning off, the compiler
//! builds the general closures instead.
//!
//! The module is split by concern: [`stmt`](self::stmt) (statements),
//! [`body`](self::body) (function bodies and `return`),
//! [`expr`](self::expr), [`operand`](self::operand) (how a child is
//! fetched), [`binary`](self::binary) (operators),
//! [`condition`](self::condition) (what branches test) and
//! [`call`](self::call).

mod binary;
mod body;
mod call;
mod condition;
mod expr;
mod operand;
mod stmt;
mod trace;

use crate::config::Config;
use crate::env::Env;
use crate::eval::{Eval, Evaluator, Exec, Thrown};
use crate::globals::{GlobalSlot, Globals};
use frontend::Tuning;
use frontend::ast::{Capture, Function, FunctionKind, Local, Name, Program, Target};
use frontend::tuning::GLOBAL_SLOTS;
use std::rc::Rc;
pub use trace::Trace;

/// A compiled expression.
pub type ExprFn = Box<dyn Fn(&mut Evaluator<'_>, &Env<'_>) -> Eval>;
/// A compiled statement (or sequence of statements).
pub type StmtFn = Box<dyn Fn(&mut Evaluator<'_>, &Env<'_>) -> Exec>;
/// A compiled condition: the truthiness of an expression.
pub type CondFn = Box<dyn Fn(&mut Evaluator<'_>, &Env<'_>) -> Result<bool, Thrown>>;

/// A function, method or script, compiled: what a closure value calls.
pub struct CompiledFunction {
    pub name: Name,
    pub kind: FunctionKind,
    pub arity: usize,
    /// Frame slots above the parameters: the locals a call starts as nil.
    pub n_locals: usize,
    /// The slots of the parameters that closures capture, boxed on entry.
    pub captured_params: Box<[u16]>,
    /// What each closure of this function captures, in capture-index order.
    pub upvalues: Box<[Capture]>,
    /// The whole body as one closure, yielding what a call returns.
    pub body: ExprFn,
    /// The profiling marker's id for the function's frames.
    #[cfg(feature = "work-count")]
    pub marker: u32,
}

/// Where a declaration stores its variable, decided at compile time.
#[derive(Clone)]
pub enum Define {
    /// A global, through the slot the compiler gave its name.
    Global(GlobalSlot),
    /// A global found by its name when it is defined (`global-slots` off).
    NamedGlobal(Name),
    /// A local no closure captures: a plain value in its slot.
    Local(u16),
    /// A local some closure captures: a fresh cell in its slot.
    Captured(u16),
}

/// A class declaration, compiled: what `call::class_declaration` needs.
pub struct ClassPlan {
    pub name: Name,
    pub target: Define,
    pub superclass: Option<SuperclassPlan>,
    pub methods: Vec<Rc<CompiledFunction>>,
}

pub struct SuperclassPlan {
    /// Reads the superclass variable.
    pub read: ExprFn,
    /// The hidden `super` local the methods capture.
    pub super_local: Define,
    /// The line of `Superclass must be a class.`.
    pub line: u32,
}

/// Compiles programs for one session, giving global names their slots in
/// the session's table.
pub struct Compiler<'a> {
    globals: &'a mut Globals,
    config: Config,
    /// How many closures each tuning specialised, for the tests that check
    /// each tuning fires on the programs of its class.
    #[cfg(test)]
    pub fired: std::collections::BTreeMap<&'static str, usize>,
    /// What was built, kept only for `lox --dump closures`.
    trace: Option<Trace>,
}

impl<'a> Compiler<'a> {
    pub fn new(globals: &'a mut Globals, config: Config) -> Self {
        Compiler {
            globals,
            config,
            #[cfg(test)]
            fired: Default::default(),
            trace: None,
        }
    }

    /// A compiler that notes the closure tree it builds (see [`Trace`]).
    pub fn tracing(globals: &'a mut Globals, config: Config) -> Self {
        Compiler { trace: Some(Trace::default()), ..Compiler::new(globals, config) }
    }

    /// The closure tree noted so far, when this compiler keeps one.
    pub fn take_trace(&mut self) -> Option<Trace> {
        self.trace.take()
    }

    /// Records that `tuning` specialised a closure (in tests, and in a trace).
    #[inline(always)]
    fn fired(&mut self, tuning: &Tuning) {
        #[cfg(test)]
        {
            *self.fired.entry(tuning.name).or_default() += 1;
        }
        if let Some(trace) = &mut self.trace {
            trace.fired(tuning.name);
        }
    }

    /// Whether a global's closure captures its slot (`global-slots`), else
    /// finds the slot by the name at every access.
    fn global_slots(&mut self) -> bool {
        if self.config.global_slots {
            self.fired(&GLOBAL_SLOTS);
        }
        self.config.global_slots
    }

    pub fn script(&mut self, program: &Program) -> Rc<CompiledFunction> {
        self.function(&program.script)
    }

    fn function_node(&mut self, function: &Function) -> Rc<CompiledFunction> {
        let body = self.body(&function.body, function.kind);
        let captured_params = function.params.iter().filter(|param| param.captured).map(|param| param.slot).collect();
        Rc::new(CompiledFunction {
            name: function.name.clone(),
            kind: function.kind,
            arity: function.arity(),
            n_locals: function.n_slots.saturating_sub(1 + function.arity()),
            captured_params,
            upvalues: function.upvalues.clone().into_boxed_slice(),
            body,
            #[cfg(feature = "work-count")]
            marker: function.marker,
        })
    }

    fn define(&mut self, target: &Target) -> Define {
        match target {
            Target::Global(name) => {
                let slot = self.globals.slot_of(name);
                if self.global_slots() { Define::Global(slot) } else { Define::NamedGlobal(name.clone()) }
            }
            Target::Local(local) => define_local(local),
        }
    }
}

fn define_local(local: &Local) -> Define {
    if local.captured { Define::Captured(local.slot) } else { Define::Local(local.slot) }
}
