//! Calls, classes and properties outside the dispatch loop's fast paths:
//! calls of natives, classes and bound methods, classes and fields, string
//! concatenation, and runtime errors.
//!
//! These run with the loop's registers saved to `self` (vm.rs's
//! `save_state!`), so `self.sp` is the stack top and every frame's `ip` is
//! current: they may allocate (and so collect) and they may fail.

use crate::vm::Vm;
use frontend::diagnostics::{RunError, RuntimeError};
use frontend::messages::{self, MAX_FRAMES};
use nanbox_runtime::object::{Gc, ObjBoundMethod, ObjClass, ObjClosure, ObjNative, ObjString};
use nanbox_runtime::property::method_closure;
use nanbox_runtime::stack::{self, CallFrame};
use nanbox_runtime::value::Value;

impl Vm {
    /// Calls any callable value with `argc` arguments above it on the stack.
    pub fn call_value(&mut self, callee: Value, argc: usize) -> Result<(), RunError> {
        if let Some(closure) = callee.as_gc::<ObjClosure>() {
            return self.call_closure(closure, argc);
        }
        if let Some(bound) = callee.as_gc::<ObjBoundMethod>() {
            self.set_callee(argc, bound.receiver);
            return self.call_closure(bound.method, argc);
        }
        if let Some(class) = callee.as_gc::<ObjClass>() {
            return self.instantiate(class, argc);
        }
        if let Some(native) = callee.as_gc::<ObjNative>() {
            // SAFETY: the `argc` arguments are the topmost stack values.
            let args = unsafe { std::slice::from_raw_parts(self.sp.sub(argc), argc) };
            let result = (native.function)(args);
            // SAFETY: the callee and its arguments are on the stack.
            self.sp = unsafe { self.sp.sub(argc + 1) };
            self.push(result);
            return Ok(());
        }
        Err(self.runtime_error(messages::NOT_CALLABLE))
    }

    /// Replaces the callee (below the `argc` arguments) with `value`.
    fn set_callee(&mut self, argc: usize, value: Value) {
        // SAFETY: the callee and its arguments are on the stack.
        unsafe { *self.sp.sub(argc + 1) = value };
    }

    /// Pushes a frame for `closure` (the loop's `enter_closure!` in a method).
    pub fn call_closure(&mut self, closure: Gc<ObjClosure>, argc: usize) -> Result<(), RunError> {
        let function = closure.function;
        if argc != function.arity {
            return Err(self.runtime_error(messages::wrong_arity(function.arity, argc)));
        }
        let slots = self.sp.wrapping_sub(argc + 1);
        if self.frame_count == MAX_FRAMES || !self.has_room(slots, function.max_stack) {
            return Err(self.runtime_error(messages::STACK_OVERFLOW));
        }
        self.frames[self.frame_count] = CallFrame {
            closure: closure.as_ptr(),
            ip: function.chunk.code.as_ptr(),
            slots,
            constants: function.chunk.constants.as_ptr(),
        };
        self.frame_count += 1;
        Ok(())
    }

    /// Calling a class: a new instance, then its `init` if it has one.
    fn instantiate(&mut self, class: Gc<ObjClass>, argc: usize) -> Result<(), RunError> {
        // The class is rooted: it is the callee, on the stack.
        self.maybe_collect();
        let instance = self.heap.new_instance(class);
        self.set_callee(argc, instance.value());
        match class.methods.get(self.init_string) {
            Some(init) => self.call_closure(method_closure(init), argc),
            None if argc != 0 => Err(self.runtime_error(messages::wrong_arity(0, argc))),
            None => Ok(()),
        }
    }

    /// The method `name` of `class` bound to `receiver`. Both must be rooted
    /// (on the stack) by the caller.
    pub fn bind_method(
        &mut self,
        class: Gc<ObjClass>,
        name: Gc<ObjString>,
        receiver: Value,
    ) -> Result<Value, RunError> {
        let Some(method) = class.methods.get(name) else {
            return Err(self.runtime_error(messages::undefined_property(&name.text)));
        };
        self.maybe_collect();
        Ok(self.heap.new_bound_method(receiver, method_closure(method)).value())
    }

    /// `a + b` on two strings, which are the top two stack values.
    pub fn concatenate(&mut self, a: Gc<ObjString>, b: Gc<ObjString>) {
        self.maybe_collect();
        let result = self.heap.concatenate(a, b);
        // SAFETY: the two operands are on the stack.
        self.sp = unsafe { self.sp.sub(1) };
        // SAFETY: as above; this replaces `a`.
        unsafe { *self.sp.sub(1) = result.value() };
    }

    /// A runtime error with the trace of every active frame, innermost first;
    /// the stack is reset so the session can run another program.
    #[cold]
    #[inline(never)]
    pub fn runtime_error(&mut self, message: impl Into<String>) -> RunError {
        let trace = stack::trace(&self.frames[..self.frame_count]);
        self.reset_stack();
        RunError::Runtime(RuntimeError { message: message.into(), trace })
    }
}
