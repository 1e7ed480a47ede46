//! Expressions of a requested type.

use super::types::{Ty, Var};
use super::{Generator, MAX_EXPR_DEPTH};
use crate::program::{BinaryOp, Expr, LogicalOp, UnaryOp};

/// Number literals: small and large integers, fractions, values past 2^53,
/// and magnitudes where `%g` switches to exponent form.
const NUMBERS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "4",
    "5",
    "7",
    "10",
    "16",
    "100",
    "255",
    "256",
    "1000",
    "65536",
    "999999",
    "1000000",
    "123456",
    "1234567",
    "2147483647",
    "2147483648",
    "4294967296",
    "9007199254740992",
    "9007199254740993",
    "18446744073709551616",
    "100000000000000000000",
    "0.5",
    "0.25",
    "0.1",
    "0.2",
    "0.3",
    "1.5",
    "2.5",
    "3.75",
    "0.001",
    "0.0001",
    "0.00001",
    "0.000001",
    "0.00000000001",
    "123.456",
    "3.14159",
    "999999.5",
];

/// String literals, including ones that look like other values when printed.
const STRINGS: &[&str] = &["", "a", "b", "ab", "hello", "world", " ", "x y", "12", "0", "nil", "true", "A", "lox", "-"];

/// A member an instance has: a field of some type, or a method.
#[derive(Clone, Debug)]
pub(super) enum Member {
    Field(Ty),
    Method(usize),
}

/// Something whose members can be used: an instance variable, or `this`.
#[derive(Clone, Debug)]
pub(super) struct Object {
    pub expr: Expr,
    pub class: usize,
    pub fields: Vec<(String, Ty)>,
    pub is_this: bool,
}

impl Generator<'_> {
    /// An expression that evaluates to a value of type `ty` (unless the
    /// program's deliberate error is due, when it goes in here instead).
    pub(super) fn expr(&mut self, ty: Ty) -> Expr {
        if self.pending_error && self.chance(0.5) {
            self.pending_error = false;
            return self.error_expr();
        }
        self.expr_depth += 1;
        let expr = if self.expr_depth > MAX_EXPR_DEPTH {
            self.leaf(ty)
        } else {
            match ty {
                Ty::Num => self.number(),
                Ty::Str => self.string(),
                Ty::Bool => self.boolean(),
                Ty::Nil => self.nil(),
                Ty::Fun(_) | Ty::Class(_) | Ty::Inst(_) => self.object_value(ty),
            }
        };
        self.expr_depth -= 1;
        if self.config.line_breaks && self.chance(0.015) { Expr::NewLine(Box::new(expr)) } else { expr }
    }

    /// A type that can be made here, chosen with weights that favour numbers.
    pub(super) fn value_ty(&mut self) -> Ty {
        let callables = self.makeable_callables();
        let instances = self.makeable_instances();
        let classes: Vec<Ty> = self.visible(|var| matches!(var.ty, Ty::Class(_))).iter().map(|var| var.ty).collect();
        let choice = self.weighted(&[
            40,
            20,
            15,
            4,
            if instances.is_empty() { 0 } else { 8 },
            if callables.is_empty() { 0 } else { 5 },
            if classes.is_empty() { 0 } else { 2 },
        ]);
        match choice {
            0 => Ty::Num,
            1 => Ty::Str,
            2 => Ty::Bool,
            3 => Ty::Nil,
            4 => self.pick(&instances).unwrap_or(Ty::Num),
            5 => self.pick(&callables).unwrap_or(Ty::Num),
            _ => self.pick(&classes).unwrap_or(Ty::Num),
        }
    }

    /// A type for a value that will be stored and changed later.
    pub(super) fn storable_ty(&mut self) -> Ty {
        let instances = self.makeable_instances();
        match self.weighted(&[45, 25, 15, 3, if instances.is_empty() { 0 } else { 10 }]) {
            0 => Ty::Num,
            1 => Ty::Str,
            2 => Ty::Bool,
            3 => Ty::Nil,
            _ => self.pick(&instances).unwrap_or(Ty::Num),
        }
    }

    /// Function types with a visible value: variables holding them.
    pub(super) fn makeable_callables(&self) -> Vec<Ty> {
        let funs = &self.funs;
        self.visible(|var| matches!(var.ty, Ty::Fun(id) if funs[id].done)).iter().map(|var| var.ty).collect()
    }

    /// Instance types with a visible value or a class to construct them.
    pub(super) fn makeable_instances(&self) -> Vec<Ty> {
        let mut found: Vec<Ty> = Vec::new();
        for var in self.visible(|_| true) {
            let ty = match var.ty {
                Ty::Inst(class) => Ty::Inst(class),
                Ty::Class(class) if self.constructor(class).is_some() => Ty::Inst(class),
                _ => continue,
            };
            if !found.contains(&ty) {
                found.push(ty);
            }
        }
        found
    }

    /// Whether a value of `ty` can be made here.
    pub(super) fn can_make(&self, ty: Ty) -> bool {
        match ty {
            Ty::Num | Ty::Str | Ty::Bool | Ty::Nil => true,
            Ty::Fun(_) => self.makeable_callables().contains(&ty),
            Ty::Inst(_) => self.makeable_instances().contains(&ty),
            Ty::Class(_) => !self.visible(|var| var.ty == ty).is_empty(),
        }
    }

    fn variable_of(&mut self, ty: Ty) -> Option<Expr> {
        let vars = self.visible(|var| var.ty == ty);
        self.pick(&vars).map(|var| Expr::var(var.name))
    }

    /// Takes one of the stored expression's non-literal strings, if any is left.
    fn take_string_source(&mut self) -> bool {
        match &mut self.string_sources {
            None => true,
            Some(0) => false,
            Some(left) => {
                *left -= 1;
                true
            }
        }
    }

    pub(super) fn leaf(&mut self, ty: Ty) -> Expr {
        match ty {
            Ty::Num => {
                if self.chance(0.5)
                    && let Some(var) = self.variable_of(Ty::Num)
                {
                    return var;
                }
                self.number_literal()
            }
            Ty::Str => {
                if self.chance(0.4)
                    && self.string_sources != Some(0)
                    && let Some(var) = self.variable_of(Ty::Str)
                {
                    self.take_string_source();
                    return var;
                }
                self.string_literal()
            }
            Ty::Bool => {
                if self.chance(0.4)
                    && let Some(var) = self.variable_of(Ty::Bool)
                {
                    return var;
                }
                Expr::Bool(self.rng.bool())
            }
            Ty::Nil => Expr::Nil,
            Ty::Fun(_) | Ty::Class(_) | Ty::Inst(_) => self.variable_of(ty).unwrap_or(Expr::Nil),
        }
    }

    pub(super) fn number_literal(&mut self) -> Expr {
        if self.chance(0.005) {
            // Near the top of the double range: a product of two is infinite.
            return Expr::number(format!("1{}", "0".repeat(300)));
        }
        let text = self.pick(NUMBERS).expect("the list is not empty");
        Expr::number(text)
    }

    pub(super) fn string_literal(&mut self) -> Expr {
        if self.config.line_breaks && self.chance(0.01) {
            return Expr::Str("two\nlines".to_string());
        }
        Expr::Str(self.pick(STRINGS).expect("the list is not empty").to_string())
    }

    /// `-0`, NaN (negative on x86-64, as `0/0` gives), infinities.
    fn special_number(&mut self) -> Expr {
        let zero = || Expr::number("0");
        let one = || Expr::number("1");
        match self.rng.u32(0..6) {
            0 => Expr::unary(UnaryOp::Negate, zero()),
            1 => Expr::binary(zero(), BinaryOp::Divide, zero()),
            2 => Expr::unary(UnaryOp::Negate, Expr::group(Expr::binary(zero(), BinaryOp::Divide, zero()))),
            3 => Expr::binary(one(), BinaryOp::Divide, zero()),
            4 => Expr::binary(Expr::unary(UnaryOp::Negate, one()), BinaryOp::Divide, zero()),
            _ => Expr::binary(zero(), BinaryOp::Multiply, Expr::unary(UnaryOp::Negate, one())),
        }
    }

    fn number(&mut self) -> Expr {
        match self.weighted(&[25, 22, 22, 5, 5, 8, 6, 3, 3, 2]) {
            0 => self.number_literal(),
            1 => self.leaf(Ty::Num),
            2 => {
                let op = self.pick(&BinaryOp::ARITHMETIC).expect("not empty");
                let left = self.expr(Ty::Num);
                let right = self.expr(Ty::Num);
                Expr::binary(left, op, right)
            }
            3 => Expr::unary(UnaryOp::Negate, self.expr(Ty::Num)),
            4 => self.special_number(),
            5 => self.call_returning(Ty::Num).unwrap_or_else(|| self.leaf(Ty::Num)),
            6 => self.field_of(Ty::Num).unwrap_or_else(|| self.leaf(Ty::Num)),
            7 => self.assignment_of(Ty::Num).unwrap_or_else(|| self.leaf(Ty::Num)),
            8 => self.logical_of(Ty::Num),
            _ => Expr::group(self.expr(Ty::Num)),
        }
    }

    fn string(&mut self) -> Expr {
        match self.weighted(&[30, 20, 22, 7, 6, 3, 3]) {
            0 => self.string_literal(),
            1 => self.leaf(Ty::Str),
            2 => {
                let left = self.expr(Ty::Str);
                let right = self.expr(Ty::Str);
                Expr::binary(left, BinaryOp::Add, right)
            }
            3 if self.string_sources != Some(0) => match self.call_returning(Ty::Str) {
                Some(call) => {
                    self.take_string_source();
                    call
                }
                None => self.string_literal(),
            },
            4 if self.string_sources != Some(0) => match self.field_of(Ty::Str) {
                Some(field) => {
                    self.take_string_source();
                    field
                }
                None => self.string_literal(),
            },
            // An assignment's value is the variable's: one more string.
            5 if self.string_sources != Some(0) => match self.assignment_of(Ty::Str) {
                Some(assignment) => {
                    self.take_string_source();
                    assignment
                }
                None => self.string_literal(),
            },
            6 => self.logical_of(Ty::Str),
            _ => self.string_literal(),
        }
    }

    fn boolean(&mut self) -> Expr {
        match self.weighted(&[8, 10, 8, 20, 20, 10, 5, 3, 2, 1]) {
            0 => Expr::Bool(self.rng.bool()),
            1 => self.leaf(Ty::Bool),
            2 => {
                let ty = self.value_ty();
                let operand = self.consumed(|generator| generator.expr(ty));
                Expr::unary(UnaryOp::Not, operand)
            }
            3 => {
                let op = self.pick(&BinaryOp::COMPARISON).expect("not empty");
                let left = self.expr(Ty::Num);
                let right = self.expr(Ty::Num);
                Expr::binary(left, op, right)
            }
            4 => self.equality(),
            5 => {
                let op = if self.rng.bool() { LogicalOp::And } else { LogicalOp::Or };
                let left = self.expr(Ty::Bool);
                let right = self.expr(Ty::Bool);
                Expr::logical(left, op, right)
            }
            6 => self.call_returning(Ty::Bool).unwrap_or_else(|| self.leaf(Ty::Bool)),
            7 => self.field_of(Ty::Bool).unwrap_or_else(|| self.leaf(Ty::Bool)),
            8 => self.assignment_of(Ty::Bool).unwrap_or_else(|| self.leaf(Ty::Bool)),
            _ => {
                // The only native: its value is the processor time, never
                // printed, but it is a number that is never negative.
                let clock = Expr::call(Expr::var("clock"), Vec::new());
                Expr::binary(clock, BinaryOp::GreaterEqual, Expr::number("0"))
            }
        }
    }

    /// `a == b` or `a != b`, often across types (never equal), over every
    /// kind of value including functions, classes, instances and natives.
    fn equality(&mut self) -> Expr {
        let op = if self.rng.bool() { BinaryOp::Equal } else { BinaryOp::NotEqual };
        let left_ty = self.value_ty();
        let right_ty = if self.chance(0.6) { left_ty } else { self.value_ty() };
        let (left, right) = self.consumed(|generator| {
            let left = if generator.chance(0.03) { Expr::var("clock") } else { generator.expr(left_ty) };
            (left, generator.expr(right_ty))
        });
        Expr::binary(left, op, right)
    }

    fn nil(&mut self) -> Expr {
        match self.weighted(&[40, 15, 25, 5, 5]) {
            0 => Expr::Nil,
            1 => self.variable_of(Ty::Nil).unwrap_or(Expr::Nil),
            2 => self.call_returning(Ty::Nil).unwrap_or(Expr::Nil),
            3 => {
                // `nil and X` is nil and never evaluates X.
                let ty = self.value_ty();
                let right = self.expr(ty);
                Expr::logical(Expr::Nil, LogicalOp::And, right)
            }
            _ => self.assignment_of(Ty::Nil).unwrap_or(Expr::Nil),
        }
    }

    /// `and`/`or` whose value is of type `ty` (numbers and strings are truthy).
    fn logical_of(&mut self, ty: Ty) -> Expr {
        match self.rng.u32(0..3) {
            // A truthy left operand: `and` yields the right one.
            0 => {
                let left = self.expr(ty);
                let right = self.expr(ty);
                Expr::logical(left, LogicalOp::And, right)
            }
            // A truthy left operand: `or` yields it and skips the right one.
            1 => {
                let left = self.expr(ty);
                let right = self.expr(ty);
                Expr::logical(left, LogicalOp::Or, right)
            }
            // A falsey left operand: `or` yields the right one.
            _ => {
                let left = if self.rng.bool() { Expr::Nil } else { Expr::Bool(false) };
                let right = self.expr(ty);
                Expr::logical(left, LogicalOp::Or, right)
            }
        }
    }

    /// `(x = VALUE)` for an assignable variable of type `ty`.
    fn assignment_of(&mut self, ty: Ty) -> Option<Expr> {
        let vars = self.visible(|var| var.ty == ty && var.assignable);
        let var = self.pick(&vars)?;
        let value = self.stored(|generator| generator.expr(ty));
        Some(Expr::Assign(var.name, Box::new(value)))
    }

    /// A function, class or instance value of type `ty`.
    fn object_value(&mut self, ty: Ty) -> Expr {
        match ty {
            Ty::Inst(class) => {
                let choice = self.weighted(&[40, 30, 10, 10]);
                let made = match choice {
                    0 => self.variable_of(ty),
                    1 => self.construct(class),
                    2 => self.call_returning(ty),
                    _ => self.field_of(ty),
                };
                made.or_else(|| self.variable_of(ty)).or_else(|| self.construct(class)).unwrap_or(Expr::Nil)
            }
            Ty::Fun(_) => {
                let made = if self.chance(0.2) { self.field_of(ty) } else { None };
                made.or_else(|| self.variable_of(ty)).unwrap_or(Expr::Nil)
            }
            _ => self.variable_of(ty).unwrap_or(Expr::Nil),
        }
    }

    /// Every instance whose members can be used here, `this` included.
    pub(super) fn objects(&self) -> Vec<Object> {
        let mut objects: Vec<Object> = self
            .visible(|var| matches!(var.ty, Ty::Inst(_)))
            .into_iter()
            .map(|var: Var| {
                let Ty::Inst(class) = var.ty else { unreachable!("filtered to instances") };
                Object { expr: Expr::var(var.name), class, fields: self.classes[class].fields.clone(), is_this: false }
            })
            .collect();
        let context = self.context();
        if let Some(class) = context.this_class {
            objects.push(Object { expr: Expr::This, class, fields: context.this_fields.clone(), is_this: true });
        }
        objects
    }

    /// The members `object` has here: its fields, then every method up its
    /// class chain that no field or nearer method hides and whose body is
    /// complete (methods through `this` only where that is allowed).
    pub(super) fn members(&self, object: &Object) -> Vec<(String, Member)> {
        let mut members: Vec<(String, Member)> =
            object.fields.iter().map(|(name, ty)| (name.clone(), Member::Field(*ty))).collect();
        if object.is_this && !self.context().this_methods {
            return members;
        }
        let mut class = Some(object.class);
        while let Some(current) = class {
            for (name, fun) in &self.classes[current].methods {
                if name != "init" && !members.iter().any(|(known, _)| known == name) {
                    members.push((name.clone(), Member::Method(*fun)));
                }
            }
            class = self.classes[current].superclass;
        }
        members.retain(|(_, member)| match member {
            Member::Method(fun) => self.funs[*fun].done,
            Member::Field(_) => true,
        });
        members
    }

    /// Notes that a method body used `name` through `this`, so no subclass
    /// may override or shadow it.
    pub(super) fn note_this_use(&mut self, object: &Object, name: &str) {
        if object.is_this {
            self.classes[object.class].this_used.insert(name.to_string());
        }
    }

    /// `OBJECT.FIELD` for a field of type `ty`.
    pub(super) fn field_of(&mut self, ty: Ty) -> Option<Expr> {
        let mut found = Vec::new();
        for object in self.objects() {
            for (name, member) in self.members(&object) {
                if matches!(member, Member::Field(field_ty) if field_ty == ty) {
                    found.push((object.clone(), name));
                }
            }
        }
        let (object, name) = self.pick(&found)?;
        self.note_this_use(&object, &name);
        Some(Expr::get(object.expr, name))
    }

    /// The arguments for parameters of these types, each a stored value.
    pub(super) fn arguments(&mut self, params: &[Ty]) -> Vec<Expr> {
        params.iter().map(|&ty| self.stored(|generator| generator.expr(ty))).collect()
    }

    /// The initializer a class's instances are made with (its own or an
    /// inherited one), as `Some(None)` when there is none, and `None` when
    /// the class cannot be constructed yet (its initializer is being
    /// generated).
    pub(super) fn constructor(&self, class: usize) -> Option<Option<usize>> {
        let mut current = Some(class);
        while let Some(index) = current {
            if let Some((_, fun)) = self.classes[index].methods.iter().find(|(name, _)| name == "init") {
                return self.funs[*fun].done.then_some(Some(*fun));
            }
            current = self.classes[index].superclass;
        }
        Some(None)
    }

    /// `CLASS(ARGS)` when the class is visible and its initializer affordable.
    pub(super) fn construct(&mut self, class: usize) -> Option<Expr> {
        let vars = self.visible(|var| var.ty == Ty::Class(class));
        let var = self.pick(&vars)?;
        let init = self.constructor(class)?;
        let (params, cost) = match init {
            Some(fun) => (self.funs[fun].params.clone(), self.funs[fun].cost),
            None => (Vec::new(), 1),
        };
        if !self.affordable(cost) || !params.iter().all(|&ty| self.can_make(ty)) {
            return None;
        }
        self.spend(cost);
        let args = self.arguments(&params);
        Some(Expr::call(Expr::var(var.name), args))
    }

    /// A call whose result has type `ty`: of a function variable, a method or
    /// a function-valued field, `super.m(...)`, or what a call returned.
    pub(super) fn call_returning(&mut self, ty: Ty) -> Option<Expr> {
        let candidates = self.callees(|ret| ret == ty);
        let (callee, fun) = self.pick(&candidates)?;
        Some(self.finish_call(callee, fun))
    }

    /// A call of anything callable and affordable, its result unused.
    pub(super) fn any_call(&mut self) -> Option<Expr> {
        let candidates = self.callees(|_| true);
        let (callee, fun) = self.pick(&candidates)?;
        Some(self.finish_call(callee, fun))
    }

    fn finish_call(&mut self, callee: Callee, fun: usize) -> Expr {
        let info = self.funs[fun].clone();
        self.spend(info.cost);
        let callee = match callee {
            Callee::Expr(expr) => expr,
            Callee::Member(object, name) => {
                self.note_this_use(&object, &name);
                Expr::get(object.expr, name)
            }
        };
        let args = self.arguments(&info.params);
        Expr::call(callee, args)
    }

    /// Every callee whose return type `want` accepts, whose body is complete,
    /// whose cost fits and whose arguments can be made.
    fn callees(&self, want: impl Fn(Ty) -> bool) -> Vec<(Callee, usize)> {
        let usable = |fun: usize| {
            let info = &self.funs[fun];
            info.done && want(info.ret) && self.affordable(info.cost) && info.params.iter().all(|&ty| self.can_make(ty))
        };
        let mut found = Vec::new();
        for var in self.visible(|var| matches!(var.ty, Ty::Fun(_))) {
            let Ty::Fun(fun) = var.ty else { continue };
            if usable(fun) {
                found.push((Callee::Expr(Expr::var(var.name)), fun));
            }
        }
        for object in self.objects() {
            for (name, member) in self.members(&object) {
                let fun = match member {
                    Member::Field(Ty::Fun(fun)) | Member::Method(fun) => fun,
                    Member::Field(_) => continue,
                };
                if usable(fun) {
                    found.push((Callee::Member(object.clone(), name), fun));
                }
            }
        }
        // `super.m(...)`: statically the superclass's method.
        let context = self.context();
        if let Some(class) = context.this_class
            && context.this_methods
            && let Some(superclass) = self.classes[class].superclass
        {
            let object = Object { expr: Expr::This, class: superclass, fields: Vec::new(), is_this: false };
            for (name, member) in self.members(&object) {
                if let Member::Method(fun) = member
                    && usable(fun)
                {
                    found.push((Callee::Expr(Expr::Super(name)), fun));
                }
            }
        }
        found
    }
}

/// What is called.
#[derive(Clone, Debug)]
enum Callee {
    Expr(Expr),
    Member(Object, String),
}
