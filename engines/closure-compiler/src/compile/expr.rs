//! Expressions, compiled: literals, variables, assignment, unary operators,
//! `and` and `or`, properties and `super`. Binary operators are in
//! [`binary`](super::binary), calls in [`call`](super::call).

use super::{Compiler, ExprFn};
use crate::eval::tick;
use crate::value::Value;
use frontend::ast::{Expr, Literal, LogicalOp, UnaryOp, VarKind, Variable};
use frontend::messages;

impl Compiler<'_> {
    pub(super) fn expr_node(&mut self, expr: &Expr) -> ExprFn {
        match expr {
            Expr::Literal(literal) => self.literal(literal),
            Expr::Variable(variable) | Expr::This(variable) => self.variable(variable),
            Expr::Assign { variable, value } => self.assign(variable, value),
            Expr::Unary { op, operand, line } => {
                let operand = self.expr(operand);
                let line = *line;
                match op {
                    UnaryOp::Not => Box::new(move |vm, env| {
                        let _mark = tick!(vm, Not, "Not");
                        Ok(Value::Bool(!operand(vm, env)?.into_truthy()))
                    }),
                    UnaryOp::Negate => Box::new(move |vm, env| {
                        let _mark = tick!(vm, Negate, "Negate");
                        match operand(vm, env)? {
                            Value::Number(n) => Ok(Value::Number(-n)),
                            _ => Err(vm.error(line, messages::OPERAND_NUMBER, env)),
                        }
                    }),
                }
            }
            Expr::Binary { op, left, right, line } => self.binary(*op, left, right, *line),
            Expr::Logical { op, left, right } => {
                let (left, right) = (self.expr(left), self.expr(right));
                match op {
                    LogicalOp::And => Box::new(move |vm, env| {
                        let _mark = tick!(vm, And, "And");
                        let left = left(vm, env)?;
                        if !left.is_truthy() {
                            return Ok(left);
                        }
                        left.discard();
                        right(vm, env)
                    }),
                    LogicalOp::Or => Box::new(move |vm, env| {
                        let _mark = tick!(vm, Or, "Or");
                        let left = left(vm, env)?;
                        if left.is_truthy() {
                            return Ok(left);
                        }
                        left.discard();
                        right(vm, env)
                    }),
                }
            }
            Expr::Call { callee, args, line } => self.call(callee, args, *line),
            Expr::Invoke { object, name, args, line } => self.invoke(object, name, args, *line),
            Expr::Get { object, name, line } => {
                let object = self.expr(object);
                let (name, line) = (name.clone(), *line);
                Box::new(move |vm, env| {
                    let _mark = tick!(vm, Get, "Get");
                    let object = object(vm, env)?;
                    vm.get_property(object, &name, line, env)
                })
            }
            Expr::Set { object, name, value, line } => {
                let (object, value) = (self.expr(object), self.expr(value));
                let (name, line) = (name.clone(), *line);
                Box::new(move |vm, env| {
                    let _mark = tick!(vm, Set, "Set");
                    let object = object(vm, env)?;
                    let value = value(vm, env)?;
                    vm.set_property(object, &name, value, line, env)
                })
            }
            Expr::Super { this, superclass, name, line } => {
                let (this, superclass) = (self.variable(this), self.variable(superclass));
                let (name, line) = (name.clone(), *line);
                Box::new(move |vm, env| {
                    let _mark = tick!(vm, Super, "Super");
                    let receiver = this(vm, env)?;
                    let superclass = superclass(vm, env)?;
                    vm.get_super(receiver, superclass, &name, line, env)
                })
            }
            Expr::SuperInvoke { this, superclass, name, args, line } => {
                self.super_invoke(this, superclass, name, args, *line)
            }
        }
    }

    fn literal(&mut self, literal: &Literal) -> ExprFn {
        match literal {
            Literal::Nil => self.nil(),
            Literal::Bool(b) => {
                let b = *b;
                Box::new(move |vm, _| {
                    let _mark = tick!(vm, Literal, "Literal: boolean");
                    Ok(Value::Bool(b))
                })
            }
            Literal::Number(n) => {
                let n = *n;
                Box::new(move |vm, _| {
                    let _mark = tick!(vm, Literal, "Literal: number");
                    Ok(Value::Number(n))
                })
            }
            Literal::String(s) => {
                let s = s.clone();
                Box::new(move |vm, _| {
                    let _mark = tick!(vm, Literal, "Literal: string");
                    Ok(Value::String(s.clone()))
                })
            }
        }
    }

    pub(super) fn nil(&mut self) -> ExprFn {
        Box::new(|vm, _| {
            let _mark = tick!(vm, Literal, "Literal: nil");
            Ok(Value::Nil)
        })
    }

    /// A variable read: a slot of the frame, a captured cell, or a global's
    /// slot, each its own closure.
    pub(super) fn variable(&mut self, variable: &Variable) -> ExprFn {
        match variable.kind {
            VarKind::Local { slot, .. } => Box::new(move |vm, env| {
                let _mark = tick!(vm, Variable, "Variable: local");
                Ok(vm.stack[env.slot(slot)].get())
            }),
            VarKind::Upvalue { index, .. } => Box::new(move |vm, env| {
                let _mark = tick!(vm, Variable, "Variable: upvalue");
                Ok(env.upvalue(index).get())
            }),
            VarKind::Global => {
                let slot = self.globals.slot_of(&variable.name);
                let (name, line) = (variable.name.clone(), variable.line);
                if self.global_slots() {
                    Box::new(move |vm, env| {
                        let _mark = tick!(vm, Variable, "Variable: global slot");
                        vm.global(slot, &name, line, env)
                    })
                } else {
                    Box::new(move |vm, env| {
                        let _mark = tick!(vm, Variable, "Variable: global by name");
                        vm.global(vm.state.globals.find(&name), &name, line, env)
                    })
                }
            }
        }
    }

    fn assign(&mut self, variable: &Variable, value: &Expr) -> ExprFn {
        let value = self.expr(value);
        match variable.kind {
            VarKind::Local { slot, .. } => Box::new(move |vm, env| {
                let _mark = tick!(vm, Assign, "Assign: local");
                let value = value(vm, env)?;
                vm.stack[env.slot(slot)].set(value.clone());
                Ok(value)
            }),
            VarKind::Upvalue { index, .. } => Box::new(move |vm, env| {
                let _mark = tick!(vm, Assign, "Assign: upvalue");
                let value = value(vm, env)?;
                env.upvalue(index).set(value.clone());
                Ok(value)
            }),
            VarKind::Global => {
                let slot = self.globals.slot_of(&variable.name);
                let (name, line) = (variable.name.clone(), variable.line);
                if self.global_slots() {
                    Box::new(move |vm, env| {
                        let _mark = tick!(vm, Assign, "Assign: global slot");
                        let value = value(vm, env)?;
                        if !vm.state.globals.assign(slot, value.clone()) {
                            return Err(vm.undefined(&name, line, env));
                        }
                        Ok(value)
                    })
                } else {
                    Box::new(move |vm, env| {
                        let _mark = tick!(vm, Assign, "Assign: global by name");
                        let value = value(vm, env)?;
                        let slot = vm.state.globals.find(&name);
                        if !vm.state.globals.assign(slot, value.clone()) {
                            return Err(vm.undefined(&name, line, env));
                        }
                        Ok(value)
                    })
                }
            }
        }
    }
}
