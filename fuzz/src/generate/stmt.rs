//! Statements: declarations, assignments, prints, blocks, branches and
//! counted loops.

use super::types::Ty;
use super::{BodyKind, Generator, MAX_FUN_DEPTH, MAX_MULTIPLIER, MAX_STMT_DEPTH};
use crate::program::{Expr, Stmt};

impl Generator<'_> {
    /// One statement, or a few that belong together (a declaration and its
    /// uses).
    pub(super) fn stmt(&mut self) -> Vec<Stmt> {
        if let Some(countdown) = self.error_countdown {
            if countdown == 0 {
                self.error_countdown = None;
                return self.error_stmt();
            }
            self.error_countdown = Some(countdown - 1);
        }
        self.spend(1);
        let nested = self.stmt_depth < MAX_STMT_DEPTH;
        let fun_depth = self.contexts.len() - 1;
        let functions = fun_depth < MAX_FUN_DEPTH;
        let loops = nested && self.context().multiplier * 2 <= MAX_MULTIPLIER;
        let kind = self.context().kind;
        let returns = kind == BodyKind::Function || kind == BodyKind::Method;
        let choice = self.weighted(&[
            18,
            18,
            10,
            8,
            if nested { 7 } else { 0 },
            if loops { 6 } else { 0 },
            if nested { 3 } else { 0 },
            if functions { 5 } else { 0 },
            if fun_depth < 2 && nested { 3 } else { 0 },
            if functions { 2 } else { 0 },
            if functions { 2 } else { 0 },
            if loops && functions { 2 } else { 0 },
            if returns && self.stmt_depth > 0 { 3 } else { 0 },
        ]);
        match choice {
            0 => vec![self.var_decl()],
            1 => vec![self.print_stmt()],
            2 => vec![self.assignment()],
            3 => vec![self.call_stmt()],
            4 => vec![self.if_stmt()],
            5 => vec![self.loop_stmt()],
            6 => vec![self.block()],
            7 => self.function_decl(),
            8 => self.class_decl(),
            9 => self.recursive_function(),
            10 => self.counter_factory(),
            11 => self.loop_capture(),
            _ => vec![self.return_stmt()],
        }
    }

    /// `count` statements in a new scope, as a block's body.
    pub(super) fn scoped(&mut self, count: usize, prelude: impl FnOnce(&mut Self) -> Vec<Stmt>) -> Vec<Stmt> {
        self.push_scope();
        self.stmt_depth += 1;
        let mut body = prelude(self);
        for _ in 0..count {
            body.extend(self.stmt());
        }
        self.stmt_depth -= 1;
        self.pop_scope();
        body
    }

    pub(super) fn print_stmt(&mut self) -> Stmt {
        let in_class = self.context().this_class.is_some();
        if in_class && self.chance(0.05) {
            return Stmt::Print(Expr::This);
        }
        let ty = self.value_ty();
        Stmt::Print(self.consumed(|generator| generator.expr(ty)))
    }

    /// `var NAME = VALUE;`: a new name, or (in a block) one that shadows an
    /// outer variable, or (at the top level) a global declared again.
    fn var_decl(&mut self) -> Stmt {
        let local = !self.at_top_level();
        let mut ty = self.value_ty();
        let mut name = None;
        if local && self.chance(0.2) {
            // Shadow an outer variable, with a value of any storable type.
            let outer = self.visible(|var| var.assignable);
            if let Some(var) = self.pick(&outer).filter(|var| !self.in_current_scope(&var.name)) {
                ty = self.storable_ty();
                name = Some(var.name);
            }
        } else if !local && self.chance(0.1) {
            let globals = self.visible(|var| var.assignable);
            if let Some(var) = self.pick(&globals) {
                ty = var.ty;
                name = Some(var.name);
            }
        }
        let name = name.unwrap_or_else(|| self.fresh("v"));
        // A local's initializer may not read the local itself.
        if local {
            self.declaring = Some(name.clone());
        }
        let init =
            if ty == Ty::Nil && self.rng.bool() { None } else { Some(self.stored(|generator| generator.expr(ty))) };
        self.declaring = None;
        self.declare(&name, ty, ty.reassignable());
        Stmt::Var { name, init }
    }

    /// `x = VALUE;` or `object.field = VALUE;`, keeping the type.
    fn assignment(&mut self) -> Stmt {
        if self.chance(0.4) {
            let mut fields = Vec::new();
            for object in self.objects() {
                for (name, member) in self.members(&object) {
                    if let super::expr::Member::Field(ty) = member
                        && ty.reassignable()
                    {
                        fields.push((object.clone(), name, ty));
                    }
                }
            }
            if let Some((object, name, ty)) = self.pick(&fields) {
                self.note_this_use(&object, &name);
                let value = self.stored(|generator| generator.expr(ty));
                return Stmt::Expr(Expr::set(object.expr, name, value));
            }
        }
        let vars = self.visible(|var| var.assignable);
        match self.pick(&vars) {
            Some(var) => {
                let value = self.stored(|generator| generator.expr(var.ty));
                Stmt::Expr(Expr::Assign(var.name, Box::new(value)))
            }
            None => self.var_decl(),
        }
    }

    fn call_stmt(&mut self) -> Stmt {
        match self.any_call() {
            Some(call) => Stmt::Expr(call),
            None => self.print_stmt(),
        }
    }

    fn if_stmt(&mut self) -> Stmt {
        // Conditions are mostly booleans, sometimes any value (truthiness).
        let condition = if self.chance(0.75) {
            self.consumed(|generator| generator.expr(Ty::Bool))
        } else {
            let ty = self.value_ty();
            self.consumed(|generator| generator.expr(ty))
        };
        let count = self.rng.usize(1..=3);
        let then_branch = self.scoped(count, |_| Vec::new());
        let else_branch = self.chance(0.4).then(|| {
            let count = self.rng.usize(1..=2);
            self.scoped(count, |_| Vec::new())
        });
        Stmt::If { condition, then_branch, else_branch }
    }

    /// A loop limit: mostly a few iterations, sometimes none.
    pub(super) fn loop_limit(&mut self, least: u32) -> u32 {
        let most = (MAX_MULTIPLIER / self.context().multiplier).min(4) as u32;
        self.rng.u32(least..=most.max(least))
    }

    /// Runs `work` with the loop multiplier raised by `limit` iterations.
    pub(super) fn in_loop<T>(&mut self, limit: u32, work: impl FnOnce(&mut Self) -> T) -> T {
        self.spend(u64::from(limit) * 2);
        let saved = self.context().multiplier;
        self.context_mut().multiplier = saved * u64::from(limit.max(1));
        let result = work(self);
        self.context_mut().multiplier = saved;
        result
    }

    fn loop_stmt(&mut self) -> Stmt {
        let limit = self.loop_limit(0);
        let count = self.rng.usize(1..=3);
        if self.rng.bool() {
            let counter = self.fresh("w");
            self.declare(&counter, Ty::Num, false);
            let body = self.in_loop(limit, |generator| generator.scoped(count, |_| Vec::new()));
            Stmt::While { counter, limit, body }
        } else {
            let counter = self.fresh("i");
            self.push_scope();
            self.declare(&counter, Ty::Num, false);
            let body = self.in_loop(limit, |generator| generator.scoped(count, |_| Vec::new()));
            self.pop_scope();
            Stmt::For { counter, limit, body }
        }
    }

    /// A block, often starting by shadowing an outer variable.
    fn block(&mut self) -> Stmt {
        let count = self.rng.usize(1..=3);
        Stmt::Block(self.scoped(count, |generator| {
            let outer = generator.visible(|var| var.assignable);
            match generator.pick(&outer) {
                Some(var) if generator.chance(0.5) => {
                    let ty = generator.storable_ty();
                    generator.declaring = Some(var.name.clone());
                    let init = generator.stored(|generator| generator.expr(ty));
                    generator.declaring = None;
                    generator.declare(&var.name, ty, true);
                    vec![Stmt::Var { name: var.name, init: Some(init) }]
                }
                _ => Vec::new(),
            }
        }))
    }

    /// `return VALUE;` (in an `if`, or bare where code after it is dead).
    fn return_stmt(&mut self) -> Stmt {
        let ret = self.context().ret;
        let value =
            if ret == Ty::Nil && self.rng.bool() { None } else { Some(self.stored(|generator| generator.expr(ret))) };
        if self.chance(0.7) {
            let condition = self.consumed(|generator| generator.expr(Ty::Bool));
            Stmt::If { condition, then_branch: vec![Stmt::Return(value)], else_branch: None }
        } else {
            Stmt::Return(value)
        }
    }
}
