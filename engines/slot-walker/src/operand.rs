//! Operands and conditions: where the evaluator's tunings take their fast
//! paths, and the operators on values.
//!
//! A tree-walker pays for every node it visits with a recursive call of
//! [`Evaluator::evaluate`]: a function with a large frame, entered through
//! a `match` on the node's kind. Most of what a program evaluates is small
//! (a local, a literal, `n - 1`, a call), so three tunings evaluate those
//! shapes where they are used, each switched by the session's `Config`:
//!
//! * `leaf-operands` ([`Evaluator::shallow_operand`],
//!   [`Evaluator::leaves`]): a local or a number literal is read in
//!   place, and an operator whose two operands are such leaves holding
//!   numbers (`n < 2`, `i + 1`) computes on the two `f64`s without making a
//!   value for either.
//! * `direct-operands` ([`Evaluator::operand`]): a call used as an operand
//!   is entered directly, and an operator used as an operand (returned,
//!   declared, assigned, an argument) evaluates its own two operands the
//!   same way, so `return f(a) + g(b);` or `var c = a * f(b);` costs one
//!   recursive evaluation fewer.
//! * `fused-conditions` ([`Evaluator::condition`]): a comparison, `!`,
//!   `and` or `or` deciding an `if` or a loop yields a Rust `bool` without
//!   making a boolean value.
//!
//! With all three off, every operand and condition goes through
//! `evaluate`, which is the strategy alone. [`Evaluator::binary`] is not a
//! tuning: it is how this value does arithmetic (numbers inline, without a
//! call into the drop glue for the numbers consumed; everything else out
//! of line).

use crate::env::{Env, Slot};
use crate::eval::{Eval, Evaluator, Thrown};
use crate::value::Value;
use frontend::ast::{BinaryOp, Expr, Literal, LogicalOp, UnaryOp, VarKind, Variable};
use frontend::number;
use frontend::profiling::NodeKind;
use frontend::tuning::{DIRECT_OPERANDS, FUSED_CONDITIONS, LEAF_OPERANDS};
use frontend::{memory, messages};

impl Evaluator<'_> {
    /// The truthiness of a condition of an `if` or a loop.
    #[inline(always)]
    pub fn condition(&mut self, expr: &Expr, env: &Env<'_>) -> Result<bool, Thrown> {
        if self.config.fused_conditions {
            match expr {
                Expr::Binary { op, left, right, line } => {
                    let _node = self.state.count_node(NodeKind::binary(*op));
                    self.state.fired(&FUSED_CONDITIONS);
                    return self.fused_comparison(*op, left, right, *line, env);
                }
                Expr::Logical { .. } | Expr::Unary { op: UnaryOp::Not, .. } => {
                    return self.fused_logic(expr, env);
                }
                _ => {}
            }
        }
        Ok(self.evaluate(expr, env)?.into_truthy())
    }

    /// A comparison (or any operator) as a condition: on two numbers its
    /// truth is the comparison's, with no value made.
    #[inline(always)]
    fn fused_comparison(
        &mut self,
        op: BinaryOp,
        left: &Expr,
        right: &Expr,
        line: u32,
        env: &Env<'_>,
    ) -> Result<bool, Thrown> {
        if let Some((a, b)) = self.leaves(left, right, env) {
            return Ok(arithmetic(op, a, b).into_truthy());
        }
        let left = self.shallow_operand(left, env)?;
        let right = self.shallow_operand(right, env)?;
        if let (Value::Number(a), Value::Number(b)) = (&left, &right) {
            let truthy = arithmetic(op, *a, *b).into_truthy();
            left.discard();
            right.discard();
            return Ok(truthy);
        }
        Ok(self.binary_other(op, left, right, line, env)?.into_truthy())
    }

    /// `!`, `and` and `or` as a condition: the truth of `a and b` is the
    /// truth of `a` and then of `b`, so each side is itself a condition and
    /// no value of the whole is made.
    #[inline(never)]
    fn fused_logic(&mut self, expr: &Expr, env: &Env<'_>) -> Result<bool, Thrown> {
        let _node = self.state.count_node(expr.kind());
        self.state.fired(&FUSED_CONDITIONS);
        match expr {
            Expr::Unary { operand, .. } => Ok(!self.condition(operand, env)?),
            Expr::Logical { op: LogicalOp::And, left, right } => {
                Ok(self.condition(left, env)? && self.condition(right, env)?)
            }
            Expr::Logical { op: LogicalOp::Or, left, right } => {
                Ok(self.condition(left, env)? || self.condition(right, env)?)
            }
            _ => unreachable!("`condition` sends only `!`, `and` and `or` here"),
        }
    }

    /// The operands of a binary operator when both are leaves that hold
    /// numbers (a number literal, or a local whose slot holds a number), as
    /// in `n < 2` or `i + 1`: then no value needs to be made for them.
    /// Reading a leaf has no side effects, so when this answers `None` the
    /// caller evaluates both operands in the ordinary way. (The switch is
    /// tested once the left operand is known to be a leaf, so that an
    /// operator on a call, say, pays nothing for it.)
    #[inline(always)]
    pub fn leaves(&mut self, left: &Expr, right: &Expr, env: &Env<'_>) -> Option<(f64, f64)> {
        let a = self.leaf(left, env)?;
        if !self.config.leaf_operands {
            return None;
        }
        let b = self.leaf(right, env)?;
        self.state.count_node(left.kind());
        self.state.count_node(right.kind());
        self.state.fired(&LEAF_OPERANDS);
        Some((a, b))
    }

    #[inline(always)]
    fn leaf(&self, expr: &Expr, env: &Env<'_>) -> Option<f64> {
        match expr {
            Expr::Literal(Literal::Number(n)) => Some(*n),
            Expr::Variable(Variable { kind: VarKind::Local { slot, .. }, .. }) => match &self.stack[env.slot(*slot)] {
                Slot::Value(Value::Number(n)) => Some(*n),
                _ => None,
            },
            _ => None,
        }
    }

    /// A binary operator's node, wherever `evaluate` meets one.
    #[inline(always)]
    pub fn operator(&mut self, op: BinaryOp, left: &Expr, right: &Expr, line: u32, env: &Env<'_>) -> Eval {
        if let Some((a, b)) = self.leaves(left, right, env) {
            return Ok(arithmetic(op, a, b));
        }
        let left = self.shallow_operand(left, env)?;
        let right = self.shallow_operand(right, env)?;
        self.binary(op, left, right, line, env)
    }

    /// A value that a statement or a call needs: a returned, declared or
    /// assigned value, or an argument. With `direct-operands`, an operator
    /// here evaluates its own operands in place instead of through a
    /// recursive `evaluate`; everything else is
    /// [`Evaluator::shallow_operand`].
    #[inline(always)]
    pub fn operand(&mut self, expr: &Expr, env: &Env<'_>) -> Eval {
        let Expr::Binary { op, left, right, line } = expr else {
            return self.shallow_operand(expr, env);
        };
        if let Some((a, b)) = self.leaves(left, right, env) {
            self.state.count_node(NodeKind::binary(*op));
            return Ok(arithmetic(*op, a, b));
        }
        if !self.config.direct_operands {
            return self.evaluate(expr, env);
        }
        let _node = self.state.count_node(NodeKind::binary(*op));
        self.state.fired(&DIRECT_OPERANDS);
        let left = self.shallow_operand(left, env)?;
        let right = self.shallow_operand(right, env)?;
        self.binary(*op, left, right, *line, env)
    }

    /// An operand: with `leaf-operands`, a local or a number literal read in
    /// place and an operator on two number leaves (`fib(n - 2)`'s argument)
    /// computed in place; with `direct-operands`, a call entered directly.
    /// Anything else, or with the tunings off, is a recursive `evaluate`.
    #[inline(always)]
    pub fn shallow_operand(&mut self, expr: &Expr, env: &Env<'_>) -> Eval {
        match expr {
            Expr::Variable(Variable { kind: VarKind::Local { slot, .. }, .. }) if self.config.leaf_operands => {
                self.state.count_node(NodeKind::Variable);
                self.state.fired(&LEAF_OPERANDS);
                Ok(self.stack[env.slot(*slot)].get())
            }
            Expr::Literal(Literal::Number(n)) if self.config.leaf_operands => {
                self.state.count_node(NodeKind::Literal);
                self.state.fired(&LEAF_OPERANDS);
                Ok(Value::Number(*n))
            }
            Expr::Call { callee, args, line } if self.config.direct_operands => {
                let _node = self.state.count_node(NodeKind::Call);
                self.state.fired(&DIRECT_OPERANDS);
                self.call(callee, args, *line, env)
            }
            Expr::Binary { op, left, right, .. } => match self.leaves(left, right, env) {
                Some((a, b)) => {
                    self.state.count_node(NodeKind::binary(*op));
                    Ok(arithmetic(*op, a, b))
                }
                None => self.evaluate(expr, env),
            },
            _ => self.evaluate(expr, env),
        }
    }

    /// A binary operator on two values. Numbers, by far the common case, are
    /// handled inline; everything else (strings, equality of objects,
    /// errors) goes to [`Evaluator::binary_other`].
    #[inline(always)]
    pub fn binary(&mut self, op: BinaryOp, left: Value, right: Value, line: u32, env: &Env<'_>) -> Eval {
        if let (Value::Number(a), Value::Number(b)) = (&left, &right) {
            let result = arithmetic(op, *a, *b);
            left.discard();
            right.discard();
            return Ok(result);
        }
        self.binary_other(op, left, right, line, env)
    }

    #[inline(never)]
    pub fn binary_other(&mut self, op: BinaryOp, left: Value, right: Value, line: u32, env: &Env<'_>) -> Eval {
        Ok(match (op, &left, &right) {
            (BinaryOp::Equal, _, _) => Value::Bool(left.equals(&right)),
            (BinaryOp::NotEqual, _, _) => Value::Bool(!left.equals(&right)),
            (BinaryOp::Add, Value::String(a), Value::String(b)) => match memory::concat(a, b, self.state.max_heap) {
                Ok(joined) => Value::String(joined.into()),
                Err(memory::OutOfMemory) => return Err(self.error(line, messages::OUT_OF_MEMORY, env)),
            },
            (BinaryOp::Add, _, _) => return Err(self.error(line, messages::OPERANDS_ADD, env)),
            _ => return Err(self.error(line, messages::OPERANDS_NUMBERS, env)),
        })
    }
}

/// A binary operator applied to two numbers.
// `a <= b` is `!(a > b)`, as clox compiles it, so that with a NaN operand
// `<=` and `>=` are true; the negated comparisons are deliberate.
#[allow(clippy::neg_cmp_op_on_partial_ord)]
#[inline(always)]
pub fn arithmetic(op: BinaryOp, a: f64, b: f64) -> Value {
    match op {
        BinaryOp::Add => Value::Number(number::add(a, b)),
        BinaryOp::Subtract => Value::Number(a - b),
        BinaryOp::Multiply => Value::Number(number::multiply(a, b)),
        BinaryOp::Divide => Value::Number(a / b),
        BinaryOp::Equal => Value::Bool(a == b),
        BinaryOp::NotEqual => Value::Bool(a != b),
        BinaryOp::Less => Value::Bool(a < b),
        BinaryOp::LessEqual => Value::Bool(!(a > b)),
        BinaryOp::Greater => Value::Bool(a > b),
        BinaryOp::GreaterEqual => Value::Bool(!(a < b)),
    }
}
