//! The evaluator: statements executed and expressions evaluated by walking
//! the tree, with every variable found by name in the environment chain.

use crate::State;
use crate::env::Env;
use crate::value::{Closure, Value};
use frontend::ast::{BinaryOp, Expr, Literal, LogicalOp, Stmt, Target, UnaryOp, VarKind, Variable};
use frontend::diagnostics::{RunError, RuntimeError, TraceLine};
use frontend::{memory, messages, number};
use std::io::Write;
use std::rc::Rc;

/// How a statement can end other than by finishing: a `return`, or an error.
pub enum Unwind {
    Return(Value),
    Error(RunError),
}

impl From<RunError> for Unwind {
    fn from(error: RunError) -> Self {
        Unwind::Error(error)
    }
}

pub type Exec = Result<(), Unwind>;
pub type Eval = Result<Value, RunError>;

/// One active call, for `Stack overflow.` and for error traces.
pub struct Frame {
    /// The function's name; `None` for the script.
    pub name: Option<Rc<str>>,
    /// The line of the call this frame is executing, once it makes one.
    pub line: u32,
}

/// One run of a program: the session's state, the output, the call stack.
pub struct Evaluator<'a> {
    pub state: &'a mut State,
    pub out: &'a mut dyn Write,
    pub frames: Vec<Frame>,
}

impl Evaluator<'_> {
    /// A runtime error at `line` in the innermost frame, with the trace of
    /// every active call.
    #[cold]
    pub fn error(&self, line: u32, message: impl Into<String>) -> RunError {
        let mut trace = Vec::with_capacity(self.frames.len());
        for (depth, frame) in self.frames.iter().enumerate().rev() {
            let line = if depth + 1 == self.frames.len() { line } else { frame.line };
            trace.push(TraceLine { line, function: frame.name.as_deref().map(str::to_string) });
        }
        RunError::Runtime(RuntimeError { message: message.into(), trace })
    }

    pub fn execute_block(&mut self, body: &[Stmt], env: &Rc<Env>) -> Exec {
        for stmt in body {
            self.execute(stmt, env)?;
        }
        Ok(())
    }

    fn execute(&mut self, stmt: &Stmt, env: &Rc<Env>) -> Exec {
        let _node = self.state.count_node(stmt.kind());
        match stmt {
            Stmt::Expression(expr) => {
                self.evaluate(expr, env)?;
            }
            Stmt::Print(expr) => {
                let value = self.evaluate(expr, env)?;
                writeln!(self.out, "{value}").map_err(RunError::Io)?;
            }
            Stmt::Var { target, init, .. } => {
                let value = match init {
                    Some(init) => self.evaluate(init, env)?,
                    None => Value::Nil,
                };
                self.define(target, value, env);
            }
            Stmt::Function { target, function } => {
                let closure = Rc::new(Closure { function: function.clone(), env: env.clone() });
                self.state.track(&closure);
                self.state.tally(|t| t.closures += 1);
                self.define(target, Value::Closure(closure), env);
            }
            Stmt::Class(class) => self.class_declaration(class, env)?,
            Stmt::Block { body, .. } => {
                let scope = self.state.new_env(Some(env.clone()));
                self.execute_block(body, &scope)?;
            }
            Stmt::If { condition, then_branch, else_branch } => {
                if self.evaluate(condition, env)?.is_truthy() {
                    self.execute(then_branch, env)?;
                } else if let Some(else_branch) = else_branch {
                    self.execute(else_branch, env)?;
                }
            }
            Stmt::While { condition, body, increment } => {
                while self.evaluate(condition, env)?.is_truthy() {
                    self.execute(body, env)?;
                    if let Some(increment) = increment {
                        self.evaluate(increment, env)?;
                    }
                }
            }
            Stmt::Return { value, .. } => {
                let value = match value {
                    Some(value) => self.evaluate(value, env)?,
                    None => Value::Nil,
                };
                return Err(Unwind::Return(value));
            }
        }
        Ok(())
    }

    pub fn define(&mut self, target: &Target, value: Value, env: &Rc<Env>) {
        match target {
            Target::Global(name) => self.state.globals.define(name.clone(), value),
            Target::Local(local) => env.define(local.name.clone(), value),
        }
    }

    pub fn evaluate(&mut self, expr: &Expr, env: &Rc<Env>) -> Eval {
        let _node = self.state.count_node(expr.kind());
        match expr {
            Expr::Literal(literal) => Ok(match literal {
                Literal::Nil => Value::Nil,
                Literal::Bool(b) => Value::Bool(*b),
                Literal::Number(n) => Value::Number(*n),
                Literal::String(s) => Value::String(s.clone()),
            }),
            Expr::Variable(variable) | Expr::This(variable) => self.read(variable, env),
            Expr::Assign { variable, value } => {
                let value = self.evaluate(value, env)?;
                self.assign(variable, value.clone(), env)?;
                Ok(value)
            }
            Expr::Unary { op, operand, line } => {
                let operand = self.evaluate(operand, env)?;
                match op {
                    UnaryOp::Not => Ok(Value::Bool(!operand.is_truthy())),
                    UnaryOp::Negate => match operand {
                        Value::Number(n) => Ok(Value::Number(-n)),
                        _ => Err(self.error(*line, messages::OPERAND_NUMBER)),
                    },
                }
            }
            Expr::Binary { op, left, right, line } => {
                let left = self.evaluate(left, env)?;
                let right = self.evaluate(right, env)?;
                self.binary(*op, left, right, *line)
            }
            Expr::Logical { op, left, right } => {
                let left = self.evaluate(left, env)?;
                let short_circuits = match op {
                    LogicalOp::And => !left.is_truthy(),
                    LogicalOp::Or => left.is_truthy(),
                };
                if short_circuits { Ok(left) } else { self.evaluate(right, env) }
            }
            Expr::Call { callee, args, line } => {
                let callee = self.evaluate(callee, env)?;
                let args = self.evaluate_all(args, env)?;
                self.call_value(callee, args, *line)
            }
            Expr::Invoke { object, name, args, line } => {
                let object = self.evaluate(object, env)?;
                let args = self.evaluate_all(args, env)?;
                self.invoke(object, name, args, *line)
            }
            Expr::Get { object, name, line } => {
                let object = self.evaluate(object, env)?;
                self.get_property(object, name, *line)
            }
            Expr::Set { object, name, value, line } => {
                let object = self.evaluate(object, env)?;
                let value = self.evaluate(value, env)?;
                self.set_property(object, name, value, *line)
            }
            Expr::Super { this, superclass, name, line } => {
                let receiver = self.read(this, env)?;
                let superclass = self.read(superclass, env)?;
                self.get_super(receiver, superclass, name, *line)
            }
            Expr::SuperInvoke { this, superclass, name, args, line } => {
                let receiver = self.read(this, env)?;
                let args = self.evaluate_all(args, env)?;
                let superclass = self.read(superclass, env)?;
                self.invoke_super(receiver, superclass, name, args, *line)
            }
        }
    }

    fn evaluate_all(&mut self, exprs: &[Expr], env: &Rc<Env>) -> Result<Vec<Value>, RunError> {
        exprs.iter().map(|expr| self.evaluate(expr, env)).collect()
    }

    pub fn read(&mut self, variable: &Variable, env: &Rc<Env>) -> Eval {
        match variable.kind {
            VarKind::Global => {
                self.state.tally(|t| t.global_reads += 1);
                match self.state.globals.get(&variable.name) {
                    Some(value) => Ok(value),
                    None => Err(self.error(variable.line, messages::undefined_variable(&variable.name))),
                }
            }
            VarKind::Local { hops, .. } | VarKind::Upvalue { hops, .. } => {
                Ok(env.ancestor(hops).get(&variable.name).expect("the resolver found this variable in that scope"))
            }
        }
    }

    fn assign(&mut self, variable: &Variable, value: Value, env: &Rc<Env>) -> Result<(), RunError> {
        let assigned = match variable.kind {
            VarKind::Global => self.state.globals.assign(&variable.name, value),
            VarKind::Local { hops, .. } | VarKind::Upvalue { hops, .. } => {
                env.ancestor(hops).assign(&variable.name, value)
            }
        };
        if assigned { Ok(()) } else { Err(self.error(variable.line, messages::undefined_variable(&variable.name))) }
    }

    // `a <= b` is `!(a > b)`, as clox compiles it, so that with a NaN
    // operand `<=` and `>=` are true; the negated comparisons are deliberate.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    fn binary(&mut self, op: BinaryOp, left: Value, right: Value, line: u32) -> Eval {
        use Value::Number as N;
        Ok(match (op, &left, &right) {
            (BinaryOp::Equal, _, _) => Value::Bool(left.equals(&right)),
            (BinaryOp::NotEqual, _, _) => Value::Bool(!left.equals(&right)),
            (BinaryOp::Add, N(a), N(b)) => N(number::add(*a, *b)),
            (BinaryOp::Add, Value::String(a), Value::String(b)) => match memory::concat(a, b, self.state.max_heap) {
                Ok(joined) => {
                    self.state.tally(|t| t.strings += 1);
                    Value::String(joined.into())
                }
                Err(memory::OutOfMemory) => return Err(self.error(line, messages::OUT_OF_MEMORY)),
            },
            (BinaryOp::Add, _, _) => return Err(self.error(line, messages::OPERANDS_ADD)),
            (BinaryOp::Subtract, N(a), N(b)) => N(a - b),
            (BinaryOp::Multiply, N(a), N(b)) => N(number::multiply(*a, *b)),
            (BinaryOp::Divide, N(a), N(b)) => N(a / b),
            (BinaryOp::Less, N(a), N(b)) => Value::Bool(a < b),
            (BinaryOp::LessEqual, N(a), N(b)) => Value::Bool(!(a > b)),
            (BinaryOp::Greater, N(a), N(b)) => Value::Bool(a > b),
            (BinaryOp::GreaterEqual, N(a), N(b)) => Value::Bool(!(a < b)),
            _ => return Err(self.error(line, messages::OPERANDS_NUMBERS)),
        })
    }
}
