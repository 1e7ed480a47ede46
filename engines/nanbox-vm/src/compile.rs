//! From the resolved AST to bytecode, one function at a time.
//!
//! The front end has already resolved every variable, so this is a plain walk:
//! locals become `GetLocal slot` with the resolver's slot, captured variables
//! `GetUpvalue index` with its capture index, and a closure's capture list is
//! copied from [`ast::Function::upvalues`]. Two things go beyond clox:
//!
//! * **Globals are slots.** Each global name gets a slot in the session's
//!   [`GlobalNames`] the first time any program mentions it, and the VM keeps
//!   globals in a vector indexed by slot, with [`Value::ABSENT`] for "not
//!   defined yet". A global access is an index, not a hash lookup, and stays
//!   late-bound: the slot is only checked for absence when the access runs.
//! * **No encoding limits.** An index operand past 255 gets the `Wide` prefix;
//!   a function whose forward jump does not fit in 16 bits is compiled again
//!   with 32-bit jumps.
//!
//! The compiler allocates functions and strings on the GC heap with
//! collection paused: it never asks the heap to collect, and everything it
//! made is reachable from the script function it returns, which the session
//! roots until it runs.
//!
//! It also computes each function's `max_stack`, the most slots a frame of
//! it can use, so that a call can check for room on the fixed value stack.

use crate::chunk::Chunk;
use crate::heap::Heap;
use crate::object::{Gc, ObjFunction};
use crate::op::Op;
use crate::value::Value;
use frontend::ast::{
    self, BinaryOp, ClassDecl, Expr, FunctionKind, Literal, LogicalOp, Stmt, Target, UnaryOp, VarKind, Variable,
};
use frontend::hash::FixedMap;
use std::rc::Rc;

/// The session's global names and their slots. Slots only grow, so code
/// compiled for earlier programs (the prompt) stays valid.
#[derive(Default)]
pub struct GlobalNames {
    slots: FixedMap<Rc<str>, u32>,
    names: Vec<Rc<str>>,
}

impl GlobalNames {
    pub fn slot(&mut self, name: &Rc<str>) -> u32 {
        if let Some(&slot) = self.slots.get(name) {
            return slot;
        }
        let slot = self.names.len() as u32;
        self.slots.insert(name.clone(), slot);
        self.names.push(name.clone());
        slot
    }

    pub fn name(&self, slot: usize) -> &str {
        &self.names[slot]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }
}

/// Compiles a whole program to its script function.
pub fn compile(program: &ast::Program, heap: &mut Heap, globals: &mut GlobalNames) -> Gc<ObjFunction> {
    let mut compiler = Compiler { heap, globals, done: FixedMap::default() };
    compiler.function(&program.script)
}

/// What every function's compilation shares.
struct Compiler<'a> {
    heap: &'a mut Heap,
    globals: &'a mut GlobalNames,
    /// Functions already compiled, so that recompiling an outer function with
    /// long jumps does not compile its inner functions again.
    done: FixedMap<*const ast::Function, Gc<ObjFunction>>,
}

impl Compiler<'_> {
    fn function(&mut self, function: &Rc<ast::Function>) -> Gc<ObjFunction> {
        if let Some(&done) = self.done.get(&Rc::as_ptr(function)) {
            return done;
        }
        let mut long_jumps = false;
        let compiled = loop {
            let mut state = FunctionCompiler::new(self, function.kind, long_jumps, 1 + function.arity());
            state.line = function.line;
            state.statements(&function.body);
            state.implicit_return();
            if state.jump_overflow {
                long_jumps = true;
                continue;
            }
            let (chunk, max_stack) = (state.chunk, state.max_depth);
            let name = (function.kind != FunctionKind::Script).then(|| self.heap.intern(&function.name));
            break self.heap.new_function(name, function.arity(), function.upvalues.len(), max_stack, chunk);
        };
        self.done.insert(Rc::as_ptr(function), compiled);
        compiled
    }
}

/// The state of one function being compiled.
struct FunctionCompiler<'c, 'a> {
    compiler: &'c mut Compiler<'a>,
    chunk: Chunk,
    kind: FunctionKind,
    long_jumps: bool,
    /// Set when a 16-bit forward jump could not reach its target.
    jump_overflow: bool,
    /// The line the next instruction is attributed to.
    line: u32,
    /// Stack slots in use at this point of the code, and the most so far.
    depth: usize,
    max_depth: usize,
    /// Constants already in the chunk, by their bits, so each appears once.
    constant_indices: FixedMap<u64, u32>,
}

impl<'c, 'a> FunctionCompiler<'c, 'a> {
    fn new(compiler: &'c mut Compiler<'a>, kind: FunctionKind, long_jumps: bool, depth: usize) -> Self {
        FunctionCompiler {
            compiler,
            chunk: Chunk::default(),
            kind,
            long_jumps,
            jump_overflow: false,
            line: 0,
            depth,
            max_depth: depth,
            constant_indices: FixedMap::default(),
        }
    }

    // ----- Emitting ------------------------------------------------------------

    /// Emits an opcode whose stack effect is `effect` slots.
    fn op(&mut self, op: Op, effect: isize) {
        self.chunk.mark_line(self.line);
        self.chunk.code.push(op as u8);
        self.adjust(effect);
    }

    fn adjust(&mut self, effect: isize) {
        self.depth = self.depth.checked_add_signed(effect).expect("the stack never goes below the frame");
        self.max_depth = self.max_depth.max(self.depth);
    }

    fn byte(&mut self, byte: u8) {
        self.chunk.code.push(byte);
    }

    /// Emits an opcode with an index operand: one byte, or `Wide` and three.
    fn op_index(&mut self, op: Op, index: u32, effect: isize) {
        if index <= u32::from(u8::MAX) {
            self.op(op, effect);
            self.byte(index as u8);
        } else {
            assert!(index < 1 << 24, "more than 16 million constants or globals in one program");
            self.op(Op::Wide, 0);
            self.op(op, effect);
            self.chunk.code.extend_from_slice(&index.to_le_bytes()[..3]);
        }
    }

    fn constant(&mut self, value: Value) -> u32 {
        if let Some(&index) = self.constant_indices.get(&value.bits()) {
            return index;
        }
        let index = self.chunk.constants.len() as u32;
        self.chunk.constants.push(value);
        self.constant_indices.insert(value.bits(), index);
        index
    }

    fn name_constant(&mut self, name: &str) -> u32 {
        let string = self.compiler.heap.intern(name);
        self.constant(string.value())
    }

    /// Emits a forward jump and returns where its operand is, for `patch`.
    fn jump(&mut self, op: Op) -> usize {
        let (op, width, effect) = match (op, self.long_jumps) {
            (Op::Jump, false) => (Op::Jump, 2, 0),
            (Op::Jump, true) => (Op::JumpLong, 4, 0),
            (Op::JumpIfFalse, false) => (Op::JumpIfFalse, 2, 0),
            (Op::JumpIfFalse, true) => (Op::JumpIfFalseLong, 4, 0),
            (Op::JumpIfFalsePop, false) => (Op::JumpIfFalsePop, 2, -1),
            (Op::JumpIfFalsePop, true) => (Op::JumpIfFalsePopLong, 4, -1),
            _ => unreachable!("only the Jump and JumpIfFalse families jump forward"),
        };
        self.op(op, effect);
        let at = self.chunk.code.len();
        self.chunk.code.resize(at + width, 0);
        at
    }

    /// Points the jump whose operand is at `at` to the current end of code.
    fn patch(&mut self, at: usize) {
        let width = if self.long_jumps { 4 } else { 2 };
        let distance = self.chunk.code.len() - (at + width);
        if self.long_jumps {
            self.chunk.code[at..at + 4].copy_from_slice(&(distance as u32).to_le_bytes());
        } else if let Ok(distance) = u16::try_from(distance) {
            self.chunk.code[at..at + 2].copy_from_slice(&distance.to_le_bytes());
        } else {
            self.jump_overflow = true;
        }
    }

    /// Emits a backward jump to `start`.
    fn loop_back(&mut self, start: usize) {
        let short_distance = self.chunk.code.len() + 3 - start;
        if let Ok(distance) = u16::try_from(short_distance) {
            self.op(Op::Loop, 0);
            self.chunk.code.extend_from_slice(&distance.to_le_bytes());
        } else {
            self.op(Op::LoopLong, 0);
            let distance = (self.chunk.code.len() + 4 - start) as u32;
            self.chunk.code.extend_from_slice(&distance.to_le_bytes());
        }
    }

    // ----- Statements ----------------------------------------------------------

    fn statements(&mut self, statements: &[Stmt]) {
        for statement in statements {
            self.statement(statement);
        }
    }

    fn statement(&mut self, statement: &Stmt) {
        match statement {
            Stmt::Expression(Expr::Assign { variable, value }) if matches!(variable.kind, VarKind::Local { .. }) => {
                // An assignment statement to a local stores and pops at once.
                let VarKind::Local { slot, .. } = variable.kind else { unreachable!("matched above") };
                self.expression(value);
                self.op_index_u8(Op::SetLocalPop, slot, -1);
            }
            Stmt::Expression(expr) => {
                self.expression(expr);
                self.op(Op::Pop, -1);
            }
            Stmt::Print(expr) => {
                self.expression(expr);
                self.op(Op::Print, -1);
            }
            Stmt::Var { target, init, line } => {
                match init {
                    Some(init) => self.expression(init),
                    None => self.op(Op::Nil, 1),
                }
                self.line = *line;
                self.define(target);
            }
            Stmt::Function { target, function } => {
                self.closure(function);
                self.define(target);
            }
            Stmt::Class(class) => self.class(class),
            Stmt::Block { body, locals } => {
                self.statements(body);
                self.end_scope(locals);
            }
            Stmt::If { condition, then_branch, else_branch } => {
                self.expression(condition);
                let to_else = self.jump(Op::JumpIfFalsePop);
                self.statement(then_branch);
                match else_branch {
                    Some(else_branch) => {
                        let to_end = self.jump(Op::Jump);
                        self.patch(to_else);
                        self.statement(else_branch);
                        self.patch(to_end);
                    }
                    None => self.patch(to_else),
                }
            }
            Stmt::While { condition, body, increment } => {
                let start = self.chunk.code.len();
                self.expression(condition);
                let to_exit = self.jump(Op::JumpIfFalsePop);
                self.statement(body);
                if let Some(increment) = increment {
                    self.expression(increment);
                    self.op(Op::Pop, -1);
                }
                self.loop_back(start);
                self.patch(to_exit);
            }
            Stmt::Return { value, line } => {
                self.line = *line;
                match value {
                    Some(value) => self.expression(value),
                    None if self.kind == FunctionKind::Initializer => self.op_index_u8(Op::GetLocal, 0, 1),
                    None => self.op(Op::Nil, 1),
                }
                self.op(Op::Return, -1);
            }
        }
    }

    fn implicit_return(&mut self) {
        if self.kind == FunctionKind::Initializer {
            self.op_index_u8(Op::GetLocal, 0, 1);
        } else {
            self.op(Op::Nil, 1);
        }
        self.op(Op::Return, -1);
    }

    /// Pops (or closes, when captured) a scope's locals, last declared first.
    fn end_scope(&mut self, locals: &[ast::Local]) {
        for local in locals.iter().rev() {
            if local.captured {
                self.op(Op::CloseUpvalue, -1);
            } else {
                self.op(Op::Pop, -1);
            }
        }
    }

    /// Stores the value on top of the stack into a new variable: a global
    /// slot, or (for a local) the stack slot it already occupies.
    fn define(&mut self, target: &Target) {
        match target {
            Target::Global(name) => {
                let slot = self.compiler.globals.slot(name);
                self.op_index(Op::DefineGlobal, slot, -1);
            }
            Target::Local(_) => {}
        }
    }

    fn target_read(&mut self, target: &Target) {
        match target {
            Target::Global(name) => {
                let slot = self.compiler.globals.slot(name);
                self.op_index(Op::GetGlobal, slot, 1);
            }
            Target::Local(local) => self.op_index_u8(Op::GetLocal, local.slot, 1),
        }
    }

    fn class(&mut self, class: &ClassDecl) {
        self.line = class.line;
        let name = self.name_constant(class.target.name());
        self.op_index(Op::Class, name, 1);
        self.define(&class.target);
        if let Some(superclass) = &class.superclass {
            // The superclass value becomes the hidden local `super`.
            self.variable(&superclass.variable);
            self.target_read(&class.target);
            self.line = superclass.line;
            self.op(Op::Inherit, -1);
        }
        self.target_read(&class.target);
        for method in &class.methods {
            self.line = method.line;
            self.closure(method);
            let name = self.name_constant(&method.name);
            self.op_index(Op::Method, name, -1);
        }
        self.op(Op::Pop, -1);
        if let Some(superclass) = &class.superclass {
            self.end_scope(std::slice::from_ref(&superclass.super_local));
        }
    }

    fn closure(&mut self, function: &Rc<ast::Function>) {
        let compiled = self.compiler.function(function);
        let index = self.constant(compiled.value());
        self.op_index(Op::Closure, index, 1);
        for capture in &function.upvalues {
            self.byte(u8::from(capture.is_local));
            self.byte(capture.index as u8);
        }
    }

    // ----- Expressions ---------------------------------------------------------

    fn op_index_u8(&mut self, op: Op, operand: u16, effect: isize) {
        self.op(op, effect);
        self.byte(operand as u8);
    }

    fn variable(&mut self, variable: &Variable) {
        match variable.kind {
            VarKind::Global => {
                self.line = variable.line;
                let slot = self.compiler.globals.slot(&variable.name);
                self.op_index(Op::GetGlobal, slot, 1);
            }
            VarKind::Local { slot, .. } => self.op_index_u8(Op::GetLocal, slot, 1),
            VarKind::Upvalue { index, .. } => self.op_index_u8(Op::GetUpvalue, index, 1),
        }
    }

    fn assign(&mut self, variable: &Variable) {
        match variable.kind {
            VarKind::Global => {
                self.line = variable.line;
                let slot = self.compiler.globals.slot(&variable.name);
                self.op_index(Op::SetGlobal, slot, 0);
            }
            VarKind::Local { slot, .. } => self.op_index_u8(Op::SetLocal, slot, 0),
            VarKind::Upvalue { index, .. } => self.op_index_u8(Op::SetUpvalue, index, 0),
        }
    }

    fn arguments(&mut self, args: &[Expr]) -> u8 {
        for arg in args {
            self.expression(arg);
        }
        args.len() as u8
    }

    fn expression(&mut self, expr: &Expr) {
        match expr {
            Expr::Literal(literal) => match literal {
                Literal::Nil => self.op(Op::Nil, 1),
                Literal::Bool(true) => self.op(Op::True, 1),
                Literal::Bool(false) => self.op(Op::False, 1),
                Literal::Number(n) => {
                    let index = self.constant(Value::number(*n));
                    self.op_index(Op::Constant, index, 1);
                }
                Literal::String(text) => {
                    let index = self.name_constant(text);
                    self.op_index(Op::Constant, index, 1);
                }
            },
            Expr::Variable(variable) | Expr::This(variable) => self.variable(variable),
            Expr::Assign { variable, value } => {
                self.expression(value);
                self.assign(variable);
            }
            Expr::Unary { op, operand, line } => {
                self.expression(operand);
                self.line = *line;
                match op {
                    UnaryOp::Negate => self.op(Op::Negate, 0),
                    UnaryOp::Not => self.op(Op::Not, 0),
                }
            }
            Expr::Binary { op, left, right, line } => {
                self.expression(left);
                self.expression(right);
                self.line = *line;
                self.binary(*op);
            }
            Expr::Logical { op, left, right } => {
                self.expression(left);
                match op {
                    LogicalOp::And => {
                        let to_end = self.jump(Op::JumpIfFalse);
                        self.op(Op::Pop, -1);
                        self.expression(right);
                        self.patch(to_end);
                    }
                    LogicalOp::Or => {
                        let to_right = self.jump(Op::JumpIfFalse);
                        let to_end = self.jump(Op::Jump);
                        self.patch(to_right);
                        self.op(Op::Pop, -1);
                        self.expression(right);
                        self.patch(to_end);
                    }
                }
            }
            Expr::Call { callee, args, line } => {
                self.expression(callee);
                let argc = self.arguments(args);
                self.line = *line;
                self.op_index_u8(Op::Call, u16::from(argc), -isize::from(argc));
            }
            Expr::Invoke { object, name, args, line } => {
                self.expression(object);
                let argc = self.arguments(args);
                self.line = *line;
                let name = self.name_constant(name);
                self.op_index(Op::Invoke, name, -isize::from(argc));
                self.byte(argc);
            }
            Expr::Get { object, name, line } => {
                self.expression(object);
                self.line = *line;
                let name = self.name_constant(name);
                self.op_index(Op::GetProperty, name, 0);
            }
            Expr::Set { object, name, value, line } => {
                self.expression(object);
                self.expression(value);
                self.line = *line;
                let name = self.name_constant(name);
                self.op_index(Op::SetProperty, name, -1);
            }
            Expr::Super { this, superclass, name, line } => {
                self.variable(this);
                self.variable(superclass);
                self.line = *line;
                let name = self.name_constant(name);
                self.op_index(Op::GetSuper, name, -1);
            }
            Expr::SuperInvoke { this, superclass, name, args, line } => {
                self.variable(this);
                let argc = self.arguments(args);
                self.variable(superclass);
                self.line = *line;
                let name = self.name_constant(name);
                self.op_index(Op::SuperInvoke, name, -isize::from(argc) - 1);
                self.byte(argc);
            }
        }
    }

    /// One instruction per operator: clox's `Greater; Not` for `<=` (and
    /// its kin) are fused, keeping clox's meaning: `a <= b` is `!(a > b)`, so
    /// that NaN compares as LOX.md says.
    fn binary(&mut self, op: BinaryOp) {
        let op = match op {
            BinaryOp::Add => Op::Add,
            BinaryOp::Subtract => Op::Subtract,
            BinaryOp::Multiply => Op::Multiply,
            BinaryOp::Divide => Op::Divide,
            BinaryOp::Equal => Op::Equal,
            BinaryOp::NotEqual => Op::NotEqual,
            BinaryOp::Less => Op::Less,
            BinaryOp::LessEqual => Op::LessEqual,
            BinaryOp::Greater => Op::Greater,
            BinaryOp::GreaterEqual => Op::GreaterEqual,
        };
        self.op(op, -1);
    }
}
