//! The virtual machine's state and its dispatch loop.
//!
//! The loop keeps the instruction pointer, the stack top, the current frame,
//! its slots and its constants in local variables (registers, in practice)
//! and writes them back to `self` only before something that may look at
//! them: a call into call.rs, an allocation (the collector scans the stack up
//! to `self.sp`), an error (the trace reads every frame's `ip`). That is the
//! loxido lesson ("cache the current frame outside the dispatch loop"), and
//! one step further than clox, which keeps its stack top in memory.
//!
//! # Safety: the invariants the loop relies on
//! * **Code.** `ip` always points into the current function's code. compile.rs
//!   emits only valid opcodes at instruction starts, every operand an opcode
//!   needs, jump targets that are instruction starts inside the chunk, and
//!   ends every function with `Return`; and only compile.rs makes chunks.
//! * **Operands.** Constant indices are in bounds of their chunk's constants,
//!   name operands index strings, `Closure` operands index functions, local
//!   slots are below the function's `max_stack`, upvalue indices below its
//!   closure's upvalue count: all established by compile.rs from the resolver.
//! * **Stack.** compile.rs computes each function's `max_stack`, and every
//!   call checks that the new frame's slots plus `max_stack` fit in the
//!   stack, so pushes never run past its end; pops only take what the same
//!   function pushed (the compiler's stack discipline), so `sp` never goes
//!   below the frame's slots.
//! * **Objects.** Every object a value points to is live (gc.rs: the
//!   collector frees only what no root reaches, and `self.sp` is saved before
//!   every allocation so the whole stack is scanned).

use crate::config::Config;
use frontend::diagnostics::RunError;
use frontend::messages::{self, MAX_FRAMES};
use frontend::number;
use nanbox_runtime::globals::{GlobalNames, Globals};
use nanbox_runtime::heap::Heap;
use nanbox_runtime::object::{Gc, ObjClass, ObjClosure, ObjFunction, ObjInstance, ObjString, write_value};
use nanbox_runtime::op::Op;
use nanbox_runtime::property::method_closure;
use nanbox_runtime::stack::{self, CallFrame};
use nanbox_runtime::upvalue::OpenUpvalues;
use nanbox_runtime::value::Value;
use std::io::Write;
use std::ptr;

pub struct Vm {
    pub heap: Heap,
    /// The fixed value stack: it never moves, so upvalues and frames can
    /// point into it.
    pub stack: Box<[Value]>,
    /// One past the top value.
    pub sp: *mut Value,
    pub frames: Box<[CallFrame]>,
    pub frame_count: usize,
    /// The upvalues still pointing into the stack, the highest slot's first.
    pub open_upvalues: OpenUpvalues,
    pub globals: Globals,
    pub global_names: GlobalNames,
    /// The interned `"init"`, to find initializers.
    pub init_string: Gc<ObjString>,
    /// The session's tunings.
    pub config: Config,
    /// The compiled program waiting to run: a root until it runs.
    pub script: Option<Gc<ObjFunction>>,
    /// Instructions dispatched by the last run (with the `work-count` feature).
    pub work: u64,
    /// Executions per opcode and pair, and the profiling marker.
    #[cfg(feature = "work-count")]
    pub profile: crate::profile::Profile,
    /// The heap ceiling (`Options::max_heap`) a new string is checked against.
    pub max_heap: usize,
}

impl Vm {
    pub fn new(gc_stress: bool, config: Config) -> Vm {
        let mut heap = Heap::new(gc_stress, &config);
        let init_string = heap.intern("init");
        let mut stack = stack::zeroed_stack();
        let sp = stack.as_mut_ptr();
        Vm {
            heap,
            stack,
            sp,
            frames: stack::frames(),
            frame_count: 0,
            open_upvalues: OpenUpvalues::default(),
            globals: Globals::default(),
            global_names: GlobalNames::new(config.name_hash),
            init_string,
            config,
            script: None,
            work: 0,
            #[cfg(feature = "work-count")]
            profile: crate::profile::Profile::new(),
            max_heap: frontend::memory::DEFAULT_MAX_HEAP,
        }
    }

    /// Defines a global from outside Lox code (the natives), in the store
    /// the session's code uses.
    pub fn define_native(&mut self, name: &str, value: Value) {
        if self.config.global_slots {
            let slot = self.global_names.slot(&name.into()) as usize;
            self.grow_globals(slot + 1);
            self.globals.slots[slot] = value;
        } else {
            let name = self.heap.intern(name);
            self.globals.table.set(name, value);
        }
    }

    fn grow_globals(&mut self, count: usize) {
        self.globals.grow(count);
    }

    /// Runs the prepared script to completion or to its first error.
    pub fn run(&mut self, out: &mut dyn Write) -> Result<(), RunError> {
        let function = self.script.expect("run follows a successful prepare");
        self.grow_globals(self.global_names.len());
        self.work = 0;
        #[cfg(feature = "work-count")]
        self.profile.start();
        // The function stays rooted through `self.script` while its closure
        // is allocated.
        self.maybe_collect();
        let closure = self.heap.new_closure(function, Box::new([]));
        self.script = None;
        self.push(closure.value());
        let result = self.call_closure(closure, 0).and_then(|()| self.execute(out));
        if result.is_err() {
            self.reset_stack();
        }
        result
    }

    /// Empties the stack and the frames after a run that stopped early, so
    /// that the session can run its next program.
    pub fn reset_stack(&mut self) {
        // A closure that outlives the failed run (stored in a global, at the
        // prompt) keeps the values its variables had, rather than pointing
        // into a stack that the next run reuses.
        let base = self.stack.as_mut_ptr();
        self.close_upvalues(base);
        self.sp = base;
        self.frame_count = 0;
    }

    #[inline(always)]
    pub fn push(&mut self, value: Value) {
        // SAFETY: callers push within the room the current frame's call
        // checked (see the module's Stack invariant).
        unsafe {
            self.sp.write(value);
            self.sp = self.sp.add(1);
        }
    }

    /// Collects garbage if the heap says it is time. Call only where every
    /// object in use is rooted and `self.sp` is current.
    #[inline(always)]
    pub fn maybe_collect(&mut self) {
        if self.heap.should_collect() {
            self.collect_garbage();
        }
    }

    /// The dispatch loop. Runs until the outermost frame returns.
    #[allow(clippy::too_many_lines)]
    fn execute(&mut self, out: &mut dyn Write) -> Result<(), RunError> {
        let mut frame: *mut CallFrame;
        let mut ip: *const u8;
        let mut sp: *mut Value;
        let mut slots: *mut Value;
        let mut constants: *const Value;
        #[cfg(feature = "work-count")]
        let mut work: u64 = 0;

        // Every macro here collapses its debug lines into the line that uses
        // it, so that a profiler reading line numbers (the harness's cost
        // per opcode) finds a macro's instructions in the arm that ran them.

        // Reloads the registers from the innermost frame and `self.sp`.
        #[collapse_debuginfo(yes)]
        macro_rules! load_state {
            () => {{
                // SAFETY: frame_count >= 1 while the loop runs (it returns when
                // the script's frame is popped), and the frame's closure is live.
                unsafe {
                    frame = self.frames.as_mut_ptr().add(self.frame_count - 1);
                    ip = (*frame).ip;
                    slots = (*frame).slots;
                    constants = (*frame).constants;
                }
                sp = self.sp;
            }};
        }
        // Writes the registers back for code outside the loop.
        #[collapse_debuginfo(yes)]
        macro_rules! save_state {
            () => {{
                // SAFETY: `frame` points to the innermost frame.
                unsafe { (*frame).ip = ip };
                self.sp = sp;
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! read_u8 {
            () => {{
                // SAFETY: the Code invariant: the operand bytes are in the chunk.
                let byte = unsafe { *ip };
                // SAFETY: as above, the next byte is in the chunk too.
                ip = unsafe { ip.add(1) };
                byte
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! read_u16 {
            () => {{
                // SAFETY: the Code invariant: a 2-byte operand follows.
                let value = unsafe { ip.cast::<u16>().read_unaligned() };
                // SAFETY: as above.
                ip = unsafe { ip.add(2) };
                u16::from_le(value) as usize
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! read_u32 {
            () => {{
                // SAFETY: the Code invariant: a 4-byte operand follows.
                let value = unsafe { ip.cast::<u32>().read_unaligned() };
                // SAFETY: as above.
                ip = unsafe { ip.add(4) };
                u32::from_le(value) as usize
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! read_u24 {
            () => {{
                let low = read_u16!();
                low | (usize::from(read_u8!()) << 16)
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! constant {
            ($index:expr) => {{
                let index: usize = $index;
                // SAFETY: the Operands invariant: the index is in bounds, and
                // `frame` is the innermost frame.
                unsafe { *constants.add(index) }
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! string_constant {
            ($index:expr) => {{
                let value = constant!($index);
                // SAFETY: the Operands invariant: name operands index strings.
                unsafe { Gc::<ObjString>::from_obj(value.as_object()) }
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! push {
            ($value:expr) => {{
                let value = $value;
                // SAFETY: the Stack invariant: the call checked room for this.
                unsafe {
                    sp.write(value);
                    sp = sp.add(1);
                }
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! pop {
            () => {{
                // SAFETY: the Stack invariant: the function pushed this value.
                unsafe {
                    sp = sp.sub(1);
                    *sp
                }
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! peek {
            ($distance:expr) => {{
                let distance: usize = $distance;
                // SAFETY: the Stack invariant.
                unsafe { *sp.sub(distance + 1) }
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! set_peek {
            ($distance:expr, $value:expr) => {{
                let (distance, value): (usize, Value) = ($distance, $value);
                // SAFETY: the Stack invariant.
                unsafe { *sp.sub(distance + 1) = value };
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! local {
            ($slot:expr) => {{
                let slot: usize = $slot;
                // SAFETY: the Operands invariant: slots are inside the frame,
                // and `frame` is the innermost frame.
                unsafe { &mut *slots.add(slot) }
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! upvalue {
            ($index:expr) => {{
                let index: usize = $index;
                // SAFETY: the Operands invariant: the index is below the
                // closure's upvalue count, and the closure is live.
                unsafe { *Gc::from_ptr((*frame).closure).upvalues.get_unchecked(index) }
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! throw {
            ($message:expr) => {{
                save_state!();
                return Err(self.runtime_error($message));
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! binary_number {
            ($operator:tt, $wrap:expr) => {{
                let (a, b) = (peek!(1), peek!(0));
                if !(a.is_number() && b.is_number()) {
                    throw!(messages::OPERANDS_NUMBERS);
                }
                sp = sp.wrapping_sub(1);
                set_peek!(0, $wrap(a.as_number() $operator b.as_number()));
            }};
        }
        // Enters `closure` with `argc` arguments on the stack: clox's `call`,
        // inlined into the loop so a Lox-to-Lox call never leaves it.
        #[collapse_debuginfo(yes)]
        macro_rules! enter_closure {
            ($closure:expr, $argc:expr) => {{
                let closure: Gc<ObjClosure> = $closure;
                let argc: usize = $argc;
                let function = closure.function;
                if argc != function.arity {
                    throw!(messages::wrong_arity(function.arity, argc));
                }
                let new_slots = sp.wrapping_sub(argc + 1);
                if self.frame_count == MAX_FRAMES || !self.has_room(new_slots, function.max_stack) {
                    throw!(messages::STACK_OVERFLOW);
                }
                // SAFETY: `frame` is the innermost frame; frame_count <
                // MAX_FRAMES was just checked, so the next frame exists.
                unsafe {
                    (*frame).ip = ip;
                    frame = self.frames.as_mut_ptr().add(self.frame_count);
                    *frame = CallFrame {
                        closure: closure.as_ptr(),
                        ip: ptr::null(),
                        slots: new_slots,
                        constants: function.chunk.constants.as_ptr(),
                    };
                }
                self.frame_count += 1;
                ip = function.chunk.code.as_ptr();
                slots = new_slots;
                constants = function.chunk.constants.as_ptr();
            }};
        }
        // Calls anything that is not a closure through call.rs.
        #[collapse_debuginfo(yes)]
        macro_rules! call_value {
            ($callee:expr, $argc:expr) => {{
                save_state!();
                self.call_value($callee, $argc)?;
                load_state!();
            }};
        }

        // The instructions with an index operand, as macros so that the
        // one-byte and the `Wide` forms share one body.
        #[collapse_debuginfo(yes)]
        macro_rules! op_constant {
            ($index:expr) => {{
                push!(constant!($index));
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! op_get_global {
            ($index:expr) => {{
                let name = string_constant!($index);
                match self.global(name) {
                    Some(value) => push!(value),
                    None => {
                        save_state!();
                        return Err(self.undefined_global(name));
                    }
                }
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! op_define_global {
            ($index:expr) => {{
                let name = string_constant!($index);
                let value = pop!();
                self.define_global(name, value);
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! op_set_global {
            ($index:expr, $pop:expr) => {{
                let name = string_constant!($index);
                if !self.set_global(name, peek!(0)) {
                    save_state!();
                    return Err(self.undefined_global(name));
                }
                if $pop {
                    sp = sp.wrapping_sub(1);
                }
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! op_get_global_slot {
            ($slot:expr) => {{
                let slot: usize = $slot;
                // SAFETY: compile.rs gave this slot, and `run` sized the
                // globals to every slot compiled so far.
                let value = unsafe { *self.globals.slots.get_unchecked(slot) };
                if value.is_absent() {
                    throw!(messages::undefined_variable(self.global_names.name(slot)));
                }
                push!(value);
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! op_define_global_slot {
            ($slot:expr) => {{
                let slot: usize = $slot;
                let value = pop!();
                // SAFETY: as for op_get_global_slot.
                unsafe { *self.globals.slots.get_unchecked_mut(slot) = value };
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! op_set_global_slot {
            ($slot:expr, $pop:expr) => {{
                let slot: usize = $slot;
                // SAFETY: as for op_get_global_slot.
                let global = unsafe { self.globals.slots.get_unchecked_mut(slot) };
                if global.is_absent() {
                    throw!(messages::undefined_variable(self.global_names.name(slot)));
                }
                *global = peek!(0);
                if $pop {
                    sp = sp.wrapping_sub(1);
                }
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! op_get_property {
            ($index:expr) => {{
                let name = string_constant!($index);
                let Some(instance) = peek!(0).as_gc::<ObjInstance>() else {
                    throw!(messages::ONLY_INSTANCES_PROPERTIES);
                };
                if let Some(value) = instance.fields.get(name) {
                    set_peek!(0, value);
                } else {
                    save_state!();
                    let bound = self.bind_method(instance.class, name, peek!(0))?;
                    set_peek!(0, bound);
                }
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! op_set_property {
            ($index:expr, $pop:expr) => {{
                let name = string_constant!($index);
                let Some(instance) = peek!(1).as_gc::<ObjInstance>() else {
                    throw!(messages::ONLY_INSTANCES_FIELDS);
                };
                let value = peek!(0);
                self.heap.set_field(instance, name, value);
                if $pop {
                    sp = sp.wrapping_sub(2);
                } else {
                    sp = sp.wrapping_sub(1);
                    set_peek!(0, value);
                }
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! op_get_super {
            ($index:expr) => {{
                let name = string_constant!($index);
                let superclass: Gc<ObjClass> = peek!(0).expect_gc();
                save_state!();
                let bound = self.bind_method(superclass, name, peek!(1))?;
                sp = sp.wrapping_sub(1);
                set_peek!(0, bound);
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! op_invoke {
            ($index:expr) => {{
                let name = string_constant!($index);
                let argc = usize::from(read_u8!());
                let Some(instance) = peek!(argc).as_gc::<ObjInstance>() else {
                    throw!(messages::ONLY_INSTANCES_METHODS);
                };
                if let Some(field) = instance.fields.get(name) {
                    set_peek!(argc, field);
                    if let Some(closure) = field.as_gc::<ObjClosure>() {
                        enter_closure!(closure, argc);
                    } else {
                        call_value!(field, argc);
                    }
                } else if let Some(method) = instance.class.methods.get(name) {
                    enter_closure!(method_closure(method), argc);
                } else {
                    throw!(messages::undefined_property(&name.text));
                }
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! op_super_invoke {
            ($index:expr) => {{
                let name = string_constant!($index);
                let argc = usize::from(read_u8!());
                let superclass: Gc<ObjClass> = pop!().expect_gc();
                match superclass.methods.get(name) {
                    Some(method) => enter_closure!(method_closure(method), argc),
                    None => throw!(messages::undefined_property(&name.text)),
                }
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! op_closure {
            ($index:expr) => {{
                let function: Gc<ObjFunction> = constant!($index).expect_gc();
                save_state!();
                // SAFETY: the frame's closure is live (it is being run).
                let enclosing = unsafe { Gc::from_ptr((*frame).closure) };
                // SAFETY: the Code invariant: two capture bytes per upvalue follow.
                let captures = unsafe { std::slice::from_raw_parts(ip, 2 * function.upvalue_count) };
                // SAFETY: `frame` is the innermost frame.
                self.make_closure(function, captures, unsafe { (*frame).slots }, enclosing);
                ip = ip.wrapping_add(captures.len());
                sp = self.sp;
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! op_class {
            ($index:expr) => {{
                let name = string_constant!($index);
                save_state!();
                self.maybe_collect();
                let class = self.heap.new_class(name);
                push!(class.value());
            }};
        }
        #[collapse_debuginfo(yes)]
        macro_rules! op_method {
            ($index:expr) => {{
                let name = string_constant!($index);
                let class: Gc<ObjClass> = peek!(1).expect_gc();
                self.heap.add_method(class, name, peek!(0));
                sp = sp.wrapping_sub(1);
            }};
        }

        load_state!();
        loop {
            #[cfg(feature = "work-count")]
            let start = ip;
            let byte = read_u8!();
            // SAFETY: the Code invariant: `ip` was at an instruction start,
            // and compile.rs writes only `Op as u8` there.
            let op = unsafe { std::mem::transmute::<u8, Op>(byte) };
            #[cfg(feature = "work-count")]
            {
                work += 1;
                // SAFETY: `frame` is the innermost frame, and its closure is live.
                let function_marker = || unsafe { Gc::from_ptr((*frame).closure).function.marker };
                self.profile.dispatch(op, start, frame, self.frame_count, function_marker);
            }
            match op {
                Op::Constant => op_constant!(usize::from(read_u8!())),
                Op::Nil => push!(Value::NIL),
                Op::True => push!(Value::TRUE),
                Op::False => push!(Value::FALSE),
                Op::Pop => sp = sp.wrapping_sub(1),
                Op::GetLocal => push!(*local!(usize::from(read_u8!()))),
                Op::SetLocal => *local!(usize::from(read_u8!())) = peek!(0),
                Op::GetGlobal => op_get_global!(usize::from(read_u8!())),
                Op::DefineGlobal => op_define_global!(usize::from(read_u8!())),
                Op::SetGlobal => op_set_global!(usize::from(read_u8!()), false),
                Op::GetUpvalue => {
                    let upvalue = upvalue!(usize::from(read_u8!()));
                    // SAFETY: an upvalue's location is its live stack slot
                    // while open, or its own `closed` cell once closed.
                    push!(unsafe { *upvalue.location.get() });
                }
                Op::SetUpvalue => {
                    let upvalue = upvalue!(usize::from(read_u8!()));
                    let value = peek!(0);
                    // SAFETY: as for GetUpvalue.
                    unsafe { *upvalue.location.get() = value };
                }
                Op::GetProperty => op_get_property!(usize::from(read_u8!())),
                Op::SetProperty => op_set_property!(usize::from(read_u8!()), false),
                Op::GetSuper => op_get_super!(usize::from(read_u8!())),
                Op::Equal => {
                    let b = pop!();
                    set_peek!(0, Value::bool(peek!(0).lox_equals(b)));
                }
                Op::Greater => binary_number!(>, Value::bool),
                Op::Less => binary_number!(<, Value::bool),
                Op::Add => {
                    let (a, b) = (peek!(1), peek!(0));
                    if a.is_number() && b.is_number() {
                        sp = sp.wrapping_sub(1);
                        set_peek!(0, Value::number(number::add(a.as_number(), b.as_number())));
                    } else if let (Some(a), Some(b)) = (a.as_gc::<ObjString>(), b.as_gc::<ObjString>()) {
                        if frontend::memory::check_string(a.text.len(), b.text.len(), self.max_heap).is_err() {
                            throw!(messages::OUT_OF_MEMORY);
                        }
                        save_state!();
                        self.concatenate(a, b);
                        sp = self.sp;
                    } else {
                        throw!(messages::OPERANDS_ADD);
                    }
                }
                Op::Subtract => binary_number!(-, Value::number),
                Op::Multiply => {
                    let (a, b) = (peek!(1), peek!(0));
                    if !(a.is_number() && b.is_number()) {
                        throw!(messages::OPERANDS_NUMBERS);
                    }
                    sp = sp.wrapping_sub(1);
                    set_peek!(0, Value::number(number::multiply(a.as_number(), b.as_number())));
                }
                Op::Divide => binary_number!(/, Value::number),
                Op::Not => set_peek!(0, Value::bool(peek!(0).is_falsey())),
                Op::Negate => {
                    let a = peek!(0);
                    if !a.is_number() {
                        throw!(messages::OPERAND_NUMBER);
                    }
                    set_peek!(0, Value::number(-a.as_number()));
                }
                Op::Print => {
                    let value = pop!();
                    let written = write_value(out, value).and_then(|()| out.write_all(b"\n"));
                    if let Err(error) = written {
                        save_state!();
                        self.reset_stack();
                        return Err(RunError::Io(error));
                    }
                }
                Op::Jump => {
                    let distance = read_u16!();
                    ip = ip.wrapping_add(distance);
                }
                Op::JumpIfFalse => {
                    let distance = read_u16!();
                    if peek!(0).is_falsey() {
                        ip = ip.wrapping_add(distance);
                    }
                }
                Op::Loop => {
                    let distance = read_u16!();
                    ip = ip.wrapping_sub(distance);
                }
                Op::Call => {
                    let argc = usize::from(read_u8!());
                    let callee = peek!(argc);
                    if let Some(closure) = callee.as_gc::<ObjClosure>() {
                        enter_closure!(closure, argc);
                    } else {
                        call_value!(callee, argc);
                    }
                }
                Op::Invoke => op_invoke!(usize::from(read_u8!())),
                Op::SuperInvoke => op_super_invoke!(usize::from(read_u8!())),
                Op::Closure => op_closure!(usize::from(read_u8!())),
                Op::CloseUpvalue => {
                    self.close_upvalues(sp.wrapping_sub(1));
                    sp = sp.wrapping_sub(1);
                }
                Op::Return => {
                    let result = pop!();
                    self.close_upvalues(slots);
                    self.frame_count -= 1;
                    if self.frame_count == 0 {
                        // The script returned: pop its closure and stop.
                        self.sp = slots;
                        #[cfg(feature = "work-count")]
                        {
                            self.work = work;
                        }
                        return Ok(());
                    }
                    sp = slots;
                    push!(result);
                    // SAFETY: frame_count >= 1, so the caller's frame exists
                    // just below, and its closure is live.
                    unsafe {
                        frame = frame.sub(1);
                        ip = (*frame).ip;
                        slots = (*frame).slots;
                        constants = (*frame).constants;
                    }
                }
                Op::Class => op_class!(usize::from(read_u8!())),
                Op::Inherit => {
                    let Some(superclass) = peek!(1).as_gc::<ObjClass>() else {
                        throw!(messages::SUPERCLASS_NOT_CLASS);
                    };
                    let subclass: Gc<ObjClass> = peek!(0).expect_gc();
                    self.heap.inherit(subclass, superclass);
                    sp = sp.wrapping_sub(1);
                }
                Op::Method => op_method!(usize::from(read_u8!())),

                // The encoding: wide operands and long jumps.
                Op::Wide => {
                    let byte = read_u8!();
                    // SAFETY: the Code invariant: `Wide` is followed by an
                    // opcode with an index operand.
                    let op = unsafe { std::mem::transmute::<u8, Op>(byte) };
                    let index = read_u24!();
                    match op {
                        Op::Constant => op_constant!(index),
                        Op::GetGlobal => op_get_global!(index),
                        Op::DefineGlobal => op_define_global!(index),
                        Op::SetGlobal => op_set_global!(index, false),
                        Op::GetProperty => op_get_property!(index),
                        Op::SetProperty => op_set_property!(index, false),
                        Op::GetSuper => op_get_super!(index),
                        Op::Invoke => op_invoke!(index),
                        Op::SuperInvoke => op_super_invoke!(index),
                        Op::Closure => op_closure!(index),
                        Op::Class => op_class!(index),
                        Op::Method => op_method!(index),
                        Op::GetGlobalSlot => op_get_global_slot!(index),
                        Op::DefineGlobalSlot => op_define_global_slot!(index),
                        Op::SetGlobalSlot => op_set_global_slot!(index, false),
                        Op::SetGlobalPop => op_set_global!(index, true),
                        Op::SetGlobalSlotPop => op_set_global_slot!(index, true),
                        Op::SetPropertyPop => op_set_property!(index, true),
                        _ => unreachable!("compile.rs puts Wide only before index instructions"),
                    }
                }
                Op::JumpLong => {
                    let distance = read_u32!();
                    ip = ip.wrapping_add(distance);
                }
                Op::JumpIfFalseLong => {
                    let distance = read_u32!();
                    if peek!(0).is_falsey() {
                        ip = ip.wrapping_add(distance);
                    }
                }
                Op::LoopLong => {
                    let distance = read_u32!();
                    ip = ip.wrapping_sub(distance);
                }
                Op::JumpIfFalsePopLong => {
                    let distance = read_u32!();
                    if pop!().is_falsey() {
                        ip = ip.wrapping_add(distance);
                    }
                }

                // global-slots
                Op::GetGlobalSlot => op_get_global_slot!(usize::from(read_u8!())),
                Op::DefineGlobalSlot => op_define_global_slot!(usize::from(read_u8!())),
                Op::SetGlobalSlot => op_set_global_slot!(usize::from(read_u8!()), false),

                // superinstructions
                Op::JumpIfFalsePop => {
                    let distance = read_u16!();
                    if pop!().is_falsey() {
                        ip = ip.wrapping_add(distance);
                    }
                }
                Op::NotEqual => {
                    let b = pop!();
                    set_peek!(0, Value::bool(!peek!(0).lox_equals(b)));
                }
                Op::LessEqual => binary_number!(>, |greater: bool| Value::bool(!greater)),
                Op::GreaterEqual => binary_number!(<, |less: bool| Value::bool(!less)),
                Op::SetLocalPop => {
                    let slot = usize::from(read_u8!());
                    *local!(slot) = pop!();
                }
                Op::SetUpvaluePop => {
                    let upvalue = upvalue!(usize::from(read_u8!()));
                    let value = pop!();
                    // SAFETY: as for GetUpvalue.
                    unsafe { *upvalue.location.get() = value };
                }
                Op::SetGlobalPop => op_set_global!(usize::from(read_u8!()), true),
                Op::SetGlobalSlotPop => op_set_global_slot!(usize::from(read_u8!()), true),
                Op::SetPropertyPop => op_set_property!(usize::from(read_u8!()), true),

                // fused-conditions
                Op::JumpIfTruePop => {
                    let distance = read_u16!();
                    if !pop!().is_falsey() {
                        ip = ip.wrapping_add(distance);
                    }
                }
                Op::JumpIfLess | Op::JumpIfNotLess | Op::JumpIfGreater | Op::JumpIfNotGreater => {
                    let distance = read_u16!();
                    let (a, b) = (peek!(1), peek!(0));
                    if !(a.is_number() && b.is_number()) {
                        throw!(messages::OPERANDS_NUMBERS);
                    }
                    sp = sp.wrapping_sub(2);
                    let (a, b) = (a.as_number(), b.as_number());
                    // `!(a < b)` is not `a >= b`: it is true when a number is
                    // NaN, which is what `JumpIfNotLess` means.
                    #[expect(clippy::neg_cmp_op_on_partial_ord, reason = "NaN compares false both ways")]
                    let jump = match op {
                        Op::JumpIfLess => a < b,
                        Op::JumpIfNotLess => !(a < b),
                        Op::JumpIfGreater => a > b,
                        _ => !(a > b),
                    };
                    if jump {
                        ip = ip.wrapping_add(distance);
                    }
                }
                Op::JumpIfEqual | Op::JumpIfNotEqual => {
                    let distance = read_u16!();
                    let b = pop!();
                    if pop!().lox_equals(b) == (op == Op::JumpIfEqual) {
                        ip = ip.wrapping_add(distance);
                    }
                }
            }
        }
    }

    /// Whether a frame starting at `slots` has room for `max_stack` slots.
    #[inline(always)]
    pub fn has_room(&self, slots: *mut Value, max_stack: usize) -> bool {
        let end = self.stack.as_ptr_range().end as usize;
        (slots as usize) + max_stack * size_of::<Value>() <= end
    }
}
