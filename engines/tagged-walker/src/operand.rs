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
//!   [`Evaluator::leaves`]): a local or a number literal is read in place,
//!   and an operator whose two operands are such leaves (`n < 2`, `i + 1`)
//!   takes their words without a recursive call or an error path.
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
//! tuning: it is how this value does arithmetic (small integers inline, on
//! the tagged words themselves; other numbers in a function made for the
//! one operator; everything else out of line).
//!
//! What changed from `slot-walker`: a leaf is read as a word whatever it
//! holds (there is no 24-byte value to avoid making, only a `Result` and a
//! recursive call), a number literal is encoded on every read (the shared
//! tree holds an `f64`, and this engine has nowhere to keep the encoded
//! word), and an operand that must survive the evaluation of the other one
//! is kept on the value stack (rule 1 in `gc.rs`).

#![forbid(unsafe_code)]

use crate::env::{Env, Slot};
use crate::eval::{Eval, Evaluator, Thrown};
use crate::value::Value;
use frontend::ast::{BinaryOp, Expr, Literal, LogicalOp, UnaryOp, VarKind, Variable};
use frontend::memory::OutOfMemory;
use frontend::messages;
use frontend::number;
use frontend::profiling::NodeKind;
use frontend::tuning::{DIRECT_OPERANDS, FUSED_CONDITIONS, LEAF_OPERANDS};

impl Evaluator<'_> {
    /// The truthiness of a condition of an `if` or a loop.
    #[inline(always)]
    pub fn condition(&mut self, expr: &Expr, env: &Env) -> Result<bool, Thrown> {
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
        Ok(self.evaluate(expr, env)?.is_truthy())
    }

    /// A comparison (or any operator) as a condition: on two small integers
    /// its truth is the comparison's, with no value made.
    #[inline(always)]
    fn fused_comparison(
        &mut self,
        op: BinaryOp,
        left: &Expr,
        right: &Expr,
        line: u32,
        env: &Env,
    ) -> Result<bool, Thrown> {
        if let Some((a, b)) = self.leaves(left, right, env) {
            return Ok(self.binary(op, a, b, line, env)?.is_truthy());
        }
        let left = self.shallow_operand(left, env)?;
        let (left, right) = self.operand_holding(left, right, env)?;
        Ok(self.binary(op, left, right, line, env)?.is_truthy())
    }

    /// `!`, `and` and `or` as a condition: the truth of `a and b` is the
    /// truth of `a` and then of `b`, so each side is itself a condition and
    /// no value of the whole is made.
    #[inline(never)]
    fn fused_logic(&mut self, expr: &Expr, env: &Env) -> Result<bool, Thrown> {
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

    /// The operands of a binary operator when both are leaves (a number
    /// literal with an inline encoding, or a local), as in `n < 2` or
    /// `i + 1`. Reading a leaf has no side effects and allocates nothing, so
    /// when this answers `None` the caller evaluates both operands in the
    /// ordinary way. (The switch is tested once the left operand is known
    /// to be a leaf, so that an operator on a call, say, pays nothing for
    /// it.)
    #[inline(always)]
    pub fn leaves(&mut self, left: &Expr, right: &Expr, env: &Env) -> Option<(Value, Value)> {
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
    fn leaf(&self, expr: &Expr, env: &Env) -> Option<Value> {
        match expr {
            Expr::Literal(Literal::Number(n)) => Value::inline_number(*n),
            Expr::Variable(Variable { kind: VarKind::Local { slot, .. }, .. }) => {
                Some(self.stack[env.slot(*slot)].get())
            }
            _ => None,
        }
    }

    /// A binary operator's node, wherever `evaluate` meets one.
    #[inline(always)]
    pub fn operator(&mut self, op: BinaryOp, left: &Expr, right: &Expr, line: u32, env: &Env) -> Eval {
        if let Some((a, b)) = self.leaves(left, right, env) {
            return self.binary(op, a, b, line, env);
        }
        let left = self.shallow_operand(left, env)?;
        let (left, right) = self.operand_holding(left, right, env)?;
        self.binary(op, left, right, line, env)
    }

    /// A value that a statement or a call needs: a returned, declared or
    /// assigned value, or an argument. With `direct-operands`, an operator
    /// here evaluates its own operands in place instead of through a
    /// recursive `evaluate`; everything else is
    /// [`Evaluator::shallow_operand`].
    #[inline(always)]
    pub fn operand(&mut self, expr: &Expr, env: &Env) -> Eval {
        let Expr::Binary { op, left, right, line } = expr else {
            return self.shallow_operand(expr, env);
        };
        if let Some((a, b)) = self.leaves(left, right, env) {
            self.state.count_node(NodeKind::binary(*op));
            return self.binary(*op, a, b, *line, env);
        }
        if !self.config.direct_operands {
            return self.evaluate(expr, env);
        }
        let _node = self.state.count_node(NodeKind::binary(*op));
        self.state.fired(&DIRECT_OPERANDS);
        let left = self.shallow_operand(left, env)?;
        let (left, right) = self.operand_holding(left, right, env)?;
        self.binary(*op, left, right, *line, env)
    }

    /// An operand: with `leaf-operands`, a local or a number literal read in
    /// place and an operator on two leaves (`fib(n - 2)`'s argument)
    /// computed in place; with `direct-operands`, a call entered directly.
    /// Anything else, or with the tunings off, is a recursive `evaluate`.
    #[inline(always)]
    pub fn shallow_operand(&mut self, expr: &Expr, env: &Env) -> Eval {
        match expr {
            Expr::Variable(Variable { kind: VarKind::Local { slot, .. }, .. }) if self.config.leaf_operands => {
                self.state.count_node(NodeKind::Variable);
                self.state.fired(&LEAF_OPERANDS);
                Ok(self.stack[env.slot(*slot)].get())
            }
            Expr::Literal(Literal::Number(n)) if self.config.leaf_operands => {
                self.state.count_node(NodeKind::Literal);
                self.state.fired(&LEAF_OPERANDS);
                Ok(self.number(*n))
            }
            Expr::Call { callee, args, line } if self.config.direct_operands => {
                let _node = self.state.count_node(NodeKind::Call);
                self.state.fired(&DIRECT_OPERANDS);
                self.call(callee, args, *line, env)
            }
            Expr::Binary { op, left, right, line } => match self.leaves(left, right, env) {
                Some((a, b)) => {
                    self.state.count_node(NodeKind::binary(*op));
                    self.binary(*op, a, b, *line, env)
                }
                None => self.evaluate(expr, env),
            },
            _ => self.evaluate(expr, env),
        }
    }

    /// Evaluates the operand `expr` while keeping `held` alive: a heap
    /// object is pushed on the value stack meanwhile (rule 1 in `gc.rs`);
    /// numbers and other immediates need no root. The collector never moves
    /// objects, so the word is still valid afterwards.
    #[inline(always)]
    pub fn operand_holding(&mut self, held: Value, expr: &Expr, env: &Env) -> Result<(Value, Value), Thrown> {
        if held.as_object().is_none() {
            return Ok((held, self.shallow_operand(expr, env)?));
        }
        self.stack.push(Slot::value(held));
        let value = self.shallow_operand(expr, env)?;
        self.stack.pop();
        Ok((held, value))
    }

    /// A binary operator on two values. Small integers, by far the common
    /// case, are handled inline; other numbers one call away, in a function
    /// made for the one operator (so the operator is dispatched on once,
    /// here); everything else (strings, equality of objects, errors) goes
    /// to [`Evaluator::binary_other`].
    // `a <= b` is `!(a > b)`, as clox compiles it, so that with a NaN operand
    // `<=` and `>=` are true; the negated comparisons are deliberate.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    #[inline(always)]
    pub fn binary(&mut self, op: BinaryOp, left: Value, right: Value, line: u32, env: &Env) -> Eval {
        match op {
            BinaryOp::Add => match left.add_ints(right) {
                Some(sum) => Ok(sum),
                None => self.arithmetic(op, left, right, number::add, line, env),
            },
            BinaryOp::Subtract => match left.sub_ints(right) {
                Some(difference) => Ok(difference),
                None => self.arithmetic(op, left, right, |a, b| a - b, line, env),
            },
            BinaryOp::Multiply => match left.mul_ints(right) {
                Some(product) => Ok(product),
                None => self.arithmetic(op, left, right, number::multiply, line, env),
            },
            BinaryOp::Divide => self.arithmetic(op, left, right, |a, b| a / b, line, env),
            BinaryOp::Equal => Ok(Value::bool(left.equals(right))),
            BinaryOp::NotEqual => Ok(Value::bool(!left.equals(right))),
            BinaryOp::Less => self.comparison(left, right, |a, b| a < b, |a, b| a < b, line, env),
            BinaryOp::LessEqual => self.comparison(left, right, |a, b| a <= b, |a, b| !(a > b), line, env),
            BinaryOp::Greater => self.comparison(left, right, |a, b| a > b, |a, b| a > b, line, env),
            BinaryOp::GreaterEqual => self.comparison(left, right, |a, b| a >= b, |a, b| !(a < b), line, env),
        }
    }

    /// An arithmetic operator off the small-integer path: on two numbers,
    /// IEEE arithmetic; otherwise [`Evaluator::binary_other`].
    #[inline(never)]
    fn arithmetic(
        &mut self,
        op: BinaryOp,
        left: Value,
        right: Value,
        on_doubles: impl Fn(f64, f64) -> f64,
        line: u32,
        env: &Env,
    ) -> Eval {
        match (left.as_number(), right.as_number()) {
            (Some(a), Some(b)) => Ok(self.number(on_doubles(a, b))),
            _ => self.binary_other(op, left, right, line, env),
        }
    }

    /// A comparison: on the integers when both operands are small integers
    /// (exactly the answer the doubles would give), else on the doubles.
    #[inline(always)]
    fn comparison(
        &mut self,
        left: Value,
        right: Value,
        on_ints: impl Fn(i64, i64) -> bool,
        on_doubles: impl Fn(f64, f64) -> bool,
        line: u32,
        env: &Env,
    ) -> Eval {
        match Value::both_ints(left, right) {
            Some((a, b)) => Ok(Value::bool(on_ints(a, b))),
            None => self.compare_doubles(left, right, on_doubles, line, env),
        }
    }

    #[inline(never)]
    fn compare_doubles(
        &mut self,
        left: Value,
        right: Value,
        on_doubles: impl Fn(f64, f64) -> bool,
        line: u32,
        env: &Env,
    ) -> Eval {
        match (left.as_number(), right.as_number()) {
            (Some(a), Some(b)) => Ok(Value::bool(on_doubles(a, b))),
            _ => Err(self.error(line, messages::OPERANDS_NUMBERS, env)),
        }
    }

    #[inline(never)]
    pub fn binary_other(&mut self, op: BinaryOp, left: Value, right: Value, line: u32, env: &Env) -> Eval {
        Ok(match (op, left.as_string(), right.as_string()) {
            (BinaryOp::Add, Some(a), Some(b)) => match self.concat(a, b) {
                Ok(joined) => Value::object(joined),
                Err(OutOfMemory) => return Err(self.error(line, messages::OUT_OF_MEMORY, env)),
            },
            (BinaryOp::Add, _, _) => return Err(self.error(line, messages::OPERANDS_ADD, env)),
            _ => return Err(self.error(line, messages::OPERANDS_NUMBERS, env)),
        })
    }
}
