//! Binary operators and conditions, specialised by operand shape.
//!
//! The general closure for `left - right` calls a closure for each operand,
//! then checks that both are numbers. With `leaf-operands`, when an operand
//! is a local or a number constant (`n - 2`, `i < count`), the operator's
//! closure reads the slot or uses the constant itself, saving a call per
//! operand and, for a local, the copy of the value: it looks at the number
//! where it lies.
//!
//! The operators are written once, generically: an [`Operand`] is how to
//! fetch one side, an [`Arithmetic`] or [`Comparison`] is what to do with two
//! numbers, and [`with_shapes!`] picks one monomorphic closure per pair of
//! shapes. Rust compiles each combination into its own straight-line code.
//!
//! The same operators as conditions (a Rust `bool` instead of a Lox value)
//! are used by [`condition`](super::condition).

use super::operand::{ComputedOperand, ConstantOperand, LocalOperand, Operand, Shape};
use super::{Compiler, CondFn, ExprFn};
use crate::env::Env;
use crate::eval::{Eval, Evaluator, Thrown, closure_site, tick};
#[cfg(feature = "work-count")]
use crate::profile::shape;
use crate::value::Value;
use frontend::ast::{BinaryOp, Expr};
use frontend::number;
use frontend::profiling::NodeKind;
use std::marker::PhantomData;

/// Both operands' numbers, when both are numbers.
#[inline(always)]
fn numbers(a: &Value, b: &Value) -> Option<(f64, f64)> {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => Some((*a, *b)),
        _ => None,
    }
}

/// Applies `on_numbers` when both operands are numbers, else `otherwise`
/// to their values. Operands that can be peeked at are read in place; when
/// that fails (a captured local, not a number), or when an operand must be
/// computed, both are evaluated in order and their values tested.
///
/// Written as straight-line control flow rather than as a function
/// returning "numbers or values", which the optimiser would materialise in
/// memory on the hot path.
#[inline(always)]
pub(super) fn with_numbers<L: Operand, R: Operand, T>(
    left: &L,
    right: &R,
    vm: &mut Evaluator<'_>,
    env: &Env<'_>,
    on_numbers: impl FnOnce(f64, f64) -> T,
    otherwise: impl FnOnce(&mut Evaluator<'_>, Value, Value) -> Result<T, Thrown>,
) -> Result<T, Thrown> {
    if L::PEEKABLE
        && R::PEEKABLE
        && let (Some(a), Some(b)) = (left.peek(vm, env), right.peek(vm, env))
    {
        return Ok(on_numbers(a, b));
    }
    let a = left.value(vm, env)?;
    let b = right.value(vm, env)?;
    if let Some((x, y)) = numbers(&a, &b) {
        a.discard();
        b.discard();
        return Ok(on_numbers(x, y));
    }
    otherwise(vm, a, b)
}

/// An operator on two numbers that yields a value.
pub(super) trait Arithmetic: 'static {
    /// The node kind the profiling build counts this operator's closures as.
    #[cfg_attr(not(feature = "work-count"), expect(dead_code, reason = "read by the profiling build only"))]
    const NODE: NodeKind;

    fn apply(a: f64, b: f64) -> Value;

    /// The operator on two numbers, when it yields a number (all but `+`
    /// can only; `+` on two numbers does too).
    fn compute(a: f64, b: f64) -> f64;

    /// What the operator does when the operands are not both numbers.
    #[inline(always)]
    fn otherwise(vm: &Evaluator<'_>, left: Value, right: Value, line: u32, env: &Env<'_>) -> Eval {
        let _ = (left, right);
        Err(vm.not_numbers(line, env))
    }
}

/// A comparison of two numbers.
pub(super) trait Comparison: 'static {
    /// The node kind the profiling build counts this operator's closures as.
    #[cfg_attr(not(feature = "work-count"), expect(dead_code, reason = "read by the profiling build only"))]
    const NODE: NodeKind;

    fn test(a: f64, b: f64) -> bool;
}

pub(super) struct Add;
pub(super) struct Subtract;
pub(super) struct Multiply;
pub(super) struct Divide;
pub(super) struct Less;
pub(super) struct LessEqual;
pub(super) struct Greater;
pub(super) struct GreaterEqual;

impl Arithmetic for Add {
    const NODE: NodeKind = NodeKind::Add;

    #[inline(always)]
    fn apply(a: f64, b: f64) -> Value {
        Value::Number(number::add(a, b))
    }

    #[inline(always)]
    fn compute(a: f64, b: f64) -> f64 {
        number::add(a, b)
    }

    #[inline(always)]
    fn otherwise(vm: &Evaluator<'_>, left: Value, right: Value, line: u32, env: &Env<'_>) -> Eval {
        vm.add_slow(left, right, line, env)
    }
}

impl Arithmetic for Subtract {
    const NODE: NodeKind = NodeKind::Subtract;

    #[inline(always)]
    fn apply(a: f64, b: f64) -> Value {
        Value::Number(a - b)
    }

    #[inline(always)]
    fn compute(a: f64, b: f64) -> f64 {
        a - b
    }
}

impl Arithmetic for Multiply {
    const NODE: NodeKind = NodeKind::Multiply;

    #[inline(always)]
    fn apply(a: f64, b: f64) -> Value {
        Value::Number(number::multiply(a, b))
    }

    #[inline(always)]
    fn compute(a: f64, b: f64) -> f64 {
        number::multiply(a, b)
    }
}

impl Arithmetic for Divide {
    const NODE: NodeKind = NodeKind::Divide;

    #[inline(always)]
    fn apply(a: f64, b: f64) -> Value {
        Value::Number(a / b)
    }

    #[inline(always)]
    fn compute(a: f64, b: f64) -> f64 {
        a / b
    }
}

// `a <= b` is `!(a > b)`, as clox compiles it, so that with a NaN operand
// `<=` and `>=` are true; the negated comparisons are deliberate.
#[allow(clippy::neg_cmp_op_on_partial_ord)]
mod comparisons {
    use super::*;

    impl Comparison for Less {
        const NODE: NodeKind = NodeKind::Less;

        #[inline(always)]
        fn test(a: f64, b: f64) -> bool {
            a < b
        }
    }

    impl Comparison for LessEqual {
        const NODE: NodeKind = NodeKind::LessEqual;

        #[inline(always)]
        fn test(a: f64, b: f64) -> bool {
            !(a > b)
        }
    }

    impl Comparison for Greater {
        const NODE: NodeKind = NodeKind::Greater;

        #[inline(always)]
        fn test(a: f64, b: f64) -> bool {
            a > b
        }
    }

    impl Comparison for GreaterEqual {
        const NODE: NodeKind = NodeKind::GreaterEqual;

        #[inline(always)]
        fn test(a: f64, b: f64) -> bool {
            !(a < b)
        }
    }
}

fn arithmetic<Op: Arithmetic, L: Operand, R: Operand>(left: L, right: R, line: u32) -> ExprFn {
    closure_site!(site = Op::NODE, "{} ({}, {})", (Op::NODE).name(), shape::<L>(), shape::<R>());
    Box::new(move |vm, env| {
        let _mark = tick!(vm, site);
        with_numbers(&left, &right, vm, env, Op::apply, |vm, a, b| Op::otherwise(vm, a, b, line, env))
    })
}

fn comparison<Op: Comparison, L: Operand, R: Operand>(left: L, right: R, line: u32) -> ExprFn {
    closure_site!(site = Op::NODE, "{} ({}, {})", (Op::NODE).name(), shape::<L>(), shape::<R>());
    Box::new(move |vm, env| {
        let _mark = tick!(vm, site);
        let test = |a, b| Value::Bool(Op::test(a, b));
        with_numbers(&left, &right, vm, env, test, |vm, _, _| Err(vm.not_numbers(line, env)))
    })
}

pub(super) fn comparison_condition<Op: Comparison, L: Operand, R: Operand>(left: L, right: R, line: u32) -> CondFn {
    closure_site!(site = Op::NODE, "{} as a condition ({}, {})", (Op::NODE).name(), shape::<L>(), shape::<R>());
    Box::new(move |vm, env| {
        let _mark = tick!(vm, site);
        with_numbers(&left, &right, vm, env, Op::test, |vm, _, _| Err(vm.not_numbers(line, env)))
    })
}

/// The node kind of `==`, or of `!=` when `negated`.
#[cfg(feature = "work-count")]
fn equality_node(negated: bool) -> NodeKind {
    if negated { NodeKind::NotEqual } else { NodeKind::Equal }
}

/// `==` (or `!=` when `NEGATED`): never an error, any types.
fn equality<const NEGATED: bool, L: Operand, R: Operand>(left: L, right: R) -> ExprFn {
    closure_site!(
        site = equality_node(NEGATED),
        "{} ({}, {})",
        (equality_node(NEGATED)).name(),
        shape::<L>(),
        shape::<R>()
    );
    Box::new(move |vm, env| {
        let _mark = tick!(vm, site);
        let a = left.value(vm, env)?;
        let b = right.value(vm, env)?;
        Ok(Value::Bool(a.equals(&b) != NEGATED))
    })
}

pub(super) fn equality_condition<const NEGATED: bool, L: Operand, R: Operand>(left: L, right: R) -> CondFn {
    closure_site!(
        site = equality_node(NEGATED),
        "{} as a condition ({}, {})",
        (equality_node(NEGATED)).name(),
        shape::<L>(),
        shape::<R>()
    );
    Box::new(move |vm, env| {
        let _mark = tick!(vm, site);
        let a = left.value(vm, env)?;
        let b = right.value(vm, env)?;
        Ok(a.equals(&b) != NEGATED)
    })
}

/// Expands `$build` once per pair of operand shapes, binding `$l` and `$r`
/// to the operands, so that each pair gets its own monomorphic closure.
macro_rules! with_shapes {
    ($left:expr, $right:expr, |$l:ident, $r:ident| $build:expr) => {
        match ($left, $right) {
            (Shape::Local(a), Shape::Local(b)) => {
                let ($l, $r) = (LocalOperand(a), LocalOperand(b));
                $build
            }
            (Shape::Local(a), Shape::Constant(b)) => {
                let ($l, $r) = (LocalOperand(a), ConstantOperand(b));
                $build
            }
            (Shape::Local(a), Shape::Computed(b)) => {
                let ($l, $r) = (LocalOperand(a), ComputedOperand(b));
                $build
            }
            (Shape::Constant(a), Shape::Local(b)) => {
                let ($l, $r) = (ConstantOperand(a), LocalOperand(b));
                $build
            }
            (Shape::Constant(a), Shape::Constant(b)) => {
                let ($l, $r) = (ConstantOperand(a), ConstantOperand(b));
                $build
            }
            (Shape::Constant(a), Shape::Computed(b)) => {
                let ($l, $r) = (ConstantOperand(a), ComputedOperand(b));
                $build
            }
            (Shape::Computed(a), Shape::Local(b)) => {
                let ($l, $r) = (ComputedOperand(a), LocalOperand(b));
                $build
            }
            (Shape::Computed(a), Shape::Constant(b)) => {
                let ($l, $r) = (ComputedOperand(a), ConstantOperand(b));
                $build
            }
            (Shape::Computed(a), Shape::Computed(b)) => {
                let ($l, $r) = (ComputedOperand(a), ComputedOperand(b));
                $build
            }
        }
    };
}

pub(super) use with_shapes;

/// Arithmetic on two leaves (`n - 1`, `i + 1`, `x * y`) as an operand: the
/// closure that uses the result computes it in place.
pub(super) struct LeafArithmetic<Op, L, R> {
    left: L,
    right: R,
    line: u32,
    op: PhantomData<Op>,
}

impl<Op: Arithmetic, L: Operand, R: Operand> LeafArithmetic<Op, L, R> {
    pub(super) fn new(left: L, right: R, line: u32) -> Self {
        LeafArithmetic { left, right, line, op: PhantomData }
    }
}

impl<Op: Arithmetic, L: Operand, R: Operand> Operand for LeafArithmetic<Op, L, R> {
    const PEEKABLE: bool = false;

    #[inline(always)]
    fn value(&self, vm: &mut Evaluator<'_>, env: &Env<'_>) -> Eval {
        let line = self.line;
        with_numbers(&self.left, &self.right, vm, env, Op::apply, |vm, a, b| Op::otherwise(vm, a, b, line, env))
    }

    /// The result of arithmetic on numbers goes into the slot straight from
    /// the register it was computed in (see `Evaluator::push_nils`).
    #[inline(always)]
    fn put(&self, vm: &mut Evaluator<'_>, env: &Env<'_>, index: usize) -> Result<(), Thrown> {
        if L::PEEKABLE
            && R::PEEKABLE
            && let (Some(a), Some(b)) = (self.left.peek(vm, env), self.right.peek(vm, env))
        {
            vm.put_number(index, Op::compute(a, b));
            return Ok(());
        }
        let value = self.value(vm, env)?;
        vm.put(index, value);
        Ok(())
    }

    /// Likewise for an assignment to a local.
    #[inline(always)]
    fn assign(&self, vm: &mut Evaluator<'_>, env: &Env<'_>, index: usize) -> Result<(), Thrown> {
        if L::PEEKABLE
            && R::PEEKABLE
            && let (Some(a), Some(b)) = (self.left.peek(vm, env), self.right.peek(vm, env))
        {
            vm.set_local_number(index, Op::compute(a, b));
            return Ok(());
        }
        let value = self.value(vm, env)?;
        vm.set_local(index, value);
        Ok(())
    }
}

/// Expands `$build` with `$o` bound to the operand `$expr` (a
/// [`ComputedOperand`] unless operand shapes are on), typed by its shape: a
/// local, a constant, arithmetic on two leaves, or computed.
macro_rules! with_operand {
    ($compiler:expr, $expr:expr, |$o:ident| $build:expr) => {
        $crate::compile::binary::with_operand_shape!($compiler.operand_shape($expr), |$o| $build)
    };
}

/// Expands `$build` with `$o` bound to an operand of the shape `$shape`.
macro_rules! with_operand_shape {
    ($shape:expr, |$o:ident| $build:expr) => {{
        use frontend::ast::BinaryOp;
        use $crate::compile::binary::{Add, Divide, LeafArithmetic, Multiply, Subtract};
        use $crate::compile::operand::{ComputedOperand, ConstantOperand, Leaf, LocalOperand, OperandShape};
        macro_rules! leaves {
            ($op:ty, $left:expr, $right:expr, $line:expr) => {
                match ($left, $right) {
                    (Leaf::Local(a), Leaf::Local(b)) => {
                        let $o = LeafArithmetic::<$op, _, _>::new(LocalOperand(a), LocalOperand(b), $line);
                        $build
                    }
                    (Leaf::Local(a), Leaf::Constant(b)) => {
                        let $o = LeafArithmetic::<$op, _, _>::new(LocalOperand(a), ConstantOperand(b), $line);
                        $build
                    }
                    (Leaf::Constant(a), Leaf::Local(b)) => {
                        let $o = LeafArithmetic::<$op, _, _>::new(ConstantOperand(a), LocalOperand(b), $line);
                        $build
                    }
                    (Leaf::Constant(_), Leaf::Constant(_)) => unreachable!("two constants are not a leaf operation"),
                }
            };
        }
        match $shape {
            OperandShape::Local(slot) => {
                let $o = LocalOperand(slot);
                $build
            }
            OperandShape::Constant(n) => {
                let $o = ConstantOperand(n);
                $build
            }
            OperandShape::Leaves { op: BinaryOp::Add, left, right, line } => leaves!(Add, left, right, line),
            OperandShape::Leaves { op: BinaryOp::Subtract, left, right, line } => leaves!(Subtract, left, right, line),
            OperandShape::Leaves { op: BinaryOp::Multiply, left, right, line } => leaves!(Multiply, left, right, line),
            OperandShape::Leaves { op: _, left, right, line } => leaves!(Divide, left, right, line),
            OperandShape::Computed(computed) => {
                let $o = ComputedOperand(computed);
                $build
            }
        }
    }};
}

pub(super) use with_operand;
pub(super) use with_operand_shape;

impl Compiler<'_> {
    pub(super) fn binary(&mut self, op: BinaryOp, left: &Expr, right: &Expr, line: u32) -> ExprFn {
        let (l, r) = (self.shape(left), self.shape(right));
        match op {
            BinaryOp::Add => with_shapes!(l, r, |a, b| arithmetic::<Add, _, _>(a, b, line)),
            BinaryOp::Subtract => with_shapes!(l, r, |a, b| arithmetic::<Subtract, _, _>(a, b, line)),
            BinaryOp::Multiply => with_shapes!(l, r, |a, b| arithmetic::<Multiply, _, _>(a, b, line)),
            BinaryOp::Divide => with_shapes!(l, r, |a, b| arithmetic::<Divide, _, _>(a, b, line)),
            BinaryOp::Less => with_shapes!(l, r, |a, b| comparison::<Less, _, _>(a, b, line)),
            BinaryOp::LessEqual => with_shapes!(l, r, |a, b| comparison::<LessEqual, _, _>(a, b, line)),
            BinaryOp::Greater => with_shapes!(l, r, |a, b| comparison::<Greater, _, _>(a, b, line)),
            BinaryOp::GreaterEqual => with_shapes!(l, r, |a, b| comparison::<GreaterEqual, _, _>(a, b, line)),
            BinaryOp::Equal => with_shapes!(l, r, |a, b| equality::<false, _, _>(a, b)),
            BinaryOp::NotEqual => with_shapes!(l, r, |a, b| equality::<true, _, _>(a, b)),
        }
    }
}

pub(super) fn is_arithmetic(op: BinaryOp) -> bool {
    matches!(op, BinaryOp::Add | BinaryOp::Subtract | BinaryOp::Multiply | BinaryOp::Divide)
}
