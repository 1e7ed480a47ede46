//! Statements, compiled.

use super::binary::with_operand;
use super::condition::{Condition, with_condition};
use super::operand::{ComputedOperand, Operand, Shape};
use super::{ClassPlan, Compiler, Define, ExprFn, StmtFn, SuperclassPlan, define_local};
use crate::env::Slot;
use crate::eval::Unwind;
use crate::value::Value;
use frontend::ast::{ClassDecl, Expr, Function, FunctionKind, Stmt, Target, VarKind, Variable};

impl Compiler<'_> {
    /// A function's body, as the closure that yields what a call returns.
    ///
    /// A `return` anywhere leaves its value in `returned` and unwinds to
    /// here. With `tail_returns`, a final `return value;` (where most
    /// functions return) is instead evaluated as the body's own result: one
    /// closure less, and no detour through `returned`.
    ///
    /// An initializer's body yields `this` (slot 0) whatever it returns.
    pub(super) fn body(&mut self, body: &[Stmt], kind: FunctionKind) -> ExprFn {
        if kind == FunctionKind::Initializer {
            let block = self.block(body);
            return Box::new(move |vm, env| {
                vm.tick();
                match block(vm, env) {
                    Ok(()) => {}
                    Err(Unwind::Return) => std::mem::replace(&mut vm.returned, Value::Nil).discard(),
                    Err(Unwind::Error(error)) => return Err(error),
                }
                Ok(vm.stack[env.slot(0)].get())
            });
        }
        if self.specialisations.tail_returns
            && let Some((Stmt::Return { value: Some(value), .. }, leading)) = body.split_last()
        {
            if leading.is_empty() {
                return self.expr(value);
            }
            // `if (condition) return a; return b;`: a conditional expression.
            if let [Stmt::If { condition, then_branch, else_branch: None }] = leading
                && self.specialisations.guard_returns
                && let Some(then_value) = returned_value(then_branch)
            {
                let else_value = self.expr(value);
                return match self.shape(then_value) {
                    Shape::Local(slot) => {
                        with_condition!(self, condition, |c| conditional(c, LocalOperand(slot), else_value))
                    }
                    Shape::Constant(n) => {
                        with_condition!(self, condition, |c| conditional(c, ConstantOperand(n), else_value))
                    }
                    Shape::Computed(then_value) => {
                        with_condition!(self, condition, |c| conditional(c, ComputedOperand(then_value), else_value))
                    }
                };
            }
            let leading = self.block(leading);
            return with_operand!(self, value, |value| body_then_return(leading, value));
        }
        let block = self.block(body);
        Box::new(move |vm, env| {
            vm.tick();
            match block(vm, env) {
                Ok(()) => Ok(Value::Nil),
                Err(Unwind::Return) => Ok(std::mem::replace(&mut vm.returned, Value::Nil)),
                Err(Unwind::Error(error)) => Err(error),
            }
        })
    }

    /// A statement list as one closure. A block costs nothing at run time
    /// beyond running its statements: its locals are higher slots of the
    /// same frame.
    pub(super) fn block(&mut self, body: &[Stmt]) -> StmtFn {
        let mut stmts: Vec<StmtFn> = body.iter().map(|stmt| self.stmt(stmt)).collect();
        match stmts.len() {
            0 => Box::new(|vm, _| {
                vm.tick();
                Ok(())
            }),
            1 => stmts.pop().expect("one statement"),
            2 => {
                let (second, first) = (stmts.pop().expect("two"), stmts.pop().expect("two"));
                Box::new(move |vm, env| {
                    vm.tick();
                    first(vm, env)?;
                    second(vm, env)
                })
            }
            _ => {
                // The last statement is a tail call: its result is the block's.
                let last = stmts.pop().expect("three or more");
                let stmts = stmts.into_boxed_slice();
                Box::new(move |vm, env| {
                    vm.tick();
                    for stmt in &stmts {
                        stmt(vm, env)?;
                    }
                    last(vm, env)
                })
            }
        }
    }

    fn stmt(&mut self, stmt: &Stmt) -> StmtFn {
        match stmt {
            Stmt::Expression(Expr::Assign { variable, value }) if self.specialisations.assignment_statements => {
                self.assignment_statement(variable, value)
            }
            Stmt::Expression(Expr::Set { object, name, value, line }) if self.specialisations.assignment_statements => {
                let (object, value) = (self.expr(object), self.expr(value));
                let (name, line) = (name.clone(), *line);
                Box::new(move |vm, env| {
                    vm.tick();
                    let object = object(vm, env)?;
                    let value = value(vm, env)?;
                    vm.store_property(object, &name, value, line, env)?;
                    Ok(())
                })
            }
            Stmt::Expression(expr) => {
                let expr = self.expr(expr);
                Box::new(move |vm, env| {
                    vm.tick();
                    expr(vm, env)?.discard();
                    Ok(())
                })
            }
            Stmt::Print(expr) => {
                let expr = self.expr(expr);
                Box::new(move |vm, env| {
                    vm.tick();
                    let value = expr(vm, env)?;
                    vm.print(&value)?;
                    Ok(())
                })
            }
            Stmt::Var { target, init, .. } => {
                let init = match init {
                    Some(init) => self.expr(init),
                    None => self.nil(),
                };
                self.var(target, init)
            }
            Stmt::Function { target, function } => self.function_declaration(target, function),
            Stmt::Class(decl) => self.class_declaration(decl),
            Stmt::Block { body, .. } => self.block(body),
            Stmt::If { condition, then_branch, else_branch: None }
                if self.specialisations.guard_returns && returned_value(then_branch).is_some() =>
            {
                let value = returned_value(then_branch).expect("a guard returns a value");
                match self.shape(value) {
                    Shape::Local(slot) => with_condition!(self, condition, |c| guard_return(c, LocalOperand(slot))),
                    Shape::Constant(n) => with_condition!(self, condition, |c| guard_return(c, ConstantOperand(n))),
                    Shape::Computed(value) => {
                        with_condition!(self, condition, |c| guard_return(c, ComputedOperand(value)))
                    }
                }
            }
            Stmt::If { condition, then_branch, else_branch } => {
                let then_branch = self.stmt(then_branch);
                match else_branch {
                    None => with_condition!(self, condition, |condition| if_then(condition, then_branch)),
                    Some(else_branch) => {
                        let else_branch = self.stmt(else_branch);
                        with_condition!(self, condition, |condition| if_then_else(condition, then_branch, else_branch))
                    }
                }
            }
            Stmt::While { condition, body, increment } => {
                let body = self.stmt(body);
                match increment {
                    None => with_condition!(self, condition, |condition| while_loop(condition, body)),
                    Some(increment) => {
                        let increment = self.expr(increment);
                        with_condition!(self, condition, |condition| for_loop(condition, body, increment))
                    }
                }
            }
            Stmt::Return { value, .. } => match value {
                Some(value) => self.return_statement(value),
                None => Box::new(|vm, _| {
                    vm.tick();
                    vm.returned = Value::Nil;
                    Err(Unwind::Return)
                }),
            },
        }
    }

    /// `return value;`: the value is left in `returned` for the call to take.
    fn return_statement(&mut self, value: &Expr) -> StmtFn {
        with_operand!(self, value, |value| return_operand(value))
    }

    /// `variable = value;` as a statement: the value is stored, not returned.
    fn assignment_statement(&mut self, variable: &Variable, value: &Expr) -> StmtFn {
        if let VarKind::Local { slot, .. } = variable.kind {
            return with_operand!(self, value, |value| assign_local(slot, value));
        }
        let value = self.expr(value);
        match variable.kind {
            VarKind::Local { .. } => unreachable!("handled above"),
            VarKind::Upvalue { index, .. } => Box::new(move |vm, env| {
                vm.tick();
                let value = value(vm, env)?;
                env.upvalue(index).set(value);
                Ok(())
            }),
            VarKind::Global => {
                let slot = self.globals.slot_of(&variable.name);
                let (name, line) = (variable.name.clone(), variable.line);
                if self.specialisations.global_slots {
                    Box::new(move |vm, env| {
                        vm.tick();
                        let value = value(vm, env)?;
                        if !vm.state.globals.assign(slot, value) {
                            return Err(vm.undefined(&name, line, env).into());
                        }
                        Ok(())
                    })
                } else {
                    Box::new(move |vm, env| {
                        vm.tick();
                        let value = value(vm, env)?;
                        let slot = vm.state.globals.find(&name);
                        if !vm.state.globals.assign(slot, value) {
                            return Err(vm.undefined(&name, line, env).into());
                        }
                        Ok(())
                    })
                }
            }
        }
    }

    /// `var name = init;`, one closure per place the variable can live.
    fn var(&mut self, target: &Target, init: ExprFn) -> StmtFn {
        match self.define(target) {
            Define::Global(slot) if self.specialisations.global_slots => Box::new(move |vm, env| {
                vm.tick();
                let value = init(vm, env)?;
                vm.state.globals.define(slot, value);
                Ok(())
            }),
            Define::Global(_) => {
                let name = target.name().clone();
                Box::new(move |vm, env| {
                    vm.tick();
                    let value = init(vm, env)?;
                    let slot = vm.state.globals.find(&name);
                    vm.state.globals.define(slot, value);
                    Ok(())
                })
            }
            Define::Local(slot) => Box::new(move |vm, env| {
                vm.tick();
                let value = init(vm, env)?;
                vm.stack[env.slot(slot)] = Slot::Value(value);
                Ok(())
            }),
            Define::Captured(slot) => Box::new(move |vm, env| {
                vm.tick();
                let value = init(vm, env)?;
                vm.define_captured(slot, value, env);
                Ok(())
            }),
        }
    }

    /// `fun name() {}`: the variable is declared before the closure is made,
    /// so that a local function that calls itself captures its own variable.
    fn function_declaration(&mut self, target: &Target, function: &Function) -> StmtFn {
        let function = self.function(function);
        match self.define(target) {
            Define::Captured(slot) => Box::new(move |vm, env| {
                vm.tick();
                vm.define_captured(slot, Value::Nil, env);
                let closure = vm.new_closure(&function, env);
                vm.stack[env.slot(slot)].set(Value::Closure(closure));
                Ok(())
            }),
            target => Box::new(move |vm, env| {
                vm.tick();
                let closure = vm.new_closure(&function, env);
                vm.define(&target, Value::Closure(closure), env);
                Ok(())
            }),
        }
    }

    fn class_declaration(&mut self, decl: &ClassDecl) -> StmtFn {
        let target = self.define(&decl.target);
        let superclass = decl.superclass.as_ref().map(|superclass| SuperclassPlan {
            read: self.variable(&superclass.variable),
            super_local: define_local(&superclass.super_local),
            line: superclass.line,
        });
        let methods = decl.methods.iter().map(|method| self.function(method)).collect();
        let plan = ClassPlan { name: decl.target.name().clone(), target, superclass, methods };
        Box::new(move |vm, env| {
            vm.tick();
            vm.class_declaration(&plan, env)
        })
    }
}

/// The value of `return value;`, or of `{ return value; }`.
fn returned_value(stmt: &Stmt) -> Option<&Expr> {
    match stmt {
        Stmt::Return { value: Some(value), .. } => Some(value),
        Stmt::Block { body, .. } if body.len() == 1 => returned_value(&body[0]),
        _ => None,
    }
}

fn if_then<C: Condition>(condition: C, then_branch: StmtFn) -> StmtFn {
    Box::new(move |vm, env| {
        vm.tick();
        if condition.test(vm, env)? { then_branch(vm, env) } else { Ok(()) }
    })
}

fn if_then_else<C: Condition>(condition: C, then_branch: StmtFn, else_branch: StmtFn) -> StmtFn {
    Box::new(move |vm, env| {
        vm.tick();
        if condition.test(vm, env)? { then_branch(vm, env) } else { else_branch(vm, env) }
    })
}

fn while_loop<C: Condition>(condition: C, body: StmtFn) -> StmtFn {
    Box::new(move |vm, env| {
        vm.tick();
        while condition.test(vm, env)? {
            body(vm, env)?;
        }
        Ok(())
    })
}

/// A desugared `for` loop: a `while` with an increment.
fn for_loop<C: Condition>(condition: C, body: StmtFn, increment: ExprFn) -> StmtFn {
    Box::new(move |vm, env| {
        vm.tick();
        while condition.test(vm, env)? {
            body(vm, env)?;
            increment(vm, env)?.discard();
        }
        Ok(())
    })
}

/// `if (condition) return value;`, a guard clause, as one closure.
fn guard_return<C: Condition, O: Operand>(condition: C, value: O) -> StmtFn {
    Box::new(move |vm, env| {
        vm.tick();
        if !condition.test(vm, env)? {
            return Ok(());
        }
        let value = value.value(vm, env)?;
        std::mem::replace(&mut vm.returned, value).discard();
        Err(Unwind::Return)
    })
}

/// The body of a function that ends in `return value;`.
fn body_then_return<O: Operand>(leading: StmtFn, value: O) -> ExprFn {
    Box::new(move |vm, env| {
        vm.tick();
        match leading(vm, env) {
            Ok(()) => value.value(vm, env),
            Err(Unwind::Return) => Ok(std::mem::replace(&mut vm.returned, Value::Nil)),
            Err(Unwind::Error(error)) => Err(error),
        }
    })
}

/// The body `if (condition) return then_value; return else_value;`.
fn conditional<C: Condition, O: Operand>(condition: C, then_value: O, else_value: ExprFn) -> ExprFn {
    Box::new(move |vm, env| {
        vm.tick();
        if condition.test(vm, env)? { then_value.value(vm, env) } else { else_value(vm, env) }
    })
}

/// `local = value;` as a statement.
fn assign_local<O: Operand>(slot: u16, value: O) -> StmtFn {
    Box::new(move |vm, env| {
        vm.tick();
        value.assign(vm, env, env.slot(slot))?;
        Ok(())
    })
}

fn return_operand<O: Operand>(value: O) -> StmtFn {
    Box::new(move |vm, env| {
        vm.tick();
        let value = value.value(vm, env)?;
        // `returned` holds nil between returns: replacing it frees nothing.
        std::mem::replace(&mut vm.returned, value).discard();
        Err(Unwind::Return)
    })
}
