//! Calls, compiled: `f(args)`, `object.name(args)` and `super.name(args)`.
//!
//! Every call builds its callee's frame the same way: it pushes slot 0 (a
//! placeholder, or the receiver) and then each argument, straight into the
//! slots where the callee's parameters live, and hands the frame's base to
//! `call::call_value`. The general closure evaluates each argument by its
//! closure and stores the value. Four tunings specialise it:
//! * `leaf-operands`: in calls of any number of arguments, an argument that
//!   is a leaf (a local, a number) or arithmetic on two leaves (`n - 1`) is
//!   compiled into a closure that stores it into its parameter slot itself
//!   ([`PutFn`]), copied from where it is or computed in registers, without
//!   a value being returned first;
//! * `fixed-arity-calls`: a call with up to three arguments holds them in an
//!   array of that length, a loop the Rust compiler unrolls, instead of a
//!   slice of any length;
//! * `global-calls`: a callee that is a global variable (`fib(n - 1)`) is
//!   read inside the call's closure instead of by a closure of its own;
//! * `call-statements`: a call that is a whole statement, or the value a
//!   local is declared or assigned with, is compiled into a statement
//!   closure that drops or stores the result itself ([`Destination`]).

use super::binary::with_operand_shape;
use super::operand::{Operand, OperandShape};
use super::{Compiler, ExprFn, StmtFn};
use crate::config::{CALL_STATEMENTS, FIXED_ARITY_CALLS};
use crate::env::Env;
use crate::eval::{Eval, Evaluator, Thrown};
use crate::eval::{closure_site, tick};
use crate::globals::GlobalSlot;
#[cfg(feature = "work-count")]
use crate::profile::shape;
use crate::value::{Closure, Value};
use frontend::ast::{Expr, Name, VarKind, Variable};
use frontend::tuning::GLOBAL_CALLS;
use std::rc::Rc;

/// An argument compiled to store itself into stack slot `index` (the
/// `leaf-operands` tuning).
pub type PutFn = Box<dyn Fn(&mut Evaluator<'_>, &Env<'_>, usize) -> Result<(), Thrown>>;

/// How a call fetches its callee.
trait Callee: 'static {
    fn fetch(&self, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Eval;

    /// The callee, when it can be seen to be a closure without evaluating
    /// anything (so that fetching it again later is the same).
    #[inline(always)]
    fn peek_closure(&self, _: &Evaluator<'_>) -> Option<Rc<Closure>> {
        None
    }
}

/// Any callee expression, by its closure.
struct ComputedCallee(ExprFn);

impl Callee for ComputedCallee {
    #[inline(always)]
    fn fetch(&self, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Eval {
        (self.0)(vm, env)
    }
}

/// A global variable, read from its slot in place.
struct GlobalCallee {
    slot: GlobalSlot,
    name: Name,
    line: u32,
}

impl Callee for GlobalCallee {
    #[inline(always)]
    fn fetch(&self, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Eval {
        vm.global(self.slot, &self.name, self.line, env)
    }

    #[inline(always)]
    fn peek_closure(&self, vm: &Evaluator<'_>) -> Option<Rc<Closure>> {
        match vm.state.globals.get(self.slot) {
            Some(Value::Closure(closure)) => Some(closure.clone()),
            _ => None,
        }
    }
}

/// A global variable read in place, its slot found by its name at every
/// call (`global-calls` on, `global-slots` off).
struct NamedGlobalCallee {
    name: Name,
    line: u32,
}

impl Callee for NamedGlobalCallee {
    #[inline(always)]
    fn fetch(&self, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Eval {
        vm.global(vm.state.globals.find(&self.name), &self.name, self.line, env)
    }
}

/// One compiled argument: how it gets into its parameter slot.
trait Argument: 'static {
    fn put(&self, vm: &mut Evaluator<'_>, env: &Env<'_>, index: usize) -> Result<(), Thrown>;
}

/// The general argument: its value, computed by its closure, then stored.
impl Argument for ExprFn {
    #[inline(always)]
    fn put(&self, vm: &mut Evaluator<'_>, env: &Env<'_>, index: usize) -> Result<(), Thrown> {
        let value = self(vm, env)?;
        vm.put(index, value);
        Ok(())
    }
}

/// An argument with `leaf-operands`: a leaf, or arithmetic on leaves,
/// stores itself; any other expression is computed by its own closure, as
/// in the general form (wrapping it in a closure that stores would only add
/// a call).
enum LeafArgument {
    Stored(PutFn),
    Computed(ExprFn),
}

impl Argument for LeafArgument {
    #[inline(always)]
    fn put(&self, vm: &mut Evaluator<'_>, env: &Env<'_>, index: usize) -> Result<(), Thrown> {
        match self {
            LeafArgument::Stored(put) => put(vm, env, index),
            LeafArgument::Computed(value) => value.put(vm, env, index),
        }
    }
}

/// The compiled arguments of a call: a fixed-length array, or a slice.
trait Arguments: 'static {
    /// Pushes the callee's frame: slot 0 (nil, for the caller to fill in
    /// when it is a receiver), then each argument evaluated in order.
    /// Returns the frame's base. The slots are pushed first and filled in
    /// as the arguments are evaluated (see `Evaluator::push_nils`); a call
    /// in an argument pushes and pops its own frame above them meanwhile.
    fn push_frame(&self, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Result<usize, Thrown>;
}

impl<A: Argument, const N: usize> Arguments for [A; N] {
    #[inline(always)]
    fn push_frame(&self, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Result<usize, Thrown> {
        let base = vm.stack.len();
        vm.push_nils(1 + N);
        for (i, arg) in self.iter().enumerate() {
            arg.put(vm, env, base + 1 + i)?;
        }
        Ok(base)
    }
}

impl<A: Argument> Arguments for Box<[A]> {
    #[inline(always)]
    fn push_frame(&self, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Result<usize, Thrown> {
        let base = vm.stack.len();
        vm.push_nils(1 + self.len());
        for (i, arg) in self.iter().enumerate() {
            arg.put(vm, env, base + 1 + i)?;
        }
        Ok(base)
    }
}

/// Where a compiled call's result goes: yielded as the value of an
/// expression, or, for a call that is a whole statement (the
/// `call-statements` tuning), dropped or stored into a local by the call's
/// own closure.
#[derive(Clone, Copy)]
pub(super) enum Destination {
    Value,
    /// `f(x);`
    Drop,
    /// `var local = f(x);`
    Declare(u16),
    /// `local = f(x);`
    Assign(u16),
}

/// A compiled call: an expression, or a statement when it was compiled
/// into a local or to be dropped.
pub(super) enum CompiledCall {
    Expr(ExprFn),
    Stmt(StmtFn),
}

/// What a call statement does with the call's result.
trait Store: 'static {
    fn store(&self, vm: &mut Evaluator<'_>, env: &Env<'_>, value: Value);
}

struct DropResult;

impl Store for DropResult {
    #[inline(always)]
    fn store(&self, _: &mut Evaluator<'_>, _: &Env<'_>, value: Value) {
        value.discard();
    }
}

struct DeclareLocal(u16);

impl Store for DeclareLocal {
    #[inline(always)]
    fn store(&self, vm: &mut Evaluator<'_>, env: &Env<'_>, value: Value) {
        vm.put(env.slot(self.0), value);
    }
}

struct AssignLocal(u16);

impl Store for AssignLocal {
    #[inline(always)]
    fn store(&self, vm: &mut Evaluator<'_>, env: &Env<'_>, value: Value) {
        vm.set_local(env.slot(self.0), value);
    }
}

/// Builds the closure for a call whose work is `$call` (an expression of
/// `vm` and `env` yielding the call's result), for the destination `$into`,
/// counted (with `work-count`) as a node of kind `$node` called `$name`.
macro_rules! compiled_call {
    ($into:expr, $node:ident, $name:literal, |$vm:ident, $env:ident| $call:expr) => {
        match $into {
            Destination::Value => CompiledCall::Expr(Box::new(move |$vm, $env| {
                let _mark = tick!($vm, $node, $name);
                $call
            })),
            Destination::Drop => stored(DropResult, move |$vm, $env| {
                let _mark = tick!($vm, $node, concat!($name, ", result dropped"));
                $call
            }),
            Destination::Declare(slot) => stored(DeclareLocal(slot), move |$vm, $env| {
                let _mark = tick!($vm, $node, concat!($name, ", result declared"));
                $call
            }),
            Destination::Assign(slot) => stored(AssignLocal(slot), move |$vm, $env| {
                let _mark = tick!($vm, $node, concat!($name, ", result assigned"));
                $call
            }),
        }
    };
}

/// A call statement: the call (which counts itself), then its result stored
/// by `store`.
#[inline(always)]
fn stored<S: Store, F>(store: S, call: F) -> CompiledCall
where
    F: Fn(&mut Evaluator<'_>, &Env<'_>) -> Eval + 'static,
{
    CompiledCall::Stmt(Box::new(move |vm, env| {
        let value = call(vm, env)?;
        store.store(vm, env, value);
        Ok(())
    }))
}

/// `callee(args)`: the callee first, then slot 0 and the arguments.
///
/// A callee that is a closure (the common case) is matched before the
/// arguments are evaluated, so that only its `Rc` is held across them;
/// anything else takes the general path.
fn call<C: Callee, A: Arguments>(callee: C, args: A, line: u32, into: Destination) -> CompiledCall {
    compiled_call!(into, Call, "Call", |vm, env| call_value(&callee, &args, line, vm, env))
}

#[inline(always)]
fn call_value<C: Callee, A: Arguments>(callee: &C, args: &A, line: u32, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Eval {
    let closure = match callee.peek_closure(vm) {
        Some(closure) => closure,
        None => match callee.fetch(vm, env)? {
            Value::Closure(closure) => closure,
            other => return call_other(vm, env, other, args, line),
        },
    };
    let base = args.push_frame(vm, env)?;
    vm.call_closure(&closure, base, line, env)
}

#[inline(never)]
fn call_other<A: Arguments>(vm: &mut Evaluator<'_>, env: &Env<'_>, callee: Value, args: &A, line: u32) -> Eval {
    let base = args.push_frame(vm, env)?;
    vm.call_value(callee, base, line, env)
}

/// `object.name(args)`: the object goes in slot 0.
fn invoke<A: Arguments>(object: ExprFn, name: Name, args: A, line: u32, into: Destination) -> CompiledCall {
    compiled_call!(into, Invoke, "Invoke", |vm, env| {
        let object = object(vm, env)?;
        let base = args.push_frame(vm, env)?;
        vm.put(base, object);
        vm.invoke(&name, base, line, env)
    })
}

/// `super.name(args)`: `this` in slot 0, then the arguments, and only then
/// the superclass is read (as clox does).
fn super_invoke<A: Arguments>(this: ExprFn, superclass: ExprFn, name: Name, args: A, line: u32) -> ExprFn {
    Box::new(move |vm, env| {
        let _mark = tick!(vm, SuperInvoke, "SuperInvoke");
        let receiver = this(vm, env)?;
        let base = args.push_frame(vm, env)?;
        vm.put(base, receiver);
        let superclass = superclass(vm, env)?;
        vm.invoke_super(superclass, &name, base, line, env)
    })
}

/// The node kind an argument closure counts as: the variable or literal it
/// reads, or otherwise part of the call's work.
#[cfg(feature = "work-count")]
fn argument_node(shape: &str) -> frontend::profiling::NodeKind {
    use frontend::profiling::NodeKind;
    match shape {
        "local" => NodeKind::Variable,
        "constant" | "nil" => NodeKind::Literal,
        _ => NodeKind::Call,
    }
}

/// An argument compiled to store itself, specialised for its operand.
fn put_argument<O: Operand>(operand: O) -> PutFn {
    closure_site!(site = argument_node(&shape::<O>()), "Argument put in place ({})", shape::<O>());
    Box::new(move |vm, env, index| {
        let _mark = tick!(vm, site);
        operand.put(vm, env, index)
    })
}

/// Builds `$build` with `$a` bound to the compiled arguments `$args`: each
/// argument a [`PutFn`] with `leaf-operands`, else an [`ExprFn`]; held in
/// an array of their number when there are at most three and
/// `fixed-arity-calls` is on, else in a boxed slice.
macro_rules! with_arguments {
    (@held $compiler:expr, $list:expr, $element:ty, |$a:ident| $build:expr) => {{
        let list: Vec<$element> = $list;
        if !$compiler.config.fixed_arity_calls || list.len() > 3 {
            let $a: Box<[$element]> = list.into_boxed_slice();
            $build
        } else {
            $compiler.fired(&FIXED_ARITY_CALLS);
            match list.len() {
                0 => {
                    let $a: [$element; 0] = [];
                    $build
                }
                1 => {
                    let $a: [$element; 1] = match <[$element; 1]>::try_from(list) {
                        Ok(array) => array,
                        Err(_) => unreachable!("one argument"),
                    };
                    $build
                }
                2 => {
                    let $a: [$element; 2] = match <[$element; 2]>::try_from(list) {
                        Ok(array) => array,
                        Err(_) => unreachable!("two arguments"),
                    };
                    $build
                }
                _ => {
                    let $a: [$element; 3] = match <[$element; 3]>::try_from(list) {
                        Ok(array) => array,
                        Err(_) => unreachable!("three arguments"),
                    };
                    $build
                }
            }
        }
    }};
    ($compiler:expr, $args:expr, |$a:ident| $build:expr) => {{
        let args: &[Expr] = $args;
        if $compiler.config.leaf_operands {
            let leaves: Vec<LeafArgument> = args.iter().map(|arg| $compiler.leaf_argument(arg)).collect();
            with_arguments!(@held $compiler, leaves, LeafArgument, |$a| $build)
        } else {
            let closures: Vec<ExprFn> = args.iter().map(|arg| $compiler.expr(arg)).collect();
            with_arguments!(@held $compiler, closures, ExprFn, |$a| $build)
        }
    }};
}

impl Compiler<'_> {
    pub(super) fn call(&mut self, callee: &Expr, args: &[Expr], line: u32) -> ExprFn {
        match self.compiled_call(callee, args, line, Destination::Value) {
            CompiledCall::Expr(call) => call,
            CompiledCall::Stmt(_) => unreachable!("a call compiled for its value is an expression"),
        }
    }

    pub(super) fn invoke(&mut self, object: &Expr, name: &Name, args: &[Expr], line: u32) -> ExprFn {
        match self.compiled_invoke(object, name, args, line, Destination::Value) {
            CompiledCall::Expr(call) => call,
            CompiledCall::Stmt(_) => unreachable!("a call compiled for its value is an expression"),
        }
    }

    /// `expr` as a statement that drops or stores its result, when it is a
    /// call or a method call and `call-statements` is on.
    pub(super) fn call_statement(&mut self, expr: &Expr, into: Destination) -> Option<StmtFn> {
        if !self.config.call_statements {
            return None;
        }
        let call = match expr {
            Expr::Call { callee, args, line } => self.compiled_call(callee, args, *line, into),
            Expr::Invoke { object, name, args, line } => self.compiled_invoke(object, name, args, *line, into),
            _ => return None,
        };
        self.fired(&CALL_STATEMENTS);
        match call {
            CompiledCall::Stmt(stmt) => Some(stmt),
            CompiledCall::Expr(_) => unreachable!("a call compiled into a statement is a statement"),
        }
    }

    /// An argument with `leaf-operands`: stored in place when it is a leaf
    /// or arithmetic on leaves, else computed by its closure.
    fn leaf_argument(&mut self, arg: &Expr) -> LeafArgument {
        match self.operand_shape(arg) {
            OperandShape::Computed(value) => LeafArgument::Computed(value),
            shape => LeafArgument::Stored(with_operand_shape!(shape, |operand| put_argument(operand))),
        }
    }

    fn compiled_call(&mut self, callee: &Expr, args: &[Expr], line: u32, into: Destination) -> CompiledCall {
        match callee {
            Expr::Variable(Variable { kind: VarKind::Global, name, line: name_line }) if self.config.global_calls => {
                self.fired(&GLOBAL_CALLS);
                let (name, name_line) = (name.clone(), *name_line);
                let slot = self.globals.slot_of(&name);
                if self.global_slots() {
                    let callee = GlobalCallee { slot, name, line: name_line };
                    with_arguments!(self, args, |args| call(callee, args, line, into))
                } else {
                    let callee = NamedGlobalCallee { name, line: name_line };
                    with_arguments!(self, args, |args| call(callee, args, line, into))
                }
            }
            _ => {
                let callee = ComputedCallee(self.expr(callee));
                with_arguments!(self, args, |args| call(callee, args, line, into))
            }
        }
    }

    fn compiled_invoke(
        &mut self,
        object: &Expr,
        name: &Name,
        args: &[Expr],
        line: u32,
        into: Destination,
    ) -> CompiledCall {
        let object = self.expr(object);
        let name = name.clone();
        with_arguments!(self, args, |args| invoke(object, name, args, line, into))
    }

    pub(super) fn super_invoke(
        &mut self,
        this: &Variable,
        superclass: &Variable,
        name: &Name,
        args: &[Expr],
        line: u32,
    ) -> ExprFn {
        let (this, superclass) = (self.variable(this), self.variable(superclass));
        let name = name.clone();
        with_arguments!(self, args, |args| super_invoke(this, superclass, name, args, line))
    }
}
