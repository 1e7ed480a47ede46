//! The state compiled closures run against, and the operations they share.
//!
//! There is no evaluator loop here: the compiled closures *are* the
//! evaluator. What remains is what every closure needs: the [`Evaluator`]
//! (the session's state, the output, the value stack and the call depth),
//! how an error is made, and the slow paths kept out of the closures' way
//! (declaring a captured local, making a closure, string concatenation,
//! type errors). Compare slot-walker's `eval.rs`, where the same struct is
//! driven by one big `match` per node.

use crate::State;
use crate::compile::CompiledFunction;
use crate::env::{Env, Slot};
use crate::globals::GlobalSlot;
use crate::value::{Closure, Value};
use frontend::diagnostics::{RunError, RuntimeError};
use frontend::{memory, messages};
use std::io::Write;
use std::rc::Rc;

/// Counts a call of the closure it is written in, as a kind of closure
/// compiled from a node, when the engine is built with the `work-count`
/// feature; compiles to nothing otherwise. `tick!(vm, Node, "name")` names
/// the kind where it is written; `tick!(vm, site)` takes a site made when
/// the closure was compiled (see [`closure_site!`]). Keep what it returns
/// (`let _mark = tick!(..)`) until the closure is done, so that the
/// sampler's marker says this closure runs while its children are done.
macro_rules! tick {
    ($vm:expr, $node:ident, $name:expr) => {{
        #[cfg(feature = "work-count")]
        {
            static SITE: frontend::profiling::Site =
                frontend::profiling::Site::new(frontend::profiling::NodeKind::$node, $name);
            $vm.tick(&SITE)
        }
        #[cfg(not(feature = "work-count"))]
        {
            let _ = &$vm;
            frontend::profiling::marker::NoMark
        }
    }};
    ($vm:expr, $site:ident) => {{
        #[cfg(feature = "work-count")]
        {
            $vm.tick($site)
        }
        #[cfg(not(feature = "work-count"))]
        {
            let _ = &$vm;
            frontend::profiling::marker::NoMark
        }
    }};
}
pub(crate) use tick;

/// `closure_site!(site = node, "format", args...)` makes the site `site`
/// that `tick!(vm, site)` counts, when the engine is built with
/// `work-count` (nothing otherwise): for closures whose kind depends on the
/// compiler's type parameters (an operator and its operands' shapes).
macro_rules! closure_site {
    ($site:ident = $node:expr, $($name:tt)+) => {
        #[cfg(feature = "work-count")]
        let $site = frontend::profiling::counters::site($node, &format!($($name)+));
    };
}
pub(crate) use closure_site;

/// A runtime error on its way out. Boxed, so that a `Result` carrying it is
/// no bigger than a value and the common, successful path moves 24 bytes.
pub type Thrown = Box<RunError>;

/// How a statement can end other than by finishing: a `return`, or an error.
///
/// A `return` leaves its value in [`Evaluator::returned`] rather than in the
/// `Unwind`, so that `Unwind` is one pointer, a statement's result is two
/// words, and every statement closure returns in registers. The value is
/// written once by the `return` and read once by the call it ends, however
/// many blocks, `if`s and loops the `return` unwinds through.
pub enum Unwind {
    Return,
    Error(Thrown),
}

impl From<Thrown> for Unwind {
    #[inline]
    fn from(error: Thrown) -> Self {
        Unwind::Error(error)
    }
}

/// What a compiled statement returns.
pub type Exec = Result<(), Unwind>;
/// What a compiled expression returns.
pub type Eval = Result<Value, Thrown>;

/// One run of a program: the session's state, the output, the value stack
/// and the call depth. The same fields as slot-walker's evaluator.
///
/// No list of frames is kept for error traces: a runtime error starts its
/// trace with the innermost frame, and each call it unwinds through adds the
/// caller's line (see `call::call_closure`). Calls only count their depth.
pub struct Evaluator<'a> {
    pub state: &'a mut State,
    pub out: &'a mut dyn Write,
    /// Every frame's slots, innermost frame last; see [`crate::env`].
    pub stack: Vec<Slot>,
    /// Active frames, the script's included (for `Stack overflow.`).
    pub depth: usize,
    /// The value of the `return` being unwound; see [`Unwind`].
    pub returned: Value,
}

impl Evaluator<'_> {
    /// Counts one call of a compiled closure of the kind `site` and marks it
    /// for the sampler until the guard drops (the profiling build only:
    /// call it through [`tick!`]).
    #[cfg(feature = "work-count")]
    #[inline(always)]
    pub fn tick(&mut self, site: &'static frontend::profiling::Site) -> frontend::profiling::marker::WhatGuard {
        self.state.work += 1;
        self.state.profile.enter(site)
    }

    /// Pushes `count` slots holding nil: the skeleton of a frame, whose
    /// slots are then filled in with [`Evaluator::put`].
    ///
    /// Frames are built this way rather than by pushing each value because
    /// `Vec::push` keeps the value in memory across its (rare) call to grow
    /// the vector and then copies it in with a wider load than the stores
    /// that wrote it, which stalls the processor's store forwarding on every
    /// push (measured: a fifth of fib's time).
    #[inline(always)]
    pub fn push_nils(&mut self, count: usize) {
        self.stack.extend(std::iter::repeat_with(|| Slot::Value(Value::Nil)).take(count));
    }

    /// Stores `value` into stack slot `index`, dropping what was there.
    #[inline(always)]
    pub fn put(&mut self, index: usize, value: Value) {
        std::mem::replace(&mut self.stack[index], Slot::Value(value)).discard();
    }

    /// Assigns the local in stack slot `index` (through its cell if it is
    /// captured). A number goes in from registers (see [`Evaluator::put`]).
    #[inline(always)]
    pub fn set_local(&mut self, index: usize, value: Value) {
        if let Value::Number(n) = value {
            value.discard();
            return self.set_local_number(index, n);
        }
        self.stack[index].set(value);
    }

    /// Assigns a number computed in registers to the local in slot `index`.
    #[inline(always)]
    pub fn set_local_number(&mut self, index: usize, n: f64) {
        match &mut self.stack[index] {
            Slot::Value(value) => std::mem::replace(value, Value::Number(n)).discard(),
            Slot::Cell(cell) => cell.set(Value::Number(n)),
        }
    }

    /// Stores a number into stack slot `index`: [`Evaluator::put`] for a
    /// number computed in registers, which are then stored as they are.
    #[inline(always)]
    pub fn put_number(&mut self, index: usize, n: f64) {
        std::mem::replace(&mut self.stack[index], Slot::Value(Value::Number(n))).discard();
    }

    /// A runtime error at `line` in the frame `env`; calls it leaves add
    /// their own trace lines.
    #[cold]
    #[inline(never)]
    pub fn error(&self, line: u32, message: impl Into<String>, env: &Env<'_>) -> Thrown {
        let trace = vec![env.trace_line(line)];
        Box::new(RunError::Runtime(RuntimeError { message: message.into(), trace }))
    }

    /// Reads the global in `slot`; `name` only serves the error message.
    #[inline(always)]
    pub fn global(&self, slot: GlobalSlot, name: &str, line: u32, env: &Env<'_>) -> Eval {
        match self.state.globals.get(slot) {
            Some(value) => Ok(value.clone()),
            None => Err(self.undefined(name, line, env)),
        }
    }

    #[cold]
    #[inline(never)]
    pub fn undefined(&self, name: &str, line: u32, env: &Env<'_>) -> Thrown {
        self.error(line, messages::undefined_variable(name), env)
    }

    /// Stores a new local into its slot: boxed in a fresh cell when a closure
    /// captures it, so that each execution of the declaration makes a new
    /// variable, as in clox.
    pub fn define_captured(&mut self, slot: u16, value: Value, env: &Env<'_>) {
        let cell = self.state.new_upvalue(value);
        self.stack[env.slot(slot)] = Slot::Cell(cell);
    }

    /// Makes a closure of `function`, declared in the frame `env`, capturing
    /// the variables the resolver listed: a local of this frame (always a
    /// cell, except `this`, which no code can assign, so a cell holding a
    /// copy of it is the same variable), or one of this closure's own.
    pub fn new_closure(&mut self, function: &Rc<CompiledFunction>, env: &Env<'_>) -> Rc<Closure> {
        let upvalues = function
            .upvalues
            .iter()
            .map(|capture| {
                if !capture.is_local {
                    return env.upvalue(capture.index).clone();
                }
                match &self.stack[env.slot(capture.index)] {
                    Slot::Cell(cell) => cell.clone(),
                    Slot::Value(this) => self.state.new_upvalue(this.clone()),
                }
            })
            .collect();
        let closure = Rc::new(Closure { function: function.clone(), upvalues });
        self.state.track_closure(&closure);
        closure
    }

    /// `+` on anything but two numbers: two strings concatenate, anything
    /// else is an error.
    #[cold]
    #[inline(never)]
    pub fn add_slow(&self, left: Value, right: Value, line: u32, env: &Env<'_>) -> Eval {
        match (&left, &right) {
            (Value::String(a), Value::String(b)) => match memory::concat(a, b, self.state.max_heap) {
                Ok(joined) => Ok(Value::String(joined.into())),
                Err(memory::OutOfMemory) => Err(self.error(line, messages::OUT_OF_MEMORY, env)),
            },
            _ => Err(self.error(line, messages::OPERANDS_ADD, env)),
        }
    }

    /// Any other arithmetic or comparison on something not a number.
    #[cold]
    #[inline(never)]
    pub fn not_numbers(&self, line: u32, env: &Env<'_>) -> Thrown {
        self.error(line, messages::OPERANDS_NUMBERS, env)
    }

    pub fn print(&mut self, value: &Value) -> Result<(), Thrown> {
        writeln!(self.out, "{value}").map_err(|error| Box::new(RunError::Io(error)))
    }
}
