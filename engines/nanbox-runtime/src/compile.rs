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
//! The compiler never fails, and the encoding sets no limit: an index
//! operand past 255 gets the `Wide` prefix, and a function with a forward
//! jump too long for 16 bits is compiled again with 32-bit jumps. It
//! allocates functions and strings on the heap with collection paused (it
//! never asks the heap to collect), and everything it made is reachable
//! from the script function it returns, which the session roots until it
//! runs.

mod condition;

use crate::chunk::Chunk;
use crate::config::Config;
use crate::globals::GlobalNames;
use crate::heap::Heap;
use crate::object::{Gc, ObjFunction};
use crate::op::Op;
use crate::value::Value;
use frontend::ast::{self, BinaryOp, Expr, FunctionKind, Literal, Local, LogicalOp, Stmt, Target, UnaryOp};
use frontend::ast::{VarKind, Variable};
use frontend::hash::FixedMap;
use std::rc::Rc;

/// Compiles a parsed program, interning its strings and allocating its
/// functions in `heap`, and returns the script's function.
pub fn compile(ast: &ast::Program, heap: &mut Heap, global_names: &mut GlobalNames, config: Config) -> Gc<ObjFunction> {
    let function = FunctionState::new(ast.script.kind, ast.script.line, 0, false);
    let mut compiler = Compiler { heap, global_names, config, function, done: FixedMap::default() };
    compiler.function(&ast.script)
}

struct Compiler<'a> {
    heap: &'a mut Heap,
    global_names: &'a mut GlobalNames,
    config: Config,
    /// The function being compiled; an enclosing one waits on the Rust stack.
    function: FunctionState,
    /// Functions already compiled, so that compiling an outer function again
    /// with long jumps does not compile its inner functions again.
    done: FixedMap<*const ast::Function, Gc<ObjFunction>>,
}

struct FunctionState {
    kind: FunctionKind,
    chunk: Chunk,
    /// Each constant once per chunk, by its bits, however often the code
    /// mentions it.
    constants: FixedMap<u64, u32>,
    /// The source line given to instructions emitted now: the line of the
    /// nearest enclosing node that has one.
    line: u32,
    /// How many values the code emitted so far leaves on the stack, from
    /// slot 0, on the path being compiled; and the most it ever left.
    height: usize,
    max_height: usize,
    /// Whether forward jumps take 4 bytes; set for a second compilation
    /// when a 2-byte jump could not reach its target.
    long_jumps: bool,
    jump_overflow: bool,
}

/// A forward jump waiting for its target, and the stack height where it
/// jumps from, which is the height at its target too.
struct PendingJump {
    /// Where its distance operand is.
    at: usize,
    height: usize,
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
    fn new(kind: FunctionKind, line: u32, arity: usize, long_jumps: bool) -> FunctionState {
        let height = 1 + arity;
        FunctionState {
            kind,
            chunk: Chunk::default(),
            constants: FixedMap::default(),
            line,
            height,
            max_height: height,
            long_jumps,
            jump_overflow: false,
        }
    }
}

impl Compiler<'_> {
    /// Compiles a function's body into a new function object.
    fn function(&mut self, function: &Rc<ast::Function>) -> Gc<ObjFunction> {
        if let Some(&done) = self.done.get(&Rc::as_ptr(function)) {
            return done;
        }
        let mut long_jumps = false;
        let finished = loop {
            let state = FunctionState::new(function.kind, function.line, function.arity(), long_jumps);
            let outer = std::mem::replace(&mut self.function, state);
            self.statements(&function.body);
            self.emit_return_value();
            self.emit(Op::Return);
            let finished = std::mem::replace(&mut self.function, outer);
            if !finished.jump_overflow {
                break finished;
            }
            long_jumps = true;
        };
        let name = (function.kind != FunctionKind::Script).then(|| self.heap.intern(&function.name));
        let compiled = self.heap.new_function(
            name,
            function.arity(),
            function.upvalues.len(),
            finished.max_height,
            finished.chunk,
            function.marker,
        );
        self.done.insert(Rc::as_ptr(function), compiled);
        compiled
    }

    // ----- Emitting ------------------------------------------------------------------

    /// Emits an opcode; its operands follow with the `emit_*` below.
    fn emit(&mut self, op: Op) -> usize {
        let function = &mut self.function;
        function.chunk.mark_line(function.line);
        function.chunk.code.push(op as u8);
        self.adjust_height(op.stack_effect());
        self.function.chunk.code.len() - 1
    }

    fn adjust_height(&mut self, effect: isize) {
        let function = &mut self.function;
        function.height = function.height.checked_add_signed(effect).expect("the stack never underflows");
        function.max_height = function.max_height.max(function.height);
    }

    /// Emits an instruction that can fail, with the line its error reports.
    fn emit_at(&mut self, op: Op, line: u32) -> usize {
        self.function.line = line;
        self.emit(op)
    }

    fn emit_byte(&mut self, byte: u8) {
        self.function.chunk.code.push(byte);
    }

    /// Emits an opcode with an index operand: one byte, or `Wide` and three.
    fn emit_index(&mut self, op: Op, index: u32) {
        if index <= u32::from(u8::MAX) {
            self.emit(op);
            self.emit_byte(index as u8);
        } else {
            assert!(index < 1 << 24, "more than 16 million constants or globals in one program");
            self.emit(Op::Wide);
            self.emit(op);
            self.function.chunk.code.extend_from_slice(&index.to_le_bytes()[..3]);
        }
    }

    /// Emits the argument count of a call, which takes the arguments.
    fn emit_argc(&mut self, argc: u8) {
        self.emit_byte(argc);
        self.adjust_height(-isize::from(argc));
    }

    /// Emits a forward jump, to be pointed at its target by [`Self::patch_jump`].
    fn emit_jump(&mut self, op: Op) -> PendingJump {
        let (op, width) = match (op, self.function.long_jumps) {
            (_, false) => (op, 2),
            (Op::Jump, true) => (Op::JumpLong, 4),
            (Op::JumpIfFalse, true) => (Op::JumpIfFalseLong, 4),
            (Op::JumpIfFalsePop, true) => (Op::JumpIfFalsePopLong, 4),
            (op, true) => unreachable!("{op:?} has no long form; conditions are not fused in long functions"),
        };
        self.emit(op);
        let at = self.here();
        self.function.chunk.code.resize(at + width, 0);
        PendingJump { at, height: self.function.height }
    }

    /// Emits a jump back to `start`, the beginning of a loop.
    fn emit_loop(&mut self, start: usize) {
        let short_distance = self.here() + 3 - start;
        if let Ok(distance) = u16::try_from(short_distance) {
            self.emit(Op::Loop);
            self.function.chunk.code.extend_from_slice(&distance.to_le_bytes());
        } else {
            self.emit(Op::LoopLong);
            let distance = u32::try_from(self.here() + 4 - start).expect("a function's code is under 4 GiB");
            self.function.chunk.code.extend_from_slice(&distance.to_le_bytes());
        }
    }

    fn here(&self) -> usize {
        self.function.chunk.code.len()
    }

    /// Points a forward jump at the next instruction to be emitted. Code
    /// there is reached from the jump too, so the stack height there is the
    /// jump's (the fall-through path, when there is one, agrees). A 2-byte
    /// jump that cannot reach marks the function for compiling again.
    fn patch_jump(&mut self, jump: PendingJump) {
        let width = if self.function.long_jumps { 4 } else { 2 };
        let distance = self.here() - (jump.at + width);
        let code = &mut self.function.chunk.code;
        if self.function.long_jumps {
            let distance = u32::try_from(distance).expect("a function's code is under 4 GiB");
            code[jump.at..jump.at + 4].copy_from_slice(&distance.to_le_bytes());
        } else if let Ok(distance) = u16::try_from(distance) {
            code[jump.at..jump.at + 2].copy_from_slice(&distance.to_le_bytes());
        } else {
            self.function.jump_overflow = true;
        }
        self.function.height = jump.height;
    }

    fn constant(&mut self, value: Value) -> u32 {
        if let Some(&index) = self.function.constants.get(&value.bits()) {
            return index;
        }
        let constants = &mut self.function.chunk.constants;
        let index = u32::try_from(constants.len()).expect("fewer than 2^32 constants");
        constants.push(value);
        self.function.constants.insert(value.bits(), index);
        index
    }

    fn name(&mut self, name: &str) -> u32 {
        let string = self.heap.intern(name);
        self.constant(string.value())
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
                self.closure(function);
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
                self.function.line = variable.line;
                match variable.kind {
                    VarKind::Global if self.config.global_slots => {
                        let slot = self.global_names.slot(&variable.name);
                        self.emit_index(Op::SetGlobalSlotPop, slot);
                    }
                    VarKind::Global => {
                        let name = self.name(&variable.name);
                        self.emit_index(Op::SetGlobalPop, name);
                    }
                    VarKind::Local { slot, .. } => self.emit_slot(Op::SetLocalPop, slot),
                    VarKind::Upvalue { index, .. } => self.emit_slot(Op::SetUpvaluePop, index),
                }
            }
            Expr::Set { object, name, value, line } if self.config.superinstructions => {
                self.expression(object);
                self.expression(value);
                self.function.line = *line;
                let name = self.name(name);
                self.emit_index(Op::SetPropertyPop, name);
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
    /// `fused-conditions` it never becomes a value at all (except in a
    /// function long enough for 4-byte jumps, which the fused jumps lack).
    fn condition(&mut self, condition: &Expr) -> FalseExit {
        if self.config.fused_conditions && !self.function.long_jumps {
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
            FunctionKind::Initializer => self.emit_slot(Op::GetLocal, 0),
            FunctionKind::Script | FunctionKind::Function | FunctionKind::Method => _ = self.emit(Op::Nil),
        };
    }

    /// Stores a declaration's value, which is on top of the stack: a global
    /// takes it off; a local's value stays where it is, as its slot.
    fn define(&mut self, target: &Target, line: u32) {
        if let Target::Global(name) = target {
            self.function.line = line;
            if self.config.global_slots {
                let slot = self.global_names.slot(name);
                self.emit_index(Op::DefineGlobalSlot, slot);
            } else {
                let name = self.name(name);
                self.emit_index(Op::DefineGlobal, name);
            }
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
        self.emit_index(Op::Class, name);
        self.define(&class.target, class.line);
        if let Some(superclass) = &class.superclass {
            self.get_variable(&superclass.variable);
            self.read_target(&class.target);
            self.emit_at(Op::Inherit, superclass.line);
        }
        self.read_target(&class.target);
        for method in &class.methods {
            self.function.line = method.line;
            self.closure(method);
            let name = self.name(&method.name);
            self.emit_index(Op::Method, name);
        }
        self.emit(Op::Pop);
        if let Some(superclass) = &class.superclass {
            self.end_local(&superclass.super_local);
        }
    }

    /// Pushes the variable a declaration just defined.
    fn read_target(&mut self, target: &Target) {
        match target {
            Target::Global(name) => self.get_global(name),
            Target::Local(local) => self.emit_slot(Op::GetLocal, local.slot),
        }
    }

    /// `[] -> [closure]`: the function's closure, its capture list encoded
    /// as operands, two bytes per upvalue.
    fn closure(&mut self, function: &Rc<ast::Function>) {
        let compiled = self.function(function);
        let index = self.constant(compiled.value());
        self.function.line = function.line;
        self.emit_index(Op::Closure, index);
        for capture in &function.upvalues {
            self.emit_byte(u8::from(capture.is_local));
            self.emit_byte(capture.index as u8);
        }
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
                self.emit_at(Op::Call, *line);
                self.emit_argc(argc);
            }
            Expr::Invoke { object, name, args, line } => {
                self.expression(object);
                let argc = self.arguments(args);
                self.function.line = *line;
                let name = self.name(name);
                self.emit_index(Op::Invoke, name);
                self.emit_argc(argc);
            }
            Expr::Get { object, name, line } => {
                self.expression(object);
                self.function.line = *line;
                let name = self.name(name);
                self.emit_index(Op::GetProperty, name);
            }
            Expr::Set { object, name, value, line } => {
                self.expression(object);
                self.expression(value);
                self.function.line = *line;
                let name = self.name(name);
                self.emit_index(Op::SetProperty, name);
            }
            Expr::Super { this, superclass, name, line } => {
                self.get_variable(this);
                self.get_variable(superclass);
                self.function.line = *line;
                let name = self.name(name);
                self.emit_index(Op::GetSuper, name);
            }
            Expr::SuperInvoke { this, superclass, name, args, line } => {
                self.get_variable(this);
                let argc = self.arguments(args);
                self.get_variable(superclass);
                self.function.line = *line;
                let name = self.name(name);
                self.emit_index(Op::SuperInvoke, name);
                self.emit_argc(argc);
            }
        }
    }

    fn literal(&mut self, literal: &Literal) {
        match literal {
            Literal::Nil => _ = self.emit(Op::Nil),
            Literal::Bool(true) => _ = self.emit(Op::True),
            Literal::Bool(false) => _ = self.emit(Op::False),
            Literal::Number(n) => {
                let index = self.constant(Value::number(*n));
                self.emit_index(Op::Constant, index);
            }
            Literal::String(text) => {
                let index = self.name(text);
                self.emit_index(Op::Constant, index);
            }
        }
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
        self.function.line = variable.line;
        match variable.kind {
            VarKind::Global => self.get_global(&variable.name),
            VarKind::Local { slot, .. } => self.emit_slot(Op::GetLocal, slot),
            VarKind::Upvalue { index, .. } => self.emit_slot(Op::GetUpvalue, index),
        }
    }

    fn set_variable(&mut self, variable: &Variable) {
        self.function.line = variable.line;
        match variable.kind {
            VarKind::Global if self.config.global_slots => {
                let slot = self.global_names.slot(&variable.name);
                self.emit_index(Op::SetGlobalSlot, slot);
            }
            VarKind::Global => {
                let name = self.name(&variable.name);
                self.emit_index(Op::SetGlobal, name);
            }
            VarKind::Local { slot, .. } => self.emit_slot(Op::SetLocal, slot),
            VarKind::Upvalue { index, .. } => self.emit_slot(Op::SetUpvalue, index),
        }
    }

    /// Emits the instruction that reads the global called `name`.
    fn get_global(&mut self, name: &Rc<str>) {
        if self.config.global_slots {
            let slot = self.global_names.slot(name);
            self.emit_index(Op::GetGlobalSlot, slot);
        } else {
            let name = self.name(name);
            self.emit_index(Op::GetGlobal, name);
        }
    }

    /// Emits an opcode with a one-byte local slot or upvalue index.
    fn emit_slot(&mut self, op: Op, slot: u16) {
        self.emit(op);
        self.emit_byte(u8::try_from(slot).expect("the front end allows at most 256 locals and upvalues"));
    }
}
