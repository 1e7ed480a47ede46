//! The runtime helpers: everything machine code does not do inline, as
//! `extern "C"` functions it calls by address.
//!
//! Machine code passes values as their 64-bit patterns and the state as a
//! raw pointer. A helper that can fail returns [`Value::ABSENT`] after
//! recording the error (`Vm::runtime_error`), and the code that called it
//! unwinds. Before calling a helper that may allocate or fail, machine code
//! has stored its live values in their stack slots, saved `sp`, and saved
//! its frame's `ip` (translate.rs), so the collector and the error's trace
//! see what nanbox-vm's would.

use crate::call;
use crate::vm::Vm;
use frontend::diagnostics::RunError;
use frontend::messages;
use nanbox_runtime::object::{Gc, ObjClass, ObjClosure, ObjFunction, ObjInstance, ObjString, ObjUpvalue, write_value};
use nanbox_runtime::value::Value;

/// One helper, as translate.rs calls it.
#[derive(Clone, Copy, Debug)]
pub struct Helper {
    pub name: &'static str,
    pub address: *const u8,
    /// How many 64-bit arguments it takes.
    pub params: usize,
    /// Whether it returns a 64-bit result.
    pub returns: bool,
}

macro_rules! helper {
    ($name:ident, $params:expr, $returns:expr) => {
        Helper { name: stringify!($name), address: $name as *const u8, params: $params, returns: $returns }
    };
}

pub const THROW: Helper = helper!(throw, 2, true);
pub const WRONG_ARITY: Helper = helper!(wrong_arity, 3, true);
pub const UNDEFINED_SLOT: Helper = helper!(undefined_slot, 2, true);
pub const GET_GLOBAL: Helper = helper!(get_global, 2, true);
pub const DEFINE_GLOBAL: Helper = helper!(define_global, 3, false);
pub const SET_GLOBAL: Helper = helper!(set_global, 3, true);
pub const GET_UPVALUE: Helper = helper!(get_upvalue, 2, true);
pub const SET_UPVALUE: Helper = helper!(set_upvalue, 3, false);
pub const GET_PROPERTY: Helper = helper!(get_property, 3, true);
pub const SET_PROPERTY: Helper = helper!(set_property, 4, true);
pub const GET_SUPER: Helper = helper!(get_super, 4, true);
pub const ADD: Helper = helper!(add, 3, true);
pub const PRINT: Helper = helper!(print, 2, true);
pub const CALL: Helper = helper!(call, 4, true);
pub const INVOKE: Helper = helper!(invoke, 4, true);
pub const SUPER_INVOKE: Helper = helper!(super_invoke, 5, true);
pub const CLOSURE: Helper = helper!(closure, 5, true);
pub const CLOSE_UPVALUES: Helper = helper!(close_upvalues, 2, false);
pub const CLASS: Helper = helper!(class, 2, true);
pub const INHERIT: Helper = helper!(inherit, 3, true);
pub const METHOD: Helper = helper!(method, 4, false);
#[cfg(feature = "work-count")]
pub const MARK_FRAME: Helper = helper!(mark_frame, 2, false);
#[cfg(feature = "work-count")]
pub const MARK_DEPTH: Helper = helper!(mark_depth, 1, false);

/// The messages [`throw`] raises, by number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u64)]
pub enum Message {
    OperandsNumbers,
    OperandNumber,
    StackOverflow,
}

/// The value machine code passed as `bits`.
fn value(bits: u64) -> Value {
    // SAFETY: machine code passes only values it read from stack slots,
    // constants, globals or fields, or that helpers returned.
    unsafe { Value::from_bits(bits) }
}

/// The object of kind `T` that `bits` is known to be (a name constant, a
/// function constant, the running closure).
fn object<T: nanbox_runtime::object::HeapObject>(bits: u64) -> Gc<T> {
    value(bits).expect_gc()
}

/// The state, for a helper that does not call compiled code.
///
/// # Safety
/// `vm` is the running state, which machine code passed; no other reference
/// to it is in use while the helper runs.
unsafe fn state<'a>(vm: *mut Vm) -> &'a mut Vm {
    // SAFETY: forwarded to the caller.
    unsafe { &mut *vm }
}

extern "C" fn throw(vm: *mut Vm, message: u64) -> u64 {
    let message = match message {
        m if m == Message::OperandsNumbers as u64 => messages::OPERANDS_NUMBERS,
        m if m == Message::OperandNumber as u64 => messages::OPERAND_NUMBER,
        _ => messages::STACK_OVERFLOW,
    };
    // SAFETY: called by machine code with its state.
    unsafe { state(vm) }.runtime_error(message)
}

extern "C" fn wrong_arity(vm: *mut Vm, arity: u64, argc: u64) -> u64 {
    // SAFETY: called by machine code with its state.
    unsafe { state(vm) }.runtime_error(messages::wrong_arity(arity as usize, argc as usize))
}

extern "C" fn undefined_slot(vm: *mut Vm, slot: u64) -> u64 {
    // SAFETY: called by machine code with its state.
    let vm = unsafe { state(vm) };
    let message = messages::undefined_variable(vm.global_names.name(slot as usize));
    vm.runtime_error(message)
}

extern "C" fn get_global(vm: *mut Vm, name: u64) -> u64 {
    // SAFETY: called by machine code with its state.
    let vm = unsafe { state(vm) };
    let name = object::<ObjString>(name);
    match vm.globals.get_named(name) {
        Some(global) => global.bits(),
        None => vm.runtime_error(messages::undefined_variable(&name.text)),
    }
}

extern "C" fn define_global(vm: *mut Vm, name: u64, defined: u64) {
    // SAFETY: called by machine code with its state.
    unsafe { state(vm) }.globals.define_named(object(name), value(defined));
}

extern "C" fn set_global(vm: *mut Vm, name: u64, assigned: u64) -> u64 {
    // SAFETY: called by machine code with its state.
    let vm = unsafe { state(vm) };
    let name = object::<ObjString>(name);
    if vm.globals.set_named(name, value(assigned)) {
        assigned
    } else {
        vm.runtime_error(messages::undefined_variable(&name.text))
    }
}

/// The running closure, as machine code has it: a plain pointer.
fn running(closure: *const ObjClosure) -> Gc<ObjClosure> {
    // SAFETY: machine code passes the closure its frame runs, which the
    // frame roots.
    unsafe { Gc::from_ptr(closure) }
}

/// The upvalue `index` of `closure`.
fn upvalue(closure: *const ObjClosure, index: u64) -> Gc<ObjUpvalue> {
    running(closure).upvalues[index as usize]
}

extern "C" fn get_upvalue(closure: *const ObjClosure, index: u64) -> u64 {
    // SAFETY: an upvalue's location is its live stack slot while open (the
    // enclosing frame keeps captured slots in memory), or its own `closed`
    // cell once closed.
    unsafe { *upvalue(closure, index).location.get() }.bits()
}

extern "C" fn set_upvalue(closure: *const ObjClosure, index: u64, assigned: u64) {
    // SAFETY: as for `get_upvalue`.
    unsafe { *upvalue(closure, index).location.get() = value(assigned) };
}

extern "C" fn get_property(vm: *mut Vm, receiver: u64, name: u64) -> u64 {
    // SAFETY: called by machine code with its state.
    let vm = unsafe { state(vm) };
    let Some(instance) = value(receiver).as_gc::<ObjInstance>() else {
        return vm.runtime_error(messages::ONLY_INSTANCES_PROPERTIES);
    };
    let name = object::<ObjString>(name);
    match instance.fields.get(name) {
        Some(field) => field.bits(),
        None => vm.bind_method(instance.class, name, value(receiver)),
    }
}

extern "C" fn set_property(vm: *mut Vm, receiver: u64, name: u64, assigned: u64) -> u64 {
    // SAFETY: called by machine code with its state.
    let vm = unsafe { state(vm) };
    let Some(instance) = value(receiver).as_gc::<ObjInstance>() else {
        return vm.runtime_error(messages::ONLY_INSTANCES_FIELDS);
    };
    vm.heap.set_field(instance, object(name), value(assigned));
    assigned
}

extern "C" fn get_super(vm: *mut Vm, this: u64, superclass: u64, name: u64) -> u64 {
    // SAFETY: called by machine code with its state.
    unsafe { state(vm) }.bind_method(object(superclass), object(name), value(this))
}

/// `a + b` when they are not two numbers: two strings, or an error.
extern "C" fn add(vm: *mut Vm, a: u64, b: u64) -> u64 {
    // SAFETY: called by machine code with its state.
    let vm = unsafe { state(vm) };
    let (Some(a), Some(b)) = (value(a).as_gc::<ObjString>(), value(b).as_gc::<ObjString>()) else {
        return vm.runtime_error(messages::OPERANDS_ADD);
    };
    if frontend::memory::check_string(a.text.len(), b.text.len(), vm.max_heap).is_err() {
        return vm.runtime_error(messages::OUT_OF_MEMORY);
    }
    // Both operands are in their stack slots, below `sp`.
    vm.maybe_collect();
    vm.heap.concatenate(a, b).value().bits()
}

extern "C" fn print(vm: *mut Vm, printed: u64) -> u64 {
    // SAFETY: called by machine code with its state.
    let vm = unsafe { state(vm) };
    let out = vm.out.expect("print runs during a run");
    // SAFETY: `out` is the writer `Vm::run` was given, alive for the run.
    let out = unsafe { &mut *out };
    match write_value(out, value(printed)).and_then(|()| out.write_all(b"\n")) {
        Ok(()) => Value::NIL.bits(),
        Err(error) => vm.fail(RunError::Io(error)),
    }
}

extern "C" fn call(vm: *mut Vm, callee: u64, slots: *mut Value, argc: u64) -> u64 {
    // SAFETY: machine code passes its state and the callee's slot, with the
    // arguments above it and `sp` saved past them.
    unsafe { call::call_value(vm, value(callee), slots, argc as usize) }
}

extern "C" fn invoke(vm: *mut Vm, name: u64, slots: *mut Value, argc: u64) -> u64 {
    // SAFETY: as for `call`, with the receiver in the slot at `slots`.
    unsafe { call::invoke(vm, object(name), slots, argc as usize) }
}

extern "C" fn super_invoke(vm: *mut Vm, name: u64, superclass: u64, slots: *mut Value, argc: u64) -> u64 {
    // SAFETY: as for `invoke`, with `this` in the slot at `slots`.
    unsafe { call::invoke_from_class(vm, object(superclass), object(name), slots, argc as usize) }
}

/// A new closure of `function`, capturing per the bytes at `captures`
/// (pairs of `is_local`, index): slots of the running frame, whose slot 0
/// is at `slots`, or upvalues of the running closure, `enclosing`.
extern "C" fn closure(
    vm: *mut Vm,
    function: u64,
    captures: *const u8,
    slots: *mut Value,
    enclosing: *const ObjClosure,
) -> u64 {
    // SAFETY: called by machine code with its state.
    let vm = unsafe { state(vm) };
    let function = object::<ObjFunction>(function);
    let enclosing = running(enclosing);
    // SAFETY: the chunk holds two capture bytes per upvalue there.
    let captures = unsafe { std::slice::from_raw_parts(captures, 2 * function.upvalue_count) };
    // Each upvalue is rooted as soon as it exists: a new one is in the
    // open list, an inherited one in the enclosing closure; the function
    // is a constant of the running closure.
    let upvalues: Box<[Gc<ObjUpvalue>]> = captures
        .chunks_exact(2)
        .map(|capture| match capture[0] {
            // SAFETY: the resolver's slot is inside the running frame.
            1 => vm.capture_upvalue(unsafe { slots.add(usize::from(capture[1])) }),
            _ => enclosing.upvalues[usize::from(capture[1])],
        })
        .collect();
    vm.maybe_collect();
    vm.heap.new_closure(function, upvalues).value().bits()
}

extern "C" fn close_upvalues(vm: *mut Vm, from: *mut Value) {
    // SAFETY: called by machine code with its state.
    unsafe { state(vm) }.open_upvalues.close(from);
}

extern "C" fn class(vm: *mut Vm, name: u64) -> u64 {
    // SAFETY: called by machine code with its state.
    let vm = unsafe { state(vm) };
    vm.maybe_collect();
    vm.heap.new_class(object(name)).value().bits()
}

extern "C" fn inherit(vm: *mut Vm, superclass: u64, subclass: u64) -> u64 {
    // SAFETY: called by machine code with its state.
    let vm = unsafe { state(vm) };
    let Some(superclass) = value(superclass).as_gc::<ObjClass>() else {
        return vm.runtime_error(messages::SUPERCLASS_NOT_CLASS);
    };
    vm.heap.inherit(object(subclass), superclass);
    Value::NIL.bits()
}

extern "C" fn method(vm: *mut Vm, class: u64, name: u64, method: u64) {
    // SAFETY: called by machine code with its state.
    unsafe { state(vm) }.heap.add_method(object(class), object(name), value(method));
}

/// The profiling build's marker: the frame at `index` (0 is the script's)
/// now runs the function whose marker id is `function`. Machine code calls
/// it once its prologue has pushed the frame, so that a sample names the
/// Lox function whose machine code runs.
#[cfg(feature = "work-count")]
extern "C" fn mark_frame(index: u64, function: u64) {
    frontend::profiling::marker::set_frame(index as usize, function as u32);
}

/// The profiling build's marker: the call stack is `depth` frames deep
/// again, after a return popped a frame.
#[cfg(feature = "work-count")]
extern "C" fn mark_depth(depth: u64) {
    frontend::profiling::marker::set_depth(depth as usize);
}
