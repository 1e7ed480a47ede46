//! Deliberate runtime errors: one per program at most (the first stops it),
//! at a random place, so engines must agree on the message, the trace and
//! everything printed before it.

use super::types::Ty;
use super::{BodyKind, Generator};
use crate::program::{BinaryOp, Class, Expr, Function, Stmt, UnaryOp};

impl Generator<'_> {
    /// The statement where the error is due: a stack overflow or a bad
    /// superclass, or an ordinary statement whose expressions (or the next
    /// ones') carry the error.
    pub(super) fn error_stmt(&mut self) -> Vec<Stmt> {
        let overflow = self.config.stack_overflow && self.context().kind != BodyKind::Initializer;
        match self.weighted(&[if overflow { 5 } else { 0 }, 3, 92]) {
            0 => self.stack_overflow(),
            1 => self.bad_superclass(),
            _ => {
                self.pending_error = true;
                self.stmt()
            }
        }
    }

    /// An expression that raises a runtime error when evaluated.
    pub(super) fn error_expr(&mut self) -> Expr {
        match self.weighted(&[20, 15, 15, 15, 10, 10, 15]) {
            0 => self.wrong_operands(),
            1 => self.wrong_addition(),
            2 => self.call_of_non_callable(),
            3 => self.wrong_arity().unwrap_or_else(|| self.wrong_operands()),
            4 => {
                let name = self.fresh("undefined");
                if self.rng.bool() {
                    Expr::var(name)
                } else {
                    let value = self.expr(Ty::Num);
                    Expr::Assign(name, Box::new(value))
                }
            }
            5 => self.missing_property().unwrap_or_else(|| self.wrong_addition()),
            _ => self.property_of_non_instance(),
        }
    }

    /// A value of some type other than `ty`, never a callable's.
    fn other_than(&mut self, ty: Ty) -> Expr {
        let choices: Vec<Ty> = [Ty::Num, Ty::Str, Ty::Bool, Ty::Nil]
            .into_iter()
            .chain(self.makeable_instances())
            .filter(|candidate| *candidate != ty)
            .collect();
        let other = self.pick(&choices).expect("at least three remain");
        self.consumed(|generator| generator.expr(other))
    }

    /// `-`, `*`, `/`, `<`... with a non-number operand.
    fn wrong_operands(&mut self) -> Expr {
        if self.chance(0.2) {
            return Expr::unary(UnaryOp::Negate, self.other_than(Ty::Num));
        }
        let ops = [
            BinaryOp::Subtract,
            BinaryOp::Multiply,
            BinaryOp::Divide,
            BinaryOp::Less,
            BinaryOp::LessEqual,
            BinaryOp::Greater,
            BinaryOp::GreaterEqual,
        ];
        let op = self.pick(&ops).expect("not empty");
        let number = self.expr(Ty::Num);
        let other = self.other_than(Ty::Num);
        if self.rng.bool() { Expr::binary(number, op, other) } else { Expr::binary(other, op, number) }
    }

    /// `+` on anything but two numbers or two strings.
    fn wrong_addition(&mut self) -> Expr {
        let (left, right) = match self.rng.u32(0..4) {
            0 => (self.expr(Ty::Num), self.consumed(|generator| generator.expr(Ty::Str))),
            1 => (self.consumed(|generator| generator.expr(Ty::Str)), self.expr(Ty::Num)),
            2 => (Expr::Nil, self.expr(Ty::Num)),
            _ => {
                let left = self.other_than(Ty::Num);
                (left, self.other_than(Ty::Str))
            }
        };
        // Two strings or two numbers would be fine: make sure they are not.
        let left = match (&left, &right) {
            (Expr::Str(_), Expr::Str(_)) | (Expr::Number(_), Expr::Number(_)) => Expr::Bool(true),
            _ => left,
        };
        Expr::binary(left, BinaryOp::Add, right)
    }

    /// `3()`, `"s"()`, `nil()`, `instance()`.
    fn call_of_non_callable(&mut self) -> Expr {
        let callee = self.other_than(Ty::Fun(usize::MAX));
        let count = self.rng.usize(0..=2);
        let args = (0..count).map(|_| self.expr(Ty::Num)).collect();
        Expr::call(Expr::group(callee), args)
    }

    /// A function, method or class called with one argument too many or too few.
    fn wrong_arity(&mut self) -> Option<Expr> {
        let call = if self.chance(0.3) {
            let classes = self.visible(|var| matches!(var.ty, Ty::Class(_)));
            let var = self.pick(&classes)?;
            let Ty::Class(class) = var.ty else { return None };
            let params = match self.constructor(class)? {
                Some(init) => self.funs[init].params.clone(),
                None => Vec::new(),
            };
            Expr::call(Expr::var(var.name), self.arguments(&params))
        } else {
            self.any_call()?
        };
        let Expr::Call(callee, mut args) = call else { return None };
        if args.is_empty() || self.rng.bool() {
            args.push(self.expr(Ty::Num));
        } else {
            args.pop();
        }
        Some(Expr::Call(callee, args))
    }

    /// `instance.missing`, or `instance.missing()` (the invoke path).
    fn missing_property(&mut self) -> Option<Expr> {
        let objects = self.objects();
        let object = self.pick(&objects)?;
        let name = self.fresh("missing");
        let get = Expr::get(object.expr, name);
        Some(if self.rng.bool() { get } else { Expr::call(get, Vec::new()) })
    }

    /// `3.x`, `"s".x = 1`, `nil.m()`: properties of something that is not an
    /// instance (a class or a function included).
    fn property_of_non_instance(&mut self) -> Expr {
        let classes_and_functions = self.visible(|var| matches!(var.ty, Ty::Class(_) | Ty::Fun(_)));
        let object = match self.pick(&classes_and_functions) {
            Some(var) if self.chance(0.3) => Expr::var(var.name),
            _ => {
                let choices = [Ty::Num, Ty::Str, Ty::Bool, Ty::Nil];
                let ty = self.pick(&choices).expect("not empty");
                self.consumed(|generator| generator.expr(ty))
            }
        };
        let name = self.fresh("x");
        match self.rng.u32(0..3) {
            0 => Expr::get(object, name),
            1 => {
                let value = self.expr(Ty::Num);
                Expr::set(object, name, value)
            }
            _ => Expr::call(Expr::get(object, name), Vec::new()),
        }
    }

    /// Unbounded recursion that runs into the 1024-frame limit: linear, so it
    /// ends at the first overflow. A function or a method, sometimes with
    /// work at every level.
    fn stack_overflow(&mut self) -> Vec<Stmt> {
        let name = self.fresh("deep");
        let param = self.fresh("n");
        let deeper = Expr::binary(Expr::var(&param), BinaryOp::Add, Expr::number("1"));
        let mut body = Vec::new();
        if self.chance(0.3) {
            let count = Expr::binary(Expr::var(&param), BinaryOp::Multiply, Expr::number("2"));
            body.push(Stmt::Var { name: self.fresh("v"), init: Some(count) });
        }
        let value = if self.rng.bool() { Expr::number("1") } else { Expr::var(&param) };
        if self.rng.bool() {
            let recurse = Expr::call(Expr::var(&name), vec![deeper]);
            body.push(Stmt::Return(Some(Expr::binary(recurse, BinaryOp::Add, value))));
            let function = Function { name: name.clone(), params: vec![param], body };
            let call = Expr::call(Expr::var(&name), vec![Expr::number("0")]);
            vec![Stmt::Fun(function), Stmt::Print(call)]
        } else {
            let class = self.fresh("Deep");
            let recurse = Expr::call(Expr::get(Expr::This, &name), vec![deeper]);
            body.push(Stmt::Return(Some(Expr::binary(recurse, BinaryOp::Add, value))));
            let method = Function { name: name.clone(), params: vec![param], body };
            let instance = Expr::call(Expr::var(&class), Vec::new());
            let call = Expr::call(Expr::get(instance, &name), vec![Expr::number("0")]);
            vec![Stmt::Class(Class { name: class, superclass: None, methods: vec![method] }), Stmt::Print(call)]
        }
    }

    /// `class X < NOT_A_CLASS {}`.
    fn bad_superclass(&mut self) -> Vec<Stmt> {
        let name = self.fresh("Bad");
        let not_classes = self.visible(|var| !matches!(var.ty, Ty::Class(_)));
        match self.pick(&not_classes) {
            Some(var) => vec![Stmt::Class(Class { name, superclass: Some(var.name), methods: Vec::new() })],
            None => {
                let holder = self.fresh("v");
                let value = self.number_literal();
                vec![
                    Stmt::Var { name: holder.clone(), init: Some(value) },
                    Stmt::Class(Class { name, superclass: Some(holder), methods: Vec::new() }),
                ]
            }
        }
    }
}
