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
//! Not every node gets a closure of its own. Where a child's shape is known
//! (a local, a constant, arithmetic on those, a comparison of those), the
//! parent's closure is generic over a small type that fetches or computes
//! the child in place, and Rust compiles one closure per combination: these
//! are the [`Specialisations`].
//!
//! The module is split by concern: [`stmt`](self::stmt) (statements and
//! function bodies), [`expr`](self::expr), [`operand`](self::operand) (how a
//! child is fetched), [`binary`](self::binary) (operators),
//! [`condition`](self::condition) (what branches test) and
//! [`call`](self::call).

mod binary;
mod call;
mod condition;
mod expr;
mod operand;
mod stmt;

use crate::env::Env;
use crate::eval::{Eval, Evaluator, Exec, Thrown};
use crate::globals::{GlobalSlot, Globals};
use frontend::ast::{Capture, Function, FunctionKind, Local, Name, Program, Target};
use std::rc::Rc;

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
}

/// Which specialised closures the compiler may use. Each one replaces a
/// general closure and its children by a single closure for a common shape;
/// each was measured against the general form (see the crate documentation),
/// and the engine uses all of them. Turning one off compiles the general
/// form instead, which is how their worth is measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Specialisations {
    /// An operand that is a local or a number constant is read in place
    /// instead of by a closure of its own; an argument, an assigned value or
    /// a returned value that is arithmetic on two of those (`n - 1`) is also
    /// computed in place.
    pub operand_shapes: bool,
    /// A comparison, `!`, `and` or `or` used as an `if` or `while`
    /// condition yields a Rust `bool` instead of a Lox value.
    pub conditions: bool,
    /// A function body ending in `return value;` evaluates that value as
    /// the call's result, instead of leaving it for the call to pick up.
    pub tail_returns: bool,
    /// A comparison of locals and constants that an `if`, `while` or guard
    /// branches on is compiled into the branching closure itself.
    pub inline_conditions: bool,
    /// Calls with up to three arguments hold their argument closures in an
    /// array of that length instead of a slice (a single argument as an
    /// operand, see `operand_shapes`).
    pub fixed_arity_calls: bool,
    /// A call whose callee is a global reads the global in place instead of
    /// calling a closure for it.
    pub global_calls: bool,
    /// `if (condition) return value;` (a guard clause) is one closure, and a
    /// body that is a guard clause and a `return` is one conditional.
    pub guard_returns: bool,
    /// An assignment used as a statement (`i = i + 1;`, `this.x = x;`)
    /// stores its value without also copying it out as the expression's
    /// result, only to drop it.
    pub assignment_statements: bool,
    /// Globals are read through the slot the compiler gave their name; off,
    /// every access hashes the name to find its slot.
    pub global_slots: bool,
}

impl Specialisations {
    pub const ALL: Specialisations = Specialisations {
        operand_shapes: true,
        conditions: true,
        tail_returns: true,
        inline_conditions: true,
        fixed_arity_calls: true,
        global_calls: true,
        assignment_statements: true,
        guard_returns: true,
        global_slots: true,
    };

    /// Only general closures (globals still in slots).
    pub const NONE: Specialisations = Specialisations {
        operand_shapes: false,
        conditions: false,
        tail_returns: false,
        inline_conditions: false,
        fixed_arity_calls: false,
        global_calls: false,
        assignment_statements: false,
        guard_returns: false,
        global_slots: true,
    };
}

/// Where a declaration stores its variable, decided at compile time.
#[derive(Clone, Copy)]
pub enum Define {
    Global(GlobalSlot),
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
    specialisations: Specialisations,
}

impl<'a> Compiler<'a> {
    pub fn new(globals: &'a mut Globals, specialisations: Specialisations) -> Self {
        Compiler { globals, specialisations }
    }

    pub fn script(&mut self, program: &Program) -> Rc<CompiledFunction> {
        self.function(&program.script)
    }

    fn function(&mut self, function: &Function) -> Rc<CompiledFunction> {
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
        })
    }

    fn define(&mut self, target: &Target) -> Define {
        match target {
            Target::Global(name) => Define::Global(self.globals.slot_of(name)),
            Target::Local(local) => define_local(local),
        }
    }
}

fn define_local(local: &Local) -> Define {
    if local.captured { Define::Captured(local.slot) } else { Define::Local(local.slot) }
}
