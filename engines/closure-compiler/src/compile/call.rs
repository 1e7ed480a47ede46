//! Calls, compiled: `f(args)`, `object.name(args)` and `super.name(args)`.
//!
//! Every call builds its callee's frame the same way: it pushes slot 0 (a
//! placeholder, or the receiver) and then each argument straight onto the
//! value stack, where the callee's parameters live, and hands the frame's
//! base to `call::call_value`. What is specialised is how the callee and
//! the arguments are fetched:
//! * with `fixed_arity_calls`, a call with up to three arguments holds them
//!   in an array of that length, a loop the Rust compiler unrolls, instead
//!   of a slice of any length;
//! * with `global_calls`, a callee that is a global variable (`fib(n - 1)`)
//!   is read from its slot inside the call's closure instead of by a
//!   closure of its own.

use super::binary::with_operand;
use super::operand::Operand;
use super::{Compiler, ExprFn};
use crate::env::Env;
use crate::eval::{Eval, Evaluator, Thrown};
use crate::globals::GlobalSlot;
use crate::value::{Closure, Value};
use frontend::ast::{Expr, Name, VarKind, Variable};
use std::rc::Rc;

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

/// The argument closures of a call: a fixed-length array, or a slice.
trait Arguments: 'static {
    /// Pushes the callee's frame: slot 0 (nil, for the caller to fill in
    /// when it is a receiver), then each argument evaluated in order.
    /// Returns the frame's base. The slots are pushed first and filled in
    /// as the arguments are evaluated (see `Evaluator::push_nils`); a call
    /// in an argument pushes and pops its own frame above them meanwhile.
    fn push_frame(&self, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Result<usize, Thrown>;
}

impl<const N: usize> Arguments for [ExprFn; N] {
    #[inline(always)]
    fn push_frame(&self, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Result<usize, Thrown> {
        let base = vm.stack.len();
        vm.push_nils(1 + N);
        for (i, arg) in self.iter().enumerate() {
            let value = arg(vm, env)?;
            vm.put(base + 1 + i, value);
        }
        Ok(base)
    }
}

impl Arguments for Box<[ExprFn]> {
    #[inline(always)]
    fn push_frame(&self, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Result<usize, Thrown> {
        let base = vm.stack.len();
        vm.push_nils(1 + self.len());
        for (i, arg) in self.iter().enumerate() {
            let value = arg(vm, env)?;
            vm.put(base + 1 + i, value);
        }
        Ok(base)
    }
}

/// `callee(args)`: the callee first, then slot 0 and the arguments.
///
/// A callee that is a closure (the common case) is matched before the
/// arguments are evaluated, so that only its `Rc` is held across them;
/// anything else takes the general path.
fn call<C: Callee, A: Arguments>(callee: C, args: A, line: u32) -> ExprFn {
    Box::new(move |vm, env| {
        vm.tick();
        let closure = match callee.peek_closure(vm) {
            Some(closure) => closure,
            None => match callee.fetch(vm, env)? {
                Value::Closure(closure) => closure,
                other => return call_other(vm, env, other, &args, line),
            },
        };
        let base = args.push_frame(vm, env)?;
        vm.call_closure(&closure, base, line, env)
    })
}

#[inline(never)]
fn call_other<A: Arguments>(vm: &mut Evaluator<'_>, env: &Env<'_>, callee: Value, args: &A, line: u32) -> Eval {
    let base = args.push_frame(vm, env)?;
    vm.call_value(callee, base, line, env)
}

/// `object.name(args)`: the object goes in slot 0.
fn invoke<A: Arguments>(object: ExprFn, name: Name, args: A, line: u32) -> ExprFn {
    Box::new(move |vm, env| {
        vm.tick();
        let object = object(vm, env)?;
        let base = args.push_frame(vm, env)?;
        vm.put(base, object);
        vm.invoke(&name, base, line, env)
    })
}

/// One argument, fetched as an operand: a local or a constant is pushed
/// straight from where it is, arithmetic on two leaves is computed in place.
struct OneArgument<O>(O);

impl<O: Operand> Arguments for OneArgument<O> {
    #[inline(always)]
    fn push_frame(&self, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Result<usize, Thrown> {
        let base = vm.stack.len();
        vm.push_nils(2);
        self.0.put(vm, env, base + 1)?;
        Ok(base)
    }
}

/// Builds `$build` with `$args` as an array when its length is 0 to 3 and
/// fixed-arity calls are on (one argument as an operand), else as a boxed
/// slice.
macro_rules! with_arguments {
    ($compiler:expr, $args:expr, |$a:ident| $build:expr) => {{
        let args: &[Expr] = $args;
        if !$compiler.specialisations.fixed_arity_calls || args.len() > 3 {
            let $a: Box<[ExprFn]> = args.iter().map(|arg| $compiler.expr(arg)).collect();
            $build
        } else if let [arg] = args {
            with_operand!($compiler, arg, |operand| {
                let $a = OneArgument(operand);
                $build
            })
        } else {
            let closures: Vec<ExprFn> = args.iter().map(|arg| $compiler.expr(arg)).collect();
            match closures.len() {
                0 => {
                    let $a: [ExprFn; 0] = [];
                    $build
                }
                2 => {
                    let $a: [ExprFn; 2] = match <[ExprFn; 2]>::try_from(closures) {
                        Ok(array) => array,
                        Err(_) => unreachable!("two arguments"),
                    };
                    $build
                }
                _ => {
                    let $a: [ExprFn; 3] = match <[ExprFn; 3]>::try_from(closures) {
                        Ok(array) => array,
                        Err(_) => unreachable!("three arguments"),
                    };
                    $build
                }
            }
        }
    }};
}

impl Compiler<'_> {
    pub(super) fn call(&mut self, callee: &Expr, args: &[Expr], line: u32) -> ExprFn {
        match callee {
            Expr::Variable(Variable { kind: VarKind::Global, name, line: name_line })
                if self.specialisations.global_calls && self.specialisations.global_slots =>
            {
                let callee = GlobalCallee { slot: self.globals.slot_of(name), name: name.clone(), line: *name_line };
                with_arguments!(self, args, |args| call(callee, args, line))
            }
            _ => {
                let callee = ComputedCallee(self.expr(callee));
                with_arguments!(self, args, |args| call(callee, args, line))
            }
        }
    }

    pub(super) fn invoke(&mut self, object: &Expr, name: &Name, args: &[Expr], line: u32) -> ExprFn {
        let object = self.expr(object);
        let name = name.clone();
        with_arguments!(self, args, |args| invoke(object, name, args, line))
    }

    /// `super.name(args)`: `this` in slot 0, then the arguments, and only
    /// then the superclass is read (as clox does).
    pub(super) fn super_invoke(
        &mut self,
        this: &Variable,
        superclass: &Variable,
        name: &Name,
        args: &[Expr],
        line: u32,
    ) -> ExprFn {
        let (this, superclass) = (self.variable(this), self.variable(superclass));
        let args: Box<[ExprFn]> = args.iter().map(|arg| self.expr(arg)).collect();
        let name = name.clone();
        Box::new(move |vm, env| {
            vm.tick();
            let receiver = this(vm, env)?;
            let base = args.push_frame(vm, env)?;
            vm.put(base, receiver);
            let superclass = superclass(vm, env)?;
            vm.invoke_super(superclass, &name, base, line, env)
        })
    }
}
