//! Conditions: what an `if`, a `while` or a guard clause branches on.
//!
//! A condition compiles to a Rust `bool` ([`CondFn`]). With the
//! `fused-conditions` tuning, a comparison, `!`, `and` and `or` each yield
//! a `bool` directly, never a Lox boolean that is then asked whether it is
//! truthy; off, every condition is an expression whose value is tested.
//!
//! With `leaf-operands` on as well, a comparison of locals and constants
//! (`n < 2`, `i < count`) goes one step further: it is not a closure at all
//! but a type, [`LeafComparison`], that the closure of the `if`, `while` or
//! guard is generic over, so the comparison is compiled into the branching
//! closure itself, as its operands are compiled into an operator's.
//! [`with_condition!`] picks the type.

use super::binary::{
    Comparison, Greater, GreaterEqual, Less, LessEqual, comparison_condition, equality_condition, is_arithmetic,
    with_numbers, with_shapes,
};
use super::operand::{ComputedOperand, ConstantOperand, Leaf, LocalOperand, Operand, Shape, leaf};
use super::{Compiler, CondFn};
use crate::env::Env;
use crate::eval::tick;
use crate::eval::{Evaluator, Thrown};
use frontend::ast::{BinaryOp, Expr, LogicalOp, UnaryOp};
use frontend::tuning::{FUSED_CONDITIONS, LEAF_OPERANDS};
use std::marker::PhantomData;

/// Something a branch tests.
pub(super) trait Condition: 'static {
    fn test(&self, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Result<bool, Thrown>;
}

/// A compiled condition, called.
impl Condition for CondFn {
    #[inline(always)]
    fn test(&self, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Result<bool, Thrown> {
        self(vm, env)
    }
}

/// A comparison of two leaves, tested in place by the closure that
/// branches on it.
pub(super) struct LeafComparison<Op, L, R> {
    left: L,
    right: R,
    line: u32,
    op: PhantomData<Op>,
}

impl<Op: Comparison, L: Operand, R: Operand> LeafComparison<Op, L, R> {
    pub(super) fn new(left: L, right: R, line: u32) -> Self {
        LeafComparison { left, right, line, op: PhantomData }
    }
}

impl<Op: Comparison, L: Operand, R: Operand> Condition for LeafComparison<Op, L, R> {
    #[inline(always)]
    fn test(&self, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Result<bool, Thrown> {
        let line = self.line;
        with_numbers(&self.left, &self.right, vm, env, Op::test, |vm, _, _| Err(vm.not_numbers(line, env)))
    }
}

/// A comparison of two leaves (not both constants), as found in the tree.
pub(super) struct LeafTest {
    pub op: BinaryOp,
    pub left: Leaf,
    pub right: Leaf,
    pub line: u32,
}

/// Expands `$build` with `$c` bound to the condition `$expr`: a
/// [`LeafComparison`] of the right type when the condition is a comparison
/// of leaves (and `fused-conditions` and `leaf-operands` are on), else its
/// [`CondFn`].
macro_rules! with_condition {
    ($compiler:expr, $expr:expr, |$c:ident| $build:expr) => {{
        use frontend::ast::BinaryOp;
        use $crate::compile::binary::{Greater, GreaterEqual, Less, LessEqual};
        use $crate::compile::condition::{LeafComparison, LeafTest};
        use $crate::compile::operand::Leaf;
        use $crate::compile::operand::{ConstantOperand, LocalOperand};
        macro_rules! leaves {
            ($op:ty, $left:expr, $right:expr, $line:expr) => {
                match ($left, $right) {
                    (Leaf::Local(a), Leaf::Local(b)) => {
                        let $c = LeafComparison::<$op, _, _>::new(LocalOperand(a), LocalOperand(b), $line);
                        $build
                    }
                    (Leaf::Local(a), Leaf::Constant(b)) => {
                        let $c = LeafComparison::<$op, _, _>::new(LocalOperand(a), ConstantOperand(b), $line);
                        $build
                    }
                    (Leaf::Constant(a), Leaf::Local(b)) => {
                        let $c = LeafComparison::<$op, _, _>::new(ConstantOperand(a), LocalOperand(b), $line);
                        $build
                    }
                    (Leaf::Constant(_), Leaf::Constant(_)) => unreachable!("leaf_test never pairs two constants"),
                }
            };
        }
        match $compiler.leaf_test($expr) {
            Some(LeafTest { op: BinaryOp::Less, left, right, line }) => leaves!(Less, left, right, line),
            Some(LeafTest { op: BinaryOp::LessEqual, left, right, line }) => leaves!(LessEqual, left, right, line),
            Some(LeafTest { op: BinaryOp::Greater, left, right, line }) => leaves!(Greater, left, right, line),
            Some(LeafTest { op: BinaryOp::GreaterEqual, left, right, line }) => {
                leaves!(GreaterEqual, left, right, line)
            }
            _ => {
                let $c = $compiler.condition($expr);
                $build
            }
        }
    }};
}

pub(super) use with_condition;

impl Compiler<'_> {
    /// The condition `expr` as a comparison of leaves, when it is one and
    /// both `fused-conditions` and `leaf-operands` are on.
    pub(super) fn leaf_test_node(&mut self, expr: &Expr) -> Option<LeafTest> {
        if !(self.config.fused_conditions && self.config.leaf_operands) {
            return None;
        }
        let Expr::Binary { op, left, right, line } = expr else { return None };
        if !matches!(op, BinaryOp::Less | BinaryOp::LessEqual | BinaryOp::Greater | BinaryOp::GreaterEqual) {
            return None;
        }
        let (left, right) = (leaf(left)?, leaf(right)?);
        if let (Leaf::Constant(_), Leaf::Constant(_)) = (left, right) {
            return None;
        }
        self.fired(&FUSED_CONDITIONS);
        self.fired(&LEAF_OPERANDS);
        Some(LeafTest { op: *op, left, right, line: *line })
    }

    /// An `if` or `while` condition: its truthiness as a Rust `bool`.
    /// Comparisons, `!`, `and` and `or` compile to conditions directly (with
    /// `fused-conditions` on); anything else is evaluated and tested.
    pub(super) fn condition_node(&mut self, expr: &Expr) -> CondFn {
        if self.config.fused_conditions {
            if matches!(expr, Expr::Binary { op, .. } if !is_arithmetic(*op))
                || matches!(expr, Expr::Unary { op: UnaryOp::Not, .. } | Expr::Logical { .. })
            {
                self.fired(&FUSED_CONDITIONS);
            }
            match expr {
                Expr::Binary { op, left, right, line } if !is_arithmetic(*op) => {
                    let (l, r, line) = (self.shape(left), self.shape(right), *line);
                    return match op {
                        BinaryOp::Less => with_shapes!(l, r, |a, b| comparison_condition::<Less, _, _>(a, b, line)),
                        BinaryOp::LessEqual => {
                            with_shapes!(l, r, |a, b| comparison_condition::<LessEqual, _, _>(a, b, line))
                        }
                        BinaryOp::Greater => {
                            with_shapes!(l, r, |a, b| comparison_condition::<Greater, _, _>(a, b, line))
                        }
                        BinaryOp::GreaterEqual => {
                            with_shapes!(l, r, |a, b| comparison_condition::<GreaterEqual, _, _>(a, b, line))
                        }
                        BinaryOp::Equal => with_shapes!(l, r, |a, b| equality_condition::<false, _, _>(a, b)),
                        _ => with_shapes!(l, r, |a, b| equality_condition::<true, _, _>(a, b)),
                    };
                }
                Expr::Unary { op: UnaryOp::Not, operand, .. } => {
                    let operand = self.condition(operand);
                    return Box::new(move |vm, env| {
                        let _mark = tick!(vm, Not, "Not as a condition");
                        Ok(!operand(vm, env)?)
                    });
                }
                Expr::Logical { op, left, right } => {
                    let (left, right) = (self.condition(left), self.condition(right));
                    return match op {
                        LogicalOp::And => Box::new(move |vm, env| {
                            let _mark = tick!(vm, And, "And as a condition");
                            Ok(left(vm, env)? && right(vm, env)?)
                        }),
                        LogicalOp::Or => Box::new(move |vm, env| {
                            let _mark = tick!(vm, Or, "Or as a condition");
                            Ok(left(vm, env)? || right(vm, env)?)
                        }),
                    };
                }
                _ => {}
            }
        }
        let expr = self.expr(expr);
        Box::new(move |vm, env| {
            let _mark = tick!(vm, ExpressionStmt, "Truthiness of a value");
            Ok(expr(vm, env)?.into_truthy())
        })
    }
}
