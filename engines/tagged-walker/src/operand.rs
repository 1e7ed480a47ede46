//! Fast paths for operands: how the evaluator avoids recursive calls for
//! the commonest leaves of the tree, and what the operators do first with
//! small integers.
//!
//! These are `slot-walker`'s fast paths, kept in the same places so that
//! the two engines differ in their values and not in their tuning:
//!
//! * [`Evaluator::operand`]: a local, a number literal or a call as the
//!   operand of an operator, an argument or a returned value is handled
//!   without going through [`Evaluator::evaluate`].
//! * [`Evaluator::leaves`]: `n < 2`, `i + 1`: both operands read straight
//!   from the tree or the slot, with no recursive call and no error path.
//! * [`Evaluator::condition`]: a comparison deciding an `if` or a loop
//!   without a recursive call.
//! * [`Evaluator::binary`]: small integers inline, on the tagged words
//!   themselves; other numbers in a function made for the one operator;
//!   everything else out of line.
//!
//! What changed from `slot-walker`: a leaf is read as a word whatever it
//! holds (there is no 24-byte value to avoid making, only a `Result` and a
//! recursive call), a number literal is encoded on every read (the shared
//! tree holds an `f64`, and this engine has nowhere to keep the encoded
//! word), and an operand that must survive the evaluation of the other one
//! is kept on the value stack (rule 1 in `gc.rs`).
//!
//! And one fast path of the same kind that `slot-walker` does not have:
//! [`Evaluator::returned_operand`], a returned operator whose operands are
//! calls or leaves (`return fib(n - 2) + fib(n - 1);`) evaluated in the
//! `return` itself, one recursive Rust call fewer per Lox call (measured
//! in the crate documentation).

#![forbid(unsafe_code)]

use crate::env::{Env, Slot};
use crate::eval::{Eval, Evaluator, Thrown};
use crate::value::Value;
use frontend::ast::{BinaryOp, Expr, Literal, VarKind, Variable};
use frontend::memory::OutOfMemory;
use frontend::messages;

impl Evaluator<'_> {
    /// The truthiness of a condition. A comparison, the usual condition of
    /// an `if` or a loop, is decided here without a recursive call.
    #[inline(always)]
    pub fn condition(&mut self, expr: &Expr, env: &Env) -> Result<bool, Thrown> {
        if let Expr::Binary { op, left, right, line } = expr {
            self.state.count_work();
            if let Some((a, b)) = self.leaves(left, right, env) {
                return Ok(self.binary(*op, a, b, *line, env)?.is_truthy());
            }
            let left = self.operand(left, env)?;
            let (left, right) = self.operand_holding(left, right, env)?;
            return Ok(self.binary(*op, left, right, *line, env)?.is_truthy());
        }
        Ok(self.evaluate(expr, env)?.is_truthy())
    }

    /// The operands of a binary operator when both are leaves (a number
    /// literal with an inline encoding, or a local), as in `n < 2` or
    /// `i + 1`. Reading a leaf has no side effects and allocates nothing, so
    /// when this answers `None` the caller evaluates both operands in the
    /// ordinary way.
    #[inline(always)]
    pub fn leaves(&mut self, left: &Expr, right: &Expr, env: &Env) -> Option<(Value, Value)> {
        let a = self.leaf(left, env)?;
        let b = self.leaf(right, env)?;
        self.state.count_work();
        self.state.count_work();
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

    /// Evaluates an operand, with the two commonest leaves (a local and a
    /// number literal) read inline, and calls and operators on leaves
    /// (`fib(n - 2)`) done directly, instead of through a recursive call of
    /// [`Evaluator::evaluate`]. Only where the call overhead is a large part
    /// of the work: binary operands, arguments and returned values.
    #[inline(always)]
    pub fn operand(&mut self, expr: &Expr, env: &Env) -> Eval {
        match expr {
            Expr::Variable(Variable { kind: VarKind::Local { slot, .. }, .. }) => {
                self.state.count_work();
                Ok(self.stack[env.slot(*slot)].get())
            }
            Expr::Literal(Literal::Number(n)) => {
                self.state.count_work();
                Ok(self.number(*n))
            }
            Expr::Call { callee, args, line } => {
                self.state.count_work();
                self.call(callee, args, *line, env)
            }
            Expr::Binary { op, left, right, line } => match self.leaves(left, right, env) {
                Some((a, b)) => {
                    self.state.count_work();
                    self.binary(*op, a, b, *line, env)
                }
                None => self.evaluate(expr, env),
            },
            _ => self.evaluate(expr, env),
        }
    }

    /// A returned value: [`Evaluator::operand`], and also an operator whose
    /// operands are calls, as in `return fib(n - 2) + fib(n - 1);`, evaluated
    /// here, so that the operator costs no recursive call of its own, only
    /// its operands' calls. (Only for `return`: inlined into every operand
    /// site, the extra code made the evaluator's other paths slower.)
    #[inline(always)]
    pub fn returned_operand(&mut self, expr: &Expr, env: &Env) -> Eval {
        if let Expr::Binary { op, left, right, line } = expr {
            // No attempt at `leaves` first: `shallow_operand` reads a leaf
            // as cheaply, and a returned operator's operands are more often
            // calls than leaves.
            self.state.count_work();
            let left = self.shallow_operand(left, env)?;
            let right = match left.as_object() {
                None => self.shallow_operand(right, env)?,
                Some(_) => self.shallow_operand_holding(left, right, env)?,
            };
            return self.binary(*op, left, right, *line, env);
        }
        self.operand(expr, env)
    }

    /// [`Evaluator::operand`] without its operator arm (which cannot inline
    /// itself): a local, a number literal or a call is handled without
    /// going through [`Evaluator::evaluate`].
    #[inline(always)]
    fn shallow_operand(&mut self, expr: &Expr, env: &Env) -> Eval {
        match expr {
            Expr::Variable(Variable { kind: VarKind::Local { slot, .. }, .. }) => {
                self.state.count_work();
                Ok(self.stack[env.slot(*slot)].get())
            }
            Expr::Literal(Literal::Number(n)) => {
                self.state.count_work();
                Ok(self.number(*n))
            }
            Expr::Call { callee, args, line } => {
                self.state.count_work();
                self.call(callee, args, *line, env)
            }
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
            return Ok((held, self.operand(expr, env)?));
        }
        self.stack.push(Slot::value(held));
        let value = self.operand(expr, env)?;
        self.stack.pop();
        Ok((held, value))
    }

    /// [`Evaluator::shallow_operand`] while an object is held on the stack
    /// (rule 1 in `gc.rs`); out of line, since the held operand of a
    /// returned operator is usually a number.
    #[inline(never)]
    fn shallow_operand_holding(&mut self, held: Value, expr: &Expr, env: &Env) -> Eval {
        self.stack.push(Slot::value(held));
        let value = self.shallow_operand(expr, env)?;
        self.stack.pop();
        Ok(value)
    }

    /// A binary operator. Small integers, by far the common case, are
    /// handled inline; other numbers one call away, in a function made for
    /// the one operator (so the operator is dispatched on once, here);
    /// everything else (strings, equality of objects, errors) goes to
    /// [`Evaluator::binary_other`].
    // `a <= b` is `!(a > b)`, as clox compiles it, so that with a NaN operand
    // `<=` and `>=` are true; the negated comparisons are deliberate.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    #[inline(always)]
    pub fn binary(&mut self, op: BinaryOp, left: Value, right: Value, line: u32, env: &Env) -> Eval {
        match op {
            BinaryOp::Add => match left.add_ints(right) {
                Some(sum) => Ok(sum),
                None => self.arithmetic(op, left, right, |a, b| a + b, line, env),
            },
            BinaryOp::Subtract => match left.sub_ints(right) {
                Some(difference) => Ok(difference),
                None => self.arithmetic(op, left, right, |a, b| a - b, line, env),
            },
            BinaryOp::Multiply => match left.mul_ints(right) {
                Some(product) => Ok(product),
                None => self.arithmetic(op, left, right, |a, b| a * b, line, env),
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
