//! The machine's state, as nanbox-vm's `Vm` holds it, and how a run enters
//! the compiled script.
//!
//! Machine code reads and writes some of these fields directly, at offsets
//! [`crate::layout`] computes: the frame count and the frames, the stack's
//! top and end, the global slots and the head of the open upvalues. Rust
//! code reaches the state through a raw pointer while machine code runs
//! (helpers.rs), never through a reference held across a call into
//! compiled code.

use crate::codegen::Codegen;
use crate::config::Config;
use frontend::diagnostics::{RunError, RuntimeError};
use nanbox_runtime::gc::Roots;
use nanbox_runtime::globals::{GlobalNames, Globals};
use nanbox_runtime::heap::Heap;
use nanbox_runtime::object::{Gc, ObjClosure, ObjFunction, ObjString, ObjUpvalue};
use nanbox_runtime::stack::{self, CallFrame};
use nanbox_runtime::upvalue::{Capture, OpenUpvalues};
use nanbox_runtime::value::Value;
use std::io::Write;

/// A compiled function's entry: the state, the closure being called, its
/// frame's slot 0 (the callee, with the arguments above it) and the
/// argument count. It returns the call's result, or [`Value::ABSENT`] when
/// a runtime error has stopped the program (the error is in
/// [`Vm::error`], and every frame is gone).
pub type Entry = unsafe extern "C" fn(*mut Vm, *const ObjClosure, *mut Value, u64) -> u64;

pub struct Vm {
    pub heap: Heap,
    /// The fixed value stack: it never moves, so upvalues and frames can
    /// point into it.
    pub stack: Box<[Value]>,
    /// One past the top value, saved before every call into Rust that may
    /// collect.
    pub sp: *mut Value,
    /// One past the stack's last slot, for the overflow check.
    pub stack_end: *const Value,
    pub frames: Box<[CallFrame]>,
    /// `frames`' first element, for machine code.
    pub frames_base: *mut CallFrame,
    pub frame_count: usize,
    /// The upvalues still pointing into the stack, the highest slot's first.
    pub open_upvalues: OpenUpvalues,
    pub globals: Globals,
    /// `globals.slots`' first element, for machine code; it moves only
    /// when a new program declares globals, before it runs.
    pub global_slots: *mut Value,
    pub global_names: GlobalNames,
    /// The interned `"init"`, to find initializers.
    pub init_string: Gc<ObjString>,
    /// The session's tunings.
    pub config: Config,
    /// The compiled program waiting to run: a root until it runs.
    pub script: Option<Gc<ObjFunction>>,
    /// The heap ceiling (`Options::max_heap`) a new string is checked against.
    pub max_heap: usize,
    /// The error that stopped the run, while machine code unwinds.
    pub error: Option<RunError>,
    /// The session's JIT module: functions compile at their first call.
    pub codegen: Codegen,
    /// Where `print` writes, during a run.
    pub out: Option<*mut (dyn Write + 'static)>,
}

impl Vm {
    pub fn new(gc_stress: bool, config: Config) -> Vm {
        let mut heap = Heap::new(gc_stress, &config);
        let init_string = heap.intern("init");
        let mut stack = stack::zeroed_stack();
        let sp = stack.as_mut_ptr();
        let stack_end = stack.as_ptr_range().end;
        let mut frames = stack::frames();
        let frames_base = frames.as_mut_ptr();
        let mut globals = Globals::default();
        let global_slots = globals.slots.as_mut_ptr();
        Vm {
            heap,
            stack,
            sp,
            stack_end,
            frames,
            frames_base,
            frame_count: 0,
            open_upvalues: OpenUpvalues::default(),
            globals,
            global_slots,
            global_names: GlobalNames::new(config.name_hash),
            init_string,
            config,
            script: None,
            max_heap: frontend::memory::DEFAULT_MAX_HEAP,
            error: None,
            codegen: Codegen::new(),
            out: None,
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
        self.global_slots = self.globals.slots.as_mut_ptr();
    }

    /// Runs the prepared (and compiled) script to completion or to its
    /// first error.
    pub fn run(&mut self, out: &mut dyn Write) -> Result<(), RunError> {
        let function = self.script.expect("run follows a successful prepare");
        self.grow_globals(self.global_names.len());
        // The function stays rooted through `self.script` while its closure
        // is allocated.
        self.maybe_collect();
        let closure = self.heap.new_closure(function, Box::new([]));
        self.script = None;
        let base = self.stack.as_mut_ptr();
        // SAFETY: the stack has room for the script's closure in slot 0.
        unsafe { base.write(closure.value()) };
        // SAFETY: only the lifetime is erased: `out` is cleared below,
        // before this borrow of it ends, and nothing reads it after a run.
        self.out = Some(unsafe {
            std::mem::transmute::<*mut (dyn Write + '_), *mut (dyn Write + 'static)>(std::ptr::from_mut(out))
        });
        let entry = entry(function);
        // The profiling build's marker starts empty; machine code marks
        // each frame it pushes (helpers.rs).
        #[cfg(feature = "work-count")]
        frontend::profiling::marker::clear();
        // SAFETY: the script's machine code was compiled from its chunk at
        // prepare, with the `Entry` signature; slot 0 holds its closure.
        let result = unsafe { entry(self, closure.as_ptr(), base, 0) };
        self.out = None;
        self.sp = base;
        if result == Value::ABSENT.bits() {
            return Err(self.error.take().expect("machine code returns ABSENT only after an error"));
        }
        Ok(())
    }

    /// Collects garbage if the heap says it is time. Call only where every
    /// object in use is rooted and `self.sp` is current.
    #[inline(always)]
    pub fn maybe_collect(&mut self) {
        if self.heap.should_collect() {
            self.collect_garbage();
        }
    }

    pub fn collect_garbage(&mut self) {
        let base = self.stack.as_ptr();
        // SAFETY: `sp` is saved and lies within the stack, at or above its base.
        let depth = unsafe { self.sp.offset_from(base) } as usize;
        self.heap.collect(Roots {
            stack: &self.stack[..depth],
            frames: &self.frames[..self.frame_count],
            open_upvalues: &self.open_upvalues,
            globals: &self.globals,
            init_string: self.init_string,
            script: self.script,
        });
    }

    /// Stops the run with a runtime error, traced through every active
    /// frame; machine code then unwinds, returning ABSENT.
    #[cold]
    #[inline(never)]
    pub fn runtime_error(&mut self, message: impl Into<String>) -> u64 {
        let trace = stack::trace(&self.frames[..self.frame_count]);
        self.fail(RunError::Runtime(RuntimeError { message: message.into(), trace }))
    }

    /// Stops the run with `error`: the stack and frames are emptied so that
    /// the session can run its next program.
    #[cold]
    pub fn fail(&mut self, error: RunError) -> u64 {
        // A closure that outlives the failed run (stored in a global, at the
        // prompt) keeps the values its variables had, rather than pointing
        // into a stack that the next run reuses.
        let base = self.stack.as_mut_ptr();
        self.open_upvalues.close(base);
        self.sp = base;
        self.frame_count = 0;
        self.error = Some(error);
        Value::ABSENT.bits()
    }
}

impl Vm {
    /// The open upvalue for stack slot `slot`, made if no closure has
    /// captured that variable yet, so that all closures share one.
    pub fn capture_upvalue(&mut self, slot: *mut Value) -> Gc<ObjUpvalue> {
        match self.open_upvalues.find(slot) {
            Capture::Existing(upvalue) => upvalue,
            Capture::New { previous } => {
                self.maybe_collect();
                let created = self.heap.new_upvalue(slot);
                self.open_upvalues.insert(previous, created);
                created
            }
        }
    }
}

/// The entry of a function: its machine code, or lazy.rs's entry that
/// compiles it first.
pub fn entry(function: Gc<ObjFunction>) -> Entry {
    let code = function.machine_code.get();
    assert!(!code.is_null(), "every function has machine code or the lazy entry from prepare");
    // SAFETY: `machine_code` is only ever set (codegen.rs) to the address
    // of a function compiled with the `Entry` signature, or to
    // `lazy::compile_and_enter`, which has that signature.
    unsafe { std::mem::transmute::<*const u8, Entry>(code) }
}
