//! The virtual machine: a value stack, call frames, and the dispatch loop.
//!
//! The loop is clox's: fetch the next instruction of the running function,
//! `match` on it, repeat. The running frame's instruction index, stack base
//! and code are kept in local variables, where the compiler can hold them in
//! registers, and written back to the frame stack only when a call needs the
//! caller's position (to return to it, or to report an error).
//!
//! Fallible handlers return a [`Fault`], just the message; the loop turns it
//! into a runtime error with the trace of every frame, on a cold path.

use crate::chunk::{Chunk, Program};
use crate::heap::Heap;
use crate::object::{Closure, Object, Upvalue};
use crate::op::{GlobalIndex, Op, ProtoIndex};
use crate::value::{ObjRef, Value};
use frontend::diagnostics::{RunError, RuntimeError, TraceLine};
use frontend::messages;
use std::borrow::Cow;
use std::io::Write;

/// The message of a runtime error, before the trace is attached.
pub type Fault = Cow<'static, str>;

/// One active call.
#[derive(Clone, Copy, Debug)]
pub struct CallFrame {
    pub closure: ObjRef,
    /// The closure's prototype, cached here so that resuming a frame needs
    /// no heap access.
    pub proto: ProtoIndex,
    /// The next instruction to run; for a frame that made a call, the one
    /// after the call (so `ip - 1` is the call, for traces).
    pub ip: usize,
    /// The stack index of slot 0: the callee, or `this` in methods.
    pub base: usize,
}

/// A session's run-time state: it persists between programs at the prompt.
pub struct Vm {
    pub heap: Heap,
    pub stack: Vec<Value>,
    pub frames: Vec<CallFrame>,
    /// Global variable slots, by [`GlobalIndex`]; `None` until defined.
    pub globals: Vec<Option<Value>>,
    /// The upvalues still pointing into the stack, by stack slot, ascending.
    pub open_upvalues: Vec<(usize, ObjRef)>,
    /// The interned `"init"`, to find initializers.
    pub init_string: ObjRef,
    print_buffer: String,
    /// Instructions dispatched by the last run (with the `work-count` feature).
    pub work: u64,
}

impl Vm {
    pub fn new(heap: Heap) -> Vm {
        let mut heap = heap;
        let init_string = heap.intern_pinned("init");
        Vm {
            heap,
            stack: Vec::with_capacity(1 << 12),
            frames: Vec::with_capacity(messages::MAX_FRAMES),
            globals: Vec::new(),
            open_upvalues: Vec::new(),
            init_string,
            print_buffer: String::new(),
            work: 0,
        }
    }

    /// Allocates an object, collecting garbage first when it is due. Every
    /// object the caller still needs must be reachable from a root.
    pub fn alloc(&mut self, object: Object) -> ObjRef {
        if self.heap.should_collect() {
            self.collect_garbage();
        }
        self.heap.insert(object)
    }

    /// Defines a global from outside Lox code (the natives).
    pub fn define_global(&mut self, index: GlobalIndex, value: Value) {
        self.grow_globals(index.index() + 1);
        self.globals[index.index()] = Some(value);
    }

    fn grow_globals(&mut self, count: usize) {
        if self.globals.len() < count {
            self.globals.resize(count, None);
        }
    }

    /// Runs the script prototype `script` of `program` to its end.
    pub fn run(&mut self, program: &Program, script: ProtoIndex, out: &mut dyn Write) -> Result<(), RunError> {
        self.grow_globals(program.global_names.len());
        self.work = 0;
        let closure = self.alloc(Object::Closure(Closure { proto: script, upvalues: Vec::new() }));
        self.stack.push(Value::Obj(closure));
        self.frames.push(CallFrame { closure, proto: script, ip: 0, base: 0 });
        self.execute(program, out)
    }

    /// The dispatch loop.
    fn execute(&mut self, program: &Program, out: &mut dyn Write) -> Result<(), RunError> {
        let (mut frame, mut chunk) = self.resume(program);
        loop {
            let op = chunk.code[frame.ip];
            frame.ip += 1;
            #[cfg(feature = "work-count")]
            {
                self.work += 1;
            }
            match op {
                Op::Constant(index) => self.push(chunk.constant(index)),
                Op::Nil => self.push(Value::Nil),
                Op::True => self.push(Value::Bool(true)),
                Op::False => self.push(Value::Bool(false)),
                Op::Pop => _ = self.pop(),
                Op::GetLocal(slot) => self.push(self.stack[frame.base + slot as usize]),
                Op::SetLocal(slot) => self.stack[frame.base + slot as usize] = self.peek(0),
                Op::GetGlobal(global) => match self.globals[global.index()] {
                    Some(value) => self.push(value),
                    None => return Err(self.fail(program, frame.ip, undefined_global(program, global))),
                },
                Op::DefineGlobal(global) => self.globals[global.index()] = Some(self.pop()),
                Op::SetGlobal(global) => match &mut self.globals[global.index()] {
                    Some(value) => *value = self.stack[self.stack.len() - 1],
                    None => return Err(self.fail(program, frame.ip, undefined_global(program, global))),
                },
                Op::GetUpvalue(index) => self.push(self.read_upvalue(frame.closure, index)),
                Op::SetUpvalue(index) => self.write_upvalue(frame.closure, index, self.peek(0)),
                Op::GetProperty(name) => {
                    self.get_property(chunk.constant(name)).map_err(|f| self.fail(program, frame.ip, f))?
                }
                Op::SetProperty(name) => {
                    self.set_property(chunk.constant(name)).map_err(|f| self.fail(program, frame.ip, f))?
                }
                Op::GetSuper(name) => {
                    self.get_super(chunk.constant(name)).map_err(|f| self.fail(program, frame.ip, f))?
                }
                Op::Equal => self.binary(|a, b| Value::Bool(a == b)),
                Op::Greater => self.numbers(|a, b| Value::Bool(a > b)).map_err(|f| self.fail(program, frame.ip, f))?,
                Op::Less => self.numbers(|a, b| Value::Bool(a < b)).map_err(|f| self.fail(program, frame.ip, f))?,
                Op::Add => self.add().map_err(|f| self.fail(program, frame.ip, f))?,
                Op::Subtract => {
                    self.numbers(|a, b| Value::Number(a - b)).map_err(|f| self.fail(program, frame.ip, f))?
                }
                Op::Multiply => {
                    self.numbers(|a, b| Value::Number(a * b)).map_err(|f| self.fail(program, frame.ip, f))?
                }
                Op::Divide => self.numbers(|a, b| Value::Number(a / b)).map_err(|f| self.fail(program, frame.ip, f))?,
                Op::Not => self.unary(|a| Value::Bool(a.is_falsey())),
                Op::Negate => self.negate().map_err(|f| self.fail(program, frame.ip, f))?,
                Op::Print => self.print(program, out)?,
                Op::Jump(target) | Op::Loop(target) => frame.ip = target.index(),
                Op::JumpIfFalse(target) if self.peek(0).is_falsey() => frame.ip = target.index(),
                Op::JumpIfFalse(_) => {}
                Op::Call(argc) => {
                    self.save(&frame);
                    self.call_value(program, argc).map_err(|f| self.fail(program, frame.ip, f))?;
                    (frame, chunk) = self.resume(program);
                }
                Op::Invoke(name, argc) => {
                    self.save(&frame);
                    self.invoke(program, chunk.constant(name), argc).map_err(|f| self.fail(program, frame.ip, f))?;
                    (frame, chunk) = self.resume(program);
                }
                Op::SuperInvoke(name, argc) => {
                    self.save(&frame);
                    self.super_invoke(program, chunk.constant(name), argc)
                        .map_err(|f| self.fail(program, frame.ip, f))?;
                    (frame, chunk) = self.resume(program);
                }
                Op::Closure(proto) => self.make_closure(program, proto, &frame),
                Op::CloseUpvalue => self.close_top_local(),
                Op::Return => {
                    if self.return_from(&frame) {
                        return Ok(());
                    }
                    (frame, chunk) = self.resume(program);
                }
                Op::Class(name) => self.class(chunk.constant(name)),
                Op::Inherit => self.inherit().map_err(|f| self.fail(program, frame.ip, f))?,
                Op::Method(name) => self.method(chunk.constant(name)),
            }
        }
    }

    /// The innermost frame and its code, to continue running there.
    #[inline]
    fn resume<'p>(&self, program: &'p Program) -> (CallFrame, &'p Chunk) {
        let frame = *self.frames.last().expect("a running program has a frame");
        (frame, &program.proto(frame.proto).chunk)
    }

    /// Writes the running frame's position back to the frame stack.
    #[inline]
    fn save(&mut self, frame: &CallFrame) {
        self.frames.last_mut().expect("a running program has a frame").ip = frame.ip;
    }

    #[inline]
    pub fn push(&mut self, value: Value) {
        self.stack.push(value);
    }

    #[inline]
    pub fn pop(&mut self) -> Value {
        self.stack.pop().expect("the compiler balances every pop with a push")
    }

    #[inline]
    pub fn peek(&self, distance: usize) -> Value {
        self.stack[self.stack.len() - 1 - distance]
    }

    #[inline]
    fn top_mut(&mut self) -> &mut Value {
        self.stack.last_mut().expect("the compiler balances every pop with a push")
    }

    /// `[a b] -> [f(a, b)]`, for operators defined on every value.
    #[inline(always)]
    fn binary(&mut self, f: impl Fn(Value, Value) -> Value) {
        let b = self.pop();
        let a = self.top_mut();
        *a = f(*a, b);
    }

    /// `[a] -> [f(a)]`
    #[inline(always)]
    fn unary(&mut self, f: impl Fn(Value) -> Value) {
        let a = self.top_mut();
        *a = f(*a);
    }

    /// `[a b] -> [f(a, b)]` for operators on two numbers.
    #[inline(always)]
    fn numbers(&mut self, f: impl Fn(f64, f64) -> Value) -> Result<(), Fault> {
        let b = self.pop();
        let a = self.top_mut();
        match (*a, b) {
            (Value::Number(a_number), Value::Number(b_number)) => {
                *a = f(a_number, b_number);
                Ok(())
            }
            _ => Err(Cow::Borrowed(messages::OPERANDS_NUMBERS)),
        }
    }

    #[inline(always)]
    fn add(&mut self) -> Result<(), Fault> {
        let b = self.peek(0);
        let a = self.peek(1);
        match (a, b) {
            (Value::Number(a), Value::Number(b)) => {
                self.pop();
                *self.top_mut() = Value::Number(a + b);
                Ok(())
            }
            _ => self.concatenate(),
        }
    }

    /// `+` on two strings, which makes (or finds) the joined string.
    fn concatenate(&mut self) -> Result<(), Fault> {
        let (Some(a), Some(b)) = (self.heap.as_string(self.peek(1)), self.heap.as_string(self.peek(0))) else {
            return Err(Cow::Borrowed(messages::OPERANDS_ADD));
        };
        let mut joined = String::with_capacity(a.len() + b.len());
        joined.push_str(a);
        joined.push_str(b);
        let result = match self.heap.find_string(&joined) {
            Some(existing) => existing,
            None => {
                // The operands stay on the stack while the collector may
                // run, though the joined text no longer needs them.
                if self.heap.should_collect() {
                    self.collect_garbage();
                }
                self.heap.insert_string(&joined)
            }
        };
        self.pop();
        *self.top_mut() = Value::Obj(result);
        Ok(())
    }

    #[inline(always)]
    fn negate(&mut self) -> Result<(), Fault> {
        match self.top_mut() {
            Value::Number(n) => {
                *n = -*n;
                Ok(())
            }
            _ => Err(Cow::Borrowed(messages::OPERAND_NUMBER)),
        }
    }

    fn print(&mut self, program: &Program, out: &mut dyn Write) -> Result<(), RunError> {
        let value = self.pop();
        let mut text = std::mem::take(&mut self.print_buffer);
        text.clear();
        self.heap.write_value(&mut text, value, program);
        text.push('\n');
        let written = out.write_all(text.as_bytes());
        self.print_buffer = text;
        written.map_err(RunError::Io)
    }

    /// Ends the running call: `[callee args.. locals.. result] -> [result]`.
    /// Returns true when the call was the script's, which ends the run.
    #[inline]
    fn return_from(&mut self, frame: &CallFrame) -> bool {
        let result = self.pop();
        self.close_upvalues(frame.base);
        self.frames.pop();
        self.stack.truncate(frame.base);
        if self.frames.is_empty() {
            return true;
        }
        self.push(result);
        false
    }

    /// Turns a fault into a runtime error with the trace of every active
    /// call (innermost first, each at the line of the instruction it was
    /// running), and resets the machine so that the session can go on.
    #[cold]
    #[inline(never)]
    fn fail(&mut self, program: &Program, ip: usize, message: Fault) -> RunError {
        if let Some(top) = self.frames.last_mut() {
            top.ip = ip;
        }
        let trace = self
            .frames
            .iter()
            .rev()
            .map(|frame| {
                let proto = program.proto(frame.proto);
                TraceLine { line: proto.chunk.lines[frame.ip - 1], function: proto.trace_name().map(str::to_string) }
            })
            .collect();
        self.stack.clear();
        self.frames.clear();
        self.open_upvalues.clear();
        RunError::Runtime(RuntimeError { message: message.into_owned(), trace })
    }
}

#[cold]
fn undefined_global(program: &Program, global: GlobalIndex) -> Fault {
    Cow::Owned(messages::undefined_variable(&program.global_names[global.index()]))
}

impl Vm {
    // ----- Upvalues ------------------------------------------------------------------

    #[inline]
    fn read_upvalue(&self, closure: ObjRef, index: u16) -> Value {
        let upvalue = self.heap.closure(closure).upvalues[index as usize];
        match *self.heap.upvalue(upvalue) {
            Upvalue::Open(slot) => self.stack[slot],
            Upvalue::Closed(value) => value,
        }
    }

    #[inline]
    fn write_upvalue(&mut self, closure: ObjRef, index: u16, value: Value) {
        let upvalue = self.heap.closure(closure).upvalues[index as usize];
        match self.heap.upvalue_mut(upvalue) {
            Upvalue::Open(slot) => self.stack[*slot] = value,
            Upvalue::Closed(closed) => *closed = value,
        }
    }

    /// `[] -> [closure]`, capturing what the prototype's capture list says:
    /// locals of the running frame, or the running closure's own upvalues.
    fn make_closure(&mut self, program: &Program, proto: ProtoIndex, frame: &CallFrame) {
        let captures = &program.proto(proto).captures;
        let closure = Closure { proto, upvalues: Vec::with_capacity(captures.len()) };
        let handle = self.alloc(Object::Closure(closure));
        // On the stack before capturing, so the collector sees the upvalues
        // captured so far if capturing the next one collects.
        self.push(Value::Obj(handle));
        for capture in captures {
            let upvalue = if capture.is_local {
                self.capture_upvalue(frame.base + capture.index as usize)
            } else {
                self.heap.closure(frame.closure).upvalues[capture.index as usize]
            };
            self.heap.closure_mut(handle).upvalues.push(upvalue);
        }
    }

    /// The open upvalue for stack slot `slot`, made if no closure has
    /// captured that variable yet, so that all closures share one.
    fn capture_upvalue(&mut self, slot: usize) -> ObjRef {
        match self.open_upvalues.binary_search_by_key(&slot, |&(open_slot, _)| open_slot) {
            Ok(position) => self.open_upvalues[position].1,
            Err(position) => {
                let upvalue = self.alloc(Object::Upvalue(Upvalue::Open(slot)));
                self.open_upvalues.insert(position, (slot, upvalue));
                upvalue
            }
        }
    }

    /// Closes every open upvalue for a slot at or above `from`: those
    /// variables are leaving the stack, so their values move into the
    /// upvalues.
    #[inline]
    fn close_upvalues(&mut self, from: usize) {
        while let Some(&(slot, upvalue)) = self.open_upvalues.last() {
            if slot < from {
                break;
            }
            *self.heap.upvalue_mut(upvalue) = Upvalue::Closed(self.stack[slot]);
            self.open_upvalues.pop();
        }
    }

    /// `[a] -> []` for a captured local leaving scope.
    fn close_top_local(&mut self) {
        self.close_upvalues(self.stack.len() - 1);
        self.pop();
    }
}
