//! Functions, closures, recursion and classes.

use super::types::{ClassInfo, FunInfo, Ty};
use super::{BodyKind, Context, FUNCTION_BUDGET, Generator};
use crate::program::{BinaryOp, Class, Expr, Function, Stmt};
use std::collections::BTreeSet;

impl Generator<'_> {
    fn new_fun(&mut self, name: &str, params: Vec<Ty>, ret: Ty) -> usize {
        self.funs.push(FunInfo { name: name.to_string(), params, ret, cost: 1, done: false });
        self.funs.len() - 1
    }

    pub(super) fn param_ty(&mut self) -> Ty {
        let instances = self.makeable_instances();
        let callables = self.makeable_callables();
        match self.weighted(&[
            40,
            25,
            15,
            2,
            if instances.is_empty() { 0 } else { 10 },
            if callables.is_empty() { 0 } else { 5 },
        ]) {
            0 => Ty::Num,
            1 => Ty::Str,
            2 => Ty::Bool,
            3 => Ty::Nil,
            4 => self.pick(&instances).unwrap_or(Ty::Num),
            _ => self.pick(&callables).unwrap_or(Ty::Num),
        }
    }

    fn return_ty(&mut self) -> Ty {
        let instances = self.makeable_instances();
        let callables = self.makeable_callables();
        match self.weighted(&[
            35,
            20,
            10,
            20,
            if instances.is_empty() { 0 } else { 10 },
            if callables.is_empty() { 0 } else { 4 },
        ]) {
            0 => Ty::Num,
            1 => Ty::Str,
            2 => Ty::Bool,
            3 => Ty::Nil,
            4 => self.pick(&instances).unwrap_or(Ty::Num),
            _ => self.pick(&callables).unwrap_or(Ty::Num),
        }
    }

    fn params(&mut self, most: usize) -> Vec<(String, Ty)> {
        let count = self.rng.usize(0..=most);
        (0..count).map(|_| (self.fresh("p"), self.param_ty())).collect()
    }

    /// Generates a body for function `fun` in a context of its own: `params`
    /// declared, `work` making the statements. Marks the function complete
    /// with its cost when done.
    fn body(
        &mut self,
        kind: BodyKind,
        fun: usize,
        params: &[(String, Ty)],
        budget: u64,
        setup: impl FnOnce(&mut Context),
        work: impl FnOnce(&mut Self) -> Vec<Stmt>,
    ) -> Vec<Stmt> {
        let outer = self.context().clone();
        let mut context = Context {
            kind,
            ret: self.funs[fun].ret,
            // A closure inside a method sees the method's `this`.
            this_class: outer.this_class,
            this_fields: outer.this_fields.clone(),
            this_methods: outer.this_methods,
            cost: 0,
            budget,
            multiplier: 1,
            scope_base: self.scopes.len(),
        };
        setup(&mut context);
        self.contexts.push(context);
        self.push_scope();
        for (name, ty) in params {
            self.declare(name, *ty, ty.reassignable());
        }
        let saved_depth = std::mem::replace(&mut self.stmt_depth, 0);
        let body = work(self);
        self.stmt_depth = saved_depth;
        self.pop_scope();
        let context = self.contexts.pop().expect("pushed above");
        debug_assert_eq!(context.scope_base, self.scopes.len());
        let info = &mut self.funs[fun];
        info.cost = info.cost.max(context.cost + 1);
        info.done = true;
        body
    }

    /// A few statements, then a `return` of the function's type (none for
    /// functions that return nil, which then fall off their end).
    fn function_statements(&mut self, most: usize) -> Vec<Stmt> {
        let count = self.rng.usize(1..=most);
        let mut body = Vec::new();
        for _ in 0..count {
            body.extend(self.stmt());
        }
        let ret = self.context().ret;
        if ret != Ty::Nil || self.chance(0.2) {
            let value = self.stored(|generator| generator.expr(ret));
            body.push(Stmt::Return(Some(value)));
        }
        body
    }

    /// `fun NAME(PARAMS) { ... }`, sometimes called right away.
    pub(super) fn function_decl(&mut self) -> Vec<Stmt> {
        let name = self.fresh("f");
        let params = self.params(3);
        let ret = self.return_ty();
        let fun = self.new_fun(&name, params.iter().map(|(_, ty)| *ty).collect(), ret);
        // The name is declared first, so the body can see (but not call) it.
        self.declare(&name, Ty::Fun(fun), false);
        let body = self.body(
            BodyKind::Function,
            fun,
            &params,
            FUNCTION_BUDGET,
            |_| {},
            |generator| generator.function_statements(4),
        );
        let mut stmts = vec![Stmt::Fun(Function {
            name: name.clone(),
            params: params.into_iter().map(|(n, _)| n).collect(),
            body,
        })];
        if self.chance(0.5)
            && let Some(call) = self.call_returning(ret)
        {
            stmts.push(Stmt::Print(call));
        }
        stmts
    }

    /// A recursive function bounded by a guard on its first parameter:
    /// `fun r(n) { if (!(n > 0 and n < D)) return BASE; ...; return r(n - 1) + ...; }`,
    /// linear or branching (like fib), over numbers or strings.
    pub(super) fn recursive_function(&mut self) -> Vec<Stmt> {
        let name = self.fresh("r");
        let param = self.fresh("n");
        let ret = if self.chance(0.7) { Ty::Num } else { Ty::Str };
        let depth = self.rng.u32(2..=7);
        let branching = self.chance(0.4);
        let fun = self.new_fun(&name, vec![Ty::Num], ret);
        self.declare(&name, Ty::Fun(fun), false);
        let params = vec![(param.clone(), Ty::Num)];
        let body = self.body(
            BodyKind::Function,
            fun,
            &params,
            60,
            |_| {},
            |generator| {
                // The depth parameter is never assigned: the guard bounds the
                // depth only while every level sees one less.
                generator.declare(&param, Ty::Num, false);
                let base = generator.stored(|generator| generator.leaf(ret));
                let mut body = vec![Stmt::Guard { param: param.clone(), limit: depth, value: base }];
                for _ in 0..generator.rng.usize(0..=2) {
                    body.extend(generator.stmt());
                }
                let recurse = |step: &str| {
                    let argument = Expr::binary(Expr::var(&param), BinaryOp::Subtract, Expr::number(step));
                    Expr::call(Expr::var(&name), vec![Expr::Pinned(Box::new(argument))])
                };
                let value = match (ret, branching) {
                    (Ty::Num, true) => Expr::binary(recurse("1"), BinaryOp::Add, recurse("2")),
                    (_, true) => Expr::binary(recurse("1"), BinaryOp::Add, recurse("1")),
                    (Ty::Num, false) => {
                        let other = generator.stored(|generator| generator.expr(Ty::Num));
                        let op = generator.pick(&BinaryOp::ARITHMETIC).expect("not empty");
                        Expr::binary(recurse("1"), op, other)
                    }
                    _ => {
                        let other = generator.string_literal();
                        Expr::binary(other, BinaryOp::Add, recurse("1"))
                    }
                };
                body.push(Stmt::Return(Some(value)));
                body
            },
        );
        // Every level runs the body once per call; a branching function makes
        // at most 2^depth calls.
        let calls = if branching { 1u64 << depth } else { u64::from(depth) };
        self.funs[fun].cost = self.funs[fun].cost.saturating_mul(calls) + calls;
        let mut stmts = vec![Stmt::Fun(Function { name, params: vec![param], body })];
        if let Some(call) = self.call_returning(ret) {
            stmts.push(Stmt::Print(call));
        }
        stmts
    }

    /// A function that returns a closure over its own local, called twice
    /// and made twice: each closure keeps its own counter.
    /// `fun mk(start) { var count = start; fun step(d) { count = count + d; return count; } return step; }`
    pub(super) fn counter_factory(&mut self) -> Vec<Stmt> {
        let maker = self.fresh("mk");
        let start = self.fresh("start");
        let count = self.fresh("count");
        let step = self.fresh("step");
        let delta = self.fresh("d");
        let counts_numbers = self.chance(0.7);
        let ty = if counts_numbers { Ty::Num } else { Ty::Str };
        let step_params = if counts_numbers { vec![(delta.clone(), Ty::Num)] } else { Vec::new() };
        let step_fun = self.new_fun(&step, step_params.iter().map(|(_, ty)| *ty).collect(), ty);
        let maker_fun = self.new_fun(&maker, vec![ty], Ty::Fun(step_fun));
        self.declare(&maker, Ty::Fun(maker_fun), false);
        let maker_params = vec![(start.clone(), ty)];
        let maker_body = self.body(
            BodyKind::Function,
            maker_fun,
            &maker_params,
            FUNCTION_BUDGET,
            |_| {},
            |g| {
                let mut body = vec![Stmt::Var { name: count.clone(), init: Some(Expr::var(&start)) }];
                // Not assignable for the rest of the generator, so that no
                // statement in `step` shadows it before `return count;`.
                g.declare(&count, ty, false);
                g.declare(&step, Ty::Fun(step_fun), false);
                let step_body = g.body(
                    BodyKind::Function,
                    step_fun,
                    &step_params,
                    FUNCTION_BUDGET / 4,
                    |_| {},
                    |g| {
                        let increment = if counts_numbers { Expr::var(&delta) } else { g.string_literal() };
                        let update = Expr::binary(Expr::var(&count), BinaryOp::Add, increment);
                        let mut body = vec![Stmt::Expr(Expr::Assign(count.clone(), Box::new(update)))];
                        if g.chance(0.5) {
                            body.extend(g.stmt());
                        }
                        body.push(Stmt::Return(Some(Expr::var(&count))));
                        body
                    },
                );
                body.push(Stmt::Fun(Function {
                    name: step.clone(),
                    params: step_params.iter().map(|(n, _)| n.clone()).collect(),
                    body: step_body,
                }));
                if g.chance(0.5) {
                    body.extend(g.stmt());
                }
                body.push(Stmt::Return(Some(Expr::var(&step))));
                body
            },
        );
        let step_cost = self.funs[step_fun].cost;
        self.funs[maker_fun].cost += 2;
        let mut stmts = vec![Stmt::Fun(Function { name: maker.clone(), params: vec![start], body: maker_body })];
        let first = self.fresh("c");
        let second = self.fresh("c");
        let make = |generator: &mut Self| {
            let start = generator.stored(|generator| generator.leaf(ty));
            Expr::call(Expr::var(&maker), vec![start])
        };
        let call = |generator: &mut Self, counter: &str| {
            let args = if counts_numbers { vec![generator.number_literal()] } else { Vec::new() };
            Stmt::Print(Expr::call(Expr::var(counter), args))
        };
        self.spend(4 * step_cost + 4);
        stmts.push(Stmt::Var { name: first.clone(), init: Some(make(self)) });
        stmts.push(call(self, &first));
        stmts.push(call(self, &first));
        stmts.push(Stmt::Var { name: second.clone(), init: Some(make(self)) });
        stmts.push(call(self, &second));
        stmts.push(call(self, &first));
        self.declare(&first, Ty::Fun(step_fun), false);
        self.declare(&second, Ty::Fun(step_fun), false);
        stmts
    }

    /// Closures made in a loop body that capture the loop's variable (one
    /// variable for the whole loop) and a per-iteration local; one of them is
    /// kept past the loop and called.
    pub(super) fn loop_capture(&mut self) -> Vec<Stmt> {
        let keep = self.fresh("keep");
        let prefix = if self.rng.bool() { "i" } else { "w" };
        let counter = self.fresh(prefix);
        let local = self.fresh("j");
        let closure = self.fresh("g");
        let limit = self.loop_limit(1);
        let kept_iteration = self.rng.u32(0..limit);
        let is_for = counter.starts_with('i');
        let fun = self.new_fun(&closure, Vec::new(), Ty::Num);
        let mut stmts = vec![Stmt::Var { name: keep.clone(), init: None }];
        if is_for {
            self.push_scope();
        }
        self.declare(&counter, Ty::Num, false);
        let body = self.in_loop(limit, |g| {
            g.scoped(0, |g| {
                let start = g.stored(|g| g.expr(Ty::Num));
                let mut body = vec![Stmt::Var { name: local.clone(), init: Some(start) }];
                // Only the closure below assigns it (so nothing shadows it).
                g.declare(&local, Ty::Num, false);
                g.declare(&closure, Ty::Fun(fun), false);
                let closure_body = g.body(
                    BodyKind::Function,
                    fun,
                    &[],
                    FUNCTION_BUDGET / 4,
                    |_| {},
                    |g| {
                        let mut body = Vec::new();
                        if g.chance(0.5) {
                            let bump = Expr::binary(Expr::var(&local), BinaryOp::Add, Expr::number("1"));
                            body.push(Stmt::Expr(Expr::Assign(local.clone(), Box::new(bump))));
                        }
                        if g.chance(0.4) {
                            body.extend(g.stmt());
                        }
                        let scaled = Expr::binary(Expr::var(&counter), BinaryOp::Multiply, Expr::number("10"));
                        body.push(Stmt::Return(Some(Expr::binary(scaled, BinaryOp::Add, Expr::var(&local)))));
                        body
                    },
                );
                body.push(Stmt::Fun(Function { name: closure.clone(), params: Vec::new(), body: closure_body }));
                if g.chance(0.5) {
                    body.extend(g.stmt());
                }
                // A `while` loop's counter is incremented as its body starts.
                let kept_value = if is_for { kept_iteration } else { kept_iteration + 1 };
                let is_kept = Expr::binary(Expr::var(&counter), BinaryOp::Equal, Expr::number(kept_value.to_string()));
                let store = Stmt::Expr(Expr::Assign(keep.clone(), Box::new(Expr::var(&closure))));
                body.push(Stmt::If { condition: is_kept, then_branch: vec![store], else_branch: None });
                body
            })
        });
        if is_for {
            self.pop_scope();
            stmts.push(Stmt::For { counter, limit, body });
        } else {
            stmts.push(Stmt::While { counter, limit, body });
        }
        let cost = self.funs[fun].cost;
        self.spend(2 * cost);
        stmts.push(Stmt::Print(Expr::call(Expr::var(&keep), Vec::new())));
        stmts.push(Stmt::Print(Expr::call(Expr::var(&keep), Vec::new())));
        self.declare(&keep, Ty::Fun(fun), false);
        stmts
    }

    /// Whether `class` may define (override, or shadow with a field) `name`:
    /// not when a superclass method uses it through `this`.
    fn may_redefine(&self, class: usize, name: &str) -> bool {
        let mut current = self.classes[class].superclass;
        while let Some(index) = current {
            if self.classes[index].this_used.contains(name) {
                return false;
            }
            current = self.classes[index].superclass;
        }
        true
    }

    /// Methods a class inherits, by name (nearest first, no duplicates).
    fn inherited_methods(&self, class: usize) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let mut current = self.classes[class].superclass;
        while let Some(index) = current {
            for (name, _) in &self.classes[index].methods {
                if name != "init" && !names.contains(name) {
                    names.push(name.clone());
                }
            }
            current = self.classes[index].superclass;
        }
        names
    }

    /// `class NAME < SUPER { init(...) {...} m(...) {...} }`, then an
    /// instance or two and some calls.
    pub(super) fn class_decl(&mut self) -> Vec<Stmt> {
        let name = self.fresh("C");
        let classes = &self.classes;
        let candidates = self.visible(|var| matches!(var.ty, Ty::Class(class) if classes[class].done));
        let superclass = if self.chance(0.45) { self.pick(&candidates) } else { None };
        let super_index = superclass.as_ref().map(|var| match var.ty {
            Ty::Class(index) => index,
            _ => unreachable!("filtered to classes"),
        });
        self.classes.push(ClassInfo {
            name: name.clone(),
            superclass: super_index,
            methods: Vec::new(),
            fields: Vec::new(),
            this_used: BTreeSet::new(),
            done: false,
        });
        let class = self.classes.len() - 1;
        self.declare(&name, Ty::Class(class), false);
        let inherited_fields = super_index.map(|index| self.classes[index].fields.clone()).unwrap_or_default();
        let mut methods = Vec::new();
        if self.chance(0.7) {
            methods.push(self.initializer(class, inherited_fields));
        } else {
            self.classes[class].fields = inherited_fields;
        }
        for _ in 0..self.rng.usize(0..=3) {
            methods.push(self.method(class));
        }
        self.classes[class].done = true;
        let mut stmts = vec![Stmt::Class(Class { name, superclass: superclass.map(|var| var.name), methods })];
        // Use it at once, so that most classes run.
        let instance = self.fresh("o");
        if let Some(made) = self.construct(class) {
            stmts.push(Stmt::Var { name: instance.clone(), init: Some(made) });
            self.declare(&instance, Ty::Inst(class), true);
            for _ in 0..self.rng.usize(0..=2) {
                stmts.push(self.call_stmt_or_print());
            }
        }
        stmts
    }

    fn call_stmt_or_print(&mut self) -> Stmt {
        match self.any_call() {
            Some(call) if self.rng.bool() => Stmt::Print(call),
            Some(call) => Stmt::Expr(call),
            None => self.print_stmt(),
        }
    }

    /// `init(PARAMS) { super.init(...); this.x = ...; ... }`: sets the fields
    /// every instance of the class has.
    fn initializer(&mut self, class: usize, inherited_fields: Vec<(String, Ty)>) -> Function {
        let super_init = self.classes[class].superclass.and_then(|index| self.constructor(index)).flatten();
        let params = self.params(2);
        let fun = self.new_fun("init", params.iter().map(|(_, ty)| *ty).collect(), Ty::Inst(class));
        self.classes[class].methods.push(("init".to_string(), fun));
        let inherited_methods = self.inherited_methods(class);
        let body = self.body(
            BodyKind::Initializer,
            fun,
            &params,
            FUNCTION_BUDGET,
            |context| {
                context.this_class = Some(class);
                context.this_fields = Vec::new();
                context.this_methods = super_init.is_none();
            },
            |g| {
                let mut body = Vec::new();
                if let Some(super_init) = super_init {
                    let info = g.funs[super_init].clone();
                    g.spend(info.cost);
                    let args = g.arguments(&info.params);
                    body.push(Stmt::Expr(Expr::call(Expr::Super("init".to_string()), args)));
                    let context = g.context_mut();
                    context.this_fields = inherited_fields.clone();
                    context.this_methods = true;
                }
                for _ in 0..g.rng.usize(1..=3) {
                    body.push(g.field_init(class, &inherited_fields, &inherited_methods));
                    if g.chance(0.4) {
                        body.extend(g.stmt());
                    }
                }
                if g.chance(0.1) {
                    body.push(Stmt::Return(None));
                }
                // Every instance has what the body set at its top level.
                g.classes[class].fields = g.context().this_fields.clone();
                body
            },
        );
        Function { name: "init".to_string(), params: params.into_iter().map(|(n, _)| n).collect(), body }
    }

    /// `this.NAME = VALUE;` in an initializer: a new field, an inherited one
    /// set again with the same type, or a field holding a function that
    /// shadows an inherited method.
    fn field_init(&mut self, class: usize, inherited: &[(String, Ty)], inherited_methods: &[String]) -> Stmt {
        let callables = self.makeable_callables();
        let shadowable: Vec<String> = inherited_methods
            .iter()
            .filter(|name| {
                self.may_redefine(class, name) && !self.context().this_fields.iter().any(|(f, _)| f == *name)
            })
            .cloned()
            .collect();
        let (name, ty) = match self.rng.u32(0..10) {
            0 if !inherited.is_empty() => self.pick(inherited).expect("not empty"),
            1 if !shadowable.is_empty() && !callables.is_empty() => {
                (self.pick(&shadowable).expect("not empty"), self.pick(&callables).expect("not empty"))
            }
            _ => {
                let ty = if self.chance(0.1) && !callables.is_empty() {
                    self.pick(&callables).expect("not empty")
                } else {
                    self.storable_ty()
                };
                (self.fresh("x"), ty)
            }
        };
        let value = self.stored(|generator| generator.expr(ty));
        let context = self.context_mut();
        context.this_fields.retain(|(field, _)| *field != name);
        context.this_fields.push((name.clone(), ty));
        Stmt::Expr(Expr::set(Expr::This, name, value))
    }

    /// `NAME(PARAMS) { ... }`: a new method or an override of an inherited one.
    fn method(&mut self, class: usize) -> Function {
        let overridable: Vec<String> = self
            .inherited_methods(class)
            .into_iter()
            .filter(|name| {
                self.may_redefine(class, name)
                    && !self.classes[class].methods.iter().any(|(own, _)| own == name)
                    && !self.classes[class].fields.iter().any(|(field, _)| field == name)
            })
            .collect();
        let name = match self.pick(&overridable) {
            Some(name) if self.chance(0.3) => name,
            _ => self.fresh("m"),
        };
        let params = self.params(2);
        let ret = self.return_ty();
        let fun = self.new_fun(&name, params.iter().map(|(_, ty)| *ty).collect(), ret);
        // Registered before its body, so that the body's `this.NAME` finds
        // this (unfinished, so uncallable) method rather than the inherited one.
        self.classes[class].methods.push((name.clone(), fun));
        let fields = self.classes[class].fields.clone();
        let body = self.body(
            BodyKind::Method,
            fun,
            &params,
            FUNCTION_BUDGET,
            |context| {
                context.this_class = Some(class);
                context.this_fields = fields;
                context.this_methods = true;
            },
            |generator| generator.function_statements(3),
        );
        Function { name, params: params.into_iter().map(|(n, _)| n).collect(), body }
    }
}
