//! The compiler: the resolved syntax tree to bytecode, one function at a time.
//!
//! The front end has already done the part of clox's compiler that needs
//! scopes: every variable says whether it is a global, a local with its
//! frame slot, or an upvalue with its capture index, and every function
//! lists what its closures capture. What is left is clox's code generation:
//! walk the tree once, emit instructions, patch jumps. The stack discipline
//! is clox's too, which is what makes the resolver's slots valid stack
//! offsets: every statement leaves the stack as it found it, except a local
//! declaration, whose value stays on the stack as the local's slot.
//!
//! The tunings choose between instructions here, never in the VM: with
//! `superinstructions` the compiler emits a fused pair where clox emits two
//! instructions, with `fused-conditions` it compiles a condition as branches
//! (the [`condition`] module), with `global-slots` it gives each global a
//! slot (globals.rs).
//!
//! The compiler never fails: the front end reported every static error, and
//! this instruction set has no 256-constant or 64 KiB-jump limits.

mod condition;

use crate::chunk::{Chunk, Function, Program};
use crate::config::Config;
use crate::heap::Heap;
use crate::op::{CodeOffset, ConstIndex, FunctionIndex, Op};
use crate::value::Value;
use frontend::ast::{self, BinaryOp, Expr, FunctionKind, Literal, Local, LogicalOp, Stmt, Target, UnaryOp};
use frontend::ast::{VarKind, Variable};
use frontend::hash::FixedMap;
use std::rc::Rc;

/// Compiles a parsed program into `program`, interning its strings in
/// `heap`, and returns the script's function.
pub fn compile(ast: &ast::Program, program: &mut Program, heap: &mut Heap, config: Config) -> FunctionIndex {
    let mut compiler =
        Compiler { program, heap, config, function: FunctionState::new(ast.script.kind, ast.script.line, 0) };
    compiler.function(&ast.script)
}

struct Compiler<'a> {
    program: &'a mut Program,
    heap: &'a mut Heap,
    config: Config,
    /// The function being compiled; an enclosing one waits on the Rust stack.
    function: FunctionState,
}

struct FunctionState {
    kind: FunctionKind,
    chunk: Chunk,
    /// Each constant once per chunk, however often the code mentions it.
    constants: FixedMap<ConstKey, ConstIndex>,
    /// The source line given to instructions emitted now: the line of the
    /// nearest enclosing node that has one.
    line: u32,
    /// How many values the code emitted so far leaves on the stack, from
    /// slot 0, on the path being compiled; and the most it ever left.
    height: usize,
    max_height: usize,
}

/// A jump instruction waiting for its target: an `Op` variant such as
/// `Op::JumpIfFalse`, which is a function from the target to the instruction.
type JumpOp = fn(CodeOffset) -> Op;

/// A forward jump waiting for its target, and the stack height where it
/// jumps from, which is the height at its target too.
struct PendingJump {
    at: usize,
    height: usize,
    op: JumpOp,
}

/// Where a condition goes when it is false: the jumps to patch at the code
/// that follows the false path, and whether that path begins by popping
/// the condition's value (clox's `JumpIfFalse` leaves it on the stack).
struct FalseExit {
    jumps: Vec<PendingJump>,
    pop: bool,
}

impl FunctionState {
    /// A function's state at entry, with slot 0 and its parameters on the stack.
    fn new(kind: FunctionKind, line: u32, arity: usize) -> FunctionState {
        let height = 1 + arity;
        FunctionState {
            kind,
            chunk: Chunk::default(),
            constants: FixedMap::default(),
            line,
            height,
            max_height: height,
        }
    }
}

#[derive(PartialEq, Eq, Hash)]
enum ConstKey {
    Number(u64),
    String(Rc<str>),
}

impl Compiler<'_> {
    /// Compiles a function's body into a new function of the program.
    fn function(&mut self, function: &ast::Function) -> FunctionIndex {
        let outer =
            std::mem::replace(&mut self.function, FunctionState::new(function.kind, function.line, function.arity()));
        self.statements(&function.body);
        self.emit_return_value();
        self.emit(Op::Return);
        let finished = std::mem::replace(&mut self.function, outer);
        self.program.functions.push(Function {
            name: function.name.clone(),
            kind: function.kind,
            arity: function.arity(),
            max_stack: finished.max_height,
            captures: function.upvalues.clone(),
            chunk: finished.chunk,
            marker: function.marker,
        });
        FunctionIndex(u32::try_from(self.program.functions.len() - 1).expect("fewer than 2^32 functions"))
    }

    // ----- Emitting ------------------------------------------------------------------

    fn emit(&mut self, op: Op) -> usize {
        let function = &mut self.function;
        function.height = function.height.checked_add_signed(op.stack_effect()).expect("the stack never underflows");
        function.max_height = function.max_height.max(function.height);
        function.chunk.push(op, function.line)
    }

    /// Emits a forward jump, to be pointed at its target by [`Self::patch_jump`].
    fn emit_jump(&mut self, op: JumpOp) -> PendingJump {
        let at = self.emit(op(CodeOffset(0)));
        PendingJump { at, height: self.function.height, op }
    }

    /// Emits a jump back to `start`, the beginning of a loop.
    fn emit_loop(&mut self, start: CodeOffset) {
        self.emit(Op::Loop(start));
    }

    /// Emits an instruction that can fail, with the line its error reports.
    fn emit_at(&mut self, op: Op, line: u32) -> usize {
        self.function.line = line;
        self.emit(op)
    }

    fn here(&self) -> CodeOffset {
        CodeOffset(u32::try_from(self.function.chunk.code.len()).expect("fewer than 2^32 instructions"))
    }

    /// Points a forward jump at the next instruction to be emitted. Code
    /// there is reached from the jump too, so the stack height there is the
    /// jump's (the fall-through path, when there is one, agrees).
    fn patch_jump(&mut self, jump: PendingJump) {
        self.function.chunk.code[jump.at] = (jump.op)(self.here());
        self.function.height = jump.height;
    }

    fn constant(&mut self, key: ConstKey) -> ConstIndex {
        if let Some(&index) = self.function.constants.get(&key) {
            return index;
        }
        let value = match &key {
            ConstKey::Number(bits) => Value::Number(f64::from_bits(*bits)),
            ConstKey::String(text) => Value::Obj(self.heap.intern_pinned(text)),
        };
        let constants = &mut self.function.chunk.constants;
        let index = ConstIndex(u32::try_from(constants.len()).expect("fewer than 2^32 constants"));
        constants.push(value);
        self.function.constants.insert(key, index);
        index
    }

    fn name(&mut self, name: &Rc<str>) -> ConstIndex {
        self.constant(ConstKey::String(name.clone()))
    }

    // ----- Statements ----------------------------------------------------------------

    fn statements(&mut self, body: &[Stmt]) {
        for stmt in body {
            self.statement(stmt);
        }
    }

    fn statement(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Expression(expr) => self.expression_statement(expr),
            Stmt::Print(expr) => {
                self.expression(expr);
                self.emit(Op::Print);
            }
            Stmt::Var { target, init, line } => {
                // The declaration's line, until the initializer says better.
                self.function.line = *line;
                match init {
                    Some(init) => self.expression(init),
                    None => _ = self.emit(Op::Nil),
                }
                self.define(target, *line);
            }
            Stmt::Function { target, function } => {
                let index = self.function(function);
                self.emit_at(Op::Closure(index), function.line);
                self.define(target, function.line);
            }
            Stmt::Class(class) => self.class(class),
            Stmt::Block { body, locals } => {
                self.statements(body);
                self.end_scope(locals);
            }
            Stmt::If { condition, then_branch, else_branch } => {
                let to_else = self.condition(condition);
                self.statement(then_branch);
                if to_else.pop || else_branch.is_some() {
                    let to_end = self.emit_jump(Op::Jump);
                    self.patch_false_exit(to_else);
                    if let Some(else_branch) = else_branch {
                        self.statement(else_branch);
                    }
                    self.patch_jump(to_end);
                } else {
                    self.patch_false_exit(to_else);
                }
            }
            Stmt::While { condition, body, increment } => {
                let start = self.here();
                let to_exit = self.condition(condition);
                self.statement(body);
                if let Some(increment) = increment {
                    self.expression_statement(increment);
                }
                self.emit_loop(start);
                self.patch_false_exit(to_exit);
            }
            Stmt::Return { value, line } => {
                match value {
                    Some(value) => self.expression(value),
                    None => {
                        self.function.line = *line;
                        self.emit_return_value();
                    }
                }
                self.emit_at(Op::Return, *line);
            }
        }
    }

    /// An expression whose value is dropped: the statement `expr;` and the
    /// increment of a `for`. With `superinstructions`, an assignment stores
    /// and drops its value in one instruction.
    fn expression_statement(&mut self, expr: &Expr) {
        match expr {
            Expr::Assign { variable, value } if self.config.superinstructions => {
                self.expression(value);
                let op = match variable.kind {
                    VarKind::Global if self.config.global_slots => {
                        Op::SetGlobalSlotPop(self.program.global_names.slot(&variable.name))
                    }
                    VarKind::Global => Op::SetGlobalPop(self.name(&variable.name)),
                    VarKind::Local { slot, .. } => Op::SetLocalPop(slot),
                    VarKind::Upvalue { index, .. } => Op::SetUpvaluePop(index),
                };
                self.emit_at(op, variable.line);
            }
            Expr::Set { object, name, value, line } if self.config.superinstructions => {
                self.expression(object);
                self.expression(value);
                let name = self.name(name);
                self.emit_at(Op::SetPropertyPop(name), *line);
            }
            _ => {
                self.expression(expr);
                self.emit(Op::Pop);
            }
        }
    }

    /// Compiles the condition of an `if` or a loop, falling through when it
    /// is true. clox's form leaves the condition on the stack, to be popped
    /// on each path; `superinstructions` pops it with the jump; with
    /// `fused-conditions` it never becomes a value at all.
    fn condition(&mut self, condition: &Expr) -> FalseExit {
        if self.config.fused_conditions {
            return FalseExit { jumps: self.branch(condition, false), pop: false };
        }
        self.expression(condition);
        if self.config.superinstructions {
            return FalseExit { jumps: vec![self.emit_jump(Op::JumpIfFalsePop)], pop: false };
        }
        let jump = self.emit_jump(Op::JumpIfFalse);
        self.emit(Op::Pop);
        FalseExit { jumps: vec![jump], pop: true }
    }

    /// Points a condition's false exit here.
    fn patch_false_exit(&mut self, exit: FalseExit) {
        for jump in exit.jumps {
            self.patch_jump(jump);
        }
        if exit.pop {
            self.emit(Op::Pop);
        }
    }

    /// What `return;` and the end of a body return: `this` from an
    /// initializer (the parser rejects `return value;` there, so this is how
    /// every initializer returns), `nil` from anything else.
    fn emit_return_value(&mut self) {
        match self.function.kind {
            FunctionKind::Initializer => self.emit(Op::GetLocal(0)),
            FunctionKind::Script | FunctionKind::Function | FunctionKind::Method => self.emit(Op::Nil),
        };
    }

    /// Stores a declaration's value, which is on top of the stack: a global
    /// takes it off; a local's value stays where it is, as its slot.
    fn define(&mut self, target: &Target, line: u32) {
        if let Target::Global(name) = target {
            let op = if self.config.global_slots {
                Op::DefineGlobalSlot(self.program.global_names.slot(name))
            } else {
                Op::DefineGlobal(self.name(name))
            };
            self.emit_at(op, line);
        }
    }

    /// Pops a scope's locals, innermost first; a captured one moves into
    /// its upvalue as it leaves the stack.
    fn end_scope(&mut self, locals: &[Local]) {
        for local in locals.iter().rev() {
            self.end_local(local);
        }
    }

    fn end_local(&mut self, local: &Local) {
        self.emit(if local.captured { Op::CloseUpvalue } else { Op::Pop });
    }

    /// `class C < S { methods }`, as clox compiles it: define the class,
    /// keep the superclass in the hidden local `super` (where the methods
    /// capture it), let the class inherit, then add the methods one by one.
    fn class(&mut self, class: &ast::ClassDecl) {
        self.function.line = class.line;
        let name = self.name(class.target.name());
        self.emit(Op::Class(name));
        self.define(&class.target, class.line);
        if let Some(superclass) = &class.superclass {
            self.get_variable(&superclass.variable);
            self.read_target(&class.target);
            self.emit_at(Op::Inherit, superclass.line);
        }
        self.read_target(&class.target);
        for method in &class.methods {
            let index = self.function(method);
            self.emit_at(Op::Closure(index), method.line);
            let name = self.name(&method.name);
            self.emit(Op::Method(name));
        }
        self.emit(Op::Pop);
        if let Some(superclass) = &class.superclass {
            self.end_local(&superclass.super_local);
        }
    }

    /// Pushes the variable a declaration just defined.
    fn read_target(&mut self, target: &Target) {
        let op = match target {
            Target::Global(name) => self.get_global(name),
            Target::Local(local) => Op::GetLocal(local.slot),
        };
        self.emit(op);
    }

    // ----- Expressions ---------------------------------------------------------------

    fn expression(&mut self, expr: &Expr) {
        match expr {
            Expr::Literal(literal) => self.literal(literal),
            Expr::Variable(variable) | Expr::This(variable) => self.get_variable(variable),
            Expr::Assign { variable, value } => {
                self.expression(value);
                self.set_variable(variable);
            }
            Expr::Unary { op, operand, line } => {
                self.expression(operand);
                let op = match op {
                    UnaryOp::Negate => Op::Negate,
                    UnaryOp::Not => Op::Not,
                };
                self.emit_at(op, *line);
            }
            Expr::Binary { op, left, right, line } => {
                self.expression(left);
                self.expression(right);
                self.binary(*op, *line);
            }
            Expr::Logical { op: LogicalOp::And, left, right } => {
                self.expression(left);
                let to_end = self.emit_jump(Op::JumpIfFalse);
                self.emit(Op::Pop);
                self.expression(right);
                self.patch_jump(to_end);
            }
            Expr::Logical { op: LogicalOp::Or, left, right } => {
                self.expression(left);
                let to_right = self.emit_jump(Op::JumpIfFalse);
                let to_end = self.emit_jump(Op::Jump);
                self.patch_jump(to_right);
                self.emit(Op::Pop);
                self.expression(right);
                self.patch_jump(to_end);
            }
            Expr::Call { callee, args, line } => {
                self.expression(callee);
                let argc = self.arguments(args);
                self.emit_at(Op::Call(argc), *line);
            }
            Expr::Invoke { object, name, args, line } => {
                self.expression(object);
                let argc = self.arguments(args);
                let name = self.name(name);
                self.emit_at(Op::Invoke(name, argc), *line);
            }
            Expr::Get { object, name, line } => {
                self.expression(object);
                let name = self.name(name);
                self.emit_at(Op::GetProperty(name), *line);
            }
            Expr::Set { object, name, value, line } => {
                self.expression(object);
                self.expression(value);
                let name = self.name(name);
                self.emit_at(Op::SetProperty(name), *line);
            }
            Expr::Super { this, superclass, name, line } => {
                self.get_variable(this);
                self.get_variable(superclass);
                let name = self.name(name);
                self.emit_at(Op::GetSuper(name), *line);
            }
            Expr::SuperInvoke { this, superclass, name, args, line } => {
                self.get_variable(this);
                let argc = self.arguments(args);
                self.get_variable(superclass);
                let name = self.name(name);
                self.emit_at(Op::SuperInvoke(name, argc), *line);
            }
        }
    }

    fn literal(&mut self, literal: &Literal) {
        let op = match literal {
            Literal::Nil => Op::Nil,
            Literal::Bool(true) => Op::True,
            Literal::Bool(false) => Op::False,
            Literal::Number(n) => Op::Constant(self.constant(ConstKey::Number(n.to_bits()))),
            Literal::String(text) => Op::Constant(self.constant(ConstKey::String(text.clone()))),
        };
        self.emit(op);
    }

    /// Compiles the arguments of a call and returns how many there are.
    fn arguments(&mut self, args: &[Expr]) -> u8 {
        for arg in args {
            self.expression(arg);
        }
        u8::try_from(args.len()).expect("the parser allows at most 255 arguments")
    }

    /// `a <= b` is `!(a > b)` and `a >= b` is `!(a < b)`, as clox compiles
    /// them, which is what makes both true when an operand is NaN. The
    /// `superinstructions` fuse each such pair into one instruction.
    fn binary(&mut self, op: BinaryOp, line: u32) {
        let (first, negate) = match op {
            BinaryOp::Add => (Op::Add, false),
            BinaryOp::Subtract => (Op::Subtract, false),
            BinaryOp::Multiply => (Op::Multiply, false),
            BinaryOp::Divide => (Op::Divide, false),
            BinaryOp::Equal => (Op::Equal, false),
            BinaryOp::NotEqual if self.config.superinstructions => (Op::NotEqual, false),
            BinaryOp::NotEqual => (Op::Equal, true),
            BinaryOp::Less => (Op::Less, false),
            BinaryOp::LessEqual if self.config.superinstructions => (Op::LessEqual, false),
            BinaryOp::LessEqual => (Op::Greater, true),
            BinaryOp::Greater => (Op::Greater, false),
            BinaryOp::GreaterEqual if self.config.superinstructions => (Op::GreaterEqual, false),
            BinaryOp::GreaterEqual => (Op::Less, true),
        };
        self.emit_at(first, line);
        if negate {
            self.emit(Op::Not);
        }
    }

    fn get_variable(&mut self, variable: &Variable) {
        let op = match variable.kind {
            VarKind::Global => self.get_global(&variable.name),
            VarKind::Local { slot, .. } => Op::GetLocal(slot),
            VarKind::Upvalue { index, .. } => Op::GetUpvalue(index),
        };
        self.emit_at(op, variable.line);
    }

    fn set_variable(&mut self, variable: &Variable) {
        let op = match variable.kind {
            VarKind::Global if self.config.global_slots => {
                Op::SetGlobalSlot(self.program.global_names.slot(&variable.name))
            }
            VarKind::Global => Op::SetGlobal(self.name(&variable.name)),
            VarKind::Local { slot, .. } => Op::SetLocal(slot),
            VarKind::Upvalue { index, .. } => Op::SetUpvalue(index),
        };
        self.emit_at(op, variable.line);
    }

    /// The instruction that reads the global called `name`.
    fn get_global(&mut self, name: &Rc<str>) -> Op {
        if self.config.global_slots {
            Op::GetGlobalSlot(self.program.global_names.slot(name))
        } else {
            Op::GetGlobal(self.name(name))
        }
    }
}
