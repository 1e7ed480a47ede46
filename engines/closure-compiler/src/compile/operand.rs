//! Operands: how a closure fetches a child expression it is specialised
//! for. A local or a number constant is read in place; anything else is
//! computed by its own closure (the `leaf-operands` tuning; off, every
//! operand is computed). Used by the operators ([`binary`](super::binary)),
//! conditions, arguments, declarations, assignments and `return`.

use super::{Compiler, ExprFn};
use crate::env::{Env, Slot};
use crate::eval::{Eval, Evaluator, Thrown};
use crate::value::Value;
use frontend::ast::{BinaryOp, Expr, Literal, VarKind, Variable};
use frontend::tuning::LEAF_OPERANDS;

/// One operand, as the compiler found it.
pub(super) enum Shape {
    Local(u16),
    Constant(f64),
    Computed(ExprFn),
}

/// A leaf of an expression: a local or a number constant.
#[derive(Clone, Copy)]
pub(super) enum Leaf {
    Local(u16),
    Constant(f64),
}

/// An operand, as the compiler found it, with arithmetic on two leaves
/// (not both constants) told apart: see `binary::with_operand!`.
pub(super) enum OperandShape {
    Local(u16),
    Constant(f64),
    Leaves { op: BinaryOp, left: Leaf, right: Leaf, line: u32 },
    Computed(ExprFn),
}

/// How an operator closure fetches one operand. Reading a local or a
/// constant cannot fail, and once inlined the compiler drops the error check.
pub(super) trait Operand: 'static {
    /// Whether [`Operand::peek`] can read the operand without side effects,
    /// so that looking at it twice is the same as looking once.
    const PEEKABLE: bool;

    fn value(&self, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Eval;

    /// Evaluates the operand into stack slot `index`.
    #[inline(always)]
    fn put(&self, vm: &mut Evaluator<'_>, env: &Env<'_>, index: usize) -> Result<(), Thrown> {
        let value = self.value(vm, env)?;
        vm.put(index, value);
        Ok(())
    }

    /// Evaluates the operand and assigns it to the local in stack slot
    /// `index`.
    #[inline(always)]
    fn assign(&self, vm: &mut Evaluator<'_>, env: &Env<'_>, index: usize) -> Result<(), Thrown> {
        let value = self.value(vm, env)?;
        vm.set_local(index, value);
        Ok(())
    }

    /// The operand's number, when it is a number that can be read in place.
    #[inline(always)]
    fn peek(&self, _: &Evaluator<'_>, _: &Env<'_>) -> Option<f64> {
        None
    }
}

/// A local of the running frame, read in place.
pub(super) struct LocalOperand(pub u16);

impl Operand for LocalOperand {
    const PEEKABLE: bool = true;

    #[inline(always)]
    fn value(&self, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Eval {
        Ok(vm.stack[env.slot(self.0)].get())
    }

    #[inline(always)]
    fn peek(&self, vm: &Evaluator<'_>, env: &Env<'_>) -> Option<f64> {
        match &vm.stack[env.slot(self.0)] {
            Slot::Value(Value::Number(n)) => Some(*n),
            _ => None,
        }
    }
}

/// A number literal, captured in the closure.
pub(super) struct ConstantOperand(pub f64);

impl Operand for ConstantOperand {
    const PEEKABLE: bool = true;

    #[inline(always)]
    fn value(&self, _: &mut Evaluator<'_>, _: &Env<'_>) -> Eval {
        Ok(Value::Number(self.0))
    }

    #[inline(always)]
    fn peek(&self, _: &Evaluator<'_>, _: &Env<'_>) -> Option<f64> {
        Some(self.0)
    }
}

/// `nil`, where a function ends without returning a value.
pub(super) struct NilOperand;

impl Operand for NilOperand {
    const PEEKABLE: bool = false;

    #[inline(always)]
    fn value(&self, _: &mut Evaluator<'_>, _: &Env<'_>) -> Eval {
        Ok(Value::Nil)
    }
}

/// Any other expression: its own compiled closure.
pub(super) struct ComputedOperand(pub ExprFn);

impl Operand for ComputedOperand {
    const PEEKABLE: bool = false;

    #[inline(always)]
    fn value(&self, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Eval {
        (self.0)(vm, env)
    }
}

impl Compiler<'_> {
    /// How an operand will be fetched: in place when it is a local or a
    /// number literal (and operand shapes are on), else by its closure.
    pub(super) fn shape_node(&mut self, expr: &Expr) -> Shape {
        if self.config.leaf_operands {
            match expr {
                Expr::Variable(Variable { kind: VarKind::Local { slot, .. }, .. }) => {
                    self.fired(&LEAF_OPERANDS);
                    return Shape::Local(*slot);
                }
                Expr::Literal(Literal::Number(n)) => {
                    self.fired(&LEAF_OPERANDS);
                    return Shape::Constant(*n);
                }
                _ => {}
            }
        }
        Shape::Computed(self.expr(expr))
    }

    /// Like [`Compiler::shape`], and arithmetic on two leaves as well.
    pub(super) fn operand_shape_node(&mut self, expr: &Expr) -> OperandShape {
        if self.config.leaf_operands
            && let Expr::Binary { op, left, right, line } = expr
            && matches!(op, BinaryOp::Add | BinaryOp::Subtract | BinaryOp::Multiply | BinaryOp::Divide)
            && let (Some(left), Some(right)) = (leaf(left), leaf(right))
            && !matches!((left, right), (Leaf::Constant(_), Leaf::Constant(_)))
        {
            self.fired(&LEAF_OPERANDS);
            return OperandShape::Leaves { op: *op, left, right, line: *line };
        }
        match self.shape(expr) {
            Shape::Local(slot) => OperandShape::Local(slot),
            Shape::Constant(n) => OperandShape::Constant(n),
            Shape::Computed(computed) => OperandShape::Computed(computed),
        }
    }
}

/// `expr` as a leaf, when it is one.
pub(super) fn leaf(expr: &Expr) -> Option<Leaf> {
    match expr {
        Expr::Variable(Variable { kind: VarKind::Local { slot, .. }, .. }) => Some(Leaf::Local(*slot)),
        Expr::Literal(Literal::Number(n)) => Some(Leaf::Constant(*n)),
        _ => None,
    }
}
