//! Statements, compiled. Function bodies and `return` are in
//! [`body`](super::body).

use super::binary::with_operand;
use super::call::Destination;
use super::condition::{Condition, with_condition};
use super::operand::Operand;
use super::{ClassPlan, Compiler, Define, ExprFn, StmtFn, SuperclassPlan, define_local};
use crate::config::ASSIGNMENT_STATEMENTS;
use crate::eval::tick;
use crate::value::Value;
use frontend::ast::{ClassDecl, Expr, Function, Stmt, Target, VarKind, Variable};

impl Compiler<'_> {
    /// A statement list as one closure. A block costs nothing at run time
    /// beyond running its statements: its locals are higher slots of the
    /// same frame.
    pub(super) fn block(&mut self, body: &[Stmt]) -> StmtFn {
        let mut stmts: Vec<StmtFn> = body.iter().map(|stmt| self.stmt(stmt)).collect();
        match stmts.len() {
            0 => Box::new(|vm, _| {
                let _mark = tick!(vm, Block, "Block: empty");
                Ok(())
            }),
            1 => stmts.pop().expect("one statement"),
            2 => {
                let (second, first) = (stmts.pop().expect("two"), stmts.pop().expect("two"));
                Box::new(move |vm, env| {
                    let _mark = tick!(vm, Block, "Block: two statements");
                    first(vm, env)?;
                    second(vm, env)
                })
            }
            _ => {
                // The last statement is a tail call: its result is the block's.
                let last = stmts.pop().expect("three or more");
                let stmts = stmts.into_boxed_slice();
                Box::new(move |vm, env| {
                    let _mark = tick!(vm, Block, "Block");
                    for stmt in &stmts {
                        stmt(vm, env)?;
                    }
                    last(vm, env)
                })
            }
        }
    }

    pub(super) fn stmt_node(&mut self, stmt: &Stmt) -> StmtFn {
        if let Stmt::Expression(expr) = stmt
            && let Some(call) = self.expression_call_statement(expr)
        {
            return call;
        }
        match stmt {
            Stmt::Expression(Expr::Assign { variable, value }) if self.config.assignment_statements => {
                self.fired(&ASSIGNMENT_STATEMENTS);
                self.assignment_statement(variable, value)
            }
            Stmt::Expression(Expr::Set { object, name, value, line }) if self.config.assignment_statements => {
                self.fired(&ASSIGNMENT_STATEMENTS);
                let (object, value) = (self.expr(object), self.expr(value));
                let (name, line) = (name.clone(), *line);
                Box::new(move |vm, env| {
                    let _mark = tick!(vm, Set, "Set as a statement");
                    let object = object(vm, env)?;
                    let value = value(vm, env)?;
                    vm.store_property(object, &name, value, line, env)?;
                    Ok(())
                })
            }
            Stmt::Expression(expr) => {
                let expr = self.expr(expr);
                Box::new(move |vm, env| {
                    let _mark = tick!(vm, ExpressionStmt, "Expression statement");
                    expr(vm, env)?.discard();
                    Ok(())
                })
            }
            Stmt::Print(expr) => {
                let expr = self.expr(expr);
                Box::new(move |vm, env| {
                    let _mark = tick!(vm, Print, "Print");
                    let value = expr(vm, env)?;
                    vm.print(&value)?;
                    Ok(())
                })
            }
            Stmt::Var { target, init, .. } => self.var(target, init.as_ref()),
            Stmt::Function { target, function } => self.function_declaration(target, function),
            Stmt::Class(decl) => self.class_declaration(decl),
            Stmt::Block { body, .. } => self.block(body),
            Stmt::If { condition, then_branch, else_branch } => {
                if let Some(guard) = self.guard(condition, then_branch, else_branch.as_deref()) {
                    return guard;
                }
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
            Stmt::Return { value, .. } => self.return_statement(value.as_ref()),
        }
    }

    /// A call statement, `f(x);` or `local = f(x);`, as one closure (see
    /// `call-statements`), when it is one.
    fn expression_call_statement(&mut self, expr: &Expr) -> Option<StmtFn> {
        match expr {
            Expr::Call { .. } | Expr::Invoke { .. } => self.call_statement(expr, Destination::Drop),
            Expr::Assign { variable: Variable { kind: VarKind::Local { slot, .. }, .. }, value } => {
                self.call_statement(value, Destination::Assign(*slot))
            }
            _ => None,
        }
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
                let _mark = tick!(vm, Assign, "Assign as a statement: upvalue");
                let value = value(vm, env)?;
                env.upvalue(index).set(value);
                Ok(())
            }),
            VarKind::Global => {
                let slot = self.globals.slot_of(&variable.name);
                let (name, line) = (variable.name.clone(), variable.line);
                if self.global_slots() {
                    Box::new(move |vm, env| {
                        let _mark = tick!(vm, Assign, "Assign as a statement: global slot");
                        let value = value(vm, env)?;
                        if !vm.state.globals.assign(slot, value) {
                            return Err(vm.undefined(&name, line, env).into());
                        }
                        Ok(())
                    })
                } else {
                    Box::new(move |vm, env| {
                        let _mark = tick!(vm, Assign, "Assign as a statement: global by name");
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

    /// `var name = init;`, one closure per place the variable can live. A
    /// local's initial value is fetched as an operand, so that with
    /// `leaf-operands` a local or a constant is copied straight into the
    /// new variable's slot and arithmetic on two leaves is computed there.
    fn var(&mut self, target: &Target, init: Option<&Expr>) -> StmtFn {
        let define = self.define(target);
        if let (Define::Local(slot), Some(init)) = (&define, init) {
            let slot = *slot;
            if let Some(call) = self.call_statement(init, Destination::Declare(slot)) {
                return call;
            }
            return with_operand!(self, init, |init| var_local(slot, init));
        }
        let init = match init {
            Some(init) => self.expr(init),
            None => self.nil(),
        };
        match define {
            Define::Global(slot) => Box::new(move |vm, env| {
                let _mark = tick!(vm, Var, "Var: global slot");
                let value = init(vm, env)?;
                vm.state.globals.define(slot, value);
                Ok(())
            }),
            Define::NamedGlobal(name) => Box::new(move |vm, env| {
                let _mark = tick!(vm, Var, "Var: global by name");
                let value = init(vm, env)?;
                let slot = vm.state.globals.find(&name);
                vm.state.globals.define(slot, value);
                Ok(())
            }),
            Define::Local(slot) => Box::new(move |vm, env| {
                let _mark = tick!(vm, Var, "Var: local");
                let value = init(vm, env)?;
                vm.put(env.slot(slot), value);
                Ok(())
            }),
            Define::Captured(slot) => Box::new(move |vm, env| {
                let _mark = tick!(vm, Var, "Var: captured local");
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
                let _mark = tick!(vm, FunDecl, "FunDecl: captured local");
                vm.define_captured(slot, Value::Nil, env);
                let closure = vm.new_closure(&function, env);
                vm.stack[env.slot(slot)].set(Value::Closure(closure));
                Ok(())
            }),
            target => Box::new(move |vm, env| {
                let _mark = tick!(vm, FunDecl, "FunDecl");
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
            let _mark = tick!(vm, Class, "Class");
            vm.class_declaration(&plan, env)
        })
    }
}

fn if_then<C: Condition>(condition: C, then_branch: StmtFn) -> StmtFn {
    Box::new(move |vm, env| {
        let _mark = tick!(vm, If, "If");
        if condition.test(vm, env)? { then_branch(vm, env) } else { Ok(()) }
    })
}

fn if_then_else<C: Condition>(condition: C, then_branch: StmtFn, else_branch: StmtFn) -> StmtFn {
    Box::new(move |vm, env| {
        let _mark = tick!(vm, If, "If, else");
        if condition.test(vm, env)? { then_branch(vm, env) } else { else_branch(vm, env) }
    })
}

fn while_loop<C: Condition>(condition: C, body: StmtFn) -> StmtFn {
    Box::new(move |vm, env| {
        let _mark = tick!(vm, While, "While");
        while condition.test(vm, env)? {
            body(vm, env)?;
        }
        Ok(())
    })
}

/// A desugared `for` loop: a `while` with an increment.
fn for_loop<C: Condition>(condition: C, body: StmtFn, increment: ExprFn) -> StmtFn {
    Box::new(move |vm, env| {
        let _mark = tick!(vm, While, "For");
        while condition.test(vm, env)? {
            body(vm, env)?;
            increment(vm, env)?.discard();
        }
        Ok(())
    })
}

/// `local = value;` as a statement.
fn assign_local<O: Operand>(slot: u16, value: O) -> StmtFn {
    Box::new(move |vm, env| {
        let _mark = tick!(vm, Assign, "Assign as a statement: local");
        value.assign(vm, env, env.slot(slot))?;
        Ok(())
    })
}

/// `var local = init;`.
fn var_local<O: Operand>(slot: u16, init: O) -> StmtFn {
    Box::new(move |vm, env| {
        let _mark = tick!(vm, Var, "Var: local, from an operand");
        init.put(vm, env, env.slot(slot))?;
        Ok(())
    })
}
