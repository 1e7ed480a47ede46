//! Compiling a function when it is first called.
//!
//! Cranelift spends thousands of instructions on every instruction it
//! compiles, so compiling a whole program before it runs costs more than
//! running a short program does. A baseline JIT therefore compiles only
//! what runs: when a program is prepared its script is compiled, and every
//! function nested in it gets [`compile_and_enter`] as its machine code.
//! The first call of such a function, from machine code or from Rust,
//! enters it there; it compiles the function, records the real machine
//! code in the function object (so every later call goes straight there,
//! with no test on the way) and enters it. A function that is never called
//! is never compiled.

use crate::vm::{Vm, entry};
use nanbox_runtime::object::ObjClosure;
use nanbox_runtime::value::Value;

/// The entry of every function not compiled yet: it has the signature of
/// compiled code ([`crate::vm::Entry`]), so callers cannot tell the
/// difference.
///
/// # Safety
/// As for any [`crate::vm::Entry`]: `vm` is the running state, `closure`
/// the closure being called, `slots` its frame's slot 0 with the arguments
/// above it.
pub unsafe extern "C" fn compile_and_enter(
    vm: *mut Vm,
    closure: *const ObjClosure,
    slots: *mut Value,
    argc: u64,
) -> u64 {
    // SAFETY: the caller passes the live closure it is calling.
    let function = unsafe { (*closure).function };
    // SAFETY: machine code holds no reference to the state, and none runs
    // while Cranelift compiles; compiling does not touch the Lox heap, so
    // nothing can collect meanwhile.
    unsafe { (*vm).codegen.compile(function) };
    let entry = entry(function);
    // SAFETY: `compile` recorded machine code compiled with the `Entry`
    // signature; the arguments are the caller's, forwarded.
    unsafe { entry(vm, closure, slots, argc) }
}
