//! The virtual machine: a value stack, call frames, and the dispatch loop.
//!
//! The loop is clox's: fetch the next instruction of the running function,
//! `match` on it, repeat. What clox keeps in its `CallFrame` and `stackTop`
//! (the instruction index, the frame's stack base, the top of the stack) is
//! kept here in local variables of the loop, where the compiler can hold
//! them in registers, and written back to `self` only around work done out
//! of line: a call needs the caller's position to return to, the collector
//! needs the top of the stack to know the roots, and a runtime error needs
//! every frame's position for its trace.
//!
//! The stack is a `Vec` whose length is its capacity: every slot exists, and
//! `sp` says how many are in use. A call makes sure the callee's deepest
//! stack (computed by the compiler) fits before the frame starts, so pushes
//! never grow the stack; indexing is still bounds-checked, as safe Rust does.
//!
//! Fallible handlers return a [`Fault`], just the message; the loop turns it
//! into a runtime error with the trace of every frame, on a cold path.

use crate::chunk::Program;
use crate::config::Config;
use crate::globals::Globals;
use crate::heap::Heap;
use crate::object::{ObjClosure, Object};
use crate::op::{FunctionIndex, GlobalIndex, Op};
use crate::value::{ObjRef, Value};
use frontend::diagnostics::{RunError, RuntimeError, TraceLine};
use frontend::messages;
use frontend::number;
use std::io::Write;

/// The stack slots a session starts with; calls add more as they need them.
const INITIAL_STACK: usize = 1 << 12;

/// The message of a runtime error, before the trace is attached.
///
/// Boxed, so that a handler's `Result<(), Fault>` is one machine word and
/// comes back in a register: the hot path pays nothing for the error case,
/// and the allocation happens only when a program fails.
#[expect(clippy::box_collection, reason = "a thin pointer keeps `Result<(), Fault>` in one register")]
pub struct Fault(Box<String>);

impl From<&'static str> for Fault {
    #[cold]
    fn from(message: &'static str) -> Fault {
        Fault(Box::new(message.to_string()))
    }
}

impl From<String> for Fault {
    #[cold]
    fn from(message: String) -> Fault {
        Fault(Box::new(message))
    }
}

/// One active call.
#[derive(Clone, Copy, Debug)]
pub struct CallFrame {
    pub closure: ObjRef,
    /// The closure's function, cached here so that resuming a frame needs
    /// no heap access.
    pub function: FunctionIndex,
    /// The next instruction to run; for a frame that made a call, the one
    /// after the call (so `ip - 1` is the call, for traces).
    pub ip: usize,
    /// The stack index of slot 0: the callee, or `this` in methods.
    pub base: usize,
}

/// A session's run-time state: it persists between programs at the prompt.
pub struct Vm {
    pub heap: Heap,
    /// Every slot of the value stack; `stack[..sp]` is in use.
    pub stack: Vec<Value>,
    /// The top of the stack while work is done out of the loop (the loop
    /// keeps its own copy in a register and writes it back around calls).
    pub sp: usize,
    pub frames: Vec<CallFrame>,
    pub globals: Globals,
    /// The upvalues still pointing into the stack, by stack slot, ascending.
    pub open_upvalues: Vec<(usize, ObjRef)>,
    /// The interned `"init"`, to find initializers.
    pub init_string: ObjRef,
    /// The session's tunings.
    pub config: Config,
    print_buffer: String,
    /// Instructions dispatched by the last run (with the `work-count` feature).
    pub work: u64,
    /// Executions per opcode and pair, and the profiling marker.
    #[cfg(feature = "work-count")]
    pub profile: crate::profile::Profile,
}

impl Vm {
    pub fn new(gc_stress: bool, config: Config) -> Vm {
        let mut heap = Heap::new(gc_stress, &config);
        let init_string = heap.intern_pinned("init");
        Vm {
            heap,
            stack: vec![Value::Nil; INITIAL_STACK],
            sp: 0,
            frames: Vec::with_capacity(messages::MAX_FRAMES),
            globals: Globals::default(),
            open_upvalues: Vec::new(),
            init_string,
            config,
            print_buffer: String::new(),
            work: 0,
            #[cfg(feature = "work-count")]
            profile: crate::profile::Profile::new(),
        }
    }

    /// Allocates an object, collecting garbage first when it is due. Every
    /// object the caller still needs must be reachable from a root, and
    /// `self.sp` must be current.
    pub fn alloc(&mut self, object: Object) -> ObjRef {
        self.maybe_collect();
        self.heap.insert(object)
    }

    /// Collects garbage if the heap says it is time. Call only where every
    /// object in use is rooted and `self.sp` is current.
    #[inline(always)]
    pub fn maybe_collect(&mut self) {
        if self.heap.should_collect() {
            self.collect_garbage();
        }
    }

    /// Defines a global from outside Lox code (the natives), in the store
    /// the session's code uses.
    pub fn define_native(&mut self, program: &mut Program, name: &str, value: Value) {
        if self.config.global_slots {
            let slot = program.global_names.slot(&name.into());
            self.grow_globals(slot.index() + 1);
            self.globals.slots[slot.index()] = Some(value);
        } else {
            let name = self.heap.intern_pinned(name);
            self.globals.table.set(name, self.heap.string(name).hash, value);
        }
    }

    fn grow_globals(&mut self, count: usize) {
        if self.globals.slots.len() < count {
            self.globals.slots.resize(count, None);
        }
    }

    /// Makes sure the stack has `needed` slots.
    #[inline(always)]
    pub fn reserve_stack(&mut self, needed: usize) {
        if needed > self.stack.len() {
            self.grow_stack(needed);
        }
    }

    #[cold]
    #[inline(never)]
    fn grow_stack(&mut self, needed: usize) {
        self.stack.resize(needed.next_power_of_two(), Value::Nil);
    }

    /// Runs the script function `script` of `program` to its end.
    pub fn run(&mut self, program: &Program, script: FunctionIndex, out: &mut dyn Write) -> Result<(), RunError> {
        self.grow_globals(program.global_names.len());
        self.work = 0;
        #[cfg(feature = "work-count")]
        self.profile.start();
        self.sp = 0;
        let closure = self.alloc(Object::Closure(ObjClosure { function: script, upvalues: Vec::new() }));
        self.reserve_stack(program.function(script).max_stack);
        self.push(Value::Obj(closure));
        self.frames.push(CallFrame { closure, function: script, ip: 0, base: 0 });
        self.execute(program, out)
    }

    /// The dispatch loop.
    fn execute(&mut self, program: &Program, out: &mut dyn Write) -> Result<(), RunError> {
        // The running frame, its code, its position and the stack top live
        // in these locals.
        let mut frame = *self.frames.last().expect("a running program has a frame");
        let mut chunk = &program.function(frame.function).chunk;
        let mut code = &chunk.code[..];
        let mut ip = frame.ip;
        let mut sp = self.sp;

        #[collapse_debuginfo(yes)]
        macro_rules! push {
            ($value:expr) => {{
                let value = $value;
                // Checked in test builds: the compiler's bound on the frame's
                // stack, which calls rely on, holds.
                debug_assert!(sp < frame.base + program.function(frame.function).max_stack, "stack bound exceeded");
                self.stack[sp] = value;
                sp += 1;
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! top {
            () => {
                self.stack[sp - 1]
            };
        }
        #[collapse_debuginfo(yes)]
        macro_rules! throw {
            ($fault:expr) => {
                return Err(self.runtime_error(program, ip, $fault))
            };
        }
        // Runs a handler out of the loop: it sees (and may move) the stack
        // top through `self.sp`.
        #[collapse_debuginfo(yes)]
        macro_rules! out_of_line {
            ($call:expr) => {{
                self.sp = sp;
                let result = $call;
                sp = self.sp;
                result
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! checked {
            ($call:expr) => {
                if let Err(fault) = out_of_line!($call) {
                    throw!(fault)
                }
            };
        }
        // `[a b] -> [a op b]` for the operators on numbers.
        #[collapse_debuginfo(yes)]
        macro_rules! numbers {
            ($wrap:path, $op:tt) => {{
                match (self.stack[sp - 2], self.stack[sp - 1]) {
                    (Value::Number(a), Value::Number(b)) => {
                        self.stack[sp - 2] = $wrap(a $op b);
                        sp -= 1;
                    }
                    _ => throw!(messages::OPERANDS_NUMBERS.into()),
                }
            }};
            // An operation given as a function (`number::multiply`).
            ($wrap:path, $op:path) => {{
                match (self.stack[sp - 2], self.stack[sp - 1]) {
                    (Value::Number(a), Value::Number(b)) => {
                        self.stack[sp - 2] = $wrap($op(a, b));
                        sp -= 1;
                    }
                    _ => throw!(messages::OPERANDS_NUMBERS.into()),
                }
            }};
        }
        // `[a b] -> []`, jumping to `target` when `a op b` is `jump_if`.
        #[collapse_debuginfo(yes)]
        macro_rules! compare_and_jump {
            ($op:tt, $jump_if:expr, $target:expr) => {{
                match (self.stack[sp - 2], self.stack[sp - 1]) {
                    (Value::Number(a), Value::Number(b)) => {
                        sp -= 2;
                        if (a $op b) == $jump_if {
                            ip = $target.index();
                        }
                    }
                    _ => throw!(messages::OPERANDS_NUMBERS.into()),
                }
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! equal_and_jump {
            ($jump_if:expr, $target:expr) => {{
                sp -= 2;
                if (self.stack[sp] == self.stack[sp + 1]) == $jump_if {
                    ip = $target.index();
                }
            }};
            // An operation given as a function (`number::multiply`).
            ($wrap:path, $op:path) => {{
                match (self.stack[sp - 2], self.stack[sp - 1]) {
                    (Value::Number(a), Value::Number(b)) => {
                        self.stack[sp - 2] = $wrap($op(a, b));
                        sp -= 1;
                    }
                    _ => fail!(messages::OPERANDS_NUMBERS.into()),
                }
            }};
        }
        // Writes the running frame's position back, before a call pushes a
        // frame above it.
        #[collapse_debuginfo(yes)]
        macro_rules! save_position {
            () => {
                self.frames.last_mut().expect("a running program has a frame").ip = ip
            };
        }
        // Continues in the frame now on top of the frame stack.
        #[collapse_debuginfo(yes)]
        macro_rules! enter_top_frame {
            () => {{
                frame = *self.frames.last().expect("a running program has a frame");
                chunk = &program.function(frame.function).chunk;
                code = &chunk.code[..];
                ip = frame.ip;
            }};
        }

        'dispatch: loop {
            let op = code[ip];
            ip += 1;
            #[cfg(feature = "work-count")]
            {
                self.work += 1;
                let depth = self.frames.len();
                self.profile.dispatch(&op, ip - 1, depth, || program.function(frame.function).marker);
            }
            // The arms that call a closure, the common case of a call, break
            // out with the callee, and the code after the match enters it;
            // every other arm carries on with the next instruction.
            let (closure, function, callee_slot, argc) = 'call: {
                match op {
                    Op::Constant(index) => push!(chunk.constant(index)),
                    Op::Nil => push!(Value::Nil),
                    Op::True => push!(Value::Bool(true)),
                    Op::False => push!(Value::Bool(false)),
                    Op::Pop => sp -= 1,
                    Op::GetLocal(slot) => push!(self.stack[frame.base + slot as usize]),
                    Op::SetLocal(slot) => self.stack[frame.base + slot as usize] = top!(),
                    Op::GetGlobal(name) => match self.global(chunk.constant(name)) {
                        Some(value) => push!(value),
                        None => throw!(self.undefined_global(chunk.constant(name))),
                    },
                    Op::DefineGlobal(name) => {
                        sp -= 1;
                        self.define_global(chunk.constant(name), self.stack[sp]);
                    }
                    Op::SetGlobal(name) => {
                        if !self.set_global(chunk.constant(name), top!()) {
                            throw!(self.undefined_global(chunk.constant(name)))
                        }
                    }
                    Op::GetUpvalue(index) => push!(self.read_upvalue(frame.closure, index)),
                    Op::SetUpvalue(index) => self.write_upvalue(frame.closure, index, top!()),
                    Op::GetProperty(name) => match self.field(top!(), chunk.constant(name)) {
                        Some(value) => top!() = value,
                        None => checked!(self.get_property(chunk.constant(name))),
                    },
                    Op::SetProperty(name) => {
                        checked!(self.set_property(chunk.constant(name)));
                        self.stack[sp - 2] = top!();
                        sp -= 1;
                    }
                    Op::GetSuper(name) => checked!(self.get_super(chunk.constant(name))),
                    Op::Equal => {
                        self.stack[sp - 2] = Value::Bool(self.stack[sp - 2] == self.stack[sp - 1]);
                        sp -= 1;
                    }
                    Op::Greater => numbers!(Value::Bool, >),
                    Op::Less => numbers!(Value::Bool, <),
                    Op::Add => match (self.stack[sp - 2], self.stack[sp - 1]) {
                        (Value::Number(a), Value::Number(b)) => {
                            self.stack[sp - 2] = Value::Number(number::add(a, b));
                            sp -= 1;
                        }
                        _ => checked!(self.concatenate()),
                    },
                    Op::Subtract => numbers!(Value::Number, -),
                    Op::Multiply => numbers!(Value::Number, number::multiply),
                    Op::Divide => numbers!(Value::Number, /),
                    Op::Not => top!() = Value::Bool(top!().is_falsey()),
                    Op::Negate => match &mut top!() {
                        Value::Number(n) => *n = -*n,
                        _ => throw!(messages::OPERAND_NUMBER.into()),
                    },
                    Op::Print => {
                        sp -= 1;
                        if let Err(error) = self.print(program, self.stack[sp], out) {
                            self.reset_stack();
                            return Err(error);
                        }
                    }
                    Op::Jump(target) | Op::Loop(target) => ip = target.index(),
                    Op::JumpIfFalse(target) => {
                        if top!().is_falsey() {
                            ip = target.index();
                        }
                    }
                    Op::Call(argc) => {
                        let callee_slot = sp - argc as usize - 1;
                        if let Value::Obj(callee) = self.stack[callee_slot]
                            && let Object::Closure(closure) = self.heap.get(callee)
                        {
                            break 'call (callee, closure.function, callee_slot, argc);
                        }
                        save_position!();
                        checked!(self.call_value(program, argc));
                        enter_top_frame!();
                    }
                    Op::Invoke(name, argc) => {
                        let receiver_slot = sp - argc as usize - 1;
                        if let Some((method, function)) =
                            self.direct_method(self.stack[receiver_slot], chunk.constant(name))
                        {
                            break 'call (method, function, receiver_slot, argc);
                        }
                        save_position!();
                        checked!(self.invoke(program, chunk.constant(name), argc));
                        enter_top_frame!();
                    }
                    Op::SuperInvoke(name, argc) => {
                        save_position!();
                        checked!(self.super_invoke(program, chunk.constant(name), argc));
                        enter_top_frame!();
                    }
                    Op::Closure(function) => {
                        out_of_line!(self.make_closure(program, function, frame.base, frame.closure))
                    }
                    Op::CloseUpvalue => {
                        sp -= 1;
                        self.close_upvalues(sp);
                    }
                    Op::Return => {
                        let result = top!();
                        self.close_upvalues(frame.base);
                        self.frames.pop();
                        if self.frames.is_empty() {
                            self.sp = 0;
                            return Ok(());
                        }
                        self.stack[frame.base] = result;
                        sp = frame.base + 1;
                        enter_top_frame!();
                    }
                    Op::Class(name) => out_of_line!(self.class(chunk.constant(name))),
                    Op::Inherit => checked!(self.inherit()),
                    Op::Method(name) => out_of_line!(self.add_method(chunk.constant(name))),

                    // global-slots
                    Op::GetGlobalSlot(slot) => match self.globals.slots[slot.index()] {
                        Some(value) => push!(value),
                        None => throw!(undefined_global_slot(program, slot)),
                    },
                    Op::DefineGlobalSlot(slot) => {
                        sp -= 1;
                        self.globals.slots[slot.index()] = Some(self.stack[sp]);
                    }
                    Op::SetGlobalSlot(slot) => match &mut self.globals.slots[slot.index()] {
                        Some(value) => *value = self.stack[sp - 1],
                        None => throw!(undefined_global_slot(program, slot)),
                    },

                    // superinstructions
                    Op::JumpIfFalsePop(target) => {
                        sp -= 1;
                        if self.stack[sp].is_falsey() {
                            ip = target.index();
                        }
                    }
                    Op::NotEqual => {
                        self.stack[sp - 2] = Value::Bool(self.stack[sp - 2] != self.stack[sp - 1]);
                        sp -= 1;
                    }
                    Op::LessEqual => numbers!(not_greater, >),
                    Op::GreaterEqual => numbers!(not_less, <),
                    Op::SetLocalPop(slot) => {
                        sp -= 1;
                        self.stack[frame.base + slot as usize] = self.stack[sp];
                    }
                    Op::SetUpvaluePop(index) => {
                        sp -= 1;
                        self.write_upvalue(frame.closure, index, self.stack[sp]);
                    }
                    Op::SetGlobalPop(name) => {
                        if !self.set_global(chunk.constant(name), top!()) {
                            throw!(self.undefined_global(chunk.constant(name)))
                        }
                        sp -= 1;
                    }
                    Op::SetGlobalSlotPop(slot) => match &mut self.globals.slots[slot.index()] {
                        Some(value) => {
                            sp -= 1;
                            *value = self.stack[sp];
                        }
                        None => throw!(undefined_global_slot(program, slot)),
                    },
                    Op::SetPropertyPop(name) => {
                        checked!(self.set_property(chunk.constant(name)));
                        sp -= 2;
                    }

                    // fused-conditions
                    Op::JumpIfTruePop(target) => {
                        sp -= 1;
                        if !self.stack[sp].is_falsey() {
                            ip = target.index();
                        }
                    }
                    Op::JumpIfLess(target) => compare_and_jump!(<, true, target),
                    Op::JumpIfNotLess(target) => compare_and_jump!(<, false, target),
                    Op::JumpIfGreater(target) => compare_and_jump!(>, true, target),
                    Op::JumpIfNotGreater(target) => compare_and_jump!(>, false, target),
                    Op::JumpIfEqual(target) => equal_and_jump!(true, target),
                    Op::JumpIfNotEqual(target) => equal_and_jump!(false, target),
                }
                continue 'dispatch;
            };
            // Enter the closure: check the call, make room on the stack, save
            // the caller's position, and start the callee.
            if let Err(fault) = self.check_call(program, function, argc) {
                throw!(fault);
            }
            self.reserve_stack(callee_slot + program.function(function).max_stack);
            save_position!();
            frame = CallFrame { closure, function, ip: 0, base: callee_slot };
            self.frames.push(frame);
            chunk = &program.function(function).chunk;
            code = &chunk.code[..];
            ip = 0;
        }
    }

    #[inline]
    pub fn push(&mut self, value: Value) {
        self.stack[self.sp] = value;
        self.sp += 1;
    }

    #[inline]
    pub fn pop(&mut self) -> Value {
        self.sp -= 1;
        self.stack[self.sp]
    }

    #[inline]
    pub fn peek(&self, distance: usize) -> Value {
        self.stack[self.sp - 1 - distance]
    }

    /// `+` on two strings, which makes (or finds) the joined string.
    #[inline(never)]
    fn concatenate(&mut self) -> Result<(), Fault> {
        let (Some(a), Some(b)) = (self.heap.as_string(self.peek(1)), self.heap.as_string(self.peek(0))) else {
            return Err(messages::OPERANDS_ADD.into());
        };
        let joined =
            frontend::memory::concat(&a.text, &b.text, self.heap.max_heap).map_err(|_| messages::OUT_OF_MEMORY)?;
        let hash = self.heap.hash(&joined);
        let result = match self.heap.find_string(&joined, hash) {
            Some(existing) => existing,
            None => {
                // The operands stay on the stack while the collector may
                // run, though the joined text no longer needs them.
                self.maybe_collect();
                self.heap.new_string(&joined, hash)
            }
        };
        self.pop();
        self.pop();
        self.push(Value::Obj(result));
        Ok(())
    }

    #[inline(never)]
    fn print(&mut self, program: &Program, value: Value, out: &mut dyn Write) -> Result<(), RunError> {
        let mut text = std::mem::take(&mut self.print_buffer);
        text.clear();
        self.heap.write_value(&mut text, value, program);
        text.push('\n');
        let written = out.write_all(text.as_bytes());
        self.print_buffer = text;
        written.map_err(RunError::Io)
    }

    /// Turns a fault into a runtime error with the trace of every active
    /// call (innermost first, each at the line of the instruction it was
    /// running), and resets the machine so that the session can go on.
    #[cold]
    #[inline(never)]
    fn runtime_error(&mut self, program: &Program, ip: usize, message: Fault) -> RunError {
        if let Some(top) = self.frames.last_mut() {
            top.ip = ip;
        }
        let trace = self
            .frames
            .iter()
            .rev()
            .map(|frame| {
                let function = program.function(frame.function);
                TraceLine {
                    line: function.chunk.lines[frame.ip - 1],
                    function: function.trace_name().map(str::to_string),
                }
            })
            .collect();
        self.reset_stack();
        RunError::Runtime(RuntimeError { message: *message.0, trace })
    }

    /// Empties the stack and the frames after a run that stopped early, so
    /// that the session can run its next program.
    fn reset_stack(&mut self) {
        // A closure that outlives the failed run (stored in a global, at the
        // prompt) keeps the values its variables had, as in the tree-walkers,
        // rather than pointing into a stack that the next run reuses.
        self.close_upvalues(0);
        self.sp = 0;
        self.frames.clear();
    }
}

#[cold]
fn undefined_global_slot(program: &Program, slot: GlobalIndex) -> Fault {
    messages::undefined_variable(program.global_names.name(slot)).into()
}

/// `a <= b` on numbers, which is `!(a > b)`.
#[inline(always)]
fn not_greater(greater: bool) -> Value {
    Value::Bool(!greater)
}

/// `a >= b` on numbers, which is `!(a < b)`.
#[inline(always)]
fn not_less(less: bool) -> Value {
    Value::Bool(!less)
}
