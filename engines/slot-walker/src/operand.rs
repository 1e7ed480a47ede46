//! Fast paths for operands: how the evaluator avoids making values and
//! recursive calls for the commonest leaves of the tree.
//!
//! These are not part of the slot idea itself, which is `env.rs`; they are
//! the tuning any tree-walker needs before it can be compared fairly with a
//! bytecode VM, each measured on fib(22) under callgrind (instructions per
//! call of fib; the crate documentation has the whole table):
//!
//! * [`Evaluator::operand`]: a local, a number literal or a call as the
//!   operand of an operator, an argument or a returned value is handled
//!   without going through [`Evaluator::evaluate`] (together with the cold
//!   expressions moved out of `evaluate`: 1107 to 903).
//! * [`Evaluator::number_leaves`]: `n < 2`, `i + 1`: both operands read as
//!   `f64` straight from the tree or the slot, with no value made (580 to
//!   524), and as an argument, `fib(n - 2)`, without entering `evaluate`
//!   at all (524 to 490).
//! * [`Evaluator::condition`]: a comparison deciding an `if` or a loop
//!   without making a boolean value (part of 903 to 813).
//! * [`Evaluator::binary`]: numbers inline, everything else out of line,
//!   and no call into the drop glue for the numbers consumed (see
//!   `Value::discard`).

use crate::env::{Env, Slot};
use crate::eval::{Eval, Evaluator, Thrown};
use crate::value::Value;
use frontend::ast::{BinaryOp, Expr, Literal, VarKind, Variable};
use frontend::{memory, messages};

impl Evaluator<'_> {
    /// The truthiness of a condition. A comparison of two numbers, the
    /// usual condition of an `if` or a loop, is decided here without making
    /// a boolean value or a recursive call.
    #[inline(always)]
    pub fn condition(&mut self, expr: &Expr, env: &Env<'_>) -> Result<bool, Thrown> {
        if let Expr::Binary { op, left, right, line } = expr {
            self.state.count_work();
            if let Some((a, b)) = self.number_leaves(left, right, env) {
                return Ok(arithmetic(*op, a, b).into_truthy());
            }
            let left = self.operand(left, env)?;
            let right = self.operand(right, env)?;
            if let (Value::Number(a), Value::Number(b)) = (&left, &right) {
                let truthy = arithmetic(*op, *a, *b).into_truthy();
                left.discard();
                right.discard();
                return Ok(truthy);
            }
            return Ok(self.binary_other(*op, left, right, *line, env)?.into_truthy());
        }
        Ok(self.evaluate(expr, env)?.into_truthy())
    }

    /// The operands of a binary operator when both are leaves that hold
    /// numbers (a number literal, or a local whose slot holds a number), as
    /// in `n < 2` or `i + 1`: then no value needs to be made for them.
    /// Reading a leaf has no side effects, so when this answers `None` the
    /// caller evaluates both operands in the ordinary way.
    #[inline(always)]
    pub fn number_leaves(&mut self, left: &Expr, right: &Expr, env: &Env<'_>) -> Option<(f64, f64)> {
        let a = self.number_leaf(left, env)?;
        let b = self.number_leaf(right, env)?;
        self.state.count_work();
        self.state.count_work();
        Some((a, b))
    }

    #[inline(always)]
    fn number_leaf(&self, expr: &Expr, env: &Env<'_>) -> Option<f64> {
        match expr {
            Expr::Literal(Literal::Number(n)) => Some(*n),
            Expr::Variable(Variable { kind: VarKind::Local { slot, .. }, .. }) => match &self.stack[env.slot(*slot)] {
                Slot::Value(Value::Number(n)) => Some(*n),
                _ => None,
            },
            _ => None,
        }
    }

    /// Evaluates an operand, with the two commonest leaves (a local and a
    /// number literal) read inline, and calls and arithmetic on number
    /// leaves (`fib(n - 2)`) done directly, instead of through a recursive
    /// call of [`Evaluator::evaluate`]. Only where the call overhead is a large part
    /// of the work: binary operands, arguments and returned values.
    #[inline(always)]
    pub fn operand(&mut self, expr: &Expr, env: &Env<'_>) -> Eval {
        match expr {
            Expr::Variable(Variable { kind: VarKind::Local { slot, .. }, .. }) => {
                self.state.count_work();
                Ok(self.stack[env.slot(*slot)].get())
            }
            Expr::Literal(Literal::Number(n)) => {
                self.state.count_work();
                Ok(Value::Number(*n))
            }
            Expr::Call { callee, args, line } => {
                self.state.count_work();
                self.call(callee, args, *line, env)
            }
            Expr::Binary { op, left, right, .. } => match self.number_leaves(left, right, env) {
                Some((a, b)) => {
                    self.state.count_work();
                    Ok(arithmetic(*op, a, b))
                }
                None => self.evaluate(expr, env),
            },
            _ => self.evaluate(expr, env),
        }
    }

    /// A binary operator. Numbers, by far the common case, are handled
    /// inline; everything else (strings, equality of objects, errors) goes
    /// to [`Evaluator::binary_other`].
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
        BinaryOp::Add => Value::Number(a + b),
        BinaryOp::Subtract => Value::Number(a - b),
        BinaryOp::Multiply => Value::Number(a * b),
        BinaryOp::Divide => Value::Number(a / b),
        BinaryOp::Equal => Value::Bool(a == b),
        BinaryOp::NotEqual => Value::Bool(a != b),
        BinaryOp::Less => Value::Bool(a < b),
        BinaryOp::LessEqual => Value::Bool(!(a > b)),
        BinaryOp::Greater => Value::Bool(a > b),
        BinaryOp::GreaterEqual => Value::Bool(!(a < b)),
    }
}
