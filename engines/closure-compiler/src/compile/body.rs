//! Function bodies and `return`, compiled.
//!
//! A compiled body is an [`ExprFn`]: calling it runs the function and
//! yields what the call returns. In the general form the body is a block of
//! statements; a `return` stores its value in `Evaluator::returned` and
//! unwinds (`Unwind::Return`) through every statement closure it is nested
//! in, up to the body, which takes the value. Two tunings shorten that:
//! * `guard-returns`: an `if` with a branch that ends in `return` (the then
//!   or the else branch, a bare `return` or a block ending in one) is one
//!   closure that returns straight from the `if`, without a closure for the
//!   `return` statement.
//! * `tail-returns`: the statements at the end of a body are compiled as an
//!   expression (the *tail*), so that a `return` there is the value the body
//!   yields, with no unwinding, and an `if` there whose branches both return
//!   is a conditional expression between them. With `guard-returns` as
//!   well, so is an `if` in the tail with one returning branch: the
//!   conditional chooses between that branch and the other one followed by
//!   what comes after the `if`. So `if (n < 2) return n; return f(n);` and
//!   `if (n < 2) { return n; } else { var a = f(n); return a; }` are both
//!   one conditional.

use super::binary::with_operand;
use super::condition::{Condition, with_condition};
use super::operand::{ComputedOperand, NilOperand, Operand, Shape};
use super::{Compiler, ExprFn, StmtFn};
use crate::config::TAIL_RETURNS;
use crate::env::Env;
use crate::eval::tick;
use crate::eval::{Evaluator, Exec, Unwind};
use crate::value::Value;
use frontend::ast::{Expr, FunctionKind, Stmt};
use frontend::tuning::GUARD_RETURNS;

/// The tail of a body, compiled.
enum Tail<'a> {
    /// The tail is `return value;` alone (`None`: `return;`, or nothing at
    /// all), left for the caller to compile in the shape it needs.
    Value(Option<&'a Expr>),
    /// Anything else, as the closure yielding the body's result.
    Closure(ExprFn),
}

impl Compiler<'_> {
    /// A function's body, as the closure that yields what a call returns.
    ///
    /// An initializer's body yields `this` (slot 0) whatever it returns.
    pub(super) fn body_node(&mut self, body: &[Stmt], kind: FunctionKind) -> ExprFn {
        if kind == FunctionKind::Initializer {
            let block = self.block(body);
            return Box::new(move |vm, env| {
                let _mark = tick!(vm, Block, "Body of an initializer");
                match block(vm, env) {
                    Ok(()) => {}
                    Err(Unwind::Return) => std::mem::replace(&mut vm.returned, Value::Nil).discard(),
                    Err(Unwind::Error(error)) => return Err(error),
                }
                Ok(vm.stack[env.slot(0)].get())
            });
        }
        if self.config.tail_returns {
            let mut stmts = Vec::new();
            flatten(body, &mut stmts);
            let tail = self.tail(&stmts);
            return self.tail_closure(tail);
        }
        let block = self.block(body);
        Box::new(move |vm, env| {
            let _mark = tick!(vm, Block, "Body");
            match block(vm, env) {
                Ok(()) => Ok(Value::Nil),
                Err(Unwind::Return) => Ok(std::mem::replace(&mut vm.returned, Value::Nil)),
                Err(Unwind::Error(error)) => Err(error),
            }
        })
    }

    /// The statements `stmts`, which end a body, as what the body yields.
    ///
    /// They are split at the first statement that ends the tail (a `return`,
    /// or an `if` with a branch that always returns): the statements before
    /// it run as statements, and it becomes the value. Anything after a
    /// `return` can never run and is not compiled.
    fn tail<'a>(&mut self, stmts: &[&'a Stmt]) -> Tail<'a> {
        // An `if` whose branches both return ends the body, and is a
        // conditional; one with a single returning branch, followed by more
        // statements, is a conditional only with `guard-returns` as well: it
        // is that tuning's idea (an `if` whose branch returns returns
        // straight from the `if`) applied where the body ends.
        let guards = self.config.guard_returns;
        let end = stmts.iter().position(|stmt| ends_tail(stmt, guards)).unwrap_or(stmts.len());
        let (leading, ending, rest) = (&stmts[..end], stmts.get(end), stmts.get(end + 1..).unwrap_or_default());
        let returned = match ending {
            None => None,
            Some(Stmt::Return { value, .. }) => {
                self.fired(&TAIL_RETURNS);
                value.as_ref()
            }
            Some(Stmt::If { condition, then_branch, else_branch }) => {
                let conditional = self.returning_if(condition, then_branch, else_branch.as_deref(), rest);
                if leading.is_empty() {
                    return Tail::Closure(conditional);
                }
                let leading = leading.iter().map(|stmt| self.stmt(stmt)).collect();
                return Tail::Closure(leading_then(leading, ComputedOperand(conditional)));
            }
            Some(_) => unreachable!("only a return or an if ends a tail"),
        };
        if leading.is_empty() {
            return Tail::Value(returned);
        }
        let leading: Box<[StmtFn]> = leading.iter().map(|stmt| self.stmt(stmt)).collect();
        Tail::Closure(match returned {
            Some(value) => with_operand!(self, value, |value| leading_then(leading, value)),
            None => leading_then(leading, NilOperand),
        })
    }

    /// `if (condition) then_branch else else_branch` followed by `rest`, at
    /// the end of a body, where one branch always returns: a conditional
    /// between the branch that returns and the other one followed by `rest`.
    fn returning_if(
        &mut self,
        condition: &Expr,
        then_branch: &Stmt,
        else_branch: Option<&Stmt>,
        rest: &[&Stmt],
    ) -> ExprFn {
        self.fired(&TAIL_RETURNS);
        if !(always_returns(then_branch) && else_branch.is_some_and(always_returns)) {
            self.fired(&GUARD_RETURNS);
        }
        let mut then_stmts = Vec::new();
        flatten(std::slice::from_ref(then_branch), &mut then_stmts);
        let mut else_stmts = Vec::new();
        flatten(else_branch, &mut else_stmts);
        if always_returns(then_branch) {
            else_stmts.extend_from_slice(rest);
        } else {
            then_stmts.extend_from_slice(rest);
        }
        let then_tail = self.tail(&then_stmts);
        let else_tail = self.tail(&else_stmts);
        let else_value = self.tail_closure(else_tail);
        match then_tail {
            Tail::Value(Some(value)) => match self.shape(value) {
                Shape::Local(slot) => {
                    with_condition!(self, condition, |c| conditional(c, LocalOperand(slot), else_value))
                }
                Shape::Constant(n) => {
                    with_condition!(self, condition, |c| conditional(c, ConstantOperand(n), else_value))
                }
                Shape::Computed(value) => {
                    with_condition!(self, condition, |c| conditional(c, ComputedOperand(value), else_value))
                }
            },
            other => {
                let then_value = ComputedOperand(self.tail_closure(other));
                with_condition!(self, condition, |c| conditional(c, then_value, else_value))
            }
        }
    }

    /// A tail as one closure.
    fn tail_closure(&mut self, tail: Tail<'_>) -> ExprFn {
        match tail {
            Tail::Value(Some(value)) => self.expr(value),
            Tail::Value(None) => self.nil(),
            Tail::Closure(closure) => closure,
        }
    }

    /// `return value;` or `return;` as a statement: the value is left in
    /// `returned` for the call to take.
    pub(super) fn return_statement(&mut self, value: Option<&Expr>) -> StmtFn {
        match value {
            Some(value) => with_operand!(self, value, |value| return_operand(value)),
            None => return_operand(NilOperand),
        }
    }

    /// An `if` with a branch that ends in `return` (a guard clause, a base
    /// case, an early exit) as one closure that returns straight from the
    /// `if`, when `guard-returns` is on: the branch's other statements run,
    /// then its value is returned, without a `return` statement of its own.
    pub(super) fn guard(&mut self, condition: &Expr, then_branch: &Stmt, else_branch: Option<&Stmt>) -> Option<StmtFn> {
        if !self.config.guard_returns {
            return None;
        }
        if let Some(branch) = returning_branch(then_branch) {
            self.fired(&GUARD_RETURNS);
            let leading = self.leading(branch.leading);
            let else_branch = else_branch.map(|stmt| self.stmt(stmt));
            let value = self.returned_shape(branch.value);
            return Some(match (value, else_branch) {
                (Shape::Local(slot), None) => {
                    with_condition!(self, condition, |c| guard(c, leading, LocalOperand(slot), ()))
                }
                (Shape::Constant(n), None) => {
                    with_condition!(self, condition, |c| guard(c, leading, ConstantOperand(n), ()))
                }
                (Shape::Computed(value), None) => {
                    with_condition!(self, condition, |c| guard(c, leading, ComputedOperand(value), ()))
                }
                (Shape::Local(slot), Some(e)) => {
                    with_condition!(self, condition, |c| guard(c, leading, LocalOperand(slot), e))
                }
                (Shape::Constant(n), Some(e)) => {
                    with_condition!(self, condition, |c| guard(c, leading, ConstantOperand(n), e))
                }
                (Shape::Computed(value), Some(e)) => {
                    with_condition!(self, condition, |c| guard(c, leading, ComputedOperand(value), e))
                }
            });
        }
        let branch = returning_branch(else_branch?)?;
        self.fired(&GUARD_RETURNS);
        let then_branch = self.stmt(then_branch);
        let leading = self.leading(branch.leading);
        Some(match self.returned_shape(branch.value) {
            Shape::Local(slot) => {
                with_condition!(self, condition, |c| else_guard(c, then_branch, leading, LocalOperand(slot)))
            }
            Shape::Constant(n) => {
                with_condition!(self, condition, |c| else_guard(c, then_branch, leading, ConstantOperand(n)))
            }
            Shape::Computed(value) => {
                with_condition!(self, condition, |c| else_guard(c, then_branch, leading, ComputedOperand(value)))
            }
        })
    }

    /// The statements a returning branch runs before its `return`, as one
    /// closure, or none.
    fn leading(&mut self, stmts: &[Stmt]) -> Option<StmtFn> {
        (!stmts.is_empty()).then(|| self.block(stmts))
    }

    /// How a returned value is fetched (`return;` returns nil).
    fn returned_shape(&mut self, value: Option<&Expr>) -> Shape {
        match value {
            Some(value) => self.shape(value),
            None => Shape::Computed(self.nil()),
        }
    }
}

/// A branch that ends in `return`: a `return` statement, or a block whose
/// last statement is one.
struct ReturningBranch<'a> {
    /// The statements before the `return`.
    leading: &'a [Stmt],
    /// The returned value (`None` for `return;`).
    value: Option<&'a Expr>,
}

fn returning_branch(stmt: &Stmt) -> Option<ReturningBranch<'_>> {
    match stmt {
        Stmt::Return { value, .. } => Some(ReturningBranch { leading: &[], value: value.as_ref() }),
        Stmt::Block { body, .. } => match body.split_last() {
            Some((Stmt::Return { value, .. }, leading)) => Some(ReturningBranch { leading, value: value.as_ref() }),
            _ => None,
        },
        _ => None,
    }
}

/// Appends `stmts` to `into`, with the statements of every block spliced
/// in. A block costs nothing at run time (its locals are slots of the same
/// frame, resolved already), so its statements can run as its parent's.
fn flatten<'a>(stmts: impl IntoIterator<Item = &'a Stmt>, into: &mut Vec<&'a Stmt>) {
    for stmt in stmts {
        match stmt {
            Stmt::Block { body, .. } => flatten(body, into),
            _ => into.push(stmt),
        }
    }
}

/// Whether running `stmt` always ends in a `return` (or an error).
fn always_returns(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Return { .. } => true,
        Stmt::Block { body, .. } => body.iter().any(always_returns),
        Stmt::If { then_branch, else_branch: Some(else_branch), .. } => {
            always_returns(then_branch) && always_returns(else_branch)
        }
        _ => false,
    }
}

/// Whether `stmt` ends a tail: a `return`, an `if` whose branches both
/// always return, or (when `guards`) an `if` one of whose branches does.
fn ends_tail(stmt: &Stmt, guards: bool) -> bool {
    match stmt {
        Stmt::Return { .. } => true,
        Stmt::If { then_branch, else_branch, .. } => {
            let (then_returns, else_returns) =
                (always_returns(then_branch), else_branch.as_deref().is_some_and(always_returns));
            (then_returns && else_returns) || (guards && (then_returns || else_returns))
        }
        _ => false,
    }
}

/// Statements, then the value the body yields. A `return` nested in the
/// statements (in a loop, say) still unwinds to here.
fn leading_then<O: Operand>(leading: Box<[StmtFn]>, value: O) -> ExprFn {
    Box::new(move |vm, env| {
        let _mark = tick!(vm, Block, "Body: statements, then a value");
        for stmt in &leading {
            match stmt(vm, env) {
                Ok(()) => {}
                Err(Unwind::Return) => return Ok(std::mem::replace(&mut vm.returned, Value::Nil)),
                Err(Unwind::Error(error)) => return Err(error),
            }
        }
        value.value(vm, env)
    })
}

/// The two ways a body can end, chosen by a condition.
fn conditional<C: Condition, O: Operand>(condition: C, then_value: O, else_value: ExprFn) -> ExprFn {
    Box::new(move |vm, env| {
        let _mark = tick!(vm, If, "Body: if, a value either way");
        if condition.test(vm, env)? { then_value.value(vm, env) } else { else_value(vm, env) }
    })
}

/// What a guard clause runs when its condition is false.
trait ElseBranch: 'static {
    fn run(&self, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Exec;
}

impl ElseBranch for () {
    #[inline(always)]
    fn run(&self, _: &mut Evaluator<'_>, _: &Env<'_>) -> Exec {
        Ok(())
    }
}

impl ElseBranch for StmtFn {
    #[inline(always)]
    fn run(&self, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Exec {
        self(vm, env)
    }
}

/// Runs a returning branch: its leading statements, then the `return` of
/// its value, straight from the closure of the `if`.
#[inline(always)]
fn run_returning<O: Operand>(vm: &mut Evaluator<'_>, env: &Env<'_>, leading: &Option<StmtFn>, value: &O) -> Exec {
    if let Some(leading) = leading {
        leading(vm, env)?;
    }
    let value = value.value(vm, env)?;
    // `returned` holds nil between returns: replacing it frees nothing.
    std::mem::replace(&mut vm.returned, value).discard();
    Err(Unwind::Return)
}

/// `if (condition) { ...; return value; } else else_branch`.
fn guard<C: Condition, O: Operand, E: ElseBranch>(
    condition: C,
    leading: Option<StmtFn>,
    value: O,
    else_branch: E,
) -> StmtFn {
    Box::new(move |vm, env| {
        let _mark = tick!(vm, If, "Guard clause: if, then return");
        if condition.test(vm, env)? { run_returning(vm, env, &leading, &value) } else { else_branch.run(vm, env) }
    })
}

/// `if (condition) then_branch else { ...; return value; }`.
fn else_guard<C: Condition, O: Operand>(
    condition: C,
    then_branch: StmtFn,
    leading: Option<StmtFn>,
    value: O,
) -> StmtFn {
    Box::new(move |vm, env| {
        let _mark = tick!(vm, If, "Guard clause: if, else return");
        if condition.test(vm, env)? { then_branch(vm, env) } else { run_returning(vm, env, &leading, &value) }
    })
}

fn return_operand<O: Operand>(value: O) -> StmtFn {
    Box::new(move |vm, env| {
        let _mark = tick!(vm, Return, "Return");
        let value = value.value(vm, env)?;
        std::mem::replace(&mut vm.returned, value).discard();
        Err(Unwind::Return)
    })
}
