//! The evaluator: statements executed and expressions evaluated by walking
//! the tree, with every local found by its slot in the value stack.

use crate::State;
use crate::config::Config;
use crate::env::{Env, Slot};
use crate::value::{Closure, Value};
use frontend::ast::{Expr, Function, Literal, Local, LogicalOp, Name, Stmt, Target, UnaryOp, VarKind, Variable};
use frontend::diagnostics::{RunError, RuntimeError};
use frontend::hash::NameHash;
use frontend::messages;
use frontend::profiling::NodeKind;
use frontend::tuning::{FX_HASH, GLOBAL_CALLS, GLOBAL_SLOTS, GUARD_RETURNS};
use std::io::Write;
use std::rc::Rc;

/// A runtime error on its way out. Boxed, so that a `Result` carrying it is
/// no bigger than a value and the common, successful path moves 24 bytes.
pub type Thrown = Box<RunError>;

/// How a statement can end other than by finishing: a `return`, or an error.
pub enum Unwind {
    Return(Value),
    Error(Thrown),
}

impl From<Thrown> for Unwind {
    #[inline]
    fn from(error: Thrown) -> Self {
        Unwind::Error(error)
    }
}

pub type Exec = Result<(), Unwind>;
pub type Eval = Result<Value, Thrown>;

/// One run of a program: the session's state and tunings, the output, the
/// value stack and the call depth.
///
/// Unlike `hashmap-walker`, no list of frames is kept for error traces: a
/// runtime error starts its trace with the innermost frame, and each call it
/// unwinds through adds the caller's line (see `call::call_closure`). The
/// calls themselves only count their depth.
pub struct Evaluator<'a> {
    pub state: &'a mut State,
    /// The session's tunings, copied here so that a test is one load.
    pub config: Config,
    pub out: &'a mut dyn Write,
    /// Every frame's slots, innermost frame last; see [`crate::env`].
    pub stack: Vec<Slot>,
    /// Active frames, the script's included (for `Stack overflow.`).
    pub depth: usize,
}

impl Evaluator<'_> {
    /// A runtime error at `line` in the frame `env`; calls it leaves add
    /// their own trace lines.
    #[cold]
    #[inline(never)]
    pub fn error(&self, line: u32, message: impl Into<String>, env: &Env<'_>) -> Thrown {
        let trace = vec![env.trace_line(line)];
        Box::new(RunError::Runtime(RuntimeError { message: message.into(), trace }))
    }

    pub fn execute_block(&mut self, body: &[Stmt], env: &Env<'_>) -> Exec {
        for stmt in body {
            self.execute(stmt, env)?;
        }
        Ok(())
    }

    fn execute(&mut self, stmt: &Stmt, env: &Env<'_>) -> Exec {
        let _node = self.state.count_node(stmt.kind());
        match stmt {
            Stmt::Expression(expr) => self.evaluate(expr, env)?.discard(),
            Stmt::Print(expr) => {
                let value = self.evaluate(expr, env)?;
                writeln!(self.out, "{value}").map_err(|error| Box::new(RunError::Io(error)))?;
            }
            Stmt::Var { target, init, .. } => {
                let value = match init {
                    Some(init) => self.operand(init, env)?,
                    None => Value::Nil,
                };
                self.define(target, value, env);
            }
            Stmt::Function { target, function } => self.function_declaration(target, function, env),
            Stmt::Class(class) => self.class_declaration(class, env)?,
            // A block's locals are higher slots of the same frame: entering
            // and leaving it costs nothing.
            Stmt::Block { body, .. } => self.execute_block(body, env)?,
            Stmt::If { condition, then_branch, else_branch } => {
                let branch = match (self.condition(condition, env)?, else_branch) {
                    (true, _) => then_branch,
                    (false, Some(else_branch)) => else_branch,
                    (false, None) => return Ok(()),
                };
                // With `guard-returns`, a branch that returns (`return x;`,
                // or a braced block ending in one) returns from here,
                // without a recursive `execute` for the `return` or for the
                // block around it.
                if self.config.guard_returns
                    && let Some((before, value)) = guard_return(branch)
                {
                    if matches!(**branch, Stmt::Block { .. }) {
                        self.state.count_node(NodeKind::Block);
                    }
                    let _return = self.state.count_node(NodeKind::Return);
                    self.state.fired(&GUARD_RETURNS);
                    self.execute_block(before, env)?;
                    return self.return_statement(value, env);
                }
                self.execute(branch, env)?;
            }
            Stmt::While { condition, body, increment } => {
                while self.condition(condition, env)? {
                    self.execute(body, env)?;
                    if let Some(increment) = increment {
                        self.evaluate(increment, env)?.discard();
                    }
                }
            }
            Stmt::Return { value, .. } => return self.return_statement(value.as_ref(), env),
        }
        Ok(())
    }

    #[inline(always)]
    fn return_statement(&mut self, value: Option<&Expr>, env: &Env<'_>) -> Exec {
        let value = match value {
            Some(value) => self.operand(value, env)?,
            None => Value::Nil,
        };
        Err(Unwind::Return(value))
    }

    /// Declares a variable: a global by name, a local into its slot (boxed
    /// in a fresh cell when a closure captures it, so that each execution of
    /// the declaration makes a new variable, as in clox).
    pub fn define(&mut self, target: &Target, value: Value, env: &Env<'_>) {
        match target {
            Target::Global(name) => {
                self.state.globals.define(name, value);
            }
            Target::Local(local) => self.define_local(local, value, env),
        }
    }

    pub fn define_local(&mut self, local: &Local, value: Value, env: &Env<'_>) {
        let slot = if local.captured { Slot::Cell(self.state.new_upvalue(value)) } else { Slot::Value(value) };
        std::mem::replace(&mut self.stack[env.slot(local.slot)], slot).discard();
    }

    /// `fun name() {}`: the variable is declared before the closure is made,
    /// so that a local function that calls itself captures its own variable.
    fn function_declaration(&mut self, target: &Target, function: &Rc<Function>, env: &Env<'_>) {
        match target {
            Target::Local(local) if local.captured => {
                self.define_local(local, Value::Nil, env);
                let closure = self.new_closure(function, env);
                self.stack[env.slot(local.slot)].set(Value::Closure(closure));
            }
            _ => {
                let closure = self.new_closure(function, env);
                self.define(target, Value::Closure(closure), env);
            }
        }
    }

    /// Makes a closure of `function`, declared in the frame `env`, capturing
    /// the variables the resolver listed: a local of this frame (always a
    /// cell, except `this`, which no code can assign, so a cell holding a
    /// copy of it is the same variable), or one of this closure's own.
    pub fn new_closure(&mut self, function: &Rc<Function>, env: &Env<'_>) -> Rc<Closure> {
        let upvalues = function
            .upvalues
            .iter()
            .map(|capture| {
                if !capture.is_local {
                    return env.upvalue(capture.index).clone();
                }
                match &self.stack[env.slot(capture.index)] {
                    Slot::Cell(cell) => cell.clone(),
                    Slot::Value(this) => self.state.new_upvalue(this.clone()),
                }
            })
            .collect();
        let closure = Rc::new(Closure::new(function.clone(), upvalues));
        self.state.track_closure(&closure);
        closure
    }

    /// The hot expressions are handled here; the others are one call away,
    /// which keeps this function's stack frame and register saves small.
    pub fn evaluate(&mut self, expr: &Expr, env: &Env<'_>) -> Eval {
        let _node = self.state.count_node(expr.kind());
        match expr {
            Expr::Literal(literal) => Ok(literal_value(literal)),
            Expr::Variable(variable) | Expr::This(variable) => self.read(variable, env),
            Expr::Binary { op, left, right, line } => self.operator(*op, left, right, *line, env),
            Expr::Call { callee, args, line } => self.call(callee, args, *line, env),
            Expr::Assign { variable, value } => self.assignment(variable, value, env),
            Expr::Logical { op, left, right } => self.logical(*op, left, right, env),
            Expr::Unary { op, operand, line } => self.unary(*op, operand, *line, env),
            Expr::Invoke { object, name, args, line } => {
                let object = self.evaluate(object, env)?;
                let base = self.push_frame(object, args, env)?;
                self.invoke(name, base, *line, env)
            }
            Expr::Get { object, name, line } => {
                let object = self.evaluate(object, env)?;
                self.get_property(object, name, *line, env)
            }
            Expr::Set { object, name, value, line } => self.set(object, name, value, *line, env),
            Expr::Super { this, superclass, name, line } => self.super_get(this, superclass, name, *line, env),
            Expr::SuperInvoke { this, superclass, name, args, line } => {
                self.super_invoke(this, superclass, name, args, *line, env)
            }
        }
    }

    #[inline(never)]
    pub fn call(&mut self, callee: &Expr, args: &[Expr], line: u32, env: &Env<'_>) -> Eval {
        // Most callees are a function's global name: read it here, without
        // a recursive call.
        let callee = match callee {
            Expr::Variable(variable) if variable.kind == VarKind::Global && self.config.global_calls => {
                self.state.count_node(NodeKind::Variable);
                self.state.fired(&GLOBAL_CALLS);
                self.read_global(variable, env)?
            }
            _ => self.evaluate(callee, env)?,
        };
        let base = self.push_frame(Value::Nil, args, env)?;
        self.call_value(callee, base, line, env)
    }

    #[inline(never)]
    fn assignment(&mut self, variable: &Variable, value: &Expr, env: &Env<'_>) -> Eval {
        let value = self.operand(value, env)?;
        self.assign(variable, value.clone(), env)?;
        Ok(value)
    }

    #[inline(never)]
    fn logical(&mut self, op: LogicalOp, left: &Expr, right: &Expr, env: &Env<'_>) -> Eval {
        let left = self.evaluate(left, env)?;
        let short_circuits = match op {
            LogicalOp::And => !left.is_truthy(),
            LogicalOp::Or => left.is_truthy(),
        };
        if short_circuits {
            Ok(left)
        } else {
            left.discard();
            self.evaluate(right, env)
        }
    }

    #[inline(never)]
    fn unary(&mut self, op: UnaryOp, operand: &Expr, line: u32, env: &Env<'_>) -> Eval {
        let operand = self.shallow_operand(operand, env)?;
        match op {
            UnaryOp::Not => Ok(Value::Bool(!operand.into_truthy())),
            UnaryOp::Negate => match operand {
                Value::Number(n) => Ok(Value::Number(-n)),
                _ => Err(self.error(line, messages::OPERAND_NUMBER, env)),
            },
        }
    }

    #[inline(never)]
    fn set(&mut self, object: &Expr, name: &Name, value: &Expr, line: u32, env: &Env<'_>) -> Eval {
        let object = self.evaluate(object, env)?;
        let value = self.operand(value, env)?;
        self.set_property(object, name, value, line, env)
    }

    #[inline(never)]
    fn super_get(&mut self, this: &Variable, superclass: &Variable, name: &Name, line: u32, env: &Env<'_>) -> Eval {
        let receiver = self.read(this, env)?;
        let superclass = self.read(superclass, env)?;
        self.get_super(receiver, superclass, name, line, env)
    }

    #[inline(never)]
    fn super_invoke(
        &mut self,
        this: &Variable,
        superclass: &Variable,
        name: &Name,
        args: &[Expr],
        line: u32,
        env: &Env<'_>,
    ) -> Eval {
        let receiver = self.read(this, env)?;
        let base = self.push_frame(receiver, args, env)?;
        let superclass = self.read(superclass, env)?;
        self.invoke_super(superclass, name, base, line, env)
    }

    /// Starts the frame of a call: pushes `slot0` (the receiver, or a
    /// placeholder for the callee) and evaluates the arguments straight into
    /// the slots where the callee's parameters live. Returns the new frame's
    /// base. No vector is built per call.
    #[inline(always)]
    fn push_frame(&mut self, slot0: Value, args: &[Expr], env: &Env<'_>) -> Result<usize, Thrown> {
        let base = self.stack.len();
        self.stack.push(Slot::Value(slot0));
        for arg in args {
            let value = self.operand(arg, env)?;
            self.stack.push(Slot::Value(value));
        }
        Ok(base)
    }

    #[inline(always)]
    pub fn read(&mut self, variable: &Variable, env: &Env<'_>) -> Eval {
        match variable.kind {
            VarKind::Local { slot, .. } => Ok(self.stack[env.slot(slot)].get()),
            VarKind::Upvalue { index, .. } => Ok(env.upvalue(index).get()),
            VarKind::Global => self.read_global(variable, env),
        }
    }

    #[inline(always)]
    fn read_global(&mut self, variable: &Variable, env: &Env<'_>) -> Eval {
        self.state.fired_if(|state| state.globals.name_hash() == NameHash::Fx, &FX_HASH);
        let value = match self.state.globals.get(&variable.name) {
            Some(value) => Ok(value.clone()),
            None => Err(self.undefined_variable(variable, env)),
        };
        self.state.fired_if(|state| state.globals.is_cached(&variable.name), &GLOBAL_SLOTS);
        value
    }

    #[cold]
    #[inline(never)]
    fn undefined_variable(&self, variable: &Variable, env: &Env<'_>) -> Thrown {
        self.error(variable.line, messages::undefined_variable(&variable.name), env)
    }

    fn assign(&mut self, variable: &Variable, value: Value, env: &Env<'_>) -> Result<(), Thrown> {
        match variable.kind {
            VarKind::Local { slot, .. } => self.stack[env.slot(slot)].set(value),
            VarKind::Upvalue { index, .. } => env.upvalue(index).set(value),
            VarKind::Global => match self.state.globals.get_mut(&variable.name) {
                Some(global) => *global = value,
                None => return Err(self.error(variable.line, messages::undefined_variable(&variable.name), env)),
            },
        }
        Ok(())
    }
}

fn literal_value(literal: &Literal) -> Value {
    match literal {
        Literal::Nil => Value::Nil,
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Number(n) => Value::Number(*n),
        Literal::String(s) => Value::String(s.clone()),
    }
}

/// The statements before the `return` and the value it returns, when a
/// branch is a `return` or a braced block that ends in one.
#[inline(always)]
fn guard_return(branch: &Stmt) -> Option<(&[Stmt], Option<&Expr>)> {
    match branch {
        Stmt::Return { value, .. } => Some((&[], value.as_ref())),
        Stmt::Block { body, .. } => match body.split_last() {
            Some((Stmt::Return { value, .. }, before)) => Some((before, value.as_ref())),
            _ => None,
        },
        _ => None,
    }
}
