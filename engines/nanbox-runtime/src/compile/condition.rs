//! Conditions compiled as branches: the `fused-conditions` tuning.
//!
//! clox compiles `if (n < 2)` as an expression that makes a boolean, then a
//! jump that tests it: `Less; JumpIfFalse; Pop`. A condition's value is
//! never used for anything but that test, so with this tuning the compiler
//! compiles each condition of an `if`, `while` or `for` as branches:
//! * a comparison becomes one compare-and-jump (`JumpIfNotLess`), which
//!   pops its operands and makes no boolean;
//! * `!` swaps which way the branch goes, at no cost;
//! * `and` and `or` jump straight to where the whole condition goes, instead
//!   of keeping the left operand as the expression's value;
//! * a literal (`while (true)`) is decided here, and jumps unconditionally
//!   or not at all;
//! * anything else is evaluated and tested by a jump that pops it.
//!
//! Only the value is skipped: the operands run in the same order, with the
//! same errors on the same lines.

use super::{Compiler, PendingJump};
use crate::op::Op;
use frontend::ast::{BinaryOp, Expr, Literal, LogicalOp, UnaryOp};

impl Compiler<'_> {
    /// Compiles `condition` so that it jumps when its truthiness is
    /// `jump_if` and falls through otherwise, and returns the jumps to patch
    /// where it goes.
    pub(super) fn branch(&mut self, condition: &Expr, jump_if: bool) -> Vec<PendingJump> {
        match condition {
            Expr::Binary { op, left, right, line } => match compare_and_jump(*op, jump_if) {
                Some(jump) => {
                    self.expression(left);
                    self.expression(right);
                    self.function.line = *line;
                    vec![self.emit_jump(jump)]
                }
                None => self.test(condition, jump_if),
            },
            Expr::Unary { op: UnaryOp::Not, operand, .. } => self.branch(operand, !jump_if),
            Expr::Logical { op, left, right } => {
                // `a and b` is false as soon as `a` is; `a or b` true as soon
                // as `a` is. In that case the left operand jumps where the
                // whole condition goes; otherwise it skips the right operand.
                let left_decides = (*op == LogicalOp::And) != jump_if;
                if left_decides {
                    let mut jumps = self.branch(left, jump_if);
                    jumps.extend(self.branch(right, jump_if));
                    jumps
                } else {
                    let to_right_end = self.branch(left, !jump_if);
                    let jumps = self.branch(right, jump_if);
                    for jump in to_right_end {
                        self.patch_jump(jump);
                    }
                    jumps
                }
            }
            Expr::Literal(literal) => {
                let truthy = !matches!(literal, Literal::Nil | Literal::Bool(false));
                if truthy == jump_if { vec![self.emit_jump(Op::Jump)] } else { Vec::new() }
            }
            _ => self.test(condition, jump_if),
        }
    }

    /// Evaluates `condition` and jumps on its truthiness, popping it.
    fn test(&mut self, condition: &Expr, jump_if: bool) -> Vec<PendingJump> {
        self.expression(condition);
        vec![self.emit_jump(if jump_if { Op::JumpIfTruePop } else { Op::JumpIfFalsePop })]
    }
}

/// The compare-and-jump that jumps when `a op b` is `jump_if`, for the
/// comparison operators. `<=` is `!(a > b)` and `>=` is `!(a < b)`, as
/// clox compiles them, so that NaN compares the same way.
fn compare_and_jump(op: BinaryOp, jump_if: bool) -> Option<Op> {
    let (when_true, when_false) = match op {
        BinaryOp::Less => (Op::JumpIfLess, Op::JumpIfNotLess),
        BinaryOp::LessEqual => (Op::JumpIfNotGreater, Op::JumpIfGreater),
        BinaryOp::Greater => (Op::JumpIfGreater, Op::JumpIfNotGreater),
        BinaryOp::GreaterEqual => (Op::JumpIfNotLess, Op::JumpIfLess),
        BinaryOp::Equal => (Op::JumpIfEqual, Op::JumpIfNotEqual),
        BinaryOp::NotEqual => (Op::JumpIfNotEqual, Op::JumpIfEqual),
        BinaryOp::Add | BinaryOp::Subtract | BinaryOp::Multiply | BinaryOp::Divide => return None,
    };
    Some(if jump_if { when_true } else { when_false })
}
