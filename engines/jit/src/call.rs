//! Calls that machine code does not make inline: calls of natives, classes
//! and bound methods, method invocations, and their errors.
//!
//! Each runs with the caller's live values stored in its stack slots and
//! `sp` saved (translate.rs spills before every call into Rust), so it may
//! allocate, and so collect. A call of a Lox function enters its machine
//! code, which pushes its own frame; these functions hold the state only
//! through the raw pointer while they do, never a reference.

use crate::vm::{Vm, entry};
use frontend::messages;
use nanbox_runtime::object::{Gc, ObjBoundMethod, ObjClass, ObjClosure, ObjInstance, ObjNative, ObjString};
use nanbox_runtime::property::method_closure;
use nanbox_runtime::value::Value;

/// Calls `closure` with the callee slot at `slots` and `argc` arguments
/// above it; returns the result, or ABSENT after an error.
///
/// # Safety
/// `vm` is the running state; `slots` is inside its stack, with the
/// arguments above it and `sp` saved past them.
pub unsafe fn call_closure(vm: *mut Vm, closure: Gc<ObjClosure>, slots: *mut Value, argc: usize) -> u64 {
    let entry = entry(closure.function);
    // SAFETY: the machine code was compiled with the `Entry` signature, and
    // the caller guarantees the frame's slots.
    unsafe { entry(vm, closure.as_ptr(), slots, argc as u64) }
}

/// Calls any callable value with `argc` arguments above it.
///
/// # Safety
/// As for [`call_closure`]; the callee is in the slot at `slots` too.
pub unsafe fn call_value(vm: *mut Vm, callee: Value, slots: *mut Value, argc: usize) -> u64 {
    if let Some(closure) = callee.as_gc::<ObjClosure>() {
        // SAFETY: forwarded from the caller.
        return unsafe { call_closure(vm, closure, slots, argc) };
    }
    if let Some(bound) = callee.as_gc::<ObjBoundMethod>() {
        // SAFETY: the callee's slot is in the stack (the caller's guarantee);
        // the method sees its receiver as `this`, in slot 0.
        unsafe { slots.write(bound.receiver) };
        // SAFETY: forwarded from the caller.
        return unsafe { call_closure(vm, bound.method, slots, argc) };
    }
    if let Some(class) = callee.as_gc::<ObjClass>() {
        // SAFETY: forwarded from the caller.
        return unsafe { instantiate(vm, class, slots, argc) };
    }
    if let Some(native) = callee.as_gc::<ObjNative>() {
        // SAFETY: the `argc` arguments are in the slots above the callee.
        let args = unsafe { std::slice::from_raw_parts(slots.add(1), argc) };
        return (native.function)(args).bits();
    }
    // SAFETY: no compiled code is running in this call; the state is not
    // otherwise borrowed.
    unsafe { (*vm).runtime_error(messages::NOT_CALLABLE) }
}

/// Calling a class: a new instance, then its `init` if it has one.
///
/// # Safety
/// As for [`call_value`].
unsafe fn instantiate(vm: *mut Vm, class: Gc<ObjClass>, slots: *mut Value, argc: usize) -> u64 {
    let init = {
        // SAFETY: no compiled code runs while this reference is used.
        let state = unsafe { &mut *vm };
        // The class is rooted: it is the callee, below `sp`.
        state.maybe_collect();
        let instance = state.heap.new_instance(class);
        // SAFETY: the callee's slot, which the instance replaces.
        unsafe { slots.write(instance.value()) };
        match class.methods.get(state.init_string) {
            Some(init) => init,
            None if argc != 0 => return state.runtime_error(messages::wrong_arity(0, argc)),
            None => return instance.value().bits(),
        }
    };
    // SAFETY: forwarded from the caller.
    unsafe { call_closure(vm, method_closure(init), slots, argc) }
}

/// `receiver.name(args)`: a field holding something callable, or a method.
///
/// # Safety
/// As for [`call_value`], with the receiver in the slot at `slots`.
pub unsafe fn invoke(vm: *mut Vm, name: Gc<ObjString>, slots: *mut Value, argc: usize) -> u64 {
    // SAFETY: the receiver's slot is in the stack.
    let receiver = unsafe { slots.read() };
    let Some(instance) = receiver.as_gc::<ObjInstance>() else {
        // SAFETY: no compiled code runs in this call.
        return unsafe { (*vm).runtime_error(messages::ONLY_INSTANCES_METHODS) };
    };
    if let Some(field) = instance.fields.get(name) {
        // SAFETY: as above; the field replaces the receiver as the callee.
        unsafe { slots.write(field) };
        // SAFETY: forwarded from the caller.
        return unsafe { call_value(vm, field, slots, argc) };
    }
    // SAFETY: forwarded from the caller.
    unsafe { invoke_from_class(vm, instance.class, name, slots, argc) }
}

/// Calls the method `name` of `class` on the receiver in the slot at `slots`.
///
/// # Safety
/// As for [`invoke`].
pub unsafe fn invoke_from_class(
    vm: *mut Vm,
    class: Gc<ObjClass>,
    name: Gc<ObjString>,
    slots: *mut Value,
    argc: usize,
) -> u64 {
    match class.methods.get(name) {
        // SAFETY: forwarded from the caller.
        Some(method) => unsafe { call_closure(vm, method_closure(method), slots, argc) },
        // SAFETY: no compiled code runs in this call.
        None => unsafe { (*vm).runtime_error(messages::undefined_property(&name.text)) },
    }
}

impl Vm {
    /// The method `name` of `class` bound to `receiver`, which the caller
    /// keeps rooted.
    pub fn bind_method(&mut self, class: Gc<ObjClass>, name: Gc<ObjString>, receiver: Value) -> u64 {
        let Some(method) = class.methods.get(name) else {
            return self.runtime_error(messages::undefined_property(&name.text));
        };
        self.maybe_collect();
        self.heap.new_bound_method(receiver, method_closure(method)).value().bits()
    }
}
